/*
 * What the catalog's handlers share: query parameters, request-scoped
 * filters, fields and statements, and the reply body every list route
 * writes its stored JSON texts into.  Functions returning int give 0, or
 * the status they already replied.
 */
#ifndef CATALOG_ROUTES_COMMON_H
#define CATALOG_ROUTES_COMMON_H

#include <stagehand/buf.h>

struct sh_req;
struct catalog_filter;
struct catalog_fields;
struct catalog_sql;

/*
 * The cap on one reply body.  The largest legitimate one is an unpaged
 * GET /entities of the whole catalog: ~1.5 KB per entity, 7.5 MB at 5,180
 * components, ~150 MB at the 100,000 entities the catalog is meant to
 * hold; the cap leaves room for entities several times larger.  Over it a
 * route answers 500 (the client should page) rather than grow without end.
 */
#define CATALOG_BODY_MAX ((size_t)1 << 30)

/* A query parameter as Backstage's parseIntegerParam reads it, at least min;
 * *has says whether it was given.  Else 400. */
int catalog_int_param(struct sh_req *req, const char *key, long long min, long long *out,
		      int *has);
/* `filter` and `fields` of the query string, freed with the request. */
int catalog_parse_filter_fields(struct sh_req *req, struct catalog_filter **f,
				struct catalog_fields **fields);
void catalog_defer_filter(struct sh_req *req, struct catalog_filter *f);
void catalog_defer_fields(struct sh_req *req, struct catalog_fields *fields);
/* An empty statement freed with the request. */
struct catalog_sql *catalog_req_sql(struct sh_req *req);
/* 400 InputError with a malloc'd message, which it frees. */
int catalog_fail_free(struct sh_req *req, char *msg);

/* An empty reply body of at most CATALOG_BODY_MAX bytes, freed with the
 * request. */
struct sh_buf *catalog_req_body(struct sh_req *req);
/* Appends a stored entity's JSON text (NULL: null), projected by fields,
 * after a ',' unless it is the first (i == 0) of its array.  0 or
 * SH_ETOOBIG. */
int catalog_append_entity(struct sh_buf *b, size_t i, const char *text,
			  const struct catalog_fields *fields);
/* Sends b as the 200 JSON reply; rc, the body's first append failure,
 * turns it into the 500 of a body over its cap.  Returns the status. */
int catalog_reply_body(struct sh_req *req, const struct sh_buf *b, int rc);

#endif
