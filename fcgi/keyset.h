/*
 * A per-process cache of verification keys named by kid, shared by the
 * Backstage user-token keys (identity_keys.c) and the IdP's JWKS
 * (identity_jwks.c): reloaded when stale or on an unknown kid, never more
 * often than a minimum interval, keeping the old set when a load fails.
 * Host-internal.
 */
#ifndef STAGEHAND_KEYSET_H
#define STAGEHAND_KEYSET_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "jws.h"

#define HOST_KEYSET_KID_MAX 128
#define HOST_KEYSET_NO_EXPIRY 0x7fffffffffffffffLL

/* One key of a set; a key is used only while expires (unix seconds) is
 * later than now. */
struct host_keyset_key {
	char kid[HOST_KEYSET_KID_MAX];
	enum sh_jws_alg alg;
	EVP_PKEY *key;
	long long expires;
};

/* Fills *out with a fresh malloc'd array of *n keys (each holding its own
 * reference); returns 0, or a negative SH_E* code to keep the old set. */
typedef int (*host_keyset_load_fn)(void *arg, struct host_keyset_key **out, size_t *n);

/* A cache; static, initialised with HOST_KEYSET_INIT. */
struct host_keyset {
	pthread_mutex_t lock;
	pthread_cond_t loaded;
	struct host_keyset_key *keys;
	size_t n_keys;
	struct timespec loaded_at;   /* monotonic; zero: never */
	struct timespec tried_at;
	bool loading;
};

#define HOST_KEYSET_INIT { .lock = PTHREAD_MUTEX_INITIALIZER, .loaded = PTHREAD_COND_INITIALIZER }

/*
 * The live key named kid with a reference the caller frees, and its alg in
 * *alg (when alg is not NULL), or NULL.  The set is reloaded through
 * load(arg) when older than ttl seconds or when kid is unknown, never twice
 * within min_interval seconds; a thread missing the key waits for a load in
 * progress rather than refusing a token that load would accept.
 */
EVP_PKEY *host_keyset_get(struct host_keyset *ks, const char *kid, double ttl,
			  double min_interval, host_keyset_load_fn load, void *arg,
			  enum sh_jws_alg *alg);

/* Drops the cached keys and the load stamps (tests; process exit). */
void host_keyset_reset(struct host_keyset *ks);

#endif
