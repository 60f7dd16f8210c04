/* rules_internal.h: shared between the rules module's files only.
 *
 * Dependencies run one way: registry.c -> load.c (rule-file syntax) ->
 * query.c (compiling queries and predicates, also used to check a rule at
 * load); query.c needs nothing from load.c. */
#ifndef PS_RULES_INTERNAL_H
#define PS_RULES_INTERNAL_H

#include "rules/rules.h"

/* Parses rule text into r (zeroed by the caller). r owns copies of path and
 * text even on failure; free it with ps_rules__free_rule. */
int ps_rules__parse(PsRule *r, const char *path, const char *text, size_t len, PsError *err);
void ps_rules__free_rule(PsRule *r);

/* query.c: the rule-file position of byte `offset` of the rule's query
 * (for errors, at load and when the combined query is compiled). */
void ps_rules__query_pos(const PsRule *rule, uint32_t offset, int *line, int *col);

#endif
