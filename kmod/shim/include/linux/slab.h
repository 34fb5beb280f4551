/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kmalloc and friends: host heap memory, every live allocation on a list
 * so that the kernel's exit can say what was leaked, and where.
 */
#ifndef _LINUX_SLAB_H
#define _LINUX_SLAB_H

#include <linux/types.h>
#include <linux/overflow.h>
#include <linux/gfp.h>
#include <linux/compiler.h>

/*
 * The largest kmalloc Linux's slab serves (SLUB: an order-10 page block,
 * 4 MiB on x86 in 6.1 and 6.12 alike); larger ones fail, and drivers rely
 * on that.  kvmalloc and vmalloc go to INT_MAX.
 */
#define KMALLOC_MAX_SIZE (1UL << 22)

void *__kmalloc_track(size_t size, gfp_t flags, const char *site) __malloc;
void *__kvmalloc_track(size_t size, gfp_t flags, const char *site) __malloc;
void kfree(const void *objp);
size_t ksize(const void *objp);

#define __kmod_site __FILE__ ":" __stringify(__LINE__)
#define __stringify_1(x...)	#x
#define __stringify(x...)	__stringify_1(x)

#define kmalloc(size, flags) __kmalloc_track((size), (flags), __kmod_site)
#define kzalloc(size, flags) __kmalloc_track((size), (flags) | __GFP_ZERO, __kmod_site)

static inline void *__kmalloc_array_track(size_t n, size_t size, gfp_t flags,
					  const char *site)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return __kmalloc_track(bytes, flags, site);
}

static inline void *__kvmalloc_array_track(size_t n, size_t size, gfp_t flags,
					   const char *site)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return __kvmalloc_track(bytes, flags, site);
}
#define kmalloc_array(n, size, flags) \
	__kmalloc_array_track((n), (size), (flags), __kmod_site)
#define kcalloc(n, size, flags) \
	__kmalloc_array_track((n), (size), (flags) | __GFP_ZERO, __kmod_site)
#define kzfree kfree
#define kfree_sensitive kfree

void *kmemdup(const void *src, size_t len, gfp_t gfp);
char *kstrdup(const char *s, gfp_t gfp);

#endif
