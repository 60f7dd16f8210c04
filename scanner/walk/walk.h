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

/* Exclude pattern semantics (as ruff's `exclude`): a pattern without '/'
 * matches a file or directory whose basename matches it ("*.pyi",
 * "migrations"); a pattern with '/' matches the path relative to the working
 * directory ("src/gen/**", "tests/data/*.py"). `*` and `?` do not cross '/',
 * `**` does, `[...]` classes are supported. */

typedef struct PsWalkFile {
  char *path;      /* display path: as given, or joined below a given directory;
                      "./" prefixes removed ("./a/b.py" -> "a/b.py") */
  bool explicit_;  /* named on the command line */
} PsWalkFile;

typedef struct PsWalkError {
  char *path;
  char *message;   /* one line, e.g. "symlink loop" or strerror text */
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

#endif
