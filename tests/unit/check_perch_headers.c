/*
 * plugins/perch/headers.c: the request allow-list (spec platform-apis
 * §5.3: cookies and forwarded headers never go upstream), the response
 * filter (hop-by-hop and what nginx would act on are dropped) and the
 * request id (passed or 12 hex generated).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../plugins/perch/headers.h"
#include "unit.h"

/* A browser's request through nginx, as name/value pairs. */
static const char *const browser[][2] = {
	{ "Authorization", "Bearer idp.jwt.token" },
	{ "Accept", "application/x-ndjson" },
	{ "Accept-Language", "en-GB" },
	{ "User-Agent", "Mozilla/5.0" },
	{ "Content-Type", "text/plain" },
	{ "Cookie", "backstage-auth=abc; oauth-refresh=x" },
	{ "X-Forwarded-For", "10.0.0.1" },
	{ "X-Forwarded-Proto", "https" },
	{ "X-Real-Ip", "10.0.0.1" },
	{ "Sec-Fetch-Mode", "cors" },
	{ "Referer", "https://portal/catalog" },
	{ "Via", "1.1 proxy" },
	{ "Origin", "https://portal" },
	{ "X-Openchoreo-Direct", "true" },
	{ NULL, NULL },
};

static const char *lookup(void *ctx, const char *name)
{
	const char *const(*h)[2] = ctx;

	for (size_t i = 0; h[i][0]; i++)
		if (strcasecmp(h[i][0], name) == 0)
			return h[i][1];
	return NULL;
}

static bool has(const struct perch_up_headers *u, const char *line)
{
	for (size_t i = 0; u->h[i]; i++)
		if (strcmp(u->h[i], line) == 0)
			return true;
	return false;
}

START_TEST(test_allow_list)
{
	struct perch_up_headers u;

	perch_up_headers_make(&u, lookup, (void *)browser, "abc123");
	ck_assert(has(&u, "Authorization: Bearer idp.jwt.token"));
	ck_assert(has(&u, "Accept: application/x-ndjson"));
	ck_assert(has(&u, "Accept-Language: en-GB"));
	ck_assert(has(&u, "User-Agent: Mozilla/5.0"));
	ck_assert(has(&u, "Content-Type: application/json"));
	ck_assert(has(&u, "X-Request-Id: abc123"));
	ck_assert(has(&u, "Expect:"));
	/* Exactly those: nothing else of the browser's goes upstream. */
	ck_assert_uint_eq(u.n, 7);
	ck_assert_ptr_null(u.h[u.n]);
	for (size_t i = 0; u.h[i]; i++) {
		ck_assert_msg(strncasecmp(u.h[i], "cookie", 6) != 0, "%s", u.h[i]);
		ck_assert_msg(strncasecmp(u.h[i], "x-forwarded", 11) != 0, "%s", u.h[i]);
		ck_assert_msg(strncasecmp(u.h[i], "sec-", 4) != 0, "%s", u.h[i]);
	}
	perch_up_headers_free(&u);
}
END_TEST

START_TEST(test_absent_and_crlf)
{
	static const char *const few[][2] = {
		{ "User-Agent", "evil\r\nX-Injected: 1" },
		{ NULL, NULL },
	};
	struct perch_up_headers u;

	perch_up_headers_make(&u, lookup, (void *)few, "r");
	/* No Authorization, no Accept: none is invented; the CR/LF value is dropped. */
	ck_assert_uint_eq(u.n, 3);
	ck_assert(has(&u, "Content-Type: application/json"));
	ck_assert(has(&u, "X-Request-Id: r"));
	ck_assert(has(&u, "Expect:"));
	perch_up_headers_free(&u);
	ck_assert_uint_eq(u.n, 0);
}
END_TEST

static bool passes(const char *name, bool chat)
{
	return perch_header_passes(name, strlen(name), chat);
}

START_TEST(test_response_filter)
{
	static const char *const dropped[] = {
		"Connection", "keep-alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade",
		"Proxy-Authenticate", "Content-Length", "content-encoding", "Content-Type",
		"Status", "X-Accel-Redirect", "x-accel-buffering", "X-Accel-Limit-Rate", NULL
	};
	static const char *const kept[] = { "server", "date", "X-Request-Id", "Set-Cookie",
					    "Vary", "x-accel", NULL };

	for (size_t i = 0; dropped[i]; i++) {
		ck_assert_msg(!passes(dropped[i], true), "%s passed (chat)", dropped[i]);
		ck_assert_msg(!passes(dropped[i], false), "%s passed", dropped[i]);
	}
	for (size_t i = 0; kept[i]; i++)
		ck_assert_msg(passes(kept[i], true) && passes(kept[i], false), "%s dropped", kept[i]);
	/* A chat sets its own Cache-Control; a warmup keeps the agent's. */
	ck_assert(!passes("Cache-Control", true));
	ck_assert(passes("Cache-Control", false));
	/* The length is what counts, not a NUL: "Connection" inside a longer name. */
	ck_assert(perch_header_passes("Connection-Id: x", 13, true));
	ck_assert(!perch_header_passes("Connection: x", 10, true));
	ck_assert(!perch_header_passes("", 0, true));
}
END_TEST

static bool hex12(const char *s)
{
	return strlen(s) == PERCH_RID_LEN && strspn(s, "0123456789abcdef") == PERCH_RID_LEN;
}

START_TEST(test_request_id)
{
	char a[PERCH_RID_MAX + 1], b[PERCH_RID_MAX + 1], longer[PERCH_RID_MAX + 2];

	ck_assert_str_eq(perch_request_id("3f2a-9c1b", a), "3f2a-9c1b");
	ck_assert(hex12(perch_request_id(NULL, a)));
	ck_assert(hex12(perch_request_id("", b)));
	ck_assert_str_ne(a, b);
	ck_assert(hex12(perch_request_id("has space", a)));
	ck_assert(hex12(perch_request_id("line\nbreak", a)));
	ck_assert(hex12(perch_request_id("caf\xc3\xa9", a)));
	memset(longer, 'a', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	ck_assert(hex12(perch_request_id(longer, a)));
	longer[PERCH_RID_MAX] = '\0';
	ck_assert_str_eq(perch_request_id(longer, a), longer);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("perch_headers");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_allow_list);
	tcase_add_test(tc, test_absent_and_crlf);
	tcase_add_test(tc, test_response_filter);
	tcase_add_test(tc, test_request_id);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
