/* typing_modern.c: outdated typing syntax, keyed on the oldest Python the
 * code must run on (--min-python, else requires-python), with fixes.
 *
 * One analysis, `typing-modern`, configured per rule by `kind:`; each kind
 * is in a file of its own (see typing_internal.h):
 *
 *   rename             a reference resolving to a table `name` (typing.List,
 *                      typing.Text) -> `replacement`, importing `module`'s
 *                      member when the replacement lives there (deque).
 *                      Columns: name, replacement, module, since.
 *                      `future-annotations: true`: below `since`, still
 *                      fires inside annotations of files that have
 *                      `from __future__ import annotations`.
 *   pep604             `Union[X, Y]` -> `X | Y` (`operator: union`),
 *                      `Optional[X]` -> `X | None` (`operator: optional`).
 *                      Columns: name (typing.Union), since (where `X | Y`
 *                      evaluates); `future-annotations` as for rename.
 *   deprecated-import  `from <module> import <member>` where the member
 *                      moved (columns module, member, target, since;
 *                      target `=name` marks a rename: reported, no fix).
 *   quoted-annotation  a string annotation that needs no quotes; column
 *                      since: from there no annotation needs them.
 *   type-alias         `X: TypeAlias = Y` -> `type X = Y`.
 *   future-annotations `from __future__ import annotations`.
 *   pep695-class, pep695-function, async-iterator: see their files.
 *
 * Version bounds are the rules' own (`min-python:` in the front matter, the
 * tables' `since` columns): configuration keeps the rows that apply, and no
 * run checks a version. The one version here is the language's: the
 * future import exists from 3.7.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/typing_internal.h"

static const char *const PARAMS[] = {"kind", "operator", "future-annotations", NULL};

static void free_state(void *p) {
  State *s = p;
  if (!s) return;
  free(s->rows);
  free(s->future_rows);
  free(s->std_typevars);
  free(s);
}

/* 1 if `since` ("3.9", "any") is reached by min, 0 if not, -1 if invalid. */
static int reached(const char *since, PsPyVersion min) {
  if (!strcmp(since, "any")) return 1;
  if (!strcmp(since, "never")) return 0; /* a row kept for its notes: no version is a drop-in yet */
  PsPyVersion v;
  if (ps_pyver_parse(since, &v) != 0) return -1;
  return ps_pyver_cmp(min, v) >= 0;
}

/* `from __future__ import annotations` exists from Python 3.7. */
static const PsPyVersion FUTURE_IMPORT = {.major = 3, .minor = 7};

static int configure(PsAnalysis *self, PsPyVersion target, PsPyVersion min_python, PsError *err) {
  (void)target;
  const PsRule *r = self->rule;
  const char *kind = ps_analysis__param(r, "kind", NULL);
  static const char *const KINDS[] = {"rename", "pep604", "deprecated-import", "quoted-annotation",
                                      "type-alias", "future-annotations", "pep695-class", "pep695-function",
                                      "async-iterator", NULL};
  int k = -1;
  for (int i = 0; kind && KINDS[i]; i++)
    if (!strcmp(kind, KINDS[i])) k = i;
  if (k < 0)
    return ps_analysis__rule_error(err, r, r->analysis_line,
                                   "analysis `typing-modern` needs `kind:` rename, pep604, deprecated-import, "
                                   "quoted-annotation, type-alias, future-annotations, pep695-class, "
                                   "pep695-function or async-iterator");
  State *s = ps_xcalloc(1, sizeof *s);
  self->state = s;
  s->kind = (Kind)k;
  s->min_python = min_python;
  const char *fa = ps_analysis__param(r, "future-annotations", "false");
  if (strcmp(fa, "true") && strcmp(fa, "false"))
    return ps_analysis__rule_error(err, r, r->analysis_line, "`future-annotations` must be true or false");
  s->future_ok = !strcmp(fa, "true");
  const PsTable *t = &r->table;
  if (s->kind == K_RENAME || s->kind == K_DEPRECATED_IMPORT) {
    const char *need[4] = {"name", "replacement", "module", "since"};
    if (s->kind == K_DEPRECATED_IMPORT) {
      need[0] = "member";
      need[1] = "target";
    }
    int c[4];
    for (int i = 0; i < 4; i++)
      if ((c[i] = ps_table_col(t, need[i])) < 0)
        return ps_analysis__rule_error(err, r, r->analysis_line, "kind `%s` needs a ```table with columns %s, %s, %s, %s",
                                       kind, need[0], need[1], need[2], need[3]);
    /* rename: an optional column `runtime` (safe, unsafe, none): the fix of
     * a use outside type positions (`issubclass(x, typing.Counter)`, a dict
     * keyed by it), where the alias and its replacement are different
     * objects. */
    int c_rt = s->kind == K_RENAME ? ps_table_col(t, "runtime") : -1;
    s->rows = ps_xcalloc(t->n_rows + 1, sizeof(Row));
    s->future_rows = ps_xcalloc(t->n_rows + 1, sizeof(Row));
    for (size_t i = 0; i < t->n_rows; i++) {
      const char *since = t->rows[i][c[3]];
      int ok = reached(since, min_python);
      if (ok < 0) return ps_analysis__rule_error(err, r, t->row_lines[i], "invalid since `%s` (a version, `any` or `never`)", since);
      const char *mod = t->rows[i][c[2]];
      Row row = {t->rows[i][c[0]], strcmp(mod, "-") ? mod : NULL, t->rows[i][c[1]], i, 's'};
      if (c_rt >= 0) {
        const char *rt = t->rows[i][c_rt];
        if (!strcmp(rt, "unsafe")) row.runtime = 'u';
        else if (!strcmp(rt, "none")) row.runtime = 'n';
        else if (strcmp(rt, "safe"))
          return ps_analysis__rule_error(err, r, t->row_lines[i], "invalid runtime `%s` (safe, unsafe or none)", rt);
      }
      if (s->kind == K_RENAME && !strchr(row.name, '.'))
        return ps_analysis__rule_error(err, r, t->row_lines[i], "`%s` is not a qualified name such as typing.List",
                                       row.name);
      if (ok) s->rows[s->n_rows++] = row;
      /* Under the future import annotations are strings: PEP 585 names
       * work in them wherever the import does. */
      else if (s->future_ok && ps_pyver_cmp(min_python, FUTURE_IMPORT) >= 0) s->future_rows[s->n_future_rows++] = row;
    }
    self->empty = !s->n_rows && !s->n_future_rows;
    if (s->kind == K_RENAME) {
      self->prefilter = ps_xstrdup("\\b(?:typing|typing_extensions)\\b");
    } else {
      /* `from M import` for each row module M; for collections (whose
       * other members are fine) only when a row's member follows. */
      PsBuf re = PS_BUF_INIT, mods = PS_BUF_INIT, coll = PS_BUF_INIT;
      for (size_t i = 0; i < s->n_rows + s->n_future_rows; i++) {
        const Row *row = i < s->n_rows ? &s->rows[i] : &s->future_rows[i - s->n_rows];
        PsBuf *into = !strcmp(row->module, "collections") ? &coll : &mods;
        const char *item = into == &coll ? row->name : row->module;
        char *quoted = ps_xasprintf("|%s|", item);
        bool seen = into->data && (strstr(into->data, quoted) != NULL);
        free(quoted);
        if (seen) continue;
        if (!into->len) ps_buf_putc(into, '|');
        ps_buf_printf(into, "%s|", item);
      }
      /* Module names are dotted: escape the dots. */
      PsBuf alt = PS_BUF_INIT;
      for (const char *p = mods.data ? mods.data + 1 : ""; *p; p++) {
        if (*p == '.') ps_buf_puts(&alt, "\\.");
        else if (*p == '|' && !p[1]) break;
        else ps_buf_putc(&alt, *p);
      }
      /* Plain module names in one group, dotted ones each on their own
       * (so the engine can check the words before running the regex). */
      PsBuf plain = PS_BUF_INIT;
      for (const char *p = alt.data ? alt.data : ""; *p;) {
        size_t n = strcspn(p, "|");
        if (memchr(p, '\\', n))
          ps_buf_printf(&re, "%s\\bfrom[ \\t]+%.*s[ \\t]+import\\b", re.len ? "|" : "", (int)n, p);
        else
          ps_buf_printf(&plain, "%s%.*s", plain.len ? "|" : "", (int)n, p);
        p += n + (p[n] == '|');
      }
      if (plain.len) ps_buf_printf(&re, "%s\\bfrom[ \\t]+(?:%s)[ \\t]+import\\b", re.len ? "|" : "", plain.data);
      ps_buf_free(&plain);
      if (coll.len) {
        coll.data[coll.len - 1] = '\0';
        ps_buf_printf(&re, "%s\\bfrom[ \\t]+collections[ \\t]+import[ \\t]+(?:\\([^)]*|[^\\n]*)\\b(?:%s)\\b",
                      re.len ? "|" : "", coll.data + 1);
      }
      self->prefilter = re.len ? ps_buf_steal(&re) : ps_xstrdup("(*FAIL)");
      ps_buf_free(&re);
      ps_buf_free(&alt);
      ps_buf_free(&mods);
      ps_buf_free(&coll);
    }
    return 0;
  }
  if (s->kind == K_PEP604) {
    const char *op = ps_analysis__param(r, "operator", NULL);
    if (!op || (strcmp(op, "union") && strcmp(op, "optional")))
      return ps_analysis__rule_error(err, r, r->analysis_line, "kind `pep604` needs `operator: union` or `optional`");
    s->optional = !strcmp(op, "optional");
    int cn = ps_table_col(t, "name"), cs = ps_table_col(t, "since");
    if (cn < 0 || cs < 0 || t->n_rows != 1)
      return ps_analysis__rule_error(err, r, r->analysis_line,
                                     "kind `pep604` needs a ```table with columns name, since and one row");
    const char *name = t->rows[0][cn], *since = t->rows[0][cs];
    int ok = reached(since, min_python);
    if (ok < 0) return ps_analysis__rule_error(err, r, t->row_lines[0], "invalid since `%s` (a version or `any`)", since);
    if (strncmp(name, "typing.", 7) || !name[7] || strchr(name + 7, '.'))
      return ps_analysis__rule_error(err, r, t->row_lines[0], "`%s` is not a typing name such as typing.Union", name);
    s->member = name + 7;
    /* Below `since` the rewrite is only possible in annotations under the
     * future import. */
    s->active = ok;
    self->empty = !ok && !(s->future_ok && ps_pyver_cmp(min_python, FUTURE_IMPORT) >= 0);
    self->prefilter = ps_xasprintf("\\b%s\\b", s->member);
    return 0;
  }
  if (s->kind == K_QUOTED) {
    int cs = ps_table_col(t, "since");
    if (cs < 0 || t->n_rows != 1)
      return ps_analysis__rule_error(err, r, r->analysis_line,
                                     "kind `quoted-annotation` needs a ```table with a column since and one row");
    int ok = reached(t->rows[0][cs], min_python);
    if (ok < 0)
      return ps_analysis__rule_error(err, r, t->row_lines[0], "invalid since `%s` (a version or `any`)", t->rows[0][cs]);
    s->active = ok;
    /* From `since` any quoted annotation; before, only files with the
     * future import, or a local variable annotation holding a quote (an
     * indented `name: ...'...` line). */
    /* Before `since`, stub files (.pyi) too, whose annotations are never
     * evaluated: a gate sees only the text, so any quoted annotation admits
     * the file then (the analysis looks at the path). */
    if (s->active) self->prefilter = ps_xstrdup("(?:->|[\\w\\])][ \\t]*:)[ \\t]*[\\[\\w.]*[\"']");
    else
      self->prefilter = ps_xstrdup("\\b__future__\\b[^\\n]*\\bannotations\\b|"
                                   "\\n[ \\t]+[A-Za-z_]\\w*[ \\t]*:[ \\t]*[\\w.\\[\\], ]*[\"'][^=\\n]*(?:=|\\n)|"
                                   "(?:->|[\\w\\])][ \\t]*:)[ \\t]*[\\[\\w.]*[\"']");
    return 0;
  }
  /* The kinds below have no version of their own: the rules' `min-python`
   * says from which Python they apply. */
  if (s->kind == K_TYPE_ALIAS) {
    self->prefilter = ps_xstrdup("\\b(?:TypeAlias|TypeAliasType)\\b");
    return 0;
  }
  if (s->kind == K_PEP695_CLASS || s->kind == K_PEP695_FUNCTION) {
    /* An optional table of type variables that modules define (typing.AnyStr):
     * a use of one makes the function or class generic over it. */
    PsBuf re = PS_BUF_INIT;
    ps_buf_puts(&re, "\\b(?:TypeVar|ParamSpec|TypeVarTuple");
    if (t->n_rows) {
      int cn = ps_table_col(t, "name"), cb = ps_table_col(t, "bound");
      if (cn < 0 || cb < 0) {
        ps_buf_free(&re);
        return ps_analysis__rule_error(err, r, r->analysis_line,
                                       "kind `%s` takes a ```table with columns name and bound", kind);
      }
      s->std_typevars = ps_xcalloc(t->n_rows + 1, sizeof(Row));
      for (size_t i = 0; i < t->n_rows; i++) {
        const char *name = t->rows[i][cn], *last = strrchr(name, '.');
        if (!last || !last[1]) {
          ps_buf_free(&re);
          return ps_analysis__rule_error(err, r, t->row_lines[i], "`%s` is not a qualified name such as typing.AnyStr",
                                         name);
        }
        s->std_typevars[s->n_std_typevars++] = (Row){name, NULL, strcmp(t->rows[i][cb], "-") ? t->rows[i][cb] : NULL, i, 's'};
        ps_buf_printf(&re, "|%s", last + 1);
      }
    }
    ps_buf_puts(&re, ")\\b");
    self->prefilter = ps_buf_steal(&re);
    return 0;
  }
  if (s->kind == K_ASYNC_ITERATOR) {
    self->prefilter = ps_xstrdup("\\bAsyncGenerator\\b");
    return 0;
  }
  /* K_FUTURE */
  self->prefilter = ps_xstrdup("\\b__future__\\b");
  return 0;
}

static void run(const PsAnalysis *self, const PsFileContext *fc, const PsEmitter *em) {
  if (!fc->source->tree) return;
  Ctx c = {0};
  c.self = self;
  c.s = self->state;
  c.fc = fc;
  c.src = fc->source;
  c.emit = em;
  c.root = ts_tree_root_node(fc->source->tree);
  c.arena = fc->arena;
  c.deadline = fc->deadline;
  c.future = ps_typing__future_annotations(c.src, c.root, &c.future_start, &c.future_end);
  /* Python never runs a stub: its annotations are as good as deferred, and
   * nothing in it is evaluated (issue 12 item 6; ruff treats stubs as
   * having the future import). */
  c.stub = c.src->path && ps_str_ends_with(c.src->path, ".pyi");
  c.deferred = c.future || c.stub;
  array_init(&c.heads);
  array_init(&c.paths);
  array_init(&c.scratch);
  array_init(&c.def_names);
  array_init(&c.class_names);
  ps_typing__heads(&c);
  switch (c.s->kind) {
  case K_RENAME: ps_typing__run_rename(&c); break;
  case K_PEP604:
    ps_typing__run_pep604(&c);
    ps_typing__pep604_in_strings(&c);
    break;
  case K_DEPRECATED_IMPORT: ps_typing__run_deprecated_import(&c); break;
  case K_QUOTED: ps_typing__run_quoted(&c); break;
  case K_TYPE_ALIAS:
    ps_typing__run_type_alias(&c);
    ps_typing__run_type_alias_type(&c);
    break;
  case K_FUTURE: ps_typing__run_future(&c); break;
  case K_PEP695_CLASS: ps_typing__run_pep695_class(&c); break;
  case K_PEP695_FUNCTION: ps_typing__run_pep695_function(&c); break;
  case K_ASYNC_ITERATOR: ps_typing__run_async_iterator(&c); break;
  }
  array_free(&c.heads);
  array_free(&c.paths);
  array_free(&c.scratch);
  array_free(&c.def_names);
  array_free(&c.class_names);
  if (c.typevars) array_free(c.typevars);
  if (c.std_typevars) array_free(c.std_typevars);
}

const PsAnalysisClass ps_analysis__typing_modern = {
    .name = "typing-modern",
    .params = PARAMS,
    .needs = PS_NEED_REFS | PS_NEED_BINDINGS | PS_NEED_ANNOTATIONS,
    .configure = configure,
    .run = run,
    .free_state = free_state,
};
