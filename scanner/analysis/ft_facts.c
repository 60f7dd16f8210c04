/* ft_facts.c: the free-threading facts of one file, resolved and copied
 * out of its arena (walk_ft.h -> project.h's PsFtFacts).
 *
 * Resolution follows Python's scoping as the summary records it: a name a
 * function binds (a parameter, an assignment, a loop or comprehension
 * variable) is local unless declared `global`; a name bound by an
 * enclosing function is a closure variable; otherwise it is the module's
 * (its own assignment, def or class: "pkg.mod.name") or an import
 * ("pkg.cache.store" for `from .cache import store`). `self.x` in a method
 * (and in the functions nested in it) is the class's attribute x; `Cls.x`
 * too. Locals are dropped, except the locks and executors a function makes
 * for itself, which become LOCAL objects ("pkg.mod.f:lock").
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/walk_ft.h"

typedef struct Ctx {
  const PsSummary *s;
  const PsFtRaw *raw;
  const PsSource *src;
  PsArena *arena;
  PsFileFacts *f;
  PsFtFacts *out;
  /* Lookups built once per file (keys in the arena): functions by local
   * name, "func\1name" of lambda parameters and comprehension variables,
   * module-level aliases by name (value: the alias text, 0 when the name is
   * rebound), and the memoised resolutions ("func\1text" -> Resolved). */
  PsStrMap funcs, locals, aliases, memo_ref, memo_callee, memo_call;
  PsStrMap seq_names; /* the names of PsFtRawSeq (a quick first test) */
  int depth;   /* alias resolution in progress (a bound on alias chains) */
  int nesting; /* resolutions in progress (a bound on cycles) */
} Ctx;

static const struct PsFtRawBind *single_local(const Ctx *c, int32_t func, const char *name, size_t n);
static int head_of(Ctx *c, int32_t func, const char *head, size_t hn, const char **q, bool *own_class);
/* a sep b in the arena: ps_arena_sprintf without the format parsing (this
 * runs for most references of every file). */
static char *cat(PsArena *arena, const char *a, const char *sep, const char *b) {
  size_t la = strlen(a), ls = strlen(sep), lb = strlen(b);
  char *o = ps_arena_alloc(arena, la + ls + lb + 1);
  memcpy(o, a, la);
  memcpy(o + la, sep, ls);
  memcpy(o + la + ls, b, lb + 1);
  return o;
}

static const char *resolve_callee(Ctx *c, int32_t func, const char *callee, const char **recv, int depth);
static const char *resolve_ref(Ctx *c, int32_t func, const char *ref, uint8_t *via);

typedef struct Resolved {
  const char *key, *recv;
  uint8_t via;
} Resolved;

/* "func\1text" in buf (NUL-terminated), its length; 0 if it does not fit.
 * (No snprintf: this runs for every name resolved.) */
static size_t func_key(char *buf, size_t cap, int32_t func, const char *s, size_t n) {
  char digits[12];
  size_t d = 0;
  uint32_t v = (uint32_t)(func + 1);
  do digits[d++] = (char)('0' + v % 10); while ((v /= 10) && d < sizeof digits);
  if (d + 1 + n + 1 > cap) return 0;
  for (size_t i = 0; i < d; i++) buf[i] = digits[d - 1 - i];
  buf[d] = '\1';
  if (n) memcpy(buf + d + 1, s, n);
  buf[d + 1 + n] = '\0';
  return d + 1 + n;
}

/* Appends s to buf at *at (for keys), false if it does not fit. */
static bool key_put(char *buf, size_t cap, size_t *at, const char *s) {
  size_t n = s ? strlen(s) : 0;
  if (*at + n + 2 > cap) return false;
  if (n) memcpy(buf + *at, s, n);
  buf[*at + n] = '|';
  *at += n + 1;
  buf[*at] = '\0';
  return true;
}

/* Is `name` (n bytes) bound by the summary in exactly `scope`? */
static bool bound_in(const PsSummary *s, const char *name, size_t n, const char *scope) {
  for (uint32_t v = ps_summary_first_binding(s, name, n); v; v = ps_summary_next_binding(s, v, name, n))
    if (!strcmp(s->bindings.items[v - 1].scope, scope)) return true;
  return false;
}

/* How many bindings of `name` the summary has in exactly `scope` (at most 2). */
static int bindings_in(const PsSummary *s, const char *name, size_t n, const char *scope) {
  int count = 0;
  for (uint32_t v = ps_summary_first_binding(s, name, n); v && count < 2; v = ps_summary_next_binding(s, v, name, n))
    if (!strcmp(s->bindings.items[v - 1].scope, scope)) count++;
  return count;
}

/* The first binding of `name` at module level, or NULL. */
static const PsBinding *module_binding(const PsSummary *s, const char *name, size_t n) {
  const PsBinding *other = NULL;
  for (uint32_t v = ps_summary_first_binding(s, name, n); v; v = ps_summary_next_binding(s, v, name, n)) {
    const PsBinding *b = &s->bindings.items[v - 1];
    if (*b->scope) continue;
    if (b->kind == PS_BIND_IMPORT) return b; /* `try: import x except: x = None`: the import */
    if (!other) other = b;
  }
  return other;
}

static bool is_module_class(const PsSummary *s, const char *name, size_t n) {
  for (size_t i = 0; i < s->defs.size; i++) {
    const PsDef *d = &s->defs.items[i];
    if (d->kind == PS_DEF_CLASS && d->module_level && strlen(d->name) == n && !strncmp(d->name, name, n)) return true;
  }
  return false;
}

/* A relative from-import at module level binding `name`: the absolute
 * qualified name it stands for (arena), or NULL. */
static const char *relative_import(Ctx *c, const char *name, size_t n) {
  const PsSummary *s = c->s;
  for (size_t i = 0; i < s->imports.size; i++) {
    const PsImport *im = &s->imports.items[i];
    if (!im->level || !im->module_level) continue;
    const char *local = im->alias ? im->alias : im->name;
    if (im->kind == PS_IMPORT_FROM && local && strlen(local) == n && !strncmp(local, name, n) && strcmp(im->name, "*")) {
      char *abs = ps_modules_resolve_relative(c->f->module, c->f->is_package, im->level, im->module);
      if (!abs) return NULL;
      const char *r = *abs ? cat(c->arena, abs, ".", im->name) : ps_arena_strdup(c->arena, im->name);
      free(abs);
      return r;
    }
  }
  return NULL;
}

static const char *qualify(Ctx *c, const char *local) { return ps_facts_qualify(c->f, local); }

static bool is_local_in(const Ctx *c, int32_t func, const char *name, size_t n) {
  const PsFtRaw *r = c->raw;
  char buf[512];
  size_t kl = func_key(buf, sizeof buf, func, name, n);
  if (kl && ps_strmap_find(&c->locals, buf, kl, NULL)) return true;
  const PsFtRawFunc *fn = &r->funcs.items[func];
  if (fn->flags & PS_FTF_LAMBDA) return false; /* its scope is its parent's */
  return bound_in(c->s, name, n, fn->scope);
}

static bool declared(const Ctx *c, int32_t func, const char *name, size_t n, bool nonlocal) {
  const PsFtRaw *r = c->raw;
  for (size_t i = 0; i < r->decls.size; i++) {
    const PsFtRawDecl *d = &r->decls.items[i];
    if (d->func == func && d->nonlocal == nonlocal && strlen(d->name) == n && !strncmp(d->name, name, n)) return true;
  }
  return false;
}

/* The index of the function of this file with qualified name q, or -1. */
static int32_t own_func(Ctx *c, const char *q) {
  size_t ml = strlen(c->f->module);
  if (ml) {
    if (strncmp(q, c->f->module, ml) || q[ml] != '.') return -1;
    q += ml + 1;
  }
  uint64_t i;
  return ps_strmap_find(&c->funcs, q, strlen(q), &i) ? (int32_t)i : -1;
}

/* The callee of the constructor call an attribute of class cls is assigned
 * (`self.index = InventoryIndex()` in any method), as written, or NULL. */
static const char *attr_ctor(Ctx *c, int32_t cls, const char *attr, size_t n) {
  for (size_t i = 0; i < c->raw->binds.size; i++) {
    const PsFtRawBind *b = &c->raw->binds.items[i];
    if (b->cls == cls && (b->where == PS_FTW_INSTANCE || b->where == PS_FTW_CLASS) && b->value == PS_FTV_CALL && b->ctor &&
        strlen(b->name) == n && !strncmp(b->name, attr, n))
      return b->ctor;
  }
  return NULL;
}

static bool is_param(const Ctx *c, int32_t func, const char *name, size_t n) {
  for (size_t i = 0; i < c->raw->params.size; i++) {
    const PsFtRawDecl *p = &c->raw->params.items[i];
    if (p->func == func && strlen(p->name) == n && !strncmp(p->name, name, n)) return true;
  }
  return false;
}

/* The class of an object handed on (`args=(obj,)`): self's class, a local
 * made by a call of a class (`obj = Fixture()`), or NULL. */
static const char *value_class(Ctx *c, int32_t func, const char *text) {
  if (func < 0 || strchr(text, '.')) return NULL;
  const PsFtRawFunc *fn = &c->raw->funcs.items[func];
  if (fn->self_name && fn->self_cls >= 0 && !strcmp(fn->self_name, text))
    return qualify(c, c->raw->classes.items[fn->self_cls].local);
  const char *q;
  bool own_class;
  if (head_of(c, func, text, strlen(text), &q, &own_class) != 2) return NULL;
  const char *recv;
  return resolve_callee(c, func, q, &recv, 1);
}

/* Does `value` (a chain written into `ref` in func) hold a copy saved
 * from ref: a local bound once to ref (`old = X`), or `self.x` that some
 * method of the class binds to ref (`self._old = X` in __enter__)? */
static bool restores(Ctx *c, int32_t func, const char *ref, const char *value) {
  const PsFtRawFunc *fn = &c->raw->funcs.items[func];
  const char *dot = strchr(value, '.');
  if (!dot) {
    const PsFtRawBind *b = single_local(c, func, value, strlen(value));
    return b && b->value == PS_FTV_ALIAS && b->ctor && !strcmp(b->ctor, ref);
  }
  size_t hn = (size_t)(dot - value);
  if (!fn->self_name || fn->self_cls < 0 || strlen(fn->self_name) != hn || strncmp(fn->self_name, value, hn) ||
      strchr(dot + 1, '.'))
    return false;
  for (size_t i = 0; i < c->raw->binds.size; i++) {
    const PsFtRawBind *b = &c->raw->binds.items[i];
    if (b->where == PS_FTW_INSTANCE && b->cls == fn->self_cls && b->value == PS_FTV_ALIAS && b->ctor &&
        !strcmp(b->name, dot + 1) && !strcmp(b->ctor, ref))
      return true;
  }
  return false;
}

/* The last LOCAL bind of `name` in func before byte `before` (in source
 * order: a branch's binding counts as the one that reaches), or NULL. */
static const PsFtRawBind *last_local(const Ctx *c, int32_t func, const char *name, uint32_t before) {
  if (func < 0) return NULL;
  const PsFtRawFunc *fn = &c->raw->funcs.items[func];
  const PsFtRawBind *found = NULL;
  for (size_t i = fn->first_bind; i < fn->bind_end; i++) {
    const PsFtRawBind *b = &c->raw->binds.items[i];
    if (b->where != PS_FTW_LOCAL || b->func != func || b->start >= before || strcmp(b->name, name)) continue;
    if (!found || b->start > found->start) found = b;
  }
  return found;
}

/* The one LOCAL bind of `name` in func when the function binds the name
 * once (the summary's bindings count every kind of binding), else NULL. */
static const PsFtRawBind *single_local(const Ctx *c, int32_t func, const char *name, size_t n) {
  const PsFtRawFunc *fn = &c->raw->funcs.items[func];
  const PsFtRawBind *found = NULL;
  for (size_t i = fn->first_bind; i < fn->bind_end; i++) {
    const PsFtRawBind *b = &c->raw->binds.items[i];
    if (b->where != PS_FTW_LOCAL || b->func != func || strlen(b->name) != n || strncmp(b->name, name, n)) continue;
    if (found) return NULL;
    found = b;
  }
  if (!found) return NULL;
  return bindings_in(c->s, name, n, fn->scope) == 1 ? found : NULL;
}

/* The local name of the def `name` nested in `outer` ("f.g"), or NULL. */
static const char *nested_def(const Ctx *c, const char *outer, const char *name, size_t n) {
  char buf[1024];
  int k = snprintf(buf, sizeof buf, "%s.%.*s", outer, (int)n, name);
  if (k < 0 || (size_t)k >= sizeof buf) return NULL;
  uint64_t i;
  return ps_strmap_find(&c->funcs, buf, (size_t)k, &i) ? c->raw->funcs.items[i].local : NULL;
}

/* What the head name of a chain stands for in func (-1: module level):
 * 0 unknown or local, 1 module-level (*q: its qualified name: the file's
 * own "pkg.mod.name" or the imported name), 2 a local bound by a call
 * (*q: the callee as written, for method lookups). */
static int head_of(Ctx *c, int32_t func, const char *head, size_t hn, const char **q, bool *own_class) {
  *own_class = false;
  if (func >= 0) {
    const PsFtRawFunc *fn = &c->raw->funcs.items[func];
    if (!declared(c, func, head, hn, false)) {
      if (declared(c, func, head, hn, true)) return 0;
      if (is_local_in(c, func, head, hn)) {
        /* A local bound once to a call (an executor, a lock: 2, *q its
         * callee) or to another name (an alias: 3, *q that name). */
        const PsFtRawBind *b = single_local(c, func, head, hn);
        if (b && b->value == PS_FTV_CALL && b->ctor) return *q = b->ctor, 2;
        if (b && b->value == PS_FTV_ALIAS && b->ctor) return *q = b->ctor, 3;
        /* Loop variables and locals assigned several times are not followed;
         * a call-made local assigned twice still has its (first) type. */
        for (size_t i = c->raw->funcs.items[func].first_bind; i < c->raw->funcs.items[func].bind_end; i++) {
          const PsFtRawBind *x = &c->raw->binds.items[i];
          if (x->where == PS_FTW_LOCAL && x->func == func && x->value == PS_FTV_CALL && x->ctor && strlen(x->name) == hn &&
              !strncmp(x->name, head, hn))
            return *q = x->ctor, 2;
        }
        return 0;
      }
      for (int32_t p = fn->parent; p >= 0; p = c->raw->funcs.items[p].parent) {
        if (is_local_in(c, p, head, hn)) {
          /* A nested def of an enclosing function is a function we know. */
          const char *l = nested_def(c, c->raw->funcs.items[p].local, head, hn);
          if (!l) return 0;
          *q = qualify(c, l);
          return 1;
        }
      }
      /* A def nested in this very function. */
      const char *l = *fn->scope ? nested_def(c, fn->scope, head, hn) : NULL;
      if (l) {
        *q = qualify(c, l);
        return 1;
      }
    }
  }
  const PsBinding *b = module_binding(c->s, head, hn);
  if (!b) {
    if (func >= 0 && declared(c, func, head, hn, false)) {
      *q = qualify(c, ps_arena_strndup(c->arena, head, hn));
      return 1;
    }
    return 0;
  }
  if (b->kind == PS_BIND_IMPORT && b->target) {
    *q = b->target;
    return 1;
  }
  const char *rel = relative_import(c, head, hn);
  if (rel) {
    *q = rel;
    return 1;
  }
  *own_class = is_module_class(c->s, head, hn);
  *q = qualify(c, ps_arena_strndup(c->arena, head, hn));
  return 1;
}

/* The name a module-level alias (`x = a.b`, assigned once) stands for, as
 * written, or NULL. */
static const char *module_alias(Ctx *c, const char *name, size_t n) {
  uint64_t v;
  if (!ps_strmap_find(&c->aliases, name, n, &v)) return NULL;
  return (const char *)(uintptr_t)v;
}

static void build_maps(Ctx *c) {
  const PsFtRaw *r = c->raw;
  for (size_t i = 0; i < r->funcs.size; i++) ps_strmap_put(&c->funcs, r->funcs.items[i].local, i, false);
  for (size_t i = 0; i < r->seqs.size; i++) ps_strmap_put(&c->seq_names, r->seqs.items[i].name, 1, true);
  for (size_t i = 0; i < r->locals.size; i++) {
    const PsFtRawDecl *d = &r->locals.items[i];
    if (!d->name) continue;
    char buf[512];
    size_t kl = func_key(buf, sizeof buf, d->func, d->name, strlen(d->name));
    if (kl) ps_strmap_put(&c->locals, ps_arena_strndup(c->arena, buf, kl), 1, false);
  }
  /* An alias is a module-level name bound once, to another name. */
  for (size_t i = 0; i < r->binds.size; i++) {
    const PsFtRawBind *b = &r->binds.items[i];
    if (b->where != PS_FTW_MODULE) continue;
    uint64_t v;
    bool alias = b->value == PS_FTV_ALIAS && b->ctor && strcmp(b->ctor, b->name);
    if (ps_strmap_find(&c->aliases, b->name, strlen(b->name), &v)) ps_strmap_put(&c->aliases, b->name, 0, true);
    else ps_strmap_put(&c->aliases, b->name, alias ? (uint64_t)(uintptr_t)b->ctor : 0, false);
  }
}

/* The object an access names: its key, and how it is named. NULL: a local,
 * or something the analysis does not follow (self.a.b). */
static const char *resolve_ref_raw(Ctx *c, int32_t func, const char *ref, uint8_t *via) {
  const char *dot = strchr(ref, '.');
  size_t hn = dot ? (size_t)(dot - ref) : strlen(ref);
  const char *rest = dot ? dot + 1 : NULL;
  if (rest && strchr(rest, '.')) {
    /* mod.sub.name through an import: allowed; anything deeper on self is not. */
  }
  if (func >= 0) {
    const PsFtRawFunc *fn = &c->raw->funcs.items[func];
    if (fn->self_name && fn->self_cls >= 0 && strlen(fn->self_name) == hn && !strncmp(fn->self_name, ref, hn)) {
      if (!rest) return NULL;
      *via = (fn->flags & PS_FTF_CLASSMETHOD) ? PS_FTVIA_CLS : PS_FTVIA_SELF;
      const char *cq = qualify(c, c->raw->classes.items[fn->self_cls].local);
      const char *d2 = strchr(rest, '.');
      if (!d2) return cat(c->arena, cq, ".", rest);
      /* self.a.b: b of the object self.a holds, when a method of the
       * class assigns it a constructor call (self.a = Index()). */
      if (strchr(d2 + 1, '.')) return NULL;
      const char *ctor = attr_ctor(c, fn->self_cls, rest, (size_t)(d2 - rest));
      const char *recv;
      const char *cls = ctor ? resolve_callee(c, -1, ctor, &recv, 1) : NULL;
      return cls ? cat(c->arena, cls, "", d2) : NULL;
    }
  }
  const char *q;
  bool own_class;
  int h = head_of(c, func, ref, hn, &q, &own_class);
  if ((h == 3 || h == 2) && c->depth < 4) {
    /* l = self._pending; l.pop(): the alias names what it was bound to.
     * names = _get_names(): what that function (of this file) returns. */
    const char *target = NULL;
    int32_t tf = func;
    if (h == 3) {
      target = q;
    } else {
      const char *recv;
      const char *callee = resolve_callee(c, func, q, &recv, 1);
      int32_t g = callee ? own_func(c, callee) : -1;
      if (g >= 0 && c->raw->funcs.items[g].returns && *c->raw->funcs.items[g].returns)
        target = c->raw->funcs.items[g].returns, tf = g;
    }
    if (!target) return NULL;
    c->depth++;
    const char *k = resolve_ref(c, tf, rest ? cat(c->arena, target, ".", rest) : target, via);
    c->depth--;
    return k;
  }
  if (h != 1) return NULL;
  if (!rest) {
    *via = PS_FTVIA_NAME;
    return q;
  }
  if (own_class) {
    if (strchr(rest, '.')) return NULL;
    *via = PS_FTVIA_CLASS;
    return cat(c->arena, q, ".", rest);
  }
  /* Through an import: a module's attribute or a class's. */
  const PsBinding *b = module_binding(c->s, ref, hn);
  bool imported = b && (b->kind == PS_BIND_IMPORT || relative_import(c, ref, hn));
  if (!imported) return NULL; /* an attribute of a module-level object */
  *via = PS_FTVIA_MODULE;
  return cat(c->arena, q, ".", rest);
}

/* What a callee (or a callable handed on) stands for: a qualified name, or
 * NULL. *recv gets the key of the object a method is called on, when known. */
static const char *resolve_callee_raw(Ctx *c, int32_t func, const char *callee, const char **recv, int depth) {
  *recv = NULL;
  if (!callee || depth > 3) return NULL;
  const char *last = strrchr(callee, '.');
  if (last) {
    uint8_t via;
    const char *obj = ps_arena_strndup(c->arena, callee, (size_t)(last - callee));
    const char *k = resolve_ref(c, func, obj, &via);
    if (k && (via == PS_FTVIA_SELF || via == PS_FTVIA_CLS)) {
      *recv = k;
      return NULL; /* self.x.m(): the method of whatever self.x holds */
    }
    if (k && via == PS_FTVIA_NAME) *recv = k;
  }
  const char *dot = strchr(callee, '.');
  size_t hn = dot ? (size_t)(dot - callee) : strlen(callee);
  if (func >= 0) {
    const PsFtRawFunc *fn = &c->raw->funcs.items[func];
    if (fn->self_name && fn->self_cls >= 0 && strlen(fn->self_name) == hn && !strncmp(fn->self_name, callee, hn)) {
      const char *cq = qualify(c, c->raw->classes.items[fn->self_cls].local);
      /* cls(): an instance of the class itself. */
      if (!dot) return (fn->flags & PS_FTF_CLASSMETHOD) ? cq : NULL;
      const char *d2 = strchr(dot + 1, '.');
      if (!d2) return cat(c->arena, cq, "", dot);
      if (strchr(d2 + 1, '.')) return NULL;
      const char *ctor = attr_ctor(c, fn->self_cls, dot + 1, (size_t)(d2 - dot - 1));
      const char *r2;
      const char *cls = ctor ? resolve_callee(c, -1, ctor, &r2, depth + 1) : NULL;
      return cls ? cat(c->arena, cls, "", d2) : NULL;
    }
  }
  const char *q;
  bool own_class;
  int h = head_of(c, func, callee, hn, &q, &own_class);
  if (h == 1 && !own_class) {
    /* `_start = _thread.start_new_thread` at module level: what it names. */
    const char *alias = module_alias(c, callee, hn);
    if (alias) {
      const char *r2;
      const char *t = resolve_callee(c, -1, alias, &r2, depth + 1);
      if (t) return dot ? cat(c->arena, t, "", dot) : t;
    }
  }
  if (h == 1 && dot && !own_class) {
    /* _inst = Ctor() at module level; _inst.m(): Ctor's m. */
    const PsBinding *b = module_binding(c->s, callee, hn);
    if (b && b->kind == PS_BIND_CALL && b->target && (func < 0 || !is_local_in(c, func, callee, hn))) {
      const char *r2;
      const char *ctor = resolve_callee(c, -1, b->target, &r2, depth + 1);
      if (ctor) return cat(c->arena, ctor, "", dot);
    }
  }
  if (h == 1) return dot ? cat(c->arena, q, "", dot) : q;
  if (h == 3 && c->depth < 4) {
    /* An alias of another name: its callee through that name. */
    c->depth++;
    const char *r2;
    const char *t = resolve_callee(c, func, dot ? cat(c->arena, q, "", dot) : q, &r2, depth + 1);
    c->depth--;
    if (t) return t;
  }
  if (h == 2 && dot) {
    /* x = Ctor(); x.m(): Ctor's m. */
    const char *r2;
    const char *ctor = resolve_callee(c, func, q, &r2, depth + 1);
    if (!ctor) ctor = q;
    return cat(c->arena, ctor, "", dot);
  }
  return NULL;
}

static uint8_t markers_at(Ctx *c, uint32_t line, const char **guard) {
  for (size_t i = 0; i < c->raw->markers.size; i++)
    if (c->raw->markers.items[i].line == line) {
      *guard = c->raw->markers.items[i].guard;
      return c->raw->markers.items[i].markers;
    }
  return 0;
}

/* The code between two offsets as one short line: whitespace runs
 * collapsed, cut at about 72 bytes (on a character boundary) with "...". */
static const char *shown(Ctx *c, uint32_t start, uint32_t end) {
  char buf[96];
  size_t n = 0;
  bool space = false, cut = false;
  for (uint32_t i = start; i < end && i < c->src->len; i++) {
    unsigned char ch = (unsigned char)c->src->text[i];
    if (ch == '\n' || ch == '\r' || ch == ' ' || ch == '\t' || ch == '\\') {
      space = n > 0;
      continue;
    }
    if (space && n < 80) buf[n++] = ' ';
    space = false;
    if (n >= 72 && (ch & 0xC0) != 0x80) {
      cut = true;
      break;
    }
    buf[n++] = (char)ch;
  }
  if (cut) memcpy(buf + n, "...", 3), n += 3;
  return ps_facts_strn(c->f, buf, n);
}

/* Memoised: a function names the same objects and callees many times. */
static const char *resolve_ref(Ctx *c, int32_t func, const char *ref, uint8_t *via) {
  char buf[600];
  size_t kl = func_key(buf, sizeof buf, func, ref, strlen(ref));
  uint64_t v;
  if (kl && ps_strmap_find(&c->memo_ref, buf, kl, &v)) {
    const Resolved *m = (const Resolved *)(uintptr_t)v;
    *via = m->via;
    return m->key;
  }
  Resolved *m = ps_arena_alloc(c->arena, sizeof *m);
  m->via = 0;
  m->recv = NULL;
  if (c->nesting > 12) return NULL; /* a cycle of aliases and calls (x = x.next()) */
  c->nesting++;
  m->key = resolve_ref_raw(c, func, ref, &m->via);
  c->nesting--;
  if (kl) ps_strmap_put(&c->memo_ref, ps_arena_strndup(c->arena, buf, kl), (uint64_t)(uintptr_t)m, false);
  *via = m->via;
  return m->key;
}

static const char *resolve_callee(Ctx *c, int32_t func, const char *callee, const char **recv, int depth) {
  if (!callee) return *recv = NULL, NULL;
  char buf[600];
  size_t kl = depth ? 0 : func_key(buf, sizeof buf, func, callee, strlen(callee));
  uint64_t v;
  if (kl && ps_strmap_find(&c->memo_callee, buf, kl, &v)) {
    const Resolved *m = (const Resolved *)(uintptr_t)v;
    *recv = m->recv;
    return m->key;
  }
  const char *r = NULL;
  if (c->nesting > 12) return *recv = NULL, NULL;
  c->nesting++;
  const char *key = resolve_callee_raw(c, func, callee, &r, depth);
  c->nesting--;
  *recv = r;
  if (kl) {
    Resolved *m = ps_arena_alloc(c->arena, sizeof *m);
    *m = (Resolved){key, r, 0};
    ps_strmap_put(&c->memo_callee, ps_arena_strndup(c->arena, buf, kl), (uint64_t)(uintptr_t)m, false);
  }
  return key;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* The lock set of raw lock node x (memoised in sets[]). */
static uint32_t lockset(Ctx *c, uint32_t x, uint32_t *sets) {
  if (!x) return 0;
  if (sets[x]) return sets[x];
  const char *keys[32];
  size_t n = 0;
  for (uint32_t y = x; y && n < 32; y = c->raw->lock_nodes.items[y].parent) {
    const PsFtLockNode *ln = &c->raw->lock_nodes.items[y];
    uint8_t via;
    const char *k = NULL;
    size_t tl = strlen(ln->text);
    if (tl > 2 && !strcmp(ln->text + tl - 2, "()")) {
      /* _acquireLock() ... _releaseLock(): a lock held by a function pair;
       * "@Guard()": `with Guard(...)`, a lock if Guard's __enter__ takes one. */
      bool with = ln->text[0] == '@';
      const char *recv;
      const char *t = resolve_callee(c, ln->func, ps_arena_strndup(c->arena, ln->text + with, tl - 2 - with), &recv, 0);
      k = cat(c->arena, with ? "with:" : "call:", "", t ? t : ln->text);
    } else {
      k = resolve_ref(c, ln->func, ln->text, &via);
    }
    if (!k) k = cat(c->arena, qualify(c, c->raw->funcs.items[ln->func].local), ":", ln->text);
    k = ps_facts_str(c->f, k);
    bool dup = false;
    for (size_t i = 0; i < n && !dup; i++) dup = keys[i] == k;
    if (!dup) keys[n++] = k;
  }
  qsort(keys, n, sizeof *keys, cmp_str);
  /* Reuse an equal set. */
  PsFtFacts *o = c->out;
  for (size_t i = 1; i < o->locksets.size; i++) {
    const PsFtLockSet *ls = &o->locksets.items[i];
    if (ls->n != n) continue;
    bool eq = true;
    for (size_t k = 0; k < n && eq; k++) eq = o->lock_keys.items[ls->first + k] == keys[k];
    if (eq) return sets[x] = (uint32_t)i;
  }
  PsFtLockSet ls = {(uint32_t)o->lock_keys.size, (uint32_t)n};
  for (size_t k = 0; k < n; k++) array_push(&o->lock_keys, keys[k]);
  array_push(&o->locksets, ls);
  return sets[x] = (uint32_t)o->locksets.size - 1;
}

/* ---- collections of callables ---------------------------------------------------- */

/* A callable of a collection, as written, and the function it is written
 * in (-1: module level). */
typedef struct Alt {
  const char *text;
  int32_t func;
  uint8_t how;
} Alt;
enum { MAX_ALTS = 32 };

static size_t seq_alts(const Ctx *c, const PsFtRawSeq *q, int32_t func, Alt *out, size_t n) {
  for (uint32_t k = 0; k < q->n && n < MAX_ALTS; k++) {
    const PsFtRawArg *e = &c->raw->seq_elems.items[q->first + k];
    out[n++] = (Alt){e->text, func, e->how};
  }
  return n;
}

/* The callables of the collection literal bound to `name` where func sees
 * it: in func, an enclosing function or at module level (every binding of
 * the name there to a literal; none when the name is bound to anything
 * else in a function first). A dict's values only for `values`. */
static size_t named_seq(Ctx *c, int32_t func, const char *name, size_t nl, bool values, Alt *out) {
  for (int32_t f = func;; f = c->raw->funcs.items[f].parent) {
    size_t n = 0;
    bool any = false;
    for (size_t i = 0; i < c->raw->seqs.size; i++) {
      const PsFtRawSeq *q = &c->raw->seqs.items[i];
      if (q->loop || q->func != f || strlen(q->name) != nl || strncmp(q->name, name, nl)) continue;
      if (q->dict && !values) return 0; /* iterating a dict: its keys */
      any = true;
      n = seq_alts(c, q, f, out, n);
    }
    if (any) return n;
    if (f < 0 || is_local_in(c, f, name, nl)) return 0;
  }
}

/* The callables a name written in func at byte `at` stands for: a loop
 * variable over a collection of callables (the loop around `at`), a map's
 * lambda parameter, or (`name[]`, from `name[k]`) an element of a named
 * collection. *loop: the name is the variable of a loop around `at`. */
static size_t callables_of(Ctx *c, int32_t func, const char *text, uint32_t at, Alt *out, bool *loop) {
  *loop = false;
  size_t tl = strlen(text);
  bool sub = tl > 2 && !strcmp(text + tl - 2, "[]");
  if (!c->raw->seqs.size || !ps_strmap_find(&c->seq_names, text, sub ? tl - 2 : tl, NULL)) return 0;
  if (sub) return named_seq(c, func, text, tl - 2, true, out);
  if (strchr(text, '.')) return 0;
  for (size_t i = c->raw->seqs.size; i-- > 0;) {
    const PsFtRawSeq *q = &c->raw->seqs.items[i];
    if (!q->loop || strcmp(q->name, text)) continue;
    if (q->lambda) {
      if (func < 0 || strcmp(c->raw->funcs.items[func].local, q->lambda)) continue;
    } else {
      if (q->func != func || at < q->start || at >= q->end) continue;
      *loop = true;
    }
    if (q->n) return seq_alts(c, q, q->func, out, 0);
    return q->of ? named_seq(c, q->func, q->of, strlen(q->of), q->values, out) : 0;
  }
  return 0;
}

/* The qualified name of a collection's callable, or NULL. */
static const char *alt_target(Ctx *c, const Alt *a) {
  if (a->how == PS_FTARG_LAMBDA) return qualify(c, a->text);
  const char *ar;
  return resolve_callee(c, a->func, a->text, &ar, 0);
}

/* ---- the facts ------------------------------------------------------------------- */

void ps_ft__copy_facts(const PsSummary *s, const PsSource *src, PsArena *arena, PsFileFacts *f) {
  const PsFtRaw *r = s->ft;
  PsFtFacts *o = f->ft = ps_xcalloc(1, sizeof *o);
  if (!r) return;
  Ctx c = {s, r, src, arena, f, o, {0}, {0}, {0}, {0}, {0}, {0}, {0}, 0, 0};
  build_maps(&c);
  array_push(&o->locksets, ((PsFtLockSet){0, 0}));
  for (size_t i = 0; i < r->classes.size; i++) {
    const PsFtRawClass *rc = &r->classes.items[i];
    PsBuf b = PS_BUF_INIT;
    for (const char *p = rc->bases; *p;) {
      const char *e = strchr(p, ',');
      size_t n = e ? (size_t)(e - p) : strlen(p);
      bool meta = *p == '=';
      const char *base = ps_arena_strndup(arena, p + meta, n - meta);
      const char *recv;
      const char *q = resolve_callee(&c, rc->func, base, &recv, 0);
      ps_buf_printf(&b, "%s%s%s", b.len ? "," : "", meta ? "=" : "", q ? q : base);
      p += n + (e ? 1 : 0);
    }
    PsFtClass oc = {qualify(&c, rc->local), ps_facts_strn(f, b.data ? b.data : "", b.len), ps_source_pos(src, rc->start)};
    ps_buf_free(&b);
    array_push(&o->classes, oc);
  }
  for (size_t i = 0; i < r->funcs.size; i++) {
    const PsFtRawFunc *rf = &r->funcs.items[i];
    /* A function nested in a method (a lambda handed to a pool) works on
     * the method's self: it belongs to the class too. */
    int32_t cl = rf->cls >= 0 ? rf->cls : rf->self_cls;
    PsFtFunc of = {qualify(&c, rf->local), cl >= 0 ? o->classes.items[cl].qualname : NULL, ps_source_pos(src, rf->start),
                   rf->flags};
    array_push(&o->funcs, of);
  }
  for (size_t i = 0; i < r->binds.size; i++) {
    const PsFtRawBind *b = &r->binds.items[i];
    const char *key;
    if (b->where == PS_FTW_MODULE) key = qualify(&c, b->name);
    else if (b->where == PS_FTW_LOCAL && b->value != PS_FTV_CALL) continue; /* aliases: resolution only */
    else if (b->where == PS_FTW_LOCAL) key = cat(arena, o->funcs.items[b->func].qualname, ":", b->name);
    else if (b->cls >= 0) key = cat(arena, o->classes.items[b->cls].qualname, ".", b->name);
    else continue;
    PsFtObject ob = {ps_facts_str(f, key), NULL, NULL, b->func >= 0 ? (uint32_t)b->func : UINT32_MAX,
                     ps_source_pos(src, b->start), b->where, b->value, 0};
    if (b->ctor) {
      const char *recv;
      int32_t scope_func = b->func;
      if (b->where == PS_FTW_CLASS) scope_func = r->classes.items[b->cls].func;
      const char *q = NULL;
      if (b->value == PS_FTV_ALIAS) {
        /* `seed = _inst.seed`: the object and the name (an exported bound method). */
        const char *dot = strrchr(b->ctor, '.');
        uint8_t via;
        const char *k = dot ? resolve_ref(&c, scope_func, ps_arena_strndup(arena, b->ctor, (size_t)(dot - b->ctor)), &via) : NULL;
        q = k ? cat(arena, k, "", dot) : NULL;
      } else {
        q = resolve_callee(&c, scope_func, b->ctor, &recv, 0);
      }
      ob.ctor = ps_facts_str(f, q ? q : b->ctor);
    }
    const char *guard = NULL;
    ob.markers = markers_at(&c, ob.pos.line, &guard) | (b->escapes ? PS_FTM_ESCAPES : 0) | (b->locked ? PS_FTM_LOCKED : 0);
    ob.guard = ps_facts_str(f, guard);
    array_push(&o->objects, ob);
  }
  uint32_t *sets = ps_xcalloc(r->lock_nodes.size + 1, sizeof(uint32_t));
  int32_t *map = ps_xmalloc((r->accesses.size + 1) * sizeof(int32_t));
  for (size_t i = 0; i < r->accesses.size; i++) {
    const PsFtRawAccess *a = &r->accesses.items[i];
    map[i] = -1;
    uint8_t via = 0;
    const char *key = resolve_ref(&c, a->func, a->ref, &via);
    if (!key) continue;
    /* An object under construction is not shared yet (RacerD's ownership). */
    if (via == PS_FTVIA_SELF && (r->funcs.items[a->func].flags & PS_FTF_INIT)) continue;
    const char *name = a->name;
    uint8_t kind = a->kind, flags = a->flags, value = a->value;
    if (kind == PS_FTA_ITEM_STORE && value == PS_FTV_ALIAS && name && !strchr(name, '.')) {
      /* c[k] = x, x made by a call before (`tile = Tile(...)`): what the
       * cache receives is what the call made (an instance keeps its
       * identity: races.c, identity_fill). */
      const PsFtRawBind *b = last_local(&c, a->func, name, a->start);
      if (b && b->value == PS_FTV_CALL && b->ctor) name = b->ctor, value = PS_FTV_CALL;
    }
    if (kind == PS_FTA_WRITE || kind == PS_FTA_ITEM_STORE) {
      if (value == PS_FTV_CALL && name) {
        const char *recv;
        const char *t = resolve_callee(&c, a->func, name, &recv, 0);
        name = t ? t : name;
      } else if (kind == PS_FTA_WRITE && a->value == PS_FTV_ALIAS && name && restores(&c, a->func, a->ref, name)) {
        kind = PS_FTA_RMW; /* X = old, where old = X earlier: a read-modify-write through a saved copy */
        flags |= PS_FTX_SAVED;
        name = NULL;
      } else {
        name = NULL;
      }
    }
    PsFtAccess oa = {ps_facts_str(f, key), shown(&c, a->shown_start, a->shown_end), ps_facts_str(f, name),
                     (uint32_t)a->func, lockset(&c, a->locks, sets),
                     -1, ps_source_pos(src, a->start), ps_source_pos(src, a->end), kind, via, flags, value, a->inverted};
    map[i] = (int32_t)o->accesses.size;
    array_push(&o->accesses, oa);
  }
  for (size_t i = 0; i < r->accesses.size; i++) {
    const PsFtRawAccess *a = &r->accesses.items[i];
    if (map[i] >= 0 && a->check >= 0 && map[a->check] >= 0) o->accesses.items[map[i]].check = map[a->check];
  }
  free(map);
  for (size_t i = 0; i < r->calls.size; i++) {
    const PsFtRawCall *rc = &r->calls.items[i];
    const char *recv = NULL, *target = NULL;
    uint8_t flags = rc->flags;
    const char *last = strrchr(rc->callee, '.');
    /* A callee or thread target naming a collection of callables (a loop
     * variable over one, a map's lambda parameter, targets[0]) stands for
     * each of them: one call per callable. */
    Alt alts[MAX_ALTS];
    size_t n_alts = 0;
    bool alt_loop = false;
    if (rc->flags & PS_FTC_SUPER) {
      const PsFtRawFunc *fn = rc->func >= 0 ? &r->funcs.items[rc->func] : NULL;
      if (fn && fn->self_cls >= 0)
        target = cat(arena, o->classes.items[fn->self_cls].qualname, ".", rc->callee);
    } else if (!(rc->flags & PS_FTC_IMPLICIT) && !strchr(rc->callee, '.') &&
               (n_alts = callables_of(&c, rc->func, rc->callee, rc->start, alts, &alt_loop))) {
      /* `for f in fns: f()`: each of fns (below). */
    } else {
      target = resolve_callee(&c, rc->func, rc->callee, &recv, 0);
      if (target && rc->func >= 0) {
        const PsFtRawFunc *fn = &r->funcs.items[rc->func];
        size_t hn = strcspn(rc->callee, ".");
        if (fn->self_name && strlen(fn->self_name) == hn && !strncmp(fn->self_name, rc->callee, hn)) flags |= PS_FTC_SELF;
      }
    }
    if (!target && !recv && !n_alts && last && !(rc->flags & PS_FTC_IMPLICIT) && strchr(rc->callee, '.') == last &&
        is_param(&c, rc->func, rc->callee, (size_t)(last - rc->callee)))
      target = ps_arena_sprintf(arena, "?%s", last + 1); /* p.m() on a parameter: the method by name */
    int32_t alt_arg = -1; /* the argument that names them; -1 with n_alts: the callee */
    size_t first = o->args.size;
    for (uint32_t k = 0; k < rc->n_args; k++) {
      const PsFtRawArg *ra = &r->args.items[rc->first_arg + k];
      const char *t = NULL, *ar;
      uint8_t how = ra->how;
      if (how == PS_FTARG_FUNC && !n_alts && (ps_str_ends_with(ra->text, "[]") || !strchr(ra->text, '.'))) {
        n_alts = callables_of(&c, rc->func, ra->text, rc->start, alts, &alt_loop);
        if (n_alts) {
          alt_arg = (int32_t)k;
          continue;
        }
        if (ps_str_ends_with(ra->text, "[]")) continue;
      }
      if (how == PS_FTARG_LAMBDA) t = qualify(&c, ra->text);
      else if (how == PS_FTARG_VALUE) t = value_class(&c, rc->func, ra->text);
      else t = resolve_callee(&c, rc->func, ra->text, &ar, 0);
      if (!t && how == PS_FTARG_BOUND) {
        /* p.m with p of unknown type (a parameter): the method by name. */
        const char *d = strchr(ra->text, '.');
        if (d && !strchr(d + 1, '.') && is_param(&c, rc->func, ra->text, (size_t)(d - ra->text)))
          t = ps_arena_sprintf(arena, "?%s", d + 1), how = PS_FTARG_METHOD;
      }
      if (!t && how == PS_FTARG_FUNC && !ra->kw && ra->index >= 0) {
        t = value_class(&c, rc->func, ra->text); /* submit(fn, obj): obj handed to the thread */
        if (t) how = PS_FTARG_VALUE;
      }
      if (!t) continue;
      PsFtArg oa = {ps_facts_str(f, ra->kw), ps_facts_str(f, t), ra->index, how};
      array_push(&o->args, oa);
    }
    size_t na = o->args.size - first;
    uint32_t ls = lockset(&c, rc->locks, sets);
    if (n_alts) {
      /* The loop over the collection is not one that starts a callable
       * several times. */
      if (alt_loop && rc->loops <= 1) flags &= (uint8_t)~PS_FTC_IN_LOOP;
      bool pushed = false;
      for (size_t k = 0; k < n_alts; k++) {
        const char *t = alt_target(&c, &alts[k]);
        if (!t) continue;
        size_t at = first;
        if (alt_arg >= 0) {
          const PsFtRawArg *ra = &r->args.items[rc->first_arg + (uint32_t)alt_arg];
          if (pushed) {
            at = o->args.size;
            for (size_t j = 0; j < na; j++) {
              PsFtArg copy = o->args.items[first + j];
              array_push(&o->args, copy);
            }
          }
          PsFtArg oa = {ps_facts_str(f, ra->kw), ps_facts_str(f, t), ra->index, alts[k].how};
          array_push(&o->args, oa);
        }
        PsFtCall oc = {alt_arg >= 0 ? ps_facts_str(f, target) : ps_facts_str(f, t), ps_facts_str(f, recv),
                       ps_facts_str(f, last ? last + 1 : rc->callee), rc->func >= 0 ? (uint32_t)rc->func : UINT32_MAX, ls,
                       (uint32_t)at, (uint32_t)(alt_arg >= 0 ? na + 1 : na), ps_source_pos(src, rc->start),
                       ps_source_pos(src, rc->end), flags};
        array_push(&o->calls, oc);
        pushed = true;
      }
      if (pushed) continue;
    }
    if (!target && !recv && !na) continue;
    /* One edge per caller, callee, lock set and kind is all the call graph
     * reads: repeated calls (self._check() ten times) are kept once. */
    if (!na) {
      char buf[700];
      size_t kl = func_key(buf, sizeof buf - 8, rc->func, "", 0);
      buf[kl++] = (char)(flags + 1);
      buf[kl++] = (char)(1 + (ls & 0x7f));
      buf[kl++] = (char)(1 + ((ls >> 7) & 0x7f));
      buf[kl] = '\0';
      if (kl && key_put(buf, sizeof buf, &kl, target) && key_put(buf, sizeof buf, &kl, recv) &&
          key_put(buf, sizeof buf, &kl, last ? last + 1 : rc->callee)) {
        if (ps_strmap_find(&c.memo_call, buf, kl, NULL)) continue;
        ps_strmap_put(&c.memo_call, ps_arena_strndup(arena, buf, kl), 1, false);
      }
    }
    PsFtCall oc = {ps_facts_str(f, target), ps_facts_str(f, recv), ps_facts_str(f, last ? last + 1 : rc->callee),
                   rc->func >= 0 ? (uint32_t)rc->func : UINT32_MAX, ls, (uint32_t)first,
                   (uint32_t)na, ps_source_pos(src, rc->start), ps_source_pos(src, rc->end), flags};
    array_push(&o->calls, oc);
  }
  free(sets);
  ps_strmap_free(&c.funcs);
  ps_strmap_free(&c.seq_names);
  ps_strmap_free(&c.locals);
  ps_strmap_free(&c.aliases);
  ps_strmap_free(&c.memo_ref);
  ps_strmap_free(&c.memo_callee);
  ps_strmap_free(&c.memo_call);
}
