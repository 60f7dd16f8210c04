/* engine.c: the per-file pipeline, shared read-only by every worker.
 *
 * Building the engine (query groups, configured analyses, word gates and
 * prefilters), the workers, and ps_engine_scan: load, admission, parse,
 * the scan of the text (scan.c), fixes (fix_rounds.c), the result. See
 * engine_internal.h for how the parts and their lifetimes fit.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "run/engine_internal.h"

/* ---- word gates ------------------------------------------------------------------ */

/* The id of a word, or UINT32_MAX. */
static inline uint32_t word_find(const PsEngine *e, const char *p, size_t n) {
  uint64_t id;
  return ps_strmap_find(&e->word_ids, p, n, &id) ? (uint32_t)id : UINT32_MAX;
}

static uint32_t word_intern(PsEngine *e, const char *w) {
  if (!w) return UINT32_MAX;
  uint32_t id = word_find(e, w, strlen(w));
  if (id != UINT32_MAX) return id;
  array_push(&e->words, w);
  ps_strmap_put(&e->word_ids, w, e->words.size - 1, false);
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
 * true if some gated analysis is admitted; fills sc->active for every
 * analysis (ungated ones are always active). */
bool ps_engine__gate(PsFileScan *sc, const char *text, size_t len) {
  const PsEngine *e = sc->e;
  for (size_t i = 0; i < sc->seen.size; i++) sc->present[sc->seen.items[i]] = 0;
  array_clear(&sc->seen);
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
        if (!sc->present[id]) array_push(&sc->seen, id);
        sc->present[id] |= how;
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
      for (int k = 0; k < 3 && on; k++) on = ids[k] == UINT32_MAX || (sc->present[ids[k]] & how[k]);
      const PsRegex *re = e->gate_re.items[e->gate_start[a] + g];
      if (on && re) on = ps_regex_match(sc->w->re, re, text, len, 0, NULL, NULL) != 0; /* an error admits */
    }
    sc->active[a] = on;
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

bool ps_engine__any_word(const PsFileScan *sc, const uint32_t *ids, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (sc->present[ids[i]]) return true;
  return false;
}

/* Appends to *alts the top-level alternatives of `re` (or `re` whole when
 * they cannot stand alone), each compiled with the words it needs. With
 * `plain`, the alternatives that need no derivable word are appended to
 * it as regex text instead (one combined pass for all of them). False,
 * appending nothing, when an alternative does not compile. */
static bool make_alts(PsEngine *self, const char *re, GateAlt **alts, size_t *n_alts, PsBuf *plain) {
  char **split = ps_regex_alternatives(re);
  char *whole[2] = {(char *)re, NULL};
  char **list = split ? split : whole;
  size_t n = 0, start = *n_alts;
  while (list[n]) n++;
  bool ok = true;
  PsBuf text = PS_BUF_INIT;
  for (size_t i = 0; i < n && ok; i++) {
    char **words = ps_regex_required_words(list[i]);
    if (!words && plain) {
      ps_buf_printf(&text, "%s(?:%s)", text.len ? "|" : "", list[i]);
      continue;
    }
    GateAlt g = {ps_regex_compile(list[i], strlen(list[i]), NULL, 0), NULL, 0};
    ok = g.re != NULL;
    for (char **wd = words; ok && wd && *wd; wd++) {
      g.words = ps_xrealloc(g.words, (g.n_words + 1) * sizeof(uint32_t));
      g.words[g.n_words++] = intern_copy(self, *wd);
    }
    ps_regex_words_free(words);
    if (!ok) break;
    *alts = ps_xrealloc(*alts, (*n_alts + 1) * sizeof **alts);
    (*alts)[(*n_alts)++] = g;
  }
  if (split) ps_regex_words_free(split);
  if (!ok) {
    for (size_t i = start; i < *n_alts; i++) {
      ps_regex_free((*alts)[i].re);
      free((*alts)[i].words);
    }
    *n_alts = start;
  } else if (text.len) {
    ps_buf_printf(plain, "%s%s", plain->len ? "|" : "", text.data);
  }
  ps_buf_free(&text);
  return ok;
}

/* Adds a prefilter regex: each top-level alternative that needs a
 * derivable word (ps_regex_required_words) runs alone and only on files
 * with one of its words; the others join the plain part that runs on
 * every file. */
static void prefilter_part(PsEngine *e, PsBuf *plain, const char *re) {
  if (make_alts(e, re, &e->pre_alts, &e->n_pre_alts, plain)) return;
  ps_buf_printf(plain, "%s(?:%s)", plain->len ? "|" : "", re); /* reported when the plain part compiles */
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
  /* The engine's own copy: the caller may grow its list afterwards (PS100). */
  const PsRule **own = ps_xcalloc(n ? n : 1, sizeof *own);
  if (n) memcpy(own, rules, n * sizeof *own);
  self->rules = own;
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
  PsBuf plain = PS_BUF_INIT;
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
      /* The removed-apis join (PS_FACT_CLASSES) only reports uses the
       * per-file pass left undecided; its rules' suppressions are judged
       * per file as before (docs/rules: RM003). */
      if (ps_analysis_facts(a) & ~(unsigned)PS_FACT_CLASSES) array_push(&self->project_rules, r);
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
      else prefilter_part(self, &plain, p);
    }
    if (r->query) {
      if (!r->prefilter) every_file = true;
      else prefilter_part(self, &plain, r->prefilter);
    }
  }
  ps_analysis_link_all(self->analyses.items, self->analyses.size);
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
    char **split = ps_regex_alternatives(g->rules[0]->prefilter);
    if (split) (void)make_alts(self, g->rules[0]->prefilter, &g->alts, &g->n_alts, NULL);
    ps_regex_words_free(split);
  }
  if (!every_file) {
    /* With no rule at all nothing needs parsing: both parts stay NULL. */
    self->filtering = true;
    self->prefilter_plain = compile_prefilter(&plain, err, &rc);
    if (rc) goto cleanup;
  }
cleanup:
  ps_buf_free(&plain);
  return rc;
}

void ps_engine_delete(PsEngine *self) {
  if (!self) return;
  for (size_t i = 0; i < self->groups.size; i++) {
    ps_queryset_delete(self->groups.items[i].qs);
    ps_regex_free(self->groups.items[i].gate);
    free(self->groups.items[i].rules);
    free(self->groups.items[i].words);
    for (size_t k = 0; k < self->groups.items[i].n_alts; k++) {
      ps_regex_free(self->groups.items[i].alts[k].re);
      free(self->groups.items[i].alts[k].words);
    }
    free(self->groups.items[i].alts);
    free(self->groups.items[i].err);
  }
  pthread_mutex_destroy(&self->lazy);
  free((void *)self->rules);
  array_free(&self->groups);
  for (size_t i = 0; i < self->analyses.size; i++) ps_analysis_delete(self->analyses.items[i]);
  array_free(&self->analyses);
  array_free(&self->project_rules);
  for (size_t k = 0; k < self->n_pre_alts; k++) {
    ps_regex_free(self->pre_alts[k].re);
    free(self->pre_alts[k].words);
  }
  free(self->pre_alts);
  ps_regex_free(self->prefilter_plain);
  for (size_t i = 0; i < self->kept_words.size; i++) free(self->kept_words.items[i]);
  array_free(&self->kept_words);
  array_free(&self->words);
  ps_strmap_free(&self->word_ids);
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
  ps_summary_init(&w->summary);
  w->arena = ps_arena_new(256 * 1024);
  ps_file_share_init(&w->share);
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
  ps_file_share_free(&self->share);
  ps_regex_runner_delete(self->re);
  ps_facts_delete(self->facts);
  free(self);
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


/* Loads the file (from disk, or `bytes`) into src. False, with the result
 * saying why and marked skipped, if it cannot be read. */
static bool load(PsFileScan *sc, PsSource *src, const char *bytes, size_t len) {
  const PsEngine *e = sc->e;
  const char *path = sc->res->path;
  PsError err;
  ps_error_clear(&err);
  int rc;
  /* Standard input is read up to one byte past the limit (run.c). */
  if (bytes && e->opts.max_file_size && len > e->opts.max_file_size)
    rc = ps_error_set(&err, PS_E_INPUT, path, 0, 0, "input is over the --max-file-size limit of %zu bytes, skipped",
                      e->opts.max_file_size);
  else
    rc = bytes ? ps_source_load_bytes(src, sc->w->arena, path, bytes, len, &err)
               : ps_source_load_file(src, sc->w->arena, path, e->opts.max_file_size, &err);
  if (rc) {
    ps_engine__add_error(sc->res, ps_xstrdup(err.msg));
    sc->res->skipped = true;
    return false;
  }
  if (src->warning) ps_engine__add_error(sc->res, ps_xstrdup(src->warning));
  return true;
}

/* Admission: one identifier scan decides the word-gated analyses and
 * whether the worded regexes can match at all; the regexes run only then,
 * and the plain ones always. A regex that cannot decide (a PCRE2 limit,
 * the budget) admits the file: a prefilter only ever saves work. */
static bool admitted(PsFileScan *sc, const PsSource *src) {
  const PsEngine *e = sc->e;
  PsRegexRunner *re = sc->w->re;
  if (!e->filtering || e->opts.parse_only) return true;
  /* Its suppressions are checked even when no rule can fire. */
  if (e->opts.unused_ignores && ps_engine__mentions_pyshift(src->text, src->len)) return true;
  bool admit = e->words.size && ps_engine__gate(sc, src->text, src->len);
  for (size_t k = 0; k < e->n_pre_alts && !admit; k++) {
    const GateAlt *alt = &e->pre_alts[k];
    if (ps_engine__any_word(sc, alt->words, alt->n_words))
      admit = ps_regex_match(re, alt->re, src->text, src->len, 0, NULL, NULL) != 0;
  }
  if (!admit && e->prefilter_plain) admit = ps_regex_match(re, e->prefilter_plain, src->text, src->len, 0, NULL, NULL) != 0;
  return admit;
}

/* The per-file errors for what went wrong besides the findings. */
static void add_issue_errors(PsFileScan *sc) {
  const ScanIssues *is = &sc->is;
  if (is->match_limit)
    ps_engine__add_error(sc->res, ps_xasprintf("query matching hit its limit of %d matches in progress at once (a "
                                               "pathological pattern); findings of query rules for this file may be "
                                               "incomplete",
                                               PS_QUERY_MATCH_LIMIT));
  if (is->regex_rule)
    ps_engine__add_error(sc->res, ps_xasprintf("rule %s: its #match? regex failed on this file (%s); its findings for "
                                               "this file may be incomplete",
                                               is->regex_rule->meta.id, is->regex_error));
  if (ps_memory_over_budget()) {
    char size[32];
    ps_engine__add_error(sc->res, ps_xasprintf("over the %s memory budget (--max-file-memory); findings for this "
                                               "file may be incomplete",
                                               ps_memory_format(sc->e->opts.max_file_memory, size, sizeof size)));
  }
}

/* Parses the loaded src, scans it, fixes it; fills the result. */
static void scan_file(PsFileScan *sc, PsSource *src) {
  const PsEngine *e = sc->e;
  PsFileResult *res = sc->res;
  ScanIssues *is = &sc->is;
  const unsigned long long budget_ms = e->opts.parse_budget_us / 1000;
  PsError err;
  ps_error_clear(&err);
  int rc;
  if ((rc = ps_source_parse(src, sc->w->parser, ps_deadline_left_us(&is->deadline), &err))) {
    if (rc == PS_E_LIMIT && strstr(err.msg, "--file-timeout")) /* the whole budget, not what was left */
      ps_engine__add_error(res, ps_xasprintf("parsing took more than the %llu ms CPU budget (--file-timeout), skipped",
                                             budget_ms));
    else
      ps_engine__add_error(res, ps_xstrdup(err.msg));
    res->skipped = true;
    return;
  }
  if (e->opts.parse_only) return;
  PsFinding *fs;
  size_t n;
  ps_engine__scan_text(sc, src, &fs, &n);
  ps_engine__copy_facts(sc, src); /* the file as read */
  /* Findings of a scan that ran out of time are reported with an error,
   * never as if complete, and are not fixed. */
  if (is->deadline.expired && !ps_memory_over_budget())
    ps_engine__add_error(res, ps_xasprintf("scanning took more than the %llu ms CPU budget (--file-timeout) in %s; "
                                           "findings for this file are incomplete%s",
                                           budget_ms, is->expired_in ? is->expired_in : "the analyses",
                                           e->opts.fix_mode != PS_FIX_OFF ? " and it was not fixed" : ""));
  char *fp_owned = NULL; /* --diff: the fixed bytes, which only the diff keeps */
  size_t fp_len = 0;
  if (e->opts.fix_mode != PS_FIX_OFF && !is->deadline.expired && ps_engine__any_applicable(e, fs, n))
    ps_engine__fix_file(sc, src, &fs, &n, &fp_owned, &fp_len);
  if (e->opts.add_noqa && n && !is->deadline.expired && !res->n_errors) ps_engine__add_noqa(sc, src, &fs, &n);
  add_issue_errors(sc);
  if (e->opts.fingerprints) {
    if (res->fixed) {
      add_fingerprints(fs, n, res->fixed, res->fixed_len);
      add_fingerprints(res->unfixed, res->n_unfixed, src->raw, src->raw_len);
    } else if (fp_owned) {
      add_fingerprints(fs, n, fp_owned, fp_len);
    } else {
      add_fingerprints(fs, n, src->raw, src->raw_len);
    }
  }
  free(fp_owned);
  res->findings = fs;
  res->n_findings = n;
}

/* A file's scan state, before its text is read. */
static void scan_begin(PsFileScan *sc, PsScanWorker *w, const char *path) {
  const PsEngine *e = w->engine;
  memset(sc, 0, sizeof *sc);
  sc->w = w;
  sc->e = e;
  sc->res = ps_xcalloc(1, sizeof *sc->res);
  sc->res->path = ps_xstrdup(path);
  sc->present = ps_xcalloc(e->words.size + 1, 1);
  sc->active = ps_xcalloc(e->analyses.size + 1, sizeof(bool));
}

PsFileResult *ps_engine_scan(PsScanWorker *w, const char *path, const char *bytes, size_t len) {
  const PsEngine *e = w->engine;
  PsFileScan sc;
  scan_begin(&sc, w, path);
  ps_arena_reset(w->arena);
  ps_facts_delete(w->facts); /* not taken: the run has no project stage */
  w->facts = NULL;
  ps_memory_file_begin(e->opts.max_file_memory);
  PsSource src;
  if (load(&sc, &src, bytes, len)) {
    /* One budget for the whole file: every stage polls this deadline. */
    ps_deadline_start(&sc.is.deadline, e->opts.parse_budget_us);
    ps_regex_runner_set_deadline(w->re, e->opts.parse_budget_us ? &sc.is.deadline.at : NULL);
    if (!admitted(&sc, &src)) sc.res->skipped = true;
    else scan_file(&sc, &src);
    ps_source_release(&src);
  }
  w->facts = sc.facts; /* handed over with ps_scan_worker_take_facts */
  sc.facts = NULL;
  ps_engine__scan_free(&sc);
  return sc.res;
}

/* ---- the project stage ------------------------------------------------------------ */

PsFileFacts *ps_engine_scan_facts(PsScanWorker *w, const char *path) {
  const PsEngine *e = w->engine;
  PsFileScan sc;
  scan_begin(&sc, w, path);
  sc.chain = true;
  ps_arena_reset(w->arena);
  ps_facts_delete(w->facts);
  w->facts = NULL;
  ps_memory_file_begin(e->opts.max_file_memory);
  PsSource src;
  PsFileFacts *out = NULL;
  if (load(&sc, &src, NULL, 0)) {
    ps_deadline_start(&sc.is.deadline, e->opts.parse_budget_us);
    ps_regex_runner_set_deadline(w->re, e->opts.parse_budget_us ? &sc.is.deadline.at : NULL);
    PsError err;
    ps_error_clear(&err);
    unsigned needs = 0;
    for (size_t i = 0; i < e->analyses.size; i++)
      if (ps_analysis_facts(e->analyses.items[i]) & PS_FACT_CLASSES) {
        sc.active[i] = true;
        needs |= ps_analysis_needs(e->analyses.items[i]);
      }
    if (needs && !ps_source_parse(&src, w->parser, ps_deadline_left_us(&sc.is.deadline), &err)) {
      ps_walker_set_needs(w->walker, needs);
      ps_walker_set_deadline(w->walker, &sc.is.deadline);
      ps_walker_summarize(w->walker, &src, w->arena, &w->summary);
      ps_walker_set_deadline(w->walker, NULL);
      if (!ps_deadline_check(&sc.is.deadline)) {
        sc.text_facts = PS_FACT_CLASSES;
        ps_engine__copy_facts(&sc, &src);
        out = sc.facts;
        sc.facts = NULL;
      }
    }
    ps_source_release(&src);
  }
  ps_engine__scan_free(&sc);
  ps_file_result_free(sc.res);
  return out;
}

void ps_engine_wanted(const PsEngine *self, PsProjectIndex *index, void (*want)(void *, const char *), void *ctx) {
  ps_analysis_wanted_all((PsAnalysis *const *)self->analyses.items, self->analyses.size, index, want, ctx);
}

unsigned ps_engine_facts(const PsEngine *self) { return self->facts; }

PsFileFacts *ps_scan_worker_take_facts(PsScanWorker *w) {
  PsFileFacts *f = w->facts;
  w->facts = NULL;
  return f;
}

void ps_engine_join(const PsEngine *self, PsProjectIndex *index, const PsModules *modules,
                    const PsProjectEmitter *emit) {
  PsJoinContext ctx = {index, modules, self->opts.ft_mode, self->opts.ft_rows, self->opts.n_ft_rows, self->opts.registry};
  ps_analysis_join_all(self->analyses.items, self->analyses.size, &ctx, emit);
}
