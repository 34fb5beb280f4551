/* SPDX-License-Identifier: GPL-2.0-only */
/* hvsim fault DOMAIN ...: the command (fault_cmd.c); argv[0] is "fault". */
#ifndef HVSIM_FAULT_CMD_H
#define HVSIM_FAULT_CMD_H

int hvsim_fault_command(int argc, char **argv);

#endif
