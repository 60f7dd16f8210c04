/* engine.c: the per-file pipeline, shared read-only by every worker. */
#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "parse/parse.h"
#include "report/report.h"
#include "run/run_internal.h"
#include "walk/walk.h"

/* Query rules are matched in groups: each rule with its own prefilter is a
 * group gated by it (most files pass no gate, so most files see no query
 * pass at all); the rules without one share a single ungated group. */
/* A group's query is compiled when a file first needs it (most runs of a
 * few files never do; ts_query_new costs tens of milliseconds for a large
 * rule): `ready` is set under the engine's mutex once qs (or err) is. */
typedef struct QueryGroup {
  PsQuerySet *qs;
  PsRegex *gate;    /* NULL: always run */
  bool local;       /* prefilter-scope: statement: match only the statements the gate hits */
  uint32_t *words;  /* heap: one of these must occur for the gate to match (NULL: unknown) */
  size_t n_words;
  const PsRule **rules; /* heap */
  size_t n_rules;
  _Atomic bool ready;
  char *err;        /* heap: why the query does not compile, once ready */
  _Atomic bool reported;
} QueryGroup;

struct PsEngine {
  PsEngineOptions opts;
  pthread_mutex_t lazy; /* compiling query groups */
  const PsRule *const *rules;
  size_t n_rules;
  Array(QueryGroup) groups;
  Array(PsAnalysis *) analyses;
  PsRegex *prefilter;   /* the regexes with required words (see prefilter_part), or NULL */
  PsRegex *prefilter_plain; /* the regexes without, or NULL */
  bool filtering;       /* false: parse every file */
  Array(uint32_t) prefilter_words; /* one of them must occur for `prefilter` to be run */
  bool need_walk;
  unsigned needs; /* union of the analyses' PS_NEED_* */
  /* Word gates (ps_analysis_gates): the words, a hash table over them, and
   * per analysis its gates as triples of word ids. */
  Array(const char *) words;
  Array(char *) kept_words; /* heap copies of words derived from regexes */
  uint32_t *word_slots; /* word id + 1, 0 empty; word_cap entries */
  size_t word_cap;
  Array(uint32_t) gate_ids;  /* 3 per gate (UINT32_MAX: none), all analyses' gates in order */
  Array(unsigned char) gate_how; /* 3 per gate: the PS_WORD_* flags each word needs */
  Array(PsRegex *) gate_re;  /* 1 per gate, NULL if none */
  size_t *gate_start;        /* per analysis: first gate (in pairs), and */
  size_t *gate_count;        /* how many; 0: not gated */
  unsigned facts;            /* PS_FACT_* the project analyses need (0: none) */
};

/* What went wrong while scanning one file besides its findings: each
 * becomes a per-file error. */
typedef struct ScanIssues {
  PsDeadline deadline;      /* --file-timeout, over every stage */
  const char *expired_in;   /* the stage that ran out of it, or NULL */
  bool match_limit;         /* a query hit PS_QUERY_MATCH_LIMIT */
  const PsRule *regex_rule; /* the first rule whose #match? regex failed */
  char regex_error[128];
} ScanIssues;

/* A finding before positions are resolved. */
typedef struct RawFinding {
  const PsRule *rule;
  uint32_t start, end;
  char *message; /* heap */
  PsFix *fix;    /* heap, ranges hold only bytes until finish() */
} RawFinding;

struct PsScanWorker {
  const PsEngine *engine;
  PsParser *parser;
  PsQueryRunner **runners; /* one per engine group */
  const PsQuerySet *current_qs; /* the group being matched, for captures */
  PsWalker *walker;
  PsSummary summary;
  PsArena *arena;
  PsRegexRunner *re;   /* prefilters and gates (error: admit, never reject) */
  Array(RawFinding) raw;
  uint32_t *raw_slots; /* hash of raw (rule, range, message): index + 1, 0 empty */
  size_t raw_cap;      /* 0 or a power of two, at least twice raw.size */
  const PsSource *src; /* the file being scanned, for capture lookups */
  uint8_t *present;    /* per engine word: seen in the text being scanned */
  Array(uint32_t) seen; /* the words set in `present`, to clear them */
  bool *active;        /* per analysis: runs on the text being scanned */
  const char *query_error; /* a query group failed to compile on this file */
  PsFileFacts *facts;      /* the scanned file's facts, for the project stage */
  PsFileFacts *facts_last; /* those of the text run_rules saw last (fix rounds) */
};

/* ---- word gates ------------------------------------------------------------------ */

/* The id of a word, or UINT32_MAX. */
static uint32_t word_find(const PsEngine *e, const char *p, size_t n) {
  if (!e->word_cap) return UINT32_MAX;
  for (size_t i = (size_t)ps_hash_bytes(p, n) & (e->word_cap - 1);; i = (i + 1) & (e->word_cap - 1)) {
    uint32_t v = e->word_slots[i];
    if (!v) return UINT32_MAX;
    const char *w = e->words.items[v - 1];
    if (!strncmp(w, p, n) && w[n] == '\0') return v - 1;
  }
}

static void word_table_build(PsEngine *e) {
  size_t cap = 16;
  while (cap < e->words.size * 2 + 2) cap *= 2;
  free(e->word_slots);
  e->word_slots = ps_xcalloc(cap, sizeof(uint32_t));
  e->word_cap = cap;
  for (size_t k = 0; k < e->words.size; k++) {
    const char *w = e->words.items[k];
    size_t i = (size_t)ps_hash_bytes(w, strlen(w)) & (cap - 1);
    while (e->word_slots[i]) i = (i + 1) & (cap - 1);
    e->word_slots[i] = (uint32_t)k + 1;
  }
}

static uint32_t word_intern(PsEngine *e, const char *w) {
  if (!w) return UINT32_MAX;
  uint32_t id = word_find(e, w, strlen(w));
  if (id != UINT32_MAX) return id;
  array_push(&e->words, w);
  word_table_build(e); /* configuration time only: rebuilding is fine */
  return (uint32_t)e->words.size - 1;
}

static bool word_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

/* Marks the engine words that occur in text as whole identifiers, with how
 * they occur (PS_WORD_*): after a `.` or in an import statement (MEMBER),
 * followed by a single `=` (KEYWORD). Import statements are tracked
 * roughly (erring on the side of admitting): from a statement whose first
 * word is `import` or `from` (at a line start, after `;` or `:`) to the end
 * of the logical line (open brackets and backslashes continue it). Returns
 * true if some gated analysis is admitted; fills w->active for every
 * analysis (ungated ones are always active). */
static bool gate_analyses(PsScanWorker *w, const char *text, size_t len) {
  const PsEngine *e = w->engine;
  for (size_t i = 0; i < w->seen.size; i++) w->present[w->seen.items[i]] = 0;
  array_clear(&w->seen);
  if (e->words.size) {
    bool line_start = true, in_import = false;
    int depth = 0;
    for (size_t i = 0; i < len;) {
      unsigned char c = (unsigned char)text[i];
      if (c == '\n') {
        size_t p = i;
        while (p > 0 && text[p - 1] == '\r') p--;
        if (depth <= 0 && !(p > 0 && text[p - 1] == '\\')) in_import = false, depth = 0;
        line_start = true;
        i++;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
        i++;
        continue;
      }
      if (!word_char(c) || (c >= '0' && c <= '9')) {
        if (in_import) depth += c == '(' ? 1 : c == ')' ? -1 : 0;
        /* `a; import b` and `if x: import b` start a statement too. */
        line_start = c == ';' || c == ':';
        i++;
        continue;
      }
      size_t j = i;
      while (j < len && word_char((unsigned char)text[j])) j++;
      size_t n = j - i;
      if (line_start && ((n == 6 && !memcmp(text + i, "import", 6)) || (n == 4 && !memcmp(text + i, "from", 4))))
        in_import = true;
      line_start = false;
      uint32_t id = word_find(e, text + i, n);
      if (id != UINT32_MAX) {
        unsigned char how = PS_WORD_ANY;
        size_t b = i;
        while (b > 0 && (text[b - 1] == ' ' || text[b - 1] == '\t')) b--;
        if (in_import || (b > 0 && text[b - 1] == '.')) how |= PS_WORD_MEMBER;
        size_t a = j;
        while (a < len && (text[a] == ' ' || text[a] == '\t')) a++;
        if (a < len && text[a] == '=' && (a + 1 >= len || text[a + 1] != '=')) how |= PS_WORD_KEYWORD;
        if (!w->present[id]) array_push(&w->seen, id);
        w->present[id] |= how;
      }
      i = j;
    }
  }
  bool any = false;
  for (size_t a = 0; a < e->analyses.size; a++) {
    bool on = e->gate_count[a] == 0 || e->opts.no_prefilter;
    for (size_t g = 0; g < e->gate_count[a] && !on; g++) {
      const uint32_t *ids = &e->gate_ids.items[3 * (e->gate_start[a] + g)];
      const unsigned char *how = &e->gate_how.items[3 * (e->gate_start[a] + g)];
      on = true;
      for (int k = 0; k < 3 && on; k++) on = ids[k] == UINT32_MAX || (w->present[ids[k]] & how[k]);
      const PsRegex *re = e->gate_re.items[e->gate_start[a] + g];
      if (on && re) on = ps_regex_match(w->re, re, text, len, 0, NULL, NULL) != 0; /* an error admits */
    }
    w->active[a] = on;
    if (on && e->gate_count[a]) any = true;
  }
  return any;
}

/* word_intern for a transient string: the engine keeps a copy. */
static uint32_t intern_copy(PsEngine *e, const char *w) {
  uint32_t id = word_find(e, w, strlen(w));
  if (id != UINT32_MAX) return id;
  char *copy = ps_xstrdup(w);
  array_push(&e->kept_words, copy);
  return word_intern(e, copy);
}

/* Adds a prefilter regex: to the worded part if every match must contain
 * one of its derivable words (ps_regex_required_words), else to the plain
 * part that runs on every file. */
static void prefilter_part(PsEngine *e, PsBuf *worded, PsBuf *plain, const char *re) {
  char **words = ps_regex_required_words(re);
  PsBuf *into = words ? worded : plain;
  ps_buf_printf(into, "%s(?:%s)", into->len ? "|" : "", re);
  for (char **w = words; w && *w; w++) {
    uint32_t id = intern_copy(e, *w);
    bool seen = false;
    for (size_t i = 0; i < e->prefilter_words.size && !seen; i++) seen = e->prefilter_words.items[i] == id;
    if (!seen) array_push(&e->prefilter_words, id);
  }
  ps_regex_words_free(words);
}

static bool any_word(const PsScanWorker *w, const uint32_t *ids, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (w->present[ids[i]]) return true;
  return false;
}

static PsRegex *compile_prefilter(const PsBuf *b, PsError *err, int *rc) {
  if (!b->len) return NULL;
  char buf[200];
  PsRegex *re = ps_regex_compile(b->data, b->len, buf, sizeof buf);
  if (!re) *rc = ps_error_set(err, PS_E_RULE, "", 0, 0, "combined prefilter does not compile: %s", buf);
  return re;
}

int ps_engine_new(PsEngine **out, const PsRule *const *rules, size_t n, const PsEngineOptions *opts,
                  PsError *err) {
  PsEngine *self = ps_xcalloc(1, sizeof *self);
  *out = self;
  self->opts = *opts;
  self->rules = rules;
  self->n_rules = n;
  pthread_mutex_init(&self->lazy, NULL);
  if (opts->parse_only) return 0;
  int rc = 0;
  {
    Array(const PsRule *) ungated;
    array_init(&ungated);
    for (size_t i = 0; i < n && !rc; i++) {
      if (!rules[i]->query) continue;
      if (!rules[i]->prefilter || opts->no_prefilter) {
        array_push(&ungated, rules[i]);
        continue;
      }
      QueryGroup g = {0};
      g.local = rules[i]->prefilter_statement;
      g.rules = ps_xmalloc(sizeof(PsRule *));
      g.rules[0] = rules[i];
      g.n_rules = 1;
      g.gate = ps_regex_compile(rules[i]->prefilter, strlen(rules[i]->prefilter), NULL, 0);
      array_push(&self->groups, g);
    }
    if (ungated.size) {
      QueryGroup g = {0};
      g.rules = ungated.items; /* the group takes the array */
      g.n_rules = ungated.size;
      array_push(&self->groups, g);
    } else {
      array_free(&ungated);
    }
    /* Rules checked at load compile now, so a broken user rule is an error
     * before any file is scanned; trusted (built-in) ones when needed. */
    for (size_t i = 0; i < self->groups.size && !rc; i++) {
      QueryGroup *g = &self->groups.items[i];
      bool trusted = false;
      for (size_t k = 0; k < g->n_rules; k++) trusted |= g->rules[k]->query_unchecked;
      if (trusted) continue;
      rc = ps_queryset_new(&g->qs, g->rules, g->n_rules, err);
      atomic_store(&g->ready, true);
    }
    if (rc) return rc;
  }
  PsBuf pre = PS_BUF_INIT, plain = PS_BUF_INIT;
  bool every_file = opts->no_prefilter;
  for (size_t i = 0; i < n; i++) {
    const PsRule *r = rules[i];
    if (r->analysis) {
      PsAnalysis *a;
      if ((rc = ps_analysis_new(&a, r, opts->target, opts->min_python, err))) goto cleanup;
      if (ps_analysis_is_empty(a)) {
        ps_analysis_delete(a);
        continue;
      }
      array_push(&self->analyses, a);
      self->need_walk = true;
      self->needs |= ps_analysis_needs(a);
      self->facts |= ps_analysis_facts(a);
      /* A project analysis is admitted by its fact gates too: the files
       * whose facts its join needs. */
      const PsWordGate *gates0, *fgates;
      size_t ng0 = ps_analysis_gates(a, &gates0), nf = ps_analysis_fact_gates(a, &fgates);
      PsWordGate *gates_buf = ps_xcalloc(ng0 + nf + 1, sizeof(PsWordGate));
      if (ng0) memcpy(gates_buf, gates0, ng0 * sizeof(PsWordGate));
      if (nf) memcpy(gates_buf + ng0, fgates, nf * sizeof(PsWordGate));
      const PsWordGate *gates = gates_buf;
      size_t ng = ng0 + nf;
      self->gate_start = ps_xrealloc(self->gate_start, self->analyses.size * sizeof(size_t));
      self->gate_count = ps_xrealloc(self->gate_count, self->analyses.size * sizeof(size_t));
      self->gate_start[self->analyses.size - 1] = self->gate_ids.size / 3;
      self->gate_count[self->analyses.size - 1] = ng;
      for (size_t g = 0; g < ng; g++) {
        for (int k = 0; k < 3; k++) {
          array_push(&self->gate_ids, word_intern(self, gates[g].w[k]));
          array_push(&self->gate_how, (unsigned char)(gates[g].how[k] ? gates[g].how[k] : PS_WORD_ANY));
        }
        PsRegex *re = NULL;
        if (gates[g].re) {
          re = ps_regex_compile(gates[g].re, strlen(gates[g].re), NULL, 0);
          if (!re) {
            rc = ps_error_set(err, PS_E_RULE, r->path, 0, 0, "word gate regex `%s` does not compile", gates[g].re);
            free(gates_buf);
            goto cleanup;
          }
        }
        array_push(&self->gate_re, re);
      }
      free(gates_buf);
      if (ng) continue; /* admitted by its word gates, not by the regex */
      const char *p = ps_analysis_prefilter(a);
      if (!p) every_file = true;
      else prefilter_part(self, &pre, &plain, p);
    }
    if (r->query) {
      if (!r->prefilter) every_file = true;
      else prefilter_part(self, &pre, &plain, r->prefilter);
    }
  }
  /* Each gated query group: the words its regex needs. */
  for (size_t i = 0; i < self->groups.size; i++) {
    QueryGroup *g = &self->groups.items[i];
    if (!g->gate) continue;
    char **words = ps_regex_required_words(g->rules[0]->prefilter);
    for (char **wd = words; wd && *wd; wd++) {
      g->words = ps_xrealloc(g->words, (g->n_words + 1) * sizeof(uint32_t));
      g->words[g->n_words++] = intern_copy(self, *wd);
    }
    ps_regex_words_free(words);
  }
  if (!every_file) {
    /* With no rule at all nothing needs parsing: both parts stay NULL. */
    self->filtering = true;
    self->prefilter = compile_prefilter(&pre, err, &rc);
    if (!rc) self->prefilter_plain = compile_prefilter(&plain, err, &rc);
    if (rc) goto cleanup;
  }
cleanup:
  ps_buf_free(&plain);
  ps_buf_free(&pre);
  return rc;
}

void ps_engine_delete(PsEngine *self) {
  if (!self) return;
  for (size_t i = 0; i < self->groups.size; i++) {
    ps_queryset_delete(self->groups.items[i].qs);
    ps_regex_free(self->groups.items[i].gate);
    free(self->groups.items[i].rules);
    free(self->groups.items[i].words);
    free(self->groups.items[i].err);
  }
  pthread_mutex_destroy(&self->lazy);
  array_free(&self->groups);
  for (size_t i = 0; i < self->analyses.size; i++) ps_analysis_delete(self->analyses.items[i]);
  array_free(&self->analyses);
  ps_regex_free(self->prefilter);
  ps_regex_free(self->prefilter_plain);
  array_free(&self->prefilter_words);
  for (size_t i = 0; i < self->kept_words.size; i++) free(self->kept_words.items[i]);
  array_free(&self->kept_words);
  array_free(&self->words);
  free(self->word_slots);
  array_free(&self->gate_ids);
  array_free(&self->gate_how);
  for (size_t i = 0; i < self->gate_re.size; i++) ps_regex_free(self->gate_re.items[i]);
  array_free(&self->gate_re);
  free(self->gate_start);
  free(self->gate_count);
  free(self);
}

PsScanWorker *ps_scan_worker_new(const PsEngine *engine, PsError *err) {
  PsParser *p;
  if (ps_parser_new(&p, err) != 0) return NULL;
  PsScanWorker *w = ps_xcalloc(1, sizeof *w);
  w->engine = engine;
  w->parser = p;
  w->runners = ps_xcalloc(engine->groups.size + 1, sizeof(PsQueryRunner *));
  /* Runners are made when a group is first used (group_runner). */
  w->walker = ps_walker_new();
  ps_walker_set_needs(w->walker, engine->needs);
  w->present = ps_xcalloc(engine->words.size + 1, 1);
  w->active = ps_xcalloc(engine->analyses.size + 1, sizeof(bool));
  ps_summary_init(&w->summary);
  w->arena = ps_arena_new(256 * 1024);
  w->re = ps_regex_runner_new();
  return w;
}

void ps_scan_worker_delete(PsScanWorker *self) {
  if (!self) return;
  ps_parser_delete(self->parser);
  for (size_t i = 0; self->runners && i < self->engine->groups.size; i++) ps_query_runner_delete(self->runners[i]);
  free(self->runners);
  ps_walker_delete(self->walker);
  ps_summary_free(&self->summary);
  ps_arena_delete(self->arena);
  ps_regex_runner_delete(self->re);
  array_free(&self->raw);
  free(self->raw_slots);
  free(self->present);
  array_free(&self->seen);
  free(self->active);
  ps_facts_delete(self->facts);
  ps_facts_delete(self->facts_last);
  free(self);
}

/* ---- emitting ----------------------------------------------------------------- */

static void free_fix(PsFix *fix) {
  if (!fix) return;
  for (size_t i = 0; i < fix->n_edits; i++) free(fix->edits[i].text);
  free(fix->edits);
  free(fix->message);
  free(fix);
}

static uint64_t raw_hash(const PsRule *rule, uint32_t start, uint32_t end, const char *message) {
  uint64_t h = ps_hash_bytes(message, strlen(message));
  h ^= ((uint64_t)start << 32 | end) * 0x9E3779B97F4A7C15ull;
  h ^= (uint64_t)(uintptr_t)rule * 0xC2B2AE3D27D4EB4Full;
  return h ^ (h >> 29);
}

static void raw_slots_rebuild(PsScanWorker *w, size_t cap) {
  free(w->raw_slots);
  w->raw_slots = ps_xcalloc(cap, sizeof(uint32_t));
  w->raw_cap = cap;
  for (size_t i = 0; i < w->raw.size; i++) {
    const RawFinding *r = &w->raw.items[i];
    size_t k = (size_t)raw_hash(r->rule, r->start, r->end, r->message) & (cap - 1);
    while (w->raw_slots[k]) k = (k + 1) & (cap - 1);
    w->raw_slots[k] = (uint32_t)i + 1;
  }
}

static void raw_clear(PsScanWorker *w) {
  if (w->raw.size && w->raw_cap) memset(w->raw_slots, 0, w->raw_cap * sizeof(uint32_t));
  array_clear(&w->raw);
}

static void add_raw(PsScanWorker *w, const PsRule *rule, uint32_t start, uint32_t end, char *message,
                    PsFix *fix) {
  /* Identical findings (same rule, range and message) collapse: a hash
   * table, as a pathological query can match the same node thousands of
   * times. */
  if ((w->raw.size + 1) * 2 > w->raw_cap) raw_slots_rebuild(w, w->raw_cap ? w->raw_cap * 2 : 64);
  size_t k = (size_t)raw_hash(rule, start, end, message) & (w->raw_cap - 1);
  for (; w->raw_slots[k]; k = (k + 1) & (w->raw_cap - 1)) {
    RawFinding *r = &w->raw.items[w->raw_slots[k] - 1];
    if (r->rule == rule && r->start == start && r->end == end && !strcmp(r->message, message)) {
      free(message);
      free_fix(fix);
      return;
    }
  }
  RawFinding f = {rule, start, end, message, fix};
  array_push(&w->raw, f);
  w->raw_slots[k] = (uint32_t)w->raw.size;
}

/* Copies a fix spec; edits are sorted by position, their ranges hold only
 * byte offsets until finish() fills in lines and columns. */
static PsFix *copy_fix(const PsFixSpec *spec) {
  if (!spec || !spec->n_edits) return NULL;
  PsFix *fix = ps_xcalloc(1, sizeof *fix);
  fix->message = ps_xstrdup(spec->message ? spec->message : "");
  fix->safe = spec->safe;
  fix->n_edits = spec->n_edits;
  fix->edits = ps_xcalloc(spec->n_edits, sizeof(PsEdit));
  for (size_t i = 0; i < spec->n_edits; i++) {
    fix->edits[i].range.start.byte = spec->edits[i].start;
    fix->edits[i].range.end.byte = spec->edits[i].end;
    fix->edits[i].text = ps_xstrdup(spec->edits[i].text ? spec->edits[i].text : "");
  }
  qsort(fix->edits, fix->n_edits, sizeof(PsEdit), ps_fix__edit_cmp);
  return fix;
}

static void emit_vars(void *ctx, const PsRule *rule, uint32_t start, uint32_t end, const PsVar *vars,
                      size_t n_vars) {
  PsScanWorker *w = ctx;
  add_raw(w, rule, start, end, ps_analysis_message(rule, vars, n_vars), NULL);
}

static void emit_vars_fix(void *ctx, const PsRule *rule, uint32_t start, uint32_t end, const PsVar *vars,
                          size_t n_vars, const PsFixSpec *fix) {
  PsScanWorker *w = ctx;
  add_raw(w, rule, start, end, ps_analysis_message(rule, vars, n_vars), copy_fix(fix));
}

typedef struct CaptureCtx {
  PsScanWorker *w;
  const PsQueryMatch *m;
} CaptureCtx;

static const char *capture_lookup(void *ctx, const char *name, size_t len, size_t *out_len) {
  const CaptureCtx *c = ctx;
  for (uint16_t i = 0; i < c->m->n_captures; i++) {
    uint32_t nl;
    const char *cn = ps_queryset_capture_name(c->w->current_qs, c->m->captures[i].index, &nl);
    if (nl == len && !memcmp(cn, name, len)) {
      uint32_t tl;
      const char *t = ps_source_node_text(c->w->src, c->m->captures[i].node, &tl);
      *out_len = tl;
      return t;
    }
  }
  return NULL;
}

/* The description of a `fix:` without `fix-message:`. */
static char *default_fix_message(const char *text) {
  size_t n = strlen(text);
  if (!n) return ps_xstrdup("Remove it");
  if (n <= 60 && !strpbrk(text, "\r\n`")) return ps_xasprintf("Replace with `%s`", text);
  return ps_xstrdup("Rewrite it");
}

static void on_match(void *ctx, const PsQueryMatch *m) {
  PsScanWorker *w = ctx;
  CaptureCtx c = {w, m};
  uint32_t start = ts_node_start_byte(m->report), end = ts_node_end_byte(m->report);
  PsFix *fix = NULL;
  if (m->rule->fix) {
    /* The rendering replaces the report capture's text. A capture the
     * template names but this match lacks (an optional one) means no fix. */
    char *text = ps_template_render_exact(m->rule->fix, capture_lookup, &c);
    if (text) {
      char *msg = m->rule->fix_message ? ps_template_render(m->rule->fix_message, capture_lookup, &c)
                                       : default_fix_message(text);
      PsByteEdit edit = {start, end, text};
      PsFixSpec spec = {msg, &edit, 1, !m->rule->fix_unsafe};
      fix = copy_fix(&spec);
      free(msg);
      free(text);
    }
  }
  add_raw(w, m->rule, start, end, ps_template_render(m->rule->meta.message, capture_lookup, &c), fix);
}

/* ---- suppressions --------------------------------------------------------------- */

typedef struct LineDirective {
  uint32_t line;
  PsSuppressDirective d;
} LineDirective;

/* The smallest node holding byte `off`, as ts_node_descendant_for_byte_range
 * finds it, for ascending offsets: the cursor only moves forward (to later
 * siblings, up, into children), so a file costs one walk of its tree however
 * many offsets are looked up, not a descent from the root each. */
static TSNode node_at(TSTreeCursor *cur, uint32_t off) {
  TSNode null = {0};
  for (;;) {
    TSNode n = ts_tree_cursor_current_node(cur);
    if (ts_node_start_byte(n) <= off && off < ts_node_end_byte(n)) break;
    if (ts_node_start_byte(n) > off) return null; /* between nodes */
    if (ts_tree_cursor_goto_next_sibling(cur)) continue;
    if (!ts_tree_cursor_goto_parent(cur)) return null; /* past the root */
  }
  for (;;) {
    TSNode n = ts_tree_cursor_current_node(cur);
    if (!ts_node_child_count(n) || ts_tree_cursor_goto_first_child_for_byte(cur, off) < 0) return n;
    TSNode c = ts_tree_cursor_current_node(cur);
    if (ts_node_start_byte(c) > off) {
      ts_tree_cursor_goto_parent(cur);
      return n;
    }
  }
}

/* Collects suppression directives from every comment that may hold one:
 * each '#' is looked up in the tree, so '#' inside strings never counts.
 * Only called for files with findings. */
static void collect_directives(const PsSource *src, LineDirective **out, size_t *n_out) {
  Array(LineDirective) dirs;
  array_init(&dirs);
  TSTreeCursor cur = ts_tree_cursor_new(ts_tree_root_node(src->tree));
  TSSymbol comment = ts_language_symbol_for_name(ps_python_language(), "comment", 7, true);
  const char *p = src->text, *end = src->text + src->len;
  while (p < end) {
    const char *hash = memchr(p, '#', (size_t)(end - p));
    if (!hash) break;
    uint32_t off = (uint32_t)(hash - src->text);
    TSNode n = node_at(&cur, off);
    if (ts_node_is_null(n) || ts_node_symbol(n) != comment || ts_node_start_byte(n) != off) {
      p = hash + 1;
      continue;
    }
    uint32_t cl;
    const char *ct = ps_source_node_text(src, n, &cl);
    PsSuppressDirective d[2];
    int nd = ps_suppress_parse(ct, cl, d);
    uint32_t line = ps_source_pos(src, off).line;
    for (int i = 0; i < nd; i++) array_push(&dirs, ((LineDirective){line, d[i]}));
    p = src->text + ts_node_end_byte(n);
  }
  ts_tree_cursor_delete(&cur);
  *out = dirs.items;
  *n_out = dirs.size;
}

/* The directives of a file, for lookups per finding: line directives in
 * line order (as collected), file directives apart, with their verdict per
 * rule cached (a file may hold thousands of both). */
typedef struct Directives {
  const LineDirective *lines;
  size_t n_lines;
  Array(const PsSuppressDirective *) file;
  Array(const PsRule *) file_checked; /* rules whose file-level verdict is known */
  Array(bool) file_verdict;
} Directives;

static bool suppressed(Directives *ds, uint32_t line, const PsRule *rule) {
  const char *id = rule->meta.id;
  size_t k = 0;
  for (; k < ds->file_checked.size && ds->file_checked.items[k] != rule; k++) {}
  if (k == ds->file_checked.size) {
    bool v = false;
    for (size_t i = 0; i < ds->file.size && !v; i++) v = ps_suppress_covers(ds->file.items[i], id);
    array_push(&ds->file_checked, rule);
    array_push(&ds->file_verdict, v);
  }
  if (ds->file_verdict.items[k]) return true;
  size_t lo = 0, hi = ds->n_lines; /* first directive on `line` */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (ds->lines[mid].line < line) lo = mid + 1;
    else hi = mid;
  }
  for (; lo < ds->n_lines && ds->lines[lo].line == line; lo++)
    if (ds->lines[lo].d.kind == PS_SUPPRESS_LINE && ps_suppress_covers(&ds->lines[lo].d, id)) return true;
  return false;
}

/* Positions of many byte offsets of one text: sorted and resolved in one
 * sweep, each from the previous one on its line (ps_source_pos decodes from
 * the line start, which is quadratic for many findings on one long line). */
typedef struct PosMap {
  uint32_t *bytes; /* sorted, unique */
  PsPos *pos;
  size_t n;
} PosMap;

static int u32_cmp(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static void posmap_build(PosMap *m, const PsSource *src, uint32_t *bytes, size_t n) {
  if (n) qsort(bytes, n, sizeof *bytes, u32_cmp);
  size_t u = 0;
  for (size_t i = 0; i < n; i++)
    if (!u || bytes[u - 1] != bytes[i]) bytes[u++] = bytes[i];
  m->bytes = bytes;
  m->n = u;
  m->pos = ps_xmalloc((u ? u : 1) * sizeof(PsPos));
  const unsigned char *t = (const unsigned char *)src->text;
  for (size_t i = 0; i < u; i++) {
    uint32_t b = bytes[i] > src->len ? (uint32_t)src->len : bytes[i];
    PsPos *prev = i ? &m->pos[i - 1] : NULL;
    uint32_t line_end = prev && prev->line < src->n_lines ? src->line_starts[prev->line] : (uint32_t)src->len;
    /* Continue from the previous offset when it is on this line at a
     * character start; otherwise start over. */
    if (!prev || b >= line_end || prev->byte > b || (prev->byte < src->len && (t[prev->byte] & 0xC0) == 0x80)) {
      m->pos[i] = ps_source_pos(src, b);
      continue;
    }
    PsPos p = *prev;
    for (uint32_t k = p.byte; k < b;) {
      uint32_t cp;
      size_t len = ps_utf8_decode(t + k, b - k, &cp);
      if (len == 1 && t[k] >= 0x80) { /* as ps_source_pos: a split sequence */
        k++;
        continue;
      }
      p.col++;
      p.col16 += cp >= 0x10000 ? 2 : 1;
      k += (uint32_t)len;
    }
    p.byte = b;
    m->pos[i] = p;
  }
}

static PsPos posmap_get(const PosMap *m, uint32_t byte) {
  size_t lo = 0, hi = m->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (m->bytes[mid] < byte) lo = mid + 1;
    else hi = mid;
  }
  assert(lo < m->n && m->bytes[lo] == byte);
  return m->pos[lo];
}

static bool per_file_ignored(const PsEngine *e, const char *path, const char *id) {
  for (size_t i = 0; i < e->opts.n_per_file_ignores; i++) {
    const PsPerFileIgnore *p = &e->opts.per_file_ignores[i];
    if (!ps_glob_match(p->glob, path)) continue;
    for (size_t k = 0; k < p->ids.size; k++)
      if (ps_selector_matches(p->ids.items[k], id)) return true;
  }
  return false;
}

/* ---- the pipeline --------------------------------------------------------------- */

static void add_error(PsFileResult *r, char *msg) {
  r->errors = ps_xrealloc(r->errors, (r->n_errors + 1) * sizeof(char *));
  r->errors[r->n_errors++] = msg;
}

/* Bytes of source lines the findings of one file may copy. */
#define SOURCE_LINES_MAX ((size_t)4 << 20)

/* Turns the raw findings into final ones for src: suppressions and
 * per-file-ignores applied, positions resolved, sorted. Heap array. */
static void finish(PsScanWorker *w, const char *path, const PsSource *src, PsFinding **out_fs, size_t *out_n) {
  const PsEngine *e = w->engine;
  LineDirective *dirs = NULL;
  size_t n_dirs = 0;
  if (w->raw.size) collect_directives(src, &dirs, &n_dirs);
  Directives ds = {dirs, n_dirs, {0}, {0}, {0}};
  for (size_t i = 0; i < n_dirs; i++)
    if (dirs[i].d.kind == PS_SUPPRESS_FILE) array_push(&ds.file, &dirs[i].d);
  Array(uint32_t) bytes;
  array_init(&bytes);
  for (size_t i = 0; i < w->raw.size; i++) {
    const RawFinding *r = &w->raw.items[i];
    array_push(&bytes, r->start);
    array_push(&bytes, r->end);
    for (size_t k = 0; r->fix && k < r->fix->n_edits; k++) {
      array_push(&bytes, r->fix->edits[k].range.start.byte);
      array_push(&bytes, r->fix->edits[k].range.end.byte);
    }
  }
  PosMap pm;
  posmap_build(&pm, src, bytes.items, bytes.size);
  size_t line_bytes = 0;
  Array(PsFinding) out;
  array_init(&out);
  for (size_t i = 0; i < w->raw.size; i++) {
    RawFinding *r = &w->raw.items[i];
    PsPos start = posmap_get(&pm, r->start);
    if (suppressed(&ds, start.line, r->rule) || per_file_ignored(e, path, r->rule->meta.id)) {
      free(r->message);
      free_fix(r->fix);
      continue;
    }
    PsFinding f = {0};
    f.rule = &r->rule->meta;
    f.severity = r->rule->meta.severity;
    f.range.start = start;
    f.range.end = posmap_get(&pm, r->end);
    f.message = r->message;
    if ((f.fix = r->fix))
      for (size_t k = 0; k < f.fix->n_edits; k++) {
        f.fix->edits[k].range.start = posmap_get(&pm, f.fix->edits[k].range.start.byte);
        f.fix->edits[k].range.end = posmap_get(&pm, f.fix->edits[k].range.end.byte);
      }
    uint32_t ll;
    const char *lt = ps_source_line(src, start.line, &ll);
    /* Each finding holds a copy of its line (for --show-source): 12,000
     * findings on one 144 KB line would take 1.7 GB. Past a total, the
     * findings go without (they are reported, without the excerpt). */
    if (line_bytes + ll <= SOURCE_LINES_MAX) {
      f.source_line = ps_xstrndup(lt, ll);
      line_bytes += ll;
    }
    array_push(&out, f);
  }
  raw_clear(w);
  free(dirs);
  array_free(&ds.file);
  array_free(&ds.file_checked);
  array_free(&ds.file_verdict);
  array_free(&bytes);
  free(pm.pos);
  if (out.size) qsort(out.items, out.size, sizeof(PsFinding), ps_finding_cmp);
  *out_fs = out.items;
  *out_n = out.size;
}

/* GitHub hashes the file as it is on disk (BOM, encoding and invalid bytes
 * included), so the raw bytes go in, not the decoded text. */
static void add_fingerprints(PsFinding *fs, size_t n, const char *raw, size_t raw_len) {
  if (!n) return;
  unsigned *lines = ps_xmalloc(n * sizeof(unsigned));
  char **fps = ps_xcalloc(n, sizeof(char *));
  for (size_t i = 0; i < n; i++) lines[i] = fs[i].range.start.line;
  ps_fingerprint_lines(raw, raw_len, lines, n, fps);
  for (size_t i = 0; i < n; i++) {
    free(fs[i].fingerprint);
    fs[i].fingerprint = fps[i];
  }
  free(lines);
  free(fps);
}

/* The worker's runner for group i, compiling the group's query on first
 * use (once per engine, under its mutex); NULL if it does not compile. */
static PsQueryRunner *group_runner(PsScanWorker *w, size_t i) {
  if (w->runners[i]) return w->runners[i];
  PsEngine *e = (PsEngine *)w->engine; /* the lazy part: guarded by e->lazy */
  QueryGroup *g = &e->groups.items[i];
  if (!atomic_load(&g->ready)) {
    pthread_mutex_lock(&e->lazy);
    if (!atomic_load(&g->ready)) {
      PsError err;
      ps_error_clear(&err);
      if (ps_queryset_new(&g->qs, g->rules, g->n_rules, &err)) {
        ps_queryset_delete(g->qs);
        g->qs = NULL;
        g->err = ps_xasprintf("rule %s: %s", g->rules[0]->meta.id, err.msg);
      }
      atomic_store(&g->ready, true);
    }
    pthread_mutex_unlock(&e->lazy);
  }
  if (!g->qs || !ps_queryset_query(g->qs)) {
    /* Reported once per run, with the file that needed it. */
    if (g->err && !atomic_exchange(&g->reported, true)) w->query_error = g->err;
    return NULL;
  }
  w->runners[i] = ps_query_runner_new(g->qs);
  ps_query_runner_set_regex(w->runners[i], w->re); /* one JIT stack per worker */
  return w->runners[i];
}

/* The project stage's copy of this text's facts (w->facts_last): what the
 * active project analyses need from the summary, plus the file's
 * suppression directives, so joins can honour them. */
static void copy_facts(PsScanWorker *w, const PsSource *src, unsigned what) {
  const PsEngine *e = w->engine;
  bool pkg = false;
  char *module = e->opts.modules ? ps_modules_name(e->opts.modules, src->path, &pkg) : NULL;
  ps_facts_delete(w->facts_last);
  PsFileFacts *f = w->facts_last = ps_facts_new(src->path, module, pkg);
  free(module);
  ps_summary_copy_facts(&w->summary, src, what, w->arena, f);
  LineDirective *dirs;
  size_t n;
  collect_directives(src, &dirs, &n);
  for (size_t i = 0; i < n; i++) array_push(&f->suppressions, ((PsFactSuppression){dirs[i].line, dirs[i].d}));
  free(dirs);
  ps_facts_seal(f);
}

/* Notes that the budget ran out, in the first stage that saw it. */
static void expire(ScanIssues *is, const char *stage) {
  is->deadline.expired = true;
  if (!is->expired_in) is->expired_in = stage;
}

/* Runs group i's query over node `root`, folding its status into is. */
static void run_group(PsScanWorker *w, PsQueryRunner *run, const QueryGroup *g, TSNode root, ScanIssues *is) {
  w->current_qs = g->qs;
  if (!ps_query_runner_exec(run, root, w->src->text, ps_deadline_left_us(&is->deadline), on_match, w)) return;
  const PsQueryStatus *st = ps_query_runner_status(run);
  if (st->out_of_time) expire(is, "query matching");
  if (st->match_limit) is->match_limit = true;
  if (st->regex_rule && !is->regex_rule) {
    is->regex_rule = st->regex_rule;
    snprintf(is->regex_error, sizeof is->regex_error, "%s", st->regex_error);
  }
}

/* Runs the analyses and the query groups over the parsed src, collecting
 * raw findings; budget and limit troubles go to is. */
static void run_rules(PsScanWorker *w, const PsSource *src, ScanIssues *is) {
  const PsEngine *e = w->engine;
  PsDeadline *dl = &is->deadline;
  w->src = src;
  if (e->words.size) gate_analyses(w, src->text, src->len); /* `present` for this text */
  if (e->need_walk) {
    /* Only the analyses whose word gates this text passes, and only what
     * they read from the walk. */
    if (!e->words.size) gate_analyses(w, src->text, src->len);
    unsigned needs = 0;
    bool any = false;
    for (size_t i = 0; i < e->analyses.size; i++)
      if (w->active[i]) {
        needs |= ps_analysis_needs(e->analyses.items[i]);
        any = true;
      }
    if (any) {
      ps_walker_set_needs(w->walker, needs);
      ps_walker_set_deadline(w->walker, dl);
      ps_walker_summarize(w->walker, src, w->arena, &w->summary);
      ps_walker_set_deadline(w->walker, NULL); /* dl lives as long as this file's scan */
      if (ps_deadline_check(dl)) {
        expire(is, "the summary walk");
        goto done;
      }
      PsFileContext ctx = {src, &w->summary, e->opts.modules, dl};
      PsEmitter em = {emit_vars, emit_vars_fix, w};
      unsigned facts = 0;
      for (size_t i = 0; i < e->analyses.size; i++) {
        if (!w->active[i]) continue;
        ps_analysis_run(e->analyses.items[i], &ctx, &em);
        facts |= ps_analysis_facts(e->analyses.items[i]);
        if (ps_deadline_check(dl)) {
          expire(is, "the analyses");
          goto done;
        }
      }
      if (facts) copy_facts(w, src, facts);
    }
  }
  for (size_t i = 0; i < e->groups.size; i++) {
    const QueryGroup *g = &e->groups.items[i];
    if (ps_deadline_check(dl)) {
      expire(is, "query matching");
      goto done;
    }
    if (g->gate && g->words && !any_word(w, g->words, g->n_words)) continue; /* its regex cannot match */
    TSNode root = ts_tree_root_node(src->tree);
    if (g->gate && g->local) {
      /* Only the top-level statements that hold a prefilter match. */
      size_t at = 0, ms = 0, me = 0;
      int hit = 0;
      while (at <= src->len && (hit = ps_regex_match(w->re, g->gate, src->text, src->len, at, &ms, &me)) == 1) {
        TSNode st = ts_node_first_child_for_byte(root, (uint32_t)ms);
        if (ts_node_is_null(st)) break;
        PsQueryRunner *run = ts_node_start_byte(st) <= ms ? group_runner(w, i) : NULL;
        if (!run && ts_node_start_byte(st) <= ms) break; /* does not compile: reported */
        if (run) run_group(w, run, g, st, is);
        if (dl->expired) goto done;
        /* Next hit after this statement (or after the hit, between statements). */
        size_t next = ts_node_start_byte(st) <= ms ? ts_node_end_byte(st) : ms + 1;
        at = next > me ? next : (me > at ? me : at + 1);
        while (at < src->len && ((unsigned char)src->text[at] & 0xC0) == 0x80) at++; /* a character start */
      }
      if (hit >= 0 || at > src->len) continue;
      /* The gate could not decide (a PCRE2 limit): the whole file, then.
       * Statements already matched are matched again; their findings
       * collapse with the first ones. */
      if (hit == PS_REGEX_E_TIMEOUT) {
        expire(is, "query matching");
        goto done;
      }
    } else if (g->gate) {
      int hit = ps_regex_match(w->re, g->gate, src->text, src->len, 0, NULL, NULL);
      if (hit == 0) continue;
      if (hit == PS_REGEX_E_TIMEOUT) {
        expire(is, "query matching");
        goto done;
      }
      /* hit < 0: a gate admits on an error, never rejects */
    }
    PsQueryRunner *run = group_runner(w, i);
    if (!run) continue;
    run_group(w, run, g, root, is);
  }
done:
  w->src = NULL;
}

/* ---- fixing ---------------------------------------------------------------------- */

static bool applicable(const PsEngine *e, const PsFix *fix) { return fix && (fix->safe || e->opts.unsafe_fixes); }

static bool any_applicable(const PsEngine *e, const PsFinding *fs, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (applicable(e, fs[i].fix)) return true;
  return false;
}

/* One round of fixes on src's text: the new text goes to the arena. */
static size_t apply_round(const PsEngine *e, const PsSource *src, const PsFinding *fs, size_t n, PsArena *arena,
                          char **out, size_t *out_len, PsBuf *culprits) {
  PsBuf b = PS_BUF_INIT;
  size_t k = ps_fix__apply(src->text, src->len, fs, n, e->opts.unsafe_fixes, &b, culprits);
  if (k) {
    *out = ps_arena_strndup(arena, b.data, b.len);
    *out_len = b.len;
  }
  ps_buf_free(&b);
  return k;
}

/* For a file stored in an encoding other than UTF-8: the first applicable
 * fix that inserts a character the encoding cannot hold (err says which),
 * or NULL. */
static const PsFinding *unencodable_fix(const PsEngine *e, const PsSource *src, const PsFinding *fs, size_t n,
                                        PsError *err) {
  if (!strcmp(src->encoding, "utf-8")) return NULL;
  for (size_t i = 0; i < n; i++) {
    if (!applicable(e, fs[i].fix)) continue;
    for (size_t k = 0; k < fs[i].fix->n_edits; k++) {
      const char *t = fs[i].fix->edits[k].text;
      bool ascii = true;
      for (const char *c = t; *c && ascii; c++) ascii = !((unsigned char)*c & 0x80);
      if (ascii) continue;
      char *out;
      size_t len;
      if (ps_source_encode(src, t, strlen(t), &out, &len, err)) return &fs[i];
      free(out);
    }
  }
  return NULL;
}

/* ERROR and MISSING nodes in the tree. */
static size_t count_syntax_errors(const TSTree *tree) {
  TSNode root = ts_tree_root_node(tree);
  if (!ts_node_has_error(root)) return 0;
  size_t n = 0;
  TSTreeCursor cur = ts_tree_cursor_new(root);
  for (;;) {
    TSNode node = ts_tree_cursor_current_node(&cur);
    if (ts_node_is_error(node) || ts_node_is_missing(node)) n++;
    if (ts_node_has_error(node) && !ts_node_is_missing(node) && ts_tree_cursor_goto_first_child(&cur)) continue;
    while (!ts_tree_cursor_goto_next_sibling(&cur))
      if (!ts_tree_cursor_goto_parent(&cur)) goto done;
  }
done:
  ts_tree_cursor_delete(&cur);
  return n;
}

static int byte_edit_cmp(const void *a, const void *b) {
  const PsByteEdit *x = a, *y = b;
  return x->start < y->start ? -1 : x->start > y->start;
}

/* After the fix rounds: removes the import items the fixes left unused
 * (ps_unused_import_edits), rescanning the result. The cleanup is dropped
 * if it would not parse. *cur and its findings are replaced on success. */
static void drop_unused_imports(PsScanWorker *w, PsFileResult *res, const PsSource *src, PsSource *cur,
                                PsFinding **cur_fs, size_t *cur_n, const PsFinding *orig_fs, ScanIssues *is) {
  PsByteEdit *edits;
  size_t n = ps_unused_import_edits(src->text, src->len, src->tree, cur->text, cur->len, cur->tree, w->arena, &edits);
  if (!n) return;
  qsort(edits, n, sizeof *edits, byte_edit_cmp);
  PsBuf b = PS_BUF_INIT;
  uint32_t at = 0;
  for (size_t i = 0; i < n; i++) {
    if (edits[i].start < at) continue; /* overlapping: keep the first */
    ps_buf_append(&b, cur->text + at, edits[i].start - at);
    ps_buf_puts(&b, edits[i].text);
    at = edits[i].end;
  }
  ps_buf_append(&b, cur->text + at, cur->len - at);
  PsSource next;
  PsError err;
  ps_error_clear(&err);
  char *text = ps_arena_strndup(w->arena, b.data ? b.data : "", b.len);
  size_t len = b.len;
  ps_buf_free(&b);
  if (ps_source_load_text(&next, w->arena, res->path, text, len, &err)) return;
  if (ps_source_parse(&next, w->parser, ps_deadline_left_us(&is->deadline), &err)) {
    if (err.code == PS_E_LIMIT && strstr(err.msg, "--file-timeout")) expire(is, "fixing");
    return;
  }
  next.encoding = src->encoding;
  next.bom = src->bom;
  if ((next.has_error && count_syntax_errors(next.tree) > (cur->has_error ? count_syntax_errors(cur->tree) : 0)) ||
      ps_fix__python_rejects(cur->text, cur->len, ts_tree_root_node(cur->tree), next.text, next.len,
                             ts_tree_root_node(next.tree))) {
    ps_source_release(&next);
    return;
  }
  PsFinding *next_fs;
  size_t next_n;
  run_rules(w, &next, is);
  finish(w, res->path, &next, &next_fs, &next_n);
  if (is->deadline.expired) { /* the caller gives up on the fixes */
    ps_findings_free(next_fs, next_n);
    ps_source_release(&next);
    return;
  }
  if (*cur_fs != orig_fs) ps_findings_free(*cur_fs, *cur_n);
  if (cur->tree != src->tree) ps_source_release(cur);
  *cur = next;
  *cur_fs = next_fs;
  *cur_n = next_n;
}

/* Applies fixes to src (parsed, with its final findings *fs) round after
 * round; see ps_engine_scan. On success *fs holds the remaining findings
 * and res the new bytes or diff; on failure *fs is untouched and res gets
 * an error. Either way *fp_raw is the bytes the reported findings refer
 * to (for fingerprints; a heap copy in *fp_owned when new). */
static void fix_file(PsScanWorker *w, PsFileResult *res, PsSource *src, PsFinding **fs, size_t *n,
                     ScanIssues *is, char **fp_owned, size_t *fp_len) {
  const PsEngine *e = w->engine;
  PsError err;
  ps_error_clear(&err);
  if (src->warning) {
    add_error(res, ps_xstrdup("not fixed: the file is not valid in its encoding (see above), so it is never rewritten"));
    return;
  }
  if (strcmp(src->encoding, "utf-8")) {
    /* Only an encoding that gives back exactly the bytes read can be
     * trusted to leave the rest of the file alone. */
    char *again;
    size_t again_len;
    bool same = ps_source_encode(src, src->text, src->len, &again, &again_len, &err) == 0 &&
                again_len == src->raw_len && !memcmp(again, src->raw, again_len);
    free(again);
    if (!same) {
      add_error(res, ps_xasprintf("not fixed: encoding the text as %s again does not give back the bytes read",
                                  src->encoding));
      return;
    }
  }
  size_t base_errors = src->has_error ? count_syntax_errors(src->tree) : 0;
  PsSource cur = *src; /* the tree stays src's until a round replaces it */
  PsFinding *cur_fs = *fs;
  size_t cur_n = *n, n_fixed = 0;
  PsBuf culprits = PS_BUF_INIT;
  char *failure = NULL;
  int round = 0;
  for (; round < PS_FIX_MAX_ROUNDS && any_applicable(e, cur_fs, cur_n); round++) {
    const PsFinding *bad = unencodable_fix(e, src, cur_fs, cur_n, &err);
    if (bad) {
      failure = ps_xasprintf("fixes were not applied: the fix for %s at line %u: %s; file left unchanged",
                             bad->rule->id, (unsigned)bad->range.start.line, err.msg);
      break;
    }
    char *text;
    size_t len;
    size_t k = apply_round(e, &cur, cur_fs, cur_n, w->arena, &text, &len, &culprits);
    if (!k || (len == cur.len && !memcmp(text, cur.text, len))) break; /* nothing, or nothing that changes */
    PsSource next;
    if (ps_source_load_text(&next, w->arena, res->path, text, len, &err)) {
      failure = ps_xasprintf("fixes were not applied: the fixed text: %s", err.msg);
      break;
    }
    if (ps_source_parse(&next, w->parser, ps_deadline_left_us(&is->deadline), &err)) {
      if (err.code == PS_E_LIMIT && strstr(err.msg, "--file-timeout")) {
        expire(is, "fixing");
        break;
      }
      failure = ps_xasprintf("fixes were not applied: the fixed text: %s", err.msg);
      break;
    }
    next.encoding = src->encoding;
    next.bom = src->bom;
    if (next.has_error && (!src->has_error || count_syntax_errors(next.tree) > base_errors)) {
      failure = ps_xasprintf("fixes would introduce a syntax error; file left unchanged (from %s)", culprits.data);
      ps_source_release(&next);
      break;
    }
    if (ps_fix__python_rejects(cur.text, cur.len, ts_tree_root_node(cur.tree), next.text, next.len,
                               ts_tree_root_node(next.tree))) {
      failure = ps_xasprintf("fixes would introduce code that Python rejects (indentation or a starred "
                             "expression); file left unchanged (from %s)", culprits.data);
      ps_source_release(&next);
      break;
    }
    PsFinding *next_fs;
    size_t next_n;
    run_rules(w, &next, is);
    finish(w, res->path, &next, &next_fs, &next_n);
    if (is->deadline.expired) {
      ps_findings_free(next_fs, next_n);
      ps_source_release(&next);
      break;
    }
    if (cur_fs != *fs) ps_findings_free(cur_fs, cur_n);
    if (cur.tree != src->tree) ps_source_release(&cur);
    cur = next;
    cur_fs = next_fs;
    cur_n = next_n;
    n_fixed += k;
  }
  if (!failure && round == PS_FIX_MAX_ROUNDS) {
    char *text;
    size_t len;
    if (apply_round(e, &cur, cur_fs, cur_n, w->arena, &text, &len, &culprits))
      add_error(res, ps_xasprintf("fixes did not settle after %d rounds; the findings left are reported "
                                  "(still fixable: %s)",
                                  PS_FIX_MAX_ROUNDS, culprits.data));
  }
  if (!failure && n_fixed && !is->deadline.expired)
    drop_unused_imports(w, res, src, &cur, &cur_fs, &cur_n, *fs, is);
  /* Out of time: the rounds so far were checked, but the findings of the
   * last text are not complete; nothing is written. */
  if (!failure && is->deadline.expired)
    failure = ps_xasprintf("fixes were not applied: fixing took more than the %llu ms CPU budget (--file-timeout); "
                           "file left unchanged",
                           e->opts.parse_budget_us / 1000);
  char *bytes = NULL;
  size_t bytes_len = 0;
  if (!failure && n_fixed && ps_source_encode(src, cur.text, cur.len, &bytes, &bytes_len, &err))
    failure = ps_xasprintf("fixes were not applied: %s (line %d of the fixed text); file left unchanged", err.msg,
                           err.line);
  if (!failure && bytes && bytes_len == src->raw_len && !memcmp(bytes, src->raw, bytes_len)) {
    free(bytes); /* back where it started (fixes that undo each other) */
    bytes = NULL;
  }
  if (failure || !bytes) {
    if (failure) add_error(res, failure);
    if (cur_fs != *fs) ps_findings_free(cur_fs, cur_n);
  } else {
    res->n_fixed = n_fixed;
    if (e->opts.fix_mode == PS_FIX_DIFF) {
      PsBuf d = PS_BUF_INIT;
      ps_diff_unified(&d, res->path, src->raw, src->raw_len, res->path, bytes, bytes_len, 3);
      res->diff = ps_buf_steal(&d);
      ps_findings_free(*fs, *n);
      *fp_owned = bytes;
      *fp_len = bytes_len;
    } else {
      res->fixed = bytes;
      res->fixed_len = bytes_len;
      res->unfixed = *fs;
      res->n_unfixed = *n;
      res->read_hash = ps_hash_bytes(src->raw, src->raw_len);
      res->read_len = src->raw_len;
    }
    *fs = cur_fs;
    *n = cur_n;
  }
  if (cur.tree != src->tree) ps_source_release(&cur);
  ps_buf_free(&culprits);
}

PsFileResult *ps_engine_scan(PsScanWorker *w, const char *path, const char *bytes, size_t len) {
  const PsEngine *e = w->engine;
  PsFileResult *res = ps_xcalloc(1, sizeof *res);
  res->path = ps_xstrdup(path);
  ps_arena_reset(w->arena);
  ps_facts_delete(w->facts); /* not taken: the run has no project stage */
  w->facts = NULL;
  ps_memory_file_begin(e->opts.max_file_memory);
  PsError err;
  ps_error_clear(&err);
  PsSource src;
  int rc;
  /* Standard input is read up to one byte past the limit (run.c). */
  if (bytes && e->opts.max_file_size && len > e->opts.max_file_size)
    rc = ps_error_set(&err, PS_E_INPUT, path, 0, 0, "input is over the --max-file-size limit of %zu bytes, skipped",
                      e->opts.max_file_size);
  else
    rc = bytes ? ps_source_load_bytes(&src, w->arena, path, bytes, len, &err)
               : ps_source_load_file(&src, w->arena, path, e->opts.max_file_size, &err);
  if (rc) {
    add_error(res, ps_xstrdup(err.msg));
    res->skipped = true;
    return res;
  }
  if (src.warning) add_error(res, ps_xstrdup(src.warning));
  /* One budget for the whole file: every stage polls this deadline. */
  ScanIssues is;
  memset(&is, 0, sizeof is);
  ps_deadline_start(&is.deadline, e->opts.parse_budget_us);
  ps_regex_runner_set_deadline(w->re, e->opts.parse_budget_us ? &is.deadline.at : NULL);
  const unsigned long long budget_ms = e->opts.parse_budget_us / 1000;
  if (e->filtering && !e->opts.parse_only) {
    /* One identifier scan decides the word-gated analyses and whether the
     * worded regexes can match at all; the regexes run only then, and the
     * plain ones always. A regex that cannot decide (a PCRE2 limit, the
     * budget) admits the file: a prefilter only ever saves work. */
    bool admit = e->words.size && gate_analyses(w, src.text, src.len);
    if (!admit && e->prefilter && any_word(w, e->prefilter_words.items, e->prefilter_words.size))
      admit = ps_regex_match(w->re, e->prefilter, src.text, src.len, 0, NULL, NULL) != 0;
    if (!admit && e->prefilter_plain)
      admit = ps_regex_match(w->re, e->prefilter_plain, src.text, src.len, 0, NULL, NULL) != 0;
    if (!admit) {
      res->skipped = true;
      return res;
    }
  }
  if ((rc = ps_source_parse(&src, w->parser, ps_deadline_left_us(&is.deadline), &err))) {
    if (rc == PS_E_LIMIT && strstr(err.msg, "--file-timeout")) /* the whole budget, not what was left */
      add_error(res, ps_xasprintf("parsing took more than the %llu ms CPU budget (--file-timeout), skipped", budget_ms));
    else
      add_error(res, ps_xstrdup(err.msg));
    res->skipped = true;
    return res;
  }
  if (e->opts.parse_only) {
    ps_source_release(&src);
    return res;
  }
  PsFinding *fs;
  size_t n;
  w->query_error = NULL;
  ps_facts_delete(w->facts);
  w->facts = NULL;
  run_rules(w, &src, &is);
  w->facts = w->facts_last; /* the file as read */
  w->facts_last = NULL;
  if (w->query_error) add_error(res, ps_xasprintf("%s (its findings are missing from this run)", w->query_error));
  finish(w, res->path, &src, &fs, &n);
  /* Findings of a scan that ran out of time are reported with an error,
   * never as if complete, and are not fixed. */
  if (is.deadline.expired && !ps_memory_over_budget())
    add_error(res, ps_xasprintf("scanning took more than the %llu ms CPU budget (--file-timeout) in %s; findings "
                                "for this file are incomplete%s",
                                budget_ms, is.expired_in ? is.expired_in : "the analyses",
                                e->opts.fix_mode != PS_FIX_OFF ? " and it was not fixed" : ""));
  char *fp_owned = NULL; /* --diff: the fixed bytes, which only the diff keeps */
  size_t fp_len = 0;
  if (e->opts.fix_mode != PS_FIX_OFF && !is.deadline.expired && any_applicable(e, fs, n))
    fix_file(w, res, &src, &fs, &n, &is, &fp_owned, &fp_len);
  if (w->facts_last && res->fixed) {
    /* The file will hold the fixed text: its facts are those of the last
     * text the fix rounds scanned. */
    ps_facts_delete(w->facts);
    w->facts = w->facts_last;
  } else {
    ps_facts_delete(w->facts_last);
  }
  w->facts_last = NULL;
  if (is.match_limit)
    add_error(res, ps_xasprintf("query matching hit its limit of %d matches in progress at once (a pathological "
                                "pattern); findings of query rules for this file may be incomplete",
                                PS_QUERY_MATCH_LIMIT));
  if (is.regex_rule)
    add_error(res, ps_xasprintf("rule %s: its #match? regex failed on this file (%s); its findings for this file "
                                "may be incomplete",
                                is.regex_rule->meta.id, is.regex_error));
  if (ps_memory_over_budget()) {
    char size[32];
    add_error(res, ps_xasprintf("over the %s memory budget (--max-file-memory); findings for this file may be "
                                "incomplete", ps_memory_format(e->opts.max_file_memory, size, sizeof size)));
  }
  if (e->opts.fingerprints) {
    if (res->fixed) {
      add_fingerprints(fs, n, res->fixed, res->fixed_len);
      add_fingerprints(res->unfixed, res->n_unfixed, src.raw, src.raw_len);
    } else if (fp_owned) {
      add_fingerprints(fs, n, fp_owned, fp_len);
    } else {
      add_fingerprints(fs, n, src.raw, src.raw_len);
    }
  }
  free(fp_owned);
  res->findings = fs;
  res->n_findings = n;
  ps_source_release(&src);
  return res;
}

/* ---- the project stage ------------------------------------------------------------ */

unsigned ps_engine_facts(const PsEngine *self) { return self->facts; }

PsFileFacts *ps_scan_worker_take_facts(PsScanWorker *w) {
  PsFileFacts *f = w->facts;
  w->facts = NULL;
  return f;
}

void ps_engine_join(const PsEngine *self, PsProjectIndex *index, const PsModules *modules,
                    const PsProjectEmitter *emit) {
  PsJoinContext ctx = {index, modules, self->opts.ft_mode, self->opts.ft_rows, self->opts.n_ft_rows};
  ps_analysis_join_all(self->analyses.items, self->analyses.size, &ctx, emit);
}

bool ps_engine_per_file_ignored(const PsEngine *self, const char *path, const char *id) {
  return per_file_ignored(self, path, id);
}
