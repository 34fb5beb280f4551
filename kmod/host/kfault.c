// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fault injection in this kernel (hvsim fault): the rules hvsimd sends
 * over the hypercall connection.  The allocations' rules go to the kernel
 * (kmod_fault_set, shim/fault_inject.c); the upcall delay is the vCPU
 * thread's, here: before it runs an upcall it waits the rule's delay, as a
 * vCPU that is slow to be scheduled would.  Each fault injected is told to
 * hvsimd, which writes it into the trace.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hvsim/fault_kinds.h"
#include "hvsim/hypercall_wire.h"
#include "hvsim_guest.h"
#include "hostif.h"
#include "host.h"

#define MAX_DELAY_MS HVSIM_FAULT_MAX_DELAY_MS

static struct hvsim_guest *guest;

static pthread_mutex_t delay_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	bool armed;
	unsigned long skip;        /* upcalls still to run at once */
	long long left;            /* upcalls still to delay; -1: every one */
	unsigned int ms;
} delay;

static int set_delay(const struct hvsim_kernel_fault *f)
{
	if (f->times != 0 && (f->delay_ms == 0 || f->delay_ms > MAX_DELAY_MS))
		return -EINVAL;
	pthread_mutex_lock(&delay_lock);
	delay.skip = f->nth - 1;
	delay.left = f->times;
	delay.ms = f->delay_ms;
	__atomic_store_n(&delay.armed, f->times != 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&delay_lock);
	return 0;
}

static const char *ordinal(unsigned int n)
{
	return n % 100 >= 11 && n % 100 <= 13 ? "th" : n % 10 == 1 ? "st" :
	       n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
}

static const char *kind_name(uint32_t kind)
{
	return kind == HVSIM_KFAULT_KMALLOC ? "kmalloc" :
	       kind == HVSIM_KFAULT_ALLOC_PAGE ? "alloc_page" : "upcall delay";
}

/* hvsimd's rule: on whichever thread read it, with the guest's lock held. */
static int take_rule(const struct hvsim_kernel_fault *f, void *arg)
{
	char line[160], how_often[32];
	int err;

	if (f->nth < 1 || f->times < -1)
		return -EINVAL;
	switch (f->kind) {
	case HVSIM_KFAULT_KMALLOC:
		err = kmod_fault_set(KMOD_FAULT_KMALLOC, f->nth, f->times);
		break;
	case HVSIM_KFAULT_ALLOC_PAGE:
		err = kmod_fault_set(KMOD_FAULT_ALLOC_PAGE, f->nth, f->times);
		break;
	case HVSIM_KFAULT_UPCALL_DELAY:
		err = set_delay(f);
		break;
	default:
		return -ENOSYS;
	}
	if (err)
		return err;
	if (f->times < 0)
		snprintf(how_often, sizeof(how_often), "until cleared");
	else
		snprintf(how_often, sizeof(how_often), "%lld time(s)", (long long)f->times);
	if (f->times == 0)
		snprintf(line, sizeof(line), "fault injection: %s cleared", kind_name(f->kind));
	else if (f->kind == HVSIM_KFAULT_UPCALL_DELAY)
		snprintf(line, sizeof(line), "fault injection: upcalls wait %u ms, from the "
			 "%u%s from now on, %s", f->delay_ms, f->nth, ordinal(f->nth), how_often);
	else
		snprintf(line, sizeof(line), "fault injection: %s fails, from the %u%s from now "
			 "on, %s", kind_name(f->kind), f->nth, ordinal(f->nth), how_often);
	hostk_log(6, line);
	return 0;
}

void host_fault_init(struct hvsim_guest *g)
{
	guest = g;
	hvsim_guest_set_fault_handler(g, take_rule, NULL);
}

void hostk_fault_injected(unsigned int kind, const char *site)
{
	struct hvsim_fault_injected n;

	if (!guest)
		return;
	memset(&n, 0, sizeof(n));
	n.kind = kind == KMOD_FAULT_ALLOC_PAGE ? HVSIM_KFAULT_ALLOC_PAGE : HVSIM_KFAULT_KMALLOC;
	snprintf(n.site, sizeof(n.site), "%s", site);
	hvsim_guest_fault_injected(guest, &n);
}

void host_upcall_delay(void)
{
	struct hvsim_fault_injected n;
	struct timespec ts;
	unsigned int ms = 0;

	if (!__atomic_load_n(&delay.armed, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&delay_lock);
	if (delay.armed) {
		if (delay.skip) {
			delay.skip--;
		} else {
			ms = delay.ms;
			if (delay.left > 0 && --delay.left == 0)
				delay.armed = false;
		}
	}
	pthread_mutex_unlock(&delay_lock);
	if (!ms)
		return;
	memset(&n, 0, sizeof(n));
	n.kind = HVSIM_KFAULT_UPCALL_DELAY;
	n.delay_ms = ms;
	hvsim_guest_fault_injected(guest, &n);
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
