/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parameters of a domain's kernel ("MODULE.PARAM=VALUE", as Linux's
 * command line names them: xen_gntalloc.limit=8, xen.fifo_events=0):
 * `hvsim domain create --param` and `hvsim up --param` (Domain-0) pass them
 * to hvsimd, which starts the kernel with them.  How many one domain takes:
 */
#ifndef HVSIM_KERNEL_PARAMS_H
#define HVSIM_KERNEL_PARAMS_H

#define HVSIM_MAX_KERNEL_PARAMS 32

#endif
