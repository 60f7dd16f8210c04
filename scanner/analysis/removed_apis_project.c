/* removed_apis_project.c: `removed-apis` method rows across modules
 * (RM003, DP003): `self.assertEquals(...)` in `class T(BaseTest)` where
 * BaseTest(unittest.TestCase) is in another module of the tree. Per file,
 * the uses the file cannot decide and the classes on their way (facts);
 * before the join, the modules those classes' bases name (`wanted`, read
 * by run/chains.c); the join decides each use. See docs/architecture.md,
 * "Base classes in other modules".
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/removed_apis_internal.h"

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
void ps_removed_apis__add_fact_gates(PsAnalysis *self, const State *s) {
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
      yes = ps_removed_apis__first_party(ctx, base->resolved);
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
void ps_removed_apis__copy_facts(const PsAnalysis *self, const PsFileContext *ctx, PsFileFacts *f) {
  const State *s = self->state;
  const PsSummary *sum = ctx->summary;
  PsArena *arena = ctx->arena;
  Classes classes = {0};
  ps_removed_apis__build_classes(&classes, sum, s->n_rows, arena);
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
    if (!ps_removed_apis__is_row_last(s, m, strlen(m))) continue;
    uint32_t cls = ps_removed_apis__enclosing_class(c, sum, s->n_rows, ref->scope, arena);
    if (cls == NONE || !open_chain(c, sum, ctx, cls, open, arena)) continue;
    /* Decided in the file if the class defines m or reaches any row of m. */
    bool decided = false;
    for (size_t r = 0; r < s->n_rows && !decided; r++)
      decided = !strcmp(s->rows[r].last, m) &&
                (ps_removed_apis__class_defines(c, s, sum, cls, &s->rows[r], arena) || ps_removed_apis__class_matches(c, s, cls, &s->rows[r], md, arena));
    for (size_t r = 0; r < s->n_rows && !decided; r++) {
      const Row *row = &s->rows[r];
      if (strcmp(row->last, m) != 0) continue;
      if (!ps_removed_apis__runs_where_removed(s, sum, ref->start, row) || ps_summary_feature_tested(sum, ref->start, row->last))
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
    uint32_t x = ps_removed_apis__class_index(c, d->name, (size_t)(dot - d->name));
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
void ps_removed_apis__wanted(const PsAnalysis *const *all, size_t n, PsProjectIndex *ix, void (*want)(void *, const char *),
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
void ps_removed_apis__join(const PsAnalysis *const *all, size_t n, const PsJoinContext *ctx, const PsProjectEmitter *emit) {
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

