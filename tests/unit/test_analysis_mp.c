/* test_analysis_mp.c: the MP analyses' one model per file (walk_mp.c):
 * after ps_analysis_link_all every MP analysis of the run builds its model
 * with the same (merged) table, so the first one to run on a file builds it
 * into the file's share and the others reuse it; and the model's project
 * facts (PS_FACT_MP) for the cross-module joins. */
#include <stdlib.h>

#include "analysis/mp_internal.h"
#include "check.h"

static PsParser *parser;
static PsWalker *walker;
static PsArena *arena;
static PsSummary sum;
static PsSource s;

static void no_emit(void *ctx, const PsRule *rule, uint32_t start, uint32_t end, const PsVar *vars, size_t n) {
  (void)rule, (void)start, (void)end, (void)vars, (void)n;
  ++*(int *)ctx;
}

static void test_shared_model(PsRegistry *reg) {
  static const char *const IDS[] = {"MP002", "MP003", "MP004", "MP005", "MP006"};
  PsAnalysis *a[5];
  PsPyVersion target = {3, 14, false}, minpy = {3, 9, false};
  for (size_t i = 0; i < 5; i++) {
    PsError err;
    const PsRule *r = ps_registry_find(reg, IDS[i]);
    CHECK(r != NULL, "rule %s", IDS[i]);
    if (!r || ps_analysis_new(&a[i], r, target, minpy, &err)) return;
  }
  ps_analysis_link_all(a, 5);
  /* One merged table for all five: each row of MP005's and MP002's is in it. */
  const PsMpTable *t0 = ps_mp_table_of(a[0]->state);
  for (size_t i = 1; i < 5; i++) CHECK(ps_mp_table_of(a[i]->state) == t0, "%s shares the table", IDS[i]);
  bool fork_row = false, unpicklable_row = false, manager_row = false;
  for (size_t i = 0; i < t0->n_rows; i++) {
    fork_row |= t0->rows[i].kind == PS_MP_FORK;
    unpicklable_row |= t0->rows[i].kind == PS_MP_UNPICKLABLE;
    manager_row |= t0->rows[i].kind == PS_MP_MANAGER;
  }
  CHECK(fork_row && unpicklable_row && manager_row, "the union of the tables");

  const char *src = "import multiprocessing\nfrom pkg.lib import run\n\n\ndef work(n):\n    return n\n\n\n"
                    "run()\npool = multiprocessing.Pool(2)\npool.map(lambda x: x, [1])\n";
  PsError err;
  CHECK(ps_source_load_bytes(&s, arena, "pkg/mod.py", src, strlen(src), &err) == 0, "load");
  CHECK(ps_source_parse(&s, parser, 0, &err) == 0, "parse");
  ps_walker_summarize(walker, &s, arena, &sum);
  PsFileShare share;
  ps_file_share_init(&share);
  PsFileContext ctx = {&s, &sum, NULL, NULL, arena, false, &share};
  int n = 0;
  PsEmitter em = {no_emit, NULL, &n};
  for (size_t i = 0; i < 5; i++) ps_analysis_run(a[i], &ctx, &em);
  CHECK_INT(share.n, 1); /* one model for the five analyses */
  CHECK(n >= 2, "MP002 and MP003 still report (%d findings)", n);
  /* Its facts: the import-time call leaving the file. */
  PsFileFacts *f = ps_facts_new("pkg/mod.py", "pkg.mod", false);
  ps_file_share_export(&share, &s, &sum, PS_FACT_MP, arena, f);
  CHECK(f->mp != NULL, "MP facts");
  if (f->mp) {
    bool run_call = false;
    for (size_t i = 0; i < f->mp->import_calls.size; i++)
      run_call |= !strcmp(f->mp->import_calls.items[i].callee, "pkg.lib.run");
    CHECK(run_call, "the import-time call of pkg.lib.run");
  }
  ps_facts_delete(f);
  /* Without the share each analysis builds its own (nothing kept). */
  ps_file_share_clear(&share);
  ctx.share = NULL;
  for (size_t i = 0; i < 5; i++) ps_analysis_run(a[i], &ctx, &em);
  CHECK_INT(share.n, 0);
  ps_file_share_free(&share);
  for (size_t i = 0; i < 5; i++) ps_analysis_delete(a[i]);
}

int main(void) {
  PsError err;
  if (ps_parser_new(&parser, &err) != 0) return 1;
  walker = ps_walker_new();
  ps_walker_set_needs(walker, PS_NEED_ALL);
  arena = ps_arena_new(0);
  ps_summary_init(&sum);
  PsRegistry *reg = ps_registry_new();
  CHECK(ps_registry_load_dir(reg, PS_SOURCE_DIR "/rules/multiprocessing", NULL, NULL) == 0, "MP rules load");
  test_shared_model(reg);
  ps_registry_delete(reg);
  ps_summary_free(&sum);
  ps_walker_delete(walker);
  ps_source_release(&s);
  ps_arena_delete(arena);
  ps_parser_delete(parser);
  return CHECK_DONE();
}
