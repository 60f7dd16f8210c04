/* replay_main.c: a standalone driver for the libFuzzer targets.
 *
 * Linked with one *_fuzz.c instead of libFuzzer, it feeds every file named
 * on the command line (directories: every regular file in them, sorted, one
 * level deep, skipping dot files and README.md) to LLVMFuzzerTestOneInput,
 * once each, after calling LLVMFuzzerInitialize if the target defines it.
 * Each input is copied into a heap buffer of exactly its size, as libFuzzer
 * does, so ASan sees reads past the end. This lets ctest replay the corpora
 * under any compiler (fuzz.replay.<target>) and reproduces a crash file
 * without clang.
 *
 *   <target>_replay [-v] FILE_OR_DIR...
 *
 * -v names each input on stderr before running it. Exit 0 after replaying everything, 1 if a file cannot be read or nothing
 * was given; a crash in the target ends the process as it would under
 * libFuzzer, after naming the input on stderr.
 */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
/* Provided by the sanitizer runtimes when they are linked. */
void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

static const char *current; /* the input being run, for crash reports */
static int verbose;

static void name_current(void) {
  if (!current) return;
  static const char pre[] = "replay: crashed on input ";
  ssize_t r = write(2, pre, sizeof pre - 1);
  r = write(2, current, strlen(current));
  r = write(2, "\n", 1);
  (void)r;
}

static void on_signal(int sig) {
  name_current();
  signal(sig, SIG_DFL);
  raise(sig);
}

static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: %s: cannot open\n", path);
    return -1;
  }
  size_t cap = 4096, n = 0;
  uint8_t *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) buf = realloc(buf, cap *= 2);
  }
  int bad = !buf || ferror(f);
  fclose(f);
  if (bad) {
    fprintf(stderr, "replay: %s: read error\n", path);
    free(buf);
    return -1;
  }
  /* An exact-size copy: reading data[size] must be an ASan error. */
  uint8_t *exact = malloc(n ? n : 1);
  if (n) memcpy(exact, buf, n);
  free(buf);
  if (verbose) fprintf(stderr, "replay: %s (%zu bytes)\n", path, n);
  current = path;
  LLVMFuzzerTestOneInput(exact, n);
  current = NULL;
  free(exact);
  return 0;
}

static int skip_name(const char *name) { return name[0] == '.' || !strcmp(name, "README.md"); }

static int by_name(const struct dirent **a, const struct dirent **b) {
  return strcmp((*a)->d_name, (*b)->d_name);
}

/* Returns the number of inputs run, or -1 on an unreadable file. */
static long run_path(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    fprintf(stderr, "replay: %s: no such file or directory\n", path);
    return -1;
  }
  if (!S_ISDIR(st.st_mode)) return run_file(path) == 0 ? 1 : -1;
  struct dirent **ents;
  int n = scandir(path, &ents, NULL, by_name);
  if (n < 0) {
    fprintf(stderr, "replay: %s: cannot list\n", path);
    return -1;
  }
  long count = 0;
  int failed = 0;
  for (int i = 0; i < n; i++) {
    if (!skip_name(ents[i]->d_name)) {
      size_t len = strlen(path) + strlen(ents[i]->d_name) + 2;
      char *full = malloc(len);
      snprintf(full, len, "%s/%s", path, ents[i]->d_name);
      if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
        if (run_file(full) == 0) count++;
        else failed = 1;
      }
      free(full);
    }
    free(ents[i]);
  }
  free(ents);
  return failed ? -1 : count;
}

int main(int argc, char **argv) {
  int first = 1;
  for (; first < argc && argv[first][0] == '-' && argv[first][1]; first++) {
    const char *a = argv[first];
    if (!strcmp(a, "-v")) {
      verbose = 1;
    } else if (!strcmp(a, "--")) {
      first++;
      break;
    } else {
      fprintf(stderr, "usage: %s [-v] FILE_OR_DIR...\n", argv[0]);
      return 1;
    }
  }
  if (first >= argc) {
    fprintf(stderr, "usage: %s [-v] FILE_OR_DIR...\n", argv[0]);
    return 1;
  }
  if (__sanitizer_set_death_callback) {
    /* ASan reports SEGV itself; its handler must stay installed. */
    __sanitizer_set_death_callback(name_current);
  } else {
    signal(SIGSEGV, on_signal);
    signal(SIGBUS, on_signal);
    signal(SIGFPE, on_signal);
  }
  signal(SIGABRT, on_signal); /* assert(); sanitizers leave SIGABRT alone by default */
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  long total = 0;
  int failed = 0;
  for (int i = first; i < argc; i++) {
    long n = run_path(argv[i]);
    if (n < 0) failed = 1;
    else total += n;
  }
  printf("replayed %ld input%s\n", total, total == 1 ? "" : "s");
  return failed ? 1 : 0;
}
