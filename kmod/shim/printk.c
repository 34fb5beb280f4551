// SPDX-License-Identifier: GPL-2.0-only
/*
 * printk and the formatting helpers.  Formatting is the C library's
 * vsnprintf: the drivers use no kernel-only conversions (%pV, %pK, ...).
 */
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "hostif.h"

/* scnprintf is the kernel's own; snprintf and friends are the C library's
 * (same ABI, declared in linux/sprintf.h). */
int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	int n;

	if (!size)
		return 0;
	va_start(args, fmt);
	n = vsnprintf(buf, size, fmt, args);
	va_end(args);
	return n < (int)size ? n : (int)size - 1;
}

char *kvasprintf(gfp_t gfp, const char *fmt, va_list args)
{
	va_list again;
	char *p;
	int n;

	va_copy(again, args);
	n = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	if (n < 0)
		return NULL;
	p = kmalloc(n + 1, gfp);
	if (p)
		vsnprintf(p, n + 1, fmt, args);
	return p;
}

char *kasprintf(gfp_t gfp, const char *fmt, ...)
{
	va_list args;
	char *p;

	va_start(args, fmt);
	p = kvasprintf(gfp, fmt, args);
	va_end(args);
	return p;
}

/* The level is read from the formatted text, as Linux does since 5.10, so
 * that printk("%s ...", KERN_DEBUG "word") has it too. */
int vprintk(const char *fmt, va_list args)
{
	char line[512];
	const char *text = line;
	int level = 4;	/* default_message_loglevel */
	size_t len;
	int n;

	n = vsnprintf(line, sizeof(line), fmt, args);
	if (n < 0)
		return n;
	while (text[0] == KERN_SOH[0] && text[1]) {
		if (text[1] >= '0' && text[1] <= '7')
			level = text[1] - '0';
		text += 2;
	}
	len = strlen(text);
	if (len && line[text - line + len - 1] == '\n')
		line[text - line + len - 1] = '\0';
	hostk_log(level, text);
	return n;
}

int _printk(const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vprintk(fmt, args);
	va_end(args);
	return n;
}

void panic(const char *fmt, ...)
{
	char why[256];
	va_list args;

	va_start(args, fmt);
	vsnprintf(why, sizeof(why), fmt, args);
	va_end(args);
	hostk_panic(why);
}

void __kmod_bug(const char *file, int line)
{
	char why[256];

	snprintf(why, sizeof(why), "kernel BUG at %s:%d!", file, line);
	hostk_panic(why);
}

void __kmod_warn(const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list args;

	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	printk(KERN_WARNING "WARNING: at %s:%d: %s", file, line, msg);
}
