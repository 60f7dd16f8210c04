/* test_core_diff.c: the unified line diff (core/diff.c) against GNU `diff -u`.
 *
 * Fixed cases compare the output byte for byte with what `diff -u` prints
 * for the same two files (its header lines, which carry timestamps, are
 * replaced by ours). Random cases check what holds whichever shortest
 * script is chosen: applying the hunks to the old text gives the new one,
 * and the number of changed lines is the same as `diff --minimal`'s.
 */
#include "core/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"

static char dir[] = "/tmp/pyshift-diff-test.XXXXXX";

static void write_file(const char *path, const char *s, size_t n) {
  FILE *f = fopen(path, "wb");
  fwrite(s, 1, n, f);
  fclose(f);
}

/* Runs `diff <opts> a b` on the two texts; returns its stdout with the two
 * header lines replaced by "--- a\n+++ b\n" (empty if identical). */
static char *gnu_diff(const char *opts, const char *a, size_t an, const char *b, size_t bn) {
  char pa[64], pb[64], cmd[256];
  snprintf(pa, sizeof pa, "%s/a", dir);
  snprintf(pb, sizeof pb, "%s/b", dir);
  write_file(pa, a, an);
  write_file(pb, b, bn);
  snprintf(cmd, sizeof cmd, "diff %s %s %s", opts, pa, pb);
  FILE *p = popen(cmd, "r");
  PsBuf out = PS_BUF_INIT;
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, p)) > 0) ps_buf_append(&out, chunk, n);
  pclose(p);
  PsBuf res = PS_BUF_INIT;
  if (out.len) {
    const char *s = out.data;
    for (int i = 0; i < 2; i++) s = strchr(s, '\n') + 1;
    ps_buf_puts(&res, "--- a\n+++ b\n");
    ps_buf_puts(&res, s);
  }
  ps_buf_free(&out);
  return ps_buf_steal(&res);
}

static char *ours(const char *a, size_t an, const char *b, size_t bn, unsigned ctx) {
  PsBuf out = PS_BUF_INIT;
  ps_diff_unified(&out, "a", a, an, "b", b, bn, ctx);
  return ps_buf_steal(&out);
}

static void same_as_gnu(const char *name, const char *a, const char *b) {
  char *want = gnu_diff("-u", a, strlen(a), b, strlen(b));
  char *got = ours(a, strlen(a), b, strlen(b), 3);
  CHECK(!strcmp(want, got), "%s: ours:\n%s\n--- diff -u:\n%s", name, got, want);
  free(want);
  free(got);
}

static void test_fixed(void) {
  same_as_gnu("identical", "a\nb\n", "a\nb\n");
  same_as_gnu("both empty", "", "");
  same_as_gnu("from empty", "", "x\ny\n");
  same_as_gnu("to empty", "x\ny\n", "");
  same_as_gnu("one line", "import typing\nx: typing.Text = 1\n", "import typing\nx: str = 1\n");
  same_as_gnu("insert at start", "b\nc\nd\ne\nf\n", "a\nb\nc\nd\ne\nf\n");
  same_as_gnu("append", "a\nb\nc\nd\ne\n", "a\nb\nc\nd\ne\nf\n");
  same_as_gnu("no newline at end, old", "a\nb", "a\nc\n");
  same_as_gnu("no newline at end, new", "a\nb\n", "a\nb");
  same_as_gnu("no newline at end, both", "a\nb", "a\nc");
  same_as_gnu("no newline, unchanged last line", "x\n1\n2\n3\nlast", "y\n1\n2\n3\nlast");
  same_as_gnu("no newline, context", "x\n1\n2\nlast", "y\n1\n2\nlast");
  same_as_gnu("crlf", "a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n");
  /* Two changes 6 lines apart share a hunk; 7 apart they do not. */
  same_as_gnu("gap 6", "x\n1\n2\n3\n4\n5\n6\ny\n", "X\n1\n2\n3\n4\n5\n6\nY\n");
  same_as_gnu("gap 7", "x\n1\n2\n3\n4\n5\n6\n7\ny\n", "X\n1\n2\n3\n4\n5\n6\n7\nY\n");
  same_as_gnu("gap 7 far", "0\n0\n0\n0\nx\n1\n2\n3\n4\n5\n6\n7\ny\n0\n0\n0\n0\n",
              "0\n0\n0\n0\nX\n1\n2\n3\n4\n5\n6\n7\nY\n0\n0\n0\n0\n");
  same_as_gnu("replace block", "a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nC\nD\nE\nf\ng\nh\n");
  same_as_gnu("delete block", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n", "a\nb\nc\ni\nj\n");
  same_as_gnu("insert middle", "a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nd\nnew\ne\nf\ng\nh\n");
  same_as_gnu("long file, two hunks",
              "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n",
              "1\n2\nthree\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\nseventeen\n18\n19\n20\n");
  same_as_gnu("empty lines", "\n\n\n", "\n\nx\n\n");

  /* Context 0 and the no-change return value. */
  PsBuf out = PS_BUF_INIT;
  CHECK_INT(ps_diff_unified(&out, "a", "a\nb\n", 4, "b", "a\nb\n", 4, 3), 0);
  CHECK_INT(out.len, 0);
  CHECK_INT(ps_diff_unified(&out, "p", "a\nb\nc\n", 6, "p", "a\nB\nc\n", 6, 0), 1);
  CHECK_STR(out.data, "--- p\n+++ p\n@@ -2 +2 @@\n-b\n+B\n");
  ps_buf_free(&out);
}

/* Applies the hunks of a unified diff to `a`; NULL if they do not fit. */
static char *apply(const char *a, const char *diff) {
  PsBuf out = PS_BUF_INIT;
  const char *p = diff;
  /* Lines of a, as pointers. */
  Array(const char *) al;
  array_init(&al);
  for (const char *s = a; *s;) {
    array_push(&al, s);
    const char *nl = strchr(s, '\n');
    s = nl ? nl + 1 : s + strlen(s);
  }
  array_push(&al, a + strlen(a));
  size_t next = 0; /* next line of a to copy */
  bool ok = true;
  p = strstr(p, "@@");
  while (ok && p && *p) {
    unsigned long as, ac = 1, bs, bc = 1;
    if (sscanf(p, "@@ -%lu,%lu", &as, &ac) < 2) sscanf(p, "@@ -%lu", &as);
    (void)bs, (void)bc;
    size_t start = ac ? as - 1 : as;
    if (start < next || start > al.size - 1) {
      ok = false;
      break;
    }
    for (; next < start; next++) ps_buf_append(&out, al.items[next], (size_t)(al.items[next + 1] - al.items[next]));
    p = strchr(p, '\n') + 1;
    while (*p && *p != '@') {
      const char *nl = strchr(p, '\n');
      size_t len = (size_t)(nl - p);
      bool nonl = nl[1] == '\\';
      if (*p == ' ' || *p == '-') {
        size_t la = (size_t)(al.items[next + 1] - al.items[next]);
        size_t want = len - 1 + !nonl;
        if (next + 1 >= al.size || la != want || memcmp(al.items[next], p + 1, la)) {
          ok = false;
          break;
        }
        if (*p == ' ') ps_buf_append(&out, p + 1, want);
        next++;
      } else if (*p == '+') {
        ps_buf_append(&out, p + 1, len - 1 + !nonl);
      } else {
        ok = false;
        break;
      }
      p = nl + 1;
      if (nonl) p = strchr(p, '\n') + 1;
    }
  }
  for (; ok && next + 1 < al.size; next++)
    ps_buf_append(&out, al.items[next], (size_t)(al.items[next + 1] - al.items[next]));
  array_free(&al);
  if (!ok) {
    ps_buf_free(&out);
    return NULL;
  }
  return ps_buf_steal(&out);
}

static size_t changed_lines(const char *diff) {
  size_t n = 0;
  const char *p = strstr(diff, "@@");
  for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
    if (*p == '+' || *p == '-') n++;
  return n;
}

static void random_text(PsBuf *b, unsigned *seed, int lines, int alphabet) {
  ps_buf_reset(b);
  for (int i = 0; i < lines; i++) {
    *seed = *seed * 1103515245u + 12345u;
    ps_buf_printf(b, "%c\n", 'a' + (int)((*seed >> 16) % (unsigned)alphabet));
  }
  *seed = *seed * 1103515245u + 12345u;
  if ((*seed >> 16) % 4 == 0 && b->len) b->data[--b->len] = '\0'; /* no final newline */
}

static void test_random(void) {
  unsigned seed = 12345;
  PsBuf a = PS_BUF_INIT, b = PS_BUF_INIT;
  int exact = 0, total = 0;
  for (int round = 0; round < 300; round++) {
    int la = (int)(seed % 40), lb = (int)((seed >> 8) % 40), alpha = 2 + round % 5;
    random_text(&a, &seed, la, alpha);
    random_text(&b, &seed, lb, alpha);
    const char *sa = a.data ? a.data : "", *sb = b.data ? b.data : "";
    char *got = ours(sa, a.len, sb, b.len, (unsigned)(round % 4));
    char *applied = apply(sa, got);
    CHECK(applied && !strcmp(applied, sb), "round %d: applying our diff does not give b\n%s", round, got);
    char opts[32];
    snprintf(opts, sizeof opts, "--minimal -U%d", round % 4);
    char *want = gnu_diff(opts, sa, a.len, sb, b.len);
    CHECK_INT(changed_lines(got), changed_lines(want));
    exact += !strcmp(got, want);
    total++;
    free(applied);
    free(got);
    free(want);
  }
  printf("random: %d of %d identical to diff --minimal\n", exact, total);
  ps_buf_free(&a);
  ps_buf_free(&b);
}

static void test_large(void) {
  /* 20,000 lines with scattered changes: linear memory, quick. */
  PsBuf a = PS_BUF_INIT, b = PS_BUF_INIT;
  for (int i = 0; i < 20000; i++) {
    ps_buf_printf(&a, "line %d\n", i);
    if (i % 997 == 0) ps_buf_printf(&b, "changed %d\n", i);
    else if (i % 1499 != 0) ps_buf_printf(&b, "line %d\n", i);
  }
  char *got = ours(a.data, a.len, b.data, b.len, 3);
  char *want = gnu_diff("-u", a.data, a.len, b.data, b.len);
  CHECK(!strcmp(got, want), "large diff differs from diff -u");
  free(got);
  free(want);
  ps_buf_free(&a);
  ps_buf_free(&b);
}

int main(void) {
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  test_fixed();
  test_random();
  test_large();
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", dir);
  return CHECK_DONE();
}
