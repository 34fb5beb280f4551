// SPDX-License-Identifier: GPL-2.0-only
/* hvsimd's domain hooks (daemon_hooks.h). */
#include "daemon_hooks.h"
#include "hooks.h"
#include "hypercall.h"
#include "kernel_proc.h"
#include "xenstore_server.h"

static int on_create(struct domain *d)
{
	return xenstore_server_domain_created(d);
}

static void on_destroy(struct domain *d)
{
	hypercall_domain_destroyed(d);
	kernel_domain_destroyed(d);
	xenstore_server_domain_destroyed(d);
}

void hvsimd_install_domain_hooks(void)
{
	domain_set_create_hook(on_create);
	domain_set_destroy_hook(on_destroy);
}
