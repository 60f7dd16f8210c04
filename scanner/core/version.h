/* version.h: Python versions as pyshift compares them.
 *
 * A PsPyVersion is major.minor plus the free-threaded flag ("3.14t").
 * ps_pyver_parse accepts "3.14", "3.14t", "py314", "py314t", "314".
 */
#ifndef PS_CORE_VERSION_H
#define PS_CORE_VERSION_H

#include <stdbool.h>

typedef struct PsPyVersion {
  int major;
  int minor;
  bool free_threaded;
} PsPyVersion;

/* 0 on success, PS_E_USAGE if `s` is not a version. */
int ps_pyver_parse(const char *s, PsPyVersion *out);
/* <0, 0, >0 comparing major.minor only. */
int ps_pyver_cmp(PsPyVersion a, PsPyVersion b);
/* "3.14" or "3.14t" into buf (>= 8 bytes). */
void ps_pyver_format(PsPyVersion v, char *buf, unsigned n);

/* A version constraint such as ">=3.12", "<3.15", ">=3.9,<3.13", "==3.14".
 * Up to four clauses, all of which must hold. */
typedef struct PsPyConstraint {
  int n;
  struct { char op[3]; PsPyVersion v; } clause[4];
} PsPyConstraint;

/* Parses a comma-separated constraint; 0 or PS_E_USAGE. A bare version
 * "3.12" means ">=3.12". */
int ps_pyconstraint_parse(const char *s, PsPyConstraint *out);
bool ps_pyconstraint_allows(const PsPyConstraint *c, PsPyVersion v);
/* The lowest 3.x minor version that a PEP 440 requires-python specifier such
 * as ">=3.9", "~=3.10", ">3.8.1,<4" allows, into *out. PS_E_USAGE if none
 * can be derived. */
int ps_requires_python_floor(const char *spec, PsPyVersion *out);

#endif
