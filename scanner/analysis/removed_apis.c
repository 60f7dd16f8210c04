/* removed_apis.c: uses of standard-library APIs that the target removed
 * (when: removed) or that are scheduled for removal after it (when:
 * pending), resolved through the file's imports.
 *
 * Table columns: name, removed_in (required); kind, keywords, receiver,
 * instead, source (optional). Every column is a message variable, plus
 * {used} (the code as written) and {removal} ("in Python 3.16" / "in a
 * future Python version").
 *
 *   match: reference  a resolved chain equal to `name` or below it
 *                     (`ut.makeSuite`, `ssl.wrap_socket(...)`), or a
 *                     from-import of it
 *   match: method     `self.m`/`cls.m` in a class whose bases resolve to
 *                     the row's class or match `receiver` (through the
 *                     file's classes here; through other modules' in the
 *                     project stage: removed_apis_project.c); `x.m` where x
 *                     was assigned from the class; `Class.m`
 *   match: keyword    a resolved call of `name` passing one of `keywords`
 *
 * Not reported: uses under a try whose handler catches what the removal
 * raises (ImportError for an import of the removed name, AttributeError
 * for an attribute or method, TypeError for a keyword; never a broad
 * Exception, BaseException or bare handler), code that cannot run where the
 * removal matters (version tests relative to the row, TYPE_CHECKING:
 * ps_summary_runs_at), names imported under such a handler, and
 * first-party modules.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/removed_apis_internal.h"

bool ps_removed_apis__is_row_last(const State *s, const char *p, size_t n) {
  return ps_strmap_find(&s->lasts, p, n, NULL) != NULL;
}

static void index_lasts(State *s) {
  for (size_t r = 0; r < s->n_rows; r++) ps_strmap_put(&s->lasts, s->rows[r].last, 0, false);
}

static const char *const PARAMS[] = {"match", "when", NULL};

static void free_state(void *p) {
  State *s = p;
  if (!s) return;
  for (size_t i = 0; i < s->n_rows; i++) {
    if (s->rows[i].keywords)
      for (char **k = s->rows[i].keywords; *k; k++) free(*k);
    free(s->rows[i].keywords);
    pcre2_code_free(s->rows[i].receiver);
    free(s->rows[i].removal);
  }
  free(s->rows);
  ps_strmap_free(&s->lasts);
  ps_importable_free(&s->importable);
  free(s);
}

/* Shared by removed-modules: 1 if a row removed in `version` applies this
 * run, 0 if not, -1 if the version text is invalid. */
int ps_analysis__row_applies(const char *version, bool pending, PsPyVersion target, char **removal) {
  PsPyVersion v;
  if (!strcmp(version, "future")) {
    if (removal) *removal = ps_xstrdup("in a future Python version");
    return pending ? 1 : 0;
  }
  if (ps_pyver_parse(version, &v) != 0) return -1;
  if (removal) *removal = ps_xasprintf("in Python %d.%d", v.major, v.minor);
  int c = ps_pyver_cmp(v, target);
  return pending ? c > 0 : c <= 0;
}

static int configure(PsAnalysis *self, PsPyVersion target, PsPyVersion min_python, PsError *err) {
  const PsRule *r = self->rule;
  const PsTable *t = &r->table;
  const char *match = ps_analysis__param(r, "match", NULL), *when = ps_analysis__param(r, "when", "removed");
  Match m;
  if (!match || (strcmp(match, "reference") && strcmp(match, "method") && strcmp(match, "keyword")))
    return ps_analysis__rule_error(err, r, r->analysis_line,
                                   "analysis `removed-apis` needs `match: reference`, `method` or `keyword`");
  m = !strcmp(match, "reference") ? MATCH_REFERENCE : !strcmp(match, "method") ? MATCH_METHOD : MATCH_KEYWORD;
  if (strcmp(when, "removed") && strcmp(when, "pending"))
    return ps_analysis__rule_error(err, r, r->analysis_line, "`when` must be removed or pending, got `%s`", when);
  bool pending = !strcmp(when, "pending");
  int cn = ps_table_col(t, "name"), cv = ps_table_col(t, "removed_in"), ck = ps_table_col(t, "keywords"),
      cr = ps_table_col(t, "receiver");
  if (!t->cols || cn < 0 || cv < 0)
    return ps_analysis__rule_error(err, r, r->analysis_line,
                                   "analysis `removed-apis` needs a ```table with `name` and `removed_in` columns");
  if (m == MATCH_KEYWORD && ck < 0)
    return ps_analysis__rule_error(err, r, r->analysis_line, "`match: keyword` needs a `keywords` column");
  State *s = ps_xcalloc(1, sizeof *s);
  self->state = s;
  s->match = m;
  /* A handler guards a use only if it catches what the removal raises: an
   * attribute read AttributeError, a removed keyword TypeError (imports of
   * a removed name ImportError: run_reference). */
  s->guards = PS_GUARD_TYPE_CHECKING | (m == MATCH_KEYWORD ? PS_GUARD_TRY_TYPE_ERROR : PS_GUARD_TRY_ATTRIBUTE_ERROR);
  s->rows = ps_xcalloc(t->n_rows ? t->n_rows : 1, sizeof(Row));
  int irc = ps_analysis__importable(r, &s->importable, err);
  if (irc) return irc;
  PsBuf mods = PS_BUF_INIT;  /* top-level modules of the rows */
  PsBuf names = PS_BUF_INIT; /* method names of rows with a receiver regex */
  int rc = 0;
  for (size_t i = 0; i < t->n_rows && !rc; i++) {
    const char *name = t->rows[i][cn];
    char *removal = NULL;
    int applies = ps_analysis__row_applies(t->rows[i][cv], pending, target, &removal);
    if (applies < 0) {
      rc = ps_analysis__rule_error(err, r, t->row_lines[i], "invalid removed_in `%s` (a version or `future`)",
                                   t->rows[i][cv]);
      break;
    }
    const char *last = strrchr(name, '.');
    if (!last || !last[1] || name[0] == '.' || strchr(name, ' ') || strchr(name, '(')) {
      free(removal);
      rc = ps_analysis__rule_error(err, r, t->row_lines[i], "`%s` is not a dotted name such as module.function", name);
      break;
    }
    if (!applies) {
      free(removal);
      continue;
    }
    PsPyVersion rv = {3, 99, false};
    if (strcmp(t->rows[i][cv], "future") != 0) ps_pyver_parse(t->rows[i][cv], &rv);
    int from = rv.minor > min_python.minor ? rv.minor : min_python.minor;
    Row row = {name, strlen(name), last + 1, (size_t)(last - name), NULL, NULL, removal, i,
               pending ? ps_runs_window(target.minor, target.minor) : ps_runs_window(from, target.minor), NULL};
    if (m == MATCH_KEYWORD) {
      /* keywords: "a,b" or "a, b" */
      Array(char *) kw;
      array_init(&kw);
      for (const char *p = t->rows[i][ck]; *p;) {
        while (*p == ',' || *p == ' ') p++;
        size_t n = strcspn(p, ", ");
        if (n && !(n == 1 && *p == '-')) array_push(&kw, ps_xstrndup(p, n));
        p += n;
      }
      array_push(&kw, NULL);
      row.keywords = kw.items;
      if (kw.size == 1) {
        s->rows[s->n_rows++] = row;
        rc = ps_analysis__rule_error(err, r, t->row_lines[i], "keyword row `%s` lists no keywords", name);
        break;
      }
    }
    {
      /* Every use of the row goes through an import of its top-level
       * module, except self.method in a class matched by `receiver`. */
      size_t top = strcspn(name, ".");
      bool seen = false;
      for (const char *mp = mods.data; mp && *mp && !seen;) {
        size_t n = strcspn(mp, "|");
        seen = n == top && !strncmp(mp, name, top);
        mp += n + (mp[n] == '|');
      }
      if (!seen) ps_buf_printf(&mods, "%s%.*s", mods.len ? "|" : "", (int)top, name);
    }
    if (m == MATCH_METHOD && cr >= 0 && strcmp(t->rows[i][cr], "-") && t->rows[i][cr][0]) {
      int code;
      PCRE2_SIZE off;
      row.receiver = pcre2_compile((PCRE2_SPTR)t->rows[i][cr], PCRE2_ZERO_TERMINATED, PCRE2_UTF, &code, &off, NULL);
      ps_buf_printf(&names, "%s%s", names.len ? "|" : "", row.last);
      if (!row.receiver) {
        s->rows[s->n_rows++] = row;
        rc = ps_analysis__rule_error(err, r, t->row_lines[i], "invalid receiver regex `%s`", t->rows[i][cr]);
        break;
      }
    }
    s->rows[s->n_rows++] = row;
    /* Word gate: a use names every component of the row (`x.sax.y`
     * needs `import xml.sax...`, `from a.b import C; C().m`, `self.m` in
     * a subclass of the imported class): gate on the first, the one
     * before the last, and the last (the keyword for keyword rows). A
     * method matched through a receiver regex needs only its name and a
     * class name the regex accepts. */
    {
      const char *top = ps_analysis__keep(self, name, strcspn(name, "."));
      const char *prev = row.last - 1 > name ? row.last - 2 : NULL;
      while (prev && prev > name && prev[-1] != '.') prev--;
      const char *second = prev ? ps_analysis__keep(self, prev, strcspn(prev, ".")) : NULL;
      /* The last name is an attribute (`.name`) or imported by name; a
       * keyword is followed by `=`. */
      if (m == MATCH_KEYWORD) {
        for (char **k = row.keywords; k && *k; k++)
          ps_analysis__add_gate(self, second ? second : top, PS_WORD_ANY, row.last, PS_WORD_MEMBER, *k,
                                PS_WORD_KEYWORD, NULL);
      } else {
        ps_analysis__add_gate(self, top, PS_WORD_ANY, second, PS_WORD_ANY, row.last, PS_WORD_MEMBER, NULL);
        if (row.receiver) {
          /* The class a receiver regex names (`(Raw)?ConfigParser$`) is
           * in the text as a base (or its import): the regex's anchors
           * become word boundaries, and only they: `TestCase$` also
           * matches IsolatedAsyncioTestCase, so the gate is `TestCase\b`,
           * never stricter than the regex. */
          const char *rx = t->rows[i][cr];
          PsBuf b = PS_BUF_INIT;
          if (rx[0] == '^') rx++, ps_buf_puts(&b, "\\b");
          ps_buf_puts(&b, rx);
          if (b.len && b.data[b.len - 1] == '$' && !(b.len > 1 && b.data[b.len - 2] == '\\')) {
            b.data[--b.len] = '\0';
            ps_buf_puts(&b, "\\b");
          }
          s->rows[s->n_rows - 1].gate_re = ps_analysis__keep(self, b.data, b.len);
          ps_analysis__add_gate(self, row.last, PS_WORD_MEMBER, NULL, 0, NULL, 0, s->rows[s->n_rows - 1].gate_re);
          ps_buf_free(&b);
        }
      }
    }
  }
  if (!rc) index_lasts(s);
  if (!rc && m == MATCH_METHOD && s->n_rows) ps_removed_apis__add_fact_gates(self, s);
  else self->facts = 0; /* only method rows follow classes across modules */
  if (!rc) {
    if (!s->n_rows) {
      self->empty = true;
    } else {
      /* The module named on the logical line of an import (as RM001's
       * prefilter does), or a receiver-matched method name anywhere. */
      PsBuf re = PS_BUF_INIT;
      ps_buf_printf(&re, "\\b(?:import|from)[ \\t](?:[^\\n\\\\]|\\\\[\\s\\S])*?\\b(?:%s)\\b", mods.data);
      if (names.len) ps_buf_printf(&re, "|\\b(?:%s)\\b", names.data);
      self->prefilter = ps_buf_steal(&re);
    }
  }
  ps_buf_free(&mods);
  ps_buf_free(&names);
  return rc;
}

/* ---- matching ------------------------------------------------------------------ */

/* Can code at `pos` run where the row's removal matters (version tests
 * relative to the row, TYPE_CHECKING)? */
bool ps_removed_apis__runs_where_removed(const State *s, const PsSummary *sum, uint32_t pos, const Row *row) {
  return (ps_summary_runs_at(sum, pos) & row->window) != 0 &&
         !ps_analysis__dead_fallback(&s->importable, sum, pos, row->window);
}

/* The guards of a binding that make uses through it guarded: TYPE_CHECKING,
 * or an ImportError handler around the import of the removed name itself
 * (`try: from ssl import wrap_socket`), not of its module. */
static unsigned binding_guards(unsigned g, const char *target, const Row *row) {
  unsigned out = g & PS_GUARD_TYPE_CHECKING;
  if ((g & PS_GUARD_TRY_IMPORT_ERROR) && strlen(target) >= row->len && !strncmp(target, row->name, row->len) &&
      (target[row->len] == '\0' || target[row->len] == '.'))
    out |= PS_GUARD_TRY_IMPORT_ERROR;
  return out;
}

/* `keyword` is the keyword argument found (keyword rows), else NULL. */
static void emit_row(const PsAnalysis *self, const PsEmitter *emit, const Row *row, const char *used,
                     const char *keyword, uint32_t start, uint32_t end) {
  const PsTable *t = &self->rule->table;
  PsVar vars[35];
  size_t n = 0;
  for (size_t j = 0; j < t->n_cols && n < 32; j++) vars[n++] = (PsVar){t->cols[j], t->rows[row->index][j]};
  vars[n++] = (PsVar){"used", used};
  vars[n++] = (PsVar){"removal", row->removal};
  if (keyword) vars[n++] = (PsVar){"keyword", keyword};
  emit->emit(emit->ctx, self->rule, start, end, vars, n);
}

bool ps_removed_apis__first_party(const PsFileContext *ctx, const char *q) {
  const char *dot = strchr(q, '.');
  return ctx->modules && ps_modules_is_first_party(ctx->modules, q, dot ? (size_t)(dot - q) : strlen(q));
}

/* The row whose name is q or the longest prefix of q at a dot. */
static const Row *lookup_prefix(const State *s, const char *q) {
  const Row *best = NULL;
  size_t ql = strlen(q);
  for (size_t i = 0; i < s->n_rows; i++) {
    const Row *r = &s->rows[i];
    if (r->len > ql || strncmp(r->name, q, r->len) != 0 || (r->len < ql && q[r->len] != '.')) continue;
    if (!best || r->len > best->len) best = r;
  }
  return best;
}

/* The first class named name[0..n), as a class index, or NONE. */
uint32_t ps_removed_apis__class_index(const Classes *c, const char *name, size_t n) {
  uint64_t v;
  return ps_strmap_find(&c->by_name, name, n, &v) ? (uint32_t)v : NONE;
}

void ps_removed_apis__build_classes(Classes *c, const PsSummary *sum, size_t n_rows, PsArena *arena) {
  c->built = true;
  uint32_t n = 0;
  size_t n_bases = 0;
  for (size_t i = 0; i < sum->defs.size; i++) {
    const PsDef *d = &sum->defs.items[i];
    if (d->kind != PS_DEF_CLASS) continue;
    n++;
    for (const char *p = d->bases; *p; p++) n_bases += *p == ','; /* at most commas + 1 bases */
    n_bases++;
  }
  c->n = n;
  c->def = ps_arena_alloc(arena, (n + 1) * sizeof(uint32_t));
  n = 0;
  for (size_t i = 0; i < sum->defs.size; i++) {
    const PsDef *d = &sum->defs.items[i];
    if (d->kind != PS_DEF_CLASS) continue;
    c->def[n] = (uint32_t)i;
    ps_strmap_put(&c->by_name, d->name, n, false); /* keep the first */
    n++;
  }
  c->base_start = ps_arena_alloc(arena, (n + 1) * sizeof(uint32_t));
  c->bases = ps_arena_alloc(arena, (n_bases + 1) * sizeof(Base));
  c->sub_start = ps_arena_calloc(arena, (n + 2) * sizeof(uint32_t));
  size_t k = 0, n_edges = 0;
  for (uint32_t x = 0; x < n; x++) {
    const PsDef *d = &sum->defs.items[c->def[x]];
    c->base_start[x] = (uint32_t)k;
    if (!d->bases[0]) continue;
    const char *outer = strrchr(d->name, '.');
    char *scope = outer ? ps_arena_strndup(arena, d->name, (size_t)(outer - d->name)) : "";
    for (const char *p = d->bases; *p;) {
      const char *e = strchr(p, ',');
      size_t len = e ? (size_t)(e - p) : strlen(p);
      Base *b = &c->bases[k++];
      b->text = ps_arena_strndup(arena, p, len);
      b->resolved = ps_summary_resolve(sum, b->text, scope, arena, NULL);
      b->last = strrchr(b->text, '.');
      b->last = b->last ? b->last + 1 : b->text;
      b->target = strchr(b->text, '.') ? NONE : ps_removed_apis__class_index(c, b->text, len);
      if (b->target != NONE) c->sub_start[b->target + 1]++, n_edges++;
      p = e ? e + 1 : p + len;
    }
  }
  c->base_start[n] = (uint32_t)k;
  /* The reversed edges, grouped by base class (counting sort). */
  for (uint32_t x = 0; x < n; x++) c->sub_start[x + 1] += c->sub_start[x];
  c->subs = ps_arena_alloc(arena, (n_edges + 1) * sizeof(uint32_t));
  uint32_t *fill = ps_arena_alloc(arena, (n + 1) * sizeof(uint32_t));
  memcpy(fill, c->sub_start, n * sizeof(uint32_t));
  for (uint32_t x = 0; x < n; x++)
    for (uint32_t b = c->base_start[x]; b < c->base_start[x + 1]; b++)
      if (c->bases[b].target != NONE) c->subs[fill[c->bases[b].target]++] = x;
  c->verdict = ps_arena_calloc(arena, (n_rows + 1) * sizeof(signed char *));
  c->defines = ps_arena_calloc(arena, (n_rows + 1) * sizeof(signed char *));
  c->queue = ps_arena_alloc(arena, (n + 1) * sizeof(uint32_t));
  c->dist = ps_arena_alloc(arena, n + 1);
}

/* Do class x's own bases name the row's class: one resolving to it, or one
 * whose last name matches `receiver`? */
static bool bases_match(const Classes *c, uint32_t x, const Row *row, pcre2_match_data *md) {
  for (uint32_t b = c->base_start[x]; b < c->base_start[x + 1]; b++) {
    const Base *base = &c->bases[b];
    const char *q = base->resolved;
    if (q && strlen(q) == row->owner_len && !strncmp(q, row->name, row->owner_len)) return true;
    if (!row->receiver) continue;
    if (pcre2_match(row->receiver, (PCRE2_SPTR)base->last, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL) >= 0)
      return true;
    /* Through an import: `from django.test import TestCase as DTC`. */
    const char *ql = q ? strrchr(q, '.') : NULL;
    if (ql && pcre2_match(row->receiver, (PCRE2_SPTR)(ql + 1), PCRE2_ZERO_TERMINATED, 0, 0, md, NULL) >= 0)
      return true;
  }
  return false;
}

/* Every class's verdict for one row: it matches if a class at most
 * MAX_BASE_DEPTH in-file base steps up matches by its own bases. */
static const signed char *row_verdicts(Classes *c, const State *s, const Row *row, pcre2_match_data *md,
                                       PsArena *arena) {
  size_t r = (size_t)(row - s->rows);
  if (c->verdict[r]) return c->verdict[r];
  signed char *v = ps_arena_calloc(arena, c->n + 1);
  uint32_t head = 0, tail = 0;
  for (uint32_t x = 0; x < c->n; x++)
    if (bases_match(c, x, row, md)) {
      v[x] = 1;
      c->dist[x] = 0;
      c->queue[tail++] = x;
    }
  while (head < tail) {
    uint32_t x = c->queue[head++];
    if (c->dist[x] == MAX_BASE_DEPTH) continue;
    for (uint32_t k = c->sub_start[x]; k < c->sub_start[x + 1]; k++) {
      uint32_t y = c->subs[k];
      if (v[y]) continue;
      v[y] = 1;
      c->dist[y] = (unsigned char)(c->dist[x] + 1);
      c->queue[tail++] = y;
    }
  }
  return c->verdict[r] = v;
}

/* Does the file's class `x` derive from the row's class: a base resolving
 * to it, a base whose last name matches `receiver`, or an in-file base
 * class that does? */
bool ps_removed_apis__class_matches(Classes *c, const State *s, uint32_t x, const Row *row, pcre2_match_data *md,
                          PsArena *arena) {
  return x != NONE && row_verdicts(c, s, row, md, arena)[x];
}

/* Does the file's class x define the row's method itself (then self.m is
 * that method, not the removed one)? Memoised per row and class. */
bool ps_removed_apis__class_defines(Classes *c, const State *s, const PsSummary *sum, uint32_t x, const Row *row,
                          PsArena *arena) {
  if (x == NONE) return false;
  size_t r = (size_t)(row - s->rows);
  if (!c->defines[r]) {
    c->defines[r] = ps_arena_alloc(arena, c->n + 1);
    memset(c->defines[r], -1, c->n + 1);
  }
  signed char *known = &c->defines[r][x];
  if (*known < 0) {
    const char *cls = sum->defs.items[c->def[x]].name;
    size_t cl = strlen(cls);
    *known = 0;
    for (size_t i = 0; i < sum->defs.size && !*known; i++) {
      const PsDef *d = &sum->defs.items[i];
      if (d->kind == PS_DEF_FUNCTION && !strncmp(d->name, cls, cl) && d->name[cl] == '.' &&
          !strcmp(d->name + cl + 1, row->last))
        *known = 1;
    }
  }
  return *known;
}

/* The class a method body belongs to: scope "C.f" -> class "C", or NONE. */
uint32_t ps_removed_apis__enclosing_class(Classes *c, const PsSummary *sum, size_t n_rows, const char *scope,
                                PsArena *arena) {
  const char *dot = strrchr(scope, '.');
  if (!dot) return NONE;
  if (!c->built) ps_removed_apis__build_classes(c, sum, n_rows, arena);
  return ps_removed_apis__class_index(c, scope, (size_t)(dot - scope));
}

/* True if some component of `chain` is the last name of a row: only then
 * can the chain resolve to a row or below one. */
static bool names_a_row(const State *s, const char *chain) {
  for (const char *c = chain; c;) {
    const char *p = strchr(c, '.');
    size_t n = p ? (size_t)(p - c) : strlen(c);
    if (ps_removed_apis__is_row_last(s, c, n)) return true;
    c = p ? p + 1 : NULL;
  }
  return false;
}

static void run_reference(const PsAnalysis *self, const PsFileContext *ctx, const PsEmitter *emit, PsArena *arena) {
  const State *s = self->state;
  const PsSummary *sum = ctx->summary;
  for (size_t i = 0; i < sum->imports.size; i++) {
    const PsImport *im = &sum->imports.items[i];
    if (im->kind != PS_IMPORT_FROM || im->level || !strcmp(im->name, "*") ||
        (im->guards & (PS_GUARD_TRY_IMPORT_ERROR | PS_GUARD_TYPE_CHECKING)))
      continue;
    const char *q = ps_arena_sprintf(arena, "%s.%s", im->module, im->name);
    const Row *row = lookup_prefix(s, q);
    if (!row || ps_removed_apis__first_party(ctx, q) || !ps_removed_apis__runs_where_removed(s, sum, im->start, row)) continue;
    emit_row(self, emit, row, q, NULL, im->name_start, im->name_end);
  }
  for (size_t i = 0; i < sum->refs.size; i++) {
    const PsRef *ref = &sum->refs.items[i];
    /* An attribute read is guarded by AttributeError; a bare name only
     * through its binding (below). */
    bool chain = strchr(ref->chain, '.') != NULL;
    if (ref->guards & (chain ? s->guards : PS_GUARD_TYPE_CHECKING)) continue;
    /* Cheap test before resolving; bare names (few: only import-bound
     * ones are recorded) are resolved whatever they are called. */
    if (chain && !names_a_row(s, ref->chain)) continue;
    unsigned g;
    const char *q = ps_summary_resolve(sum, ref->chain, ref->scope, arena, &g);
    if (!q || ps_removed_apis__first_party(ctx, q)) continue;
    const Row *row = lookup_prefix(s, q);
    /* Through an instance (`b = C(); b.open()`), only an exact row is a
     * use: being below a removed class's name is the class use again. */
    if (row && (g & PS_RESOLVED_VIA_INSTANCE) && row->len != strlen(q)) row = NULL;
    /* The binding is the chain head's: what `ssl` in `ssl.wrap_socket`
     * stands for is q without the chain's later components. */
    size_t bl = strlen(q);
    for (const char *c = strchr(ref->chain, '.'); c && bl; c = strchr(c + 1, '.'))
      while (bl && q[--bl] != '.') {
      }
    const char *bind_target = chain ? ps_arena_strndup(arena, q, bl) : q;
    if (row && (binding_guards(g, bind_target, row) || !ps_removed_apis__runs_where_removed(s, sum, ref->start, row) ||
                (chain && ps_summary_feature_tested(sum, ref->start, row->last))))
      row = NULL;
    if (row) emit_row(self, emit, row, ref->chain, NULL, ref->start, ref->end);
  }
}

static void run_method(const PsAnalysis *self, const PsFileContext *ctx, const PsEmitter *emit, PsArena *arena,
                       pcre2_match_data *md, Classes *classes) {
  const State *s = self->state;
  const PsSummary *sum = ctx->summary;
  for (size_t i = 0; i < sum->refs.size; i++) {
    const PsRef *ref = &sum->refs.items[i];
    if (ref->guards & s->guards) continue;
    const char *dot = strrchr(ref->chain, '.');
    if (!dot) continue;
    const char *m = dot + 1;
    if (!ps_removed_apis__is_row_last(s, m, strlen(m))) continue;
    size_t head = (size_t)(dot - ref->chain);
    for (size_t k = 0; k < s->n_rows; k++) {
      const Row *row = &s->rows[k];
      if (strcmp(row->last, m) != 0) continue;
      bool hit = false;
      if ((head == 4 && !strncmp(ref->chain, "self", 4)) || (head == 3 && !strncmp(ref->chain, "cls", 3))) {
        uint32_t cls = ps_removed_apis__enclosing_class(classes, sum, s->n_rows, ref->scope, arena);
        hit = !ps_removed_apis__class_defines(classes, s, sum, cls, row, arena) && ps_removed_apis__class_matches(classes, s, cls, row, md, arena);
      } else {
        unsigned g;
        const char *q = ps_summary_resolve(sum, ref->chain, ref->scope, arena, &g);
        hit = q && !(g & PS_GUARD_TYPE_CHECKING) && !strcmp(q, row->name) && !ps_removed_apis__first_party(ctx, q);
      }
      hit = hit && ps_removed_apis__runs_where_removed(s, sum, ref->start, row) && !ps_summary_feature_tested(sum, ref->start, row->last);
      if (hit) {
        emit_row(self, emit, row, ref->chain, NULL, ref->start, ref->end);
        break;
      }
    }
  }
}

static void run_keyword(const PsAnalysis *self, const PsFileContext *ctx, const PsEmitter *emit, PsArena *arena,
                        pcre2_match_data *md, Classes *classes) {
  const State *s = self->state;
  const PsSummary *sum = ctx->summary;
  for (size_t i = 0; i < sum->kwargs.size; i++) {
    const PsKwarg *kw = &sum->kwargs.items[i];
    const PsCall *call = &sum->calls.items[kw->call];
    bool wanted = false;
    for (size_t k = 0; k < s->n_rows && !wanted; k++)
      for (char **w = s->rows[k].keywords; w && *w && !wanted; w++) wanted = !strcmp(*w, kw->name);
    if (!wanted) continue; /* cheap test before resolving */
    if (call->guards & s->guards) continue;
    const char *q = NULL;
    const char *dot = strrchr(call->callee, '.');
    bool via_self = dot && ((dot - call->callee == 4 && !strncmp(call->callee, "self", 4)) ||
                            (dot - call->callee == 3 && !strncmp(call->callee, "cls", 3)));
    if (!via_self) {
      unsigned g;
      q = ps_summary_resolve(sum, call->callee, call->scope, arena, &g);
      if (!q || (g & PS_GUARD_TYPE_CHECKING) || ps_removed_apis__first_party(ctx, q)) continue;
    }
    for (size_t k = 0; k < s->n_rows; k++) {
      const Row *row = &s->rows[k];
      uint32_t cls = via_self ? ps_removed_apis__enclosing_class(classes, sum, s->n_rows, call->scope, arena) : NONE;
      bool callee_hit = via_self ? !strcmp(dot + 1, row->last) && !ps_removed_apis__class_defines(classes, s, sum, cls, row, arena) &&
                                       ps_removed_apis__class_matches(classes, s, cls, row, md, arena)
                                 : !strcmp(q, row->name);
      if (!callee_hit || !ps_removed_apis__runs_where_removed(s, sum, kw->start, row)) continue;
      for (char **w = row->keywords; w && *w; w++)
        if (!strcmp(*w, kw->name)) {
          emit_row(self, emit, row, call->callee, kw->name, kw->start, kw->end);
          break;
        }
    }
  }
}

static void run(const PsAnalysis *self, const PsFileContext *ctx, const PsEmitter *emit) {
  const State *s = self->state;
  PsArena *arena = ctx->arena; /* resolution scratch: the file arena, rewound after the run */
  pcre2_match_data *md = pcre2_match_data_create(4, NULL);
  Classes classes = {0};
  if (s->match == MATCH_REFERENCE) run_reference(self, ctx, emit, arena);
  else if (s->match == MATCH_METHOD) run_method(self, ctx, emit, arena, md, &classes);
  else run_keyword(self, ctx, emit, arena, md, &classes);
  pcre2_match_data_free(md);
  ps_strmap_free(&classes.by_name);
}

const PsAnalysisClass ps_analysis__removed_apis = {
    .name = "removed-apis",
    .params = PARAMS,
    .needs = PS_NEED_REFS | PS_NEED_BINDINGS | PS_NEED_KWARGS,
    .configure = configure,
    .run = run,
    .free_state = free_state,
    .facts = PS_FACT_CLASSES,
    .join = ps_removed_apis__join,
    .copy_facts = ps_removed_apis__copy_facts,
    .wanted = ps_removed_apis__wanted,
};
