/* test_walk.c: ps_walk on real temporary trees: extensions, named paths,
 * default excludes, --exclude, display paths, symlinks, odd names, deep
 * trees, unreadable directories and error entries. .gitignore behaviour
 * against git itself is in test_walk_git.c. */
#include "walk/walk.h"

#include <limits.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "check.h"
#include "../walk/util.h"

static char *root; /* the temporary tree, also the cwd during tests */

#define RUN(t) tu_run((t), false, NULL)

static void check_walk(const TuWalk *t, const char *want_files, const char *want_errors,
                       int line) {
  char *errs = NULL;
  char *files = tu_run(t, true, &errs);
  CHECK(strcmp(files, want_files) == 0, "line %d: files\n  got  \"%s\"\n  want \"%s\"", line,
        files, want_files);
  CHECK(strcmp(errs, want_errors) == 0, "line %d: errors\n  got  \"%s\"\n  want \"%s\"", line,
        errs, want_errors);
  free(files);
  free(errs);
}
#define CHECK_WALK(t, files, errors) check_walk((t), (files), (errors), __LINE__)

/* Each test starts in a fresh subdirectory of root. */
static void enter(const char *name) {
  if (chdir(root) != 0 || mkdir(name, 0755) != 0 || chdir(name) != 0) perror(name);
}

static void test_basic(void) {
  enter("basic");
  tu_write("a.py", "x = 1\n");
  tu_write("b.pyi", "");
  tu_write("c.txt", "");
  tu_write(".py", "");        /* a dot-file has no extension */
  tu_write("noext", "");
  tu_write("sub/d.py", "");
  tu_write("sub/x.py/e.py", ""); /* a directory named x.py is a directory */
  tu_write(".hidden/f.py", "");
  tu_write("empty/", NULL);
  if (mkfifo("fifo.py", 0644) != 0) perror("mkfifo");
  TuWalk t;
  tu_init(&t);
  CHECK_WALK(&t, ".hidden/f.py,a.py,b.pyi,sub/d.py,sub/x.py/e.py", "");
  tu_path(&t, ".");
  CHECK_WALK(&t, ".hidden/f.py,a.py,b.pyi,sub/d.py,sub/x.py/e.py", "");

  /* A named file is always taken, whatever its extension. */
  tu_init(&t);
  tu_path(&t, "c.txt");
  tu_path(&t, "sub");
  CHECK_WALK(&t, "c.txt!,sub/d.py,sub/x.py/e.py", "");

  /* Missing paths are error entries; the walk goes on. */
  tu_init(&t);
  tu_path(&t, "nope.py");
  tu_path(&t, "a.py");
  tu_path(&t, "gone/");
  CHECK_WALK(&t, "a.py!", "nope.py: no such file or directory;gone/: no such file or directory;");
  tu_init(&t);
  tu_path(&t, "a.py/");
  CHECK_WALK(&t, "", "a.py/: not a directory;");

  /* Extensions with a dot, and none at all. */
  const char *dotted[] = {".pyi"};
  tu_init(&t);
  t.o.extensions = dotted;
  t.o.n_extensions = 1;
  CHECK_WALK(&t, "b.pyi", "");
  tu_init(&t);
  t.o.n_extensions = 0;
  tu_path(&t, ".");
  tu_path(&t, "c.txt");
  CHECK_WALK(&t, "c.txt!", "");

  /* A named directory called x.py is walked. */
  tu_init(&t);
  tu_path(&t, "sub/x.py");
  CHECK_WALK(&t, "sub/x.py/e.py", "");
}

static void test_display_paths(void) {
  enter("display");
  tu_write("a.py", "");
  tu_write("src/pkg/m.py", "");
  TuWalk t;
  tu_init(&t);
  tu_path(&t, "./src/");
  CHECK_WALK(&t, "src/pkg/m.py", "");
  tu_init(&t);
  tu_path(&t, "src//pkg///");
  tu_path(&t, "././a.py");
  CHECK_WALK(&t, "a.py!,src/pkg/m.py", "");
  tu_init(&t);
  tu_path(&t, "src/./pkg/../pkg");
  CHECK_WALK(&t, "src/pkg/../pkg/m.py", "");

  char *abs = ps_xasprintf("%s/display", root);
  char *abs_slash = ps_xasprintf("%s/display/src/", root);
  char *want = ps_xasprintf("%s/display/a.py,%s/display/src/pkg/m.py", root, root);
  tu_init(&t);
  tu_path(&t, abs);
  CHECK_WALK(&t, want, "");
  free(want);
  want = ps_xasprintf("%s/display/src/pkg/m.py", root);
  tu_init(&t);
  tu_path(&t, abs_slash);
  CHECK_WALK(&t, want, "");
  free(want);

  /* ".." stays as typed. */
  if (chdir("src") != 0) perror("src");
  tu_init(&t);
  tu_path(&t, "..");
  CHECK_WALK(&t, "../a.py,../src/pkg/m.py", "");
  tu_init(&t);
  CHECK_WALK(&t, "pkg/m.py", "");
  free(abs);
  free(abs_slash);
}

static void test_default_excludes(void) {
  static const char *const names[] = {
      ".bzr",  ".direnv", ".eggs",        ".git",        ".git-rewrite", ".hg",
      ".ipynb_checkpoints", ".mypy_cache", ".nox", ".pants.d", ".pyenv", ".pytest_cache",
      ".pytype", ".ruff_cache", ".svn", ".tox", ".venv", ".vscode", "__pypackages__",
      "__pycache__", "_build", "buck-out", "build", "dist", "node_modules", "site-packages",
      "venv"};
  enter("defaults");
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    char *p = ps_xasprintf("pkg/%s/f.py", names[i]);
    tu_write(p, "");
    free(p);
  }
  tu_write("pkg/builder/f.py", "");
  tu_write("pkg/myenv/pyvenv.cfg", "home = /usr/bin\n");
  tu_write("pkg/myenv/lib/f.py", "");
  tu_write("pkg/ok.py", "");
  TuWalk t;
  tu_init(&t);
  CHECK_WALK(&t, "pkg/builder/f.py,pkg/ok.py", "");

  tu_init(&t);
  t.o.use_default_excludes = false;
  t.o.respect_gitignore = false; /* or pkg/.git makes pkg a work tree */
  char *got = RUN(&t);
  size_t commas = 0;
  for (char *s = got; *s; s++) commas += *s == ',';
  CHECK_INT(commas + 1, sizeof names / sizeof names[0] + 3);
  CHECK(strstr(got, "pkg/myenv/lib/f.py") && strstr(got, "pkg/.git/f.py"), "%s", got);
  free(got);

  /* Named directories are walked even with an excluded name... */
  tu_init(&t);
  tu_path(&t, "pkg/build");
  tu_path(&t, "pkg/myenv");
  tu_path(&t, "pkg/node_modules/f.py");
  CHECK_WALK(&t, "pkg/build/f.py,pkg/myenv/lib/f.py,pkg/node_modules/f.py!", "");
  /* ...unless force_exclude, which also looks at their ancestors. */
  tu_init(&t);
  t.o.force_exclude = true;
  tu_path(&t, "pkg/build");
  tu_path(&t, "pkg/myenv");
  tu_path(&t, "pkg/node_modules/f.py");
  tu_path(&t, "pkg/myenv/lib/f.py");
  tu_path(&t, "pkg/ok.py");
  CHECK_WALK(&t, "pkg/ok.py!", "");
}

static void test_excludes(void) {
  enter("excl");
  tu_write("a.py", "");
  tu_write("b.pyi", "");
  tu_write("src/gen/g.py", "");
  tu_write("src/gen/deep/h.py", "");
  tu_write("src/keep.py", "");
  tu_write("tests/data/t.py", "");
  tu_write("tests/data/sub/u.py", "");
  tu_write("tests/test_x.py", "");
  tu_write("migrations/0001.py", "");
  TuWalk t;
  tu_init(&t);
  tu_exclude(&t, "*.pyi");
  tu_exclude(&t, "migrations");
  CHECK_WALK(&t, "a.py,src/gen/deep/h.py,src/gen/g.py,src/keep.py,tests/data/sub/u.py,"
                 "tests/data/t.py,tests/test_x.py", "");
  tu_init(&t);
  tu_exclude(&t, "src/gen/**");
  tu_exclude(&t, "tests/data/*.py");
  CHECK_WALK(&t, "a.py,b.pyi,migrations/0001.py,src/keep.py,tests/data/sub/u.py,tests/test_x.py",
             "");
  tu_init(&t);
  tu_exclude(&t, "src/gen");
  tu_exclude(&t, "**/data/");
  tu_exclude(&t, "[ab].py*");
  CHECK_WALK(&t, "migrations/0001.py,src/keep.py,tests/test_x.py", "");

  /* Path patterns are relative to the cwd, also for absolute named paths. */
  char *abs = ps_xasprintf("%s/excl/src", root);
  char *want = ps_xasprintf("%s/excl/src/keep.py", root);
  tu_init(&t);
  tu_path(&t, abs);
  tu_exclude(&t, "src/gen");
  CHECK_WALK(&t, want, "");
  /* An absolute pattern is matched against the absolute path. */
  char *apat = ps_xasprintf("%s/excl/src/gen/**", root);
  tu_init(&t);
  tu_path(&t, "src");
  tu_exclude(&t, apat);
  CHECK_WALK(&t, "src/keep.py", "");
  free(abs);
  free(want);
  free(apat);

  /* Named paths escape --exclude unless force_exclude. */
  tu_init(&t);
  tu_exclude(&t, "gen");
  tu_exclude(&t, "*.pyi");
  tu_path(&t, "src/gen");
  tu_path(&t, "b.pyi");
  CHECK_WALK(&t, "b.pyi!,src/gen/deep/h.py,src/gen/g.py", "");
  t.o.force_exclude = true;
  tu_path(&t, "src/gen/g.py");
  tu_path(&t, "a.py");
  CHECK_WALK(&t, "a.py!", "");
  tu_init(&t);
  t.o.force_exclude = true;
  tu_exclude(&t, "tests/data");
  tu_path(&t, "./tests/data/sub/u.py");
  tu_path(&t, "tests/test_x.py");
  CHECK_WALK(&t, "tests/test_x.py!", "");

  /* A bad glob stops the walk. */
  tu_init(&t);
  tu_exclude(&t, "src/[a");
  PsWalkResult r;
  PsError err;
  ps_error_clear(&err);
  CHECK_INT(ps_walk(&t.o, &r, &err), PS_E_USAGE);
  CHECK_STR(err.msg, "invalid glob \"src/[a\": unclosed character class");
  CHECK(r.n_files == 0 && r.files == NULL && r.n_errors == 0, "empty result on error");
  ps_walk_result_free(&r);
  ps_walk_result_free(NULL);
}

static void test_symlinks(void) {
  enter("links");
  tu_write("a.py", "");
  tu_write("sub/d.py", "");
  tu_write("sub/inner/e.py", "");
  tu_symlink("a.py", "link.py");            /* same file: a.py wins */
  tu_symlink("sub", "zlink");               /* same files via sub/ */
  tu_symlink("..", "sub/inner/up");          /* loop back to sub */
  tu_symlink("nowhere.py", "sub/broken.py"); /* dangling: skipped */
  tu_symlink("self.py", "sub/self.py");      /* self-loop: skipped */
  tu_symlink("../outside", "sub/dlink");
  tu_write("outside/o.py", "");
  tu_symlink("c.txt", "sub/c.py");           /* link.py to a non-.py file is taken */
  tu_write("sub/c.txt", "");
  TuWalk t;
  tu_init(&t);
  tu_path(&t, "sub");
  CHECK_WALK(&t, "sub/c.py,sub/d.py,sub/dlink/o.py,sub/inner/e.py", "sub/inner/up: symlink loop, not followed;");
  tu_init(&t);
  CHECK_WALK(&t, "a.py,outside/o.py,sub/c.py,sub/d.py,sub/inner/e.py",
             "sub/inner/up: symlink loop, not followed;zlink/inner/up: symlink loop, not followed;");

  /* Duplicates: listed once, the smallest path, explicit if named. */
  tu_init(&t);
  tu_path(&t, "sub");
  tu_path(&t, "sub/d.py");
  tu_path(&t, "zlink/d.py");
  tu_path(&t, "sub/d.py");
  CHECK_WALK(&t, "sub/c.py,sub/d.py!,sub/dlink/o.py,sub/inner/e.py",
             "sub/inner/up: symlink loop, not followed;");
  tu_init(&t);
  tu_path(&t, "link.py");
  tu_path(&t, "zlink");
  CHECK_WALK(&t, "link.py!,zlink/c.py,zlink/d.py,zlink/dlink/o.py,zlink/inner/e.py",
             "zlink/inner/up: symlink loop, not followed;");
  tu_init(&t);
  tu_path(&t, "a.py");
  tu_path(&t, "link.py");
  CHECK_WALK(&t, "a.py!", "");

  /* A dangling link named explicitly is an error. */
  tu_init(&t);
  tu_path(&t, "sub/broken.py");
  CHECK_WALK(&t, "", "sub/broken.py: no such file or directory;");

  /* A named symlink loop: the root's own ancestors are not a loop. */
  tu_init(&t);
  tu_path(&t, "sub/inner/up");
  CHECK_WALK(&t, "sub/inner/up/c.py,sub/inner/up/d.py,sub/inner/up/dlink/o.py,"
                 "sub/inner/up/inner/e.py",
             "sub/inner/up/inner/up: symlink loop, not followed;");
}

static void test_weird_names(void) {
  enter("weird");
  tu_write("sp ace.py", "");
  tu_write("new\nline.py", "");
  tu_write("bad\xff\xfe.py", "");
  tu_write("-dash.py", "");
  tu_write("dir with space/\xc3\xa9.py", "");
  tu_write("q\"uote's.py", "");
  TuWalk t;
  tu_init(&t);
  CHECK_WALK(&t, "-dash.py,bad\xff\xfe.py,dir with space/\xc3\xa9.py,new\nline.py,q\"uote's.py,"
                 "sp ace.py", "");
  tu_init(&t);
  tu_exclude(&t, "*\n*");
  tu_exclude(&t, "\xff*");
  CHECK_WALK(&t, "-dash.py,bad\xff\xfe.py,dir with space/\xc3\xa9.py,q\"uote's.py,sp ace.py", "");
}

/* Creates `levels` nested directories called "d" under the cwd, with a.py
 * in the deepest, without ever using a long path. */
static void make_deep(int levels) {
  int back = open(".", O_RDONLY | O_DIRECTORY);
  for (int i = 0; i < levels; i++)
    if ((mkdir("d", 0755) != 0 && errno != EEXIST) || chdir("d") != 0) {
      perror("deep");
      break;
    }
  tu_write("a.py", "");
  if (fchdir(back) != 0) perror("fchdir");
  close(back);
}

static void test_deep(void) {
  enter("deep");
  /* 2100 levels: the path passes PATH_MAX long before 4096 levels. */
  make_deep(2100);
  tu_write("top.py", "");
  TuWalk t;
  tu_init(&t);
  char *errs = NULL;
  char *files = tu_run(&t, false, &errs);
  CHECK_STR(files, "top.py");
  CHECK(strstr(errs, ": file name too long;") != NULL && strchr(errs, ';') == errs + strlen(errs) - 1,
        "one ENAMETOOLONG entry, got %.80s", errs);
  CHECK(strncmp(errs, "d/d/d/", 6) == 0, "at the deep path: %.20s", errs);
  free(files);
  free(errs);

  /* The nesting limit, lowered so a short path reaches it. */
  enter("nest");
  make_deep(12);
  tu_write("d/d/b.py", "");
  ps_walk__set_max_depth(5);
  tu_init(&t);
  CHECK_WALK(&t, "d/d/b.py", "d/d/d/d/d/d: directory nesting too deep;");
  tu_init(&t);
  tu_path(&t, "d/d/d/d/d/d"); /* the limit counts from the named path */
  CHECK_WALK(&t, "", "d/d/d/d/d/d/d/d/d/d/d/d: directory nesting too deep;");
  ps_walk__set_max_depth(0);
  tu_init(&t);
  CHECK_WALK(&t, "d/d/b.py,d/d/d/d/d/d/d/d/d/d/d/d/a.py", "");
}

static void unreadable_checks(void) {
  TuWalk t;
  tu_init(&t);
  CHECK_WALK(&t, "ok.py", "locked: permission denied;");
  tu_init(&t);
  tu_path(&t, "locked");
  tu_path(&t, "ok.py");
  CHECK_WALK(&t, "ok.py!", "locked: permission denied;");
}

static void test_unreadable(void) {
  enter("unreadable");
  tu_write("ok.py", "");
  tu_write("locked/x.py", "");
  chmod("locked", 0);
  if (geteuid() != 0) {
    unreadable_checks();
  } else {
    /* Permission bits do not stop root. Run the checks in a child that drops
     * to nobody (65534); if it cannot, skip them. */
    if (chmod(root, 0755) != 0) perror(root);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
      if (setgid(65534) != 0 || setuid(65534) != 0) _exit(77);
      unreadable_checks();
      free(root); /* keeps valgrind's leak check quiet in the child too */
      _exit(ps_check_failed ? 1 : 0);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0) status = 77 << 8;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
      printf("test_unreadable: skipped (root, and cannot switch to nobody)\n");
    else
      CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "unreadable checks as nobody");
  }
  chmod("locked", 0755);
}

int main(void) {
  root = tu_mkdtemp();
  if (chdir(root) != 0) return 2;
  test_basic();
  test_display_paths();
  test_default_excludes();
  test_excludes();
  test_symlinks();
  test_weird_names();
  test_deep();
  test_unreadable();
  if (chdir("/") != 0) perror("/");
  tu_rm_rf(root);
  free(root);
  return CHECK_DONE();
}
