/*
 * The openchoreo plugin's API client (plugins/openchoreo/client.c) against
 * the stand-in serving recorded OpenChoreo answers
 * (tests/data/openchoreo/upstream/, copies of shared/fixtures): path
 * encoding, the cursor loop with limit 1 and 2, the page cap on paged and
 * unpaged lists, and every failure a sync must see as one.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/openchoreo/openchoreo.h"
#include "standin.h"

#define NS1_CURSOR "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NDgyMTEsInN0YXJ0IjoiZGVmYXVsdFx1MDAwMCJ9"
#define BILLING_CURSOR                                                                      \
	"eyJjIjoiZXlKMklqb2liV1YwWVM1ck9ITXVhVzh2ZGpFaUxDSnlkaUk2TkRnek56Y3NJbk4wWVhKMElqb2lhVzUyYjJs" \
	"alpTMXpaWEoyYVdObFhIVXdNREF3SW4wIn0"

/* A client state on the stand-in; send_token off unless a test turns it on. */
static struct oc_state state(long limit, long max_pages)
{
	struct oc_state st = {
		.host = &standin_host,
		.base = (char *)standin_base(),
		.page_limit = limit,
		.max_pages = max_pages,
		.http_timeout_ms = 1000,
	};
	return st;
}

static char *fixture(const char *name)
{
	const char *top = getenv("top_srcdir") ? getenv("top_srcdir") : ".";
	char path[4096];
	json_t *j;
	char *text;

	snprintf(path, sizeof path, "%s/tests/data/openchoreo/upstream/%s", top, name);
	j = json_load_file(path, JSON_PRESERVE_ORDER, NULL);
	ck_assert_msg(j != NULL, "no fixture %s", path);
	text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	return text;
}

/* Serves a fixture (or text) at path when the query has `query`'s keys. */
static void serve(const char *path, json_t *query, int status, const char *file,
		  const char *text)
{
	char *body = file ? fixture(file) : strdup(text);

	standin_route(json_pack("{s:s,s:s,s:o,s:i,s:{s:s},s:s}", "method", "GET", "path", path,
				"query", query ? query : json_object(), "status", status,
				"headers", "content-type", "application/json", "body_text", body));
	free(body);
}

/* "path?query" of the n-th recorded request (a static copy), or NULL. */
static const char *sent(int n)
{
	static char line[1024];
	struct sh_http_request rq = { .url = standin_url("/__standin/requests") };
	struct sh_http_response resp;
	json_t *all, *r;
	const char *q;

	ck_assert_int_eq(sh_http_do(&rq, &resp), 0);
	all = json_loadb(resp.body, resp.body_len, 0, NULL);
	sh_http_response_free(&resp);
	r = json_array_get(all, (size_t)n);
	if (!r) {
		json_decref(all);
		return NULL;
	}
	q = json_string_value(json_object_get(r, "query"));
	snprintf(line, sizeof line, "%s%s%s", json_string_value(json_object_get(r, "path")),
		 q && *q ? "?" : "", q ? q : "");
	json_decref(all);
	return line;
}

static const char *name_of(const json_t *items, size_t i)
{
	return json_string_value(
		json_object_get(json_object_get(json_array_get(items, i), "metadata"), "name"));
}

/* The limit1 pages of the namespace list: the first, and the second too. */
static void serve_ns_pages(bool second)
{
	serve("/api/v1/namespaces", json_pack("{s:s}", "limit", "1"), 200,
	      "namespaces.limit1.page1.json", NULL);
	if (second)
		serve("/api/v1/namespaces",
		      json_pack("{s:s,s:s}", "limit", "1", "cursor", NS1_CURSOR), 200,
		      "namespaces.limit1.page2.json", NULL);
}

/* oc_list of /api/v1/namespaces into items (NULL: dropped); err set on failure. */
static int list_ns(long limit, long max_pages, json_t *items, char *err, size_t errlen)
{
	struct oc_state st = state(limit, max_pages);
	json_t *mine = items ? items : json_array();
	int rc = oc_list(&st, "/api/v1/namespaces", NULL, true, mine, err, errlen);

	if (!items)
		json_decref(mine);
	return rc;
}

/* ---------------------------------------------------------------- paths */

START_TEST(test_path_encoding)
{
	const char *segs[] = { "namespaces", "a b", "x/y", "!~*'()", "ü", NULL };
	const char *none[] = { NULL };
	char *p = oc_path(segs), *q = oc_path(none), *e = oc_encode("a&b=c d");

	ck_assert_str_eq(p, "/api/v1/namespaces/a%20b/x%2Fy/!~*'()/%C3%BC");
	ck_assert_str_eq(q, "/api/v1");
	ck_assert_str_eq(e, "a%26b%3Dc%20d");
	free(p), free(q), free(e);
}
END_TEST

START_TEST(test_api_base)
{
	const char *const cases[][2] = {
		{ "http://oc:8080/api/v1", "http://oc:8080" },
		{ "http://oc:8080/api/v1/", "http://oc:8080" },
		{ "http://oc:8080/", "http://oc:8080" },
		{ "http://oc:8080", "http://oc:8080" },
		{ "https://oc.example/prefix/api/v1", "https://oc.example/prefix" },
		{ "https://oc.example/api/v2", "https://oc.example/api/v2" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *b = oc_api_base(cases[i][0]);

		ck_assert_str_eq(b, cases[i][1]);
		free(b);
	}
}
END_TEST

/* ---------------------------------------------------------------- paging */

START_TEST(test_paged_limit1)
{
	json_t *items = json_array();
	char err[256] = "";

	serve_ns_pages(true);
	ck_assert_int_eq(list_ns(1, 10, items, err, sizeof err), 0);
	ck_assert_int_eq(json_array_size(items), 2);
	ck_assert_str_eq(name_of(items, 0), "default");
	ck_assert_str_eq(name_of(items, 1), "oracle");
	ck_assert_str_eq(sent(0), "/api/v1/namespaces?limit=1");
	ck_assert_str_eq(sent(1), "/api/v1/namespaces?limit=1&cursor=" NS1_CURSOR);
	ck_assert_ptr_null(sent(2));
	json_decref(items);
}
END_TEST

START_TEST(test_paged_limit2_with_extra)
{
	struct oc_state st = state(2, 10);
	json_t *items = json_array();
	char err[256] = "";
	const char *path = "/api/v1/namespaces/oracle/components";

	serve(path, json_pack("{s:s,s:s}", "project", "billing", "limit", "2"), 200,
	      "components.oracle.billing.limit2.page1.json", NULL);
	serve(path, json_pack("{s:s,s:s,s:s}", "project", "billing", "limit", "2", "cursor",
			      BILLING_CURSOR),
	      200, "components.oracle.billing.limit2.page2.json", NULL);
	ck_assert_int_eq(oc_list(&st, path, "project=billing", true, items, err, sizeof err), 0);
	ck_assert_int_eq(json_array_size(items), 3);
	ck_assert_str_eq(name_of(items, 0), "billing-portal");
	ck_assert_str_eq(name_of(items, 2), "payment-gateway");
	ck_assert_str_eq(sent(0), "/api/v1/namespaces/oracle/components?project=billing&limit=2");
	ck_assert_str_eq(sent(1), "/api/v1/namespaces/oracle/components?project=billing&limit=2"
				  "&cursor=" BILLING_CURSOR);
	json_decref(items);
}
END_TEST

START_TEST(test_unpaged_sends_no_query)
{
	struct oc_state st = state(100, 10);
	json_t *items = json_array();
	char err[256] = "";

	serve("/api/v1/namespaces/oracle/workflowplanes", NULL, 200, "list.empty.json", NULL);
	ck_assert_int_eq(oc_list(&st, "/api/v1/namespaces/oracle/workflowplanes", NULL, false,
				 items, err, sizeof err),
			 0);
	ck_assert_int_eq(json_array_size(items), 0);
	ck_assert_str_eq(sent(0), "/api/v1/namespaces/oracle/workflowplanes");
	ck_assert_ptr_null(sent(1));
	json_decref(items);
}
END_TEST

/* An unpaged list that comes back with a cursor is followed with cursor=
 * only, and one that always does stops at the cap (upstream loops forever). */
START_TEST(test_unpaged_cursor_capped)
{
	struct oc_state st = state(100, 3);
	json_t *items = json_array();
	char err[256] = "";
	const char *path = "/api/v1/namespaces/oracle/deploymentpipelines";

	serve(path, NULL, 200, NULL, "{\"items\":[{}],\"pagination\":{\"nextCursor\":\"c/1\"}}");
	ck_assert_int_eq(oc_list(&st, path, NULL, false, items, err, sizeof err), SH_ETOOBIG);
	ck_assert_str_eq(err, "GET /api/v1/namespaces/oracle/deploymentpipelines: more than 3 "
			      "pages (page cap)");
	ck_assert_str_eq(sent(0), path);
	ck_assert_str_eq(sent(1), "/api/v1/namespaces/oracle/deploymentpipelines?cursor=c%2F1");
	ck_assert_ptr_nonnull(sent(2));
	ck_assert_ptr_null(sent(3));
	json_decref(items);
}
END_TEST

START_TEST(test_paged_cap)
{
	char err[256] = "";

	serve_ns_pages(true);
	ck_assert_int_eq(list_ns(1, 1, NULL, err, sizeof err), SH_ETOOBIG);
	ck_assert_str_eq(err, "GET /api/v1/namespaces: more than 1 pages (page cap)");
	ck_assert_ptr_null(sent(1));
}
END_TEST

/* ---------------------------------------------------------------- failures */

/* An API error answer: the call and the API's own reason. */
START_TEST(test_error_answers_name_call_and_reason)
{
	static const struct {
		int status;
		const char *file, *want;
	} cases[] = {
		{ 401, "error.401.missing-token.json", "GET /api/v1/namespaces?limit=100: 401 "
		  "MISSING_TOKEN: missing or invalid authentication token" },
		{ 403, "error.403.forbidden.json", "GET /api/v1/namespaces?limit=100: 403 "
		  "FORBIDDEN: You do not have permission to perform this operation" },
	};
	char err[256];

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		standin_reset();
		serve("/api/v1/namespaces", NULL, cases[i].status, cases[i].file, NULL);
		ck_assert_int_eq(list_ns(100, 10, NULL, err, sizeof err), SH_EUNAVAIL);
		ck_assert_str_eq(err, cases[i].want);
	}
	standin_reset();
	standin_misbehave(json_pack("{s:s,s:i}", "mode", "status", "status", 500));
	ck_assert_int_eq(list_ns(100, 10, NULL, err, sizeof err), SH_EUNAVAIL);
	ck_assert_ptr_nonnull(strstr(err, "GET /api/v1/namespaces?limit=100: 500"));
}
END_TEST

START_TEST(test_malformed_and_not_object)
{
	char err[256] = "";

	standin_misbehave(json_pack("{s:s}", "mode", "malformed"));
	ck_assert_int_eq(list_ns(100, 10, NULL, err, sizeof err), SH_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "GET /api/v1/namespaces?limit=100: 200 with malformed JSON"));
	standin_reset();
	serve("/api/v1/namespaces", NULL, 200, NULL, "[1,2]");
	ck_assert_int_eq(list_ns(100, 10, NULL, err, sizeof err), SH_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "not an object"));
	standin_reset();
	serve("/api/v1/namespaces", NULL, 200, NULL, "{\"pagination\":{}}");
	ck_assert_int_eq(list_ns(100, 10, NULL, err, sizeof err), SH_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "without an items array"));
}
END_TEST

START_TEST(test_timeout)
{
	char err[256] = "";

	standin_misbehave(json_pack("{s:s,s:i}", "mode", "stall", "seconds", 3));
	ck_assert_int_eq(list_ns(100, 10, NULL, err, sizeof err), SH_ETIMEDOUT);
	ck_assert_ptr_nonnull(strstr(err, "GET /api/v1/namespaces?limit=100: "));
}
END_TEST

START_TEST(test_get_404_and_redirect)
{
	struct oc_state st = state(100, 10);
	json_t *body = NULL;
	char err[256] = "";
	const char *path = "/api/v1/namespaces/oracle/components/fraud-detector";

	serve(path, NULL, 404, "error.404.component-not-found.json", NULL);
	ck_assert_int_eq(oc_get(&st, path, NULL, &body, err, sizeof err), OC_NOTFOUND);
	ck_assert_ptr_null(body);
	/* A redirect is never followed (the API's origin only): an error. */
	standin_route(json_pack("{s:s,s:s,s:i,s:{s:s}}", "method", "GET", "path", "/api/v1/x",
				"status", 302, "headers", "location", "http://elsewhere.example/"));
	ck_assert_int_eq(oc_get(&st, "/api/v1/x", NULL, &body, err, sizeof err), SH_EUNAVAIL);
	ck_assert_str_eq(err, "GET /api/v1/x: 302");
	ck_assert_int_eq(standin_count("/api/v1/x"), 1);
}
END_TEST

/* ---------------------------------------------------------------- token */

START_TEST(test_token_only_when_asked)
{
	struct oc_state st = state(100, 10);
	json_t *body = NULL;
	char err[256] = "";

	standin_route(json_pack("{s:s,s:s,s:s}", "method", "POST", "path", "/token", "body_text",
				"{\"access_token\":\"svc-1\",\"expires_in\":3600}"));
	serve("/api/v1/namespaces/oracle", NULL, 200, NULL, "{}");
	ck_assert_int_eq(oc_get(&st, "/api/v1/namespaces/oracle", NULL, &body, err, sizeof err), 0);
	json_decref(body);
	ck_assert_ptr_null(standin_sent("/api/v1/namespaces/oracle", 0, "authorization"));
	ck_assert_int_eq(standin_count("/token"), 0);
	st.send_token = true;
	ck_assert_int_eq(oc_get(&st, "/api/v1/namespaces/oracle", NULL, &body, err, sizeof err), 0);
	json_decref(body);
	ck_assert_str_eq(standin_sent("/api/v1/namespaces/oracle", 1, "authorization"),
			 "Bearer svc-1");
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_path_encoding,
		test_api_base,
		test_paged_limit1,
		test_paged_limit2_with_extra,
		test_unpaged_sends_no_query,
		test_unpaged_cursor_capped,
		test_paged_cap,
		test_error_answers_name_call_and_reason,
		test_malformed_and_not_object,
		test_timeout,
		test_get_404_and_redirect,
		test_token_only_when_asked,
	};

	return standin_main("openchoreo_client", tests, sizeof(tests) / sizeof(*tests));
}
