/* html.c: the reviewer's report, one self-contained HTML page.
 *
 * What the page holds (see docs/output-formats.md, "html"):
 *   - a static part written here: run facts, counts by severity, family,
 *     rule and module, a chart of findings per module (inline SVG), the
 *     files that could not be scanned, and the filter controls;
 *   - the findings as one JSON block (<script type="application/json">),
 *     which report.js (scanner/report/html/, embedded at build time) turns
 *     into a paged list and, for findings about shared state (FT), into
 *     groups per shared object with the race explained.
 * No network and no external asset: the CSS and the script are inline, and
 * the page's Content-Security-Policy admits only their exact bytes (their
 * SHA-256, computed by CMake), so nothing else can run even if a string
 * slipped through unescaped. Every string from the scanned code (paths,
 * source lines, messages) is HTML-escaped in markup, and in the JSON block
 * '<', '>' and '&' are \u escapes, so no "</script>" can end it.
 *
 * Like JSON and SARIF, findings are collected per file() call (nothing of
 * the caller's file result is kept) and written at end(), files sorted by
 * path: the bytes are the same for any --jobs. The one varying field is
 * the run's start time, in <time id="run-start">.
 *
 * Bounds: at most opts.html_max_findings findings are listed (the most
 * severe; the counts cover all), source lines are cut to a window of
 * LINE_WINDOW code points around the finding, and each finding keeps at
 * most MAX_RELATED related locations, MAX_FLOWS flows of MAX_STEPS steps,
 * MAX_NOTES notes, each message at most MAX_TEXT bytes.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"
#include "report/html_assets.h"
#include "report/report.h"

#define LINE_WINDOW 400  /* code points of a source line shown */
#define LINE_BEFORE 100  /* of which before the finding's column, when cut */
#define MAX_TEXT 2000    /* bytes of a message, note or step */
#define MAX_RELATED 50
#define MAX_FLOWS 16
#define MAX_STEPS 32
#define MAX_NOTES 16
#define TABLE_ROWS 100   /* rows of the module table */
#define CHART_BARS 20    /* bars of the module chart */

static const char *const SEV_NAMES[] = {"hint", "info", "warning", "error"};
/* PsFinding.baseline: "b" in the page's data, the badge, the filter. */
static const char *const BASE_NAMES[] = {"", "new", "unchanged", "absent"};

typedef struct HtmlState {
  PsReportBatch batch;
  PsStrMap rule_ix;          /* rule id -> index in rules */
  const PsRuleMeta **rules;  /* every rule seen in a finding (registry-owned) */
  size_t n_rules;
} HtmlState;

/* ---- escaping ------------------------------------------------------------ */

/* s as HTML text or attribute value: & < > " ' as references, bytes that are
 * not UTF-8 as U+FFFD, NUL never occurs in a C string. */
static void esc(PsBuf *b, const char *s) {
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  size_t n = strlen((const char *)p);
  for (size_t i = 0; i < n;) {
    switch (p[i]) {
      case '&': ps_buf_puts(b, "&amp;"); i++; continue;
      case '<': ps_buf_puts(b, "&lt;"); i++; continue;
      case '>': ps_buf_puts(b, "&gt;"); i++; continue;
      case '"': ps_buf_puts(b, "&quot;"); i++; continue;
      case '\'': ps_buf_puts(b, "&#39;"); i++; continue;
      default: break;
    }
    size_t len = ps_utf8_seq_len(p + i, n - i);
    if (len) {
      ps_buf_append(b, (const char *)p + i, len);
      i += len;
    } else {
      ps_buf_puts(b, "\xEF\xBF\xBD");
      i++;
    }
  }
}

/* Compact JSON for a <script> data block: outside strings JSON has none of
 * < > &, inside them the \u escapes parse to the same text. */
static void json_for_script(PsBuf *b, const char *text) {
  for (const char *p = text; *p; p++) {
    if (*p == '<') ps_buf_puts(b, "\\u003c");
    else if (*p == '>') ps_buf_puts(b, "\\u003e");
    else if (*p == '&') ps_buf_puts(b, "\\u0026");
    else ps_buf_putc(b, *p);
  }
}

/* A JSON string of at most MAX_TEXT bytes of s (cut at a character). */
static json_t *jtext(const char *s) {
  s = s ? s : "";
  size_t n = strlen(s);
  if (n <= MAX_TEXT) return ps_report__jstr(s);
  size_t k = MAX_TEXT;
  while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80) k--;
  char *cut = ps_xasprintf("%.*s\xE2\x80\xA6", (int)k, s);
  json_t *j = ps_report__jstr(cut);
  free(cut);
  return j;
}

/* Byte offset of code point `cp` in s[0..n) (n if past the end). */
static size_t cp_offset(const char *s, size_t n, size_t cp) {
  size_t i = 0;
  for (size_t c = 0; c < cp && i < n; c++) {
    size_t len = ps_utf8_seq_len((const unsigned char *)s + i, n - i);
    i += len ? len : 1;
  }
  return i;
}

/* ---- collecting ----------------------------------------------------------- */

static void html_begin(PsReporter *self) { self->state = ps_xcalloc(1, sizeof(HtmlState)); }

static size_t rule_index(HtmlState *st, const PsRuleMeta *rule) {
  uint64_t ix;
  if (ps_strmap_find(&st->rule_ix, rule->id, strlen(rule->id), &ix)) return (size_t)ix;
  st->rules = ps_xrealloc(st->rules, (st->n_rules + 1) * sizeof *st->rules);
  st->rules[st->n_rules] = rule;
  ps_strmap_put(&st->rule_ix, rule->id, st->n_rules, false);
  return st->n_rules++;
}

/* A related location or flow step; `path` is resolved at end(). */
static json_t *location_json(const PsRelated *r, const char *own) {
  json_t *o = json_object();
  json_object_set_new(o, "path", ps_report__jstr(r->path ? r->path : own));
  json_object_set_new(o, "l", json_integer(r->range.start.line));
  json_object_set_new(o, "c", json_integer(r->range.start.col));
  json_object_set_new(o, "m", jtext(r->message));
  return o;
}

/* The source line, cut to LINE_WINDOW code points around the finding:
 * "src", and "so" (code points cut before) / "cut" (cut after) if cut. */
static void source_json(json_t *o, const PsFinding *f) {
  const char *s = f->source_line;
  size_t n = strlen(s);
  size_t total = 0;
  for (size_t i = 0; i < n; total++) {
    size_t len = ps_utf8_seq_len((const unsigned char *)s + i, n - i);
    i += len ? len : 1;
  }
  if (total <= LINE_WINDOW) {
    json_object_set_new(o, "src", ps_report__jstr(s));
    return;
  }
  size_t col = f->range.start.col ? f->range.start.col - 1 : 0;
  size_t first = col > LINE_BEFORE ? col - LINE_BEFORE : 0;
  if (first + LINE_WINDOW > total) first = total - LINE_WINDOW;
  size_t a = cp_offset(s, n, first), b = a + cp_offset(s + a, n - a, LINE_WINDOW);
  char *part = ps_xstrndup(s + a, b - a);
  json_object_set_new(o, "src", ps_report__jstr(part));
  free(part);
  if (first) json_object_set_new(o, "so", json_integer((json_int_t)first));
  if (first + LINE_WINDOW < total) json_object_set_new(o, "cut", json_true());
}

/* One finding in the page's shape, with "path" and "rule" still names
 * (end() turns them into indexes) and "obj"/"def" for grouping. */
static json_t *finding_json(HtmlState *st, const char *path, const PsFinding *f) {
  json_t *o = json_object();
  json_object_set_new(o, "path", ps_report__jstr(path));
  json_object_set_new(o, "r", json_integer((json_int_t)rule_index(st, f->rule)));
  json_object_set_new(o, "s", json_integer(f->severity));
  json_object_set_new(o, "l", json_integer(f->range.start.line));
  json_object_set_new(o, "c", json_integer(f->range.start.col));
  json_object_set_new(o, "el", json_integer(f->range.end.line));
  json_object_set_new(o, "ec", json_integer(f->range.end.col));
  json_object_set_new(o, "m", jtext(f->message));
  if (f->source_line) source_json(o, f);
  if (f->fix)
    json_object_set_new(o, "fix", json_pack("{s:o,s:s}", "m", jtext(f->fix->message ? f->fix->message : "available"),
                                            "a", f->fix->safe ? "safe" : "unsafe"));
  if (f->n_related) {
    json_t *rel = json_array();
    for (size_t i = 0; i < f->n_related && i < MAX_RELATED; i++)
      json_array_append_new(rel, location_json(&f->related[i], path));
    json_object_set_new(o, "rel", rel);
  }
  if (f->n_flows) {
    json_t *flows = json_array();
    for (size_t i = 0; i < f->n_flows && i < MAX_FLOWS; i++) {
      json_t *steps = json_array();
      for (size_t k = 0; k < f->flows[i].n_steps && k < MAX_STEPS; k++)
        json_array_append_new(steps, location_json(&f->flows[i].steps[k], path));
      json_array_append_new(flows, json_pack("{s:o,s:o}", "m", jtext(f->flows[i].message), "steps", steps));
    }
    json_object_set_new(o, "flows", flows);
  }
  if (f->confidence) json_object_set_new(o, "conf", ps_report__jstr(f->confidence));
  if (f->n_notes) {
    json_t *notes = json_array();
    for (size_t i = 0; i < f->n_notes && i < MAX_NOTES; i++) json_array_append_new(notes, jtext(f->notes[i]));
    json_object_set_new(o, "notes", notes);
  }
  if (f->object) json_object_set_new(o, "obj", jtext(f->object));
  if (f->object_defined) json_object_set_new(o, "def", jtext(f->object_defined));
  if (f->baseline > PS_BASELINE_NONE && f->baseline <= PS_BASELINE_ABSENT)
    json_object_set_new(o, "b", json_string(BASE_NAMES[f->baseline]));
  return o;
}

static void html_file(PsReporter *self, const PsFileResult *file) {
  HtmlState *st = self->state;
  if (!file->n_findings) return;
  PsFinding *fs = ps_report__sorted_findings(file);
  json_t *items = json_array();
  for (size_t i = 0; i < file->n_findings; i++) json_array_append_new(items, finding_json(st, file->path, &fs[i]));
  ps_report__batch_add(&st->batch, file->path, items, fs, file->n_findings);
  free(fs);
}

/* ---- summaries ------------------------------------------------------------ */

/* The module a path belongs to, for the summary: the package directory,
 * dotted ("email/mime/text.py" -> "email.mime"), or the module itself for a
 * file at the top ("abc.py" -> "abc"); a path that is absolute or climbs
 * out ("../x/y.py") keeps its directory as it is. Heap. */
static char *module_of(const char *path) {
  while (path[0] == '.' && path[1] == '/') path += 2;
  const char *slash = strrchr(path, '/');
  bool plain = path[0] != '/' && strncmp(path, "../", 3) && !strstr(path, "/../");
  if (!slash) {
    size_t n = strlen(path);
    if (ps_str_ends_with(path, ".pyi")) n -= 4;
    else if (ps_str_ends_with(path, ".py")) n -= 3;
    return ps_xstrndup(path, n);
  }
  char *dir = ps_xstrndup(path, (size_t)(slash - path));
  if (!dir[0]) {
    free(dir);
    return ps_xstrdup("/");
  }
  if (plain)
    for (char *p = dir; *p; p++)
      if (*p == '/') *p = '.';
  return dir;
}

typedef struct Count {
  const char *key; /* borrowed */
  size_t index;    /* what the key stands for (module, rule index...) */
  size_t n;
  size_t by_sev[4];
} Count;

/* A tally keyed by strings: counts[] in first-seen order. */
typedef struct Tally {
  PsStrMap ix;
  Count *counts;
  size_t size;
} Tally;

static Count *tally(Tally *t, const char *key, size_t index) {
  uint64_t i;
  if (ps_strmap_find(&t->ix, key, strlen(key), &i)) return &t->counts[i];
  t->counts = ps_xrealloc(t->counts, (t->size + 1) * sizeof *t->counts);
  t->counts[t->size] = (Count){key, index, 0, {0, 0, 0, 0}};
  ps_strmap_put(&t->ix, key, t->size, false);
  return &t->counts[t->size++];
}

static void tally_free(Tally *t) {
  ps_strmap_free(&t->ix);
  free(t->counts);
}

static int cmp_count_desc(const void *pa, const void *pb) {
  const Count *a = pa, *b = pb;
  if (a->n != b->n) return a->n > b->n ? -1 : 1;
  return strcmp(a->key, b->key);
}

static int cmp_count_key(const void *pa, const void *pb) {
  return strcmp(((const Count *)pa)->key, ((const Count *)pb)->key);
}

/* ---- the page ------------------------------------------------------------- */

/* One finding of the run, in output order. */
typedef struct Item {
  json_t *o;        /* borrowed from the batch */
  size_t path;      /* index in Page.paths */
  size_t rule;      /* index in HtmlState.rules */
  int sev;
  size_t out;       /* index on the page, or SIZE_MAX if left out */
} Item;

typedef struct Page {
  HtmlState *st;
  Item *items;
  size_t n_items, n_listed;
  PsStrMap path_ix;  /* path -> index; keys are paths[] */
  char **paths;
  size_t n_paths;
  size_t *path_module; /* per path: index in modules */
  Tally modules, families, rules, confidence;
  size_t by_sev[4];
  size_t by_base[4];   /* PsFinding.baseline; absent ones are listed but not counted elsewhere */
} Page;

static size_t path_index(Page *pg, const char *path) {
  uint64_t ix;
  if (ps_strmap_find(&pg->path_ix, path, strlen(path), &ix)) return (size_t)ix;
  pg->paths = ps_xrealloc(pg->paths, (pg->n_paths + 1) * sizeof *pg->paths);
  pg->path_module = ps_xrealloc(pg->path_module, (pg->n_paths + 1) * sizeof *pg->path_module);
  pg->paths[pg->n_paths] = ps_xstrdup(path);
  ps_strmap_put(&pg->path_ix, pg->paths[pg->n_paths], pg->n_paths, false);
  char *mod = module_of(path);
  Count *c = tally(&pg->modules, mod, pg->modules.size);
  if (c->key != mod) free(mod); /* the tally keeps the first copy; freed with the page */
  pg->path_module[pg->n_paths] = c->index;
  return pg->n_paths++;
}

static int cmp_severity_first(const void *pa, const void *pb) {
  const Item *const *a = pa, *const *b = pb;
  if ((*a)->sev != (*b)->sev) return (*a)->sev > (*b)->sev ? -1 : 1;
  return *a < *b ? -1 : *a > *b;
}

/* Which findings are listed: all, or the opts cap's most severe ones (the
 * first in output order among equals). */
static void choose_listed(Page *pg, size_t cap) {
  size_t n = pg->n_items;
  if (n <= cap) {
    for (size_t i = 0; i < n; i++) pg->items[i].out = i;
    pg->n_listed = n;
    return;
  }
  Item **order = ps_xmalloc(n * sizeof *order);
  for (size_t i = 0; i < n; i++) order[i] = &pg->items[i], pg->items[i].out = SIZE_MAX;
  qsort(order, n, sizeof *order, cmp_severity_first);
  for (size_t i = 0; i < cap; i++) order[i]->out = 0;
  free(order);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (pg->items[i].out == 0) pg->items[i].out = k++;
  pg->n_listed = k;
}

/* Replaces a location's "path" with "p" and links it ("t") to the listed
 * finding on that line, when there is one other than `self`. */
static void resolve_location(Page *pg, json_t *loc, const PsStrMap *at, size_t self, json_t *by) {
  const char *path = json_string_value(json_object_get(loc, "path"));
  size_t p = path_index(pg, path ? path : "");
  json_t *lj = json_incref(json_object_get(loc, "l")), *cj = json_incref(json_object_get(loc, "c")),
         *mj = json_incref(json_object_get(loc, "m"));
  json_object_clear(loc); /* keys in a fixed order: p, l, c, m, t */
  json_object_set_new(loc, "p", json_integer((json_int_t)p));
  json_object_set_new(loc, "l", lj);
  json_object_set_new(loc, "c", cj);
  json_object_set_new(loc, "m", mj);
  char key[64];
  int n = snprintf(key, sizeof key, "%zu:%lld", p, (long long)json_integer_value(lj));
  uint64_t t;
  if (ps_strmap_find(at, key, (size_t)n, &t) && t != self) {
    json_object_set_new(loc, "t", json_integer((json_int_t)t));
    json_array_append_new(by, json_integer((json_int_t)t));
  }
}

typedef struct Group {
  char *key;          /* object \0-separated from where it is defined */
  const char *object, *defined; /* borrowed from the items */
  size_t *f;
  size_t n;
  int best_conf, best_sev;
} Group;

static int cmp_group(const void *pa, const void *pb) {
  const Group *a = pa, *b = pb;
  if (a->best_conf != b->best_conf) return a->best_conf > b->best_conf ? -1 : 1;
  if (a->best_sev != b->best_sev) return a->best_sev > b->best_sev ? -1 : 1;
  if (a->n != b->n) return a->n > b->n ? -1 : 1;
  int c = strcmp(a->object, b->object);
  if (c) return c;
  c = strcmp(a->defined, b->defined);
  return c ? c : (a->f[0] < b->f[0] ? -1 : a->f[0] > b->f[0]);
}

static int conf_rank(const char *c) { return !c ? 0 : !strcmp(c, "high") ? 2 : !strcmp(c, "medium") ? 1 : 0; }

/* Findings about shared state (an object, flows or a confidence), grouped
 * by object: the most certain and severe groups first. A finding without
 * an object is a group of its own, named by its message. */
static json_t *groups_json(Page *pg, json_t *findings) {
  PsStrMap ix = PS_STRMAP_INIT;
  Group *gs = NULL;
  size_t n = 0;
  for (size_t i = 0; i < json_array_size(findings); i++) {
    json_t *f = json_array_get(findings, i);
    const char *obj = json_string_value(json_object_get(f, "obj"));
    const char *def = json_string_value(json_object_get(f, "def"));
    const char *conf = json_string_value(json_object_get(f, "conf"));
    if (!obj && !conf && !json_object_get(f, "flows")) continue;
    char *key = obj ? ps_xasprintf("%s%c%s", obj, 0, def ? def : "") : ps_xasprintf("#%zu", i);
    size_t klen = obj ? strlen(obj) + 1 + strlen(def ? def : "") : strlen(key);
    uint64_t g;
    if (!ps_strmap_find(&ix, key, klen, &g)) {
      gs = ps_xrealloc(gs, (n + 1) * sizeof *gs);
      gs[n] = (Group){key, obj ? obj : json_string_value(json_object_get(f, "m")), def ? def : "", NULL, 0, 0, 0};
      ps_strmap_put_n(&ix, key, klen, n, false);
      g = n++;
    } else {
      free(key);
    }
    Group *gr = &gs[g];
    gr->f = ps_xrealloc(gr->f, (gr->n + 1) * sizeof *gr->f);
    gr->f[gr->n++] = i;
    int cr = conf_rank(conf), sv = (int)json_integer_value(json_object_get(f, "s"));
    if (cr > gr->best_conf) gr->best_conf = cr;
    if (sv > gr->best_sev) gr->best_sev = sv;
  }
  ps_strmap_free(&ix);
  if (n > 1) qsort(gs, n, sizeof *gs, cmp_group);
  json_t *out = json_array();
  for (size_t g = 0; g < n; g++) {
    json_t *idx = json_array();
    for (size_t k = 0; k < gs[g].n; k++) json_array_append_new(idx, json_integer((json_int_t)gs[g].f[k]));
    json_t *o = json_object();
    json_object_set_new(o, "object", ps_report__jstr(gs[g].object));
    if (gs[g].defined[0]) json_object_set_new(o, "defined", ps_report__jstr(gs[g].defined));
    json_object_set_new(o, "f", idx);
    json_array_append_new(out, o);
    free(gs[g].key);
    free(gs[g].f);
  }
  free(gs);
  (void)pg;
  return out;
}

/* The page's data: rules, paths, modules, the listed findings (paths and
 * rules as indexes, locations linked to findings), the groups. */
static json_t *page_data(Page *pg) {
  HtmlState *st = pg->st;
  json_t *findings = json_array();
  for (size_t i = 0; i < pg->n_items; i++)
    if (pg->items[i].out != SIZE_MAX) json_array_append(findings, pg->items[i].o);
  /* Listed findings by (path, line): the first on each line. */
  PsStrMap at = PS_STRMAP_INIT;
  char **keys = ps_xcalloc(pg->n_listed ? pg->n_listed : 1, sizeof *keys);
  for (size_t i = 0; i < pg->n_items; i++) {
    const Item *it = &pg->items[i];
    if (it->out == SIZE_MAX) continue;
    keys[it->out] = ps_xasprintf("%zu:%lld", it->path, (long long)json_integer_value(json_object_get(it->o, "l")));
    ps_strmap_put(&at, keys[it->out], it->out, false);
  }
  json_t **by = ps_xcalloc(pg->n_listed ? pg->n_listed : 1, sizeof *by);
  for (size_t i = 0; i < pg->n_listed; i++) by[i] = json_array();
  for (size_t i = 0; i < pg->n_listed; i++) {
    json_t *f = json_array_get(findings, i);
    json_t *refs = json_array(), *v;
    size_t k;
    json_array_foreach(json_object_get(f, "rel"), k, v) resolve_location(pg, v, &at, i, refs);
    json_t *fl;
    size_t j;
    json_array_foreach(json_object_get(f, "flows"), j, fl) {
      json_array_foreach(json_object_get(fl, "steps"), k, v) resolve_location(pg, v, &at, i, refs);
    }
    /* Backlinks: finding t is referenced by i (once). */
    json_array_foreach(refs, k, v) {
      json_t *list = by[json_integer_value(v)];
      size_t last = json_array_size(list);
      if (!last || (size_t)json_integer_value(json_array_get(list, last - 1)) != i)
        json_array_append_new(list, json_integer((json_int_t)i));
    }
    json_decref(refs);
  }
  for (size_t i = 0; i < pg->n_listed; i++) {
    json_t *f = json_array_get(findings, i);
    const char *path = json_string_value(json_object_get(f, "path"));
    json_t *fresh = json_object(); /* "p" first, as every location */
    json_object_set_new(fresh, "p", json_integer((json_int_t)path_index(pg, path ? path : "")));
    const char *key;
    json_t *val;
    json_object_foreach(f, key, val) {
      if (strcmp(key, "path")) json_object_set(fresh, key, val);
    }
    if (json_array_size(by[i])) json_object_set(fresh, "by", by[i]);
    json_array_set_new(findings, i, fresh);
    json_decref(by[i]);
  }
  free(by);
  json_t *groups = groups_json(pg, findings);
  for (size_t i = 0; i < pg->n_listed; i++) {
    json_object_del(json_array_get(findings, i), "obj");
    json_object_del(json_array_get(findings, i), "def");
  }
  ps_strmap_free(&at);
  for (size_t i = 0; i < pg->n_listed; i++) free(keys[i]);
  free(keys);

  json_t *data = json_object();
  json_object_set_new(data, "version", json_integer(1));
  json_t *sev = json_array();
  for (int s = 0; s < 4; s++) json_array_append_new(sev, json_string(SEV_NAMES[s]));
  json_object_set_new(data, "sev", sev);
  json_t *rules = json_array();
  for (size_t i = 0; i < st->n_rules; i++) {
    char *url = ps_report_help_uri(st->rules[i]);
    json_array_append_new(rules, json_pack("{s:o,s:o,s:o,s:o}", "id", ps_report__jstr(st->rules[i]->id), "name",
                                           ps_report__jstr(st->rules[i]->name ? st->rules[i]->name : ""), "family",
                                           ps_report__jstr(st->rules[i]->family ? st->rules[i]->family : ""), "url",
                                           ps_report__jstr(url)));
    free(url);
  }
  json_object_set_new(data, "rules", rules);
  json_t *paths = json_array(), *pm = json_array(), *mods = json_array();
  for (size_t i = 0; i < pg->n_paths; i++) {
    json_array_append_new(paths, ps_report__jstr(pg->paths[i]));
    json_array_append_new(pm, json_integer((json_int_t)pg->path_module[i]));
  }
  for (size_t i = 0; i < pg->modules.size; i++) json_array_append_new(mods, ps_report__jstr(pg->modules.counts[i].key));
  json_object_set_new(data, "paths", paths);
  json_object_set_new(data, "pm", pm);
  json_object_set_new(data, "modules", mods);
  json_object_set_new(data, "total", json_integer((json_int_t)pg->n_items));
  json_object_set_new(data, "findings", findings);
  json_object_set_new(data, "groups", groups);
  return data;
}

/* ---- writing ----------------------------------------------------------------- */

/* "sha256-<base64>" of a hex digest. */
static void csp_hash(PsBuf *b, const char *hex) {
  static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  unsigned char d[32];
  for (int i = 0; i < 32; i++) {
    unsigned v = 0;
    sscanf(hex + 2 * i, "%2x", &v);
    d[i] = (unsigned char)v;
  }
  ps_buf_puts(b, "'sha256-");
  for (int i = 0; i < 32; i += 3) {
    uint32_t v = (uint32_t)d[i] << 16 | (i + 1 < 32 ? (uint32_t)d[i + 1] << 8 : 0) | (i + 2 < 32 ? d[i + 2] : 0);
    char q[4] = {A[v >> 18 & 63], A[v >> 12 & 63], i + 1 < 32 ? A[v >> 6 & 63] : '=', i + 2 < 32 ? A[v & 63] : '='};
    ps_buf_append(b, q, 4);
  }
  ps_buf_puts(b, "'");
}

static void sev_cells(PsBuf *b, const size_t *by_sev) {
  for (int s = 3; s >= 0; s--) ps_buf_printf(b, "<td class=\"n sev-%s\">%zu</td>", SEV_NAMES[s], by_sev[s]);
}

static void summary_tables(PsBuf *b, Page *pg) {
  HtmlState *st = pg->st;
  ps_buf_puts(b, "<div class=\"tables\">\n");
  /* by family */
  qsort(pg->families.counts, pg->families.size, sizeof(Count), cmp_count_key);
  ps_buf_puts(b, "<table id=\"by-family\"><caption>By family</caption><thead><tr><th>Family</th><th class=\"n\">"
                 "Findings</th><th class=\"n\">error</th><th class=\"n\">warning</th><th class=\"n\">info</th>"
                 "<th class=\"n\">hint</th></tr></thead><tbody>\n");
  for (size_t i = 0; i < pg->families.size; i++) {
    const Count *c = &pg->families.counts[i];
    ps_buf_puts(b, "<tr><td><a href=\"#findings\" data-filter=\"family\" data-value=\"");
    esc(b, c->key);
    ps_buf_puts(b, "\">");
    esc(b, c->key);
    ps_buf_printf(b, "</a></td><td class=\"n\">%zu</td>", c->n);
    sev_cells(b, c->by_sev);
    ps_buf_puts(b, "</tr>\n");
  }
  ps_buf_puts(b, "</tbody></table>\n");
  /* by rule */
  qsort(pg->rules.counts, pg->rules.size, sizeof(Count), cmp_count_key);
  ps_buf_puts(b, "<table id=\"by-rule\"><caption>By rule</caption><thead><tr><th>Rule</th><th>Name</th>"
                 "<th>Severity</th><th class=\"n\">Findings</th><th>Docs</th></tr></thead><tbody>\n");
  for (size_t i = 0; i < pg->rules.size; i++) {
    const Count *c = &pg->rules.counts[i];
    const PsRuleMeta *r = st->rules[c->index];
    ps_buf_puts(b, "<tr><td><a href=\"#findings\" data-filter=\"rule\" data-value=\"");
    esc(b, r->id);
    ps_buf_puts(b, "\">");
    esc(b, r->id);
    ps_buf_puts(b, "</a></td><td>");
    esc(b, r->name);
    ps_buf_printf(b, "</td><td class=\"sev-%s\">%s</td><td class=\"n\">%zu</td><td><a href=\"",
                  SEV_NAMES[r->severity], SEV_NAMES[r->severity], c->n);
    char *url = ps_report_help_uri(r);
    esc(b, url);
    free(url);
    ps_buf_puts(b, "\" rel=\"noreferrer\">docs</a></td></tr>\n");
  }
  ps_buf_puts(b, "</tbody></table>\n");
  /* by module */
  Count *mods = ps_xmalloc((pg->modules.size ? pg->modules.size : 1) * sizeof *mods);
  size_t n_mods = 0;
  for (size_t i = 0; i < pg->modules.size; i++)
    if (pg->modules.counts[i].n) mods[n_mods++] = pg->modules.counts[i];
  qsort(mods, n_mods, sizeof *mods, cmp_count_desc);
  ps_buf_puts(b, "<table id=\"by-module\"><caption>By module</caption><thead><tr><th>Module or directory</th>"
                 "<th class=\"n\">Findings</th><th class=\"n\">error</th><th class=\"n\">warning</th>"
                 "<th class=\"n\">info</th><th class=\"n\">hint</th></tr></thead><tbody>\n");
  size_t rest = 0, rest_n = 0;
  for (size_t i = 0; i < n_mods; i++) {
    if (i >= TABLE_ROWS) {
      rest++, rest_n += mods[i].n;
      continue;
    }
    ps_buf_printf(b, "<tr><td><a href=\"#findings\" data-filter=\"module\" data-value=\"%zu\">", mods[i].index);
    esc(b, mods[i].key);
    ps_buf_printf(b, "</a></td><td class=\"n\">%zu</td>", mods[i].n);
    sev_cells(b, mods[i].by_sev);
    ps_buf_puts(b, "</tr>\n");
  }
  if (rest)
    ps_buf_printf(b, "<tr><td class=\"muted\">%zu more modules</td><td class=\"n\">%zu</td></tr>\n", rest, rest_n);
  ps_buf_puts(b, "</tbody></table>\n</div>\n");

  /* The chart: the CHART_BARS modules with most findings, stacked by
   * severity, scaled to the largest. */
  size_t bars = n_mods < CHART_BARS ? n_mods : CHART_BARS;
  if (bars) {
    const int label_w = 260, bar_w = 560, row_h = 22;
    size_t max = mods[0].n;
    ps_buf_printf(b, "<figure id=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%zu\" "
                     "role=\"img\" aria-labelledby=\"chart-caption\">\n",
                  label_w + bar_w + 60, bars * row_h + 4);
    static const char *const FILL[] = {"#8c959f", "#0969da", "#d4a72c", "#cf222e"};
    for (size_t i = 0; i < bars; i++) {
      size_t y = i * row_h + 2;
      ps_buf_printf(b, "<a href=\"#findings\" data-filter=\"module\" data-value=\"%zu\"><title>", mods[i].index);
      esc(b, mods[i].key);
      ps_buf_printf(b, ": %zu findings (%zu error, %zu warning, %zu info, %zu hint)</title>", mods[i].n,
                    mods[i].by_sev[3], mods[i].by_sev[2], mods[i].by_sev[1], mods[i].by_sev[0]);
      ps_buf_printf(b, "<text x=\"%d\" y=\"%zu\" text-anchor=\"end\">", label_w - 8, y + 15);
      /* Long names keep their end, the most specific part. */
      const char *name = mods[i].key;
      size_t len = strlen(name);
      if (len > 36) {
        const char *tail = name + len - 34;
        while (((unsigned char)*tail & 0xC0) == 0x80) tail++;
        ps_buf_puts(b, "\xE2\x80\xA6");
        esc(b, tail);
      } else {
        esc(b, name);
      }
      ps_buf_puts(b, "</text>");
      double x = label_w;
      for (int s = 3; s >= 0; s--) {
        if (!mods[i].by_sev[s]) continue;
        double w = (double)bar_w * (double)mods[i].by_sev[s] / (double)max;
        ps_buf_printf(b, "<rect x=\"%.1f\" y=\"%zu\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>", x, y + 2,
                      w < 1 ? 1 : w, row_h - 6, FILL[s]);
        x += w < 1 ? 1 : w;
      }
      ps_buf_printf(b, "<text x=\"%.1f\" y=\"%zu\">%zu</text></a>\n", x + 6, y + 15, mods[i].n);
    }
    ps_buf_printf(b, "</svg><figcaption id=\"chart-caption\">Findings per module: the %zu with most findings of %zu, "
                     "stacked by severity (error, warning, info, hint). Click a bar to list its findings."
                     "</figcaption></figure>\n",
                  bars, n_mods);
  }
  free(mods);
}

static void select_open(PsBuf *b, const char *name, const char *label) {
  ps_buf_printf(b, "<label>%s<select id=\"filter-%s\"><option value=\"\">all</option>", label, name);
}

static void filters(PsBuf *b, Page *pg, const PsRunInfo *run) {
  HtmlState *st = pg->st;
  ps_buf_puts(b, "<form id=\"filters\" autocomplete=\"off\">\n");
  select_open(b, "family", "Family");
  for (size_t i = 0; i < pg->families.size; i++) {
    ps_buf_puts(b, "<option value=\"");
    esc(b, pg->families.counts[i].key);
    ps_buf_puts(b, "\">");
    esc(b, pg->families.counts[i].key);
    ps_buf_printf(b, " (%zu)</option>", pg->families.counts[i].n);
  }
  ps_buf_puts(b, "</select></label>\n");
  select_open(b, "rule", "Rule");
  for (size_t i = 0; i < pg->rules.size; i++) {
    const PsRuleMeta *r = st->rules[pg->rules.counts[i].index];
    ps_buf_puts(b, "<option value=\"");
    esc(b, r->id);
    ps_buf_puts(b, "\">");
    esc(b, r->id);
    ps_buf_puts(b, " ");
    esc(b, r->name);
    ps_buf_printf(b, " (%zu)</option>", pg->rules.counts[i].n);
  }
  ps_buf_puts(b, "</select></label>\n");
  select_open(b, "severity", "Severity");
  for (int s = 3; s >= 0; s--)
    ps_buf_printf(b, "<option value=\"%s\">%s (%zu)</option>", SEV_NAMES[s], SEV_NAMES[s], pg->by_sev[s]);
  ps_buf_puts(b, "</select></label>\n");
  select_open(b, "confidence", "Confidence");
  static const char *const CONF[] = {"high", "medium", "none"};
  for (int c = 0; c < 3; c++) {
    uint64_t k;
    size_t n = ps_strmap_find(&pg->confidence.ix, CONF[c], strlen(CONF[c]), &k) ? pg->confidence.counts[k].n : 0;
    ps_buf_printf(b, "<option value=\"%s\">%s (%zu)</option>", CONF[c], CONF[c], n);
  }
  ps_buf_puts(b, "</select></label>\n");
  select_open(b, "module", "Module");
  Count *mods = ps_xmalloc((pg->modules.size ? pg->modules.size : 1) * sizeof *mods);
  size_t n_mods = 0;
  for (size_t i = 0; i < pg->modules.size; i++)
    if (pg->modules.counts[i].n) mods[n_mods++] = pg->modules.counts[i];
  qsort(mods, n_mods, sizeof *mods, cmp_count_key);
  for (size_t i = 0; i < n_mods; i++) {
    ps_buf_printf(b, "<option value=\"%zu\">", mods[i].index);
    esc(b, mods[i].key);
    ps_buf_printf(b, " (%zu)</option>", mods[i].n);
  }
  free(mods);
  ps_buf_puts(b, "</select></label>\n");
  if (run->baseline) {
    select_open(b, "baseline", "Baseline");
    ps_buf_printf(b, "<option value=\"new\">new only (%zu)</option><option value=\"unchanged\">unchanged (%zu)"
                     "</option><option value=\"absent\">absent (%zu)</option></select></label>\n",
                  pg->by_base[PS_BASELINE_NEW], pg->by_base[PS_BASELINE_UNCHANGED], pg->by_base[PS_BASELINE_ABSENT]);
  }
  ps_buf_puts(b, "<button type=\"button\" id=\"filter-reset\">Reset filters</button>\n</form>\n");
}

/* With --baseline: how many findings are new, unchanged (in the baseline)
 * and absent (in the baseline, no longer found), each a link to the list
 * filtered to them. */
static void baseline_summary(PsBuf *b, Page *pg, const char *file) {
  static const char *const WHAT[] = {"", "not in the baseline", "in the baseline, still found",
                                     "in the baseline, no longer found"};
  ps_buf_puts(b, "<div class=\"cards\" id=\"baseline\"><p class=\"meta\">Against the baseline <code>");
  esc(b, file);
  ps_buf_puts(b, "</code>:</p>");
  for (int s = PS_BASELINE_NEW; s <= PS_BASELINE_ABSENT; s++)
    ps_buf_printf(b, "<a class=\"card base-%s\" href=\"#findings\" data-filter=\"baseline\" data-value=\"%s\">"
                     "<b id=\"count-%s\">%zu</b><span class=\"base base-%s\">%s</span> <span class=\"muted\">%s"
                     "</span></a>",
                  BASE_NAMES[s], BASE_NAMES[s], BASE_NAMES[s], pg->by_base[s], BASE_NAMES[s], BASE_NAMES[s], WHAT[s]);
  ps_buf_puts(b, "</div>\n");
}

static void write_page(PsReporter *self, Page *pg, const PsRunInfo *run) {
  PsBuf b = PS_BUF_INIT;
  ps_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src ");
  csp_hash(&b, PS_HTML_JS_SHA256);
  ps_buf_puts(&b, "; style-src ");
  csp_hash(&b, PS_HTML_CSS_SHA256);
  ps_buf_puts(&b, "; base-uri 'none'; form-action 'none'\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<meta name=\"generator\" content=\"pyshift ");
  esc(&b, run->tool_version);
  ps_buf_puts(&b, "\">\n<title>pyshift report</title>\n<style>");
  ps_buf_append(&b, (const char *)PS_HTML_CSS, PS_HTML_CSS_LEN);
  ps_buf_puts(&b, "</style>\n</head>\n<body>\n<header>\n<h1>pyshift report</h1>\n<p class=\"meta\">pyshift ");
  esc(&b, run->tool_version);
  if (run->target.major)
    ps_buf_printf(&b, " &middot; target Python %d.%d%s", run->target.major, run->target.minor,
                  run->target.free_threaded ? "t" : "");
  if (run->min_python.major)
    ps_buf_printf(&b, " &middot; oldest Python %d.%d", run->min_python.major, run->min_python.minor);
  ps_buf_printf(&b, " &middot; <span id=\"n-files\">%zu</span> files scanned &middot; <span id=\"n-findings\">%zu"
                    "</span> findings",
                run->n_files, pg->n_items - pg->by_base[PS_BASELINE_ABSENT]);
  if (run->start_time_utc) {
    ps_buf_puts(&b, " &middot; started <time id=\"run-start\">");
    esc(&b, run->start_time_utc);
    ps_buf_puts(&b, "</time>");
  }
  ps_buf_puts(&b, "</p>\n</header>\n<main>\n<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">");
  for (int s = 3; s >= 0; s--)
    ps_buf_printf(&b, "<div class=\"card sev-%s\"><b id=\"count-%s\">%zu</b><span class=\"sev\">%s</span></div>",
                  SEV_NAMES[s], SEV_NAMES[s], pg->by_sev[s], SEV_NAMES[s]);
  ps_buf_puts(&b, "</div>\n");
  if (run->baseline) baseline_summary(&b, pg, run->baseline);
  if (pg->n_items - pg->by_base[PS_BASELINE_ABSENT]) summary_tables(&b, pg);
  else ps_buf_puts(&b, "<p class=\"empty\">No findings.</p>\n");
  ps_buf_puts(&b, "</section>\n");

  if (run->n_notes) {
    ps_buf_printf(&b, "<section id=\"notifications\">\n<h2>Problems</h2>\n<details><summary>%zu problem%s made the "
                      "results incomplete</summary>\n<ul>\n",
                  run->n_notes, run->n_notes == 1 ? "" : "s");
    for (size_t i = 0; i < run->n_notes && i < TABLE_ROWS; i++) {
      ps_buf_puts(&b, "<li>");
      if (run->notes[i].path && run->notes[i].path[0]) {
        ps_buf_puts(&b, "<span class=\"loc\">");
        esc(&b, run->notes[i].path);
        ps_buf_puts(&b, "</span>: ");
      }
      esc(&b, run->notes[i].message);
      ps_buf_puts(&b, "</li>\n");
    }
    if (run->n_notes > TABLE_ROWS) ps_buf_printf(&b, "<li>and %zu more</li>\n", run->n_notes - TABLE_ROWS);
    ps_buf_puts(&b, "</ul></details>\n</section>\n");
  }

  ps_buf_puts(&b, "<section id=\"findings\">\n<h2>Findings</h2>\n");
  filters(&b, pg, run);
  if (pg->n_listed < pg->n_items)
    ps_buf_printf(&b, "<p id=\"left-out\" class=\"muted\">The %zu most severe findings are listed; %zu less severe "
                      "ones are counted above but left out (use --format json for all).</p>\n",
                  pg->n_listed, pg->n_items - pg->n_listed);
  ps_buf_puts(&b, "<noscript><p>The findings list needs JavaScript; the summary above is complete, and "
                  "<code>--format json</code> gives every finding.</p></noscript>\n");

  json_t *data = page_data(pg);
  size_t n_groups = json_array_size(json_object_get(data, "groups"));
  ps_buf_puts(&b, "<section id=\"threads\">\n<h3>Thread safety: findings by shared object</h3>\n");
  if (n_groups)
    ps_buf_puts(&b, "<p class=\"muted\">Each shared object with its races: the access, the other accesses, each "
                    "thread's path from its entry to the access, and the locks held.</p>\n"
                    "<p id=\"group-status\" aria-live=\"polite\"></p><div id=\"groups\"></div>"
                    "<nav class=\"pager\" id=\"group-pager\"></nav>\n");
  else
    ps_buf_puts(&b, "<p class=\"empty\">No finding about shared state.</p>\n");
  ps_buf_puts(&b, "</section>\n<h3>All findings</h3>\n<p id=\"status\" aria-live=\"polite\"></p>\n"
                  "<nav class=\"pager\" id=\"pager-top\"></nav>\n<ol id=\"list\"></ol>\n"
                  "<nav class=\"pager\" id=\"pager-bottom\"></nav>\n</section>\n</main>\n"
                  "<script type=\"application/json\" id=\"ps-data\">");
  char *text = json_dumps(data, JSON_COMPACT | JSON_PRESERVE_ORDER);
  json_decref(data);
  if (text) json_for_script(&b, text);
  free(text);
  ps_buf_puts(&b, "</script>\n<script>");
  ps_buf_append(&b, (const char *)PS_HTML_JS, PS_HTML_JS_LEN);
  ps_buf_puts(&b, "</script>\n</body>\n</html>\n");
  ps_report__write(self, b.data, b.len);
  ps_buf_free(&b);
}

static void html_end(PsReporter *self, const PsRunInfo *run) {
  HtmlState *st = self->state;
  ps_report__batch_sort(&st->batch);
  Page pg;
  memset(&pg, 0, sizeof pg);
  pg.st = st;
  for (size_t i = 0; i < st->batch.size; i++) pg.n_items += json_array_size(st->batch.files[i].items);
  pg.items = ps_xcalloc(pg.n_items ? pg.n_items : 1, sizeof *pg.items);
  size_t k = 0;
  char conf_none[] = "none";
  for (size_t i = 0; i < st->batch.size; i++) {
    size_t p = path_index(&pg, st->batch.files[i].path);
    json_t *v;
    size_t j;
    json_array_foreach(st->batch.files[i].items, j, v) {
      Item *it = &pg.items[k++];
      it->o = v;
      it->path = p;
      it->rule = (size_t)json_integer_value(json_object_get(v, "r"));
      it->sev = (int)json_integer_value(json_object_get(v, "s")) & 3;
      const PsRuleMeta *r = st->rules[it->rule];
      const char *base = json_string_value(json_object_get(v, "b"));
      int bs = PS_BASELINE_NONE;
      for (int s = PS_BASELINE_NEW; s <= PS_BASELINE_ABSENT && base; s++)
        if (!strcmp(base, BASE_NAMES[s])) bs = s;
      pg.by_base[bs]++;
      if (bs == PS_BASELINE_ABSENT) continue; /* fixed: listed, but no longer a finding to count */
      pg.by_sev[it->sev]++;
      Count *c[4] = {&pg.modules.counts[pg.path_module[p]], tally(&pg.families, r->family ? r->family : "", 0),
                     tally(&pg.rules, r->id, it->rule), NULL};
      const char *conf = json_string_value(json_object_get(v, "conf"));
      c[3] = tally(&pg.confidence, conf ? conf : conf_none, 0);
      for (int m = 0; m < 4; m++) c[m]->n++, c[m]->by_sev[it->sev]++;
    }
  }
  choose_listed(&pg, self->opts.html_max_findings ? self->opts.html_max_findings : PS_HTML_MAX_FINDINGS);
  if (pg.n_listed < pg.n_items)
    ps_report__warn(self, "html: %zu findings over the report's limit of %zu were left out of the list (the least "
                          "severe; the summary counts them)",
                    pg.n_items - pg.n_listed, pg.n_listed);
  write_page(self, &pg, run);
  for (size_t i = 0; i < pg.modules.size; i++) free((char *)pg.modules.counts[i].key);
  tally_free(&pg.modules);
  tally_free(&pg.families);
  tally_free(&pg.rules);
  tally_free(&pg.confidence);
  for (size_t i = 0; i < pg.n_paths; i++) free(pg.paths[i]);
  free(pg.paths);
  free(pg.path_module);
  ps_strmap_free(&pg.path_ix);
  free(pg.items);
}

static void html_fini(PsReporter *self) {
  HtmlState *st = self->state;
  if (!st) return;
  ps_report__batch_free(&st->batch);
  ps_strmap_free(&st->rule_ix);
  free(st->rules);
  free(st);
}

const PsReportOps ps_report__html_ops = {html_begin, html_file, html_end, html_fini, NULL};
