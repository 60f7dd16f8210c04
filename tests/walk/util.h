/* util.h: helpers shared by the walk module's unit tests (tests/unit/test_walk*.c).
 *
 * Temporary trees live under a mkdtemp() directory in $TMPDIR (or /tmp) and
 * are removed with `rm -rf` at the end. walk_files() runs ps_walk and joins
 * the result into one string ("a.py,b/c.py") so a whole listing is one
 * CHECK_STR; walk_errors() does the same for "path: message" errors.
 */
#ifndef PS_TESTS_WALK_UTIL_H
#define PS_TESTS_WALK_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "walk/walk.h"

static inline char *tu_mkdtemp(void) {
  const char *t = getenv("TMPDIR");
  char *tmpl = ps_xasprintf("%s/pswalk.XXXXXX", t && *t ? t : "/tmp");
  if (!mkdtemp(tmpl)) {
    perror("mkdtemp");
    exit(2);
  }
  /* Resolve symlinks (e.g. /tmp -> /private/tmp) so absolute paths compare. */
  char *real = realpath(tmpl, NULL);
  free(tmpl);
  return real;
}

static inline void tu_rm_rf(const char *dir) {
  char *cmd = ps_xasprintf("chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", dir, dir);
  if (system(cmd) != 0) fprintf(stderr, "warning: could not remove %s\n", dir);
  free(cmd);
}

/* mkdir -p for every parent of `path` (relative to the cwd). */
static inline void tu_mkparents(const char *path) {
  char *p = ps_xstrdup(path);
  for (char *s = p + 1; *s; s++) {
    if (*s != '/') continue;
    *s = '\0';
    if (mkdir(p, 0755) != 0 && errno != EEXIST) perror(p);
    *s = '/';
  }
  free(p);
}

/* Creates `path` with `content`; a path ending in '/' is a directory. */
static inline void tu_write(const char *path, const char *content) {
  tu_mkparents(path);
  size_t n = strlen(path);
  if (n && path[n - 1] == '/') {
    if (mkdir(path, 0755) != 0 && errno != EEXIST) perror(path);
    return;
  }
  FILE *f = fopen(path, "wb");
  if (!f) {
    perror(path);
    return;
  }
  if (content) fputs(content, f);
  fclose(f);
}

static inline void tu_symlink(const char *target, const char *path) {
  tu_mkparents(path);
  if (symlink(target, path) != 0) perror(path);
}

typedef struct TuWalk {
  PsWalkOptions o;
  const char *paths[16];
  const char *exclude[16];
  const char *exts[4];
} TuWalk;

/* Defaults: extensions py and pyi, default excludes and .gitignore on. */
static inline void tu_init(TuWalk *t) {
  memset(t, 0, sizeof *t);
  t->exts[0] = "py";
  t->exts[1] = "pyi";
  t->o.extensions = t->exts;
  t->o.n_extensions = 2;
  t->o.use_default_excludes = true;
  t->o.respect_gitignore = true;
  t->o.paths = t->paths;
  t->o.exclude = t->exclude;
}

static inline void tu_path(TuWalk *t, const char *p) { t->paths[t->o.n_paths++] = p; }
static inline void tu_exclude(TuWalk *t, const char *p) { t->exclude[t->o.n_exclude++] = p; }

/* Runs the walk; returns files joined by ',' (explicit ones marked with a
 * trailing '!' when mark_explicit) and, if errs, errors as "path: msg;". */
static inline char *tu_run(const TuWalk *t, bool mark_explicit, char **errs) {
  PsWalkResult r;
  PsError err;
  ps_error_clear(&err);
  PsBuf b = PS_BUF_INIT, e = PS_BUF_INIT;
  int rc = ps_walk(&t->o, &r, &err);
  if (rc != 0) {
    ps_buf_printf(&b, "error %d: %s", rc, err.msg);
  } else {
    for (size_t i = 0; i < r.n_files; i++) {
      if (i) ps_buf_putc(&b, ',');
      ps_buf_puts(&b, r.files[i].path);
      if (mark_explicit && r.files[i].explicit_) ps_buf_putc(&b, '!');
    }
    for (size_t i = 0; i < r.n_errors; i++)
      ps_buf_printf(&e, "%s: %s;", r.errors[i].path, r.errors[i].message);
    ps_walk_result_free(&r);
  }
  if (errs)
    *errs = ps_buf_steal(&e);
  else
    ps_buf_free(&e);
  return ps_buf_steal(&b);
}

#endif
