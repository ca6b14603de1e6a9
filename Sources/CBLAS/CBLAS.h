#ifndef FNN_CBLAS_H
#define FNN_CBLAS_H

/* OpenBLAS's cblas.h also declares openblas_get_corename() and openblas_set_num_threads(). */
#include <cblas.h>

#endif
