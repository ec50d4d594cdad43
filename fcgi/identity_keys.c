/*
 * Built-in verification of Backstage user tokens (typ vnd.backstage.user,
 * ES256) and limited user tokens (vnd.backstage.limited-user, where a route
 * allows them): the public keys come from the database through the auth plugin's
 * versioned function auth.public_keys_v1(), cached per process for a few
 * seconds and reloaded (rate-limited) on an unknown kid, so every pool on
 * every host verifies every token without HTTP.  Every claim is checked here,
 * on every request; only the ES256 signature check, the costly part (about
 * 0.1 ms, a third of a cached catalog read), is remembered for the exact
 * signed bytes, signature and key it succeeded with.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libpq-fe.h>

#include "jws.h"
#include "keyset.h"
#include "req.h"

#define KEYS_TTL 10          /* seconds a loaded key set is used as is */
#define KEYS_FORCE_MIN 1     /* seconds between reloads forced by an unknown kid */
#define CLOCK_SKEW 60        /* seconds iat/nbf may lie in the future */
#define REF_MAX 512

static struct host_keyset keyset = HOST_KEYSET_INIT;

/* Signatures that verified: the signed part, the signature and the key,
 * compared in full on a hit.  Direct-mapped by a hash of the bytes. */
#define SIG_SLOTS 256
struct sig_slot {
	uint64_t hash;
	char *signed_part;
	size_t signed_len;
	unsigned char sig[HOST_ES256_SIG_LEN];
	EVP_PKEY *key;             /* a reference of its own */
};
static struct sig_slot sig_slots[SIG_SLOTS];
static pthread_mutex_t sig_mu = PTHREAD_MUTEX_INITIALIZER;

static uint64_t sig_hash(const struct sh_jws *j)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < j->signed_len; i++)
		h = (h ^ (unsigned char)j->signed_part[i]) * 0x100000001b3ull;
	for (size_t i = 0; i < j->sig_len; i++)
		h = (h ^ j->sig[i]) * 0x100000001b3ull;
	return h;
}

static bool sig_known(const struct sig_slot *s, uint64_t h, const struct sh_jws *j,
		      EVP_PKEY *key)
{
	return s->key && s->hash == h && s->signed_len == j->signed_len &&
	       memcmp(s->signed_part, j->signed_part, j->signed_len) == 0 &&
	       memcmp(s->sig, j->sig, HOST_ES256_SIG_LEN) == 0 && EVP_PKEY_eq(s->key, key) == 1;
}

/* sh_jws_verify(j, ES256, key), remembering what verified. */
static int es256_verify(const struct sh_jws *j, EVP_PKEY *key, char *why, size_t whylen)
{
	uint64_t h;
	struct sig_slot *s;
	bool hit;

	if (j->sig_len != HOST_ES256_SIG_LEN || j->signed_len > SH_JWS_MAX_TOKEN)
		return sh_jws_verify(j, SH_JWS_ES256, key, why, whylen);
	h = sig_hash(j);
	s = &sig_slots[h % SIG_SLOTS];
	pthread_mutex_lock(&sig_mu);
	hit = sig_known(s, h, j, key);
	pthread_mutex_unlock(&sig_mu);
	if (hit)
		return 0;
	if (sh_jws_verify(j, SH_JWS_ES256, key, why, whylen) != 0)
		return SH_EINVAL;
	pthread_mutex_lock(&sig_mu);
	free(s->signed_part);
	EVP_PKEY_free(s->key);
	s->hash = h;
	s->signed_part = malloc(j->signed_len);
	s->key = NULL;
	if (s->signed_part && EVP_PKEY_up_ref(key) == 1) {
		memcpy(s->signed_part, j->signed_part, j->signed_len);
		s->signed_len = j->signed_len;
		memcpy(s->sig, j->sig, HOST_ES256_SIG_LEN);
		s->key = key;
	}
	pthread_mutex_unlock(&sig_mu);
	return 0;
}

/* Reads auth.public_keys_v1() into a fresh set; no function means no keys.
 * A host_keyset_load_fn; arg is the request. */
static int load_keys(void *arg, struct host_keyset_key **out, size_t *n)
{
	struct sh_req *req = arg;
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
	*out = sh_xcalloc((size_t)PQntuples(r) + 1, sizeof **out);
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *jwk = json_loads(PQgetvalue(r, i, 1), JSON_REJECT_DUPLICATES, NULL);
		struct host_keyset_key *k = &(*out)[*n];

		k->alg = SH_JWS_ES256;
		k->key = jwk ? sh_jwk_to_key(jwk, SH_JWS_ES256) : NULL;
		json_decref(jwk);
		if (!k->key || strlen(PQgetvalue(r, i, 0)) >= HOST_KEYSET_KID_MAX) {
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

static const char *const backstage_aud[] = { "backstage" };

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

/* What both kinds of Backstage token carry: sub a user entity ref, iat and
 * exp integers, exp later than now, iat not later than now + CLOCK_SKEW. */
static int subject_times_check(const json_t *p, long long now, char *why, size_t whylen)
{
	const char *sub = json_string_value(json_object_get(p, "sub"));
	json_t *iat = json_object_get(p, "iat"), *exp = json_object_get(p, "exp");

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

int host_user_token_check(const struct sh_jws *j, EVP_PKEY *key, const char *issuer,
			  long long now, char *why, size_t whylen)
{
	const json_t *p = j->payload;
	const char *typ = json_string_value(json_object_get(j->header, "typ"));
	const char *iss = json_string_value(json_object_get(p, "iss"));
	json_t *nbf = json_object_get(p, "nbf");

	if (!typ || strcmp(typ, "vnd.backstage.user") != 0)
		FAIL("not a backstage user token");
	if (es256_verify(j, key, why, whylen) != 0)
		return SH_EINVAL;
	if (!iss || strcmp(iss, issuer) != 0)
		FAIL("wrong issuer");
	if (!host_jws_aud_has(json_object_get(p, "aud"), backstage_aud, 1))
		FAIL("wrong audience");
	if (subject_times_check(p, now, why, whylen) != 0)
		return SH_EINVAL;
	if (nbf && (!json_is_integer(nbf) || json_integer_value(nbf) > now + CLOCK_SKEW))
		FAIL("token not valid yet");
	if (!ent_ok(json_object_get(p, "ent")))
		FAIL("ent is not an array of entity refs");
	return 0;
}

int host_limited_token_check(const struct sh_jws *j, EVP_PKEY *key, long long now,
			     char *why, size_t whylen)
{
	const json_t *p = j->payload;
	const char *typ = json_string_value(json_object_get(j->header, "typ"));

	if (!typ || strcmp(typ, "vnd.backstage.limited-user") != 0)
		FAIL("not a limited user token");
	if (es256_verify(j, key, why, whylen) != 0)
		return SH_EINVAL;
	return subject_times_check(p, now, why, whylen);
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
	struct sh_jws j;
	const char *typ, *kid;
	EVP_PKEY *key = NULL;
	bool limited;
	long long now = (long long)time(NULL);
	int rc = SH_EINVAL;

	if (sh_jws_parse(token, &j, why, whylen) != 0)
		return 1;
	typ = json_string_value(json_object_get(j.header, "typ"));
	kid = json_string_value(json_object_get(j.header, "kid"));
	limited = typ && strcmp(typ, "vnd.backstage.limited-user") == 0;
	if (!limited && (!typ || strcmp(typ, "vnd.backstage.user") != 0)) {
		rc = 1;
		goto out;
	}
	/* Reloaded when stale or on an unknown kid, at most once a second: a
	 * database outage or made-up kids cannot turn every request into a query. */
	if (!kid || strlen(kid) >= HOST_KEYSET_KID_MAX ||
	    !(key = host_keyset_get(&keyset, kid, KEYS_TTL, KEYS_FORCE_MIN, load_keys, req, NULL))) {
		snprintf(why, whylen, "unknown kid");
		goto out;
	}
	if (limited)
		rc = host_limited_token_check(&j, key, now, why, whylen);
	else
		rc = host_user_token_check(&j, key, issuer_of(req), now, why, whylen);
	if (rc != 0)
		goto out;
	/* Backstage verifies a limited token before refusing it where limited
	 * access is not allowed, so only a genuine one gets its own message. */
	if (limited && !allow_limited) {
		snprintf(why, whylen, "illegal limited user token");
		rc = SH_EDENIED;
		goto out;
	}
	/* A limited token carries no ent: the user owns only itself. */
	fill_identity(req, j.payload, !limited, out);
out:
	EVP_PKEY_free(key);
	sh_jws_clear(&j);
	return rc;
}
