/* text.c: human-readable output, like ruff's concise format.
 *
 * It streams: each file's lines are rendered into one buffer and written
 * whole, so output from a file is never interleaved. It ends with a
 * summary ("Found 3 findings in 2 files.", with --fix "Found 5 findings (3
 * fixed, 2 remaining).", with --diff only "Would fix 3 findings.") unless
 * quiet; with statistics it prints a per-rule count table instead of the
 * findings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

enum { TAB_WIDTH = 4 };

#define SGR_RESET "\x1b[0m"
#define SGR_BOLD "\x1b[1m"
#define SGR_BLUE "\x1b[1;34m"

typedef struct RuleCount {
  const PsRuleMeta *rule;
  size_t count;
} RuleCount;

typedef struct TextState {
  PsBuf buf;
  size_t n_findings;
  size_t n_files_with_findings;
  RuleCount *counts; /* statistics */
  size_t n_counts, cap_counts;
  bool project_header; /* "Project-wide findings:" printed */
  char **files_seen;   /* paths with findings, in order, to count files once */
  size_t n_seen, cap_seen, seen_at;
} TextState;

static const char *severity_color(PsSeverity s) {
  switch (s) {
    case PS_SEVERITY_ERROR: return "\x1b[1;31m";   /* bold red */
    case PS_SEVERITY_WARNING: return "\x1b[1;33m"; /* bold yellow */
    default: return "\x1b[1;36m";                  /* bold cyan: info, hint */
  }
}

static void text_begin(PsReporter *self) { self->state = ps_xcalloc(1, sizeof(TextState)); }

static void count_rule(TextState *st, const PsRuleMeta *rule) {
  for (size_t i = 0; i < st->n_counts; i++)
    if (st->counts[i].rule == rule || !strcmp(st->counts[i].rule->id, rule->id)) {
      st->counts[i].count++;
      return;
    }
  if (st->n_counts == st->cap_counts) {
    st->cap_counts = st->cap_counts ? st->cap_counts * 2 : 16;
    st->counts = ps_xrealloc(st->counts, st->cap_counts * sizeof *st->counts);
  }
  st->counts[st->n_counts++] = (RuleCount){rule, 1};
}

/* Display width of s[0..n) up to code point index `upto` (or the end),
 * expanding tabs to TAB_WIDTH stops. Writes the expanded text to `out` when
 * given. */
static size_t display_col(const char *s, size_t n, size_t upto, PsBuf *out) {
  size_t disp = 0, chars = 0;
  for (size_t i = 0; i < n && chars < upto;) {
    uint32_t cp;
    size_t len = ps_utf8_decode((const unsigned char *)s + i, n - i, &cp);
    if (cp == '\t') {
      size_t next = (disp / TAB_WIDTH + 1) * TAB_WIDTH;
      if (out) ps_buf_printf(out, "%*s", (int)(next - disp), "");
      disp = next;
    } else {
      if (out) ps_buf_append(out, s + i, len);
      disp++;
    }
    i += len;
    chars++;
  }
  return disp;
}

static void render_source(PsReporter *self, PsBuf *b, const PsFinding *f) {
  const char *line = f->source_line;
  size_t n = strlen(line);
  while (n && (line[n - 1] == '\r' || line[n - 1] == '\n')) n--;
  bool color = self->opts.color;
  const char *gut = color ? SGR_BLUE : "", *off = color ? SGR_RESET : "";

  size_t start = f->range.start.col ? f->range.start.col - 1 : 0;
  size_t width_total = display_col(line, n, SIZE_MAX, NULL);
  size_t c0 = display_col(line, n, start, NULL);
  size_t c1 = f->range.end.line == f->range.start.line && f->range.end.col
                  ? display_col(line, n, f->range.end.col - 1, NULL)
                  : width_total;
  size_t width = c1 > c0 ? c1 - c0 : 1;

  char num[16];
  int digits = snprintf(num, sizeof num, "%u", (unsigned)f->range.start.line);
  ps_buf_printf(b, "%s%s |%s ", gut, num, off);
  display_col(line, n, SIZE_MAX, b);
  ps_buf_printf(b, "\n%s%*s |%s %*s", gut, digits, "", off, (int)c0, "");
  if (color) ps_buf_puts(b, severity_color(f->severity));
  for (size_t i = 0; i < width; i++) ps_buf_putc(b, '^');
  ps_buf_printf(b, "%s\n\n", off);
}

/* An explained finding's threads and notes, indented under it; nothing for
 * a finding without them. Concise (the default): one line per thread,
 * where it starts and how. --show-source: each thread's steps, then the
 * confidence and the notes. */
static void render_explanation(PsReporter *self, PsBuf *b, const PsFinding *f, const char *own_path) {
  bool full = self->opts.show_source;
  for (size_t i = 0; i < f->n_flows; i++) {
    const PsFlow *fl = &f->flows[i];
    const char *msg = fl->message ? fl->message : "";
    if (full || !fl->n_steps) {
      ps_buf_printf(b, "    thread %zu: %s\n", i + 1, msg);
    } else {
      char *p = ps_report_escaped_path(fl->steps[0].path ? fl->steps[0].path : own_path);
      ps_buf_printf(b, "    thread %zu: %s:%u %s\n", i + 1, p, (unsigned)fl->steps[0].range.start.line, msg);
      free(p);
    }
    for (size_t k = 0; full && k < fl->n_steps; k++) {
      const PsRelated *st = &fl->steps[k];
      char *p = ps_report_escaped_path(st->path ? st->path : own_path);
      ps_buf_printf(b, "      %s:%u:%u: %s\n", p, (unsigned)st->range.start.line, (unsigned)st->range.start.col,
                    st->message ? st->message : "");
      free(p);
    }
  }
  if (!full) return;
  if (f->confidence) ps_buf_printf(b, "    confidence: %s\n", f->confidence);
  for (size_t i = 0; i < f->n_notes; i++) ps_buf_printf(b, "    note: %s\n", f->notes[i] ? f->notes[i] : "");
}

/* Counts a file with findings once, whether its findings came from its own
 * scan, the project stage or both (paths arrive in order in each). */
static void count_file(TextState *st, const char *path, bool project) {
  if (!project) {
    st->n_files_with_findings++;
    if (st->n_seen == st->cap_seen) {
      st->cap_seen = st->cap_seen ? st->cap_seen * 2 : 64;
      st->files_seen = ps_xrealloc(st->files_seen, st->cap_seen * sizeof(char *));
    }
    st->files_seen[st->n_seen++] = ps_xstrdup(path);
    return;
  }
  /* Both sequences are in path order: one forward pass over the first. */
  while (st->seen_at < st->n_seen && strcmp(st->files_seen[st->seen_at], path) < 0) st->seen_at++;
  if (st->seen_at < st->n_seen && !strcmp(st->files_seen[st->seen_at], path)) return;
  st->n_files_with_findings++;
}

static void text_findings(PsReporter *self, const PsFileResult *file, bool project) {
  TextState *st = self->state;
  /* --diff lists no findings: the diff is the output, this only the summary. */
  if (!file->n_findings || (self->run && self->run->fix_mode == PS_FIX_DIFF)) return;
  st->n_findings += file->n_findings;
  count_file(st, file->path, project);
  PsFinding *fs = ps_report__sorted_findings(file);
  PsBuf *b = &st->buf;
  ps_buf_reset(b);
  if (project && !st->project_header && !self->opts.statistics) {
    ps_buf_puts(b, "Project-wide findings (from analyses across files):\n");
    st->project_header = true;
  }
  /* A file name cannot start a line of its own (a forged finding) or send
   * terminal escapes. */
  char *path = ps_report_escaped_path(file->path);
  for (size_t i = 0; i < file->n_findings; i++) {
    const PsFinding *f = &fs[i];
    if (self->opts.statistics) {
      count_rule(st, f->rule);
      continue;
    }
    if (self->opts.color)
      ps_buf_printf(b, SGR_BOLD "%s" SGR_RESET ":%u:%u: %s%s" SGR_RESET " %s\n", path,
                    (unsigned)f->range.start.line, (unsigned)f->range.start.col,
                    severity_color(f->severity), f->rule->id, f->message ? f->message : "");
    else
      ps_buf_printf(b, "%s:%u:%u: %s %s\n", path, (unsigned)f->range.start.line,
                    (unsigned)f->range.start.col, f->rule->id, f->message ? f->message : "");
    if (self->opts.show_source && f->source_line) render_source(self, b, f);
    for (size_t k = 0; project && k < f->n_related; k++) {
      char *rp = ps_report_escaped_path(f->related[k].path ? f->related[k].path : file->path);
      ps_buf_printf(b, "    %s:%u:%u: %s\n", rp, (unsigned)f->related[k].range.start.line,
                    (unsigned)f->related[k].range.start.col, f->related[k].message ? f->related[k].message : "");
      free(rp);
    }
    render_explanation(self, b, f, file->path);
  }
  free(fs);
  free(path);
  ps_report__write(self, b->data, b->len);
}

static void text_file(PsReporter *self, const PsFileResult *file) { text_findings(self, file, false); }

static void text_project(PsReporter *self, const PsFileResult *file) { text_findings(self, file, true); }

static int cmp_count(const void *pa, const void *pb) {
  const RuleCount *a = pa, *b = pb;
  if (a->count != b->count) return a->count > b->count ? -1 : 1;
  return strcmp(a->rule->id, b->rule->id);
}

static void text_end(PsReporter *self, const PsRunInfo *run) {
  TextState *st = self->state;
  PsBuf *b = &st->buf;
  ps_buf_reset(b);
  if (self->opts.statistics && st->n_counts) {
    qsort(st->counts, st->n_counts, sizeof *st->counts, cmp_count);
    for (size_t i = 0; i < st->n_counts; i++)
      ps_buf_printf(b, "%5zu  %-6s %s\n", st->counts[i].count, st->counts[i].rule->id,
                    st->counts[i].rule->name ? st->counts[i].rule->name : "");
  }
  if (!self->opts.quiet) {
    size_t fixed = run ? run->n_fixed : 0, hidden = run ? run->n_hidden_fixes : 0;
    char hidden_note[96] = "";
    if (hidden)
      snprintf(hidden_note, sizeof hidden_note, "%zu hidden fix%s can be enabled with --unsafe-fixes", hidden,
               hidden == 1 ? "" : "es");
    if (run && run->fix_mode == PS_FIX_DIFF) {
      if (fixed)
        ps_buf_printf(b, "Would fix %zu finding%s", fixed, fixed == 1 ? "" : "s");
      else
        ps_buf_puts(b, "No findings would be fixed");
      ps_buf_printf(b, "%s%s%s.\n", hidden ? " (" : "", hidden_note, hidden ? ")" : "");
    } else {
      if (st->n_findings == 0 && fixed == 0 && run && !run->execution_successful) {
        ps_buf_puts(b, "No findings, but errors occurred (see above): results may be incomplete.\n");
      } else if (fixed) {
        ps_buf_printf(b, "Found %zu finding%s (%zu fixed, %zu remaining).\n", fixed + st->n_findings,
                      fixed + st->n_findings == 1 ? "" : "s", fixed, st->n_findings);
      } else if (st->n_findings == 0) {
        ps_buf_puts(b, "All checks passed!\n");
      } else {
        ps_buf_printf(b, "Found %zu finding%s in %zu file%s.\n", st->n_findings,
                      st->n_findings == 1 ? "" : "s", st->n_files_with_findings,
                      st->n_files_with_findings == 1 ? "" : "s");
      }
      size_t fixable = run ? run->n_fixable : 0;
      if (fixable && hidden)
        ps_buf_printf(b, "%zu fixable with --fix (%s).\n", fixable, hidden_note);
      else if (fixable)
        ps_buf_printf(b, "%zu fixable with --fix.\n", fixable);
      else if (hidden)
        ps_buf_printf(b, "No fixes available (%s).\n", hidden_note);
    }
  }
  ps_report__write(self, b->data, b->len);
}

static void text_fini(PsReporter *self) {
  TextState *st = self->state;
  if (!st) return;
  ps_buf_free(&st->buf);
  free(st->counts);
  for (size_t i = 0; i < st->n_seen; i++) free(st->files_seen[i]);
  free(st->files_seen);
  free(st);
}

const PsReportOps ps_report__text_ops = {text_begin, text_file, text_end, text_fini, text_project};
