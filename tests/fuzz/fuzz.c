/*
 * fuzz.c - helpers shared by the fuzz targets (fuzz.h): the input reader,
 * the aborting invariant check and the aimed segment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

uint8_t fz_u8(struct fz_in *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

uint16_t fz_u16(struct fz_in *in)
{
	uint16_t hi = fz_u8(in);
	return (uint16_t)(hi << 8 | fz_u8(in));
}

uint32_t fz_u32(struct fz_in *in)
{
	uint32_t hi = fz_u16(in);
	return hi << 16 | fz_u16(in);
}

const uint8_t *fz_bytes(struct fz_in *in, size_t max, size_t *len)
{
	const uint8_t *p = in->p;

	*len = in->n < max ? in->n : max;
	in->p += *len;
	in->n -= *len;
	return p;
}

void fz_check(struct inv_track *tr, size_t n, const char *where)
{
	char msg[512];

	for (size_t i = 0; i < n; i++)
		if (inv_track_check(&tr[i], msg, sizeof(msg)) != 0) {
			fprintf(stderr, "invariant violated %s: %s\n", where, msg);
			abort();
		}
}

void fz_host_input(struct host *h, const uint8_t *frame, size_t len, tv_time now)
{
	uint8_t *copy = malloc(len ? len : 1);

	if (copy == NULL)
		abort();
	memcpy(copy, frame, len);
	host_input(h, copy, len, now);
	free(copy);
}

void fz_aimed(struct fx_pair *p, unsigned to, const struct tcb *tcb, struct fz_in *in,
	      size_t max_payload)
{
	struct fx_spec s;
	uint8_t mode = fz_u8(in);
	size_t optlen;

	if (tcb->state == TCB_LISTEN || tcb->tuple.raddr == 0) {
		memset(&s, 0, sizeof(s));
		s.saddr = FXT_ADDR(2 - to);
		s.daddr = FXT_ADDR(1 + to);
		s.sport = 40000;
		s.dport = tcb->tuple.lport;
	} else {
		fx_spec_peer(&s, tcb);
	}
	s.seq = fz_u32(in);
	s.ack = fz_u32(in);
	if (mode & 1)
		s.seq += tcb->rcv_nxt;
	if (mode & 2)
		s.ack += tcb->snd_una;
	if (mode & 4)
		s.sport = (uint16_t)(s.sport + 1 + fz_u8(in));
	s.bad_csum = (mode & 8) != 0;
	s.flags = fz_u8(in);
	s.win = fz_u16(in);
	s.opt = fz_bytes(in, fz_u8(in) % (TCP_OPT_MAX + 1), &optlen);
	s.optlen = (uint8_t)optlen;
	s.data = fz_bytes(in, max_payload, &s.len);
	fx_inject(p, to, &s);
}
