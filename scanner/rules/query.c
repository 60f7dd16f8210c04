/* query.c: every enabled rule's patterns in one TSQuery, with a
 * pattern -> rule table and predicates compiled once into typed tables.
 *
 * tree-sitter leaves text predicates to the client: the runtime returns
 * matches and this file filters them. Predicates supported: #eq?, #match?
 * (PCRE2, JIT when available), #any-of?, and their #not- forms. Quantified
 * captures pass only when every captured node passes; a capture that is
 * absent from the match (optional pattern) passes.
 */
#include <stdio.h>
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
  PsRegex *re;            /* match */
  const char **set;       /* any-of: literals (owned by the TSQuery) */
  uint32_t *set_lens;
  uint32_t n_set;
} Pred;

typedef struct PatternInfo {
  const PsRule *rule;
  Pred *preds;
  uint32_t n_preds;
  int report_capture; /* capture id or -1 */
  unsigned raises;    /* PS_RAISES_*: `(#raises! "AttributeError")` */
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
  PsRegexRunner *re;     /* the worker's (borrowed), or created when a #match? first runs */
  bool owns_re;
  PsQueryStatus status;  /* of the last exec */
};

/* ---- regular expressions ----------------------------------------------------- */

/* PCRE2 has no timeout, and its match limit counts steps per start position:
 * a regex like `(\w+)*@` stays under the limit at every position of a long
 * text and still runs for minutes. So every regex compiled here starts with
 * a callout, called at each start position the matcher tries, which reads
 * the thread's CPU clock every CALLOUT_CLOCK_EVERY calls (a call costs at
 * most PS_REGEX_MATCH_LIMIT steps, a few milliseconds). */
#define CALLOUT_CLOCK_EVERY 8

struct PsRegexRunner {
  pcre2_match_data *md;
  pcre2_match_context *mc;
  pcre2_jit_stack *jit;
  struct timespec deadline;
  bool has_deadline;
  unsigned calls;
  uint64_t quiet_until; /* CLOCK_MONOTONIC ns before which the deadline cannot have passed */
};

static uint64_t ns_of(const struct timespec *t) { return (uint64_t)t->tv_sec * 1000000000u + (uint64_t)t->tv_nsec; }

/* Whether the thread's CPU clock has reached the deadline. Reading that
 * clock is a system call; the monotonic clock is not (vDSO), and a
 * thread's CPU time never grows faster than it: after a reading that
 * leaves R ns of budget, the CPU clock is read again only once R ns have
 * passed on the monotonic clock. Same answers, far fewer system calls. */
static bool clock_passed(const struct timespec *deadline, uint64_t *quiet_until) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  uint64_t wall = ns_of(&now);
  if (wall < *quiet_until) return false;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  uint64_t cpu = ns_of(&now), end = ns_of(deadline);
  if (cpu >= end) return true;
  *quiet_until = wall + (end - cpu);
  return false;
}

static int on_callout(pcre2_callout_block *block, void *data) {
  (void)block;
  PsRegexRunner *self = data;
  if (!self->has_deadline || ++self->calls % CALLOUT_CLOCK_EVERY) return 0;
  return clock_passed(&self->deadline, &self->quiet_until) ? PS_REGEX_E_TIMEOUT : 0;
}

/* Leading option settings such as (*UTF) or (*LIMIT_MATCH=9) must stay at
 * the very start of a pattern: their length. */
static size_t leading_verbs(const char *re, size_t len) {
  size_t at = 0;
  while (at + 2 < len && re[at] == '(' && re[at + 1] == '*') {
    size_t k = at + 2;
    while (k < len && ((re[k] >= 'A' && re[k] <= 'Z') || (re[k] >= '0' && re[k] <= '9') || re[k] == '_' ||
                       re[k] == '='))
      k++;
    if (k >= len || re[k] != ')') break;
    at = k + 1;
  }
  return at;
}

PsRegex *ps_regex_compile(const char *re, size_t len, char *err, size_t cap) {
  int code;
  PCRE2_SIZE off;
  const uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
  /* The pattern as written decides validity: wrapped in a group, a stray
   * `)` or a trailing `\` could compile as something else. */
  pcre2_code *plain = pcre2_compile((PCRE2_SPTR)re, len, opts, &code, &off, NULL);
  if (!plain) {
    PCRE2_UCHAR buf[200];
    pcre2_get_error_message(code, buf, sizeof buf);
    if (cap) snprintf(err, cap, "%s", (const char *)buf);
    return NULL;
  }
  size_t lead = leading_verbs(re, len);
  PsBuf b = PS_BUF_INIT;
  ps_buf_append(&b, re, lead);
  ps_buf_puts(&b, "(?C1)(?:");
  ps_buf_append(&b, re + lead, len - lead);
  ps_buf_puts(&b, ")");
  pcre2_code *wrapped = pcre2_compile((PCRE2_SPTR)b.data, b.len, opts, &code, &off, NULL);
  ps_buf_free(&b);
  /* Only (?x) comments can tell the two apart (a `#` comment swallows the
   * closing parenthesis); such a regex goes without its callout. */
  pcre2_code *out = wrapped ? wrapped : plain;
  if (wrapped) pcre2_code_free(plain);
  pcre2_jit_compile(out, PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
  return out;
}

void ps_regex_free(PsRegex *re) { pcre2_code_free(re); }

PsRegexRunner *ps_regex_runner_new(void) {
  PsRegexRunner *self = ps_xcalloc(1, sizeof *self);
  self->md = pcre2_match_data_create(1, NULL);
  self->mc = pcre2_match_context_create(NULL);
  if (!self->md || !self->mc) {
    fputs("pyshift: out of memory\n", stderr);
    abort();
  }
  /* The default JIT stack (32 KiB) overflows on a line of a few thousand
   * characters for a pattern like `import(?:[^\n]|\\.)*?cgi`. */
  self->jit = pcre2_jit_stack_create(32 * 1024, PS_REGEX_JIT_STACK_MAX, NULL);
  if (self->jit) pcre2_jit_stack_assign(self->mc, NULL, self->jit);
  pcre2_set_match_limit(self->mc, PS_REGEX_MATCH_LIMIT);
  pcre2_set_depth_limit(self->mc, PS_REGEX_MATCH_LIMIT);
  pcre2_set_heap_limit(self->mc, PS_REGEX_HEAP_LIMIT);
  pcre2_set_callout(self->mc, on_callout, self);
  return self;
}

void ps_regex_runner_delete(PsRegexRunner *self) {
  if (!self) return;
  pcre2_match_data_free(self->md);
  pcre2_match_context_free(self->mc);
  pcre2_jit_stack_free(self->jit);
  free(self);
}

void ps_regex_runner_set_deadline(PsRegexRunner *self, const struct timespec *deadline) {
  self->has_deadline = deadline != NULL;
  if (deadline) self->deadline = *deadline;
  self->quiet_until = 0;
}

int ps_regex_match(PsRegexRunner *self, const PsRegex *re, const char *s, size_t len, size_t start, size_t *m_start,
                   size_t *m_end) {
  if (self->has_deadline && clock_passed(&self->deadline, &self->quiet_until)) return PS_REGEX_E_TIMEOUT;
  int rc = pcre2_match(re, (PCRE2_SPTR)s, len, start, 0, self->md, self->mc);
  if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
    rc = pcre2_match(re, (PCRE2_SPTR)s, len, start, PCRE2_NO_JIT, self->md, self->mc);
  if (rc == PCRE2_ERROR_NOMATCH) return 0;
  if (rc < 0) return rc;
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(self->md);
  if (m_start) *m_start = ov[0];
  if (m_end) *m_end = ov[1];
  return 1;
}

void ps_regex_strerror(int rc, char *buf, size_t cap) {
  if (rc == PS_REGEX_E_TIMEOUT) {
    snprintf(buf, cap, "out of time (--file-timeout)");
    return;
  }
  /* PCRE2 truncates its message to the buffer it is given. */
  if (cap && pcre2_get_error_message(rc, (PCRE2_UCHAR *)buf, cap) == PCRE2_ERROR_BADDATA)
    snprintf(buf, cap, "pcre2 error %d", rc);
}

void ps_rules__query_pos(const PsRule *rule, uint32_t offset, int *line, int *col) {
  int l = rule->query_line, c0 = 1;
  for (uint32_t i = 0; i < offset && rule->query[i]; i++) {
    if (rule->query[i] == '\n') l++, c0 = 1;
    else c0++;
  }
  *line = l;
  *col = c0;
}

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
    if (!strcmp(name, "raises!")) {
      /* The error the pattern's use raises where the change applies: a try
       * body whose handler catches it guards the match. */
      if (argc < 2) {
        rc = pred_error(r, err, start, "%s", "#raises! takes one or more exception names");
        goto done;
      }
      for (uint32_t k = 1; k < argc; k++) {
        uint32_t el;
        const char *e = s[k].type == TSQueryPredicateStepTypeString ? ts_query_string_value_for_id(self->query, s[k].value_id, &el) : "";
        if (!strcmp(e, "AttributeError")) info->raises |= PS_RAISES_ATTRIBUTE_ERROR;
        else if (!strcmp(e, "TypeError")) info->raises |= PS_RAISES_TYPE_ERROR;
        else if (!strcmp(e, "ImportError")) info->raises |= PS_RAISES_IMPORT_ERROR;
        else {
          rc = pred_error(r, err, start, "#raises! `%s`: expected AttributeError, TypeError or ImportError", e);
          goto done;
        }
      }
      continue;
    }
    Pred p = {0};
    const char *base = name;
    if (!strncmp(name, "not-", 4)) p.negate = true, base = name + 4;
    if (!strcmp(base, "eq?")) p.kind = PRED_EQ;
    else if (!strcmp(base, "match?")) p.kind = PRED_MATCH;
    else if (!strcmp(base, "any-of?")) p.kind = PRED_ANY_OF;
    else {
      rc = pred_error(r, err, start, "unknown predicate #%s (supported: #eq?, #match?, #any-of?, their #not- forms, and #raises!)", name);
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
      char buf[200];
      p.re = ps_regex_compile(re, rlen, buf, sizeof buf);
      if (!p.re) {
        rc = pred_error(r, err, start, "invalid regex in #match?: %s", buf);
        goto done;
      }
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
      ps_regex_free(p->re);
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
   * (sibling patterns under `module` are quadratic in its statements). The
   * cursor checks its budget only every 100 steps, and a step costs up to
   * the square of this: 4096 let one step run for seconds. */
  ts_query_cursor_set_match_limit(self->cursor, PS_QUERY_MATCH_LIMIT);
  return self;
}

void ps_query_runner_delete(PsQueryRunner *self) {
  if (!self) return;
  ts_query_cursor_delete(self->cursor);
  if (self->owns_re) ps_regex_runner_delete(self->re);
  free(self);
}

const PsQueryStatus *ps_query_runner_status(const PsQueryRunner *self) { return &self->status; }

void ps_query_runner_set_regex(PsQueryRunner *self, PsRegexRunner *re) {
  if (self->owns_re) ps_regex_runner_delete(self->re);
  self->re = re;
  self->owns_re = false;
}

/* 1 if the predicate holds for node n, 0 if not, or a negative
 * ps_regex_match code when its regex could not decide. */
static int test_node(PsQueryRunner *self, const Pred *p, TSNode n, const TSQueryMatch *m, const char *text) {
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
        return 0;
      }
      return p->str_len == len && memcmp(p->str, s, len) == 0;
    case PRED_MATCH:
      return ps_regex_match(self->re, p->re, s, len, 0, NULL, NULL);
    case PRED_ANY_OF:
      for (uint32_t k = 0; k < p->n_set; k++)
        if (p->set_lens[k] == len && memcmp(p->set[k], s, len) == 0) return 1;
      return 0;
  }
  return 0;
}

/* A regex that cannot decide drops the match (it is neither taken nor
 * rejected as such): the status names the rule, so the file gets an error. */
static bool predicates_hold(PsQueryRunner *self, const PatternInfo *info, const TSQueryMatch *m, const char *text) {
  for (uint32_t k = 0; k < info->n_preds; k++) {
    const Pred *p = &info->preds[k];
    for (uint16_t i = 0; i < m->capture_count; i++) {
      if (m->captures[i].index != p->capture) continue;
      int r = test_node(self, p, m->captures[i].node, m, text);
      if (r == PS_REGEX_E_TIMEOUT) {
        self->status.out_of_time = true;
        return false;
      }
      if (r < 0) {
        if (!self->status.regex_rule) {
          self->status.regex_rule = info->rule;
          ps_regex_strerror(r, self->status.regex_error, sizeof self->status.regex_error);
        }
        return false;
      }
      if ((r == 1) == p->negate) return false;
    }
  }
  return true;
}

typedef struct Budget {
  struct timespec deadline;
  bool expired;
  uint64_t quiet_until; /* see clock_passed */
} Budget;

/* tree-sitter calls this every 100 cursor steps; reading the clock each
 * time costs little next to them. */
static bool over_budget(TSQueryCursorState *state) {
  Budget *b = state->payload;
  if (!b->expired && clock_passed(&b->deadline, &b->quiet_until)) b->expired = true;
  if (ps_memory_over_budget()) b->expired = true; /* the engine reports which */
  return b->expired;
}

int ps_query_runner_exec(PsQueryRunner *self, TSNode root, const char *text, uint64_t budget_us,
                         void (*on_match)(void *ctx, const PsQueryMatch *m), void *ctx) {
  const PsQuerySet *set = self->set;
  memset(&self->status, 0, sizeof self->status);
  if (!set->query) return 0;
  Budget b = {{0, 0}, false, 0};
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
  if (self->re) ps_regex_runner_set_deadline(self->re, budget_us ? &b.deadline : NULL);
  TSQueryMatch m;
  while (ts_query_cursor_next_match(self->cursor, &m)) {
    const PatternInfo *info = &set->patterns[m.pattern_index];
    if (info->n_preds && !self->re) {
      self->re = ps_regex_runner_new();
      self->owns_re = true;
      ps_regex_runner_set_deadline(self->re, budget_us ? &b.deadline : NULL);
    }
    if (!predicates_hold(self, info, &m, text)) continue;
    if (m.capture_count == 0) continue;
    TSNode report = m.captures[0].node;
    for (uint16_t i = 0; i < m.capture_count; i++)
      if ((int)m.captures[i].index == info->report_capture) {
        report = m.captures[i].node;
        break;
      }
    PsQueryMatch qm = {info->rule, report, m.captures, m.capture_count, info->raises};
    on_match(ctx, &qm);
  }
  self->status.out_of_time |= b.expired;
  self->status.match_limit = ts_query_cursor_did_exceed_match_limit(self->cursor);
  if (self->status.out_of_time || self->status.match_limit) return PS_E_LIMIT;
  return self->status.regex_rule ? PS_E_RULE : 0;
}
