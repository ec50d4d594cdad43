/*
 * Request-body checks whose 400 messages clients may show: the zod issue
 * list Backstage's entitiesBatchRequest reports for a malformed by-refs
 * body.  Pure code, unit-tested.
 */
#ifndef CATALOG_BODY_H
#define CATALOG_BODY_H

#include <jansson.h>

/*
 * NULL when body (NULL: no JSON body, which express sees as {}) has an
 * array of strings `entityRefs` and, if present, an array of strings
 * `fields`; else the malloc'd message "Malformed request body (did you
 * remember to specify an application/json content type?), <zod issues>".
 */
char *catalog_body_check_refs(const json_t *body);

#endif
