/* run.c: `pyshift check` from configuration to exit code.
 *
 * Workers take file indexes from a shared counter and park each result in
 * its slot; the main thread hands slots to the reporters strictly in index
 * (= sorted path) order as they complete, so output streams and is
 * identical for any --jobs.
 *
 * The outputs (output.c), the cache and baseline (baseline_cache.c) and the
 * project stage (project_stage.c) are in their own files; the state they
 * share is in check_internal.h.
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

#include "run/check_internal.h"

/* ---- rules --------------------------------------------------------------------- */

bool ps_run__is_dir(const char *p) {
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
      if (ps_run__is_dir(buf)) return buf;
    }
  }
  if (ps_run__is_dir(PS_RULES_SOURCE_DIR)) return PS_RULES_SOURCE_DIR;
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

/* ---- workers ------------------------------------------------------------------- */

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
      r = ps_run__cached_scan(sh, w, sh->paths[i], &facts);
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

void ps_run__add_note(Run *R, const char *path, const char *msg) {
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
    if (ps_run__check_outputs_not_inputs(cfg, &R->walk, &err) != 0) {
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
  ps_run__open_cache(R);
  R->facts = ps_engine_facts(R->engine);
  if (R->facts) {
    R->index = ps_project_index_new();
    R->defer = R->fix_mode == PS_FIX_APPLY && !R->use_stdin;
    ps_strset_init(&R->reported);
  }
  return 0;
}

/* Remembers a per-file finding, so a join that finds it again does not
 * report it twice. */
static void note_reported(Run *R, const char *path, const PsFinding *f) {
  char *k = ps_xasprintf("%s\t%s\t%u\t%u", f->rule->id, path, (unsigned)f->range.start.line,
                         (unsigned)f->range.start.col);
  ps_strset_put(&R->reported, k, strlen(k), NULL);
  free(k);
}

/* Counts the findings of a reported result that fail the run (--fail-on). */
void ps_run__count_failing(Run *R, const PsFileResult *r) {
  for (size_t k = 0; k < r->n_findings; k++)
    if (r->findings[k].severity >= R->cfg->fail_on) R->n_failing++;
}

/* One file's result, in path order: its fixes written (--fix), its diff or
 * fixed standard input printed, its errors and findings reported. */
void ps_run__handle_result(Run *R, PsFileResult *r) {
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
    ps_run__note_stdout();
  }
  if (r->diff) {
    errno = 0;
    fputs(r->diff, stdout);
    fflush(stdout);
    ps_run__note_stdout();
  }
  R->n_fixed += r->n_fixed;
  for (size_t k = 0; k < r->n_findings; k++)
    if (R->facts) note_reported(R, r->path, &r->findings[k]);
  PsFileResult view;
  PsFileResult *new_only = ps_run__baseline_view(R, r, &view);
  for (size_t k = 0; k < new_only->n_findings; k++) {
    const PsFix *fx = new_only->findings[k].fix;
    if (fx && (fx->safe || cfg->unsafe_fixes)) R->n_fixable++;
    else if (fx) R->n_hidden++;
  }
  for (size_t k = 0; k < r->n_errors; k++) {
    char *shown = ps_report_escaped_path(r->path);
    fprintf(stderr, "pyshift: %s: %s\n", shown, r->errors[k]);
    free(shown);
    ps_run__add_note(R, r->path, r->errors[k]);
    R->n_errors++;
  }
  if (!r->n_errors || r->n_findings) R->n_files++;
  R->n_findings += new_only->n_findings;
  ps_run__count_failing(R, new_only);
  ps_run__report_result(R, r, new_only, false);
  if (new_only != r) free(view.findings);
  if (ps_run__stdout_broken(R->outs, cfg->n_outputs)) {
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
    ps_run__handle_result(R, r);
    ps_file_result_free(r);
  }
  for (int t = 0; t < started; t++) pthread_join(threads[t], NULL);
  free(threads);
  pthread_mutex_destroy(&sh->mu);
  pthread_cond_destroy(&sh->cv);
}

/* Writes the reports' ends and closes the outputs; the exit status. */
static int finish_run(Run *R) {
  PsConfig *cfg = R->cfg;
  ps_run__report_absent(R);
  ps_run__write_baseline(R);
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
  ps_run__end_outputs(R);
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
    for (size_t i = 0; i < R->cfg->n_outputs; i++) ps_run__close_output(&R->outs[i], false, true);
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
  ps_run__stdout_reset();
  Run *R = ps_xcalloc(1, sizeof *R);
  R->cfg = cfg;
  R->argc = argc;
  R->argv = argv;
  utc_now(R->start_time, sizeof R->start_time);
  int exit_code = 2;
  const char *timing = getenv("PYSHIFT_TIMING");
  Clock t[4];
  t[0] = clock_now();
  if (ps_run__load_baseline(R) == 0 && load_rules(R) == 0 && find_files(R) == 0 && make_engine(R) == 0) {
    ps_run__open_outputs(R);
    t[1] = clock_now();
    scan(R);
    t[2] = clock_now();
    ps_run__project_stage(R);
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