/*
 * check_wire.c - tests for the in-memory wire: delivery by MAC and
 * broadcast, no delivery from inside a send, delay and jitter, and each
 * impairment both statistically and deterministically (same seed, same
 * outcome; another seed, another outcome).
 *
 * Ports here are plain capture callbacks, not hosts: each frame carries a
 * 32-bit tag after its Ethernet header so a test can see which frames
 * arrived, when, and in what order.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/wire.h"

#define NFRAMES 10000
#define CAP_MAX (2 * NFRAMES + 16)

struct cap {
	struct wire_port *port;
	uint8_t mac[6];
	uint32_t *tag;
	tv_time *at;
	size_t n;
	bool reply;             /* answer each frame to the first port */
	const uint8_t *reply_to;
};

static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

struct fx {
	struct wire *w;
	struct tv_bus bus;
	size_t events[4];       /* per tv_wire_action */
	struct cap cap[3];
};

static void count_sink(void *ctx, const struct tv_event *ev)
{
	struct fx *f = ctx;

	ck_assert_int_eq(ev->type, TV_EV_WIRE);
	f->events[ev->u.wire.action]++;
}

static size_t frame_make(uint8_t *buf, const uint8_t *dst, const uint8_t *src, uint32_t tag)
{
	memset(buf, 0, 60);
	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	buf[12] = 0x88; /* local experimental EtherType */
	buf[13] = 0xb5;
	memcpy(buf + 14, &tag, 4);
	return 60;
}

static int cap_deliver(void *ctx, const uint8_t *frame, size_t len, tv_time now)
{
	struct cap *c = ctx;
	uint32_t tag;
	uint8_t out[60];

	ck_assert_uint_eq(len, 60);
	ck_assert_uint_lt(c->n, CAP_MAX);
	memcpy(&tag, frame + 14, 4);
	c->tag[c->n] = tag;
	c->at[c->n++] = now;
	if (c->reply)
		wire_send(c->port, out, frame_make(out, c->reply_to, c->mac, tag + 1000000), now);
	return 0;
}

static void fx_init(struct fx *f, uint64_t seed, unsigned nports)
{
	memset(f, 0, sizeof(*f));
	tv_bus_init(&f->bus);
	tv_bus_add(&f->bus, count_sink, f);
	f->w = wire_new(seed, &f->bus);
	ck_assert_ptr_nonnull(f->w);
	for (unsigned i = 0; i < nports; i++) {
		struct cap *c = &f->cap[i];
		uint8_t mac[6] = {0x02, 0, 0, 0, 0, (uint8_t)(i + 1)};
		memcpy(c->mac, mac, 6);
		c->tag = calloc(CAP_MAX, sizeof(*c->tag));
		c->at = calloc(CAP_MAX, sizeof(*c->at));
		ck_assert_int_eq(wire_attach(f->w, mac, i + 1, cap_deliver, c, &c->port), 0);
	}
}

static void fx_fini(struct fx *f)
{
	wire_free(f->w);
	tv_bus_fini(&f->bus);
	for (unsigned i = 0; i < 3; i++) {
		free(f->cap[i].tag);
		free(f->cap[i].at);
	}
}

/* Send tag from port `from` to port `to` (to < 0: broadcast). */
static void fx_send(struct fx *f, unsigned from, int to, uint32_t tag, tv_time now)
{
	uint8_t buf[60];
	const uint8_t *dst = to < 0 ? bcast : f->cap[to].mac;

	ck_assert_int_eq(wire_send(f->cap[from].port, buf,
				   frame_make(buf, dst, f->cap[from].mac, tag), now),
			 0);
}

/* Poll at every deadline up to `until`. */
static void fx_run(struct fx *f, tv_time until)
{
	tv_time t;

	while ((t = wire_next_deadline(f->w)) <= until)
		wire_poll(f->w, t);
}

static void fx_impair_default(struct fx *f, const struct wire_impair *im)
{
	ck_assert_int_eq(wire_set_default(f->w, im), 0);
}

/* ---- delivery ---- */

START_TEST(test_unicast_reaches_only_the_port_with_that_mac)
{
	struct fx f;

	fx_init(&f, 1, 3);
	fx_send(&f, 0, 1, 7, 0);
	wire_poll(f.w, 0);
	ck_assert_uint_eq(f.cap[1].n, 1);
	ck_assert_uint_eq(f.cap[1].tag[0], 7);
	ck_assert_uint_eq(f.cap[0].n, 0);
	ck_assert_uint_eq(f.cap[2].n, 0);
	ck_assert_uint_eq(wire_stats(f.w)->delivered, 1);
	fx_fini(&f);
}
END_TEST

START_TEST(test_broadcast_reaches_every_other_port)
{
	struct fx f;

	fx_init(&f, 1, 3);
	fx_send(&f, 0, -1, 9, 0);
	wire_poll(f.w, 0);
	ck_assert_uint_eq(f.cap[0].n, 0);
	ck_assert_uint_eq(f.cap[1].n, 1);
	ck_assert_uint_eq(f.cap[2].n, 1);
	fx_fini(&f);
}
END_TEST

START_TEST(test_unknown_destination_is_counted_not_delivered)
{
	struct fx f;
	uint8_t buf[60], nobody[6] = {0x02, 9, 9, 9, 9, 9};

	fx_init(&f, 1, 2);
	ck_assert_int_eq(wire_send(f.cap[0].port, buf, frame_make(buf, nobody, f.cap[0].mac, 1), 0),
			 0);
	wire_poll(f.w, 0);
	ck_assert_uint_eq(f.cap[1].n, 0);
	ck_assert_uint_eq(wire_stats(f.w)->unknown_dst, 1);
	ck_assert_uint_eq(wire_in_flight(f.w), 0);
	fx_fini(&f);
}
END_TEST

START_TEST(test_send_never_delivers_synchronously)
{
	struct fx f;

	fx_init(&f, 1, 2);
	fx_send(&f, 0, 1, 1, 0);
	ck_assert_uint_eq(f.cap[1].n, 0);
	ck_assert_uint_eq(wire_in_flight(f.w), 1);
	ck_assert_uint_eq(wire_next_deadline(f.w), 0);
	wire_poll(f.w, 0);
	ck_assert_uint_eq(f.cap[1].n, 1);
	fx_fini(&f);
}
END_TEST

/* A port that answers from inside its delivery callback: the answer waits
 * for the next poll even though it is due at once. */
START_TEST(test_frames_sent_during_delivery_wait_for_the_next_poll)
{
	struct fx f;

	fx_init(&f, 1, 2);
	f.cap[1].reply = true;
	f.cap[1].reply_to = f.cap[0].mac;
	fx_send(&f, 0, 1, 5, 0);
	wire_poll(f.w, 0);
	ck_assert_uint_eq(f.cap[1].n, 1);
	ck_assert_uint_eq(f.cap[0].n, 0);
	ck_assert_uint_eq(wire_next_deadline(f.w), 0);
	wire_poll(f.w, 0);
	ck_assert_uint_eq(f.cap[0].n, 1);
	ck_assert_uint_eq(f.cap[0].tag[0], 1000005);
	fx_fini(&f);
}
END_TEST

START_TEST(test_same_instant_frames_keep_send_order)
{
	struct fx f;

	fx_init(&f, 1, 3);
	for (uint32_t i = 0; i < 100; i++)
		fx_send(&f, i % 2 ? 2 : 0, 1, i, TV_MSEC(3));
	wire_poll(f.w, TV_MSEC(3));
	ck_assert_uint_eq(f.cap[1].n, 100);
	for (uint32_t i = 0; i < 100; i++)
		ck_assert_uint_eq(f.cap[1].tag[i], i);
	fx_fini(&f);
}
END_TEST

START_TEST(test_bad_lengths_are_refused)
{
	struct fx f;
	uint8_t *big = calloc(1, TV_FRAME_MAX + 1);

	fx_init(&f, 1, 2);
	memcpy(big, f.cap[1].mac, 6);
	ck_assert_int_eq(wire_send(f.cap[0].port, big, 5, 0), TV_EMSGSIZE);
	ck_assert_int_eq(wire_send(f.cap[0].port, big, TV_FRAME_MAX + 1, 0), TV_EMSGSIZE);
	ck_assert_int_eq(wire_send(f.cap[0].port, big, TV_FRAME_MAX, 0), 0);
	ck_assert_uint_eq(wire_stats(f.w)->bad_len, 2);
	ck_assert_uint_eq(wire_in_flight(f.w), 1);
	free(big);
	fx_fini(&f);
}
END_TEST

START_TEST(test_attach_refuses_a_second_port_with_the_same_mac)
{
	struct fx f;
	struct wire_port *p;

	fx_init(&f, 1, 2);
	ck_assert_int_eq(wire_attach(f.w, f.cap[0].mac, 9, cap_deliver, &f.cap[2], &p),
			 TV_EEXIST);
	fx_fini(&f);
}
END_TEST

START_TEST(test_limit_drops_frames_past_it)
{
	struct fx f;

	fx_init(&f, 1, 2);
	wire_set_limit(f.w, 10);
	for (uint32_t i = 0; i < 20; i++)
		fx_send(&f, 0, 1, i, 0);
	ck_assert_uint_eq(wire_in_flight(f.w), 10);
	ck_assert_uint_eq(wire_stats(f.w)->overflow, 10);
	wire_poll(f.w, 0);
	ck_assert_uint_eq(f.cap[1].n, 10);
	fx_fini(&f);
}
END_TEST

/* ---- delay and jitter ---- */

START_TEST(test_delay_holds_frame_until_due)
{
	struct fx f;
	struct wire_impair im;

	fx_init(&f, 1, 2);
	wire_impair_none(&im);
	im.delay = TV_MSEC(10);
	fx_impair_default(&f, &im);
	fx_send(&f, 0, 1, 1, TV_MSEC(1));
	ck_assert_uint_eq(wire_next_deadline(f.w), TV_MSEC(11));
	wire_poll(f.w, TV_MSEC(11) - 1);
	ck_assert_uint_eq(f.cap[1].n, 0);
	wire_poll(f.w, TV_MSEC(11));
	ck_assert_uint_eq(f.cap[1].n, 1);
	ck_assert_uint_eq(f.cap[1].at[0], TV_MSEC(11));
	ck_assert_uint_eq(wire_next_deadline(f.w), TV_NEVER);
	fx_fini(&f);
}
END_TEST

START_TEST(test_jitter_stays_in_bounds_and_never_reorders)
{
	struct fx f;
	struct wire_impair im;
	tv_time sent[1000];
	bool varied = false;

	fx_init(&f, 3, 2);
	wire_impair_none(&im);
	im.delay = TV_MSEC(1);
	im.jitter = TV_MSEC(1);
	fx_impair_default(&f, &im);
	for (uint32_t i = 0; i < 1000; i++) {
		sent[i] = TV_USEC(100) * i;
		fx_send(&f, 0, 1, i, sent[i]);
		fx_run(&f, sent[i]);
	}
	fx_run(&f, TV_SEC(10));
	ck_assert_uint_eq(f.cap[1].n, 1000);
	for (uint32_t i = 0; i < 1000; i++) {
		tv_time d = f.cap[1].at[i] - sent[i];
		ck_assert_uint_eq(f.cap[1].tag[i], i);
		ck_assert_uint_ge(d, TV_MSEC(1));
		ck_assert_uint_le(d, TV_MSEC(2));
		if (i > 0 && d != f.cap[1].at[i - 1] - sent[i - 1])
			varied = true;
	}
	ck_assert(varied);
	fx_fini(&f);
}
END_TEST

/* Different delays per direction: later-sent frames with less delay come
 * first (the heap path merges with the FIFO path in time order). */
START_TEST(test_frames_arrive_in_delivery_time_order_across_directions)
{
	struct fx f;
	struct wire_impair slow;

	fx_init(&f, 1, 3);
	wire_impair_none(&slow);
	slow.delay = TV_MSEC(10);
	ck_assert_int_eq(wire_set_impair(f.w, f.cap[0].port, f.cap[1].port, &slow), 0);
	fx_send(&f, 0, 1, 1, 0);            /* due 10 ms */
	fx_send(&f, 2, 1, 2, TV_MSEC(1));   /* due 1 ms */
	fx_send(&f, 0, 1, 3, TV_MSEC(2));   /* due 12 ms */
	fx_send(&f, 2, 1, 4, TV_MSEC(5));   /* due 5 ms */
	fx_run(&f, TV_SEC(1));
	ck_assert_uint_eq(f.cap[1].n, 4);
	ck_assert_uint_eq(f.cap[1].tag[0], 2);
	ck_assert_uint_eq(f.cap[1].tag[1], 4);
	ck_assert_uint_eq(f.cap[1].tag[2], 1);
	ck_assert_uint_eq(f.cap[1].tag[3], 3);
	ck_assert_uint_eq(f.cap[1].at[2], TV_MSEC(10));
	fx_fini(&f);
}
END_TEST

START_TEST(test_impairment_applies_to_its_direction_only)
{
	struct fx f;
	struct wire_impair lossy;

	fx_init(&f, 1, 3);
	wire_impair_none(&lossy);
	lossy.loss_ppm = 1000000;
	ck_assert_int_eq(wire_set_impair(f.w, f.cap[0].port, f.cap[1].port, &lossy), 0);
	fx_send(&f, 0, 1, 1, 0);
	fx_send(&f, 1, 0, 2, 0);
	fx_send(&f, 0, 2, 3, 0);
	fx_run(&f, 0);
	ck_assert_uint_eq(f.cap[1].n, 0);
	ck_assert_uint_eq(f.cap[0].n, 1);
	ck_assert_uint_eq(f.cap[2].n, 1);
	ck_assert_uint_eq(wire_impair_of(f.w, f.cap[0].port, f.cap[1].port)->loss_ppm, 1000000);
	ck_assert_uint_eq(wire_impair_of(f.w, f.cap[1].port, f.cap[0].port)->loss_ppm, 0);
	/* Back to the default. */
	ck_assert_int_eq(wire_set_impair(f.w, f.cap[0].port, f.cap[1].port, NULL), 0);
	fx_send(&f, 0, 1, 4, 0);
	fx_run(&f, 0);
	ck_assert_uint_eq(f.cap[1].n, 1);
	fx_fini(&f);
}
END_TEST

START_TEST(test_impairment_chance_above_one_million_is_invalid)
{
	struct fx f;
	struct wire_impair im;

	fx_init(&f, 1, 2);
	wire_impair_none(&im);
	im.dup_ppm = 1000001;
	ck_assert_int_eq(wire_set_default(f.w, &im), TV_EINVAL);
	ck_assert_int_eq(wire_set_impair(f.w, f.cap[0].port, f.cap[1].port, &im), TV_EINVAL);
	fx_fini(&f);
}
END_TEST

/* ---- loss, duplication, reordering ---- */

/* Send NFRAMES tags 0.. from port 0 to port 1 at one instant each 1 us
 * apart under im; deliver everything. */
static void fx_stream(struct fx *f, const struct wire_impair *im)
{
	fx_impair_default(f, im);
	for (uint32_t i = 0; i < NFRAMES; i++)
		fx_send(f, 0, 1, i, TV_USEC(i));
	fx_run(f, TV_SEC(100));
}

/* Outcome of a stream as a comparable fingerprint: the received tags. */
static bool fx_same_outcome(const struct cap *a, const struct cap *b)
{
	return a->n == b->n && memcmp(a->tag, b->tag, a->n * sizeof(*a->tag)) == 0;
}

static void impair_outcomes_by_seed(const struct wire_impair *im)
{
	struct fx a, b, c;

	fx_init(&a, 11, 2);
	fx_init(&b, 11, 2);
	fx_init(&c, 12, 2);
	fx_stream(&a, im);
	fx_stream(&b, im);
	fx_stream(&c, im);
	ck_assert(fx_same_outcome(&a.cap[1], &b.cap[1]));
	ck_assert(!fx_same_outcome(&a.cap[1], &c.cap[1]));
	fx_fini(&a);
	fx_fini(&b);
	fx_fini(&c);
}

START_TEST(test_loss_rate_matches_setting)
{
	struct fx f;
	struct wire_impair im;

	fx_init(&f, 5, 2);
	wire_impair_none(&im);
	im.loss_ppm = 100000; /* 10% */
	fx_stream(&f, &im);
	ck_assert_uint_gt(f.cap[1].n, NFRAMES - 1100);
	ck_assert_uint_lt(f.cap[1].n, NFRAMES - 900);
	ck_assert_uint_eq(wire_stats(f.w)->lost, NFRAMES - f.cap[1].n);
	ck_assert_uint_eq(f.events[TV_WIRE_LOST], NFRAMES - f.cap[1].n);
	for (size_t i = 1; i < f.cap[1].n; i++)
		ck_assert_uint_gt(f.cap[1].tag[i], f.cap[1].tag[i - 1]);
	fx_fini(&f);
}
END_TEST

START_TEST(test_loss_same_seed_same_frames_lost)
{
	struct wire_impair im;

	wire_impair_none(&im);
	im.loss_ppm = 100000;
	impair_outcomes_by_seed(&im);
}
END_TEST

START_TEST(test_duplication_rate_matches_setting)
{
	struct fx f;
	struct wire_impair im;
	size_t dups = 0;

	fx_init(&f, 5, 2);
	wire_impair_none(&im);
	im.dup_ppm = 50000; /* 5% */
	fx_stream(&f, &im);
	for (size_t i = 1; i < f.cap[1].n; i++) {
		ck_assert_uint_ge(f.cap[1].tag[i], f.cap[1].tag[i - 1]);
		dups += f.cap[1].tag[i] == f.cap[1].tag[i - 1]; /* copies arrive together */
	}
	ck_assert_uint_eq(f.cap[1].n, NFRAMES + dups);
	ck_assert_uint_gt(dups, 400);
	ck_assert_uint_lt(dups, 600);
	ck_assert_uint_eq(wire_stats(f.w)->duplicated, dups);
	ck_assert_uint_eq(f.events[TV_WIRE_DUPLICATED], dups);
	fx_fini(&f);
}
END_TEST

START_TEST(test_duplication_same_seed_same_frames_doubled)
{
	struct wire_impair im;

	wire_impair_none(&im);
	im.dup_ppm = 50000;
	impair_outcomes_by_seed(&im);
}
END_TEST

START_TEST(test_reorder_always_swaps_each_pair)
{
	struct fx f;
	struct wire_impair im;
	const uint32_t want[6] = {1, 0, 3, 2, 5, 4};

	fx_init(&f, 5, 2);
	wire_impair_none(&im);
	im.reorder_ppm = 1000000;
	fx_impair_default(&f, &im);
	for (uint32_t i = 0; i < 6; i++)
		fx_send(&f, 0, 1, i, 0);
	fx_run(&f, 0);
	ck_assert_uint_eq(f.cap[1].n, 6);
	for (int i = 0; i < 6; i++)
		ck_assert_uint_eq(f.cap[1].tag[i], want[i]);
	ck_assert_uint_eq(f.events[TV_WIRE_REORDERED], 3);
	fx_fini(&f);
}
END_TEST

START_TEST(test_reorder_rate_matches_setting)
{
	struct fx f;
	struct wire_impair im;
	size_t swapped = 0;

	fx_init(&f, 5, 2);
	wire_impair_none(&im);
	im.reorder_ppm = 100000; /* 10% of frames not already overtaking */
	fx_stream(&f, &im);
	ck_assert_uint_eq(f.cap[1].n, NFRAMES);
	for (size_t i = 1; i < f.cap[1].n; i++)
		swapped += f.cap[1].tag[i] < f.cap[1].tag[i - 1];
	/* A held frame is always overtaken by the next: ~N*p/(1+p) = 909. */
	ck_assert_uint_gt(swapped, 750);
	ck_assert_uint_lt(swapped, 1070);
	ck_assert_uint_eq(wire_stats(f.w)->reordered, swapped);
	ck_assert_uint_eq(f.events[TV_WIRE_REORDERED], swapped);
	fx_fini(&f);
}
END_TEST

START_TEST(test_reorder_same_seed_same_order)
{
	struct wire_impair im;

	wire_impair_none(&im);
	im.reorder_ppm = 100000;
	impair_outcomes_by_seed(&im);
}
END_TEST

START_TEST(test_reorder_lonely_frame_goes_after_its_wait)
{
	struct fx f;
	struct wire_impair im;

	fx_init(&f, 5, 2);
	wire_impair_none(&im);
	im.reorder_ppm = 1000000;
	im.reorder_wait = TV_MSEC(5);
	fx_impair_default(&f, &im);
	fx_send(&f, 0, 1, 1, TV_MSEC(1));
	ck_assert_uint_eq(wire_in_flight(f.w), 1);
	ck_assert_uint_eq(wire_next_deadline(f.w), TV_MSEC(6));
	wire_poll(f.w, TV_MSEC(6) - 1);
	ck_assert_uint_eq(f.cap[1].n, 0);
	fx_run(&f, TV_MSEC(6));
	ck_assert_uint_eq(f.cap[1].n, 1);
	ck_assert_uint_eq(f.cap[1].at[0], TV_MSEC(6));
	ck_assert_uint_eq(f.events[TV_WIRE_REORDERED], 0);
	fx_fini(&f);
}
END_TEST

START_TEST(test_jitter_same_seed_same_times)
{
	struct fx a, b, c;
	struct wire_impair im;

	wire_impair_none(&im);
	im.jitter = TV_MSEC(1);
	fx_init(&a, 21, 2);
	fx_init(&b, 21, 2);
	fx_init(&c, 22, 2);
	fx_stream(&a, &im);
	fx_stream(&b, &im);
	fx_stream(&c, &im);
	ck_assert_uint_eq(a.cap[1].n, NFRAMES);
	ck_assert_mem_eq(a.cap[1].at, b.cap[1].at, NFRAMES * sizeof(tv_time));
	ck_assert(memcmp(a.cap[1].at, c.cap[1].at, NFRAMES * sizeof(tv_time)) != 0);
	fx_fini(&a);
	fx_fini(&b);
	fx_fini(&c);
}
END_TEST

START_TEST(test_detached_port_gets_nothing)
{
	struct fx f;

	fx_init(&f, 1, 2);
	fx_send(&f, 0, 1, 1, 0);
	wire_detach(f.cap[1].port);
	fx_run(&f, 0);
	ck_assert_uint_eq(f.cap[1].n, 0);
	ck_assert_int_eq(wire_send(f.cap[1].port, (const uint8_t *)"xxxxxxxxxxxxxx", 14, 0),
			 TV_EINVAL);
	fx_fini(&f);
}
END_TEST

static Suite *wire_suite(void)
{
	Suite *s = suite_create("wire");
	TCase *d = tcase_create("delivery");
	TCase *t = tcase_create("time");
	TCase *i = tcase_create("impairments");

	tcase_add_test(d, test_unicast_reaches_only_the_port_with_that_mac);
	tcase_add_test(d, test_broadcast_reaches_every_other_port);
	tcase_add_test(d, test_unknown_destination_is_counted_not_delivered);
	tcase_add_test(d, test_send_never_delivers_synchronously);
	tcase_add_test(d, test_frames_sent_during_delivery_wait_for_the_next_poll);
	tcase_add_test(d, test_same_instant_frames_keep_send_order);
	tcase_add_test(d, test_bad_lengths_are_refused);
	tcase_add_test(d, test_attach_refuses_a_second_port_with_the_same_mac);
	tcase_add_test(d, test_limit_drops_frames_past_it);
	tcase_add_test(d, test_detached_port_gets_nothing);
	tcase_add_test(t, test_delay_holds_frame_until_due);
	tcase_add_test(t, test_jitter_stays_in_bounds_and_never_reorders);
	tcase_add_test(t, test_frames_arrive_in_delivery_time_order_across_directions);
	tcase_add_test(t, test_jitter_same_seed_same_times);
	tcase_add_test(i, test_impairment_applies_to_its_direction_only);
	tcase_add_test(i, test_impairment_chance_above_one_million_is_invalid);
	tcase_add_test(i, test_loss_rate_matches_setting);
	tcase_add_test(i, test_loss_same_seed_same_frames_lost);
	tcase_add_test(i, test_duplication_rate_matches_setting);
	tcase_add_test(i, test_duplication_same_seed_same_frames_doubled);
	tcase_add_test(i, test_reorder_always_swaps_each_pair);
	tcase_add_test(i, test_reorder_rate_matches_setting);
	tcase_add_test(i, test_reorder_same_seed_same_order);
	tcase_add_test(i, test_reorder_lonely_frame_goes_after_its_wait);
	suite_add_tcase(s, d);
	suite_add_tcase(s, t);
	suite_add_tcase(s, i);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(wire_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
