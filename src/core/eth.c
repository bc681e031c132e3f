/*
 * eth.c - Ethernet II framing (IEEE 802.3 clause 3, the DIX type field).
 *
 * host_input() hands every frame from the link to eth_input(), which checks
 * the 14-byte header, keeps frames addressed to our MAC or to broadcast and
 * passes the payload to arp_input() or ipv4_input() by EtherType.  Anything
 * else is counted and dropped.  eth.rx counts every frame offered, like
 * an interface's input counter, so rx minus the drop counters is what went
 * up the stack.
 *
 * Frames shorter than Ethernet's 60-byte minimum are accepted and outgoing
 * frames are not padded: padding only matters to real collision detection,
 * and leaving it out keeps captured frames exactly as long as their
 * contents.  Upper layers trust their own length fields, not the frame's,
 * so padding from a real link (TAP) is ignored there.
 *
 * eth_output() writes the header in front of a frame built by a protocol
 * and hands it to cfg.tx.  Neither direction allocates.
 */
#include <string.h>

#include "ipv4.h"

static const uint8_t eth_broadcast[TV_ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static bool eth_for_us(const struct host *h, const uint8_t *dst)
{
	return memcmp(dst, h->cfg.mac, TV_ETH_ALEN) == 0 ||
	       memcmp(dst, eth_broadcast, TV_ETH_ALEN) == 0;
}

void eth_input(struct host *h, const uint8_t *frame, size_t len, tv_time now)
{
	host_count(h, TV_CNT_ETH_RX);
	if (len < TV_ETH_HLEN) {
		host_drop(h, TV_CNT_ETH_SHORT, TV_RULE_NONE, NULL);
		return;
	}
	if (!eth_for_us(h, frame)) {
		host_drop(h, TV_CNT_ETH_NOT_US, TV_RULE_NONE, NULL);
		return;
	}
	switch (tv_get_be16(frame + 12)) {
	case TV_ETHERTYPE_IPV4:
		ipv4_input(h, frame + TV_ETH_HLEN, len - TV_ETH_HLEN, now);
		break;
	case TV_ETHERTYPE_ARP:
		arp_input(h, frame + TV_ETH_HLEN, len - TV_ETH_HLEN, now);
		break;
	default:
		/* Includes 802.3 length fields (< 0x0600) and VLAN tags. */
		host_drop(h, TV_CNT_ETH_BAD_TYPE, TV_RULE_NONE, NULL);
		break;
	}
}

int eth_output(struct host *h, uint8_t *frame, size_t len,
	       const uint8_t dst[TV_ETH_ALEN], uint16_t ethertype, tv_time now)
{
	if (len < TV_ETH_HLEN)
		return TV_EINVAL;
	if (len > (size_t)TV_ETH_HLEN + h->cfg.mtu)
		return TV_EMSGSIZE;
	memcpy(frame, dst, TV_ETH_ALEN);
	memcpy(frame + TV_ETH_ALEN, h->cfg.mac, TV_ETH_ALEN);
	tv_put_be16(frame + 12, ethertype);
	host_count(h, TV_CNT_ETH_TX);
	/* A host without a link (tx NULL) sends into the void. */
	if (h->cfg.tx == NULL)
		return TV_OK;
	int err = h->cfg.tx(h->cfg.tx_ctx, frame, len, now);
	if (err < 0) {
		host_count(h, TV_CNT_ETH_TX_ERR);
		return err;
	}
	return TV_OK;
}
