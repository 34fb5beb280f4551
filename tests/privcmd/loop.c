// SPDX-License-Identifier: GPL-2.0-only
/*
 * privcmd-xc loop: hypercalls through privcmd one after the other until
 * it is killed, so that a SIGKILL lands in the middle of one: raw
 * IOCTL_PRIVCMD_HYPERCALLs whose handles point into this program
 * (getdomaininfolist writing 64 entries, getdomaininfo, xen_version) and
 * libxenctrl's, whose buffers are pages of /dev/xen/hypercall.  It says
 * "looping" once the first round is done, and never ends by itself.
 * The results are not looked at: in a domU every call fails (EPERM).
 */
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>

#include <xenctrl.h>
#include <xen/sys/privcmd.h>

#include "privcmd_xc.h"

int loop_main(int argc, char **argv)
{
	static xen_domctl_getdomaininfo_t list[64];
	static xc_domaininfo_t xlist[64];
	int fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	xc_interface *xch = xc_interface_open(NULL, NULL, 0);
	xen_extraversion_t extra;
	struct xen_sysctl s;
	struct xen_domctl d;

	(void)argv;
	if (argc)
		die("loop takes no arguments");
	if (fd < 0)
		die_sys("open /dev/xen/privcmd");
	if (!xch)
		die_sys("xc_interface_open");
	for (unsigned long round = 0;; round++) {
		struct privcmd_hypercall h;

		memset(&s, 0, sizeof(s));
		s.cmd = XEN_SYSCTL_getdomaininfolist;
		s.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
		s.u.getdomaininfolist.max_domains = 64;
		s.u.getdomaininfolist.buffer.p = list;
		h = (struct privcmd_hypercall){ __HYPERVISOR_sysctl, { (uintptr_t)&s } };
		ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h);

		memset(&d, 0, sizeof(d));
		d.cmd = XEN_DOMCTL_getdomaininfo;
		d.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
		d.domain = (domid_t)(round % 4);
		h = (struct privcmd_hypercall){ __HYPERVISOR_domctl, { (uintptr_t)&d } };
		ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h);

		h = (struct privcmd_hypercall){ __HYPERVISOR_xen_version,
						{ XENVER_extraversion, (uintptr_t)extra } };
		ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h);

		xc_domain_getinfolist(xch, 0, 64, xlist);
		if (round == 0)
			say("looping");
	}
}
