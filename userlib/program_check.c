// SPDX-License-Identifier: GPL-2.0-only
/* Whether the interposer reaches a program (program_check.h). */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "program_check.h"

/* What the dynamic loader compares before it loads a library into a program. */
struct elf_kind {
	unsigned char class;    /* ELFCLASS32 or ELFCLASS64 */
	uint16_t machine;       /* EM_* */
	uint16_t type;          /* ET_* */
	bool dynamic;           /* has a PT_INTERP: ld.so runs, LD_PRELOAD applies */
};

/* 1 and *k when fd holds an ELF file, 0 when it does not, -errno. */
static int read_elf_kind(int fd, struct elf_kind *k)
{
	union {
		unsigned char ident[EI_NIDENT];
		Elf32_Ehdr e32;
		Elf64_Ehdr e64;
	} h;
	uint64_t phoff, shoff;
	unsigned int phnum, phentsize;
	ssize_t got = pread(fd, &h, sizeof(h), 0);

	if (got < 0)
		return -errno;
	if ((size_t)got < sizeof(h.ident) || memcmp(h.ident, ELFMAG, SELFMAG))
		return 0;
	k->class = h.ident[EI_CLASS];
	if (k->class == ELFCLASS64 && (size_t)got >= sizeof(h.e64)) {
		k->machine = h.e64.e_machine;
		k->type = h.e64.e_type;
		phoff = h.e64.e_phoff;
		shoff = h.e64.e_shoff;
		phnum = h.e64.e_phnum;
		phentsize = h.e64.e_phentsize;
	} else if (k->class == ELFCLASS32 && (size_t)got >= sizeof(h.e32)) {
		k->machine = h.e32.e_machine;
		k->type = h.e32.e_type;
		phoff = h.e32.e_phoff;
		shoff = h.e32.e_shoff;
		phnum = h.e32.e_phnum;
		phentsize = h.e32.e_phentsize;
	} else {
		return -ENOEXEC;
	}
	if (phnum == PN_XNUM) {
		/* too many program headers for e_phnum: section 0's sh_info counts them */
		uint32_t info;
		off_t at = (off_t)shoff + (k->class == ELFCLASS64 ?
			offsetof(Elf64_Shdr, sh_info) : offsetof(Elf32_Shdr, sh_info));

		if (pread(fd, &info, sizeof(info), at) != sizeof(info))
			return -ENOEXEC;
		phnum = info;
	}
	k->dynamic = false;
	for (unsigned int i = 0; i < phnum && !k->dynamic; i++) {
		/* p_type comes first in both classes' program headers */
		uint32_t type;

		if (pread(fd, &type, sizeof(type), (off_t)(phoff + (uint64_t)i * phentsize)) !=
		    sizeof(type))
			return -ENOEXEC;
		k->dynamic = type == PT_INTERP;
	}
	return 1;
}

static const char *machine_name(uint16_t machine, char *buf, size_t n)
{
	switch (machine) {
	case EM_X86_64:
		return "x86-64";
	case EM_386:
		return "i386";
	case EM_AARCH64:
		return "aarch64";
	case EM_ARM:
		return "arm";
	default:
		snprintf(buf, n, "machine %u", machine);
		return buf;
	}
}

/* Linux follows #! interpreters this deep (BINPRM_MAX_RECURSION). */
#define SCRIPT_DEPTH_MAX 4

static int check_file(const char *path, const struct elf_kind *want, int depth,
		      char *why, size_t whylen);

/* The interpreter of a #! line in `head`; execve() reads the first 256 bytes. */
static int check_script(const char *path, char *head, const struct elf_kind *want,
			int depth, char *why, size_t whylen)
{
	char *interp = head + 2, *end, inner[768];
	int rc;

	interp += strspn(interp, " \t");
	end = interp + strcspn(interp, " \t\n");
	*end = 0;
	if (!*interp) {
		snprintf(why, whylen, "%s: its #! line names no interpreter (%s)", path,
			 strerror(ENOEXEC));
		return -ENOEXEC;
	}
	if (depth >= SCRIPT_DEPTH_MAX) {
		snprintf(why, whylen, "%s: #! interpreters nest too deep (%s)", path,
			 strerror(ELOOP));
		return -ELOOP;
	}
	rc = check_file(interp, want, depth + 1, inner, sizeof(inner));
	if (rc)
		snprintf(why, whylen, "%s: bad interpreter: %s", path, inner);
	return rc;
}

static int check_elf(const char *path, const struct stat *st, const struct elf_kind *k,
		     const struct elf_kind *want, char *why, size_t whylen)
{
	char m1[32], m2[32];

	if (k->type != ET_EXEC && k->type != ET_DYN) {
		snprintf(why, whylen, "%s: an ELF file, but not an executable (%s)", path,
			 strerror(ENOEXEC));
		return -ENOEXEC;
	}
	if (!k->dynamic) {
		snprintf(why, whylen, "%s is statically linked: the interposer (LD_PRELOAD) "
			 "cannot reach a static program, its /dev/xen calls would go to the "
			 "host; link it dynamically", path);
		return -ENOEXEC;
	}
	if (want && (k->class != want->class || k->machine != want->machine)) {
		snprintf(why, whylen, "%s is a %d-bit %s program, the interposer is %d-bit "
			 "%s: the dynamic loader would not load it into the program", path,
			 k->class == ELFCLASS64 ? 64 : 32,
			 machine_name(k->machine, m1, sizeof(m1)),
			 want->class == ELFCLASS64 ? 64 : 32,
			 machine_name(want->machine, m2, sizeof(m2)));
		return -ENOEXEC;
	}
	/* the dynamic loader ignores LD_PRELOAD when exec changes the ids */
	if ((st->st_mode & S_ISUID && st->st_uid != geteuid()) ||
	    (st->st_mode & S_ISGID && st->st_gid != getegid())) {
		snprintf(why, whylen, "%s is set-user-ID or set-group-ID: the dynamic loader "
			 "ignores the interposer for it", path);
		return -ENOEXEC;
	}
	return 0;
}

static int check_file(const char *path, const struct elf_kind *want, int depth,
		      char *why, size_t whylen)
{
	char head[257] = "";
	struct elf_kind k;
	struct stat st;
	ssize_t got;
	int fd, rc;

	if (stat(path, &st) < 0)
		rc = -errno;
	else if (S_ISDIR(st.st_mode))
		rc = -EISDIR;
	else if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0)
		rc = -EACCES;
	else
		rc = 0;
	if (rc) {
		snprintf(why, whylen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(why, whylen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	rc = read_elf_kind(fd, &k);
	got = rc == 0 ? pread(fd, head, sizeof(head) - 1, 0) : 0;
	close(fd);
	if (rc < 0) {
		snprintf(why, whylen, "%s: a damaged ELF file (%s)", path, strerror(-rc));
		return rc;
	}
	if (rc == 1)
		return check_elf(path, &st, &k, want, why, whylen);
	if (got >= 2 && head[0] == '#' && head[1] == '!')
		return check_script(path, head, want, depth, why, whylen);
	/* neither: execvp() hands it to the shell */
	char inner[768];

	rc = check_file("/bin/sh", want, depth + 1, inner, sizeof(inner));
	if (rc)
		snprintf(why, whylen, "%s: a shell script without #!, and its shell: %s",
			 path, inner);
	return rc;
}

/* Finds `prog` along $PATH as execvp() does; buf holds the path found. */
static int find_in_path(const char *prog, char *buf, size_t n, char *why, size_t whylen)
{
	const char *path = getenv("PATH"), *p, *end;
	char first_denied[PATH_MAX] = "";
	struct stat st;

	if (!path)
		path = "/bin:/usr/bin";   /* glibc's execvp() default */
	for (p = path;; p = end + 1) {
		int len;

		end = strchrnul(p, ':');
		len = (int)(end - p);
		/* an empty element is the current directory */
		if ((size_t)snprintf(buf, n, "%.*s%s%s", len, p, len ? "/" : "", prog) < n &&
		    stat(buf, &st) == 0) {
			if (S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
				return 0;
			if (!first_denied[0])
				snprintf(first_denied, sizeof(first_denied), "%s", buf);
		}
		if (!*end)
			break;
	}
	if (first_denied[0]) {
		snprintf(buf, n, "%s", first_denied);
		snprintf(why, whylen, "%s: %s", first_denied, strerror(EACCES));
		return -EACCES;
	}
	snprintf(why, whylen, "%s: not found in $PATH (%s)", prog, strerror(ENOENT));
	return -ENOENT;
}

int hvsim_check_program(const char *prog, const char *preload, char *buf, size_t n,
			char *why, size_t whylen)
{
	struct elf_kind want, *wantp = NULL;
	int rc, fd;

	if (!*prog) {
		snprintf(why, whylen, "an empty program name (%s)", strerror(ENOENT));
		return -ENOENT;
	}
	if (preload) {
		fd = open(preload, O_RDONLY | O_CLOEXEC);
		rc = fd < 0 ? -errno : read_elf_kind(fd, &want);
		if (fd >= 0)
			close(fd);
		if (rc != 1) {
			snprintf(why, whylen, "the interposer %s: %s", preload,
				 rc < 0 ? strerror(-rc) : "not an ELF file");
			return rc < 0 ? rc : -ENOEXEC;
		}
		wantp = &want;
	}
	if (strchr(prog, '/')) {
		if ((size_t)snprintf(buf, n, "%s", prog) >= n) {
			snprintf(why, whylen, "%s: %s", prog, strerror(ENAMETOOLONG));
			return -ENAMETOOLONG;
		}
	} else {
		rc = find_in_path(prog, buf, n, why, whylen);
		if (rc)
			return rc;
	}
	return check_file(buf, wantp, 0, why, whylen);
}
