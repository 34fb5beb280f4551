/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * BUG() stops the guest kernel (a domain crash, as in Linux); WARN()
 * logs with the caller's location and goes on.
 */
#ifndef _LINUX_BUG_H
#define _LINUX_BUG_H

#include <linux/compiler.h>
#include <linux/build_bug.h>

void __noreturn __kmod_bug(const char *file, int line);
void __kmod_warn(const char *file, int line, const char *fmt, ...) __printf(3, 4);

#define BUG() __kmod_bug(__FILE__, __LINE__)
#define BUG_ON(condition) do { if (unlikely(condition)) BUG(); } while (0)

#define WARN(condition, format...) ({					\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		__kmod_warn(__FILE__, __LINE__, format);		\
	unlikely(__ret_warn_on);					\
})
#define WARN_ON(condition) ({						\
	int __ret_warn_on = !!(condition);				\
	if (unlikely(__ret_warn_on))					\
		__kmod_warn(__FILE__, __LINE__, "%s", #condition);	\
	unlikely(__ret_warn_on);					\
})
#define WARN_ON_ONCE(condition) WARN_ON(condition)
#define WARN_ONCE(condition, format...) WARN(condition, format)

#endif
