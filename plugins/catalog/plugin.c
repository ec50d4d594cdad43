/*
 * The catalog plugin's descriptor: its [catalog] keys, its route table,
 * and init (settings checked, the read cache made, the refresh and
 * stitching tasks added) and fini.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/url.h>

#include "catalog.h"
#include "reader.h"
#include "routes.h"

/* The refresh task looks for due rows this often; each row's own interval
 * is processing_interval (spec §9.5). */
#define CATALOG_POLL_MS 1000u
/* Connections the catalog's two tasks may hold at once. */
#define CATALOG_MIN_CONNECTIONS 3
/* The stitching task looks at its queue this often. */
#define CATALOG_STITCH_POLL_MS 250u

static const struct sh_conf_key keys[] = {
	{ .name = "location", .type = SH_CONF_STR, .flags = SH_CONF_MULTI,
	  .help = "a catalog location, file:/abs/path.yaml or url:https://host/path.yaml, then optionally allow=<kind>[,...] rules of its own (repeat the key for more)" },
	{ .name = "reading_allow", .type = SH_CONF_STR, .flags = SH_CONF_MULTI,
	  .help = "URLs url: locations may read: <host>[:<port>[-<port>]] [/<path prefix>...] (repeat the key for more)" },
	{ .name = "reading_timeout_ms", .type = SH_CONF_INT, .def = "10000", .min = 100, .max = 600000,
	  .help = "longest a url: location read may take, in ms" },
	{ .name = "processing_interval", .type = SH_CONF_INT, .def = "100", .min = 1, .max = 86400,
	  .help = "seconds between two processings of an entity, randomised in [s, 1.5 s]" },
	{ .name = "orphan_strategy", .type = SH_CONF_ENUM, .def = "delete", .choices = "delete keep",
	  .help = "entities no location emits any more: delete them, or keep them flagged" },
	{ .name = "allow", .type = SH_CONF_LIST, .def = "Component API Location",
	  .help = "kinds that locations may contain (catalog.rules allow list)" },
	{ .name = "rule", .type = SH_CONF_STR, .flags = SH_CONF_MULTI,
	  .help = "a catalog rule: allow=<kind>[:<spec.type>][,...] [exact=<type>:<target>] [pattern=<type>:<glob>] (repeat the key for more)" },
	{ .name = "readonly", .type = SH_CONF_BOOL, .def = "false",
	  .help = "refuse registering, moving and removing locations (403), as catalog.readonly" },
	{ .name = "location_types", .type = SH_CONF_LIST, .def = "url",
	  .help = "location types POST /locations accepts" },
	{ .name = "read_cache_mb", .type = SH_CONF_INT, .def = "8", .min = 0, .max = 4096,
	  .help = "MiB of read replies each pool keeps, dropped on every catalog change (0: none)" },
	{ NULL }
};

/* The query keys each route accepts (Backstage's routers refuse any other
 * with 400 "Unknown query parameter"); most accept none. */
static const char *const no_query[] = { NULL };
static const char *const entities_query[] = {
	"filter", "fields", "order", "limit", "offset", "after", NULL
};
static const char *const by_query_query[] = {
	"fields", "limit", "offset", "orderField", "cursor", "filter",
	"fullTextFilterTerm", "fullTextFilterFields", "totalItems", NULL
};
static const char *const by_refs_query[] = { "filter", NULL };
static const char *const facets_query[] = { "facet", "filter", NULL };
static const char *const locations_query[] = { "dryRun", "onConflict", NULL };

/* Read replies depend on the catalog only, never on who asks: cached. */
#define READ SH_ROUTE_CACHED

/* Every route of the catalog (spec §3); handlers in routes.h. */
static const struct sh_route_spec routes[] = {
	{ "GET", "/entities", SH_AUTH_ANY, catalog_get_entities, READ, entities_query, NULL },
	{ "GET", "/entities/by-uid/:uid", SH_AUTH_ANY, catalog_get_entity_by_uid, READ, no_query,
	  NULL },
	{ "GET", "/entities/by-name/:kind/:namespace/:name", SH_AUTH_ANY,
	  catalog_get_entity_by_name, READ, no_query, NULL },
	{ "GET", "/entities/by-query", SH_AUTH_ANY, catalog_get_entities_by_query, READ,
	  by_query_query, NULL },
	{ "POST", "/entities/by-query", SH_AUTH_ANY, catalog_post_entities_by_query, READ, no_query,
	  NULL },
	{ "POST", "/entities/by-refs", SH_AUTH_ANY, catalog_post_entities_by_refs, READ,
	  by_refs_query, NULL },
	{ "GET", "/entity-facets", SH_AUTH_ANY, catalog_get_entity_facets, READ, facets_query, NULL },
	{ "POST", "/entity-facets", SH_AUTH_ANY, catalog_post_entity_facets, READ, no_query, NULL },
	{ "POST", "/locations", SH_AUTH_ANY, catalog_post_locations, 0, locations_query, NULL },
	{ "GET", "/locations", SH_AUTH_ANY, catalog_get_locations, 0, no_query, NULL },
	{ "POST", "/locations/by-query", SH_AUTH_ANY, catalog_post_locations_by_query, 0, no_query,
	  NULL },
	{ "GET", "/locations/:id", SH_AUTH_ANY, catalog_get_location, 0, no_query, NULL },
	{ "PUT", "/locations/:id", SH_AUTH_ANY, catalog_put_location, 0, no_query, NULL },
	{ "DELETE", "/locations/:id", SH_AUTH_ANY, catalog_delete_location, 0, no_query, NULL },
	{ "GET", "/locations/by-entity/:kind/:namespace/:name", SH_AUTH_ANY,
	  catalog_get_location_by_entity, 0, no_query, NULL },
	{ "POST", "/refresh", SH_AUTH_ANY, catalog_post_refresh, 0, no_query, NULL },
	{ "DELETE", "/entities/by-uid/:uid", SH_AUTH_ANY, catalog_delete_entity_by_uid, 0, no_query,
	  NULL },
	{ "GET", "/entities/by-name/:kind/:namespace/:name/ancestry", SH_AUTH_ANY,
	  catalog_get_entity_ancestry, 0, no_query, NULL },
	{ "POST", "/validate-entity", SH_AUTH_ANY, catalog_post_validate_entity, 0, no_query, NULL },
	{ "POST", "/analyze-location", SH_AUTH_ANY, catalog_post_analyze_location, 0, no_query,
	  NULL },
	{ NULL, NULL, 0, NULL, 0, NULL, NULL },
};

/* file: and url: locations are read; anything else stops start-up rather
 * than being silently ignored. */
static int check_locations(const struct catalog_state *st, char *err, size_t errlen)
{
	for (size_t i = 0; i < st->n_locations; i++) {
		const char *loc = st->locations[i];
		struct sh_url_http u = { 0 };
		int ok = strncmp(loc, "file:", 5) == 0 && loc[5] != '\0';

		if (!ok && strncmp(loc, "url:", 4) == 0 && sh_url_http_parse(loc + 4, &u) == 0)
			ok = 1;
		sh_url_http_clear(&u);
		if (!ok) {
			snprintf(err, errlen, "location \"%s\": expected file:<path> or url:<http(s) URL>",
				 loc);
			return SH_EINVAL;
		}
	}
	return 0;
}

/* The reader of location targets, behind the reading_allow rules (§9.4). */
static int make_reader(struct catalog_state *st, const struct sh_conf *conf, char *err,
		       size_t errlen)
{
	const char *const *rules = NULL;
	size_t n = sh_conf_multi(conf, "catalog", "reading_allow", &rules);
	struct sh_url_allow *allow;
	char *msg;

	if (sh_url_allow_parse(rules, n, &allow, &msg) != 0) {
		snprintf(err, errlen, "%s", msg);
		free(msg);
		return SH_EINVAL;
	}
	st->reader = catalog_reader_new(allow, sh_conf_int(conf, "catalog", "reading_timeout_ms",
							   10000));
	return 0;
}

/* The refresh task and its lock, and the stitching task, each hold a
 * connection of the pool. */
static int check_pool(const struct sh_conf *conf, char *err, size_t errlen)
{
	if (sh_conf_int(conf, "database", "pool_size", 8) >= CATALOG_MIN_CONNECTIONS)
		return 0;
	snprintf(err, errlen, "[database] pool_size: the catalog needs at least %d "
		 "connections (its refresh task, that task's lock, stitching)",
		 CATALOG_MIN_CONNECTIONS);
	return SH_EINVAL;
}

/* The cache the host keeps the read routes' (SH_ROUTE_CACHED) replies in,
 * emptied on every catalog change; none when read_cache_mb = 0. */
static int make_cache(struct sh_host *host, const struct sh_conf *conf, char *err,
		      size_t errlen)
{
	long mb = sh_conf_int(conf, "catalog", "read_cache_mb", 8);

	if (mb == 0 || sh_cache_new(host, CATALOG_CHANGED_CHANNEL, (size_t)mb << 20) != NULL)
		return 0;
	snprintf(err, errlen, "read_cache_mb: could not make the cache");
	return SH_EINVAL;
}

static int add_tasks(struct sh_host *host, struct catalog_state *st, char *err, size_t errlen)
{
	int rc = sh_task_add(host, "catalog.processing", CATALOG_POLL_MS, 0.5, SH_TASK_SINGLETON,
			     catalog_processing_task, st);

	if (rc == 0)
		rc = sh_task_add(host, "catalog.stitching", CATALOG_STITCH_POLL_MS, 0.5, 0,
				 catalog_stitch_task, st);
	/* A provider's mutation (sql/catalog/012_providers.sql) notifies these:
	 * its entities are processed and stitched now, not at the next poll. */
	if (rc == 0)
		rc = sh_task_wake_on(host, "catalog.processing", "catalog_process");
	if (rc == 0)
		rc = sh_task_wake_on(host, "catalog.stitching", "catalog_stitch");
	if (rc != 0)
		snprintf(err, errlen, "could not add the refresh tasks: %s", sh_strerror(rc));
	return rc;
}

static void fini(void *state)
{
	struct catalog_state *st = state;

	if (st) {
		catalog_reader_free(st->reader);
		catalog_ingest_unconfigure(st);
	}
	free(st);
}

static int init(struct sh_host *host, void **state, char *err, size_t errlen)
{
	const struct sh_conf *conf = sh_host_conf(host);
	struct catalog_state *st = sh_xcalloc(1, sizeof(*st));
	int rc;

	st->host = host;
	st->interval_s = sh_conf_int(conf, "catalog", "processing_interval", 100);
	st->keep_orphans = strcmp(sh_conf_str(conf, "catalog", "orphan_strategy"), "keep") == 0;
	st->readonly = sh_conf_bool(conf, "catalog", "readonly", false);
	st->openchoreo = sh_conf_feature(conf, "openchoreo");
	st->n_location_types = sh_conf_multi(conf, "catalog", "location_types",
					     &st->location_types);
	if ((rc = catalog_ingest_configure(st, conf, err, errlen)) != 0 ||
	    (rc = check_pool(conf, err, errlen)) != 0 ||
	    (rc = check_locations(st, err, errlen)) != 0 ||
	    (rc = make_reader(st, conf, err, errlen)) != 0 ||
	    (rc = make_cache(host, conf, err, errlen)) != 0 ||
	    (rc = add_tasks(host, st, err, errlen)) != 0) {
		fini(st);
		return rc;
	}
	*state = st;
	return 0;
}

static const struct sh_plugin_info info = {
	.size = sizeof info, .abi_major = SH_ABI_MAJOR, .abi_minor = SH_ABI_MINOR,
	.name = "catalog", .flag = { .name = "catalog", .def = "true" }, .version = "0.1", .keys = keys,
	.routes = routes, .init = init, .fini = fini,
};
SH_PLUGIN(info)
