#ifndef FNN_CPNG_H
#define FNN_CPNG_H

#include <png.h>

#endif
