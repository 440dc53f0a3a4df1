/* hostfwd.h: parse a QEMU-style --hostfwd rule; pure, so it is unit-tested without libslirp. */
#ifndef UNIKVM_SLIRP_HOSTFWD_H
#define UNIKVM_SLIRP_HOSTFWD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hostfwd {
  bool udp;
  struct in_addr host_addr; /* network byte order, as libslirp takes it */
  uint16_t host_port;
  struct in_addr guest_addr;
  uint16_t guest_port;
};

/*
 * Parses "PROTO:[HOSTADDR:]HOSTPORT-[GUESTADDR]:GUESTPORT" (PROTO tcp or udp; QEMU's
 * "tcp::8080-:80" also works). The host address defaults to 127.0.0.1, the guest address to
 * 10.0.2.15. Returns 0, or -1 with a short reason (no "what:" prefix) in WHY.
 */
int hostfwd_parse(const char *spec, struct hostfwd *fwd, char *why, size_t why_len);

#endif
