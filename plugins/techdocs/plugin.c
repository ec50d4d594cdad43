/*
 * The techdocs plugin (issue 17 item 1; spec platform-apis §2): descriptor,
 * [techdocs] keys, route table, init/fini.  Routes take a user or a
 * service token; /static also the backstage-auth cookie (Backstage's
 * "user-cookie" policy), which the host's GET/DELETE
 * /api/techdocs/.backstage/auth/v1/cookie issues and clears.  init adds
 * {"techdocs":{"builder":...}} to the portal's runtime config.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <stagehand/stagehand.h>
#include <stagehand/ui.h>

#include "plugin.h"

#define TRIPLET "/:namespace/:kind/:name"

static const char *const no_query[] = { NULL };

static const struct sh_route_spec techdocs_routes[] = {
	{ "GET", "/metadata/techdocs" TRIPLET, SH_AUTH_ANY, td_route_metadata_techdocs, 0, NULL,
	  NULL },
	{ "GET", "/metadata/entity" TRIPLET, SH_AUTH_ANY, td_route_metadata_entity, 0, NULL, NULL },
	{ "GET", "/sync" TRIPLET, SH_AUTH_ANY, td_route_sync, 0, no_query, NULL },
	/* Its 200s (an X-Accel-Redirect, the same for every caller allowed in)
	 * are kept until the catalog changes or a build publishes. */
	{ "GET", "/static/docs" TRIPLET "/*path", SH_AUTH_USER_COOKIE, td_route_static,
	  SH_ROUTE_CACHED, NULL, NULL },
	{ NULL, NULL, SH_AUTH_NONE, NULL, 0, NULL, NULL },
};

static const struct sh_conf_key techdocs_keys[] = {
	{ "builder", SH_CONF_ENUM, "local", 0, 0, "local external", NULL, 0,
	  "local: /sync builds the docs; external: CI publishes them (stagehand-techdocs publish)" },
	{ "publish_dir", SH_CONF_PATH, "/var/lib/stagehand/files/techdocs", 0, 0, NULL, NULL, 0,
	  "the publisher's root: <publish_dir>/<namespace>/<kind>/<name>/ (lower case)" },
	{ "files_uri", SH_CONF_STR, "/_files/techdocs", 0, 0, NULL, NULL, 0,
	  "nginx's internal location that serves publish_dir (X-Accel-Redirect)" },
	{ "build_concurrency", SH_CONF_INT, "10", 1, 256, NULL, NULL, 0,
	  "builds at once; more wait for a slot" },
	{ "build_timeout", SH_CONF_INT, "120", 1, 3600, NULL, NULL, 0,
	  "seconds one build may take" },
	{ "max_files", SH_CONF_INT, "5000", 1, 1000000, NULL, NULL, 0,
	  "files of one docs source" },
	{ "max_file_size", SH_CONF_INT, "10485760", 1024, 1073741824, NULL, NULL, 0,
	  "bytes of one source file" },
	{ "max_total_size", SH_CONF_INT, "104857600", 1024, 10737418240L, NULL, NULL, 0,
	  "bytes of one docs source" },
	{ "recheck", SH_CONF_INT, "60", 0, 86400, NULL, NULL, 0,
	  "seconds a /sync of an entity checked that recently answers cached" },
	{ "static_cache_mb", SH_CONF_INT, "8", 0, 4096, NULL, NULL, 0,
	  "MiB of /static answers kept until the catalog changes or a build publishes (0: none)" },
	{ "url_allow", SH_CONF_STR, "github.com", 0, 0, NULL, NULL, SH_CONF_MULTI,
	  "hosts whose GitHub tree URLs url: techdocs-refs may read (catalog reading_allow rules)" },
	{ "github_api_base_url", SH_CONF_URL, NULL, 0, 0, NULL, NULL, 0,
	  "GitHub API of url: sources (default api.github.com, GHES https://<host>/api/v3)" },
	{ "github_token", SH_CONF_STR, NULL, 0, 0, NULL, NULL, SH_CONF_SECRET,
	  "token for url: sources (or github_token_file); none: anonymous" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL },
};

static void read_keys(struct techdocs *td, const struct sh_conf *conf)
{
	const char *builder = sh_conf_str(conf, "techdocs", "builder");
	const char *dir = sh_conf_str(conf, "techdocs", "publish_dir");
	const char *uri = sh_conf_str(conf, "techdocs", "files_uri");

	td->local = !builder || strcmp(builder, "external") != 0;
	td->publish_dir = dir && *dir ? dir : "/var/lib/stagehand/files/techdocs";
	td->files_uri = uri && *uri == '/' ? uri : "/_files/techdocs";
	td->concurrency = (unsigned)sh_conf_int(conf, "techdocs", "build_concurrency", 10);
	td->recheck_s = (unsigned)sh_conf_int(conf, "techdocs", "recheck", 60);
	td->lim.timeout_s = (unsigned)sh_conf_int(conf, "techdocs", "build_timeout", 120);
	td->lim.max_files = (unsigned)sh_conf_int(conf, "techdocs", "max_files", 5000);
	td->lim.max_file_bytes = (size_t)sh_conf_int(conf, "techdocs", "max_file_size", 10485760);
	td->lim.max_total_bytes =
		(size_t)sh_conf_int(conf, "techdocs", "max_total_size", 104857600);
}

static int techdocs_init(struct sh_host *host, void **state, char *err, size_t errlen)
{
	struct techdocs *td = sh_xcalloc(1, sizeof(*td));
	long mb;
	int rc;

	td->host = host;
	read_keys(td, sh_host_conf(host));
	rc = sh_ui_config_merge(host, json_pack("{s:{s:s}}", "techdocs", "builder",
						td->local ? "local" : "external"));
	if (rc < 0 && rc != SH_ESTATE) {
		snprintf(err, errlen, "techdocs: runtime config: error %d", rc);
		free(td);
		return rc;
	}
	if (td->local && mkdir(td->publish_dir, 0755) < 0 && errno != EEXIST)
		sh_log(SH_LOG_WARN, "techdocs: cannot make publish_dir %s: %s", td->publish_dir,
		       strerror(errno));
	td->sync = td_sync_new();
	mb = sh_conf_int(sh_host_conf(host), "techdocs", "static_cache_mb", 8);
	if (mb > 0)
		td->cache = sh_cache_new(host, "catalog_changed", (size_t)mb << 20);
	sh_log(SH_LOG_INFO, "techdocs: builder %s, publish_dir %s, %u builds at once",
	       td->local ? "local" : "external", td->publish_dir, td->concurrency);
	*state = td;
	return 0;
}

static void techdocs_fini(void *state)
{
	struct techdocs *td = state;

	td_sync_free(td->sync);
	free(td);
}

static const struct sh_plugin_info techdocs_info = {
	SH_PLUGIN_STAMP,
	.name = "techdocs",
	.version = "1",
	.flag = { .name = "techdocs", .def = "false" },
	.keys = techdocs_keys,
	.routes = techdocs_routes,
	.init = techdocs_init,
	.fini = techdocs_fini,
};

SH_PLUGIN(techdocs_info)
