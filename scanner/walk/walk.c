/* walk.c: expand the command-line paths into the sorted list of files.
 *
 * Each named path is stat'ed once: a file is taken as is, a directory becomes
 * the root of a depth-first walk driven by an explicit stack, so deep trees
 * cost heap, not C stack. A directory is opened by its path, read whole
 * (names and d_type), closed, and its entries are then filtered in name
 * order: files by extension, --exclude and .gitignore; directories by the
 * default names, --exclude and .gitignore. Only entries whose d_type does
 * not say what they are (symlinks, DT_UNKNOWN) and files that are kept cost
 * an fstatat(). Kept subdirectories are pushed for later.
 *
 * Directory records live in one arena for the whole walk: a child points at
 * its parent, so the chain is both the ancestor stack (symlink loops are a
 * (dev, ino) already on it) and the source of the .gitignore files that
 * apply (each directory's file is compiled once, chained to its parent's).
 * File paths are the only per-file allocations; they become the result.
 */
#include "walk/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Directory names skipped while recursing (sorted for bsearch). */
static const char *const default_excludes[] = {
    ".bzr",          ".direnv",       ".eggs",        ".git",          ".git-rewrite",
    ".hg",           ".ipynb_checkpoints", ".mypy_cache", ".nox",       ".pants.d",
    ".pyenv",        ".pyshift_cache", ".pytest_cache", ".pytype",    ".ruff_cache",   ".svn",
    ".tox",          ".venv",         ".vscode",      "__pycache__",   "__pypackages__",
    "_build",        "buck-out",      "build",        "dist",          "node_modules",
    "site-packages", "venv",
};

static size_t max_depth_override;

void ps_walk__set_max_depth(size_t depth) { max_depth_override = depth; }

/* A directory that is, was or will be read. Invariant: a directory's parent
 * was opened before it, so every ancestor's dev/ino is known. */
typedef struct Dir {
  struct Dir *parent;     /* NULL for a named root */
  const char *path;       /* display path; "" for "." */
  const char *rel;        /* suffix of path: relative to the cwd, or absolute outside it */
  const char *gi_rel;     /* relative to the work-tree top; NULL outside a work tree */
  const PsIgnoreFile *ig; /* ignore files for this directory's entries */
  dev_t dev;
  ino_t ino;
  size_t depth;
  bool explicit_;
} Dir;

typedef struct FileRec {
  char *path;
  dev_t dev;
  ino_t ino;
  bool explicit_;
} FileRec;

typedef struct Entry {
  size_t off; /* into Walk.names until the directory is fully read */
  const char *name;
  unsigned char type;
} Entry;

/* What .gitignore says about a real (symlink-free) directory; cached per
 * directory for named paths. */
typedef struct GitCtx {
  const char *dir; /* key */
  bool in_repo;
  bool excluded;   /* the directory or an ancestor below the top is ignored */
  const char *rel; /* relative to the top */
  const PsIgnoreFile *ig;
} GitCtx;

typedef struct Walk {
  const PsWalkOptions *opts;
  PsArena *arena;
  Array(const char *) exts;
  bool need_abs; /* some exclude glob is absolute */
  size_t max_depth;
  char cwd[PATH_MAX];
  size_t cwd_len; /* 0 when getcwd failed */
  Array(FileRec) files;
  Array(PsWalkError) errors;
  Array(Dir *) stack;
  Array(GitCtx) git_cache;
  /* scratch, reused for every directory */
  PsBuf names;
  Array(Entry) entries;
  Array(Dir *) children;
  PsBuf child;
  PsBuf gi;
  PsBuf abs;
} Walk;

static void add_error(Walk *w, const char *path, const char *msg) {
  PsWalkError e = {ps_xstrdup(path), ps_xstrdup(msg), false};
  array_push(&w->errors, e);
}

static void add_warning(Walk *w, const char *path, const char *msg) {
  PsWalkError e = {ps_xstrdup(path), ps_xstrdup(msg), true};
  array_push(&w->errors, e);
}

/* strerror text, lower-cased to match the house message style. */
static void add_errno(Walk *w, const char *path, int errnum) {
  char buf[256];
  if (strerror_r(errnum, buf, sizeof buf) != 0) snprintf(buf, sizeof buf, "error %d", errnum);
  if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z')) buf[0] += 'a' - 'A';
  add_error(w, path, buf);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_default_excluded(const char *name) {
  return bsearch(&name, default_excludes, sizeof default_excludes / sizeof default_excludes[0],
                 sizeof default_excludes[0], cmp_str) != NULL;
}

static bool has_extension(const Walk *w, const char *name) {
  const char *dot = strrchr(name, '.');
  if (!dot || dot == name) return false;
  for (size_t i = 0; i < w->exts.size; i++)
    if (strcmp(dot + 1, w->exts.items[i]) == 0) return true;
  return false;
}

/* The absolute form of `rel`-style path p, in w->abs (NULL if unknown). */
static const char *absolute(Walk *w, const char *p) {
  if (p[0] == '/') return p;
  if (!w->cwd_len) return NULL;
  ps_buf_reset(&w->abs);
  ps_buf_puts(&w->abs, w->cwd);
  if (w->cwd_len > 1) ps_buf_putc(&w->abs, '/');
  ps_buf_puts(&w->abs, p);
  return w->abs.data;
}

static bool glob_excluded(Walk *w, const char *path, const char *rel) {
  const PsWalkOptions *o = w->opts;
  if (!o->n_exclude) return false;
  const char *abs = w->need_abs ? absolute(w, path) : NULL;
  for (size_t i = 0; i < o->n_exclude; i++)
    if (ps_walk__glob_match_rel(o->exclude[i], rel, abs)) return true;
  return false;
}

/* Display form of a named path: "." components, repeated and trailing
 * slashes dropped; "" stands for the working directory. */
static char *normalize(PsArena *arena, const char *p) {
  PsBuf b = PS_BUF_INIT;
  bool absolute_ = p[0] == '/';
  const char *s = p;
  while (*s) {
    while (*s == '/') s++;
    const char *e = s;
    while (*e && *e != '/') e++;
    size_t n = (size_t)(e - s);
    if (n && !(n == 1 && s[0] == '.')) {
      if (b.len || absolute_) ps_buf_putc(&b, '/');
      ps_buf_append(&b, s, n);
    }
    s = e;
  }
  if (absolute_ && b.len == 0) ps_buf_putc(&b, '/');
  char *r = ps_arena_strndup(arena, b.data ? b.data : "", b.len);
  ps_buf_free(&b);
  return r;
}

/* Where `path` (a normalized display path) starts being relative to the cwd. */
static const char *rel_of(const Walk *w, const char *path) {
  if (path[0] != '/' || !w->cwd_len) return path;
  if (w->cwd_len == 1) return path + 1;
  if (strncmp(path, w->cwd, w->cwd_len) == 0) {
    if (path[w->cwd_len] == '\0') return path + w->cwd_len;
    if (path[w->cwd_len] == '/') return path + w->cwd_len + 1;
  }
  return path;
}

/* Fills `out` with the info/exclude file of the repository whose top is
 * `top`, following a `.git` file ("gitdir: ...") and a worktree's commondir. */
static void info_exclude_path(const char *top, PsBuf *out) {
  char *gitfile = ps_xasprintf("%s/.git", top);
  char *line = NULL, *common = NULL;
  struct stat st;
  ps_buf_reset(out);
  if (stat(gitfile, &st) == 0 && S_ISDIR(st.st_mode)) {
    ps_buf_printf(out, "%s/info/exclude", gitfile);
    goto cleanup;
  }
  FILE *f = fopen(gitfile, "r");
  if (!f) goto cleanup;
  size_t cap = 0;
  ssize_t n = getline(&line, &cap, f);
  fclose(f);
  if (n <= 0 || strncmp(line, "gitdir: ", 8) != 0) goto cleanup;
  while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
  PsBuf gitdir = PS_BUF_INIT;
  if (line[8] != '/') ps_buf_printf(&gitdir, "%s/", top);
  ps_buf_puts(&gitdir, line + 8);
  common = ps_xasprintf("%s/commondir", gitdir.data);
  f = fopen(common, "r");
  if (f) {
    n = getline(&line, &cap, f);
    fclose(f);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
    if (n > 0) {
      if (line[0] == '/')
        ps_buf_printf(out, "%s/info/exclude", line);
      else
        ps_buf_printf(out, "%s/%s/info/exclude", gitdir.data, line);
    }
  }
  if (!out->len) ps_buf_printf(out, "%s/info/exclude", gitdir.data);
  ps_buf_free(&gitdir);
cleanup:
  free(common);
  free(line);
  free(gitfile);
}

/* Loads `file` on top of `up`; a read error becomes an error entry. */
static const PsIgnoreFile *load_ignore(Walk *w, const char *file, const char *base,
                                       const PsIgnoreFile *up) {
  const PsIgnoreFile *f = NULL;
  int rc = ps_walk__ignore_load(&f, w->arena, file, base, up);
  if (rc < 0) add_errno(w, file, -rc);
  return f;
}

/* The ignore files for the top of a work tree at `top`: info/exclude, then
 * the top's own .gitignore unless the caller reads it itself. */
static const PsIgnoreFile *repo_base(Walk *w, const char *top) {
  PsBuf p = PS_BUF_INIT;
  info_exclude_path(top, &p);
  const PsIgnoreFile *ig = p.len ? load_ignore(w, p.data, "", NULL) : NULL;
  ps_buf_free(&p);
  return ig;
}

/* .gitignore context of the real directory `dir` (absolute, no symlinks),
 * found by looking for `.git` in it and its parents. */
static GitCtx git_ctx(Walk *w, const char *dir) {
  for (size_t i = w->git_cache.size; i-- > 0;)
    if (strcmp(w->git_cache.items[i].dir, dir) == 0) return w->git_cache.items[i];
  GitCtx c = {ps_arena_strdup(w->arena, dir), false, false, NULL, NULL};
  char *git = ps_xasprintf("%s%s.git", dir, strcmp(dir, "/") ? "/" : "");
  char *gitignore = ps_xasprintf("%s%s.gitignore", dir, strcmp(dir, "/") ? "/" : "");
  struct stat st;
  if (lstat(git, &st) == 0) {
    c.in_repo = true;
    c.rel = "";
    c.ig = load_ignore(w, gitignore, "", repo_base(w, dir));
  } else if (strcmp(dir, "/") != 0) {
    const char *slash = strrchr(dir, '/');
    char *parent = ps_xstrndup(dir, slash == dir ? 1 : (size_t)(slash - dir));
    GitCtx p = git_ctx(w, parent);
    free(parent);
    if (p.in_repo) {
      c.in_repo = true;
      c.rel = p.rel[0] ? ps_arena_sprintf(w->arena, "%s/%s", p.rel, slash + 1)
                       : ps_arena_strdup(w->arena, slash + 1);
      c.excluded = p.excluded || ps_walk__ignore_match(p.ig, c.rel, true);
      c.ig = load_ignore(w, gitignore, c.rel, p.ig);
    }
  }
  free(git);
  free(gitignore);
  array_push(&w->git_cache, c);
  return c;
}

/* The real location of named path p: its parent resolved, its own name
 * kept, so that a symlink is judged where it stands. NULL on failure. */
static char *real_location(const char *p, const char *disp) {
  const char *slash = strrchr(disp, '/');
  const char *base = slash ? slash + 1 : disp;
  if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) return realpath(p, NULL);
  char *dir = slash ? ps_xstrndup(disp, slash == disp ? 1 : (size_t)(slash - disp))
                    : ps_xstrdup(".");
  char *real = realpath(dir, NULL);
  char *r = NULL;
  if (real) r = ps_xasprintf("%s%s%s", real, strcmp(real, "/") ? "/" : "", base);
  free(real);
  free(dir);
  return r;
}

/* Splits an absolute real path into its parent's git context and name. */
static GitCtx git_ctx_parent(Walk *w, const char *real, const char **name) {
  const char *slash = strrchr(real, '/');
  char *parent = ps_xstrndup(real, slash == real ? 1 : (size_t)(slash - real));
  GitCtx c = git_ctx(w, parent);
  free(parent);
  *name = slash + 1;
  return c;
}

/* force_exclude: is the named path (or an ancestor) excluded? */
static bool named_excluded(Walk *w, const char *p, const char *disp, bool is_dir) {
  const PsWalkOptions *o = w->opts;
  const char *rel = rel_of(w, disp);
  size_t off = (size_t)(rel - disp);
  bool excluded = false;
  char *prefix = NULL;
  for (const char *s = rel; *s && !excluded;) {
    const char *e = strchr(s, '/');
    if (!e) e = s + strlen(s);
    bool last = *e == '\0';
    size_t n = (size_t)(e - s);
    bool dot = (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.');
    if (n && !dot) {
      free(prefix);
      prefix = ps_xstrndup(disp, off + (size_t)(e - rel));
      char *name = ps_xstrndup(s, n);
      bool dir = !last || is_dir;
      if (o->use_default_excludes && dir) {
        if (is_default_excluded(name)) excluded = true;
        char *cfg = ps_xasprintf("%s/pyvenv.cfg", prefix);
        struct stat st;
        if (!excluded && stat(cfg, &st) == 0 && !S_ISDIR(st.st_mode)) excluded = true;
        free(cfg);
      }
      if (!excluded && glob_excluded(w, prefix, prefix + off)) excluded = true;
      free(name);
    }
    s = *e ? e + 1 : e;
  }
  free(prefix);
  if (!excluded && o->respect_gitignore) {
    char *real = real_location(p, disp);
    if (real && strcmp(real, "/") != 0) {
      const char *name;
      GitCtx c = git_ctx_parent(w, real, &name);
      if (c.in_repo) {
        char *gi = c.rel[0] ? ps_xasprintf("%s/%s", c.rel, name) : ps_xstrdup(name);
        excluded = c.excluded || ps_walk__ignore_match(c.ig, gi, is_dir);
        free(gi);
      }
    }
    free(real);
  }
  return excluded;
}

static void add_file(Walk *w, const char *path, const struct stat *st, bool explicit_) {
  FileRec f = {ps_xstrdup(path), st->st_dev, st->st_ino, explicit_};
  array_push(&w->files, f);
}

static int cmp_entry(const void *a, const void *b) {
  return strcmp(((const Entry *)a)->name, ((const Entry *)b)->name);
}

/* Reads all of `dir` into w->entries, sorted by name. Returns 0 or an errno
 * value (the entries read so far are kept). */
static int read_entries(Walk *w, DIR *dir) {
  ps_buf_reset(&w->names);
  array_clear(&w->entries);
  int err = 0;
  for (;;) {
    errno = 0;
    struct dirent *de = readdir(dir);
    if (!de) {
      err = errno;
      break;
    }
    const char *n = de->d_name;
    if (n[0] == '.' && (n[1] == '\0' || (n[1] == '.' && n[2] == '\0'))) continue;
    Entry e = {w->names.len, NULL, DT_UNKNOWN};
#ifdef _DIRENT_HAVE_D_TYPE
    e.type = de->d_type;
#endif
    ps_buf_append(&w->names, n, strlen(n) + 1);
    array_push(&w->entries, e);
  }
  for (size_t i = 0; i < w->entries.size; i++)
    w->entries.items[i].name = w->names.data + w->entries.items[i].off;
  if (w->entries.size > 1)
    qsort(w->entries.items, w->entries.size, sizeof(Entry), cmp_entry);
  return err;
}

static bool has_entry(const Walk *w, const char *name) {
  Entry key = {0, name, 0};
  return w->entries.size &&
         bsearch(&key, w->entries.items, w->entries.size, sizeof(Entry), cmp_entry) != NULL;
}

/* Builds the display path of `name` inside d in w->child; returns the
 * offset of its cwd-relative part. */
static size_t join_child(Walk *w, const Dir *d, const char *name) {
  PsBuf *b = &w->child;
  ps_buf_reset(b);
  ps_buf_puts(b, d->path);
  if (b->len && b->data[b->len - 1] != '/') ps_buf_putc(b, '/');
  size_t name_off = b->len;
  ps_buf_puts(b, name);
  return d->rel[0] ? (size_t)(d->rel - d->path) : name_off;
}

static bool git_ignored(Walk *w, const Dir *d, const char *name, bool is_dir) {
  if (!d->gi_rel || !d->ig) return false;
  ps_buf_reset(&w->gi);
  if (d->gi_rel[0]) {
    ps_buf_puts(&w->gi, d->gi_rel);
    ps_buf_putc(&w->gi, '/');
  }
  ps_buf_puts(&w->gi, name);
  return ps_walk__ignore_match(d->ig, w->gi.data, is_dir);
}

static void walk_dir(Walk *w, Dir *d) {
  const PsWalkOptions *o = w->opts;
  const char *shown = d->path[0] ? d->path : ".";
  if (d->depth > w->max_depth) {
    add_error(w, shown, "directory nesting too deep");
    return;
  }
  int fd = open(d->path[0] ? d->path : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    add_errno(w, shown, errno);
    return;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    add_errno(w, shown, errno);
    close(fd);
    return;
  }
  d->dev = st.st_dev;
  d->ino = st.st_ino;
  for (const Dir *a = d->parent; a; a = a->parent) {
    if (a->dev == d->dev && a->ino == d->ino) {
      /* Common in real repositories (frontend/shared/shared -> ../shared):
       * the files are scanned once, through the first path. */
      add_warning(w, shown, "symlink loop, not followed");
      close(fd);
      return;
    }
  }
  DIR *dir = fdopendir(fd);
  if (!dir) {
    add_errno(w, shown, errno);
    close(fd);
    return;
  }
  int sfd = dirfd(dir); /* for fstatat(): cheaper than resolving full paths */
  int err = read_entries(w, dir);
  if (err) add_errno(w, shown, err);
  if (o->use_default_excludes && !d->explicit_ && has_entry(w, "pyvenv.cfg")) goto cleanup;
  if (o->respect_gitignore) {
    if (has_entry(w, ".git")) {
      d->gi_rel = "";
      d->ig = repo_base(w, d->path[0] ? d->path : ".");
    }
    if (d->gi_rel && has_entry(w, ".gitignore")) {
      join_child(w, d, ".gitignore");
      d->ig = load_ignore(w, w->child.data, d->gi_rel, d->ig);
    }
  }
  array_clear(&w->children);
  for (size_t i = 0; i < w->entries.size; i++) {
    const Entry *e = &w->entries.items[i];
    const char *name = e->name;
    unsigned char type = e->type;
    struct stat est;
    bool have_st = false;
    if (d->gi_rel && o->respect_gitignore && strcmp(name, ".git") == 0) continue;
    if (type == DT_LNK || type == DT_UNKNOWN) {
      if (fstatat(sfd, name, &est, 0) != 0) {
        /* Dangling or self-referencing links are skipped, as ripgrep does. */
        if (errno != ENOENT && errno != ELOOP && errno != ENOTDIR) {
          join_child(w, d, name);
          add_errno(w, w->child.data, errno);
        }
        continue;
      }
      have_st = true;
      type = S_ISDIR(est.st_mode) ? DT_DIR : S_ISREG(est.st_mode) ? DT_REG : DT_UNKNOWN;
    }
    bool is_dir = type == DT_DIR;
    if (!is_dir && (type != DT_REG || !has_extension(w, name))) continue;
    if (is_dir && o->use_default_excludes && is_default_excluded(name)) continue;
    size_t rel_off = join_child(w, d, name);
    if (w->child.len >= PATH_MAX) {
      add_errno(w, w->child.data, ENAMETOOLONG);
      continue;
    }
    if (glob_excluded(w, w->child.data, w->child.data + rel_off)) continue;
    if (git_ignored(w, d, name, is_dir)) continue;
    if (!is_dir) {
      if (!have_st && fstatat(sfd, name, &est, 0) != 0) {
        if (errno != ENOENT) add_errno(w, w->child.data, errno);
        continue;
      }
      add_file(w, w->child.data, &est, false);
      continue;
    }
    Dir *c = ps_arena_calloc(w->arena, sizeof *c);
    c->parent = d;
    c->path = ps_arena_strndup(w->arena, w->child.data, w->child.len);
    c->rel = c->path + rel_off;
    c->ig = d->ig;
    if (d->gi_rel)
      c->gi_rel = d->gi_rel[0] ? ps_arena_sprintf(w->arena, "%s/%s", d->gi_rel, name)
                               : ps_arena_strdup(w->arena, name);
    c->depth = d->depth + 1;
    array_push(&w->children, c);
  }
  /* Push in reverse so that directories are visited in name order. */
  for (size_t i = w->children.size; i-- > 0;) array_push(&w->stack, w->children.items[i]);
cleanup:
  closedir(dir);
}

static void walk_named(Walk *w, const char *p) {
  const PsWalkOptions *o = w->opts;
  struct stat st;
  if (stat(p, &st) != 0) {
    add_errno(w, p, errno);
    return;
  }
  char *disp = normalize(w->arena, p);
  bool is_dir = S_ISDIR(st.st_mode);
  if (strlen(disp) >= PATH_MAX) {
    add_errno(w, p, ENAMETOOLONG);
    return;
  }
  if (o->force_exclude && named_excluded(w, p, disp, is_dir)) return;
  if (!is_dir) {
    add_file(w, disp, &st, true);
    return;
  }
  Dir *root = ps_arena_calloc(w->arena, sizeof *root);
  root->path = disp;
  root->rel = rel_of(w, disp);
  root->explicit_ = true;
  if (o->respect_gitignore) {
    char *real = real_location(p, disp);
    if (real && strcmp(real, "/") != 0) {
      const char *name;
      GitCtx c = git_ctx_parent(w, real, &name);
      if (c.in_repo) {
        root->gi_rel = c.rel[0] ? ps_arena_sprintf(w->arena, "%s/%s", c.rel, name)
                                : ps_arena_strdup(w->arena, name);
        root->ig = c.ig;
      }
    }
    free(real);
  }
  array_push(&w->stack, root);
  while (w->stack.size) {
    Dir *d = w->stack.items[--w->stack.size];
    walk_dir(w, d);
  }
}

static int cmp_identity(const void *a, const void *b) {
  const FileRec *x = a, *y = b;
  if (x->dev != y->dev) return x->dev < y->dev ? -1 : 1;
  if (x->ino != y->ino) return x->ino < y->ino ? -1 : 1;
  return strcmp(x->path, y->path);
}

static int cmp_path(const void *a, const void *b) {
  return strcmp(((const FileRec *)a)->path, ((const FileRec *)b)->path);
}

/* One entry per file identity (smallest path wins), then one per path. */
static void dedupe(Walk *w) {
  FileRec *f = w->files.items;
  size_t n = w->files.size, k = 0;
  if (n < 2) return;
  qsort(f, n, sizeof *f, cmp_identity);
  for (size_t i = 0; i < n; i++) {
    if (k && f[k - 1].dev == f[i].dev && f[k - 1].ino == f[i].ino) {
      f[k - 1].explicit_ |= f[i].explicit_;
      free(f[i].path);
      continue;
    }
    f[k++] = f[i];
  }
  qsort(f, k, sizeof *f, cmp_path);
  n = k;
  k = 0;
  for (size_t i = 0; i < n; i++) {
    if (k && strcmp(f[k - 1].path, f[i].path) == 0) {
      f[k - 1].explicit_ |= f[i].explicit_;
      free(f[i].path);
      continue;
    }
    f[k++] = f[i];
  }
  w->files.size = k;
}

int ps_walk(const PsWalkOptions *opts, PsWalkResult *out, PsError *err) {
  Walk w;
  int rc = 0;
  memset(&w, 0, sizeof w);
  memset(out, 0, sizeof *out);
  w.opts = opts;
  w.max_depth = max_depth_override ? max_depth_override : PS_WALK_MAX_DEPTH;
  for (size_t i = 0; i < opts->n_exclude; i++) {
    rc = ps_glob_check(opts->exclude[i], err);
    if (rc < 0) goto cleanup;
    if (opts->exclude[i][0] == '/') w.need_abs = true;
  }
  w.arena = ps_arena_new(0);
  for (size_t i = 0; i < opts->n_extensions; i++) {
    const char *e = opts->extensions[i];
    array_push(&w.exts, e[0] == '.' ? e + 1 : e);
  }
  if (getcwd(w.cwd, sizeof w.cwd)) w.cwd_len = strlen(w.cwd);
  if (opts->n_paths == 0) {
    walk_named(&w, ".");
  } else {
    for (size_t i = 0; i < opts->n_paths; i++) walk_named(&w, opts->paths[i]);
  }
  dedupe(&w);
  out->n_files = w.files.size;
  out->files = w.files.size ? ps_xmalloc(w.files.size * sizeof *out->files) : NULL;
  for (size_t i = 0; i < w.files.size; i++) {
    out->files[i].path = w.files.items[i].path;
    out->files[i].explicit_ = w.files.items[i].explicit_;
  }
  out->errors = w.errors.items;
  out->n_errors = w.errors.size;
  w.errors.items = NULL;
cleanup:
  array_free(&w.files);
  array_free(&w.errors);
  array_free(&w.exts);
  array_free(&w.stack);
  array_free(&w.git_cache);
  array_free(&w.entries);
  array_free(&w.children);
  ps_buf_free(&w.names);
  ps_buf_free(&w.child);
  ps_buf_free(&w.gi);
  ps_buf_free(&w.abs);
  ps_arena_delete(w.arena);
  return rc;
}

void ps_walk_result_free(PsWalkResult *self) {
  if (!self) return;
  for (size_t i = 0; i < self->n_files; i++) free(self->files[i].path);
  for (size_t i = 0; i < self->n_errors; i++) {
    free(self->errors[i].path);
    free(self->errors[i].message);
  }
  free(self->files);
  free(self->errors);
  memset(self, 0, sizeof *self);
}
