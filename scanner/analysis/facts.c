/* facts.c: a file's summary copied out into its PsFileFacts (project.h):
 * strings interned in the record, file-local scopes qualified with the
 * module name, byte offsets resolved to positions. Runs on the worker
 * while the source and arena are alive; the record outlives both. */
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "analysis/walk_ft.h"

static PsFactDefKind def_kind(PsDefKind k) {
  return k == PS_DEF_FUNCTION ? PS_FACT_FUNCTION : k == PS_DEF_CLASS ? PS_FACT_CLASS : PS_FACT_ASSIGN;
}

/* The value of `name=value` at text[start..end), without the name and the
 * `=`, trimmed and cut at PS_FACT_VALUE_MAX bytes (on a character start). */
static const char *kwarg_value(PsFileFacts *f, const char *text, uint32_t start, uint32_t end) {
  const char *p = memchr(text + start, '=', end - start);
  if (!p) return ps_facts_str(f, "");
  p++;
  const char *e = text + end;
  while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
  while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r')) e--;
  size_t n = (size_t)(e - p);
  if (n > PS_FACT_VALUE_MAX) {
    n = PS_FACT_VALUE_MAX;
    while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80) n--;
  }
  return ps_facts_strn(f, p, n);
}

void ps_summary_copy_facts(const PsSummary *s, const PsSource *src, unsigned what, PsArena *arena,
                           PsFileFacts *f) {
  if (what & PS_FACT_IMPORTS)
    for (size_t i = 0; i < s->imports.size; i++) {
      const PsImport *im = &s->imports.items[i];
      char *abs = NULL;
      if (im->level > 0) abs = ps_modules_resolve_relative(f->module, f->is_package, im->level, im->module);
      PsFactImport o = {
          .module = ps_facts_str(f, im->level > 0 ? (abs ? abs : "") : im->module),
          .name = ps_facts_str(f, im->name),
          .alias = ps_facts_str(f, im->alias),
          .scope = ps_facts_qualify(f, im->scope),
          .pos = ps_source_pos(src, im->start),
          .guards = im->guards,
          .dynamic = im->kind == PS_IMPORT_DYNAMIC,
      };
      free(abs);
      array_push(&f->imports, o);
    }
  if (what & PS_FACT_DEFS)
    for (size_t i = 0; i < s->defs.size; i++) {
      const PsDef *d = &s->defs.items[i];
      PsFactDef o = {def_kind(d->kind), ps_facts_qualify(f, d->name), d->bases && *d->bases ? ps_facts_str(f, d->bases) : NULL,
                     ps_source_pos(src, d->start)};
      array_push(&f->defs, o);
    }
  if (what & PS_FACT_CALLS) {
    /* Keyword arguments by call: the walk records a nested call's before
     * the rest of its caller's, so bucket them (counting sort, stable). */
    size_t nc = s->calls.size;
    uint32_t *first = ps_xcalloc(nc + 1, sizeof(uint32_t));
    uint32_t *order = ps_xmalloc((s->kwargs.size + 1) * sizeof(uint32_t));
    for (size_t k = 0; k < s->kwargs.size; k++)
      if (s->kwargs.items[k].call < nc) first[s->kwargs.items[k].call + 1]++;
    for (size_t i = 0; i < nc; i++) first[i + 1] += first[i];
    uint32_t *fill = ps_xmalloc((nc + 1) * sizeof(uint32_t));
    memcpy(fill, first, (nc + 1) * sizeof(uint32_t));
    for (size_t k = 0; k < s->kwargs.size; k++)
      if (s->kwargs.items[k].call < nc) order[fill[s->kwargs.items[k].call]++] = (uint32_t)k;
    for (size_t i = 0; i < nc; i++) {
      const PsCall *c = &s->calls.items[i];
      PsFactCall o = {
          .callee = ps_facts_str(f, c->callee ? c->callee : ""),
          .resolved = NULL,
          .scope = ps_facts_qualify(f, c->scope),
          .pos = ps_source_pos(src, c->callee_end > c->callee_start ? c->callee_start : c->start),
          .end = ps_source_pos(src, c->callee_end > c->callee_start ? c->callee_end : c->end),
          .first_kwarg = (uint32_t)f->kwargs.size,
      };
      if (c->callee && *c->callee && s->bindings.size) {
        unsigned guards = 0;
        o.resolved = ps_facts_str(f, ps_summary_resolve(s, c->callee, c->scope, arena, &guards));
      }
      for (uint32_t k = first[i]; k < first[i + 1]; k++) {
        const PsKwarg *kw = &s->kwargs.items[order[k]];
        PsFactKwarg kv = {ps_facts_str(f, kw->name), kwarg_value(f, src->text, kw->start, kw->end)};
        array_push(&f->kwargs, kv);
      }
      o.n_kwargs = (uint32_t)(f->kwargs.size - o.first_kwarg);
      array_push(&f->calls, o);
    }
    free(first);
    free(order);
    free(fill);
  }
  if (what & PS_FACT_BINDINGS)
    for (size_t i = 0; i < s->bindings.size; i++) {
      const PsBinding *b = &s->bindings.items[i];
      /* Module and class level only: what other files and threads share. */
      bool shared = !b->scope || !*b->scope;
      for (size_t d = 0; d < s->defs.size && !shared; d++)
        shared = s->defs.items[d].kind == PS_DEF_CLASS && !strcmp(s->defs.items[d].name, b->scope);
      if (!shared) continue;
      PsFactBinding o = {ps_facts_str(f, b->name), ps_facts_qualify(f, b->scope), (int)b->kind,
                         ps_facts_str(f, b->target)};
      array_push(&f->bindings, o);
    }
  if (what & PS_FACT_ACCESSES)
    for (size_t i = 0; i < s->mutations.size; i++) {
      const PsMutation *m = &s->mutations.items[i];
      PsFactAccess o = {(int)m->kind, ps_facts_str(f, m->target), ps_facts_qualify(f, m->scope),
                        ps_source_pos(src, m->start)};
      array_push(&f->accesses, o);
    }
  if (what & PS_FACT_FT) ps_ft__copy_facts(s, src, arena, f);
}
