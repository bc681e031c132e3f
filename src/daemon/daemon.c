/*
 * daemon.c - `tcpviz daemon`: the stack running live, with no UI, driven
 * and watched through the control socket (server.h).
 *
 * It stays in the foreground and logs one line per notable thing to
 * stderr (no timestamps: a service manager adds its own).  Without --tap
 * it builds the demo wire: hosts A (10.0.0.1) and B (10.0.0.2), 100 µs
 * apart, with the services on B; with --tap the stack host sits on a TAP
 * device facing the kernel (src/host/rt.h), with the services on it.  The
 * set-up of the demo wire is written in the command language and run like
 * any client's request, so what the daemon does is what a client could.
 *
 * SIGINT/SIGTERM: the runtime closes the connections and stops; the
 * server says bye to its clients first.
 */
#define _GNU_SOURCE /* lstat, SOCK_CLOEXEC under -std=c11 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/apps.h"
#include "core/host.h"
#include "daemon/cmd.h"
#include "daemon/server.h"
#include "host/rt.h"
#include "i18n.h"
#include "out/text.h"
#include "script/script.h"

#define DEMO_A "10.0.0.1"
#define DEMO_B "10.0.0.2"

struct dopts {
	const char *tap, *addr, *host_addr, *socket, *user;
	unsigned services;
	double speed;
	uint64_t seed;
	unsigned ring;
	size_t out_max;
	unsigned clients_max, errors_max;
	unsigned stall_ms;        /* throttled client reading nothing: dropped after this */
	bool verbose;
	bool reset;               /* shut down with RST, not FIN */
};

struct daemon {
	struct rt *rt;
	struct script *sc;
	struct server *srv;
	int unlinker;             /* socket to the child that removes the socket, or -1 */
	struct text_out *text;
};

static void dlog(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "%s\n", line);
	fflush(stderr);
}

static void usage(FILE *out)
{
	fprintf(out, _("Usage: %s daemon [OPTION]...\n"), PACKAGE);
	fputs(_("Run the stack live, without a UI, driven through a control socket\n"
		"(see 'tcpviz ctl').  Logs to stderr; stops on SIGINT or SIGTERM.\n\n"), out);
	fputs(_("  -S, --socket=PATH     the control socket (default $XDG_RUNTIME_DIR/tcpviz.sock,\n"
		"                        else /tmp/tcpviz-UID/tcpviz.sock)\n"), out);
	fputs(_("      --services=LIST   services to run, comma-separated: echo, discard,\n"
		"                        daytime, chargen, http, all or none (default all)\n"), out);
	fputs(_("      --speed=X         clock speed, 0.1 to 100 (default 1)\n"), out);
	fputs(_("  -s, --seed=N          seed of the run (default 1)\n"), out);
	fputs(_("      --ring=N          recent events kept for late clients (default 4096)\n"), out);
	fputs(_("      --client-buffer=BYTES\n"
		"                        drop a client with more unread output (default 4194304)\n"),
	      out);
	fputs(_("      --client-stall=MS drop a client that floods requests and reads nothing\n"
		"                        for MS milliseconds (default 10000)\n"),
	      out);
	fputs(_("      --max-clients=N   clients connected at once (default 64)\n"), out);
	fputs(_("      --max-errors=N    drop a client after N bad requests in a row (default 64)\n"),
	      out);
	fputs(_("  -v, --verbose         also print the transcript of every event to stderr\n"),
	      out);
	fputs(_("      --reset           on SIGINT/SIGTERM, reset connections (RST) instead of\n"
		"                        closing them (FIN)\n"),
	      out);
	fputs(_("\nWithout --tap: the demo wire, hosts A (10.0.0.1) and B (10.0.0.2), services on B.\n"),
	      out);
	fputs(_("TAP (the kernel as the peer):\n"), out);
	fputs(_("      --tap=NAME        attach to TAP device NAME (created if missing)\n"), out);
	fputs(_("      --addr=A/N        the stack's address on it (e.g. 10.9.0.2/24)\n"), out);
	fputs(_("      --host-addr=H/N   give the kernel side this address and bring it up\n"), out);
	fputs(_("      --user=USER       when started as root, run as USER after opening the\n"
		"                        device (default $SUDO_UID, else nobody; root keeps root)\n"),
	      out);
	fputs(_("  -h, --help            show this help and exit\n"), out);
}

/* ---- options ---- */

static bool parse_services(const char *s, unsigned *mask)
{
	char word[32];

	*mask = 0;
	if (strcmp(s, "all") == 0) {
		*mask = APPS_ALL;
		return true;
	}
	if (strcmp(s, "none") == 0 || *s == '\0')
		return true;
	while (*s != '\0') {
		size_t k = strcspn(s, ",");
		int svc;
		if (k == 0 || k >= sizeof(word))
			return false;
		memcpy(word, s, k);
		word[k] = '\0';
		if ((svc = app_find(word)) < 0)
			return false;
		*mask |= APP_BIT(svc);
		s += k + (s[k] == ',');
	}
	return true;
}

static bool parse_cidr(const char *s, uint32_t *addr, uint8_t *len)
{
	char ip[20], *end;
	const char *slash = strchr(s, '/');
	unsigned long n = 24;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(ip))
		return false;
	memcpy(ip, s, (size_t)(slash - s));
	ip[slash - s] = '\0';
	errno = 0;
	n = strtoul(slash + 1, &end, 10);
	if (errno || end == slash + 1 || *end != '\0' || n > 32 || tv_ip_parse(ip, addr) != 0)
		return false;
	*len = (uint8_t)n;
	return true;
}

static bool parse_ulong(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno == 0 && end != s && *end == '\0' && s[0] != '-' && *v <= max;
}

enum { OPT_SERVICES = 256, OPT_SPEED, OPT_TAP, OPT_ADDR, OPT_HOST_ADDR, OPT_USER, OPT_RING,
       OPT_CLIENT_BUF, OPT_RESET, OPT_MAX_CLIENTS, OPT_MAX_ERRORS, OPT_CLIENT_STALL };

static int parse_one(int c, struct dopts *o)
{
	unsigned long long v;
	char *end;

	switch (c) {
	case 'S': o->socket = optarg; return 0;
	case OPT_TAP: o->tap = optarg; return 0;
	case OPT_ADDR: o->addr = optarg; return 0;
	case OPT_HOST_ADDR: o->host_addr = optarg; return 0;
	case OPT_USER: o->user = optarg; return 0;
	case 'v': o->verbose = true; return 0;
	case OPT_RESET: o->reset = true; return 0;
	case OPT_SERVICES:
		if (parse_services(optarg, &o->services))
			return 0;
		fprintf(stderr, _("%s: unknown service in '%s' (echo, discard, daytime, chargen, http, all, none)\n"),
			PACKAGE, optarg);
		return 2;
	case OPT_SPEED:
		o->speed = strtod(optarg, &end);
		if (*end == '\0' && end != optarg && isfinite(o->speed) && o->speed >= RT_SPEED_MIN &&
		    o->speed <= RT_SPEED_MAX)
			return 0;
		fprintf(stderr, _("%s: --speed must be from %g to %g\n"), PACKAGE, RT_SPEED_MIN,
			RT_SPEED_MAX);
		return 2;
	case 's':
		if (parse_ulong(optarg, UINT64_MAX, &v) && (o->seed = v, true))
			return 0;
		fprintf(stderr, _("%s: invalid seed '%s'\n"), PACKAGE, optarg);
		return 2;
	case OPT_RING:
		if (parse_ulong(optarg, 1u << 20, &v) && (o->ring = (unsigned)v, true))
			return 0;
		fprintf(stderr, _("%s: --ring must be a number up to %u\n"), PACKAGE, 1u << 20);
		return 2;
	case OPT_CLIENT_BUF:
		if (parse_ulong(optarg, 1ull << 32, &v) && v >= 1024 && (o->out_max = v, true))
			return 0;
		fprintf(stderr, _("%s: --client-buffer must be from 1024 to 4294967296 bytes\n"),
			PACKAGE);
		return 2;
	case OPT_CLIENT_STALL:
		if (parse_ulong(optarg, 86400000, &v) && v >= 100 && (o->stall_ms = (unsigned)v, true))
			return 0;
		fprintf(stderr, _("%s: --client-stall must be from 100 to 86400000 ms\n"), PACKAGE);
		return 2;
	case OPT_MAX_CLIENTS:
	case OPT_MAX_ERRORS:
		if (parse_ulong(optarg, 65536, &v) && v >= 1) {
			*(c == OPT_MAX_CLIENTS ? &o->clients_max : &o->errors_max) = (unsigned)v;
			return 0;
		}
		fprintf(stderr, _("%s: --%s must be a number from 1 to 65536\n"), PACKAGE,
			c == OPT_MAX_CLIENTS ? "max-clients" : "max-errors");
		return 2;
	case 'h': usage(stdout); return -1;
	default: return 2;
	}
}

static int parse_opts(int argc, char **argv, struct dopts *o)
{
	static const struct option opts[] = {
		{"socket", required_argument, NULL, 'S'},
		{"services", required_argument, NULL, OPT_SERVICES},
		{"speed", required_argument, NULL, OPT_SPEED},
		{"seed", required_argument, NULL, 's'},
		{"ring", required_argument, NULL, OPT_RING},
		{"client-buffer", required_argument, NULL, OPT_CLIENT_BUF},
		{"client-stall", required_argument, NULL, OPT_CLIENT_STALL},
		{"max-clients", required_argument, NULL, OPT_MAX_CLIENTS},
		{"max-errors", required_argument, NULL, OPT_MAX_ERRORS},
		{"tap", required_argument, NULL, OPT_TAP},
		{"addr", required_argument, NULL, OPT_ADDR},
		{"host-addr", required_argument, NULL, OPT_HOST_ADDR},
		{"user", required_argument, NULL, OPT_USER},
		{"verbose", no_argument, NULL, 'v'},
		{"reset", no_argument, NULL, OPT_RESET},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c, r;

	while ((c = getopt_long(argc, argv, "S:s:vh", opts, NULL)) != -1)
		if ((r = parse_one(c, o)) != 0)
			return r;
	if (optind < argc) {
		fprintf(stderr, _("%s: unexpected argument '%s'\n"), PACKAGE, argv[optind]);
		return 2;
	}
	if (o->tap == NULL && (o->addr != NULL || o->host_addr != NULL || o->user != NULL)) {
		fprintf(stderr, _("%s: --addr, --host-addr and --user go with --tap\n"), PACKAGE);
		return 2;
	}
	if (o->tap != NULL && o->addr == NULL) {
		fprintf(stderr, _("%s: --tap needs --addr (the stack's address)\n"), PACKAGE);
		return 2;
	}
	return 0;
}

/* ---- setting up ---- */

/* Run one line of the command language as the daemon's own set-up. */
static int setup_line(struct daemon *d, const char *line)
{
	struct script_cmd cmd;
	struct script_error err;
	struct script_result res;
	char msg[SCRIPT_FILE_MAX + SCRIPT_MSG_MAX + 32];

	if (script_parse_line("setup", 1, line, strlen(line), &cmd, &err) != 0) {
		script_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "%s: %s\n", PACKAGE, msg);
		return -1;
	}
	rt_exec(d->rt, d->sc, &cmd, &res);
	script_cmd_free(&cmd);
	if (res.status != SCRIPT_OK) {
		script_error_format(&res.err, msg, sizeof(msg));
		fprintf(stderr, "%s: %s\n", PACKAGE, msg);
		return -1;
	}
	return 0;
}

static void services_words(unsigned mask, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int s = 0; s < APP_SERVICE_COUNT; s++)
		if (mask & APP_BIT(s))
			n += (size_t)snprintf(buf + n, n < size ? size - n : 0, " %s",
					      app_name((enum app_service)s));
}

static int setup_demo(struct daemon *d, const struct dopts *o)
{
	char line[160], words[96];

	if (setup_line(d, "host A " DEMO_A) || setup_line(d, "host B " DEMO_B) ||
	    setup_line(d, "wire delay 100us"))
		return -1;
	services_words(o->services, words, sizeof(words));
	if (o->services != 0) {
		snprintf(line, sizeof(line), "start B%s", words);
		if (setup_line(d, line))
			return -1;
	}
	fprintf(stderr, _("demo wire: A %s and B %s; services on B:%s\n"), DEMO_A, DEMO_B,
		o->services ? words : _(" none"));
	return 0;
}

static int setup_tap(struct daemon *d, const struct dopts *o)
{
	struct rt_tap_opts t = {.name = o->tap, .services = o->services};
	struct rt_tap_info info;
	char msg[512], a[16], words[96];

	if (!parse_cidr(o->addr, &t.addr, &t.addr_len) ||
	    (o->host_addr != NULL && !parse_cidr(o->host_addr, &t.host_addr, &t.host_len))) {
		fprintf(stderr, _("%s: addresses are written A.B.C.D/N (e.g. 10.9.0.2/24)\n"), PACKAGE);
		return -1;
	}
	if (rt_add_tap(d->rt, &t, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE, msg);
		return -1;
	}
	services_words(o->services, words, sizeof(words));
	if (rt_tap_info(d->rt, 0, &info))
		fprintf(stderr, _("TAP %s: the stack is %s/%u, services:%s\n"), info.name,
			tv_ip_str(t.addr, a), (unsigned)t.addr_len, o->services ? words : _(" none"));
	return 0;
}

/* The verbose transcript names the TAP devices' kernel sides as the
 * server does. */
static void name_taps(struct daemon *d)
{
	struct rt_tap_info info;

	for (unsigned i = 0; d->text != NULL && rt_tap_info(d->rt, i, &info); i++)
		text_add_host(d->text, info.port_id, info.kernel_name, info.host_addr);
}

/* ---- running ---- */

static void on_endpoint(void *ctx, uint32_t id, const char *name, uint32_t addr)
{
	struct daemon *d = ctx;

	if (d->srv != NULL)
		server_add_endpoint(d->srv, id, name, addr);
	if (d->text != NULL)
		text_add_host(d->text, id, name, addr);
}

static void on_signal(void *ctx, int signum)
{
	struct daemon *d = ctx;

	fprintf(stderr, _("signal %d: closing the connections and stopping\n"), signum);
	server_shutdown(d->srv);
}

static int daemon_start(struct daemon *d, const struct dopts *o)
{
	struct rt_opts ro;
	struct script_config sc = {.seed = o->seed, .seed_fixed = true, .on_endpoint = on_endpoint,
				   .ctx = d};
	char msg[512];
	int err = 0;

	rt_opts_default(&ro);
	ro.seed = o->seed;
	ro.speed = o->speed;
	ro.close_mode = o->reset ? RT_CLOSE_RST : RT_CLOSE_FIN;
	ro.on_signal = on_signal;
	ro.signal_ctx = d;
	if ((d->rt = rt_new(&ro, &err)) == NULL) {
		fprintf(stderr, _("%s: cannot start the runtime: %s\n"), PACKAGE, _(tv_strerror(err)));
		return -1;
	}
	if (o->verbose && ((d->text = text_new(stderr)) == NULL ||
			   tv_bus_add(rt_bus(d->rt), text_sink, d->text) != 0))
		return -1;
	if (o->tap != NULL && setup_tap(d, o) != 0)
		return -1;
	if (rt_drop_privileges(d->rt, o->user, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE, msg);
		return -1;
	}
	rt_script_config(d->rt, &sc);
	if ((d->sc = script_new(rt_sim(d->rt), &sc)) == NULL)
		return -1;
	if (d->text != NULL)
		text_add_sim_hosts(d->text, rt_sim(d->rt));
	return o->tap == NULL ? setup_demo(d, o) : 0;
}

/* Close every descriptor but keep (a forked child must not hold the TAP
 * device or the listening socket open). */
static void close_all_but(int keep)
{
	struct rlimit rl;
	int max = 1024;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		max = rl.rlim_cur < 65536 ? (int)rl.rlim_cur : 65536;
	for (int fd = 0; fd < max; fd++)
		if (fd != keep)
			close(fd);
}

/* nobody cannot remove a socket from root's directory, so a child that
 * stays root and does nothing else removes it (if it is still the same
 * file) when the daemon asks, at its stop, or when the daemon is gone
 * (the end of the socket pair).  Returns the daemon's end, or -1. */
static int spawn_unlinker(const char *path)
{
	struct stat st, now;
	int sp[2];
	pid_t pid;
	char c = 'k';

	if (lstat(path, &st) != 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0)
		return -1;
	if ((pid = fork()) < 0) {
		close(sp[0]);
		close(sp[1]);
		return -1;
	}
	if (pid > 0) {
		close(sp[1]);
		return sp[0];
	}
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	close_all_but(sp[1]);
	while (read(sp[1], &c, 1) < 0 && errno == EINTR)
		;
	if (lstat(path, &now) == 0 && now.st_ino == st.st_ino && now.st_dev == st.st_dev)
		unlink(path);
	(void)!write(sp[1], &c, 1);
	_exit(0);
}

/* At the stop: have the child remove the socket, and wait until it has. */
static void unlinker_finish(int fd)
{
	char c = 'x';

	if (fd < 0)
		return;
	if (write(fd, &c, 1) == 1)
		while (read(fd, &c, 1) < 0 && errno == EINTR)
			;
	close(fd);
}

/* Started as root with no one to become (no --user, no sudo): the socket
 * is made while still root, in root's 0700 directory, and then the daemon
 * runs as nobody, so that nothing a peer or a client can reach runs as
 * root.  Only root can still connect (nobody cannot enter the directory).
 * --user root keeps root. */
static int drop_after_bind(struct daemon *d, const struct dopts *o, char *msg, size_t size)
{
	if (o->user != NULL || geteuid() != 0)
		return 0;
	if (server_path(d->srv) != NULL && (d->unlinker = spawn_unlinker(server_path(d->srv))) < 0) {
		snprintf(msg, size, _("cannot start the helper that removes the socket: %s"),
			 strerror(errno));
		return -1;
	}
	if (rt_drop_privileges(d->rt, getpwnam("nobody") ? "nobody" : "65534", msg, size) != 0)
		return -1;
	fprintf(stderr, _("running as user %lu, the socket stays root's\n"),
		(unsigned long)geteuid());
	return 0;
}

static int daemon_serve(struct daemon *d, const struct dopts *o)
{
	struct server_config cfg;
	char msg[512];
	int sig;

	server_config_default(&cfg);
	cfg.path = o->socket;
	cfg.ring = o->ring;
	cfg.out_max = o->out_max;
	cfg.clients_max = o->clients_max;
	cfg.errors_max = o->errors_max;
	cfg.stall_ms = o->stall_ms;
	cfg.log = dlog;
	if ((d->srv = server_new(d->rt, d->sc, &cfg, msg, sizeof(msg))) == NULL ||
	    drop_after_bind(d, o, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE, msg);
		return 1;
	}
	name_taps(d);
	fprintf(stderr, _("running at speed %g; try: %s ctl%s%s snapshot\n"), rt_speed(d->rt),
		PACKAGE, o->socket ? " --socket " : "", o->socket ? o->socket : "");
	sig = rt_run(d->rt);
	fprintf(stderr, sig ? _("stopped (signal %d)\n") : _("stopped\n"), sig);
	return 0;
}

static void daemon_stop(struct daemon *d)
{
	server_free(d->srv);
	unlinker_finish(d->unlinker);
	if (d->text != NULL)
		tv_bus_remove(rt_bus(d->rt), text_sink, d->text);
	script_free(d->sc);
	rt_free(d->rt);
	text_free(d->text);
}

int cmd_daemon(int argc, char **argv)
{
	struct dopts o = {.services = APPS_ALL, .speed = 1.0, .seed = 1, .ring = 4096,
			  .out_max = 4u << 20, .clients_max = 64, .errors_max = 64,
			  .stall_ms = 10000};
	struct daemon d = {.unlinker = -1};
	int r = parse_opts(argc, argv, &o);

	if (r != 0)
		return r < 0 ? 0 : r;
	if (daemon_start(&d, &o) != 0)
		r = 1;
	else
		r = daemon_serve(&d, &o);
	daemon_stop(&d);
	return r;
}
