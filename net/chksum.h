/* chksum.h: the Internet checksum routines lwIP uses (lwipopts.h names them). */
#ifndef NET_CHKSUM_H
#define NET_CHKSUM_H

#include <stddef.h>
#include <stdint.h>

/* The one's-complement sum of LEN bytes as 16-bit words in memory order (not inverted). */
uint16_t net_chksum(const void *data, int len);

/* Copies LEN bytes from SRC to DST and returns net_chksum of them, in one pass. */
uint16_t net_chksum_copy(void *dst, const void *src, uint16_t len);

#endif
