/*
 * The full sync's memory of its steps (memo.h): the tapes a step's calls
 * are recorded on, and the process-wide, capped map from step key to what
 * the step read and produced.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <stagehand/alloc.h>
#include <stagehand/stagehand.h>

#include "memo.h"

/* What a kept string costs besides its bytes (jansson's value, the array slot). */
#define OC_MEMO_OVERHEAD 64

void oc_digest_hex(const void *data, size_t len, char hex[OC_DIGEST_HEX])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL))
		n = 0;                  /* no digest: "" matches no recorded one */
	for (unsigned int i = 0; i < n && i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * (n < 32 ? n : 32)] = '\0';
}

/* ---- tapes ----------------------------------------------------------- */

struct oc_tape {
	pthread_mutex_t lock;
	json_t *calls;              /* [[url, hex], ...] in the order they answered */
	bool tainted;
};

struct oc_tape *oc_tape_new(void)
{
	struct oc_tape *t = sh_xcalloc(1, sizeof *t);

	pthread_mutex_init(&t->lock, NULL);
	t->calls = json_array();
	return t;
}

void oc_tape_free(struct oc_tape *t)
{
	if (!t)
		return;
	json_decref(t->calls);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

void oc_tape_record(struct oc_tape *t, const char *url, const char *body, size_t len)
{
	char hex[OC_DIGEST_HEX];
	json_t *call;

	oc_digest_hex(body ? body : "", body ? len : 0, hex);
	call = json_pack("[ss]", url, hex);
	pthread_mutex_lock(&t->lock);
	json_array_append_new(t->calls, call);
	pthread_mutex_unlock(&t->lock);
}

void oc_tape_taint(struct oc_tape *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->lock);
	t->tainted = true;
	pthread_mutex_unlock(&t->lock);
}

/* ---- the memo -------------------------------------------------------- */

static struct {
	pthread_mutex_t lock;
	json_t *steps;              /* key -> {"calls","texts","counts","gen","bytes"} */
	char *scope;
	size_t bytes, cap;
	unsigned long gen;
	bool full_said;             /* "over the cap" logged in this run */
} memo = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* What a step's record costs, roughly: its strings and their overhead. */
static size_t step_bytes(const json_t *calls, const json_t *texts)
{
	size_t n = 2 * OC_MEMO_OVERHEAD, i;
	const json_t *v;

	json_array_foreach(calls, i, v)
		n += json_string_length(json_array_get(v, 0)) + OC_DIGEST_HEX + 3 * OC_MEMO_OVERHEAD;
	json_array_foreach(texts, i, v)
		n += json_string_length(v) + OC_MEMO_OVERHEAD;
	return n;
}

/* Caller holds the lock. */
static void forget_locked(void)
{
	json_decref(memo.steps);
	memo.steps = json_object();
	memo.bytes = 0;
}

unsigned long oc_memo_begin(const char *scope, size_t cap_bytes)
{
	unsigned long gen;

	pthread_mutex_lock(&memo.lock);
	if (!memo.steps || !memo.scope || strcmp(memo.scope, scope) != 0 || cap_bytes == 0) {
		forget_locked();
		free(memo.scope);
		memo.scope = sh_xstrdup(scope);
	}
	memo.cap = cap_bytes;
	memo.full_said = false;
	gen = ++memo.gen;
	pthread_mutex_unlock(&memo.lock);
	return gen;
}

bool oc_memo_get(const char *key, struct oc_memo_step *out)
{
	json_t *s;

	pthread_mutex_lock(&memo.lock);
	s = memo.steps ? json_object_get(memo.steps, key) : NULL;
	if (s) {
		out->calls = json_incref(json_object_get(s, "calls"));
		out->texts = json_incref(json_object_get(s, "texts"));
		out->counts = json_incref(json_object_get(s, "counts"));
		json_object_set_new(s, "gen", json_integer((json_int_t)memo.gen));
	}
	pthread_mutex_unlock(&memo.lock);
	return s != NULL;
}

void oc_memo_step_drop(struct oc_memo_step *s)
{
	json_decref(s->calls);
	json_decref(s->texts);
	json_decref(s->counts);
	memset(s, 0, sizeof *s);
}

/* Drops key's record; caller holds the lock. */
static void drop_locked(const char *key)
{
	json_t *old = json_object_get(memo.steps, key);

	if (old) {
		memo.bytes -= (size_t)json_integer_value(json_object_get(old, "bytes"));
		json_object_del(memo.steps, key);
	}
}

/* Keeps a record of `bytes`; caller holds the lock.  false over the cap. */
static bool keep_locked(const char *key, json_t *calls, json_t *texts, json_t *counts,
			size_t bytes)
{
	if (memo.bytes + bytes > memo.cap) {
		if (!memo.full_said && memo.cap > 0)
			sh_log(SH_LOG_INFO, "openchoreo: the sync memo is full (%zu of %zu bytes): "
			       "steps beyond it are read in full at every run", memo.bytes, memo.cap);
		memo.full_said = true;
		return false;
	}
	json_object_set_new(memo.steps, key,
			    json_pack("{sOsOsOsIsI}", "calls", calls, "texts", texts, "counts",
				      counts, "gen", (json_int_t)memo.gen, "bytes",
				      (json_int_t)bytes));
	memo.bytes += bytes;
	return true;
}

bool oc_memo_put(const char *key, struct oc_tape *tape, json_t *texts, json_t *counts)
{
	json_t *calls;
	bool kept = false;

	pthread_mutex_lock(&tape->lock);
	calls = tape->tainted ? NULL : json_copy(tape->calls);
	pthread_mutex_unlock(&tape->lock);
	pthread_mutex_lock(&memo.lock);
	if (memo.steps) {
		drop_locked(key);
		if (calls)
			kept = keep_locked(key, calls, texts, counts, step_bytes(calls, texts));
	}
	pthread_mutex_unlock(&memo.lock);
	json_decref(calls);
	return kept;
}

void oc_memo_sweep(unsigned long gen)
{
	const char *key;
	json_t *s, *tmp;

	pthread_mutex_lock(&memo.lock);
	if (memo.steps) {
		json_object_foreach_safe(memo.steps, tmp, key, s) {
			if ((unsigned long)json_integer_value(json_object_get(s, "gen")) != gen)
				drop_locked(key);
		}
	}
	pthread_mutex_unlock(&memo.lock);
}

size_t oc_memo_bytes(void)
{
	size_t n;

	pthread_mutex_lock(&memo.lock);
	n = memo.bytes;
	pthread_mutex_unlock(&memo.lock);
	return n;
}

size_t oc_memo_steps(void)
{
	size_t n;

	pthread_mutex_lock(&memo.lock);
	n = memo.steps ? json_object_size(memo.steps) : 0;
	pthread_mutex_unlock(&memo.lock);
	return n;
}

void oc_memo_forget(void)
{
	pthread_mutex_lock(&memo.lock);
	forget_locked();
	pthread_mutex_unlock(&memo.lock);
}
