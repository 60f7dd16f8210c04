/* error.h: error codes and the caller-provided error sink.
 *
 * A function that can fail returns 0 or a negative PS_E_* code and, when
 * given one, fills a PsError with where and what. There is no global error
 * state: workers run in parallel, each with its own sink.
 */
#ifndef PS_CORE_ERROR_H
#define PS_CORE_ERROR_H

#include <stdarg.h>
#include <stdio.h>

enum {
  PS_OK = 0,
  PS_E_IO = -1,       /* a file or directory cannot be read or written */
  PS_E_USAGE = -2,    /* a bad command-line option */
  PS_E_CONFIG = -3,   /* a bad pyproject.toml */
  PS_E_RULE = -4,     /* a bad rule file */
  PS_E_INPUT = -5,    /* a scanned file that cannot be scanned (too big, binary...) */
  PS_E_LIMIT = -6,    /* an internal limit was hit */
  PS_E_INTERNAL = -7, /* a dependency misbehaved (tree-sitter ABI mismatch...) */
};

#define PS_ERROR_PATH_MAX 1024
#define PS_ERROR_MSG_MAX 512
#define PS_ERROR_CONTEXT_MAX 1024

typedef struct PsError {
  int code;                           /* PS_E_*, 0 when clear */
  char path[PS_ERROR_PATH_MAX];       /* file the error is about, or "" */
  int line;                           /* 1-based, 0 if none */
  int col;                            /* 1-based, 0 if none */
  int span;                           /* caret width (>= 1) when context is set */
  char msg[PS_ERROR_MSG_MAX];         /* one line, lower case, no period */
  char context[PS_ERROR_CONTEXT_MAX]; /* the offending source line, or "" */
} PsError;

void ps_error_clear(PsError *err);
/* Fills `err` (if non-NULL) and returns `code`, so callers can write
 * `return ps_error_set(err, PS_E_IO, path, 0, 0, "...")`. */
int ps_error_set(PsError *err, int code, const char *path, int line, int col,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
int ps_error_vset(PsError *err, int code, const char *path, int line, int col,
                  const char *fmt, va_list ap);
/* Records the source line and caret width to show under the message. */
void ps_error_set_context(PsError *err, const char *line, size_t len, int span);
/* Sets the context to 1-based line `line` of text[0..len) (no-op if the
 * text has fewer lines). */
void ps_error_set_context_at_line(PsError *err, const char *text, size_t len, int line, int span);
/* Writes "pyshift: path:line:col: msg\n" plus the context line and caret. */
void ps_error_print(const PsError *err, FILE *out);
/* "path:line:col: msg" without prefix or newline, into buf. */
void ps_error_format(const PsError *err, char *buf, size_t n);

#endif
