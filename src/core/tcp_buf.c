/*
 * tcp_buf.c - the send and receive buffers of a connection.
 *
 * Both are byte rings whose capacity is fixed when the connection is set
 * up (sndbuf, rcvbuf) but whose memory is taken only when the first byte
 * arrives, grows by doubling (from TCP_RING_MIN) as the data needs it,
 * and is given back when the ring drains, so an idle connection holds no
 * buffer memory and a small exchange costs a small buffer.  A few drained
 * buffers are kept per host for reuse, which makes "allocate on data,
 * free on drain" cheap on a busy connection.
 *
 * The receive ring holds the in-order unread bytes at [head, head+len)
 * and, beyond them, out-of-order bytes at the offset their sequence
 * number gives (every byte inside the receive window has a place in the
 * ring, because the window is exactly the free space).  struct tcp_ooo
 * remembers which ranges beyond the in-order part are filled; it is
 * bounded by tcp_params.ooo_max bytes and TCP_OOO_RANGES ranges, and a
 * segment that would exceed either is dropped and counted.
 */
#include <stdlib.h>
#include <string.h>

#include "tcb.h"

/* A cached buffer of at least `size` bytes and at most `max`, or NULL. */
static uint8_t *cache_take(struct tcp_host *t, uint32_t size, uint32_t max, uint32_t *got)
{
	for (uint32_t i = 0; i < t->ncache; i++)
		if (t->cache[i].size >= size && t->cache[i].size <= max) {
			uint8_t *b = t->cache[i].buf;
			*got = t->cache[i].size;
			t->cache[i] = t->cache[--t->ncache];
			return b;
		}
	return NULL;
}

static void cache_put(struct tcp_host *t, uint8_t *buf, uint32_t size)
{
	if (t->ncache < TCP_BUF_CACHE) {
		t->cache[t->ncache].buf = buf;
		t->cache[t->ncache].size = size;
		t->ncache++;
	} else {
		free(buf);
	}
}

/* Grow (or first allocate) the ring so offsets below `need` fit.  The
 * old contents move to the start of the new buffer, so every offset from
 * head keeps its meaning (out-of-order bytes included). */
int tcp_ring_reserve(struct tcp_host *t, struct tcp_ring *r, uint32_t need)
{
	if (need > r->cap)
		need = r->cap;
	if (r->buf != NULL && r->size >= need)
		return TV_OK;
	uint32_t size = r->size ? r->size : TCP_RING_MIN;
	while (size < need && size < r->cap)
		size *= 2;
	if (size > r->cap)
		size = r->cap;
	uint32_t got = size;
	uint8_t *nb = cache_take(t, size, r->cap, &got);
	if (nb == NULL)
		nb = malloc(size);
	if (nb == NULL)
		return TV_ENOMEM;
	if (r->buf != NULL) {
		uint32_t first = r->size - r->head;
		memcpy(nb, r->buf + r->head, first);
		memcpy(nb + first, r->buf, r->head);
		cache_put(t, r->buf, r->size);
	}
	r->buf = nb;
	r->size = got;
	r->head = 0;
	return TV_OK;
}

void tcp_ring_free(struct tcp_host *t, struct tcp_ring *r)
{
	if (r->buf != NULL)
		cache_put(t, r->buf, r->size);
	r->buf = NULL;
	r->size = 0;
	r->head = 0;
	r->len = 0;
}

void tcp_buf_cache_free(struct tcp_host *t)
{
	while (t->ncache > 0)
		free(t->cache[--t->ncache].buf);
}

static uint32_t ring_pos(const struct tcp_ring *r, uint32_t off)
{
	uint32_t pos = r->head + off;

	return pos >= r->size ? pos - r->size : pos;
}

void tcp_ring_put(struct tcp_ring *r, uint32_t off, const void *src, uint32_t len)
{
	uint32_t pos = ring_pos(r, off);
	uint32_t first = r->size - pos < len ? r->size - pos : len;

	memcpy(r->buf + pos, src, first);
	memcpy(r->buf, (const uint8_t *)src + first, len - first);
}

void tcp_ring_get(const struct tcp_ring *r, uint32_t off, void *dst, uint32_t len)
{
	uint32_t pos = ring_pos(r, off);
	uint32_t first = r->size - pos < len ? r->size - pos : len;

	memcpy(dst, r->buf + pos, first);
	memcpy((uint8_t *)dst + first, r->buf, len - first);
}

void tcp_ring_drop(struct tcp_ring *r, uint32_t n)
{
	r->head = ring_pos(r, n);
	r->len -= n;
}

uint32_t tcp_snd_append(struct tcb *tcb, const void *data, uint32_t len)
{
	uint32_t room = tcb->snd.cap - tcb->snd.len;
	uint32_t n = len < room ? len : room;

	if (n == 0 || tcp_ring_reserve(tcb_tcp(tcb), &tcb->snd, tcb->snd.len + n) != TV_OK)
		return 0;
	tcp_ring_put(&tcb->snd, tcb->snd.len, data, n);
	tcb->snd.len += n;
	return n;
}

void tcp_snd_acked(struct tcb *tcb, uint32_t ack)
{
	if (!seq_gt(ack, tcb->snd_bufseq))
		return;
	uint32_t n = ack - tcb->snd_bufseq;
	if (n > tcb->snd.len)
		n = tcb->snd.len; /* the rest acknowledges our FIN */
	tcp_ring_drop(&tcb->snd, n);
	tcb->snd_bufseq += n;
	if (tcb->snd.len == 0)
		tcp_ring_free(tcb_tcp(tcb), &tcb->snd);
}

/* Add [lo, hi) to the sorted range list, merging what it touches, if the
 * result stays within the bounds; false (nothing changed) otherwise. */
static bool ooo_add(struct tcp_ooo *o, uint32_t lo, uint32_t hi, uint32_t max_bytes)
{
	struct tcp_ooo n = {0};
	uint32_t i = 0;

	while (i < o->n && seq_lt(o->r[i].hi, lo))
		n.r[n.n++] = o->r[i++];
	while (i < o->n && seq_leq(o->r[i].lo, hi)) {
		lo = seq_min(lo, o->r[i].lo);
		hi = seq_max(hi, o->r[i].hi);
		i++;
	}
	if (n.n == TCP_OOO_RANGES)
		return false;
	n.r[n.n].lo = lo;
	n.r[n.n++].hi = hi;
	while (i < o->n) {
		if (n.n == TCP_OOO_RANGES)
			return false;
		n.r[n.n++] = o->r[i++];
	}
	for (i = 0; i < n.n; i++)
		n.bytes += n.r[i].hi - n.r[i].lo;
	if (n.bytes > max_bytes)
		return false;
	*o = n;
	return true;
}

/* RCV.NXT moved: absorb out-of-order ranges it now reaches. */
static void ooo_advance(struct tcb *tcb)
{
	struct tcp_ooo *o = tcb->ooo;
	uint32_t i = 0;

	while (i < o->n && seq_leq(o->r[i].lo, tcb->rcv_nxt)) {
		tcb->rcv_nxt = seq_max(tcb->rcv_nxt, o->r[i].hi);
		o->bytes -= o->r[i].hi - o->r[i].lo;
		i++;
	}
	memmove(o->r, o->r + i, (o->n - i) * sizeof(o->r[0]));
	o->n -= i;
	if (o->n == 0) {
		free(tcb->ooo);
		tcb->ooo = NULL;
	}
}

uint32_t tcp_ooo_cut(struct tcb *tcb, uint32_t end)
{
	struct tcp_ooo *o = tcb->ooo;
	uint32_t cut = 0;

	if (o == NULL)
		return 0;
	while (o->n > 0 && seq_geq(o->r[o->n - 1].lo, end)) {
		o->n--;
		cut += o->r[o->n].hi - o->r[o->n].lo;
	}
	if (o->n > 0 && seq_gt(o->r[o->n - 1].hi, end)) {
		cut += o->r[o->n - 1].hi - end;
		o->r[o->n - 1].hi = end;
	}
	o->bytes -= cut;
	if (o->n == 0) {
		free(tcb->ooo);
		tcb->ooo = NULL;
		if (tcb->rcv.len == 0)
			tcp_ring_free(tcb_tcp(tcb), &tcb->rcv);
	}
	return cut;
}

static void rcv_drop_event(struct tcb *tcb, enum tv_counter c, uint32_t bytes)
{
	tcb->h->counters[c] += bytes;
	if (tcb_bus_active(tcb)) {
		struct tv_event ev = {0};
		tcb_event_init(tcb, &ev, TV_EV_DROP, TV_RULE_OOO_FULL);
		ev.u.drop.counter = c;
		host_emit(tcb->h, &ev);
	}
}

/* 0, TV_ENOBUFS past the bounds, TV_ENOMEM without memory for the
 * range list (counted apart: the queue was not full). */
static int rcv_store_ooo(struct tcb *tcb, uint32_t seq, uint32_t len)
{
	uint32_t max = tcb->h->cfg.tcp.ooo_max;

	if (tcb->ooo == NULL) {
		if (len > max)
			return TV_ENOBUFS;
		tcb->ooo = calloc(1, sizeof(*tcb->ooo));
		if (tcb->ooo == NULL)
			return TV_ENOMEM;
	}
	if (ooo_add(tcb->ooo, seq, seq + len, max))
		return 0;
	if (tcb->ooo->n == 0) {
		free(tcb->ooo);
		tcb->ooo = NULL;
	}
	return TV_ENOBUFS;
}

long tcp_rcv_store(struct tcb *tcb, uint32_t seq, const uint8_t *data, uint32_t len,
		   tv_time now)
{
	uint32_t readseq = tcb->rcv_nxt - tcb->rcv.len;
	uint32_t off = seq - readseq;

	(void)now;
	if (off >= tcb->rcv.cap)
		return 0;
	if (len > tcb->rcv.cap - off)
		len = tcb->rcv.cap - off; /* beyond the window: trimmed */
	if (len == 0)
		return 0;
	if (tcp_ring_reserve(tcb_tcp(tcb), &tcb->rcv, off + len) != TV_OK) {
		rcv_drop_event(tcb, TV_CNT_TCP_NOMEM, 1);
		return -1;
	}
	int r = seq != tcb->rcv_nxt ? rcv_store_ooo(tcb, seq, len) : 0;
	if (r != 0) {
		if (r == TV_ENOMEM)
			rcv_drop_event(tcb, TV_CNT_TCP_NOMEM, 1);
		else
			rcv_drop_event(tcb, TV_CNT_TCP_OOO_DROP, len);
		if (tcb->rcv.len == 0 && tcb->ooo == NULL)
			tcp_ring_free(tcb_tcp(tcb), &tcb->rcv);
		return -1;
	}
	tcp_ring_put(&tcb->rcv, off, data, len);
	if (seq != tcb->rcv_nxt)
		return 0;
	uint32_t before = tcb->rcv.len;
	tcb->rcv_nxt += len;
	if (tcb->ooo != NULL)
		ooo_advance(tcb);
	tcb->rcv.len = tcb->rcv_nxt - readseq;
	return (long)(tcb->rcv.len - before);
}

uint32_t tcp_rcv_read(struct tcb *tcb, void *dst, uint32_t len)
{
	uint32_t n = len < tcb->rcv.len ? len : tcb->rcv.len;

	if (n == 0)
		return 0;
	tcp_ring_get(&tcb->rcv, 0, dst, n);
	tcp_ring_drop(&tcb->rcv, n);
	if (tcb->rcv.len == 0 && tcb->ooo == NULL)
		tcp_ring_free(tcb_tcp(tcb), &tcb->rcv);
	return n;
}

void tcp_bufs_free(struct tcp_host *t, struct tcb *tcb)
{
	tcp_ring_free(t, &tcb->snd);
	tcp_ring_free(t, &tcb->rcv);
	free(tcb->ooo);
	tcb->ooo = NULL;
}
