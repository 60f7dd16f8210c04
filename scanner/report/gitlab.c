/* gitlab.c: GitLab Code Quality JSON, for `artifacts: reports: codequality:`.
 *
 * One JSON array of issues (GitLab's "Code Quality report format", a
 * subset of the Code Climate spec), files sorted by path like json.c, an
 * empty run "[]":
 *
 *   {"description": "RM001: `imp` was removed in Python 3.12",
 *    "check_name": "RM001",
 *    "fingerprint": "<32 hex digits>",
 *    "severity": "info" | "minor" | "major" | "critical",
 *    "location": {"path": "src/app.py", "lines": {"begin": 3, "end": 3}},
 *    "type": "issue"}
 *
 * - location.path is relative to the repository's top (the run's uri_root:
 *   the git work tree's top or --project-root, else the working
 *   directory), as SARIF's URIs are, but plain (not percent-encoded);
 *   GitLab links it to the blob at the pipeline's commit. A file outside
 *   the root keeps its absolute path.
 * - severity: hint -> info, info -> minor, warning -> major, error ->
 *   critical. pyshift never writes blocker.
 * - fingerprint: GitLab keeps one issue per fingerprint (a report's
 *   duplicates are dropped) and compares them between the base and the
 *   merge request, so it must be unique in a report and stable when lines
 *   move: two 64-bit FNV-1a hashes of the rule id, the path, GitHub's line
 *   fingerprint (the line's content hash and its occurrence in the file,
 *   as in SARIF) and the finding's ordinal among those sharing all three.
 *   Computed at end(), over the sorted report, so it is the same for any
 *   --jobs.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

/* The fingerprint's inputs, kept under this key until end(). */
#define FP_KEY "\x01fingerprint-material"

static const char *gitlab_severity(PsSeverity s) {
  switch (s) {
    case PS_SEVERITY_ERROR: return "critical";
    case PS_SEVERITY_WARNING: return "major";
    case PS_SEVERITY_INFO: return "minor";
    default: return "info";
  }
}

static json_t *issue_json(const char *rel, const PsFinding *f) {
  json_t *o = json_object();
  char *desc = ps_xasprintf("%s: %s", f->rule->id, f->message ? f->message : "");
  json_object_set_new(o, "description", ps_report__jstr(desc));
  free(desc);
  json_object_set_new(o, "check_name", ps_report__jstr(f->rule->id));
  json_object_set_new(o, "fingerprint", json_string(""));
  json_object_set_new(o, "severity", json_string(gitlab_severity(f->severity)));
  unsigned begin = f->range.start.line ? (unsigned)f->range.start.line : 1;
  unsigned end = f->range.end.line >= begin ? (unsigned)f->range.end.line : begin;
  json_object_set_new(o, "location",
                      json_pack("{s:o,s:{s:I,s:I}}", "path", ps_report__jstr(rel), "lines", "begin", (json_int_t)begin,
                                "end", (json_int_t)end));
  json_object_set_new(o, "type", json_string("issue"));
  /* The line's content hash when there is one, else its number. */
  char *material = f->fingerprint ? ps_xasprintf("%s\x1f%s\x1f%s", f->rule->id, rel, f->fingerprint)
                                  : ps_xasprintf("%s\x1f%s\x1fline %u", f->rule->id, rel, begin);
  /* Hashed now: the path may not be UTF-8, the key of end()'s map must be. */
  char hex[17];
  snprintf(hex, sizeof hex, "%016" PRIx64, ps_hash_bytes(material, strlen(material)));
  json_object_set_new(o, FP_KEY, json_string(hex));
  free(material);
  return o;
}

static void gitlab_begin(PsReporter *self) { self->state = ps_xcalloc(1, sizeof(PsReportBatch)); }

static void gitlab_file(PsReporter *self, const PsFileResult *file) {
  if (!file->n_findings) return;
  const PsRunInfo *run = self->run;
  char *rel = ps_report__root_path(file->path, run->working_dir, run->uri_root);
  PsFinding *fs = ps_report__sorted_findings(file);
  json_t *items = json_array();
  for (size_t i = 0; i < file->n_findings; i++) json_array_append_new(items, issue_json(rel, &fs[i]));
  ps_report__batch_add(self->state, file->path, items, fs, file->n_findings);
  free(fs);
  free(rel);
}

static void gitlab_end(PsReporter *self, const PsRunInfo *run) {
  (void)run;
  PsReportBatch *batch = self->state;
  ps_report__batch_sort(batch);
  json_t *all = json_array();
  for (size_t i = 0; i < batch->size; i++) json_array_extend(all, batch->files[i].items);
  /* Ordinals among equal materials: a map from material to count. */
  json_t *seen = json_object();
  size_t idx;
  json_t *issue;
  json_array_foreach(all, idx, issue) {
    json_t *m = json_object_get(issue, FP_KEY);
    const char *material = json_string_value(m);
    json_int_t n = json_integer_value(json_object_get(seen, material));
    json_object_set_new(seen, material, json_integer(n + 1));
    char *keyed = ps_xasprintf("%s\x1f%" PRId64, material, (int64_t)n);
    char *salted = ps_xasprintf("pyshift-gitlab\x1f%s", keyed);
    char hex[33];
    snprintf(hex, sizeof hex, "%016" PRIx64 "%016" PRIx64, ps_hash_bytes(keyed, strlen(keyed)),
             ps_hash_bytes(salted, strlen(salted)));
    free(keyed);
    free(salted);
    json_object_set_new(issue, "fingerprint", json_string(hex));
    json_object_del(issue, FP_KEY);
  }
  json_decref(seen);
  ps_report__write_json(self, all);
  json_decref(all);
}

static void gitlab_fini(PsReporter *self) {
  if (!self->state) return;
  ps_report__batch_free(self->state);
  free(self->state);
}

const PsReportOps ps_report__gitlab_ops = {gitlab_begin, gitlab_file, gitlab_end, gitlab_fini, NULL};
