/* test_run_fix.c: which fixes one round of --fix picks and how it applies
 * them (run/fix.c): order, overlaps, insertions at one offset, identical
 * fixes, unsafe ones, malformed edits and line endings. */
#include <stdlib.h>

#include "check.h"
#include "run/run_internal.h"

static const PsRuleMeta RULE_A = {.id = "XA001"}, RULE_B = {.id = "XB001"};

typedef struct Spec {
  uint32_t start, end;
  const char *text;
} Spec;

/* A finding with one fix made of the given edits (sorted as the engine
 * sorts them). */
static PsFinding finding(const PsRuleMeta *rule, bool safe, const Spec *edits, size_t n) {
  PsFinding f = {0};
  f.rule = rule;
  f.range.start.line = 1;
  f.fix = ps_xcalloc(1, sizeof *f.fix);
  f.fix->safe = safe;
  f.fix->message = ps_xstrdup("fix");
  f.fix->n_edits = n;
  f.fix->edits = ps_xcalloc(n, sizeof(PsEdit));
  for (size_t i = 0; i < n; i++) {
    f.fix->edits[i].range.start.byte = edits[i].start;
    f.fix->edits[i].range.end.byte = edits[i].end;
    f.fix->edits[i].text = ps_xstrdup(edits[i].text);
  }
  qsort(f.fix->edits, n, sizeof(PsEdit), ps_fix__edit_cmp);
  return f;
}

#define ONE(rule, safe, s, e, t) finding(rule, safe, (Spec[]){{s, e, t}}, 1)

/* Applies one round; returns the new text (static buffer) or "(none)". */
static const char *round1(const char *text, PsFinding *fs, size_t n, bool unsafe, size_t *fixed) {
  static char result[256];
  PsBuf out = PS_BUF_INIT, culprits = PS_BUF_INIT;
  *fixed = ps_fix__apply(text, strlen(text), fs, n, unsafe, &out, &culprits);
  snprintf(result, sizeof result, "%s", *fixed ? out.data : "(none)");
  ps_buf_free(&out);
  ps_buf_free(&culprits);
  for (size_t i = 0; i < n; i++) ps_finding_free(&fs[i]);
  return result;
}

static void test_rounds(void) {
  size_t k;
  /*                      0123456789012345 */
  const char *text = "x = typing.Text\n";
  PsFinding one[] = {ONE(&RULE_A, true, 4, 15, "str")};
  CHECK_STR(round1(text, one, 1, false, &k), "x = str\n");
  CHECK_INT(k, 1);

  /* Unsafe fixes need the flag. */
  PsFinding uns[] = {ONE(&RULE_A, false, 4, 15, "str")};
  CHECK_STR(round1(text, uns, 1, false, &k), "(none)");
  PsFinding uns2[] = {ONE(&RULE_A, false, 4, 15, "str")};
  CHECK_STR(round1(text, uns2, 1, true, &k), "x = str\n");

  /* Overlapping: the first by position wins; the other waits. */
  PsFinding ov[] = {ONE(&RULE_A, true, 4, 10, "T"), ONE(&RULE_B, true, 4, 15, "str")};
  CHECK_STR(round1(text, ov, 2, false, &k), "x = T.Text\n");
  CHECK_INT(k, 1);
  /* Same start: the shorter edit sorts first. */
  PsFinding ov2[] = {ONE(&RULE_B, true, 4, 15, "str"), ONE(&RULE_A, true, 11, 15, "X")};
  CHECK_STR(round1(text, ov2, 2, false, &k), "x = str\n");
  CHECK_INT(k, 1);

  /* Touching edits both apply. */
  PsFinding touch[] = {ONE(&RULE_A, true, 0, 1, "y"), ONE(&RULE_B, true, 1, 2, "")};
  CHECK_STR(round1(text, touch, 2, false, &k), "y= typing.Text\n");
  CHECK_INT(k, 2);

  /* Two insertions at one offset: the first (by rule id) only; identical
   * ones are one change, counted for both findings. */
  PsFinding ins[] = {ONE(&RULE_B, true, 0, 0, "b"), ONE(&RULE_A, true, 0, 0, "a")};
  CHECK_STR(round1(text, ins, 2, false, &k), "ax = typing.Text\n");
  CHECK_INT(k, 1);
  PsFinding same[] = {ONE(&RULE_A, true, 4, 15, "str"), ONE(&RULE_B, true, 4, 15, "str")};
  CHECK_STR(round1(text, same, 2, false, &k), "x = str\n");
  CHECK_INT(k, 2);
  /* An insertion inside a replaced range conflicts; at its end it does not. */
  PsFinding in_mid[] = {ONE(&RULE_A, true, 4, 15, "str"), ONE(&RULE_B, true, 8, 8, "!")};
  CHECK_STR(round1(text, in_mid, 2, false, &k), "x = str\n");
  PsFinding in_end[] = {ONE(&RULE_A, true, 4, 15, "str"), ONE(&RULE_B, true, 15, 15, "()")};
  CHECK_STR(round1(text, in_end, 2, false, &k), "x = str()\n");
  CHECK_INT(k, 2);

  /* A fix with several edits is all or nothing. */
  PsFinding multi[] = {finding(&RULE_A, true, (Spec[]){{0, 1, "y"}, {4, 10, "t"}}, 2),
                       ONE(&RULE_B, true, 11, 15, "X")};
  CHECK_STR(round1(text, multi, 2, false, &k), "y = t.X\n");
  PsFinding multi2[] = {finding(&RULE_B, true, (Spec[]){{0, 1, "y"}, {8, 12, "!"}}, 2),
                        ONE(&RULE_A, true, 4, 10, "t")};
  CHECK_STR(round1(text, multi2, 2, false, &k), "y = typi!ext\n");
  CHECK_INT(k, 1);

  /* Malformed or no-op fixes are never applied. */
  PsFinding bad[] = {ONE(&RULE_A, true, 4, 99, "x"), ONE(&RULE_B, true, 4, 10, "typing")};
  CHECK_STR(round1(text, bad, 2, false, &k), "(none)");
  const char *utf = "s = 'é'\n";
  PsFinding split[] = {ONE(&RULE_A, true, 6, 7, "e")}; /* inside the 2-byte é */
  CHECK_STR(round1(utf, split, 1, false, &k), "(none)");
  PsFinding badtext[] = {ONE(&RULE_A, true, 0, 1, "\xff")};
  CHECK_STR(round1(utf, badtext, 1, false, &k), "(none)");
  PsFinding nofix[] = {{.rule = &RULE_A}};
  CHECK_STR(round1(text, nofix, 1, true, &k), "(none)");

  /* Inserted line breaks follow the file's own. */
  PsFinding crlf[] = {ONE(&RULE_A, true, 0, 6, "import a\nimport b")};
  CHECK_STR(round1("import\r\nx\r\n", crlf, 1, false, &k), "import a\r\nimport b\r\nx\r\n");
  PsFinding cr[] = {ONE(&RULE_A, true, 0, 6, "import a\r\nimport b")};
  CHECK_STR(round1("import\rx\r", cr, 1, false, &k), "import a\rimport b\rx\r");
  PsFinding lf[] = {ONE(&RULE_A, true, 0, 6, "import a\r\nimport b")};
  CHECK_STR(round1("import", lf, 1, false, &k), "import a\nimport b");
}

int main(void) {
  test_rounds();
  return CHECK_DONE();
}
