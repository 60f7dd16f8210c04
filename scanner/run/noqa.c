/* noqa.c: --add-noqa, suppression comments for every current finding.
 *
 * Each line holding the start of a finding gets `# pyshift: ignore[IDS]`
 * (the ids of its findings, sorted) at its end, or its ids merged into the
 * `# pyshift: ignore[...]` directive already in the line's comment. A line
 * whose end is inside a string (a multi-line string or f-string) or that
 * continues with a backslash cannot end in a comment: it is left alone and
 * its findings get a note saying why. Like --fix, the new text is parsed
 * and scanned again before anything is written (by the main thread,
 * atomically, write.c), so what is reported is what a rerun reports.
 */
#include <string.h>

#include "run/engine_internal.h"
#include "run/run_internal.h"

/* ---- PS100 ----------------------------------------------------------------------- */

static const char *const NO_TAGS[] = {NULL};

static const PsRule UNUSED_RULE = {
    .meta = {
        .id = "PS100",
        .name = "unused-suppression",
        .family = "PS",
        .severity = PS_SEVERITY_WARNING,
        .status = "stable",
        .since = PS_VERSION,
        .summary = "unused suppression",
        .message = "unused suppression: {code}",
        .precision = "very-high",
        .tags = NO_TAGS,
        .docs_md = "## What it does\n\nWith `--report-unused-ignores`, reports each code of a "
                   "`# pyshift: ignore[...]` or `# pyshift: ignore-file[...]` comment (or a bare "
                   "`# pyshift: ignore`) that suppressed no finding, as ruff's RUF100 does for noqa.\n\n"
                   "## Why is this bad?\n\nA suppression that suppresses nothing hides the next real "
                   "finding on its line, and tells readers about a problem that is gone.\n",
        .versions = "",
        .source_path = "(built in)",
        .help_uri = "https://github.com/pyshift/pyshift/blob/main/docs/output-formats.md#unused-suppressions---report-unused-ignores",
    },
};

const PsRule *ps_run_unused_rule(void) { return &UNUSED_RULE; }

/* ---- --add-noqa -------------------------------------------------------------------- */

/* Why a line gets no comment: NULL if it can. */
static const char *unsafe_line(const PsSource *src, uint32_t last, uint32_t eol) {
  if (!src->tree) return "the file could not be parsed";
  TSNode root = ts_tree_root_node(src->tree);
  for (TSNode n = ts_node_descendant_for_byte_range(root, eol, eol); !ts_node_is_null(n); n = ts_node_parent(n))
    if (!strcmp(ts_node_type(n), "string") && ts_node_start_byte(n) < eol && ts_node_end_byte(n) > eol)
      return "the line ends inside a multi-line string";
  if (last < eol && src->text[last] == '\\') {
    TSNode at = ts_node_descendant_for_byte_range(root, last, last + 1);
    if (ts_node_is_null(at) || strcmp(ts_node_type(at), "comment")) return "the line continues with a backslash";
  }
  return NULL;
}

/* In the comment c[0..n), the offset of the ']' closing a
 * `pyshift: ignore[...]` directive (0 if none) and its codes in *d. */
static size_t directive_end(const char *c, size_t n, PsSuppressDirective *d) {
  for (size_t i = 0; i + 8 <= n; i++) {
    if (memcmp(c + i, "pyshift:", 8)) continue;
    size_t k = i + 8;
    while (k < n && (c[k] == ' ' || c[k] == '\t')) k++;
    if (k + 7 > n || memcmp(c + k, "ignore[", 7)) continue;
    size_t close = k + 7;
    while (close < n && c[close] != ']' && c[close] != '#') close++;
    if (close >= n || c[close] != ']') continue;
    PsSuppressDirective ds[2];
    int nd = ps_suppress_parse(c, close + 1, ds);
    memset(d, 0, sizeof *d);
    for (int j = 0; j < nd; j++)
      if (ds[j].kind == PS_SUPPRESS_LINE && !ds[j].all && ds[j].n_codes) *d = ds[j];
    return close;
  }
  return 0;
}

static int str_cmp(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

size_t ps_noqa__edit(const PsSource *src, const PsFinding *fs, size_t n, PsBuf *out, uint32_t **skipped,
                     const char ***why, size_t *n_skipped) {
  size_t covered = 0;
  uint32_t at = 0; /* text copied up to here */
  Array(uint32_t) sk;
  Array(const char *) wy;
  array_init(&sk);
  array_init(&wy);
  out->len = 0;
  const char **ids = ps_xmalloc((n ? n : 1) * sizeof *ids);
  for (size_t a = 0; a < n;) {
    uint32_t line = fs[a].range.start.line;
    size_t b = a;
    while (b < n && fs[b].range.start.line == line) b++;
    uint32_t ll;
    const char *lt = ps_source_line(src, line, &ll);
    if (!lt) {
      a = b;
      continue;
    }
    uint32_t start = (uint32_t)(lt - src->text), eol = start + ll, last = eol;
    while (last > start && (src->text[last - 1] == ' ' || src->text[last - 1] == '\t')) last--;
    const char *bad = unsafe_line(src, last ? last - 1 : 0, eol);
    if (bad) {
      array_push(&sk, line);
      array_push(&wy, bad);
      a = b;
      continue;
    }
    /* The comment ending the line, if any, and a directive in it. */
    size_t close = 0, comment = 0;
    PsSuppressDirective d = {0};
    if (last > start) {
      TSNode c = ts_node_descendant_for_byte_range(ts_tree_root_node(src->tree), last - 1, last);
      if (!ts_node_is_null(c) && !strcmp(ts_node_type(c), "comment") && ts_node_start_byte(c) >= start) {
        comment = ts_node_start_byte(c);
        size_t rel = directive_end(src->text + comment, last - comment, &d);
        if (rel) close = comment + rel;
      }
    }
    size_t n_ids = 0;
    for (size_t i = a; i < b; i++) {
      const char *id = fs[i].rule->id;
      bool dup = close && ps_suppress_covers(&d, id);
      for (size_t k = 0; k < n_ids && !dup; k++) dup = !strcmp(ids[k], id);
      if (!dup) ids[n_ids++] = id;
    }
    qsort(ids, n_ids, sizeof *ids, str_cmp);
    if (close) { /* merge: `ignore[RM001]` -> `ignore[RM001, TY006]` */
      ps_buf_append(out, src->text + at, close - at);
      for (size_t k = 0; k < n_ids; k++) ps_buf_printf(out, ", %s", ids[k]);
      at = (uint32_t)close;
    } else {
      ps_buf_append(out, src->text + at, last - at);
      ps_buf_puts(out, last > start ? "  # pyshift: ignore[" : "# pyshift: ignore[");
      for (size_t k = 0; k < n_ids; k++) ps_buf_printf(out, "%s%s", k ? ", " : "", ids[k]);
      ps_buf_puts(out, "]");
      at = eol; /* trailing blanks dropped */
    }
    covered += b - a;
    a = b;
  }
  ps_buf_append(out, src->text + at, src->len - at);
  free(ids);
  *skipped = sk.items;
  *why = wy.items;
  *n_skipped = sk.size;
  return covered;
}

/* Adds a note to each finding on a skipped line. */
static void note_skipped(PsFinding *fs, size_t n, const uint32_t *lines, const char **why, size_t n_lines) {
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < n_lines; k++)
      if (fs[i].range.start.line == lines[k]) {
        fs[i].notes = ps_xrealloc(fs[i].notes, (fs[i].n_notes + 1) * sizeof(char *));
        fs[i].notes[fs[i].n_notes++] = ps_xasprintf("no `# pyshift: ignore` comment added (--add-noqa): %s", why[k]);
        break;
      }
}

void ps_engine__add_noqa(PsFileScan *sc, PsSource *src, PsFinding **fs, size_t *n) {
  PsScanWorker *w = sc->w;
  PsFileResult *res = sc->res;
  ScanIssues *is = &sc->is;
  PsError err;
  ps_error_clear(&err);
  if (src->warning) {
    ps_engine__add_error(res, ps_xstrdup("no suppression comments added: the file is not valid in its encoding "
                                         "(see above), so it is never rewritten"));
    return;
  }
  if (strcmp(src->encoding, "utf-8")) {
    char *again = NULL;
    size_t again_len = 0;
    bool same = ps_source_encode(src, src->text, src->len, &again, &again_len, &err) == 0 &&
                again_len == src->raw_len && !memcmp(again, src->raw, again_len);
    free(again);
    if (!same) {
      ps_engine__add_error(res, ps_xasprintf("no suppression comments added: encoding the text as %s again does not "
                                             "give back the bytes read", src->encoding));
      return;
    }
  }
  PsBuf b = PS_BUF_INIT;
  uint32_t *skipped;
  const char **why;
  size_t n_skipped;
  size_t covered = ps_noqa__edit(src, *fs, *n, &b, &skipped, &why, &n_skipped);
  char *failure = NULL, *bytes = NULL;
  size_t bytes_len = 0;
  PsSource next = {0};
  PsFinding *next_fs = NULL;
  size_t next_n = 0;
  if (!covered) {
    note_skipped(*fs, *n, skipped, why, n_skipped);
    goto cleanup;
  }
  char *text = ps_arena_strndup(w->arena, b.data ? b.data : "", b.len);
  if (ps_source_load_text(&next, w->arena, res->path, text, b.len, &err)) {
    failure = ps_xasprintf("no suppression comments added: %s", err.msg);
    goto cleanup;
  }
  if (ps_source_parse(&next, w->parser, ps_deadline_left_us(&is->deadline), &err)) {
    if (err.code == PS_E_LIMIT && strstr(err.msg, "--file-timeout")) ps_engine__expire(is, "adding suppression comments");
    failure = ps_xasprintf("no suppression comments added: %s", err.msg);
    goto cleanup;
  }
  next.encoding = src->encoding;
  next.bom = src->bom;
  ps_engine__scan_text(sc, &next, &next_fs, &next_n);
  /* A rerun must report only the lines that could not take a comment. */
  for (size_t i = 0; i < next_n && !failure; i++) {
    bool ok = false;
    for (size_t k = 0; k < n_skipped && !ok; k++) ok = next_fs[i].range.start.line == skipped[k];
    if (!ok)
      failure = ps_xasprintf("no suppression comments added: %s at line %u is still reported with the comment; "
                             "file left unchanged", next_fs[i].rule->id, (unsigned)next_fs[i].range.start.line);
  }
  if (!failure && is->deadline.expired)
    failure = ps_xasprintf("no suppression comments added: it took more than the %llu ms CPU budget "
                           "(--file-timeout); file left unchanged", sc->e->opts.parse_budget_us / 1000);
  if (!failure && ps_source_encode(src, next.text, next.len, &bytes, &bytes_len, &err))
    failure = ps_xasprintf("no suppression comments added: %s; file left unchanged", err.msg);
  if (failure) {
    ps_engine__add_error(res, failure);
    ps_findings_free(next_fs, next_n);
    goto cleanup;
  }
  note_skipped(next_fs, next_n, skipped, why, n_skipped);
  res->fixed = bytes;
  res->fixed_len = bytes_len;
  res->unfixed = *fs;
  res->n_unfixed = *n;
  res->read_hash = ps_hash_bytes(src->raw, src->raw_len);
  res->read_len = src->raw_len;
  ps_engine__copy_facts(sc, &next);
  *fs = next_fs;
  *n = next_n;
cleanup:
  if (next.tree) ps_source_release(&next);
  ps_buf_free(&b);
  free(skipped);
  free(why);
}
