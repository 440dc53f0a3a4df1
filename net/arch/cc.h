/* cc.h: lwIP's compiler and platform glue for the guest: types, byte order, assertions. */
#ifndef NET_ARCH_CC_H
#define NET_ARCH_CC_H

#include <errno.h>
#include <guest/panic.h>
#include <limits.h>
#include <stdint.h>
#include <sys/time.h> /* struct timeval (LWIP_TIMEVAL_PRIVATE 0); BYTE_ORDER comes with it */

/* newlib's ssize_t is a long but it has no SSIZE_MAX, without which lwIP makes its own ssize_t. */
#ifndef SSIZE_MAX
#define SSIZE_MAX LONG_MAX
#endif

/* One instruction each, instead of lwIP's portable shifts. */
#define lwip_htons(x) ((u16_t)__builtin_bswap16((u16_t)(x)))
#define lwip_htonl(x) ((u32_t)__builtin_bswap32((u32_t)(x)))

/* Random numbers for ports, sequence numbers, DNS and DHCP ids (sys_arch.c). */
uint32_t net_rand(void);
#define LWIP_RAND() net_rand()
/* Initial sequence numbers from the same generator instead of lwIP's counter: that counter
 * lives in guest RAM, so every VM restored or reset from one snapshot would repeat it. */
#define LWIP_HOOK_TCP_ISN(local_ip, local_port, remote_ip, remote_port) net_rand()

/* Diagnostics go straight to the console: lwIP's threads have no stdio. */
void net_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define LWIP_PLATFORM_DIAG(x)                                                                      \
  do {                                                                                             \
    net_diag x;                                                                                    \
  } while (0)
#define LWIP_PLATFORM_ASSERT(x)                                                                    \
  guest_panic("lwIP assertion \"%s\" failed at %s:%d", (x), __FILE__, __LINE__)

#endif
