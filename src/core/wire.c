/*
 * wire.c - the in-memory Ethernet segment (see wire.h).
 *
 * Every frame sent is copied into a buffer from one of two free lists
 * (Ethernet-sized and jumbo), so a steady stream allocates nothing.  A
 * copy waits for its delivery time in one of two queues, both ordered by
 * (time, insertion sequence):
 *
 *   - a FIFO, taking every frame due no earlier than the FIFO's last one:
 *     with equal delays per direction (the usual case, zero delay
 *     included) every frame lands here and queueing is O(1);
 *   - a binary heap for the rest (jitter, differing delays): O(log n).
 *
 * wire_poll() repeatedly takes the earlier of the two heads.  The
 * insertion sequence breaks ties, so frames due at the same instant keep
 * the order they were sent in and a run is repeatable.
 *
 * Impairments are decided when a frame is sent, in a fixed order (loss,
 * duplication, delay and jitter, reordering), each drawing from the
 * generator only when its chance is non-zero.  A frame chosen for
 * reordering waits in its direction's slot until the next frame of the
 * direction has been queued ahead of it (or reorder_wait passes).
 */
#include <stdlib.h>
#include <string.h>

#include "gate.h"
#include "wire.h"

#define WIRE_SMALL_CAP 1536

struct wire_frame {
	struct wire_frame *next;   /* FIFO or free list */
	tv_time at;                /* delivery time */
	uint64_t seq;              /* insertion order: the tie-break */
	uint8_t from, to;          /* port indexes */
	bool big;                  /* belongs to the jumbo free list */
	uint32_t len;
	uint8_t data[];
};

struct wire_dir {
	bool custom;               /* im overrides the wire's default */
	struct wire_impair im;
	tv_time last_at;           /* latest delivery time given out */
	struct wire_frame *held;   /* held back for reordering */
	tv_time held_until;
};

struct wire_port {
	struct wire *wire;
	uint8_t index;
	bool attached;
	uint8_t mac[TV_ETH_ALEN];
	uint32_t host_id;
	tv_tx_fn deliver;
	void *ctx;
};

struct wire {
	struct tv_bus *bus;
	struct tv_rng rng;
	struct wire_impair def;
	struct wire_port ports[WIRE_PORTS_MAX];
	unsigned nports;
	struct wire_dir dirs[WIRE_PORTS_MAX][WIRE_PORTS_MAX];
	struct wire_frame **heap;
	size_t nheap, heap_cap;
	struct wire_frame *fifo_head, *fifo_tail;
	size_t nfifo;
	struct wire_frame *free_small, *free_big;
	size_t nheld;
	uint64_t seq;
	size_t limit;
	bool verbose;
	struct wire_stats stats;
	tv_frame_tap_fn tap;       /* frame tap (event.h), NULL: none */
	void *tap_ctx;
};

/* ---- frame buffers ---- */

static struct wire_frame *frame_get(struct wire *w, size_t len)
{
	bool big = len > WIRE_SMALL_CAP;
	struct wire_frame **list = big ? &w->free_big : &w->free_small;
	struct wire_frame *f = *list;

	if (f != NULL) {
		*list = f->next;
	} else {
		f = malloc(sizeof(*f) + (big ? TV_FRAME_MAX : WIRE_SMALL_CAP));
		if (f == NULL)
			return NULL;
		f->big = big;
	}
	f->next = NULL;
	f->len = (uint32_t)len;
	return f;
}

static void frame_put(struct wire *w, struct wire_frame *f)
{
	struct wire_frame **list = f->big ? &w->free_big : &w->free_small;

	f->next = *list;
	*list = f;
}

static void frame_list_free(struct wire_frame *f)
{
	struct wire_frame *next;

	for (; f != NULL; f = next) {
		next = f->next;
		free(f);
	}
}

/* ---- the two queues ---- */

static bool frame_before(const struct wire_frame *a, const struct wire_frame *b)
{
	return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

static void heap_swap(struct wire_frame **h, size_t i, size_t j)
{
	struct wire_frame *t = h[i];

	h[i] = h[j];
	h[j] = t;
}

static int heap_push(struct wire *w, struct wire_frame *f)
{
	size_t i;

	if (w->nheap == w->heap_cap) {
		size_t cap = w->heap_cap ? w->heap_cap * 2 : 64;
		struct wire_frame **h = realloc(w->heap, cap * sizeof(*h));
		if (h == NULL)
			return TV_ENOMEM;
		w->heap = h;
		w->heap_cap = cap;
	}
	i = w->nheap++;
	w->heap[i] = f;
	while (i > 0 && frame_before(w->heap[i], w->heap[(i - 1) / 2])) {
		heap_swap(w->heap, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	return 0;
}

static void heap_pop(struct wire *w)
{
	size_t i = 0, n = --w->nheap;

	w->heap[0] = w->heap[n];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && frame_before(w->heap[l], w->heap[m]))
			m = l;
		if (r < n && frame_before(w->heap[r], w->heap[m]))
			m = r;
		if (m == i)
			break;
		heap_swap(w->heap, i, m);
		i = m;
	}
}

/* Give f its sequence number and queue it; frees it if the heap cannot
 * grow. */
static void wire_queue(struct wire *w, struct wire_frame *f)
{
	f->seq = w->seq++;
	if (w->fifo_tail == NULL || f->at >= w->fifo_tail->at) {
		if (w->fifo_tail)
			w->fifo_tail->next = f;
		else
			w->fifo_head = f;
		w->fifo_tail = f;
		w->nfifo++;
	} else if (heap_push(w, f) != 0) {
		w->stats.nomem++;
		frame_put(w, f);
	}
}

static struct wire_frame *wire_peek(const struct wire *w)
{
	struct wire_frame *a = w->fifo_head, *b = w->nheap ? w->heap[0] : NULL;

	if (a == NULL || (b != NULL && frame_before(b, a)))
		return b;
	return a;
}

static void wire_pop(struct wire *w, struct wire_frame *f)
{
	if (f == w->fifo_head) {
		w->fifo_head = f->next;
		if (w->fifo_head == NULL)
			w->fifo_tail = NULL;
		w->nfifo--;
		f->next = NULL;
	} else {
		heap_pop(w);
	}
}

/* ---- life cycle and settings ---- */

void wire_impair_none(struct wire_impair *im)
{
	memset(im, 0, sizeof(*im));
}

struct wire *wire_new(uint64_t seed, struct tv_bus *bus)
{
	struct wire *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->bus = bus;
	w->limit = WIRE_LIMIT_DEFAULT;
	tv_rng_seed(&w->rng, seed);
	return w;
}

void wire_free(struct wire *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->nheap; i++)
		free(w->heap[i]);
	free(w->heap);
	for (unsigned i = 0; i < WIRE_PORTS_MAX; i++)
		for (unsigned j = 0; j < WIRE_PORTS_MAX; j++)
			free(w->dirs[i][j].held);
	frame_list_free(w->fifo_head);
	frame_list_free(w->free_small);
	frame_list_free(w->free_big);
	free(w);
}

static struct wire_port *port_by_mac(struct wire *w, const uint8_t *mac)
{
	for (unsigned i = 0; i < w->nports; i++) {
		struct wire_port *p = &w->ports[i];
		if (p->attached && memcmp(p->mac, mac, TV_ETH_ALEN) == 0)
			return p;
	}
	return NULL;
}

int wire_attach(struct wire *w, const uint8_t mac[TV_ETH_ALEN], uint32_t host_id,
		tv_tx_fn deliver, void *ctx, struct wire_port **out)
{
	struct wire_port *p;

	if (deliver == NULL)
		return TV_EINVAL;
	if (port_by_mac(w, mac) != NULL)
		return TV_EEXIST;
	if (w->nports >= WIRE_PORTS_MAX)
		return TV_ENOBUFS;
	p = &w->ports[w->nports];
	p->wire = w;
	p->index = (uint8_t)w->nports++;
	p->attached = true;
	memcpy(p->mac, mac, TV_ETH_ALEN);
	p->host_id = host_id;
	p->deliver = deliver;
	p->ctx = ctx;
	if (out)
		*out = p;
	return 0;
}

/* The slot is not reused: frames queued for it are dropped on delivery. */
void wire_detach(struct wire_port *p)
{
	p->attached = false;
}

static bool impair_valid(const struct wire_impair *im)
{
	return im->loss_ppm <= 1000000 && im->dup_ppm <= 1000000 &&
	       im->reorder_ppm <= 1000000;
}

int wire_set_default(struct wire *w, const struct wire_impair *im)
{
	if (!impair_valid(im))
		return TV_EINVAL;
	w->def = *im;
	return 0;
}

int wire_set_impair(struct wire *w, const struct wire_port *from, const struct wire_port *to,
		    const struct wire_impair *im)
{
	struct wire_dir *d;

	if (from->wire != w || to->wire != w)
		return TV_EINVAL;
	d = &w->dirs[from->index][to->index];
	if (im == NULL) {
		d->custom = false;
		return 0;
	}
	if (!impair_valid(im))
		return TV_EINVAL;
	d->custom = true;
	d->im = *im;
	return 0;
}

const struct wire_impair *wire_impair_of(const struct wire *w, const struct wire_port *from,
					 const struct wire_port *to)
{
	const struct wire_dir *d = &w->dirs[from->index][to->index];

	return d->custom ? &d->im : &w->def;
}

void wire_set_verbose(struct wire *w, bool verbose)
{
	w->verbose = verbose;
}

void wire_set_limit(struct wire *w, size_t max_frames)
{
	w->limit = max_frames ? max_frames : WIRE_LIMIT_DEFAULT;
}

const struct wire_stats *wire_stats(const struct wire *w)
{
	return &w->stats;
}

uint32_t wire_port_host(const struct wire_port *p)
{
	return p->host_id;
}

size_t wire_in_flight(const struct wire *w)
{
	return w->nfifo + w->nheap + w->nheld;
}

/* ---- sending ---- */

static void wire_emit(struct wire *w, enum tv_wire_action a, unsigned from, unsigned to,
		      const uint8_t *frame, size_t len, tv_time now)
{
	struct gate_summary sum;
	struct tv_event ev;

	if (!tv_bus_active(w->bus))
		return;
	gate_describe(frame, len, &sum);
	memset(&ev, 0, sizeof(ev));
	ev.type = TV_EV_WIRE;
	ev.time = now;
	ev.host = w->ports[from].host_id;
	ev.u.wire.action = a;
	ev.u.wire.from = w->ports[from].host_id;
	ev.u.wire.to = w->ports[to].host_id;
	ev.u.wire.len = (uint32_t)len;
	ev.u.wire.kind = (uint8_t)sum.kind;
	ev.u.wire.has_seg = sum.kind == TV_FRAME_TCP;
	if (ev.u.wire.has_seg)
		ev.u.wire.seg = sum.seg;
	tv_bus_emit(w->bus, &ev);
}

void wire_set_frame_tap(struct wire *w, tv_frame_tap_fn fn, void *ctx)
{
	w->tap = fn;
	w->tap_ctx = ctx;
}

static void wire_tap(const struct wire *w, enum tv_frame_fate fate, unsigned from, unsigned to,
		     const uint8_t *frame, size_t len, bool overflow, tv_time now)
{
	struct tv_frame_info fi = {.time = now, .fate = fate,
				   .from = w->ports[from].host_id, .to = w->ports[to].host_id,
				   .overflow = overflow};

	if (w->tap != NULL)
		w->tap(w->tap_ctx, frame, len, &fi);
}

static tv_time time_add(tv_time a, tv_time b)
{
	return b > TV_NEVER - 1 - a ? TV_NEVER - 1 : a + b;
}

/* Queue f, or hold it back, or let it overtake the frame held back. */
static void wire_route(struct wire *w, struct wire_dir *d, const struct wire_impair *im,
		       struct wire_frame *f, tv_time now)
{
	struct wire_frame *h = d->held;

	if (h != NULL) {
		wire_queue(w, f);
		d->held = NULL;
		w->nheld--;
		if (h->at < f->at)
			h->at = f->at;
		w->stats.reordered++;
		wire_emit(w, TV_WIRE_REORDERED, h->from, h->to, h->data, h->len, now);
		wire_queue(w, h);
	} else if (im->reorder_ppm && tv_rng_chance(&w->rng, im->reorder_ppm)) {
		d->held = f;
		d->held_until = time_add(now, im->reorder_wait ? im->reorder_wait
							       : WIRE_REORDER_WAIT_DEFAULT);
		w->nheld++;
	} else {
		wire_queue(w, f);
	}
}

static tv_time wire_arrival(struct wire *w, struct wire_dir *d, const struct wire_impair *im,
			    tv_time now)
{
	tv_time at = time_add(now, im->delay);

	if (im->jitter)
		at = time_add(at, tv_rng_below(&w->rng, im->jitter + 1));
	/* A direction is a FIFO link: jitter varies the delay, it never
	 * lets a frame pass an earlier one (only reorder_ppm does). */
	if (at < d->last_at)
		at = d->last_at;
	d->last_at = at;
	return at;
}

/* A buffered copy of the frame, or NULL (counted) past the limit or
 * without memory. */
static struct wire_frame *wire_copy(struct wire *w, unsigned from, unsigned to,
				    const uint8_t *frame, size_t len, tv_time now)
{
	struct wire_frame *f;

	if (wire_in_flight(w) >= w->limit) {
		w->stats.overflow++;
		wire_emit(w, TV_WIRE_LOST, from, to, frame, len, now);
		wire_tap(w, TV_FATE_LOST, from, to, frame, len, true, now);
		return NULL;
	}
	f = frame_get(w, len);
	if (f == NULL) {
		w->stats.nomem++;
		wire_tap(w, TV_FATE_LOST, from, to, frame, len, false, now);
		return NULL;
	}
	f->from = (uint8_t)from;
	f->to = (uint8_t)to;
	memcpy(f->data, frame, len);
	return f;
}

/* One frame from port `from` to port `to`, impaired. */
static void wire_carry(struct wire *w, unsigned from, unsigned to, const uint8_t *frame,
		       size_t len, tv_time now)
{
	struct wire_dir *d = &w->dirs[from][to];
	const struct wire_impair *im = d->custom ? &d->im : &w->def;
	int copies = 1;
	tv_time at;

	if (im->loss_ppm && tv_rng_chance(&w->rng, im->loss_ppm)) {
		w->stats.lost++;
		wire_emit(w, TV_WIRE_LOST, from, to, frame, len, now);
		wire_tap(w, TV_FATE_LOST, from, to, frame, len, false, now);
		return;
	}
	if (im->dup_ppm && tv_rng_chance(&w->rng, im->dup_ppm)) {
		copies = 2;
		w->stats.duplicated++;
		wire_emit(w, TV_WIRE_DUPLICATED, from, to, frame, len, now);
		wire_tap(w, TV_FATE_DUPLICATED, from, to, frame, len, false, now);
	}
	at = wire_arrival(w, d, im, now);
	while (copies-- > 0) {
		struct wire_frame *f = wire_copy(w, from, to, frame, len, now);
		if (f == NULL)
			return;
		f->at = at;
		wire_route(w, d, im, f, now);
	}
}

int wire_send(struct wire_port *p, const uint8_t *frame, size_t len, tv_time now)
{
	struct wire *w = p->wire;
	struct wire_port *q;

	if (!p->attached)
		return TV_EINVAL;
	if (len < TV_ETH_ALEN || len > TV_FRAME_MAX) {
		w->stats.bad_len++;
		return TV_EMSGSIZE;
	}
	w->stats.sent++;
	if (frame[0] & 1) { /* group bit: broadcast or multicast */
		for (unsigned i = 0; i < w->nports; i++)
			if (i != p->index && w->ports[i].attached)
				wire_carry(w, p->index, i, frame, len, now);
		return 0;
	}
	q = port_by_mac(w, frame);
	if (q == NULL || q == p) {
		w->stats.unknown_dst++;
		return 0;
	}
	wire_carry(w, p->index, q->index, frame, len, now);
	return 0;
}

int wire_port_tx(void *port, const uint8_t *frame, size_t len, tv_time now)
{
	return wire_send(port, frame, len, now);
}

/* ---- delivery ---- */

/* Frames held back too long go on without being overtaken. */
static void wire_release_held(struct wire *w, tv_time now)
{
	for (unsigned i = 0; i < w->nports && w->nheld; i++) {
		for (unsigned j = 0; j < w->nports; j++) {
			struct wire_dir *d = &w->dirs[i][j];
			struct wire_frame *h = d->held;
			if (h == NULL || d->held_until > now)
				continue;
			d->held = NULL;
			w->nheld--;
			if (h->at < now)
				h->at = now;
			wire_queue(w, h);
		}
	}
}

static void wire_deliver(struct wire *w, struct wire_frame *f, tv_time now)
{
	struct wire_port *p = &w->ports[f->to];

	if (!p->attached)
		return;
	w->stats.delivered++;
	if (w->verbose)
		wire_emit(w, TV_WIRE_DELIVERED, f->from, f->to, f->data, f->len, now);
	p->deliver(p->ctx, f->data, f->len, now);
}

void wire_poll(struct wire *w, tv_time now)
{
	struct wire_frame *f;
	uint64_t limit;

	if (w->nheld)
		wire_release_held(w, now);
	limit = w->seq;
	while ((f = wire_peek(w)) != NULL && f->at <= now && f->seq < limit) {
		wire_pop(w, f);
		wire_deliver(w, f, now);
		frame_put(w, f);
	}
}

tv_time wire_next_deadline(const struct wire *w)
{
	const struct wire_frame *f = wire_peek(w);
	tv_time t = f ? f->at : TV_NEVER;

	for (unsigned i = 0; i < w->nports && w->nheld; i++)
		for (unsigned j = 0; j < w->nports; j++)
			if (w->dirs[i][j].held && w->dirs[i][j].held_until < t)
				t = w->dirs[i][j].held_until;
	return t;
}
