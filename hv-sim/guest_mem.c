// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest memory: a process's (process_vm_readv/writev) and a test's
 * (buffers at fake addresses).  See guest_mem.h.
 */
#include <errno.h>
#include <string.h>
#include <sys/uio.h>

#include "guest_mem.h"

/* A process ---------------------------------------------------------- */

static pid_t ctx_pid(const struct guest_mem *m)
{
	return (pid_t)(intptr_t)m->ctx;
}

/* addr + len must not wrap, nor leave the host's address space */
static bool range_ok(uint64_t addr, size_t len)
{
	return addr + len >= addr && addr + len <= (uint64_t)UINTPTR_MAX;
}

/* One copy between hvsimd's buf and the process's memory at addr. */
static int pid_copy(const struct guest_mem *m, uint64_t addr, void *buf, size_t len,
		    bool to_guest)
{
	struct iovec local = { .iov_base = buf, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };
	ssize_t n;

	if (!len)
		return 0;
	if (!range_ok(addr, len))
		return -EFAULT;
	do
		n = to_guest ? process_vm_writev(ctx_pid(m), &local, 1, &remote, 1, 0) :
			       process_vm_readv(ctx_pid(m), &local, 1, &remote, 1, 0);
	while (n < 0 && errno == EINTR);
	/* a fault, a process gone (ESRCH) or not ours to reach (EPERM) */
	return n == (ssize_t)len ? 0 : -EFAULT;
}

static int pid_read(const struct guest_mem *m, uint64_t addr, void *buf, size_t len)
{
	return pid_copy(m, addr, buf, len, false);
}

static int pid_write(const struct guest_mem *m, uint64_t addr, const void *buf, size_t len)
{
	return pid_copy(m, addr, (void *)buf, len, true);
}

struct guest_mem guest_mem_of_pid(pid_t pid)
{
	return (struct guest_mem){
		.read = pid_read,
		.write = pid_write,
		.ctx = (void *)(intptr_t)pid,
	};
}

/* A process, with bytes passed by value in front ----------------------- */

static const struct guest_mem_overlay *overlay_of(const struct guest_mem *m)
{
	return m->ctx;
}

static bool in_overlay(const struct guest_mem_overlay *o, uint64_t addr)
{
	return o->len && addr >= o->base && addr - o->base < o->len;
}

static int overlay_read(const struct guest_mem *m, uint64_t addr, void *buf, size_t len)
{
	const struct guest_mem_overlay *o = overlay_of(m);

	if (!in_overlay(o, addr))
		return guest_mem_read(&o->process, addr, buf, len);
	if (len > o->len - (addr - o->base))
		return -EFAULT;
	memcpy(buf, o->bytes + (addr - o->base), len);
	return 0;
}

static int overlay_write(const struct guest_mem *m, uint64_t addr, const void *buf, size_t len)
{
	const struct guest_mem_overlay *o = overlay_of(m);

	/* the kernel's copy is gone by the time anything could see a write */
	if (in_overlay(o, addr))
		return -EFAULT;
	return guest_mem_write(&o->process, addr, buf, len);
}

void guest_mem_overlay_init(struct guest_mem_overlay *o, pid_t pid, uint64_t base,
			    const void *bytes, size_t len)
{
	o->process = guest_mem_of_pid(pid);
	o->base = base;
	o->bytes = bytes;
	o->len = len;
	o->mem = (struct guest_mem){ .read = overlay_read, .write = overlay_write, .ctx = o };
}

/* A test's buffers --------------------------------------------------- */

/*
 * The region holding addr, and how many of len bytes lie in it (<= len);
 * NULL when addr is in none.
 */
static const void *find_region(const struct guest_mem_buffer *b, uint64_t addr,
			       size_t len, size_t *inside, unsigned int *idx)
{
	for (unsigned int i = 0; i < b->nr_regions; i++) {
		uint64_t base = b->region[i].base, rlen = b->region[i].len;

		if (addr < base || addr - base >= rlen)
			continue;
		*inside = rlen - (addr - base) < len ? (size_t)(rlen - (addr - base)) : len;
		*idx = i;
		return b->region[i].buf + (addr - base);
	}
	return NULL;
}

static int buffer_read(const struct guest_mem *m, uint64_t addr, void *buf, size_t len)
{
	const struct guest_mem_buffer *b = m->ctx;
	size_t inside;
	unsigned int i;
	const void *p;

	if (!len)
		return 0;
	p = find_region(b, addr, len, &inside, &i);
	if (!p)
		return -EFAULT;
	memcpy(buf, p, inside);
	return inside == len ? 0 : -EFAULT;
}

static int buffer_write(const struct guest_mem *m, uint64_t addr, const void *buf, size_t len)
{
	const struct guest_mem_buffer *b = m->ctx;
	size_t inside;
	unsigned int i;
	const void *p;

	if (!len)
		return 0;
	p = find_region(b, addr, len, &inside, &i);
	if (!p || !b->region[i].writable)
		return -EFAULT;
	memcpy((void *)p, buf, inside);
	return inside == len ? 0 : -EFAULT;
}

void guest_mem_buffer_init(struct guest_mem_buffer *b)
{
	memset(b, 0, sizeof(*b));
	b->mem.read = buffer_read;
	b->mem.write = buffer_write;
	b->mem.ctx = b;
}

int guest_mem_buffer_add(struct guest_mem_buffer *b, uint64_t base, void *buf,
			 size_t len, bool writable)
{
	if (b->nr_regions == GUEST_MEM_BUFFER_REGIONS)
		return -ENOSPC;
	b->region[b->nr_regions].base = base;
	b->region[b->nr_regions].buf = buf;
	b->region[b->nr_regions].len = len;
	b->region[b->nr_regions].writable = writable;
	b->nr_regions++;
	return 0;
}
