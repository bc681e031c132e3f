/*
 * vnet.c - taking TCP super-frames apart and putting them together (see
 * vnet.h).
 *
 * Cutting in place: segment k's headers are written into the bytes just
 * before its payload, over the tail of segment k-1, which emit has
 * already copied (wire_send copies).  So a 64 KiB super-frame becomes 45
 * segments without copying its payload.  Only IPv4 TCP is offloaded
 * (TUNSETOFFLOAD asks for TSO4 only), so only that needs cutting.
 */
#include "config.h"

#include <string.h>

#include "core/checksum.h"
#include "host/vnet.h"

enum { TH_FIN = 0x01, TH_SYN = 0x02, TH_RST = 0x04, TH_PSH = 0x08, TH_ACK = 0x10,
       TH_CWR = 0x80 };

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

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

void vnet_hdr_get(const uint8_t *p, struct vnet_hdr *h)
{
	/* Legacy virtio: the 16-bit fields are in the host's byte order. */
	h->flags = p[0];
	h->gso_type = p[1];
	memcpy(&h->hdr_len, p + 2, 2);
	memcpy(&h->gso_size, p + 4, 2);
	memcpy(&h->csum_start, p + 6, 2);
	memcpy(&h->csum_offset, p + 8, 2);
}

void vnet_hdr_put(uint8_t *p, const struct vnet_hdr *h)
{
	p[0] = h->flags;
	p[1] = h->gso_type;
	memcpy(p + 2, &h->hdr_len, 2);
	memcpy(p + 4, &h->gso_size, 2);
	memcpy(p + 6, &h->csum_start, 2);
	memcpy(p + 8, &h->csum_offset, 2);
}

/* Where the layers of an Ethernet/IPv4/TCP frame start. */
struct l34 {
	size_t l4, payload, end;  /* l3 is always 14 */
};

static bool parse_tcp4(const uint8_t *f, size_t len, struct l34 *o)
{
	const uint8_t *ip = f + 14;
	size_t ihl, tot, doff;

	if (len < 14 + 20 + 20 || get16(f + 12) != 0x0800 || ip[0] >> 4 != 4 || ip[9] != 6)
		return false;
	ihl = (size_t)(ip[0] & 0xf) * 4;
	tot = get16(ip + 2);
	if (ihl < 20 || tot < ihl + 20 || 14 + tot > len)
		return false;
	doff = (size_t)(f[14 + ihl + 12] >> 4) * 4;
	if (doff < 20 || ihl + doff > tot)
		return false;
	o->l4 = 14 + ihl;
	o->payload = o->l4 + doff;
	o->end = 14 + tot;
	return true;
}

static void ip_csum_set(uint8_t *f, size_t l4)
{
	uint16_t c;

	f[24] = f[25] = 0;
	c = tv_csum_finish(tv_csum_add(0, f + 14, l4 - 14));
	memcpy(f + 24, &c, 2);
}

static void tcp_csum_set(uint8_t *f, size_t l4, size_t end)
{
	uint32_t s = tv_csum_pseudo(get32(f + 26), get32(f + 30), 6, (uint16_t)(end - l4));
	uint16_t c;

	f[l4 + 16] = f[l4 + 17] = 0;
	c = tv_csum_finish(tv_csum_add(s, f + l4, end - l4));
	memcpy(f + l4 + 16, &c, 2);
}

/* A partial checksum: the field holds the pseudo-header's sum; sum from
 * csum_start to the end and store the result (what the NIC would do). */
static bool csum_finish(uint8_t *f, size_t len, const struct vnet_hdr *h)
{
	size_t at = (size_t)h->csum_start + h->csum_offset;
	uint16_t c;

	if (h->csum_start >= len || at + 2 > len)
		return false;
	c = tv_csum_finish(tv_csum_add(0, f + h->csum_start, len - h->csum_start));
	memcpy(f + at, &c, 2);
	return true;
}

/* Segment k (payload bytes off..off+seg) with the saved headers hdr. */
static void cut_one(uint8_t *p, const uint8_t *hdr, const struct l34 *o, size_t off, size_t seg,
		    unsigned k, bool last)
{
	size_t hl = o->payload;
	uint8_t fl = hdr[o->l4 + 13];

	memcpy(p, hdr, hl);
	put16(p + 16, (uint16_t)(hl - 14 + seg));
	put16(p + 18, (uint16_t)(get16(hdr + 18) + k));
	put32(p + o->l4 + 4, get32(hdr + o->l4 + 4) + (uint32_t)off);
	if (!last)
		fl &= (uint8_t)~(TH_FIN | TH_PSH);
	if (k > 0)
		fl &= (uint8_t)~TH_CWR;
	p[o->l4 + 13] = fl;
	ip_csum_set(p, o->l4);
	tcp_csum_set(p, o->l4, hl + seg);
}

static int split_tcp4(uint8_t *f, size_t len, uint16_t gso, vnet_emit_fn emit, void *ctx)
{
	uint8_t hdr[14 + 60 + 60];
	struct l34 o;
	size_t plen;
	unsigned k = 0;

	if (gso == 0 || !parse_tcp4(f, len, &o))
		return -1;
	plen = o.end - o.payload;
	memcpy(hdr, f, o.payload);
	/* At least one segment, even a super-frame with no payload. */
	for (size_t off = 0;; off += gso, k++) {
		size_t seg = plen - off < gso ? plen - off : gso;
		uint8_t *p = f + off;     /* headers end where this payload starts */
		cut_one(p, hdr, &o, off, seg, k, off + seg >= plen);
		emit(ctx, p, o.payload + seg);
		if (off + seg >= plen)
			return (int)k + 1;
	}
}

int vnet_rx(uint8_t *buf, size_t len, vnet_emit_fn emit, void *ctx)
{
	struct vnet_hdr h;
	uint8_t *f = buf + VNET_HDR_LEN;
	size_t flen;

	if (len < VNET_HDR_LEN + 14)
		return -1;
	vnet_hdr_get(buf, &h);
	flen = len - VNET_HDR_LEN;
	switch (h.gso_type & ~VNET_GSO_ECN) {
	case VNET_GSO_NONE:
		if ((h.flags & VNET_F_NEEDS_CSUM) && !csum_finish(f, flen, &h))
			return -1;
		emit(ctx, f, flen);
		return 1;
	case VNET_GSO_TCPV4:
		return split_tcp4(f, flen, h.gso_size, emit, ctx);
	default:
		return -1;
	}
}

/* ---- out: merging ---- */

void vnet_tx_init(struct vnet_tx *tx)
{
	memset(&tx->st, 0, sizeof(tx->st));
	tx->len = 0;
}

static int tx_write(const uint8_t *hdr, const uint8_t *frame, size_t len, vnet_write_fn write,
		    void *ctx)
{
	int r = write(ctx, hdr, frame, len);
	return r == 0 ? 0 : 1;
}

static int tx_plain(struct vnet_tx *tx, const uint8_t *frame, size_t len, vnet_write_fn write,
		    void *ctx)
{
	static const uint8_t zero[VNET_HDR_LEN];

	tx->st.writes++;
	return tx_write(zero, frame, len, write, ctx);
}

/* The pending super-frame's header, lengths and checksums, as the
 * kernel expects a TSO frame: TCP checksum partial (the pseudo-header's
 * sum, folded, not inverted), segments of gso bytes. */
static void tx_seal(struct vnet_tx *tx)
{
	uint8_t *f = tx->buf + VNET_HDR_LEN;
	size_t end = tx->len - VNET_HDR_LEN;
	struct vnet_hdr h = {.flags = VNET_F_NEEDS_CSUM, .gso_type = VNET_GSO_TCPV4,
			     .hdr_len = (uint16_t)tx->payload, .gso_size = tx->gso,
			     .csum_start = (uint16_t)tx->l4, .csum_offset = 16};
	uint16_t c;

	put16(f + 16, (uint16_t)(end - 14));
	ip_csum_set(f, tx->l4);
	c = (uint16_t)~tv_csum_finish(tv_csum_pseudo(get32(f + 26), get32(f + 30), 6,
						     (uint16_t)(end - tx->l4)));
	memcpy(f + tx->l4 + 16, &c, 2);
	vnet_hdr_put(tx->buf, &h);
	tx->st.super++;
	tx->st.merged += tx->segs;
}

int vnet_tx_flush(struct vnet_tx *tx, vnet_write_fn write, void *ctx)
{
	int lost;

	if (tx->len == 0)
		return 0;
	if (tx->segs > 1) {
		tx_seal(tx);
		tx->st.writes++;
		lost = tx_write(tx->buf, tx->buf + VNET_HDR_LEN, tx->len - VNET_HDR_LEN, write, ctx);
	} else {
		lost = tx_plain(tx, tx->buf + VNET_HDR_LEN, tx->len - VNET_HDR_LEN, write, ctx);
	}
	tx->len = 0;
	return lost;
}

/* The same flow with the same options: Ethernet header, addresses, ports
 * and TCP options (the caller has checked that the header lengths agree). */
static bool tx_same_flow(const uint8_t *p, const uint8_t *f, const struct l34 *o)
{
	return memcmp(p, f, 14) == 0 && memcmp(p + 26, f + 26, 8) == 0 &&
	       memcmp(p + o->l4, f + o->l4, 4) == 0 &&
	       memcmp(p + o->l4 + 20, f + o->l4 + 20, o->payload - o->l4 - 20) == 0;
}

static bool seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/* Try to take f into the pending frame. */
static bool tx_merge(struct vnet_tx *tx, const uint8_t *f, const struct l34 *o)
{
	size_t plen = o->end - o->payload;
	uint8_t fl = f[o->l4 + 13];
	uint8_t *p = tx->buf + VNET_HDR_LEN;

	if (tx->len == 0 || tx->closed || o->l4 != tx->l4 || o->payload != tx->payload)
		return false;
	if (!tx_same_flow(p, f, o))
		return false;
	if (tx->pure_ack) {
		/* A newer bare ACK of the same flow says all the older did. */
		if (plen != 0 || fl != TH_ACK || get32(f + o->l4 + 4) != get32(p + o->l4 + 4) ||
		    !seq_after(get32(f + o->l4 + 8), get32(p + o->l4 + 8)))
			return false;
		memcpy(p, f, o->end);
		tx->len = VNET_HDR_LEN + o->end;
		tx->st.acks_skipped++;
		return true;
	}
	/* Everything else alike: acknowledgement, header length, window. */
	if (plen == 0 || plen > tx->gso || (fl & ~TH_PSH) != TH_ACK ||
	    memcmp(p + o->l4 + 8, f + o->l4 + 8, 5) != 0 ||
	    memcmp(p + o->l4 + 14, f + o->l4 + 14, 2) != 0 ||
	    get32(f + o->l4 + 4) != tx->next_seq || tx->len + plen > VNET_BUF)
		return false;
	memcpy(tx->buf + tx->len, f + o->payload, plen);
	tx->len += plen;
	tx->next_seq += (uint32_t)plen;
	tx->segs++;
	p[o->l4 + 13] |= fl;
	tx->closed = plen < tx->gso || (fl & TH_PSH);
	return true;
}

/* Make f the pending frame if it can start one. */
static bool tx_start(struct vnet_tx *tx, const uint8_t *f, size_t len, const struct l34 *o)
{
	size_t plen = o->end - o->payload;
	uint8_t fl = f[o->l4 + 13];

	/* Only plain ACK segments (data or not) can have followers. */
	if (o->end != len || o->l4 != 14 + 20 || fl != TH_ACK || plen > 0xffff)
		return false;
	memcpy(tx->buf + VNET_HDR_LEN, f, len);
	tx->len = VNET_HDR_LEN + len;
	tx->l4 = o->l4;
	tx->payload = o->payload;
	tx->gso = (uint16_t)plen;
	tx->next_seq = get32(f + o->l4 + 4) + (uint32_t)plen;
	tx->segs = 1;
	tx->pure_ack = plen == 0;
	tx->closed = false;
	return true;
}

int vnet_tx_add(struct vnet_tx *tx, const uint8_t *frame, size_t len, vnet_write_fn write,
		void *ctx)
{
	struct l34 o;
	int lost = 0;

	if (len <= VNET_FRAME_MAX && parse_tcp4(frame, len, &o) && o.end == len) {
		if (tx_merge(tx, frame, &o))
			return 0;
		lost = vnet_tx_flush(tx, write, ctx);
		if (tx_start(tx, frame, len, &o))
			return lost;
	} else {
		lost = vnet_tx_flush(tx, write, ctx);
	}
	return lost + tx_plain(tx, frame, len, write, ctx);
}
