/*
 * tcp.h - TCP (RFC 9293): states, the per-host connection table, and the
 * entry points the IPv4 layer and the host call.  struct tcb and the
 * internal interfaces of tcp_*.c are declared in tcb.h.
 */
#ifndef TV_TCP_H
#define TV_TCP_H

#include "host.h"

/* RFC 9293 figure 5; CLOSED is the absence of a TCB but is also the state
 * of a socket that has no connection yet.  A TCB's last TV_EV_STATE event
 * ends its connection id: normally a change to CLOSED, but a half-open
 * connection born from a listener that is reset (or meets a new SYN)
 * goes "back to LISTEN" (figure 5 note 1): its id ends with a change to
 * LISTEN, while the listener itself carries on. */
enum tcb_state {
	TCB_CLOSED,
	TCB_LISTEN,
	TCB_SYN_SENT,
	TCB_SYN_RECEIVED,
	TCB_ESTABLISHED,
	TCB_FIN_WAIT_1,
	TCB_FIN_WAIT_2,
	TCB_CLOSE_WAIT,
	TCB_CLOSING,
	TCB_LAST_ACK,
	TCB_TIME_WAIT,
	TCB_STATE_COUNT
};

/* RFC spelling ("SYN-SENT"); never translated. */
const char *tcb_state_name(enum tcb_state s);

struct tcp_host *tcp_host_new(struct host *h);
void tcp_host_free(struct tcp_host *t);
/* A TCP segment from IPv4 (header validated there; TCP checks its own
 * checksum with the pseudo-header). */
void tcp_input(struct host *h, uint32_t saddr, uint32_t daddr, const uint8_t *seg,
	       size_t len, tv_time now);
void tcp_poll(struct host *h, tv_time now);
tv_time tcp_next_deadline(const struct host *h);

/* Parse a TCP header and its options into info (payload length included).
 * Returns 0, or TV_EINVAL for a bad header, TV_EMSGSIZE for bad options
 * (the caller counts).  Does not check the checksum.  Used by TCP input and
 * by the gate, the wire and the printers to describe frames. */
int tcp_parse(const uint8_t *seg, size_t len, struct tv_seg_info *info);
/* Describe an Ethernet frame: true if it carries a well-formed TCP segment
 * over IPv4 (info filled). */
bool tv_frame_tcp_info(const uint8_t *frame, size_t len, struct tv_seg_info *info);

#endif
