// SPDX-License-Identifier: GPL-2.0-only
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_grammar.h"

#define E(k) SCN_EXP_BIT(SCN_EXP_##k)
/* Every agent step can fail with an errno, and say so. */
#define AGENT_EXP (E(OK) | E(ERRNO))

static const struct scn_verb verbs[] = {
	{ SCN_V_DOMAIN, SCN_RUNNER, "domain NAME [mem MIB] [with PARAMS]", E(OK) | E(ERRNO),
	  "create a domain (with its guest kernel); module parameters such as gntalloc.limit=4" },
	{ SCN_V_DESTROY, SCN_RUNNER, "destroy DOMAIN", E(OK) | E(ERRNO),
	  "destroy a domain, as the toolstack does: its processes vanish without running any code" },
	{ SCN_V_KILL, SCN_RUNNER, "kill PROC", E(OK) | E(ERRNO),
	  "SIGKILL a domain's agent (the next step in that domain starts a new one) or a started program" },
	{ SCN_V_START, SCN_RUNNER, "start NAME in DOMAIN -- ARGS", E(OK) | E(ERRNO),
	  "start an unmodified program in a domain (as 'hvsim run DOMAIN -- ARGS')" },
	{ SCN_V_WAIT_PROC, SCN_RUNNER, "wait for PROC within TIME", E(EXIT) | E(SIGNAL) | E(NONE),
	  "wait until a started program ends (expected: exit 0)" },
	{ SCN_V_SLEEP, SCN_RUNNER, "sleep TIME", E(OK), "pause" },
	{ SCN_V_SET, SCN_RUNNER, "set NAME VALUE", E(OK), "give a number a name" },
	{ SCN_V_SAY, SCN_RUNNER, "say TEXT", E(OK), "print a line of narration" },
	{ SCN_V_CHECK_GRANT, SCN_RUNNER, "check grant REF of DOMAIN is FLAGS [within TIME]", E(OK),
	  "the hypervisor's view of a grant entry: its flags (permit_access|readonly|reading|writing) or free" },
	{ SCN_V_CHECK_MAPPINGS, SCN_RUNNER, "check mappings of DOMAIN is COUNT [within TIME]", E(OK),
	  "how many maptrack handles a domain holds" },
	{ SCN_V_CHECK_DOMAIN, SCN_RUNNER, "check domain DOMAIN is STATE [within TIME]", E(OK),
	  "a domain's state: running, dying (a zombie whose pages are still mapped) or dead" },
	{ SCN_V_CHECK_PORT, SCN_RUNNER, "check port PORT of DOMAIN is STATE [within TIME]", E(OK),
	  "an event channel's state: free, unbound, interdomain or virq" },
	{ SCN_V_FAULT, SCN_RUNNER,
	  "fault DOMAIN [ clear [KIND] | KIND [HOW] [nth N] [times N | always] ]", E(OK) | E(ERRNO),
	  "fault injection, as 'hvsim fault': the domain's next hypercalls of a KIND fail with "
	  "HOW (a grant status or -ERRNO), or its kernel's kmalloc / alloc-page fail, or its "
	  "upcalls wait (upcall-delay 50ms); the Nth from now first, N times (1) or always" },

	{ SCN_V_SHARE, SCN_AGENT,
	  "share N page|pages with PEER [read-only|writable] [notify [clear OFFSET] [event PORT]] as NAME",
	  AGENT_EXP, "grant pages to a peer through gntalloc (xengntshr_share_pages); "
	  "$NAME.ref, $NAME.refs" },
	{ SCN_V_UNSHARE, SCN_AGENT, "unshare REGION", AGENT_EXP,
	  "unmap shared pages (xengntshr_unshare): the grants end once no peer maps them" },
	{ SCN_V_MAP, SCN_AGENT,
	  "map REFS from PEER [read-only|writable] [notify [clear OFFSET] [event PORT]] [as NAME]",
	  AGENT_EXP | E(STATUS), "map a peer's grants through gntdev (xengnttab_map_grant_refs); "
	  "$NAME.handle" },
	{ SCN_V_UNMAP, SCN_AGENT, "unmap REGION", AGENT_EXP | E(STATUS),
	  "unmap a peer's grants (xengnttab_unmap)" },
	{ SCN_V_BUFFER, SCN_AGENT, "buffer SIZE as NAME", AGENT_EXP,
	  "private memory of the agent, for grant copy" },
	{ SCN_V_WRITE, SCN_AGENT, "write TEXT to REGION at OFFSET", AGENT_EXP | E(FAULT),
	  "store bytes in memory: a share, a mapping, a buffer, or a vchan's shared ring page" },
	{ SCN_V_READ, SCN_AGENT, "read REGION at OFFSET [length LEN]", AGENT_EXP | E(DATA) | E(FAULT),
	  "load bytes from memory (length: that of the expected data); a vchan's ring page too" },
	{ SCN_V_COPY, SCN_AGENT,
	  "copy LEN bytes from ( grant REF of DOMAIN | REGION ) at OFFSET "
	  "to ( grant REF2 of DOMAIN2 | REGION2 ) at OFFSET2",
	  AGENT_EXP | E(STATUS), "GNTTABOP_copy through gntdev (xengnttab_grant_copy)" },
	{ SCN_V_LIMIT, SCN_AGENT, "limit grants to COUNT", AGENT_EXP,
	  "xengnttab_set_max_grants" },
	{ SCN_V_BIND_UNBOUND, SCN_AGENT, "bind unbound port for PEER as NAME", AGENT_EXP,
	  "EVTCHNOP_alloc_unbound through evtchn (xenevtchn_bind_unbound_port)" },
	{ SCN_V_BIND_INTERDOMAIN, SCN_AGENT, "bind to port PORT of PEER as NAME", AGENT_EXP,
	  "EVTCHNOP_bind_interdomain (xenevtchn_bind_interdomain)" },
	{ SCN_V_BIND_VIRQ, SCN_AGENT, "bind virq VIRQ as NAME", AGENT_EXP,
	  "EVTCHNOP_bind_virq (xenevtchn_bind_virq); VIRQ_DOM_EXC is 3" },
	{ SCN_V_NOTIFY, SCN_AGENT, "notify PORT", AGENT_EXP,
	  "EVTCHNOP_send (xenevtchn_notify)" },
	{ SCN_V_WAIT_EVENT, SCN_AGENT, "wait event on PORT within TIME", AGENT_EXP | E(NONE),
	  "wait for an event (xenevtchn_pending), then unmask the port" },
	{ SCN_V_UNMASK, SCN_AGENT, "unmask PORT", AGENT_EXP, "xenevtchn_unmask" },
	{ SCN_V_UNBIND, SCN_AGENT, "unbind PORT", AGENT_EXP,
	  "EVTCHNOP_close (xenevtchn_unbind)" },
	{ SCN_V_XS_WRITE, SCN_AGENT, "xs write PATH TEXT", AGENT_EXP, "xenstore write" },
	{ SCN_V_XS_READ, SCN_AGENT, "xs read PATH", AGENT_EXP | E(DATA), "xenstore read" },
	{ SCN_V_XS_RM, SCN_AGENT, "xs rm PATH", AGENT_EXP, "xenstore rm" },
	{ SCN_V_XS_MKDIR, SCN_AGENT, "xs mkdir PATH", AGENT_EXP, "xenstore mkdir" },
	{ SCN_V_XS_PERMS, SCN_AGENT, "xs perms PATH PERMS", AGENT_EXP,
	  "xenstore set-permissions: n0 r1 b2 w3 (owner first)" },
	{ SCN_V_XS_WATCH, SCN_AGENT, "xs watch PATH as NAME", AGENT_EXP,
	  "xenstore watch (it fires once at once, as xenstored does)" },
	{ SCN_V_WAIT_WATCH, SCN_AGENT, "wait watch WATCH within TIME", AGENT_EXP | E(DATA) | E(NONE),
	  "wait until a watch fires; the data is the path that changed" },
	{ SCN_V_XS_UNWATCH, SCN_AGENT, "xs unwatch WATCH", AGENT_EXP, "xenstore unwatch" },
	{ SCN_V_XS_TX_START, SCN_AGENT, "xs transaction start as NAME", AGENT_EXP,
	  "xs_transaction_start on the agent's connection; it stays open until it ends "
	  "(a domU holds at most 10 at once)" },
	{ SCN_V_XS_TX_END, SCN_AGENT, "xs transaction end TRANSACTION [abort]", AGENT_EXP,
	  "xs_transaction_end: commit (EAGAIN if what it read changed since), or abort" },
	{ SCN_V_VCHAN_SERVER, SCN_AGENT, "vchan server at PATH for PEER [buffers SIZE] as NAME",
	  AGENT_EXP, "libxenvchan_server_init: share a ring (and, for buffers above 2048 "
	  "bytes, their pages), write ring-ref and event-channel" },
	{ SCN_V_VCHAN_CLIENT, SCN_AGENT, "vchan client at PATH of PEER as NAME", AGENT_EXP,
	  "libxenvchan_client_init: read them, map the ring, bind the port" },
	{ SCN_V_VCHAN_SEND, SCN_AGENT, "vchan send TEXT on CHANNEL", AGENT_EXP,
	  "libxenvchan_write (all of it)" },
	{ SCN_V_VCHAN_RECV, SCN_AGENT, "vchan recv on CHANNEL within TIME", AGENT_EXP | E(DATA) | E(NONE),
	  "libxenvchan_read of what is there (waiting for it)" },
	{ SCN_V_VCHAN_ECHO, SCN_AGENT, "vchan echo on CHANNEL within TIME", AGENT_EXP | E(DATA) | E(NONE),
	  "receive what is there and send it back" },
	{ SCN_V_VCHAN_CLOSE, SCN_AGENT, "vchan close CHANNEL", AGENT_EXP, "libxenvchan_close" },
	{ SCN_V_FORGE_UNMAP, SCN_AGENT, "forge gntdev unmap index INDEX count COUNT", AGENT_EXP,
	  "IOCTL_GNTDEV_UNMAP_GRANT_REF with an index of your choosing" },
	{ SCN_V_FORGE_MMAP, SCN_AGENT, "forge gntdev mmap index INDEX count COUNT", AGENT_EXP,
	  "mmap of the gntdev file at an offset of your choosing" },
	{ SCN_V_FORGE_NOTIFY, SCN_AGENT, "forge gntdev notify index INDEX [event PORT]", AGENT_EXP,
	  "IOCTL_GNTDEV_SET_UNMAP_NOTIFY at an index of your choosing" },
	{ SCN_V_FORGE_DEALLOC, SCN_AGENT, "forge gntalloc dealloc index INDEX count COUNT", AGENT_EXP,
	  "IOCTL_GNTALLOC_DEALLOC_GREF with an index of your choosing" },
};

const struct scn_verb *scn_verb_table(size_t *n)
{
	*n = sizeof(verbs) / sizeof(verbs[0]);
	return verbs;
}

/* Token shapes ---------------------------------------------------------- */

bool scn_is_ident(const char *w)
{
	if (!isalpha((unsigned char)*w) && *w != '_')
		return false;
	for (w++; *w; w++)
		if (!isalnum((unsigned char)*w) && *w != '_')
			return false;
	return true;
}

static const char *skip_ident(const char *w)
{
	if (!isalpha((unsigned char)*w) && *w != '_')
		return NULL;
	while (isalnum((unsigned char)*w) || *w == '_')
		w++;
	return w;
}

static const char *skip_uint(const char *w)
{
	const char *start;

	if (w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) {
		start = w += 2;
		while (isxdigit((unsigned char)*w))
			w++;
	} else {
		start = w;
		while (isdigit((unsigned char)*w))
			w++;
	}
	return w > start ? w : NULL;
}

bool scn_is_number(const char *w)
{
	if (*w != '$') {
		if (*w == '-')
			w++;
		w = skip_uint(w);
		return w && !*w;
	}
	if (!(w = skip_ident(w + 1)))
		return false;
	if (*w == '.') {
		if (!(w = skip_ident(w + 1)))
			return false;
		if (*w == '[') {
			if (!(w = skip_uint(w + 1)) || *w != ']')
				return false;
			w++;
		}
	}
	if (*w == '+' || *w == '-') {
		if (!(w = skip_uint(w + 1)))
			return false;
	}
	return !*w;
}

bool scn_is_domain(const char *w)
{
	if (*w == '$')
		return scn_is_number(w);
	if (!*w)
		return false;
	for (; *w; w++)
		if (!isalnum((unsigned char)*w) && !strchr("-_.", *w))
			return false;
	return true;
}

/* Patterns --------------------------------------------------------------- */

enum slot_type {
	ST_NUM, ST_NUMS, ST_DOMAIN, ST_NAME, ST_OBJ, ST_PROC, ST_TEXT, ST_PATH,
	ST_TIME, ST_WORD, ST_PARAMS, ST_WORDS, ST_ARGS,
};

static const struct { const char *name; enum slot_type type; } slot_types[] = {
	{ "N", ST_NUM }, { "COUNT", ST_NUM }, { "LEN", ST_NUM }, { "OFFSET", ST_NUM },
	{ "SIZE", ST_NUM }, { "PORT", ST_NUM }, { "REF", ST_NUM }, { "VIRQ", ST_NUM },
	{ "INDEX", ST_NUM }, { "MIB", ST_NUM }, { "VALUE", ST_NUM },
	{ "REFS", ST_NUMS }, { "DOMAIN", ST_DOMAIN }, { "PEER", ST_DOMAIN },
	{ "NAME", ST_NAME }, { "REGION", ST_OBJ }, { "WATCH", ST_OBJ }, { "CHANNEL", ST_OBJ },
	{ "TRANSACTION", ST_OBJ },
	{ "PROC", ST_PROC }, { "TEXT", ST_TEXT }, { "PATH", ST_PATH }, { "TIME", ST_TIME },
	{ "FLAGS", ST_WORD }, { "STATE", ST_WORD }, { "KIND", ST_WORD }, { "HOW", ST_WORD },
	{ "PARAMS", ST_PARAMS },
	{ "PERMS", ST_WORDS }, { "ARGS", ST_ARGS },
};

static int slot_type_of(const char *name, size_t len, enum slot_type *t)
{
	while (len && isdigit((unsigned char)name[len - 1]))
		len--;
	for (size_t i = 0; i < sizeof(slot_types) / sizeof(slot_types[0]); i++)
		if (strlen(slot_types[i].name) == len && !memcmp(slot_types[i].name, name, len)) {
			*t = slot_types[i].type;
			return 0;
		}
	return -1;
}

enum pkind { P_LIT, P_SLOT, P_GROUP };

struct pseq;

struct pnode {
	enum pkind kind;
	char *text;		/* literal alternatives "a|b", or the slot's name */
	enum slot_type type;
	bool optional;		/* [ ... ] */
	struct pseq *alts;	/* P_GROUP */
	size_t nalts;
};

struct pseq {
	struct pnode *items;
	size_t n;
};

static void free_seq(struct pseq *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct pnode *p = &s->items[i];

		free(p->text);
		for (size_t a = 0; a < p->nalts; a++)
			free_seq(&p->alts[a]);
		free(p->alts);
	}
	free(s->items);
}

static bool is_upper_word(const char *w, size_t len)
{
	if (!len || !isupper((unsigned char)w[0]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isupper((unsigned char)w[i]) && !isdigit((unsigned char)w[i]))
			return false;
	return true;
}

/* Parses pattern words until `]`, `)`, `|` or the end; *p advances. */
static void parse_seq(const char **p, struct pseq *out)
{
	out->items = NULL;
	out->n = 0;
	for (;;) {
		const char *s = *p;

		while (*s == ' ')
			s++;
		*p = s;
		if (!*s || *s == ']' || *s == ')' || (*s == '|' && s[1] == ' '))
			return;
		out->items = realloc(out->items, (out->n + 1) * sizeof(*out->items));
		struct pnode *node = &out->items[out->n++];

		memset(node, 0, sizeof(*node));
		if (*s == '[' || *s == '(') {
			char close = *s == '[' ? ']' : ')';

			node->kind = P_GROUP;
			node->optional = *s == '[';
			s++;
			for (;;) {
				node->alts = realloc(node->alts, (node->nalts + 1) * sizeof(*node->alts));
				parse_seq(&s, &node->alts[node->nalts++]);
				if (*s == '|') {
					s++;
					continue;
				}
				if (*s == close)
					s++;
				break;
			}
			*p = s;
			continue;
		}
		size_t len = strcspn(s, " []()");

		node->text = strndup(s, len);
		if (is_upper_word(s, len) && slot_type_of(s, len, &node->type) == 0)
			node->kind = P_SLOT;
		else
			node->kind = P_LIT;
		*p = s + len;
	}
}

struct cont {
	const struct pseq *seq;
	size_t i;
	const struct cont *next;
};

struct matcher {
	const struct scn_token *tok;
	size_t ntok;
	struct scn_capture *cap;
	size_t ncap, capsize;
	size_t far;		/* farthest token position a failure was seen at */
	char *expected;
	size_t explen;
};

static void push_cap(struct matcher *m, const char *name, bool literal, size_t first, size_t count)
{
	if (m->ncap == m->capsize) {
		m->capsize = m->capsize ? 2 * m->capsize : 8;
		m->cap = realloc(m->cap, m->capsize * sizeof(*m->cap));
	}
	m->cap[m->ncap++] = (struct scn_capture){ (char *)name, literal, first, count };
}

/* Remembers what would have fitted at the farthest failure. */
static void missed(struct matcher *m, size_t pos, const char *what)
{
	if (pos < m->far)
		return;
	if (pos > m->far) {
		m->far = pos;
		m->expected[0] = 0;
	}
	size_t len = strlen(m->expected);

	if (strstr(m->expected, what))
		return;
	snprintf(m->expected + len, m->explen - len, "%s%s", len ? " or " : "", what);
}

static bool slot_fits(enum slot_type t, const struct scn_token *tk)
{
	const char *w = tk->text;

	if (t == ST_TEXT)
		return tk->type == SCN_STRING;
	if (t == ST_PATH || t == ST_ARGS)
		return true;
	if (tk->type != SCN_WORD)
		return false;
	switch (t) {
	case ST_NUM:
	case ST_NUMS:
		return scn_is_number(w);
	case ST_DOMAIN:
		return scn_is_domain(w);
	case ST_NAME:
		return scn_is_ident(w);
	case ST_OBJ:
		return w[0] == '$' && scn_is_ident(w + 1);
	case ST_PROC:
		return w[0] == '$' ? scn_is_ident(w + 1) : scn_is_domain(w);
	case ST_TIME:
		return scn_parse_time(w) >= 0;
	case ST_PARAMS:
		return strchr(w, '=') != NULL;
	default:
		return true;
	}
}

static const char *slot_hint(const struct pnode *n)
{
	switch (n->type) {
	case ST_TEXT:
		return "a \"string\"";
	case ST_TIME:
		return "a time such as 500ms or 2s";
	case ST_OBJ:
		return "a $variable";
	default:
		return n->text;
	}
}

static bool match_seq(struct matcher *m, const struct pseq *seq, size_t i,
		      const struct cont *k, size_t pos);

static bool match_rest(struct matcher *m, const struct pseq *seq, size_t i,
		       const struct cont *k, size_t pos)
{
	return match_seq(m, seq, i + 1, k, pos);
}

static bool match_seq(struct matcher *m, const struct pseq *seq, size_t i,
		      const struct cont *k, size_t pos)
{
	size_t mark = m->ncap;

	if (i == seq->n) {
		if (k)
			return match_seq(m, k->seq, k->i, k->next, pos);
		if (pos == m->ntok)
			return true;
		missed(m, pos, "the end of the line");
		return false;
	}
	const struct pnode *n = &seq->items[i];

	switch (n->kind) {
	case P_LIT: {
		const struct scn_token *tk = pos < m->ntok ? &m->tok[pos] : NULL;
		const char *alt = n->text;

		while (tk && tk->type == SCN_WORD && *alt) {
			size_t len = strcspn(alt, "|");

			if (strlen(tk->text) == len && !memcmp(tk->text, alt, len)) {
				push_cap(m, tk->text, true, pos, 1);
				if (match_rest(m, seq, i, k, pos + 1))
					return true;
				m->ncap = mark;
				return false;
			}
			alt += len + (alt[len] == '|');
		}
		char what[128];

		snprintf(what, sizeof(what), "'%s'", n->text);
		for (char *c = what; *c; c++)
			if (*c == '|')
				*c = '/';
		missed(m, pos, what);
		return false;
	}
	case P_SLOT: {
		size_t max = 0;
		bool many = n->type == ST_NUMS || n->type == ST_PARAMS || n->type == ST_WORDS ||
			    n->type == ST_ARGS;

		while (pos + max < m->ntok && slot_fits(n->type, &m->tok[pos + max]) &&
		       (many || max < 1))
			max++;
		if (!max) {
			missed(m, pos, slot_hint(n));
			return false;
		}
		for (size_t count = max; count >= 1; count--) {
			push_cap(m, n->text, false, pos, count);
			if (match_rest(m, seq, i, k, pos + count))
				return true;
			m->ncap = mark;
		}
		return false;
	}
	case P_GROUP: {
		struct cont after = { seq, i + 1, k };

		for (size_t a = 0; a < n->nalts; a++) {
			if (match_seq(m, &n->alts[a], 0, &after, pos))
				return true;
			m->ncap = mark;
		}
		if (n->optional && match_seq(m, seq, i + 1, k, pos))
			return true;
		m->ncap = mark;
		return false;
	}
	}
	return false;
}

bool scn_match(const struct scn_verb *v, const struct scn_token *tok, size_t ntok,
	       struct scn_capture **cap, size_t *ncap, size_t *progress,
	       char *expected, size_t explen)
{
	struct pseq seq;
	const char *p = v->pattern;
	struct matcher m = { .tok = tok, .ntok = ntok, .expected = expected, .explen = explen };
	bool ok;

	expected[0] = 0;
	parse_seq(&p, &seq);
	ok = match_seq(&m, &seq, 0, NULL, 0);
	*progress = m.far;
	if (ok) {
		/* the names point into the pattern, which goes now */
		for (size_t i = 0; i < m.ncap; i++)
			m.cap[i].name = strdup(m.cap[i].name);
		*cap = m.cap;
		*ncap = m.ncap;
	} else {
		free(m.cap);
		*cap = NULL;
		*ncap = 0;
	}
	free_seq(&seq);
	return ok;
}
