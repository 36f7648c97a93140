/* swhost: libxml2 and libcrypto, loaded on first use (see CLazyLibraries.h). */
#define _GNU_SOURCE
#include "CLazyLibraries.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlwriter.h>
#include <libxml/parser.h>
#include <openssl/evp.h>

static _Atomic(const char *) last_error;

const char *swhost_lazy_error(void) { return last_error; }

/* dlopen the first soname that loads; records dlerror() when none does. */
static void *open_first(const char *const *names) {
    const char *error = NULL;
    for (; *names; names++) {
        void *handle = dlopen(*names, RTLD_NOW | RTLD_LOCAL);
        if (handle) return handle;
        error = dlerror();
    }
    if (error) last_error = strdup(error);
    return NULL;
}

/* Each symbol is resolved into a pointer of the library function's own type (typeof), so a
 * prototype that changed in the headers fails to compile rather than to run. */
#define LAZY_DECLARE(name) static __typeof__(name) *p_##name
#define LAZY_RESOLVE(handle, name, ok)                                  \
    do {                                                                \
        p_##name = (__typeof__(name) *)dlsym(handle, #name);            \
        if (!p_##name) { last_error = #name " not found"; ok = 0; }     \
    } while (0)

/* ---- libxml2 ---- */

LAZY_DECLARE(xmlBufferCreate);
LAZY_DECLARE(xmlBufferFree);
LAZY_DECLARE(xmlBufferContent);
LAZY_DECLARE(xmlBufferLength);
LAZY_DECLARE(xmlNewTextWriterMemory);
LAZY_DECLARE(xmlFreeTextWriter);
LAZY_DECLARE(xmlTextWriterWriteRaw);
LAZY_DECLARE(xmlTextWriterStartElement);
LAZY_DECLARE(xmlTextWriterWriteAttribute);
LAZY_DECLARE(xmlTextWriterWriteString);
LAZY_DECLARE(xmlTextWriterEndElement);
LAZY_DECLARE(xmlTextWriterFlush);
LAZY_DECLARE(xmlInitParser);
static const char *xml_version_text;
static int xml_loaded;
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void load_xml(void) {
    static const char *const names[] = {"libxml2.so.2", "libxml2.so", NULL};
    void *h = open_first(names);
    if (!h) return;
    int ok = 1;
    LAZY_RESOLVE(h, xmlBufferCreate, ok);
    LAZY_RESOLVE(h, xmlBufferFree, ok);
    LAZY_RESOLVE(h, xmlBufferContent, ok);
    LAZY_RESOLVE(h, xmlBufferLength, ok);
    LAZY_RESOLVE(h, xmlNewTextWriterMemory, ok);
    LAZY_RESOLVE(h, xmlFreeTextWriter, ok);
    LAZY_RESOLVE(h, xmlTextWriterWriteRaw, ok);
    LAZY_RESOLVE(h, xmlTextWriterStartElement, ok);
    LAZY_RESOLVE(h, xmlTextWriterWriteAttribute, ok);
    LAZY_RESOLVE(h, xmlTextWriterWriteString, ok);
    LAZY_RESOLVE(h, xmlTextWriterEndElement, ok);
    LAZY_RESOLVE(h, xmlTextWriterFlush, ok);
    LAZY_RESOLVE(h, xmlInitParser, ok);
    const char *const *version = dlsym(h, "xmlParserVersion");
    if (!ok) return;
    /* libxml2 wants its global state set up once, before threads use it. */
    p_xmlInitParser();
    if (version && *version) {
        long v = strtol(*version, NULL, 10);
        static char text[32];
        snprintf(text, sizeof text, "%ld.%ld.%ld", v / 10000, (v / 100) % 100, v % 100);
        xml_version_text = text;
    }
    xml_loaded = 1;
}

static int xml(void) {
    pthread_once(&xml_once, load_xml);
    return xml_loaded;
}

swhost_xml_buffer *swhost_xml_buffer_create(void) {
    return xml() ? (swhost_xml_buffer *)p_xmlBufferCreate() : NULL;
}
void swhost_xml_buffer_free(swhost_xml_buffer *buffer) {
    if (buffer && xml()) p_xmlBufferFree((xmlBufferPtr)buffer);
}
const unsigned char *swhost_xml_buffer_content(const swhost_xml_buffer *buffer) {
    return xml() ? p_xmlBufferContent((const xmlBuffer *)buffer) : NULL;
}
int swhost_xml_buffer_length(const swhost_xml_buffer *buffer) {
    return xml() ? p_xmlBufferLength((const xmlBuffer *)buffer) : -1;
}
swhost_xml_writer *swhost_xml_writer_new_memory(swhost_xml_buffer *buffer, int compression) {
    return xml() ? (swhost_xml_writer *)p_xmlNewTextWriterMemory((xmlBufferPtr)buffer, compression) : NULL;
}
void swhost_xml_writer_free(swhost_xml_writer *writer) {
    if (writer && xml()) p_xmlFreeTextWriter((xmlTextWriterPtr)writer);
}
int swhost_xml_write_raw(swhost_xml_writer *writer, const char *content) {
    return xml() ? p_xmlTextWriterWriteRaw((xmlTextWriterPtr)writer, (const xmlChar *)content) : -1;
}
int swhost_xml_start_element(swhost_xml_writer *writer, const char *name) {
    return xml() ? p_xmlTextWriterStartElement((xmlTextWriterPtr)writer, (const xmlChar *)name) : -1;
}
int swhost_xml_write_attribute(swhost_xml_writer *writer, const char *name, const char *value) {
    return xml() ? p_xmlTextWriterWriteAttribute((xmlTextWriterPtr)writer, (const xmlChar *)name, (const xmlChar *)value) : -1;
}
int swhost_xml_write_string(swhost_xml_writer *writer, const char *content) {
    return xml() ? p_xmlTextWriterWriteString((xmlTextWriterPtr)writer, (const xmlChar *)content) : -1;
}
int swhost_xml_end_element(swhost_xml_writer *writer) {
    return xml() ? p_xmlTextWriterEndElement((xmlTextWriterPtr)writer) : -1;
}
int swhost_xml_flush(swhost_xml_writer *writer) {
    return xml() ? p_xmlTextWriterFlush((xmlTextWriterPtr)writer) : -1;
}
const char *swhost_xml_version(void) {
    return xml() ? xml_version_text : NULL;
}

/* ---- libcrypto ---- */

_Static_assert(SWHOST_DIGEST_MAX_SIZE == EVP_MAX_MD_SIZE, "the header's bound is EVP's");

LAZY_DECLARE(EVP_MD_CTX_new);
LAZY_DECLARE(EVP_MD_CTX_free);
LAZY_DECLARE(EVP_DigestInit_ex);
LAZY_DECLARE(EVP_DigestUpdate);
LAZY_DECLARE(EVP_DigestFinal_ex);
LAZY_DECLARE(EVP_md5);
LAZY_DECLARE(EVP_sha1);
static int crypto_loaded;
static pthread_once_t crypto_once = PTHREAD_ONCE_INIT;

static void load_crypto(void) {
    static const char *const names[] = {"libcrypto.so.3", "libcrypto.so", NULL};
    void *h = open_first(names);
    if (!h) return;
    int ok = 1;
    LAZY_RESOLVE(h, EVP_MD_CTX_new, ok);
    LAZY_RESOLVE(h, EVP_MD_CTX_free, ok);
    LAZY_RESOLVE(h, EVP_DigestInit_ex, ok);
    LAZY_RESOLVE(h, EVP_DigestUpdate, ok);
    LAZY_RESOLVE(h, EVP_DigestFinal_ex, ok);
    LAZY_RESOLVE(h, EVP_md5, ok);
    LAZY_RESOLVE(h, EVP_sha1, ok);
    crypto_loaded = ok;
}

static int crypto(void) {
    pthread_once(&crypto_once, load_crypto);
    return crypto_loaded;
}

swhost_digest *swhost_digest_new(int algorithm) {
    if (!crypto()) return NULL;
    const EVP_MD *md = algorithm == SWHOST_DIGEST_MD5 ? p_EVP_md5() : algorithm == SWHOST_DIGEST_SHA1 ? p_EVP_sha1() : NULL;
    if (!md) return NULL;
    EVP_MD_CTX *context = p_EVP_MD_CTX_new();
    if (!context) return NULL;
    if (p_EVP_DigestInit_ex(context, md, NULL) != 1) {
        p_EVP_MD_CTX_free(context);
        return NULL;
    }
    return (swhost_digest *)context;
}
int swhost_digest_update(swhost_digest *digest, const void *bytes, size_t count) {
    return digest && crypto() ? p_EVP_DigestUpdate((EVP_MD_CTX *)digest, bytes, count) : 0;
}
int swhost_digest_final(swhost_digest *digest, unsigned char *out, unsigned int *length) {
    return digest && crypto() ? p_EVP_DigestFinal_ex((EVP_MD_CTX *)digest, out, length) : 0;
}
void swhost_digest_free(swhost_digest *digest) {
    if (digest && crypto()) p_EVP_MD_CTX_free((EVP_MD_CTX *)digest);
}
