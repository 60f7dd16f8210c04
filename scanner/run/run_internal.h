/* run_internal.h: shared between the run module's files only. */
#ifndef PS_RUN_INTERNAL_H
#define PS_RUN_INTERNAL_H

#include "run/run.h"

/* A string set (optionally with string values), open addressing. */
typedef struct PsStrSet {
  char **slots;
  char **values;
  size_t size, cap; /* cap is a power of two */
} PsStrSet;

void ps_strset_init(PsStrSet *self);
void ps_strset_free(PsStrSet *self);
bool ps_strset_get(const PsStrSet *self, const char *s, size_t n, const char **value);
void ps_strset_put(PsStrSet *self, const char *s, size_t n, const char *value);

typedef struct PsProject {
  PsStrSet first_party; /* top-level module names defined in the scanned tree */
} PsProject;

void ps_project_build(PsProject *self, const char *const *paths, size_t n);
void ps_project_free(PsProject *self);
bool ps_project_is_first_party(const void *project, const char *top, size_t len);

#endif
