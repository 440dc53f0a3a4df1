/* net_gate.c: under --reset-per-request, the next client's frames wait in the host. */
#include "net_gate.h"

#include <stdlib.h>
#include <string.h>

#define STORE_BYTES  (4u << 20) /* frames kept at most: beyond, the oldest are dropped (TCP */
#define STORE_FRAMES 1024u      /* clients send their SYNs again) */
#define MAX_HELD     64u
#define TCP_SYN      0x02u
#define TCP_ACK      0x10u

struct frame_ref {
  uint32_t off, len;
};

/* Frames back to back in one buffer, oldest first; next is the first not yet taken. */
struct store {
  uint8_t *data;
  size_t used;
  struct frame_ref *refs;
  uint32_t count, next;
};

struct flow {
  uint32_t client_ip;
  uint16_t client_port, guest_port;
};

struct net_gate {
  bool serving; /* a connection is being served: `active` */
  struct flow active;
  struct flow held[MAX_HELD]; /* connections whose frames wait */
  uint32_t nheld;
  struct store kept, released;
};

static int store_init(struct store *s) {
  s->data = malloc(STORE_BYTES);
  s->refs = malloc(STORE_FRAMES * sizeof(*s->refs));
  return s->data && s->refs ? 0 : -1;
}

/* Forgets the oldest frames until LEN more bytes and one more frame fit. */
static void store_make_room(struct store *s, uint32_t len) {
  uint32_t drop = 0;
  size_t freed = 0;
  while (drop < s->count &&
         (s->used - freed + len > STORE_BYTES || s->count - drop >= STORE_FRAMES))
    freed += s->refs[drop++].len;
  if (drop == 0)
    return;
  memmove(s->data, s->data + freed, s->used - freed);
  memmove(s->refs, s->refs + drop, (s->count - drop) * sizeof(*s->refs));
  s->count -= drop;
  s->used -= freed;
  s->next = s->next > drop ? s->next - drop : 0;
  for (uint32_t i = 0; i < s->count; i++)
    s->refs[i].off -= (uint32_t)freed;
}

static void store_append(struct store *s, const uint8_t *frame, uint32_t len) {
  if (len > STORE_BYTES)
    return;
  store_make_room(s, len);
  memcpy(s->data + s->used, frame, len);
  s->refs[s->count++] = (struct frame_ref){.off = (uint32_t)s->used, .len = len};
  s->used += len;
}

void net_gate_free(struct net_gate *g) {
  if (!g)
    return;
  free(g->kept.data), free(g->kept.refs);
  free(g->released.data), free(g->released.refs);
  free(g);
}

struct net_gate *net_gate_new(void) {
  struct net_gate *g = calloc(1, sizeof(*g));
  if (g && store_init(&g->kept) == 0 && store_init(&g->released) == 0)
    return g;
  net_gate_free(g);
  return NULL;
}

/* The TCP flow of an IPv4 frame (client -> guest); returns its TCP flags, or -1 if not TCP. */
static int tcp_flow(const uint8_t *f, uint32_t len, struct flow *flow) {
  if (len < 14 + 20 || f[12] != 0x08 || f[13] != 0x00 || (f[14] >> 4) != 4 || f[23] != 6)
    return -1;
  uint32_t ihl = (f[14] & 0xfu) * 4u;
  if (ihl < 20 || len < 14 + ihl + 14)
    return -1;
  const uint8_t *tcp = f + 14 + ihl;
  memcpy(&flow->client_ip, f + 26, 4);
  flow->client_port = (uint16_t)(tcp[0] << 8 | tcp[1]);
  flow->guest_port = (uint16_t)(tcp[2] << 8 | tcp[3]);
  return tcp[13];
}

static bool same_flow(const struct flow *a, const struct flow *b) {
  return a->client_ip == b->client_ip && a->client_port == b->client_port &&
         a->guest_port == b->guest_port;
}

static bool is_held(const struct net_gate *g, const struct flow *flow) {
  for (uint32_t i = 0; i < g->nheld; i++)
    if (same_flow(&g->held[i], flow))
      return true;
  return false;
}

bool net_gate_admit(struct net_gate *g, const uint8_t *frame, uint32_t len) {
  struct flow flow;
  int flags = tcp_flow(frame, len, &flow);
  if (flags < 0)
    return true; /* ARP, ICMP, UDP: not part of a connection the reset would forget */
  bool syn = (flags & TCP_SYN) && !(flags & TCP_ACK);
  if (!g->serving) {
    if (syn) {
      g->serving = true;
      g->active = flow;
    }
    return true;
  }
  if (same_flow(&flow, &g->active))
    return true;
  if (!syn && !is_held(g, &flow))
    return true; /* a late frame of a connection already gone: the guest answers RST */
  if (!is_held(g, &flow) && g->nheld < MAX_HELD)
    g->held[g->nheld++] = flow;
  store_append(&g->kept, frame, len);
  return false;
}

uint32_t net_gate_reset(struct net_gate *g) {
  uint32_t released = 0;
  for (uint32_t i = 0; i < g->kept.count; i++, released++)
    store_append(&g->released, g->kept.data + g->kept.refs[i].off, g->kept.refs[i].len);
  g->kept.used = 0;
  g->kept.count = g->kept.next = 0;
  g->nheld = 0;
  g->serving = false;
  return released;
}

bool net_gate_pending(const struct net_gate *g) {
  return g->released.next < g->released.count;
}

uint32_t net_gate_take(struct net_gate *g, uint8_t *buf, uint32_t cap) {
  while (net_gate_pending(g)) {
    struct frame_ref ref = g->released.refs[g->released.next++];
    const uint8_t *frame = g->released.data + ref.off;
    bool fits = ref.len <= cap, admitted = fits && net_gate_admit(g, frame, ref.len);
    if (admitted)
      memcpy(buf, frame, ref.len);
    if (!net_gate_pending(g))
      g->released.used = g->released.count = g->released.next = 0;
    if (admitted)
      return ref.len;
  }
  return 0;
}
