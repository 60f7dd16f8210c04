/* config.h: the run configuration, from the command line and pyproject.toml.
 *
 * PsConfig is filled from `[tool.pyshift]` and `[project] requires-python` of
 * the nearest pyproject.toml, then the command line overrides it. Lists are
 * heap arrays of heap strings owned by the config; ps_config_free releases
 * them. The TOML reader (toml.c) is strict: anything it does not understand
 * is an error with file:line:col.
 */
#ifndef PS_CONFIG_CONFIG_H
#define PS_CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/core.h"

typedef struct PsStrList {
  char **items;
  size_t size;
  size_t cap;
} PsStrList;

void ps_strlist_push(PsStrList *self, const char *s); /* copies s */
void ps_strlist_free(PsStrList *self);
/* Splits "a,b, c" on commas and spaces, pushing each non-empty part. */
void ps_strlist_push_csv(PsStrList *self, const char *s);

typedef enum PsFormat {
  PS_FORMAT_TEXT,
  PS_FORMAT_JSON,
  PS_FORMAT_SARIF,
  PS_FORMAT_GITHUB,
  PS_FORMAT_HTML, /* the reviewer's report: one self-contained page */
  PS_FORMAT_GITLAB, /* GitLab Code Quality JSON (artifacts:reports:codequality) */
  PS_FORMAT_JUNIT,  /* JUnit XML: a testcase per file, a failure per finding */
} PsFormat;

typedef struct PsOutput {
  PsFormat format;
  char *path; /* NULL: standard output */
} PsOutput;

typedef struct PsPerFileIgnore {
  char *glob;      /* exclude-style glob */
  PsStrList ids;   /* rule ids or prefixes */
} PsPerFileIgnore;

typedef enum PsColor { PS_COLOR_AUTO, PS_COLOR_ALWAYS, PS_COLOR_NEVER } PsColor;

/* What a run does with the fixes that findings carry. */
typedef enum PsFixMode {
  PS_FIX_OFF,   /* report them (JSON, SARIF, the fixable count), apply none */
  PS_FIX_APPLY, /* --fix: rewrite the files */
  PS_FIX_DIFF,  /* --diff: print what --fix would change, write nothing */
} PsFixMode;

typedef struct PsConfig {
  /* what to scan */
  PsStrList paths;
  PsStrList exclude;          /* replaces the default list of excludes when set */
  bool exclude_set;
  PsStrList extend_exclude;
  bool respect_gitignore;     /* default true */
  bool force_exclude;
  char *stdin_filename;       /* non-NULL: scan standard input as this path */
  size_t max_file_size;       /* bytes, > 0 (0 is refused in the file and on the command line) */
  unsigned file_timeout_ms;   /* parse and query budget per file; 0 = the default (20 s) */
  size_t max_file_memory;     /* memory budget per file, bytes; 0 = the default (ps_memory_default_budget) */

  /* which rules */
  PsStrList select;           /* default {"RM", "DP", "TY", "FT", "MP"} (all stable families) */
  bool select_set;
  PsStrList extend_select;
  PsStrList ignore;
  PsStrList rules_dirs;       /* extra rule directories or files from --rules: anywhere */
  PsStrList project_rules_dirs; /* from `rules` in the pyproject.toml, joined to its directory;
                                   they must resolve inside project_root */
  char *project_root;         /* the directory of that pyproject.toml, when it sets `rules` */
  size_t n_per_file_ignores;
  PsPerFileIgnore *per_file_ignores;
  bool preview;
  bool validate_rules; /* compile the built-in rules' queries at load (`rules --check`) */

  /* versions */
  PsPyVersion target;         /* default 3.14 */
  PsPyVersion min_python;     /* --min-python, else requires-python, else 3.9 */
  bool min_python_set;        /* from CLI or config, not the default */
  char min_python_origin[256]; /* "--min-python", "pyproject.toml requires-python", "default" */

  /* output */
  PsOutput *outputs;          /* at least one after ps_config_finish */
  size_t n_outputs;
  bool exit_zero;
  PsSeverity fail_on;         /* --fail-on, `fail-on`: exit 1 only for findings at or above it
                                 (default PS_SEVERITY_HINT: any finding) */
  bool statistics;
  bool quiet;
  bool show_source;
  PsColor color;
  char *automation_id;        /* SARIF runAutomationDetails.id */
  char *uri_root;             /* --project-root: the directory SARIF URIs are relative to
                                 (NULL: the git work tree's top, else the working directory) */

  /* fixes */
  bool fix;                   /* --fix, `fix = true`: apply fixes */
  bool unsafe_fixes;          /* --unsafe-fixes, `unsafe-fixes = true`: unsafe ones too */
  bool diff;                  /* --diff: show fixes as a diff instead (wins over fix) */

  /* adopting on a big codebase (docs/output-formats.md#adopting-on-a-big-codebase) */
  char *baseline;             /* --baseline FILE: report only findings not recorded in it */
  char *write_baseline;       /* --write-baseline FILE: record the findings reported */
  bool add_noqa;              /* --add-noqa: append `# pyshift: ignore[ID]` to each finding's line */
  bool report_unused_ignores; /* --report-unused-ignores: suppressions that suppress nothing */
  char *since;                /* --since REF: only findings on lines changed since the git ref */

  /* execution */
  int jobs;                   /* 0: number of cores */

  /* the result cache (docs/cache.md) */
  bool no_cache;              /* --no-cache, `cache = false`: neither read nor write it */
  char *cache_dir;            /* --cache-dir DIR, or `cache-dir` (joined to the pyproject's directory);
                                 NULL: $PYSHIFT_CACHE_DIR, .pyshift_cache, $XDG_CACHE_HOME/pyshift */
  bool cache_dir_from_config; /* cache_dir came from the pyproject.toml ($PYSHIFT_CACHE_DIR wins over it) */

  /* the pyproject.toml that was read, if any (absolute or as found) */
  char *config_path;
} PsConfig;

/* The targets pyshift knows, on the command line and in pyproject.toml
 * alike: 3.12 to 3.15, with t for free-threaded. */
bool ps_config_target_supported(PsPyVersion v);
#define PS_CONFIG_TARGET_HELP "3.12, 3.13, 3.14 or 3.15 (with t for free-threaded)"

/* Default max_file_size: larger Python files are skipped (16 MiB). */
#define PS_CONFIG_DEFAULT_MAX_FILE_SIZE ((size_t)16 * 1024 * 1024)

/* Defaults as documented in the README. */
void ps_config_init(PsConfig *self);
void ps_config_free(PsConfig *self);
void ps_config_add_output(PsConfig *self, PsFormat format, const char *path);

/* Finds the pyproject.toml nearest to `start_dir` (itself, then parents) that
 * has a [tool.pyshift] table or a [project] table, or that exists but cannot
 * be read or parsed (too big, not a regular file, bad TOML: loading it then
 * reports why, rather than its settings being skipped). Returns a heap
 * path, or NULL if none. */
char *ps_config_find_pyproject(const char *start_dir);

/* Reads `path` and applies [tool.pyshift] and [project].requires-python to
 * self. Keys: select, extend-select, ignore, exclude, extend-exclude,
 * target-version, min-python, per-file-ignores (table glob -> list of ids),
 * rules (list of dirs, relative to the pyproject's directory and inside it:
 * absolute paths and `..` are errors; into project_rules_dirs),
 * respect-gitignore, force-exclude, max-file-size, max-file-memory,
 * preview, fix, unsafe-fixes, fail-on, cache, cache-dir (relative to the
 * pyproject's directory and inside it, as `rules`). Unknown keys in
 * [tool.pyshift] are errors. Returns 0 or PS_E_CONFIG with file:line:col. */
int ps_config_load_pyproject(PsConfig *self, const char *path, PsError *err);

/* ---- the TOML reader ------------------------------------------------------
 * Enough TOML 1.0 for pyproject.toml: tables, dotted keys, inline tables,
 * arrays (multi-line, trailing commas), basic/literal/multi-line strings with
 * escapes, integers, floats, booleans; datetimes are parsed as strings.
 * Duplicate keys and redefined tables are errors, as the spec says. */

typedef enum PsTomlType {
  PS_TOML_STRING,
  PS_TOML_INTEGER,
  PS_TOML_FLOAT,
  PS_TOML_BOOL,
  PS_TOML_DATETIME,
  PS_TOML_ARRAY,
  PS_TOML_TABLE,
} PsTomlType;

typedef struct PsTomlValue PsTomlValue;
struct PsTomlValue {
  PsTomlType type;
  int line, col;          /* where the value starts, 1-based */
  union {
    struct { char *s; size_t len; } str;   /* STRING and DATETIME */
    long long i;
    double f;
    bool b;
    struct { PsTomlValue **items; size_t size; } array;
    struct { char **keys; PsTomlValue **values; int *key_lines; int *key_cols; size_t size; } table;
  } u;
};

/* Parses `len` bytes of `text` (named `path` in errors). On success *out is a
 * TABLE the caller frees with ps_toml_free. */
int ps_toml_parse(PsTomlValue **out, const char *text, size_t len, const char *path, PsError *err);
void ps_toml_free(PsTomlValue *v);

/* Arrays, inline tables, dotted keys and headers may nest at most this deep;
 * deeper input is the error "nesting too deep". */
#define PS_TOML_MAX_DEPTH 128

/* The byte length of key i of a TABLE (a quoted key may contain NUL, which
 * the NUL-terminated keys[i] cannot show). */
size_t ps_toml_key_len(const PsTomlValue *table, size_t i);
/* Looks up a key in a TABLE value; NULL if absent or v is not a table. */
const PsTomlValue *ps_toml_get(const PsTomlValue *table, const char *key);

#endif
