/* analyses.c: the registry of built-in analyses and their configuration.
 *
 * A rule switches an analysis on with `analysis: {name: ..., params}` and
 * may give it a ```table. Configuration validates both against the rule
 * file (errors point at the parameter or row) and keeps only what applies
 * to this run's versions, so per-file work never checks versions.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_internal.h"
#include "analysis/mp_internal.h"

static const PsAnalysisClass *const CLASSES[] = {
    &ps_analysis__removed_modules,
    &ps_analysis__removed_apis,
    &ps_analysis__typing_modern,
    &ps_analysis__project_calls,
    /* MP (multiprocessing under 3.14's forkserver default): mp_internal.h */
    &ps_analysis__mp_unpicklable,
    &ps_analysis__mp_unguarded_start,
    &ps_analysis__mp_main_only_global,
    &ps_analysis__mp_fork_with_threads,
    &ps_analysis__mp_fork_start_method,
    &ps_analysis__mp_thread_candidate,
    &ps_analysis__free_threading,
};

const char *const *ps_analysis_names(void) {
  static const char *names[sizeof CLASSES / sizeof CLASSES[0] + 1];
  for (size_t i = 0; i < sizeof CLASSES / sizeof CLASSES[0]; i++) names[i] = CLASSES[i]->name;
  return names;
}

const char *ps_analysis__param(const PsRule *rule, const char *key, const char *dflt) {
  const PsParam *p = ps_rule_param(rule, key);
  return p && p->n_values == 1 ? p->values[0] : dflt;
}

int ps_analysis__rule_error(PsError *err, const PsRule *rule, int line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ps_error_vset(err, PS_E_RULE, rule->path, line, line ? 1 : 0, fmt, ap);
  va_end(ap);
  ps_error_set_context_at_line(err, rule->text, rule->text_len, line, 1);
  return PS_E_RULE;
}

int ps_analysis_new(PsAnalysis **out, const PsRule *rule, PsPyVersion target, PsPyVersion min_python,
                    PsError *err) {
  *out = NULL;
  const PsAnalysisClass *cls = NULL;
  for (size_t i = 0; i < sizeof CLASSES / sizeof CLASSES[0]; i++)
    if (!strcmp(CLASSES[i]->name, rule->analysis)) cls = CLASSES[i];
  if (!cls) {
    PsBuf names = PS_BUF_INIT;
    for (size_t i = 0; i < sizeof CLASSES / sizeof CLASSES[0]; i++)
      ps_buf_printf(&names, "%s%s", i ? ", " : "", CLASSES[i]->name);
    int rc = ps_analysis__rule_error(err, rule, rule->analysis_line, "unknown analysis `%s` (known: %s)",
                                     rule->analysis, names.data);
    ps_buf_free(&names);
    return rc;
  }
  /* Reject parameters the analysis does not take. */
  for (size_t i = 0; i < rule->n_params; i++) {
    bool ok = false;
    for (const char *const *k = cls->params; k && *k; k++) ok |= !strcmp(*k, rule->params[i].key);
    if (!ok)
      return ps_analysis__rule_error(err, rule, rule->params[i].line, "analysis `%s` has no parameter `%s`",
                                     cls->name, rule->params[i].key);
  }
  PsAnalysis *self = ps_xcalloc(1, sizeof *self);
  self->cls = cls;
  self->rule = rule;
  self->facts = cls->facts;
  int rc = cls->configure(self, target, min_python, err);
  if (rc) {
    ps_analysis_delete(self);
    return rc;
  }
  *out = self;
  return 0;
}

void ps_analysis_delete(PsAnalysis *self) {
  if (!self) return;
  if (self->cls && self->cls->free_state) self->cls->free_state(self->state);
  free(self->prefilter);
  free(self->gates);
  free(self->fact_gates);
  for (char **w = self->gate_words; w && *w; w++) free(*w);
  free(self->gate_words);
  free(self);
}

static bool same(const char *a, const char *b) { return (!a && !b) || (a && b && !strcmp(a, b)); }

void ps_analysis__add_gate(PsAnalysis *self, const char *w0, unsigned how0, const char *w1, unsigned how1,
                           const char *w2, unsigned how2, const char *re) {
  /* Drop repeated words (a.a.b), then duplicates of whole gates. */
  if (w1 && same(w1, w0)) w1 = NULL;
  if (w2 && (same(w2, w0) || same(w2, w1))) w2 = NULL;
  PsWordGate g = {{w0, w1, w2}, {(unsigned char)(w0 ? how0 : 0), (unsigned char)(w1 ? how1 : 0),
                                  (unsigned char)(w2 ? how2 : 0)}, re};
  for (size_t i = 0; i < self->n_gates; i++) {
    const PsWordGate *o = &self->gates[i];
    if (same(o->w[0], g.w[0]) && same(o->w[1], g.w[1]) && same(o->w[2], g.w[2]) && same(o->re, re) &&
        !memcmp(o->how, g.how, sizeof g.how))
      return;
  }
  self->gates = ps_xrealloc(self->gates, (self->n_gates + 1) * sizeof *self->gates);
  self->gates[self->n_gates++] = g;
}

const char *ps_analysis__keep(PsAnalysis *self, const char *s, size_t n) {
  size_t k = 0;
  while (self->gate_words && self->gate_words[k]) k++;
  self->gate_words = ps_xrealloc(self->gate_words, (k + 2) * sizeof(char *));
  self->gate_words[k] = ps_xstrndup(s, n);
  self->gate_words[k + 1] = NULL;
  return self->gate_words[k];
}

size_t ps_analysis_gates(const PsAnalysis *self, const PsWordGate **out) {
  *out = self->gates;
  return self->n_gates;
}

const char *ps_analysis_prefilter(const PsAnalysis *self) { return self->prefilter; }

unsigned ps_analysis_needs(const PsAnalysis *self) { return self->cls->needs; }

bool ps_analysis_is_empty(const PsAnalysis *self) { return self->empty; }

void ps_analysis_run(const PsAnalysis *self, const PsFileContext *ctx, const PsEmitter *emit) {
  if (!self->empty) self->cls->run(self, ctx, emit);
}

unsigned ps_analysis_facts(const PsAnalysis *self) { return self->empty ? 0 : self->facts; }

const PsRule *ps_analysis_rule(const void *analysis) { return ((const PsAnalysis *)analysis)->rule; }

void ps_analysis_copy_facts(const PsAnalysis *self, const PsFileContext *ctx, PsFileFacts *f) {
  if (!self->empty && self->facts && self->cls->copy_facts) self->cls->copy_facts(self, ctx, f);
}

void ps_analysis_link_all(PsAnalysis *const *analyses, size_t n) {
  for (size_t i = 0; i < n; i++) {
    void (*link)(PsAnalysis *const *, size_t) = analyses[i]->cls->link;
    if (!link || analyses[i]->empty) continue;
    bool seen = false;
    for (size_t k = 0; k < i && !seen; k++) seen = !analyses[k]->empty && analyses[k]->cls->link == link;
    if (!seen) link(analyses, n);
  }
}


size_t ps_analysis_fact_gates(const PsAnalysis *self, const PsWordGate **out) {
  *out = self->fact_gates;
  return self->n_fact_gates;
}

void ps_analysis_join_all(PsAnalysis *const *analyses, size_t n, const PsJoinContext *ctx,
                          const PsProjectEmitter *emit) {
  const PsAnalysis **same = ps_xcalloc(n + 1, sizeof *same);
  for (size_t i = 0; i < n; i++) {
    const PsAnalysisClass *cls = analyses[i]->cls;
    if (!cls->join || !ps_analysis_facts(analyses[i])) continue;
    bool seen = false;
    for (size_t k = 0; k < i && !seen; k++) seen = analyses[k]->cls == cls && ps_analysis_facts(analyses[k]);
    if (seen) continue; /* its class already joined */
    size_t m = 0;
    for (size_t k = i; k < n; k++)
      if (analyses[k]->cls == cls && ps_analysis_facts(analyses[k])) same[m++] = analyses[k];
    cls->join(same, m, ctx, emit);
  }
  free(same);
}

/* The analyses of one class with a join, as ps_analysis_join_all groups them. */
static size_t same_class(PsAnalysis *const *analyses, size_t n, size_t i, const PsAnalysis **same) {
  const PsAnalysisClass *cls = analyses[i]->cls;
  if (!cls->join || !ps_analysis_facts(analyses[i])) return 0;
  for (size_t k = 0; k < i; k++)
    if (analyses[k]->cls == cls && ps_analysis_facts(analyses[k])) return 0; /* grouped already */
  size_t m = 0;
  for (size_t k = i; k < n; k++)
    if (analyses[k]->cls == cls && ps_analysis_facts(analyses[k])) same[m++] = analyses[k];
  return m;
}

void ps_analysis_wanted_all(PsAnalysis *const *analyses, size_t n, PsProjectIndex *ix,
                            void (*want)(void *, const char *), void *wctx) {
  const PsAnalysis **same = ps_xcalloc(n + 1, sizeof *same);
  for (size_t i = 0; i < n; i++) {
    size_t m = analyses[i]->cls->wanted ? same_class(analyses, n, i, same) : 0;
    if (m) analyses[i]->cls->wanted(same, m, ix, want, wctx);
  }
  free(same);
}

typedef struct VarList {
  const PsVar *vars;
  size_t n;
} VarList;

static const char *var_lookup(void *ctx, const char *name, size_t len, size_t *out_len) {
  const VarList *v = ctx;
  for (size_t i = 0; i < v->n; i++)
    if (strlen(v->vars[i].name) == len && !memcmp(v->vars[i].name, name, len)) {
      *out_len = strlen(v->vars[i].value);
      return v->vars[i].value;
    }
  return NULL;
}

char *ps_analysis_message(const PsRule *rule, const PsVar *vars, size_t n_vars) {
  VarList v = {vars, n_vars};
  return ps_template_render(rule->meta.message, var_lookup, &v);
}

/* ---- values shared by a file's analyses --------------------------------------- */

void ps_file_share_init(PsFileShare *self) {
  memset(self, 0, sizeof *self);
  self->arena = ps_arena_new(64 * 1024);
}

void ps_file_share_clear(PsFileShare *self) {
  for (size_t i = 0; i < self->n; i++)
    if (self->slots[i].drop) self->slots[i].drop(self->slots[i].value);
  self->n = 0;
  ps_arena_reset(self->arena);
}

void ps_file_share_free(PsFileShare *self) {
  if (!self || !self->arena) return;
  ps_file_share_clear(self);
  ps_arena_delete(self->arena);
  self->arena = NULL;
}

void *ps_file_share_get(const PsFileShare *self, const void *key) {
  for (size_t i = 0; self && i < self->n; i++)
    if (self->slots[i].key == key) return self->slots[i].value;
  return NULL;
}

bool ps_file_share_put(PsFileShare *self, const void *key, void *value, void (*drop)(void *),
                       void (*export)(void *, const PsSource *, const PsSummary *, unsigned, PsArena *, struct PsFileFacts *)) {
  if (!self || self->n == PS_FILE_SHARE_SLOTS) return false;
  self->slots[self->n].key = key;
  self->slots[self->n].value = value;
  self->slots[self->n].drop = drop;
  self->slots[self->n].export = export;
  self->n++;
  return true;
}

void ps_file_share_export(PsFileShare *self, const PsSource *src, const PsSummary *summary, unsigned what,
                          PsArena *scratch, struct PsFileFacts *facts) {
  for (size_t i = 0; self && i < self->n; i++)
    if (self->slots[i].export) self->slots[i].export(self->slots[i].value, src, summary, what, scratch, facts);
}
