// SPDX-License-Identifier: GPL-2.0-only
/*
 * The string functions the C library lacks.  The rest (memcpy, strlen,
 * ...) are the C library's: same ABI, linked as they are.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>

/* Copies a NUL-terminated string; -E2BIG if it had to be cut. */
size_t strscpy(char *dest, const char *src, size_t count)
{
	size_t i;

	if (!count)
		return -E2BIG;
	for (i = 0; i < count; i++) {
		dest[i] = src[i];
		if (!src[i])
			return i;
	}
	dest[count - 1] = '\0';
	return -E2BIG;
}
