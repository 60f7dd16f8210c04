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
 *                     the row's class or match `receiver`; `x.m` where x
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

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "analysis/analysis_internal.h"

typedef enum Match { MATCH_REFERENCE, MATCH_METHOD, MATCH_KEYWORD } Match;

typedef struct Row {
  const char *name;     /* borrowed from the table */
  size_t len;
  const char *last;     /* last component of name */
  size_t owner_len;     /* length of name without ".last" */
  char **keywords;      /* NULL-terminated, keyword rows */
  pcre2_code *receiver; /* method rows, may be NULL */
  char *removal;        /* "in Python 3.16" */
  size_t index;
  uint64_t window;      /* minors where the removal matters (ps_runs_window) */
  const char *gate_re;  /* method rows with a receiver: the regex the receiver's class name
                           implies (kept by the analysis), else NULL */
} Row;

typedef struct State {
  Match match;
  unsigned guards;      /* PS_GUARD_* that guard this match's uses */
  Row *rows;
  size_t n_rows;
  /* The rows' last names (method, function or keyword-callee names): the
   * per-reference test before resolving. */
  PsStrMap lasts;
  PsImportable importable; /* dead fallbacks (fallback.c) */
} State;

static bool is_row_last(const State *s, const char *p, size_t n) { return ps_strmap_find(&s->lasts, p, n, NULL) != NULL; }

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

static void add_fact_gate(PsAnalysis *self, const char *w0, unsigned how0, const char *w1, unsigned how1,
                          const char *re) {
  for (size_t i = 0; i < self->n_fact_gates; i++) {
    const PsWordGate *g = &self->fact_gates[i];
    if (g->w[0] == w0 && g->w[1] == w1 && g->re == re) return;
  }
  self->fact_gates = ps_xrealloc(self->fact_gates, (self->n_fact_gates + 1) * sizeof(PsWordGate));
  self->fact_gates[self->n_fact_gates++] =
      (PsWordGate){{w0, w1, NULL}, {(unsigned char)how0, (unsigned char)(w1 ? how1 : 0), 0}, re};
}

/* The files the join needs (method rows): those with a `self.m` or
 * `cls.m` of a row's method (the uses): the words, then the regex that
 * says they are one chain. The classes on the uses' chains are read on
 * demand (`wanted`). Gate words are kept by the analysis. */
static void add_fact_gates(PsAnalysis *self, const State *s) {
  const char *self_w = ps_analysis__keep(self, "self", 4), *cls_w = ps_analysis__keep(self, "cls", 3);
  PsBuf re = PS_BUF_INIT;
  ps_buf_puts(&re, "\\b(?:self|cls)[ \\t]*\\.[ \\t]*(?:");
  for (size_t i = 0; i < s->n_rows; i++) {
    bool seen = false;
    for (size_t k = 0; k < i && !seen; k++) seen = !strcmp(s->rows[k].last, s->rows[i].last);
    if (!seen) ps_buf_printf(&re, "%s%s", i ? "|" : "", s->rows[i].last);
  }
  ps_buf_puts(&re, ")\\b");
  const char *rx = ps_analysis__keep(self, re.data, re.len);
  ps_buf_free(&re);
  for (size_t i = 0; i < s->n_rows; i++) {
    bool seen = false;
    for (size_t k = 0; k < i && !seen; k++) seen = !strcmp(s->rows[k].last, s->rows[i].last);
    if (seen) continue;
    const char *last = ps_analysis__keep(self, s->rows[i].last, strlen(s->rows[i].last));
    add_fact_gate(self, last, PS_WORD_MEMBER, self_w, PS_WORD_ANY, rx);
    add_fact_gate(self, last, PS_WORD_MEMBER, cls_w, PS_WORD_ANY, rx);
  }
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
  if (!rc && m == MATCH_METHOD && s->n_rows) add_fact_gates(self, s);
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
static bool runs_where_removed(const State *s, const PsSummary *sum, uint32_t pos, const Row *row) {
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

static bool first_party(const PsFileContext *ctx, const char *q) {
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

/* ---- the file's classes ---------------------------------------------------------- */

/* The longest chain of in-file base classes followed from a class to one
 * whose bases match a row: `class A(B)`, `class B(C)`, ... `class F(ConfigParser)`
 * is A's match at depth 5. */
#define MAX_BASE_DEPTH 5

/* The file's classes as a graph, built once per file when a method or
 * keyword row first asks about a class: per class its bases, each
 * resolved once, and the in-file class a bare base names. A row's verdict
 * for every class is one breadth-first pass over the reversed edges from
 * the classes whose own bases match, so a class is resolved once per file
 * whatever the inheritance (20 classes each deriving from the 19 others
 * used to be explored path by path: 19^5 resolutions). Everything lives in
 * the file arena (the engine rewinds it after the run) but the by-name
 * table, freed at the end of the run. */
typedef struct Base {
  const char *text;     /* as written */
  const char *resolved; /* ps_summary_resolve of it in the class's scope, or NULL */
  const char *last;     /* its last component */
  uint32_t target;      /* the in-file class a bare name names, or NONE */
} Base;

#define NONE UINT32_MAX

typedef struct Classes {
  bool built;
  uint32_t n;             /* classes */
  uint32_t *def;          /* class -> index in sum->defs */
  PsStrMap by_name;       /* name -> first class of that name (heap: free with the Classes) */
  uint32_t *base_start;   /* class -> first of its bases (n + 1 entries) */
  Base *bases;
  uint32_t *sub_start;    /* class -> first of its in-file subclasses (n + 1 entries) */
  uint32_t *subs;
  signed char **verdict;  /* per row: NULL until computed, then 1/0 per class */
  signed char **defines;  /* per row: per class, 1/0 once known, -1 unknown (class_defines) */
  uint32_t *queue;        /* BFS scratch, n entries */
  unsigned char *dist;
} Classes;

/* The first class named name[0..n), as a class index, or NONE. */
static uint32_t class_index(const Classes *c, const char *name, size_t n) {
  uint64_t v;
  return ps_strmap_find(&c->by_name, name, n, &v) ? (uint32_t)v : NONE;
}

static void build_classes(Classes *c, const PsSummary *sum, size_t n_rows, PsArena *arena) {
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
      b->target = strchr(b->text, '.') ? NONE : class_index(c, b->text, len);
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
static bool class_matches(Classes *c, const State *s, uint32_t x, const Row *row, pcre2_match_data *md,
                          PsArena *arena) {
  return x != NONE && row_verdicts(c, s, row, md, arena)[x];
}

/* Does the file's class x define the row's method itself (then self.m is
 * that method, not the removed one)? Memoised per row and class. */
static bool class_defines(Classes *c, const State *s, const PsSummary *sum, uint32_t x, const Row *row,
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
static uint32_t enclosing_class(Classes *c, const PsSummary *sum, size_t n_rows, const char *scope,
                                PsArena *arena) {
  const char *dot = strrchr(scope, '.');
  if (!dot) return NONE;
  if (!c->built) build_classes(c, sum, n_rows, arena);
  return class_index(c, scope, (size_t)(dot - scope));
}

/* True if some component of `chain` is the last name of a row: only then
 * can the chain resolve to a row or below one. */
static bool names_a_row(const State *s, const char *chain) {
  for (const char *c = chain; c;) {
    const char *p = strchr(c, '.');
    size_t n = p ? (size_t)(p - c) : strlen(c);
    if (is_row_last(s, c, n)) return true;
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
    if (!row || first_party(ctx, q) || !runs_where_removed(s, sum, im->start, row)) continue;
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
    if (!q || first_party(ctx, q)) continue;
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
    if (row && (binding_guards(g, bind_target, row) || !runs_where_removed(s, sum, ref->start, row) ||
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
    if (!is_row_last(s, m, strlen(m))) continue;
    size_t head = (size_t)(dot - ref->chain);
    for (size_t k = 0; k < s->n_rows; k++) {
      const Row *row = &s->rows[k];
      if (strcmp(row->last, m) != 0) continue;
      bool hit = false;
      if ((head == 4 && !strncmp(ref->chain, "self", 4)) || (head == 3 && !strncmp(ref->chain, "cls", 3))) {
        uint32_t cls = enclosing_class(classes, sum, s->n_rows, ref->scope, arena);
        hit = !class_defines(classes, s, sum, cls, row, arena) && class_matches(classes, s, cls, row, md, arena);
      } else {
        unsigned g;
        const char *q = ps_summary_resolve(sum, ref->chain, ref->scope, arena, &g);
        hit = q && !(g & PS_GUARD_TYPE_CHECKING) && !strcmp(q, row->name) && !first_party(ctx, q);
      }
      hit = hit && runs_where_removed(s, sum, ref->start, row) && !ps_summary_feature_tested(sum, ref->start, row->last);
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
      if (!q || (g & PS_GUARD_TYPE_CHECKING) || first_party(ctx, q)) continue;
    }
    for (size_t k = 0; k < s->n_rows; k++) {
      const Row *row = &s->rows[k];
      uint32_t cls = via_self ? enclosing_class(classes, sum, s->n_rows, call->scope, arena) : NONE;
      bool callee_hit = via_self ? !strcmp(dot + 1, row->last) && !class_defines(classes, s, sum, cls, row, arena) &&
                                       class_matches(classes, s, cls, row, md, arena)
                                 : !strcmp(q, row->name);
      if (!callee_hit || !runs_where_removed(s, sum, kw->start, row)) continue;
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

/* ---- across modules (method rows): facts and the join ------------------------------ */

/* What base `b` of a class in scope `scope` stands for, as a qualified
 * name: an in-file class, a name resolved through the file's imports, or
 * one bound by a relative from-import (`from .base import BaseTest`,
 * which the summary leaves unresolved), made absolute; NULL if none. */
static const char *qualify_base(const Classes *c, const PsSummary *sum, const Base *b, PsFileFacts *f,
                                const char *scope, PsArena *arena) {
  if (b->target != NONE) return ps_facts_qualify(f, sum->defs.items[c->def[b->target]].name);
  if (b->resolved) return b->resolved;
  const char *dot = strchr(b->text, '.');
  size_t hl = dot ? (size_t)(dot - b->text) : strlen(b->text);
  size_t sl = strlen(scope);
  for (size_t i = sum->imports.size; i-- > 0;) {
    const PsImport *im = &sum->imports.items[i];
    if (im->kind != PS_IMPORT_FROM || !im->level || !im->name || !strcmp(im->name, "*")) continue;
    const char *local = im->alias ? im->alias : im->name;
    if (strlen(local) != hl || strncmp(local, b->text, hl) != 0) continue;
    /* Visible from the class: bound at module level or in an enclosing scope. */
    size_t il = strlen(im->scope);
    if (il && !(il <= sl && !strncmp(im->scope, scope, il) && (scope[il] == '\0' || scope[il] == '.'))) continue;
    char *abs = ps_modules_resolve_relative(f->module, f->is_package, im->level, im->module);
    if (!abs) return NULL;
    const char *q = ps_arena_sprintf(arena, "%s%s%s%s", abs, *abs ? "." : "", im->name, dot ? dot : "");
    free(abs);
    return q;
  }
  return NULL;
}

/* Can class x's bases lead into another module of the tree: x or an
 * in-file base class of it (up the in-file chain) has a base bound by a
 * relative import or resolving into a first-party module? Only then can
 * the join decide what the per-file pass could not (a base from the
 * standard library or a third-party package is as final as `object`).
 * Memoised in open[] (-1 unknown; 2 while visiting: a cycle is closed). */
static bool open_chain(const Classes *c, const PsSummary *sum, const PsFileContext *ctx, uint32_t x,
                       signed char *open, PsArena *arena) {
  if (open[x] == 0 || open[x] == 1) return open[x] == 1;
  if (open[x] == 2) return false;
  open[x] = 2;
  bool yes = false;
  const PsDef *d = &sum->defs.items[c->def[x]];
  const char *outer = strrchr(d->name, '.');
  const char *scope = outer ? ps_arena_strndup(arena, d->name, (size_t)(outer - d->name)) : "";
  for (uint32_t b = c->base_start[x]; b < c->base_start[x + 1] && !yes; b++) {
    const Base *base = &c->bases[b];
    if (base->target != NONE) {
      yes = open_chain(c, sum, ctx, base->target, open, arena);
    } else if (base->resolved) {
      yes = first_party(ctx, base->resolved);
    } else {
      /* Unresolved: bound by a relative from-import? */
      const char *dot = strchr(base->text, '.');
      size_t hl = dot ? (size_t)(dot - base->text) : strlen(base->text);
      for (size_t i = 0; i < sum->imports.size && !yes; i++) {
        const PsImport *im = &sum->imports.items[i];
        const char *local = im->alias ? im->alias : im->name;
        yes = im->kind == PS_IMPORT_FROM && im->level && local && strlen(local) == hl &&
              !strncmp(local, base->text, hl) && (!*im->scope || ps_str_starts_with(scope, im->scope));
      }
    }
  }
  open[x] = yes ? 1 : 0;
  return yes;
}

/* Per file, where the join needs them: the self.m / cls.m uses of a row's
 * method that would be reported if the class's bases reached the row's
 * class, which they do not in this file (guards, version and feature
 * tests applied as per file); then, if there are any or the file is read
 * for a chain (ctx->chain), every class with bases (what its bases stand
 * for, their last names as written, the methods it defines) and the
 * module-level imports (re-exports: `from .base import BaseTest` in
 * tests/__init__.py). The first analysis of the class to copy (RM003, then
 * DP003) writes the classes and imports; each writes its own uses. */
static void copy_facts(const PsAnalysis *self, const PsFileContext *ctx, PsFileFacts *f) {
  const State *s = self->state;
  const PsSummary *sum = ctx->summary;
  PsArena *arena = ctx->arena;
  Classes classes = {0};
  build_classes(&classes, sum, s->n_rows, arena);
  Classes *c = &classes;
  pcre2_match_data *md = pcre2_match_data_create(4, NULL);
  size_t first_use = f->method_uses.size;
  signed char *open = ps_arena_alloc(arena, c->n + 1);
  memset(open, -1, c->n + 1);
  for (size_t i = 0; i < sum->refs.size; i++) {
    const PsRef *ref = &sum->refs.items[i];
    if (ref->guards & s->guards) continue;
    const char *dot = strrchr(ref->chain, '.');
    if (!dot) continue;
    const char *m = dot + 1;
    size_t head = (size_t)(dot - ref->chain);
    if (!((head == 4 && !strncmp(ref->chain, "self", 4)) || (head == 3 && !strncmp(ref->chain, "cls", 3)))) continue;
    if (!is_row_last(s, m, strlen(m))) continue;
    uint32_t cls = enclosing_class(c, sum, s->n_rows, ref->scope, arena);
    if (cls == NONE || !open_chain(c, sum, ctx, cls, open, arena)) continue;
    /* Decided in the file if the class defines m or reaches any row of m. */
    bool decided = false;
    for (size_t r = 0; r < s->n_rows && !decided; r++)
      decided = !strcmp(s->rows[r].last, m) &&
                (class_defines(c, s, sum, cls, &s->rows[r], arena) || class_matches(c, s, cls, &s->rows[r], md, arena));
    for (size_t r = 0; r < s->n_rows && !decided; r++) {
      const Row *row = &s->rows[r];
      if (strcmp(row->last, m) != 0) continue;
      if (!runs_where_removed(s, sum, ref->start, row) || ps_summary_feature_tested(sum, ref->start, row->last))
        continue;
      PsFactMethodUse u = {self,
                           (uint32_t)r,
                           ps_facts_qualify(f, sum->defs.items[c->def[cls]].name),
                           ps_facts_str(f, ref->chain),
                           ps_source_pos(ctx->source, ref->start),
                           ps_source_pos(ctx->source, ref->end)};
      array_push(&f->method_uses, u);
    }
  }
  pcre2_match_data_free(md);
  if (f->classes_copied || (f->method_uses.size == first_use && !ctx->chain)) {
    ps_strmap_free(&classes.by_name);
    return;
  }
  f->classes_copied = true;
  /* The methods each class with bases defines. */
  PsBuf *defines = ps_xcalloc(c->n + 1, sizeof(PsBuf));
  for (size_t i = 0; i < sum->defs.size; i++) {
    const PsDef *d = &sum->defs.items[i];
    if (d->kind != PS_DEF_FUNCTION) continue;
    const char *dot = strrchr(d->name, '.');
    if (!dot) continue;
    uint32_t x = class_index(c, d->name, (size_t)(dot - d->name));
    if (x == NONE || c->base_start[x] == c->base_start[x + 1]) continue;
    ps_buf_printf(&defines[x], "%s%s", defines[x].len ? "," : "", dot + 1);
  }
  for (uint32_t x = 0; x < c->n; x++) {
    if (c->base_start[x] == c->base_start[x + 1]) continue;
    const PsDef *d = &sum->defs.items[c->def[x]];
    const char *outer = strrchr(d->name, '.');
    const char *scope = outer ? ps_arena_strndup(arena, d->name, (size_t)(outer - d->name)) : "";
    PsBuf bases = PS_BUF_INIT, written = PS_BUF_INIT;
    for (uint32_t b = c->base_start[x]; b < c->base_start[x + 1]; b++) {
      const char *q = qualify_base(c, sum, &c->bases[b], f, scope, arena);
      ps_buf_printf(&bases, "%s%s", b > c->base_start[x] ? "," : "", q ? q : "");
      ps_buf_printf(&written, "%s%s", b > c->base_start[x] ? "," : "", c->bases[b].last);
    }
    PsFactClass o = {ps_facts_qualify(f, d->name), ps_facts_str(f, bases.data ? bases.data : ""),
                     ps_facts_str(f, written.data ? written.data : ""),
                     ps_facts_str(f, defines[x].data ? defines[x].data : ""), ps_source_pos(ctx->source, d->start)};
    array_push(&f->classes, o);
    ps_buf_free(&bases);
    ps_buf_free(&written);
  }
  for (uint32_t x = 0; x < c->n; x++) ps_buf_free(&defines[x]);
  free(defines);
  /* Module-level imports, for ps_project_index_canonical (unless the
   * engine copied them all). */
  bool have_imports = f->imports.size > 0;
  for (size_t i = 0; i < sum->imports.size && !have_imports; i++) {
    const PsImport *im = &sum->imports.items[i];
    if (!im->module_level || im->kind == PS_IMPORT_DYNAMIC) continue;
    char *abs = im->level > 0 ? ps_modules_resolve_relative(f->module, f->is_package, im->level, im->module) : NULL;
    PsFactImport o = {
        .module = ps_facts_str(f, im->level > 0 ? (abs ? abs : "") : im->module),
        .name = ps_facts_str(f, im->name),
        .alias = ps_facts_str(f, im->alias),
        .scope = ps_facts_qualify(f, ""),
        .pos = ps_source_pos(ctx->source, im->start),
        .guards = im->guards,
        .dynamic = false,
    };
    free(abs);
    array_push(&f->imports, o);
  }
  ps_strmap_free(&classes.by_name);
}

/* The join's view of every class of the tree. */
typedef struct Tree {
  size_t n;
  const PsFileFacts **file; /* per class */
  const PsFactClass **cls;
  uint32_t *base_start;     /* per class: first of its base targets (n + 1) */
  uint32_t *bases;          /* the class a base names, or NONE */
  size_t *file_start;       /* per file of the index: its first class (files + 1) */
  PsStrMap by_name;         /* qualified name -> first class of that name */
} Tree;

/* The class named q as seen from file fi: one of that file's own, else the
 * tree's first of that name. */
static uint32_t tree_find(const Tree *t, size_t fi, const char *q) {
  for (size_t x = t->file_start[fi]; x < t->file_start[fi + 1]; x++)
    if (!strcmp(t->cls[x]->qualname, q)) return (uint32_t)x;
  uint64_t v;
  return ps_strmap_find(&t->by_name, q, strlen(q), &v) ? (uint32_t)v : NONE;
}

/* Field i of a comma-joined list, into buf (cut at its size). */
static const char *field(const char *list, size_t i, char *buf, size_t size) {
  const char *p = list;
  for (; i && p; i--) {
    p = strchr(p, ',');
    if (p) p++;
  }
  if (!p) return NULL;
  size_t n = strcspn(p, ",");
  if (n >= size) n = size - 1;
  memcpy(buf, p, n);
  buf[n] = '\0';
  return buf;
}

static size_t count_fields(const char *list) {
  size_t n = 1;
  for (const char *p = list; *p; p++) n += *p == ',';
  return n;
}

static void build_tree(Tree *t, PsProjectIndex *ix) {
  size_t nf = ps_project_index_files(ix), n = 0, nb = 0;
  for (size_t fi = 0; fi < nf; fi++) n += ps_project_index_file(ix, fi)->classes.size;
  t->n = n;
  t->file = ps_xcalloc(n + 1, sizeof *t->file);
  t->cls = ps_xcalloc(n + 1, sizeof *t->cls);
  t->file_start = ps_xcalloc(nf + 1, sizeof *t->file_start);
  t->base_start = ps_xcalloc(n + 1, sizeof *t->base_start);
  size_t x = 0;
  for (size_t fi = 0; fi < nf; fi++) {
    const PsFileFacts *f = ps_project_index_file(ix, fi);
    t->file_start[fi] = x;
    for (size_t i = 0; i < f->classes.size; i++, x++) {
      t->file[x] = f;
      t->cls[x] = &f->classes.items[i];
      ps_strmap_put(&t->by_name, t->cls[x]->qualname, x, false); /* keep the first */
      nb += count_fields(t->cls[x]->bases);
    }
  }
  t->file_start[nf] = x;
  t->bases = ps_xcalloc(nb + 1, sizeof *t->bases);
  size_t k = 0;
  char buf[1024];
  for (size_t fi = 0; fi < nf; fi++)
    for (x = t->file_start[fi]; x < t->file_start[fi + 1]; x++) {
      t->base_start[x] = (uint32_t)k;
      size_t nbx = count_fields(t->cls[x]->bases);
      for (size_t b = 0; b < nbx; b++) {
        const char *q = field(t->cls[x]->bases, b, buf, sizeof buf);
        uint32_t to = NONE;
        if (q && *q) {
          to = tree_find(t, fi, q);
          /* Re-exported: `from .base import BaseTest` in tests/__init__.py. */
          if (to == NONE) to = tree_find(t, fi, ps_project_index_canonical(ix, q));
        }
        t->bases[k++] = to;
      }
    }
  t->base_start[n] = (uint32_t)k;
}

static void free_tree(Tree *t) {
  free(t->file);
  free(t->cls);
  free(t->file_start);
  free(t->base_start);
  free(t->bases);
  ps_strmap_free(&t->by_name);
}

static bool lists_name(const char *list, const char *name) {
  size_t n = strlen(name);
  for (const char *p = list; p && *p;) {
    size_t k = strcspn(p, ",");
    if (k == n && !strncmp(p, name, n)) return true;
    p = p[k] ? p + k + 1 : NULL;
  }
  return false;
}

/* Class x's own bases name the row's class (bases_match on the facts). */
static bool tree_bases_match(const Tree *t, uint32_t x, const Row *row, pcre2_match_data *md) {
  const PsFactClass *c = t->cls[x];
  size_t nb = count_fields(c->bases);
  char qb[1024], wb[256];
  for (size_t b = 0; b < nb; b++) {
    const char *q = field(c->bases, b, qb, sizeof qb), *w = field(c->written, b, wb, sizeof wb);
    if (q && strlen(q) == row->owner_len && !strncmp(q, row->name, row->owner_len)) return true;
    if (!row->receiver) continue;
    if (w && *w && pcre2_match(row->receiver, (PCRE2_SPTR)w, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL) >= 0) return true;
    const char *ql = q && *q ? strrchr(q, '.') : NULL;
    if (ql && pcre2_match(row->receiver, (PCRE2_SPTR)(ql + 1), PCRE2_ZERO_TERMINATED, 0, 0, md, NULL) >= 0)
      return true;
  }
  return false;
}

enum { UNKNOWN, VISITING, NO, YES };

/* Does class x reach the row's class through the tree, with no class on
 * the way defining the method itself? *via[x]: the class whose own bases
 * name the row's class. Memoised per row in state/via; a cycle is a no. */
static bool reach(const Tree *t, uint32_t x, const Row *row, pcre2_match_data *md, unsigned char *state,
                  uint32_t *via, int depth) {
  if (state[x] == YES || state[x] == NO) return state[x] == YES;
  if (state[x] == VISITING || depth > 64) return false;
  state[x] = VISITING;
  bool yes = false;
  if (!lists_name(t->cls[x]->defines, row->last)) {
    if (tree_bases_match(t, x, row, md)) {
      yes = true;
      via[x] = x;
    }
    for (uint32_t b = t->base_start[x]; b < t->base_start[x + 1] && !yes; b++)
      if (t->bases[b] != NONE && reach(t, t->bases[b], row, md, state, via, depth + 1)) {
        yes = true;
        via[x] = via[t->bases[b]];
      }
  }
  state[x] = yes ? YES : NO;
  return yes;
}

/* Before the join: from the classes of the undecided uses, up their
 * bases through the tree, every base the tree does not hold (as it
 * resolves, and as re-exports make it): run.c reads the files of those
 * modules and asks again. */
static void wanted(const PsAnalysis *const *all, size_t n, PsProjectIndex *ix, void (*want)(void *, const char *),
                   void *wctx) {
  (void)all;
  (void)n;
  size_t nf = ps_project_index_files(ix), uses = 0;
  for (size_t fi = 0; fi < nf; fi++) uses += ps_project_index_file(ix, fi)->method_uses.size;
  if (!uses) return;
  Tree t = {0};
  build_tree(&t, ix);
  unsigned char *seen = ps_xcalloc(t.n + 1, 1);
  uint32_t *queue = ps_xcalloc(t.n + 1, sizeof(uint32_t));
  size_t head = 0, tail = 0;
  for (size_t fi = 0; fi < nf; fi++) {
    const PsFileFacts *f = ps_project_index_file(ix, fi);
    for (size_t i = 0; i < f->method_uses.size; i++) {
      uint32_t x = tree_find(&t, fi, f->method_uses.items[i].cls);
      if (x != NONE && !seen[x]) seen[x] = 1, queue[tail++] = x;
    }
  }
  char buf[1024];
  while (head < tail) {
    uint32_t x = queue[head++];
    for (uint32_t b = t.base_start[x]; b < t.base_start[x + 1]; b++) {
      uint32_t to = t.bases[b];
      if (to != NONE) {
        if (!seen[to]) seen[to] = 1, queue[tail++] = to;
        continue;
      }
      const char *q = field(t.cls[x]->bases, b - t.base_start[x], buf, sizeof buf);
      if (!q || !*q || !strchr(q, '.')) continue;
      want(wctx, q);
      const char *canon = ps_project_index_canonical(ix, q);
      if (strcmp(canon, q)) want(wctx, canon);
    }
  }
  free(seen);
  free(queue);
  free_tree(&t);
}

/* After the last file: each undecided use whose class reaches the row's
 * class through other modules of the tree, reported as the per-file pass
 * would (same message), with the class that names the row's class as a
 * related location. */
static void join(const PsAnalysis *const *all, size_t n, const PsJoinContext *ctx, const PsProjectEmitter *emit) {
  PsProjectIndex *ix = ctx->index;
  size_t nf = ps_project_index_files(ix), uses = 0;
  for (size_t fi = 0; fi < nf; fi++) uses += ps_project_index_file(ix, fi)->method_uses.size;
  if (!uses) return;
  Tree t = {0};
  build_tree(&t, ix);
  pcre2_match_data *md = pcre2_match_data_create(4, NULL);
  for (size_t a = 0; a < n; a++) {
    const PsAnalysis *self = all[a];
    const State *s = self->state;
    const PsTable *tab = &self->rule->table;
    unsigned char **state = ps_xcalloc(s->n_rows + 1, sizeof *state);
    uint32_t **via = ps_xcalloc(s->n_rows + 1, sizeof *via);
    for (size_t fi = 0; fi < nf; fi++) {
      const PsFileFacts *f = ps_project_index_file(ix, fi);
      const PsFactMethodUse *prev = NULL;
      for (size_t i = 0; i < f->method_uses.size; i++) {
        const PsFactMethodUse *u = &f->method_uses.items[i];
        if (u->owner != self || u->row >= s->n_rows) continue;
        /* One finding per use, for its first row that reaches (as per file). */
        if (prev && prev->pos.byte == u->pos.byte) continue;
        uint32_t x = tree_find(&t, fi, u->cls);
        if (x == NONE) continue;
        const Row *row = &s->rows[u->row];
        if (!state[u->row]) {
          state[u->row] = ps_xcalloc(t.n + 1, 1);
          via[u->row] = ps_xcalloc(t.n + 1, sizeof(uint32_t));
        }
        if (!reach(&t, x, row, md, state[u->row], via[u->row], 0)) continue;
        prev = u;
        uint32_t v = via[u->row][x];
        PsVar vars[35];
        size_t nv = 0;
        for (size_t j = 0; j < tab->n_cols && nv < 32; j++) vars[nv++] = (PsVar){tab->cols[j], tab->rows[row->index][j]};
        vars[nv++] = (PsVar){"used", u->used};
        vars[nv++] = (PsVar){"removal", row->removal};
        const char *short_name = strrchr(t.cls[v]->qualname, '.');
        char *msg = ps_xasprintf("`%s` derives from `%.*s` here", short_name ? short_name + 1 : t.cls[v]->qualname,
                                 (int)row->owner_len, row->name);
        PsProjectLocation at = {f->path, u->pos, u->end, NULL};
        PsProjectLocation rel = {t.file[v]->path, t.cls[v]->pos, t.cls[v]->pos, msg};
        emit->emit(emit->ctx, self->rule, &at, vars, nv, &rel, 1);
        free(msg);
      }
    }
    for (size_t r = 0; r < s->n_rows; r++) {
      free(state[r]);
      free(via[r]);
    }
    free(state);
    free(via);
  }
  pcre2_match_data_free(md);
  free_tree(&t);
}

const PsAnalysisClass ps_analysis__removed_apis = {
    .name = "removed-apis",
    .params = PARAMS,
    .needs = PS_NEED_REFS | PS_NEED_BINDINGS | PS_NEED_KWARGS,
    .configure = configure,
    .run = run,
    .free_state = free_state,
    .facts = PS_FACT_CLASSES,
    .join = join,
    .copy_facts = copy_facts,
    .wanted = wanted,
};
