/* parse_scan_fuzz.c: libFuzzer target for the whole per-file pipeline.
 *
 * The input is the bytes of one Python file, scanned as "fuzz.py" by
 * ps_engine_scan: decoding (BOM, coding cookie, invalid UTF-8), parsing, the
 * summary walk, every built-in analysis, the combined query, suppression
 * comments, positions, messages and fingerprints.
 *
 * The registry, the engine and one PsScanWorker are built once, on the first
 * call, from every rule in the source tree's rules/ directory
 * (PS_FUZZ_RULES_DIR, or $PYSHIFT_RULES_DIR), each selected by its exact id
 * so explicit-only rules are on too, with target 3.15t (free-threaded, the
 * newest) so no target bound switches a rule off. The prefilter is disabled
 * so every input is parsed and analysed. A rule directory that does not load
 * cleanly aborts: a fuzzer running without its rules finds nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/run.h"

#ifndef PS_FUZZ_RULES_DIR
#error "build with -DPS_FUZZ_RULES_DIR=\"<source>/rules\""
#endif

static PsRegistry *registry;
static const PsRule **enabled;
static PsEngine *engine;
static PsScanWorker *worker;

static void die(const char *what, const PsError *err) {
  fprintf(stderr, "parse_scan_fuzz: %s\n", what);
  if (err) ps_error_print(err, stderr);
  abort();
}

static void on_rule_error(void *ctx, const PsError *err) {
  (void)ctx;
  die("a rule file does not load", err);
}

/* A stand-in project: `mypkg` is first-party, so `import mypkg.cgi`-style
 * lookups take the first-party path too. */
static bool is_first_party(const void *project, const char *top, size_t len) {
  (void)project;
  return len == 5 && memcmp(top, "mypkg", 5) == 0;
}

static void setup(void) {
  PsError err;
  ps_error_clear(&err);
  const char *dir = getenv("PYSHIFT_RULES_DIR");
  if (!dir || !*dir) dir = PS_FUZZ_RULES_DIR;
  registry = ps_registry_new();
  if (ps_registry_load_dir(registry, dir, on_rule_error, NULL) != 0) die("cannot load the rules directory", NULL);
  size_t n = ps_registry_count(registry);
  if (n == 0) die("no rules loaded", NULL);

  const char **ids = calloc(n, sizeof *ids);
  for (size_t i = 0; i < n; i++) ids[i] = ps_registry_at(registry, i)->meta.id;
  PsSelection sel = {0};
  sel.select = ids;
  sel.n_select = n;
  sel.target = (PsPyVersion){3, 15, true};
  sel.min_python = (PsPyVersion){3, 9, false};
  size_t n_enabled = 0;
  if (ps_registry_select(registry, &sel, &enabled, &n_enabled, &err) != 0) die("rule selection failed", &err);
  free(ids);

  PsEngineOptions opts = {0};
  opts.target = sel.target;
  opts.min_python = sel.min_python;
  opts.fingerprints = true;
  opts.no_prefilter = true;
  opts.is_first_party = is_first_party;
  if (ps_engine_new(&engine, enabled, n_enabled, &opts, &err) != 0) die("ps_engine_new failed", &err);
  if (!(worker = ps_scan_worker_new(engine, &err))) die("ps_scan_worker_new failed", &err);
  fprintf(stderr, "parse_scan_fuzz: %zu of %zu rules enabled from %s\n", n_enabled, n, dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  setup();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  PsFileResult *res = ps_engine_scan(worker, "fuzz.py", (const char *)data, size);
  /* Touch every string the reporters would print. */
  size_t sum = 0;
  for (size_t i = 0; i < res->n_findings; i++) {
    const PsFinding *f = &res->findings[i];
    if (f->range.start.line == 0 || f->range.start.byte > f->range.end.byte) abort();
    sum += strlen(f->message) + strlen(f->source_line) + (f->fingerprint ? strlen(f->fingerprint) : 0);
  }
  for (size_t i = 0; i < res->n_errors; i++) sum += strlen(res->errors[i]);
  ps_file_result_free(res);
  return sum == (size_t)-1;
}
