/*
 * check_tv.c - tests for the core's shared pieces: the seeded generator,
 * the Internet checksum, error strings, counters and the event bus.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/checksum.h"
#include "core/counter.h"
#include "core/event.h"
#include "core/tv.h"

START_TEST(test_rng_same_seed_same_sequence)
{
	struct tv_rng a, b;
	tv_rng_seed(&a, 42);
	tv_rng_seed(&b, 42);
	for (int i = 0; i < 1000; i++)
		ck_assert_uint_eq(tv_rng_next(&a), tv_rng_next(&b));
}
END_TEST

START_TEST(test_rng_different_seeds_differ)
{
	struct tv_rng a, b;
	tv_rng_seed(&a, 1);
	tv_rng_seed(&b, 2);
	ck_assert_uint_ne(tv_rng_next(&a), tv_rng_next(&b));
}
END_TEST

START_TEST(test_rng_below_stays_in_bound)
{
	struct tv_rng r;
	tv_rng_seed(&r, 7);
	unsigned seen[10] = {0};
	for (int i = 0; i < 10000; i++) {
		uint64_t x = tv_rng_below(&r, 10);
		ck_assert_uint_lt(x, 10);
		seen[x]++;
	}
	for (int i = 0; i < 10; i++)
		ck_assert_uint_gt(seen[i], 800); /* roughly uniform: 1000 expected */
	ck_assert_uint_eq(tv_rng_below(&r, 0), 0);
}
END_TEST

START_TEST(test_rng_chance_matches_rate)
{
	struct tv_rng r;
	tv_rng_seed(&r, 9);
	int hits = 0;
	for (int i = 0; i < 100000; i++)
		hits += tv_rng_chance(&r, 50000); /* 5% */
	ck_assert_int_gt(hits, 4500);
	ck_assert_int_lt(hits, 5500);
	ck_assert(!tv_rng_chance(&r, 0));
}
END_TEST

/* RFC 1071 section 3's worked example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2. */
START_TEST(test_csum_rfc1071_example)
{
	const uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	uint16_t c = tv_csum_finish(tv_csum_add(0, data, sizeof(data)));
	uint8_t *b = (uint8_t *)&c;
	ck_assert_uint_eq(b[0], (uint8_t)~0xdd);
	ck_assert_uint_eq(b[1], (uint8_t)~0xf2);
}
END_TEST

/* A well-known IPv4 header whose checksum field is b861. */
START_TEST(test_csum_ipv4_header_verifies)
{
	uint8_t hdr[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
			 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
	ck_assert_uint_eq(tv_csum_finish(tv_csum_add(0, hdr, sizeof(hdr))), 0);
	hdr[10] = hdr[11] = 0;
	uint16_t c = tv_csum_finish(tv_csum_add(0, hdr, sizeof(hdr)));
	memcpy(&hdr[10], &c, 2);
	ck_assert_uint_eq(hdr[10], 0xb8);
	ck_assert_uint_eq(hdr[11], 0x61);
}
END_TEST

/* Odd lengths and chunked sums agree with a byte-at-a-time reference. */
START_TEST(test_csum_odd_lengths_match_reference)
{
	uint8_t buf[67];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	for (size_t len = 0; len <= sizeof(buf); len++) {
		uint32_t ref = 0;
		for (size_t i = 0; i < len; i += 2)
			ref += (uint32_t)(buf[i] << 8) | (i + 1 < len ? buf[i + 1] : 0);
		while (ref >> 16)
			ref = (ref & 0xffff) + (ref >> 16);
		uint16_t c = tv_csum_finish(tv_csum_add(0, buf, len));
		uint8_t *b = (uint8_t *)&c;
		uint16_t got = (uint16_t)((b[0] << 8) | b[1]);
		ck_assert_uint_eq(got, (uint16_t)~ref);
	}
}
END_TEST

START_TEST(test_strerror_timed_out)
{
	ck_assert_str_eq(tv_strerror(TV_ETIMEDOUT), "timed out");
	ck_assert_str_eq(tv_strerror(TV_EREFUSED), "connection refused");
	ck_assert_str_eq(tv_strerror(-999), "unknown error");
}
END_TEST

START_TEST(test_counter_names_round_trip)
{
	for (int i = 0; i < TV_CNT_COUNT; i++)
		ck_assert_int_eq(tv_counter_find(tv_counter_name(i)), i);
	ck_assert_int_eq(tv_counter_find("no.such"), -1);
}
END_TEST

struct recorder {
	int calls;
	struct tv_bus *bus;
	bool remove_self;
};

static void record(void *ctx, const struct tv_event *ev)
{
	struct recorder *r = ctx;
	(void)ev;
	r->calls++;
	if (r->remove_self)
		tv_bus_remove(r->bus, record, r);
}

START_TEST(test_bus_delivers_to_every_sink)
{
	struct tv_bus bus;
	struct recorder a = {0}, b = {0};
	struct tv_event ev = {.type = TV_EV_NOTE};
	tv_bus_init(&bus);
	ck_assert(!tv_bus_active(&bus));
	tv_bus_add(&bus, record, &a);
	tv_bus_add(&bus, record, &b);
	ck_assert(tv_bus_active(&bus));
	tv_bus_emit(&bus, &ev);
	tv_bus_emit(&bus, &ev);
	ck_assert_int_eq(a.calls, 2);
	ck_assert_int_eq(b.calls, 2);
	tv_bus_fini(&bus);
}
END_TEST

START_TEST(test_bus_sink_removed_during_dispatch_is_reaped)
{
	struct tv_bus bus;
	struct recorder a = {.remove_self = true}, b = {0};
	struct tv_event ev = {.type = TV_EV_NOTE};
	tv_bus_init(&bus);
	a.bus = &bus;
	tv_bus_add(&bus, record, &a);
	tv_bus_add(&bus, record, &b);
	tv_bus_emit(&bus, &ev);
	ck_assert_uint_eq(bus.nsinks, 1);
	tv_bus_emit(&bus, &ev);
	ck_assert_int_eq(a.calls, 1);
	ck_assert_int_eq(b.calls, 2);
	tv_bus_fini(&bus);
}
END_TEST

START_TEST(test_rule_names_and_refs)
{
	ck_assert_str_eq(tv_rule_id(TV_RULE_TIME_WAIT_RST), "TIME_WAIT_RST");
	ck_assert_str_eq(tv_rule_ref(TV_RULE_TIME_WAIT_RST), "RFC 1337");
	ck_assert_str_eq(tv_rule_id(TV_RULE_COUNT), "?");
}
END_TEST

static Suite *tv_suite(void)
{
	Suite *s = suite_create("tv");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_rng_same_seed_same_sequence);
	tcase_add_test(tc, test_rng_different_seeds_differ);
	tcase_add_test(tc, test_rng_below_stays_in_bound);
	tcase_add_test(tc, test_rng_chance_matches_rate);
	tcase_add_test(tc, test_csum_rfc1071_example);
	tcase_add_test(tc, test_csum_ipv4_header_verifies);
	tcase_add_test(tc, test_csum_odd_lengths_match_reference);
	tcase_add_test(tc, test_strerror_timed_out);
	tcase_add_test(tc, test_counter_names_round_trip);
	tcase_add_test(tc, test_bus_delivers_to_every_sink);
	tcase_add_test(tc, test_bus_sink_removed_during_dispatch_is_reaped);
	tcase_add_test(tc, test_rule_names_and_refs);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tv_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
