/*
 * check_integrity.c - every byte sent arrives, once and in order, however
 * badly the wire behaves.  64 MiB go from A to B over a wire that loses 5%
 * of frames, duplicates 2% and reorders 2%, in both directions, for 20
 * seeds; the receiver's hash must equal the sender's.  A second case sends
 * the stream back (echo) so data flows both ways at once under loss.
 */
#include <check.h>
#include <stdlib.h>

#include "xfer.h"

#define MIB (1024u * 1024u)

static void impair_lossy(struct wire_impair *im)
{
	wire_impair_none(im);
	im->delay = TV_MSEC(5);
	im->jitter = TV_MSEC(1);
	im->loss_ppm = 50000;    /* 5% */
	im->dup_ppm = 20000;     /* 2% */
	im->reorder_ppm = 20000; /* 2% */
}

static void check_transfer(const struct xfer_opts *o)
{
	struct xfer_result r;
	int err = xfer_run(o, &r);

	ck_assert_msg(err == 0, "seed %llu: transfer failed: %s (received %llu of %llu)",
		      (unsigned long long)o->seed, tv_strerror(err),
		      (unsigned long long)r.received, (unsigned long long)o->bytes);
	ck_assert_uint_eq(r.sent, o->bytes);
	ck_assert_uint_eq(r.received, o->bytes);
	ck_assert_uint_eq(r.hash_received, r.hash_sent);
	if (o->echo_back) {
		ck_assert_uint_eq(r.echoed, o->bytes);
		ck_assert_uint_eq(r.hash_echoed, r.hash_sent);
	}
	ck_assert(r.closed);
	/* With 5% loss the stack must have recovered by retransmitting. */
	ck_assert_uint_gt(r.retransmits, 0);
}

START_TEST(test_integrity_64mib_lossy_wire_hash_equal)
{
	struct xfer_opts o = {.bytes = 64 * MIB, .seed = 1000 + (uint64_t)_i};
	impair_lossy(&o.impair);
	check_transfer(&o);
}
END_TEST

START_TEST(test_integrity_echo_both_ways_lossy_wire_hash_equal)
{
	struct xfer_opts o = {.bytes = 8 * MIB, .seed = 77 + (uint64_t)_i, .echo_back = true};
	impair_lossy(&o.impair);
	check_transfer(&o);
}
END_TEST

/* The control case: a perfect wire needs no retransmission at all. */
START_TEST(test_integrity_clean_wire_no_retransmission)
{
	struct xfer_opts o = {.bytes = 16 * MIB, .seed = 5};
	struct xfer_result r;
	wire_impair_none(&o.impair);
	ck_assert_int_eq(xfer_run(&o, &r), 0);
	ck_assert_uint_eq(r.received, o.bytes);
	ck_assert_uint_eq(r.hash_received, r.hash_sent);
	ck_assert_uint_eq(r.retransmits, 0);
}
END_TEST

/* Same seed, same run: the whole transfer is deterministic. */
START_TEST(test_integrity_same_seed_same_run)
{
	struct xfer_opts o = {.bytes = 2 * MIB, .seed = 9};
	struct xfer_result r1, r2;
	impair_lossy(&o.impair);
	ck_assert_int_eq(xfer_run(&o, &r1), 0);
	ck_assert_int_eq(xfer_run(&o, &r2), 0);
	ck_assert_uint_eq(r1.segments, r2.segments);
	ck_assert_uint_eq(r1.retransmits, r2.retransmits);
	ck_assert_uint_eq(r1.virtual_time, r2.virtual_time);
}
END_TEST

static Suite *integrity_suite(void)
{
	Suite *s = suite_create("integrity");
	TCase *tc = tcase_create("transfer");
	tcase_set_timeout(tc, 0); /* no wall-clock limits: time is virtual */
	tcase_add_loop_test(tc, test_integrity_64mib_lossy_wire_hash_equal, 0, 20);
	tcase_add_loop_test(tc, test_integrity_echo_both_ways_lossy_wire_hash_equal, 0, 3);
	tcase_add_test(tc, test_integrity_clean_wire_no_retransmission);
	tcase_add_test(tc, test_integrity_same_seed_same_run);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(integrity_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
