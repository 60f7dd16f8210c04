/* config.c: the run configuration and its pyproject.toml layer.
 *
 * ps_config_init sets the documented defaults; ps_config_load_pyproject
 * overlays `[tool.pyshift]` and `[project] requires-python` from one file,
 * touching only the fields the file sets, so that the command line can be
 * applied on top afterwards. Key names and types are checked strictly:
 * unknown keys and wrong types are errors that point into the file.
 */
#include "config/config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* pyproject.toml files bigger than this are refused rather than parsed. */
#define PS_CONFIG_MAX_FILE_BYTES (4u * 1024 * 1024)

/* ---- string lists --------------------------------------------------------- */

void ps_strlist_push(PsStrList *self, const char *s) {
  if (self->size == self->cap) {
    self->cap = self->cap ? self->cap * 2 : 8;
    self->items = ps_xrealloc(self->items, self->cap * sizeof *self->items);
  }
  self->items[self->size++] = ps_xstrdup(s);
}

void ps_strlist_free(PsStrList *self) {
  if (!self) return;
  for (size_t i = 0; i < self->size; i++) free(self->items[i]);
  free(self->items);
  self->items = NULL;
  self->size = self->cap = 0;
}

void ps_strlist_push_csv(PsStrList *self, const char *s) {
  while (*s) {
    while (*s == ',' || *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
    size_t n = strcspn(s, ", \t\n\r");
    if (n) {
      char *part = ps_xstrndup(s, n);
      ps_strlist_push(self, part);
      free(part);
    }
    s += n;
  }
}

/* ---- the config ----------------------------------------------------------- */

bool ps_config_target_supported(PsPyVersion v) { return v.major == 3 && v.minor >= 12 && v.minor <= 15; }

void ps_config_init(PsConfig *self) {
  static const char *const families[] = {"RM", "DP", "TY", "FT", "MP"};
  memset(self, 0, sizeof *self);
  self->respect_gitignore = true;
  self->max_file_size = PS_CONFIG_DEFAULT_MAX_FILE_SIZE;
  for (size_t i = 0; i < sizeof families / sizeof *families; i++) ps_strlist_push(&self->select, families[i]);
  self->target = (PsPyVersion){3, 14, false};
  self->min_python = (PsPyVersion){3, 9, false};
  snprintf(self->min_python_origin, sizeof self->min_python_origin, "default");
  self->color = PS_COLOR_AUTO;
  self->jobs = 0;
}

static void free_per_file_ignores(PsConfig *self) {
  for (size_t i = 0; i < self->n_per_file_ignores; i++) {
    free(self->per_file_ignores[i].glob);
    ps_strlist_free(&self->per_file_ignores[i].ids);
  }
  free(self->per_file_ignores);
  self->per_file_ignores = NULL;
  self->n_per_file_ignores = 0;
}

void ps_config_free(PsConfig *self) {
  if (!self) return;
  ps_strlist_free(&self->paths);
  ps_strlist_free(&self->exclude);
  ps_strlist_free(&self->extend_exclude);
  ps_strlist_free(&self->select);
  ps_strlist_free(&self->extend_select);
  ps_strlist_free(&self->ignore);
  ps_strlist_free(&self->rules_dirs);
  ps_strlist_free(&self->project_rules_dirs);
  ps_strlist_free(&self->ft_rows);
  free(self->project_root);
  free_per_file_ignores(self);
  for (size_t i = 0; i < self->n_outputs; i++) free(self->outputs[i].path);
  free(self->outputs);
  free(self->stdin_filename);
  free(self->automation_id);
  free(self->uri_root);
  free(self->config_path);
  free(self->baseline);
  free(self->write_baseline);
  free(self->since);
  free(self->cache_dir);
  memset(self, 0, sizeof *self);
}

void ps_config_add_output(PsConfig *self, PsFormat format, const char *path) {
  self->outputs = ps_xrealloc(self->outputs, (self->n_outputs + 1) * sizeof *self->outputs);
  self->outputs[self->n_outputs].format = format;
  self->outputs[self->n_outputs].path = path ? ps_xstrdup(path) : NULL;
  self->n_outputs++;
}

/* ---- reading files -------------------------------------------------------- */

/* Reads a whole regular file; PS_E_IO with the reason on failure (PS_E_CONFIG
 * when it is too big). A FIFO or a device is refused without blocking: it
 * is opened with O_NONBLOCK and checked with fstat before any read. */
static int read_file(const char *path, char **out, size_t *len, PsError *err) {
  int fd = -1;
  char *data = NULL;
  size_t n = 0, cap;
  int rc = 0;
  struct stat st;
  *out = NULL;
  *len = 0;
  if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)) < 0 || fstat(fd, &st) != 0) {
    rc = ps_error_set(err, PS_E_IO, path, 0, 0, "cannot read: %s", strerror(errno));
    goto cleanup;
  }
  if (!S_ISREG(st.st_mode)) {
    rc = ps_error_set(err, PS_E_IO, path, 0, 0, "not a regular file");
    goto cleanup;
  }
  if ((unsigned long long)st.st_size > PS_CONFIG_MAX_FILE_BYTES) {
    rc = ps_error_set(err, PS_E_CONFIG, path, 0, 0, "file is larger than %u bytes",
                      (unsigned)PS_CONFIG_MAX_FILE_BYTES);
    goto cleanup;
  }
  cap = (size_t)st.st_size + 1; /* the file may still grow: the loop checks */
  data = ps_xmalloc(cap + 1);
  for (;;) {
    if (n == cap) {
      cap *= 2;
      data = ps_xrealloc(data, cap + 1);
    }
    ssize_t got = read(fd, data + n, cap - n);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      rc = ps_error_set(err, PS_E_IO, path, 0, 0, "read error: %s", strerror(errno));
      goto cleanup;
    }
    if (got == 0) break;
    n += (size_t)got;
    if (n > PS_CONFIG_MAX_FILE_BYTES) {
      rc = ps_error_set(err, PS_E_CONFIG, path, 0, 0, "file is larger than %u bytes",
                        (unsigned)PS_CONFIG_MAX_FILE_BYTES);
      goto cleanup;
    }
  }
  data[n] = '\0';
  *out = data;
  *len = n;
  data = NULL;
cleanup:
  if (fd >= 0) close(fd);
  free(data);
  return rc;
}

/* Whether discovery stops at `path`: a pyproject.toml with a [tool.pyshift]
 * or [project] table, or one that exists but cannot be read or parsed
 * (too big, not a regular file, unreadable, bad TOML). Whether the latter
 * was meant for us cannot be known, and skipping it would silently drop
 * its settings; loading it reports the problem. */
static bool is_config_pyproject(const char *path) {
  char *text = NULL;
  size_t len;
  PsTomlValue *doc = NULL;
  bool yes = false;
  struct stat st;
  if (lstat(path, &st) != 0) return errno != ENOENT && errno != ENOTDIR;
  if (read_file(path, &text, &len, NULL) != 0) {
    /* A dangling symlink is no file; anything else that exists is. */
    return !(stat(path, &st) != 0 && (errno == ENOENT || errno == ENOTDIR));
  }
  if (ps_toml_parse(&doc, text, len, path, NULL) == 0) {
    const PsTomlValue *tool = ps_toml_get(doc, "tool");
    yes = ps_toml_get(tool, "pyshift") || ps_toml_get(doc, "project");
  } else {
    yes = true;
  }
  ps_toml_free(doc);
  free(text);
  return yes;
}

char *ps_config_find_pyproject(const char *start_dir) {
  char *dir = realpath(start_dir && *start_dir ? start_dir : ".", NULL);
  char *found = NULL;
  struct stat st;
  if (!dir) return NULL;
  if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
    /* A file: start from the directory that holds it. */
    char *slash = strrchr(dir, '/');
    if (slash == dir) slash[1] = '\0';
    else if (slash) *slash = '\0';
  }
  for (;;) {
    char *candidate = ps_xasprintf("%s%spyproject.toml", dir, ps_str_ends_with(dir, "/") ? "" : "/");
    if (is_config_pyproject(candidate)) {
      found = candidate;
      break;
    }
    free(candidate);
    char *slash = strrchr(dir, '/');
    if (!slash || (slash == dir && dir[1] == '\0')) break; /* at the root */
    if (slash == dir) slash[1] = '\0';
    else *slash = '\0';
  }
  free(dir);
  return found;
}

/* ---- [tool.pyshift] --------------------------------------------------------- */

/* The file being loaded, for messages that point into it. */
typedef struct Loader {
  PsConfig *cfg;
  const char *path;
  const char *text;
  size_t len;
  PsError *err;
} Loader;

typedef enum KeyKind {
  KEY_STRINGS,      /* array of strings */
  KEY_STRING,
  KEY_BOOL,
  KEY_SIZE,         /* positive integer */
  KEY_TABLE_STRINGS, /* table of arrays of strings */
  KEY_TABLE,        /* a table read by its own function */
} KeyKind;

typedef enum KeyId {
  K_SELECT, K_EXTEND_SELECT, K_IGNORE, K_EXCLUDE, K_EXTEND_EXCLUDE, K_TARGET_VERSION, K_MIN_PYTHON,
  K_PER_FILE_IGNORES, K_RULES, K_RESPECT_GITIGNORE, K_FORCE_EXCLUDE, K_PREVIEW, K_MAX_FILE_SIZE,
  K_FIX, K_UNSAFE_FIXES,
  K_MAX_FILE_MEMORY, K_FAIL_ON, K_CACHE, K_CACHE_DIR,
  K_FT_MODE, K_FT,
} KeyId;

static const struct {
  const char *name;
  KeyId id;
  KeyKind kind;
} known_keys[] = {
    {"select", K_SELECT, KEY_STRINGS},
    {"extend-select", K_EXTEND_SELECT, KEY_STRINGS},
    {"ignore", K_IGNORE, KEY_STRINGS},
    {"exclude", K_EXCLUDE, KEY_STRINGS},
    {"extend-exclude", K_EXTEND_EXCLUDE, KEY_STRINGS},
    {"target-version", K_TARGET_VERSION, KEY_STRING},
    {"min-python", K_MIN_PYTHON, KEY_STRING},
    {"per-file-ignores", K_PER_FILE_IGNORES, KEY_TABLE_STRINGS},
    {"rules", K_RULES, KEY_STRINGS},
    {"respect-gitignore", K_RESPECT_GITIGNORE, KEY_BOOL},
    {"force-exclude", K_FORCE_EXCLUDE, KEY_BOOL},
    {"preview", K_PREVIEW, KEY_BOOL},
    {"max-file-size", K_MAX_FILE_SIZE, KEY_SIZE},
    {"fix", K_FIX, KEY_BOOL},
    {"unsafe-fixes", K_UNSAFE_FIXES, KEY_BOOL},
    {"max-file-memory", K_MAX_FILE_MEMORY, KEY_SIZE},
    {"fail-on", K_FAIL_ON, KEY_STRING},
    {"cache", K_CACHE, KEY_BOOL},
    {"cache-dir", K_CACHE_DIR, KEY_STRING},
    {"ft-mode", K_FT_MODE, KEY_STRING},
    {"ft", K_FT, KEY_TABLE},
};

#define N_KNOWN_KEYS (sizeof known_keys / sizeof *known_keys)

static const char *type_name(const PsTomlValue *v) {
  switch (v->type) {
  case PS_TOML_STRING: return "a string";
  case PS_TOML_INTEGER: return "an integer";
  case PS_TOML_FLOAT: return "a float";
  case PS_TOML_BOOL: return "a boolean";
  case PS_TOML_DATETIME: return "a date-time";
  case PS_TOML_ARRAY: return "an array";
  case PS_TOML_TABLE: return "a table";
  }
  return "a value";
}

static const char *kind_name(KeyKind k) {
  switch (k) {
  case KEY_STRINGS: return "an array of strings";
  case KEY_STRING: return "a string";
  case KEY_BOOL: return "a boolean";
  case KEY_SIZE: return "a positive integer";
  case KEY_TABLE_STRINGS: return "a table of arrays of strings";
  case KEY_TABLE: return "a table";
  }
  return "?";
}

/* An error at line:col of the file, with that line as caret context. */
static int load_fail(Loader *ld, int line, int col, int span, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int load_fail(Loader *ld, int line, int col, int span, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ps_error_vset(ld->err, PS_E_CONFIG, ld->path, line, col, fmt, ap);
  va_end(ap);
  const char *s = ld->text, *end = ld->text + ld->len;
  for (int l = 1; l < line && s < end; s++)
    if (*s == '\n') l++;
  const char *e = s;
  while (e < end && *e != '\n' && *e != '\r') e++;
  if (line > 0 && col > 0) ps_error_set_context(ld->err, s, (size_t)(e - s), span);
  return PS_E_CONFIG;
}

static int value_fail(Loader *ld, const PsTomlValue *v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int value_fail(Loader *ld, const PsTomlValue *v, const char *fmt, ...) {
  char msg[PS_ERROR_MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return load_fail(ld, v->line, v->col, 1, "%s", msg);
}

static size_t edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 64 || lb > 64) return SIZE_MAX;
  size_t row[65];
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

/* Checks that v is an array of strings; `name` is the key for messages. */
static int check_strings(Loader *ld, const char *name, const PsTomlValue *v) {
  if (v->type != PS_TOML_ARRAY)
    return value_fail(ld, v, "`%s` must be an array of strings, not %s", name, type_name(v));
  for (size_t i = 0; i < v->u.array.size; i++) {
    const PsTomlValue *item = v->u.array.items[i];
    if (item->type != PS_TOML_STRING)
      return value_fail(ld, item, "`%s` must be an array of strings, but item %zu is %s", name, i + 1,
                        type_name(item));
    if (strlen(item->u.str.s) != item->u.str.len)
      return value_fail(ld, item, "`%s` item %zu contains a NUL character", name, i + 1);
  }
  return 0;
}

static void push_strings(PsStrList *list, const PsTomlValue *v) {
  for (size_t i = 0; i < v->u.array.size; i++) ps_strlist_push(list, v->u.array.items[i]->u.str.s);
}

/* Whether relative path d has a `..` component. */
static bool has_dotdot(const char *d) {
  for (const char *p = d; *p;) {
    size_t n = strcspn(p, "/");
    if (n == 2 && p[0] == '.' && p[1] == '.') return true;
    p += n;
    while (*p == '/') p++;
  }
  return false;
}

/* `rules` paths are relative to the pyproject's directory (the project
 * root) and must stay inside it: the file may come from a hostile pull
 * request, and a rule path such as "/proc/self/environ" would be read and
 * reported on. Lexically here (no absolute path, no `..`); symlinks are
 * resolved when the rules are loaded (ps_registry_set_root). */
static int push_dirs(Loader *ld, const PsTomlValue *v) {
  PsConfig *cfg = ld->cfg;
  const char *slash = strrchr(ld->path, '/');
  for (size_t i = 0; i < v->u.array.size; i++) {
    const PsTomlValue *item = v->u.array.items[i];
    if (item->u.str.s[0] == '/' || has_dotdot(item->u.str.s))
      return value_fail(ld, item, "`rules` paths must be relative and stay inside the project (no absolute path, "
                                  "no `..`); use --rules for rules elsewhere");
  }
  if (!cfg->project_root)
    cfg->project_root = slash ? ps_xstrndup(ld->path, slash == ld->path ? 1 : (size_t)(slash - ld->path))
                              : ps_xstrdup(".");
  for (size_t i = 0; i < v->u.array.size; i++) {
    const char *d = v->u.array.items[i]->u.str.s;
    if (!slash) {
      ps_strlist_push(&cfg->project_rules_dirs, d);
    } else {
      char *joined = ps_xasprintf("%.*s/%s", (int)(slash - ld->path), ld->path, d);
      ps_strlist_push(&cfg->project_rules_dirs, slash == ld->path ? joined + 1 : joined);
      free(joined);
    }
  }
  return 0;
}

static int apply_per_file_ignores(Loader *ld, const PsTomlValue *v) {
  PsConfig *cfg = ld->cfg;
  int rc;
  for (size_t i = 0; i < v->u.table.size; i++) {
    const PsTomlValue *ids = v->u.table.values[i];
    char name[PS_ERROR_MSG_MAX / 2];
    snprintf(name, sizeof name, "per-file-ignores.\"%s\"", v->u.table.keys[i]);
    if (ps_toml_key_len(v, i) != strlen(v->u.table.keys[i]))
      return load_fail(ld, v->u.table.key_lines[i], v->u.table.key_cols[i], 1,
                       "a `per-file-ignores` glob contains a NUL character");
    if ((rc = check_strings(ld, name, ids)) != 0) return rc;
  }
  cfg->per_file_ignores = ps_xrealloc(cfg->per_file_ignores, (cfg->n_per_file_ignores + v->u.table.size + 1) *
                                                                 sizeof *cfg->per_file_ignores);
  for (size_t i = 0; i < v->u.table.size; i++) {
    PsPerFileIgnore *pfi = &cfg->per_file_ignores[cfg->n_per_file_ignores++];
    pfi->glob = ps_xstrdup(v->u.table.keys[i]);
    memset(&pfi->ids, 0, sizeof pfi->ids);
    push_strings(&pfi->ids, v->u.table.values[i]);
  }
  return 0;
}

/* [tool.pyshift.ft]: what the free-threading analysis cannot see, as
 * vocabulary rows (ft/ft.h):
 *   lock-like = ["pkg.locked", ...]      context managers and decorators that hold a lock
 *   thread-safe = ["pkg.AtomicCounter"]  classes whose instances are safe to share
 *   thread-entries = {"pkg.spawn" = "target,0"}  calls that run a callable in a thread:
 *                                        its keyword and/or position, `,many` if at once */
static int apply_ft_table(Loader *ld, const PsTomlValue *t) {
  PsConfig *cfg = ld->cfg;
  int rc;
  for (size_t i = 0; i < t->u.table.size; i++) {
    const char *key = t->u.table.keys[i];
    const PsTomlValue *v = t->u.table.values[i];
    if (!strcmp(key, "lock-like") || !strcmp(key, "thread-safe")) {
      char name[64];
      snprintf(name, sizeof name, "ft.%s", key);
      if (v->type != PS_TOML_ARRAY) return value_fail(ld, v, "`%s` must be an array of strings, not %s", name, type_name(v));
      if ((rc = check_strings(ld, name, v)) != 0) return rc;
      for (size_t k = 0; k < v->u.array.size; k++) {
        const char *s = v->u.array.items[k]->u.str.s;
        if (!*s || strchr(s, '\t')) return value_fail(ld, v->u.array.items[k], "`%s` holds an empty or tabbed name", name);
        char *row = !strcmp(key, "lock-like") ? ps_xasprintf("lock-like\t%s\t-\t-", s) : ps_xasprintf("safe\t%s\tthread-safe\t-", s);
        ps_strlist_push(&cfg->ft_rows, row);
        free(row);
      }
    } else if (!strcmp(key, "thread-entries")) {
      if (v->type != PS_TOML_TABLE) return value_fail(ld, v, "`ft.thread-entries` must be a table, not %s", type_name(v));
      for (size_t k = 0; k < v->u.table.size; k++) {
        const PsTomlValue *spec = v->u.table.values[k];
        const char *api = v->u.table.keys[k];
        if (spec->type != PS_TOML_STRING || !strchr(spec->u.str.s, ',') || strchr(spec->u.str.s, '\t') || strchr(api, '\t'))
          return value_fail(ld, spec, "`ft.thread-entries.\"%s\"` must be a string \"keyword,index\" (\"target,0\", "
                                      "\"fn,0,many\")", api);
        const char *s = spec->u.str.s;
        const char *many = strstr(s, ",many");
        size_t n = many ? (size_t)(many - s) : strlen(s);
        char *row = ps_xasprintf("entry\t%s\t%.*s\t%s", api, (int)n, s, many ? "many" : "once");
        ps_strlist_push(&cfg->ft_rows, row);
        free(row);
      }
    } else {
      return load_fail(ld, t->u.table.key_lines[i], t->u.table.key_cols[i], (int)strlen(key),
                       "unknown key `%s` in [tool.pyshift.ft] (lock-like, thread-safe, thread-entries)", key);
    }
  }
  return 0;
}

static int apply_key(Loader *ld, size_t k, const PsTomlValue *v) {
  PsConfig *cfg = ld->cfg;
  const char *name = known_keys[k].name;
  KeyKind kind = known_keys[k].kind;
  int rc = 0;
  bool ok = (kind == KEY_STRINGS && v->type == PS_TOML_ARRAY) || (kind == KEY_STRING && v->type == PS_TOML_STRING) ||
            (kind == KEY_BOOL && v->type == PS_TOML_BOOL) || (kind == KEY_SIZE && v->type == PS_TOML_INTEGER) ||
            ((kind == KEY_TABLE_STRINGS || kind == KEY_TABLE) && v->type == PS_TOML_TABLE);
  if (!ok) return value_fail(ld, v, "`%s` must be %s, not %s", name, kind_name(kind), type_name(v));
  if (kind == KEY_STRINGS && (rc = check_strings(ld, name, v)) != 0) return rc;

  switch (known_keys[k].id) {
  case K_SELECT:
    ps_strlist_free(&cfg->select);
    push_strings(&cfg->select, v);
    cfg->select_set = true;
    break;
  case K_EXTEND_SELECT: push_strings(&cfg->extend_select, v); break;
  case K_IGNORE: push_strings(&cfg->ignore, v); break;
  case K_EXCLUDE:
    ps_strlist_free(&cfg->exclude);
    push_strings(&cfg->exclude, v);
    cfg->exclude_set = true;
    break;
  case K_EXTEND_EXCLUDE: push_strings(&cfg->extend_exclude, v); break;
  case K_RULES: rc = push_dirs(ld, v); break;
  case K_TARGET_VERSION:
  case K_MIN_PYTHON: {
    PsPyVersion ver;
    if (strlen(v->u.str.s) != v->u.str.len || ps_pyver_parse(v->u.str.s, &ver) != 0)
      return value_fail(ld, v, "`%s` must be a python version such as \"3.14\", \"py314\" or \"3.14t\"", name);
    if (known_keys[k].id == K_TARGET_VERSION) {
      if (!ps_config_target_supported(ver))
        return value_fail(ld, v, "`target-version` must be " PS_CONFIG_TARGET_HELP ", got \"%s\"", v->u.str.s);
      cfg->target = ver;
    } else {
      if (ver.free_threaded)
        return value_fail(ld, v, "`min-python` must be a version like \"3.9\" (no t), got \"%s\"", v->u.str.s);
      cfg->min_python = ver;
      cfg->min_python_set = true;
      snprintf(cfg->min_python_origin, sizeof cfg->min_python_origin, "min-python in %s", ld->path);
    }
    break;
  }
  case K_PER_FILE_IGNORES: rc = apply_per_file_ignores(ld, v); break;
  case K_RESPECT_GITIGNORE: cfg->respect_gitignore = v->u.b; break;
  case K_FORCE_EXCLUDE: cfg->force_exclude = v->u.b; break;
  case K_PREVIEW: cfg->preview = v->u.b; break;
  case K_FIX: cfg->fix = v->u.b; break;
  case K_UNSAFE_FIXES: cfg->unsafe_fixes = v->u.b; break;
  case K_FAIL_ON:
    if (strlen(v->u.str.s) != v->u.str.len || ps_severity_parse(v->u.str.s, &cfg->fail_on) != 0)
      return value_fail(ld, v, "`fail-on` must be \"error\", \"warning\", \"info\" or \"hint\", got \"%s\"",
                        v->u.str.s);
    break;
  case K_CACHE: cfg->no_cache = !v->u.b; break;
  case K_CACHE_DIR: {
    /* Inside the project, as `rules`: a hostile pyproject.toml must not
     * make pyshift write elsewhere (--cache-dir and $PYSHIFT_CACHE_DIR
     * may name any directory). */
    const char *d = v->u.str.s;
    if (strlen(d) != v->u.str.len || !*d || d[0] == '/' || has_dotdot(d))
      return value_fail(ld, v, "`cache-dir` must be a relative path inside the project (no absolute path, no `..`); "
                               "use --cache-dir or PYSHIFT_CACHE_DIR for a cache elsewhere");
    const char *slash = strrchr(ld->path, '/');
    free(cfg->cache_dir);
    cfg->cache_dir = !slash ? ps_xstrdup(d)
                     : slash == ld->path ? ps_xasprintf("/%s", d)
                                         : ps_xasprintf("%.*s/%s", (int)(slash - ld->path), ld->path, d);
    cfg->cache_dir_from_config = true;
    break;
  }
  case K_MAX_FILE_SIZE:
    /* As --max-file-size: 0 is refused, not "no limit". */
    if (v->u.i <= 0) return value_fail(ld, v, "`%s` must be a positive number of bytes", name);
    if ((unsigned long long)v->u.i > SIZE_MAX) return value_fail(ld, v, "`%s` is too large", name);
    cfg->max_file_size = (size_t)v->u.i;
    break;
  case K_FT_MODE:
    if (!strcmp(v->u.str.s, "auto")) cfg->ft_mode = 0;
    else if (!strcmp(v->u.str.s, "app")) cfg->ft_mode = 1;
    else if (!strcmp(v->u.str.s, "library")) cfg->ft_mode = 2;
    else return value_fail(ld, v, "`ft-mode` must be \"auto\", \"app\" or \"library\"");
    break;
  case K_FT: rc = apply_ft_table(ld, v); break;
  case K_MAX_FILE_MEMORY:
    /* 0 is refused as on the command line: there is no "no budget". */
    if (v->u.i <= 0) return value_fail(ld, v, "`%s` must be a positive number of bytes", name);
    if ((unsigned long long)v->u.i > SIZE_MAX) return value_fail(ld, v, "`%s` is too large", name);
    cfg->max_file_memory = (size_t)v->u.i;
    break;
  }
  return rc;
}

static int apply_tool_table(Loader *ld, const PsTomlValue *tool) {
  int rc;
  for (size_t i = 0; i < tool->u.table.size; i++) {
    const char *key = tool->u.table.keys[i];
    size_t k = 0, best = 0, best_dist = SIZE_MAX;
    for (; k < N_KNOWN_KEYS; k++) {
      if (strcmp(key, known_keys[k].name) == 0) break;
      size_t d = edit_distance(key, known_keys[k].name);
      if (d < best_dist) best_dist = d, best = k;
    }
    if (k == N_KNOWN_KEYS || ps_toml_key_len(tool, i) != strlen(key)) {
      int line = tool->u.table.key_lines[i], col = tool->u.table.key_cols[i];
      int span = (int)strlen(key);
      if (best_dist <= 2)
        return load_fail(ld, line, col, span, "unknown key `%s` in [tool.pyshift]; did you mean `%s`?", key,
                         known_keys[best].name);
      return load_fail(ld, line, col, span, "unknown key `%s` in [tool.pyshift]", key);
    }
    if ((rc = apply_key(ld, k, tool->u.table.values[i])) != 0) return rc;
  }
  return 0;
}

int ps_config_load_pyproject(PsConfig *self, const char *path, PsError *err) {
  char *text = NULL;
  size_t len = 0;
  PsTomlValue *doc = NULL;
  Loader ld = {self, path, NULL, 0, err};
  int rc;
  if ((rc = read_file(path, &text, &len, err)) != 0) goto cleanup;
  ld.text = text;
  ld.len = len;
  if ((rc = ps_toml_parse(&doc, text, len, path, err)) != 0) goto cleanup;

  const PsTomlValue *tool = ps_toml_get(doc, "tool");
  const PsTomlValue *pyshift = ps_toml_get(tool, "pyshift");
  if (pyshift && pyshift->type != PS_TOML_TABLE) {
    rc = value_fail(&ld, pyshift, "`tool.pyshift` must be a table, not %s", type_name(pyshift));
    goto cleanup;
  }
  if (pyshift && (rc = apply_tool_table(&ld, pyshift)) != 0) goto cleanup;

  /* requires-python only matters when min-python is not set explicitly. */
  const PsTomlValue *project = ps_toml_get(doc, "project");
  const PsTomlValue *requires = ps_toml_get(project, "requires-python");
  if (requires && !ps_toml_get(pyshift, "min-python")) {
    PsPyVersion floor;
    if (requires->type != PS_TOML_STRING) {
      rc = value_fail(&ld, requires, "`requires-python` must be a string, not %s", type_name(requires));
      goto cleanup;
    }
    if (strlen(requires->u.str.s) != requires->u.str.len ||
        ps_requires_python_floor(requires->u.str.s, &floor) != 0) {
      rc = value_fail(&ld, requires,
                      "cannot derive a minimum python version from requires-python \"%s\"; "
                      "set `min-python` in [tool.pyshift]",
                      requires->u.str.s);
      goto cleanup;
    }
    self->min_python = floor;
    self->min_python_set = true;
    snprintf(self->min_python_origin, sizeof self->min_python_origin, "requires-python in %s", path);
  }
  free(self->config_path);
  self->config_path = ps_xstrdup(path);
cleanup:
  ps_toml_free(doc);
  free(text);
  return rc;
}
