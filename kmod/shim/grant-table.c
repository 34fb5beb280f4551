// SPDX-License-Identifier: GPL-2.0-only
/*
 * The grant-table API of drivers/xen/grant-table.c, version 1.
 *
 * The guest writes grant_entry_v1 entries straight into its shared table
 * (frames shared with the hypervisor) and asks the hypervisor to grow the
 * table with GNTTABOP_setup_table when the free references run out.  Free
 * references are a LIFO list, starting in ascending order after the eight
 * reserved entries, as in Linux.  Ending foreign access to an entry the
 * peer still maps (GTF_reading/GTF_writing set by the hypervisor) defers
 * the release to a timer that retries every second.  Maps, unmaps and
 * copies are one batched hypercall each.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <linux/delay.h>
#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <asm/xen/hypercall.h>

#include "hostif.h"
#include "shim.h"

#define GNTTAB_NR_RESERVED_ENTRIES	8
#define GREFS_PER_FRAME			(XEN_PAGE_SIZE / sizeof(struct grant_entry_v1))
#define GNTTAB_LIST_END			0xffffffff
#define GNTTAB_UNMAP_REFS_DELAY		5

static struct grant_entry_v1 *gnttab_v1;
static grant_ref_t *gnttab_list;	/* next free ref, per ref */
static unsigned int nr_grant_frames;
static unsigned int max_nr_grant_frames;
static grant_ref_t gnttab_free_head = GNTTAB_LIST_END;
static unsigned int gnttab_free_count;
static DEFINE_SPINLOCK(gnttab_list_lock);

static int gnttab_setup_frames(unsigned int nr_frames)
{
	struct gnttab_setup_table setup;
	xen_pfn_t *frames;
	int rc;

	frames = kcalloc(nr_frames, sizeof(*frames), GFP_KERNEL);
	if (!frames)
		return -ENOMEM;
	setup.dom = DOMID_SELF;
	setup.nr_frames = nr_frames;
	set_xen_guest_handle(setup.frame_list, frames);
	rc = HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &setup, 1);
	kfree(frames);
	if (rc)
		return rc;
	if (setup.status != GNTST_okay) {
		pr_err("grant table setup of %u frames failed: status %d\n",
		       nr_frames, setup.status);
		return -ENOSPC;
	}
	return 0;
}

/* Adds frames [nr_grant_frames, new_nr) to the free list; lock held. */
static void grow_gnttab_list(unsigned int new_nr)
{
	grant_ref_t first = nr_grant_frames * GREFS_PER_FRAME;
	grant_ref_t last = new_nr * GREFS_PER_FRAME - 1;
	grant_ref_t ref;

	if (first < GNTTAB_NR_RESERVED_ENTRIES)
		first = GNTTAB_NR_RESERVED_ENTRIES;
	for (ref = first; ref < last; ref++)
		gnttab_list[ref] = ref + 1;
	gnttab_list[last] = gnttab_free_head;
	gnttab_free_head = first;
	gnttab_free_count += last - first + 1;
	nr_grant_frames = new_nr;
}

static int gnttab_expand(unsigned int req_entries)
{
	unsigned int extra = DIV_ROUND_UP(req_entries, GREFS_PER_FRAME);
	unsigned int new_nr = nr_grant_frames + extra;
	int rc;

	if (new_nr > max_nr_grant_frames) {
		pr_warn_ratelimited("xen/grant-table: max_grant_frames reached cur=%u extra=%u limit=%u\n",
				    nr_grant_frames, extra, max_nr_grant_frames);
		return -ENOSPC;
	}
	rc = gnttab_setup_frames(new_nr);
	if (rc)
		return rc;
	grow_gnttab_list(new_nr);
	return 0;
}

int gnttab_init(void)
{
	struct gnttab_query_size query = { .dom = DOMID_SELF };
	unsigned int table_frames;
	int rc;

	gnttab_v1 = hostk_grant_table(&table_frames);
	rc = HYPERVISOR_grant_table_op(GNTTABOP_query_size, &query, 1);
	if (rc || query.status != GNTST_okay) {
		pr_err("grant table query failed: %d/%d\n", rc, query.status);
		return rc ? rc : -ENODEV;
	}
	max_nr_grant_frames = min(query.max_nr_frames, table_frames);
	gnttab_list = kvmalloc_array(max_nr_grant_frames * GREFS_PER_FRAME,
				     sizeof(*gnttab_list), GFP_KERNEL);
	if (!gnttab_list)
		return -ENOMEM;
	rc = gnttab_setup_frames(max(query.nr_frames, 1U));
	if (rc)
		return rc;
	spin_lock(&gnttab_list_lock);
	grow_gnttab_list(max(query.nr_frames, 1U));
	spin_unlock(&gnttab_list_lock);
	pr_info("Grant tables using version 1 layout\n");
	return 0;
}

/* Pages for foreign grants, freed and waiting for the next map (see below). */
static LIST_HEAD(unpopulated_list);
static unsigned long unpopulated_count;
static DEFINE_SPINLOCK(unpopulated_lock);

/* At gnttab_exit: the listed pages go back to the page allocator. */
static void gnttab_drain_unpopulated(void)
{
	struct page *page, *tmp;
	LIST_HEAD(pages);

	spin_lock(&unpopulated_lock);
	list_splice_init(&unpopulated_list, &pages);
	unpopulated_count = 0;
	spin_unlock(&unpopulated_lock);
	list_for_each_entry_safe(page, tmp, &pages, lru) {
		list_del_init(&page->lru);
		put_page(page);
	}
}

void gnttab_exit(void)
{
	gnttab_drain_unpopulated();
	kvfree(gnttab_list);
	gnttab_list = NULL;
}

static int get_free_entries(unsigned int count)
{
	grant_ref_t ref, head;
	unsigned int i;
	int rc;

	spin_lock(&gnttab_list_lock);
	if (gnttab_free_count < count) {
		rc = gnttab_expand(count - gnttab_free_count);
		if (rc < 0) {
			spin_unlock(&gnttab_list_lock);
			return rc;
		}
	}
	ref = head = gnttab_free_head;
	for (i = 0; i < count - 1; i++)
		head = gnttab_list[head];
	gnttab_free_head = gnttab_list[head];
	gnttab_list[head] = GNTTAB_LIST_END;
	gnttab_free_count -= count;
	spin_unlock(&gnttab_list_lock);
	return ref;
}

static void put_free_entry(grant_ref_t ref)
{
	if (unlikely(ref < GNTTAB_NR_RESERVED_ENTRIES))
		return;
	spin_lock(&gnttab_list_lock);
	gnttab_list[ref] = gnttab_free_head;
	gnttab_free_head = ref;
	gnttab_free_count++;
	spin_unlock(&gnttab_list_lock);
}

void gnttab_grant_foreign_access_ref(grant_ref_t ref, domid_t domid,
				     unsigned long frame, int readonly)
{
	struct grant_entry_v1 *e = &gnttab_v1[ref];

	e->domid = domid;
	e->frame = frame;
	wmb();
	WRITE_ONCE(e->flags, GTF_permit_access | (readonly ? GTF_readonly : 0));
}

int gnttab_grant_foreign_access(domid_t domid, unsigned long frame, int readonly)
{
	int ref = get_free_entries(1);

	if (unlikely(ref < 0))
		return -ENOSPC;
	gnttab_grant_foreign_access_ref(ref, domid, frame, readonly);
	return ref;
}

/* Clears flags unless the hypervisor holds the entry read or written. */
static int _gnttab_end_foreign_access_ref(grant_ref_t ref)
{
	u16 *pflags = &gnttab_v1[ref].flags;
	u16 flags = READ_ONCE(*pflags);

	do {
		if (flags & (GTF_reading | GTF_writing))
			return 0;
	} while (!sync_try_cmpxchg(pflags, &flags, 0));
	return 1;
}

int gnttab_end_foreign_access_ref(grant_ref_t ref)
{
	if (_gnttab_end_foreign_access_ref(ref))
		return 1;
	pr_warn("WARNING: g.e. %#x still in use!\n", ref);
	return 0;
}

int gnttab_try_end_foreign_access(grant_ref_t ref)
{
	int ret = _gnttab_end_foreign_access_ref(ref);

	if (ret)
		put_free_entry(ref);
	return ret;
}

void gnttab_free_grant_reference(grant_ref_t ref)
{
	put_free_entry(ref);
}

/* ---- deferred ends of foreign access ---- */

struct deferred_entry {
	struct list_head list;
	grant_ref_t ref;
	u16 warn_delay;
	struct page *page;
};
static LIST_HEAD(deferred_list);
static DEFINE_SPINLOCK(deferred_lock);
static struct timer_list deferred_timer;
static bool deferred_timer_ready;

static void gnttab_handle_deferred(struct timer_list *unused)
{
	unsigned int nr = 10;
	struct deferred_entry *first = NULL;

	spin_lock(&deferred_lock);
	while (nr--) {
		struct deferred_entry *entry =
			list_first_entry_or_null(&deferred_list, struct deferred_entry, list);

		if (!entry || entry == first)
			break;
		list_del(&entry->list);
		spin_unlock(&deferred_lock);
		if (_gnttab_end_foreign_access_ref(entry->ref)) {
			put_free_entry(entry->ref);
			pr_debug("freeing g.e. %#x (pfn %#lx)\n", entry->ref,
				 entry->page ? page_to_pfn(entry->page) : 0);
			if (entry->page)
				put_page(entry->page);
			kfree(entry);
			entry = NULL;
		} else {
			if (!--entry->warn_delay)
				pr_info("g.e. %#x still pending\n", entry->ref);
			if (!first)
				first = entry;
		}
		spin_lock(&deferred_lock);
		if (entry)
			list_add_tail(&entry->list, &deferred_list);
	}
	if (!list_empty(&deferred_list) && !timer_pending(&deferred_timer))
		mod_timer(&deferred_timer, jiffies + HZ);
	spin_unlock(&deferred_lock);
}

static void gnttab_add_deferred(grant_ref_t ref, struct page *page)
{
	struct deferred_entry *entry = kmalloc(sizeof(*entry), GFP_ATOMIC);
	const char *what = KERN_WARNING "leaking";

	if (entry) {
		entry->ref = ref;
		entry->page = page;
		entry->warn_delay = 60;
		spin_lock(&deferred_lock);
		if (!deferred_timer_ready) {
			timer_setup(&deferred_timer, gnttab_handle_deferred, 0);
			deferred_timer_ready = true;
		}
		list_add_tail(&entry->list, &deferred_list);
		if (!timer_pending(&deferred_timer))
			mod_timer(&deferred_timer, jiffies + HZ);
		spin_unlock(&deferred_lock);
		what = KERN_DEBUG "deferring";
	}
	printk("%s g.e. %#x (pfn %#lx)\n", what, ref, page ? page_to_pfn(page) : ~0UL);
}

void gnttab_end_foreign_access(grant_ref_t ref, struct page *page)
{
	if (gnttab_end_foreign_access_ref(ref)) {
		put_free_entry(ref);
		if (page)
			put_page(page);
	} else {
		gnttab_add_deferred(ref, page);
	}
}

/* Grants still deferred at shutdown, for the leak report. */
unsigned int gnttab_deferred_count(void)
{
	struct deferred_entry *entry;
	unsigned int n = 0;

	spin_lock(&deferred_lock);
	list_for_each_entry(entry, &deferred_list, list)
		n++;
	spin_unlock(&deferred_lock);
	return n;
}

void gnttab_stop_deferred(void)
{
	struct deferred_entry *entry, *tmp;

	if (deferred_timer_ready)
		del_timer_sync(&deferred_timer);
	spin_lock(&deferred_lock);
	list_for_each_entry_safe(entry, tmp, &deferred_list, list) {
		pr_warn("leaking g.e. %#x at shutdown: still mapped by its peer\n", entry->ref);
		list_del(&entry->list);
		kfree(entry);
	}
	spin_unlock(&deferred_lock);
}

/* ---- pages for foreign grants ---- */

/*
 * Linux takes unpopulated (or ballooned-out) pages; here any free guest
 * pages serve: the hypervisor shows the granted page at their gfns while a
 * grant is mapped.  Freed ones wait on a list for the next map, as
 * xen_alloc_unpopulated_pages keeps its own: a 1024-grant gntdev map then
 * takes one lock instead of 1024 trips through the page allocator, and a
 * map/unmap loop reuses the same gfns.  The list holds at most a
 * sixteenth of RAM, and only pages nobody else holds.
 */
static unsigned long unpopulated_max(void)
{
	return max_pfn / 16;
}

int gnttab_alloc_pages(int nr_pages, struct page **pages)
{
	int i = 0;

	spin_lock(&unpopulated_lock);
	for (; i < nr_pages && unpopulated_count; i++) {
		struct page *page = list_first_entry(&unpopulated_list, struct page, lru);

		list_del_init(&page->lru);
		unpopulated_count--;
		/* as alloc_page gives it: one reference, nothing else set */
		page->flags = 0;
		page->private = 0;
		pages[i] = page;
	}
	spin_unlock(&unpopulated_lock);
	for (; i < nr_pages; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		if (!pages[i]) {
			gnttab_free_pages(i, pages);
			return -ENOMEM;
		}
	}
	return 0;
}

void gnttab_free_pages(int nr_pages, struct page **pages)
{
	int i;

	spin_lock(&unpopulated_lock);
	for (i = 0; i < nr_pages; i++) {
		struct page *page = pages[i];

		if (!page)
			continue;
		pages[i] = NULL;
		/* ours alone (no pin, no mapping, no grant): keep it for later */
		if (page_count(page) == 1 && !atomic_read(&page->_mapcount) &&
		    !PageForeign(page) && unpopulated_count < unpopulated_max()) {
			/* in order: the next map gets them in runs of gfns */
			list_add_tail(&page->lru, &unpopulated_list);
			unpopulated_count++;
			continue;
		}
		spin_unlock(&unpopulated_lock);
		put_page(page);
		spin_lock(&unpopulated_lock);
	}
	spin_unlock(&unpopulated_lock);
}

/* ---- batched operations ---- */

/* Retries one op that returned GNTST_eagain (a paged-out frame). */
static void gnttab_retry_eagain_gop(unsigned int cmd, void *gop, int16_t *status,
				    const char *func)
{
	unsigned int delay = 1;

	do {
		BUG_ON(HYPERVISOR_grant_table_op(cmd, gop, 1));
		if (*status == GNTST_eagain)
			msleep(delay++);
	} while ((*status == GNTST_eagain) && (delay < 256));

	if (delay >= 256) {
		pr_err("%s: %s eagain grant\n", func, current->comm);
		*status = GNTST_bad_page;
	}
}

void gnttab_batch_map(struct gnttab_map_grant_ref *batch, unsigned count)
{
	struct gnttab_map_grant_ref *op;

	if (HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, batch, count))
		BUG();
	for (op = batch; op < batch + count; op++)
		if (op->status == GNTST_eagain)
			gnttab_retry_eagain_gop(GNTTABOP_map_grant_ref, op,
						&op->status, __func__);
}

void gnttab_batch_copy(struct gnttab_copy *batch, unsigned count)
{
	struct gnttab_copy *op;

	if (HYPERVISOR_grant_table_op(GNTTABOP_copy, batch, count)) {
		/* Linux BUG()s; only a hypervisor that went away gets here. */
		BUG_ON(hostk_hv_alive());
		for (op = batch; op < batch + count; op++)
			op->status = GNTST_general_error;
		return;
	}
	for (op = batch; op < batch + count; op++)
		if (op->status == GNTST_eagain)
			gnttab_retry_eagain_gop(GNTTABOP_copy, op,
						&op->status, __func__);
}

int gnttab_map_refs(struct gnttab_map_grant_ref *map_ops,
		    struct gnttab_map_grant_ref *kmap_ops,
		    struct page **pages, unsigned int count)
{
	unsigned int i;
	int ret;

	ret = HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, map_ops, count);
	if (ret)
		return ret;

	for (i = 0; i < count; i++) {
		switch (map_ops[i].status) {
		case GNTST_okay: {
			struct xen_page_foreign *foreign;

			SetPageForeign(pages[i]);
			foreign = xen_page_foreign(pages[i]);
			foreign->domid = map_ops[i].dom;
			foreign->gref = map_ops[i].ref;
			break;
		}
		case GNTST_no_device_space:
			pr_warn_ratelimited("maptrack limit reached, can't map all guest pages\n");
			break;
		case GNTST_eagain:
			gnttab_retry_eagain_gop(GNTTABOP_map_grant_ref, map_ops + i,
						&map_ops[i].status, __func__);
			/* Test status in next loop iteration. */
			i--;
			break;
		default:
			break;
		}
	}
	return set_foreign_p2m_mapping(map_ops, kmap_ops, pages, count);
}

int gnttab_unmap_refs(struct gnttab_unmap_grant_ref *unmap_ops,
		      struct gnttab_unmap_grant_ref *kunmap_ops,
		      struct page **pages, unsigned int count)
{
	unsigned int i;
	int ret;

	ret = HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, unmap_ops, count);
	if (ret)
		return ret;
	for (i = 0; i < count; i++)
		ClearPageForeign(pages[i]);
	return clear_foreign_p2m_mapping(unmap_ops, kunmap_ops, pages, count);
}

static void __gnttab_unmap_refs_async(struct gntab_unmap_queue_data *item)
{
	unsigned int pc;
	int ret;

	/* A page someone still holds (pinned for I/O) is not unmapped yet. */
	for (pc = 0; pc < item->count; pc++) {
		if (page_count(item->pages[pc]) > 1) {
			unsigned long delay = GNTTAB_UNMAP_REFS_DELAY * (item->age + 1);

			schedule_delayed_work(&item->gnttab_work, msecs_to_jiffies(delay));
			return;
		}
	}
	ret = gnttab_unmap_refs(item->unmap_ops, item->kunmap_ops, item->pages,
				item->count);
	item->done(ret, item);
}

static void gnttab_unmap_work(struct work_struct *work)
{
	struct gntab_unmap_queue_data *unmap_data =
		container_of(work, struct gntab_unmap_queue_data, gnttab_work.work);

	if (unmap_data->age != UINT_MAX)
		unmap_data->age++;
	__gnttab_unmap_refs_async(unmap_data);
}

void gnttab_unmap_refs_async(struct gntab_unmap_queue_data *item)
{
	INIT_DELAYED_WORK(&item->gnttab_work, gnttab_unmap_work);
	item->age = 0;
	__gnttab_unmap_refs_async(item);
}
