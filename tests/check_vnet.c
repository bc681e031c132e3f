/*
 * check_vnet.c - the TAP link's offloads (src/host/vnet.c): a TSO
 * super-frame from the kernel comes apart into the segments it stands
 * for, each a valid frame; partial checksums are finished; on the way
 * out, consecutive segments merge into one super-frame which, taken
 * apart again, gives back the very segments that went in; what must not
 * merge does not, and order is kept.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/checksum.h"
#include "host/vnet.h"

enum { FIN = 0x01, SYN = 0x02, PSH = 0x08, ACK = 0x10, CWR = 0x80 };
#define HL (14 + 20 + 20)

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Ethernet + IPv4 + TCP headers for a segment of len payload bytes. */
static void headers(uint8_t *f, uint32_t seq, uint32_t ack, uint8_t flags, size_t len)
{
	static const uint8_t macs[12] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2};
	uint8_t *ip = f + 14, *th = f + 34;

	memset(f, 0, HL);
	memcpy(f, macs, 12);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(40 + len));
	put16(ip + 4, 100);
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = 6;
	put32(ip + 12, 0x0a000001);
	put32(ip + 16, 0x0a000002);
	put16(th, 40000);
	put16(th + 2, 9);
	put32(th + 4, seq);
	put32(th + 8, ack);
	th[12] = 5 << 4;
	th[13] = flags;
	put16(th + 14, 512);
}

static void checksums(uint8_t *f, size_t len)
{
	uint16_t c;

	f[24] = f[25] = 0;
	c = tv_csum_finish(tv_csum_add(0, f + 14, 20));
	memcpy(f + 24, &c, 2);
	f[50] = f[51] = 0;
	c = tv_csum_finish(tv_csum_add(tv_csum_pseudo(0x0a000001, 0x0a000002, 6,
						      (uint16_t)(len - 34)),
				       f + 34, len - 34));
	memcpy(f + 50, &c, 2);
}

/* A whole valid segment; payload byte i of the stream is (seq + i) & 0xff. */
static size_t segment(uint8_t *f, uint32_t seq, uint32_t ack, uint8_t flags, size_t len)
{
	headers(f, seq, ack, flags, len);
	for (size_t i = 0; i < len; i++)
		f[HL + i] = (uint8_t)(seq + i);
	checksums(f, HL + len);
	return HL + len;
}

static bool valid(const uint8_t *f, size_t len)
{
	return tv_csum_finish(tv_csum_add(0, f + 14, 20)) == 0 &&
	       tv_csum_finish(tv_csum_add(tv_csum_pseudo(get32(f + 26), get32(f + 30), 6,
							 (uint16_t)(len - 34)),
					  f + 34, len - 34)) == 0;
}

/* ---- what vnet_rx emits ---- */

#define OUT_MAX 128
struct out {
	uint8_t *f[OUT_MAX];
	size_t len[OUT_MAX];
	int n;
};

static void collect(void *ctx, const uint8_t *frame, size_t len)
{
	struct out *o = ctx;

	ck_assert_int_lt(o->n, OUT_MAX);
	o->f[o->n] = malloc(len);
	memcpy(o->f[o->n], frame, len);
	o->len[o->n++] = len;
}

static void out_free(struct out *o)
{
	for (int i = 0; i < o->n; i++)
		free(o->f[i]);
	o->n = 0;
}

/* A super-frame as the kernel hands it over: TSO4, partial checksum. */
static size_t super(uint8_t *buf, uint32_t seq, uint8_t flags, size_t len, uint16_t gso)
{
	struct vnet_hdr h = {.flags = VNET_F_NEEDS_CSUM, .gso_type = VNET_GSO_TCPV4,
			     .hdr_len = HL, .gso_size = gso, .csum_start = 34, .csum_offset = 16};
	uint8_t *f = buf + VNET_HDR_LEN;

	segment(f, seq, 7, flags, len);
	f[50] = f[51] = 0xee; /* partial: whatever the kernel left there */
	vnet_hdr_put(buf, &h);
	return VNET_HDR_LEN + HL + len;
}

START_TEST(test_rx_super_frame_becomes_its_segments)
{
	static uint8_t buf[VNET_BUF];
	struct out o = {0};
	size_t n = super(buf, 1000, ACK | PSH | FIN | CWR, 10000, 1448);

	ck_assert_int_eq(vnet_rx(buf, n, collect, &o), 7);
	ck_assert_int_eq(o.n, 7);
	for (int i = 0; i < o.n; i++) {
		size_t want = i < 6 ? 1448 : 10000 - 6 * 1448;
		uint8_t fl = o.f[i][47];
		ck_assert_uint_eq(o.len[i], HL + want);
		ck_assert_msg(valid(o.f[i], o.len[i]), "segment %d has a bad checksum", i);
		ck_assert_uint_eq(get32(o.f[i] + 38), 1000 + (uint32_t)i * 1448);
		ck_assert_uint_eq((o.f[i][18] << 8 | o.f[i][19]), 100 + i);
		ck_assert_int_eq(!!(fl & (FIN | PSH)), i == 6);
		ck_assert_int_eq(!!(fl & CWR), i == 0);
		ck_assert(fl & ACK);
		for (size_t k = 0; k < want; k++)
			ck_assert_uint_eq(o.f[i][HL + k], (uint8_t)(1000 + i * 1448 + k));
	}
	out_free(&o);
}
END_TEST

START_TEST(test_rx_partial_checksum_finished)
{
	static uint8_t buf[VNET_BUF];
	struct out o = {0};
	size_t n = super(buf, 5, ACK, 300, 0);
	uint8_t *f = buf + VNET_HDR_LEN;
	uint32_t ph = tv_csum_pseudo(0x0a000001, 0x0a000002, 6, 320);
	uint16_t c = (uint16_t)~tv_csum_finish(ph);

	buf[1] = VNET_GSO_NONE;
	memcpy(f + 50, &c, 2); /* the pseudo-header's sum, as the kernel leaves it */
	ck_assert_int_eq(vnet_rx(buf, n, collect, &o), 1);
	ck_assert_uint_eq(o.len[0], HL + 300);
	ck_assert(valid(o.f[0], o.len[0]));
	out_free(&o);
}
END_TEST

START_TEST(test_rx_plain_frame_untouched)
{
	static uint8_t buf[VNET_BUF];
	struct out o = {0};
	size_t n = VNET_HDR_LEN + segment(buf + VNET_HDR_LEN, 9, 9, ACK, 100);

	memset(buf, 0, VNET_HDR_LEN);
	ck_assert_int_eq(vnet_rx(buf, n, collect, &o), 1);
	ck_assert_int_eq(memcmp(o.f[0], buf + VNET_HDR_LEN, n - VNET_HDR_LEN), 0);
	out_free(&o);
}
END_TEST

START_TEST(test_rx_malformed_emits_nothing)
{
	static uint8_t buf[VNET_BUF];
	struct out o = {0};
	size_t n = super(buf, 1, ACK, 5000, 1448);

	ck_assert_int_eq(vnet_rx(buf, 8, collect, &o), -1);          /* no header */
	ck_assert_int_eq(vnet_rx(buf, n - 100, collect, &o), -1);    /* cut short */
	buf[1] = 4;                                                  /* UDP: not offered */
	ck_assert_int_eq(vnet_rx(buf, n, collect, &o), -1);
	n = super(buf, 1, ACK, 5000, 0);                             /* no segment size */
	ck_assert_int_eq(vnet_rx(buf, n, collect, &o), -1);
	buf[1] = VNET_GSO_NONE;
	buf[6] = 0xff;                                               /* csum_start past the end */
	buf[7] = 0xff;
	ck_assert_int_eq(vnet_rx(buf, n, collect, &o), -1);
	ck_assert_int_eq(o.n, 0);
}
END_TEST

/* ---- out ---- */

struct written {
	uint8_t buf[VNET_BUF];
	size_t len;
	int n;
	struct out seg;  /* each write taken apart again */
	bool fail;
};

static int take(void *ctx, const uint8_t *hdr, const uint8_t *frame, size_t len)
{
	struct written *w = ctx;

	if (w->fail)
		return -1;
	memcpy(w->buf, hdr, VNET_HDR_LEN);
	memcpy(w->buf + VNET_HDR_LEN, frame, len);
	w->len = VNET_HDR_LEN + len;
	w->n++;
	ck_assert_int_gt(vnet_rx(w->buf, w->len, collect, &w->seg), 0);
	return 0;
}

START_TEST(test_tx_merges_and_round_trips)
{
	static struct vnet_tx tx;
	static struct written w;
	static uint8_t seg[8][HL + 1448];
	size_t len[8];
	uint32_t seq = 5000;

	memset(&w, 0, sizeof(w));
	vnet_tx_init(&tx);
	for (int i = 0; i < 8; i++) {
		size_t l = i < 7 ? 1448 : 300;
		len[i] = segment(seg[i], seq, 77, i < 7 ? ACK : ACK | PSH, l);
		seq += (uint32_t)l;
		ck_assert_int_eq(vnet_tx_add(&tx, seg[i], len[i], take, &w), 0);
	}
	ck_assert_int_eq(w.n, 0); /* all kept back for the batch's end */
	ck_assert_int_eq(vnet_tx_flush(&tx, take, &w), 0);
	ck_assert_int_eq(w.n, 1);
	ck_assert_uint_eq(w.buf[1], VNET_GSO_TCPV4);
	ck_assert_uint_eq(tx.st.super, 1);
	ck_assert_uint_eq(tx.st.merged, 8);
	ck_assert_int_eq(w.seg.n, 8);
	for (int i = 0; i < 8; i++) {
		/* Only the IP id may differ: the kernel numbers the pieces. */
		ck_assert_uint_eq(w.seg.len[i], len[i]);
		ck_assert(valid(w.seg.f[i], w.seg.len[i]));
		ck_assert_int_eq(memcmp(w.seg.f[i] + 34, seg[i] + 34, len[i] - 34), 0);
	}
	out_free(&w.seg);
}
END_TEST

START_TEST(test_tx_does_not_merge_what_differs)
{
	static struct vnet_tx tx;
	static struct written w;
	static uint8_t f[HL + 1448];

	memset(&w, 0, sizeof(w));
	vnet_tx_init(&tx);
	vnet_tx_add(&tx, f, segment(f, 100, 1, ACK, 1000), take, &w);
	vnet_tx_add(&tx, f, segment(f, 1100, 2, ACK, 1000), take, &w);  /* other ack */
	vnet_tx_add(&tx, f, segment(f, 5000, 2, ACK, 1000), take, &w);  /* a gap */
	vnet_tx_add(&tx, f, segment(f, 6000, 2, ACK, 1400), take, &w);  /* longer */
	vnet_tx_add(&tx, f, segment(f, 7400, 2, ACK | FIN, 10), take, &w);
	vnet_tx_add(&tx, f, segment(f, 7410, 2, SYN, 0), take, &w);
	vnet_tx_flush(&tx, take, &w);
	ck_assert_int_eq(w.n, 6);
	ck_assert_uint_eq(tx.st.super, 0);
	/* In the order they came. */
	ck_assert_uint_eq(get32(w.seg.f[0] + 38), 100);
	ck_assert_uint_eq(get32(w.seg.f[3] + 38), 6000);
	ck_assert_uint_eq(get32(w.seg.f[5] + 38), 7410);
	out_free(&w.seg);
}
END_TEST

START_TEST(test_tx_newer_ack_supersedes_older)
{
	static struct vnet_tx tx;
	static struct written w;
	static uint8_t f[HL];

	memset(&w, 0, sizeof(w));
	vnet_tx_init(&tx);
	vnet_tx_add(&tx, f, segment(f, 1, 1000, ACK, 0), take, &w);
	vnet_tx_add(&tx, f, segment(f, 1, 3000, ACK, 0), take, &w);
	vnet_tx_add(&tx, f, segment(f, 1, 5000, ACK, 0), take, &w);
	/* A duplicate ACK says something (fast retransmit): it stays. */
	vnet_tx_add(&tx, f, segment(f, 1, 5000, ACK, 0), take, &w);
	vnet_tx_flush(&tx, take, &w);
	ck_assert_int_eq(w.n, 2);
	ck_assert_uint_eq(tx.st.acks_skipped, 2);
	ck_assert_uint_eq(get32(w.seg.f[0] + 42), 5000);
	ck_assert_uint_eq(get32(w.seg.f[1] + 42), 5000);
	out_free(&w.seg);
}
END_TEST

START_TEST(test_tx_other_frames_pass_in_order)
{
	static struct vnet_tx tx;
	static struct written w;
	static uint8_t f[HL + 1448], arp[42];

	memset(&w, 0, sizeof(w));
	memset(arp, 0, sizeof(arp));
	arp[12] = 0x08;
	arp[13] = 0x06;
	vnet_tx_init(&tx);
	vnet_tx_add(&tx, f, segment(f, 100, 1, ACK, 1448), take, &w);
	ck_assert_int_eq(w.n, 0);
	vnet_tx_add(&tx, arp, sizeof(arp), take, &w);
	/* The pending segment went first, then the ARP frame, header zero. */
	ck_assert_int_eq(w.n, 2);
	ck_assert_uint_eq(w.len, VNET_HDR_LEN + sizeof(arp));
	for (int i = 0; i < VNET_HDR_LEN; i++)
		ck_assert_uint_eq(w.buf[i], 0);
	ck_assert_uint_eq(get32(w.seg.f[0] + 38), 100);
	w.fail = true;
	ck_assert_int_eq(vnet_tx_add(&tx, arp, sizeof(arp), take, &w), 1);
	out_free(&w.seg);
}
END_TEST

START_TEST(test_tx_super_frame_stays_under_64k)
{
	static struct vnet_tx tx;
	static struct written w;
	static uint8_t f[HL + 1448];
	uint32_t seq = 0;

	memset(&w, 0, sizeof(w));
	vnet_tx_init(&tx);
	for (int i = 0; i < 100; i++, seq += 1448)
		vnet_tx_add(&tx, f, segment(f, seq, 1, ACK, 1448), take, &w);
	vnet_tx_flush(&tx, take, &w);
	ck_assert_int_ge(w.n, 3);
	ck_assert_int_eq(w.seg.n, 100);
	for (int i = 0; i < 100; i++)
		ck_assert_uint_eq(get32(w.seg.f[i] + 38), (uint32_t)i * 1448);
	out_free(&w.seg);
}
END_TEST

static Suite *vnet_suite(void)
{
	Suite *s = suite_create("vnet");
	TCase *c = tcase_create("offloads");

	tcase_add_test(c, test_rx_super_frame_becomes_its_segments);
	tcase_add_test(c, test_rx_partial_checksum_finished);
	tcase_add_test(c, test_rx_plain_frame_untouched);
	tcase_add_test(c, test_rx_malformed_emits_nothing);
	tcase_add_test(c, test_tx_merges_and_round_trips);
	tcase_add_test(c, test_tx_does_not_merge_what_differs);
	tcase_add_test(c, test_tx_newer_ack_supersedes_older);
	tcase_add_test(c, test_tx_other_frames_pass_in_order);
	tcase_add_test(c, test_tx_super_frame_stays_under_64k);
	suite_add_tcase(s, c);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(vnet_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
