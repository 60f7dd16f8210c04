/* toml_fuzz.c: libFuzzer target for the TOML reader.
 *
 * The input is a pyproject.toml. ps_toml_parse either fails with an error
 * that is formatted and printed (caret line included) into a memory stream,
 * or returns a tree that is walked completely: every key is looked up again
 * with ps_toml_get and must be found (keys with an embedded NUL excepted),
 * every string and key is read to its recorded length, and positions must
 * be 1-based and within the input's lines. The corpus holds inputs with
 * thousands of keys (many_*.toml): positions were once found by rescanning
 * the input, quadratic in the number of keys. config.h has no in-memory
 * form of ps_config_load_pyproject, so the [tool.pyshift] key handling is
 * not reached from here.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

static FILE *sink;
static char sink_buf[8192];

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  sink = fmemopen(sink_buf, sizeof sink_buf, "w");
  if (!sink) abort();
  return 0;
}

static size_t touch(const char *s, size_t len) {
  size_t h = 0;
  for (size_t i = 0; i < len; i++) h = h * 31 + (unsigned char)s[i];
  return h;
}

/* Lines in the current input: no position may lie past them. */
static int n_lines;

static size_t walk(const PsTomlValue *v, int depth) {
  if (!v || depth > 3 * PS_TOML_MAX_DEPTH + 3 || v->line < 1 || v->col < 1 || v->line > n_lines) abort();
  size_t h = (size_t)v->type;
  switch (v->type) {
  case PS_TOML_STRING:
  case PS_TOML_DATETIME:
    if (v->u.str.s[v->u.str.len] != '\0') abort();
    h += touch(v->u.str.s, v->u.str.len);
    break;
  case PS_TOML_INTEGER: h += (size_t)v->u.i; break;
  case PS_TOML_FLOAT: h += v->u.f == v->u.f ? (size_t)(v->u.f != 0) : 7; break;
  case PS_TOML_BOOL: h += v->u.b; break;
  case PS_TOML_ARRAY:
    for (size_t i = 0; i < v->u.array.size; i++) h += walk(v->u.array.items[i], depth + 1);
    break;
  case PS_TOML_TABLE:
    for (size_t i = 0; i < v->u.table.size; i++) {
      const char *k = v->u.table.keys[i];
      size_t kl = ps_toml_key_len(v, i);
      h += touch(k, kl);
      if (v->u.table.key_lines[i] < 1 || v->u.table.key_cols[i] < 1 || v->u.table.key_lines[i] > n_lines) abort();
      /* A key without NUL must be found again, and find this value. */
      if (strlen(k) == kl && ps_toml_get(v, k) != v->u.table.values[i]) abort();
      h += walk(v->u.table.values[i], depth + 1);
    }
    break;
  default:
    abort();
  }
  return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  PsTomlValue *doc = NULL;
  PsError err;
  ps_error_clear(&err);
  size_t h = 0;
  n_lines = 1;
  for (size_t i = 0; i < size; i++) n_lines += data[i] == '\n';
  if (ps_toml_parse(&doc, (const char *)data, size, "pyproject.toml", &err) == 0) {
    if (!doc || doc->type != PS_TOML_TABLE) abort();
    h = walk(doc, 0);
    /* The lookups config.c makes. */
    const PsTomlValue *tool = ps_toml_get(doc, "tool");
    h += ps_toml_get(ps_toml_get(tool, "pyshift"), "select") != NULL;
    h += ps_toml_get(ps_toml_get(doc, "project"), "requires-python") != NULL;
    ps_toml_free(doc);
  } else {
    if (err.code == 0) abort();
    char buf[PS_ERROR_PATH_MAX + PS_ERROR_MSG_MAX + 64];
    ps_error_format(&err, buf, sizeof buf);
    rewind(sink);
    ps_error_print(&err, sink);
    fflush(sink);
  }
  return h == (size_t)-1;
}
