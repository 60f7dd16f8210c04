/* test_parse.c: decoding (BOM, coding cookies, invalid UTF-8, NUL bytes),
 * the line index and positions (tabs, CRLF, multi-byte and astral
 * characters), parsing with the pinned grammar, and loading decoded text and
 * encoding it back (--fix). */
#include <stdlib.h>

#include "check.h"
#include "parse/parse.h"

static int load(PsSource *s, PsArena *a, const char *bytes, size_t len, PsError *err) {
  ps_error_clear(err);
  return ps_source_load_bytes(s, a, "t.py", bytes, len, err);
}

static void test_decoding(void) {
  PsArena *a = ps_arena_new(0);
  PsSource s;
  PsError err;
  CHECK_INT(load(&s, a, "\xEF\xBB\xBFimport cgi\n", 14, &err), 0);
  CHECK(s.bom && !strcmp(s.text, "import cgi\n"), "BOM dropped");
  const char latin[] = "# -*- coding: latin-1 -*-\nx = '\xe9'\n";
  CHECK_INT(load(&s, a, latin, sizeof latin - 1, &err), 0);
  CHECK(strstr(s.text, "'\xc3\xa9'") != NULL, "latin-1 decoded to UTF-8");
  CHECK_STR(s.encoding, "latin-1");
  const char cookie2[] = "#!/usr/bin/env python\n# vim: set fileencoding=iso-8859-15 :\nx = '\xa4'\n";
  CHECK_INT(load(&s, a, cookie2, sizeof cookie2 - 1, &err), 0);
  CHECK(strstr(s.text, "\xe2\x82\xac") != NULL, "cookie on line 2, euro sign in iso-8859-15");
  const char late[] = "import os\n# coding: latin-1\nx = '\xe9'\n";
  CHECK_INT(load(&s, a, late, sizeof late - 1, &err), 0);
  CHECK(s.warning && strstr(s.warning, "line 3"), "a cookie after code does not count; invalid UTF-8 warned");
  const char unknown[] = "# coding: klingon\n";
  CHECK_INT(load(&s, a, unknown, sizeof unknown - 1, &err), PS_E_INPUT);
  CHECK(strstr(err.msg, "unknown encoding \"klingon\"") != NULL, "%s", err.msg);
  CHECK_INT(load(&s, a, "x = 1\n\0y\n", 9, &err), PS_E_INPUT);
  CHECK(strstr(err.msg, "NUL") != NULL, "%s", err.msg);
  CHECK_INT(load(&s, a, "a = '\xff\xfe'\nimport cgi\n", 20, &err), 0);
  CHECK(s.warning && strstr(s.warning, "line 1 column 6"), "warning: %s", s.warning ? s.warning : "(none)");
  CHECK(ps_utf8_valid((const unsigned char *)s.text, s.len), "text is valid UTF-8 after replacement");
  CHECK_INT(load(&s, a, "\xEF\xBB\xBF# coding: latin-1\n", 21, &err), PS_E_INPUT);
  CHECK_INT(load(&s, a, "", 0, &err), 0);
  CHECK_INT(s.n_lines, 1);
  ps_arena_delete(a);
}

static void test_positions(void) {
  PsArena *a = ps_arena_new(0);
  PsSource s;
  PsError err;
  const char src[] = "x = 1\r\n\tif y:\r\n\xc3\xa9\xf0\x9f\x98\x80 = z\nlast";
  CHECK_INT(load(&s, a, src, sizeof src - 1, &err), 0);
  CHECK_INT(s.n_lines, 4);
  PsPos p = ps_source_pos(&s, 8); /* 'i' after the tab on line 2 */
  CHECK(p.line == 2 && p.col == 2 && p.col16 == 2, "after tab: %u:%u/%u", p.line, p.col, p.col16);
  uint32_t off = (uint32_t)(strstr(s.text, " = z") - s.text);
  p = ps_source_pos(&s, off);
  CHECK(p.line == 3 && p.col == 3 && p.col16 == 4, "after e-acute and an emoji: %u:%u/%u", p.line, p.col, p.col16);
  uint32_t len;
  const char *l = ps_source_line(&s, 2, &len);
  CHECK(len == 6 && !memcmp(l, "\tif y:", 6), "line 2 without CR");
  l = ps_source_line(&s, 4, &len);
  CHECK(len == 4 && !memcmp(l, "last", 4), "last line without newline");
  p = ps_source_pos(&s, 100000);
  CHECK(p.line == 4 && p.col == 5, "clamped to the end: %u:%u", p.line, p.col);
  ps_arena_delete(a);
}

static void test_parse(void) {
  PsParser *p;
  PsError err;
  CHECK_INT(ps_parser_new(&p, &err), 0);
  CHECK(ts_language_abi_version(ps_python_language()) >= 14, "grammar ABI");
  PsArena *a = ps_arena_new(0);
  PsSource s;
  const char *src = "def f(:\n  import cgi\n";
  CHECK_INT(load(&s, a, src, strlen(src), &err), 0);
  CHECK_INT(ps_source_parse(&s, p, 0, &err), 0);
  CHECK(s.has_error, "syntax error noticed, tree still produced");
  ps_source_release(&s);
  /* Deep nesting parses without blowing the stack. */
  size_t depth = 5000;
  char *deep = malloc(depth * 2 + 16);
  size_t n = 0;
  memcpy(deep, "x = ", 4), n = 4;
  for (size_t i = 0; i < depth; i++) deep[n++] = '(';
  deep[n++] = '1';
  for (size_t i = 0; i < depth; i++) deep[n++] = ')';
  deep[n++] = '\n';
  CHECK_INT(load(&s, a, deep, n, &err), 0);
  CHECK_INT(ps_source_parse(&s, p, 10 * 1000 * 1000, &err), 0);
  ps_source_release(&s);
  free(deep);
  ps_arena_delete(a);
  ps_parser_delete(p);
}

/* Loading decoded text and encoding it back, as --fix does. */
static void test_encode(void) {
  PsArena *a = ps_arena_new(0);
  PsError err;
  PsSource s, t;
  char *out;
  size_t n;
  /* latin-1 round trip, and a character latin-1 lacks. */
  const char latin[] = "# -*- coding: latin-1 -*-\nx = '\xe9'\n";
  CHECK_INT(load(&s, a, latin, sizeof latin - 1, &err), 0);
  CHECK_INT(ps_source_encode(&s, s.text, s.len, &out, &n, &err), 0);
  CHECK(n == sizeof latin - 1 && !memcmp(out, latin, n), "latin-1 encodes back to the same bytes");
  free(out);
  const char euro[] = "# coding: latin-1\nx = '\xe2\x82\xac'\n";
  CHECK_INT(ps_source_encode(&s, euro, sizeof euro - 1, &out, &n, &err), PS_E_INPUT);
  CHECK(out == NULL, "no output on error");
  CHECK(strstr(err.msg, "U+20AC cannot be encoded as latin-1") != NULL, "message: %s", err.msg);
  CHECK_INT(err.line, 2);
  /* A BOM is put back; plain UTF-8 is copied. */
  CHECK_INT(load(&s, a, "\xEF\xBB\xBFx = 1\n", 9, &err), 0);
  CHECK_INT(ps_source_encode(&s, "y = 2\n", 6, &out, &n, &err), 0);
  CHECK(n == 9 && !memcmp(out, "\xEF\xBB\xBFy = 2\n", 9), "BOM kept");
  free(out);
  /* Decoded text is taken as is: no cookie handling, invalid UTF-8 refused. */
  char *txt = ps_arena_strdup(a, "# coding: latin-1\nx = '\xc3\xa9'\r\ny = 1");
  CHECK_INT(ps_source_load_text(&t, a, "t.py", txt, strlen(txt), &err), 0);
  CHECK(t.text == txt && t.raw == txt, "not copied");
  CHECK_STR(t.encoding, "utf-8");
  CHECK_INT(t.n_lines, 3);
  CHECK_INT(ps_source_pos(&t, (uint32_t)(strstr(txt, "y =") - txt)).line, 3);
  char *bad = ps_arena_strdup(a, "x = '\xe9'\n");
  CHECK_INT(ps_source_load_text(&t, a, "t.py", bad, strlen(bad), &err), PS_E_INPUT);
  ps_arena_delete(a);
}

int main(void) {
  test_decoding();
  test_positions();
  test_parse();
  test_encode();
  return CHECK_DONE();
}
