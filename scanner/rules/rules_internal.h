/* rules_internal.h: shared between the rules module's files only. */
#ifndef PS_RULES_INTERNAL_H
#define PS_RULES_INTERNAL_H

#include "rules/rules.h"

/* Parses rule text into r (zeroed by the caller). r owns copies of path and
 * text even on failure; free it with ps_rules__free_rule. */
int ps_rules__parse(PsRule *r, const char *path, const char *text, size_t len, PsError *err);
void ps_rules__free_rule(PsRule *r);

#endif
