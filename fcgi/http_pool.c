/*
 * Connection reuse: a small process-wide stack of curl easy handles.  A
 * call takes one for all its hops and gives it back; curl_easy_reset then
 * clears every option but keeps the handle's live connections, DNS cache
 * and TLS session cache, so the next call to the same origin skips the
 * TCP and TLS handshakes.
 *
 * Why handles and not a curl share of CURL_LOCK_DATA_CONNECT: libcurl
 * 7.88's CURLSHOPT_SHARE says it is not supported to share connections
 * between concurrent threads, and our callers are threads.  A handle is
 * used by one thread at a time, which curl supports everywhere.
 *
 * Bounds: at most HOST_HTTP_POOL_HANDLES handles are kept, each with at
 * most HOST_HTTP_POOL_CONNS idle connections (CURLOPT_MAXCONNECTS, set on
 * every hop), so a process keeps at most their product.  A handle whose
 * transfer failed is never kept (an aborted stream's connection dies with
 * it); host_http_fini closes the rest.  Not carried across fork().
 */
#include <pthread.h>
#include <stdlib.h>

#include "http_int.h"

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static CURL *pool[HOST_HTTP_POOL_HANDLES];
static size_t pool_n;

CURL *host_http_pool_take(void)
{
	CURL *e = NULL;

	pthread_mutex_lock(&pool_lock);
	if (pool_n > 0)
		e = pool[--pool_n];
	pthread_mutex_unlock(&pool_lock);
	return e ? e : curl_easy_init();
}

void host_http_pool_give(CURL *e, bool reusable)
{
	if (e == NULL)
		return;
	if (reusable) {
		pthread_mutex_lock(&pool_lock);
		if (pool_n < HOST_HTTP_POOL_HANDLES) {
			pool[pool_n++] = e;
			e = NULL;
		}
		pthread_mutex_unlock(&pool_lock);
	}
	curl_easy_cleanup(e);
}

void host_http_pool_clear(void)
{
	CURL *held[HOST_HTTP_POOL_HANDLES];
	size_t n;

	pthread_mutex_lock(&pool_lock);
	n = pool_n;
	for (size_t i = 0; i < n; i++)
		held[i] = pool[i];
	pool_n = 0;
	pthread_mutex_unlock(&pool_lock);
	for (size_t i = 0; i < n; i++)
		curl_easy_cleanup(held[i]);
}

size_t host_http_pool_size(void)
{
	size_t n;

	pthread_mutex_lock(&pool_lock);
	n = pool_n;
	pthread_mutex_unlock(&pool_lock);
	return n;
}
