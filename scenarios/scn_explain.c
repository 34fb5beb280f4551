// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hvsim/paths.h"
#include "scn_explain.h"
#include "trace_narrate.h"
#include "trace_read.h"

/* The trace ------------------------------------------------------------------ */

void scn_trace_open(struct scn_trace *t, const char *dir)
{
	struct stat st;

	snprintf(t->path, sizeof(t->path), "%s/%s", dir, HVSIM_TRACE_FILE);
	t->offset = stat(t->path, &st) == 0 ? (long)st.st_size : 0;
}

struct json_object *scn_trace_next(struct scn_trace *t, struct hvsim_ctl *ctl)
{
	struct json_object *records, *req, *reply = NULL;

	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string("sync"));
	if (hvsim_ctl_call(ctl, req, &reply) == 0)
		json_object_put(reply);
	/* a record still being written comes with the next step */
	records = trace_read_records(t->path, &t->offset);
	return records ? records : json_object_new_array();
}

/* State snapshots ------------------------------------------------------------------ */

struct scn_explain {
	struct hvsim_ctl *ctl;
	struct json_object *snap;	/* the "state" command's reply (trace_narrate.h) */
};

static struct json_object *snapshot(struct hvsim_ctl *ctl)
{
	struct json_object *req = json_object_new_object(), *reply = NULL;

	json_object_object_add(req, "cmd", json_object_new_string("state"));
	if (hvsim_ctl_call(ctl, req, &reply))
		return json_object_new_object();
	return reply;
}

struct scn_explain *scn_explain_new(struct hvsim_ctl *ctl)
{
	struct scn_explain *e = calloc(1, sizeof(*e));

	e->ctl = ctl;
	return e;
}

void scn_explain_free(struct scn_explain *e)
{
	if (!e)
		return;
	json_object_put(e->snap);
	free(e);
}

void scn_explain_baseline(struct scn_explain *e)
{
	json_object_put(e->snap);
	e->snap = snapshot(e->ctl);
}

void scn_explain_step(struct scn_explain *e, struct json_object *records, const char *indent,
		      FILE *out)
{
	struct json_object *now = snapshot(e->ctl);

	trace_narrate_records(records, now, indent, out);
	trace_narrate_changes(e->snap, now, indent, out);
	json_object_put(e->snap);
	e->snap = now;
}
