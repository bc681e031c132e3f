/*
 * apps.h - the built-in services a host can run, written on the socket
 * API (sock.h) only, like any application:
 *
 *   echo     (7, RFC 862)   sends back what it receives
 *   discard  (9, RFC 863)   reads and throws away
 *   daytime (13, RFC 867)   sends the (virtual) date and time, then closes
 *                           first: the server does the active close
 *   chargen (19, RFC 864)   sends the rotating character pattern as fast as
 *                           the send buffer takes it, ignores input
 *   http    (80)            a minimal HTTP/1.0 server: GET / gets a small
 *                           page, other paths 404, garbage 400, unknown
 *                           methods 501; it closes after the response
 *
 * apps_start(host, mask, now, &apps) listens on the chosen services'
 * ports; each serves any number of connections and frees a connection's
 * state when it closes.  apps_stop() closes everything and frees it.
 * A service closes its side when the client closes its own (end of
 * stream), or aborts on an error.  Daytime and http speak first: they
 * send their FIN after the answer and then read (and ignore) whatever the
 * client still sends until its FIN, so unread data never turns the close
 * into a reset that could lose the answer.  Odd input (a request line
 * longer than the buffer, binary junk) is answered or ignored, never
 * trusted.
 */
#ifndef TV_APPS_H
#define TV_APPS_H

#include "host.h"
#include "sock.h"

enum app_service {
	APP_ECHO,
	APP_DISCARD,
	APP_DAYTIME,
	APP_CHARGEN,
	APP_HTTP,
	APP_SERVICE_COUNT
};

#define APP_BIT(svc) (1u << (svc))
#define APPS_ALL ((1u << APP_SERVICE_COUNT) - 1)

#define APP_BUF 1024          /* per-connection request/output buffer */

struct apps_stats {
	uint64_t accepted;        /* connections taken off the listeners */
	uint64_t active;          /* connections open now */
	uint64_t closed;          /* connections finished (any way) */
	uint64_t bytes_in;        /* application bytes read */
	uint64_t bytes_out;       /* application bytes queued for sending */
	uint64_t refused;         /* accepted then aborted: out of memory */
	uint64_t nomem;           /* aborted: no memory to queue their output */
	uint64_t errors;          /* connections that ended in an error */
};

struct apps;

/* Well-known port ("echo" 7...) and stable name ("echo") of a service. */
uint16_t app_port(enum app_service svc);
const char *app_name(enum app_service svc);
/* Service with that name, or -1. */
int app_find(const char *name);

/* A service set with no listeners yet.  NULL if out of memory. */
struct apps *apps_new(struct host *h);
/* Listen for svc on port (0: its well-known port). */
int apps_listen(struct apps *a, enum app_service svc, uint16_t port, tv_time now);
/* apps_new + apps_listen for every service in mask (APP_BIT(x) | ...).
 * On error nothing is left listening and *out is NULL. */
int apps_start(struct host *h, unsigned mask, tv_time now, struct apps **out);
/* Close every listener and connection (connections get a FIN: closing
 * goes on in the stack without us) and free the set.  Call it before the
 * host is freed, and not from inside one of the set's own callbacks. */
void apps_stop(struct apps *a, tv_time now);

const struct apps_stats *apps_stats(const struct apps *a);

/* What daytime tells is epoch + virtual time, in µs since 1970-01-01 UTC:
 * 0 (the default) in simulations, the calendar time at virtual time 0
 * when a real kernel asks across TAP.  The core never reads a clock; the
 * runtime passes it in. */
void apps_set_epoch(struct apps *a, tv_time epoch);

/* The daytime line for virtual time now (seconds since 1970-01-01 UTC):
 * "Thursday, January 1, 1970 00:00:05-UTC\r\n".  Writes at most size
 * bytes including the NUL; returns the length it needed. */
size_t app_daytime_format(tv_time now, char *buf, size_t size);

#endif
