/* cli_internal.h: the `rules` and `explain` commands (rules_cmd.c). */
#ifndef PS_CLI_INTERNAL_H
#define PS_CLI_INTERNAL_H

#include <stdbool.h>

#include "config/config.h"

/* `pyshift rules`: table of the selected rules, or Markdown pages in
 * markdown_dir, or (check) a lint of the rule files. Returns the exit code. */
int ps_cli__rules(const PsConfig *cfg, const char *markdown_dir, bool check);
/* `pyshift explain ID`. */
int ps_cli__explain(const PsConfig *cfg, const char *id);

#endif
