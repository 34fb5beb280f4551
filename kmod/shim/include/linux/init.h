/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_INIT_H
#define _LINUX_INIT_H
#include <linux/compiler.h>
/* Nothing is discarded after boot in a user-space kernel. */
#define __init
#define __exit
#define __initdata
#define __initconst
#define __exitdata
#define __init_or_module
#define __ref
#include <linux/module.h>

/*
 * Built-in code's initcalls by level, records in one ELF section per level
 * (module.c): kmod_boot runs the core_initcall's, then the
 * core_initcall_sync's, after the shim's early setup (as do_initcalls
 * follows setup_arch and init_IRQ) and before every module_init.
 */
#define __kmod_define_initcall(fn, level)				\
	static const struct kmod_initcall __used			\
	__section("kmod_initcall_" #level) __aligned(8)			\
	__kmod_initcall_##level##_##fn = { KBUILD_MODNAME, fn, NULL }
#define core_initcall(fn)		__kmod_define_initcall(fn, core)
#define core_initcall_sync(fn)		__kmod_define_initcall(fn, core_sync)
#endif
