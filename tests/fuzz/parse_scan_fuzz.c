/* parse_scan_fuzz.c: libFuzzer target for the whole per-file pipeline.
 *
 * The input is the bytes of one Python file, scanned as "fuzz.py" by
 * ps_engine_scan: decoding (BOM, coding cookie, invalid UTF-8), parsing, the
 * summary walk, every built-in analysis, the combined query, suppression
 * comments, positions, messages and fingerprints.
 *
 * The registry, the engines and their PsScanWorkers are built once, in
 * LLVMFuzzerInitialize, from every rule in the source tree's rules/
 * directory (PS_FUZZ_RULES_DIR, or $PYSHIFT_RULES_DIR), each selected by its
 * exact id so explicit-only rules are on too. Rules' target bounds may
 * exclude each other, so as few engines as needed (usually one, 3.14t or
 * 3.15t) are built to switch every rule on, and each input is scanned by all
 * of them. The prefilter is disabled so every input is parsed and analysed. A rule directory that does not load
 * cleanly aborts: a fuzzer running without its rules finds nothing.
 *
 * The engines run in --diff mode with unsafe fixes on, so every fix a rule
 * offers is applied in memory (rounds, reparses, rescans, re-encoding into
 * the input's coding cookie) and diffed; nothing is written.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/run.h"

#ifndef PS_FUZZ_RULES_DIR
#error "build with -DPS_FUZZ_RULES_DIR=\"<source>/rules\""
#endif

/* One engine per target version needed to switch every rule on. */
#define MAX_ENGINES 8

static PsRegistry *registry;
static size_t n_engines;
static const PsRule **enabled[MAX_ENGINES];
static PsEngine *engines[MAX_ENGINES];
static PsScanWorker *workers[MAX_ENGINES];

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
static PsModules modules;

static const PsModules *stand_in_modules(void) {
  if (!modules.first_party.map.size) {
    ps_strset_init(&modules.first_party);
    ps_strset_init(&modules.dir_package);
    ps_strset_put(&modules.first_party, "mypkg", 5, NULL);
  }
  return &modules;
}

/* Target versions to try, newest first; free-threaded so free-threaded-only
 * rules are on. */
static const PsPyVersion TARGETS[] = {
    {3, 15, true}, {3, 14, true}, {3, 13, true}, {3, 12, true}, {3, 11, false}, {3, 10, false}, {3, 9, false},
};
#define N_TARGETS (sizeof TARGETS / sizeof TARGETS[0])

static void setup(void) {
  PsError err;
  ps_error_clear(&err);
  const char *dir = getenv("PYSHIFT_RULES_DIR");
  if (!dir || !*dir) dir = PS_FUZZ_RULES_DIR;
  registry = ps_registry_new();
  if (ps_registry_load_dir(registry, dir, on_rule_error, NULL) != 0) die("cannot load the rules directory", NULL);
  size_t n = ps_registry_count(registry);
  if (n == 0) die("no rules loaded", NULL);

  /* Every rule by its exact id, so explicit-only rules are on too. */
  const char **ids = calloc(n, sizeof *ids);
  bool *covered = calloc(n, sizeof *covered);
  for (size_t i = 0; i < n; i++) ids[i] = ps_registry_at(registry, i)->meta.id;
  PsSelection sel = {0};
  sel.select = ids;
  sel.n_select = n;
  /* 3.14: every TY rule has work to do (the PEP 695 rules need 3.12, TY102
   * 3.14); RM/DP rules do not read it. */
  sel.min_python = (PsPyVersion){3, 14, false};

  /* Version bounds differ between rules (DP006 wants a target below 3.15,
   * RM005 one from 3.14), so no single target may switch all of them on.
   * Greedily pick the target that enables the most rules not yet covered,
   * until none adds any. */
  size_t n_covered = 0;
  while (n_engines < MAX_ENGINES && n_covered < n) {
    size_t best = N_TARGETS, best_gain = 0;
    for (size_t t = 0; t < N_TARGETS; t++) {
      const PsRule **list = NULL;
      size_t m = 0, gain = 0;
      sel.target = TARGETS[t];
      if (ps_registry_select(registry, &sel, &list, &m, &err) != 0) die("rule selection failed", &err);
      for (size_t i = 0; i < m; i++)
        for (size_t k = 0; k < n; k++)
          if (ps_registry_at(registry, k) == list[i] && !covered[k]) gain++;
      free(list);
      if (gain > best_gain) best = t, best_gain = gain;
    }
    if (best == N_TARGETS) break;
    size_t m = 0;
    sel.target = TARGETS[best];
    if (ps_registry_select(registry, &sel, &enabled[n_engines], &m, &err) != 0) die("rule selection failed", &err);
    for (size_t i = 0; i < m; i++)
      for (size_t k = 0; k < n; k++)
        if (ps_registry_at(registry, k) == enabled[n_engines][i] && !covered[k]) covered[k] = true, n_covered++;

    PsEngineOptions opts = {0};
    opts.target = sel.target;
    opts.min_python = sel.min_python;
    opts.fingerprints = true;
    opts.no_prefilter = true;
    opts.fix_mode = PS_FIX_DIFF;
    opts.unsafe_fixes = true;
    opts.modules = stand_in_modules();
    if (ps_engine_new(&engines[n_engines], enabled[n_engines], m, &opts, &err) != 0) die("ps_engine_new failed", &err);
    if (!(workers[n_engines] = ps_scan_worker_new(engines[n_engines], &err))) die("ps_scan_worker_new failed", &err);
    char v[16];
    ps_pyver_format(sel.target, v, sizeof v);
    fprintf(stderr, "parse_scan_fuzz: engine %zu: target %s, %zu rules\n", n_engines, v, m);
    n_engines++;
  }
  fprintf(stderr, "parse_scan_fuzz: %zu of %zu rules from %s enabled in %zu engine(s)\n", n_covered, n, dir,
          n_engines);
  for (size_t k = 0; k < n; k++)
    if (!covered[k]) fprintf(stderr, "parse_scan_fuzz: no target enables %s\n", ps_registry_at(registry, k)->meta.id);
  free(covered);
  free(ids);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  setup();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  size_t sum = 0;
  for (size_t e = 0; e < n_engines; e++) {
    PsFileResult *res = ps_engine_scan(workers[e], "fuzz.py", (const char *)data, size);
    /* Touch every string the reporters would print. */
    for (size_t i = 0; i < res->n_findings; i++) {
      const PsFinding *f = &res->findings[i];
      if (f->range.start.line == 0 || f->range.start.byte > f->range.end.byte) abort();
      sum += strlen(f->message) + (f->source_line ? strlen(f->source_line) : 0) +
             (f->fingerprint ? strlen(f->fingerprint) : 0);
    }
    for (size_t i = 0; i < res->n_errors; i++) sum += strlen(res->errors[i]);
    if (res->diff && (strncmp(res->diff, "--- fuzz.py\n+++ fuzz.py\n@@ -", 27) || !res->n_fixed)) abort();
    sum += res->diff ? strlen(res->diff) : 0;
    ps_file_result_free(res);
  }
  return sum == (size_t)-1;
}
