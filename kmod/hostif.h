/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The seam between the guest kernel and its host process, in the spirit of
 * NetBSD's rumpuser.h.  Kernel code (the shim and the drivers, built
 * freestanding against kernel headers) and host code (built against glibc)
 * never share a translation unit; this header is the only thing both
 * include, so it uses plain C types and opaque pointers only.
 *
 *   hostk_*  the host's services to the kernel (kmod/host/)
 *   kmod_*   the kernel's entry points for the host (kmod/shim/)
 *
 * Return values are 0 or a negative errno unless said otherwise.
 */
#ifndef KMOD_HOSTIF_H
#define KMOD_HOSTIF_H

/* ---- host services ---------------------------------------------------- */

void *hostk_malloc(unsigned long size);
void hostk_free(void *p);
/* Untouched until used: backs mem_map, costs nothing while idle. */
void *hostk_map_anon(unsigned long size);
void hostk_unmap(void *p, unsigned long size);

/* One line of the kernel log, level 0 (emerg) .. 7 (debug). */
void hostk_log(int level, const char *line);
__attribute__((__noreturn__)) void hostk_panic(const char *why);

unsigned long long hostk_clock_ns(void);

/* Futexes on process-private words: the locks are built on these. */
void hostk_futex_wait(int *word, int val);
void hostk_futex_wake(int *word, int nr);

/* Threads of the kernel (the vCPU, workers, per-file callers). */
int hostk_thread_create(void (*fn)(void *), void *arg, const char *name);

/*
 * Sleeping.  Every kernel thread has a waker, `hostk_current_waker()`.
 * hostk_sleep() returns when woken (0), after timeout_ns if >= 0 (1), or,
 * on a thread that runs a program's call, when that program asked to
 * interrupt the call or went away (2: the kernel's signal_pending()).
 * Wakeups are never lost: a wake before the sleep makes it return at once.
 */
void *hostk_current_waker(void);
void hostk_wake(void *waker);
int hostk_sleep(long long timeout_ns);
#define HOSTK_WOKEN	0
#define HOSTK_TIMEOUT	1
#define HOSTK_SIGNAL	2

/* A program's memory (process_vm_readv/writev); bytes NOT copied. */
unsigned long hostk_copy_from_user(int pid, void *to, unsigned long from,
				   unsigned long n);
unsigned long hostk_copy_to_user(int pid, unsigned long to, const void *from,
				 unsigned long n);
/*
 * Runs of bytes to program pid, in order, vectored (few system calls),
 * each run tried as if on its own: one that fails does not stop the rest.
 * Returns the bytes not written.
 */
struct hostk_run {
	unsigned long to;	/* in the program */
	const void *from;
	unsigned long len;
};
unsigned long hostk_copy_runs_to_user(int pid, const struct hostk_run *runs,
				      unsigned int n);
/* A program's command name, for current->comm. */
void hostk_proc_comm(int pid, char *buf, unsigned long size);
/* The program's first mapping that ends above addr: 0 and its range, or
 * -ENOENT (from /proc/PID/maps). */
int hostk_proc_next_mapping(int pid, unsigned long addr, unsigned long *start,
			    unsigned long *end);
/* Signals a program (kill_fasync). */
int hostk_signal(int pid, int sig);
/* Starts watching a program: kmod_mm_exit(pid) runs when it exits. */
int hostk_watch_process(int pid);
void hostk_unwatch_process(int pid);

/* The hypervisor (libhvsim-guest underneath). */
void *hostk_ram(unsigned long *nr_pages);
void *hostk_shared_info(void);
unsigned int hostk_domid(void);
int hostk_grant_table_op(unsigned int cmd, void *ops, unsigned int count,
			 unsigned long long *frames);
int hostk_event_channel_op(unsigned int cmd, void *arg);
/*
 * Waits until the upcalls this thread's event-channel ops raised in this
 * domain have been handled, as Xen delivers them before the vCPU runs on
 * with interrupts enabled (a no-op on the vCPU thread itself).
 */
void hostk_wait_own_upcalls(void);
/*
 * Hypercall `op` with its argument registers, whose guest handles are
 * addresses in program `pid`'s memory (0: this kernel's own); `by_value`
 * (len bytes) goes with it.  Returns what the hypercall returns.
 */
long hostk_hypercall_raw(unsigned int op, const unsigned long args[5], int pid,
			 const void *by_value, unsigned long len);
/*
 * Reads `path` (relative: under this domain's /local/domain/<id>) from the
 * domain's xenstore into buf, NUL-terminated and cut to size - 1 bytes.
 * Returns the value's length, or -errno (-ENOENT, -EACCES, ...).
 */
long hostk_xenstore_read(const char *path, char *buf, unsigned long size);
/* 0 once the hypervisor has gone (domain destroyed): calls then fail. */
int hostk_hv_alive(void);
/*
 * 1 once the domain has been destroyed (not hvsimd stopping): from then on
 * nothing of the kernel's may run, as nothing of a destroyed domain runs
 * on Xen.  Waits for a hypercall in progress, which may be the one that
 * reads the news.
 */
int hostk_domain_destroyed(void);

/*
 * Fault injection (hvsim fault): the kernel injected a failure of `kind`
 * (KMOD_FAULT_*) at `site`; hvsimd hears of it, for the trace.
 */
void hostk_fault_injected(unsigned int kind, const char *site);

/* ---- kernel entry points ---------------------------------------------- */

/*
 * Fault injection in the kernel's allocations (hvsim fault): of the
 * allocations of `kind` from now on, the first nth - 1 succeed and the
 * next `times` fail (-1: every one; 0: none any more, the rule is gone).
 * -ENOSYS for another kind, -EINVAL for bad counts.
 */
#define KMOD_FAULT_KMALLOC	1	/* kmalloc, kzalloc, kcalloc, kvmalloc, ... */
#define KMOD_FAULT_ALLOC_PAGE	2	/* alloc_page(s), __get_free_page(s) */
int kmod_fault_set(unsigned int kind, unsigned long nth, long long times);

/* Sets a module parameter ("gntalloc", "limit", "4") before boot. */
int kmod_param_set(const char *module, const char *name, const char *value);
/* Brings the kernel up: memory, grant table, events, every module_init. */
int kmod_boot(void);
/* Runs every module_exit, and reports what the slab still holds (count). */
long kmod_shutdown(void);

/* The vCPU thread's upcall: Linux's xen_evtchn_do_upcall(), interrupts off. */
void kmod_upcall(void);

/*
 * Open files.  Calls run on the thread serving the file, in the context
 * of program `pid` (current->mm is that program's, current->comm its
 * name).  The file handle is opaque to the host.
 */
struct file;
int kmod_file_open(const char *path, unsigned int flags, int pid,
		   struct file **out);
long kmod_file_ioctl(struct file *f, int pid, unsigned int cmd,
		     unsigned long arg);
long kmod_file_read(struct file *f, int pid, unsigned long buf,
		    unsigned long count);
long kmod_file_write(struct file *f, int pid, unsigned long buf,
		     unsigned long count);
/*
 * Readiness, for the host's descriptor of the file: fn(ctx) runs whenever
 * the driver wakes a queue its ->poll names (in the waker's context: it may
 * only call kmod_file_ready and signal).  Returns 1 when watching, 0 when
 * the file has no ->poll (always ready, as Linux's DEFAULT_POLLMASK), or
 * -errno.  The watch ends at kmod_file_unwatch() or the file's release.
 */
int kmod_file_watch(struct file *f, void (*fn)(void *ctx), void *ctx);
void kmod_file_unwatch(struct file *f);
/* The driver's poll mask now (EPOLLIN...). */
unsigned int kmod_file_ready(struct file *f);
long kmod_file_setfl(struct file *f, int pid, unsigned int flags);
/* F_SETOWN: who gets SIGIO. */
void kmod_file_setown(struct file *f, int pid);
/* A reference for a call in progress; kmod_file_put() drops it.  The
 * host's own reference goes with kmod_file_put() when the program's last
 * descriptor of the file is closed. */
void kmod_file_get(struct file *f);
void kmod_file_put(struct file *f);

/*
 * mmap into program `pid` at `addr` (already reserved by the program).
 * On success *pfns (kmalloc'ed, nr_pages entries; ~0UL where no page was
 * inserted) says which guest page shows at each page of the mapping;
 * the caller frees it with kmod_free().
 */
long kmod_file_mmap(struct file *f, int pid, unsigned long addr,
		    unsigned long len, unsigned int prot, unsigned int flags,
		    unsigned long long offset, unsigned long **pfns);
/* The program unmapped [addr, addr + len). */
long kmod_munmap(int pid, unsigned long addr, unsigned long len);
/*
 * mprotect(2) of [addr, addr + len) in program pid's device mappings, as
 * Linux's do_mprotect_pkey: VMA by VMA in address order, those before an
 * error keeping their new protection.  Returns 0 or -errno; *done is where
 * the change ended (addr: nothing changed).  *pages (kmalloc'ed, for
 * kmod_free(); NULL when nothing changed) has one entry per page of
 * [addr, *done): the guest page it shows (~0UL: none) and whether the
 * mapping is shared (a program's write reaches that page, not a copy).
 */
struct kmod_prot_page {
	unsigned long pfn;
	unsigned int shared;
};
long kmod_mprotect(int pid, unsigned long addr, unsigned long len,
		   unsigned long prot, unsigned long *done,
		   struct kmod_prot_page **pages);
/*
 * Pages of program pid's device mappings whose page record a call changed
 * (set_pte_at: privcmd's xlate_mmu.c placing foreign frames in an ioctl),
 * so that the program maps them before its call returns: one entry per
 * page still in a mapping, in address order, with the pfn it now shows
 * (~0UL: no page) and whether the mapping is writable.  Taking them
 * forgets them.  Returns the count (*out from kmalloc, for kmod_free(),
 * NULL when 0) or -errno.
 */
struct kmod_pte_change {
	unsigned long addr;
	unsigned long pfn;
	unsigned int writable;
	unsigned int accessible;	/* the VMA allows any access (not PROT_NONE) */
};
long kmod_mm_take_changes(int pid, struct kmod_pte_change **out);
/*
 * fork: prepare copies program pid's mappings as dup_mmap() does (VMAs
 * without VM_DONTCOPY, ->open on each, their pages) into a detached mm;
 * commit gives it to the child (merged if the child has one already);
 * abort drops it (the fork failed).
 */
long kmod_mm_fork_prepare(int pid, void **mm);
void kmod_mm_fork_commit(void *mm, int child_pid);
void kmod_mm_fork_abort(void *mm);
/* Program pid exec'd: its mappings are gone, its mm stays. */
void kmod_mm_exec(int pid);
/* Program `pid` exited: its mappings go, as exit_mmap() does. */
void kmod_mm_exit(int pid);
/* Every program's mappings go (the kernel is stopping). */
void kmod_mm_exit_all(void);
void kmod_free(void *p);

#endif
