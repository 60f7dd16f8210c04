/* version.c: parsing and comparing Python versions and constraints. */
#include "core/version.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

static const char *skip_ws(const char *s) {
  while (*s == ' ' || *s == '\t') s++;
  return s;
}

/* Parses "3.14", "3.14t", "py314", "314" at s; sets *end past it. */
static int parse_at(const char *s, PsPyVersion *out, const char **end) {
  const char *p = s;
  if ((p[0] == 'p' || p[0] == 'P') && (p[1] == 'y' || p[1] == 'Y')) p += 2;
  if (!isdigit((unsigned char)*p)) return PS_E_USAGE;
  char *q;
  long a = strtol(p, &q, 10);
  long major, minor;
  if (*q == '.') {
    if (!isdigit((unsigned char)q[1])) return PS_E_USAGE;
    major = a;
    minor = strtol(q + 1, &q, 10);
    /* Allow and ignore a micro version ("3.9.1"). */
    if (*q == '.' && isdigit((unsigned char)q[1])) strtol(q + 1, &q, 10);
  } else {
    /* "314" / "py39" form. */
    if (a < 30 || a > 399) return PS_E_USAGE;
    major = a / 100 ? a / 100 : a / 10;
    minor = a / 100 ? a % 100 : a % 10;
  }
  if (major != 3 || minor < 0 || minor > 99) return PS_E_USAGE;
  out->major = (int)major;
  out->minor = (int)minor;
  out->free_threaded = false;
  if (*q == 't' || *q == 'T') {
    out->free_threaded = true;
    q++;
  }
  *end = q;
  return 0;
}

int ps_pyver_parse(const char *s, PsPyVersion *out) {
  const char *end;
  PsPyVersion v;
  if (parse_at(skip_ws(s), &v, &end) != 0) return PS_E_USAGE;
  if (*skip_ws(end) != '\0') return PS_E_USAGE;
  *out = v;
  return 0;
}

int ps_pyver_cmp(PsPyVersion a, PsPyVersion b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  return 0;
}

void ps_pyver_format(PsPyVersion v, char *buf, unsigned n) {
  snprintf(buf, n, "%d.%d%s", v.major, v.minor, v.free_threaded ? "t" : "");
}

int ps_pyconstraint_parse(const char *s, PsPyConstraint *out) {
  PsPyConstraint c = {0};
  const char *p = skip_ws(s);
  while (*p) {
    if (c.n == 4) return PS_E_USAGE;
    char op[3] = ">=";
    if (p[0] == '>' || p[0] == '<' || p[0] == '=' || p[0] == '!') {
      if (p[1] == '=') {
        op[0] = p[0], op[1] = '=', op[2] = 0;
        p += 2;
      } else if (p[0] == '>' || p[0] == '<') {
        op[0] = p[0], op[1] = 0;
        p += 1;
      } else {
        return PS_E_USAGE;
      }
    }
    p = skip_ws(p);
    const char *end;
    if (parse_at(p, &c.clause[c.n].v, &end) != 0) return PS_E_USAGE;
    memcpy(c.clause[c.n].op, op, 3);
    c.n++;
    p = skip_ws(end);
    if (*p == ',') p = skip_ws(p + 1);
    else if (*p) return PS_E_USAGE;
  }
  if (c.n == 0) return PS_E_USAGE;
  *out = c;
  return 0;
}

bool ps_pyconstraint_allows(const PsPyConstraint *c, PsPyVersion v) {
  for (int i = 0; i < c->n; i++) {
    int r = ps_pyver_cmp(v, c->clause[i].v);
    const char *op = c->clause[i].op;
    bool ok = (!strcmp(op, ">=") && r >= 0) || (!strcmp(op, ">") && r > 0) ||
              (!strcmp(op, "<=") && r <= 0) || (!strcmp(op, "<") && r < 0) ||
              (!strcmp(op, "==") && r == 0) || (!strcmp(op, "!=") && r != 0);
    if (!ok) return false;
  }
  return true;
}

int ps_requires_python_floor(const char *spec, PsPyVersion *out) {
  /* Try each minor version 3.0..3.99 against the specifier's clauses; the
   * first one allowed is the floor. Clauses: >=, >, ==, ~=, <, <=, !=, with
   * optional micro versions and wildcards (==3.10.*). */
  int lo_minor = -1;
  for (int minor = 0; minor <= 99 && lo_minor < 0; minor++) {
    const char *p = spec;
    bool ok = true, any = false;
    while (*p && ok) {
      p = skip_ws(p);
      if (!*p) break;
      char op[3] = {0};
      size_t k = 0;
      while (k < 2 && strchr("<>=!~", *p)) op[k++] = *p++;
      p = skip_ws(p);
      long maj = strtol(p, (char **)&p, 10);
      long mi = 0, micro = 0;
      bool has_minor = false, wildcard = false;
      if (*p == '.') {
        if (p[1] == '*') wildcard = true, p += 2;
        else mi = strtol(p + 1, (char **)&p, 10), has_minor = true;
      }
      if (*p == '.') {
        if (p[1] == '*') wildcard = true, p += 2;
        else micro = strtol(p + 1, (char **)&p, 10);
      }
      while (*p && *p != ',') {
        if (!isspace((unsigned char)*p)) return PS_E_USAGE;
        p++;
      }
      if (*p == ',') p++;
      if (maj <= 0 || !op[0]) return PS_E_USAGE;
      any = true;
      /* Compare (3, minor, micro=max) against the clause: a minor version is
       * allowed if some micro release of it is. */
      long va = 3, vb = minor;
      int cmp = va != maj ? (va < maj ? -1 : 1) : (has_minor && vb != mi ? (vb < mi ? -1 : 1) : 0);
      if (!strcmp(op, ">=")) ok = cmp > 0 || cmp == 0;
      else if (!strcmp(op, ">")) ok = cmp > 0 || (cmp == 0 && has_minor && !wildcard);
      else if (!strcmp(op, "<")) ok = cmp < 0 || (cmp == 0 && micro > 0);
      else if (!strcmp(op, "<=")) ok = cmp <= 0;
      else if (!strcmp(op, "==")) ok = cmp == 0;
      else if (!strcmp(op, "!=")) ok = !(cmp == 0 && wildcard) && !(cmp == 0 && !has_minor);
      else if (!strcmp(op, "~=")) ok = cmp >= 0 && va == maj;
      else return PS_E_USAGE;
    }
    if (!any) return PS_E_USAGE;
    if (ok) lo_minor = minor;
  }
  if (lo_minor < 0) return PS_E_USAGE;
  out->major = 3;
  out->minor = lo_minor;
  out->free_threaded = false;
  return 0;
}
