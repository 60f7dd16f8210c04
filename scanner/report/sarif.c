/* sarif.c: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
 *
 * Shape (see docs/output-formats.md): one run whose tool.driver.rules[] is
 * every enabled rule in run->rules order, so a result's ruleIndex is that
 * index; columns are UTF-16 code units; artifact URIs are relative to
 * %SRCROOT% (the git work tree's top, --project-root, else the working
 * directory) when possible. The schema rejects nulls,
 * so optional members are left out instead of being null.
 *
 * Results are built per file() (nothing borrowed from the file result is
 * kept) and written at end(), files sorted by path.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "report/report.h"

#define SARIF_SCHEMA_URI "https://json.schemastore.org/sarif-2.1.0.json"
#define INFORMATION_URI "https://github.com/pyshift/pyshift"
#define SRCROOT "%SRCROOT%"
#define REPOROOT "%REPOROOT%"

typedef struct RuleIndex {
  const char *id;
  size_t index;
} RuleIndex;

typedef struct SarifState {
  PsReportBatch results;
  size_t max_results, max_locations, max_flow_locations, max_gzip;
  size_t cut_related, cut_flows; /* results whose related locations / flow steps were cut */
  RuleIndex *by_id; /* run->rules sorted by id, for ruleIndex */
  size_t n_rules;
  const char *working_dir; /* run->working_dir, for related locations in other files */
  const char *uri_root;    /* run->uri_root */
} SarifState;

static int cmp_rule_index(const void *pa, const void *pb) {
  const RuleIndex *a = pa, *b = pb;
  int c = strcmp(a->id, b->id);
  return c ? c : (a->index < b->index ? -1 : a->index > b->index);
}

static void sarif_begin(PsReporter *self) {
  SarifState *st = ps_xcalloc(1, sizeof *st);
  const PsRunInfo *run = self->run;
  st->n_rules = run->n_rules;
  st->working_dir = run->working_dir;
  st->uri_root = run->uri_root;
  const PsReportOptions *o = &self->opts;
  st->max_results = o->sarif_max_results ? o->sarif_max_results : PS_SARIF_MAX_RESULTS;
  st->max_locations = o->sarif_max_locations ? o->sarif_max_locations : PS_SARIF_MAX_LOCATIONS;
  st->max_flow_locations = o->sarif_max_flow_locations ? o->sarif_max_flow_locations : PS_SARIF_MAX_FLOW_LOCATIONS;
  st->max_gzip = o->sarif_max_gzip_bytes ? o->sarif_max_gzip_bytes : PS_SARIF_MAX_GZIP_BYTES;
  st->by_id = ps_xmalloc((st->n_rules ? st->n_rules : 1) * sizeof *st->by_id);
  for (size_t i = 0; i < st->n_rules; i++) st->by_id[i] = (RuleIndex){run->rules[i]->id, i};
  qsort(st->by_id, st->n_rules, sizeof *st->by_id, cmp_rule_index);
  self->state = st;
}

/* Index of the rule with this id in run->rules (the first, if repeated),
 * or -1. */
static long rule_index(const SarifState *st, const char *id) {
  size_t lo = 0, hi = st->n_rules;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(st->by_id[mid].id, id) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo < st->n_rules && !strcmp(st->by_id[lo].id, id) ? (long)st->by_id[lo].index : -1;
}

static json_t *text_obj(const char *s) {
  json_t *o = json_object();
  json_object_set_new(o, "text", ps_report__jstr(s ? s : ""));
  return o;
}

static json_t *artifact_location(const char *path, const char *working_dir, const char *uri_root) {
  bool relative;
  char *uri = ps_report_artifact_uri_in(path ? path : "", working_dir, uri_root, &relative);
  json_t *o = json_object();
  json_object_set_new(o, "uri", ps_report__jstr(uri));
  if (relative) json_object_set_new(o, "uriBaseId", json_string(SRCROOT));
  free(uri);
  return o;
}

/* SARIF regions are 1-based with an exclusive end column; clamp so that a
 * degenerate range (line 0 for a whole-file problem, end before start)
 * still satisfies the schema's minimums. */
static json_t *region(const PsRange *r) {
  unsigned sl = r->start.line ? r->start.line : 1;
  unsigned sc = r->start.col16 ? r->start.col16 : 1;
  unsigned el = r->end.line > sl ? r->end.line : sl;
  unsigned ec = r->end.col16 ? r->end.col16 : 1;
  if (el == sl && ec < sc) ec = sc;
  json_t *o = json_object();
  json_object_set_new(o, "startLine", json_integer(sl));
  json_object_set_new(o, "startColumn", json_integer(sc));
  json_object_set_new(o, "endLine", json_integer(el));
  json_object_set_new(o, "endColumn", json_integer(ec));
  return o;
}

static json_t *physical_location(json_t *artifact, const PsRange *r) {
  json_t *o = json_object();
  json_object_set(o, "artifactLocation", artifact);
  if (r) json_object_set_new(o, "region", region(r));
  return o;
}

/* The message of an explained finding: `text` as always (what GitHub shows)
 * and `markdown` with the notes as a list under it (what SARIF viewers that
 * render Markdown show). */
static json_t *message_with_notes(const PsFinding *f) {
  json_t *o = text_obj(f->message);
  PsBuf md = PS_BUF_INIT;
  ps_buf_puts(&md, f->message ? f->message : "");
  ps_buf_puts(&md, "\n");
  for (size_t i = 0; i < f->n_notes; i++) ps_buf_printf(&md, "\n- %s", f->notes[i] ? f->notes[i] : "");
  json_object_set_new(o, "markdown", ps_report__jstr(md.data));
  ps_buf_free(&md);
  return o;
}

/* One codeFlow per thread, each with one threadFlow: viewers (GitHub's
 * "Show paths", the SARIF VS Code extension) show one threadFlow per
 * codeFlow. A threadFlow needs a location: a flow without steps gets the
 * result's own. */
static json_t *code_flows(SarifState *st, json_t *artifact, const PsFinding *f) {
  json_t *flows = json_array();
  size_t budget = st->max_flow_locations; /* GitHub's cap on thread flow locations per result */
  bool cut = false;
  for (size_t i = 0; i < f->n_flows; i++) {
    const PsFlow *fl = &f->flows[i];
    size_t want = fl->n_steps ? fl->n_steps : 1;
    if (!budget) {
      cut = true;
      break;
    }
    size_t take = want < budget ? want : budget;
    cut |= take < want;
    budget -= take;
    json_t *locs = json_array();
    for (size_t k = 0; k < take; k++) {
      const PsRelated *step = fl->n_steps ? &fl->steps[k] : NULL;
      json_t *loc = json_object();
      if (step && step->path) {
        json_t *other = artifact_location(step->path, st->working_dir, st->uri_root);
        json_object_set_new(loc, "physicalLocation", physical_location(other, &step->range));
        json_decref(other);
      } else {
        json_object_set_new(loc, "physicalLocation", physical_location(artifact, step ? &step->range : &f->range));
      }
      json_object_set_new(loc, "message", text_obj(step ? step->message : fl->message));
      json_array_append_new(locs, json_pack("{s:o}", "location", loc));
    }
    json_t *tf = json_object();
    json_object_set_new(tf, "message", text_obj(fl->message));
    json_object_set_new(tf, "locations", locs);
    json_t *cf = json_object();
    json_object_set_new(cf, "message", text_obj(fl->message));
    json_object_set_new(cf, "threadFlows", json_pack("[o]", tf));
    json_array_append_new(flows, cf);
  }
  st->cut_flows += cut;
  return flows;
}

static json_t *result_json(SarifState *st, json_t *artifact, const PsFinding *f) {
  json_t *o = json_object();
  json_object_set_new(o, "ruleId", ps_report__jstr(f->rule->id));
  long idx = rule_index(st, f->rule->id);
  if (idx >= 0) json_object_set_new(o, "ruleIndex", json_integer(idx));
  if (f->baseline == PS_BASELINE_ABSENT) {
    /* A baseline entry this run no longer finds: the rule ran and the
     * problem is gone (SARIF 3.27.9, 3.27.24). */
    json_object_set_new(o, "kind", json_string("pass"));
    json_object_set_new(o, "level", json_string("none"));
  } else {
    json_object_set_new(o, "level", json_string(ps_severity_sarif_level(f->severity)));
  }
  if (f->rank > 0) json_object_set_new(o, "rank", json_real(f->rank));
  json_object_set_new(o, "message", f->n_notes ? message_with_notes(f) : text_obj(f->message));

  json_t *loc = json_object();
  json_object_set_new(loc, "physicalLocation", physical_location(artifact, &f->range));
  json_object_set_new(o, "locations", json_pack("[o]", loc));

  if (f->fingerprint && f->fingerprint[0])
    json_object_set_new(o, "partialFingerprints",
                        json_pack("{s:o}", "primaryLocationLineHash", ps_report__jstr(f->fingerprint)));

  if (f->n_flows) json_object_set_new(o, "codeFlows", code_flows(st, artifact, f));

  /* GitHub counts the result's location and its related ones together. */
  size_t n_related = f->n_related < st->max_locations ? f->n_related : st->max_locations - 1;
  st->cut_related += n_related < f->n_related;
  if (n_related) {
    json_t *rel = json_array();
    for (size_t i = 0; i < n_related; i++) {
      json_t *r = json_object();
      json_object_set_new(r, "id", json_integer((json_int_t)i + 1));
      json_object_set_new(r, "message", text_obj(f->related[i].message));
      if (f->related[i].path) {
        json_t *other = artifact_location(f->related[i].path, st->working_dir, st->uri_root);
        json_object_set_new(r, "physicalLocation", physical_location(other, &f->related[i].range));
        json_decref(other);
      } else {
        json_object_set_new(r, "physicalLocation", physical_location(artifact, &f->related[i].range));
      }
      json_array_append_new(rel, r);
    }
    json_object_set_new(o, "relatedLocations", rel);
  }

  if (f->fix) {
    json_t *replacements = json_array();
    for (size_t i = 0; i < f->fix->n_edits; i++) {
      json_t *rep = json_object();
      json_object_set_new(rep, "deletedRegion", region(&f->fix->edits[i].range));
      json_object_set_new(rep, "insertedContent", text_obj(f->fix->edits[i].text));
      json_array_append_new(replacements, rep);
    }
    json_t *change = json_object();
    json_object_set(change, "artifactLocation", artifact);
    json_object_set_new(change, "replacements", replacements);
    json_t *fix = json_object();
    if (f->fix->message) json_object_set_new(fix, "description", text_obj(f->fix->message));
    json_object_set_new(fix, "artifactChanges", json_pack("[o]", change));
    json_object_set_new(o, "fixes", json_pack("[o]", fix));
  }
  if (f->baseline) {
    static const char *const STATES[] = {"", "new", "unchanged", "absent"};
    json_object_set_new(o, "baselineState", json_string(STATES[f->baseline]));
    /* In the baseline: accepted, so SARIF viewers hide it and GitHub shows
     * it dismissed rather than open. */
    if (f->baseline == PS_BASELINE_UNCHANGED)
      json_object_set_new(o, "suppressions",
                          json_pack("[{s:s, s:s, s:s}]", "kind", "external", "status", "accepted", "justification",
                                    "recorded in the baseline (--baseline)"));
  }
  if (f->confidence || f->n_notes) {
    json_t *props = json_object();
    if (f->confidence) json_object_set_new(props, "confidence", ps_report__jstr(f->confidence));
    if (f->n_notes) {
      json_t *notes = json_array();
      for (size_t i = 0; i < f->n_notes; i++) json_array_append_new(notes, ps_report__jstr(f->notes[i] ? f->notes[i] : ""));
      json_object_set_new(props, "notes", notes);
    }
    json_object_set_new(o, "properties", props);
  }
  return o;
}

static void sarif_file(PsReporter *self, const PsFileResult *file) {
  SarifState *st = self->state;
  if (!file->n_findings) return;
  json_t *artifact = artifact_location(file->path, self->run->working_dir, self->run->uri_root);
  PsFinding *fs = ps_report__sorted_findings(file);
  json_t *items = json_array();
  for (size_t i = 0; i < file->n_findings; i++)
    json_array_append_new(items, result_json(st, artifact, &fs[i]));
  ps_report__batch_add(&st->results, file->path, items, fs, file->n_findings);
  free(fs);
  json_decref(artifact);
}

/* ---- rule descriptions from the Markdown docs ---------------------------- */

static const char *skip_ws(const char *s) {
  while (*s == ' ' || *s == '\t') s++;
  return s;
}

static bool line_blank(const char *s, const char *end) {
  for (; s < end; s++)
    if (*s != ' ' && *s != '\t' && *s != '\r') return false;
  return true;
}

/* Appends s[0..n) with Markdown links [text](url) written as "text (url)". */
static void append_unlinked(PsBuf *b, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '[') {
      const char *close = memchr(s + i, ']', n - i);
      if (close && (size_t)(close - s) + 1 < n && close[1] == '(') {
        const char *paren = memchr(close, ')', n - (size_t)(close - s));
        if (paren) {
          ps_buf_append(b, s + i + 1, (size_t)(close - (s + i + 1)));
          ps_buf_puts(b, " (");
          ps_buf_append(b, close + 2, (size_t)(paren - (close + 2)));
          ps_buf_putc(b, ')');
          i = (size_t)(paren - s);
          continue;
        }
      }
    }
    ps_buf_putc(b, s[i]);
  }
}

/* The first paragraph under a "What it does" heading, joined onto one line;
 * NULL if there is none. */
static char *what_it_does(const char *md) {
  if (!md) return NULL;
  const char *p = md;
  bool in_section = false, in_para = false;
  PsBuf b = PS_BUF_INIT;
  while (*p) {
    const char *eol = strchr(p, '\n');
    if (!eol) eol = p + strlen(p);
    const char *t = skip_ws(p);
    size_t tl = (size_t)(eol - t);
    while (tl && (t[tl - 1] == '\r' || t[tl - 1] == ' ')) tl--;
    if (!in_section) {
      if (*t == '#') {
        const char *h = t;
        while (*h == '#') h++;
        h = skip_ws(h);
        size_t hl = (size_t)(t + tl - h);
        if (hl == 12 && !strncmp(h, "What it does", 12)) in_section = true;
      }
    } else if (*t == '#' || !strncmp(t, "```", 3) || line_blank(p, eol)) {
      if (in_para || *t == '#' || *t == '`') break;
    } else {
      if (in_para) ps_buf_putc(&b, ' ');
      append_unlinked(&b, t, tl);
      in_para = true;
    }
    p = *eol ? eol + 1 : eol;
  }
  if (!in_para) {
    ps_buf_free(&b);
    return NULL;
  }
  return ps_buf_steal(&b);
}

/* The docs as plain text: headings lose their #, code fences their
 * markers (code is indented instead), links become "text (url)". A
 * ```query block (the rule's own tree-sitter query) is left out. */
static char *markdown_plain(const char *md) {
  PsBuf b = PS_BUF_INIT;
  bool in_code = false, skip_code = false;
  const char *p = md;
  while (*p) {
    const char *eol = strchr(p, '\n');
    if (!eol) eol = p + strlen(p);
    size_t n = (size_t)(eol - p);
    if (n && p[n - 1] == '\r') n--;
    const char *t = skip_ws(p);
    if (!strncmp(t, "```", 3)) {
      if (!in_code) skip_code = !strncmp(skip_ws(t + 3), "query", 5);
      in_code = !in_code;
    } else if (in_code) {
      if (!skip_code) {
        ps_buf_puts(&b, "    ");
        ps_buf_append(&b, p, n);
        ps_buf_putc(&b, '\n');
      }
    } else if (*t == '#') {
      while (*t == '#') t++;
      t = skip_ws(t);
      ps_buf_append(&b, t, (size_t)(p + n - t));
      ps_buf_putc(&b, '\n');
    } else {
      append_unlinked(&b, p, n);
      ps_buf_putc(&b, '\n');
    }
    p = *eol ? eol + 1 : eol;
  }
  while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == ' ')) b.data[--b.len] = '\0';
  return ps_buf_steal(&b);
}

static const char *problem_severity(PsSeverity s) {
  switch (s) {
    case PS_SEVERITY_ERROR: return "error";
    case PS_SEVERITY_WARNING: return "warning";
    default: return "recommendation";
  }
}

static json_t *rule_json(const PsRuleMeta *rule) {
  const char *summary = rule->summary ? rule->summary : rule->message ? rule->message : rule->id;
  json_t *o = json_object();
  json_object_set_new(o, "id", ps_report__jstr(rule->id));
  if (rule->name) json_object_set_new(o, "name", ps_report__jstr(rule->name));
  json_object_set_new(o, "shortDescription", text_obj(summary));
  char *full = what_it_does(rule->docs_md);
  json_object_set_new(o, "fullDescription", text_obj(full ? full : summary));
  free(full);
  json_t *help = json_object();
  if (rule->docs_md && rule->docs_md[0]) {
    char *plain = markdown_plain(rule->docs_md);
    json_object_set_new(help, "text", ps_report__jstr(plain));
    json_object_set_new(help, "markdown", ps_report__jstr(rule->docs_md));
    free(plain);
  } else {
    json_object_set_new(help, "text", ps_report__jstr(summary));
  }
  json_object_set_new(o, "help", help);
  char *uri = ps_report_help_uri(rule);
  json_object_set_new(o, "helpUri", ps_report__jstr(uri));
  free(uri);
  json_object_set_new(o, "defaultConfiguration",
                      json_pack("{s:s}", "level", ps_severity_sarif_level(rule->severity)));
  json_t *props = json_object();
  json_t *tags = json_array();
  for (const char *const *t = rule->tags; t && *t; t++) json_array_append_new(tags, ps_report__jstr(*t));
  json_object_set_new(props, "tags", tags);
  if (rule->precision) json_object_set_new(props, "precision", ps_report__jstr(rule->precision));
  json_object_set_new(props, "problem.severity", json_string(problem_severity(rule->severity)));
  json_object_set_new(o, "properties", props);
  return o;
}

/* ---- the log ------------------------------------------------------------- */

/* POSIX shell quoting, for invocation.commandLine. */
static void shell_quote(PsBuf *b, const char *s) {
  bool plain = *s != '\0';
  for (const char *p = s; *p; p++)
    if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-./=:,+@%", *p))
      plain = false;
  if (plain) {
    ps_buf_puts(b, s);
    return;
  }
  ps_buf_putc(b, '\'');
  for (const char *p = s; *p; p++) {
    if (*p == '\'') ps_buf_puts(b, "'\\''");
    else ps_buf_putc(b, *p);
  }
  ps_buf_putc(b, '\'');
}

static char *dir_uri(const char *dir) {
  char *enc = ps_report_uri_encode(dir);
  size_t n = strlen(enc);
  char *uri = ps_xasprintf("file://%s%s", enc, n && enc[n - 1] == '/' ? "" : "/");
  free(enc);
  return uri;
}

static json_t *invocation_json(const PsRunInfo *run) {
  json_t *inv = json_object();
  json_object_set_new(inv, "executionSuccessful", json_boolean(run->execution_successful));
  if (run->argc > 0 && run->argv) {
    PsBuf cmd = PS_BUF_INIT;
    json_t *args = json_array();
    for (int i = 0; i < run->argc; i++) {
      if (!run->argv[i]) continue;
      if (cmd.len) ps_buf_putc(&cmd, ' ');
      shell_quote(&cmd, run->argv[i]);
      if (i > 0) json_array_append_new(args, ps_report__jstr(run->argv[i]));
    }
    json_object_set_new(inv, "commandLine", ps_report__jstr(cmd.data ? cmd.data : ""));
    json_object_set_new(inv, "arguments", args);
    ps_buf_free(&cmd);
  }
  if (run->start_time_utc) json_object_set_new(inv, "startTimeUtc", ps_report__jstr(run->start_time_utc));
  if (run->end_time_utc) json_object_set_new(inv, "endTimeUtc", ps_report__jstr(run->end_time_utc));
  if (run->working_dir && run->working_dir[0]) {
    char *uri = dir_uri(run->working_dir);
    json_object_set_new(inv, "workingDirectory", json_pack("{s:o}", "uri", ps_report__jstr(uri)));
    free(uri);
  }
  json_t *notes = json_array();
  for (size_t i = 0; i < run->n_notes; i++) {
    const PsNotification *n = &run->notes[i];
    json_t *note = json_object();
    json_object_set_new(note, "level", json_string(n->level ? n->level : "error"));
    json_object_set_new(note, "message", text_obj(n->message));
    if (n->path && n->path[0]) {
      json_t *artifact = artifact_location(n->path, run->working_dir, run->uri_root);
      json_t *loc = json_object();
      json_object_set_new(loc, "physicalLocation", physical_location(artifact, NULL));
      json_object_set_new(note, "locations", json_pack("[o]", loc));
      json_decref(artifact);
    }
    json_array_append_new(notes, note);
  }
  json_object_set_new(inv, "toolExecutionNotifications", notes);
  return inv;
}

/* ---- GitHub's limits ----------------------------------------------------- */

static int level_rank(json_t *result) {
  const char *l = json_string_value(json_object_get(result, "level"));
  return l && !strcmp(l, "error") ? 2 : l && !strcmp(l, "warning") ? 1 : 0;
}

typedef struct Ranked {
  int rank;
  size_t index;
} Ranked;

static int cmp_severity(const void *pa, const void *pb) {
  const Ranked *a = pa, *b = pb;
  if (a->rank != b->rank) return a->rank > b->rank ? -1 : 1;
  return a->index < b->index ? -1 : a->index > b->index;
}

/* The `keep` most severe results of `all` (ties: the first, in path
 * order), in their order in `all`; dropped[level rank] counts the rest. */
static json_t *most_severe(json_t *all, size_t keep, size_t dropped[3]) {
  size_t n = json_array_size(all);
  dropped[0] = dropped[1] = dropped[2] = 0;
  if (keep >= n) return json_copy(all);
  Ranked *r = ps_xmalloc((n ? n : 1) * sizeof *r);
  bool *kept = ps_xcalloc(n ? n : 1, sizeof *kept);
  for (size_t i = 0; i < n; i++) r[i] = (Ranked){level_rank(json_array_get(all, i)), i};
  qsort(r, n, sizeof *r, cmp_severity);
  for (size_t i = 0; i < n; i++) {
    if (i < keep) kept[r[i].index] = true;
    else dropped[r[i].rank]++;
  }
  json_t *out = json_array();
  for (size_t i = 0; i < n; i++)
    if (kept[i]) json_array_append(out, json_array_get(all, i));
  free(r);
  free(kept);
  return out;
}

/* Bytes of `data` gzipped as `gzip -6` would (what GitHub's limit counts). */
static size_t gzip_size(const char *data, size_t n) {
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return n;
  unsigned char buf[1 << 16];
  size_t total = 0;
  zs.next_in = (unsigned char *)data;
  do {
    size_t chunk = n > UINT_MAX ? UINT_MAX : n;
    zs.avail_in = (unsigned)chunk;
    n -= chunk;
    do {
      zs.next_out = buf;
      zs.avail_out = sizeof buf;
      deflate(&zs, n ? Z_NO_FLUSH : Z_FINISH);
      total += sizeof buf - zs.avail_out;
    } while (zs.avail_out == 0);
  } while (n);
  deflateEnd(&zs);
  return total;
}

static void add_notification(json_t *notes, const char *message) {
  json_t *note = json_object();
  json_object_set_new(note, "level", json_string("warning"));
  json_object_set_new(note, "message", text_obj(message));
  json_array_append_new(notes, note);
}

/* Writes the log with as many of `all` (the results, in order) as GitHub
 * accepts: at most max_results, and a gzipped size of at most max_gzip;
 * over a limit the most severe are kept, and a toolExecutionNotification
 * (and a warning for stderr) says what was dropped. */
static void write_within_limits(PsReporter *self, json_t *root, json_t *run, json_t *all) {
  SarifState *st = self->state;
  json_t *notes = json_object_get(json_array_get(json_object_get(run, "invocations"), 0), "toolExecutionNotifications");
  char msg[512];
  if (st->cut_related) {
    snprintf(msg, sizeof msg, "GitHub code scanning accepts at most %zu locations per result: %zu result%s kept only "
             "their first %zu related locations", st->max_locations, st->cut_related, st->cut_related == 1 ? "" : "s",
             st->max_locations - 1);
    add_notification(notes, msg);
    ps_report__warn(self, "%s", msg);
  }
  if (st->cut_flows) {
    snprintf(msg, sizeof msg, "GitHub code scanning accepts at most %zu thread flow locations per result: %zu "
             "result%s kept only the first %zu steps of their threads", st->max_flow_locations, st->cut_flows,
             st->cut_flows == 1 ? "" : "s", st->max_flow_locations);
    add_notification(notes, msg);
    ps_report__warn(self, "%s", msg);
  }
  size_t total = json_array_size(all), kept = total < st->max_results ? total : st->max_results;
  size_t note_at = json_array_size(notes);
  bool too_big = false;
  char *text = NULL;
  for (;;) {
    size_t dropped[3];
    json_object_set_new(run, "results", most_severe(all, kept, dropped));
    if (kept < total) {
      char limits[160] = "";
      if (too_big)
        snprintf(limits, sizeof limits, "SARIF files of at most %zu bytes gzipped%s", st->max_gzip,
                 total > st->max_results ? " and at most " : "");
      if (total > st->max_results) {
        size_t n = strlen(limits);
        snprintf(limits + n, sizeof limits - n, "%s%zu results per run", too_big ? "" : "at most ", st->max_results);
      }
      snprintf(msg, sizeof msg, "GitHub code scanning accepts %s: kept the %zu most severe of %zu results, "
               "dropped %zu (%zu error, %zu warning, %zu note)", limits, kept, total, total - kept, dropped[2],
               dropped[1], dropped[0]);
      json_t *note = json_object();
      json_object_set_new(note, "level", json_string("warning"));
      json_object_set_new(note, "message", text_obj(msg));
      if (json_array_size(notes) > note_at) json_array_set_new(notes, note_at, note);
      else json_array_append_new(notes, note);
    }
    free(text);
    text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!text) break;
    size_t len = strlen(text);
    /* Deflate never grows text by more than 5 bytes per 16 KiB block plus
     * the gzip header and trailer: most logs need no compressing. */
    if (len + len / 16384 * 5 + 64 <= st->max_gzip || !kept) break;
    size_t gz = gzip_size(text, len);
    if (gz <= st->max_gzip) break;
    too_big = true;
    size_t next = (size_t)((double)kept * ((double)st->max_gzip * 0.9 / (double)gz));
    kept = next < kept ? next : kept - 1;
  }
  if (kept < total) ps_report__warn(self, "%s", msg);
  if (!text) {
    self->write_failed = true; /* only on out-of-memory */
    self->write_errno = ENOMEM;
    return;
  }
  if (ps_report__write(self, text, strlen(text))) ps_report__write(self, "\n", 1);
  free(text);
}

static void sarif_end(PsReporter *self, const PsRunInfo *run) {
  SarifState *st = self->state;
  const char *version = run->tool_version ? run->tool_version : PS_VERSION;

  json_t *rules = json_array();
  for (size_t i = 0; i < run->n_rules; i++) json_array_append_new(rules, rule_json(run->rules[i]));
  json_t *driver = json_object();
  json_object_set_new(driver, "name", json_string("pyshift"));
  json_object_set_new(driver, "version", ps_report__jstr(version));
  json_object_set_new(driver, "semanticVersion", ps_report__jstr(version));
  json_object_set_new(driver, "informationUri", json_string(INFORMATION_URI));
  json_object_set_new(driver, "rules", rules);

  json_t *out = json_object();
  json_object_set_new(out, "tool", json_pack("{s:o}", "driver", driver));
  json_object_set_new(out, "invocations", json_pack("[o]", invocation_json(run)));
  const char *base = run->uri_root && run->uri_root[0] ? run->uri_root : run->working_dir;
  /* --project-root below the work tree's top: %SRCROOT% is defined
   * relative to %REPOROOT%, the top, which the provenance maps to (the SARIF
   * Multitool's SARIF2007 wants every result reachable from a mappedTo). */
  const char *below_top = NULL;
  if (run->vcs_repository_uri && !run->vcs_root_is_top && run->vcs_root && base) {
    size_t n = strlen(run->vcs_root);
    while (n > 1 && run->vcs_root[n - 1] == '/') n--;
    if (!strncmp(base, run->vcs_root, n) && base[n] == '/' && base[n + 1]) below_top = base + n + 1;
  }
  if (below_top) {
    char *top = dir_uri(run->vcs_root);
    char *rel = ps_report_uri_encode(below_top);
    size_t n = strlen(rel);
    json_t *src = json_pack("{s:s+,s:s}", "uri", rel, n && rel[n - 1] == '/' ? "" : "/", "uriBaseId", REPOROOT);
    json_object_set_new(out, "originalUriBaseIds",
                        json_pack("{s:o,s:{s:o}}", SRCROOT, src, REPOROOT, "uri", ps_report__jstr(top)));
    free(rel);
    free(top);
  } else if (base && base[0]) {
    char *uri = dir_uri(base);
    json_object_set_new(out, "originalUriBaseIds",
                        json_pack("{s:{s:o}}", SRCROOT, "uri", ps_report__jstr(uri)));
    free(uri);
  }
  if (run->vcs_repository_uri) {
    json_t *vc = json_object();
    json_object_set_new(vc, "repositoryUri", ps_report__jstr(run->vcs_repository_uri));
    if (run->vcs_revision) json_object_set_new(vc, "revisionId", ps_report__jstr(run->vcs_revision));
    if (run->vcs_branch) json_object_set_new(vc, "branch", ps_report__jstr(run->vcs_branch));
    if (run->vcs_root_is_top) json_object_set_new(vc, "mappedTo", json_pack("{s:s}", "uriBaseId", SRCROOT));
    else if (below_top) json_object_set_new(vc, "mappedTo", json_pack("{s:s}", "uriBaseId", REPOROOT));
    json_object_set_new(out, "versionControlProvenance", json_pack("[o]", vc));
  }
  if (run->automation_id && run->automation_id[0])
    json_object_set_new(out, "automationDetails",
                        json_pack("{s:o}", "id", ps_report__jstr(run->automation_id)));
  json_object_set_new(out, "columnKind", json_string("utf16CodeUnits"));

  ps_report__batch_sort(&st->results);
  json_t *all = json_array();
  for (size_t i = 0; i < st->results.size; i++) json_array_extend(all, st->results.files[i].items);
  json_object_set_new(out, "results", json_array()); /* filled by write_within_limits */

  if (run->target.major || run->min_python.major) {
    char target[16], min[16];
    ps_pyver_format(run->target, target, sizeof target);
    ps_pyver_format(run->min_python, min, sizeof min);
    json_t *props = json_object();
    if (run->target.major) json_object_set_new(props, "targetVersion", json_string(target));
    if (run->min_python.major) json_object_set_new(props, "minPython", json_string(min));
    json_object_set_new(out, "properties", props);
  }

  json_t *root = json_object();
  json_object_set_new(root, "$schema", json_string(SARIF_SCHEMA_URI));
  json_object_set_new(root, "version", json_string("2.1.0"));
  json_object_set_new(root, "runs", json_pack("[o]", out));
  write_within_limits(self, root, out, all);
  json_decref(all);
  json_decref(root);
}

static void sarif_fini(PsReporter *self) {
  SarifState *st = self->state;
  if (!st) return;
  ps_report__batch_free(&st->results);
  free(st->by_id);
  free(st);
}

const PsReportOps ps_report__sarif_ops = {sarif_begin, sarif_file, sarif_end, sarif_fini, NULL};
