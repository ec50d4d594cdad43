/*
 * The openchoreo plugin (issue 14; spec openchoreo-provider.md §1, §5):
 * descriptor, the [openchoreo] keys, the route table, init/fini.  init reads
 * the keys into struct oc_state and registers the full sync and, with
 * [openchoreo] events, the task that applies forwarder events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/stagehand.h>

#include "memo.h"
#include "openchoreo.h"

static const char *const oc_mounts[] = { "events", NULL };

static const struct sh_route_spec oc_routes[] = {
	/* Last full sync and the event queue's counters. */
	{ "GET", "/v1/status", SH_AUTH_ANY, oc_route_status, 0, NULL, NULL },
	/* The event forwarder's POST, unauthenticated as upstream (an optional
	 * shared secret is checked by the handler): /api/events/http/openchoreo. */
	{ "POST", "/http/openchoreo", SH_AUTH_NONE, oc_route_events, 0, NULL, "events" },
	{ NULL, NULL, SH_AUTH_NONE, NULL, 0, NULL, NULL },
};

static const struct sh_conf_key oc_keys[] = {
	{ "base_url", SH_CONF_URL, NULL, 0, 0, NULL, "OPENCHOREO_API_URL", 0,
	  "the OpenChoreo API, with or without its trailing /api/v1 (required)" },
	{ "token_url", SH_CONF_URL, NULL, 0, 0, NULL, "OPENCHOREO_AUTH_TOKEN_URL", 0,
	  "the IdP's token endpoint for the service client" },
	{ "client_id", SH_CONF_STR, NULL, 0, 0, NULL, "OPENCHOREO_SERVICE_CLIENT_ID", 0,
	  "service client (client_credentials); unset: [identity]'s client" },
	{ "client_secret", SH_CONF_STR, NULL, 0, 0, NULL, "OPENCHOREO_SERVICE_CLIENT_SECRET",
	  SH_CONF_SECRET, "its secret (or client_secret_file)" },
	{ "scope", SH_CONF_STR, NULL, 0, 0, NULL, "OPENCHOREO_AUTH_SCOPE", 0,
	  "space-separated scopes of the service token" },
	{ "sync_frequency", SH_CONF_INT, "300", 1, 86400, NULL,
	  "OPENCHOREO_CATALOG_SYNC_FREQUENCY", 0, "seconds between full syncs" },
	{ "sync_timeout", SH_CONF_INT, "120", 1, 86400, NULL, NULL, 0,
	  "seconds after which a full sync is abandoned" },
	{ "default_owner", SH_CONF_STR, "openchoreo-users", 0, 0, NULL, NULL, 0,
	  "owner group of the entities (group:default/<name>)" },
	{ "page_limit", SH_CONF_INT, "100", 1, 100, NULL, NULL, 0,
	  "limit= of paged list calls" },
	{ "max_pages", SH_CONF_INT, "1000", 1, 1000000, NULL, NULL, 0,
	  "page cap of every list; one more page fails the sync" },
	{ "workload_fetches", SH_CONF_INT, "4", 1, 32, NULL, NULL, 0,
	  "workload requests of a full sync in flight at once (1: one at a time), and the "
	  "calls its memo asks again" },
	{ "sync_cache_mb", SH_CONF_INT, "256", 0, 65536, NULL, NULL, 0,
	  "MiB a process keeps of what the last full sync read and made, so that an "
	  "unchanged answer is not parsed or translated again (0: off)" },
	{ "events", SH_CONF_BOOL, "true", 0, 0, NULL, "OPENCHOREO_EVENTS_ENABLED", 0,
	  "accept the event forwarder's POST /api/events/http/openchoreo" },
	{ "events_secret", SH_CONF_STR, NULL, 0, 0, NULL, NULL, SH_CONF_SECRET,
	  "shared secret the forwarder must send (or events_secret_file); unset: none" },
	{ "events_max_pending", SH_CONF_INT, "10000", 1, 10000000, NULL, NULL, 0,
	  "queued resources at most; more events are shed (logged)" },
	{ "events_debounce_ms", SH_CONF_INT, "100", 0, 60000, NULL, NULL, 0,
	  "an event waits this long for more of the same resource" },
	{ "template_url_allow", SH_CONF_STR, NULL, 0, 0, NULL, NULL, SH_CONF_MULTI,
	  "URLs hand-written Templates (scaffolder.openchoreo.dev/backstage-template-url) "
	  "may be read from: <host>[:<port>[-<port>]] [/<path prefix>...] (repeat the key "
	  "for more); unset: none is read" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL },
};

/* A set, non-empty value or NULL. */
static const char *value(const struct sh_conf *conf, const char *key)
{
	const char *v = sh_conf_str(conf, "openchoreo", key);

	return v && *v ? v : NULL;
}

/* The [openchoreo] service client when token_url, client_id and the secret
 * are all set; else NULL: the host's [identity] client. */
static struct sh_service_client *service_client(const struct sh_conf *conf)
{
	struct sh_service_client *c;

	if (!value(conf, "token_url") || !value(conf, "client_id") ||
	    !value(conf, "client_secret"))
		return NULL;
	c = sh_xcalloc(1, sizeof *c);
	c->token_url = value(conf, "token_url");
	c->client_id = value(conf, "client_id");
	c->client_secret = value(conf, "client_secret");
	c->scope = value(conf, "scope");
	return c;
}

/* A key of the conf into the scope: its name and value (or "-"), hashed
 * when it is secret. */
static void scope_add(struct sh_buf *b, const struct sh_conf *conf, const char *section,
		      const char *key, bool secret)
{
	const char *v = sh_conf_str(conf, section, key);
	char hex[OC_DIGEST_HEX];

	if (v && secret)
		oc_digest_hex(v, strlen(v), hex);
	sh_buf_printf(b, "[%s] %s=%s\n", section, key, !v ? "-" : secret ? hex : v);
}

/*
 * What the memo of the full sync (memo.h) must never serve across: the
 * API, the credentials a token comes from (the secrets as digests), and
 * what the translation reads besides the answers.
 */
static char *memo_scope(const struct oc_state *st, const struct sh_conf *conf)
{
	static const char *const keys[][3] = {
		{ "openchoreo", "token_url", "" }, { "openchoreo", "client_id", "" },
		{ "openchoreo", "client_secret", "s" }, { "openchoreo", "scope", "" },
		{ "identity", "token_url", "" }, { "identity", "service_client_id", "" },
		{ "identity", "service_client_secret", "s" }, { "identity", "client_id", "" },
		{ "identity", "client_secret", "s" }, { "openchoreo", "template_url_allow", "" },
	};
	struct sh_buf b;

	sh_buf_init(&b, 1 << 16);
	sh_buf_printf(&b, "%s\n%s\n%d %ld %ld\n", st->base, st->default_owner, st->send_token,
		      st->page_limit, st->max_pages);
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		scope_add(&b, conf, keys[i][0], keys[i][1], keys[i][2][0] == 's');
	return b.data ? sh_buf_take(&b, NULL) : sh_xstrdup("");
}

static void read_keys(struct oc_state *st, const struct sh_conf *conf)
{
	const char *owner = value(conf, "default_owner");

	st->base = oc_api_base(value(conf, "base_url"));
	st->default_owner = sh_xasprintf("group:default/%s", owner ? owner : "openchoreo-users");
	st->sync_frequency_s = sh_conf_int(conf, "openchoreo", "sync_frequency", 300);
	st->sync_timeout_s = sh_conf_int(conf, "openchoreo", "sync_timeout", 120);
	st->page_limit = sh_conf_int(conf, "openchoreo", "page_limit", 100);
	st->max_pages = sh_conf_int(conf, "openchoreo", "max_pages", 1000);
	st->http_timeout_ms = sh_conf_int(conf, "http", "timeout_ms", 10000);
	st->send_token = sh_conf_feature(conf, "auth");
	st->client = st->send_token ? service_client(conf) : NULL;
	st->events = sh_conf_bool(conf, "openchoreo", "events", true);
	st->events_secret = value(conf, "events_secret") ? sh_xstrdup(value(conf, "events_secret"))
							 : NULL;
	st->events_max_pending = sh_conf_int(conf, "openchoreo", "events_max_pending", 10000);
	st->events_debounce_ms = sh_conf_int(conf, "openchoreo", "events_debounce_ms", 100);
	st->sync_cache_bytes = sh_conf_int(conf, "openchoreo", "sync_cache_mb", 256) << 20;
	st->memo_scope = memo_scope(st, conf);
}

/* [openchoreo] template_url_allow, in the catalog's reading_allow syntax. */
static int template_allow(struct oc_state *st, const struct sh_conf *conf, char *err,
			  size_t errlen)
{
	const char *const *rules = NULL;
	size_t n = sh_conf_multi(conf, "openchoreo", "template_url_allow", &rules);
	char *msg = NULL;

	if (n == 0 || sh_url_allow_parse(rules, n, &st->template_allow, &msg) == 0)
		return 0;
	snprintf(err, errlen, "[openchoreo] template_url_allow: %s", msg);
	free(msg);
	return SH_EINVAL;
}

static void oc_fini(void *state)
{
	struct oc_state *st = state;

	if (!st)
		return;
	free(st->base);
	free(st->default_owner);
	free(st->client);
	free(st->events_secret);
	free(st->memo_scope);
	sh_url_allow_free(st->template_allow);
	free(st);
}

static int oc_init(struct sh_host *host, void **state, char *err, size_t errlen)
{
	const struct sh_conf *conf = sh_host_conf(host);
	struct oc_state *st;
	int rc;

	if (!value(conf, "base_url")) {
		snprintf(err, errlen, "[openchoreo] base_url: required when the openchoreo flag is on");
		return SH_EINVAL;
	}
	st = sh_xcalloc(1, sizeof *st);
	st->host = host;
	read_keys(st, conf);
	rc = template_allow(st, conf, err, errlen);
	if (rc == 0)
		rc = oc_sync_start(st, err, errlen);
	if (rc == 0 && st->events)
		rc = oc_events_start(st, err, errlen);
	if (rc != 0) {
		oc_fini(st);
		return rc;
	}
	sh_log(SH_LOG_INFO,
	       "openchoreo: API %s, sync every %ld s (timeout %ld s), token %s, events %s", st->base,
	       st->sync_frequency_s, st->sync_timeout_s,
	       !st->send_token ? "off" : st->client ? "[openchoreo] client" : "[identity] client",
	       st->events ? (st->events_secret ? "on (shared secret)" : "on") : "off");
	*state = st;
	return 0;
}

static const struct sh_plugin_info oc_info = {
	SH_PLUGIN_STAMP,
	.name = "openchoreo",
	.version = "1",
	.flag = { .name = "openchoreo", .def = "false" },
	.mounts = oc_mounts,
	.keys = oc_keys,
	.routes = oc_routes,
	.init = oc_init,
	.fini = oc_fini,
};

SH_PLUGIN(oc_info)
