/*
 * icmp.c - the ICMP (RFC 792) a host needs: answering echo requests
 * (RFC 1122 3.2.2.6 makes that a MUST) and seeing echo replies.
 *
 * ipv4_input() hands every ICMP message addressed to us to icmp_input().
 * A valid message is reported as a TV_EV_ICMP event; an echo request is
 * answered with an echo reply carrying the same identifier, sequence
 * number and data; an echo reply is counted for `ping`; other types are
 * counted and otherwise ignored (errors such as destination unreachable
 * are not yet passed on to TCP, RFC 1122 4.2.3.9).  icmp_send_echo() sends
 * a request, for tests and a ping command.
 *
 * Replies are built in a stack buffer: no allocation per message.
 */
#include <string.h>

#include "checksum.h"
#include "ipv4.h"

#define ICMP_HLEN 8
enum { ICMP_ECHO_REPLY = 0, ICMP_ECHO_REQUEST = 8 };

static bool icmp_is_echo(uint8_t type)
{
	return type == ICMP_ECHO_REPLY || type == ICMP_ECHO_REQUEST;
}

static void icmp_emit(struct host *h, const uint8_t *msg, bool out, uint32_t saddr,
		      uint32_t daddr)
{
	if (!tv_bus_active(h->cfg.bus))
		return;
	struct tv_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = TV_EV_ICMP;
	ev.u.icmp.type = msg[0];
	ev.u.icmp.code = msg[1];
	ev.u.icmp.out = out;
	ev.u.icmp.saddr = saddr;
	ev.u.icmp.daddr = daddr;
	if (icmp_is_echo(msg[0])) {
		ev.u.icmp.id = tv_get_be16(msg + 4);
		ev.u.icmp.seq = tv_get_be16(msg + 6);
	}
	host_emit(h, &ev);
}

/* Checksum msg (its checksum field zeroed first) and send it to daddr. */
static int icmp_output(struct host *h, uint8_t *buf, size_t len, uint32_t daddr, tv_time now)
{
	uint8_t *msg = buf + TV_HDR_ROOM;
	msg[2] = msg[3] = 0;
	uint16_t csum = tv_csum_finish(tv_csum_add(0, msg, len));
	memcpy(msg + 2, &csum, 2); /* already in network order */
	icmp_emit(h, msg, true, h->cfg.addr, daddr);
	return ipv4_output(h, buf, len, daddr, TV_IPPROTO_ICMP, now);
}

/* RFC 792 "Echo or Echo Reply Message": swap the addresses, set type 0,
 * keep identifier, sequence number and data. */
static void icmp_echo_reply(struct host *h, uint32_t saddr, const uint8_t *msg, size_t len,
			    tv_time now)
{
	uint8_t buf[TV_FRAME_MAX];

	/* We cannot fragment the reply, so a request larger than our MTU
	 * (possible only from a foreign link) goes unanswered. */
	if (len > (size_t)h->cfg.mtu - TV_IP_HLEN) {
		host_drop(h, TV_CNT_ICMP_BAD, TV_RULE_NONE, NULL);
		return;
	}
	memcpy(buf + TV_HDR_ROOM, msg, len);
	buf[TV_HDR_ROOM] = ICMP_ECHO_REPLY;
	buf[TV_HDR_ROOM + 1] = 0;
	host_count(h, TV_CNT_ICMP_ECHO);
	icmp_output(h, buf, len, saddr, now);
}

void icmp_input(struct host *h, uint32_t saddr, uint32_t daddr, const uint8_t *msg,
		size_t len, tv_time now)
{
	if (len < ICMP_HLEN || tv_csum_finish(tv_csum_add(0, msg, len)) != 0) {
		host_drop(h, TV_CNT_ICMP_BAD, TV_RULE_NONE, NULL);
		return;
	}
	icmp_emit(h, msg, false, saddr, daddr);
	switch (msg[0]) {
	case ICMP_ECHO_REQUEST:
		icmp_echo_reply(h, saddr, msg, len, now);
		break;
	case ICMP_ECHO_REPLY:
		host_count(h, TV_CNT_ICMP_ECHO_REPLY);
		break;
	default:
		host_count(h, TV_CNT_ICMP_OTHER);
		break;
	}
}

int icmp_send_echo(struct host *h, uint32_t daddr, uint16_t id, uint16_t seq,
		   const uint8_t *data, size_t len, tv_time now)
{
	uint8_t buf[TV_FRAME_MAX];

	if (len > (size_t)h->cfg.mtu - TV_IP_HLEN - ICMP_HLEN)
		return TV_EMSGSIZE;
	if (now > h->now) /* an entry point: events carry this time */
		h->now = now;
	uint8_t *msg = buf + TV_HDR_ROOM;
	msg[0] = ICMP_ECHO_REQUEST;
	msg[1] = 0;
	tv_put_be16(msg + 4, id);
	tv_put_be16(msg + 6, seq);
	if (len > 0)
		memcpy(msg + ICMP_HLEN, data, len);
	return icmp_output(h, buf, ICMP_HLEN + len, daddr, now);
}
