// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvsim/paths.h"
#include "procstat.h"

long procstat_status_kib(pid_t pid, const char *name)
{
	char path[64], line[256];
	size_t len = strlen(name);
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, name, len) == 0 && line[len] == ':' &&
		    sscanf(line + len + 1, "%ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

long procstat_rss_kib(pid_t pid)
{
	return procstat_status_kib(pid, "VmRSS");
}

/*
 * /proc/PID/stat after the command's closing parenthesis (the command may
 * hold spaces and parentheses itself): field 3 onwards.
 */
static int stat_fields(pid_t pid, char *buf, size_t n, char **rest)
{
	char path[64];
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	len = fread(buf, 1, n - 1, f);
	fclose(f);
	buf[len] = 0;
	*rest = strrchr(buf, ')');
	if (!*rest)
		return -1;
	*rest += 2;
	return 0;
}

bool procstat_dead_or_dying(pid_t pid)
{
	char buf[1024], path[64], line[256], *rest;
	unsigned long long mask;
	bool dying = false;
	FILE *f;

	if (stat_fields(pid, buf, sizeof(buf), &rest) < 0 || rest[0] == 'Z' || rest[0] == 'X')
		return true;
	/* a fatal signal is pending on a thread (SigPnd) or the process (ShdPnd) */
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	while (!dying && fgets(line, sizeof(line), f))
		if ((sscanf(line, "SigPnd: %llx", &mask) == 1 ||
		     sscanf(line, "ShdPnd: %llx", &mask) == 1) && (mask & (1ull << (SIGKILL - 1))))
			dying = true;
	fclose(f);
	return dying;
}

long long procstat_cpu_ticks(pid_t pid)
{
	char buf[1024], *rest;
	unsigned long long utime, stime;

	if (stat_fields(pid, buf, sizeof(buf), &rest) ||
	    sscanf(rest, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime,
		   &stime) != 2)
		return -1;
	return (long long)(utime + stime);
}

int procstat_fds(pid_t pid)
{
	char path[64];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

int procstat_children(pid_t parent, pid_t *pids, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d))) {
		char buf[1024], *rest;
		int ppid;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		if (stat_fields(atoi(e->d_name), buf, sizeof(buf), &rest) ||
		    sscanf(rest, "%*c %d", &ppid) != 1 || ppid != parent)
			continue;
		if (n < max)
			pids[n] = atoi(e->d_name);
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

pid_t procstat_hvsimd(const char *dir)
{
	char path[PATH_MAX];
	int pid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, HVSIM_PID_FILE);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &pid) != 1)
		pid = -1;
	fclose(f);
	return pid;
}
