/* template.c: message templates, `{name}` substitution. */
#include <string.h>

#include "rules/rules.h"

#define PS_TEMPLATE_VALUE_MAX 120

int ps_template_check(const char *tmpl, size_t *bad) {
  for (size_t i = 0; tmpl[i]; i++) {
    if (tmpl[i] == '{') {
      if (tmpl[i + 1] == '{') {
        i++;
        continue;
      }
      const char *e = strchr(tmpl + i, '}');
      const char *o = strchr(tmpl + i + 1, '{');
      if (!e || (o && o < e)) return *bad = i, PS_E_RULE;
      i = (size_t)(e - tmpl);
    } else if (tmpl[i] == '}') {
      if (tmpl[i + 1] == '}') {
        i++;
        continue;
      }
      return *bad = i, PS_E_RULE;
    }
  }
  return 0;
}

char *ps_template_render(const char *tmpl, PsTemplateLookup lookup, void *ctx) {
  PsBuf out = PS_BUF_INIT;
  ps_buf_reserve(&out, strlen(tmpl) + 32);
  for (const char *p = tmpl; *p; p++) {
    if (p[0] == '{' && p[1] == '{') {
      ps_buf_putc(&out, '{');
      p++;
    } else if (p[0] == '}' && p[1] == '}') {
      ps_buf_putc(&out, '}');
      p++;
    } else if (p[0] == '{') {
      const char *e = strchr(p, '}');
      if (!e) {
        ps_buf_puts(&out, p);
        break;
      }
      size_t vlen = 0;
      const char *v = lookup ? lookup(ctx, p + 1, (size_t)(e - p - 1), &vlen) : NULL;
      if (!v) {
        ps_buf_append(&out, p, (size_t)(e - p + 1));
      } else {
        /* First line only, bounded, never splitting a UTF-8 sequence. */
        size_t n = 0, chars = 0;
        while (n < vlen && v[n] != '\n' && v[n] != '\r' && chars < PS_TEMPLATE_VALUE_MAX) {
          size_t k = ps_utf8_seq_len((const unsigned char *)v + n, vlen - n);
          n += k ? k : 1;
          chars++;
        }
        ps_buf_append(&out, v, n);
        if (n < vlen) ps_buf_puts(&out, "...");
      }
      p = e;
    } else {
      ps_buf_putc(&out, *p);
    }
  }
  return ps_buf_steal(&out);
}

char *ps_template_render_exact(const char *tmpl, PsTemplateLookup lookup, void *ctx) {
  PsBuf out = PS_BUF_INIT;
  ps_buf_reserve(&out, strlen(tmpl) + 32);
  for (const char *p = tmpl; *p; p++) {
    if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
      ps_buf_putc(&out, *p++);
    } else if (p[0] == '{') {
      const char *e = strchr(p, '}');
      size_t vlen = 0;
      const char *v = e && lookup ? lookup(ctx, p + 1, (size_t)(e - p - 1), &vlen) : NULL;
      if (!v) {
        ps_buf_free(&out);
        return NULL;
      }
      ps_buf_append(&out, v, vlen);
      p = e;
    } else {
      ps_buf_putc(&out, *p);
    }
  }
  return ps_buf_steal(&out);
}
