/*
 * The aborting allocator: ordinary use, the NULL/zero corner cases, and an
 * overflowing sh_xcalloc that must abort (run in a forked child) rather than
 * return a short block.
 */
#include <check.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wchar.h>

#include "stagehand/alloc.h"
#include "unit.h"

START_TEST(test_basic)
{
	char *p = sh_xmalloc(0), *q;
	unsigned char *z = sh_xcalloc(16, 4);
	int i;

	ck_assert_ptr_nonnull(p);
	free(p);
	for (i = 0; i < 64; i++)
		ck_assert_uint_eq(z[i], 0);
	free(z);
	p = sh_xrealloc(NULL, 0);
	ck_assert_ptr_nonnull(p);
	free(p);
	q = sh_xstrdup("abc");
	ck_assert_str_eq(q, "abc");
	free(q);
	ck_assert_ptr_null(sh_xstrdup(NULL));
}
END_TEST

START_TEST(test_strndup_asprintf)
{
	char *p = sh_xstrndup("abcdef", 3);

	ck_assert_str_eq(p, "abc");
	free(p);
	p = sh_xstrndup("ab", 10);
	ck_assert_str_eq(p, "ab");
	free(p);
	p = sh_xasprintf("%s-%d", "x", 42);
	ck_assert_str_eq(p, "x-42");
	free(p);
	/* A wide character the C locale cannot encode: vsnprintf fails, "" comes back. */
	p = sh_xasprintf("%ls", (const wchar_t[]){ 0x20ac, 0 });
	ck_assert_str_eq(p, "");
	free(p);
}
END_TEST

/* Runs fn in a child; true when the child died of SIGABRT. */
static bool child_aborts(void (*fn)(void))
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* The out-of-memory line would only clutter the test log. */
		if (!freopen("/dev/null", "w", stderr))
			_exit(3);
		fn();
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void calloc_overflow(void)
{
	volatile size_t n = SIZE_MAX / 2 + 2;
	void *p = sh_xcalloc(n, 2);

	free(p);
}

static void calloc_fits(void)
{
	free(sh_xcalloc(1000, 8));
}

START_TEST(test_calloc_overflow_aborts)
{
	ck_assert(child_aborts(calloc_overflow));
	ck_assert(!child_aborts(calloc_fits));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("alloc");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_basic);
	tcase_add_test(tc, test_strndup_asprintf);
	tcase_add_test(tc, test_calloc_overflow_aborts);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
