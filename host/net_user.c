/* net_user.c: the user-mode backend: a unikvm-slirp helper process runs the libslirp stack. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net.h"
#include "net_ring.h"

#define USER_MTU        1500
#define MAX_HELPER_ARGS 64

extern char **environ;

/* Turns "hostfwd=tcp:8080-:80,restrict=on" into the helper's argv. */
static int helper_argv(const char *helper, char *opts, const char *mac, char **argv, char *err,
                       size_t errlen) {
  int n = 0;
  argv[n++] = (char *)helper;
  for (char *save = NULL, *opt = strtok_r(opts, ",", &save); opt;
       opt = strtok_r(NULL, ",", &save)) {
    if (n > MAX_HELPER_ARGS - 5) {
      snprintf(err, errlen, "user: too many options");
      return -1;
    }
    if (strncmp(opt, "hostfwd=", 8) == 0) {
      argv[n++] = "--hostfwd";
      argv[n++] = opt + 8;
    } else if (strcmp(opt, "restrict=on") == 0) {
      argv[n++] = "--restrict"; /* options_parse() allows nothing else but restrict=off */
    }
  }
  argv[n++] = "--mac";
  argv[n++] = (char *)mac;
  argv[n] = NULL;
  return 0;
}

/* Waits until the helper has set up: it writes one byte to fd 4 then, or it exits. */
static int wait_ready(pid_t pid, int ready_fd) {
  char byte;
  ssize_t n;
  while ((n = read(ready_fd, &byte, 1)) < 0 && errno == EINTR)
    ;
  close(ready_fd);
  if (n == 1)
    return NET_OPEN_OK;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  /* It printed its own one-line reason; exit status 2 means bad options. */
  return WIFEXITED(status) && WEXITSTATUS(status) == 2 ? NET_OPEN_HELPER_USAGE
                                                       : NET_OPEN_HELPER_FAILED;
}

void net_close(struct net_device *net) {
  net_ring_stop(net->ring); /* it reads and writes the fd */
  close(net->fd);
  /* The helper exits on EOF; reap it so that it is gone when unikvm is. */
  if (net->helper_pid > 0)
    while (waitpid(net->helper_pid, NULL, 0) < 0 && errno == EINTR)
      ;
}

int net_user_open(struct net_device *net, const char *helper, const char *args, char *err,
                  size_t errlen) {
  char opts[4096], mac[18], *argv[MAX_HELPER_ARGS];
  snprintf(opts, sizeof(opts), "%s", args);
  net_random_mac(net);
  snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", net->mac[0], net->mac[1], net->mac[2],
           net->mac[3], net->mac[4], net->mac[5]);
  if (helper_argv(helper, opts, mac, argv, err, errlen) < 0)
    return -1;
  int sv[2], ready[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0 ||
      pipe2(ready, O_CLOEXEC) < 0) {
    snprintf(err, errlen, "user: %s", strerror(errno));
    return -1;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, sv[1], 3);
  posix_spawn_file_actions_adddup2(&fa, ready[1], 4);
  pid_t pid;
  int rc = posix_spawn(&pid, helper, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(sv[1]);
  close(ready[1]);
  if (rc != 0) {
    snprintf(err, errlen, "user: cannot start %s: %s", helper, strerror(rc));
    close(sv[0]);
    close(ready[0]);
    return -1;
  }
  rc = wait_ready(pid, ready[0]);
  if (rc != NET_OPEN_OK) {
    close(sv[0]);
    return rc;
  }
  fcntl(sv[0], F_SETFL, O_NONBLOCK);
  /* AF_UNIX charges queued frames to the sender: let a burst of guest frames wait. */
  int sndbuf = 1 << 20;
  setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
  net->fd = sv[0];
  net->message_socket = true;
  net->helper_pid = pid;
  net->mtu = USER_MTU;
  return 0;
}
