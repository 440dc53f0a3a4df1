/* stack.c: bringing lwIP up on first use: tcpip thread, loopback, the NIC, its IPv4 address. */
#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/tcpip.h"
#include "net.h"
#include <errno.h>
#include <guest/clock.h>
#include <guest/manifest.h>
#include <guest/panic.h>
#include <guest/sched.h>
#include <stdlib.h>

/* An app that brings the stack up wants a NIC: without --net, unikvm gives it user mode. */
GUEST_MANIFEST(net_manifest, UNIKVM_MANIFEST_NET);

/*
 * lwipopts.h turns lwIP's TCP sanity checks off for the one that no longer
 * applies (TCP_SNDLOWAT 4 * TCP_MSS below 64 KiB); the others still hold.
 */
_Static_assert(MEMP_NUM_TCP_SEG >= TCP_SND_QUEUELEN, "a segment for every queued pbuf");
_Static_assert(TCP_SND_BUF >= 2 * TCP_MSS, "the send buffer holds two segments");
_Static_assert(TCP_SND_QUEUELEN >= 2 * (TCP_SND_BUF / TCP_MSS), "queue room for the buffer");
_Static_assert(TCP_SNDLOWAT < TCP_SND_BUF && TCP_SNDQUEUELOWAT < TCP_SND_QUEUELEN, "low waters");
_Static_assert(TCP_WND >= TCP_MSS && TCP_WND <= (0xffffu << TCP_RCV_SCALE), "window fits scaling");
_Static_assert(TCP_MSS + 40 + 14 <= 0xffff, "a whole frame fits a pbuf's 16-bit length");

/* How long the first socket call waits for a DHCP lease. */
#define NET_DHCP_WAIT_NS (10 * GUEST_NS_PER_SEC)

enum net_state { NET_DOWN, NET_STARTING, NET_UP };

static enum net_state net_state;
static struct netif *net_nic;
/* Threads waiting for the bring-up to finish or for the NIC's address. */
static struct guest_waitq net_changed;

/* The semaphore itself is the argument: the caller's stack may be swapped out (fork). */
static void net_tcpip_ready(void *arg) {
  sys_sem_t ready = arg;
  sys_sem_signal(&ready);
}

/* The NIC's address changed (DHCP bound or lost it). Core lock held. */
static void net_status_changed(struct netif *n) {
  (void)n;
  guest_waitq_wake_all(&net_changed);
}

static uint32_t prefix_netmask(uint32_t prefix) {
  return prefix == 0 ? 0 : lwip_htonl(prefix >= 32 ? 0xffffffffu : ~(0xffffffffu >> prefix));
}

static void net_nic_configure(const struct netdev_info *info) {
  net_nic = nic_add(info);
  netif_set_status_callback(net_nic, net_status_changed);
  if (info->ipv4_addr != 0) {
    ip4_addr_t addr = {info->ipv4_addr}, mask = {prefix_netmask(info->ipv4_prefix)},
               gw = {info->ipv4_gateway};
    netif_set_addr(net_nic, &addr, &mask, &gw);
    /* The boot info names no DNS server: the gateway is the usual one (DHCP would tell). */
    if (info->ipv4_gateway != 0) {
      ip_addr_t dns = IPADDR4_INIT(info->ipv4_gateway);
      dns_setserver(0, &dns);
    }
  } else if (dhcp_start(net_nic) != ERR_OK) {
    guest_panic("net: cannot start DHCP");
  }
}

static void net_start(void) {
  sys_sem_t ready;
  if (sys_sem_new(&ready, 0) != ERR_OK)
    guest_panic("net: out of memory starting lwIP");
  tcpip_init(net_tcpip_ready, ready);
  sys_arch_sem_wait(&ready, 0);
  sys_sem_free(&ready);
  atexit(net_drain_at_exit);
  const struct netdev_info *info = netdev_info();
  if (info != NULL) {
    LOCK_TCPIP_CORE();
    net_nic_configure(info);
    UNLOCK_TCPIP_CORE();
  }
}

static bool net_has_address(void) {
  return !ip4_addr_isany_val(*netif_ip4_addr(net_nic));
}

int net_up(void) {
  if (net_state == NET_DOWN) {
    net_state = NET_STARTING;
    net_start();
    net_state = NET_UP;
    guest_waitq_wake_all(&net_changed);
  }
  while (net_state != NET_UP)
    guest_waitq_wait(&net_changed, GUEST_FOREVER);
  /* Without a NIC, the loopback interface is the whole network. */
  if (net_nic == NULL || net_has_address())
    return 0;
  uint64_t deadline = guest_deadline_after(NET_DHCP_WAIT_NS);
  while (!net_has_address())
    if (guest_waitq_wait(&net_changed, deadline) == GUEST_TIMEDOUT && !net_has_address())
      return -ENETDOWN;
  return 0;
}
