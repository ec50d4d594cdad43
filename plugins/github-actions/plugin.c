/*
 * The github-actions plugin (issue 16 item 3; spec platform-apis §4):
 * descriptor, keys, route table, init/fini.  Every route is SH_AUTH_NONE
 * at the host: Octokit in the browser sends the user's GitHub token and
 * never a Backstage one, so that token is the credential, checked by
 * GitHub; the plugin itself refuses a request without one (401) and a
 * repository no catalog entity names (404) before a byte goes upstream.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <stagehand/alloc.h>
#include <stagehand/stagehand.h>

#include "ghactions.h"
#include "loghost.h"
#include "paths.h"

#define REPO "/repos/:owner/:repo"

static const struct sh_route_spec gha_routes[] = {
	{ "GET", REPO, SH_AUTH_NONE, gha_route_repo, 0, NULL, NULL },
	{ "GET", REPO "/branches", SH_AUTH_NONE, gha_route_branches, 0, NULL, NULL },
	{ "GET", REPO "/actions/runs", SH_AUTH_NONE, gha_route_runs, 0, NULL, NULL },
	{ "GET", REPO "/actions/runs/:run_id", SH_AUTH_NONE, gha_route_run, 0, NULL, NULL },
	{ "POST", REPO "/actions/runs/:run_id/rerun", SH_AUTH_NONE, gha_route_rerun, 0, NULL, NULL },
	{ "GET", REPO "/actions/runs/:run_id/jobs", SH_AUTH_NONE, gha_route_jobs, 0, NULL, NULL },
	{ "GET", REPO "/actions/runs/:run_id/logs", SH_AUTH_NONE, gha_route_run_logs, 0, NULL, NULL },
	{ "GET", REPO "/actions/jobs/:job_id/logs", SH_AUTH_NONE, gha_route_job_logs, 0, NULL, NULL },
	{ "GET", REPO "/actions/workflows/:workflow_id", SH_AUTH_NONE, gha_route_workflow, 0, NULL,
	  NULL },
	{ NULL, NULL, SH_AUTH_NONE, NULL, 0, NULL, NULL },
};

static const struct sh_conf_key gha_keys[] = {
	{ "api_base_url", SH_CONF_URL, NULL, 0, 0, NULL, "GITHUB_API_BASE_URL", 0,
	  "GitHub's REST API (unset: https://api.github.com, or https://<host>/api/v3 for GHES)" },
	{ "host", SH_CONF_STR, "github.com", 0, 0, NULL, "GITHUB_HOST", 0,
	  "GitHub's web host (github.com, or the GitHub Enterprise Server's)" },
	{ "log_hosts", SH_CONF_LIST, GHA_LOG_HOSTS, 0, 0, NULL, NULL, 0,
	  "hosts a log download's redirect may go to besides the API's (*.domain: below it)" },
	{ "timeout", SH_CONF_INT, "15", 1, 300, NULL, NULL, 0, "seconds one API call may take" },
	{ "log_timeout", SH_CONF_INT, "300", 1, 3600, NULL, NULL, 0,
	  "seconds one log download may take" },
	{ "max_body", SH_CONF_INT, "8388608", 1024, 1073741824, NULL, NULL, 0,
	  "bytes of one API answer at most (502 above)" },
	{ "max_log", SH_CONF_INT, "268435456", 1024, 4294967296L, NULL, NULL, 0,
	  "bytes of one log download at most (the stream ends there)" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL },
};

/* log_hosts as a NULL-terminated array (the host's list has a count). */
static const char **log_hosts(const struct sh_conf *conf)
{
	const char *const *v;
	size_t n = sh_conf_multi(conf, "github-actions", "log_hosts", &v);
	const char **out = sh_xcalloc(n + 1, sizeof *out);

	for (size_t i = 0; i < n; i++)
		out[i] = v[i];
	return out;
}

/* integrations.github of the portal's runtime config (docs/ui.md): the
 * GitHub Actions frontend plugin's Octokit calls this plugin. */
static int ui_integration(struct sh_host *host, const struct sh_conf *conf)
{
	const char *base = sh_conf_str(conf, "server", "base_url");
	size_t len = strlen(base);
	char *api;
	json_t *gh;

	while (len > 0 && base[len - 1] == '/')
		len--;
	api = sh_xasprintf("%.*s/api/github-actions", (int)len, base);
	gh = json_pack("{s:[{s:s, s:s}]}", "github", "host",
		       sh_conf_str(conf, "github-actions", "host"), "apiBaseUrl", api);
	free(api);
	return sh_ui_config_merge(host, json_pack("{s:o}", "integrations", gh));
}

static int gha_init(struct sh_host *host, void **state, char *err, size_t errlen)
{
	const struct sh_conf *conf = sh_host_conf(host);
	struct gha *g;
	struct sh_url_http u;

	if (ui_integration(host, conf) != 0) {
		snprintf(err, errlen, "github-actions: portal config: could not add integrations.github");
		return SH_EINVAL;
	}
	g = sh_xcalloc(1, sizeof *g);
	g->host = host;
	g->api_base = gha_api_base(sh_conf_str(conf, "github-actions", "api_base_url"),
				   sh_conf_str(conf, "github-actions", "host"));
	if (sh_url_http_parse(g->api_base, &u) != 0) {
		snprintf(err, errlen, "github-actions: api_base_url: not an http(s) URL: %s",
			 g->api_base);
		free(g->api_base);
		free(g);
		return SH_EINVAL;
	}
	g->api_host = sh_xstrdup(u.host);
	sh_url_http_clear(&u);
	g->log_hosts = log_hosts(conf);
	g->timeout_ms = sh_conf_int(conf, "github-actions", "timeout", 15) * 1000;
	g->log_timeout_ms = sh_conf_int(conf, "github-actions", "log_timeout", 300) * 1000;
	g->max_body = (size_t)sh_conf_int(conf, "github-actions", "max_body", 8388608);
	g->max_log = (size_t)sh_conf_int(conf, "github-actions", "max_log", 268435456);
	sh_log(SH_LOG_INFO, "github-actions: forwarding to %s", g->api_base);
	*state = g;
	return 0;
}

static void gha_fini(void *state)
{
	struct gha *g = state;

	if (!g)
		return;
	free(g->api_base);
	free(g->api_host);
	free(g->log_hosts);
	free(g);
}

static const struct sh_plugin_info gha_info = {
	SH_PLUGIN_STAMP,
	.name = "github-actions",
	.version = "1",
	.flag = { .name = "github_actions", .def = "false" },
	.keys = gha_keys,
	.routes = gha_routes,
	.init = gha_init,
	.fini = gha_fini,
};

SH_PLUGIN(gha_info)
