/* test_core.c: arena, buffers, UTF-8 helpers, versions and constraints. */
#include "core/core.h"

#include <stdlib.h>

#include "check.h"

static void test_arena(void) {
  PsArena *a = ps_arena_new(128);
  char *s = ps_arena_strdup(a, "hello");
  CHECK_STR(s, "hello");
  void *big = ps_arena_alloc(a, 100000);
  memset(big, 1, 100000);
  char *t = ps_arena_sprintf(a, "%d-%s", 42, "x");
  CHECK_STR(t, "42-x");
  CHECK(((uintptr_t)ps_arena_alloc(a, 3) & 15) == 0, "alignment");
  ps_arena_reset(a);
  char *u = ps_arena_strdup(a, "again");
  CHECK_STR(u, "again");
  ps_arena_delete(a);
  ps_arena_delete(NULL);
  /* Rewinding to a mark frees what came after it (new chunks, a big
   * one-off behind the head) and keeps what came before. */
  a = ps_arena_new(128);
  char *kept = ps_arena_strdup(a, "kept");
  size_t base = ps_arena_footprint(a);
  PsArenaMark m = ps_arena_mark(a);
  for (int i = 0; i < 20; i++) ps_arena_alloc(a, 100);
  ps_arena_alloc(a, 100000);
  CHECK(ps_arena_footprint(a) > base, "chunks added after the mark");
  ps_arena_rewind(a, m);
  CHECK(ps_arena_footprint(a) == base, "rewind frees the chunks made after the mark");
  CHECK(!strcmp(kept, "kept"), "rewind keeps what came before");
  char *again = ps_arena_strdup(a, "next");
  CHECK(!strcmp(again, "next") && !strcmp(kept, "kept"), "allocation goes on after a rewind");
  PsArenaMark empty = ps_arena_mark(a);
  ps_arena_rewind(a, empty);
  ps_arena_delete(a);
  a = ps_arena_new(128); /* a mark on an arena with no chunk yet */
  m = ps_arena_mark(a);
  ps_arena_alloc(a, 50);
  ps_arena_rewind(a, m);
  CHECK(ps_arena_footprint(a) == 0, "rewind to before the first chunk");
  ps_arena_delete(a);
}

static void test_buf(void) {
  PsBuf b = PS_BUF_INIT;
  ps_buf_printf(&b, "%s=%d", "a", 1);
  ps_buf_json_string(&b, "q\"\n\x01\xff", 5);
  CHECK_STR(b.data, "a=1\"q\\\"\\n\\u0001\xEF\xBF\xBD\"");
  char *s = ps_buf_steal(&b);
  CHECK(b.data == NULL, "stolen");
  free(s);
}

static void test_utf8(void) {
  CHECK(ps_utf8_valid((const unsigned char *)"h\xc3\xa9", 3), "valid 2-byte");
  CHECK(!ps_utf8_valid((const unsigned char *)"\xc3", 1), "truncated");
  CHECK(!ps_utf8_valid((const unsigned char *)"\xed\xa0\x80", 3), "surrogate");
  CHECK(!ps_utf8_valid((const unsigned char *)"\xc0\x80", 2), "overlong");
  uint32_t cp;
  CHECK_INT(ps_utf8_decode((const unsigned char *)"\xf0\x9f\x98\x80", 4, &cp), 4);
  CHECK_INT(cp, 0x1F600);
}

static void test_versions(void) {
  PsPyVersion v;
  CHECK_INT(ps_pyver_parse("3.14t", &v), 0);
  CHECK(v.minor == 14 && v.free_threaded, "3.14t");
  CHECK_INT(ps_pyver_parse("py39", &v), 0);
  CHECK(v.minor == 9 && !v.free_threaded, "py39");
  CHECK_INT(ps_pyver_parse("py313", &v), 0);
  CHECK_INT(v.minor, 13);
  CHECK(ps_pyver_parse("2.7", &v) < 0, "2.7 rejected");
  CHECK(ps_pyver_parse("3.x", &v) < 0, "junk rejected");
  char buf[16];
  ps_pyver_format((PsPyVersion){3, 15, true}, buf, sizeof buf);
  CHECK_STR(buf, "3.15t");

  PsPyConstraint c;
  CHECK_INT(ps_pyconstraint_parse(">=3.12,<3.15", &c), 0);
  CHECK(ps_pyconstraint_allows(&c, (PsPyVersion){3, 12, false}), "3.12 in");
  CHECK(!ps_pyconstraint_allows(&c, (PsPyVersion){3, 15, false}), "3.15 out");
  CHECK(!ps_pyconstraint_allows(&c, (PsPyVersion){3, 11, false}), "3.11 out");
  CHECK(ps_pyconstraint_parse(">>3", &c) < 0, "bad constraint");

  struct { const char *spec; int minor; } rp[] = {
      {">=3.9", 9}, {">=3.10.2", 10}, {"~=3.11", 11}, {">3.8", 8}, {">3.8.1", 8},
      {">=3.8, <4", 8}, {"==3.12.*", 12}, {">=3", 0}, {"<4,>=3.7", 7},
  };
  for (size_t i = 0; i < sizeof rp / sizeof rp[0]; i++) {
    CHECK(ps_requires_python_floor(rp[i].spec, &v) == 0 && v.minor == rp[i].minor,
          "requires-python %s -> 3.%d (got 3.%d)", rp[i].spec, rp[i].minor, v.minor);
  }
  CHECK(ps_requires_python_floor("banana", &v) < 0, "junk requires-python");
}

int main(void) {
  test_arena();
  test_buf();
  test_utf8();
  test_versions();
  return CHECK_DONE();
}
