/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Processes in simulated domains: the scenario's agents (one per domain,
 * driven through pipes, scenarios/agent/agent.h) and the programs a
 * scenario starts.  Both run with the environment `hvsim run` gives
 * (hvsim_domain_env): the interposer, HVSIM_DIR, HVSIM_DOMID and
 * XENSTORED_PATH.
 */
#ifndef SCN_PROC_H
#define SCN_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <json-c/json.h>

struct scn_proc {
	pid_t pid;
	int to_fd, from_fd;	/* an agent's request and reply pipes; -1 for a program */
	char *rbuf;		/* reply bytes read but not used yet */
	size_t rlen;
	bool reaped;
	int status;		/* wait status once reaped */
};

/* Where hvsimd's state is and what every process of a domain needs. */
struct scn_env {
	const char *dir;	/* HVSIM_DIR (absolute) */
	char preload[4096];	/* the interposer */
	char agent[4096];	/* hvsim-scenario-agent */
};

/* Finds the interposer and the agent; -ENOENT with a message in err. */
int scn_env_init(struct scn_env *env, const char *dir, char *err, size_t errlen);

/*
 * Starts the agent of domain `domid` (named `domain`).  -errno with a
 * message in err.  Its stderr is the runner's: the libraries' complaints
 * stay visible.
 */
int scn_agent_start(const struct scn_env *env, uint16_t domid, const char *domain,
		    struct scn_proc *p, char *err, size_t errlen);

/*
 * Sends a request (consumed) and waits up to timeout_ms for the reply.
 * 0 with *reply, or -EPIPE (the agent died: err says how), -ETIMEDOUT,
 * -EPROTO (an unreadable reply).
 */
int scn_agent_call(struct scn_proc *p, struct json_object *req, int timeout_ms,
		   struct json_object **reply, char *err, size_t errlen);

/*
 * Starts a program in a domain; its stdout and stderr go to `log`.
 * -errno with a message (ENOENT: not found; ENOEXEC: out of the
 * interposer's reach).
 */
int scn_program_start(const struct scn_env *env, uint16_t domid, char *const *argv,
		      const char *log, struct scn_proc *p, char *err, size_t errlen);

/* Waits up to timeout_ms for the process to end; true if it has. */
bool scn_proc_wait(struct scn_proc *p, int timeout_ms);
/* SIGKILL and reap. */
void scn_proc_kill(struct scn_proc *p);
/* An agent: end of input, a moment to exit, then SIGKILL.  Frees buffers. */
void scn_proc_stop(struct scn_proc *p);
/* "exited with status 1", "killed by SIGKILL" */
void scn_proc_describe(const struct scn_proc *p, char *buf, size_t n);

#endif
