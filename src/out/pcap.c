/*
 * pcap.c - the pcapng writer (see pcap.h).
 *
 * The file is written little-endian whatever the machine (the Section
 * Header's byte-order magic says so), so the same run gives the same
 * bytes everywhere.  Blocks (pcapng, draft-ietf-opsawg-pcapng):
 *
 *   SHB  type 0x0A0D0D0A, magic 0x1A2B3C4D, version 1.0, section length
 *        -1 (unknown), option shb_userappl "tcpviz"
 *   IDB  type 1, LINKTYPE_ETHERNET (1), snaplen 0 (no limit), options
 *        if_name "tcpviz", if_tsresol 6 (microseconds)
 *   EPB  type 6, interface 0, 64-bit timestamp in microseconds of
 *        virtual time, captured and original length, the frame padded to
 *        32 bits, and an opt_comment for dropped, lost and duplicate
 *        frames
 *
 * Every block ends with its total length again; options end with
 * opt_endofopt.  A duplicated frame is recognised at its second delivery:
 * a DUPLICATED report leaves a note (hash and length of the bytes, and
 * the receiver when known), and of the deliveries that match it the
 * first is the original and the second the copy.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/host.h"
#include "i18n.h"
#include "out/pcap.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_EPB 0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define LINKTYPE_ETHERNET 1
#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define OPT_SHB_USERAPPL 4
#define OPT_IF_NAME 2
#define OPT_IF_TSRESOL 9
#define DUPS_MAX 64
#define BLOCK_MAX (TV_FRAME_MAX + 512)

struct dup_note {
	uint64_t hash;
	uint32_t len, to;       /* to 0: any receiver */
	bool by_gate;
	unsigned seen;          /* deliveries matched so far */
};

struct pcapng_out {
	FILE *fp;
	bool own;               /* opened by pcapng_open: close it */
	int err;
	unsigned long frames, comments;
	struct dup_note dups[DUPS_MAX];
	unsigned ndups;
};

/* ---- building blocks in a buffer ---- */

struct blk {
	uint8_t b[BLOCK_MAX];
	size_t len;
	bool over;
};

static void blk_bytes(struct blk *k, const void *p, size_t n)
{
	if (k->over || n > sizeof(k->b) - k->len) {
		k->over = true;
		return;
	}
	memcpy(k->b + k->len, p, n);
	k->len += n;
}

static void blk_u16(struct blk *k, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};

	blk_bytes(k, b, 2);
}

static void blk_u32(struct blk *k, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};

	blk_bytes(k, b, 4);
}

static void blk_pad(struct blk *k)
{
	static const uint8_t zero[4];

	blk_bytes(k, zero, (4 - k->len % 4) % 4);
}

/* An option: code, length, value padded to 32 bits. */
static void blk_opt(struct blk *k, uint16_t code, const void *val, size_t n)
{
	blk_u16(k, code);
	blk_u16(k, (uint16_t)n);
	blk_bytes(k, val, n);
	blk_pad(k);
}

/* Start a block: type and a placeholder for the length. */
static void blk_start(struct blk *k, uint32_t type)
{
	k->len = 0;
	k->over = false;
	blk_u32(k, type);
	blk_u32(k, 0);
}

/* End the options and the block: the total length, at both ends. */
static void blk_end(struct blk *k, bool options)
{
	if (options) {
		blk_u16(k, OPT_ENDOFOPT);
		blk_u16(k, 0);
	}
	blk_u32(k, 0);
	if (k->over)
		return;
	for (int i = 0; i < 4; i++) {
		k->b[4 + i] = (uint8_t)(k->len >> (8 * i));
		k->b[k->len - 4 + i] = (uint8_t)(k->len >> (8 * i));
	}
}

static void pcapng_write(struct pcapng_out *p, const struct blk *k)
{
	if (p->err)
		return;
	if (k->over)
		p->err = TV_EMSGSIZE;
	else if (fwrite(k->b, 1, k->len, p->fp) != k->len)
		p->err = TV_EINVAL;
}

/* ---- the file ---- */

static void pcapng_headers(struct pcapng_out *p)
{
	static const char app[] = PACKAGE_NAME " " PACKAGE_VERSION, ifname[] = "tcpviz";
	static const uint8_t tsresol = 6; /* 10^-6 s */
	struct blk *k = malloc(sizeof(*k));

	if (k == NULL) {
		p->err = TV_ENOMEM;
		return;
	}
	blk_start(k, BT_SHB);
	blk_u32(k, BYTE_ORDER_MAGIC);
	blk_u16(k, 1);
	blk_u16(k, 0);
	blk_u32(k, 0xffffffffu); /* section length: -1, not given */
	blk_u32(k, 0xffffffffu);
	blk_opt(k, OPT_SHB_USERAPPL, app, strlen(app));
	blk_end(k, true);
	pcapng_write(p, k);

	blk_start(k, BT_IDB);
	blk_u16(k, LINKTYPE_ETHERNET);
	blk_u16(k, 0);
	blk_u32(k, 0); /* snaplen: no limit */
	blk_opt(k, OPT_IF_NAME, ifname, strlen(ifname));
	blk_opt(k, OPT_IF_TSRESOL, &tsresol, 1);
	blk_end(k, true);
	pcapng_write(p, k);
	free(k);
}

struct pcapng_out *pcapng_new(FILE *fp, int *err)
{
	struct pcapng_out *p = calloc(1, sizeof(*p));

	if (p == NULL) {
		if (err)
			*err = TV_ENOMEM;
		return NULL;
	}
	p->fp = fp;
	pcapng_headers(p);
	if (p->err) {
		if (err)
			*err = p->err;
		free(p);
		return NULL;
	}
	return p;
}

struct pcapng_out *pcapng_open(const char *path, int *err)
{
	FILE *fp = fopen(path, "wb");
	struct pcapng_out *p;
	int e;

	if (fp == NULL) {
		if (err)
			*err = TV_EINVAL;
		return NULL;
	}
	p = pcapng_new(fp, err);
	if (p == NULL) {
		e = errno;
		fclose(fp);
		errno = e;
		return NULL;
	}
	p->own = true;
	return p;
}

int pcapng_close(struct pcapng_out *p)
{
	int err;

	if (p == NULL)
		return 0;
	if (fflush(p->fp) != 0 && p->err == 0)
		p->err = TV_EINVAL;
	if (p->own && fclose(p->fp) != 0 && p->err == 0)
		p->err = TV_EINVAL;
	err = p->err;
	free(p);
	return err;
}

unsigned long pcapng_frames(const struct pcapng_out *p)
{
	return p->frames;
}

unsigned long pcapng_comments(const struct pcapng_out *p)
{
	return p->comments;
}

int pcapng_error(const struct pcapng_out *p)
{
	return p->err;
}

/* ---- records ---- */

static void pcapng_epb(struct pcapng_out *p, const uint8_t *frame, size_t len, tv_time t,
		       const char *comment)
{
	struct blk *k;

	if (p->err)
		return;
	if ((k = malloc(sizeof(*k))) == NULL) {
		p->err = TV_ENOMEM;
		return;
	}
	blk_start(k, BT_EPB);
	blk_u32(k, 0); /* interface */
	blk_u32(k, (uint32_t)(t >> 32));
	blk_u32(k, (uint32_t)t);
	blk_u32(k, (uint32_t)len);
	blk_u32(k, (uint32_t)len);
	blk_bytes(k, frame, len);
	blk_pad(k);
	if (comment != NULL)
		blk_opt(k, OPT_COMMENT, comment, strlen(comment));
	blk_end(k, comment != NULL);
	pcapng_write(p, k);
	free(k);
	if (p->err == 0) {
		p->frames++;
		p->comments += comment != NULL;
	}
}

static uint64_t frame_hash(const uint8_t *frame, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ frame[i]) * 0x100000001b3ull;
	return h;
}

static void dup_remember(struct pcapng_out *p, const uint8_t *frame, size_t len,
			 const struct tv_frame_info *fi)
{
	if (p->ndups == DUPS_MAX) { /* forget the oldest */
		memmove(p->dups, p->dups + 1, (DUPS_MAX - 1) * sizeof(p->dups[0]));
		p->ndups--;
	}
	p->dups[p->ndups++] = (struct dup_note){frame_hash(frame, len), (uint32_t)len, fi->to,
						fi->by_gate, 0};
}

/* For a delivered frame: NULL, or the comment that marks it a copy. */
static const char *dup_check(struct pcapng_out *p, const uint8_t *frame, size_t len,
			     uint32_t to)
{
	uint64_t h = frame_hash(frame, len);

	for (unsigned i = 0; i < p->ndups; i++) {
		struct dup_note *d = &p->dups[i];
		if (d->hash != h || d->len != len || (d->to != 0 && d->to != to))
			continue;
		if (d->seen++ == 0)
			return NULL; /* the original */
		bool by_gate = d->by_gate;
		memmove(d, d + 1, (p->ndups - i - 1) * sizeof(*d));
		p->ndups--;
		return by_gate ? _("duplicate (made by the gate)") : _("duplicate (made by the wire)");
	}
	return NULL;
}

static void drop_comment(const struct tv_frame_info *fi, char *buf, size_t size)
{
	if (fi->overflow)
		snprintf(buf, size, "%s", _("dropped by the gate (hold queue full)"));
	else if (fi->gate_rule != 0)
		snprintf(buf, size, _("dropped by the gate (rule %u)"), (unsigned)fi->gate_rule);
	else
		snprintf(buf, size, "%s", _("dropped by the gate (by hand)"));
}

void pcapng_tap(void *ctx, const uint8_t *frame, size_t len, const struct tv_frame_info *fi)
{
	struct pcapng_out *p = ctx;
	char buf[128];

	switch (fi->fate) {
	case TV_FATE_DELIVERED:
		pcapng_epb(p, frame, len, fi->time, dup_check(p, frame, len, fi->to));
		break;
	case TV_FATE_LOST:
		pcapng_epb(p, frame, len, fi->time,
			   fi->overflow ? _("lost on the wire (too many frames in flight)")
					: _("lost on the wire"));
		break;
	case TV_FATE_DROPPED_BY_GATE:
		drop_comment(fi, buf, sizeof(buf));
		pcapng_epb(p, frame, len, fi->time, buf);
		break;
	case TV_FATE_DUPLICATED:
		dup_remember(p, frame, len, fi);
		break;
	case TV_FATE_SENT:
	default:
		break;
	}
}
