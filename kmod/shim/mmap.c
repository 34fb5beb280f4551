// SPDX-License-Identifier: GPL-2.0-only
/*
 * The programs' address spaces, as far as the devices are concerned.
 *
 * Each program (host process) that calls in has an mm_struct keyed by its
 * pid.  Its VMAs are its mappings of device files: do_mmap creates one and
 * calls the driver's ->mmap, which fills the VMA's page table with
 * vm_insert_page / vm_map_pages_zero; the program then maps those very
 * pages (the host hands it their memfd runs).  munmap and the program's
 * exit tear VMAs down as Linux does: the pages are "zapped" (their
 * references dropped), then ->close runs, then the file reference goes.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/mmu_notifier.h>
#include <linux/sched/mm.h>
#include <linux/string.h>

#include <linux/sort.h>

#include "hostif.h"
#include "shim.h"

static LIST_HEAD(mm_list);
static DEFINE_MUTEX(mm_list_lock);

/*
 * The kernel's own address space.  Its RAM is mapped flat by the host and
 * it has no VMAs, so apply_to_page_range over it finds nothing (-EFAULT);
 * only a PV guest's grant frames (arch/x86/xen/grant-table.c) would ask.
 */
struct mm_struct init_mm = {
	.mmap_list	= LIST_HEAD_INIT(init_mm.mmap_list),
	.mmap_lock	= __RWSEM_INITIALIZER(init_mm.mmap_lock),
	.mm_node	= LIST_HEAD_INIT(init_mm.mm_node),
	.mm_count	= REFCOUNT_INIT(1),
};

static void pte_changes_drop(int pid);

static struct mm_struct *mm_find_locked(int pid)
{
	struct mm_struct *mm;

	list_for_each_entry(mm, &mm_list, mm_node)
		if (mm->pid == pid)
			return mm;
	return NULL;
}

struct mm_struct *mm_get(int pid)
{
	struct mm_struct *mm;

	mutex_lock(&mm_list_lock);
	mm = mm_find_locked(pid);
	if (mm) {
		mmgrab(mm);
		goto out;
	}
	/* a program's mm exists before it calls: not one fault injection fails */
	mm = kzalloc(sizeof(*mm), GFP_KERNEL | __GFP_NOFAIL);
	if (!mm)
		goto out;
	init_rwsem(&mm->mmap_lock);
	INIT_LIST_HEAD(&mm->mmap_list);
	mm->pid = pid;
	/* One reference for the list (dropped at the program's exit), one
	 * for the caller. */
	refcount_set(&mm->mm_count, 2);
	if (hostk_watch_process(pid) < 0) {
		/* Already gone: serve the call, forget it right after. */
		refcount_set(&mm->mm_count, 1);
		INIT_LIST_HEAD(&mm->mm_node);
		goto out;
	}
	list_add(&mm->mm_node, &mm_list);
out:
	mutex_unlock(&mm_list_lock);
	return mm;
}

void mmgrab(struct mm_struct *mm)
{
	refcount_inc(&mm->mm_count);
}

void mmdrop(struct mm_struct *mm)
{
	if (refcount_dec_and_test(&mm->mm_count)) {
		WARN_ON(!list_empty(&mm->mmap_list));
		kfree(mm);
	}
}

void mmput(struct mm_struct *mm)
{
	mmdrop(mm);
}

/* ---- VMAs ---- */

static struct vm_area_struct *find_vma_intersection(struct mm_struct *mm,
						    unsigned long start,
						    unsigned long end)
{
	struct vm_area_struct *vma;

	list_for_each_entry(vma, &mm->mmap_list, vm_list)
		if (vma->vm_end > start && vma->vm_start < end)
			return vma;
	return NULL;
}

/*
 * Linux's find_vma returns the VMA containing addr, or else the next one
 * above it.  The program has mappings of its own that we do not track:
 * when one of them comes first, the answer is a VMA that is not a
 * device's (mm->other_vma, no vm_ops), as it would be in Linux.
 */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma, *next = NULL;
	unsigned long start, end;

	if (!mm)
		return NULL;
	list_for_each_entry(vma, &mm->mmap_list, vm_list) {
		if (vma->vm_end > addr) {
			next = vma;
			break;
		}
	}
	if (next && next->vm_start <= addr)
		return next;
	if (hostk_proc_next_mapping(mm->pid, addr, &start, &end) == 0 &&
	    (!next || start < next->vm_start)) {
		memset(&mm->other_vma, 0, sizeof(mm->other_vma));
		mm->other_vma.vm_start = start;
		mm->other_vma.vm_end = end;
		mm->other_vma.vm_mm = mm;
		return &mm->other_vma;
	}
	return next;
}

struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	list_for_each_entry(vma, &mm->mmap_list, vm_list)
		if (vma->vm_start <= addr && addr < vma->vm_end)
			return vma;
	return NULL;
}

static void vma_link(struct mm_struct *mm, struct vm_area_struct *new)
{
	struct vm_area_struct *vma;

	list_for_each_entry(vma, &mm->mmap_list, vm_list) {
		if (vma->vm_start > new->vm_start) {
			list_add_tail(&new->vm_list, &vma->vm_list);
			return;
		}
	}
	list_add_tail(&new->vm_list, &mm->mmap_list);
}

static struct vm_area_struct *vm_area_alloc(struct mm_struct *mm, unsigned long start,
					    unsigned long end)
{
	struct vm_area_struct *vma = kzalloc(sizeof(*vma), GFP_KERNEL);

	if (!vma)
		return NULL;
	vma->vm_mm = mm;
	vma->vm_start = start;
	vma->vm_end = end;
	INIT_LIST_HEAD(&vma->vm_list);
	vma->pages = kvcalloc((end - start) >> PAGE_SHIFT, sizeof(*vma->pages),
			      GFP_KERNEL);
	if (!vma->pages) {
		kfree(vma);
		return NULL;
	}
	return vma;
}

static void vm_area_free(struct vm_area_struct *vma)
{
	kvfree(vma->pages);
	kfree(vma);
}

/* Drops the page-table references of [start, end) of vma. */
static void zap_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	unsigned long addr;

	for (addr = start; addr < end; addr += PAGE_SIZE) {
		struct page **slot = &vma->pages[(addr - vma->vm_start) >> PAGE_SHIFT];

		if (*slot) {
			atomic_dec(&(*slot)->_mapcount);
			put_page(*slot);
			*slot = NULL;
		}
	}
}

void zap_vma_ptes(struct vm_area_struct *vma, unsigned long address, unsigned long size)
{
	if (address < vma->vm_start || address + size > vma->vm_end ||
	    !(vma->vm_flags & VM_PFNMAP))
		return;
	zap_range(vma, address, address + size);
}

static void mmu_notify_unmap(struct mm_struct *mm, unsigned long start, unsigned long end);

/* Unlinked VMA: pages, then ->close, then the file. */
static void remove_vma(struct vm_area_struct *vma)
{
	struct file *file = vma->vm_file;

	/* nothing of a destroyed domain runs any more (see __fput) */
	if (hostk_domain_destroyed())
		return;
	mmu_notify_unmap(vma->vm_mm, vma->vm_start, vma->vm_end);
	zap_range(vma, vma->vm_start, vma->vm_end);
	if (vma->vm_ops && vma->vm_ops->close)
		vma->vm_ops->close(vma);
	vm_area_free(vma);
	if (file)
		fput(file);
}

/*
 * Splits vma at addr: vma keeps [start, addr), the new one [addr, end).
 * The driver may refuse, as __split_vma lets it (privcmd does: both
 * halves would share the pages its ->close frees); the munmap then
 * fails with its error and the VMA stays whole.
 */
int split_vma(struct vm_area_struct *vma, unsigned long addr)
{
	unsigned long head = (addr - vma->vm_start) >> PAGE_SHIFT;
	unsigned long tail = (vma->vm_end - addr) >> PAGE_SHIFT;
	struct vm_area_struct *new;
	struct page **head_pages;

	if (vma->vm_ops && vma->vm_ops->may_split) {
		int err = vma->vm_ops->may_split(vma, addr);

		if (err)
			return err;
	}
	new = vm_area_alloc(vma->vm_mm, addr, vma->vm_end);
	if (!new)
		return -ENOMEM;
	head_pages = kvcalloc(head, sizeof(*head_pages), GFP_KERNEL);
	if (!head_pages) {
		vm_area_free(new);
		return -ENOMEM;
	}
	memcpy(head_pages, vma->pages, head * sizeof(*head_pages));
	memcpy(new->pages, vma->pages + head, tail * sizeof(*head_pages));
	kvfree(vma->pages);
	vma->pages = head_pages;

	new->vm_flags = vma->vm_flags;
	new->vm_pgoff = vma->vm_pgoff + head;
	new->vm_file = vma->vm_file ? get_file(vma->vm_file) : NULL;
	new->vm_private_data = vma->vm_private_data;
	new->vm_ops = vma->vm_ops;
	vma->vm_end = addr;
	vma_link(vma->vm_mm, new);
	if (new->vm_ops && new->vm_ops->open)
		new->vm_ops->open(new);
	return 0;
}

static long __do_munmap(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma;
	int err;

	/* Split at the edges first, as __do_munmap does, then remove. */
	vma = find_vma_intersection(mm, start, end);
	if (vma && vma->vm_start < start) {
		err = split_vma(vma, start);
		if (err)
			return err;
	}
	vma = find_vma_intersection(mm, end - 1, end);
	if (vma && vma->vm_end > end) {
		err = split_vma(vma, end);
		if (err)
			return err;
	}
	while ((vma = find_vma_intersection(mm, start, end))) {
		list_del(&vma->vm_list);
		remove_vma(vma);
	}
	return 0;
}

long do_munmap_range(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	long ret;

	if (addr & ~PAGE_MASK || !len)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (addr + len < addr)
		return -EINVAL;
	mmap_write_lock(mm);
	ret = __do_munmap(mm, addr, addr + len);
	mmap_write_unlock(mm);
	return ret;
}

void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *vma;

	mmap_write_lock(mm);
	while (!list_empty(&mm->mmap_list)) {
		vma = list_first_entry(&mm->mmap_list, struct vm_area_struct, vm_list);
		list_del(&vma->vm_list);
		remove_vma(vma);
	}
	mmap_write_unlock(mm);
}

static struct mm_struct *mm_alloc_detached(void)
{
	/* the interposer's fork, which Linux's fork does not ask of a driver */
	struct mm_struct *mm = kzalloc(sizeof(*mm), GFP_KERNEL | __GFP_NOFAIL);

	if (!mm)
		return NULL;
	init_rwsem(&mm->mmap_lock);
	INIT_LIST_HEAD(&mm->mmap_list);
	INIT_LIST_HEAD(&mm->mm_node);
	refcount_set(&mm->mm_count, 1);
	return mm;
}

/* dup_mmap(): the child's copy of one VMA, its page table and all. */
static int dup_vma(struct mm_struct *child, struct vm_area_struct *vma)
{
	struct vm_area_struct *tmp = vm_area_alloc(child, vma->vm_start, vma->vm_end);
	unsigned long i;

	if (!tmp)
		return -ENOMEM;
	tmp->vm_flags = vma->vm_flags;
	tmp->vm_pgoff = vma->vm_pgoff;
	tmp->vm_file = vma->vm_file ? get_file(vma->vm_file) : NULL;
	tmp->vm_private_data = vma->vm_private_data;
	tmp->vm_ops = vma->vm_ops;
	for (i = 0; i < vma_pages(vma); i++) {
		struct page *page = vma->pages[i];

		if (page) {
			get_page(page);
			atomic_inc(&page->_mapcount);
			tmp->pages[i] = page;
		}
	}
	vma_link(child, tmp);
	if (tmp->vm_ops && tmp->vm_ops->open)
		tmp->vm_ops->open(tmp);
	return 0;
}

long kmod_mm_fork_prepare(int pid, void **out)
{
	struct mm_struct *mm = mm_get(pid), *child = mm_alloc_detached();
	struct vm_area_struct *vma;
	long err = 0;

	if (!mm || !child) {
		if (mm)
			mmput(mm);
		kfree(child);
		return -ENOMEM;
	}
	task_enter_call(pid, mm, NULL);
	mmap_read_lock(mm);
	list_for_each_entry(vma, &mm->mmap_list, vm_list) {
		if (vma->vm_flags & VM_DONTCOPY)
			continue;
		err = dup_vma(child, vma);
		if (err)
			break;
	}
	mmap_read_unlock(mm);
	task_leave_call();
	mmput(mm);
	if (err) {
		kmod_mm_fork_abort(child);
		return err;
	}
	*out = child;
	return 0;
}

void kmod_mm_fork_abort(void *p)
{
	struct mm_struct *child = p;

	task_enter_call(0, child, NULL);
	exit_mmap(child);
	task_leave_call();
	mmdrop(child);
}

void kmod_mm_fork_commit(void *p, int child_pid)
{
	struct mm_struct *child = p, *mm;
	struct vm_area_struct *vma, *next;

	mm = mm_get(child_pid);
	if (!mm) {
		kmod_mm_fork_abort(child);
		return;
	}
	/* The child's own mm (it may have called in first): take the VMAs over. */
	mmap_write_lock(mm);
	list_for_each_entry_safe(vma, next, &child->mmap_list, vm_list) {
		list_del(&vma->vm_list);
		vma->vm_mm = mm;
		vma_link(mm, vma);
	}
	mmap_write_unlock(mm);
	mmdrop(child);
	/* Gone already (mm_get could not watch it): its exit comes now. */
	if (list_empty(&mm->mm_node)) {
		task_enter_call(child_pid, mm, NULL);
		exit_mmap(mm);
		task_leave_call();
	}
	mmput(mm);
}

void kmod_mm_exec(int pid)
{
	struct mm_struct *mm;

	mutex_lock(&mm_list_lock);
	mm = mm_find_locked(pid);
	if (mm)
		mmgrab(mm);
	mutex_unlock(&mm_list_lock);
	if (!mm)
		return;
	task_enter_call(pid, mm, NULL);
	exit_mmap(mm);
	task_leave_call();
	pte_changes_drop(pid);
	mmdrop(mm);
}

/* The program exited: its mappings go, then its mm. */
void kmod_mm_exit(int pid)
{
	struct mm_struct *mm;

	mutex_lock(&mm_list_lock);
	mm = mm_find_locked(pid);
	if (mm)
		list_del_init(&mm->mm_node);
	mutex_unlock(&mm_list_lock);
	if (!mm) {
		pte_changes_drop(pid);
		hostk_unwatch_process(pid);
		return;
	}
	task_enter_call(pid, mm, NULL);
	exit_mmap(mm);
	task_leave_call();
	pte_changes_drop(pid);
	hostk_unwatch_process(pid);
	mmdrop(mm);
}

void kmod_mm_exit_all(void)
{
	struct mm_struct *mm;

	for (;;) {
		mutex_lock(&mm_list_lock);
		mm = list_first_entry_or_null(&mm_list, struct mm_struct, mm_node);
		mutex_unlock(&mm_list_lock);
		if (!mm)
			break;
		kmod_mm_exit(mm->pid);
	}
}

long kmod_munmap(int pid, unsigned long addr, unsigned long len)
{
	struct mm_struct *mm = mm_get(pid);
	long ret;

	if (!mm)
		return -ENOMEM;
	task_enter_call(pid, mm, NULL);
	ret = do_munmap_range(mm, addr, len);
	task_leave_call();
	mmput(mm);
	return ret;
}

/* ---- mmap ---- */

unsigned long calc_vm_prot_bits(unsigned long prot)
{
	return ((prot & PROT_READ) ? VM_READ : 0) |
	       ((prot & PROT_WRITE) ? VM_WRITE : 0) |
	       ((prot & PROT_EXEC) ? VM_EXEC : 0);
}

/*
 * do_mmap's checks for a file mapping, in its order, then the driver's
 * ->mmap on a new VMA.  On failure nothing stays: the inserted pages are
 * zapped and the VMA freed without ->close, as mmap_region does.
 */
long do_mmap_file(struct file *file, unsigned long addr, unsigned long len,
		  unsigned long prot, unsigned long flags, unsigned long long off,
		  unsigned long **pfns)
{
	struct mm_struct *mm = current->mm;
	unsigned long vm_flags, pgoff, nr, i;
	struct vm_area_struct *vma;
	unsigned long *out;
	long err;

	if (!len)
		return -EINVAL;
	if (off & ~PAGE_MASK)
		return -EINVAL;
	if (addr & ~PAGE_MASK)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len || addr + len < addr)
		return -ENOMEM;
	pgoff = off >> PAGE_SHIFT;
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;

	vm_flags = calc_vm_prot_bits(prot) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	switch (flags & MAP_TYPE) {
	case MAP_SHARED:
	case MAP_SHARED_VALIDATE:
		if ((prot & PROT_WRITE) && !(file->f_mode & FMODE_WRITE))
			return -EACCES;
		vm_flags |= VM_SHARED | VM_MAYSHARE;
		if (!(file->f_mode & FMODE_WRITE))
			vm_flags &= ~(VM_MAYWRITE | VM_SHARED);
		fallthrough;
	case MAP_PRIVATE:
		if (!(file->f_mode & FMODE_READ))
			return -EACCES;
		if (!file->f_op->mmap)
			return -ENODEV;
		break;
	default:
		return -EINVAL;
	}

	mmap_write_lock(mm);
	/* MAP_FIXED over an older mapping replaces it. */
	err = __do_munmap(mm, addr, addr + len);
	if (err)
		goto out_unlock;
	err = -ENOMEM;
	vma = vm_area_alloc(mm, addr, addr + len);
	if (!vma)
		goto out_unlock;
	vma->vm_flags = vm_flags;
	vma->vm_pgoff = pgoff;
	vma->vm_file = get_file(file);

	err = file->f_op->mmap(file, vma);
	if (err) {
		zap_range(vma, vma->vm_start, vma->vm_end);
		vm_area_free(vma);
		fput(file);
		goto out_unlock;
	}

	nr = vma_pages(vma);
	/* the host's answer, not Linux's mmap: fault injection passes it by */
	out = kvmalloc_array(nr, sizeof(*out), GFP_KERNEL | __GFP_NOFAIL);
	if (!out) {
		vma_link(mm, vma);
		__do_munmap(mm, addr, addr + len);
		err = -ENOMEM;
		goto out_unlock;
	}
	for (i = 0; i < nr; i++)
		out[i] = vma->pages[i] ? page_to_pfn(vma->pages[i]) : ~0UL;
	*pfns = out;
	vma_link(mm, vma);
	err = 0;
out_unlock:
	mmap_write_unlock(mm);
	return err;
}

/* ---- inserting pages ---- */

int vm_insert_page(struct vm_area_struct *vma, unsigned long addr, struct page *page)
{
	struct page **slot;

	if (addr < vma->vm_start || addr >= vma->vm_end)
		return -EFAULT;
	if (!page_count(page))
		return -EINVAL;
	if (!(vma->vm_flags & VM_MIXEDMAP)) {
		BUG_ON(vma->vm_flags & VM_PFNMAP);
		vma->vm_flags |= VM_MIXEDMAP;
	}
	slot = &vma->pages[(addr - vma->vm_start) >> PAGE_SHIFT];
	if (*slot)
		return -EBUSY;
	get_page(page);
	atomic_inc(&page->_mapcount);
	*slot = page;
	return 0;
}

static int __vm_map_pages(struct vm_area_struct *vma, struct page **pages,
			  unsigned long num, unsigned long offset)
{
	unsigned long count = vma_pages(vma);
	unsigned long uaddr = vma->vm_start;
	unsigned long i;
	int ret;

	if (offset >= num)
		return -ENXIO;
	if (count > num - offset)
		return -ENXIO;
	for (i = 0; i < count; i++) {
		ret = vm_insert_page(vma, uaddr, pages[offset + i]);
		if (ret < 0)
			return ret;
		uaddr += PAGE_SIZE;
	}
	return 0;
}

int vm_map_pages(struct vm_area_struct *vma, struct page **pages, unsigned long num)
{
	return __vm_map_pages(vma, pages, num, vma->vm_pgoff);
}

int vm_map_pages_zero(struct vm_area_struct *vma, struct page **pages, unsigned long num)
{
	return __vm_map_pages(vma, pages, num, 0);
}

/*
 * A program's VMA keeps one page record per page (vma->pages); those
 * records are its page table.  apply_to_page_range hands the callback a
 * pte made from each record, and set_pte_at writes one back: privcmd asks
 * whether a range is mapped this way, and xlate_mmu.c places foreign
 * frames.  Only ranges inside one device mapping have records.
 */
int apply_to_page_range(struct mm_struct *mm, unsigned long address,
			unsigned long size, pte_fn_t fn, void *data)
{
	struct vm_area_struct *vma = vma_lookup(mm, address);
	unsigned long addr;
	int err;

	if (!vma || !vma->pages || size > vma->vm_end - address)
		return -EFAULT;
	for (addr = address; addr < address + size; addr += PAGE_SIZE) {
		struct page *page = vma->pages[(addr - vma->vm_start) >> PAGE_SHIFT];
		pte_t pte = page ? pfn_pte(page_to_pfn(page), vma->vm_page_prot) : (pte_t){ 0 };

		err = fn(&pte, addr, data);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Page records changed by set_pte_at, per program, until the host takes
 * them after the call (kmod_mm_take_changes): the program's own mapping of
 * those pages must follow, as its page table would in Linux.  Keyed by pid
 * (a detached mm, a fork's copy, has no program to tell).
 */
struct pte_changes {
	struct list_head node;
	int pid;
	unsigned long *addrs;
	unsigned long nr, cap;
};

static LIST_HEAD(pte_changes_list);
static DEFINE_MUTEX(pte_changes_lock);

static struct pte_changes *pte_changes_find_locked(int pid)
{
	struct pte_changes *c;

	list_for_each_entry(c, &pte_changes_list, node)
		if (c->pid == pid)
			return c;
	return NULL;
}

static void pte_changes_free(struct pte_changes *c)
{
	kvfree(c->addrs);
	kfree(c);
}

static void pte_changed(struct mm_struct *mm, unsigned long addr)
{
	struct pte_changes *c;

	if (!mm->pid)
		return;
	mutex_lock(&pte_changes_lock);
	c = pte_changes_find_locked(mm->pid);
	if (!c) {
		/* the host's record of what to remap (__GFP_NOFAIL: no Linux allocation) */
		c = kzalloc(sizeof(*c), GFP_KERNEL | __GFP_NOFAIL);
		if (!c)
			goto out;
		c->pid = mm->pid;
		list_add(&c->node, &pte_changes_list);
	}
	if (c->nr == c->cap) {
		unsigned long cap = c->cap ? 2 * c->cap : 64;
		unsigned long *n = kvmalloc_array(cap, sizeof(*n),
						   GFP_KERNEL | __GFP_NOFAIL);

		if (!n)
			goto out;	/* that page stays as the program had it */
		if (c->nr)
			memcpy(n, c->addrs, c->nr * sizeof(*n));
		kvfree(c->addrs);
		c->addrs = n;
		c->cap = cap;
	}
	c->addrs[c->nr++] = addr;
out:
	mutex_unlock(&pte_changes_lock);
}

/* Forgets program pid's changes (its mappings went with exit or exec). */
static void pte_changes_drop(int pid)
{
	struct pte_changes *c;

	mutex_lock(&pte_changes_lock);
	c = pte_changes_find_locked(pid);
	if (c)
		list_del(&c->node);
	mutex_unlock(&pte_changes_lock);
	if (c)
		pte_changes_free(c);
}

static int cmp_addr(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* Address order (Linux's own sort), duplicates out. */
static unsigned long sort_unique(unsigned long *a, unsigned long n)
{
	unsigned long i, out;

	sort(a, n, sizeof(*a), cmp_addr, NULL);
	for (i = 0, out = 0; i < n; i++)
		if (!out || a[out - 1] != a[i])
			a[out++] = a[i];
	return out;
}

long kmod_mm_take_changes(int pid, struct kmod_pte_change **out)
{
	struct kmod_pte_change *res = NULL;
	struct pte_changes *c;
	struct mm_struct *mm;
	unsigned long i, n, nr = 0;

	*out = NULL;
	mutex_lock(&pte_changes_lock);
	c = pte_changes_find_locked(pid);
	if (c)
		list_del(&c->node);
	mutex_unlock(&pte_changes_lock);
	if (!c)
		return 0;
	mutex_lock(&mm_list_lock);
	mm = mm_find_locked(pid);
	if (mm)
		mmgrab(mm);
	mutex_unlock(&mm_list_lock);
	n = sort_unique(c->addrs, c->nr);
	if (mm && n) {
		res = kvmalloc_array(n, sizeof(*res), GFP_KERNEL | __GFP_NOFAIL);
		if (!res) {
			mmdrop(mm);
			pte_changes_free(c);
			return -ENOMEM;
		}
		mmap_read_lock(mm);
		for (i = 0; i < n; i++) {
			struct vm_area_struct *vma = vma_lookup(mm, c->addrs[i]);
			struct page *page;

			if (!vma || !vma->pages)
				continue;	/* unmapped since: the program's munmap did it */
			page = vma->pages[(c->addrs[i] - vma->vm_start) >> PAGE_SHIFT];
			res[nr++] = (struct kmod_pte_change){
				.addr = c->addrs[i],
				.pfn = page ? page_to_pfn(page) : ~0UL,
				.writable = !!(vma->vm_flags & VM_WRITE),
				.accessible = !!(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)),
			};
		}
		mmap_read_unlock(mm);
	}
	if (mm)
		mmdrop(mm);
	pte_changes_free(c);
	if (!nr) {
		kvfree(res);
		return 0;
	}
	*out = res;
	return (long)nr;
}

void set_pte_at(struct mm_struct *mm, unsigned long addr, pte_t *ptep, pte_t pte)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);
	struct page **slot, *page;

	*ptep = pte;
	if (WARN_ON(!vma || !vma->pages))
		return;
	pte_changed(mm, addr);
	/* held like an inserted page, so that unmapping the VMA drops it alike */
	slot = &vma->pages[(addr - vma->vm_start) >> PAGE_SHIFT];
	page = pte_none(pte) ? NULL : pfn_to_page(pte_pfn(pte));
	if (page) {
		get_page(page);
		atomic_inc(&page->_mapcount);
	}
	if (*slot) {
		atomic_dec(&(*slot)->_mapcount);
		put_page(*slot);
	}
	*slot = page;
}

/* ---- MMU interval notifiers ---- */

int mmu_interval_notifier_insert_locked(struct mmu_interval_notifier *sub,
		struct mm_struct *mm, unsigned long start, unsigned long length,
		const struct mmu_interval_notifier_ops *ops)
{
	sub->mm = mm;
	sub->ops = ops;
	sub->start = start;
	sub->last = start + length - 1;
	sub->invalidate_seq = 1;
	mmgrab(mm);
	hlist_add_head(&sub->node, &mm->notifiers);
	return 0;
}

void mmu_interval_notifier_remove(struct mmu_interval_notifier *sub)
{
	struct mm_struct *mm = sub->mm;

	hlist_del(&sub->node);
	mmdrop(mm);
}

unsigned long mmu_interval_read_begin(struct mmu_interval_notifier *sub)
{
	return sub->invalidate_seq;
}

static void mmu_notify_unmap(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct mmu_notifier_range range = {
		.mm = mm, .start = start, .end = end,
		.flags = MMU_NOTIFIER_RANGE_BLOCKABLE, .event = MMU_NOTIFY_UNMAP,
	};
	struct mmu_interval_notifier *sub;
	struct hlist_node *tmp;

	hlist_for_each_entry_safe(sub, tmp, &mm->notifiers, node) {
		if (sub->start < end && sub->last >= start) {
			sub->invalidate_seq += 2;
			sub->ops->invalidate(sub, &range, sub->invalidate_seq);
		}
	}
}
