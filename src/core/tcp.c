/*
 * tcp.c - TEMPORARY stubs so the tree links while TCP is being written.
 * The TCP work replaces this file entirely.
 */
#include <stdlib.h>

#include "tcp.h"

struct tcp_host {
	int unused;
};

const char *tcb_state_name(enum tcb_state s)
{
	(void)s;
	return "CLOSED";
}

struct tcp_host *tcp_host_new(struct host *h)
{
	(void)h;
	return calloc(1, sizeof(struct tcp_host));
}

void tcp_host_free(struct tcp_host *t)
{
	free(t);
}

void tcp_input(struct host *h, uint32_t saddr, uint32_t daddr, const uint8_t *seg,
	       size_t len, tv_time now)
{
	(void)h, (void)saddr, (void)daddr, (void)seg, (void)len, (void)now;
}

void tcp_poll(struct host *h, tv_time now)
{
	(void)h, (void)now;
}

tv_time tcp_next_deadline(const struct host *h)
{
	(void)h;
	return TV_NEVER;
}

int tcp_parse(const uint8_t *seg, size_t len, struct tv_seg_info *info)
{
	(void)seg, (void)len, (void)info;
	return TV_EINVAL;
}

bool tv_frame_tcp_info(const uint8_t *frame, size_t len, struct tv_seg_info *info)
{
	(void)frame, (void)len, (void)info;
	return false;
}
