/* baseline_cache.c: what a check takes from earlier runs: the result cache
 * (cache.c) the workers consult, the --baseline that hides known findings
 * and reports the absent ones, the --write-baseline record, and --since
 * (only findings on lines changed since a git ref).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run/check_internal.h"

/* --baseline is read before anything is scanned: a missing or broken
 * baseline stops the run (an empty one would report every finding as new). */
int ps_run__load_baseline(Run *R) {
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
    int rc = ps_since_load(&R->since, cfg->since, ps_run__is_dir(dir) ? dir : ".", &err);
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

/* The result cache (docs/cache.md), unless the run rewrites files (--fix,
 * --diff, --add-noqa: their results are not what a plain check reports),
 * reads standard input, or measures the parser. No usable cache directory
 * is no error: the run scans everything. */
void ps_run__open_cache(Run *R) {
  const PsConfig *cfg = R->cfg;
  const char *off = getenv("PYSHIFT_NO_CACHE");
  if (cfg->no_cache || (off && *off) || R->use_stdin || R->fix_mode != PS_FIX_OFF || cfg->add_noqa || getenv("PYSHIFT_PARSE_ONLY"))
    return;
  PsCacheSetup setup = {cfg, R->reg, R->enabled, R->n_enabled, &R->modules, R->want_fingerprints};
  R->sh.cache = ps_cache_open(&setup);
}

/* One file through the cache: a hit is the stored result; a miss is
 * scanned from the bytes the lookup read (so what is stored is the result
 * of exactly those bytes) and stored, unless its facts feed the project
 * stage (facts are not cached: such files are scanned every time). */
PsFileResult *ps_run__cached_scan(Shared *sh, PsScanWorker *w, const char *path, PsFileFacts **facts) {
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

/* Records r's findings for --write-baseline and matches them against
 * --baseline. Returns what the outputs other than SARIF show: r itself, or
 * `view`, a shallow copy of r holding only the new findings (free
 * view->findings, the array only, when the result is not r). SARIF and
 * HTML get r, every finding marked new or unchanged. */
PsFileResult *ps_run__baseline_view(Run *R, PsFileResult *r, PsFileResult *view) {
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

/* The baseline's entries that this run no longer finds, in the files it
 * checked and for the rules it ran: SARIF results with baselineState
 * "absent" and HTML findings marked absent (the other formats show only
 * what is new). */
void ps_run__report_absent(Run *R) {
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
      if (R->outs[k].rep && ps_run__shows_baseline(&R->cfg->outputs[k])) ps_report_project(R->outs[k].rep, r);
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
void ps_run__write_baseline(Run *R) {
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
