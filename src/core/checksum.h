/*
 * checksum.h - the Internet checksum (RFC 1071) for IPv4, ICMP and TCP.
 */
#ifndef TV_CHECKSUM_H
#define TV_CHECKSUM_H

#include "tv.h"

/* One's-complement sum of len bytes added to sum (not folded, not inverted). */
uint32_t tv_csum_add(uint32_t sum, const void *data, size_t len);
/* Fold a 32-bit partial sum into 16 bits and invert it: the header value. */
uint16_t tv_csum_finish(uint32_t sum);
/* Partial sum of the TCP/UDP pseudo-header (addresses host byte order). */
uint32_t tv_csum_pseudo(uint32_t saddr, uint32_t daddr, uint8_t proto, uint16_t len);

#endif
