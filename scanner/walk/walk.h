/* walk.h: turn command-line paths into the sorted list of files to scan.
 *
 * The walker knows nothing of Python beyond the file extensions it is given.
 * It expands directories recursively, skips the default excluded directories
 * (.git, __pycache__, node_modules, .tox, build, dist, virtualenvs: any
 * directory holding a pyvenv.cfg, ...), applies --exclude globs, and inside a
 * git work tree honours .gitignore files (nested, negation, directory-only
 * patterns, anchoring, `**`) and .git/info/exclude with git's semantics.
 * Symlinks to directories are followed with loop detection; the same file
 * reached twice (duplicate argument, symlink) is listed once.
 *
 * Errors on individual paths (missing, unreadable directory, symlink loop) do
 * not stop the walk: they are collected in PsWalkResult.errors.
 */
#ifndef PS_WALK_WALK_H
#define PS_WALK_WALK_H

#include <stdbool.h>
#include <stddef.h>

#include "core/core.h"

typedef struct PsWalkOptions {
  const char *const *paths;     /* files or directories; none means "." */
  size_t n_paths;
  const char *const *exclude;   /* glob patterns, see below */
  size_t n_exclude;
  bool use_default_excludes;    /* the built-in directory list (true normally) */
  bool respect_gitignore;       /* honour .gitignore / info/exclude in git work trees */
  bool force_exclude;           /* apply excludes to explicitly named files too */
  const char *const *extensions; /* e.g. {"py", "pyi"}; a named file is always taken */
  size_t n_extensions;
} PsWalkOptions;

// Exclude pattern semantics (as ruff's `exclude`): a pattern without '/'
// matches a file or directory whose basename matches it ("*.pyi",
// "migrations"); a pattern with '/' matches the path relative to the working
// directory ("src/gen/**", "tests/data/*.py"). `*` and `?` do not cross '/',
// `**` does, `[...]` classes are supported.
// (Line comments because "/" followed by "*" inside a block comment trips
// -Wcomment, which breaks -DPS_WERROR=ON builds.)

typedef struct PsWalkFile {
  char *path;      /* display path: as given, or joined below a given directory;
                      "./" prefixes removed ("./a/b.py" -> "a/b.py") */
  bool explicit_;  /* named on the command line */
} PsWalkFile;

typedef struct PsWalkError {
  char *path;
  char *message;   /* one line, e.g. "symlink loop" or strerror text */
  bool warning;    /* not an error of the scan (a symlink loop inside a tree:
                      reported, not followed, as ruff and ripgrep do) */
} PsWalkError;

typedef struct PsWalkResult {
  PsWalkFile *files;   /* sorted by path, byte order, unique */
  size_t n_files;
  PsWalkError *errors; /* in the order found */
  size_t n_errors;
} PsWalkResult;

/* Walks opts->paths. Returns 0 (path errors are in out->errors) or a
 * negative PS_E_* for a problem that stops the walk (a bad exclude glob),
 * described in err. The caller frees out with ps_walk_result_free. */
int ps_walk(const PsWalkOptions *opts, PsWalkResult *out, PsError *err);
void ps_walk_result_free(PsWalkResult *self);

/* Glob matching used by excludes and per-file-ignores: true if `path`
 * matches `pattern` under the semantics above. */
bool ps_glob_match(const char *pattern, const char *path);
/* 0 if `pattern` is a valid glob, else PS_E_USAGE with the reason in err. */
int ps_glob_check(const char *pattern, PsError *err);

/* Limits. A directory deeper than PS_WALK_MAX_DEPTH below a named path is an
 * error entry ("directory nesting too deep") and is not entered. */
#define PS_WALK_MAX_DEPTH 4096

/* Notes on the semantics above (additions, no change to the interface):
 * - opts->extensions may be written with or without the dot ("py", ".py");
 *   with none, only explicitly named files are taken.
 * - A file's extension is what follows its last '.', and a dot-file such as
 *   ".py" has none.
 * - force_exclude applies --exclude globs, the default directory names and
 *   .gitignore to named paths and to their ancestors (below the working
 *   directory for relative paths; below the work-tree top for .gitignore).
 * - An exclude glob may end in '/' (ignored) or start with '/' (matched
 *   against the absolute path) or "./" (ignored).
 * - core.excludesFile and the global git ignore file are not read.
 */

/* ---- module-private: for the walk module's sources and its unit tests ---- */

/* ps_walk__wildmatch flags. PATHNAME: `*`, `?` and classes never match '/'
 * and only a whole-component `**` crosses it. STARSTAR_ANY: any `**` crosses
 * '/' (exclude globs). */
#define PS_WM_PATHNAME 1u
#define PS_WM_STARSTAR_ANY 2u
/* Does text match pattern (bytes, `\` escapes, classes, stars)? */
bool ps_walk__wildmatch(const char *pattern, const char *text, unsigned flags);
/* The same, also counting in *steps (when not NULL) the (pattern token, text
 * byte) pairs visited: at most (strlen(pattern) + 1) * strlen(text), the
 * bound that tests/fuzz/glob_fuzz.c checks. */
bool ps_walk__wildmatch_steps(const char *pattern, const char *text, unsigned flags, size_t *steps);
/* True if the exclude glob compares against paths (has a '/' that is not a
 * trailing one), false if against basenames. */
bool ps_walk__glob_is_path(const char *pattern);
/* Exclude-glob match where the caller already knows `rel` (the path relative
 * to the working directory, or absolute if outside it) and `abs` (absolute,
 * or NULL if unknown). */
bool ps_walk__glob_match_rel(const char *pattern, const char *rel, const char *abs);

/* One compiled .gitignore or info/exclude, chained to the files it overrides.
 * Allocated in the caller's arena. */
typedef struct PsIgnoreFile PsIgnoreFile;
/* Compiles buf[0..len) as an ignore file in directory `base` (relative to
 * the work-tree top, "" for the top) taking precedence over `up`. Returns
 * NULL when the buffer holds no pattern. */
PsIgnoreFile *ps_walk__ignore_compile(PsArena *arena, const char *buf, size_t len,
                                      const char *base, const PsIgnoreFile *up);
/* Reads and compiles `file`; *out is the new file, or `up` when `file` is
 * missing or holds no pattern. Returns 0 or -errno when it cannot be read. */
int ps_walk__ignore_load(const PsIgnoreFile **out, PsArena *arena, const char *file, const char *base,
                         const PsIgnoreFile *up);
/* True if `path` (relative to the work-tree top; a directory if is_dir) is
 * ignored by self or the files below it in precedence. */
bool ps_walk__ignore_match(const PsIgnoreFile *self, const char *path, bool is_dir);
/* Tests only: lower the nesting limit (0 restores PS_WALK_MAX_DEPTH), since
 * PATH_MAX is reached long before 4096 levels. Not thread-safe. */
void ps_walk__set_max_depth(size_t depth);

#endif
