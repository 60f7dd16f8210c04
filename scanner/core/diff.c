/* diff.c: Myers' line diff and the unified output format.
 *
 * compare() marks each line of a that is deleted and each line of b that is
 * inserted, as GNU diff's analyze.c does: strip the common prefix and
 * suffix, find the middle snake of a shortest edit script with the forward
 * and reverse searches meeting halfway (E. Myers, "An O(ND) Difference
 * Algorithm and Its Variations", 1986, section 4b), and recurse on both
 * sides of it. Memory is linear in the number of lines. The unmarked lines
 * of a and b are then the same sequence, and the hunks are read off the
 * marks.
 */
#include "core/diff.h"

#include "core/array.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct Line {
  const char *p;
  size_t n;    /* bytes, the '\n' included when there is one */
  uint64_t h;  /* ps_hash_bytes of the bytes, to reject most unequal pairs fast */
} Line;

typedef struct Side {
  Line *lines;
  size_t n;
  bool *changed; /* deleted (a) or inserted (b) */
} Side;

typedef struct Ctx {
  Side a, b;
  long *vf, *vb; /* furthest x per diagonal, forward and reverse, from `off` */
  long *sf, *sb; /* where the snake into vf[k] / vb[k] starts */
  long off;
} Ctx;

static void split_lines(Side *s, const char *text, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++) n += text[i] == '\n';
  if (len && text[len - 1] != '\n') n++;
  s->lines = ps_xcalloc(n ? n : 1, sizeof(Line));
  s->changed = ps_xcalloc(n + 1, sizeof(bool));
  s->n = n;
  size_t k = 0, start = 0;
  for (size_t i = 0; i < len; i++) {
    if (text[i] != '\n' && i + 1 < len) continue;
    Line *l = &s->lines[k++];
    l->p = text + start;
    l->n = i + 1 - start;
    l->h = ps_hash_bytes(l->p, l->n);
    start = i + 1;
  }
}

static bool line_eq(const Line *x, const Line *y) {
  return x->h == y->h && x->n == y->n && !memcmp(x->p, y->p, x->n);
}

static bool eq(const Ctx *c, long x, long y) { return line_eq(&c->a.lines[x], &c->b.lines[y]); }

/* Furthest x per diagonal k of the box; INVALID: no path with that many
 * edits reaches diagonal k inside the box. */
#define INVALID LONG_MIN

/* One step of the search in one direction: the furthest points reachable
 * on the diagonals -d..d (clipped to the box [0,n] x [0,m]) with d edits,
 * each followed by its snake. `v` holds the furthest points after d - 1
 * edits and is updated in place (a step touches only diagonals of d's
 * parity, and reads only those of the other). `rev` compares from the
 * ends. Returns through snake_start the point before each snake. */
static void step(const Ctx *c, long *v, long *starts, long d, long a0, long b0, long n, long m, bool rev) {
  for (long k = -d; k <= d; k += 2) {
    if (k < -m || k > n) continue;
    long x = INVALID;
    if (d == 0) {
      x = 0;
    } else {
      if (k + 1 <= d - 1 && v[k + 1] != INVALID && v[k + 1] - k <= m) x = v[k + 1];            /* down */
      if (k - 1 >= -(d - 1) && v[k - 1] != INVALID && v[k - 1] + 1 <= n && v[k - 1] + 1 > x) x = v[k - 1] + 1; /* right */
    }
    if (x == INVALID) {
      v[k] = INVALID;
      continue;
    }
    long y = x - k;
    starts[k] = x;
    if (rev)
      while (x < n && y < m && eq(c, a0 + n - x - 1, b0 + m - y - 1)) x++, y++;
    else
      while (x < n && y < m && eq(c, a0 + x, b0 + y)) x++, y++;
    v[k] = x;
  }
}

/* Finds the middle snake of a shortest edit script of the box [a0,a1) x
 * [b0,b1): it runs from (*xm, *ym) to (*xe, *ye), and a shortest script
 * passes through both ends. The box's first lines differ, and so do its
 * last ones, and both sides are non-empty, so that script has at least two
 * edits and both ends lie strictly between the corners' edit counts. */
static void middle_snake(Ctx *c, long a0, long a1, long b0, long b1, long *xm, long *ym, long *xe,
                         long *ye) {
  long n = a1 - a0, m = b1 - b0, delta = n - m;
  bool odd = delta & 1;
  long *vf = c->vf + c->off, *vb = c->vb + c->off;
  long *sf = c->sf + c->off, *sb = c->sb + c->off;
  long max = (n + m + 1) / 2;
  for (long k = -max - 1; k <= max + 1; k++) vf[k] = vb[k] = INVALID;
  for (long d = 0; d <= max; d++) {
    step(c, vf, sf, d, a0, b0, n, m, false);
    if (odd)
      for (long k = -d; k <= d; k += 2) {
        long kr = delta - k; /* the same diagonal in the reverse search, after d - 1 edits */
        if (k < -m || k > n || vf[k] == INVALID || kr < -(d - 1) || kr > d - 1 || vb[kr] == INVALID) continue;
        if (vf[k] + vb[kr] >= n) {
          *xm = a0 + sf[k], *ym = b0 + sf[k] - k, *xe = a0 + vf[k], *ye = b0 + vf[k] - k;
          return;
        }
      }
    step(c, vb, sb, d, a0, b0, n, m, true);
    if (!odd)
      for (long k = -d; k <= d; k += 2) {
        long kf = delta - k;
        if (k < -m || k > n || vb[k] == INVALID || kf < -d || kf > d || vf[kf] == INVALID) continue;
        if (vb[k] + vf[kf] >= n) {
          /* In forward coordinates the snake runs from (n-x, m-y) to
           * (n-x0, m-y0). */
          long x = vb[k], x0 = sb[k];
          *xm = a0 + n - x, *ym = b0 + m - (x - k), *xe = a0 + n - x0, *ye = b0 + m - (x0 - k);
          return;
        }
      }
  }
  /* Unreachable: some path of at most n + m edits exists. */
  *xm = a0, *ym = b0, *xe = a0, *ye = b0;
}

static void compare(Ctx *c, long a0, long a1, long b0, long b1) {
  for (;;) {
    while (a0 < a1 && b0 < b1 && eq(c, a0, b0)) a0++, b0++;
    while (a0 < a1 && b0 < b1 && eq(c, a1 - 1, b1 - 1)) a1--, b1--;
    if (a0 == a1) {
      for (long j = b0; j < b1; j++) c->b.changed[j] = true;
      return;
    }
    if (b0 == b1) {
      for (long i = a0; i < a1; i++) c->a.changed[i] = true;
      return;
    }
    long xm, ym, xe, ye;
    middle_snake(c, a0, a1, b0, b1, &xm, &ym, &xe, &ye);
    if ((xm == a0 && ym == b0 && xe == a1 && ye == b1) || (xm == a1 && ym == b1) || (xe == a0 && ye == b0)) {
      /* No progress (cannot happen for a box whose ends differ): give up
       * on finding a shortest script for this box rather than loop. */
      for (long i = a0; i < a1; i++) c->a.changed[i] = true;
      for (long j = b0; j < b1; j++) c->b.changed[j] = true;
      return;
    }
    compare(c, a0, xm, b0, ym);
    /* Each side of the snake holds about half the edits, so recursing on
     * one and looping on the other keeps the depth logarithmic. */
    a0 = xe;
    b0 = ye;
  }
}

typedef struct Change {
  size_t a, na, b, nb; /* a[a..a+na) replaced by b[b..b+nb) */
} Change;

static void put_line(PsBuf *out, char tag, const Line *l) {
  ps_buf_putc(out, tag);
  ps_buf_append(out, l->p, l->n);
  if (!l->n || l->p[l->n - 1] != '\n') ps_buf_puts(out, "\n\\ No newline at end of file\n");
}

static void put_range(PsBuf *out, size_t start, size_t count) {
  /* GNU diff: an empty range names the line before it. */
  if (count == 1) ps_buf_printf(out, "%zu", start + 1);
  else ps_buf_printf(out, "%zu,%zu", count ? start + 1 : start, count);
}

size_t ps_diff_unified(PsBuf *out, const char *a_label, const char *a, size_t a_len,
                       const char *b_label, const char *b, size_t b_len, unsigned context) {
  Ctx c = {0};
  split_lines(&c.a, a, a_len);
  split_lines(&c.b, b, b_len);
  /* A box's diagonals -d-1..d+1, d at most half its lines (rounded up). */
  c.off = (long)((c.a.n + c.b.n + 1) / 2) + 2;
  size_t diag = 2 * (size_t)c.off + 1;
  c.vf = ps_xcalloc(diag, sizeof(long));
  c.vb = ps_xcalloc(diag, sizeof(long));
  c.sf = ps_xcalloc(diag, sizeof(long));
  c.sb = ps_xcalloc(diag, sizeof(long));
  compare(&c, 0, (long)c.a.n, 0, (long)c.b.n);

  Array(Change) changes;
  array_init(&changes);
  for (size_t i = 0, j = 0; i < c.a.n || j < c.b.n;) {
    if (i < c.a.n && j < c.b.n && !c.a.changed[i] && !c.b.changed[j]) {
      i++, j++;
      continue;
    }
    Change ch = {i, 0, j, 0};
    while (i < c.a.n && c.a.changed[i]) i++, ch.na++;
    while (j < c.b.n && c.b.changed[j]) j++, ch.nb++;
    if (!ch.na && !ch.nb) break; /* unmatched unchanged lines: cannot happen */
    array_push(&changes, ch);
  }

  size_t hunks = 0;
  for (size_t h = 0; h < changes.size;) {
    /* Extend the hunk while the next change is within 2 * context lines. */
    size_t last = h;
    while (last + 1 < changes.size &&
           changes.items[last + 1].a - (changes.items[last].a + changes.items[last].na) <= 2 * (size_t)context)
      last++;
    const Change *f = &changes.items[h], *l = &changes.items[last];
    size_t lead = f->a < context ? f->a : context;
    size_t a_start = f->a - lead, b_start = f->b - lead;
    size_t a_end = l->a + l->na + context, b_end = l->b + l->nb + context;
    if (a_end > c.a.n) a_end = c.a.n;
    if (b_end > c.b.n) b_end = c.b.n;
    if (!hunks) ps_buf_printf(out, "--- %s\n+++ %s\n", a_label, b_label);
    ps_buf_puts(out, "@@ -");
    put_range(out, a_start, a_end - a_start);
    ps_buf_puts(out, " +");
    put_range(out, b_start, b_end - b_start);
    ps_buf_puts(out, " @@\n");
    size_t i = a_start, j = b_start;
    for (size_t k = h; k <= last; k++) {
      const Change *ch = &changes.items[k];
      for (; i < ch->a; i++, j++) put_line(out, ' ', &c.a.lines[i]);
      for (size_t x = 0; x < ch->na; x++) put_line(out, '-', &c.a.lines[i++]);
      for (size_t x = 0; x < ch->nb; x++) put_line(out, '+', &c.b.lines[j++]);
    }
    for (; i < a_end; i++) put_line(out, ' ', &c.a.lines[i]);
    hunks++;
    h = last + 1;
  }
  array_free(&changes);
  free(c.vf);
  free(c.vb);
  free(c.sf);
  free(c.sb);
  free(c.a.lines);
  free(c.a.changed);
  free(c.b.lines);
  free(c.b.changed);
  return hunks;
}
