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

void eth_input(struct host *h, const uint8_t *frame, size_t len, tv_time now);
/* Fill the Ethernet header at frame[0..13] and transmit len bytes. */
int eth_output(struct host *h, uint8_t *frame, size_t len,
	       const uint8_t dst[TV_ETH_ALEN], uint16_t ethertype, tv_time now);

/* buf holds TV_HDR_ROOM bytes of headroom followed by len payload bytes. */
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

#endif
