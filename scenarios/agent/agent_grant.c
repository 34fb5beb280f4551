// SPDX-License-Identifier: GPL-2.0-only
/* Grant steps: gntalloc through xengntshr, gntdev through xengnttab. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "agent.h"
/* Linux's uapi headers use grant_ref_t and domid_t: xengnttab.h brought them */
#include <xen/gntalloc.h>
#include <xen/gntdev.h>

#define PAGE 4096u

static struct region *named(struct agent *a, struct json_object *req, int *err)
{
	const char *name = req_str(req, "name");
	struct region *r = region_find(a, name);

	if (!r)
		*err = agent_fail(a, ENOENT, "no region '%s' in this process", name ? name : "");
	return r;
}

int op_share(struct agent *a, struct json_object *req, struct json_object *reply)
{
	xengntshr_handle *gs = agent_gntshr(a);
	uint32_t peer = (uint32_t)req_int(req, "peer", 0);
	int64_t count = req_int(req, "count", 1);
	int writable = req_bool(req, "writable");
	int notify_offset = (int)req_int(req, "notify_offset", -1);
	int notify_port = (int)req_int(req, "notify_port", -1);
	uint32_t *refs;
	void *addr;

	if (!gs)
		return EIO;
	if (count < 1 || count > 1 << 20)
		return agent_fail(a, EINVAL, "cannot share %lld pages", (long long)count);
	refs = calloc((size_t)count, sizeof(*refs));
	if (notify_offset >= 0 || notify_port >= 0) {
		/* libxengnttab's notify variant shares exactly one page */
		if (count != 1) {
			free(refs);
			return agent_fail(a, EINVAL, "an unmap notification needs a share of "
					  "one page (xengntshr_share_page_notify)");
		}
		addr = xengntshr_share_page_notify(gs, peer, refs, writable,
						   notify_offset, (evtchn_port_t)notify_port);
	} else {
		addr = xengntshr_share_pages(gs, peer, (int)count, refs, writable);
	}
	if (!addr) {
		int err = errno;

		free(refs);
		return agent_fail(a, err, "xengntshr_share_pages: %s", strerror(err));
	}
	struct json_object *list = json_object_new_array();

	for (int64_t i = 0; i < count; i++)
		json_object_array_add(list, json_object_new_int64(refs[i]));
	json_object_object_add(reply, "refs", list);
	free(refs);
	region_add(a, req_str(req, "name"), REGION_SHARED, addr, (size_t)count * PAGE,
		   (uint32_t)count);
	return 0;
}

int op_unshare(struct agent *a, struct json_object *req, struct json_object *reply)
{
	int err;
	struct region *r = named(a, req, &err);

	if (!r)
		return err;
	if (r->kind != REGION_SHARED)
		return agent_fail(a, EINVAL, "'%s' is not a share", r->name);
	if (xengntshr_unshare(a->gntshr, r->addr, r->count) < 0)
		return agent_fail(a, errno, "xengntshr_unshare: %s", strerror(errno));
	region_remove(a, r);
	return 0;
}

int op_map(struct agent *a, struct json_object *req, struct json_object *reply)
{
	xengnttab_handle *gt = agent_gnttab(a);
	struct json_object *jrefs;
	uint32_t peer = (uint32_t)req_int(req, "peer", 0);
	int prot = PROT_READ | (req_bool(req, "writable") ? PROT_WRITE : 0);
	int notify_offset = (int)req_int(req, "notify_offset", -1);
	int notify_port = (int)req_int(req, "notify_port", -1);
	uint32_t count, *refs;
	void *addr;

	if (!gt)
		return EIO;
	if (!json_object_object_get_ex(req, "refs", &jrefs) ||
	    !(count = (uint32_t)json_object_array_length(jrefs)))
		return agent_fail(a, EINVAL, "no grant references to map");
	refs = calloc(count, sizeof(*refs));
	for (uint32_t i = 0; i < count; i++)
		refs[i] = (uint32_t)json_object_get_int64(json_object_array_get_idx(jrefs, i));
	if (notify_offset >= 0 || notify_port >= 0) {
		if (count != 1) {
			free(refs);
			return agent_fail(a, EINVAL, "an unmap notification needs a map of one "
					  "grant (xengnttab_map_grant_ref_notify)");
		}
		addr = xengnttab_map_grant_ref_notify(gt, peer, refs[0], prot, notify_offset,
						      (evtchn_port_t)notify_port);
	} else {
		addr = xengnttab_map_domain_grant_refs(gt, count, peer, refs, prot);
	}
	free(refs);
	if (!addr)
		return agent_fail(a, errno, "%s: %s", notify_offset >= 0 || notify_port >= 0 ?
				  "xengnttab_map_grant_ref_notify" : "xengnttab_map_domain_grant_refs",
				  strerror(errno));
	region_add(a, req_str(req, "name"), REGION_MAPPED, addr, (size_t)count * PAGE, count);
	return 0;
}

int op_unmap(struct agent *a, struct json_object *req, struct json_object *reply)
{
	int err;
	struct region *r = named(a, req, &err);

	if (!r)
		return err;
	if (r->kind != REGION_MAPPED)
		return agent_fail(a, EINVAL, "'%s' is not a mapping of grants", r->name);
	if (xengnttab_unmap(a->gnttab, r->addr, r->count) < 0)
		return agent_fail(a, errno, "xengnttab_unmap: %s", strerror(errno));
	region_remove(a, r);
	return 0;
}

int op_buffer(struct agent *a, struct json_object *req, struct json_object *reply)
{
	int64_t size = req_int(req, "size", 0);
	void *addr;

	if (size < 1 || size > 64 << 20)
		return agent_fail(a, EINVAL, "a buffer of %lld bytes", (long long)size);
	addr = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (addr == MAP_FAILED)
		return agent_fail(a, errno, "mmap: %s", strerror(errno));
	region_add(a, req_str(req, "name"), REGION_BUFFER, addr, (size_t)size, 0);
	return 0;
}

/* Checks [offset, offset+len) lies in the region. */
static int in_region(struct agent *a, const struct region *r, int64_t offset, int64_t len)
{
	if (offset < 0 || len < 0 || (uint64_t)offset + (uint64_t)len > r->len)
		return agent_fail(a, ERANGE, "bytes %lld..%lld are outside '%s' (%zu bytes)",
				  (long long)offset, (long long)(offset + len), r->name, r->len);
	return 0;
}

int op_write(struct agent *a, struct json_object *req, struct json_object *reply)
{
	int err;
	struct region *r = named(a, req, &err);
	int64_t offset = req_int(req, "offset", 0);
	size_t len;
	char *data;

	if (!r)
		return err;
	if (!(data = req_bytes(req, "data", &len)))
		return agent_fail(a, EINVAL, "no data to write");
	if ((err = in_region(a, r, offset, (int64_t)len))) {
		free(data);
		return err;
	}
	bool ok = agent_copy_guarded((char *)r->addr + offset, data, len);

	free(data);
	if (!ok) {
		json_object_object_add(reply, "fault", json_object_new_boolean(1));
		return agent_fail(a, EFAULT, "the write to '%s' faulted", r->name);
	}
	return 0;
}

int op_read(struct agent *a, struct json_object *req, struct json_object *reply)
{
	int err;
	struct region *r = named(a, req, &err);
	int64_t offset = req_int(req, "offset", 0), len = req_int(req, "len", 0);
	char *buf;

	if (!r)
		return err;
	if ((err = in_region(a, r, offset, len)))
		return err;
	buf = malloc((size_t)len + 1);
	if (!agent_copy_guarded(buf, (char *)r->addr + offset, (size_t)len)) {
		free(buf);
		json_object_object_add(reply, "fault", json_object_new_boolean(1));
		return agent_fail(a, EFAULT, "the read of '%s' faulted", r->name);
	}
	reply_bytes(reply, "data", buf, (size_t)len);
	free(buf);
	return 0;
}

/* One side of a copy: a grant {ref, dom, offset} or a region {region, offset}. */
static int copy_side(struct agent *a, struct json_object *side, int64_t len,
		     union xengnttab_copy_ptr *ptr, uint16_t *flags, uint16_t gref_flag)
{
	const char *name = req_str(side, "region");
	int64_t offset = req_int(side, "offset", 0);

	if (name) {
		struct region *r = region_find(a, name);
		int err;

		if (!r)
			return agent_fail(a, ENOENT, "no region '%s' in this process", name);
		if ((err = in_region(a, r, offset, len)))
			return err;
		ptr->virt = (char *)r->addr + offset;
		return 0;
	}
	/* the grant's side is passed on as written: the kernel and Xen judge it */
	ptr->foreign.ref = (uint32_t)req_int(side, "ref", 0);
	ptr->foreign.domid = (uint16_t)req_int(side, "dom", 0);
	ptr->foreign.offset = (uint16_t)offset;
	*flags |= gref_flag;
	return 0;
}

int op_copy(struct agent *a, struct json_object *req, struct json_object *reply)
{
	xengnttab_handle *gt = agent_gnttab(a);
	struct json_object *src, *dst;
	xengnttab_grant_copy_segment_t seg = { .len = (uint16_t)req_int(req, "len", 0) };
	int err;

	if (!gt)
		return EIO;
	if (!json_object_object_get_ex(req, "src", &src) ||
	    !json_object_object_get_ex(req, "dst", &dst))
		return agent_fail(a, EINVAL, "a copy needs a source and a destination");
	if ((err = copy_side(a, src, seg.len, &seg.source, &seg.flags, GNTCOPY_source_gref)) ||
	    (err = copy_side(a, dst, seg.len, &seg.dest, &seg.flags, GNTCOPY_dest_gref)))
		return err;
	if (xengnttab_grant_copy(gt, 1, &seg) < 0)
		return agent_fail(a, errno, "xengnttab_grant_copy: %s", strerror(errno));
	json_object_object_add(reply, "status", json_object_new_int(seg.status));
	return 0;
}

int op_limit(struct agent *a, struct json_object *req, struct json_object *reply)
{
	xengnttab_handle *gt = agent_gnttab(a);

	if (!gt)
		return EIO;
	if (xengnttab_set_max_grants(gt, (uint32_t)req_int(req, "count", 0)) < 0)
		return agent_fail(a, errno, "xengnttab_set_max_grants: %s", strerror(errno));
	return 0;
}

/* A misbehaving program: the device files, with numbers of its choosing. */

int op_forge_unmap(struct agent *a, struct json_object *req, struct json_object *reply)
{
	xengnttab_handle *gt = agent_gnttab(a);
	struct ioctl_gntdev_unmap_grant_ref op = {
		.index = (uint64_t)req_int(req, "index", 0),
		.count = (uint32_t)req_int(req, "count", 1),
	};

	if (!gt)
		return EIO;
	if (ioctl(xengnttab_fd(gt), IOCTL_GNTDEV_UNMAP_GRANT_REF, &op) < 0)
		return agent_fail(a, errno, "IOCTL_GNTDEV_UNMAP_GRANT_REF: %s", strerror(errno));
	return 0;
}

int op_forge_mmap(struct agent *a, struct json_object *req, struct json_object *reply)
{
	xengnttab_handle *gt = agent_gnttab(a);
	int64_t index = req_int(req, "index", 0), count = req_int(req, "count", 1);
	void *addr;

	if (!gt)
		return EIO;
	if (count < 1 || count > 1 << 20)
		return agent_fail(a, EINVAL, "mmap of %lld pages", (long long)count);
	addr = mmap(NULL, (size_t)count * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		    xengnttab_fd(gt), (off_t)index);
	if (addr == MAP_FAILED)
		return agent_fail(a, errno, "mmap of gntdev at offset %#llx: %s",
				  (unsigned long long)index, strerror(errno));
	munmap(addr, (size_t)count * PAGE);
	return 0;
}

int op_forge_notify(struct agent *a, struct json_object *req, struct json_object *reply)
{
	xengnttab_handle *gt = agent_gnttab(a);
	int64_t port = req_int(req, "port", -1);
	struct ioctl_gntdev_unmap_notify op = {
		.index = (uint64_t)req_int(req, "index", 0),
		.action = UNMAP_NOTIFY_CLEAR_BYTE | (port >= 0 ? UNMAP_NOTIFY_SEND_EVENT : 0),
		.event_channel_port = port >= 0 ? (uint32_t)port : 0,
	};

	if (!gt)
		return EIO;
	if (ioctl(xengnttab_fd(gt), IOCTL_GNTDEV_SET_UNMAP_NOTIFY, &op) < 0)
		return agent_fail(a, errno, "IOCTL_GNTDEV_SET_UNMAP_NOTIFY: %s", strerror(errno));
	return 0;
}

int op_forge_dealloc(struct agent *a, struct json_object *req, struct json_object *reply)
{
	xengntshr_handle *gs = agent_gntshr(a);
	struct ioctl_gntalloc_dealloc_gref op = {
		.index = (uint64_t)req_int(req, "index", 0),
		.count = (uint32_t)req_int(req, "count", 1),
	};

	if (!gs)
		return EIO;
	if (ioctl(xengntshr_fd(gs), IOCTL_GNTALLOC_DEALLOC_GREF, &op) < 0)
		return agent_fail(a, errno, "IOCTL_GNTALLOC_DEALLOC_GREF: %s", strerror(errno));
	return 0;
}
