// SPDX-License-Identifier: GPL-2.0-only
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_vars.h"

void scn_vars_free(struct scn_vars *vars)
{
	for (size_t i = 0; i < vars->n; i++) {
		free(vars->v[i].name);
		free(vars->v[i].domain);
		json_object_put(vars->v[i].fields);
	}
	free(vars->v);
	vars->v = NULL;
	vars->n = 0;
}

struct scn_var *scn_var_get(struct scn_vars *vars, const char *name)
{
	for (size_t i = 0; i < vars->n; i++)
		if (!strcmp(vars->v[i].name, name))
			return &vars->v[i];
	return NULL;
}

struct scn_var *scn_var_set(struct scn_vars *vars, const char *name, enum scn_var_kind kind,
			    const char *domain, unsigned int generation, int64_t value,
			    struct json_object *fields, unsigned int line)
{
	struct scn_var *v = scn_var_get(vars, name);

	if (v) {
		free(v->domain);
		json_object_put(v->fields);
	} else {
		vars->v = realloc(vars->v, (vars->n + 1) * sizeof(*vars->v));
		v = &vars->v[vars->n++];
		v->name = strdup(name);
	}
	v->kind = kind;
	v->domain = domain ? strdup(domain) : NULL;
	v->generation = generation;
	v->value = value;
	v->fields = fields ? fields : json_object_new_object();
	v->line = line;
	return v;
}

const char *scn_var_kind_name(enum scn_var_kind kind)
{
	static const char *const names[] = {
		[SCN_VAR_NUMBER] = "a number", [SCN_VAR_DOMAIN] = "a domain",
		[SCN_VAR_SHARE] = "a share", [SCN_VAR_MAPPING] = "a mapping",
		[SCN_VAR_BUFFER] = "a buffer", [SCN_VAR_PORT] = "a port",
		[SCN_VAR_WATCH] = "a watch", [SCN_VAR_VCHAN] = "a vchan",
		[SCN_VAR_PROGRAM] = "a program", [SCN_VAR_TRANSACTION] = "a transaction",
	};
	return names[kind];
}

struct ref {
	char name[64], field[64];
	long index;		/* -1: none */
	int64_t delta;
};

/* Splits $name.field[index]+delta (the grammar checked its shape). */
static int split(const char *w, struct ref *r, char *err, size_t errlen)
{
	const char *p = w + 1;
	size_t len = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

	memset(r, 0, sizeof(*r));
	r->index = -1;
	if (!len || len >= sizeof(r->name)) {
		snprintf(err, errlen, "'%s' is not a variable", w);
		return -1;
	}
	memcpy(r->name, p, len);
	p += len;
	if (*p == '.') {
		p++;
		len = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
		if (!len || len >= sizeof(r->field)) {
			snprintf(err, errlen, "'%s': no field after the dot", w);
			return -1;
		}
		memcpy(r->field, p, len);
		p += len;
		if (*p == '[') {
			r->index = strtol(p + 1, (char **)&p, 0);
			p++;	/* ] */
		}
	}
	if (*p == '+' || *p == '-') {
		char *end;

		r->delta = (int64_t)strtoll(p + 1, &end, 0);
		if (*p == '-')
			r->delta = -r->delta;
		p = end;
	}
	if (*p) {
		snprintf(err, errlen, "'%s' is not a variable", w);
		return -1;
	}
	return 0;
}

static void field_names(struct scn_var *v, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = 0;
	json_object_object_foreach(v->fields, k, val) {
		(void)val;
		len += (size_t)snprintf(buf + len, n > len ? n - len : 0, "%s$%s.%s",
					len ? ", " : "", v->name, k);
	}
	if (!len)
		snprintf(buf, n, "none");
}

/* The json value a reference names (NULL: it names the variable's value). */
static int lookup(struct scn_vars *vars, const char *w, struct ref *r, struct scn_var **vp,
		  struct json_object **val, char *err, size_t errlen)
{
	struct scn_var *v;

	if (split(w, r, err, errlen) < 0)
		return -1;
	if (!(v = scn_var_get(vars, r->name))) {
		snprintf(err, errlen, "$%s is not defined (an earlier step must make it with "
			 "'as %s')", r->name, r->name);
		return -1;
	}
	*vp = v;
	*val = NULL;
	if (!r->field[0])
		return 0;
	if (!json_object_object_get_ex(v->fields, r->field, val)) {
		char names[256];

		field_names(v, names, sizeof(names));
		snprintf(err, errlen, "$%s (%s, line %u) has no field '%s'; it has: %s", v->name,
			 scn_var_kind_name(v->kind), v->line, r->field, names);
		return -1;
	}
	if (r->index >= 0) {
		if (!json_object_is_type(*val, json_type_array)) {
			snprintf(err, errlen, "$%s.%s is not a list", v->name, r->field);
			return -1;
		}
		if ((size_t)r->index >= json_object_array_length(*val)) {
			snprintf(err, errlen, "$%s.%s has %zu elements: [%ld] is past its end",
				 v->name, r->field, json_object_array_length(*val), r->index);
			return -1;
		}
		*val = json_object_array_get_idx(*val, (size_t)r->index);
	}
	return 0;
}

int scn_eval_number(struct scn_vars *vars, const char *w, int64_t *out, char *err, size_t errlen)
{
	struct ref r;
	struct scn_var *v;
	struct json_object *val;

	if (*w != '$') {
		char *end;
		bool neg = *w == '-';

		errno = 0;
		long long x = strtoll(w + neg, &end, 0);

		if (errno || *end || end == w + neg) {
			snprintf(err, errlen, "'%s' is not a number", w);
			return -1;
		}
		*out = neg ? -x : x;
		return 0;
	}
	if (lookup(vars, w, &r, &v, &val, err, errlen) < 0)
		return -1;
	if (!val) {
		*out = v->value + r.delta;
		return 0;
	}
	if (json_object_is_type(val, json_type_array)) {
		snprintf(err, errlen, "$%s.%s is a list of %zu: pick one with $%s.%s[0]", v->name,
			 r.field, json_object_array_length(val), v->name, r.field);
		return -1;
	}
	if (!json_object_is_type(val, json_type_int)) {
		snprintf(err, errlen, "$%s.%s is not a number", v->name, r.field);
		return -1;
	}
	*out = json_object_get_int64(val) + r.delta;
	return 0;
}

int scn_eval_list(struct scn_vars *vars, const char *w, int64_t **out, size_t *n,
		  char *err, size_t errlen)
{
	struct ref r;
	struct scn_var *v;
	struct json_object *val;

	if (*w == '$') {
		if (lookup(vars, w, &r, &v, &val, err, errlen) < 0)
			return -1;
		if (val && json_object_is_type(val, json_type_array)) {
			size_t len = json_object_array_length(val);

			*out = realloc(*out, (*n + len) * sizeof(**out));
			for (size_t i = 0; i < len; i++)
				(*out)[(*n)++] = json_object_get_int64(
					json_object_array_get_idx(val, i)) + r.delta;
			return 0;
		}
	}
	int64_t x;

	if (scn_eval_number(vars, w, &x, err, errlen) < 0)
		return -1;
	*out = realloc(*out, (*n + 1) * sizeof(**out));
	(*out)[(*n)++] = x;
	return 0;
}
