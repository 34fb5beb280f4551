// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>

#include "median.h"

void rounds_add(struct rounds *r, long long ns)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 1024;
		long long *ns_new;

		if (cap > 1u << 20)
			return;
		ns_new = realloc(r->ns, cap * sizeof(*ns_new));
		if (!ns_new)
			return;
		r->ns = ns_new;
		r->cap = cap;
	}
	r->ns[r->n++] = ns;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

double rounds_median(struct rounds *r)
{
	double m = 0;

	if (r->n) {
		qsort(r->ns, r->n, sizeof(*r->ns), cmp);
		m = r->n % 2 ? (double)r->ns[r->n / 2] :
			       (r->ns[r->n / 2 - 1] + r->ns[r->n / 2]) / 2.0;
	}
	free(r->ns);
	*r = (struct rounds){ 0 };
	return m;
}
