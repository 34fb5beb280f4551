// SPDX-License-Identifier: GPL-2.0-only
/*
 * Built-in modules: parameters and init/exit calls, found through the ELF
 * sections that module_param() and module_init()/module_exit() fill.
 * Boot brings up the kernel's subsystems, then runs every module_init in
 * link order; shutdown runs the module_exits in reverse and reports leaks.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <xen/events.h>

#include "hostif.h"
#include "shim.h"

extern const struct kmod_param __start_kmod_param[], __stop_kmod_param[];
extern const struct kmod_initcall __start_kmod_initcall[], __stop_kmod_initcall[];

/*
 * Whether `want` names the parameter prefix ("xen_gntalloc."): "gntalloc"
 * names the module xen_gntalloc too, as modprobe's alias would.
 */
static bool module_matches(const char *prefix, const char *want)
{
	size_t len = strlen(prefix) - 1;	/* without the dot */

	if (strlen(want) == len && !strncmp(prefix, want, len))
		return true;
	return !strncmp(prefix, "xen_", 4) && strlen(want) == len - 4 &&
	       !strncmp(prefix + 4, want, len - 4);
}

static int parse_ull(const char *s, unsigned long long *out, bool *neg)
{
	unsigned long long v = 0;
	int base = 10;

	*neg = false;
	if (*s == '-') {
		*neg = true;
		s++;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -EINVAL;
		if (v > (ULLONG_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

static int param_store(const struct kmod_param *p, const char *value)
{
	unsigned long long v;
	bool neg;
	int err;

	if (p->type == KMOD_PARAM_BOOL) {
		if (!strcmp(value, "1") || !strcmp(value, "Y") || !strcmp(value, "y"))
			*(bool *)p->arg = true;
		else if (!strcmp(value, "0") || !strcmp(value, "N") || !strcmp(value, "n"))
			*(bool *)p->arg = false;
		else
			return -EINVAL;
		return 0;
	}
	err = parse_ull(value, &v, &neg);
	if (err)
		return -EINVAL;
	switch (p->type) {
	case KMOD_PARAM_INT:
		if (neg ? v > (unsigned long long)INT_MAX + 1 : v > INT_MAX)
			return -EINVAL;
		*(int *)p->arg = neg ? -(long long)v : (int)v;
		return 0;
	case KMOD_PARAM_LONG:
		if (neg ? v > (unsigned long long)LONG_MAX + 1 : v > LONG_MAX)
			return -EINVAL;
		*(long *)p->arg = neg ? -(long long)v : (long)v;
		return 0;
	case KMOD_PARAM_UINT:
		if (neg || v > UINT_MAX)
			return -EINVAL;
		*(unsigned int *)p->arg = v;
		return 0;
	case KMOD_PARAM_USHORT:
		if (neg || v > USHRT_MAX)
			return -EINVAL;
		*(unsigned short *)p->arg = v;
		return 0;
	case KMOD_PARAM_ULONG:
		if (neg)
			return -EINVAL;
		*(unsigned long *)p->arg = v;
		return 0;
	default:
		return -EINVAL;
	}
}

int kmod_param_set(const char *module, const char *name, const char *value)
{
	const struct kmod_param *p;

	for (p = __start_kmod_param; p < __stop_kmod_param; p++)
		if (module_matches(p->prefix, module) && !strcmp(p->name, name))
			return param_store(p, value);
	return -ENOENT;
}

/*
 * Built-in code's core initcalls (linux/init.h), by level.  The sections
 * exist only if some object has such a call: hence weak.
 */
extern const struct kmod_initcall __start_kmod_initcall_core[] __weak;
extern const struct kmod_initcall __stop_kmod_initcall_core[] __weak;
extern const struct kmod_initcall __start_kmod_initcall_core_sync[] __weak;
extern const struct kmod_initcall __stop_kmod_initcall_core_sync[] __weak;

/*
 * Linux logs a failed initcall and goes on; here boot stops, as for a
 * failed module_init: what follows (the grant table's users) would find
 * the subsystem missing.
 */
static int run_initcalls(const struct kmod_initcall *start,
			 const struct kmod_initcall *stop)
{
	const struct kmod_initcall *c;
	int err;

	for (c = start; c && c < stop; c++) {
		err = c->init();
		if (err) {
			pr_err("initcall in %s failed: %d\n", c->modname, err);
			return err;
		}
	}
	return 0;
}

int modules_init(void)
{
	const struct kmod_initcall *c;
	int err;

	for (c = __start_kmod_initcall; c < __stop_kmod_initcall; c++) {
		if (!c->init)
			continue;
		err = c->init();
		if (err) {
			pr_err("module %s: init failed: %d\n", c->modname, err);
			return err;
		}
	}
	return 0;
}

void modules_exit(void)
{
	const struct kmod_initcall *c;

	for (c = __stop_kmod_initcall; c-- > __start_kmod_initcall; )
		if (c->exit)
			c->exit();
}

int kmod_boot(void)
{
	int err;

	err = page_alloc_init();
	if (err)
		return err;
	xen_guest_init();
	xen_setup_features();
	err = workqueue_init();
	if (err)
		return err;
	xen_init_IRQ();
	/* Linux's grant table: xen_pvh_gnttab_setup, then __gnttab_init */
	err = run_initcalls(__start_kmod_initcall_core, __stop_kmod_initcall_core);
	if (!err)
		err = run_initcalls(__start_kmod_initcall_core_sync,
				    __stop_kmod_initcall_core_sync);
	if (err)
		return err;
	/* What built-in code keeps for the kernel's life is no leak. */
	slab_keep_live_objects();
	return modules_init();
}

long kmod_shutdown(void)
{
	modules_exit();
	/* What is queued still runs: irqs freed after a grace period, say. */
	flush_scheduled_work();
	workqueue_stop();
	return slab_report_leaks();
}
