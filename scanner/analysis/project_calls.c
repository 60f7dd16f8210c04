/* project_calls.c: calls, anywhere in the scanned tree, of functions named
 * in the rule's table, resolved across modules: through each file's
 * imports and aliases, then through first-party re-exports
 * (`from .impl import run` in pkg/__init__.py), to the qualified name
 * where the function is defined. A project analysis: it reads the project
 * index in its join step, after the last file.
 *
 * Table columns: name (required: a qualified name, `pkg.legacy.old_api` or
 * `pkg.Client.send`); every column is a message variable, plus {called}
 * (the callee as written) and {defined} (`path:line` of the definition, or
 * "outside the scanned tree").
 *
 * A file is read for facts only if it holds, as a word, one of the names of
 * a row after its top-level package (`client`, `Client` or `send` for
 * pkg.client.Client.send): the caller, the defining module and every
 * re-export name one of them. A caller that only sees an alias made
 * elsewhere (`from pkg import run as go` in a module that the caller
 * imports `go` from) is missed. Methods are found through `x = Class()`
 * in the caller's scope, as in RM003.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_internal.h"

typedef struct State {
  size_t n_rows;
  size_t *rows; /* table row index of each applicable row */
} State;

static const char *const PARAMS[] = {NULL};

static void free_state(void *p) {
  State *s = p;
  if (!s) return;
  free(s->rows);
  free(s);
}

static bool valid_qualname(const char *m) {
  if (!*m || *m == '.' || !strchr(m, '.')) return false;
  for (const char *p = m; *p; p++) {
    char c = *p;
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              (unsigned char)c >= 0x80 || (c == '.' && p[1] && p[1] != '.');
    if (!ok) return false;
  }
  return true;
}

static int configure(PsAnalysis *self, PsPyVersion target, PsPyVersion min_python, PsError *err) {
  (void)target;
  (void)min_python;
  const PsRule *r = self->rule;
  const PsTable *t = &r->table;
  int cn = ps_table_col(t, "name");
  if (!t->cols || cn < 0)
    return ps_analysis__rule_error(err, r, r->analysis_line,
                                   "analysis `project-calls` needs a ```table with a `name` column");
  State *s = ps_xcalloc(1, sizeof *s);
  self->state = s;
  s->rows = ps_xcalloc(t->n_rows + 1, sizeof(size_t));
  for (size_t i = 0; i < t->n_rows; i++) {
    const char *name = t->rows[i][cn];
    if (!valid_qualname(name))
      return ps_analysis__rule_error(err, r, t->row_lines[i],
                                     "`%s` is not a qualified name (module.function or module.Class.method)", name);
    s->rows[s->n_rows++] = i;
    /* Every name after the top-level package: the caller names the
     * function (or a method, or an alias of it), and each module on the
     * way names the part it re-exports (`from .client import Client`). */
    for (const char *dot = strchr(name, '.'); dot; dot = strchr(dot + 1, '.')) {
      const char *w = dot + 1;
      const char *end = strchr(w, '.');
      const char *word = ps_analysis__keep(self, w, end ? (size_t)(end - w) : strlen(w));
      self->fact_gates = ps_xrealloc(self->fact_gates, (self->n_fact_gates + 1) * sizeof(PsWordGate));
      self->fact_gates[self->n_fact_gates++] = (PsWordGate){{word, NULL, NULL}, {PS_WORD_ANY, 0, 0}, NULL};
    }
  }
  self->empty = s->n_rows == 0;
  return 0;
}

/* Per file: nothing; the facts are copied out by the engine. */
static void run(const PsAnalysis *self, const PsFileContext *ctx, const PsEmitter *emit) {
  (void)self;
  (void)ctx;
  (void)emit;
}

/* The qualified name a call's callee stands for in its file: resolved
 * through imports by the walk, or a module-level function of the file. */
static const char *call_target(const PsFileFacts *f, const PsFactCall *c) {
  if (c->resolved) return c->resolved;
  if (!*c->callee || strchr(c->callee, '.')) return NULL;
  for (size_t i = 0; i < f->defs.size; i++) {
    const PsFactDef *d = &f->defs.items[i];
    if (d->kind == PS_FACT_ASSIGN) continue;
    size_t ml = strlen(f->module);
    const char *local = d->qualname + (ml ? ml + 1 : 0);
    if (!strcmp(local, c->callee)) return d->qualname;
  }
  return NULL;
}

static void join(const PsAnalysis *const *all, size_t n, const PsJoinContext *ctx, const PsProjectEmitter *emit) {
  PsProjectIndex *ix = ctx->index;
  for (size_t fi = 0; fi < ps_project_index_files(ix); fi++) {
    const PsFileFacts *f = ps_project_index_file(ix, fi);
    for (size_t ci = 0; ci < f->calls.size; ci++) {
      const PsFactCall *c = &f->calls.items[ci];
      const char *q = call_target(f, c);
      if (!q) continue;
      const char *canon = ps_project_index_canonical(ix, q);
      for (size_t a = 0; a < n; a++) {
        const State *s = all[a]->state;
        const PsTable *t = &all[a]->rule->table;
        int cn = ps_table_col(t, "name");
        for (size_t r = 0; r < s->n_rows; r++) {
          const char *const *row = (const char *const *)t->rows[s->rows[r]];
          if (strcmp(canon, row[cn])) continue;
          PsDefRef d = ps_project_index_def(ix, canon);
          char *defined = d.facts ? ps_xasprintf("%s:%u", d.facts->path, (unsigned)d.facts->defs.items[d.def].pos.line)
                                  : ps_xstrdup("outside the scanned tree");
          PsVar vars[32];
          size_t nv = 0;
          for (size_t k = 0; k < t->n_cols && nv < 30; k++) vars[nv++] = (PsVar){t->cols[k], row[k]};
          vars[nv++] = (PsVar){"called", c->callee};
          vars[nv++] = (PsVar){"defined", defined};
          PsProjectLocation at = {f->path, c->pos, c->end, NULL};
          PsProjectLocation rel = {0};
          if (d.facts)
            rel = (PsProjectLocation){d.facts->path, d.facts->defs.items[d.def].pos, d.facts->defs.items[d.def].pos,
                                      "defined here"};
          emit->emit(emit->ctx, all[a]->rule, &at, vars, nv, &rel, d.facts ? 1 : 0);
          free(defined);
        }
      }
    }
  }
}

const PsAnalysisClass ps_analysis__project_calls = {
    .name = "project-calls",
    .params = PARAMS,
    .needs = PS_NEED_BINDINGS,
    .configure = configure,
    .run = run,
    .free_state = free_state,
    .facts = PS_FACT_IMPORTS | PS_FACT_DEFS | PS_FACT_CALLS,
    .join = join,
};
