/*
 * body.c: the zod issue text of a malformed by-refs body, as Backstage's
 * validator prints it.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/catalog/body.h"
#include "unit.h"

START_TEST(test_refs_body)
{
	json_t *ok = json_pack("{s:[s]}", "entityRefs", "component:default/a");
	json_t *bad = json_pack("{s:[s,i], s:s}", "entityRefs", "a", 1, "fields", "x");
	char *msg;

	ck_assert_ptr_null(catalog_body_check_refs(ok));
	msg = catalog_body_check_refs(NULL);
	ck_assert_str_eq(msg, "Malformed request body (did you remember to specify an application/"
			 "json content type?), [\n  {\n    \"code\": \"invalid_type\",\n    \"expected\":"
			 " \"array\",\n    \"received\": \"undefined\",\n    \"path\": [\n      "
			 "\"entityRefs\"\n    ],\n    \"message\": \"Required\"\n  }\n]");
	free(msg);
	msg = catalog_body_check_refs(bad);
	ck_assert_ptr_nonnull(strstr(msg, "\"path\": [\n      \"entityRefs\",\n      1\n    ]"));
	ck_assert_ptr_nonnull(strstr(msg, "\"message\": \"Expected array, received string\""));
	free(msg);
	json_decref(ok);
	json_decref(bad);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("catalog_body");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_refs_body);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
