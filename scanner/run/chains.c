/* chains.c: before the joins, the files that a class chain of the
 * removed-APIs join goes through and no gate admitted (see
 * docs/architecture.md, "Base classes in other modules"). */
#include <stdlib.h>
#include <string.h>

#include "run/run_internal.h"

typedef struct Wanted {
  PsStrMap by_module;  /* module -> index in the walk's paths (keys in `names`) */
  Array(char *) names;
  PsProjectIndex *index;
  const char *const *paths;
  unsigned char *tried; /* per path */
  Array(size_t) todo;
} Wanted;

/* The file of the longest module prefix of `name` that the walk found, if
 * its class facts are not in the index yet and it was not read for them. */
static void want_name(void *ctx, const char *name) {
  Wanted *W = ctx;
  for (size_t cut = strlen(name); cut > 0; cut--) {
    if (name[cut] != '\0' && name[cut] != '.') continue;
    uint64_t i;
    if (!ps_strmap_find(&W->by_module, name, cut, &i)) continue;
    if (W->tried[i]) return;
    const PsFileFacts *f = ps_project_index_path(W->index, W->paths[i]);
    if (f && f->classes_copied) return;
    W->tried[i] = 1;
    array_push(&W->todo, (size_t)i);
    return;
  }
}

static int cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

/* Before the joins: a base class imported from a module whose file no gate
 * admitted (`class T(BaseTest)` with BaseTest in tests/base.py) is read
 * from that file now, on this thread, its class facts alone; again for
 * the bases those classes name, until no chain needs another file. The
 * files are read in path order within each round: the index, and so the
 * findings, are the same for any --jobs. */
void ps_run__fetch_chains(const PsEngine *engine, PsProjectIndex *index, const PsModules *modules,
                          const char *const *paths, size_t n) {
  if (!n) return;
  Wanted W = {0};
  W.index = index;
  W.paths = paths;
  W.tried = ps_xcalloc(n, 1);
  for (size_t i = 0; i < n; i++) {
    bool pkg = false;
    char *m = ps_modules_name(modules, paths[i], &pkg);
    if (m && *m && ps_strmap_put(&W.by_module, m, i, false)) array_push(&W.names, m); /* the first file of a module */
    else free(m);
  }
  PsError err;
  ps_error_clear(&err);
  PsScanWorker *w = NULL;
  for (int round = 0; round < 32; round++) {
    array_clear(&W.todo);
    ps_engine_wanted(engine, index, want_name, &W);
    if (!W.todo.size) break;
    qsort(W.todo.items, W.todo.size, sizeof(size_t), cmp_size);
    if (!w && !(w = ps_scan_worker_new(engine, &err))) break;
    for (size_t k = 0; k < W.todo.size; k++) {
      PsFileFacts *f = ps_engine_scan_facts(w, paths[W.todo.items[k]]);
      if (f) ps_project_index_add(index, f);
    }
  }
  ps_scan_worker_delete(w);
  array_free(&W.todo);
  free(W.tried);
  ps_strmap_free(&W.by_module);
  for (size_t i = 0; i < W.names.size; i++) free(W.names.items[i]);
  array_free(&W.names);
}

