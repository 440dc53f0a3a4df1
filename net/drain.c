/* drain.c: at exit, let TCP deliver what sockets still hold, then send the last queued frames. */
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcpip.h"
#include "net.h"
#include <guest/clock.h>

/*
 * On Linux a process may write, close and exit, and the kernel still
 * delivers the data; here exit ends the VM at once. So, for a bounded
 * time, the exit waits until no connection has data or a FIN in flight.
 */
#define DRAIN_MAX_NS  (2 * GUEST_NS_PER_SEC)
#define DRAIN_STEP_NS (10 * 1000 * 1000)

static bool drain_tcp_busy(void) {
  bool busy = false;
  LOCK_TCPIP_CORE();
  for (struct tcp_pcb *pcb = tcp_active_pcbs; pcb != NULL && !busy; pcb = pcb->next)
    busy = pcb->unsent != NULL || pcb->unacked != NULL || pcb->state == FIN_WAIT_1 ||
           pcb->state == CLOSING || pcb->state == LAST_ACK;
  UNLOCK_TCPIP_CORE();
  return busy;
}

void net_drain_at_exit(void) {
  uint64_t deadline = guest_deadline_after(DRAIN_MAX_NS);
  for (uint64_t now; drain_tcp_busy() && (now = guest_clock_monotonic_ns()) < deadline;)
    guest_sleep_until(now + DRAIN_STEP_NS < deadline ? now + DRAIN_STEP_NS : deadline);
  if (netdev_info() != NULL)
    netdev_flush();
}
