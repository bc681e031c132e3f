/*
 * sim.c - the headless driver (see sim.h).
 *
 * Each host is a node: the host, its gate and its wire port.  Frames are
 * plumbed through small adaptors whose context is the node, so the gate
 * and the wire need not know about each other or about hosts:
 *
 *   host cfg.tx -> node_tx -> gate_input(OUT) -> node_to_link -> wire_send
 *   wire delivery -> node_from_wire -> gate_input(IN) -> node_to_host
 *                 -> host_input
 *
 * The clock only moves in sim_step(), to the earliest deadline of all the
 * parts.  Every step runs the parts in one fixed order (wire, gates,
 * hosts in creation order) so that a run depends only on the seed.
 */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

struct sim_node {
	struct sim *sim;
	struct host *host;
	struct gate *gate;
	struct wire_port *port;
};

struct sim {
	struct tv_bus bus;
	struct wire *wire;
	struct sim_node nodes[SIM_HOSTS_MAX];
	unsigned n;
	tv_time now;
	struct tv_rng rng;       /* seeds for the wire, hosts and gates */
	uint32_t frame_ids;      /* shared by all gates */
	uint64_t steps;
	tv_frame_tap_fn tap;     /* frame tap (event.h), NULL: none */
	void *tap_ctx;
};

/* ---- plumbing ---- */

/* The id of the host whose MAC is mac, 0 if none (a broadcast). */
static uint32_t sim_id_by_mac(const struct sim *s, const uint8_t *mac)
{
	for (unsigned i = 0; i < s->n; i++)
		if (memcmp(s->nodes[i].host->cfg.mac, mac, TV_ETH_ALEN) == 0)
			return s->nodes[i].host->id;
	return 0;
}

/* Report a frame leaving (SENT) or reaching (DELIVERED) node n's host to
 * the tap; the other end is read off the frame's MAC addresses.  Node i
 * carries host id i + 1 (also while host_new() runs, when the host sends
 * its gratuitous ARP). */
static void node_tap(const struct sim_node *n, enum tv_frame_fate fate, const uint8_t *frame,
		     size_t len, tv_time now)
{
	const struct sim *s = n->sim;
	struct tv_frame_info fi = {.time = now, .fate = fate};
	uint32_t self = (uint32_t)(n - s->nodes) + 1;
	uint32_t other = 0;

	if (s->tap == NULL)
		return;
	if (len >= 2 * TV_ETH_ALEN)
		other = sim_id_by_mac(s, frame + (fate == TV_FATE_SENT ? 0 : TV_ETH_ALEN));
	fi.from = fate == TV_FATE_SENT ? self : other;
	fi.to = fate == TV_FATE_SENT ? other : self;
	s->tap(s->tap_ctx, frame, len, &fi);
}

static int node_tx(void *ctx, const uint8_t *frame, size_t len, tv_time now)
{
	struct sim_node *n = ctx;

	node_tap(n, TV_FATE_SENT, frame, len, now);
	return gate_input(n->gate, TV_DIR_OUT, frame, len, now);
}

static int node_to_link(void *ctx, const uint8_t *frame, size_t len, tv_time now)
{
	struct sim_node *n = ctx;

	return wire_send(n->port, frame, len, now);
}

static int node_from_wire(void *ctx, const uint8_t *frame, size_t len, tv_time now)
{
	struct sim_node *n = ctx;

	return gate_input(n->gate, TV_DIR_IN, frame, len, now);
}

static int node_to_host(void *ctx, const uint8_t *frame, size_t len, tv_time now)
{
	struct sim_node *n = ctx;

	/* NULL only while host_new() runs: nothing can reach it then, as
	 * deliveries come from sim_step() alone. */
	if (n->host != NULL) {
		node_tap(n, TV_FATE_DELIVERED, frame, len, now);
		host_input(n->host, frame, len, now);
	}
	return 0;
}

/* ---- life cycle ---- */

struct sim *sim_new(uint64_t seed)
{
	struct sim *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	tv_bus_init(&s->bus);
	tv_rng_seed(&s->rng, seed);
	s->wire = wire_new(tv_rng_next(&s->rng), &s->bus);
	if (s->wire == NULL) {
		free(s);
		return NULL;
	}
	return s;
}

void sim_free(struct sim *s)
{
	if (s == NULL)
		return;
	for (unsigned i = 0; i < s->n; i++)
		host_free(s->nodes[i].host);
	for (unsigned i = 0; i < s->n; i++)
		gate_free(s->nodes[i].gate);
	wire_free(s->wire);
	tv_bus_fini(&s->bus);
	free(s);
}

void sim_host_config(struct sim *s, struct host_config *cfg, const char *name, uint32_t addr)
{
	uint64_t k0, k1;

	host_config_default(cfg);
	strncpy(cfg->name, name, sizeof(cfg->name) - 1);
	cfg->addr = addr;
	/* Locally administered unicast (02:...), unique per address. */
	cfg->mac[0] = 0x02;
	cfg->mac[1] = 0x00;
	for (int i = 0; i < 4; i++)
		cfg->mac[2 + i] = (uint8_t)(addr >> (24 - 8 * i));
	k0 = tv_rng_next(&s->rng);
	k1 = tv_rng_next(&s->rng);
	for (int i = 0; i < 8; i++) {
		cfg->isn_key[i] = (uint8_t)(k0 >> (8 * i));
		cfg->isn_key[8 + i] = (uint8_t)(k1 >> (8 * i));
	}
	cfg->seed = tv_rng_next(&s->rng);
}

static int sim_check_new(const struct sim *s, const struct host_config *cfg)
{
	if (cfg->name[0] == '\0' || memchr(cfg->name, '\0', sizeof(cfg->name)) == NULL)
		return TV_EINVAL;
	if (sim_host(s, cfg->name) != NULL)
		return TV_EEXIST;
	return s->n >= SIM_HOSTS_MAX ? TV_ENOBUFS : 0;
}

static struct gate *sim_gate_new(struct sim *s, struct sim_node *n, uint32_t id)
{
	struct gate_config gc;
	struct gate *g;

	memset(&gc, 0, sizeof(gc));
	gc.host_id = id;
	gc.to_host = node_to_host;
	gc.to_host_ctx = n;
	gc.to_link = node_to_link;
	gc.to_link_ctx = n;
	gc.bus = &s->bus;
	gc.seed = tv_rng_next(&s->rng);
	gc.id_source = &s->frame_ids;
	g = gate_new(&gc);
	if (g != NULL)
		gate_set_frame_tap(g, s->tap, s->tap_ctx);
	return g;
}

int sim_add_host_config(struct sim *s, const struct host_config *cfg, struct host **out)
{
	struct sim_node *n = &s->nodes[s->n];
	uint32_t id = s->n + 1;
	struct host_config hc = *cfg;
	int err = sim_check_new(s, cfg);

	if (err)
		return err;
	memset(n, 0, sizeof(*n));
	n->sim = s;
	n->gate = sim_gate_new(s, n, id);
	if (n->gate == NULL)
		return TV_ENOMEM;
	err = wire_attach(s->wire, cfg->mac, id, node_from_wire, n, &n->port);
	if (err) {
		gate_free(n->gate);
		return err;
	}
	hc.tx = node_tx;
	hc.tx_ctx = n;
	hc.bus = &s->bus;
	n->host = host_new(&hc, id, s->now);
	if (n->host == NULL) {
		wire_detach(n->port);
		gate_free(n->gate);
		return host_config_valid(&hc) ? TV_ENOMEM : TV_EINVAL;
	}
	s->n++;
	if (out)
		*out = n->host;
	return 0;
}

int sim_add_host(struct sim *s, const char *name, uint32_t addr, struct host **out)
{
	struct host_config cfg;

	if (name == NULL || name[0] == '\0')
		return TV_EINVAL;
	sim_host_config(s, &cfg, name, addr);
	return sim_add_host_config(s, &cfg, out);
}

/* ---- lookups ---- */

struct host *sim_host(const struct sim *s, const char *name)
{
	for (unsigned i = 0; i < s->n; i++)
		if (strcmp(s->nodes[i].host->cfg.name, name) == 0)
			return s->nodes[i].host;
	return NULL;
}

struct host *sim_host_by_addr(const struct sim *s, uint32_t addr)
{
	for (unsigned i = 0; i < s->n; i++)
		if (s->nodes[i].host->cfg.addr == addr)
			return s->nodes[i].host;
	return NULL;
}

struct host *sim_host_at(const struct sim *s, unsigned i)
{
	return i < s->n ? s->nodes[i].host : NULL;
}

unsigned sim_host_count(const struct sim *s)
{
	return s->n;
}

static const struct sim_node *sim_node_of(const struct sim *s, const struct host *h)
{
	for (unsigned i = 0; i < s->n; i++)
		if (s->nodes[i].host == h)
			return &s->nodes[i];
	return NULL;
}

struct gate *sim_gate(const struct sim *s, const struct host *h)
{
	const struct sim_node *n = sim_node_of(s, h);

	return n ? n->gate : NULL;
}

struct wire_port *sim_port(const struct sim *s, const struct host *h)
{
	const struct sim_node *n = sim_node_of(s, h);

	return n ? n->port : NULL;
}

struct gate *sim_gate_holding(const struct sim *s, uint32_t id)
{
	for (unsigned i = 0; i < s->n; i++)
		if (gate_holds(s->nodes[i].gate, id))
			return s->nodes[i].gate;
	return NULL;
}

struct wire *sim_wire(const struct sim *s)
{
	return s->wire;
}

struct tv_bus *sim_bus(struct sim *s)
{
	return &s->bus;
}

int sim_rule(struct sim *s, const struct host *from, const struct host *to,
	     const struct gate_rule *r, uint32_t *id)
{
	struct gate_rule rule = *r;
	struct gate *g;

	rule.saddr = rule.daddr = 0;
	if (from != NULL) {
		g = sim_gate(s, from);
		rule.dirs = GATE_DIR_BIT(TV_DIR_OUT);
		rule.daddr = to ? to->cfg.addr : 0;
	} else if (to != NULL) {
		g = sim_gate(s, to);
		rule.dirs = GATE_DIR_BIT(TV_DIR_IN);
	} else {
		return TV_EINVAL;
	}
	if (g == NULL || (to != NULL && sim_gate(s, to) == NULL))
		return TV_EINVAL;
	return gate_rule_add(g, &rule, id);
}

/* ---- the clock ---- */

tv_time sim_now(const struct sim *s)
{
	return s->now;
}

void sim_set_frame_tap(struct sim *s, tv_frame_tap_fn fn, void *ctx)
{
	s->tap = fn;
	s->tap_ctx = ctx;
	wire_set_frame_tap(s->wire, fn, ctx);
	for (unsigned i = 0; i < s->n; i++)
		gate_set_frame_tap(s->nodes[i].gate, fn, ctx);
}

uint64_t sim_steps(const struct sim *s)
{
	return s->steps;
}

tv_time sim_next_deadline(const struct sim *s)
{
	tv_time t = wire_next_deadline(s->wire);

	for (unsigned i = 0; i < s->n; i++) {
		tv_time h = host_next_deadline(s->nodes[i].host);
		tv_time g = gate_next_deadline(s->nodes[i].gate);
		if (h < t)
			t = h;
		if (g < t)
			t = g;
	}
	return t;
}

bool sim_step(struct sim *s)
{
	tv_time t = sim_next_deadline(s);

	if (t == TV_NEVER)
		return false;
	if (t > s->now)
		s->now = t;
	s->steps++;
	wire_poll(s->wire, s->now);
	for (unsigned i = 0; i < s->n; i++)
		gate_poll(s->nodes[i].gate, s->now);
	for (unsigned i = 0; i < s->n; i++)
		if (host_next_deadline(s->nodes[i].host) <= s->now)
			host_poll(s->nodes[i].host, s->now);
	return true;
}

static tv_time sim_deadline_after(const struct sim *s, tv_time d)
{
	return d >= TV_NEVER - s->now ? TV_NEVER : s->now + d;
}

/* Counts the steps taken at one instant; true once there are too many.
 * On a wire with no delay, a sender that never stops (chargen) moves data
 * without time passing, and a run would spin for ever.  A finite transfer
 * is far below the bound: 1 GiB at one instant takes about 8,300 steps. */
struct instant {
	tv_time at;
	uint32_t steps;
};

static bool sim_stalled(const struct sim *s, struct instant *in)
{
	if (s->now != in->at) {
		in->at = s->now;
		in->steps = 0;
		return false;
	}
	return ++in->steps > SIM_INSTANT_STEPS_MAX;
}

int sim_run_for(struct sim *s, tv_time d)
{
	tv_time end = sim_deadline_after(s, d);
	struct instant in = {s->now, 0};

	while (sim_next_deadline(s) <= end && sim_step(s))
		if (sim_stalled(s, &in))
			return TV_ESTALLED;
	if (end != TV_NEVER)
		s->now = end;
	return 0;
}

int sim_run_until(struct sim *s, sim_cond_fn cond, void *ctx, tv_time limit)
{
	tv_time end = sim_deadline_after(s, limit);
	struct instant in = {s->now, 0};

	for (;;) {
		if (cond(ctx, s))
			return 0;
		tv_time t = sim_next_deadline(s);
		if (t == TV_NEVER || t > end)
			break;
		sim_step(s);
		if (sim_stalled(s, &in))
			return TV_ESTALLED;
	}
	if (end != TV_NEVER)
		s->now = end;
	return TV_ETIMEDOUT;
}

bool sim_idle(const struct sim *s)
{
	return sim_next_deadline(s) == TV_NEVER;
}

bool sim_quiet(const struct sim *s)
{
	if (wire_in_flight(s->wire) != 0)
		return false;
	for (unsigned i = 0; i < s->n; i++) {
		if (gate_scheduled_count(s->nodes[i].gate) != 0)
			return false;
		if (host_next_deadline(s->nodes[i].host) <= s->now)
			return false;
	}
	return true;
}

static bool cond_idle(void *ctx, struct sim *s)
{
	(void)ctx;
	return sim_idle(s);
}

static bool cond_quiet(void *ctx, struct sim *s)
{
	(void)ctx;
	return sim_quiet(s);
}

int sim_run_until_idle(struct sim *s, tv_time limit)
{
	return sim_run_until(s, cond_idle, NULL, limit);
}

int sim_run_until_quiet(struct sim *s, tv_time limit)
{
	return sim_run_until(s, cond_quiet, NULL, limit);
}
