/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * module_param records the parameter's name, its type and its address in
 * an ELF section; kmod_param_set() parses a value into it by type.
 */
#ifndef _LINUX_MODULEPARAM_H
#define _LINUX_MODULEPARAM_H

#include <linux/compiler.h>
#include <linux/types.h>

enum kmod_param_type {
	KMOD_PARAM_INT,
	KMOD_PARAM_UINT,
	KMOD_PARAM_BOOL,
	KMOD_PARAM_ULONG,
	KMOD_PARAM_LONG,
	KMOD_PARAM_USHORT,
};

/*
 * A parameter's full name is its prefix and its name, as on Linux's
 * command line: "xen_gntalloc." "limit", or what the file sets instead
 * ("xen." "fifo_events" for events_base.c).
 */
#ifndef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX KBUILD_MODNAME "."
#endif

struct kmod_param {
	const char *prefix;
	const char *name;
	enum kmod_param_type type;
	void *arg;
	umode_t perm;
};

#define __kmod_param_type_int	KMOD_PARAM_INT
#define __kmod_param_type_uint	KMOD_PARAM_UINT
#define __kmod_param_type_bool	KMOD_PARAM_BOOL
#define __kmod_param_type_ulong	KMOD_PARAM_ULONG
#define __kmod_param_type_long	KMOD_PARAM_LONG
#define __kmod_param_type_ushort KMOD_PARAM_USHORT

#define __kmod_param_ctype_int	int
#define __kmod_param_ctype_uint	unsigned int
#define __kmod_param_ctype_bool	bool
#define __kmod_param_ctype_ulong unsigned long
#define __kmod_param_ctype_long	long
#define __kmod_param_ctype_ushort unsigned short

#define module_param_named(name, value, type, perm)			\
	static inline __kmod_param_ctype_##type *__kmod_param_check_##name(void) \
	{ return &(value); }						\
	static const struct kmod_param __used				\
	__section("kmod_param") __aligned(8)				\
	__kmod_param_##name = { MODULE_PARAM_PREFIX, #name,			\
				__kmod_param_type_##type, &(value), perm }
#define module_param(name, type, perm) module_param_named(name, name, type, perm)
#define MODULE_PARM_DESC(_parm, desc) struct __kmod_dummy_parm_desc_##_parm

#endif
