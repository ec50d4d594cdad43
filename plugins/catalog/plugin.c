/*
 * The catalog plugin's descriptor: its [catalog] keys, init (settings
 * checked, routes and the refresh task registered), and the small helpers
 * every part of the plugin shares (SHA-1, error lists).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "catalog.h"
#include "reader.h"
#include "url.h"

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

void catalog_sha1_hex(const void *buf, size_t len, char hex[41])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_Digest(buf, len, md, &n, EVP_sha1(), NULL) != 1)
		abort();
	for (unsigned int i = 0; i < n && i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[40] = '\0';
}

void catalog_errors_add(struct catalog_errors *errs, const char *name, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (errs->list == NULL)
		errs->list = json_array();
	json_array_append_new(errs->list, json_pack("{s:s, s:s}", "name", name, "message", msg));
}

/* file: and url: locations are read; anything else stops start-up rather
 * than being silently ignored. */
static int check_locations(const struct catalog_state *st, char *err, size_t errlen)
{
	for (size_t i = 0; i < st->n_locations; i++) {
		const char *loc = st->locations[i];
		struct catalog_url_http u = { 0 };
		int ok = strncmp(loc, "file:", 5) == 0 && loc[5] != '\0';

		if (!ok && strncmp(loc, "url:", 4) == 0 && catalog_url_http_parse(loc + 4, &u) == 0)
			ok = 1;
		catalog_url_http_clear(&u);
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
	struct catalog_allow *allow;
	char *msg;

	if (catalog_allow_parse(rules, n, &allow, &msg) != 0) {
		snprintf(err, errlen, "%s", msg);
		free(msg);
		return SH_EINVAL;
	}
	st->reader = catalog_reader_new(allow, sh_conf_int(conf, "catalog", "reading_timeout_ms",
							   10000));
	return 0;
}

static int init(struct sh_host *host, void **state, char *err, size_t errlen)
{
	const struct sh_conf *conf = sh_host_conf(host);
	struct catalog_state *st = calloc(1, sizeof(*st));
	long cache_mb = sh_conf_int(conf, "catalog", "read_cache_mb", 8);
	int rc;

	if (st == NULL)
		abort();
	st->host = host;
	st->interval_s = sh_conf_int(conf, "catalog", "processing_interval", 100);
	st->keep_orphans = strcmp(sh_conf_str(conf, "catalog", "orphan_strategy"), "keep") == 0;
	st->readonly = sh_conf_bool(conf, "catalog", "readonly", false);
	st->n_location_types = sh_conf_multi(conf, "catalog", "location_types",
					     &st->location_types);
	rc = catalog_ingest_configure(st, conf, err, errlen);
	if (rc == 0 && sh_conf_int(conf, "database", "pool_size", 8) < CATALOG_MIN_CONNECTIONS) {
		/* the refresh task and its lock, the stitching task */
		snprintf(err, errlen, "[database] pool_size: the catalog needs at least %d "
			 "connections (its refresh task, that task's lock, stitching)",
			 CATALOG_MIN_CONNECTIONS);
		rc = SH_EINVAL;
	}
	if (rc == 0)
		rc = check_locations(st, err, errlen);
	if (rc == 0)
		rc = make_reader(st, conf, err, errlen);
	if (rc == 0 && cache_mb > 0) {
		st->cache = sh_cache_new(host, CATALOG_CHANGED_CHANNEL, (size_t)cache_mb << 20);
		if (st->cache == NULL) {
			snprintf(err, errlen, "read_cache_mb: could not make the cache");
			rc = SH_EINVAL;
		}
	}
	if (rc == 0) {
		rc = catalog_routes_entities(host, st);
		if (rc == 0)
			rc = catalog_routes_query(host, st);
		if (rc == 0)
			rc = catalog_routes_refs(host, st);
		if (rc == 0)
			rc = catalog_routes_facets(host, st);
		if (rc == 0)
			rc = catalog_routes_locations(host, st);
		if (rc == 0)
			rc = catalog_routes_refresh(host, st);
		if (rc == 0)
			rc = catalog_routes_entity_ops(host, st);
		if (rc == 0)
			rc = catalog_routes_validate(host, st);
		if (rc != 0)
			snprintf(err, errlen, "could not register routes: %s", sh_strerror(rc));
	}
	if (rc == 0) {
		rc = sh_task_add(host, "catalog.processing", CATALOG_POLL_MS, 0.5, SH_TASK_SINGLETON,
				 catalog_processing_task, st);
		if (rc == 0)
			rc = sh_task_add(host, "catalog.stitching", CATALOG_STITCH_POLL_MS, 0.5, 0,
					 catalog_stitch_task, st);
		if (rc != 0)
			snprintf(err, errlen, "could not add the refresh tasks: %s", sh_strerror(rc));
	}
	if (rc != 0) {
		catalog_reader_free(st->reader);
		catalog_ingest_unconfigure(st);
		free(st);
		return rc;
	}
	*state = st;
	return 0;
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

static const struct sh_plugin_info info = {
	.size = sizeof info, .abi_major = SH_ABI_MAJOR, .abi_minor = SH_ABI_MINOR,
	.name = "catalog", .flag = { .name = "catalog", .def = "true" }, .version = "0.1", .keys = keys,
	.init = init, .fini = fini,
};
SH_PLUGIN(info)
