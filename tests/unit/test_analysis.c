/* test_analysis.c: the per-file summary: imports in every form with their
 * guards, definitions, module-level bindings, calls and mutations. */
#include <stdlib.h>

#include "analysis/analysis.h"
#include "check.h"

static PsParser *parser;
static PsWalker *walker;
static PsArena *arena;
static PsSummary sum;

static PsSource s;

static void summarize(const char *src) {
  PsError err;
  ps_source_release(&s);
  ps_arena_reset(arena);
  CHECK(ps_source_load_bytes(&s, arena, "t.py", src, strlen(src), &err) == 0, "load");
  CHECK(ps_source_parse(&s, parser, 0, &err) == 0, "parse");
  ps_walker_summarize(walker, &s, arena, &sum);
}

static const PsImport *imp(size_t i) { return i < sum.imports.size ? &sum.imports.items[i] : NULL; }

static void test_imports(void) {
  summarize("import a.b as c, d\nfrom e.f import g as h, i\nfrom ..j import k\nfrom . import l\nfrom m import *\n"
            "import importlib as il\nx = il.import_module('n.o')\ny = __import__(\"p\")\nz = il.import_module(var)\n");
  CHECK_INT(sum.imports.size, 10);
  const PsImport *p = imp(0);
  CHECK(p && p->kind == PS_IMPORT_MODULE && !strcmp(p->module, "a.b") && !strcmp(p->alias, "c"), "import a.b as c");
  p = imp(1);
  CHECK(p && !strcmp(p->module, "d") && !p->alias, "import d");
  p = imp(2);
  CHECK(p && p->kind == PS_IMPORT_FROM && !strcmp(p->module, "e.f") && !strcmp(p->name, "g") && !strcmp(p->alias, "h"),
        "from e.f import g as h");
  p = imp(4);
  CHECK(p && p->level == 2 && !strcmp(p->module, "j") && !strcmp(p->name, "k"), "from ..j import k");
  p = imp(5);
  CHECK(p && p->level == 1 && !strcmp(p->module, "") && !strcmp(p->name, "l"), "from . import l");
  p = imp(6);
  CHECK(p && !strcmp(p->name, "*"), "star import");
  p = imp(8);
  CHECK(p && p->kind == PS_IMPORT_DYNAMIC && !strcmp(p->module, "n.o"), "il.import_module('n.o')");
  p = imp(9);
  CHECK(p && p->kind == PS_IMPORT_DYNAMIC && !strcmp(p->module, "p"), "__import__('p')");
}

static void test_guards(void) {
  summarize("try:\n    import a\nexcept (ValueError, ImportError):\n    a = None\n"
            "try:\n    import b\nexcept KeyError:\n    pass\n"
            "import sys\nif sys.version_info < (3, 12):\n    import c\nelse:\n    import d\n"
            "if sys.version_info >= (3, 13):\n    import e\nelse:\n    import f\n"
            "if (3, 11) >= sys.version_info:\n    import g\n"
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import h\n"
            "def fn():\n    import i\n");
  struct { const char *mod; unsigned guards; unsigned below; bool module_level; } want[] = {
      {"a", PS_GUARD_TRY_IMPORT_ERROR, 0, true}, {"b", 0, 0, true},
      {"sys", 0, 0, true},
      {"c", PS_GUARD_VERSION_OLD, 312, true}, {"d", PS_GUARD_VERSION_NEW, 0, true},
      {"e", PS_GUARD_VERSION_NEW, 0, true}, {"f", PS_GUARD_VERSION_OLD, 313, true},
      {"g", PS_GUARD_VERSION_OLD, 312, true},
      {"typing", 0, 0, true}, {"h", PS_GUARD_TYPE_CHECKING, 0, true},
      {"i", 0, 0, false},
  };
  size_t wi = 0;
  for (size_t i = 0; i < sum.imports.size && wi < sizeof want / sizeof want[0]; i++) {
    const PsImport *p = imp(i);
    const char *m = p->kind == PS_IMPORT_FROM ? p->name : p->module;
    CHECK(!strcmp(want[wi].mod, p->module) || !strcmp(want[wi].mod, m), "import %zu is %s, want %s", i, p->module,
          want[wi].mod);
    CHECK(p->guards == want[wi].guards, "%s guards %u, want %u", p->module, p->guards, want[wi].guards);
    CHECK(p->version_below == want[wi].below, "%s below %u, want %u", p->module, p->version_below, want[wi].below);
    CHECK(p->module_level == want[wi].module_level, "%s module level", p->module);
    wi++;
  }
  CHECK_INT(wi, sizeof want / sizeof want[0]);
}

static void test_defs_and_mutations(void) {
  summarize("CACHE = {}\ncount = 0\nclass Reg:\n    seen = set()\n    def add(self, x):\n        self.items[x] = 1\n"
            "        Reg.seen.add(x)\n        self.n += 1\n"
            "def bump():\n    global count\n    count += 1\n    CACHE.setdefault('k', []).append(1)\n    CACHE['a'] = 2\n");
  const char *defs[] = {"CACHE", "count", "Reg", "Reg.add", "bump"};
  size_t nd = 0;
  for (size_t i = 0; i < sum.defs.size && nd < 5; i++)
    if (!strcmp(sum.defs.items[i].name, defs[nd])) nd++;
  CHECK_INT(nd, 5);
  struct { PsMutationKind kind; const char *target; const char *scope; } want[] = {
      {PS_MUT_SUBSCRIPT, "self.items", "Reg.add"}, {PS_MUT_METHOD, "Reg.seen", "Reg.add"},
      {PS_MUT_AUGASSIGN, "self.n", "Reg.add"},     {PS_MUT_GLOBAL, "count", "bump"},
      {PS_MUT_AUGASSIGN, "count", "bump"},         {PS_MUT_SUBSCRIPT, "CACHE", "bump"},
  };
  size_t found = 0;
  for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
    for (size_t i = 0; i < sum.mutations.size; i++) {
      const PsMutation *m = &sum.mutations.items[i];
      if (m->kind == want[k].kind && !strcmp(m->target, want[k].target) && !strcmp(m->scope, want[k].scope)) {
        found++;
        break;
      }
    }
  CHECK_INT(found, sizeof want / sizeof want[0]);
  bool call_append = false;
  for (size_t i = 0; i < sum.calls.size; i++) call_append |= !strcmp(sum.calls.items[i].callee, "Reg.seen.add");
  CHECK(call_append, "calls record dotted callees");
}

static const char *resolve(const char *chain, const char *scope) {
  return ps_summary_resolve(&sum, chain, scope, arena, NULL);
}

static void test_resolve(void) {
  summarize("import unittest as ut\nimport os.path\nfrom ssl import wrap_socket as ws\nimport configparser\n"
            "cp = configparser.ConfigParser()\n"
            "def f(ut, x=1, *args, **kw):\n    import gzip\n    g = gzip.GzipFile()\n    return ut.x\n"
            "class C:\n    ws = 1\n    def m(self):\n        return ws\n"
            "for os in []:\n    pass\n"
            "try:\n    import imp\nexcept ImportError:\n    imp = None\n");
  const char *r;
  r = resolve("ut.makeSuite", "");
  CHECK(r && !strcmp(r, "unittest.makeSuite"), "alias: %s", r ? r : "(null)");
  r = resolve("ws", "");
  CHECK(r && !strcmp(r, "ssl.wrap_socket"), "from-import alias: %s", r ? r : "(null)");
  r = resolve("cp.readfp", "");
  CHECK(r && !strcmp(r, "configparser.ConfigParser.readfp"), "constructor receiver: %s", r ? r : "(null)");
  CHECK(resolve("ut.x", "f") == NULL, "parameter shadows the import");
  r = resolve("g.filename", "f");
  CHECK(r && !strcmp(r, "gzip.GzipFile.filename"), "function-scope import and receiver: %s", r ? r : "(null)");
  r = resolve("ws", "C.m");
  CHECK(r && !strcmp(r, "ssl.wrap_socket"), "class-level names are invisible from methods: %s", r ? r : "(null)");
  CHECK(resolve("ws", "C") == NULL, "class-level binding shadows in the class body");
  CHECK(resolve("os.path.join", "") == NULL, "for-loop target shadows the import");
  CHECK(resolve("imp.reload", "") == NULL, "import with a fallback assignment is ambiguous");
  CHECK(resolve("nothing.here", "") == NULL, "unbound");
  unsigned g = 0;
  summarize("try:\n    import imp\nexcept ImportError:\n    pass\n");
  r = ps_summary_resolve(&sum, "imp.reload", "", arena, &g);
  CHECK(r && (g & PS_GUARD_TRY_IMPORT_ERROR), "guards of the binding are passed on");
  summarize("import smtplib\ns = smtplib.SMTP()\ns.starttls(keyfile=k, certfile=c)\n");
  CHECK_INT(sum.kwargs.size, 2);
  CHECK(sum.kwargs.size == 2 && !strcmp(sum.kwargs.items[1].name, "certfile"), "keyword names");
}


/* The copy-out into a PsFileFacts: qualified names, resolved relative
 * imports, positions, keyword values by call (nested calls included), and
 * the record standing alone once the arena is reset. */
static void test_facts(void) {
  summarize("import threading\n"
            "from ..util import cache as c\n"
            "_seen = {}\n"
            "class Worker(threading.Thread):\n"
            "    lock = threading.Lock()\n"
            "    def run(self):\n"
            "        _seen[1] = 2\n"
            "def start():\n"
            "    t = threading.Thread(target=g(x=1), name='w', daemon=True)\n");
  PsFileFacts *f = ps_facts_new("pkg/sub/mod.py", "pkg.sub.mod", false);
  ps_summary_copy_facts(&sum, &s, PS_FACT_IMPORTS | PS_FACT_DEFS | PS_FACT_CALLS | PS_FACT_BINDINGS | PS_FACT_ACCESSES,
                        arena, f);
  ps_source_release(&s);
  ps_arena_reset(arena); /* nothing of the record may point into it */
  CHECK_INT(f->imports.size, 2);
  if (f->imports.size == 2) {
    CHECK_STR(f->imports.items[0].module, "threading");
    CHECK_STR(f->imports.items[0].scope, "pkg.sub.mod");
    CHECK_STR(f->imports.items[1].module, "pkg.util");
    CHECK_STR(f->imports.items[1].name, "cache");
    CHECK_STR(f->imports.items[1].alias, "c");
    CHECK_INT(f->imports.items[1].pos.line, 2);
  }
  bool run = false, worker = false;
  for (size_t i = 0; i < f->defs.size; i++) {
    run |= !strcmp(f->defs.items[i].qualname, "pkg.sub.mod.Worker.run") && f->defs.items[i].pos.line == 6;
    worker |= !strcmp(f->defs.items[i].qualname, "pkg.sub.mod.Worker") && f->defs.items[i].bases &&
              !strcmp(f->defs.items[i].bases, "threading.Thread");
  }
  CHECK(run, "def Worker.run qualified, at line 6");
  CHECK(worker, "class Worker with its bases");
  const PsFactCall *thread = NULL, *g = NULL;
  for (size_t i = 0; i < f->calls.size; i++) {
    if (!strcmp(f->calls.items[i].callee, "threading.Thread") && f->calls.items[i].pos.line == 9)
      thread = &f->calls.items[i];
    if (!strcmp(f->calls.items[i].callee, "g")) g = &f->calls.items[i];
  }
  CHECK(thread != NULL, "the Thread call");
  if (thread) {
    CHECK_STR(thread->scope, "pkg.sub.mod.start");
    CHECK_STR(thread->resolved, "threading.Thread");
    CHECK_INT(thread->n_kwargs, 3);
    if (thread->n_kwargs == 3) {
      CHECK_STR(f->kwargs.items[thread->first_kwarg].name, "target");
      CHECK_STR(f->kwargs.items[thread->first_kwarg].value, "g(x=1)");
      CHECK_STR(f->kwargs.items[thread->first_kwarg + 1].value, "'w'");
      CHECK_STR(f->kwargs.items[thread->first_kwarg + 2].value, "True");
    }
  }
  CHECK(g && g->n_kwargs == 1 && !strcmp(f->kwargs.items[g->first_kwarg].value, "1"), "the nested call's keyword");
  bool seen = false, lock = false, local_t = false;
  for (size_t i = 0; i < f->bindings.size; i++) {
    seen |= !strcmp(f->bindings.items[i].name, "_seen") && !strcmp(f->bindings.items[i].scope, "pkg.sub.mod");
    lock |= !strcmp(f->bindings.items[i].name, "lock") && !strcmp(f->bindings.items[i].scope, "pkg.sub.mod.Worker");
    local_t |= !strcmp(f->bindings.items[i].name, "t");
  }
  CHECK(seen, "module-level binding _seen");
  CHECK(lock, "class-level binding Worker.lock");
  CHECK(!local_t, "function locals are not shared bindings");
  bool mut = false;
  for (size_t i = 0; i < f->accesses.size; i++)
    mut |= !strcmp(f->accesses.items[i].target, "_seen") && !strcmp(f->accesses.items[i].scope, "pkg.sub.mod.Worker.run") &&
           f->accesses.items[i].pos.line == 7;
  CHECK(mut, "the write to _seen in Worker.run");
  ps_facts_delete(f);
}

int main(void) {
  PsError err;
  CHECK(ps_parser_new(&parser, &err) == 0, "parser");
  walker = ps_walker_new();
  arena = ps_arena_new(0);
  ps_summary_init(&sum);
  test_imports();
  test_guards();
  test_defs_and_mutations();
  test_resolve();
  test_facts();
  ps_summary_free(&sum);
  ps_arena_delete(arena);
  ps_walker_delete(walker);
  ps_parser_delete(parser);
  return CHECK_DONE();
}
