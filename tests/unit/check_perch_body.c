/*
 * plugins/perch/body.c: the 128 kB limit (413 before any upstream call),
 * re-serialisation as compact JSON, "{}" for no body, 400 for non-JSON.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/perch/body.h"
#include "unit.h"

static char *body(const char *text, int *status)
{
	char why[120];

	return perch_body_json(text, text ? strlen(text) : 0, status, why, sizeof why);
}

START_TEST(test_reserialised)
{
	int status;
	char *out = body("{ \"messages\" : [ {\"role\":\"user\", \"content\":\"caf\xc3\xa9?\"} ],\n"
			 "  \"scope\": {\"namespace\":\"oracle\"} }", &status);

	ck_assert_str_eq(out, "{\"messages\":[{\"role\":\"user\",\"content\":\"caf\xc3\xa9?\"}],"
			      "\"scope\":{\"namespace\":\"oracle\"}}");
	ck_assert_int_eq(status, 0);
	free(out);
	out = body("[1,2]", &status);
	ck_assert_str_eq(out, "[1,2]");
	free(out);
}
END_TEST

START_TEST(test_empty)
{
	int status;
	char *out = body(NULL, &status);

	ck_assert_str_eq(out, "{}");
	free(out);
	out = body(" \r\n", &status);
	ck_assert_str_eq(out, "{}");
	free(out);
}
END_TEST

START_TEST(test_not_json)
{
	static const char *const bad[] = { "{", "hello", "\"a string\"", "42", "{\"a\":1} x",
					   NULL };
	int status;

	for (size_t i = 0; bad[i]; i++) {
		ck_assert_msg(body(bad[i], &status) == NULL, "%s accepted", bad[i]);
		ck_assert_int_eq(status, 400);
	}
}
END_TEST

START_TEST(test_limit)
{
	size_t n = PERCH_BODY_MAX + 1;
	char *big = malloc(n + 1), *out, why[120];
	int status;

	/* A valid JSON string of exactly the limit passes; one byte more is 413. */
	memset(big, ' ', n);
	big[0] = '[';
	big[1] = '"';
	big[n - 3] = '"';
	big[n - 2] = ']';
	big[n - 1] = ' ';
	big[n] = '\0';
	out = perch_body_json(big, n - 1, &status, why, sizeof why);
	ck_assert_ptr_nonnull(out);
	free(out);
	ck_assert_ptr_null(perch_body_json(big, n, &status, why, sizeof why));
	ck_assert_int_eq(status, 413);
	free(big);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("perch_body");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_reserialised);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_not_json);
	tcase_add_test(tc, test_limit);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
