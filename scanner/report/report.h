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
} PsNotification;

typedef struct PsRunInfo {
  const char *tool_version;       /* "0.1.0" */
  const PsRuleMeta *const *rules; /* enabled rules sorted by id; ruleIndex
                                     in SARIF is the index in this array */
  size_t n_rules;
  int argc;
  const char *const *argv;        /* for invocations[0].commandLine / arguments */
  const char *working_dir;        /* absolute; %SRCROOT% is file://<this>/ */
  const char *automation_id;      /* NULL: no automationDetails */
  PsPyVersion target;
  PsPyVersion min_python;

  /* Filled before end(): */
  const PsNotification *notes;
  size_t n_notes;
  size_t n_files;                 /* files scanned */
  size_t n_findings;              /* findings reported (after suppressions) */
  size_t n_fixable;
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
} PsReportOptions;

typedef struct PsReporter PsReporter;

/* A reporter for opts->format, writing to opts->out (borrowed). */
PsReporter *ps_report_new(const PsReportOptions *opts);
void ps_report_begin(PsReporter *self, const PsRunInfo *run);
void ps_report_file(PsReporter *self, const PsFileResult *file);
/* Writes what is buffered and the summary; returns 0 or PS_E_IO if a write
 * to out failed (broken pipe included). */
int ps_report_end(PsReporter *self, const PsRunInfo *run);
void ps_report_delete(PsReporter *self);

/* GitHub's primaryLocationLineHash, computed exactly as
 * github/codeql-action's fingerprints.ts does for the whole file `src` (len
 * bytes): for each 1-based line in lines[0..n), writes a heap string
 * "<16 hex digits>:<occurrence>" to out[i]. */
void ps_fingerprint_lines(const char *src, size_t len, const unsigned *lines, size_t n,
                          char **out);

/* The documentation URL of a rule (helpUri). */
char *ps_report_help_uri(const PsRuleMeta *rule);

#endif
