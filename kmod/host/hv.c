// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypervisor, as the kernel reaches it: libhvsim-guest underneath the
 * hostk_* hypercall and event-bitmap services, and the vCPU thread that
 * waits for upcalls and runs the 2-level scan into the kernel's handlers.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <unistd.h>

#include "hvsim_guest.h"
#include "hostif.h"
#include "host.h"

static struct hvsim_guest *guest;

void hv_set_guest(struct hvsim_guest *g)
{
	guest = g;
}

struct hvsim_guest *hv_guest(void)
{
	return guest;
}

void *hostk_ram(unsigned long *nr_pages)
{
	*nr_pages = hvsim_guest_ram_pages(guest);
	return hvsim_guest_ram(guest);
}

void *hostk_shared_info(void)
{
	return hvsim_guest_shared_info(guest);
}

void *hostk_grant_table(unsigned int *max_frames)
{
	return hvsim_guest_grant_table(guest, max_frames);
}

unsigned int hostk_domid(void)
{
	return hvsim_guest_domid(guest);
}

int hostk_grant_table_op(unsigned int cmd, void *ops, unsigned int count,
			 unsigned long long *frames)
{
	return hvsim_guest_grant_table_op(guest, cmd, ops, count, (xen_pfn_t *)frames);
}

/*
 * EVTCHNOP_send is posted, not called: its only callers, Linux's
 * notify_remote_via_evtchn() and notify_remote_via_irq(), discard the
 * result, so the sending thread need not wait for hvsimd's turn (a round
 * trip off every notify).  hvsimd still checks and traces each send, in
 * order with this kernel's other hypercalls.
 */
int hostk_event_channel_op(unsigned int cmd, void *arg)
{
	if (cmd == EVTCHNOP_send)
		return hvsim_guest_evtchn_send_posted(guest,
						      ((struct evtchn_send *)arg)->port);
	return hvsim_guest_event_channel_op(guest, cmd, arg);
}

int hostk_hv_alive(void)
{
	return hvsim_guest_alive(guest);
}

bool hv_domain_destroyed(void)
{
	return hvsim_guest_destroyed(guest);
}

void hostk_evtchn_mask(unsigned int port)
{
	hvsim_guest_evtchn_mask(guest, port);
}

void hostk_evtchn_clear(unsigned int port)
{
	hvsim_guest_evtchn_clear(guest, port);
}

int hostk_evtchn_unmask(unsigned int port)
{
	return hvsim_guest_evtchn_unmask(guest, port);
}

int hostk_evtchn_test_pending(unsigned int port)
{
	return hvsim_guest_evtchn_test_pending(guest, port);
}

static void handle_port(evtchn_port_t port, void *arg)
{
	kmod_handle_event(port);
}

/*
 * The vCPU: upcalls in, handlers run.  It also notices the domain's end
 * (the hypercall connection hung up or said HVSIM_MSG_SHUTDOWN) and tells
 * the main thread through shutdown_fd.
 */
static void vcpu_thread(void *arg)
{
	int shutdown_fd = (int)(intptr_t)arg;
	int quiet_ms = 0;

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = hvsim_guest_upcall_fd(guest), .events = POLLIN },
			{ .fd = hvsim_guest_conn_fd(guest), .events = POLLIN },
		};
		int n = poll(p, quiet_ms ? 1 : 2, quiet_ms ? quiet_ms : -1);

		quiet_ms = 0;
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && p[0].revents) {
			/* poll said it is there: take it without polling again */
			hvsim_guest_take_upcall(guest);
			hvsim_guest_scan_events(guest, handle_port, NULL);
		}
		if (n > 0 && p[1].revents) {
			if (!hvsim_guest_alive(guest))
				break;
			/* A hypercall's reply in flight: look again shortly. */
			quiet_ms = 20;
		}
	}
	if (write(shutdown_fd, "x", 1) < 0)
		hostk_log(3, "vcpu: cannot signal shutdown");
}

int hv_start_vcpu(int shutdown_fd)
{
	return hostk_thread_create(vcpu_thread, (void *)(intptr_t)shutdown_fd, "vcpu0");
}
