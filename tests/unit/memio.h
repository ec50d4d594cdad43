/*
 * An in-memory struct host_io for unit tests: preset CGI params and body,
 * output captured in a buffer, with knobs for short reads, a client that
 * goes away after N bytes, and a count of flushes.
 */
#ifndef STAGEHAND_TEST_MEMIO_H
#define STAGEHAND_TEST_MEMIO_H

#include <stdbool.h>
#include <stddef.h>

#include "host.h"

#define MEMIO_MAX_PARAMS 32

struct memio {
	const char *names[MEMIO_MAX_PARAMS];
	const char *values[MEMIO_MAX_PARAMS];
	size_t n_params;
	const char *body;            /* bytes the handler may read */
	size_t body_len, body_pos;
	size_t read_chunk;           /* at most this many bytes per read; 0 = no limit */
	bool read_error;             /* reads fail (-1) once the body is used up */
	char *out;                   /* everything written, NUL-terminated */
	size_t out_len, out_cap;
	long write_limit;            /* writes fail once out_len would pass it; -1 = never */
	int flushes;
};

/* Empty params and body, no write limit. */
void memio_init(struct memio *m);
/* Sets (or replaces) a CGI param; the strings must outlive the memio. */
void memio_param(struct memio *m, const char *name, const char *value);
void memio_body(struct memio *m, const char *body, size_t len);
struct host_io memio_io(struct memio *m);
void memio_free(struct memio *m);

#endif
