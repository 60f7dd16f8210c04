/* strmap.c: PsStrMap, the scanner's one hash table (see strmap.h). */
#include "core/strmap.h"

#include <stdlib.h>

void ps_strmap_free(PsStrMap *self) {
  free(self->slots);
  self->slots = NULL;
  self->size = self->cap = 0;
}

void ps_strmap_clear(PsStrMap *self) {
  if (self->size) memset(self->slots, 0, self->cap * sizeof *self->slots);
  self->size = 0;
}

static PsStrMapSlot *slot_for(PsStrMapSlot *slots, size_t cap, const char *k, size_t n) {
  size_t mask = cap - 1;
  size_t i = (size_t)ps_strmap_hash(k, n) & mask;
  while (slots[i].key && !(slots[i].len == n && !memcmp(slots[i].key, k, n))) i = (i + 1) & mask;
  return &slots[i];
}

bool ps_strmap_put_n(PsStrMap *self, const char *k, size_t n, uint64_t v, bool replace) {
  if ((self->size + 1) * 2 > self->cap) {
    size_t cap = self->cap ? self->cap * 2 : 16;
    PsStrMapSlot *big = ps_xcalloc(cap, sizeof *big);
    for (size_t i = 0; i < self->cap; i++)
      if (self->slots[i].key) *slot_for(big, cap, self->slots[i].key, self->slots[i].len) = self->slots[i];
    free(self->slots);
    self->slots = big;
    self->cap = cap;
  }
  PsStrMapSlot *s = slot_for(self->slots, self->cap, k, n);
  bool added = !s->key;
  if (added) {
    s->key = k;
    s->len = n;
    self->size++;
  }
  if (added || replace) s->value = v;
  return added;
}

bool ps_strmap_put(PsStrMap *self, const char *k, uint64_t v, bool replace) {
  return ps_strmap_put_n(self, k, strlen(k), v, replace);
}
