/* run_fixtures.c: checks every fixture's inline expectations, and every
 * rule's documented Example and Use instead blocks.
 *
 * usage: run_fixtures RULES_DIR FIXTURE.py...
 *
 * A fixture is fixtures/<family>/<ID>-<name>.py. Marks, in comments:
 *   # expect: ID[, ID]     this line must get a finding of ID
 *   # expect-next: ID      the next line must
 *   # ok: ID               this line must not (a near-miss)
 * Only the fixture's own rule runs (selected by exact id), so other rules
 * cannot interfere; any finding on a line without an `expect` is reported
 * as unexpected. A line `# pyshift-fixture: --target-version 3.12
 * --min-python 3.10` sets the versions (defaults 3.14 and 3.9).
 *
 * For each rule of a fixture, python blocks under "## Example" must fire
 * at least once and those under "## Use instead" must not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "rules/rules.h"
#include "run/run.h"

static int passed, failed;

typedef struct Mark {
  unsigned line;
  char id[16];
  bool expect; /* false: ok */
} Mark;

typedef Array(Mark) MarkArray;

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  PsBuf b = PS_BUF_INIT;
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) ps_buf_append(&b, chunk, n);
  fclose(f);
  *len = b.len;
  return ps_buf_steal(&b);
}

static void parse_marks(const char *text, MarkArray *marks, PsPyVersion *target, PsPyVersion *minpy) {
  unsigned line = 1;
  for (const char *p = text; *p; line++) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    char buf[4096];
    snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), p);
    const char *hash = strchr(buf, '#');
    if (hash) {
      const char *kinds[3] = {"expect-next:", "expect:", "ok:"};
      for (int k = 0; k < 3; k++) {
        for (const char *q = strstr(hash, kinds[k]); q; q = strstr(q + 1, kinds[k])) {
          if (k == 1 && q > buf + 5 && !strncmp(q - 5, "next", 4)) continue;
          const char *ids = q + strlen(kinds[k]);
          while (*ids) {
            while (*ids == ' ' || *ids == ',') ids++;
            size_t n = 0;
            while ((ids[n] >= 'A' && ids[n] <= 'Z') || (ids[n] >= '0' && ids[n] <= '9')) n++;
            if (n < 5 || n > 6) break;
            Mark m = {line + (k == 0), "", k != 2};
            snprintf(m.id, sizeof m.id, "%.*s", (int)n, ids);
            array_push(marks, m);
            ids += n;
          }
        }
      }
      const char *fx = strstr(hash, "pyshift-fixture:");
      if (fx) {
        /* The version after each option, up to a space or the line end. */
        char ver[16];
        const char *t = strstr(fx, "--target-version");
        if (t) ps_pyver_parse((snprintf(ver, sizeof ver, "%.*s", (int)strcspn(t + 17, " \r\n"), t + 17), ver), target);
        const char *mp = strstr(fx, "--min-python");
        if (mp) ps_pyver_parse((snprintf(ver, sizeof ver, "%.*s", (int)strcspn(mp + 13, " \r\n"), mp + 13), ver), minpy);
      }
    }
    if (!nl) break;
    p = nl + 1;
  }
}

static PsEngine *engine_for(const PsRule *rule, PsPyVersion target, PsPyVersion minpy) {
  static const PsRule *one[1];
  one[0] = rule;
  PsEngineOptions eo = {.target = target, .min_python = minpy};
  PsEngine *e;
  PsError err;
  ps_error_clear(&err);
  if (ps_engine_new(&e, one, 1, &eo, &err) != 0) {
    ps_error_print(&err, stderr);
    ps_engine_delete(e);
    return NULL;
  }
  return e;
}

/* Project findings of the one-file project (FT rules), appended to the
 * file's own findings. */
typedef struct Collected {
  const PsFileFacts *facts;
  Array(PsFinding) fs;
} Collected;

static void collect_project(void *ctx, const PsRule *rule, const PsProjectLocation *at, const PsVar *vars, size_t n_vars,
                            const PsProjectLocation *related, size_t n_related) {
  (void)related;
  (void)n_related;
  Collected *c = ctx;
  if (c->facts && ps_facts_suppressed(c->facts, at->start.line, rule->meta.id)) return;
  PsFinding f = {0};
  f.rule = &rule->meta;
  f.severity = rule->meta.severity;
  f.range = (PsRange){at->start, at->end};
  f.message = ps_analysis_message(rule, vars, n_vars);
  array_push(&c->fs, f);
}

static PsFileResult *scan(PsEngine *e, const char *path, const char *bytes, size_t len) {
  PsError err;
  ps_error_clear(&err);
  PsScanWorker *w = ps_scan_worker_new(e, &err);
  if (!w) {
    ps_error_print(&err, stderr);
    return NULL;
  }
  PsFileResult *r = ps_engine_scan(w, path, bytes, len);
  PsFileFacts *facts = ps_scan_worker_take_facts(w);
  ps_scan_worker_delete(w);
  if (r && ps_engine_facts(e)) {
    /* The project stage over this one file. */
    PsProjectIndex *ix = ps_project_index_new();
    Collected c = {facts, {0}};
    if (facts) ps_project_index_add(ix, facts);
    PsProjectEmitter em = {collect_project, NULL, &c};
    ps_engine_join(e, ix, NULL, &em);
    if (c.fs.size) {
      r->findings = ps_xrealloc(r->findings, (r->n_findings + c.fs.size) * sizeof(PsFinding));
      memcpy(r->findings + r->n_findings, c.fs.items, c.fs.size * sizeof(PsFinding));
      r->n_findings += c.fs.size;
    }
    array_free(&c.fs);
    ps_project_index_delete(ix);
  } else {
    ps_facts_delete(facts);
  }
  return r;
}

static void check_fixture(const PsRegistry *reg, const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  char id[16] = "";
  snprintf(id, sizeof id, "%.5s", base);
  const PsRule *rule = ps_registry_find(reg, id);
  if (!rule) {
    fprintf(stderr, "%s: no rule %s for this fixture\n", path, id);
    failed++;
    return;
  }
  size_t len;
  char *text = slurp(path, &len);
  if (!text) {
    fprintf(stderr, "%s: cannot read\n", path);
    failed++;
    return;
  }
  MarkArray marks;
  array_init(&marks);
  PsPyVersion target = {3, 14, false}, minpy = {3, 9, false};
  parse_marks(text, &marks, &target, &minpy);
  PsEngine *e = engine_for(rule, target, minpy);
  PsFileResult *r = e ? scan(e, path, text, len) : NULL;
  if (!r) {
    failed++;
    goto cleanup;
  }
  for (size_t i = 0; i < r->n_errors; i++) {
    fprintf(stderr, "%s: error: %s\n", path, r->errors[i]);
    failed++;
  }
  size_t expects = 0;
  for (size_t i = 0; i < marks.size; i++) {
    Mark *m = &marks.items[i];
    bool found = false;
    for (size_t k = 0; k < r->n_findings; k++)
      found |= r->findings[k].range.start.line == m->line && !strcmp(r->findings[k].rule->id, m->id);
    if (m->expect) expects++;
    if (m->expect && !found) {
      fprintf(stderr, "%s:%u: missing %s finding\n", path, m->line, m->id);
      failed++;
    } else if (!m->expect && found) {
      fprintf(stderr, "%s:%u: unexpected %s finding on a near-miss marked ok\n", path, m->line, m->id);
      failed++;
    } else {
      passed++;
    }
  }
  for (size_t k = 0; k < r->n_findings; k++) {
    const PsFinding *f = &r->findings[k];
    bool expected = false;
    for (size_t i = 0; i < marks.size; i++)
      expected |= marks.items[i].expect && marks.items[i].line == f->range.start.line && !strcmp(marks.items[i].id, f->rule->id);
    if (!expected) {
      fprintf(stderr, "%s:%u:%u: unexpected %s: %s\n", path, f->range.start.line, f->range.start.col, f->rule->id,
              f->message);
      failed++;
    }
  }
  if (!expects) {
    fprintf(stderr, "%s: no `# expect:` marks: a fixture must show the rule firing\n", path);
    failed++;
  }
  /* Documented examples. */
  const char *md = rule->meta.docs_md;
  const char *sections[2] = {"## Example", "## Use instead"};
  for (int s = 0; s < 2; s++) {
    const char *sec = strstr(md, sections[s]);
    if (!sec) continue;
    const char *end = strstr(sec + 3, "\n## ");
    if (!end) end = sec + strlen(sec);
    int blocks = 0;
    for (const char *b = strstr(sec, "```python\n"); b && b < end; b = strstr(b, "```python\n")) {
      b += 10;
      const char *close = strstr(b, "\n```");
      if (!close || close > end) break;
      char name[256];
      snprintf(name, sizeof name, "%s#%s-%d.py", rule->meta.id, s ? "use-instead" : "example", ++blocks);
      PsFileResult *er = scan(e, name, b, (size_t)(close - b + 1));
      size_t n = er ? er->n_findings : 0;
      if (s == 0 && n == 0) {
        fprintf(stderr, "%s: the \"## Example\" block %d does not fire %s\n", rule->path, blocks, rule->meta.id);
        failed++;
      } else if (s == 1 && n > 0) {
        fprintf(stderr, "%s: the \"## Use instead\" block %d fires %s: %s\n", rule->path, blocks, rule->meta.id,
                er->findings[0].message);
        failed++;
      } else {
        passed++;
      }
      ps_file_result_free(er);
      b = close + 4;
    }
  }
  ps_file_result_free(r);
cleanup:
  ps_engine_delete(e);
  array_free(&marks);
  free(text);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: run_fixtures RULES_DIR FIXTURE.py...\n");
    return 2;
  }
  PsRegistry *reg = ps_registry_new();
  if (ps_registry_load_dir(reg, argv[1], NULL, NULL) != 0) {
    fprintf(stderr, "rules in %s do not all load (run `pyshift rules` to see why)\n", argv[1]);
    failed++;
  }
  for (int i = 2; i < argc; i++) check_fixture(reg, argv[i]);
  ps_registry_delete(reg);
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
