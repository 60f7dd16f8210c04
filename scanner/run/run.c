/* run.c: `pyshift check` from configuration to exit code.
 *
 * Workers take file indexes from a shared counter and park each result in
 * its slot; the main thread hands slots to the reporters strictly in index
 * (= sorted path) order as they complete, so output streams and is
 * identical for any --jobs.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "parse/parse.h"
#include "report/report.h"
#include "run/run_internal.h"
#include "walk/walk.h"

/* ---- rules --------------------------------------------------------------------- */

static bool is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *ps_run_builtin_rules_dir(void) {
  static char buf[PATH_MAX + 32];
  const char *env = getenv("PYSHIFT_RULES_DIR");
  if (env && *env) return env;
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) {
      *slash = '\0';
      snprintf(buf, sizeof buf, "%s/../share/pyshift/rules", exe);
      if (is_dir(buf)) return buf;
    }
  }
  if (is_dir(PS_RULES_SOURCE_DIR)) return PS_RULES_SOURCE_DIR;
  return PS_RULES_INSTALL_DIR;
}

static void print_rule_error(void *ctx, const PsError *err) {
  size_t *n = ctx;
  ps_error_print(err, stderr);
  (*n)++;
}

/* A --rules or `rules` path: one rule file, or a directory of them. */
static void load_rule_path(PsRegistry *reg, const char *d, size_t *n_errors) {
  struct stat st;
  if (stat(d, &st) == 0 && !S_ISDIR(st.st_mode)) {
    PsError e;
    ps_error_clear(&e);
    if (ps_registry_load_file(reg, d, &e) != 0) print_rule_error(n_errors, &e);
  } else {
    ps_registry_load_dir(reg, d, print_rule_error, n_errors);
  }
}

PsRegistry *ps_run_load_rules(const PsConfig *cfg, size_t *n_errors) {
  PsRegistry *reg = ps_registry_new();
  *n_errors = 0;
  const char *dir = ps_run_builtin_rules_dir();
  /* The built-in rules' queries are compiled by `rules --check` in CI; a
   * scan compiles each only when a file needs it. */
  ps_registry_set_trusted(reg, !cfg->validate_rules);
  if (ps_registry_load_dir(reg, dir, print_rule_error, n_errors) < 0 && *n_errors == 0) (*n_errors)++;
  ps_registry_set_trusted(reg, false);
  /* `rules` from the pyproject.toml first, confined to its directory (the
   * file may come from a hostile pull request), then --rules, anywhere. */
  if (cfg->project_rules_dirs.size) {
    PsError e;
    ps_error_clear(&e);
    if (ps_registry_set_root(reg, cfg->project_root, &e) != 0) {
      print_rule_error(n_errors, &e);
    } else {
      for (size_t i = 0; i < cfg->project_rules_dirs.size; i++) load_rule_path(reg, cfg->project_rules_dirs.items[i], n_errors);
    }
    ps_registry_set_root(reg, NULL, NULL);
  }
  for (size_t i = 0; i < cfg->rules_dirs.size; i++) load_rule_path(reg, cfg->rules_dirs.items[i], n_errors);
  return reg;
}

/* ---- outputs ------------------------------------------------------------------- */

typedef struct Output {
  PsReporter *rep;
  FILE *f;
  char *path;     /* final path, NULL for stdout */
  char *tmp_path; /* written, renamed over path at the end */
  int tmp_slot;   /* in the signal-time cleanup registry (tmpfiles.c) */
} Output;

/* How messages name an output. */
static const char *output_name(const Output *o) {
  return o->path ? o->path : o->f == stderr ? "standard error" : "standard output";
}

/* An output to standard output goes to standard error instead when
 * `to_stderr` (standard output carries the diff or the fixed source). */
static int open_output(Output *o, const PsOutput *spec, const PsConfig *cfg, bool to_stderr, PsError *err) {
  memset(o, 0, sizeof *o);
  o->tmp_slot = -1;
  bool to_stdout = !spec->path || !strcmp(spec->path, "-");
  struct stat st;
  if (to_stdout) {
    o->f = to_stderr ? stderr : stdout;
  } else if (!strncmp(spec->path, "/dev/", 5) || (stat(spec->path, &st) == 0 && !S_ISREG(st.st_mode))) {
    /* A device, FIFO or the like (/dev/null, /dev/stdout, a pipe): write
     * to it directly; renaming a temp file over it would replace it. Paths
     * under /dev/ always count, even when one was already replaced. */
    o->f = fopen(spec->path, "w");
    if (!o->f)
      return ps_error_set(err, PS_E_IO, spec->path, 0, 0, "cannot write output file: %s", strerror(errno));
    o->path = ps_xstrdup(spec->path);
  } else {
    o->path = ps_xstrdup(spec->path);
    o->tmp_path = ps_xasprintf("%s.tmp.XXXXXX", spec->path);
    int fd = mkstemp(o->tmp_path);
    if (fd < 0) {
      int rc = ps_error_set(err, PS_E_IO, spec->path, 0, 0, "cannot write output file: %s", strerror(errno));
      free(o->path);
      free(o->tmp_path);
      o->path = o->tmp_path = NULL;
      return rc;
    }
    o->tmp_slot = ps_tmpfiles_add(o->tmp_path);
    fchmod(fd, 0644);
    o->f = fdopen(fd, "w");
  }
  const char *no_color = getenv("NO_COLOR");
  bool color = cfg->color == PS_COLOR_ALWAYS ||
               (cfg->color == PS_COLOR_AUTO && to_stdout && isatty(to_stderr ? STDERR_FILENO : STDOUT_FILENO) &&
                !(no_color && *no_color));
  PsReportOptions ro = {spec->format, o->f, color, cfg->show_source, cfg->quiet, cfg->statistics};
  o->rep = ps_report_new(&ro);
  return 0;
}

/* Finishes one output: flush, close, rename (when `keep`; otherwise the
 * temporary file is removed). A failure is printed as one line, unless
 * `quiet` (already reported, or a broken pipe). Returns 0 or PS_E_IO. */
static int close_output(Output *o, bool keep, bool quiet) {
  int rc = 0, e = 0;
  const char *what = "write error";
  if (!o->f) return 0;
  errno = 0;
  if (fflush(o->f) != 0 || ferror(o->f)) rc = PS_E_IO, e = errno ? errno : EIO;
  if (o->path) {
    errno = 0;
    if (fclose(o->f) != 0 && !rc) rc = PS_E_IO, e = errno ? errno : EIO;
    if (o->tmp_path) {
      if (rc == 0 && keep && rename(o->tmp_path, o->path) != 0)
        rc = PS_E_IO, e = errno, what = "cannot write output file";
      if (rc != 0 || !keep) unlink(o->tmp_path);
      ps_tmpfiles_remove(o->tmp_slot);
    }
  }
  if (rc && !quiet) fprintf(stderr, "pyshift: %s: %s: %s\n", output_name(o), what, strerror(e));
  ps_report_delete(o->rep);
  free(o->path);
  free(o->tmp_path);
  memset(o, 0, sizeof *o);
  o->tmp_slot = -1;
  return rc;
}

/* errno of the first failed direct write to standard output (diffs, the
 * fixed standard input), 0 if none. */
static int stdout_errno;

static void note_stdout(void) {
  if (!stdout_errno && ferror(stdout)) stdout_errno = errno ? errno : EIO;
}

/* Standard output is a closed pipe: stop quietly (STYLE.md). Any other
 * write error is reported. */
static bool stdout_broken(const Output *outs, size_t n) {
  if (stdout_errno == EPIPE) return true;
  for (size_t i = 0; i < n; i++)
    if (outs[i].rep && outs[i].f == stdout && ps_report_write_errno(outs[i].rep) == EPIPE) return true;
  return false;
}

/* Same file: by device and inode when it exists (s/ok from stat). */
static bool same_inode(const struct stat *a, const struct stat *b) {
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* An output file that is one of the files to check would replace it with
 * the report: a usage error, found before anything is scanned or written. */
static int check_outputs_not_inputs(const PsConfig *cfg, const PsWalkResult *walk, PsError *err) {
  int rc = 0;
  struct stat *ost = ps_xcalloc(cfg->n_outputs ? cfg->n_outputs : 1, sizeof *ost);
  bool any = false;
  for (size_t i = 0; i < cfg->n_outputs; i++) {
    const char *p = cfg->outputs[i].path;
    if (p && strcmp(p, "-") && stat(p, &ost[i]) == 0 && S_ISREG(ost[i].st_mode)) any = true;
    else ost[i].st_ino = 0, ost[i].st_dev = 0, ost[i].st_mode = 0;
  }
  for (size_t f = 0; any && f < walk->n_files && !rc; f++) {
    struct stat st;
    if (stat(walk->files[f].path, &st) != 0) continue;
    for (size_t i = 0; i < cfg->n_outputs && !rc; i++)
      if (S_ISREG(ost[i].st_mode) && same_inode(&ost[i], &st))
        rc = ps_error_set(err, PS_E_USAGE, cfg->outputs[i].path, 0, 0,
                          "the output file is %s, one of the files being checked; refusing to overwrite it",
                          walk->files[f].path);
  }
  free(ost);
  return rc;
}

/* ---- workers ------------------------------------------------------------------- */

typedef struct Shared {
  const PsEngine *engine;
  char **paths;
  size_t n;
  PsFileResult **results;
  atomic_size_t next;
  atomic_bool stop;
  size_t want;            /* the slot the main thread waits for (under mu) */
  pthread_mutex_t mu;
  pthread_cond_t cv;
  const char *stdin_bytes; /* one in-memory file (stdin) */
  size_t stdin_len;
  char worker_error[PS_ERROR_MSG_MAX];
} Shared;

static void *worker_main(void *arg) {
  Shared *sh = arg;
  PsError err;
  ps_error_clear(&err);
  PsScanWorker *w = ps_scan_worker_new(sh->engine, &err);
  for (;;) {
    size_t i = atomic_fetch_add(&sh->next, 1);
    if (i >= sh->n) break;
    PsFileResult *r;
    if (!w) {
      r = ps_xcalloc(1, sizeof *r);
      r->path = ps_xstrdup(sh->paths[i]);
      r->errors = ps_xmalloc(sizeof(char *));
      r->errors[0] = ps_xstrdup(err.msg);
      r->n_errors = 1;
      r->skipped = true;
    } else if (atomic_load(&sh->stop)) {
      r = ps_xcalloc(1, sizeof *r);
      r->path = ps_xstrdup(sh->paths[i]);
      r->skipped = true;
    } else {
      r = ps_engine_scan(w, sh->paths[i], sh->stdin_bytes, sh->stdin_len);
    }
    pthread_mutex_lock(&sh->mu);
    sh->results[i] = r;
    /* Only the slot the reporter waits for is worth a wake-up. */
    if (i == sh->want) pthread_cond_signal(&sh->cv);
    pthread_mutex_unlock(&sh->mu);
  }
  ps_scan_worker_delete(w);
  return NULL;
}

static bool is_first_party(const void *modules, const char *top, size_t len) {
  return ps_modules_is_first_party(modules, top, len);
}

static int ncpus(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

static void utc_now(char *buf, size_t n) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Reads at most max + 1 bytes: one more than the limit is enough for the
 * engine to report the input as too large (`< /dev/zero` must end). */
static char *read_stdin(size_t *len, size_t max) {
  PsBuf b = PS_BUF_INIT;
  char chunk[65536];
  size_t n;
  while (b.len <= max && (n = fread(chunk, 1, max + 1 - b.len < sizeof chunk ? max + 1 - b.len : sizeof chunk,
                                    stdin)) > 0)
    ps_buf_append(&b, chunk, n);
  *len = b.len;
  return ps_buf_steal(&b);
}

/* ---- the run ------------------------------------------------------------------- */

int ps_run_check(PsConfig *cfg, int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  ps_tmpfiles_install();
  stdout_errno = 0;
  char start_time[32], end_time[32];
  utc_now(start_time, sizeof start_time);
  size_t n_errors = 0;
  Array(PsNotification) notes;
  Array(char *) note_strings; /* owned texts behind notes */
  array_init(&notes);
  array_init(&note_strings);
  PsWalkResult walk = {0};
  PsEngine *engine = NULL;
  PsModules modules = {0};
  PsWriteScope scope = {0};
  Output *outs = NULL;
  const PsRule **enabled = NULL;
  size_t n_enabled = 0;
  char *stdin_bytes = NULL;
  size_t stdin_len = 0;
  Shared sh = {0};
  int exit_code = 2;
  bool broken_pipe = false;
  PsError err;
  ps_error_clear(&err);

  /* Rules. */
  size_t rule_errors = 0;
  PsRegistry *reg = ps_run_load_rules(cfg, &rule_errors);
  n_errors += rule_errors;
  PsSelection sel = {
      (const char *const *)cfg->select.items, cfg->select.size,
      (const char *const *)cfg->extend_select.items, cfg->extend_select.size,
      (const char *const *)cfg->ignore.items, cfg->ignore.size,
      cfg->target, cfg->min_python, cfg->preview,
  };
  if (ps_registry_select(reg, &sel, &enabled, &n_enabled, &err) != 0) {
    ps_error_print(&err, stderr);
    goto cleanup;
  }

  /* Files. */
  bool use_stdin = cfg->stdin_filename != NULL;
  if (!use_stdin) {
    Array(const char *) excl;
    array_init(&excl);
    for (size_t i = 0; i < cfg->exclude.size; i++) array_push(&excl, cfg->exclude.items[i]);
    for (size_t i = 0; i < cfg->extend_exclude.size; i++) array_push(&excl, cfg->extend_exclude.items[i]);
    static const char *const EXT[] = {"py", "pyi"};
    PsWalkOptions wo = {
        (const char *const *)cfg->paths.items, cfg->paths.size, excl.items, excl.size,
        !cfg->exclude_set, cfg->respect_gitignore, cfg->force_exclude, EXT, 2,
    };
    int rc = ps_walk(&wo, &walk, &err);
    array_free(&excl);
    if (rc) {
      ps_error_print(&err, stderr);
      goto cleanup;
    }
    for (size_t i = 0; i < walk.n_errors; i++) {
      const PsWalkError *we = &walk.errors[i];
      char *shown = ps_report_escaped_path(we->path);
      fprintf(stderr, "pyshift: %s%s: %s\n", we->warning ? "warning: " : "", shown, we->message);
      free(shown);
      array_push(&notes, ((PsNotification){we->path, we->message, we->warning ? "warning" : NULL}));
      if (!we->warning) n_errors++;
    }
    sh.n = walk.n_files;
    sh.paths = ps_xcalloc(sh.n ? sh.n : 1, sizeof(char *));
    for (size_t i = 0; i < sh.n; i++) sh.paths[i] = walk.files[i].path;
    if (check_outputs_not_inputs(cfg, &walk, &err) != 0) {
      ps_error_print(&err, stderr);
      goto cleanup;
    }
  } else {
    stdin_bytes = read_stdin(&stdin_len, cfg->max_file_size ? cfg->max_file_size : PS_MAX_SOURCE_BYTES);
    sh.n = 1;
    sh.paths = ps_xcalloc(1, sizeof(char *));
    sh.paths[0] = cfg->stdin_filename;
    sh.stdin_bytes = stdin_bytes;
    sh.stdin_len = stdin_len;
  }
  ps_modules_build(&modules, (const char *const *)sh.paths, sh.n);
  if (!use_stdin) ps_write_scope_init(&scope, (const char *const *)cfg->paths.items, cfg->paths.size);

  /* Engine. */
  PsFixMode fix_mode = cfg->diff ? PS_FIX_DIFF : cfg->fix ? PS_FIX_APPLY : PS_FIX_OFF;
  if (getenv("PYSHIFT_PARSE_ONLY")) fix_mode = PS_FIX_OFF;
  /* Standard output carries the diffs, or the fixed standard input: the
   * report goes to standard error then. */
  bool report_to_stderr = fix_mode == PS_FIX_DIFF || (use_stdin && fix_mode == PS_FIX_APPLY);
  bool want_sarif = false;
  for (size_t i = 0; i < cfg->n_outputs; i++) want_sarif |= cfg->outputs[i].format == PS_FORMAT_SARIF;
  int jobs = cfg->jobs > 0 ? cfg->jobs : ncpus();
  if ((size_t)jobs > sh.n) jobs = sh.n ? (int)sh.n : 1;
  PsEngineOptions eo = {
      .target = cfg->target,
      .min_python = cfg->min_python,
      .max_file_size = cfg->max_file_size,
      .max_file_memory = cfg->max_file_memory ? cfg->max_file_memory : ps_memory_default_budget((unsigned)jobs),
      .parse_budget_us = (cfg->file_timeout_ms ? cfg->file_timeout_ms : 20000) * 1000ULL,
      .fingerprints = want_sarif,
      .parse_only = getenv("PYSHIFT_PARSE_ONLY") != NULL,
      .no_prefilter = getenv("PYSHIFT_NO_PREFILTER") != NULL,
      .fix_mode = fix_mode,
      .unsafe_fixes = cfg->unsafe_fixes,
      .per_file_ignores = cfg->per_file_ignores,
      .n_per_file_ignores = cfg->n_per_file_ignores,
      .is_first_party = is_first_party,
      .project = &modules,
  };
  if (ps_engine_new(&engine, (const PsRule *const *)enabled, n_enabled, &eo, &err) != 0) {
    ps_error_print(&err, stderr);
    goto cleanup;
  }

  /* Outputs. */
  outs = ps_xcalloc(cfg->n_outputs, sizeof(Output));
  for (size_t i = 0; i < cfg->n_outputs; i++) {
    if (open_output(&outs[i], &cfg->outputs[i], cfg, report_to_stderr, &err) != 0) {
      ps_error_print(&err, stderr);
      n_errors++;
    }
  }
  char cwd[PATH_MAX];
  if (!getcwd(cwd, sizeof cwd)) snprintf(cwd, sizeof cwd, "/");
  PsRunInfo run = {
      .tool_version = PS_VERSION,
      .rules = (const PsRuleMeta *const *)enabled,
      .n_rules = n_enabled,
      .argc = argc,
      .argv = (const char *const *)argv,
      .working_dir = cwd,
      .automation_id = cfg->automation_id,
      .target = cfg->target,
      .min_python = cfg->min_python,
      .start_time_utc = start_time,
      .fix_mode = fix_mode,
  };
  for (size_t i = 0; i < cfg->n_outputs; i++)
    if (outs[i].rep) ps_report_begin(outs[i].rep, &run);

  /* Scan. */
  sh.engine = engine;
  sh.results = ps_xcalloc(sh.n ? sh.n : 1, sizeof(PsFileResult *));
  pthread_mutex_init(&sh.mu, NULL);
  pthread_cond_init(&sh.cv, NULL);
  pthread_t *threads = ps_xcalloc((size_t)jobs, sizeof(pthread_t));
  int started = 0;
  if (sh.n) {
    /* Workers inherit a mask without the termination signals, so the main
     * thread, which owns the temporary files, is the one that takes them. */
    sigset_t old_mask;
    ps_tmpfiles_block(&old_mask);
    for (int t = 0; t < jobs; t++) {
      if (pthread_create(&threads[t], NULL, worker_main, &sh) != 0) break;
      started++;
    }
    ps_tmpfiles_unblock(&old_mask);
    if (!started) worker_main(&sh); /* no threads at all: scan here */
  }
  size_t n_findings = 0, n_files = 0, n_fixed = 0, n_fixable = 0, n_hidden = 0, write_errors = 0;
  for (size_t i = 0; i < sh.n; i++) {
    pthread_mutex_lock(&sh.mu);
    sh.want = i;
    while (!sh.results[i]) pthread_cond_wait(&sh.cv, &sh.mu);
    PsFileResult *r = sh.results[i];
    sh.results[i] = NULL;
    pthread_mutex_unlock(&sh.mu);
    /* Files are fixed even once standard output is gone (`pyshift check
     * --fix | head`): the rewrite is what was asked for, not the report. */
    if (r->fixed && !use_stdin) {
      char *why = ps_run__write_fixed(r, &scope);
      if (why && broken_pipe) {
        char *shown = ps_report_escaped_path(r->path);
        fprintf(stderr, "pyshift: %s: %s\n", shown, why);
        free(shown);
        free(why);
        write_errors++;
      } else if (why) {
        /* Nothing changed on disk: report the file as it is. */
        r->errors = ps_xrealloc(r->errors, (r->n_errors + 1) * sizeof(char *));
        r->errors[r->n_errors++] = why;
        ps_findings_free(r->findings, r->n_findings);
        r->findings = r->unfixed;
        r->n_findings = r->n_unfixed;
        r->unfixed = NULL;
        r->n_unfixed = 0;
        r->n_fixed = 0;
      }
    }
    if (!broken_pipe) {
      if (use_stdin && fix_mode == PS_FIX_APPLY) {
        /* As ruff does: the fixed source (or the input unchanged) on stdout. */
        errno = 0;
        if (r->fixed) fwrite(r->fixed, 1, r->fixed_len, stdout);
        else fwrite(stdin_bytes, 1, stdin_len, stdout);
        fflush(stdout);
        note_stdout();
      }
      if (r->diff) {
        errno = 0;
        fputs(r->diff, stdout);
        fflush(stdout);
        note_stdout();
      }
      n_fixed += r->n_fixed;
      for (size_t k = 0; k < r->n_findings; k++) {
        const PsFix *fx = r->findings[k].fix;
        if (fx && (fx->safe || cfg->unsafe_fixes)) n_fixable++;
        else if (fx) n_hidden++;
      }
      for (size_t k = 0; k < r->n_errors; k++) {
        char *shown = ps_report_escaped_path(r->path);
        fprintf(stderr, "pyshift: %s: %s\n", shown, r->errors[k]);
        free(shown);
        char *p = ps_xstrdup(r->path), *m = ps_xstrdup(r->errors[k]);
        array_push(&note_strings, p);
        array_push(&note_strings, m);
        array_push(&notes, ((PsNotification){p, m, NULL}));
        n_errors++;
      }
      if (!r->n_errors || r->n_findings) n_files++;
      n_findings += r->n_findings;
      for (size_t k = 0; k < cfg->n_outputs; k++)
        if (outs[k].rep) ps_report_file(outs[k].rep, r);
      if (stdout_broken(outs, cfg->n_outputs)) {
        broken_pipe = true;
        if (fix_mode != PS_FIX_APPLY || use_stdin) atomic_store(&sh.stop, true);
      }
    }
    ps_file_result_free(r);
  }
  for (int t = 0; t < started; t++) pthread_join(threads[t], NULL);
  free(threads);
  pthread_mutex_destroy(&sh.mu);
  pthread_cond_destroy(&sh.cv);

  utc_now(end_time, sizeof end_time);
  run.notes = notes.items;
  run.n_notes = notes.size;
  run.n_files = n_files;
  run.n_findings = n_findings;
  run.n_fixed = n_fixed;
  run.n_fixable = n_fixable;
  run.n_hidden_fixes = n_hidden;
  run.execution_successful = n_errors == 0;
  run.end_time_utc = end_time;
  for (size_t i = 0; i < cfg->n_outputs; i++) {
    if (!outs[i].rep) continue;
    int e = 0;
    if (!broken_pipe && ps_report_end(outs[i].rep, &run) != 0) e = ps_report_write_errno(outs[i].rep);
    if (e == EPIPE && outs[i].f == stdout) {
      broken_pipe = true;
    } else if (e) {
      fprintf(stderr, "pyshift: %s: write error: %s\n", output_name(&outs[i]), strerror(e));
      n_errors++;
    }
    bool to_pipe = broken_pipe && outs[i].f == stdout;
    if (close_output(&outs[i], !broken_pipe && !e, e || to_pipe) != 0 && !to_pipe && !e) n_errors++;
  }
  if (stdout_errno && stdout_errno != EPIPE) {
    fprintf(stderr, "pyshift: standard output: write error: %s\n", strerror(stdout_errno));
    n_errors++;
  }
  /* --diff fails when something would be fixed; otherwise what counts is
   * what is left (with --fix, 0 when everything was fixed). */
  bool failing = fix_mode == PS_FIX_DIFF ? n_fixed > 0 : n_findings > 0;
  if (broken_pipe) {
    exit_code = write_errors ? 2 : failing ? 1 : 0;
  } else if (n_errors) {
    exit_code = 2;
  } else {
    exit_code = failing && !cfg->exit_zero ? 1 : 0;
  }

cleanup:
  if (outs) {
    for (size_t i = 0; i < cfg->n_outputs; i++) close_output(&outs[i], false, true);
    free(outs);
  }
  free(sh.results);
  free(sh.paths);
  free(stdin_bytes);
  ps_engine_delete(engine);
  ps_modules_free(&modules);
  ps_write_scope_free(&scope);
  ps_walk_result_free(&walk);
  free(enabled);
  ps_registry_delete(reg);
  for (size_t i = 0; i < note_strings.size; i++) free(note_strings.items[i]);
  array_free(&note_strings);
  array_free(&notes);
  if (broken_pipe) {
    /* Nothing more may reach the closed pipe. */
    fclose(stdout);
  }
  return exit_code;
}
