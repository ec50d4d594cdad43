/*
 * util.c: the uid check (the database's spelling only), the hash over
 * length-framed fields, and SHA-1 in lower-case hex (FIPS 180 vectors).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/catalog/util.h"
#include "unit.h"

START_TEST(test_is_uuid)
{
	ck_assert(catalog_is_uuid("0f9c1d4e-3b2a-4c5d-8e7f-a0b1c2d3e4f5"));
	ck_assert(!catalog_is_uuid("0F9C1D4E-3B2A-4C5D-8E7F-A0B1C2D3E4F5"));
	ck_assert(!catalog_is_uuid("0f9c1d4e3b2a4c5d8e7fa0b1c2d3e4f5"));
	ck_assert(!catalog_is_uuid("0f9c1d4e-3b2a-4c5d-8e7f-a0b1c2d3e4f5 "));
	ck_assert(!catalog_is_uuid("0f9c1d4e-3b2a-4c5d-8e7f-a0b1c2d3e4f"));
	ck_assert(!catalog_is_uuid("0f9c1d4e-3b2a-4c5d-8e7f-a0b1c2d3e4g5"));
	ck_assert(!catalog_is_uuid(""));
}
END_TEST

/* The fields are framed as "<length>:<bytes>" before they are hashed:
 * "ab" + "c" and "a" + "bc" are not the same input, NULL hashes as "". */
START_TEST(test_hash_fields)
{
	struct catalog_hash h;
	char a[41], b[41], want[41];

	catalog_hash_start(&h);
	catalog_hash_field(&h, "ab");
	catalog_hash_field(&h, "c");
	catalog_hash_field(&h, NULL);
	catalog_hash_end(&h, a);
	ck_assert_ptr_null(h.md);
	catalog_sha1_hex("2:ab1:c0:", strlen("2:ab1:c0:"), want);
	ck_assert_str_eq(a, want);
	catalog_hash_start(&h);
	catalog_hash_field(&h, "a");
	catalog_hash_field(&h, "bc");
	catalog_hash_field(&h, "");
	catalog_hash_end(&h, b);
	catalog_sha1_hex("1:a2:bc0:", strlen("1:a2:bc0:"), want);
	ck_assert_str_eq(b, want);
	ck_assert_str_ne(a, b);
	/* No field at all: the SHA-1 of nothing. */
	catalog_hash_start(&h);
	catalog_hash_end(&h, a);
	ck_assert_str_eq(a, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}
END_TEST

START_TEST(test_sha1_hex)
{
	char hex[41];

	catalog_sha1_hex("abc", 3, hex);
	ck_assert_str_eq(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
	catalog_sha1_hex("", 0, hex);
	ck_assert_str_eq(hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("catalog_util");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_is_uuid);
	tcase_add_test(tc, test_hash_fields);
	tcase_add_test(tc, test_sha1_hex);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
