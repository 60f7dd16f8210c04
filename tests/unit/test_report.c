/* test_report.c: the report module: every format rendered from synthetic
 * rules and findings and compared with expected text, URI encoding, write
 * errors, and GitHub line fingerprints against vectors from codeql-action.
 *
 * `test_report --write-sarif FILE` writes the SARIF of a rich synthetic run
 * (fixes, related locations, notifications, automation id, non-ASCII paths)
 * for tests/tools/sarif_validate.py; see tests/report.cmake.
 */
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "report/report.h"

/* ---- synthetic rules and findings ------------------------------------- */

static const char *const TAGS_RM[] = {"python-3.13", "removed", NULL};
static const char *const TAGS_FT[] = {"free-threading", NULL};

static const PsRuleMeta RULE_RM001 = {
    .id = "RM001", .name = "removed-module-import", .family = "RM",
    .severity = PS_SEVERITY_ERROR, .status = "stable", .since = "0.1.0",
    .summary = "Import of a module removed from the standard library",
    .message = "`{module}` was removed in Python {version}",
    .precision = "very-high", .tags = TAGS_RM,
    .docs_md = "## What it does\nChecks for imports of modules that were\nremoved from the "
               "standard library, see [PEP 594](https://peps.python.org/pep-0594/).\n\n"
               "Second paragraph.\n\n## Why is this bad?\nThe import fails.\n\n"
               "## Example\n```python\nimport imp\n```\n",
    .versions = "target >=3.12", .source_path = "rules/removed/RM001-removed-module-import.rule",
};
static const PsRuleMeta RULE_FT002 = {
    .id = "FT002", .name = "global-rebound-in-function", .family = "FT",
    .severity = PS_SEVERITY_WARNING, .status = "preview", .since = "0.1.0",
    .summary = "Module global rebound inside a function", .message = "`global {var}` ...",
    .precision = "medium", .tags = TAGS_FT, .docs_md = NULL,
};
static const PsRuleMeta RULE_TY003 = {
    .id = "TY003", .name = "old-style-optional", .family = "TY",
    .severity = PS_SEVERITY_HINT, .status = "stable", .since = "0.1.0",
    .summary = "Optional[X] can be written X | None", .message = "use `X | None`",
    .tags = NULL, .docs_md = "Intro without sections.\n",
    .help_uri = "https://example.org/TY003",
};
static const PsRuleMeta *const RULES[] = {&RULE_FT002, &RULE_RM001, &RULE_TY003};

static PsPos pos(uint32_t line, uint32_t col, uint32_t col16, uint32_t byte) {
  return (PsPos){line, col, col16, byte};
}

static PsFinding finding(const PsRuleMeta *rule, PsPos a, PsPos b, const char *msg,
                         const char *line) {
  PsFinding f;
  memset(&f, 0, sizeof f);
  f.rule = rule;
  f.severity = rule->severity;
  f.range.start = a;
  f.range.end = b;
  f.message = ps_xstrdup(msg);
  f.source_line = line ? ps_xstrdup(line) : NULL;
  return f;
}

static PsFileResult *file_result(const char *path, PsFinding *fs, size_t n) {
  PsFileResult *r = ps_xcalloc(1, sizeof *r);
  r->path = ps_xstrdup(path);
  r->findings = ps_xmalloc((n ? n : 1) * sizeof *fs);
  if (n) memcpy(r->findings, fs, n * sizeof *fs);
  r->n_findings = n;
  return r;
}

static void add_fix(PsFinding *f, const char *msg, bool safe, PsRange r, const char *text) {
  f->fix = ps_xcalloc(1, sizeof *f->fix);
  f->fix->message = msg ? ps_xstrdup(msg) : NULL;
  f->fix->safe = safe;
  f->fix->n_edits = 1;
  f->fix->edits = ps_xcalloc(1, sizeof *f->fix->edits);
  f->fix->edits[0].range = r;
  f->fix->edits[0].text = ps_xstrdup(text);
}

static void add_related(PsFinding *f, PsRange r, const char *msg) {
  f->related = ps_xrealloc(f->related, (f->n_related + 1) * sizeof *f->related);
  f->related[f->n_related].range = r;
  f->related[f->n_related].message = ps_xstrdup(msg);
  f->related[f->n_related].path = NULL;
  f->n_related++;
}

/* An explained project finding (what the FT analyses emit): two threads'
 * paths, one step in another file, a confidence, a rank and two notes. */
static void add_flow(PsFinding *f, const char *msg, size_t n, const PsRelated *steps) {
  f->flows = ps_xrealloc(f->flows, (f->n_flows + 1) * sizeof *f->flows);
  PsFlow *fl = &f->flows[f->n_flows++];
  fl->message = ps_xstrdup(msg);
  fl->n_steps = n;
  fl->steps = ps_xcalloc(n ? n : 1, sizeof *fl->steps);
  for (size_t i = 0; i < n; i++) {
    fl->steps[i].range = steps[i].range;
    fl->steps[i].message = ps_xstrdup(steps[i].message);
    fl->steps[i].path = steps[i].path ? ps_xstrdup(steps[i].path) : NULL;
  }
}

static PsFinding explained(void) {
  PsFinding f = finding(&RULE_FT002, pos(3, 5, 5, 30), pos(3, 12, 12, 37), "`counter` is written by two threads",
                        "    counter += 1");
  add_related(&f, (PsRange){pos(1, 1, 1, 0), pos(1, 8, 8, 7)}, "`counter` is defined here");
  PsRelated t1[] = {
      {{pos(12, 1, 1, 90), pos(12, 30, 30, 119)}, (char *)"Thread(target=worker) starts here", NULL},
      {{pos(3, 5, 5, 30), pos(3, 12, 12, 37)}, (char *)"worker() writes `counter`", NULL},
  };
  PsRelated t2[] = {
      {{pos(4, 1, 1, 20), pos(4, 20, 20, 39)}, (char *)"pool.submit(worker) runs it", (char *)"pkg/main.py"},
      {{pos(3, 5, 5, 30), pos(3, 12, 12, 37)}, (char *)"worker() writes `counter`", NULL},
  };
  add_flow(&f, "thread started by Thread(target=worker)", 2, t1);
  add_flow(&f, "thread started by pool.submit(worker)", 2, t2);
  f.confidence = "high";
  f.rank = 80;
  f.notes = ps_xcalloc(2, sizeof(char *));
  f.notes[0] = ps_xstrdup("no lock is held at either write");
  f.notes[1] = ps_xstrdup("guard `counter` with a threading.Lock");
  f.n_notes = 2;
  return f;
}

static PsRunInfo base_run(void) {
  PsRunInfo run;
  memset(&run, 0, sizeof run);
  run.tool_version = "0.1.0";
  run.rules = RULES;
  run.n_rules = 3;
  run.working_dir = "/home/dev/my project";
  run.execution_successful = true;
  return run;
}

/* Two files: app.py with two findings (one fixable), pkg/util.py with one. */
typedef struct Sample {
  PsFileResult *files[2];
} Sample;

static Sample sample(void) {
  Sample s;
  PsFinding a[2];
  a[0] = finding(&RULE_RM001, pos(1, 8, 8, 7), pos(1, 11, 11, 10), "`imp` was removed in Python 3.12",
                 "import imp");
  add_fix(&a[0], "Replace with importlib", true, (PsRange){pos(1, 8, 8, 7), pos(1, 11, 11, 10)},
          "importlib");
  a[1] = finding(&RULE_FT002, pos(4, 5, 5, 40), pos(4, 17, 17, 52), "`global counter` lets concurrent calls race",
                 "\tglobal counter");
  a[1].range.start.col = 2, a[1].range.start.col16 = 2;
  a[1].range.end.col = 15, a[1].range.end.col16 = 15;
  s.files[0] = file_result("app.py", a, 2);
  PsFinding b[1];
  b[0] = finding(&RULE_TY003, pos(2, 6, 6, 20), pos(3, 2, 2, 40), "use `int | None`",
                 "x: Optional[\n");
  s.files[1] = file_result("pkg/util.py", b, 1);
  return s;
}

static void sample_free(Sample *s) {
  ps_file_result_free(s->files[0]);
  ps_file_result_free(s->files[1]);
}

/* Renders files (in the given order) with opts; returns the heap output and
 * the ps_report_end code in *rc. */
static char *render(PsReportOptions opts, PsRunInfo *run, PsFileResult *const *files, size_t n,
                    int *rc) {
  char *data = NULL;
  size_t size = 0;
  FILE *out = open_memstream(&data, &size);
  opts.out = out;
  PsReporter *r = ps_report_new(&opts);
  ps_report_begin(r, run);
  for (size_t i = 0; i < n; i++) ps_report_file(r, files[i]);
  int code = ps_report_end(r, run);
  if (rc) *rc = code;
  ps_report_delete(r);
  fclose(out);
  return data;
}

static PsReportOptions fmt(PsFormat f) {
  PsReportOptions o;
  memset(&o, 0, sizeof o);
  o.format = f;
  return o;
}

/* ---- text ------------------------------------------------------------- */

static void test_text(void) {
  Sample s = sample();
  PsRunInfo run = base_run();
  run.n_fixable = 1;
  int rc;
  char *out = render(fmt(PS_FORMAT_TEXT), &run, s.files, 2, &rc);
  CHECK_INT(rc, 0);
  CHECK_STR(out,
            "app.py:1:8: RM001 `imp` was removed in Python 3.12\n"
            "app.py:4:2: FT002 `global counter` lets concurrent calls race\n"
            "pkg/util.py:2:6: TY003 use `int | None`\n"
            "Found 3 findings in 2 files.\n"
            "1 fixable with --fix.\n");
  free(out);

  PsReportOptions o = fmt(PS_FORMAT_TEXT);
  o.show_source = true;
  out = render(o, &run, s.files, 2, &rc);
  CHECK_STR(out,
            "app.py:1:8: RM001 `imp` was removed in Python 3.12\n"
            "1 | import imp\n"
            "  |        ^^^\n"
            "\n"
            "app.py:4:2: FT002 `global counter` lets concurrent calls race\n"
            "4 |     global counter\n"
            "  |     ^^^^^^^^^^^^^\n"
            "\n"
            "pkg/util.py:2:6: TY003 use `int | None`\n"
            "2 | x: Optional[\n"
            "  |      ^^^^^^^\n"
            "\n"
            "Found 3 findings in 2 files.\n"
            "1 fixable with --fix.\n");
  free(out);

  o.quiet = true;
  o.show_source = false;
  out = render(o, &run, s.files, 1, &rc);
  CHECK_STR(out,
            "app.py:1:8: RM001 `imp` was removed in Python 3.12\n"
            "app.py:4:2: FT002 `global counter` lets concurrent calls race\n");
  free(out);

  run.n_fixable = 0;
  out = render(fmt(PS_FORMAT_TEXT), &run, s.files + 1, 1, &rc);
  CHECK_STR(out, "pkg/util.py:2:6: TY003 use `int | None`\nFound 1 finding in 1 file.\n");
  free(out);

  PsFileResult *empty = file_result("clean.py", NULL, 0);
  out = render(fmt(PS_FORMAT_TEXT), &run, &empty, 1, &rc);
  CHECK_STR(out, "All checks passed!\n");
  free(out);
  out = render(fmt(PS_FORMAT_TEXT), &run, NULL, 0, &rc);
  CHECK_STR(out, "All checks passed!\n");
  free(out);
  ps_file_result_free(empty);

  o = fmt(PS_FORMAT_TEXT);
  o.color = true;
  out = render(o, &run, s.files, 1, &rc);
  CHECK(strstr(out, "\x1b[1mapp.py\x1b[0m:1:8: \x1b[1;31mRM001\x1b[0m `imp`") != NULL,
        "colour line: %s", out);
  CHECK(strstr(out, "\x1b[1;33mFT002\x1b[0m") != NULL, "warning is yellow: %s", out);
  free(out);
  sample_free(&s);
}

/* Carets count characters, not bytes, and tabs widen to the next stop. */
static void test_text_source_unicode(void) {
  PsRunInfo run = base_run();
  PsFinding f[3];
  /* "s = 'é' + bad": `bad` starts at char 11 (byte 12). */
  f[0] = finding(&RULE_FT002, pos(1, 11, 11, 11), pos(1, 14, 14, 14), "m", "s = '\xc3\xa9' + bad");
  /* empty range at the end of the line: one caret */
  f[1] = finding(&RULE_RM001, pos(2, 4, 4, 20), pos(2, 4, 4, 20), "m", "a =\r");
  /* "x\t\ty" with y at char 4: x(0) tab->4 tab->8 y at display 8 */
  f[2] = finding(&RULE_TY003, pos(3, 4, 4, 30), pos(3, 5, 5, 31), "m", "x\t\ty");
  PsFileResult *file = file_result("u.py", f, 3);
  PsReportOptions o = fmt(PS_FORMAT_TEXT);
  o.show_source = true;
  o.quiet = true;
  char *out = render(o, &run, &file, 1, NULL);
  CHECK_STR(out,
            "u.py:1:11: FT002 m\n"
            "1 | s = '\xc3\xa9' + bad\n"
            "  |           ^^^\n\n"
            "u.py:2:4: RM001 m\n"
            "2 | a =\n"
            "  |    ^\n\n"
            "u.py:3:4: TY003 m\n"
            "3 | x       y\n"
            "  |         ^\n\n");
  free(out);
  ps_file_result_free(file);
}

static void test_statistics(void) {
  PsRunInfo run = base_run();
  PsFinding a[3];
  a[0] = finding(&RULE_TY003, pos(1, 1, 1, 0), pos(1, 2, 2, 1), "m", NULL);
  a[1] = finding(&RULE_TY003, pos(2, 1, 1, 0), pos(2, 2, 2, 1), "m", NULL);
  a[2] = finding(&RULE_RM001, pos(3, 1, 1, 0), pos(3, 2, 2, 1), "m", NULL);
  PsFinding b[2];
  b[0] = finding(&RULE_FT002, pos(1, 1, 1, 0), pos(1, 2, 2, 1), "m", NULL);
  b[1] = finding(&RULE_RM001, pos(2, 1, 1, 0), pos(2, 2, 2, 1), "m", NULL);
  PsFileResult *files[2] = {file_result("a.py", a, 3), file_result("b.py", b, 2)};
  PsReportOptions o = fmt(PS_FORMAT_TEXT);
  o.statistics = true;
  char *out = render(o, &run, files, 2, NULL);
  CHECK_STR(out,
            "    2  RM001  removed-module-import\n"
            "    2  TY003  old-style-optional\n"
            "    1  FT002  global-rebound-in-function\n"
            "Found 5 findings in 2 files.\n");
  free(out);
  ps_file_result_free(files[0]);
  ps_file_result_free(files[1]);
}

/* ---- github ----------------------------------------------------------- */

static void test_github(void) {
  PsRunInfo run = base_run();
  PsFinding f[3];
  f[0] = finding(&RULE_RM001, pos(1, 8, 8, 7), pos(1, 11, 11, 10), "100% gone,\r\nreally: yes", NULL);
  f[1] = finding(&RULE_FT002, pos(2, 1, 1, 0), pos(3, 4, 4, 0), "warn", NULL);
  f[2] = finding(&RULE_TY003, pos(5, 2, 2, 0), pos(5, 3, 3, 0), "hint", NULL);
  PsFileResult *file = file_result("dir,a:b/x%.py", f, 3);
  char *out = render(fmt(PS_FORMAT_GITHUB), &run, &file, 1, NULL);
  CHECK_STR(out,
            "::error file=dir%2Ca%3Ab/x%25.py,line=1,col=8,endLine=1,endColumn=11,title=RM001::"
            "dir,a:b/x%25.py:1:8: RM001 100%25 gone,%0D%0Areally: yes\n"
            "::warning file=dir%2Ca%3Ab/x%25.py,line=2,col=1,endLine=3,endColumn=4,title=FT002::"
            "dir,a:b/x%25.py:2:1: FT002 warn\n"
            "::notice file=dir%2Ca%3Ab/x%25.py,line=5,col=2,endLine=5,endColumn=3,title=TY003::"
            "dir,a:b/x%25.py:5:2: TY003 hint\n");
  free(out);
  ps_file_result_free(file);
}

/* ---- json ------------------------------------------------------------- */

static void test_json(void) {
  PsRunInfo run = base_run();
  char *out = render(fmt(PS_FORMAT_JSON), &run, NULL, 0, NULL);
  CHECK_STR(out, "[]\n");
  free(out);

  PsFinding f[1];
  f[0] = finding(&RULE_TY003, pos(2, 4, 3, 9), pos(2, 6, 5, 12), "use \"X | None\"", NULL);
  f[0].fingerprint = ps_xstrdup("d5c49a0d4a2d7a4:1");
  add_related(&f[0], (PsRange){pos(1, 1, 1, 0), pos(1, 7, 7, 6)}, "imported here");
  add_fix(&f[0], "Use X | None", false, (PsRange){pos(2, 4, 3, 9), pos(2, 6, 5, 12)}, "int | None");
  PsFileResult *file = file_result("b\xc3\xa9.py", f, 1);
  out = render(fmt(PS_FORMAT_JSON), &run, &file, 1, NULL);
  CHECK_STR(out,
            "[\n"
            "  {\n"
            "    \"rule\": \"TY003\",\n"
            "    \"name\": \"old-style-optional\",\n"
            "    \"severity\": \"hint\",\n"
            "    \"message\": \"use \\\"X | None\\\"\",\n"
            "    \"path\": \"b\xc3\xa9.py\",\n"
            "    \"range\": {\n"
            "      \"start\": {\n"
            "        \"line\": 2,\n"
            "        \"column\": 4,\n"
            "        \"column_utf16\": 3,\n"
            "        \"offset\": 9\n"
            "      },\n"
            "      \"end\": {\n"
            "        \"line\": 2,\n"
            "        \"column\": 6,\n"
            "        \"column_utf16\": 5,\n"
            "        \"offset\": 12\n"
            "      }\n"
            "    },\n"
            "    \"fix\": {\n"
            "      \"message\": \"Use X | None\",\n"
            "      \"applicability\": \"unsafe\",\n"
            "      \"edits\": [\n"
            "        {\n"
            "          \"range\": {\n"
            "            \"start\": {\n"
            "              \"line\": 2,\n"
            "              \"column\": 4,\n"
            "              \"column_utf16\": 3,\n"
            "              \"offset\": 9\n"
            "            },\n"
            "            \"end\": {\n"
            "              \"line\": 2,\n"
            "              \"column\": 6,\n"
            "              \"column_utf16\": 5,\n"
            "              \"offset\": 12\n"
            "            }\n"
            "          },\n"
            "          \"content\": \"int | None\"\n"
            "        }\n"
            "      ]\n"
            "    },\n"
            "    \"related\": [\n"
            "      {\n"
            "        \"message\": \"imported here\",\n"
            "        \"range\": {\n"
            "          \"start\": {\n"
            "            \"line\": 1,\n"
            "            \"column\": 1,\n"
            "            \"column_utf16\": 1,\n"
            "            \"offset\": 0\n"
            "          },\n"
            "          \"end\": {\n"
            "            \"line\": 1,\n"
            "            \"column\": 7,\n"
            "            \"column_utf16\": 7,\n"
            "            \"offset\": 6\n"
            "          }\n"
            "        }\n"
            "      }\n"
            "    ],\n"
            "    \"fingerprint\": \"d5c49a0d4a2d7a4:1\",\n"
            "    \"url\": \"https://example.org/TY003\"\n"
            "  }\n"
            "]\n");
  free(out);
  ps_file_result_free(file);

  /* Files arriving out of order are written sorted by path; a finding
   * without fix or fingerprint has nulls; invalid UTF-8 becomes U+FFFD. */
  Sample s = sample();
  PsFileResult *rev[2] = {s.files[1], s.files[0]};
  free(s.files[0]->findings[1].message);
  s.files[0]->findings[1].message = ps_xstrdup("bad \xff byte");
  out = render(fmt(PS_FORMAT_JSON), &run, rev, 2, NULL);
  json_error_t jerr;
  json_t *root = json_loads(out, 0, &jerr);
  CHECK(root && json_is_array(root) && json_array_size(root) == 3, "parse: %s", jerr.text);
  if (root && json_array_size(root) == 3) {
    CHECK_STR(json_string_value(json_object_get(json_array_get(root, 0), "path")), "app.py");
    CHECK_STR(json_string_value(json_object_get(json_array_get(root, 2), "path")), "pkg/util.py");
    json_t *second = json_array_get(root, 1);
    CHECK_STR(json_string_value(json_object_get(second, "message")), "bad \xef\xbf\xbd byte");
    CHECK(json_is_null(json_object_get(second, "fix")), "fix is null");
    CHECK(json_is_null(json_object_get(second, "fingerprint")), "fingerprint is null");
    CHECK_STR(json_string_value(json_object_get(second, "url")),
              "https://github.com/pyshift/pyshift/blob/main/docs/rules/FT002.md");
    CHECK_STR(json_string_value(json_object_get(
                  json_object_get(json_array_get(root, 0), "fix"), "applicability")), "safe");
  }
  json_decref(root);
  /* byte-stable: the same input renders the same bytes */
  char *again = render(fmt(PS_FORMAT_JSON), &run, rev, 2, NULL);
  CHECK_STR(again, out);
  free(again);
  free(out);
  sample_free(&s);
}

/* ---- sarif ------------------------------------------------------------ */

static bool has_null(json_t *v) {
  if (json_is_null(v)) return true;
  if (json_is_array(v)) {
    for (size_t i = 0; i < json_array_size(v); i++)
      if (has_null(json_array_get(v, i))) return true;
  } else if (json_is_object(v)) {
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x) if (has_null(x)) return true;
  }
  return false;
}

/* The rich run also written by --write-sarif. */
static PsFileResult **rich_files(size_t *n) {
  PsFinding a[2];
  a[0] = finding(&RULE_RM001, pos(1, 8, 8, 7), pos(1, 11, 11, 10), "`imp` was removed in Python 3.12",
                 "import imp");
  a[0].fingerprint = ps_xstrdup("81b8d8db678b2bbe:1");
  add_fix(&a[0], "Replace with importlib", true, (PsRange){pos(1, 8, 8, 7), pos(1, 11, 11, 10)},
          "importlib");
  a[1] = finding(&RULE_FT002, pos(3, 5, 5, 30), pos(3, 19, 19, 44), "`global counter` lets concurrent calls race",
                 "    global counter");
  a[1].fingerprint = ps_xstrdup("ade70578248be16f:1");
  add_related(&a[1], (PsRange){pos(1, 1, 1, 0), pos(1, 8, 8, 7)}, "`counter` is defined here");
  add_related(&a[1], (PsRange){pos(5, 1, 1, 50), pos(5, 8, 8, 57)}, "and rebound here");
  PsFinding b[1];
  /* "s = '😀' + x": x at char 10, UTF-16 column 11 */
  b[0] = finding(&RULE_TY003, pos(2, 10, 11, 20), pos(2, 11, 12, 21), "use `int | None`", NULL);
  b[0].fingerprint = ps_xstrdup("d5c49a0d4a2d7a4:2");
  add_fix(&b[0], NULL, false, (PsRange){pos(2, 10, 11, 20), pos(2, 10, 11, 20)}, "int | None");
  PsFinding c[1];
  c[0] = finding(&RULE_RM001, pos(1, 1, 1, 0), pos(1, 7, 7, 6), "outside", NULL);
  c[0].fingerprint = ps_xstrdup("c129715d7a2bc9a3:1");
  PsFinding d[1] = {explained()};
  d[0].fingerprint = ps_xstrdup("5d1bc3f8c0d8a2f1:1");
  PsFileResult **files = ps_xmalloc(4 * sizeof *files);
  files[0] = file_result("src/caf\xc3\xa9 d\xc3\xa9j\xc3\xa0/app.py", a, 2);
  files[1] = file_result("/home/dev/my project/pkg/util #1.py", b, 1);
  files[2] = file_result("/opt/other/x.py", c, 1);
  files[3] = file_result("src/race.py", d, 1);
  *n = 4;
  return files;
}

static const PsNotification RICH_NOTES[] = {
    {"src/broken.py", "cannot decode: invalid utf-8 at byte 12", NULL},
    {"", "rule directory /x is empty", NULL},
};
static const char *const RICH_ARGV[] = {"pyshift", "check", "--output-format", "sarif", "my dir"};

static PsRunInfo rich_run(void) {
  PsRunInfo run = base_run();
  run.automation_id = "pyshift/ci/2026-11-21";
  run.notes = RICH_NOTES;
  run.n_notes = 2;
  run.argc = 5;
  run.argv = RICH_ARGV;
  run.execution_successful = false;
  run.start_time_utc = "2026-11-21T07:04:24Z";
  run.end_time_utc = "2026-11-21T07:04:25Z";
  run.target = (PsPyVersion){3, 14, true};
  run.min_python = (PsPyVersion){3, 9, false};
  run.n_findings = 5;
  run.n_files = 5;
  return run;
}

static json_t *jpath(json_t *v, const char *path) {
  /* "a.b.0.c": object keys and array indexes */
  char buf[256];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *tok = strtok(buf, "."); tok && v; tok = strtok(NULL, ".")) {
    if (json_is_array(v)) v = json_array_get(v, (size_t)atoi(tok));
    else v = json_object_get(v, tok);
  }
  return v;
}

#define CHECK_JSTR(root, path, want) CHECK_STR(json_string_value(jpath(root, path)), want)
#define CHECK_JINT(root, path, want) CHECK_INT(json_integer_value(jpath(root, path)), want)

static void test_sarif(void) {
  size_t n;
  PsFileResult **files = rich_files(&n);
  PsRunInfo run = rich_run();
  int rc;
  char *out = render(fmt(PS_FORMAT_SARIF), &run, files, n, &rc);
  CHECK_INT(rc, 0);
  json_error_t jerr;
  json_t *root = json_loads(out, 0, &jerr);
  CHECK(root != NULL, "sarif parses: %s", jerr.text);
  if (!root) return;
  CHECK(!has_null(root), "no nulls in SARIF");
  CHECK_JSTR(root, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
  CHECK_JSTR(root, "version", "2.1.0");
  json_t *r0 = jpath(root, "runs.0");
  CHECK_JSTR(r0, "tool.driver.name", "pyshift");
  CHECK_JSTR(r0, "tool.driver.version", "0.1.0");
  CHECK_JSTR(r0, "tool.driver.semanticVersion", "0.1.0");
  CHECK_JSTR(r0, "tool.driver.informationUri", "https://github.com/pyshift/pyshift");
  CHECK_INT(json_array_size(jpath(r0, "tool.driver.rules")), 3);
  CHECK_JSTR(r0, "tool.driver.rules.0.id", "FT002");
  CHECK_JSTR(r0, "tool.driver.rules.1.id", "RM001");
  CHECK_JSTR(r0, "tool.driver.rules.1.name", "removed-module-import");
  CHECK_JSTR(r0, "tool.driver.rules.1.shortDescription.text",
             "Import of a module removed from the standard library");
  CHECK_JSTR(r0, "tool.driver.rules.1.fullDescription.text",
             "Checks for imports of modules that were removed from the standard library, see "
             "PEP 594 (https://peps.python.org/pep-0594/).");
  CHECK_JSTR(r0, "tool.driver.rules.1.help.text",
             "What it does\nChecks for imports of modules that were\nremoved from the standard "
             "library, see PEP 594 (https://peps.python.org/pep-0594/).\n\nSecond paragraph.\n\n"
             "Why is this bad?\nThe import fails.\n\nExample\n    import imp");
  CHECK_JSTR(r0, "tool.driver.rules.1.help.markdown", RULE_RM001.docs_md);
  CHECK_JSTR(r0, "tool.driver.rules.1.helpUri",
             "https://github.com/pyshift/pyshift/blob/main/docs/rules/RM001.md");
  CHECK_JSTR(r0, "tool.driver.rules.1.defaultConfiguration.level", "error");
  CHECK_JSTR(r0, "tool.driver.rules.1.properties.tags.1", "removed");
  CHECK_JSTR(r0, "tool.driver.rules.1.properties.precision", "very-high");
  CHECK_STR(json_string_value(json_object_get(jpath(r0, "tool.driver.rules.1.properties"),
                                              "problem.severity")), "error");
  CHECK_STR(json_string_value(json_object_get(jpath(r0, "tool.driver.rules.2.properties"),
                                              "problem.severity")), "recommendation");
  /* FT002 has no docs: the summary stands in */
  CHECK_JSTR(r0, "tool.driver.rules.0.fullDescription.text", "Module global rebound inside a function");
  CHECK_JSTR(r0, "tool.driver.rules.0.help.text", "Module global rebound inside a function");
  CHECK(jpath(r0, "tool.driver.rules.0.help.markdown") == NULL, "no markdown without docs");
  CHECK_JSTR(r0, "tool.driver.rules.0.defaultConfiguration.level", "warning");
  CHECK_JSTR(r0, "tool.driver.rules.2.defaultConfiguration.level", "note");
  CHECK_JSTR(r0, "tool.driver.rules.2.fullDescription.text", "Optional[X] can be written X | None");
  CHECK_JSTR(r0, "tool.driver.rules.2.helpUri", "https://example.org/TY003");
  CHECK_INT(json_array_size(jpath(r0, "tool.driver.rules.2.properties.tags")), 0);

  CHECK_JSTR(r0, "columnKind", "utf16CodeUnits");
  CHECK_JSTR(r0, "originalUriBaseIds.%SRCROOT%.uri", "file:///home/dev/my%20project/");
  CHECK_JSTR(r0, "automationDetails.id", "pyshift/ci/2026-11-21");
  CHECK_JSTR(r0, "properties.targetVersion", "3.14t");
  CHECK_JSTR(r0, "properties.minPython", "3.9");

  json_t *inv = jpath(r0, "invocations.0");
  CHECK(json_is_false(json_object_get(inv, "executionSuccessful")), "executionSuccessful false");
  CHECK_JSTR(inv, "commandLine", "pyshift check --output-format sarif 'my dir'");
  CHECK_JSTR(inv, "arguments.0", "check");
  CHECK_JSTR(inv, "startTimeUtc", "2026-11-21T07:04:24Z");
  CHECK_JSTR(inv, "workingDirectory.uri", "file:///home/dev/my%20project/");
  CHECK_INT(json_array_size(json_object_get(inv, "toolExecutionNotifications")), 2);
  CHECK_JSTR(inv, "toolExecutionNotifications.0.level", "error");
  CHECK_JSTR(inv, "toolExecutionNotifications.0.message.text", "cannot decode: invalid utf-8 at byte 12");
  CHECK_JSTR(inv, "toolExecutionNotifications.0.locations.0.physicalLocation.artifactLocation.uri",
             "src/broken.py");
  CHECK(jpath(inv, "toolExecutionNotifications.1.locations") == NULL, "run-level note has no location");

  /* results sorted by path: "/home/...", "/opt/...", "src/..." */
  json_t *res = json_object_get(r0, "results");
  CHECK_INT(json_array_size(res), 5);
  CHECK_JSTR(res, "0.ruleId", "TY003");
  CHECK_JINT(res, "0.ruleIndex", 2);
  CHECK_JSTR(res, "0.level", "note");
  CHECK_JSTR(res, "0.locations.0.physicalLocation.artifactLocation.uri", "pkg/util%20%231.py");
  CHECK_JSTR(res, "0.locations.0.physicalLocation.artifactLocation.uriBaseId", "%SRCROOT%");
  CHECK_JINT(res, "0.locations.0.physicalLocation.region.startLine", 2);
  CHECK_JINT(res, "0.locations.0.physicalLocation.region.startColumn", 11);
  CHECK_JINT(res, "0.locations.0.physicalLocation.region.endColumn", 12);
  CHECK_JSTR(res, "0.partialFingerprints.primaryLocationLineHash", "d5c49a0d4a2d7a4:2");
  CHECK(jpath(res, "0.fixes.0.description") == NULL, "fix without message has no description");
  CHECK_JSTR(res, "0.fixes.0.artifactChanges.0.replacements.0.insertedContent.text", "int | None");
  CHECK_JINT(res, "0.fixes.0.artifactChanges.0.replacements.0.deletedRegion.endColumn", 11);
  CHECK_JSTR(res, "1.locations.0.physicalLocation.artifactLocation.uri", "file:///opt/other/x.py");
  CHECK(jpath(res, "1.locations.0.physicalLocation.artifactLocation.uriBaseId") == NULL,
        "absolute uri has no base");
  CHECK(jpath(res, "1.fixes") == NULL && jpath(res, "1.relatedLocations") == NULL, "optional arrays omitted");
  CHECK_JSTR(res, "2.ruleId", "RM001");
  CHECK_JINT(res, "2.ruleIndex", 1);
  CHECK_JSTR(res, "2.level", "error");
  CHECK_JSTR(res, "2.message.text", "`imp` was removed in Python 3.12");
  CHECK_JSTR(res, "2.locations.0.physicalLocation.artifactLocation.uri",
             "src/caf%C3%A9%20d%C3%A9j%C3%A0/app.py");
  CHECK_JSTR(res, "2.fixes.0.description.text", "Replace with importlib");
  CHECK_JSTR(res, "2.fixes.0.artifactChanges.0.artifactLocation.uri",
             "src/caf%C3%A9%20d%C3%A9j%C3%A0/app.py");
  CHECK_JSTR(res, "3.ruleId", "FT002");
  CHECK_JINT(res, "3.ruleIndex", 0);
  CHECK_JINT(res, "3.relatedLocations.1.id", 2);
  CHECK_JSTR(res, "3.relatedLocations.1.message.text", "and rebound here");
  CHECK_JINT(res, "3.relatedLocations.1.physicalLocation.region.startLine", 5);
  CHECK_JSTR(res, "4.locations.0.physicalLocation.artifactLocation.uri", "src/race.py");
  CHECK_JSTR(res, "4.codeFlows.1.threadFlows.0.locations.0.location.physicalLocation.artifactLocation.uri",
             "pkg/main.py");

  json_decref(root);
  free(out);
  for (size_t i = 0; i < n; i++) ps_file_result_free(files[i]);
  free(files);

  /* an empty run still has rules and an empty results array */
  run = base_run();
  run.working_dir = NULL;
  out = render(fmt(PS_FORMAT_SARIF), &run, NULL, 0, &rc);
  root = json_loads(out, 0, &jerr);
  CHECK(root && json_array_size(jpath(root, "runs.0.results")) == 0, "empty results");
  CHECK(root && jpath(root, "runs.0.originalUriBaseIds") == NULL, "no base without working dir");
  CHECK(root && jpath(root, "runs.0.automationDetails") == NULL, "no automation id");
  CHECK(root && !has_null(root), "no nulls");
  json_decref(root);
  free(out);
}

/* ---- explained findings ------------------------------------------------- */

/* Renders one file's findings as project findings (after file()). */
static char *render_project(PsReportOptions opts, PsRunInfo *run, PsFileResult *file) {
  char *data = NULL;
  size_t size = 0;
  FILE *out = open_memstream(&data, &size);
  opts.out = out;
  PsReporter *r = ps_report_new(&opts);
  ps_report_begin(r, run);
  ps_report_project(r, file);
  ps_report_end(r, run);
  ps_report_delete(r);
  fclose(out);
  return data;
}

static void test_explained(void) {
  PsRunInfo run = base_run();
  PsFinding f[1] = {explained()};
  PsFileResult *file = file_result("app.py", f, 1);

  /* concise text: one line per thread, where it starts; no notes */
  PsReportOptions o = fmt(PS_FORMAT_TEXT);
  o.quiet = true;
  char *out = render_project(o, &run, file);
  CHECK_STR(out,
            "Project-wide findings (from analyses across files):\n"
            "app.py:3:5: FT002 `counter` is written by two threads\n"
            "    app.py:1:1: `counter` is defined here\n"
            "    thread 1: app.py:12 thread started by Thread(target=worker)\n"
            "    thread 2: pkg/main.py:4 thread started by pool.submit(worker)\n");
  free(out);

  /* --show-source: every step, the confidence and the notes */
  o.show_source = true;
  out = render_project(o, &run, file);
  CHECK_STR(out,
            "Project-wide findings (from analyses across files):\n"
            "app.py:3:5: FT002 `counter` is written by two threads\n"
            "3 |     counter += 1\n"
            "  |     ^^^^^^^\n"
            "\n"
            "    app.py:1:1: `counter` is defined here\n"
            "    thread 1: thread started by Thread(target=worker)\n"
            "      app.py:12:1: Thread(target=worker) starts here\n"
            "      app.py:3:5: worker() writes `counter`\n"
            "    thread 2: thread started by pool.submit(worker)\n"
            "      pkg/main.py:4:1: pool.submit(worker) runs it\n"
            "      app.py:3:5: worker() writes `counter`\n"
            "    confidence: high\n"
            "    note: no lock is held at either write\n"
            "    note: guard `counter` with a threading.Lock\n");
  free(out);

  /* github: still one line per finding */
  out = render_project(fmt(PS_FORMAT_GITHUB), &run, file);
  CHECK_STR(out, "::warning file=app.py,line=3,col=5,endLine=3,endColumn=12,title=FT002::"
                 "app.py:3:5: FT002 `counter` is written by two threads\n");
  free(out);

  /* json: the four fields after "related" */
  out = render_project(fmt(PS_FORMAT_JSON), &run, file);
  CHECK(out && strstr(out,
                      "    ],\n"
                      "    \"flows\": [\n"
                      "      {\n"
                      "        \"message\": \"thread started by Thread(target=worker)\",\n"
                      "        \"steps\": [\n"
                      "          {\n"
                      "            \"path\": \"app.py\",\n"
                      "            \"line\": 12,\n"
                      "            \"column\": 1,\n"
                      "            \"message\": \"Thread(target=worker) starts here\"\n"
                      "          },\n"
                      "          {\n"
                      "            \"path\": \"app.py\",\n"
                      "            \"line\": 3,\n"
                      "            \"column\": 5,\n"
                      "            \"message\": \"worker() writes `counter`\"\n"
                      "          }\n"
                      "        ]\n"
                      "      },\n"
                      "      {\n"
                      "        \"message\": \"thread started by pool.submit(worker)\",\n"
                      "        \"steps\": [\n"
                      "          {\n"
                      "            \"path\": \"pkg/main.py\",\n"
                      "            \"line\": 4,\n"
                      "            \"column\": 1,\n"
                      "            \"message\": \"pool.submit(worker) runs it\"\n"
                      "          },\n"
                      "          {\n"
                      "            \"path\": \"app.py\",\n"
                      "            \"line\": 3,\n"
                      "            \"column\": 5,\n"
                      "            \"message\": \"worker() writes `counter`\"\n"
                      "          }\n"
                      "        ]\n"
                      "      }\n"
                      "    ],\n"
                      "    \"confidence\": \"high\",\n"
                      "    \"rank\": 80.0,\n"
                      "    \"notes\": [\n"
                      "      \"no lock is held at either write\",\n"
                      "      \"guard `counter` with a threading.Lock\"\n"
                      "    ],\n"
                      "    \"fingerprint\": null,\n") != NULL,
        "json explained fields: %s", out);
  free(out);

  /* sarif: rank, codeFlows (one threadFlow each), notes, confidence */
  out = render_project(fmt(PS_FORMAT_SARIF), &run, file);
  json_error_t jerr;
  json_t *root = json_loads(out, 0, &jerr);
  CHECK(root != NULL, "sarif parses: %s", jerr.text);
  json_t *r = jpath(root, "runs.0.results.0");
  CHECK(json_real_value(json_object_get(r, "rank")) == 80.0, "rank");
  CHECK_JSTR(r, "properties.confidence", "high");
  CHECK_JSTR(r, "properties.notes.1", "guard `counter` with a threading.Lock");
  CHECK_JSTR(r, "message.text", "`counter` is written by two threads");
  CHECK_JSTR(r, "message.markdown",
             "`counter` is written by two threads\n\n- no lock is held at either write\n"
             "- guard `counter` with a threading.Lock");
  CHECK_INT(json_array_size(json_object_get(r, "codeFlows")), 2);
  CHECK_INT(json_array_size(jpath(r, "codeFlows.0.threadFlows")), 1);
  CHECK_JSTR(r, "codeFlows.1.threadFlows.0.message.text", "thread started by pool.submit(worker)");
  CHECK_JSTR(r, "codeFlows.1.threadFlows.0.locations.0.location.physicalLocation.artifactLocation.uri",
             "pkg/main.py");
  CHECK_JINT(r, "codeFlows.1.threadFlows.0.locations.0.location.physicalLocation.region.startLine", 4);
  CHECK_JSTR(r, "codeFlows.1.threadFlows.0.locations.0.location.message.text", "pool.submit(worker) runs it");
  CHECK_JSTR(r, "codeFlows.1.threadFlows.0.locations.1.location.physicalLocation.artifactLocation.uri", "app.py");
  CHECK(root && !has_null(root), "no nulls");
  json_decref(root);
  free(out);
  ps_file_result_free(file);

  /* Without the new members nothing changes: a plain finding has none of
   * the keys. */
  PsFinding g[1] = {finding(&RULE_RM001, pos(1, 8, 8, 7), pos(1, 11, 11, 10), "m", NULL)};
  file = file_result("app.py", g, 1);
  out = render_project(fmt(PS_FORMAT_JSON), &run, file);
  CHECK(out && !strstr(out, "flows") && !strstr(out, "confidence") && !strstr(out, "rank") && !strstr(out, "notes"),
        "plain json: %s", out);
  free(out);
  out = render_project(fmt(PS_FORMAT_SARIF), &run, file);
  CHECK(out && !strstr(out, "codeFlows") && !strstr(out, "\"rank\"") && !strstr(out, "markdown\": \"m"),
        "plain sarif");
  free(out);
  ps_file_result_free(file);
}

/* ---- GitHub's limits ---------------------------------------------------- */

static char *render_opts(PsReportOptions o, PsRunInfo *run, PsFileResult *const *files, size_t n,
                         char ***warnings, size_t *n_warnings) {
  char *data = NULL;
  size_t size = 0;
  FILE *out = open_memstream(&data, &size);
  o.out = out;
  PsReporter *r = ps_report_new(&o);
  ps_report_begin(r, run);
  for (size_t i = 0; i < n; i++) ps_report_file(r, files[i]);
  ps_report_end(r, run);
  const char *const *w;
  *n_warnings = ps_report_warnings(r, &w);
  *warnings = ps_xcalloc(*n_warnings + 1, sizeof(char *));
  for (size_t i = 0; i < *n_warnings; i++) (*warnings)[i] = ps_xstrdup(w[i]);
  ps_report_delete(r);
  fclose(out);
  return data;
}

static void free_strings(char **v, size_t n) {
  for (size_t i = 0; i < n; i++) free(v[i]);
  free(v);
}

static void test_sarif_limits(void) {
  PsRunInfo run = base_run();
  /* five results, two errors, a warning, two notes; room for three */
  PsFinding f[5];
  const PsRuleMeta *rules[5] = {&RULE_RM001, &RULE_TY003, &RULE_FT002, &RULE_TY003, &RULE_RM001};
  for (int i = 0; i < 5; i++) {
    char msg[16];
    snprintf(msg, sizeof msg, "m%d", i);
    f[i] = finding(rules[i], pos((uint32_t)i + 1, 1, 1, 0), pos((uint32_t)i + 1, 2, 2, 1), msg, NULL);
  }
  PsFileResult *file = file_result("a.py", f, 5);
  PsReportOptions o = fmt(PS_FORMAT_SARIF);
  o.sarif_max_results = 3;
  char **w;
  size_t nw;
  char *out = render_opts(o, &run, &file, 1, &w, &nw);
  json_error_t jerr;
  json_t *root = json_loads(out, 0, &jerr);
  json_t *res = jpath(root, "runs.0.results");
  CHECK_INT(json_array_size(res), 3);
  CHECK_JSTR(res, "0.message.text", "m0");
  CHECK_JSTR(res, "1.message.text", "m2");
  CHECK_JSTR(res, "2.message.text", "m4");
  const char *want = "GitHub code scanning accepts at most 3 results per run: kept the 3 most severe of 5 results, "
                     "dropped 2 (0 error, 0 warning, 2 note)";
  CHECK_JSTR(root, "runs.0.invocations.0.toolExecutionNotifications.0.message.text", want);
  CHECK_JSTR(root, "runs.0.invocations.0.toolExecutionNotifications.0.level", "warning");
  CHECK(nw == 1 && !strcmp(w[0], want), "warning for stderr: %s", nw ? w[0] : "(none)");
  json_decref(root);
  free(out);
  free_strings(w, nw);
  ps_file_result_free(file);

  /* related locations and thread flow steps over the per-result caps */
  PsFinding g[1] = {explained()};
  for (int i = 0; i < 4; i++) add_related(&g[0], (PsRange){pos(2, 1, 1, 0), pos(2, 2, 2, 1)}, "more");
  file = file_result("b.py", g, 1); /* 5 related, 2 flows of 2 steps */
  o = fmt(PS_FORMAT_SARIF);
  o.sarif_max_locations = 3;
  o.sarif_max_flow_locations = 3;
  out = render_opts(o, &run, &file, 1, &w, &nw);
  root = json_loads(out, 0, &jerr);
  json_t *r0 = jpath(root, "runs.0.results.0");
  CHECK_INT(json_array_size(json_object_get(r0, "relatedLocations")), 2);
  CHECK_INT(json_array_size(jpath(r0, "codeFlows.0.threadFlows.0.locations")), 2);
  CHECK_INT(json_array_size(jpath(r0, "codeFlows.1.threadFlows.0.locations")), 1);
  CHECK_INT(nw, 2);
  CHECK_JSTR(root, "runs.0.invocations.0.toolExecutionNotifications.0.message.text",
             "GitHub code scanning accepts at most 3 locations per result: 1 result kept only their first 2 related "
             "locations");
  json_decref(root);
  free(out);
  free_strings(w, nw);
  ps_file_result_free(file);

  /* the gzipped size: 400 results with incompressible messages, 8 KB */
  PsFinding *many = ps_xcalloc(400, sizeof *many);
  unsigned x = 12345;
  for (int i = 0; i < 400; i++) {
    char msg[64];
    int k = 0;
    for (; k < 40; k++) x = x * 1103515245u + 12345u, msg[k] = (char)('a' + (x >> 16) % 26);
    msg[k] = '\0';
    many[i] = finding(i % 7 ? &RULE_TY003 : &RULE_RM001, pos((uint32_t)i + 1, 1, 1, 0), pos((uint32_t)i + 1, 2, 2, 1),
                      msg, NULL);
  }
  file = file_result("c.py", many, 400);
  free(many);
  o = fmt(PS_FORMAT_SARIF);
  o.sarif_max_gzip_bytes = 8000;
  out = render_opts(o, &run, &file, 1, &w, &nw);
  root = json_loads(out, 0, &jerr);
  res = jpath(root, "runs.0.results");
  size_t kept = json_array_size(res);
  CHECK(kept > 0 && kept < 400, "kept %zu of 400", kept);
  size_t errors = 0;
  for (size_t i = 0; i < kept; i++)
    errors += !strcmp(json_string_value(json_object_get(json_array_get(res, i), "level")), "error");
  CHECK_INT(errors, 58); /* every error (i % 7 == 0: 58 of 400) kept first */
  CHECK(nw == 1 && strstr(w[0], "SARIF files of at most 8000 bytes gzipped: kept the"), "gzip warning: %s",
        nw ? w[0] : "(none)");
  /* and it does fit: deflate it the same way */
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  static unsigned char gz[1 << 20];
  zs.next_in = (unsigned char *)out;
  zs.avail_in = (unsigned)strlen(out);
  zs.next_out = gz;
  zs.avail_out = sizeof gz;
  deflate(&zs, Z_FINISH);
  CHECK(zs.total_out <= 8000, "gzipped %lu bytes", (unsigned long)zs.total_out);
  deflateEnd(&zs);
  json_decref(root);
  free(out);
  free_strings(w, nw);
  ps_file_result_free(file);
}

static void test_uris(void) {
  char *s = ps_report_uri_encode("a b/\xc3\xa9~_-.%#?:@!");
  CHECK_STR(s, "a%20b/%C3%A9~_-.%25%23%3F%3A%40%21");
  free(s);
  bool rel;
  s = ps_report_artifact_uri("./src/a b.py", "/w", &rel);
  CHECK_STR(s, "src/a%20b.py");
  CHECK(rel, "relative");
  free(s);
  s = ps_report_artifact_uri("/w/x/y.py", "/w/", &rel);
  CHECK_STR(s, "x/y.py");
  CHECK(rel, "under working dir");
  free(s);
  s = ps_report_artifact_uri("/wx/y.py", "/w", &rel);
  CHECK_STR(s, "file:///wx/y.py");
  CHECK(!rel, "sibling dir is not under /w");
  free(s);
  s = ps_report_artifact_uri("/t/\xe4\xb8\xad.py", NULL, &rel);
  CHECK_STR(s, "file:///t/%E4%B8%AD.py");
  free(s);
  PsRuleMeta r = RULE_FT002;
  s = ps_report_help_uri(&r);
  CHECK_STR(s, "https://github.com/pyshift/pyshift/blob/main/docs/rules/FT002.md");
  free(s);
}

/* ---- write errors ----------------------------------------------------- */

static int render_to(FILE *out, PsFormat format) {
  Sample s = sample();
  PsRunInfo run = base_run();
  PsReportOptions o = fmt(format);
  o.out = out;
  PsReporter *r = ps_report_new(&o);
  ps_report_begin(r, &run);
  /* enough output to overflow stdio's buffer and any pipe buffer */
  for (int i = 0; i < 2000; i++) ps_report_file(r, s.files[i % 2]);
  int rc = ps_report_end(r, &run);
  ps_report_delete(r);
  sample_free(&s);
  return rc;
}

static void test_write_errors(void) {
  FILE *full = fopen("/dev/full", "w");
  if (full) {
    CHECK_INT(render_to(full, PS_FORMAT_TEXT), PS_E_IO);
    fclose(full);
    full = fopen("/dev/full", "w");
    CHECK_INT(render_to(full, PS_FORMAT_SARIF), PS_E_IO);
    fclose(full);
  }
  /* broken pipe with SIGPIPE ignored, as main() sets it up */
  void (*old)(int) = signal(SIGPIPE, SIG_IGN);
  PsFormat formats[] = {PS_FORMAT_TEXT, PS_FORMAT_GITHUB, PS_FORMAT_JSON, PS_FORMAT_SARIF};
  for (size_t i = 0; i < 4; i++) {
    int fds[2];
    if (pipe(fds) != 0) break;
    close(fds[0]);
    FILE *w = fdopen(fds[1], "w");
    CHECK_INT(render_to(w, formats[i]), PS_E_IO);
    fclose(w);
  }
  signal(SIGPIPE, old);
}

/* ---- fingerprints ------------------------------------------------------
 * Expected values were produced by running github/codeql-action's
 * src/fingerprints.ts hash() (HEAD f3f1edbed, transpiled, with the `long`
 * package it pins) under node on files holding exactly these bytes; hash()
 * reports one value per line, including the line after a final newline. */

static const struct Vector {
  const char *name;
  const char *src;
  size_t len;
  const char *want[32];
} VECTORS[] = {
    {"simple", "a\nb\n", 4,
     {"81b8d8db678b2bbe:1", "ade70578248be16f:1", "c129715d7a2bc9a3:1"}},
    {"crlf", "def f():\r\n    return 1\r\n", 24,
     {"b278a546672c29d4:1", "c640be1c5b5a107a:1", "c129715d7a2bc9a3:1"}},
    {"tabs", "\tx = 1\n  \t y=2\n\t\t\n", 18,
     {"697ef4164f2345a3:1", "c4eb62b402ffbe47:1", "3c5bef55b72b93c9:1", "c129715d7a2bc9a3:1"}},
    {"blank", "a\n\n\n b\n", 7,
     {"356f58d66fa44792:1", "b8d96ae672d1b223:1", "bf4c4d48992e2ca5:1", "ade70578248be16f:1", "c129715d7a2bc9a3:1"}},
    {"unicode", "s = 'h\xc3\xa9llo \xf0\x9f\x98\x80'\n# \xc3\xbcn\xc3\xaf" "code \xe4\xb8\xad\xe6\x96\x87\n", 37,
     {"f3845d2fbbca8a71:1", "7b5ddace27125758:1", "c129715d7a2bc9a3:1"}},
    {"repeated", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", 363,
     {"52b56201ffb58620:1", "52b56201ffb58620:2", "52b56201ffb58620:3", "c129715d7a2bc9a3:1"}},
    {"no_eol", "import os\nx = 1", 15,
     {"becfe00fb1a58cb4:1", "d38b34bb229aa761:1"}},
    {"lone_cr", "a\rb\r\nc", 6,
     {"7b3788cf31b92be9:1", "e461f42c548ac762:1", "188ff2f224477a1e:1"}},
    {"cr_space_lf", "a\r \nb\n", 6,
     {"818c3a85b988abe4:1", "bf4c4d48992e2ca5:1", "ade70578248be16f:1", "c129715d7a2bc9a3:1"}},
    {"invalid", "\xef\xbb\xbfx\xe2\x82y\n\xed\xa0\x80z\n\xc0\x80\xff\xf0\x9f\x98\x80\n", 21,
     {"74a30ec6d9fa0d7f:1", "eba709d7d2d1d938:1", "d3877c835eac3151:1", "c129715d7a2bc9a3:1"}},
    {"empty", "", 0,
     {"c129715d7a2bc9a3:1"}},
    {"long", "value_0 = compute(0)  # comment\nvalue_1 = compute(7)  # comment\nvalue_2 = compute(14)  # comment\nvalue_3 = compute(21)  # comment\nvalue_4 = compute(28)  # comment\nvalue_5 = compute(35)  # comment\nvalue_6 = compute(42)  # comment\nvalue_7 = compute(49)  # comment\nvalue_8 = compute(56)  # comment\nvalue_9 = compute(63)  # comment\nvalue_10 = compute(70)  # comment\nvalue_11 = compute(77)  # comment\nvalue_12 = compute(84)  # comment\nvalue_13 = compute(91)  # comment\nvalue_14 = compute(98)  # comment\nvalue_15 = compute(105)  # comment\nvalue_16 = compute(112)  # comment\nvalue_17 = compute(119)  # comment\nvalue_18 = compute(126)  # comment\nvalue_19 = compute(133)  # comment\nvalue_20 = compute(140)  # comment\nvalue_21 = compute(147)  # comment\nvalue_22 = compute(154)  # comment\nvalue_23 = compute(161)  # comment\nvalue_24 = compute(168)  # comment\nvalue_25 = compute(175)  # comment\nvalue_26 = compute(182)  # comment\nvalue_27 = compute(189)  # comment\nvalue_28 = compute(196)  # comment\nvalue_29 = compute(203)  # comment\n", 1023,
     {"cecdba1a0d4b27a4:1", "873021b4f942267e:1", "5944d766f9e589df:1", "adc032b02766bf76:1", "67b1d11c27e3c35d:1", "d5c49a0d4a2d7a4:1", "61d7a4ea02240d3b:1", "1bc4eeb3b5bd08f5:1", "a4b9c28d4b9ed8b5:1", "264383ffef27e75f:1", "c1f6331fd6cb8ac4:1", "164cc78fd9b232af:1", "9e9cdda6899f2d22:1", "96bd5db0fb0ab7cc:1", "cf75c05391677b45:1", "a63733c7c2317c50:1", "75ae28d3ccd082f7:1", "a04849727a8e45c9:1", "34d0fefbe8c51b2e:1", "499a519186cd80e0:1", "8ea5667a3155c4d2:1", "b93f8718df12f741:1", "f0fba6ee19d8b960:1", "c0729bfa2477c007:1", "eb0cbc98d234f276:1", "22c8dc6e0cfab495:1", "f23fd17a1799bb3c:1", "dfafc3d0662d55f5:1", "eb4dbd4ca65708c7:1", "9f81a2c2248505fe:1", "c129715d7a2bc9a3:1"}},
};

static void test_fingerprints(void) {
  for (size_t v = 0; v < sizeof VECTORS / sizeof *VECTORS; v++) {
    const struct Vector *vec = &VECTORS[v];
    size_t n = 0;
    while (vec->want[n]) n++;
    /* ask for line 0, every line, one past the end, in reverse order, and
     * line 1 twice */
    unsigned lines[40];
    size_t k = 0;
    lines[k++] = 0;
    for (size_t i = n + 1; i >= 1; i--) lines[k++] = (unsigned)i;
    lines[k++] = 1;
    char *out[40];
    ps_fingerprint_lines(vec->src, vec->len, lines, k, out);
    for (size_t i = 0; i < k; i++) {
      unsigned line = lines[i];
      const char *want = line >= 1 && line <= n ? vec->want[line - 1] : NULL;
      if (want) {
        CHECK(out[i] && !strcmp(out[i], want), "%s line %u: got %s, want %s", vec->name, line,
              out[i] ? out[i] : "(null)", want);
      } else {
        CHECK(out[i] == NULL, "%s line %u: got %s, want none", vec->name, line, out[i]);
      }
      free(out[i]);
    }
  }
  ps_fingerprint_lines("", 0, NULL, 0, NULL);
}


/* ---- html ------------------------------------------------------------- */

/* Strings a hostile repository can put in a report: file names, source
 * lines, messages built from its identifiers. None may become markup. */
#define EVIL_PATH "evil\"'<img src=x onerror=window.__pwned=1>.py"
#define EVIL_LINE "x = '</script><script>window.__pwned=1</script>' # <img src=x onerror=\"window.__pwned=1\">"
#define EVIL_MSG "`</script><svg onload=window.__pwned=1>` & \"quoted\" 'single'"

/* A run for the page: the rich files, a hostile file, and the explained
 * finding with its shared object, a second access to the same object and
 * a finding that a related location points at. */
static PsFileResult **html_files(size_t *n) {
  size_t nr;
  PsFileResult **rich = rich_files(&nr);
  PsFileResult **files = ps_xmalloc((nr + 2) * sizeof *files);
  memcpy(files, rich, nr * sizeof *files);
  free(rich);
  /* src/race.py (rich[3]): give its explained finding an object, add a
   * second race on the object and the definition line as a finding. */
  PsFileResult *race = files[3];
  race->findings[0].object = ps_xstrdup("counter");
  race->findings[0].object_defined = ps_xstrdup("src/race.py:1");
  PsFinding more[3];
  more[0] = race->findings[0];
  more[1] = finding(&RULE_FT002, pos(1, 1, 1, 0), pos(1, 8, 8, 7), "`counter` is defined here", "counter = 0");
  more[2] = explained();
  more[2].range = (PsRange){pos(12, 5, 5, 95), pos(12, 12, 12, 102)};
  free(more[2].message);
  more[2].message = ps_xstrdup("`counter` is read by two threads");
  more[2].confidence = "medium";
  more[2].object = ps_xstrdup("counter");
  more[2].object_defined = ps_xstrdup("src/race.py:1");
  free(race->findings);
  race->findings = ps_xmalloc(sizeof more);
  memcpy(race->findings, more, sizeof more);
  race->n_findings = 3;
  PsFinding e[1];
  e[0] = finding(&RULE_RM001, pos(1, 5, 5, 4), pos(1, 14, 14, 13), EVIL_MSG, EVIL_LINE);
  add_related(&e[0], (PsRange){pos(2, 1, 1, 0), pos(2, 2, 2, 1)}, "<b onmouseover=window.__pwned=1>related</b>");
  e[0].notes = ps_xcalloc(1, sizeof(char *));
  e[0].notes[0] = ps_xstrdup("</script><script>window.__pwned=1</script>");
  e[0].n_notes = 1;
  e[0].object = ps_xstrdup("<img src=x onerror=window.__pwned=1>");
  e[0].confidence = "high";
  files[nr] = file_result(EVIL_PATH, e, 1);
  *n = nr + 1;
  return files;
}

/* The page's JSON block, parsed (NULL if missing or invalid). */
static json_t *html_data(const char *page) {
  const char *open = "<script type=\"application/json\" id=\"ps-data\">";
  const char *a = page ? strstr(page, open) : NULL;
  if (!a) return NULL;
  a += strlen(open);
  const char *b = strstr(a, "</script>");
  if (!b) return NULL;
  return json_loadb(a, (size_t)(b - a), 0, NULL);
}

static size_t count_str(const char *s, const char *needle) {
  size_t n = 0;
  for (const char *p = s; (p = strstr(p, needle)); p++) n++;
  return n;
}

static void test_html(void) {
  size_t n;
  PsFileResult **files = html_files(&n);
  PsRunInfo run = rich_run();
  run.n_notes = 0;
  char *page = render(fmt(PS_FORMAT_HTML), &run, files, n, NULL);
  CHECK(page && !strncmp(page, "<!DOCTYPE html>\n", 16), "a page");

  /* Self-contained: no external resource, a CSP that allows only the
   * page's own script and style. */
  CHECK(page && strstr(page, "content=\"default-src 'none'; script-src 'sha256-"), "CSP");
  CHECK(page && !strstr(page, "<link") && !strstr(page, "<iframe") && !strstr(page, "<object") &&
            !strstr(page, "<embed") && !strstr(page, "@import") && !strstr(page, "url("),
        "no external assets");
  CHECK(page && count_str(page, "<script") == 2, "the data block and the script, nothing else");

  /* Escaping: the hostile strings only as text. */
  CHECK(page && !strstr(page, "<img") && !strstr(page, "<svg onload") && !strstr(page, "<b onmouseover"),
        "no markup from the scanned code");
  CHECK(page && strstr(page, ">evil&quot;&#39;&lt;img src=x onerror=window.__pwned=1&gt;</a>"),
        "the hostile file's module escaped");
  CHECK(page && strstr(page, "\\u003c/script\\u003e\\u003cscript\\u003ewindow.__pwned=1"), "JSON with \\u003c");
  CHECK(page && count_str(page, "</script>") == 2, "only the two real script ends");

  json_t *data = html_data(page);
  CHECK(data, "the JSON block parses");
  json_t *fs = json_object_get(data, "findings");
  CHECK_INT(json_array_size(fs), 8);
  CHECK_INT(json_integer_value(json_object_get(data, "total")), 8);
  /* The hostile finding keeps its text exactly. */
  bool found = false;
  size_t i;
  json_t *f;
  json_array_foreach(fs, i, f) {
    const char *src = json_string_value(json_object_get(f, "src"));
    if (src && !strcmp(src, EVIL_LINE)) found = !strcmp(json_string_value(json_object_get(f, "m")), EVIL_MSG);
  }
  CHECK(found, "source line and message unchanged in the data");
  json_t *paths = json_object_get(data, "paths");
  found = false;
  json_array_foreach(paths, i, f) found |= !strcmp(json_string_value(f), EVIL_PATH);
  CHECK(found, "hostile path in the data");

  /* Groups: the hostile object (high confidence, an error) first, then
   * `counter` with its two races. */
  json_t *groups = json_object_get(data, "groups");
  CHECK_INT(json_array_size(groups), 2);
  CHECK_STR(json_string_value(json_object_get(json_array_get(groups, 0), "object")),
            "<img src=x onerror=window.__pwned=1>");
  CHECK_STR(json_string_value(json_object_get(json_array_get(groups, 1), "object")), "counter");
  CHECK_STR(json_string_value(json_object_get(json_array_get(groups, 1), "defined")), "src/race.py:1");
  CHECK_INT(json_array_size(json_object_get(json_array_get(groups, 1), "f")), 2);
  /* Links: the race's related location (src/race.py:1) is the finding on
   * line 1, which lists the race under "by". */
  json_t *g0 = json_object_get(json_array_get(groups, 1), "f");
  json_t *race = json_array_get(fs, (size_t)json_integer_value(json_array_get(g0, 0)));
  json_t *rel = json_array_get(json_object_get(race, "rel"), 0);
  CHECK(json_object_get(rel, "t"), "related location linked to a finding");
  json_t *target = json_array_get(fs, (size_t)json_integer_value(json_object_get(rel, "t")));
  CHECK_INT(json_integer_value(json_object_get(target, "l")), 1);
  CHECK(json_array_size(json_object_get(target, "by")) >= 1, "backlink");
  CHECK(json_array_size(json_object_get(race, "flows")) == 2, "flows kept");
  json_decref(data);

  /* Summary: counts by family, rule, module, severity. */
  CHECK(page && strstr(page, "<b id=\"count-error\">3</b>"), "3 errors");
  CHECK(page && strstr(page, "data-filter=\"family\" data-value=\"FT\">FT</a></td><td class=\"n\">4</td>"),
        "FT family count");
  CHECK(page && strstr(page, "data-filter=\"rule\" data-value=\"RM001\">RM001</a>"), "rule row");
  CHECK(page && strstr(page, ">src</a></td><td class=\"n\">3</td>"), "module src: race.py's 3 findings");
  CHECK(page && strstr(page, "<time id=\"run-start\">2026-11-21T07:04:24Z</time>"), "start time");

  /* Byte-identical whatever order the files arrive in (--jobs). */
  PsFileResult **rev = ps_xmalloc(n * sizeof *rev);
  for (size_t k = 0; k < n; k++) rev[k] = files[n - 1 - k];
  char *again = render(fmt(PS_FORMAT_HTML), &run, rev, n, NULL);
  CHECK(page && again && !strcmp(page, again), "same bytes for any file order");
  free(again);
  free(rev);

  /* The cap keeps the most severe findings and says so. */
  PsReportOptions o = fmt(PS_FORMAT_HTML);
  o.html_max_findings = 3;
  char *data_text = NULL;
  size_t size = 0;
  FILE *out = open_memstream(&data_text, &size);
  o.out = out;
  PsReporter *r = ps_report_new(&o);
  ps_report_begin(r, &run);
  for (size_t k = 0; k < n; k++) ps_report_file(r, files[k]);
  ps_report_end(r, &run);
  const char *const *warnings;
  CHECK_INT(ps_report_warnings(r, &warnings), 1);
  ps_report_delete(r);
  fclose(out);
  data = html_data(data_text);
  fs = json_object_get(data, "findings");
  CHECK_INT(json_array_size(fs), 3);
  CHECK_INT(json_integer_value(json_object_get(data, "total")), 8);
  json_array_foreach(fs, i, f) CHECK_INT(json_integer_value(json_object_get(f, "s")), PS_SEVERITY_ERROR);
  CHECK(strstr(data_text, "id=\"left-out\""), "the page says findings were left out");
  json_decref(data);
  free(data_text);

  /* No findings: a page all the same. */
  char *empty = render(fmt(PS_FORMAT_HTML), &run, NULL, 0, NULL);
  CHECK(empty && strstr(empty, "No findings.") && strstr(empty, "</html>\n"), "empty run");
  data = html_data(empty);
  CHECK(data && json_array_size(json_object_get(data, "findings")) == 0, "empty data");
  json_decref(data);
  free(empty);

  free(page);
  for (size_t k = 0; k < n; k++) ps_file_result_free(files[k]);
  free(files);
}

/* A long source line is cut around the finding. */
static void test_html_long_line(void) {
  PsRunInfo run = base_run();
  PsBuf line = PS_BUF_INIT;
  for (int k = 0; k < 3000; k++) ps_buf_putc(&line, 'a');
  ps_buf_puts(&line, "TARGET");
  for (int k = 0; k < 3000; k++) ps_buf_putc(&line, 'b');
  PsFinding f[1];
  f[0] = finding(&RULE_RM001, pos(1, 3001, 3001, 3000), pos(1, 3007, 3007, 3006), "long", line.data);
  ps_buf_free(&line);
  PsFileResult *file = file_result("long.py", f, 1);
  char *page = render(fmt(PS_FORMAT_HTML), &run, &file, 1, NULL);
  json_t *data = html_data(page);
  json_t *x = json_array_get(json_object_get(data, "findings"), 0);
  const char *src = json_string_value(json_object_get(x, "src"));
  CHECK(src && strlen(src) == 400 && strstr(src, "TARGET"), "a 400-character window holding the finding");
  CHECK_INT(json_integer_value(json_object_get(x, "so")), 2900);
  CHECK(json_is_true(json_object_get(x, "cut")), "cut after");
  json_decref(data);
  free(page);
  ps_file_result_free(file);
}

/* ---- --write-sarif ---------------------------------------------------- */

static int write_sarif(const char *path) {
  FILE *out = fopen(path, "w");
  if (!out) {
    perror(path);
    return 1;
  }
  size_t n;
  PsFileResult **files = rich_files(&n);
  PsRunInfo run = rich_run();
  PsReportOptions o = fmt(PS_FORMAT_SARIF);
  o.out = out;
  PsReporter *r = ps_report_new(&o);
  ps_report_begin(r, &run);
  for (size_t i = 0; i < n; i++) ps_report_file(r, files[i]);
  int rc = ps_report_end(r, &run);
  ps_report_delete(r);
  for (size_t i = 0; i < n; i++) ps_file_result_free(files[i]);
  free(files);
  if (fclose(out) != 0 || rc != 0) {
    fprintf(stderr, "%s: write failed\n", path);
    return 1;
  }
  return 0;
}

/* --write-html FILE: the page of test_html (hostile strings, shared-object
 * groups) for tests/tools/html_browser.py. --write-html-many N FILE: N
 * findings in N/20 files, for the scale check. */
static int write_html(const char *path, long many) {
  FILE *out = fopen(path, "w");
  if (!out) {
    perror(path);
    return 1;
  }
  size_t n;
  PsFileResult **files;
  if (many <= 0) {
    files = html_files(&n);
  } else {
    n = (size_t)(many + 19) / 20;
    files = ps_xmalloc(n * sizeof *files);
    const PsRuleMeta *rules[] = {&RULE_RM001, &RULE_FT002, &RULE_TY003};
    for (size_t k = 0; k < n; k++) {
      size_t m = k + 1 < n ? 20 : (size_t)many - 20 * k;
      PsFinding fs[20];
      for (size_t j = 0; j < m; j++) {
        char msg[64], line[64];
        snprintf(msg, sizeof msg, "finding %zu", 20 * k + j);
        snprintf(line, sizeof line, "value_%zu = compute(%zu)", j, k);
        fs[j] = finding(rules[(k + j) % 3], pos((uint32_t)j + 1, 1, 1, 0), pos((uint32_t)j + 1, 6, 6, 5), msg, line);
      }
      char name[64];
      snprintf(name, sizeof name, "pkg%zu/mod%04zu.py", k % 37, k);
      files[k] = file_result(name, fs, m);
    }
  }
  PsRunInfo run = rich_run();
  run.n_notes = 0;
  run.n_files = n;
  PsReportOptions o = fmt(PS_FORMAT_HTML);
  o.out = out;
  PsReporter *r = ps_report_new(&o);
  ps_report_begin(r, &run);
  for (size_t i = 0; i < n; i++) ps_report_file(r, files[i]);
  int rc = ps_report_end(r, &run);
  ps_report_delete(r);
  for (size_t i = 0; i < n; i++) ps_file_result_free(files[i]);
  free(files);
  if (fclose(out) != 0 || rc != 0) {
    fprintf(stderr, "%s: write failed\n", path);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "--write-html")) return write_html(argv[2], 0);
  if (argc == 4 && !strcmp(argv[1], "--write-html-many")) return write_html(argv[3], atol(argv[2]));
  if (argc == 3 && !strcmp(argv[1], "--write-sarif")) return write_sarif(argv[2]);
  test_text();
  test_text_source_unicode();
  test_statistics();
  test_github();
  test_json();
  test_sarif();
  test_explained();
  test_sarif_limits();
  test_uris();
  test_write_errors();
  test_fingerprints();
  test_html();
  test_html_long_line();
  return CHECK_DONE();
}
