/* inet.h: converting IPv4 addresses between text and binary. */
#ifndef UNIKVM_ARPA_INET_H
#define UNIKVM_ARPA_INET_H

#include <netinet/in.h>

#ifdef __cplusplus
extern "C" {
#endif

in_addr_t inet_addr(const char *cp);
int inet_aton(const char *cp, struct in_addr *addr);
char *inet_ntoa(struct in_addr in);
int inet_pton(int af, const char *restrict src, void *restrict dst);
const char *inet_ntop(int af, const void *restrict src, char *restrict dst, socklen_t size);

#ifdef __cplusplus
}
#endif

#endif
