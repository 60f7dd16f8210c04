/* parse.c: source loading, PEP 263 decoding, line index and parsing.
 *
 * Decoding keeps the invariant that PsSource.text is valid UTF-8: every
 * later stage (regexes with PCRE2_UTF, JSON output, column counting) relies
 * on it.
 */
#include "parse/parse.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const TSLanguage *tree_sitter_python(void);

struct PsParser {
  TSParser *ts;
};

/* ---- tree-sitter's memory ------------------------------------------------ */

/* tree-sitter allocates through these, so what it holds counts against the
 * thread's per-file memory budget (core/arena.h). Sizes are the blocks'
 * usable sizes, read the same way when a block is freed. They must never
 * return NULL: running out is fatal as it is for tree-sitter's own. */
static void ts_oom(size_t n) {
  fprintf(stderr, "pyshift: out of memory (tree-sitter asked for %zu bytes)\n", n);
  abort();
}

static void *ts_hook_malloc(size_t n) {
  void *p = malloc(n);
  if (!p && n) ts_oom(n);
  if (p) ps_memory_charge((long long)malloc_usable_size(p));
  return p;
}

static void *ts_hook_calloc(size_t count, size_t size) {
  void *p = calloc(count, size);
  if (!p && count && size) ts_oom(count * size);
  if (p) ps_memory_charge((long long)malloc_usable_size(p));
  return p;
}

static void *ts_hook_realloc(void *old, size_t n) {
  size_t before = old ? malloc_usable_size(old) : 0;
  void *p = realloc(old, n);
  if (!p && n) ts_oom(n);
  ps_memory_charge((long long)(p ? malloc_usable_size(p) : 0) - (long long)before);
  return p;
}

static void ts_hook_free(void *p) {
  if (p) ps_memory_charge(-(long long)malloc_usable_size(p));
  free(p);
}

static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

static void install_hooks(void) { ts_set_allocator(ts_hook_malloc, ts_hook_calloc, ts_hook_realloc, ts_hook_free); }

/* Before any tree-sitter object exists: every parser and query is made
 * with the language, so this is the first call. */
const TSLanguage *ps_python_language(void) {
  pthread_once(&hooks_once, install_hooks);
  return tree_sitter_python();
}

int ps_parser_new(PsParser **out, PsError *err) {
  const TSLanguage *lang = ps_python_language();
  uint32_t abi = ts_language_abi_version(lang);
  TSParser *ts = ts_parser_new();
  if (abi < TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION || abi > TREE_SITTER_LANGUAGE_VERSION ||
      !ts_parser_set_language(ts, lang)) {
    ts_parser_delete(ts);
    return ps_error_set(err, PS_E_INTERNAL, "", 0, 0,
                        "the tree-sitter runtime rejects the python grammar (grammar ABI %u, "
                        "runtime accepts %u..%u): rebuild with the pinned runtime in grammars/",
                        abi, (unsigned)TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION,
                        (unsigned)TREE_SITTER_LANGUAGE_VERSION);
  }
  PsParser *self = ps_xcalloc(1, sizeof *self);
  self->ts = ts;
  *out = self;
  return 0;
}

void ps_parser_delete(PsParser *self) {
  if (!self) return;
  ts_parser_delete(self->ts);
  free(self);
}

/* ---- decoding ------------------------------------------------------------ */

/* Finds a PEP 263 cookie in the first two lines: ^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+).
 * The second line counts only if the first is blank or a comment. */
static bool find_cookie(const char *s, size_t len, char *name, size_t cap) {
  size_t pos = 0;
  for (int lineno = 0; lineno < 2 && pos < len; lineno++) {
    size_t end = pos;
    while (end < len && s[end] != '\n' && s[end] != '\r') end++;
    size_t i = pos;
    while (i < end && (s[i] == ' ' || s[i] == '\t' || s[i] == '\f')) i++;
    if (i < end && s[i] == '#') {
      for (size_t j = i; j + 6 < end + 1; j++) {
        if (j + 7 <= end && memcmp(s + j, "coding", 6) == 0 && (s[j + 6] == ':' || s[j + 6] == '=')) {
          size_t k = j + 7;
          while (k < end && (s[k] == ' ' || s[k] == '\t')) k++;
          size_t n = 0;
          while (k < end && n + 1 < cap &&
                 (isalnum((unsigned char)s[k]) || s[k] == '-' || s[k] == '_' || s[k] == '.'))
            name[n++] = (char)tolower((unsigned char)s[k++]);
          name[n] = '\0';
          if (n) return true;
        }
      }
    } else if (i < end) {
      return false; /* code on line 1: line 2 cannot hold a cookie */
    }
    pos = end;
    if (pos < len && s[pos] == '\r') pos++;
    if (pos < len && s[pos] == '\n') pos++;
  }
  return false;
}

static bool is_utf8_name(const char *n) {
  return !strcmp(n, "utf-8") || !strcmp(n, "utf8") || !strcmp(n, "utf_8") || !strcmp(n, "u8") ||
         !strcmp(n, "utf-8-sig") || !strcmp(n, "utf_8_sig") || !strncmp(n, "utf-8-", 6) ||
         !strncmp(n, "utf_8_", 6);
}

/* Python codec names that glibc's iconv spells differently. */
static const char *iconv_name(const char *n) {
  static const struct { const char *py, *ic; } map[] = {
      {"latin-1", "ISO-8859-1"}, {"latin1", "ISO-8859-1"}, {"latin_1", "ISO-8859-1"},
      {"l1", "ISO-8859-1"},      {"iso-latin-1", "ISO-8859-1"}, {"iso8859-1", "ISO-8859-1"},
      {"iso-8859-1", "ISO-8859-1"}, {"iso_8859_1", "ISO-8859-1"}, {"ascii", "ASCII"},
      {"us-ascii", "ASCII"},     {"cp1252", "CP1252"}, {"windows-1252", "CP1252"},
      {"euc_jp", "EUC-JP"},      {"shift_jis", "SHIFT_JIS"}, {"sjis", "SHIFT_JIS"},
      {"gb2312", "GB2312"},      {"gbk", "GBK"}, {"big5", "BIG5"}, {"koi8_r", "KOI8-R"},
      {"mac-roman", "MACINTOSH"}, {"mac_roman", "MACINTOSH"},
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (!strcmp(n, map[i].py)) return map[i].ic;
  return NULL;
}

/* An iconv descriptor between UTF-8 and the Python codec `enc` (to_utf8:
 * decoding), or (iconv_t)-1. */
static iconv_t open_codec(const char *enc, bool to_utf8) {
  const char *ic = iconv_name(enc);
  char tmp[64];
  if (!ic) {
    size_t i = 0;
    for (; enc[i] && i + 1 < sizeof tmp; i++) tmp[i] = enc[i] == '_' ? '-' : (char)toupper((unsigned char)enc[i]);
    tmp[i] = '\0';
    ic = tmp;
  }
  return to_utf8 ? iconv_open("UTF-8", ic) : iconv_open(ic, "UTF-8");
}

/* Converts with iconv into the arena; 0 or PS_E_INPUT. */
static int convert(PsArena *arena, const char *enc, const char *in, size_t len, char **out,
                   size_t *out_len, const char *path, PsError *err) {
  iconv_t cd = open_codec(enc, true);
  if (cd == (iconv_t)-1)
    return ps_error_set(err, PS_E_INPUT, path, 0, 0, "unknown encoding \"%s\" in coding cookie", enc);
  size_t cap = len * 4 + 16;
  char *buf = ps_arena_alloc(arena, cap);
  char *src = (char *)in, *dst = buf;
  size_t in_left = len, out_left = cap - 1;
  int rc = 0;
  while (in_left > 0) {
    if (iconv(cd, &src, &in_left, &dst, &out_left) == (size_t)-1) {
      if (errno == EILSEQ || errno == EINVAL) {
        rc = ps_error_set(err, PS_E_INPUT, path, 0, 0,
                          "cannot decode byte offset %zu as %s", (size_t)(src - in), enc);
      } else {
        rc = ps_error_set(err, PS_E_INPUT, path, 0, 0, "cannot decode as %s", enc);
      }
      break;
    }
  }
  iconv_close(cd);
  if (rc) return rc;
  *dst = '\0';
  *out = buf;
  *out_len = (size_t)(dst - buf);
  return 0;
}

/* Copies UTF-8 text replacing each invalid byte with U+FFFD; returns the
 * 1-based line of the first invalid byte via *bad_line (0 if none). */
static char *sanitize_utf8(PsArena *arena, const char *s, size_t len, size_t *out_len,
                           uint32_t *bad_line, uint32_t *bad_col) {
  *bad_line = 0;
  if (ps_utf8_valid((const unsigned char *)s, len)) {
    *out_len = len;
    return ps_arena_strndup(arena, s, len);
  }
  char *buf = ps_arena_alloc(arena, len * 3 + 1);
  size_t j = 0;
  uint32_t line = 1, col = 1;
  for (size_t i = 0; i < len;) {
    size_t n = ps_utf8_seq_len((const unsigned char *)s + i, len - i);
    if (n == 0) {
      if (!*bad_line) *bad_line = line, *bad_col = col;
      memcpy(buf + j, "\xEF\xBF\xBD", 3);
      j += 3;
      i++;
      col++;
      continue;
    }
    if (s[i] == '\n') line++, col = 0;
    memcpy(buf + j, s + i, n);
    j += n;
    i += n;
    col++;
  }
  buf[j] = '\0';
  *out_len = j;
  return buf;
}

/* Lines end at "\n", "\r\n" or a lone "\r", as Python's tokenizer and
 * tree-sitter-python's newline handling count them. */
static bool is_line_end(const char *t, uint32_t i, uint32_t len) {
  return t[i] == '\n' || (t[i] == '\r' && (i + 1 >= len || t[i + 1] != '\n'));
}

static void build_line_index(PsSource *self, PsArena *arena) {
  uint32_t n = 1;
  for (uint32_t i = 0; i < self->len; i++)
    if (is_line_end(self->text, i, self->len)) n++;
  self->line_starts = ps_arena_alloc(arena, (size_t)n * sizeof(uint32_t));
  self->line_starts[0] = 0;
  uint32_t k = 1;
  for (uint32_t i = 0; i < self->len; i++)
    if (is_line_end(self->text, i, self->len)) self->line_starts[k++] = i + 1;
  self->n_lines = n;
}

int ps_source_load_bytes(PsSource *out, PsArena *arena, const char *path, const char *bytes,
                         size_t len, PsError *err) {
  memset(out, 0, sizeof *out);
  out->path = path;
  out->encoding = "utf-8";
  const char *orig = bytes;
  size_t orig_len = len;
  if (len > PS_MAX_SOURCE_BYTES)
    return ps_error_set(err, PS_E_INPUT, path, 0, 0, "file is larger than %zu bytes", PS_MAX_SOURCE_BYTES);
  if (memchr(bytes, '\0', len))
    return ps_error_set(err, PS_E_INPUT, path, 0, 0,
                        "source contains NUL bytes (not a Python text file?), skipped");
  if (len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0) {
    out->bom = true;
    bytes += 3;
    len -= 3;
  }
  char cookie[64];
  const char *text = bytes;
  size_t text_len = len;
  if (find_cookie(bytes, len, cookie, sizeof cookie) && !is_utf8_name(cookie)) {
    if (out->bom)
      return ps_error_set(err, PS_E_INPUT, path, 0, 0,
                          "encoding problem: utf-8 BOM with coding cookie \"%s\"", cookie);
    char *conv = NULL;
    int rc = convert(arena, cookie, bytes, len, &conv, &text_len, path, err);
    if (rc) return rc;
    text = conv;
    out->encoding = ps_arena_strdup(arena, cookie);
  }
  size_t clean_len;
  uint32_t bad_line, bad_col = 0;
  out->text = sanitize_utf8(arena, text, text_len, &clean_len, &bad_line, &bad_col);
  out->len = (uint32_t)clean_len;
  if (bad_line)
    out->warning = ps_arena_sprintf(arena,
                                    "invalid UTF-8 at line %u column %u, replaced with U+FFFD; "
                                    "results for this file may be incomplete",
                                    bad_line, bad_col);
  build_line_index(out, arena);
  if (out->len == orig_len && !memcmp(out->text, orig, orig_len)) {
    out->raw = out->text;
  } else {
    out->raw = ps_arena_strndup(arena, orig, orig_len);
  }
  out->raw_len = (uint32_t)orig_len;
  return 0;
}

int ps_source_load_text(PsSource *out, PsArena *arena, const char *path, char *text, size_t len,
                        PsError *err) {
  memset(out, 0, sizeof *out);
  out->path = path;
  out->encoding = "utf-8";
  if (len > PS_MAX_SOURCE_BYTES)
    return ps_error_set(err, PS_E_INPUT, path, 0, 0, "text is larger than %zu bytes", PS_MAX_SOURCE_BYTES);
  if (memchr(text, '\0', len) || !ps_utf8_valid((const unsigned char *)text, len))
    return ps_error_set(err, PS_E_INPUT, path, 0, 0, "text is not valid UTF-8 without NUL bytes");
  out->text = text;
  out->len = (uint32_t)len;
  out->raw = text;
  out->raw_len = (uint32_t)len;
  build_line_index(out, arena);
  return 0;
}

int ps_source_encode(const PsSource *self, const char *text, size_t len, char **out, size_t *out_len,
                     PsError *err) {
  PsBuf b = PS_BUF_INIT;
  *out = NULL;
  *out_len = 0;
  if (self->bom) ps_buf_append(&b, "\xEF\xBB\xBF", 3);
  if (!strcmp(self->encoding, "utf-8")) {
    ps_buf_append(&b, text, len);
    *out_len = b.len;
    *out = ps_buf_steal(&b);
    return 0;
  }
  iconv_t cd = open_codec(self->encoding, false);
  if (cd == (iconv_t)-1) {
    ps_buf_free(&b);
    return ps_error_set(err, PS_E_INPUT, self->path, 0, 0, "cannot encode as %s", self->encoding);
  }
  char *src = (char *)text;
  size_t in_left = len;
  int rc = 0;
  /* The last call (in_left 0) flushes the shift state of stateful encodings. */
  for (bool done = false; !done;) {
    ps_buf_reserve(&b, in_left * 2 + 64);
    char *dst = b.data + b.len;
    size_t out_left = b.cap - b.len - 1;
    bool flushing = in_left == 0;
    size_t r = flushing ? iconv(cd, NULL, NULL, &dst, &out_left) : iconv(cd, &src, &in_left, &dst, &out_left);
    b.len = (size_t)(dst - b.data);
    if (r != (size_t)-1) {
      done = flushing;
    } else if (errno != E2BIG) {
      size_t off = (size_t)(src - text), line = 1;
      for (size_t i = 0; i < off; i++) line += text[i] == '\n';
      uint32_t cp = 0;
      ps_utf8_decode((const unsigned char *)src, len - off, &cp);
      rc = ps_error_set(err, PS_E_INPUT, self->path, (int)line, 0,
                        "U+%04X cannot be encoded as %s", (unsigned)cp, self->encoding);
      break;
    }
  }
  iconv_close(cd);
  if (rc) {
    ps_buf_free(&b);
    return rc;
  }
  b.data[b.len] = '\0';
  *out_len = b.len;
  *out = ps_buf_steal(&b);
  return 0;
}

int ps_source_load_file(PsSource *out, PsArena *arena, const char *path, size_t max_bytes,
                        PsError *err) {
  memset(out, 0, sizeof *out);
  out->path = path;
  if (!max_bytes || max_bytes > PS_MAX_SOURCE_BYTES) max_bytes = PS_MAX_SOURCE_BYTES;
  /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
   * writer forever. It is cleared once the file is known to be regular. */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return ps_error_set(err, PS_E_IO, path, 0, 0, "cannot open: %s", strerror(errno));
  struct stat st;
  int rc = 0;
  char *buf = NULL;
  if (fstat(fd, &st) != 0) {
    rc = ps_error_set(err, PS_E_IO, path, 0, 0, "cannot stat: %s", strerror(errno));
    goto cleanup;
  }
  if (S_ISDIR(st.st_mode)) {
    rc = ps_error_set(err, PS_E_INPUT, path, 0, 0, "is a directory");
    goto cleanup;
  }
  if (!S_ISREG(st.st_mode)) {
    rc = ps_error_set(err, PS_E_INPUT, path, 0, 0, "not a regular file, skipped");
    goto cleanup;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  if ((size_t)st.st_size > max_bytes) {
    rc = ps_error_set(err, PS_E_INPUT, path, 0, 0,
                      "file is %lld bytes, over the --max-file-size limit of %zu, skipped",
                      (long long)st.st_size, max_bytes);
    goto cleanup;
  }
  /* Read until EOF rather than trusting st_size: the file may change. */
  size_t cap = (size_t)st.st_size + 1, len = 0;
  buf = ps_xmalloc(cap);
  for (;;) {
    if (len == cap) {
      if (cap > max_bytes) {
        rc = ps_error_set(err, PS_E_INPUT, path, 0, 0,
                          "file grew over the --max-file-size limit of %zu while read, skipped", max_bytes);
        goto cleanup;
      }
      cap *= 2;
      buf = ps_xrealloc(buf, cap);
    }
    ssize_t n = read(fd, buf + len, cap - len);
    if (n < 0) {
      if (errno == EINTR) continue;
      rc = ps_error_set(err, PS_E_IO, path, 0, 0, "cannot read: %s", strerror(errno));
      goto cleanup;
    }
    if (n == 0) break;
    len += (size_t)n;
  }
  rc = ps_source_load_bytes(out, arena, path, buf, len, err);
cleanup:
  free(buf);
  close(fd);
  return rc;
}

PsPos ps_source_pos(const PsSource *self, uint32_t byte) {
  if (byte > self->len) byte = self->len;
  /* Binary search for the last line start <= byte. */
  uint32_t lo = 0, hi = self->n_lines;
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (self->line_starts[mid] <= byte) lo = mid;
    else hi = mid;
  }
  PsPos p = {lo + 1, 1, 1, byte};
  const unsigned char *s = (const unsigned char *)self->text;
  uint32_t i = self->line_starts[lo];
  /* ASCII runs: one column per byte. */
  while (i < byte && s[i] < 0x80) i++;
  p.col += i - self->line_starts[lo];
  p.col16 += i - self->line_starts[lo];
  while (i < byte) {
    uint32_t cp;
    size_t n = ps_utf8_decode(s + i, byte - i, &cp);
    if (n == 1 && s[i] >= 0x80) {
      /* A split sequence (offset inside a character): count what is left. */
      i++;
      continue;
    }
    p.col++;
    p.col16 += cp >= 0x10000 ? 2 : 1;
    i += (uint32_t)n;
  }
  return p;
}

const char *ps_source_line(const PsSource *self, uint32_t line, uint32_t *len) {
  if (line < 1 || line > self->n_lines) {
    *len = 0;
    return "";
  }
  uint32_t a = self->line_starts[line - 1];
  uint32_t b = line < self->n_lines ? self->line_starts[line] : self->len;
  /* Drop the line ending: "\n", "\r\n" or "\r". */
  if (b > a && line < self->n_lines && self->text[b - 1] == '\n') b--;
  else if (b > a && line < self->n_lines && self->text[b - 1] == '\r') b--;
  if (b > a && self->text[b - 1] == '\r') b--;
  *len = b - a;
  return self->text + a;
}

/* ---- parsing ------------------------------------------------------------- */

/* The per-file time and memory budgets ride on the progress callback:
 * tree-sitter 0.25 has no string variant of ts_parser_parse_with_options,
 * so the text is handed over through a read callback. The callback hands
 * it out in chunks and checks the clock for each: tree-sitter only calls
 * the progress callback between parse operations, and one lex can run for
 * minutes (tree-sitter-python's scanner looks past every following comment
 * line at each newline, so 1 MB of comments costs more than 20 s). Past
 * the deadline it reports the end of the input, and the parse is
 * discarded. The memory budget (core/arena.h) is checked by the progress
 * callback. */
#define PARSE_CHUNK (64u * 1024)

typedef struct ParseInput {
  const char *text;
  uint32_t len;
  bool timed;
  struct timespec deadline;
  bool cut;         /* the end of the input was reported early: the tree is not the text's */
  bool over_memory; /* the parse was stopped for the memory budget */
  uint64_t quiet_until; /* CLOCK_MONOTONIC ns before which the deadline cannot have passed */
} ParseInput;

static uint64_t ns_of(const struct timespec *t) { return (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_nsec; }

/* Whether the thread's CPU clock has reached the deadline. Reading that
 * clock is a system call, the monotonic one is not (vDSO), and a thread's
 * CPU time never grows faster than it: after a reading that leaves R ns of
 * budget, the CPU clock is read again only once R ns have passed on the
 * monotonic clock. Same answers, far fewer system calls. */
static bool clock_passed(const struct timespec *deadline, uint64_t *quiet_until) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  uint64_t wall = ns_of(&now);
  if (wall < *quiet_until) return false;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  uint64_t cpu = ns_of(&now), end = ns_of(deadline);
  if (cpu >= end) return true;
  *quiet_until = wall + (end - cpu);
  return false;
}

static const char *read_chunk(void *payload, uint32_t byte, TSPoint pt, uint32_t *n) {
  (void)pt;
  ParseInput *in = payload;
  if (byte >= in->len || in->cut || (in->timed && clock_passed(&in->deadline, &in->quiet_until))) {
    in->cut |= byte < in->len;
    *n = 0;
    return "";
  }
  uint32_t end = in->len - byte > PARSE_CHUNK ? byte + PARSE_CHUNK : in->len;
  /* End at a character start (the text is valid UTF-8). */
  while (end < in->len && end > byte + 4 && ((unsigned char)in->text[end] & 0xC0) == 0x80) end--;
  *n = end - byte;
  return in->text + byte;
}

static bool past_budget(TSParseState *state) {
  ParseInput *in = state->payload;
  if (ps_memory_over_budget()) return in->over_memory = true;
  return in->cut || (in->timed && clock_passed(&in->deadline, &in->quiet_until));
}

int ps_source_parse(PsSource *self, PsParser *parser, uint64_t budget_us, PsError *err) {
  ParseInput in = {self->text, self->len, budget_us > 0, {0, 0}, false, false, 0};
  if (in.timed) {
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &in.deadline);
    in.deadline.tv_sec += (time_t)(budget_us / 1000000);
    in.deadline.tv_nsec += (long)(budget_us % 1000000) * 1000;
    if (in.deadline.tv_nsec >= 1000000000L) in.deadline.tv_sec++, in.deadline.tv_nsec -= 1000000000L;
  }
  TSInput tin = {.payload = &in, .read = read_chunk, .encoding = TSInputEncodingUTF8};
  TSParseOptions opts = {.payload = &in, .progress_callback = past_budget};
  self->tree = ts_parser_parse_with_options(parser->ts, NULL, tin, opts);
  if (self->tree && in.cut) { /* finished on a text cut short */
    ts_tree_delete(self->tree);
    self->tree = NULL;
  }
  if (!self->tree) {
    ts_parser_reset(parser->ts); /* frees the abandoned parse's stacks */
    if (in.over_memory) return ps_source_memory_error(self->path, err);
    if (in.timed)
      return ps_error_set(err, PS_E_LIMIT, self->path, 0, 0,
                          "parsing took more than the %llu ms CPU budget (--file-timeout), skipped",
                          (unsigned long long)(budget_us / 1000));
    return ps_error_set(err, PS_E_INTERNAL, self->path, 0, 0, "tree-sitter failed to parse");
  }
  self->has_error = ts_node_has_error(ts_tree_root_node(self->tree));
  return 0;
}

int ps_source_memory_error(const char *path, PsError *err) {
  char size[32];
  return ps_error_set(err, PS_E_LIMIT, path, 0, 0, "over the %s memory budget (--max-file-memory), skipped",
                      ps_memory_format(ps_memory_budget(), size, sizeof size));
}

void ps_source_release(PsSource *self) {
  if (self->tree) ts_tree_delete(self->tree);
  self->tree = NULL;
}
