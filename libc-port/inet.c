/* inet.c: IPv4 addresses as text (inet_pton, inet_ntop, inet_aton, ...) and byte order. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

const struct in6_addr in6addr_any = IN6ADDR_ANY_INIT;
const struct in6_addr in6addr_loopback = IN6ADDR_LOOPBACK_INIT;

/* The names are macros too (netinet/in.h); these are for callers that take their address. */
uint32_t(htonl)(uint32_t x) {
  return __htonl(x);
}
uint16_t(htons)(uint16_t x) {
  return __htons(x);
}
uint32_t(ntohl)(uint32_t x) {
  return __ntohl(x);
}
uint16_t(ntohs)(uint16_t x) {
  return __ntohs(x);
}

/* One number of inet_aton's forms: decimal, 0x hex or 0 octal; NULL if none. */
static const char *aton_number(const char *p, uint32_t *out) {
  unsigned base = 10;
  uint64_t v = 0;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
    base = 16;
    p += 2;
  } else if (p[0] == '0' && p[1] >= '0' && p[1] <= '9') {
    base = 8;
  }
  const char *start = p;
  for (;; p++) {
    unsigned d;
    if (*p >= '0' && *p <= '9')
      d = (unsigned)(*p - '0');
    else if (base == 16 && *p >= 'a' && *p <= 'f')
      d = (unsigned)(*p - 'a' + 10);
    else if (base == 16 && *p >= 'A' && *p <= 'F')
      d = (unsigned)(*p - 'A' + 10);
    else
      break;
    if (d >= base || (v = v * base + d) > 0xffffffffu)
      return NULL;
  }
  if (p == start)
    return NULL;
  *out = (uint32_t)v;
  return p;
}

/* a, a.b, a.b.c or a.b.c.d, each part decimal, octal or hex, as BSD's inet_aton. */
int inet_aton(const char *cp, struct in_addr *addr) {
  uint32_t part[4];
  int n = 0;
  for (;;) {
    cp = aton_number(cp, &part[n]);
    if (cp == NULL)
      return 0;
    n++;
    if (*cp == '\0')
      break;
    if (*cp != '.' || n == 4)
      return 0;
    cp++;
  }
  uint32_t v = part[n - 1], limit = n == 1 ? 0xffffffffu : 0xffffffu >> (8 * (n - 2));
  if (v > limit)
    return 0;
  for (int i = 0; i < n - 1; i++) {
    if (part[i] > 0xff)
      return 0;
    v |= part[i] << (24 - 8 * i);
  }
  if (addr != NULL)
    addr->s_addr = htonl(v);
  return 1;
}

in_addr_t inet_addr(const char *cp) {
  struct in_addr a;
  return inet_aton(cp, &a) ? a.s_addr : INADDR_NONE;
}

char *inet_ntoa(struct in_addr in) {
  static char buf[INET_ADDRSTRLEN];
  return (char *)inet_ntop(AF_INET, &in, buf, sizeof(buf));
}

/* Exactly four decimal parts of 0..255, no leading zeros: what POSIX's inet_pton takes. */
static int pton4(const char *src, uint8_t out[4]) {
  for (int i = 0; i < 4; i++) {
    unsigned v = 0, digits = 0;
    for (; *src >= '0' && *src <= '9'; src++, digits++) {
      if (digits > 0 && v == 0)
        return 0;
      v = v * 10 + (unsigned)(*src - '0');
      if (v > 255)
        return 0;
    }
    if (digits == 0 || *src != (i < 3 ? '.' : '\0'))
      return 0;
    out[i] = (uint8_t)v;
    src++;
  }
  return 1;
}

int inet_pton(int af, const char *restrict src, void *restrict dst) {
  if (af != AF_INET) {
    errno = EAFNOSUPPORT;
    return -1;
  }
  uint8_t a[4];
  if (!pton4(src, a))
    return 0;
  memcpy(dst, a, 4);
  return 1;
}

const char *inet_ntop(int af, const void *restrict src, char *restrict dst, socklen_t size) {
  if (af != AF_INET) {
    errno = EAFNOSUPPORT;
    return NULL;
  }
  const uint8_t *a = src;
  char buf[INET_ADDRSTRLEN];
  int n = snprintf(buf, sizeof(buf), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
  if (n < 0 || (socklen_t)n >= size) {
    errno = ENOSPC;
    return NULL;
  }
  memcpy(dst, buf, (size_t)n + 1);
  return dst;
}
