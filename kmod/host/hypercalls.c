// SPDX-License-Identifier: GPL-2.0-only
/*
 * This kernel's side of the hypercall transport (hvsimd's is
 * hv-sim/hypercall.c): libhvsim-guest underneath the hostk_* hypercall and
 * event-bitmap services, and the vCPU thread that waits for upcalls and
 * runs the 2-level scan into the kernel's handlers.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "hvsim_guest.h"
#include "hostif.h"
#include "host.h"

static struct hvsim_guest *guest;

void hypercalls_set_guest(struct hvsim_guest *g)
{
	guest = g;
}

struct hvsim_guest *hypercalls_guest(void)
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

unsigned int hostk_domid(void)
{
	return hvsim_guest_domid(guest);
}

/* Upcall scans started and finished by the vCPU, under vcpu_lock. */
static pthread_mutex_t vcpu_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t vcpu_idle = PTHREAD_COND_INITIALIZER;
static unsigned long scans_started, scans_done;
/* Set on the vCPU thread: it must never wait for itself. */
static __thread bool on_vcpu;

/*
 * A hypercall that found the domain destroyed does not return: on Xen a
 * destroyed domain's vCPUs never run again, so Linux's code never sees a
 * hypercall fail that way (and BUG()s where one cannot fail).  The thread
 * stays here until the main thread, told of the end, exits the process.
 * The vCPU thread returns, since it is the one that tells the main thread.
 * The connection's end shows as ENOTCONN, or as EPIPE or ECONNRESET to a
 * call that met hvsimd's hang-up (hvsim_guest round_trip).
 */
static bool connection_ended(long rc)
{
	return rc == -ENOTCONN || rc == -EPIPE || rc == -ECONNRESET;
}

static long unless_destroyed(long rc)
{
	if (connection_ended(rc) && !on_vcpu && hypercalls_domain_destroyed())
		for (;;)
			pause();
	return rc;
}

int hostk_grant_table_op(unsigned int cmd, void *ops, unsigned int count,
			 unsigned long long *frames)
{
	return unless_destroyed(hvsim_guest_grant_table_op(guest, cmd, ops, count,
							   (xen_pfn_t *)frames));
}

/*
 * Waits (at most 200 ms: never a hang if a handler waits on the caller)
 * until no upcall is pending and the vCPU is not scanning: what the send
 * just raised here has been handled, as on return from Xen's hypercall.
 */
static void wait_for_own_upcalls(void)
{
	struct vcpu_info *v = &((struct shared_info *)hostk_shared_info())->vcpu_info[0];
	struct timespec deadline;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_nsec += 200 * 1000 * 1000;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&vcpu_lock);
	while (__atomic_load_n(&v->evtchn_upcall_pending, __ATOMIC_SEQ_CST) ||
	       scans_started != scans_done)
		if (pthread_cond_timedwait(&vcpu_idle, &vcpu_lock, &deadline) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&vcpu_lock);
}

/*
 * After an event-channel op that raised events in this domain (a send on
 * a loopback channel or an IPI, a bind, which sets its own port pending)
 * the kernel waits, once its interrupts are on, until this vCPU has
 * handled them (hostk_wait_own_upcalls), as Xen delivers a vCPU's
 * pending upcall before returning from its hypercall.  A send to another
 * domain returns once hvsimd has set the event pending there; that
 * domain's vCPU takes it when it runs.  (Posting sends without waiting for
 * hvsimd was tried and dropped: the event then became pending after the
 * sender went on, and a peer told by other means could act before it,
 * which the reference comparison caught.)
 */
int hostk_event_channel_op(unsigned int cmd, void *arg)
{
	return unless_destroyed(hvsim_guest_event_channel_op(guest, cmd, arg));
}

void hostk_wait_own_upcalls(void)
{
	if (!on_vcpu)
		wait_for_own_upcalls();
}

long hostk_hypercall_raw(unsigned int op, const unsigned long args[5], int pid,
			 const void *by_value, unsigned long len)
{
	uint64_t regs[5];

	for (int i = 0; i < 5; i++)
		regs[i] = args[i];
	return unless_destroyed(hvsim_guest_raw_hypercall(guest, op, regs,
							  pid ? pid : getpid(), by_value, len));
}

int hostk_hv_alive(void)
{
	return hvsim_guest_alive(guest);
}

bool hypercalls_domain_destroyed(void)
{
	/* hvsimd's SIGKILL follows its SIGTERM two seconds later */
	return hvsim_guest_destroyed_wait(guest, 1000);
}

int hostk_domain_destroyed(void)
{
	return hypercalls_domain_destroyed();
}

/*
 * The vCPU: upcalls in, handlers run.  It also notices the domain's end
 * (the hypercall connection hung up or said HVSIM_MSG_SHUTDOWN) and tells
 * the main thread through shutdown_fd.  It watches the connection for the
 * hang-up only: data there is mostly the reply to another thread's
 * hypercall, and waking for each would cost every hypercall a switch to
 * this thread and back.  A message that no call waits for (a fault rule to
 * answer) comes with a kick that says so (HVSIM_UPCALL_KICK_MESSAGE).
 */
static void vcpu_thread(void *arg)
{
	int shutdown_fd = (int)(intptr_t)arg;
	int quiet_ms = 0;

	on_vcpu = true;
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = hvsim_guest_upcall_fd(guest), .events = POLLIN },
			{ .fd = hvsim_guest_conn_fd(guest), .events = POLLRDHUP },
		};
		int n = poll(p, quiet_ms ? 1 : 2, quiet_ms ? quiet_ms : -1);

		quiet_ms = 0;
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && p[0].revents) {
			/* poll said it is there: take it without polling again */
			int kick = hvsim_guest_take_kick(guest);

			if ((kick & HVSIM_GUEST_KICK_MESSAGE) && !hvsim_guest_take_messages(guest))
				break;
			if (kick == HVSIM_GUEST_KICK_MESSAGE)
				continue;	/* no upcall came with it */
			/* a slow vCPU, when fault injection says so (kfault.c) */
			host_upcall_delay();
			pthread_mutex_lock(&vcpu_lock);
			scans_started++;
			pthread_mutex_unlock(&vcpu_lock);
			kmod_upcall();
			pthread_mutex_lock(&vcpu_lock);
			scans_done++;
			pthread_cond_broadcast(&vcpu_idle);
			pthread_mutex_unlock(&vcpu_lock);
		}
		if (n > 0 && p[1].revents) {
			if (!hvsim_guest_alive(guest))
				break;
			/* a call in progress sees the end: look again shortly */
			quiet_ms = 20;
		}
	}
	if (write(shutdown_fd, "x", 1) < 0)
		hostk_log(3, "vcpu: cannot signal shutdown");
}

int hypercalls_start_vcpu(int shutdown_fd)
{
	return hostk_thread_create(vcpu_thread, (void *)(intptr_t)shutdown_fd, "vcpu0");
}
