/* mp_project.c: MP003 and MP004 across modules, in the project stage.
 *
 * The per-file analyses see one file: a top-level call of a function of
 * the same file that starts processes (MP003), a worker of the same file
 * reading a global the file sets only under its `__main__` guard (MP004).
 * Their joins take the same questions across the scanned tree, from the
 * PS_FACT_MP facts walk_mp.c exports from each file's MP model (so only
 * files the MP rules' word gates admit take part):
 *
 *   - MP003: module A's import-time code (outside its guard) calls
 *     `b.run()`, a function of module B that starts processes, directly or
 *     through calls of module-level functions across modules. Under
 *     forkserver/spawn every child imports A again and fails with the
 *     bootstrapping RuntimeError. Reported at A's call, with B's start as
 *     a related location. A package's __main__.py is left alone.
 *   - MP004: module A hands `b.work` (a function of module B) to a pool or
 *     Process whose start method imports afresh, and sets a global under
 *     its guard (`b.CONFIG = ...`, or a global of A that B imports) that
 *     `b.work` reads: the worker sees the import-time value. Reported at
 *     A's write, with the worker's read as a related location.
 *
 * Qualified names are canonicalised through the index (re-exports).
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/mp_internal.h"

/* ---- MP003 -------------------------------------------------------------------- */

typedef struct Starter {
  const PsFileFacts *file; /* where the start is */
  const PsMpFactStarter *st;
} Starter;

static const char *canon(PsProjectIndex *ix, const char *q) {
  const char *c = q ? ps_project_index_canonical(ix, q) : NULL;
  return c ? c : q;
}

static const char *method_of(const PsMpTable *t, const char *pinned, const PsFileFacts *a, const PsFileFacts *b) {
  if (pinned) return pinned;
  if (a && a->mp && a->mp->file_method) return a->mp->file_method;
  if (b && b->mp && b->mp->file_method) return b->mp->file_method;
  return t->default_method;
}

void ps_mp__join_unguarded(const PsAnalysis *const *all, size_t n, const PsJoinContext *ctx,
                           const PsProjectEmitter *emit) {
  PsProjectIndex *ix = ctx->index;
  size_t nf = ps_project_index_files(ix);
  Array(Starter) ss;
  array_init(&ss);
  PsStrMap by_name = PS_STRMAP_INIT; /* canonical qualified name -> index + 1 into ss */
  for (size_t i = 0; i < nf; i++) {
    const PsFileFacts *f = ps_project_index_file(ix, i);
    for (size_t k = 0; f->mp && k < f->mp->starters.size; k++) {
      const char *q = canon(ix, f->mp->starters.items[k].function);
      if (ps_strmap_find(&by_name, q, strlen(q), NULL)) continue;
      array_push(&ss, ((Starter){f, &f->mp->starters.items[k]}));
      ps_strmap_put(&by_name, q, ss.size, false);
    }
  }
  if (!ss.size) goto done;
  /* Callers of starters in other modules start processes too. */
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < nf; i++) {
      const PsFileFacts *f = ps_project_index_file(ix, i);
      for (size_t k = 0; f->mp && k < f->mp->fn_calls.size; k++) {
        const PsMpFactCall *c = &f->mp->fn_calls.items[k];
        const char *caller = canon(ix, c->written), *callee = canon(ix, c->callee);
        uint64_t v = 0;
        if (ps_strmap_find(&by_name, caller, strlen(caller), NULL) ||
            !ps_strmap_find(&by_name, callee, strlen(callee), &v))
          continue;
        Starter s = ss.items[v - 1];
        array_push(&ss, s);
        ps_strmap_put(&by_name, caller, ss.size, false);
        changed = true;
      }
    }
  }
  for (size_t i = 0; i < nf; i++) {
    const PsFileFacts *a = ps_project_index_file(ix, i);
    if (!a->mp || a->mp->dunder_main) continue;
    for (size_t k = 0; k < a->mp->import_calls.size; k++) {
      const PsMpFactCall *c = &a->mp->import_calls.items[k];
      const char *q = canon(ix, c->callee);
      uint64_t v = 0;
      if (!ps_strmap_find(&by_name, q, strlen(q), &v)) continue;
      const Starter *s = &ss.items[v - 1];
      if (s->file == a) continue; /* the per-file rule's */
      for (size_t r = 0; r < n; r++) {
        const PsMpTable *t = all[r]->state;
        const char *method = method_of(t, s->st->method, a, s->file);
        if (!ps_mp_method_reimports(method)) continue;
        char *api = ps_xasprintf("%s()", c->written);
        char *why = ps_xasprintf("it starts processes (`%s` at line %u of %s): under `%s` every child imports "
                                 "this module again and fails with multiprocessing's bootstrapping RuntimeError",
                                 s->st->api, (unsigned)s->st->pos.line, s->file->path, method);
        PsVar vars[] = {{"api", api}, {"why", why}};
        PsProjectLocation at = {a->path, c->pos, c->end, NULL};
        PsProjectLocation rel = {s->file->path, s->st->pos, s->st->end, "the processes start here"};
        emit->emit(emit->ctx, all[r]->rule, &at, vars, 2, &rel, 1);
        free(api);
        free(why);
      }
    }
  }
done:
  array_free(&ss);
  ps_strmap_free(&by_name);
}

/* ---- MP004 -------------------------------------------------------------------- */

void ps_mp__join_main_global(const PsAnalysis *const *all, size_t n, const PsJoinContext *ctx,
                             const PsProjectEmitter *emit) {
  PsProjectIndex *ix = ctx->index;
  size_t nf = ps_project_index_files(ix);
  /* Reads by function: canonical function name -> the files whose facts
   * hold its reads (found by module below). */
  for (size_t i = 0; i < nf; i++) {
    const PsFileFacts *a = ps_project_index_file(ix, i);
    if (!a->mp || !a->mp->writes.size || !a->mp->workers.size) continue;
    for (size_t w = 0; w < a->mp->writes.size; w++) {
      const PsMpFactWrite *wr = &a->mp->writes.items[w];
      const char *target = canon(ix, wr->target);
      /* A worker-side function of A's pools (an initializer) writes it:
       * the documented way to hand a value to the workers. */
      bool done = false;
      for (size_t k = 0; k < a->mp->workers.size && !done; k++) {
        const char *fn = canon(ix, a->mp->workers.items[k].function);
        const PsFileFacts *b = ps_project_index_def(ix, fn).facts;
        for (size_t r = 0; b && b->mp && r < b->mp->reads.size && !done; r++) {
          const PsMpFactRead *rd = &b->mp->reads.items[r];
          done = rd->write && !strcmp(canon(ix, rd->function), fn) && !strcmp(canon(ix, rd->target), target);
        }
      }
      for (size_t k = 0; k < a->mp->workers.size && !done; k++) {
        const PsMpFactWorker *wk = &a->mp->workers.items[k];
        if (!ps_mp_method_reimports(wk->method)) continue;
        const char *fn = canon(ix, wk->function);
        PsDefRef d = ps_project_index_def(ix, fn);
        const PsFileFacts *b = d.facts;
        if (!b || b == a || !b->mp) continue; /* the per-file rule's, or not admitted */
        for (size_t r = 0; r < b->mp->reads.size && !done; r++) {
          const PsMpFactRead *rd = &b->mp->reads.items[r];
          if (rd->write || strcmp(canon(ix, rd->function), fn) || strcmp(canon(ix, rd->target), target)) continue;
          const char *dot = strrchr(target, '.');
          char *line = ps_xasprintf("%u of %s", (unsigned)rd->pos.line, b->path);
          for (size_t q = 0; q < n; q++) {
            PsVar vars[] = {{"name", dot ? dot + 1 : target},
                            {"where", wr->where},
                            {"worker", fn},
                            {"line", line},
                            {"method", wk->method},
                            {"sees", rd->at_import ? "the value import-time code gives it, not this one"
                                                   : "no value at all (NameError)"}};
            PsProjectLocation at = {a->path, wr->pos, wr->end, NULL};
            PsProjectLocation rel[] = {{b->path, rd->pos, rd->end, "the worker reads it here"},
                                       {a->path, wk->pos, wk->end, "the worker is handed to the pool here"}};
            emit->emit(emit->ctx, all[q]->rule, &at, vars, sizeof vars / sizeof vars[0], rel, 2);
          }
          free(line);
          done = true;
        }
      }
    }
  }
}
