/* SPDX-License-Identifier: GPL-2.0-only */
/* No PCI: Linux's Xen core includes it for pirqs and MSIs, which hvsim has none of. */
#ifndef _LINUX_PCI_H
#define _LINUX_PCI_H
#include <linux/init.h>
struct pci_dev;
#endif
