/* since.c: --since REF, the lines changed since a git ref.
 *
 * git runs as a subprocess (never through a shell: REF is an argument):
 * `git rev-parse --show-toplevel` for the work tree, `git rev-parse --verify
 * REF^{commit}` so that a bad ref is an error of its own, `git diff
 * --unified=0 REF --` for the changed lines of tracked files (the work tree
 * against REF: committed, staged and unstaged changes alike), and `git
 * ls-files --others --exclude-standard` for new files, which count as
 * changed throughout. Only the `+++` file names and `@@ -a,b +c,d @@` hunk
 * headers of the diff are read.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/run_internal.h"

typedef struct Range {
  uint32_t first, last; /* 1-based, inclusive; last UINT32_MAX: to the end */
} Range;

struct PsChangedLines {
  char *top;                 /* realpath of the work tree's top */
  PsStrMap files;            /* absolute path -> index in ranges */
  Array(char *) paths;       /* keys of files */
  Array(Range *) ranges;     /* per file: heap array, n in counts */
  Array(size_t) counts;
  char *last_dir, *last_real; /* ps_since_changed's realpath cache */
};

/* Runs git with argv (argv[0] "git"), its standard output into *out and
 * standard error into *errs. Returns its exit status, or -1 if it could not
 * be run (errno set: ENOENT when there is no git). */
static int run_git(char *const argv[], PsBuf *out, PsBuf *errs) {
  int po[2], pe[2], px[2];
  if (pipe(po) != 0) return -1;
  if (pipe(pe) != 0) {
    close(po[0]), close(po[1]);
    return -1;
  }
  if (pipe(px) != 0) { /* the child reports a failed exec through it */
    close(po[0]), close(po[1]), close(pe[0]), close(pe[1]);
    return -1;
  }
  pid_t pid = fork();
  if (pid < 0) {
    close(po[0]), close(po[1]), close(pe[0]), close(pe[1]), close(px[0]), close(px[1]);
    return -1;
  }
  if (pid == 0) {
    dup2(po[1], STDOUT_FILENO);
    dup2(pe[1], STDERR_FILENO);
    close(po[0]), close(po[1]), close(pe[0]), close(pe[1]), close(px[0]);
    fcntl(px[1], F_SETFD, FD_CLOEXEC);
    execvp(argv[0], argv);
    int e = errno;
    if (write(px[1], &e, sizeof e) < 0) _exit(127);
    _exit(127);
  }
  close(po[1]), close(pe[1]), close(px[1]);
  struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
  PsBuf *bufs[2] = {out, errs};
  int open_fds = 2;
  char chunk[65536];
  while (open_fds) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; i++) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(fds[i].fd, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        open_fds--;
      } else {
        ps_buf_append(bufs[i], chunk, (size_t)n);
      }
    }
  }
  for (int i = 0; i < 2; i++)
    if (fds[i].fd >= 0) close(fds[i].fd);
  int exec_errno = 0;
  ssize_t got = read(px[0], &exec_errno, sizeof exec_errno);
  close(px[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (got == (ssize_t)sizeof exec_errno) {
    errno = exec_errno;
    return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* git's first line of complaint, for messages. */
static const char *first_line(PsBuf *b) {
  if (!b->data) return "no output";
  char *nl = strchr(b->data, '\n');
  if (nl) *nl = '\0';
  return b->data[0] ? b->data : "no output";
}

static void buf_reset(PsBuf *b) {
  b->len = 0;
  if (b->data) b->data[0] = '\0';
}

static size_t file_slot(PsChangedLines *self, const char *abs) {
  uint64_t at;
  if (ps_strmap_find(&self->files, abs, strlen(abs), &at)) return (size_t)at;
  char *k = ps_xstrdup(abs);
  array_push(&self->paths, k);
  array_push(&self->ranges, NULL);
  array_push(&self->counts, 0);
  ps_strmap_put(&self->files, k, self->ranges.size - 1, false);
  return self->ranges.size - 1;
}

static void add_range(PsChangedLines *self, size_t slot, uint32_t first, uint32_t last) {
  size_t n = self->counts.items[slot];
  self->ranges.items[slot] = ps_xrealloc(self->ranges.items[slot], (n + 1) * sizeof(Range));
  self->ranges.items[slot][n] = (Range){first, last};
  self->counts.items[slot] = n + 1;
}

void ps_since__parse_diff(PsChangedLines *self, const char *diff, size_t len) {
  size_t slot = SIZE_MAX;
  for (const char *p = diff, *end = diff + len; p < end;) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (ll > 4 && !memcmp(p, "+++ ", 4)) {
      slot = SIZE_MAX;
      /* "+++ b/path" (a deleted file: "+++ /dev/null"). A quoted name
       * ("+++ \"b/t\\tab.py\"") is not read: its findings are dropped. */
      if (ll > 6 && !memcmp(p + 4, "b/", 2)) {
        char *abs = ps_xasprintf("%s/%.*s", self->top, (int)(ll - 6), p + 6);
        slot = file_slot(self, abs);
        free(abs);
      }
    } else if (ll > 3 && !memcmp(p, "@@ ", 3) && slot != SIZE_MAX) {
      const char *plus = memchr(p, '+', ll);
      if (plus) {
        char *e;
        unsigned long c = strtoul(plus + 1, &e, 10), d = 1;
        if (*e == ',') d = strtoul(e + 1, &e, 10);
        /* d == 0: lines were only removed; the lines around the cut did
         * not change. */
        if (d && c) add_range(self, slot, (uint32_t)c, (uint32_t)(c + d - 1));
      }
    }
    p = nl ? nl + 1 : end;
  }
}

int ps_since_load(PsChangedLines **out, const char *ref, const char *start, PsError *err) {
  *out = NULL;
  PsBuf o = PS_BUF_INIT, e = PS_BUF_INIT;
  int rc = 0;
  PsChangedLines *self = NULL;
  if (!ref[0] || ref[0] == '-')
    return ps_error_set(err, PS_E_USAGE, "--since", 0, 0, "needs a git ref (a branch, tag or commit), got \"%s\"", ref);
  char *top_argv[] = {"git", "-C", (char *)start, "rev-parse", "--show-toplevel", NULL};
  int st = run_git(top_argv, &o, &e);
  if (st < 0) {
    rc = ps_error_set(err, PS_E_USAGE, "--since", 0, 0, "cannot run git: %s",
                      errno == ENOENT ? "git is not installed (or not on PATH)" : strerror(errno));
    goto cleanup;
  }
  if (st != 0) {
    rc = ps_error_set(err, PS_E_USAGE, "--since", 0, 0, "not inside a git work tree (git: %s)", first_line(&e));
    goto cleanup;
  }
  while (o.len && (o.data[o.len - 1] == '\n' || o.data[o.len - 1] == '\r')) o.data[--o.len] = '\0';
  self = ps_xcalloc(1, sizeof *self);
  self->top = realpath(o.data ? o.data : ".", NULL);
  if (!self->top) self->top = ps_xstrdup(o.data ? o.data : ".");
  buf_reset(&o), buf_reset(&e);
  char *spec = ps_xasprintf("%s^{commit}", ref);
  char *verify_argv[] = {"git", "-C", self->top, "rev-parse", "--verify", "--quiet", "--end-of-options", spec, NULL};
  st = run_git(verify_argv, &o, &e);
  free(spec);
  if (st != 0) {
    rc = ps_error_set(err, PS_E_USAGE, "--since", 0, 0, "%s is not a commit in this repository", ref);
    goto cleanup;
  }
  buf_reset(&o), buf_reset(&e);
  char *diff_argv[] = {"git", "-C", self->top, "diff", "--unified=0", "--no-color", "--no-ext-diff",
                       "--no-textconv", "--find-renames", (char *)ref, "--", NULL};
  st = run_git(diff_argv, &o, &e);
  if (st != 0) {
    rc = ps_error_set(err, PS_E_USAGE, "--since", 0, 0, "git diff %s failed: %s", ref, first_line(&e));
    goto cleanup;
  }
  ps_since__parse_diff(self, o.data ? o.data : "", o.len);
  buf_reset(&o), buf_reset(&e);
  char *new_argv[] = {"git", "-C", self->top, "ls-files", "-z", "--others", "--exclude-standard", NULL};
  st = run_git(new_argv, &o, &e);
  if (st != 0) {
    rc = ps_error_set(err, PS_E_USAGE, "--since", 0, 0, "git ls-files failed: %s", first_line(&e));
    goto cleanup;
  }
  for (size_t i = 0; i < o.len;) {
    size_t n = strnlen(o.data + i, o.len - i);
    char *abs = ps_xasprintf("%s/%.*s", self->top, (int)n, o.data + i);
    add_range(self, file_slot(self, abs), 1, UINT32_MAX);
    free(abs);
    i += n + 1;
  }
cleanup:
  ps_buf_free(&o);
  ps_buf_free(&e);
  if (rc) {
    ps_since_delete(self);
    return rc;
  }
  *out = self;
  return 0;
}

bool ps_since_changed(const PsChangedLines *self_c, const char *path, uint32_t first, uint32_t last) {
  PsChangedLines *self = (PsChangedLines *)self_c; /* the cache only */
  const char *slash = strrchr(path, '/');
  char *dir = slash ? ps_xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : ps_xstrdup(".");
  if (!self->last_dir || strcmp(self->last_dir, dir)) {
    free(self->last_dir);
    free(self->last_real);
    self->last_dir = ps_xstrdup(dir);
    self->last_real = realpath(dir, NULL);
  }
  free(dir);
  if (!self->last_real) return false;
  char *abs = ps_xasprintf("%s/%s", strcmp(self->last_real, "/") ? self->last_real : "", slash ? slash + 1 : path);
  uint64_t at;
  bool found = ps_strmap_find(&self->files, abs, strlen(abs), &at) != NULL;
  free(abs);
  if (!found) return false;
  if (last < first) last = first;
  for (size_t i = 0; i < self->counts.items[at]; i++) {
    const Range *r = &self->ranges.items[at][i];
    if (first <= r->last && r->first <= last) return true;
  }
  return false;
}

void ps_since_delete(PsChangedLines *self) {
  if (!self) return;
  for (size_t i = 0; i < self->paths.size; i++) {
    free(self->paths.items[i]);
    free(self->ranges.items[i]);
  }
  array_free(&self->paths);
  array_free(&self->ranges);
  array_free(&self->counts);
  ps_strmap_free(&self->files);
  free(self->top);
  free(self->last_dir);
  free(self->last_real);
  free(self);
}
