/* baseline.c: recording findings into a baseline file, and matching a run's
 * findings against one (see baseline.h for the key and docs/output-formats.md
 * for the file format).
 */
#include "baseline/baseline.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct PsBaseline {
  char *file;
  char *base;                     /* realpath of file's directory, NULL if it does not resolve */
  Array(PsBaselineEntry) entries;
  PsStrMap index;                 /* "rule\tpath\thash\tocc" -> entry index (loaded baselines) */
  PsStrMap occ;                   /* "rule\tpath\thash" -> findings seen so far */
  PsStrMap seen;                  /* key paths checked in this run -> index in seen_paths */
  Array(char *) keys;             /* owned keys of index, occ and seen */
  Array(char *) seen_display;     /* the displayed path of each seen key path */
  char *last_dir, *last_real;     /* ps_baseline_key_path's cache: one realpath per directory */
};

static char *own_key(PsBaseline *self, char *k) {
  array_push(&self->keys, k);
  return k;
}

static char *dir_of(const char *file) {
  const char *slash = strrchr(file, '/');
  if (!slash) return ps_xstrdup(".");
  return ps_xstrndup(file, slash == file ? 1 : (size_t)(slash - file));
}

static PsBaseline *baseline_alloc(const char *file) {
  PsBaseline *self = ps_xcalloc(1, sizeof *self);
  self->file = ps_xstrdup(file);
  char *dir = dir_of(file);
  self->base = realpath(dir, NULL);
  free(dir);
  return self;
}

PsBaseline *ps_baseline_new(const char *file) { return baseline_alloc(file); }

size_t ps_baseline_size(const PsBaseline *self) { return self->entries.size; }

/* Replaces each byte that is not part of valid UTF-8 with '?', in place, so
 * that every string of the file is JSON (paths may hold any byte). */
static char *lossy(char *s) {
  unsigned char *p = (unsigned char *)s;
  size_t n = strlen(s);
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    size_t len = ps_utf8_decode(p + i, n - i, &cp);
    if (len <= 1 && p[i] >= 0x80) p[i] = '?', len = 1;
    i += len ? len : 1;
  }
  return s;
}

static char *key_path(const PsBaseline *self_c, const char *path);

char *ps_baseline_key_path(const PsBaseline *self, const char *path) { return lossy(key_path(self, path)); }

static char *key_path(const PsBaseline *self_c, const char *path) {
  PsBaseline *self = (PsBaseline *)self_c; /* the cache only */
  const char *slash = strrchr(path, '/');
  char *dir = dir_of(path);
  if (!self->last_dir || strcmp(self->last_dir, dir)) {
    free(self->last_dir);
    free(self->last_real);
    self->last_dir = ps_xstrdup(dir);
    self->last_real = realpath(dir, NULL);
  }
  free(dir);
  const char *name = slash ? slash + 1 : path;
  if (!self->last_real) return ps_xstrdup(path);
  char *abs = ps_xasprintf("%s/%s", strcmp(self->last_real, "/") ? self->last_real : "", name);
  if (self->base) {
    size_t n = strlen(self->base);
    if (!strcmp(self->base, "/")) n = 0;
    if (!strncmp(abs, self->base, n) && abs[n] == '/') {
      char *rel = ps_xstrdup(abs + n + 1);
      free(abs);
      return rel;
    }
  }
  return abs;
}

/* FNV-1a 64 of the line without any whitespace, as 16 hex digits: a
 * re-indented or re-spaced line keeps its hash. */
static void line_hash(const char *line, char out[17]) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char *p = (const unsigned char *)(line ? line : ""); *p; p++) {
    if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '\f' || *p == '\v') continue;
    h ^= *p;
    h *= 0x100000001b3ULL;
  }
  snprintf(out, 17, "%016" PRIx64, h);
}

/* The occurrence index of (rule, path, hash) in this run: 0 for the first. */
static unsigned next_occurrence(PsBaseline *self, const char *rule, const char *kpath, const char *hash) {
  char *k = ps_xasprintf("%s\t%s\t%s", rule, kpath, hash);
  uint64_t v = 0;
  const char *stored = ps_strmap_find(&self->occ, k, strlen(k), &v);
  if (stored) {
    ps_strmap_put(&self->occ, stored, v + 1, true);
    free(k);
  } else {
    ps_strmap_put(&self->occ, own_key(self, k), 1, false);
  }
  return (unsigned)v;
}

static void note_seen(PsBaseline *self, const char *kpath, const char *display) {
  if (ps_strmap_find(&self->seen, kpath, strlen(kpath), NULL)) return;
  ps_strmap_put(&self->seen, own_key(self, ps_xstrdup(kpath)), self->seen_display.size, false);
  array_push(&self->seen_display, ps_xstrdup(display));
}

void ps_baseline_record(PsBaseline *self, const char *path, const PsFinding *fs, size_t n) {
  if (!n) return;
  char *kpath = ps_baseline_key_path(self, path);
  for (size_t i = 0; i < n; i++) {
    const PsFinding *f = &fs[i];
    char hash[17];
    line_hash(f->source_line, hash);
    PsBaselineEntry e = {0};
    e.rule = ps_xstrdup(f->rule->id);
    e.path = ps_xstrdup(kpath);
    e.hash = ps_xstrdup(hash);
    e.occurrence = next_occurrence(self, e.rule, kpath, hash);
    e.line = f->range.start.line;
    e.column = f->range.start.col;
    e.message = f->message ? lossy(ps_xstrdup(f->message)) : NULL;
    e.fingerprint = f->fingerprint ? ps_xstrdup(f->fingerprint) : NULL;
    array_push(&self->entries, e);
  }
  free(kpath);
}

size_t ps_baseline_match(PsBaseline *self, const char *path, PsFinding *fs, size_t n) {
  char *kpath = ps_baseline_key_path(self, path);
  size_t unchanged = 0;
  for (size_t i = 0; i < n; i++) {
    PsFinding *f = &fs[i];
    char hash[17];
    line_hash(f->source_line, hash);
    unsigned occ = next_occurrence(self, f->rule->id, kpath, hash);
    char *k = ps_xasprintf("%s\t%s\t%s\t%u", f->rule->id, kpath, hash, occ);
    uint64_t at;
    f->baseline = PS_BASELINE_NEW;
    if (ps_strmap_find(&self->index, k, strlen(k), &at) && !self->entries.items[at].matched) {
      self->entries.items[at].matched = true;
      f->baseline = PS_BASELINE_UNCHANGED;
      unchanged++;
    }
    free(k);
  }
  free(kpath);
  return unchanged;
}

void ps_baseline_saw(PsBaseline *self, const char *path) {
  char *kpath = ps_baseline_key_path(self, path);
  note_seen(self, kpath, path);
  free(kpath);
}

size_t ps_baseline_absent(const PsBaseline *self, const PsBaselineEntry ***out, const char ***paths) {
  size_t n = 0;
  *out = ps_xmalloc((self->entries.size ? self->entries.size : 1) * sizeof **out);
  *paths = ps_xmalloc((self->entries.size ? self->entries.size : 1) * sizeof **paths);
  for (size_t i = 0; i < self->entries.size; i++) {
    const PsBaselineEntry *e = &self->entries.items[i];
    uint64_t at;
    if (e->matched || !ps_strmap_find(&self->seen, e->path, strlen(e->path), &at)) continue;
    (*out)[n] = e;
    (*paths)[n++] = self->seen_display.items[at];
  }
  return n;
}

/* ---- the file ------------------------------------------------------------------ */

static int cmp_entry(const void *pa, const void *pb) {
  const PsBaselineEntry *a = pa, *b = pb;
  int c = strcmp(a->path, b->path);
  if (c) return c;
  if (a->line != b->line) return a->line < b->line ? -1 : 1;
  if (a->column != b->column) return a->column < b->column ? -1 : 1;
  if ((c = strcmp(a->rule, b->rule))) return c;
  return a->occurrence < b->occurrence ? -1 : a->occurrence > b->occurrence;
}

char *ps_baseline_serialize(const PsBaseline *self, size_t *n_entries) {
  size_t n = self->entries.size;
  PsBaselineEntry *sorted = ps_xmalloc((n ? n : 1) * sizeof *sorted);
  if (n) memcpy(sorted, self->entries.items, n * sizeof *sorted);
  qsort(sorted, n, sizeof *sorted, cmp_entry);
  json_t *root = json_object();
  json_object_set_new(root, "pyshift-baseline", json_integer(PS_BASELINE_VERSION));
  json_object_set_new(root, "pyshift-version", json_string(PS_VERSION));
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) {
    const PsBaselineEntry *e = &sorted[i];
    json_t *o = json_object();
    json_object_set_new(o, "rule", json_string(e->rule));
    json_object_set_new(o, "path", json_string(e->path));
    json_object_set_new(o, "hash", json_string(e->hash));
    json_object_set_new(o, "occurrence", json_integer(e->occurrence));
    json_object_set_new(o, "line", json_integer(e->line));
    json_object_set_new(o, "column", json_integer(e->column));
    if (e->message) json_object_set_new(o, "message", json_string(e->message));
    if (e->fingerprint) json_object_set_new(o, "fingerprint", json_string(e->fingerprint));
    json_array_append_new(arr, o);
  }
  json_object_set_new(root, "findings", arr);
  char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(root);
  free(sorted);
  char *out = ps_xasprintf("%s\n", text ? text : "{}");
  free(text);
  *n_entries = n;
  return out;
}

static int bad(PsError *err, const char *file, size_t i, const char *what) {
  return ps_error_set(err, PS_E_CONFIG, file, 0, 0, "not a pyshift baseline: findings[%zu]: %s", i, what);
}

int ps_baseline_load(PsBaseline **out, const char *file, PsError *err) {
  *out = NULL;
  FILE *f = fopen(file, "rb");
  if (!f) return ps_error_set(err, PS_E_IO, file, 0, 0, "cannot read the baseline: %s", strerror(errno));
  json_error_t je;
  json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
  int read_errno = ferror(f) ? errno : 0;
  fclose(f);
  if (read_errno) return ps_error_set(err, PS_E_IO, file, 0, 0, "cannot read the baseline: %s", strerror(read_errno));
  if (!root)
    return ps_error_set(err, PS_E_CONFIG, file, je.line > 0 ? je.line : 0, je.column > 0 ? je.column : 0,
                        "not a pyshift baseline: %s", je.text);
  int rc = 0;
  PsBaseline *self = NULL;
  json_t *ver = json_object_get(root, "pyshift-baseline");
  json_t *arr = json_object_get(root, "findings");
  if (!json_is_object(root) || !ver) {
    rc = ps_error_set(err, PS_E_CONFIG, file, 0, 0,
                      "not a pyshift baseline (no \"pyshift-baseline\" version; write one with --write-baseline)");
    goto cleanup;
  }
  if (!json_is_integer(ver) || json_integer_value(ver) != PS_BASELINE_VERSION) {
    char *v = json_dumps(ver, JSON_ENCODE_ANY);
    rc = ps_error_set(err, PS_E_CONFIG, file, 0, 0,
                      "baseline format version %s is not supported (this pyshift reads version %d)", v ? v : "?",
                      PS_BASELINE_VERSION);
    free(v);
    goto cleanup;
  }
  if (!json_is_array(arr)) {
    rc = ps_error_set(err, PS_E_CONFIG, file, 0, 0, "not a pyshift baseline: \"findings\" is not an array");
    goto cleanup;
  }
  self = baseline_alloc(file);
  for (size_t i = 0; i < json_array_size(arr); i++) {
    json_t *o = json_array_get(arr, i);
    json_t *rule = json_object_get(o, "rule"), *path = json_object_get(o, "path"), *hash = json_object_get(o, "hash");
    json_t *occ = json_object_get(o, "occurrence"), *line = json_object_get(o, "line");
    json_t *col = json_object_get(o, "column"), *msg = json_object_get(o, "message");
    json_t *fp = json_object_get(o, "fingerprint");
    if (!json_is_object(o)) rc = bad(err, file, i, "not an object");
    else if (!json_is_string(rule) || !json_string_length(rule)) rc = bad(err, file, i, "\"rule\" must be a rule id");
    else if (!json_is_string(path) || !json_string_length(path) || strlen(json_string_value(path)) != json_string_length(path))
      rc = bad(err, file, i, "\"path\" must be a path");
    else if (!json_is_string(hash) || json_string_length(hash) != 16 ||
             strspn(json_string_value(hash), "0123456789abcdef") != 16)
      rc = bad(err, file, i, "\"hash\" must be 16 lower-case hex digits");
    else if (!json_is_integer(occ) || json_integer_value(occ) < 0 || json_integer_value(occ) > UINT_MAX)
      rc = bad(err, file, i, "\"occurrence\" must be a number from 0");
    else if ((line && (!json_is_integer(line) || json_integer_value(line) < 0 || json_integer_value(line) > UINT_MAX)) ||
             (col && (!json_is_integer(col) || json_integer_value(col) < 0 || json_integer_value(col) > UINT_MAX)))
      rc = bad(err, file, i, "\"line\" and \"column\" must be numbers");
    else if ((msg && !json_is_string(msg)) || (fp && !json_is_string(fp)))
      rc = bad(err, file, i, "\"message\" and \"fingerprint\" must be strings");
    if (rc) goto cleanup;
    PsBaselineEntry e = {0};
    e.rule = ps_xstrdup(json_string_value(rule));
    e.path = ps_xstrdup(json_string_value(path));
    e.hash = ps_xstrdup(json_string_value(hash));
    e.occurrence = (unsigned)json_integer_value(occ);
    e.line = line ? (unsigned)json_integer_value(line) : 0;
    e.column = col ? (unsigned)json_integer_value(col) : 0;
    e.message = msg ? ps_xstrdup(json_string_value(msg)) : NULL;
    e.fingerprint = fp ? ps_xstrdup(json_string_value(fp)) : NULL;
    char *k = ps_xasprintf("%s\t%s\t%s\t%u", e.rule, e.path, e.hash, e.occurrence);
    /* The same key twice: the second copy would never match; keep one. */
    if (!ps_strmap_put(&self->index, k, self->entries.size, false)) {
      free(k);
      free(e.rule), free(e.path), free(e.hash), free(e.message), free(e.fingerprint);
      continue;
    }
    own_key(self, k);
    array_push(&self->entries, e);
  }
cleanup:
  json_decref(root);
  if (rc) {
    ps_baseline_delete(self);
    return rc;
  }
  *out = self;
  return 0;
}

void ps_baseline_delete(PsBaseline *self) {
  if (!self) return;
  for (size_t i = 0; i < self->entries.size; i++) {
    PsBaselineEntry *e = &self->entries.items[i];
    free(e->rule), free(e->path), free(e->hash), free(e->message), free(e->fingerprint);
  }
  array_free(&self->entries);
  ps_strmap_free(&self->index);
  ps_strmap_free(&self->occ);
  ps_strmap_free(&self->seen);
  for (size_t i = 0; i < self->keys.size; i++) free(self->keys.items[i]);
  array_free(&self->keys);
  for (size_t i = 0; i < self->seen_display.size; i++) free(self->seen_display.items[i]);
  array_free(&self->seen_display);
  free(self->last_dir);
  free(self->last_real);
  free(self->base);
  free(self->file);
  free(self);
}
