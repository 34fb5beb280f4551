/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest memory as Xen's copy_from_guest / copy_to_guest see it: the memory
 * of whoever made the hypercall, at the addresses its guest handles hold.
 *
 * For a hypercall a program makes through /dev/xen/privcmd
 * (IOCTL_PRIVCMD_HYPERCALL), Xen reads and writes the handles through the
 * current address space, which is the calling program's.  hvsimd does the
 * same from outside with process_vm_readv / process_vm_writev on that
 * program (guest_mem_of_pid).  Unit tests use a caller-supplied buffer at a
 * fake base address instead (guest_mem_buffer).
 *
 * Both return 0 or -EFAULT.  A copy that stops part-way is -EFAULT, as in
 * Xen (copy_to_guest returning the bytes it could not copy); like Xen's,
 * the bytes before the fault may already have been written.  Address 0 is
 * Xen's null handle (guest_handle_is_null): callers test for it where Xen
 * does, and a copy at it faults like any unmapped address.
 */
#ifndef HVSIM_GUEST_MEM_H
#define HVSIM_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct guest_mem {
	int (*read)(const struct guest_mem *m, uint64_t addr, void *buf, size_t len);
	int (*write)(const struct guest_mem *m, uint64_t addr, const void *buf, size_t len);
	void *ctx;                 /* the implementation's */
};

static inline int guest_mem_read(const struct guest_mem *m, uint64_t addr,
				 void *buf, size_t len)
{
	return m->read(m, addr, buf, len);
}

static inline int guest_mem_write(const struct guest_mem *m, uint64_t addr,
				  const void *buf, size_t len)
{
	return m->write(m, addr, buf, len);
}

/* Xen's guest_handle_is_null. */
static inline bool guest_handle_is_null(uint64_t addr)
{
	return addr == 0;
}

/*
 * The memory of process `pid` (the program that made a privcmd hypercall).
 * hvsimd needs ptrace-attach permission over it (same uid and no Yama
 * restriction, the program's prctl(PR_SET_PTRACER, ...), or
 * CAP_SYS_PTRACE); without it, as when the process has gone, every copy
 * fails with -EFAULT.
 */
struct guest_mem guest_mem_of_pid(pid_t pid);

/*
 * A process's memory with `len` bytes passed by value seen at `base` in
 * front of it, read-only: a hypercall whose kernel passed an array by value
 * (HYPERVISOR_dm_op's buffer array, at the kernel address the call names)
 * while its other handles point into the program `pid`.  A copy that
 * starts inside the bytes must end inside them.  With len 0 it is
 * guest_mem_of_pid(pid).
 */
struct guest_mem_overlay {
	struct guest_mem mem;      /* pass &o->mem to the ops */
	struct guest_mem process;
	uint64_t base;
	const uint8_t *bytes;
	size_t len;
};

void guest_mem_overlay_init(struct guest_mem_overlay *o, pid_t pid, uint64_t base,
			    const void *bytes, size_t len);

/*
 * A test's guest memory: up to GUEST_MEM_BUFFER_REGIONS regions, each a
 * caller buffer seen at a fake guest address, readable and optionally
 * writable.  A copy must lie within one region; one that runs past its end
 * copies the bytes inside and fails with -EFAULT.  A write to a read-only
 * region fails with -EFAULT and writes nothing.
 */
#define GUEST_MEM_BUFFER_REGIONS 8

struct guest_mem_buffer {
	struct guest_mem mem;      /* pass &b->mem to the ops */
	struct {
		uint64_t base;
		uint8_t *buf;
		size_t len;
		bool writable;
	} region[GUEST_MEM_BUFFER_REGIONS];
	unsigned int nr_regions;
};

void guest_mem_buffer_init(struct guest_mem_buffer *b);
/* Returns 0, or -ENOSPC when every region is in use. */
int guest_mem_buffer_add(struct guest_mem_buffer *b, uint64_t base, void *buf,
			 size_t len, bool writable);

#endif
