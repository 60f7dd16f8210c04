/* mp_fork.c: `mp-fork-with-threads` (MP005), os.fork() or a fork start
 * method in a file that also starts threads.
 *
 * A forked child holds a copy of every lock as it was at the fork, held
 * or not, by threads that do not exist in the child: the first
 * acquisition deadlocks. Python 3.12 warns (DeprecationWarning) when
 * os.fork() runs with other threads alive; on a free-threaded build
 * there is no GIL to make the window small. The file is the unit: a fork
 * (the table's `fork` rows, a `fork` context or `set_start_method("fork")`)
 * is reported when the same file starts a thread (the `thread` rows).
 *
 * `mp-fork-start-method` (MP006, severity info, on 3.14 targets by its
 * rule's bounds) is the other half: `set_start_method("fork")` or
 * `get_context("fork")` in a file that starts no thread still works on
 * 3.14, but opts out of the new forkserver default. It is a rule id of
 * its own rather than a per-finding severity: severity, docs and SARIF
 * metadata all come from the rule file, and `--select`/`--ignore` can
 * take the note without the warning.
 */
#include <string.h>

#include "analysis/mp_internal.h"

static const char *const PARAMS[] = {NULL};

static int configure(PsAnalysis *self, PsPyVersion target, PsPyVersion min_python, PsError *err) {
  (void)min_python;
  return ps_mp__configure(self, target, PS_MP_KIND(PS_MP_FORK), err);
}

static void run(const PsAnalysis *self, const PsFileContext *ctx, const PsEmitter *emit) {
  const PsMpTable *t = self->state;
  PsArena *arena = ctx->arena; /* rewound by the engine after the run */
  PsMpModel own;
  const PsMpModel *m = ps_mp_model_get(t, ctx, &own); /* shared: read only */
  if (m->forks.size && m->threads.size) {
    const PsMpEvent *th = &m->threads.items[0];
    PsPos p = ps_source_pos(ctx->source, th->start);
    const char *thread = ps_arena_sprintf(arena, "`%s()` at line %u", th->api ? th->api : th->row->name,
                                          (unsigned)p.line);
    for (size_t i = 0; i < m->forks.size; i++) {
      const PsMpEvent *f = &m->forks.items[i];
      PsVar vars[] = {{"api", f->api ? f->api : f->row->name}, {"thread", thread}};
      emit->emit(emit->ctx, self->rule, f->start, f->end, vars, 2);
    }
  }
  ps_mp_model_release(m, &own);
}

/* MP006: a fork start method chosen in a file without threads (with
 * threads, MP005 reports it). os.fork() is not a start method and is left
 * to MP005. */
static int configure_method(PsAnalysis *self, PsPyVersion target, PsPyVersion min_python, PsError *err) {
  (void)min_python;
  return ps_mp__configure(self, target, PS_MP_KIND(PS_MP_CONTEXT) | PS_MP_KIND(PS_MP_SET_START), err);
}

static void run_method(const PsAnalysis *self, const PsFileContext *ctx, const PsEmitter *emit) {
  PsMpModel own;
  const PsMpModel *m = ps_mp_model_get(self->state, ctx, &own); /* shared: read only */
  if (!m->threads.size)
    for (size_t i = 0; i < m->forks.size; i++) {
      const PsMpEvent *f = &m->forks.items[i];
      if (f->row->kind != PS_MP_SET_START && f->row->kind != PS_MP_CONTEXT) continue;
      PsVar vars[] = {{"api", f->api ? f->api : f->row->name}};
      emit->emit(emit->ctx, self->rule, f->start, f->end, vars, 1);
    }
  ps_mp_model_release(m, &own);
}

const PsAnalysisClass ps_analysis__mp_fork_start_method = {
    .name = "mp-fork-start-method",
    .params = PARAMS,
    .needs = PS_NEED_BINDINGS,
    .configure = configure_method,
    .run = run_method,
    .free_state = ps_mp__free_state,
    .link = ps_mp__link,
};

const PsAnalysisClass ps_analysis__mp_fork_with_threads = {
    .name = "mp-fork-with-threads",
    .params = PARAMS,
    .needs = PS_NEED_BINDINGS,
    .configure = configure,
    .run = run,
    .free_state = ps_mp__free_state,
    .link = ps_mp__link,
};
