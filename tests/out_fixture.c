/*
 * out_fixture.c - the run the output writers' tests draw (see
 * out_fixture.h).
 */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out_fixture.h"

static void ofx_read(struct ofx *f, struct tv_sock *s, tv_time now)
{
	long n;

	while (f->got_len < sizeof(f->got) - 1 &&
	       (n = sock_recv(s, f->got + f->got_len, sizeof(f->got) - 1 - f->got_len, now)) > 0)
		f->got_len += (size_t)n;
	f->got[f->got_len] = '\0';
	if (!f->echoed && strcmp(f->got, OFX_LINE) == 0) {
		f->echoed = true;
		sock_close(s, now);
		f->sk = NULL;
	}
}

static void ofx_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	struct ofx *f = ctx;
	tv_time now = sim_now(f->sim);

	(void)err;
	if (ev == TV_SOCK_CONNECTED)
		ck_assert_int_eq(sock_send(s, OFX_LINE, strlen(OFX_LINE), now),
				 (long)strlen(OFX_LINE));
	else if (ev == TV_SOCK_READABLE || ev == TV_SOCK_PEER_CLOSED)
		ofx_read(f, s, now);
}

void ofx_setup(struct ofx *f, uint64_t seed)
{
	struct wire_impair im;

	memset(f, 0, sizeof(*f));
	f->sim = sim_new(seed);
	ck_assert_ptr_nonnull(f->sim);
	wire_impair_none(&im);
	im.delay = TV_USEC(100);
	ck_assert_int_eq(wire_set_default(sim_wire(f->sim), &im), 0);
	ck_assert_int_eq(sim_add_host(f->sim, "A", OFX_ADDR_A, &f->a), 0);
	ck_assert_int_eq(sim_add_host(f->sim, "B", OFX_ADDR_B, &f->b), 0);
	ck_assert_int_eq(apps_start(f->b, APP_BIT(APP_ECHO), sim_now(f->sim), &f->apps), 0);
	/* Let the gratuitous ARPs settle so the story starts with the SYN. */
	ck_assert_int_eq(sim_run_until_quiet(f->sim, TV_SEC(10)), 0);
}

uint32_t ofx_drop_next(struct ofx *f, struct host *from, struct host *to, uint8_t flags)
{
	struct gate_rule r;
	uint32_t id = 0;

	memset(&r, 0, sizeof(r));
	r.proto = GATE_PROTO_TCP;
	r.flags_mask = 0xff;
	r.flags_value = flags;
	r.count = GATE_NEXT;
	r.n = 1;
	r.action = GATE_ACT_DROP;
	ck_assert_int_eq(sim_rule(f->sim, from, to, &r, &id), 0);
	return id;
}

void ofx_start(struct ofx *f)
{
	ck_assert_int_eq(sock_connect(f->a, OFX_ADDR_B, app_port(APP_ECHO), 0, ofx_cb, f, &f->sk,
				      sim_now(f->sim)),
			 0);
	f->a_port = sock_local_port(f->sk);
}

void ofx_run(struct ofx *f)
{
	ofx_start(f);
	ck_assert_int_eq(sim_run_until_idle(f->sim, TV_SEC(3600)), 0);
	ck_assert(f->echoed);
}

void ofx_teardown(struct ofx *f)
{
	if (f->sk)
		sock_close(f->sk, sim_now(f->sim));
	apps_stop(f->apps, sim_now(f->sim));
	sim_free(f->sim);
}

void ofx_capture_open(struct ofx_capture *c)
{
	memset(c, 0, sizeof(*c));
	c->fp = open_memstream(&c->buf, &c->len);
	ck_assert_ptr_nonnull(c->fp);
}

const char *ofx_capture_text(struct ofx_capture *c)
{
	ck_assert_int_eq(fflush(c->fp), 0);
	return c->buf;
}

void ofx_capture_close(struct ofx_capture *c)
{
	fclose(c->fp);
	free(c->buf);
	memset(c, 0, sizeof(*c));
}
