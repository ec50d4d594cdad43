/*
 * The jenkins plugin (issue 16 item 1; spec platform-apis §3): descriptor,
 * keys, route table, init/fini.  [jenkins] is the instance "default"
 * (env JENKINS_BASE_URL, JENKINS_USERNAME, JENKINS_API_KEY); each
 * [jenkins.<name>] section is the named instance an annotation
 * "<name>:job/path" picks, with the same keys (no env overrides).  The
 * routes take a user or a service token, as Backstage's default policy;
 * the rebuild checks jenkins.execute on top (routes_job.c).
 */
#include <stdlib.h>

#include <stagehand/stagehand.h>

#include "jenkins.h"

#define ENTITY "/v1/entity/:namespace/:kind/:name"

static const char *const projects_query[] = { "branch", NULL };

static const struct sh_route_spec jenkins_routes[] = {
	{ "GET", ENTITY "/projects", SH_AUTH_ANY, jk_route_projects, 0, projects_query, NULL },
	{ "GET", ENTITY "/job/:jobFullName", SH_AUTH_ANY, jk_route_job, 0, NULL, NULL },
	{ "GET", ENTITY "/job/:jobFullName/:buildNumber", SH_AUTH_ANY, jk_route_build, 0, NULL, NULL },
	{ "POST", ENTITY "/job/:jobFullName/:buildNumber", SH_AUTH_ANY, jk_route_rebuild, 0, NULL,
	  NULL },
	{ "GET", ENTITY "/job/:jobFullName/:buildNumber/consoleText", SH_AUTH_ANY, jk_route_console,
	  0, NULL, NULL },
	{ NULL, NULL, SH_AUTH_NONE, NULL, 0, NULL, NULL },
};

static const struct sh_conf_key jenkins_keys[] = {
	{ "base_url", SH_CONF_URL, NULL, 0, 0, NULL, "JENKINS_BASE_URL", 0,
	  "the Jenkins controller (unset in [jenkins]: no default instance)" },
	{ "username", SH_CONF_STR, NULL, 0, 0, NULL, "JENKINS_USERNAME", 0,
	  "user of the API key (Basic auth)" },
	{ "api_key", SH_CONF_STR, NULL, 0, 0, NULL, "JENKINS_API_KEY", SH_CONF_SECRET,
	  "that user's API token (api_key_file: read from a file); never logged" },
	{ "project_count_limit", SH_CONF_INT, "50", 1, 10000, NULL, NULL, 0,
	  "projects a folder or multibranch job lists at most" },
	{ "timeout_ms", SH_CONF_INT, "10000", 100, 120000, NULL, NULL, 0,
	  "each call to Jenkins ([jenkins] only)" },
	{ "max_body", SH_CONF_INT, "8388608", 1024, 268435456, NULL, NULL, 0,
	  "bytes of one Jenkins answer, then 502 ([jenkins] only)" },
	{ "allowed_base_url_override_regex", SH_CONF_STR, NULL, 0, 0, NULL, NULL, 0,
	  "POSIX ERE a jenkins.io/override-base-url must match to replace base_url" },
	{ "extra_request_headers", SH_CONF_STR, NULL, 0, 0, NULL, NULL,
	  SH_CONF_MULTI | SH_CONF_SECRET,
	  "\"Name: value\" sent on every Jenkins call; repeat the key (or _file, one a line)" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL },
};

static int jenkins_init(struct sh_host *host, void **state, char *err, size_t errlen)
{
	const struct sh_conf *conf = sh_host_conf(host);
	const char *url = sh_conf_str(conf, "jenkins", "base_url");
	struct jenkins *jk = sh_xcalloc(1, sizeof(*jk));
	int rc;

	jk->host = host;
	jk->timeout_ms = sh_conf_int(conf, "jenkins", "timeout_ms", 10000);
	jk->max_bytes = (size_t)sh_conf_int(conf, "jenkins", "max_body", 8388608);
	jk->owner_rebuilds = sh_conf_feature(conf, "auth") && sh_conf_feature(conf, "authz");
	if ((rc = jk_instances_load(jk, conf, err, errlen)) < 0) {
		free(jk);
		return rc;
	}
	sh_log(SH_LOG_INFO, "jenkins: default instance %s, %zu in all (timeout %ld ms, rebuild by %s)",
	       url ? url : "(none)", jk->n_instances, jk->timeout_ms,
	       jk->owner_rebuilds ? "owners and services" : "any caller");
	*state = jk;
	return 0;
}

static void jenkins_fini(void *state)
{
	jk_instances_free(state);
	free(state);
}

static const struct sh_plugin_info jenkins_info = {
	SH_PLUGIN_STAMP,
	.name = "jenkins",
	.version = "1",
	.flag = { .name = "jenkins", .def = "false" },
	.keys = jenkins_keys,
	.routes = jenkins_routes,
	.init = jenkins_init,
	.fini = jenkins_fini,
};

SH_PLUGIN(jenkins_info)
