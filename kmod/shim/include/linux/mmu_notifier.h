/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * MMU interval notifiers: called when part of a program's address range is
 * unmapped.  Only a PV (non-auto-translated) gntdev uses them; they are
 * real here all the same, invoked by munmap and program exit.
 */
#ifndef _LINUX_MMU_NOTIFIER_H
#define _LINUX_MMU_NOTIFIER_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/mm_types.h>

struct mmu_interval_notifier;

enum mmu_notifier_event {
	MMU_NOTIFY_UNMAP = 0,
};

#define MMU_NOTIFIER_RANGE_BLOCKABLE (1 << 0)

struct mmu_notifier_range {
	struct mm_struct *mm;
	unsigned long start;
	unsigned long end;
	unsigned flags;
	enum mmu_notifier_event event;
};

struct mmu_interval_notifier_ops {
	bool (*invalidate)(struct mmu_interval_notifier *interval_sub,
			   const struct mmu_notifier_range *range,
			   unsigned long cur_seq);
};

struct mmu_interval_notifier {
	struct hlist_node node;
	const struct mmu_interval_notifier_ops *ops;
	struct mm_struct *mm;
	unsigned long start, last;
	unsigned long invalidate_seq;
};

static inline bool mmu_notifier_range_blockable(const struct mmu_notifier_range *range)
{
	return range->flags & MMU_NOTIFIER_RANGE_BLOCKABLE;
}

int mmu_interval_notifier_insert_locked(struct mmu_interval_notifier *interval_sub,
		struct mm_struct *mm, unsigned long start, unsigned long length,
		const struct mmu_interval_notifier_ops *ops);
void mmu_interval_notifier_remove(struct mmu_interval_notifier *interval_sub);
unsigned long mmu_interval_read_begin(struct mmu_interval_notifier *interval_sub);

#endif
