/*
 * sh_service_token and sh_service_token_for: client_credentials access
 * tokens (platform-apis §1.10, openchoreo-provider §1.5), cached per process
 * and per (token_url, client_id, scope) until the token's exp (or
 * expires_in) minus 60 s, with one request in flight per client however
 * many threads ask at once: the others wait for its outcome, success or
 * not.  [identity]'s client is one such client among others.
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
#define SCOPE_MAX 1024              /* bytes of a scope list */
#define CLIENTS_MAX 32              /* distinct clients one process serves */

/* One client's token, keyed by (token_url, client_id, scope). */
struct token_slot {
	char *token_url, *client_id, *scope;   /* scope NULL: none */
	char *cached;                          /* current token or NULL */
	long long refresh_at;                  /* unix seconds after which it is replaced */
	bool fetching;
	unsigned long generation;              /* bumped after every fetch */
	int last_rc;                           /* outcome of the last fetch */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;
static struct token_slot slots[CLIENTS_MAX];
static size_t n_slots;

static const char *conf_nonempty(const struct sh_conf *c, const char *section, const char *key)
{
	const char *v = sh_conf_str(c, section, key);

	return v && *v ? v : NULL;
}

static bool nonempty(const char *s)
{
	return s && *s;
}

static bool same(const char *a, const char *b)
{
	return (a == NULL || b == NULL) ? a == b : strcmp(a, b) == 0;
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

/* The scopes joined by one space, empties dropped (as upstream splits
 * them); malloc'd, or NULL for none (or more than SCOPE_MAX bytes, logged). */
static char *scope_norm(const char *scope)
{
	struct sh_buf b;
	const char *p = scope;

	if (scope == NULL)
		return NULL;
	sh_buf_init(&b, SCOPE_MAX);
	while (*(p += strspn(p, " \t\r\n")) != '\0') {
		size_t n = strcspn(p, " \t\r\n");

		if ((b.len && sh_buf_add(&b, " ", 1) != 0) || sh_buf_add(&b, p, n) != 0) {
			sh_log(SH_LOG_WARN, "service client scope is over %d bytes: sent without one",
			       SCOPE_MAX);
			sh_buf_free(&b);
			return NULL;
		}
		p += n;
	}
	if (b.len == 0) {
		sh_buf_free(&b);
		return NULL;
	}
	return b.data;
}

/* The form of spec §1.5, URLSearchParams-encoded.  0 or SH_ETOOBIG. */
static int token_form(struct sh_buf *form, const struct sh_service_client *cl)
{
	sh_buf_init(form, FORM_MAX);
	if (sh_buf_add_form_www(form, "grant_type", "client_credentials") != 0 ||
	    sh_buf_add_form_www(form, "client_id", cl->client_id) != 0 ||
	    (cl->client_secret && sh_buf_add_form_www(form, "client_secret", cl->client_secret) != 0) ||
	    (cl->scope && sh_buf_add_form_www(form, "scope", cl->scope) != 0))
		return SH_ETOOBIG;
	return 0;
}

/* One token request for cl (scope normalised); 0 with *token malloc'd, or SH_E*. */
static int fetch(const struct sh_service_client *cl, char **token, long long *deadline)
{
	static const char *const headers[] = {
		"Content-Type: application/x-www-form-urlencoded", "Accept: application/json", NULL
	};
	struct sh_http_request rq = { .method = "POST", .headers = headers, .max_bytes = TOKEN_MAX,
				      .url = cl->token_url };
	struct sh_http_response resp = { 0 };
	struct sh_buf form;
	int rc;

	if (token_form(&form, cl) != 0) {
		sh_log(SH_LOG_WARN, "token request for client %s is over %d bytes", cl->client_id,
		       FORM_MAX);
		rc = SH_EUNAVAIL;
		goto out;
	}
	rq.body = form.data;
	rq.body_len = form.len;
	rc = sh_http_do(&rq, &resp);
	if (rc != 0)
		sh_log(SH_LOG_WARN, "could not reach the token endpoint %s: %s", cl->token_url,
		       resp.error);
	else if (resp.status != 200)
		sh_log(SH_LOG_WARN, "token endpoint %s refused client %s: status %ld",
		       cl->token_url, cl->client_id, resp.status);
	else
		rc = parse_reply(&resp, cl->token_url, token, deadline);
	if (rc != 0)
		rc = SH_EUNAVAIL;
out:
	sh_http_response_free(&resp);
	sh_buf_free(&form);
	return rc;
}

/* Under lock: the slot of cl's key, made on first use; NULL when full. */
static struct token_slot *slot_of(const struct sh_service_client *cl)
{
	struct token_slot *t;

	for (size_t i = 0; i < n_slots; i++) {
		t = &slots[i];
		if (strcmp(t->token_url, cl->token_url) == 0 &&
		    strcmp(t->client_id, cl->client_id) == 0 && same(t->scope, cl->scope))
			return t;
	}
	if (n_slots == CLIENTS_MAX)
		return NULL;
	t = &slots[n_slots++];
	memset(t, 0, sizeof(*t));
	t->token_url = sh_xstrdup(cl->token_url);
	t->client_id = sh_xstrdup(cl->client_id);
	t->scope = cl->scope ? sh_xstrdup(cl->scope) : NULL;
	return t;
}

/* Runs one fetch as the thread in charge of t and publishes its outcome. */
static void fetch_and_publish(struct token_slot *t, const struct sh_service_client *cl)
{
	char *token = NULL;
	long long deadline = 0;
	int rc = fetch(cl, &token, &deadline);

	pthread_mutex_lock(&lock);
	if (rc == 0) {
		free(t->cached);
		t->cached = token;
		t->refresh_at = deadline;
	}
	t->last_rc = rc;
	t->fetching = false;
	t->generation++;
	pthread_cond_broadcast(&done);
	pthread_mutex_unlock(&lock);
}

/* The cached token of cl, or one fetch shared by every caller meanwhile. */
static int token_get(const struct sh_service_client *cl, char **token)
{
	struct token_slot *t;
	unsigned long gen;
	int rc = 0;

	pthread_mutex_lock(&lock);
	if ((t = slot_of(cl)) == NULL) {
		pthread_mutex_unlock(&lock);
		sh_log(SH_LOG_ERROR, "more than %d service clients: no token for client %s",
		       CLIENTS_MAX, cl->client_id);
		return SH_EUNAVAIL;
	}
	if (t->cached && (long long)time(NULL) < t->refresh_at) {
		*token = sh_xstrdup(t->cached);
		pthread_mutex_unlock(&lock);
		return 0;
	}
	gen = t->generation;
	if (!t->fetching) {
		t->fetching = true;
		pthread_mutex_unlock(&lock);
		fetch_and_publish(t, cl);
		pthread_mutex_lock(&lock);
	}
	while (t->generation == gen)
		pthread_cond_wait(&done, &lock);
	/* A token just fetched serves even if it is already inside the
	 * last minute: it is the freshest the IdP gives. */
	if (t->last_rc == 0 && t->cached)
		*token = sh_xstrdup(t->cached);
	else
		rc = t->last_rc ? t->last_rc : SH_EUNAVAIL;
	pthread_mutex_unlock(&lock);
	return rc;
}

/* token_get for cl with its scope list normalised. */
static int token_for(const struct sh_service_client *cl, char **token)
{
	struct sh_service_client norm = *cl;
	int rc;

	norm.scope = scope_norm(cl->scope);
	rc = token_get(&norm, token);
	free((char *)norm.scope);
	return rc;
}

int sh_service_token(const struct sh_host *host, char **token)
{
	struct host_idp_endpoints ep;
	struct sh_service_client cl = { 0 };

	*token = NULL;
	host_idp_endpoints(host->conf, &ep);
	cl.token_url = ep.token_url;
	cl.scope = conf_nonempty(host->conf, "identity", "scope");
	if (!cl.token_url || !client_of(host->conf, &cl.client_id, &cl.client_secret))
		return SH_ENOTFOUND;
	return token_for(&cl, token);
}

int sh_service_token_for(const struct sh_host *host, const struct sh_service_client *client,
			 char **token)
{
	*token = NULL;
	if (client == NULL)
		return sh_service_token(host, token);
	if (!nonempty(client->token_url) || !nonempty(client->client_id) ||
	    !nonempty(client->client_secret))
		return SH_EINVAL;
	return token_for(client, token);
}

void host_svctoken_reset(void)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < n_slots; i++) {
		free(slots[i].token_url);
		free(slots[i].client_id);
		free(slots[i].scope);
		free(slots[i].cached);
	}
	n_slots = 0;
	pthread_mutex_unlock(&lock);
}
