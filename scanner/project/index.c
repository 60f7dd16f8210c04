/* index.c: the project index, folded from each file's facts in path order
 * on the main thread (see project.h). Lookups are by interned string: keys
 * point into the facts' pools (which the index owns) or into its own. */
#include <stdlib.h>
#include <string.h>

#include "project/project.h"

struct PsProjectIndex {
  Array(PsFileFacts *) files;
  PsStrMap by_module; /* module -> file index */
  PsStrMap by_path;   /* path -> file index */
  PsStrMap defs;      /* qualified name -> file index << 32 | def index */
  PsStrPool strings;
};

PsProjectIndex *ps_project_index_new(void) {
  PsProjectIndex *self = ps_xcalloc(1, sizeof *self);
  ps_pool_init(&self->strings);
  return self;
}

void ps_project_index_delete(PsProjectIndex *self) {
  if (!self) return;
  for (size_t i = 0; i < self->files.size; i++) ps_facts_delete(self->files.items[i]);
  array_free(&self->files);
  ps_strmap_free(&self->by_module);
  ps_strmap_free(&self->by_path);
  ps_strmap_free(&self->defs);
  ps_pool_free(&self->strings);
  free(self);
}

void ps_project_index_add(PsProjectIndex *self, PsFileFacts *facts) {
  uint64_t fi = self->files.size;
  array_push(&self->files, facts);
  ps_strmap_put(&self->by_path, facts->path, fi, false);
  /* A runtime module wins over its stub (x.py and x.pyi both scanned). */
  if (*facts->module) {
    uint64_t prev;
    bool over_stub = ps_strmap_find(&self->by_module, facts->module, strlen(facts->module), &prev) &&
                     self->files.items[prev]->is_stub && !facts->is_stub;
    ps_strmap_put(&self->by_module, facts->module, fi, over_stub);
  }
  for (size_t d = 0; d < facts->defs.size; d++)
    ps_strmap_put(&self->defs, facts->defs.items[d].qualname, fi << 32 | d, false);
}

size_t ps_project_index_files(const PsProjectIndex *self) { return self->files.size; }

size_t ps_project_index_bytes(const PsProjectIndex *self) {
  size_t n = 0;
  for (size_t i = 0; i < self->files.size; i++) n += ps_facts_bytes(self->files.items[i]);
  return n;
}

const PsFileFacts *ps_project_index_file(const PsProjectIndex *self, size_t i) {
  return i < self->files.size ? self->files.items[i] : NULL;
}

const PsFileFacts *ps_project_index_module(const PsProjectIndex *self, const char *module) {
  uint64_t v;
  return module && ps_strmap_find(&self->by_module, module, strlen(module), &v) ? self->files.items[v] : NULL;
}

const PsFileFacts *ps_project_index_path(const PsProjectIndex *self, const char *path) {
  uint64_t v;
  return path && ps_strmap_find(&self->by_path, path, strlen(path), &v) ? self->files.items[v] : NULL;
}

PsDefRef ps_project_index_def(const PsProjectIndex *self, const char *qualname) {
  uint64_t v;
  if (!qualname || !ps_strmap_find(&self->defs, qualname, strlen(qualname), &v)) return (PsDefRef){NULL, 0};
  return (PsDefRef){self->files.items[v >> 32], (uint32_t)(v & 0xFFFFFFFFu)};
}

/* One hop: if `q` names something a first-party module imports from
 * elsewhere at module level (`from .impl import run` in pkg/__init__.py
 * makes "pkg.run" stand for "pkg.impl.run"), the name it stands for
 * (heap), else NULL. */
static char *reexport(const PsProjectIndex *self, const char *q) {
  size_t n = strlen(q);
  for (size_t cut = n; cut > 0; cut--) {
    if (q[cut - 1] != '.') continue;
    /* q[0..cut-1) is a candidate module, q[cut..] the rest. */
    uint64_t fi;
    if (!ps_strmap_find(&self->by_module, q, cut - 1, &fi)) continue;
    const PsFileFacts *f = self->files.items[fi];
    const char *rest = q + cut;
    const char *dot = strchr(rest, '.');
    size_t hn = dot ? (size_t)(dot - rest) : strlen(rest);
    for (size_t i = 0; i < f->imports.size; i++) {
      const PsFactImport *im = &f->imports.items[i];
      if (strcmp(im->scope, f->module) || im->dynamic || !*im->module) continue;
      const char *local = im->alias ? im->alias : im->name;
      if (im->name) {
        if (!strcmp(im->name, "*") || strlen(local) != hn || memcmp(local, rest, hn)) continue;
        return ps_xasprintf("%s.%s%s", im->module, im->name, dot ? dot : "");
      }
      /* import a.b as c: c.x -> a.b.x */
      if (im->alias && strlen(im->alias) == hn && !memcmp(im->alias, rest, hn))
        return ps_xasprintf("%s%s", im->module, dot ? dot : "");
    }
    return NULL; /* the longest module prefix decides */
  }
  return NULL;
}

const char *ps_project_index_canonical(PsProjectIndex *self, const char *qualname) {
  char *cur = ps_xstrdup(qualname);
  for (int hop = 0; hop < 16; hop++) {
    if (ps_project_index_def(self, cur).facts) break; /* defined here */
    char *next = reexport(self, cur);
    if (!next) break;
    free(cur);
    cur = next;
  }
  const char *r = ps_pool_intern_cstr(&self->strings, cur);
  free(cur);
  return r;
}
