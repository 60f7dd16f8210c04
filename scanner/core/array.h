/* array.h: typed growable arrays on the heap.
 *
 * `Array(T)` declares an anonymous struct with `items`, `size` and `cap`.
 * Growth aborts on out-of-memory (through ps_xrealloc), so pushes never fail.
 * Indexing through array_get() asserts the bound. Free with array_free().
 */
#ifndef PS_CORE_ARRAY_H
#define PS_CORE_ARRAY_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

void *ps_xrealloc(void *ptr, size_t n);

#define Array(T) struct { T *items; size_t size; size_t cap; }

#define array_init(a) ((a)->items = NULL, (a)->size = 0, (a)->cap = 0)

#define array_reserve(a, n)                                                   \
  do {                                                                        \
    if ((n) > (a)->cap) {                                                     \
      size_t ps__c = (a)->cap ? (a)->cap : 8;                                 \
      while (ps__c < (size_t)(n)) ps__c *= 2;                                 \
      (a)->items = ps_xrealloc((a)->items, ps__c * sizeof(*(a)->items));      \
      (a)->cap = ps__c;                                                       \
    }                                                                         \
  } while (0)

#define array_push(a, x)                                                      \
  do {                                                                        \
    array_reserve((a), (a)->size + 1);                                        \
    (a)->items[(a)->size++] = (x);                                            \
  } while (0)

#define array_get(a, i) (assert((size_t)(i) < (a)->size), &(a)->items[(i)])
#define array_last(a) (assert((a)->size > 0), &(a)->items[(a)->size - 1])
#define array_clear(a) ((a)->size = 0)
#define array_free(a) (free((a)->items), (a)->items = NULL, (a)->size = 0, (a)->cap = 0)

#endif
