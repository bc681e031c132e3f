/*
 * check_gate.c - tests for the gate: pass and hold modes, the hold queue
 * and its bound, release (one, N, by id), drop, duplicate and delay by id,
 * every kind of rule (next / every Nth / chance; drop, duplicate, delay,
 * hold, pass; matching direction, addresses, TCP flags and sequence
 * ranges), determinism under a seed, and the events it emits.
 *
 * The gate is driven alone: its two exits are capture callbacks, and the
 * frames are built by hand (TCP over IPv4 with valid checksums, ARP,
 * ICMP), so nothing here depends on a host or a link.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/checksum.h"
#include "core/gate.h"
#include "core/ipv4.h"

#define ADDR_A 0x0a000001u
#define ADDR_B 0x0a000002u
#define ADDR_C 0x0a000003u
#define CAP_MAX 4096

struct cap {
	size_t n;
	uint32_t seq[CAP_MAX];  /* TCP seq (or 0) of each frame, in order */
	tv_time at[CAP_MAX];
	size_t len[CAP_MAX];
};

struct fx {
	struct gate *g;
	struct cap host, link;
	struct tv_bus bus;
	struct tv_event ev[CAP_MAX];
	size_t nev;
};

static uint32_t frame_seq(const uint8_t *f, size_t len)
{
	if (len < 14 + 20 + 20 || tv_get_be16(f + 12) != TV_ETHERTYPE_IPV4 || f[23] != 6)
		return 0;
	return tv_get_be32(f + 14 + 20 + 4);
}

static int cap_tx(void *ctx, const uint8_t *frame, size_t len, tv_time now)
{
	struct cap *c = ctx;

	ck_assert_uint_lt(c->n, CAP_MAX);
	c->seq[c->n] = frame_seq(frame, len);
	c->len[c->n] = len;
	c->at[c->n++] = now;
	return 0;
}

static void rec_sink(void *ctx, const struct tv_event *ev)
{
	struct fx *f = ctx;

	ck_assert_uint_lt(f->nev, CAP_MAX);
	f->ev[f->nev++] = *ev;
}

static struct fx *fx_new(uint64_t seed, size_t hold_max, uint32_t *ids)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct gate_config gc = {0};

	tv_bus_init(&f->bus);
	tv_bus_add(&f->bus, rec_sink, f);
	gc.host_id = 7;
	gc.to_host = cap_tx;
	gc.to_host_ctx = &f->host;
	gc.to_link = cap_tx;
	gc.to_link_ctx = &f->link;
	gc.bus = &f->bus;
	gc.seed = seed;
	gc.hold_max = hold_max;
	gc.id_source = ids;
	f->g = gate_new(&gc);
	ck_assert_ptr_nonnull(f->g);
	return f;
}

static void fx_free(struct fx *f)
{
	gate_free(f->g);
	tv_bus_fini(&f->bus);
	free(f);
}

static size_t fx_events(const struct fx *f, enum tv_gate_action a)
{
	size_t n = 0;

	for (size_t i = 0; i < f->nev; i++)
		n += f->ev[i].type == TV_EV_GATE && f->ev[i].u.gate.action == a;
	return n;
}

/* ---- frame builders ---- */

static void eth_hdr(uint8_t *f, uint16_t type)
{
	static const uint8_t a[6] = {2, 0, 10, 0, 0, 1}, b[6] = {2, 0, 10, 0, 0, 2};

	memcpy(f, b, 6);
	memcpy(f + 6, a, 6);
	tv_put_be16(f + 12, type);
}

static void ip_hdr(uint8_t *ip, uint32_t src, uint32_t dst, uint8_t proto, size_t paylen)
{
	memset(ip, 0, 20);
	ip[0] = 0x45;
	tv_put_be16(ip + 2, (uint16_t)(20 + paylen));
	ip[8] = 64;
	ip[9] = proto;
	tv_put_be32(ip + 12, src);
	tv_put_be32(ip + 16, dst);
	uint16_t c = tv_csum_finish(tv_csum_add(0, ip, 20));
	memcpy(ip + 10, &c, 2);
}

/* A TCP segment src:40000 -> dst:7 with flags, seq and no payload. */
static size_t tcp_frame(uint8_t *f, uint32_t src, uint32_t dst, uint8_t flags, uint32_t seq)
{
	uint8_t *ip = f + 14, *th = ip + 20;
	uint16_t c;

	eth_hdr(f, TV_ETHERTYPE_IPV4);
	ip_hdr(ip, src, dst, 6, 20);
	memset(th, 0, 20);
	tv_put_be16(th, 40000);
	tv_put_be16(th + 2, 7);
	tv_put_be32(th + 4, seq);
	tv_put_be32(th + 8, flags & TV_TH_ACK ? 1000 : 0);
	th[12] = 5 << 4;
	th[13] = flags;
	tv_put_be16(th + 14, 65535);
	c = tv_csum_finish(tv_csum_add(tv_csum_pseudo(src, dst, 6, 20), th, 20));
	memcpy(th + 16, &c, 2);
	return 14 + 20 + 20;
}

static size_t arp_frame(uint8_t *f, uint16_t op, uint32_t spa, uint32_t tpa)
{
	uint8_t *p = f + 14;

	eth_hdr(f, TV_ETHERTYPE_ARP);
	memset(p, 0, 28);
	tv_put_be16(p, 1);
	tv_put_be16(p + 2, TV_ETHERTYPE_IPV4);
	p[4] = 6;
	p[5] = 4;
	tv_put_be16(p + 6, op);
	tv_put_be32(p + 14, spa);
	tv_put_be32(p + 24, tpa);
	return 14 + 28;
}

static size_t icmp_frame(uint8_t *f, uint32_t src, uint32_t dst, uint16_t id, uint16_t seq)
{
	uint8_t *m = f + 14 + 20;

	eth_hdr(f, TV_ETHERTYPE_IPV4);
	ip_hdr(f + 14, src, dst, 1, 8);
	memset(m, 0, 8);
	m[0] = 8;
	tv_put_be16(m + 4, id);
	tv_put_be16(m + 6, seq);
	return 14 + 20 + 8;
}

/* Feed a TCP segment A -> B through the gate in direction dir. */
static void fx_tcp(struct fx *f, enum tv_dir dir, uint8_t flags, uint32_t seq, tv_time now)
{
	uint8_t buf[64];

	ck_assert_int_eq(gate_input(f->g, dir, buf, tcp_frame(buf, ADDR_A, ADDR_B, flags, seq), now),
			 0);
}

static void fx_tcp_from(struct fx *f, uint32_t src, uint32_t dst, uint32_t seq)
{
	uint8_t buf[64];

	ck_assert_int_eq(
		gate_input(f->g, TV_DIR_OUT, buf, tcp_frame(buf, src, dst, TV_TH_ACK, seq), 0), 0);
}

static void fx_rule(struct fx *f, const struct gate_rule *r)
{
	ck_assert_int_eq(gate_rule_add(f->g, r, NULL), 0);
}

/* ---- description ---- */

START_TEST(test_describe_tcp_arp_icmp_and_junk)
{
	uint8_t buf[64];
	struct gate_summary s;

	gate_describe(buf, tcp_frame(buf, ADDR_A, ADDR_B, TV_TH_SYN, 1234), &s);
	ck_assert_int_eq(s.kind, TV_FRAME_TCP);
	ck_assert_uint_eq(s.seg.seq, 1234);
	ck_assert_uint_eq(s.seg.flags, TV_TH_SYN);
	ck_assert_uint_eq(s.saddr, ADDR_A);
	ck_assert_uint_eq(s.daddr, ADDR_B);
	gate_describe(buf, arp_frame(buf, 1, ADDR_A, ADDR_B), &s);
	ck_assert_int_eq(s.kind, TV_FRAME_ARP);
	ck_assert_uint_eq(s.arp_op, 1);
	ck_assert_uint_eq(s.daddr, ADDR_B);
	gate_describe(buf, icmp_frame(buf, ADDR_A, ADDR_B, 5, 6), &s);
	ck_assert_int_eq(s.kind, TV_FRAME_ICMP);
	ck_assert_uint_eq(s.icmp_type, 8);
	ck_assert_uint_eq(s.icmp_id, 5);
	ck_assert_uint_eq(s.icmp_seq, 6);
	gate_describe(buf, 10, &s);
	ck_assert_int_eq(s.kind, TV_FRAME_OTHER);
	/* Truncated IPv4 header: not trusted. */
	gate_describe(buf, 14 + 12, &s);
	ck_assert_int_eq(s.kind, TV_FRAME_OTHER);
}
END_TEST

/* ---- modes and the hold queue ---- */

START_TEST(test_pass_mode_hands_frames_on_at_once)
{
	struct fx *f = fx_new(1, 0, NULL);

	fx_tcp(f, TV_DIR_OUT, TV_TH_SYN, 1, 0);
	fx_tcp(f, TV_DIR_IN, TV_TH_ACK, 2, 0);
	ck_assert_uint_eq(f->link.n, 1);
	ck_assert_uint_eq(f->host.n, 1);
	ck_assert_uint_eq(gate_stats(f->g)->passed, 2);
	ck_assert_uint_eq(f->nev, 0); /* PASSED only when verbose */
	gate_set_verbose(f->g, true);
	fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, 3, 0);
	ck_assert_uint_eq(fx_events(f, TV_GATE_PASSED), 1);
	fx_free(f);
}
END_TEST

START_TEST(test_hold_mode_queues_frames_with_ids_and_summaries)
{
	struct fx *f = fx_new(1, 0, NULL);
	struct gate_held h[4];
	uint8_t buf[64];

	gate_set_mode(f->g, GATE_HOLD);
	fx_tcp(f, TV_DIR_OUT, TV_TH_SYN, 100, TV_MSEC(1));
	gate_input(f->g, TV_DIR_IN, buf, arp_frame(buf, 2, ADDR_B, ADDR_A), TV_MSEC(2));
	ck_assert_uint_eq(f->link.n + f->host.n, 0);
	ck_assert_uint_eq(gate_held_count(f->g), 2);
	ck_assert_uint_eq(gate_held_list(f->g, h, 4), 2);
	ck_assert_uint_eq(h[0].id, 1);
	ck_assert_int_eq(h[0].dir, TV_DIR_OUT);
	ck_assert_uint_eq(h[0].host, 7);
	ck_assert_uint_eq(h[0].time, TV_MSEC(1));
	ck_assert_int_eq(h[0].sum.kind, TV_FRAME_TCP);
	ck_assert_uint_eq(h[0].sum.seg.seq, 100);
	ck_assert_uint_eq(h[1].id, 2);
	ck_assert_int_eq(h[1].dir, TV_DIR_IN);
	ck_assert_int_eq(h[1].sum.kind, TV_FRAME_ARP);
	ck_assert_uint_eq(fx_events(f, TV_GATE_HELD), 2);
	ck_assert_uint_eq(gate_next_deadline(f->g), TV_NEVER); /* held frames wait for us */
	fx_free(f);
}
END_TEST

START_TEST(test_hold_one_direction_only)
{
	struct fx *f = fx_new(1, 0, NULL);

	gate_set_dir_mode(f->g, TV_DIR_IN, GATE_HOLD);
	ck_assert_int_eq(gate_dir_mode(f->g, TV_DIR_IN), GATE_HOLD);
	ck_assert_int_eq(gate_dir_mode(f->g, TV_DIR_OUT), GATE_PASS);
	fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, 1, 0);
	fx_tcp(f, TV_DIR_IN, TV_TH_ACK, 2, 0);
	ck_assert_uint_eq(f->link.n, 1);
	ck_assert_uint_eq(f->host.n, 0);
	ck_assert_uint_eq(gate_held_count(f->g), 1);
	fx_free(f);
}
END_TEST

START_TEST(test_release_is_delivered_by_poll_not_by_the_call)
{
	struct fx *f = fx_new(1, 0, NULL);

	gate_set_mode(f->g, GATE_HOLD);
	fx_tcp(f, TV_DIR_IN, TV_TH_SYN, 1, 0);
	ck_assert_int_eq(gate_release(f->g, 1, TV_MSEC(4)), 0);
	ck_assert_uint_eq(f->host.n, 0);
	ck_assert_uint_eq(gate_held_count(f->g), 0);
	ck_assert_uint_eq(gate_scheduled_count(f->g), 1);
	ck_assert_uint_eq(gate_next_deadline(f->g), TV_MSEC(4));
	gate_poll(f->g, TV_MSEC(4));
	ck_assert_uint_eq(f->host.n, 1);
	ck_assert_uint_eq(f->host.at[0], TV_MSEC(4));
	ck_assert_uint_eq(fx_events(f, TV_GATE_RELEASED), 1);
	ck_assert_uint_eq(gate_next_deadline(f->g), TV_NEVER);
	fx_free(f);
}
END_TEST

START_TEST(test_step_releases_oldest_first)
{
	struct fx *f = fx_new(1, 0, NULL);

	gate_set_mode(f->g, GATE_HOLD);
	for (uint32_t i = 1; i <= 3; i++)
		fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, i, 0);
	ck_assert_uint_eq(gate_step(f->g, 0), 1);
	gate_poll(f->g, 0);
	ck_assert_uint_eq(f->link.n, 1);
	ck_assert_uint_eq(f->link.seq[0], 1);
	ck_assert_uint_eq(gate_step(f->g, 0), 1);
	gate_poll(f->g, 0);
	ck_assert_uint_eq(f->link.seq[1], 2);
	ck_assert_uint_eq(gate_held_count(f->g), 1);
	fx_free(f);
}
END_TEST

START_TEST(test_release_n_releases_that_many_in_order)
{
	struct fx *f = fx_new(1, 0, NULL);

	gate_set_mode(f->g, GATE_HOLD);
	for (uint32_t i = 1; i <= 5; i++)
		fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, i, 0);
	ck_assert_uint_eq(gate_release_n(f->g, 3, 0), 3);
	gate_poll(f->g, 0);
	ck_assert_uint_eq(f->link.n, 3);
	for (uint32_t i = 0; i < 3; i++)
		ck_assert_uint_eq(f->link.seq[i], i + 1);
	ck_assert_uint_eq(gate_release_n(f->g, 10, 0), 2);
	ck_assert_uint_eq(gate_release_n(f->g, 10, 0), 0);
	fx_free(f);
}
END_TEST

START_TEST(test_release_by_id_out_of_order)
{
	struct fx *f = fx_new(1, 0, NULL);

	gate_set_mode(f->g, GATE_HOLD);
	for (uint32_t i = 1; i <= 3; i++)
		fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, i * 10, 0);
	ck_assert_int_eq(gate_release(f->g, 3, 0), 0);
	ck_assert_int_eq(gate_release(f->g, 1, 0), 0);
	gate_poll(f->g, 0);
	ck_assert_uint_eq(f->link.n, 2);
	ck_assert_uint_eq(f->link.seq[0], 30); /* in the order released */
	ck_assert_uint_eq(f->link.seq[1], 10);
	ck_assert_int_eq(gate_release(f->g, 3, 0), TV_ENOENT);
	ck_assert_int_eq(gate_release(f->g, 99, 0), TV_ENOENT);
	ck_assert(gate_holds(f->g, 2));
	fx_free(f);
}
END_TEST

START_TEST(test_drop_by_id_discards_and_reports)
{
	struct fx *f = fx_new(1, 0, NULL);

	gate_set_mode(f->g, GATE_HOLD);
	fx_tcp(f, TV_DIR_OUT, TV_TH_FIN | TV_TH_ACK, 5, 0);
	ck_assert_int_eq(gate_drop(f->g, 1, TV_MSEC(1)), 0);
	ck_assert_uint_eq(gate_held_count(f->g), 0);
	gate_poll(f->g, TV_SEC(100));
	ck_assert_uint_eq(f->link.n, 0);
	ck_assert_uint_eq(fx_events(f, TV_GATE_DROPPED), 1);
	ck_assert_uint_eq(f->ev[f->nev - 1].u.gate.frame, 1);
	ck_assert(f->ev[f->nev - 1].u.gate.has_seg);
	ck_assert_int_eq(gate_drop(f->g, 1, 0), TV_ENOENT);
	fx_free(f);
}
END_TEST

START_TEST(test_dup_by_id_puts_a_copy_behind_it)
{
	struct fx *f = fx_new(1, 0, NULL);
	struct gate_held h[4];
	uint32_t copy = 0;

	gate_set_mode(f->g, GATE_HOLD);
	fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, 1, 0);
	fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, 2, 0);
	ck_assert_int_eq(gate_dup(f->g, 1, &copy, 0), 0);
	ck_assert_uint_eq(copy, 3);
	ck_assert_uint_eq(gate_held_list(f->g, h, 4), 3);
	ck_assert_uint_eq(h[0].id, 1);
	ck_assert_uint_eq(h[1].id, 3);
	ck_assert_uint_eq(h[1].sum.seg.seq, 1);
	ck_assert_uint_eq(h[2].id, 2);
	ck_assert_uint_eq(gate_release_n(f->g, 3, 0), 3);
	gate_poll(f->g, 0);
	ck_assert_uint_eq(f->link.n, 3);
	ck_assert_uint_eq(f->link.seq[0], 1);
	ck_assert_uint_eq(f->link.seq[1], 1);
	ck_assert_uint_eq(f->link.seq[2], 2);
	ck_assert_uint_eq(fx_events(f, TV_GATE_DUPLICATED), 1);
	fx_free(f);
}
END_TEST

START_TEST(test_delay_by_id_releases_after_the_delay)
{
	struct fx *f = fx_new(1, 0, NULL);
	const struct tv_event *ev;

	gate_set_mode(f->g, GATE_HOLD);
	fx_tcp(f, TV_DIR_IN, TV_TH_ACK, 1, 0);
	ck_assert_int_eq(gate_delay(f->g, 1, TV_MSEC(5), TV_MSEC(1)), 0);
	ev = &f->ev[f->nev - 1];
	ck_assert_int_eq(ev->u.gate.action, TV_GATE_DELAYED);
	ck_assert_uint_eq(ev->u.gate.until, TV_MSEC(6));
	ck_assert_uint_eq(gate_next_deadline(f->g), TV_MSEC(6));
	gate_poll(f->g, TV_MSEC(6) - 1);
	ck_assert_uint_eq(f->host.n, 0);
	gate_poll(f->g, TV_MSEC(6));
	ck_assert_uint_eq(f->host.n, 1);
	ck_assert_int_eq(gate_delay(f->g, 1, 1, 0), TV_ENOENT);
	fx_free(f);
}
END_TEST

START_TEST(test_hold_queue_is_bounded_overflow_drops_and_counts)
{
	struct fx *f = fx_new(1, 4, NULL);
	size_t overflow_events = 0;

	gate_set_mode(f->g, GATE_HOLD);
	for (uint32_t i = 1; i <= 6; i++)
		fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, i, 0);
	ck_assert_uint_eq(gate_held_count(f->g), 4);
	ck_assert_uint_eq(gate_stats(f->g)->overflow, 2);
	for (size_t i = 0; i < f->nev; i++)
		overflow_events += f->ev[i].u.gate.action == TV_GATE_DROPPED &&
				   f->ev[i].u.gate.overflow;
	ck_assert_uint_eq(overflow_events, 2);
	ck_assert_int_eq(gate_dup(f->g, 1, NULL, 0), TV_ENOBUFS);
	gate_set_hold_max(f->g, 5);
	ck_assert_int_eq(gate_dup(f->g, 1, NULL, 0), 0);
	fx_free(f);
}
END_TEST

START_TEST(test_ids_are_unique_across_gates_sharing_a_counter)
{
	uint32_t ids = 0;
	struct fx *a = fx_new(1, 0, &ids), *b = fx_new(1, 0, &ids);
	struct gate_held h;

	gate_set_mode(a->g, GATE_HOLD);
	gate_set_mode(b->g, GATE_HOLD);
	fx_tcp(a, TV_DIR_OUT, TV_TH_ACK, 1, 0);
	fx_tcp(b, TV_DIR_IN, TV_TH_ACK, 1, 0);
	gate_held_list(b->g, &h, 1);
	ck_assert_uint_eq(h.id, 2);
	ck_assert(!gate_holds(a->g, 2));
	ck_assert(gate_holds(b->g, 2));
	fx_free(a);
	fx_free(b);
}
END_TEST

/* ---- rules ---- */

START_TEST(test_rule_next_drops_one_fin_then_goes)
{
	struct fx *f = fx_new(1, 0, NULL);
	struct gate_rule r = {.dirs = GATE_DIR_BIT(TV_DIR_OUT), .flags_mask = TV_TH_FIN,
			      .flags_value = TV_TH_FIN, .count = GATE_NEXT,
			      .action = GATE_ACT_DROP};

	fx_rule(f, &r);
	fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, 1, 0);
	fx_tcp(f, TV_DIR_IN, TV_TH_FIN | TV_TH_ACK, 2, 0);   /* other direction */
	fx_tcp(f, TV_DIR_OUT, TV_TH_FIN | TV_TH_ACK, 3, 0);  /* dropped */
	fx_tcp(f, TV_DIR_OUT, TV_TH_FIN | TV_TH_ACK, 3, 0);  /* the retransmission passes */
	ck_assert_uint_eq(f->link.n, 2);
	ck_assert_uint_eq(f->link.seq[0], 1);
	ck_assert_uint_eq(f->link.seq[1], 3);
	ck_assert_uint_eq(f->host.n, 1);
	ck_assert_uint_eq(gate_rule_count(f->g), 0);
	ck_assert_uint_eq(fx_events(f, TV_GATE_DROPPED), 1);
	ck_assert_uint_eq(f->ev[0].u.gate.rule, 1);
	fx_free(f);
}
END_TEST

START_TEST(test_rule_next_n_acts_on_n_frames)
{
	struct fx *f = fx_new(1, 0, NULL);
	struct gate_rule r = {.count = GATE_NEXT, .n = 3, .action = GATE_ACT_DROP};

	fx_rule(f, &r);
	for (uint32_t i = 1; i <= 5; i++)
		fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, i, 0);
	ck_assert_uint_eq(f->link.n, 2);
	ck_assert_uint_eq(f->link.seq[0], 4);
	fx_free(f);
}
END_TEST

START_TEST(test_rule_every_third_segment_dropped)
{
	struct fx *f = fx_new(1, 0, NULL);
	struct gate_rule r = {.proto = GATE_PROTO_TCP, .daddr = ADDR_B,
			      .count = GATE_EVERY_NTH, .n = 3, .action = GATE_ACT_DROP};

	fx_rule(f, &r);
	for (uint32_t i = 1; i <= 9; i++)
		fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, i, 0);
	ck_assert_uint_eq(f->link.n, 6);
	for (size_t i = 0; i < f->link.n; i++)
		ck_assert_uint_ne(f->link.seq[i] % 3, 0);
	ck_assert_uint_eq(gate_rule_at(f->g, 0)->matched, 9);
	ck_assert_uint_eq(gate_rule_at(f->g, 0)->applied, 3);
	fx_free(f);
}
END_TEST

static size_t chance_run(uint64_t seed, uint32_t *passed_seqs)
{
	struct fx *f = fx_new(seed, 0, NULL);
	struct gate_rule r = {.dirs = GATE_DIR_BIT(TV_DIR_IN), .saddr = ADDR_A,
			      .count = GATE_CHANCE, .ppm = 100000, .action = GATE_ACT_DROP};
	size_t n;

	fx_rule(f, &r);
	for (uint32_t i = 1; i <= 2000; i++)
		fx_tcp(f, TV_DIR_IN, TV_TH_ACK, i, 0);
	n = f->host.n;
	if (passed_seqs)
		memcpy(passed_seqs, f->host.seq, n * sizeof(*passed_seqs));
	fx_free(f);
	return n;
}

START_TEST(test_rule_chance_drops_about_that_share)
{
	size_t n = chance_run(3, NULL);

	ck_assert_uint_gt(n, 2000 - 260);
	ck_assert_uint_lt(n, 2000 - 140);
}
END_TEST

START_TEST(test_rule_chance_same_seed_same_frames)
{
	static uint32_t a[2000], b[2000], c[2000];
	size_t na = chance_run(3, a), nb = chance_run(3, b), nc = chance_run(4, c);

	ck_assert_uint_eq(na, nb);
	ck_assert_mem_eq(a, b, na * sizeof(*a));
	ck_assert(na != nc || memcmp(a, c, na * sizeof(*a)) != 0);
}
END_TEST

START_TEST(test_rule_hold_segments_with_syn)
{
	struct fx *f = fx_new(1, 0, NULL);
	struct gate_rule r = {.flags_mask = TV_TH_SYN, .flags_value = TV_TH_SYN,
			      .action = GATE_ACT_HOLD};
	uint8_t buf[64];

	fx_rule(f, &r);
	fx_tcp(f, TV_DIR_OUT, TV_TH_SYN, 1, 0);
	fx_tcp(f, TV_DIR_IN, TV_TH_SYN | TV_TH_ACK, 2, 0);
	fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, 3, 0);
	gate_input(f->g, TV_DIR_OUT, buf, arp_frame(buf, 1, ADDR_A, ADDR_B), 0);
	ck_assert_uint_eq(gate_held_count(f->g), 2);
	ck_assert_uint_eq(f->link.n, 2);
	ck_assert_uint_eq(f->host.n, 0);
	fx_free(f);
}
END_TEST

START_TEST(test_rule_delay_hands_on_later)
{
	struct fx *f = fx_new(1, 0, NULL);
	struct gate_rule r = {.action = GATE_ACT_DELAY, .delay = TV_MSEC(20)};

	fx_rule(f, &r);
	fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, 1, TV_MSEC(1));
	fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, 2, TV_MSEC(2));
	ck_assert_uint_eq(f->link.n, 0);
	ck_assert_uint_eq(gate_next_deadline(f->g), TV_MSEC(21));
	gate_poll(f->g, TV_MSEC(21));
	ck_assert_uint_eq(f->link.n, 1);
	gate_poll(f->g, TV_MSEC(22));
	ck_assert_uint_eq(f->link.n, 2);
	ck_assert_uint_eq(f->link.at[1], TV_MSEC(22));
	ck_assert_uint_eq(fx_events(f, TV_GATE_DELAYED), 2);
	fx_free(f);
}
END_TEST

/* Delays that differ: the schedule stays sorted by due time. */
START_TEST(test_rule_delays_of_different_lengths_reorder)
{
	struct fx *f = fx_new(1, 0, NULL);
	struct gate_rule slow = {.has_seq = true, .seq_lo = 1, .seq_hi = 1,
				 .action = GATE_ACT_DELAY, .delay = TV_MSEC(30)};
	struct gate_rule fast = {.action = GATE_ACT_DELAY, .delay = TV_MSEC(10)};

	fx_rule(f, &slow);
	fx_rule(f, &fast);
	fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, 1, 0);
	fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, 2, 0);
	gate_poll(f->g, TV_SEC(1));
	ck_assert_uint_eq(f->link.n, 2);
	ck_assert_uint_eq(f->link.seq[0], 2);
	ck_assert_uint_eq(f->link.seq[1], 1);
	fx_free(f);
}
END_TEST

START_TEST(test_rule_dup_hands_on_twice)
{
	struct fx *f = fx_new(1, 0, NULL);
	struct gate_rule r = {.count = GATE_NEXT, .action = GATE_ACT_DUP};

	fx_rule(f, &r);
	fx_tcp(f, TV_DIR_IN, TV_TH_ACK, 9, 0);
	fx_tcp(f, TV_DIR_IN, TV_TH_ACK, 10, 0);
	ck_assert_uint_eq(f->host.n, 3);
	ck_assert_uint_eq(f->host.seq[0], 9);
	ck_assert_uint_eq(f->host.seq[1], 9);
	ck_assert_uint_eq(f->host.seq[2], 10);
	ck_assert_uint_eq(fx_events(f, TV_GATE_DUPLICATED), 1);
	fx_free(f);
}
END_TEST

START_TEST(test_rule_pass_lets_arp_through_hold_mode)
{
	struct fx *f = fx_new(1, 0, NULL);
	struct gate_rule r = {.proto = GATE_PROTO_ARP, .action = GATE_ACT_PASS};
	uint8_t buf[64];

	gate_set_mode(f->g, GATE_HOLD);
	fx_rule(f, &r);
	gate_input(f->g, TV_DIR_OUT, buf, arp_frame(buf, 1, ADDR_A, ADDR_B), 0);
	gate_input(f->g, TV_DIR_OUT, buf, icmp_frame(buf, ADDR_A, ADDR_B, 1, 1), 0);
	ck_assert_uint_eq(f->link.n, 1);
	ck_assert_uint_eq(gate_held_count(f->g), 1);
	fx_free(f);
}
END_TEST

START_TEST(test_rule_icmp_only_matches_icmp)
{
	struct fx *f = fx_new(1, 0, NULL);
	struct gate_rule r = {.proto = GATE_PROTO_ICMP, .action = GATE_ACT_DROP};
	uint8_t buf[64];

	fx_rule(f, &r);
	gate_input(f->g, TV_DIR_OUT, buf, icmp_frame(buf, ADDR_A, ADDR_B, 1, 1), 0);
	fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, 1, 0);
	ck_assert_uint_eq(f->link.n, 1);
	ck_assert_uint_eq(f->link.seq[0], 1);
	fx_free(f);
}
END_TEST

START_TEST(test_rule_seq_range_wraps_around_zero)
{
	struct fx *f = fx_new(1, 0, NULL);
	struct gate_rule r = {.has_seq = true, .seq_lo = 0xfffffff0u, .seq_hi = 0x10,
			      .action = GATE_ACT_DROP};

	fx_rule(f, &r);
	fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, 0xfffffff8u, 0);
	fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, 0x5, 0);
	fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, 0x20, 0);
	fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, 0xffffffe0u, 0);
	ck_assert_uint_eq(f->link.n, 2);
	ck_assert_uint_eq(f->link.seq[0], 0x20);
	ck_assert_uint_eq(f->link.seq[1], 0xffffffe0u);
	fx_free(f);
}
END_TEST

START_TEST(test_rule_matches_addresses)
{
	struct fx *f = fx_new(1, 0, NULL);
	struct gate_rule r = {.saddr = ADDR_A, .daddr = ADDR_C, .action = GATE_ACT_DROP};

	fx_rule(f, &r);
	fx_tcp_from(f, ADDR_A, ADDR_B, 1);
	fx_tcp_from(f, ADDR_A, ADDR_C, 2);
	fx_tcp_from(f, ADDR_B, ADDR_C, 3);
	ck_assert_uint_eq(f->link.n, 2);
	ck_assert_uint_eq(f->link.seq[0], 1);
	ck_assert_uint_eq(f->link.seq[1], 3);
	fx_free(f);
}
END_TEST

START_TEST(test_rule_first_that_acts_wins)
{
	struct fx *f = fx_new(1, 0, NULL);
	/* The first matches every frame but acts only on every 2nd. */
	struct gate_rule nth = {.count = GATE_EVERY_NTH, .n = 2, .action = GATE_ACT_DROP};
	struct gate_rule hold = {.action = GATE_ACT_HOLD};

	fx_rule(f, &nth);
	fx_rule(f, &hold);
	for (uint32_t i = 1; i <= 4; i++)
		fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, i, 0);
	ck_assert_uint_eq(gate_held_count(f->g), 2);
	ck_assert_uint_eq(gate_stats(f->g)->dropped, 2);
	ck_assert_uint_eq(f->link.n, 0);
	fx_free(f);
}
END_TEST

START_TEST(test_rule_remove_and_clear)
{
	struct fx *f = fx_new(1, 0, NULL);
	struct gate_rule r = {.action = GATE_ACT_DROP};
	uint32_t id1, id2;

	ck_assert_int_eq(gate_rule_add(f->g, &r, &id1), 0);
	ck_assert_int_eq(gate_rule_add(f->g, &r, &id2), 0);
	ck_assert_uint_ne(id1, id2);
	ck_assert_int_eq(gate_rule_remove(f->g, id1), 0);
	ck_assert_int_eq(gate_rule_remove(f->g, id1), TV_ENOENT);
	ck_assert_uint_eq(gate_rule_count(f->g), 1);
	ck_assert_uint_eq(gate_rule_at(f->g, 0)->id, id2);
	ck_assert_ptr_null(gate_rule_at(f->g, 1));
	gate_rule_clear(f->g);
	fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, 1, 0);
	ck_assert_uint_eq(f->link.n, 1);
	fx_free(f);
}
END_TEST

START_TEST(test_rule_malformed_is_refused)
{
	struct fx *f = fx_new(1, 0, NULL);
	struct gate_rule nth0 = {.count = GATE_EVERY_NTH, .n = 0};
	struct gate_rule flags = {.flags_mask = TV_TH_SYN, .flags_value = TV_TH_FIN};
	struct gate_rule ppm = {.count = GATE_CHANCE, .ppm = 1000001};
	struct gate_rule arp_seq = {.proto = GATE_PROTO_ARP, .has_seq = true};
	struct gate_rule dirs = {.dirs = 4};

	ck_assert_int_eq(gate_rule_add(f->g, &nth0, NULL), TV_EINVAL);
	ck_assert_int_eq(gate_rule_add(f->g, &flags, NULL), TV_EINVAL);
	ck_assert_int_eq(gate_rule_add(f->g, &ppm, NULL), TV_EINVAL);
	ck_assert_int_eq(gate_rule_add(f->g, &arp_seq, NULL), TV_EINVAL);
	ck_assert_int_eq(gate_rule_add(f->g, &dirs, NULL), TV_EINVAL);
	ck_assert_uint_eq(gate_rule_count(f->g), 0);
	fx_free(f);
}
END_TEST

START_TEST(test_rule_table_is_bounded)
{
	struct fx *f = fx_new(1, 0, NULL);
	struct gate_rule r = {.action = GATE_ACT_PASS};

	for (int i = 0; i < GATE_RULES_MAX; i++)
		ck_assert_int_eq(gate_rule_add(f->g, &r, NULL), 0);
	ck_assert_int_eq(gate_rule_add(f->g, &r, NULL), TV_ENOBUFS);
	fx_free(f);
}
END_TEST

START_TEST(test_free_with_frames_held_and_scheduled)
{
	struct fx *f = fx_new(1, 0, NULL);

	gate_set_mode(f->g, GATE_HOLD);
	fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, 1, 0);
	fx_tcp(f, TV_DIR_OUT, TV_TH_ACK, 2, 0);
	gate_delay(f->g, 2, TV_SEC(1), 0);
	fx_free(f); /* no leak, no delivery (checked by ASan runs) */
}
END_TEST

static Suite *gate_suite(void)
{
	Suite *s = suite_create("gate");
	TCase *q = tcase_create("queue");
	TCase *r = tcase_create("rules");

	tcase_add_test(q, test_describe_tcp_arp_icmp_and_junk);
	tcase_add_test(q, test_pass_mode_hands_frames_on_at_once);
	tcase_add_test(q, test_hold_mode_queues_frames_with_ids_and_summaries);
	tcase_add_test(q, test_hold_one_direction_only);
	tcase_add_test(q, test_release_is_delivered_by_poll_not_by_the_call);
	tcase_add_test(q, test_step_releases_oldest_first);
	tcase_add_test(q, test_release_n_releases_that_many_in_order);
	tcase_add_test(q, test_release_by_id_out_of_order);
	tcase_add_test(q, test_drop_by_id_discards_and_reports);
	tcase_add_test(q, test_dup_by_id_puts_a_copy_behind_it);
	tcase_add_test(q, test_delay_by_id_releases_after_the_delay);
	tcase_add_test(q, test_hold_queue_is_bounded_overflow_drops_and_counts);
	tcase_add_test(q, test_ids_are_unique_across_gates_sharing_a_counter);
	tcase_add_test(q, test_free_with_frames_held_and_scheduled);
	tcase_add_test(r, test_rule_next_drops_one_fin_then_goes);
	tcase_add_test(r, test_rule_next_n_acts_on_n_frames);
	tcase_add_test(r, test_rule_every_third_segment_dropped);
	tcase_add_test(r, test_rule_chance_drops_about_that_share);
	tcase_add_test(r, test_rule_chance_same_seed_same_frames);
	tcase_add_test(r, test_rule_hold_segments_with_syn);
	tcase_add_test(r, test_rule_delay_hands_on_later);
	tcase_add_test(r, test_rule_delays_of_different_lengths_reorder);
	tcase_add_test(r, test_rule_dup_hands_on_twice);
	tcase_add_test(r, test_rule_pass_lets_arp_through_hold_mode);
	tcase_add_test(r, test_rule_icmp_only_matches_icmp);
	tcase_add_test(r, test_rule_seq_range_wraps_around_zero);
	tcase_add_test(r, test_rule_matches_addresses);
	tcase_add_test(r, test_rule_first_that_acts_wins);
	tcase_add_test(r, test_rule_remove_and_clear);
	tcase_add_test(r, test_rule_malformed_is_refused);
	tcase_add_test(r, test_rule_table_is_bounded);
	suite_add_tcase(s, q);
	suite_add_tcase(s, r);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(gate_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
