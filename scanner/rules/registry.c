/* registry.c: the set of loaded rules, directory loading and selection.
 *
 * Rule files are read as scanned files are: regular files only, opened
 * without blocking (a FIFO named *.rule must not hang the run), directories
 * recursed with a (device, inode) set so that a symlink loop is reported
 * once instead of walked for minutes. With a root set (rule paths from a
 * pyproject.toml), every directory and file must resolve inside it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rules/rules_internal.h"

/* Rule files bigger than this are refused. */
#define PS_RULE_FILE_MAX_BYTES (16u << 20)
/* Rules directories are read this many levels deep at most. */
#define PS_RULE_DIR_MAX_DEPTH 8

struct PsRegistry {
  Array(PsRule *) rules; /* sorted by id after each load */
  bool trusted;
  char *root;            /* realpath: files must resolve inside it, or NULL */
};

void ps_registry_set_trusted(PsRegistry *self, bool trusted) { self->trusted = trusted; }

int ps_registry_set_root(PsRegistry *self, const char *root, PsError *err) {
  free(self->root);
  self->root = NULL;
  if (!root) return 0;
  if (!(self->root = realpath(root, NULL)))
    return ps_error_set(err, PS_E_IO, root, 0, 0, "cannot resolve the project root: %s", strerror(errno));
  return 0;
}

/* The path to open for `path`: itself without a root, else its realpath,
 * which must lie inside the root (heap string; NULL with err set). */
static char *confine(const PsRegistry *self, const char *path, PsError *err) {
  if (!self->root) return ps_xstrdup(path);
  char *real = realpath(path, NULL);
  if (!real) {
    ps_error_set(err, PS_E_RULE, path, 0, 0, "cannot read rule path: %s", strerror(errno));
    return NULL;
  }
  size_t n = strlen(self->root);
  bool inside = !strncmp(real, self->root, n) && (real[n] == '/' || real[n] == '\0' || (n == 1 && real[0] == '/'));
  if (!inside) {
    ps_error_set(err, PS_E_RULE, path, 0, 0,
                 "rule path leads outside the project (%s): rules configured in pyproject.toml must stay "
                 "inside its directory; use --rules for others",
                 self->root);
    free(real);
    return NULL;
  }
  return real;
}

PsRegistry *ps_registry_new(void) { return ps_xcalloc(1, sizeof(PsRegistry)); }

void ps_registry_delete(PsRegistry *self) {
  if (!self) return;
  for (size_t i = 0; i < self->rules.size; i++) ps_rules__free_rule(self->rules.items[i]);
  array_free(&self->rules);
  free(self->root);
  free(self);
}

static int cmp_rule(const void *a, const void *b) {
  return strcmp((*(PsRule *const *)a)->meta.id, (*(PsRule *const *)b)->meta.id);
}

int ps_table_col(const PsTable *t, const char *name) {
  for (size_t i = 0; i < t->n_cols; i++)
    if (!strcmp(t->cols[i], name)) return (int)i;
  return -1;
}

const PsParam *ps_rule_param(const PsRule *rule, const char *key) {
  for (size_t i = 0; i < rule->n_params; i++)
    if (!strcmp(rule->params[i].key, key)) return &rule->params[i];
  return NULL;
}

int ps_registry_load_text(PsRegistry *self, const char *path, const char *text, size_t len,
                          PsError *err) {
  PsRule *r = ps_xcalloc(1, sizeof *r);
  r->query_unchecked = self->trusted;
  int rc = ps_rules__parse(r, path, text, len, err);
  if (rc == 0) {
    /* The file name must be <ID>-<name>.rule when it looks like a path. */
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (ps_str_ends_with(base, ".rule")) {
      char want[256];
      snprintf(want, sizeof want, "%s-%s.rule", r->meta.id, r->meta.name);
      if (strcmp(base, want) != 0)
        rc = ps_error_set(err, PS_E_RULE, path, 0, 0, "rule file must be named %s", want);
    }
  }
  if (rc == 0) {
    const PsRule *dup = ps_registry_find(self, r->meta.id);
    if (dup)
      rc = ps_error_set(err, PS_E_RULE, path, 0, 0, "rule id %s is already defined in %s", r->meta.id,
                        dup->path);
  }
  if (rc) {
    ps_rules__free_rule(r);
    return rc;
  }
  array_push(&self->rules, r);
  qsort(self->rules.items, self->rules.size, sizeof(PsRule *), cmp_rule);
  return 0;
}

/* Reads a rule file that open_path resolved; `shown` names it in errors. */
static int read_rule_file(const char *open_path, const char *shown, PsBuf *b, PsError *err) {
  /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused
   * below as not a regular file. */
  int fd = open(open_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  struct stat st;
  int rc = 0;
  if (fd < 0) return ps_error_set(err, PS_E_RULE, shown, 0, 0, "cannot read rule file: %s", strerror(errno));
  if (fstat(fd, &st) != 0) {
    rc = ps_error_set(err, PS_E_RULE, shown, 0, 0, "cannot read rule file: %s", strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    rc = ps_error_set(err, PS_E_RULE, shown, 0, 0, "rule file is not a regular file");
  } else if ((unsigned long long)st.st_size > PS_RULE_FILE_MAX_BYTES) {
    rc = ps_error_set(err, PS_E_RULE, shown, 0, 0, "rule file is larger than 16 MiB");
  }
  char chunk[65536];
  while (rc == 0) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) rc = ps_error_set(err, PS_E_RULE, shown, 0, 0, "cannot read rule file: %s", strerror(errno));
    if (n <= 0) break;
    ps_buf_append(b, chunk, (size_t)n);
    if (b->len > PS_RULE_FILE_MAX_BYTES) rc = ps_error_set(err, PS_E_RULE, shown, 0, 0, "rule file is larger than 16 MiB");
  }
  close(fd);
  return rc;
}

int ps_registry_load_file(PsRegistry *self, const char *path, PsError *err) {
  char *real = confine(self, path, err);
  if (!real) return PS_E_RULE;
  PsBuf b = PS_BUF_INIT;
  int rc = read_rule_file(real, path, &b, err);
  if (rc == 0) rc = ps_registry_load_text(self, path, b.data ? b.data : "", b.len, err);
  ps_buf_free(&b);
  free(real);
  return rc;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

typedef struct DirId {
  dev_t dev;
  ino_t ino;
} DirId;

typedef struct DirWalk {
  PsRegistry *self;
  PsErrorFn on_error;
  void *ctx;
  Array(DirId) seen;  /* every directory read so far */
  Array(DirId) stack; /* the directories being read: the current one's ancestors */
  int bad;           /* errors reported */
} DirWalk;

static void dir_error(DirWalk *w, const PsError *e) {
  if (w->on_error) w->on_error(w->ctx, e);
  w->bad++;
}

/* Returns PS_E_IO when `dir` itself cannot be read, else 0 (errors below
 * it are reported and counted in w->bad). */
static int load_dir_rec(DirWalk *w, const char *dir, int depth) {
  PsError e;
  ps_error_clear(&e);
  char *real = confine(w->self, dir, &e);
  if (!real) {
    dir_error(w, &e);
    return PS_E_IO;
  }
  int fd = open(real, O_RDONLY | O_CLOEXEC | O_DIRECTORY | O_NONBLOCK | O_NOCTTY);
  free(real);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    ps_error_set(&e, PS_E_IO, dir, 0, 0, "cannot read rules directory: %s", strerror(errno));
    if (fd >= 0) close(fd);
    dir_error(w, &e);
    return PS_E_IO;
  }
  for (size_t i = 0; i < w->stack.size; i++) {
    if (w->stack.items[i].dev == st.st_dev && w->stack.items[i].ino == st.st_ino) {
      close(fd);
      ps_error_set(&e, PS_E_IO, dir, 0, 0, "symlink loop");
      dir_error(w, &e);
      return 0;
    }
  }
  for (size_t i = 0; i < w->seen.size; i++) {
    if (w->seen.items[i].dev == st.st_dev && w->seen.items[i].ino == st.st_ino) {
      close(fd); /* a second name for a directory whose rules are loaded */
      return 0;
    }
  }
  DIR *d = fdopendir(fd);
  if (!d) {
    ps_error_set(&e, PS_E_IO, dir, 0, 0, "cannot read rules directory: %s", strerror(errno));
    close(fd);
    dir_error(w, &e);
    return PS_E_IO;
  }
  DirId id = {st.st_dev, st.st_ino};
  array_push(&w->seen, id);
  array_push(&w->stack, id);
  Array(char *) names;
  array_init(&names);
  struct dirent *de;
  while ((de = readdir(d)))
    if (de->d_name[0] != '.') array_push(&names, ps_xasprintf("%s/%s", dir, de->d_name));
  closedir(d);
  if (names.size > 1) qsort(names.items, names.size, sizeof(char *), cmp_str);
  for (size_t i = 0; i < names.size; i++) {
    const char *p = names.items[i];
    struct stat est;
    if (stat(p, &est) == 0 && S_ISDIR(est.st_mode)) {
      if (depth < PS_RULE_DIR_MAX_DEPTH) {
        load_dir_rec(w, p, depth + 1);
      } else {
        ps_error_set(&e, PS_E_IO, p, 0, 0, "rules directory nested more than %d levels deep, skipped",
                     PS_RULE_DIR_MAX_DEPTH);
        dir_error(w, &e);
      }
    } else if (ps_str_ends_with(p, ".rule")) {
      ps_error_clear(&e);
      if (ps_registry_load_file(w->self, p, &e) != 0) dir_error(w, &e);
    }
    free(names.items[i]);
  }
  array_free(&names);
  w->stack.size--;
  return 0;
}

int ps_registry_load_dir(PsRegistry *self, const char *dir, PsErrorFn on_error, void *ctx) {
  DirWalk w = {.self = self, .on_error = on_error, .ctx = ctx};
  array_init(&w.seen);
  array_init(&w.stack);
  int rc = load_dir_rec(&w, dir, 0);
  array_free(&w.seen);
  array_free(&w.stack);
  return rc < 0 ? rc : w.bad;
}

size_t ps_registry_count(const PsRegistry *self) { return self->rules.size; }

const PsRule *ps_registry_at(const PsRegistry *self, size_t i) { return *array_get(&self->rules, i); }

const PsRule *ps_registry_find(const PsRegistry *self, const char *id) {
  for (size_t i = 0; i < self->rules.size; i++)
    if (!strcmp(self->rules.items[i]->meta.id, id)) return self->rules.items[i];
  return NULL;
}

bool ps_selector_matches(const char *selector, const char *id) {
  if (!strcmp(selector, "ALL")) return true;
  return ps_str_starts_with(id, selector);
}

/* Specificity of a selector that matches: ALL = 0, else its length. */
static int specificity(const char *selector) { return strcmp(selector, "ALL") ? (int)strlen(selector) : 0; }

int ps_registry_check_selector(const PsRegistry *self, const char *selector, PsError *err) {
  if (!strcmp(selector, "ALL")) return 0;
  for (size_t i = 0; i < self->rules.size; i++)
    if (ps_selector_matches(selector, self->rules.items[i]->meta.id)) return 0;
  /* Families with no rules loaded yet are still valid selectors. */
  static const char *const FAMILIES[] = {"RM", "DP", "TY", "FT", "MP"};
  for (size_t i = 0; i < 5; i++)
    if (ps_str_starts_with(FAMILIES[i], selector) || !strcmp(FAMILIES[i], selector)) return 0;
  return ps_error_set(err, PS_E_USAGE, "", 0, 0, "unknown rule selector `%s`", selector);
}

static int best_match(const char *const *sels, size_t n, const char *id, bool exact_only) {
  int best = -1;
  for (size_t i = 0; i < n; i++) {
    if (exact_only ? strcmp(sels[i], id) != 0 : !ps_selector_matches(sels[i], id)) continue;
    int s = specificity(sels[i]);
    if (s > best) best = s;
  }
  return best;
}

int ps_registry_select(const PsRegistry *self, const PsSelection *sel, const PsRule ***out,
                       size_t *n_out, PsError *err) {
  const char *const *lists[3] = {sel->select, sel->extend_select, sel->ignore};
  size_t counts[3] = {sel->n_select, sel->n_extend_select, sel->n_ignore};
  for (int l = 0; l < 3; l++)
    for (size_t i = 0; i < counts[l]; i++) {
      int rc = ps_registry_check_selector(self, lists[l][i], err);
      if (rc) return rc;
    }
  Array(const PsRule *) on;
  array_init(&on);
  for (size_t i = 0; i < self->rules.size; i++) {
    const PsRule *r = self->rules.items[i];
    const char *id = r->meta.id;
    int s = best_match(sel->select, sel->n_select, id, r->explicit_only);
    int e = best_match(sel->extend_select, sel->n_extend_select, id, r->explicit_only);
    int pick = s > e ? s : e;
    int ig = best_match(sel->ignore, sel->n_ignore, id, false);
    if (pick < 0 || ig >= pick) continue;
    if (!sel->preview && !strcmp(r->meta.status, "preview")) continue;
    if (r->has_target && !ps_pyconstraint_allows(&r->target, sel->target)) continue;
    if (r->has_min_python && !ps_pyconstraint_allows(&r->min_python, sel->min_python)) continue;
    if (r->free_threaded_only && !sel->target.free_threaded) continue;
    if (r->free_threaded_default && !sel->target.free_threaded) {
      /* On another target only when the user's selector names it. */
      int us = sel->select_default ? -1 : s;
      if ((us > e ? us : e) <= 0 || (us > e ? us : e) < pick) continue;
    }
    array_push(&on, r);
  }
  *out = on.items;
  *n_out = on.size;
  return 0;
}
