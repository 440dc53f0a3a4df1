/* lwipopts.h: lwIP 2.1.3 configuration for the guest: threads, throughput, many connections. */
#ifndef NET_LWIPOPTS_H
#define NET_LWIPOPTS_H

/* ---- threads and locking ------------------------------------------------ */

/*
 * The tcpip thread runs timers and callbacks; everything else (socket
 * calls, received frames) runs in its own thread under the core lock, which
 * saves a message round trip per call. Threads are cooperative and there
 * are no interrupts, so lightweight protection needs no lock at all.
 */
#define NO_SYS                        0
#define LWIP_TCPIP_CORE_LOCKING       1
#define LWIP_TCPIP_CORE_LOCKING_INPUT 1
#define SYS_LIGHTWEIGHT_PROT          0
#define LWIP_NETCONN_SEM_PER_THREAD   0
#define LWIP_NETCONN_FULLDUPLEX       0
void net_assert_core_locked(void);
#define LWIP_ASSERT_CORE_LOCKED() net_assert_core_locked()

#define TCPIP_THREAD_NAME         "tcpip"
#define TCPIP_THREAD_STACKSIZE    (64 * 1024)
#define DEFAULT_THREAD_STACKSIZE  (64 * 1024)
#define TCPIP_MBOX_SIZE           256
#define DEFAULT_RAW_RECVMBOX_SIZE 64
#define DEFAULT_UDP_RECVMBOX_SIZE 256
/* Mailboxes grow on demand (sys_arch.c), so these are limits, not allocations. */
#define DEFAULT_TCP_RECVMBOX_SIZE 1024
#define DEFAULT_ACCEPTMBOX_SIZE   1024

/* ---- memory ---------------------------------------------------------------- */

/*
 * Static pools: a bounded stack never takes the application's heap, and a
 * full pool makes lwIP recycle TIME_WAIT connections instead of growing.
 * Only the pools' free lists are written at start-up; the rest of this
 * memory costs the host nothing until it is used.
 */
#define MEM_ALIGNMENT           8
#define MEM_SIZE                (4 * 1024 * 1024)
#define MEMP_NUM_PBUF           1024
#define MEMP_NUM_RAW_PCB        4
#define MEMP_NUM_UDP_PCB        64
#define MEMP_NUM_TCP_PCB        1024
#define MEMP_NUM_TCP_PCB_LISTEN 32
#define MEMP_NUM_TCP_SEG        8192
#define MEMP_NUM_REASSDATA      8
#define IP_REASS_MAX_PBUFS      64
#define MEMP_NUM_FRAG_PBUF      64
#define MEMP_NUM_ARP_QUEUE      64
#define MEMP_NUM_NETBUF         256
/* Open sockets at once: at most FD_SETSIZE, which lwIP checks (libc-port/include/sys/select.h). */
#define MEMP_NUM_NETCONN         1024
#define MEMP_NUM_TCPIP_MSG_API   64
#define MEMP_NUM_TCPIP_MSG_INPKT 256
#define MEMP_NUM_SYS_TIMEOUT     (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 8)
/* Received frames: one pool buffer holds a 1500-byte MTU frame; jumbo frames chain. */
#define PBUF_POOL_SIZE    2048
#define PBUF_POOL_BUFSIZE 1520
/* Large received frames stay in the NIC's buffers (rx_lend.c). */
#define LWIP_SUPPORT_CUSTOM_PBUF 1

/* ---- link and IP ------------------------------------------------------------ */

#define LWIP_ARP                      1
#define ARP_TABLE_SIZE                64
#define ARP_QUEUEING                  1
#define ETHARP_SUPPORT_STATIC_ENTRIES 0
#define LWIP_NETIF_TX_SINGLE_PBUF     1
#define LWIP_NETIF_STATUS_CALLBACK    1
#define LWIP_NETIF_API                1
/* 127.0.0.1 works even without a NIC. */
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_HAVE_LOOPIF    1

#define LWIP_IPV4        1
#define LWIP_IPV6        0
#define IP_REASSEMBLY    1
#define IP_FRAG          1
#define IP_SOF_BROADCAST 1
#define LWIP_ICMP        1
#define LWIP_RAW         0
#define LWIP_IGMP        0
#define LWIP_AUTOIP      0
#define LWIP_DHCP        1
/* The ARP probe of an offered address costs half a second at every boot. */
#define DHCP_DOES_ARP_CHECK 0
#define LWIP_DNS            1
#define DNS_MAX_SERVERS     2
#define LWIP_UDP            1

/* ---- TCP ---------------------------------------------------------------------- */

/*
 * The MSS we advertise and send is clamped to the NIC's MTU at run time
 * (TCP_CALCULATE_EFF_SEND_MSS): 1500 gets 1460, and the largest MTU
 * (65521, where a whole frame still fits lwIP's 16-bit pbuf lengths) gets
 * 65481-byte segments, which is what makes a tap with a large MTU fast.
 * lwIP's sanity check that TCP_SNDLOWAT stays 4 * TCP_MSS below 64 KiB
 * dates from its 16-bit send buffer; with LWIP_WND_SCALE the buffer is
 * 32-bit and only the free space reported by tcp_sndbuf() is capped at
 * 64 KiB - 1, so the checks are off (the others hold: stack.c checks them).
 */
#define LWIP_TCP                       1
#define TCP_MSS                        (65535 - 14 - 40)
#define TCP_CALCULATE_EFF_SEND_MSS     1
#define LWIP_DISABLE_TCP_SANITY_CHECKS 1
#define LWIP_WND_SCALE                 1
/*
 * The receive window follows the NIC's MTU (nic.c sets net_tcp_wnd; the
 * patch lwip-window-max-runtime lets TCP_WND_MAX say so): 16 segments or
 * 256 KiB, whichever is more, at most TCP_WND. With 64 KiB segments 256 KiB
 * is four of them in flight and the sender stalls on every window update
 * (iperf3 ran at a quarter of the rate); with 1460-byte segments 1 MiB is
 * 700 frames in flight per connection, more than a tap's queue and the pbuf
 * pool hold (iperf3 -P 4 lost frames). Scale 5 lets the 16-bit field say
 * 1 MiB.
 */
#define TCP_RCV_SCALE 5
#define TCP_WND       (1024 * 1024)
#include <stdint.h>
extern uint32_t net_tcp_wnd;
#define TCP_WND_MAX(pcb)                                                                           \
  ((tcpwnd_size_t)(((pcb)->flags & TF_WND_SCALE) ? net_tcp_wnd : TCPWND16(net_tcp_wnd)))
#define TCP_WND_UPDATE_THRESHOLD (net_tcp_wnd / 4)
#define TCP_SND_BUF              (256 * 1024)
/* Counted in pbufs, which with a 1460-byte MSS means about two per segment. */
#define TCP_SND_QUEUELEN 1024
/* A blocked writer resumes once this much is free (lwIP caps free space at 64 KiB - 1). */
#define TCP_SNDLOWAT          (16 * 1024)
#define TCP_SNDQUEUELOWAT     (TCP_SND_QUEUELEN / 2)
#define TCP_QUEUE_OOSEQ       1
#define TCP_LISTEN_BACKLOG    0
#define LWIP_TCP_KEEPALIVE    1
#define LWIP_CHECKSUM_ON_COPY 1

/* A checksum 8 bytes per add (chksum.c) instead of lwIP's 2. */
#include "chksum.h"
#define LWIP_CHKSUM                     net_chksum
#define LWIP_CHKSUM_COPY(dst, src, len) net_chksum_copy(dst, src, len)

/* ---- sockets -------------------------------------------------------------------- */

/*
 * libc-port gives applications the POSIX names as ordinary fds; lwIP's
 * sockets stay behind them under their lwip_ names. Every lwIP call is
 * made non-blocking and libc-port does the waiting (so it can wait on a
 * socket, a pipe and a deadline at once), which is also why lwIP's own
 * receive and send timeouts are off: libc-port implements them.
 */
#define LWIP_NETCONN                          1
#define LWIP_SOCKET                           1
#define LWIP_COMPAT_SOCKETS                   0
#define LWIP_POSIX_SOCKETS_IO_NAMES           0
#define LWIP_SOCKET_OFFSET                    0
#define LWIP_SOCKET_SELECT                    0
#define LWIP_SOCKET_POLL                      1
#define LWIP_SO_RCVTIMEO                      0
#define LWIP_SO_SNDTIMEO                      0
#define LWIP_SO_RCVBUF                        1
#define LWIP_SO_LINGER                        1
#define SO_REUSE                              1
#define LWIP_TIMEVAL_PRIVATE                  0
#define LWIP_ERRNO_STDINCLUDE                 1
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS 1

/* ---- checks and statistics -------------------------------------------------------- */

#define LWIP_STATS         0
#define CHECKSUM_GEN_IP    1
#define CHECKSUM_GEN_UDP   1
#define CHECKSUM_GEN_TCP   1
#define CHECKSUM_GEN_ICMP  1
#define CHECKSUM_CHECK_IP  1
#define CHECKSUM_CHECK_UDP 1
#define CHECKSUM_CHECK_TCP 1

#endif
