/*
 * vnet.h - frames with a virtio-net header, as a TAP device opened with
 * IFF_VNET_HDR reads and writes them, and the offloads that header
 * carries (TUNSETOFFLOAD: partial checksums, TCP segmentation).
 *
 * In (kernel -> stack): with offloads on, the kernel hands over a TCP
 * "super-frame" of up to 64 KiB that stands for many segments of
 * gso_size bytes each, with the checksum left for us to finish.
 * vnet_rx() cuts it into the segments the kernel would have put on a
 * wire, with correct lengths, IP ids, sequence numbers, flags and
 * checksums, so the stack, the gate and every view see each segment as
 * it would have been sent.
 *
 * Out (stack -> kernel): vnet_tx_add() merges consecutive full-sized
 * segments of one flow, in order and otherwise alike, into one
 * super-frame the kernel takes in one write (and keeps whole, as GRO
 * would have made it); a pure ACK that a newer one of the same flow
 * supersedes before the batch ends is not written.  Everything else goes
 * out as it came, behind a zero header.  The frames are reported to
 * observers (pcap, views) by the caller before merging, one by one.
 *
 * Pure functions on buffers; no I/O, no libuv (tap.c does the reads and
 * writes).
 */
#ifndef TV_HOST_VNET_H
#define TV_HOST_VNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VNET_HDR_LEN 10           /* struct virtio_net_hdr */
#define VNET_FRAME_MAX (14 + 65535) /* Ethernet header + the largest IPv4 packet */
#define VNET_BUF (VNET_HDR_LEN + VNET_FRAME_MAX)

/* The header's fields (virtio_net.h), in host order. */
enum {
	VNET_F_NEEDS_CSUM = 1,    /* flags: checksum from csum_start is partial */
	VNET_F_DATA_VALID = 2,
	VNET_GSO_NONE = 0,        /* gso_type */
	VNET_GSO_TCPV4 = 1,
	VNET_GSO_ECN = 0x80,
};

struct vnet_hdr {
	uint8_t flags, gso_type;
	uint16_t hdr_len, gso_size, csum_start, csum_offset;
};

void vnet_hdr_get(const uint8_t *p, struct vnet_hdr *h);
void vnet_hdr_put(uint8_t *p, const struct vnet_hdr *h);

typedef void (*vnet_emit_fn)(void *ctx, const uint8_t *frame, size_t len);

/* One read from the device (header + frame, len bytes, modified in
 * place).  Calls emit once per frame on the wire it stands for.  Returns
 * the number of frames emitted, or -1 for a header or super-frame that
 * cannot be taken apart (nothing emitted: the caller counts it). */
int vnet_rx(uint8_t *buf, size_t len, vnet_emit_fn emit, void *ctx);

/* ---- out ---- */

struct vnet_tx_stats {
	uint64_t writes;          /* frames handed to write (super or not) */
	uint64_t super;           /* of which super-frames of 2+ segments */
	uint64_t merged;          /* segments that went into super-frames */
	uint64_t acks_skipped;    /* pure ACKs superseded before writing */
};

/* The pending super-frame: buf holds header + frame as it grows. */
struct vnet_tx {
	uint8_t buf[VNET_BUF];
	size_t len;               /* 0: nothing pending */
	size_t l3, l4, payload;   /* offsets of IP, TCP, payload in the frame */
	uint32_t next_seq;        /* the sequence number a next segment needs */
	uint16_t gso;             /* segment size (the first one's length) */
	unsigned segs;
	bool pure_ack;            /* pending is one bare ACK */
	bool closed;              /* takes no more (its last segment was short) */
	struct vnet_tx_stats st;
};

/* Write the VNET_HDR_LEN bytes of hdr and then the frame's len bytes as
 * one frame: 0, or -1 when the device refused it. */
typedef int (*vnet_write_fn)(void *ctx, const uint8_t *hdr, const uint8_t *frame, size_t len);

void vnet_tx_init(struct vnet_tx *tx);
/* Offer one frame (without header).  It is merged into the pending
 * super-frame, or that one is written and this one becomes pending (a
 * TCP segment that may start one), or it is written at once.  Returns
 * the number of writes that failed (frames lost, as on a busy link). */
int vnet_tx_add(struct vnet_tx *tx, const uint8_t *frame, size_t len, vnet_write_fn write,
		void *ctx);
/* Write what is pending (the end of a batch).  Failed writes, as above. */
int vnet_tx_flush(struct vnet_tx *tx, vnet_write_fn write, void *ctx);

#endif
