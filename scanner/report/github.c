/* github.c: GitHub Actions workflow commands, one per finding, which the
 * runner turns into annotations on the pull request. Streams per file.
 *
 * ::error file=app.py,line=3,col=8,endLine=3,endColumn=11,title=RM001::app.py:3:8: RM001 ...
 * Escaping follows @actions/core: data escapes % CR LF; property values
 * also : and ,. */
#include <stdlib.h>

#include "report/report.h"

static void gh_escape(PsBuf *b, const char *s, bool property) {
  for (; s && *s; s++) {
    switch (*s) {
      case '%': ps_buf_puts(b, "%25"); break;
      case '\r': ps_buf_puts(b, "%0D"); break;
      case '\n': ps_buf_puts(b, "%0A"); break;
      case ':': ps_buf_puts(b, property ? "%3A" : ":"); break;
      case ',': ps_buf_puts(b, property ? "%2C" : ","); break;
      default: ps_buf_putc(b, *s);
    }
  }
}

static const char *gh_command(PsSeverity s) {
  switch (s) {
    case PS_SEVERITY_ERROR: return "error";
    case PS_SEVERITY_WARNING: return "warning";
    default: return "notice";
  }
}

static void github_begin(PsReporter *self) { self->state = ps_xcalloc(1, sizeof(PsBuf)); }

static void github_file(PsReporter *self, const PsFileResult *file) {
  PsBuf *b = self->state;
  ps_buf_reset(b);
  PsFinding *fs = ps_report__sorted_findings(file);
  for (size_t i = 0; i < file->n_findings; i++) {
    const PsFinding *f = &fs[i];
    const PsRange *r = &f->range;
    ps_buf_printf(b, "::%s file=", gh_command(f->severity));
    gh_escape(b, file->path, true);
    ps_buf_printf(b, ",line=%u,col=%u,endLine=%u,endColumn=%u,title=", (unsigned)r->start.line,
                  (unsigned)r->start.col, (unsigned)r->end.line, (unsigned)r->end.col);
    gh_escape(b, f->rule->id, true);
    ps_buf_puts(b, "::");
    PsBuf data = PS_BUF_INIT;
    ps_buf_printf(&data, "%s:%u:%u: %s %s", file->path, (unsigned)r->start.line,
                  (unsigned)r->start.col, f->rule->id, f->message ? f->message : "");
    gh_escape(b, data.data, false);
    ps_buf_free(&data);
    ps_buf_putc(b, '\n');
  }
  free(fs);
  ps_report__write(self, b->data, b->len);
}

static void github_end(PsReporter *self, const PsRunInfo *run) {}

static void github_fini(PsReporter *self) {
  if (!self->state) return;
  ps_buf_free(self->state);
  free(self->state);
}

const PsReportOps ps_report__github_ops = {github_begin, github_file, github_end, github_fini, NULL};
