/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The other domain, seen from the test process itself: its gntdev maps
 * the program's grants and its evtchn talks with the program's ports,
 * through devclient (the device socket) directly.  Its descriptors are
 * close-on-exec, so the programs the test starts never inherit them.
 */
#ifndef PRELOAD_PEER_H
#define PRELOAD_PEER_H

#include <stdbool.h>
#include <stdint.h>

struct hvsim_dev;

void peer_init(const char *sock);

/* A grant of domain `from` mapped read-write through gntdev. */
struct peer_map {
	struct hvsim_dev *gntdev;
	uint64_t index;
	volatile char *addr;
};
/* 0, or mmap's -errno (the map hypercall failed: EINVAL). */
int peer_map(struct peer_map *m, uint16_t from, uint32_t ref);
void peer_unmap(struct peer_map *m);
/* The map must work and the page start with `text`; then unmapped. */
void peer_expect_page(uint16_t from, uint32_t ref, const char *text);

/* GNTTABOP_copy of one byte out of the grant: its GNTST_* status. */
int peer_copy_status(uint16_t from, uint32_t ref);
/*
 * The grant is gone (its file released): mapping it fails with EINVAL and
 * copying from it with GNTST_general_error, as in Linux on Xen.  Waits up
 * to timeout_ms for that (the release follows the last close).
 */
bool peer_grant_released(uint16_t from, uint32_t ref, int timeout_ms);

/* evtchn: the peer's device and its end of the program's port. */
struct hvsim_dev *peer_evtchn(void);
/* Binds to `remote`'s port; consumes the event the bind itself raises. */
uint32_t peer_bind(struct hvsim_dev *e, uint16_t remote, uint32_t remote_port);
void peer_notify(struct hvsim_dev *e, uint32_t port);
/* The next port read within timeout_ms (unmasked again), or -errno. */
long peer_next_event(struct hvsim_dev *e, int timeout_ms);

#endif
