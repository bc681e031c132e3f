/*
 * model_map.c - the two small hash tables the TUI model indexes itself
 * with (model_int.h says which and why): a u64 -> u32 map with open
 * addressing and linear probing, and the table of arrows in flight,
 * chained so that equal segments stay in the order they were sent.
 *
 * Both grow by doubling and never shrink; a failed allocation leaves the
 * table as it was and the caller degrades (an arrow that cannot be
 * indexed simply never resolves).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tui/model_int.h"

#define MAP_EMPTY 0
#define MAP_DEAD UINT64_MAX

/* splitmix64's finaliser: every input bit moves every output bit. */
uint64_t tm_hash64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* The two reserved key values are folded onto neighbours that real
 * callers never produce together with them. */
static uint64_t map_key(uint64_t key)
{
	if (key == MAP_EMPTY)
		return 1ull << 63;
	if (key == MAP_DEAD)
		return (1ull << 63) + 1;
	return key;
}

static size_t map_find(const struct tm_map *t, uint64_t key, bool *found)
{
	size_t mask = t->cap - 1, i = tm_hash64(key) & mask, dead = SIZE_MAX;

	for (;; i = (i + 1) & mask) {
		if (t->keys[i] == key) {
			*found = true;
			return i;
		}
		if (t->keys[i] == MAP_DEAD && dead == SIZE_MAX)
			dead = i;
		if (t->keys[i] == MAP_EMPTY) {
			*found = false;
			return dead != SIZE_MAX ? dead : i;
		}
	}
}

bool tm_map_get(const struct tm_map *t, uint64_t key, uint32_t *val)
{
	bool found;
	size_t i;

	if (t->cap == 0)
		return false;
	i = map_find(t, map_key(key), &found);
	if (found && val != NULL)
		*val = t->vals[i];
	return found;
}

static int map_grow(struct tm_map *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64;
	struct tm_map n = {0};
	bool found;

	/* Mostly deleted slots: rehash at the same size. */
	if (t->cap && t->n * 2 < t->cap)
		cap = t->cap;
	n.keys = calloc(cap, sizeof(*n.keys));
	n.vals = malloc(cap * sizeof(*n.vals));
	if (n.keys == NULL || n.vals == NULL) {
		free(n.keys);
		free(n.vals);
		return -1;
	}
	n.cap = cap;
	for (size_t i = 0; i < t->cap; i++) {
		if (t->keys[i] == MAP_EMPTY || t->keys[i] == MAP_DEAD)
			continue;
		size_t j = map_find(&n, t->keys[i], &found);
		n.keys[j] = t->keys[i];
		n.vals[j] = t->vals[i];
		n.n++;
	}
	n.used = n.n;
	tm_map_free(t);
	*t = n;
	return 0;
}

int tm_map_put(struct tm_map *t, uint64_t key, uint32_t val)
{
	bool found;
	size_t i;

	key = map_key(key);
	if ((t->used + 1) * 4 > t->cap * 3 && map_grow(t) != 0)
		return -1;
	i = map_find(t, key, &found);
	if (!found) {
		t->used += t->keys[i] == MAP_EMPTY;
		t->n++;
		t->keys[i] = key;
	}
	t->vals[i] = val;
	return 0;
}

void tm_map_del(struct tm_map *t, uint64_t key)
{
	bool found;
	size_t i;

	if (t->cap == 0)
		return;
	i = map_find(t, map_key(key), &found);
	if (found) {
		t->keys[i] = MAP_DEAD;
		t->n--;
	}
}

void tm_map_free(struct tm_map *t)
{
	free(t->keys);
	free(t->vals);
	memset(t, 0, sizeof(*t));
}

/* ---- arrows in flight ---- */

static uint64_t pend_hash(uint32_t saddr, uint16_t sport, uint32_t daddr, uint16_t dport,
			  uint32_t seq, uint32_t ack, uint8_t flags, uint32_t len)
{
	uint64_t h = tm_hash64(((uint64_t)saddr << 32 | daddr) ^ 0x9e3779b97f4a7c15ull);

	h = tm_hash64(h ^ ((uint64_t)sport << 48 | (uint64_t)dport << 32 | seq));
	return tm_hash64(h ^ ((uint64_t)ack << 32 | (uint64_t)flags << 24 | (len & 0xffffff)));
}

static size_t pend_bucket(const struct tm_pendtab *p, const struct tv_seg_info *s)
{
	return pend_hash(s->saddr, s->sport, s->daddr, s->dport, s->seq, s->ack, s->flags,
			 s->len) & (p->nbuckets - 1);
}

static bool pend_same(const struct tm_pend *n, const struct tv_seg_info *s)
{
	return n->saddr == s->saddr && n->daddr == s->daddr && n->sport == s->sport &&
	       n->dport == s->dport && n->seq == s->seq && n->ack == s->ack &&
	       n->flags == s->flags && n->len == s->len;
}

/* Relink every live node into a bucket array of the given size, keeping
 * each bucket's order (nodes are visited bucket by bucket, in order). */
static int pend_rehash(struct tm_pendtab *p, size_t nb)
{
	uint32_t *heads = calloc(nb, sizeof(*heads)), *tails = calloc(nb, sizeof(*tails));

	if (heads == NULL || tails == NULL) {
		free(heads);
		free(tails);
		return -1;
	}
	for (size_t b = 0; b < p->nbuckets; b++) {
		uint32_t i = p->heads[b];
		while (i != 0) {
			struct tm_pend *n = &p->pool[i - 1];
			uint32_t next = n->next;
			size_t nbk = pend_hash(n->saddr, n->sport, n->daddr, n->dport, n->seq, n->ack,
					       n->flags, n->len) & (nb - 1);
			n->next = 0;
			if (tails[nbk])
				p->pool[tails[nbk] - 1].next = i;
			else
				heads[nbk] = i;
			tails[nbk] = i;
			i = next;
		}
	}
	free(tails);
	free(p->heads);
	p->heads = heads;
	p->nbuckets = nb;
	return 0;
}

static int pend_grow_pool(struct tm_pendtab *p)
{
	size_t cap = p->cap ? p->cap * 2 : 64;
	struct tm_pend *pool;

	if (cap > UINT32_MAX - 1)
		return -1;
	pool = realloc(p->pool, cap * sizeof(*pool));
	if (pool == NULL)
		return -1;
	for (size_t i = p->cap; i < cap; i++) {
		pool[i].live = false;
		pool[i].next = i + 1 < cap ? (uint32_t)(i + 2) : p->free_head;
	}
	p->free_head = (uint32_t)(p->cap + 1);
	p->pool = pool;
	p->cap = cap;
	return 0;
}

uint32_t tm_pend_add(struct tm_pendtab *p, const struct tv_seg_info *s, unsigned flow,
		     uint64_t serial)
{
	struct tm_pend *n;
	uint32_t i, *link;

	if (p->nbuckets == 0 && pend_rehash(p, 64) != 0)
		return 0;
	if (p->n >= p->nbuckets)
		pend_rehash(p, p->nbuckets * 2); /* failing only lengthens chains */
	if (p->free_head == 0 && pend_grow_pool(p) != 0)
		return 0;
	i = p->free_head;
	n = &p->pool[i - 1];
	p->free_head = n->next;
	*n = (struct tm_pend){s->saddr, s->daddr, s->sport, s->dport, s->seq, s->ack, s->len,
			      s->flags, flow, serial, 0, true};
	for (link = &p->heads[pend_bucket(p, s)]; *link != 0; link = &p->pool[*link - 1].next)
		;
	*link = i;
	p->n++;
	return i;
}

uint32_t tm_pend_next(const struct tm_pendtab *p, const struct tv_seg_info *s, uint32_t *it)
{
	uint32_t i;

	if (p->nbuckets == 0)
		return 0;
	i = *it ? p->pool[*it - 1].next : p->heads[pend_bucket(p, s)];
	for (; i != 0; i = p->pool[i - 1].next)
		if (pend_same(&p->pool[i - 1], s))
			break;
	*it = i;
	return i;
}

void tm_pend_remove(struct tm_pendtab *p, uint32_t node)
{
	struct tm_pend *n = tm_pend_at(p, node);
	struct tv_seg_info s = {0};
	uint32_t *link;

	if (n == NULL)
		return;
	s.saddr = n->saddr, s.daddr = n->daddr, s.sport = n->sport, s.dport = n->dport;
	s.seq = n->seq, s.ack = n->ack, s.flags = n->flags, s.len = n->len;
	for (link = &p->heads[pend_bucket(p, &s)]; *link != 0 && *link != node;
	     link = &p->pool[*link - 1].next)
		;
	if (*link == node)
		*link = n->next;
	n->live = false;
	n->next = p->free_head;
	p->free_head = node;
	p->n--;
}

void tm_pend_free(struct tm_pendtab *p)
{
	free(p->heads);
	free(p->pool);
	memset(p, 0, sizeof(*p));
}
