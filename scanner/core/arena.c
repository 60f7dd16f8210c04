/* arena.c: chunked bump allocator, reset once per scanned file.
 *
 * Chunks form a singly linked list; reset frees all but the first chunk so a
 * worker's steady state is one malloc-free arena per file. Oversized
 * requests get a chunk of their own.
 */
#include "core/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"

#define ALIGN 16u

typedef struct Chunk {
  struct Chunk *next;
  size_t cap;
  size_t used;
  _Alignas(16) unsigned char data[];
} Chunk;

struct PsArena {
  Chunk *head;
  size_t chunk_size;
  size_t footprint;
#ifdef PS_ARENA_DEBUG
  void **blocks;
  size_t n_blocks, cap_blocks;
#endif
};

PsArena *ps_arena_new(size_t chunk) {
  PsArena *self = ps_xcalloc(1, sizeof *self);
  self->chunk_size = chunk ? chunk : 64 * 1024;
  return self;
}

#ifdef PS_ARENA_DEBUG
static void free_blocks(PsArena *self) {
  for (size_t i = 0; i < self->n_blocks; i++) free(self->blocks[i]);
  self->n_blocks = 0;
  self->footprint = 0;
}
#endif

void ps_arena_delete(PsArena *self) {
  if (!self) return;
#ifdef PS_ARENA_DEBUG
  free_blocks(self);
  free(self->blocks);
#endif
  Chunk *c = self->head;
  while (c) {
    Chunk *next = c->next;
    free(c);
    c = next;
  }
  free(self);
}

void ps_arena_reset(PsArena *self) {
#ifdef PS_ARENA_DEBUG
  free_blocks(self);
#endif
  if (!self->head) return;
  /* Keep the last chunk in the list (the first allocated, normal-sized). */
  Chunk *c = self->head;
  while (c->next) {
    Chunk *next = c->next;
    self->footprint -= c->cap;
    free(c);
    c = next;
  }
  c->used = 0;
  self->head = c;
}

void *ps_arena_alloc(PsArena *self, size_t n) {
  if (n == 0) n = 1;
#ifdef PS_ARENA_DEBUG
  if (self->n_blocks == self->cap_blocks) {
    self->cap_blocks = self->cap_blocks ? self->cap_blocks * 2 : 64;
    self->blocks = ps_xrealloc(self->blocks, self->cap_blocks * sizeof(void *));
  }
  void *p = ps_xmalloc(n);
  self->blocks[self->n_blocks++] = p;
  self->footprint += n;
  return p;
#else
  size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
  if (need < n) abort(); /* overflow */
  Chunk *c = self->head;
  if (!c || c->cap - c->used < need) {
    size_t cap = self->chunk_size;
    if (need > cap) cap = need;
    Chunk *nc = ps_xmalloc(sizeof(Chunk) + cap);
    nc->cap = cap;
    nc->used = 0;
    self->footprint += cap;
    if (c && need > self->chunk_size) {
      /* Big one-off: put it behind the head so the head keeps filling. */
      nc->next = c->next;
      c->next = nc;
      nc->used = need;
      return nc->data;
    }
    nc->next = c;
    self->head = nc;
    c = nc;
  }
  void *p = c->data + c->used;
  c->used += need;
  return p;
#endif
}

void *ps_arena_calloc(PsArena *self, size_t n) {
  void *p = ps_arena_alloc(self, n);
  memset(p, 0, n);
  return p;
}

char *ps_arena_strndup(PsArena *self, const char *s, size_t len) {
  char *p = ps_arena_alloc(self, len + 1);
  if (len) memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

char *ps_arena_strdup(PsArena *self, const char *s) {
  return ps_arena_strndup(self, s, strlen(s));
}

char *ps_arena_sprintf(PsArena *self, const char *fmt, ...) {
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  char *p = ps_arena_alloc(self, (size_t)n + 1);
  vsnprintf(p, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  return p;
}

size_t ps_arena_footprint(const PsArena *self) { return self->footprint; }
