/*
 * The capped buffer: appends up to the cap and not one byte further, the
 * buffer untouched after SH_ETOOBIG, printf growth over many doublings,
 * take/reset/truncate, and the terminator always in place.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stagehand/buf.h"
#include "unit.h"

START_TEST(test_empty)
{
	struct sh_buf b;
	size_t len = 99;
	char *p;

	sh_buf_init(&b, 10);
	ck_assert_ptr_null(b.data);
	ck_assert_str_eq(sh_buf_str(&b), "");
	p = sh_buf_take(&b, &len);
	ck_assert_str_eq(p, "");
	ck_assert_uint_eq(len, 0);
	free(p);
	sh_buf_free(&b);
}
END_TEST

START_TEST(test_cap)
{
	struct sh_buf b;

	sh_buf_init(&b, 8);
	ck_assert_int_eq(sh_buf_addstr(&b, "abcde"), 0);
	ck_assert_int_eq(sh_buf_addstr(&b, "fghi"), SH_ETOOBIG);
	ck_assert_uint_eq(b.len, 5);
	ck_assert_str_eq(b.data, "abcde");
	ck_assert_int_eq(sh_buf_printf(&b, "%d", 1234), SH_ETOOBIG);
	ck_assert_str_eq(b.data, "abcde");
	ck_assert_int_eq(sh_buf_add(&b, "fgh", 3), 0);
	ck_assert_uint_eq(b.len, 8);
	ck_assert_int_eq(sh_buf_addc(&b, 'x'), SH_ETOOBIG);
	ck_assert_int_eq(sh_buf_add(&b, "", 0), 0);
	ck_assert_str_eq(b.data, "abcdefgh");
	ck_assert_uint_eq(strlen(b.data), b.len);
	sh_buf_free(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_int_eq(sh_buf_addstr(&b, "again"), 0);
	ck_assert_str_eq(b.data, "again");
	sh_buf_free(&b);
}
END_TEST

START_TEST(test_printf_growth)
{
	struct sh_buf b;
	char want[16];
	int i;

	sh_buf_init(&b, 1 << 20);
	for (i = 0; i < 10000; i++)
		ck_assert_int_eq(sh_buf_printf(&b, "%05d,", i), 0);
	ck_assert_uint_eq(b.len, 60000);
	ck_assert_uint_eq(strlen(b.data), 60000);
	ck_assert(b.alloc > b.len);
	ck_assert(strncmp(b.data, "00000,00001,", 12) == 0);
	snprintf(want, sizeof(want), "%05d,", 9999);
	ck_assert_str_eq(b.data + 60000 - 6, want);
	sh_buf_free(&b);
}
END_TEST

START_TEST(test_take_reset_truncate)
{
	struct sh_buf b;
	size_t len = 0;
	char *p;

	sh_buf_init(&b, 100);
	sh_buf_addstr(&b, "hello world");
	sh_buf_truncate(&b, 5);
	ck_assert_str_eq(b.data, "hello");
	ck_assert_uint_eq(b.len, 5);
	p = sh_buf_take(&b, &len);
	ck_assert_str_eq(p, "hello");
	ck_assert_uint_eq(len, 5);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	free(p);
	ck_assert_int_eq(sh_buf_addstr(&b, "xyz"), 0);
	sh_buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_ptr_nonnull(b.data);
	ck_assert_str_eq(sh_buf_str(&b), "");
	ck_assert_int_eq(sh_buf_addstr(&b, "q"), 0);
	ck_assert_str_eq(sh_buf_str(&b), "q");
	sh_buf_free(&b);
}
END_TEST

START_TEST(test_binary)
{
	struct sh_buf b;

	sh_buf_init(&b, 4);
	ck_assert_int_eq(sh_buf_add(&b, "a\0b", 3), 0);
	ck_assert_uint_eq(b.len, 3);
	ck_assert_int_eq(memcmp(b.data, "a\0b\0", 4), 0);
	sh_buf_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_cap);
	tcase_add_test(tc, test_printf_growth);
	tcase_add_test(tc, test_take_reset_truncate);
	tcase_add_test(tc, test_binary);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
