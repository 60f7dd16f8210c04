/* test_run_write.c: writing a fixed file back (run/write.c): content and
 * mode bits, symlinks, a file changed since it was read, a file already
 * fixed through another path, a missing file, no temporary files left. */
#include <dirent.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "run/run_internal.h"

static char dir[] = "/tmp/pyshift-write-test.XXXXXX";

static void put(const char *path, const char *s) {
  FILE *f = fopen(path, "wb");
  fputs(s, f);
  fclose(f);
}

static char *get(const char *path) {
  static char buf[256];
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

/* A result for `path` read as `was` and fixed to `now`. */
static PsFileResult result(char *path, const char *was, const char *now) {
  PsFileResult r = {0};
  r.path = path;
  r.fixed = (char *)now;
  r.fixed_len = strlen(now);
  r.read_len = strlen(was);
  r.read_hash = ps_hash_bytes(was, strlen(was));
  return r;
}

static size_t entries(void) {
  size_t n = 0;
  DIR *d = opendir(dir);
  for (struct dirent *e; (e = readdir(d));) n += e->d_name[0] != '.' || strstr(e->d_name, "pyshift-") != NULL;
  closedir(d);
  return n;
}

int main(void) {
  if (!mkdtemp(dir)) return 1;
  char f[128], l[128], g[128];
  snprintf(f, sizeof f, "%s/f.py", dir);
  snprintf(l, sizeof l, "%s/l.py", dir);
  snprintf(g, sizeof g, "%s/gone.py", dir);

  put(f, "x: typing.Text\n");
  chmod(f, 0640);
  PsFileResult r = result(f, "x: typing.Text\n", "x: str\n");
  char *why = ps_run__write_fixed(&r, NULL);
  CHECK(why == NULL, "written: %s", why);
  CHECK_STR(get(f), "x: str\n");
  struct stat st;
  stat(f, &st);
  CHECK_INT(st.st_mode & 07777, 0640);

  /* Through a symlink: the target changes, the link stays. */
  CHECK(symlink("f.py", l) == 0, "symlink");
  r = result(l, "x: str\n", "y: str\n");
  why = ps_run__write_fixed(&r, NULL);
  CHECK(why == NULL, "written through the link: %s", why);
  CHECK_STR(get(f), "y: str\n");
  CHECK(lstat(l, &st) == 0 && S_ISLNK(st.st_mode), "still a link");

  /* Already what the fix makes it: nothing to do, no error. */
  r = result(f, "x: str\n", "y: str\n");
  why = ps_run__write_fixed(&r, NULL);
  CHECK(why == NULL, "already fixed: %s", why);

  /* Changed since it was read: not written. */
  r = result(f, "x: str\n", "z: str\n");
  why = ps_run__write_fixed(&r, NULL);
  CHECK(why && strstr(why, "changed while it was being fixed"), "changed: %s", why ? why : "(null)");
  CHECK_STR(get(f), "y: str\n");
  free(why);

  r = result(g, "a\n", "b\n");
  why = ps_run__write_fixed(&r, NULL);
  CHECK(why && strstr(why, "cannot write the fixed file: No such file or directory"), "missing: %s",
        why ? why : "(null)");
  free(why);

  /* Issue 14 item 15: a registered temporary file is removed when SIGTERM
   * ends the process, which still dies of the signal. */
  char t[128];
  snprintf(t, sizeof t, "%s/.x.pyshift-tmp", dir);
  pid_t pid = fork();
  if (pid == 0) {
    ps_tmpfiles_install();
    put(t, "partial");
    ps_tmpfiles_add(t);
    raise(SIGTERM);
    _exit(0); /* not reached */
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "killed by SIGTERM (status %d)", status);
  CHECK(access(t, F_OK) != 0, "temporary file removed by the handler");

  CHECK_INT(entries(), 2); /* f.py and l.py, no temporary files */
  unlink(l);
  unlink(f);
  rmdir(dir);
  return CHECK_DONE();
}
