/*
 * The request body the forwarder re-sends (spec platform-apis §5.3): at
 * most PERCH_BODY_MAX bytes, parsed as JSON and serialised again, as
 * Express's json() parser and JSON.stringify do.  Pure; check_perch_body.
 */
#ifndef PERCH_BODY_H
#define PERCH_BODY_H

#include <stddef.h>

#define PERCH_BODY_MAX (128 * 1024)   /* Express's "128kb" */

/*
 * The compact JSON to send upstream (malloc'd): "{}" for an empty body
 * (warmup sends none), else the body re-serialised, which must be a JSON
 * object or array.  NULL with *status 413 when len > PERCH_BODY_MAX, or
 * 400 with a reason in why (no body text in it) when it is not JSON.
 */
char *perch_body_json(const char *buf, size_t len, int *status, char *why, size_t whylen);

#endif
