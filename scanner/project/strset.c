/* strset.c: PsStrSet (heap-copied keys and values over a PsStrMap) and
 * PsStrPool (interned strings in chunks that never move). */
#include <stdlib.h>
#include <string.h>

#include "project/project.h"

void ps_strset_init(PsStrSet *self) { memset(self, 0, sizeof *self); }

void ps_strset_free(PsStrSet *self) {
  for (size_t i = 0; i < self->map.cap; i++) {
    PsStrMapSlot *s = &self->map.slots[i];
    if (!s->key) continue;
    free((char *)s->key);
    free((char *)(uintptr_t)s->value);
  }
  ps_strmap_free(&self->map);
}

bool ps_strset_get(const PsStrSet *self, const char *s, size_t n, const char **value) {
  uint64_t v;
  if (!ps_strmap_find(&self->map, s, n, &v)) return false;
  if (value) *value = (const char *)(uintptr_t)v;
  return true;
}

void ps_strset_put(PsStrSet *self, const char *s, size_t n, const char *value) {
  uint64_t old;
  uint64_t v = (uint64_t)(uintptr_t)(value ? ps_xstrdup(value) : NULL);
  if (ps_strmap_find(&self->map, s, n, &old)) {
    free((char *)(uintptr_t)old);
    ps_strmap_put_n(&self->map, s, n, v, true); /* the key stored stays */
  } else {
    ps_strmap_put_n(&self->map, ps_xstrndup(s, n), n, v, false);
  }
}

/* ---- the pool ---- */

#define POOL_CHUNK (16 * 1024)

void ps_pool_init(PsStrPool *self) { memset(self, 0, sizeof *self); }

void ps_pool_free(PsStrPool *self) {
  for (size_t i = 0; i < self->chunks.size; i++) free(self->chunks.items[i]);
  array_free(&self->chunks);
  ps_strmap_free(&self->index);
  memset(self, 0, sizeof *self);
}

static char *pool_store(PsStrPool *self, const char *s, size_t n) {
  if (!self->chunks.size || self->used + n + 1 > self->chunk_cap) {
    /* Chunks grow from 512 bytes to POOL_CHUNK (most pools are one file's
     * facts: a few KB); a string longer than that gets a chunk of its own. */
    size_t want = self->chunks.size >= 5 ? POOL_CHUNK : (size_t)512 << self->chunks.size;
    size_t cap = n + 1 > want ? n + 1 : want;
    array_push(&self->chunks, ps_xmalloc(cap));
    self->alloc += cap;
    self->chunk_cap = cap;
    self->used = 0;
  }
  char *p = self->chunks.items[self->chunks.size - 1] + self->used;
  memcpy(p, s, n);
  p[n] = '\0';
  self->used += n + 1;
  self->bytes += n + 1;
  return p;
}

const char *ps_pool_intern(PsStrPool *self, const char *s, size_t n) {
  if (!s) return NULL;
  const char *have = ps_strmap_find(&self->index, s, n, NULL);
  if (have) return have;
  char *p = pool_store(self, s, n);
  ps_strmap_put(&self->index, p, 0, false);
  return p;
}

const char *ps_pool_intern_cstr(PsStrPool *self, const char *s) { return s ? ps_pool_intern(self, s, strlen(s)) : NULL; }

void ps_pool_seal(PsStrPool *self) { ps_strmap_free(&self->index); }
