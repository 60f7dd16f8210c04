/* test_walk_glob.c: exclude globs (ps_glob_match, ps_glob_check), the shared
 * wildmatch engine and compiled .gitignore files, without touching disk. */
#include "walk/walk.h"

#include <limits.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

typedef struct GlobCase {
  const char *pattern;
  const char *path;
  bool want;
} GlobCase;

static void test_glob_match(void) {
  static const GlobCase cases[] = {
      /* no '/': the basename */
      {"*.py", "a.py", true},
      {"*.py", "src/deep/a.py", true},
      {"*.py", "a.pyi", false},
      {"*.pyi", "pkg/stub.pyi", true},
      {"migrations", "app/migrations", true},
      {"migrations", "app/migrations/x.py", false},
      {"?.py", "a.py", true},
      {"?.py", "ab.py", false},
      {"a*b", "x/a/b", false},
      {"build/", "x/build", true}, /* a trailing '/' is ignored */
      {"*", "anything", true},
      /* with '/': the path relative to the cwd */
      {"src/*.py", "src/a.py", true},
      {"src/*.py", "src/b/a.py", false},
      {"src/*.py", "lib/src/a.py", false},
      {"src/**", "src/b/a.py", true},
      {"src/**", "src", false},
      {"src/**/a.py", "src/a.py", true},
      {"src/**/a.py", "src/x/y/a.py", true},
      {"**/a.py", "a.py", true},
      {"**/a.py", "x/y/a.py", true},
      {"src/**.py", "src/a/b.py", true}, /* any `**` crosses '/' here */
      {"src/a*", "src/ab/c", false},
      {"src/?/x.py", "src/a/x.py", true},
      {"src/?", "src//", false},
      {"tests/data/*.py", "tests/data/t.py", true},
      {"./src/*.py", "src/a.py", true},
      {"src/*.py", "./src/a.py", true},
      {"src/*.py", "././src/a.py", true},
      {"src/gen", "src/gen/", true},
      /* classes and escapes */
      {"[ab].py", "b.py", true},
      {"[ab].py", "c.py", false},
      {"[!ab].py", "c.py", true},
      {"[!ab].py", "a.py", false},
      {"[^a]x", "bx", true},
      {"[a-c]x", "bx", true},
      {"[a-c]x", "dx", false},
      {"[]]x", "]x", true},
      {"[!]]x", "ax", true},
      {"[a-]x", "-x", true},
      {"[[:digit:]]*.py", "1_a.py", true},
      {"[[:upper:][:digit:]]*", "Zed", true},
      {"[[:upper:]]*", "zed", false},
      {"a[/]b", "a/b", false},
      {"\\*.py", "*.py", true},
      {"\\*.py", "a.py", false},
      {"a\\?", "a?", true},
      {"[\\]]", "]", true},
      /* bytes, not characters */
      {"\xff*.py", "\xff\xfe.py", true},
      {"?.py", "\xc3\xa9.py", false},
      {"sp ace*", "dir/sp ace.py", true},
      {"new\nline.py", "new\nline.py", true},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const GlobCase *c = &cases[i];
    CHECK(ps_glob_match(c->pattern, c->path) == c->want, "\"%s\" vs \"%s\": want %d", c->pattern,
          c->path, c->want);
  }
}

static void test_glob_abs(void) {
  char cwd[PATH_MAX];
  CHECK(getcwd(cwd, sizeof cwd) != NULL, "getcwd");
  char *abs = ps_xasprintf("%s/src/a.py", cwd);
  CHECK(ps_glob_match("src/*.py", abs), "absolute path under the cwd is made relative");
  CHECK(ps_glob_match("*.py", abs), "basename of an absolute path");
  char *apat = ps_xasprintf("%s/src/**", cwd);
  CHECK(ps_glob_match(apat, "src/a.py"), "absolute pattern vs relative path");
  CHECK(ps_glob_match(apat, abs), "absolute pattern vs absolute path");
  CHECK(!ps_glob_match(apat, "lib/a.py"), "absolute pattern elsewhere");
  CHECK(!ps_glob_match("src/*.py", "/elsewhere/src/a.py"), "outside the cwd stays absolute");
  free(abs);
  free(apat);
}

static void test_glob_check(void) {
  PsError err;
  ps_error_clear(&err);
  CHECK_INT(ps_glob_check("*.py", &err), 0);
  CHECK_INT(ps_glob_check("src/**/[!_]*.py", &err), 0);
  CHECK_INT(ps_glob_check("[]]", &err), 0);
  CHECK_INT(ps_glob_check("[[:alpha:]]", &err), 0);
  CHECK_INT(ps_glob_check("a\\*", &err), 0);
  CHECK_INT(ps_glob_check("", &err), PS_E_USAGE);
  CHECK_STR(err.msg, "empty glob pattern");
  CHECK_INT(ps_glob_check("[ab", &err), PS_E_USAGE);
  CHECK_STR(err.msg, "invalid glob \"[ab\": unclosed character class");
  CHECK_INT(ps_glob_check("[]", &err), PS_E_USAGE);
  CHECK_INT(ps_glob_check("a\\", &err), PS_E_USAGE);
  CHECK_STR(err.msg, "invalid glob \"a\\\": trailing backslash");
  CHECK_INT(ps_glob_check("[z-a]", &err), PS_E_USAGE);
  CHECK_STR(err.msg, "invalid glob \"[z-a]\": range z-a is reversed");
  CHECK_INT(ps_glob_check("[[:nope:]]", &err), PS_E_USAGE);
  CHECK_STR(err.msg, "invalid glob \"[[:nope:]]\": unknown class [:nope:]");
  CHECK_INT(ps_glob_check("x", NULL), 0);
  CHECK_INT(ps_glob_check("[", NULL), PS_E_USAGE);
}

static void test_wildmatch_git_mode(void) {
  const unsigned P = PS_WM_PATHNAME;
  CHECK(!ps_walk__wildmatch("a*", "a/b", P), "star stops at '/'");
  CHECK(ps_walk__wildmatch("a*", "a/b", 0), "star crosses without PATHNAME");
  CHECK(ps_walk__wildmatch("a/**/b", "a/b", P), "/**/ matches no directory");
  CHECK(ps_walk__wildmatch("a/**/b", "a/x/y/b", P), "/**/ matches several");
  CHECK(ps_walk__wildmatch("**", "a/b/c", P), "** alone");
  CHECK(ps_walk__wildmatch("**/b", "b", P), "leading **/");
  CHECK(!ps_walk__wildmatch("a**b", "a/b", P), "non-component ** is a star in git mode");
  CHECK(ps_walk__wildmatch("a**b", "axyb", P), "non-component ** within a component");
  CHECK(ps_walk__wildmatch("a**b", "a/b", P | PS_WM_STARSTAR_ANY), "** crosses in glob mode");
  CHECK(ps_walk__wildmatch("a/**", "a/b/c", P), "trailing /**");
  CHECK(!ps_walk__wildmatch("a/**", "a", P), "trailing /** needs something below");
  CHECK(!ps_walk__wildmatch("a\\", "a", P), "trailing backslash never matches");
  CHECK(!ps_walk__wildmatch("[a", "[a", P), "unclosed class never matches");
  CHECK(ps_walk__wildmatch("*/b", "a/b", P), "star then slash");
  CHECK(!ps_walk__wildmatch("*/b", "a/x/b", P), "star is one component");
  /* Must not go exponential. */
  clock_t t0 = clock();
  char text[201];
  memset(text, 'a', 200);
  text[200] = '\0';
  CHECK(!ps_walk__wildmatch("*a*a*a*a*a*a*a*a*a*a*a*a*b", text, 0), "pathological no-match");
  CHECK(!ps_walk__wildmatch("**/a/**/a/**/a/**/a/**/a/**/b", "a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/c", P),
        "pathological ** no-match");
  CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0, "backtracking is pruned");
}

static bool ig(const PsIgnoreFile *f, const char *path, bool is_dir) {
  return ps_walk__ignore_match(f, path, is_dir);
}

static void test_ignore_compile(void) {
  PsArena *a = ps_arena_new(0);
  const char *top = "\xEF\xBB\xBF# comment\n\n*.log\n!keep.log\nbuild/\n/root.py\r\n"
                    "docs/*.py\ntrail.py   \nsp\\ .py\n\\#hash.py\n\\!bang.py\n";
  PsIgnoreFile *f = ps_walk__ignore_compile(a, top, strlen(top), "", NULL);
  CHECK(f != NULL, "compiled");
  CHECK(!ig(f, "# comment", false), "comment");
  CHECK(ig(f, "x.log", false) && ig(f, "d/e/x.log", false), "basename pattern at any depth");
  CHECK(!ig(f, "keep.log", false) && !ig(f, "d/keep.log", false), "negation");
  CHECK(ig(f, "build", true) && ig(f, "a/build", true), "dir-only pattern on a directory");
  CHECK(!ig(f, "build", false), "dir-only pattern on a file");
  CHECK(ig(f, "root.py", false) && !ig(f, "a/root.py", false), "anchored, CRLF stripped");
  CHECK(ig(f, "docs/a.py", false) && !ig(f, "x/docs/a.py", false), "middle slash anchors");
  CHECK(!ig(f, "docs/x/a.py", false), "star stays in its component");
  CHECK(ig(f, "trail.py", false), "trailing spaces trimmed");
  CHECK(ig(f, "sp .py", false) && !ig(f, "sp.py", false), "escaped trailing space kept");
  CHECK(ig(f, "#hash.py", false) && ig(f, "!bang.py", false), "escaped # and !");
  const char *sub = "!*.log\n/local.py\n";
  PsIgnoreFile *g = ps_walk__ignore_compile(a, sub, strlen(sub), "pkg/sub", f);
  CHECK(!ig(g, "pkg/sub/x.log", false), "deeper file overrides");
  CHECK(ig(g, "pkg/x.log", false), "deeper file does not apply above its directory");
  CHECK(ig(g, "pkg/sub/local.py", false) && !ig(g, "pkg/sub/z/local.py", false),
        "anchored to its own directory");
  CHECK(ps_walk__ignore_compile(a, "# only\n\n   \n", 12, "", NULL) == NULL, "no pattern");
  const PsIgnoreFile *h = NULL;
  CHECK_INT(ps_walk__ignore_load(&h, a, "/nonexistent/.gitignore", "", f), 0);
  CHECK(h == f, "missing file keeps the chain");
  ps_arena_delete(a);
}

int main(void) {
  test_glob_match();
  test_glob_abs();
  test_glob_check();
  test_wildmatch_git_mode();
  test_ignore_compile();
  return CHECK_DONE();
}
