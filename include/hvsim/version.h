/* SPDX-License-Identifier: GPL-2.0-only */
/* hvsim's own version (hvsim --version). */
#ifndef HVSIM_VERSION_H
#define HVSIM_VERSION_H

#define HVSIM_VERSION "0.1"

#endif
