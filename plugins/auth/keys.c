/*
 * Signing keys and Backstage user tokens (spec platform-apis §1.6): one EC
 * P-256 key pair per process, its public JWK published in auth.signing_keys
 * before any token is signed with it, replaced once older than the token
 * lifetime (or [auth] key_lifetime), rows pruned after 3 x token lifetime, at
 * start-up and by the keys task.  The private key never leaves the process.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <openssl/rand.h>

#include "auth.h"
#include "jws.h"

#define DB_WAIT_MS 5000

static int make_kid(char kid[AUTH_KID_LEN])
{
	unsigned char b[16];

	if (RAND_bytes(b, sizeof b) != 1)
		return SH_EIO;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);   /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);   /* RFC 4122 variant */
	snprintf(kid, AUTH_KID_LEN,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
		 b[12], b[13], b[14], b[15]);
	return 0;
}

/* Generates a key and publishes its public JWK; *out on success. */
static int new_key(struct auth *a, PGconn *conn, EVP_PKEY **out, char kid[AUTH_KID_LEN])
{
	EVP_PKEY *key = host_es256_generate();
	json_t *jwk = NULL;
	char *text = NULL, secs[32];
	const char *params[3];
	PGresult *r = NULL;
	int rc = SH_EIO;

	if (!key || make_kid(kid) != 0 || !(jwk = host_jwk_from_ec(key, kid)) ||
	    !(text = json_dumps(jwk, JSON_COMPACT)))
		goto out;
	snprintf(secs, sizeof secs, "%ld", a->ttl * 3);
	params[0] = kid;
	params[1] = text;
	params[2] = secs;
	r = sh_db_exec(conn, "INSERT INTO auth.signing_keys (kid, key, expires_at) "
		       "VALUES ($1, $2, now() + make_interval(secs => $3::int))", 3, params);
	rc = r ? 0 : SH_EDB;
out:
	PQclear(r);
	free(text);
	json_decref(jwk);
	if (rc == 0)
		*out = key;
	else
		EVP_PKEY_free(key);
	return rc;
}

/* Makes a new key current; the old one stays usable by tokens already out. */
static int rotate(struct auth *a, PGconn *conn)
{
	EVP_PKEY *key, *old;
	char kid[AUTH_KID_LEN];
	int rc = new_key(a, conn, &key, kid);

	if (rc != 0)
		return rc;
	pthread_mutex_lock(&a->lock);
	old = a->key;
	a->key = key;
	memcpy(a->kid, kid, sizeof kid);
	a->key_born = time(NULL);
	pthread_mutex_unlock(&a->lock);
	EVP_PKEY_free(old);
	return 0;
}

/* Deletes the public keys no token can still need (expires_at passed). */
static void prune(PGconn *conn)
{
	PQclear(sh_db_exec(conn, "DELETE FROM auth.signing_keys WHERE expires_at <= now()", 0,
			   NULL));
}

int auth_keys_init(struct auth *a, char *err, size_t errlen)
{
	PGconn *conn = sh_db_get(a->host, DB_WAIT_MS);
	int rc;

	if (!conn) {
		snprintf(err, errlen, "auth: database unavailable for the signing key");
		return SH_EUNAVAIL;
	}
	prune(conn);
	rc = rotate(a, conn);
	sh_db_put(a->host, conn);
	if (rc != 0)
		snprintf(err, errlen, "auth: could not create and publish a signing key: %s",
			 sh_strerror(rc));
	return rc;
}

void auth_keys_task(struct sh_host *host, void *state)
{
	struct auth *a = state;
	PGconn *conn = sh_db_get(host, DB_WAIT_MS);
	time_t born;

	if (!conn)
		return;
	pthread_mutex_lock(&a->lock);
	born = a->key_born;
	pthread_mutex_unlock(&a->lock);
	if (time(NULL) - born >= a->key_lifetime && rotate(a, conn) != 0)
		sh_log(SH_LOG_WARN, "auth: signing key rotation failed; keeping the current key");
	prune(conn);
	sh_db_put(host, conn);
}

void auth_keys_fini(struct auth *a)
{
	EVP_PKEY_free(a->key);
	a->key = NULL;
}

/* The limited user token's signature (claim uip): same key, fixed key order. */
static int limited_signature(EVP_PKEY *key, const char *kid, const char *sub,
			     long long iat, long long exp, char *sig, size_t len)
{
	json_t *h = json_pack("{s:s, s:s, s:s}", "typ", "vnd.backstage.limited-user",
			      "alg", "ES256", "kid", kid);
	json_t *p = json_pack("{s:s, s:I, s:I}", "sub", sub, "iat", (json_int_t)iat,
			      "exp", (json_int_t)exp);
	char *tok = h && p ? host_jws_sign_es256(key, h, p) : NULL;
	int rc = tok && snprintf(sig, len, "%s", strrchr(tok, '.') + 1) < (int)len ? 0 : SH_EINVAL;

	free(tok);
	json_decref(h);
	json_decref(p);
	return rc;
}

char *auth_issue_token(struct auth *a, const char *sub, json_t *ent, long long *iat,
		       long long *exp)
{
	char kid[AUTH_KID_LEN], uip[128], *tok = NULL;
	json_t *h = NULL, *p = NULL;
	EVP_PKEY *key;
	time_t born;

	pthread_mutex_lock(&a->lock);
	key = a->key;
	EVP_PKEY_up_ref(key);
	memcpy(kid, a->kid, sizeof kid);
	born = a->key_born;
	pthread_mutex_unlock(&a->lock);
	*iat = (long long)time(NULL);
	*exp = *iat + a->ttl;
	/* Its row expires 3 x ttl after the key was made: a token must not
	 * outlive it, even if rotation has been failing. */
	if (*exp > (long long)born + 3 * a->ttl) {
		sh_log(SH_LOG_ERROR, "auth: signing key too old and not rotated; refusing to sign");
		goto out;
	}
	if (limited_signature(key, kid, sub, *iat, *exp, uip, sizeof uip) != 0)
		goto out;
	h = json_pack("{s:s, s:s, s:s}", "typ", "vnd.backstage.user", "alg", "ES256", "kid", kid);
	p = json_pack("{s:s, s:s, s:O, s:s, s:I, s:I, s:s}", "iss", a->issuer, "sub", sub,
		      "ent", ent, "aud", "backstage", "iat", (json_int_t)*iat,
		      "exp", (json_int_t)*exp, "uip", uip);
	if (h && p)
		tok = host_jws_sign_es256(key, h, p);
	/* Too many ownership claims: Backstage's default token (no ent), so
	 * the token still fits a proxy's header buffer; the session response
	 * and /v1/userinfo keep the full list. */
	if (tok && strlen(tok) > AUTH_TOKEN_MAX) {
		free(tok);
		tok = NULL;
		json_object_del(p, "ent");
		sh_log(SH_LOG_NOTICE, "auth: %zu ownership claims leave the token of %s without ent",
		       json_array_size(ent), sub);
		tok = host_jws_sign_es256(key, h, p);
		if (tok && strlen(tok) > AUTH_TOKEN_MAX) {
			sh_log(SH_LOG_ERROR, "auth: the token of %s is too large even without ent",
			       sub);
			free(tok);
			tok = NULL;
		}
	}
out:
	EVP_PKEY_free(key);
	json_decref(h);
	json_decref(p);
	return tok;
}
