/*
 * Fixture reading shared by the catalog unit suites.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "testdata.h"

#define TESTDATA_MAX (1 << 20)

char *testdata_read(const char *rel, size_t *len)
{
	const char *top = getenv("top_srcdir");
	char path[1024];
	char *buf = malloc(TESTDATA_MAX);
	FILE *f;

	ck_assert_ptr_nonnull(buf);
	snprintf(path, sizeof(path), "%s/tests/data/catalog/%s", top ? top : ".", rel);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s (set top_srcdir)", path);
	*len = fread(buf, 1, TESTDATA_MAX - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}
