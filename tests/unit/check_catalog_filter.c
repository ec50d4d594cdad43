/*
 * Filters: the filter= grammar (AND inside a param, OR across params, same
 * key = OR of values, bare key = exists, values with '=', exact 400 text),
 * the predicate form with its operators and messages, predicate JSON, and
 * the reference evaluator over search rows.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/errors.h>

#include "../../plugins/catalog/filter.h"
#include "unit.h"

static struct catalog_search rows;

static void setup(void)
{
	json_t *e = json_loads(
		"{\"kind\":\"Component\",\"metadata\":{\"name\":\"Pet\",\"uid\":\"u1\","
		"\"tags\":[\"java\",\"Go\"],\"annotations\":{\"backstage.io/orphan\":\"true\","
		"\"x/eq\":\"a=b\"}},\"spec\":{\"type\":\"service\",\"port\":8080,\"empty\":\"\","
		"\"nothing\":null},\"relations\":[{\"type\":\"ownedBy\","
		"\"targetRef\":\"group:default/team-a\"}]}", 0, NULL);
	char *err;

	ck_assert_int_eq(catalog_search_build(e, &rows, &err), 0);
	json_decref(e);
}

static void teardown(void)
{
	catalog_search_free(&rows);
}

/* Match of the filter params (NULL-terminated list) against the entity. */
static int params_match(const char *p0, const char *p1)
{
	const char *params[2] = { p0, p1 };
	struct catalog_filter *f;
	char *err;
	int m;

	ck_assert_int_eq(catalog_filter_parse_params(params, p1 ? 2 : 1, &f, &err), 0);
	ck_assert_ptr_null(err);
	m = catalog_filter_match(f, &rows);
	catalog_filter_free(f);
	return m;
}

static void params_err(const char *p, const char *want)
{
	struct catalog_filter *f;
	char *err;

	ck_assert_int_eq(catalog_filter_parse_params(&p, 1, &f, &err), SH_EINVAL);
	ck_assert_ptr_null(f);
	ck_assert_str_eq(err, want);
	free(err);
}

START_TEST(test_grammar)
{
	ck_assert(params_match("kind=component,spec.type=service", NULL));
	ck_assert(!params_match("kind=component,spec.type=website", NULL));
	ck_assert(params_match("kind=user,kind=component", NULL));
	ck_assert(params_match("kind=user", "kind=Component"));
	ck_assert(!params_match("kind=user", "kind=group"));
	ck_assert(params_match(" KIND = COMPONENT ", NULL));
	ck_assert(params_match("metadata.annotations.backstage.io/orphan=true", NULL));
	ck_assert(params_match("metadata.tags.java", NULL));
	ck_assert(params_match("metadata.tags=go", NULL));
	ck_assert(params_match("relations.ownedby=group:default/team-a", NULL));
	ck_assert(params_match("metadata.annotations.x/eq=a=b", NULL));
	ck_assert(params_match("spec.empty=", NULL));
	ck_assert(!params_match("spec.type=", NULL));
	ck_assert(params_match("spec.nothing", NULL));
	ck_assert(!params_match("spec.nothing=", NULL));
	ck_assert(params_match("spec.port=8080", NULL));
	/* intermediate objects are not keys */
	ck_assert(!params_match("spec", NULL));
	/* empty statements dropped; an all-empty param is no filter */
	ck_assert(params_match(",,kind=component,", NULL));
	ck_assert(params_match(" , ", NULL));
}
END_TEST

START_TEST(test_grammar_ast)
{
	const char *p[] = { "kind=a,kind=b,Kind=c,x", "", "y=1" };
	struct catalog_filter *f;
	char *err, *text;
	json_t *j;

	ck_assert_int_eq(catalog_filter_parse_params(p, 3, &f, &err), 0);
	j = catalog_filter_to_json(f);
	text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	ck_assert_str_eq(text, "{\"$any\":[{\"$all\":[{\"kind\":{\"$in\":[\"a\",\"b\"]}},"
			       "{\"kind\":\"c\"},{\"x\":{\"$exists\":true}}]},{\"$all\":[{\"y\":\"1\"}]}]}");
	free(text);
	json_decref(j);
	catalog_filter_free(f);
	ck_assert_int_eq(catalog_filter_parse_params(p + 1, 1, &f, &err), 0);
	ck_assert_ptr_null(f);
	ck_assert_int_eq(catalog_filter_parse_params(NULL, 0, &f, &err), 0);
	ck_assert_ptr_null(f);
}
END_TEST

START_TEST(test_grammar_errors)
{
	params_err("=a", "Invalid filter, '=a' is not a valid statement "
			 "(expected a string on the form a=b or a= or a)");
	params_err("kind=x, = b ", "Invalid filter, '= b' is not a valid statement "
				   "(expected a string on the form a=b or a= or a)");
	params_err("=", "Invalid filter, '=' is not a valid statement "
			"(expected a string on the form a=b or a= or a)");
}
END_TEST

static int pred_match(const char *text)
{
	json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
	struct catalog_filter *f;
	char *err;
	int m;

	ck_assert_ptr_nonnull(j);
	ck_assert_msg(catalog_filter_parse_predicate(j, &f, &err) == 0, "%s: %s", text, err);
	m = catalog_filter_match(f, &rows);
	catalog_filter_free(f);
	json_decref(j);
	return m;
}

static void pred_err(const char *text, const char *want)
{
	json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
	struct catalog_filter *f;
	char *err;

	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(catalog_filter_parse_predicate(j, &f, &err), SH_EINVAL);
	ck_assert_ptr_null(f);
	ck_assert_str_eq(err, want);
	free(err);
	json_decref(j);
}

START_TEST(test_predicates)
{
	ck_assert(pred_match("{}"));
	ck_assert(pred_match("{\"$all\":[]}"));
	ck_assert(!pred_match("{\"$any\":[]}"));
	ck_assert(pred_match("{\"Kind\":\"COMPONENT\",\"spec.type\":\"service\"}"));
	ck_assert(!pred_match("{\"kind\":\"component\",\"spec.type\":\"website\"}"));
	ck_assert(pred_match("{\"spec.port\":8080}"));
	ck_assert(pred_match("{\"$any\":[{\"kind\":\"api\"},{\"kind\":\"component\"}]}"));
	ck_assert(pred_match("{\"$not\":{\"kind\":\"api\"}}"));
	ck_assert(pred_match("{\"spec.type\":{\"$in\":[\"website\",\"Service\"]}}"));
	ck_assert(!pred_match("{\"spec.type\":{\"$in\":[]}}"));
	ck_assert(pred_match("{\"spec.nothing\":{\"$exists\":true}}"));
	ck_assert(pred_match("{\"spec.lifecycle\":{\"$exists\":false}}"));
	ck_assert(pred_match("{\"metadata.name\":{\"$hasPrefix\":\"PE\"}}"));
	ck_assert(!pred_match("{\"metadata.name\":{\"$hasPrefix\":\"x\"}}"));
	ck_assert(pred_match("{\"metadata.tags\":{\"$contains\":\"Java\"}}"));
	ck_assert(pred_match("{\"relations\":{\"$contains\":{\"type\":\"ownedBy\","
			     "\"targetRef\":\"group:default/TEAM-A\"}}}"));
	ck_assert(pred_match("{\"relations\":{\"$contains\":{\"TYPE\":\"ownedby\"}}}"));
	ck_assert(pred_match("{\"relations\":{\"$contains\":{\"type\":\"ownedBy\","
			     "\"targetRef\":{\"$in\":[\"x\",\"group:default/team-a\"]}}}}"));
	ck_assert(!pred_match("{\"relations\":{\"$contains\":{\"type\":\"partOf\"}}}"));
	ck_assert(pred_match("{\"$all\":[{\"kind\":\"component\"},{\"$not\":{\"$any\":[]}}]}"));
}
END_TEST

START_TEST(test_predicate_errors)
{
	pred_err("\"component\"", "Invalid filter predicate: top-level primitive values are not "
				  "supported. Wrap the value in a field expression, e.g. "
				  "{ \"kind\": \"component\" }");
	pred_err("{\"$all\":[{\"kind\":\"a\"},5]}", "Invalid filter predicate: top-level primitive "
		 "values are not supported. Wrap the value in a field expression, e.g. { \"kind\": 5 }");
	pred_err("{\"Spec.Type\":[\"a\"]}", "Invalid filter predicate value for field \"spec.type\": "
		 "expected a primitive value, $exists, $in, $hasPrefix, or $contains operator, "
		 "but got [\"a\"]");
	pred_err("{\"a\":{\"$regex\":\"x\"}}", "Invalid filter predicate value for field \"a\": "
		 "expected a primitive value, $exists, $in, $hasPrefix, or $contains operator, "
		 "but got {\"$regex\":\"x\"}");
	pred_err("{\"a\":null}", "Invalid filter predicate value for field \"a\": expected a "
		 "primitive value, $exists, $in, $hasPrefix, or $contains operator, but got null");
	pred_err("{\"a\":{\"$contains\":{\"b\":1}}}",
		 "Object form of $contains is not supported for field \"a\"");
	pred_err("{\"a\":{\"$contains\":[1]}}", "Unsupported $contains target for field \"a\": [1]");
	pred_err("{\"relations\":{\"$contains\":{\"targetRef\":\"x\"}}}",
		 "The $contains operator for \"relations\" requires a \"type\" string property");
	pred_err("{\"relations\":{\"$contains\":{\"type\":\"a\",\"Type\":\"b\"}}}",
		 "Duplicate key \"Type\" in $contains for \"relations\"");
	pred_err("{\"relations\":{\"$contains\":{\"type\":\"a\",\"x\":1}}}",
		 "Unsupported key \"x\" in $contains for \"relations\". Only \"type\" and "
		 "\"targetRef\" are supported");
	pred_err("{\"relations\":{\"$contains\":{\"type\":\"a\",\"targetRef\":{\"$in\":[]}}}}",
		 "Empty \"$in\" array for $contains on \"relations\" is not allowed");
	pred_err("{\"relations\":{\"$contains\":{\"type\":\"a\",\"targetRef\":5}}}",
		 "Unsupported value in $contains for \"relations\": expected a string or "
		 "{ \"$in\": [strings] }, but got 5");
	pred_err("{\"$all\":{}}", "Invalid filter predicate: $all must be an array, but got {}");
	pred_err("{\"$foo\":1}", "Invalid filter predicate: unknown operator \"$foo\"");
}
END_TEST

/* The predicate schema's union: the first operator whose operand has the
 * right type wins, other members of the object are ignored. */
START_TEST(test_predicate_operator_order)
{
	ck_assert(pred_match("{\"spec.type\":{\"$exists\":true,\"$in\":[\"x\"]}}"));
	ck_assert(pred_match("{\"spec.type\":{\"$exists\":\"yes\",\"$in\":[\"service\"]}}"));
	ck_assert(!pred_match("{\"spec.type\":{\"$exists\":\"yes\",\"$in\":[\"x\"]}}"));
	ck_assert(pred_match("{\"spec.type\":{\"$in\":[null],\"$hasPrefix\":\"serv\"}}"));
	ck_assert(!pred_match("{\"metadata.tags\":{\"$hasPrefix\":\"ja\",\"$contains\":\"rust\"}}"));
	ck_assert(pred_match("{\"metadata.tags\":{\"$contains\":[1],\"$hasPrefix\":\"ja\"}}"));
	ck_assert(pred_match("{\"spec.type\":{\"$in\":[\"service\"],\"other\":1}}"));
	ck_assert(!pred_match("{\"spec.type\":{\"$exists\":false}}"));
	ck_assert(pred_match("{\"spec.port\":{\"$in\":[8080,true]}}"));
	ck_assert(pred_match("{\"metadata.annotations.backstage.io/orphan\":true}"));
	ck_assert(pred_match("{\"\":{\"$exists\":false}}"));
}
END_TEST

START_TEST(test_predicate_shape_errors)
{
	pred_err("{\"$all\":[],\"kind\":\"a\"}", "Invalid filter predicate: $all, $any and $not "
		 "must be the only key of their object, but got {\"$all\":[],\"kind\":\"a\"}");
	pred_err("{\"$not\":{},\"$any\":[]}", "Invalid filter predicate: $all, $any and $not "
		 "must be the only key of their object, but got {\"$not\":{},\"$any\":[]}");
	pred_err("{\"kind\":\"a\",\"$in\":[]}", "Invalid filter predicate: unknown operator \"$in\"");
	pred_err("{\"$any\":[{\"a\":1},null]}", "Invalid filter predicate: top-level primitive "
		 "values are not supported. Wrap the value in a field expression, e.g. { \"kind\": null }");
	pred_err("{\"$not\":[]}", "Invalid filter predicate: top-level primitive values are not "
		 "supported. Wrap the value in a field expression, e.g. { \"kind\": [] }");
	pred_err("{\"a\":{\"$exists\":1}}", "Invalid filter predicate value for field \"a\": "
		 "expected a primitive value, $exists, $in, $hasPrefix, or $contains operator, "
		 "but got {\"$exists\":1}");
	pred_err("{\"a\":{\"$in\":[{}]}}", "Invalid filter predicate value for field \"a\": "
		 "expected a primitive value, $exists, $in, $hasPrefix, or $contains operator, "
		 "but got {\"$in\":[{}]}");
	pred_err("{\"a\":{\"$hasPrefix\":1}}", "Invalid filter predicate value for field \"a\": "
		 "expected a primitive value, $exists, $in, $hasPrefix, or $contains operator, "
		 "but got {\"$hasPrefix\":1}");
	pred_err("{\"a\":{}}", "Invalid filter predicate value for field \"a\": "
		 "expected a primitive value, $exists, $in, $hasPrefix, or $contains operator, "
		 "but got {}");
}
END_TEST

START_TEST(test_depth_and_and)
{
	char buf[4096] = "";
	struct catalog_filter *f, *g;
	const char *p = "kind=component";
	json_t *j;
	char *err;
	size_t n = 0;
	int i;

	for (i = 0; i < 40; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "{\"$not\":");
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "{}");
	for (i = 0; i < 40; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "}");
	j = json_loads(buf, 0, NULL);
	ck_assert_int_eq(catalog_filter_parse_predicate(j, &f, &err), SH_EINVAL);
	ck_assert_str_eq(err, "Invalid filter predicate: nested more than 32 levels deep");
	free(err);
	json_decref(j);
	ck_assert_int_eq(catalog_filter_parse_params(&p, 1, &f, &err), 0);
	j = json_loads("{\"kind\":\"api\"}", 0, NULL);
	ck_assert_int_eq(catalog_filter_parse_predicate(j, &g, &err), 0);
	json_decref(j);
	f = catalog_filter_and(f, g);
	ck_assert(!catalog_filter_match(f, &rows));
	ck_assert(catalog_filter_match(NULL, &rows));
	catalog_filter_free(f);
}
END_TEST

START_TEST(test_invalid_utf8)
{
	const char *p = "k\xff=v\xc3";
	struct catalog_filter *f;
	char *err, *text;
	json_t *j;

	ck_assert_int_eq(catalog_filter_parse_params(&p, 1, &f, &err), 0);
	j = catalog_filter_to_json(f);
	text = json_dumps(j, JSON_COMPACT);
	ck_assert_str_eq(text, "{\"$any\":[{\"$all\":[{\"k\xef\xbf\xbd\":\"v\xef\xbf\xbd\"}]}]}");
	free(text);
	json_decref(j);
	catalog_filter_free(f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("catalog_filter");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_grammar);
	tcase_add_test(tc, test_grammar_ast);
	tcase_add_test(tc, test_grammar_errors);
	tcase_add_test(tc, test_predicates);
	tcase_add_test(tc, test_predicate_errors);
	tcase_add_test(tc, test_predicate_operator_order);
	tcase_add_test(tc, test_predicate_shape_errors);
	tcase_add_test(tc, test_depth_and_and);
	tcase_add_test(tc, test_invalid_utf8);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
