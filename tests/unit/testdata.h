/*
 * Reading the catalog fixtures under $top_srcdir/tests/data/catalog/ from a
 * Check test (automake's test environment exports top_srcdir).
 */
#ifndef STAGEHAND_TESTDATA_H
#define STAGEHAND_TESTDATA_H

#include <stddef.h>

/* The whole file (at most 1 MiB, NUL-terminated), malloc'd; fails the test if unreadable. */
char *testdata_read(const char *rel, size_t *len);

#endif
