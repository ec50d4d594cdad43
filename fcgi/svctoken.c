/*
 * sh_service_token: client_credentials access tokens from the identity
 * provider (platform-apis §1.10), cached per process until the token's exp
 * (or expires_in) minus 60 s, with one request in flight however many
 * threads ask at once: the others wait for its outcome, success or not.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host.h"
#include "idp.h"

#define EARLY 60                    /* seconds before exp a token is replaced */
#define TOKEN_MAX (32 * 1024)       /* bytes of a token response we read */
#define FORM_MAX 4096

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;
static char *cached;                /* current token or NULL */
static long long refresh_at;        /* unix seconds after which it is replaced */
static bool fetching;
static unsigned long generation;    /* bumped after every fetch */
static int last_rc;                 /* outcome of the last fetch */

static const char *conf_nonempty(const struct sh_conf *c, const char *section, const char *key)
{
	const char *v = sh_conf_str(c, section, key);

	return v && *v ? v : NULL;
}

/* The exp claim of a JWT, read without verification (only to schedule). */
static long long jwt_exp(const char *token)
{
	struct sh_jws j;
	char why[64];
	long long exp = 0;

	if (sh_jws_parse(token, &j, why, sizeof why) != 0)
		return 0;
	if (json_is_integer(json_object_get(j.payload, "exp")))
		exp = (long long)json_integer_value(json_object_get(j.payload, "exp"));
	sh_jws_clear(&j);
	return exp;
}

/* The client: the service client, else the sign-in client, both under
 * [identity] (the chart's OPENCHOREO_AUTH_CLIENT_* set the sign-in client
 * there, as they set the auth plugin's own keys). */
static bool client_of(const struct sh_conf *c, const char **id, const char **secret)
{
	*id = conf_nonempty(c, "identity", "service_client_id");
	*secret = conf_nonempty(c, "identity", "service_client_secret");
	if (!*id) {
		*id = conf_nonempty(c, "identity", "client_id");
		*secret = conf_nonempty(c, "identity", "client_secret");
	}
	return *id != NULL;
}

/* Reads {access_token, expires_in} into a malloc'd token and its deadline. */
static int parse_reply(const struct sh_http_response *resp, const char *url, char **token,
		       long long *deadline)
{
	json_t *doc = resp->body ? json_loadb(resp->body, resp->body_len, 0, NULL) : NULL;
	const char *at = json_string_value(json_object_get(doc, "access_token"));
	json_t *ein = json_object_get(doc, "expires_in");
	long long now = (long long)time(NULL), exp;
	int rc = SH_EUNAVAIL;

	if (!at || !*at || strlen(at) > TOKEN_MAX) {
		sh_log(SH_LOG_WARN, "token endpoint %s: no access_token in the reply", url);
		goto out;
	}
	exp = jwt_exp(at);
	if (!exp && json_is_integer(ein))
		exp = now + (long long)json_integer_value(ein);
	*token = sh_xstrdup(at);
	*deadline = exp ? exp - EARLY : now;
	rc = 0;
out:
	json_decref(doc);
	return rc;
}

/* One token request; 0 with *token malloc'd, or SH_E*. */
static int fetch(const struct sh_conf *c, char **token, long long *deadline)
{
	static const char *const headers[] = {
		"Content-Type: application/x-www-form-urlencoded", "Accept: application/json", NULL
	};
	struct host_idp_endpoints ep;
	struct sh_http_request rq = { .method = "POST", .headers = headers, .max_bytes = TOKEN_MAX };
	struct sh_http_response resp;
	const char *id, *secret, *scope = conf_nonempty(c, "identity", "scope");
	struct sh_buf form;
	int rc;

	host_idp_endpoints(c, &ep);
	if (!ep.token_url || !client_of(c, &id, &secret))
		return SH_ENOTFOUND;
	sh_buf_init(&form, FORM_MAX);
	if (sh_buf_add_form(&form, "grant_type", "client_credentials") != 0 ||
	    sh_buf_add_form(&form, "client_id", id) != 0 ||
	    (secret && sh_buf_add_form(&form, "client_secret", secret) != 0) ||
	    (scope && sh_buf_add_form(&form, "scope", scope) != 0)) {
		sh_buf_free(&form);
		return SH_ETOOBIG;
	}
	rq.url = ep.token_url;
	rq.body = form.data;
	rq.body_len = form.len;
	rc = sh_http_do(&rq, &resp);
	if (rc != 0)
		sh_log(SH_LOG_WARN, "could not reach the token endpoint %s: %s", ep.token_url,
		       resp.error);
	else if (resp.status != 200)
		sh_log(SH_LOG_WARN, "token endpoint %s refused the client credentials: status %ld",
		       ep.token_url, resp.status);
	else
		rc = parse_reply(&resp, ep.token_url, token, deadline);
	if (rc == 0 || rc == SH_ENOTFOUND)
		goto out;
	rc = SH_EUNAVAIL;
out:
	sh_http_response_free(&resp);
	sh_buf_free(&form);
	return rc;
}

/* Runs one fetch as the thread in charge and publishes its outcome. */
static void fetch_and_publish(const struct sh_conf *c)
{
	char *token = NULL;
	long long deadline = 0;
	int rc = fetch(c, &token, &deadline);

	pthread_mutex_lock(&lock);
	if (rc == 0) {
		free(cached);
		cached = token;
		refresh_at = deadline;
	}
	last_rc = rc;
	fetching = false;
	generation++;
	pthread_cond_broadcast(&done);
	pthread_mutex_unlock(&lock);
}

int sh_service_token(const struct sh_host *host, char **token)
{
	unsigned long gen;
	int rc = 0;

	*token = NULL;
	pthread_mutex_lock(&lock);
	if (cached && (long long)time(NULL) < refresh_at) {
		*token = sh_xstrdup(cached);
		pthread_mutex_unlock(&lock);
		return 0;
	}
	gen = generation;
	if (!fetching) {
		fetching = true;
		pthread_mutex_unlock(&lock);
		fetch_and_publish(host->conf);
		pthread_mutex_lock(&lock);
	}
	while (generation == gen)
		pthread_cond_wait(&done, &lock);
	/* A token just fetched serves even if it is already inside the
	 * last minute: it is the freshest the IdP gives. */
	if (last_rc == 0 && cached)
		*token = sh_xstrdup(cached);
	else
		rc = last_rc ? last_rc : SH_EUNAVAIL;
	pthread_mutex_unlock(&lock);
	return rc;
}

void host_svctoken_reset(void)
{
	pthread_mutex_lock(&lock);
	free(cached);
	cached = NULL;
	refresh_at = 0;
	pthread_mutex_unlock(&lock);
}
