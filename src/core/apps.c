/*
 * apps.c - the built-in services (see apps.h), on the socket API only.
 *
 * A listener per service accepts every connection it is offered and gives
 * each a struct app_conn, which lives until the connection ends.  All
 * socket callbacks for a connection funnel into conn_cb(), which runs the
 * service's step function until nothing more can be done right now; a
 * callback arriving while the step runs only asks for another round, so a
 * service never re-enters itself and a connection is freed only once the
 * outermost callback returns.
 *
 * Every service moves data through a fixed per-connection buffer and
 * reads only what it can pass on, so a slow reader slows the service down
 * (flow control end to end) instead of growing memory.  No stdio here:
 * the daytime and HTTP texts are assembled by a tiny string builder.
 */
#include <stdlib.h>
#include <string.h>

#include "apps.h"

struct app_listener {
	struct apps *apps;
	enum app_service svc;
	struct tv_sock *sock;
	struct app_listener *next;
};

struct app_conn {
	struct apps *apps;
	enum app_service svc;
	struct tv_sock *sock;
	struct app_conn *prev, *next;
	bool busy;             /* inside conn_cb: callbacks only set again */
	bool again;            /* run another round */
	bool failed;           /* the connection reported an error or closed */
	bool closing;          /* finish once out is flushed */
	bool peer_eof;         /* the client's FIN has been read */
	bool shut;             /* our FIN is queued (sock_shutdown) */
	bool done;             /* handle released: free when not busy */
	bool responded;        /* http: the response is built */
	uint64_t pos;          /* chargen: offset in the pattern */
	size_t in_len;         /* http: request bytes */
	size_t out_off, out_len;
	uint8_t in[APP_BUF];
	uint8_t out[APP_BUF];
};

struct apps {
	struct host *h;
	struct app_listener *listeners;
	struct app_conn *conns;
	struct apps_stats stats;
	tv_time epoch;         /* the calendar time at virtual time 0 */
};

static const struct {
	const char *name;
	uint16_t port;
} app_table[APP_SERVICE_COUNT] = {
	[APP_ECHO] = {"echo", 7},
	[APP_DISCARD] = {"discard", 9},
	[APP_DAYTIME] = {"daytime", 13},
	[APP_CHARGEN] = {"chargen", 19},
	[APP_HTTP] = {"http", 80},
};

uint16_t app_port(enum app_service svc)
{
	return svc < APP_SERVICE_COUNT ? app_table[svc].port : 0;
}

const char *app_name(enum app_service svc)
{
	return svc < APP_SERVICE_COUNT ? app_table[svc].name : "?";
}

int app_find(const char *name)
{
	for (int i = 0; i < APP_SERVICE_COUNT; i++)
		if (strcmp(app_table[i].name, name) == 0)
			return i;
	return -1;
}

void apps_set_epoch(struct apps *a, tv_time epoch)
{
	a->epoch = epoch;
}

const struct apps_stats *apps_stats(const struct apps *a)
{
	return &a->stats;
}

/* ---- a tiny string builder (no stdio in the core) ---- */

struct strb {
	char *buf;
	size_t size, len;      /* len may pass size: the length needed */
};

static void strb_putc(struct strb *s, char c)
{
	if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

static void strb_puts(struct strb *s, const char *t)
{
	while (*t)
		strb_putc(s, *t++);
}

/* Decimal, zero-padded to at least width digits. */
static void strb_num(struct strb *s, uint64_t v, int width)
{
	char d[24];
	int n = 0;

	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < (int)sizeof(d));
	while (width-- > n)
		strb_putc(s, '0');
	while (n > 0)
		strb_putc(s, d[--n]);
}

static void strb_end(struct strb *s)
{
	if (s->size)
		s->buf[s->len < s->size ? s->len : s->size - 1] = '\0';
}

/* ---- daytime (RFC 867) ---- */

static bool leap_year(uint64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Civil date of a day count from 1970-01-01 (proleptic Gregorian). */
static void date_of_days(uint64_t days, uint64_t *year, unsigned *month, unsigned *mday)
{
	static const uint8_t mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	uint64_t y = 1970;
	unsigned m = 0;

	/* 400 Gregorian years are exactly 146097 days. */
	y += days / 146097 * 400;
	days %= 146097;
	while (days >= (leap_year(y) ? 366u : 365u))
		days -= leap_year(y++) ? 366 : 365;
	for (;; m++) {
		unsigned len = mdays[m] + (m == 1 && leap_year(y));
		if (days < len)
			break;
		days -= len;
	}
	*year = y;
	*month = m;
	*mday = (unsigned)days + 1;
}

size_t app_daytime_format(tv_time now, char *buf, size_t size)
{
	static const char *const wday[7] = {"Sunday", "Monday", "Tuesday", "Wednesday",
					    "Thursday", "Friday", "Saturday"};
	static const char *const mon[12] = {"January", "February", "March", "April",
					    "May", "June", "July", "August",
					    "September", "October", "November", "December"};
	uint64_t secs = now / TV_SEC(1), days = secs / 86400, year;
	unsigned month, mday, sod = (unsigned)(secs % 86400);
	struct strb s = {buf, size, 0};

	date_of_days(days, &year, &month, &mday);
	strb_puts(&s, wday[(days + 4) % 7]); /* 1970-01-01 was a Thursday */
	strb_puts(&s, ", ");
	strb_puts(&s, mon[month]);
	strb_putc(&s, ' ');
	strb_num(&s, mday, 1);
	strb_puts(&s, ", ");
	strb_num(&s, year, 1);
	strb_putc(&s, ' ');
	strb_num(&s, sod / 3600, 2);
	strb_putc(&s, ':');
	strb_num(&s, sod / 60 % 60, 2);
	strb_putc(&s, ':');
	strb_num(&s, sod % 60, 2);
	strb_puts(&s, "-UTC\r\n");
	strb_end(&s);
	return s.len;
}

/* ---- connections: common plumbing ---- */

static void conn_unlink(struct app_conn *c)
{
	struct apps *a = c->apps;

	if (c->prev)
		c->prev->next = c->next;
	else
		a->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	a->stats.active--;
	a->stats.closed++;
}

/* Release the handle: FIN after what is queued (or nothing, when the
 * connection is already gone).  Freed by conn_cb when it unwinds. */
static void conn_close(struct app_conn *c, tv_time now)
{
	if (c->done)
		return;
	sock_close(c->sock, now);
	c->done = true;
	conn_unlink(c);
}

/* Queue what is in out; true when all of it is queued. */
static bool conn_flush(struct app_conn *c, tv_time now)
{
	while (c->out_off < c->out_len) {
		long n = sock_send(c->sock, c->out + c->out_off, c->out_len - c->out_off, now);
		if (n == TV_EAGAIN)
			return false;
		if (n < 0) {
			if (n == TV_ENOMEM)
				c->apps->stats.nomem++;
			c->failed = true;
			return false;
		}
		c->out_off += (size_t)n;
		c->apps->stats.bytes_out += (uint64_t)n;
	}
	c->out_off = c->out_len = 0;
	return true;
}

/* Read and throw away; closes at end of stream.  False if closed. */
static bool conn_drain(struct app_conn *c, tv_time now)
{
	uint8_t junk[512];
	long n;

	while ((n = sock_recv(c->sock, junk, sizeof(junk), now)) > 0)
		c->apps->stats.bytes_in += (uint64_t)n;
	if (n == TV_EAGAIN)
		return true;
	if (n < 0) {
		c->failed = true;
	} else {
		c->peer_eof = true;
		c->closing = true; /* end of stream: close our side too */
	}
	return false;
}

/* ---- the services: one step each, run until they can do no more ---- */

static void echo_step(struct app_conn *c, tv_time now)
{
	for (;;) {
		long n;
		if (!conn_flush(c, now))
			return;
		n = sock_recv(c->sock, c->out, sizeof(c->out), now);
		if (n == TV_EAGAIN)
			return;
		if (n < 0) {
			c->failed = true;
			return;
		}
		if (n == 0) {
			c->peer_eof = c->closing = true;
			return;
		}
		c->apps->stats.bytes_in += (uint64_t)n;
		c->out_len = (size_t)n;
	}
}

static void discard_step(struct app_conn *c, tv_time now)
{
	conn_drain(c, now);
}

static void daytime_step(struct app_conn *c, tv_time now)
{
	if (!c->responded) {
		c->out_len = app_daytime_format(c->apps->epoch + now, (char *)c->out,
						sizeof(c->out));
		c->responded = true;
		c->closing = true; /* RFC 867: the server closes after the line */
	}
	conn_drain(c, now);
}

/* RFC 864: 72-character lines, each starting one character further along
 * the 95 printable ASCII characters than the line before. */
/* RFC 864's lines from stream offset pos on: line k is 72 printable
 * characters starting with the k-th (mod 95), then CR LF.  Counted along,
 * without a division per byte (this is the whole cost of a chargen
 * transfer). */
static void chargen_fill(uint8_t *out, size_t len, uint64_t pos)
{
	unsigned line = (unsigned)(pos / 74 % 95), col = (unsigned)(pos % 74);
	unsigned ch = (line + col) % 95;

	for (size_t i = 0; i < len; i++) {
		if (col < 72) {
			out[i] = (uint8_t)(' ' + ch);
			if (++ch == 95)
				ch = 0;
		} else {
			out[i] = col == 72 ? '\r' : '\n';
		}
		if (++col == 74) {
			col = 0;
			if (++line == 95)
				line = 0;
			ch = line;
		}
	}
}

static void chargen_step(struct app_conn *c, tv_time now)
{
	if (!conn_drain(c, now))
		return;
	for (;;) {
		size_t room = sock_send_space(c->sock), len = sizeof(c->out);
		long n;
		/* Paced by the send buffer.  WRITABLE is only reported after a
		 * send came up short, so with no room left, try one byte: the
		 * TV_EAGAIN it returns is what asks for WRITABLE. */
		if (len > room)
			len = room ? room : 1;
		chargen_fill(c->out, len, c->pos);
		n = sock_send(c->sock, c->out, len, now);
		if (n <= 0) {
			c->failed = n != TV_EAGAIN;
			c->apps->stats.nomem += n == TV_ENOMEM;
			return;
		}
		c->pos += (uint64_t)n;
		c->apps->stats.bytes_out += (uint64_t)n;
	}
}

/* ---- HTTP/1.0 (RFC 1945), the least that is still correct ---- */

struct http_req {
	int status;            /* 200, 400, 404, 501 */
	bool head;             /* HEAD: headers only */
};

static const char *http_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 404:
		return "Not Found";
	case 501:
		return "Not Implemented";
	default:
		return "Bad Request";
	}
}

static size_t span(const uint8_t *p, size_t len, bool (*ok)(uint8_t))
{
	size_t i = 0;

	while (i < len && ok(p[i]))
		i++;
	return i;
}

static bool is_upper(uint8_t c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_target(uint8_t c)
{
	return c > ' ' && c < 0x7f;
}

static bool path_is_index(const uint8_t *p, size_t len)
{
	size_t n = 0;

	while (n < len && p[n] != '?' && p[n] != '#')
		n++;
	return (n == 1 && p[0] == '/') || (n == 11 && memcmp(p, "/index.html", 11) == 0);
}

static bool version_ok(const uint8_t *p, size_t len)
{
	return len == 8 && memcmp(p, "HTTP/", 5) == 0 && p[5] >= '0' && p[5] <= '9' &&
	       p[6] == '.' && p[7] >= '0' && p[7] <= '9';
}

/* Request-Line = Method SP Request-URI SP HTTP-Version (RFC 1945 5.1);
 * a bare "GET /" is a Simple-Request (HTTP/0.9). */
static void http_parse_line(const uint8_t *p, size_t len, struct http_req *r)
{
	size_t m = span(p, len, is_upper), t;

	r->status = 400;
	if (m == 0 || m > 16 || m >= len || p[m] != ' ')
		return;
	t = span(p + m + 1, len - m - 1, is_target);
	if (t == 0 || p[m + 1] != '/')
		return;
	if (m + 1 + t < len &&
	    (p[m + 1 + t] != ' ' || !version_ok(p + m + 2 + t, len - m - 2 - t)))
		return;
	r->head = m == 4 && memcmp(p, "HEAD", 4) == 0;
	if (!r->head && !(m == 3 && memcmp(p, "GET", 3) == 0))
		r->status = 501;
	else
		r->status = path_is_index(p + m + 1, t) ? 200 : 404;
}

/* Length of the request line without CR LF, or -1 while incomplete. */
static long http_line_len(const struct app_conn *c)
{
	const uint8_t *nl = memchr(c->in, '\n', c->in_len);
	long n;

	if (nl == NULL)
		return -1;
	n = nl - c->in;
	return n > 0 && c->in[n - 1] == '\r' ? n - 1 : n;
}

static bool http_has_version(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 6 <= len; i++)
		if (memcmp(p + i, " HTTP/", 6) == 0)
			return true;
	return false;
}

static bool http_headers_done(const struct app_conn *c)
{
	for (size_t i = 0; i + 1 < c->in_len; i++) {
		if (c->in[i] != '\n')
			continue;
		if (c->in[i + 1] == '\n' ||
		    (i + 2 < c->in_len && c->in[i + 1] == '\r' && c->in[i + 2] == '\n'))
			return true;
	}
	return false;
}

static void http_body(struct strb *s, int status, const char *host)
{
	strb_puts(s, "<!DOCTYPE html>\n<html><head><title>");
	if (status != 200) {
		strb_num(s, (uint64_t)status, 1);
		strb_putc(s, ' ');
		strb_puts(s, http_reason(status));
		strb_puts(s, "</title></head>\n<body><h1>");
		strb_num(s, (uint64_t)status, 1);
		strb_putc(s, ' ');
		strb_puts(s, http_reason(status));
		strb_puts(s, "</h1></body></html>\n");
		return;
	}
	strb_puts(s, "tcpviz</title></head>\n<body><h1>Hello from host ");
	for (; *host; host++)
		if ((*host >= 'A' && *host <= 'Z') || (*host >= 'a' && *host <= 'z') ||
		    (*host >= '0' && *host <= '9') || *host == '-' || *host == '_')
			strb_putc(s, *host);
	strb_puts(s, "</h1>\n<p>This page came to you over the tcpviz userspace "
		     "TCP/IP stack.</p>\n</body></html>\n");
}

static void http_respond(struct app_conn *c, const struct http_req *r)
{
	char body[512];
	struct strb b = {body, sizeof(body), 0};
	struct strb s = {(char *)c->out, sizeof(c->out), 0};

	http_body(&b, r->status, c->apps->h->cfg.name);
	strb_end(&b);
	strb_puts(&s, "HTTP/1.0 ");
	strb_num(&s, (uint64_t)r->status, 3);
	strb_putc(&s, ' ');
	strb_puts(&s, http_reason(r->status));
	strb_puts(&s, "\r\nServer: tcpviz\r\nContent-Type: text/html; charset=utf-8\r\n"
		     "Content-Length: ");
	strb_num(&s, b.len < sizeof(body) ? b.len : sizeof(body) - 1, 1);
	strb_puts(&s, "\r\nConnection: close\r\n\r\n");
	if (!r->head)
		strb_puts(&s, body);
	c->out_len = s.len < sizeof(c->out) ? s.len : sizeof(c->out);
	c->responded = true;
	c->closing = true;
}

/* Answer once the headers are complete, the buffer is full, or the
 * client stopped sending; an unfinished request line is a 400. */
static void http_answer(struct app_conn *c, bool eof)
{
	struct http_req r = {400, false};
	long line = http_line_len(c);

	if (line < 0 && !eof && c->in_len < sizeof(c->in))
		return;
	if (line >= 0) {
		http_parse_line(c->in, (size_t)line, &r);
		/* A Simple-Request (no version) has no headers to wait for. */
		if (!eof && c->in_len < sizeof(c->in) && !http_headers_done(c) &&
		    http_has_version(c->in, (size_t)line))
			return;
	}
	if (eof && c->in_len == 0) {
		c->closing = true; /* connected and left: nothing to answer */
		return;
	}
	http_respond(c, &r);
}

static void http_step(struct app_conn *c, tv_time now)
{
	long n = TV_EAGAIN;

	if (c->responded) {
		conn_drain(c, now);
		return;
	}
	while (c->in_len < sizeof(c->in) &&
	       (n = sock_recv(c->sock, c->in + c->in_len, sizeof(c->in) - c->in_len, now)) > 0) {
		c->in_len += (size_t)n;
		c->apps->stats.bytes_in += (uint64_t)n;
	}
	if (n < 0 && n != TV_EAGAIN) {
		c->failed = true;
		return;
	}
	c->peer_eof = n == 0;
	http_answer(c, n == 0);
	if (c->responded && n != 0)
		conn_drain(c, now);
}

/* ---- driving a connection ---- */

/* Everything is queued.  When the client has closed too, close; when we
 * speak first (daytime, http), send our FIN and keep reading until the
 * client's FIN: closing with its data unread could reset the connection
 * and lose the response (a "lingering close"). */
static void conn_finish(struct app_conn *c, tv_time now)
{
	if (c->peer_eof) {
		conn_close(c, now);
	} else if (!c->shut) {
		c->shut = true;
		if (sock_shutdown(c->sock, now) != 0)
			conn_close(c, now);
	}
}

static void conn_step(struct app_conn *c, tv_time now)
{
	static void (*const step[APP_SERVICE_COUNT])(struct app_conn *, tv_time) = {
		[APP_ECHO] = echo_step,
		[APP_DISCARD] = discard_step,
		[APP_DAYTIME] = daytime_step,
		[APP_CHARGEN] = chargen_step,
		[APP_HTTP] = http_step,
	};

	if (!c->failed)
		step[c->svc](c, now);
	if (c->failed) {
		c->apps->stats.errors += sock_error(c->sock) != 0;
		conn_close(c, now);
	} else if (c->closing && conn_flush(c, now)) {
		conn_finish(c, now);
	}
}

static void conn_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	struct app_conn *c = ctx;
	tv_time now = sock_host(s)->now;

	(void)err;
	if (ev == TV_SOCK_ERROR || ev == TV_SOCK_CLOSED)
		c->failed = true;
	c->again = true;
	if (c->busy)
		return;
	c->busy = true;
	while (c->again && !c->done) {
		c->again = false;
		conn_step(c, now);
	}
	c->busy = false;
	if (c->done)
		free(c);
}

/* ---- listeners ---- */

static void reject_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	(void)ctx, (void)s, (void)ev, (void)err;
}

/* Out of memory for the connection's state: take it and reset it, so the
 * client hears at once instead of waiting on a connection nobody serves. */
static bool listener_refuse(struct app_listener *l, tv_time now)
{
	struct tv_sock *s;

	if (sock_accept(l->sock, reject_cb, NULL, &s, now) != 0)
		return false;
	sock_abort(s, now);
	l->apps->stats.refused++;
	return true;
}

static bool listener_accept_one(struct app_listener *l, tv_time now)
{
	struct apps *a = l->apps;
	struct app_conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return listener_refuse(l, now);
	c->apps = a;
	c->svc = l->svc;
	if (sock_accept(l->sock, conn_cb, c, &c->sock, now) != 0) {
		free(c);
		return false;
	}
	c->next = a->conns;
	if (a->conns)
		a->conns->prev = c;
	a->conns = c;
	a->stats.accepted++;
	a->stats.active++;
	/* Data or a FIN may have arrived before the accept: start now. */
	conn_cb(c, c->sock, TV_SOCK_WRITABLE, 0);
	return true;
}

static void listener_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	struct app_listener *l = ctx;
	tv_time now = sock_host(s)->now;

	(void)err;
	if (ev != TV_SOCK_ACCEPTABLE)
		return;
	while (listener_accept_one(l, now))
		;
}

/* ---- the set ---- */

struct apps *apps_new(struct host *h)
{
	struct apps *a = calloc(1, sizeof(*a));

	if (a != NULL)
		a->h = h;
	return a;
}

int apps_listen(struct apps *a, enum app_service svc, uint16_t port, tv_time now)
{
	struct app_listener *l;
	int err;

	if (svc >= APP_SERVICE_COUNT)
		return TV_EINVAL;
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return TV_ENOMEM;
	l->apps = a;
	l->svc = svc;
	err = sock_listen(a->h, port ? port : app_port(svc), 0, listener_cb, l, &l->sock, now);
	if (err) {
		free(l);
		return err;
	}
	l->next = a->listeners;
	a->listeners = l;
	return 0;
}

int apps_start(struct host *h, unsigned mask, tv_time now, struct apps **out)
{
	struct apps *a = apps_new(h);
	int err = 0;

	*out = NULL;
	if (a == NULL)
		return TV_ENOMEM;
	for (int i = 0; i < APP_SERVICE_COUNT && err == 0; i++)
		if (mask & APP_BIT(i))
			err = apps_listen(a, (enum app_service)i, 0, now);
	if (err) {
		apps_stop(a, now);
		return err;
	}
	*out = a;
	return 0;
}

void apps_stop(struct apps *a, tv_time now)
{
	struct app_listener *l, *ln;
	struct app_conn *c, *cn;

	if (a == NULL)
		return;
	for (l = a->listeners; l != NULL; l = ln) {
		ln = l->next;
		sock_close(l->sock, now);
		free(l);
	}
	for (c = a->conns; c != NULL; c = cn) {
		cn = c->next;
		sock_close(c->sock, now);
		free(c);
	}
	free(a);
}
