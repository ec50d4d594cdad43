/*
 * plugins/openchoreo/apply.c and apply_component.c: one queued event into
 * one delta (spec openchoreo-provider.md §4.2, §4.3) against the stand-in
 * serving the recorded answers (tests/data/upstream/openchoreo/): the
 * requests the spec lists, in its order; the entities, byte for byte the
 * full sync's (tests/data/openchoreo/expected/); what a 404 removes, and
 * that only a 404 does; which failures are retried and which given up.
 * (A gone workload's flow reads the catalog: not reached here.)
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/openchoreo/events.h"
#include "standin.h"

#define NS_PATH "/api/v1/namespaces/oracle"
#define COMP_PATH NS_PATH "/components/checkout-service"

static struct oc_state state(void)
{
	struct oc_state st = {
		.host = &standin_host,
		.base = (char *)standin_base(),
		.default_owner = "group:default/openchoreo-users",
		.page_limit = 100,
		.max_pages = 10,
		.http_timeout_ms = 1000,
	};
	return st;
}

static json_t *load(const char *dir, const char *name)
{
	const char *top = getenv("top_srcdir") ? getenv("top_srcdir") : ".";
	char path[1024];
	json_error_t e;
	json_t *j;

	snprintf(path, sizeof path, "%s/tests/data/%s/%s", top, dir, name);
	j = json_load_file(path, 0, &e);
	ck_assert_msg(j != NULL, "%s: %s", path, e.text);
	return j;
}

/* Serves a recorded answer (or a status with an empty list) at path when
 * the query is `query` ("k=v" or NULL for none). */
static void serve(const char *path, const char *key, const char *value, int status,
		  const char *file)
{
	json_t *body = load("upstream/openchoreo", file);
	char *text = json_dumps(body, JSON_COMPACT);
	json_t *query = key ? json_pack("{s:s}", key, value) : json_object();

	standin_route(json_pack("{s:s,s:s,s:o,s:i,s:{s:s},s:s}", "method", "GET", "path", path,
				"query", query, "status", status, "headers", "content-type",
				"application/json", "body_text", text));
	free(text);
	json_decref(body);
}

static void serve_component(void)
{
	serve(COMP_PATH, NULL, NULL, 200, "component.oracle.checkout-service.json");
	serve(NS_PATH "/projects/checkout", NULL, NULL, 200, "project.oracle.checkout.json");
	serve(NS_PATH "/workloads", "component", "checkout-service", 200,
	      "workloads.oracle.checkout-service.json");
	serve(NS_PATH "/workloads", "component", "payment-gateway", 200, "list.empty.json");
}

/* Applies event kind ns/name; the result, with *added and *removed dumped. */
static int apply(const char *kind, const char *ns, const char *name, char **added,
		 char **removed)
{
	struct oc_state st = state();
	struct oc_claimed c = { (char *)kind, (char *)ns, (char *)name, "updated", 1, 0 };
	json_t *a = json_array(), *r = json_array();
	char err[512] = "";
	int rc = oc_event_apply(&st, &c, a, r, err, sizeof err);

	*added = json_dumps(a, JSON_COMPACT);
	*removed = json_dumps(r, JSON_COMPACT);
	json_decref(a);
	json_decref(r);
	return rc;
}

static void same(const char *got, const char *const *expected)
{
	json_t *want = json_array();
	char *w;

	for (; *expected; expected++)
		json_array_append_new(want, load("openchoreo/expected", *expected));
	w = json_dumps(want, JSON_COMPACT);
	ck_assert_msg(strcmp(got, w) == 0, "\n got: %s\nwant: %s", got, w);
	free(w);
	json_decref(want);
}

/* The request paths in order, "path?query" joined by spaces. */
static char *sent(void)
{
	struct sh_http_request rq = { .url = standin_url("/__standin/requests") };
	struct sh_http_response resp;
	char *out = calloc(1, 4096);
	json_t *all, *r;
	const char *q;
	size_t i;

	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	all = json_loadb(resp.body, resp.body_len, 0, NULL);
	sh_http_response_free(&resp);
	json_array_foreach(all, i, r) {
		q = json_string_value(json_object_get(r, "query"));
		snprintf(out + strlen(out), 4096 - strlen(out), "%s%s%s%s", i ? " " : "",
			 json_string_value(json_object_get(r, "path")), q && *q ? "?" : "",
			 q ? q : "");
	}
	json_decref(all);
	return out;
}

/* §4.3 event.component-updated: four calls, the Component and its API as
 * the full sync makes them. */
START_TEST(test_component)
{
	const char *want[] = { "component.checkout-service.json",
			       "api.checkout-checkout-service-http.json", NULL };
	char *added, *removed, *calls;

	serve_component();
	ck_assert_int_eq(apply("component", "oracle", "checkout-service", &added, &removed), 0);
	same(added, want);
	ck_assert_str_eq(removed, "[]");
	calls = sent();
	ck_assert_str_eq(calls, COMP_PATH " " NS_PATH "/projects/checkout " NS_PATH
			 "/workloads?component=checkout-service " NS_PATH
			 "/workloads?component=payment-gateway");
	free(calls);
	free(added);
	free(removed);
}
END_TEST

/* §4.3 event.component-deleted: the re-fetch's 404 removes it, its APIs
 * stay; and a `deleted` for a live one (test_component's action is not
 * read at all) upserts. */
START_TEST(test_component_gone)
{
	char *added, *removed;

	serve(NS_PATH "/components/fraud-detector", NULL, NULL, 404,
	      "error.404.component-not-found.json");
	ck_assert_int_eq(apply("component", "oracle", "fraud-detector", &added, &removed), 0);
	ck_assert_str_eq(added, "[]");
	ck_assert_str_eq(removed, "[\"component:oracle/fraud-detector\"]");
	free(added);
	free(removed);
}
END_TEST

/* §4.3 event.clustercomponenttype-created: the type is not upstream, so it
 * and its Template go; the namespace sent ("") is not in the path. */
START_TEST(test_cluster_type_gone)
{
	char *added, *removed, *calls;

	ck_assert_int_eq(apply("clustercomponenttype", "", "service", &added, &removed), 0);
	ck_assert_str_eq(added, "[]");
	ck_assert_str_eq(removed, "[\"clustercomponenttype:openchoreo-cluster/service\","
			 "\"template:openchoreo-cluster/template-service\"]");
	calls = sent();
	ck_assert_str_eq(calls, "/api/v1/clustercomponenttypes/service");
	free(calls);
	free(added);
	free(removed);
}
END_TEST

/* §4.3 event.project-updated and event.namespace-updated. */
START_TEST(test_project_and_namespace)
{
	const char *system[] = { "system.checkout.json", NULL };
	const char *domain[] = { "domain.oracle.json", NULL };
	char *added, *removed;

	serve(NS_PATH "/projects/checkout", NULL, NULL, 200, "project.oracle.checkout.json");
	serve(NS_PATH, NULL, NULL, 200, "namespace.oracle.json");
	ck_assert_int_eq(apply("project", "oracle", "checkout", &added, &removed), 0);
	same(added, system);
	free(added);
	free(removed);
	ck_assert_int_eq(apply("namespace", "", "oracle", &added, &removed), 0);
	same(added, domain);
	ck_assert_str_eq(removed, "[]");
	free(added);
	free(removed);
}
END_TEST

/* Any failure but a 404 changes nothing and is retried: the component,
 * its project, a dependency target's workloads. */
START_TEST(test_failures_retried)
{
	const char *paths[] = { COMP_PATH, NS_PATH "/projects/checkout", NS_PATH "/workloads" };
	char *added, *removed;

	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
		standin_reset();
		serve_component();
		standin_misbehave(json_pack("{s:s,s:s,s:i}", "mode", "status", "path", paths[i],
					    "status", 500));
		ck_assert_int_lt(apply("component", "oracle", "checkout-service", &added,
				       &removed), 0);
		free(added);
		free(removed);
	}
}
END_TEST

/* A Workload event: the workload, then its component's flow with that
 * workload (no workload list call for the component itself). */
START_TEST(test_workload)
{
	const char *want[] = { "component.checkout-service.json",
			       "api.checkout-checkout-service-http.json", NULL };
	json_t *list = load("upstream/openchoreo", "workloads.oracle.checkout-service.json");
	char *wl = json_dumps(json_array_get(json_object_get(list, "items"), 0), JSON_COMPACT);
	char *added, *removed, *calls;

	serve_component();
	standin_route(json_pack("{s:s,s:s,s:i,s:{s:s},s:s}", "method", "GET", "path",
				NS_PATH "/workloads/checkout-service-workload", "status", 200,
				"headers", "content-type", "application/json", "body_text", wl));
	ck_assert_int_eq(apply("workload", "oracle", "checkout-service-workload", &added,
			       &removed), 0);
	same(added, want);
	ck_assert_str_eq(removed, "[]");
	calls = sent();
	ck_assert_str_eq(calls, NS_PATH "/workloads/checkout-service-workload " COMP_PATH " "
			 NS_PATH "/projects/checkout " NS_PATH "/workloads?component=payment-gateway");
	free(calls);
	free(added);
	free(removed);
	free(wl);
	json_decref(list);
}
END_TEST

/* A component without spec.owner.projectName cannot be translated however
 * often it is fetched: given up. */
START_TEST(test_untranslatable_given_up)
{
	json_t *comp = load("upstream/openchoreo", "component.oracle.checkout-service.json");
	char *text, *added, *removed;

	json_object_del(json_object_get(json_object_get(comp, "spec"), "owner"), "projectName");
	text = json_dumps(comp, JSON_COMPACT);
	standin_route(json_pack("{s:s,s:s,s:i,s:{s:s},s:s}", "method", "GET", "path", COMP_PATH,
				"status", 200, "headers", "content-type", "application/json",
				"body_text", text));
	ck_assert_int_eq(apply("component", "oracle", "checkout-service", &added, &removed),
			 OC_APPLY_GIVE_UP);
	free(text);
	free(added);
	free(removed);
	json_decref(comp);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_component,
		test_component_gone,
		test_cluster_type_gone,
		test_project_and_namespace,
		test_failures_retried,
		test_untranslatable_given_up,
		test_workload,
	};

	return standin_main("openchoreo_apply", tests, sizeof(tests) / sizeof(*tests));
}
