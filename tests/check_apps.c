/*
 * check_apps.c - the built-in services end to end: host A runs clients on
 * the socket API, host B runs the services, both on a sim wire.  Each test
 * checks what the client receives, who closes first, and that the
 * service's per-connection state is gone afterwards (apps_stats).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/apps.h"
#include "core/sim.h"
#include "core/sock.h"
#include "core/tcp.h"

#define ADDR_A 0x0a000001u
#define ADDR_B 0x0a000002u

struct fx {
	struct sim *sim;
	struct host *a, *b;
	struct apps *apps;
	size_t b_time_wait;     /* B's connections that reached TIME-WAIT */
	size_t a_time_wait;
};

struct client {
	struct fx *fx;
	struct tv_sock *sk;
	uint8_t *got;
	size_t got_len, got_cap;
	const uint8_t *data;    /* to send */
	size_t len, sent;
	bool shut_after;        /* half-close once everything is queued */
	bool shut;
	bool read;              /* read as data arrives */
	bool connected, eof;
	int err;
};

static void state_sink(void *ctx, const struct tv_event *ev)
{
	struct fx *f = ctx;

	if (ev->type != TV_EV_STATE || ev->u.state.new_state != TCB_TIME_WAIT)
		return;
	if (ev->host == f->b->id)
		f->b_time_wait++;
	else
		f->a_time_wait++;
}

static struct fx *fx_new(unsigned services)
{
	struct fx *f = calloc(1, sizeof(*f));

	struct wire_impair im;

	f->sim = sim_new(7);
	/* A little delay, so that time moves while data flows: a client
	 * reading chargen would otherwise take forever at one instant. */
	wire_impair_none(&im);
	im.delay = TV_USEC(100);
	wire_set_default(sim_wire(f->sim), &im);
	ck_assert_int_eq(sim_add_host(f->sim, "A", ADDR_A, &f->a), 0);
	ck_assert_int_eq(sim_add_host(f->sim, "B", ADDR_B, &f->b), 0);
	tv_bus_add(sim_bus(f->sim), state_sink, f);
	if (services)
		ck_assert_int_eq(apps_start(f->b, services, sim_now(f->sim), &f->apps), 0);
	return f;
}

static void fx_free(struct fx *f)
{
	apps_stop(f->apps, sim_now(f->sim));
	sim_free(f->sim);
	free(f);
}

static const struct apps_stats *fx_stats(const struct fx *f)
{
	return apps_stats(f->apps);
}

/* ---- a client ---- */

static void client_read(struct client *c, tv_time now)
{
	long n;

	for (;;) {
		if (c->got_cap - c->got_len < 4096) {
			c->got_cap = c->got_cap ? 2 * c->got_cap : 65536;
			c->got = realloc(c->got, c->got_cap);
			ck_assert_ptr_nonnull(c->got);
		}
		n = sock_recv(c->sk, c->got + c->got_len, c->got_cap - c->got_len, now);
		if (n <= 0)
			break;
		c->got_len += (size_t)n;
	}
	if (n == 0)
		c->eof = true;
	else if (n != TV_EAGAIN)
		c->err = (int)n;
}

static void client_send(struct client *c, tv_time now)
{
	while (c->sent < c->len) {
		long n = sock_send(c->sk, c->data + c->sent, c->len - c->sent, now);
		if (n <= 0)
			return;
		c->sent += (size_t)n;
	}
	if (c->shut_after && !c->shut) {
		c->shut = true;
		ck_assert_int_eq(sock_shutdown(c->sk, now), 0);
	}
}

static void client_cb(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err)
{
	struct client *c = ctx;
	tv_time now = sim_now(c->fx->sim);

	(void)s;
	switch (ev) {
	case TV_SOCK_CONNECTED:
		c->connected = true;
		client_send(c, now);
		break;
	case TV_SOCK_WRITABLE:
		client_send(c, now);
		break;
	case TV_SOCK_READABLE:
	case TV_SOCK_PEER_CLOSED:
		if (c->read)
			client_read(c, now);
		break;
	case TV_SOCK_ERROR:
		c->err = err;
		break;
	default:
		break;
	}
}

static void client_start(struct fx *f, struct client *c, uint16_t port, const void *data,
			 size_t len)
{
	memset(c, 0, sizeof(*c));
	c->fx = f;
	c->data = data;
	c->len = len;
	c->shut_after = true;
	c->read = true;
	ck_assert_int_eq(sock_connect(f->a, ADDR_B, port, 0, client_cb, c, &c->sk,
				      sim_now(f->sim)),
			 0);
}

static void client_end(struct fx *f, struct client *c)
{
	if (c->sk)
		sock_close(c->sk, sim_now(f->sim));
	c->sk = NULL;
	free(c->got);
	c->got = NULL;
}

static bool client_done(void *ctx, struct sim *s)
{
	struct client *c = ctx;

	(void)s;
	return c->eof || c->err;
}

static void run_until_done(struct fx *f, struct client *c)
{
	ck_assert_int_eq(sim_run_until(f->sim, client_done, c, TV_SEC(600)), 0);
}

static bool got_str(const struct client *c, const char *s)
{
	return c->got_len == strlen(s) && memcmp(c->got, s, c->got_len) == 0;
}

static bool got_prefix(const struct client *c, const char *s)
{
	return c->got_len >= strlen(s) && memcmp(c->got, s, strlen(s)) == 0;
}

/* ---- names and dates ---- */

START_TEST(test_services_have_their_well_known_ports)
{
	ck_assert_uint_eq(app_port(APP_ECHO), 7);
	ck_assert_uint_eq(app_port(APP_DISCARD), 9);
	ck_assert_uint_eq(app_port(APP_DAYTIME), 13);
	ck_assert_uint_eq(app_port(APP_CHARGEN), 19);
	ck_assert_uint_eq(app_port(APP_HTTP), 80);
	ck_assert_int_eq(app_find("chargen"), APP_CHARGEN);
	ck_assert_int_eq(app_find("gopher"), -1);
	ck_assert_str_eq(app_name(APP_HTTP), "http");
}
END_TEST

START_TEST(test_daytime_format_known_dates)
{
	char buf[64];

	app_daytime_format(TV_SEC(5), buf, sizeof(buf));
	ck_assert_str_eq(buf, "Thursday, January 1, 1970 00:00:05-UTC\r\n");
	app_daytime_format(TV_SEC(951782400ull + 3723), buf, sizeof(buf));
	ck_assert_str_eq(buf, "Tuesday, February 29, 2000 01:02:03-UTC\r\n");
	app_daytime_format(TV_SEC(2147483648ull), buf, sizeof(buf));
	ck_assert_str_eq(buf, "Tuesday, January 19, 2038 03:14:08-UTC\r\n");
	app_daytime_format(TV_SEC(4102444799ull), buf, sizeof(buf));
	ck_assert_str_eq(buf, "Thursday, December 31, 2099 23:59:59-UTC\r\n");
	/* Too small a buffer: truncated, terminated, full length reported. */
	ck_assert_uint_eq(app_daytime_format(0, buf, 9), 40);
	ck_assert_str_eq(buf, "Thursday");
}
END_TEST

/* ---- echo ---- */

START_TEST(test_echo_returns_the_data_and_closes_after_the_client)
{
	struct fx *f = fx_new(APP_BIT(APP_ECHO));
	struct client c;

	client_start(f, &c, 7, "hello, echo\n", 12);
	run_until_done(f, &c);
	ck_assert_int_eq(c.err, 0);
	ck_assert(got_str(&c, "hello, echo\n"));
	client_end(f, &c);
	sim_run_until_idle(f->sim, TV_SEC(3600));
	ck_assert_uint_eq(fx_stats(f)->accepted, 1);
	ck_assert_uint_eq(fx_stats(f)->active, 0);
	ck_assert_uint_eq(fx_stats(f)->closed, 1);
	ck_assert_uint_eq(fx_stats(f)->bytes_in, 12);
	ck_assert_uint_eq(fx_stats(f)->bytes_out, 12);
	ck_assert_uint_eq(f->a_time_wait, 1); /* the client closed first */
	ck_assert_uint_eq(f->b_time_wait, 0);
	fx_free(f);
}
END_TEST

static uint8_t *pattern(size_t len)
{
	uint8_t *p = malloc(len);

	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 131 + (i >> 9));
	return p;
}

START_TEST(test_echo_large_transfer_arrives_intact)
{
	struct fx *f = fx_new(APP_BIT(APP_ECHO));
	struct client c;
	size_t len = 3 * 1024 * 1024 + 17;
	uint8_t *data = pattern(len);

	client_start(f, &c, 7, data, len);
	run_until_done(f, &c);
	ck_assert_int_eq(c.err, 0);
	ck_assert_uint_eq(c.got_len, len);
	ck_assert_mem_eq(c.got, data, len);
	client_end(f, &c);
	free(data);
	fx_free(f);
}
END_TEST

/* A client that never reads: the service stops reading too, so nothing
 * grows without bound; once the client reads, everything arrives. */
START_TEST(test_echo_slow_reader_stalls_the_service)
{
	struct fx *f = fx_new(APP_BIT(APP_ECHO));
	struct client c;
	size_t len = 4 * 1024 * 1024;
	uint8_t *data = pattern(len);
	uint64_t in;

	client_start(f, &c, 7, data, len);
	c.read = false;
	ck_assert_int_eq(sim_run_until_quiet(f->sim, TV_SEC(60)), 0);
	in = fx_stats(f)->bytes_in;
	ck_assert_uint_lt(in, len);
	ck_assert_uint_le(in - fx_stats(f)->bytes_out, APP_BUF);
	ck_assert_uint_le(fx_stats(f)->bytes_out, f->a->cfg.tcp.rcvbuf + f->b->cfg.tcp.sndbuf);
	c.read = true;
	client_read(&c, sim_now(f->sim));
	run_until_done(f, &c);
	ck_assert_uint_eq(c.got_len, len);
	ck_assert_mem_eq(c.got, data, len);
	client_end(f, &c);
	free(data);
	fx_free(f);
}
END_TEST

enum { MANY = 40 };

static bool all_done(void *ctx, struct sim *s)
{
	struct client *c = ctx;

	for (int i = 0; i < MANY; i++)
		if (!client_done(&c[i], s))
			return false;
	return true;
}

START_TEST(test_echo_serves_many_connections_at_once)
{
	struct fx *f = fx_new(APP_BIT(APP_ECHO));
	enum { N = MANY };
	static struct client c[N];
	static char msg[N][32];

	for (int i = 0; i < N; i++) {
		size_t n = (size_t)(i % 9) + 1;
		memset(msg[i], 'a' + i % 26, n);
		client_start(f, &c[i], 7, msg[i], n);
	}
	/* Not "quiet": SYNs that found A's ARP queue full are resent later. */
	ck_assert_int_eq(sim_run_until(f->sim, all_done, c, TV_SEC(60)), 0);
	for (int i = 0; i < N; i++) {
		ck_assert(c[i].eof);
		ck_assert_uint_eq(c[i].got_len, (size_t)(i % 9) + 1);
		ck_assert_mem_eq(c[i].got, msg[i], c[i].got_len);
		client_end(f, &c[i]);
	}
	ck_assert_uint_eq(fx_stats(f)->accepted, N);
	ck_assert_uint_eq(fx_stats(f)->active, 0);
	fx_free(f);
}
END_TEST

/* ---- discard ---- */

START_TEST(test_discard_reads_everything_and_sends_nothing)
{
	struct fx *f = fx_new(APP_BIT(APP_DISCARD));
	struct client c;
	size_t len = 200000;
	uint8_t *data = pattern(len);

	client_start(f, &c, 9, data, len);
	run_until_done(f, &c);
	ck_assert_int_eq(c.err, 0);
	ck_assert_uint_eq(c.got_len, 0);
	ck_assert_uint_eq(fx_stats(f)->bytes_in, len);
	ck_assert_uint_eq(fx_stats(f)->bytes_out, 0);
	client_end(f, &c);
	sim_run_until_quiet(f->sim, TV_SEC(10));
	ck_assert_uint_eq(fx_stats(f)->active, 0);
	free(data);
	fx_free(f);
}
END_TEST

/* ---- daytime ---- */

START_TEST(test_daytime_sends_the_virtual_time_and_closes_first)
{
	struct fx *f = fx_new(APP_BIT(APP_DAYTIME));
	struct client c;

	sim_run_for(f->sim, TV_SEC(5));
	client_start(f, &c, 13, NULL, 0);
	c.shut_after = false;
	run_until_done(f, &c);
	ck_assert_int_eq(c.err, 0);
	ck_assert(got_str(&c, "Thursday, January 1, 1970 00:00:05-UTC\r\n"));
	client_end(f, &c);
	sim_run_until_idle(f->sim, TV_SEC(3600));
	ck_assert_uint_eq(f->b_time_wait, 1); /* the server did the active close */
	ck_assert_uint_eq(f->a_time_wait, 0);
	ck_assert_uint_eq(fx_stats(f)->active, 0);
	fx_free(f);
}
END_TEST

START_TEST(test_daytime_adds_the_epoch_it_was_given)
{
	struct fx *f = fx_new(APP_BIT(APP_DAYTIME));
	struct client c;

	/* 2000-03-01 00:00:00 UTC at virtual time 0: what the live runtime
	 * passes so that a real kernel hears the real date. */
	apps_set_epoch(f->apps, TV_SEC(951868800ull));
	sim_run_for(f->sim, TV_SEC(65));
	client_start(f, &c, 13, NULL, 0);
	c.shut_after = false;
	run_until_done(f, &c);
	ck_assert(got_str(&c, "Wednesday, March 1, 2000 00:01:05-UTC\r\n"));
	client_end(f, &c);
	fx_free(f);
}
END_TEST

/* ---- chargen ---- */

static void chargen_line(char *buf, unsigned line)
{
	for (unsigned i = 0; i < 72; i++)
		buf[i] = (char)(' ' + (line + i) % 95);
	buf[72] = '\r';
	buf[73] = '\n';
}

START_TEST(test_chargen_sends_the_rfc864_pattern)
{
	struct fx *f = fx_new(APP_BIT(APP_CHARGEN));
	struct client c;
	char want[74];

	client_start(f, &c, 19, NULL, 0);
	c.shut_after = false;
	sim_run_for(f->sim, TV_MSEC(10));
	ck_assert_uint_gt(c.got_len, 96 * 74);
	for (unsigned line = 0; line < 96; line++) {
		chargen_line(want, line);
		ck_assert_mem_eq(c.got + 74 * line, want, 74);
	}
	ck_assert_uint_eq(c.got[0], ' ');
	ck_assert_uint_eq(c.got[74], '!');
	ck_assert_uint_eq(c.got[95 * 74], ' '); /* the pattern repeats after 95 lines */
	/* The client half-closes: the service stops and closes too. */
	ck_assert_int_eq(sock_shutdown(c.sk, sim_now(f->sim)), 0);
	run_until_done(f, &c);
	ck_assert_int_eq(c.err, 0);
	client_end(f, &c);
	sim_run_until_quiet(f->sim, TV_SEC(10));
	ck_assert_uint_eq(fx_stats(f)->active, 0);
	fx_free(f);
}
END_TEST

START_TEST(test_chargen_is_paced_by_the_send_buffer)
{
	struct fx *f = fx_new(APP_BIT(APP_CHARGEN));
	struct client c;
	uint64_t out;

	client_start(f, &c, 19, NULL, 0);
	c.shut_after = false;
	c.read = false;
	ck_assert_int_eq(sim_run_until_quiet(f->sim, TV_SEC(60)), 0);
	out = fx_stats(f)->bytes_out;
	ck_assert_uint_gt(out, 0);
	ck_assert_uint_le(out, f->a->cfg.tcp.rcvbuf + f->b->cfg.tcp.sndbuf);
	/* Later probes do not make it send more while the client is full. */
	sim_run_for(f->sim, TV_SEC(30));
	ck_assert_uint_le(fx_stats(f)->bytes_out, f->a->cfg.tcp.rcvbuf + f->b->cfg.tcp.sndbuf);
	client_end(f, &c);
	fx_free(f);
}
END_TEST

START_TEST(test_client_reset_frees_the_service_state)
{
	struct fx *f = fx_new(APP_BIT(APP_CHARGEN));
	struct client c;

	client_start(f, &c, 19, NULL, 0);
	c.shut_after = false;
	sim_run_for(f->sim, TV_MSEC(10));
	ck_assert_uint_eq(fx_stats(f)->active, 1);
	ck_assert_int_eq(sock_abort(c.sk, sim_now(f->sim)), 0);
	c.sk = NULL;
	sim_run_until_quiet(f->sim, TV_SEC(10));
	ck_assert_uint_eq(fx_stats(f)->active, 0);
	ck_assert_uint_eq(fx_stats(f)->errors, 1);
	client_end(f, &c);
	fx_free(f);
}
END_TEST

/* ---- http ---- */

static void http_get(struct fx *f, struct client *c, const char *req)
{
	client_start(f, c, 80, req, strlen(req));
	run_until_done(f, c);
	ck_assert_int_eq(c->err, 0);
	ck_assert(c->got_len > 0);
	c->got = realloc(c->got, c->got_len + 1);
	c->got[c->got_len] = '\0';
}

/* The body after the blank line, checked against Content-Length. */
static const char *http_body(const struct client *c)
{
	const char *s = (const char *)c->got, *body = strstr(s, "\r\n\r\n");
	const char *cl = strstr(s, "Content-Length: ");

	ck_assert_ptr_nonnull(body);
	ck_assert_ptr_nonnull(cl);
	body += 4;
	ck_assert_uint_eq(strtoul(cl + 16, NULL, 10), strlen(body));
	return body;
}

START_TEST(test_http_get_root_is_200_with_the_page)
{
	struct fx *f = fx_new(APP_BIT(APP_HTTP));
	struct client c;

	http_get(f, &c, "GET / HTTP/1.0\r\nHost: b\r\nUser-Agent: check\r\n\r\n");
	ck_assert(got_prefix(&c, "HTTP/1.0 200 OK\r\n"));
	ck_assert_ptr_nonnull(strstr(http_body(&c), "Hello from host B"));
	client_end(f, &c);
	sim_run_until_idle(f->sim, TV_SEC(3600));
	ck_assert_uint_eq(f->b_time_wait, 1); /* the server closes after the response */
	ck_assert_uint_eq(fx_stats(f)->active, 0);
	fx_free(f);
}
END_TEST

START_TEST(test_http_other_path_is_404)
{
	struct fx *f = fx_new(APP_BIT(APP_HTTP));
	struct client c;

	http_get(f, &c, "GET /nothing-here HTTP/1.0\r\n\r\n");
	ck_assert(got_prefix(&c, "HTTP/1.0 404 Not Found\r\n"));
	ck_assert_ptr_nonnull(strstr(http_body(&c), "404"));
	client_end(f, &c);
	fx_free(f);
}
END_TEST

START_TEST(test_http_index_html_and_query_are_the_page)
{
	struct fx *f = fx_new(APP_BIT(APP_HTTP));
	struct client c;

	http_get(f, &c, "GET /index.html?x=1 HTTP/1.1\r\n\r\n");
	ck_assert(got_prefix(&c, "HTTP/1.0 200 OK\r\n"));
	client_end(f, &c);
	fx_free(f);
}
END_TEST

START_TEST(test_http_garbage_is_400)
{
	struct fx *f = fx_new(APP_BIT(APP_HTTP));
	struct client c;

	http_get(f, &c, "\x01\x02 hello there\r\n\r\n");
	ck_assert(got_prefix(&c, "HTTP/1.0 400 Bad Request\r\n"));
	http_body(&c);
	client_end(f, &c);
	http_get(f, &c, "GET / HTTP/one\r\n\r\n");
	ck_assert(got_prefix(&c, "HTTP/1.0 400 "));
	client_end(f, &c);
	http_get(f, &c, "GET nope HTTP/1.0\r\n\r\n");
	ck_assert(got_prefix(&c, "HTTP/1.0 400 "));
	client_end(f, &c);
	fx_free(f);
}
END_TEST

START_TEST(test_http_request_line_longer_than_the_buffer_is_400)
{
	struct fx *f = fx_new(APP_BIT(APP_HTTP));
	struct client c;
	size_t n = 3 * APP_BUF;
	char *req = malloc(n + 32);

	strcpy(req, "GET /");
	memset(req + 5, 'a', n);
	strcpy(req + 5 + n, " HTTP/1.0\r\n\r\n");
	http_get(f, &c, req);
	ck_assert(got_prefix(&c, "HTTP/1.0 400 Bad Request\r\n"));
	client_end(f, &c);
	sim_run_until_quiet(f->sim, TV_SEC(10));
	ck_assert_uint_eq(fx_stats(f)->active, 0);
	free(req);
	fx_free(f);
}
END_TEST

START_TEST(test_http_head_has_headers_only)
{
	struct fx *f = fx_new(APP_BIT(APP_HTTP));
	struct client c;
	const char *end;

	http_get(f, &c, "HEAD / HTTP/1.0\r\n\r\n");
	ck_assert(got_prefix(&c, "HTTP/1.0 200 OK\r\n"));
	end = strstr((const char *)c.got, "\r\n\r\n");
	ck_assert_ptr_nonnull(end);
	ck_assert_uint_eq(strlen(end), 4);
	client_end(f, &c);
	fx_free(f);
}
END_TEST

START_TEST(test_http_unknown_method_is_501)
{
	struct fx *f = fx_new(APP_BIT(APP_HTTP));
	struct client c;

	http_get(f, &c, "POST / HTTP/1.0\r\nContent-Length: 0\r\n\r\n");
	ck_assert(got_prefix(&c, "HTTP/1.0 501 Not Implemented\r\n"));
	client_end(f, &c);
	fx_free(f);
}
END_TEST

START_TEST(test_http_simple_request_gets_the_page)
{
	struct fx *f = fx_new(APP_BIT(APP_HTTP));
	struct client c;

	/* HTTP/0.9 style: no version, no headers; answered at the line end
	 * even though the client has not closed. */
	client_start(f, &c, 80, "GET /\r\n", 7);
	c.shut_after = false;
	run_until_done(f, &c);
	ck_assert(got_prefix(&c, "HTTP/1.0 200 OK\r\n"));
	client_end(f, &c);
	fx_free(f);
}
END_TEST

START_TEST(test_http_client_that_sends_nothing_gets_nothing)
{
	struct fx *f = fx_new(APP_BIT(APP_HTTP));
	struct client c;

	client_start(f, &c, 80, NULL, 0);
	run_until_done(f, &c);
	ck_assert_int_eq(c.err, 0);
	ck_assert_uint_eq(c.got_len, 0);
	client_end(f, &c);
	fx_free(f);
}
END_TEST

START_TEST(test_http_partial_request_then_close_is_400)
{
	struct fx *f = fx_new(APP_BIT(APP_HTTP));
	struct client c;

	http_get(f, &c, "GET / HTT");
	ck_assert(got_prefix(&c, "HTTP/1.0 400 "));
	client_end(f, &c);
	fx_free(f);
}
END_TEST

/* ---- the set ---- */

START_TEST(test_all_services_answer_on_their_ports)
{
	struct fx *f = fx_new(APPS_ALL);
	struct client c;

	client_start(f, &c, 7, "x", 1);
	run_until_done(f, &c);
	ck_assert(got_str(&c, "x"));
	client_end(f, &c);
	client_start(f, &c, 13, NULL, 0);
	run_until_done(f, &c);
	ck_assert(got_prefix(&c, "Thursday, January 1, 1970 "));
	client_end(f, &c);
	http_get(f, &c, "GET / HTTP/1.0\r\n\r\n");
	ck_assert(got_prefix(&c, "HTTP/1.0 200"));
	client_end(f, &c);
	fx_free(f);
}
END_TEST

START_TEST(test_stop_closes_listeners_and_connections)
{
	struct fx *f = fx_new(APP_BIT(APP_ECHO));
	struct client c, d;

	client_start(f, &c, 7, "abc", 3);
	c.shut_after = false;
	sim_run_until_quiet(f->sim, TV_SEC(10));
	ck_assert(got_str(&c, "abc"));
	apps_stop(f->apps, sim_now(f->sim));
	f->apps = NULL;
	run_until_done(f, &c); /* the service's FIN */
	ck_assert(c.eof);
	client_start(f, &d, 7, "x", 1);
	run_until_done(f, &d);
	ck_assert_int_eq(d.err, TV_EREFUSED);
	client_end(f, &c);
	client_end(f, &d);
	fx_free(f);
}
END_TEST

START_TEST(test_start_fails_cleanly_when_a_port_is_taken)
{
	struct fx *f = fx_new(0);
	struct tv_sock *ls;
	struct apps *a = (struct apps *)1;
	struct client c;

	ck_assert_int_eq(sock_listen(f->b, 13, 0, client_cb, NULL, &ls, sim_now(f->sim)), 0);
	ck_assert_int_eq(apps_start(f->b, APPS_ALL, sim_now(f->sim), &a), TV_EADDRINUSE);
	ck_assert_ptr_null(a);
	client_start(f, &c, 7, "x", 1); /* echo came up before daytime failed */
	run_until_done(f, &c);
	ck_assert_int_eq(c.err, TV_EREFUSED);
	client_end(f, &c);
	sock_close(ls, sim_now(f->sim));
	fx_free(f);
}
END_TEST

static Suite *apps_suite(void)
{
	Suite *s = suite_create("apps");
	TCase *u = tcase_create("units");
	TCase *e = tcase_create("echo");
	TCase *o = tcase_create("others");
	TCase *h = tcase_create("http");

	tcase_set_timeout(e, 60);
	tcase_add_test(u, test_services_have_their_well_known_ports);
	tcase_add_test(u, test_daytime_format_known_dates);
	tcase_add_test(u, test_daytime_adds_the_epoch_it_was_given);
	tcase_add_test(e, test_echo_returns_the_data_and_closes_after_the_client);
	tcase_add_test(e, test_echo_large_transfer_arrives_intact);
	tcase_add_test(e, test_echo_slow_reader_stalls_the_service);
	tcase_add_test(e, test_echo_serves_many_connections_at_once);
	tcase_add_test(o, test_discard_reads_everything_and_sends_nothing);
	tcase_add_test(o, test_daytime_sends_the_virtual_time_and_closes_first);
	tcase_add_test(o, test_chargen_sends_the_rfc864_pattern);
	tcase_add_test(o, test_chargen_is_paced_by_the_send_buffer);
	tcase_add_test(o, test_client_reset_frees_the_service_state);
	tcase_add_test(o, test_all_services_answer_on_their_ports);
	tcase_add_test(o, test_stop_closes_listeners_and_connections);
	tcase_add_test(o, test_start_fails_cleanly_when_a_port_is_taken);
	tcase_add_test(h, test_http_get_root_is_200_with_the_page);
	tcase_add_test(h, test_http_other_path_is_404);
	tcase_add_test(h, test_http_index_html_and_query_are_the_page);
	tcase_add_test(h, test_http_garbage_is_400);
	tcase_add_test(h, test_http_request_line_longer_than_the_buffer_is_400);
	tcase_add_test(h, test_http_head_has_headers_only);
	tcase_add_test(h, test_http_unknown_method_is_501);
	tcase_add_test(h, test_http_simple_request_gets_the_page);
	tcase_add_test(h, test_http_client_that_sends_nothing_gets_nothing);
	tcase_add_test(h, test_http_partial_request_then_close_is_400);
	suite_add_tcase(s, u);
	suite_add_tcase(s, e);
	suite_add_tcase(s, o);
	suite_add_tcase(s, h);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(apps_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
