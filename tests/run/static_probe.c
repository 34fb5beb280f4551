// SPDX-License-Identifier: GPL-2.0-only
/*
 * static-probe: a statically linked program, which `hvsim run` must refuse
 * (no dynamic loader, so LD_PRELOAD could never reach it).  If it runs
 * anyway, it says so.
 */
#include <stdio.h>

int main(void)
{
	puts("static-probe ran");
	return 0;
}
