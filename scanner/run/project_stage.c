/* project_stage.c: after the last file, each project analysis's join step
 * over the index of facts; its findings become per-file results (dropped
 * when the file's directives or per-file-ignores say so, or when the
 * per-file pass already reported them) and are reported in path order.
 */
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "parse/parse.h"
#include "run/check_internal.h"

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
    ps_run__add_note(R, r->path, msg);
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
void ps_run__project_stage(Run *R) {
  if (!R->facts) return;
#ifdef __GLIBC__
  /* The workers' malloc arenas keep the pages of every tree they freed
   * (tens of MB on a large tree); the join allocates its graph in the main
   * arena and cannot reuse them. Hand them back first: the run's peak RSS
   * is the join's (stdlib at 3.14t, -j2: 125 MiB before, 109 MiB after;
   * bench/results/ft-perf.md). */
  malloc_trim(0);
#endif
  PsProjectEmitter em = {emit_project, emit_finding, R};
  if ((R->facts & PS_FACT_CLASSES) && !R->use_stdin && !R->broken_pipe)
    ps_run__fetch_chains(R->engine, R->index, &R->modules, (const char *const *)R->sh.paths, R->sh.n);
  ps_engine_join(R->engine, R->index, &R->modules, &em);
  for (size_t i = 0; i < R->held.size; i++) {
    ps_run__handle_result(R, R->held.items[i]);
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
      PsFileResult *new_only = ps_run__baseline_view(R, r, &view);
      R->n_findings += new_only->n_findings;
      ps_run__count_failing(R, new_only);
      ps_run__report_result(R, r, new_only, true);
      if (new_only != r) free(view.findings);
    }
    ps_file_result_free(r);
    a = b;
  }
  free(all);
  array_clear(&R->project); /* the findings moved into the results */
}
