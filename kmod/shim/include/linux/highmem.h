/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_HIGHMEM_H
#define _LINUX_HIGHMEM_H
#include <linux/mm.h>
/* All RAM is mapped in the kernel: kmap is page_address. */
static inline void *kmap(struct page *page) { return page_address(page); }
static inline void kunmap(struct page *page) { }
static inline void *kmap_local_page(struct page *page) { return page_address(page); }
static inline void *kmap_atomic(struct page *page) { return page_address(page); }
#define kunmap_local(addr) do { (void)(addr); } while (0)
#define kunmap_atomic(addr) do { (void)(addr); } while (0)
static inline void clear_highpage(struct page *page) { clear_page(page_address(page)); }
#endif
