#ifndef FNN_CLIBCRYPTO_H
#define FNN_CLIBCRYPTO_H

/* OpenSSL's libcrypto, for SHA-256 on Linux (macOS uses CommonCrypto). Only the EVP digest
   API is used, since the low-level SHA256_* functions are deprecated in OpenSSL 3; err.h
   gives the reason when an EVP call fails. */
#include <openssl/evp.h>
#include <openssl/err.h>

#endif
