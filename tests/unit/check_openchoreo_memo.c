/*
 * The full sync's memo (plugins/openchoreo/memo.c, sync_memo.c) against the
 * stand-in: a step whose answers are byte for byte the same is answered
 * from memory (its calls asked again, the step itself not run, the same
 * entity texts); a changed or failed answer runs the step (so it is
 * applied, or fails the run as before); the cap, the scope, the sweep, a
 * tainted step and the memo turned off.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/openchoreo/memo.h"
#include "../../plugins/openchoreo/sync.h"
#include "standin.h"

#define LIST "/api/v1/namespaces/oracle/projects"
#define ONE "/api/v1/namespaces/oracle/projects/p1"
#define LIST2 "/api/v1/namespaces/other/projects"
#define ONE2 "/api/v1/namespaces/other/projects/p1"

static int step_runs;           /* how often the step itself ran */
static bool step_taints;

static struct oc_run run_of(bool memo)
{
	struct oc_run run = {
		.api = { .host = &standin_host, .base = (char *)standin_base(), .page_limit = 100,
			 .max_pages = 10 },
		.call_timeout_ms = 1500,
		.deadline = oc_now() + 30,
		.fetches = 4,
		.memo = memo,
		.entities = json_array(),
		.counts = json_object(),
	};
	return run;
}

static void run_free(struct oc_run *run)
{
	json_decref(run->entities);
	json_decref(run->counts);
}

static void serve(const char *path, int status, const char *body)
{
	standin_route(json_pack("{s:s,s:s,s:i,s:s}", "method", "GET", "path", path, "status", status,
				"body_text", body));
}

/* A System per item of ns's list, titled by the single GET of p1 ("gone"
 * reads oracle's). */
static int step(struct oc_run *run, enum oc_kind k, const char *ns)
{
	json_t *list = NULL, *one = NULL, *item;
	bool other = strcmp(ns, "other") == 0;
	size_t i;
	int rc;

	(void)k;
	step_runs++;
	if (step_taints)
		oc_tape_taint(run->api.tape);
	rc = oc_get(&run->api, other ? LIST2 : LIST, NULL, &list, run->err, sizeof run->err);
	if (rc == 0)
		rc = oc_get(&run->api, other ? ONE2 : ONE, NULL, &one, run->err, sizeof run->err);
	json_array_foreach(json_object_get(list, "items"), i, item) {
		if (rc != 0)
			break;
		json_array_append_new(run->entities,
				      json_pack("{s:s,s:s,s:{s:O,s:O}}", "apiVersion", "v1", "kind",
						"System", "metadata", "name", json_object_get(item, "name"),
						"title", json_object_get(one, "title")));
		json_object_set_new(run->counts, "System",
				    json_integer(json_integer_value(json_object_get(run->counts,
										    "System")) + 1));
	}
	json_decref(list);
	json_decref(one);
	return rc;
}

static void world_of(const char *list, const char *one, const char *title)
{
	char body[128];

	serve(list, 200, "{\"items\":[{\"name\":\"p1\"},{\"name\":\"p2\"}]}");
	snprintf(body, sizeof body, "{\"title\":\"%s\"}", title);
	serve(one, 200, body);
}

static void world(const char *title)
{
	world_of(LIST, ONE, title);
}

/* One run of the step in namespace ns; its entities' texts, joined. */
static int walk(bool memo, const char *scope, size_t cap, const char *ns, char *out,
		size_t outlen, long *remembered)
{
	struct oc_run run = run_of(memo);
	json_t *e;
	size_t i, used = 0;
	unsigned long gen = oc_memo_begin(scope, cap);
	int rc = oc_walk_step(&run, OC_PROJECT, ns, step);

	out[0] = '\0';
	json_array_foreach(run.entities, i, e) {
		char *text = json_is_string(e) ? NULL : json_dumps(e, JSON_COMPACT);

		used += (size_t)snprintf(out + used, outlen - used, "%s;",
					 text ? text : json_string_value(e));
		free(text);
	}
	if (rc == 0) {
		oc_memo_sweep(gen);
		ck_assert_int_eq(json_integer_value(json_object_get(run.counts, "System")), 2);
	}
	if (remembered)
		*remembered = run.remembered;
	run_free(&run);
	return rc;
}

#define WANT_A "{\"apiVersion\":\"v1\",\"kind\":\"System\",\"metadata\":{\"name\":\"p1\"," \
	       "\"title\":\"A\"}};{\"apiVersion\":\"v1\",\"kind\":\"System\",\"metadata\":" \
	       "{\"name\":\"p2\",\"title\":\"A\"}};"

START_TEST(test_unchanged_is_not_run_again)
{
	char first[1024], again[1024];
	long remembered = -1;

	world("A");
	ck_assert_int_eq(walk(true, "s", 1 << 20, "oracle", first, sizeof first, &remembered), 0);
	ck_assert_str_eq(first, WANT_A);
	ck_assert_int_eq(remembered, 0);
	ck_assert_int_eq(step_runs, 1);
	ck_assert_int_eq(oc_memo_steps(), 1);
	ck_assert_int_eq(walk(true, "s", 1 << 20, "oracle", again, sizeof again, &remembered), 0);
	ck_assert_int_eq(step_runs, 1);
	ck_assert_int_eq(remembered, 1);
	ck_assert_str_eq(again, first);
	/* Its calls were asked again, once each. */
	ck_assert_int_eq(standin_count(LIST), 2);
	ck_assert_int_eq(standin_count(ONE), 2);
}
END_TEST

START_TEST(test_changed_answer_is_applied)
{
	char out[1024];
	long remembered = -1;

	world("A");
	ck_assert_int_eq(walk(true, "s", 1 << 20, "oracle", out, sizeof out, NULL), 0);
	world("B");
	ck_assert_int_eq(walk(true, "s", 1 << 20, "oracle", out, sizeof out, &remembered), 0);
	ck_assert_int_eq(step_runs, 2);
	ck_assert_int_eq(remembered, 0);
	ck_assert_ptr_nonnull(strstr(out, "\"title\":\"B\""));
	ck_assert_ptr_null(strstr(out, "\"title\":\"A\""));
	/* What the changed run made is what is remembered now. */
	ck_assert_int_eq(walk(true, "s", 1 << 20, "oracle", out, sizeof out, &remembered), 0);
	ck_assert_int_eq(step_runs, 2);
	ck_assert_int_eq(remembered, 1);
	ck_assert_ptr_nonnull(strstr(out, "\"title\":\"B\""));
}
END_TEST

/* An answer that fails is not "unchanged": the step runs and reports it. */
START_TEST(test_failed_answer_fails_the_step)
{
	char out[1024];

	world("A");
	ck_assert_int_eq(walk(true, "s", 1 << 20, "oracle", out, sizeof out, NULL), 0);
	serve(ONE, 500, "{}");
	ck_assert_int_eq(walk(true, "s", 1 << 20, "oracle", out, sizeof out, NULL), SH_EUNAVAIL);
	ck_assert_int_eq(step_runs, 2);
}
END_TEST

START_TEST(test_cap)
{
	char out[1024];

	world("A");
	ck_assert_int_eq(walk(true, "s", 100, "oracle", out, sizeof out, NULL), 0);
	ck_assert_int_eq(oc_memo_steps(), 0);
	ck_assert_int_eq(oc_memo_bytes(), 0);
	ck_assert_int_eq(walk(true, "s", 100, "oracle", out, sizeof out, NULL), 0);
	ck_assert_int_eq(step_runs, 2);
	ck_assert_str_eq(out, WANT_A);
	/* With room, kept, and within the cap. */
	ck_assert_int_eq(walk(true, "s", 4096, "oracle", out, sizeof out, NULL), 0);
	ck_assert_int_eq(oc_memo_steps(), 1);
	ck_assert(oc_memo_bytes() > 0 && oc_memo_bytes() <= 4096);
}
END_TEST

/* Another base URL or credential: nothing remembered is used. */
START_TEST(test_scope_change_forgets)
{
	char out[1024];

	world("A");
	ck_assert_int_eq(walk(true, "base-a", 1 << 20, "oracle", out, sizeof out, NULL), 0);
	ck_assert_int_eq(walk(true, "base-b", 1 << 20, "oracle", out, sizeof out, NULL), 0);
	ck_assert_int_eq(step_runs, 2);
}
END_TEST

/* A step not walked by a good run is forgotten. */
START_TEST(test_sweep)
{
	char out[1024];

	world("A");
	ck_assert_int_eq(walk(true, "s", 1 << 20, "gone", out, sizeof out, NULL), 0);
	ck_assert_int_eq(walk(true, "s", 1 << 20, "oracle", out, sizeof out, NULL), 0);
	ck_assert_int_eq(oc_memo_steps(), 1);
}
END_TEST

START_TEST(test_tainted_and_off)
{
	char out[1024];

	world("A");
	step_taints = true;
	ck_assert_int_eq(walk(true, "s", 1 << 20, "oracle", out, sizeof out, NULL), 0);
	ck_assert_int_eq(oc_memo_steps(), 0);
	step_taints = false;
	ck_assert_int_eq(walk(false, "s", 1 << 20, "oracle", out, sizeof out, NULL), 0);
	ck_assert_int_eq(walk(false, "s", 1 << 20, "oracle", out, sizeof out, NULL), 0);
	ck_assert_int_eq(step_runs, 3);
	ck_assert_str_eq(out, WANT_A);
}
END_TEST

START_TEST(test_deadline_while_asking_again)
{
	struct oc_run run = run_of(true);
	char out[1024];

	world("A");
	ck_assert_int_eq(walk(true, "s", 1 << 20, "oracle", out, sizeof out, NULL), 0);
	oc_memo_begin("s", 1 << 20);
	run.deadline = oc_now() - 1;
	ck_assert_int_eq(oc_walk_step(&run, OC_PROJECT, "oracle", step), SH_ETIMEDOUT);
	ck_assert_ptr_nonnull(strstr(run.err, "sync_timeout passed"));
	ck_assert_int_eq(json_array_size(run.entities), 0);
	ck_assert_int_eq(step_runs, 1);
	run_free(&run);
}
END_TEST

/* A call asked again that times out is a failed call: the run ends with
 * it named, as the walk would, and the step is not run. */
START_TEST(test_timeout_while_asking_again)
{
	struct oc_run run = run_of(true);
	json_t *steps = json_pack("[[is]]", OC_PROJECT, "oracle");
	char out[1024];

	world("A");
	ck_assert_int_eq(walk(true, "s", 1 << 20, "oracle", out, sizeof out, NULL), 0);
	standin_misbehave(json_pack("{s:s,s:f,s:s}", "mode", "stall", "seconds", 1.0, "path", ONE));
	oc_memo_begin("s", 1 << 20);
	run.call_timeout_ms = 300;
	ck_assert_int_eq(oc_walk_verify(&run, steps), SH_ETIMEDOUT);
	ck_assert_msg(strncmp(run.err, "GET " ONE ": ", strlen("GET " ONE ": ")) == 0, "%s", run.err);
	ck_assert_int_eq(step_runs, 1);
	json_decref(run.verified);
	json_decref(steps);
	run_free(&run);
}
END_TEST

/* All remembered steps asked again in one batch: the unchanged one is
 * emitted from memory, the changed one runs (its calls asked twice). */
START_TEST(test_verify_all_at_once)
{
	struct oc_run run = run_of(true);
	json_t *steps = json_pack("[[is][is][is]]", OC_PROJECT, "oracle", OC_PROJECT, "other",
				  OC_PROJECT, "never");
	char out[1024];

	world("A");
	world_of(LIST2, ONE2, "A");
	ck_assert_int_eq(walk(true, "s", 1 << 20, "oracle", out, sizeof out, NULL), 0);
	oc_memo_begin("s", 1 << 20);
	ck_assert_int_eq(oc_walk_step(&run, OC_PROJECT, "other", step), 0);
	ck_assert_int_eq(step_runs, 2);
	world_of(LIST2, ONE2, "B");
	json_array_clear(run.entities);
	oc_memo_begin("s", 1 << 20);
	ck_assert_int_eq(oc_walk_verify(&run, steps), 0);
	ck_assert_int_eq(json_object_size(run.verified), 1);
	ck_assert_ptr_nonnull(json_object_get(run.verified, "projects/oracle"));
	ck_assert_int_eq(oc_walk_step(&run, OC_PROJECT, "oracle", step), 0);
	ck_assert_int_eq(oc_walk_step(&run, OC_PROJECT, "other", step), 0);
	ck_assert_int_eq(step_runs, 3);
	ck_assert_int_eq(run.remembered, 1);
	ck_assert_int_eq(json_array_size(run.entities), 4);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_array_get(run.entities, 0)), "\"A\""));
	ck_assert_ptr_nonnull(strstr(json_string_value(json_array_get(run.entities, 2)), "\"B\""));
	ck_assert_int_eq(standin_count(ONE), 2);
	ck_assert_int_eq(standin_count(ONE2), 3);
	json_decref(run.verified);
	json_decref(steps);
	run_free(&run);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_unchanged_is_not_run_again,
		test_changed_answer_is_applied,
		test_failed_answer_fails_the_step,
		test_cap,
		test_scope_change_forgets,
		test_sweep,
		test_tainted_and_off,
		test_deadline_while_asking_again,
		test_verify_all_at_once,
		test_timeout_while_asking_again,
	};

	return standin_main("openchoreo_memo", tests, sizeof(tests) / sizeof(*tests));
}
