/* test_cache.c: the result cache's hash and entry encoding (run/cache.c),
 * issue 13: a result survives the round trip field for field; results
 * that must not be cached are refused; every truncation, a trailing byte,
 * an unknown rule and random mutations decode to NULL or to a well-formed
 * result, never out of bounds (run it under ASan). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "run/cache_internal.h"

static PsRule rule_a, rule_b;
static const PsRule *rules[2] = {&rule_a, &rule_b};

static PsRelated related(uint32_t line, const char *msg, const char *path) {
  PsRelated r = {0};
  r.range.start = (PsPos){line, 2, 2, 10};
  r.range.end = (PsPos){line, 5, 5, 13};
  r.message = msg ? strdup(msg) : NULL;
  r.path = path ? strdup(path) : NULL;
  return r;
}

/* Three findings: one plain, one with a fix (two edits) and no source
 * line, one with everything project findings carry. */
static PsFileResult *sample(void) {
  PsFileResult *r = ps_xcalloc(1, sizeof *r);
  r->path = strdup("pkg/mod.py");
  r->n_findings = 3;
  r->findings = ps_xcalloc(3, sizeof(PsFinding));
  PsFinding *f = &r->findings[0];
  f->rule = &rule_a.meta;
  f->severity = PS_SEVERITY_ERROR;
  f->range.start = (PsPos){1, 8, 8, 7};
  f->range.end = (PsPos){1, 11, 11, 10};
  f->message = strdup("`imp` was removed \xc3\xa9");
  f->source_line = strdup("import imp");
  f->fingerprint = strdup("abc:1");
  f = &r->findings[1];
  f->rule = &rule_b.meta;
  f->severity = PS_SEVERITY_INFO;
  f->range.start = (PsPos){3, 4, 4, 40};
  f->range.end = (PsPos){3, 8, 8, 44};
  f->message = strdup("use `list`");
  f->fix = ps_xcalloc(1, sizeof(PsFix));
  f->fix->message = strdup("replace");
  f->fix->safe = true;
  f->fix->n_edits = 2;
  f->fix->edits = ps_xcalloc(2, sizeof(PsEdit));
  f->fix->edits[0].range = f->range;
  f->fix->edits[0].text = strdup("list");
  f->fix->edits[1].text = strdup("");
  f = &r->findings[2];
  f->rule = &rule_b.meta;
  f->severity = PS_SEVERITY_WARNING;
  f->message = strdup("race");
  f->source_line = strdup("");
  f->n_related = 2;
  f->related = ps_xcalloc(2, sizeof(PsRelated));
  f->related[0] = related(4, "defined here", NULL);
  f->related[1] = related(9, NULL, "other.py");
  f->n_flows = 1;
  f->flows = ps_xcalloc(1, sizeof(PsFlow));
  f->flows[0].message = strdup("thread started at app.py:12");
  f->flows[0].n_steps = 2;
  f->flows[0].steps = ps_xcalloc(2, sizeof(PsRelated));
  f->flows[0].steps[0] = related(12, "start", "app.py");
  f->flows[0].steps[1] = related(20, "access", NULL);
  f->confidence = "medium";
  f->rank = 87.5;
  f->n_notes = 2;
  f->notes = ps_xcalloc(2, sizeof(char *));
  f->notes[0] = strdup("no lock held");
  f->notes[1] = strdup("hint: use a lock");
  f->object = strdup("Registry.items");
  f->object_defined = strdup("pkg/reg.py:3");
  return r;
}

static bool same_str(const char *a, const char *b) { return (!a && !b) || (a && b && !strcmp(a, b)); }

static bool same_range(const PsRange *a, const PsRange *b) { return !memcmp(a, b, sizeof *a); }

static bool same_related(const PsRelated *a, const PsRelated *b) {
  return same_range(&a->range, &b->range) && same_str(a->message, b->message) && same_str(a->path, b->path);
}

static bool same_finding(const PsFinding *a, const PsFinding *b) {
  if (a->rule != b->rule || !same_str(a->fingerprint, b->fingerprint) || a->severity != b->severity || !same_range(&a->range, &b->range) ||
      !same_str(a->message, b->message) || !same_str(a->source_line, b->source_line) || !a->fix != !b->fix ||
      a->n_related != b->n_related || a->n_flows != b->n_flows || !same_str(a->confidence, b->confidence) ||
      a->rank != b->rank || a->n_notes != b->n_notes || !same_str(a->object, b->object) ||
      !same_str(a->object_defined, b->object_defined))
    return false;
  if (a->fix) {
    if (!same_str(a->fix->message, b->fix->message) || a->fix->safe != b->fix->safe ||
        a->fix->n_edits != b->fix->n_edits)
      return false;
    for (size_t i = 0; i < a->fix->n_edits; i++)
      if (!same_range(&a->fix->edits[i].range, &b->fix->edits[i].range) ||
          !same_str(a->fix->edits[i].text, b->fix->edits[i].text))
        return false;
  }
  for (size_t i = 0; i < a->n_related; i++)
    if (!same_related(&a->related[i], &b->related[i])) return false;
  for (size_t i = 0; i < a->n_flows; i++) {
    if (!same_str(a->flows[i].message, b->flows[i].message) || a->flows[i].n_steps != b->flows[i].n_steps) return false;
    for (size_t k = 0; k < a->flows[i].n_steps; k++)
      if (!same_related(&a->flows[i].steps[k], &b->flows[i].steps[k])) return false;
  }
  for (size_t i = 0; i < a->n_notes; i++)
    if (!same_str(a->notes[i], b->notes[i])) return false;
  return true;
}

static void test_hash(void) {
  PsHash128 a = ps_cache__hash("abc", 3, 0), b = ps_cache__hash("abc", 3, 0);
  CHECK(a.lo == b.lo && a.hi == b.hi, "deterministic");
  PsHash128 c = ps_cache__hash("abc\0", 4, 0);
  CHECK(a.lo != c.lo && a.hi != c.hi, "a trailing NUL changes the hash");
  PsHash128 d = ps_cache__hash("abc", 3, 1);
  CHECK(a.lo != d.lo, "the seed changes the hash");
  /* Every length 0..200 and every single-bit flip of a 100-byte buffer
   * give distinct hashes (both halves). */
  unsigned char buf[200];
  for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)(i * 7 + 3);
  enum { N = 201 + 800 };
  PsHash128 *hs = malloc(N * sizeof *hs);
  size_t n = 0;
  for (size_t len = 0; len <= 200; len++) hs[n++] = ps_cache__hash(buf, len, 0);
  for (size_t bit = 0; bit < 800; bit++) {
    unsigned char copy[100];
    memcpy(copy, buf, 100);
    copy[bit / 8] ^= (unsigned char)(1u << (bit % 8));
    hs[n++] = ps_cache__hash(copy, 100, 0);
  }
  size_t collisions = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t k = i + 1; k < n; k++) collisions += hs[i].lo == hs[k].lo || hs[i].hi == hs[k].hi;
  CHECK_INT(collisions, 0);
  free(hs);
}

static void test_round_trip(void) {
  PsFileResult *r = sample();
  PsBuf b = PS_BUF_INIT;
  CHECK(ps_cache__encode(r, NULL, &b), "a plain result is cacheable");
  PsFileResult *d = ps_cache__decode((const unsigned char *)b.data, b.len, "pkg/mod.py", rules, 2);
  CHECK(d != NULL, "decodes");
  if (d) {
    CHECK_STR(d->path, "pkg/mod.py");
    CHECK(!d->skipped && !d->n_errors, "flags");
    CHECK_INT(d->n_findings, 3);
    for (size_t i = 0; i < 3 && i < d->n_findings; i++) {
      CHECK(same_finding(&r->findings[i], &d->findings[i]), "finding %zu survives", i);
    }
  }
  ps_file_result_free(d);

  /* Fingerprints the run did not compute are given to the encoder. */
  PsBuf b2 = PS_BUF_INIT;
  char *fps[3] = {"f0:1", "f1:1", "f2:1"};
  CHECK(ps_cache__encode(r, fps, &b2), "with fingerprints given");
  d = ps_cache__decode((const unsigned char *)b2.data, b2.len, "pkg/mod.py", rules, 2);
  CHECK(d && d->n_findings == 3, "decodes");
  if (d && d->n_findings == 3) {
    CHECK_STR(d->findings[0].fingerprint, "abc:1"); /* its own wins */
    CHECK_STR(d->findings[1].fingerprint, "f1:1");
    CHECK_STR(d->findings[2].fingerprint, "f2:1");
  }
  ps_file_result_free(d);
  ps_buf_free(&b2);

  /* Every proper prefix is refused, and so is a trailing byte. */
  size_t accepted = 0;
  for (size_t len = 0; len < b.len; len++) {
    PsFileResult *t = ps_cache__decode((const unsigned char *)b.data, len, "p", rules, 2);
    accepted += t != NULL;
    ps_file_result_free(t);
  }
  CHECK_INT(accepted, 0);
  PsBuf longer = PS_BUF_INIT;
  ps_buf_append(&longer, b.data, b.len);
  ps_buf_putc(&longer, 0);
  CHECK(!ps_cache__decode((const unsigned char *)longer.data, longer.len, "p", rules, 2), "trailing byte");
  ps_buf_free(&longer);
  /* A rule this run does not have. */
  CHECK(!ps_cache__decode((const unsigned char *)b.data, b.len, "p", rules, 1), "unknown rule id");

  /* Random mutations: whatever comes out is freed cleanly (ASan) and
   * never read out of bounds. */
  srand(13);
  size_t decoded = 0;
  for (int round = 0; round < 20000; round++) {
    PsBuf m = PS_BUF_INIT;
    ps_buf_append(&m, b.data, b.len);
    int edits = 1 + rand() % 4;
    for (int e = 0; e < edits && m.len; e++) {
      size_t at = (size_t)rand() % m.len;
      switch (rand() % 4) {
        case 0: m.data[at] = (char)(rand() & 0xff); break;
        case 1: m.data[at] ^= (char)(1 << (rand() % 8)); break;
        case 2: m.len = at; break; /* truncate */
        default: /* a length or count field made huge */
          if (at + 4 <= m.len) memset(m.data + at, 0xff - (rand() % 2), 4);
      }
    }
    /* Exact-size heap copy, so ASan sees any read past the end. */
    unsigned char *exact = malloc(m.len ? m.len : 1);
    memcpy(exact, m.data, m.len);
    PsFileResult *t = ps_cache__decode(exact, m.len, "p", rules, 2);
    if (t) {
      decoded++;
      for (size_t i = 0; i < t->n_findings; i++) CHECK(t->findings[i].rule && t->findings[i].message, "well-formed");
    }
    ps_file_result_free(t);
    free(exact);
    ps_buf_free(&m);
  }
  CHECK(decoded < 20000, "mutations are mostly refused (%zu decoded)", decoded);
  ps_buf_free(&b);
  ps_file_result_free(r);
}

static void test_not_cacheable(void) {
  PsBuf b = PS_BUF_INIT;
  PsFileResult *r = sample();
  r->errors = ps_xcalloc(1, sizeof(char *));
  r->errors[0] = strdup("scanning took more than the 20000 ms CPU budget");
  r->n_errors = 1;
  CHECK(!ps_cache__encode(r, NULL, &b), "a result with an error");
  ps_file_result_free(r);

  ps_buf_reset(&b);
  r = sample();
  r->fixed = strdup("x = 1\n");
  r->fixed_len = 6;
  CHECK(!ps_cache__encode(r, NULL, &b), "a fixed result (--fix)");
  ps_file_result_free(r);

  ps_buf_reset(&b);
  r = sample();
  r->diff = strdup("--- a\n");
  CHECK(!ps_cache__encode(r, NULL, &b), "a diff (--diff)");
  ps_file_result_free(r);

  ps_buf_reset(&b);
  r = sample();
  r->findings[2].confidence = "certain";
  CHECK(!ps_cache__encode(r, NULL, &b), "a confidence the cache does not know");
  r->findings[2].confidence = NULL;
  ps_file_result_free(r);

  ps_buf_reset(&b);
  r = ps_xcalloc(1, sizeof *r);
  r->path = strdup("skipped.py");
  r->skipped = true;
  CHECK(ps_cache__encode(r, NULL, &b), "a skipped file (the prefilter admitted nothing)");
  PsFileResult *d = ps_cache__decode((const unsigned char *)b.data, b.len, "skipped.py", rules, 2);
  CHECK(d && d->skipped && !d->n_findings, "skipped survives");
  ps_file_result_free(d);
  ps_file_result_free(r);
  ps_buf_free(&b);
}

int main(void) {
  rule_a.meta.id = "RM001";
  rule_a.meta.severity = PS_SEVERITY_ERROR;
  rule_b.meta.id = "TY006";
  rule_b.meta.severity = PS_SEVERITY_INFO;
  test_hash();
  test_round_trip();
  test_not_cacheable();
  return CHECK_DONE();
}
