/* free_threading.c: the `free-threading` analysis (the FT rules), a
 * project analysis: the walk collects each file's free-threading facts
 * (walk_ft.c, ft_facts.c), and the join runs the race analysis of
 * scanner/ft over them once, with every configured FT rule.
 *
 * Each rule names the race it reports with `race:` and carries the
 * vocabulary table (columns kind, name, detail, extra; see ps_ft_vocab_add):
 * the join reads the union of the configured rules' tables and the rows of
 * `[tool.pyshift.ft]`. Message variables: {object} (the shared object),
 * {defined} (where), {op} (the access reported), {detail} (what it races
 * with), {fix}, {confidence}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_internal.h"
#include "ft/ft.h"

static const char *const RACES[PS_FT_N_RACES] = {
    NULL, "mutation", "read-modify-write", "check-then-act", "iteration", "class-state", "locking", "instance-state",
    "shared-iterator",
};

typedef struct State {
  PsFtRace race;
  int target_minor;
} State;

static const char *const PARAMS[] = {"race", NULL};

static void free_state(void *p) { free(p); }

static int configure(PsAnalysis *self, PsPyVersion target, PsPyVersion min_python, PsError *err) {
  (void)min_python;
  const PsRule *r = self->rule;
  const char *race = ps_analysis__param(r, "race", NULL);
  State *s = ps_xcalloc(1, sizeof *s);
  self->state = s;
  s->target_minor = target.minor;
  for (int i = 1; i < PS_FT_N_RACES && race; i++)
    if (!strcmp(RACES[i], race)) s->race = (PsFtRace)i;
  if (!s->race)
    return ps_analysis__rule_error(err, r, r->analysis_line,
                                   "analysis `free-threading` needs `race:` (mutation, read-modify-write, "
                                   "check-then-act, iteration, class-state, locking, instance-state, shared-iterator)");
  const PsTable *t = &r->table;
  int ck = ps_table_col(t, "kind"), cn = ps_table_col(t, "name");
  if (!t->cols || ck < 0 || cn < 0)
    return ps_analysis__rule_error(err, r, r->analysis_line,
                                   "analysis `free-threading` needs a ```table with columns kind, name, detail, extra");
  /* Check the rows now: a bad vocabulary is a rule error, not a silent miss. */
  PsFtVocab *v = ps_ft_vocab_new();
  char why[256];
  int bad = 0;
  int rc = ps_analysis__ft_vocab_rows(v, r, NULL, &bad, why, sizeof why);
  ps_ft_vocab_delete(v);
  return rc ? ps_analysis__rule_error(err, r, bad, "%s", why) : 0;
}

void ps_analysis__ft_vocab_config(PsFtVocab *v, const char *const *rows, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char *row = ps_xstrdup(rows[i]);
    char *cells[4] = {NULL, NULL, NULL, NULL}, *save = NULL;
    int k = 0;
    for (char *p = strtok_r(row, "\t", &save); p && k < 4; p = strtok_r(NULL, "\t", &save)) cells[k++] = p;
    char why[256];
    if (k >= 2) ps_ft_vocab_add(v, cells[0], cells[1], cells[2], cells[3], why, sizeof why);
    free(row);
  }
}

int ps_analysis__ft_vocab_rows(PsFtVocab *v, const PsRule *r, const char *only, int *bad_line, char *why,
                               size_t why_size) {
  const PsTable *t = &r->table;
  int ck = ps_table_col(t, "kind"), cn = ps_table_col(t, "name"), cd = ps_table_col(t, "detail"),
      ce = ps_table_col(t, "extra");
  if (ck < 0 || cn < 0) return 0;
  for (size_t i = 0; i < t->n_rows; i++) {
    if (only && strcmp(t->rows[i][ck], only)) continue;
    if (ps_ft_vocab_add(v, t->rows[i][ck], t->rows[i][cn], cd >= 0 ? t->rows[i][cd] : "", ce >= 0 ? t->rows[i][ce] : "",
                        why, why_size)) {
      *bad_line = t->row_lines[i];
      return -1;
    }
  }
  return 0;
}

static void run(const PsAnalysis *self, const PsFileContext *ctx, const PsEmitter *emit) {
  (void)self;
  (void)ctx;
  (void)emit;
}

typedef struct EmitCtx {
  const PsAnalysis *const *all;
  size_t n;
  const PsProjectEmitter *emit;
} EmitCtx;

static PsProjectLocation loc(const PsFtLoc *l) { return (PsProjectLocation){l->path, l->start, l->end, l->message}; }

static void on_finding(void *p, const PsFtFinding *f) {
  const EmitCtx *e = p;
  for (size_t a = 0; a < e->n; a++) {
    const State *s = e->all[a]->state;
    if (s->race != f->race) continue;
    const PsRule *rule = e->all[a]->rule;
    PsVar vars[] = {{"object", f->object}, {"defined", f->defined}, {"op", f->op},       {"detail", f->detail},
                    {"fix", f->fix ? f->fix : ""}, {"confidence", f->high ? "high" : "medium"}};
    size_t nv = sizeof vars / sizeof vars[0];
    PsProjectLocation at = loc(&f->at);
    if (getenv("PYSHIFT_FT_DEBUG"))
    {
      fprintf(stderr, "FTDBG\t%s\t%u\t%s\t%s\n", f->at.path, (unsigned)f->at.start.line, rule->meta.id,
              f->high ? "high" : "medium");
      for (size_t i = 0; i < f->n_flows; i++) {
        fprintf(stderr, "FTDBG-FLOW\t%s\n", f->flows[i].message);
        for (size_t k = 0; k < f->flows[i].n_steps; k++)
          fprintf(stderr, "FTDBG-STEP\t  %s:%u %s\n", f->flows[i].steps[k].path, (unsigned)f->flows[i].steps[k].start.line,
                  f->flows[i].steps[k].message);
      }
      for (size_t i = 0; i < f->n_notes; i++) fprintf(stderr, "FTDBG-NOTE\t%s\n", f->notes[i]);
    }
    PsProjectLocation *rel = ps_xcalloc(f->n_related + 1, sizeof *rel);
    for (size_t i = 0; i < f->n_related; i++) rel[i] = loc(&f->related[i]);
    if (e->emit->emit_finding) {
      PsProjectFlow *flows = ps_xcalloc(f->n_flows + 1, sizeof *flows);
      PsProjectLocation **steps = ps_xcalloc(f->n_flows + 1, sizeof *steps);
      for (size_t i = 0; i < f->n_flows; i++) {
        steps[i] = ps_xcalloc(f->flows[i].n_steps + 1, sizeof **steps);
        for (size_t k = 0; k < f->flows[i].n_steps; k++) steps[i][k] = loc(&f->flows[i].steps[k]);
        flows[i] = (PsProjectFlow){f->flows[i].message, steps[i], f->flows[i].n_steps};
      }
      PsProjectFinding pf = {rule, at, vars, nv, rel, f->n_related, flows, f->n_flows, f->high ? "high" : "medium",
                             f->high ? 90.0 : 50.0, f->notes, f->n_notes};
      e->emit->emit_finding(e->emit->ctx, &pf);
      for (size_t i = 0; i < f->n_flows; i++) free(steps[i]);
      free(steps);
      free(flows);
    } else {
      e->emit->emit(e->emit->ctx, rule, &at, vars, nv, rel, f->n_related);
    }
    free(rel);
  }
}

static void join(const PsAnalysis *const *all, size_t n, const PsJoinContext *ctx, const PsProjectEmitter *emit) {
  PsFtVocab *v = ps_ft_vocab_new();
  PsFtOptions opts = {0};
  opts.mode = (PsFtMode)ctx->ft_mode;
  for (size_t a = 0; a < n; a++) {
    const State *s = all[a]->state;
    opts.races[s->race] = true;
    opts.target_minor = s->target_minor;
    char why[256];
    int bad;
    (void)ps_analysis__ft_vocab_rows(v, all[a]->rule, NULL, &bad, why, sizeof why); /* checked when configured */
  }
  ps_analysis__ft_vocab_config(v, ctx->ft_rows, ctx->n_ft_rows);
  EmitCtx e = {all, n, emit};
  ps_ft_analyze(ctx->index, v, &opts, on_finding, &e);
  ps_ft_vocab_delete(v);
}

const PsAnalysisClass ps_analysis__free_threading = {
    .name = "free-threading",
    .params = PARAMS,
    .needs = PS_NEED_BINDINGS | PS_NEED_FT,
    .configure = configure,
    .run = run,
    .free_state = free_state,
    .facts = PS_FACT_FT | PS_FACT_IMPORTS, /* imports: re-exports (ps_project_index_canonical) */
    .join = join,
};
