/* fingerprint.c: GitHub's primaryLocationLineHash for SARIF results.
 *
 * GitHub matches alerts across runs by partialFingerprints. When a SARIF
 * file has none, github/codeql-action's upload step computes
 * primaryLocationLineHash itself; we compute the same value so that alerts
 * keep their identity whether or not the action fills it in. The algorithm
 * (reimplemented here from its description, not copied):
 *
 *   - the file is decoded from UTF-8 the way Node does (WHATWG decoder: each
 *     maximal invalid subpart becomes one U+FFFD, a BOM is kept) and hashed
 *     as UTF-16 code units, not bytes;
 *   - spaces and tabs are skipped everywhere; CR, LF and CRLF all count as
 *     one LF; after the last character comes a 0xFFFF end marker;
 *   - each line's hash is a polynomial rolling hash (base 37, wrapping at
 *     64 bits) over the 100 kept code units that start at the line's first
 *     kept unit, padded with zeros past the end;
 *   - it is printed as lower-case hex without leading zeros, followed by
 *     ":<n>", where n counts the lines so far in the file with that hash.
 *
 * tests/unit/test_report.c checks vectors produced by the real action code.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

enum { WINDOW = 100, END_MARK = 0xFFFF };

/* Occurrence counts per hash value: open addressing, linear probing. */
typedef struct HashCounts {
  uint64_t *keys;
  unsigned *counts; /* 0: empty slot */
  size_t cap, size;
} HashCounts;

static unsigned *counts_slot(HashCounts *self, uint64_t key) {
  if ((self->size + 1) * 2 > self->cap) {
    HashCounts grown = {0};
    grown.cap = self->cap ? self->cap * 2 : 256;
    grown.keys = ps_xcalloc(grown.cap, sizeof *grown.keys);
    grown.counts = ps_xcalloc(grown.cap, sizeof *grown.counts);
    for (size_t i = 0; i < self->cap; i++) {
      if (!self->counts[i]) continue;
      *counts_slot(&grown, self->keys[i]) = self->counts[i];
      grown.size++;
    }
    free(self->keys);
    free(self->counts);
    *self = grown;
  }
  size_t mask = self->cap - 1;
  size_t i = (size_t)((key * 0x9E3779B97F4A7C15u) >> 17) & mask;
  while (self->counts[i] && self->keys[i] != key) i = (i + 1) & mask;
  if (!self->counts[i]) {
    self->keys[i] = key;
    self->size++;
  }
  return &self->counts[i];
}

typedef struct Hasher {
  uint16_t window[WINDOW];
  int64_t line_at[WINDOW]; /* line that starts at this window slot, or -1 */
  uint64_t hash;
  uint64_t first_mod;      /* 37^WINDOW */
  size_t index;
  int64_t line;            /* lines started so far */
  bool line_start;
  bool prev_cr;
  HashCounts counts;
  /* the requested lines sorted by line; idx is the position in out[] */
  struct Want { unsigned line; size_t idx; } *want;
  size_t n, next;
  char **out;
} Hasher;

/* The line at the current slot is complete: its hash is the current one. */
static void emit(Hasher *self) {
  int64_t line = self->line_at[self->index];
  unsigned *count = counts_slot(&self->counts, self->hash);
  ++*count;
  /* Lines are emitted in increasing order, so the sorted requests are
   * consumed front to back. */
  while (self->next < self->n && self->want[self->next].line < line) self->next++;
  while (self->next < self->n && self->want[self->next].line == line) {
    self->out[self->want[self->next].idx] =
        ps_xasprintf("%" PRIx64 ":%u", self->hash, *count);
    self->next++;
  }
  self->line_at[self->index] = -1;
}

static void roll(Hasher *self, uint16_t unit) {
  uint16_t oldest = self->window[self->index];
  self->window[self->index] = unit;
  self->hash = 37u * self->hash + unit - self->first_mod * oldest;
  self->index = (self->index + 1) % WINDOW;
}

static void feed(Hasher *self, uint16_t unit) {
  if (unit == ' ' || unit == '\t' || (self->prev_cr && unit == '\n')) {
    self->prev_cr = false;
    return;
  }
  self->prev_cr = unit == '\r';
  if (unit == '\r') unit = '\n';
  if (self->line_at[self->index] != -1) emit(self);
  if (self->line_start) {
    self->line_start = false;
    self->line_at[self->index] = ++self->line;
  }
  if (unit == '\n') self->line_start = true;
  roll(self, unit);
}

static void feed_cp(Hasher *self, uint32_t cp) {
  if (cp < 0x10000) {
    feed(self, (uint16_t)cp);
  } else {
    cp -= 0x10000;
    feed(self, (uint16_t)(0xD800 + (cp >> 10)));
    feed(self, (uint16_t)(0xDC00 + (cp & 0x3FF)));
  }
}

/* WHATWG UTF-8 decode (what Node's TextDecoder and Buffer#toString do):
 * an invalid byte ends the sequence in progress with one U+FFFD and is then
 * looked at again as a possible lead byte. */
static void feed_utf8(Hasher *self, const unsigned char *s, size_t len) {
  uint32_t cp = 0;
  unsigned needed = 0, seen = 0;
  unsigned char lower = 0x80, upper = 0xBF;
  size_t i = 0;
  while (i < len) {
    unsigned char b = s[i];
    if (needed == 0) {
      i++;
      if (b < 0x80) {
        feed(self, b);
      } else if (b >= 0xC2 && b <= 0xDF) {
        needed = 1, cp = b & 0x1F;
      } else if (b >= 0xE0 && b <= 0xEF) {
        if (b == 0xE0) lower = 0xA0;
        if (b == 0xED) upper = 0x9F;
        needed = 2, cp = b & 0x0F;
      } else if (b >= 0xF0 && b <= 0xF4) {
        if (b == 0xF0) lower = 0x90;
        if (b == 0xF4) upper = 0x8F;
        needed = 3, cp = b & 0x07;
      } else {
        feed(self, 0xFFFD);
      }
      continue;
    }
    if (b < lower || b > upper) {
      cp = needed = seen = 0;
      lower = 0x80, upper = 0xBF;
      feed(self, 0xFFFD);
      continue; /* b again, as a lead byte */
    }
    i++;
    lower = 0x80, upper = 0xBF;
    cp = (cp << 6) | (b & 0x3F);
    if (++seen == needed) {
      feed_cp(self, cp);
      cp = needed = seen = 0;
    }
  }
  if (needed) feed(self, 0xFFFD);
}

static int cmp_want(const void *pa, const void *pb) {
  const struct Want *a = pa, *b = pb;
  if (a->line != b->line) return a->line < b->line ? -1 : 1;
  return a->idx < b->idx ? -1 : a->idx > b->idx;
}

void ps_fingerprint_lines(const char *src, size_t len, const unsigned *lines, size_t n,
                          char **out) {
  Hasher h;
  memset(&h, 0, sizeof h);
  for (size_t i = 0; i < WINDOW; i++) h.line_at[i] = -1;
  h.first_mod = 1;
  for (int i = 0; i < WINDOW; i++) h.first_mod *= 37u;
  h.line_start = true;
  h.n = n;
  h.out = out;
  h.want = ps_xmalloc((n ? n : 1) * sizeof *h.want);
  for (size_t i = 0; i < n; i++) {
    h.want[i].line = lines[i];
    h.want[i].idx = i;
    out[i] = NULL;
  }
  if (n > 1) qsort(h.want, n, sizeof *h.want, cmp_want);

  feed_utf8(&h, (const unsigned char *)src, len);
  feed(&h, END_MARK);
  for (int i = 0; i < WINDOW; i++) {
    if (h.line_at[h.index] != -1) emit(&h);
    roll(&h, 0);
  }
  free(h.want);
  free(h.counts.keys);
  free(h.counts.counts);
}
