/* run_internal.h: shared between the run module's files only. */
#ifndef PS_RUN_INTERNAL_H
#define PS_RUN_INTERNAL_H

#include <signal.h>

#include "parse/parse.h"
#include "project/project.h"
#include "run/run.h"

/* ---- fix.c ----------------------------------------------------------------- */

/* Edits by (start, end) byte offset (a qsort comparator on PsEdit). */
int ps_fix__edit_cmp(const void *a, const void *b);

/* One round of fixing text[0..len) (UTF-8) with the fixes of fs[0..n)
 * (edit ranges by byte offset into text; unsafe ones only if `unsafe`):
 * picks, in order of position, every fix that changes the text and
 * conflicts with none picked before (overlapping edits, or two insertions
 * at one offset), and writes the text with them applied to `out` (reset
 * first). A fix identical to edits already picked counts as applied.
 * Returns the number of findings fixed, 0 if none (out untouched then).
 * `culprits` receives "ID at line N, ..." for the fixes picked. */
size_t ps_fix__apply(const char *text, size_t len, const PsFinding *fs, size_t n, bool unsafe, PsBuf *out,
                     PsBuf *culprits);

/* True if new_text (parsed as new_root), the result of fixing old_text
 * (old_root), holds more of what CPython rejects and tree-sitter parses
 * without an error than the old text did, where the two differ: a statement,
 * clause or decorated definition indented as no enclosing block allows
 * (unexpected indent, a dedent to no outer level, tabs and spaces that
 * disagree), or a starred expression where Python has none (`*Ts | None`,
 * `y = *a`). */
bool ps_fix__python_rejects(const char *old_text, size_t old_len, TSNode old_root, const char *new_text,
                            size_t new_len, TSNode new_root);

/* ---- noqa.c ------------------------------------------------------------------ */

/* --add-noqa on src (parsed, with findings fs[0..n) sorted by position):
 * writes to `out` the text with `# pyshift: ignore[IDS]` at the end of each
 * finding's line (merged into an existing `# pyshift: ignore[...]`), except
 * lines that end inside a string or continue with a backslash: those are in
 * *skipped (heap, with the reason in *why, static strings, heap array).
 * Returns the number of findings covered. */
size_t ps_noqa__edit(const PsSource *src, const PsFinding *fs, size_t n, PsBuf *out, uint32_t **skipped,
                     const char ***why, size_t *n_skipped);

/* ---- since.c ----------------------------------------------------------------- */

/* The lines changed in the git work tree holding directory `start` (the
 * first path checked) since `ref` (--since): tracked files' changes from `git diff` (committed,
 * staged or not), and untracked, not ignored files throughout. */
typedef struct PsChangedLines PsChangedLines;
/* Runs git. PS_E_USAGE with a one-line message (path "--since") when git
 * cannot be run, the directory is not in a work tree or `ref` is not a
 * commit (or starts with '-'). */
int ps_since_load(PsChangedLines **out, const char *ref, const char *start, PsError *err);
void ps_since_delete(PsChangedLines *self);
/* Does any line first..last of `path` (as displayed) hold a change? */
bool ps_since_changed(const PsChangedLines *self, const char *path, uint32_t first, uint32_t last);
/* Reads the file names and hunk headers of `git diff --unified=0` output
 * (names relative to the work tree's top) into self. */
void ps_since__parse_diff(PsChangedLines *self, const char *diff, size_t len);

/* ---- tmpfiles.c --------------------------------------------------------------- */

/* Installs the SIGINT/SIGTERM/SIGHUP handler that unlinks the registered
 * temporary files, then dies of the signal (signals the parent ignored stay
 * ignored). Call once, from the main thread, before any thread starts. */
void ps_tmpfiles_install(void);
/* Registers a live temporary file (the path is copied); returns a slot for
 * ps_tmpfiles_remove, or -1 when the registry is full (not an error). Call
 * ps_tmpfiles_remove after the file was renamed or unlinked. */
int ps_tmpfiles_add(const char *path);
void ps_tmpfiles_remove(int slot);
/* Blocks those signals in the calling thread (old mask in *old) / restores
 * it: around a write that must not be cut in half, and in worker threads,
 * so that only the main thread takes the signals. */
void ps_tmpfiles_block(sigset_t *old);
void ps_tmpfiles_unblock(const sigset_t *old);

/* ---- write.c ---------------------------------------------------------------- */

/* Real paths of the command line's roots: --fix writes only below them. */
typedef struct PsWriteScope {
  char **roots; /* realpath of each path named (or "."), heap */
  size_t n_roots;
} PsWriteScope;
void ps_write_scope_init(PsWriteScope *self, const char *const *paths, size_t n);
void ps_write_scope_free(PsWriteScope *self);

/* Writes r->fixed (r->fixed_len bytes) to the file behind r->path. The file
 * must still hold what the scan read (r->read_len, r->read_hash); if it
 * already holds r->fixed (the same file reached by two paths), nothing is
 * done. Refused, with the file untouched: a path that resolves outside
 * `scope` (a symlink out of the scanned tree; scope NULL: no limit), a file
 * that is not a regular file, and a read-only file (no write permission for
 * the user; for root, no write bit at all). A file with one link is replaced
 * atomically: a symlink's target is rewritten and the link stays; the new
 * content goes to a temporary file in the target's directory (removed on
 * SIGINT/SIGTERM), is synced and renamed over it; the mode bits (and, when
 * allowed, the owner and group) are kept. A file with several hard links is
 * rewritten in place, so every name sees the fix: space is reserved first
 * (a full disk leaves it untouched), and SIGINT/SIGTERM wait until the write
 * is done. Returns NULL, or a message (heap, without the path) saying why
 * nothing was written. */
char *ps_run__write_fixed(const PsFileResult *r, const PsWriteScope *scope);

/* Writes data[0..n) to `path` atomically: a temporary file beside it
 * (removed on SIGINT/SIGTERM), fsync'ed when `durable`, renamed over it; an
 * existing file's mode bits are kept (else 0644). Returns NULL, or a
 * message (heap, without the path) saying why `path` was left as it was. */
char *ps_run__write_atomic(const char *path, const char *data, size_t n, bool durable);

/* chains.c: reads, on this thread and in path order, the files of the
 * modules the joins still need (ps_engine_wanted) into the index, round
 * after round until none is new; paths[0..n) are the walk's files. */
void ps_run__fetch_chains(const PsEngine *engine, PsProjectIndex *index, const PsModules *modules,
                          const char *const *paths, size_t n);

#endif
