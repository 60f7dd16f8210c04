/* str.h: growable byte buffers and small string helpers.
 *
 * PsBuf is a heap buffer that is always NUL-terminated after any append.
 * Appends abort on out-of-memory. ps_buf_free releases it; ps_buf_reset
 * empties it and keeps the storage.
 */
#ifndef PS_CORE_STR_H
#define PS_CORE_STR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct PsBuf {
  char *data;
  size_t len;
  size_t cap;
} PsBuf;

#define PS_BUF_INIT {NULL, 0, 0}

void ps_buf_reserve(PsBuf *self, size_t extra);
void ps_buf_append(PsBuf *self, const char *s, size_t n);
void ps_buf_puts(PsBuf *self, const char *s);
void ps_buf_putc(PsBuf *self, char c);
void ps_buf_printf(PsBuf *self, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ps_buf_vprintf(PsBuf *self, const char *fmt, va_list ap);
/* Appends `s` as a JSON string literal, quotes included; invalid UTF-8
 * bytes become U+FFFD. */
void ps_buf_json_string(PsBuf *self, const char *s, size_t n);
void ps_buf_reset(PsBuf *self);
void ps_buf_free(PsBuf *self);
/* Hands the storage to the caller (NUL-terminated, never NULL) and empties
 * the buffer. */
char *ps_buf_steal(PsBuf *self);

/* Heap helpers that abort on out-of-memory. */
void *ps_xmalloc(size_t n);
void *ps_xcalloc(size_t count, size_t n);
void *ps_xrealloc(void *ptr, size_t n);
char *ps_xstrdup(const char *s);
char *ps_xstrndup(const char *s, size_t n);
char *ps_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

bool ps_str_starts_with(const char *s, const char *prefix);
bool ps_str_ends_with(const char *s, const char *suffix);
/* Length of the valid UTF-8 sequence at s[0..n), or 0 if invalid. */
size_t ps_utf8_seq_len(const unsigned char *s, size_t n);
/* Decodes one UTF-8 sequence; returns its length (1 for an invalid byte,
 * with *cp = 0xFFFD). */
size_t ps_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* A 64-bit FNV-1a hash of n bytes (to notice that a file changed). */
uint64_t ps_hash_bytes(const void *data, size_t n);
/* True if s[0..n) is valid UTF-8. */
bool ps_utf8_valid(const unsigned char *s, size_t n);

#endif
