/*
 * reaper: run a command as our child and reap, at once, every orphan that the
 * kernel re-parents to us — what systemd (PID 1) does for libvirtd on a real host.
 *
 *   reaper COMMAND [ARG...]     exits with COMMAND's status once COMMAND has exited
 *
 * Why the rig needs it: libvirt starts QEMU daemonized, so QEMU's parent is
 * whichever process reaps orphans. libvirt's destroy waits until the QEMU
 * process is gone, and an exited but unreaped process still counts as alive.
 * Some sandboxes' PID 1 reaps only about once a second, which added 1-2 s to
 * every destroy (bench/cancel.js measured it). As a child subreaper
 * (PR_SET_CHILD_SUBREAPER) we receive those orphans instead and reap them the
 * moment they exit. SIGTERM/SIGINT/SIGHUP are passed on to COMMAND.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile pid_t child = -1;

static void forward(int sig) {
  if (child > 0) kill(child, sig);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: reaper COMMAND [ARG...]\n");
    return 2;
  }
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    fprintf(stderr, "reaper: prctl(PR_SET_CHILD_SUBREAPER): %s\n", strerror(errno));
    return 1;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = forward;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);

  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "reaper: fork: %s\n", strerror(errno));
    return 1;
  }
  if (pid == 0) {
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    execvp(argv[1], argv + 1);
    fprintf(stderr, "reaper: cannot run %s: %s\n", argv[1], strerror(errno));
    _exit(127);
  }
  child = pid;

  for (;;) {
    int status;
    pid_t done = waitpid(-1, &status, 0);
    if (done < 0) {
      if (errno == EINTR) continue;
      return 1; /* ECHILD: cannot happen while COMMAND lives */
    }
    if (done != pid) continue; /* an orphan: reaped, nothing else to do */
    /* COMMAND is gone. Orphans that outlive it (QEMU outlives libvirtd by design)
       go to PID 1 when we exit, as they would on a host where libvirtd stopped. */
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 1;
  }
}
