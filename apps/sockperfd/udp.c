/* udp.c: one datagram is one message; the reply goes back to the sender's address. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "msg.h"
#include "serve.h"

#define DATAGRAMS_PER_WAKE 64 /* then let poll() look at the TCP side too */

void udp_serve(int fd) {
  static unsigned char buf[MSG_MAX];
  for (int i = 0; i < DATAGRAMS_PER_WAKE; i++) {
    struct sockaddr_in from;
    socklen_t fromlen = sizeof from;
    ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fromlen);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return; /* EAGAIN: drained; anything else (e.g. an ICMP error) is per-datagram */
    }
    if (msg_make_reply(buf, (size_t)n))
      sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fromlen);
  }
}
