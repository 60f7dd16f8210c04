/* strmap.h: the one hash table of the scanner: byte strings to 64-bit
 * values.
 *
 * Open addressing with linear probing, a power-of-two capacity kept at most
 * half full, ps_strmap_hash (eight bytes a step). Keys are not copied: the
 * caller keeps them alive as long as the map (they may hold NUL bytes when
 * put with a length). Every string-keyed lookup table uses it: the engine's word
 * table, the removed-APIs rows' last names, TOML tables' key index, the
 * project's string sets, index and interning pool, and the summary's
 * bindings index (name to the first binding of a chain per name).
 *
 * Lookups are inline: the engine's word table is probed once per
 * identifier of every file.
 */
#ifndef PS_CORE_STRMAP_H
#define PS_CORE_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/str.h"

typedef struct PsStrMapSlot {
  const char *key; /* NULL: empty */
  size_t len;
  uint64_t value;
} PsStrMapSlot;

typedef struct PsStrMap {
  PsStrMapSlot *slots;
  size_t size, cap; /* cap is 0 or a power of two */
} PsStrMap;

#define PS_STRMAP_INIT {NULL, 0, 0}

/* Frees the slots (not the keys); the map is empty and reusable after. */
void ps_strmap_free(PsStrMap *self);
/* Empties the map and keeps its capacity (for a map rebuilt per file). */
void ps_strmap_clear(PsStrMap *self);
/* Maps k[0..n) (kept by the caller) to v; an existing key keeps its value
 * unless `replace`. Returns true if the key was not there. */
bool ps_strmap_put_n(PsStrMap *self, const char *k, size_t n, uint64_t v, bool replace);
/* ps_strmap_put_n for a NUL-terminated key. */
bool ps_strmap_put(PsStrMap *self, const char *k, uint64_t v, bool replace);

/* The table's hash: eight bytes a step (ps_hash_bytes, FNV-1a, goes byte
 * by byte and was a few percent of an FT run, whose copy-out and joins
 * intern and look up qualified names). Only slot positions depend on it:
 * every walk over the slots is order-insensitive (sets, or sorted after). */
static inline uint64_t ps_strmap_hash(const char *k, size_t n) {
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)n;
  for (; n >= 8; k += 8, n -= 8) {
    uint64_t w;
    memcpy(&w, k, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdULL;
    h ^= h >> 32;
  }
  uint64_t w = 0;
  if (n) memcpy(&w, k, n);
  h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 29;
  return h;
}

/* The stored key equal to k[0..n) (its value in *v if v), or NULL. */
static inline const char *ps_strmap_find(const PsStrMap *self, const char *k, size_t n, uint64_t *v) {
  if (!self->cap) return NULL;
  size_t mask = self->cap - 1;
  for (size_t i = (size_t)ps_strmap_hash(k, n) & mask;; i = (i + 1) & mask) {
    const PsStrMapSlot *s = &self->slots[i];
    if (!s->key) return NULL;
    if (s->len == n && !memcmp(s->key, k, n)) {
      if (v) *v = s->value;
      return s->key;
    }
  }
}

#endif
