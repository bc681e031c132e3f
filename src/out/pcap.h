/*
 * pcap.h - a pcapng file of every frame that crossed the wire, dropped
 * ones included, for tshark and Wireshark.  The format is written here
 * (no libpcap): a Section Header Block, one Interface Description Block
 * (LINKTYPE_ETHERNET, if_tsresol 6: microseconds, named "tcpviz"), then
 * one Enhanced Packet Block per frame, timestamped with virtual time.
 *
 * It is a frame tap (event.h), installed with
 *   struct pcapng_out *p = pcapng_open("run.pcapng", &err);
 *   sim_set_frame_tap(sim, pcapng_tap, p);
 *   ... run ...
 *   sim_set_frame_tap(sim, NULL, NULL);
 *   err = pcapng_close(p);
 *
 * Which frames, and when (each copy of a frame is recorded once):
 *   - a frame delivered to a host: at its arrival time (after the gates);
 *   - a frame lost on the wire: at its send time, with the EPB comment
 *     "lost on the wire";
 *   - a frame dropped by a gate: at the time of the drop (the send time
 *     for an outbound gate rule), with the comment "dropped by the gate
 *     (rule N)" or "dropped by the gate (by hand)" or "dropped by the gate
 *     (hold queue full)";
 *   - the second copy of a duplicated frame: at its arrival, with the
 *     comment "duplicate (made by the wire)" or "(made by the gate)".
 * Frames only sent (still held at a gate or in flight when the run ends)
 * are not recorded.  So records are in time order except that a drop or
 * loss can be stamped earlier than an arrival written before it; tshark
 * and Wireshark show it as is.  Comments are translated (gettext).
 *
 * Writes go through stdio; the first error is kept and returned by
 * pcapng_close (and pcapng_error), and later frames are skipped.
 */
#ifndef TV_OUT_PCAP_H
#define TV_OUT_PCAP_H

#include <stdio.h>

#include "core/event.h"

struct pcapng_out;

/* Create (truncate) path and write the headers.  NULL on failure, with
 * *err (may be NULL) set to a TV_E* code: TV_ENOMEM, or TV_EINVAL when
 * the file cannot be created or written (errno tells why). */
struct pcapng_out *pcapng_open(const char *path, int *err);
/* The same on an open stream (binary; not closed by pcapng_close). */
struct pcapng_out *pcapng_new(FILE *fp, int *err);
/* Flush, close the file if pcapng_open opened it, free.  Returns 0 or the
 * first error (TV_EINVAL for an I/O error, TV_ENOMEM). */
int pcapng_close(struct pcapng_out *p);

/* The frame tap (ctx is the pcapng_out). */
void pcapng_tap(void *ctx, const uint8_t *frame, size_t len, const struct tv_frame_info *fi);

/* Enhanced Packet Blocks written so far, and how many carry a comment. */
unsigned long pcapng_frames(const struct pcapng_out *p);
unsigned long pcapng_comments(const struct pcapng_out *p);
/* 0, or the first error. */
int pcapng_error(const struct pcapng_out *p);

#endif
