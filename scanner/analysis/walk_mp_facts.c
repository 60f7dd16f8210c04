/* walk_mp_facts.c: what the MP model of a file adds to its project facts
 * (PS_FACT_MP) for the cross-module MP003/MP004 joins (mp_project.c):
 * process starters, import-time calls, workers handed to pools, writes
 * under the __main__ guard and the globals functions read or write.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/mp_internal.h"

/* ---- the model's project facts (PS_FACT_MP) -------------------------------------- */

/* The qualified name a chain read at module level stands for: through the
 * file's imports (relative ones too), or a module-level name of the file;
 * NULL if neither. In `scratch` or interned in f. */
static const char *qualify_chain(PsFileFacts *f, const PsSummary *sum, const char *c, PsArena *scratch) {
  unsigned g = 0;
  const char *q = ps_summary_resolve(sum, c, "", scratch, &g);
  if (q) return q;
  const char *dot = strchr(c, '.');
  size_t hl = dot ? (size_t)(dot - c) : strlen(c);
  for (size_t i = 0; i < sum->imports.size; i++) {
    const PsImport *im = &sum->imports.items[i];
    if (im->kind != PS_IMPORT_FROM || im->level <= 0 || !im->module_level || !im->name || !strcmp(im->name, "*"))
      continue;
    const char *local = im->alias ? im->alias : im->name;
    if (strlen(local) != hl || memcmp(local, c, hl)) continue;
    char *abs = ps_modules_resolve_relative(f->module, f->is_package, im->level, im->module);
    if (!abs) return NULL;
    const char *r = ps_arena_sprintf(scratch, "%s%s%s%s", abs, *abs ? "." : "", im->name, dot ? dot : "");
    free(abs);
    return r;
  }
  for (size_t i = 0; i < sum->defs.size; i++) {
    const PsDef *d = &sum->defs.items[i];
    if (d->module_level && strlen(d->name) == hl && !memcmp(d->name, c, hl)) return ps_facts_qualify(f, c);
  }
  return NULL;
}

/* Lookups the export makes per call, read and write, built once per file
 * (a file's reads are many: no scan of the summary per read). */
typedef struct Index {
  const PsSummary *sum;
  PsStrMap top;     /* module-level function name -> def index + 1 */
  PsStrMap local;   /* "scope\x01name" of every binding -> 1 */
  PsStrMap global;  /* module-level bound name -> 1 | 2 (an import) */
  PsStrMap at_import; /* names with an import-time value -> 1 */
  PsStrMap seen;    /* reads already exported: "function\x01name" */
  PsArena *scratch;
} Index;

static int top_def(const Index *x, const char *scope) {
  if (!*scope) return -1;
  const char *dot = strchr(scope, '.');
  size_t len = dot ? (size_t)(dot - scope) : strlen(scope);
  uint64_t v = 0;
  return ps_strmap_find(&x->top, scope, len, &v) ? (int)v - 1 : -1;
}

static const char *pair(PsArena *a, const char *x, const char *y) { return ps_arena_sprintf(a, "%s\x01%s", x, y); }

static bool bound_in(const Index *x, const char *scope, const char *name) {
  const char *k = pair(x->scratch, scope, name);
  return ps_strmap_find(&x->local, k, strlen(k), NULL) != NULL;
}

static void index_build(Index *x, const PsSummary *sum, const PsMpModel *m, PsArena *scratch) {
  memset(x, 0, sizeof *x);
  x->sum = sum;
  x->scratch = scratch;
  for (size_t d = 0; d < sum->defs.size; d++) {
    const PsDef *def = &sum->defs.items[d];
    if (!def->module_level) continue;
    if (def->kind == PS_DEF_FUNCTION) ps_strmap_put(&x->top, def->name, d + 1, false);
    if (def->kind != PS_DEF_ASSIGN) ps_strmap_put(&x->at_import, def->name, 1, false);
  }
  for (size_t b = 0; b < sum->bindings.size; b++) {
    const PsBinding *bd = &sum->bindings.items[b];
    ps_strmap_put(&x->local, pair(scratch, bd->scope, bd->name), 1, false);
    if (*bd->scope) continue;
    uint64_t v = 0;
    ps_strmap_find(&x->global, bd->name, strlen(bd->name), &v);
    ps_strmap_put(&x->global, bd->name, v | 1u | (bd->kind == PS_BIND_IMPORT ? 2u : 0u), true);
    if (bd->kind == PS_BIND_IMPORT) ps_strmap_put(&x->at_import, bd->name, 1, false);
  }
  for (size_t w = 0; w < m->writes.size; w++) {
    const PsMpWrite *wr = &m->writes.items[w];
    if (!wr->in_def && !wr->guarded && wr->kind != PS_MP_W_MUTATE) ps_strmap_put(&x->at_import, wr->name, 1, false);
  }
  /* Names bound by a relative from-import (the summary leaves them
   * unresolved): 4. */
  for (size_t i = 0; i < sum->imports.size; i++) {
    const PsImport *im = &sum->imports.items[i];
    if (im->kind != PS_IMPORT_FROM || im->level <= 0 || !im->module_level || !im->name || !strcmp(im->name, "*"))
      continue;
    const char *local = im->alias ? im->alias : im->name;
    uint64_t v = 0;
    ps_strmap_find(&x->global, local, strlen(local), &v);
    ps_strmap_put(&x->global, local, v | 4u, true);
    ps_strmap_put(&x->at_import, local, 1, false);
  }
}

static void index_free(Index *x) {
  ps_strmap_free(&x->top);
  ps_strmap_free(&x->local);
  ps_strmap_free(&x->global);
  ps_strmap_free(&x->at_import);
  ps_strmap_free(&x->seen);
}

void ps_mp__export_facts(void *v, const PsSource *src, const PsSummary *sum, unsigned what, PsArena *scratch,
                         PsFileFacts *f) {
  if (!(what & PS_FACT_MP) || f->mp) return;
  const PsMpShared *sh = v;
  const PsMpModel *m = &sh->m;
  PsMpFacts *x = f->mp = ps_xcalloc(1, sizeof *x);
  x->dunder_main = m->is_dunder_main;
  x->file_method = m->file_method ? ps_facts_str(f, m->file_method) : NULL;
  size_t nd = sum->defs.size;
  Index ix;
  index_build(&ix, sum, m, scratch);
  /* Starters: module-level functions that start processes, directly or
   * through other module-level functions of the file (calls by bare name). */
  const PsMpStart **starts_in = ps_xcalloc(nd + 1, sizeof *starts_in);
  for (size_t i = 0; i < m->starts.size; i++) {
    const PsMpStart *st = &m->starts.items[i];
    if (st->set_start || st->import_time) continue;
    int d = top_def(&ix, st->scope);
    if (d >= 0 && !starts_in[d]) starts_in[d] = st;
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t c = 0; c < sum->calls.size; c++) {
      const PsCall *call = &sum->calls.items[c];
      int from = top_def(&ix, call->scope);
      if (from < 0 || starts_in[from] || !call->callee || strchr(call->callee, '.')) continue;
      int to = top_def(&ix, call->callee);
      if (to >= 0 && starts_in[to]) starts_in[from] = starts_in[to], changed = true;
    }
  }
  for (size_t d = 0; d < nd; d++) {
    if (!starts_in[d]) continue;
    const PsMpStart *st = starts_in[d];
    PsMpFactStarter o = {ps_facts_qualify(f, sum->defs.items[d].name), ps_facts_str(f, st->api),
                         st->method ? ps_facts_str(f, st->method) : NULL, ps_source_pos(src, st->start),
                         ps_source_pos(src, st->end)};
    array_push(&x->starters, o);
  }
  free(starts_in);
  /* Calls out of module-level functions into other modules (chains of
   * starters across files). */
  for (size_t c = 0; c < sum->calls.size; c++) {
    const PsCall *call = &sum->calls.items[c];
    int from = top_def(&ix, call->scope);
    if (from < 0 || !call->callee || !*call->callee) continue;
    /* Only names imported at module level can lead to another module. */
    const char *dot = strchr(call->callee, '.');
    uint64_t gv = 0;
    if (!ps_strmap_find(&ix.global, call->callee, dot ? (size_t)(dot - call->callee) : strlen(call->callee), &gv) ||
        !(gv & 6u))
      continue;
    unsigned g = 0;
    const char *q = gv & 2u ? ps_summary_resolve(sum, call->callee, call->scope, scratch, &g)
                            : bound_in(&ix, call->scope, call->callee) ? NULL
                                                                       : qualify_chain(f, sum, call->callee, scratch);
    if (!q) continue;
    PsMpFactCall o = {ps_facts_str(f, q), ps_facts_qualify(f, sum->defs.items[from].name),
                      ps_source_pos(src, call->start), ps_source_pos(src, call->end)};
    array_push(&x->fn_calls, o);
  }
  /* Import-time calls that leave the file. */
  for (size_t i = 0; i < m->top_calls.size; i++) {
    const PsMpTopCall *tc = &m->top_calls.items[i];
    if (!tc->import_time) continue;
    const char *q = qualify_chain(f, sum, tc->callee, scratch);
    if (!q || (*f->module && !strncmp(q, f->module, strlen(f->module)) && q[strlen(f->module)] == '.' &&
               !strchr(q + strlen(f->module) + 1, '.')))
      continue; /* a function of this file: the per-file rule's */
    PsMpFactCall o = {ps_facts_str(f, q), ps_facts_str(f, tc->callee), ps_source_pos(src, tc->start),
                      ps_source_pos(src, tc->end)};
    array_push(&x->import_calls, o);
  }
  /* Workers handed to pools and processes, by qualified name. */
  for (size_t i = 0; i < m->handed.size; i++) {
    const PsMpHanded *h = &m->handed.items[i];
    if (!h->is_callable || h->why) continue;
    uint32_t len;
    const char *t = ps_source_node_text(src, h->expr, &len);
    if (len > 256) continue;
    char *c = ps_arena_strndup(scratch, t, len);
    if (!*c || strspn(c, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") != len) continue;
    const char *q = qualify_chain(f, sum, c, scratch);
    if (!q) continue;
    const char *method = ps_mp_effective_method(sh->t, m, h->method);
    PsMpFactWorker o = {ps_facts_str(f, q), ps_facts_str(f, method), ps_source_pos(src, ts_node_start_byte(h->expr)),
                        ps_source_pos(src, ts_node_end_byte(h->expr))};
    array_push(&x->workers, o);
  }
  /* Run-time writes under the guard: the file's own globals and
   * `mod.NAME = v` on an imported module. */
  const char *guard = "under `if __name__ == \"__main__\":`";
  for (size_t i = 0; i < m->writes.size; i++) {
    const PsMpWrite *w = &m->writes.items[i];
    if (w->in_def || !w->guarded || w->kind == PS_MP_W_MUTATE) continue;
    PsMpFactWrite o = {ps_facts_qualify(f, w->name), guard, ps_source_pos(src, w->start), ps_source_pos(src, w->end)};
    array_push(&x->writes, o);
  }
  for (size_t i = 0; i < m->attr_writes.size; i++) {
    const PsMpWrite *w = &m->attr_writes.items[i];
    if (!w->guarded) continue;
    const char *q = qualify_chain(f, sum, w->name, scratch);
    if (!q) continue;
    PsMpFactWrite o = {ps_facts_str(f, q), guard, ps_source_pos(src, w->start), ps_source_pos(src, w->end)};
    array_push(&x->writes, o);
  }
  /* Globals read by module-level functions (not bound in the reading
   * scope), once per function and name. */
  for (size_t i = 0; i < m->reads.size; i++) {
    const PsMpRead *r = &m->reads.items[i];
    int d = top_def(&ix, r->scope);
    if (d < 0 || !ps_strmap_find(&ix.global, r->name, strlen(r->name), NULL) || bound_in(&ix, r->scope, r->name))
      continue;
    const char *key = pair(scratch, sum->defs.items[d].name, r->name);
    if (ps_strmap_find(&ix.seen, key, strlen(key), NULL)) continue;
    ps_strmap_put(&ix.seen, key, 1, false);
    bool at_import = ps_strmap_find(&ix.at_import, r->name, strlen(r->name), NULL) != NULL;
    const char *q = qualify_chain(f, sum, r->name, scratch);
    if (!q) q = ps_facts_qualify(f, r->name);
    PsMpFactRead o = {ps_facts_qualify(f, sum->defs.items[d].name), ps_facts_str(f, q), at_import, false,
                      ps_source_pos(src, r->start), ps_source_pos(src, r->end)};
    array_push(&x->reads, o);
  }
  /* Globals the module-level functions write (an initializer's `global G`,
   * a mutation of a global): a worker-side write makes a read fine. */
  for (size_t i = 0; i < m->writes.size; i++) {
    const PsMpWrite *w = &m->writes.items[i];
    int d = w->in_def ? top_def(&ix, w->scope) : -1;
    if (d < 0 || (w->kind == PS_MP_W_MUTATE && bound_in(&ix, w->scope, w->name))) continue;
    PsMpFactRead o = {ps_facts_qualify(f, sum->defs.items[d].name), ps_facts_qualify(f, w->name), false, true,
                      ps_source_pos(src, w->start), ps_source_pos(src, w->end)};
    array_push(&x->reads, o);
  }
  index_free(&ix);
}

