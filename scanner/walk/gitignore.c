/* gitignore.c: compile and match .gitignore and .git/info/exclude files.
 *
 * Follows git's rules (gitignore(5), and what `git ls-files --exclude-standard`
 * does): one pattern per line, CRLF and a UTF-8 BOM tolerated, blank lines
 * and `#` comments skipped, unescaped trailing spaces trimmed, `!` negates, a
 * trailing `/` matches directories only, a pattern without any other `/`
 * matches the basename at any depth, anything else is anchored to the
 * directory holding the file. Within a file the last matching pattern wins;
 * a deeper .gitignore wins over a shallower one, which wins over
 * info/exclude. That a file below an excluded directory cannot be
 * re-included is the walker's job: it never enters an excluded directory.
 *
 * Compiled files live in the walk's arena and are chained by precedence, so
 * each directory's file is compiled once and shared by everything below it.
 */
#include "walk/walk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Ignore files bigger than this are not read (git has no limit, but a
 * multi-megabyte .gitignore is a generated file or a mistake). */
#define PS_IGNORE_FILE_MAX (16u * 1024 * 1024)

enum { KIND_LITERAL, KIND_SUFFIX, KIND_WILD };

typedef struct Pattern {
  const char *text; /* '!', a leading '/' and the trailing '/' removed */
  size_t len;
  unsigned char kind;
  bool negated;
  bool dir_only;
  bool basename; /* no '/' inside: matched against the last component */
} Pattern;

struct PsIgnoreFile {
  const PsIgnoreFile *up; /* next in precedence: parent's file, info/exclude */
  const char *base;       /* the file's directory relative to the top, "" at the top */
  size_t base_len;
  Pattern *patterns;
  size_t n_patterns;
};

/* Length of line s[0..n) once unescaped trailing spaces are dropped. */
static size_t trim_trailing_spaces(const char *s, size_t n) {
  size_t cut = n;
  bool in_spaces = false;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == ' ') {
      if (!in_spaces) cut = i;
      in_spaces = true;
    } else if (s[i] == '\\') {
      if (++i == n) return n; /* a trailing backslash: keep the line as is */
      in_spaces = false;
    } else {
      in_spaces = false;
    }
  }
  return in_spaces ? cut : n;
}

static bool has_wildcard(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] == '*' || s[i] == '?' || s[i] == '[' || s[i] == '\\') return true;
  return false;
}

static bool parse_line(PsArena *arena, const char *s, size_t n, Pattern *out) {
  if (n && s[n - 1] == '\r') n--;
  if (n == 0 || s[0] == '#') return false;
  n = trim_trailing_spaces(s, n);
  if (n == 0) return false;
  Pattern pat = {0};
  if (s[0] == '!') {
    pat.negated = true;
    s++;
    n--;
  }
  if (n && s[n - 1] == '/') {
    pat.dir_only = true;
    n--;
  }
  pat.basename = memchr(s, '/', n) == NULL;
  if (!pat.basename && s[0] == '/') {
    s++;
    n--;
  }
  if (n == 0) return false;
  if (!has_wildcard(s, n))
    pat.kind = KIND_LITERAL;
  else if (pat.basename && s[0] == '*' && !has_wildcard(s + 1, n - 1))
    pat.kind = KIND_SUFFIX;
  else
    pat.kind = KIND_WILD;
  pat.text = ps_arena_strndup(arena, s, n);
  pat.len = n;
  *out = pat;
  return true;
}

PsIgnoreFile *ps_walk__ignore_compile(PsArena *arena, const char *buf, size_t len,
                                      const char *base, const PsIgnoreFile *up) {
  if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
    buf += 3;
    len -= 3;
  }
  size_t n_lines = 1;
  for (size_t i = 0; i < len; i++) n_lines += buf[i] == '\n';
  Pattern *patterns = ps_arena_alloc(arena, n_lines * sizeof *patterns);
  size_t n = 0;
  for (size_t i = 0; i < len;) {
    const char *nl = memchr(buf + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - buf) : len;
    /* A NUL inside a line would cut the pattern short; git stops there too. */
    const char *nul = memchr(buf + i, '\0', end - i);
    size_t line_len = (nul ? (size_t)(nul - buf) : end) - i;
    if (parse_line(arena, buf + i, line_len, &patterns[n])) n++;
    i = end + 1;
  }
  if (n == 0) return NULL;
  PsIgnoreFile *self = ps_arena_calloc(arena, sizeof *self);
  self->up = up;
  self->base = ps_arena_strdup(arena, base);
  self->base_len = strlen(base);
  self->patterns = patterns;
  self->n_patterns = n;
  return self;
}

int ps_walk__ignore_load(const PsIgnoreFile **out, PsArena *arena, const char *file, const char *base,
                         const PsIgnoreFile *up) {
  int rc = 0;
  char *buf = NULL;
  int fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY); /* a FIFO must not block */
  *out = up;
  if (fd < 0) {
    rc = errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
    goto cleanup;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    rc = -errno;
    goto cleanup;
  }
  if (!S_ISREG(st.st_mode) || st.st_size == 0 || (size_t)st.st_size > PS_IGNORE_FILE_MAX)
    goto cleanup;
  size_t want = (size_t)st.st_size, got = 0;
  buf = ps_xmalloc(want);
  while (got < want) {
    ssize_t r = read(fd, buf + got, want - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      rc = -errno;
      goto cleanup;
    }
    if (r == 0) break;
    got += (size_t)r;
  }
  PsIgnoreFile *f = ps_walk__ignore_compile(arena, buf, got, base, up);
  if (f) *out = f;
cleanup:
  free(buf);
  if (fd >= 0) close(fd);
  return rc;
}

static bool pattern_matches(const Pattern *pat, const char *rel, const char *basename,
                            size_t base_len) {
  const char *subject = pat->basename ? basename : rel;
  switch (pat->kind) {
  case KIND_LITERAL:
    return strcmp(subject, pat->text) == 0;
  case KIND_SUFFIX:
    return base_len >= pat->len - 1 &&
           memcmp(basename + base_len - (pat->len - 1), pat->text + 1, pat->len - 1) == 0;
  default:
    return ps_walk__wildmatch(pat->text, subject, pat->basename ? 0 : PS_WM_PATHNAME);
  }
}

bool ps_walk__ignore_match(const PsIgnoreFile *self, const char *path, bool is_dir) {
  const char *basename = strrchr(path, '/');
  basename = basename ? basename + 1 : path;
  size_t base_len = strlen(basename);
  for (const PsIgnoreFile *f = self; f; f = f->up) {
    const char *rel = path;
    if (f->base_len) {
      /* Files in the chain belong to ancestors of path, but stay safe. */
      if (strncmp(path, f->base, f->base_len) != 0 || path[f->base_len] != '/') continue;
      rel = path + f->base_len + 1;
    }
    for (size_t i = f->n_patterns; i-- > 0;) {
      const Pattern *pat = &f->patterns[i];
      if (pat->dir_only && !is_dir) continue;
      if (pattern_matches(pat, rel, basename, base_len)) return !pat->negated;
    }
  }
  return false;
}
