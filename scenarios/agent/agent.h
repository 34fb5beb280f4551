/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvsim-scenario-agent: the process that runs a scenario's steps inside
 * one domain.  The runner starts it with the domain's environment (under
 * the interposer, as `hvsim run` would) and writes one JSON request per
 * line on its stdin; it answers each with one JSON line on stdout:
 *
 *   {"op":"share","name":"page","peer":2,"count":1,"writable":true,...}
 *   {"ok":true,"refs":[8]}
 *   {"ok":false,"errno":22,"error":"xengntshr_share_pages: ..."}
 *
 * Every step goes through Debian's libraries (libxengnttab, libxenevtchn,
 * libxenstore, libxenvchan), exactly as an application would call them;
 * the `forge_*` ops reach the device files directly to play a misbehaving
 * program.  Bytes travel as hex strings.  The agent is built without
 * sanitizers: it runs under the interposer (LD_PRELOAD).
 */
#ifndef SCN_AGENT_H
#define SCN_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <libxenvchan.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>
#include <xentoollog.h>

/* (a vchan's shared ring page is a region of its own: libxenvchan owns it) */
enum region_kind { REGION_SHARED, REGION_MAPPED, REGION_BUFFER, REGION_VCHAN_RING };

/* A piece of the agent's memory a scenario named. */
struct region {
	struct region *next;
	char *name;		/* NULL for a mapping nobody named */
	enum region_kind kind;
	void *addr;
	size_t len;
	uint32_t count;		/* pages (shared, mapped) */
};

struct watch_event {
	char *token;
	char *path;
};

struct vchan {
	struct vchan *next;
	char *name;
	struct libxenvchan *chan;
};

struct agent {
	const char *domain;		/* for messages */
	xentoollog_logger logger;	/* keeps the libraries' last message */
	char lastlog[512];
	xengnttab_handle *gnttab;	/* opened on first use */
	xengntshr_handle *gntshr;
	xenevtchn_handle *evtchn;
	struct xs_handle *xs;
	struct region *regions;
	evtchn_port_t *early;		/* events that came while waiting for another port */
	size_t nearly;
	struct watch_event *fired;	/* watch events not waited for yet */
	size_t nfired;
	struct vchan *vchans;
	char error[1024];		/* why the current op failed */
};

/*
 * An op: 0 on success (results added to `reply`), or a positive errno
 * with agent_fail() having said why.
 */
typedef int agent_op_fn(struct agent *a, struct json_object *req, struct json_object *reply);

/* Records why an op failed (the library's last message is added); returns err. */
int agent_fail(struct agent *a, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Request fields; a missing field is the default. */
int64_t req_int(struct json_object *req, const char *key, int64_t dflt);
bool req_bool(struct json_object *req, const char *key);
const char *req_str(struct json_object *req, const char *key);
/* A hex field decoded into a malloc'd buffer; NULL if absent or bad. */
char *req_bytes(struct json_object *req, const char *key, size_t *len);
void reply_bytes(struct json_object *reply, const char *key, const void *data, size_t len);

/* Handles of the libraries, opened on first use; NULL after agent_fail(). */
xengnttab_handle *agent_gnttab(struct agent *a);
xengntshr_handle *agent_gntshr(struct agent *a);
xenevtchn_handle *agent_evtchn(struct agent *a);
struct xs_handle *agent_xs(struct agent *a);

struct region *region_find(struct agent *a, const char *name);
struct region *region_add(struct agent *a, const char *name, enum region_kind kind,
			  void *addr, size_t len, uint32_t count);
void region_remove(struct agent *a, struct region *r);

/*
 * Copies between memory that may fault (a read-only grant mapping, a page
 * whose grant was revoked): false if the access faulted.
 */
bool agent_copy_guarded(void *dst, const void *src, size_t len);
void agent_fault_guard_init(void);

/* Milliseconds on the monotonic clock. */
int64_t agent_now_ms(void);

/* The ops, by file. */
agent_op_fn op_share, op_unshare, op_map, op_unmap, op_buffer, op_write, op_read,
	op_copy, op_limit, op_forge_unmap, op_forge_mmap, op_forge_notify, op_forge_dealloc;
agent_op_fn op_bind_unbound, op_bind_interdomain, op_bind_virq, op_notify,
	op_wait_event, op_unmask, op_unbind;
agent_op_fn op_xs_write, op_xs_read, op_xs_rm, op_xs_mkdir, op_xs_perms, op_xs_watch,
	op_wait_watch, op_xs_unwatch, op_xs_transaction_start, op_xs_transaction_end;
agent_op_fn op_vchan_server, op_vchan_client, op_vchan_send, op_vchan_recv,
	op_vchan_echo, op_vchan_close;

#endif
