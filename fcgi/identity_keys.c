/*
 * Built-in verification of Backstage user tokens (typ vnd.backstage.user,
 * ES256) and limited user tokens (vnd.backstage.limited-user, where a route
 * allows them): the public keys come from the database through the auth plugin's
 * versioned function auth.public_keys_v1(), cached per process for a few
 * seconds and reloaded (rate-limited) on an unknown kid, so every pool on
 * every host verifies every token without HTTP.  Every claim is checked here.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libpq-fe.h>

#include "jws.h"
#include "req.h"

#define KEYS_TTL 10          /* seconds a loaded key set is used as is */
#define KEYS_FORCE_MIN 1     /* seconds between reloads forced by an unknown kid */
#define CLOCK_SKEW 60        /* seconds iat/nbf may lie in the future */
#define KID_MAX 128
#define REF_MAX 512

struct cached_key {
	char kid[KID_MAX];
	EVP_PKEY *key;
	long long expires;   /* unix seconds */
};

static pthread_mutex_t keys_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t keys_loaded = PTHREAD_COND_INITIALIZER;
static struct cached_key *keys;
static size_t n_keys;
static struct timespec loaded_at;   /* monotonic; zero: never */
static struct timespec tried_at;
static bool loading;

static double since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void free_keys(struct cached_key *k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		EVP_PKEY_free(k[i].key);
	free(k);
}

/* The live key named kid with a reference the caller frees; keys_lock held. */
static EVP_PKEY *find_key(const char *kid)
{
	long long now = (long long)time(NULL);

	for (size_t i = 0; i < n_keys; i++)
		if (strcmp(keys[i].kid, kid) == 0 && keys[i].expires > now &&
		    EVP_PKEY_up_ref(keys[i].key) == 1)
			return keys[i].key;
	return NULL;
}

/* Reads auth.public_keys_v1() into a fresh set; no function means no keys. */
static int load_keys(struct sh_req *req, struct cached_key **out, size_t *n)
{
	PGresult *r = sh_db_query(req, "SELECT to_regprocedure('auth.public_keys_v1()') IS NOT NULL",
				  0, NULL);

	*out = NULL;
	*n = 0;
	if (!r)
		return SH_EDB;
	if (strcmp(PQgetvalue(r, 0, 0), "t") != 0)
		return 0;
	r = sh_db_query(req, "SELECT kid, jwk, floor(extract(epoch FROM expires_at))::bigint "
			"FROM auth.public_keys_v1()", 0, NULL);
	if (!r)
		return SH_EDB;
	*out = host_xcalloc((size_t)PQntuples(r) + 1, sizeof **out);
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *jwk = json_loads(PQgetvalue(r, i, 1), JSON_REJECT_DUPLICATES, NULL);
		struct cached_key *k = &(*out)[*n];

		k->key = jwk ? host_jwk_to_key(jwk, HOST_JWS_ES256) : NULL;
		json_decref(jwk);
		if (!k->key || strlen(PQgetvalue(r, i, 0)) >= KID_MAX) {
			EVP_PKEY_free(k->key);
			k->key = NULL;
			sh_log(SH_LOG_WARN, "auth.public_keys_v1: unusable key skipped");
			continue;
		}
		snprintf(k->kid, sizeof k->kid, "%s", PQgetvalue(r, i, 0));
		k->expires = strtoll(PQgetvalue(r, i, 2), NULL, 10);
		(*n)++;
	}
	return 0;
}

/* Reloads the set unless another thread does; keeps the old one on failure. */
static void reload(struct sh_req *req)
{
	struct cached_key *fresh, *old = NULL;
	size_t n, n_old = 0;
	int rc = load_keys(req, &fresh, &n);

	pthread_mutex_lock(&keys_lock);
	if (rc == 0) {
		old = keys;
		n_old = n_keys;
		keys = fresh;
		n_keys = n;
		clock_gettime(CLOCK_MONOTONIC, &loaded_at);
	}
	loading = false;
	pthread_cond_broadcast(&keys_loaded);
	pthread_mutex_unlock(&keys_lock);
	free_keys(old, n_old);
}

/*
 * The public key for kid.  The set is reloaded when stale or when kid is
 * unknown, at most once a second (a database outage or made-up kids cannot
 * turn every request into a query); a thread missing the key waits for a
 * load in progress rather than refusing a token that load would accept.
 */
static EVP_PKEY *key_for(struct sh_req *req, const char *kid)
{
	EVP_PKEY *key;
	bool load;

	pthread_mutex_lock(&keys_lock);
	while (!(key = find_key(kid)) && loading)
		pthread_cond_wait(&keys_loaded, &keys_lock);
	load = !loading && (tried_at.tv_sec == 0 || since(&tried_at) >= KEYS_FORCE_MIN) &&
	       (!key || since(&loaded_at) >= KEYS_TTL);
	if (load) {
		loading = true;
		clock_gettime(CLOCK_MONOTONIC, &tried_at);
	}
	pthread_mutex_unlock(&keys_lock);
	if (!load)
		return key;
	reload(req);
	EVP_PKEY_free(key);
	pthread_mutex_lock(&keys_lock);
	key = find_key(kid);
	pthread_mutex_unlock(&keys_lock);
	return key;
}

/* "user:name" or "user:namespace/name", printable ASCII without spaces. */
static bool user_ref_ok(const char *s)
{
	const char *name;
	size_t slashes = 0;

	if (strlen(s) > REF_MAX || strncasecmp(s, "user:", 5) != 0)
		return false;
	name = s + 5;
	for (const char *p = name; *p; p++) {
		if (*p <= ' ' || *p >= 0x7f || *p == ':')
			return false;
		if (*p == '/' && (p == name || !p[1] || p[-1] == '/' || ++slashes > 1))
			return false;
	}
	return *name != '\0';
}

static bool aud_ok(const json_t *aud)
{
	size_t i;
	json_t *v;

	if (json_is_string(aud))
		return strcmp(json_string_value(aud), "backstage") == 0;
	json_array_foreach(aud, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), "backstage") == 0)
			return true;
	return false;
}

static bool ent_ok(const json_t *ent)
{
	size_t i;
	json_t *v;

	if (!ent)
		return true;
	if (!json_is_array(ent))
		return false;
	json_array_foreach(ent, i, v)
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    json_string_length(v) > REF_MAX)
			return false;
	return true;
}

#define FAIL(...) do { snprintf(why, whylen, __VA_ARGS__); return SH_EINVAL; } while (0)

int host_user_token_check(const struct host_jws *j, EVP_PKEY *key, const char *issuer,
			  long long now, char *why, size_t whylen)
{
	const json_t *p = j->payload;
	const char *typ = json_string_value(json_object_get(j->header, "typ"));
	const char *iss = json_string_value(json_object_get(p, "iss"));
	const char *sub = json_string_value(json_object_get(p, "sub"));
	json_t *iat = json_object_get(p, "iat"), *exp = json_object_get(p, "exp");
	json_t *nbf = json_object_get(p, "nbf");

	if (!typ || strcmp(typ, "vnd.backstage.user") != 0)
		FAIL("not a backstage user token");
	if (host_jws_verify(j, HOST_JWS_ES256, key, why, whylen) != 0)
		return SH_EINVAL;
	if (!iss || strcmp(iss, issuer) != 0)
		FAIL("wrong issuer");
	if (!aud_ok(json_object_get(p, "aud")))
		FAIL("wrong audience");
	if (!sub || !user_ref_ok(sub))
		FAIL("subject is not a user entity ref");
	if (!json_is_integer(iat) || !json_is_integer(exp))
		FAIL("iat or exp missing");
	if (json_integer_value(exp) <= now)
		FAIL("token expired");
	if (json_integer_value(iat) > now + CLOCK_SKEW ||
	    (nbf && (!json_is_integer(nbf) || json_integer_value(nbf) > now + CLOCK_SKEW)))
		FAIL("token not valid yet");
	if (!ent_ok(json_object_get(p, "ent")))
		FAIL("ent is not an array of entity refs");
	return 0;
}

int host_limited_token_check(const struct host_jws *j, EVP_PKEY *key, long long now,
			     char *why, size_t whylen)
{
	const json_t *p = j->payload;
	const char *typ = json_string_value(json_object_get(j->header, "typ"));
	const char *sub = json_string_value(json_object_get(p, "sub"));
	json_t *iat = json_object_get(p, "iat"), *exp = json_object_get(p, "exp");

	if (!typ || strcmp(typ, "vnd.backstage.limited-user") != 0)
		FAIL("not a limited user token");
	if (host_jws_verify(j, HOST_JWS_ES256, key, why, whylen) != 0)
		return SH_EINVAL;
	if (!sub || !user_ref_ok(sub))
		FAIL("subject is not a user entity ref");
	if (!json_is_integer(iat) || !json_is_integer(exp))
		FAIL("iat or exp missing");
	if (json_integer_value(exp) <= now)
		FAIL("token expired");
	if (json_integer_value(iat) > now + CLOCK_SKEW)
		FAIL("token not valid yet");
	return 0;
}

/* Subject and ownership (ent, or just the subject) from the request arena. */
static void fill_identity(struct sh_req *req, const json_t *payload, bool with_ent,
			  struct sh_identity *out)
{
	const json_t *ent = with_ent ? json_object_get(payload, "ent") : NULL;
	size_t n = ent ? json_array_size(ent) : 1;
	const char **own = sh_alloc(req, (n ? n : 1) * sizeof *own);

	memset(out, 0, sizeof *out);
	out->kind = SH_PRINCIPAL_USER;
	out->subject = sh_strdup(req, json_string_value(json_object_get(payload, "sub")));
	if (!ent)
		own[0] = out->subject;
	for (size_t i = 0; ent && i < n; i++)
		own[i] = sh_strdup(req, json_string_value(json_array_get(ent, i)));
	out->ownership = own;
	out->n_ownership = n;
}

/* [server] base_url + "/api/auth", without a doubled slash. */
static char *issuer_of(struct sh_req *req)
{
	const char *base = sh_conf_str(req->host->conf, "server", "base_url");
	size_t len = base ? strlen(base) : 0;

	while (len > 0 && base[len - 1] == '/')
		len--;
	return sh_printf(req, "%.*s/api/auth", (int)len, base ? base : "");
}

int host_identity_backstage(struct sh_req *req, const char *token, bool allow_limited,
			    struct sh_identity *out, char *why, size_t whylen)
{
	struct host_jws j;
	const char *typ, *kid;
	EVP_PKEY *key = NULL;
	bool limited;
	long long now = (long long)time(NULL);
	int rc = SH_EINVAL;

	if (host_jws_parse(token, &j, why, whylen) != 0)
		return 1;
	typ = json_string_value(json_object_get(j.header, "typ"));
	kid = json_string_value(json_object_get(j.header, "kid"));
	limited = typ && strcmp(typ, "vnd.backstage.limited-user") == 0;
	if (limited && !allow_limited) {
		snprintf(why, whylen, "illegal limited user token");
		goto out;
	}
	if (!limited && (!typ || strcmp(typ, "vnd.backstage.user") != 0)) {
		rc = 1;
		goto out;
	}
	if (!kid || strlen(kid) >= KID_MAX || !(key = key_for(req, kid))) {
		snprintf(why, whylen, "unknown kid");
		goto out;
	}
	if (limited)
		rc = host_limited_token_check(&j, key, now, why, whylen);
	else
		rc = host_user_token_check(&j, key, issuer_of(req), now, why, whylen);
	if (rc != 0)
		goto out;
	/* A limited token carries no ent: the user owns only itself. */
	fill_identity(req, j.payload, !limited, out);
out:
	EVP_PKEY_free(key);
	host_jws_clear(&j);
	return rc;
}
