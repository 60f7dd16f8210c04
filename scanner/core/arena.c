/* arena.c: chunked bump allocator, reset once per scanned file, and the
 * per-thread count of memory held that the per-file budget reads.
 *
 * Chunks form a singly linked list; reset frees all but the first chunk so a
 * worker's steady state is one malloc-free arena per file. Oversized
 * requests get a chunk of their own. Every chunk is charged to the
 * allocating thread's count (ps_memory_charge).
 */
#include "core/arena.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/str.h"

#define ALIGN 16u

typedef struct Chunk {
  struct Chunk *next;
  size_t cap;
  size_t used;
  unsigned long serial; /* allocation order (ps_arena_rewind) */
  _Alignas(16) unsigned char data[];
} Chunk;

struct PsArena {
  Chunk *head;
  size_t chunk_size;
  size_t footprint;
  unsigned long serial; /* of the last chunk allocated */
#ifdef PS_ARENA_DEBUG
  void **blocks;
  size_t *sizes;
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
  ps_memory_charge(-(long long)self->footprint);
  self->n_blocks = 0;
  self->footprint = 0;
}
#endif

void ps_arena_delete(PsArena *self) {
  if (!self) return;
#ifdef PS_ARENA_DEBUG
  free_blocks(self);
  free(self->blocks);
  free(self->sizes);
#endif
  Chunk *c = self->head;
  while (c) {
    Chunk *next = c->next;
    ps_memory_charge(-(long long)(sizeof(Chunk) + c->cap));
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
    ps_memory_charge(-(long long)(sizeof(Chunk) + c->cap));
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
    self->sizes = ps_xrealloc(self->sizes, self->cap_blocks * sizeof(size_t));
  }
  void *p = ps_xmalloc(n);
  self->sizes[self->n_blocks] = n;
  self->blocks[self->n_blocks++] = p;
  self->footprint += n;
  ps_memory_charge((long long)n);
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
    nc->serial = ++self->serial;
    self->footprint += cap;
    ps_memory_charge((long long)(sizeof(Chunk) + cap));
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

PsArenaMark ps_arena_mark(const PsArena *self) {
  PsArenaMark m = {self->head, self->head ? self->head->used : 0, self->serial, 0};
#ifdef PS_ARENA_DEBUG
  m.n_blocks = self->n_blocks;
#endif
  return m;
}

void ps_arena_rewind(PsArena *self, PsArenaMark mark) {
#ifdef PS_ARENA_DEBUG
  for (size_t i = mark.n_blocks; i < self->n_blocks; i++) {
    free(self->blocks[i]);
    self->footprint -= self->sizes[i];
    ps_memory_charge(-(long long)self->sizes[i]);
  }
  if (mark.n_blocks < self->n_blocks) self->n_blocks = mark.n_blocks;
#endif
  /* Chunks made after the mark, wherever they sit in the list (a big
   * one-off goes behind the head), are freed; the head then is refilled
   * from where it was. */
  Chunk **link = &self->head;
  while (*link) {
    Chunk *c = *link;
    if (c->serial > mark.serial) {
      *link = c->next;
      self->footprint -= c->cap;
      ps_memory_charge(-(long long)(sizeof(Chunk) + c->cap));
      free(c);
    } else {
      link = &c->next;
    }
  }
  if (mark.chunk) ((Chunk *)mark.chunk)->used = mark.used;
  self->serial = mark.serial;
}

/* ---- the per-file memory budget -------------------------------------------------- */

static _Thread_local long long held;            /* bytes this thread holds (see arena.h) */
static _Thread_local long long limit = LLONG_MAX; /* `held` over this: over budget */
static _Thread_local size_t budget;

void ps_memory_charge(long long delta) { held += delta; }

void ps_memory_file_begin(size_t bytes) {
  budget = bytes;
  limit = bytes && bytes < (size_t)(LLONG_MAX / 2) ? held + (long long)bytes : LLONG_MAX;
}

bool ps_memory_over_budget(void) { return held > limit; }

size_t ps_memory_budget(void) { return budget; }

/* cgroup v2's memory.max of this process's group, or SIZE_MAX. */
static size_t cgroup_memory_max(void) {
  char path[512] = "/sys/fs/cgroup/memory.max", line[256];
  FILE *f = fopen("/proc/self/cgroup", "r");
  if (f) {
    /* "0::/some/group" (v2): its own memory.max, else the root's. */
    while (fgets(line, sizeof line, f))
      if (!strncmp(line, "0::", 3)) {
        line[strcspn(line, "\n")] = '\0';
        if (strcmp(line + 3, "/")) snprintf(path, sizeof path, "/sys/fs/cgroup%s/memory.max", line + 3);
      }
    fclose(f);
  }
  size_t v = SIZE_MAX;
  if ((f = fopen(path, "r"))) {
    unsigned long long n;
    if (fscanf(f, "%llu", &n) == 1 && n > 0) v = (size_t)n; /* "max": no limit */
    fclose(f);
  }
  return v;
}

size_t ps_memory_default_budget(unsigned jobs) {
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  size_t machine = pages > 0 && page > 0 ? (size_t)pages * (size_t)page : PS_MEMORY_BUDGET_MAX * 2;
  size_t cg = cgroup_memory_max();
  if (cg < machine) machine = cg;
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && (size_t)rl.rlim_cur < machine)
    machine = (size_t)rl.rlim_cur;
  size_t b = machine / 2 / (jobs ? jobs : 1);
  if (b < PS_MEMORY_BUDGET_MIN) b = PS_MEMORY_BUDGET_MIN;
  if (b > PS_MEMORY_BUDGET_MAX) b = PS_MEMORY_BUDGET_MAX;
  return b;
}

const char *ps_memory_format(size_t bytes, char *buf, size_t cap) {
  if (bytes >= ((size_t)1 << 30)) snprintf(buf, cap, "%.1f GiB", (double)bytes / (double)((size_t)1 << 30));
  else if (bytes >= ((size_t)1 << 20) && !(bytes & ((1u << 20) - 1))) snprintf(buf, cap, "%zu MiB", bytes >> 20);
  else if (bytes >= ((size_t)1 << 20)) snprintf(buf, cap, "%.1f MiB", (double)bytes / (double)((size_t)1 << 20));
  else if (bytes >= 1024) snprintf(buf, cap, "%zu KiB", bytes >> 10);
  else snprintf(buf, cap, "%zu bytes", bytes);
  return buf;
}
