#ifndef CZLIB_H
#define CZLIB_H

#include <zlib.h>

/// `inflateInit2` is a macro; Swift cannot call it, so this shim does.
static inline int CZlib_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

#endif
