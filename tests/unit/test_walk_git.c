/* test_walk_git.c: .gitignore semantics, with git itself as the oracle.
 *
 * Each case builds a fresh repository (git init in a mkdtemp() directory),
 * writes files and ignore files, then compares ps_walk's *.py list with
 * `git ls-files --cached --others --exclude-standard -z` run in the same
 * directory. Git's global and system configuration are switched off (HOME
 * and XDG_CONFIG_HOME point into the temporary tree) so that only the
 * repository's own ignore files count. Behaviour git cannot judge (named
 * ignored paths, nested repositories, respect_gitignore=false) follows.
 * Skipped when git is not installed.
 */
#include "walk/walk.h"

#include <stdlib.h>

#include "check.h"
#include "../walk/util.h"

static char *root;

typedef struct GitCase {
  const char *name;
  /* "path" makes an empty file, "path=content" a file with content,
   * "path/" a directory. */
  const char *setup[24];
  const char *cwd; /* run both sides here (below the top), or NULL */
} GitCase;

static const GitCase cases[] = {
    {.name = "basename", .setup = {".gitignore=*_gen.py\n", "a.py", "a_gen.py", "x/y/b_gen.py", "x/y/b.py"}},
    {.name = "negation", .setup = {".gitignore=*.py\n!keep.py\n", "a.py", "keep.py", "d/keep.py", "d/b.py"}},
    {.name = "negation order", .setup = {".gitignore=!keep.py\n*.py\n", "a.py", "keep.py", "other.pyi"}},
    {.name = "anchored leading slash", .setup = {".gitignore=/top.py\n", "top.py", "sub/top.py", "a.py"}},
    {.name = "anchored middle slash", .setup = {".gitignore=sub/x.py\n", "sub/x.py", "o/sub/x.py", "sub/y.py"}},
    {.name = "dir-only", .setup = {".gitignore=data.py/\nout/\n", "data.py", "d/data.py/x.py", "out/o.py",
                  "out.py", "z/out/o.py"}},
    {.name = "dir-only anchored", .setup = {".gitignore=/gen/\n", "gen/a.py", "src/gen/b.py", "gen.py"}},
    {.name = "leading **/", .setup = {".gitignore=**/gen/*.py\n", "gen/a.py", "x/gen/b.py", "x/y/gen/c.py",
                     "x/gen/d/e.py", "gen.py"}},
    {.name = "trailing /**", .setup = {".gitignore=lib/**\n!lib/keep.py\n", "lib/a.py", "lib/b/c.py", "lib/keep.py",
                      "lib.py", "x/lib/d.py"}},
    {.name = "middle /**/", .setup = {".gitignore=a/**/z.py\n", "a/z.py", "a/b/z.py", "a/b/c/z.py", "b/a/z.py",
                     "a/z2.py"}},
    {.name = "non-component **", .setup = {".gitignore=a**z.py\nsrc/**x.py\n", "abz.py", "a/z.py", "ab/cz.py",
                          "src/x.py", "src/ax.py", "src/d/x.py"}},
    {.name = "escapes", .setup = {".gitignore=\\#hash.py\n\\!bang.py\n\\a.py\nst\\*r.py\n", "#hash.py", "!bang.py",
                 "a.py", "b.py", "st*r.py", "stXr.py"}},
    {.name = "comments and blanks", .setup = {".gitignore=# c.py\n\n   \n#d.py\n e.py\n", "c.py", "# c.py", "d.py",
                             "e.py", " e.py"}},
    {.name = "trailing spaces", .setup = {".gitignore=trail.py   \nsp\\ .py\ntab.py\t\n", "trail.py", "sp .py",
                         "sp.py", "tab.py", "tab.py\t"}},
    {.name = "character classes", .setup = {".gitignore=[ab].py\n[!c]x.py\n[0-9]*.py\n[[:upper:]]*.py\n", "a.py",
                           "b.py", "c.py", "cx.py", "dx.py", "1st.py", "Up.py", "low.py"}},
    {.name = "question mark", .setup = {".gitignore=?.py\nd?/\n", "a.py", "ab.py", "d1/x.py", "d12/x.py"}},
    {.name = "ranges and escapes in classes", .setup = {".gitignore=[\\]]x.py\n[a-]y.py\n[]z].py\n", "]x.py", "ax.py",
                                       "-y.py", "ay.py", "by.py", "].py", "z.py", "q.py"}},
    {.name = "nested override", .setup = {".gitignore=*.py\n", "sub/.gitignore=!*.py\n", "a.py", "sub/b.py",
                         "sub/deeper/c.py"}},
    {.name = "nested ignore stays local", .setup = {"sub/.gitignore=local.py\n", "local.py", "sub/local.py",
                                   "sub/d/local.py", "other/local.py"}},
    {.name = "nested anchored", .setup = {"sub/.gitignore=/a.py\nd/b.py\n", "a.py", "sub/a.py", "sub/deeper/a.py",
                         "sub/d/b.py", "sub/x/d/b.py", "d/b.py"}},
    {.name = "nested ** pattern", .setup = {"sub/.gitignore=**/t.py\n", "t.py", "sub/t.py", "sub/a/b/t.py"}},
    {.name = "re-include below excluded dir", .setup = {".gitignore=build/\n!build/keep.py\n", "build/keep.py",
                                       "build/x.py", "a.py"}},
    {.name = "re-include below excluded dir, nested", .setup = {".gitignore=vendor\n", "vendor/.gitignore=!*\n",
                                               "vendor/x.py", "vendor/y/z.py", "v.py"}},
    {.name = "only foo/bar (docs example)", .setup = {".gitignore=/*\n!/foo\n/foo/*\n!/foo/bar\n", "top.py",
                                     "foo/a.py", "foo/bar/b.py", "foo/baz/c.py", "other/d.py"}},
    {.name = "everything but *.py", .setup = {".gitignore=*\n!*/\n!*.py\n", "a.py", "a.txt", "d/e/f.py"}},
    {.name = "info/exclude", .setup = {".git/info/exclude=excl.py\nsub/\n", "excl.py", "a.py", "d/excl.py",
                      "sub/s.py"}},
    {.name = "gitignore beats info/exclude", .setup = {".git/info/exclude=*.py\n", ".gitignore=!keep*.py\n",
                                      "a.py", "keep1.py", "d/keep2.py"}},
    {.name = "CRLF and BOM", .setup = {".gitignore=\xEF\xBB\xBF" "bom.py\r\ncr.py\r\n", "bom.py", "cr.py", "ok.py"}},
    {.name = "dir pattern with wildcard", .setup = {".gitignore=te*t/\n", "test/a.py", "text/b.py", "tet/c.py",
                                   "test.py"}},
    {.name = "dirs named *.py", .setup = {".gitignore=*.py/\n", "pkg.py/m.py", "a.py", "d/e.py/f.py"}},
    {.name = "anchored deep dir", .setup = {".gitignore=sub/deep/\n", "sub/deep/a.py", "sub/deeper/b.py",
                           "x/sub/deep/c.py"}},
    {.name = "dir-only with **", .setup = {".gitignore=foo/**/\n", "foo/a.py", "foo/b/c.py", "foo/b/d/e.py"}},
    {.name = "parent-relative pattern", .setup = {"sub/.gitignore=../a.py\n", "a.py", "sub/a.py"}},
    {.name = "non-ascii and spaces", .setup = {".gitignore=\xc3\xbc.py\nsp ace.py\n", "\xc3\xbc.py", "u.py",
                              "sp ace.py", "sp  ace.py"}},
    {.name = "negated directory", .setup = {".gitignore=logs/\n!logs/\n", "logs/a.py"}},
    {.name = "slash only pattern", .setup = {".gitignore=/\n!\n*.py\n", "a.py"}},
    {.name = "from a subdirectory", .setup = {".gitignore=sub/skip.py\n/sub/d/\n", "sub/.gitignore=local/\n",
                             "sub/skip.py", "sub/keep.py", "sub/d/x.py", "sub/local/y.py",
                             "a.py"},
     .cwd = "sub"},
    {.name = "from a nested subdirectory", .setup = {".gitignore=*.py\n!/a/b/**\n", "a/b/c/x.py", "a/b/y.py",
                                    "a/z.py"},
     .cwd = "a/b"},
};

static bool have_git(void) { return system("git --version >/dev/null 2>&1") == 0; }

static void setup_case(const GitCase *c) {
  for (size_t i = 0; i < sizeof c->setup / sizeof c->setup[0] && c->setup[i]; i++) {
    const char *eq = strchr(c->setup[i], '=');
    if (eq) {
      char *path = ps_xstrndup(c->setup[i], (size_t)(eq - c->setup[i]));
      tu_write(path, eq + 1);
      free(path);
    } else {
      tu_write(c->setup[i], "");
    }
  }
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* git's list of not-ignored *.py files under the cwd, sorted, joined by ','. */
static char *git_list(void) {
  FILE *p = popen("git ls-files --cached --others --exclude-standard -z", "r");
  PsBuf raw = PS_BUF_INIT, out = PS_BUF_INIT;
  char chunk[4096];
  size_t n;
  while (p && (n = fread(chunk, 1, sizeof chunk, p)) > 0) ps_buf_append(&raw, chunk, n);
  if (p) pclose(p);
  Array(const char *) names;
  array_init(&names);
  for (size_t i = 0; i < raw.len;) {
    const char *s = raw.data + i;
    size_t len = strlen(s);
    if (len > 3 && strcmp(s + len - 3, ".py") == 0) array_push(&names, s);
    i += len + 1;
  }
  if (names.size) qsort(names.items, names.size, sizeof(const char *), cmp_str);
  for (size_t i = 0; i < names.size; i++) {
    if (i) ps_buf_putc(&out, ',');
    ps_buf_puts(&out, names.items[i]);
  }
  array_free(&names);
  ps_buf_free(&raw);
  return ps_buf_steal(&out);
}

static void run_case(const GitCase *c) {
  char *dir = ps_xasprintf("%s/repo", root);
  tu_rm_rf(dir);
  if (mkdir(dir, 0755) != 0 || chdir(dir) != 0) perror(dir);
  if (system("git init -q .") != 0) perror("git init");
  setup_case(c);
  if (c->cwd && chdir(c->cwd) != 0) perror(c->cwd);
  char *want = git_list();
  TuWalk t;
  tu_init(&t);
  t.exts[1] = NULL;
  t.o.n_extensions = 1;
  t.o.use_default_excludes = false;
  char *errs = NULL;
  char *got = tu_run(&t, false, &errs);
  if (getenv("PS_WALK_TEST_VERBOSE")) printf("%-40s %s\n", c->name, want);
  CHECK(strcmp(got, want) == 0, "case \"%s\":\n  ps_walk \"%s\"\n  git     \"%s\"", c->name, got,
        want);
  CHECK(errs[0] == '\0', "case \"%s\": errors %s", c->name, errs);
  free(got);
  free(errs);
  free(want);
  if (chdir(root) != 0) perror(root);
  free(dir);
}

/* What git cannot tell us: named paths, force_exclude, nested repositories,
 * the switch itself and trees outside any repository. */
static void test_beyond_git(void) {
  char *dir = ps_xasprintf("%s/beyond", root);
  if (mkdir(dir, 0755) != 0 || chdir(dir) != 0) perror(dir);
  if (system("git init -q .") != 0) perror("git init");
  tu_write(".gitignore", "ignored/\n*.gen.py\n");
  tu_write("a.py", "");
  tu_write("x.gen.py", "");
  tu_write("ignored/b.py", "");
  tu_write("ignored/.gitignore", "!*.gen.py\n");
  tu_write("ignored/c.gen.py", "");
  tu_write("inner/.git/info/exclude", "ex.py\n");
  tu_write("inner/.gitignore", "in.py\n");
  tu_write("inner/in.py", "");
  tu_write("inner/ex.py", "");
  tu_write("inner/x.gen.py", ""); /* the outer .gitignore stops at the nested repo */
  tu_write("inner/ok.py", "");
  TuWalk t;
  tu_init(&t);
  char *got = tu_run(&t, false, NULL);
  CHECK_STR(got, "a.py,inner/ok.py,inner/x.gen.py");
  free(got);

  tu_init(&t);
  t.o.respect_gitignore = false;
  got = tu_run(&t, false, NULL);
  CHECK_STR(got, "a.py,ignored/b.py,ignored/c.gen.py,inner/ex.py,inner/in.py,inner/ok.py,"
                 "inner/x.gen.py,x.gen.py");
  free(got);

  /* Named ignored paths are taken, with their own .gitignore applied... */
  tu_init(&t);
  tu_path(&t, "ignored");
  tu_path(&t, "x.gen.py");
  got = tu_run(&t, false, NULL);
  CHECK_STR(got, "ignored/b.py,ignored/c.gen.py,x.gen.py");
  free(got);
  /* ...unless force_exclude. */
  t.o.force_exclude = true;
  tu_path(&t, "ignored/b.py");
  tu_path(&t, "a.py");
  tu_path(&t, "inner/x.gen.py");
  got = tu_run(&t, false, NULL);
  CHECK_STR(got, "a.py,inner/x.gen.py");
  free(got);

  /* A walk started below the top still sees every .gitignore above it. */
  if (chdir("inner") != 0) perror("inner");
  tu_write("pkg/in.py", "");
  tu_write("pkg/z.py", "");
  tu_init(&t);
  tu_path(&t, "pkg");
  got = tu_run(&t, false, NULL);
  CHECK_STR(got, "pkg/z.py");
  free(got);
  if (chdir("pkg") != 0) perror("pkg");
  tu_init(&t);
  got = tu_run(&t, false, NULL);
  CHECK_STR(got, "z.py");
  free(got);
  char *abs = ps_xasprintf("%s/inner/pkg/", dir);
  char *want = ps_xasprintf("%s/inner/pkg/z.py", dir);
  tu_init(&t);
  tu_path(&t, abs);
  got = tu_run(&t, false, NULL);
  CHECK_STR(got, want);
  free(got);
  free(want);
  free(abs);

  /* A worktree-style .git file pointing elsewhere for info/exclude. */
  if (chdir(dir) != 0) perror(dir);
  tu_write("wt/.git", "gitdir: ../gitdir-wt\n");
  tu_write("gitdir-wt/info/exclude", "wx.py\n");
  tu_write("wt/wx.py", "");
  tu_write("wt/wy.py", "");
  tu_init(&t);
  tu_path(&t, "wt");
  got = tu_run(&t, false, NULL);
  CHECK_STR(got, "wt/wy.py");
  free(got);

  /* Outside any work tree, .gitignore files mean nothing. */
  char *plain = ps_xasprintf("%s/plain", root);
  if (mkdir(plain, 0755) != 0 || chdir(plain) != 0) perror(plain);
  tu_write(".gitignore", "*.py\n");
  tu_write("p.py", "");
  tu_init(&t);
  got = tu_run(&t, false, NULL);
  CHECK_STR(got, "p.py");
  free(got);
  free(plain);
  if (chdir(root) != 0) perror(root);
  free(dir);
}

int main(void) {
  if (!have_git()) {
    printf("git not found: skipped\n");
    return CHECK_DONE();
  }
  root = tu_mkdtemp();
  char *xdg = ps_xasprintf("%s/xdg", root);
  setenv("HOME", root, 1);
  setenv("XDG_CONFIG_HOME", xdg, 1);
  setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
  /* An empty file of our own rather than /dev/null, which is not always a
   * device in containers. */
  char *gitconfig = ps_xasprintf("%s/empty-gitconfig", root);
  tu_write(gitconfig, "");
  setenv("GIT_CONFIG_GLOBAL", gitconfig, 1);
  unsetenv("GIT_DIR");
  unsetenv("GIT_WORK_TREE");
  if (chdir(root) != 0) return 2;
  size_t n = sizeof cases / sizeof cases[0];
  for (size_t i = 0; i < n; i++) run_case(&cases[i]);
  printf("%zu git oracle cases\n", n);
  test_beyond_git();
  if (chdir("/") != 0) perror("/");
  tu_rm_rf(root);
  free(root);
  free(xdg);
  free(gitconfig);
  return CHECK_DONE();
}
