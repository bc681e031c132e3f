/*
 * json.h - every event as one JSON object per line ("JSON lines"), built
 * and written with jansson (compact, keys in a fixed order), for other
 * tools.  Functions are named jsonl_* to stay clear of jansson's json_*.
 *
 * Use it as a bus sink:
 *   struct jsonl_out *j = jsonl_new(stdout);
 *   jsonl_add_sim_hosts(j, sim);
 *   tv_bus_add(sim_bus(sim), jsonl_sink, j);
 *
 * Schema (stable; new fields may be added, none renamed).  Every line has
 *   "type"   event type: state seg_in seg_out drop timer_arm timer_cancel
 *            timer_fire retransmit cwnd sock arp icmp gate wire note
 *   "t"      virtual time in microseconds (integer)
 *   "host"   name of the host it happened on (absent when none; a host
 *            without a name is "#<id>")
 * and, when the event belongs to a connection,
 *   "conn"   per-host connection id (integer)
 *   "tuple"  {"laddr": "10.0.0.1", "lport": 40000,
 *             "raddr": "10.0.0.2", "rport": 7}   (local = the host's)
 * and, when a protocol rule caused it,
 *   "rule"   stable rule id ("SYN_SENT_SYNACK")
 *   "ref"    where the rule comes from ("RFC 9293 3.10.7.3")
 *   "why"    the rule's sentence, untranslated English
 *
 * A segment object ("seg") is
 *   {"src": "10.0.0.1", "sport": 40000, "dst": "10.0.0.2", "dport": 7,
 *    "flags": "SYN,ACK", "seq": 123, "ack": 456, "win": 65535, "len": 0,
 *    "rseq": 0, "rack": 1,
 *    "options": {"mss": 1460, "wscale": 7, "sack_ok": true,
 *                "tsval": 1, "tsecr": 0}}
 * flags: words from SYN FIN RST PSH ACK URG ECE CWR in that order, joined
 * by commas ("" for none); seq/ack absolute; rseq/rack relative to each
 * direction's initial sequence number, present only when it is known;
 * options: only those present (an empty object when none).
 *
 * Type-specific fields:
 *   state           "old", "new": RFC state names ("SYN-RECEIVED")
 *   seg_in/seg_out  "seg"
 *   drop            "counter" (e.g. "tcp.bad_csum"), "seg" when parsed
 *   timer_*         "timer" (rexmit persist delack keepalive 2msl conn arp),
 *                   "deadline" (µs), "count"
 *   retransmit      "seq" (absolute), "len", "flags", "count", "rto" (µs)
 *   cwnd            "cwnd", "ssthresh"
 *   sock            "what" (connected acceptable readable writable
 *                   peer_closed error closed), "err" (code, 0 none),
 *                   "error" (English message, when err), "bytes"
 *   arp             "op" (request reply cache), "out" (bool), "spa",
 *                   "tpa", "sha", "tha" (requests/replies), or for a cache
 *                   change "addr", "mac", "change" (incomplete learned
 *                   changed static expired evicted failed)
 *   icmp            "icmp_type", "code", "out", "src", "dst", "id", "seq"
 *   gate            "action" (held released dropped duplicated delayed
 *                   passed), "dir" (in out), "frame", "len", "kind" (other
 *                   arp ipv4 icmp tcp), "gate_rule" (0 by hand), "copy"
 *                   (duplicated), "until" (delayed, µs), "overflow"
 *                   (dropped: hold queue full), "seg" (TCP)
 *   wire            "action" (lost duplicated reordered delivered),
 *                   "from", "to" (host names; "to" absent for broadcast),
 *                   "len", "kind", "seg" (TCP)
 *   note            "text"
 */
#ifndef TV_OUT_JSON_H
#define TV_OUT_JSON_H

#include <stdbool.h>
#include <stdio.h>

#include "core/event.h"

struct sim;
struct jsonl_out;

/* Lines go to fp (NULL: only jsonl_format is used).  NULL if out of
 * memory. */
struct jsonl_out *jsonl_new(FILE *fp);
void jsonl_free(struct jsonl_out *j);

int jsonl_add_host(struct jsonl_out *j, uint32_t id, const char *name, uint32_t addr);
int jsonl_add_sim_hosts(struct jsonl_out *j, const struct sim *s);
/* Which event types are written: TEXT_BIT()s as in text.h; default all. */
void jsonl_set_mask(struct jsonl_out *j, unsigned mask);

/* Learn sequence bases from ev (the sink does it itself). */
void jsonl_learn(struct jsonl_out *j, const struct tv_event *ev);
/* ev as one compact JSON line, without the newline: a malloc'd string
 * the caller frees, NULL if out of memory. */
char *jsonl_format(const struct jsonl_out *j, const struct tv_event *ev);
/* The bus sink: learn, and write ev as a line if its type is in the mask. */
void jsonl_sink(void *ctx, const struct tv_event *ev);
/* Lines written so far, and lines lost to an error (memory, writing). */
unsigned long jsonl_lines(const struct jsonl_out *j);
unsigned long jsonl_errors(const struct jsonl_out *j);

#endif
