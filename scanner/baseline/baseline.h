/* baseline.h: the findings a project has accepted (--baseline,
 * --write-baseline).
 *
 * A baseline is a JSON file (docs/output-formats.md#baseline-files) listing
 * findings by a key that survives edits elsewhere in the file: the rule id,
 * the file's path relative to the baseline file's directory, a hash of the
 * finding's source line with all whitespace removed, and the occurrence
 * index of that (rule, path, hash) triple in the run's finding order. Line
 * and column numbers are stored for people, never matched. So a finding
 * keeps matching when lines are added above it, when its line is
 * re-indented or re-spaced, and when other lines change; it becomes new
 * when its own line changes, or when a copy of the line with the same
 * finding appears before it.
 *
 * One PsBaseline either records (ps_baseline_new, ps_baseline_record,
 * ps_baseline_serialize) or matches (ps_baseline_load, ps_baseline_match,
 * ps_baseline_absent). Main thread only; the caller feeds files in the
 * run's order (per-file findings in path order, then project findings), the
 * same order for writing and for matching.
 */
#ifndef PS_BASELINE_BASELINE_H
#define PS_BASELINE_BASELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/core.h"

/* The format version this pyshift writes and reads (`"pyshift-baseline"`). */
#define PS_BASELINE_VERSION 1

typedef struct PsBaseline PsBaseline;

/* One recorded finding. Strings belong to the baseline. */
typedef struct PsBaselineEntry {
  char *rule;
  char *path;    /* relative to the baseline file's directory (or absolute outside it) */
  char *hash;    /* 16 lower-case hex digits */
  unsigned occurrence;
  unsigned line, column; /* where it was when recorded (for people) */
  char *message; /* may be NULL */
  char *fingerprint; /* GitHub's primaryLocationLineHash when recorded ("hex:n"), or NULL */
  bool matched;  /* a finding of this run matched it */
} PsBaselineEntry;

/* An empty baseline that will be written to `file` (paths are made relative
 * to file's directory). Never fails. */
PsBaseline *ps_baseline_new(const char *file);
/* Reads the baseline `file`. A missing or unreadable file, bad JSON, a
 * version other than PS_BASELINE_VERSION, or an entry without its rule,
 * path, hash or occurrence is an error (PS_E_IO or PS_E_CONFIG, with
 * file:line:col for JSON errors): never an empty baseline. */
int ps_baseline_load(PsBaseline **out, const char *file, PsError *err);
void ps_baseline_delete(PsBaseline *self);

/* Adds fs[0..n), the reported findings of `path` (as displayed), to a
 * baseline made with ps_baseline_new. */
void ps_baseline_record(PsBaseline *self, const char *path, const PsFinding *fs, size_t n);
/* The recorded baseline as JSON text (sorted by path, line, column, rule,
 * occurrence; byte-stable), heap; *n_entries receives the number of
 * findings in it. */
char *ps_baseline_serialize(const PsBaseline *self, size_t *n_entries);

/* Sets fs[i].baseline to PS_BASELINE_UNCHANGED for each finding of `path`
 * that a loaded baseline holds (each entry matches once), else
 * PS_BASELINE_NEW. Returns the number of unchanged ones. */
size_t ps_baseline_match(PsBaseline *self, const char *path, PsFinding *fs, size_t n);
/* Notes that `path` was checked in full, for ps_baseline_absent. */
void ps_baseline_saw(PsBaseline *self, const char *path);
/* The entries no finding matched among those of the files this run
 * checked (a file left out of the run is not "absent"), in the file's
 * order: *out and *paths (each entry's path as this run displays it) are
 * arrays of borrowed pointers that the caller frees (the arrays only). */
size_t ps_baseline_absent(const PsBaseline *self, const PsBaselineEntry ***out, const char ***paths);
/* How the baseline names `path` (as displayed in this run): heap. */
char *ps_baseline_key_path(const PsBaseline *self, const char *path);
/* The number of entries. */
size_t ps_baseline_size(const PsBaseline *self);

#endif
