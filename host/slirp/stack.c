/* stack.c: the libslirp instance and the callbacks it needs from this process. */
#include "stack.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../clock_ns.h"
#include "frames.h"
#include "netconf.h"
#include "timers.h"

#define GUEST_ERROR_BURST  5     /* lines per window... */
#define GUEST_ERROR_WINDOW 10000 /* ...of this many ms: a guest must not flood unikvm's stderr */

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque) {
  (void)opaque;
  frames_queue(buf, len);
  /* Always "sent": slirp logs a critical error for anything less, and a frame dropped on a full
   * socket is recovered by TCP like a frame lost on the wire. */
  return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque) {
  (void)opaque;
  static int64_t window_start;
  static unsigned printed, suppressed;
  int64_t now_ms = (int64_t)clock_ns(CLOCK_MONOTONIC) / 1000000;
  if (now_ms - window_start >= GUEST_ERROR_WINDOW) {
    if (suppressed)
      fprintf(stderr, "unikvm-slirp: guest error: %u more suppressed\n", suppressed);
    window_start = now_ms;
    printed = suppressed = 0;
  }
  if (printed < GUEST_ERROR_BURST) {
    printed++;
    fprintf(stderr, "unikvm-slirp: guest error: %s\n", msg);
  } else {
    suppressed++;
  }
}

static int64_t cb_clock_get_ns(void *opaque) {
  (void)opaque;
  return (int64_t)clock_ns(CLOCK_MONOTONIC);
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque) {
  (void)opaque;
  return timer_create_cb(cb, cb_opaque);
}

static void cb_timer_free(void *timer, void *opaque) {
  (void)opaque;
  timer_destroy(timer);
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque) {
  (void)opaque;
  timer_arm(timer, expire_ms);
}

/* The main loop rebuilds its poll set from slirp_pollfds_fill every time, and runs on one
 * thread, so there is nothing to register and no one to wake. */
static void cb_poll_fd(int fd, void *opaque) {
  (void)fd;
  (void)opaque;
}

static void cb_notify(void *opaque) {
  (void)opaque;
}

static const SlirpCb callbacks = {
    .send_packet = cb_send_packet,
    .guest_error = cb_guest_error,
    .clock_get_ns = cb_clock_get_ns,
    .timer_new = cb_timer_new,
    .timer_free = cb_timer_free,
    .timer_mod = cb_timer_mod,
    .register_poll_fd = cb_poll_fd,
    .unregister_poll_fd = cb_poll_fd,
    .notify = cb_notify,
};

Slirp *stack_create(const struct args *args, char *err, size_t err_len) {
  SlirpConfig cfg = {
      .version = 4,
      .restricted = args->restrict_guest,
      .in_enabled = true,
      .vnetwork = {htonl(NETCONF_NETWORK)},
      .vnetmask = {htonl(NETCONF_NETMASK)},
      .vhost = {htonl(NETCONF_HOST)},
      .in6_enabled = false,
      .vdhcp_start = {htonl(NETCONF_DHCP_START)},
      .vnameserver = {htonl(NETCONF_DNS)},
  };
  Slirp *slirp = slirp_new(&cfg, &callbacks, NULL);
  if (!slirp)
    snprintf(err, err_len, "libslirp %s: cannot create the network stack", slirp_version_string());
  return slirp;
}

int stack_add_hostfwds(Slirp *slirp, const struct args *args, char *err, size_t err_len) {
  for (size_t i = 0; i < args->hostfwd_count; i++) {
    const struct hostfwd *f = &args->hostfwd[i];
    errno = 0;
    if (slirp_add_hostfwd(slirp, f->udp, f->host_addr, f->host_port, f->guest_addr,
                          f->guest_port) != 0) {
      char addr[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, &f->host_addr, addr, sizeof(addr));
      snprintf(err, err_len, "--hostfwd %s: cannot listen on %s:%u: %s", args->hostfwd_spec[i],
               addr, f->host_port, errno ? strerror(errno) : "libslirp refused it");
      return -1;
    }
  }
  return 0;
}

void stack_announce_guest(Slirp *slirp, const uint8_t mac[6]) {
  uint8_t frame[42] = {0};
  uint32_t ip = htonl(NETCONF_DHCP_START);
  memset(frame, 0xff, 6); /* broadcast, as a real gratuitous ARP */
  memcpy(frame + 6, mac, 6);
  frame[12] = 0x08, frame[13] = 0x06; /* ARP */
  frame[15] = 1;                      /* hardware: Ethernet */
  frame[16] = 0x08, frame[17] = 0x00; /* protocol: IPv4 */
  frame[18] = 6, frame[19] = 4;       /* address lengths */
  frame[21] = 1;                      /* request: sender IP == target IP makes it gratuitous */
  memcpy(frame + 22, mac, 6);
  memcpy(frame + 28, &ip, 4);
  memcpy(frame + 38, &ip, 4);
  slirp_input(slirp, frame, sizeof(frame));
}
