/*
 * What every unit suite's main() ends with: run the suite with Check and
 * turn its failures into the exit status make check reads.
 */
#ifndef TESTS_UNIT_UNIT_H
#define TESTS_UNIT_UNIT_H

#include <stdlib.h>

#include <check.h>

/* Runs every test of s (CK_NORMAL output; Check's fork mode unless
 * CK_FORK=no) and returns EXIT_SUCCESS when none failed, else EXIT_FAILURE. */
static inline int sh_unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
