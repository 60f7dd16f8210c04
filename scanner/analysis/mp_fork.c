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
  PsArena *arena = ps_arena_new(16384);
  PsMpModel m;
  ps_mp_model_build(&m, t, ctx, arena);
  if (m.forks.size && m.threads.size) {
    const PsMpEvent *th = &m.threads.items[0];
    PsPos p = ps_source_pos(ctx->source, th->start);
    const char *thread = ps_arena_sprintf(arena, "`%s()` at line %u", th->api ? th->api : th->row->name,
                                          (unsigned)p.line);
    for (size_t i = 0; i < m.forks.size; i++) {
      const PsMpEvent *f = &m.forks.items[i];
      PsVar vars[] = {{"api", f->api ? f->api : f->row->name}, {"thread", thread}};
      emit->emit(emit->ctx, self->rule, f->start, f->end, vars, 2);
    }
  }
  ps_mp_model_free(&m);
  ps_arena_delete(arena);
}

const PsAnalysisClass ps_analysis__mp_fork_with_threads = {
    .name = "mp-fork-with-threads",
    .params = PARAMS,
    .needs = PS_NEED_BINDINGS,
    .configure = configure,
    .run = run,
    .free_state = ps_mp__free_state,
};
