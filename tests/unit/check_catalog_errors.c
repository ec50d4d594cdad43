/*
 * errors.c: processing errors as the JSON list status.items shows, in the
 * order they were added, messages formatted and cut at 2 KiB.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/catalog/errors.h"
#include "unit.h"

START_TEST(test_add)
{
	struct catalog_errors errs = { NULL };
	char long_msg[3000];

	catalog_errors_add(&errs, "InputError", "bad %s at %d", "kind", 3);
	memset(long_msg, 'x', sizeof(long_msg) - 1);
	long_msg[sizeof(long_msg) - 1] = '\0';
	catalog_errors_add(&errs, "Error", "%s", long_msg);
	ck_assert_uint_eq(json_array_size(errs.list), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(errs.list, 0), "name")),
			 "InputError");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(errs.list, 0),
							   "message")), "bad kind at 3");
	ck_assert_uint_eq(strlen(json_string_value(json_object_get(json_array_get(errs.list, 1),
								   "message"))), 2047);
	json_decref(errs.list);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("catalog_errors");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_add);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
