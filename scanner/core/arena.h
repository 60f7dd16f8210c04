/* arena.h: bump allocator for per-file data.
 *
 * Everything a worker allocates while scanning one file (source bytes, line
 * index, summaries, scratch strings) lives in one PsArena and is released in
 * one ps_arena_reset() call. Allocation aborts on out-of-memory.
 * Built with PS_ARENA_DEBUG, every allocation is a separate malloc() so
 * ASan and valgrind catch use after reset.
 */
#ifndef PS_CORE_ARENA_H
#define PS_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct PsArena PsArena;

/* A new arena whose chunks are at least `chunk` bytes (0: 64 KiB). */
PsArena *ps_arena_new(size_t chunk);
/* Frees the arena and everything in it; NULL is a no-op. */
void ps_arena_delete(PsArena *self);
/* Releases every allocation; keeps one chunk for reuse. */
void ps_arena_reset(PsArena *self);
/* `n` bytes aligned to 16; contents undefined. */
void *ps_arena_alloc(PsArena *self, size_t n);
/* `n` zeroed bytes aligned to 16. */
void *ps_arena_calloc(PsArena *self, size_t n);
/* NUL-terminated copy of `len` bytes of `s`. */
char *ps_arena_strndup(PsArena *self, const char *s, size_t len);
char *ps_arena_strdup(PsArena *self, const char *s);
char *ps_arena_sprintf(PsArena *self, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Bytes currently allocated from the system (for limits and statistics). */
size_t ps_arena_footprint(const PsArena *self);

#endif
