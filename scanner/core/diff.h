/* diff.h: a line diff in the unified format of `diff -u`.
 *
 * `pyshift check --diff` shows what --fix would change with it. Lines are
 * split at '\n' and compared as bytes (a "\r\n" file diffs like any other;
 * a last line without '\n' differs from the same line with one and gets
 * "\ No newline at end of file", as GNU diff prints it). The edit script is
 * a shortest one (Myers' O(ND) algorithm, linear-space variant), so hunks
 * come out as `diff -u` prints them.
 */
#ifndef PS_CORE_DIFF_H
#define PS_CORE_DIFF_H

#include <stddef.h>

#include "core/str.h"

/* Appends to `out` the unified diff turning a[0..a_len) into
 * b[0..b_len): the header lines "--- a_label" and "+++ b_label" (no
 * timestamps), then `@@ -l,n +l,n @@` hunks with `context` lines of
 * context around each change; hunks whose contexts touch or overlap are
 * merged. Appends nothing when the texts have the same lines. Returns the
 * number of hunks. */
size_t ps_diff_unified(PsBuf *out, const char *a_label, const char *a, size_t a_len,
                       const char *b_label, const char *b, size_t b_len, unsigned context);

#endif
