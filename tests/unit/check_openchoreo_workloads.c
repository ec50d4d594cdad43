/*
 * Step 7d of the full sync (plugins/openchoreo/sync_workloads.c) against
 * the stand-in: each component's first workload in the components' order,
 * up to workload_fetches requests at once (shown with answers delayed as a
 * network would), the first failing component's error whatever the
 * timing, and the run's deadline.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/openchoreo/sync.h"
#include "standin.h"

#define WL "/api/v1/namespaces/oracle/workloads"
#define N 8

static struct oc_run run_of(long fetches, double seconds)
{
	struct oc_run run = {
		.api = { .host = &standin_host, .base = (char *)standin_base(), .page_limit = 100,
			 .max_pages = 10 },
		.call_timeout_ms = 1500,
		.deadline = oc_now() + seconds,
		.fetches = fetches,
	};
	return run;
}

/* Components c0..c<N-1>; c<i> has workload w<i> unless i is `empty`. */
static json_t *world(int empty)
{
	json_t *components = json_array();

	for (int i = 0; i < N; i++) {
		char name[16], body[128];

		snprintf(name, sizeof name, "c%d", i);
		snprintf(body, sizeof body, i == empty ? "{\"items\":[]}"
				: "{\"items\":[{\"metadata\":{\"name\":\"w%d\"}},{}]}", i);
		standin_route(json_pack("{s:s,s:s,s:{s:s},s:s}", "method", "GET", "path", WL,
					"query", "component", name, "body_text", body));
		json_array_append_new(components, json_pack("{s:{s:s}}", "metadata", "name", name));
	}
	return components;
}

/* The raw query of the n-th recorded request (a static copy). */
static const char *query_sent(int n)
{
	static char q[256];
	struct sh_http_request rq = { .url = standin_url("/__standin/requests") };
	struct sh_http_response resp;
	json_t *all;

	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	all = json_loadb(resp.body, resp.body_len, 0, NULL);
	sh_http_response_free(&resp);
	snprintf(q, sizeof q, "%s",
		 json_string_value(json_object_get(json_array_get(all, (size_t)n), "query")));
	json_decref(all);
	return q;
}

static void drop(json_t **workloads)
{
	for (int i = 0; i < N; i++)
		json_decref(workloads[i]);
}

START_TEST(test_in_order_and_concurrent)
{
	struct oc_run run = run_of(4, 30);
	json_t *components = world(5), *workloads[N] = { 0 };
	double t0;

	/* 300 ms per answer: one at a time would take 2.4 s. */
	standin_misbehave(json_pack("{s:s,s:f,s:s}", "mode", "delay", "seconds", 0.3, "path", WL));
	t0 = oc_now();
	ck_assert_int_eq(oc_walk_workloads(&run, "oracle", components, workloads), 0);
	ck_assert_msg(oc_now() - t0 < 1.6, "8 delayed answers took %.2f s", oc_now() - t0);
	for (int i = 0; i < N; i++) {
		char want[8];

		snprintf(want, sizeof want, "w%d", i);
		if (i == 5)
			ck_assert_ptr_null(workloads[i]);
		else
			ck_assert_str_eq(oc_name_of(workloads[i]), want);
	}
	ck_assert_int_eq(standin_count(WL), N);
	drop(workloads);
	json_decref(components);
}
END_TEST

START_TEST(test_one_at_a_time_in_list_order)
{
	struct oc_run run = run_of(1, 30);
	json_t *components = world(-1), *workloads[N] = { 0 };

	ck_assert_int_eq(oc_walk_workloads(&run, "oracle", components, workloads), 0);
	for (int i = 0; i < N; i++) {
		char want[32];

		snprintf(want, sizeof want, "component=c%d", i);
		ck_assert_str_eq(query_sent(i), want);
	}
	ck_assert_str_eq(oc_name_of(workloads[N - 1]), "w7");
	drop(workloads);
	json_decref(components);
}
END_TEST

/* c1 answers 404 and c2 500, both in flight at once (every answer is
 * delayed): the run reports c1's, the first in list order, whichever came
 * back first. */
START_TEST(test_first_failure_in_order)
{
	struct oc_run run = run_of(4, 30);
	json_t *components = world(-1), *workloads[N] = { 0 };

	standin_route(json_pack("{s:s,s:s,s:{s:s},s:i,s:s}", "method", "GET", "path", WL, "query",
				"component", "c2", "status", 500, "body_text", "{}"));
	standin_route(json_pack("{s:s,s:s,s:{s:s},s:i,s:s}", "method", "GET", "path", WL, "query",
				"component", "c1", "status", 404, "body_text", "{}"));
	standin_misbehave(json_pack("{s:s,s:f,s:s}", "mode", "delay", "seconds", 0.3, "path", WL));
	ck_assert_int_eq(oc_walk_workloads(&run, "oracle", components, workloads), SH_ENOTFOUND);
	ck_assert_str_eq(run.err, "GET " WL "?component=c1: 404");
	drop(workloads);
	json_decref(components);
}
END_TEST

START_TEST(test_deadline)
{
	struct oc_run run = run_of(2, -1);
	json_t *components = world(-1), *workloads[N] = { 0 };

	ck_assert_int_eq(oc_walk_workloads(&run, "oracle", components, workloads), SH_ETIMEDOUT);
	ck_assert_str_eq(run.err, WL ": not started, sync_timeout passed");
	ck_assert_int_eq(standin_count(WL), 0);
	drop(workloads);
	json_decref(components);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_in_order_and_concurrent,
		test_one_at_a_time_in_list_order,
		test_first_failure_in_order,
		test_deadline,
	};

	return standin_main("openchoreo_workloads", tests, sizeof(tests) / sizeof(*tests));
}
