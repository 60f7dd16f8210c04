/* resolve.c: what a dotted chain stands for, through the file's bindings.
 *
 * Scopes are qualified def names ("", "C", "C.f", "C.f.g"). A name read in
 * a scope is looked up there and then in each enclosing scope, skipping
 * class bodies on the way out (methods do not see class-level names), as
 * Python does. At the first scope that binds the name: imports resolve it,
 * `x = f(...)` resolves it to f's qualified name (an instance of f for
 * method lookups), anything else shadows it.
 */
#include <string.h>

#include "analysis/analysis.h"

void ps_summary__index_bindings(PsSummary *s) {
  size_t n = s->bindings.size;
  ps_strmap_clear(&s->bind_index);
  array_clear(&s->bind_next);
  array_reserve(&s->bind_next, n);
  for (size_t i = 0; i < n; i++) array_push(&s->bind_next, 0);
  /* Walk backwards so each chain lists bindings in file order: each
   * binding becomes its name's head and links to the previous head. */
  for (size_t i = n; i-- > 0;) {
    const char *nm = s->bindings.items[i].name;
    size_t len = strlen(nm);
    uint64_t head;
    if (ps_strmap_find(&s->bind_index, nm, len, &head)) s->bind_next.items[i] = (uint32_t)head;
    ps_strmap_put_n(&s->bind_index, nm, len, (uint64_t)i + 1, true);
  }
  ps_strmap_clear(&s->class_index);
  for (size_t i = 0; i < s->defs.size; i++)
    if (s->defs.items[i].kind == PS_DEF_CLASS) ps_strmap_put(&s->class_index, s->defs.items[i].name, 1, false);
  s->class_defs = s->defs.size;
}

static bool is_class_scope(const PsSummary *s, const char *scope, size_t n) {
  if (s->class_defs == s->defs.size) return ps_strmap_find(&s->class_index, scope, n, NULL);
  for (size_t i = 0; i < s->defs.size; i++) {
    const PsDef *d = &s->defs.items[i];
    if (d->kind == PS_DEF_CLASS && strlen(d->name) == n && !strncmp(d->name, scope, n)) return true;
  }
  return false;
}

static const char *resolve_depth(const PsSummary *s, const char *chain, const char *scope, PsArena *arena,
                                 unsigned *guards, int depth) {
  if (depth > 4) return NULL;
  const char *dot = strchr(chain, '.');
  size_t hl = dot ? (size_t)(dot - chain) : strlen(chain);
  size_t sl = strlen(scope);
  bool first = true;
  for (;;) {
    if (first || !is_class_scope(s, scope, sl)) {
      const PsBinding *found = NULL;
      bool conflict = false;
      for (uint32_t v = ps_summary_first_binding(s, chain, hl); v; v = ps_summary_next_binding(s, v, chain, hl)) {
        const PsBinding *b = &s->bindings.items[v - 1];
        if (strncmp(b->scope, scope, sl) != 0 || b->scope[sl] != '\0') continue;
        if (b->kind == PS_BIND_OTHER) return NULL; /* shadowed */
        if (found && (found->kind != b->kind || strcmp(found->target, b->target) != 0)) conflict = true;
        if (!found) found = b;
      }
      if (conflict) return NULL;
      if (found) {
        const char *base = found->target;
        if (found->kind == PS_BIND_CALL) {
          char *sc = ps_arena_strndup(arena, scope, sl);
          base = resolve_depth(s, found->target, sc, arena, guards, depth + 1);
          if (!base) return NULL;
          if (guards) *guards |= PS_RESOLVED_VIA_INSTANCE;
        }
        if (guards) *guards |= found->guards;
        return dot ? ps_arena_sprintf(arena, "%s%s", base, dot) : base;
      }
    }
    if (sl == 0) return NULL;
    /* Out one scope level. */
    const char *p = scope + sl;
    while (p > scope && p[-1] != '.') p--;
    sl = p > scope ? (size_t)(p - scope - 1) : 0;
    first = false;
  }
}

const char *ps_summary_resolve(const PsSummary *s, const char *chain, const char *scope, PsArena *arena,
                               unsigned *guards) {
  if (guards) *guards = 0;
  return resolve_depth(s, chain, scope ? scope : "", arena, guards, 0);
}
