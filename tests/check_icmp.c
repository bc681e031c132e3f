/*
 * check_icmp.c - ICMP echo (icmp.c): answering requests, validating
 * messages, reporting replies, and a ping between two hosts joined by a
 * queue that the test drains.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/host.h"
#include "core/ipv4.h"
#include "l3_fixture.h"

#define T FX_T0

static struct fx_cap cap;
static struct fx_events ev;
static struct host *h;
static const uint8_t data16[16] = "0123456789abcdef";

static void setup(void)
{
	memset(&cap, 0, sizeof(cap));
	fx_events_init(&ev);
	h = fx_host(1, &cap, &ev.bus);
	uint8_t m2[6];
	fx_mac(m2, 2);
	ck_assert_int_eq(arp_insert(h, FX_ADDR(2), m2, true, T), 0);
	ev.n = 0;
}

static void teardown(void)
{
	host_free(h);
	fx_cap_free(&cap);
	fx_events_fini(&ev);
}

static const struct tv_event *find_icmp(bool out)
{
	for (size_t i = 0; i < ev.n; i++)
		if (ev.ev[i].type == TV_EV_ICMP && ev.ev[i].u.icmp.out == out)
			return &ev.ev[i];
	return NULL;
}

START_TEST(test_icmp_echo_request_answered_with_same_id_seq_and_data)
{
	uint8_t f[128], m2[6];
	fx_mac(m2, 2);
	size_t n = fx_build_echo(f, 2, 1, 8, 0xbeef, 0x0102, data16, sizeof(data16));
	fx_feed(h, f, n, T);
	ck_assert_uint_eq(cap.n, 1);
	const struct fx_frame *r = &cap.f[0];
	ck_assert_uint_eq(r->len, n);
	ck_assert_mem_eq(r->data, m2, 6);
	const uint8_t *ip = r->data + 14, *m = ip + 20;
	ck_assert_uint_eq(ip[9], TV_IPPROTO_ICMP);
	ck_assert_uint_eq(tv_get_be32(ip + 12), FX_ADDR(1));
	ck_assert_uint_eq(tv_get_be32(ip + 16), FX_ADDR(2));
	ck_assert_uint_eq(m[0], 0);
	ck_assert_uint_eq(m[1], 0);
	ck_assert_uint_eq(tv_get_be16(m + 4), 0xbeef);
	ck_assert_uint_eq(tv_get_be16(m + 6), 0x0102);
	ck_assert_mem_eq(m + 8, data16, 16);
	ck_assert(fx_csum_ok(m, 8 + 16));
	ck_assert_uint_eq(h->counters[TV_CNT_ICMP_ECHO], 1);
}
END_TEST

START_TEST(test_icmp_echo_with_odd_length_data_answered_with_valid_checksum)
{
	for (size_t dlen = 0; dlen <= 15; dlen++) {
		uint8_t f[128];
		size_t n = fx_build_echo(f, 2, 1, 8, 1, (uint16_t)dlen, data16, dlen);
		fx_feed(h, f, n, T);
		const struct fx_frame *r = &cap.f[cap.n - 1];
		ck_assert_uint_eq(r->len, n);
		ck_assert(fx_csum_ok(r->data + 34, 8 + dlen));
		ck_assert_mem_eq(r->data + 42, data16, dlen);
	}
	ck_assert_uint_eq(h->counters[TV_CNT_ICMP_ECHO], 16);
	ck_assert_uint_eq(h->counters[TV_CNT_ICMP_BAD], 0);
}
END_TEST

START_TEST(test_icmp_echo_request_with_nonzero_code_still_answered_with_code_0)
{
	uint8_t f[128];
	size_t n = fx_build_echo(f, 2, 1, 8, 1, 1, data16, 4);
	uint8_t *m = f + 34;
	m[1] = 9;
	m[2] = m[3] = 0;
	uint32_t s = 0;
	for (size_t i = 0; i < 12; i += 2)
		s += (uint32_t)(m[i] << 8 | m[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	tv_put_be16(m + 2, (uint16_t)~s);
	fx_feed(h, f, n, T);
	ck_assert_uint_eq(cap.n, 1);
	ck_assert_uint_eq(cap.f[0].data[35], 0);
}
END_TEST

START_TEST(test_icmp_bad_checksum_dropped_and_counted)
{
	uint8_t f[128];
	size_t n = fx_build_echo(f, 2, 1, 8, 1, 1, data16, sizeof(data16));
	f[n - 1] ^= 0x10;
	fx_feed(h, f, n, T);
	ck_assert_uint_eq(h->counters[TV_CNT_ICMP_BAD], 1);
	ck_assert_uint_eq(h->counters[TV_CNT_ICMP_ECHO], 0);
	ck_assert_uint_eq(cap.n, 0);
	ck_assert_uint_eq(fx_events_count(&ev, TV_EV_ICMP), 0);
	ck_assert_uint_eq(fx_events_count(&ev, TV_EV_DROP), 1);
}
END_TEST

START_TEST(test_icmp_shorter_than_header_dropped_and_counted)
{
	/* IP total length says 20 + k for k = 0..7: the message is cut short
	 * (its own checksum may even be right, e.g. for k = 0). */
	for (size_t k = 0; k < 8; k++) {
		uint8_t f[128];
		fx_build_echo(f, 2, 1, 8, 0, 0, NULL, 0);
		tv_put_be16(f + 16, (uint16_t)(20 + k));
		fx_ipv4_fix_csum(f);
		fx_feed(h, f, 34 + k, T);
		ck_assert_uint_eq(h->counters[TV_CNT_ICMP_BAD], k + 1);
	}
	ck_assert_uint_eq(cap.n, 0);
}
END_TEST

START_TEST(test_icmp_echo_reply_counted_and_reported)
{
	uint8_t f[128];
	size_t n = fx_build_echo(f, 2, 1, 0, 0x4242, 7, data16, 8);
	fx_feed(h, f, n, T + 3);
	ck_assert_uint_eq(h->counters[TV_CNT_ICMP_ECHO_REPLY], 1);
	ck_assert_uint_eq(cap.n, 0); /* replies are not answered */
	const struct tv_event *e = find_icmp(false);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->u.icmp.type, 0);
	ck_assert_uint_eq(e->u.icmp.id, 0x4242);
	ck_assert_uint_eq(e->u.icmp.seq, 7);
	ck_assert_uint_eq(e->u.icmp.saddr, FX_ADDR(2));
	ck_assert_uint_eq(e->u.icmp.daddr, FX_ADDR(1));
	ck_assert_uint_eq(e->time, T + 3);
}
END_TEST

START_TEST(test_icmp_other_types_counted_and_ignored)
{
	static const uint8_t types[] = {3, 5, 11, 13, 17, 255};
	uint8_t f[128];
	for (size_t i = 0; i < TV_ARRAY_LEN(types); i++) {
		size_t n = fx_build_echo(f, 2, 1, types[i], 0, 0, data16, 8);
		fx_feed(h, f, n, T);
	}
	ck_assert_uint_eq(h->counters[TV_CNT_ICMP_OTHER], TV_ARRAY_LEN(types));
	ck_assert_uint_eq(h->counters[TV_CNT_ICMP_BAD], 0);
	ck_assert_uint_eq(cap.n, 0);
	ck_assert_uint_eq(fx_events_count(&ev, TV_EV_ICMP), TV_ARRAY_LEN(types));
}
END_TEST

START_TEST(test_icmp_request_and_reply_events_both_directions)
{
	uint8_t f[128];
	size_t n = fx_build_echo(f, 2, 1, 8, 3, 4, data16, 8);
	fx_feed(h, f, n, T);
	const struct tv_event *in = find_icmp(false), *out = find_icmp(true);
	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(in->u.icmp.type, 8);
	ck_assert_uint_eq(out->u.icmp.type, 0);
	ck_assert_uint_eq(out->u.icmp.saddr, FX_ADDR(1));
	ck_assert_uint_eq(out->u.icmp.daddr, FX_ADDR(2));
	ck_assert_uint_eq(out->u.icmp.id, 3);
	ck_assert_uint_eq(out->u.icmp.seq, 4);
	ck_assert(in < out);
}
END_TEST

/* We cannot fragment the answer, so an oversized request is refused. */
START_TEST(test_icmp_request_larger_than_mtu_not_answered)
{
	static uint8_t f[14 + 1500], data[1000];
	h->cfg.mtu = 576;
	size_t n = fx_build_echo(f, 2, 1, 8, 1, 1, data, sizeof(data));
	fx_feed(h, f, n, T);
	ck_assert_uint_eq(cap.n, 0);
	ck_assert_uint_eq(h->counters[TV_CNT_ICMP_BAD], 1);
	n = fx_build_echo(f, 2, 1, 8, 1, 1, data, 576 - 28);
	fx_feed(h, f, n, T);
	ck_assert_uint_eq(cap.n, 1);
}
END_TEST

START_TEST(test_icmp_send_echo_builds_request)
{
	ck_assert_int_eq(icmp_send_echo(h, FX_ADDR(2), 0x1111, 0x2222, data16, 5, T + 9), 0);
	ck_assert_uint_eq(cap.n, 1);
	const uint8_t *m = cap.f[0].data + 34;
	ck_assert_uint_eq(cap.f[0].len, 34 + 8 + 5);
	ck_assert_uint_eq(m[0], 8);
	ck_assert_uint_eq(m[1], 0);
	ck_assert_uint_eq(tv_get_be16(m + 4), 0x1111);
	ck_assert_uint_eq(tv_get_be16(m + 6), 0x2222);
	ck_assert_mem_eq(m + 8, data16, 5);
	ck_assert(fx_csum_ok(m, 8 + 5));
	ck_assert_uint_eq(cap.f[0].when, T + 9);
	const struct tv_event *out = find_icmp(true);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(out->u.icmp.type, 8);
}
END_TEST

START_TEST(test_icmp_send_echo_larger_than_mtu_rejected)
{
	static uint8_t data[1500];
	ck_assert_int_eq(icmp_send_echo(h, FX_ADDR(2), 1, 1, data, 1473, T), TV_EMSGSIZE);
	ck_assert_uint_eq(cap.n, 0);
	ck_assert_int_eq(icmp_send_echo(h, FX_ADDR(2), 1, 1, data, 1472, T), 0);
	ck_assert_uint_eq(cap.f[0].len, 14 + 1500);
}
END_TEST

START_TEST(test_icmp_send_echo_off_link_fails_with_no_route)
{
	ck_assert_int_eq(icmp_send_echo(h, 0x0a000202u, 1, 1, NULL, 0, T), TV_EUNREACH);
	ck_assert_uint_eq(h->counters[TV_CNT_IP_NO_ROUTE], 1);
	ck_assert_uint_eq(cap.n, 0);
}
END_TEST

START_TEST(test_icmp_ping_between_two_hosts_over_a_queue)
{
	struct fx_net net;
	struct fx_events evb;
	fx_events_init(&evb);
	fx_net_init(&net, T);
	struct host *a = fx_net_add(&net, 1, NULL);
	struct host_config cfg;
	fx_config(&cfg, 2, NULL, &evb.bus);
	struct host *b = fx_net_add(&net, 2, &cfg);
	fx_net_deliver(&net);

	for (uint16_t seq = 1; seq <= 3; seq++) {
		ck_assert_int_eq(icmp_send_echo(a, FX_ADDR(2), 77, seq, data16, 16, net.now), 0);
		fx_net_run(&net, net.now + TV_SEC(1));
	}
	ck_assert_uint_eq(b->counters[TV_CNT_ICMP_ECHO], 3);
	ck_assert_uint_eq(a->counters[TV_CNT_ICMP_ECHO_REPLY], 3);
	/* One ARP exchange, then straight IP: 2 announcements, request,
	 * reply, and 3 x (echo, echo reply). */
	ck_assert_uint_eq(net.delivered, 2 + 2 + 6);
	ck_assert_uint_eq(a->counters[TV_CNT_ARP_TIMEOUT], 0);
	/* Nothing was dropped anywhere: only traffic counters moved (each
	 * host ignored the other's announcement: arp.not_us). */
	static const enum tv_counter traffic[] = {
		TV_CNT_ETH_RX, TV_CNT_ETH_TX, TV_CNT_ARP_RX, TV_CNT_ARP_NOT_US, TV_CNT_IP_RX,
		TV_CNT_IP_TX, TV_CNT_ICMP_ECHO, TV_CNT_ICMP_ECHO_REPLY, TV_CNT_COUNT,
	};
	uint64_t zero[TV_CNT_COUNT] = {0};
	ck_assert_uint_eq(fx_other_rises(a, zero, traffic), 0);
	ck_assert_uint_eq(fx_other_rises(b, zero, traffic), 0);
	ck_assert_uint_eq(a->counters[TV_CNT_ARP_NOT_US], 1);
	ck_assert_uint_eq(fx_events_count(&evb, TV_EV_ICMP), 6);
	fx_net_fini(&net);
	fx_events_fini(&evb);
}
END_TEST

START_TEST(test_icmp_ping_to_absent_host_times_out_in_arp)
{
	struct fx_net net;
	fx_net_init(&net, T);
	struct host *a = fx_net_add(&net, 1, NULL);
	ck_assert_int_eq(icmp_send_echo(a, FX_ADDR(9), 1, 1, NULL, 0, net.now), 0);
	fx_net_run(&net, TV_NEVER);
	ck_assert_uint_eq(a->counters[TV_CNT_ARP_TIMEOUT], 1);
	ck_assert_uint_eq(net.now, T + TV_SEC(3));
	ck_assert_uint_eq(host_next_deadline(a), TV_NEVER);
	fx_net_fini(&net);
}
END_TEST

static Suite *icmp_suite(void)
{
	Suite *s = suite_create("icmp");
	TCase *tc = tcase_create("icmp");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_icmp_echo_request_answered_with_same_id_seq_and_data);
	tcase_add_test(tc, test_icmp_echo_with_odd_length_data_answered_with_valid_checksum);
	tcase_add_test(tc, test_icmp_echo_request_with_nonzero_code_still_answered_with_code_0);
	tcase_add_test(tc, test_icmp_bad_checksum_dropped_and_counted);
	tcase_add_test(tc, test_icmp_shorter_than_header_dropped_and_counted);
	tcase_add_test(tc, test_icmp_echo_reply_counted_and_reported);
	tcase_add_test(tc, test_icmp_other_types_counted_and_ignored);
	tcase_add_test(tc, test_icmp_request_and_reply_events_both_directions);
	tcase_add_test(tc, test_icmp_request_larger_than_mtu_not_answered);
	tcase_add_test(tc, test_icmp_send_echo_builds_request);
	tcase_add_test(tc, test_icmp_send_echo_larger_than_mtu_rejected);
	tcase_add_test(tc, test_icmp_send_echo_off_link_fails_with_no_route);
	tcase_add_test(tc, test_icmp_ping_between_two_hosts_over_a_queue);
	tcase_add_test(tc, test_icmp_ping_to_absent_host_times_out_in_arp);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(icmp_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
