/* test_project.c: the project stage's module layout, string pool, facts and
 * index (scanner/project/). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "project/project.h"

static void touch(const char *root, const char *rel) {
  char p[4096];
  snprintf(p, sizeof p, "%s/%s", root, rel);
  /* mkdir -p the parents */
  for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
    *s = '\0';
    mkdir(p, 0755);
    *s = '/';
  }
  FILE *f = fopen(p, "w");
  if (f) fclose(f);
}

static void test_pool(void) {
  PsStrPool p;
  ps_pool_init(&p);
  const char *a = ps_pool_intern_cstr(&p, "threading.Lock");
  char buf[] = "threading.Lock";
  CHECK(ps_pool_intern(&p, buf, strlen(buf)) == a, "the same string interns to the same pointer");
  CHECK(ps_pool_intern(&p, "threading.Lockx", 14) == a, "a prefix of n bytes interns as that string");
  const char *keep[2000];
  for (int i = 0; i < 2000; i++) {
    char s[32];
    snprintf(s, sizeof s, "name%d", i);
    keep[i] = ps_pool_intern_cstr(&p, s);
  }
  CHECK_STR(a, "threading.Lock");
  bool all = true;
  for (int i = 0; i < 2000; i++) {
    char s[32];
    snprintf(s, sizeof s, "name%d", i);
    all &= !strcmp(keep[i], s) && ps_pool_intern_cstr(&p, s) == keep[i];
  }
  CHECK(all, "pointers stay valid and unique across growth");
  char *big = malloc(40000);
  memset(big, 'x', 39999);
  big[39999] = '\0';
  const char *b = ps_pool_intern_cstr(&p, big);
  CHECK(b && strlen(b) == 39999, "a string longer than a chunk");
  free(big);
  CHECK(ps_pool_intern_cstr(&p, NULL) == NULL, "NULL stays NULL");
  ps_pool_free(&p);
}

static void test_modules(void) {
  char root[] = "/tmp/ps-project.XXXXXX";
  CHECK(mkdtemp(root) != NULL, "mkdtemp");
  touch(root, "src/pkg/__init__.py");
  touch(root, "src/pkg/sub/__init__.py");
  touch(root, "src/pkg/sub/mod.py");
  touch(root, "src/pkg/notpkg/loose.py"); /* no __init__: an import root of its own */
  touch(root, "src/tool.py");
  touch(root, "stubs/cgi.pyi");
  char paths[6][4200];
  const char *rel[] = {"src/pkg/__init__.py", "src/pkg/sub/__init__.py", "src/pkg/sub/mod.py",
                       "src/pkg/notpkg/loose.py", "src/tool.py", "stubs/cgi.pyi"};
  const char *pp[6];
  for (int i = 0; i < 6; i++) {
    snprintf(paths[i], sizeof paths[i], "%s/%s", root, rel[i]);
    pp[i] = paths[i];
  }
  PsModules m;
  ps_modules_build(&m, pp, 6);
  bool pkg = false;
  char *n = ps_modules_name(&m, pp[2], &pkg);
  CHECK_STR(n, "pkg.sub.mod");
  CHECK(!pkg, "mod.py is not a package");
  free(n);
  n = ps_modules_name(&m, pp[1], &pkg);
  CHECK_STR(n, "pkg.sub");
  CHECK(pkg, "__init__.py is a package");
  free(n);
  n = ps_modules_name(&m, pp[0], &pkg);
  CHECK_STR(n, "pkg");
  free(n);
  n = ps_modules_name(&m, pp[3], NULL);
  CHECK_STR(n, "loose");
  free(n);
  n = ps_modules_name(&m, pp[4], NULL);
  CHECK_STR(n, "tool");
  free(n);
  CHECK(ps_modules_is_first_party(&m, "pkg", 3), "pkg is first-party");
  CHECK(ps_modules_is_first_party(&m, "tool", 4), "tool is first-party");
  CHECK(ps_modules_is_first_party(&m, "loose", 5), "loose.py at its own import root");
  CHECK(!ps_modules_is_first_party(&m, "cgi", 3), "a stub is not a runtime module");
  CHECK(!ps_modules_is_first_party(&m, "sub", 3), "sub is not top-level");
  ps_modules_free(&m);
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  CHECK(system(cmd) == 0, "cleanup");
}

static void check_rel(const char *module, bool is_pkg, int level, const char *name, const char *want) {
  char *got = ps_modules_resolve_relative(module, is_pkg, level, name);
  if (!want) CHECK(got == NULL, "%s level %d %s: got %s, want NULL", module, level, name, got ? got : "");
  else CHECK_STR(got, want);
  free(got);
}

static void test_relative(void) {
  check_rel("pkg.sub.mod", false, 0, "os.path", "os.path");
  check_rel("pkg.sub.mod", false, 1, "a", "pkg.sub.a");
  check_rel("pkg.sub.mod", false, 1, "", "pkg.sub");
  check_rel("pkg.sub.mod", false, 2, "a", "pkg.a");
  check_rel("pkg.sub.mod", false, 3, "a", NULL);
  check_rel("pkg.sub", true, 1, "a", "pkg.sub.a");
  check_rel("pkg.sub", true, 2, NULL, "pkg");
  check_rel("pkg", true, 1, "impl", "pkg.impl");
  check_rel("pkg", true, 2, "impl", NULL);
  check_rel("tool", false, 1, "x", NULL);
}

static PsFileFacts *facts_with_import(const char *path, const char *module, bool pkg, const char *from,
                                      const char *name) {
  PsFileFacts *f = ps_facts_new(path, module, pkg);
  PsFactImport im = {ps_facts_str(f, from), ps_facts_str(f, name), NULL, ps_facts_qualify(f, ""), {1, 1, 1, 0}, 0,
                     false};
  array_push(&f->imports, im);
  return f;
}

static void test_index(void) {
  PsProjectIndex *ix = ps_project_index_new();
  /* pkg/__init__.py: from pkg.impl import run;  pkg/impl.py: def run  */
  PsFileFacts *init = facts_with_import("pkg/__init__.py", "pkg", true, "pkg.impl", "run");
  PsFileFacts *impl = ps_facts_new("pkg/impl.py", "pkg.impl", false);
  PsFactDef d = {PS_FACT_FUNCTION, ps_facts_qualify(impl, "run"), NULL, {3, 1, 1, 0}};
  array_push(&impl->defs, d);
  PsFactDef c = {PS_FACT_CLASS, ps_facts_qualify(impl, "Worker.run"), "threading.Thread", {7, 5, 5, 0}};
  array_push(&impl->defs, c);
  CHECK_STR(impl->defs.items[1].qualname, "pkg.impl.Worker.run");
  CHECK_STR(ps_facts_qualify(impl, ""), "pkg.impl");
  PsSuppressDirective dirs[2];
  CHECK(ps_suppress_parse("# pyshift: ignore[FT001]", 24, dirs) >= 1, "parse a directive");
  PsFactSuppression s = {3, dirs[0]};
  array_push(&impl->suppressions, s);
  ps_project_index_add(ix, init);
  ps_project_index_add(ix, impl);
  CHECK_INT(ps_project_index_files(ix), 2);
  CHECK(ps_project_index_module(ix, "pkg.impl") == impl, "by module");
  CHECK(ps_project_index_path(ix, "pkg/__init__.py") == init, "by path");
  CHECK(ps_project_index_module(ix, "pkg.nothing") == NULL, "unknown module");
  PsDefRef r = ps_project_index_def(ix, "pkg.impl.run");
  CHECK(r.facts == impl && r.def == 0, "def by qualified name");
  CHECK_STR(ps_project_index_canonical(ix, "pkg.run"), "pkg.impl.run");
  CHECK_STR(ps_project_index_canonical(ix, "pkg.impl.Worker.run"), "pkg.impl.Worker.run");
  CHECK_STR(ps_project_index_canonical(ix, "os.path.join"), "os.path.join");
  CHECK(ps_facts_suppressed(impl, 3, "FT001"), "suppressed on its line");
  CHECK(!ps_facts_suppressed(impl, 4, "FT001"), "not on another line");
  CHECK(!ps_facts_suppressed(impl, 3, "FT002"), "not another rule");
  ps_project_index_delete(ix);

  /* A re-export cycle ends. */
  ix = ps_project_index_new();
  ps_project_index_add(ix, facts_with_import("a.py", "a", false, "b", "x"));
  ps_project_index_add(ix, facts_with_import("b.py", "b", false, "a", "x"));
  const char *q = ps_project_index_canonical(ix, "a.x");
  CHECK(q && (!strcmp(q, "a.x") || !strcmp(q, "b.x")), "a cycle of re-exports ends: %s", q ? q : "(null)");
  ps_project_index_delete(ix);
}

int main(void) {
  test_pool();
  test_modules();
  test_relative();
  test_index();
  return CHECK_DONE();
}
