/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels, FIFO ABI, with Xen 4.17's semantics (xen/common/
 * event_fifo.c): a domain's control block and event array, which live in
 * guest RAM pages, and the queues hvsimd links events onto.
 *
 * evtchn.c owns ports and calls in here for a domain whose ABI is FIFO
 * (Xen's evtchn_port_ops); the per-port FIFO fields live in evtchn.c's
 * port struct, as they live in Xen's struct evtchn, and are passed in.
 * Every access to an event word or to the control block's READY word is
 * an atomic operation on the uint32_t in guest memory: the guest changes
 * them at the same time from its own process.
 */
#ifndef HVSIM_EVTCHN_FIFO_H
#define HVSIM_EVTCHN_FIFO_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "domain.h"

/*
 * The most ports a FIFO domain may have.  Xen 4.17 allows
 * min(max_evtchn_port + 1, EVTCHN_FIFO_NR_CHANNELS); hvsim's domains are
 * created the way Xen creates dom0 (max_evtchn_port -1, unlimited), so
 * the figure is the ABI's: 2^17 ports, 128 event array pages.  (A domU
 * that libxl creates has event_channels = 1023 unless configured; hvsim
 * does not model that limit, under either ABI.)
 */
#define HVSIM_EVTCHN_FIFO_PORTS     EVTCHN_FIFO_NR_CHANNELS
#define HVSIM_EVTCHN_WORDS_PER_PAGE (XEN_PAGE_SIZE / sizeof(event_word_t))
#define HVSIM_EVTCHN_FIFO_PAGES     (HVSIM_EVTCHN_FIFO_PORTS / HVSIM_EVTCHN_WORDS_PER_PAGE)

/*
 * A port's FIFO fields (Xen's evtchn->priority, ->fifo_lastq, ->pending).
 * Like Xen's, they survive the port's close: only a bind resets priority.
 */
struct evtchn_fifo_port {
	uint8_t priority;        /* the queue future events go to */
	uint8_t last_priority;   /* the queue it was last linked on */
	bool pending;            /* raised while it had no event word yet */
};

/* A domain's FIFO state; NULL in evtchn.c means the domain is 2-level. */
struct evtchn_fifo;

/*
 * EVTCHNOP_init_control's checks that come before the domain's ABI is
 * looked at: -ENOENT for a vCPU other than 0, -EINVAL for an offset that
 * would cross the page or is not 8-byte aligned.
 */
long evtchn_fifo_check_control(const struct evtchn_init_control *op);
/*
 * The first init_control: maps the control block at op->control_gfn +
 * op->offset (which must be a RAM page of `d` that no p2m override hides:
 * -EINVAL otherwise) and makes the empty queues and event array.  On
 * failure nothing is left behind (XSA-188).
 */
long evtchn_fifo_create(struct domain *d, const struct evtchn_init_control *op,
			struct evtchn_fifo **out);
/* Unmaps and frees everything (Xen's evtchn_fifo_destroy). */
void evtchn_fifo_destroy(struct evtchn_fifo *f);

/*
 * EVTCHNOP_expand_array's page: the next 1024 event words.  -ENOSPC past
 * HVSIM_EVTCHN_FIFO_PAGES, -EINVAL for a gfn that is not `d`'s RAM.  On
 * success *first is the first port the page covers; the caller re-raises
 * ports of [*first, evtchn_fifo_nr_words(f)) that went pending without a
 * word.
 */
long evtchn_fifo_expand(struct domain *d, struct evtchn_fifo *f, uint64_t gfn,
			evtchn_port_t *first);
/* Ports that have an event word (Xen's num_evtchns). */
unsigned int evtchn_fifo_nr_words(const struct evtchn_fifo *f);
/* Pages in the event array. */
unsigned int evtchn_fifo_nr_pages(const struct evtchn_fifo *f);

/* The port ops (Xen's evtchn_port_ops_fifo). */
void evtchn_fifo_set_pending(struct domain *d, struct evtchn_fifo *f, evtchn_port_t port,
			     struct evtchn_fifo_port *fp);
void evtchn_fifo_clear_pending(struct evtchn_fifo *f, evtchn_port_t port);
void evtchn_fifo_unmask(struct domain *d, struct evtchn_fifo *f, evtchn_port_t port,
			struct evtchn_fifo_port *fp);
bool evtchn_fifo_is_pending(const struct evtchn_fifo *f, evtchn_port_t port);
bool evtchn_fifo_is_masked(const struct evtchn_fifo *f, evtchn_port_t port);
/* LINKED: a closed port still on a queue is not handed out again. */
bool evtchn_fifo_is_busy(const struct evtchn_fifo *f, evtchn_port_t port);
/* -EINVAL above EVTCHN_FIFO_PRIORITY_MIN; affects future events only. */
long evtchn_fifo_set_priority(struct domain *d, struct evtchn_fifo *f, evtchn_port_t port,
			      struct evtchn_fifo_port *fp, uint32_t priority);

/* The dump's FIFO members: of the domain, and of one port. */
void evtchn_fifo_dump(const struct evtchn_fifo *f, struct json_object *out);
void evtchn_fifo_dump_port(const struct evtchn_fifo *f, evtchn_port_t port,
			   const struct evtchn_fifo_port *fp, struct json_object *o);

/*
 * For tests that play a guest racing the hypervisor: called with the
 * tail's event word right before each compare-and-swap that links an
 * event to it, so that a test can change the word at exactly that point.
 * NULL (the default) in hvsimd.
 */
void evtchn_fifo_set_link_hook(void (*hook)(uint32_t *word));

#endif
