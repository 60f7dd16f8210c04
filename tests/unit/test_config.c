/* test_config.c: defaults, string lists, finding pyproject.toml and applying
 * [tool.pyshift] and requires-python, including each kind of load error.
 * Each case writes its pyproject.toml into a fresh temporary directory; the
 * example in docs/configuration.md is loaded too, so the docs stay valid. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "config/config.h"

#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static char *tmp_dir(void) {
  char tmpl[] = "/tmp/ps-test-config-XXXXXX";
  char *d = mkdtemp(tmpl);
  CHECK(d != NULL, "mkdtemp");
  /* realpath: the finder returns resolved paths. */
  return d ? realpath(d, NULL) : ps_xstrdup("/nonexistent");
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  return remove(path);
}

static void rm_rf(char *dir) {
  nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  free(dir);
}

/* Writes dir/rel, creating the directories in between; returns the path. */
static char *put(const char *dir, const char *rel, const char *text) {
  char *path = ps_xasprintf("%s/%s", dir, rel);
  for (char *s = path + strlen(dir) + 1; (s = strchr(s, '/')) != NULL; s++) {
    *s = '\0';
    mkdir(path, 0755);
    *s = '/';
  }
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL, "cannot write %s", path);
  if (f) {
    fputs(text, f);
    fclose(f);
  }
  return path;
}

/* Loads `text` as a pyproject.toml into a fresh config. */
static int load_text(PsConfig *cfg, const char *text, PsError *err, char **dir_out) {
  char *dir = tmp_dir();
  char *path = put(dir, "pyproject.toml", text);
  ps_config_init(cfg);
  ps_error_clear(err);
  int rc = ps_config_load_pyproject(cfg, path, err);
  free(path);
  if (dir_out) *dir_out = dir;
  else rm_rf(dir);
  return rc;
}

static void load_err_at(const char *text, int line, int col, const char *msg, int src_line) {
  PsConfig cfg;
  PsError err;
  int rc = load_text(&cfg, text, &err, NULL);
  CHECK(rc == PS_E_CONFIG && err.code == PS_E_CONFIG, "line %d: want PS_E_CONFIG, got %d", src_line, rc);
  CHECK(err.line == line && err.col == col, "line %d: at %d:%d, want %d:%d (%s)", src_line, err.line, err.col,
        line, col, err.msg);
  CHECK(strcmp(err.msg, msg) == 0, "line %d: message \"%s\", want \"%s\"", src_line, err.msg, msg);
  CHECK(err.context[0] && err.span >= 1, "line %d: caret context", src_line);
  CHECK(ps_str_ends_with(err.path, "/pyproject.toml"), "line %d: path %s", src_line, err.path);
  ps_config_free(&cfg);
}
#define load_err(text, l, c, msg) load_err_at((text), (l), (c), (msg), __LINE__)

static bool list_is(const PsStrList *l, const char *const *want, size_t n) {
  if (l->size != n) return false;
  for (size_t i = 0; i < n; i++)
    if (strcmp(l->items[i], want[i]) != 0) return false;
  return true;
}

static void test_defaults(void) {
  PsConfig cfg;
  static const char *const families[] = {"RM", "DP", "TY", "FT", "MP"};
  ps_config_init(&cfg);
  CHECK(list_is(&cfg.select, families, 5), "default select");
  CHECK(!cfg.select_set && !cfg.exclude_set && !cfg.min_python_set, "nothing set");
  CHECK(cfg.target.major == 3 && cfg.target.minor == 14 && !cfg.target.free_threaded, "target 3.14");
  CHECK(cfg.min_python.major == 3 && cfg.min_python.minor == 9, "min python 3.9");
  CHECK_STR(cfg.min_python_origin, "default");
  CHECK(cfg.respect_gitignore && !cfg.force_exclude && !cfg.preview, "booleans");
  CHECK_INT(cfg.max_file_size, 16 * 1024 * 1024);
  CHECK_INT(cfg.jobs, 0);
  CHECK_INT(cfg.color, PS_COLOR_AUTO);
  CHECK(cfg.config_path == NULL && cfg.n_outputs == 0 && cfg.n_per_file_ignores == 0, "empty");

  ps_config_add_output(&cfg, PS_FORMAT_TEXT, NULL);
  ps_config_add_output(&cfg, PS_FORMAT_SARIF, "out.sarif");
  CHECK_INT(cfg.n_outputs, 2);
  CHECK(cfg.outputs[0].path == NULL && cfg.outputs[1].format == PS_FORMAT_SARIF, "outputs");
  CHECK_STR(cfg.outputs[1].path, "out.sarif");
  ps_config_free(&cfg);
  CHECK(cfg.select.items == NULL && cfg.outputs == NULL, "freed");
  ps_config_free(&cfg); /* twice is fine */
  ps_config_free(NULL);
}

static void test_strlist(void) {
  PsStrList l = {0};
  static const char *const want[] = {"a", "b", "c", "FT001", "x"};
  ps_strlist_push_csv(&l, "a,b, c");
  ps_strlist_push_csv(&l, ",, FT001 ,");
  ps_strlist_push_csv(&l, "");
  ps_strlist_push(&l, "x");
  CHECK(list_is(&l, want, 5), "csv split");
  ps_strlist_free(&l);
  CHECK(l.items == NULL && l.size == 0, "freed");
  ps_strlist_free(&l);
}

/* The ```toml block under "## Example" in docs/configuration.md. */
static char *doc_example(void) {
  FILE *f = fopen(PS_SOURCE_DIR "/docs/configuration.md", "rb");
  CHECK(f != NULL, "docs/configuration.md");
  if (!f) return NULL;
  PsBuf b = PS_BUF_INIT;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) ps_buf_append(&b, buf, n);
  fclose(f);
  char *ex = strstr(b.data, "## Example");
  char *start = ex ? strstr(ex, "```toml\n") : NULL;
  char *end = start ? strstr(start + 8, "```") : NULL;
  char *text = end ? ps_xstrndup(start + 8, (size_t)(end - start - 8)) : NULL;
  ps_buf_free(&b);
  CHECK(text != NULL, "example block found");
  return text;
}

static void test_doc_example(void) {
  PsConfig cfg;
  PsError err;
  char *dir = NULL;
  char *text = doc_example();
  if (!text) return;
  int rc = load_text(&cfg, text, &err, &dir);
  CHECK(rc == 0, "example loads: %s:%d:%d: %s", err.path, err.line, err.col, err.msg);
  static const char *const select[] = {"FT", "RM"}, *const ext[] = {"DP001"}, *const ign[] = {"FT003"},
                           *const exc[] = {"build/", "vendor/**"}, *const pfi1[] = {"RM001", "DP"};
  CHECK(list_is(&cfg.select, select, 2) && cfg.select_set, "select");
  CHECK(list_is(&cfg.extend_select, ext, 1), "extend-select");
  CHECK(list_is(&cfg.ignore, ign, 1), "ignore");
  CHECK(list_is(&cfg.extend_exclude, exc, 2) && !cfg.exclude_set, "extend-exclude");
  CHECK(cfg.target.minor == 14 && cfg.target.free_threaded, "target 3.14t");
  CHECK(cfg.min_python.minor == 10 && cfg.min_python_set, "requires-python floor 3.10");
  char *origin = ps_xasprintf("requires-python in %s/pyproject.toml", dir);
  CHECK_STR(cfg.min_python_origin, origin);
  free(origin);
  char *rules = ps_xasprintf("%s/tools/pyshift-rules", dir);
  CHECK(cfg.project_rules_dirs.size == 1 && cfg.rules_dirs.size == 0, "one project rules dir");
  if (cfg.project_rules_dirs.size == 1) CHECK_STR(cfg.project_rules_dirs.items[0], rules);
  CHECK(cfg.project_root && !strcmp(cfg.project_root, dir), "project root %s", cfg.project_root);
  free(rules);
  CHECK(cfg.respect_gitignore && !cfg.preview, "booleans");
  CHECK_INT(cfg.max_file_size, 2000000);
  CHECK_INT(cfg.n_per_file_ignores, 2);
  if (cfg.n_per_file_ignores == 2) {
    CHECK_STR(cfg.per_file_ignores[0].glob, "tests/**");
    CHECK(cfg.per_file_ignores[0].ids.size == 1, "tests ids");
    CHECK_STR(cfg.per_file_ignores[1].glob, "src/legacy/*.py");
    CHECK(list_is(&cfg.per_file_ignores[1].ids, pfi1, 2), "legacy ids");
  }
  CHECK(cfg.config_path && ps_str_ends_with(cfg.config_path, "/pyproject.toml"), "config_path");
  ps_config_free(&cfg);
  free(text);
  rm_rf(dir);
}

static void test_partial_and_precedence(void) {
  PsConfig cfg;
  PsError err;
  static const char *const families[] = {"RM", "DP", "TY", "FT", "MP"}, *const exc[] = {".venv"};

  /* Only what the file sets changes. */
  CHECK_INT(load_text(&cfg, "[tool.pyshift]\npreview = true\n", &err, NULL), 0);
  CHECK(cfg.preview && list_is(&cfg.select, families, 5) && !cfg.select_set, "select untouched");
  CHECK(cfg.respect_gitignore && cfg.max_file_size == PS_CONFIG_DEFAULT_MAX_FILE_SIZE, "defaults kept");
  CHECK_STR(cfg.min_python_origin, "default");
  CHECK(!cfg.min_python_set && cfg.target.minor == 14, "versions untouched");
  CHECK(!cfg.fix && !cfg.unsafe_fixes && !cfg.diff, "no fixing by default");
  ps_config_free(&cfg);

  /* The fixing keys. */
  CHECK_INT(load_text(&cfg, "[tool.pyshift]\nfix = true\nunsafe-fixes = true\n", &err, NULL), 0);
  CHECK(cfg.fix && cfg.unsafe_fixes && !cfg.diff, "fix and unsafe-fixes");
  ps_config_free(&cfg);

  /* min-python beats requires-python, even when requires-python is bad. */
  char *dir = NULL;
  CHECK_INT(load_text(&cfg,
                      "[project]\nrequires-python = \"what\"\n"
                      "[tool.pyshift]\nmin-python = \"py312\"\ntarget-version = \"3.15\"\n",
                      &err, &dir),
            0);
  CHECK(cfg.min_python.minor == 12 && cfg.min_python_set, "min-python 3.12");
  CHECK(cfg.target.minor == 15, "target 3.15");
  char *origin = ps_xasprintf("min-python in %s/pyproject.toml", dir);
  CHECK_STR(cfg.min_python_origin, origin);
  free(origin);
  ps_config_free(&cfg);
  rm_rf(dir);

  /* requires-python alone, with a [project] but no [tool.pyshift]. */
  CHECK_INT(load_text(&cfg, "[project]\nname = \"x\"\nrequires-python = \"~=3.11\"\n", &err, NULL), 0);
  CHECK(cfg.min_python.minor == 11, "~=3.11");
  CHECK(ps_str_starts_with(cfg.min_python_origin, "requires-python in /"), "origin %s", cfg.min_python_origin);
  ps_config_free(&cfg);

  /* exclude replaces and is flagged; dotted keys at the root work too. */
  CHECK_INT(load_text(&cfg,
                      "tool.pyshift.exclude = [\".venv\"]\n"
                      "tool.pyshift.respect-gitignore = false\n"
                      "tool.pyshift.force-exclude = true\n"
                      "tool.pyshift.max-file-size = 1\n"
                      "tool.pyshift.rules = [\"sub/rules\", \"a..b/c\"]\n"
                      "[tool.other]\nanything = 1\n",
                      &err, NULL),
            0);
  CHECK(list_is(&cfg.exclude, exc, 1) && cfg.exclude_set, "exclude");
  CHECK(!cfg.respect_gitignore && cfg.force_exclude && cfg.max_file_size == 1, "bools and size");
  CHECK(cfg.project_rules_dirs.size == 2 && ps_str_ends_with(cfg.project_rules_dirs.items[0], "/sub/rules"),
        "relative rules dir");
  ps_config_free(&cfg);

  /* An empty select is allowed here; the registry decides what it means. */
  CHECK_INT(load_text(&cfg, "[tool.pyshift]\nselect = []\n", &err, NULL), 0);
  CHECK(cfg.select.size == 0 && cfg.select_set, "empty select");
  ps_config_free(&cfg);
}

static void test_unknown_keys(void) {
  load_err("[tool.pyshift]\nselect = [\"FT\"]\nselct = [\"FT\"]\n", 3, 1,
           "unknown key `selct` in [tool.pyshift]; did you mean `select`?");
  load_err("[tool.pyshift]\n  extend_exclude = []\n", 2, 3,
           "unknown key `extend_exclude` in [tool.pyshift]; did you mean `extend-exclude`?");
  load_err("tool.pyshift.target = \"3.14\"\n", 1, 14, "unknown key `target` in [tool.pyshift]");
  load_err("[tool.pyshift]\ncolour = \"always\"\n", 2, 1, "unknown key `colour` in [tool.pyshift]");
  load_err("[tool.pyshift.lint]\nselect = []\n", 1, 15, "unknown key `lint` in [tool.pyshift]");

  PsConfig cfg;
  PsError err;
  load_text(&cfg, "[tool.pyshift]\nselct = [\"FT\"]\n", &err, NULL);
  CHECK_STR(err.context, "selct = [\"FT\"]");
  CHECK_INT(err.span, 5);
  ps_config_free(&cfg);
}

#define RULES_OUTSIDE \
  "`rules` paths must be relative and stay inside the project (no absolute path, no `..`); use --rules for rules elsewhere"

static void test_wrong_types(void) {
  load_err("[tool.pyshift]\nselect = \"FT\"\n", 2, 10, "`select` must be an array of strings, not a string");
  load_err("[tool.pyshift]\nignore = [\"FT\", 1]\n", 2, 17, "`ignore` must be an array of strings, but item 2 is an integer");
  load_err("[tool.pyshift]\nrespect-gitignore = \"yes\"\n", 2, 21, "`respect-gitignore` must be a boolean, not a string");
  load_err("[tool.pyshift]\npreview = 1\n", 2, 11, "`preview` must be a boolean, not an integer");
  load_err("[tool.pyshift]\nfix = \"yes\"\n", 2, 7, "`fix` must be a boolean, not a string");
  load_err("[tool.pyshift]\nunsafe_fixes = true\n", 2, 1,
           "unknown key `unsafe_fixes` in [tool.pyshift]; did you mean `unsafe-fixes`?");
  load_err("[tool.pyshift]\nmax-file-size = -1\n", 2, 17, "`max-file-size` must be a positive number of bytes");
  /* issue 14 item 17: 0 is refused as on the command line, not "no limit". */
  load_err("[tool.pyshift]\nmax-file-size = 0\n", 2, 17, "`max-file-size` must be a positive number of bytes");
  load_err("[tool.pyshift]\nmax-file-size = 1.5\n", 2, 17, "`max-file-size` must be a positive integer, not a float");
  /* issue 14 item 11: rule paths from a (possibly hostile) pyproject stay inside the project. */
  load_err("[tool.pyshift]\nrules = [\"ok\", \"/etc/passwd\"]\n", 2, 16, RULES_OUTSIDE);
  load_err("[tool.pyshift]\nrules = [\"../../../../etc\"]\n", 2, 10, RULES_OUTSIDE);
  load_err("[tool.pyshift]\nrules = [\"a/../../b\"]\n", 2, 10, RULES_OUTSIDE);
  load_err("[tool.pyshift]\ntarget-version = \"2.7x\"\n", 2, 18,
           "`target-version` must be a python version such as \"3.14\", \"py314\" or \"3.14t\"");
  load_err("[tool.pyshift]\nmin-python = 3.10\n", 2, 14, "`min-python` must be a string, not a float");
  load_err("[tool.pyshift]\nper-file-ignores = [\"x\"]\n", 2, 20,
           "`per-file-ignores` must be a table of arrays of strings, not an array");
  load_err("[tool.pyshift.per-file-ignores]\n\"a/*.py\" = \"FT\"\n", 2, 12,
           "`per-file-ignores.\"a/*.py\"` must be an array of strings, not a string");
  load_err("[tool.pyshift]\nrules = [[\"x\"]]\n", 2, 10, "`rules` must be an array of strings, but item 1 is an array");
  load_err("[tool.pyshift]\nmin-python = \"\"\n", 2, 14,
           "`min-python` must be a python version such as \"3.14\", \"py314\" or \"3.14t\"");
  load_err("[tool]\npyshift = 1\n", 2, 11, "`tool.pyshift` must be a table, not an integer");
  load_err("[project]\nrequires-python = 3\n", 2, 19, "`requires-python` must be a string, not an integer");
  load_err("[project]\nrequires-python = \"banana\"\n", 2, 19,
           "cannot derive a minimum python version from requires-python \"banana\"; set `min-python` in [tool.pyshift]");
}

static void test_file_errors(void) {
  PsConfig cfg;
  PsError err;
  /* TOML errors come through unchanged, with the caret context. */
  load_err("[tool.pyshift]\nselect = [\"FT\",\n", 2, 10, "unterminated array");
  load_err("[tool.pyshift]\npreview = true\npreview = false\n", 3, 1, "duplicate key `preview`");

  ps_config_init(&cfg);
  ps_error_clear(&err);
  int rc = ps_config_load_pyproject(&cfg, "/nonexistent/dir/pyproject.toml", &err);
  CHECK_INT(rc, PS_E_IO);
  CHECK_INT(err.code, PS_E_IO);
  CHECK_STR(err.path, "/nonexistent/dir/pyproject.toml");
  CHECK(strstr(err.msg, "cannot read") != NULL, "message %s", err.msg);
  rc = ps_config_load_pyproject(&cfg, "/tmp", &err);
  CHECK_INT(rc, PS_E_IO);
  CHECK_STR(err.msg, "not a regular file");
  CHECK(cfg.config_path == NULL, "no path on failure");
  ps_config_free(&cfg);
}

static void test_find(void) {
  char *root = tmp_dir();
  free(put(root, "pyproject.toml", "[project]\nname = \"top\"\n"));
  free(put(root, "a/pyproject.toml", "[build-system]\nrequires = []\n")); /* neither table: skipped */
  free(put(root, "a/b/mod.py", "x = 1\n"));
  free(put(root, "c/pyproject.toml", "[tool.pyshift]\nselect = [\n"));  /* broken but ours */
  free(put(root, "d/pyproject.toml", "[tool.black\n"));                 /* broken: maybe ours (issue 14 item 4) */
  free(put(root, "e/pyproject.toml", "tool.pyshift.preview = true\n")); /* dotted form */

  char *top = ps_xasprintf("%s/pyproject.toml", root);
  char *sub = ps_xasprintf("%s/a/b", root);
  char *found = ps_config_find_pyproject(sub);
  CHECK_STR(found, top);
  free(found);
  char *file = ps_xasprintf("%s/a/b/mod.py", root);
  found = ps_config_find_pyproject(file);
  CHECK_STR(found, top);
  free(found);
  free(file);

  char *near = put(root, "a/b/pyproject.toml", "[tool.pyshift]\n");
  found = ps_config_find_pyproject(sub);
  CHECK_STR(found, near);
  free(found);
  free(near);

  char *c = ps_xasprintf("%s/c", root), *d = ps_xasprintf("%s/d", root), *e = ps_xasprintf("%s/e", root);
  found = ps_config_find_pyproject(c);
  CHECK(found && ps_str_ends_with(found, "/c/pyproject.toml"), "broken but ours: %s", found ? found : "(null)");
  free(found);
  found = ps_config_find_pyproject(d);
  CHECK(found && ps_str_ends_with(found, "/d/pyproject.toml"), "broken, maybe ours: %s", found ? found : "(null)");
  free(found);
  /* Too big to read, or not a regular file: found, so that loading reports
   * it instead of its settings being silently skipped (issue 14 item 4). */
  {
    char *f = ps_xasprintf("%s/pyproject.toml", d);
    PsConfig big;
    PsError err;
    CHECK(truncate(f, 5 << 20) == 0, "truncate");
    found = ps_config_find_pyproject(d);
    CHECK(found && ps_str_ends_with(found, "/d/pyproject.toml"), "oversized: %s", found ? found : "(null)");
    ps_config_init(&big);
    CHECK(found && ps_config_load_pyproject(&big, found, &err) == PS_E_CONFIG && strstr(err.msg, "larger than"),
          "oversized refused");
    ps_config_free(&big);
    free(found);
    unlink(f);
    CHECK(mkfifo(f, 0644) == 0, "mkfifo");
    found = ps_config_find_pyproject(d); /* must not block */
    CHECK(found && ps_str_ends_with(found, "/d/pyproject.toml"), "fifo: %s", found ? found : "(null)");
    ps_config_init(&big);
    CHECK(found && ps_config_load_pyproject(&big, found, &err) != 0 && strstr(err.msg, "not a regular file"),
          "fifo refused");
    ps_config_free(&big);
    free(found);
    free(f);
  }
  found = ps_config_find_pyproject(e);
  CHECK(found && ps_str_ends_with(found, "/e/pyproject.toml"), "dotted tool.pyshift");
  free(found);

  CHECK(ps_config_find_pyproject("/nonexistent/dir") == NULL, "missing start dir");
  free(c), free(d), free(e), free(sub), free(top);
  rm_rf(root);

  /* Nothing anywhere up to the root (when the machine allows the check). */
  root = tmp_dir();
  if (access("/tmp/pyproject.toml", F_OK) != 0 && access("/pyproject.toml", F_OK) != 0) {
    found = ps_config_find_pyproject(root);
    CHECK(found == NULL, "none found: %s", found ? found : "");
    free(found);
  }
  rm_rf(root);
}

int main(void) {
  test_defaults();
  test_strlist();
  test_doc_example();
  test_partial_and_precedence();
  test_unknown_keys();
  test_wrong_types();
  test_file_errors();
  test_find();
  return CHECK_DONE();
}
