/* fix_rounds.c: --fix and --diff over one file. The applicable fixes are
 * applied to the decoded text (run/fix.c picks them), the new text is
 * parsed and scanned again with the same "scan this text" unit as the
 * first pass (ps_engine__scan_text), and so on for at most
 * PS_FIX_MAX_ROUNDS rounds; then the imports the fixes left unused go, and
 * the text is encoded back. A round that adds syntax errors abandons the
 * file. Nothing is written here.
 */
#include <stdlib.h>
#include <string.h>

#include "run/engine_internal.h"

static bool applicable(const PsEngine *e, const PsFix *fix) { return fix && (fix->safe || e->opts.unsafe_fixes); }

bool ps_engine__any_applicable(const PsEngine *e, const PsFinding *fs, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (applicable(e, fs[i].fix)) return true;
  return false;
}

/* One round of fixes on src's text: the new text goes to the arena. */
static size_t apply_round(const PsEngine *e, const PsSource *src, const PsFinding *fs, size_t n, PsArena *arena,
                          char **out, size_t *out_len, PsBuf *culprits) {
  PsBuf b = PS_BUF_INIT;
  size_t k = ps_fix__apply(src->text, src->len, fs, n, e->opts.unsafe_fixes, &b, culprits);
  if (k) {
    *out = ps_arena_strndup(arena, b.data, b.len);
    *out_len = b.len;
  }
  ps_buf_free(&b);
  return k;
}

/* For a file stored in an encoding other than UTF-8: the first applicable
 * fix that inserts a character the encoding cannot hold (err says which),
 * or NULL. */
static const PsFinding *unencodable_fix(const PsEngine *e, const PsSource *src, const PsFinding *fs, size_t n,
                                        PsError *err) {
  if (!strcmp(src->encoding, "utf-8")) return NULL;
  for (size_t i = 0; i < n; i++) {
    if (!applicable(e, fs[i].fix)) continue;
    for (size_t k = 0; k < fs[i].fix->n_edits; k++) {
      const char *t = fs[i].fix->edits[k].text;
      bool ascii = true;
      for (const char *c = t; *c && ascii; c++) ascii = !((unsigned char)*c & 0x80);
      if (ascii) continue;
      char *out;
      size_t len;
      if (ps_source_encode(src, t, strlen(t), &out, &len, err)) return &fs[i];
      free(out);
    }
  }
  return NULL;
}

/* ERROR and MISSING nodes in the tree. */
static size_t count_syntax_errors(const TSTree *tree) {
  TSNode root = ts_tree_root_node(tree);
  if (!ts_node_has_error(root)) return 0;
  size_t n = 0;
  TSTreeCursor cur = ts_tree_cursor_new(root);
  for (;;) {
    TSNode node = ts_tree_cursor_current_node(&cur);
    if (ts_node_is_error(node) || ts_node_is_missing(node)) n++;
    if (ts_node_has_error(node) && !ts_node_is_missing(node) && ts_tree_cursor_goto_first_child(&cur)) continue;
    while (!ts_tree_cursor_goto_next_sibling(&cur))
      if (!ts_tree_cursor_goto_parent(&cur)) goto done;
  }
done:
  ts_tree_cursor_delete(&cur);
  return n;
}

static int byte_edit_cmp(const void *a, const void *b) {
  const PsByteEdit *x = a, *y = b;
  return x->start < y->start ? -1 : x->start > y->start;
}

/* After the fix rounds: removes the import items the fixes left unused
 * (ps_unused_import_edits), rescanning the result. The cleanup is dropped
 * if it would not parse. *cur and its findings are replaced on success. */
static void drop_unused_imports(PsFileScan *sc, const PsSource *src, PsSource *cur, PsFinding **cur_fs,
                                size_t *cur_n, const PsFinding *orig_fs) {
  PsScanWorker *w = sc->w;
  PsFileResult *res = sc->res;
  ScanIssues *is = &sc->is;
  PsByteEdit *edits;
  size_t n = ps_unused_import_edits(src->text, src->len, src->tree, cur->text, cur->len, cur->tree, w->arena, &edits);
  if (!n) return;
  qsort(edits, n, sizeof *edits, byte_edit_cmp);
  PsBuf b = PS_BUF_INIT;
  uint32_t at = 0;
  for (size_t i = 0; i < n; i++) {
    if (edits[i].start < at) continue; /* overlapping: keep the first */
    ps_buf_append(&b, cur->text + at, edits[i].start - at);
    ps_buf_puts(&b, edits[i].text);
    at = edits[i].end;
  }
  ps_buf_append(&b, cur->text + at, cur->len - at);
  PsSource next;
  PsError err;
  ps_error_clear(&err);
  char *text = ps_arena_strndup(w->arena, b.data ? b.data : "", b.len);
  size_t len = b.len;
  ps_buf_free(&b);
  if (ps_source_load_text(&next, w->arena, res->path, text, len, &err)) return;
  if (ps_source_parse(&next, w->parser, ps_deadline_left_us(&is->deadline), &err)) {
    if (err.code == PS_E_LIMIT && strstr(err.msg, "--file-timeout")) ps_engine__expire(is, "fixing");
    return;
  }
  next.encoding = src->encoding;
  next.bom = src->bom;
  if ((next.has_error && count_syntax_errors(next.tree) > (cur->has_error ? count_syntax_errors(cur->tree) : 0)) ||
      ps_fix__python_rejects(cur->text, cur->len, ts_tree_root_node(cur->tree), next.text, next.len,
                             ts_tree_root_node(next.tree))) {
    ps_source_release(&next);
    return;
  }
  PsFinding *next_fs;
  size_t next_n;
  ps_engine__scan_text(sc, &next, &next_fs, &next_n);
  if (is->deadline.expired) { /* the caller gives up on the fixes */
    ps_findings_free(next_fs, next_n);
    ps_source_release(&next);
    return;
  }
  if (*cur_fs != orig_fs) ps_findings_free(*cur_fs, *cur_n);
  if (cur->tree != src->tree) ps_source_release(cur);
  *cur = next;
  *cur_fs = next_fs;
  *cur_n = next_n;
}

void ps_engine__fix_file(PsFileScan *sc, PsSource *src, PsFinding **fs, size_t *n, char **fp_owned, size_t *fp_len) {
  const PsEngine *e = sc->e;
  PsScanWorker *w = sc->w;
  PsFileResult *res = sc->res;
  ScanIssues *is = &sc->is;
  PsError err;
  ps_error_clear(&err);
  if (src->warning) {
    ps_engine__add_error(res, ps_xstrdup("not fixed: the file is not valid in its encoding (see above), so it is never rewritten"));
    return;
  }
  if (strcmp(src->encoding, "utf-8")) {
    /* Only an encoding that gives back exactly the bytes read can be
     * trusted to leave the rest of the file alone. */
    char *again;
    size_t again_len;
    bool same = ps_source_encode(src, src->text, src->len, &again, &again_len, &err) == 0 &&
                again_len == src->raw_len && !memcmp(again, src->raw, again_len);
    free(again);
    if (!same) {
      ps_engine__add_error(res, ps_xasprintf("not fixed: encoding the text as %s again does not give back the bytes read",
                                  src->encoding));
      return;
    }
  }
  size_t base_errors = src->has_error ? count_syntax_errors(src->tree) : 0;
  PsSource cur = *src; /* the tree stays src's until a round replaces it */
  PsFinding *cur_fs = *fs;
  size_t cur_n = *n, n_fixed = 0;
  PsBuf culprits = PS_BUF_INIT;
  char *failure = NULL;
  int round = 0;
  for (; round < PS_FIX_MAX_ROUNDS && ps_engine__any_applicable(e, cur_fs, cur_n); round++) {
    const PsFinding *bad = unencodable_fix(e, src, cur_fs, cur_n, &err);
    if (bad) {
      failure = ps_xasprintf("fixes were not applied: the fix for %s at line %u: %s; file left unchanged",
                             bad->rule->id, (unsigned)bad->range.start.line, err.msg);
      break;
    }
    char *text;
    size_t len;
    size_t k = apply_round(e, &cur, cur_fs, cur_n, w->arena, &text, &len, &culprits);
    if (!k || (len == cur.len && !memcmp(text, cur.text, len))) break; /* nothing, or nothing that changes */
    PsSource next;
    if (ps_source_load_text(&next, w->arena, res->path, text, len, &err)) {
      failure = ps_xasprintf("fixes were not applied: the fixed text: %s", err.msg);
      break;
    }
    if (ps_source_parse(&next, w->parser, ps_deadline_left_us(&is->deadline), &err)) {
      if (err.code == PS_E_LIMIT && strstr(err.msg, "--file-timeout")) {
        ps_engine__expire(is, "fixing");
        break;
      }
      failure = ps_xasprintf("fixes were not applied: the fixed text: %s", err.msg);
      break;
    }
    next.encoding = src->encoding;
    next.bom = src->bom;
    if (next.has_error && (!src->has_error || count_syntax_errors(next.tree) > base_errors)) {
      failure = ps_xasprintf("fixes would introduce a syntax error; file left unchanged (from %s)", culprits.data);
      ps_source_release(&next);
      break;
    }
    if (ps_fix__python_rejects(cur.text, cur.len, ts_tree_root_node(cur.tree), next.text, next.len,
                               ts_tree_root_node(next.tree))) {
      failure = ps_xasprintf("fixes would introduce code that Python rejects (indentation or a starred "
                             "expression); file left unchanged (from %s)", culprits.data);
      ps_source_release(&next);
      break;
    }
    PsFinding *next_fs;
    size_t next_n;
    ps_engine__scan_text(sc, &next, &next_fs, &next_n);
    if (is->deadline.expired) {
      ps_findings_free(next_fs, next_n);
      ps_source_release(&next);
      break;
    }
    if (cur_fs != *fs) ps_findings_free(cur_fs, cur_n);
    if (cur.tree != src->tree) ps_source_release(&cur);
    cur = next;
    cur_fs = next_fs;
    cur_n = next_n;
    n_fixed += k;
  }
  if (!failure && round == PS_FIX_MAX_ROUNDS) {
    char *text;
    size_t len;
    if (apply_round(e, &cur, cur_fs, cur_n, w->arena, &text, &len, &culprits))
      ps_engine__add_error(res, ps_xasprintf("fixes did not settle after %d rounds; the findings left are reported "
                                  "(still fixable: %s)",
                                  PS_FIX_MAX_ROUNDS, culprits.data));
  }
  if (!failure && n_fixed && !is->deadline.expired)
    drop_unused_imports(sc, src, &cur, &cur_fs, &cur_n, *fs);
  /* Out of time: the rounds so far were checked, but the findings of the
   * last text are not complete; nothing is written. */
  if (!failure && is->deadline.expired)
    failure = ps_xasprintf("fixes were not applied: fixing took more than the %llu ms CPU budget (--file-timeout); "
                           "file left unchanged",
                           e->opts.parse_budget_us / 1000);
  char *bytes = NULL;
  size_t bytes_len = 0;
  if (!failure && n_fixed && ps_source_encode(src, cur.text, cur.len, &bytes, &bytes_len, &err))
    failure = ps_xasprintf("fixes were not applied: %s (line %d of the fixed text); file left unchanged", err.msg,
                           err.line);
  if (!failure && bytes && bytes_len == src->raw_len && !memcmp(bytes, src->raw, bytes_len)) {
    free(bytes); /* back where it started (fixes that undo each other) */
    bytes = NULL;
  }
  if (failure || !bytes) {
    if (failure) ps_engine__add_error(res, failure);
    if (cur_fs != *fs) ps_findings_free(cur_fs, cur_n);
  } else {
    res->n_fixed = n_fixed;
    if (e->opts.fix_mode == PS_FIX_DIFF) {
      PsBuf d = PS_BUF_INIT;
      ps_diff_unified(&d, res->path, src->raw, src->raw_len, res->path, bytes, bytes_len, 3);
      res->diff = ps_buf_steal(&d);
      ps_findings_free(*fs, *n);
      *fp_owned = bytes;
      *fp_len = bytes_len;
    } else {
      res->fixed = bytes;
      res->fixed_len = bytes_len;
      res->unfixed = *fs;
      res->n_unfixed = *n;
      res->read_hash = ps_hash_bytes(src->raw, src->raw_len);
      res->read_len = src->raw_len;
      /* The file will hold the fixed text: its facts are those of the last
       * text scanned, which is cur (a round or cleanup that failed after
       * its scan ended in `failure`). */
      ps_engine__copy_facts(sc, &cur);
    }
    *fs = cur_fs;
    *n = cur_n;
  }
  if (cur.tree != src->tree) ps_source_release(&cur);
  ps_buf_free(&culprits);
}
