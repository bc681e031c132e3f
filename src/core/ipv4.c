/*
 * ipv4.c - IPv4 (RFC 791) for a host on one link, with RFC 1122's checks.
 *
 * eth_input() hands every IPv4 packet to ipv4_input(), which validates the
 * header and passes the payload to icmp_input() or tcp_input().  ICMP and
 * TCP build their packets after TV_HDR_ROOM bytes of headroom and call
 * ipv4_output(), which writes a 20-byte header in front and gives the frame
 * to arp_send().  ip.rx counts every packet offered, including the ones
 * later dropped (like RFC 4293's ipSystemStatsInReceives).
 *
 * Deliberate limits, each counted when it bites:
 *  - No reassembly: a fragment (MF set or a non-zero offset) is dropped
 *    (ip.frag).  We always send with DF set, and TCP's MSS keeps segments
 *    within the MTU, so two tcpviz hosts never fragment.
 *  - No routing: the destination must be on the link (cfg.prefix_len);
 *    anything else fails with TV_EUNREACH (ip.no_route).  There is no
 *    default gateway yet.
 *  - No loopback: packets to our own address are not routed either.
 *  - No ICMP errors: an unknown protocol is dropped (ip.bad_proto) without
 *    the protocol-unreachable message RFC 1122 3.2.2.1 suggests.
 * Options in received packets are skipped, not interpreted.
 */
#include <string.h>

#include "checksum.h"
#include "ipv4.h"
#include "tcp.h"

#define IP_DF 0x4000
#define IP_MF 0x2000
#define IP_OFFMASK 0x1fff

static uint32_t ipv4_mask(uint8_t prefix_len)
{
	return prefix_len == 0 ? 0 : ~(uint32_t)0 << (32 - prefix_len);
}

/* RFC 1122 3.2.1.3: a source must not be broadcast or multicast. */
static bool ipv4_src_ok(uint32_t saddr)
{
	return saddr != 0xffffffffu && (saddr >> 28) != 0xe;
}

/* Checks RFC 791 / RFC 1122 3.2.1 in the order a reader would: lengths
 * first (nothing else can be read safely before), then the checksum, then
 * the fields it protects.  Returns the counter to drop with, or
 * TV_CNT_COUNT when the packet is good. */
static enum tv_counter ipv4_check(const struct host *h, const uint8_t *p, size_t len, size_t *hlen,
		      size_t *tot)
{
	if (len < TV_IP_HLEN)
		return TV_CNT_IP_BAD_LEN;
	if ((p[0] >> 4) != 4 || (p[0] & 0xf) < 5)
		return TV_CNT_IP_BAD_HDR;
	*hlen = (size_t)(p[0] & 0xf) * 4;
	*tot = tv_get_be16(p + 2);
	if (*hlen > len || *tot < *hlen || *tot > len)
		return TV_CNT_IP_BAD_LEN;
	if (tv_csum_finish(tv_csum_add(0, p, *hlen)) != 0)
		return TV_CNT_IP_BAD_CSUM;
	if (p[8] == 0)
		return TV_CNT_IP_TTL;
	if (tv_get_be16(p + 6) & (IP_MF | IP_OFFMASK))
		return TV_CNT_IP_FRAG;
	if (!ipv4_src_ok(tv_get_be32(p + 12)))
		return TV_CNT_IP_BAD_HDR;
	if (h->cfg.addr == 0 || tv_get_be32(p + 16) != h->cfg.addr)
		return TV_CNT_IP_NOT_US;
	return TV_CNT_COUNT;
}

void ipv4_input(struct host *h, const uint8_t *pkt, size_t len, tv_time now)
{
	size_t hlen = 0, tot = 0;

	host_count(h, TV_CNT_IP_RX);
	enum tv_counter bad = ipv4_check(h, pkt, len, &hlen, &tot);
	if (bad != TV_CNT_COUNT) {
		host_drop(h, bad, TV_RULE_NONE, NULL);
		return;
	}
	/* Bytes past the total length are link padding: ignored. */
	uint32_t saddr = tv_get_be32(pkt + 12), daddr = tv_get_be32(pkt + 16);
	switch (pkt[9]) {
	case TV_IPPROTO_TCP:
		tcp_input(h, saddr, daddr, pkt + hlen, tot - hlen, now);
		break;
	case TV_IPPROTO_ICMP:
		icmp_input(h, saddr, daddr, pkt + hlen, tot - hlen, now);
		break;
	default:
		host_drop(h, TV_CNT_IP_BAD_PROTO, TV_RULE_NONE, NULL);
		break;
	}
}

/* Unicast on our link, and not ourselves (no loopback). */
static bool ipv4_on_link(const struct host *h, uint32_t daddr)
{
	uint32_t mask = ipv4_mask(h->cfg.prefix_len);
	return daddr != 0 && daddr != h->cfg.addr && ipv4_src_ok(daddr) &&
	       ((daddr ^ h->cfg.addr) & mask) == 0;
}

int ipv4_output(struct host *h, uint8_t *buf, size_t len, uint32_t daddr, uint8_t proto,
		tv_time now)
{
	if (len > (size_t)h->cfg.mtu - TV_IP_HLEN)
		return TV_EMSGSIZE;
	/* Socket calls reach us without host_input/host_poll: keep the
	 * time that events are stamped with current. */
	if (now > h->now)
		h->now = now;
	if (!ipv4_on_link(h, daddr)) {
		host_drop(h, TV_CNT_IP_NO_ROUTE, TV_RULE_NONE, NULL);
		return TV_EUNREACH;
	}
	uint8_t *ip = buf + TV_ETH_HLEN;
	ip[0] = 0x45;
	ip[1] = 0;
	tv_put_be16(ip + 2, (uint16_t)(TV_IP_HLEN + len));
	tv_put_be16(ip + 4, (uint16_t)h->ip_id++);
	tv_put_be16(ip + 6, IP_DF);
	ip[8] = h->cfg.ttl;
	ip[9] = proto;
	ip[10] = ip[11] = 0;
	tv_put_be32(ip + 12, h->cfg.addr);
	tv_put_be32(ip + 16, daddr);
	uint16_t csum = tv_csum_finish(tv_csum_add(0, ip, TV_IP_HLEN));
	memcpy(ip + 10, &csum, 2); /* the sum is already in network order */
	host_count(h, TV_CNT_IP_TX);
	return arp_send(h, daddr, buf, TV_HDR_ROOM + len, now);
}
