// SPDX-License-Identifier: GPL-2.0-only
/*
 * Open files and the VFS calls the device socket makes on them.
 *
 * The host names each open file by an id and gives the program a
 * descriptor standing for it (kmod/host/devfile.c); a connection on the
 * device socket is not a file but one program thread's call channel, and
 * a call may name any file of the program.  Each call runs on the kernel
 * thread serving its channel, in the calling program's context
 * (task_enter_call).  The file's reference count holds one reference for
 * all the program's copies of its descriptor (dropped when the last copy
 * is closed), one per call in progress (as fdget) and one per mapping, so
 * ->release runs exactly when Linux would run it: once the last close and
 * the last munmap (or the program's death) have both happened.
 */
#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/sched/mm.h>

#include "hostif.h"
#include "shim.h"

#define MAX_RW_COUNT	(INT_MAX & PAGE_MASK)
#define SETFL_MASK	(O_APPEND | O_NONBLOCK | O_NDELAY | O_DIRECT | O_NOATIME | FASYNC)
#define FIOCLEX		0x5451
#define FIONCLEX	0x5450
#define FIONBIO		0x5421
#define FIOASYNC	0x5452
#define FIOQSIZE	0x5460
#define DEFAULT_POLLMASK (EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM)

static DEFINE_SPINLOCK(fasync_lock);

/* Enters program pid's context; returns its mm (a reference) or NULL. */
static struct mm_struct *call_enter(int pid, bool with_comm)
{
	char comm[TASK_COMM_LEN];
	struct mm_struct *mm = pid > 0 ? mm_get(pid) : NULL;

	if (with_comm && pid > 0)
		hostk_proc_comm(pid, comm, sizeof(comm));
	task_enter_call(pid, mm, with_comm && pid > 0 ? comm : NULL);
	return mm;
}

static void call_leave(struct mm_struct *mm)
{
	task_leave_call();
	if (mm)
		mmput(mm);
}

struct file *get_file(struct file *f)
{
	atomic_long_inc(&f->f_count);
	return f;
}

static void __fput(struct file *file)
{
	struct task_struct *t = current;
	int saved_pid = t->pid;
	struct mm_struct *saved_mm = t->mm;

	/*
	 * A destroyed domain's code never runs again: its programs' last
	 * closes (they are being killed) must not run a release, whose unmap
	 * notification would write into pages other domains still map.  The
	 * process exits in a moment; what the release would free goes with it.
	 */
	if (hostk_domain_destroyed())
		return;

	/* Release runs in no program's context (as from a task_work at exit). */
	t->pid = 0;
	t->mm = NULL;
	kmod_file_unwatch(file);
	if (unlikely(file->f_flags & FASYNC) && file->f_op->fasync)
		file->f_op->fasync(-1, file, 0);
	if (file->f_op->release)
		file->f_op->release(file->f_inode, file);
	t->pid = saved_pid;
	t->mm = saved_mm;
	kfree(file->f_inode);
	kfree(file);
}

void fput(struct file *file)
{
	if (atomic_long_dec_and_test(&file->f_count))
		__fput(file);
}

void kmod_file_get(struct file *f)
{
	get_file(f);
}

void kmod_file_put(struct file *f)
{
	struct mm_struct *mm = call_enter(0, false);

	fput(f);
	call_leave(mm);
}

int kmod_file_open(const char *path, unsigned int flags, int pid, struct file **out)
{
	struct miscdevice *misc;
	struct mm_struct *mm;
	struct file *file;
	struct inode *inode;
	int err;

	if (!strncmp(path, "/dev/", 5))
		path += 5;
	/* xenfs's privcmd file has privcmd's own file_operations */
	else if (!strcmp(path, "/proc/xen/privcmd"))
		path = "xen/privcmd";
	misc = misc_find(path);
	if (!misc)
		return -ENOENT;
	file = kzalloc(sizeof(*file), GFP_KERNEL);
	inode = kzalloc(sizeof(*inode), GFP_KERNEL);
	if (!file || !inode) {
		kfree(file);
		kfree(inode);
		return -ENOMEM;
	}
	inode->i_rdev = MKDEV(MISC_MAJOR, misc->minor);
	inode->i_mode = 0020600;	/* S_IFCHR | 0600 */
	atomic_long_set(&file->f_count, 1);
	file->f_flags = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC);
	file->f_mode = FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	if ((flags & O_ACCMODE) == O_RDONLY || (flags & O_ACCMODE) == O_RDWR)
		file->f_mode |= FMODE_READ;
	if ((flags & O_ACCMODE) == O_WRONLY || (flags & O_ACCMODE) == O_RDWR)
		file->f_mode |= FMODE_WRITE;
	mutex_init(&file->f_pos_lock);
	file->f_inode = inode;
	file->f_misc = misc;
	file->f_op = misc->fops;
	/* misc_open: the driver finds its miscdevice in private_data. */
	file->private_data = misc;

	mm = call_enter(pid, true);
	err = file->f_op->open ? file->f_op->open(inode, file) : 0;
	call_leave(mm);
	if (err) {
		kfree(inode);
		kfree(file);
		return err;
	}
	*out = file;
	return 0;
}

static long vfs_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	long ret;

	if (!f->f_op->unlocked_ioctl)
		return -ENOTTY;
	ret = f->f_op->unlocked_ioctl(f, cmd, arg);
	if (ret == -ENOIOCTLCMD)
		ret = -ENOTTY;
	return ret;
}

static long setfl(struct file *f, unsigned int arg)
{
	long err = 0;

	if (((arg ^ f->f_flags) & FASYNC) && f->f_op->fasync) {
		err = f->f_op->fasync(-1, f, (arg & FASYNC) != 0);
		if (err < 0)
			return err;
		if (err > 0)
			err = 0;
	}
	spin_lock(&fasync_lock);
	f->f_flags = (arg & SETFL_MASK) | (f->f_flags & ~SETFL_MASK);
	spin_unlock(&fasync_lock);
	return err;
}

long kmod_file_ioctl(struct file *f, int pid, unsigned int cmd, unsigned long arg)
{
	struct mm_struct *mm = call_enter(pid, false);
	int on;
	long ret;

	/* The commands do_vfs_ioctl answers itself. */
	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		ret = 0;	/* a property of the program's descriptor */
		break;
	case FIONBIO:
		ret = get_user(on, (int __user *)arg);
		if (!ret)
			ret = setfl(f, on ? f->f_flags | O_NONBLOCK : f->f_flags & ~O_NONBLOCK);
		break;
	case FIOASYNC:
		ret = get_user(on, (int __user *)arg);
		/* ioctl_fioasync: a change the file has no ->fasync for */
		if (!ret && !f->f_op->fasync && !on != !(f->f_flags & FASYNC))
			ret = -ENOTTY;
		else if (!ret)
			ret = setfl(f, on ? f->f_flags | FASYNC : f->f_flags & ~FASYNC);
		break;
	case FIOQSIZE:
		ret = -ENOTTY;	/* a character device: not a directory, file or link */
		break;
	default:
		ret = vfs_ioctl(f, cmd, arg);
	}
	call_leave(mm);
	return ret;
}

static loff_t *file_ppos(struct file *f)
{
	return f->f_mode & FMODE_STREAM ? NULL : &f->f_pos;
}

long kmod_file_read(struct file *f, int pid, unsigned long buf, unsigned long count)
{
	struct mm_struct *mm;
	long ret;

	if (!(f->f_mode & FMODE_READ))
		return -EBADF;
	if (!f->f_op->read)
		return -EINVAL;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	mm = call_enter(pid, false);
	ret = f->f_op->read(f, (char __user *)buf, count, file_ppos(f));
	call_leave(mm);
	return ret;
}

long kmod_file_write(struct file *f, int pid, unsigned long buf, unsigned long count)
{
	struct mm_struct *mm;
	long ret;

	if (!(f->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!f->f_op->write)
		return -EINVAL;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	mm = call_enter(pid, false);
	ret = f->f_op->write(f, (const char __user *)buf, count, file_ppos(f));
	call_leave(mm);
	return ret;
}

long kmod_file_setfl(struct file *f, int pid, unsigned int flags)
{
	struct mm_struct *mm = call_enter(pid, false);
	long ret = setfl(f, flags);

	call_leave(mm);
	return ret;
}

void kmod_file_setown(struct file *f, int pid)
{
	WRITE_ONCE(f->f_owner_pid, pid);
}

/* ---- readiness, for the host's descriptor of the file ---- */

/*
 * Like an epoll item: wait entries on every queue the driver's ->poll
 * names, whose wake function calls the host back.  The callback runs in
 * the waker's context with the queue's lock held, so it may only look
 * (kmod_file_ready) and signal.
 */
struct file_watch {
	poll_table pt;
	void (*fn)(void *ctx);
	void *ctx;
	int nr;
	struct wait_queue_entry entries[4];
	wait_queue_head_t *heads[4];
};

static int watch_wake(struct wait_queue_entry *wait, unsigned mode, int sync, void *key)
{
	struct file_watch *w = wait->private;

	w->fn(w->ctx);
	return 0;
}

static void watch_queue(struct file *filp, wait_queue_head_t *head, poll_table *p)
{
	struct file_watch *w = container_of(p, struct file_watch, pt);
	struct wait_queue_entry *e;

	if (WARN_ON(w->nr == ARRAY_SIZE(w->entries)))
		return;
	e = &w->entries[w->nr];
	w->heads[w->nr++] = head;
	e->flags = 0;
	e->private = w;
	e->func = watch_wake;
	INIT_LIST_HEAD(&e->entry);
	add_wait_queue(head, e);
}

int kmod_file_watch(struct file *f, void (*fn)(void *ctx), void *ctx)
{
	struct file_watch *w;

	if (!f->f_op->poll)
		return 0;	/* DEFAULT_POLLMASK, for ever */
	/* the host's readiness watch, no allocation of Linux's: never injected */
	w = kzalloc(sizeof(*w), GFP_KERNEL | __GFP_NOFAIL);
	if (!w)
		return -ENOMEM;
	w->fn = fn;
	w->ctx = ctx;
	w->pt._qproc = watch_queue;
	w->pt._key = EPOLLIN | EPOLLERR | EPOLLHUP;
	f->f_watch = w;
	f->f_op->poll(f, &w->pt);
	return 1;
}

void kmod_file_unwatch(struct file *f)
{
	struct file_watch *w = f->f_watch;
	int i;

	if (!w)
		return;
	for (i = 0; i < w->nr; i++)
		remove_wait_queue(w->heads[i], &w->entries[i]);
	f->f_watch = NULL;
	kfree(w);
}

unsigned int kmod_file_ready(struct file *f)
{
	return f->f_op->poll ? f->f_op->poll(f, NULL) : DEFAULT_POLLMASK;
}

long kmod_file_mmap(struct file *f, int pid, unsigned long addr, unsigned long len,
		    unsigned int prot, unsigned int flags, unsigned long long offset,
		    unsigned long **pfns)
{
	struct mm_struct *mm = call_enter(pid, false);
	long ret = -ENOMEM;

	if (mm)
		ret = do_mmap_file(f, addr, len, prot, flags, offset, pfns);
	call_leave(mm);
	return ret;
}

void kmod_free(void *p)
{
	kvfree(p);
}

/* ---- files' own helpers ---- */

int stream_open(struct inode *inode, struct file *filp)
{
	filp->f_mode &= ~(FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE | FMODE_ATOMIC_POS);
	filp->f_mode |= FMODE_STREAM;
	return 0;
}

int nonseekable_open(struct inode *inode, struct file *filp)
{
	filp->f_mode &= ~(FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE);
	return 0;
}

loff_t no_llseek(struct file *file, loff_t offset, int whence)
{
	return -ESPIPE;
}

loff_t noop_llseek(struct file *file, loff_t offset, int whence)
{
	return file->f_pos;
}

#define FASYNC_MAGIC 0x4601

int fasync_helper(int fd, struct file *filp, int on, struct fasync_struct **fapp)
{
	struct fasync_struct *fa, **fp, *new = NULL;
	int result = 0;

	if (on) {
		new = kzalloc(sizeof(*new), GFP_KERNEL);
		if (!new)
			return -ENOMEM;
	}
	spin_lock(&fasync_lock);
	for (fp = fapp; (fa = *fp) != NULL; fp = &fa->fa_next) {
		if (fa->fa_file != filp)
			continue;
		if (on) {
			fa->fa_fd = fd;
			kfree(new);
			new = NULL;
		} else {
			*fp = fa->fa_next;
			kfree(fa);
			result = 1;
		}
		goto out;
	}
	if (on) {
		new->magic = FASYNC_MAGIC;
		new->fa_file = filp;
		new->fa_fd = fd;
		new->fa_next = *fapp;
		*fapp = new;
		result = 1;
	}
out:
	if (on)
		filp->f_flags |= FASYNC;
	else if (result)
		filp->f_flags &= ~FASYNC;
	spin_unlock(&fasync_lock);
	return result;
}

/* SIGIO to the owner of each file that asked for it (F_SETOWN). */
void kill_fasync(struct fasync_struct **fp, int sig, int band)
{
	struct fasync_struct *fa;

	spin_lock(&fasync_lock);
	for (fa = *fp; fa; fa = fa->fa_next) {
		int pid = READ_ONCE(fa->fa_file->f_owner_pid);

		if (pid && (fa->fa_file->f_flags & FASYNC))
			hostk_signal(pid, sig);
	}
	spin_unlock(&fasync_lock);
}
