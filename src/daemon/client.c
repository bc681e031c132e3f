/*
 * client.c - the control socket's client codec and blocking helpers (see
 * client.h).
 *
 * Input is kept in one growing buffer; tvc_next() cuts a line at the
 * first newline, parses it with jansson and sorts it by its first-level
 * keys (proto.h).  The blocking helpers wait with poll(), so a timeout
 * needs no signals and the socket stays in blocking mode for writes.
 */
#define _DEFAULT_SOURCE /* clock_gettime under -std=c11 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "daemon/client.h"
#include "i18n.h"

struct tvc {
	int fd;
	char *buf;
	size_t start, len, cap; /* unread input is buf[start, len) */
	size_t scanned;         /* bytes from start known to hold no newline */
	unsigned long sent;
	json_t *greeting;
};

struct tvc *tvc_new(void)
{
	struct tvc *c = calloc(1, sizeof(*c));

	if (c != NULL)
		c->fd = -1;
	return c;
}

void tvc_free(struct tvc *c)
{
	if (c == NULL)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	json_decref(c->greeting);
	free(c);
}

int tvc_fd(const struct tvc *c)
{
	return c->fd;
}

const json_t *tvc_greeting(const struct tvc *c)
{
	return c->greeting;
}

const char *tvc_strerror(int err)
{
	switch (err) {
	case TVC_EOF: return N_("the daemon closed the connection");
	case TVC_ETIMEDOUT: return N_("no answer from the daemon in time");
	case TVC_EPROTO: return N_("the daemon sent something that is not a JSON line");
	case TVC_EIO: return N_("socket error");
	case TVC_ENOMEM: return N_("out of memory");
	default: return N_("unknown error");
	}
}

/* ---- codec ---- */

int tvc_feed(struct tvc *c, const void *data, size_t len)
{
	if (c->len - c->start + len > TVC_LINE_MAX + 1 && memchr(data, '\n', len) == NULL &&
	    memchr(c->buf + c->start + c->scanned, '\n', c->len - c->start - c->scanned) == NULL)
		return TVC_EPROTO;
	/* Lines are taken from the front without moving the rest; the
	 * consumed part goes only when more room is needed. */
	if (c->start > 0 && c->len + len > c->cap) {
		memmove(c->buf, c->buf + c->start, c->len - c->start);
		c->len -= c->start;
		c->start = 0;
	}
	if (c->len + len > c->cap) {
		size_t cap = c->cap ? c->cap : 8192;
		while (cap < c->len + len)
			cap *= 2;
		char *b = realloc(c->buf, cap);
		if (b == NULL)
			return TVC_ENOMEM;
		c->buf = b;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, data, len);
	c->len += len;
	return 0;
}

static const char *str_of(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void msg_classify(struct tvc_msg *m)
{
	json_t *o = m->obj, *r;

	if (json_object_get(o, "tcpviz") != NULL) {
		m->kind = TVC_GREETING;
	} else if ((r = json_object_get(o, "reply")) != NULL) {
		m->kind = TVC_REPLY;
		m->reply = json_is_integer(r) ? (unsigned long)json_integer_value(r) : 0;
		m->ok = json_is_true(json_object_get(o, "ok"));
		m->status = str_of(o, "status");
		m->error = str_of(o, "error");
	} else if (json_object_get(o, "type") != NULL) {
		m->kind = TVC_EVENT;
	} else if (json_object_get(o, "notice") != NULL) {
		m->kind = TVC_NOTICE;
	} else if (json_object_get(o, "bye") != NULL) {
		m->kind = TVC_BYE;
		m->error = str_of(o, "message");
	} else {
		m->kind = TVC_OTHER;
	}
}

int tvc_next(struct tvc *c, struct tvc_msg *m)
{
	char *line = c->buf + c->start;
	char *nl = c->len > c->start
			   ? memchr(line + c->scanned, '\n', c->len - c->start - c->scanned)
			   : NULL;
	json_t *o;

	memset(m, 0, sizeof(*m));
	if (nl == NULL) {
		c->scanned = c->len - c->start;
		return 0;
	}
	o = json_loadb(line, (size_t)(nl - line), 0, NULL);
	c->start += (size_t)(nl - line) + 1;
	c->scanned = 0;
	if (c->start == c->len)
		c->start = c->len = 0;
	if (!json_is_object(o)) {
		json_decref(o);
		return TVC_EPROTO;
	}
	m->obj = o;
	msg_classify(m);
	return 1;
}

void tvc_msg_clear(struct tvc_msg *m)
{
	json_decref(m->obj);
	memset(m, 0, sizeof(*m));
}

unsigned long tvc_count_sent(struct tvc *c)
{
	return ++c->sent;
}

unsigned long tvc_sent(const struct tvc *c)
{
	return c->sent;
}

/* ---- blocking helpers ---- */

unsigned long tvc_send(struct tvc *c, const char *line)
{
	size_t len = strlen(line), off = 0;
	char *b;

	if (len > TVD_LINE_MAX || strchr(line, '\n') != NULL) {
		errno = EINVAL;
		return 0;
	}
	if ((b = malloc(len + 1)) == NULL)
		return 0;
	memcpy(b, line, len);
	b[len] = '\n';
	while (off < len + 1) {
		ssize_t w = send(c->fd, b + off, len + 1 - off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			free(b);
			return 0;
		}
		off += (size_t)w;
	}
	free(b);
	return tvc_count_sent(c);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for input and feed it: 0, or a TVC_E* code. */
static int fill(struct tvc *c, long long deadline)
{
	char b[65536];
	struct pollfd p = {.fd = c->fd, .events = POLLIN};
	ssize_t n;
	int r;

	for (;;) {
		int wait = deadline < 0 ? -1 : (int)(deadline > now_ms() ? deadline - now_ms() : 0);
		r = poll(&p, 1, wait);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return TVC_EIO;
		if (r == 0)
			return TVC_ETIMEDOUT;
		n = recv(c->fd, b, sizeof(b), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == ECONNRESET ? TVC_EOF : TVC_EIO;
		if (n == 0)
			return TVC_EOF;
		return tvc_feed(c, b, (size_t)n);
	}
}

int tvc_read(struct tvc *c, struct tvc_msg *m, int timeout_ms)
{
	long long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	int r;

	while ((r = tvc_next(c, m)) == 0)
		if ((r = fill(c, deadline)) != 0)
			return r;
	return r > 0 ? 0 : r;
}

int tvc_call(struct tvc *c, const char *line, struct tvc_msg *reply,
	     void (*other)(void *ctx, const struct tvc_msg *m), void *ctx, int timeout_ms)
{
	unsigned long id = tvc_send(c, line);
	struct tvc_msg m;
	int r;

	if (id == 0)
		return errno == ENOMEM ? TVC_ENOMEM : errno == EPIPE ? TVC_EOF : TVC_EIO;
	for (;;) {
		if ((r = tvc_read(c, &m, timeout_ms)) != 0)
			return r;
		if (m.kind == TVC_REPLY && m.reply == id) {
			*reply = m;
			return 0;
		}
		bool bye = m.kind == TVC_BYE;
		if (other != NULL)
			other(ctx, &m);
		tvc_msg_clear(&m);
		if (bye)
			return TVC_EOF;
	}
}

/* ---- connecting ---- */

static int connect_fail(char *msg, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int connect_fail(char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return -1;
}

static int greeting_check(struct tvc *c, struct tvc_msg *m, const char *path, char *msg,
			  size_t size)
{
	json_t *v = json_object_get(m->obj, "tcpviz");

	if (m->kind == TVC_BYE)
		return connect_fail(msg, size, _("the daemon at %s refused the connection: %s"), path,
				    m->error ? m->error : "?");
	if (m->kind != TVC_GREETING || !json_is_integer(v))
		return connect_fail(msg, size, _("%s: not a tcpviz daemon"), path);
	if (json_integer_value(v) != TVD_PROTO)
		return connect_fail(msg, size,
				    _("the daemon at %s speaks protocol %lld; this client speaks %d"),
				    path, (long long)json_integer_value(v), TVD_PROTO);
	c->greeting = json_incref(m->obj);
	return 0;
}

int tvc_connect(struct tvc *c, const char *path, int timeout_ms, char *msg, size_t size)
{
	struct sockaddr_un sa;
	char def[sizeof(sa.sun_path)];
	struct tvc_msg m;
	int r;

	if (path == NULL && tvd_client_path(def, sizeof(def)) != 0)
		return connect_fail(msg, size, "%s", _("the default socket path is too long"));
	path = path ? path : def;
	if (strlen(path) >= sizeof(sa.sun_path))
		return connect_fail(msg, size, _("socket path too long: %s"), path);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (c->fd < 0 && (c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return connect_fail(msg, size, _("cannot connect to %s: %s"), path, strerror(errno));
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		r = errno;
		close(c->fd);
		c->fd = -1;
		return connect_fail(msg, size,
				    r == ENOENT || r == ECONNREFUSED
					    ? _("no tcpviz daemon at %s (%s); start one with 'tcpviz daemon'")
					    : _("cannot connect to %s: %s"),
				    path, strerror(r));
	}
	if ((r = tvc_read(c, &m, timeout_ms)) != 0)
		return connect_fail(msg, size, _("no greeting from %s: %s"), path, _(tvc_strerror(r)));
	r = greeting_check(c, &m, path, msg, size);
	tvc_msg_clear(&m);
	return r;
}
