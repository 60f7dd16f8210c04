/* test_analysis_ft.c: the free-threading facts of one file (walk_ft.c,
 * ft_facts.c): objects with what they hold, accesses with their kind, the
 * locks held and the test an act depends on, calls with the callables
 * handed on, names resolved through imports, scopes and aliases. */
#include <stdlib.h>

#include "analysis/analysis.h"
#include "check.h"

static PsParser *parser;
static PsWalker *walker;
static PsArena *arena;
static PsSummary sum;
static PsSource s;

/* The facts of `src` as module "pkg.mod" (pkg/mod.py). */
static PsFileFacts *facts(const char *src) {
  PsError err;
  ps_source_release(&s);
  ps_arena_reset(arena);
  CHECK(ps_source_load_bytes(&s, arena, "pkg/mod.py", src, strlen(src), &err) == 0, "load");
  CHECK(ps_source_parse(&s, parser, 0, &err) == 0, "parse");
  ps_walker_summarize(walker, &s, arena, &sum);
  PsFileFacts *f = ps_facts_new("pkg/mod.py", "pkg.mod", false);
  ps_summary_copy_facts(&sum, &s, PS_FACT_FT, arena, f);
  ps_facts_seal(f);
  ps_source_release(&s);
  ps_arena_reset(arena); /* nothing of the record may point into it */
  return f;
}

static const PsFtObject *object(const PsFileFacts *f, const char *key) {
  for (size_t i = 0; i < f->ft->objects.size; i++)
    if (!strcmp(f->ft->objects.items[i].key, key)) return &f->ft->objects.items[i];
  return NULL;
}

/* The first access to key of kind (-1: any) on line. */
static const PsFtAccess *access(const PsFileFacts *f, const char *key, int kind, uint32_t line) {
  for (size_t i = 0; i < f->ft->accesses.size; i++) {
    const PsFtAccess *a = &f->ft->accesses.items[i];
    if (!strcmp(a->key, key) && (kind < 0 || a->kind == kind) && a->pos.line == line) return a;
  }
  return NULL;
}

static const char *lock_of(const PsFileFacts *f, uint32_t set) {
  const PsFtLockSet *ls = &f->ft->locksets.items[set];
  return ls->n ? f->ft->lock_keys.items[ls->first] : NULL;
}

static void test_objects(void) {
  PsFileFacts *f = facts("import collections, threading\n"
                         "from .cache import store\n"
                         "cache = {}\n"
                         "groups = collections.defaultdict(list)\n"
                         "lock = threading.Lock()\n"
                         "stats = {}  # pyshift: benign\n"
                         "class Pool:\n"
                         "    idle = []\n"
                         "    size: int\n"
                         "    def __init__(self):\n"
                         "        self.lock = threading.RLock()\n"
                         "if __name__ == '__main__':\n"
                         "    script_only = {}\n");
  const PsFtObject *o = object(f, "pkg.mod.cache");
  CHECK(o && o->where == PS_FTW_MODULE && o->value == PS_FTV_DICT && o->pos.line == 3, "cache = {}");
  o = object(f, "pkg.mod.groups");
  CHECK(o && o->value == PS_FTV_CALL && o->ctor && !strcmp(o->ctor, "collections.defaultdict"), "defaultdict ctor resolved");
  o = object(f, "pkg.mod.lock");
  CHECK(o && o->ctor && !strcmp(o->ctor, "threading.Lock"), "lock ctor");
  o = object(f, "pkg.mod.stats");
  CHECK(o && (o->markers & PS_FTM_BENIGN), "# pyshift: benign on the defining line");
  o = object(f, "pkg.mod.Pool.idle");
  CHECK(o && o->where == PS_FTW_CLASS && o->value == PS_FTV_LIST, "class-level list");
  CHECK(!object(f, "pkg.mod.Pool.size"), "an annotation alone binds nothing");
  o = object(f, "pkg.mod.Pool.lock");
  CHECK(o && o->where == PS_FTW_INSTANCE && o->ctor && !strcmp(o->ctor, "threading.RLock"), "instance lock in __init__");
  CHECK(!object(f, "pkg.mod.script_only"), "the __main__ block's names are no shared state");
  ps_facts_delete(f);
}

static void test_accesses(void) {
  PsFileFacts *f = facts("import threading\n"
                         "import pkg.other as other\n"
                         "cache = {}\n"
                         "n = 0\n"
                         "_lock = threading.Lock()\n"
                         "def lookup(key, local={}):\n"
                         "    if key not in cache:\n"           /* 7 */
                         "        cache[key] = compute(key)\n"  /* 8 */
                         "    local[key] = 1\n"                 /* 9: a parameter: dropped */
                         "    with _lock:\n"
                         "        cache.pop(key, None)\n"       /* 11 */
                         "    for k in list(cache):\n"          /* 12 */
                         "        print(cache[k])\n"            /* 13 */
                         "    try:\n"
                         "        del cache[key]\n"             /* 15 */
                         "    except KeyError:\n"
                         "        pass\n"
                         "    other.table[key] = 1\n"           /* 18 */
                         "def bump():\n"
                         "    global n\n"
                         "    n += 1\n"                         /* 21 */
                         "def compute(k):\n"
                         "    return k\n");
  const PsFtAccess *t = access(f, "pkg.mod.cache", PS_FTA_TEST_IN, 7);
  const PsFtAccess *a = access(f, "pkg.mod.cache", PS_FTA_ITEM_STORE, 8);
  CHECK(t && (t->flags & PS_FTX_NEGATED), "`key not in cache` is a negated membership test");
  CHECK(a && a->check >= 0 && &f->ft->accesses.items[a->check] == t, "the store depends on the test");
  CHECK(a && a->value == PS_FTV_CALL && a->name && !strcmp(a->name, "pkg.mod.compute"), "the stored call's callee");
  CHECK(a && a->text && !strcmp(a->text, "cache[key] = compute(key)"), "the code shown");
  CHECK(!access(f, "pkg.mod.lookup:local", -1, 9) && f->ft->accesses.size > 0, "locals are dropped");
  const PsFtAccess *pop = access(f, "pkg.mod.cache", PS_FTA_METHOD, 11);
  CHECK(pop && !strcmp(pop->name, "pop") && (pop->flags & PS_FTX_DEFAULT), "pop(key, None) has a default");
  CHECK(pop && lock_of(f, pop->locks) && !strcmp(lock_of(f, pop->locks), "pkg.mod._lock"), "held under _lock");
  const PsFtAccess *snap = access(f, "pkg.mod.cache", PS_FTA_TEST_IN, 12);
  const PsFtAccess *rd = access(f, "pkg.mod.cache", PS_FTA_ITEM_READ, 13);
  CHECK(snap && (snap->flags & PS_FTX_SNAPSHOT), "for k in list(cache): an implicit presence test");
  CHECK(rd && rd->check >= 0 && &f->ft->accesses.items[rd->check] == snap, "cache[k] depends on the snapshot");
  const PsFtAccess *eafp = access(f, "pkg.mod.cache", PS_FTA_ITEM_DEL, 15);
  CHECK(eafp && (eafp->flags & PS_FTX_EAFP), "try/except KeyError");
  CHECK(access(f, "pkg.other.table", PS_FTA_ITEM_STORE, 18) != NULL, "a module's attribute through `import as`");
  const PsFtAccess *rmw = access(f, "pkg.mod.n", PS_FTA_RMW, 21);
  CHECK(rmw && rmw->via == PS_FTVIA_NAME, "global n; n += 1");
  ps_facts_delete(f);
}

static void test_calls(void) {
  PsFileFacts *f = facts("import threading\n"
                         "from concurrent.futures import ThreadPoolExecutor\n"
                         "class Worker:\n"
                         "    def __init__(self):\n"
                         "        self.items = []\n"
                         "    def work(self, x):\n"
                         "        l = self.items\n"
                         "        while l:\n"
                         "            l.pop()\n"                 /* 9 */
                         "    def run(self, xs):\n"
                         "        for x in xs:\n"
                         "            threading.Thread(target=self.work, args=(x,)).start()\n" /* 12 */
                         "def main():\n"
                         "    w = Worker()\n"
                         "    with ThreadPoolExecutor() as ex:\n"
                         "        ex.submit(w.work, 1)\n"        /* 16 */
                         "    w.run([1])\n");
  const PsFtCall *th = NULL, *sub = NULL, *run = NULL;
  for (size_t i = 0; i < f->ft->calls.size; i++) {
    const PsFtCall *c = &f->ft->calls.items[i];
    if (c->target && !strcmp(c->target, "threading.Thread")) th = c;
    if (c->target && !strcmp(c->target, "concurrent.futures.ThreadPoolExecutor.submit")) sub = c;
    if (c->target && !strcmp(c->target, "pkg.mod.Worker.run")) run = c;
  }
  CHECK(th && th->pos.line == 12 && (th->flags & PS_FTC_IN_LOOP), "Thread(...) in a loop");
  CHECK(th && th->n_args >= 1 && !strcmp(f->ft->args.items[th->first_arg].target, "pkg.mod.Worker.work") &&
            f->ft->args.items[th->first_arg].how == PS_FTARG_BOUND,
        "target=self.work: a bound method");
  CHECK(sub && sub->pos.line == 16, "ex.submit through `with ThreadPoolExecutor() as ex`");
  CHECK(run != NULL, "w.run() through w = Worker()");
  const PsFtAccess *pop = access(f, "pkg.mod.Worker.items", PS_FTA_METHOD, 9);
  CHECK(pop && pop->via == PS_FTVIA_SELF && pop->check >= 0, "l.pop() is self.items.pop() after `while l`");
  ps_facts_delete(f);
}

int main(void) {
  PsError err;
  if (ps_parser_new(&parser, &err) != 0) return 1;
  walker = ps_walker_new();
  ps_walker_set_needs(walker, PS_NEED_ALL | PS_NEED_FT);
  arena = ps_arena_new(0);
  ps_summary_init(&sum);
  test_objects();
  test_accesses();
  test_calls();
  ps_summary_free(&sum);
  ps_walker_delete(walker);
  ps_source_release(&s);
  ps_arena_delete(arena);
  ps_parser_delete(parser);
  return CHECK_DONE();
}
