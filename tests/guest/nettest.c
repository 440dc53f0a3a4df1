/* nettest.c: guest tests of sockets (TCP, UDP, poll, select, non-blocking calls); argv[1] picks
 * one. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* usleep, accept4 flags */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Every check prints "NAME: ok" or "NAME: FAILED (...)"; tests/integration/net.sh greps for them.
 */
static int failures;

static void check(const char *name, int ok) {
  printf("%s: %s\n", name, ok ? "ok" : "FAILED");
  if (!ok)
    failures++;
}

/* A check whose failure says what was seen instead. */
static void check_int(const char *name, long got, long want) {
  if (got == want) {
    printf("%s: ok\n", name);
    return;
  }
  printf("%s: FAILED (got %ld, want %ld, errno %d %s)\n", name, got, want, errno, strerror(errno));
  failures++;
}

static noreturn void die(const char *what) {
  printf("fatal: %s: %s\n", what, strerror(errno));
  exit(3);
}

static struct sockaddr_in addr4(const char *ip, int port) {
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
    printf("fatal: bad address %s\n", ip);
    exit(3);
  }
  return a;
}

static int tcp_listen(const char *ip, int port, int backlog) {
  int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  if (fd < 0)
    die("socket");
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0)
    die("SO_REUSEADDR");
  struct sockaddr_in a = addr4(ip, port);
  if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
    die("bind");
  if (listen(fd, backlog) != 0)
    die("listen");
  return fd;
}

static int tcp_connect(const char *ip, int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = addr4(ip, port);
  if (fd < 0)
    die("socket");
  if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
    die("connect");
  return fd;
}

static int local_port(int fd) {
  struct sockaddr_in a;
  socklen_t len = sizeof(a);
  if (getsockname(fd, (struct sockaddr *)&a, &len) != 0)
    die("getsockname");
  return ntohs(a.sin_port);
}

static const char *addr_text(const struct sockaddr_in *a, char *buf, size_t size) {
  char ip[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
  snprintf(buf, size, "%s:%d", ip, ntohs(a->sin_port));
  return buf;
}

static int write_all(int fd, const void *buf, size_t len) {
  for (size_t done = 0; done < len;) {
    ssize_t n = write(fd, (const char *)buf + done, len - done);
    if (n <= 0)
      return -1;
    done += (size_t)n;
  }
  return 0;
}

/* Reads until end of file or size bytes; returns the count. */
static size_t read_all(int fd, void *buf, size_t size) {
  size_t got = 0;
  while (got < size) {
    ssize_t n = read(fd, (char *)buf + got, size - got);
    if (n <= 0)
      break;
    got += (size_t)n;
  }
  return got;
}

static void pattern(uint8_t *buf, size_t len, unsigned seed) {
  for (size_t i = 0; i < len; i++)
    buf[i] = (uint8_t)((i * 131u + seed * 7u) >> 3);
}

/* Waits up to timeout_ms for one event on fd; returns revents (0: timeout). */
static short wait_fd(int fd, short events, int timeout_ms) {
  struct pollfd p = {.fd = fd, .events = events};
  return poll(&p, 1, timeout_ms) == 1 ? p.revents : 0;
}

/* ---- loopback: everything that needs no NIC ------------------------------------ */

#define BIG_TRANSFER (1u << 20)

struct echo_client {
  int port;
  size_t len;
  size_t got;
  int equal;
};

/* Sends a pattern, half-closes, and reads the echo back until end of stream. */
static void *echo_client_thread(void *arg) {
  struct echo_client *c = arg;
  uint8_t *out = malloc(c->len), *in = malloc(c->len + 1);
  pattern(out, c->len, 3);
  int fd = tcp_connect("127.0.0.1", c->port);
  /* Writing everything first would fill both directions: send slices, read each one's echo. */
  size_t sent = 0;
  while (sent < c->len) {
    size_t n = c->len - sent < 65536 ? c->len - sent : 65536;
    if (write_all(fd, out + sent, n) != 0)
      break;
    sent += n;
    while (c->got < sent) {
      ssize_t r = read(fd, in + c->got, sent - c->got);
      if (r <= 0)
        break;
      c->got += (size_t)r;
    }
  }
  shutdown(fd, SHUT_WR);
  c->got += read_all(fd, in + c->got, c->len + 1 - c->got);
  c->equal = c->got == c->len && memcmp(in, out, c->len) == 0;
  close(fd);
  free(out);
  free(in);
  return NULL;
}

static void loopback_tcp_echo(void) {
  int l = tcp_listen("127.0.0.1", 0, 8);
  struct echo_client c = {.port = local_port(l), .len = BIG_TRANSFER};
  pthread_t t;
  pthread_create(&t, NULL, echo_client_thread, &c);
  struct sockaddr_in peer;
  socklen_t plen = sizeof(peer);
  int s = accept(l, (struct sockaddr *)&peer, &plen);
  check("accept returns a connection", s >= 0);
  check("accept gives the peer's address", plen == sizeof(peer) && peer.sin_family == AF_INET &&
                                               peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
  char buf[16384];
  size_t echoed = 0;
  for (ssize_t n; (n = read(s, buf, sizeof(buf))) > 0; echoed += (size_t)n)
    if (write_all(s, buf, (size_t)n) != 0)
      break;
  close(s);
  pthread_join(t, NULL);
  check("1 MiB echoed over loopback arrives intact", c.equal && echoed == BIG_TRANSFER);
  struct stat st;
  check("fstat says socket", fstat(l, &st) == 0 && S_ISSOCK(st.st_mode));
  close(l);
}

static void loopback_udp(void) {
  int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in aa = addr4("127.0.0.1", 0), from;
  bind(a, (struct sockaddr *)&aa, sizeof(aa));
  aa.sin_port = htons((uint16_t)local_port(a));
  struct sockaddr_in ba = addr4("127.0.0.1", 0);
  bind(b, (struct sockaddr *)&ba, sizeof(ba));
  int bport = local_port(b);
  check_int("sendto sends a whole datagram",
            sendto(b, "datagram one", 12, 0, (struct sockaddr *)&aa, sizeof(aa)), 12);
  char buf[64] = {0};
  socklen_t flen = sizeof(from);
  ssize_t n = recvfrom(a, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
  check("recvfrom gets the datagram", n == 12 && memcmp(buf, "datagram one", 12) == 0);
  check("recvfrom names the sender", flen == sizeof(from) && ntohs(from.sin_port) == bport);
  sendto(b, "0123456789", 10, 0, (struct sockaddr *)&aa, sizeof(aa));
  struct iovec iov = {buf, 4};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
  n = recvmsg(a, &msg, 0);
  check("recvmsg truncates a long datagram and says so",
        n == 4 && (msg.msg_flags & MSG_TRUNC) && memcmp(buf, "0123", 4) == 0);
  check_int("recv of an empty UDP socket with MSG_DONTWAIT is EAGAIN",
            recv(a, buf, sizeof(buf), MSG_DONTWAIT), -1);
  check("... errno EAGAIN", errno == EAGAIN);
  close(a);
  close(b);
}

static int pipe_writer_fd;

static void *pipe_writer(void *arg) {
  (void)arg;
  usleep(20000);
  if (write(pipe_writer_fd, "x", 1) != 1)
    die("pipe write");
  return NULL;
}

static void *late_connect(void *arg) {
  int port = *(int *)arg;
  usleep(20000);
  close(tcp_connect("127.0.0.1", port));
  return NULL;
}

static void loopback_poll_mix(void) {
  int l = tcp_listen("127.0.0.1", 0, 8), port = local_port(l), p[2];
  if (pipe(p) != 0)
    die("pipe");
  pipe_writer_fd = p[1];
  pthread_t t;
  pthread_create(&t, NULL, pipe_writer, NULL);
  struct pollfd fds[3] = {{l, POLLIN, 0}, {p[0], POLLIN, 0}, {1, POLLOUT, 0}};
  int r = poll(fds, 2, 5000);
  check("poll on a socket and a pipe wakes for the pipe",
        r == 1 && (fds[1].revents & POLLIN) && fds[0].revents == 0);
  pthread_join(t, NULL);
  char c;
  check_int("the pipe holds the byte", read(p[0], &c, 1), 1);
  pthread_create(&t, NULL, late_connect, &port);
  r = poll(fds, 2, 5000);
  check("poll on a socket and a pipe wakes for a connection",
        r == 1 && (fds[0].revents & POLLIN) && fds[1].revents == 0);
  pthread_join(t, NULL);
  close(accept(l, NULL, NULL));
  r = poll(fds, 3, 0);
  check("stdout polls writable", r == 1 && fds[2].revents == POLLOUT);
  check_int("poll with nothing ready and timeout 0 returns 0", poll(fds, 2, 0), 0);
  struct pollfd bad = {.fd = 999, .events = POLLIN};
  check("poll on a closed fd says POLLNVAL", poll(&bad, 1, 0) == 1 && bad.revents == POLLNVAL);

  /* select over the same: the pipe again. */
  pthread_create(&t, NULL, pipe_writer, NULL);
  fd_set rd;
  FD_ZERO(&rd);
  FD_SET(l, &rd);
  FD_SET(p[0], &rd);
  struct timeval tv = {5, 0};
  r = select((l > p[0] ? l : p[0]) + 1, &rd, NULL, NULL, &tv);
  check("select wakes for the pipe only", r == 1 && FD_ISSET(p[0], &rd) && !FD_ISSET(l, &rd));
  pthread_join(t, NULL);
  read(p[0], &c, 1);
  FD_ZERO(&rd);
  FD_SET(l, &rd);
  tv = (struct timeval){0, 30000};
  check_int("select times out with 0", select(l + 1, &rd, NULL, NULL, &tv), 0);
  close(p[0]);
  close(p[1]);
  close(l);
}

static void loopback_nonblocking(void) {
  int l = tcp_listen("127.0.0.1", 0, 8), port = local_port(l);
  fcntl(l, F_SETFL, fcntl(l, F_GETFL) | O_NONBLOCK);
  check_int("non-blocking accept without a client fails", accept(l, NULL, NULL), -1);
  check("... with EAGAIN", errno == EAGAIN);

  int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  struct sockaddr_in a = addr4("127.0.0.1", port);
  int r = connect(c, (struct sockaddr *)&a, sizeof(a));
  check("non-blocking connect is EINPROGRESS (or done at once)",
        r == 0 || (r == -1 && errno == EINPROGRESS));
  check("the connecting socket polls writable once connected", wait_fd(c, POLLOUT, 5000) & POLLOUT);
  int err = -1;
  socklen_t len = sizeof(err);
  check("SO_ERROR is 0 after a good connect",
        getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0);
  check("the listener polls readable", wait_fd(l, POLLIN, 5000) & POLLIN);
  int s = accept4(l, NULL, NULL, SOCK_NONBLOCK);
  check("accept4 takes the connection", s >= 0);
  check("accept4(SOCK_NONBLOCK) makes a non-blocking socket", fcntl(s, F_GETFL) & O_NONBLOCK);
  char buf[8];
  check_int("non-blocking recv with no data fails", recv(s, buf, sizeof(buf), 0), -1);
  check("... with EAGAIN", errno == EAGAIN);
  check_int("read on it too", read(s, buf, sizeof(buf)), -1);

  /* Fill the connection: the peer does not read. */
  size_t sent = 0;
  static uint8_t chunk[65536];
  ssize_t n = 0;
  for (int i = 0; i < 1000 && (n = send(s, chunk, sizeof(chunk), 0)) > 0; i++)
    sent += (size_t)n;
  check("non-blocking send into a full connection ends in EAGAIN", n == -1 && errno == EAGAIN);
  check("... after some data was taken", sent > 0);
  check("the full socket does not poll writable", !(wait_fd(s, POLLOUT, 0) & POLLOUT));
  /* Now the peer reads it all: the sender becomes writable again. */
  size_t drained = 0;
  for (int i = 0; i < 100000 && drained < sent; i++) {
    ssize_t m = recv(c, chunk, sizeof(chunk), 0);
    if (m > 0)
      drained += (size_t)m;
    else if (!(wait_fd(c, POLLIN, 5000) & POLLIN))
      break;
  }
  check("the peer receives every byte", drained == sent);
  check("the drained socket polls writable again", wait_fd(s, POLLOUT, 5000) & POLLOUT);

  /* Blocking socket, receive timeout. */
  fcntl(c, F_SETFL, fcntl(c, F_GETFL) & ~O_NONBLOCK);
  struct timeval tv = {0, 50000};
  setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  n = recv(c, buf, sizeof(buf), 0);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
  check("SO_RCVTIMEO ends a blocking recv with EAGAIN", n == -1 && errno == EAGAIN);
  check("... not before its time", ms >= 50);
  struct timeval got = {0, 0};
  len = sizeof(got);
  check("SO_RCVTIMEO reads back",
        getsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &got, &len) == 0 && got.tv_usec == 50000);
  close(s);
  check_int("recv after the peer closed is end of stream", recv(c, buf, sizeof(buf), 0), 0);
  close(c);
  close(l);
}

static void loopback_errors_and_options(void) {
  /* A port nobody listens on. */
  int l = tcp_listen("127.0.0.1", 0, 1), port = local_port(l);
  close(l);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = addr4("127.0.0.1", port);
  check_int("connect to a closed port fails", connect(c, (struct sockaddr *)&a, sizeof(a)), -1);
  check("... with ECONNREFUSED", errno == ECONNREFUSED);
  close(c);

  check_int("socket(AF_INET6) is not supported", socket(AF_INET6, SOCK_STREAM, 0), -1);
  check("... EAFNOSUPPORT", errno == EAFNOSUPPORT);
  check_int("send on a pipe is ENOTSOCK", send(1, "x", 1, 0), -1);
  check("... ENOTSOCK", errno == ENOTSOCK);

  l = tcp_listen("127.0.0.1", 0, 4);
  int one = 1, v = 0;
  socklen_t len = sizeof(v);
  check("TCP_NODELAY on a listener is accepted",
        setsockopt(l, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0);
  check("... and reads back 1",
        getsockopt(l, IPPROTO_TCP, TCP_NODELAY, &v, &len) == 0 && v == 1 && len == sizeof(v));
  len = sizeof(v);
  check("SO_REUSEADDR reads back 1",
        getsockopt(l, SOL_SOCKET, SO_REUSEADDR, &v, &len) == 0 && v == 1);
  len = sizeof(v);
  check("SO_TYPE is SOCK_STREAM",
        getsockopt(l, SOL_SOCKET, SO_TYPE, &v, &len) == 0 && v == SOCK_STREAM);
  len = sizeof(v);
  check("SO_ACCEPTCONN is 1 on a listener",
        getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 && v == 1);
  len = sizeof(v);
  check("SO_SNDBUF is positive", getsockopt(l, SOL_SOCKET, SO_SNDBUF, &v, &len) == 0 && v > 0);
  check("SO_KEEPALIVE can be set", setsockopt(l, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) == 0);
  check_int("an unknown option is ENOPROTOOPT", setsockopt(l, SOL_SOCKET, 12345, &one, 4), -1);

  /* Accepted sockets inherit TCP_NODELAY from the listener, as on Linux. */
  c = tcp_connect("127.0.0.1", local_port(l));
  int s = accept(l, NULL, NULL);
  len = sizeof(v);
  v = 0;
  check("an accepted socket inherits TCP_NODELAY",
        getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &len) == 0 && v == 1);
  struct sockaddr_in peer, self;
  socklen_t plen = sizeof(peer), slen = sizeof(self);
  check("getpeername of the client is the server's address",
        getpeername(c, (struct sockaddr *)&peer, &plen) == 0 &&
            ntohs(peer.sin_port) == local_port(l));
  check("getsockname of the server side is that address too",
        getsockname(s, (struct sockaddr *)&self, &slen) == 0 && self.sin_port == peer.sin_port);
  struct iovec iov[3] = {{"ab", 2}, {"", 0}, {"cdef", 4}};
  check_int("writev sends every buffer", writev(c, iov, 3), 6);
  char buf[16] = {0};
  struct iovec in[2] = {{buf, 3}, {buf + 3, 3}};
  struct msghdr msg = {.msg_iov = in, .msg_iovlen = 2};
  check_int("recvmsg with MSG_WAITALL fills two buffers", recvmsg(s, &msg, MSG_WAITALL), 6);
  check("... in order", memcmp(buf, "abcdef", 6) == 0);
  send(c, "xyz", 3, 0);
  check_int("MSG_PEEK leaves the data", recv(s, buf, 3, MSG_PEEK), 3);
  check_int("... for the next recv", recv(s, buf + 3, 3, 0), 3);
  check("... which sees the same bytes", memcmp(buf, "xyzxyz", 6) == 0);
  check_int("shutdown(SHUT_WR) succeeds", shutdown(c, SHUT_WR), 0);
  check_int("the peer then reads end of stream", read(s, buf, sizeof(buf)), 0);
  close(c);
  close(s);
  close(l);
}

static void loopback_names(void) {
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
  int r = getaddrinfo("127.0.0.1", "8080", &hints, &res);
  struct sockaddr_in *sin = r == 0 ? (struct sockaddr_in *)res->ai_addr : NULL;
  check("getaddrinfo of a numeric host and port",
        r == 0 && res->ai_family == AF_INET && res->ai_socktype == SOCK_STREAM &&
            ntohs(sin->sin_port) == 8080 && sin->sin_addr.s_addr == htonl(INADDR_LOOPBACK) &&
            res->ai_next == NULL);
  if (r == 0)
    freeaddrinfo(res);
  r = getaddrinfo("localhost", "http", NULL, &res);
  check("getaddrinfo of localhost and a service name gives TCP and UDP",
        r == 0 && ntohs(((struct sockaddr_in *)res->ai_addr)->sin_port) == 80 &&
            res->ai_next != NULL);
  if (r == 0)
    freeaddrinfo(res);
  hints = (struct addrinfo){.ai_flags = AI_PASSIVE, .ai_socktype = SOCK_DGRAM};
  r = getaddrinfo(NULL, "53", &hints, &res);
  check("getaddrinfo(NULL, AI_PASSIVE) is the any address",
        r == 0 && ((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr == INADDR_ANY);
  if (r == 0)
    freeaddrinfo(res);
  hints = (struct addrinfo){.ai_flags = AI_NUMERICHOST};
  check_int("AI_NUMERICHOST refuses a name", getaddrinfo("example", NULL, &hints, &res),
            EAI_NONAME);
  check("gai_strerror says something", strlen(gai_strerror(EAI_NONAME)) > 0);
  struct in_addr ia;
  char text[INET_ADDRSTRLEN];
  check("inet_pton and inet_ntop round trip",
        inet_pton(AF_INET, "10.77.0.254", &ia) == 1 &&
            strcmp(inet_ntop(AF_INET, &ia, text, sizeof(text)), "10.77.0.254") == 0);
  check("inet_pton refuses 256 and leading zeros",
        inet_pton(AF_INET, "1.2.3.256", &ia) == 0 && inet_pton(AF_INET, "01.2.3.4", &ia) == 0);
  check("inet_addr takes the short form", inet_addr("127.1") == htonl(0x7f000001));
}

/*
 * A forked child talks to its parent over loopback: the child blocks in
 * recv while the parent runs on the same stack addresses (fork shares
 * them), so nothing the stack keeps for a waiter may live on a stack.
 */
static void loopback_fork(void) {
  int l = tcp_listen("127.0.0.1", 0, 4), port = local_port(l);
  pid_t pid = fork();
  if (pid == 0) {
    close(l);
    char reply[64] = {0};
    int fd = tcp_connect("127.0.0.1", port);
    size_t n = write_all(fd, "from the child", 14) == 0 ? read_all(fd, reply, 14) : 0;
    close(fd);
    _exit(n == 14 && memcmp(reply, "FROM THE CHILD", 14) == 0 ? 0 : 1);
  }
  int s = accept(l, NULL, NULL);
  char buf[64] = {0};
  size_t n = read_all(s, buf, 14);
  for (size_t i = 0; i < n; i++)
    buf[i] = (char)(buf[i] >= 'a' && buf[i] <= 'z' ? buf[i] - 32 : buf[i]);
  write_all(s, buf, n);
  int status = -1;
  waitpid(pid, &status, 0);
  check("a forked child's connection to its parent works both ways",
        n == 14 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  close(s);
  close(l);
}

static int cmd_loopback(void) {
  loopback_tcp_echo();
  loopback_udp();
  loopback_poll_mix();
  loopback_nonblocking();
  loopback_errors_and_options();
  loopback_names();
  loopback_fork();
  printf("loopback: %d failures\n", failures);
  return failures != 0;
}

/* ---- servers and clients for a host peer ------------------------------------------ */

#define ECHO_MAX_CONNS 512

/*
 * A TCP echo server on one poll loop: serves until `total` connections
 * that sent something have come and gone (user-mode networking may open
 * and drop empty ones while the host retries). Prints where the first one
 * was accepted, so a test can check the address the guest got.
 */
static int cmd_echo(int port, int total) {
  int l = tcp_listen("0.0.0.0", port, SOMAXCONN), one = 1;
  setsockopt(l, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  fcntl(l, F_SETFL, O_NONBLOCK);
  static struct pollfd fds[1 + ECHO_MAX_CONNS];
  static bool spoke[1 + ECHO_MAX_CONNS];
  int nconns = 0, accepted = 0, closed = 0, empty = 0, most = 0;
  long bytes = 0;
  fds[0] = (struct pollfd){l, POLLIN, 0};
  printf("listening on %d\n", port);
  static char buf[65536];
  while (closed < total) {
    int r = poll(fds, (nfds_t)(1 + nconns), 60000);
    if (r <= 0) {
      printf("echo: poll returned %d (errno %d) with %d open\n", r, errno, nconns);
      return 1;
    }
    if (fds[0].revents & POLLIN) {
      struct sockaddr_in peer, self;
      socklen_t plen = sizeof(peer), slen = sizeof(self);
      int c;
      while (nconns < ECHO_MAX_CONNS && (c = accept(l, (struct sockaddr *)&peer, &plen)) >= 0) {
        if (accepted++ == 0 && getsockname(c, (struct sockaddr *)&self, &slen) == 0) {
          char a[32], b[32];
          printf("first connection: local %s peer %s\n", addr_text(&self, a, sizeof(a)),
                 addr_text(&peer, b, sizeof(b)));
        }
        spoke[1 + nconns] = false;
        fds[1 + nconns++] = (struct pollfd){c, POLLIN, 0};
        most = nconns > most ? nconns : most;
      }
    }
    for (int i = 1; i <= nconns; i++) {
      if (!(fds[i].revents & (POLLIN | POLLERR | POLLHUP)))
        continue;
      ssize_t n = read(fds[i].fd, buf, sizeof(buf));
      if (n > 0 && write_all(fds[i].fd, buf, (size_t)n) == 0) {
        bytes += n;
        spoke[i] = true;
        continue;
      }
      close(fds[i].fd);
      closed += spoke[i];
      empty += !spoke[i];
      spoke[i] = spoke[nconns];
      fds[i] = fds[nconns--];
      i--;
    }
  }
  printf("served %d connections, %ld bytes, at most %d at once (%d empty)\n", closed, bytes, most,
         empty);
  close(l);
  return 0;
}

/* Connects to a host server, sends a line, half-closes and prints what comes back. */
static int cmd_client(const char *ip, int port, const char *line) {
  int fd = tcp_connect(ip, port);
  struct sockaddr_in peer;
  socklen_t len = sizeof(peer);
  char a[32];
  if (getpeername(fd, (struct sockaddr *)&peer, &len) == 0)
    printf("connected to %s\n", addr_text(&peer, a, sizeof(a)));
  if (write_all(fd, line, strlen(line)) != 0)
    die("write");
  shutdown(fd, SHUT_WR);
  static char buf[4096];
  size_t n = read_all(fd, buf, sizeof(buf) - 1);
  buf[n] = '\0';
  printf("received %zu bytes: %s\n", n, buf);
  close(fd);
  return n == 0;
}

/* Echoes `total` datagrams back to their senders. */
static int cmd_udp(int port, int total) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = addr4("0.0.0.0", port);
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
    die("udp bind");
  printf("listening on %d\n", port);
  static char buf[65536];
  for (int i = 0; i < total; i++) {
    struct sockaddr_in from;
    socklen_t len = sizeof(from);
    ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
    if (n < 0 || sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, len) != n)
      die("udp echo");
  }
  printf("udp served %d datagrams\n", total);
  close(fd);
  return 0;
}

/*
 * poll over a listening socket and a pipe, with a host client: first the
 * pipe alone becomes ready, then the socket alone.
 */
static int cmd_pollmix(int port) {
  int l = tcp_listen("0.0.0.0", port, 4), p[2];
  if (pipe(p) != 0)
    die("pipe");
  pipe_writer_fd = p[1];
  pthread_t t;
  pthread_create(&t, NULL, pipe_writer, NULL);
  struct pollfd fds[2] = {{l, POLLIN, 0}, {p[0], POLLIN, 0}};
  int r = poll(fds, 2, 10000);
  check("poll wakes for the pipe alone", r == 1 && fds[1].revents == POLLIN && !fds[0].revents);
  pthread_join(t, NULL);
  char c;
  read(p[0], &c, 1);
  printf("listening on %d\n", port);
  fflush(stdout);
  r = poll(fds, 2, 20000);
  check("poll wakes for the host's connection alone",
        r == 1 && fds[0].revents == POLLIN && !fds[1].revents);
  int s = accept(l, NULL, NULL);
  fds[0] = (struct pollfd){s, POLLIN, 0};
  r = poll(fds, 2, 20000);
  check("poll wakes for the host's data", r == 1 && (fds[0].revents & POLLIN));
  char buf[16] = {0};
  check_int("the host's ping arrives", read(s, buf, 4), 4);
  check("... as ping", memcmp(buf, "ping", 4) == 0);
  check_int("pong goes back", write(s, "pong", 4), 4);
  fd_set rd;
  FD_ZERO(&rd);
  FD_SET(s, &rd);
  FD_SET(p[0], &rd);
  struct timeval tv = {20, 0};
  r = select((s > p[0] ? s : p[0]) + 1, &rd, NULL, NULL, &tv);
  check("select wakes when the host closes", r == 1 && FD_ISSET(s, &rd));
  check_int("... and the socket reads end of stream", read(s, buf, sizeof(buf)), 0);
  close(s);
  close(l);
  printf("pollmix: %d failures\n", failures);
  return failures != 0;
}

/*
 * Non-blocking accept and recv against a host client: EAGAIN until it
 * acts. The host sends "hello" once it sees "waiting for data", then
 * reads everything the guest sends until it closes.
 */
static int cmd_nonblock(int port) {
  int l = tcp_listen("0.0.0.0", port, 4);
  fcntl(l, F_SETFL, fcntl(l, F_GETFL) | O_NONBLOCK);
  check_int("non-blocking accept before the host connects fails", accept(l, NULL, NULL), -1);
  check("... with EAGAIN", errno == EAGAIN);
  printf("listening on %d\n", port);
  fflush(stdout);
  check("the listener polls readable when the host connects", wait_fd(l, POLLIN, 20000) & POLLIN);
  int s = accept(l, NULL, NULL);
  check("accept then succeeds", s >= 0);
  check("an accepted socket does not inherit O_NONBLOCK", !(fcntl(s, F_GETFL) & O_NONBLOCK));
  fcntl(s, F_SETFL, O_NONBLOCK);
  char buf[64] = {0};
  check_int("non-blocking recv before the host sends fails", recv(s, buf, sizeof(buf), 0), -1);
  check("... with EAGAIN", errno == EAGAIN);
  printf("waiting for data\n");
  fflush(stdout);
  check("the socket polls readable when the host sends", wait_fd(s, POLLIN, 20000) & POLLIN);
  check_int("recv then gets hello", recv(s, buf, sizeof(buf), 0), 5);
  check("... as sent", memcmp(buf, "hello", 5) == 0);
  /* Stream a known amount; EAGAIN means wait for POLLOUT, never spin. */
  static uint8_t chunk[32768];
  pattern(chunk, sizeof(chunk), 9);
  size_t total = 8u << 20, sent = 0;
  int eagain = 0, stalls = 0;
  while (sent < total && stalls < 100) {
    size_t want = total - sent < sizeof(chunk) ? total - sent : sizeof(chunk);
    ssize_t n = send(s, chunk, want, 0);
    if (n > 0) {
      sent += (size_t)n;
      continue;
    }
    if (n < 0 && errno == EAGAIN) {
      eagain++;
      stalls += !(wait_fd(s, POLLOUT, 20000) & POLLOUT);
      continue;
    }
    break;
  }
  check("8 MiB sent through a non-blocking socket", sent == total);
  check("... which said EAGAIN along the way", eagain > 0);
  printf("sent %zu bytes\n", sent);
  close(s);
  close(l);
  printf("nonblock: %d failures\n", failures);
  return failures != 0;
}

/* getaddrinfo through DNS: each name's first IPv4 address, or the error. */
static int cmd_resolve(int argc, char **argv) {
  for (int i = 2; i < argc; i++) {
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
    int r = getaddrinfo(argv[i], "80", &hints, &res);
    if (r != 0) {
      printf("%s: error %d (%s)\n", argv[i], r, gai_strerror(r));
      continue;
    }
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, ip, sizeof(ip));
    printf("%s: %s\n", argv[i], ip);
    freeaddrinfo(res);
  }
  return 0;
}

static void usage(void) {
  printf("usage: nettest loopback | echo PORT CONNS | client IP PORT LINE | udp PORT COUNT |\n"
         "               pollmix PORT | nonblock PORT | resolve NAME...\n");
}

int main(int argc, char **argv) {
  /* Line-buffered, so a test watching the output sees "listening" at once. */
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc < 2) {
    usage();
    return 2;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "loopback") == 0)
    return cmd_loopback();
  if (strcmp(cmd, "echo") == 0 && argc == 4)
    return cmd_echo(atoi(argv[2]), atoi(argv[3]));
  if (strcmp(cmd, "client") == 0 && argc == 5)
    return cmd_client(argv[2], atoi(argv[3]), argv[4]);
  if (strcmp(cmd, "udp") == 0 && argc == 4)
    return cmd_udp(atoi(argv[2]), atoi(argv[3]));
  if (strcmp(cmd, "pollmix") == 0 && argc == 3)
    return cmd_pollmix(atoi(argv[2]));
  if (strcmp(cmd, "nonblock") == 0 && argc == 3)
    return cmd_nonblock(atoi(argv[2]));
  if (strcmp(cmd, "resolve") == 0)
    return cmd_resolve(argc, argv);
  usage();
  return 2;
}
