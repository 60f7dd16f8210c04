/* analysis_internal.h: the contract between analyses.c and each analysis. */
#ifndef PS_ANALYSIS_INTERNAL_H
#define PS_ANALYSIS_INTERNAL_H

#include "analysis/analysis.h"

typedef struct PsAnalysisClass {
  const char *name;
  const char *const *params; /* accepted parameter names, NULL-terminated */
  unsigned needs;            /* PS_NEED_* the run reads from the summary */
  /* Reads self->rule's params and table; sets self->state, self->prefilter
   * (heap PCRE2 source or NULL) and self->empty. */
  int (*configure)(PsAnalysis *self, PsPyVersion target, PsPyVersion min_python, PsError *err);
  void (*run)(const PsAnalysis *self, const PsFileContext *ctx, const PsEmitter *emit);
  void (*free_state)(void *state);
  /* Project analyses: the PS_FACT_* the join reads (0: no join), and the
   * join itself, run once per run with every configured analysis of the
   * class (all[0..n), n >= 1) after the last file. */
  unsigned facts;
  void (*join)(const PsAnalysis *const *all, size_t n, const PsJoinContext *ctx, const PsProjectEmitter *emit);
  /* Optional: the analysis' own facts of a file it was active in, copied
   * into f after the engine's (ps_summary_copy_facts), with the summary
   * and the text alive; scratch in ctx->arena (rewound after). */
  void (*copy_facts)(const PsAnalysis *self, const PsFileContext *ctx, PsFileFacts *f);
  /* Optional: before the join, the qualified names whose modules the join
   * still needs facts of (want(wctx, name) for each), read from the index
   * so far; called again after those files are added, until none is new. */
  void (*wanted)(const PsAnalysis *const *all, size_t n, PsProjectIndex *ix, void (*want)(void *, const char *),
                 void *wctx);
  /* After every rule's analysis is configured: called once per distinct
   * `link` with all of the run's analyses (non-empty ones), so analyses of
   * several classes can share configuration (the MP analyses' one table
   * and per-file model). NULL: none. */
  void (*link)(PsAnalysis *const *all, size_t n);
} PsAnalysisClass;

struct PsAnalysis {
  const PsAnalysisClass *cls;
  const PsRule *rule;
  void *state;
  char *prefilter;
  bool empty;
  unsigned facts;    /* PS_FACT_* its join reads: cls->facts unless configure clears it (0: no join) */
  PsWordGate *gates; /* heap; the words point into the rule's table or `gate_words` */
  size_t n_gates;
  char **gate_words; /* heap strings the gates own, NULL-terminated, or NULL */
  PsWordGate *fact_gates; /* heap: files whose facts the join needs (see ps_analysis_fact_gates) */
  size_t n_fact_gates;
};

/* Adds a gate: words w0..w2 (NULL: none) seen as how0..how2 (PS_WORD_*).
 * Words are not copied: they must outlive the analysis. */
void ps_analysis__add_gate(PsAnalysis *self, const char *w0, unsigned how0, const char *w1, unsigned how1,
                           const char *w2, unsigned how2, const char *re);
/* A copy of n bytes of s kept by the analysis, for gate words. */
const char *ps_analysis__keep(PsAnalysis *self, const char *s, size_t n);

/* The value of a scalar parameter of the rule's `analysis:`, or dflt. */
const char *ps_analysis__param(const PsRule *rule, const char *key, const char *dflt);

/* An error at `line` of the rule file, with that line as context. */
int ps_analysis__rule_error(PsError *err, const PsRule *rule, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

struct PsFtVocab;
/* Adds the free-threading vocabulary rows of rule r's table (columns kind,
 * name, detail, extra; only the rows of kind `only` when it is not NULL) to
 * v. On a bad row: -1, its file line in *bad_line and the reason in why. */
int ps_analysis__ft_vocab_rows(struct PsFtVocab *v, const PsRule *r, const char *only, int *bad_line, char *why,
                               size_t why_size);
/* Adds the [tool.pyshift.ft] rows ("kind\tname[\tdetail[\textra]]",
 * checked when the configuration was read) to v. */
void ps_analysis__ft_vocab_config(struct PsFtVocab *v, const char *const *rows, size_t n);

/* 1 if a table row removed in `version` ("3.13" or "future") applies to
 * this run (when: removed -> version <= target; when: pending -> version >
 * target or future), 0 if not, -1 if the version is invalid. *removal gets
 * a heap "in Python 3.16" / "in a future Python version". */
int ps_analysis__row_applies(const char *version, bool pending, PsPyVersion target, char **removal);

/* A rule's ```table importable (fallback.c): standard-library names that
 * import on every Python 3 minor from `since` on. */
typedef struct PsImportable {
  const char **names; /* borrowed from the rule's table */
  int *since;         /* minors */
  size_t n;
} PsImportable;
/* Reads r's importable table (none: an empty one). PS_E_RULE for a table
 * without `name`/`since` columns or a bad version. */
int ps_analysis__importable(const PsRule *r, PsImportable *out, PsError *err);
void ps_importable_free(PsImportable *t);
/* Is `pos` in an `except ImportError:` handler whose try body imports only
 * names of t that import on every minor of `window` (the minors where a
 * removal matters)? Then the handler never runs there: a dead fallback. */
bool ps_analysis__dead_fallback(const PsImportable *t, const PsSummary *s, uint32_t pos, uint64_t window);

extern const PsAnalysisClass ps_analysis__removed_modules;
extern const PsAnalysisClass ps_analysis__removed_apis;
extern const PsAnalysisClass ps_analysis__typing_modern;
extern const PsAnalysisClass ps_analysis__project_calls;
extern const PsAnalysisClass ps_analysis__free_threading;

#endif
