// SPDX-License-Identifier: GPL-2.0-only
/*
 * The slab allocator: host heap memory with a header that records the
 * size and the allocation site, every live object on one list, so that
 * kmod_shutdown() can report what the drivers and the shim leaked.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "hostif.h"
#include "shim.h"

#define SLAB_MAGIC 0x51ab51ab

struct slab_header {
	struct list_head node;
	const char *site;
	size_t size;
	unsigned int magic;
	unsigned int kept;	/* on kept_objects: not counted as a leak */
} __aligned(16);

static LIST_HEAD(slab_objects);
/* What boot allocated for the kernel's life (slab_keep_live_objects). */
static LIST_HEAD(kept_objects);
static DEFINE_SPINLOCK(slab_lock);
static long slab_live;

static void *slab_alloc(size_t size, gfp_t flags, const char *site)
{
	struct slab_header *h;

	if (kmod_alloc_should_fail(KMOD_FAULT_KMALLOC, flags, site))
		return NULL;
	h = hostk_malloc(sizeof(*h) + size);
	if (!h)
		return NULL;
	h->site = site;
	h->size = size;
	h->magic = SLAB_MAGIC;
	h->kept = 0;
	if (flags & __GFP_ZERO)
		memset(h + 1, 0, size);
	spin_lock(&slab_lock);
	list_add_tail(&h->node, &slab_objects);
	slab_live++;
	spin_unlock(&slab_lock);
	return h + 1;
}

/*
 * kmalloc serves what Linux's slab serves, KMALLOC_MAX_SIZE at most, and
 * fails beyond: drivers count on it (privcmd kcallocs a pfn for every page
 * a program asks for, with __GFP_NOWARN, and answers ENOMEM), so a
 * program's count never becomes gigabytes of the host's memory.
 */
void *__kmalloc_track(size_t size, gfp_t flags, const char *site)
{
	if (size > KMALLOC_MAX_SIZE)
		return NULL;
	return slab_alloc(size, flags, site);
}

/* kvmalloc (and vmalloc): up to INT_MAX, as Linux's kvmalloc_node allows. */
void *__kvmalloc_track(size_t size, gfp_t flags, const char *site)
{
	if (size > INT_MAX)
		return NULL;
	return slab_alloc(size, flags, site);
}

static struct slab_header *slab_header_of(const void *objp)
{
	struct slab_header *h = (struct slab_header *)objp - 1;

	if (h->magic != SLAB_MAGIC)
		hostk_panic("kfree of a pointer kmalloc did not return");
	return h;
}

void kfree(const void *objp)
{
	struct slab_header *h;

	if (!objp)
		return;
	h = slab_header_of(objp);
	spin_lock(&slab_lock);
	list_del(&h->node);
	if (!h->kept)
		slab_live--;
	spin_unlock(&slab_lock);
	h->magic = 0;
	hostk_free(h);
}

size_t ksize(const void *objp)
{
	return objp ? slab_header_of(objp)->size : 0;
}


void kvfree(const void *addr)
{
	kfree(addr);
}

void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc(len, gfp);

	if (p)
		memcpy(p, src, len);
	return p;
}

char *kstrdup(const char *s, gfp_t gfp)
{
	return s ? kmemdup(s, strlen(s) + 1, gfp) : NULL;
}

/*
 * Built-in code never frees what its initcalls set up (the grant table's
 * free list and bitmap, its frames' pfns): Linux keeps them until power
 * off.  Called once boot's core initcalls ran, this takes every object
 * alive off the leak report; they can still be freed.
 */
void slab_keep_live_objects(void)
{
	struct slab_header *h;

	spin_lock(&slab_lock);
	list_for_each_entry(h, &slab_objects, node)
		h->kept = 1;
	list_splice_tail_init(&slab_objects, &kept_objects);
	slab_live = 0;
	spin_unlock(&slab_lock);
}

long slab_report_leaks(void)
{
	struct slab_header *h;
	long n;

	spin_lock(&slab_lock);
	n = slab_live;
	list_for_each_entry(h, &slab_objects, node)
		pr_err("slab: leaked %zu bytes allocated at %s\n", h->size, h->site);
	spin_unlock(&slab_lock);
	return n;
}
