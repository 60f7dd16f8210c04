/* fallback.c: dead `except ImportError:` fallbacks (issue 12, item 5).
 *
 *   try:
 *       from html import escape
 *   except ImportError:
 *       from cgi import escape        # runs only where html.escape is missing
 *
 * The walk marks an ImportError handler after a try body of imports only
 * with what the body imports (PsGuardRange.fallback_of). A rule's
 * ```table importable (columns `name`, `since`) lists standard-library
 * names that import on every version from `since` on; when everything the
 * body imports is listed with a `since` at or before the first version
 * where a removal matters, the handler cannot run there and the removal
 * inside it is not reported (as under a hasattr() feature test). The names
 * live in the rule files, not here.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_internal.h"

int ps_analysis__importable(const PsRule *r, PsImportable *out, PsError *err) {
  const PsTable *t = &r->importable;
  *out = (PsImportable){0};
  if (!t->cols) return 0;
  int cn = ps_table_col(t, "name"), cs = ps_table_col(t, "since");
  if (cn < 0 || cs < 0)
    return ps_analysis__rule_error(err, r, t->row_lines && t->n_rows ? t->row_lines[0] - 1 : r->analysis_line,
                                   "```table importable needs `name` and `since` columns");
  out->names = ps_xcalloc(t->n_rows ? t->n_rows : 1, sizeof *out->names);
  out->since = ps_xcalloc(t->n_rows ? t->n_rows : 1, sizeof *out->since);
  for (size_t i = 0; i < t->n_rows; i++) {
    PsPyVersion v;
    if (ps_pyver_parse(t->rows[i][cs], &v) != 0 || v.major != 3) {
      ps_importable_free(out);
      return ps_analysis__rule_error(err, r, t->row_lines[i], "invalid since `%s` (a version such as 3.2)",
                                     t->rows[i][cs]);
    }
    out->names[out->n] = t->rows[i][cn];
    out->since[out->n++] = v.minor;
  }
  return 0;
}

void ps_importable_free(PsImportable *t) {
  free(t->names);
  free(t->since);
  *t = (PsImportable){0};
}

/* Does `name` (a dotted import, n bytes) import on every minor from `from` on? */
static bool always_imports(const PsImportable *t, const char *name, size_t n, int from) {
  for (size_t i = 0; i < t->n; i++)
    if (strlen(t->names[i]) == n && !memcmp(t->names[i], name, n)) return t->since[i] <= from;
  return false;
}

bool ps_analysis__dead_fallback(const PsImportable *t, const PsSummary *s, uint32_t pos, uint64_t window) {
  if (!t->n || !window) return false;
  int from = __builtin_ctzll(window); /* the first minor where the removal matters */
  for (size_t i = 0; i < s->guard_ranges.size; i++) {
    const PsGuardRange *g = &s->guard_ranges.items[i];
    if (!g->fallback_of || pos < g->start || pos >= g->end) continue;
    bool all = true;
    for (const char *p = g->fallback_of; all && *p;) {
      const char *e = strchr(p, ',');
      size_t n = e ? (size_t)(e - p) : strlen(p);
      all = always_imports(t, p, n, from);
      p += n + (e != NULL);
    }
    if (all) return true;
  }
  return false;
}
