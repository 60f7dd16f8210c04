/* walk_ft_calls.c: the free-threading walk's visitor of calls: thread
 * entries and the callables handed to them (functions, bound methods,
 * lambdas, partials), each argument, and the sequences of callables a
 * loop starts threads over. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/walk_ft_internal.h"

static const char *lambda_name(PsFtWalker *w, TSNode lam) {
  const char *scope = ftw_cur_scope(w);
  unsigned line = ts_node_start_point(lam).row + 1;
  return *scope ? ps_arena_sprintf(w->arena, "%s.<lambda:%u>", scope, line) : ps_arena_sprintf(w->arena, "<lambda:%u>", line);
}

/* The callable v stands for, if it looks like one (a name, a bound
 * method, a lambda, functools.partial(f, ...)): a->text and a->how. */
static bool callable_of(PsFtWalker *w, TSNode v, PsFtRawArg *a) {
  TSSymbol s = ts_node_symbol(v);
  a->how = PS_FTARG_FUNC;
  a->text = NULL;
  if (s == w->s_identifier || s == w->s_attribute) {
    a->text = ftw_chain(w, v);
    if (a->text && strchr(a->text, '.')) a->how = PS_FTARG_BOUND;
  } else if (s == w->s_lambda) {
    a->text = lambda_name(w, v);
    a->how = PS_FTARG_LAMBDA;
  } else if (s == w->s_call) {
    const char *f = ftw_chain(w, ts_node_child_by_field_id(v, w->f_function));
    TSNode al = ts_node_child_by_field_id(v, w->f_arguments);
    if (f && ps_str_ends_with(f, "partial") && !ts_node_is_null(al) && ts_node_named_child_count(al)) {
      TSNode a0 = ts_node_named_child(al, 0);
      a->text = ftw_chain(w, a0);
      a->how = PS_FTARG_PARTIAL;
    }
  } else if (s == w->s_subscript) {
    /* targets[0], handlers["a"]: an element of a named collection. */
    TSNode base = ts_node_child_by_field_id(v, w->f_value);
    if (!ts_node_is_null(base) && ts_node_symbol(base) == w->s_identifier) {
      uint32_t len;
      const char *t = ftw_text_of(w, base, &len);
      a->text = ps_arena_sprintf(w->arena, "%.*s[]", (int)len, t);
    }
  }
  return a->text != NULL;
}

/* A callable handed to a call, if it looks like one. */
static void add_arg(PsFtWalker *w, const char *kw, int index, TSNode v) {
  PsFtRawArg a = {kw, NULL, (int8_t)index, PS_FTARG_FUNC};
  if (callable_of(w, v, &a)) array_push(&w->raw->args, a);
}

/* The callables among the elements of a list, tuple or set literal, or
 * the values of a dict literal, into seq_elems: false if v is none of
 * these or holds no callable. */
static bool seq_elements(PsFtWalker *w, TSNode v, PsFtRawSeq *q) {
  if (ts_node_is_null(v)) return false;
  TSSymbol s = ts_node_symbol(v);
  if (s == w->s_parenthesized && ts_node_named_child_count(v) == 1) {
    v = ts_node_named_child(v, 0);
    s = ts_node_symbol(v);
  }
  q->dict = s == w->s_dictionary;
  if (s != w->s_list && s != w->s_tuple && s != w->s_set && !q->dict) return false;
  q->first = (uint32_t)w->raw->seq_elems.size;
  uint32_t nc = ts_node_named_child_count(v);
  for (uint32_t i = 0; i < nc && i < 32; i++) {
    TSNode el = ts_node_named_child(v, i);
    if (q->dict) {
      if (ts_node_symbol(el) != w->s_pair) continue;
      el = ts_node_child_by_field_id(el, w->f_value);
      if (ts_node_is_null(el)) continue;
    }
    PsFtRawArg a = {NULL, NULL, -1, PS_FTARG_FUNC};
    if (ts_node_symbol(el) != w->s_subscript && callable_of(w, el, &a)) array_push(&w->raw->seq_elems, a);
  }
  q->n = (uint32_t)w->raw->seq_elems.size - q->first;
  return q->n > 0;
}

/* `name = [f, g]` (or a tuple, set, dict literal) in a function or at
 * module level. */
void ftw_note_seq_bind(PsFtWalker *w, const char *name, TSNode value, int32_t func) {
  PsFtRawSeq q = {.name = name, .func = func};
  if (name && seq_elements(w, value, &q)) array_push(&w->raw->seqs, q);
}

/* A loop variable over a collection of callables: `target` the loop's
 * target, `iter` what it iterates, [start, end) the loop. */
void ftw_note_seq_loop(PsFtWalker *w, TSNode target, TSNode iter, int32_t func, uint32_t start, uint32_t end,
                          const char *lambda) {
  if (ts_node_is_null(target) || ts_node_is_null(iter)) return;
  PsFtRawSeq q = {.func = func, .start = start, .end = end, .loop = true, .lambda = lambda};
  TSSymbol ts = ts_node_symbol(target), is = ts_node_symbol(iter);
  bool pair = false;
  if (ts == w->s_pattern_list || ts == w->s_tuple_pattern) {
    /* for k, f in d.items() / for i, f in enumerate(fns): f. */
    if (ts_node_named_child_count(target) != 2) return;
    target = ts_node_named_child(target, 1);
    pair = true;
  }
  if (ts_node_symbol(target) != w->s_identifier) return;
  q.name = ftw_chain(w, target);
  if (is == w->s_call) {
    TSNode fn = ts_node_child_by_field_id(iter, w->f_function);
    TSNode args = ts_node_child_by_field_id(iter, w->f_arguments);
    if (ts_node_is_null(fn) || ts_node_is_null(args) || ts_node_symbol(args) != w->s_argument_list) return;
    uint32_t na = ts_node_named_child_count(args);
    if (ts_node_symbol(fn) == w->s_attribute) {
      TSNode obj = ts_node_child_by_field_id(fn, w->f_object), attr = ts_node_child_by_field_id(fn, w->f_attribute);
      if (na || ts_node_is_null(obj) || ts_node_symbol(obj) != w->s_identifier || ts_node_is_null(attr)) return;
      if (!(pair ? ftw_text_eq(w, attr, "items") : ftw_text_eq(w, attr, "values"))) return;
      iter = obj;
    } else if (pair && na == 1 && ftw_text_eq(w, fn, "enumerate")) {
      iter = ts_node_named_child(args, 0);
    } else {
      return;
    }
    q.values = true;
  } else if (pair) {
    /* for name, f in [("a", fa), ("b", fb)]: the second item of each pair. */
    TSSymbol ls = is;
    if (ls == w->s_parenthesized && ts_node_named_child_count(iter) == 1) iter = ts_node_named_child(iter, 0), ls = ts_node_symbol(iter);
    if (ls != w->s_list && ls != w->s_tuple) return;
    q.first = (uint32_t)w->raw->seq_elems.size;
    uint32_t nc = ts_node_named_child_count(iter);
    for (uint32_t i = 0; i < nc && i < 32; i++) {
      TSNode el = ts_node_named_child(iter, i);
      if (ts_node_symbol(el) != w->s_tuple || ts_node_named_child_count(el) != 2) continue;
      PsFtRawArg a = {NULL, NULL, -1, PS_FTARG_FUNC};
      TSNode second = ts_node_named_child(el, 1);
      if (ts_node_symbol(second) != w->s_subscript && callable_of(w, second, &a)) array_push(&w->raw->seq_elems, a);
    }
    q.n = (uint32_t)w->raw->seq_elems.size - q.first;
    if (q.n) array_push(&w->raw->seqs, q);
    return;
  }
  if (ts_node_symbol(iter) == w->s_identifier) {
    q.of = ftw_chain(w, iter);
    array_push(&w->raw->seqs, q);
  } else if (seq_elements(w, iter, &q) && (!q.dict || q.values)) {
    array_push(&w->raw->seqs, q);
  }
}

/* The loops of the current function around the current node. */
static uint8_t loops_in_func(const PsFtWalker *w) {
  unsigned n = 0;
  for (size_t i = w->frames.size; i-- > 0;) {
    const Frame *f = &w->frames.items[i];
    if (f->type == FR_FUNC || f->type == FR_CLASS) break;
    if (f->type == FR_LOOP) n += f->idx > 0 ? (unsigned)f->idx : 1;
  }
  return (uint8_t)(n > 255 ? 255 : n);
}

void ftw_visit_call(PsFtWalker *w, TSNode n, const TSNode *path, size_t depth) {
  int32_t func = ftw_cur_func(w);
  /* A call is `function arguments`: its first and last children (cheaper
   * than looking the fields up). */
  uint32_t cc = ts_node_child_count(n);
  if (cc < 2) return;
  TSNode fn = ts_node_child(n, 0);
  TSNode args = ts_node_child(n, cc - 1);
  TSSymbol as0 = ts_node_symbol(args);
  if (as0 != w->s_argument_list && as0 != w->s_genexp) args = ts_node_child_by_field_id(n, w->f_arguments);
  const char *callee = NULL;
  uint8_t flags = 0;
  TSSymbol fs = ts_node_symbol(fn);
  if (fs == w->s_attribute) {
    uint32_t fc = ts_node_child_count(fn);
    TSNode obj = ts_node_child(fn, 0);
    TSNode attr = ts_node_child(fn, fc - 1);
    if (!ts_node_is_null(obj) && ts_node_symbol(obj) == w->s_call) {
      TSNode sf = ts_node_child_by_field_id(obj, w->f_function);
      if (!ts_node_is_null(sf) && ftw_text_eq(w, sf, "super")) {
        callee = ftw_chain(w, attr);
        flags |= PS_FTC_SUPER;
      } else if (ftw_is_chain(w, sf) && ts_node_symbol(attr) == w->s_identifier) {
        /* Ctor().m(): the method of what Ctor makes (as x = Ctor(); x.m()). */
        uint32_t al;
        const char *at = ftw_text_of(w, attr, &al);
        const char *head = ftw_chain(w, sf);
        if (head) callee = ps_arena_sprintf(w->arena, "%s.%.*s", head, (int)al, at);
      }
    } else if (ftw_is_chain(w, obj)) {
      callee = ftw_chain(w, fn);
      if (func >= 0 && callee) {
        const char *dot = strrchr(callee, '.');
        uint8_t mf = 0;
        if (!ts_node_is_null(args) && ts_node_symbol(args) == w->s_argument_list && ts_node_named_child_count(args) >= 2)
          mf |= PS_FTX_DEFAULT;
        ftw_add_access(w, PS_FTA_METHOD, ps_arena_strndup(w->arena, callee, (size_t)(dot - callee)), dot + 1, n, mf, 0);
      }
    }
  } else if (fs == w->s_identifier) {
    callee = ftw_chain(w, fn);
  }
  /* f(x), mod.f(x): what a function does to its first argument (len,
   * sorted, next, json.dumps). Not self.m(x): a method of ours. */
  if (callee && func >= 0 && !(flags & PS_FTC_SUPER) && (fs == w->s_identifier || !strchr(strchr(callee, '.') + 1, '.'))) {
    const PsFtRawFunc *fnr = &w->raw->funcs.items[func];
    size_t hn = strcspn(callee, ".");
    bool self_call = fnr->self_name && strlen(fnr->self_name) == hn && !strncmp(fnr->self_name, callee, hn);
    if (!self_call && !ts_node_is_null(args) && ts_node_symbol(args) == w->s_argument_list &&
        ts_node_named_child_count(args)) {
      TSNode a0 = ts_node_named_child(args, 0);
      if (ftw_is_chain(w, a0)) ftw_add_access_in(w, PS_FTA_ARG, ftw_chain(w, a0), callee, a0, 0, 0, n);
    }
  }
  if (!callee) return;
  TSNode par = ftw_parent_of(path, depth, 0);
  if (!ts_node_is_null(par)) {
    TSSymbol ps = ts_node_symbol(par);
    if (ps == w->s_with_item) flags |= PS_FTC_WITH;
    else if (ps == w->s_as_pattern) {
      TSNode gp = ftw_parent_of(path, depth, 1);
      if (!ts_node_is_null(gp) && ts_node_symbol(gp) == w->s_with_item) flags |= PS_FTC_WITH;
    }
  }
  if (ftw_frame_in_func(w, FR_LOOP)) flags |= PS_FTC_IN_LOOP;
  /* In the body of a once-guard (not its condition): runs once. */
  for (size_t i = w->frames.size; i-- > 0;) {
    const Frame *f = &w->frames.items[i];
    if (f->type == FR_FUNC || f->type == FR_CLASS) break;
    if (f->type != FR_CHECK || !w->raw->checks.items[f->idx].once) continue;
    if (ts_node_start_byte(n) >= w->raw->checks.items[f->idx].cond_end) flags |= PS_FTC_ONCE;
    break;
  }
  PsFtRawCall c = {callee, func, func >= 0 ? ftw_cur_locks_at(w, ts_node_start_byte(n)) : 0, ts_node_start_byte(fn), ts_node_end_byte(fn),
                   (uint32_t)w->raw->args.size, 0, flags, loops_in_func(w)};
  /* pool.map(lambda f: f(), fns): the lambda's parameter runs each of fns. */
  const char *last = strrchr(callee, '.');
  if (!strcmp(last ? last + 1 : callee, "map") && !ts_node_is_null(args) && ts_node_symbol(args) == w->s_argument_list &&
      ts_node_named_child_count(args) >= 2) {
    TSNode lam = ts_node_named_child(args, 0);
    TSNode lp = ts_node_symbol(lam) == w->s_lambda ? ts_node_child_by_field_id(lam, w->f_parameters) : (TSNode){0};
    if (!ts_node_is_null(lp) && ts_node_named_child_count(lp) == 1)
      ftw_note_seq_loop(w, ts_node_named_child(lp, 0), ts_node_named_child(args, 1), func, 0, 0, lambda_name(w, lam));
  }
  if (!ts_node_is_null(args) && ts_node_symbol(args) == w->s_argument_list) {
    uint32_t na = ts_node_named_child_count(args);
    int pos = 0;
    for (uint32_t i = 0; i < na && i < 8; i++) {
      TSNode a = ts_node_named_child(args, i);
      if (ts_node_symbol(a) == w->s_comment) continue;
      TSSymbol as = ts_node_symbol(a);
      if (as == w->s_keyword_argument) {
        TSNode kn = ts_node_child_by_field_id(a, w->f_name), kv = ts_node_child_by_field_id(a, w->f_value);
        if (!ts_node_is_null(kn) && !ts_node_is_null(kv)) add_arg(w, ftw_chain(w, kn), -1, kv);
        /* args=(obj, ...): objects handed to the thread. */
        if (!ts_node_is_null(kn) && ftw_text_eq(w, kn, "args") && !ts_node_is_null(kv) &&
            (ts_node_symbol(kv) == w->s_tuple || ts_node_symbol(kv) == w->s_list)) {
          uint32_t ne = ts_node_named_child_count(kv);
          for (uint32_t e = 0; e < ne && e < 4; e++) {
            TSNode el = ts_node_named_child(kv, e);
            if (ftw_is_chain(w, el)) array_push(&w->raw->args, ((PsFtRawArg){"args", ftw_chain(w, el), (int8_t)e, PS_FTARG_VALUE}));
          }
        }
      } else if (as == w->s_list_splat || as == w->s_dict_splat) {
        pos = 100;
      } else {
        if (pos < 4) add_arg(w, NULL, pos, a);
        pos++;
      }
    }
  }
  c.n_args = (uint32_t)w->raw->args.size - c.first_arg;
  array_push(&w->raw->calls, c);
}
