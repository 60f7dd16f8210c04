/* finding.h: what a scan produces, independent of how it is printed.
 *
 * PsRuleMeta is the rule metadata that reports need (it is owned by the rule
 * registry and lives for the process). PsFinding and PsFileResult are
 * heap-owned so they outlive the worker's per-file arena; free a file result
 * with ps_file_result_free().
 */
#ifndef PS_CORE_FINDING_H
#define PS_CORE_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum PsSeverity {
  PS_SEVERITY_HINT = 0,
  PS_SEVERITY_INFO = 1,
  PS_SEVERITY_WARNING = 2,
  PS_SEVERITY_ERROR = 3,
} PsSeverity;

const char *ps_severity_name(PsSeverity s);          /* "warning" */
int ps_severity_parse(const char *s, PsSeverity *out); /* 0 or PS_E_USAGE */
/* SARIF level: "note" (hint, info), "warning", "error". */
const char *ps_severity_sarif_level(PsSeverity s);

/* Metadata of one rule, as reports and docs need it. Strings are owned by
 * the registry. */
typedef struct PsRuleMeta {
  const char *id;          /* "RM001" */
  const char *name;        /* "removed-module-import" */
  const char *family;      /* "RM" */
  PsSeverity severity;
  const char *status;      /* "preview" | "stable" | "deprecated" */
  const char *since;       /* pyshift version that added it */
  const char *summary;     /* one line: the message template without {...} */
  const char *message;     /* message template */
  const char *precision;   /* "very-high" | "high" | "medium" | "low" */
  const char *const *tags; /* NULL-terminated */
  const char *docs_md;     /* Markdown body: What it does, Why... */
  const char *versions;    /* human text, e.g. "target >=3.13" */
  const char *source_path; /* rule file it was loaded from */
  const char *help_uri;    /* docs URL */
} PsRuleMeta;

/* A position: 1-based line; 1-based column counted in characters (code
 * points) and in UTF-16 code units; 0-based byte offset into the decoded
 * UTF-8 text. */
typedef struct PsPos {
  uint32_t line;
  uint32_t col;
  uint32_t col16;
  uint32_t byte;
} PsPos;

typedef struct PsRange {
  PsPos start;
  PsPos end; /* exclusive */
} PsRange;

typedef struct PsEdit {
  PsRange range;
  char *text; /* replacement, UTF-8 */
} PsEdit;

typedef struct PsFix {
  char *message;
  PsEdit *edits;
  size_t n_edits;
  bool safe; /* false: only with --unsafe-fixes */
} PsFix;

typedef struct PsRelated {
  PsRange range;
  char *message;
  char *path; /* another file (as displayed), or NULL: the finding's own */
} PsRelated;

/* One thread's path to the finding's access (a SARIF threadFlow, shown by
 * GitHub as a path): where the thread starts, the calls on the way, the
 * access. Steps use PsRelated (path NULL: the finding's own file). */
typedef struct PsFlow {
  char *message;     /* "thread started by Thread(target=worker) at app.py:12" */
  PsRelated *steps;
  size_t n_steps;
} PsFlow;

/* How a finding compares with the --baseline (SARIF result.baselineState). */
typedef enum PsBaselineState {
  PS_BASELINE_NONE = 0,  /* no baseline in this run */
  PS_BASELINE_NEW,       /* not in the baseline: reported */
  PS_BASELINE_UNCHANGED, /* in the baseline: only SARIF (as suppressed) and HTML show it */
  PS_BASELINE_ABSENT,    /* a baseline entry this run no longer finds (SARIF and HTML only) */
} PsBaselineState;

typedef struct PsFinding {
  const PsRuleMeta *rule;
  PsSeverity severity; /* usually rule->severity */
  PsRange range;
  char *message;
  char *source_line;   /* text of range.start.line without its newline; NULL once a file's
                          findings copied 4 MiB of lines (the engine's cap) */
  char *fingerprint;   /* GitHub primaryLocationLineHash, "hex:n" */
  PsFix *fix;          /* NULL if none */
  PsRelated *related;
  size_t n_related;
  /* Project analyses (FT): the threads' paths, the confidence ("high",
   * "medium"; NULL: none), a SARIF rank (0 < rank <= 100; 0: none) and
   * explanation lines (the locks held, the fix hint) that text output
   * indents under the finding and JSON/SARIF carry as fields. */
  PsFlow *flows;
  size_t n_flows;
  const char *confidence; /* static string */
  double rank;
  char **notes;
  size_t n_notes;
  PsBaselineState baseline;
  /* Project findings about shared state (FT): the shared object ("cache",
   * "Registry.items") and where it is defined ("pkg/cache.py:3"), taken
   * from the rule's message variables {object} and {defined}; NULL: none.
   * The HTML report groups findings by them; other formats ignore them. */
  char *object;
  char *object_defined;
} PsFinding;

/* Everything one file produced. `errors` are one-line messages (without the
 * "pyshift: path: " prefix) that made results for this file incomplete.
 *
 * With --fix or --diff, `findings` are those left after fixing, with
 * positions in the fixed text, and n_fixed counts the findings whose fixes
 * were applied. Writing the file is the caller's job: `fixed` holds the new
 * bytes and `unfixed` the findings of the file as it still is on disk, to
 * report instead if the write fails. */
typedef struct PsFileResult {
  char *path;          /* as displayed: relative to the working directory when possible */
  PsFinding *findings; /* sorted by (line, col, rule id) */
  size_t n_findings;
  char **errors;
  size_t n_errors;
  bool skipped;        /* not scanned (prefilter, size limit...): no findings */

  size_t n_fixed;      /* findings fixed (--fix) or that would be (--diff) */
  char *fixed;         /* --fix: the whole new file, encoded as it was read; NULL: unchanged */
  size_t fixed_len;
  PsFinding *unfixed;  /* --fix, when `fixed`: the findings before fixing */
  size_t n_unfixed;
  uint64_t read_hash;  /* --fix, when `fixed`: ps_hash_bytes of the bytes that were read */
  size_t read_len;
  char *diff;          /* --diff: unified diff of the change ("--- path"...), NULL: none */
} PsFileResult;

void ps_finding_free(PsFinding *f); /* frees members, not f itself */
/* Frees n findings and the array; NULL ok. */
void ps_findings_free(PsFinding *fs, size_t n);
void ps_file_result_free(PsFileResult *r); /* frees members and r; NULL ok */
/* Sort comparator for findings: line, column, rule id, end, message. */
int ps_finding_cmp(const void *a, const void *b);

#endif
