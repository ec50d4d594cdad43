/*
 * Service tokens signed by the configured identity provider ([identity]):
 * the IdP's endpoints (configured or discovered), its JWKS fetched with the
 * host HTTP client and cached per process, refetched on an unknown kid at
 * most once per jwks_min_refresh seconds (made-up kids cannot turn requests
 * into fetches), and every claim of such a token checked here.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "idp.h"
#include "keyset.h"
#include "req.h"

#define KEYS_MAX 64                 /* keys kept from one JWKS */
#define DOC_MAX (256 * 1024)        /* bytes of a JWKS or discovery document */
#define DISCOVERY_RETRY 10          /* seconds between failed discovery fetches */
#define SUB_MAX 512
#define AUD_MAX 16

/* ------------------------------------------------------------------ endpoints */

static pthread_mutex_t ep_lock = PTHREAD_MUTEX_INITIALIZER;
static char *disc_jwks, *disc_issuer, *disc_token;
static bool discovered;
static time_t disc_tried;

static const char *conf_nonempty(const struct sh_conf *c, const char *key)
{
	const char *v = sh_conf_str(c, "identity", key);

	return v && *v ? v : NULL;
}

bool host_idp_enabled(const struct sh_conf *c)
{
	return conf_nonempty(c, "jwks_url") || conf_nonempty(c, "metadata_url");
}

static char *doc_string(const json_t *doc, const char *name)
{
	const char *v = json_string_value(json_object_get(doc, name));

	return v && *v ? sh_xstrdup(v) : NULL;
}

/* GETs url as a JSON object; NULL (logged) on any failure. */
static json_t *fetch_json(const char *url, const char *what)
{
	struct sh_http_request rq = { .url = url, .max_bytes = DOC_MAX };
	struct sh_http_response resp;
	json_t *doc = NULL;
	int rc = sh_http_do(&rq, &resp);

	if (rc != 0)
		sh_log(SH_LOG_WARN, "could not fetch the %s from %s: %s", what, url, resp.error);
	else if (resp.status != 200)
		sh_log(SH_LOG_WARN, "could not fetch the %s from %s: status %ld", what, url,
		       resp.status);
	else if (!(doc = json_loadb(resp.body, resp.body_len, 0, NULL)) || !json_is_object(doc))
		sh_log(SH_LOG_WARN, "the %s at %s is not a JSON object", what, url);
	if (doc && !json_is_object(doc)) {
		json_decref(doc);
		doc = NULL;
	}
	sh_http_response_free(&resp);
	return doc;
}

/* Fetches the discovery document once; ep_lock is not held meanwhile. */
static int discover(const char *url)
{
	json_t *doc;
	time_t now = time(NULL);

	pthread_mutex_lock(&ep_lock);
	if (discovered || (disc_tried && now - disc_tried < DISCOVERY_RETRY)) {
		bool ok = discovered;

		pthread_mutex_unlock(&ep_lock);
		return ok ? 0 : SH_EUNAVAIL;
	}
	disc_tried = now;
	pthread_mutex_unlock(&ep_lock);
	doc = fetch_json(url, "identity provider discovery document");
	if (!doc)
		return SH_EUNAVAIL;
	pthread_mutex_lock(&ep_lock);
	if (!discovered) {
		disc_jwks = doc_string(doc, "jwks_uri");
		disc_issuer = doc_string(doc, "issuer");
		disc_token = doc_string(doc, "token_endpoint");
		discovered = true;
	}
	pthread_mutex_unlock(&ep_lock);
	json_decref(doc);
	return 0;
}

int host_idp_endpoints(const struct sh_conf *c, struct host_idp_endpoints *ep)
{
	const char *meta = conf_nonempty(c, "metadata_url");
	int rc = 0;

	ep->jwks_url = conf_nonempty(c, "jwks_url");
	ep->issuer = conf_nonempty(c, "issuer");
	ep->token_url = conf_nonempty(c, "token_url");
	if (!meta || (ep->jwks_url && ep->issuer && ep->token_url))
		return 0;
	rc = discover(meta);
	pthread_mutex_lock(&ep_lock);
	if (discovered) {
		ep->jwks_url = ep->jwks_url ? ep->jwks_url : disc_jwks;
		ep->issuer = ep->issuer ? ep->issuer : disc_issuer;
		ep->token_url = ep->token_url ? ep->token_url : disc_token;
	}
	pthread_mutex_unlock(&ep_lock);
	return rc;
}

/* ------------------------------------------------------------------ key set */

static struct host_keyset keyset = HOST_KEYSET_INIT;

/* Reads the JWKS at url (arg) into a fresh set; keys without a kid or of an
 * unusable kind are skipped.  A host_keyset_load_fn: 0 or SH_EUNAVAIL. */
static int load_keys(void *arg, struct host_keyset_key **out, size_t *n)
{
	const char *url = arg;
	json_t *doc = fetch_json(url, "identity provider JWKS"), *list, *jwk;
	size_t i;

	*out = NULL;
	*n = 0;
	if (!doc)
		return SH_EUNAVAIL;
	list = json_object_get(doc, "keys");
	*out = sh_xcalloc(KEYS_MAX, sizeof **out);
	json_array_foreach(list, i, jwk) {
		const char *kid = json_string_value(json_object_get(jwk, "kid"));
		struct host_keyset_key *k = &(*out)[*n];

		if (*n == KEYS_MAX)
			break;
		if (!kid || strlen(kid) >= HOST_KEYSET_KID_MAX || !(k->alg = host_jwk_alg(jwk)) ||
		    !(k->key = sh_jwk_to_key(jwk, k->alg))) {
			sh_log(SH_LOG_DEBUG, "identity provider JWKS: unusable key skipped");
			continue;
		}
		snprintf(k->kid, sizeof k->kid, "%s", kid);
		k->expires = HOST_KEYSET_NO_EXPIRY;
		(*n)++;
	}
	json_decref(doc);
	return 0;
}

/*
 * The key for kid.  The set is refetched when older than jwks_ttl or when kid
 * is unknown, never twice within jwks_min_refresh seconds.
 */
static EVP_PKEY *key_for(const struct sh_conf *c, const char *url, const char *kid,
			 enum sh_jws_alg *alg)
{
	double ttl = (double)sh_conf_int(c, "identity", "jwks_ttl", 3600);
	double min = (double)sh_conf_int(c, "identity", "jwks_min_refresh", 10);

	return host_keyset_get(&keyset, kid, ttl, min, load_keys, (void *)url, alg);
}

void host_idp_reset(void)
{
	host_keyset_reset(&keyset);
	pthread_mutex_lock(&ep_lock);
	free(disc_jwks);
	free(disc_issuer);
	free(disc_token);
	disc_jwks = disc_issuer = disc_token = NULL;
	discovered = false;
	disc_tried = 0;
	pthread_mutex_unlock(&ep_lock);
}

/* ------------------------------------------------------------------ claims */

bool host_jws_aud_has(const json_t *aud, const char *const *want, size_t n)
{
	size_t i;
	json_t *v;

	for (size_t w = 0; w < n; w++) {
		if (json_is_string(aud) && strcmp(json_string_value(aud), want[w]) == 0)
			return true;
		json_array_foreach(aud, i, v)
			if (json_is_string(v) && strcmp(json_string_value(v), want[w]) == 0)
				return true;
	}
	return false;
}

static bool printable(const char *s)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return n > 0 && n <= SUB_MAX;
}

#define FAIL(...) do { snprintf(why, whylen, __VA_ARGS__); return SH_EINVAL; } while (0)

int host_idp_token_check(const struct sh_jws *j, EVP_PKEY *key, enum sh_jws_alg alg,
			 const char *issuer, const char *const *audiences, size_t n_aud,
			 long long now, long skew, char *why, size_t whylen)
{
	const json_t *p = j->payload;
	const char *iss = json_string_value(json_object_get(p, "iss"));
	const char *sub = json_string_value(json_object_get(p, "sub"));
	json_t *exp = json_object_get(p, "exp"), *nbf = json_object_get(p, "nbf");
	json_t *iat = json_object_get(p, "iat");

	if (sh_jws_verify(j, alg, key, why, whylen) != 0)
		return SH_EINVAL;
	if (issuer && (!iss || strcmp(iss, issuer) != 0))
		FAIL("wrong issuer");
	if (n_aud && !host_jws_aud_has(json_object_get(p, "aud"), audiences, n_aud))
		FAIL("wrong audience");
	if (!json_is_integer(exp))
		FAIL("exp missing");
	if (json_integer_value(exp) <= now - skew)
		FAIL("token expired");
	if ((nbf && (!json_is_integer(nbf) || json_integer_value(nbf) > now + skew)) ||
	    (iat && (!json_is_integer(iat) || json_integer_value(iat) > now + skew)))
		FAIL("token not valid yet");
	if (!sub || !printable(sub))
		FAIL("subject missing");
	return 0;
}

int host_identity_idp(struct sh_req *req, const struct sh_jws *j, struct sh_identity *out,
		      char *why, size_t whylen)
{
	const struct sh_conf *c = req->host->conf;
	struct host_idp_endpoints ep;
	const char *kid = json_string_value(json_object_get(j->header, "kid"));
	const char *const *aud;
	enum sh_jws_alg alg = 0;
	EVP_PKEY *key;
	size_t n_aud;
	int rc;

	if (!host_idp_enabled(c))
		return 1;
	host_idp_endpoints(c, &ep);
	if (!ep.jwks_url) {
		snprintf(why, whylen, "identity provider JWKS unavailable");
		return SH_EINVAL;
	}
	if (!kid || strlen(kid) >= HOST_KEYSET_KID_MAX || !(key = key_for(c, ep.jwks_url, kid, &alg))) {
		snprintf(why, whylen, "unknown kid");
		return SH_EINVAL;
	}
	n_aud = sh_conf_multi(c, "identity", "audience", &aud);
	rc = host_idp_token_check(j, key, alg, ep.issuer, aud, n_aud < AUD_MAX ? n_aud : AUD_MAX,
				  (long long)time(NULL), sh_conf_int(c, "identity", "clock_skew", 60),
				  why, whylen);
	EVP_PKEY_free(key);
	if (rc != 0)
		return rc;
	memset(out, 0, sizeof *out);
	out->kind = SH_PRINCIPAL_SERVICE;
	out->subject = sh_strdup(req, json_string_value(json_object_get(j->payload, "sub")));
	return 0;
}

int sh_identity_verify_idp(struct sh_req *req, const char *token, struct sh_identity *out,
			   char *why, size_t whylen)
{
	struct sh_jws j;
	int rc;

	memset(out, 0, sizeof *out);
	if (!host_idp_enabled(req->host->conf))
		return 1;
	if (!token || sh_jws_parse(token, &j, why, whylen) != 0) {
		if (!token)
			snprintf(why, whylen, "no token");
		return SH_EINVAL;
	}
	rc = host_identity_idp(req, &j, out, why, whylen);
	sh_jws_clear(&j);
	if (rc == 0)
		out->token = token;
	return rc == 0 ? 0 : SH_EINVAL;
}
