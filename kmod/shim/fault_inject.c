// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fault injection in the kernel's allocations (`hvsim fault DOMAIN kmalloc`
 * or `alloc_page`), in the manner of Linux's failslab and fail_page_alloc
 * with their "times", and of a task's fail-nth: of the allocations of a
 * kind from now on, the first nth - 1 succeed and the next `times` return
 * NULL (times -1: every one until cleared).  Every allocation counts, on
 * every thread of this kernel, except those that may not fail
 * (__GFP_NOFAIL): the shim's own bookkeeping, which has no allocation in
 * Linux behind it, says so.  Each failure is logged as Linux logs one
 * ("FAULT_INJECTION: forcing a failure") and told to hvsimd for the trace.
 */
#include <linux/kernel.h>
#include <linux/gfp.h>
#include <linux/printk.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "hostif.h"
#include "shim.h"

struct alloc_fault {
	const char *name;
	bool armed;		/* read without the lock: the fast path */
	unsigned long skip;	/* allocations still to let through */
	long long left;		/* failures still to inject; -1: every one */
};

static struct alloc_fault alloc_faults[] = {
	[KMOD_FAULT_KMALLOC] = { .name = "kmalloc" },
	[KMOD_FAULT_ALLOC_PAGE] = { .name = "alloc_page" },
};
static DEFINE_SPINLOCK(fault_lock);

int kmod_fault_set(unsigned int kind, unsigned long nth, long long times)
{
	struct alloc_fault *f;

	if (kind != KMOD_FAULT_KMALLOC && kind != KMOD_FAULT_ALLOC_PAGE)
		return -ENOSYS;
	if (nth < 1 || times < -1)
		return -EINVAL;
	f = &alloc_faults[kind];
	spin_lock(&fault_lock);
	f->skip = nth - 1;
	f->left = times;
	WRITE_ONCE(f->armed, times != 0);
	spin_unlock(&fault_lock);
	return 0;
}

/* The site as the tree names it: "drivers/xen/gntalloc.c:290", not the stage's path. */
static const char *short_site(const char *site)
{
	const char *p = strstr(site, "/ksrc/");

	if (p)
		return p + 6;
	p = strstr(site, "kmod/");
	return p ? p : site;
}

bool kmod_alloc_should_fail(unsigned int kind, gfp_t gfp, const char *site)
{
	struct alloc_fault *f = &alloc_faults[kind];
	bool fail = false;

	if (!READ_ONCE(f->armed) || (gfp & __GFP_NOFAIL))
		return false;
	spin_lock(&fault_lock);
	if (f->armed) {
		if (f->skip) {
			f->skip--;
		} else {
			fail = true;
			if (f->left > 0 && --f->left == 0)
				WRITE_ONCE(f->armed, false);
		}
	}
	spin_unlock(&fault_lock);
	if (!fail)
		return false;
	site = short_site(site ? site : "?");
	pr_notice("FAULT_INJECTION: forcing a failure: %s at %s\n", f->name, site);
	hostk_fault_injected(kind, site);
	return true;
}
