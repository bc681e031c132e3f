/*
 * echoload.c - many kernel clients at once through an echo service (the
 * load test of tests/netns/manyclients.sh and ctlflood.sh).
 *
 *   echoload [-c CONNS] [-b BYTES] [-p PENDING] [-s STALL] ADDR PORT
 *
 * Opens CONNS non-blocking TCP connections to ADDR:PORT, at most PENDING
 * of them still connecting at any moment: a burst of CONNS SYNs would
 * overflow the server's listen backlog, and the stack under test then
 * recycles half-open connections (or drops SYNs), which is the SYN-flood
 * test's business, not this one's.  Once every connection is up, all of
 * them send BYTES of their own pseudo-random stream (seeded by the
 * connection's number), half-close, and read the echo back; every byte
 * read is compared with the byte sent at that offset, and the stream
 * must end (EOF) after exactly BYTES.  One epoll loop drives them all.
 *
 * Exit 0 when every stream came back equal; 1 on a mismatch, a reset, a
 * failed connect, a short stream, or when nothing moved for STALL seconds
 * (a hang guard, not a speed limit); 2 on bad usage or a local error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum phase { CONNECTING, WAITING, RUNNING, DONE };

struct conn {
	int fd;
	unsigned id;
	enum phase phase;
	uint64_t sent, recvd;
	bool shut;
};

struct load {
	struct sockaddr_in to;
	unsigned nconns, pending_max, stall;
	uint64_t bytes;
	struct conn *c;
	int ep;
	unsigned opened, connecting, connected, done;
	uint64_t total_sent, total_recvd;
	time_t last_progress;
};

/* Word j of connection id's stream: splitmix64 of (id, j); byte k is
 * byte k % 8 of word k / 8, so any range can be made again without
 * keeping the stream. */
static uint64_t stream_word(unsigned id, uint64_t j)
{
	uint64_t z = ((uint64_t)id << 40) + j + 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void stream_fill(unsigned id, uint64_t off, uint8_t *buf, size_t n)
{
	uint64_t w = stream_word(id, off >> 3);

	for (size_t i = 0; i < n; i++) {
		uint64_t k = off + i;
		if ((k & 7) == 0)
			w = stream_word(id, k >> 3);
		buf[i] = (uint8_t)(w >> (8 * (k & 7)));
	}
}

static int fail(const struct conn *c, const char *what)
{
	fprintf(stderr, "echoload: connection %u: %s (sent %llu, received %llu)\n", c->id,
		what, (unsigned long long)c->sent, (unsigned long long)c->recvd);
	return -1;
}

static int watch(struct load *l, struct conn *c, int op, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = c};

	if (epoll_ctl(l->ep, op, c->fd, &ev) != 0) {
		perror("echoload: epoll_ctl");
		exit(2);
	}
	return 0;
}

/* Start connects while fewer than pending_max are under way. */
static int load_open_more(struct load *l)
{
	while (l->opened < l->nconns && l->connecting < l->pending_max) {
		struct conn *c = &l->c[l->opened];
		c->id = l->opened++;
		c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (c->fd < 0) {
			perror("echoload: socket");
			exit(2);
		}
		if (connect(c->fd, (struct sockaddr *)&l->to, sizeof(l->to)) != 0 &&
		    errno != EINPROGRESS)
			return fail(c, strerror(errno));
		c->phase = CONNECTING;
		l->connecting++;
		watch(l, c, EPOLL_CTL_ADD, EPOLLOUT);
	}
	return 0;
}

/* Every connection is up: let them all send and receive at once. */
static void load_start_all(struct load *l)
{
	for (unsigned i = 0; i < l->nconns; i++) {
		l->c[i].phase = RUNNING;
		watch(l, &l->c[i], EPOLL_CTL_MOD, EPOLLIN | EPOLLOUT);
	}
}

static int conn_connected(struct load *l, struct conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0)
		return fail(c, err ? strerror(err) : "getsockopt failed");
	c->phase = WAITING;
	l->connecting--;
	l->connected++;
	l->last_progress = time(NULL);
	/* Waiting for the others: only a reset or an early EOF can come. */
	watch(l, c, EPOLL_CTL_MOD, EPOLLIN);
	if (l->connected == l->nconns)
		load_start_all(l);
	return load_open_more(l);
}

static int conn_send(struct load *l, struct conn *c)
{
	uint8_t buf[65536];

	while (c->sent < l->bytes) {
		size_t n = l->bytes - c->sent < sizeof(buf) ? (size_t)(l->bytes - c->sent)
							    : sizeof(buf);
		stream_fill(c->id, c->sent, buf, n);
		ssize_t w = send(c->fd, buf, n, MSG_NOSIGNAL);
		if (w < 0)
			return errno == EAGAIN ? 0 : fail(c, strerror(errno));
		c->sent += (uint64_t)w;
		l->total_sent += (uint64_t)w;
		l->last_progress = time(NULL);
	}
	if (!c->shut) {
		if (shutdown(c->fd, SHUT_WR) != 0)
			return fail(c, strerror(errno));
		c->shut = true;
		watch(l, c, EPOLL_CTL_MOD, EPOLLIN);
	}
	return 0;
}

static int conn_check(struct conn *c, const uint8_t *buf, size_t n)
{
	uint8_t want[65536];

	stream_fill(c->id, c->recvd, want, n);
	if (memcmp(buf, want, n) == 0)
		return 0;
	size_t i = 0;
	while (buf[i] == want[i])
		i++;
	char msg[96];
	snprintf(msg, sizeof(msg), "byte %llu differs: got %u, sent %u",
		 (unsigned long long)(c->recvd + i), buf[i], want[i]);
	return fail(c, msg);
}

static int conn_eof(struct load *l, struct conn *c)
{
	if (c->phase != RUNNING || c->recvd != l->bytes)
		return fail(c, "the stream ended early");
	c->phase = DONE;
	l->done++;
	close(c->fd);
	c->fd = -1;
	return 0;
}

static int conn_recv(struct load *l, struct conn *c)
{
	uint8_t buf[65536];

	for (;;) {
		ssize_t r = recv(c->fd, buf, sizeof(buf), 0);
		if (r == 0)
			return conn_eof(l, c);
		if (r < 0)
			return errno == EAGAIN ? 0 : fail(c, strerror(errno));
		if (c->recvd + (uint64_t)r > l->bytes || c->recvd + (uint64_t)r > c->sent)
			return fail(c, "more came back than was sent");
		if (conn_check(c, buf, (size_t)r) != 0)
			return -1;
		c->recvd += (uint64_t)r;
		l->total_recvd += (uint64_t)r;
		l->last_progress = time(NULL);
	}
}

static int conn_event(struct load *l, struct conn *c, uint32_t events)
{
	if (c->phase == CONNECTING)
		return conn_connected(l, c);
	if (c->phase == RUNNING && (events & EPOLLOUT) && conn_send(l, c) != 0)
		return -1;
	if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
		return conn_recv(l, c);
	return 0;
}

static int load_run(struct load *l)
{
	struct epoll_event ev[256];

	if (load_open_more(l) != 0)
		return -1;
	while (l->done < l->nconns) {
		int n = epoll_wait(l->ep, ev, 256, 1000);
		if (n < 0 && errno != EINTR) {
			perror("echoload: epoll_wait");
			exit(2);
		}
		for (int i = 0; i < n; i++)
			if (conn_event(l, ev[i].data.ptr, ev[i].events) != 0)
				return -1;
		if (time(NULL) - l->last_progress > (time_t)l->stall) {
			fprintf(stderr, "echoload: nothing moved for %u s: %u opened, %u connected, "
				"%u done\n", l->stall, l->opened, l->connected, l->done);
			return -1;
		}
	}
	return 0;
}

/* 1,000 sockets and a few more descriptors: past the usual soft limit. */
static void raise_fd_limit(unsigned need)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < need + 16) {
		r.rlim_cur = r.rlim_max < need + 16 ? r.rlim_max : need + 16;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

static void usage(void)
{
	fputs("usage: echoload [-c CONNS] [-b BYTES] [-p PENDING] [-s STALL] ADDR PORT\n", stderr);
	exit(2);
}

static void load_args(struct load *l, int argc, char **argv)
{
	int o;

	l->nconns = 1000;
	l->bytes = 1 << 20;
	l->pending_max = 32;
	l->stall = 60;
	while ((o = getopt(argc, argv, "c:b:p:s:")) != -1) {
		unsigned long long v = strtoull(optarg ? optarg : "0", NULL, 10);
		switch (o) {
		case 'c': l->nconns = (unsigned)v; break;
		case 'b': l->bytes = v; break;
		case 'p': l->pending_max = (unsigned)v; break;
		case 's': l->stall = (unsigned)v; break;
		default: usage();
		}
	}
	if (argc - optind != 2 || l->nconns == 0 || l->pending_max == 0 || l->stall == 0)
		usage();
	l->to.sin_family = AF_INET;
	l->to.sin_port = htons((uint16_t)atoi(argv[optind + 1]));
	if (inet_pton(AF_INET, argv[optind], &l->to.sin_addr) != 1)
		usage();
}

int main(int argc, char **argv)
{
	struct load l = {0};
	struct timespec t0, t1;

	load_args(&l, argc, argv);
	raise_fd_limit(l.nconns);
	l.c = calloc(l.nconns, sizeof(*l.c));
	l.ep = epoll_create1(EPOLL_CLOEXEC);
	if (l.c == NULL || l.ep < 0) {
		perror("echoload");
		return 2;
	}
	l.last_progress = time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int r = load_run(&l);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("echoload: %u of %u connections echoed %llu bytes each intact (%u at most "
	       "connecting at once); %llu bytes sent, %llu received in %.1f s\n", l.done,
	       l.nconns, (unsigned long long)l.bytes, l.pending_max,
	       (unsigned long long)l.total_sent, (unsigned long long)l.total_recvd, secs);
	for (unsigned i = 0; i < l.opened; i++)
		if (l.c[i].fd >= 0)
			close(l.c[i].fd);
	close(l.ep);
	free(l.c);
	return r == 0 ? 0 : 1;
}
