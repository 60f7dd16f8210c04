/* write.c: writing a fixed file back (--fix).
 *
 * The main thread calls this for each file in path order, before the file
 * is reported, so that a file that cannot be written is reported as it is
 * on disk. The write is atomic (temporary file in the same directory,
 * fsync, rename) and goes through symlinks to their target, as long as the
 * target is inside the paths named on the command line. As ruff does, a
 * file with several hard links is written in place, so the links stay
 * links; and a read-only file is left alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <limits.h>

#include "run/run_internal.h"

/* Reads a whole file into *out (heap); 0 or -1 with errno set. */
static int read_all(const char *path, char **out, size_t *len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return -1;
  PsBuf b = PS_BUF_INIT;
  char chunk[65536];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      close(fd);
      ps_buf_free(&b);
      errno = e;
      return -1;
    }
    if (n == 0) break;
    ps_buf_append(&b, chunk, (size_t)n);
  }
  close(fd);
  *len = b.len;
  *out = ps_buf_steal(&b);
  return 0;
}

static int write_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

void ps_write_scope_init(PsWriteScope *self, const char *const *paths, size_t n) {
  self->roots = ps_xcalloc(n ? n : 1, sizeof(char *));
  self->n_roots = 0;
  for (size_t i = 0; i < (n ? n : 1); i++) {
    char *real = realpath(n ? paths[i] : ".", NULL);
    if (real) self->roots[self->n_roots++] = real;
  }
}

void ps_write_scope_free(PsWriteScope *self) {
  for (size_t i = 0; i < self->n_roots; i++) free(self->roots[i]);
  free(self->roots);
  memset(self, 0, sizeof *self);
}

/* Is the resolved path `real` a root or below one? */
static bool in_scope(const PsWriteScope *scope, const char *real) {
  if (!scope) return true;
  for (size_t i = 0; i < scope->n_roots; i++) {
    const char *root = scope->roots[i];
    size_t n = strlen(root);
    if (!strncmp(real, root, n) && (real[n] == '\0' || real[n] == '/' || (n == 1 && root[0] == '/')))
      return true;
  }
  return false;
}

/* Can the user write the file? As root every file can be opened for
 * writing, so there a file without any write bit (0444) counts as
 * read-only, as editors treat it. */
static bool writable(const char *path, const struct stat *st) {
  if (geteuid() == 0) return (st->st_mode & 0222) != 0;
  return faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) == 0;
}

static int pread_all(int fd, char *p, size_t n) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = pread(fd, p + got, n - got, (off_t)got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    got += (size_t)r;
  }
  return 0;
}

static int pwrite_all(int fd, const char *p, size_t n) {
  size_t done = 0;
  while (done < n) {
    ssize_t w = pwrite(fd, p + done, n - done, (off_t)done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return -1;
    done += (size_t)w;
  }
  return 0;
}

/* A file with several hard links: rewritten in place through one
 * descriptor, which must be the inode checked (and still hold what was
 * read). Space is reserved before the first byte changes, and the
 * termination signals are held off meanwhile, so the file is never left
 * half-written by a full disk or a Ctrl-C. */
static char *write_in_place(const char *target, const struct stat *st, const PsFileResult *r) {
  char *msg = NULL, *now = NULL;
  sigset_t old;
  bool blocked = false;
  int fd = open(target, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  struct stat fst;
  if (fd < 0 || fstat(fd, &fst) != 0) {
    msg = ps_xasprintf("cannot write the fixed file: %s", strerror(errno));
    goto cleanup;
  }
  if (fst.st_dev != st->st_dev || fst.st_ino != st->st_ino || (size_t)fst.st_size != r->read_len) {
    msg = ps_xasprintf("changed while it was being fixed; the fixes were not written");
    goto cleanup;
  }
  now = ps_xmalloc(r->read_len ? r->read_len : 1);
  if (pread_all(fd, now, r->read_len) != 0 || ps_hash_bytes(now, r->read_len) != r->read_hash) {
    msg = ps_xasprintf("changed while it was being fixed; the fixes were not written");
    goto cleanup;
  }
  if (r->fixed_len > r->read_len) {
    int e = posix_fallocate(fd, 0, (off_t)r->fixed_len);
    if (e != 0 && e != EOPNOTSUPP && e != EINVAL) {
      msg = ps_xasprintf("cannot write the fixed file: %s", strerror(e));
      goto cleanup;
    }
  }
  ps_tmpfiles_block(&old);
  blocked = true;
  if (pwrite_all(fd, r->fixed, r->fixed_len) != 0 || ftruncate(fd, (off_t)r->fixed_len) != 0 || fsync(fd) != 0)
    msg = ps_xasprintf("cannot write the fixed file: %s", strerror(errno));
cleanup:
  if (fd >= 0) close(fd);
  if (blocked) ps_tmpfiles_unblock(&old);
  free(now);
  return msg;
}

char *ps_run__write_fixed(const PsFileResult *r, const PsWriteScope *scope) {
  char *target = realpath(r->path, NULL), *tmp = NULL, *current = NULL, *msg = NULL;
  int fd = -1, slot = -1;
  struct stat st;
  if (!target || stat(target, &st) != 0) {
    msg = ps_xasprintf("cannot write the fixed file: %s", strerror(errno));
    goto cleanup;
  }
  if (!in_scope(scope, target)) {
    msg = ps_xasprintf("resolves to %s, outside the paths being checked; the fixes were not written", target);
    goto cleanup;
  }
  if (!S_ISREG(st.st_mode)) {
    msg = ps_xasprintf("cannot write the fixed file: not a regular file");
    goto cleanup;
  }
  size_t cur_len;
  if (read_all(target, &current, &cur_len) != 0) {
    msg = ps_xasprintf("cannot write the fixed file: cannot read it again: %s", strerror(errno));
    goto cleanup;
  }
  if (cur_len == r->fixed_len && !memcmp(current, r->fixed, cur_len)) goto cleanup; /* already so (a second link) */
  if (cur_len != r->read_len || ps_hash_bytes(current, cur_len) != r->read_hash) {
    msg = ps_xasprintf("changed while it was being fixed; the fixes were not written");
    goto cleanup;
  }
  if (!writable(target, &st)) {
    msg = geteuid() == 0 ? ps_xasprintf("read-only file (mode %04o); the fixes were not written",
                                        (unsigned)(st.st_mode & 07777))
                         : ps_xasprintf("no permission to write it; the fixes were not written");
    goto cleanup;
  }
  if (st.st_nlink > 1) {
    msg = write_in_place(target, &st, r);
    goto cleanup;
  }
  const char *slash = strrchr(target, '/');
  tmp = ps_xasprintf("%.*s/.%s.pyshift-XXXXXX", (int)(slash - target), target, slash + 1);
  if ((fd = mkstemp(tmp)) < 0) {
    msg = ps_xasprintf("cannot write the fixed file: cannot create a temporary file in %.*s: %s",
                       slash == target ? 1 : (int)(slash - target), target, strerror(errno));
    free(tmp);
    tmp = NULL;
    goto cleanup;
  }
  slot = ps_tmpfiles_add(tmp);
  /* Keep the owner (only root may) or at least the group (if we are in
   * it); otherwise the new file is ours, as an editor would leave it. */
  if (fchown(fd, st.st_uid, st.st_gid) != 0 && fchown(fd, (uid_t)-1, st.st_gid) != 0) {
  }
  if (write_all(fd, r->fixed, r->fixed_len) != 0 || fchmod(fd, st.st_mode & 07777) != 0 || fsync(fd) != 0) {
    msg = ps_xasprintf("cannot write the fixed file: %s", strerror(errno));
    goto cleanup;
  }
  if (close(fd) != 0) {
    fd = -1;
    msg = ps_xasprintf("cannot write the fixed file: %s", strerror(errno));
    goto cleanup;
  }
  fd = -1;
  if (rename(tmp, target) != 0) {
    msg = ps_xasprintf("cannot write the fixed file: cannot replace it: %s", strerror(errno));
    goto cleanup;
  }
  free(tmp);
  tmp = NULL;
  /* The rename is durable once the directory is synced. */
  char *dir = ps_xstrndup(target, slash == target ? 1 : (size_t)(slash - target));
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  free(dir);
cleanup:
  if (fd >= 0) close(fd);
  if (tmp) unlink(tmp);
  ps_tmpfiles_remove(slot);
  free(tmp);
  free(current);
  free(target);
  return msg;
}

char *ps_run__write_atomic(const char *path, const char *data, size_t n, bool durable) {
  const char *slash = strrchr(path, '/');
  char *tmp = slash ? ps_xasprintf("%.*s/.%s.pyshift-XXXXXX", (int)(slash - path), path, slash + 1)
                    : ps_xasprintf(".%s.pyshift-XXXXXX", path);
  char *msg = NULL;
  int fd = mkstemp(tmp), slot = -1;
  if (fd < 0) {
    msg = ps_xasprintf("cannot create a temporary file beside it: %s", strerror(errno));
    goto cleanup;
  }
  slot = ps_tmpfiles_add(tmp);
  struct stat st;
  mode_t mode = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? (st.st_mode & 07777) : 0644;
  if (write_all(fd, data, n) != 0 || fchmod(fd, mode) != 0 || (durable && fsync(fd) != 0)) {
    msg = ps_xasprintf("cannot write it: %s", strerror(errno));
    goto cleanup;
  }
  int c = close(fd);
  fd = -1;
  if (c != 0) {
    msg = ps_xasprintf("cannot write it: %s", strerror(errno));
    goto cleanup;
  }
  if (rename(tmp, path) != 0) msg = ps_xasprintf("cannot replace it: %s", strerror(errno));
cleanup:
  if (fd >= 0) close(fd);
  if (msg) unlink(tmp);
  ps_tmpfiles_remove(slot);
  free(tmp);
  return msg;
}
