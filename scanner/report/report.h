/* report.h: one interface for every output format.
 *
 * The run calls begin() once, file() once per scanned file in sorted path
 * order (findings within a file already sorted), then end() once. Text and
 * GitHub formats stream; JSON and SARIF collect and write once at end(), so
 * their output is byte-stable. A reporter writes only to the FILE* it is
 * given; opening, temp files and renames belong to the caller.
 */
#ifndef PS_REPORT_REPORT_H
#define PS_REPORT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "config/config.h"
#include "core/core.h"

/* A per-file problem that made results incomplete (SARIF
 * toolExecutionNotifications). */
typedef struct PsNotification {
  const char *path;    /* may be "" for run-level problems */
  const char *message; /* one line */
  const char *level;   /* SARIF level: NULL for "error", or "warning" */
} PsNotification;

typedef struct PsRunInfo {
  const char *tool_version;       /* "0.1.0" */
  const PsRuleMeta *const *rules; /* enabled rules sorted by id; ruleIndex
                                     in SARIF is the index in this array */
  size_t n_rules;
  int argc;
  const char *const *argv;        /* for invocations[0].commandLine / arguments */
  const char *working_dir;        /* absolute: invocation.workingDirectory; relative paths are
                                     relative to it */
  const char *uri_root;           /* absolute: %SRCROOT%, the base of relative artifact URIs
                                     (the git work tree's top, or --project-root); NULL: working_dir */
  const char *vcs_repository_uri; /* versionControlProvenance when set (uri_root is in a git work
                                     tree): the remote without credentials, or the tree's file URI */
  const char *vcs_revision;       /* HEAD's commit id, or NULL */
  const char *vcs_branch;         /* HEAD's branch, or NULL (detached) */
  bool vcs_root_is_top;           /* uri_root is the work tree's top: provenance maps to %SRCROOT% */
  const char *vcs_root;           /* absolute top of the work tree (with vcs_repository_uri); when
                                     it is not uri_root, SARIF names it %REPOROOT% and maps the
                                     provenance to it */
  const char *automation_id;      /* NULL: no automationDetails */
  PsPyVersion target;
  PsPyVersion min_python;
  const char *baseline;           /* --baseline FILE, or NULL; with it SARIF and HTML get every
                                     finding marked (PsFinding.baseline), the others the new ones */

  /* Filled before end(): */
  const PsNotification *notes;
  size_t n_notes;
  size_t n_files;                 /* files scanned */
  size_t n_findings;              /* findings reported (after suppressions; with
                                     --fix, those that remain) */
  size_t n_fixable;               /* reported findings with a fix that --fix
                                     would apply (unsafe ones only with
                                     --unsafe-fixes) */
  size_t n_hidden_fixes;          /* reported findings with an unsafe fix that
                                     --unsafe-fixes would enable */
  size_t n_fixed;                 /* --fix: findings fixed; --diff: that would be */
  PsFixMode fix_mode;
  bool execution_successful;      /* no error at all */
  const char *start_time_utc;     /* "2026-11-21T07:04:24Z" */
  const char *end_time_utc;
} PsRunInfo;

typedef struct PsReportOptions {
  PsFormat format;
  FILE *out;
  bool color;        /* text: ANSI colour */
  bool show_source;  /* text: source line and caret under each finding */
  bool quiet;        /* text: no summary line */
  bool statistics;   /* text: per-rule counts instead of findings */
  /* SARIF: GitHub code scanning's limits (0: GitHub's, the PS_SARIF_MAX_*
   * below; tests set small ones). Over a limit the most severe results are
   * kept and a toolExecutionNotification says what was dropped. */
  size_t sarif_max_results;        /* results per run */
  size_t sarif_max_locations;      /* locations + relatedLocations per result */
  size_t sarif_max_flow_locations; /* thread flow locations per result */
  size_t sarif_max_gzip_bytes;     /* the whole log, gzipped */
  /* HTML: findings listed on the page (0: PS_HTML_MAX_FINDINGS). Over it the
   * most severe are kept (the summary still counts all) and the page and a
   * warning say how many were left out. */
  size_t html_max_findings;
} PsReportOptions;

/* GitHub's hard limits (docs.github.com, "SARIF results exceed hard
 * limit" and "SARIF file is too large"): more is rejected. */
#define PS_SARIF_MAX_RESULTS 25000
#define PS_SARIF_MAX_LOCATIONS 1000
#define PS_SARIF_MAX_FLOW_LOCATIONS 10000
#define PS_SARIF_MAX_GZIP_BYTES ((size_t)10 * 1000 * 1000)
/* The HTML report's bound (the most severe are listed): with its
 * per-finding caps (html.c) no page is unbounded; 25,000 typical findings
 * (about 220 bytes each) make about 6 MB. */
#define PS_HTML_MAX_FINDINGS 25000

typedef struct PsReporter PsReporter;

/* A reporter for opts->format, writing to opts->out (borrowed). */
PsReporter *ps_report_new(const PsReportOptions *opts);
void ps_report_begin(PsReporter *self, const PsRunInfo *run);
void ps_report_file(PsReporter *self, const PsFileResult *file);
/* Project findings (from the analyses' join steps) of one file, after every
 * file() call: once per path, in path order. JSON and SARIF merge them with
 * the file's own findings (sorted, byte-identical for any --jobs); text
 * prints them after the per-file findings under a header line. */
void ps_report_project(PsReporter *self, const PsFileResult *file);
/* Writes what is buffered and the summary; returns 0 or PS_E_IO if a write
 * to out failed (broken pipe included). */
int ps_report_end(PsReporter *self, const PsRunInfo *run);
/* The errno of the first failed write to out (EPIPE, ENOSPC, EIO, EBADF...),
 * 0 if none failed. */
int ps_report_write_errno(const PsReporter *self);
/* One-line warnings about what end() left out (SARIF over GitHub's limits),
 * for the caller to print: *out is owned by the reporter. */
size_t ps_report_warnings(const PsReporter *self, const char *const **out);
void ps_report_delete(PsReporter *self);

/* GitHub's primaryLocationLineHash, computed exactly as
 * github/codeql-action's fingerprints.ts does for the whole file `src` (len
 * bytes): for each 1-based line in lines[0..n), writes a heap string
 * "<16 hex digits>:<occurrence>" to out[i]. */
void ps_fingerprint_lines(const char *src, size_t len, const unsigned *lines, size_t n,
                          char **out);

/* Appends `path` to b as text output shows it: a file name cannot start a
 * new line or send terminal escapes. C0 controls (newline included), DEL,
 * C1 controls, U+2028/U+2029 and bytes that are not UTF-8 become %XX (each
 * byte, upper-case hex, as the github format escapes CR and LF); everything
 * else, '%' included, is copied. */
void ps_report_escape_path(PsBuf *b, const char *path);
/* The same into a heap string. */
char *ps_report_escaped_path(const char *path);

/* The documentation URL of a rule (helpUri). */
char *ps_report_help_uri(const PsRuleMeta *rule);

/* Notes on the two functions above:
 * - ps_fingerprint_lines: the hash is printed as codeql-action prints it,
 *   lower-case hex WITHOUT leading zeros (so sometimes fewer than 16
 *   digits). out[i] is NULL for a line the file does not have (0, or past
 *   the line after the last newline). Thread-safe; the caller frees each
 *   out[i].
 * - ps_report_help_uri: rule->help_uri when set, else
 *   "https://github.com/pyshift/pyshift/blob/main/docs/rules/<ID>.md". The
 *   caller frees the result. */

/* Percent-encodes `s` for a URI path (RFC 3986): every byte except the
 * unreserved characters (A-Z a-z 0-9 - . _ ~) and '/' becomes %XX. Heap
 * result, caller frees. */
char *ps_report_uri_encode(const char *s);

/* The SARIF artifactLocation.uri for a displayed path. A relative path (or
 * an absolute one under working_dir) becomes a percent-encoded relative URI
 * and *relative is set true (use uriBaseId "%SRCROOT%"); any other absolute
 * path becomes "file://<encoded path>" and *relative false. Heap result. */
char *ps_report_artifact_uri(const char *path, const char *working_dir, bool *relative);

/* Where a directory sits in git (see vcs.c). */
typedef struct PsVcsInfo {
  char *root;           /* absolute top of the work tree */
  char *repository_uri; /* the remote's URL as a URI without credentials ("origin", else the
                           first remote), or file://<root>/ when there is none */
  char *revision;       /* HEAD's object id, NULL on an unborn branch */
  char *branch;         /* HEAD's branch name, NULL when detached */
} PsVcsInfo;

/* Finds the git work tree holding `start` (a directory or a file; its
 * parents are searched for `.git`) by reading .git itself. Returns 0 and
 * fills *out (free with ps_report_vcs_free), or -1 when `start` is not in
 * a work tree (*out zeroed). Never prints. */
int ps_report_vcs_find(PsVcsInfo *out, const char *start);
void ps_report_vcs_free(PsVcsInfo *self);
/* A git remote URL as a URI for SARIF's repositoryUri: user and password
 * dropped from "scheme://user:pass@host/...", scp-like "git@host:o/r.git"
 * as "ssh://host/o/r.git", a local path as a file URI (relative to `top`).
 * Heap. */
char *ps_report_remote_uri(const char *url, const char *top);

/* ps_report_artifact_uri for a run whose URIs are relative to `root` rather
 * than working_dir (a relative path is taken from working_dir first). The
 * same as ps_report_artifact_uri when root is NULL or working_dir. */
char *ps_report_artifact_uri_in(const char *path, const char *working_dir, const char *root, bool *relative);

/* ---- internal to the report module ---------------------------------------
 * The format files (text.c, github.c, json.c, sarif.c) share these; other
 * modules use only the interface above. */

struct json_t;

typedef struct PsReportOps {
  void (*begin)(PsReporter *self);                        /* self->run is set */
  void (*file)(PsReporter *self, const PsFileResult *file);
  void (*end)(PsReporter *self, const PsRunInfo *run);    /* writes the rest */
  /* project findings of one file (NULL: the same as file()) */
  void (*fini)(PsReporter *self);                         /* frees self->state */
  void (*project)(PsReporter *self, const PsFileResult *file);
} PsReportOps;

struct PsReporter {
  PsReportOptions opts;
  const PsReportOps *ops;
  const PsRunInfo *run; /* from begin(); borrowed */
  void *state;          /* the format's own */
  bool write_failed;    /* a write to opts.out failed: write nothing more */
  int write_errno;      /* errno of that failure */
  char **warnings;      /* ps_report_warnings */
  size_t n_warnings;
};

/* Adds a warning for ps_report_warnings (printf-style). */
void ps_report__warn(PsReporter *self, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

extern const PsReportOps ps_report__text_ops;
extern const PsReportOps ps_report__github_ops;
extern const PsReportOps ps_report__json_ops;
extern const PsReportOps ps_report__sarif_ops;
extern const PsReportOps ps_report__html_ops;
extern const PsReportOps ps_report__gitlab_ops;
extern const PsReportOps ps_report__junit_ops;

/* Writes n bytes to self->opts.out; false once any write has failed. */
bool ps_report__write(PsReporter *self, const char *data, size_t n);
/* A displayed path as a plain path relative to `root` (the run's uri_root:
 * the repository's top or --project-root; NULL: working_dir), as GitLab's
 * location.path and the JUnit file attribute want it: "./" and ".." are
 * resolved lexically; a path outside the root stays absolute. Heap. */
char *ps_report__root_path(const char *path, const char *working_dir, const char *root);
/* ps_report_artifact_uri for paths already absolute or inside the root. */
char *ps_report__artifact_uri_abs(const char *path, const char *working_dir, bool *relative);
/* Serialises `root` (2-space indent, insertion order), writes it and a
 * newline; false on failure. Does not take ownership of root. */
bool ps_report__write_json(PsReporter *self, struct json_t *root);
/* A JSON string of s (invalid UTF-8 bytes become U+FFFD); json null when s
 * is NULL. New reference. */
struct json_t *ps_report__jstr(const char *s);

/* JSON and SARIF collect one array of items per file() call and write them
 * sorted by path at end(), whatever order the files arrived in. Entries of
 * one path (a file's own findings and its project findings) are merged
 * into one, their items in finding order (each item keeps the sort key of
 * the finding it renders). */
typedef struct PsReportKey {
  PsRange range;
  const char *rule_id; /* the registry's */
  char *message;
} PsReportKey;
typedef struct PsReportBatch {
  struct PsReportBatchFile { char *path; size_t seq; struct json_t *items; PsReportKey *keys; } *files;
  size_t size, cap;
} PsReportBatch;
/* fs[0..n) are the findings items[0..n) render, in that order. */
void ps_report__batch_add(PsReportBatch *self, const char *path, struct json_t *items, const PsFinding *fs,
                          size_t n);
void ps_report__batch_sort(PsReportBatch *self);
void ps_report__batch_free(PsReportBatch *self);
/* Copies of file->findings sorted with ps_finding_cmp (shallow: the
 * pointers inside still belong to file). Caller frees the array. */
PsFinding *ps_report__sorted_findings(const PsFileResult *file);

#endif
