/* engine_internal.h: the engine's parts, shared by its files only.
 *
 *   engine.c      building the engine (query groups, analyses, word gates,
 *                 prefilters), workers, and ps_engine_scan: load, admit,
 *                 parse, scan, fix, result
 *   scan.c        the "scan this text" unit (ps_engine__scan_text): the
 *                 analyses, the query groups and finish() over one parsed
 *                 text, used by the first pass and by every fix round;
 *                 suppressions, positions, the facts copy-out
 *   fix_rounds.c  the --fix/--diff rounds over one file
 *
 * Lifetimes: the PsEngine is process-wide and read-only once built (but
 * for the lazily compiled query groups, under its mutex); a PsScanWorker
 * holds what one worker thread reuses from file to file; a PsFileScan
 * lives on the stack of one ps_engine_scan call and holds the file's
 * scratch (its raw findings, the words and analyses its text admits, its
 * budget, its facts).
 */
#ifndef PS_RUN_ENGINE_INTERNAL_H
#define PS_RUN_ENGINE_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "analysis/analysis.h"
#include "parse/parse.h"
#include "run/run_internal.h"

/* Query rules are matched in groups: each rule with its own prefilter is a
 * group gated by it (most files pass no gate, so most files see no query
 * pass at all); the rules without one share a single ungated group. */
/* A group's query is compiled when a file first needs it (most runs of a
 * few files never do; ts_query_new costs tens of milliseconds for a large
 * rule): `ready` is set under the engine's mutex once qs (or err) is. */
/* One top-level alternative of a group's gate, with the words it needs. */
typedef struct GateAlt {
  PsRegex *re;
  uint32_t *words; /* heap: one of these must occur for it to match; NULL: unknown, always run */
  size_t n_words;
} GateAlt;

typedef struct QueryGroup {
  PsQuerySet *qs;
  PsRegex *gate;    /* NULL: always run */
  /* The gate split into its top-level alternatives (heap, or NULL when it
   * cannot be split): each runs only where its own words occur, so a
   * file pays for the alternatives it can match, not for the slowest one
   * (a regex of nine alternatives starting at every letter costs 10-30
   * ns a byte; most alternatives need a word the file does not have). */
  GateAlt *alts;
  size_t n_alts;
  bool local;       /* prefilter-scope: statement: match only the statements the gate hits */
  uint32_t *words;  /* heap: one of these must occur for the gate to match (NULL: unknown) */
  size_t n_words;
  const PsRule **rules; /* heap */
  size_t n_rules;
  _Atomic bool ready;
  char *err;        /* heap: why the query does not compile, once ready */
  _Atomic bool reported;
} QueryGroup;

struct PsEngine {
  PsEngineOptions opts;
  pthread_mutex_t lazy; /* compiling query groups */
  const PsRule *const *rules; /* heap: a copy of the list the engine was built with */
  size_t n_rules;
  Array(QueryGroup) groups;
  Array(PsAnalysis *) analyses;
  GateAlt *pre_alts;    /* heap: the prefilters' alternatives that need a word (see prefilter_part) */
  size_t n_pre_alts;
  PsRegex *prefilter_plain; /* the alternatives that need none, or NULL */
  bool filtering;       /* false: parse every file */
  bool need_walk;
  unsigned needs; /* union of the analyses' PS_NEED_* */
  Array(const PsRule *) project_rules; /* rules of analyses with a join step (--report-unused-ignores) */
  /* Word gates (ps_analysis_gates): the words, a hash table over them, and
   * per analysis its gates as triples of word ids. */
  Array(const char *) words;
  Array(char *) kept_words; /* heap copies of words derived from regexes */
  PsStrMap word_ids;    /* word -> its id (index in words) */
  Array(uint32_t) gate_ids;  /* 3 per gate (UINT32_MAX: none), all analyses' gates in order */
  Array(unsigned char) gate_how; /* 3 per gate: the PS_WORD_* flags each word needs */
  Array(PsRegex *) gate_re;  /* 1 per gate, NULL if none */
  size_t *gate_start;        /* per analysis: first gate (in pairs), and */
  size_t *gate_count;        /* how many; 0: not gated */
  unsigned facts;            /* PS_FACT_* the project analyses need (0: none) */
};

/* Per worker thread: the tools it reuses from file to file. */
struct PsScanWorker {
  const PsEngine *engine;
  PsParser *parser;
  PsQueryRunner **runners; /* one per engine group, made on first use */
  PsWalker *walker;
  PsSummary summary;       /* the arrays; its strings are in the arena */
  PsArena *arena;          /* the file lifetime: reset at each file's start */
  PsRegexRunner *re;       /* prefilters and gates (error: admit, never reject) */
  PsFileFacts *facts;      /* the last scanned file's facts, until taken (ps_scan_worker_take_facts) */
  PsFileShare share;       /* what the analyses of the last scanned text share: cleared at each text */
};

/* What went wrong while scanning one file besides its findings: each
 * becomes a per-file error. */
typedef struct ScanIssues {
  PsDeadline deadline;      /* --file-timeout, over every stage */
  const char *expired_in;   /* the stage that ran out of it, or NULL */
  bool match_limit;         /* a query hit PS_QUERY_MATCH_LIMIT */
  const PsRule *regex_rule; /* the first rule whose #match? regex failed */
  char regex_error[128];
} ScanIssues;

/* A finding before positions are resolved. */
typedef struct RawFinding {
  const PsRule *rule;
  uint32_t start, end;
  char *message; /* heap */
  PsFix *fix;    /* heap, ranges hold only bytes until finish() */
} RawFinding;

/* One file's scan (see the top of this file). */
typedef struct PsFileScan {
  PsScanWorker *w;
  const PsEngine *e;
  PsFileResult *res;
  ScanIssues is;
  /* The text being scanned by ps_engine__scan_text. */
  const PsSource *src;
  const PsQuerySet *current_qs; /* the group being matched, for captures */
  Array(RawFinding) raw;
  uint32_t *raw_slots;     /* hash of raw (rule, range, message): index + 1, 0 empty */
  size_t raw_cap;          /* 0 or a power of two, at least twice raw.size */
  uint8_t *present;        /* per engine word: seen in the text (PS_WORD_* flags) */
  Array(uint32_t) seen;    /* the words set in `present`, to clear them */
  bool *active;            /* per analysis: runs on the text */
  const char *query_error; /* a query group failed to compile on this text */
  bool summary_ready;      /* the worker's summary describes src (its guard ranges: version-guard rules) */
  unsigned text_facts;     /* PS_FACT_* the text's active project analyses need */
  bool chain;              /* ps_engine_scan_facts: facts for a class chain only */
  PsFileFacts *facts;      /* of the text the file will hold (project stage) */
} PsFileScan;

/* ---- engine.c ------------------------------------------------------------------- */

/* Marks the engine words in text (sc->present) and which analyses its word
 * gates admit (sc->active); true if a gated analysis is admitted. */
bool ps_engine__gate(PsFileScan *sc, const char *text, size_t len);
/* True if one of the words ids[0..n) occurs in the text last gated. */
bool ps_engine__any_word(const PsFileScan *sc, const uint32_t *ids, size_t n);

/* ---- scan.c --------------------------------------------------------------------- */

/* Scans the parsed text src: the analyses its words admit, the query
 * groups, then finish(): suppressions and per-file-ignores applied,
 * positions resolved, sorted. *out (heap) receives the findings. Budget
 * and limit troubles go to sc->is, a query that does not compile to the
 * result's errors; sc->text_facts says which facts the text's project
 * analyses need (copy them with ps_engine__copy_facts while src lives). */
void ps_engine__scan_text(PsFileScan *sc, const PsSource *src, PsFinding **out, size_t *n_out);
/* Copies the facts of the text last scanned (src, whose summary is the
 * worker's) into sc->facts, replacing any (NULL if sc->text_facts is 0:
 * no project analysis needs this text). */
void ps_engine__copy_facts(PsFileScan *sc, const PsSource *src);
/* Notes that the budget ran out, in the first stage that saw it. */
void ps_engine__expire(ScanIssues *is, const char *stage);
void ps_engine__add_error(PsFileResult *r, char *msg);
/* True if the text holds "pyshift:" (it may have a suppression comment). */
bool ps_engine__mentions_pyshift(const char *text, size_t len);
/* Frees the raw findings' storage (at the end of the file). */
void ps_engine__scan_free(PsFileScan *sc);

/* ---- fix_rounds.c --------------------------------------------------------------- */

/* True if one of the findings has a fix this run applies. */
bool ps_engine__any_applicable(const PsEngine *e, const PsFinding *fs, size_t n);
/* Applies fixes to src (parsed, with its final findings in fs) round
 * after round; see ps_engine_scan. On success fs holds the remaining
 * findings and the result the new bytes or diff (with --fix, sc->facts
 * those of the fixed text); on failure fs is untouched and the result gets
 * an error. fp_owned and fp_len receive the new bytes the reported
 * findings refer to when they are not the file's (for fingerprints). */
void ps_engine__fix_file(PsFileScan *sc, PsSource *src, PsFinding **fs, size_t *n, char **fp_owned, size_t *fp_len);

/* ---- noqa.c -------------------------------------------------------------------- */

/* Adds the comments to src (scanned, findings in *fs), parses and scans the
 * new text; on success the result holds the new bytes (`fixed`, `unfixed`,
 * read_hash, as --fix) and *fs the findings left (on skipped lines, each
 * with a note saying why). On failure, an error and *fs untouched. */
void ps_engine__add_noqa(PsFileScan *sc, PsSource *src, PsFinding **fs, size_t *n);

#endif
