#ifndef FNN_CLINUX_H
#define FNN_CLINUX_H

#ifdef __linux__
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <unistd.h>

/* syncfs(2) is a GNU extension that Glibc's Swift overlay does not declare. */
static inline int CLinux_syncfs(int descriptor) {
    return syncfs(descriptor);
}
#endif

#endif
