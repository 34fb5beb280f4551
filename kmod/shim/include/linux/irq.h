/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _LINUX_IRQ_H
#define _LINUX_IRQ_H
#include <linux/interrupt.h>
struct irq_desc;
#endif
