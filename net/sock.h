/* sock.h: what sock.c shares with the other socket files of net/. */
#ifndef NET_SOCK_H
#define NET_SOCK_H

#include "lwip/api.h"

/* The netconn behind lwIP socket s, or NULL. */
struct netconn *sock_conn(int s);

/* errno, as set by the lwIP call that just failed, as a negative value. */
int sock_errno(void);

/* SO_ERROR: takes the pending error (positive errno, 0 if none) or returns -errno. */
int sock_take_error(int s);

#endif
