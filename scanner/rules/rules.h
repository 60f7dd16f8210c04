/* rules.h: rule files, the registry, rule selection, the combined query,
 * predicates, message templates and inline suppressions.
 *
 * A rule file is YAML front matter between `---` lines, then Markdown: fenced
 * ```query blocks hold tree-sitter query source, a ```table block holds a
 * tab-separated data table (header row first), everything else is the rule's
 * documentation. load.c is the only code that knows this syntax; it rejects
 * unknown keys and reports every error as file:line:col with the offending
 * line. docs/rule-format.md describes the format for rule authors.
 *
 * Lifetimes: the registry and everything in it live for the process and are
 * read-only once loading and selection are done; workers share them.
 */
#ifndef PS_RULES_RULES_H
#define PS_RULES_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <tree_sitter/api.h>

#include "core/core.h"

typedef struct PsTable {
  char **cols;      /* header names */
  size_t n_cols;
  char ***rows;     /* rows[i][j], n_cols cells each */
  int *row_lines;   /* 1-based line of each row in the rule file */
  size_t n_rows;
} PsTable;

/* Column index of `name`, or -1. */
int ps_table_col(const PsTable *t, const char *name);

/* A scalar or list parameter of a built-in analysis. */
typedef struct PsParam {
  char *key;
  char **values;    /* one for a scalar */
  size_t n_values;
  bool is_list;
  int line, col;
} PsParam;

typedef struct PsRule {
  PsRuleMeta meta;          /* first: a PsRuleMeta* is a PsRule* */
  char *path;
  char *text;               /* whole file, for error context */
  size_t text_len;

  char *query;              /* NULL if none */
  int query_line;           /* 1-based line of the query's first line */
  PsTable table;            /* empty if none */
  PsTable importable;       /* ```table importable: stdlib names that import since a version
                               (columns name, since); empty if none (ps_analysis__dead_fallback) */
  char *analysis;           /* built-in analysis name, or NULL */
  PsParam *params;
  size_t n_params;
  int analysis_line;
  char *prefilter;          /* PCRE2 source: a file that does not match cannot fire */
  bool prefilter_statement; /* prefilter-scope: statement: every match of the query lies in a
                               top-level statement that holds a prefilter match */
  char *report_capture;     /* capture that spans the finding ("report" by default) */
  char *fix;                /* query rules: template replacing the report capture's text, or NULL */
  char *fix_message;        /* template for the fix's description, or NULL (a default) */
  bool fix_unsafe;          /* `fix-applicability: unsafe`: only with --unsafe-fixes */
  int fix_line;             /* rule-file line of `fix:` */

  PsPyConstraint target;    /* on --target-version */
  bool has_target;
  PsPyConstraint min_python; /* on --min-python */
  bool has_min_python;
  bool free_threaded_only;
  bool free_threaded_default; /* `free-threaded: default`: on by default for free-threaded targets only,
                                 on any target when a selector names it (its id or a prefix, not ALL) */
  bool explicit_only;       /* selected only by its exact id */
  bool query_unchecked;     /* loaded trusted: the query was not compiled at load */
  char *fixture;            /* fixtures/<family>/<ID>-<name>.py, if given */
  /* `version-guard:` (query rules): a match counts only where its code can
   * run on a version from the later of version_guard_at and --min-python
   * up to the target (REMOVED), or on the target (TARGET); version tests
   * and TYPE_CHECKING say where (the summary's PsGuardRange). */
  enum { PS_VERSION_GUARD_NONE, PS_VERSION_GUARD_REMOVED, PS_VERSION_GUARD_TARGET } version_guard;
  PsPyVersion version_guard_at;

  char **tag_storage;       /* backing for meta.tags */
} PsRule;

/* Size limits of a rule file, so that loading one costs little whatever it
 * holds; docs/rule-format.md lists them. The largest built-in query
 * (RM005) has 7.4 KB, 8 levels of nesting, 42 patterns and alternatives and
 * 177 node patterns; its front matter nests 3 deep. */
#define PS_RULE_QUERY_MAX_BYTES (64u * 1024)
#define PS_RULE_QUERY_MAX_DEPTH 32     /* nested (...) and [...] */
#define PS_RULE_QUERY_MAX_PATTERNS 256 /* top-level patterns plus members of [...] */
#define PS_RULE_QUERY_MAX_NODES 1024   /* (...), [...] and "..." outside predicates */
#define PS_RULE_YAML_MAX_DEPTH 64      /* nested sequences and mappings */

/* Whole words (identifiers) of which every match of the PCRE2 regex `re`
 * contains at least one, derived conservatively from its top-level
 * alternatives; NULL-terminated heap array, or NULL when some alternative
 * has no delimited literal word (then nothing can be skipped). */
char **ps_regex_required_words(const char *re);
void ps_regex_words_free(char **words);
/* The top-level alternatives of `re` as separate regex sources (a
 * NULL-terminated heap array, freed with ps_regex_words_free), or NULL when
 * it has fewer than two or they cannot stand alone (leading inline
 * options, back references, branch-reset groups). */
char **ps_regex_alternatives(const char *re);

/* Looks up a param; NULL if absent. */
const PsParam *ps_rule_param(const PsRule *rule, const char *key);

/* Receives each load error; loading goes on with the next file. */
typedef void (*PsErrorFn)(void *ctx, const PsError *err);

typedef struct PsRegistry PsRegistry;

PsRegistry *ps_registry_new(void);
/* Rules loaded while `trusted` skip the load-time compilation of their
 * query (its cost dominates a small run's start-up); the engine compiles a
 * query when a file first needs it. For the built-in rules, which
 * `pyshift rules --check` (CI) compiles. Default false. */
void ps_registry_set_trusted(PsRegistry *self, bool trusted);
/* With a root, every rule file and directory loaded from now on must
 * resolve (realpath: symlinks and `..` followed) inside `root`; others are
 * load errors that show no part of the file. For rule paths that come from
 * a pyproject.toml of the scanned project, which may be hostile. NULL lifts
 * the constraint. PS_E_IO if root cannot be resolved. */
int ps_registry_set_root(PsRegistry *self, const char *root, PsError *err);
void ps_registry_delete(PsRegistry *self);
/* Loads one rule file. 0 or PS_E_RULE (err points into the file). */
int ps_registry_load_file(PsRegistry *self, const char *path, PsError *err);
/* Loads every *.rule under dir, recursively (8 levels), in sorted order.
 * Only regular files are read; a directory reached again through a
 * symlink is read once, a symlink loop is an error. Each bad file is
 * reported through on_error and skipped. Returns the number of errors
 * reported (0: all loaded) or PS_E_IO if dir cannot be read. */
int ps_registry_load_dir(PsRegistry *self, const char *dir, PsErrorFn on_error, void *ctx);
/* Parses a rule from memory (tests and the fuzzer). On success the registry
 * owns the rule. */
int ps_registry_load_text(PsRegistry *self, const char *path, const char *text, size_t len,
                          PsError *err);
size_t ps_registry_count(const PsRegistry *self);
/* Rules sorted by id. */
const PsRule *ps_registry_at(const PsRegistry *self, size_t i);
const PsRule *ps_registry_find(const PsRegistry *self, const char *id);

/* Rule selection, as ruff does it: a rule is on when the most specific
 * selector that matches it (an exact id beats a prefix, a longer prefix beats
 * a shorter one, "ALL" is the least specific) comes from select or
 * extend_select rather than ignore; ties go to ignore. Explicit-only rules
 * need their exact id; preview rules need `preview`. Rules whose version
 * bounds exclude `target` /
 * `min_python` are off. Unknown selectors are PS_E_USAGE. */
typedef struct PsSelection {
  const char *const *select; size_t n_select;
  const char *const *extend_select; size_t n_extend_select;
  const char *const *ignore; size_t n_ignore;
  PsPyVersion target;
  PsPyVersion min_python;
  bool preview;  /* rules with status `preview` are on only with this */
  bool select_default; /* `select` is the default list, not the user's */
} PsSelection;

/* Fills *out with the enabled rules sorted by id (heap array, caller frees
 * the array only). */
int ps_registry_select(const PsRegistry *self, const PsSelection *sel, const PsRule ***out,
                       size_t *n_out, PsError *err);
/* True if `selector` (id, prefix or ALL) matches `id`. */
bool ps_selector_matches(const char *selector, const char *id);
/* PS_E_USAGE if no rule in the registry matches `selector`. */
int ps_registry_check_selector(const PsRegistry *self, const char *selector, PsError *err);

/* ---- the combined query ---------------------------------------------------- */

typedef struct PsQuerySet PsQuerySet;

/* Compiles every rule that has a query into one TSQuery with a pattern ->
 * rule table and compiled predicates. Errors point into the rule file. */
int ps_queryset_new(PsQuerySet **out, const PsRule *const *rules, size_t n, PsError *err);
void ps_queryset_delete(PsQuerySet *self);
/* NULL when no rule has a query. */
const TSQuery *ps_queryset_query(const PsQuerySet *self);

/* One match that passed its predicates: the rule, the node to report and
 * the captures, for message templates. */
typedef struct PsQueryMatch {
  const PsRule *rule;
  TSNode report;
  const TSQueryCapture *captures;
  uint16_t n_captures;
  unsigned raises; /* PS_RAISES_*: what the pattern's `#raises!` names */
} PsQueryMatch;
enum { PS_RAISES_IMPORT_ERROR = 1, PS_RAISES_ATTRIBUTE_ERROR = 2, PS_RAISES_TYPE_ERROR = 4 };

typedef struct PsRegexRunner PsRegexRunner; /* see below */

/* Per-worker matching state (cursor, PCRE2 match state). */
typedef struct PsQueryRunner PsQueryRunner;
PsQueryRunner *ps_query_runner_new(const PsQuerySet *set);
void ps_query_runner_delete(PsQueryRunner *self);
/* In-progress matches a cursor may hold at once: beyond this a pattern is
 * pathological (the cursor's work per node grows with the square of it) and
 * matching drops the oldest, reported as PS_E_LIMIT. No built-in rule needs
 * more than 64 on the Python 3.11 library or Debian's dist-packages. */
#define PS_QUERY_MATCH_LIMIT 128
/* What went wrong in the last ps_query_runner_exec. */
typedef struct PsQueryStatus {
  bool out_of_time;         /* the budget ran out: matching stopped */
  bool match_limit;         /* PS_QUERY_MATCH_LIMIT was exceeded: some matches were dropped */
  const PsRule *regex_rule; /* the first rule whose #match? regex failed (PCRE2 error), or NULL */
  char regex_error[128];    /* why, for regex_rule */
} PsQueryStatus;
/* Runs the query over `root` of `text`, calling on_match for each match whose
 * predicates hold. budget_us > 0 stops matching after that much of this
 * thread's CPU time (checked every 100 cursor steps). Returns 0; or
 * PS_E_LIMIT when the budget ran out or the match limit was exceeded: the
 * matches reported so far stand, others may be missing; or PS_E_RULE when a
 * #match? regex failed (match limit, time): that match is dropped, matching
 * goes on. ps_query_runner_status says which. */
int ps_query_runner_exec(PsQueryRunner *self, TSNode root, const char *text, uint64_t budget_us,
                         void (*on_match)(void *ctx, const PsQueryMatch *m), void *ctx);
const PsQueryStatus *ps_query_runner_status(const PsQueryRunner *self);
/* The regex state #match? predicates use (borrowed; the worker's, so one
 * JIT stack serves all its runners). Without it a runner makes its own. */
void ps_query_runner_set_regex(PsQueryRunner *self, PsRegexRunner *re);

/* ---- regular expressions ------------------------------------------------------ */

/* A compiled PCRE2 regex (pcre2_code with PCRE2_CODE_UNIT_WIDTH 8): UTF,
 * invalid UTF-8 tolerated, JIT-compiled when available, with a callout at
 * its start so that a match can be stopped at a deadline. */
typedef struct pcre2_real_code_8 PsRegex;
/* Per-worker match state: match data, a JIT stack that grows from 32 KiB to
 * PS_REGEX_JIT_STACK_MAX, and limits (PS_REGEX_MATCH_LIMIT steps and
 * PS_REGEX_HEAP_LIMIT KiB per start position) so that a pathological
 * regex fails fast instead of running for minutes. */
#define PS_REGEX_JIT_STACK_MAX (8u << 20)
#define PS_REGEX_MATCH_LIMIT 1000000u
#define PS_REGEX_HEAP_LIMIT (64u * 1024) /* KiB */
/* ps_regex_match's result when the deadline passed. */
#define PS_REGEX_E_TIMEOUT (-1000)

/* Compiles `re` (len bytes). NULL on error, with PCRE2's message in err
 * (cap bytes). Free with ps_regex_free. */
PsRegex *ps_regex_compile(const char *re, size_t len, char *err, size_t cap);
void ps_regex_free(PsRegex *re);
PsRegexRunner *ps_regex_runner_new(void);
void ps_regex_runner_delete(PsRegexRunner *self);
/* Matches after which ps_regex_match returns PS_REGEX_E_TIMEOUT once this
 * thread's CPU clock (CLOCK_THREAD_CPUTIME_ID) passes *deadline; NULL: none. */
void ps_regex_runner_set_deadline(PsRegexRunner *self, const struct timespec *deadline);
/* Matches re against s[0, len) from byte `start`: 1 on a match (with its
 * bytes in *m_start, *m_end when not NULL), 0 when there is none, or a
 * negative code when PCRE2 could not decide (match, depth or heap limit,
 * PS_REGEX_E_TIMEOUT): callers must never read that as "no match". A JIT
 * stack overflow is retried with the interpreter. */
int ps_regex_match(PsRegexRunner *self, const PsRegex *re, const char *s, size_t len, size_t start, size_t *m_start,
                   size_t *m_end);
/* One-line description of a negative ps_regex_match result. */
void ps_regex_strerror(int rc, char *buf, size_t cap);
/* Name of capture `index` of the set's query. */
const char *ps_queryset_capture_name(const PsQuerySet *self, uint32_t index, uint32_t *len);

/* ---- message templates ------------------------------------------------------ */

/* Looks up `{name}` for a template: returns the text and its length, or
 * NULL if unknown. */
typedef const char *(*PsTemplateLookup)(void *ctx, const char *name, size_t name_len, size_t *len);
/* Renders `tmpl` into a heap string: `{name}` is replaced by lookup's text
 * (first line only, at most 120 characters), `{{` and `}}` are literal
 * braces, unknown names stay as written. */
char *ps_template_render(const char *tmpl, PsTemplateLookup lookup, void *ctx);
/* Renders a fix template: like ps_template_render, but each `{name}` is
 * replaced by the whole text lookup gives (every line, no length limit).
 * NULL if some name is unknown (lookup returns NULL): no fix then. */
char *ps_template_render_exact(const char *tmpl, PsTemplateLookup lookup, void *ctx);
/* PS_E_RULE if the template has an unbalanced brace (offset in *bad). */
int ps_template_check(const char *tmpl, size_t *bad);

/* ---- suppressions ----------------------------------------------------------- */

/* One directive parsed from a comment. */
typedef enum PsSuppressKind {
  PS_SUPPRESS_NONE,
  PS_SUPPRESS_LINE,  /* `# pyshift: ignore[...]` or `# noqa: ...` */
  PS_SUPPRESS_FILE,  /* `# pyshift: ignore-file[...]` */
} PsSuppressKind;

#define PS_SUPPRESS_MAX_CODES 32

typedef struct PsSuppressDirective {
  PsSuppressKind kind;
  bool all;                                  /* no codes: every rule */
  bool pyshift;                              /* `# pyshift: ...` (else a noqa) */
  size_t n_codes;
  char codes[PS_SUPPRESS_MAX_CODES][16];     /* ids or prefixes */
} PsSuppressDirective;

/* Parses the comment text starting at '#' (len bytes, one line). Returns the
 * number of directives found (0..2) in out[0..2]: a comment may carry both a
 * `pyshift:` directive and a `noqa`. Never reads past len. */
int ps_suppress_parse(const char *comment, size_t len, PsSuppressDirective out[2]);

/* True if `id` is covered by the directive. */
bool ps_suppress_covers(const PsSuppressDirective *d, const char *id);

#endif
