/*
 * invariant.c - the structural invariants of a host's TCP state (see
 * invariant.h).  Called between core entry points, never during one, so
 * every list and table is in a settled state.
 *
 * Per connection: the state is valid; SND.UNA <= SND.NXT <= SND.MAX in
 * sequence arithmetic (RFC 9293 3.3.1) and nothing was sent beyond the
 * send buffer and our FIN; the window we advertised fits the receive
 * buffer (what we offered must have a place in the ring, 3.8.6.2.1); the
 * rings are within their capacity; the out-of-order ranges are sorted,
 * disjoint, beyond RCV.NXT and within ooo_max; the timer deadline is the
 * earliest timer and the TCB sits in the heap exactly when it has one.
 * Per host: the all-TCBs list, the hash table, the listeners and their
 * child lists, the timer heap and the graveyard agree with each other and
 * with the counts kept beside them; the heap is a heap of live TCBs;
 * the layered receive counters are ordered (a TCP segment was an IPv4
 * packet was an Ethernet frame).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tcb.h"
#include "invariant.h"

static int inv_fail(char *msg, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int inv_fail(char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (size > 0)
		vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return -1;
}

#define TCB_FAIL(tcb, ...)                                                                  \
	inv_tcb_fail(msg, size, tcb, __VA_ARGS__)

static int inv_tcb_fail(char *msg, size_t size, const struct tcb *tcb, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int inv_tcb_fail(char *msg, size_t size, const struct tcb *tcb, const char *fmt, ...)
{
	char what[192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return inv_fail(msg, size, "host %s conn %u (%s%s): %s", tcb->h->cfg.name, tcb->id,
			tcb->state < TCB_STATE_COUNT ? tcb_state_name(tcb->state) : "?",
			tcb->gone ? ", gone" : "", what);
}

static int inv_ring(const struct tcb *tcb, const struct tcp_ring *r, const char *name,
		    char *msg, size_t size)
{
	if (r->len > r->cap || r->size > r->cap)
		return TCB_FAIL(tcb, "%s ring len %u size %u over cap %u", name, r->len, r->size,
				r->cap);
	if (r->buf == NULL && (r->size != 0 || r->len != 0 || r->head != 0))
		return TCB_FAIL(tcb, "%s ring without memory has size %u len %u head %u", name,
				r->size, r->len, r->head);
	if (r->buf != NULL && (r->head >= r->size || r->len > r->size))
		return TCB_FAIL(tcb, "%s ring head %u len %u outside size %u", name, r->head,
				r->len, r->size);
	return 0;
}

/* RFC 9293 3.3.1: SND.UNA <= SND.NXT <= SND.MAX; nothing sent beyond the
 * buffered data and one FIN. */
static int inv_send_seq(const struct tcb *tcb, char *msg, size_t size)
{
	if (tcb->state == TCB_LISTEN)
		return 0;
	if (!seq_leq(tcb->snd_una, tcb->snd_nxt) || !seq_leq(tcb->snd_nxt, tcb->snd_max))
		return TCB_FAIL(tcb, "SND.UNA %u SND.NXT %u SND.MAX %u out of order",
				tcb->snd_una, tcb->snd_nxt, tcb->snd_max);
	if (tcb->gone || tcb->state == TCB_CLOSED)
		return 0;
	uint32_t end = tcb->snd_bufseq + tcb->snd.len + (tcb->fin_queued ? 1u : 0u);
	if (seq_gt(tcb->snd_max, end))
		return TCB_FAIL(tcb, "SND.MAX %u beyond buffer end %u (bufseq %u len %u fin %u)",
				tcb->snd_max, end, tcb->snd_bufseq, tcb->snd.len,
				(unsigned)tcb->fin_queued);
	return 0;
}

/* The out-of-order ranges: sorted, disjoint, beyond RCV.NXT, inside the
 * ring, and within both bounds (tcp_buf.c). */
static int inv_ooo(const struct tcb *tcb, uint32_t readseq, char *msg, size_t size)
{
	const struct tcp_ooo *o = tcb->ooo;
	uint32_t bytes = 0, prev_hi = tcb->rcv_nxt;

	if (o == NULL)
		return 0;
	if (o->n == 0 || o->n > TCP_OOO_RANGES)
		return TCB_FAIL(tcb, "%u out-of-order ranges", o->n);
	for (uint32_t i = 0; i < o->n; i++) {
		uint32_t lo = o->r[i].lo, hi = o->r[i].hi;
		if (!seq_lt(prev_hi, lo) || !seq_lt(lo, hi))
			return TCB_FAIL(tcb, "out-of-order range %u [%u, %u) after %u", i, lo, hi,
					prev_hi);
		if (hi - readseq > tcb->rcv.size)
			return TCB_FAIL(tcb, "out-of-order range [%u, %u) beyond ring size %u", lo,
					hi, tcb->rcv.size);
		bytes += hi - lo;
		prev_hi = hi;
	}
	if (bytes != o->bytes)
		return TCB_FAIL(tcb, "out-of-order bytes %u, ranges hold %u", o->bytes, bytes);
	if (bytes > tcb->h->cfg.tcp.ooo_max)
		return TCB_FAIL(tcb, "out-of-order bytes %u over ooo_max %u", bytes,
				tcb->h->cfg.tcp.ooo_max);
	return 0;
}

/* What we advertised (RCV.NXT + RCV.WND) has a place in the receive ring. */
static int inv_recv(const struct tcb *tcb, char *msg, size_t size)
{
	if (!tcb->have_irs || tcb->gone)
		return tcb->gone || tcb->ooo == NULL ? 0 : TCB_FAIL(tcb, "out-of-order data before SYN");
	uint32_t readseq = tcb->rcv_nxt - tcb->rcv.len;
	if (seq_gt(tcb->rcv_adv, readseq) && tcb->rcv_adv - readseq > tcb->rcv.cap)
		return TCB_FAIL(tcb, "advertised edge %u is %u bytes past the unread data, buffer %u",
				tcb->rcv_adv, tcb->rcv_adv - readseq, tcb->rcv.cap);
	return inv_ooo(tcb, readseq, msg, size);
}

static int inv_timers(const struct tcb *tcb, char *msg, size_t size)
{
	const struct tcp_host *t = tcb->h->tcp;
	tv_time d = TV_NEVER;

	for (int k = 0; k < TCB_T_COUNT; k++) {
		if (tcb->timer[k] < d)
			d = tcb->timer[k];
		if (tcb->gone && tcb->timer[k] != TV_NEVER)
			return TCB_FAIL(tcb, "timer %d armed after CLOSED", k);
	}
	if (d != tcb->deadline)
		return TCB_FAIL(tcb, "deadline %lld, earliest timer %lld", (long long)tcb->deadline,
				(long long)d);
	if ((d == TV_NEVER) != (tcb->heap_idx == 0))
		return TCB_FAIL(tcb, "heap slot %u with deadline %lld", tcb->heap_idx,
				(long long)d);
	if (tcb->heap_idx != 0 &&
	    (tcb->heap_idx > t->heap_len || t->heap[tcb->heap_idx - 1] != tcb))
		return TCB_FAIL(tcb, "heap slot %u does not hold it", tcb->heap_idx);
	return 0;
}

static int inv_tcb(const struct tcb *tcb, char *msg, size_t size)
{
	if (tcb->state >= TCB_STATE_COUNT)
		return TCB_FAIL(tcb, "state %u", tcb->state);
	if (tcb->gone && (tcb->hashed || tcb->link.next != NULL ||
			  (tcb->state != TCB_CLOSED && tcb->state != TCB_LISTEN)))
		return TCB_FAIL(tcb, "gone but still hashed or listed");
	if (tcb->snd_wscale > TCP_WSCALE_MAX || tcb->rcv_wscale > TCP_WSCALE_MAX)
		return TCB_FAIL(tcb, "window scale %u/%u", tcb->snd_wscale, tcb->rcv_wscale);
	if (inv_ring(tcb, &tcb->snd, "send", msg, size) ||
	    inv_ring(tcb, &tcb->rcv, "receive", msg, size))
		return -1;
	if (inv_send_seq(tcb, msg, size) || inv_recv(tcb, msg, size))
		return -1;
	return inv_timers(tcb, msg, size);
}

/* ---- the host's tables ---------------------------------------------- */

static int ptr_cmp(const void *a, const void *b)
{
	const struct tcb *x = *(const struct tcb *const *)a, *y = *(const struct tcb *const *)b;

	return x < y ? -1 : x > y;
}

/* The TCBs on the all list, sorted by address for membership tests. */
struct inv_set {
	const struct tcb **v;
	uint32_t n;
};

static bool set_has(const struct inv_set *s, const struct tcb *tcb)
{
	return bsearch(&tcb, s->v, s->n, sizeof(*s->v), ptr_cmp) != NULL;
}

static int inv_all(const struct host *h, struct inv_set *s, char *msg, size_t size)
{
	const struct tcp_host *t = h->tcp;
	const struct tcb *prev = NULL;
	uint32_t n = 0;

	s->v = malloc(((size_t)t->ntcbs + 1) * sizeof(*s->v));
	if (s->v == NULL)
		return inv_fail(msg, size, "host %s: out of memory in the checker", h->cfg.name);
	for (const struct tcb *c = t->all; c != NULL; prev = c, c = c->anext) {
		if (n == t->ntcbs)
			return inv_fail(msg, size, "host %s: more TCBs listed than ntcbs %u",
					h->cfg.name, t->ntcbs);
		if (c->aprev != prev || c->h != h)
			return inv_fail(msg, size, "host %s: TCB list links broken at conn %u",
					h->cfg.name, c->id);
		s->v[n++] = c;
	}
	if (n != t->ntcbs || n > h->cfg.max_conns)
		return inv_fail(msg, size, "host %s: %u TCBs listed, ntcbs %u, max_conns %u",
				h->cfg.name, n, t->ntcbs, h->cfg.max_conns);
	s->n = n;
	qsort(s->v, n, sizeof(*s->v), ptr_cmp);
	return 0;
}

static int inv_hash(const struct host *h, const struct inv_set *s, char *msg, size_t size)
{
	struct tcp_host *t = h->tcp;
	uint32_t n = 0;

	for (uint32_t i = 0; i < t->nbuckets; i++)
		for (const struct tcb *c = t->buckets[i]; c != NULL; c = c->hnext) {
			if (!set_has(s, c) || !c->hashed || c->gone || c->lst != NULL)
				return inv_fail(msg, size, "host %s: bad TCB in hash bucket %u",
						h->cfg.name, i);
			if (tcp_lookup(t, &c->tuple) != c)
				return TCB_FAIL(c, "hashed but its tuple finds another");
			if (++n > t->nhashed)
				return inv_fail(msg, size, "host %s: more hashed than nhashed %u",
						h->cfg.name, t->nhashed);
		}
	if (n != t->nhashed)
		return inv_fail(msg, size, "host %s: %u hashed, nhashed %u", h->cfg.name, n,
				t->nhashed);
	for (uint32_t i = 0; i < s->n; i++)
		if (s->v[i]->hashed && s->v[i]->lst == NULL && tcp_lookup(t, &s->v[i]->tuple) != s->v[i])
			return TCB_FAIL(s->v[i], "marked hashed, not found by its tuple");
	return 0;
}

static const struct tcb *link_tcb(const struct tcb_link *l)
{
	return (const struct tcb *)((const char *)l - offsetof(struct tcb, link));
}

/* A listener's half-open and ready lists: doubly linked, children of it,
 * in the right state, as many as nchild says. */
static int inv_children(const struct tcb *lis, const struct inv_set *s, char *msg, size_t size)
{
	const struct tcb_link *heads[2] = {&lis->lst->half, &lis->lst->ready};
	uint32_t n = 0;

	for (int i = 0; i < 2; i++)
		for (const struct tcb_link *l = heads[i]->next; l != heads[i]; l = l->next) {
			const struct tcb *c = link_tcb(l);
			if (l->next->prev != l || !set_has(s, c) || c->parent != lis || c->gone)
				return TCB_FAIL(lis, "child list %d broken", i);
			if (c->ready != (i == 1))
				return TCB_FAIL(c, "on the %s list with ready=%u",
						i ? "ready" : "half-open", (unsigned)c->ready);
			if (i == 0 && c->state != TCB_SYN_RECEIVED)
				return TCB_FAIL(c, "on the half-open list");
			if (++n > lis->lst->nchild)
				return TCB_FAIL(lis, "more children than nchild %u",
						lis->lst->nchild);
		}
	if (n != lis->lst->nchild)
		return TCB_FAIL(lis, "%u children listed, nchild %u", n, lis->lst->nchild);
	return 0;
}

static int inv_listeners(const struct host *h, const struct inv_set *s, char *msg,
			 size_t size)
{
	uint32_t n = 0, want = 0;

	for (const struct tcb *c = h->tcp->listeners; c != NULL; c = c->hnext) {
		if (!set_has(s, c) || c->lst == NULL || !c->hashed || c->gone ||
		    c->state != TCB_LISTEN)
			return inv_fail(msg, size, "host %s: bad TCB on the listener list",
					h->cfg.name);
		if (++n > s->n)
			return inv_fail(msg, size, "host %s: listener list loops", h->cfg.name);
		if (inv_children(c, s, msg, size))
			return -1;
	}
	for (uint32_t i = 0; i < s->n; i++)
		want += s->v[i]->lst != NULL && s->v[i]->hashed;
	if (n != want)
		return inv_fail(msg, size, "host %s: %u listeners listed, %u hashed", h->cfg.name, n,
				want);
	return 0;
}

static bool heap_less(const struct tcb *a, const struct tcb *b)
{
	return a->deadline < b->deadline || (a->deadline == b->deadline && a->id < b->id);
}

static int inv_heap(const struct host *h, const struct inv_set *s, char *msg, size_t size)
{
	const struct tcp_host *t = h->tcp;

	if (t->heap_len > t->heap_cap || t->heap_len > s->n)
		return inv_fail(msg, size, "host %s: heap len %u cap %u, %u TCBs", h->cfg.name,
				t->heap_len, t->heap_cap, s->n);
	for (uint32_t i = 0; i < t->heap_len; i++) {
		const struct tcb *c = t->heap[i];
		if (!set_has(s, c) || c->gone || c->heap_idx != i + 1 || c->deadline == TV_NEVER)
			return inv_fail(msg, size, "host %s: heap slot %u holds a dead or stray TCB",
					h->cfg.name, i);
		if (i > 0 && heap_less(c, t->heap[(i - 1) / 2]))
			return inv_fail(msg, size, "host %s: heap order broken at slot %u",
					h->cfg.name, i);
	}
	for (const struct tcb *c = t->grave; c != NULL; c = c->hnext)
		if (!set_has(s, c) || !c->in_grave || !c->gone)
			return inv_fail(msg, size, "host %s: bad TCB in the graveyard", h->cfg.name);
	return 0;
}

static int inv_counters(const struct host *h, char *msg, size_t size)
{
	const uint64_t *c = h->counters;

	if (c[TV_CNT_IP_RX] > c[TV_CNT_ETH_RX] || c[TV_CNT_TCP_RX] > c[TV_CNT_IP_RX])
		return inv_fail(msg, size, "host %s: eth.rx %llu < ip.rx %llu or < tcp.rx %llu",
				h->cfg.name, (unsigned long long)c[TV_CNT_ETH_RX],
				(unsigned long long)c[TV_CNT_IP_RX],
				(unsigned long long)c[TV_CNT_TCP_RX]);
	return 0;
}

int inv_check_host(const struct host *h, char *msg, size_t size)
{
	struct inv_set s = {0};
	int r;

	if (h->tcp == NULL)
		return inv_fail(msg, size, "host %s has no TCP", h->cfg.name);
	r = inv_all(h, &s, msg, size);
	for (uint32_t i = 0; r == 0 && i < s.n; i++)
		r = inv_tcb(s.v[i], msg, size);
	if (r == 0)
		r = inv_hash(h, &s, msg, size);
	if (r == 0)
		r = inv_listeners(h, &s, msg, size);
	if (r == 0)
		r = inv_heap(h, &s, msg, size);
	if (r == 0)
		r = inv_counters(h, msg, size);
	free(s.v);
	return r;
}

void inv_track_init(struct inv_track *tr, const struct host *h)
{
	tr->h = h;
	memcpy(tr->counters, h->counters, sizeof(tr->counters));
}

int inv_track_check(struct inv_track *tr, char *msg, size_t size)
{
	if (inv_check_host(tr->h, msg, size) != 0)
		return -1;
	for (int i = 0; i < TV_CNT_COUNT; i++)
		if (tr->h->counters[i] < tr->counters[i])
			return inv_fail(msg, size, "host %s: counter %s went down from %llu to %llu",
					tr->h->cfg.name, tv_counter_name((enum tv_counter)i),
					(unsigned long long)tr->counters[i],
					(unsigned long long)tr->h->counters[i]);
	memcpy(tr->counters, tr->h->counters, sizeof(tr->counters));
	return 0;
}
