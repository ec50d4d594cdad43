/*
 * The perch plugin ("Ask Perch", spec platform-apis §5.3): the portal's
 * streaming forwarder to the portal-assistant agent.  plugin.c holds the
 * descriptor, keys and route table; routes_forward.c the two handlers;
 * forward.c the upstream call and the stream; the domain files (headers.c,
 * envelope.c, body.c) are pure and unit-tested without a host.
 */
#ifndef PERCH_PERCH_H
#define PERCH_PERCH_H

#include <stdatomic.h>
#include <stdbool.h>

struct sh_host;
struct sh_req;

/* The state every handler gets; read-only after init but `open`. */
struct perch {
	struct sh_host *host;
	char *upstream;              /* upstream_url without trailing '/' */
	long chat_timeout_ms;        /* whole chat call */
	long warmup_timeout_ms;      /* whole warmup call */
	long idle_timeout_ms;        /* silence that ends a chat stream; 0: none */
	bool verify_token;           /* check the IdP token before forwarding */
	long max_streams;            /* open chats this process allows */
	atomic_long open;            /* open chats now */
};

/* The two routes (routes_forward.c). */
int perch_route_chat(struct sh_req *req, void *state);
int perch_route_warmup(struct sh_req *req, void *state);

#endif
