/* modules.c: the module layout of the scanned tree, from the file list
 * alone, before any file is parsed.
 *
 * For each file, climb from its directory while the directory holds an
 * __init__.py: the packages climbed give the file's dotted package, the last
 * one (or the file's own stem, at an import root) its top-level name, which
 * is first-party. Stub files (.pyi) and stub-only packages are not runtime
 * modules and define nothing first-party.
 */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "project/project.h"

/* A runtime package: __init__.py. A stub package (__init__.pyi only, as in
 * typeshed) imports nothing at runtime, so it shadows nothing. */
static bool has_init(const char *dir) {
  char p[PATH_MAX + 32];
  if (snprintf(p, sizeof p, "%s/__init__.py", dir) >= (int)sizeof p) return false;
  return access(p, F_OK) == 0;
}

/* The dotted package of directory dir[0..n) ("" at an import root),
 * cached; the import root it climbs to goes into `roots`. */
static const char *dir_package(PsModules *self, PsStrSet *roots, const char *dir, size_t n) {
  const char *v = NULL;
  if (ps_strset_get(&self->dir_package, dir, n, &v)) return v;
  char d[PATH_MAX], real[PATH_MAX];
  snprintf(d, sizeof d, "%.*s", (int)n, dir);
  PsBuf pkg = PS_BUF_INIT;
  if (realpath(d, real)) {
    while (has_init(real)) {
      char *slash = strrchr(real, '/');
      if (!slash || slash == real) break;
      /* Prepend this directory's name. */
      PsBuf next = PS_BUF_INIT;
      ps_buf_puts(&next, slash + 1);
      if (pkg.len) {
        ps_buf_puts(&next, ".");
        ps_buf_append(&next, pkg.data, pkg.len);
      }
      ps_buf_free(&pkg);
      pkg = next;
      *slash = '\0';
    }
    ps_strset_put(roots, real, strlen(real), NULL);
  }
  ps_strset_put(&self->dir_package, dir, n, pkg.len ? pkg.data : "");
  ps_buf_free(&pkg);
  ps_strset_get(&self->dir_package, dir, n, &v);
  return v;
}

/* Adds every module an import root provides at runtime: x.py, x.<abi>.so
 * and packages x/ with an __init__.py (stubs, x.pyi, are not modules: a
 * typeshed tree of cgi.pyi and distutils/ must not hide the real ones). A
 * file scanned alone (a pre-commit run) thus still sees its siblings:
 * `import cgi` beside a cgi.py is first-party even when cgi.py is not among
 * the paths. */
static void add_root_modules(PsStrSet *set, const char *root) {
  DIR *d = opendir(root);
  if (!d) return;
  struct dirent *de;
  while ((de = readdir(d))) {
    const char *nm = de->d_name;
    if (nm[0] == '.') continue;
    const char *dot = strchr(nm, '.');
    if (dot && (!strcmp(dot, ".py") || ps_str_ends_with(nm, ".so"))) {
      ps_strset_put(set, nm, (size_t)(dot - nm), NULL);
    } else if (!dot) {
      char sub[PATH_MAX + 16];
      if (snprintf(sub, sizeof sub, "%s/%s", root, nm) >= (int)sizeof sub) continue;
      if (has_init(sub)) ps_strset_put(set, nm, strlen(nm), NULL);
    }
  }
  closedir(d);
}

/* Splits a path into its directory (".", "/" or the part before the last
 * slash) and base name. */
static void split_path(const char *p, const char **dir, size_t *dn, const char **base) {
  const char *slash = strrchr(p, '/');
  *base = slash ? slash + 1 : p;
  if (!slash) *dir = ".", *dn = 1;
  else if (slash == p) *dir = "/", *dn = 1;
  else *dir = p, *dn = (size_t)(slash - p);
}

void ps_modules_build(PsModules *self, const char *const *paths, size_t n) {
  ps_strset_init(&self->first_party);
  ps_strset_init(&self->dir_package);
  PsStrSet roots;
  ps_strset_init(&roots);
  for (size_t i = 0; i < n; i++) {
    const char *p = paths[i];
    if (ps_str_ends_with(p, ".pyi")) continue; /* a stub defines no runtime module */
    const char *dir, *base;
    size_t dn;
    split_path(p, &dir, &dn, &base);
    const char *pkg = dir_package(self, &roots, dir, dn);
    if (*pkg) {
      const char *dot = strchr(pkg, '.');
      ps_strset_put(&self->first_party, pkg, dot ? (size_t)(dot - pkg) : strlen(pkg), NULL);
    } else {
      const char *dot = strrchr(base, '.');
      size_t bn = dot ? (size_t)(dot - base) : strlen(base);
      if (bn == 8 && !memcmp(base, "__init__", 8)) continue;
      ps_strset_put(&self->first_party, base, bn, NULL);
    }
  }
  /* In slot order: each root only adds names to a set, so the order
   * does not show. */
  for (size_t i = 0; i < roots.map.cap; i++)
    if (roots.map.slots[i].key) add_root_modules(&self->first_party, roots.map.slots[i].key);
  ps_strset_free(&roots);
}

void ps_modules_free(PsModules *self) {
  ps_strset_free(&self->first_party);
  ps_strset_free(&self->dir_package);
}

bool ps_modules_is_first_party(const PsModules *self, const char *top, size_t len) {
  return ps_strset_get(&self->first_party, top, len, NULL);
}

char *ps_modules_name(const PsModules *self, const char *path, bool *is_package) {
  const char *dir, *base;
  size_t dn;
  split_path(path, &dir, &dn, &base);
  const char *dot = strrchr(base, '.');
  if (!dot || (strcmp(dot, ".py") && strcmp(dot, ".pyi"))) return NULL;
  size_t bn = (size_t)(dot - base);
  const char *pkg = NULL;
  if (!ps_strset_get(&self->dir_package, dir, dn, &pkg) || !pkg) pkg = "";
  bool init = bn == 8 && !memcmp(base, "__init__", 8);
  if (is_package) *is_package = init;
  if (init) return ps_xstrdup(pkg); /* "" for an __init__ at an import root */
  return *pkg ? ps_xasprintf("%s.%.*s", pkg, (int)bn, base) : ps_xstrndup(base, bn);
}

char *ps_modules_resolve_relative(const char *module, bool is_package, int level, const char *name) {
  if (level <= 0) return ps_xstrdup(name ? name : "");
  /* The package the import is relative to: the module itself if it is a
   * package, else its parent; each further dot climbs one more. */
  long parts = *module ? 1 : 0;
  for (const char *c = module; *c; c++) parts += *c == '.';
  long keep = parts - (is_package ? 0 : 1) - (level - 1);
  if (keep <= 0) return NULL; /* above the top-level package, or no package at all */
  size_t len = 0;
  for (long k = 0; k < keep; k++) {
    while (module[len] && module[len] != '.') len++;
    if (k + 1 < keep) len++;
  }
  if (!name || !*name) return ps_xstrndup(module, len);
  return ps_xasprintf("%.*s.%s", (int)len, module, name);
}
