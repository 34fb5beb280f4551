/* SPDX-License-Identifier: GPL-2.0-only */
/* hvsim-kernel's host side: what its files tell each other. */
#ifndef KMOD_HOST_H
#define KMOD_HOST_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct hvsim_guest;

/* hostk.c: the thread-local state behind hostk_sleep(). */
void host_thread_set_caller(int conn_fd, int pid);
void host_thread_clear_caller(void);
/*
 * The kernel's log: lines go to stderr (hvsimd's log) and to the domain's
 * own STATEDIR/dom<N>/kernel.log (hvsim/paths.h), opened here (making the
 * domain's directory if need be); -errno if it cannot be (then stderr
 * alone has them).
 */
int host_log_init(const char *state_dir, const char *name, unsigned int domid);

/* readiness.c: the readiness pipe, HVSIM_READY_FD (-1: none). */
void host_ready_init(int fd);
/* "R": the kernel serves.  -1 if the pipe is gone. */
int host_say_ready(void);
/* "E" and why boot stopped; nothing once the kernel has said it serves. */
void host_say_failed(const char *why);
/*
 * The CPUs the kernel process may use, read once at start, before any
 * thread follows a caller to its CPU (hvsim/cpu.h); every thread starts
 * with them rather than with its creator's.  NULL if unknown.
 */
void host_cpus_init(void);
const cpu_set_t *host_cpus(void);

/* hypercalls.c: this kernel's side of the hypercall transport. */
void hypercalls_set_guest(struct hvsim_guest *g);
struct hvsim_guest *hypercalls_guest(void);
int hypercalls_start_vcpu(int shutdown_fd);
/* The domain was destroyed (not hvsimd stopping). */
bool hypercalls_domain_destroyed(void);

/*
 * kfault.c: fault injection (hvsim fault).  Takes hvsimd's rules for this
 * kernel from g; host_upcall_delay() is the vCPU's wait before an upcall
 * when a rule delays it.
 */
void host_fault_init(struct hvsim_guest *g);
void host_upcall_delay(void);

/* xenstore_read.c: the domain whose store the kernel reads, and where. */
void host_xenstore_init(const char *state_dir, unsigned int domid);

/* procwatch.c */
int procwatch_start(void);
void procwatch_kill_all(void);

/* devfile.c: open files as programs hold them (a descriptor each). */
struct file;
struct devfile;
int devfile_start(void);
/* A new open file: its id, and the program's descriptor (ours to close). */
int devfile_add(struct file *file, int *prog_fd, uint64_t *id);
/* For a call: the file, held (NULL: no such file). */
struct devfile *devfile_get(uint64_t id);
struct file *devfile_file(struct devfile *df);
/* After the call: true when the caller must drain the readiness byte. */
bool devfile_put(struct devfile *df);
/* Around a read call on it (between devfile_get and devfile_put). */
void devfile_read_begin(struct devfile *df);
void devfile_read_end(struct devfile *df);
/* A descriptor of it was closed: the last close happens before this returns. */
void devfile_closed(uint64_t id);
/* The id of the file whose descriptor fd is (a copy of), or 0. */
uint64_t devfile_identify(int fd);
void devfile_hang_up_all(void);

/* devsock.c */
int devsock_start(const char *path);
/* Closes the socket and every connection, waits up to timeout_ms for the
 * connection threads to finish. */
void devsock_stop(int timeout_ms);

#endif
