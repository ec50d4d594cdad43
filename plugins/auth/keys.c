/*
 * Signing keys (spec platform-apis §1.6): one EC P-256 key pair per
 * process, its public JWK published (db_keys.c) before any token is signed
 * with it, replaced once older than the token lifetime (or [auth]
 * key_lifetime), rows pruned after 3 x token lifetime, at start-up and by
 * the keys task.  The private key never leaves the process.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include <stagehand/jose.h>
#include <stagehand/stagehand.h>

#include "auth.h"

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
	EVP_PKEY *key = sh_es256_generate();
	json_t *jwk = NULL;
	char *text = NULL;
	int rc = SH_EIO;

	if (key && make_kid(kid) == 0 && (jwk = sh_jwk_from_ec(key, kid)) &&
	    (text = json_dumps(jwk, JSON_COMPACT)))
		rc = auth_db_key_publish(conn, kid, text, a->ttl * 3);
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

int auth_keys_init(struct auth *a, char *err, size_t errlen)
{
	PGconn *conn = sh_db_get(a->host, DB_WAIT_MS);
	int rc;

	if (!conn) {
		snprintf(err, errlen, "auth: database unavailable for the signing key");
		return SH_EUNAVAIL;
	}
	auth_db_keys_prune(conn);
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
	auth_db_keys_prune(conn);
	sh_db_put(host, conn);
}

EVP_PKEY *auth_keys_current(struct auth *a, char kid[AUTH_KID_LEN], time_t *born)
{
	EVP_PKEY *key;

	pthread_mutex_lock(&a->lock);
	key = a->key;
	EVP_PKEY_up_ref(key);
	memcpy(kid, a->kid, AUTH_KID_LEN);
	*born = a->key_born;
	pthread_mutex_unlock(&a->lock);
	return key;
}

void auth_keys_fini(struct auth *a)
{
	EVP_PKEY_free(a->key);
	a->key = NULL;
}
