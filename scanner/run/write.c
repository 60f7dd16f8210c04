/* write.c: writing a fixed file back (--fix).
 *
 * The main thread calls this for each file in path order, before the file
 * is reported, so that a file that cannot be written is reported as it is
 * on disk. The write is atomic (temporary file in the same directory,
 * fsync, rename) and goes through symlinks to their target.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

char *ps_run__write_fixed(const PsFileResult *r) {
  char *target = realpath(r->path, NULL), *tmp = NULL, *current = NULL, *msg = NULL;
  int fd = -1;
  struct stat st;
  if (!target || stat(target, &st) != 0) {
    msg = ps_xasprintf("cannot write the fixed file: %s", strerror(errno));
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
  const char *slash = strrchr(target, '/');
  tmp = ps_xasprintf("%.*s/.%s.pyshift-XXXXXX", (int)(slash - target), target, slash + 1);
  if ((fd = mkstemp(tmp)) < 0) {
    msg = ps_xasprintf("cannot write the fixed file: cannot create a temporary file in %.*s: %s",
                       slash == target ? 1 : (int)(slash - target), target, strerror(errno));
    free(tmp);
    tmp = NULL;
    goto cleanup;
  }
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
  free(tmp);
  free(current);
  free(target);
  return msg;
}
