/*
 * check_host.c - struct host: defaults, lifetime, the gratuitous ARP at
 * start, event stamping, drops, dotted quads, and a seeded fuzz run that
 * feeds ~100k mutated frames and checks that counters only rise.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/checksum.h"
#include "core/host.h"
#include "core/ipv4.h"
#include "l3_fixture.h"

START_TEST(test_host_config_defaults_match_header)
{
	struct host_config c;
	memset(&c, 0xa5, sizeof(c));
	host_config_default(&c);
	ck_assert_uint_eq(c.mtu, 1500);
	ck_assert_uint_eq(c.ttl, 64);
	ck_assert_uint_eq(c.prefix_len, 24);
	ck_assert_uint_eq(c.arp_ttl, TV_SEC(60));
	ck_assert_uint_eq(c.arp_retry, TV_SEC(1));
	ck_assert_uint_eq(c.arp_retries, 3);
	ck_assert_uint_eq(c.arp_cache_max, 64);
	ck_assert_uint_eq(c.arp_pending_max, 8);
	ck_assert_uint_eq(c.max_conns, 65536);
	ck_assert_uint_eq(c.backlog_default, 128);
	ck_assert_uint_eq(c.addr, 0);
	ck_assert_str_eq(c.name, "");
	ck_assert_ptr_null(c.tx);
	ck_assert_ptr_null(c.bus);
	ck_assert_uint_eq(c.seed, 0);
}
END_TEST

START_TEST(test_host_config_tcp_defaults_match_header)
{
	struct host_config c;
	host_config_default(&c);
	const struct tcp_params *p = &c.tcp;
	ck_assert_uint_eq(p->msl, TV_SEC(120));
	ck_assert_uint_eq(p->rto_initial, TV_SEC(1));
	ck_assert_uint_eq(p->rto_min, TV_SEC(1));
	ck_assert_uint_eq(p->rto_max, TV_SEC(60));
	ck_assert_uint_eq(p->syn_retries, 6);
	ck_assert_uint_eq(p->data_retries, 15);
	ck_assert(!p->keepalive);
	ck_assert_uint_eq(p->keepalive_idle, TV_SEC(7200));
	ck_assert_uint_eq(p->keepalive_intvl, TV_SEC(75));
	ck_assert_uint_eq(p->keepalive_count, 10);
	ck_assert(p->delayed_ack);
	ck_assert_uint_eq(p->delack_timeout, TV_MSEC(200));
	ck_assert(p->nagle);
	ck_assert(p->window_scaling);
	ck_assert_uint_eq(p->mss, 0);
	ck_assert_uint_eq(p->rcvbuf, 256 * 1024);
	ck_assert_uint_eq(p->sndbuf, 256 * 1024);
	ck_assert_uint_eq(p->ooo_max, 256 * 1024);
	ck_assert_uint_eq(p->persist_min, TV_SEC(1));
	ck_assert_uint_eq(p->persist_max, TV_SEC(60));
	ck_assert_uint_eq(p->fin_wait_2, TV_SEC(60));
	ck_assert_uint_eq(p->challenge_acks_per_sec, 10);
}
END_TEST

START_TEST(test_host_new_sends_gratuitous_arp_at_now)
{
	struct fx_cap cap = {0};
	struct host_config cfg;
	fx_config(&cfg, 1, &cap, NULL);
	struct host *h = host_new(&cfg, 1, FX_T0);
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(cap.n, 1);
	const struct fx_frame *fr = &cap.f[0];
	ck_assert_uint_eq(fr->when, FX_T0);
	ck_assert_uint_eq(fr->len, 42); /* not padded to 60 */
	ck_assert_mem_eq(fr->data, fx_bcast, 6);
	ck_assert_mem_eq(fr->data + 6, cfg.mac, 6);
	ck_assert_uint_eq(fx_ethertype(fr), TV_ETHERTYPE_ARP);
	ck_assert_uint_eq(fx_arp_op(fr), 1);
	const uint8_t *a = fr->data + 14;
	ck_assert_mem_eq(a + 8, cfg.mac, 6);
	ck_assert_uint_eq(tv_get_be32(a + 14), cfg.addr);
	ck_assert_uint_eq(tv_get_be32(a + 24), cfg.addr);
	const uint8_t zero[6] = {0};
	ck_assert_mem_eq(a + 18, zero, 6);
	ck_assert_uint_eq(h->counters[TV_CNT_ETH_TX], 1);
	host_free(h);
	fx_cap_free(&cap);
}
END_TEST

START_TEST(test_host_new_without_address_sends_nothing)
{
	struct fx_cap cap = {0};
	struct host_config cfg;
	fx_config(&cfg, 1, &cap, NULL);
	cfg.addr = 0;
	struct host *h = host_new(&cfg, 1, FX_T0);
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(cap.n, 0);
	host_free(h);
	fx_cap_free(&cap);
}
END_TEST

START_TEST(test_host_new_rejects_unusable_config)
{
	struct host_config cfg;
	fx_config(&cfg, 1, NULL, NULL);
	cfg.mtu = 67;
	ck_assert_ptr_null(host_new(&cfg, 1, 0));
	cfg.mtu = TV_MTU_MAX + 1;
	ck_assert_ptr_null(host_new(&cfg, 1, 0));
	cfg.mtu = 1500;
	cfg.prefix_len = 33;
	ck_assert_ptr_null(host_new(&cfg, 1, 0));
	cfg.prefix_len = 24;
	cfg.arp_cache_max = 0;
	ck_assert_ptr_null(host_new(&cfg, 1, 0));
	cfg.arp_cache_max = 1;
	cfg.mtu = 68;
	struct host *h = host_new(&cfg, 1, 0);
	ck_assert_ptr_nonnull(h);
	host_free(h);
}
END_TEST

START_TEST(test_host_new_copies_config_and_id)
{
	struct host_config cfg;
	fx_config(&cfg, 2, NULL, NULL);
	struct host *h = host_new(&cfg, 7, FX_T0);
	cfg.addr = 0; /* the host keeps its own copy */
	ck_assert_uint_eq(h->id, 7);
	ck_assert_uint_eq(h->cfg.addr, FX_ADDR(2));
	ck_assert_uint_eq(h->now, FX_T0);
	for (int i = 0; i < TV_CNT_COUNT; i++)
		if (i != TV_CNT_ETH_TX)
			ck_assert_uint_eq(h->counters[i], 0);
	host_free(h);
}
END_TEST

START_TEST(test_host_same_seed_same_ip_id)
{
	struct host_config cfg;
	fx_config(&cfg, 1, NULL, NULL);
	cfg.seed = 99;
	struct host *a = host_new(&cfg, 1, 0), *b = host_new(&cfg, 2, 0);
	ck_assert_uint_eq(a->ip_id, b->ip_id);
	ck_assert_uint_eq(tv_rng_next(&a->rng), tv_rng_next(&b->rng));
	host_free(a);
	host_free(b);
}
END_TEST

START_TEST(test_host_free_null_is_noop)
{
	host_free(NULL);
}
END_TEST

START_TEST(test_host_input_and_poll_advance_now)
{
	struct host *h = fx_host(1, NULL, NULL);
	uint8_t f[14] = {0};
	host_input(h, f, sizeof(f), FX_T0 + 5);
	ck_assert_uint_eq(h->now, FX_T0 + 5);
	host_poll(h, FX_T0 + 9);
	ck_assert_uint_eq(h->now, FX_T0 + 9);
	host_free(h);
}
END_TEST

START_TEST(test_host_next_deadline_never_when_idle)
{
	struct host *h = fx_host(1, NULL, NULL);
	ck_assert_uint_eq(host_next_deadline(h), TV_NEVER);
	host_free(h);
}
END_TEST

START_TEST(test_host_next_deadline_includes_arp_retry)
{
	struct fx_cap cap = {0};
	struct host *h = fx_host(1, &cap, NULL);
	uint8_t buf[TV_HDR_ROOM + 8] = {0};
	ck_assert_int_eq(ipv4_output(h, buf, 8, FX_ADDR(2), TV_IPPROTO_ICMP, FX_T0), 0);
	ck_assert_uint_eq(arp_next_deadline(h), FX_T0 + TV_SEC(1));
	ck_assert_uint_le(host_next_deadline(h), FX_T0 + TV_SEC(1));
	host_free(h);
	fx_cap_free(&cap);
}
END_TEST

START_TEST(test_host_emit_stamps_host_id_and_time)
{
	struct fx_events ev;
	fx_events_init(&ev);
	struct host *h = fx_host(3, NULL, &ev.bus);
	ev.n = 0;
	h->now = FX_T0 + 77;
	struct tv_event e = {.type = TV_EV_NOTE};
	host_emit(h, &e);
	ck_assert_uint_eq(ev.n, 1);
	ck_assert_uint_eq(ev.ev[0].host, 3);
	ck_assert_uint_eq(ev.ev[0].time, FX_T0 + 77);
	host_free(h);
	fx_events_fini(&ev);
}
END_TEST

START_TEST(test_host_emit_skipped_when_bus_has_no_sinks)
{
	struct tv_bus bus;
	tv_bus_init(&bus);
	struct host *h = fx_host(1, NULL, &bus);
	struct tv_event e = {.type = TV_EV_NOTE};
	host_emit(h, &e);
	host_drop(h, TV_CNT_IP_TTL, TV_RULE_NONE, NULL);
	ck_assert_uint_eq(bus.emitted, 0);
	ck_assert_uint_eq(h->counters[TV_CNT_IP_TTL], 1);
	host_free(h);
	tv_bus_fini(&bus);
}
END_TEST

START_TEST(test_host_drop_counts_and_emits_drop_event)
{
	struct fx_events ev;
	fx_events_init(&ev);
	struct host *h = fx_host(1, NULL, &ev.bus);
	ev.n = 0;
	struct tv_seg_info seg = {.sport = 1234, .dport = 80};
	host_drop(h, TV_CNT_TCP_BAD_CSUM, TV_RULE_BAD_CHECKSUM, &seg);
	host_drop(h, TV_CNT_IP_FRAG, TV_RULE_NONE, NULL);
	ck_assert_uint_eq(h->counters[TV_CNT_TCP_BAD_CSUM], 1);
	ck_assert_uint_eq(h->counters[TV_CNT_IP_FRAG], 1);
	ck_assert_uint_eq(ev.n, 2);
	ck_assert_int_eq(ev.ev[0].type, TV_EV_DROP);
	ck_assert_int_eq(ev.ev[0].rule, TV_RULE_BAD_CHECKSUM);
	ck_assert_int_eq(ev.ev[0].u.drop.counter, TV_CNT_TCP_BAD_CSUM);
	ck_assert(ev.ev[0].u.drop.has_seg);
	ck_assert_uint_eq(ev.ev[0].u.drop.seg.dport, 80);
	ck_assert(!ev.ev[1].u.drop.has_seg);
	ck_assert_int_eq(ev.ev[1].u.drop.counter, TV_CNT_IP_FRAG);
	host_free(h);
	fx_events_fini(&ev);
}
END_TEST

START_TEST(test_ip_str_formats_dotted_quad)
{
	char buf[16];
	ck_assert_str_eq(tv_ip_str(0, buf), "0.0.0.0");
	ck_assert_str_eq(tv_ip_str(0xffffffffu, buf), "255.255.255.255");
	ck_assert_str_eq(tv_ip_str(0x0a000001u, buf), "10.0.0.1");
	ck_assert_str_eq(tv_ip_str(0xc0a86407u, buf), "192.168.100.7");
	ck_assert_str_eq(tv_ip_str(0x01020a63u, buf), "1.2.10.99");
	ck_assert_ptr_eq(tv_ip_str(1, buf), buf);
}
END_TEST

START_TEST(test_ip_parse_accepts_four_decimal_octets)
{
	uint32_t a = 1;
	ck_assert_int_eq(tv_ip_parse("0.0.0.0", &a), 0);
	ck_assert_uint_eq(a, 0);
	ck_assert_int_eq(tv_ip_parse("255.255.255.255", &a), 0);
	ck_assert_uint_eq(a, 0xffffffffu);
	ck_assert_int_eq(tv_ip_parse("10.0.0.2", &a), 0);
	ck_assert_uint_eq(a, 0x0a000002u);
	ck_assert_int_eq(tv_ip_parse("192.168.1.200", &a), 0);
	ck_assert_uint_eq(a, 0xc0a801c8u);
}
END_TEST

START_TEST(test_ip_parse_rejects_junk)
{
	static const char *const bad[] = {
		"", ".", "1.2.3", "1.2.3.4.", "1.2.3.4.5", "1.2.3.4 ", " 1.2.3.4",
		"256.0.0.1", "1.2.3.256", "01.2.3.4", "1.2.3.00", "1..2.3", "a.b.c.d",
		"1.2.3.-4", "+1.2.3.4", "1.2.3.4x", "1234.1.1.1", "1.2.3.0004",
		"1,2,3,4", "0x1.2.3.4", "1.2.3.4\n", "999.1.1.1",
	};
	for (size_t i = 0; i < TV_ARRAY_LEN(bad); i++) {
		uint32_t a = 42;
		ck_assert_msg(tv_ip_parse(bad[i], &a) == TV_EINVAL, "accepted \"%s\"", bad[i]);
		ck_assert_uint_eq(a, 42);
	}
	uint32_t a;
	ck_assert_int_eq(tv_ip_parse(NULL, &a), TV_EINVAL);
}
END_TEST

START_TEST(test_ip_str_parse_round_trip)
{
	struct tv_rng r;
	tv_rng_seed(&r, 5);
	char buf[16];
	for (int i = 0; i < 10000; i++) {
		uint32_t a = (uint32_t)tv_rng_next(&r), b = 0;
		ck_assert_int_eq(tv_ip_parse(tv_ip_str(a, buf), &b), 0);
		ck_assert_uint_eq(a, b);
	}
}
END_TEST

/* ---- fuzz: seeded mutations of valid frames ------------------------- */

/* Valid frames of every kind the host understands, as mutation seeds. */
static size_t fuzz_seeds(uint8_t seeds[][128], size_t *lens)
{
	uint8_t m1[6], m2[6], tha[6] = {0};
	fx_mac(m1, 1);
	fx_mac(m2, 2);
	uint8_t data[20] = "abcdefghijklmnopqrs";
	uint8_t tcp[20] = {0x30, 0x39, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff};
	size_t n = 0;
	lens[n] = fx_build_arp(seeds[n], fx_bcast, 1, m2, FX_ADDR(2), tha, FX_ADDR(1)), n++;
	lens[n] = fx_build_arp(seeds[n], m1, 2, m2, FX_ADDR(2), m1, FX_ADDR(1)), n++;
	lens[n] = fx_build_arp(seeds[n], fx_bcast, 1, m2, FX_ADDR(2), tha, FX_ADDR(2)), n++;
	lens[n] = fx_build_echo(seeds[n], 2, 1, 8, 1, 1, data, sizeof(data)), n++;
	lens[n] = fx_build_echo(seeds[n], 2, 1, 0, 1, 1, data, 3), n++;
	lens[n] = fx_build_ipv4(seeds[n], 2, 1, TV_IPPROTO_TCP, tcp, sizeof(tcp)), n++;
	lens[n] = fx_build_ipv4(seeds[n], 2, 1, 17, data, 8), n++;
	return n;
}

/* One mutation: flip bits, overwrite bytes, truncate, extend with junk or
 * randomise everything; with p = 1/2 the IPv4 header checksum is then
 * repaired so mutations reach ICMP and TCP too. */
static size_t fuzz_mutate(struct tv_rng *r, uint8_t *f, size_t len)
{
	switch (tv_rng_below(r, 5)) {
	case 0:
		for (uint64_t k = 1 + tv_rng_below(r, 8); k > 0; k--)
			f[tv_rng_below(r, len)] ^= (uint8_t)(1u << tv_rng_below(r, 8));
		break;
	case 1:
		for (uint64_t k = 1 + tv_rng_below(r, 4); k > 0; k--)
			f[tv_rng_below(r, len)] = (uint8_t)tv_rng_next(r);
		break;
	case 2:
		len = (size_t)tv_rng_below(r, len + 1);
		break;
	case 3: {
		size_t more = (size_t)tv_rng_below(r, 128 - len + 1);
		for (size_t i = len; i < len + more; i++)
			f[i] = (uint8_t)tv_rng_next(r);
		len += more;
		break;
	}
	default:
		len = (size_t)tv_rng_below(r, 129);
		for (size_t i = 14; i < len; i++)
			f[i] = (uint8_t)tv_rng_next(r);
		break;
	}
	if (len >= 34 && tv_get_be16(f + 12) == TV_ETHERTYPE_IPV4 && (f[14] & 0xf) >= 5 &&
	    14 + (size_t)(f[14] & 0xf) * 4 <= len && tv_rng_below(r, 2))
		fx_ipv4_fix_csum(f);
	return len;
}

START_TEST(test_host_survives_100k_mutated_frames_counters_only_rise)
{
	struct fx_cap cap = {0};
	struct fx_events ev;
	fx_events_init(&ev);
	struct host *h = fx_host(1, &cap, (_i & 1) ? &ev.bus : NULL);
	uint8_t seeds[8][128], f[128];
	size_t lens[8];
	size_t nseeds = fuzz_seeds(seeds, lens);
	struct tv_rng r;
	tv_rng_seed(&r, 20240601u + (uint64_t)_i);
	uint64_t before[TV_CNT_COUNT];
	tv_time now = FX_T0;

	for (int i = 0; i < 50000; i++) {
		size_t s = (size_t)tv_rng_below(&r, nseeds);
		memcpy(f, seeds[s], sizeof(f));
		size_t len = fuzz_mutate(&r, f, lens[s]);
		fx_snap(h, before);
		fx_feed(h, f, len, now);
		for (int c = 0; c < TV_CNT_COUNT; c++)
			ck_assert_uint_ge(h->counters[c], before[c]);
		ck_assert_uint_eq(h->counters[TV_CNT_ETH_RX], before[TV_CNT_ETH_RX] + 1);
		ck_assert_uint_le(arp_cache_size(h), h->cfg.arp_cache_max);
		now += tv_rng_below(&r, TV_MSEC(50));
		if (host_next_deadline(h) <= now)
			host_poll(h, now);
		if (cap.n > 1000)
			fx_cap_clear(&cap);
		ev.n = 0;
	}
	/* Every frame was either passed up or counted as a drop at some
	 * layer: the Ethernet drops plus what reached ARP and IPv4. */
	const uint64_t *k = h->counters;
	ck_assert_uint_eq(k[TV_CNT_ETH_RX], 50000);
	ck_assert_uint_eq(k[TV_CNT_ETH_SHORT] + k[TV_CNT_ETH_NOT_US] + k[TV_CNT_ETH_BAD_TYPE] +
				  k[TV_CNT_ARP_RX] + k[TV_CNT_IP_RX],
			  50000);
	ck_assert_uint_gt(k[TV_CNT_ICMP_ECHO], 0);
	ck_assert_uint_gt(k[TV_CNT_IP_BAD_CSUM], 0);
	ck_assert_uint_gt(k[TV_CNT_ARP_BAD], 0);
	host_free(h);
	fx_events_fini(&ev);
	fx_cap_free(&cap);
}
END_TEST

static Suite *host_suite(void)
{
	Suite *s = suite_create("host");
	TCase *tc = tcase_create("host");
	tcase_add_test(tc, test_host_config_defaults_match_header);
	tcase_add_test(tc, test_host_config_tcp_defaults_match_header);
	tcase_add_test(tc, test_host_new_sends_gratuitous_arp_at_now);
	tcase_add_test(tc, test_host_new_without_address_sends_nothing);
	tcase_add_test(tc, test_host_new_rejects_unusable_config);
	tcase_add_test(tc, test_host_new_copies_config_and_id);
	tcase_add_test(tc, test_host_same_seed_same_ip_id);
	tcase_add_test(tc, test_host_free_null_is_noop);
	tcase_add_test(tc, test_host_input_and_poll_advance_now);
	tcase_add_test(tc, test_host_next_deadline_never_when_idle);
	tcase_add_test(tc, test_host_next_deadline_includes_arp_retry);
	tcase_add_test(tc, test_host_emit_stamps_host_id_and_time);
	tcase_add_test(tc, test_host_emit_skipped_when_bus_has_no_sinks);
	tcase_add_test(tc, test_host_drop_counts_and_emits_drop_event);
	tcase_add_test(tc, test_ip_str_formats_dotted_quad);
	tcase_add_test(tc, test_ip_parse_accepts_four_decimal_octets);
	tcase_add_test(tc, test_ip_parse_rejects_junk);
	tcase_add_test(tc, test_ip_str_parse_round_trip);
	suite_add_tcase(s, tc);

	/* Two runs of 50k frames: without and with an event sink. */
	TCase *fz = tcase_create("fuzz");
	tcase_set_timeout(fz, 300); /* a hang guard, not a time limit */
	tcase_add_loop_test(fz, test_host_survives_100k_mutated_frames_counters_only_rise, 0, 2);
	suite_add_tcase(s, fz);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(host_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
