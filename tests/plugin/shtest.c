/*
 * shtest: the test-only plugin that the integration tests and the benchmark
 * drive.  It reaches every host service through the public API alone (routes
 * and parameters, auth levels, streaming, X-Accel-Redirect, the database pool,
 * migrations, a task, a cached route, an upstream call through the HTTP
 * client, error bodies, plugin config) and installs a stand-in token
 * verifier until the auth plugin exists.  Built with the tree, never
 * installed.  docs/plugins.md walks through it as the worked example.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <libpq-fe.h>

#include <stagehand/stagehand.h>

#define SLOW_MAX_MS 10000L
#define UPSTREAM_MAX_BYTES (1024 * 1024)
#define CACHE_BYTES (1024 * 1024)
#define CHANGED_CHANNEL "shtest_changed"   /* notified by migration 003's trigger */

struct shtest {
	const char *greeting;
	const char *upstream_url;   /* [shtest] upstream_url, or NULL */
	long upstream_timeout_ms;
	struct sh_host *host;       /* for sh_service_token, sh_host_pool */
};

static struct shtest shtest;

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* A JSON string for s (null for NULL); sets *bad when s is not UTF-8. */
static json_t *jstr(const char *s, bool *bad)
{
	json_t *j;

	if (!s)
		return json_null();
	j = json_string(s);
	if (!j) {
		*bad = true;
		return json_null();
	}
	return j;
}

static int reply_or_utf8_fail(struct sh_req *req, int status, json_t *body, bool bad)
{
	if (bad) {
		json_decref(body);
		return sh_fail(req, 400, "InputError", "request is not valid utf-8");
	}
	return sh_reply_json(req, status, body);
}

static int h_echo(struct sh_req *req, void *state)
{
	json_t *body = json_object(), *query = json_array();
	size_t n = sh_req_query_count(req);
	bool bad = false;

	for (size_t i = 0; i < n; i++) {
		const char *k, *v;

		if (sh_req_query_at(req, i, &k, &v) != 0)
			continue;
		json_array_append_new(query, json_pack("[oo]", jstr(k, &bad), jstr(v, &bad)));
	}
	json_object_set_new(body, "method", jstr(sh_req_method(req), &bad));
	json_object_set_new(body, "path", jstr(sh_req_path(req), &bad));
	json_object_set_new(body, "url", jstr(sh_req_url(req), &bad));
	json_object_set_new(body, "rest", jstr(sh_req_param(req, "rest"), &bad));
	json_object_set_new(body, "query", query);
	json_object_set_new(body, "header_x_test", jstr(sh_req_header(req, "X-Test"), &bad));
	return reply_or_utf8_fail(req, 200, body, bad);
}

/* GET /items/:id and /items/:id/parts/:part: the decoded parameters. */
static int h_item(struct sh_req *req, void *state)
{
	static const char *const names[] = { "id", "part" };
	json_t *body = json_object();
	bool bad = false;

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const char *v = sh_req_param(req, names[i]);

		if (v)
			json_object_set_new(body, names[i], jstr(v, &bad));
	}
	return reply_or_utf8_fail(req, 200, body, bad);
}

static int h_item_put(struct sh_req *req, void *state)
{
	bool bad = false;
	json_t *body = json_object();

	json_object_set_new(body, "id", jstr(sh_req_param(req, "id"), &bad));
	json_object_set_new(body, "method", json_string("PUT"));
	return reply_or_utf8_fail(req, 200, body, bad);
}

static int h_item_post(struct sh_req *req, void *state)
{
	json_t *json = sh_req_json(req);

	if (!json)
		return sh_req_status(req);
	/* sh_req_json lends the value; the reply steals a reference. */
	return sh_reply_json(req, 201, json_incref(json));
}

static int h_whoami(struct sh_req *req, void *state)
{
	static const char *const kinds[] = { "none", "user", "service" };
	const struct sh_identity *id = sh_req_identity(req);
	json_t *body = json_object();
	bool bad = false;

	json_object_set_new(body, "kind", json_string(kinds[id->kind]));
	json_object_set_new(body, "subject", jstr(id->subject, &bad));
	return reply_or_utf8_fail(req, 200, body, bad);
}

/* Two chunks a second apart: the tests time their arrival through nginx. */
static int h_stream(struct sh_req *req, void *state)
{
	static const char c1[] = "chunk1\n", c2[] = "chunk2\n";
	/* Like every reply call, begin returns the status it sent. */
	int status = sh_reply_stream_begin(req, 200, "text/plain; charset=utf-8");

	if (status != 200)
		return status;
	if (sh_reply_write(req, c1, sizeof c1 - 1) != 0 || sh_reply_flush(req) != 0)
		return 200;
	sleep_ms(1000);
	if (sh_reply_write(req, c2, sizeof c2 - 1) == 0)
		sh_reply_flush(req);
	return 200;
}

static int h_accel(struct sh_req *req, void *state)
{
	return sh_reply_accel(req, "/_files/hello.txt", "text/plain; charset=utf-8");
}

static int h_db(struct sh_req *req, void *state)
{
	PGresult *r = sh_db_query(req, "SELECT 1", 0, NULL);

	if (!r)
		return sh_db_fail(req);
	if (PQntuples(r) != 1)
		return sh_fail(req, 500, "Error", "unexpected result from select 1");
	return sh_reply_json(req, 200,
			     json_pack("{s:I}", "db",
				       (json_int_t)strtol(PQgetvalue(r, 0, 0), NULL, 10)));
}

/* Reads rows that only the plugin's migrations create. */
static int h_count(struct sh_req *req, void *state)
{
	PGresult *r = sh_db_query(req,
				  "UPDATE shtest.counter SET n = n + 1 WHERE id = 1 "
				  "RETURNING n, note", 0, NULL);

	if (!r)
		return sh_db_fail(req);
	if (PQntuples(r) != 1)
		return sh_fail(req, 500, "Error", "counter row is missing");
	return sh_reply_json(req, 200,
			     json_pack("{s:I, s:s}",
				       "count", (json_int_t)strtoll(PQgetvalue(r, 0, 0), NULL, 10),
				       "note", PQgetvalue(r, 0, 1)));
}

/* Sleeps ?ms=N milliseconds (capped): keeps a request in flight for drains. */
static int h_slow(struct sh_req *req, void *state)
{
	const char *s = sh_req_query(req, "ms");
	char *end;
	long ms;

	if (!s || !*s)
		return sh_fail(req, 400, "InputError", "missing query parameter 'ms'");
	errno = 0;
	ms = strtol(s, &end, 10);
	if (errno || *end || ms < 0)
		return sh_fail(req, 400, "InputError", "ms must be a non-negative integer");
	if (ms > SLOW_MAX_MS)
		ms = SLOW_MAX_MS;
	sleep_ms(ms);
	return sh_reply_json(req, 200, json_pack("{s:I}", "slept", (json_int_t)ms));
}

static int h_fail(struct sh_req *req, void *state)
{
	static const struct {
		const char *status, *name;
	} names[] = {
		{ "400", "InputError" }, { "401", "AuthenticationError" },
		{ "403", "NotAllowedError" }, { "404", "NotFoundError" },
		{ "409", "ConflictError" }, { "500", "Error" },
		{ "503", "ServiceUnavailableError" },
	};
	const char *st = sh_req_param(req, "status");

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(st, names[i].status) == 0)
			return sh_fail(req, (int)strtol(st, NULL, 10), names[i].name,
				       "requested failure with status %s", st);
	return sh_fail(req, 400, "InputError", "unsupported status");
}

static int h_config(struct sh_req *req, void *state)
{
	const struct shtest *t = state;

	return sh_reply_json(req, 200, json_pack("{s:s?}", "greeting", t->greeting));
}

/* The host's client_credentials token (test_identity.py counts IdP requests). */
static int h_svctoken(struct sh_req *req, void *state)
{
	const struct shtest *t = state;
	char *token;
	int rc = sh_service_token(t->host, &token);
	json_t *body;

	if (rc == SH_ENOTFOUND)
		return sh_fail(req, 404, "NotFoundError", "no service client configured");
	if (rc != 0)
		return sh_fail(req, 503, "ServiceUnavailableError", "no service token: %s",
			       sh_strerror(rc));
	body = json_pack("{s:s}", "token", token);
	free(token);
	return sh_reply_json(req, 200, body);
}

/*
 * GET /upstream: one call through the shared HTTP client to [shtest]
 * upstream_url; the status, content type and body are relayed as they came.
 * Conditional: a body with an ETag is kept, and a 304 answers from it.  The
 * call stops as soon as the client has gone.  test_shtest_upstream.py
 * points it at tests/stubs/standin.py.
 */
static int h_upstream(struct sh_req *req, void *state)
{
	const struct shtest *t = state;
	struct sh_http_request rq = {
		.url = t->upstream_url,
		.timeout_ms = t->upstream_timeout_ms,
		.max_bytes = UPSTREAM_MAX_BYTES,
		.conditional = true,
		.stop_when_gone = req,
	};
	struct sh_http_response resp = { 0 };
	int rc, status;

	if (!t->upstream_url)
		return sh_fail(req, 404, "NotFoundError", "no upstream_url configured");
	rc = sh_http_do(&rq, &resp);
	if (rc == 0) {
		status = sh_reply_raw(req, (int)resp.status, resp.content_type, resp.body,
				      resp.body_len);
	} else {
		sh_log(SH_LOG_WARN, "shtest: could not reach %s: %s", t->upstream_url, resp.error);
		status = sh_fail(req, rc == SH_ETIMEDOUT ? 504 : 502, "Error",
				 "could not reach the upstream: %s", sh_strerror(rc));
	}
	sh_http_response_free(&resp);
	return status;
}

/*
 * The heartbeat task: each pool counts its beats in shtest.heartbeat on a
 * connection of its own (tasks have no request).  Migration 003's trigger
 * notifies CHANGED_CHANNEL, which empties the cache of GET /heartbeat.
 */
static void heartbeat(struct sh_host *host, void *state)
{
	const char *params[] = { sh_host_pool(host) };
	PGconn *conn = sh_db_get(host, 1000);

	if (!conn)
		return;
	PQclear(sh_db_exec(conn,
			   "INSERT INTO shtest.heartbeat (pool, beats, last_beat) "
			   "VALUES ($1, 1, now()) ON CONFLICT (pool) DO UPDATE "
			   "SET beats = shtest.heartbeat.beats + 1, last_beat = now()",
			   1, params));
	sh_db_put(host, conn);
}

/* GET /heartbeat[?pool=P] (cached): the beats of a pool, this one by default. */
static int h_heartbeat(struct sh_req *req, void *state)
{
	const struct shtest *t = state;
	const char *pool = sh_req_query(req, "pool");
	const char *params[] = { pool ? pool : sh_host_pool(t->host) };
	PGresult *r = sh_db_query(req,
				  "SELECT pool, beats, to_char(last_beat AT TIME ZONE 'UTC', "
				  "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') "
				  "FROM shtest.heartbeat WHERE pool = $1", 1, params);

	if (!r)
		return sh_db_fail(req);
	if (PQntuples(r) != 1)
		return sh_fail(req, 404, "NotFoundError", "no heartbeat from that pool");
	return sh_reply_json(req, 200,
			     json_pack("{s:s, s:I, s:s}", "pool", PQgetvalue(r, 0, 0),
				       "beats", (json_int_t)strtoll(PQgetvalue(r, 0, 1), NULL, 10),
				       "last_beat", PQgetvalue(r, 0, 2)));
}

/* True for a non-empty [a-z0-9._-]+ name. */
static bool name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '.' || *s == '_' || *s == '-'))
			return false;
	return true;
}

/*
 * The stand-in verifier: "test-user:<name>" is user:default/<name>,
 * "test-service:<name>" is the service <name>; anything else is refused.
 */
static int verify(struct sh_req *req, const char *token, struct sh_identity *out,
		  char *why, size_t whylen, void *state)
{
	static const char user[] = "test-user:", service[] = "test-service:";
	const char **own;

	memset(out, 0, sizeof *out);
	out->token = token;
	if (strncmp(token, user, sizeof user - 1) == 0 && name_ok(token + sizeof user - 1)) {
		out->kind = SH_PRINCIPAL_USER;
		out->subject = sh_printf(req, "user:default/%s", token + sizeof user - 1);
		own = sh_alloc(req, sizeof *own);
		own[0] = out->subject;
		out->ownership = own;
		out->n_ownership = 1;
		return 0;
	}
	if (strncmp(token, service, sizeof service - 1) == 0 &&
	    name_ok(token + sizeof service - 1)) {
		out->kind = SH_PRINCIPAL_SERVICE;
		out->subject = sh_strdup(req, token + sizeof service - 1);
		return 0;
	}
	snprintf(why, whylen, "not a test token");
	return SH_EINVAL;
}

/* The route table: every route of the test plugin, in one place. */
static const char *const echo_query[] = { "q", "x", NULL };
static const char *const heartbeat_query[] = { "pool", NULL };
static const char *const alias_mounts[] = { "shtest-alias", NULL };

static const struct sh_route_spec shtest_routes[] = {
	{ "GET", "/echo/*rest", SH_AUTH_NONE, h_echo, 0, NULL, NULL },
	{ "GET", "/items/:id", SH_AUTH_NONE, h_item, 0, NULL, NULL },
	{ "PUT", "/items/:id", SH_AUTH_NONE, h_item_put, 0, NULL, NULL },
	{ "GET", "/items/:id/parts/:part", SH_AUTH_NONE, h_item, 0, NULL, NULL },
	{ "POST", "/items", SH_AUTH_NONE, h_item_post, 0, NULL, NULL },
	{ "GET", "/public", SH_AUTH_NONE, h_whoami, 0, NULL, NULL },
	{ "GET", "/user", SH_AUTH_USER, h_whoami, 0, NULL, NULL },
	{ "GET", "/service", SH_AUTH_SERVICE, h_whoami, 0, NULL, NULL },
	{ "GET", "/any", SH_AUTH_ANY, h_whoami, 0, NULL, NULL },
	{ "GET", "/cookie", SH_AUTH_USER_COOKIE, h_whoami, 0, NULL, NULL },
	{ "GET", "/svctoken", SH_AUTH_NONE, h_svctoken, 0, NULL, NULL },
	{ "GET", "/stream", SH_AUTH_NONE, h_stream, 0, NULL, NULL },
	{ "GET", "/accel", SH_AUTH_NONE, h_accel, 0, NULL, NULL },
	{ "GET", "/db", SH_AUTH_NONE, h_db, 0, NULL, NULL },
	{ "GET", "/count", SH_AUTH_NONE, h_count, 0, NULL, NULL },
	{ "GET", "/slow", SH_AUTH_NONE, h_slow, 0, NULL, NULL },
	{ "GET", "/fail/:status", SH_AUTH_NONE, h_fail, 0, NULL, NULL },
	{ "GET", "/config", SH_AUTH_NONE, h_config, 0, NULL, NULL },
	{ "GET", "/upstream", SH_AUTH_NONE, h_upstream, 0, NULL, NULL },
	/* 200 replies kept in the cache init makes, until the next beat. */
	{ "GET", "/heartbeat", SH_AUTH_NONE, h_heartbeat, SH_ROUTE_CACHED, heartbeat_query, NULL },
	/* Only q and x: anything else is the host's 400 before the handler. */
	{ "GET", "/strict/*rest", SH_AUTH_NONE, h_echo, 0, echo_query, NULL },
	/* The same handler on an extra mount: /api/shtest-alias/public. */
	{ "GET", "/public", SH_AUTH_NONE, h_whoami, 0, NULL, "shtest-alias" },
	{ NULL, NULL, 0, NULL, 0, NULL, NULL },
};

static int shtest_init(struct sh_host *host, void **state, char *err, size_t errlen)
{
	const struct sh_conf *conf = sh_host_conf(host);
	int rc;

	if (sh_conf_bool(conf, "shtest", "fail_init", false)) {
		snprintf(err, errlen, "shtest: init refused by configuration");
		return SH_EINVAL;
	}
	shtest.greeting = sh_conf_str(conf, "shtest", "greeting");
	shtest.upstream_url = sh_conf_str(conf, "shtest", "upstream_url");
	shtest.upstream_timeout_ms = sh_conf_int(conf, "shtest", "upstream_timeout_ms", 2000);
	shtest.host = host;
	rc = sh_identity_set_verifier(host, verify, NULL);
	if (rc < 0) {
		snprintf(err, errlen, "could not install the test verifier: %s", sh_strerror(rc));
		return rc;
	}
	if (!sh_cache_new(host, CHANGED_CHANNEL, CACHE_BYTES)) {
		snprintf(err, errlen, "could not make the heartbeat cache");
		return SH_EINVAL;
	}
	rc = sh_task_add(host, "shtest.heartbeat",
			 (unsigned)sh_conf_int(conf, "shtest", "heartbeat_ms", 10000), 0.1, 0,
			 heartbeat, &shtest);
	if (rc < 0) {
		snprintf(err, errlen, "could not add the heartbeat task: %s", sh_strerror(rc));
		return rc;
	}
	*state = &shtest;
	return 0;
}

/* Logged so the drain test can see that fini ran on SIGTERM. */
static void shtest_fini(void *state)
{
	sh_log(SH_LOG_INFO, "shtest: fini");
}

static const struct sh_conf_key shtest_keys[] = {
	{ .name = "greeting", .type = SH_CONF_STR, .def = "hello",
	  .help = "text that GET /api/shtest/config returns" },
	{ .name = "fail_init", .type = SH_CONF_BOOL, .def = "false",
	  .help = "make init fail, to test that start-up stops" },
	{ .name = "upstream_url", .type = SH_CONF_URL,
	  .help = "URL that GET /api/shtest/upstream fetches and relays" },
	{ .name = "upstream_timeout_ms", .type = SH_CONF_INT, .def = "2000",
	  .min = 100, .max = 60000, .help = "timeout of that call" },
	{ .name = "heartbeat_ms", .type = SH_CONF_INT, .def = "10000",
	  .min = 100, .max = 3600000, .help = "period of the heartbeat task" },
	{ .name = NULL },
};

static const struct sh_plugin_info shtest_info = {
	SH_PLUGIN_STAMP,
	.name = "shtest",
	.flag = { .name = "shtest", .def = "false" },
	.mounts = alias_mounts,
	.routes = shtest_routes,
	.version = "1",
	.keys = shtest_keys,
	.init = shtest_init,
	.fini = shtest_fini,
};

SH_PLUGIN(shtest_info)
