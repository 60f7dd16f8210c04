/* error.c: filling and printing PsError. */
#include "core/error.h"

#include <string.h>

void ps_error_clear(PsError *err) {
  if (!err) return;
  err->code = 0;
  err->path[0] = err->msg[0] = err->context[0] = '\0';
  err->line = err->col = err->span = 0;
}

int ps_error_vset(PsError *err, int code, const char *path, int line, int col,
                  const char *fmt, va_list ap) {
  if (!err) return code;
  err->code = code;
  snprintf(err->path, sizeof err->path, "%s", path ? path : "");
  err->line = line;
  err->col = col;
  err->span = 0;
  err->context[0] = '\0';
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  /* Keep messages on one line whatever was interpolated. */
  for (char *p = err->msg; *p; p++)
    if (*p == '\n' || *p == '\r') *p = ' ';
  return code;
}

int ps_error_set(PsError *err, int code, const char *path, int line, int col,
                 const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ps_error_vset(err, code, path, line, col, fmt, ap);
  va_end(ap);
  return code;
}

void ps_error_set_context(PsError *err, const char *line, size_t len, int span) {
  if (!err) return;
  if (len >= sizeof err->context) len = sizeof err->context - 1;
  size_t j = 0;
  for (size_t i = 0; i < len; i++) {
    char c = line[i];
    if (c == '\n' || c == '\r') break;
    err->context[j++] = c == '\t' ? ' ' : c;
  }
  err->context[j] = '\0';
  err->span = span < 1 ? 1 : span;
}

void ps_error_set_context_at_line(PsError *err, const char *text, size_t len, int line, int span) {
  if (!err || line < 1) return;
  const char *p = text, *end = text + len;
  for (int l = 1; l < line; l++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) return;
    p = nl + 1;
  }
  const char *nl = memchr(p, '\n', (size_t)(end - p));
  ps_error_set_context(err, p, nl ? (size_t)(nl - p) : (size_t)(end - p), span);
}

void ps_error_format(const PsError *err, char *buf, size_t n) {
  if (err->path[0] && err->line > 0 && err->col > 0)
    snprintf(buf, n, "%s:%d:%d: %s", err->path, err->line, err->col, err->msg);
  else if (err->path[0] && err->line > 0)
    snprintf(buf, n, "%s:%d: %s", err->path, err->line, err->msg);
  else if (err->path[0])
    snprintf(buf, n, "%s: %s", err->path, err->msg);
  else
    snprintf(buf, n, "%s", err->msg);
}

void ps_error_print(const PsError *err, FILE *out) {
  char buf[PS_ERROR_PATH_MAX + PS_ERROR_MSG_MAX + 64];
  ps_error_format(err, buf, sizeof buf);
  fprintf(out, "pyshift: %s\n", buf);
  if (err->context[0] && err->col > 0) {
    fprintf(out, "    %s\n    ", err->context);
    /* Column is in bytes of the context line; pad with spaces. */
    for (int i = 1; i < err->col && i < (int)sizeof err->context; i++) fputc(' ', out);
    for (int i = 0; i < (err->span > 0 ? err->span : 1); i++) fputc('^', out);
    fputc('\n', out);
  }
}
