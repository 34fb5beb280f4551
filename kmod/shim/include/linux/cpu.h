/* SPDX-License-Identifier: GPL-2.0-only */
/* Included by the drivers; nothing of it is used. */
