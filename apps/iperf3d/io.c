/* io.c: control-channel I/O. Every wait is a poll() with the time that is left, so a client
 * that stops talking costs a timeout, never a hung server. */
#define _DEFAULT_SOURCE
#include "io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "proto.h"

double io_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int wait_for(int fd, short events, double deadline) {
  for (;;) {
    double left = deadline - io_now();
    if (left <= 0)
      return -1;
    struct pollfd p = {.fd = fd, .events = events};
    int r = poll(&p, 1, (int)(left * 1000) + 1);
    if (r > 0)
      return 0;
    if (r < 0 && errno != EINTR)
      return -1;
  }
}

int io_read_full(int fd, void *buf, size_t len, int timeout_ms) {
  double deadline = io_now() + timeout_ms / 1000.0;
  size_t done = 0;
  while (done < len) {
    ssize_t n = recv(fd, (char *)buf + done, len - done, 0);
    if (n > 0) {
      done += (size_t)n;
    } else if (n == 0) {
      return -1;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (wait_for(fd, POLLIN, deadline) != 0)
        return -1;
    } else if (errno != EINTR) {
      return -1;
    }
  }
  return 0;
}

int io_write_full(int fd, const void *buf, size_t len, int timeout_ms) {
  double deadline = io_now() + timeout_ms / 1000.0;
  size_t done = 0;
  while (done < len) {
    ssize_t n = send(fd, (const char *)buf + done, len - done, 0);
    if (n >= 0) {
      done += (size_t)n;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (wait_for(fd, POLLOUT, deadline) != 0)
        return -1;
    } else if (errno != EINTR) {
      return -1;
    }
  }
  return 0;
}

int io_send_state(int fd, signed char state) {
  return io_write_full(fd, &state, 1, 5000);
}

int io_send_int32(int fd, int value) {
  uint32_t be = htonl((uint32_t)value);
  return io_write_full(fd, &be, sizeof be, 5000);
}

char *io_read_json(int fd, int timeout_ms) {
  uint32_t be;
  if (io_read_full(fd, &be, sizeof be, timeout_ms) != 0)
    return NULL;
  uint32_t len = ntohl(be);
  if (len > MAX_JSON)
    return NULL;
  char *json = malloc((size_t)len + 1);
  if (!json)
    return NULL;
  if (io_read_full(fd, json, len, timeout_ms) != 0) {
    free(json);
    return NULL;
  }
  json[len] = '\0';
  return json;
}

int io_write_json(int fd, const char *json, size_t len) {
  uint32_t be = htonl((uint32_t)len);
  if (io_write_full(fd, &be, sizeof be, 5000) != 0)
    return -1;
  return io_write_full(fd, json, len, 5000);
}
