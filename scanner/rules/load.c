/* load.c: rule-file syntax. The only code that knows it.
 *
 *   ---
 *   <YAML front matter: id, name, severity, message, ...>
 *   ---
 *   ```query            (optional) tree-sitter query source
 *   ```table            (optional) tab-separated data, header row first
 *   ```table importable (optional) the same, read by ps_analysis__dead_fallback
 *   ## What it does     Markdown documentation (everything else)
 *
 * Every error is reported at the rule file's line and column with that line
 * as context, so the user sees a caret under the problem.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "parse/parse.h"
#include "rules/rules_internal.h"

/* Sets err at (line, col) of the rule file, with that line as context. */
static int rule_error(PsError *err, const char *path, const char *text, size_t len, int line,
                      int col, int span, const char *fmt, ...) __attribute__((format(printf, 8, 9)));

static int rule_error(PsError *err, const char *path, const char *text, size_t len, int line,
                      int col, int span, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ps_error_vset(err, PS_E_RULE, path, line, col, fmt, ap);
  va_end(ap);
  ps_error_set_context_at_line(err, text, len, line, span);
  return PS_E_RULE;
}

/* ---- YAML helpers ------------------------------------------------------------ */

typedef struct Ctx {
  const char *path;
  const char *text;
  size_t len;
  int fm_line; /* rule-file line of the front matter's first line */
  yaml_document_t *doc;
  PsError *err;
} Ctx;

static int node_line(const Ctx *c, const yaml_node_t *n) { return (int)n->start_mark.line + c->fm_line; }
static int node_col(const yaml_node_t *n) { return (int)n->start_mark.column + 1; }
static int node_span(const yaml_node_t *n) {
  if (n->end_mark.line == n->start_mark.line && n->end_mark.column > n->start_mark.column)
    return (int)(n->end_mark.column - n->start_mark.column);
  return 1;
}

static int node_error(const Ctx *c, const yaml_node_t *n, const char *fmt, const char *arg) {
  char msg[PS_ERROR_MSG_MAX];
  snprintf(msg, sizeof msg, fmt, arg);
  return rule_error(c->err, c->path, c->text, c->len, node_line(c, n), node_col(n), node_span(n),
                    "%s", msg);
}

static int want_scalar(const Ctx *c, const yaml_node_t *n, const char *key, char **out) {
  if (n->type != YAML_SCALAR_NODE) return node_error(c, n, "`%s` must be a string", key);
  *out = ps_xstrndup((const char *)n->data.scalar.value, n->data.scalar.length);
  return 0;
}

static int want_bool(const Ctx *c, const yaml_node_t *n, const char *key, bool *out) {
  if (n->type == YAML_SCALAR_NODE) {
    const char *v = (const char *)n->data.scalar.value;
    if (!strcmp(v, "true")) return *out = true, 0;
    if (!strcmp(v, "false")) return *out = false, 0;
  }
  return node_error(c, n, "`%s` must be true or false", key);
}

/* Fills a NULL-terminated string list from a scalar or a sequence of scalars. */
static int want_list(const Ctx *c, const yaml_node_t *n, const char *key, char ***out, size_t *n_out) {
  Array(char *) items;
  array_init(&items);
  if (n->type == YAML_SCALAR_NODE) {
    array_push(&items, ps_xstrndup((const char *)n->data.scalar.value, n->data.scalar.length));
  } else if (n->type == YAML_SEQUENCE_NODE) {
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
      yaml_node_t *e = yaml_document_get_node(c->doc, *it);
      if (!e || e->type != YAML_SCALAR_NODE) {
        for (size_t i = 0; i < items.size; i++) free(items.items[i]);
        array_free(&items);
        return node_error(c, e ? e : n, "`%s` must be a list of strings", key);
      }
      array_push(&items, ps_xstrndup((const char *)e->data.scalar.value, e->data.scalar.length));
    }
  } else {
    return node_error(c, n, "`%s` must be a string or a list of strings", key);
  }
  array_push(&items, NULL);
  *out = items.items;
  if (n_out) *n_out = items.size - 1;
  return 0;
}

static bool match_re(const char *re, const char *s) {
  int code;
  PCRE2_SIZE off;
  pcre2_code *p = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &code, &off, NULL);
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(p, NULL);
  int rc = pcre2_match(p, (PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL);
  pcre2_match_data_free(md);
  pcre2_code_free(p);
  return rc >= 0;
}

static const char *const KNOWN_KEYS[] = {
    "id", "name", "severity", "status", "since", "message", "summary", "target", "min-python",
    "free-threaded", "tags", "precision", "explicit", "prefilter", "analysis", "report", "fixture",
    "fix", "fix-applicability", "fix-message", "prefilter-scope", "version-guard", NULL};

static int parse_analysis(const Ctx *c, PsRule *r, const yaml_node_t *n) {
  r->analysis_line = node_line(c, n);
  if (n->type == YAML_SCALAR_NODE) return want_scalar(c, n, "analysis", &r->analysis);
  if (n->type != YAML_MAPPING_NODE)
    return node_error(c, n, "`%s` must be a name or a mapping with `name` and parameters", "analysis");
  Array(PsParam) params;
  array_init(&params);
  int rc = 0;
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
    yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
    if (!k || k->type != YAML_SCALAR_NODE || !v) {
      rc = node_error(c, k ? k : n, "%s", "analysis keys must be strings");
      break;
    }
    const char *key = (const char *)k->data.scalar.value;
    if (!strcmp(key, "name")) {
      if (r->analysis) {
        rc = node_error(c, k, "duplicate key `%s` in analysis", key);
        break;
      }
      if ((rc = want_scalar(c, v, "analysis.name", &r->analysis))) break;
      r->analysis_line = node_line(c, v);
      continue;
    }
    bool dup = false;
    for (size_t i = 0; i < params.size; i++) dup |= !strcmp(params.items[i].key, key);
    if (dup) {
      rc = node_error(c, k, "duplicate key `%s` in analysis", key);
      break;
    }
    PsParam prm = {0};
    prm.key = ps_xstrdup(key);
    prm.line = node_line(c, k);
    prm.col = node_col(k);
    prm.is_list = v->type == YAML_SEQUENCE_NODE;
    if ((rc = want_list(c, v, key, &prm.values, &prm.n_values))) {
      free(prm.key);
      break;
    }
    array_push(&params, prm);
  }
  r->params = params.items;
  r->n_params = params.size;
  if (!rc && !r->analysis) rc = node_error(c, n, "%s", "`analysis` needs a `name`");
  return rc;
}

static int check_constraint(const Ctx *c, const yaml_node_t *v, const char *key, PsPyConstraint *out) {
  if (v->type != YAML_SCALAR_NODE ||
      ps_pyconstraint_parse((const char *)v->data.scalar.value, out) != 0)
    return node_error(c, v, "`%s` must be a version constraint such as \">=3.12\" or \">=3.9,<3.13\"", key);
  return 0;
}

/* A scalar that must be `no` or `yes`: *out = (value is `yes`). */
static int want_choice(const Ctx *c, const yaml_node_t *v, const char *key, const char *no, const char *yes, bool *out) {
  char *tmp = NULL;
  int rc = want_scalar(c, v, key, &tmp);
  if (!rc && strcmp(tmp, no) && strcmp(tmp, yes)) {
    char what[256];
    snprintf(what, sizeof what, "%s `%s` must be %s or %s", key, tmp, no, yes);
    rc = node_error(c, v, "%s", what);
  }
  if (!rc) *out = !strcmp(tmp, yes);
  free(tmp);
  return rc;
}

/* Refuses front matter nested deeper than PS_RULE_YAML_MAX_DEPTH before
 * libyaml builds a document of it: composing a deep flow sequence is
 * quadratic in its depth (a 100,000-deep `[[[...]]]` took 23 s). Events are
 * read only up to the first one too deep, and libyaml's scanner looks at
 * most 1024 characters ahead, so this costs little whatever the input. A
 * syntax error is left to yaml_parser_load, which reports it. */
static int check_yaml_depth(const Ctx *c, const char *fm, size_t fm_len) {
  yaml_parser_t parser;
  yaml_event_t ev;
  int depth = 0, rc = 0;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, (const unsigned char *)fm, fm_len);
  for (;;) {
    if (!yaml_parser_parse(&parser, &ev)) break;
    yaml_event_type_t type = ev.type;
    if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT) {
      if (++depth > PS_RULE_YAML_MAX_DEPTH) {
        rc = rule_error(c->err, c->path, c->text, c->len, (int)ev.start_mark.line + c->fm_line,
                        (int)ev.start_mark.column + 1, 1, "front matter is nested more than %d levels deep",
                        PS_RULE_YAML_MAX_DEPTH);
        yaml_event_delete(&ev);
        break;
      }
    } else if (type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT) {
      depth--;
    }
    yaml_event_delete(&ev);
    if (type == YAML_STREAM_END_EVENT) break;
  }
  yaml_parser_delete(&parser);
  return rc;
}

static int parse_front_matter(Ctx *c, PsRule *r, const char *fm, size_t fm_len) {
  yaml_parser_t parser;
  yaml_document_t doc;
  int rc = 0;
  char *tmp = NULL;
  bool has_severity = false;
  const yaml_node_t *fix_key = NULL; /* `fix-message` or `fix-applicability`, which need `fix` */
  const yaml_node_t *scope_key = NULL; /* `prefilter-scope`, which needs `prefilter` */
  if ((rc = check_yaml_depth(c, fm, fm_len)) != 0) return rc;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, (const unsigned char *)fm, fm_len);
  if (!yaml_parser_load(&parser, &doc)) {
    int line = (int)parser.problem_mark.line + c->fm_line;
    int col = (int)parser.problem_mark.column + 1;
    rc = rule_error(c->err, c->path, c->text, c->len, line, col, 1, "invalid YAML front matter: %s",
                    parser.problem ? parser.problem : "syntax error");
    yaml_parser_delete(&parser);
    return rc;
  }
  c->doc = &doc;
  yaml_node_t *root = yaml_document_get_root_node(&doc);
  if (!root || root->type != YAML_MAPPING_NODE) {
    rc = rule_error(c->err, c->path, c->text, c->len, c->fm_line, 1, 3,
                    "front matter must be a YAML mapping of keys");
    goto cleanup;
  }
  for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(&doc, p->key);
    yaml_node_t *v = yaml_document_get_node(&doc, p->value);
    if (!k || !v || k->type != YAML_SCALAR_NODE) {
      rc = node_error(c, k ? k : root, "%s", "keys must be plain strings");
      goto cleanup;
    }
    const char *key = (const char *)k->data.scalar.value;
    bool known = false;
    for (const char *const *kk = KNOWN_KEYS; *kk; kk++) known |= !strcmp(*kk, key);
    if (!known) {
      rc = node_error(c, k, "unknown key `%s`", key);
      goto cleanup;
    }
    /* Duplicate keys: libyaml keeps both; reject the second. */
    for (yaml_node_pair_t *q = root->data.mapping.pairs.start; q < p; q++) {
      yaml_node_t *k2 = yaml_document_get_node(&doc, q->key);
      if (k2 && k2->type == YAML_SCALAR_NODE && !strcmp((const char *)k2->data.scalar.value, key)) {
        rc = node_error(c, k, "duplicate key `%s`", key);
        goto cleanup;
      }
    }
    if (!strcmp(key, "id")) {
      if ((rc = want_scalar(c, v, key, (char **)&r->meta.id))) goto cleanup;
      if (!match_re("^[A-Z]{2}[0-9]{3}$", r->meta.id)) {
        rc = node_error(c, v, "id `%s` must be two capital letters and three digits, like RM001", r->meta.id);
        goto cleanup;
      }
      r->meta.family = ps_xstrndup(r->meta.id, 2);
    } else if (!strcmp(key, "name")) {
      if ((rc = want_scalar(c, v, key, (char **)&r->meta.name))) goto cleanup;
      if (!match_re("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", r->meta.name)) {
        rc = node_error(c, v, "name `%s` must be lower-case words joined by hyphens", r->meta.name);
        goto cleanup;
      }
    } else if (!strcmp(key, "severity")) {
      if ((rc = want_scalar(c, v, key, &tmp))) goto cleanup;
      if (ps_severity_parse(tmp, &r->meta.severity) != 0) {
        rc = node_error(c, v, "severity `%s` must be hint, info, warning or error", tmp);
        goto cleanup;
      }
      free(tmp), tmp = NULL;
      has_severity = true;
    } else if (!strcmp(key, "status")) {
      if ((rc = want_scalar(c, v, key, (char **)&r->meta.status))) goto cleanup;
      if (strcmp(r->meta.status, "preview") && strcmp(r->meta.status, "stable") &&
          strcmp(r->meta.status, "deprecated")) {
        rc = node_error(c, v, "status `%s` must be preview, stable or deprecated", r->meta.status);
        goto cleanup;
      }
    } else if (!strcmp(key, "precision")) {
      if ((rc = want_scalar(c, v, key, (char **)&r->meta.precision))) goto cleanup;
      if (strcmp(r->meta.precision, "very-high") && strcmp(r->meta.precision, "high") &&
          strcmp(r->meta.precision, "medium") && strcmp(r->meta.precision, "low")) {
        rc = node_error(c, v, "precision `%s` must be very-high, high, medium or low", r->meta.precision);
        goto cleanup;
      }
    } else if (!strcmp(key, "since")) {
      if ((rc = want_scalar(c, v, key, (char **)&r->meta.since))) goto cleanup;
    } else if (!strcmp(key, "message")) {
      if ((rc = want_scalar(c, v, key, (char **)&r->meta.message))) goto cleanup;
      size_t bad;
      if (ps_template_check(r->meta.message, &bad) != 0) {
        rc = node_error(c, v, "%s", "unbalanced `{` or `}` in message template (write `{{` for a brace)");
        goto cleanup;
      }
    } else if (!strcmp(key, "summary")) {
      if ((rc = want_scalar(c, v, key, (char **)&r->meta.summary))) goto cleanup;
    } else if (!strcmp(key, "target")) {
      if ((rc = check_constraint(c, v, key, &r->target))) goto cleanup;
      r->has_target = true;
    } else if (!strcmp(key, "min-python")) {
      if ((rc = check_constraint(c, v, key, &r->min_python))) goto cleanup;
      r->has_min_python = true;
    } else if (!strcmp(key, "version-guard")) {
      char *g = NULL;
      if ((rc = want_scalar(c, v, key, &g))) goto cleanup;
      r->version_guard = !strcmp(g, "target") ? PS_VERSION_GUARD_TARGET : PS_VERSION_GUARD_REMOVED;
      if (r->version_guard == PS_VERSION_GUARD_REMOVED &&
          (ps_pyver_parse(g, &r->version_guard_at) != 0 || r->version_guard_at.major != 3 || r->version_guard_at.free_threaded))
        rc = node_error(c, v, "version-guard `%s` must be a version such as \"3.12\" or `target`", g);
      free(g);
      if (rc) goto cleanup;
    } else if (!strcmp(key, "free-threaded")) {
      if (v->type == YAML_SCALAR_NODE && !strcmp((const char *)v->data.scalar.value, "default"))
        r->free_threaded_default = true;
      else if (v->type != YAML_SCALAR_NODE || (strcmp((const char *)v->data.scalar.value, "true") &&
                                               strcmp((const char *)v->data.scalar.value, "false")))
        rc = node_error(c, v, "`%s` must be true, false or default", key);
      else if ((rc = want_bool(c, v, key, &r->free_threaded_only))) goto cleanup;
      if (rc) goto cleanup;
    } else if (!strcmp(key, "explicit")) {
      if ((rc = want_bool(c, v, key, &r->explicit_only))) goto cleanup;
    } else if (!strcmp(key, "tags")) {
      if ((rc = want_list(c, v, key, &r->tag_storage, NULL))) goto cleanup;
      r->meta.tags = (const char *const *)r->tag_storage;
    } else if (!strcmp(key, "prefilter")) {
      if ((rc = want_scalar(c, v, key, &r->prefilter))) goto cleanup;
      int code;
      PCRE2_SIZE off;
      pcre2_code *re = pcre2_compile((PCRE2_SPTR)r->prefilter, PCRE2_ZERO_TERMINATED,
                                     PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code, &off, NULL);
      if (!re) {
        PCRE2_UCHAR buf[256];
        pcre2_get_error_message(code, buf, sizeof buf);
        rc = node_error(c, v, "invalid prefilter regex: %s", (const char *)buf);
        goto cleanup;
      }
      pcre2_code_free(re);
    } else if (!strcmp(key, "analysis")) {
      if ((rc = parse_analysis(c, r, v))) goto cleanup;
    } else if (!strcmp(key, "report")) {
      if ((rc = want_scalar(c, v, key, &r->report_capture))) goto cleanup;
    } else if (!strcmp(key, "fixture")) {
      if ((rc = want_scalar(c, v, key, &r->fixture))) goto cleanup;
    } else if (!strcmp(key, "fix") || !strcmp(key, "fix-message")) {
      bool is_fix = !strcmp(key, "fix");
      char **dst = is_fix ? &r->fix : &r->fix_message;
      if ((rc = want_scalar(c, v, key, dst))) goto cleanup;
      size_t bad;
      if (ps_template_check(*dst, &bad) != 0) {
        rc = node_error(c, v, "unbalanced `{` or `}` in `%s` template (write `{{` for a brace)", key);
        goto cleanup;
      }
      if (is_fix) r->fix_line = node_line(c, v);
      else fix_key = k;
    } else if (!strcmp(key, "prefilter-scope")) {
      if ((rc = want_choice(c, v, key, "file", "statement", &r->prefilter_statement))) goto cleanup;
      scope_key = k;
    } else if (!strcmp(key, "fix-applicability")) {
      if ((rc = want_choice(c, v, key, "safe", "unsafe", &r->fix_unsafe))) goto cleanup;
      fix_key = k;
    }
  }
  if (scope_key && !r->prefilter) {
    rc = node_error(c, scope_key, "%s", "`prefilter-scope` needs a `prefilter`");
    goto cleanup;
  }
  if (fix_key && !r->fix) {
    rc = node_error(c, fix_key, "`%s` needs a `fix` template", (const char *)fix_key->data.scalar.value);
    goto cleanup;
  }
  {
    const char *missing = !r->meta.id ? "id" : !r->meta.name ? "name" : !has_severity ? "severity"
                        : !r->meta.message ? "message" : NULL;
    if (missing) {
      rc = rule_error(c->err, c->path, c->text, c->len, c->fm_line - 1, 1, 3,
                      "missing required key `%s`", missing);
      goto cleanup;
    }
  }
cleanup:
  free(tmp);
  yaml_document_delete(&doc);
  yaml_parser_delete(&parser);
  c->doc = NULL;
  return rc;
}

/* ---- body: fenced blocks and docs ------------------------------------------ */

static int parse_table(Ctx *c, PsTable *t, const char *s, size_t n, int first_line) {
  int line = first_line;
  const char *p = s, *end = s + n;
  bool header = true;
  Array(char **) rows;
  Array(int) lines;
  array_init(&rows);
  array_init(&lines);
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *le = nl ? nl : end;
    size_t ll = (size_t)(le - p);
    if (ll && p[ll - 1] == '\r') ll--;
    if (ll == 0 || p[0] == '#') {
      p = nl ? nl + 1 : end;
      line++;
      continue;
    }
    Array(char *) cells;
    array_init(&cells);
    const char *q = p, *qe = p + ll;
    for (;;) {
      const char *tab = memchr(q, '\t', (size_t)(qe - q));
      const char *ce = tab ? tab : qe;
      array_push(&cells, ps_xstrndup(q, (size_t)(ce - q)));
      if (!tab) break;
      q = tab + 1;
    }
    if (header) {
      t->cols = cells.items;
      t->n_cols = cells.size;
      header = false;
    } else if (cells.size != t->n_cols) {
      int rc = rule_error(c->err, c->path, c->text, c->len, line, 1, (int)ll,
                          "table row has %zu cells, the header has %zu (cells are separated by tabs)",
                          cells.size, t->n_cols);
      for (size_t i = 0; i < cells.size; i++) free(cells.items[i]);
      array_free(&cells);
      t->rows = rows.items;
      t->row_lines = lines.items;
      t->n_rows = rows.size;
      return rc;
    } else {
      array_push(&rows, cells.items);
      array_push(&lines, line);
    }
    p = nl ? nl + 1 : end;
    line++;
  }
  t->rows = rows.items;
  t->row_lines = lines.items;
  t->n_rows = rows.size;
  return 0;
}

/* The size limits of a query, checked before ts_query_new sees it: its
 * analysis costs milliseconds per pattern that has child patterns (20,000
 * alternatives ran for minutes) and its parser recurses once per level of
 * nesting. Strings, `;` comments and capture names are skipped; predicates
 * (`(#eq? ...)`) count for depth only. Returns 0, or PS_E_RULE pointing at
 * the first thing over a limit. */
static int check_query_size(Ctx *c, const PsRule *r) {
  const char *q = r->query;
  size_t len = strlen(q);
  int line, col;
  if (len > PS_RULE_QUERY_MAX_BYTES)
    return rule_error(c->err, c->path, c->text, c->len, r->query_line, 1, 1,
                      "query is %zu bytes, more than the limit of %u", len, (unsigned)PS_RULE_QUERY_MAX_BYTES);
  /* For each open bracket: '(' or '[', and whether it is a predicate. */
  char kind[PS_RULE_QUERY_MAX_DEPTH + 1];
  bool pred[PS_RULE_QUERY_MAX_DEPTH + 1];
  int depth = 0;
  unsigned patterns = 0, nodes = 0;
  for (const char *p = q; *p; p++) {
    const char *item = NULL; /* a pattern or an alternative starts here */
    if (*p == '"') {
      const char *s = p;
      for (p++; *p && *p != '"'; p++)
        if (*p == '\\' && p[1]) p++;
      if (!(depth > 0 && pred[depth - 1])) item = s;
      if (!*p) p--; /* unterminated: ts_query_new reports it */
    } else if (*p == ';') {
      while (p[1] && p[1] != '\n') p++;
    } else if (*p == '@') {
      while (p[1] && (isalnum((unsigned char)p[1]) || p[1] == '_' || p[1] == '.' || p[1] == '-')) p++;
    } else if (*p == '(' || *p == '[') {
      bool is_pred = *p == '(' && p[1] == '#';
      if (depth == PS_RULE_QUERY_MAX_DEPTH) {
        ps_rules__query_pos(r, (uint32_t)(p - q), &line, &col);
        return rule_error(c->err, c->path, c->text, c->len, line, col, 1,
                          "query is nested more than %d levels deep", PS_RULE_QUERY_MAX_DEPTH);
      }
      if (!is_pred && !(depth > 0 && pred[depth - 1])) item = p;
      kind[depth] = *p;
      pred[depth] = is_pred || (depth > 0 && pred[depth - 1]);
      depth++;
    } else if (*p == ')' || *p == ']') {
      if (depth > 0) depth--;
    }
    if (!item) continue;
    /* Every node pattern counts; a top-level pattern or a direct member of
     * an alternation `[...]` also counts as a pattern or alternative
     * (the item that opened this level is depth - 1 for brackets). */
    int outer = (*item == '(' || *item == '[') ? depth - 1 : depth;
    bool is_alt = outer == 0 || kind[outer - 1] == '[';
    if (++nodes > PS_RULE_QUERY_MAX_NODES || (is_alt && ++patterns > PS_RULE_QUERY_MAX_PATTERNS)) {
      ps_rules__query_pos(r, (uint32_t)(item - q), &line, &col);
      return rule_error(c->err, c->path, c->text, c->len, line, col, 1,
                        nodes > PS_RULE_QUERY_MAX_NODES
                            ? "query has more than %d node patterns"
                            : "query has more than %d patterns and alternatives",
                        nodes > PS_RULE_QUERY_MAX_NODES ? PS_RULE_QUERY_MAX_NODES : PS_RULE_QUERY_MAX_PATTERNS);
    }
  }
  return 0;
}

/* Offset of a `*`, `+` or `?` outside every parenthesis and bracket, or of
 * a quantifier that follows another one anywhere (strings, comments and
 * capture names skipped), or -1. tree-sitter 0.25.1's
 * ts_query_new never returns on some of them (`(identifier)*+`,
 * `((x)*)+`): found by fuzzing, see docs/fuzzing.md. */
static long top_level_quantifier(const char *q) {
  int depth = 0;
  for (const char *p = q; *p; p++) {
    if (*p == '"') {
      for (p++; *p && *p != '"'; p++)
        if (*p == '\\' && p[1]) p++;
      if (!*p) break;
    } else if (*p == ';') {
      while (*p && *p != '\n') p++;
      if (!*p) break;
    } else if (*p == '@') {
      while (p[1] && (isalnum((unsigned char)p[1]) || p[1] == '_' || p[1] == '.' || p[1] == '-')) p++;
    } else if (*p == '(' || *p == '[') {
      depth++;
    } else if (*p == ')' || *p == ']') {
      depth--;
    } else if (*p == '*' || *p == '+' || *p == '?') {
      if (depth <= 0) return (long)(p - q);
      /* Stacked quantifiers (`@x ?+`, `)*+`) mean nothing more than one
       * and also hang ts_query_new (found by fuzzing). */
      const char *n = p + 1;
      while (*n == ' ' || *n == '\t' || *n == '\n' || *n == '\r') n++;
      if (*n == '*' || *n == '+' || *n == '?') return (long)(n - q);
    }
  }
  return -1;
}

/* The first `{name}` of a template that names no capture of q (pointing
 * at the name), or NULL. */
static const char *unknown_capture(const TSQuery *q, const char *tmpl) {
  for (const char *p = tmpl; *p; p++) {
    if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
      p++;
      continue;
    }
    if (*p != '{') continue;
    const char *e = strchr(p, '}');
    if (!e) return NULL;
    bool found = false;
    for (uint32_t cid = 0; cid < ts_query_capture_count(q) && !found; cid++) {
      uint32_t len;
      const char *name = ts_query_capture_name_for_id(q, cid, &len);
      found = len == (size_t)(e - p - 1) && !memcmp(name, p + 1, len);
    }
    if (!found) return p + 1;
    p = e;
  }
  return NULL;
}

static int check_query(Ctx *c, PsRule *r) {
  uint32_t off = 0;
  TSQueryError qe = TSQueryErrorNone;
  int size_rc = check_query_size(c, r);
  if (size_rc) return size_rc;
  long bad = top_level_quantifier(r->query);
  if (bad >= 0) {
    int line, col;
    ps_rules__query_pos(r, (uint32_t)bad, &line, &col);
    const char *b = r->query + bad;
    while (b > r->query && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\n' || b[-1] == '\r')) b--;
    if (b > r->query && (b[-1] == '*' || b[-1] == '+' || b[-1] == '?'))
      return rule_error(c->err, c->path, c->text, c->len, line, col, 1,
                        "a quantifier after another one is not supported: keep one of them");
    return rule_error(c->err, c->path, c->text, c->len, line, col, 1,
                      "a quantifier (*, + or ?) at the top level of a query is not supported: "
                      "put the quantified pattern inside a parent node");
  }
  if (r->query_unchecked) return 0; /* trusted: compiled when first needed */
  TSQuery *q = ts_query_new(ps_python_language(), r->query, (uint32_t)strlen(r->query), &off, &qe);
  if (q) {
    /* Every pattern must capture something to report; an explicit
     * `report:` must name a capture that exists. */
    int rc = 0;
    for (uint32_t i = 0; i < ts_query_pattern_count(q) && !rc; i++) {
      /* A pattern rooted at the module node with child patterns makes the
       * cursor try every statement against every other: quadratic in the
       * size of the file. */
      const char *p = r->query + ts_query_start_byte_for_pattern(q, i);
      while (*p == '(' || *p == ' ' || *p == '\t' || *p == '\n' || *p == '[') p++;
      if (!strncmp(p, "module", 6) && !isalnum((unsigned char)p[6]) && p[6] != '_') {
        const char *close = p + 6;
        while (*close == ' ' || *close == '\t' || *close == '\n') close++;
        if (*close != ')') {
          int line, col;
          ps_rules__query_pos(r, (uint32_t)(p - r->query), &line, &col);
          rc = rule_error(c->err, c->path, c->text, c->len, line, col, 6,
                          "patterns rooted at (module ...) are quadratic in the number of statements: "
                          "match the statement itself (use `.` anchors, or a built-in analysis for "
                          "checks that depend on imports)");
          break;
        }
      }
      bool any = false;
      for (uint32_t cid = 0; cid < ts_query_capture_count(q) && !any; cid++)
        any = ts_query_capture_quantifier_for_id(q, i, cid) != TSQuantifierZero;
      if (!any) {
        int line, col;
        ps_rules__query_pos(r, ts_query_start_byte_for_pattern(q, i), &line, &col);
        rc = rule_error(c->err, c->path, c->text, c->len, line, col, 1,
                        "query pattern captures nothing: add a capture such as @report to say what to report");
      }
    }
    /* A fix template may only name captures: a typo must not end up in
     * the rewritten source. */
    const char *unknown = r->fix ? unknown_capture(q, r->fix) : NULL;
    if (!rc && unknown) {
      /* Point at `{name}` in the rule file's `fix:` line when it is there. */
      int nl = (int)strcspn(unknown, "}"), col = 1, span = 1;
      const char *ln = c->text;
      for (int l = 1; l < r->fix_line && ln; l++) ln = memchr(ln, '\n', c->len - (size_t)(ln - c->text)), ln = ln ? ln + 1 : NULL;
      if (ln) {
        size_t ll = strcspn(ln, "\n");
        for (size_t i = 0; i + (size_t)nl + 2 <= ll; i++)
          if (ln[i] == '{' && !memcmp(ln + i + 1, unknown, (size_t)nl) && ln[i + 1 + nl] == '}') {
            col = (int)i + 1, span = nl + 2;
            break;
          }
      }
      rc = rule_error(c->err, c->path, c->text, c->len, r->fix_line, col, span,
                      "`fix` uses {%.*s}, which is not a capture of the query", nl, unknown);
    }
    if (!rc && r->report_capture) {
      bool found = false;
      for (uint32_t cid = 0; cid < ts_query_capture_count(q); cid++) {
        uint32_t len;
        const char *name = ts_query_capture_name_for_id(q, cid, &len);
        found |= len == strlen(r->report_capture) && !memcmp(name, r->report_capture, len);
      }
      if (!found)
        rc = rule_error(c->err, c->path, c->text, c->len, r->query_line, 1, 1,
                        "`report: %s` names no capture of the query", r->report_capture);
    }
    ts_query_delete(q);
    return rc;
  }
  static const char *const WHAT[] = {"", "syntax error", "invalid node type", "invalid field name",
                                     "invalid capture name", "impossible pattern", "invalid structure",
                                     "unsupported language"};
  int line, col;
  ps_rules__query_pos(r, off, &line, &col);
  /* Span: the identifier at the offset. */
  int span = 0;
  for (const char *p = r->query + off; *p && (isalnum((unsigned char)*p) || *p == '_' || *p == '.'); p++) span++;
  return rule_error(c->err, c->path, c->text, c->len, line, col, span ? span : 1, "%s in query",
                    (unsigned)qe < sizeof WHAT / sizeof WHAT[0] ? WHAT[qe] : "error");
}

/* "; min-python >=3.9,<3.13" (the separator only when v is not empty). */
static void append_constraint(PsBuf *v, const char *label, const PsPyConstraint *c) {
  ps_buf_printf(v, "%s%s ", v->len ? "; " : "", label);
  for (int i = 0; i < c->n; i++) {
    char b[16];
    ps_pyver_format(c->clause[i].v, b, sizeof b);
    ps_buf_printf(v, "%s%s%s", i ? "," : "", c->clause[i].op, b);
  }
}

static bool line_is(const char *p, size_t n, const char *what) {
  size_t w = strlen(what);
  while (n && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
  return n == w && memcmp(p, what, w) == 0;
}

int ps_rules__parse(PsRule *r, const char *path, const char *text, size_t len, PsError *err) {
  Ctx c = {path, text, len, 2, NULL, err};
  r->path = ps_xstrdup(path);
  r->text = ps_xstrndup(text, len);
  r->text_len = len;
  r->meta.source_path = r->path;
  if (memchr(text, '\0', len))
    return rule_error(err, path, text, len, 0, 0, 1, "rule file contains NUL bytes");
  if (!ps_utf8_valid((const unsigned char *)text, len))
    return rule_error(err, path, text, len, 0, 0, 1, "rule file is not valid UTF-8");
  size_t first_nl = 0;
  while (first_nl < len && text[first_nl] != '\n') first_nl++;
  /* Not a rule file: a hostile config may name /proc/self/environ or a key
   * file, so nothing of it is shown (no source line), only that it is not
   * one. Past this point the file is a rule file and errors quote it. */
  if (!line_is(text, first_nl, "---"))
    return ps_error_set(err, PS_E_RULE, path, 1, 1,
                        "not a rule file: a rule file starts with a `---` line, then YAML front matter");
  /* Find the closing `---`. */
  const char *fm = text + first_nl + 1, *end = text + len, *p = fm;
  int line = 2;
  const char *fm_end = NULL;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (line_is(p, ll, "---")) {
      fm_end = p;
      p = nl ? nl + 1 : end;
      line++;
      break;
    }
    p = nl ? nl + 1 : end;
    line++;
  }
  if (!fm_end)
    return rule_error(err, path, text, len, 1, 1, 3, "front matter is not closed by a `---` line");
  int rc = parse_front_matter(&c, r, fm, (size_t)(fm_end - fm));
  if (rc) return rc;

  /* Body. */
  PsBuf docs = PS_BUF_INIT;
  PsBuf query = PS_BUF_INIT;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
    const char *next = nl ? nl + 1 : end;
    bool is_query = line_is(p, ll, "```query"), is_table = line_is(p, ll, "```table");
    bool is_importable = line_is(p, ll, "```table importable");
    if (is_query || is_table || is_importable) {
      int open_line = line;
      const char *b = next, *q = next;
      int l = line + 1;
      const char *close = NULL;
      while (q < end) {
        const char *nl2 = memchr(q, '\n', (size_t)(end - q));
        size_t ll2 = nl2 ? (size_t)(nl2 - q) : (size_t)(end - q);
        if (line_is(q, ll2, "```")) {
          close = q;
          q = nl2 ? nl2 + 1 : end;
          break;
        }
        q = nl2 ? nl2 + 1 : end;
        l++;
      }
      if (!close) {
        rc = rule_error(err, path, text, len, open_line, 1, 3, "fenced block is not closed by a ``` line");
        goto cleanup;
      }
      if (is_query) {
        if (r->query || query.len) {
          rc = rule_error(err, path, text, len, open_line, 1, 8, "a rule has at most one ```query block");
          goto cleanup;
        }
        ps_buf_append(&query, b, (size_t)(close - b));
        r->query_line = open_line + 1;
      } else if (is_importable) {
        if (r->importable.cols) {
          rc = rule_error(err, path, text, len, open_line, 1, 8, "a rule has at most one ```table importable block");
          goto cleanup;
        }
        if ((rc = parse_table(&c, &r->importable, b, (size_t)(close - b), open_line + 1))) goto cleanup;
        if (!r->importable.cols) {
          rc = rule_error(err, path, text, len, open_line, 1, 8, "```table block has no header row");
          goto cleanup;
        }
      } else {
        if (r->table.cols) {
          rc = rule_error(err, path, text, len, open_line, 1, 8, "a rule has at most one ```table block");
          goto cleanup;
        }
        if ((rc = parse_table(&c, &r->table, b, (size_t)(close - b), open_line + 1))) goto cleanup;
        if (!r->table.cols) {
          rc = rule_error(err, path, text, len, open_line, 1, 8, "```table block has no header row");
          goto cleanup;
        }
      }
      line = l + 1;
      p = q;
      continue;
    }
    ps_buf_append(&docs, p, (size_t)(next - p));
    p = next;
    line++;
  }
  if (query.len) r->query = ps_buf_steal(&query);
  /* Trim leading blank lines of the docs. */
  {
    char *d = docs.data ? docs.data : "";
    while (*d == '\n' || *d == '\r') d++;
    r->meta.docs_md = ps_xstrdup(d);
  }
  if (!r->query && !r->analysis) {
    rc = rule_error(err, path, text, len, 1, 1, 3, "a rule needs a ```query block or an `analysis`");
    goto cleanup;
  }
  if (r->fix && !r->query) {
    rc = rule_error(err, path, text, len, r->fix_line, 1, 3,
                    "`fix` is for query rules (a built-in analysis emits its own fixes)");
    goto cleanup;
  }
  if (r->query && (rc = check_query(&c, r))) goto cleanup;
  if (!r->meta.status) r->meta.status = ps_xstrdup("stable");
  if (!r->meta.precision) r->meta.precision = ps_xstrdup("high");
  if (!r->meta.since) r->meta.since = ps_xstrdup(PS_VERSION);
  if (!r->report_capture) r->report_capture = ps_xstrdup("report");
  if (!r->tag_storage) {
    r->tag_storage = ps_xcalloc(1, sizeof(char *));
    r->meta.tags = (const char *const *)r->tag_storage;
  }
  if (!r->meta.summary) {
    /* The message with {captures} left out, as a one-line description. */
    PsBuf s = PS_BUF_INIT;
    for (const char *m = r->meta.message; *m; m++) {
      if (*m == '{' && m[1] == '{') ps_buf_putc(&s, '{'), m++;
      else if (*m == '}' && m[1] == '}') ps_buf_putc(&s, '}'), m++;
      else if (*m == '{') {
        const char *e = strchr(m, '}');
        ps_buf_puts(&s, "...");
        m = e ? e : m + strlen(m) - 1;
      } else ps_buf_putc(&s, *m);
    }
    r->meta.summary = ps_buf_steal(&s);
  }
  {
    PsBuf v = PS_BUF_INIT;
    if (r->has_target) append_constraint(&v, "target", &r->target);
    if (r->has_min_python) append_constraint(&v, "min-python", &r->min_python);
    if (r->free_threaded_only) ps_buf_printf(&v, "%sfree-threaded builds", v.len ? "; " : "");
    if (r->free_threaded_default)
      ps_buf_printf(&v, "%sfree-threaded builds (any target when selected)", v.len ? "; " : "");
    if (!v.len) ps_buf_puts(&v, "all");
    r->meta.versions = ps_buf_steal(&v);
  }
  if (r->query && !r->query_unchecked) {
    /* Predicates are compiled (and their arity and regexes checked) here,
     * so a bad one is a load error pointing into this file. */
    const PsRule *one = r;
    PsQuerySet *qs = NULL;
    rc = ps_queryset_new(&qs, &one, 1, err);
    ps_queryset_delete(qs);
    if (rc) {
      if (err) ps_error_set_context_at_line(err, text, len, err->line, 1);
      goto cleanup;
    }
  }
  r->meta.help_uri = ps_xasprintf("https://github.com/pyshift/pyshift/blob/main/docs/rules/%s.md", r->meta.id);
cleanup:
  ps_buf_free(&docs);
  ps_buf_free(&query);
  return rc;
}

void ps_rules__free_rule(PsRule *r) {
  if (!r) return;
  free((char *)r->meta.id);
  free((char *)r->meta.name);
  free((char *)r->meta.family);
  free((char *)r->meta.status);
  free((char *)r->meta.since);
  free((char *)r->meta.summary);
  free((char *)r->meta.message);
  free((char *)r->meta.precision);
  free((char *)r->meta.docs_md);
  free((char *)r->meta.versions);
  free((char *)r->meta.help_uri);
  if (r->tag_storage)
    for (char **t = r->tag_storage; *t; t++) free(*t);
  free(r->tag_storage);
  free(r->path);
  free(r->text);
  free(r->query);
  PsTable *tables[] = {&r->table, &r->importable};
  for (size_t k = 0; k < 2; k++) {
    PsTable *t = tables[k];
    for (size_t i = 0; i < t->n_cols; i++) free(t->cols[i]);
    free(t->cols);
    for (size_t i = 0; i < t->n_rows; i++) {
      for (size_t j = 0; j < t->n_cols; j++) free(t->rows[i][j]);
      free(t->rows[i]);
    }
    free(t->rows);
    free(t->row_lines);
  }
  free(r->analysis);
  for (size_t i = 0; i < r->n_params; i++) {
    free(r->params[i].key);
    for (size_t j = 0; j < r->params[i].n_values; j++) free(r->params[i].values[j]);
    free(r->params[i].values);
  }
  free(r->params);
  free(r->prefilter);
  free(r->report_capture);
  free(r->fix);
  free(r->fix_message);
  free(r->fixture);
  free(r);
}
