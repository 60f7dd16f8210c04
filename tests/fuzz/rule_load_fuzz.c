/* rule_load_fuzz.c: libFuzzer target for rule files.
 *
 * The input is one rule file, loaded with ps_registry_load_text into a fresh
 * registry (front matter YAML, fenced ```query and ```table blocks, message
 * template, version constraints, prefilter regex). A load error is formatted
 * and printed into a memory stream, caret line included. A rule that loads
 * is then compiled into a PsQuerySet (tree-sitter query, typed predicates,
 * PCRE2) and run over a small fixed Python snippet, rendering its message
 * template for each match, and finally built into an engine (which checks
 * the analysis parameters and table) that scans the same snippet.
 *
 * The snippet is parsed once, on the first call; its tree is only read.
 * The corpus holds inputs just over each size limit of load.c (YAML depth,
 * query bytes, nesting, patterns and alternatives, node patterns: the
 * yaml_deep_* and query_too_* files) and at them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/parse.h"
#include "run/run.h"

static const char SNIPPET[] =
    "# -*- coding: utf-8 -*-\n"
    "import cgi, os.path as p  # noqa: RM001\n"
    "from distutils.version import LooseVersion  # pyshift: ignore[RM]\n"
    "import _sha256\n"
    "try:\n"
    "    import imp\n"
    "except ImportError:\n"
    "    imp = None\n"
    "if sys.version_info < (3, 12):\n"
    "    import asyncore\n"
    "x = __import__(\"telnetlib\")\n"
    "y = importlib.import_module(\"nntplib\")\n"
    "counter = 0\n"
    "def bump(n: int = 1) -> int:\n"
    "    global counter\n"
    "    counter += n\n"
    "    return eval(f\"{counter!r}\")\n"
    "class C(Base, metaclass=M):\n"
    "    @property\n"
    "    def v(self): return [i for i in range(3) if i]\n"
    "async def main():\n"
    "    async with lock:\n"
    "        await asyncio.sleep(0)\n"
    "match cmd:\n"
    "    case {\"x\": [1, *rest]}: pass\n"
    "s = 'caf\\u00e9' + \"\"\"tri\n"
    "ple\"\"\" + b'\\xff'\n"
    "type Alias[T] = list[T]\n";

static PsParser *parser;
static PsArena *arena;
static PsSource source;
static FILE *sink;
static char sink_buf[8192];

static void setup(void) {
  PsError err;
  if (ps_parser_new(&parser, &err) != 0) abort();
  arena = ps_arena_new(0);
  if (ps_source_load_bytes(&source, arena, "snippet.py", SNIPPET, sizeof SNIPPET - 1, &err) != 0) abort();
  if (ps_source_parse(&source, parser, 0, &err) != 0) abort();
  sink = fmemopen(sink_buf, sizeof sink_buf, "w");
  if (!sink) abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  setup();
  return 0;
}

typedef struct Ctx {
  const PsQuerySet *set;
  const PsQueryMatch *m;
  size_t total;
} Ctx;

/* Template lookup over the match's captures, as the engine does it. */
static const char *lookup(void *vctx, const char *name, size_t name_len, size_t *len) {
  Ctx *c = vctx;
  for (uint16_t i = 0; i < c->m->n_captures; i++) {
    uint32_t cl;
    const char *cn = ps_queryset_capture_name(c->set, c->m->captures[i].index, &cl);
    if (cl == name_len && memcmp(cn, name, cl) == 0) {
      TSNode n = c->m->captures[i].node;
      *len = ts_node_end_byte(n) - ts_node_start_byte(n);
      return source.text + ts_node_start_byte(n);
    }
  }
  return NULL;
}

static void on_match(void *vctx, const PsQueryMatch *m) {
  Ctx *c = vctx;
  c->m = m;
  if (ts_node_end_byte(m->report) > source.len) abort();
  char *msg = ps_template_render(m->rule->meta.message, lookup, c);
  c->total += strlen(msg);
  free(msg);
}

static void run_rule(const PsRule *rule) {
  PsError err;
  ps_error_clear(&err);
  PsQuerySet *set = NULL;
  if (ps_queryset_new(&set, &rule, 1, &err) == 0) {
    if (ps_queryset_query(set)) {
      PsQueryRunner *runner = ps_query_runner_new(set);
      Ctx c = {set, NULL, 0};
      ps_query_runner_exec(runner, ts_tree_root_node(source.tree), source.text, 2000000, on_match, &c);
      ps_query_runner_delete(runner);
    }
    ps_queryset_delete(set);
  }

  /* The engine validates analysis parameters and tables too. */
  PsEngineOptions opts = {0};
  opts.target = (PsPyVersion){3, 15, true};
  opts.min_python = (PsPyVersion){3, 9, false};
  opts.no_prefilter = (rule->meta.id[0] & 1) != 0; /* both paths, cheaply */
  PsEngine *engine = NULL;
  ps_error_clear(&err);
  if (ps_engine_new(&engine, &rule, 1, &opts, &err) == 0) {
    PsScanWorker *w = ps_scan_worker_new(engine, &err);
    if (w) {
      ps_file_result_free(ps_engine_scan(w, "snippet.py", SNIPPET, sizeof SNIPPET - 1));
      ps_scan_worker_delete(w);
    }
  }
  ps_engine_delete(engine); /* set even when ps_engine_new fails */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  PsRegistry *reg = ps_registry_new();
  PsError err;
  ps_error_clear(&err);
  /* Not "*.rule": a path ending in .rule must be named after the rule's id
   * and name, which "fuzz.rule" never is, so every rule was rejected and
   * run_rule never ran (found for issue 14). */
  if (ps_registry_load_text(reg, "fuzz-input", (const char *)data, size, &err) == 0) {
    if (ps_registry_count(reg) != 1) abort();
    run_rule(ps_registry_at(reg, 0));
  } else {
    char buf[PS_ERROR_PATH_MAX + PS_ERROR_MSG_MAX + 64];
    ps_error_format(&err, buf, sizeof buf);
    rewind(sink);
    ps_error_print(&err, sink);
    fflush(sink);
  }
  ps_registry_delete(reg);
  return 0;
}
