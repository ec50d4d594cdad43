/*
 * The perch plugin (spec platform-apis §5.3, issue 18): descriptor, keys,
 * route table, init/fini.  The agent's two POST routes, under /api/perch
 * and under OpenChoreo's mount /api/openchoreo-portal-assistant-backend,
 * are forwarded to [perch] upstream_url with the same path suffix.  The
 * routes are SH_AUTH_NONE: the browser sends the IdP access token, which
 * the handler checks itself (verify_token) before a byte goes upstream.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/stagehand.h>

#include "perch.h"

#define OC_MOUNT "openchoreo-portal-assistant-backend"
#define CHAT "/api/v1alpha1/portal-assistant/chat"
#define WARMUP "/api/v1alpha1/portal-assistant/warmup"

static const char *const perch_mounts[] = { OC_MOUNT, NULL };

static const struct sh_route_spec perch_routes[] = {
	{ "POST", CHAT, SH_AUTH_NONE, perch_route_chat, 0, NULL, NULL },
	{ "POST", WARMUP, SH_AUTH_NONE, perch_route_warmup, 0, NULL, NULL },
	/* OpenChoreo's URL, what the stock frontend calls. */
	{ "POST", CHAT, SH_AUTH_NONE, perch_route_chat, 0, NULL, OC_MOUNT },
	{ "POST", WARMUP, SH_AUTH_NONE, perch_route_warmup, 0, NULL, OC_MOUNT },
	{ NULL, NULL, SH_AUTH_NONE, NULL, 0, NULL, NULL },
};

static const struct sh_conf_key perch_keys[] = {
	{ "upstream_url", SH_CONF_URL,
	  "http://portal-assistant.openchoreo-control-plane.svc.cluster.local:8080", 0, 0, NULL,
	  "OPENCHOREO_PORTAL_ASSISTANT_URL", 0,
	  "the portal-assistant agent; routes go to the same path under it" },
	{ "chat_timeout", SH_CONF_INT, "600", 1, 3600, NULL, NULL, 0,
	  "seconds a whole chat may take" },
	{ "warmup_timeout", SH_CONF_INT, "30", 1, 600, NULL, NULL, 0,
	  "seconds a warmup may take" },
	{ "idle_timeout", SH_CONF_INT, "120", 0, 3600, NULL, NULL, 0,
	  "seconds a chat may stay silent before it is closed (0: only chat_timeout)" },
	{ "verify_token", SH_CONF_BOOL, NULL, 0, 0, NULL, NULL, 0,
	  "verify the IdP token before forwarding (unset: [features] auth)" },
	{ "max_streams", SH_CONF_INT, "0", 0, 100000, NULL, NULL, 0,
	  "open chats per pool process, then 503 (0: the pool's threads - 1)" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL, 0, NULL },
};

/* max_streams = 0: every request thread but one, which stays free to
 * answer 503 at once instead of leaving requests queued. */
static long default_streams(const struct sh_conf *conf, const char *pool)
{
	char sec[128];
	long threads;

	snprintf(sec, sizeof sec, "pool.%s", pool);
	threads = sh_conf_int(conf, sec, "threads", 4);
	return threads > 1 ? threads - 1 : 1;
}

static int perch_init(struct sh_host *host, void **state, char *err, size_t errlen)
{
	const struct sh_conf *conf = sh_host_conf(host);
	const char *url = sh_conf_str(conf, "perch", "upstream_url");
	const char *verify = sh_conf_str(conf, "perch", "verify_token");
	struct perch *p = sh_xcalloc(1, sizeof *p);
	size_t len = strlen(url);

	(void)err, (void)errlen;
	while (len > 0 && url[len - 1] == '/')
		len--;
	p->host = host;
	p->upstream = sh_xstrndup(url, len);
	p->chat_timeout_ms = sh_conf_int(conf, "perch", "chat_timeout", 600) * 1000;
	p->warmup_timeout_ms = sh_conf_int(conf, "perch", "warmup_timeout", 30) * 1000;
	p->idle_timeout_ms = sh_conf_int(conf, "perch", "idle_timeout", 120) * 1000;
	p->verify_token = verify ? sh_conf_bool(conf, "perch", "verify_token", true)
				 : sh_conf_feature(conf, "auth");
	p->max_streams = sh_conf_int(conf, "perch", "max_streams", 0);
	if (p->max_streams <= 0)
		p->max_streams = default_streams(conf, sh_host_pool(host));
	atomic_init(&p->open, 0);
	sh_log(SH_LOG_INFO, "perch: forwarding to %s (verify_token %s, max_streams %ld)",
	       p->upstream, p->verify_token ? "on" : "off", p->max_streams);
	*state = p;
	return 0;
}

static void perch_fini(void *state)
{
	struct perch *p = state;

	if (!p)
		return;
	free(p->upstream);
	free(p);
}

static const struct sh_plugin_info perch_info = {
	SH_PLUGIN_STAMP,
	.name = "perch",
	.version = "1",
	.flag = { .name = "assistant", .def = "false",
		  .env = "OPENCHOREO_FEATURES_ASSISTANT_ENABLED" },
	.mounts = perch_mounts,
	.keys = perch_keys,
	.routes = perch_routes,
	.init = perch_init,
	.fini = perch_fini,
};

SH_PLUGIN(perch_info)
