// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fault rules for a domain's kernel (kernel_fault.h): requests in flight,
 * each with a timer, answered by the kernel or by its going away.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "fault.h"
#include "hypercall.h"
#include "kernel_fault.h"
#include "loop.h"
#include "trace.h"

struct kf_request {
	struct loop_watch timer;     /* first: the loop hands it back */
	struct kf_request *next;
	struct domain *d;
	uint32_t seq;
	void (*done)(int err, void *arg);
	void *arg;
};

static struct kf_request *pending;
static uint32_t next_seq;

static void unlink_request(struct kf_request *r)
{
	for (struct kf_request **pp = &pending; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			return;
		}
}

/* Answers r and frees it (after the loop's current batch). */
static void finish(struct kf_request *r, int err)
{
	void (*done)(int, void *) = r->done;
	void *arg = r->arg;

	unlink_request(r);
	loop_close_watch(&r->timer, r);
	done(err, arg);
}

static void timer_event(struct loop_watch *w, uint32_t events)
{
	finish((struct kf_request *)w, -ETIMEDOUT);
}

int kernel_fault_send(struct domain *d, const struct hvsim_kernel_fault *f,
		      void (*done)(int err, void *arg), void *arg)
{
	uint8_t buf[sizeof(struct hvsim_msg_hdr) + sizeof(*f)];
	struct hvsim_msg_hdr *h = (void *)buf;
	struct itimerspec its = { .it_value = {
		.tv_sec = KERNEL_FAULT_TIMEOUT_MS / 1000,
		.tv_nsec = (KERNEL_FAULT_TIMEOUT_MS % 1000) * 1000000L } };
	struct kf_request *r;
	int err;

	if (!d->kernel_attached)
		return -ENOTCONN;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->timer.fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	r->timer.cb = timer_event;
	if (r->timer.fd < 0 || timerfd_settime(r->timer.fd, 0, &its, NULL) < 0 ||
	    loop_add(&r->timer, EPOLLIN) < 0) {
		err = -errno;
		if (r->timer.fd >= 0)
			close(r->timer.fd);
		free(r);
		return err ? err : -ENOMEM;
	}
	r->d = d;
	r->seq = ++next_seq;
	r->done = done;
	r->arg = arg;

	memset(buf, 0, sizeof(buf));
	h->type = HVSIM_MSG_KERNEL_FAULT;
	h->seq = r->seq;
	h->count = 1;
	memcpy(h + 1, f, sizeof(*f));
	err = hypercall_send_to_kernel(d, buf, sizeof(buf));
	if (err) {
		loop_close_watch(&r->timer, r);
		return err;
	}
	r->next = pending;
	pending = r;
	return 0;
}

/* A fault the kernel injected: into the trace, and its rule's count. */
static void injected(struct domain *d, const struct hvsim_fault_injected *n)
{
	struct fault_rule *r = fault_kernel_note(d, n->kind);
	struct json_object *ev;
	char site[sizeof(n->site) + 1];

	/* news of a rule hvsimd never gave is a kernel's noise: not traced */
	if (!r || !trace_enabled())
		return;
	memcpy(site, n->site, sizeof(n->site));
	site[sizeof(n->site)] = 0;
	ev = trace_event(d->domid, "fault_injected");
	json_object_object_add(ev, "fault", json_object_new_string(r->kind));
	if (n->kind == HVSIM_KFAULT_UPCALL_DELAY)
		json_object_object_add(ev, "delay_ms", json_object_new_int((int)n->delay_ms));
	else if (site[0])
		json_object_object_add(ev, "site", json_object_new_string(site));
	json_object_object_add(ev, "injected", json_object_new_boolean(1));
	trace_emit(ev);
}

void kernel_fault_message(struct domain *d, const struct hvsim_msg_hdr *h,
			  const void *payload, size_t len)
{
	if (h->type == HVSIM_MSG_FAULT_INJECTED) {
		struct hvsim_fault_injected n;

		/* a kernel's garbage changes nothing: it is its own trace */
		if (h->count != 1 || len != sizeof(n))
			return;
		memcpy(&n, payload, sizeof(n));
		if (n.kind >= HVSIM_KFAULT_KMALLOC && n.kind <= HVSIM_KFAULT_UPCALL_DELAY)
			injected(d, &n);
		return;
	}
	for (struct kf_request *r = pending; r; r = r->next)
		if (r->d == d && r->seq == h->seq) {
			/* an answer is an rc: 0 or a negative errno */
			finish(r, h->rc <= 0 && h->rc > -4096 ? h->rc : -EPROTO);
			return;
		}
}

void kernel_fault_conn_gone(struct domain *d)
{
	struct kf_request *r = pending;

	/* the kernel's rules went with it (Domain-0's next kernel has none) */
	for (unsigned int i = 0; i < HVSIM_NR_FAULT_KINDS; i++)
		if (hvsim_fault_kinds[i].kernel)
			fault_clear(d, hvsim_fault_kinds[i].name);

	while (r) {
		struct kf_request *next = r->next;

		if (r->d == d)
			finish(r, -ECONNRESET);
		r = next;
	}
}

void kernel_fault_shutdown(void)
{
	while (pending) {
		struct kf_request *r = pending;

		pending = r->next;
		loop_close_watch(&r->timer, r);
	}
	loop_flush_deferred();
}
