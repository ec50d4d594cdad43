/*
 * The process-wide ETag cache of conditional requests: bodies keyed by a
 * digest of what identifies a request (credentials included, never kept in
 * clear), bounded in bytes, least recently used out first, one mutex.
 * GitHub does not count a 304 against its rate limit, so a poller that
 * asks the same question every minute costs nothing while nothing changed.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "http_int.h"

#define BUCKETS 256
#define DEFAULT_LIMIT (8u * 1024 * 1024)

struct entry {
	unsigned char key[HOST_HTTP_KEY_LEN];
	char *etag, *content_type, *body;
	size_t body_len, cost;
	struct entry *prev, *next;     /* LRU list, most recent first */
	struct entry *chain;           /* bucket */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry *buckets[BUCKETS];
static struct entry *mru, *lru;
static size_t bytes, entries, limit = DEFAULT_LIMIT;

/* ---------------------------------------------------------------- the key */

static void feed(EVP_MD_CTX *md, const char *s)
{
	/* The terminator separates the fields: ("ab","c") differs from ("a","bc"). */
	EVP_DigestUpdate(md, s ? s : "", s ? strlen(s) + 1 : 1);
}

void host_http_etag_key(const struct sh_http_request *rq, const char *auth,
			unsigned char key[HOST_HTTP_KEY_LEN])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned int n = 0;

	if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		sh_log(SH_LOG_ERROR, "out of memory hashing a request");
		abort();
	}
	feed(md, rq->method ? rq->method : rq->body ? "POST" : "GET");
	feed(md, rq->url);
	for (size_t i = 0; rq->headers && rq->headers[i]; i++)
		feed(md, rq->headers[i]);
	feed(md, auth);
	EVP_DigestFinal_ex(md, key, &n);
	EVP_MD_CTX_free(md);
}

/* ---------------------------------------------------------------- the table */

static struct entry **slot(const unsigned char *key)
{
	struct entry **p = &buckets[key[0]];

	while (*p && memcmp((*p)->key, key, HOST_HTTP_KEY_LEN) != 0)
		p = &(*p)->chain;
	return p;
}

static void lru_unlink(struct entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		mru = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		lru = e->prev;
	e->prev = e->next = NULL;
}

static void lru_push(struct entry *e)
{
	e->next = mru;
	if (mru)
		mru->prev = e;
	mru = e;
	if (!lru)
		lru = e;
}

static void entry_free(struct entry *e)
{
	free(e->etag);
	free(e->content_type);
	free(e->body);
	free(e);
}

/* Unlinks and frees e; the lock is held. */
static void drop(struct entry *e)
{
	struct entry **p = slot(e->key);

	*p = e->chain;
	lru_unlink(e);
	bytes -= e->cost;
	entries--;
	entry_free(e);
}

static void evict_to(size_t room)
{
	while (lru && bytes > room)
		drop(lru);
}

/* ---------------------------------------------------------------- the API */

char *host_http_etag_lookup(const unsigned char key[HOST_HTTP_KEY_LEN])
{
	struct entry *e;
	char *etag = NULL;

	pthread_mutex_lock(&lock);
	if ((e = *slot(key)) != NULL) {
		lru_unlink(e);
		lru_push(e);
		etag = sh_xstrdup(e->etag);
	}
	pthread_mutex_unlock(&lock);
	return etag;
}

bool host_http_etag_fill(const unsigned char key[HOST_HTTP_KEY_LEN], const char *etag,
			 struct sh_http_response *out)
{
	struct entry *e;
	bool hit = false;

	pthread_mutex_lock(&lock);
	e = *slot(key);
	if (e && strcmp(e->etag, etag) == 0) {
		out->body = sh_xmalloc(e->body_len + 1);
		memcpy(out->body, e->body, e->body_len + 1);
		out->body_len = e->body_len;
		out->content_type = e->content_type ? sh_xstrdup(e->content_type) : NULL;
		out->etag = sh_xstrdup(e->etag);
		out->status = 200;
		out->from_cache = true;
		hit = true;
	}
	pthread_mutex_unlock(&lock);
	return hit;
}

static struct entry *entry_new(const unsigned char *key, const struct sh_http_response *resp,
			       const char *body, size_t len)
{
	struct entry *e = sh_xcalloc(1, sizeof(*e));

	memcpy(e->key, key, HOST_HTTP_KEY_LEN);
	e->etag = sh_xstrdup(resp->etag);
	e->content_type = resp->content_type ? sh_xstrdup(resp->content_type) : NULL;
	e->body = sh_xmalloc(len + 1);
	memcpy(e->body, body, len);
	e->body[len] = '\0';
	e->body_len = len;
	e->cost = sizeof(*e) + len + strlen(e->etag) +
		  (e->content_type ? strlen(e->content_type) : 0);
	return e;
}

void host_http_etag_store(const unsigned char key[HOST_HTTP_KEY_LEN],
			  const struct sh_http_response *resp, const char *body, size_t len)
{
	struct entry *e, *old;

	if (!resp->etag)
		return;
	e = entry_new(key, resp, body ? body : "", body ? len : 0);
	pthread_mutex_lock(&lock);
	if ((old = *slot(key)) != NULL)
		drop(old);
	if (e->cost <= limit) {
		evict_to(limit - e->cost);
		*slot(key) = e;
		lru_push(e);
		bytes += e->cost;
		entries++;
		e = NULL;
	}
	pthread_mutex_unlock(&lock);
	if (e)
		entry_free(e);
}

void host_http_etag_limit(size_t max)
{
	pthread_mutex_lock(&lock);
	limit = max;
	evict_to(limit);
	pthread_mutex_unlock(&lock);
}

void host_http_etag_stats(size_t *n, size_t *held)
{
	pthread_mutex_lock(&lock);
	*n = entries;
	*held = bytes;
	pthread_mutex_unlock(&lock);
}

void host_http_etag_clear(void)
{
	pthread_mutex_lock(&lock);
	evict_to(0);
	pthread_mutex_unlock(&lock);
}
