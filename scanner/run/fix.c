/* fix.c: one round of applying fixes to a text.
 *
 * The engine (engine.c) calls this once per round: it picks the fixes to
 * apply, in order of position, and builds the new text. Which fixes are
 * picked is what makes --fix predictable:
 *
 * - only applicable ones (safe, or any with --unsafe-fixes) that would
 *   change something, and only well-formed ones (edits inside the text, on
 *   character boundaries, in order, UTF-8); anything else is a bug in what
 *   emitted it and is never applied;
 * - a fix with an edit that conflicts with an edit already picked waits for
 *   the next round, when it is found again on the new text (nested fixes
 *   such as `Optional[List[int]]` take one round per level);
 * - a fix whose edits were all picked already (two rules proposing the
 *   same change) counts as applied.
 *
 * Inserted line breaks follow the text's own line ending (its first one).
 */
#include <stdlib.h>
#include <string.h>

#include "run/run_internal.h"

int ps_fix__edit_cmp(const void *a, const void *b) {
  const PsEdit *x = a, *y = b;
  if (x->range.start.byte != y->range.start.byte) return x->range.start.byte < y->range.start.byte ? -1 : 1;
  return x->range.end.byte < y->range.end.byte ? -1 : x->range.end.byte > y->range.end.byte;
}

static bool char_boundary(const char *text, size_t len, uint32_t off) {
  return off == len || ((unsigned char)text[off] & 0xC0) != 0x80;
}

static bool well_formed(const char *text, size_t len, const PsFix *fix) {
  for (size_t k = 0; k < fix->n_edits; k++) {
    const PsEdit *ed = &fix->edits[k];
    uint32_t a = ed->range.start.byte, b = ed->range.end.byte;
    if (a > b || b > len || !char_boundary(text, len, a) || !char_boundary(text, len, b)) return false;
    if (!ps_utf8_valid((const unsigned char *)ed->text, strlen(ed->text))) return false;
    if (k && (fix->edits[k - 1].range.end.byte > a || (a == b && fix->edits[k - 1].range.start.byte == a)))
      return false;
  }
  return fix->n_edits > 0;
}

static bool changes_text(const char *text, const PsFix *fix) {
  for (size_t k = 0; k < fix->n_edits; k++) {
    const PsEdit *ed = &fix->edits[k];
    size_t n = ed->range.end.byte - ed->range.start.byte;
    if (strlen(ed->text) != n || memcmp(ed->text, text + ed->range.start.byte, n)) return true;
  }
  return false;
}

/* Edits conflict when they overlap, or are two insertions at one offset
 * (which one goes first would be a guess). Touching edits do not. */
static bool conflict(const PsEdit *x, const PsEdit *y) {
  uint32_t xa = x->range.start.byte, xb = x->range.end.byte, ya = y->range.start.byte, yb = y->range.end.byte;
  if (xa == xb && ya == yb) return xa == ya;
  return !(xb <= ya || yb <= xa);
}

static bool same_edit(const PsEdit *x, const PsEdit *y) {
  return x->range.start.byte == y->range.start.byte && x->range.end.byte == y->range.end.byte &&
         !strcmp(x->text, y->text);
}

static int edit_ptr_cmp(const void *a, const void *b) {
  return ps_fix__edit_cmp(*(const PsEdit *const *)a, *(const PsEdit *const *)b);
}

typedef struct Candidate {
  const PsFinding *f;
  size_t order;
} Candidate;

/* By the first edit's position, then rule id, then the findings' order. */
static int candidate_cmp(const void *pa, const void *pb) {
  const Candidate *a = pa, *b = pb;
  int c = ps_fix__edit_cmp(&a->f->fix->edits[0], &b->f->fix->edits[0]);
  if (c) return c;
  if ((c = strcmp(a->f->rule->id, b->f->rule->id))) return c;
  return a->order < b->order ? -1 : a->order > b->order;
}

static const char *line_ending(const char *text, size_t len) {
  for (size_t i = 0; i < len; i++) {
    if (text[i] == '\n') return "\n";
    if (text[i] == '\r') return i + 1 < len && text[i + 1] == '\n' ? "\r\n" : "\r";
  }
  return "\n";
}

static void append_with_eol(PsBuf *b, const char *t, const char *eol) {
  for (; *t; t++) {
    if (*t == '\r' || *t == '\n') {
      ps_buf_puts(b, eol);
      if (t[0] == '\r' && t[1] == '\n') t++;
    } else {
      ps_buf_putc(b, *t);
    }
  }
}

size_t ps_fix__apply(const char *text, size_t len, const PsFinding *fs, size_t n, bool unsafe, PsBuf *out,
                     PsBuf *culprits) {
  Array(Candidate) cands;
  Array(const PsEdit *) taken;
  array_init(&cands);
  array_init(&taken);
  for (size_t i = 0; i < n; i++) {
    const PsFix *fix = fs[i].fix;
    if (fix && (fix->safe || unsafe) && well_formed(text, len, fix) && changes_text(text, fix))
      array_push(&cands, ((Candidate){&fs[i], i}));
  }
  if (cands.size) qsort(cands.items, cands.size, sizeof(Candidate), candidate_cmp);
  size_t fixed = 0;
  ps_buf_reset(culprits);
  for (size_t c = 0; c < cands.size; c++) {
    const PsFix *fix = cands.items[c].f->fix;
    bool all_taken = true, clash = false;
    for (size_t k = 0; k < fix->n_edits; k++) {
      bool taken_already = false;
      for (size_t t = 0; t < taken.size && !taken_already; t++) taken_already = same_edit(&fix->edits[k], taken.items[t]);
      all_taken &= taken_already;
      for (size_t t = 0; t < taken.size && !taken_already && !clash; t++) clash = conflict(&fix->edits[k], taken.items[t]);
    }
    if (clash && !all_taken) continue;
    if (!all_taken) {
      for (size_t k = 0; k < fix->n_edits; k++) {
        bool taken_already = false;
        for (size_t t = 0; t < taken.size && !taken_already; t++)
          taken_already = same_edit(&fix->edits[k], taken.items[t]);
        if (!taken_already) array_push(&taken, &fix->edits[k]);
      }
      ps_buf_printf(culprits, "%s%s at line %u", culprits->len ? ", " : "", cands.items[c].f->rule->id,
                    (unsigned)cands.items[c].f->range.start.line);
    }
    fixed++;
  }
  if (fixed) {
    qsort(taken.items, taken.size, sizeof(const PsEdit *), edit_ptr_cmp);
    const char *eol = line_ending(text, len);
    ps_buf_reset(out);
    ps_buf_reserve(out, len + 64);
    uint32_t pos = 0;
    for (size_t t = 0; t < taken.size; t++) {
      ps_buf_append(out, text + pos, taken.items[t]->range.start.byte - pos);
      append_with_eol(out, taken.items[t]->text, eol);
      pos = taken.items[t]->range.end.byte;
    }
    ps_buf_append(out, text + pos, len - pos);
  }
  array_free(&cands);
  array_free(&taken);
  return fixed;
}
