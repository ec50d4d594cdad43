/*
 * Every handler of the catalog's route table (plugin.c), one per route and
 * named after it: <method>_<path>.  Each is an sh_handler_fn whose state is
 * the struct catalog_state init made; the host has already checked the
 * caller (SH_AUTH_ANY) and the query keys the table lists.  Grouped by the
 * routes_*.c file that holds them.
 */
#ifndef CATALOG_ROUTES_H
#define CATALOG_ROUTES_H

struct sh_req;

/* routes_entities.c (spec §3.1, §3.5, §3.6) */
int catalog_get_entities(struct sh_req *req, void *state);
int catalog_get_entity_by_uid(struct sh_req *req, void *state);
int catalog_get_entity_by_name(struct sh_req *req, void *state);

/* routes_query.c (spec §3.2, §3.3) */
int catalog_get_entities_by_query(struct sh_req *req, void *state);
int catalog_post_entities_by_query(struct sh_req *req, void *state);

/* routes_refs.c (spec §3.4) */
int catalog_post_entities_by_refs(struct sh_req *req, void *state);

/* routes_facets.c (spec §3.8) */
int catalog_get_entity_facets(struct sh_req *req, void *state);
int catalog_post_entity_facets(struct sh_req *req, void *state);

/* routes_locations.c (spec §3.10, §3.11) */
int catalog_post_locations(struct sh_req *req, void *state);
int catalog_get_locations(struct sh_req *req, void *state);
int catalog_post_locations_by_query(struct sh_req *req, void *state);
int catalog_get_location(struct sh_req *req, void *state);
int catalog_put_location(struct sh_req *req, void *state);
int catalog_delete_location(struct sh_req *req, void *state);
int catalog_get_location_by_entity(struct sh_req *req, void *state);

/* routes_refresh.c (spec §3.9) */
int catalog_post_refresh(struct sh_req *req, void *state);

/* routes_entity_ops.c (spec §3.5, §3.7) */
int catalog_delete_entity_by_uid(struct sh_req *req, void *state);
int catalog_get_entity_ancestry(struct sh_req *req, void *state);

/* routes_validate.c (spec §3.12, §3.13) */
int catalog_post_validate_entity(struct sh_req *req, void *state);
int catalog_post_analyze_location(struct sh_req *req, void *state);

#endif
