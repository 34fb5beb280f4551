/* SPDX-License-Identifier: GPL-2.0-only */
/* Included by Linux's Xen core; nothing of it is used. */
