/*
 * The key-set cache behind token verification (keyset.h): one mutex and
 * condition variable per set, so that one thread loads while the others
 * missing a key wait for it, and a failed load leaves the old keys in use.
 */
#include <stdlib.h>
#include <string.h>

#include "keyset.h"

static double since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void free_keys(struct host_keyset_key *k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		EVP_PKEY_free(k[i].key);
	free(k);
}

/* The live key named kid with a reference the caller frees; ks->lock held. */
static EVP_PKEY *find_key(const struct host_keyset *ks, const char *kid, enum sh_jws_alg *alg)
{
	long long now = (long long)time(NULL);

	for (size_t i = 0; i < ks->n_keys; i++) {
		const struct host_keyset_key *k = &ks->keys[i];

		if (strcmp(k->kid, kid) == 0 && k->expires > now && EVP_PKEY_up_ref(k->key) == 1) {
			if (alg)
				*alg = k->alg;
			return k->key;
		}
	}
	return NULL;
}

/* Loads a fresh set (the caller set ks->loading); keeps the old one on failure. */
static void reload(struct host_keyset *ks, host_keyset_load_fn load, void *arg)
{
	struct host_keyset_key *fresh = NULL, *old = NULL;
	size_t n = 0, n_old = 0;
	int rc = load(arg, &fresh, &n);

	pthread_mutex_lock(&ks->lock);
	if (rc == 0) {
		old = ks->keys;
		n_old = ks->n_keys;
		ks->keys = fresh;
		ks->n_keys = n;
		clock_gettime(CLOCK_MONOTONIC, &ks->loaded_at);
	}
	ks->loading = false;
	pthread_cond_broadcast(&ks->loaded);
	pthread_mutex_unlock(&ks->lock);
	free_keys(old, n_old);
}

EVP_PKEY *host_keyset_get(struct host_keyset *ks, const char *kid, double ttl,
			  double min_interval, host_keyset_load_fn load, void *arg,
			  enum sh_jws_alg *alg)
{
	EVP_PKEY *key;
	bool reloading;

	pthread_mutex_lock(&ks->lock);
	while (!(key = find_key(ks, kid, alg)) && ks->loading)
		pthread_cond_wait(&ks->loaded, &ks->lock);
	reloading = !ks->loading &&
		    (ks->tried_at.tv_sec == 0 || since(&ks->tried_at) >= min_interval) &&
		    (!key || since(&ks->loaded_at) >= ttl);
	if (reloading) {
		ks->loading = true;
		clock_gettime(CLOCK_MONOTONIC, &ks->tried_at);
	}
	pthread_mutex_unlock(&ks->lock);
	if (!reloading)
		return key;
	reload(ks, load, arg);
	EVP_PKEY_free(key);
	pthread_mutex_lock(&ks->lock);
	key = find_key(ks, kid, alg);
	pthread_mutex_unlock(&ks->lock);
	return key;
}

void host_keyset_reset(struct host_keyset *ks)
{
	pthread_mutex_lock(&ks->lock);
	free_keys(ks->keys, ks->n_keys);
	ks->keys = NULL;
	ks->n_keys = 0;
	memset(&ks->loaded_at, 0, sizeof ks->loaded_at);
	memset(&ks->tried_at, 0, sizeof ks->tried_at);
	pthread_mutex_unlock(&ks->lock);
}
