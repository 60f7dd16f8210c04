/* core.h: the core module's public header: allocation, arrays, strings,
 * errors, versions and the finding model shared by every stage. */
#ifndef PS_CORE_CORE_H
#define PS_CORE_CORE_H

#include "core/arena.h"
#include "core/array.h"
#include "core/error.h"
#include "core/finding.h"
#include "core/str.h"
#include "core/version.h"

#endif
