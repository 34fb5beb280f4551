/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Modules are built in.  module_init/module_exit put a record in an ELF
 * section that kmod_boot()/kmod_shutdown() walk (the linker provides
 * __start_/__stop_ symbols), so static init functions stay static.
 */
#ifndef _LINUX_MODULE_H
#define _LINUX_MODULE_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/moduleparam.h>
#include <linux/export.h>

struct module;
#define THIS_MODULE ((struct module *)0)

struct kmod_initcall {
	const char *modname;
	int (*init)(void);
	void (*exit)(void);
};

#define module_init(fn)							\
	static const struct kmod_initcall __used			\
	__section("kmod_initcall") __aligned(8)				\
	__kmod_init_##fn = { KBUILD_MODNAME, fn, NULL }
#define module_exit(fn)							\
	static const struct kmod_initcall __used			\
	__section("kmod_initcall") __aligned(8)				\
	__kmod_exit_##fn = { KBUILD_MODNAME, NULL, fn }

#define MODULE_LICENSE(x)	struct __kmod_dummy_license
#define MODULE_AUTHOR(x)	struct __kmod_dummy_author
#define MODULE_DESCRIPTION(x)	struct __kmod_dummy_desc
#define MODULE_ALIAS(x)		struct __kmod_dummy_alias
#define MODULE_ALIAS_MISCDEV(x)	struct __kmod_dummy_alias_misc
#define MODULE_VERSION(x)	struct __kmod_dummy_version
#define MODULE_IMPORT_NS(x)	struct __kmod_dummy_ns

static inline bool try_module_get(struct module *m) { return true; }
static inline void module_put(struct module *m) { }

#endif
