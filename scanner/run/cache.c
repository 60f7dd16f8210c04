/* cache.c: the result cache (see cache_internal.h for the layout, the key
 * and what is not cached; docs/cache.md for users).
 *
 * An entry file:
 *
 *   0   "PSHC"                     magic
 *   4   u32 PS_CACHE_FORMAT
 *   8   16 bytes run key
 *   24  16 bytes hash of the file's bytes
 *   40  u64 the file's length
 *   48  u32 ident length I         ident: working directory, NUL, path as displayed
 *   52  u32 payload length P
 *   56  u64 checksum of ident and payload
 *   64  ident, payload             the file is exactly 64 + I + P bytes
 *
 * Integers are little-endian. Anything that does not match (magic, format,
 * key, content, ident, length, checksum) is a miss; the payload decoder
 * checks every length against what is left, so a checksum collision cannot
 * make it read out of bounds either.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report/report.h"
#include "run/cache_internal.h"
#include "run/run_internal.h"

/* ---- the hash -------------------------------------------------------------------- */

#define P1 0x9E3779B185EBCA87ULL
#define P2 0xC2B2AE3D27D4EB4FULL
#define P3 0x165667B19E3779F9ULL
#define P4 0x85EBCA77C2B2AE63ULL
#define P5 0x27D4EB2F165667C5ULL

static inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static inline uint64_t load64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

static inline uint64_t lane(uint64_t acc, uint64_t in) { return rotl64(acc + in * P2, 31) * P1; }

static inline uint64_t avalanche(uint64_t h) {
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  h ^= h >> 32;
  return h;
}

/* Four independent multiply-rotate lanes over 32-byte stripes (the
 * structure of xxHash64), the tail zero-padded into one more stripe, the
 * length mixed into both halves. */
PsHash128 ps_cache__hash(const void *data, size_t n, uint64_t seed) {
  const unsigned char *p = data;
  uint64_t v[4] = {seed + P1 + P2, seed + P2, seed, seed - P1};
  size_t left = n;
  for (; left >= 32; p += 32, left -= 32)
    for (int i = 0; i < 4; i++) v[i] = lane(v[i], load64(p + 8 * i));
  unsigned char tail[32] = {0};
  if (left) memcpy(tail, p, left);
  for (int i = 0; i < 4; i++) v[i] = lane(v[i], load64(tail + 8 * i) ^ ((uint64_t)left << (8 * i)));
  uint64_t a = rotl64(v[0], 1) + rotl64(v[1], 7) + rotl64(v[2], 12) + rotl64(v[3], 18);
  uint64_t b = (v[0] * P3) ^ rotl64(v[1], 23) ^ (v[2] * P5) ^ rotl64(v[3], 41);
  PsHash128 h = {avalanche(a ^ ((uint64_t)n * P4)), avalanche(b + (uint64_t)n * P1 + P4)};
  return h;
}

/* ---- encoding -------------------------------------------------------------------- */

static void put_u8(PsBuf *b, unsigned v) {
  char c = (char)(unsigned char)v;
  ps_buf_append(b, &c, 1);
}

static void put_u32(PsBuf *b, uint32_t v) {
  char c[4] = {(char)(v & 0xff), (char)(v >> 8 & 0xff), (char)(v >> 16 & 0xff), (char)(v >> 24 & 0xff)};
  ps_buf_append(b, c, 4);
}

static void put_u64(PsBuf *b, uint64_t v) {
  put_u32(b, (uint32_t)v);
  put_u32(b, (uint32_t)(v >> 32));
}

#define NULL_STR 0xffffffffu

/* A string of up to 4 GiB - 2, or NULL. */
static void put_str(PsBuf *b, const char *s) {
  if (!s) {
    put_u32(b, NULL_STR);
    return;
  }
  size_t n = strlen(s);
  put_u32(b, (uint32_t)n);
  ps_buf_append(b, s, n);
}

static void put_range(PsBuf *b, const PsRange *r) {
  const PsPos *ps[2] = {&r->start, &r->end};
  for (int i = 0; i < 2; i++) {
    put_u32(b, ps[i]->line);
    put_u32(b, ps[i]->col);
    put_u32(b, ps[i]->col16);
    put_u32(b, ps[i]->byte);
  }
}

static void put_related(PsBuf *b, const PsRelated *r) {
  put_range(b, &r->range);
  put_str(b, r->message);
  put_str(b, r->path);
}

/* Confidence is a static string in findings; the cache knows these. */
static const char *const CONFIDENCE[] = {NULL, "high", "medium", "low"};
#define N_CONFIDENCE (sizeof CONFIDENCE / sizeof *CONFIDENCE)

static int confidence_index(const char *c) {
  if (!c) return 0;
  for (size_t i = 1; i < N_CONFIDENCE; i++)
    if (!strcmp(c, CONFIDENCE[i])) return (int)i;
  return -1;
}

static bool too_long(const char *s) { return s && strlen(s) >= NULL_STR; }

/* Every field of a finding and of a result that a report can show must be
 * in the entry, or a cached run would differ from an uncached one. These
 * sizes (x86-64) make a new field a build error here: store it in
 * ps_cache__encode and get_finding (or say why not), bump PS_CACHE_FORMAT,
 * then update the size. */
#if defined(__x86_64__) && defined(__LP64__)
_Static_assert(sizeof(PsFinding) == 168, "PsFinding changed: update the cache's entry encoding (run/cache.c)");
_Static_assert(sizeof(PsFileResult) == 112, "PsFileResult changed: update the cache's entry encoding (run/cache.c)");
#endif

bool ps_cache__encode(const PsFileResult *r, char *const *fingerprints, PsBuf *out) {
  /* Results that a rerun may not reproduce, or that this run changes
   * further (--fix, --diff, --add-noqa), are not stored. */
  if (r->n_errors || r->fixed || r->diff || r->unfixed || r->n_fixed) return false;
  put_u8(out, r->skipped);
  put_u32(out, (uint32_t)r->n_findings);
  for (size_t i = 0; i < r->n_findings; i++) {
    const PsFinding *f = &r->findings[i];
    int conf = confidence_index(f->confidence);
    if (!f->rule || !f->rule->id || conf < 0 || f->baseline != PS_BASELINE_NONE || too_long(f->message) ||
        too_long(f->source_line))
      return false;
    put_str(out, f->rule->id);
    put_u8(out, (unsigned)f->severity);
    put_range(out, &f->range);
    put_str(out, f->message);
    put_str(out, f->source_line);
    put_str(out, f->fingerprint ? f->fingerprint : fingerprints ? fingerprints[i] : NULL);
    put_u8(out, f->fix != NULL);
    if (f->fix) {
      put_str(out, f->fix->message);
      put_u8(out, f->fix->safe);
      put_u32(out, (uint32_t)f->fix->n_edits);
      for (size_t k = 0; k < f->fix->n_edits; k++) {
        if (too_long(f->fix->edits[k].text)) return false;
        put_range(out, &f->fix->edits[k].range);
        put_str(out, f->fix->edits[k].text);
      }
    }
    put_u32(out, (uint32_t)f->n_related);
    for (size_t k = 0; k < f->n_related; k++) put_related(out, &f->related[k]);
    put_u32(out, (uint32_t)f->n_flows);
    for (size_t k = 0; k < f->n_flows; k++) {
      put_str(out, f->flows[k].message);
      put_u32(out, (uint32_t)f->flows[k].n_steps);
      for (size_t s = 0; s < f->flows[k].n_steps; s++) put_related(out, &f->flows[k].steps[s]);
    }
    put_u8(out, (unsigned)conf);
    uint64_t rank;
    memcpy(&rank, &f->rank, sizeof rank);
    put_u64(out, rank);
    put_u32(out, (uint32_t)f->n_notes);
    for (size_t k = 0; k < f->n_notes; k++) put_str(out, f->notes[k]);
    put_str(out, f->object);
    put_str(out, f->object_defined);
  }
  return true;
}

/* ---- decoding -------------------------------------------------------------------- */

typedef struct Reader {
  const unsigned char *p, *end;
  bool ok;
} Reader;

static bool need(Reader *rd, size_t n) {
  if (!rd->ok || (size_t)(rd->end - rd->p) < n) return rd->ok = false;
  return true;
}

static unsigned get_u8(Reader *rd) {
  if (!need(rd, 1)) return 0;
  return *rd->p++;
}

static uint32_t get_u32(Reader *rd) {
  if (!need(rd, 4)) return 0;
  uint32_t v = (uint32_t)rd->p[0] | (uint32_t)rd->p[1] << 8 | (uint32_t)rd->p[2] << 16 | (uint32_t)rd->p[3] << 24;
  rd->p += 4;
  return v;
}

static uint64_t get_u64(Reader *rd) {
  uint64_t lo = get_u32(rd);
  return lo | (uint64_t)get_u32(rd) << 32;
}

/* A heap string, or NULL (a NULL string, or an error: see rd->ok). A
 * string holding NUL is malformed: every string stored was a C string. */
static char *get_str(Reader *rd) {
  uint32_t n = get_u32(rd);
  if (n == NULL_STR || !need(rd, n)) return NULL;
  if (memchr(rd->p, '\0', n)) {
    rd->ok = false;
    return NULL;
  }
  char *s = ps_xstrndup((const char *)rd->p, n);
  rd->p += n;
  return s;
}

/* A count of items of at least `min_size` bytes each: never more than what
 * is left could hold, so a forged count cannot make a huge allocation. */
static size_t get_count(Reader *rd, size_t min_size) {
  uint32_t n = get_u32(rd);
  if (rd->ok && (size_t)n > (size_t)(rd->end - rd->p) / min_size) rd->ok = false;
  return rd->ok ? n : 0;
}

static void get_range(Reader *rd, PsRange *r) {
  PsPos *ps[2] = {&r->start, &r->end};
  for (int i = 0; i < 2; i++) {
    ps[i]->line = get_u32(rd);
    ps[i]->col = get_u32(rd);
    ps[i]->col16 = get_u32(rd);
    ps[i]->byte = get_u32(rd);
  }
}

#define RANGE_BYTES 32
#define RELATED_MIN (RANGE_BYTES + 8)

static void get_related(Reader *rd, PsRelated *r) {
  get_range(rd, &r->range);
  r->message = get_str(rd);
  r->path = get_str(rd);
}

static const PsRuleMeta *find_rule(const char *id, const PsRule *const *rules, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(rules[i]->meta.id, id)) return &rules[i]->meta;
  return NULL;
}

static void get_finding(Reader *rd, PsFinding *f, const PsRule *const *rules, size_t n_rules) {
  char *id = get_str(rd);
  f->rule = id ? find_rule(id, rules, n_rules) : NULL;
  free(id);
  if (!f->rule) {
    rd->ok = false;
    return;
  }
  unsigned sev = get_u8(rd);
  if (sev > PS_SEVERITY_ERROR) rd->ok = false;
  f->severity = (PsSeverity)sev;
  get_range(rd, &f->range);
  f->message = get_str(rd);
  if (!f->message) rd->ok = false;
  f->source_line = get_str(rd);
  f->fingerprint = get_str(rd);
  unsigned has_fix = get_u8(rd);
  if (has_fix > 1) rd->ok = false;
  if (has_fix && rd->ok) {
    f->fix = ps_xcalloc(1, sizeof *f->fix);
    f->fix->message = get_str(rd);
    f->fix->safe = get_u8(rd) != 0;
    size_t n = get_count(rd, RANGE_BYTES + 4);
    f->fix->edits = ps_xcalloc(n ? n : 1, sizeof(PsEdit));
    for (size_t k = 0; k < n && rd->ok; k++, f->fix->n_edits++) {
      get_range(rd, &f->fix->edits[k].range);
      f->fix->edits[k].text = get_str(rd);
      if (!f->fix->edits[k].text) rd->ok = false;
    }
  }
  size_t n = get_count(rd, RELATED_MIN);
  if (n) {
    f->related = ps_xcalloc(n, sizeof(PsRelated));
    for (size_t k = 0; k < n && rd->ok; k++, f->n_related++) get_related(rd, &f->related[k]);
  }
  n = get_count(rd, 8);
  if (n) {
    f->flows = ps_xcalloc(n, sizeof(PsFlow));
    for (size_t k = 0; k < n && rd->ok; k++, f->n_flows++) {
      PsFlow *fl = &f->flows[k];
      fl->message = get_str(rd);
      size_t ns = get_count(rd, RELATED_MIN);
      fl->steps = ps_xcalloc(ns ? ns : 1, sizeof(PsRelated));
      for (size_t s = 0; s < ns && rd->ok; s++, fl->n_steps++) get_related(rd, &fl->steps[s]);
    }
  }
  unsigned conf = get_u8(rd);
  if (conf >= N_CONFIDENCE) rd->ok = false;
  else f->confidence = CONFIDENCE[conf];
  uint64_t rank = get_u64(rd);
  memcpy(&f->rank, &rank, sizeof rank);
  n = get_count(rd, 4);
  if (n) {
    f->notes = ps_xcalloc(n, sizeof(char *));
    for (size_t k = 0; k < n && rd->ok; k++, f->n_notes++) f->notes[k] = get_str(rd);
  }
  f->object = get_str(rd);
  f->object_defined = get_str(rd);
}

PsFileResult *ps_cache__decode(const unsigned char *data, size_t len, const char *path,
                               const PsRule *const *rules, size_t n_rules) {
  Reader rd = {data, data + len, true};
  PsFileResult *r = ps_xcalloc(1, sizeof *r);
  r->path = ps_xstrdup(path);
  unsigned skipped = get_u8(&rd);
  if (skipped > 1) rd.ok = false;
  r->skipped = skipped == 1;
  size_t n = get_count(&rd, 4 + 1 + RANGE_BYTES);
  r->findings = ps_xcalloc(n ? n : 1, sizeof(PsFinding));
  for (size_t i = 0; i < n && rd.ok; i++, r->n_findings++) get_finding(&rd, &r->findings[i], rules, n_rules);
  if (rd.ok && rd.p != rd.end) rd.ok = false; /* trailing bytes: not what was written */
  if (!rd.ok) {
    ps_file_result_free(r);
    return NULL;
  }
  return r;
}

/* ---- where the cache lives -------------------------------------------------------- */

static bool is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* mkdir -p, 0755. */
static bool make_dirs(const char *path) {
  if (is_dir(path)) return true;
  char *p = ps_xstrdup(path);
  for (char *s = p + 1; *s; s++) {
    if (*s != '/') continue;
    *s = '\0';
    if (mkdir(p, 0755) != 0 && errno != EEXIST) {
      free(p);
      return false;
    }
    *s = '/';
  }
  bool ok = mkdir(p, 0755) == 0 || (errno == EEXIST && is_dir(p));
  free(p);
  return ok;
}

/* Writes a small file unless it exists (created exclusively: concurrent
 * runs may race here). */
static void write_marker(const char *dir, const char *name, const char *text) {
  char *p = ps_xasprintf("%s/%s", dir, name);
  int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd >= 0) {
    ssize_t w = write(fd, text, strlen(text));
    (void)w;
    close(fd);
  }
  free(p);
}

static const char CACHEDIR_TAG[] =
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by pyshift.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n";

/* A cache root usable for writing: made if missing, with its markers. */
static bool prepare_root(const char *root) {
  if (!make_dirs(root) || access(root, W_OK | X_OK) != 0) return false;
  write_marker(root, "CACHEDIR.TAG", CACHEDIR_TAG);
  write_marker(root, ".gitignore", "# Created by pyshift automatically.\n*\n");
  return true;
}

/* The directory the project's settings are relative to: that of the
 * pyproject.toml read, else the working directory. Heap. */
static char *project_dir(const PsConfig *cfg) {
  if (cfg->config_path) {
    const char *slash = strrchr(cfg->config_path, '/');
    if (!slash) return ps_xstrdup(".");
    return ps_xstrndup(cfg->config_path, slash == cfg->config_path ? 1 : (size_t)(slash - cfg->config_path));
  }
  return ps_xstrdup(".");
}

char *ps_cache__root(const PsConfig *cfg, bool create) {
  /* --cache-dir, then the environment, then the pyproject.toml (as ruff). */
  const char *env = getenv("PYSHIFT_CACHE_DIR");
  const char *explicit_dir = cfg->cache_dir && !cfg->cache_dir_from_config ? cfg->cache_dir
                             : env && *env                                ? env
                                                                          : cfg->cache_dir;
  if (explicit_dir) {
    if (create && !prepare_root(explicit_dir)) return NULL;
    return ps_xstrdup(explicit_dir);
  }
  char *proj = project_dir(cfg);
  char *local = ps_xasprintf("%s/.pyshift_cache", strcmp(proj, "/") ? proj : "");
  /* The project's own .pyshift_cache when it exists or can be made there
   * (as ruff's .ruff_cache); a read-only tree (the system's site-packages,
   * a checkout mounted read-only) caches under the user's cache home. */
  if (create ? prepare_root(local) : is_dir(local)) {
    free(proj);
    return local;
  }
  free(local);
  char *real = realpath(proj, NULL);
  free(proj);
  if (!real) return NULL;
  const char *xdg = getenv("XDG_CACHE_HOME");
  const char *home = getenv("HOME");
  char *base = xdg && xdg[0] == '/' ? ps_xasprintf("%s/pyshift", xdg)
               : home && home[0] == '/' ? ps_xasprintf("%s/.cache/pyshift", home)
                                        : NULL;
  PsHash128 h = ps_cache__hash(real, strlen(real), 0);
  char *root = base ? ps_xasprintf("%s/%016llx", base, (unsigned long long)h.lo) : NULL;
  free(real);
  free(base);
  if (root && create && !prepare_root(root)) {
    free(root);
    root = NULL;
  }
  return root;
}

/* ---- the run key ------------------------------------------------------------------ */

struct PsCache {
  char *dir;                 /* <root>/v1/<key> */
  PsHash128 key;
  char cwd[PATH_MAX];
  size_t cwd_len;
  size_t max_file_size;
  bool fingerprints;
  const PsRule **rules;      /* the enabled rules, for decoding ids */
  size_t n_rules;
  atomic_size_t hits, misses, written;
  atomic_uint tmp_counter;
};

static void key_str(PsBuf *b, const char *s) { put_str(b, s ? s : "\x01(null)"); }

static void key_version(PsBuf *b, PsPyVersion v) {
  put_u32(b, (uint32_t)v.major);
  put_u32(b, (uint32_t)v.minor);
  put_u8(b, v.free_threaded);
}

/* The running binary's bytes: a rebuilt pyshift with the same version
 * number (a developer's, or bench/compare_builds.sh comparing two builds)
 * must not read the other's results. False if it cannot be read. */
static bool key_binary(PsBuf *b) {
  int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  PsBuf exe = PS_BUF_INIT;
  char chunk[65536];
  ssize_t n;
  while ((n = read(fd, chunk, sizeof chunk)) > 0) ps_buf_append(&exe, chunk, (size_t)n);
  close(fd);
  bool ok = n == 0 && exe.len > 0;
  PsHash128 h = ps_cache__hash(exe.data, exe.len, 1);
  put_u64(b, h.lo);
  put_u64(b, h.hi);
  ps_buf_free(&exe);
  return ok;
}

static int cmp_cstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The key material: everything but the file that decides a result. */
static bool run_key(const PsCacheSetup *s, PsHash128 *out) {
  const PsConfig *cfg = s->cfg;
  PsBuf b = PS_BUF_INIT;
  ps_buf_printf(&b, "pyshift cache %d %s", PS_CACHE_FORMAT, PS_VERSION);
  bool ok = key_binary(&b);
  /* Every loaded rule, enabled or not: --report-unused-ignores judges
   * codes against the registry. */
  size_t n = ps_registry_count(s->registry);
  put_u32(&b, (uint32_t)n);
  for (size_t i = 0; i < n; i++) {
    const PsRule *r = ps_registry_at(s->registry, i);
    key_str(&b, r->meta.id);
    put_u64(&b, r->text_len);
    if (r->text) ps_buf_append(&b, r->text, r->text_len);
    else ok = false; /* a rule without its text cannot be keyed */
  }
  put_u32(&b, (uint32_t)s->n_enabled);
  for (size_t i = 0; i < s->n_enabled; i++) key_str(&b, s->enabled[i]->meta.id);
  key_version(&b, cfg->target);
  key_version(&b, cfg->min_python);
  put_u64(&b, cfg->max_file_size);
  put_u8(&b, cfg->unsafe_fixes);
  put_u8(&b, cfg->report_unused_ignores);
  put_u8(&b, cfg->preview);
  put_u8(&b, getenv("PYSHIFT_NO_PREFILTER") != NULL);
  key_str(&b, cfg->config_path);
  put_u32(&b, (uint32_t)cfg->n_per_file_ignores);
  for (size_t i = 0; i < cfg->n_per_file_ignores; i++) {
    key_str(&b, cfg->per_file_ignores[i].glob);
    put_u32(&b, (uint32_t)cfg->per_file_ignores[i].ids.size);
    for (size_t k = 0; k < cfg->per_file_ignores[i].ids.size; k++) key_str(&b, cfg->per_file_ignores[i].ids.items[k]);
  }
  /* First-party module names change what RM001 and the removed-APIs rows
   * report in every file (`import cgi` beside your own cgi.py). */
  const PsStrMap *fp = &s->modules->first_party.map;
  char **names = ps_xcalloc(fp->size + 1, sizeof(char *));
  size_t nn = 0;
  for (size_t i = 0; i < fp->cap; i++)
    if (fp->slots[i].key && nn < fp->size) names[nn++] = (char *)fp->slots[i].key;
  qsort(names, nn, sizeof *names, cmp_cstr);
  put_u32(&b, (uint32_t)nn);
  for (size_t i = 0; i < nn; i++) key_str(&b, names[i]);
  free(names);
  *out = ps_cache__hash(b.data, b.len, 2);
  ps_buf_free(&b);
  return ok;
}

/* ---- eviction and removal --------------------------------------------------------- */

static bool is_hex_name(const char *s, size_t len) {
  if (strlen(s) != len) return false;
  for (size_t i = 0; i < len; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
  return true;
}

/* Entries ("0123456789abcdef") and leftover temporary files
 * ("0123456789abcdef.tmp.*") of one key directory. */
static bool is_entry_name(const char *s) {
  size_t n = strlen(s);
  if (n == 16) return is_hex_name(s, 16);
  if (n > 21 && !strncmp(s + 16, ".tmp.", 5)) {
    char head[17];
    memcpy(head, s, 16);
    head[16] = '\0';
    return is_hex_name(head, 16);
  }
  return false;
}

/* Removes a key directory: only the files the cache writes, then the
 * directory if that left it empty. Returns the number of files removed. */
static size_t remove_key_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  size_t n = 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (!is_entry_name(e->d_name)) continue;
    char *p = ps_xasprintf("%s/%s", dir, e->d_name);
    if (unlink(p) == 0) n++;
    free(p);
  }
  closedir(d);
  rmdir(dir);
  return n;
}

typedef struct KeyDir {
  char *path;
  struct timespec mtime;
} KeyDir;

static int cmp_newest_first(const void *pa, const void *pb) {
  const KeyDir *a = pa, *b = pb;
  if (a->mtime.tv_sec != b->mtime.tv_sec) return a->mtime.tv_sec > b->mtime.tv_sec ? -1 : 1;
  if (a->mtime.tv_nsec != b->mtime.tv_nsec) return a->mtime.tv_nsec > b->mtime.tv_nsec ? -1 : 1;
  return strcmp(a->path, b->path);
}

/* Keeps the `keep` most recently used key directories of <root>/v1 (the
 * current one was just touched), removing the others. */
static void evict(const char *versions_dir, size_t keep) {
  DIR *d = opendir(versions_dir);
  if (!d) return;
  Array(KeyDir) dirs;
  array_init(&dirs);
  for (struct dirent *e; (e = readdir(d));) {
    if (!is_hex_name(e->d_name, 32)) continue;
    KeyDir k = {ps_xasprintf("%s/%s", versions_dir, e->d_name), {0, 0}};
    struct stat st;
    if (stat(k.path, &st) == 0 && S_ISDIR(st.st_mode)) {
      k.mtime = st.st_mtim;
      array_push(&dirs, k);
    } else {
      free(k.path);
    }
  }
  closedir(d);
  if (dirs.size > keep) {
    qsort(dirs.items, dirs.size, sizeof *dirs.items, cmp_newest_first);
    for (size_t i = keep; i < dirs.size; i++) remove_key_dir(dirs.items[i].path);
  }
  for (size_t i = 0; i < dirs.size; i++) free(dirs.items[i].path);
  array_free(&dirs);
}

int ps_run_clean_cache(const PsConfig *cfg) {
  char *root = ps_cache__root(cfg, false);
  if (!root || !is_dir(root)) {
    if (!cfg->quiet) fprintf(stderr, "pyshift: no cache to remove%s%s\n", root ? " at " : "", root ? root : "");
    free(root);
    return 0;
  }
  char *versions = ps_xasprintf("%s/" PS_CACHE_LAYOUT, root);
  size_t n = 0;
  DIR *d = opendir(versions);
  if (d) {
    for (struct dirent *e; (e = readdir(d));) {
      if (!is_hex_name(e->d_name, 32)) continue;
      char *p = ps_xasprintf("%s/%s", versions, e->d_name);
      n += remove_key_dir(p);
      free(p);
    }
    closedir(d);
  }
  rmdir(versions);
  /* The markers only if nothing else is there: a --cache-dir may name a
   * directory that holds other things, which are never touched. */
  char *tag = ps_xasprintf("%s/CACHEDIR.TAG", root), *gi = ps_xasprintf("%s/.gitignore", root);
  bool empty_but_markers = true;
  if ((d = opendir(root))) {
    for (struct dirent *e; (e = readdir(d));)
      if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "CACHEDIR.TAG") &&
          strcmp(e->d_name, ".gitignore"))
        empty_but_markers = false;
    closedir(d);
  }
  if (empty_but_markers) {
    unlink(tag);
    unlink(gi);
    rmdir(root);
  }
  if (!cfg->quiet) fprintf(stderr, "pyshift: removed %zu cache entr%s from %s\n", n, n == 1 ? "y" : "ies", root);
  free(tag);
  free(gi);
  free(versions);
  free(root);
  return 0;
}

/* ---- open, get, put ----------------------------------------------------------------- */

PsCache *ps_cache_open(const PsCacheSetup *s) {
  PsHash128 key;
  if (!run_key(s, &key)) return NULL;
  char *root = ps_cache__root(s->cfg, true);
  if (!root) return NULL;
  char *versions = ps_xasprintf("%s/" PS_CACHE_LAYOUT, root);
  char *dir = ps_xasprintf("%s/%016llx%016llx", versions, (unsigned long long)key.hi, (unsigned long long)key.lo);
  free(root);
  if (!make_dirs(dir) || access(dir, W_OK | X_OK) != 0) {
    free(versions);
    free(dir);
    return NULL;
  }
  utimensat(AT_FDCWD, dir, NULL, 0); /* most recently used */
  evict(versions, PS_CACHE_MAX_KEYS);
  free(versions);
  PsCache *c = ps_xcalloc(1, sizeof *c);
  c->dir = dir;
  c->key = key;
  if (!getcwd(c->cwd, sizeof c->cwd)) {
    ps_cache_close(c);
    return NULL;
  }
  c->cwd_len = strlen(c->cwd);
  c->max_file_size = s->cfg->max_file_size;
  c->fingerprints = s->fingerprints;
  c->n_rules = s->n_enabled;
  c->rules = ps_xcalloc(s->n_enabled ? s->n_enabled : 1, sizeof *c->rules);
  if (s->n_enabled) memcpy(c->rules, s->enabled, s->n_enabled * sizeof *c->rules);
  return c;
}

void ps_cache_close(PsCache *self) {
  if (!self) return;
  const char *stats = getenv("PYSHIFT_CACHE_STATS");
  if (stats && *stats)
    fprintf(stderr, "pyshift: cache: %zu hits, %zu misses, %zu written\n", atomic_load(&self->hits),
            atomic_load(&self->misses), atomic_load(&self->written));
  free(self->rules);
  free(self->dir);
  free(self);
}

void ps_cache_probe_free(PsCacheProbe *probe) {
  free(probe->bytes);
  memset(probe, 0, sizeof *probe);
}

/* Reads a regular file of at most max bytes (as ps_source_load_file would
 * accept it); NULL for anything else, which the engine then reports. */
static char *read_file(const char *path, size_t max, size_t *len) {
  if (!max || max > PS_MAX_SOURCE_BYTES) max = PS_MAX_SOURCE_BYTES;
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return NULL;
  struct stat st;
  char *buf = NULL;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max) goto fail;
  size_t cap = (size_t)st.st_size + 1, n = 0;
  buf = ps_xmalloc(cap);
  for (;;) {
    if (n == cap) {
      if (cap > max) goto fail;
      cap *= 2;
      buf = ps_xrealloc(buf, cap);
    }
    ssize_t got = read(fd, buf + n, cap - n);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) goto fail;
    if (got == 0) break;
    n += (size_t)got;
  }
  if (n > max) goto fail;
  close(fd);
  *len = n;
  return buf;
fail:
  free(buf);
  close(fd);
  return NULL;
}

/* The ident of an entry: working directory, NUL, path as displayed. */
static char *ident(const PsCache *c, const char *path, size_t *n) {
  size_t pl = strlen(path);
  char *s = ps_xmalloc(c->cwd_len + 1 + pl + 1);
  memcpy(s, c->cwd, c->cwd_len);
  s[c->cwd_len] = '\0';
  memcpy(s + c->cwd_len + 1, path, pl + 1);
  *n = c->cwd_len + 1 + pl;
  return s;
}

#define HEADER 64

static uint32_t rd32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const unsigned char *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static char *entry_path(const PsCache *c, uint64_t name) {
  return ps_xasprintf("%s/%016llx", c->dir, (unsigned long long)name);
}

static uint64_t checksum(const char *id, size_t id_len, const unsigned char *payload, size_t n) {
  PsHash128 a = ps_cache__hash(id, id_len, 3), b = ps_cache__hash(payload, n, a.lo);
  return b.lo ^ b.hi;
}

/* The entry's bytes if they are one whole entry for this key, content and
 * ident; the payload's place in them. */
static unsigned char *read_entry(const PsCache *c, const char *epath, const PsCacheProbe *probe, const char *id,
                                 size_t id_len, size_t *payload_at, size_t *payload_len) {
  int fd = open(epath, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return NULL;
  struct stat st;
  unsigned char *buf = NULL;
  /* Results are small; an entry over 256 MiB is not one of ours. */
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < HEADER || st.st_size > (256 << 20)) goto fail;
  size_t size = (size_t)st.st_size, got = 0;
  buf = ps_xmalloc(size);
  while (got < size) {
    ssize_t r = read(fd, buf + got, size - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) goto fail;
    got += (size_t)r;
  }
  close(fd);
  fd = -1;
  if (memcmp(buf, "PSHC", 4) || rd32(buf + 4) != PS_CACHE_FORMAT || rd64(buf + 8) != c->key.lo ||
      rd64(buf + 16) != c->key.hi || rd64(buf + 24) != probe->content.lo || rd64(buf + 32) != probe->content.hi ||
      rd64(buf + 40) != (uint64_t)probe->len)
    goto fail;
  size_t il = rd32(buf + 48), pl = rd32(buf + 52);
  if (il != id_len || (uint64_t)HEADER + il + pl != (uint64_t)size || memcmp(buf + HEADER, id, il)) goto fail;
  if (rd64(buf + 56) != checksum(id, id_len, buf + HEADER + il, pl)) goto fail;
  *payload_at = HEADER + il;
  *payload_len = pl;
  return buf;
fail:
  free(buf);
  if (fd >= 0) close(fd);
  return NULL;
}

/* GitHub's line hashes of the findings' lines in the file's bytes (heap
 * array of heap strings, NULL when there is no finding), as the engine
 * computes them for JSON and SARIF. */
static char **fingerprints_of(const PsFileResult *r, const char *bytes, size_t len) {
  if (!r->n_findings) return NULL;
  unsigned *lines = ps_xmalloc(r->n_findings * sizeof(unsigned));
  char **fps = ps_xcalloc(r->n_findings, sizeof(char *));
  for (size_t i = 0; i < r->n_findings; i++) lines[i] = r->findings[i].range.start.line;
  ps_fingerprint_lines(bytes, len, lines, r->n_findings, fps);
  free(lines);
  return fps;
}

PsFileResult *ps_cache_get(PsCache *self, const char *path, PsCacheProbe *probe) {
  memset(probe, 0, sizeof *probe);
  probe->bytes = read_file(path, self->max_file_size, &probe->len);
  if (!probe->bytes) return NULL;
  probe->content = ps_cache__hash(probe->bytes, probe->len, 0);
  size_t id_len;
  char *id = ident(self, path, &id_len);
  PsHash128 nh = ps_cache__hash(id, id_len, self->key.lo);
  probe->name = nh.lo;
  char *epath = entry_path(self, probe->name);
  size_t at = 0, n = 0;
  unsigned char *buf = read_entry(self, epath, probe, id, id_len, &at, &n);
  PsFileResult *r = buf ? ps_cache__decode(buf + at, n, path, self->rules, self->n_rules) : NULL;
  free(buf);
  free(epath);
  free(id);
  if (!r) {
    atomic_fetch_add(&self->misses, 1);
    return NULL;
  }
  /* Entries always hold the fingerprints; a run that reports none (text)
   * drops them, as the engine would not have computed them. */
  if (!self->fingerprints)
    for (size_t i = 0; i < r->n_findings; i++) {
      free(r->findings[i].fingerprint);
      r->findings[i].fingerprint = NULL;
    }
  atomic_fetch_add(&self->hits, 1);
  return r;
}

static bool write_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= (size_t)w;
  }
  return true;
}

void ps_cache_put(PsCache *self, const PsCacheProbe *probe, const PsFileResult *r) {
  if (!probe->bytes) return;
  /* A run without JSON or SARIF did not compute the fingerprints: they
   * are computed here, on a miss, so that a hit never has to. */
  char **fps = NULL;
  for (size_t i = 0; i < r->n_findings && !fps; i++)
    if (!r->findings[i].fingerprint) fps = fingerprints_of(r, probe->bytes, probe->len);
  PsBuf payload = PS_BUF_INIT;
  bool ok = ps_cache__encode(r, fps, &payload) && payload.len < NULL_STR;
  for (size_t i = 0; fps && i < r->n_findings; i++) free(fps[i]);
  free(fps);
  if (!ok) {
    ps_buf_free(&payload);
    return;
  }
  size_t id_len;
  char *id = ident(self, r->path, &id_len);
  PsBuf b = PS_BUF_INIT;
  ps_buf_append(&b, "PSHC", 4);
  put_u32(&b, PS_CACHE_FORMAT);
  put_u64(&b, self->key.lo);
  put_u64(&b, self->key.hi);
  put_u64(&b, probe->content.lo);
  put_u64(&b, probe->content.hi);
  put_u64(&b, (uint64_t)probe->len);
  put_u32(&b, (uint32_t)id_len);
  put_u32(&b, (uint32_t)payload.len);
  put_u64(&b, checksum(id, id_len, (const unsigned char *)payload.data, payload.len));
  ps_buf_append(&b, id, id_len);
  ps_buf_append(&b, payload.data, payload.len);
  char *epath = entry_path(self, probe->name);
  char *tmp = ps_xasprintf("%s.tmp.%ld.%u", epath, (long)getpid(), atomic_fetch_add(&self->tmp_counter, 1));
  /* O_EXCL: a leftover of a crashed run with the same pid is not reused
   * (it is removed with its key directory). */
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd >= 0) {
    int slot = ps_tmpfiles_add(tmp);
    bool whole = write_all(fd, b.data, b.len);
    whole = close(fd) == 0 && whole;
    if (whole && rename(tmp, epath) == 0) atomic_fetch_add(&self->written, 1);
    else unlink(tmp);
    ps_tmpfiles_remove(slot);
  }
  free(tmp);
  free(epath);
  free(id);
  ps_buf_free(&b);
  ps_buf_free(&payload);
}
