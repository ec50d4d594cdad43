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

/* The calls of one remembered step asked again. */
struct replay {
	const struct oc_run *run;
	const json_t *calls;        /* [[url, hex], ...] */
	atomic_int budget_rc;       /* the first budget failure (shutdown, sync_timeout) */
	atomic_bool differs;        /* an answer differs or failed */
	char err[512];              /* the budget failure's reason */
};

static int ask_again(void *arg, size_t i)
{
	struct replay *r = arg;
	const json_t *call = json_array_get(r->calls, i);
	const char *url = json_string_value(json_array_get(call, 0));
	struct oc_state api = r->run->api;
	char hex[OC_DIGEST_HEX], err[512];
	int rc = oc_call_budget(r->run, &api, url, err, sizeof err);

	if (rc != 0) {
		int none = 0;

		if (atomic_compare_exchange_strong(&r->budget_rc, &none, rc))
			snprintf(r->err, sizeof r->err, "%s", err);
		return rc;
	}
	api.tape = NULL;
	if (oc_get_digest(&api, url, hex) != 0 ||
	    strcmp(hex, json_string_value(json_array_get(call, 1))) != 0) {
		atomic_store(&r->differs, true);
		return 1;
	}
	return 0;
}

/* Emits a remembered step's entities (shared strings) and adds its counts. */
static void emit_remembered(struct oc_run *run, const struct oc_memo_step *m)
{
	const char *kind;
	json_t *v;
	size_t i;

	json_array_foreach(m->texts, i, v)
		json_array_append(run->entities, v);
	json_object_foreach(m->counts, kind, v) {
		json_int_t n = json_integer_value(json_object_get(run->counts, kind));

		json_object_set_new(run->counts, kind, json_integer(n + json_integer_value(v)));
	}
}

/* 0: every answer the same, entities emitted; 1: the step must run;
 * < 0: the run is over (run->err set). */
static int replay(struct oc_run *run, const struct oc_memo_step *m)
{
	struct replay r = { .run = run, .calls = m->calls };

	atomic_init(&r.budget_rc, 0);
	atomic_init(&r.differs, false);
	oc_parallel(json_array_size(m->calls), run->fetches, ask_again, &r);
	if (atomic_load(&r.budget_rc) != 0) {
		snprintf(run->err, sizeof run->err, "%s", r.err);
		return atomic_load(&r.budget_rc);
	}
	if (atomic_load(&r.differs))
		return 1;
	emit_remembered(run, m);
	return 0;
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

int oc_walk_step(struct oc_run *run, enum oc_kind k, const char *ns, oc_step_fn fn)
{
	struct oc_memo_step m;
	char *key;
	int rc = 1;

	if (!run->memo)
		return fn(run, k, ns);
	run->steps++;
	key = sh_xasprintf("%s/%s", oc_kinds[k].collection, ns);
	if (oc_memo_get(key, &m)) {
		rc = replay(run, &m);
		oc_memo_step_drop(&m);
	}
	if (rc == 0)
		run->remembered++;
	else if (rc > 0)
		rc = run_recorded(run, k, ns, fn, key);
	free(key);
	return rc;
}
