/*
 * Arena and deferred cleanups: alignment, big allocations in their own
 * chunks, the string helpers, LIFO order of defers (including one deferred
 * from a cleanup), and the live-arena counter back at zero.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "req.h"
#include "unit.h"

START_TEST(test_alignment)
{
	struct host_arena *a = host_arena_new();
	size_t sizes[] = { 0, 1, 3, 15, 16, 17, 100, 2047, 2048, 2049, 5000, 1, 70000, 7 };
	unsigned char *p;
	size_t i;

	ck_assert_int_eq(host_arena_live(), 1);
	for (i = 0; i < 1000; i++) {
		size_t n = sizes[i % (sizeof(sizes) / sizeof(sizes[0]))];

		p = host_arena_alloc(a, n);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq((uintptr_t)p % 16, 0);
		/* ASan catches any overlap or overflow of the block. */
		memset(p, (int)i, n);
	}
	host_arena_free(a);
	ck_assert_int_eq(host_arena_live(), 0);
}
END_TEST

START_TEST(test_big_keeps_head)
{
	struct host_arena *a = host_arena_new();
	char *small1, *big, *small2;

	small1 = host_arena_alloc(a, 16);
	big = host_arena_alloc(a, 1 << 20);
	small2 = host_arena_alloc(a, 16);
	memset(big, 'x', 1 << 20);
	/* The big block took its own chunk: the small ones stay adjacent. */
	ck_assert_ptr_eq(small2, small1 + 16);
	host_arena_free(a);
	host_arena_free(NULL);
	ck_assert_int_eq(host_arena_live(), 0);
}
END_TEST

static struct sh_req *req_new(struct sh_req *req)
{
	memset(req, 0, sizeof(*req));
	req->arena = host_arena_new();
	return req;
}

START_TEST(test_strings)
{
	struct sh_req req;
	char *s;

	req_new(&req);
	ck_assert_str_eq(sh_strdup(&req, "hello"), "hello");
	ck_assert_str_eq(sh_strndup(&req, "hello", 3), "hel");
	ck_assert_str_eq(sh_strndup(&req, "hi", 10), "hi");
	ck_assert_str_eq(sh_printf(&req, "%s-%d", "a", 42), "a-42");
	s = sh_alloc(&req, 10000);
	memset(s, 'y', 9999);
	s[9999] = '\0';
	ck_assert_uint_eq(strlen(sh_printf(&req, "%s%s", s, s)), 19998);
	host_req_finish(&req);
	ck_assert_int_eq(host_arena_live(), 0);
}
END_TEST

static char order[64];
static size_t n_order;

static void record(void *p)
{
	order[n_order++] = *(const char *)p;
}

static struct sh_req *again_req;

static void defer_again(void *p)
{
	record(p);
	sh_defer(again_req, record, "z");
}

START_TEST(test_defer_lifo)
{
	static const char ids[] = "abcdefghijklmnopqrstuvwxy";
	struct sh_req req;
	size_t i;

	n_order = 0;
	req_new(&req);
	again_req = &req;
	sh_defer(&req, defer_again, "0");
	/* More than the first array holds, so it grows. */
	for (i = 0; i < 25; i++)
		sh_defer(&req, record, (void *)&ids[i]);
	host_req_finish(&req);
	order[n_order] = '\0';
	ck_assert_str_eq(order, "yxwvutsrqponmlkjihgfedcba0z");
	ck_assert_int_eq(host_arena_live(), 0);
	ck_assert_uint_eq(req.n_defers, 0);
}
END_TEST

static void free_it(void *p)
{
	free(p);
}

START_TEST(test_defer_frees)
{
	struct sh_req req;

	req_new(&req);
	sh_defer(&req, free_it, sh_xmalloc(100));
	sh_defer(&req, free_it, sh_xstrdup("x"));
	sh_defer(&req, free_it, sh_xcalloc(4, 4));
	sh_defer(&req, free_it, sh_xrealloc(NULL, 10));
	host_req_finish(&req);
	ck_assert_int_eq(host_arena_live(), 0);
}
END_TEST

START_TEST(test_many_arenas)
{
	struct host_arena *v[50];
	size_t i;

	for (i = 0; i < 50; i++)
		v[i] = host_arena_new();
	ck_assert_int_eq(host_arena_live(), 50);
	for (i = 0; i < 50; i++)
		host_arena_free(v[i]);
	ck_assert_int_eq(host_arena_live(), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arena");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_alignment);
	tcase_add_test(tc, test_big_keeps_head);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_defer_lifo);
	tcase_add_test(tc, test_defer_frees);
	tcase_add_test(tc, test_many_arenas);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
