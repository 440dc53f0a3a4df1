/* frames.c: batch frames through recvmmsg/sendmmsg: every syscall saved is latency saved. */
#include "frames.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#define RX_BATCH  32
#define RX_ROUNDS 8 /* at most RX_BATCH * RX_ROUNDS frames before the host sockets get a turn */
#define TX_SLOTS  256
#define TX_BYTES  (1u << 20)
#define SNDBUF    (1 << 20) /* the kernel doubles it: ~900 full-size frames */

static int link_fd = -1;
static struct frames_stats stats;
static bool link_gone;

/* One byte more than the largest frame, so a too-big message shows up as MSG_TRUNC. */
static uint8_t rx_buf[RX_BATCH][FRAMES_MAX + 1];

/* Queued frames live back to back in tx_buf; slots [tx_head, tx_count) are not sent yet. */
static uint8_t tx_buf[TX_BYTES];
static struct { size_t off, len; } tx_slot[TX_SLOTS];
static size_t tx_head, tx_count, tx_used;

void frames_init(int fd) {
  link_fd = fd;
  /* The default (~200 KiB, ~90 full-size frames) fills up under a few TCP bursts at once. The
   * FORCE variant works as root and ignores net.core.wmem_max; the plain one is capped by it. */
  int size = SNDBUF;
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) != 0)
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

static bool peer_gone(int err) {
  return err != EAGAIN && err != EWOULDBLOCK && err != EINTR && err != ENOBUFS && err != ENOMEM;
}

int frames_receive(void (*deliver)(const uint8_t *frame, size_t len, void *opaque), void *opaque) {
  static struct iovec iov[RX_BATCH];
  static struct mmsghdr msgs[RX_BATCH];
  for (int round = 0; round < RX_ROUNDS; round++) {
    for (int i = 0; i < RX_BATCH; i++) {
      iov[i] = (struct iovec){rx_buf[i], sizeof(rx_buf[i])};
      msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
    }
    int n = recvmmsg(link_fd, msgs, RX_BATCH, MSG_DONTWAIT, NULL);
    if (n < 0) {
      link_gone = link_gone || peer_gone(errno);
      return link_gone ? -1 : 0;
    }
    bool empty = false;
    for (int i = 0; i < n; i++) {
      size_t len = msgs[i].msg_len;
      /* An empty message is what a closed peer reads as (a whole batch of them): not a frame,
       * and no reason to read on; the caller sees the hangup in poll's revents. */
      if (len == 0) {
        empty = true;
        continue;
      }
      if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
        stats.rx_dropped++;
        continue;
      }
      stats.rx++;
      deliver(rx_buf[i], len, opaque);
    }
    if (n < RX_BATCH || empty)
      return 0;
  }
  return 0;
}

/* Moves the unsent frames to the front so the space before them can be reused. */
static void tx_compact(void) {
  if (tx_head == 0)
    return;
  size_t base = tx_count > tx_head ? tx_slot[tx_head].off : tx_used;
  memmove(tx_buf, tx_buf + base, tx_used - base);
  for (size_t i = tx_head; i < tx_count; i++) {
    tx_slot[i - tx_head] = tx_slot[i];
    tx_slot[i - tx_head].off -= base;
  }
  tx_count -= tx_head;
  tx_used -= base;
  tx_head = 0;
}

static bool tx_room(size_t len) {
  return tx_count < TX_SLOTS && TX_BYTES - tx_used >= len;
}

void frames_queue(const void *frame, size_t len) {
  if (len > FRAMES_MAX) {
    stats.tx_dropped++;
    return;
  }
  if (!tx_room(len)) {
    (void)frames_flush();
    tx_compact();
    if (!tx_room(len)) {
      stats.tx_dropped++;
      return;
    }
  }
  memcpy(tx_buf + tx_used, frame, len);
  tx_slot[tx_count].off = tx_used;
  tx_slot[tx_count].len = len;
  tx_count++;
  tx_used += len;
}

int frames_flush(void) {
  static struct iovec iov[TX_SLOTS];
  static struct mmsghdr msgs[TX_SLOTS];
  while (tx_head < tx_count) {
    size_t n = tx_count - tx_head;
    for (size_t i = 0; i < n; i++) {
      iov[i] = (struct iovec){tx_buf + tx_slot[tx_head + i].off, tx_slot[tx_head + i].len};
      msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
    }
    /* MSG_NOSIGNAL: a dead unikvm must end this process with status 0, not SIGPIPE. */
    int sent = sendmmsg(link_fd, msgs, (unsigned)n, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent > 0) {
      tx_head += (size_t)sent;
      stats.tx += (uint64_t)sent;
      continue;
    }
    if (errno == EINTR)
      continue;
    if (errno == EMSGSIZE) { /* cannot happen below FRAMES_MAX, but never retry it forever */
      tx_head++;
      stats.tx_dropped++;
      continue;
    }
    if (peer_gone(errno)) {
      stats.tx_dropped += n;
      link_gone = true;
      break;
    }
    tx_compact(); /* full: keep the rest until POLLOUT */
    return 0;
  }
  tx_head = tx_count = tx_used = 0;
  return link_gone ? -1 : 0;
}

bool frames_backlog(void) {
  return tx_head < tx_count;
}

const struct frames_stats *frames_stats(void) {
  return &stats;
}
