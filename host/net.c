/* net.c: the NET_IO hypercall: send a batch of frames, receive a batch, maybe wait. */
#include "net.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "exit_status.h"
#include "fd_printf.h"
#include "frame_queue.h"
#include "hypercall.h"
#include "net_gate.h"
#include "net_ring.h"

/* Checks that every buffer of a batch lies in guest RAM and turns it into iovecs. */
static int frames_to_iov(struct vm *vm, const struct unikvm_net_frame *frames, uint32_t count,
                         struct iovec *iov) {
  for (uint32_t i = 0; i < count; i++) {
    uint64_t gpa = frames[i].data, len = frames[i].len;
    void *p = guest_mem_ptr(&vm->mem, gpa, len);
    if (!p)
      return hc_bad_address(vm, "net_io", gpa, len);
    iov[i] = (struct iovec){.iov_base = p, .iov_len = len};
  }
  return 0;
}

/*
 * How many leading iovecs fit: a tx frame holds at least an Ethernet header
 * (an empty message would read as end-of-file to the user-mode helper) and
 * at most frame_max bytes; an rx buffer must hold a frame_max frame.
 */
static uint32_t count_valid(const struct iovec *iov, uint32_t count, uint32_t frame_max, bool tx) {
  for (uint32_t i = 0; i < count; i++)
    if (tx ? iov[i].iov_len > frame_max || iov[i].iov_len < 14 : iov[i].iov_len < frame_max)
      return i;
  return count;
}

/* sendmmsg/recvmmsg headers that carry iov[i] as message i. */
static void one_frame_per_message(struct mmsghdr *msgs, struct iovec *iov, uint32_t count) {
  memset(msgs, 0, count * sizeof(msgs[0]));
  for (uint32_t i = 0; i < count; i++) {
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
}

uint32_t net_send_iov(struct net_device *net, struct iovec *iov, uint32_t count) {
  uint32_t sent = 0;
  if (net->message_socket) {
    struct mmsghdr msgs[UNIKVM_NET_BATCH_MAX];
    one_frame_per_message(msgs, iov, count);
    int n = sendmmsg(net->fd, msgs, count, MSG_DONTWAIT);
    sent = n > 0 ? (uint32_t)n : 0;
  } else {
    for (uint32_t i = 0; i < count; i++)
      if (write(net->fd, iov[i].iov_base, iov[i].iov_len) == (ssize_t)iov[i].iov_len)
        sent++;
  }
  /* A full backend drops frames like a real NIC would; TCP retransmits. */
  net->tx_frames += sent;
  net->tx_dropped += count - sent;
  return count; /* dropped frames count as done: the guest must not resend them */
}

/* A clone's frames come from its queue, filled by the --clones dispatcher (clones.c). */
static uint32_t receive_from_queue(struct net_device *net, struct unikvm_net_frame *frames,
                                   struct iovec *iov, uint32_t count) {
  uint8_t *bufs[UNIKVM_NET_BATCH_MAX];
  uint32_t caps[UNIKVM_NET_BATCH_MAX], lens[UNIKVM_NET_BATCH_MAX];
  for (uint32_t i = 0; i < count; i++) {
    bufs[i] = iov[i].iov_base;
    caps[i] = (uint32_t)iov[i].iov_len;
  }
  uint32_t got = frame_queue_pop(net->rxq, bufs, caps, lens, count);
  for (uint32_t i = 0; i < got; i++)
    frames[i].len = lens[i];
  net->rx_frames += got;
  return got;
}

uint32_t net_backend_read(struct net_device *net, struct iovec *iov, uint32_t *lens,
                          uint32_t count) {
  uint32_t got = 0;
  if (count == 0)
    return 0;
  if (net->message_socket) {
    struct mmsghdr msgs[UNIKVM_NET_BATCH_MAX];
    one_frame_per_message(msgs, iov, count);
    int n = recvmmsg(net->fd, msgs, count, MSG_DONTWAIT, NULL);
    for (int i = 0; i < n; i++)
      lens[i] = msgs[i].msg_len;
    got = n > 0 ? (uint32_t)n : 0;
  } else {
    for (; got < count; got++) {
      ssize_t n = read(net->fd, iov[got].iov_base, iov[got].iov_len);
      if (n <= 0)
        break;
      lens[got] = (uint32_t)n;
    }
  }
  net->rx_frames += got;
  return got;
}

static uint32_t receive_from_backend(struct net_device *net, struct unikvm_net_frame *frames,
                                     struct iovec *iov, uint32_t count) {
  if (net->rxq)
    return receive_from_queue(net, frames, iov, count);
  uint32_t lens[UNIKVM_NET_BATCH_MAX];
  uint32_t got = net_backend_read(net, iov, lens, count);
  for (uint32_t i = 0; i < got; i++)
    frames[i].len = lens[i];
  return got;
}

/* Under --reset-per-request: frames the gate released after a reset go first, in their
 * order; of the backend's, those the gate keeps for after the next reset leave the batch. */
static uint32_t receive_frames(struct net_device *net, struct unikvm_net_frame *frames,
                               struct iovec *iov, uint32_t count) {
  if (!net->gate)
    return receive_from_backend(net, frames, iov, count);
  uint32_t got = 0;
  for (uint32_t len; got < count && (len = net_gate_take(net->gate, iov[got].iov_base,
                                                         (uint32_t)iov[got].iov_len)) > 0;
       got++)
    frames[got].len = len;
  uint32_t end = got + receive_from_backend(net, frames + got, iov + got, count - got);
  for (uint32_t i = got; i < end; i++) {
    if (!net_gate_admit(net->gate, iov[i].iov_base, frames[i].len))
      continue;
    if (i != got) /* every rx buffer holds a whole frame */
      memcpy(iov[got].iov_base, iov[i].iov_base, frames[i].len);
    frames[got++].len = frames[i].len;
  }
  return got;
}

int hc_net_io(struct vm *vm, uint64_t arg_gpa) {
  HC_ARG(vm, arg_gpa, struct unikvm_hc_net_io, arg);
  struct net_device *net = vm->net;
  if (!net)
    return vm_fail(vm, EXIT_GUEST_ABI, "guest", "hypercall net_io: no network device (--net)");
  if (net_ring_active(net->ring))
    return vm_fail(vm, EXIT_GUEST_ABI, "guest", "hypercall net_io: the NIC's rings are in use");
  uint32_t tx_count = arg->tx_count, rx_count = arg->rx_count;
  if (tx_count > UNIKVM_NET_BATCH_MAX || rx_count > UNIKVM_NET_BATCH_MAX)
    return vm_fail(vm, EXIT_GUEST_ABI, "guest",
                   "hypercall net_io: batch of %u/%u frames, at most %u", tx_count, rx_count,
                   UNIKVM_NET_BATCH_MAX);
  uint64_t tx_gpa = arg->tx, rx_gpa = arg->rx;
  const size_t frame_align = _Alignof(struct unikvm_net_frame);
  struct unikvm_net_frame *tx =
      hc_guest_structs(vm, "net_io", tx_gpa, tx_count, sizeof(*tx), frame_align);
  if (!tx)
    return -1;
  struct unikvm_net_frame *rx =
      hc_guest_structs(vm, "net_io", rx_gpa, rx_count, sizeof(*rx), frame_align);
  if (!rx)
    return -1;
  struct iovec tx_iov[UNIKVM_NET_BATCH_MAX], rx_iov[UNIKVM_NET_BATCH_MAX];
  if (frames_to_iov(vm, tx, tx_count, tx_iov) < 0 || frames_to_iov(vm, rx, rx_count, rx_iov) < 0)
    return -1;
  /* Oversized tx frames and rx buffers too small for a frame are the guest's
   * error, answered with EINVAL: what comes before them is still served. */
  uint32_t tx_valid = count_valid(tx_iov, tx_count, net_frame_max(net), true);
  uint32_t rx_valid = count_valid(rx_iov, rx_count, net_frame_max(net), false);
  arg->ret = tx_valid < tx_count || rx_valid < rx_count ? -UNIKVM_EINVAL : 0;
  rx_count = rx_valid;
  arg->tx_done = net_send_iov(net, tx_iov, tx_valid);
  uint32_t got = receive_frames(net, rx, rx_iov, rx_count);
  uint64_t timeout_ns = arg->timeout_ns;
  if (got == 0 && rx_count > 0 && timeout_ns > 0 &&
      (vm_wait_ready(vm, timeout_ns) & UNIKVM_READY_NET_RX))
    got = receive_frames(net, rx, rx_iov, rx_count);
  arg->rx_done = got;
  arg->rx_pending = (got == rx_count && rx_count > 0) || (net->gate && net_gate_pending(net->gate));
  return 0;
}

void net_note_poll(struct net_device *net, short revents, int err_fd) {
  if (net->backend_gone || (revents & POLLIN) || !(revents & (POLLERR | POLLHUP | POLLNVAL)))
    return;
  net->backend_gone = true;
  fd_printf(err_fd, "unikvm: --net: the backend is gone (%s); the NIC stays without frames\n",
            net->message_socket ? "the user-mode helper ended" : "the tap interface was deleted");
}

void net_print_stats(const struct net_device *net, FILE *out) {
  fprintf(out,
          "unikvm: stats: net tx_frames=%" PRIu64 " rx_frames=%" PRIu64 " tx_dropped=%" PRIu64 "\n",
          net->tx_frames, net->rx_frames, net->tx_dropped);
  if (net->ring)
    net_ring_print_stats(net->ring, out);
}

int hc_net_ring(struct vm *vm, uint64_t arg_gpa) {
  HC_ARG(vm, arg_gpa, struct unikvm_hc_net_ring, arg);
  struct net_device *net = vm->net;
  if (!net)
    return vm_fail(vm, EXIT_GUEST_ABI, "guest", "hypercall net_ring: no network device (--net)");
  arg->poll_ns = 0;
  arg->ret = 0;
  /* No ring thread (--net-poll 0, snapshots, clones): the guest keeps using NET_IO. */
  if (!net->ring) {
    arg->ret = -UNIKVM_ENOTSUP;
    return 0;
  }
  uint32_t poll_ns = 0;
  int rc = net_ring_offer(vm, net->ring, arg->ring, arg->slots, &poll_ns);
  arg->poll_ns = poll_ns;
  return rc;
}
