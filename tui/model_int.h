/*
 * model_int.h - what the files of the TUI model share and nothing else
 * needs: the small hash tables (model_map.c), the model's private state,
 * and the entry points model_json.c (greeting, hosts, snapshot) uses in
 * model.c (connections, flows, held frames).
 *
 * Tables, and why each exists (the model must stay fast with 10,000
 * connections and runs of millions of events):
 *   conn_ix   (host << 32 | conn id) -> tm_conn key   events name TCBs
 *   lane_ix   (host << 32 | conn id) -> flow key      every endpoint's
 *             connection (raw peers too), so a segment goes to its
 *             sender's flow
 *   tuple_ix  hash of the 4-tuple -> the newest flow on it
 *   frame_ix  gate frame id -> pending arrow          gate events
 *   pend      arrows not yet arrived, keyed by direction, seq, ack,
 *             flags and length, first in first out among equals, so an
 *             arrival finds its arrow in O(1)
 */
#ifndef TV_TUI_MODEL_INT_H
#define TV_TUI_MODEL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tui/model.h"

/* ---- u64 -> u32 map, open addressing (model_map.c) ---- */

struct tm_map {
	uint64_t *keys;          /* 0 empty, UINT64_MAX deleted */
	uint32_t *vals;
	size_t cap, n, used;     /* used: n plus deleted slots */
};

/* Keys 0 and UINT64_MAX are remapped internally, so any key works. */
bool tm_map_get(const struct tm_map *t, uint64_t key, uint32_t *val);
/* 0, or -1 when out of memory (the map is unchanged). */
int tm_map_put(struct tm_map *t, uint64_t key, uint32_t val);
void tm_map_del(struct tm_map *t, uint64_t key);
void tm_map_free(struct tm_map *t);

uint64_t tm_hash64(uint64_t x);

/* ---- arrows in flight (model_map.c) ---- */

struct tm_pend {
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint32_t seq, ack, len;
	uint8_t flags;
	unsigned flow;           /* flow key */
	uint64_t serial;         /* entry serial in the flow: forgotten + i */
	uint32_t next;           /* next node in the bucket, index + 1 */
	bool live;
};

struct tm_pendtab {
	uint32_t *heads;         /* bucket -> first node, index + 1 */
	size_t nbuckets;
	struct tm_pend *pool;
	size_t cap, n;           /* pool slots, live nodes */
	uint32_t free_head;      /* free list through next, index + 1 */
};

/* Add a node for seg (copied fields) at the tail of its bucket: its
 * index + 1, or 0 when out of memory. */
uint32_t tm_pend_add(struct tm_pendtab *p, const struct tv_seg_info *s, unsigned flow,
		     uint64_t serial);
/* The nodes matching seg, oldest first: call with *it = 0 to start;
 * returns the next match's index + 1, 0 at the end. */
uint32_t tm_pend_next(const struct tm_pendtab *p, const struct tv_seg_info *s, uint32_t *it);
void tm_pend_remove(struct tm_pendtab *p, uint32_t node);
static inline struct tm_pend *tm_pend_at(const struct tm_pendtab *p, uint32_t node)
{
	return node && node <= p->cap && p->pool[node - 1].live ? &p->pool[node - 1] : NULL;
}
void tm_pend_free(struct tm_pendtab *p);

/* ---- the model's private state ---- */

/* An arrow to a lane nobody reports arrivals from (the kernel across
 * TAP): it counts as arrived once time has moved past its last visible
 * moment (every fate it could still meet happens at that instant). */
#define TM_PRESUMED_MAX 64

struct tm_quiet {
	unsigned flow;
	uint64_t serial;
	tv_time t;
};

struct model_priv {
	struct tm_map conn_ix, lane_ix, tuple_ix, frame_ix;
	struct tm_pendtab pend;
	unsigned next_conn, next_flow;
	unsigned nopen;          /* conns[0..nopen) are open */
	unsigned conn_cap, flow_cap, held_cap;
	unsigned flow_prune_at;  /* prune dead flows past this many */
	bool observed[TM_HOSTS_MAX]; /* the host reported events itself */
	tv_time ev_time;         /* latest event time */
	/* The last arrival (seg_in): a drop of the same segment right after
	 * it marks that arrow discarded; a passive connection born at that
	 * instant belongs to its flow. */
	bool in_valid;
	uint32_t in_host;
	tv_time in_time;
	struct tv_seg_info in_seg;
	unsigned in_flow;
	uint64_t in_serial;
	/* The last segment sent, for the retransmit event that follows. */
	bool out_valid;
	uint32_t out_host;
	unsigned out_flow;
	uint64_t out_serial;
	struct tm_quiet *quiet;
	size_t nquiet, quiet_cap;
	/* Arrows counted as arrived that way, the latest few: a lane we took
	 * for silent may turn out to report (a raw peer's first segment
	 * received), and its arrival then completes the arrow. */
	struct tm_quiet presumed[TM_PRESUMED_MAX];
	unsigned npresumed, presumed_next;
};

/* model.c, for model_json.c */
struct tm_host *tm_host_get(struct model *m, uint32_t id, bool create);
struct tm_conn *tm_conn_find(struct model *m, uint32_t host, uint32_t id);
struct tm_conn *tm_conn_add(struct model *m, uint32_t host, uint32_t id,
			    const struct tv_tuple *tu);
void tm_conn_set_closed(struct model *m, uint32_t host, uint32_t id, bool closed);
void tm_conn_bind_flow(struct model *m, struct tm_conn *c, tv_time now);
struct tm_flow *tm_flow_find(const struct model *m, unsigned key);
void tm_flow_learn_isn(struct tm_flow *f, int lane, uint32_t isn);
int tm_flow_lane(const struct tm_flow *f, uint32_t addr, uint16_t port);
void tm_held_snapshot_arrow(struct model *m, const struct tm_held *h);
void tm_prune(struct model *m);
/* Copy at most size - 1 bytes of UTF-8 (of max), never ending inside a
 * character. */
void tm_utf8_copy(char *dst, size_t size, const char *src, size_t max);

#endif
