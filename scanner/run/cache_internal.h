/* cache_internal.h: the result cache (cache.c), for run.c and its unit test.
 *
 * A rerun over files that did not change takes their results from disk
 * instead of scanning them again. One entry per file and configuration:
 *
 *   <cache root>/CACHEDIR.TAG, .gitignore ("*")
 *   <cache root>/v1/<run key, 32 hex>/<entry name, 16 hex>
 *
 * The run key is a 128-bit hash of everything besides the file that decides
 * its result: pyshift's version and the running binary's bytes, every loaded
 * rule file's text, the enabled rules, the target and minimum Python
 * versions, the options that change findings (per-file-ignores,
 * --report-unused-ignores, --max-file-size, ...) and the first-party module
 * names of the scanned tree. The entry name is a hash of the working
 * directory and the path as displayed; the entry holds both (checked on
 * read) and a 128-bit hash of the file's bytes, which must match the bytes
 * read now. An entry holds the file's PsFileResult (findings with
 * positions, messages, source lines, fixes and GitHub's line fingerprints,
 * computed on a miss if the run did not need them).
 *
 * Not cached: results with a per-file error (a timeout or memory budget may
 * not recur), and files whose facts feed the project stage (the facts are
 * not serialised; those files are scanned every time). Runs that rewrite
 * files or read standard input do not use the cache at all.
 *
 * Writes go to a temporary file renamed over the entry, so concurrent runs
 * never see half an entry; a short, corrupt or foreign entry is a miss.
 * At most PS_CACHE_MAX_KEYS run keys are kept (least recently used dropped
 * when a run opens the cache).
 *
 * Thread safety: ps_cache_get and ps_cache_put may be called from every
 * worker at once; open and close belong to the main thread.
 */
#ifndef PS_RUN_CACHE_INTERNAL_H
#define PS_RUN_CACHE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "run/run.h"

/* The entry format; bump it when the encoding changes (it is part of the
 * run key, so entries of another format are in other key directories,
 * which eviction removes in time). */
#define PS_CACHE_FORMAT 2
/* The directory holding the key directories: changes only if the layout
 * does. */
#define PS_CACHE_LAYOUT "v1"
/* Run keys (configurations) kept under one cache root. */
#define PS_CACHE_MAX_KEYS 8

typedef struct PsHash128 {
  uint64_t lo, hi;
} PsHash128;

/* A fast 128-bit non-cryptographic hash of data[0..n) (several GB/s):
 * file contents and the run key. */
PsHash128 ps_cache__hash(const void *data, size_t n, uint64_t seed);

typedef struct PsCache PsCache;

/* Everything the run key is made of (see the top of this file). */
typedef struct PsCacheSetup {
  const PsConfig *cfg;
  const PsRegistry *registry;      /* every loaded rule's text is hashed */
  const PsRule *const *enabled;    /* the rules the run reports (PS100 included) */
  size_t n_enabled;
  const PsModules *modules;        /* first-party names */
  bool fingerprints;               /* hits get fingerprints (JSON, SARIF, baselines) */
} PsCacheSetup;

/* Where the cache of this configuration lives: --cache-dir, else
 * $PYSHIFT_CACHE_DIR, else `cache-dir` of the pyproject.toml, else
 * .pyshift_cache in the project directory (that of the pyproject.toml
 * read, else the working directory) when it can be created and written,
 * else $XDG_CACHE_HOME/pyshift/<hash of the project directory> (default
 * ~/.cache). Heap; NULL if there is none (no writable place). `create`:
 * make the directory (with CACHEDIR.TAG and .gitignore). */
char *ps_cache__root(const PsConfig *cfg, bool create);

/* Opens the cache for this run (creating its directories) and drops the
 * least recently used run keys beyond PS_CACHE_MAX_KEYS. NULL if there is
 * no usable cache directory: the run goes on without one. */
PsCache *ps_cache_open(const PsCacheSetup *setup);
/* Prints the counts when PYSHIFT_CACHE_STATS is set ("pyshift: cache: N
 * hits, M misses, K written" on stderr) and frees. NULL ok. */
void ps_cache_close(PsCache *self);

/* What ps_cache_get read, for ps_engine_scan and ps_cache_put on a miss. */
typedef struct PsCacheProbe {
  char *bytes;      /* the file as read (heap), or NULL: not read (scan it from disk, do not store) */
  size_t len;
  PsHash128 content;
  uint64_t name;    /* the entry's name */
} PsCacheProbe;

/* Reads `path` (as displayed) and looks it up. A hit returns the result
 * (heap, as ps_engine_scan would have made it). A miss returns NULL with
 * the bytes in probe (they may be NULL: the file is not a regular file
 * within --max-file-size, or could not be read: let the engine say so). */
PsFileResult *ps_cache_get(PsCache *self, const char *path, PsCacheProbe *probe);
/* Stores r, the scan of probe->bytes, unless it is not cacheable (errors,
 * fixes applied, ...). Failures to write are silent: the cache is only a
 * cache. */
void ps_cache_put(PsCache *self, const PsCacheProbe *probe, const PsFileResult *r);
void ps_cache_probe_free(PsCacheProbe *probe);

/* ---- the entry encoding (exposed for the unit test) ---------------------------- */

/* Appends the encoding of r's cacheable part to out; a finding without a
 * fingerprint gets fingerprints[i] (NULL: none) instead. False if r is not
 * cacheable (out then holds garbage). */
bool ps_cache__encode(const PsFileResult *r, char *const *fingerprints, PsBuf *out);
/* Decodes what ps_cache__encode wrote; rule ids are looked up among
 * rules[0..n). NULL for anything malformed, truncated or naming an unknown
 * rule; never reads outside data[0..len). `path` becomes the result's. */
PsFileResult *ps_cache__decode(const unsigned char *data, size_t len, const char *path,
                               const PsRule *const *rules, size_t n);

#endif
