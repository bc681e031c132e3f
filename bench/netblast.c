/*
 * netblast.c - the kernel side of the TAP benchmark (bench/tap.sh): bulk
 * TCP senders and receivers and a connection-rate client on plain POSIX
 * sockets, so the figures are the peer stack's and not a tool's.
 *
 *   netblast send HOST PORT BYTES        connect, write BYTES, shutdown,
 *                                        wait for the peer's EOF
 *   netblast recv PORT [--ack BYTES]     accept one connection, read until
 *                                        EOF (--ack: write one byte back
 *                                        each BYTES received)
 *   netblast fetch HOST PORT BYTES       connect, read BYTES (or to EOF),
 *                                        close
 *   netblast connect HOST PORT N [PAR]   N connections, each opened and
 *                                        fully closed (shutdown, read EOF,
 *                                        close; --rst: close with RST), by
 *                                        PAR processes at once (1)
 *   netblast sub SOCKET                  subscribe to a tcpviz daemon's
 *                                        event stream on its control
 *                                        socket and count what comes, as
 *                                        fast as it comes, until the daemon
 *                                        hangs up or SIGTERM/SIGINT
 *
 * Options (anywhere): --bind ADDR (the local address), --timeout SECS (a
 * hang guard on every blocking call, 60; a stall is reported, not
 * waited out), --rst.  Each run prints one machine-readable line,
 * "netblast mode=... key=value...", then one line for people.  The wall
 * time of a transfer runs from the first byte written or read to the end
 * (EOF seen), so set-up does not count; cpu is this process's (and its
 * children's) user+system time as a percentage of that wall time.  Exit
 * status 0, or 1 when anything failed or stalled.
 */
#define _GNU_SOURCE
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NB_BUF (256 * 1024)
#define NB_PAR_MAX 64

struct nb_opts {
	const char *bind;         /* local address, or NULL */
	unsigned timeout;         /* seconds, on each blocking call */
	bool rst;                 /* connect: close with RST */
	uint64_t ack;             /* recv: one byte back each ack bytes */
};

struct nb_conns {
	uint64_t ok, failed, stalled;
};

static uint8_t nb_buf[NB_BUF];

static double nb_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* User + system seconds of this process, or of its reaped children. */
static double nb_cpu(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int nb_usage(void)
{
	fputs("usage: netblast send HOST PORT BYTES\n"
	      "       netblast recv PORT [--ack BYTES]\n"
	      "       netblast fetch HOST PORT BYTES\n"
	      "       netblast connect HOST PORT N [PARALLEL] [--rst]\n"
	      "       netblast sub SOCKET\n"
	      "options: --bind ADDR  --timeout SECS\n", stderr);
	return 2;
}

static bool nb_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-')
		return false;
	*out = v;
	return true;
}

static bool nb_addr(const char *host, uint64_t port, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (host == NULL) {
		sa->sin_addr.s_addr = htonl(INADDR_ANY);
		return port <= 65535;
	}
	return port <= 65535 && inet_pton(AF_INET, host, &sa->sin_addr) == 1;
}

/* A TCP socket with the hang guard set (and bound to --bind if given). */
static int nb_socket(const struct nb_opts *o)
{
	struct timeval tv = {.tv_sec = o->timeout};
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (o->bind != NULL &&
	    (!nb_addr(o->bind, 0, &sa) || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int nb_connect(const struct nb_opts *o, const char *host, uint64_t port)
{
	struct sockaddr_in sa;
	int fd;

	if (!nb_addr(host, port, &sa)) {
		fprintf(stderr, "netblast: bad address %s:%llu\n", host, (unsigned long long)port);
		return -1;
	}
	if ((fd = nb_socket(o)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Read until EOF; the byte count, or -1 (errno EAGAIN: the guard). */
static int64_t nb_drain(int fd)
{
	int64_t total = 0;

	for (;;) {
		ssize_t n = read(fd, nb_buf, sizeof(nb_buf));
		if (n == 0)
			return total;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		total += n;
	}
}

static void nb_report(const char *mode, uint64_t bytes, double secs, double cpu, bool ok)
{
	double gbps = secs > 0 ? (double)bytes * 8 / secs / 1e9 : 0;
	double pct = secs > 0 ? cpu / secs * 100 : 0;

	printf("netblast mode=%s bytes=%llu seconds=%.3f gbit_s=%.3f cpu_pct=%.1f ok=%d\n", mode,
	       (unsigned long long)bytes, secs, gbps, pct, ok);
	printf("%s: %llu bytes in %.3f s: %.2f Gbit/s, CPU %.0f%%%s\n", mode,
	       (unsigned long long)bytes, secs, gbps, pct, ok ? "" : " (FAILED)");
	fflush(stdout);
}

static void nb_perror(const char *what)
{
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		fprintf(stderr, "netblast: %s: stalled (nothing for the --timeout)\n", what);
	else
		fprintf(stderr, "netblast: %s: %s\n", what, strerror(errno));
}

/* ---- send ---- */

static bool nb_write_all(int fd, uint64_t bytes, uint64_t *sent)
{
	while (*sent < bytes) {
		size_t want = bytes - *sent < NB_BUF ? (size_t)(bytes - *sent) : NB_BUF;
		ssize_t n = write(fd, nb_buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			nb_perror("write");
			return false;
		}
		*sent += (uint64_t)n;
	}
	return true;
}

static int nb_send(const struct nb_opts *o, const char *host, uint64_t port, uint64_t bytes)
{
	uint64_t sent = 0;
	int fd = nb_connect(o, host, port);
	bool ok;

	if (fd < 0) {
		nb_perror("connect");
		return 1;
	}
	memset(nb_buf, 'x', sizeof(nb_buf));
	double c0 = nb_cpu(RUSAGE_SELF), t0 = nb_wall();
	ok = nb_write_all(fd, bytes, &sent);
	if (ok && shutdown(fd, SHUT_WR) != 0) {
		nb_perror("shutdown");
		ok = false;
	}
	if (ok && nb_drain(fd) < 0) {
		nb_perror("waiting for the peer's EOF");
		ok = false;
	}
	double secs = nb_wall() - t0;
	nb_report("send", sent, secs, nb_cpu(RUSAGE_SELF) - c0, ok);
	close(fd);
	return ok ? 0 : 1;
}

/* ---- recv and fetch ---- */

static int nb_listen(const struct nb_opts *o, uint64_t port)
{
	struct sockaddr_in sa;
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || !nb_addr(o->bind, port, &sa))
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 8) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Read up to limit bytes (or to EOF), writing a byte back each o->ack;
 * the clock starts at the first byte. */
static bool nb_read_timed(const struct nb_opts *o, int fd, uint64_t limit, uint64_t *got,
			  double *t0)
{
	uint64_t next_ack = o->ack;

	while (*got < limit) {
		size_t want = limit - *got < NB_BUF ? (size_t)(limit - *got) : NB_BUF;
		ssize_t n = read(fd, nb_buf, want);
		if (n == 0)
			return true;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			nb_perror("read");
			return false;
		}
		if (*got == 0)
			*t0 = nb_wall();
		*got += (uint64_t)n;
		for (; o->ack > 0 && *got >= next_ack; next_ack += o->ack)
			if (write(fd, "a", 1) != 1) {
				nb_perror("write (ack)");
				return false;
			}
	}
	return true;
}

static int nb_recv(const struct nb_opts *o, uint64_t port)
{
	int lfd = nb_listen(o, port), fd;
	uint64_t got = 0;
	double t0 = 0;

	if (lfd < 0) {
		nb_perror("listen");
		return 1;
	}
	printf("netblast listening port=%llu\n", (unsigned long long)port);
	fflush(stdout);
	do
		fd = accept(lfd, NULL, NULL);
	while (fd < 0 && errno == EINTR);
	close(lfd);
	if (fd < 0) {
		nb_perror("accept");
		return 1;
	}
	/* accept() has no guard of its own: the socket's starts here. */
	struct timeval tv = {.tv_sec = o->timeout};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	double c0 = nb_cpu(RUSAGE_SELF);
	t0 = nb_wall();
	bool ok = nb_read_timed(o, fd, UINT64_MAX, &got, &t0);
	nb_report("recv", got, nb_wall() - t0, nb_cpu(RUSAGE_SELF) - c0, ok);
	close(fd);
	return ok ? 0 : 1;
}

static int nb_fetch(const struct nb_opts *o, const char *host, uint64_t port, uint64_t bytes)
{
	uint64_t got = 0;
	double t0 = nb_wall();
	int fd = nb_connect(o, host, port);

	if (fd < 0) {
		nb_perror("connect");
		return 1;
	}
	double c0 = nb_cpu(RUSAGE_SELF);
	bool ok = nb_read_timed(o, fd, bytes, &got, &t0) && got == bytes;
	nb_report("fetch", got, nb_wall() - t0, nb_cpu(RUSAGE_SELF) - c0, ok);
	close(fd);
	return ok ? 0 : 1;
}

/* ---- connect ---- */

/* One connection opened and closed: 0, or -1 (errno says why). */
static int nb_one_conn(const struct nb_opts *o, const char *host, uint64_t port)
{
	int fd = nb_connect(o, host, port);

	if (fd < 0)
		return -1;
	if (o->rst) {
		struct linger l = {.l_onoff = 1, .l_linger = 0};
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	} else if (shutdown(fd, SHUT_WR) != 0 || nb_drain(fd) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}

static void nb_conns_run(const struct nb_opts *o, const char *host, uint64_t port, uint64_t n,
			 struct nb_conns *r)
{
	memset(r, 0, sizeof(*r));
	for (uint64_t i = 0; i < n; i++) {
		if (nb_one_conn(o, host, port) == 0) {
			r->ok++;
			continue;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINPROGRESS)
			r->stalled++;
		else
			r->failed++;
		if (r->failed + r->stalled == 1)
			nb_perror("connection");
		if (r->failed + r->stalled >= 10)
			break; /* something is wrong: do not grind on */
	}
}

/* Fork par workers sharing n connections; their counts come back through
 * a pipe.  False if a worker could not be started or reported nothing. */
static bool nb_conns_fork(const struct nb_opts *o, const char *host, uint64_t port, uint64_t n,
			  unsigned par, struct nb_conns *sum)
{
	int p[2];
	bool ok = true;

	if (pipe(p) != 0)
		return false;
	for (unsigned i = 0; i < par; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			ok = false;
			break;
		}
		if (pid == 0) {
			struct nb_conns r;
			close(p[0]);
			nb_conns_run(o, host, port, n / par + (i < n % par), &r);
			ok = write(p[1], &r, sizeof(r)) == (ssize_t)sizeof(r);
			_exit(ok ? 0 : 1);
		}
	}
	close(p[1]);
	memset(sum, 0, sizeof(*sum));
	for (struct nb_conns r; read(p[0], &r, sizeof(r)) == (ssize_t)sizeof(r);) {
		sum->ok += r.ok;
		sum->failed += r.failed;
		sum->stalled += r.stalled;
	}
	close(p[0]);
	while (wait(NULL) > 0)
		;
	return ok;
}

static int nb_conns(const struct nb_opts *o, const char *host, uint64_t port, uint64_t n,
		    uint64_t par)
{
	struct nb_conns r;

	if (par < 1 || par > NB_PAR_MAX)
		return nb_usage();
	double c0 = nb_cpu(RUSAGE_SELF) + nb_cpu(RUSAGE_CHILDREN), t0 = nb_wall();
	bool ok = nb_conns_fork(o, host, port, n, (unsigned)par, &r);
	double secs = nb_wall() - t0;
	double cpu = nb_cpu(RUSAGE_SELF) + nb_cpu(RUSAGE_CHILDREN) - c0;
	double rate = secs > 0 ? (double)r.ok / secs : 0;

	ok = ok && r.ok == n;
	printf("netblast mode=connect conns=%llu parallel=%llu close=%s failed=%llu stalled=%llu "
	       "seconds=%.3f conn_s=%.0f cpu_pct=%.1f ok=%d\n",
	       (unsigned long long)r.ok, (unsigned long long)par, o->rst ? "rst" : "fin",
	       (unsigned long long)r.failed, (unsigned long long)r.stalled, secs, rate,
	       secs > 0 ? cpu / secs * 100 : 0, ok);
	printf("connect: %llu connections (%llu at a time, closed with %s) in %.3f s: %.0f/s, "
	       "CPU %.0f%%; %llu failed, %llu stalled\n",
	       (unsigned long long)r.ok, (unsigned long long)par, o->rst ? "RST" : "FIN", secs, rate,
	       secs > 0 ? cpu / secs * 100 : 0, (unsigned long long)r.failed,
	       (unsigned long long)r.stalled);
	return ok ? 0 : 1;
}

/* ---- sub ---- */

static volatile sig_atomic_t nb_stop;

static void nb_on_signal(int sig)
{
	(void)sig;
	nb_stop = 1;
}

static int nb_unix_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Signals end the reading (no SA_RESTART: read() returns EINTR). */
static void nb_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = nb_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

static int nb_sub(const char *path)
{
	static const char req[] = "hello 1 readonly\nsubscribe nohistory\n";
	uint64_t bytes = 0, lines = 0;
	bool eof = false;
	int fd;

	nb_catch_signals();
	if ((fd = nb_unix_connect(path)) < 0 || write(fd, req, sizeof(req) - 1) != sizeof(req) - 1) {
		nb_perror(path);
		return 1;
	}
	double c0 = nb_cpu(RUSAGE_SELF), t0 = nb_wall();
	while (!nb_stop) {
		ssize_t n = read(fd, nb_buf, sizeof(nb_buf));
		if (n <= 0) {
			eof = n == 0;
			if (n == 0 || errno != EINTR)
				break;
			continue;
		}
		bytes += (uint64_t)n;
		for (const uint8_t *p = nb_buf; (p = memchr(p, '\n', (size_t)(nb_buf + n - p))) != NULL; p++)
			lines++;
	}
	double secs = nb_wall() - t0;
	printf("netblast mode=sub bytes=%llu lines=%llu seconds=%.3f cpu_pct=%.1f hung_up=%d\n",
	       (unsigned long long)bytes, (unsigned long long)lines, secs,
	       secs > 0 ? (nb_cpu(RUSAGE_SELF) - c0) / secs * 100 : 0, eof);
	printf("sub: %llu lines (%llu bytes) in %.3f s%s\n", (unsigned long long)lines,
	       (unsigned long long)bytes, secs, eof ? ", then the daemon hung up" : "");
	close(fd);
	return 0;
}

/* ---- main ---- */

/* Take the options out of argv (in place); the remaining count, or -1. */
static int nb_options(int argc, char **argv, struct nb_opts *o)
{
	int n = 0;
	uint64_t v;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--rst") == 0) {
			o->rst = true;
		} else if (strcmp(a, "--bind") == 0 && i + 1 < argc) {
			o->bind = argv[++i];
		} else if (strcmp(a, "--timeout") == 0 && i + 1 < argc && nb_parse_u64(argv[i + 1], &v) &&
			   v > 0 && v < 86400) {
			o->timeout = (unsigned)v;
			i++;
		} else if (strcmp(a, "--ack") == 0 && i + 1 < argc && nb_parse_u64(argv[i + 1], &v) &&
			   v > 0) {
			o->ack = v;
			i++;
		} else if (strncmp(a, "--", 2) == 0) {
			return -1;
		} else {
			argv[n++] = argv[i];
		}
	}
	return n;
}

int main(int argc, char **argv)
{
	struct nb_opts o = {.timeout = 60};
	uint64_t port, n, par = 1;

	argc = nb_options(argc - 1, argv + 1, &o);
	argv++;
	if (argc < 2)
		return nb_usage();
	if (strcmp(argv[0], "recv") == 0 && argc == 2 && nb_parse_u64(argv[1], &port))
		return nb_recv(&o, port);
	if (strcmp(argv[0], "sub") == 0 && argc == 2)
		return nb_sub(argv[1]);
	if (argc < 4 || !nb_parse_u64(argv[2], &port) || !nb_parse_u64(argv[3], &n))
		return nb_usage();
	if (strcmp(argv[0], "send") == 0 && argc == 4)
		return nb_send(&o, argv[1], port, n);
	if (strcmp(argv[0], "fetch") == 0 && argc == 4)
		return nb_fetch(&o, argv[1], port, n);
	if (strcmp(argv[0], "connect") == 0 && (argc == 4 || (argc == 5 && nb_parse_u64(argv[4], &par))))
		return nb_conns(&o, argv[1], port, n, par);
	return nb_usage();
}
