/* query.c: every enabled rule's patterns in one TSQuery, with a
 * pattern -> rule table and predicates compiled once into typed tables.
 *
 * tree-sitter leaves text predicates to the client: the runtime returns
 * matches and this file filters them. Predicates supported: #eq?, #match?
 * (PCRE2, JIT when available), #any-of?, and their #not- forms. Quantified
 * captures pass only when every captured node passes; a capture that is
 * absent from the match (optional pattern) passes.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "parse/parse.h"
#include "rules/rules_internal.h"

typedef enum PredKind { PRED_EQ, PRED_MATCH, PRED_ANY_OF } PredKind;

typedef struct Pred {
  PredKind kind;
  bool negate;
  uint32_t capture;
  bool other_is_capture;  /* eq: compare to another capture */
  uint32_t other_capture;
  const char *str;        /* eq: literal (owned by the TSQuery) */
  uint32_t str_len;
  pcre2_code *re;         /* match */
  const char **set;       /* any-of: literals (owned by the TSQuery) */
  uint32_t *set_lens;
  uint32_t n_set;
} Pred;

typedef struct PatternInfo {
  const PsRule *rule;
  Pred *preds;
  uint32_t n_preds;
  int report_capture; /* capture id or -1 */
} PatternInfo;

struct PsQuerySet {
  TSQuery *query;
  PatternInfo *patterns;
  uint32_t n_patterns;
  uint32_t max_captures;
};

struct PsQueryRunner {
  const PsQuerySet *set;
  TSQueryCursor *cursor;
  pcre2_match_data *md;
};

static int pred_error(const PsRule *r, PsError *err, uint32_t pattern_start_in_rule, const char *fmt,
                      const char *arg) {
  int line, col;
  ps_rules__query_pos(r, pattern_start_in_rule, &line, &col);
  char msg[PS_ERROR_MSG_MAX];
  snprintf(msg, sizeof msg, fmt, arg);
  ps_error_set(err, PS_E_RULE, r->path, line, col, "%s", msg);
  return PS_E_RULE;
}

static int compile_predicates(PsQuerySet *self, uint32_t pi, uint32_t rule_offset, PsError *err) {
  PatternInfo *info = &self->patterns[pi];
  const PsRule *r = info->rule;
  uint32_t start = ts_query_start_byte_for_pattern(self->query, pi) - rule_offset;
  uint32_t n_steps;
  const TSQueryPredicateStep *steps = ts_query_predicates_for_pattern(self->query, pi, &n_steps);
  Array(Pred) preds;
  array_init(&preds);
  int rc = 0;
  for (uint32_t i = 0; i < n_steps;) {
    uint32_t j = i;
    while (j < n_steps && steps[j].type != TSQueryPredicateStepTypeDone) j++;
    uint32_t argc = j - i;
    const TSQueryPredicateStep *s = steps + i;
    i = j + 1;
    if (argc == 0 || s[0].type != TSQueryPredicateStepTypeString) {
      rc = pred_error(r, err, start, "%s", "predicate must start with a name like #eq?");
      goto done;
    }
    uint32_t nlen;
    const char *name = ts_query_string_value_for_id(self->query, s[0].value_id, &nlen);
    Pred p = {0};
    const char *base = name;
    if (!strncmp(name, "not-", 4)) p.negate = true, base = name + 4;
    if (!strcmp(base, "eq?")) p.kind = PRED_EQ;
    else if (!strcmp(base, "match?")) p.kind = PRED_MATCH;
    else if (!strcmp(base, "any-of?")) p.kind = PRED_ANY_OF;
    else {
      rc = pred_error(r, err, start, "unknown predicate #%s (supported: #eq?, #match?, #any-of? and #not- forms)", name);
      goto done;
    }
    if (argc < 3 && p.kind != PRED_ANY_OF) {
      rc = pred_error(r, err, start, "#%s takes a capture and one argument", name);
      goto done;
    }
    if ((p.kind == PRED_EQ || p.kind == PRED_MATCH) && argc != 3) {
      rc = pred_error(r, err, start, "#%s takes exactly two arguments", name);
      goto done;
    }
    if (argc < 3) {
      rc = pred_error(r, err, start, "#%s takes a capture and at least one string", name);
      goto done;
    }
    if (s[1].type != TSQueryPredicateStepTypeCapture) {
      rc = pred_error(r, err, start, "the first argument of #%s must be a capture", name);
      goto done;
    }
    p.capture = s[1].value_id;
    if (p.kind == PRED_EQ) {
      if (s[2].type == TSQueryPredicateStepTypeCapture) {
        p.other_is_capture = true;
        p.other_capture = s[2].value_id;
      } else {
        p.str = ts_query_string_value_for_id(self->query, s[2].value_id, &p.str_len);
      }
    } else if (p.kind == PRED_MATCH) {
      if (s[2].type != TSQueryPredicateStepTypeString) {
        rc = pred_error(r, err, start, "the second argument of #%s must be a string", name);
        goto done;
      }
      uint32_t rlen;
      const char *re = ts_query_string_value_for_id(self->query, s[2].value_id, &rlen);
      int code;
      PCRE2_SIZE off;
      p.re = pcre2_compile((PCRE2_SPTR)re, rlen, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code, &off, NULL);
      if (!p.re) {
        PCRE2_UCHAR buf[200];
        pcre2_get_error_message(code, buf, sizeof buf);
        rc = pred_error(r, err, start, "invalid regex in #match?: %s", (const char *)buf);
        goto done;
      }
      pcre2_jit_compile(p.re, PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
    } else {
      p.n_set = argc - 2;
      p.set = ps_xcalloc(p.n_set, sizeof(char *));
      p.set_lens = ps_xcalloc(p.n_set, sizeof(uint32_t));
      for (uint32_t k = 0; k < p.n_set; k++) {
        if (s[2 + k].type != TSQueryPredicateStepTypeString) {
          free(p.set);
          free(p.set_lens);
          rc = pred_error(r, err, start, "the arguments of #%s after the capture must be strings", name);
          goto done;
        }
        p.set[k] = ts_query_string_value_for_id(self->query, s[2 + k].value_id, &p.set_lens[k]);
      }
    }
    array_push(&preds, p);
  }
done:
  info->preds = preds.items;
  info->n_preds = (uint32_t)preds.size;
  return rc;
}

int ps_queryset_new(PsQuerySet **out, const PsRule *const *rules, size_t n, PsError *err) {
  PsQuerySet *self = ps_xcalloc(1, sizeof *self);
  *out = self;
  PsBuf src = PS_BUF_INIT;
  Array(uint32_t) offsets;
  array_init(&offsets);
  for (size_t i = 0; i < n; i++) {
    array_push(&offsets, (uint32_t)src.len);
    if (rules[i]->query) {
      ps_buf_puts(&src, rules[i]->query);
      ps_buf_putc(&src, '\n');
    }
  }
  int rc = 0;
  if (src.len == 0) goto cleanup;
  uint32_t eoff;
  TSQueryError etype;
  self->query = ts_query_new(ps_python_language(), src.data, (uint32_t)src.len, &eoff, &etype);
  if (!self->query) {
    /* Each rule compiled alone at load time; the combination failing means
     * a clash between rules. Name the rule holding the offset. */
    size_t k = 0;
    while (k + 1 < n && offsets.items[k + 1] <= eoff) k++;
    int line, col;
    ps_rules__query_pos(rules[k], eoff - offsets.items[k], &line, &col);
    rc = ps_error_set(err, PS_E_RULE, rules[k]->path, line, col,
                      "query does not compile together with the other rules (error %d)", (int)etype);
    goto cleanup;
  }
  self->n_patterns = ts_query_pattern_count(self->query);
  self->patterns = ps_xcalloc(self->n_patterns ? self->n_patterns : 1, sizeof(PatternInfo));
  for (uint32_t pi = 0; pi < self->n_patterns; pi++) {
    uint32_t at = ts_query_start_byte_for_pattern(self->query, pi);
    size_t k = 0;
    while (k + 1 < n && offsets.items[k + 1] <= at) k++;
    PatternInfo *info = &self->patterns[pi];
    info->rule = rules[k];
    info->report_capture = -1;
    uint32_t nc = ts_query_capture_count(self->query);
    for (uint32_t c = 0; c < nc; c++) {
      uint32_t len;
      const char *name = ts_query_capture_name_for_id(self->query, c, &len);
      if (len == strlen(rules[k]->report_capture) && !memcmp(name, rules[k]->report_capture, len))
        info->report_capture = (int)c;
    }
    if ((rc = compile_predicates(self, pi, offsets.items[k], err))) goto cleanup;
  }
cleanup:
  ps_buf_free(&src);
  array_free(&offsets);
  return rc;
}

void ps_queryset_delete(PsQuerySet *self) {
  if (!self) return;
  for (uint32_t i = 0; i < self->n_patterns; i++) {
    for (uint32_t k = 0; k < self->patterns[i].n_preds; k++) {
      Pred *p = &self->patterns[i].preds[k];
      pcre2_code_free(p->re);
      free(p->set);
      free(p->set_lens);
    }
    free(self->patterns[i].preds);
  }
  free(self->patterns);
  if (self->query) ts_query_delete(self->query);
  free(self);
}

const TSQuery *ps_queryset_query(const PsQuerySet *self) { return self->query; }

const char *ps_queryset_capture_name(const PsQuerySet *self, uint32_t index, uint32_t *len) {
  return ts_query_capture_name_for_id(self->query, index, len);
}

PsQueryRunner *ps_query_runner_new(const PsQuerySet *set) {
  PsQueryRunner *self = ps_xcalloc(1, sizeof *self);
  self->set = set;
  self->cursor = ts_query_cursor_new();
  /* Bounds the in-progress matches a pathological pattern can pile up
   * (sibling patterns under `module` are quadratic in its statements). */
  ts_query_cursor_set_match_limit(self->cursor, 4096);
  self->md = pcre2_match_data_create(16, NULL);
  return self;
}

void ps_query_runner_delete(PsQueryRunner *self) {
  if (!self) return;
  ts_query_cursor_delete(self->cursor);
  pcre2_match_data_free(self->md);
  free(self);
}

static bool test_node(PsQueryRunner *self, const Pred *p, TSNode n, const TSQueryMatch *m, const char *text) {
  uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
  const char *s = text + a;
  uint32_t len = b - a;
  switch (p->kind) {
    case PRED_EQ:
      if (p->other_is_capture) {
        for (uint16_t i = 0; i < m->capture_count; i++) {
          if (m->captures[i].index != p->other_capture) continue;
          TSNode o = m->captures[i].node;
          uint32_t oa = ts_node_start_byte(o), ob = ts_node_end_byte(o);
          return ob - oa == len && memcmp(text + oa, s, len) == 0;
        }
        return false;
      }
      return p->str_len == len && memcmp(p->str, s, len) == 0;
    case PRED_MATCH:
      return pcre2_match(p->re, (PCRE2_SPTR)s, len, 0, 0, self->md, NULL) >= 0;
    case PRED_ANY_OF:
      for (uint32_t k = 0; k < p->n_set; k++)
        if (p->set_lens[k] == len && memcmp(p->set[k], s, len) == 0) return true;
      return false;
  }
  return false;
}

static bool predicates_hold(PsQueryRunner *self, const PatternInfo *info, const TSQueryMatch *m, const char *text) {
  for (uint32_t k = 0; k < info->n_preds; k++) {
    const Pred *p = &info->preds[k];
    for (uint16_t i = 0; i < m->capture_count; i++) {
      if (m->captures[i].index != p->capture) continue;
      if (test_node(self, p, m->captures[i].node, m, text) == p->negate) return false;
    }
  }
  return true;
}

typedef struct Budget {
  struct timespec deadline;
  unsigned calls;
  bool expired;
} Budget;

static bool over_budget(TSQueryCursorState *state) {
  Budget *b = state->payload;
  if (++b->calls % 256) return false; /* the clock is read every 256 steps */
  struct timespec now;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  if (now.tv_sec > b->deadline.tv_sec || (now.tv_sec == b->deadline.tv_sec && now.tv_nsec >= b->deadline.tv_nsec))
    b->expired = true;
  if (ps_memory_over_budget()) b->expired = true; /* the engine reports which */
  return b->expired;
}

int ps_query_runner_exec(PsQueryRunner *self, TSNode root, const char *text, uint64_t budget_us,
                         void (*on_match)(void *ctx, const PsQueryMatch *m), void *ctx) {
  const PsQuerySet *set = self->set;
  if (!set->query) return 0;
  Budget b = {{0, 0}, 0, false};
  /* tree-sitter keeps a pointer to the options during the whole cursor
   * run: they must live as long as the loop below. */
  TSQueryCursorOptions opts = {.payload = &b, .progress_callback = over_budget};
  if (budget_us) {
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b.deadline);
    b.deadline.tv_sec += (time_t)(budget_us / 1000000);
    b.deadline.tv_nsec += (long)(budget_us % 1000000) * 1000;
    if (b.deadline.tv_nsec >= 1000000000L) b.deadline.tv_sec++, b.deadline.tv_nsec -= 1000000000L;
    ts_query_cursor_exec_with_options(self->cursor, set->query, root, &opts);
  } else {
    ts_query_cursor_exec(self->cursor, set->query, root);
  }
  TSQueryMatch m;
  while (ts_query_cursor_next_match(self->cursor, &m)) {
    const PatternInfo *info = &set->patterns[m.pattern_index];
    if (!predicates_hold(self, info, &m, text)) continue;
    if (m.capture_count == 0) continue;
    TSNode report = m.captures[0].node;
    for (uint16_t i = 0; i < m.capture_count; i++)
      if ((int)m.captures[i].index == info->report_capture) {
        report = m.captures[i].node;
        break;
      }
    PsQueryMatch qm = {info->rule, report, m.captures, m.capture_count};
    on_match(ctx, &qm);
  }
  return b.expired || ts_query_cursor_did_exceed_match_limit(self->cursor) ? PS_E_LIMIT : 0;
}
