/* parse.h: load a Python source file and parse it with tree-sitter.
 *
 * Loading decodes the file per PEP 263 into UTF-8 in the caller's arena: a
 * UTF-8 BOM is dropped, a coding cookie on line 1 or 2 selects the encoding
 * (anything glibc's iconv knows), invalid UTF-8 is replaced by U+FFFD and
 * reported as a warning. A line index maps byte offsets to positions: lines
 * are 1-based and end at '\n' ("\r\n" included); columns count code points
 * and UTF-16 code units from 1.
 *
 * A PsParser is per worker thread: it owns one TSParser. The Python grammar is
 * checked against the runtime's ABI range when the parser is made: a mismatch
 * is a loud PS_E_INTERNAL error, never a silent empty tree.
 */
#ifndef PS_PARSE_PARSE_H
#define PS_PARSE_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <tree_sitter/api.h>

#include "core/core.h"

/* The largest file pyshift will try to parse: tree-sitter positions are 32
 * bit. */
#define PS_MAX_SOURCE_BYTES ((size_t)1 << 30)

typedef struct PsSource {
  const char *path;        /* display path (borrowed) */
  char *text;              /* decoded UTF-8, NUL-terminated, in the arena */
  uint32_t len;
  const char *raw;         /* the bytes as read (BOM, original encoding): text
                              itself when they are identical */
  uint32_t raw_len;
  uint32_t *line_starts;   /* byte offset of each line start; n_lines entries */
  uint32_t n_lines;
  const char *encoding;    /* "utf-8" or the cookie's name */
  bool bom;
  char *warning;           /* non-fatal problem (invalid UTF-8...), or NULL */
  TSTree *tree;            /* after ps_source_parse; ps_source_release frees it */
  bool has_error;          /* the tree contains ERROR or MISSING nodes */
} PsSource;

/* Reads and decodes `path`. Files over max_bytes (0: PS_MAX_SOURCE_BYTES),
 * directories, and files holding NUL bytes fail with PS_E_INPUT; read
 * errors with PS_E_IO. */
int ps_source_load_file(PsSource *out, PsArena *arena, const char *path, size_t max_bytes,
                        PsError *err);
/* Decodes `len` bytes already in memory (standard input, tests, fuzzers). */
int ps_source_load_bytes(PsSource *out, PsArena *arena, const char *path, const char *bytes,
                         size_t len, PsError *err);

/* Loads text that is already decoded UTF-8 (the result of applying fixes):
 * no BOM or coding-cookie handling, just the line index. `text` (len bytes,
 * NUL-terminated) is borrowed, not copied: it must live as long as the
 * source, typically in the same arena. raw is the text itself, encoding
 * "utf-8", bom false. PS_E_INPUT if it is not valid UTF-8 or holds NUL. */
int ps_source_load_text(PsSource *out, PsArena *arena, const char *path, char *text, size_t len,
                        PsError *err);
/* Encodes UTF-8 `text` the way self's file is stored, for writing it back:
 * in self->encoding (iconv) and with a UTF-8 BOM if self had one. On
 * success *out is a heap buffer (NUL-terminated, *out_len bytes) the caller
 * frees. PS_E_INPUT for a character the encoding cannot represent: the
 * message names it ("U+20AC cannot be encoded as latin-1"), err->line is
 * its 1-based line in `text`. */
int ps_source_encode(const PsSource *self, const char *text, size_t len, char **out, size_t *out_len,
                     PsError *err);

/* Position of a byte offset (clamped to the text). */
PsPos ps_source_pos(const PsSource *self, uint32_t byte);
/* Start and length (without newline) of 1-based line `line`. */
const char *ps_source_line(const PsSource *self, uint32_t line, uint32_t *len);
/* Text of a node (not NUL-terminated): pointer and length. */
static inline const char *ps_source_node_text(const PsSource *self, TSNode n, uint32_t *len) {
  uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
  *len = b - a;
  return self->text + a;
}

typedef struct PsParser PsParser;

/* The tree-sitter-python language. The first call routes tree-sitter's
 * allocations through the per-thread memory count (ts_set_allocator). */
const TSLanguage *ps_python_language(void);
/* A parser for one worker; PS_E_INTERNAL if the runtime rejects the
 * grammar. */
int ps_parser_new(PsParser **out, PsError *err);
void ps_parser_delete(PsParser *self);
/* Parses self->text. budget_us > 0 stops the parse after that many
 * microseconds of this thread's CPU time (PS_E_LIMIT): CPU time, so a
 * busy machine does not turn a slow file into a skipped one. The parse
 * also stops (PS_E_LIMIT, ps_source_memory_error's message) once the
 * thread is over its file's memory budget (ps_memory_file_begin). Syntax
 * errors are not failures. */
int ps_source_parse(PsSource *self, PsParser *parser, uint64_t budget_us, PsError *err);
/* Sets err to PS_E_LIMIT "over the 2.0 GiB memory budget (--max-file-memory),
 * skipped" for path, with this thread's budget; returns PS_E_LIMIT. */
int ps_source_memory_error(const char *path, PsError *err);
/* Frees the tree, if any. The text stays in its arena. */
void ps_source_release(PsSource *self);

#endif
