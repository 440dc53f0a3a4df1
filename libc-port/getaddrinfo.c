/* getaddrinfo.c: getaddrinfo (numeric, localhost, DNS; IPv4), freeaddrinfo, gai_strerror,
 * getnameinfo. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netstack/netstack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GAI_FLAGS                                                                                  \
  (AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | AI_ALL | AI_ADDRCONFIG |             \
   AI_NUMERICSERV)

/* The services a small system is asked for by name (there is no /etc/services). */
static const struct {
  const char *name;
  int port;
} gai_services[] = {
    {"echo", 7},  {"discard", 9}, {"daytime", 13}, {"ftp", 21},    {"ssh", 22},      {"telnet", 23},
    {"smtp", 25}, {"domain", 53}, {"http", 80},    {"https", 443}, {"iperf3", 5201},
};

static int gai_port(const char *service, int flags, int *port) {
  *port = 0;
  if (service == NULL || *service == '\0')
    return 0;
  char *end;
  unsigned long v = strtoul(service, &end, 10);
  if (*end == '\0' && service[0] >= '0' && service[0] <= '9') {
    if (v > 65535)
      return EAI_SERVICE;
    *port = (int)v;
    return 0;
  }
  if (flags & AI_NUMERICSERV)
    return EAI_NONAME;
  for (size_t i = 0; i < sizeof(gai_services) / sizeof(gai_services[0]); i++)
    if (strcmp(service, gai_services[i].name) == 0) {
      *port = gai_services[i].port;
      return 0;
    }
  return EAI_SERVICE;
}

static int gai_host(const char *node, int flags, in_addr_t *ip) {
  struct in_addr a;
  if (node == NULL) {
    *ip = htonl((flags & AI_PASSIVE) ? INADDR_ANY : INADDR_LOOPBACK);
    return 0;
  }
  if (inet_aton(node, &a)) {
    *ip = a.s_addr;
    return 0;
  }
  if (flags & AI_NUMERICHOST)
    return EAI_NONAME;
  if (strcmp(node, "localhost") == 0) {
    *ip = htonl(INADDR_LOOPBACK);
    return 0;
  }
  int r = netstack_resolve(node, ip);
  if (r == -ENOENT)
    return EAI_NONAME;
  if (r == -ENOMEM)
    return EAI_MEMORY;
  return r == -EAGAIN ? EAI_AGAIN : r != 0 ? EAI_FAIL : 0;
}

/* One result: the addrinfo, its address and its name in one block (freeaddrinfo frees it). */
static struct addrinfo *gai_entry(int socktype, in_addr_t ip, int port, const char *canon) {
  size_t canon_len = canon != NULL ? strlen(canon) + 1 : 0;
  struct addrinfo *ai = calloc(1, sizeof(*ai) + sizeof(struct sockaddr_in) + canon_len);
  if (ai == NULL)
    return NULL;
  struct sockaddr_in *sin = (struct sockaddr_in *)(ai + 1);
  sin->sin_family = AF_INET;
  sin->sin_port = htons((uint16_t)port);
  sin->sin_addr.s_addr = ip;
  ai->ai_family = AF_INET;
  ai->ai_socktype = socktype;
  ai->ai_protocol = socktype == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
  ai->ai_addrlen = sizeof(*sin);
  ai->ai_addr = (struct sockaddr *)sin;
  if (canon != NULL) {
    ai->ai_canonname = (char *)(sin + 1);
    memcpy(ai->ai_canonname, canon, canon_len);
  }
  return ai;
}

int getaddrinfo(const char *restrict node, const char *restrict service,
                const struct addrinfo *restrict hints, struct addrinfo **restrict res) {
  int flags = hints != NULL ? hints->ai_flags : 0;
  int family = hints != NULL ? hints->ai_family : AF_UNSPEC;
  int socktype = hints != NULL ? hints->ai_socktype : 0;
  if (flags & ~GAI_FLAGS)
    return EAI_BADFLAGS;
  if (family != AF_UNSPEC && family != AF_INET)
    return EAI_FAMILY;
  if (socktype != 0 && socktype != SOCK_STREAM && socktype != SOCK_DGRAM)
    return EAI_SOCKTYPE;
  if (node == NULL && service == NULL)
    return EAI_NONAME;
  int port, r = gai_port(service, flags, &port);
  in_addr_t ip;
  if (r == 0)
    r = gai_host(node, flags, &ip);
  if (r != 0)
    return r;
  const char *canon = (flags & AI_CANONNAME) && node != NULL ? node : NULL;
  /* No socket type asked for: one result per type, as glibc gives. */
  struct addrinfo *first = gai_entry(socktype != 0 ? socktype : SOCK_STREAM, ip, port, canon);
  if (first != NULL && socktype == 0) {
    first->ai_next = gai_entry(SOCK_DGRAM, ip, port, NULL);
    if (first->ai_next == NULL) {
      freeaddrinfo(first);
      first = NULL;
    }
  }
  if (first == NULL)
    return EAI_MEMORY;
  *res = first;
  return 0;
}

void freeaddrinfo(struct addrinfo *res) {
  while (res != NULL) {
    struct addrinfo *next = res->ai_next;
    free(res);
    res = next;
  }
}

const char *gai_strerror(int err) {
  switch (err) {
  case 0:
    return "Success";
  case EAI_BADFLAGS:
    return "Bad value for ai_flags";
  case EAI_NONAME:
    return "Name or service not known";
  case EAI_AGAIN:
    return "Temporary failure in name resolution";
  case EAI_FAIL:
    return "Non-recoverable failure in name resolution";
  case EAI_FAMILY:
    return "ai_family not supported";
  case EAI_SOCKTYPE:
    return "ai_socktype not supported";
  case EAI_SERVICE:
    return "Servname not supported for ai_socktype";
  case EAI_MEMORY:
    return "Memory allocation failure";
  case EAI_SYSTEM:
    return "System error";
  case EAI_OVERFLOW:
    return "Argument buffer overflow";
  }
  return "Unknown error";
}

/* Numbers only: there is no reverse DNS, so NI_NAMEREQD always fails. */
int getnameinfo(const struct sockaddr *restrict addr, socklen_t addrlen, char *restrict host,
                socklen_t hostlen, char *restrict serv, socklen_t servlen, int flags) {
  struct sockaddr_in sin;
  if (addr == NULL || addrlen < sizeof(sin))
    return EAI_FAMILY;
  memcpy(&sin, addr, sizeof(sin));
  if (sin.sin_family != AF_INET)
    return EAI_FAMILY;
  if (host != NULL && hostlen > 0) {
    if (flags & NI_NAMEREQD)
      return EAI_NONAME;
    if (inet_ntop(AF_INET, &sin.sin_addr, host, hostlen) == NULL)
      return EAI_OVERFLOW;
  }
  if (serv != NULL && servlen > 0) {
    int n = snprintf(serv, servlen, "%u", (unsigned)ntohs(sin.sin_port));
    if (n < 0 || (socklen_t)n >= servlen)
      return EAI_OVERFLOW;
  }
  return 0;
}
