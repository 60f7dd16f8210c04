/* run_internal.h: shared between the run module's files only. */
#ifndef PS_RUN_INTERNAL_H
#define PS_RUN_INTERNAL_H

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

/* ---- write.c ---------------------------------------------------------------- */

/* Replaces the file behind r->path with r->fixed (r->fixed_len bytes): a
 * symlink's target is rewritten and the link stays; the new content goes to
 * a temporary file in the target's directory, is synced and renamed over
 * it, so the file is never half-written; the mode bits (and, when allowed,
 * the owner and group) are kept. The file must still hold what the scan
 * read (r->read_len, r->read_hash); if it already holds r->fixed (the same
 * file reached by two paths), nothing is done. Returns NULL, or a message
 * (heap, without the path) saying why nothing was written. */
char *ps_run__write_fixed(const PsFileResult *r);

#endif
