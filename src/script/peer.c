/*
 * peer.c - the scripted raw peer: a port on the in-memory wire with no
 * stack behind it, driven by packetdrill-style lines (pkt.c).
 *
 * A `<` line builds a whole Ethernet/IPv4/TCP frame from the line and
 * sends it from the peer's port at the line's time; a `>` line runs the
 * simulation until the next TCP segment reaches the peer (or the line's
 * time window closes) and compares it with the line.  Sequence numbers
 * on the lines are relative: the peer's own to the ISN it chose (`isn`,
 * or one drawn from the seed), the host's to the ISN of the last SYN the
 * host sent to the peer (absolute until one was seen).  Times are the
 * virtual times at which the peer sends or receives: with a wire delay,
 * the host's answer reaches the peer one delay after the host sent it.
 *
 * Hosts learn the peer's MAC address through static ARP entries (added
 * when the peer or a host appears), and the peer answers ARP requests
 * for its address anyway.  What the peer sends and receives goes on the
 * event bus as TV_EV_SEG_OUT / TV_EV_SEG_IN from the peer's own
 * endpoint id, so transcripts and ladders show both sides.
 *
 * By default the peer is strict, like packetdrill: a segment the host
 * sent that no `>` line consumed fails the next `<` line.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/checksum.h"
#include "core/ipv4.h"
#include "i18n.h"
#include "script/internal.h"

#define PEER_PORT_DEFAULT 40000

/* ---- receiving ---- */

static void peer_tap(struct speer *p, enum tv_frame_fate fate, uint32_t from, uint32_t to,
		     const uint8_t *frame, size_t len, tv_time now)
{
	struct tv_frame_info fi;

	if (p->sc->tap == NULL)
		return;
	memset(&fi, 0, sizeof(fi));
	fi.time = now;
	fi.fate = fate;
	fi.from = from;
	fi.to = to;
	p->sc->tap(p->sc->tap_ctx, frame, len, &fi);
}

static uint32_t host_id_by_mac(struct script *sc, const uint8_t *mac)
{
	for (unsigned i = 0; i < sim_host_count(sc->sim); i++) {
		const struct host *h = sim_host_at(sc->sim, i);
		if (memcmp(h->cfg.mac, mac, 6) == 0)
			return h->id;
	}
	return 0;
}

static void peer_emit_seg(struct speer *p, enum tv_event_type type, const struct tv_seg_info *seg)
{
	struct tv_event ev;

	if (!tv_bus_active(sim_bus(p->sc->sim)))
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.host = p->id;
	ev.conn = p->flow;
	p->flow_used = true;
	ev.tuple.laddr = p->addr;
	ev.tuple.lport = p->lport;
	ev.tuple.raddr = type == TV_EV_SEG_OUT ? seg->daddr : seg->saddr;
	ev.tuple.rport = type == TV_EV_SEG_OUT ? seg->dport : seg->sport;
	ev.u.seg = *seg;
	ev.u.seg.iss = p->isn;
	ev.u.seg.irs = p->host_isn_known ? p->host_isn : 0;
	sx_emit(p->sc, &ev);
}

/* An ARP request for our address: answer it (RFC 826). */
static void peer_arp(struct speer *p, const uint8_t *frame, size_t len, tv_time now)
{
	const uint8_t *a = frame + TV_ETH_HLEN;
	uint8_t out[TV_ETH_HLEN + 28];

	if (len < TV_ETH_HLEN + 28 || tv_get_be16(a + 6) != 1 || tv_get_be32(a + 24) != p->addr)
		return;
	memcpy(out, frame + 6, 6);
	memcpy(out + 6, p->mac, 6);
	tv_put_be16(out + 12, TV_ETHERTYPE_ARP);
	memcpy(out + 14, a, 6);              /* htype, ptype, hlen, plen */
	tv_put_be16(out + 20, 2);            /* reply */
	memcpy(out + 22, p->mac, 6);
	tv_put_be32(out + 28, p->addr);
	memcpy(out + 32, a + 8, 10);         /* the asker's MAC and address */
	peer_tap(p, TV_FATE_SENT, p->id, host_id_by_mac(p->sc, frame + 6), out, sizeof(out), now);
	wire_send(p->port, out, sizeof(out), now);
}

static void peer_learn(struct speer *p, const struct tv_seg_info *seg)
{
	if (p->target == NULL)
		p->target = sim_host_by_addr(p->sc->sim, seg->saddr);
	if (p->target != NULL && p->tport == 0 && seg->saddr == p->target->cfg.addr)
		p->tport = seg->sport;
	if (p->lport == 0)
		p->lport = seg->dport;
	if ((seg->flags & TV_TH_SYN) && p->target != NULL && seg->saddr == p->target->cfg.addr &&
	    seg->sport == p->tport) {
		p->host_isn = seg->seq;
		p->host_isn_known = true;
	}
}

static int peer_deliver(void *ctx, const uint8_t *frame, size_t len, tv_time now)
{
	struct speer *p = ctx;
	struct tv_seg_info seg;

	if (len < TV_ETH_HLEN)
		return 0;
	peer_tap(p, TV_FATE_DELIVERED, host_id_by_mac(p->sc, frame + 6), p->id, frame, len, now);
	if (tv_get_be16(frame + 12) == TV_ETHERTYPE_ARP) {
		peer_arp(p, frame, len, now);
		return 0;
	}
	if (!tv_frame_tcp_info(frame, len, &seg) || seg.daddr != p->addr)
		return 0;
	peer_learn(p, &seg);
	peer_emit_seg(p, TV_EV_SEG_IN, &seg);
	if (p->qlen == PEER_QUEUE) {
		p->qlost++;
		return 0;
	}
	struct peer_seg *q = &p->q[(p->qhead + p->qlen++) % PEER_QUEUE];
	q->time = now;
	q->seg = seg;
	q->from = host_id_by_mac(p->sc, frame + 6);
	return 0;
}

/* ---- declaring ---- */

static void peer_static_arp(struct speer *p, struct host *h)
{
	arp_insert(h, p->addr, p->mac, true, sim_now(p->sc->sim));
}

void peer_host_added(struct script *sc, struct host *h)
{
	for (struct speer *p = sc->peers; p != NULL; p = p->next)
		peer_static_arp(p, h);
}

int peer_port_of(struct script *sc, const char *name, struct wire_port **port, uint32_t *addr)
{
	struct speer *p = sx_peer(sc, name);

	if (p == NULL)
		return TV_ENOENT;
	*port = p->port;
	*addr = p->addr;
	return 0;
}

static void peer_reset_flow(struct speer *p)
{
	if (p->flow_used)
		p->flow++;
	p->flow_used = false;
	p->host_isn_known = false;
	p->host_isn = 0;
	p->qhead = p->qlen = 0;
	p->qlost = 0;
}

static enum script_status peer_new(struct script *sc, const struct script_cmd *cmd,
				   struct speer **out)
{
	unsigned n = 0;
	struct speer *p, **pp = &sc->peers;
	uint32_t addr = cmd->addr;

	if (!cmd->has_addr)
		return sx_error(sc, cmd->a.col, _("a new peer needs an address: peer %s ADDRESS"),
				cmd->a.name);
	if (sx_check_new_name(sc, &cmd->a) != SCRIPT_OK || sx_check_onlink(sc, addr, 0) != SCRIPT_OK)
		return SCRIPT_ERROR;
	for (; *pp != NULL; pp = &(*pp)->next)
		n++;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return sx_fail(sc, 0, "%s", _("out of memory"));
	p->sc = sc;
	p->id = PEER_ID_BASE + n;
	p->addr = addr;
	snprintf(p->name, sizeof(p->name), "%s", cmd->a.name);
	uint8_t mac[6] = {0x02, 0x00, (uint8_t)(addr >> 24), (uint8_t)(addr >> 16),
			  (uint8_t)(addr >> 8), (uint8_t)addr};
	memcpy(p->mac, cmd->has_mac ? cmd->mac : mac, 6);
	int r = wire_attach(sim_wire(sc->sim), p->mac, p->id, peer_deliver, p, &p->port);
	if (r != 0) {
		free(p);
		return r == TV_EEXIST ? sx_error(sc, 0, "%s", _("that MAC address is already on the wire"))
				      : sx_error(sc, 0, _("too many hosts and peers on the wire (%d at most)"),
						 SIM_HOSTS_MAX);
	}
	p->isn = (uint32_t)tv_rng_next(&sc->rng);
	p->strict = true;
	p->flow = 1;
	*pp = p;
	for (unsigned i = 0; i < sim_host_count(sc->sim); i++)
		peer_static_arp(p, sim_host_at(sc->sim, i));
	if (sc->cfg.on_endpoint)
		sc->cfg.on_endpoint(sc->cfg.ctx, p->id, p->name, p->addr);
	*out = p;
	return SCRIPT_OK;
}

enum script_status peer_exec(struct script *sc, const struct script_cmd *cmd)
{
	struct speer *p = sx_peer(sc, cmd->a.name);
	const struct script_peer_args *pa = &cmd->peer;

	if (p == NULL) {
		if (peer_new(sc, cmd, &p) != SCRIPT_OK)
			return sc->res->status;
	} else if (cmd->has_addr || cmd->has_mac) {
		return sx_error(sc, cmd->a.col, _("peer '%s' exists; its address cannot change"),
				p->name);
	}
	if (cmd->dest.ref.name[0] != '\0') {
		struct host *h = sx_need_host(sc, &cmd->dest.ref);
		if (h == NULL)
			return SCRIPT_ERROR;
		p->target = h;
		p->tport = cmd->dest.port;
		peer_reset_flow(p);
	}
	if (cmd->has_port)
		p->lport = cmd->port;
	if (pa->has_isn)
		p->isn = pa->isn;
	if (pa->has_tol)
		p->tolerance = pa->tolerance;
	if (pa->has_strict)
		p->strict = pa->strict;
	sc->cur = p;
	return SCRIPT_OK;
}

void peer_free_all(struct script *sc)
{
	while (sc->peers != NULL) {
		struct speer *p = sc->peers;
		sc->peers = p->next;
		wire_detach(p->port);
		free(p);
	}
	sc->cur = NULL;
}

/* ---- sending ---- */

static size_t opt_put(const struct script_opt *o, uint32_t host_base, uint8_t *b)
{
	switch (o->kind) {
	case SCRIPT_OPT_NOP: b[0] = 1; return 1;
	case SCRIPT_OPT_EOL: b[0] = 0; return 1;
	case SCRIPT_OPT_MSS: b[0] = 2; b[1] = 4; tv_put_be16(b + 2, (uint16_t)o->a); return 4;
	case SCRIPT_OPT_WSCALE: b[0] = 3; b[1] = 3; b[2] = (uint8_t)o->a; return 3;
	case SCRIPT_OPT_SACKOK: b[0] = 4; b[1] = 2; return 2;
	case SCRIPT_OPT_SACK:
		b[0] = 5;
		b[1] = (uint8_t)(2 + 8 * o->nsack);
		for (unsigned i = 0; i < o->nsack; i++) {
			tv_put_be32(b + 2 + 8 * i, host_base + o->sack[i][0]);
			tv_put_be32(b + 6 + 8 * i, host_base + o->sack[i][1]);
		}
		return 2 + 8 * o->nsack;
	default:
		b[0] = 8;
		b[1] = 10;
		tv_put_be32(b + 2, (uint32_t)o->a);
		tv_put_be32(b + 6, (uint32_t)o->b);
		return 10;
	}
}

/* Ethernet and IPv4 headers for tlen bytes of TCP. */
static void peer_headers(struct speer *p, uint8_t *f, size_t tlen)
{
	uint8_t *ip = f + TV_ETH_HLEN;
	uint16_t csum;

	memcpy(f, p->target->cfg.mac, 6);
	memcpy(f + 6, p->mac, 6);
	tv_put_be16(f + 12, TV_ETHERTYPE_IPV4);
	memset(ip, 0, TV_IP_HLEN);
	ip[0] = 0x45;
	tv_put_be16(ip + 2, (uint16_t)(TV_IP_HLEN + tlen));
	tv_put_be16(ip + 4, p->ip_id++);
	ip[8] = 64;
	ip[9] = TV_IPPROTO_TCP;
	tv_put_be32(ip + 12, p->addr);
	tv_put_be32(ip + 16, p->target->cfg.addr);
	/* The sums come out in network order in memory (checksum.c). */
	csum = tv_csum_finish(tv_csum_add(0, ip, TV_IP_HLEN));
	memcpy(ip + 10, &csum, 2);
}

/* Ethernet + IPv4 + TCP for the line; returns the frame length. */
static size_t peer_build(struct speer *p, const struct script_pkt *pkt, uint8_t *f)
{
	uint8_t *tcp = f + TV_ETH_HLEN + TV_IP_HLEN, *o = tcp + TCP_HLEN;
	uint32_t base = p->host_isn_known ? p->host_isn : 0;
	size_t olen = 0, tlen;
	uint16_t csum;

	for (unsigned i = 0; i < pkt->nopts; i++)
		olen += opt_put(&pkt->opts[i], base, o + olen);
	while (olen % 4)
		o[olen++] = 0; /* pad with EOL */
	for (uint32_t i = 0; i < pkt->len; i++)
		o[olen + i] = (uint8_t)(' ' + (pkt->seq + i) % 95);
	tlen = TCP_HLEN + olen + pkt->len;
	peer_headers(p, f, tlen);
	tv_put_be16(tcp, p->lport);
	tv_put_be16(tcp + 2, p->tport);
	tv_put_be32(tcp + 4, p->isn + pkt->seq);
	tv_put_be32(tcp + 8, pkt->has_ack ? base + pkt->ack : 0);
	tcp[12] = (uint8_t)((TCP_HLEN + olen) / 4 << 4);
	tcp[13] = pkt->flags;
	tv_put_be16(tcp + 14, (uint16_t)pkt->win);
	memset(tcp + 16, 0, 4);
	csum = tv_csum_finish(tv_csum_add(tv_csum_pseudo(p->addr, p->target->cfg.addr,
							  TV_IPPROTO_TCP, (uint16_t)tlen),
					  tcp, tlen));
	memcpy(tcp + 16, &csum, 2);
	return TV_ETH_HLEN + TV_IP_HLEN + tlen;
}

/* The peer's current flow, or a script error. */
static enum script_status peer_ready(struct script *sc, struct speer **out)
{
	struct speer *p = sc->cur;

	if (p == NULL)
		return sx_error(sc, 0, "%s", _("no raw peer: declare one first (peer NAME ADDRESS to HOST:PORT)"));
	if (p->target == NULL && sim_host_count(sc->sim) == 1)
		p->target = sim_host_at(sc->sim, 0);
	*out = p;
	return SCRIPT_OK;
}

static void actual_pkt(const struct speer *p, const struct tv_seg_info *s, struct script_pkt *a);

static enum script_status peer_unexpected(struct script *sc, struct speer *p)
{
	const struct peer_seg *q = &p->q[p->qhead];
	struct script_pkt a;
	char d[32];

	actual_pkt(p, &q->seg, &a);
	pkt_format(&a, sc->res->actual, sizeof(sc->res->actual));
	snprintf(sc->res->expected, sizeof(sc->res->expected), "%s", _("(no segment)"));
	return sx_fail(sc, 0, _("the host sent a segment no '>' line expected (at %s); write a '>' line for it or use 'peer %s strict off'"),
		       val_fmt_duration(q->time, d, sizeof(d)), p->name);
}

/* The time a line names, from now. */
static tv_time line_time(const struct script_pkt *pkt, tv_time now, tv_time t)
{
	if (pkt->time_kind == SCRIPT_T_REL)
		return t > TV_NEVER / 2 - now ? TV_NEVER / 2 : now + t;
	return t;
}

static enum script_status peer_inject(struct script *sc, struct speer *p, const struct script_pkt *pkt)
{
	uint8_t frame[TV_FRAME_MAX + 64];
	tv_time now = sim_now(sc->sim), at = line_time(pkt, now, pkt->t);
	struct tv_seg_info seg;
	char a[32], b[32];

	if (p->target == NULL)
		return sx_error(sc, 0, _("peer '%s' does not know which host it talks to: add 'to HOST:PORT'"),
				p->name);
	if (p->tport == 0)
		return sx_error(sc, 0, _("peer '%s' does not know the host's port: add 'to %s:PORT'"),
				p->name, p->target->cfg.name);
	if (at < now)
		return sx_fail(sc, 0, _("this line's time %s is already past (it is %s)"),
			       val_fmt_duration(at, a, sizeof(a)), val_fmt_duration(now, b, sizeof(b)));
	sx_run_for(sc, at - now);
	if (p->strict && p->qlen > 0)
		return peer_unexpected(sc, p);
	if (p->lport == 0)
		p->lport = PEER_PORT_DEFAULT;
	size_t len = peer_build(p, pkt, frame);
	now = sim_now(sc->sim);
	if (tv_frame_tcp_info(frame, len, &seg))
		peer_emit_seg(p, TV_EV_SEG_OUT, &seg);
	peer_tap(p, TV_FATE_SENT, p->id, p->target->id, frame, len, now);
	int r = wire_send(p->port, frame, len, now);
	if (r != 0)
		return sx_fail(sc, 0, _("the wire refused the segment: %s"), _(tv_strerror(r)));
	/* Like a kernel taking a packet at once: do what is due now (with
	 * no wire delay, the host's processing of this segment). */
	sx_run_for(sc, 0);
	return SCRIPT_OK;
}

/* ---- expecting ---- */

static void actual_pkt(const struct speer *p, const struct tv_seg_info *s, struct script_pkt *a)
{
	uint32_t base = p->host_isn_known ? p->host_isn : 0;

	memset(a, 0, sizeof(*a));
	a->flags = s->flags;
	a->seq = s->seq - base;
	a->len = s->len;
	a->end = a->seq + s->len;
	a->has_ack = (s->flags & TV_TH_ACK) != 0;
	a->ack = s->ack - p->isn;
	a->has_win = true;
	a->win = s->win;
	if (s->has_mss)
		a->opts[a->nopts++] = (struct script_opt){.kind = SCRIPT_OPT_MSS, .a = s->mss};
	if (s->sack_ok)
		a->opts[a->nopts++] = (struct script_opt){.kind = SCRIPT_OPT_SACKOK};
	if (s->has_ts)
		a->opts[a->nopts++] = (struct script_opt){.kind = SCRIPT_OPT_TS, .a = s->tsval,
							  .b = s->tsecr};
	if (s->has_wscale)
		a->opts[a->nopts++] = (struct script_opt){.kind = SCRIPT_OPT_WSCALE, .a = s->wscale};
}

static const struct script_opt *opt_find(const struct script_pkt *p, enum script_opt_kind k)
{
	for (unsigned i = 0; i < p->nopts; i++)
		if (p->opts[i].kind == k)
			return &p->opts[i];
	return NULL;
}

static bool opts_match(const struct script_pkt *want, const struct script_pkt *got)
{
	static const enum script_opt_kind kinds[] = {SCRIPT_OPT_MSS, SCRIPT_OPT_WSCALE,
						     SCRIPT_OPT_SACKOK, SCRIPT_OPT_TS};

	if (want->opts_any)
		return true;
	for (size_t i = 0; i < TV_ARRAY_LEN(kinds); i++) {
		const struct script_opt *w = opt_find(want, kinds[i]), *g = opt_find(got, kinds[i]);
		if ((w == NULL) != (g == NULL))
			return false;
		if (w == NULL)
			continue;
		if (w->a != SCRIPT_ANY && w->a != g->a)
			return false;
		if (kinds[i] == SCRIPT_OPT_TS && w->b != SCRIPT_ANY && w->b != g->b)
			return false;
	}
	return true;
}

/* Which part differs first, for the message; NULL when all match. */
static const char *pkt_mismatch(const struct script_pkt *w, const struct script_pkt *g)
{
	if (w->flags != g->flags)
		return _("flags");
	if (w->seq != g->seq || w->len != g->len)
		return _("sequence number or length");
	if (w->has_ack && w->ack != g->ack)
		return _("acknowledgment number");
	if (w->has_win && w->win != g->win)
		return _("window");
	if (!opts_match(w, g))
		return _("options");
	return NULL;
}

struct peer_wait {
	struct speer *p;
};

static bool peer_has_seg(void *ctx, struct sim *s)
{
	(void)s;
	return ((struct peer_wait *)ctx)->p->qlen > 0;
}

static void peer_involve_flow(struct script *sc, struct speer *p)
{
	struct host *h = p->target;

	if (h == NULL)
		return;
	for (struct tcb *t = h->tcp->all; t != NULL; t = t->anext)
		if (!t->gone && t->lst == NULL && t->tuple.raddr == p->addr &&
		    t->tuple.rport == p->lport && t->tuple.lport == p->tport) {
			sx_involve(sc, h, t->id, sx_name_of(sc, h, t->id));
			return;
		}
}

static enum script_status peer_wrong_flow(struct script *sc, struct speer *p,
					  const struct peer_seg *q)
{
	char a[16];

	return sx_fail(sc, 0, _("the segment came from %s port %u to port %u, but peer '%s' talks to %s port %u from port %u"),
		       tv_ip_str(q->seg.saddr, a), q->seg.sport, q->seg.dport, p->name,
		       p->target->cfg.name, p->tport, p->lport);
}

static enum script_status peer_expect(struct script *sc, struct speer *p, const struct script_pkt *pkt)
{
	tv_time now = sim_now(sc->sim), lo, hi;
	struct peer_wait pw = {p};
	struct script_pkt got;
	char a[32], b[32];

	if (pkt->time_kind == SCRIPT_T_ANY) {
		lo = now;
		hi = now + sc->cfg.run_limit;
	} else {
		lo = line_time(pkt, now, pkt->t);
		hi = line_time(pkt, now, pkt->range ? pkt->t_hi : pkt->t);
		lo = lo > p->tolerance ? lo - p->tolerance : 0;
		hi += p->tolerance;
	}
	if (p->qlen == 0 && hi >= now)
		sx_run_until(sc, peer_has_seg, &pw, hi - now);
	pkt_format(pkt, sc->res->expected, sizeof(sc->res->expected));
	peer_involve_flow(sc, p);
	if (p->qlen == 0) {
		snprintf(sc->res->actual, sizeof(sc->res->actual), "%s", _("(nothing)"));
		return sx_fail(sc, 0, _("the host sent nothing by %s"), val_fmt_duration(hi, a, sizeof(a)));
	}
	struct peer_seg q = p->q[p->qhead];
	p->qhead = (p->qhead + 1) % PEER_QUEUE;
	p->qlen--;
	actual_pkt(p, &q.seg, &got);
	pkt_format(&got, sc->res->actual, sizeof(sc->res->actual));
	if (p->target != NULL && (q.seg.saddr != p->target->cfg.addr || q.seg.sport != p->tport ||
				  q.seg.dport != p->lport))
		return peer_wrong_flow(sc, p, &q);
	if (q.time < lo)
		return sx_fail(sc, 0, _("the segment came too early: at %s, expected from %s"),
			       val_fmt_duration(q.time, a, sizeof(a)), val_fmt_duration(lo, b, sizeof(b)));
	const char *what = pkt_mismatch(pkt, &got);
	if (what != NULL)
		return sx_fail(sc, pkt->col_flags, _("the host sent a different segment (%s differ)"), what);
	return SCRIPT_OK;
}

enum script_status peer_pkt(struct script *sc, const struct script_cmd *cmd)
{
	struct speer *p = NULL;

	if (peer_ready(sc, &p) != SCRIPT_OK)
		return SCRIPT_ERROR;
	if (cmd->pkt.inbound)
		return peer_inject(sc, p, &cmd->pkt);
	return peer_expect(sc, p, &cmd->pkt);
}
