/* walk_ft_visit.c: the free-threading walk's visitor of each node kind
 * (ps_ft_walk__node dispatches): definitions, with and try statements,
 * calls (thread entries, arguments), subscripts, assignments, deletes,
 * loops, comparisons and truth tests, global/nonlocal, markers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/walk_ft_internal.h"

/* ---- node handlers ------------------------------------------------------------ */

/* The name a def or class statement binds (*t, *len bytes of the text),
 * qualified by the scope it is in ("C.m", "f.g"); NULL without one. */
static const char *local_name(PsFtWalker *w, TSNode n, const char *scope, const char **t, uint32_t *len) {
  TSNode name = ts_node_child_by_field_id(n, w->f_name);
  if (ts_node_is_null(name)) return NULL;
  *t = ftw_text_of(w, name, len);
  return *scope ? ps_arena_sprintf(w->arena, "%s.%.*s", scope, (int)*len, *t) : ps_arena_strndup(w->arena, *t, *len);
}

static void visit_func(PsFtWalker *w, TSNode n, const TSNode *path, size_t depth) {
  PsFtRaw *r = w->raw;
  const char *scope = ftw_cur_scope(w);
  const char *t;
  uint32_t len;
  const char *local = local_name(w, n, scope, &t, &len);
  if (!local) return;
  int32_t parent = ftw_cur_func(w), cls = ftw_cur_class_body(w);
  PsFtRawFunc fn = {0};
  fn.local = local;
  fn.scope = fn.local;
  fn.parent = parent;
  fn.cls = cls;
  fn.self_cls = -1;
  fn.start = ts_node_start_byte(n);
  if (cls >= 0) fn.flags |= PS_FTF_METHOD;
  if (parent >= 0) fn.flags |= PS_FTF_NESTED;
  static const char *const INIT[] = {"__init__", "__new__", "__post_init__", "__init_subclass__", "__set_name__",
                                     "setUp", "__del__", NULL};
  for (const char *const *p = INIT; *p; p++)
    if (len == strlen(*p) && !memcmp(t, *p, len)) fn.flags |= PS_FTF_INIT;
  /* Implicit class methods: their first parameter is the class. */
  static const char *const IMPLICIT_CLS[] = {"__new__", "__init_subclass__", "__class_getitem__", NULL};
  for (const char *const *p = IMPLICIT_CLS; *p && cls >= 0; p++)
    if (len == strlen(*p) && !memcmp(t, *p, len)) fn.flags |= PS_FTF_CLASSMETHOD;
  fn.first_bind = (uint32_t)r->binds.size;
  fn.local_calls = -1;
  TSNode dec = ftw_parent_of(path, depth, 0);
  if (!ts_node_is_null(dec) && ts_node_symbol(dec) == w->s_decorated) {
    uint32_t nc = ts_node_named_child_count(dec);
    for (uint32_t i = 0; i < nc; i++) {
      TSNode d = ts_node_named_child(dec, i);
      if (ts_node_symbol(d) != w->s_decorator || !ts_node_named_child_count(d)) continue;
      TSNode e = ts_node_named_child(d, 0);
      bool called = ts_node_symbol(e) == w->s_call;
      if (called) e = ts_node_child_by_field_id(e, w->f_function);
      const char *dt = ftw_chain(w, e);
      if (!dt) continue;
      if (!called) {
        /* `@register`: the decorator runs once, at definition. */
        PsFtRawCall c = {dt, parent, 0, ts_node_start_byte(e), ts_node_end_byte(e), (uint32_t)r->args.size, 0,
                         PS_FTC_DECORATOR, 0};
        array_push(&r->calls, c);
      }
      const char *last = strrchr(dt, '.');
      last = last ? last + 1 : dt;
      if (!strcmp(last, "lru_cache") || !strcmp(last, "cache")) fn.flags |= PS_FTF_CACHED;
      else if (!strcmp(last, "staticmethod")) fn.flags |= PS_FTF_STATIC;
      else if (!strcmp(last, "classmethod")) fn.flags |= PS_FTF_CLASSMETHOD;
      else if (strcmp(last, "property") && strcmp(last, "setter") && strcmp(last, "abstractmethod") &&
               strcmp(last, "override") && strcmp(last, "wraps"))
        fn.flags |= PS_FTF_DECORATED;
    }
  }
  if (cls >= 0 && !(fn.flags & PS_FTF_STATIC)) {
    TSNode params = ts_node_child_by_field_id(n, w->f_parameters);
    if (!ts_node_is_null(params) && ts_node_named_child_count(params)) {
      TSNode p0 = ts_node_named_child(params, 0);
      TSSymbol ps = ts_node_symbol(p0);
      if (ps == w->s_typed_parameter && ts_node_named_child_count(p0)) p0 = ts_node_named_child(p0, 0);
      if (ts_node_symbol(p0) == w->s_identifier) {
        fn.self_name = ftw_chain(w, p0);
        fn.self_cls = cls;
      }
    }
  } else if (parent >= 0) {
    /* A function nested in a method sees its `self` (a closure). */
    const PsFtRawFunc *pf = &r->funcs.items[parent];
    fn.self_name = pf->self_name;
    fn.self_cls = pf->self_cls;
    fn.flags |= pf->flags & PS_FTF_CLASSMETHOD; /* self_name stands for the class then */
  }
  int32_t idx = (int32_t)r->funcs.size;
  array_push(&r->funcs, fn);
  /* Parameters (but self): p.m() on one is a method we may know by name. */
  TSNode params = ts_node_child_by_field_id(n, w->f_parameters);
  size_t np = ts_node_is_null(params) ? 0 : ftw_named_children(w, params, 12);
  for (size_t i = 0; i < np; i++) {
    TSNode p = w->kids.items[i];
    if (ts_node_symbol(p) != w->s_identifier && ts_node_named_child_count(p)) p = ts_node_named_child(p, 0);
    if (ts_node_symbol(p) != w->s_identifier) continue;
    const char *pn = ftw_chain(w, p);
    if (pn && (!fn.self_name || strcmp(pn, fn.self_name))) array_push(&r->params, ((PsFtRawDecl){pn, idx, false}));
  }
  ftw_push_frame(w, ts_node_start_byte(n), ts_node_end_byte(n), FR_FUNC, idx);
}

static void visit_lambda(PsFtWalker *w, TSNode n) {
  PsFtRaw *r = w->raw;
  const char *scope = ftw_cur_scope(w);
  int32_t parent = ftw_cur_func(w);
  PsFtRawFunc fn = {0};
  unsigned line = ts_node_start_point(n).row + 1;
  fn.local = *scope ? ps_arena_sprintf(w->arena, "%s.<lambda:%u>", scope, line) : ps_arena_sprintf(w->arena, "<lambda:%u>", line);
  fn.scope = *scope ? scope : "";
  /* Names in a lambda are looked up in the enclosing def's scope. */
  if (parent >= 0) fn.scope = r->funcs.items[parent].scope;
  fn.parent = parent;
  fn.cls = -1;
  fn.self_cls = -1;
  fn.start = ts_node_start_byte(n);
  fn.flags = PS_FTF_LAMBDA | (parent >= 0 ? PS_FTF_NESTED : 0);
  fn.first_bind = (uint32_t)r->binds.size;
  fn.local_calls = -1;
  if (parent >= 0) {
    fn.self_name = r->funcs.items[parent].self_name;
    fn.self_cls = r->funcs.items[parent].self_cls;
  }
  int32_t idx = (int32_t)r->funcs.size;
  array_push(&r->funcs, fn);
  TSNode params = ts_node_child_by_field_id(n, w->f_parameters);
  if (!ts_node_is_null(params)) {
    uint32_t np = ts_node_named_child_count(params);
    for (uint32_t i = 0; i < np; i++) {
      TSNode p = ts_node_named_child(params, i);
      if (ts_node_symbol(p) != w->s_identifier) p = ts_node_named_child(p, 0);
      const char *nm = ftw_chain(w, p);
      if (nm) array_push(&r->locals, ((PsFtRawDecl){nm, idx, false}));
    }
  }
  ftw_push_frame(w, ts_node_start_byte(n), ts_node_end_byte(n), FR_FUNC, idx);
}

static void visit_class(PsFtWalker *w, TSNode n) {
  PsFtRaw *r = w->raw;
  const char *scope = ftw_cur_scope(w);
  const char *t;
  uint32_t len;
  const char *local = local_name(w, n, scope, &t, &len);
  if (!local) return;
  PsFtRawClass c = {0};
  c.local = local;
  c.scope = scope;
  c.func = ftw_cur_func(w);
  c.start = ts_node_start_byte(n);
  c.bases = "";
  TSNode sup = ts_node_child_by_field_id(n, w->f_superclasses);
  if (!ts_node_is_null(sup)) {
    PsBuf b = PS_BUF_INIT;
    uint32_t nb = ts_node_named_child_count(sup);
    for (uint32_t i = 0; i < nb; i++) {
      TSNode bn = ts_node_named_child(sup, i);
      if (ts_node_symbol(bn) == w->s_keyword_argument) {
        /* metaclass=M: recorded as the base "=M". */
        TSNode kn = ts_node_child_by_field_id(bn, w->f_name);
        const char *mv = ftw_text_eq(w, kn, "metaclass") ? ftw_chain(w, ts_node_child_by_field_id(bn, w->f_value)) : NULL;
        if (mv) ps_buf_printf(&b, "%s=%s", b.len ? "," : "", mv);
        continue;
      }
      const char *base = ftw_chain(w, bn);
      if (base) ps_buf_printf(&b, "%s%s", b.len ? "," : "", base);
    }
    if (b.len) c.bases = ps_arena_strndup(w->arena, b.data, b.len);
    ps_buf_free(&b);
  }
  int32_t idx = (int32_t)r->classes.size;
  array_push(&r->classes, c);
  ftw_push_frame(w, ts_node_start_byte(n), ts_node_end_byte(n), FR_CLASS, idx);
}

/* What an except clause catches: PS_FTX_EAFP for a lookup failure (the
 * EAFP idiom: try d[k] except KeyError), PS_FTX_EAFP_ITER for a
 * RuntimeError ("changed size during iteration"); both for `except:` and
 * `except Exception`. */
static uint8_t catches(PsFtWalker *w, TSNode except) {
  uint32_t len;
  const char *t = ftw_text_of(w, except, &len);
  const char *colon = memchr(t, ':', len);
  if (!colon) return 0;
  size_t hl = (size_t)(colon - t);
  char head[512];
  snprintf(head, sizeof head, "%.*s", (int)(hl < 511 ? hl : 511), t);
  if (!strcmp(head, "except") || strstr(head, "Exception")) return PS_FTX_EAFP | PS_FTX_EAFP_ITER;
  uint8_t f = 0;
  if (strstr(head, "KeyError") || strstr(head, "IndexError") || strstr(head, "LookupError") || strstr(head, "ValueError"))
    f |= PS_FTX_EAFP;
  if (strstr(head, "RuntimeError")) f |= PS_FTX_EAFP_ITER;
  return f;
}

static void visit_try(PsFtWalker *w, TSNode n) {
  uint32_t nc = ts_node_named_child_count(n);
  uint8_t f = 0;
  for (uint32_t i = 0; i < nc; i++) {
    TSNode c = ts_node_named_child(n, i);
    if (ts_node_symbol(c) == w->s_except) f |= catches(w, c);
  }
  TSNode body = ts_node_child_by_field_id(n, w->f_body);
  if (f && !ts_node_is_null(body)) ftw_push_frame(w, ts_node_start_byte(body), ts_node_end_byte(body), FR_EAFP, f);
}

/* An ownership token taken in a with body (posthog's `_run_lifecycle`):
 *
 *     with self._cond:
 *         if self._owner is not None:   # or `if self._owner:`
 *             ...; return               # (or continue, break, raise)
 *         self._owner = current_thread()
 *     try: ...                          # one thread at a time
 *
 * Under the lock a thread leaves while the token is set, then sets it: the
 * statement after the with runs in one token holder at a time, like a lock
 * (until the token is cleared). The token's chain ("self._owner"), or NULL. */
static const char *token_taken(PsFtWalker *w, TSNode body) {
  if (ts_node_is_null(body) || ts_node_symbol(body) != w->s_block) return NULL;
  const char *tested = NULL;
  uint32_t nc = ts_node_named_child_count(body);
  for (uint32_t i = 0; i < nc && i < 32; i++) {
    TSNode st = ts_node_named_child(body, i);
    TSSymbol s = ts_node_symbol(st);
    if (s == w->s_if && !tested) {
      TSNode cond = ts_node_child_by_field_id(st, w->f_condition), cons = ts_node_child_by_field_id(st, w->f_consequence);
      if (ts_node_is_null(cond) || ts_node_is_null(cons) || ts_node_named_child_count(st) != 2) continue;
      uint32_t len;
      const char *ct = ftw_text_of(w, cond, &len);
      TSNode x = cond;
      if (ts_node_symbol(cond) == w->s_comparison) {
        if (ts_node_named_child_count(cond) != 2 || !ftw_text_eq(w, ts_node_named_child(cond, 1), "None") ||
            !ftw_find_bytes(ct, len, " is not ", 8))
          continue;
        x = ts_node_named_child(cond, 0);
      }
      if (!ftw_is_chain(w, x)) continue;
      const char *c = ftw_chain(w, x);
      uint32_t nb = ts_node_named_child_count(cons);
      if (!c || strncmp(c, "self.", 5) || !nb) continue;
      const char *ty = ts_node_type(ts_node_named_child(cons, nb - 1));
      if (strcmp(ty, "return_statement") && strcmp(ty, "continue_statement") && strcmp(ty, "break_statement") &&
          strcmp(ty, "raise_statement"))
        continue;
      tested = c;
    } else if (s == w->s_expression_statement && tested && ts_node_named_child_count(st) == 1) {
      TSNode as = ts_node_named_child(st, 0);
      if (ts_node_symbol(as) != w->s_assignment) continue;
      TSNode left = ts_node_child_by_field_id(as, w->f_left), right = ts_node_child_by_field_id(as, w->f_right);
      if (!ftw_is_chain(w, left) || ts_node_is_null(right) || strcmp(ftw_chain(w, left), tested)) continue;
      TSSymbol rs = ts_node_symbol(right);
      if (rs == w->s_none || rs == w->s_false) return NULL;
      return tested;
    }
  }
  return NULL;
}

static void visit_with(PsFtWalker *w, TSNode n) {
  TSNode body = ts_node_child_by_field_id(n, w->f_body);
  uint32_t body_start = ts_node_is_null(body) ? ts_node_end_byte(n) : ts_node_start_byte(body);
  /* The statement after the with holds a token taken in it: its lock node
   * is made before the with's own (which must not hold it), its frame goes
   * below the with's frames (it starts where they end). */
  const char *token = ftw_cur_func(w) >= 0 ? token_taken(w, body) : NULL;
  size_t base = w->frames.size;
  Frame tf = {0, 0, FR_LOCK, 0};
  if (token) {
    TSNode next = ts_node_next_named_sibling(n);
    while (!ts_node_is_null(next) && ts_node_symbol(next) == w->s_comment) next = ts_node_next_named_sibling(next);
    if (ts_node_is_null(next)) token = NULL;
    else {
      tf.start = ts_node_end_byte(n);
      tf.end = ts_node_end_byte(next);
      if (w->frames.size && array_last(&w->frames)->end < tf.end) tf.end = array_last(&w->frames)->end;
      tf.idx = (int32_t)ftw_add_lock(w, token);
    }
  }
  uint32_t nc = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < nc; i++) {
    TSNode clause = ts_node_named_child(n, i);
    if (ts_node_symbol(clause) != w->s_with_clause) continue;
    uint32_t ni = ts_node_named_child_count(clause);
    for (uint32_t k = 0; k < ni; k++) {
      TSNode item = ts_node_named_child(clause, k);
      if (ts_node_symbol(item) != w->s_with_item) continue;
      TSNode v = ts_node_child_by_field_id(item, w->f_value);
      TSNode alias = {0};
      if (!ts_node_is_null(v) && ts_node_symbol(v) == w->s_as_pattern) {
        alias = ts_node_child_by_field_id(v, w->f_alias);
        v = ts_node_named_child(v, 0);
      }
      if (ts_node_is_null(v)) continue;
      if (ftw_is_chain(w, v)) {
        const char *cv = ftw_chain(w, v);
        uint32_t node = ftw_add_lock(w, cv);
        /* `with lock:` on a local made by a call: used as a lock. */
        if (cv && !strchr(cv, '.') && ftw_cur_func(w) >= 0)
          for (int32_t bi = w->raw->funcs.items[ftw_cur_func(w)].local_calls; bi >= 0; bi = w->raw->binds.items[bi].next_local)
            if (!strcmp(w->raw->binds.items[bi].name, cv)) w->raw->binds.items[bi].locked = true;
        /* `with x:` runs x.__enter__() and x.__exit__(): calls, when x is
         * one of our objects (a lock's are nobody's concern). */
        if (cv && ftw_cur_func(w) >= 0) {
          for (int e = 0; e < 2; e++) {
            PsFtRawCall c = {ps_arena_sprintf(w->arena, "%s.%s", cv, e ? "__exit__" : "__enter__"), ftw_cur_func(w),
                             ftw_cur_locks_at(w, ts_node_start_byte(v)), ts_node_start_byte(v), ts_node_end_byte(v),
                             (uint32_t)w->raw->args.size, 0,
                             PS_FTC_IMPLICIT, 0};
            if (ftw_frame_in_func(w, FR_LOOP)) c.flags |= PS_FTC_IN_LOOP;
            array_push(&w->raw->calls, c);
          }
        }
        ftw_push_frame(w, body_start, ts_node_end_byte(n), FR_LOCK, (int32_t)node);
      } else if (ts_node_symbol(v) == w->s_call && ftw_cur_func(w) >= 0) {
        /* `with Guard(x):` holds a lock when Guard's __enter__ takes one
         * (decided in the join): the lock "@Guard()". */
        const char *cf = ftw_chain(w, ts_node_child_by_field_id(v, w->f_function));
        if (cf) {
          uint32_t node = ftw_add_lock(w, ps_arena_sprintf(w->arena, "@%s()", cf));
          ftw_push_frame(w, body_start, ts_node_end_byte(n), FR_LOCK, (int32_t)node);
        }
      }
      if (ts_node_symbol(v) == w->s_call && !ts_node_is_null(alias) && ftw_cur_func(w) >= 0) {
        /* `with ThreadPoolExecutor() as ex:` binds ex to an instance. */
        TSNode an = ts_node_named_child(alias, 0);
        if (!ts_node_is_null(an) && ts_node_symbol(an) == w->s_identifier)
          ftw_add_bind(w, PS_FTW_LOCAL, ftw_chain(w, an), -1, ftw_cur_func(w), v, ts_node_start_byte(an));
      }
    }
  }
  if (token) {
    array_push(&w->frames, tf);
    memmove(&w->frames.items[base + 1], &w->frames.items[base], (w->frames.size - 1 - base) * sizeof(Frame));
    w->frames.items[base] = tf;
  }
}

/* The lock that a call of `callee` takes, and the text of its release
 * call: `L.acquire` -> L, "L.release("; `_acquireLock` -> "_acquireLock()",
 * "_releaseLock(". False when callee acquires nothing. */
static bool acquire_of(PsFtWalker *w, const char *callee, const char **lock, const char **release) {
  const char *last = strrchr(callee, '.');
  last = last ? last + 1 : callee;
  const char *acq = strstr(last, "acquire");
  if (!acq) acq = strstr(last, "Acquire");
  if (!acq) return false;
  /* L.acquire() ... L.release(), or _acquireLock() ... _releaseLock(). */
  if (!strcmp(last, "acquire") && last > callee) {
    *lock = ps_arena_strndup(w->arena, callee, (size_t)(last - 1 - callee));
    *release = ps_arena_sprintf(w->arena, "%s.release(", *lock);
  } else {
    *lock = ps_arena_sprintf(w->arena, "%s()", callee);
    size_t pre = (size_t)(acq - callee);
    *release = ps_arena_sprintf(w->arena, "%.*s%celease%s(", (int)pre, callee, acq[0] == 'A' ? 'R' : 'r', acq + 7);
  }
  return true;
}

/* Where a lock taken by statement n is released: the start of a later
 * `release` statement in the same block, or the end of a later try
 * statement whose finally releases it; 0 when neither. */
static uint32_t release_at(PsFtWalker *w, TSNode n, const char *release) {
  size_t rl = strlen(release);
  uint32_t end = 0;
  TSNode sib = ts_node_next_named_sibling(n);
  for (int i = 0; i < 64 && !ts_node_is_null(sib) && !end; i++, sib = ts_node_next_named_sibling(sib)) {
    uint32_t len;
    const char *t = ftw_text_of(w, sib, &len);
    TSSymbol s = ts_node_symbol(sib);
    if (s == w->s_expression_statement) {
      if (len >= rl && !memcmp(t, release, rl)) end = ts_node_start_byte(sib);
    } else if (s == w->s_try) {
      uint32_t nc = ts_node_named_child_count(sib);
      for (uint32_t k = 0; k < nc; k++) {
        TSNode c = ts_node_named_child(sib, k);
        if (ts_node_symbol(c) != w->s_finally) continue;
        uint32_t fl;
        const char *ft = ftw_text_of(w, c, &fl);
        if (ftw_find_bytes(ft, fl, release, rl)) end = ts_node_end_byte(sib);
      }
    }
  }
  return end;
}

/* `L.acquire()` as a statement: L is held until `L.release()` later in the
 * same block, or to the end of the try statement whose finally releases it. */
static void visit_expr_statement(PsFtWalker *w, TSNode n) {
  if (ts_node_named_child_count(n) != 1) return;
  TSNode call = ts_node_named_child(n, 0);
  if (ts_node_symbol(call) != w->s_call) return;
  TSNode fn = ts_node_child_by_field_id(call, w->f_function);
  if (ts_node_is_null(fn) || ts_node_symbol(fn) != w->s_attribute) return;
  /* x.acquire() as a statement, on anything (self.get_lock().acquire()):
   * a function that takes a lock (an __enter__ makes a lock-like guard). */
  if (ftw_text_eq(w, ts_node_child_by_field_id(fn, w->f_attribute), "acquire"))
    w->raw->funcs.items[ftw_cur_func(w)].flags |= PS_FTF_ACQUIRES;
  const char *callee = ftw_chain(w, fn);
  const char *lock, *release;
  if (!callee || !acquire_of(w, callee, &lock, &release)) return;
  uint32_t end = release_at(w, n, release);
  w->raw->funcs.items[ftw_cur_func(w)].flags |= PS_FTF_ACQUIRES;
  if (!end) return;
  uint32_t node = ftw_add_lock(w, lock);
  ftw_push_frame(w, ts_node_start_byte(n), end, FR_LOCK, (int32_t)node);
}

/* A guard clause: `if COND:` with a body of one `continue`, `break`,
 * `raise ...` or `return` (of nothing or a constant), and no elif or else:
 * the rest of its block runs only when COND is false. Not for COND of the
 * form `A and B` (its negation is no test of either). */
static bool guard_clause(PsFtWalker *w, TSNode n, TSNode cond, bool *raises) {
  if (ts_node_is_null(cond) || ftw_named_children(w, n, 3) != 2) return false;
  TSNode body = w->kids.items[1];
  if (ts_node_symbol(body) != w->s_block || ftw_named_children(w, body, 2) != 1) return false;
  TSNode st = w->kids.items[0];
  const char *ty = ts_node_type(st);
  *raises = !strcmp(ty, "raise_statement");
  bool jump = *raises || !strcmp(ty, "continue_statement") || !strcmp(ty, "break_statement");
  if (!strcmp(ty, "return_statement")) {
    if (!ts_node_named_child_count(st)) jump = true;
    else {
      TSSymbol v = ts_node_symbol(ts_node_named_child(st, 0));
      jump = v == w->s_none || v == w->s_true || v == w->s_false || v == w->s_integer || v == w->s_string;
    }
  }
  if (!jump) return false;
  if (ts_node_symbol(cond) == w->s_boolean && ftw_text_eq(w, ts_node_child_by_field_id(cond, w->f_operator), "and"))
    return false;
  return true;
}

/* `CALL() != self.X` or `self.X is not CALL()` (a call without arguments
 * against an attribute of self): with a raise, an owner check when CALL
 * names the calling thread (races.c asks the vocabulary). */
static bool owner_test(PsFtWalker *w, TSNode cond) {
  if (ts_node_symbol(cond) != w->s_comparison || ftw_named_children(w, cond, 3) != 2) return false;
  TSNode x = w->kids.items[0], y = w->kids.items[1];
  uint32_t len;
  const char *t = ftw_text_of(w, cond, &len);
  if (!ftw_find_bytes(t, len, "!=", 2) && !ftw_find_bytes(t, len, " is not ", 8)) return false;
  for (int s = 0; s < 2; s++) {
    TSNode call = s ? y : x, attr = s ? x : y;
    if (ts_node_symbol(call) != w->s_call || !ftw_is_chain(w, ts_node_child_by_field_id(call, w->f_function))) continue;
    TSNode args = ts_node_child_by_field_id(call, w->f_arguments);
    if (ts_node_is_null(args) || ts_node_named_child_count(args)) continue;
    const char *a = ftw_is_chain(w, attr) ? ftw_chain(w, attr) : NULL;
    if (a && !strncmp(a, "self.", 5)) return true;
  }
  return false;
}

/* A once-guard: `if not X:` or `if X is None:` (X a name or a class's
 * attribute, not self's), with no elif or else, under a lock, whose body
 * sets X to something else (`X = True`, `X = make()`): the body runs once
 * per process (datadogpy's `_LambdaDecorator._enter` starting its one
 * `_init_api_client` thread). */
static bool once_guard(PsFtWalker *w, TSNode n, TSNode cond) {
  if (ts_node_is_null(cond) || !ftw_cur_locks_at(w, ts_node_start_byte(n)) || ftw_named_children(w, n, 3) != 2) return false;
  TSNode x = cond;
  if (ts_node_symbol(cond) == w->s_not && ts_node_named_child_count(cond) == 1) x = ts_node_named_child(cond, 0);
  else if (ts_node_symbol(cond) == w->s_comparison) {
    uint32_t len;
    const char *t = ftw_text_of(w, cond, &len);
    if (ts_node_named_child_count(cond) != 2 || !ftw_text_eq(w, ts_node_named_child(cond, 1), "None") ||
        !ftw_find_bytes(t, len, " is ", 4) || ftw_find_bytes(t, len, " is not ", 8))
      return false;
    x = ts_node_named_child(cond, 0);
  } else return false;
  const char *xc = ftw_is_chain(w, x) ? ftw_chain(w, x) : NULL;
  if (!xc || !strncmp(xc, "self.", 5)) return false;
  TSNode body = ts_node_child_by_field_id(n, w->f_consequence);
  uint32_t nb = ts_node_is_null(body) ? 0 : ts_node_named_child_count(body);
  for (uint32_t i = 0; i < nb && i < 32; i++) {
    TSNode st = ts_node_named_child(body, i);
    if (ts_node_symbol(st) != w->s_expression_statement || ts_node_named_child_count(st) != 1) continue;
    TSNode as = ts_node_named_child(st, 0);
    if (ts_node_symbol(as) != w->s_assignment) continue;
    TSNode left = ts_node_child_by_field_id(as, w->f_left), right = ts_node_child_by_field_id(as, w->f_right);
    if (!ftw_is_chain(w, left) || ts_node_is_null(right) || strcmp(ftw_chain(w, left), xc)) continue;
    TSSymbol rs = ts_node_symbol(right);
    return rs != w->s_none && rs != w->s_false;
  }
  return false;
}

/* A guard clause in a function (see guard_clause). `if not L.acquire(...):
 * return` holds L from the guard to its release; any other guard is a
 * check of what follows it in the block, which runs when its test fails
 * (`if not q: continue` then `q.pop()`: a test of presence), so an act
 * after it pairs with the nearest test, the one made under the same lock
 * when the test is repeated there. */
static bool visit_guard(PsFtWalker *w, TSNode n, TSNode cond, const TSNode *path, size_t depth) {
  TSNode block = ftw_parent_of(path, depth, 0);
  bool raises = false;
  if (ts_node_is_null(block) || ts_node_symbol(block) != w->s_block || !guard_clause(w, n, cond, &raises)) return false;
  if (raises && owner_test(w, cond)) w->raw->funcs.items[ftw_cur_func(w)].flags |= PS_FTF_OWNER_CHECK;
  if (ts_node_symbol(cond) == w->s_not && ts_node_named_child_count(cond) == 1) {
    TSNode call = ts_node_named_child(cond, 0);
    const char *callee = ts_node_symbol(call) == w->s_call ? ftw_chain(w, ts_node_child_by_field_id(call, w->f_function)) : NULL;
    const char *lock, *release;
    if (callee && acquire_of(w, callee, &lock, &release)) {
      w->raw->funcs.items[ftw_cur_func(w)].flags |= PS_FTF_ACQUIRES;
      uint32_t end = release_at(w, n, release);
      if (end) {
        uint32_t node = ftw_add_lock(w, lock);
        ftw_push_frame(w, ts_node_end_byte(n), end, FR_LOCK, (int32_t)node);
      }
      return true;
    }
  }
  /* The check covers the rest of the block, inside every frame open here. */
  uint32_t end = ts_node_end_byte(block);
  if (w->frames.size && array_last(&w->frames)->end < end) end = array_last(&w->frames)->end;
  int32_t idx = ftw_push_check(w, n, cond);
  if (idx < 0) return true;
  w->raw->checks.items[idx].end = end;
  w->raw->checks.items[idx].guard_from = ts_node_end_byte(n);
  array_last(&w->frames)->end = end;
  return true;
}

/* Is n (with parent `par`) a store target: the left of `=`, or inside a
 * tuple or list target? */
static bool is_store(PsFtWalker *w, TSNode par, TSNode n) {
  TSSymbol ps = ts_node_symbol(par);
  if (ps == w->s_assignment) return ts_node_eq(ts_node_child_by_field_id(par, w->f_left), n);
  return ps == w->s_pattern_list || ps == w->s_tuple_pattern || ps == w->s_list_pattern;
}

static TSNode assigned_value(PsFtWalker *w, TSNode assign) {
  TSNode v = ts_node_child_by_field_id(assign, w->f_right);
  for (int i = 0; i < 8 && !ts_node_is_null(v) && ts_node_symbol(v) == w->s_assignment; i++)
    v = ts_node_child_by_field_id(v, w->f_right);
  return v;
}

/* `x = x or make()`: lazy initialisation written as one expression. */
static bool or_default(PsFtWalker *w, TSNode v, const char *name) {
  while (!ts_node_is_null(v) && ts_node_symbol(v) == w->s_parenthesized && ts_node_named_child_count(v) == 1)
    v = ts_node_named_child(v, 0);
  if (ts_node_is_null(v) || ts_node_symbol(v) != w->s_boolean) return false;
  TSNode l = ts_node_child_by_field_id(v, w->f_left);
  uint32_t len = 0;
  const char *t = ts_node_is_null(l) ? "" : ftw_text_of(w, l, &len);
  TSNode op = ts_node_child_by_field_id(v, w->f_operator);
  return !ts_node_is_null(l) && len == strlen(name) && !memcmp(t, name, len) && !ts_node_is_null(op) && ftw_text_eq(w, op, "or");
}

/* Does the value v read the same item as the store target `ref[key]` (n):
 * `d[k] = d[k] + 1`, `d[k] = d.get(k, 0) + 1`? (d[a] = d[b] reads another.) */
static bool reads_item(PsFtWalker *w, TSNode v, const char *ref, TSNode n) {
  if (ts_node_is_null(v)) return false;
  uint32_t tl, kl = 0;
  const char *target = ftw_text_of(w, n, &tl);
  TSNode key = ts_node_named_child_count(n) >= 2 ? ts_node_named_child(n, 1) : (TSNode){0};
  const char *kt = ts_node_is_null(key) ? "" : ftw_text_of(w, key, &kl);
  uint32_t vl;
  const char *vt = ftw_text_of(w, v, &vl);
  if (ftw_find_bytes(vt, vl, target, tl)) return true;
  if (!kl) return false;
  for (int i = 0; i < 2; i++) {
    char *call = ps_arena_sprintf(w->arena, "%s.%s(%.*s", ref, i ? "pop" : "get", (int)kl, kt);
    if (ftw_find_bytes(vt, vl, call, strlen(call))) return true; /* d.get(k, 0) + 1; d.pop(k, v) moved to the end */
  }
  return false;
}

static void visit_subscript(PsFtWalker *w, TSNode n, const TSNode *path, size_t depth) {
  if (ftw_cur_func(w) < 0) return;
  TSNode v = ts_node_child_by_field_id(n, w->f_value);
  if (!ftw_is_chain(w, v)) return;
  const char *ref = ftw_chain(w, v);
  if (!ref) return;
  TSNode par = ftw_parent_of(path, depth, 0);
  if (ts_node_is_null(par)) return;
  TSSymbol ps = ts_node_symbol(par);
  uint8_t kind = PS_FTA_ITEM_READ, flags = 0, value = 0;
  const char *vname = NULL;
  if (ps == w->s_augmented && ts_node_eq(ts_node_child_by_field_id(par, w->f_left), n)) {
    kind = PS_FTA_ITEM_RMW;
  } else if (ps == w->s_delete ||
             (ps == w->s_expression_list && ts_node_symbol(ftw_parent_of(path, depth, 1)) == w->s_delete)) {
    kind = PS_FTA_ITEM_DEL;
  } else if (is_store(w, par, n)) {
    kind = PS_FTA_ITEM_STORE;
    if (ps == w->s_assignment) {
      TSNode rv = assigned_value(w, par);
      value = ftw_value_kind(w, rv);
      /* A call's callee; a name's text (ft_facts.c follows a local to its call). */
      if (value == PS_FTV_CALL || value == PS_FTV_ALIAS) vname = ftw_value_text(w, rv);
      if (reads_item(w, rv, ref, n)) kind = PS_FTA_ITEM_RMW, flags |= PS_FTX_SELF_RHS;
    }
  }
  if (kind == PS_FTA_ITEM_READ) {
    /* d[k].append(x), d[k][j] = x, d[k] += x: the item read is then
     * changed (a defaultdict's new item can be lost). */
    TSNode cur = n, up = par;
    size_t k = 0;
    while (!ts_node_is_null(up) && ts_node_symbol(up) == w->s_subscript && k < 8)
      cur = up, up = ftw_parent_of(path, depth, ++k); /* d[k][j][...]: the outermost item */
    TSSymbol us = ts_node_is_null(up) ? 0 : ts_node_symbol(up);
    TSNode upp = ftw_parent_of(path, depth, k + 1);
    if (cur.id != n.id && !ts_node_is_null(up) && (is_store(w, up, cur) || (us == w->s_augmented)))
      flags |= PS_FTX_ELEMENT;
    if (us == w->s_attribute && !ts_node_is_null(upp) && ts_node_symbol(upp) == w->s_call) flags |= PS_FTX_ELEMENT;
    ftw_add_access(w, kind, ref, NULL, n, flags, value);
  }
  else ftw_add_access_in(w, kind, ref, vname, n, flags, value, ps == w->s_expression_list ? ftw_parent_of(path, depth, 1) : par);
}

/* The in-place method an augmented assignment calls (`s |= t`: "__ior__"), or NULL. */
static const char *inplace_method(PsFtWalker *w, TSNode assign) {
  TSNode op = ts_node_child_by_field_id(assign, w->f_operator);
  if (ts_node_is_null(op)) return NULL;
  static const char *const ops[][2] = {{"+=", "__iadd__"}, {"-=", "__isub__"}, {"|=", "__ior__"}, {"&=", "__iand__"},
                                       {"^=", "__ixor__"}, {"*=", "__imul__"}};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (ftw_text_eq(w, op, ops[i][0])) return ops[i][1];
  return NULL;
}

static void visit_assign(PsFtWalker *w, TSNode n, bool augmented) {
  TSNode left = ts_node_child_by_field_id(n, w->f_left);
  if (ts_node_is_null(left)) return;
  /* `x: int` declares (an instance attribute, in a class body); it binds nothing. */
  if (!augmented && ts_node_is_null(ts_node_child_by_field_id(n, w->f_right))) return;
  TSNode value = augmented ? ts_node_child_by_field_id(n, w->f_right) : assigned_value(w, n);
  TSSymbol ls = ts_node_symbol(left);
  int32_t func = ftw_cur_func(w), cls = ftw_cur_class_body(w);
  uint32_t start = ts_node_start_byte(n);
  if (ls == w->s_identifier) {
    const char *name = ftw_chain(w, left);
    if (!augmented && (func >= 0 || (cls < 0 && ftw_at_module_level(w)))) ftw_note_seq_bind(w, name, value, func);
    if (func < 0) {
      if (augmented) return;
      if (cls >= 0) ftw_add_bind(w, PS_FTW_CLASS, name, cls, -1, value, start);
      else if (ftw_at_module_level(w)) ftw_add_bind(w, PS_FTW_MODULE, name, -1, -1, value, start);
      return;
    }
    bool global = false;
    for (size_t i = w->raw->decls.size; i-- > 0 && !global;) {
      const PsFtRawDecl *d = &w->raw->decls.items[i];
      global = d->func == func && !strcmp(d->name, name);
    }
    if (global) {
      /* `global _lock; _lock = Lock()`: what the module-level name holds. */
      if (!augmented) ftw_add_bind(w, PS_FTW_MODULE, name, -1, func, value, start);
      uint8_t kind = augmented || (ftw_mentions(w, value, name) && !or_default(w, value, name)) ? PS_FTA_RMW : PS_FTA_WRITE;
      ftw_add_access_in(w, kind, name, augmented ? inplace_method(w, n) : ftw_value_text(w, value), left,
                    augmented ? 0 : (kind == PS_FTA_RMW ? PS_FTX_SELF_RHS : 0), augmented ? 0 : ftw_value_kind(w, value), n);
    } else if (!augmented && !ts_node_is_null(value)) {
      TSSymbol vs = ts_node_symbol(value);
      /* Locals that matter: made by a call (a lock, an executor), another
       * name (an alias of shared state: l = self._pending), derived from a
       * container (x = d.get(k)). */
      if (vs == w->s_call || vs == w->s_subscript || ftw_is_chain(w, value)) {
        int32_t bi = (int32_t)w->raw->binds.size;
        ftw_add_bind(w, PS_FTW_LOCAL, name, -1, func, value, start);
        if ((int32_t)w->raw->binds.size > bi && w->raw->binds.items[bi].value == PS_FTV_CALL) {
          PsFtRawFunc *fr = &w->raw->funcs.items[func];
          w->raw->binds.items[bi].next_local = fr->local_calls;
          fr->local_calls = bi;
        }
      }
    }
    return;
  }
  if (ls == w->s_attribute) {
    if (func < 0) return;
    TSNode obj = ts_node_child_by_field_id(left, w->f_object);
    if (!ftw_is_chain(w, obj)) return;
    const char *ref = ftw_chain(w, left);
    if (!ref) return;
    uint8_t kind = augmented || ftw_mentions(w, value, ref) ? PS_FTA_RMW : PS_FTA_WRITE;
    ftw_add_access_in(w, kind, ref, augmented ? inplace_method(w, n) : ftw_value_text(w, value), left,
                  (!augmented && kind == PS_FTA_RMW) ? PS_FTX_SELF_RHS : 0, augmented ? 0 : ftw_value_kind(w, value), n);
    const PsFtRawFunc *fn = &w->raw->funcs.items[func];
    if (!augmented && fn->self_name && ts_node_symbol(obj) == w->s_identifier && ftw_text_eq(w, obj, fn->self_name) &&
        fn->self_cls >= 0 && !(fn->flags & PS_FTF_CLASSMETHOD)) {
      TSNode attr = ts_node_child_by_field_id(left, w->f_attribute);
      ftw_add_bind(w, PS_FTW_INSTANCE, ftw_chain(w, attr), fn->self_cls, func, value, start);
    }
    return;
  }
  if (!augmented && (ls == w->s_pattern_list || ls == w->s_tuple_pattern || ls == w->s_list_pattern)) {
    uint32_t nc = ts_node_named_child_count(left);
    for (uint32_t i = 0; i < nc && i < 16; i++) {
      TSNode t = ts_node_named_child(left, i);
      if (ts_node_symbol(t) != w->s_identifier) continue;
      const char *name = ftw_chain(w, t);
      if (func < 0) {
        if (cls >= 0) ftw_add_bind(w, PS_FTW_CLASS, name, cls, -1, (TSNode){0}, start);
        else if (ftw_at_module_level(w)) ftw_add_bind(w, PS_FTW_MODULE, name, -1, -1, (TSNode){0}, start);
      } else {
        for (size_t k = w->raw->decls.size; k-- > 0;) {
          const PsFtRawDecl *d = &w->raw->decls.items[k];
          if (d->func == func && !strcmp(d->name, name)) {
            ftw_add_access_in(w, PS_FTA_WRITE, name, NULL, t, 0, 0, n);
            break;
          }
        }
      }
    }
  }
}

static void visit_delete(PsFtWalker *w, TSNode n) {
  int32_t func = ftw_cur_func(w);
  if (func < 0) return;
  uint32_t nc = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < nc; i++) {
    TSNode t = ts_node_named_child(n, i);
    TSSymbol s = ts_node_symbol(t);
    if (s == w->s_expression_list) {
      uint32_t k = ts_node_named_child_count(t);
      for (uint32_t j = 0; j < k && j < 16; j++) {
        TSNode u = ts_node_named_child(t, j);
        if (ts_node_symbol(u) == w->s_attribute && ftw_is_chain(w, u)) ftw_add_access_in(w, PS_FTA_DEL, ftw_chain(w, u), NULL, u, 0, 0, n);
      }
    } else if (s == w->s_attribute && ftw_is_chain(w, t)) {
      ftw_add_access_in(w, PS_FTA_DEL, ftw_chain(w, t), NULL, t, 0, 0, n);
    } else if (s == w->s_identifier) {
      const char *name = ftw_chain(w, t);
      for (size_t k = w->raw->decls.size; k-- > 0;) {
        const PsFtRawDecl *d = &w->raw->decls.items[k];
        if (d->func == func && !strcmp(d->name, name)) {
          ftw_add_access_in(w, PS_FTA_DEL, name, NULL, t, 0, 0, n);
          break;
        }
      }
    }
  }
}

/* The iterable of a for statement or clause: x, x.items(), x.keys(), x.values(). */
static void visit_for(PsFtWalker *w, TSNode n, bool clause) {
  TSNode right = ts_node_child_by_field_id(n, w->f_right);
  if (clause) ftw_add_local(w, ts_node_child_by_field_id(n, w->f_left));
  if (ts_node_is_null(right) || ftw_cur_func(w) < 0) return;
  if (!clause) {
    /* for k in list(d) / for k in keys (keys = list(d.keys())): each k was
     * in d when the snapshot was taken; d[k] in the body relies on it. */
    const char *src = NULL;
    TSSymbol rs = ts_node_symbol(right);
    if (rs == w->s_call) {
      const char *f = ftw_chain(w, ts_node_child_by_field_id(right, w->f_function));
      if (f && (!strcmp(f, "list") || !strcmp(f, "tuple") || !strcmp(f, "sorted") || !strcmp(f, "set")))
        src = ftw_snapshot_source(w, right);
    } else if (rs == w->s_identifier) {
      uint32_t len;
      const char *t = ftw_text_of(w, right, &len);
      const PsFtRawBind *b = ftw_local_bind(w, t, len);
      if (b && b->value == FTV_KEYS) src = b->ctor;
    }
    if (src && ftw_push_check(w, n, right) >= 0) ftw_add_access(w, PS_FTA_TEST_IN, src, NULL, right, PS_FTX_SNAPSHOT, 0);
  }
  if (ftw_is_chain(w, right)) {
    ftw_add_access_shown(w, PS_FTA_ITER, ftw_chain(w, right), NULL, right, 0, 0, ts_node_start_byte(n), ts_node_end_byte(right));
    return;
  }
  if (ts_node_symbol(right) != w->s_call) return;
  TSNode fn = ts_node_child_by_field_id(right, w->f_function);
  TSNode args = ts_node_child_by_field_id(right, w->f_arguments);
  if (ts_node_is_null(fn) || ts_node_symbol(fn) != w->s_attribute || ts_node_is_null(args) ||
      ts_node_named_child_count(args))
    return;
  TSNode obj = ts_node_child_by_field_id(fn, w->f_object);
  TSNode attr = ts_node_child_by_field_id(fn, w->f_attribute);
  if (!ftw_is_chain(w, obj) || ts_node_is_null(attr)) return;
  if (ftw_text_eq(w, attr, "items") || ftw_text_eq(w, attr, "keys") || ftw_text_eq(w, attr, "values"))
    ftw_add_access_shown(w, PS_FTA_ITER, ftw_chain(w, obj), ftw_chain(w, attr), right, 0, 0, ts_node_start_byte(n),
                     ts_node_end_byte(right));
}

static void visit_comparison(PsFtWalker *w, TSNode n, const TSNode *path, size_t depth) {
  if (ftw_cur_func(w) < 0 || ts_node_named_child_count(n) != 2 || !ftw_in_condition(w, n)) return;
  /* `not k in d` is `not (k in d)`. */
  TSNode par = ftw_parent_of(path, depth, 0);
  uint8_t flip = !ts_node_is_null(par) && ts_node_symbol(par) == w->s_not ? PS_FTX_NEGATED : 0;
  TSNode a = ts_node_named_child(n, 0), b = ts_node_named_child(n, 1);
  char op[8] = "";
  size_t ol = 0;
  uint32_t cc = ts_node_child_count(n);
  for (uint32_t i = 0; i < cc; i++) {
    TSNode c = ts_node_child(n, i);
    if (ts_node_is_named(c)) continue;
    uint32_t len;
    const char *t = ftw_text_of(w, c, &len);
    if (ol + len + 1 < sizeof op) {
      if (ol) op[ol++] = ' ';
      memcpy(op + ol, t, len);
      ol += len;
      op[ol] = '\0';
    }
  }
  if (!strcmp(op, "in") || !strcmp(op, "not in")) {
    if (ftw_is_chain(w, b)) ftw_add_access(w, PS_FTA_TEST_IN, ftw_chain(w, b), NULL, n, (op[0] == 'n' ? PS_FTX_NEGATED : 0) ^ flip, 0);
    return;
  }
  bool is_eq = !strcmp(op, "is") || !strcmp(op, "==");
  bool is_ne = !strcmp(op, "is not") || !strcmp(op, "!=");
  if (!is_eq && !is_ne) return;
  TSNode other = ts_node_symbol(b) == w->s_none ? a : ts_node_symbol(a) == w->s_none ? b : (TSNode){0};
  if (ts_node_is_null(other)) return;
  if (ftw_is_chain(w, other)) {
    if (ftw_derived_test(w, n, other, is_eq ^ (flip != 0))) return;
    ftw_add_access(w, PS_FTA_TEST_NONE, ftw_chain(w, other), NULL, n, (is_eq ? PS_FTX_NEGATED : 0) ^ flip, 0);
  } else if (ts_node_symbol(other) == w->s_call) {
    /* d.get(k) is None: a membership test of d. */
    TSNode fn = ts_node_child_by_field_id(other, w->f_function);
    if (!ts_node_is_null(fn) && ts_node_symbol(fn) == w->s_attribute) {
      TSNode obj = ts_node_child_by_field_id(fn, w->f_object), attr = ts_node_child_by_field_id(fn, w->f_attribute);
      if (ftw_is_chain(w, obj) && ftw_text_eq(w, attr, "get"))
        ftw_add_access(w, PS_FTA_TEST_IN, ftw_chain(w, obj), NULL, n, (is_eq ? PS_FTX_NEGATED : 0) ^ flip, 0);
    }
  }
}

/* An identifier naming a local made by a call (a lock made per call): is
 * it used other than by `with`, acquire() and release()? Then it escapes. */
static void note_escape(PsFtWalker *w, TSNode n, const TSNode *path, size_t depth) {
  int32_t f = ftw_cur_func(w);
  if (f < 0 || w->raw->funcs.items[f].local_calls < 0) return;
  uint32_t len;
  const char *t = ftw_text_of(w, n, &len);
  for (int32_t i = w->raw->funcs.items[f].local_calls; i >= 0; i = w->raw->binds.items[i].next_local) {
    PsFtRawBind *b = &w->raw->binds.items[i];
    if (b->escapes || strlen(b->name) != len || strncmp(b->name, t, len)) continue;
    TSNode par = ftw_parent_of(path, depth, 0);
    TSSymbol ps = ts_node_symbol(par);
    if (ps == w->s_with_item) return;
    if (ps == w->s_assignment && ts_node_eq(ts_node_child_by_field_id(par, w->f_left), n)) return;
    if (ps == w->s_attribute) {
      TSNode attr = ts_node_child_by_field_id(par, w->f_attribute);
      if (ftw_text_eq(w, attr, "acquire") || ftw_text_eq(w, attr, "release") || ftw_text_eq(w, attr, "locked")) return;
    }
    b->escapes = true;
    return;
  }
}

/* A bare chain used as a truth value in a condition: `if x:`, `not x`, `x and y`. */
static void visit_truth(PsFtWalker *w, TSNode n, const TSNode *path, size_t depth) {
  TSNode par = ftw_parent_of(path, depth, 0);
  if (ts_node_is_null(par)) return;
  TSSymbol ps = ts_node_symbol(par);
  if (ps == w->s_attribute && ts_node_start_byte(par) == ts_node_start_byte(n)) return; /* not the outermost */
  bool negated = false;
  if (ps == w->s_not) negated = true;
  else if (ps == w->s_if || ps == w->s_elif || ps == w->s_while) {
    if (!ts_node_eq(ts_node_child_by_field_id(par, w->f_condition), n)) return;
  } else if (ps != w->s_boolean) {
    return;
  }
  if (ftw_cur_func(w) < 0 || !ftw_in_condition(w, n) || !ftw_is_chain(w, n)) return;
  if (ftw_derived_test(w, n, n, negated)) return;
  ftw_add_access(w, PS_FTA_TEST_TRUTH, ftw_chain(w, n), NULL, n, negated ? PS_FTX_NEGATED : 0, 0);
}

static void visit_decl(PsFtWalker *w, TSNode n, bool nonlocal) {
  int32_t func = ftw_cur_func(w);
  if (func < 0) return;
  uint32_t nc = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < nc; i++) {
    TSNode c = ts_node_named_child(n, i);
    if (ts_node_symbol(c) == w->s_identifier) array_push(&w->raw->decls, ((PsFtRawDecl){ftw_chain(w, c), func, nonlocal}));
  }
}

static void visit_comment(PsFtWalker *w, TSNode n) {
  uint32_t len;
  const char *t = ftw_text_of(w, n, &len);
  const char *p = ftw_find_bytes(t, len, "pyshift:", 8);
  if (!p) return;
  const char *e = t + len;
  PsFtRawMarker m = {ts_node_start_point(n).row + 1, 0, NULL};
  for (const char *q = p + 8; q < e;) {
    while (q < e && (*q == ' ' || *q == ',' || *q == '\t')) q++;
    const char *s = q;
    while (q < e && *q != ' ' && *q != ',' && *q != '\t') q++;
    size_t n2 = (size_t)(q - s);
    if (n2 == 15 && !memcmp(s, "thread-confined", 15)) m.markers |= PS_FTM_CONFINED;
    else if (n2 == 9 && !memcmp(s, "init-only", 9)) m.markers |= PS_FTM_INIT_ONLY;
    else if (n2 == 6 && !memcmp(s, "benign", 6)) m.markers |= PS_FTM_BENIGN;
    else if (n2 > 11 && !memcmp(s, "guarded-by=", 11)) {
      m.markers |= PS_FTM_GUARDED;
      m.guard = ps_arena_strndup(w->arena, s + 11, n2 - 11);
    }
  }
  if (m.markers) array_push(&w->raw->markers, m);
}

void ps_ft_walk__node(PsFtWalker *w, TSNode n, TSSymbol s, const TSNode *path, size_t depth) {
  uint32_t start = ts_node_start_byte(n);
  while (w->frames.size && array_last(&w->frames)->end <= start) w->frames.size--;
  uint8_t k = s < w->n_symbols ? w->kind[s] : K_NONE;
  switch (k) {
  case K_NONE: break;
  case K_FUNC: visit_func(w, n, path, depth); break;
  case K_CLASS: visit_class(w, n); break;
  case K_LAMBDA: visit_lambda(w, n); break;
  case K_COMPREHENSION: {
    int32_t clauses = 0;
    uint32_t nc = ts_node_named_child_count(n);
    for (uint32_t i = 1; i < nc && i < 16; i++)
      if (ts_node_symbol(ts_node_named_child(n, i)) == w->s_for_in) clauses++;
    ftw_push_frame(w, start, ts_node_end_byte(n), FR_LOOP, clauses);
    break;
  }
  case K_FOR:
    ftw_push_frame(w, start, ts_node_end_byte(n), FR_LOOP, 0);
    visit_for(w, n, false);
    ftw_note_seq_loop(w, ts_node_child_by_field_id(n, w->f_left), ts_node_child_by_field_id(n, w->f_right), ftw_cur_func(w), start,
                  ts_node_end_byte(n), NULL);
    break;
  case K_FOR_IN: {
    visit_for(w, n, true);
    TSNode comp = ftw_parent_of(path, depth, 0);
    if (!ts_node_is_null(comp))
      ftw_note_seq_loop(w, ts_node_child_by_field_id(n, w->f_left), ts_node_child_by_field_id(n, w->f_right), ftw_cur_func(w),
                    ts_node_start_byte(comp), ts_node_end_byte(comp), NULL);
    break;
  }
  case K_WHILE:
    ftw_push_frame(w, start, ts_node_end_byte(n), FR_LOOP, 0);
    if (ftw_cur_func(w) >= 0) ftw_push_check(w, n, ts_node_child_by_field_id(n, w->f_condition));
    break;
  case K_IF:
  case K_ELIF:
    if (ftw_cur_func(w) >= 0) {
      TSNode cond = ts_node_child_by_field_id(n, w->f_condition);
      if (k == K_IF && visit_guard(w, n, cond, path, depth)) break;
      int32_t idx = ftw_push_check(w, n, cond);
      if (idx >= 0 && k == K_IF && once_guard(w, n, cond)) w->raw->checks.items[idx].once = true;
    }
    else if (k == K_IF && ftw_at_module_level(w)) {
      uint32_t len;
      const char *t = ftw_text_of(w, ts_node_child_by_field_id(n, w->f_condition), &len);
      if (ftw_find_bytes(t, len, "__name__", 8) && ftw_find_bytes(t, len, "__main__", 8))
        ftw_push_frame(w, start, ts_node_end_byte(n), FR_MAIN, 0);
    }
    break;
  case K_COND_EXPR:
    if (ftw_cur_func(w) >= 0 && ts_node_named_child_count(n) == 3) ftw_push_check(w, n, ts_node_named_child(n, 1));
    break;
  case K_TRY:
    if (ftw_cur_func(w) >= 0) visit_try(w, n);
    break;
  case K_WITH: visit_with(w, n); break;
  case K_EXPR_STATEMENT:
    if (ftw_cur_func(w) >= 0) visit_expr_statement(w, n);
    break;
  case K_CALL: ftw_visit_call(w, n, path, depth); break;
  case K_SUBSCRIPT: visit_subscript(w, n, path, depth); break;
  case K_ASSIGN: visit_assign(w, n, false); break;
  case K_AUGASSIGN: visit_assign(w, n, true); break;
  case K_DELETE: visit_delete(w, n); break;
  case K_COMPARISON: visit_comparison(w, n, path, depth); break;
  case K_IDENTIFIER:
    note_escape(w, n, path, depth);
    visit_truth(w, n, path, depth);
    break;
  case K_ATTRIBUTE: visit_truth(w, n, path, depth); break;
  case K_RETURN: {
    int32_t f = ftw_cur_func(w);
    if (f < 0 || !ts_node_named_child_count(n)) break;
    TSNode v = ts_node_named_child(n, 0);
    const char *rv = ftw_is_chain(w, v) ? ftw_chain(w, v) : "";
    PsFtRawFunc *fr = &w->raw->funcs.items[f];
    if (!fr->returns) fr->returns = rv;
    else if (strcmp(fr->returns, rv)) fr->returns = "";
    break;
  }
  case K_GLOBAL: visit_decl(w, n, false); break;
  case K_NONLOCAL: visit_decl(w, n, true); break;
  case K_YIELD: {
    int32_t f = ftw_cur_func(w);
    if (f >= 0 && !(w->raw->funcs.items[f].flags & PS_FTF_LAMBDA)) w->raw->funcs.items[f].flags |= PS_FTF_GENERATOR;
    break;
  }
  case K_COMMENT: visit_comment(w, n); break;
  }
}

