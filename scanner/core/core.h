/* core.h: the core module's public header: allocation, arrays, strings,
 * errors, versions, the finding model shared by every stage, a line diff and
 * the one hash table (strmap.h). */
#ifndef PS_CORE_CORE_H
#define PS_CORE_CORE_H

#include "core/arena.h"
#include "core/array.h"
#include "core/diff.h"
#include "core/error.h"
#include "core/finding.h"
#include "core/str.h"
#include "core/strmap.h"
#include "core/version.h"

#endif
