/*
 * ipv4.h - Ethernet II, ARP, IPv4 and ICMP: the layers under TCP.
 *
 * Input: host_input() -> eth_input() -> arp_input() | ipv4_input() ->
 * icmp_input() | tcp_input().  Output: a protocol writes its packet at
 * buf + TV_HDR_ROOM and calls ipv4_output(), which fills the IPv4 and
 * Ethernet headers in the headroom and hands the frame to the host's tx
 * (or parks it in the ARP pending queue until the address resolves).
 */
#ifndef TV_IPV4_H
#define TV_IPV4_H

#include "host.h"

enum { TV_IPPROTO_ICMP = 1, TV_IPPROTO_TCP = 6 };
enum { TV_ETHERTYPE_IPV4 = 0x0800, TV_ETHERTYPE_ARP = 0x0806 };

/* Big-endian (network order) field access that needs no alignment. */
static inline uint16_t tv_get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t tv_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void tv_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void tv_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void eth_input(struct host *h, const uint8_t *frame, size_t len, tv_time now);
/* Fill the Ethernet header at frame[0..13] and transmit len bytes. */
int eth_output(struct host *h, uint8_t *frame, size_t len,
	       const uint8_t dst[TV_ETH_ALEN], uint16_t ethertype, tv_time now);

/* buf holds TV_HDR_ROOM bytes of headroom followed by len payload bytes.
 * Returns 0 when the frame was sent or queued for ARP; TV_EUNREACH when
 * daddr is not on the link (counted IP_NO_ROUTE), TV_EMSGSIZE when the
 * packet exceeds the MTU, TV_ENOBUFS/TV_ENOMEM when the ARP queue refused
 * it, or the link's error. */
int ipv4_output(struct host *h, uint8_t *buf, size_t len, uint32_t daddr,
		uint8_t proto, tv_time now);
void ipv4_input(struct host *h, const uint8_t *pkt, size_t len, tv_time now);
void icmp_input(struct host *h, uint32_t saddr, uint32_t daddr,
		const uint8_t *msg, size_t len, tv_time now);
/* Send an ICMP echo request (for tests and a `ping` command). */
int icmp_send_echo(struct host *h, uint32_t daddr, uint16_t id, uint16_t seq,
		   const uint8_t *data, size_t len, tv_time now);

struct arp_cache *arp_new(struct host *h, tv_time now);
void arp_free(struct arp_cache *arp);
void arp_input(struct host *h, const uint8_t *pkt, size_t len, tv_time now);
/* Send a frame (Ethernet header space at frame[0..13], EtherType IPv4) to
 * the on-link address nexthop, resolving it first if needed. */
int arp_send(struct host *h, uint32_t nexthop, uint8_t *frame, size_t len, tv_time now);
void arp_poll(struct host *h, tv_time now);
tv_time arp_next_deadline(const struct host *h);
/* Announce our address (gratuitous ARP request). */
void arp_announce(struct host *h, tv_time now);
/* Add or refresh a cache entry (a static one never ages); for tests and
 * for a TAP runtime that knows its peer. */
int arp_insert(struct host *h, uint32_t addr, const uint8_t mac[TV_ETH_ALEN], bool permanent,
	       tv_time now);
/* Cache lookup for front ends and tests: true and mac filled if known. */
bool arp_lookup(const struct host *h, uint32_t addr, uint8_t mac[TV_ETH_ALEN]);
/* Stable name of an enum tv_arp_change ("learned"), for printers. */
const char *tv_arp_change_name(enum tv_arp_change c);
/* Entries in the cache (incomplete ones included), for front ends and tests. */
unsigned arp_cache_size(const struct host *h);
/* Change the cache's size (cfg.arp_cache_max) on a running host: 1 to
 * ARP_CACHE_MAX entries.  TV_EINVAL out of range, TV_ENOBUFS if more
 * static entries than that are in it, TV_ENOMEM. */
#define ARP_CACHE_MAX 65535
int arp_set_cache_max(struct host *h, unsigned max);

#endif
