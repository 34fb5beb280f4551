// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "hvsim/paths.h"
#include "scn_steps.h"

int scn_error(struct scn_runner *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	return -1;
}

int scn_runner_init(struct scn_runner *r, const char *dir, const char *workdir,
		    const struct scn_run_options *opt)
{
	int err;

	memset(r, 0, sizeof(*r));
	r->opt = *opt;
	if (!r->opt.out)
		r->opt.out = stdout;
	r->workdir = workdir;
	if ((err = scn_env_init(&r->env, dir, r->error, sizeof(r->error))))
		return err;
	if ((err = hvsim_ctl_open(dir, &r->ctl))) {
		snprintf(r->error, sizeof(r->error), "no hvsimd runs in %s: %s", dir, strerror(-err));
		return err;
	}
	scn_trace_open(&r->trace, dir);
	/* what happened before the first step (hvsimd's start) is nobody's doing:
	 * read past it, so that seq numbers start from the scenario */
	r->trace.offset = 0;
	scn_step_records(r);
	json_object_put(r->records);
	r->records = NULL;
	if (r->opt.record_state)
		scn_record_state(r, "start");
	if (r->opt.explain) {
		r->explain = scn_explain_new(r->ctl);
		scn_explain_baseline(r->explain);
	}
	return 0;
}

void scn_runner_fini(struct scn_runner *r, bool destroy_ours)
{
	for (size_t i = 0; i < r->nprogs; i++) {
		scn_proc_kill(&r->progs[i].proc);
		free(r->progs[i].name);
		free(r->progs[i].domain);
	}
	for (size_t i = 0; i < r->ndoms; i++) {
		struct scn_domain *d = &r->doms[i];

		if (d->has_agent)
			scn_proc_stop(&d->agent);
		if (destroy_ours && d->ours && !d->destroyed_line && r->ctl) {
			char id[16];

			snprintf(id, sizeof(id), "%u", d->domid);
			hvsim_domain_destroy(r->ctl, id);
		}
		free(d->name);
	}
	for (size_t i = 0; i < r->nmarks; i++) {
		free(r->marks[i].text);
		free(r->marks[i].result);
		free(r->marks[i].failure);
	}
	free(r->marks);
	free(r->progs);
	free(r->doms);
	scn_vars_free(&r->vars);
	json_object_put(r->records);
	scn_explain_free(r->explain);
	if (r->ctl)
		hvsim_ctl_close(r->ctl);
	memset(r, 0, sizeof(*r));
}

/* Domains and their agents -------------------------------------------------- */

struct scn_domain *scn_domain_find(struct scn_runner *r, const char *name)
{
	for (size_t i = 0; i < r->ndoms; i++)
		if (!strcmp(r->doms[i].name, name))
			return &r->doms[i];
	return NULL;
}

struct scn_domain *scn_domain_add(struct scn_runner *r, const char *name, uint16_t domid,
				  bool ours)
{
	struct scn_domain *d;

	r->doms = realloc(r->doms, (r->ndoms + 1) * sizeof(*r->doms));
	d = &r->doms[r->ndoms++];
	memset(d, 0, sizeof(*d));
	d->name = strdup(name);
	d->domid = domid;
	d->ours = ours;
	return d;
}

/* A domain the scenario did not create (Domain-0, or one of a running hvsimd). */
static struct scn_domain *domain_lookup(struct scn_runner *r, const char *name)
{
	struct scn_domain *d = scn_domain_find(r, name);
	uint16_t domid;
	int err;

	if (d)
		return d;
	if ((err = hvsim_domid(r->ctl, name, &domid))) {
		scn_error(r, "there is no domain '%s' (create it first with 'domain %s')", name, name);
		return NULL;
	}
	/* known by its number too: one entry per domid */
	for (size_t i = 0; i < r->ndoms; i++)
		if (r->doms[i].domid == domid)
			return &r->doms[i];
	return scn_domain_add(r, name, domid, false);
}

int scn_domid(struct scn_runner *r, const char *word, uint16_t *domid)
{
	char err[512];
	int64_t v;

	if (word[0] == '$' || (word[0] >= '0' && word[0] <= '9')) {
		if (scn_eval_number(&r->vars, word, &v, err, sizeof(err)) < 0)
			return scn_error(r, "%s", err);
		if (v < 0 || v > 0xffff)
			return scn_error(r, "%lld is not a domid", (long long)v);
		*domid = (uint16_t)v;
		return 0;
	}
	struct scn_domain *d = domain_lookup(r, word);

	if (!d)
		return -1;
	*domid = d->domid;
	return 0;
}

unsigned int scn_generation(struct scn_runner *r, const char *domain)
{
	struct scn_domain *d = domain ? scn_domain_find(r, domain) : NULL;

	return d ? d->generation : 0;
}

void scn_agent_kill(struct scn_runner *r, struct scn_domain *d, unsigned int line)
{
	if (!d->has_agent)
		return;
	scn_proc_kill(&d->agent);
	scn_proc_stop(&d->agent);
	d->has_agent = false;
	d->generation++;
	d->killed_line = line;
}

static struct scn_domain *agent_domain(struct scn_runner *r, const struct scn_step *st)
{
	struct scn_domain *d = domain_lookup(r, st->domain);
	char path[PATH_MAX], err[1024];
	struct stat sb;

	if (!d)
		return NULL;
	if (d->destroyed_line) {
		scn_error(r, "%s was destroyed at line %u: nothing runs in it any more", d->name,
			  d->destroyed_line);
		return NULL;
	}
	if (d->has_agent)
		return d;
	if (hvsim_devices_socket(r->env.dir, d->domid, path, sizeof(path)) ||
	    stat(path, &sb) < 0) {
		scn_error(r, "%s (domid %u) has no guest kernel (%s is missing): was hvsimd "
			  "started with HVSIM_KERNEL=none?", d->name, d->domid, path);
		return NULL;
	}
	if (scn_agent_start(&r->env, d->domid, d->name, &d->agent, err, sizeof(err))) {
		scn_error(r, "cannot start %s's agent: %s", d->name, err);
		return NULL;
	}
	d->has_agent = true;
	return d;
}

int scn_agent_request(struct scn_runner *r, const struct scn_step *st, struct json_object *req,
		      int timeout_ms, struct scn_result *res, struct json_object **replyp)
{
	struct scn_domain *d = agent_domain(r, st);
	struct json_object *reply, *v;
	char err[1024];
	int rc;

	if (replyp)
		*replyp = NULL;
	if (!d) {
		json_object_put(req);
		return -1;
	}
	rc = scn_agent_call(&d->agent, req, timeout_ms, &reply, err, sizeof(err));
	if (rc) {
		unsigned int gen = d->generation;

		scn_agent_kill(r, d, st->line);
		d->killed_line = 0;
		return scn_error(r, "%s's agent (generation %u): %s", d->name, gen, err);
	}
	if (json_object_object_get_ex(reply, "ok", &v) && !json_object_get_boolean(v)) {
		res->failed = true;
		res->err = json_object_object_get_ex(reply, "errno", &v) ? json_object_get_int(v) : EIO;
		if (json_object_object_get_ex(reply, "error", &v))
			snprintf(res->why, sizeof(res->why), "%s", json_object_get_string(v));
		res->fault = json_object_object_get_ex(reply, "fault", &v) &&
			     json_object_get_boolean(v);
	}
	if (replyp)
		*replyp = reply;
	else
		json_object_put(reply);
	return 0;
}

/* The trace ------------------------------------------------------------------- */

struct json_object *scn_step_records(struct scn_runner *r)
{
	if (!r->records) {
		r->records = scn_trace_next(&r->trace, r->ctl);
		size_t n = json_object_array_length(r->records);

		if (n) {
			struct json_object *seq;

			if (json_object_object_get_ex(json_object_array_get_idx(r->records, n - 1),
						      "seq", &seq))
				r->last_seq = (uint64_t)json_object_get_int64(seq);
		}
	}
	return r->records;
}

void scn_record_state(struct scn_runner *r, const char *why)
{
	struct json_object *req = json_object_new_object(), *reply = NULL;

	json_object_object_add(req, "cmd", json_object_new_string("state"));
	json_object_object_add(req, "trace", json_object_new_boolean(1));
	json_object_object_add(req, "why", json_object_new_string(why));
	if (hvsim_ctl_call(r->ctl, req, &reply) == 0)
		json_object_put(reply);
}

void scn_settle(struct scn_runner *r)
{
	struct json_object *req, *reply;
	struct stat sb;
	off_t last = -1;

	/* quiet for 150 ms, or 3 s at most */
	for (int i = 0, quiet = 0; i < 300 && quiet < 15; i++) {
		req = json_object_new_object();
		json_object_object_add(req, "cmd", json_object_new_string("sync"));
		if (hvsim_ctl_call(r->ctl, req, &reply) == 0)
			json_object_put(reply);
		off_t size = stat(r->trace.path, &sb) == 0 ? sb.st_size : 0;

		quiet = size == last ? quiet + 1 : 0;
		last = size;
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
}

/* Slots ------------------------------------------------------------------------- */

int scn_num(struct scn_runner *r, const struct scn_step *st, const char *slot, int64_t *v)
{
	const struct scn_token *t = scn_cap_tok(st, slot);
	char err[512];

	if (!t)
		return scn_error(r, "internal: no %s in this step", slot);
	if (scn_eval_number(&r->vars, t->text, v, err, sizeof(err)) < 0)
		return scn_error(r, "%s", err);
	return 0;
}

int scn_peer(struct scn_runner *r, const struct scn_step *st, const char *slot, uint16_t *domid)
{
	const struct scn_token *t = scn_cap_tok(st, slot);

	return t ? scn_domid(r, t->text, domid) : scn_error(r, "internal: no %s", slot);
}

struct scn_var *scn_obj(struct scn_runner *r, const struct scn_step *st, const char *slot,
			unsigned int kinds)
{
	const struct scn_token *t = scn_cap_tok(st, slot);
	struct scn_var *v;
	struct scn_domain *d;

	if (!t) {
		scn_error(r, "internal: no %s", slot);
		return NULL;
	}
	if (!(v = scn_var_get(&r->vars, t->text + 1))) {
		scn_error(r, "%s is not defined (an earlier step must make it with 'as %s')",
			  t->text, t->text + 1);
		return NULL;
	}
	if (!(kinds & SCN_KIND(v->kind))) {
		scn_error(r, "%s is %s (line %u), which this step cannot use", t->text,
			  scn_var_kind_name(v->kind), v->line);
		return NULL;
	}
	if (st->domain && v->domain && strcmp(v->domain, st->domain)) {
		scn_error(r, "%s belongs to %s (line %u): %s cannot reach it", t->text, v->domain,
			  v->line, st->domain);
		return NULL;
	}
	d = v->domain ? scn_domain_find(r, v->domain) : NULL;
	if (d && d->generation != v->generation) {
		char when[32] = "";

		if (d->killed_line)
			snprintf(when, sizeof(when), " at line %u", d->killed_line);
		scn_error(r, "%s lived in %s's agent, which was killed%s: it is gone", t->text,
			  d->name, when);
		return NULL;
	}
	return v;
}

const char *scn_text(const struct scn_step *st, const char *slot, size_t *len)
{
	const struct scn_token *t = scn_cap_tok(st, slot);

	if (len)
		*len = t ? t->len : 0;
	return t ? t->text : NULL;
}

long scn_time(const struct scn_step *st, const char *slot)
{
	const struct scn_token *t = scn_cap_tok(st, slot);

	return t ? scn_parse_time(t->text) : 0;
}

/* Expectations ------------------------------------------------------------------ */

static void describe_expect(const struct scn_step *st, const struct scn_expect *e, char *buf,
			    size_t n)
{
	char *q;

	switch (e->kind) {
	case SCN_EXP_OK:
		switch (st->verb->id) {
		case SCN_V_WAIT_EVENT:
			snprintf(buf, n, "an event within %s", scn_cap_tok(st, "TIME")->text);
			break;
		case SCN_V_WAIT_WATCH:
			snprintf(buf, n, "the watch to fire within %s", scn_cap_tok(st, "TIME")->text);
			break;
		case SCN_V_VCHAN_RECV:
		case SCN_V_VCHAN_ECHO:
			snprintf(buf, n, "data within %s", scn_cap_tok(st, "TIME")->text);
			break;
		default:
			snprintf(buf, n, "success");
		}
		break;
	case SCN_EXP_ERRNO:
		snprintf(buf, n, "errno %s", scn_errno_name(e->code));
		break;
	case SCN_EXP_STATUS:
		snprintf(buf, n, "status %s", scn_gntst_name(e->code) ? scn_gntst_name(e->code) : "?");
		break;
	case SCN_EXP_DATA:
		q = scn_quote(e->data, e->len);
		snprintf(buf, n, "%s", q);
		free(q);
		break;
	case SCN_EXP_FAULT:
		snprintf(buf, n, "a fault (SIGSEGV or SIGBUS)");
		break;
	case SCN_EXP_NONE:
		snprintf(buf, n, "nothing");
		break;
	case SCN_EXP_EXIT:
		snprintf(buf, n, "exit %d", e->code);
		break;
	case SCN_EXP_SIGNAL:
		snprintf(buf, n, "killed by %s", scn_signal_name(e->code));
		break;
	default:
		snprintf(buf, n, "?");
	}
}

static void describe_actual(const struct scn_step *st, const struct scn_result *res, char *buf,
			    size_t n)
{
	bool grant_step = st->verb->id == SCN_V_MAP || st->verb->id == SCN_V_UNMAP ||
			  st->verb->id == SCN_V_COPY;
	size_t len = 0;

	if (res->has_exit) {
		if (res->sig)
			snprintf(buf, n, "killed by %s", scn_signal_name(res->sig));
		else
			snprintf(buf, n, "exit %d", res->exit_code);
		return;
	}
	if (res->fault)
		len = (size_t)snprintf(buf, n, "a fault");
	else if (res->failed)
		len = (size_t)snprintf(buf, n, "errno %s", scn_errno_name(res->err));
	else if (res->has_status && res->status)
		len = (size_t)snprintf(buf, n, "the call returned 0");
	else if (res->none)
		len = (size_t)snprintf(buf, n, "nothing within %ld ms", res->wait_ms);
	else if (res->has_data) {
		char *q = scn_quote(res->data, res->len);

		len = (size_t)snprintf(buf, n, "%s", q);
		free(q);
	} else
		len = (size_t)snprintf(buf, n, "success");
	if (len < n && res->has_status)
		len += (size_t)snprintf(buf + len, n - len, ", status %s",
					scn_gntst_name(res->status) ? scn_gntst_name(res->status) : "?");
	else if (len < n && res->failed && grant_step)
		len += (size_t)snprintf(buf + len, n - len, " (no grant status: nothing reached "
					"the hypervisor's grant table)");
	if (len < n && res->failed && res->why[0] && !res->fault)
		snprintf(buf + len, n - len, "\n             %.400s", res->why);
}

/* A grant op can return 0 while its status says it failed (grant copy). */
static bool succeeded(const struct scn_result *res)
{
	return !res->failed && !res->none && !res->fault && !(res->has_status && res->status);
}

static bool holds(const struct scn_expect *e, const struct scn_result *res)
{
	switch (e->kind) {
	case SCN_EXP_OK:
		return succeeded(res);
	case SCN_EXP_ERRNO:
		return res->failed && !res->fault && res->err == e->code;
	case SCN_EXP_STATUS:
		return res->has_status && res->status == e->code;
	case SCN_EXP_DATA:
		return !res->failed && res->has_data && res->len == e->len &&
		       !memcmp(res->data, e->data, e->len);
	case SCN_EXP_FAULT:
		return res->fault;
	case SCN_EXP_NONE:
		return res->none;
	case SCN_EXP_EXIT:
		return res->has_exit && !res->sig && res->exit_code == e->code;
	case SCN_EXP_SIGNAL:
		return res->has_exit && res->sig == e->code;
	default:
		return false;
	}
}

/* Does the clause allow the operation to fail? */
static bool failure_expected(const struct scn_step *st)
{
	for (size_t i = 0; i < st->nexp; i++) {
		const struct scn_expect *e = &st->exp[i];

		if (e->kind == SCN_EXP_ERRNO || e->kind == SCN_EXP_FAULT ||
		    (e->kind == SCN_EXP_STATUS && e->code != 0))
			return true;
	}
	return false;
}

/* Checks the step's expectations; false with expected/actual in msg. */
static bool check_expectations(const struct scn_step *st, struct scn_result *res,
			       char *msg, size_t n)
{
	struct scn_expect dflt = { .kind = st->verb->id == SCN_V_WAIT_PROC ? SCN_EXP_EXIT : SCN_EXP_OK };
	const struct scn_expect *exp = st->nexp ? st->exp : &dflt;
	size_t nexp = st->nexp ? st->nexp : 1;
	char want[512], got[1024];

	if (res->mismatch) {
		snprintf(msg, n, "      expected: %s\n      actual:   %s\n", res->expected, res->actual);
		return false;
	}
	for (size_t i = 0; i < nexp; i++) {
		if (holds(&exp[i], res))
			continue;
		describe_expect(st, &exp[i], want, sizeof(want));
		describe_actual(st, res, got, sizeof(got));
		snprintf(msg, n, "      expected: %s\n      actual:   %s\n", want, got);
		return false;
	}
	if (!succeeded(res) && !res->none && !failure_expected(st)) {
		describe_actual(st, res, got, sizeof(got));
		snprintf(msg, n, "      expected: success\n      actual:   %s\n", got);
		return false;
	}
	return true;
}

/* The loop ------------------------------------------------------------------------ */

/* A program's output, indented under its step. */
static void show_output(FILE *out, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int n = 0;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && n++ < 40)
		fprintf(out, "        | %s%s", line, strchr(line, '\n') ? "" : "\n");
	fclose(f);
}

static void mark_step(struct scn_runner *r, const struct scn_step *st)
{
	char text[1024];

	snprintf(text, sizeof(text), "%u: %s", st->line, st->source);
	r->marks = realloc(r->marks, (r->nmarks + 1) * sizeof(*r->marks));
	r->marks[r->nmarks++] = (struct scn_step_mark){
		.first_seq = r->last_seq + 1, .text = strdup(text),
	};
}

/* The step's end, for the page: its result, or why the run stopped. */
static void mark_end(struct scn_runner *r, const struct scn_step *st, const char *result,
		     const char *failure)
{
	struct scn_step_mark *m = &r->marks[r->nmarks - 1];
	char why[32];

	if (result && *result)
		m->result = strdup(result);
	if (failure && *failure)
		m->failure = strdup(failure);
	if (r->opt.record_state) {
		snprintf(why, sizeof(why), "line %u", st->line);
		scn_record_state(r, why);
	}
}

static int run_step(struct scn_runner *r, const struct scn_step *st)
{
	struct scn_result res = { 0 };
	scn_step_fn *fn = scn_step_handler(st->verb->id);
	FILE *out = r->opt.out;
	char msg[2048];
	int rc;

	json_object_put(r->records);
	r->records = NULL;
	/* what happened since the last step (a release that ran late) is not
	 * this step's doing */
	scn_step_records(r);
	if (r->explain && !r->opt.quiet) {
		char *text = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&text, &len);

		scn_explain_step(r->explain, r->records, "        ", mem);
		fclose(mem);
		if (len)
			fprintf(out, "      meanwhile:\n%s", text);
		free(text);
	}
	json_object_put(r->records);
	r->records = NULL;
	mark_step(r, st);

	if (!r->opt.quiet) {
		fprintf(out, "%4u  %s", st->line, st->source);
		fflush(out);
	}
	rc = fn ? fn(r, st, &res) : scn_error(r, "internal: '%s' has no handler", st->verb->pattern);
	scn_step_records(r);
	if (rc < 0) {
		if (!r->opt.quiet)
			fputc('\n', out);
		fprintf(out, "%s:%u: %s\n", st->file, st->line, r->error);
		mark_end(r, st, NULL, r->error);
		free(res.data);
		return -1;
	}
	bool ok = check_expectations(st, &res, msg, sizeof(msg));
	char result[sizeof(res.summary) + 128] = "";

	if (res.fault)
		snprintf(result, sizeof(result), "a fault (SIGSEGV)");
	else if (res.failed)
		snprintf(result, sizeof(result), "%s%s%s", scn_errno_name(res.err),
			 res.has_status ? ", status " : "",
			 res.has_status && scn_gntst_name(res.status) ? scn_gntst_name(res.status) : "");
	else if (res.summary[0])
		snprintf(result, sizeof(result), "%s", res.summary);
	mark_end(r, st, result, ok ? NULL : msg);
	if (!r->opt.quiet || !ok) {
		if (r->opt.quiet)
			fprintf(out, "%4u  %s", st->line, st->source);
		if (result[0])
			fprintf(out, "  ->  %s", result);
		fputc('\n', out);
	}
	if (res.output[0] && (!r->opt.quiet || !ok))
		show_output(out, res.output);
	if (r->explain && !r->opt.quiet) {
		if (res.failed && res.why[0])
			fprintf(out, "        the call failed: %s\n", res.why);
		scn_explain_step(r->explain, r->records, "        ", out);
	}
	if (!ok)
		fprintf(out, "%s:%u: the expectation did not hold\n%s", st->file, st->line, msg);
	fflush(out);
	free(res.data);
	return ok ? 0 : -1;
}

int scn_run_script(struct scn_runner *r, const struct scn_script *s)
{
	size_t i;

	for (i = 0; i < s->nsteps; i++)
		if (run_step(r, &s->steps[i]) < 0)
			break;
	if (i == s->nsteps) {
		fprintf(r->opt.out, "%s: %zu steps, every expectation held\n", s->path, s->nsteps);
		return 0;
	}
	fprintf(r->opt.out, "%s: FAILED at line %u (step %zu of %zu)\n", s->path,
		s->steps[i].line, i + 1, s->nsteps);
	return 1;
}
