/* analysis.h: the per-file summary and the built-in analyses.
 *
 * One walk of the syntax tree per file (TSTreeCursor, dispatch by node
 * symbol) fills a PsSummary: imports with their guards, definitions, calls
 * and module-level bindings. Built-in analyses, switched on and configured by
 * rule files (`analysis:` in the front matter plus an optional data table),
 * read the summary and emit findings. The summary is compact and plain so a
 * later project-wide pass can combine the summaries of every file.
 *
 * Lifetimes: an analysis' configured state lives for the process and is
 * read-only during the scan; a PsSummary belongs to one worker and is
 * cleared per file; its strings live in the file arena.
 */
#ifndef PS_ANALYSIS_ANALYSIS_H
#define PS_ANALYSIS_ANALYSIS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "core/strmap.h"
#include "parse/parse.h"
#include "project/project.h"
#include "rules/rules.h"

/* Why an import may not run on the target: it sits under a fallback. */
enum {
  PS_GUARD_TRY_IMPORT_ERROR = 1u << 0, /* try: whose handler catches ImportError */
  PS_GUARD_VERSION_OLD = 1u << 1,      /* branch that runs only on an older Python */
  PS_GUARD_TYPE_CHECKING = 1u << 2,    /* if TYPE_CHECKING: */
  PS_GUARD_VERSION_NEW = 1u << 3,      /* branch that runs only on a newer Python */
  PS_GUARD_TRY_ATTRIBUTE_ERROR = 1u << 4, /* try: whose handler catches AttributeError */
  PS_GUARD_TRY_TYPE_ERROR = 1u << 5,   /* try: whose handler catches TypeError */
  PS_GUARD_TRY_BROAD = 1u << 6,        /* try: whose handler is bare or catches (Base)Exception:
                                          guards nothing a removal raises (issue 12) */
  PS_RESOLVED_VIA_INSTANCE = 1u << 8,  /* resolution went through `x = Class(...)` */
};

/* The try flags end at a function body inside the try: the body runs when
 * the function is called, outside the handler. */
#define PS_GUARD_TRY_ANY \
  (PS_GUARD_TRY_IMPORT_ERROR | PS_GUARD_TRY_ATTRIBUTE_ERROR | PS_GUARD_TRY_TYPE_ERROR | PS_GUARD_TRY_BROAD)

/* Where code can run, as a set of Python 3 minor versions: bit N is 3.N
 * (N < 64). A version test's branch, the code after an early
 * `return`/`raise` under one, and `if TYPE_CHECKING:` (never at run time)
 * narrow it (PsGuardRange, ps_summary_runs_at). */
#define PS_RUNS_ALL UINT64_MAX
/* The minors from..to (inclusive; from > to is just `to`). */
static inline uint64_t ps_runs_window(int from, int to) {
  if (to < 0) return 0;
  if (to > 63) to = 63;
  if (from > to) from = to;
  if (from < 0) from = 0;
  uint64_t hi = to == 63 ? PS_RUNS_ALL : ((uint64_t)1 << (to + 1)) - 1;
  return hi & ~(((uint64_t)1 << from) - 1);
}

/* Bytes [start, end) run only on the minors in `runs`; or, with `tested`,
 * only where a feature test found the attribute (`if hasattr(ssl,
 * "wrap_socket"):`, `... if hasattr(...) else ...`). */
typedef struct PsGuardRange {
  uint32_t start, end;
  uint64_t runs;
  const char *tested; /* the attribute name hasattr() tested, or NULL */
  /* An `except ImportError:` handler after a try body of imports only:
   * what the body imports, "html.escape,json" (the handler runs only where
   * one of them fails; ps_analysis__dead_fallback), or NULL. */
  const char *fallback_of;
  /* A try body: the PS_GUARD_TRY_* bits of what its handlers catch (the
   * statements it protects; ps_summary_caught_at), or 0. */
  unsigned catches;
} PsGuardRange;
/* PsGuardRange.catches of a def body inside a try body: not protected. */
#define PS_CATCHES_NONE (1u << 31)

typedef enum PsImportKind {
  PS_IMPORT_MODULE,  /* import a.b [as c] */
  PS_IMPORT_FROM,    /* from a.b import c [as d] / from a import * */
  PS_IMPORT_DYNAMIC, /* __import__("a.b") / importlib.import_module("a.b") */
} PsImportKind;

typedef struct PsImport {
  PsImportKind kind;
  const char *module;  /* dotted module ("" for `from . import x`) */
  const char *name;    /* FROM: imported name or "*"; else NULL */
  const char *alias;   /* `as` name or NULL */
  int level;           /* leading dots of a relative import */
  uint32_t start, end; /* bytes of the module node (or the string literal) */
  uint32_t name_start, name_end; /* FROM: bytes of the imported name */
  unsigned guards;     /* PS_GUARD_* */
  uint32_t guard_line; /* line of the innermost guard (try/if), 0 if none */
  uint16_t version_below; /* VERSION_OLD: runs only below 3.N, as 300 + N */
  bool module_level;   /* not inside a def or class body */
  const char *scope;   /* enclosing def/class qualified name, "" at module level */
} PsImport;

typedef enum PsDefKind { PS_DEF_FUNCTION, PS_DEF_CLASS, PS_DEF_ASSIGN } PsDefKind;

typedef struct PsDef {
  PsDefKind kind;
  const char *name;     /* qualified within the file: "C.method" */
  uint32_t start, end;
  bool module_level;
  const char *bases;    /* CLASS: base expressions as written, comma-joined ("" if none) */
} PsDef;

typedef struct PsCall {
  const char *callee;   /* dotted callee text when it is a name or attribute chain */
  uint32_t start, end;  /* bytes of the call */
  const char *scope;    /* enclosing def's qualified name, or "" at module level */
  uint32_t callee_start, callee_end;
  unsigned guards;
  uint16_t version_below;
} PsCall;

/* A keyword argument of calls[call]. */
typedef struct PsKwarg {
  uint32_t call;
  const char *name;
  uint32_t start, end;  /* bytes of `name=value` */
} PsKwarg;

/* A dotted attribute chain read somewhere (`ut.makeSuite`, `self.assertEquals`),
 * outermost chains only. */
typedef struct PsRef {
  const char *chain;
  uint32_t start, end;
  const char *scope;
  unsigned guards;
  uint16_t version_below;
} PsRef;

typedef enum PsBindingKind {
  PS_BIND_IMPORT, /* target: the qualified name the local name stands for */
  PS_BIND_CALL,   /* `x = f(...)`: target is the callee as written */
  PS_BIND_OTHER,  /* parameters, other assignments, defs, loop and with targets */
} PsBindingKind;

/* A local name bound in a scope. */
typedef struct PsBinding {
  PsBindingKind kind;
  const char *name;
  const char *scope;
  const char *target;
  unsigned guards;
  uint16_t version_below;
} PsBinding;

typedef enum PsMutationKind {
  PS_MUT_AUGASSIGN,  /* x += 1, obj.n -= 1, d[k] |= v */
  PS_MUT_SUBSCRIPT,  /* d[k] = v, del d[k] */
  PS_MUT_ATTRIBUTE,  /* obj.attr = v */
  PS_MUT_METHOD,     /* x.append(v), d.setdefault(k, v), s.add(v) ... */
  PS_MUT_GLOBAL,     /* `global x` in a function */
} PsMutationKind;

/* A write to something that may be shared: the FT analyses combine these
 * across files with the calls that threads reach. */
typedef struct PsMutation {
  PsMutationKind kind;
  const char *target;  /* dotted base being mutated: "cache", "self.items", "Registry.seen" */
  uint32_t start, end;
  const char *scope;   /* enclosing def's qualified name, or "" */
} PsMutation;

typedef enum PsAnnotationKind {
  PS_ANN_PARAMETER,   /* def f(x: <here>) */
  PS_ANN_RETURN,      /* def f() -> <here> */
  PS_ANN_VARIABLE,    /* x: <here> = ... */
  PS_ANN_TYPE_STRING, /* a string holding a type: cast("T", v), X: TypeAlias = "T" */
} PsAnnotationKind;

/* An annotation (the `type` node) or a type-holding string. */
typedef struct PsAnnotation {
  PsAnnotationKind kind;
  uint32_t start, end;
  const char *scope;  /* where its names are looked up */
  bool local;         /* a variable annotation in a function body: never evaluated */
  bool quoted;        /* holds a string literal (a quote character) */
} PsAnnotation;

struct PsFtRaw; /* walk_ft.h: the free-threading facts as written (PS_NEED_FT) */

typedef struct PsSummary {
  Array(PsImport) imports;
  Array(PsDef) defs;        /* functions, classes and module-level assignments */
  Array(PsCall) calls;
  Array(PsMutation) mutations;
  Array(PsKwarg) kwargs;
  Array(PsRef) refs;
  Array(PsBinding) bindings;
  Array(PsAnnotation) annotations; /* PS_NEED_ANNOTATIONS */
  Array(PsGuardRange) guard_ranges; /* version and TYPE_CHECKING ranges (always) */
  /* Bindings by name (for resolution): each name to the first of its
   * bindings and, per binding, the next one with the same name, in file
   * order; index + 1, 0 ends. Read it with ps_summary_first_binding. */
  PsStrMap bind_index;
  Array(uint32_t) bind_next;
  /* The qualified names of the class defs, for resolution's scope walk;
   * current while class_defs == defs.size (else a scan). */
  PsStrMap class_index;
  size_t class_defs;
  struct PsFtRaw *ft;       /* PS_NEED_FT, else NULL or stale */
} PsSummary;

/* Resolves a dotted chain read in `scope` to the qualified name it stands
 * for through this file's imports (`ut.makeSuite` -> "unittest.makeSuite")
 * and constructor-assigned names (`cp.readfp` after `cp =
 * configparser.ConfigParser()` -> "configparser.ConfigParser.readfp").
 * NULL when the head is unbound, bound to something else (a parameter, a
 * local assignment: shadowed), or ambiguous. *guards receives the guards of
 * the binding (a guarded import makes its uses guarded too). The result is
 * in `arena`. */
const char *ps_summary_resolve(const PsSummary *s, const char *chain, const char *scope, PsArena *arena,
                               unsigned *guards);
/* The minors on which code at byte `pos` can run (PS_RUNS_ALL: no version
 * test or TYPE_CHECKING says otherwise). A removal matters only if this
 * meets its window: from the later of the removal and --min-python up to
 * the target (a pending removal: the target alone). */
uint64_t ps_summary_runs_at(const PsSummary *s, uint32_t pos);
/* Does code at `pos` run only where hasattr() found attribute `name`? */
bool ps_summary_feature_tested(const PsSummary *s, uint32_t pos, const char *name);
/* The PS_GUARD_TRY_* bits of the handlers of every try body around `pos`. */
unsigned ps_summary_caught_at(const PsSummary *s, uint32_t pos);
/* Rebuilds the by-name index of s->bindings (the walk does it; call it
 * after changing bindings by hand). Resolution falls back to a scan when
 * the index is stale. */
void ps_summary__index_bindings(PsSummary *s);

/* Is the by-name index current (else lookups scan the bindings)? */
static inline bool ps_summary__bindings_indexed(const PsSummary *s) {
  return s->bind_index.cap && s->bind_next.size == s->bindings.size;
}
/* The first binding named p[0..n) in file order, as index + 1, or 0. */
static inline uint32_t ps_summary_first_binding(const PsSummary *s, const char *p, size_t n) {
  if (!ps_summary__bindings_indexed(s)) {
    for (size_t i = 0; i < s->bindings.size; i++) {
      const char *nm = s->bindings.items[i].name;
      if (!strncmp(nm, p, n) && nm[n] == '\0') return (uint32_t)i + 1;
    }
    return 0;
  }
  uint64_t v;
  return ps_strmap_find(&s->bind_index, p, n, &v) ? (uint32_t)v : 0;
}
/* The binding after v (index + 1) with the same name p[0..n), or 0. */
static inline uint32_t ps_summary_next_binding(const PsSummary *s, uint32_t v, const char *p, size_t n) {
  if (!ps_summary__bindings_indexed(s)) {
    for (size_t i = v; i < s->bindings.size; i++) {
      const char *nm = s->bindings.items[i].name;
      if (!strncmp(nm, p, n) && nm[n] == '\0') return (uint32_t)i + 1;
    }
    return 0;
  }
  return s->bind_next.items[v - 1];
}
/* Copies what `what` (PS_FACT_*) asks for from the summary of src into f
 * (whose module name is set): strings interned in f, scopes qualified with
 * the module name, positions resolved. Call resolution reads the bindings
 * when the walk collected them; `arena` is scratch for it. */
void ps_summary_copy_facts(const PsSummary *s, const PsSource *src, unsigned what, PsArena *arena,
                           PsFileFacts *f);

/* ---- the per-file budget ------------------------------------------------------ */

/* A deadline on this thread's CPU time (--file-timeout) that every stage of
 * one file's scan polls: parse, summary walk, analyses, queries, fixes. Work
 * loops call ps_deadline_poll once per unit of work (a node, a reference);
 * it reads the clock every PS_DEADLINE_POLL_EVERY calls, so a unit must stay
 * small (no walk from the root per unit). Once expired it stays expired, and
 * the engine reports the file as over budget. */
typedef struct PsDeadline {
  struct timespec at;
  uint64_t budget_us; /* 0: no budget, never expires */
  unsigned polls;
  bool expired;
} PsDeadline;
#define PS_DEADLINE_POLL_EVERY 1024u

/* Starts the clock: the deadline is budget_us from now (0: none). */
void ps_deadline_start(PsDeadline *self, uint64_t budget_us);
/* Reads the clock: true if the deadline has passed. NULL never expires. */
bool ps_deadline_check(PsDeadline *self);
/* Microseconds left, at least 1 (0 only without a budget): for APIs that
 * take a budget rather than a deadline. */
uint64_t ps_deadline_left_us(PsDeadline *self);
static inline bool ps_deadline_poll(PsDeadline *self) {
  if (!self || !self->budget_us) return false;
  if (self->expired) return true;
  if (++self->polls % PS_DEADLINE_POLL_EVERY) return false;
  return ps_deadline_check(self);
}

/* What the analyses of one file share: values built once per text and
 * read by every analysis that needs them (the MP analyses' model), under a
 * key the builder chooses (a pointer it owns). Values and the arena live
 * until the engine scans the next text; `drop` frees a value's heap parts.
 * A value may also add to the text's project facts: `export` is called by
 * the engine's copy-out (ps_file_share_export), before the record is
 * sealed. */
#define PS_FILE_SHARE_SLOTS 4
struct PsFileFacts;
typedef struct PsFileShare {
  PsArena *arena; /* for the values' strings; reset with the share */
  struct {
    const void *key;
    void *value;
    void (*drop)(void *value);
    void (*export)(void *value, const PsSource *src, const PsSummary *summary, unsigned what, PsArena *scratch,
                   struct PsFileFacts *facts);
  } slots[PS_FILE_SHARE_SLOTS];
  size_t n;
} PsFileShare;

void ps_file_share_init(PsFileShare *self);
/* Drops every value and resets the arena (a new text). */
void ps_file_share_clear(PsFileShare *self);
void ps_file_share_free(PsFileShare *self);
/* The value stored under key, or NULL. */
void *ps_file_share_get(const PsFileShare *self, const void *key);
/* Stores value under key (false: no free slot; the caller keeps it). */
bool ps_file_share_put(PsFileShare *self, const void *key, void *value, void (*drop)(void *),
                       void (*export)(void *, const PsSource *, const PsSummary *, unsigned, PsArena *, struct PsFileFacts *));
/* Lets each value with an export add to facts. */
void ps_file_share_export(PsFileShare *self, const PsSource *src, const PsSummary *summary, unsigned what,
                          PsArena *scratch, struct PsFileFacts *facts);

/* Everything an analysis sees for one file. */
typedef struct PsFileContext {
  const PsSource *source;
  const PsSummary *summary;
  /* The project's module layout (NULL: none known): first-party top-level
   * names, through ps_modules_is_first_party. */
  const PsModules *modules;
  /* The file's budget (may be NULL): an analysis polls it in its loops and
   * returns early once it expires (the engine then reports the file). */
  PsDeadline *deadline;
  /* The file arena, for the analysis' scratch: what a run allocates there
   * is released when the run returns (the engine rewinds the arena; emitted
   * findings are copied). */
  PsArena *arena;
  /* copy_facts only: the file is read because a class chain of the join
   * goes through it (ps_engine_scan_facts), not for its own findings. */
  bool chain;
  /* Values built once for this text and shared by its analyses (may be
   * NULL: then each analysis builds its own). */
  PsFileShare *share;
} PsFileContext;

/* Key/value pairs for a message template. */
typedef struct PsVar {
  const char *name;
  const char *value;
} PsVar;

/* The rule's message with `{name}` replaced by the value of the PsVar of
 * that name (heap): what an emitter turns a finding's variables into. */
char *ps_analysis_message(const PsRule *rule, const PsVar *vars, size_t n_vars);

/* One replacement of bytes [start, end) of the decoded text by `text`
 * (start == end: an insertion). */
typedef struct PsByteEdit {
  uint32_t start, end;
  const char *text;
} PsByteEdit;

/* A fix offered with a finding: edits that must be applied together. The
 * edits may not overlap; they need not be sorted. Strings are copied. */
typedef struct PsFixSpec {
  const char *message; /* "Replace with `list`" */
  const PsByteEdit *edits;
  size_t n_edits;
  bool safe;           /* false: applied only with --unsafe-fixes */
} PsFixSpec;

/* Where analyses send findings. `fix` may be NULL. */
typedef struct PsEmitter {
  void (*emit)(void *ctx, const PsRule *rule, uint32_t start, uint32_t end, const PsVar *vars,
               size_t n_vars);
  void (*emit_fix)(void *ctx, const PsRule *rule, uint32_t start, uint32_t end, const PsVar *vars,
                   size_t n_vars, const PsFixSpec *fix);
  void *ctx;
} PsEmitter;

/* A configured analysis: one per enabled rule that names one. */
typedef struct PsAnalysis PsAnalysis;

/* Configures the analysis that `rule` names, for this run's versions.
 * PS_E_RULE (pointing into the rule file) for an unknown analysis or bad
 * parameters or table. */
int ps_analysis_new(PsAnalysis **out, const PsRule *rule, PsPyVersion target, PsPyVersion min_python,
                    PsError *err);
void ps_analysis_delete(PsAnalysis *self);
/* A PCRE2 regex that every file this analysis can report on matches, or
 * NULL (then every file must be parsed). Owned by the analysis. */
const char *ps_analysis_prefilter(const PsAnalysis *self);
/* Word gates: the analysis can only fire on a file that contains, as whole
 * identifiers, every word of at least one gate and
 * matches its regex if it has one. An
 * analysis with gates is admitted by them instead of its prefilter, and the
 * engine runs it only on the files its gates admit. 0: no gates. Owned by
 * the analysis. */
enum {
  PS_WORD_ANY = 1u << 0,     /* anywhere */
  PS_WORD_MEMBER = 1u << 1,  /* after a `.` or inside an import statement */
  PS_WORD_KEYWORD = 1u << 2, /* followed by `=` (not `==`): a keyword argument */
};

typedef struct PsWordGate {
  const char *w[3];     /* NULL-padded */
  unsigned char how[3]; /* PS_WORD_* each word must have been seen as (0: ANY) */
  const char *re;       /* and, if not NULL, this PCRE2 regex matches the text */
} PsWordGate;
size_t ps_analysis_gates(const PsAnalysis *self, const PsWordGate **out);
/* True if the analysis would emit nothing at all this run (e.g. no table row
 * applies to the target): the engine leaves it out. */
bool ps_analysis_is_empty(const PsAnalysis *self);
void ps_analysis_run(const PsAnalysis *self, const PsFileContext *ctx, const PsEmitter *emit);
/* Once all of a run's analyses are configured: lets them share what they
 * can (PsAnalysisClass.link). */
void ps_analysis_link_all(PsAnalysis *const *analyses, size_t n);

/* ---- project analyses: facts and joins ---------------------------------------- */

/* The PS_FACT_* an analysis' join step reads from every file (0: it has no
 * join). The engine copies the union out of each file it scans. */
unsigned ps_analysis_facts(const PsAnalysis *self);
/* The word gates of the files the join needs facts from, even where no
 * per-file rule admits them (same form as ps_analysis_gates; 0 gates and a
 * non-zero ps_analysis_facts: every file). */
size_t ps_analysis_fact_gates(const PsAnalysis *self, const PsWordGate **out);
/* The analysis' own facts of a file it was active in (after
 * ps_summary_copy_facts; nothing for most analyses). */
void ps_analysis_copy_facts(const PsAnalysis *self, const PsFileContext *ctx, PsFileFacts *f);
/* The rule an analysis was configured for (`owner` of a PsFactMethodUse). */
const PsRule *ps_analysis_rule(const void *analysis);
/* The qualified names whose modules' facts the joins still need (a base
 * class imported from a module no gate admitted): want(wctx, name) each. */
void ps_analysis_wanted_all(PsAnalysis *const *analyses, size_t n, PsProjectIndex *ix,
                            void (*want)(void *, const char *), void *wctx);

/* A location in any file, for project findings. */
typedef struct PsProjectLocation {
  const char *path;    /* as displayed (a PsFileFacts path) */
  PsPos start, end;
  const char *message; /* related locations: what happens there */
} PsProjectLocation;

/* Where join steps send findings: at `at`, with related locations in any
 * file. Template variables as for PsEmitter. Strings are copied. */
/* One thread's path (see PsFlow in core/finding.h). */
typedef struct PsProjectFlow {
  const char *message;
  const PsProjectLocation *steps;
  size_t n_steps;
} PsProjectFlow;

/* A project finding with everything an explained finding carries: `emit`
 * is emit_finding with only rule, at, vars and related set. */
typedef struct PsProjectFinding {
  const PsRule *rule;
  PsProjectLocation at;
  const PsVar *vars;
  size_t n_vars;
  const PsProjectLocation *related;
  size_t n_related;
  const PsProjectFlow *flows; /* SARIF codeFlows, one threadFlow each */
  size_t n_flows;
  const char *confidence;     /* "high" | "medium" | NULL (a static string) */
  double rank;                /* SARIF rank, 0 < rank <= 100; 0: none */
  const char *const *notes;   /* explanation lines (locks held, fix hint) */
  size_t n_notes;
} PsProjectFinding;

typedef struct PsProjectEmitter {
  void (*emit)(void *ctx, const PsRule *rule, const PsProjectLocation *at, const PsVar *vars, size_t n_vars,
               const PsProjectLocation *related, size_t n_related);
  /* Everything of PsProjectFinding; strings are copied. */
  void (*emit_finding)(void *ctx, const PsProjectFinding *f);
  void *ctx;
} PsProjectEmitter;

typedef struct PsJoinContext {
  PsProjectIndex *index; /* every scanned file's facts, in path order */
  const PsModules *modules;
  /* The free-threading analysis: --ft-mode (PsFtMode of ft/ft.h) and the
   * vocabulary rows of [tool.pyshift.ft] ("kind\tname\tdetail\textra"). */
  int ft_mode;
  const char *const *ft_rows;
  size_t n_ft_rows;
  /* Every loaded rule, enabled or not (MP001 reads the FT rules' vocabulary
   * from it); may be NULL. */
  const PsRegistry *registry;
} PsJoinContext;

/* Runs the join step of each analysis class among analyses[0..n), once per
 * class with all of that class's configured analyses (one per rule), in
 * the order the classes first appear. */
void ps_analysis_join_all(PsAnalysis *const *analyses, size_t n, const PsJoinContext *ctx,
                          const PsProjectEmitter *emit);
/* Names of the built-in analyses, NULL-terminated (for docs and errors). */
const char *const *ps_analysis_names(void);

/* Edits to `after` (the text after fixes, with its tree) that remove the
 * import items the fixes left unused: names used (as whole words outside
 * import statements) in `before` and no longer in `after`. Statements with
 * comments, wildcard and __future__ imports are left alone. Returns the
 * number of edits; *out and the texts are in `arena`. */
size_t ps_unused_import_edits(const char *before, size_t before_len, const TSTree *before_tree, const char *after,
                              size_t after_len, const TSTree *after_tree, PsArena *arena, PsByteEdit **out);

/* ---- the summary walk ---------------------------------------------------------- */

typedef struct PsWalker PsWalker;

/* What the walk collects beyond imports, defs and calls (always there):
 * each analysis declares what it reads, the engine passes the union. */
enum {
  PS_NEED_REFS = 1u << 0,      /* attribute chains */
  PS_NEED_BINDINGS = 1u << 1,  /* local bindings, for resolution */
  PS_NEED_KWARGS = 1u << 2,    /* keyword arguments of calls */
  PS_NEED_MUTATIONS = 1u << 3, /* writes to possibly shared state */
  PS_NEED_ANNOTATIONS = 1u << 4, /* annotations and type strings */
  PS_NEED_ALL = 0x1Fu,
  PS_NEED_FT = 1u << 5,        /* the free-threading facts (walk_ft.c); not in PS_NEED_ALL */
};

/* Per-worker: symbol ids resolved once. Collects PS_NEED_ALL until
 * ps_walker_set_needs says otherwise. */
PsWalker *ps_walker_new(void);
void ps_walker_set_needs(PsWalker *self, unsigned needs);
/* The PS_NEED_* flags an analysis reads. */
unsigned ps_analysis_needs(const PsAnalysis *self);
void ps_walker_delete(PsWalker *self);
/* The budget the next walks poll (NULL: none); the walk stops early, with
 * a partial summary, once it expires. */
void ps_walker_set_deadline(PsWalker *self, PsDeadline *deadline);
/* Clears `out` and fills it from the tree of `src`; strings go to `arena`. */
void ps_walker_summarize(PsWalker *self, const PsSource *src, PsArena *arena, PsSummary *out);
void ps_summary_init(PsSummary *self);
void ps_summary_free(PsSummary *self);

#endif
