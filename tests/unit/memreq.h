/*
 * One request over an in-memory io (memio.h) for the stream suites: a GET
 * begun and ready to reply, a fake FastCGI hang-up, and the end checks.
 */
#ifndef STAGEHAND_TEST_MEMREQ_H
#define STAGEHAND_TEST_MEMREQ_H

#include <check.h>

#include "memio.h"
#include "req.h"

struct memreq {
	struct memio io;
	struct sh_host host;
	struct sh_req req;
	int hangup;                  /* what the io's gone() answers */
	int hangup_after;            /* > 0: it answers 1 from this poll on */
	int gone_polls;              /* how often it was asked */
};

/* The fixture of the stream suites: begun on GET uri before each test,
 * ended after it, by memreq_main. */
extern struct memreq fx;

/* Runs the tests as suite `name` (fork mode), each on a fresh fx for GET
 * uri; returns the exit status for main. */
int memreq_main(const char *name, const char *uri, const TTest *const *tests, size_t n);

/* Begins GET uri on m (asserts success). */
void memreq_begin(struct memreq *m, const char *uri);
/* Finishes the request, frees the io, asserts no arena is left. */
void memreq_end(struct memreq *m);
/* The body written so far (after the head), or "" before it. */
const char *memreq_body(const struct memreq *m);

#endif
