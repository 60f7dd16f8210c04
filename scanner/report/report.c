/* report.c: the reporter object, format dispatch and helpers the formats
 * share (checked writes, JSON strings, per-file batches, URIs).
 *
 * A reporter owns nothing but its format's state; the FILE* is borrowed.
 * Write failures (EPIPE with SIGPIPE ignored, a full disk) are remembered in
 * write_failed: after the first one nothing more is written, and end()
 * returns PS_E_IO.
 */
#include "report/report.h"

#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

PsReporter *ps_report_new(const PsReportOptions *opts) {
  PsReporter *self = ps_xcalloc(1, sizeof *self);
  self->opts = *opts;
  switch (opts->format) {
    case PS_FORMAT_TEXT: self->ops = &ps_report__text_ops; break;
    case PS_FORMAT_JSON: self->ops = &ps_report__json_ops; break;
    case PS_FORMAT_SARIF: self->ops = &ps_report__sarif_ops; break;
    case PS_FORMAT_GITHUB: self->ops = &ps_report__github_ops; break;
    case PS_FORMAT_HTML: self->ops = &ps_report__html_ops; break;
    case PS_FORMAT_GITLAB: self->ops = &ps_report__gitlab_ops; break;
    case PS_FORMAT_JUNIT: self->ops = &ps_report__junit_ops; break;
  }
  assert(self->ops);
  return self;
}

void ps_report_begin(PsReporter *self, const PsRunInfo *run) {
  self->run = run;
  self->ops->begin(self);
}

void ps_report_file(PsReporter *self, const PsFileResult *file) {
  assert(self->run && "ps_report_begin first");
  self->ops->file(self, file);
}

void ps_report_project(PsReporter *self, const PsFileResult *file) {
  assert(self->run && "ps_report_begin first");
  (self->ops->project ? self->ops->project : self->ops->file)(self, file);
}

int ps_report_end(PsReporter *self, const PsRunInfo *run) {
  if (!self->run) { /* no file was scanned and begin() was skipped */
    self->run = run;
    self->ops->begin(self);
  }
  self->run = run;
  self->ops->end(self, run);
  errno = 0;
  if (!self->write_failed && fflush(self->opts.out) != 0) {
    self->write_failed = true;
    self->write_errno = errno ? errno : EIO;
  }
  if (ferror(self->opts.out) && !self->write_failed) {
    self->write_failed = true;
    self->write_errno = EIO;
  }
  return self->write_failed ? PS_E_IO : 0;
}

int ps_report_write_errno(const PsReporter *self) { return self->write_failed ? self->write_errno : 0; }

size_t ps_report_warnings(const PsReporter *self, const char *const **out) {
  *out = (const char *const *)self->warnings;
  return self->n_warnings;
}

void ps_report__warn(PsReporter *self, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  PsBuf b = PS_BUF_INIT;
  ps_buf_vprintf(&b, fmt, ap);
  va_end(ap);
  self->warnings = ps_xrealloc(self->warnings, (self->n_warnings + 1) * sizeof(char *));
  self->warnings[self->n_warnings++] = ps_buf_steal(&b);
}

void ps_report_delete(PsReporter *self) {
  if (!self) return;
  self->ops->fini(self);
  for (size_t i = 0; i < self->n_warnings; i++) free(self->warnings[i]);
  free(self->warnings);
  free(self);
}

bool ps_report__write(PsReporter *self, const char *data, size_t n) {
  if (self->write_failed) return false;
  errno = 0;
  if (n && fwrite(data, 1, n, self->opts.out) != n) {
    self->write_failed = true;
    self->write_errno = errno ? errno : EIO;
  }
  return !self->write_failed;
}

bool ps_report__write_json(PsReporter *self, json_t *root) {
  char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  if (!text) {
    self->write_failed = true; /* only on out-of-memory */
    self->write_errno = ENOMEM;
    return false;
  }
  bool ok = ps_report__write(self, text, strlen(text)) && ps_report__write(self, "\n", 1);
  free(text);
  return ok;
}

json_t *ps_report__jstr(const char *s) {
  if (!s) return json_null();
  size_t n = strlen(s);
  if (ps_utf8_valid((const unsigned char *)s, n)) return json_stringn(s, n);
  PsBuf b = PS_BUF_INIT;
  for (size_t i = 0; i < n;) {
    size_t len = ps_utf8_seq_len((const unsigned char *)s + i, n - i);
    if (len) {
      ps_buf_append(&b, s + i, len);
      i += len;
    } else {
      ps_buf_append(&b, "\xEF\xBF\xBD", 3);
      i++;
    }
  }
  json_t *j = json_stringn(b.data, b.len);
  ps_buf_free(&b);
  return j;
}

/* ---- paths in text ---------------------------------------------------------- */

void ps_report_escape_path(PsBuf *b, const char *path) {
  static const char HEX[] = "0123456789ABCDEF";
  const unsigned char *s = (const unsigned char *)path;
  size_t n = strlen(path);
  for (size_t i = 0; i < n;) {
    size_t len = ps_utf8_seq_len(s + i, n - i);
    uint32_t cp = 0;
    if (len) ps_utf8_decode(s + i, n - i, &cp);
    bool escape = !len || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x2028 || cp == 0x2029;
    if (!escape) {
      ps_buf_append(b, path + i, len);
      i += len;
      continue;
    }
    if (!len) len = 1;
    for (size_t k = 0; k < len; k++) {
      char esc[3] = {'%', HEX[s[i + k] >> 4], HEX[s[i + k] & 15]};
      ps_buf_append(b, esc, 3);
    }
    i += len;
  }
}

char *ps_report_escaped_path(const char *path) {
  PsBuf b = PS_BUF_INIT;
  ps_report_escape_path(&b, path);
  return ps_buf_steal(&b);
}

/* ---- batches ------------------------------------------------------------ */

void ps_report__batch_add(PsReportBatch *self, const char *path, json_t *items, const PsFinding *fs, size_t n) {
  if (self->size == self->cap) {
    self->cap = self->cap ? self->cap * 2 : 16;
    self->files = ps_xrealloc(self->files, self->cap * sizeof *self->files);
  }
  struct PsReportBatchFile *f = &self->files[self->size];
  f->path = ps_xstrdup(path ? path : "");
  f->seq = self->size++;
  f->items = items;
  f->keys = ps_xcalloc(n ? n : 1, sizeof(PsReportKey));
  for (size_t i = 0; i < n; i++)
    f->keys[i] = (PsReportKey){fs[i].range, fs[i].rule->id, ps_xstrdup(fs[i].message ? fs[i].message : "")};
}

/* ps_finding_cmp's order on the keys. */
static int cmp_key(const PsReportKey *a, const PsReportKey *b) {
  if (a->range.start.line != b->range.start.line) return a->range.start.line < b->range.start.line ? -1 : 1;
  if (a->range.start.col != b->range.start.col) return a->range.start.col < b->range.start.col ? -1 : 1;
  int c = strcmp(a->rule_id, b->rule_id);
  if (c) return c;
  if (a->range.end.line != b->range.end.line) return a->range.end.line < b->range.end.line ? -1 : 1;
  if (a->range.end.col != b->range.end.col) return a->range.end.col < b->range.end.col ? -1 : 1;
  return strcmp(a->message, b->message);
}

typedef struct KeyedItem {
  PsReportKey key;
  json_t *item;
  size_t seq; /* stable among equal keys */
} KeyedItem;

static int cmp_keyed(const void *pa, const void *pb) {
  const KeyedItem *a = pa, *b = pb;
  int c = cmp_key(&a->key, &b->key);
  return c ? c : (a->seq < b->seq ? -1 : a->seq > b->seq);
}

static void free_keys(struct PsReportBatchFile *f) {
  size_t n = f->items ? json_array_size(f->items) : 0;
  for (size_t i = 0; f->keys && i < n; i++) free(f->keys[i].message);
  free(f->keys);
  f->keys = NULL;
}

/* Merges files[a..b) (one path, in seq order) into files[a]. */
static void merge_same_path(PsReportBatch *self, size_t a, size_t b) {
  size_t total = 0;
  for (size_t i = a; i < b; i++) total += json_array_size(self->files[i].items);
  KeyedItem *all = ps_xmalloc((total ? total : 1) * sizeof *all);
  size_t k = 0;
  for (size_t i = a; i < b; i++)
    for (size_t j = 0; j < json_array_size(self->files[i].items); j++, k++)
      all[k] = (KeyedItem){self->files[i].keys[j], json_incref(json_array_get(self->files[i].items, j)), k};
  qsort(all, total, sizeof *all, cmp_keyed);
  json_t *items = json_array();
  PsReportKey *keys = ps_xcalloc(total ? total : 1, sizeof *keys);
  for (size_t i = 0; i < total; i++) {
    json_array_append_new(items, all[i].item);
    keys[i] = all[i].key;
    keys[i].message = ps_xstrdup(all[i].key.message);
  }
  free(all);
  for (size_t i = a; i < b; i++) {
    free_keys(&self->files[i]);
    json_decref(self->files[i].items);
    self->files[i].items = NULL;
    if (i > a) free(self->files[i].path), self->files[i].path = NULL;
  }
  self->files[a].items = items;
  self->files[a].keys = keys;
}

static int cmp_batch_file(const void *pa, const void *pb) {
  const struct PsReportBatchFile *a = pa, *b = pb;
  int c = strcmp(a->path, b->path);
  if (c) return c;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void ps_report__batch_sort(PsReportBatch *self) {
  if (self->size > 1) qsort(self->files, self->size, sizeof *self->files, cmp_batch_file);
  size_t out = 0;
  for (size_t a = 0; a < self->size;) {
    size_t b = a + 1;
    while (b < self->size && !strcmp(self->files[a].path, self->files[b].path)) b++;
    if (b - a > 1) merge_same_path(self, a, b);
    self->files[out++] = self->files[a];
    a = b;
  }
  self->size = out;
}

void ps_report__batch_free(PsReportBatch *self) {
  for (size_t i = 0; i < self->size; i++) {
    free_keys(&self->files[i]);
    free(self->files[i].path);
    json_decref(self->files[i].items);
  }
  free(self->files);
  memset(self, 0, sizeof *self);
}

PsFinding *ps_report__sorted_findings(const PsFileResult *file) {
  size_t n = file->n_findings;
  PsFinding *copy = ps_xmalloc((n ? n : 1) * sizeof *copy);
  if (n) memcpy(copy, file->findings, n * sizeof *copy);
  if (n > 1) qsort(copy, n, sizeof *copy, ps_finding_cmp);
  return copy;
}

/* ---- URIs ----------------------------------------------------------------- */

char *ps_report_help_uri(const PsRuleMeta *rule) {
  if (rule->help_uri && rule->help_uri[0]) return ps_xstrdup(rule->help_uri);
  return ps_xasprintf("https://github.com/pyshift/pyshift/blob/main/docs/rules/%s.md", rule->id);
}

static bool uri_keep(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
}

static void uri_encode_into(PsBuf *b, const char *s) {
  static const char HEX[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (uri_keep(*p)) {
      ps_buf_putc(b, (char)*p);
    } else {
      char esc[3] = {'%', HEX[*p >> 4], HEX[*p & 15]};
      ps_buf_append(b, esc, 3);
    }
  }
}

char *ps_report_uri_encode(const char *s) {
  PsBuf b = PS_BUF_INIT;
  uri_encode_into(&b, s);
  return ps_buf_steal(&b);
}

/* Lexically normalises an absolute path in place: "//", "/./" and "/x/../"
 * collapse (symlinks are not resolved: the user's spelling is kept). */
static void normalize_abs(char *p) {
  char *out = p;
  const char *in = p;
  while (*in) {
    while (*in == '/') in++;
    if (!*in) break;
    const char *e = strchr(in, '/');
    size_t n = e ? (size_t)(e - in) : strlen(in);
    if (n == 1 && in[0] == '.') {
    } else if (n == 2 && in[0] == '.' && in[1] == '.') {
      while (out > p && *--out != '/') {
      }
    } else {
      *out++ = '/';
      memmove(out, in, n);
      out += n;
    }
    in += n;
  }
  if (out == p) *out++ = '/';
  *out = '\0';
}

char *ps_report_artifact_uri(const char *path, const char *working_dir, bool *relative) {
  /* A relative path that climbs out ("../x.py", "a/../../x.py") is made
   * absolute: %SRCROOT%-relative URIs must stay inside the root. */
  char *joined = NULL;
  if (path[0] != '/' && working_dir && working_dir[0] &&
      (!strncmp(path, "../", 3) || !strcmp(path, "..") || strstr(path, "/../") || ps_str_ends_with(path, "/.."))) {
    joined = ps_xasprintf("%s/%s", working_dir, path);
    normalize_abs(joined);
    path = joined;
  }
  char *uri = ps_report__artifact_uri_abs(path, working_dir, relative);
  free(joined);
  return uri;
}

char *ps_report_artifact_uri_in(const char *path, const char *working_dir, const char *root, bool *relative) {
  if (!root || !root[0] || (working_dir && !strcmp(root, working_dir)))
    return ps_report_artifact_uri(path, working_dir, relative);
  char *abs = path[0] == '/' || !working_dir ? ps_xstrdup(path) : ps_xasprintf("%s/%s", working_dir, path);
  if (abs[0] == '/') normalize_abs(abs);
  char *uri = ps_report__artifact_uri_abs(abs, root, relative);
  free(abs);
  return uri;
}

char *ps_report__root_path(const char *path, const char *working_dir, const char *root) {
  if (!root || !root[0]) root = working_dir;
  char *abs = path[0] == '/' || !working_dir || !working_dir[0] ? ps_xstrdup(path)
                                                                 : ps_xasprintf("%s/%s", working_dir, path);
  if (abs[0] != '/') { /* no working directory known: the path as given */
    const char *p = abs;
    while (p[0] == '.' && p[1] == '/') p += 2;
    char *out = ps_xstrdup(p);
    free(abs);
    return out;
  }
  normalize_abs(abs);
  if (root && root[0]) {
    size_t n = strlen(root);
    while (n > 1 && root[n - 1] == '/') n--;
    if (!strncmp(abs, root, n) && abs[n] == '/' && abs[n + 1]) {
      char *out = ps_xstrdup(abs + n + 1);
      free(abs);
      return out;
    }
  }
  return abs;
}

char *ps_report__artifact_uri_abs(const char *path, const char *working_dir, bool *relative) {
  if (path[0] == '/' && working_dir && working_dir[0]) {
    size_t n = strlen(working_dir);
    while (n > 1 && working_dir[n - 1] == '/') n--;
    if (strncmp(path, working_dir, n) == 0 && path[n] == '/') path += n + 1;
  }
  PsBuf b = PS_BUF_INIT;
  if (path[0] == '/') {
    *relative = false;
    ps_buf_puts(&b, "file://");
  } else {
    *relative = true;
    while (path[0] == '.' && path[1] == '/') {
      path += 2;
      while (*path == '/') path++;
    }
  }
  uri_encode_into(&b, path);
  return ps_buf_steal(&b);
}
