// SPDX-License-Identifier: GPL-2.0-only
/* The runner's statements: domains, processes, time, and checks of hvsimd's state. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "scn_steps.h"

static int do_domain(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	const char *name = step_name(st);
	const struct scn_capture *pc = scn_cap(st, "PARAMS");
	const char *params[64];
	size_t np = 0;
	int64_t mib = 0;
	uint16_t domid;
	int err;

	if (scn_cap(st, "MIB") && scn_num(r, st, "MIB", &mib) < 0)
		return -1;
	for (size_t i = 0; pc && i < pc->count && np < 64; i++)
		params[np++] = st->tok[pc->first + i].text;
	err = hvsim_domain_create(r->ctl, name, (unsigned int)mib, params, np, &domid);
	if (err) {
		res->failed = true;
		res->err = -err;
		snprintf(res->why, sizeof(res->why), "%s", hvsim_ctl_error(r->ctl));
		return 0;
	}
	scn_domain_add(r, name, domid, true);
	scn_var_set(&r->vars, name, SCN_VAR_DOMAIN, NULL, 0, domid, NULL, st->line);
	snprintf(res->summary, sizeof(res->summary), "domid %u", domid);
	return 0;
}

static int do_destroy(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	uint16_t domid;
	char id[16];
	int err;

	if (scn_peer(r, st, "DOMAIN", &domid) < 0)
		return -1;
	snprintf(id, sizeof(id), "%u", domid);
	/* As on Xen: the hypervisor tears the domain down; none of its code runs,
	 * so its processes vanish without closing anything themselves. */
	err = hvsim_domain_destroy(r->ctl, id);
	if (err) {
		res->failed = true;
		res->err = -err;
		snprintf(res->why, sizeof(res->why), "%s", hvsim_ctl_error(r->ctl));
		return 0;
	}
	for (size_t i = 0; i < r->ndoms; i++) {
		struct scn_domain *d = &r->doms[i];

		if (d->domid != domid)
			continue;
		scn_agent_kill(r, d, st->line);
		d->destroyed_line = st->line;
		for (size_t p = 0; p < r->nprogs; p++)
			if (!strcmp(r->progs[p].domain, d->name))
				scn_proc_kill(&r->progs[p].proc);
	}
	scn_settle(r);
	return 0;
}

/* A name started again is the newest program, as $NAME is the newest variable. */
static struct scn_program *program_find(struct scn_runner *r, const char *name)
{
	for (size_t i = r->nprogs; i-- > 0;)
		if (!strcmp(r->progs[i].name, name))
			return &r->progs[i];
	return NULL;
}

static int do_kill(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	const char *who = scn_cap_tok(st, "PROC")->text;

	if (who[0] == '$') {
		struct scn_program *p = program_find(r, who + 1);

		if (!p)
			return scn_error(r, "%s is not a program this scenario started", who);
		if (p->proc.reaped || scn_proc_wait(&p->proc, 0)) {
			res->failed = true;
			res->err = ESRCH;
			snprintf(res->why, sizeof(res->why), "%s ended already", who);
			return 0;
		}
		scn_proc_kill(&p->proc);
	} else {
		struct scn_domain *d = scn_domain_find(r, who);

		if (!d)
			return scn_error(r, "'%s' is neither a domain of this scenario nor a $program",
					 who);
		if (!d->has_agent) {
			res->failed = true;
			res->err = ESRCH;
			snprintf(res->why, sizeof(res->why), "%s has no agent running", who);
			return 0;
		}
		scn_agent_kill(r, d, st->line);
	}
	/* its files close now: the guest kernel releases them on its own time */
	scn_settle(r);
	snprintf(res->summary, sizeof(res->summary), "SIGKILL");
	return 0;
}

static int do_start(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	const char *name = step_name(st);
	const struct scn_capture *ac = scn_cap(st, "ARGS");
	struct scn_domain *d;
	struct scn_program prog = { 0 };
	char **argv = calloc(ac->count + 1, sizeof(*argv)), err[1024];
	uint16_t domid;
	int rc;

	if (scn_peer(r, st, "DOMAIN", &domid) < 0) {
		free(argv);
		return -1;
	}
	/* $variables in words are their numbers: programs get refs and ports this way */
	for (size_t i = 0; i < ac->count; i++) {
		char word[4096];

		if (step_expand_token(r, &st->tok[ac->first + i], word, sizeof(word)) < 0) {
			for (size_t j = 0; j < i; j++)
				free(argv[j]);
			free(argv);
			return -1;
		}
		argv[i] = strdup(word);
	}
	snprintf(prog.log, sizeof(prog.log), "%s/%s.out", r->workdir, name);
	rc = scn_program_start(&r->env, domid, argv, prog.log, &prog.proc, err, sizeof(err));
	for (size_t i = 0; i < ac->count; i++)
		free(argv[i]);
	free(argv);
	if (rc) {
		res->failed = true;
		res->err = -rc;
		snprintf(res->why, sizeof(res->why), "%s", err);
		return 0;
	}
	d = scn_domain_find(r, scn_cap_tok(st, "DOMAIN")->text);
	prog.name = strdup(name);
	prog.domain = strdup(d ? d->name : scn_cap_tok(st, "DOMAIN")->text);
	r->progs = realloc(r->progs, (r->nprogs + 1) * sizeof(*r->progs));
	r->progs[r->nprogs++] = prog;
	scn_var_set(&r->vars, name, SCN_VAR_PROGRAM, NULL, 0, prog.proc.pid, NULL, st->line);
	snprintf(res->summary, sizeof(res->summary), "pid %d", (int)prog.proc.pid);
	return 0;
}

static int do_wait_proc(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	const char *who = scn_cap_tok(st, "PROC")->text;
	struct scn_program *p = who[0] == '$' ? program_find(r, who + 1) : NULL;
	long ms = scn_time(st, "TIME");
	char how[64];

	if (!p)
		return scn_error(r, "%s is not a program this scenario started (start NAME in "
				 "DOMAIN -- ...)", who);
	res->wait_ms = ms;
	if (!scn_proc_wait(&p->proc, (int)ms)) {
		res->none = true;
		snprintf(res->summary, sizeof(res->summary), "still running after %ld ms", ms);
	} else {
		res->has_exit = true;
		if (WIFSIGNALED(p->proc.status))
			res->sig = WTERMSIG(p->proc.status);
		else
			res->exit_code = WEXITSTATUS(p->proc.status);
		scn_proc_describe(&p->proc, how, sizeof(how));
		snprintf(res->summary, sizeof(res->summary), "%s", how);
	}
	snprintf(res->output, sizeof(res->output), "%s", p->log);
	return 0;
}

static int do_sleep(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	long ms = scn_time(st, "TIME");
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return 0;
}

static int do_set(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	int64_t v;

	if (scn_num(r, st, "VALUE", &v) < 0)
		return -1;
	scn_var_set(&r->vars, step_name(st), SCN_VAR_NUMBER, NULL, 0, v, NULL, st->line);
	snprintf(res->summary, sizeof(res->summary), "%lld", (long long)v);
	return 0;
}

static int do_say(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	return 0;
}

/* Checks of the hypervisor's state ------------------------------------------------- */

static struct json_object *ctl(struct scn_runner *r, const char *cmd, uint16_t domid)
{
	struct json_object *req = json_object_new_object(), *reply = NULL;
	char id[16];

	snprintf(id, sizeof(id), "%u", domid);
	json_object_object_add(req, "cmd", json_object_new_string(cmd));
	json_object_object_add(req, "domain", json_object_new_string(id));
	if (hvsim_ctl_call(r->ctl, req, &reply))
		return NULL;
	return reply;
}

/* Splits a|b|c into a sorted, canonical string for comparing flag sets. */
static void canonical_flags(const char *in, char *out, size_t n)
{
	char copy[256], *parts[16], *save, *p;
	size_t np = 0, len = 0;

	snprintf(copy, sizeof(copy), "%s", in);
	for (p = strtok_r(copy, "|", &save); p && np < 16; p = strtok_r(NULL, "|", &save))
		parts[np++] = p;
	for (size_t i = 0; i < np; i++)
		for (size_t j = i + 1; j < np; j++)
			if (strcmp(parts[i], parts[j]) > 0) {
				char *t = parts[i];

				parts[i] = parts[j];
				parts[j] = t;
			}
	out[0] = 0;
	for (size_t i = 0; i < np; i++)
		len += (size_t)snprintf(out + len, n > len ? n - len : 0, "%s%s", i ? "|" : "", parts[i]);
}

/* One observation of a check: what the hypervisor shows now. */
static int observe(struct scn_runner *r, const struct scn_step *st, char *actual, size_t n)
{
	uint16_t domid;
	struct json_object *reply, *o, *arr;
	int64_t want = 0;

	if (scn_peer(r, st, "DOMAIN", &domid) < 0)
		return -1;
	switch (st->verb->id) {
	case SCN_V_CHECK_GRANT: {
		if (scn_num(r, st, "REF", &want) < 0)
			return -1;
		if (!(reply = ctl(r, "grants", domid)))
			return scn_error(r, "grants of domain %u: %s", domid, hvsim_ctl_error(r->ctl));
		snprintf(actual, n, "free");
		json_object_object_get_ex(reply, "grant_table", &o);
		json_object_object_get_ex(o, "entries", &arr);
		for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
			struct json_object *e = json_object_array_get_idx(arr, i), *f;

			if (step_reply_int(e, "ref") == want && json_object_object_get_ex(e, "flags_decoded", &f)) {
				char flags[256];

				canonical_flags(json_object_get_string(f), flags, sizeof(flags));
				snprintf(actual, n, "%s", *flags ? flags : "free");
			}
		}
		break;
	}
	case SCN_V_CHECK_MAPPINGS: {
		if (!(reply = ctl(r, "grants", domid)))
			return scn_error(r, "grants of domain %u: %s", domid, hvsim_ctl_error(r->ctl));
		json_object_object_get_ex(reply, "grant_table", &o);
		json_object_object_get_ex(o, "maptrack", &arr);
		snprintf(actual, n, "%zu", arr ? json_object_array_length(arr) : 0);
		break;
	}
	case SCN_V_CHECK_DOMAIN: {
		if (!(reply = ctl(r, "domid", domid)))
			return scn_error(r, "domain %u: %s", domid, hvsim_ctl_error(r->ctl));
		json_object_object_get_ex(reply, "domain", &o);
		json_object_object_get_ex(o, "state", &arr);
		snprintf(actual, n, "%s", json_object_get_string(arr));
		break;
	}
	case SCN_V_CHECK_PORT: {
		if (scn_num(r, st, "PORT", &want) < 0)
			return -1;
		if (!(reply = ctl(r, "evtchn", domid)))
			return scn_error(r, "event channels of domain %u: %s", domid,
					 hvsim_ctl_error(r->ctl));
		snprintf(actual, n, "free");
		json_object_object_get_ex(reply, "evtchn", &o);
		json_object_object_get_ex(o, "ports", &arr);
		for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
			struct json_object *p = json_object_array_get_idx(arr, i), *s;

			if (step_reply_int(p, "port") == want && json_object_object_get_ex(p, "state", &s))
				snprintf(actual, n, "%s", json_object_get_string(s));
		}
		break;
	}
	default:
		return scn_error(r, "internal: not a check");
	}
	json_object_put(reply);
	return 0;
}

static int do_check(struct scn_runner *r, const struct scn_step *st, struct scn_result *res)
{
	const char *slot = st->verb->id == SCN_V_CHECK_GRANT ? "FLAGS" :
			   st->verb->id == SCN_V_CHECK_MAPPINGS ? "COUNT" : "STATE";
	long within = scn_cap(st, "TIME") ? scn_time(st, "TIME") : 0;
	struct timespec start, now;
	char want[256];

	if (st->verb->id == SCN_V_CHECK_MAPPINGS) {
		int64_t count;

		if (scn_num(r, st, "COUNT", &count) < 0)
			return -1;
		snprintf(want, sizeof(want), "%lld", (long long)count);
	} else if (st->verb->id == SCN_V_CHECK_GRANT) {
		canonical_flags(scn_cap_tok(st, slot)->text, want, sizeof(want));
	} else {
		snprintf(want, sizeof(want), "%s", scn_cap_tok(st, slot)->text);
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (observe(r, st, res->actual, sizeof(res->actual)) < 0)
			return -1;
		if (!strcmp(res->actual, want))
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long spent = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;

		if (spent >= within) {
			res->mismatch = true;
			snprintf(res->expected, sizeof(res->expected), "%s%s%s", want,
				 within ? " within " : "", within ? scn_cap_tok(st, "TIME")->text : "");
			break;
		}
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	snprintf(res->summary, sizeof(res->summary), "%s", res->actual);
	return 0;
}

void scn_runner_steps(scn_step_fn **t)
{
	t[SCN_V_DOMAIN] = do_domain;
	t[SCN_V_DESTROY] = do_destroy;
	t[SCN_V_KILL] = do_kill;
	t[SCN_V_START] = do_start;
	t[SCN_V_WAIT_PROC] = do_wait_proc;
	t[SCN_V_SLEEP] = do_sleep;
	t[SCN_V_SET] = do_set;
	t[SCN_V_SAY] = do_say;
	t[SCN_V_CHECK_GRANT] = do_check;
	t[SCN_V_CHECK_MAPPINGS] = do_check;
	t[SCN_V_CHECK_DOMAIN] = do_check;
	t[SCN_V_CHECK_PORT] = do_check;
}
