/*
 * live.c - `tcpviz run --tap NAME --addr A/N [--host-addr H/N] FILE`: a
 * script run against the host's kernel across a TAP device, in real
 * time.  run.c parses the common options and calls in here for the live
 * ones; the script then runs over the runtime's sim (src/host/rt.h)
 * instead of a headless one, and its waits (run, run until, step) let
 * the wall clock pass while the loop serves the device.
 *
 * The stack is the sim host made from --addr, named by --name ("tcpviz"
 * unless told otherwise); the kernel is a station on the same wire, which
 * the script reaches by its address (--host-addr) and the transcript
 * calls "kernel".  At the end of the script, or on SIGINT/SIGTERM, every
 * connection is closed (FIN, or RST with --reset) and given a moment to
 * finish before the device goes away.
 */
#define _DEFAULT_SOURCE
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sim.h"
#include "host/rt.h"
#include "i18n.h"
#include "live.h"

struct live {
	struct rt *rt;
	struct rt_tap_info info;
	bool interrupted;
	bool reset;
};

int live_parse_cidr(const char *s, uint32_t *addr, uint8_t *len)
{
	char buf[32], *slash, *end;
	unsigned long n;

	if (strlen(s) >= sizeof(buf))
		return TV_EINVAL;
	strcpy(buf, s);
	if ((slash = strchr(buf, '/')) == NULL)
		return TV_EINVAL;
	*slash = '\0';
	errno = 0;
	n = strtoul(slash + 1, &end, 10);
	if (errno || end == slash + 1 || *end != '\0' || n > 32 || tv_ip_parse(buf, addr) != 0)
		return TV_EINVAL;
	*len = (uint8_t)n;
	return 0;
}

static bool parse_speed(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	if (end > s && (*end == 'x' || *end == 'X'))
		end++;
	return errno == 0 && end > s && *end == '\0' && *v >= RT_SPEED_MIN && *v <= RT_SPEED_MAX;
}

int live_opt(struct live_opts *o, int c, const char *arg)
{
	const char *what = NULL;

	switch (c) {
	case LIVE_OPT_TAP: o->tap = arg; return 0;
	case LIVE_OPT_NAME: o->name = arg; return 0;
	case LIVE_OPT_USER: o->user = arg; return 0;
	case LIVE_OPT_RESET: o->reset = true; return 0;
	case LIVE_OPT_ADDR:
		if (live_parse_cidr(arg, &o->addr, &o->addr_len) == 0)
			return 0;
		what = "--addr";
		break;
	case LIVE_OPT_HOST_ADDR:
		if (live_parse_cidr(arg, &o->host_addr, &o->host_len) == 0)
			return 0;
		what = "--host-addr";
		break;
	case LIVE_OPT_SPEED:
		if (parse_speed(arg, &o->speed))
			return 0;
		fprintf(stderr, _("%s: invalid --speed '%s': give a factor from %.1f to %.0f\n"),
			PACKAGE, arg, RT_SPEED_MIN, RT_SPEED_MAX);
		return 2;
	default:
		return -1;
	}
	fprintf(stderr, _("%s: invalid %s '%s': give an IPv4 address and prefix length, e.g. "
			  "10.1.2.2/24\n"),
		PACKAGE, what, arg);
	return 2;
}

/* Options that only make sense with --tap. */
int live_check(const struct live_opts *o, int nfiles)
{
	if (o->tap == NULL) {
		if (o->addr_len || o->host_len || o->name || o->user || o->reset || o->speed != 0) {
			fprintf(stderr, _("%s run: --addr, --host-addr, --name, --user, --speed and "
					  "--reset need --tap\n"),
				PACKAGE);
			return 2;
		}
		return -1;
	}
	if (o->addr_len == 0) {
		fprintf(stderr, _("%s run: --tap needs --addr ADDR/LEN, the stack's own address "
				  "(e.g. --addr 10.1.2.2/24)\n"),
			PACKAGE);
		return 2;
	}
	if (nfiles != 1) {
		fprintf(stderr, _("%s run: with --tap, give exactly one script\n"), PACKAGE);
		return 2;
	}
	return -1;
}

static void live_on_signal(void *ctx, int signum)
{
	struct live *l = ctx;

	l->interrupted = true;
	fprintf(stderr, _("%s: %s: closing connections\n"), PACKAGE, strsignal(signum));
}

static void live_announce(const struct live *l, const struct live_opts *o)
{
	char a[16], b[16];
	const uint8_t *m = l->info.mac;

	if (o->host_addr != 0)
		fprintf(stderr,
			_("%s: %s is up: kernel %s/%u (%02x:%02x:%02x:%02x:%02x:%02x), "
			  "stack '%s' %s/%u\n"),
			PACKAGE, l->info.name, tv_ip_str(o->host_addr, a), (unsigned)o->host_len, m[0],
			m[1], m[2], m[3], m[4], m[5], l->info.host->cfg.name,
			tv_ip_str(o->addr, b), (unsigned)o->addr_len);
	else
		fprintf(stderr, _("%s: attached to %s: stack '%s' %s/%u\n"), PACKAGE, l->info.name,
			l->info.host->cfg.name, tv_ip_str(o->addr, b), (unsigned)o->addr_len);
}

static int live_setup(struct live *l, const struct live_opts *o)
{
	struct rt_tap_opts to = {0};
	char msg[1024];
	int r;

	to.name = o->tap;
	to.addr = o->addr;
	to.addr_len = o->addr_len;
	to.host_name = o->name;
	to.host_addr = o->host_addr;
	to.host_len = o->host_len;
	r = rt_add_tap(l->rt, &to, msg, sizeof(msg));
	if (msg[0] != '\0')
		fprintf(stderr, "%s: %s\n", PACKAGE, msg);
	if (r != 0)
		return r;
	r = rt_drop_privileges(l->rt, o->user, msg, sizeof(msg));
	if (r != 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE, msg);
		return r;
	}
	rt_tap_info(l->rt, 0, &l->info);
	live_announce(l, o);
	return 0;
}

struct live *live_open(const struct live_opts *o, uint64_t seed)
{
	struct live *l = calloc(1, sizeof(*l));
	struct rt_opts ro;
	int err = 0;

	if (l == NULL) {
		fprintf(stderr, _("%s: out of memory\n"), PACKAGE);
		return NULL;
	}
	rt_opts_default(&ro);
	ro.seed = seed;
	ro.speed = o->speed != 0 ? o->speed : 1.0;
	ro.close_mode = o->reset ? RT_CLOSE_RST : RT_CLOSE_FIN;
	l->reset = o->reset;
	ro.on_signal = live_on_signal;
	ro.signal_ctx = l;
	if ((l->rt = rt_new(&ro, &err)) == NULL) {
		fprintf(stderr, _("%s: cannot start the runtime: %s\n"), PACKAGE,
			_(tv_strerror(err)));
		free(l);
		return NULL;
	}
	if (live_setup(l, o) != 0) {
		rt_free(l->rt);
		free(l);
		return NULL;
	}
	/* The transcript is followed as it is written. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	return l;
}

struct sim *live_sim(struct live *l)
{
	return rt_sim(l->rt);
}

void live_script_config(struct live *l, struct script_config *cfg)
{
	rt_script_config(l->rt, cfg);
}

void live_endpoints(struct live *l, void (*fn)(void *ctx, uint32_t id, const char *name,
					       uint32_t addr),
		    void *ctx)
{
	const struct host *h = l->info.host;

	fn(ctx, l->info.port_id, l->info.kernel_name, l->info.host_addr);
	if (h != NULL)
		fn(ctx, h->id, h->cfg.name, h->cfg.addr);
}

void live_set_frame_tap(struct live *l, tv_frame_tap_fn fn, void *ctx)
{
	rt_set_frame_tap(l->rt, fn, ctx);
}

enum script_status live_exec(struct live *l, struct script *sc, const struct script_cmd *cmd,
			     struct script_result *res)
{
	return rt_exec(l->rt, sc, cmd, res);
}

int live_signal(const struct live *l)
{
	return l->interrupted ? rt_signal(l->rt) : 0;
}

void live_finish(struct live *l)
{
	if (!rt_stopping(l->rt))
		rt_shutdown(l->rt, l->reset ? RT_CLOSE_RST : RT_CLOSE_FIN);
	rt_run(l->rt);
}

void live_close(struct live *l)
{
	if (l == NULL)
		return;
	rt_sync(l->rt); /* what the teardown sent still reaches the kernel */
	rt_free(l->rt);
	free(l);
}
