/* check_internal.h: the state of one `pyshift check`, shared by the files
 * that carry it out, and nothing else includes it:
 *
 *   run.c            the run loop: rules, files, engine, workers, each
 *                    result in path order, the exit status
 *   output.c         output routing: the --format outputs (files, standard
 *                    output or error), which findings each one sees, their
 *                    ends and write errors
 *   baseline_cache.c the result cache and the baseline wiring: --baseline,
 *                    --write-baseline, --since
 *   project_stage.c  after the last file: the joins and their findings
 */
#ifndef PS_RUN_CHECK_INTERNAL_H
#define PS_RUN_CHECK_INTERNAL_H

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "baseline/baseline.h"
#include "report/report.h"
#include "run/cache_internal.h"
#include "run/run_internal.h"
#include "walk/walk.h"

/* One --format output: its reporter and the file it writes. */
typedef struct Output {
  PsReporter *rep;
  FILE *f;
  char *path;     /* final path, NULL for stdout */
  char *tmp_path; /* written, renamed over path at the end */
  int tmp_slot;   /* in the signal-time cleanup registry (tmpfiles.c) */
} Output;

/* What the workers share with the main thread (run.c). */
typedef struct Shared {
  const PsEngine *engine;
  char **paths;
  size_t n;
  PsFileResult **results;
  PsFileFacts **facts;     /* per slot, when the project stage is on */
  atomic_size_t next;
  atomic_bool stop;
  size_t want;            /* the slot the main thread waits for (under mu) */
  pthread_mutex_t mu;
  pthread_cond_t cv;
  const char *stdin_bytes; /* one in-memory file (stdin) */
  size_t stdin_len;
  PsCache *cache;          /* NULL: scan every file */
  char worker_error[PS_ERROR_MSG_MAX];
} Shared;

/* Everything one `pyshift check` holds, so each phase is a function. */
typedef struct Run {
  PsConfig *cfg;
  int argc;
  char **argv;
  size_t n_errors;
  Array(PsNotification) notes;
  Array(char *) note_strings; /* owned texts behind notes */
  PsRegistry *reg;
  const PsRule **enabled;
  size_t n_enabled;
  PsWalkResult walk;
  bool use_stdin;
  char *stdin_bytes;
  size_t stdin_len;
  PsModules modules;
  PsWriteScope scope;
  PsEngine *engine;
  PsFixMode fix_mode;
  bool want_fingerprints; /* a JSON or SARIF output: findings carry GitHub's line hash */
  int jobs;
  Output *outs;
  PsVcsInfo vcs;                  /* the git work tree of the scan (SARIF), root NULL if none */
  PsRunInfo info;
  char cwd[PATH_MAX];
  char start_time[32], end_time[32];
  Shared sh;
  bool broken_pipe;
  size_t n_findings, n_files, n_fixed, n_fixable, n_hidden, write_errors;
  size_t n_failing;               /* reported findings at or above --fail-on */
  /* Errors that --exit-zero does not hide (among n_errors): a rule file
   * that does not load (configuration) and a report that could not be
   * written (the thing the run was asked for). */
  size_t hard_errors;
  /* The project stage (only when an enabled analysis has a join step). */
  unsigned facts;                 /* PS_FACT_* the engine copies out */
  PsProjectIndex *index;
  bool defer;                     /* --fix: results are written after the join */
  Array(PsFileResult *) held;     /* deferred results, in path order */
  PsStrSet reported;              /* "ID\tpath\tline\tcol" of per-file findings */
  Array(PsFinding) project;       /* from the joins; path in source_line until sorted */
  Array(char *) project_paths;    /* the path of each of `project` */
  /* Adopting (docs/output-formats.md#baselines). */
  PsBaseline *baseline;           /* --baseline: loaded before the scan */
  PsBaseline *record;             /* --write-baseline: what this run reports */
  size_t n_unchanged;             /* findings the baseline hides */
  size_t n_noqa, n_noqa_files;    /* --add-noqa: findings given a comment, files rewritten */
  PsChangedLines *since;          /* --since: the lines changed since the ref */
} Run;

/* ---- run.c ----------------------------------------------------------------------- */

bool ps_run__is_dir(const char *p);
/* Records a notification (path and message copied) for SARIF. */
void ps_run__add_note(Run *R, const char *path, const char *msg);
/* Counts the findings of a reported result that fail the run (--fail-on). */
void ps_run__count_failing(Run *R, const PsFileResult *r);
/* One file's result, in path order: its fixes written (--fix), its diff or
 * fixed standard input printed, its errors and findings reported. */
void ps_run__handle_result(Run *R, PsFileResult *r);

/* ---- output.c -------------------------------------------------------------------- */

/* Opens every --format output (a failure is printed and counted) and
 * begins its report; fills R->info. */
void ps_run__open_outputs(Run *R);
/* Finishes one output: flush, close, rename (when `keep`; otherwise the
 * temporary file is removed). A failure is printed as one line, unless
 * `quiet`. Returns 0 or PS_E_IO. */
int ps_run__close_output(Output *o, bool keep, bool quiet);
/* Ends every report and closes its output; counts write errors, notes a
 * broken pipe on standard output. */
void ps_run__end_outputs(Run *R);
/* PS_E_USAGE if an output file is one of the files to check. */
int ps_run__check_outputs_not_inputs(const PsConfig *cfg, const PsWalkResult *walk, PsError *err);
/* Hands one result to every output: SARIF and HTML see `all`, the others
 * `shown`. */
void ps_run__report_result(Run *R, const PsFileResult *all, const PsFileResult *shown, bool project);
/* Do the output's findings carry their baseline state (SARIF, HTML)? */
bool ps_run__shows_baseline(const PsOutput *o);
/* Direct writes to standard output (diffs, the fixed standard input):
 * forget earlier errors (at the start of a run), note one after a write,
 * and whether standard output is a closed pipe. */
void ps_run__stdout_reset(void);
void ps_run__note_stdout(void);
bool ps_run__stdout_broken(const Output *outs, size_t n);

/* ---- baseline_cache.c ------------------------------------------------------------- */

/* Loads --baseline and --since before anything is scanned (an error is
 * printed; returns -1), and starts the --write-baseline record. */
int ps_run__load_baseline(Run *R);
/* Opens the result cache into R->sh.cache when this run may use it. */
void ps_run__open_cache(Run *R);
/* One file through the cache (a worker); *facts receives its facts. */
PsFileResult *ps_run__cached_scan(Shared *sh, PsScanWorker *w, const char *path, PsFileFacts **facts);
/* --since, --write-baseline and --baseline on one result: returns r, or
 * `view` holding only the new findings (free view->findings then). */
PsFileResult *ps_run__baseline_view(Run *R, PsFileResult *r, PsFileResult *view);
/* The baseline's entries no longer found, to SARIF and HTML. */
void ps_run__report_absent(Run *R);
/* --write-baseline: writes the record. */
void ps_run__write_baseline(Run *R);

/* ---- project_stage.c -------------------------------------------------------------- */

/* After the last file: the joins, the deferred writes, then the project
 * findings reported per file in path order. */
void ps_run__project_stage(Run *R);

#endif
