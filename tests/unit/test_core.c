/* test_core.c: arena, buffers, UTF-8 helpers, versions and constraints. */
#include "core/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The one hash table: growth, keys with NUL bytes or sharing a prefix,
 * first value kept unless replaced, misses. */
static void test_strmap(void) {
  PsStrMap m = PS_STRMAP_INIT;
  uint64_t v = 99;
  CHECK(!ps_strmap_find(&m, "a", 1, &v) && v == 99, "an empty map finds nothing");
  static char keys[1000][8];
  for (int i = 0; i < 1000; i++) {
    snprintf(keys[i], sizeof keys[i], "k%d", i);
    CHECK(ps_strmap_put(&m, keys[i], (uint64_t)i, false), "a new key is added");
  }
  CHECK(m.size == 1000 && m.cap >= 2000, "grows to stay at most half full");
  bool all = true;
  for (int i = 0; i < 1000; i++) all &= ps_strmap_find(&m, keys[i], strlen(keys[i]), &v) == keys[i] && v == (uint64_t)i;
  CHECK(all, "every key found with its value, as the stored pointer");
  CHECK(!ps_strmap_find(&m, "k1000", 5, NULL) && !ps_strmap_find(&m, "k1", 1, NULL), "misses and prefixes");
  CHECK(ps_strmap_find(&m, "k10xyz", 3, &v) && v == 10, "the key is the given length, not up to a NUL");
  CHECK(!ps_strmap_put(&m, "k5", 500, false) && ps_strmap_find(&m, "k5", 2, &v) && v == 5, "an existing key keeps its value");
  CHECK(!ps_strmap_put(&m, "k5", 500, true) && ps_strmap_find(&m, "k5", 2, &v) && v == 500, "unless replaced");
  static const char nul[] = {'a', '\0', 'b'};
  CHECK(ps_strmap_put_n(&m, nul, 3, 7, false) && ps_strmap_find(&m, nul, 3, &v) && v == 7, "a key holding NUL");
  CHECK(!ps_strmap_find(&m, "a", 1, NULL), "which differs from its prefix");
  ps_strmap_free(&m);
  CHECK(!m.size && !m.cap && !ps_strmap_find(&m, "k1", 2, NULL), "freed: empty and reusable");
  ps_strmap_put(&m, "x", 1, false);
  CHECK(ps_strmap_find(&m, "x", 1, NULL) != NULL, "reused after free");
  ps_strmap_free(&m);
}

int main(void) {
  test_strmap();
  test_arena();
  test_buf();
  test_utf8();
  test_versions();
  return CHECK_DONE();
}
