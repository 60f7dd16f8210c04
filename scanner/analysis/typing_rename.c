/* typing_rename.c: `kind: rename` (TY006, TY101: a table name such as
 * typing.List -> its replacement, importing it when it lives in a module)
 * and `kind: deprecated-import` (TY035: members imported from the module
 * they moved out of).
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/typing_internal.h"

static const Row *find_row(const Row *rows, size_t n, const char *q) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(rows[i].name, q)) return &rows[i];
  /* typing_extensions re-exports every typing name */
  if (!strncmp(q, "typing_extensions.", 18)) {
    char buf[256];
    snprintf(buf, sizeof buf, "typing.%s", q + 18);
    for (size_t i = 0; i < n; i++)
      if (!strcmp(rows[i].name, buf)) return &rows[i];
  }
  return NULL;
}

static void rename_one(Ctx *c, const char *chain, uint32_t start, uint32_t end, const char *scope, const Where *w,
                       bool in_string, uint32_t *insert_at) {
  const State *s = c->s;
  const PsSummary *sum = c->fc->summary;
  unsigned guards;
  const char *q = ps_summary_resolve(sum, chain, scope, c->arena, &guards);
  if (!q || strncmp(q, "typing", 6) != 0) return;
  const Row *row = find_row(s->rows, s->n_rows, q);
  bool future_only = false;
  if (!row && c->deferred) {
    row = find_row(s->future_rows, s->n_future_rows, q);
    future_only = row != NULL;
  }
  if (!row) return;
  if (future_only && !w->annotation) return;
  /* The replacement text: a builtin, or a member of row->module. */
  const char *repl = row->replacement;
  PsByteEdit edits[2];
  size_t ne = 0;
  bool fixable = !w->in_string;
  if (row->module) {
    char *qual = ps_arena_sprintf(c->arena, "%s.%s", row->module, repl);
    if (ps_typing__imported_as(sum, repl, qual)) {
      /* already imported */
    } else if (ps_typing__imported_as(sum, row->module, row->module)) {
      repl = qual;
    } else if (!ps_typing__name_bound(c, repl, NULL)) {
      if (*insert_at == UINT32_MAX) *insert_at = ps_typing__import_insert_point(c);
      edits[ne++] = (PsByteEdit){*insert_at, *insert_at,
                                 ps_arena_sprintf(c->arena, "from %s import %s\n", row->module, repl)};
    } else {
      fixable = false;
    }
  } else if (ps_typing__bound_in_scope(c, repl, scope)) {
    fixable = false; /* the builtin is shadowed here */
  }
  (void)in_string;
  edits[ne++] = (PsByteEdit){start, end, repl};
  PsVar vars[] = {{"used", chain}, {"name", q}, {"replacement", repl}};
  char *msg = ps_arena_sprintf(c->arena, "Replace with `%s`", repl);
  /* Outside type positions the alias is an object of its own
   * (typing.Counter is not collections.Counter): the row says whether the
   * fix is still safe there (issue 12 item 9). */
  bool safe = !future_only || c->stub; /* a stub is never evaluated */
  if (!w->type_def && !c->stub && row->runtime != 's') {
    if (row->runtime == 'n') fixable = false;
    safe = false;
  }
  PsFixSpec fix = {msg, edits, ne, safe};
  emit(c, start, end, vars, 3, fixable ? &fix : NULL);
}

void ps_typing__run_rename(Ctx *c) {
  const PsSummary *sum = c->fc->summary;
  uint32_t insert_at = UINT32_MAX;
  ps_typing__ref_paths(c, ps_typing__ref_candidate);
  for (size_t i = 0; i < sum->refs.size; i++) {
    const PsRef *ref = &sum->refs.items[i];
    if (ps_deadline_poll(c->deadline)) return;
    Path p;
    if (!path_of(c, c->ref_path[i], &p)) continue;
    Where w = where(&p);
    rename_one(c, ref->chain, ref->start, ref->end, ref->scope, &w, false, &insert_at);
  }
  /* Inside quoted annotations: the edit stays inside the string. */
  StrRefs sr;
  array_init(&sr);
  ps_typing__collect_string_refs(c, &sr);
  for (size_t i = 0; i < sr.size && !ps_deadline_poll(c->deadline); i++) {
    Where w = {.annotation = true, .type_def = true, .runtime_annotation = sr.items[i].runtime};
    rename_one(c, sr.items[i].chain, sr.items[i].start, sr.items[i].end, sr.items[i].scope, &w, true, &insert_at);
  }
  array_free(&sr);
}

typedef struct Member {
  TSNode node;       /* dotted_name or aliased_import */
  const char *name;
  const Row *row;
} Member;

void ps_typing__run_deprecated_import(Ctx *c) {
  const State *s = c->s;
  const PsSummary *sum = c->fc->summary;
  uint32_t last_stmt = UINT32_MAX;
  ps_typing__import_paths(c);
  for (size_t i = 0; i < sum->imports.size; i++) {
    const PsImport *im = &sum->imports.items[i];
    if (ps_deadline_poll(c->deadline)) return;
    if (im->kind != PS_IMPORT_FROM || im->level || !im->name || !strcmp(im->name, "*")) continue;
    Path p;
    if (!path_of(c, c->import_path[i], &p)) continue;
    TSNode stmt = ps_typing__find_up(&p, "import_from_statement");
    if (ts_node_is_null(stmt) || ts_node_start_byte(stmt) == last_stmt) continue;
    last_stmt = ts_node_start_byte(stmt);
    /* The statement's members. */
    Array(Member) mem;
    array_init(&mem);
    TSNode modnode = ts_node_child_by_field_name(stmt, "module_name", 11);
    ps_typing__named_children(stmt, &c->scratch);
    for (size_t k = 0; k < c->scratch.size; k++) {
      TSNode ch = c->scratch.items[k];
      if (ts_node_eq(ch, modnode) || is(ch, "comment")) continue;
      TSNode nm = is(ch, "aliased_import") ? ts_node_child_by_field_name(ch, "name", 4) : ch;
      if (!is(nm, "dotted_name")) continue;
      Member m = {ch, text_of(c, nm), NULL};
      for (size_t r = 0; r < s->n_rows; r++)
        if (!strcmp(s->rows[r].module, im->module) && !strcmp(s->rows[r].name, m.name)) m.row = &s->rows[r];
      array_push(&mem, m);
    }
    bool has_comment = false;
    for (uint32_t k = ts_node_start_byte(stmt); k < ts_node_end_byte(stmt); k++)
      if (c->src->text[k] == '#') has_comment = true;
    /* Indentation, if the statement starts its line. */
    uint32_t ss = ts_node_start_byte(stmt), ls = ss;
    while (ls > 0 && c->src->text[ls - 1] != '\n') ls--;
    bool own_line = true;
    for (uint32_t k = ls; k < ss; k++)
      if (c->src->text[k] != ' ' && c->src->text[k] != '\t') own_line = false;
    const char *indent = ps_arena_strndup(c->arena, c->src->text + ls, ss - ls);
    /* Renamed members: one finding each, no fix. */
    for (size_t k = 0; k < mem.size; k++) {
      const Row *row = mem.items[k].row;
      if (!row || row->replacement[0] != '=') continue;
      char *q = ps_arena_sprintf(c->arena, "%s.%s", im->module, row->name);
      char *detail = ps_arena_sprintf(c->arena, "`%s` is deprecated; use `%s`", q, row->replacement + 1);
      PsVar vars[] = {{"used", q}, {"replacement", row->replacement + 1}, {"module", im->module}, {"detail", detail}};
      emit(c, ss, ts_node_end_byte(stmt), vars, 4, NULL);
    }
    /* Moved members, grouped by target module: one finding per group. */
    for (size_t k = 0; k < mem.size && !ps_deadline_poll(c->deadline); k++) {
      const Row *row = mem.items[k].row;
      if (!row || row->replacement[0] == '=') continue;
      bool first = true;
      for (size_t j = 0; j < k; j++)
        if (mem.items[j].row && !strcmp(mem.items[j].row->replacement, row->replacement)) first = false;
      if (!first) continue;
      const char *target = row->replacement;
      PsBuf names = PS_BUF_INIT, moved = PS_BUF_INIT, kept = PS_BUF_INIT;
      size_t n_kept = 0;
      for (size_t j = 0; j < mem.size; j++) {
        const Member *m = &mem.items[j];
        const char *t = text_of(c, m->node);
        if (m->row && !strcmp(m->row->replacement, target)) {
          ps_buf_printf(&names, "%s`%s`", names.len ? ", " : "", m->name);
          ps_buf_printf(&moved, "%s%s", moved.len ? ", " : "", t);
        } else {
          ps_buf_printf(&kept, "%s%s", kept.len ? ", " : "", t);
          n_kept++;
        }
      }
      char *repl;
      bool fixable = !has_comment;
      if (!n_kept) repl = ps_arena_sprintf(c->arena, "from %s import %s", target, moved.data);
      else {
        repl = ps_arena_sprintf(c->arena, "from %s import %s\n%sfrom %s import %s", im->module, kept.data, indent,
                                target, moved.data);
        if (!own_line) fixable = false;
      }
      PsByteEdit ed = {ss, ts_node_end_byte(stmt), repl};
      char *msg = ps_arena_sprintf(c->arena, "Import from `%s`", target);
      PsFixSpec fix = {msg, &ed, 1, true};
      char *detail = ps_arena_sprintf(c->arena, "import %s from `%s` instead of `%s`", names.data, target, im->module);
      PsVar vars[] = {{"used", names.data}, {"replacement", target}, {"module", im->module}, {"detail", detail}};
      emit(c, ss, ts_node_end_byte(stmt), vars, 4, fixable ? &fix : NULL);
      ps_buf_free(&names);
      ps_buf_free(&moved);
      ps_buf_free(&kept);
    }
    array_free(&mem);
  }
}
