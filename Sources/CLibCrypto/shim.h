/* OpenSSL's libcrypto, for the legacy digests of htpasswd files (MD5 for $apr1$, SHA-1 for {SHA}). */
#include <openssl/evp.h>
