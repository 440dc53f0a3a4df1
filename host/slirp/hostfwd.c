/* hostfwd.c: parse a QEMU-style --hostfwd rule into addresses and ports. */
#include "hostfwd.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "netconf.h"

/* Decimal digits only: "+80", " 80" or "0x50" are typos, not ports. */
static int parse_port(const char *text, size_t len, uint16_t *port) {
  if (len == 0 || len > 5)
    return -1;
  unsigned value = 0;
  for (size_t i = 0; i < len; i++) {
    if (text[i] < '0' || text[i] > '9')
      return -1;
    value = value * 10 + (unsigned)(text[i] - '0');
  }
  if (value == 0 || value > 65535)
    return -1;
  *port = (uint16_t)value;
  return 0;
}

/* An empty address keeps the default already in *addr. */
static int parse_addr(const char *text, size_t len, struct in_addr *addr) {
  char buf[INET_ADDRSTRLEN];
  if (len == 0)
    return 0;
  if (len >= sizeof(buf))
    return -1;
  memcpy(buf, text, len);
  buf[len] = 0;
  return inet_pton(AF_INET, buf, addr) == 1 ? 0 : -1;
}

/* "[ADDR:]PORT" or ":PORT": splits at the last colon. */
static int parse_endpoint(const char *text, size_t len, struct in_addr *addr, uint16_t *port,
                          const char *side, char *why, size_t why_len) {
  const char *colon = memrchr(text, ':', len);
  const char *port_text = colon ? colon + 1 : text;
  size_t port_len = len - (size_t)(port_text - text);
  if (colon && parse_addr(text, (size_t)(colon - text), addr) != 0) {
    snprintf(why, why_len, "bad %s address '%.*s'", side, (int)(colon - text), text);
    return -1;
  }
  if (parse_port(port_text, port_len, port) != 0) {
    snprintf(why, why_len, "bad %s port '%.*s' (1-65535)", side, (int)port_len, port_text);
    return -1;
  }
  return 0;
}

int hostfwd_parse(const char *spec, struct hostfwd *fwd, char *why, size_t why_len) {
  struct hostfwd out = {
      .host_addr = {htonl(NETCONF_HOSTFWD_BIND)},
      .guest_addr = {htonl(NETCONF_DHCP_START)},
  };
  const char *colon = strchr(spec, ':');
  if (!colon) {
    snprintf(why, why_len, "expected tcp|udp:[HOSTADDR:]HOSTPORT-[GUESTADDR]:GUESTPORT");
    return -1;
  }
  size_t proto_len = (size_t)(colon - spec);
  if (proto_len == 3 && memcmp(spec, "udp", 3) == 0) {
    out.udp = true;
  } else if (!(proto_len == 0 || (proto_len == 3 && memcmp(spec, "tcp", 3) == 0))) {
    snprintf(why, why_len, "bad protocol '%.*s' (tcp or udp)", (int)proto_len, spec);
    return -1;
  }
  const char *host = colon + 1;
  const char *dash = strchr(host, '-');
  if (!dash || strchr(dash + 1, '-')) {
    snprintf(why, why_len, "expected one '-' between the host and the guest side");
    return -1;
  }
  const char *guest = dash + 1;
  if (parse_endpoint(host, (size_t)(dash - host), &out.host_addr, &out.host_port, "host", why,
                     why_len) != 0 ||
      parse_endpoint(guest, strlen(guest), &out.guest_addr, &out.guest_port, "guest", why,
                     why_len) != 0)
    return -1;

  /* Anything else would be forwarded into the void: slirp itself does not check. */
  uint32_t g = ntohl(out.guest_addr.s_addr);
  uint32_t host_bits = g & ~NETCONF_NETMASK;
  if ((g & NETCONF_NETMASK) != NETCONF_NETWORK || host_bits == 0 ||
      host_bits == (~NETCONF_NETMASK) || g == NETCONF_HOST || g == NETCONF_DNS) {
    char text[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &out.guest_addr, text, sizeof(text));
    snprintf(why, why_len, "guest address %s is not a guest's address in 10.0.2.0/24", text);
    return -1;
  }
  *fwd = out;
  return 0;
}
