// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kill -9 sweep (issue 18).  Two domains, alice and bob, run a
 * share / map / notify / vchan exchange of NR_STEPS steps through Debian's
 * libraries (killsweep-peer, ks_peer.c).  For every k in 0..NR_STEPS and
 * every process of the exchange (alice's program, bob's program, alice's
 * guest kernel, bob's guest kernel) the sweep runs steps 1..k, SIGKILLs
 * that process and checks, as hvsimd's control socket shows it:
 *
 *  - the peer was told as Linux and Xen tell it: a killed program's
 *    unmap notifications (the byte cleared, the event on the survivor's
 *    port; the vchan's live byte); a killed kernel's domain destroyed,
 *    Domain-0 told by VIRQ_DOM_EXC and @releaseDomain, the survivor's port
 *    back to unbound, its pins dropped, and no code of the dead domain run
 *    (its bytes unchanged);
 *  - once the survivor has given back what it holds: no grant in use, no
 *    maptrack handle, no p2m override, no port beyond the kernels' own,
 *    no xenstore node the programs made (except a killed vchan server's,
 *    which Xen leaves too, and the sweep then removes as a toolstack
 *    would), the dead domain dead; hvsimd has exactly as many descriptors
 *    as before, none of them (nor a mapping) a memfd of a dead domain;
 *  - hvsimd serves on: a new domain replaces a dead one, the next case
 *    shares and maps in it, and its pid is the same at the end; its
 *    anonymous memory grows by less than RSS_SLACK_KIB over the sweep.
 *
 * A program whose kernel was killed keeps running (on Xen it would be gone
 * with its domain): its device calls must fail rather than hang; then the
 * sweep kills it.
 *
 * It prints a table, step x process -> outcome, and fails naming each
 * case that went wrong and what leaked or who was not told (after
 * MAX_FAILURES failed cases it stops).  Waits are generous (a loaded
 * machine); nothing asserts on how long anything took.
 * KILLSWEEP_DEBUG=1 prints each poll of the leftovers and what an orphaned
 * program was told; KILLSWEEP_KEEP=1 leaves hvsimd running after a failure.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "harness.h"
#include "hvsim/paths.h"
#include "ks_state.h"
#include "vchan/domain_proc.h"

#define NR_STEPS 10
/* how long an answer, an event, a state may take on a loaded machine */
#define ANSWER_MS 30000
#define SETTLE_MS 30000
/* how long a program waits for an event (less: its "none" must reach us) */
#define EVENT_MS 20000
/* the same in a step that a kill interrupts: the event may never come */
#define MID_STEP_WAIT_MS 1000
#define RSS_SLACK_KIB (8 * 1024)
/* the sweep stops after this many failed cases */
#define MAX_FAILURES 3

enum victim { V_ALICE, V_BOB, V_ALICE_KERNEL, V_BOB_KERNEL, NR_VICTIMS, V_NOBODY = NR_VICTIMS };

static const char *const victim_name[] = {
	"alice", "bob", "alice's kernel", "bob's kernel", "nobody",
};

static const char *const step_name[NR_STEPS + 1] = {
	"(programs started)",
	"alice: bind unbound port",
	"bob: bind interdomain",
	"alice: share, unmap notify",
	"bob: map, unmap notify",
	"event alice -> bob",
	"event bob -> alice",
	"alice: vchan server",
	"bob: vchan client",
	"vchan bob -> alice",
	"vchan alice -> bob",
};

struct side {
	const char *role;        /* "alice", "bob" */
	char name[32];           /* the domain's name now (a new one per kernel killed) */
	uint16_t domid;
	unsigned int gen;
	struct dproc prog;
	bool running;
};

static struct side sides[2] = { { .role = "alice" }, { .role = "bob" } };
static struct dproc watcher;     /* in Domain-0: VIRQ_DOM_EXC and @releaseDomain */
static int dom_exc_port;
static unsigned int seq;
static struct ks_world world;    /* what ks_state.c sees as alive */
static char peer_exe[PATH_MAX];

/* the exchange's values */
static int aport, bport, gref;
static char vchan_path[128];

/* what a clean system looks like (see ks_leftovers()) */
static struct ks_baseline base;

/*
 * A case that kills in the middle of step k sends that step's requests
 * and does not wait for their answers (req() returns at once), and its
 * steps wait for events only briefly: the peer may never send them.
 */
static bool fire_and_forget;
static int step_wait_ms = EVENT_MS;

/* the current case's failure */
static char why[4096];
/* what the current case's survivors were seen to be told (the table's cell) */
static char seen[48];

static void saw(const char *what)
{
	size_t len = strlen(seen);

	snprintf(seen + len, sizeof(seen) - len, "%s%s", len ? " " : "", what);
}

static bool flunk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bool flunk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return false;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* ---- talking to the programs -------------------------------------------- */

/*
 * Sends one request and waits for its answer (after "@SEQ ") into ans.
 * True when it is "ok ...".
 */
static bool req(struct dproc *p, char *ans, size_t n, int ms, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static bool req(struct dproc *p, char *ans, size_t n, int ms, const char *fmt, ...)
{
	char line[512], key[32];
	unsigned int s = ++seq;
	int len = snprintf(line, sizeof(line), "%u ", s);
	const char *a;
	va_list ap;

	va_start(ap, fmt);
	len += vsnprintf(line + len, sizeof(line) - (size_t)len - 1, fmt, ap);
	va_end(ap);
	line[len++] = '\n';
	if (p->in < 0 || write(p->in, line, (size_t)len) != len) {
		snprintf(ans, n, "cannot ask (%s)", strerror(errno));
		return false;
	}
	if (fire_and_forget) {
		snprintf(ans, n, "ok 0");
		return true;
	}
	snprintf(key, sizeof(key), "\n@%u ", s);
	if (!dproc_expect(p, key, ms)) {
		snprintf(ans, n, "no answer to '%.*s' (stderr: %.300s)", len - 1, line,
			 p->errtext ? p->errtext : "");
		return false;
	}
	/* the rest of its line */
	while (!strchr(strstr(p->text, key) + strlen(key), '\n') &&
	       dproc_expect(p, "\n@never", 50))
		;
	a = strstr(p->text, key) + strlen(key);
	snprintf(ans, n, "%.*s", (int)strcspn(a, "\n"), a);
	return !strncmp(ans, "ok", 2) && (!ans[2] || ans[2] == ' ');
}

/* A request that must succeed; its number after "ok " (or 0). */
static bool must(struct dproc *p, const char *who, int *num, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static bool must(struct dproc *p, const char *who, int *num, const char *fmt, ...)
{
	char line[512], ans[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (!req(p, ans, sizeof(ans), ANSWER_MS, "%s", line))
		return flunk("%s: '%s': %s", who, line, ans);
	if (num)
		*num = atoi(ans + 2);
	return true;
}

/* A request whose answer must be exactly `want`. */
static bool expect_ans(struct dproc *p, const char *who, const char *want, const char *what,
		       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static bool expect_ans(struct dproc *p, const char *who, const char *want, const char *what,
		       const char *fmt, ...)
{
	char line[512], ans[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	req(p, ans, sizeof(ans), ANSWER_MS, "%s", line);
	if (strcmp(ans, want))
		return flunk("%s %s: '%s' answered '%s', not '%s'", who, what, line, ans, want);
	return true;
}

static bool start_prog(struct side *s)
{
	char *argv[] = { peer_exe, NULL };
	int rc = dproc_start(&s->prog, harness_dir(), s->domid, argv);

	if (rc)
		return flunk("cannot start %s's program: %s", s->role, strerror(-rc));
	s->running = true;
	if (!dproc_expect(&s->prog, "pid ", ANSWER_MS))
		return flunk("%s's program did not start: %.300s", s->role, s->prog.errtext);
	return true;
}

/* ---- hvsimd's view (ks_state.c) ----------------------------------------- */

/* Polls ks_leftovers() until clean; false with what remains. */
static bool settled(int dead)
{
	char left[4096];
	long long end = now_ms() + SETTLE_MS;

	for (;;) {
		ks_leftovers(&base, left, sizeof(left), dead);
		if (getenv("KILLSWEEP_DEBUG"))
			fprintf(stderr, "%lld settle: %s\n", now_ms(), left);
		if (!left[0])
			return true;
		if (now_ms() > end)
			return flunk("leaked: %s", left);
		usleep(50 * 1000);
	}
}

/* ---- the exchange ------------------------------------------------------- */

static bool step(int k)
{
	struct dproc *a = &sides[0].prog, *b = &sides[1].prog;
	uint16_t A = sides[0].domid, B = sides[1].domid;
	char want[64];

	switch (k) {
	case 1:
		return must(a, "alice", &aport, "unbound %u", B);
	case 2:
		return must(b, "bob", &bport, "bind %u %d", A, aport);
	case 3:
		return must(a, "alice", &gref, "share %u %d", B, aport);
	case 4:
		return expect_ans(b, "bob", "ok 1", "maps alice's page", "map %u %d %d", A, gref, bport);
	case 5:
		return must(a, "alice", NULL, "notify %d", aport) &&
		       expect_ans(b, "bob", "ok", "waits for alice's event", "wait %d %d", bport, step_wait_ms);
	case 6:
		return must(b, "bob", NULL, "notify %d", bport) &&
		       expect_ans(a, "alice", "ok", "waits for bob's event", "wait %d %d", aport, step_wait_ms);
	case 7:
		snprintf(vchan_path, sizeof(vchan_path), "/local/domain/%u/data/killsweep", A);
		return must(a, "alice", NULL, "vserver %u %s", B, vchan_path);
	case 8:
		return must(b, "bob", NULL, "vclient %u %s", A, vchan_path);
	case 9:
		snprintf(want, sizeof(want), "ok ping");
		return must(b, "bob", NULL, "vsend ping") &&
		       expect_ans(a, "alice", want, "receives", "vrecv 4 %d", step_wait_ms);
	case 10:
		snprintf(want, sizeof(want), "ok pong");
		return must(a, "alice", NULL, "vsend pong") &&
		       expect_ans(b, "bob", want, "receives", "vrecv 4 %d", step_wait_ms);
	}
	return true;
}

/* Polls `vopen` until the vchan's peer is seen gone. */
static bool vchan_closed(struct dproc *p, const char *who)
{
	long long end = now_ms() + SETTLE_MS;
	char ans[600];

	while (req(p, ans, sizeof(ans), ANSWER_MS, "vopen") && strcmp(ans, "ok 0")) {
		if (now_ms() > end)
			break;
		usleep(50 * 1000);
	}
	if (strcmp(ans, "ok 0"))
		return flunk("%s's vchan still says its peer is there ('vopen': %s)", who, ans);
	return true;
}

static bool port_becomes(uint16_t domid, int port, const char *want, const char *who)
{
	long long end = now_ms() + SETTLE_MS;
	char state[32];

	for (;;) {
		ks_port_state(domid, port, state, sizeof(state));
		if (!strcmp(state, want))
			return true;
		if (now_ms() > end)
			return flunk("%s's port %d is %s, not %s", who, port, state, want);
		usleep(50 * 1000);
	}
}

/* What the survivors must have been told after `v` died at step k. */
static bool told(int k, enum victim v)
{
	struct dproc *a = &sides[0].prog, *b = &sides[1].prog;
	char w[32];

	switch (v) {
	case V_ALICE:
		/* gntalloc's release: byte 0 cleared, the event on alice's port */
		if (k >= 3 && !expect_ans(b, "bob", "ok", "was not told (unmap notify event)",
					  "wait %d %d", bport, EVENT_MS))
			return false;
		if (k >= 3)
			saw("event");
		if (k >= 4 && !expect_ans(b, "bob", "ok 0", "was not told (unmap notify byte)", "read 0"))
			return false;
		if (k >= 4)
			saw("byte");
		if (k >= 8 && !vchan_closed(b, "bob"))
			return false;
		if (k >= 8)
			saw("vchan");
		return k < 2 || port_becomes(sides[1].domid, bport, "unbound", "bob");
	case V_BOB:
		/* gntdev's release: byte 1 cleared, the event on bob's port */
		if (k >= 4 && !expect_ans(a, "alice", "ok", "was not told (unmap notify event)",
					  "wait %d %d", aport, EVENT_MS))
			return false;
		if (k >= 4 && !expect_ans(a, "alice", "ok 0", "was not told (unmap notify byte)", "read 1"))
			return false;
		if (k >= 4)
			saw("event byte");
		if (k >= 8 && !vchan_closed(a, "alice"))
			return false;
		if (k >= 8)
			saw("vchan");
		return k < 2 || port_becomes(sides[0].domid, aport, "unbound", "alice");
	case V_ALICE_KERNEL:
	case V_BOB_KERNEL: {
		int dead = v == V_ALICE_KERNEL ? 0 : 1, other = !dead;
		struct dproc *o = other ? b : a;
		const char *oname = sides[other].role;
		long long end = now_ms() + SETTLE_MS;

		/* Xen destroys the domain: Domain-0 is told */
		if (!expect_ans(&watcher, "Domain-0", "ok", "got no VIRQ_DOM_EXC", "wait %d %d",
				dom_exc_port, EVENT_MS) ||
		    !expect_ans(&watcher, "Domain-0", "ok @releaseDomain", "saw no @releaseDomain",
				"xswait %d", EVENT_MS))
			return false;
		saw("DOM_EXC");
		while (!strcmp(ks_domain_state(sides[dead].domid), "running")) {
			if (now_ms() > end)
				return flunk("%s still runs after its kernel died", sides[dead].name);
			usleep(50 * 1000);
		}
		/* no code of the dead domain ran: its notifications did not fire */
		snprintf(w, sizeof(w), "read %d", dead);
		if (k >= 4 && !expect_ans(o, oname, "ok 1", "saw a dead domain's notification", "%s", w))
			return false;
		if (k >= 4)
			saw("no-notify");
		/* its mappings went: alice's grant is no longer pinned by bob */
		if (dead == 1 && k >= 4) {
			while (ks_grant_pinned(sides[0].domid, gref)) {
				if (now_ms() > end)
					return flunk("alice's grant %d still pinned after bob's domain died", gref);
				usleep(50 * 1000);
			}
			saw("unpinned");
		}
		return k < 2 || port_becomes(sides[other].domid, other ? bport : aport, "unbound", oname);
	}
	default:
		return true;
	}
}

/* A kernel killed in the middle of a step: its domain is destroyed, Domain-0 told. */
static bool told_mid(enum victim v)
{
	int dead = v - V_ALICE_KERNEL;
	long long end = now_ms() + SETTLE_MS;

	if (v != V_ALICE_KERNEL && v != V_BOB_KERNEL)
		return true;
	if (!expect_ans(&watcher, "Domain-0", "ok", "got no VIRQ_DOM_EXC", "wait %d %d",
			dom_exc_port, EVENT_MS) ||
	    !expect_ans(&watcher, "Domain-0", "ok @releaseDomain", "saw no @releaseDomain",
			"xswait %d", EVENT_MS))
		return false;
	saw("DOM_EXC");
	while (!strcmp(ks_domain_state(sides[dead].domid), "running")) {
		if (now_ms() > end)
			return flunk("%s still runs after its kernel died", sides[dead].name);
		usleep(50 * 1000);
	}
	return true;
}

static bool create_domain(struct side *s)
{
	char path[64];
	uint16_t domid;

	if (s->gen)
		snprintf(s->name, sizeof(s->name), "%s-%u", s->role, s->gen);
	else
		snprintf(s->name, sizeof(s->name), "%s", s->role);
	s->gen++;
	if (hvsim_domain_create(harness_ctl(), s->name, 16, NULL, 0, &domid))
		return flunk("hvsimd creates no domain %s: %s", s->name, hvsim_ctl_error(harness_ctl()));
	s->domid = domid;
	world.domid[s - sides] = domid;
	/* as libxl does: the node a vchan's path goes below exists beforehand */
	snprintf(path, sizeof(path), "/local/domain/%u/data", domid);
	if (hvsim_xenstore_write(harness_ctl(), path, "", 0))
		return flunk("cannot write %s: %s", path, hvsim_ctl_error(harness_ctl()));
	return true;
}

/* Ends the programs still running, the orderly way for survivors. */
static bool finish_programs(enum victim v)
{
	bool ok = true;

	for (int i = 0; i < 2; i++) {
		struct side *s = &sides[i];
		int st;

		if (!s->running)
			continue;
		if ((int)v == i) {
			st = dproc_wait(&s->prog, ANSWER_MS);
			if (st != 128 + SIGKILL && ok)
				ok = flunk("%s's program ended with %d, not SIGKILL", s->role, st);
		} else if ((int)v == i + V_ALICE_KERNEL) {
			char ans[600];

			/* its kernel is gone: its calls must fail, not hang */
			req(&s->prog, ans, sizeof(ans), ANSWER_MS, "notify 1");
			if (getenv("KILLSWEEP_DEBUG"))
				fprintf(stderr, "orphan %s: notify: %s\n", s->role, ans);
			if (!strncmp(ans, "no answer", 9) && ok)
				ok = flunk("%s's program, its kernel dead, hangs: %s", s->role, ans);
			/* its domain is gone: so are its processes on Xen */
			dproc_kill(&s->prog, SIGKILL);
			dproc_wait(&s->prog, ANSWER_MS);
		} else {
			if (ok)
				ok = must(&s->prog, s->role, NULL, "cleanup");
			dproc_close_stdin(&s->prog);
			st = dproc_wait(&s->prog, ANSWER_MS);
			if (st != 0 && ok)
				ok = flunk("%s's program exited with %d after cleanup: %.300s", s->role, st,
					  s->prog.errtext);
		}
		dproc_release(&s->prog);
		s->running = false;
	}
	return ok;
}

/*
 * A killed vchan server leaves its nodes, on Xen too (libxenvchan_close
 * removes them; nobody else does): check they are there and remove them,
 * as the toolstack or the next server would.
 */
static bool vchan_nodes_left(int k, enum victim v)
{
	char path[192], *val = NULL;
	size_t len;

	if (v != V_ALICE || k < 7)
		return true;
	snprintf(path, sizeof(path), "%s/ring-ref", vchan_path);
	if (hvsim_xenstore_read(harness_ctl(), path, &val, &len))
		return flunk("the killed vchan server's %s is gone: who removed it?", path);
	free(val);
	if (hvsim_xenstore_rm(harness_ctl(), vchan_path))
		return flunk("cannot remove %s: %s", vchan_path, hvsim_ctl_error(harness_ctl()));
	saw("xs-left");
	return true;
}

/*
 * One case: steps 1..k, then v dies (V_NOBODY: the whole run, then an
 * orderly end).  With `mid`, v dies while step k runs: what the survivors
 * are told then depends on how far the step got, so only what is certain
 * is checked (a dead kernel's domain destroyed, Domain-0 told), and that
 * nothing leaked.
 */
static bool run_case(int k, enum victim v, bool mid)
{
	int dead = -1, died_side = -1;
	char ans[600];

	why[0] = 0;
	seen[0] = 0;
	if (!req(&watcher, ans, sizeof(ans), ANSWER_MS, "drain"))
		return flunk("Domain-0's watcher: drain: %s", ans);
	for (int i = 0; i < 2; i++)
		if (!start_prog(&sides[i]))
			goto out;
	/* the steps before the kill are whole: they wait as long as any
	 * (a short wait there once failed a case on a loaded machine) */
	step_wait_ms = EVENT_MS;
	for (int s = 1; s <= k - mid; s++)
		if (!step(s)) {
			char inner[sizeof(why)];

			snprintf(inner, sizeof(inner), "%s", why);
			flunk("step %d (%s) failed before the kill: %s", s, step_name[s], inner);
			goto out;
		}
	if (mid) {
		step_wait_ms = MID_STEP_WAIT_MS;
		fire_and_forget = true;
		step(k);
		fire_and_forget = false;
		/* a spread of moments: before, as and after the request is read */
		usleep((unsigned int)((k + v) % 4) * 500);
	}
	if (v == V_ALICE || v == V_BOB) {
		dproc_kill(&sides[v].prog, SIGKILL);
	} else if (v == V_ALICE_KERNEL || v == V_BOB_KERNEL) {
		died_side = v - V_ALICE_KERNEL;
		pid_t kp = ks_kernel_pid(sides[died_side].domid);

		dead = sides[died_side].domid;
		if (kp <= 0) {
			flunk("no kernel process of %s", sides[died_side].name);
			goto out;
		}
		kill(kp, SIGKILL);
	}
	if (mid ? !told_mid(v) : !told(k, v))
		goto out;
	if (k >= 2 && v != V_NOBODY && !mid)
		saw("unbound");
	if (!finish_programs(v))
		goto out;
	if (mid && v == V_ALICE && k >= 7)
		hvsim_xenstore_rm(harness_ctl(), vchan_path);   /* there or not */
	else if (!vchan_nodes_left(k, v))
		goto out;
	if (died_side >= 0) {
		/* hvsimd serves on: a new domain in the dead one's place */
		long long end = now_ms() + SETTLE_MS;

		while (strcmp(ks_domain_state((uint16_t)dead), "dead") && now_ms() < end)
			usleep(50 * 1000);
		if (!create_domain(&sides[died_side]))
			goto out;
	}
	if (!settled(dead))
		goto out;
	return true;
out:
	for (int i = 0; i < 2; i++)
		if (sides[i].running) {
			dproc_release(&sides[i].prog);
			sides[i].running = false;
		}
	return false;
}

/* After a failed case: fresh domains, so that the next case starts clean. */
static void reset_domains(void)
{
	for (int i = 0; i < 2; i++) {
		hvsim_domain_destroy(harness_ctl(), sides[i].name);
		create_domain(&sides[i]);
	}
}

/*
 * Under a sanitizer hvsimd's memory says nothing: ASan keeps what is
 * freed in quarantine (tens of MiB over the sweep).
 */
static bool sanitized(void)
{
#ifdef KILLSWEEP_SAN
	return true;
#else
	return false;
#endif
}

/*
 * Stops hvsimd: the kernels still running (Domain-0's, which saw every
 * case, and the last alice's and bob's) shut down in order and report
 * what their drivers left allocated; that is a leak too.
 */
static void kernels_leaked(FILE *ff, int *nfail)
{
	char path[PATH_MAX], *log = NULL, *hit;
	size_t cap = 0;
	FILE *f;

	if (hvsim_down(harness_dir())) {
		fprintf(ff, "hvsimd did not stop\n");
		fprintf(stderr, "killsweep: hvsimd did not stop\n");
		++*nfail;
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", harness_dir(), HVSIM_LOG_FILE);
	f = fopen(path, "r");
	if (f && getdelim(&log, &cap, 0, f) > 0 && (hit = strstr(log, "slab: leaked"))) {
		fprintf(ff, "a kernel leaked at shutdown: %.600s\n", hit);
		fprintf(stderr, "killsweep: a kernel leaked at shutdown: %.600s\n", hit);
		++*nfail;
	}
	if (f)
		fclose(f);
	free(log);
}

START_TEST(kill9_sweep)
{
	/* [0]: killed after step k; [1]: killed while step k runs */
	static char cell[2][NR_STEPS + 1][NR_VICTIMS][64];
	char *failures = NULL;
	size_t flen = 0;
	FILE *ff = open_memstream(&failures, &flen);
	long rss0, rss1;
	long long t0 = now_ms();
	int cases = 0, nfail = 0;
	struct json_object *ping;
	pid_t pid_end;

	signal(SIGPIPE, SIG_IGN);
	snprintf(peer_exe, sizeof(peer_exe), "%s", harness_exe("killsweep-peer"));
	harness_up(1);
	ping = ks_call("ping", NULL);
	ck_assert(ping != NULL);
	world.hvsimd = json_object_get_int(ks_get(ping, "pid"));
	for (int i = 0; i < 2; i++)
		world.name[i] = sides[i].name;
	ks_state_init(&world);
	json_object_put(ping);
	for (int i = 0; i < 2; i++)
		ck_assert_msg(create_domain(&sides[i]), "%s", why);

	{
		char *argv[] = { peer_exe, NULL };

		ck_assert_int_eq(dproc_start(&watcher, harness_dir(), 0, argv), 0);
		ck_assert_msg(must(&watcher, "Domain-0", &dom_exc_port, "virq 3"), "%s", why);
		ck_assert_msg(must(&watcher, "Domain-0", NULL, "xswatch @releaseDomain"), "%s", why);
	}
	ks_baseline_take(&base);

	/* the whole run without a kill: it works, and leaves nothing */
	ck_assert_msg(run_case(NR_STEPS, V_NOBODY, false), "the run without a kill: %s", why);
	rss0 = ks_rss_anon_kib();

	for (int mid = 0; mid < 2; mid++) {
		for (int k = mid; k <= NR_STEPS; k++) {
			for (int v = 0; v < NR_VICTIMS; v++) {
				char *c = cell[mid][k][v];

				/* a leak usually fails every case after it: enough said */
				if (nfail >= MAX_FAILURES) {
					snprintf(c, sizeof(cell[0][0][0]), "not run");
					continue;
				}
				cases++;
				if (run_case(k, (enum victim)v, mid)) {
					snprintf(c, sizeof(cell[0][0][0]), "ok %s", seen);
					continue;
				}
				snprintf(c, sizeof(cell[0][0][0]), "FAIL");
				nfail++;
				fprintf(ff, "%s step %d (%s), kill %s: %s\n", mid ? "during" : "after",
					k, step_name[k], victim_name[v], why);
				fprintf(stderr, "killsweep: %s step %d (%s), kill %s: %s\n",
					mid ? "during" : "after", k, step_name[k], victim_name[v], why);
				reset_domains();
				ks_baseline_take(&base);
			}
		}
	}

	/* and once more the whole run: hvsimd still serves */
	if (!run_case(NR_STEPS, V_NOBODY, false)) {
		nfail++;
		fprintf(ff, "the run without a kill, at the end: %s\n", why);
		fprintf(stderr, "killsweep: the run without a kill, at the end: %s\n", why);
	}
	rss1 = ks_rss_anon_kib();
	ping = ks_call("ping", NULL);
	pid_end = ping ? json_object_get_int(ks_get(ping, "pid")) : -1;
	json_object_put(ping);

	printf("kill -9 sweep: %d cases in %.1f s; hvsimd RssAnon %ld -> %ld KiB, %d fds\n",
	       cases, (now_ms() - t0) / 1000.0, rss0, rss1, base.fds);
	for (int mid = 0; mid < 2; mid++) {
		printf("\n%-33s", mid ? "killed while step k runs" : "killed after step k");
		for (int v = 0; v < NR_VICTIMS; v++)
			printf(" %-36s", victim_name[v]);
		printf("\n");
		for (int k = mid; k <= NR_STEPS; k++) {
			printf("%-4d %-28s", k, step_name[k]);
			for (int v = 0; v < NR_VICTIMS; v++)
				printf(" %-36s", cell[mid][k][v]);
			printf("\n");
		}
	}
	printf("\nok: told as Linux and Xen tell it, then nothing left over (grants, maptrack, p2m,\n"
	       "ports, xenstore, hvsimd's descriptors, memfds and mappings); and what the survivors saw:\n"
	       "  event, byte: the unmap notification's event and cleared byte;"
	       " vchan: libxenvchan_is_open() 0;\n"
	       "  unbound: the survivor's port back to unbound;"
	       " DOM_EXC: VIRQ_DOM_EXC and @releaseDomain in Domain-0;\n"
	       "  no-notify: the dead domain's notification did not fire (its byte kept);"
	       " unpinned: the dead mapper's pins dropped;\n"
	       "  xs-left: the killed vchan server's xenstore nodes stay, as on Xen (then removed);\n"
	       "  while a step runs, only what is certain is checked: DOM_EXC, and that nothing leaked\n");
	fflush(stdout);

	dproc_close_stdin(&watcher);
	dproc_wait(&watcher, ANSWER_MS);
	dproc_release(&watcher);
	/*
	 * Domain-0's kernel releases the watcher's file on its own time: wait
	 * for that (its port closed) before hvsimd stops, or the kernel may
	 * shut down in the middle of the release and report its objects as
	 * leaked (devsock_stop waits 1 s for a release in flight).
	 */
	if (!port_becomes(0, dom_exc_port, "free", "Domain-0")) {
		nfail++;
		fprintf(ff, "%s\n", why);
	}
	if (!nfail)
		kernels_leaked(ff, &nfail);
	if (nfail && getenv("KILLSWEEP_KEEP"))
		harness_keep();         /* for a post-mortem: hvsim list, grants, trace */
	else
		harness_down();
	fclose(ff);
	ck_assert_msg(pid_end == world.hvsimd, "hvsimd is pid %d now, %d before", (int)pid_end, (int)world.hvsimd);
	ck_assert_msg(nfail == 0, "%d of %d cases failed:\n%s", nfail, cases, failures);
	ck_assert_msg(sanitized() || rss1 - rss0 < RSS_SLACK_KIB,
		      "hvsimd's anonymous memory grew %ld KiB over the sweep", rss1 - rss0);
	free(failures);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("killsweep");
	TCase *tc = tcase_create("sweep");

	/* a loaded machine: far more than the sweep needs (about a minute) */
	tcase_set_timeout(tc, 1800);
	tcase_add_test(tc, kill9_sweep);
	suite_add_tcase(s, tc);
	return harness_run(s);
}
