/* strset.c: PsStrSet (heap-copied keys and values) and PsStrPool (interned
 * strings in chunks that never move). */
#include <stdlib.h>
#include <string.h>

#include "project/project.h"

void ps_strset_init(PsStrSet *self) {
  self->cap = 64;
  self->size = 0;
  self->slots = ps_xcalloc(self->cap, sizeof(char *));
  self->values = ps_xcalloc(self->cap, sizeof(char *));
}

void ps_strset_free(PsStrSet *self) {
  for (size_t i = 0; i < self->cap; i++) {
    free(self->slots[i]);
    free(self->values[i]);
  }
  free(self->slots);
  free(self->values);
  self->slots = NULL;
  self->values = NULL;
  self->cap = self->size = 0;
}

static size_t find_slot(const PsStrSet *self, const char *s, size_t n) {
  size_t i = (size_t)ps_hash_bytes(s, n) & (self->cap - 1);
  while (self->slots[i] && !(strlen(self->slots[i]) == n && !memcmp(self->slots[i], s, n)))
    i = (i + 1) & (self->cap - 1);
  return i;
}

bool ps_strset_get(const PsStrSet *self, const char *s, size_t n, const char **value) {
  if (!self->cap) return false;
  size_t i = find_slot(self, s, n);
  if (!self->slots[i]) return false;
  if (value) *value = self->values[i];
  return true;
}

void ps_strset_put(PsStrSet *self, const char *s, size_t n, const char *value) {
  if ((self->size + 1) * 2 > self->cap) {
    PsStrSet big = {ps_xcalloc(self->cap * 2, sizeof(char *)), ps_xcalloc(self->cap * 2, sizeof(char *)), 0,
                    self->cap * 2};
    for (size_t i = 0; i < self->cap; i++)
      if (self->slots[i]) {
        size_t j = find_slot(&big, self->slots[i], strlen(self->slots[i]));
        big.slots[j] = self->slots[i];
        big.values[j] = self->values[i];
        big.size++;
      }
    free(self->slots);
    free(self->values);
    *self = big;
  }
  size_t i = find_slot(self, s, n);
  if (self->slots[i]) {
    free(self->values[i]);
  } else {
    self->slots[i] = ps_xstrndup(s, n);
    self->size++;
  }
  self->values[i] = value ? ps_xstrdup(value) : NULL;
}

/* ---- the map ---- */

static size_t map_slot(const PsStrMap *m, const char *k, size_t n) {
  size_t i = (size_t)ps_hash_bytes(k, n) & (m->cap - 1);
  while (m->keys[i] && !(strlen(m->keys[i]) == n && !memcmp(m->keys[i], k, n))) i = (i + 1) & (m->cap - 1);
  return i;
}

void ps_strmap_free(PsStrMap *self) {
  free(self->keys);
  free(self->values);
  memset(self, 0, sizeof *self);
}

const char *ps_strmap_find(const PsStrMap *self, const char *k, size_t n, uint64_t *v) {
  if (!self->cap) return NULL;
  size_t i = map_slot(self, k, n);
  if (self->keys[i] && v) *v = self->values[i];
  return self->keys[i];
}

bool ps_strmap_put(PsStrMap *self, const char *k, uint64_t v, bool replace) {
  if ((self->size + 1) * 2 > self->cap) {
    size_t cap = self->cap ? self->cap * 2 : 64;
    PsStrMap big = {ps_xcalloc(cap, sizeof(char *)), ps_xcalloc(cap, sizeof(uint64_t)), 0, cap};
    for (size_t i = 0; i < self->cap; i++)
      if (self->keys[i]) {
        size_t j = map_slot(&big, self->keys[i], strlen(self->keys[i]));
        big.keys[j] = self->keys[i];
        big.values[j] = self->values[i];
        big.size++;
      }
    ps_strmap_free(self);
    *self = big;
  }
  size_t i = map_slot(self, k, strlen(k));
  bool added = !self->keys[i];
  if (added) self->keys[i] = k, self->size++;
  if (added || replace) self->values[i] = v;
  return added;
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
