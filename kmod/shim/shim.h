/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the shim's subsystems tell each other (kernel side; the drivers
 * never see this).
 */
#ifndef KMOD_SHIM_H
#define KMOD_SHIM_H

#include <linux/types.h>

struct mm_struct;
struct vm_area_struct;
struct file;
struct page;

/* sched.c: a kernel thread starts/ends serving a program's call. */
void task_enter_call(int pid, struct mm_struct *mm, const char *comm);
void task_leave_call(void);
/*
 * sched.c: sections where Linux has preemption off (a spinlock held, the
 * upcall): the wake-ups made inside are sent on leaving the outermost one,
 * or before this thread blocks (shim_wakes_flush).
 */
void shim_nonpreempt_enter(void);
void shim_nonpreempt_exit(void);
void shim_wakes_flush(void);

/* slab.c: live objects left (each one logged). */
long slab_report_leaks(void);
/* slab.c: the objects alive now are the kernel's own for its life (boot's). */
void slab_keep_live_objects(void);

/*
 * fault_inject.c: should this allocation of `kind` (KMOD_FAULT_*) fail on
 * purpose (hvsim fault)?  Counts it; a failure is logged and told to hvsimd.
 */
bool kmod_alloc_should_fail(unsigned int kind, gfp_t gfp, const char *site);

/* page_alloc.c */
int page_alloc_init(void);
unsigned long nr_free_ram_pages(void);

/* mmap.c: the programs' address spaces. */
struct mm_struct *mm_get(int pid);	/* found or created; a reference */
void mmput(struct mm_struct *mm);
long do_mmap_file(struct file *file, unsigned long addr, unsigned long len,
		  unsigned long prot, unsigned long flags, unsigned long long off,
		  unsigned long **pfns);
long do_munmap_range(struct mm_struct *mm, unsigned long addr, unsigned long len);
void exit_mmap(struct mm_struct *mm);
int split_vma(struct vm_area_struct *vma, unsigned long addr);	/* ->may_split asked */
unsigned long calc_vm_prot_bits(unsigned long prot);	/* PROT_* to VM_* */

/* workqueue.c */
int workqueue_init(void);
void workqueue_stop(void);

/* irq.c, enlighten.c: this thread enabled interrupts again. */
void xen_irqs_enabled(void);
/* enlighten.c */
void xen_guest_init(void);
void xen_setup_features(void);	/* Linux's features.c */

/* miscdev.c */
struct miscdevice *misc_find(const char *name);

/* module.c */
int modules_init(void);
void modules_exit(void);

#endif
