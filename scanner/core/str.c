/* str.c: growable buffers, checked heap helpers and UTF-8 utilities. */
#include "core/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *ps_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) {
    fputs("pyshift: out of memory\n", stderr);
    abort();
  }
  return p;
}

void *ps_xcalloc(size_t count, size_t n) {
  void *p = calloc(count ? count : 1, n ? n : 1);
  if (!p) {
    fputs("pyshift: out of memory\n", stderr);
    abort();
  }
  return p;
}

void *ps_xrealloc(void *ptr, size_t n) {
  void *p = realloc(ptr, n ? n : 1);
  if (!p) {
    fputs("pyshift: out of memory\n", stderr);
    abort();
  }
  return p;
}

char *ps_xstrdup(const char *s) { return ps_xstrndup(s, strlen(s)); }

char *ps_xstrndup(const char *s, size_t n) {
  char *p = ps_xmalloc(n + 1);
  if (n) memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *ps_xasprintf(const char *fmt, ...) {
  PsBuf b = PS_BUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  ps_buf_vprintf(&b, fmt, ap);
  va_end(ap);
  return ps_buf_steal(&b);
}

void ps_buf_reserve(PsBuf *self, size_t extra) {
  size_t need = self->len + extra + 1;
  if (need <= self->cap) return;
  size_t cap = self->cap ? self->cap : 64;
  while (cap < need) cap *= 2;
  self->data = ps_xrealloc(self->data, cap);
  self->cap = cap;
}

void ps_buf_append(PsBuf *self, const char *s, size_t n) {
  ps_buf_reserve(self, n);
  if (n) memcpy(self->data + self->len, s, n);
  self->len += n;
  self->data[self->len] = '\0';
}

void ps_buf_puts(PsBuf *self, const char *s) { ps_buf_append(self, s, strlen(s)); }

void ps_buf_putc(PsBuf *self, char c) { ps_buf_append(self, &c, 1); }

void ps_buf_vprintf(PsBuf *self, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  if (n > 0) {
    ps_buf_reserve(self, (size_t)n);
    vsnprintf(self->data + self->len, (size_t)n + 1, fmt, ap2);
    self->len += (size_t)n;
  } else {
    ps_buf_reserve(self, 0);
    self->data[self->len] = '\0';
  }
  va_end(ap2);
}

void ps_buf_printf(PsBuf *self, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ps_buf_vprintf(self, fmt, ap);
  va_end(ap);
}

void ps_buf_json_string(PsBuf *self, const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  ps_buf_putc(self, '"');
  size_t i = 0;
  while (i < n) {
    unsigned char c = u[i];
    if (c < 0x80) {
      switch (c) {
        case '"': ps_buf_append(self, "\\\"", 2); break;
        case '\\': ps_buf_append(self, "\\\\", 2); break;
        case '\n': ps_buf_append(self, "\\n", 2); break;
        case '\r': ps_buf_append(self, "\\r", 2); break;
        case '\t': ps_buf_append(self, "\\t", 2); break;
        default:
          if (c < 0x20 || c == 0x7f) ps_buf_printf(self, "\\u%04x", c);
          else ps_buf_putc(self, (char)c);
      }
      i++;
      continue;
    }
    size_t len = ps_utf8_seq_len(u + i, n - i);
    if (len == 0) {
      ps_buf_append(self, "\xEF\xBF\xBD", 3);
      i++;
    } else {
      ps_buf_append(self, s + i, len);
      i += len;
    }
  }
  ps_buf_putc(self, '"');
}

void ps_buf_reset(PsBuf *self) {
  self->len = 0;
  if (self->data) self->data[0] = '\0';
}

void ps_buf_free(PsBuf *self) {
  free(self->data);
  self->data = NULL;
  self->len = self->cap = 0;
}

char *ps_buf_steal(PsBuf *self) {
  /* Always a string: reserve() alone leaves the bytes unterminated (an
   * empty template rendered into a reserved buffer came back without its
   * NUL; found by rule_load_fuzz). */
  if (!self->data) ps_buf_reserve(self, 0);
  self->data[self->len] = '\0';
  char *p = self->data;
  self->data = NULL;
  self->len = self->cap = 0;
  return p;
}

bool ps_str_starts_with(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool ps_str_ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

size_t ps_utf8_seq_len(const unsigned char *s, size_t n) {
  if (n == 0) return 0;
  unsigned char c = s[0];
  if (c < 0x80) return 1;
  size_t len;
  uint32_t min;
  if (c >= 0xC2 && c <= 0xDF) len = 2, min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF) len = 3, min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4) len = 4, min = 0x10000;
  else return 0;
  if (n < len) return 0;
  uint32_t cp = c & (0xFF >> (len + 1));
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

size_t ps_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp) {
  size_t len = ps_utf8_seq_len(s, n);
  if (len == 0) {
    *cp = 0xFFFD;
    return 1;
  }
  if (len == 1) {
    *cp = s[0];
    return 1;
  }
  uint32_t v = s[0] & (0xFF >> (len + 1));
  for (size_t i = 1; i < len; i++) v = (v << 6) | (s[i] & 0x3F);
  *cp = v;
  return len;
}

bool ps_utf8_valid(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    if (s[i] < 0x80) {
      i++;
      continue;
    }
    size_t len = ps_utf8_seq_len(s + i, n - i);
    if (!len) return false;
    i += len;
  }
  return true;
}

uint64_t ps_hash_bytes(const void *data, size_t n) {
  const unsigned char *p = data;
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ULL;
  return h;
}
