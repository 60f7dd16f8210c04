/* tmpfiles.c: temporary files removed when SIGINT, SIGTERM or SIGHUP end
 * the run.
 *
 * Reports (`-o`, `--format F=PATH`) and `--fix` write a temporary file
 * and rename it into place. A signal between the two used to leave the
 * temporary behind. Each live temporary is registered here; the handler
 * unlinks every registered path (unlink is async-signal-safe), restores
 * the default disposition and raises the signal again, so the exit status
 * still says "killed by SIGINT".
 *
 * The registry is a fixed array of atomic pointers: the handler only
 * loads them, the main thread stores a path (its own copy, made before
 * registering) or NULL. A full registry (never more than a handful of
 * files are live) just leaves that file unregistered.
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run/run_internal.h"

#define TMP_SLOTS 64

static _Atomic(char *) slots[TMP_SLOTS];
static const int SIGNALS[] = {SIGINT, SIGTERM, SIGHUP};

static void on_signal(int sig) {
  for (size_t i = 0; i < TMP_SLOTS; i++) {
    char *p = atomic_load(&slots[i]);
    if (p) unlink(p);
  }
  signal(sig, SIG_DFL);
  raise(sig); /* delivered once this handler returns */
}

void ps_tmpfiles_install(void) {
  for (size_t i = 0; i < sizeof SIGNALS / sizeof SIGNALS[0]; i++) {
    struct sigaction old, sa;
    /* A signal the parent chose to ignore (nohup, `cmd &` in a script)
     * stays ignored. */
    if (sigaction(SIGNALS[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t k = 0; k < sizeof SIGNALS / sizeof SIGNALS[0]; k++) sigaddset(&sa.sa_mask, SIGNALS[k]);
    sigaction(SIGNALS[i], &sa, NULL);
  }
}

void ps_tmpfiles_block(sigset_t *old) {
  sigset_t set;
  sigemptyset(&set);
  for (size_t i = 0; i < sizeof SIGNALS / sizeof SIGNALS[0]; i++) sigaddset(&set, SIGNALS[i]);
  pthread_sigmask(SIG_BLOCK, &set, old);
}

void ps_tmpfiles_unblock(const sigset_t *old) { pthread_sigmask(SIG_SETMASK, old, NULL); }

int ps_tmpfiles_add(const char *path) {
  char *copy = ps_xstrdup(path);
  for (int i = 0; i < TMP_SLOTS; i++) {
    char *expected = NULL;
    if (atomic_compare_exchange_strong(&slots[i], &expected, copy)) return i;
  }
  free(copy);
  return -1;
}

void ps_tmpfiles_remove(int slot) {
  if (slot < 0 || slot >= TMP_SLOTS) return;
  free(atomic_exchange(&slots[slot], NULL));
}
