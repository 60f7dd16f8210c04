/* vcs.c: where a scan sits in git, for SARIF. The top of the work tree is
 * the base of artifact URIs (GitHub resolves them against the repository
 * root, whatever directory the scan ran from), and the remote, commit and
 * branch fill versionControlProvenance.
 *
 * It reads .git itself (no git binary, no libgit2): a `.git` directory or a
 * `.git` file ("gitdir: ..."), a linked worktree's `commondir`, HEAD, loose
 * refs and packed-refs, and the `url` of a remote in the config. Anything
 * unreadable just leaves that field out: this never fails a run.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report/report.h"

/* The first line of a small file, without its line break; NULL if none. */
static char *first_line(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return NULL;
  char buf[4096];
  char *line = fgets(buf, sizeof buf, f) ? ps_xstrdup(buf) : NULL;
  fclose(f);
  if (line) line[strcspn(line, "\r\n")] = '\0';
  return line;
}

static bool is_object_id(const char *s) {
  size_t n = strlen(s);
  if (n != 40 && n != 64) return false;
  for (size_t i = 0; i < n; i++)
    if (!isxdigit((unsigned char)s[i])) return false;
  return true;
}

/* `rel` read relative to `base` unless it is absolute. Heap. */
static char *resolve_in(const char *base, const char *rel) {
  return rel[0] == '/' ? ps_xstrdup(rel) : ps_xasprintf("%s/%s", base, rel);
}

/* The object id a ref names: a loose ref in the worktree's own git dir or
 * the common one, else packed-refs. NULL if none (an unborn branch). */
static char *resolve_ref(const char *gitdir, const char *common, const char *ref) {
  if (strstr(ref, "..")) return NULL;
  const char *dirs[2] = {gitdir, common};
  for (int i = 0; i < 2; i++) {
    char *p = ps_xasprintf("%s/%s", dirs[i], ref);
    char *id = first_line(p);
    free(p);
    if (id && is_object_id(id)) return id;
    free(id);
  }
  char *packed = ps_xasprintf("%s/packed-refs", common);
  FILE *f = fopen(packed, "r");
  free(packed);
  if (!f) return NULL;
  char line[4096];
  char *found = NULL;
  size_t rl = strlen(ref);
  while (!found && fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = '\0';
    char *sp = strchr(line, ' ');
    if (!sp || line[0] == '#' || line[0] == '^') continue;
    *sp = '\0';
    if (strlen(sp + 1) == rl && !strcmp(sp + 1, ref) && is_object_id(line)) found = ps_xstrdup(line);
  }
  fclose(f);
  return found;
}

/* The value of `url` in [remote "origin"] of a git config, else of the
 * first remote that has one. Enough of git's config syntax for what `git
 * remote add` and `git clone` write. */
static char *remote_url(const char *config_path) {
  FILE *f = fopen(config_path, "r");
  if (!f) return NULL;
  char line[8192];
  char *origin = NULL, *first = NULL;
  bool in_remote = false, in_origin = false;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = '\0';
    char *s = line;
    while (*s == ' ' || *s == '\t') s++;
    if (*s == '[') {
      in_remote = !strncasecmp(s, "[remote \"", 9);
      in_origin = in_remote && !strncmp(s + 9, "origin\"]", 8);
      continue;
    }
    if (!in_remote || strncasecmp(s, "url", 3)) continue;
    char *v = s + 3;
    while (*v == ' ' || *v == '\t') v++;
    if (*v != '=') continue;
    v++;
    while (*v == ' ' || *v == '\t') v++;
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t')) v[--n] = '\0';
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') v[n - 1] = '\0', v++;
    if (!*v) continue;
    if (in_origin && !origin) origin = ps_xstrdup(v);
    if (!first) first = ps_xstrdup(v);
  }
  fclose(f);
  if (origin) {
    free(first);
    return origin;
  }
  return first;
}

static char *file_uri(const char *abs_path) {
  char *enc = ps_report_uri_encode(abs_path);
  size_t n = strlen(enc);
  char *uri = ps_xasprintf("file://%s%s", enc, n && enc[n - 1] == '/' ? "" : "/");
  free(enc);
  return uri;
}

char *ps_report_remote_uri(const char *url, const char *top) {
  const char *scheme = strstr(url, "://");
  if (scheme) {
    /* Drop any user and password: CI clones often carry a token there. */
    const char *auth = scheme + 3;
    const char *host_end = auth + strcspn(auth, "/?#");
    const char *at = NULL;
    for (const char *p = auth; p < host_end; p++)
      if (*p == '@') at = p;
    if (!at) return ps_xstrdup(url);
    return ps_xasprintf("%.*s%s", (int)(auth - url), url, at + 1);
  }
  /* scp-like "[user@]host:path" (a colon before any slash). */
  const char *colon = strchr(url, ':'), *slash = strchr(url, '/');
  if (colon && colon != url && (!slash || colon < slash)) {
    const char *at = memchr(url, '@', (size_t)(colon - url));
    const char *host = at ? at + 1 : url;
    const char *path = colon + 1;
    return ps_xasprintf("ssh://%.*s/%s", (int)(colon - host), host, path[0] == '/' ? path + 1 : path);
  }
  /* A local path: a file URI of the directory it names. */
  char *abs = resolve_in(top ? top : "/", url);
  char *real = realpath(abs, NULL);
  char *uri = file_uri(real ? real : abs);
  free(real);
  free(abs);
  return uri;
}

int ps_report_vcs_find(PsVcsInfo *out, const char *start) {
  memset(out, 0, sizeof *out);
  char *dir = realpath(start && start[0] ? start : ".", NULL);
  if (!dir) return -1;
  struct stat st;
  if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
    char *slash = strrchr(dir, '/');
    if (slash == dir) slash[1] = '\0';
    else if (slash) *slash = '\0';
  }
  char *gitdir = NULL;
  for (;;) {
    char *dotgit = ps_xasprintf("%s%s.git", dir, strcmp(dir, "/") ? "/" : "");
    if (lstat(dotgit, &st) == 0 && S_ISDIR(st.st_mode)) {
      gitdir = dotgit;
      break;
    }
    if (lstat(dotgit, &st) == 0 && S_ISREG(st.st_mode)) {
      char *line = first_line(dotgit);
      if (line && !strncmp(line, "gitdir: ", 8)) gitdir = resolve_in(dir, line + 8);
      free(line);
      free(dotgit);
      if (gitdir) break;
    } else {
      free(dotgit);
    }
    if (!strcmp(dir, "/")) break;
    char *slash = strrchr(dir, '/');
    if (slash == dir) slash[1] = '\0';
    else *slash = '\0';
  }
  if (!gitdir) {
    free(dir);
    return -1;
  }
  out->root = dir;
  char *cd_path = ps_xasprintf("%s/commondir", gitdir);
  char *cd = first_line(cd_path);
  free(cd_path);
  char *common = cd && cd[0] ? resolve_in(gitdir, cd) : ps_xstrdup(gitdir);
  free(cd);

  char *head_path = ps_xasprintf("%s/HEAD", gitdir);
  char *head = first_line(head_path);
  free(head_path);
  if (head && !strncmp(head, "ref: ", 5)) {
    const char *ref = head + 5;
    if (!strncmp(ref, "refs/heads/", 11) && ref[11]) out->branch = ps_xstrdup(ref + 11);
    out->revision = resolve_ref(gitdir, common, ref);
  } else if (head && is_object_id(head)) {
    out->revision = ps_xstrdup(head);
  }
  free(head);

  char *config = ps_xasprintf("%s/config", common);
  char *url = remote_url(config);
  free(config);
  out->repository_uri = url ? ps_report_remote_uri(url, out->root) : file_uri(out->root);
  free(url);
  free(common);
  free(gitdir);
  return 0;
}

void ps_report_vcs_free(PsVcsInfo *self) {
  if (!self) return;
  free(self->root);
  free(self->repository_uri);
  free(self->revision);
  free(self->branch);
  memset(self, 0, sizeof *self);
}
