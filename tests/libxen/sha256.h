/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SHA-256 (FIPS 180-4), so that both ends of a transfer can print a
 * checksum of what they saw without the project depending on a crypto
 * library.
 */
#ifndef LIBXEN_SHA256_H
#define LIBXEN_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;
	uint8_t block[64];
	size_t used;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* Finishes `s` and writes the digest as 64 lowercase hex digits and a nul. */
void sha256_hex(struct sha256 *s, char hex[65]);

#endif
