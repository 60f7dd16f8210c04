/* junit.c: JUnit XML, for CI test-report views (GitLab's
 * `artifacts: reports: junit:`, Jenkins' junit step).
 *
 * One testsuite; one testcase per file checked, named by its path relative
 * to the repository's top (as gitlab.c and SARIF do); one <failure> per
 * finding; an <error> per problem with the file (unreadable, undecodable,
 * over a limit). Files sorted by path, a file's findings (project findings
 * included) by line, column and rule, so the output is byte-stable:
 *
 *   <?xml version="1.0" encoding="UTF-8"?>
 *   <testsuites name="pyshift" tests="2" failures="1" errors="0">
 *     <testsuite name="pyshift" tests="2" failures="1" errors="0" skipped="0">
 *       <testcase classname="pyshift" name="src/app.py" file="src/app.py">
 *         <failure message="RM001: `imp` was removed ..." type="RM001">src/app.py:1:8: RM001 ...
 *   severity: warning, rule: removed-module-import
 *   https://.../RM001.md</failure>
 *       </testcase>
 *       <testcase classname="pyshift" name="src/ok.py" file="src/ok.py"/>
 *     </testsuite>
 *   </testsuites>
 *
 * failures counts the testcases with a failure, errors those with an error
 * and no failure (GitLab and Jenkins give a failure precedence). Text is
 * UTF-8; bytes that are not, and characters XML 1.0 cannot carry (C0
 * controls but tab, LF and CR; U+FFFE, U+FFFF), become U+FFFD.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

typedef struct JFailure {
  unsigned line, col;
  char *rule_id;   /* copied */
  char *rule_name;
  char *url;
  PsSeverity severity;
  char *message;
} JFailure;

typedef struct JCase {
  char *path; /* as displayed (sort key) */
  char *rel;  /* relative to the root: name and file */
  size_t seq; /* arrival order, for a stable sort */
  JFailure *fails;
  size_t n_fails, cap_fails;
  char **errors;
  size_t n_errors;
} JCase;

typedef struct JState {
  JCase *cases;
  size_t size, cap;
} JState;

/* Appends s as XML character data (attr: as an attribute value, where
 * tab, LF and CR are written as references so they survive). */
static void xml_escape(PsBuf *b, const char *s, bool attr) {
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  size_t n = strlen((const char *)p);
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    size_t len = ps_utf8_decode(p + i, n - i, &cp);
    if (len == 0) len = 1, cp = 0xFFFD;
    switch (cp) {
      case '&': ps_buf_puts(b, "&amp;"); break;
      case '<': ps_buf_puts(b, "&lt;"); break;
      case '>': ps_buf_puts(b, "&gt;"); break;
      case '"': ps_buf_puts(b, attr ? "&quot;" : "\""); break;
      case '\t': ps_buf_puts(b, attr ? "&#9;" : "\t"); break;
      case '\n': ps_buf_puts(b, attr ? "&#10;" : "\n"); break;
      case '\r': ps_buf_puts(b, "&#13;"); break;
      default:
        if (cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF || (cp == 0xFFFD && len == 1))
          ps_buf_puts(b, "\xEF\xBF\xBD");
        else
          ps_buf_append(b, (const char *)p + i, len);
    }
    i += len;
  }
}

static JCase *case_for(JState *st, const char *path, const PsRunInfo *run) {
  if (st->size == st->cap) {
    st->cap = st->cap ? st->cap * 2 : 64;
    st->cases = ps_xrealloc(st->cases, st->cap * sizeof(JCase));
  }
  JCase *c = &st->cases[st->size];
  memset(c, 0, sizeof *c);
  c->path = ps_xstrdup(path);
  c->rel = ps_report__root_path(path, run->working_dir, run->uri_root);
  c->seq = st->size++;
  return c;
}

static void add_findings(JCase *c, const PsFileResult *file) {
  for (size_t i = 0; i < file->n_findings; i++) {
    const PsFinding *f = &file->findings[i];
    if (c->n_fails == c->cap_fails) {
      c->cap_fails = c->cap_fails ? c->cap_fails * 2 : 8;
      c->fails = ps_xrealloc(c->fails, c->cap_fails * sizeof(JFailure));
    }
    JFailure *j = &c->fails[c->n_fails++];
    j->line = (unsigned)f->range.start.line;
    j->col = (unsigned)f->range.start.col;
    j->rule_id = ps_xstrdup(f->rule->id);
    j->rule_name = ps_xstrdup(f->rule->name ? f->rule->name : "");
    j->url = ps_report_help_uri(f->rule);
    j->severity = f->severity;
    j->message = ps_xstrdup(f->message ? f->message : "");
  }
}

static void junit_begin(PsReporter *self) { self->state = ps_xcalloc(1, sizeof(JState)); }

static void junit_file(PsReporter *self, const PsFileResult *file) {
  JCase *c = case_for(self->state, file->path, self->run);
  add_findings(c, file);
  if (file->n_errors) {
    c->errors = ps_xcalloc(file->n_errors, sizeof(char *));
    for (size_t i = 0; i < file->n_errors; i++) c->errors[c->n_errors++] = ps_xstrdup(file->errors[i]);
  }
}

/* Project findings join their file's testcase at end(). */
static void junit_project(PsReporter *self, const PsFileResult *file) {
  if (!file->n_findings) return;
  add_findings(case_for(self->state, file->path, self->run), file);
}

static int case_cmp(const void *a, const void *b) {
  const JCase *x = a, *y = b;
  int c = strcmp(x->path, y->path);
  return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static int fail_cmp(const void *a, const void *b) {
  const JFailure *x = a, *y = b;
  if (x->line != y->line) return x->line < y->line ? -1 : 1;
  if (x->col != y->col) return x->col < y->col ? -1 : 1;
  int c = strcmp(x->rule_id, y->rule_id);
  return c ? c : strcmp(x->message, y->message);
}

static void junit_end(PsReporter *self, const PsRunInfo *run) {
  (void)run;
  JState *st = self->state;
  if (st->size) qsort(st->cases, st->size, sizeof(JCase), case_cmp);
  /* Merge the entries of one path into the first. */
  size_t n = 0;
  for (size_t i = 0; i < st->size; i++) {
    JCase *c = &st->cases[i];
    if (n && !strcmp(st->cases[n - 1].path, c->path)) {
      JCase *into = &st->cases[n - 1];
      for (size_t k = 0; k < c->n_fails; k++) {
        if (into->n_fails == into->cap_fails) {
          into->cap_fails = into->cap_fails ? into->cap_fails * 2 : 8;
          into->fails = ps_xrealloc(into->fails, into->cap_fails * sizeof(JFailure));
        }
        into->fails[into->n_fails++] = c->fails[k];
      }
      into->errors = ps_xrealloc(into->errors, (into->n_errors + c->n_errors + 1) * sizeof(char *));
      for (size_t k = 0; k < c->n_errors; k++) into->errors[into->n_errors++] = c->errors[k];
      free(c->fails);
      free(c->errors);
      free(c->path);
      free(c->rel);
      continue;
    }
    st->cases[n++] = *c;
  }
  st->size = n;
  size_t failures = 0, errors = 0;
  for (size_t i = 0; i < n; i++) {
    JCase *c = &st->cases[i];
    if (c->n_fails) qsort(c->fails, c->n_fails, sizeof(JFailure), fail_cmp);
    if (c->n_fails) failures++;
    else if (c->n_errors) errors++;
  }

  PsBuf b = PS_BUF_INIT;
  ps_buf_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  ps_buf_printf(&b, "<testsuites name=\"pyshift\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n", n, failures,
                errors);
  ps_buf_printf(&b, "  <testsuite name=\"pyshift\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"0\">\n", n,
                failures, errors);
  for (size_t i = 0; i < n; i++) {
    JCase *c = &st->cases[i];
    ps_buf_puts(&b, "    <testcase classname=\"pyshift\" name=\"");
    xml_escape(&b, c->rel, true);
    ps_buf_puts(&b, "\" file=\"");
    xml_escape(&b, c->rel, true);
    if (!c->n_fails && !c->n_errors) {
      ps_buf_puts(&b, "\"/>\n");
      continue;
    }
    ps_buf_puts(&b, "\">\n");
    for (size_t k = 0; k < c->n_fails; k++) {
      const JFailure *f = &c->fails[k];
      ps_buf_puts(&b, "      <failure message=\"");
      xml_escape(&b, f->rule_id, true);
      ps_buf_puts(&b, ": ");
      xml_escape(&b, f->message, true);
      ps_buf_puts(&b, "\" type=\"");
      xml_escape(&b, f->rule_id, true);
      ps_buf_puts(&b, "\">");
      PsBuf t = PS_BUF_INIT;
      ps_buf_printf(&t, "%s:%u:%u: %s %s\nseverity: %s, rule: %s\n%s", c->rel, f->line, f->col, f->rule_id,
                    f->message, ps_severity_name(f->severity), f->rule_name, f->url);
      xml_escape(&b, t.data, false);
      ps_buf_free(&t);
      ps_buf_puts(&b, "</failure>\n");
    }
    for (size_t k = 0; k < c->n_errors; k++) {
      ps_buf_puts(&b, "      <error message=\"");
      xml_escape(&b, c->errors[k], true);
      ps_buf_puts(&b, "\" type=\"error\">");
      xml_escape(&b, c->rel, false);
      ps_buf_puts(&b, ": ");
      xml_escape(&b, c->errors[k], false);
      ps_buf_puts(&b, "</error>\n");
    }
    ps_buf_puts(&b, "    </testcase>\n");
  }
  ps_buf_puts(&b, "  </testsuite>\n</testsuites>\n");
  ps_report__write(self, b.data, b.len);
  ps_buf_free(&b);
}

static void junit_fini(PsReporter *self) {
  JState *st = self->state;
  if (!st) return;
  for (size_t i = 0; i < st->size; i++) {
    JCase *c = &st->cases[i];
    for (size_t k = 0; k < c->n_fails; k++) {
      free(c->fails[k].rule_id);
      free(c->fails[k].rule_name);
      free(c->fails[k].url);
      free(c->fails[k].message);
    }
    for (size_t k = 0; k < c->n_errors; k++) free(c->errors[k]);
    free(c->fails);
    free(c->errors);
    free(c->path);
    free(c->rel);
  }
  free(st->cases);
  free(st);
}

const PsReportOps ps_report__junit_ops = {junit_begin, junit_file, junit_end, junit_fini, junit_project};
