/*
 * sock.h - the socket-like API for in-process users of the stack: the
 * built-in services, the script's application commands, tests and benches.
 *
 * A struct tv_sock is a listener or a connection on one host.  Calls take
 * `now` like every core entry point.  The stack reports what the
 * application may do next through the socket's callback; callbacks are
 * never made from inside a call into the stack's input path: they are
 * queued and delivered at the end of host_input()/host_poll() or of the
 * API call that caused them, so a callback may freely call back into the
 * API (send, recv, close, even free other sockets).
 *
 * READABLE: data or the end of stream can be read.  WRITABLE comes only
 * after a sock_send() came up short (TV_EAGAIN, or fewer bytes than
 * asked) and acknowledged data has since freed room.  Events of one kind
 * coalesce until delivered; they arrive in enum order.
 *
 * Closing: sock_close() with received data still unread resets the
 * connection (RFC 1122 4.2.2.13); data arriving after sock_close() is
 * acknowledged and discarded.  Use sock_shutdown() to keep reading.
 *
 * Errors are the RFC's reports: TV_EREFUSED (RST in SYN-SENT),
 * TV_ERESET (RST when synchronized), TV_ETIMEDOUT (retransmissions or
 * keepalive gave up), TV_ECLOSING (send after shutdown).
 *
 * Lifetime: a socket handle stays valid until the application calls
 * sock_close() or sock_abort() on it, even after the connection itself is
 * gone (then calls return TV_ENOTCONN or the connection's error).  After
 * sock_close() the TCB lives on (FIN-WAIT, TIME-WAIT...) without a handle.
 */
#ifndef TV_SOCK_H
#define TV_SOCK_H

#include "host.h"

struct tv_sock;

typedef void (*tv_sock_cb)(void *ctx, struct tv_sock *s, enum tv_sock_event ev, int err);

/* Per-connection options, all defaulting to the host's tcp_params. */
enum tv_sockopt {
	TV_SO_KEEPALIVE,       /* 0/1 */
	TV_SO_KEEPIDLE,        /* microseconds */
	TV_SO_KEEPINTVL,       /* microseconds */
	TV_SO_KEEPCNT,
	TV_SO_NODELAY,         /* 1 = Nagle off */
	TV_SO_DELACK,          /* 0/1 */
	TV_SO_RCVBUF,          /* bytes; before connect/listen only */
	TV_SO_SNDBUF,          /* bytes */
	TV_SO_MSS,             /* bytes; before connect/listen only */
	TV_SO_WSCALE,          /* 0/1; before connect/listen only */
};

int sock_listen(struct host *h, uint16_t port, int backlog, tv_sock_cb cb, void *ctx,
		struct tv_sock **out, tv_time now);
/* Take one established connection off the listener's accept queue;
 * TV_EAGAIN when there is none.  The new socket reports to cb/ctx. */
int sock_accept(struct tv_sock *listener, tv_sock_cb cb, void *ctx, struct tv_sock **out,
		tv_time now);
/* Active open; lport 0 picks an ephemeral port.  TV_SOCK_CONNECTED or
 * TV_SOCK_ERROR follows. */
int sock_connect(struct host *h, uint32_t raddr, uint16_t rport, uint16_t lport,
		 tv_sock_cb cb, void *ctx, struct tv_sock **out, tv_time now);
/* Options set before connect apply to the SYN. */
int sock_setopt(struct tv_sock *s, enum tv_sockopt opt, uint64_t value);
/* Create an unconnected socket so options can be set before connecting. */
int sock_new(struct host *h, tv_sock_cb cb, void *ctx, struct tv_sock **out);
int sock_connect_socket(struct tv_sock *s, uint32_t raddr, uint16_t rport, uint16_t lport,
			tv_time now);
/* Listen on a socket made by sock_new (so options can be set first; the
 * children of a listener inherit its options).  Calling
 * sock_connect_socket on a listener with no pending connections turns it
 * into an active open: RFC 9293 figure 5's LISTEN --SEND--> SYN-SENT. */
int sock_listen_socket(struct tv_sock *s, uint16_t port, int backlog, tv_time now);

/* Queue up to len bytes; returns bytes queued (> 0), TV_EAGAIN if the send
 * buffer is full, TV_ENOMEM if it has room but no memory to grow into
 * (nothing was queued: try again later), or a negative error. */
long sock_send(struct tv_sock *s, const void *buf, size_t len, tv_time now);
/* Returns bytes read (> 0), 0 at end of stream (peer's FIN), TV_EAGAIN
 * when nothing is buffered, or a negative error. */
long sock_recv(struct tv_sock *s, void *buf, size_t len, tv_time now);
/* Half-close: send FIN after the queued data; receiving continues. */
int sock_shutdown(struct tv_sock *s, tv_time now);
/* Full close: FIN after queued data; the handle is released. */
int sock_close(struct tv_sock *s, tv_time now);
/* Delete the TCB, sending a RST where the peer holds state for it
 * (RFC 9293 3.10.5: not in LISTEN or SYN-SENT, nor once both FINs were
 * sent); the handle is released. */
int sock_abort(struct tv_sock *s, tv_time now);

/* Shut the whole host's TCP down, as a stopping daemon does: every
 * listener closes (its unaccepted connections are reset), every
 * connection is closed with a FIN after its queued data (a half close:
 * sockets keep their handles and still read) or, with reset, aborted with
 * an RST.  Returns how many TCBs were open (TIME-WAIT not counted). */
unsigned sock_close_all(struct host *h, bool reset, tv_time now);

/* Introspection for front ends and tests. */
struct tcb;
struct tcb *sock_tcb(struct tv_sock *s);        /* NULL for a listener or when gone */
uint32_t sock_conn_id(const struct tv_sock *s); /* per-host connection id, 0 if none */
int sock_error(const struct tv_sock *s);        /* latest error, 0 if none */
size_t sock_readable(const struct tv_sock *s);  /* bytes buffered for recv */
size_t sock_send_space(const struct tv_sock *s);
struct host *sock_host(const struct tv_sock *s);
uint16_t sock_local_port(const struct tv_sock *s);

#endif
