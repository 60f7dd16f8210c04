/* facts.c: one file's facts, copied out of its arena (see project.h). */
#include <stdlib.h>
#include <string.h>

#include "project/project.h"

PsFileFacts *ps_facts_new(const char *path, const char *module, bool is_package) {
  PsFileFacts *self = ps_xcalloc(1, sizeof *self);
  ps_pool_init(&self->strings);
  self->path = ps_pool_intern_cstr(&self->strings, path);
  self->module = ps_pool_intern_cstr(&self->strings, module ? module : "");
  self->is_package = is_package;
  self->is_stub = ps_str_ends_with(path, ".pyi");
  return self;
}

void ps_facts_delete(PsFileFacts *self) {
  if (!self) return;
  array_free(&self->imports);
  array_free(&self->defs);
  array_free(&self->calls);
  array_free(&self->kwargs);
  array_free(&self->bindings);
  array_free(&self->accesses);
  array_free(&self->suppressions);
  array_free(&self->classes);
  array_free(&self->method_uses);
  ps_ft_facts_free(self->ft);
  ps_mp_facts_free(self->mp);
  ps_pool_free(&self->strings);
  free(self);
}

#define SHRINK(a)                                                                  \
  do {                                                                             \
    if ((a)->size < (a)->cap) {                                                    \
      (a)->items = (a)->size ? ps_xrealloc((a)->items, (a)->size * sizeof *(a)->items) : (free((a)->items), NULL); \
      (a)->cap = (a)->size;                                                        \
    }                                                                              \
  } while (0)

void ps_facts_seal(PsFileFacts *self) {
  ps_pool_seal(&self->strings);
  SHRINK(&self->imports);
  SHRINK(&self->defs);
  SHRINK(&self->calls);
  SHRINK(&self->kwargs);
  SHRINK(&self->bindings);
  SHRINK(&self->accesses);
  SHRINK(&self->suppressions);
  SHRINK(&self->classes);
  SHRINK(&self->method_uses);
  if (self->ft) {
    PsFtFacts *t = self->ft;
    SHRINK(&t->funcs);
    SHRINK(&t->classes);
    SHRINK(&t->objects);
    SHRINK(&t->accesses);
    SHRINK(&t->calls);
    SHRINK(&t->args);
    SHRINK(&t->locksets);
    SHRINK(&t->lock_keys);
  }
  if (self->mp) {
    PsMpFacts *m = self->mp;
    SHRINK(&m->starters);
    SHRINK(&m->import_calls);
    SHRINK(&m->fn_calls);
    SHRINK(&m->workers);
    SHRINK(&m->writes);
    SHRINK(&m->reads);
  }
}

const char *ps_facts_str(PsFileFacts *self, const char *s) { return ps_pool_intern_cstr(&self->strings, s); }

const char *ps_facts_strn(PsFileFacts *self, const char *s, size_t n) { return ps_pool_intern(&self->strings, s, n); }

const char *ps_facts_qualify(PsFileFacts *self, const char *local) {
  if (!local || !*local) return self->module;
  if (!*self->module) return ps_facts_str(self, local);
  size_t ml = strlen(self->module), ll = strlen(local);
  char buf[512];
  char *q = ml + ll + 2 <= sizeof buf ? buf : ps_xmalloc(ml + ll + 2);
  memcpy(q, self->module, ml);
  q[ml] = '.';
  memcpy(q + ml + 1, local, ll + 1);
  const char *r = ps_facts_strn(self, q, ml + 1 + ll);
  if (q != buf) free(q);
  return r;
}

bool ps_facts_suppressed(const PsFileFacts *self, uint32_t line, const char *id) {
  for (size_t i = 0; i < self->suppressions.size; i++) {
    const PsFactSuppression *s = &self->suppressions.items[i];
    if (s->d.kind == PS_SUPPRESS_FILE && ps_suppress_covers(&s->d, id)) return true;
    if (s->d.kind == PS_SUPPRESS_LINE && s->line == line && ps_suppress_covers(&s->d, id)) return true;
  }
  return false;
}

void ps_ft_facts_free(PsFtFacts *self) {
  if (!self) return;
  array_free(&self->funcs);
  array_free(&self->classes);
  array_free(&self->objects);
  array_free(&self->accesses);
  array_free(&self->calls);
  array_free(&self->args);
  array_free(&self->locksets);
  array_free(&self->lock_keys);
  free(self);
}

void ps_mp_facts_free(PsMpFacts *self) {
  if (!self) return;
  array_free(&self->starters);
  array_free(&self->import_calls);
  array_free(&self->fn_calls);
  array_free(&self->workers);
  array_free(&self->writes);
  array_free(&self->reads);
  free(self);
}

#define ARRAY_BYTES(a) ((a)->cap * sizeof *(a)->items)

size_t ps_facts_bytes(const PsFileFacts *self) {
  size_t n = sizeof *self + self->strings.alloc + self->strings.chunks.cap * sizeof(char *) +
             self->strings.index.cap * sizeof(PsStrMapSlot);
  n += ARRAY_BYTES(&self->imports) + ARRAY_BYTES(&self->defs) + ARRAY_BYTES(&self->calls) + ARRAY_BYTES(&self->kwargs) +
       ARRAY_BYTES(&self->bindings) + ARRAY_BYTES(&self->accesses) + ARRAY_BYTES(&self->suppressions) +
       ARRAY_BYTES(&self->classes) + ARRAY_BYTES(&self->method_uses);
  if (self->ft) {
    const PsFtFacts *t = self->ft;
    n += sizeof *t + ARRAY_BYTES(&t->funcs) + ARRAY_BYTES(&t->classes) + ARRAY_BYTES(&t->objects) +
         ARRAY_BYTES(&t->accesses) + ARRAY_BYTES(&t->calls) + ARRAY_BYTES(&t->args) + ARRAY_BYTES(&t->locksets) +
         ARRAY_BYTES(&t->lock_keys);
  }
  if (self->mp) {
    const PsMpFacts *m = self->mp;
    n += sizeof *m + ARRAY_BYTES(&m->starters) + ARRAY_BYTES(&m->import_calls) + ARRAY_BYTES(&m->fn_calls) +
         ARRAY_BYTES(&m->workers) + ARRAY_BYTES(&m->writes) + ARRAY_BYTES(&m->reads);
  }
  return n;
}
