/* resolve.c: host names to IPv4 addresses through lwIP's DNS client. */
#include "lwip/dns.h"
#include "lwip/tcpip.h"
#include "net.h"
#include <errno.h>
#include <guest/clock.h>
#include <guest/sched.h>
#include <netstack/netstack.h>
#include <stdlib.h>

/* lwIP gives up on its own after its retries (a few seconds); this only bounds the wait. */
#define RESOLVE_WAIT_NS (20 * GUEST_NS_PER_SEC)

/*
 * On the heap, not the caller's stack: lwIP's callback may come after the
 * caller has given up (then the callback frees it), and a forked caller's
 * stack may be swapped out while it waits.
 */
struct resolve_wait {
  struct guest_waitq waiters;
  bool done, found, abandoned;
  uint32_t ip;
};

static void resolve_found(const char *name, const ip_addr_t *addr, void *arg) {
  struct resolve_wait *w = arg;
  (void)name;
  if (w->abandoned) {
    free(w);
    return;
  }
  w->done = true;
  w->found = addr != NULL;
  if (addr != NULL)
    w->ip = ip4_addr_get_u32(ip_2_ip4(addr));
  guest_waitq_wake_all(&w->waiters);
}

int netstack_resolve(const char *name, uint32_t *ip) {
  int r = net_up();
  if (r != 0)
    return r;
  struct resolve_wait *w = calloc(1, sizeof(*w));
  if (w == NULL)
    return -ENOMEM;
  ip_addr_t addr;
  LOCK_TCPIP_CORE();
  err_t err = dns_gethostbyname(name, &addr, resolve_found, w);
  UNLOCK_TCPIP_CORE();
  if (err == ERR_OK) {
    *ip = ip4_addr_get_u32(ip_2_ip4(&addr));
    free(w);
    return 0;
  }
  if (err != ERR_INPROGRESS) {
    free(w);
    return err == ERR_ARG ? -ENOENT : -EHOSTUNREACH; /* bad name; no DNS server */
  }
  uint64_t deadline = guest_deadline_after(RESOLVE_WAIT_NS);
  while (!w->done)
    if (guest_waitq_wait(&w->waiters, deadline) == GUEST_TIMEDOUT && !w->done) {
      w->abandoned = true;
      return -EAGAIN;
    }
  r = w->found ? 0 : -ENOENT;
  *ip = w->ip;
  free(w);
  return r;
}
