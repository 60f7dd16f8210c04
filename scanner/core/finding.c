/* finding.c: severities and freeing of heap-owned findings. */
#include "core/finding.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

static const char *const SEVERITY_NAMES[] = {"hint", "info", "warning", "error"};

const char *ps_severity_name(PsSeverity s) { return SEVERITY_NAMES[s]; }

int ps_severity_parse(const char *s, PsSeverity *out) {
  for (int i = 0; i < 4; i++)
    if (!strcmp(s, SEVERITY_NAMES[i])) {
      *out = (PsSeverity)i;
      return 0;
    }
  return PS_E_USAGE;
}

const char *ps_severity_sarif_level(PsSeverity s) {
  switch (s) {
    case PS_SEVERITY_ERROR: return "error";
    case PS_SEVERITY_WARNING: return "warning";
    default: return "note";
  }
}

void ps_finding_free(PsFinding *f) {
  if (!f) return;
  free(f->message);
  free(f->source_line);
  free(f->fingerprint);
  if (f->fix) {
    for (size_t i = 0; i < f->fix->n_edits; i++) free(f->fix->edits[i].text);
    free(f->fix->edits);
    free(f->fix->message);
    free(f->fix);
  }
  for (size_t i = 0; i < f->n_related; i++) {
    free(f->related[i].message);
    free(f->related[i].path);
  }
  free(f->related);
  for (size_t i = 0; i < f->n_flows; i++) {
    for (size_t k = 0; k < f->flows[i].n_steps; k++) {
      free(f->flows[i].steps[k].message);
      free(f->flows[i].steps[k].path);
    }
    free(f->flows[i].steps);
    free(f->flows[i].message);
  }
  free(f->flows);
  for (size_t i = 0; i < f->n_notes; i++) free(f->notes[i]);
  free(f->notes);
  free(f->object);
  free(f->object_defined);
}

void ps_findings_free(PsFinding *fs, size_t n) {
  for (size_t i = 0; i < n; i++) ps_finding_free(&fs[i]);
  free(fs);
}

void ps_file_result_free(PsFileResult *r) {
  if (!r) return;
  ps_findings_free(r->findings, r->n_findings);
  ps_findings_free(r->unfixed, r->n_unfixed);
  free(r->fixed);
  free(r->diff);
  for (size_t i = 0; i < r->n_errors; i++) free(r->errors[i]);
  free(r->errors);
  free(r->path);
  free(r);
}

int ps_finding_cmp(const void *pa, const void *pb) {
  const PsFinding *a = pa, *b = pb;
  if (a->range.start.line != b->range.start.line)
    return a->range.start.line < b->range.start.line ? -1 : 1;
  if (a->range.start.col != b->range.start.col)
    return a->range.start.col < b->range.start.col ? -1 : 1;
  int c = strcmp(a->rule->id, b->rule->id);
  if (c) return c;
  if (a->range.end.byte != b->range.end.byte)
    return a->range.end.byte < b->range.end.byte ? -1 : 1;
  return strcmp(a->message ? a->message : "", b->message ? b->message : "");
}
