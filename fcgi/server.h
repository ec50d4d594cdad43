/*
 * The serving half of stagehandd: the listen socket, the worker threads
 * looping on FCGX_Accept_r, request dispatch, and the graceful stop.
 */
#ifndef STAGEHAND_SERVER_H
#define STAGEHAND_SERVER_H

#include "host.h"

struct server;

/* Creates the unix socket at `path` (refusing one another process serves),
 * chmods it to `mode`.  Returns NULL with a message in err. */
struct server *server_open(struct sh_host *h, const char *path, unsigned mode,
			   int threads, char *err, size_t errlen);
/* Starts the worker threads. */
int server_start(struct server *s, char *err, size_t errlen);
/* Stops accepting, lets in-flight requests finish for up to timeout_s
 * seconds, joins the workers.  Returns 0, or SH_ETIMEDOUT if some request
 * was still running at the deadline (its thread is then left behind). */
int server_stop(struct server *s, int timeout_s);
/* Removes the socket if it is still ours, frees the server. */
void server_close(struct server *s);

/* Handles one request over `io` (also used by tests through memio). */
void server_handle(struct sh_host *h, const struct host_io *io);

#endif
