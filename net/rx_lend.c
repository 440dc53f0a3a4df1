/* rx_lend.c: large received frames reach lwIP without a copy: the NIC's buffer is lent to it. */
#include "lwip/pbuf.h"
#include "net.h"
#include <stdlib.h>

/*
 * A large frame (bulk TCP data on a jumbo link) is handed to lwIP in the
 * receive buffer the host wrote it to: the NIC gets a spare buffer in that
 * buffer's place (netdev_receive_swap), and the spare comes back when lwIP
 * frees the pbuf. That saves one copy of every byte received. Small frames
 * are still copied: the copy is cheap, and a 60-byte ACK must not pin a
 * 64 KiB buffer while it waits in a queue. Lent buffers are bounded; past
 * the bound frames are copied again.
 */
#define RX_LEND_MIN (16 * 1024)
#define RX_LEND_MAX 32

struct rx_loan {
  struct pbuf_custom pc; /* first: the pbuf lwIP frees is the loan */
  void *buf;             /* a spare while on the free list, the frame while lent */
  struct rx_loan *next_free;
};

static struct rx_loan *rx_loans_free;
static unsigned rx_loans_made;
static size_t rx_buf_size;

/* Platforms without it (virtio) copy every frame: this one never swaps. */
__attribute__((weak)) void *netdev_receive_swap(void *fresh) {
  (void)fresh;
  return NULL;
}

static void rx_loan_return(struct pbuf *p) {
  struct rx_loan *loan = (struct rx_loan *)p;
  loan->next_free = rx_loans_free;
  rx_loans_free = loan;
}

static struct rx_loan *rx_loan_get(void) {
  struct rx_loan *loan = rx_loans_free;
  if (loan != NULL) {
    rx_loans_free = loan->next_free;
    return loan;
  }
  if (rx_loans_made >= RX_LEND_MAX || (loan = malloc(sizeof(*loan))) == NULL)
    return NULL;
  if ((loan->buf = malloc(rx_buf_size)) == NULL) {
    free(loan);
    return NULL;
  }
  rx_loans_made++;
  return loan;
}

void nic_rx_lend_init(size_t frame_max) {
  rx_buf_size = frame_max;
}

struct pbuf *nic_rx_lend(size_t len) {
  if (len < RX_LEND_MIN || len > 0xffff || len > rx_buf_size)
    return NULL;
  struct rx_loan *loan = rx_loan_get();
  if (loan == NULL)
    return NULL;
  void *frame = netdev_receive_swap(loan->buf);
  if (frame == NULL) {
    rx_loan_return(&loan->pc.pbuf);
    return NULL;
  }
  loan->buf = frame;
  loan->pc.custom_free_function = rx_loan_return;
  return pbuf_alloced_custom(PBUF_RAW, (u16_t)len, PBUF_REF, &loan->pc, frame, (u16_t)len);
}
