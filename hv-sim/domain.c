// SPDX-License-Identifier: GPL-2.0-only
/*
 * Domains: creation, destruction, the zombie state, RAM and the p2m.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include "domain.h"
#include "evtchn.h"
#include "fault.h"
#include "grant_table.h"
#include "hooks.h"
#include "trace.h"

/* Every domain still remembered, in creation order; live ones by domid. */
static struct domain **all_domains;
static size_t nr_all_domains, all_domains_cap;
static struct domain *live[DOMID_FIRST_RESERVED];
static unsigned int next_domid;
/* Dead domains no longer remembered (domain_forget), freed at the end. */
static struct domain *forgotten;

static void (*destroy_hook)(struct domain *d);
static int (*create_hook)(struct domain *d);

void domain_set_destroy_hook(void (*hook)(struct domain *d))
{
	destroy_hook = hook;
}

void domain_set_create_hook(int (*hook)(struct domain *d))
{
	create_hook = hook;
}

const char *domain_state_name(enum domain_state s)
{
	switch (s) {
	case DOMAIN_RUNNING: return "running";
	case DOMAIN_DYING:   return "dying";
	case DOMAIN_DEAD:    return "dead";
	}
	return "?";
}

static bool name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= HVSIM_NAME_MAX)
		return false;
	/* a name that reads as a number would be ambiguous with a domid */
	if (strspn(name, "0123456789") == len)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return false;
	return true;
}

static int map_memfd(const char *what, const char *name, size_t bytes,
		     int *fdp, uint8_t **mem)
{
	char label[HVSIM_NAME_MAX + 32];
	int fd;
	void *p;

	snprintf(label, sizeof(label), "hvsim-%s-%s", what, name);
	fd = memfd_create(label, MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)bytes) < 0)
		goto fail;
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	*fdp = fd;
	*mem = p;
	return 0;
fail:;
	int err = -errno;
	close(fd);
	return err;
}

/*
 * A new domain's handle: dom0's is all zeros, as Xen leaves it (only
 * xen-init-dom0 given a UUID would set one); any other domain's is what a
 * toolstack gives the domains it creates, a random RFC 4122 UUID
 * (libxl_uuid_generate: libuuid's version 4 when it has a random source).
 */
static int make_handle(struct domain *d)
{
	memset(d->handle, 0, sizeof(d->handle));
	if (d->domid == 0)
		return 0;
	ssize_t n = getrandom(d->handle, sizeof(d->handle), 0);

	if (n < 0)
		return -errno;
	if (n != (ssize_t)sizeof(d->handle))
		return -EIO;
	d->handle[6] = (uint8_t)((d->handle[6] & 0x0f) | 0x40);   /* version 4 */
	d->handle[8] = (uint8_t)((d->handle[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
	return 0;
}

void domain_uuid_string(const struct domain *d, char out[DOMAIN_UUID_LEN])
{
	const uint8_t *h = d->handle;

	snprintf(out, DOMAIN_UUID_LEN,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7],
		 h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]);
}

static void release_memory(struct domain *d)
{
	if (d->ram)
		munmap(d->ram, d->ram_pages * XEN_PAGE_SIZE);
	if (d->shared)
		munmap(d->shared, (HVSIM_GRANT_FRAME0_PAGE + d->max_grant_frames) *
			XEN_PAGE_SIZE);
	if (d->ram_fd >= 0)
		close(d->ram_fd);
	if (d->shared_fd >= 0)
		close(d->shared_fd);
	if (d->upcall_fd >= 0)
		close(d->upcall_fd);
	d->ram = d->shared = NULL;
	d->shared_info = NULL;
	d->ram_fd = d->shared_fd = d->upcall_fd = -1;
	gfn_map_fini(&d->p2m);
	gfn_map_fini(&d->foreign_gfns);
	free(d->p2m_pending);
	d->p2m_pending = NULL;
	d->nr_p2m_pending = d->p2m_pending_cap = 0;
}

static void free_domain(struct domain *d)
{
	fault_free_all(d);
	if (d->grant_table)
		grant_table_fini(d);
	if (d->evtchn)
		evtchn_domain_fini(d);
	release_memory(d);
	free(d);
}

int domain_create(const char *name, uint64_t mem_pages, struct domain **out)
{
	struct domain *d;
	int err;

	if (!name_valid(name))
		return -EINVAL;
	if (mem_pages == 0 || mem_pages > (uint64_t)HVSIM_MAX_MEM_MIB * 256)
		return -EINVAL;
	for (size_t i = 0; i < nr_all_domains; i++)
		if (all_domains[i]->state != DOMAIN_DEAD &&
		    strcmp(all_domains[i]->name, name) == 0)
			return -EEXIST;
	if (next_domid >= DOMID_FIRST_RESERVED)
		return -ENOSPC;
	if (nr_all_domains == all_domains_cap) {
		size_t cap = all_domains_cap ? 2 * all_domains_cap : 16;
		struct domain **n = realloc(all_domains, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		all_domains = n;
		all_domains_cap = cap;
	}

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->ram_fd = d->shared_fd = d->upcall_fd = -1;
	d->domid = (domid_t)next_domid;
	snprintf(d->name, sizeof(d->name), "%s", name);
	err = make_handle(d);
	if (err) {
		free(d);
		return err;
	}
	d->ram_pages = mem_pages;
	d->max_grant_frames = HVSIM_MAX_GRANT_FRAMES;
	d->max_evtchn_port = d->domid == 0 ? INT_MAX : HVSIM_DOMU_MAX_EVTCHN_PORT;
	for (size_t i = 0; i < sizeof(d->shared_page_gfn) / sizeof(d->shared_page_gfn[0]); i++)
		d->shared_page_gfn[i] = HVSIM_NO_GFN;

	err = map_memfd("ram", name, mem_pages * XEN_PAGE_SIZE, &d->ram_fd, &d->ram);
	if (err)
		goto fail;
	err = map_memfd("shared", name,
			(HVSIM_GRANT_FRAME0_PAGE + d->max_grant_frames) * XEN_PAGE_SIZE,
			&d->shared_fd, &d->shared);
	if (err)
		goto fail;
	d->shared_info = (struct shared_info *)(d->shared +
				HVSIM_SHARED_INFO_PAGE * XEN_PAGE_SIZE);
	err = gfn_map_init(&d->p2m, mem_pages);
	if (err)
		goto fail;
	err = gfn_map_init(&d->foreign_gfns, mem_pages);
	if (err)
		goto fail;
	d->upcall_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->upcall_fd < 0) {
		err = -errno;
		goto fail;
	}
	err = grant_table_init(d);
	if (err)
		goto fail;
	err = evtchn_domain_init(d);
	if (err)
		goto fail;

	d->state = DOMAIN_RUNNING;
	if (create_hook && (err = create_hook(d)))
		goto fail;
	next_domid++;
	live[d->domid] = d;
	all_domains[nr_all_domains++] = d;

	struct json_object *ev = trace_event(d->domid, "domain_create");
	json_object_object_add(ev, "name", json_object_new_string(d->name));
	json_object_object_add(ev, "ram_pages", json_object_new_uint64(mem_pages));
	trace_emit(ev);

	*out = d;
	return 0;
fail:
	free_domain(d);
	return err;
}

/* Off the list of domains remembered, onto the forgotten ones. */
static void unremember(struct domain *d)
{
	for (size_t i = 0; i < nr_all_domains; i++) {
		if (all_domains[i] != d)
			continue;
		memmove(&all_domains[i], &all_domains[i + 1],
			(nr_all_domains - i - 1) * sizeof(all_domains[0]));
		nr_all_domains--;
		d->next_forgotten = forgotten;
		forgotten = d;
		return;
	}
}

int domain_destroy(struct domain *d)
{
	if (d->state != DOMAIN_RUNNING)
		return -ESRCH;
	if (d->domid == 0)
		return -EPERM;

	d->state = DOMAIN_DYING;
	trace_emit(trace_event(d->domid, "domain_destroy"));

	if (destroy_hook)
		destroy_hook(d);
	fault_free_all(d);
	grant_table_release_mappings(d);
	domain_p2m_clear_all(d);
	evtchn_close_all(d);
	/* Xen tells dom0 of a domain's death with VIRQ_DOM_EXC. */
	evtchn_send_global_virq(VIRQ_DOM_EXC);
	domain_try_reap(d);
	return 0;
}

void domain_try_reap(struct domain *d)
{
	if (d->state != DOMAIN_DYING || grant_table_active_entries(d) != 0 ||
	    d->foreign_refs != 0)
		return;

	struct json_object *ev = trace_event(d->domid, "domain_dead");
	trace_emit(ev);

	if (d->grant_table)
		grant_table_fini(d);
	if (d->evtchn)
		evtchn_domain_fini(d);
	release_memory(d);
	d->state = DOMAIN_DEAD;
	live[d->domid] = NULL;
	if (d->forgotten)
		unremember(d);
}

void domain_forget(struct domain *d)
{
	if (d->forgotten)
		return;
	d->forgotten = true;
	if (d->state == DOMAIN_DEAD)
		unremember(d);
}

struct domain *domain_by_id(domid_t domid)
{
	if (domid >= DOMID_FIRST_RESERVED)
		return NULL;
	return live[domid];
}

struct domain *domain_by_any_id(struct domain *cur, domid_t domid)
{
	struct domain *d = domid == DOMID_SELF ? cur : domain_by_id(domid);

	return d && d->state != DOMAIN_DEAD ? d : NULL;
}

struct domain *domain_by_name(const char *s)
{
	size_t len = strlen(s);
	struct domain *found = NULL;

	if (len > 0 && len < 6 && strspn(s, "0123456789") == len) {
		unsigned long id = strtoul(s, NULL, 10);

		/* a domid: the live domain, else the last one remembered */
		if (id < DOMID_FIRST_RESERVED && live[id])
			return live[id];
		for (size_t i = 0; i < nr_all_domains; i++)
			if (all_domains[i]->domid == id)
				found = all_domains[i];
		return found;
	}
	/* a name: prefer the live domain, else the newest dead one */
	for (size_t i = 0; i < nr_all_domains; i++) {
		struct domain *d = all_domains[i];

		if (strcmp(d->name, s) != 0)
			continue;
		if (d->state != DOMAIN_DEAD)
			return d;
		found = d;
	}
	return found;
}

struct domain *domain_first(void)
{
	return nr_all_domains ? all_domains[0] : NULL;
}

struct domain *domain_next(struct domain *d)
{
	for (size_t i = 0; i + 1 < nr_all_domains; i++)
		if (all_domains[i] == d)
			return all_domains[i + 1];
	return NULL;
}

void domain_destroy_all(void)
{
	for (size_t i = 0; i < nr_all_domains; i++)
		free_domain(all_domains[i]);
	while (forgotten) {
		struct domain *next = forgotten->next_forgotten;

		free_domain(forgotten);
		forgotten = next;
	}
	free(all_domains);
	all_domains = NULL;
	nr_all_domains = all_domains_cap = 0;
	memset(live, 0, sizeof(live));
	next_domid = 0;
}

/* p2m ----------------------------------------------------------------- */

void *domain_frame_to_virt(struct domain *d, uint64_t frame)
{
	if (!d->ram || frame >= d->ram_pages)
		return NULL;
	return d->ram + frame * XEN_PAGE_SIZE;
}

void *domain_gfn_to_virt(struct domain *d, uint64_t gfn, bool writable)
{
	struct gfn_entry *o;
	struct domain *g;

	if (!d->ram || gfn >= d->ram_pages)
		return NULL;
	if (d->p2m.count == 0 || !(o = gfn_map_get(&d->p2m, gfn)))
		return d->ram + gfn * XEN_PAGE_SIZE;
	if (writable && o->readonly)
		return NULL;
	g = domain_by_id(o->domid);
	if (!g)
		return NULL;
	return o->shared ? domain_shared_page_to_virt(g, o->frame)
			 : domain_frame_to_virt(g, o->frame);
}

void *domain_shared_page_to_virt(struct domain *d, uint64_t page)
{
	if (!d->shared || page >= HVSIM_GRANT_FRAME0_PAGE + (uint64_t)d->max_grant_frames)
		return NULL;
	return d->shared + page * XEN_PAGE_SIZE;
}

static int queue_update(struct domain *d, uint64_t gfn, domid_t domid,
			uint64_t frame, uint16_t flags)
{
	struct hvsim_p2m_update *u;

	if (d->nr_p2m_pending == d->p2m_pending_cap) {
		size_t cap = d->p2m_pending_cap ? 2 * d->p2m_pending_cap : 64;

		u = realloc(d->p2m_pending, cap * sizeof(*u));
		if (!u)
			return -ENOMEM;
		d->p2m_pending = u;
		d->p2m_pending_cap = cap;
	}
	u = &d->p2m_pending[d->nr_p2m_pending++];
	*u = (struct hvsim_p2m_update){
		.gfn = gfn, .frame = frame, .domid = domid, .flags = flags,
	};
	return 0;
}

/* An override showing (owner, frame) at gfn; flags are HVSIM_P2M_*. */
static int set_override(struct domain *d, uint64_t gfn, domid_t owner, uint64_t frame,
			uint16_t flags)
{
	int err;

	if (gfn >= d->ram_pages)
		return -EINVAL;
	if (gfn_map_get(&d->p2m, gfn))
		return -EBUSY;
	err = queue_update(d, gfn, owner, frame, flags);
	if (err)
		return err;
	err = gfn_map_set(&d->p2m, gfn, owner, frame, flags & HVSIM_P2M_READONLY);
	if (err)
		d->nr_p2m_pending--;
	else
		gfn_map_get(&d->p2m, gfn)->shared = flags & HVSIM_P2M_SHARED;
	return err;
}

int domain_p2m_set_foreign(struct domain *d, uint64_t gfn, domid_t granter,
			   uint64_t frame, bool readonly)
{
	return set_override(d, gfn, granter, frame, readonly ? HVSIM_P2M_READONLY : 0);
}

int domain_p2m_clear_foreign(struct domain *d, uint64_t gfn, domid_t granter,
			     uint64_t frame)
{
	struct gfn_entry *o = gfn_map_get(&d->p2m, gfn);
	int err;

	/* (a grant frame the domain placed is no foreign page: unhooked only) */
	if (!o || o->domid != granter || o->frame != frame || domain_p2m_is_own_page(d, o))
		return -EINVAL;
	err = queue_update(d, gfn, d->domid, gfn, 0);
	if (err)
		return err;
	gfn_map_clear(&d->p2m, gfn);
	return 0;
}

/* A foreign mapping by gfn of a page of owner's RAM or (flags) shared fd. */
static int map_foreign(struct domain *d, uint64_t gfn, struct domain *owner,
		       uint64_t frame, uint16_t flags)
{
	int err = set_override(d, gfn, owner->domid, frame, flags);

	if (err)
		return err;
	err = gfn_map_set(&d->foreign_gfns, gfn, owner->domid, frame, false);
	if (err) {
		/* undone as if never made: the queued update goes too */
		gfn_map_clear(&d->p2m, gfn);
		d->nr_p2m_pending--;
		return err;
	}
	owner->foreign_refs++;
	return 0;
}

int domain_p2m_map_foreign(struct domain *d, uint64_t gfn, struct domain *owner,
			   uint64_t frame)
{
	return map_foreign(d, gfn, owner, frame, 0);
}

int domain_p2m_map_shared(struct domain *d, uint64_t gfn, struct domain *owner,
			  uint64_t page)
{
	if (!domain_shared_page_to_virt(owner, page))
		return -EINVAL;
	return map_foreign(d, gfn, owner, page, HVSIM_P2M_SHARED);
}

int domain_p2m_unhook_own_page(struct domain *d, uint64_t gfn)
{
	struct gfn_entry *o = gfn_map_get(&d->p2m, gfn);
	uint64_t page;
	int err;

	if (!o || !domain_p2m_is_own_page(d, o))
		return -EINVAL;
	page = o->frame;
	err = queue_update(d, gfn, d->domid, gfn, 0);
	if (err)
		return err;
	gfn_map_clear(&d->p2m, gfn);
	if (page < sizeof(d->shared_page_gfn) / sizeof(d->shared_page_gfn[0]))
		d->shared_page_gfn[page] = HVSIM_NO_GFN;
	return 0;
}

int domain_p2m_place_own_page(struct domain *d, uint64_t gfn, uint64_t page)
{
	struct gfn_entry *o;
	uint64_t old;
	int err;

	if (!domain_shared_page_to_virt(d, page) ||
	    page >= sizeof(d->shared_page_gfn) / sizeof(d->shared_page_gfn[0]))
		return -EINVAL;
	old = d->shared_page_gfn[page];
	if (old == gfn)
		return 0;
	err = set_override(d, gfn, d->domid, page, HVSIM_P2M_SHARED);
	if (err)
		return err;
	/* "Unmap from old location": that gfn shows its RAM again */
	o = old != HVSIM_NO_GFN ? gfn_map_get(&d->p2m, old) : NULL;
	if (o && domain_p2m_is_own_page(d, o) && o->frame == page) {
		err = domain_p2m_unhook_own_page(d, old);
		if (err) {
			/* undone as if never made: the queued update goes too */
			gfn_map_clear(&d->p2m, gfn);
			d->nr_p2m_pending--;
			return err;
		}
	}
	d->shared_page_gfn[page] = gfn;
	return 0;
}

/* Drops the reference a foreign mapping of (domid, frame) held. */
static void put_foreign_ref(domid_t domid)
{
	struct domain *owner = domain_by_id(domid);

	if (!owner || !owner->foreign_refs)
		return;
	owner->foreign_refs--;
	domain_try_reap(owner);
}

int domain_p2m_unmap_foreign(struct domain *d, uint64_t gfn)
{
	struct gfn_entry *f = d->foreign_gfns.count ? gfn_map_get(&d->foreign_gfns, gfn) : NULL;
	domid_t owner;
	int err;

	if (!f)
		return -EINVAL;
	owner = f->domid;
	err = domain_p2m_clear_foreign(d, gfn, owner, f->frame);
	if (err)
		return err;
	gfn_map_clear(&d->foreign_gfns, gfn);
	put_foreign_ref(owner);
	return 0;
}

void domain_p2m_clear_all(struct domain *d)
{
	struct gfn_map *f = &d->foreign_gfns;

	for (size_t c = 0; f->count && c < f->nr_chunks; c++) {
		if (!f->chunks[c])
			continue;
		for (size_t i = 0; i < GFN_MAP_CHUNK_SIZE; i++) {
			struct gfn_entry *e = &f->chunks[c][i];

			if (!e->used)
				continue;
			e->used = false;
			f->count--;
			put_foreign_ref(e->domid);
		}
	}
	gfn_map_clear_all(&d->p2m);
	d->nr_p2m_pending = 0;
	for (size_t i = 0; i < sizeof(d->shared_page_gfn) / sizeof(d->shared_page_gfn[0]); i++)
		d->shared_page_gfn[i] = HVSIM_NO_GFN;
}

size_t domain_p2m_take_updates(struct domain *d, struct hvsim_p2m_update **updates)
{
	size_t n = d->nr_p2m_pending;

	*updates = d->p2m_pending;
	d->p2m_pending = NULL;
	d->nr_p2m_pending = d->p2m_pending_cap = 0;
	return n;
}

void domain_kick_value(struct domain *d, uint64_t value)
{
	if (d->upcall_fd >= 0 && write(d->upcall_fd, &value, sizeof(value)) < 0) {
		/* EAGAIN: the counter is saturated, the vCPU is kicked already */
	}
}

void domain_kick(struct domain *d)
{
	domain_kick_value(d, 1);
}
