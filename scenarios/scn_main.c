// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim-scenario: runs scenario scripts (`hvsim scenario FILE` execs it).
 * Each file runs against a private hvsimd in a fresh directory, with
 * guest kernels, unless --attach names the one in $HVSIM_DIR.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "hvsim/paths.h"
#include "daemon.h"
#include "libhvsim.h"
#include "project_files.h"
#include "scn_find.h"
#include "scn_grammar.h"
#include "scn_run.h"
#include "trace_html.h"
#include "trace_svg.h"

static const char usage_text[] =
	"usage: hvsim scenario [OPTIONS] FILE...\n"
	"Runs scenario scripts: domains sharing pages, mapping them, sending events,\n"
	"dying; each step runs inside its domain through Xen's own libraries.\n"
	"\n"
	"  --explain     after each step, what happened in protocol terms\n"
	"  --svg FILE    draw the run as a sequence diagram (FILE.html: a web page)\n"
	"  --html FILE   a web page to step through the run: each step's hypercalls,\n"
	"                every domain's grant table, pins, maptrack, p2m and ports\n"
	"  --attach      use the hvsimd running in $HVSIM_DIR, not a private one\n"
	"  --keep        keep the private hvsimd's directory (trace, log) afterwards\n"
	"  -q, --quiet   print only failures and the verdict\n"
	"  --check       only check the files' syntax\n"
	"  --help        this text and the language\n"
	"\n"
	"FILE may leave out its .scn suffix.  A FILE without a slash is also looked\n"
	"for in each directory of $HVSIM_SCENARIO_PATH (colon-separated), then in the\n"
	"scenario library (PREFIX/share/hvsim/scenarios): 'hvsim scenario default'.\n"
	"Exit status: 0 when every expectation held, 1 when one did not, 2 for a file\n"
	"that is not found, does not parse or cannot run.\n";

static void print_language(void)
{
	size_t n;
	const struct scn_verb *v = scn_verb_table(&n);

	printf("\nThe language (docs/scenarios.md): one step a line; '#' starts a comment.\n"
	       "Statements of the runner:\n");
	for (size_t i = 0; i < n; i++)
		if (v[i].scope == SCN_RUNNER)
			printf("  %s\n      %s\n", v[i].pattern, v[i].help);
	printf("Steps in a domain, written 'DOMAIN: step':\n");
	for (size_t i = 0; i < n; i++)
		if (v[i].scope == SCN_AGENT)
			printf("  %s\n      %s\n", v[i].pattern, v[i].help);
	printf("Any step may end with 'expect ...': ok, errno EINVAL, status bad_gntref,\n"
	       "\"data\", byte 0, fault, none, exit 0, signal SIGKILL (several: all must hold).\n"
	       "Without it, a step must succeed.  'as NAME' makes $NAME; $NAME.field and\n"
	       "$NAME.field[i] reach its fields, $NAME+1 does arithmetic.\n");
}

/* The private hvsimd, for the signal handler: stopped if we are interrupted. */
static char private_dir[PATH_MAX];

static void on_signal(int sig)
{
	char path[PATH_MAX + 32], buf[32];
	int fd;
	ssize_t n;

	if (private_dir[0]) {
		snprintf(path, sizeof(path), "%s/%s", private_dir, HVSIM_PID_FILE);
		/* only while hvsimd holds its lock: a pid left by a dead one may be reused */
		if ((fd = open(path, O_RDONLY)) >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0 &&
		    errno == EWOULDBLOCK) {
			n = read(fd, buf, sizeof(buf) - 1);
			if (n > 0) {
				buf[n] = 0;
				if (atoi(buf) > 1)
					kill(atoi(buf), SIGTERM);
			}
		}
		if (fd >= 0)
			close(fd);
		/* removing a tree is no job for a signal handler: say where it is */
		static const char msg[] = "\nhvsim-scenario: interrupted; hvsimd stopped, its directory left in ";
		if (write(2, msg, sizeof(msg) - 1) < 0 || write(2, private_dir, strlen(private_dir)) < 0 ||
		    write(2, "\n", 1) < 0)
			_exit(128 + sig);
	}
	_exit(128 + sig);
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	remove(path);
	return 0;
}

static void remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * The script `arg` names (scn_find.h: a path, or a name looked up in the
 * current directory, $HVSIM_SCENARIO_PATH and the scenario library), or
 * NULL after saying where it looked.
 */
static const char *script_path(const char *arg, char *buf, size_t n)
{
	char library[PATH_MAX + 16] = "", searched[8192];
	int rc;

	if (hvsim_data_dir(library, sizeof(library) - 16) == 0)
		strcat(library, "/scenarios");
	rc = scn_find_script(arg, getenv("HVSIM_SCENARIO_PATH"), library, buf, n, searched,
			     sizeof(searched));
	if (rc == 0)
		return buf;
	if (rc == -ENOENT && strchr(arg, '/'))
		fprintf(stderr, "hvsim-scenario: %s: no such scenario file (nor %s.scn)\n", arg,
			arg);
	else if (rc == -ENOENT)
		fprintf(stderr, "hvsim-scenario: no scenario named '%s' (%s or %s.scn) in: %s\n"
			"(HVSIM_SCENARIO_PATH adds directories to look in)\n", arg, arg, arg,
			searched);
	else
		fprintf(stderr, "hvsim-scenario: %s: %s\n", arg, strerror(-rc));
	return NULL;
}

struct options {
	struct scn_run_options run;
	const char *svg, *html;
	bool attach, keep, check_only;
};

static int draw(struct scn_runner *r, const char *dir, const char *svg, const char *title)
{
	struct trace_svg_note *notes = calloc(r->nmarks ? r->nmarks : 1, sizeof(*notes));
	struct trace_svg_options o = { .title = title };
	char trace[PATH_MAX + 32];
	int err;

	for (size_t i = 0; i < r->nmarks; i++) {
		notes[i].before_seq = r->marks[i].first_seq;
		notes[i].text = r->marks[i].text;
	}
	o.notes = notes;
	o.nr_notes = r->nmarks;
	o.first_seq = r->nmarks ? r->marks[0].first_seq : 0;
	snprintf(trace, sizeof(trace), "%s/%s", dir, HVSIM_TRACE_FILE);
	err = trace_svg_file(trace, svg, &o);
	free(notes);
	if (err) {
		fprintf(stderr, "hvsim-scenario: drawing %s: %s\n", svg, strerror(-err));
		return 2;
	}
	fprintf(r->opt.out, "sequence diagram: %s\n", svg);
	return 0;
}

/* The step-through page (trace_html.h), from the trace and the runner's steps. */
static int write_page(struct scn_runner *r, const char *dir, const char *html, const char *title)
{
	struct trace_html_step *steps = calloc(r->nmarks ? r->nmarks : 1, sizeof(*steps));
	struct trace_html_options o = { .title = title, .steps = steps, .nr_steps = r->nmarks };
	char trace[PATH_MAX + 32];
	int err;

	for (size_t i = 0; i < r->nmarks; i++)
		steps[i] = (struct trace_html_step){
			.first_seq = r->marks[i].first_seq, .text = r->marks[i].text,
			.result = r->marks[i].result, .failure = r->marks[i].failure,
		};
	snprintf(trace, sizeof(trace), "%s/%s", dir, HVSIM_TRACE_FILE);
	err = trace_html_file(trace, html, &o);
	free(steps);
	if (err) {
		fprintf(stderr, "hvsim-scenario: writing %s: %s\n", html, strerror(-err));
		return 2;
	}
	fprintf(r->opt.out, "step-through page: %s\n", html);
	return 0;
}

static int run_file(const char *path, const struct options *o)
{
	struct scn_script script;
	struct scn_runner runner;
	char dir[PATH_MAX], err[1024] = "";
	int rc, status;

	rc = scn_parse_file(path, &script);
	if (rc < 0) {
		fprintf(stderr, "hvsim-scenario: %s: %s\n", path, strerror(-rc));
		scn_script_free(&script);
		return 2;
	}
	if (rc > 0) {
		fputs(script.errors, stderr);
		fprintf(stderr, "%s: %d syntax error%s: nothing ran\n", path, rc, rc > 1 ? "s" : "");
		scn_script_free(&script);
		return 2;
	}
	if (o->check_only) {
		printf("%s: %zu steps, syntax ok\n", path, script.nsteps);
		scn_script_free(&script);
		return 0;
	}
	if (o->attach) {
		snprintf(dir, sizeof(dir), "%s", hvsim_dir());
	} else {
		snprintf(dir, sizeof(dir), "/tmp/hvsim-scenario-XXXXXX");
		if (!mkdtemp(dir)) {
			fprintf(stderr, "hvsim-scenario: mkdtemp: %s\n", strerror(errno));
			scn_script_free(&script);
			return 2;
		}
		snprintf(private_dir, sizeof(private_dir), "%s", dir);
		rc = hvsim_up(dir, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "hvsim-scenario: starting hvsimd in %s: %s\n", dir,
				*err ? err : strerror(-rc));
			remove_tree(dir);
			private_dir[0] = 0;
			scn_script_free(&script);
			return 2;
		}
	}
	rc = scn_runner_init(&runner, dir, dir, &o->run);
	if (rc) {
		fprintf(stderr, "hvsim-scenario: %s\n", runner.error);
		status = 2;
	} else {
		status = scn_run_script(&runner, &script);
		if (o->svg && draw(&runner, dir, o->svg, path))
			status = status ? status : 2;
		if (o->html && write_page(&runner, dir, o->html, path))
			status = status ? status : 2;
	}
	scn_runner_fini(&runner, o->attach);
	if (!o->attach) {
		hvsim_down(dir);
		if (o->keep || (status && getenv("HVSIM_SCENARIO_KEEP_FAILED")))
			fprintf(o->run.out, "kept %s (HVSIM_DIR=%s hvsim trace)\n", dir, dir);
		else
			remove_tree(dir);
		private_dir[0] = 0;
	}
	scn_script_free(&script);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "explain", no_argument, NULL, 'e' }, { "svg", required_argument, NULL, 's' },
		{ "html", required_argument, NULL, 'H' },
		{ "attach", no_argument, NULL, 'a' }, { "keep", no_argument, NULL, 'k' },
		{ "quiet", no_argument, NULL, 'q' }, { "check", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' }, { 0 },
	};
	struct options o = { .run.out = stdout };
	int c, worst = 0;
	struct sigaction sa = { .sa_handler = on_signal };

	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'e': o.run.explain = true; break;
		case 's': o.svg = optarg; break;
		case 'H': o.html = optarg; break;
		case 'a': o.attach = true; break;
		case 'k': o.keep = true; break;
		case 'q': o.run.quiet = true; break;
		case 'c': o.check_only = true; break;
		case 'h':
			fputs(usage_text, stdout);
			print_language();
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fputs(usage_text, stderr);
		return 2;
	}
	if ((o.svg || o.html) && argc - optind > 1) {
		fprintf(stderr, "hvsim-scenario: --%s shows one scenario: name one FILE\n",
			o.svg ? "svg" : "html");
		return 2;
	}
	/* the diagram and the page show the state after each step */
	o.run.record_state = o.svg || o.html;
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* scenarios run programs in domains: they need guest kernels */
	if (!o.attach && getenv("HVSIM_KERNEL") && !strcmp(getenv("HVSIM_KERNEL"), "none"))
		unsetenv("HVSIM_KERNEL");
	for (int i = optind; i < argc; i++) {
		char buf[PATH_MAX];
		const char *path = script_path(argv[i], buf, sizeof(buf));
		int rc = path ? run_file(path, &o) : 2;

		if (rc > worst)
			worst = rc;
	}
	return worst;
}
