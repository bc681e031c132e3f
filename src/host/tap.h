/*
 * tap.h - the TAP link (tap.c) and the system calls around it (sys.c):
 * opening /dev/net/tun, giving the kernel side an address over
 * rtnetlink, checking addresses against the namespace's interfaces, and
 * dropping root.  Internal to src/host: the runtime (rt.c) is the only
 * user; others go through rt.h.
 *
 * A struct tap is one device attached to the sim's wire as one more port
 * (the kernel is just another station): frames read from the device are
 * sent into the wire from that port, and frames the wire delivers to the
 * port are written to the device.  Reading happens on a uv_poll, every
 * ready frame per wakeup, the fd being non-blocking.
 */
#ifndef TV_HOST_TAP_H
#define TV_HOST_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "core/event.h"
#include "core/wire.h"
#include "host/rt.h"
#include "host/vnet.h"

#define TAP_NAME_MAX 16           /* IFNAMSIZ */
#define TAP_BUF VNET_BUF          /* one read: header + the largest super-frame */

struct tap {
	uv_poll_t poll;
	int fd;
	char name[TAP_NAME_MAX];
	int ifindex;
	uint8_t mac[6];
	uint32_t host_addr;
	uint8_t host_len;
	uint32_t port_id;
	struct wire_port *port;
	struct host *host;        /* the stack host made for it, or NULL */
	struct rt_tap_stats st;
	/* Called with each batch of frames read (ctx, tap); frames are
	 * handed to tap->rx(ctx, frame, len) one by one first. */
	void (*rx)(void *ctx, struct tap *t, const uint8_t *frame, size_t len);
	void (*rx_done)(void *ctx, struct tap *t);
	void *ctx;
	tv_frame_tap_fn ftap;     /* report frames written as DELIVERED */
	void *ftap_ctx;
	struct sim *sim;          /* to name a frame's sender for ftap */
	void (*closed)(struct tap *t); /* tap_close's done */
	bool polling;
	bool vnet;                /* IFF_VNET_HDR: a header before every frame,
				     offloads (vnet.h) */
	struct vnet_tx *tx;       /* vnet: the super-frame being built */
	uint8_t buf[TAP_BUF];
};

/* ---- sys.c: the device and the kernel's configuration ---- */

/* Open /dev/net/tun and attach to (or create) the TAP device name
 * (IFF_TAP | IFF_NO_PI), non-blocking.  With *vnet, also IFF_VNET_HDR and
 * the offloads of vnet.h (TUNSETOFFLOAD: checksum, TSO4); *vnet is false
 * after if the kernel refused them (the device then works without).  The
 * fd, or a TV_E* code with a translated message in msg. */
int sys_tap_open(const char *name, bool *vnet, char *msg, size_t size);
/* The device's index and MAC address (the kernel side's). */
int sys_tap_info(int fd, const char *name, int *ifindex, uint8_t mac[6], char *msg,
		 size_t size);
/* Check that addr/len (the stack) and host/hlen (the kernel, 0: none)
 * make sense together and clash with no other interface's address in
 * this network namespace.  0, or TV_EINVAL with a message. */
int sys_check_addrs(const char *name, uint32_t addr, uint8_t len, uint32_t host,
		    uint8_t hlen, char *msg, size_t size);
/* Give the device host/hlen (already there: fine) and bring it up, over
 * rtnetlink.  0, or a TV_E* code with a message. */
int sys_tap_configure(const char *name, int ifindex, uint32_t host, uint8_t hlen, char *msg,
		      size_t size);
/* Whether the device is up (IFF_UP); false when it cannot be told. */
bool sys_tap_is_up(const char *name);
/* See rt_drop_privileges. */
int sys_drop_privileges(const char *user, char *msg, size_t size);

/* ---- tap.c: the link ---- */

/* Start polling fd (the tap takes it over). */
int tap_start(struct tap *t, uv_loop_t *loop);
/* Stop polling and close the fd; done(t) once libuv lets go of the
 * handle (then t may be freed). */
void tap_close(struct tap *t, void (*done)(struct tap *t));
/* The wire's delivery callback (ctx = the tap): write the frame to the
 * device (with offloads: maybe later, merged into a super-frame). */
int tap_deliver(void *ctx, const uint8_t *frame, size_t len, tv_time now);
/* Write what tap_deliver kept back: the end of a batch. */
void tap_flush(struct tap *t);

#endif
