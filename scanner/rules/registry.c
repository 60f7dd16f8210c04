/* registry.c: the set of loaded rules, directory loading and selection. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rules/rules_internal.h"

struct PsRegistry {
  Array(PsRule *) rules; /* sorted by id after each load */
  bool trusted;
};

void ps_registry_set_trusted(PsRegistry *self, bool trusted) { self->trusted = trusted; }

PsRegistry *ps_registry_new(void) { return ps_xcalloc(1, sizeof(PsRegistry)); }

void ps_registry_delete(PsRegistry *self) {
  if (!self) return;
  for (size_t i = 0; i < self->rules.size; i++) ps_rules__free_rule(self->rules.items[i]);
  array_free(&self->rules);
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

int ps_registry_load_file(PsRegistry *self, const char *path, PsError *err) {
  FILE *f = fopen(path, "rb");
  if (!f) return ps_error_set(err, PS_E_RULE, path, 0, 0, "cannot read rule file: %s", strerror(errno));
  PsBuf b = PS_BUF_INIT;
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    ps_buf_append(&b, chunk, n);
    if (b.len > 16u << 20) break;
  }
  bool bad = ferror(f);
  fclose(f);
  int rc;
  if (bad) rc = ps_error_set(err, PS_E_RULE, path, 0, 0, "cannot read rule file");
  else if (b.len > 16u << 20) rc = ps_error_set(err, PS_E_RULE, path, 0, 0, "rule file is larger than 16 MiB");
  else rc = ps_registry_load_text(self, path, b.data ? b.data : "", b.len, err);
  ps_buf_free(&b);
  return rc;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int load_dir_rec(PsRegistry *self, const char *dir, PsErrorFn on_error, void *ctx, int depth) {
  DIR *d = opendir(dir);
  if (!d) {
    PsError e;
    ps_error_set(&e, PS_E_IO, dir, 0, 0, "cannot read rules directory: %s", strerror(errno));
    if (on_error) on_error(ctx, &e);
    return depth == 0 ? PS_E_IO : 1;
  }
  Array(char *) names;
  array_init(&names);
  struct dirent *de;
  while ((de = readdir(d)))
    if (de->d_name[0] != '.') array_push(&names, ps_xasprintf("%s/%s", dir, de->d_name));
  closedir(d);
  qsort(names.items, names.size, sizeof(char *), cmp_str);
  int bad = 0;
  for (size_t i = 0; i < names.size; i++) {
    struct stat st;
    const char *p = names.items[i];
    if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
      if (depth < 8) {
        int r = load_dir_rec(self, p, on_error, ctx, depth + 1);
        if (r > 0) bad += r;
      }
    } else if (ps_str_ends_with(p, ".rule")) {
      PsError e;
      ps_error_clear(&e);
      if (ps_registry_load_file(self, p, &e) != 0) {
        if (on_error) on_error(ctx, &e);
        bad++;
      }
    }
    free(names.items[i]);
  }
  array_free(&names);
  return bad;
}

int ps_registry_load_dir(PsRegistry *self, const char *dir, PsErrorFn on_error, void *ctx) {
  return load_dir_rec(self, dir, on_error, ctx, 0);
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
    array_push(&on, r);
  }
  *out = on.items;
  *n_out = on.size;
  return 0;
}
