#ifndef FNN_CBLAS_H
#define FNN_CBLAS_H

/* OpenBLAS's cblas.h also declares openblas_get_corename() and openblas_set_num_threads(). */
#include <cblas.h>

/* Exported by OpenBLAS (its fork handler uses it) but not declared in cblas.h: stops the
   worker threads, which OpenBLAS starts when it loads and which spin for a while before
   sleeping. They are started again by the next product that uses more than one thread. */
int blas_thread_shutdown_(void);

#endif
