/*
 * fuzz_ctl.c - the control protocol (issue 6, target d), both ends.
 *
 * Input:
 *   u8 how     bit 0: the rest is request lines for the daemon's server
 *                     (src/daemon/server.c), else JSON lines for the
 *                     client side
 *   ...        the bytes
 *
 * Client side: the bytes go through the codec of `tcpviz ctl` and the
 * TUI (tvc_feed/tvc_next, src/daemon/client.c) in chunks, and every
 * message it yields into what the TUI does with it: greetings,
 * snapshots and "hosts" notices into the model (tui/model_json.c) and
 * the event decoder (src/daemon/evjson.c), events decoded into the model.
 *
 * Server side: a runtime with hosts A and B (B running every service)
 * on a wire with a 1 ms delay, and a server that does not listen; the
 * input is written into one end of a socketpair attached with
 * server_attach_fd, the write side is then shut, and the loop runs
 * without waiting (UV_RUN_NOWAIT) a bounded number of rounds (and at
 * most a second) while the replies are read; commands that wait in real
 * time are cut short when we hang up (the server cancels a gone client's
 * wait).  The clock starts paused.  The replies then go through the
 * client side as above, so the codec also sees what a real server
 * writes.  The hosts' invariants (tests/invariant.h) are checked at the
 * end; a violation aborts.
 */
#define _POSIX_C_SOURCE 200809L /* socketpair, fcntl under -std=c11 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "core/sim.h"
#include "daemon/client.h"
#include "daemon/evjson.h"
#include "daemon/server.h"
#include "fuzz.h"
#include "host/rt.h"
#include "script/script.h"
#include "tui/model.h"

#define REQ_MAX 65536          /* request bytes written to the server */
#define ROUNDS_MAX 200         /* loop rounds per input */
#define TALK_NS 1000000000ull  /* and at most 1 s of real time */
#define OUT_MAX (4u << 20)     /* reply bytes kept for the client side */

struct ctl_out {
	uint8_t *buf;
	size_t len;
};

/* ---- the client side -------------------------------------------------- */

static void ctl_msg(struct model *m, struct evjson *dec, const struct tvc_msg *msg)
{
	struct tv_event ev;
	const json_t *o = msg->obj;

	switch (msg->kind) {
	case TVC_GREETING:
		model_greeting(m, o, 0);
		evjson_add_hosts(dec, json_object_get(o, "hosts"), NULL, NULL);
		break;
	case TVC_REPLY:
		if (json_object_get(o, "snapshot") != NULL)
			model_snapshot(m, json_object_get(o, "snapshot"), 0);
		break;
	case TVC_NOTICE:
		model_hosts(m, json_object_get(o, "hosts"));
		evjson_add_hosts(dec, json_object_get(o, "hosts"), NULL, NULL);
		break;
	case TVC_EVENT:
		if (evjson_decode(dec, o, &ev) == 0)
			model_event(m, &ev);
		break;
	default:
		break;
	}
}

/* Feed in chunks of a size the data picks, as reads would split it. */
static void ctl_client(const uint8_t *data, size_t size)
{
	struct tvc *c = tvc_new();
	struct model *m = model_new();
	struct evjson *dec = evjson_new();
	struct tvc_msg msg;
	size_t chunk = size > 0 ? 1 + data[0] % 64 : 1;

	if (c == NULL || m == NULL || dec == NULL)
		abort();
	for (size_t off = 0; off < size; off += chunk) {
		size_t n = size - off < chunk ? size - off : chunk;
		if (tvc_feed(c, data + off, n) != 0)
			break;
		int r;
		while ((r = tvc_next(c, &msg)) != 0) {
			if (r > 0) {
				ctl_msg(m, dec, &msg);
				tvc_msg_clear(&msg);
			}
		}
	}
	evjson_free(dec);
	model_free(m);
	tvc_free(c);
}

/* ---- the server side -------------------------------------------------- */

static void ctl_line(struct rt *rt, struct script *sc, const char *line)
{
	struct script_cmd cmd;
	struct script_error err;
	struct script_result res;

	if (script_parse_line("setup", 1, line, strlen(line), &cmd, &err) != 0)
		abort();
	rt_exec(rt, sc, &cmd, &res);
	script_cmd_free(&cmd);
}

/* Read what the server wrote; false at end of stream or on an error. */
static bool ctl_drain(int fd, struct ctl_out *out)
{
	uint8_t buf[16384];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		if (n == 0)
			return false;
		size_t keep = out->len + (size_t)n <= OUT_MAX ? (size_t)n : 0;
		uint8_t *nb = keep ? realloc(out->buf, out->len + keep) : out->buf;
		if (keep && nb == NULL)
			abort();
		out->buf = nb;
		memcpy(out->buf + out->len, buf, keep);
		out->len += keep;
	}
}

static void ctl_talk(struct rt *rt, int fd, const uint8_t *data, size_t size,
		     struct ctl_out *out)
{
	size_t off = 0;
	uint64_t t0 = uv_hrtime();

	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (int i = 0; i < ROUNDS_MAX && uv_hrtime() - t0 < TALK_NS; i++) {
		while (off < size) {
			ssize_t n = write(fd, data + off, size - off);
			if (n <= 0)
				break;
			off += (size_t)n;
		}
		if (off == size)
			shutdown(fd, SHUT_WR);
		uv_run(rt_loop(rt), UV_RUN_NOWAIT);
		if (!ctl_drain(fd, out))
			break;
	}
	close(fd);
}

static void ctl_check(struct rt *rt)
{
	struct sim *sim = rt_sim(rt);
	struct inv_track tr[SIM_HOSTS_MAX];
	unsigned n = sim_host_count(sim);

	for (unsigned i = 0; i < n && i < SIM_HOSTS_MAX; i++)
		inv_track_init(&tr[i], sim_host_at(sim, i));
	fz_check(tr, n < SIM_HOSTS_MAX ? n : SIM_HOSTS_MAX, "after the requests");
}

static void ctl_server(const uint8_t *data, size_t size)
{
	struct rt_opts o;
	struct script_config scfg = {.seed = 1, .seed_fixed = true};
	struct server_config cfg;
	struct ctl_out out = {0};
	char msg[256];
	int sv[2];

	rt_opts_default(&o);
	o.no_signals = true;
	struct rt *rt = rt_new(&o, NULL);
	if (rt == NULL)
		abort();
	rt_script_config(rt, &scfg);
	struct script *sc = script_new(rt_sim(rt), &scfg);
	if (sc == NULL)
		abort();
	ctl_line(rt, sc, "host A 10.0.0.1");
	ctl_line(rt, sc, "host B 10.0.0.2");
	ctl_line(rt, sc, "wire delay 1ms");
	ctl_line(rt, sc, "start B all");
	/* A paused clock and a wire with a delay: time passes only when a
	 * request says so (resume, skip, speed), else a chargen left running
	 * would have the stack chase the wall clock (or, on a wire without
	 * delay, loop at one instant) for the whole input. */
	rt_pause(rt);
	server_config_default(&cfg);
	cfg.no_listen = true;
	struct server *srv = server_new(rt, sc, &cfg, msg, sizeof(msg));
	if (srv == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
		fprintf(stderr, "server setup: %s\n", msg);
		abort();
	}
	if (server_attach_fd(srv, sv[0]) == 0)
		ctl_talk(rt, sv[1], data, size < REQ_MAX ? size : REQ_MAX, &out);
	else
		close(sv[1]);
	for (int i = 0; i < 8; i++)
		uv_run(rt_loop(rt), UV_RUN_NOWAIT);
	ctl_check(rt);
	server_free(srv);
	script_free(sc);
	rt_free(rt);
	if (getenv("TCPVIZ_FUZZ_DEBUG") != NULL) /* see what the server said */
		fprintf(stderr, "%.*s", (int)out.len, (const char *)out.buf);
	ctl_client(out.buf, out.len);
	free(out.buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		ctl_server(data + 1, size - 1);
	else
		ctl_client(data + 1, size - 1);
	return 0;
}
