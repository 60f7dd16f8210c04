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

/* ---- the pool ---- */

#define POOL_CHUNK (16 * 1024)

void ps_pool_init(PsStrPool *self) { memset(self, 0, sizeof *self); }

void ps_pool_free(PsStrPool *self) {
  for (size_t i = 0; i < self->chunks.size; i++) free(self->chunks.items[i]);
  array_free(&self->chunks);
  free(self->slots);
  memset(self, 0, sizeof *self);
}

static size_t pool_slot(const PsStrPool *self, const char *s, size_t n) {
  size_t i = (size_t)ps_hash_bytes(s, n) & (self->cap - 1);
  while (self->slots[i] && !(strlen(self->slots[i]) == n && !memcmp(self->slots[i], s, n)))
    i = (i + 1) & (self->cap - 1);
  return i;
}

static char *pool_store(PsStrPool *self, const char *s, size_t n) {
  if (!self->chunks.size || self->used + n + 1 > self->chunk_cap) {
    /* A string longer than a chunk gets a chunk of its own. */
    size_t cap = n + 1 > POOL_CHUNK ? n + 1 : POOL_CHUNK;
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
  if ((self->size + 1) * 2 > self->cap) {
    size_t cap = self->cap ? self->cap * 2 : 64;
    const char **old = self->slots;
    size_t old_cap = self->cap;
    self->slots = ps_xcalloc(cap, sizeof(char *));
    self->cap = cap;
    for (size_t i = 0; i < old_cap; i++)
      if (old[i]) self->slots[pool_slot(self, old[i], strlen(old[i]))] = old[i];
    free(old);
  }
  size_t i = pool_slot(self, s, n);
  if (!self->slots[i]) {
    self->slots[i] = pool_store(self, s, n);
    self->size++;
  }
  return self->slots[i];
}

const char *ps_pool_intern_cstr(PsStrPool *self, const char *s) { return s ? ps_pool_intern(self, s, strlen(s)) : NULL; }
