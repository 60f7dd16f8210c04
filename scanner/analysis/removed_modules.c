/* removed_modules.c: imports of modules the target Python no longer has.
 *
 * Table columns: module, removed_in (required; a version or `future`);
 * provided_in (optional: space-separated top-level packages whose own
 * files get the module from a shim, `setuptools _distutils_hack` for
 * distutils; `-` for none);
 * any others (replacement, pep, deprecated_in...) are available to the
 * message template by name, plus {removal} ("in Python 3.16"). With `when:
 * removed` (the default) rows removed after the target are dropped at
 * configuration; with `when: pending` only those (and `future` rows) stay,
 * for rules about scheduled removals.
 *
 * Every import form is covered: `import a.b [as c]`, `from a import b`
 * (which may import the submodule a.b), `from a.b import c`,
 * `__import__("a.b")` and `importlib.import_module("a.b")`. The most
 * specific row wins (distutils.core over distutils). Never reported:
 * relative imports, modules whose top-level name is first-party in the
 * scanned tree, imports under `try:` with an ImportError handler (not a
 * broad one: Exception, BaseException, bare), or where the code cannot run
 * on a version from the later of the removal and --min-python up to the
 * target (a pending removal: on the target): version tests relative to the
 * row, TYPE_CHECKING (ps_summary_runs_at), dead `except ImportError:`
 * fallbacks (fallback.c), and imports in the stub of a listed module of
 * modules removed no earlier (stub_of_row).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/analysis_internal.h"

typedef struct Row {
  const char *module; /* borrowed from the rule's table */
  size_t len;
  int removed_minor;  /* 99 for `future` */
  size_t index;       /* row index in the table */
  char *removal;      /* "in Python 3.13" */
  const char *provided_in; /* `provided_in` cell: packages whose own files get the module from a
                              shim ("setuptools _distutils_hack"), or NULL */
} Row;

typedef struct State {
  Row *rows;
  size_t n_rows;
  bool pending;
  int target, min_python; /* minors */
  PsImportable importable; /* dead fallbacks (fallback.c) */
} State;

static const char *const PARAMS[] = {"when", NULL};

static void free_state(void *p) {
  State *s = p;
  if (!s) return;
  for (size_t i = 0; i < s->n_rows; i++) free(s->rows[i].removal);
  free(s->rows);
  ps_importable_free(&s->importable);
  free(s);
}

static bool valid_module(const char *m) {
  if (!*m || *m == '.') return false;
  for (const char *p = m; *p; p++) {
    char c = *p;
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              (c == '.' && p[1] && p[1] != '.');
    if (!ok) return false;
  }
  return true;
}

static int configure(PsAnalysis *self, PsPyVersion target, PsPyVersion min_python, PsError *err) {
  const PsRule *r = self->rule;
  const PsTable *t = &r->table;
  int cm = ps_table_col(t, "module"), cr = ps_table_col(t, "removed_in"), cp = ps_table_col(t, "provided_in");
  if (!t->cols || cm < 0 || cr < 0)
    return ps_analysis__rule_error(err, r, r->analysis_line,
                                   "analysis `removed-modules` needs a ```table with `module` and "
                                   "`removed_in` columns");
  const PsParam *wp = ps_rule_param(r, "when");
  const char *when = wp && wp->n_values == 1 ? wp->values[0] : "removed";
  if (strcmp(when, "removed") && strcmp(when, "pending"))
    return ps_analysis__rule_error(err, r, wp->line, "`when` must be removed or pending, got `%s`", when);
  bool pending = !strcmp(when, "pending");
  State *s = ps_xcalloc(1, sizeof *s);
  self->state = s;
  s->pending = pending;
  s->target = target.minor;
  s->min_python = min_python.minor;
  s->rows = ps_xcalloc(t->n_rows ? t->n_rows : 1, sizeof(Row));
  int irc = ps_analysis__importable(r, &s->importable, err);
  if (irc) return irc;
  PsBuf pre = PS_BUF_INIT;
  for (size_t i = 0; i < t->n_rows; i++) {
    const char *mod = t->rows[i][cm], *rem = t->rows[i][cr];
    if (!valid_module(mod))
      return ps_buf_free(&pre), ps_analysis__rule_error(err, r, t->row_lines[i], "invalid module name `%s`", mod);
    char *removal = NULL;
    int applies = ps_analysis__row_applies(rem, pending, target, &removal);
    if (applies < 0)
      return ps_buf_free(&pre),
             ps_analysis__rule_error(err, r, t->row_lines[i], "invalid removed_in version `%s`", rem);
    for (size_t j = 0; j < i; j++)
      if (!strcmp(t->rows[j][cm], mod))
        return free(removal), ps_buf_free(&pre),
               ps_analysis__rule_error(err, r, t->row_lines[i], "module `%s` is listed twice", mod);
    if (!applies) {
      free(removal);
      continue;
    }
    PsPyVersion v = {3, 99, false};
    if (strcmp(rem, "future") != 0) ps_pyver_parse(rem, &v);
    const char *prov = cp >= 0 && strcmp(t->rows[i][cp], "-") && *t->rows[i][cp] ? t->rows[i][cp] : NULL;
    s->rows[s->n_rows++] = (Row){mod, strlen(mod), v.minor, i, removal, prov};
  }
  /* Prefilter. Every import of a.b.c names "a" on the logical line of an
   * `import`/`from` keyword (backslash continuations included), or as the
   * start of a string for __import__/import_module. Common words such as
   * `chunk` or `imp` are therefore only taken in that context. When "a" is
   * not itself a removed module (tkinter.tix, importlib.resources._legacy),
   * the last component is the rarer word; it is matched anywhere, as
   * `from tkinter import (ttk,\n tix)` puts it on another line. */
  PsBuf last = PS_BUF_INIT;
  for (size_t i = 0; i < s->n_rows; i++) {
    const char *m = s->rows[i].module;
    const char *dot = strchr(m, '.');
    size_t top_len = dot ? (size_t)(dot - m) : strlen(m);
    bool top_is_row = false;
    for (size_t j = 0; j < s->n_rows; j++)
      top_is_row |= s->rows[j].len == top_len && !strncmp(s->rows[j].module, m, top_len);
    if (dot && !top_is_row) {
      const char *word = strrchr(m, '.') + 1;
      ps_buf_printf(&last, "%s%s", last.len ? "|" : "", word);
    } else if (!dot) {
      ps_buf_printf(&pre, "%s%.*s", pre.len ? "|" : "", (int)top_len, m);
    }
  }
  if (s->n_rows == 0) {
    self->empty = true;
  } else {
    PsBuf re = PS_BUF_INIT;
    if (pre.len)
      ps_buf_printf(&re, "\\b(?:import|from)[ \\t](?:[^\\n\\\\]|\\\\[\\s\\S])*?\\b(?:%s)\\b|[\"'](?:%s)\\b",
                    pre.data, pre.data);
    if (last.len) ps_buf_printf(&re, "%s\\b(?:%s)\\b", re.len ? "|" : "", last.data);
    self->prefilter = ps_buf_steal(&re);
  }
  ps_buf_free(&last);
  ps_buf_free(&pre);
  return 0;
}

/* The most specific row for `mod` or one of its parent packages. */
static const Row *lookup(const State *s, const char *mod, size_t len) {
  const Row *best = NULL;
  for (size_t i = 0; i < s->n_rows; i++) {
    const Row *r = &s->rows[i];
    if (r->len > len || strncmp(r->module, mod, r->len) != 0) continue;
    if (r->len < len && mod[r->len] != '.') continue;
    if (!best || r->len > best->len) best = r;
  }
  return best;
}

typedef struct TemplateCtx {
  const PsTable *t;
  size_t row;
} TemplateCtx;

static void emit_row(const PsAnalysis *self, const PsEmitter *emit, const Row *row, uint32_t start,
                     uint32_t end) {
  const PsTable *t = &self->rule->table;
  PsVar vars[33];
  size_t n = 0;
  for (size_t j = 0; j < t->n_cols && n < 32; j++) vars[n++] = (PsVar){t->cols[j], t->rows[row->index][j]};
  vars[n++] = (PsVar){"removal", row->removal};
  emit->emit(emit->ctx, self->rule, start, end, vars, n);
}

/* A stub (.pyi) of a module the table itself lists (typeshed's
 * stdlib/distutils/dist.pyi, smtpd.pyi, sre_compile.pyi): it describes
 * only the Pythons that still have that module, so its imports of modules
 * removed no earlier are no finding. Its row, or NULL. The stub's module
 * name climbs the directories that hold an __init__.pyi or __init__.py
 * (stub packages are packages here, unlike in PsModules); asked only once
 * a file has a finding. */
static bool has_init(const char *dir, size_t n) {
  char p[4096];
  for (const char *ext = ".pyi"; ext; ext = *ext && ext[3] == 'i' ? ".py" : NULL) {
    if (snprintf(p, sizeof p, "%.*s/__init__%s", (int)n, n ? dir : ".", ext) >= (int)sizeof p) return false;
    if (access(p, F_OK) == 0) return true;
  }
  return false;
}

static const Row *stub_of_row(const State *s, const char *given) {
  size_t n = given ? strlen(given) : 0;
  if (n < 5 || strcmp(given + n - 4, ".pyi") != 0) return NULL;
  char *path = realpath(given, NULL); /* `dist.pyi` run inside stdlib/distutils climbs too */
  n = path ? strlen(path) : 0;
  if (n < 5 || n > 4000 || strcmp(path + n - 4, ".pyi") != 0) return free(path), NULL;
  PsBuf name = PS_BUF_INIT;
  const char *end = path + n - 4, *slash = end;
  while (slash > path && slash[-1] != '/') slash--;
  if (!(end - slash == 8 && !memcmp(slash, "__init__", 8))) ps_buf_printf(&name, "%.*s", (int)(end - slash), slash);
  /* Climb: slash points just after the directory that holds the current part. */
  while (slash > path) {
    size_t dn = (size_t)(slash - 1 - path);
    if (!has_init(path, dn)) break;
    const char *d = path + dn;
    while (d > path && d[-1] != '/') d--;
    if (d == path + dn) break;
    PsBuf next = PS_BUF_INIT;
    ps_buf_printf(&next, "%.*s%s%s", (int)(path + dn - d), d, name.len ? "." : "", name.len ? name.data : "");
    ps_buf_free(&name);
    name = next;
    slash = d;
  }
  const Row *r = name.len ? lookup(s, name.data, name.len) : NULL;
  ps_buf_free(&name);
  free(path);
  return r;
}

/* Is the file part of a package that `provided_in` names (a word of it is
 * the top-level package of the file's module)? Inside setuptools (and its
 * _distutils_hack) `import distutils` gets setuptools' own copy. */
static bool provided_here(const Row *row, const PsFileContext *ctx) {
  if (!row->provided_in || !ctx->modules || !ctx->source || !ctx->source->path) return false;
  bool pkg = false;
  char *own = ps_modules_name(ctx->modules, ctx->source->path, &pkg);
  if (!own) return false;
  size_t top = strcspn(own, ".");
  bool hit = false;
  for (const char *p = row->provided_in; *p && !hit;) {
    size_t n = strcspn(p, " ");
    hit = n && n == top && !memcmp(p, own, n);
    p += n;
    p += strspn(p, " ");
  }
  free(own);
  return hit;
}

static void run(const PsAnalysis *self, const PsFileContext *ctx, const PsEmitter *emit) {
  const State *s = self->state;
  char buf[1024];
  const Row *own = NULL;
  bool own_known = false;
  for (size_t i = 0; i < ctx->summary->imports.size; i++) {
    const PsImport *im = &ctx->summary->imports.items[i];
    if (im->level > 0 || !im->module[0]) continue;
    if (im->guards & (PS_GUARD_TRY_IMPORT_ERROR | PS_GUARD_TYPE_CHECKING)) continue;
    const char *dot = strchr(im->module, '.');
    size_t top = dot ? (size_t)(dot - im->module) : strlen(im->module);
    if (ctx->modules && ps_modules_is_first_party(ctx->modules, im->module, top)) continue;
    const Row *row = NULL;
    uint32_t start = im->start, end = im->end;
    if (im->kind == PS_IMPORT_FROM && strcmp(im->name, "*") != 0) {
      int n = snprintf(buf, sizeof buf, "%s.%s", im->module, im->name);
      if (n > 0 && (size_t)n < sizeof buf) {
        const Row *sub = lookup(s, buf, (size_t)n);
        /* Only a row for exactly module.name makes the name a submodule. */
        if (sub && sub->len == (size_t)n) {
          row = sub;
          start = im->name_start;
          end = im->name_end;
        }
      }
    }
    if (!row) row = lookup(s, im->module, strlen(im->module));
    if (!row) continue;
    if (!own_known) own = stub_of_row(s, ctx->source ? ctx->source->path : NULL), own_known = true;
    if (own && own->removed_minor <= row->removed_minor) continue;
    if (provided_here(row, ctx)) continue;
    /* Only code that can run where the module is gone (pending: on the
     * target) counts. */
    uint64_t window = s->pending ? ps_runs_window(s->target, s->target)
                                 : ps_runs_window(row->removed_minor > s->min_python ? row->removed_minor : s->min_python,
                                                  s->target);
    if (!(ps_summary_runs_at(ctx->summary, im->start) & window)) continue;
    if (ps_analysis__dead_fallback(&s->importable, ctx->summary, im->start, window)) continue;
    emit_row(self, emit, row, start, end);
  }
}

const PsAnalysisClass ps_analysis__removed_modules = {
    .name = "removed-modules",
    .params = PARAMS,
    .needs = 0,
    .configure = configure,
    .run = run,
    .free_state = free_state,
};
