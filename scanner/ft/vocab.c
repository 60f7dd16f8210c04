/* vocab.c: the names the free-threading analysis knows, from the FT rules'
 * tables and [tool.pyshift.ft] (see ps_ft_vocab_add). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ft/ft_internal.h"

PsFtVocab *ps_ft_vocab_new(void) { return ps_xcalloc(1, sizeof(PsFtVocab)); }

void ps_ft_vocab_delete(PsFtVocab *self) {
  if (!self) return;
  ps_strmap_free(&self->map);
  ps_strmap_free(&self->entry_names);
  for (size_t i = 0; i < self->keys.size; i++) free(self->keys.items[i]);
  array_free(&self->keys);
  for (size_t i = 0; i < self->n_rows; i++) {
    free(self->rows[i].kind);
    free(self->rows[i].name);
    free(self->rows[i].detail);
    free(self->rows[i].extra);
  }
  free(self->rows);
  array_free(&self->handlers);
  array_free(&self->lock_like);
  free(self);
}

static const char *const KINDS[] = {"container", "lock", "safe", "iterator", "entry", "subclass", "server",
                                    "handler", "method", "call", "lock-like", "main-only", "thread-ident", NULL};
static const char *const KIND_NAMES[FK_N] = {"", "dict", "list", "set", "deque", "defaultdict", "counter", "other", "buffer"};
static const char *const EFFECTS[] = {"", "read", "write", "insert", "remove", "take", "compound", "copy", "iterate",
                                      "consume", "once", NULL};

const char *ps_ft__kind_name(FtKind k) { return k < FK_N ? KIND_NAMES[k] : ""; }

static int effect_of(const char *s) {
  for (int i = 1; EFFECTS[i]; i++)
    if (!strcmp(EFFECTS[i], s)) return i;
  return -1;
}

int ps_ft_vocab_add(PsFtVocab *self, const char *kind, const char *name, const char *detail, const char *extra,
                    char *why, size_t n) {
  bool known = false;
  for (const char *const *k = KINDS; *k; k++) known |= !strcmp(*k, kind);
  if (!known) {
    snprintf(why, n, "unknown kind `%s` (container, lock, safe, iterator, entry, subclass, server, handler, "
                     "method, call, lock-like, main-only, thread-ident)", kind);
    return -1;
  }
  if (!name || !*name) {
    snprintf(why, n, "a `%s` row needs a name", kind);
    return -1;
  }
  detail = detail && strcmp(detail, "-") ? detail : "";
  extra = extra && strcmp(extra, "-") ? extra : "";
  if (!strcmp(kind, "container")) {
    bool ok = false;
    for (int i = 1; i < FK_N; i++) ok |= !strcmp(KIND_NAMES[i], detail);
    if (!ok) {
      snprintf(why, n, "container kind `%s` is not one of dict, list, set, deque, defaultdict, counter, other, buffer", detail);
      return -1;
    }
  } else if (!strcmp(kind, "method") || !strcmp(kind, "call")) {
    if (effect_of(detail) < 0) {
      snprintf(why, n, "`%s` is not one of read, write, insert, remove, take, compound, copy, iterate, consume, once",
               detail);
      return -1;
    }
    if (!strcmp(kind, "method") && !strchr(name, '.')) {
      snprintf(why, n, "a method row is named TYPE.METHOD (dict.get), not `%s`", name);
      return -1;
    }
  } else if (!strcmp(kind, "entry")) {
    if (!strchr(detail, ',')) {
      snprintf(why, n, "an entry row's callable is `keyword,index` (`target,1`, `-,0`), not `%s`", detail);
      return -1;
    }
    if (*extra && strcmp(extra, "once") && strcmp(extra, "many")) {
      snprintf(why, n, "an entry runs its callable `once` or `many` times at once, not `%s`", extra);
      return -1;
    }
  }
  if (self->n_rows == self->cap_rows) {
    self->cap_rows = self->cap_rows ? self->cap_rows * 2 : 64;
    self->rows = ps_xrealloc(self->rows, self->cap_rows * sizeof *self->rows);
  }
  struct VocabRow *r = &self->rows[self->n_rows];
  r->kind = ps_xstrdup(kind);
  r->name = ps_xstrdup(name);
  r->detail = ps_xstrdup(detail);
  r->extra = ps_xstrdup(extra);
  char *key = ps_xasprintf("%s\t%s", kind, name);
  if (ps_strmap_put(&self->map, key, self->n_rows, true)) array_push(&self->keys, key);
  else free(key); /* a repeated row: the later one wins (the map keeps the first key string) */
  if (!strcmp(kind, "handler")) array_push(&self->handlers, r->name);
  if (!strcmp(kind, "entry") || !strcmp(kind, "server")) {
    const char *last = strrchr(r->name, '.');
    last = last ? last + 1 : r->name;
    ps_strmap_put(&self->entry_names, last, 1, false);
  }
  if (!strcmp(kind, "lock-like")) array_push(&self->lock_like, r->name);
  self->n_rows++;
  return 0;
}

const struct VocabRow *ps_ft__vocab_row(const PsFtVocab *v, const char *kind, const char *name) {
  if (!name) return NULL;
  char buf[512];
  size_t kl = strlen(kind), nl = strlen(name);
  if (kl + nl + 2 > sizeof buf) return NULL;
  memcpy(buf, kind, kl);
  buf[kl] = '\t';
  memcpy(buf + kl + 1, name, nl + 1);
  uint64_t i;
  return ps_strmap_find(&v->map, buf, kl + 1 + nl, &i) ? &v->rows[i] : NULL;
}

FtKind ps_ft__container(const PsFtVocab *v, const char *ctor) {
  const struct VocabRow *r = ps_ft__vocab_row(v, "container", ctor);
  if (!r) return FK_NONE;
  for (int i = 1; i < FK_N; i++)
    if (!strcmp(KIND_NAMES[i], r->detail)) return (FtKind)i;
  return FK_OTHER;
}

FtEffect ps_ft__method(const PsFtVocab *v, FtKind k, const char *method) {
  if (!method) return FE_NONE;
  char name[256];
  snprintf(name, sizeof name, "%s.%s", ps_ft__kind_name(k), method);
  const struct VocabRow *r = ps_ft__vocab_row(v, "method", name);
  if (!r && (k == FK_DEFAULTDICT || k == FK_COUNTER || k == FK_OTHER)) {
    snprintf(name, sizeof name, "dict.%s", method);
    r = ps_ft__vocab_row(v, "method", name);
  }
  return r ? (FtEffect)effect_of(r->detail) : FE_NONE;
}

FtEffect ps_ft__call(const PsFtVocab *v, FtKind k, const char *fn) {
  if (!fn) return FE_NONE;
  char name[256];
  snprintf(name, sizeof name, "%s@%s", fn, ps_ft__kind_name(k));
  const struct VocabRow *r = ps_ft__vocab_row(v, "call", name);
  if (!r) r = ps_ft__vocab_row(v, "call", fn);
  return r ? (FtEffect)effect_of(r->detail) : FE_NONE;
}
