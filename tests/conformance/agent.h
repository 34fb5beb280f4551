/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The agent: a conformance program started as `conf-X --agent RFD,WFD` in
 * another domain, carrying out the other side of every exchange (granting
 * pages, mapping refs, the far end of an event channel) for the program
 * that runs its cases with `--peer D --remote RFD,WFD`.
 *
 * The protocol is text, one line a message, strictly request then answer:
 *
 *   request   VERB ARG...                  words split by one space,
 *                                          numbers in decimal, bytes in hex
 *   answer    + RC ERRNO [VALUE...]         the request ran; RC is what the
 *                                          call returned, ERRNO its errno
 *                                          (0 when RC >= 0)
 *             - MESSAGE                    the request was not understood
 *                                          (unknown verb, bad arguments,
 *                                          unknown object); nothing ran
 *
 *   hello VERSION DOMID        + 0 0 AGENT_DOMID (DOMID_INVALID: unknown);
 *                              DOMID is the requester's domain
 *   open gntalloc|gntdev|evtchn   + FILE 0       or + -1 ERRNO
 *   close FILE                 + RC ERRNO
 *   alloc FILE DOMID COUNT WRITABLE   + 0 0 SHARE INDEX REF...
 *   map FILE DOMID REF...      + 0 0 MAP INDEX   (IOCTL_GNTDEV_MAP_GRANT_REF)
 *   mmap OBJ PROT FLAGS        + RC ERRNO        (a share or a map)
 *   munmap OBJ                 + RC ERRNO
 *   dealloc SHARE              + RC ERRNO        (IOCTL_GNTALLOC_DEALLOC_GREF)
 *   unmap MAP                  + RC ERRNO        (IOCTL_GNTDEV_UNMAP_GRANT_REF)
 *   peek OBJ OFFSET LEN        + 0 0 HEX         bytes of its mapping
 *   poke OBJ OFFSET HEX        + 0 0
 *   unbound FILE DOMID         + PORT ERRNO      (BIND_UNBOUND_PORT)
 *   interdomain FILE DOMID PORT   + PORT ERRNO
 *   notify|unbind|unmask FILE PORT   + RC ERRNO
 *   wait FILE TIMEOUT_MS       + PORT 0, or + -1 0 when no event came; the
 *                              wait also ends when the next request arrives
 *   nop                        + 0 0
 *   bye                        + 0 0, then the agent exits 0
 *
 * FILE, SHARE and MAP are numbers the agent hands out (never reused), so
 * that no address crosses the stream.  The agent exits 0 at the end of the
 * stream (and when the requester is gone before an answer), 2 when the
 * stream ends inside a request, when no request comes for
 * $CONFORMANCE_AGENT_IDLE seconds (default 300) or when the stream fails.
 * Its own domain, for the hello, is --self, $CONFORMANCE_SELF or
 * $HVSIM_DOMID.  It prints nothing on stdout; diagnostics go to stderr.
 */
#ifndef CONFORMANCE_AGENT_H
#define CONFORMANCE_AGENT_H

#define AGENT_PROTOCOL 1
/* The most bytes one peek or poke carries. */
#define AGENT_PEEK_MAX 256

/* Serves the stream "RFD,WFD" until it ends; never returns. */
void agent_main(const char *fds) __attribute__((noreturn));

#endif
