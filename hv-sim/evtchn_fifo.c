// SPDX-License-Identifier: GPL-2.0-only
/*
 * Event channels, FIFO ABI, following Xen 4.17's event_fifo.c: the same
 * checks, codes and order of word updates.
 *
 * The control block and the event array pages are pages of the guest's
 * RAM memfd, which hvsimd maps; the guest writes them at the same time.
 * Xen's rules for who may change what in a LINKED word (the guest may set
 * or clear MASKED, clear PENDING, clear LINKED and the link) are what make
 * the compare-and-swap on the tail's link terminate; a guest that breaks
 * them only loses its own events: every loop here is bounded as Xen's is,
 * and hvsimd never follows a link the guest wrote (only the guest walks
 * its queues; hvsimd keeps each queue's tail itself).
 *
 * hvsim domains have one vCPU, so there is one control block and one set
 * of 16 queues.  hvsimd is single-threaded, so Xen's queue locks and the
 * retry around taking them have no counterpart.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evtchn.h"
#include "evtchn_fifo.h"
#include "trace.h"

#define WORD_BIT(b) ((uint32_t)1 << EVTCHN_FIFO_##b)

struct fifo_queue {
	uint32_t *head;          /* in the control block: written, never read */
	evtchn_port_t tail;      /* 0: the queue is empty as far as Xen knows */
	uint8_t priority;
};

struct evtchn_fifo {
	struct evtchn_fifo_control_block *control_block;
	uint64_t control_gfn;
	uint32_t control_offset;
	struct fifo_queue queue[EVTCHN_FIFO_MAX_QUEUES];
	uint32_t *event_array[HVSIM_EVTCHN_FIFO_PAGES];
	uint64_t array_gfn[HVSIM_EVTCHN_FIFO_PAGES];
	unsigned int num_evtchns;                    /* ports with an event word */
};

static void (*link_hook)(uint32_t *word);

void evtchn_fifo_set_link_hook(void (*hook)(uint32_t *word))
{
	link_hook = hook;
}

/*
 * map_guest_page: Xen takes a writable reference on the page behind the
 * gfn, which fails (-EINVAL) for a gfn with no page and for one whose p2m
 * entry shows another domain's page (a grant or foreign mapping: the page
 * is not the caller's).  A page already used for the control block or the
 * array is accepted again, as Xen accepts it: the guest only aliases its
 * own words.  hvsimd keeps its own mapping of the RAM page, as Xen keeps
 * its reference, whatever the guest later maps at that gfn.
 */
static void *map_guest_page(struct domain *d, uint64_t gfn)
{
	if (gfn >= d->ram_pages || gfn_map_get(&d->p2m, gfn))
		return NULL;
	return domain_frame_to_virt(d, gfn);
}

static uint32_t *word_from_port(const struct evtchn_fifo *f, evtchn_port_t port)
{
	if (port >= f->num_evtchns)
		return NULL;
	return f->event_array[port / HVSIM_EVTCHN_WORDS_PER_PAGE] +
		port % HVSIM_EVTCHN_WORDS_PER_PAGE;
}

static uint32_t word_load(const uint32_t *w)
{
	return __atomic_load_n(w, __ATOMIC_SEQ_CST);
}

static bool word_test_and_set(uint32_t *w, uint32_t bit)
{
	return __atomic_fetch_or(w, bit, __ATOMIC_SEQ_CST) & bit;
}

static bool word_test_and_clear(uint32_t *w, uint32_t bit)
{
	return __atomic_fetch_and(w, ~bit, __ATOMIC_SEQ_CST) & bit;
}

/* Set-up and tear-down ------------------------------------------------ */

long evtchn_fifo_check_control(const struct evtchn_init_control *op)
{
	if (op->vcpu != 0)
		return -ENOENT;          /* domain_vcpu(): no such vCPU */
	if (op->offset > XEN_PAGE_SIZE - sizeof(struct evtchn_fifo_control_block))
		return -EINVAL;          /* would cross the page */
	if (op->offset & 7)
		return -EINVAL;
	return 0;
}

long evtchn_fifo_create(struct domain *d, const struct evtchn_init_control *op,
			struct evtchn_fifo **out)
{
	struct evtchn_fifo *f;
	uint8_t *page;

	*out = NULL;
	/*
	 * Xen allocates the per-vCPU and per-domain state, then maps the
	 * page; on failure it frees all of it and clears both pointers (the
	 * fix of XSA-188).  Mapping first and allocating after is the same
	 * outcome without the window.
	 */
	page = map_guest_page(d, op->control_gfn);
	if (!page)
		return -EINVAL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->control_block = (void *)(page + op->offset);
	f->control_gfn = op->control_gfn;
	f->control_offset = op->offset;
	for (unsigned int i = 0; i < EVTCHN_FIFO_MAX_QUEUES; i++) {
		f->queue[i].priority = (uint8_t)i;
		f->queue[i].head = &f->control_block->head[i];
	}
	*out = f;
	return 0;
}

void evtchn_fifo_destroy(struct evtchn_fifo *f)
{
	/* the pages are the guest's: nothing to unmap but our pointers */
	free(f);
}

long evtchn_fifo_expand(struct domain *d, struct evtchn_fifo *f, uint64_t gfn,
			evtchn_port_t *first)
{
	unsigned int slot = f->num_evtchns / HVSIM_EVTCHN_WORDS_PER_PAGE;
	uint32_t *page;

	if (slot >= HVSIM_EVTCHN_FIFO_PAGES)
		return -ENOSPC;
	page = map_guest_page(d, gfn);
	if (!page)
		return -EINVAL;
	f->event_array[slot] = page;
	f->array_gfn[slot] = gfn;
	*first = f->num_evtchns;
	f->num_evtchns += HVSIM_EVTCHN_WORDS_PER_PAGE;
	return 0;
}

unsigned int evtchn_fifo_nr_words(const struct evtchn_fifo *f)
{
	return f->num_evtchns;
}

unsigned int evtchn_fifo_nr_pages(const struct evtchn_fifo *f)
{
	return f->num_evtchns / HVSIM_EVTCHN_WORDS_PER_PAGE;
}

/* Linking ---------------------------------------------------------------- */

struct link_result {
	unsigned int tries;      /* compare-and-swaps that lost to the guest */
	bool busy;               /* BUSY was set to hold off the guest's unmask */
	bool gave_up;            /* the guest kept changing the word */
};

/*
 * One attempt to point the tail's link at `link`, if the tail is still
 * LINKED: 1 done, 0 the tail is no longer linked (the guest consumed it,
 * the queue is empty), -EAGAIN the word changed under us (*w is its new
 * value).  The new word has BUSY clear, whoever set it.
 */
static int try_set_link(uint32_t *word, uint32_t *w, uint32_t link)
{
	uint32_t old = *w, new;

	if (!(old & WORD_BIT(LINKED)))
		return 0;
	new = (old & ~(WORD_BIT(BUSY) | EVTCHN_FIFO_LINK_MASK)) | link;
	if (link_hook)
		link_hook(word);
	if (__atomic_compare_exchange_n(word, w, new, false, __ATOMIC_SEQ_CST,
					__ATOMIC_SEQ_CST))
		return 1;
	return -EAGAIN;
}

/*
 * evtchn_fifo_set_link.  If the first attempt loses, BUSY is set so that
 * the guest may no longer clear MASKED; then it can change the word at
 * most 4 more ways (set MASKED, clear PENDING, clear LINKED, and a
 * MASKED it had cleared before), and 4 more attempts suffice.  A guest
 * that changes it still more loses this event's place in the queue: Xen
 * gives up and says "linked", and so does hvsimd.
 */
static bool set_link(uint32_t *word, evtchn_port_t link, struct link_result *r)
{
	uint32_t w = word_load(word);
	int ret = try_set_link(word, &w, link);

	if (ret >= 0)
		return ret;
	r->tries++;
	r->busy = true;
	word_test_and_set(word, WORD_BIT(BUSY));
	w = word_load(word);
	for (unsigned int try = 0; try < 4; try++) {
		ret = try_set_link(word, &w, link);
		if (ret >= 0) {
			if (ret == 0)
				word_test_and_clear(word, WORD_BIT(BUSY));
			return ret;
		}
		r->tries++;
	}
	word_test_and_clear(word, WORD_BIT(BUSY));
	r->gave_up = true;
	return true;
}

/* What one set_pending did, for its trace record. */
struct pending_result {
	bool new_pending, masked, new_linked;
	int moved_from;              /* the queue it left, or -1 */
	evtchn_port_t after;         /* linked after this tail (0: none) */
	bool head;                   /* became its queue's head */
	struct link_result link;
	bool ready, upcall;
};

/* An "evtchn_pending" event, queued as it is and formatted by the writer. */
struct pending_rec {
	uint16_t domid;
	bool call;
	evtchn_port_t port;
	unsigned int priority;
	struct pending_result r;
};

static const char *true_or_false(bool b)
{
	return b ? "true" : "false";
}

/*
 * The members json-c would print for the event (trace_event's, then
 * these, in this order): every send makes one, so it is formatted off the
 * hypervisor's thread, as the hypercall records are (trace_abi.c).
 */
static void format_pending(const void *data, size_t len, struct trace_buf *b)
{
	struct pending_rec pr;
	const struct pending_result *r = &pr.r;
	char s[512];
	int n;

	memcpy(&pr, data, sizeof(pr));
	n = snprintf(s, sizeof(s), "\"dom\":%d,\"kind\":\"event\",\"what\":\"evtchn_pending\"%s"
		     ",\"port\":%lld,\"abi\":\"fifo\",\"priority\":%d,\"set\":[%s%s%s]"
		     ",\"masked\":%s",
		     (int)pr.domid, pr.call ? ",\"call\":true" : "", (long long)pr.port,
		     (int)pr.priority, r->new_pending ? "\"PENDING\"" : "",
		     r->new_pending && r->new_linked ? "," : "",
		     r->new_linked ? "\"LINKED\"" : "", true_or_false(r->masked));
	if (r->moved_from >= 0)
		n += snprintf(s + n, sizeof(s) - n, ",\"moved_from\":%d", r->moved_from);
	if (r->head)
		n += snprintf(s + n, sizeof(s) - n, ",\"head\":true");
	if (r->after)
		n += snprintf(s + n, sizeof(s) - n, ",\"after\":%lld", (long long)r->after);
	if (r->link.tries)
		n += snprintf(s + n, sizeof(s) - n, ",\"link_retries\":%d", (int)r->link.tries);
	if (r->link.gave_up)
		n += snprintf(s + n, sizeof(s) - n, ",\"link_gave_up\":true");
	n += snprintf(s + n, sizeof(s) - n, ",\"ready\":%s,\"upcall\":%s", true_or_false(r->ready),
		      true_or_false(r->upcall));
	trace_buf_put(b, s, (size_t)n);
}

static void trace_pending(struct domain *d, evtchn_port_t port, unsigned int priority,
			  const struct pending_result *r)
{
	struct pending_rec pr = {
		.domid = d->domid, .call = trace_in_call(), .port = port,
		.priority = priority, .r = *r,
	};

	trace_emit_deferred(format_pending, &pr, sizeof(pr), NULL, 0);
}

/*
 * evtchn_fifo_set_pending, in its order: PENDING; unless MASKED, LINKED;
 * a newly linked event goes after the queue's tail if that is still
 * linked, else becomes the head; a new head sets the queue's READY bit,
 * and a READY bit newly set raises the upcall as 2-level does.
 */
void evtchn_fifo_set_pending(struct domain *d, struct evtchn_fifo *f, evtchn_port_t port,
			     struct evtchn_fifo_port *fp)
{
	uint32_t *word = word_from_port(f, port);
	struct fifo_queue *q, *old_q;
	struct pending_result r = { .moved_from = -1 };
	bool linked = true;

	if (!word) {
		/* no event word yet: kept until the array page comes */
		if (!fp->pending && trace_enabled()) {
			struct json_object *ev = trace_event(d->domid, "evtchn_pending");

			json_object_object_add(ev, "port", json_object_new_int64(port));
			json_object_object_add(ev, "abi", json_object_new_string("fifo"));
			json_object_object_add(ev, "no_word", json_object_new_boolean(true));
			trace_emit(ev);
		}
		fp->pending = true;
		return;
	}
	q = &f->queue[fp->priority % EVTCHN_FIFO_MAX_QUEUES];
	old_q = &f->queue[fp->last_priority % EVTCHN_FIFO_MAX_QUEUES];

	r.new_pending = !word_test_and_set(word, WORD_BIT(PENDING));
	r.masked = word_load(word) & WORD_BIT(MASKED);
	if (!r.masked && !word_test_and_set(word, WORD_BIT(LINKED))) {
		r.new_linked = true;
		/*
		 * If it was its old queue's tail, that queue is empty now: a
		 * stale tail must not have the next event linked after it.
		 */
		if (old_q->tail == port)
			old_q->tail = 0;
		if (old_q != q) {
			r.moved_from = old_q->priority;
			fp->last_priority = q->priority;
		}
		linked = false;
		if (q->tail) {
			linked = set_link(word_from_port(f, q->tail), port, &r.link);
			if (linked)
				r.after = q->tail;
		}
		if (!linked) {
			__atomic_store_n(q->head, port, __ATOMIC_SEQ_CST);
			r.head = true;
		}
		q->tail = port;
	}
	if (!linked && !word_test_and_set(&f->control_block->ready,
					  (uint32_t)1 << q->priority)) {
		r.ready = true;
		r.upcall = evtchn_mark_events_pending(d);
	}
	if (trace_enabled() && (r.new_pending || r.new_linked))
		trace_pending(d, port, q->priority, &r);
}

void evtchn_fifo_clear_pending(struct evtchn_fifo *f, evtchn_port_t port)
{
	uint32_t *word = word_from_port(f, port);

	/* only PENDING: the guest unlinks (and skips) events that are not pending */
	if (word)
		word_test_and_clear(word, WORD_BIT(PENDING));
}

void evtchn_fifo_unmask(struct domain *d, struct evtchn_fifo *f, evtchn_port_t port,
			struct evtchn_fifo_port *fp)
{
	uint32_t *word = word_from_port(f, port);
	bool was_masked, pending;

	if (!word)
		return;
	was_masked = word_test_and_clear(word, WORD_BIT(MASKED));
	pending = word_load(word) & WORD_BIT(PENDING);
	if (was_masked && trace_enabled()) {
		struct json_object *ev = trace_event(d->domid, "evtchn_unmask");

		json_object_object_add(ev, "port", json_object_new_int64(port));
		json_object_object_add(ev, "abi", json_object_new_string("fifo"));
		json_object_object_add(ev, "pending", json_object_new_boolean(pending));
		trace_emit(ev);
	}
	/* relink if pending: Linux's unmask makes this call only then */
	if (pending)
		evtchn_fifo_set_pending(d, f, port, fp);
}

bool evtchn_fifo_is_pending(const struct evtchn_fifo *f, evtchn_port_t port)
{
	const uint32_t *word = word_from_port(f, port);

	return word && (word_load(word) & WORD_BIT(PENDING));
}

bool evtchn_fifo_is_masked(const struct evtchn_fifo *f, evtchn_port_t port)
{
	const uint32_t *word = word_from_port(f, port);

	return !word || (word_load(word) & WORD_BIT(MASKED));
}

bool evtchn_fifo_is_busy(const struct evtchn_fifo *f, evtchn_port_t port)
{
	const uint32_t *word = word_from_port(f, port);

	return word && (word_load(word) & WORD_BIT(LINKED));
}

/*
 * An event already linked stays on its old queue; the next one goes to
 * the new queue (set_pending moves it once the guest has unlinked it).
 */
long evtchn_fifo_set_priority(struct domain *d, struct evtchn_fifo *f, evtchn_port_t port,
			      struct evtchn_fifo_port *fp, uint32_t priority)
{
	uint8_t was = fp->priority;

	if (priority > EVTCHN_FIFO_PRIORITY_MIN)
		return -EINVAL;
	fp->priority = (uint8_t)priority;

	if (trace_enabled()) {
		struct json_object *ev = trace_event(d->domid, "evtchn_priority");

		json_object_object_add(ev, "port", json_object_new_int64(port));
		json_object_object_add(ev, "priority", json_object_new_int((int)priority));
		json_object_object_add(ev, "was", json_object_new_int(was));
		json_object_object_add(ev, "linked", json_object_new_boolean(
			evtchn_fifo_is_busy(f, port)));
		trace_emit(ev);
	}
	return 0;
}

/* Dump ---------------------------------------------------------------------- */

void evtchn_fifo_dump(const struct evtchn_fifo *f, struct json_object *out)
{
	struct json_object *heads = json_object_new_array();
	struct json_object *tails = json_object_new_array();
	struct json_object *pages = json_object_new_array();

	json_object_object_add(out, "control_gfn", json_object_new_uint64(f->control_gfn));
	json_object_object_add(out, "control_offset", json_object_new_int64(f->control_offset));
	json_object_object_add(out, "ready", json_object_new_int64(
		word_load(&f->control_block->ready)));
	for (unsigned int i = 0; i < EVTCHN_FIFO_MAX_QUEUES; i++) {
		json_object_array_add(heads, json_object_new_int64(
			__atomic_load_n(f->queue[i].head, __ATOMIC_SEQ_CST)));
		json_object_array_add(tails, json_object_new_int64(f->queue[i].tail));
	}
	json_object_object_add(out, "heads", heads);
	json_object_object_add(out, "tails", tails);
	for (unsigned int i = 0; i < evtchn_fifo_nr_pages(f); i++)
		json_object_array_add(pages, json_object_new_uint64(f->array_gfn[i]));
	json_object_object_add(out, "event_array", pages);
	json_object_object_add(out, "nr_words", json_object_new_int64(f->num_evtchns));
}

void evtchn_fifo_dump_port(const struct evtchn_fifo *f, evtchn_port_t port,
			   const struct evtchn_fifo_port *fp, struct json_object *o)
{
	const uint32_t *word = word_from_port(f, port);
	uint32_t w = word ? word_load(word) : 0;

	json_object_object_add(o, "priority", json_object_new_int(fp->priority));
	json_object_object_add(o, "linked", json_object_new_boolean(w & WORD_BIT(LINKED)));
	if (w & WORD_BIT(LINKED))
		json_object_object_add(o, "link", json_object_new_int64(w & EVTCHN_FIFO_LINK_MASK));
	if (w & WORD_BIT(BUSY))
		json_object_object_add(o, "busy", json_object_new_boolean(true));
	if (!word)
		json_object_object_add(o, "no_word", json_object_new_boolean(true));
}
