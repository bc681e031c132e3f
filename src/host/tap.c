/*
 * tap.c - the TAP link (see tap.h): a uv_poll on the device's fd.
 *
 * On each wakeup every ready frame is read (the fd is non-blocking; read
 * until EAGAIN), each handed to t->rx, then t->rx_done once for the
 * batch, so the runtime steps the sim once per batch rather than once per
 * frame.  Frames the wire delivers to the TAP port are written to the
 * device at once, one write per frame (a TAP fd takes one frame per
 * write); a frame the device refuses is counted, never retried: TCP
 * retransmits, as on a real link.
 *
 * With offloads (t->vnet), every read and write carries a virtio-net
 * header: super-frames read are cut into segments (vnet_rx) before the
 * wire sees them; frames delivered are reported to the frame tap one by
 * one, then merged (vnet_tx_add) and written when the batch ends
 * (tap_flush, called by the runtime after every step of the sim).
 */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/sim.h"
#include "host/tap.h"

/* Bound one wakeup's reading so writes and timers get their turn under a
 * flood; the poll fires again at once if more is ready. */
#define TAP_BATCH_MAX 1024

static void tap_emit(void *ctx, const uint8_t *frame, size_t len)
{
	struct tap *t = ctx;

	t->st.rx_frames++;
	t->rx(t->ctx, t, frame, len);
}

/* One read: a frame, or with offloads a header and maybe a super-frame. */
static void tap_got(struct tap *t, size_t len)
{
	int n;

	t->st.rx_bytes += len;
	if (!t->vnet) {
		tap_emit(t, t->buf, len);
		return;
	}
	t->st.rx_reads++;
	if ((n = vnet_rx(t->buf, len, tap_emit, t)) < 0)
		t->st.rx_errors++;
	else if (n > 1)
		t->st.rx_super++;
}

static void tap_on_readable(uv_poll_t *h, int status, int events)
{
	struct tap *t = h->data;
	unsigned n = 0;

	if (status < 0 || !(events & UV_READABLE))
		return;
	while (n < TAP_BATCH_MAX) {
		ssize_t len = read(t->fd, t->buf, sizeof(t->buf));
		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				t->st.rx_errors++;
			break;
		}
		if (len == 0)
			break;
		tap_got(t, (size_t)len);
		n++;
	}
	if (n > 0) {
		t->st.rx_wakeups++;
		t->rx_done(t->ctx, t);
	}
}

int tap_start(struct tap *t, uv_loop_t *loop)
{
	int r = uv_poll_init(loop, &t->poll, t->fd);

	if (r != 0)
		return r;
	t->poll.data = t;
	t->polling = true;
	return uv_poll_start(&t->poll, UV_READABLE, tap_on_readable);
}

static void tap_closed(uv_handle_t *h)
{
	struct tap *t = h->data;

	close(t->fd);
	t->fd = -1;
	t->closed(t);
}

void tap_close(struct tap *t, void (*done)(struct tap *t))
{
	if (!t->polling) {
		if (t->fd >= 0)
			close(t->fd);
		t->fd = -1;
		done(t);
		return;
	}
	t->polling = false;
	t->closed = done;
	uv_close((uv_handle_t *)&t->poll, tap_closed);
}

/* Which sim host sent a frame (by source MAC), for the frame tap. */
static uint32_t tap_sender(const struct tap *t, const uint8_t *frame, size_t len)
{
	if (len < 12)
		return 0;
	for (unsigned i = 0; i < sim_host_count(t->sim); i++) {
		const struct host *h = sim_host_at(t->sim, i);
		if (memcmp(h->cfg.mac, frame + 6, 6) == 0)
			return h->id;
	}
	return 0;
}

/* vnet_write_fn: header and frame in one write. */
static int tap_write(void *ctx, const uint8_t *hdr, const uint8_t *frame, size_t len)
{
	struct tap *t = ctx;
	struct iovec v[2] = {{(void *)hdr, VNET_HDR_LEN}, {(void *)frame, len}};
	ssize_t n;

	do
		n = t->vnet ? writev(t->fd, v, 2) : write(t->fd, frame, len);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)(len + (t->vnet ? VNET_HDR_LEN : 0)) ? 0 : -1;
}

void tap_flush(struct tap *t)
{
	if (t->vnet && t->tx != NULL)
		t->st.tx_dropped += (uint64_t)vnet_tx_flush(t->tx, tap_write, t);
}

int tap_deliver(void *ctx, const uint8_t *frame, size_t len, tv_time now)
{
	struct tap *t = ctx;

	if (t->vnet && t->tx != NULL)
		t->st.tx_dropped += (uint64_t)vnet_tx_add(t->tx, frame, len, tap_write, t);
	else if (tap_write(t, NULL, frame, len) != 0) {
		t->st.tx_dropped++;
		return 0;
	}
	t->st.tx_frames++;
	t->st.tx_bytes += len;
	if (t->ftap != NULL) {
		struct tv_frame_info fi = {.time = now, .fate = TV_FATE_DELIVERED,
					   .from = tap_sender(t, frame, len), .to = t->port_id};
		t->ftap(t->ftap_ctx, frame, len, &fi);
	}
	return 0;
}
