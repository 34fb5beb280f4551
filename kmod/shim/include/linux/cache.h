/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_CACHE_H
#define _LINUX_CACHE_H
/* Section placement only matters to a real kernel image. */
#define __read_mostly
#define ____cacheline_aligned
#define ____cacheline_aligned_in_smp
#define SMP_CACHE_BYTES 64
#endif
