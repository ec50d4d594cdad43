/*
 * The full sync's requests in flight at once (sync.h oc_parallel): the
 * workload calls of a project (sync_workloads.c) and the calls a
 * remembered step asks again (sync_memo.c).  Threads are made per batch;
 * one that cannot be made leaves its share to the others.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "sync.h"

#define MAX_THREADS 32

struct batch {
	size_t n;
	oc_each_fn fn;
	void *arg;
	atomic_size_t next;         /* the next index to start */
	atomic_bool stop;           /* a call failed: start no more */
};

static void *worker(void *arg)
{
	struct batch *b = arg;
	size_t i;

	while (!atomic_load(&b->stop) && (i = atomic_fetch_add(&b->next, 1)) < b->n) {
		if (b->fn(b->arg, i) != 0)
			atomic_store(&b->stop, true);
	}
	return NULL;
}

void oc_parallel(size_t n, long threads, oc_each_fn fn, void *arg)
{
	struct batch b = { .n = n, .fn = fn, .arg = arg };
	pthread_t tids[MAX_THREADS];
	int started = 0;

	atomic_init(&b.next, 0);
	atomic_init(&b.stop, false);
	for (long t = 1; t < threads && (size_t)t < n && t < MAX_THREADS; t++)
		if (pthread_create(&tids[started], NULL, worker, &b) == 0)
			started++;
	worker(&b);
	for (int t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
}
