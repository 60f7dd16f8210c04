/* json.c: one pretty-printed JSON array of findings, for scripts.
 *
 * Each file() call turns its findings into jansson objects (so nothing is
 * borrowed from the caller's file result after it returns); end() writes
 * them all, files sorted by path, keys in a fixed order. An empty run is
 * "[]".
 *
 *   {"rule", "name", "severity", "message", "path", ["path_bytes",]
 *    "range": {"start": {"line", "column", "column_utf16", "offset"}, "end"},
 *    "fix": null | {"message", "applicability", "edits": [{"range", "content"}]},
 *    "related": [{"message", "range"}],
 *    explained findings only: "flows": [{"message", "steps": [{"path", "line",
 *    "column", "message"}]}], "confidence", "rank", "notes": [...],
 *    "fingerprint", "url"}
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

static json_t *pos_json(const PsPos *p) {
  json_t *o = json_object();
  json_object_set_new(o, "line", json_integer(p->line));
  json_object_set_new(o, "column", json_integer(p->col));
  json_object_set_new(o, "column_utf16", json_integer(p->col16));
  json_object_set_new(o, "offset", json_integer(p->byte));
  return o;
}

static json_t *range_json(const PsRange *r) {
  json_t *o = json_object();
  json_object_set_new(o, "start", pos_json(&r->start));
  json_object_set_new(o, "end", pos_json(&r->end));
  return o;
}

static json_t *fix_json(const PsFix *fix) {
  if (!fix) return json_null();
  json_t *o = json_object();
  json_object_set_new(o, "message", ps_report__jstr(fix->message));
  json_object_set_new(o, "applicability", json_string(fix->safe ? "safe" : "unsafe"));
  json_t *edits = json_array();
  for (size_t i = 0; i < fix->n_edits; i++) {
    json_t *e = json_object();
    json_object_set_new(e, "range", range_json(&fix->edits[i].range));
    json_object_set_new(e, "content", ps_report__jstr(fix->edits[i].text ? fix->edits[i].text : ""));
    json_array_append_new(edits, e);
  }
  json_object_set_new(o, "edits", edits);
  return o;
}

/* Standard base64 (RFC 4648, padded) of s. */
static json_t *base64_json(const char *s) {
  static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const unsigned char *p = (const unsigned char *)s;
  size_t n = strlen(s);
  PsBuf b = PS_BUF_INIT;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
    char q[4] = {A[v >> 18 & 63], A[v >> 12 & 63], i + 1 < n ? A[v >> 6 & 63] : '=', i + 2 < n ? A[v & 63] : '='};
    ps_buf_append(&b, q, 4);
  }
  json_t *j = json_stringn(b.data ? b.data : "", b.len);
  ps_buf_free(&b);
  return j;
}

static json_t *finding_json(const char *path, const PsFinding *f) {
  json_t *o = json_object();
  json_object_set_new(o, "rule", ps_report__jstr(f->rule->id));
  json_object_set_new(o, "name", ps_report__jstr(f->rule->name));
  json_object_set_new(o, "severity", json_string(ps_severity_name(f->severity)));
  json_object_set_new(o, "message", ps_report__jstr(f->message ? f->message : ""));
  json_object_set_new(o, "path", ps_report__jstr(path));
  /* A file name that is not UTF-8 cannot be a JSON string as it is: `path`
   * has U+FFFD for each bad byte, and path_bytes the exact bytes. */
  if (!ps_utf8_valid((const unsigned char *)path, strlen(path))) json_object_set_new(o, "path_bytes", base64_json(path));
  json_object_set_new(o, "range", range_json(&f->range));
  json_object_set_new(o, "fix", fix_json(f->fix));
  json_t *related = json_array();
  for (size_t i = 0; i < f->n_related; i++) {
    json_t *r = json_object();
    json_object_set_new(r, "message", ps_report__jstr(f->related[i].message ? f->related[i].message : ""));
    if (f->related[i].path) json_object_set_new(r, "path", ps_report__jstr(f->related[i].path));
    json_object_set_new(r, "range", range_json(&f->related[i].range));
    json_array_append_new(related, r);
  }
  json_object_set_new(o, "related", related);
  /* Explained findings only: absent otherwise, so other output is unchanged. */
  if (f->n_flows) {
    json_t *flows = json_array();
    for (size_t i = 0; i < f->n_flows; i++) {
      json_t *steps = json_array();
      for (size_t k = 0; k < f->flows[i].n_steps; k++) {
        const PsRelated *st = &f->flows[i].steps[k];
        json_t *s = json_object();
        json_object_set_new(s, "path", ps_report__jstr(st->path ? st->path : path));
        json_object_set_new(s, "line", json_integer(st->range.start.line));
        json_object_set_new(s, "column", json_integer(st->range.start.col));
        json_object_set_new(s, "message", ps_report__jstr(st->message ? st->message : ""));
        json_array_append_new(steps, s);
      }
      json_t *fl = json_object();
      json_object_set_new(fl, "message", ps_report__jstr(f->flows[i].message ? f->flows[i].message : ""));
      json_object_set_new(fl, "steps", steps);
      json_array_append_new(flows, fl);
    }
    json_object_set_new(o, "flows", flows);
  }
  if (f->confidence) json_object_set_new(o, "confidence", ps_report__jstr(f->confidence));
  if (f->rank > 0) json_object_set_new(o, "rank", json_real(f->rank));
  if (f->n_notes) {
    json_t *notes = json_array();
    for (size_t i = 0; i < f->n_notes; i++) json_array_append_new(notes, ps_report__jstr(f->notes[i] ? f->notes[i] : ""));
    json_object_set_new(o, "notes", notes);
  }
  json_object_set_new(o, "fingerprint", ps_report__jstr(f->fingerprint));
  char *url = ps_report_help_uri(f->rule);
  json_object_set_new(o, "url", ps_report__jstr(url));
  free(url);
  return o;
}

static void json_begin(PsReporter *self) { self->state = ps_xcalloc(1, sizeof(PsReportBatch)); }

static void json_file(PsReporter *self, const PsFileResult *file) {
  if (!file->n_findings) return;
  PsFinding *fs = ps_report__sorted_findings(file);
  json_t *items = json_array();
  for (size_t i = 0; i < file->n_findings; i++)
    json_array_append_new(items, finding_json(file->path, &fs[i]));
  ps_report__batch_add(self->state, file->path, items, fs, file->n_findings);
  free(fs);
}

static void json_end(PsReporter *self, const PsRunInfo *run) {
  PsReportBatch *batch = self->state;
  ps_report__batch_sort(batch);
  json_t *all = json_array();
  for (size_t i = 0; i < batch->size; i++) json_array_extend(all, batch->files[i].items);
  ps_report__write_json(self, all);
  json_decref(all);
}

static void json_fini(PsReporter *self) {
  if (!self->state) return;
  ps_report__batch_free(self->state);
  free(self->state);
}

const PsReportOps ps_report__json_ops = {json_begin, json_file, json_end, json_fini, NULL};
