/* output.c: where `pyshift check` writes its reports. Each --format
 * output is a reporter on standard output (standard error when standard
 * output carries diffs or fixed source) or on a temporary file renamed over
 * the named one at the end; SARIF and HTML see the baseline's unchanged
 * findings, the other formats only the new ones. A closed standard output
 * stops the run quietly.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/check_internal.h"

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
int ps_run__close_output(Output *o, bool keep, bool quiet) {
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

void ps_run__stdout_reset(void) { stdout_errno = 0; }

void ps_run__note_stdout(void) {
  if (!stdout_errno && ferror(stdout)) stdout_errno = errno ? errno : EIO;
}

/* Standard output is a closed pipe: stop quietly (STYLE.md). Any other
 * write error is reported. */
bool ps_run__stdout_broken(const Output *outs, size_t n) {
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
int ps_run__check_outputs_not_inputs(const PsConfig *cfg, const PsWalkResult *walk, PsError *err) {
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

void ps_run__open_outputs(Run *R) {
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

/* Do the output's findings carry their baseline state (all of them, the
 * unchanged and absent ones too)? SARIF (baselineState) and HTML (badges). */
bool ps_run__shows_baseline(const PsOutput *o) { return o->format == PS_FORMAT_SARIF || o->format == PS_FORMAT_HTML; }

/* Hands one result to every output: SARIF and HTML see `all` (with the
 * baseline's unchanged findings), the others `shown`. */
void ps_run__report_result(Run *R, const PsFileResult *all, const PsFileResult *shown, bool project) {
  for (size_t k = 0; k < R->cfg->n_outputs; k++) {
    if (!R->outs[k].rep) continue;
    const PsFileResult *r = ps_run__shows_baseline(&R->cfg->outputs[k]) ? all : shown;
    if (project) ps_report_project(R->outs[k].rep, r);
    else ps_report_file(R->outs[k].rep, r);
  }
}

/* The reports' ends, every output closed (renamed into place), standard
 * output's write errors: broken pipe, error counts. */
void ps_run__end_outputs(Run *R) {
  PsConfig *cfg = R->cfg;
  PsRunInfo *run = &R->info;
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
    if (ps_run__close_output(o, !R->broken_pipe && !e, e || to_pipe) != 0 && !to_pipe && !e) R->n_errors++, R->hard_errors++;
  }
  if (stdout_errno && stdout_errno != EPIPE) {
    fprintf(stderr, "pyshift: standard output: write error: %s\n", strerror(stdout_errno));
    R->n_errors++;
    R->hard_errors++;
  }
}
