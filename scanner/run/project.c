/* project.c: what the scanned tree itself defines, computed from the file
 * list before any file is parsed.
 *
 * A top-level module is first-party when a scanned file is that module or
 * lies inside that package: for each file, climb from its directory while
 * the directory holds an __init__.py; the last package climbed (or the
 * file's own stem, at an import root) is the top-level name. Stub files
 * (.pyi) and stub-only packages are not runtime modules and count for
 * nothing.
 */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run/run_internal.h"

void ps_strset_init(PsStrSet *self) {
  self->cap = 64;
  self->size = 0;
  self->slots = ps_xcalloc(self->cap, sizeof(char *));
  self->values = ps_xcalloc(self->cap, sizeof(char *));
}

void ps_strset_free(PsStrSet *self) {
  for (size_t i = 0; i < self->cap; i++) {
    free(self->slots[i]);
    free(self->values[i]);
  }
  free(self->slots);
  free(self->values);
  self->slots = NULL;
  self->values = NULL;
  self->cap = self->size = 0;
}

static size_t find_slot(const PsStrSet *self, const char *s, size_t n) {
  size_t i = (size_t)ps_hash_bytes(s, n) & (self->cap - 1);
  while (self->slots[i] && !(strlen(self->slots[i]) == n && !memcmp(self->slots[i], s, n)))
    i = (i + 1) & (self->cap - 1);
  return i;
}

bool ps_strset_get(const PsStrSet *self, const char *s, size_t n, const char **value) {
  if (!self->cap) return false;
  size_t i = find_slot(self, s, n);
  if (!self->slots[i]) return false;
  if (value) *value = self->values[i];
  return true;
}

void ps_strset_put(PsStrSet *self, const char *s, size_t n, const char *value) {
  if ((self->size + 1) * 2 > self->cap) {
    PsStrSet big = {ps_xcalloc(self->cap * 2, sizeof(char *)), ps_xcalloc(self->cap * 2, sizeof(char *)), 0,
                    self->cap * 2};
    for (size_t i = 0; i < self->cap; i++)
      if (self->slots[i]) {
        size_t j = find_slot(&big, self->slots[i], strlen(self->slots[i]));
        big.slots[j] = self->slots[i];
        big.values[j] = self->values[i];
        big.size++;
      }
    free(self->slots);
    free(self->values);
    *self = big;
  }
  size_t i = find_slot(self, s, n);
  if (self->slots[i]) {
    free(self->values[i]);
  } else {
    self->slots[i] = ps_xstrndup(s, n);
    self->size++;
  }
  self->values[i] = value ? ps_xstrdup(value) : NULL;
}

/* A runtime package: __init__.py. A stub package (__init__.pyi only, as in
 * typeshed) imports nothing at runtime, so it shadows nothing. */
static bool has_init(const char *dir) {
  char p[2 * PATH_MAX + 32];
  snprintf(p, sizeof p, "%s/__init__.py", dir);
  return access(p, F_OK) == 0;
}

/* The top package of directory `dir` (value NULL: dir is an import root);
 * the import root it climbs to goes into `roots`. */
static const char *dir_top(PsStrSet *cache, PsStrSet *roots, const char *dir, size_t n) {
  const char *v = NULL;
  if (ps_strset_get(cache, dir, n, &v)) return v;
  char d[PATH_MAX], real[PATH_MAX];
  snprintf(d, sizeof d, "%.*s", (int)n, dir);
  const char *top = NULL;
  char name[256] = "";
  if (realpath(d, real)) {
    while (has_init(real)) {
      char *slash = strrchr(real, '/');
      if (!slash || slash == real) break;
      snprintf(name, sizeof name, "%s", slash + 1);
      *slash = '\0';
      top = name;
    }
    ps_strset_put(roots, real, strlen(real), NULL);
  }
  ps_strset_put(cache, dir, n, top);
  ps_strset_get(cache, dir, n, &v);
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
      snprintf(sub, sizeof sub, "%s/%s", root, nm);
      if (has_init(sub)) ps_strset_put(set, nm, strlen(nm), NULL);
    }
  }
  closedir(d);
}

void ps_project_build(PsProject *self, const char *const *paths, size_t n) {
  ps_strset_init(&self->first_party);
  PsStrSet cache, roots;
  ps_strset_init(&cache);
  ps_strset_init(&roots);
  for (size_t i = 0; i < n; i++) {
    const char *p = paths[i];
    if (ps_str_ends_with(p, ".pyi")) continue; /* a stub defines no runtime module */
    const char *slash = strrchr(p, '/');
    const char *base = slash ? slash + 1 : p;
    const char *dir = slash ? p : ".";
    size_t dn = slash ? (size_t)(slash - p) : 1;
    if (slash == p) dn = 1, dir = "/";
    const char *top = dir_top(&cache, &roots, dir, dn);
    if (top) {
      ps_strset_put(&self->first_party, top, strlen(top), NULL);
    } else {
      const char *dot = strrchr(base, '.');
      size_t bn = dot ? (size_t)(dot - base) : strlen(base);
      if (bn == 8 && !memcmp(base, "__init__", 8)) continue;
      ps_strset_put(&self->first_party, base, bn, NULL);
    }
  }
  for (size_t i = 0; i < roots.cap; i++)
    if (roots.slots[i]) add_root_modules(&self->first_party, roots.slots[i]);
  ps_strset_free(&cache);
  ps_strset_free(&roots);
}

void ps_project_free(PsProject *self) { ps_strset_free(&self->first_party); }

bool ps_project_is_first_party(const void *project, const char *top, size_t len) {
  const PsProject *self = project;
  return ps_strset_get(&self->first_party, top, len, NULL);
}
