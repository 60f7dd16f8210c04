/* removed_apis_internal.h: what removed_apis.c (the per-file analysis) and
 * removed_apis_project.c (method rows across modules: facts, the chains
 * read on demand, the join) share. */
#ifndef PS_REMOVED_APIS_INTERNAL_H
#define PS_REMOVED_APIS_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "analysis/analysis_internal.h"

typedef enum Match { MATCH_REFERENCE, MATCH_METHOD, MATCH_KEYWORD } Match;

typedef struct Row {
  const char *name;     /* borrowed from the table */
  size_t len;
  const char *last;     /* last component of name */
  size_t owner_len;     /* length of name without ".last" */
  char **keywords;      /* NULL-terminated, keyword rows */
  pcre2_code *receiver; /* method rows, may be NULL */
  char *removal;        /* "in Python 3.16" */
  size_t index;
  uint64_t window;      /* minors where the removal matters (ps_runs_window) */
  const char *gate_re;  /* method rows with a receiver: the regex the receiver's class name
                           implies (kept by the analysis), else NULL */
} Row;

typedef struct State {
  Match match;
  unsigned guards;      /* PS_GUARD_* that guard this match's uses */
  Row *rows;
  size_t n_rows;
  /* The rows' last names (method, function or keyword-callee names): the
   * per-reference test before resolving. */
  PsStrMap lasts;
  PsImportable importable; /* dead fallbacks (fallback.c) */
} State;

/* ---- the file's classes ---------------------------------------------------------- */

/* The longest chain of in-file base classes followed from a class to one
 * whose bases match a row: `class A(B)`, `class B(C)`, ... `class F(ConfigParser)`
 * is A's match at depth 5. */
#define MAX_BASE_DEPTH 5

/* The file's classes as a graph, built once per file when a method or
 * keyword row first asks about a class: per class its bases, each
 * resolved once, and the in-file class a bare base names. A row's verdict
 * for every class is one breadth-first pass over the reversed edges from
 * the classes whose own bases match, so a class is resolved once per file
 * whatever the inheritance (20 classes each deriving from the 19 others
 * used to be explored path by path: 19^5 resolutions). Everything lives in
 * the file arena (the engine rewinds it after the run) but the by-name
 * table, freed at the end of the run. */
typedef struct Base {
  const char *text;     /* as written */
  const char *resolved; /* ps_summary_resolve of it in the class's scope, or NULL */
  const char *last;     /* its last component */
  uint32_t target;      /* the in-file class a bare name names, or NONE */
} Base;

#define NONE UINT32_MAX

typedef struct Classes {
  bool built;
  uint32_t n;             /* classes */
  uint32_t *def;          /* class -> index in sum->defs */
  PsStrMap by_name;       /* name -> first class of that name (heap: free with the Classes) */
  uint32_t *base_start;   /* class -> first of its bases (n + 1 entries) */
  Base *bases;
  uint32_t *sub_start;    /* class -> first of its in-file subclasses (n + 1 entries) */
  uint32_t *subs;
  signed char **verdict;  /* per row: NULL until computed, then 1/0 per class */
  signed char **defines;  /* per row: per class, 1/0 once known, -1 unknown (class_defines) */
  uint32_t *queue;        /* BFS scratch, n entries */
  unsigned char *dist;
} Classes;

bool ps_removed_apis__is_row_last(const State *s, const char *p, size_t n);
/* Can code at `pos` run where the row's removal matters? */
bool ps_removed_apis__runs_where_removed(const State *s, const PsSummary *sum, uint32_t pos, const Row *row);
bool ps_removed_apis__first_party(const PsFileContext *ctx, const char *q);
/* The file's classes (built once per file, scratch in `arena`; free by_name). */
void ps_removed_apis__build_classes(Classes *c, const PsSummary *sum, size_t n_rows, PsArena *arena);
uint32_t ps_removed_apis__class_index(const Classes *c, const char *name, size_t n);
bool ps_removed_apis__class_matches(Classes *c, const State *s, uint32_t x, const Row *row, pcre2_match_data *md,
                                    PsArena *arena);
bool ps_removed_apis__class_defines(Classes *c, const State *s, const PsSummary *sum, uint32_t x, const Row *row,
                                    PsArena *arena);
uint32_t ps_removed_apis__enclosing_class(Classes *c, const PsSummary *sum, size_t n_rows, const char *scope,
                                          PsArena *arena);

/* removed_apis_project.c: the fact gates of method rows, and the project hooks. */
void ps_removed_apis__add_fact_gates(PsAnalysis *self, const State *s);
void ps_removed_apis__copy_facts(const PsAnalysis *self, const PsFileContext *ctx, PsFileFacts *f);
void ps_removed_apis__wanted(const PsAnalysis *const *all, size_t n, PsProjectIndex *ix,
                             void (*want)(void *, const char *), void *wctx);
void ps_removed_apis__join(const PsAnalysis *const *all, size_t n, const PsJoinContext *ctx,
                           const PsProjectEmitter *emit);

#endif
