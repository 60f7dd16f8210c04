/* mp_thread_candidate.c: `mp-thread-candidate` (MP001), process pools
 * whose work could run in threads on a free-threaded build.
 *
 * A project analysis on the free-threading model (ft/ft.h): the join adds
 * the rule's `entry` rows (process pools and Process, as if they started
 * threads) to the FT rules' vocabulary (read from every loaded FT rule,
 * enabled or not, and [tool.pyshift.ft]) and asks ps_ft_entries for each
 * such entry whose callable resolves in the tree: what it reaches, which
 * calls leave the tree (classified by the `work` rows: io, native, or
 * else pure-Python CPU work) and which FT races its code takes part in.
 * The verdict is "safe to move" when there are none, else "move after
 * guarding" the racing objects. InterpreterPoolExecutor is suggested when
 * the callable is a module-level function and races with nothing.
 *
 * Code that picks its executor by the `gil-probe` rows
 * (sys._is_gil_enabled()), in the function of the pool call or through a
 * helper of its file that calls the probe, is not reported by the join;
 * the per-file step reports such a choice as a note when it is inverted
 * (threads where the GIL is enabled, processes where it is not).
 *
 * Table columns: kind, name, detail, extra. Rows:
 *   entry NAME ARGS MANY         an FT `entry` row (see ps_ft_vocab_add)
 *   work NAME io|native|process WHAT
 *                                calls to NAME (or under NAME. when it ends
 *                                with '.') are I/O, C code, or act on the
 *                                whole process (not a drop-in for threads);
 *                                WHAT for messages
 *   work NAME pure -             calls known to be pure-Python or quick C (logging,
 *                                os.path, str methods): not "unclassified"
 *   state NAME WHAT              a process-wide object (sys.path, os.environ): a store
 *                                to it, or a `mutator` method on it, makes the
 *                                verdict "not a drop-in" as a `process` call does
 *   mutator NAME                 a method name that mutates its object
 *   kill NAME WHAT               a call in the function starting the pool or process
 *                                (or a function nested in it) that stops it
 *                                from outside (os.kill, .terminate, .kill: a
 *                                method by name): threads cannot be stopped,
 *                                so the verdict is "not a drop-in"
 *   gil-probe NAME               a call telling whether the GIL is enabled
 *   thread-executor NAME         a name in the GIL-off branch of a correct choice
 *   process-executor NAME        a name in the GIL-on branch of a correct choice
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/mp_internal.h"
#include "ft/ft.h"
#include "parse/parse.h"

typedef struct State {
  PsPyVersion target;
} State;

static const char *const PARAMS[] = {NULL};

static void free_state(void *p) { free(p); }

static int configure(PsAnalysis *self, PsPyVersion target, PsPyVersion min_python, PsError *err) {
  (void)min_python;
  const PsRule *r = self->rule;
  const PsTable *t = &r->table;
  int ck = ps_table_col(t, "kind"), cn = ps_table_col(t, "name"), cd = ps_table_col(t, "detail");
  if (!t->cols || ck < 0 || cn < 0 || cd < 0)
    return ps_analysis__rule_error(err, r, r->analysis_line,
                                   "analysis `mp-thread-candidate` needs a ```table with columns kind, name, detail, extra");
  int ce = ps_table_col(t, "extra");
  PsFtVocab *v = ps_ft_vocab_new();
  for (size_t i = 0; i < t->n_rows; i++) {
    const char *k = t->rows[i][ck], *d = t->rows[i][cd];
    char why[256];
    if (!strcmp(k, "entry")) {
      if (ps_ft_vocab_add(v, k, t->rows[i][cn], d, ce >= 0 ? t->rows[i][ce] : "", why, sizeof why)) {
        ps_ft_vocab_delete(v);
        return ps_analysis__rule_error(err, r, t->row_lines[i], "%s", why);
      }
    } else if (!strcmp(k, "work")) {
      if (strcmp(d, "io") && strcmp(d, "native") && strcmp(d, "process") && strcmp(d, "pure")) {
        ps_ft_vocab_delete(v);
        return ps_analysis__rule_error(err, r, t->row_lines[i], "a `work` row's detail is io, native, process or pure, not `%s`", d);
      }
    } else if (strcmp(k, "gil-probe") && strcmp(k, "state") && strcmp(k, "kill") && strcmp(k, "mutator") && strcmp(k, "thread-executor") && strcmp(k, "process-executor")) {
      ps_ft_vocab_delete(v);
      return ps_analysis__rule_error(err, r, t->row_lines[i],
                                     "unknown kind `%s` (entry, work, state, mutator, kill, gil-probe, thread-executor, process-executor)", k);
    }
  }
  ps_ft_vocab_delete(v);
  State *s = ps_xcalloc(1, sizeof *s);
  s->target = target;
  self->state = s;
  return 0;
}

/* ---- the per-file step: an inverted choice by sys._is_gil_enabled() ------- */

static bool word_char(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

/* Does text[0..n) hold `name` as a whole dotted word? */
static bool has_word(const char *text, size_t n, const char *name) {
  size_t m = strlen(name);
  for (size_t i = 0; m && i + m <= n; i++)
    if (!memcmp(text + i, name, m) && (i == 0 || !word_char(text[i - 1])) && (i + m == n || !word_char(text[i + m])))
      return true;
  return false;
}

static const char *last_name(const char *q) {
  const char *d = strrchr(q, '.');
  return d ? d + 1 : q;
}

static bool has_kind(const PsRule *r, const char *kind, const char *text, size_t n) {
  const PsTable *t = &r->table;
  int ck = ps_table_col(t, "kind"), cn = ps_table_col(t, "name");
  for (size_t i = 0; i < t->n_rows; i++)
    if (!strcmp(t->rows[i][ck], kind) && has_word(text, n, last_name(t->rows[i][cn]))) return true;
  return false;
}

/* The probes' last names and the module-level functions of the file that
 * call one (`def gil(): return sys._is_gil_enabled()`). */
typedef struct Probes {
  const char *names[16];
  size_t n;
} Probes;

static bool has_probe(const Probes *p, const char *text, size_t n) {
  for (size_t i = 0; i < p->n; i++)
    if (has_word(text, n, p->names[i])) return true;
  return false;
}

static void check_choice(const PsAnalysis *self, const PsFileContext *ctx, const PsEmitter *emit, const Probes *probes,
                         TSNode cond, TSNode on, TSNode off) {
  const char *text = ctx->source->text;
  if (ts_node_is_null(cond)) return;
  uint32_t cs = ts_node_start_byte(cond), ce = ts_node_end_byte(cond);
  if (!has_probe(probes, text + cs, ce - cs)) return;
  /* `not probe()` swaps the branches. */
  bool negated = !strcmp(ts_node_type(cond), "not_operator");
  if (negated) {
    TSNode t = on;
    on = off;
    off = t;
  }
  if (ts_node_is_null(on) || ts_node_is_null(off)) return;
  uint32_t os = ts_node_start_byte(on), oe = ts_node_end_byte(on), fs = ts_node_start_byte(off),
           fe = ts_node_end_byte(off);
  if (!has_kind(self->rule, "thread-executor", text + os, oe - os) ||
      !has_kind(self->rule, "process-executor", text + fs, fe - fs))
    return;
  PsVar vars[] = {{"subject", ps_arena_sprintf(ctx->arena, "the executor chosen by `%.*s` is inverted", (int)(ce - cs),
                                               text + cs)},
                  {"verdict", "it picks threads where the GIL is enabled and processes where it is not"},
                  {"why", "; swap the branches"},
                  {"interp", ""}};
  emit->emit(emit->ctx, self->rule, cs, ce, vars, 4);
}

static void run(const PsAnalysis *self, const PsFileContext *ctx, const PsEmitter *emit) {
  const PsSource *src = ctx->source;
  if (!src || !src->tree || !src->text) return;
  /* Only files that mention a probe (rare) are walked. */
  const PsTable *t = &self->rule->table;
  int ck = ps_table_col(t, "kind"), cn = ps_table_col(t, "name");
  bool any = false;
  for (size_t i = 0; i < t->n_rows && !any; i++)
    any = !strcmp(t->rows[i][ck], "gil-probe") && strstr(src->text, last_name(t->rows[i][cn]));
  if (!any) return;
  Probes probes = {{0}, 0};
  for (size_t i = 0; i < t->n_rows && probes.n < 8; i++)
    if (!strcmp(t->rows[i][ck], "gil-probe")) probes.names[probes.n++] = last_name(t->rows[i][cn]);
  size_t n_rows_probes = probes.n;
  TSNode root = ts_tree_root_node(src->tree);
  for (uint32_t i = 0; i < ts_node_named_child_count(root) && probes.n < 16; i++) {
    TSNode d = ts_node_named_child(root, i);
    if (!strcmp(ts_node_type(d), "decorated_definition")) d = ts_node_child_by_field_name(d, "definition", 10);
    if (ts_node_is_null(d) || strcmp(ts_node_type(d), "function_definition")) continue;
    TSNode body = ts_node_child_by_field_name(d, "body", 4), name = ts_node_child_by_field_name(d, "name", 4);
    if (ts_node_is_null(body) || ts_node_is_null(name)) continue;
    uint32_t bs = ts_node_start_byte(body), be = ts_node_end_byte(body);
    bool calls_probe = false;
    for (size_t k = 0; k < n_rows_probes && !calls_probe; k++) calls_probe = has_word(src->text + bs, be - bs, probes.names[k]);
    if (calls_probe)
      probes.names[probes.n++] = ps_arena_strndup(ctx->arena, src->text + ts_node_start_byte(name),
                                                  ts_node_end_byte(name) - ts_node_start_byte(name));
  }
  TSTreeCursor cur = ts_tree_cursor_new(root);
  for (;;) {
    TSNode n = ts_tree_cursor_current_node(&cur);
    const char *type = ts_node_type(n);
    if (!strcmp(type, "conditional_expression") && ts_node_named_child_count(n) == 3) {
      check_choice(self, ctx, emit, &probes, ts_node_named_child(n, 1), ts_node_named_child(n, 0),
                   ts_node_named_child(n, 2));
    } else if (!strcmp(type, "if_statement")) {
      TSNode alt = ts_node_child_by_field_name(n, "alternative", 11);
      if (!ts_node_is_null(alt) && !strcmp(ts_node_type(alt), "else_clause"))
        alt = ts_node_child_by_field_name(alt, "body", 4);
      /* No else: the code after the if (`if gil(): return threads(); return processes()`). */
      if (ts_node_is_null(alt)) alt = ts_node_next_named_sibling(n);
      check_choice(self, ctx, emit, &probes, ts_node_child_by_field_name(n, "condition", 9),
                   ts_node_child_by_field_name(n, "consequence", 11), alt);
    }
    if (ts_tree_cursor_goto_first_child(&cur)) continue;
    bool done = false;
    while (!ts_tree_cursor_goto_next_sibling(&cur))
      if (!ts_tree_cursor_goto_parent(&cur)) {
        done = true;
        break;
      }
    if (done) break;
  }
  ts_tree_cursor_delete(&cur);
}

/* ---- the join ------------------------------------------------------------- */

typedef struct Join {
  const PsAnalysis *a;
  const PsProjectIndex *ix;
  bool no_ft; /* no FT rule loaded: no vocabulary, no race analysis to trust */
  const PsProjectEmitter *emit;
  PsStrMap probing; /* "path\tcaller" of pool calls that consult a GIL probe */
  Array(char *) keys;
} Join;

static const char *row_of(const PsRule *r, const char *kind, const char *name, const char **what) {
  const PsTable *t = &r->table;
  int ck = ps_table_col(t, "kind"), cn = ps_table_col(t, "name"), cd = ps_table_col(t, "detail"),
      ce = ps_table_col(t, "extra");
  for (size_t i = 0; i < t->n_rows; i++) {
    if (strcmp(t->rows[i][ck], kind)) continue;
    const char *rn = t->rows[i][cn];
    size_t m = strlen(rn);
    /* A prefix row ("hashlib."), or the name or what it calls on
     * ("open" for `open.read`: fh.read() of fh = open(...)). */
    bool hit = m && rn[m - 1] == '.' ? !strncmp(name, rn, m)
                                     : !strncmp(name, rn, m) && (name[m] == '\0' || name[m] == '.');
    if (hit) {
      if (what) *what = ce >= 0 ? t->rows[i][ce] : "";
      return t->rows[i][cd];
    }
  }
  return NULL;
}

static char *probe_key(const char *path, const char *caller) { return ps_xasprintf("%s\t%s", path, caller ? caller : ""); }

/* Marks the functions (and module levels) that consult a GIL probe, directly
 * or through a function of the same file that does. */
static void find_probes(Join *j, PsProjectIndex *ix) {
  const PsRule *r = j->a->rule;
  for (size_t i = 0; i < ps_project_index_files(ix); i++) {
    const PsFileFacts *f = ps_project_index_file(ix, i);
    if (!f->ft) continue;
    const PsFtFacts *ft = f->ft;
    PsStrMap helpers = PS_STRMAP_INIT;
    for (int pass = 0; pass < 2; pass++)
      for (size_t c = 0; c < ft->calls.size; c++) {
        const PsFtCall *call = &ft->calls.items[c];
        if (!call->target) continue;
        bool probe = pass == 0 ? row_of(r, "gil-probe", call->target, NULL) != NULL
                               : ps_strmap_find(&helpers, call->target, strlen(call->target), NULL) != NULL;
        if (!probe) continue;
        const char *caller = call->func != UINT32_MAX ? ft->funcs.items[call->func].qualname : NULL;
        char *k = probe_key(f->path, caller);
        if (ps_strmap_put(&j->probing, k, 1, false)) array_push(&j->keys, k);
        else free(k);
        if (pass == 0 && caller) ps_strmap_put(&helpers, caller, 1, false);
      }
    ps_strmap_free(&helpers);
  }
}

static const char *short_api(const char *api) {
  /* "concurrent.futures.ProcessPoolExecutor.map" -> "ProcessPoolExecutor.map" */
  const char *last = strrchr(api, '.');
  if (!last || last == api) return api;
  const char *p = last - 1;
  while (p > api && *p != '.') p--;
  return *p == '.' ? p + 1 : p;
}

/* The callee without its module when the call is in the same module. */
static const char *short_callee(const Join *j, const PsFtEntry *e) {
  const PsFileFacts *f = ps_project_index_path(j->ix, e->at.path);
  size_t m = f && f->module ? strlen(f->module) : 0;
  if (m && !strncmp(e->callee, f->module, m) && e->callee[m] == '.') return e->callee + m + 1;
  return e->callee;
}

/* Tests of process code (test_*.py, *_test.py, conftest.py, modules of a
 * test or tests package) use processes on purpose: a thread pool would not
 * test the same thing. By module name, not path: the scanned root's own
 * directories do not count. */
static bool test_file(const Join *j, const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t n = strlen(base);
  if (!strncmp(base, "test_", 5) || (n > 8 && !strcmp(base + n - 8, "_test.py")) || !strcmp(base, "conftest.py"))
    return true;
  const PsFileFacts *f = ps_project_index_path(j->ix, path);
  const char *m = f && f->module ? f->module : "";
  return !strncmp(m, "test.", 5) || !strncmp(m, "tests.", 6) || strstr(m, ".test.") || strstr(m, ".tests.");
}

/* A call of a `kill` row in the caller of the entry or a function nested in
 * it (the watchdog closure): "os.kill" or ".terminate". */
static const char *killer(const Join *j, const PsFtEntry *e, const char **what) {
  const PsFileFacts *f = ps_project_index_path(j->ix, e->at.path);
  if (!f || !f->ft || !e->caller) return NULL;
  size_t cl = strlen(e->caller);
  for (size_t c = 0; c < f->ft->calls.size; c++) {
    const PsFtCall *call = &f->ft->calls.items[c];
    if (call->func == UINT32_MAX) continue;
    const char *q = f->ft->funcs.items[call->func].qualname;
    if (strncmp(q, e->caller, cl) || (q[cl] && q[cl] != '.')) continue;
    const char *d = call->target ? row_of(j->a->rule, "kill", call->target, NULL) : NULL;
    if (d && strchr(call->target, '.')) return *what = d, call->target;
    if (call->name) {
      char buf[128];
      snprintf(buf, sizeof buf, ".%s", call->name);
      const PsTable *t = &j->a->rule->table;
      int ck = ps_table_col(t, "kind"), cn = ps_table_col(t, "name"), cd = ps_table_col(t, "detail");
      for (size_t i = 0; i < t->n_rows; i++)
        if (!strcmp(t->rows[i][ck], "kill") && !strcmp(t->rows[i][cn], buf)) return *what = t->rows[i][cd], call->name;
    }
  }
  return NULL;
}

/* Does the dotted name start with a module of the tree (a method of one of
 * its objects: `pkg.mod._seen.get`)? */
static bool in_tree(const Join *j, const char *name) {
  char buf[512];
  for (const char *d = strchr(name, '.'); d; d = strchr(d + 1, '.')) {
    size_t n = (size_t)(d - name);
    if (n >= sizeof buf) break;
    memcpy(buf, name, n);
    buf[n] = '\0';
    if (ps_project_index_module(j->ix, buf)) return true;
  }
  return false;
}

static void on_entry(void *p, const PsFtEntry *e) {
  Join *j = p;
  /* super().map(...) inside a pool class is the pool's own implementation. */
  if ((e->call_flags & PS_FTC_SUPER) || test_file(j, e->at.path)) return;
  const PsRule *r = j->a->rule;
  const State *s = j->a->state;
  char *k = probe_key(e->at.path, e->caller);
  bool probing = ps_strmap_find(&j->probing, k, strlen(k), NULL) != NULL;
  free(k);
  if (probing) return; /* the code already picks its executor by the GIL */
  if (getenv("PYSHIFT_MP_DEBUG"))
    for (size_t i = 0; i < e->n_calls; i++) fprintf(stderr, "MPDBG\t%s\t%s\n", e->callee, e->calls[i]);
  /* What the work does. */
  const char *io = NULL, *native = NULL, *proc = NULL, *proc_what = NULL, *unknown = NULL;
  for (size_t i = 0; i < e->n_calls; i++) {
    const char *what = NULL;
    const char *d = row_of(r, "work", e->calls[i], &what);
    /* A dotted call leaving the tree that no row classifies: the work
     * may not be pure Python (methods by name, "?m", are left out). */
    if (!d && !unknown && e->calls[i][0] != '?' && strchr(e->calls[i], '.') && !in_tree(j, e->calls[i]))
      unknown = e->calls[i];
    if (!d) continue;
    if (!strcmp(d, "io") && !io) io = e->calls[i];
    if (!strcmp(d, "native") && !native) native = e->calls[i];
    if (!strcmp(d, "process") && !proc) proc = e->calls[i], proc_what = what;
  }
  /* Stores to process-wide state. */
  char *proc_state = NULL;
  for (size_t i = 0; i < e->n_writes && !proc && !proc_state; i++) {
    const char *what = row_of(r, "state", e->writes[i].key, NULL);
    if (!what || strchr(e->writes[i].key, '.') == NULL) continue;
    if (e->writes[i].method && !row_of(r, "mutator", e->writes[i].method, NULL)) continue;
    proc_state = e->writes[i].method ? ps_xasprintf("with `%s.%s()`: `%s` %s", e->writes[i].key, e->writes[i].method,
                                                    e->writes[i].key, what)
                                     : ps_xasprintf("`%s`, which %s", e->writes[i].key, what);
  }
  const char *kill_what = NULL;
  const char *kill = killer(j, e, &kill_what);
  PsBuf work = PS_BUF_INIT, verdict = PS_BUF_INIT, why = PS_BUF_INIT, interp = PS_BUF_INIT, subject = PS_BUF_INIT;
  if (io) ps_buf_printf(&work, "I/O: `%s`", io);
  if (native) ps_buf_printf(&work, "%sC code: `%s`", work.len ? "; " : "", native);
  if (!work.len && unknown) ps_buf_printf(&work, "Python work; unclassified: `%s`", unknown);
  if (!work.len) ps_buf_printf(&work, "pure-Python CPU work");
  char target[32];
  snprintf(target, sizeof target, "%d.%dt", s->target.major, s->target.free_threaded ? s->target.minor : 14);
  bool drop_in = !proc && !proc_state && !kill;
  if (proc) {
    ps_buf_printf(&verdict, "not a drop-in for threads: it calls `%s`, which %s", proc,
                  proc_what ? proc_what : "acts on the whole process");
  } else if (proc_state) {
    ps_buf_printf(&verdict, "not a drop-in for threads: it writes %s", proc_state);
  } else if (kill) {
    ps_buf_printf(&verdict, "not a drop-in for threads: its starter stops it with `%s`, and %s", kill, kill_what);
  } else if (j->no_ft) {
    ps_buf_printf(&verdict, "thread safety not checked: no FT rule loaded (their tables are the race analysis' vocabulary)");
  } else if (!e->n_races) {
    ps_buf_printf(&verdict, "safe to move to ThreadPoolExecutor on %s (no FT race in the %zu function%s it reaches)",
                  target, e->n_reached, e->n_reached == 1 ? "" : "s");
  } else {
    ps_buf_printf(&verdict, "move to threads on %s only after guarding ", target);
    size_t shown = 0;
    for (size_t i = 0; i < e->n_races && shown < 2; i++) {
      bool dup = false;
      for (size_t k2 = 0; k2 < i && !dup; k2++) dup = !strcmp(e->races[k2]->object, e->races[i]->object);
      if (dup) continue;
      ps_buf_printf(&verdict, "%s`%s`", shown ? ", " : "", e->races[i]->object);
      shown++;
    }
    ps_buf_printf(&verdict, " (");
    for (size_t i = 0; i < e->n_races && i < 2; i++) {
      bool here = !strcmp(e->races[i]->at.path, e->at.path);
      ps_buf_printf(&verdict, "%sFT%03d %s%s%u", i ? ", " : "", (int)e->races[i]->race, here ? "line " : e->races[i]->at.path,
                    here ? "" : ":", (unsigned)e->races[i]->at.start.line);
    }
    if (e->n_races > 2) ps_buf_printf(&verdict, ", +%zu", e->n_races - 2);
    ps_buf_printf(&verdict, ")");
  }
  if (!drop_in)
    ; /* the verdict says what to rewrite first */
  else if (!io && !native)
    ps_buf_printf(&why, "; Python work runs in parallel in threads only without the GIL");
  else if (io && !native)
    ps_buf_printf(&why, "; I/O overlaps in threads on any build");
  else
    ps_buf_printf(&why, "; C code that releases the GIL scales in threads on any build");
  if (!e->local && !e->n_races && drop_in && !j->no_ft)
    ps_buf_printf(&interp, "; InterpreterPoolExecutor (3.14) also fits: `%s` is importable", short_callee(j, e));
  ps_buf_printf(&subject, "`%s` runs `%s` (%s) in processes", short_api(e->api), short_callee(j, e), work.data);
  PsVar vars[] = {{"subject", subject.data}, {"verdict", verdict.data}, {"why", why.len ? why.data : ""}, {"interp", interp.len ? interp.data : ""}};
  PsProjectLocation *rel = ps_xcalloc(e->n_races + 2, sizeof *rel);
  size_t nr = 0;
  rel[nr++] = (PsProjectLocation){e->callee_at.path, e->callee_at.start, e->callee_at.end, "the function the pool runs"};
  char **msgs = ps_xcalloc(e->n_races + 1, sizeof *msgs);
  for (size_t i = 0; i < e->n_races; i++) {
    msgs[i] = ps_xasprintf("FT%03d in threads: `%s` on `%s`", (int)e->races[i]->race,
                           e->races[i]->op ? e->races[i]->op : "", e->races[i]->object ? e->races[i]->object : "");
    rel[nr++] = (PsProjectLocation){e->races[i]->at.path, e->races[i]->at.start, e->races[i]->at.end, msgs[i]};
  }
  PsProjectLocation at = {e->at.path, e->at.start, e->at.end, NULL};
  j->emit->emit(j->emit->ctx, r, &at, vars, 4, rel, nr);
  for (size_t i = 0; i < e->n_races; i++) free(msgs[i]);
  free(msgs);
  free(rel);
  ps_buf_free(&subject);
  ps_buf_free(&work);
  ps_buf_free(&verdict);
  ps_buf_free(&why);
  free(proc_state);
  ps_buf_free(&interp);
}

static void add_rows(PsFtVocab *v, const PsRule *r, bool entries_only) {
  char why[256];
  int bad;
  (void)ps_analysis__ft_vocab_rows(v, r, entries_only ? "entry" : NULL, &bad, why, sizeof why); /* checked when configured */
}

static void join(const PsAnalysis *const *all, size_t n, const PsJoinContext *ctx, const PsProjectEmitter *emit) {
  for (size_t a = 0; a < n; a++) {
    PsFtVocab *v = ps_ft_vocab_new();
    /* The FT rules' vocabulary, whether or not they run. */
    size_t n_ft = 0;
    for (size_t i = 0; ctx->registry && i < ps_registry_count(ctx->registry); i++) {
      const PsRule *fr = ps_registry_at(ctx->registry, i);
      if (fr->analysis && !strcmp(fr->analysis, "free-threading")) add_rows(v, fr, false), n_ft++;
    }
    ps_analysis__ft_vocab_config(v, ctx->ft_rows, ctx->n_ft_rows);
    add_rows(v, all[a]->rule, true);
    Array(const char *) apis;
    array_init(&apis);
    const PsTable *t = &all[a]->rule->table;
    int ck = ps_table_col(t, "kind"), cn = ps_table_col(t, "name");
    for (size_t i = 0; i < t->n_rows; i++)
      if (!strcmp(t->rows[i][ck], "entry")) array_push(&apis, t->rows[i][cn]);
    PsFtOptions opts = {0};
    opts.mode = PS_FT_MODE_APP; /* the pool's work against itself and the tree's threads */
    for (int i = 1; i < PS_FT_N_RACES; i++) opts.races[i] = true;
    const State *s = all[a]->state;
    opts.target_minor = s->target.minor;
    Join j = {all[a], ctx->index, n_ft == 0, emit, PS_STRMAP_INIT, {0}};
    array_init(&j.keys);
    find_probes(&j, ctx->index);
    ps_ft_entries(ctx->index, v, &opts, apis.items, apis.size, on_entry, &j);
    for (size_t i = 0; i < j.keys.size; i++) free(j.keys.items[i]);
    array_free(&j.keys);
    ps_strmap_free(&j.probing);
    array_free(&apis);
    ps_ft_vocab_delete(v);
  }
}

const PsAnalysisClass ps_analysis__mp_thread_candidate = {
    .name = "mp-thread-candidate",
    .params = PARAMS,
    .needs = PS_NEED_BINDINGS | PS_NEED_FT,
    .configure = configure,
    .run = run,
    .free_state = free_state,
    .facts = PS_FACT_FT | PS_FACT_IMPORTS,
    .join = join,
};
