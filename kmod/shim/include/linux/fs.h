/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_FS_H
#define _LINUX_FS_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/atomic.h>
#include <linux/wait.h>
#include <linux/mutex.h>
#include <linux/fcntl.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/mm_types.h>
#include <linux/kdev_t.h>
#include <linux/ioctl.h>

struct module;
struct poll_table_struct;
struct vm_area_struct;
struct miscdevice;
struct fasync_struct;

#define FMODE_READ		((fmode_t)0x1)
#define FMODE_WRITE		((fmode_t)0x2)
#define FMODE_LSEEK		((fmode_t)0x4)
#define FMODE_PREAD		((fmode_t)0x8)
#define FMODE_PWRITE		((fmode_t)0x10)
#define FMODE_ATOMIC_POS	((fmode_t)0x8000)
#define FMODE_STREAM		((fmode_t)0x200000)

struct inode {
	dev_t			i_rdev;
	umode_t			i_mode;
	void			*i_private;
};

/*
 * An open file of a device: one per connection on the device socket.
 * f_count counts the connection and each mapping (vma->vm_file); release
 * runs when the last goes, exactly as in Linux.
 */
struct file {
	atomic_long_t		f_count;
	unsigned int		f_flags;
	fmode_t			f_mode;
	loff_t			f_pos;
	struct mutex		f_pos_lock;
	const struct file_operations *f_op;
	struct inode		*f_inode;
	void			*private_data;
	int			f_owner_pid;	/* F_SETOWN, for SIGIO */
	struct miscdevice	*f_misc;
	struct file_watch	*f_watch;	/* the host's readiness watch */
};

static inline struct inode *file_inode(const struct file *f)
{
	return f->f_inode;
}

typedef unsigned int __bitwise fl_owner_t_dummy;
typedef void *fl_owner_t;

struct file_operations {
	struct module *owner;
	loff_t (*llseek)(struct file *, loff_t, int);
	ssize_t (*read)(struct file *, char __user *, size_t, loff_t *);
	ssize_t (*write)(struct file *, const char __user *, size_t, loff_t *);
	__poll_t (*poll)(struct file *, struct poll_table_struct *);
	long (*unlocked_ioctl)(struct file *, unsigned int, unsigned long);
	long (*compat_ioctl)(struct file *, unsigned int, unsigned long);
	int (*mmap)(struct file *, struct vm_area_struct *);
	int (*open)(struct inode *, struct file *);
	int (*flush)(struct file *, fl_owner_t id);
	int (*release)(struct inode *, struct file *);
	int (*fasync)(int, struct file *, int);
};

struct fasync_struct {
	int			magic;
	int			fa_fd;
	struct fasync_struct	*fa_next;
	struct file		*fa_file;
};

int fasync_helper(int fd, struct file *filp, int on, struct fasync_struct **fapp);
void kill_fasync(struct fasync_struct **fp, int sig, int band);

int stream_open(struct inode *inode, struct file *filp);
int nonseekable_open(struct inode *inode, struct file *filp);
loff_t no_llseek(struct file *file, loff_t offset, int whence);
loff_t noop_llseek(struct file *file, loff_t offset, int whence);

struct file *get_file(struct file *f);
void fput(struct file *f);

#endif
