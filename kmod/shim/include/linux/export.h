/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_EXPORT_H
#define _LINUX_EXPORT_H
#define EXPORT_SYMBOL(sym)		struct __kmod_dummy_export
#define EXPORT_SYMBOL_GPL(sym)		struct __kmod_dummy_export
#define EXPORT_SYMBOL_NS_GPL(sym, ns)	struct __kmod_dummy_export
#endif
