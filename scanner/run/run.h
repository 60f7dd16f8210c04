/* run.h: one scan from configuration to exit code, and the per-file engine.
 *
 * ps_run walks the paths, loads and selects rules, builds the engine once,
 * scans files on --jobs worker threads and hands each file's result to the
 * reporters in sorted path order, so output is identical whatever the
 * number of workers.
 *
 * The engine is the `match` stage: prefilter -> parse -> one summary walk
 * with the built-in analyses -> one query pass -> suppressions ->
 * findings. It is immutable after ps_engine_new and shared by workers; each
 * worker has a PsScanWorker with its own parser, cursor, match data and
 * arena.
 */
#ifndef PS_RUN_RUN_H
#define PS_RUN_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "analysis/analysis.h"
#include "config/config.h"
#include "core/core.h"
#include "rules/rules.h"

/* Runs `pyshift check` with `cfg`; returns the exit code (0, 1 or 2). argv is
 * recorded in SARIF. */
int ps_run_check(PsConfig *cfg, int argc, char **argv);

/* `pyshift clean`: removes the result cache that `pyshift check` with cfg
 * would use (run/cache.c; only the files the cache writes, never anything
 * else in a --cache-dir). Returns the exit code (0). */
int ps_run_clean_cache(const PsConfig *cfg);

/* Loads the built-in rules (PYSHIFT_RULES_DIR, else the source tree's
 * rules/, else the installed ones) and cfg's extra rule directories into a
 * new registry. Bad rule files are printed and counted in *n_errors. */
PsRegistry *ps_run_load_rules(const PsConfig *cfg, size_t *n_errors);
/* The directory of the built-in rules that ps_run_load_rules uses. */
const char *ps_run_builtin_rules_dir(void);

typedef struct PsEngine PsEngine;

/* Rounds of fixing per file: fixes that overlap, or nest
 * (`Optional[List[int]]`), are applied in later rounds. */
#define PS_FIX_MAX_ROUNDS 10
typedef struct PsScanWorker PsScanWorker;

typedef struct PsEngineOptions {
  PsPyVersion target;
  PsPyVersion min_python;
  size_t max_file_size;     /* 0: no limit but the parser's */
  size_t max_file_memory;   /* per-file memory budget (core/arena.h), 0: none */
  unsigned long long parse_budget_us; /* 0: none */
  bool fingerprints;        /* compute primaryLocationLineHash (JSON, SARIF) */
  bool parse_only;          /* benchmark baseline: load and parse, no rules */
  bool no_prefilter;        /* parse every file even when no rule can fire */
  PsFixMode fix_mode;       /* OFF: findings keep their fixes, nothing is applied */
  bool unsafe_fixes;        /* apply unsafe fixes too */
  bool add_noqa;            /* --add-noqa: the result's `fixed` bytes hold suppression comments */
  /* --report-unused-ignores: `# pyshift: ignore` codes that suppress
   * nothing become PS100 findings (ps_run_unused_rule). Codes are judged
   * only for rules all enabled here (from `registry`) and none a project
   * rule: a code for a rule this run did not check may still be needed. */
  bool unused_ignores;
  const PsRegistry *registry;
  const PsPerFileIgnore *per_file_ignores;
  size_t n_per_file_ignores;
  /* The module layout: first-party top-level names (RM001 and the
   * removed-APIs analysis) and each file's dotted module name (facts). */
  const PsModules *modules;
  /* The free-threading analysis: --ft-mode and [tool.pyshift.ft] rows
   * (see PsJoinContext). */
  int ft_mode;
  const char *const *ft_rows;
  size_t n_ft_rows;
} PsEngineOptions;

/* Builds the engine for the enabled `rules` (borrowed, must outlive it). */
int ps_engine_new(PsEngine **out, const PsRule *const *rules, size_t n, const PsEngineOptions *opts,
                  PsError *err);
void ps_engine_delete(PsEngine *self);

PsScanWorker *ps_scan_worker_new(const PsEngine *engine, PsError *err);
void ps_scan_worker_delete(PsScanWorker *self);
/* Scans one file, from disk (bytes == NULL) or from memory. Never fails:
 * problems are in the result's errors. The caller frees the result.
 *
 * With a fix mode, once the findings are final the applicable fixes are
 * applied to the decoded text (in order of position; a fix that overlaps
 * one already taken waits for the next round), the new text is parsed and
 * scanned again, and so on for at most PS_FIX_MAX_ROUNDS rounds. If a round
 * adds syntax errors, the file keeps its original text and findings and
 * gets an error. The result holds the remaining findings, n_fixed, and the
 * new bytes (APPLY: `fixed`, encoded as the file was read) or their diff
 * (DIFF: `diff`). Nothing is written here. */
PsFileResult *ps_engine_scan(PsScanWorker *w, const char *path, const char *bytes, size_t len);

/* PS100 unused-suppression, the built-in diagnostic of
 * --report-unused-ignores (no rule file: it reports on the suppressions,
 * not on code). Process lifetime. */
const PsRule *ps_run_unused_rule(void);

/* ---- the project stage ------------------------------------------------------------ */

/* The PS_FACT_* the enabled project analyses need from every file (0: no
 * analysis has a join step, and no facts are kept). */
unsigned ps_engine_facts(const PsEngine *self);
/* The facts of the file ps_engine_scan just scanned, handed over (the
 * caller owns them), or NULL: no project analysis needed this file. They
 * describe the text the file will hold: with --fix, the fixed one. */
PsFileFacts *ps_scan_worker_take_facts(PsScanWorker *w);
/* The PS_FACT_CLASSES facts of the file at `path` alone, read because a
 * join needs them (ps_engine_wanted), whatever the gates say; NULL if it
 * cannot be read or parsed in its budget, or holds no class with bases. */
PsFileFacts *ps_engine_scan_facts(PsScanWorker *w, const char *path);
/* The qualified names whose modules' facts the joins still need. */
void ps_engine_wanted(const PsEngine *self, PsProjectIndex *index, void (*want)(void *, const char *), void *ctx);
/* After the last file: each project analysis class's join step, once,
 * over the index; findings go to emit. Main thread. */
void ps_engine_join(const PsEngine *self, PsProjectIndex *index, const PsModules *modules,
                    const PsProjectEmitter *emit);
/* True if a per-file-ignores entry of the configuration drops rule `id`
 * in `path`. */
bool ps_engine_per_file_ignored(const PsEngine *self, const char *path, const char *id);

#endif
