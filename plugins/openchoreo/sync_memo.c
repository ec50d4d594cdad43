/*
 * A step of the full sync's walk through the memo (sync.h oc_walk_step,
 * memo.h).  An unchanged world costs its calls again (the API has no
 * conditional requests) but no parsing, translating or dumping: a
 * remembered step's calls are asked again, many at once since their URLs
 * are known, and only their bodies' SHA-256 are compared with the
 * remembered ones.  One answer that differs (or fails) and the step runs
 * in full, as without the memo, which then also reports any failure: so a
 * changed answer is always applied and a failed call still fails the run.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/stagehand.h>

#include "memo.h"
#include "sync.h"

/* One remembered step whose calls are asked again. */
struct check_step {
	char *key;
	struct oc_memo_step m;
	atomic_bool differs;        /* an answer differs or failed */
};

/* The calls of some remembered steps, asked again in one batch. */
struct check {
	const struct oc_run *run;
	struct check_step *steps;
	size_t *owner;              /* call i is steps[owner[i]]'s ... */
	size_t *nth;                /* ... call number nth[i] */
	atomic_int fail_rc;         /* the first failure that ends the run: the budget's
				     * (shutdown, sync_timeout) or a call's transport */
	char err[512];              /* its reason */
};

/* The run is over: the first reason wins; no more calls are started. */
static int fail(struct check *c, int rc, const char *why)
{
	int none = 0;

	if (atomic_compare_exchange_strong(&c->fail_rc, &none, rc))
		snprintf(c->err, sizeof c->err, "%s", why);
	return rc;
}

/* A call of a remembered step again.  Another status than 2xx, or other
 * bytes, and its step runs in full (which reports a status that persists
 * as the walk does); a timeout or a broken connection is a failed call
 * that ends the run here, as it would in the walk. */
static int ask_again(void *arg, size_t i)
{
	struct check *c = arg;
	struct check_step *s = &c->steps[c->owner[i]];
	const json_t *call = json_array_get(s->m.calls, c->nth[i]);
	const char *url = json_string_value(json_array_get(call, 0));
	struct oc_state api = c->run->api;
	char hex[OC_DIGEST_HEX], err[512];
	int rc;

	if (atomic_load(&s->differs))
		return 0;               /* the step runs in full anyway */
	if ((rc = oc_call_budget(c->run, &api, url, err, sizeof err)) != 0)
		return fail(c, rc, err);
	api.tape = NULL;
	rc = oc_get_digest(&api, url, hex, err, sizeof err);
	if (rc < 0)
		return fail(c, rc, err);
	if (rc > 0 || strcmp(hex, json_string_value(json_array_get(call, 1))) != 0)
		atomic_store(&s->differs, true);
	return 0;
}

/* Asks every call of steps[0..n) again; each step's differs set.  0, or the
 * failure that ends the run with run->err set. */
static int check_steps(struct oc_run *run, struct check_step *steps, size_t n)
{
	struct check c = { .run = run, .steps = steps };
	size_t calls = 0, i, j, k = 0;
	int rc;

	for (i = 0; i < n; i++)
		calls += json_array_size(steps[i].m.calls);
	c.owner = sh_xcalloc(calls ? calls : 1, sizeof *c.owner);
	c.nth = sh_xcalloc(calls ? calls : 1, sizeof *c.nth);
	for (i = 0; i < n; i++)
		for (j = 0; j < json_array_size(steps[i].m.calls); j++, k++)
			c.owner[k] = i, c.nth[k] = j;
	atomic_init(&c.fail_rc, 0);
	oc_parallel(calls, run->fetches, ask_again, &c);
	if ((rc = atomic_load(&c.fail_rc)) != 0)
		snprintf(run->err, sizeof run->err, "%s", c.err);
	free(c.owner);
	free(c.nth);
	return rc;
}

/* Emits a remembered step's entities (shared strings) and adds its counts. */
static void emit_remembered(struct oc_run *run, const json_t *texts, const json_t *counts)
{
	const char *kind;
	json_t *v;
	size_t i;

	json_array_foreach(texts, i, v)
		json_array_append(run->entities, v);
	json_object_foreach((json_t *)counts, kind, v) {
		json_int_t n = json_integer_value(json_object_get(run->counts, kind));

		json_object_set_new(run->counts, kind, json_integer(n + json_integer_value(v)));
	}
}

static char *step_key(enum oc_kind k, const char *ns)
{
	return sh_xasprintf("%s/%s", oc_kinds[k].collection, ns);
}

/* The remembered steps among steps ([[kind, ns], ...]) into *out. */
static size_t remembered_steps(const json_t *steps, struct check_step **out)
{
	size_t n = 0, i;
	const json_t *st;

	*out = sh_xcalloc(json_array_size(steps) + 1, sizeof **out);
	json_array_foreach(steps, i, st) {
		struct check_step *c = &(*out)[n];

		c->key = step_key((enum oc_kind)json_integer_value(json_array_get(st, 0)),
				  json_string_value(json_array_get(st, 1)));
		atomic_init(&c->differs, false);
		if (oc_memo_get(c->key, &c->m))
			n++;
		else
			free(c->key);
	}
	return n;
}

int oc_walk_verify(struct oc_run *run, const json_t *steps)
{
	struct check_step *c;
	size_t n = remembered_steps(steps, &c), i;
	int rc = check_steps(run, c, n);

	if (!run->verified)
		run->verified = json_object();
	for (i = 0; i < n; i++) {
		if (rc == 0 && !atomic_load(&c[i].differs))
			json_object_set_new(run->verified, c[i].key,
					    json_pack("{sOsO}", "texts", c[i].m.texts, "counts",
						      c[i].m.counts));
		oc_memo_step_drop(&c[i].m);
		free(c[i].key);
	}
	free(c);
	return rc;
}

/* The entities run->entities[first..] as their texts, in place and in the
 * array returned; their counts by kind in *counts. */
static json_t *as_texts(struct oc_run *run, size_t first, json_t **counts)
{
	json_t *texts = json_array(), *e;
	size_t i;

	*counts = json_object();
	for (i = first; i < json_array_size(run->entities); i++) {
		const char *kind;
		char *text;
		json_t *s;

		e = json_array_get(run->entities, i);
		kind = json_string_value(json_object_get(e, "kind"));
		kind = kind ? kind : "?";
		json_object_set_new(*counts, kind,
				    json_integer(json_integer_value(json_object_get(*counts, kind)) + 1));
		text = json_dumps(e, JSON_COMPACT);
		s = json_stringn_nocheck(text ? text : "", text ? strlen(text) : 0);
		free(text);
		json_array_append(texts, s);
		json_array_set_new(run->entities, i, s);
	}
	return texts;
}

/* The step in full, its calls recorded; remembered when it succeeds. */
static int run_recorded(struct oc_run *run, enum oc_kind k, const char *ns, oc_step_fn fn,
			const char *key)
{
	size_t first = json_array_size(run->entities);
	struct oc_tape *tape = oc_tape_new();
	json_t *texts, *counts;
	int rc;

	run->api.tape = tape;
	rc = fn(run, k, ns);
	run->api.tape = NULL;
	if (rc == 0) {
		texts = as_texts(run, first, &counts);
		oc_memo_put(key, tape, texts, counts);
		json_decref(texts);
		json_decref(counts);
	}
	oc_tape_free(tape);
	return rc;
}

/* 0: the step is unchanged, its entities emitted; 1: it must run; < 0:
 * the run is over (run->err set). */
static int remembered(struct oc_run *run, const char *key)
{
	struct check_step c = { 0 };
	json_t *v;
	int rc;

	if (run->verified) {
		v = json_object_get(run->verified, key);
		if (v)
			emit_remembered(run, json_object_get(v, "texts"), json_object_get(v, "counts"));
		return v ? 0 : 1;
	}
	if (!oc_memo_get(key, &c.m))
		return 1;
	atomic_init(&c.differs, false);
	rc = check_steps(run, &c, 1);
	if (rc == 0 && !atomic_load(&c.differs))
		emit_remembered(run, c.m.texts, c.m.counts);
	else if (rc == 0)
		rc = 1;
	oc_memo_step_drop(&c.m);
	return rc;
}

int oc_walk_step(struct oc_run *run, enum oc_kind k, const char *ns, oc_step_fn fn)
{
	char *key;
	int rc;

	if (!run->memo)
		return fn(run, k, ns);
	run->steps++;
	key = step_key(k, ns);
	rc = remembered(run, key);
	if (rc == 0)
		run->remembered++;
	else if (rc > 0)
		rc = run_recorded(run, k, ns, fn, key);
	free(key);
	return rc;
}
