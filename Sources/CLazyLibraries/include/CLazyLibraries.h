#ifndef CLAZYLIBRARIES_H
#define CLAZYLIBRARIES_H

/* libxml2 and libcrypto, loaded with dlopen the first time a function here needs them.
 *
 * Few requests need either (an autoindex in xml format, an htpasswd file with $apr1$ or {SHA}
 * hashes), yet linking them made every swhost process map, relocate and keep resident about
 * 2.3 MB of libraries (libcrypto alone has 21,000 relocations; libxml2 pulls in ICU), and cost
 * each exec of a worker about a millisecond. These wrappers keep the libraries' own APIs (the
 * implementation includes their headers, so every call is type-checked against them); only the
 * loading is deferred. Every function fails like its library function does (NULL or -1) when
 * the library cannot be loaded; swhost_lazy_error() then says why. Thread-safe. */

#include <stddef.h>

/* Why the last load failed (dlerror's text), or NULL when nothing failed. */
const char *swhost_lazy_error(void);

/* libxml2's xmlBuffer and xmlTextWriter, as opaque handles. */
typedef struct swhost_xml_buffer swhost_xml_buffer;
typedef struct swhost_xml_writer swhost_xml_writer;

swhost_xml_buffer *swhost_xml_buffer_create(void);
void swhost_xml_buffer_free(swhost_xml_buffer *buffer);
const unsigned char *swhost_xml_buffer_content(const swhost_xml_buffer *buffer);
int swhost_xml_buffer_length(const swhost_xml_buffer *buffer);
swhost_xml_writer *swhost_xml_writer_new_memory(swhost_xml_buffer *buffer, int compression);
void swhost_xml_writer_free(swhost_xml_writer *writer);
int swhost_xml_write_raw(swhost_xml_writer *writer, const char *content);
int swhost_xml_start_element(swhost_xml_writer *writer, const char *name);
int swhost_xml_write_attribute(swhost_xml_writer *writer, const char *name, const char *value);
int swhost_xml_write_string(swhost_xml_writer *writer, const char *content);
int swhost_xml_end_element(swhost_xml_writer *writer);
int swhost_xml_flush(swhost_xml_writer *writer);
/* The loaded libxml2's version as "2.9.14", or NULL when it cannot be loaded. */
const char *swhost_xml_version(void);

/* libcrypto's EVP message digests. */
typedef struct swhost_digest swhost_digest;
enum { SWHOST_DIGEST_MD5 = 1, SWHOST_DIGEST_SHA1 = 2 };
/* The largest digest swhost_digest_final writes (EVP_MAX_MD_SIZE). */
enum { SWHOST_DIGEST_MAX_SIZE = 64 };
/* A digest context initialised for `algorithm`, or NULL (libcrypto missing, or out of memory). */
swhost_digest *swhost_digest_new(int algorithm);
/* 1 on success, 0 on failure (EVP's convention). */
int swhost_digest_update(swhost_digest *digest, const void *bytes, size_t count);
/* Writes the digest (at most SWHOST_DIGEST_MAX_SIZE bytes) and its length; 1 on success. */
int swhost_digest_final(swhost_digest *digest, unsigned char *out, unsigned int *length);
void swhost_digest_free(swhost_digest *digest);

#endif
