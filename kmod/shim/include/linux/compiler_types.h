/* SPDX-License-Identifier: GPL-2.0-only */
/* Annotations and attributes, as the kernel's compiler headers spell them. */
#ifndef _LINUX_COMPILER_TYPES_H
#define _LINUX_COMPILER_TYPES_H

/* Address-space annotations only matter to sparse. */
#define __user
#define __kernel
#define __iomem
#define __force
#define __rcu
#define __percpu
#define __bitwise
#define __must_hold(x)
#define __acquires(x)
#define __releases(x)
#define __cond_lock(x, c) (c)

#define __always_inline		inline __attribute__((__always_inline__))
#define noinline		__attribute__((__noinline__))
#define __noreturn		__attribute__((__noreturn__))
#define __packed		__attribute__((__packed__))
#define __aligned(x)		__attribute__((__aligned__(x)))
#define __used			__attribute__((__used__))
#define __maybe_unused		__attribute__((__unused__))
#define __always_unused		__attribute__((__unused__))
#define __section(s)		__attribute__((__section__(s)))
#define __must_check		__attribute__((__warn_unused_result__))
#define __printf(a, b)		__attribute__((__format__(printf, a, b)))
#define __scanf(a, b)		__attribute__((__format__(scanf, a, b)))
#define __cold			__attribute__((__cold__))
#define __weak			__attribute__((__weak__))
#define __pure			__attribute__((__pure__))
#define __malloc		__attribute__((__malloc__))
#define __alloc_size(x, ...)	__attribute__((__alloc_size__(x, ## __VA_ARGS__)))
#define __visible		__attribute__((__externally_visible__))
#define __attribute_const__	__attribute__((__const__))
#define __randomize_layout
#define __no_randomize_layout
#define __designated_init
#define __counted_by(m)
#define notrace
#define __latent_entropy
#define __ro_after_init
#define __cacheline_aligned
#define __cacheline_aligned_in_smp
#define ____cacheline_aligned
#define ____cacheline_aligned_in_smp
#define fallthrough		__attribute__((__fallthrough__))
#define __inline__		inline
#define __inline		inline

#define __same_type(a, b)	__builtin_types_compatible_p(typeof(a), typeof(b))
#define __must_be_array(a)	BUILD_BUG_ON_ZERO(__same_type((a), &(a)[0]))

#define ___PASTE(a, b) a##b
#define __PASTE(a, b) ___PASTE(a, b)
#define __UNIQUE_ID(prefix) __PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)

#define __native_word(t) \
	(sizeof(t) == sizeof(char) || sizeof(t) == sizeof(short) || \
	 sizeof(t) == sizeof(int) || sizeof(t) == sizeof(long))

#define __compiletime_assert(condition, msg, prefix, suffix)	\
	do {							\
		_Static_assert(condition, msg);			\
	} while (0)
#define compiletime_assert(condition, msg) \
	__compiletime_assert(condition, msg, __compiletime_assert_, __COUNTER__)
#define compiletime_assert_atomic_type(t) \
	compiletime_assert(__native_word(t), "Need native word sized stores/loads for atomicity.")

#endif
