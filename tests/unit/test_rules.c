/* test_rules.c: rule-file loading and its errors, selection, the combined
 * query with predicates, message and fix templates and suppression
 * comments. */
#include <stdlib.h>

#include "check.h"
#include "parse/parse.h"
#include "rules/rules.h"

#define HEAD "---\nid: XX001\nname: demo-rule\nseverity: warning\nmessage: \"found {name}\"\n"

static int load(PsRegistry *reg, const char *text, PsError *err) {
  ps_error_clear(err);
  return ps_registry_load_text(reg, "mem", text, strlen(text), err);
}

static void test_load_ok(void) {
  PsRegistry *reg = ps_registry_new();
  PsError err;
  int rc = load(reg,
                HEAD "tags: [a, b]\ntarget: \">=3.13\"\nprefilter: 'foo'\n---\n"
                     "```query\n((identifier) @name (#eq? @name \"foo\"))\n```\n## What it does\n\nStuff.\n",
                &err);
  CHECK(rc == 0, "loads: %s", err.msg);
  const PsRule *r = ps_registry_find(reg, "XX001");
  CHECK(r != NULL, "found by id");
  if (r) {
    CHECK_STR(r->meta.family, "XX");
    CHECK_STR(r->meta.tags[1], "b");
    CHECK(r->meta.tags[2] == NULL, "tags NULL-terminated");
    CHECK_INT(r->query_line, 11);
    CHECK(strstr(r->meta.docs_md, "## What it does") == r->meta.docs_md, "docs start at the heading");
    CHECK(!strstr(r->meta.docs_md, "```query"), "query block is not in the docs");
    CHECK_STR(r->meta.summary, "found ...");
    CHECK_STR(r->meta.versions, "target >=3.13");
  }
  ps_registry_delete(reg);
}

static void test_load_fix(void) {
  PsRegistry *reg = ps_registry_new();
  PsError err;
  int rc = load(reg,
                HEAD "fix: \"str({name})\"\nfix-applicability: unsafe\nfix-message: \"Use `str`\"\n---\n"
                     "```query\n(attribute attribute: (identifier) @name) @report\n```\n",
                &err);
  CHECK(rc == 0, "loads: %s", err.msg);
  const PsRule *r = ps_registry_find(reg, "XX001");
  if (r) {
    CHECK_STR(r->fix, "str({name})");
    CHECK_STR(r->fix_message, "Use `str`");
    CHECK(r->fix_unsafe, "unsafe");
    CHECK_INT(r->fix_line, 6);
  }
  ps_registry_delete(reg);
  reg = ps_registry_new();
  rc = load(reg, HEAD "fix: \"\"\n---\n```query\n(identifier) @report\n```\n", &err);
  CHECK(rc == 0, "an empty fix (a deletion) loads: %s", err.msg);
  r = ps_registry_find(reg, "XX001");
  CHECK(r && r->fix && !r->fix_unsafe && !r->fix_message, "safe by default, no message");
  ps_registry_delete(reg);
}

static void expect_error(const char *text, int line, int col, const char *needle) {
  PsRegistry *reg = ps_registry_new();
  PsError err;
  int rc = load(reg, text, &err);
  CHECK(rc == PS_E_RULE, "rejected (%s)", needle);
  CHECK(strstr(err.msg, needle) != NULL, "message \"%s\" mentions \"%s\"", err.msg, needle);
  CHECK(err.line == line, "\"%s\": line %d, want %d", err.msg, err.line, line);
  if (col) CHECK(err.col == col, "\"%s\": col %d, want %d", err.msg, err.col, col);
  ps_registry_delete(reg);
}

static void test_load_errors(void) {
  expect_error(HEAD "colour: red\n---\n```query\n(identifier) @x\n```\n", 6, 1, "unknown key `colour`");
  expect_error(HEAD "fix: \"{nmae}\"\n---\n```query\n(identifier) @name\n```\n", 6, 7,
               "`fix` uses {nmae}, which is not a capture");
  expect_error(HEAD "fix: \"x{\"\n---\n```query\n(identifier) @report\n```\n", 6, 6, "unbalanced");
  expect_error(HEAD "fix-applicability: maybe\nfix: x\n---\n```query\n(identifier) @report\n```\n", 6, 20,
               "must be safe or unsafe");
  expect_error(HEAD "fix-applicability: unsafe\n---\n```query\n(identifier) @report\n```\n", 6, 1,
               "`fix-applicability` needs a `fix`");
  expect_error(HEAD "fix-message: m\n---\n```query\n(identifier) @report\n```\n", 6, 1, "`fix-message` needs a `fix`");
  expect_error(HEAD "fix: x\nfixes: y\n---\n```query\n(identifier) @report\n```\n", 7, 1, "unknown key `fixes`");
  expect_error(HEAD "fix: x\nanalysis: removed-modules\n---\n", 6, 1, "`fix` is for query rules");
  expect_error("---\nid: X1\nname: a\nseverity: warning\nmessage: m\n---\n```query\n(identifier) @x\n```\n", 2, 5,
               "two capital letters");
  expect_error("---\nid: XX001\nname: a\nmessage: m\n---\n```query\n(identifier) @x\n```\n", 1, 1, "severity");
  expect_error(HEAD "severity2: x\n---\n", 6, 1, "unknown key");
  expect_error(HEAD "---\n```query\n((identifier) @fn ?+ (string))\n```\n", 8, 20, "after another one");
  expect_error(HEAD "prefilter: x\nprefilter-scope: module\n---\n```query\n(identifier) @report\n```\n", 7, 18,
               "must be file or statement");
  expect_error(HEAD "prefilter-scope: statement\n---\n```query\n(identifier) @report\n```\n", 6, 1,
               "`prefilter-scope` needs a `prefilter`");
  expect_error(HEAD "---\n```query\n(call\n  (identifer) @x)\n```\n", 9, 4, "invalid node type");
  expect_error(HEAD "---\n```query\n((identifier) @x (#frobnicate? @x \"a\"))\n```\n", 8, 1, "unknown predicate");
  expect_error(HEAD "---\n```query\n((identifier) @x (#match? @x \"(\"))\n```\n", 8, 1, "invalid regex");
  expect_error(HEAD "---\n```query\n((identifier) @x (#eq? @x))\n```\n", 8, 1, "one argument");
  expect_error(HEAD "analysis: removed-modules\n---\n```table\nmodule\tremoved_in\ncgi\n```\n", 10, 1, "cells");
  expect_error(HEAD "message: again\n---\n", 6, 1, "duplicate key");
  expect_error(HEAD "target: soon\n---\n", 6, 9, "version constraint");
  expect_error(HEAD "---\n## What it does\n", 1, 1, "needs a ```query block or an `analysis`");
  expect_error("id: XX001\n", 1, 1, "starts with a `---` line");
  expect_error(HEAD "tags: [a\n---\n", 7, 0, "invalid YAML");
  expect_error(HEAD "---\n```query\n(call)\n```\n", 8, 1, "captures nothing");
  /* tree-sitter 0.25.1 hangs compiling these: rejected before it sees them. */
  expect_error(HEAD "---\n```query\n(identifier)*+ @x\n```\n", 8, 13, "quantifier");
  expect_error(HEAD "---\n```query\n((identifier)*)+ @x\n```\n", 8, 16, "quantifier");
  {
    /* Quantifier characters inside strings, comments and nodes are fine. */
    PsRegistry *ok = ps_registry_new();
    PsError e;
    const char *t = HEAD "---\n```query\n; a comment with * and ?\n((string) @s (#match? @s \"a*b?\"))\n"
                         "(block (expression_statement)+ @b)\n```\n";
    CHECK(load(ok, t, &e) == 0, "quantifiers below the top level load: %s", e.msg);
    ps_registry_delete(ok);
  }
  expect_error(HEAD "---\n```query\n(module\n  (import_statement) @a\n  (expression_statement) @b)\n```\n", 8, 2,
               "quadratic");
  expect_error(HEAD "report: repotr\n---\n```query\n(call) @report\n```\n", 9, 1, "names no capture");
  expect_error(HEAD "prefilter: '('\n---\n```query\n(identifier) @x\n```\n", 6, 12, "invalid prefilter");
  expect_error("---\nid: XX001\nname: demo-rule\nseverity: warning\nmessage: \"bad {brace\"\n---\n", 5, 10, "unbalanced");
  /* A rule file's name must match its id and name. */
  PsRegistry *reg = ps_registry_new();
  PsError err;
  const char *t = HEAD "---\n```query\n(identifier) @x\n```\n";
  int rc = ps_registry_load_text(reg, "rules/x/XX001-other.rule", t, strlen(t), &err);
  CHECK(rc == PS_E_RULE && strstr(err.msg, "XX001-demo-rule.rule"), "file name checked: %s", err.msg);
  /* Duplicate ids across files. */
  rc = ps_registry_load_text(reg, "a", t, strlen(t), &err);
  CHECK(rc == 0, "first load");
  rc = ps_registry_load_text(reg, "b", t, strlen(t), &err);
  CHECK(rc == PS_E_RULE && strstr(err.msg, "already defined"), "duplicate id: %s", err.msg);
  ps_registry_delete(reg);
}

static PsRegistry *selection_registry(void) {
  PsRegistry *reg = ps_registry_new();
  const char *ids[] = {"RM001", "RM002", "RM101", "TY006", "FT001"};
  for (size_t i = 0; i < 5; i++) {
    char buf[512];
    snprintf(buf, sizeof buf,
             "---\nid: %s\nname: r\nseverity: warning\nmessage: m\n%s%s---\n```query\n(identifier) @x\n```\n", ids[i],
             i == 2 ? "explicit: true\n" : "", i == 4 ? "free-threaded: true\n" : i == 3 ? "min-python: \">=3.10\"\n" : "");
    PsError err;
    CHECK(ps_registry_load_text(reg, ids[i], buf, strlen(buf), &err) == 0, "load %s: %s", ids[i], err.msg);
  }
  return reg;
}

static char *selected(const PsRegistry *reg, const char *const *sel, size_t ns, const char *const *ign, size_t ni,
                      const char *target, const char *minpy) {
  PsSelection s = {sel, ns, NULL, 0, ign, ni, {3, 14, false}, {3, 9, false}, false, false};
  ps_pyver_parse(target, &s.target);
  ps_pyver_parse(minpy, &s.min_python);
  const PsRule **on;
  size_t n;
  PsError err;
  if (ps_registry_select(reg, &s, &on, &n, &err) != 0) return ps_xasprintf("error: %s", err.msg);
  PsBuf b = PS_BUF_INIT;
  for (size_t i = 0; i < n; i++) ps_buf_printf(&b, "%s%s", i ? " " : "", on[i]->meta.id);
  free(on);
  return ps_buf_steal(&b);
}

/* Issue 14 item 7: loading is bounded; each limit is refused one past it,
 * pointing at the first thing over it, and accepted at it. */
static void test_load_limits(void) {
  PsBuf b = PS_BUF_INIT;
  /* Query nesting: the 33rd `(` is at column 1 + 32 * 3. */
  ps_buf_puts(&b, HEAD "---\n```query\n");
  for (int i = 0; i < PS_RULE_QUERY_MAX_DEPTH + 1; i++) ps_buf_puts(&b, "(_ ");
  ps_buf_puts(&b, "(identifier) @name");
  for (int i = 0; i < PS_RULE_QUERY_MAX_DEPTH + 1; i++) ps_buf_putc(&b, ')');
  ps_buf_puts(&b, "\n```\n");
  expect_error(b.data, 8, 1 + 3 * PS_RULE_QUERY_MAX_DEPTH, "nested more than 32 levels");
  /* Patterns and alternatives: one over, pointing at the extra one. */
  ps_buf_reset(&b);
  ps_buf_puts(&b, HEAD "---\n```query\n");
  for (int i = 0; i <= PS_RULE_QUERY_MAX_PATTERNS; i++) ps_buf_puts(&b, "(identifier) @name\n");
  ps_buf_puts(&b, "```\n");
  expect_error(b.data, 8 + PS_RULE_QUERY_MAX_PATTERNS, 1, "more than 256 patterns and alternatives");
  /* Node patterns: strings in predicates do not count, others do. */
  ps_buf_reset(&b);
  ps_buf_puts(&b, HEAD "---\n```query\n((identifier) @name (#any-of? @name");
  for (int i = 0; i < 2 * PS_RULE_QUERY_MAX_NODES; i++) ps_buf_puts(&b, " \"(\"");
  ps_buf_puts(&b, "))\n```\n");
  {
    PsRegistry *reg = ps_registry_new();
    PsError err;
    CHECK(load(reg, b.data, &err) == 0, "predicate strings do not count: %s", err.msg);
    ps_registry_delete(reg);
  }
  ps_buf_reset(&b);
  ps_buf_puts(&b, HEAD "---\n```query\n(call arguments: (argument_list");
  for (int i = 0; i < PS_RULE_QUERY_MAX_NODES; i++) ps_buf_puts(&b, " \"(\"");
  ps_buf_puts(&b, ")) @name\n```\n");
  expect_error(b.data, 8, 0, "more than 1024 node patterns");
  /* Bytes. */
  ps_buf_reset(&b);
  ps_buf_puts(&b, HEAD "---\n```query\n");
  while (b.len < PS_RULE_QUERY_MAX_BYTES + 200) ps_buf_puts(&b, "; padding padding padding padding\n");
  ps_buf_puts(&b, "(identifier) @name\n```\n");
  expect_error(b.data, 8, 1, "more than the limit of 65536");
  /* YAML nesting: refused one past the limit, at the opening bracket. */
  ps_buf_reset(&b);
  ps_buf_puts(&b, HEAD "tags: ");
  for (int i = 0; i <= PS_RULE_YAML_MAX_DEPTH; i++) ps_buf_putc(&b, '[');
  for (int i = 0; i <= PS_RULE_YAML_MAX_DEPTH; i++) ps_buf_putc(&b, ']');
  ps_buf_puts(&b, "\n---\n```query\n(identifier) @name\n```\n");
  /* The root mapping is level 1, so tags' 64th `[` is level 65. */
  expect_error(b.data, 6, 7 + PS_RULE_YAML_MAX_DEPTH - 1, "nested more than 64 levels");
  ps_buf_reset(&b);
  ps_buf_puts(&b, HEAD "tags: ");
  for (int i = 0; i < PS_RULE_YAML_MAX_DEPTH - 1; i++) ps_buf_putc(&b, '[');
  for (int i = 0; i < PS_RULE_YAML_MAX_DEPTH - 1; i++) ps_buf_putc(&b, ']');
  ps_buf_puts(&b, "\n---\n```query\n(identifier) @name\n```\n");
  expect_error(b.data, 6, 0, "`tags` must be a list of strings"); /* past the depth check */
  ps_buf_free(&b);
}

static void test_selection(void) {
  PsRegistry *reg = selection_registry();
  const char *all[] = {"ALL"}, *rm[] = {"RM"}, *rm101[] = {"RM101"}, *rm0[] = {"RM0"}, *ign1[] = {"RM001"},
             *sel_rm001[] = {"RM001"}, *ign_rm[] = {"RM"}, *bad[] = {"ZZ9"};
  char *s;
  s = selected(reg, all, 1, NULL, 0, "3.14", "3.9");
  CHECK_STR(s, "RM001 RM002");  /* RM101 explicit, TY006 min-python, FT001 free-threaded */
  free(s);
  s = selected(reg, all, 1, NULL, 0, "3.14t", "3.10");
  CHECK_STR(s, "FT001 RM001 RM002 TY006");
  free(s);
  s = selected(reg, rm101, 1, NULL, 0, "3.14", "3.9");
  CHECK_STR(s, "RM101");
  free(s);
  s = selected(reg, rm, 1, ign1, 1, "3.14", "3.9");
  CHECK_STR(s, "RM002");
  free(s);
  s = selected(reg, sel_rm001, 1, ign_rm, 1, "3.14", "3.9"); /* exact select beats prefix ignore */
  CHECK_STR(s, "RM001");
  free(s);
  s = selected(reg, rm0, 1, NULL, 0, "3.14", "3.9");
  CHECK_STR(s, "RM001 RM002");
  free(s);
  s = selected(reg, bad, 1, NULL, 0, "3.14", "3.9");
  CHECK(strstr(s, "unknown rule selector `ZZ9`") != NULL, "unknown selector: %s", s);
  free(s);
  CHECK(ps_selector_matches("ALL", "RM001") && ps_selector_matches("RM0", "RM001") &&
            !ps_selector_matches("RM1", "RM001"),
        "selector matching");
  ps_registry_delete(reg);
}

typedef struct Hits {
  char buf[1024];
  const PsQuerySet *qs;
  const char *text;
} Hits;

static void on_match(void *ctx, const PsQueryMatch *m) {
  Hits *h = ctx;
  uint32_t a = ts_node_start_byte(m->report), b = ts_node_end_byte(m->report);
  size_t n = strlen(h->buf);
  snprintf(h->buf + n, sizeof h->buf - n, "%s:%.*s;", m->rule->meta.id, (int)(b - a), h->text + a);
}

static void test_query_predicates(void) {
  PsRegistry *reg = ps_registry_new();
  const char *rules[] = {
      "---\nid: QQ001\nname: a\nseverity: warning\nmessage: \"call {fn}\"\n---\n```query\n"
      "(call function: (identifier) @fn (#match? @fn \"^ev[a-z]+$\")) @report\n```\n",
      "---\nid: QQ002\nname: b\nseverity: warning\nmessage: m\n---\n```query\n"
      "((identifier) @id (#any-of? @id \"alpha\" \"beta\") (#not-eq? @id \"beta\"))\n```\n",
      "---\nid: QQ003\nname: c\nseverity: warning\nmessage: m\n---\n```query\n"
      "(assignment left: (identifier) @l right: (identifier) @r (#eq? @l @r)) @report\n```\n",
      "---\nid: QQ004\nname: d\nseverity: warning\nmessage: m\n---\n```query\n"
      "((string (string_content) @s) (#not-match? @s \"^[a-z]*$\"))\n```\n",
  };
  const PsRule *list[4];
  for (int i = 0; i < 4; i++) {
    PsError err;
    CHECK(ps_registry_load_text(reg, "m", rules[i], strlen(rules[i]), &err) == 0, "load %d: %s", i, err.msg);
  }
  for (int i = 0; i < 4; i++) list[i] = ps_registry_at(reg, (size_t)i);
  PsQuerySet *qs;
  PsError err;
  CHECK(ps_queryset_new(&qs, list, 4, &err) == 0, "combined query: %s", err.msg);
  const char *src = "eval(x)\nevil(1)\nprint(alpha, beta)\nx = x\ny = z\ns = 'ok'\nt = 'NOT ok'\nEval(2)\n";
  PsParser *p;
  CHECK(ps_parser_new(&p, &err) == 0, "parser");
  PsArena *arena = ps_arena_new(0);
  PsSource s;
  CHECK(ps_source_load_bytes(&s, arena, "t.py", src, strlen(src), &err) == 0, "load");
  CHECK(ps_source_parse(&s, p, 0, &err) == 0, "parse");
  PsQueryRunner *run = ps_query_runner_new(qs);
  Hits h = {"", qs, s.text};
  CHECK_INT(ps_query_runner_exec(run, ts_tree_root_node(s.tree), s.text, 0, on_match, &h), 0);
  CHECK_STR(h.buf, "QQ001:eval(x);QQ001:evil(1);QQ002:alpha;QQ003:x = x;QQ004:NOT ok;");
  ps_query_runner_delete(run);
  ps_source_release(&s);
  ps_arena_delete(arena);
  ps_parser_delete(p);
  ps_queryset_delete(qs);
  ps_registry_delete(reg);
}

static const char *lookup(void *ctx, const char *name, size_t len, size_t *out) {
  (void)ctx;
  if (len == 3 && !memcmp(name, "mod", 3)) return *out = 3, "cgi";
  if (len == 4 && !memcmp(name, "long", 4)) return *out = 300, "x123456789x123456789x123456789x123456789x123456789"
                                                             "x123456789x123456789x123456789x123456789x123456789"
                                                             "x123456789x123456789x123456789x123456789x123456789"
                                                             "x123456789x123456789x123456789x123456789x123456789"
                                                             "x123456789x123456789x123456789x123456789x123456789"
                                                             "x123456789x123456789x123456789x123456789x123456789";
  if (len == 2 && !memcmp(name, "ml", 2)) return *out = 7, "ab\ncdef";
  return NULL;
}

static void test_templates(void) {
  char *s = ps_template_render("`{mod}` {{literal}} {unknown} {ml}", lookup, NULL);
  CHECK_STR(s, "`cgi` {literal} {unknown} ab...");
  free(s);
  s = ps_template_render("{long}", lookup, NULL);
  CHECK(strlen(s) == 123, "long values are cut to 120 characters plus ...: %zu", strlen(s));
  free(s);
  /* Fix templates take whole values, and fail on an unknown name. */
  s = ps_template_render_exact("({ml}) {{x}} {long}", lookup, NULL);
  CHECK(s && strlen(s) == 300 + 14 && !strncmp(s, "(ab\ncdef) {x} x123", 18), "exact: %s", s ? s : "(null)");
  free(s);
  CHECK(ps_template_render_exact("{mod}.{unknown}", lookup, NULL) == NULL, "unknown name: no fix");
  size_t bad;
  CHECK(ps_template_check("a {b} {{c}}", &bad) == 0, "balanced");
  CHECK(ps_template_check("a {b", &bad) != 0 && bad == 2, "unclosed");
  CHECK(ps_template_check("a }", &bad) != 0, "stray close");
}

static int parse_one(const char *c, PsSuppressDirective d[2]) { return ps_suppress_parse(c, strlen(c), d); }

static void test_suppress(void) {
  PsSuppressDirective d[2];
  CHECK_INT(parse_one("# pyshift: ignore[RM001, TY0]", d), 1);
  CHECK(d[0].kind == PS_SUPPRESS_LINE && d[0].n_codes == 2 && !d[0].all, "line codes");
  CHECK(ps_suppress_covers(&d[0], "TY006") && !ps_suppress_covers(&d[0], "RM002"), "prefix cover");
  CHECK_INT(parse_one("# pyshift: ignore", d), 1);
  CHECK(d[0].all, "bare ignore is all");
  CHECK_INT(parse_one("#pyshift: ignore-file[FT]", d), 1);
  CHECK(d[0].kind == PS_SUPPRESS_FILE && ps_suppress_covers(&d[0], "FT003"), "file directive");
  CHECK_INT(parse_one("# noqa: RM001,TY006 trailing words", d), 1);
  CHECK(d[0].n_codes == 2 && ps_suppress_covers(&d[0], "TY006"), "noqa codes");
  CHECK_INT(parse_one("# NOQA", d), 1);
  CHECK(!d[0].all && ps_suppress_covers(&d[0], "TY006") && !ps_suppress_covers(&d[0], "RM001"),
        "a bare noqa covers the TY family only");
  CHECK_INT(parse_one("# noqa: UP006, F401", d), 1);
  CHECK(ps_suppress_covers(&d[0], "TY006") && !ps_suppress_covers(&d[0], "TY007"), "UP006 is TY006");
  CHECK_INT(parse_one("# ruff: noqa: UP035", d), 1);
  CHECK(d[0].kind == PS_SUPPRESS_FILE && ps_suppress_covers(&d[0], "TY035"), "ruff: noqa is file-level");
  CHECK_INT(parse_one("# flake8: noqa", d), 1);
  CHECK(d[0].kind == PS_SUPPRESS_FILE && ps_suppress_covers(&d[0], "TY100") && !ps_suppress_covers(&d[0], "RM001"),
        "flake8: noqa covers the TY rules of the file");
  CHECK_INT(parse_one("# ruff: isort: skip", d), 0);
  CHECK_INT(parse_one("# noqa: E501  # pyshift: ignore[RM001]", d), 2);
  CHECK_INT(parse_one("# pyshift: ignore[", d), 0);
  CHECK_INT(parse_one("# pyshift: ignore[rm001]", d), 0);
  CHECK_INT(parse_one("# pyshift: ignored", d), 0);
  CHECK_INT(parse_one("# noqa_is_a_word", d), 0);
  CHECK_INT(parse_one("# pyshift:", d), 0);
  CHECK_INT(parse_one("", d), 0);
  /* Many codes: bounded, never overflowing. */
  char many[2048] = "# pyshift: ignore[";
  for (int i = 0; i < 100; i++) strcat(many, "RM001,");
  strcat(many, "]");
  CHECK_INT(parse_one(many, d), 1);
  CHECK_INT(d[0].n_codes, PS_SUPPRESS_MAX_CODES);
  /* Issue 14: a code too long to keep covers nothing; it is no blanket
   * noqa hiding the line's findings. */
  CHECK_INT(parse_one("# noqa: ABCDEFGHIJKLMNOPQRSTUVWXYZ", d), 0);
  CHECK_INT(parse_one("# noqa: ABCDEFGHIJKLMNOPQRSTUVWXYZ, RM001", d), 1);
  CHECK(ps_suppress_covers(&d[0], "RM001") && !ps_suppress_covers(&d[0], "DP005"), "RM001 only");
}

/* The words any match must contain: "a b" (any of), or NULL (none derivable). */
static void expect_words(const char *re, const char *want) {
  char **w = ps_regex_required_words(re);
  PsBuf b = PS_BUF_INIT;
  for (char **p = w; p && *p; p++) ps_buf_printf(&b, "%s%s", b.len ? " " : "", *p);
  if (!want) CHECK(w == NULL, "%s: got words \"%s\", want none", re, b.data ? b.data : "");
  else CHECK_STR(b.data ? b.data : "", want);
  ps_buf_free(&b);
  ps_regex_words_free(w);
}

static void test_regex_words(void) {
  expect_words("\\bpathlib\\.", "pathlib");
  expect_words("asyncio\\.get_event_loop\\b", "get_event_loop"); /* asyncio may be a suffix */
  expect_words("\\bre\\.(?:sub|subn|split)\\b", "sub subn split");
  expect_words("\\bdef\\s+(?:visit_Num|find_module)\\b", "visit_Num find_module"); /* def is everywhere */
  expect_words("~\\s*(?:True|bool)\\b|\\bstruct\\.Struct\\b", "True bool struct");
  expect_words("\\b(?:import|from)[ \\t](?:[^\\n\\\\]|\\\\[\\s\\S])*?\\b(?:cgi|imp)\\b", "cgi imp");
  expect_words("@classmethod\\b\\s*(?:#[^\\n]*)?\\n\\s*@", "classmethod");
  /* Not derivable: an undelimited word, an optional or repeated part,
   * an alternative with no word at all, a lookahead. */
  expect_words("_use_broken", NULL);
  expect_words("\\btyping(?:_extensions)?\\b", NULL);
  expect_words("\\bfoo+\\b", NULL);
  expect_words("\\bfoo\\b|\\n[ \\t]+x", NULL);
  expect_words("\\b(?=foo)\\w+", NULL);
  expect_words("\\bfoo\\w*\\b", NULL);
  expect_words("[a-z]foo\\b", NULL);
  /* Issue 14: an option setting changes what a word matches; {,n} may
   * repeat nothing. */
  expect_words("(?i)\\bcgi\\b", NULL);
  expect_words("\\bimp\\b|(?x) c g i", NULL);
  expect_words("\\b(?:cgi|imp){,2}\\b", NULL);
  expect_words("\\b(?:cgi|imp)\\b", "cgi imp");
}

/* The top-level alternatives as "a | b", or NULL (not split). */
static void expect_alts(const char *re, const char *want) {
  char **w = ps_regex_alternatives(re);
  PsBuf b = PS_BUF_INIT;
  for (char **p = w; p && *p; p++) ps_buf_printf(&b, "%s%s", b.len ? " | " : "", *p);
  if (!want) CHECK(w == NULL, "%s: split into \"%s\", want no split", re, b.data ? b.data : "");
  else CHECK_STR(b.data ? b.data : "", want);
  ps_buf_free(&b);
  ps_regex_words_free(w);
}

static void test_regex_alternatives(void) {
  expect_alts("\\bfoo\\b|~\\s*(?:True|bool)|[|]x|a\\|b", "\\bfoo\\b | ~\\s*(?:True|bool) | [|]x | a\\|b");
  expect_alts("(?<=\\.)get\\b|(?:a|b)c", "(?<=\\.)get\\b | (?:a|b)c");
  expect_alts("\\bfoo\\b", NULL);        /* one alternative */
  expect_alts("(?i)cgi|imp", NULL);        /* options reach every alternative */
  expect_alts("imp|(?i)cgi|x", NULL);      /* ...and the later ones */
  expect_alts("(a)x|\\1y", NULL);          /* a back reference */
  expect_alts("(?|(a)|(b))|c", NULL);      /* branch reset */
  expect_alts("\\Qa|b\\E|c", NULL);        /* quoted | */
}

int main(void) {
  test_regex_words();
  test_regex_alternatives();
  test_load_ok();
  test_load_fix();
  test_load_errors();
  test_load_limits();
  test_selection();
  test_query_predicates();
  test_templates();
  test_suppress();
  return CHECK_DONE();
}
