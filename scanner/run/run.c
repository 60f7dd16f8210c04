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

#include "baseline/baseline.h"
#include "parse/parse.h"
#include "report/report.h"
#include "run/cache_internal.h"
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
  PsReportOptions ro = {.format = spec->format, .out = o->f, .color = color, .show_source = cfg->show_source,
                        .quiet = cfg->quiet, .statistics = cfg->statistics};
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

/* One file through the cache: a hit is the stored result; a miss is
 * scanned from the bytes the lookup read (so what is stored is the result
 * of exactly those bytes) and stored, unless its facts feed the project
 * stage (facts are not cached: such files are scanned every time). */
static PsFileResult *cached_scan(Shared *sh, PsScanWorker *w, const char *path, PsFileFacts **facts) {
  PsCacheProbe probe;
  PsFileResult *r = ps_cache_get(sh->cache, path, &probe);
  if (!r) {
    r = ps_engine_scan(w, path, probe.bytes, probe.len);
    if (!r->skipped) *facts = ps_scan_worker_take_facts(w);
    if (!*facts) ps_cache_put(sh->cache, &probe, r);
    if (!sh->facts) {
      ps_facts_delete(*facts);
      *facts = NULL;
    }
  }
  ps_cache_probe_free(&probe);
  return r;
}

static void *worker_main(void *arg) {
  Shared *sh = arg;
  PsError err;
  ps_error_clear(&err);
  PsScanWorker *w = ps_scan_worker_new(sh->engine, &err);
  for (;;) {
    size_t i = atomic_fetch_add(&sh->next, 1);
    if (i >= sh->n) break;
    PsFileResult *r;
    PsFileFacts *facts = NULL;
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
    } else if (sh->cache) {
      r = cached_scan(sh, w, sh->paths[i], &facts);
    } else {
      r = ps_engine_scan(w, sh->paths[i], sh->stdin_bytes, sh->stdin_len);
      if (sh->facts && !r->skipped) facts = ps_scan_worker_take_facts(w);
    }
    pthread_mutex_lock(&sh->mu);
    if (sh->facts) sh->facts[i] = facts;
    sh->results[i] = r;
    /* Only the slot the reporter waits for is worth a wake-up. */
    if (i == sh->want) pthread_cond_signal(&sh->cv);
    pthread_mutex_unlock(&sh->mu);
  }
  ps_scan_worker_delete(w);
  return NULL;
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

static void add_note(Run *R, const char *path, const char *msg) {
  char *p = ps_xstrdup(path), *m = ps_xstrdup(msg);
  array_push(&R->note_strings, p);
  array_push(&R->note_strings, m);
  array_push(&R->notes, ((PsNotification){p, m, NULL}));
}

static int load_rules(Run *R) {
  PsConfig *cfg = R->cfg;
  size_t rule_errors = 0;
  R->reg = ps_run_load_rules(cfg, &rule_errors);
  R->n_errors += rule_errors;
  R->hard_errors += rule_errors;
  PsSelection sel = {
      (const char *const *)cfg->select.items, cfg->select.size,
      (const char *const *)cfg->extend_select.items, cfg->extend_select.size,
      (const char *const *)cfg->ignore.items, cfg->ignore.size,
      cfg->target, cfg->min_python, cfg->preview, !cfg->select_set,
  };
  PsError err;
  ps_error_clear(&err);
  if (ps_registry_select(R->reg, &sel, &R->enabled, &R->n_enabled, &err) != 0) {
    ps_error_print(&err, stderr);
    return -1;
  }
  /* A selector that turns nothing on is a warning, never a silent "All
   * checks passed!" (an id no rule has, a rule that the target version
   * excludes, preview rules without --preview). */
  const PsStrList *lists[2] = {&cfg->select, &cfg->extend_select};
  const char *names[2] = {"select", "extend-select"};
  for (int l = cfg->select_set ? 0 : 1; l < 2; l++) /* the default selection is not the user's */
    for (size_t i = 0; i < lists[l]->size; i++) {
      const char *s = lists[l]->items[i];
      bool any = false, exists = false, all_preview = true;
      for (size_t k = 0; k < R->n_enabled && !any; k++) any = ps_selector_matches(s, R->enabled[k]->meta.id);
      for (size_t k = 0; k < ps_registry_count(R->reg) && !any; k++) {
        const PsRuleMeta *m = &ps_registry_at(R->reg, k)->meta;
        if (!ps_selector_matches(s, m->id)) continue;
        exists = true;
        all_preview &= !strcmp(m->status, "preview");
      }
      if (!any)
        fprintf(stderr, "pyshift: warning: --%s %s enables no rule%s\n", names[l], s,
                !exists                        ? " (no rule has that id or prefix yet)"
                : all_preview && !cfg->preview ? " (its rules are preview rules: add --preview)"
                                               : " for this run's target and minimum Python versions (see `pyshift rules`)");
    }
  return 0;
}

/* --baseline is read before anything is scanned: a missing or broken
 * baseline stops the run (an empty one would report every finding as new). */
static int load_baseline(Run *R) {
  PsConfig *cfg = R->cfg;
  if (cfg->write_baseline) R->record = ps_baseline_new(cfg->write_baseline);
  PsError err;
  ps_error_clear(&err);
  if (cfg->since) {
    /* git runs where the first path is (it may be in another work tree
     * than the working directory). */
    const char *first = cfg->stdin_filename ? cfg->stdin_filename : cfg->paths.size ? cfg->paths.items[0] : ".";
    struct stat st;
    char *dir = stat(first, &st) == 0 && S_ISDIR(st.st_mode) ? ps_xstrdup(first)
                : strrchr(first, '/') ? ps_xstrndup(first, strrchr(first, '/') == first ? 1 : (size_t)(strrchr(first, '/') - first))
                                      : ps_xstrdup(".");
    int rc = ps_since_load(&R->since, cfg->since, is_dir(dir) ? dir : ".", &err);
    free(dir);
    if (rc != 0) {
      ps_error_print(&err, stderr);
      return -1;
    }
  }
  if (!cfg->baseline) return 0;
  if (ps_baseline_load(&R->baseline, cfg->baseline, &err) != 0) {
    ps_error_print(&err, stderr);
    return -1;
  }
  return 0;
}

/* The files to scan (the walk, or standard input), the module layout and
 * the write scope. */
static int find_files(Run *R) {
  PsConfig *cfg = R->cfg;
  PsError err;
  ps_error_clear(&err);
  Shared *sh = &R->sh;
  R->use_stdin = cfg->stdin_filename != NULL;
  if (!R->use_stdin) {
    Array(const char *) excl;
    array_init(&excl);
    for (size_t i = 0; i < cfg->exclude.size; i++) array_push(&excl, cfg->exclude.items[i]);
    for (size_t i = 0; i < cfg->extend_exclude.size; i++) array_push(&excl, cfg->extend_exclude.items[i]);
    static const char *const EXT[] = {"py", "pyi"};
    PsWalkOptions wo = {
        (const char *const *)cfg->paths.items, cfg->paths.size, excl.items, excl.size,
        !cfg->exclude_set, cfg->respect_gitignore, cfg->force_exclude, EXT, 2,
    };
    int rc = ps_walk(&wo, &R->walk, &err);
    array_free(&excl);
    if (rc) {
      ps_error_print(&err, stderr);
      return -1;
    }
    for (size_t i = 0; i < R->walk.n_errors; i++) {
      const PsWalkError *we = &R->walk.errors[i];
      char *shown = ps_report_escaped_path(we->path);
      fprintf(stderr, "pyshift: %s%s: %s\n", we->warning ? "warning: " : "", shown, we->message);
      free(shown);
      array_push(&R->notes, ((PsNotification){we->path, we->message, we->warning ? "warning" : NULL}));
      if (!we->warning) R->n_errors++;
    }
    sh->n = R->walk.n_files;
    if (!sh->n && !R->walk.n_errors)
      fprintf(stderr, "pyshift: warning: no Python files found under the given paths\n");
    sh->paths = ps_xcalloc(sh->n ? sh->n : 1, sizeof(char *));
    for (size_t i = 0; i < sh->n; i++) sh->paths[i] = R->walk.files[i].path;
    if (check_outputs_not_inputs(cfg, &R->walk, &err) != 0) {
      ps_error_print(&err, stderr);
      return -1;
    }
  } else {
    R->stdin_bytes = read_stdin(&R->stdin_len, cfg->max_file_size ? cfg->max_file_size : PS_MAX_SOURCE_BYTES);
    sh->n = 1;
    sh->paths = ps_xcalloc(1, sizeof(char *));
    sh->paths[0] = cfg->stdin_filename;
    sh->stdin_bytes = R->stdin_bytes;
    sh->stdin_len = R->stdin_len;
  }
  ps_modules_build(&R->modules, (const char *const *)sh->paths, sh->n);
  if (!R->use_stdin) ps_write_scope_init(&R->scope, (const char *const *)cfg->paths.items, cfg->paths.size);
  return 0;
}

/* The result cache (docs/cache.md), unless the run rewrites files (--fix,
 * --diff, --add-noqa: their results are not what a plain check reports),
 * reads standard input, or measures the parser. No usable cache directory
 * is no error: the run scans everything. */
static void open_cache(Run *R) {
  const PsConfig *cfg = R->cfg;
  const char *off = getenv("PYSHIFT_NO_CACHE");
  if (cfg->no_cache || (off && *off) || R->use_stdin || R->fix_mode != PS_FIX_OFF || cfg->add_noqa || getenv("PYSHIFT_PARSE_ONLY"))
    return;
  PsCacheSetup setup = {cfg, R->reg, R->enabled, R->n_enabled, &R->modules, R->want_fingerprints};
  R->sh.cache = ps_cache_open(&setup);
}

static int make_engine(Run *R) {
  PsConfig *cfg = R->cfg;
  R->fix_mode = cfg->diff ? PS_FIX_DIFF : cfg->fix ? PS_FIX_APPLY : PS_FIX_OFF;
  if (getenv("PYSHIFT_PARSE_ONLY")) R->fix_mode = PS_FIX_OFF;
  for (size_t i = 0; i < cfg->n_outputs; i++)
    R->want_fingerprints |= cfg->outputs[i].format == PS_FORMAT_SARIF || cfg->outputs[i].format == PS_FORMAT_JSON ||
                            cfg->outputs[i].format == PS_FORMAT_GITLAB;
  /* A baseline records GitHub's fingerprints for its absent results. */
  R->want_fingerprints |= cfg->write_baseline != NULL;
  R->jobs = cfg->jobs > 0 ? cfg->jobs : ncpus();
  if ((size_t)R->jobs > R->sh.n) R->jobs = R->sh.n ? (int)R->sh.n : 1;
  PsEngineOptions eo = {
      .target = cfg->target,
      .min_python = cfg->min_python,
      .max_file_size = cfg->max_file_size,
      .max_file_memory = cfg->max_file_memory ? cfg->max_file_memory : ps_memory_default_budget((unsigned)R->jobs),
      .parse_budget_us = (cfg->file_timeout_ms ? cfg->file_timeout_ms : 20000) * 1000ULL,
      .fingerprints = R->want_fingerprints,
      .parse_only = getenv("PYSHIFT_PARSE_ONLY") != NULL,
      .no_prefilter = getenv("PYSHIFT_NO_PREFILTER") != NULL,
      .fix_mode = R->fix_mode,
      .unsafe_fixes = cfg->unsafe_fixes,
      .add_noqa = cfg->add_noqa,
      .unused_ignores = cfg->report_unused_ignores,
      .registry = R->reg,
      .per_file_ignores = cfg->per_file_ignores,
      .n_per_file_ignores = cfg->n_per_file_ignores,
      .modules = &R->modules,
      .ft_mode = cfg->ft_mode,
      .ft_rows = (const char *const *)cfg->ft_rows.items,
      .n_ft_rows = cfg->ft_rows.size,
  };
  PsError err;
  ps_error_clear(&err);
  if (ps_engine_new(&R->engine, (const PsRule *const *)R->enabled, R->n_enabled, &eo, &err) != 0) {
    ps_error_print(&err, stderr);
    return -1;
  }
  /* PS100 is reported, so the outputs list it among the rules (in id
   * order); the engine was built without it. */
  if (cfg->report_unused_ignores) {
    R->enabled = ps_xrealloc(R->enabled, (R->n_enabled + 1) * sizeof *R->enabled);
    size_t at = R->n_enabled;
    while (at && strcmp(R->enabled[at - 1]->meta.id, "PS100") > 0) at--;
    memmove(R->enabled + at + 1, R->enabled + at, (R->n_enabled - at) * sizeof *R->enabled);
    R->enabled[at] = ps_run_unused_rule();
    R->n_enabled++;
  }
  open_cache(R);
  R->facts = ps_engine_facts(R->engine);
  if (R->facts) {
    R->index = ps_project_index_new();
    R->defer = R->fix_mode == PS_FIX_APPLY && !R->use_stdin;
    ps_strset_init(&R->reported);
  }
  return 0;
}

/* The formats whose paths are relative to the repository's top. */
static bool want_sarif(const PsConfig *cfg) {
  for (size_t i = 0; i < cfg->n_outputs; i++)
    if (cfg->outputs[i].format == PS_FORMAT_SARIF || cfg->outputs[i].format == PS_FORMAT_GITLAB ||
        cfg->outputs[i].format == PS_FORMAT_JUNIT)
      return true;
  return false;
}

/* SARIF's %SRCROOT% and versionControlProvenance: --project-root, else the
 * top of the git work tree holding the first path checked (GitHub resolves
 * URIs against the repository root, whatever directory the scan ran in),
 * else the working directory as before. */
static void locate_sources(Run *R) {
  PsConfig *cfg = R->cfg;
  const char *start = cfg->uri_root;
  if (!start) start = R->use_stdin ? cfg->stdin_filename : cfg->paths.size ? cfg->paths.items[0] : ".";
  if (!start || !strcmp(start, "-")) start = ".";
  if (ps_report_vcs_find(&R->vcs, start) != 0 && !cfg->uri_root) ps_report_vcs_find(&R->vcs, ".");
  R->info.uri_root = cfg->uri_root ? cfg->uri_root : R->vcs.root;
  if (R->vcs.root) {
    R->info.vcs_repository_uri = R->vcs.repository_uri;
    R->info.vcs_revision = R->vcs.revision;
    R->info.vcs_branch = R->vcs.branch;
    R->info.vcs_root_is_top = !strcmp(R->info.uri_root, R->vcs.root);
    R->info.vcs_root = R->vcs.root;
  }
}

static void open_outputs(Run *R) {
  PsConfig *cfg = R->cfg;
  /* Standard output carries the diffs, or the fixed standard input: the
   * report goes to standard error then. */
  bool report_to_stderr = R->fix_mode == PS_FIX_DIFF || (R->use_stdin && R->fix_mode == PS_FIX_APPLY);
  R->outs = ps_xcalloc(cfg->n_outputs ? cfg->n_outputs : 1, sizeof(Output));
  for (size_t i = 0; i < cfg->n_outputs; i++) {
    PsError err;
    ps_error_clear(&err);
    if (open_output(&R->outs[i], &cfg->outputs[i], cfg, report_to_stderr, &err) != 0) {
      ps_error_print(&err, stderr);
      R->n_errors++;
      R->hard_errors++;
    }
  }
  if (!getcwd(R->cwd, sizeof R->cwd)) snprintf(R->cwd, sizeof R->cwd, "/");
  R->info = (PsRunInfo){
      .tool_version = PS_VERSION,
      .rules = (const PsRuleMeta *const *)R->enabled,
      .n_rules = R->n_enabled,
      .argc = R->argc,
      .argv = (const char *const *)R->argv,
      .working_dir = R->cwd,
      .automation_id = cfg->automation_id,
      .target = cfg->target,
      .min_python = cfg->min_python,
      .baseline = cfg->baseline,
      .start_time_utc = R->start_time,
      .fix_mode = R->fix_mode,
  };
  if (want_sarif(cfg)) locate_sources(R);
  for (size_t i = 0; i < cfg->n_outputs; i++)
    if (R->outs[i].rep) ps_report_begin(R->outs[i].rep, &R->info);
}

/* Remembers a per-file finding, so a join that finds it again does not
 * report it twice. */
static void note_reported(Run *R, const char *path, const PsFinding *f) {
  char *k = ps_xasprintf("%s\t%s\t%u\t%u", f->rule->id, path, (unsigned)f->range.start.line,
                         (unsigned)f->range.start.col);
  ps_strset_put(&R->reported, k, strlen(k), NULL);
  free(k);
}

/* Records r's findings for --write-baseline and matches them against
 * --baseline. Returns what the outputs other than SARIF show: r itself, or
 * `view`, a shallow copy of r holding only the new findings (free
 * view->findings, the array only, when the result is not r). SARIF and
 * HTML get r, every finding marked new or unchanged. */
static PsFileResult *baseline_view(Run *R, PsFileResult *r, PsFileResult *view) {
  if (R->since) { /* --since: only findings on changed lines exist at all */
    size_t kept = 0;
    for (size_t k = 0; k < r->n_findings; k++) {
      PsFinding *f = &r->findings[k];
      if (ps_since_changed(R->since, r->path, f->range.start.line, f->range.end.line)) r->findings[kept++] = *f;
      else ps_finding_free(f);
    }
    r->n_findings = kept;
  }
  if (R->record) ps_baseline_record(R->record, r->path, r->findings, r->n_findings);
  if (!R->baseline) return r;
  /* A file that could not be scanned in full keeps its entries from
   * looking absent; so does every file of a --since run (its findings on
   * unchanged lines were dropped, not fixed). */
  if (!r->n_errors && !R->since) ps_baseline_saw(R->baseline, r->path);
  size_t unchanged = ps_baseline_match(R->baseline, r->path, r->findings, r->n_findings);
  R->n_unchanged += unchanged;
  if (!unchanged) return r;
  *view = *r;
  view->findings = ps_xmalloc((r->n_findings - unchanged ? r->n_findings - unchanged : 1) * sizeof(PsFinding));
  view->n_findings = 0;
  for (size_t k = 0; k < r->n_findings; k++)
    if (r->findings[k].baseline != PS_BASELINE_UNCHANGED) view->findings[view->n_findings++] = r->findings[k];
  return view;
}

/* Do the output's findings carry their baseline state (all of them, the
 * unchanged and absent ones too)? SARIF (baselineState) and HTML (badges). */
static bool shows_baseline(const PsOutput *o) { return o->format == PS_FORMAT_SARIF || o->format == PS_FORMAT_HTML; }

/* Hands one result to every output: SARIF and HTML see `all` (with the
 * baseline's unchanged findings), the others `shown`. */
static void report_result(Run *R, const PsFileResult *all, const PsFileResult *shown, bool project) {
  for (size_t k = 0; k < R->cfg->n_outputs; k++) {
    if (!R->outs[k].rep) continue;
    const PsFileResult *r = shows_baseline(&R->cfg->outputs[k]) ? all : shown;
    if (project) ps_report_project(R->outs[k].rep, r);
    else ps_report_file(R->outs[k].rep, r);
  }
}

/* Counts the findings of a reported result that fail the run (--fail-on). */
static void count_failing(Run *R, const PsFileResult *r) {
  for (size_t k = 0; k < r->n_findings; k++)
    if (r->findings[k].severity >= R->cfg->fail_on) R->n_failing++;
}

/* One file's result, in path order: its fixes written (--fix), its diff or
 * fixed standard input printed, its errors and findings reported. */
static void handle_result(Run *R, PsFileResult *r) {
  PsConfig *cfg = R->cfg;
  /* Files are fixed even once standard output is gone (`pyshift check
   * --fix | head`): the rewrite is what was asked for, not the report. */
  if (r->fixed && !R->use_stdin) {
    char *why = ps_run__write_fixed(r, &R->scope);
    if (!why && cfg->add_noqa) R->n_noqa += r->n_unfixed - r->n_findings, R->n_noqa_files++;
    if (why && R->broken_pipe) {
      char *shown = ps_report_escaped_path(r->path);
      fprintf(stderr, "pyshift: %s: %s\n", shown, why);
      free(shown);
      free(why);
      R->write_errors++;
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
  if (R->broken_pipe) return;
  /* --add-noqa: the lines that could not take a comment, said once each. */
  for (size_t k = 0; cfg->add_noqa && k < r->n_findings; k++) {
    const PsFinding *f = &r->findings[k];
    if (k && r->findings[k - 1].range.start.line == f->range.start.line) continue;
    for (size_t i = 0; i < f->n_notes; i++)
      if (f->notes[i] && ps_str_starts_with(f->notes[i], "no `# pyshift: ignore`")) {
        char *shown = ps_report_escaped_path(r->path);
        fprintf(stderr, "pyshift: warning: %s:%u: %s; suppress it by hand\n", shown, (unsigned)f->range.start.line,
                f->notes[i]);
        free(shown);
        break;
      }
  }
  if (R->use_stdin && R->fix_mode == PS_FIX_APPLY) {
    /* As ruff does: the fixed source (or the input unchanged) on stdout. */
    errno = 0;
    if (r->fixed) fwrite(r->fixed, 1, r->fixed_len, stdout);
    else fwrite(R->stdin_bytes, 1, R->stdin_len, stdout);
    fflush(stdout);
    note_stdout();
  }
  if (r->diff) {
    errno = 0;
    fputs(r->diff, stdout);
    fflush(stdout);
    note_stdout();
  }
  R->n_fixed += r->n_fixed;
  for (size_t k = 0; k < r->n_findings; k++)
    if (R->facts) note_reported(R, r->path, &r->findings[k]);
  PsFileResult view;
  PsFileResult *new_only = baseline_view(R, r, &view);
  for (size_t k = 0; k < new_only->n_findings; k++) {
    const PsFix *fx = new_only->findings[k].fix;
    if (fx && (fx->safe || cfg->unsafe_fixes)) R->n_fixable++;
    else if (fx) R->n_hidden++;
  }
  for (size_t k = 0; k < r->n_errors; k++) {
    char *shown = ps_report_escaped_path(r->path);
    fprintf(stderr, "pyshift: %s: %s\n", shown, r->errors[k]);
    free(shown);
    add_note(R, r->path, r->errors[k]);
    R->n_errors++;
  }
  if (!r->n_errors || r->n_findings) R->n_files++;
  R->n_findings += new_only->n_findings;
  count_failing(R, new_only);
  report_result(R, r, new_only, false);
  if (new_only != r) free(view.findings);
  if (stdout_broken(R->outs, cfg->n_outputs)) {
    R->broken_pipe = true;
    if (R->fix_mode != PS_FIX_APPLY || R->use_stdin) atomic_store(&R->sh.stop, true);
  }
}

/* Starts the workers and takes their results in path order: each file's
 * facts are folded into the project index (in path order, so the index is
 * the same for any --jobs), then its result handled or, when writes wait
 * for the join, held. */
static void scan(Run *R) {
  Shared *sh = &R->sh;
  sh->engine = R->engine;
  sh->results = ps_xcalloc(sh->n ? sh->n : 1, sizeof(PsFileResult *));
  if (R->facts) sh->facts = ps_xcalloc(sh->n ? sh->n : 1, sizeof(PsFileFacts *));
  pthread_mutex_init(&sh->mu, NULL);
  pthread_cond_init(&sh->cv, NULL);
  pthread_t *threads = ps_xcalloc((size_t)R->jobs, sizeof(pthread_t));
  int started = 0;
  if (sh->n) {
    /* Workers inherit a mask without the termination signals, so the main
     * thread, which owns the temporary files, is the one that takes them. */
    sigset_t old_mask;
    ps_tmpfiles_block(&old_mask);
    for (int t = 0; t < R->jobs; t++) {
      if (pthread_create(&threads[t], NULL, worker_main, sh) != 0) break;
      started++;
    }
    ps_tmpfiles_unblock(&old_mask);
    if (!started) worker_main(sh); /* no threads at all: scan here */
  }
  for (size_t i = 0; i < sh->n; i++) {
    pthread_mutex_lock(&sh->mu);
    sh->want = i;
    while (!sh->results[i]) pthread_cond_wait(&sh->cv, &sh->mu);
    PsFileResult *r = sh->results[i];
    sh->results[i] = NULL;
    PsFileFacts *facts = sh->facts ? sh->facts[i] : NULL;
    if (sh->facts) sh->facts[i] = NULL;
    pthread_mutex_unlock(&sh->mu);
    if (facts) ps_project_index_add(R->index, facts);
    if (R->defer) {
      array_push(&R->held, r);
      continue;
    }
    handle_result(R, r);
    ps_file_result_free(r);
  }
  for (int t = 0; t < started; t++) pthread_join(threads[t], NULL);
  free(threads);
  pthread_mutex_destroy(&sh->mu);
  pthread_cond_destroy(&sh->cv);
}

/* ---- the project stage: joins and their findings ------------------------------- */

/* A related location or flow step as a PsRelated: the path only when it is
 * another file than the finding's (`own`). */
static PsRelated copy_location(const PsProjectLocation *l, const char *own) {
  PsRelated r = {0};
  r.range = (PsRange){l->start, l->end};
  r.message = ps_xstrdup(l->message ? l->message : "");
  r.path = l->path && strcmp(l->path, own) ? ps_xstrdup(l->path) : NULL;
  return r;
}

static void emit_finding(void *ctx, const PsProjectFinding *pf) {
  Run *R = ctx;
  const PsProjectLocation *at = &pf->at;
  PsFinding f = {0};
  f.rule = &pf->rule->meta;
  f.severity = pf->rule->meta.severity;
  f.range = (PsRange){at->start, at->end};
  f.message = ps_analysis_message(pf->rule, pf->vars, pf->n_vars);
  if (pf->n_related) {
    f.related = ps_xcalloc(pf->n_related, sizeof(PsRelated));
    f.n_related = pf->n_related;
    for (size_t i = 0; i < pf->n_related; i++) f.related[i] = copy_location(&pf->related[i], at->path);
  }
  if (pf->n_flows) {
    f.flows = ps_xcalloc(pf->n_flows, sizeof(PsFlow));
    f.n_flows = pf->n_flows;
    for (size_t i = 0; i < pf->n_flows; i++) {
      const PsProjectFlow *src = &pf->flows[i];
      PsFlow *dst = &f.flows[i];
      dst->message = ps_xstrdup(src->message ? src->message : "");
      dst->n_steps = src->n_steps;
      dst->steps = ps_xcalloc(src->n_steps ? src->n_steps : 1, sizeof(PsRelated));
      for (size_t k = 0; k < src->n_steps; k++) dst->steps[k] = copy_location(&src->steps[k], at->path);
    }
  }
  f.confidence = pf->confidence;
  for (size_t i = 0; i < pf->n_vars; i++) {
    const PsVar *v = &pf->vars[i];
    char **slot = !strcmp(v->name, "object") ? &f.object : !strcmp(v->name, "defined") ? &f.object_defined : NULL;
    if (slot && v->value && v->value[0] && !*slot) *slot = ps_xstrdup(v->value);
  }
  /* SARIF allows 0..100 (and -1: none); anything else is left out. */
  f.rank = pf->rank > 0 && pf->rank <= 100 ? pf->rank : 0;
  if (pf->n_notes) {
    f.notes = ps_xcalloc(pf->n_notes, sizeof(char *));
    for (size_t i = 0; i < pf->n_notes; i++)
      if (pf->notes[i]) f.notes[f.n_notes++] = ps_xstrdup(pf->notes[i]);
  }
  array_push(&R->project, f);
  array_push(&R->project_paths, ps_xstrdup(at->path));
}

static void emit_project(void *ctx, const PsRule *rule, const PsProjectLocation *at, const PsVar *vars,
                         size_t n_vars, const PsProjectLocation *related, size_t n_related) {
  PsProjectFinding pf = {0};
  pf.rule = rule;
  pf.at = *at;
  pf.vars = vars;
  pf.n_vars = n_vars;
  pf.related = related;
  pf.n_related = n_related;
  emit_finding(ctx, &pf);
}

typedef struct Ranked {
  const char *path;
  PsFinding f;
} Ranked;

static int cmp_ranked(const void *pa, const void *pb) {
  const Ranked *a = pa, *b = pb;
  int c = strcmp(a->path, b->path);
  return c ? c : ps_finding_cmp(&a->f, &b->f);
}

/* The project findings of one file as a file result: those its own
 * directives and per-file-ignores do not drop and that its scan did not
 * already report, with source lines and fingerprints from the file. */
static PsFileResult *project_result(Run *R, const char *path, Ranked *fs, size_t n) {
  PsFileResult *res = ps_xcalloc(1, sizeof *res);
  res->path = ps_xstrdup(path);
  res->findings = ps_xcalloc(n, sizeof(PsFinding));
  const PsFileFacts *facts = ps_project_index_path(R->index, path);
  PsArena *arena = ps_arena_new(0);
  PsSource src;
  PsError err;
  ps_error_clear(&err);
  bool have_src = ps_source_load_file(&src, arena, path, R->cfg->max_file_size, &err) == 0;
  for (size_t i = 0; i < n; i++) {
    PsFinding *f = &fs[i].f;
    char *k = ps_xasprintf("%s\t%s\t%u\t%u", f->rule->id, path, (unsigned)f->range.start.line,
                           (unsigned)f->range.start.col);
    bool dup = ps_strset_get(&R->reported, k, strlen(k), NULL);
    free(k);
    bool dropped = dup || (facts && ps_facts_suppressed(facts, f->range.start.line, f->rule->id)) ||
                   ps_engine_per_file_ignored(R->engine, path, f->rule->id);
    /* Identical findings from two joins collapse. */
    if (!dropped && res->n_findings && !ps_finding_cmp(&res->findings[res->n_findings - 1], f)) dropped = true;
    if (dropped) {
      ps_finding_free(f);
      continue;
    }
    if (have_src) {
      uint32_t ll;
      const char *lt = ps_source_line(&src, f->range.start.line, &ll);
      f->source_line = lt ? ps_xstrndup(lt, ll) : NULL;
    }
    res->findings[res->n_findings++] = *f;
  }
  if (have_src && R->want_fingerprints && res->n_findings) {
    unsigned *lines = ps_xmalloc(res->n_findings * sizeof(unsigned));
    char **fps = ps_xcalloc(res->n_findings, sizeof(char *));
    for (size_t i = 0; i < res->n_findings; i++) lines[i] = res->findings[i].range.start.line;
    ps_fingerprint_lines(src.raw, src.raw_len, lines, res->n_findings, fps);
    for (size_t i = 0; i < res->n_findings; i++) res->findings[i].fingerprint = fps[i];
    free(lines);
    free(fps);
  }
  if (have_src) ps_source_release(&src);
  ps_arena_delete(arena);
  return res;
}

/* --add-noqa for the project findings of one file (the joins run after
 * the per-file pass wrote its comments): the file is read again, given its
 * comments and written as --fix writes; the findings that got one are no
 * longer reported, the others get a note. */
static void noqa_project(Run *R, PsFileResult *r) {
  if (!R->cfg->add_noqa || !r->n_findings) return;
  PsArena *arena = ps_arena_new(0);
  PsParser *parser = NULL;
  PsSource src = {0};
  PsError err;
  ps_error_clear(&err);
  PsBuf b = PS_BUF_INIT;
  uint32_t *skipped = NULL;
  const char **why = NULL;
  size_t n_skipped = 0;
  char *msg = NULL;
  if (ps_parser_new(&parser, &err) || ps_source_load_file(&src, arena, r->path, R->cfg->max_file_size, &err) ||
      ps_source_parse(&src, parser, 0, &err)) {
    msg = ps_xasprintf("no suppression comments added for its project-wide findings: %s", err.msg);
    goto cleanup;
  }
  if (src.warning) goto cleanup; /* reported when it was scanned */
  size_t covered = ps_noqa__edit(&src, r->findings, r->n_findings, &b, &skipped, &why, &n_skipped);
  char *bytes = NULL;
  size_t len = 0;
  if (covered && ps_source_encode(&src, b.data, b.len, &bytes, &len, &err)) {
    msg = ps_xasprintf("no suppression comments added for its project-wide findings: %s", err.msg);
    goto cleanup;
  }
  if (covered) {
    PsFileResult w = {0};
    w.path = r->path;
    w.fixed = bytes;
    w.fixed_len = len;
    w.read_hash = ps_hash_bytes(src.raw, src.raw_len);
    w.read_len = src.raw_len;
    msg = ps_run__write_fixed(&w, &R->scope);
    free(bytes);
    if (msg) goto cleanup;
    R->n_noqa += covered;
  }
  size_t kept = 0;
  for (size_t i = 0; i < r->n_findings; i++) {
    PsFinding *f = &r->findings[i];
    size_t k = 0;
    while (k < n_skipped && skipped[k] != f->range.start.line) k++;
    if (k == n_skipped) {
      ps_finding_free(f);
      continue;
    }
    f->notes = ps_xrealloc(f->notes, (f->n_notes + 1) * sizeof(char *));
    f->notes[f->n_notes++] = ps_xasprintf("no `# pyshift: ignore` comment added (--add-noqa): %s", why[k]);
    r->findings[kept++] = *f;
  }
  r->n_findings = kept;
cleanup:
  if (msg) {
    char *shown = ps_report_escaped_path(r->path);
    fprintf(stderr, "pyshift: %s: %s\n", shown, msg);
    free(shown);
    add_note(R, r->path, msg);
    R->n_errors++;
    free(msg);
  }
  ps_buf_free(&b);
  free(skipped);
  free(why);
  if (src.tree) ps_source_release(&src);
  ps_parser_delete(parser);
  ps_arena_delete(arena);
}

/* After the last file: the joins, the deferred writes, then the project
 * findings reported per file in path order. */
static void project_stage(Run *R) {
  if (!R->facts) return;
  if ((R->facts & PS_FACT_CLASSES) && !R->use_stdin && !R->broken_pipe)
    ps_run__fetch_chains(R->engine, R->index, &R->modules, (const char *const *)R->sh.paths, R->sh.n);
  PsProjectEmitter em = {emit_project, emit_finding, R};
  ps_engine_join(R->engine, R->index, &R->modules, &em);
  for (size_t i = 0; i < R->held.size; i++) {
    handle_result(R, R->held.items[i]);
    ps_file_result_free(R->held.items[i]);
  }
  array_free(&R->held);
  size_t n = R->project.size;
  Ranked *all = ps_xmalloc((n ? n : 1) * sizeof *all);
  for (size_t i = 0; i < n; i++) all[i] = (Ranked){R->project_paths.items[i], R->project.items[i]};
  qsort(all, n, sizeof *all, cmp_ranked);
  for (size_t a = 0; a < n;) {
    size_t b = a + 1;
    while (b < n && !strcmp(all[a].path, all[b].path)) b++;
    PsFileResult *r = project_result(R, all[a].path, all + a, b - a);
    if (!R->broken_pipe) noqa_project(R, r);
    if (r->n_findings && !R->broken_pipe) {
      PsFileResult view;
      PsFileResult *new_only = baseline_view(R, r, &view);
      R->n_findings += new_only->n_findings;
      count_failing(R, new_only);
      report_result(R, r, new_only, true);
      if (new_only != r) free(view.findings);
    }
    ps_file_result_free(r);
    a = b;
  }
  free(all);
  array_clear(&R->project); /* the findings moved into the results */
}

/* The baseline's entries that this run no longer finds, in the files it
 * checked and for the rules it ran: SARIF results with baselineState
 * "absent" and HTML findings marked absent (the other formats show only
 * what is new). */
static void report_absent(Run *R) {
  if (!R->baseline || R->broken_pipe) return;
  const PsBaselineEntry **es;
  const char **paths;
  size_t n = ps_baseline_absent(R->baseline, &es, &paths);
  size_t n_gone = 0;
  for (size_t a = 0; a < n;) {
    size_t b = a;
    PsFileResult *r = ps_xcalloc(1, sizeof *r);
    r->path = ps_xstrdup(paths[a]);
    r->findings = ps_xcalloc(n - a, sizeof(PsFinding));
    for (; b < n && !strcmp(paths[b], paths[a]); b++) {
      const PsRuleMeta *meta = NULL;
      for (size_t k = 0; k < R->n_enabled && !meta; k++)
        if (!strcmp(R->enabled[k]->meta.id, es[b]->rule)) meta = &R->enabled[k]->meta;
      if (!meta) continue; /* a rule this run did not check */
      PsFinding *f = &r->findings[r->n_findings++];
      f->rule = meta;
      f->severity = meta->severity;
      f->range.start.line = f->range.end.line = es[b]->line ? es[b]->line : 1;
      f->range.start.col = f->range.end.col = es[b]->column ? es[b]->column : 1;
      f->range.start.col16 = f->range.end.col16 = f->range.start.col;
      f->message = ps_xstrdup(es[b]->message ? es[b]->message : meta->summary ? meta->summary : meta->id);
      f->baseline = PS_BASELINE_ABSENT;
      /* GitHub's fingerprint as recorded (the line it hashed may be gone). */
      f->fingerprint = es[b]->fingerprint ? ps_xstrdup(es[b]->fingerprint)
                                          : ps_xasprintf("%s:%u", es[b]->hash, es[b]->occurrence + 1);
    }
    n_gone += r->n_findings;
    if (r->n_findings) qsort(r->findings, r->n_findings, sizeof(PsFinding), ps_finding_cmp);
    for (size_t k = 0; k < R->cfg->n_outputs && r->n_findings; k++)
      if (R->outs[k].rep && shows_baseline(&R->cfg->outputs[k])) ps_report_project(R->outs[k].rep, r);
    ps_file_result_free(r);
    a = b;
  }
  free(es);
  free(paths);
  if (!R->cfg->quiet && (R->n_unchanged || n_gone))
    fprintf(stderr, "pyshift: %s: %zu finding%s of the baseline not shown, %zu no longer found\n", R->cfg->baseline,
            R->n_unchanged, R->n_unchanged == 1 ? "" : "s", n_gone);
}

/* --write-baseline: the findings this run reported (before --baseline
 * hid any), written atomically. */
static void write_baseline(Run *R) {
  if (!R->record) return;
  size_t n;
  char *text = ps_baseline_serialize(R->record, &n);
  char *why = ps_run__write_atomic(R->cfg->write_baseline, text, strlen(text), true);
  if (why) {
    fprintf(stderr, "pyshift: %s: %s\n", R->cfg->write_baseline, why);
    R->n_errors++;
    R->hard_errors++;
    free(why);
  } else if (!R->cfg->quiet) {
    fprintf(stderr, "pyshift: %s: recorded %zu finding%s\n", R->cfg->write_baseline, n, n == 1 ? "" : "s");
  }
  free(text);
}

/* Writes the reports' ends and closes the outputs; the exit status. */
static int finish_run(Run *R) {
  PsConfig *cfg = R->cfg;
  report_absent(R);
  write_baseline(R);
  if (cfg->add_noqa && !cfg->quiet)
    fprintf(stderr, "pyshift: added `# pyshift: ignore` to %zu finding%s in %zu file%s\n", R->n_noqa,
            R->n_noqa == 1 ? "" : "s", R->n_noqa_files, R->n_noqa_files == 1 ? "" : "s");
  utc_now(R->end_time, sizeof R->end_time);
  PsRunInfo *run = &R->info;
  run->notes = R->notes.items;
  run->n_notes = R->notes.size;
  run->n_files = R->n_files;
  run->n_findings = R->n_findings;
  run->n_fixed = R->n_fixed;
  run->n_fixable = R->n_fixable;
  run->n_hidden_fixes = R->n_hidden;
  run->execution_successful = R->n_errors == 0;
  run->end_time_utc = R->end_time;
  for (size_t i = 0; i < cfg->n_outputs; i++) {
    Output *o = &R->outs[i];
    if (!o->rep) continue;
    int e = 0;
    if (!R->broken_pipe && ps_report_end(o->rep, run) != 0) e = ps_report_write_errno(o->rep);
    const char *const *warnings;
    size_t n_warnings = ps_report_warnings(o->rep, &warnings);
    for (size_t w = 0; w < n_warnings && !e; w++)
      fprintf(stderr, "pyshift: warning: %s: %s\n", output_name(o), warnings[w]);
    if (e == EPIPE && o->f == stdout) {
      R->broken_pipe = true;
    } else if (e) {
      fprintf(stderr, "pyshift: %s: write error: %s\n", output_name(o), strerror(e));
      R->n_errors++;
      R->hard_errors++;
    }
    bool to_pipe = R->broken_pipe && o->f == stdout;
    if (close_output(o, !R->broken_pipe && !e, e || to_pipe) != 0 && !to_pipe && !e) R->n_errors++, R->hard_errors++;
  }
  if (stdout_errno && stdout_errno != EPIPE) {
    fprintf(stderr, "pyshift: standard output: write error: %s\n", strerror(stdout_errno));
    R->n_errors++;
    R->hard_errors++;
  }
  /* --diff fails when something would be fixed; otherwise what counts is
   * what is left (with --fix, 0 when everything was fixed), at or above
   * --fail-on. */
  bool failing = R->fix_mode == PS_FIX_DIFF ? R->n_fixed > 0 : R->n_failing > 0;
  /* --exit-zero: a CI step that uploads the report must reach the upload
   * whatever the scan met (an undecodable file, a path that is gone, a
   * fix not written: on stderr and in SARIF's notifications); only what
   * makes the report itself wrong or missing still fails. */
  if (cfg->exit_zero) return R->hard_errors ? 2 : 0;
  if (R->broken_pipe) return R->write_errors ? 2 : failing ? 1 : 0;
  if (R->n_errors) return 2;
  return failing ? 1 : 0;
}

static void free_run(Run *R) {
  if (R->outs) {
    for (size_t i = 0; i < R->cfg->n_outputs; i++) close_output(&R->outs[i], false, true);
    free(R->outs);
  }
  for (size_t i = 0; i < R->held.size; i++) ps_file_result_free(R->held.items[i]);
  array_free(&R->held);
  for (size_t i = 0; i < R->project.size; i++) ps_finding_free(&R->project.items[i]);
  array_free(&R->project);
  for (size_t i = 0; i < R->project_paths.size; i++) free(R->project_paths.items[i]);
  array_free(&R->project_paths);
  if (R->facts) ps_strset_free(&R->reported);
  if (R->sh.facts) {
    for (size_t i = 0; i < R->sh.n; i++) ps_facts_delete(R->sh.facts[i]); /* not folded (stopped early) */
    free(R->sh.facts);
  }
  ps_project_index_delete(R->index);
  ps_baseline_delete(R->baseline);
  ps_baseline_delete(R->record);
  ps_since_delete(R->since);
  ps_cache_close(R->sh.cache);
  free(R->sh.results);
  free(R->sh.paths);
  free(R->stdin_bytes);
  ps_engine_delete(R->engine);
  ps_modules_free(&R->modules);
  ps_write_scope_free(&R->scope);
  ps_report_vcs_free(&R->vcs);
  ps_walk_result_free(&R->walk);
  free(R->enabled);
  ps_registry_delete(R->reg);
  for (size_t i = 0; i < R->note_strings.size; i++) free(R->note_strings.items[i]);
  array_free(&R->note_strings);
  array_free(&R->notes);
}

/* PYSHIFT_TIMING=1: where the run's time went, on stderr (bench/README.md):
 * CPU seconds of the whole process (every thread) and wall seconds for the
 * per-file stage (rules, load to copied-out facts) and the project stage
 * (the joins), and the share of the project stage in the run's CPU time. */
typedef struct Clock {
  double cpu, wall;
} Clock;

static Clock clock_now(void) {
  struct timespec c, w;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
  clock_gettime(CLOCK_MONOTONIC, &w);
  return (Clock){(double)c.tv_sec + (double)c.tv_nsec / 1e9, (double)w.tv_sec + (double)w.tv_nsec / 1e9};
}

static void report_timing(const Run *R, const Clock t[4]) {
  double total = t[3].cpu - t[0].cpu, project = t[3].cpu - t[2].cpu;
  fprintf(stderr,
          "pyshift: timing: setup %.3fs cpu %.3fs wall; per-file %.3fs cpu %.3fs wall; "
          "project %.3fs cpu %.3fs wall (%.1f%% of cpu)",
          t[1].cpu - t[0].cpu, t[1].wall - t[0].wall, t[2].cpu - t[1].cpu, t[2].wall - t[1].wall, project,
          t[3].wall - t[2].wall, total > 0 ? 100.0 * project / total : 0.0);
  /* The removed-APIs join alone keeps facts only where a use is undecided:
   * no line for it when none was. */
  if (R->index && ((R->facts & ~(unsigned)PS_FACT_CLASSES) || ps_project_index_files(R->index)))
    fprintf(stderr, "; facts of %zu files, %.1f MB", ps_project_index_files(R->index),
            (double)ps_project_index_bytes(R->index) / 1e6);
  fputc('\n', stderr);
}

int ps_run_check(PsConfig *cfg, int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  ps_tmpfiles_install();
  stdout_errno = 0;
  Run *R = ps_xcalloc(1, sizeof *R);
  R->cfg = cfg;
  R->argc = argc;
  R->argv = argv;
  utc_now(R->start_time, sizeof R->start_time);
  int exit_code = 2;
  const char *timing = getenv("PYSHIFT_TIMING");
  Clock t[4];
  t[0] = clock_now();
  if (load_baseline(R) == 0 && load_rules(R) == 0 && find_files(R) == 0 && make_engine(R) == 0) {
    open_outputs(R);
    t[1] = clock_now();
    scan(R);
    t[2] = clock_now();
    project_stage(R);
    t[3] = clock_now();
    if (timing && *timing) report_timing(R, t);
    exit_code = finish_run(R);
  }
  bool broken_pipe = R->broken_pipe;
  free_run(R);
  free(R);
  /* Nothing more may reach the closed pipe. */
  if (broken_pipe) fclose(stdout);
  return exit_code;
}
