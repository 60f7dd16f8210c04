/* scan.c: the "scan this text" unit. The first pass over a file and every
 * --fix round call ps_engine__scan_text on a parsed text: the summary walk
 * and the analyses its words admit, the query groups, then finish():
 * identical findings collapsed, suppressions and per-file-ignores applied,
 * positions resolved, findings sorted. Plus the project stage's copy of a
 * text's facts (ps_engine__copy_facts).
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "run/engine_internal.h"
#include "walk/walk.h"

/* ---- emitting ----------------------------------------------------------------- */

static void free_fix(PsFix *fix) {
  if (!fix) return;
  for (size_t i = 0; i < fix->n_edits; i++) free(fix->edits[i].text);
  free(fix->edits);
  free(fix->message);
  free(fix);
}

static uint64_t raw_hash(const PsRule *rule, uint32_t start, uint32_t end, const char *message) {
  uint64_t h = ps_hash_bytes(message, strlen(message));
  h ^= ((uint64_t)start << 32 | end) * 0x9E3779B97F4A7C15ull;
  h ^= (uint64_t)(uintptr_t)rule * 0xC2B2AE3D27D4EB4Full;
  return h ^ (h >> 29);
}

static void raw_slots_rebuild(PsFileScan *sc, size_t cap) {
  free(sc->raw_slots);
  sc->raw_slots = ps_xcalloc(cap, sizeof(uint32_t));
  sc->raw_cap = cap;
  for (size_t i = 0; i < sc->raw.size; i++) {
    const RawFinding *r = &sc->raw.items[i];
    size_t k = (size_t)raw_hash(r->rule, r->start, r->end, r->message) & (cap - 1);
    while (sc->raw_slots[k]) k = (k + 1) & (cap - 1);
    sc->raw_slots[k] = (uint32_t)i + 1;
  }
}

static void raw_clear(PsFileScan *sc) {
  if (sc->raw.size && sc->raw_cap) memset(sc->raw_slots, 0, sc->raw_cap * sizeof(uint32_t));
  array_clear(&sc->raw);
}

static void add_raw(PsFileScan *sc, const PsRule *rule, uint32_t start, uint32_t end, char *message,
                    PsFix *fix) {
  /* Identical findings (same rule, range and message) collapse: a hash
   * table, as a pathological query can match the same node thousands of
   * times. */
  if ((sc->raw.size + 1) * 2 > sc->raw_cap) raw_slots_rebuild(sc, sc->raw_cap ? sc->raw_cap * 2 : 64);
  size_t k = (size_t)raw_hash(rule, start, end, message) & (sc->raw_cap - 1);
  for (; sc->raw_slots[k]; k = (k + 1) & (sc->raw_cap - 1)) {
    RawFinding *r = &sc->raw.items[sc->raw_slots[k] - 1];
    if (r->rule == rule && r->start == start && r->end == end && !strcmp(r->message, message)) {
      free(message);
      free_fix(fix);
      return;
    }
  }
  RawFinding f = {rule, start, end, message, fix};
  array_push(&sc->raw, f);
  sc->raw_slots[k] = (uint32_t)sc->raw.size;
}

/* Copies a fix spec; edits are sorted by position, their ranges hold only
 * byte offsets until finish() fills in lines and columns. */
static PsFix *copy_fix(const PsFixSpec *spec) {
  if (!spec || !spec->n_edits) return NULL;
  PsFix *fix = ps_xcalloc(1, sizeof *fix);
  fix->message = ps_xstrdup(spec->message ? spec->message : "");
  fix->safe = spec->safe;
  fix->n_edits = spec->n_edits;
  fix->edits = ps_xcalloc(spec->n_edits, sizeof(PsEdit));
  for (size_t i = 0; i < spec->n_edits; i++) {
    fix->edits[i].range.start.byte = spec->edits[i].start;
    fix->edits[i].range.end.byte = spec->edits[i].end;
    fix->edits[i].text = ps_xstrdup(spec->edits[i].text ? spec->edits[i].text : "");
  }
  qsort(fix->edits, fix->n_edits, sizeof(PsEdit), ps_fix__edit_cmp);
  return fix;
}

static void emit_vars(void *ctx, const PsRule *rule, uint32_t start, uint32_t end, const PsVar *vars,
                      size_t n_vars) {
  PsFileScan *sc = ctx;
  add_raw(sc, rule, start, end, ps_analysis_message(rule, vars, n_vars), NULL);
}

static void emit_vars_fix(void *ctx, const PsRule *rule, uint32_t start, uint32_t end, const PsVar *vars,
                          size_t n_vars, const PsFixSpec *fix) {
  PsFileScan *sc = ctx;
  add_raw(sc, rule, start, end, ps_analysis_message(rule, vars, n_vars), copy_fix(fix));
}

typedef struct CaptureCtx {
  PsFileScan *sc;
  const PsQueryMatch *m;
} CaptureCtx;

static const char *capture_lookup(void *ctx, const char *name, size_t len, size_t *out_len) {
  const CaptureCtx *c = ctx;
  for (uint16_t i = 0; i < c->m->n_captures; i++) {
    uint32_t nl;
    const char *cn = ps_queryset_capture_name(c->sc->current_qs, c->m->captures[i].index, &nl);
    if (nl == len && !memcmp(cn, name, len)) {
      uint32_t tl;
      const char *t = ps_source_node_text(c->sc->src, c->m->captures[i].node, &tl);
      *out_len = tl;
      return t;
    }
  }
  return NULL;
}

/* The description of a `fix:` without `fix-message:`. */
static char *default_fix_message(const char *text) {
  size_t n = strlen(text);
  if (!n) return ps_xstrdup("Remove it");
  if (n <= 60 && !strpbrk(text, "\r\n`")) return ps_xasprintf("Replace with `%s`", text);
  return ps_xstrdup("Rewrite it");
}

/* Can the code at `pos` run where the rule's `version-guard` says its
 * finding matters? The summary's guard ranges say where code runs; a file
 * no analysis walked is walked here, once, when such a rule first matches. */
static const PsSummary *scan_summary(PsFileScan *sc) {
  PsScanWorker *w = sc->w;
  if (!sc->summary_ready) {
    ps_walker_set_needs(w->walker, 0);
    ps_walker_summarize(w->walker, sc->src, w->arena, &w->summary);
    sc->summary_ready = true;
  }
  return &w->summary;
}

/* Is the match inside a try body whose handler catches the error its
 * pattern says the use raises (`#raises!`)? */
static bool caught(PsFileScan *sc, const PsQueryMatch *m, uint32_t pos) {
  if (!m->raises) return false;
  unsigned c = ps_summary_caught_at(scan_summary(sc), pos), r = m->raises;
  return ((r & PS_RAISES_ATTRIBUTE_ERROR) && (c & PS_GUARD_TRY_ATTRIBUTE_ERROR)) ||
         ((r & PS_RAISES_TYPE_ERROR) && (c & PS_GUARD_TRY_TYPE_ERROR)) ||
         ((r & PS_RAISES_IMPORT_ERROR) && (c & PS_GUARD_TRY_IMPORT_ERROR));
}

static bool runs_where_guarded(PsFileScan *sc, const PsRule *rule, uint32_t pos) {
  if (rule->version_guard == PS_VERSION_GUARD_NONE) return true;
  PsScanWorker *w = sc->w;
  scan_summary(sc);
  const PsEngineOptions *o = &sc->e->opts;
  int to = o->target.minor;
  int from = rule->version_guard == PS_VERSION_GUARD_TARGET ? to
             : rule->version_guard_at.minor > o->min_python.minor ? rule->version_guard_at.minor
                                                                  : o->min_python.minor;
  return (ps_summary_runs_at(&w->summary, pos) & ps_runs_window(from, to)) != 0;
}

static void on_match(void *ctx, const PsQueryMatch *m) {
  PsFileScan *sc = ctx;
  CaptureCtx c = {sc, m};
  uint32_t start = ts_node_start_byte(m->report), end = ts_node_end_byte(m->report);
  if (!runs_where_guarded(sc, m->rule, start) || caught(sc, m, start)) return;
  PsFix *fix = NULL;
  if (m->rule->fix) {
    /* The rendering replaces the report capture's text. A capture the
     * template names but this match lacks (an optional one) means no fix. */
    char *text = ps_template_render_exact(m->rule->fix, capture_lookup, &c);
    if (text) {
      char *msg = m->rule->fix_message ? ps_template_render(m->rule->fix_message, capture_lookup, &c)
                                       : default_fix_message(text);
      PsByteEdit edit = {start, end, text};
      PsFixSpec spec = {msg, &edit, 1, !m->rule->fix_unsafe};
      fix = copy_fix(&spec);
      free(msg);
      free(text);
    }
  }
  add_raw(sc, m->rule, start, end, ps_template_render(m->rule->meta.message, capture_lookup, &c), fix);
}

/* ---- suppressions --------------------------------------------------------------- */

typedef struct LineDirective {
  uint32_t line;
  PsSuppressDirective d;
  uint32_t start, end; /* the comment's bytes */
} LineDirective;

/* The smallest node holding byte `off`, as ts_node_descendant_for_byte_range
 * finds it, for ascending offsets: the cursor only moves forward (to later
 * siblings, up, into children), so a file costs one walk of its tree however
 * many offsets are looked up, not a descent from the root each. */
static TSNode node_at(TSTreeCursor *cur, uint32_t off) {
  TSNode null = {0};
  for (;;) {
    TSNode n = ts_tree_cursor_current_node(cur);
    if (ts_node_start_byte(n) <= off && off < ts_node_end_byte(n)) break;
    if (ts_node_start_byte(n) > off) return null; /* between nodes */
    if (ts_tree_cursor_goto_next_sibling(cur)) continue;
    if (!ts_tree_cursor_goto_parent(cur)) return null; /* past the root */
  }
  for (;;) {
    TSNode n = ts_tree_cursor_current_node(cur);
    if (!ts_node_child_count(n) || ts_tree_cursor_goto_first_child_for_byte(cur, off) < 0) return n;
    TSNode c = ts_tree_cursor_current_node(cur);
    if (ts_node_start_byte(c) > off) {
      ts_tree_cursor_goto_parent(cur);
      return n;
    }
  }
}

/* Collects suppression directives from every comment that may hold one:
 * each '#' is looked up in the tree, so '#' inside strings never counts.
 * Only called for files with findings. */
static void collect_directives(const PsSource *src, LineDirective **out, size_t *n_out) {
  Array(LineDirective) dirs;
  array_init(&dirs);
  TSTreeCursor cur = ts_tree_cursor_new(ts_tree_root_node(src->tree));
  TSSymbol comment = ts_language_symbol_for_name(ps_python_language(), "comment", 7, true);
  const char *p = src->text, *end = src->text + src->len;
  while (p < end) {
    const char *hash = memchr(p, '#', (size_t)(end - p));
    if (!hash) break;
    uint32_t off = (uint32_t)(hash - src->text);
    TSNode n = node_at(&cur, off);
    if (ts_node_is_null(n) || ts_node_symbol(n) != comment || ts_node_start_byte(n) != off) {
      p = hash + 1;
      continue;
    }
    uint32_t cl;
    const char *ct = ps_source_node_text(src, n, &cl);
    PsSuppressDirective d[2];
    int nd = ps_suppress_parse(ct, cl, d);
    uint32_t line = ps_source_pos(src, off).line;
    for (int i = 0; i < nd; i++) array_push(&dirs, ((LineDirective){line, d[i], off, ts_node_end_byte(n)}));
    p = src->text + ts_node_end_byte(n);
  }
  ts_tree_cursor_delete(&cur);
  *out = dirs.items;
  *n_out = dirs.size;
}

/* The directives of a file, for lookups per finding: line directives in
 * line order (as collected), file directives apart, with their verdict per
 * rule cached (a file may hold thousands of both). */
typedef struct Directives {
  const LineDirective *lines;
  size_t n_lines;
  Array(const PsSuppressDirective *) file;
  Array(const PsRule *) file_checked; /* rules whose file-level verdict is known */
  Array(bool) file_verdict;
} Directives;

static bool suppressed(Directives *ds, uint32_t line, const PsRule *rule) {
  const char *id = rule->meta.id;
  size_t k = 0;
  for (; k < ds->file_checked.size && ds->file_checked.items[k] != rule; k++) {}
  if (k == ds->file_checked.size) {
    bool v = false;
    for (size_t i = 0; i < ds->file.size && !v; i++) v = ps_suppress_covers(ds->file.items[i], id);
    array_push(&ds->file_checked, rule);
    array_push(&ds->file_verdict, v);
  }
  if (ds->file_verdict.items[k]) return true;
  size_t lo = 0, hi = ds->n_lines; /* first directive on `line` */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (ds->lines[mid].line < line) lo = mid + 1;
    else hi = mid;
  }
  for (; lo < ds->n_lines && ds->lines[lo].line == line; lo++)
    if (ds->lines[lo].d.kind == PS_SUPPRESS_LINE && ps_suppress_covers(&ds->lines[lo].d, id)) return true;
  return false;
}

/* Positions of many byte offsets of one text: sorted and resolved in one
 * sweep, each from the previous one on its line (ps_source_pos decodes from
 * the line start, which is quadratic for many findings on one long line). */
typedef struct PosMap {
  uint32_t *bytes; /* sorted, unique */
  PsPos *pos;
  size_t n;
} PosMap;

static int u32_cmp(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static void posmap_build(PosMap *m, const PsSource *src, uint32_t *bytes, size_t n) {
  if (n) qsort(bytes, n, sizeof *bytes, u32_cmp);
  size_t u = 0;
  for (size_t i = 0; i < n; i++)
    if (!u || bytes[u - 1] != bytes[i]) bytes[u++] = bytes[i];
  m->bytes = bytes;
  m->n = u;
  m->pos = ps_xmalloc((u ? u : 1) * sizeof(PsPos));
  const unsigned char *t = (const unsigned char *)src->text;
  for (size_t i = 0; i < u; i++) {
    uint32_t b = bytes[i] > src->len ? (uint32_t)src->len : bytes[i];
    PsPos *prev = i ? &m->pos[i - 1] : NULL;
    uint32_t line_end = prev && prev->line < src->n_lines ? src->line_starts[prev->line] : (uint32_t)src->len;
    /* Continue from the previous offset when it is on this line at a
     * character start; otherwise start over. */
    if (!prev || b >= line_end || prev->byte > b || (prev->byte < src->len && (t[prev->byte] & 0xC0) == 0x80)) {
      m->pos[i] = ps_source_pos(src, b);
      continue;
    }
    PsPos p = *prev;
    for (uint32_t k = p.byte; k < b;) {
      uint32_t cp;
      size_t len = ps_utf8_decode(t + k, b - k, &cp);
      if (len == 1 && t[k] >= 0x80) { /* as ps_source_pos: a split sequence */
        k++;
        continue;
      }
      p.col++;
      p.col16 += cp >= 0x10000 ? 2 : 1;
      k += (uint32_t)len;
    }
    p.byte = b;
    m->pos[i] = p;
  }
}

static PsPos posmap_get(const PosMap *m, uint32_t byte) {
  size_t lo = 0, hi = m->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (m->bytes[mid] < byte) lo = mid + 1;
    else hi = mid;
  }
  assert(lo < m->n && m->bytes[lo] == byte);
  return m->pos[lo];
}

bool ps_engine_per_file_ignored(const PsEngine *e, const char *path, const char *id) {
  for (size_t i = 0; i < e->opts.n_per_file_ignores; i++) {
    const PsPerFileIgnore *p = &e->opts.per_file_ignores[i];
    if (!ps_glob_match(p->glob, path)) continue;
    for (size_t k = 0; k < p->ids.size; k++)
      if (ps_selector_matches(p->ids.items[k], id)) return true;
  }
  return false;
}

/* ---- the pipeline --------------------------------------------------------------- */

void ps_engine__add_error(PsFileResult *r, char *msg) {
  r->errors = ps_xrealloc(r->errors, (r->n_errors + 1) * sizeof(char *));
  r->errors[r->n_errors++] = msg;
}

/* ---- unused suppressions (--report-unused-ignores) ------------------------------ */

bool ps_engine__mentions_pyshift(const char *text, size_t len) {
  for (const char *p = text, *end = text + len; (p = memchr(p, 'p', (size_t)(end - p))) != NULL; p++)
    if ((size_t)(end - p) >= 8 && !memcmp(p, "pyshift:", 8)) return true;
  return false;
}

/* Why `code` of a `# pyshift:` directive deserves a PS100 finding when it
 * suppressed nothing, or NULL when this run cannot tell: a rule it names is
 * not enabled (another selection or target may need it) or is a project
 * rule (the joins, after this pass, may need it). "" for a code that names
 * rules this run checks; a message for a code that names no rule. */
/* `projected`: a project analysis ran on this text, so a join may still
 * report here (its findings land only in files that gave facts). */
static const char *judge_code(const PsEngine *e, const char *code, bool projected) {
  size_t in_registry = 0, enabled = 0;
  if (e->opts.registry)
    for (size_t i = 0; i < ps_registry_count(e->opts.registry); i++)
      in_registry += ps_str_starts_with(ps_registry_at(e->opts.registry, i)->meta.id, code);
  for (size_t i = 0; i < e->n_rules; i++) {
    if (!ps_str_starts_with(e->rules[i]->meta.id, code)) continue;
    enabled++;
    for (size_t k = 0; k < e->project_rules.size && projected; k++)
      if (e->project_rules.items[k] == e->rules[i]) return NULL;
  }
  if (!in_registry && !enabled) return "is no rule's id or prefix";
  return enabled && enabled == in_registry ? "" : NULL;
}

/* The uses of the text that the removed-APIs join may still report (its
 * undecided `self.m` uses, PS_FACT_CLASSES): their lines and rules, for
 * --report-unused-ignores, which cannot tell before the join whether a
 * directive on such a line is used. */
typedef struct Undecided {
  Array(uint32_t) lines;
  Array(const PsRule *) rules;
} Undecided;

static void undecided_uses(PsFileScan *sc, const PsSource *src, Undecided *out) {
  const PsEngine *e = sc->e;
  if (!(e->facts & PS_FACT_CLASSES) || !sc->summary_ready) return;
  PsScanWorker *w = sc->w;
  PsFileFacts *f = ps_facts_new(src->path, NULL, false);
  PsFileContext ctx = {src, &w->summary, e->opts.modules, NULL, w->arena, false, NULL};
  for (size_t i = 0; i < e->analyses.size; i++) {
    if (!sc->active[i] || !(ps_analysis_facts(e->analyses.items[i]) & PS_FACT_CLASSES)) continue;
    PsArenaMark scratch = ps_arena_mark(w->arena);
    ps_analysis_copy_facts(e->analyses.items[i], &ctx, f);
    ps_arena_rewind(w->arena, scratch);
  }
  for (size_t i = 0; i < f->method_uses.size; i++) {
    array_push(&out->lines, f->method_uses.items[i].pos.line);
    array_push(&out->rules, ps_analysis_rule(f->method_uses.items[i].owner));
  }
  ps_facts_delete(f);
}

/* Adds a PS100 finding for each code of a `# pyshift:` directive that no
 * raw finding of sc used (nor an undecided use, which the join may report).
 * fstart[i]: the line of raw finding i. */
static void report_unused(PsFileScan *sc, const PsSource *src, const LineDirective *dirs, size_t n_dirs,
                          const uint32_t *lines, void *outp) {
  Undecided und = {0};
  undecided_uses(sc, src, &und);
  Array(PsFinding) *out = outp;
  const PsEngine *e = sc->e;
  const PsRule *rule = ps_run_unused_rule();
  for (size_t i = 0; i < n_dirs; i++) {
    const LineDirective *ld = &dirs[i];
    const PsSuppressDirective *d = &ld->d;
    if (!d->pyshift) continue;
    bool file = d->kind == PS_SUPPRESS_FILE;
    size_t n_codes = d->all ? 1 : d->n_codes;
    for (size_t c = 0; c < n_codes; c++) {
      const char *code = d->all ? "" : d->codes[c];
      bool projected = e->project_rules.size && sc->text_facts;
      const char *verdict = d->all ? (projected ? NULL : "") : judge_code(e, code, projected);
      if (!verdict) continue;
      bool used = false;
      for (size_t k = 0; k < sc->raw.size && !used; k++)
        used = (file || lines[k] == ld->line) && (d->all || ps_str_starts_with(sc->raw.items[k].rule->meta.id, code));
      for (size_t k = 0; k < und.lines.size && !used; k++)
        used = (file || und.lines.items[k] == ld->line) && (d->all || ps_str_starts_with(und.rules.items[k]->meta.id, code));
      if (used) continue;
      PsFinding f = {0};
      f.rule = &rule->meta;
      f.severity = rule->meta.severity;
      f.range.start = ps_source_pos(src, ld->start);
      f.range.end = ps_source_pos(src, ld->end);
      const char *what = file ? "ignore-file" : "ignore";
      if (*verdict)
        f.message = ps_xasprintf("unused suppression: `%s` in `# pyshift: %s[...]` %s", code, what, verdict);
      else if (d->all)
        f.message = ps_xasprintf("unused suppression: `# pyshift: %s` suppresses nothing %s", what,
                                 file ? "in this file" : "on this line");
      else
        f.message = ps_xasprintf("unused suppression: `%s` in `# pyshift: %s[...]` suppresses nothing %s", code, what,
                                 file ? "in this file" : "on this line");
      uint32_t ll;
      const char *lt = ps_source_line(src, f.range.start.line, &ll);
      f.source_line = lt ? ps_xstrndup(lt, ll) : NULL;
      array_push(out, f);
    }
  }
  array_free(&und.lines);
  array_free(&und.rules);
}

/* Bytes of source lines the findings of one file may copy. */
#define SOURCE_LINES_MAX ((size_t)4 << 20)

/* Turns the raw findings into final ones for src: suppressions and
 * per-file-ignores applied, positions resolved, sorted. Heap array. */
static void finish(PsFileScan *sc, const PsSource *src, PsFinding **out_fs, size_t *out_n) {
  const PsEngine *e = sc->e;
  const char *path = sc->res->path;
  LineDirective *dirs = NULL;
  size_t n_dirs = 0;
  bool unused = e->opts.unused_ignores && ps_engine__mentions_pyshift(src->text, src->len);
  if (sc->raw.size || unused) collect_directives(src, &dirs, &n_dirs);
  Directives ds = {dirs, n_dirs, {0}, {0}, {0}};
  for (size_t i = 0; i < n_dirs; i++)
    if (dirs[i].d.kind == PS_SUPPRESS_FILE) array_push(&ds.file, &dirs[i].d);
  Array(uint32_t) bytes;
  array_init(&bytes);
  for (size_t i = 0; i < sc->raw.size; i++) {
    const RawFinding *r = &sc->raw.items[i];
    array_push(&bytes, r->start);
    array_push(&bytes, r->end);
    for (size_t k = 0; r->fix && k < r->fix->n_edits; k++) {
      array_push(&bytes, r->fix->edits[k].range.start.byte);
      array_push(&bytes, r->fix->edits[k].range.end.byte);
    }
  }
  PosMap pm;
  posmap_build(&pm, src, bytes.items, bytes.size);
  size_t line_bytes = 0;
  Array(PsFinding) out;
  array_init(&out);
  if (unused) {
    uint32_t *lines = ps_xmalloc((sc->raw.size ? sc->raw.size : 1) * sizeof *lines);
    for (size_t i = 0; i < sc->raw.size; i++) lines[i] = posmap_get(&pm, sc->raw.items[i].start).line;
    report_unused(sc, src, dirs, n_dirs, lines, &out);
    free(lines);
  }
  for (size_t i = 0; i < sc->raw.size; i++) {
    RawFinding *r = &sc->raw.items[i];
    PsPos start = posmap_get(&pm, r->start);
    if (suppressed(&ds, start.line, r->rule) || ps_engine_per_file_ignored(e, path, r->rule->meta.id)) {
      free(r->message);
      free_fix(r->fix);
      continue;
    }
    PsFinding f = {0};
    f.rule = &r->rule->meta;
    f.severity = r->rule->meta.severity;
    f.range.start = start;
    f.range.end = posmap_get(&pm, r->end);
    f.message = r->message;
    if ((f.fix = r->fix))
      for (size_t k = 0; k < f.fix->n_edits; k++) {
        f.fix->edits[k].range.start = posmap_get(&pm, f.fix->edits[k].range.start.byte);
        f.fix->edits[k].range.end = posmap_get(&pm, f.fix->edits[k].range.end.byte);
      }
    uint32_t ll;
    const char *lt = ps_source_line(src, start.line, &ll);
    /* Each finding holds a copy of its line (for --show-source): 12,000
     * findings on one 144 KB line would take 1.7 GB. Past a total, the
     * findings go without (they are reported, without the excerpt). */
    if (line_bytes + ll <= SOURCE_LINES_MAX) {
      f.source_line = ps_xstrndup(lt, ll);
      line_bytes += ll;
    }
    array_push(&out, f);
  }
  raw_clear(sc);
  free(dirs);
  array_free(&ds.file);
  array_free(&ds.file_checked);
  array_free(&ds.file_verdict);
  array_free(&bytes);
  free(pm.pos);
  if (out.size) qsort(out.items, out.size, sizeof(PsFinding), ps_finding_cmp);
  *out_fs = out.items;
  *out_n = out.size;
}

/* The worker's runner for group i, compiling the group's query on first
 * use (once per engine, under its mutex); NULL if it does not compile. */
static PsQueryRunner *group_runner(PsFileScan *sc, size_t i) {
  PsScanWorker *w = sc->w;
  if (w->runners[i]) return w->runners[i];
  PsEngine *e = (PsEngine *)w->engine; /* the lazy part: guarded by e->lazy */
  QueryGroup *g = &e->groups.items[i];
  if (!atomic_load(&g->ready)) {
    pthread_mutex_lock(&e->lazy);
    if (!atomic_load(&g->ready)) {
      PsError err;
      ps_error_clear(&err);
      if (ps_queryset_new(&g->qs, g->rules, g->n_rules, &err)) {
        ps_queryset_delete(g->qs);
        g->qs = NULL;
        g->err = ps_xasprintf("rule %s: %s", g->rules[0]->meta.id, err.msg);
      }
      atomic_store(&g->ready, true);
    }
    pthread_mutex_unlock(&e->lazy);
  }
  if (!g->qs || !ps_queryset_query(g->qs)) {
    /* Reported once per run, with the file that needed it. */
    if (g->err && !atomic_exchange(&g->reported, true)) sc->query_error = g->err;
    return NULL;
  }
  w->runners[i] = ps_query_runner_new(g->qs);
  ps_query_runner_set_regex(w->runners[i], w->re); /* one JIT stack per worker */
  return w->runners[i];
}

/* The project stage's copy of the last scanned text's facts: what the
 * active project analyses need from the summary, plus the file's
 * suppression directives, so joins can honour them. */
void ps_engine__copy_facts(PsFileScan *sc, const PsSource *src) {
  ps_facts_delete(sc->facts);
  sc->facts = NULL;
  if (!sc->text_facts) return;
  PsScanWorker *w = sc->w;
  const PsEngine *e = sc->e;
  bool pkg = false;
  char *module = e->opts.modules ? ps_modules_name(e->opts.modules, src->path, &pkg) : NULL;
  PsFileFacts *f = sc->facts = ps_facts_new(src->path, module, pkg);
  free(module);
  ps_summary_copy_facts(&w->summary, src, sc->text_facts, w->arena, f);
  /* The analyses' own facts (PS_FACT_CLASSES: removed-apis), in engine order. */
  PsFileContext ctx = {src, &w->summary, e->opts.modules, NULL, w->arena, sc->chain, &w->share};
  for (size_t i = 0; i < e->analyses.size; i++) {
    if (!sc->active[i]) continue;
    PsArenaMark scratch = ps_arena_mark(w->arena);
    ps_analysis_copy_facts(e->analyses.items[i], &ctx, f);
    ps_arena_rewind(w->arena, scratch);
  }
  ps_file_share_export(&w->share, src, &w->summary, sc->text_facts, w->arena, f); /* what the analyses' shared values add */
  /* Facts of the removed-APIs join alone, and none recorded (no undecided
   * use): nothing feeds the join, so the file's result can be cached. */
  if (!(sc->text_facts & ~(unsigned)PS_FACT_CLASSES) && !f->classes.size && !f->method_uses.size && !f->imports.size) {
    ps_facts_delete(f);
    sc->facts = NULL;
    return;
  }
  LineDirective *dirs;
  size_t n;
  collect_directives(src, &dirs, &n);
  for (size_t i = 0; i < n; i++) array_push(&f->suppressions, ((PsFactSuppression){dirs[i].line, dirs[i].d}));
  free(dirs);
  ps_facts_seal(f);
}

/* Notes that the budget ran out, in the first stage that saw it. */
void ps_engine__expire(ScanIssues *is, const char *stage) {
  is->deadline.expired = true;
  if (!is->expired_in) is->expired_in = stage;
}

/* Runs group i's query over node `root`, folding its status into is. */
static void run_group(PsFileScan *sc, PsQueryRunner *run, const QueryGroup *g, TSNode root, ScanIssues *is) {
  sc->current_qs = g->qs;
  if (!ps_query_runner_exec(run, root, sc->src->text, ps_deadline_left_us(&is->deadline), on_match, sc)) return;
  const PsQueryStatus *st = ps_query_runner_status(run);
  if (st->out_of_time) ps_engine__expire(is, "query matching");
  if (st->match_limit) is->match_limit = true;
  if (st->regex_rule && !is->regex_rule) {
    is->regex_rule = st->regex_rule;
    snprintf(is->regex_error, sizeof is->regex_error, "%s", st->regex_error);
  }
}

/* Does g's gate match the text? 1, 0, or a PS_REGEX_E_* error. Split
 * gates run only the alternatives whose words the file has. */
static int gate_hit(PsFileScan *sc, const QueryGroup *g) {
  const PsSource *src = sc->src;
  PsRegexRunner *re = sc->w->re;
  if (!g->n_alts) return ps_regex_match(re, g->gate, src->text, src->len, 0, NULL, NULL);
  int hit = 0;
  for (size_t a = 0; a < g->n_alts; a++) {
    const GateAlt *alt = &g->alts[a];
    if (alt->n_words && !ps_engine__any_word(sc, alt->words, alt->n_words)) continue;
    int h = ps_regex_match(re, alt->re, src->text, src->len, 0, NULL, NULL);
    if (h == 1 || h == PS_REGEX_E_TIMEOUT) return h;
    if (h < 0 && !hit) hit = h;
  }
  return hit;
}

typedef Array(uint32_t) Starts;

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* Adds to starts the start byte of each top-level statement of root in
 * which a match of `gate` starts. 0 when the text is scanned, else the
 * PS_REGEX_E_* error that stopped it. */
static int local_hits(PsFileScan *sc, const PsRegex *gate, TSNode root, Starts *starts) {
  const PsSource *src = sc->src;
  size_t at = 0, ms = 0, me = 0;
  int hit = 0;
  while (at <= src->len && (hit = ps_regex_match(sc->w->re, gate, src->text, src->len, at, &ms, &me)) == 1) {
    TSNode st = ts_node_first_child_for_byte(root, (uint32_t)ms);
    if (ts_node_is_null(st)) return 0;
    bool in = ts_node_start_byte(st) <= ms;
    if (in) array_push(starts, ts_node_start_byte(st));
    /* Next hit after this statement (or after the hit, between statements). */
    size_t next = in ? ts_node_end_byte(st) : ms + 1;
    at = next > me ? next : (me > at ? me : at + 1);
    while (at < src->len && ((unsigned char)src->text[at] & 0xC0) == 0x80) at++; /* a character start */
  }
  return hit < 0 ? hit : 0;
}

/* A gate with prefilter-scope: statement: matches group i's query over the
 * top-level statements in which its gate matches, in order. 0, or the
 * PS_REGEX_E_* error of a gate that could not decide. */
static int run_local(PsFileScan *sc, size_t i, TSNode root) {
  const QueryGroup *g = &sc->e->groups.items[i];
  Starts starts;
  array_init(&starts);
  int err = 0;
  if (!g->n_alts) {
    err = local_hits(sc, g->gate, root, &starts);
  } else {
    for (size_t a = 0; a < g->n_alts && err != PS_REGEX_E_TIMEOUT; a++) {
      const GateAlt *alt = &g->alts[a];
      if (alt->n_words && !ps_engine__any_word(sc, alt->words, alt->n_words)) continue;
      int e = local_hits(sc, alt->re, root, &starts);
      if (e < 0 && (!err || e == PS_REGEX_E_TIMEOUT)) err = e;
    }
    if (starts.size > 1) qsort(starts.items, starts.size, sizeof *starts.items, cmp_u32);
  }
  for (size_t k = 0; k < starts.size && err != PS_REGEX_E_TIMEOUT; k++) {
    if (k && starts.items[k] == starts.items[k - 1]) continue;
    TSNode st = ts_node_first_child_for_byte(root, starts.items[k]);
    if (ts_node_is_null(st)) break;
    PsQueryRunner *run = group_runner(sc, i);
    if (!run) break; /* does not compile: reported */
    run_group(sc, run, g, st, &sc->is);
    if (sc->is.deadline.expired) break;
  }
  array_free(&starts);
  return err;
}

/* Runs the analyses and the query groups over the parsed src, collecting
 * raw findings; budget and limit troubles go to is. */
static void run_rules(PsFileScan *sc, const PsSource *src) {
  const PsEngine *e = sc->e;
  PsScanWorker *w = sc->w;
  ScanIssues *is = &sc->is;
  PsDeadline *dl = &is->deadline;
  sc->src = src;
  sc->summary_ready = false;
  sc->text_facts = 0;
  ps_file_share_clear(&w->share); /* the analyses' shared values are per text */
  /* `present` for this text; only the analyses whose word gates it
   * passes, and only what they read from the walk. */
  if (e->words.size || e->need_walk) ps_engine__gate(sc, src->text, src->len);
  if (e->need_walk) {
    unsigned needs = 0;
    bool any = false;
    for (size_t i = 0; i < e->analyses.size; i++)
      if (sc->active[i]) {
        needs |= ps_analysis_needs(e->analyses.items[i]);
        any = true;
      }
    if (any) {
      ps_walker_set_needs(w->walker, needs);
      ps_walker_set_deadline(w->walker, dl);
      ps_walker_summarize(w->walker, src, w->arena, &w->summary);
      ps_walker_set_deadline(w->walker, NULL); /* dl lives as long as this file's scan */
      sc->summary_ready = true;
      if (ps_deadline_check(dl)) {
        ps_engine__expire(is, "the summary walk");
        goto done;
      }
      PsFileContext ctx = {src, &w->summary, e->opts.modules, dl, w->arena, false, &w->share};
      PsEmitter em = {emit_vars, emit_vars_fix, sc};
      unsigned facts = 0;
      for (size_t i = 0; i < e->analyses.size; i++) {
        if (!sc->active[i]) continue;
        PsArenaMark scratch = ps_arena_mark(w->arena); /* what the run allocates is its own */
        ps_analysis_run(e->analyses.items[i], &ctx, &em);
        ps_arena_rewind(w->arena, scratch);
        facts |= ps_analysis_facts(e->analyses.items[i]);
        if (ps_deadline_check(dl)) {
          ps_engine__expire(is, "the analyses");
          goto done;
        }
      }
      sc->text_facts = facts;
    }
  }
  ps_walker_set_deadline(w->walker, dl); /* a walk for a version-guard rule's match */
  for (size_t i = 0; i < e->groups.size; i++) {
    const QueryGroup *g = &e->groups.items[i];
    if (ps_deadline_check(dl)) {
      ps_engine__expire(is, "query matching");
      goto done;
    }
    if (g->gate && g->words && !ps_engine__any_word(sc, g->words, g->n_words)) continue; /* its regex cannot match */
    TSNode root = ts_tree_root_node(src->tree);
    if (g->gate) {
      int hit = g->local ? run_local(sc, i, root) : gate_hit(sc, g);
      if (dl->expired) goto done;
      if (hit == PS_REGEX_E_TIMEOUT) {
        ps_engine__expire(is, "query matching");
        goto done;
      }
      if (g->local && hit >= 0) continue; /* its statements are matched */
      if (!g->local && hit == 0) continue;
      /* hit < 0: a gate admits on an error, never rejects. A local gate
       * that could not decide (a PCRE2 limit) matches the whole file:
       * statements already matched are matched again, and their findings
       * collapse with the first ones. */
    }
    PsQueryRunner *run = group_runner(sc, i);
    if (!run) continue;
    run_group(sc, run, g, root, is);
  }
done:
  ps_walker_set_deadline(w->walker, NULL);
  sc->src = NULL;
}

void ps_engine__scan_text(PsFileScan *sc, const PsSource *src, PsFinding **out, size_t *n_out) {
  sc->query_error = NULL;
  run_rules(sc, src);
  if (sc->query_error)
    ps_engine__add_error(sc->res, ps_xasprintf("%s (its findings are missing from this run)", sc->query_error));
  finish(sc, src, out, n_out);
}

void ps_engine__scan_free(PsFileScan *sc) {
  for (size_t i = 0; i < sc->raw.size; i++) {
    free(sc->raw.items[i].message);
    free_fix(sc->raw.items[i].fix);
  }
  array_free(&sc->raw);
  free(sc->raw_slots);
  free(sc->present);
  array_free(&sc->seen);
  free(sc->active);
  ps_facts_delete(sc->facts);
}
