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
#include <stdbool.h>
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

/* A point in an arena's allocations: ps_arena_rewind releases everything
 * allocated after it (scratch of one step inside the file lifetime, such as
 * one analysis' run), and keeps everything before. Marks nest; rewinding
 * to a mark invalidates the marks taken after it. */
typedef struct PsArenaMark {
  void *chunk;      /* the head chunk then (NULL: none yet) */
  size_t used;      /* its bytes in use then */
  unsigned long serial; /* chunks numbered above this came later */
  size_t n_blocks;  /* PS_ARENA_DEBUG: blocks then */
} PsArenaMark;
PsArenaMark ps_arena_mark(const PsArena *self);
void ps_arena_rewind(PsArena *self, PsArenaMark mark);

/* ---- the per-file memory budget ---------------------------------------------
 * Each thread keeps a count of the bytes it holds through arenas (their
 * chunks) and tree-sitter (the allocator hooks parse.c installs). A worker
 * starts each file with ps_memory_file_begin(budget); from then on
 * ps_memory_over_budget() is true once the thread holds `budget` bytes more
 * than it did at that moment. Nothing fails an allocation: the parser's
 * progress callback, the query cursors and the engine between stages ask
 * and give up the file (tree-sitter must never see NULL). Thread-local: no
 * locking, and a block freed by another thread than its allocator's only
 * skews counts between files, never within one. */

/* Adds delta (negative: released) to this thread's count. */
void ps_memory_charge(long long delta);
/* Starts a file: budget bytes from now on (0: no budget). */
void ps_memory_file_begin(size_t budget);
/* This thread holds more than its file's budget. */
bool ps_memory_over_budget(void);
/* The budget of this thread's current file (0: none). */
size_t ps_memory_budget(void);
/* The default per-file budget for `jobs` workers: half of the memory the
 * process may use (the smaller of physical memory, the cgroup's memory.max
 * and RLIMIT_AS) shared by the workers, at least PS_MEMORY_BUDGET_MIN and
 * at most PS_MEMORY_BUDGET_MAX. */
size_t ps_memory_default_budget(unsigned jobs);
#define PS_MEMORY_BUDGET_MIN ((size_t)256 << 20)
#define PS_MEMORY_BUDGET_MAX ((size_t)2 << 30)
/* "2.0 GiB", "512 MiB", "64 KiB" or "100 bytes" into buf. */
const char *ps_memory_format(size_t bytes, char *buf, size_t cap);

#endif
