/* net.h: the paravirtual NIC: batches of Ethernet frames between the guest and a backend. */
#ifndef UNIKVM_NET_H
#define UNIKVM_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/*
 * A backend is one fd that carries one frame per read/write: a tap device,
 * or a SOCK_SEQPACKET socket to the user-mode helper (unikvm-slirp), where
 * batches cost one sendmmsg/recvmmsg.
 */
struct net_device {
  int fd;
  bool message_socket; /* fd is a socket: batch with sendmmsg/recvmmsg */
  pid_t helper_pid;    /* the user-mode helper, 0 for tap */
  uint8_t mac[6];
  uint16_t mtu;
  uint64_t tx_frames, rx_frames, tx_dropped;
  struct net_gate *gate;   /* --reset-per-request: one client connection at a time (net_gate.h) */
  struct frame_queue *rxq; /* --clones: this clone's frames (fd is the shared backend, for tx) */
  struct net_ring *ring;   /* the guest's shared rings and their thread (net_ring.h), or NULL */
  bool backend_gone;       /* the tap was deleted or the helper ended: nothing to wait on */
};

/* The fd to wait on for frames: -1 (which poll skips) once the backend is gone. */
static inline int net_watch_fd(const struct net_device *net) {
  return net->backend_gone ? -1 : net->fd;
}

/* After a poll of net_watch_fd: an error or hang-up with nothing to read means the backend is
 * gone (an endless stream of such wake-ups would be a busy loop); says so once on ERR_FD. */
void net_note_poll(struct net_device *net, short revents, int err_fd);

/* Largest frame the guest may send or must be able to receive. */
static inline uint32_t net_frame_max(const struct net_device *net) {
  return (uint32_t)net->mtu + 14u;
}

/* How opening a backend failed: ERR holds the reason, or the helper printed its own. */
enum net_open_result {
  NET_OPEN_OK = 0,
  NET_OPEN_FAILED = -1,        /* reason in ERR */
  NET_OPEN_HELPER_USAGE = -2,  /* the helper refused its options and said why */
  NET_OPEN_HELPER_FAILED = -3, /* the helper failed to set up and said why */
};

/* Opens the tap interface IFNAME (must exist or be creatable); 0 or -1 with ERR. */
int net_tap_open(struct net_device *net, const char *ifname, char *err, size_t errlen);

/*
 * Starts the user-mode helper: HELPER is its path, ARGS its options
 * ("hostfwd=tcp:8080-:80,restrict=on,..."). Returns enum net_open_result.
 */
int net_user_open(struct net_device *net, const char *helper, const char *args, char *err,
                  size_t errlen);

struct iovec;
/* Reads up to COUNT frames from the backend into IOV without waiting; their lengths go to
 * LENS. Returns how many. (The NET_IO hypercall and the --clones dispatcher use it.) */
uint32_t net_backend_read(struct net_device *net, struct iovec *iov, uint32_t *lens,
                          uint32_t count);

/* Sends COUNT frames (one per iovec) without waiting: a full backend drops frames, as a
 * real NIC would. Returns COUNT: dropped frames count as done. */
uint32_t net_send_iov(struct net_device *net, struct iovec *iov, uint32_t count);

/* Closes the backend and waits for a helper process to end. */
void net_close(struct net_device *net);

/* One "unikvm: stats: net ..." line for --stats. */
void net_print_stats(const struct net_device *net, FILE *out);

/* Gives the NIC a random locally administered MAC address, unless it already has one. */
void net_random_mac(struct net_device *net);

#endif
