/*
 * The Server-Sent Events writer (sse.c): the head, the exact bytes of
 * event and data lines (multi-line data in every line-ending style, empty
 * data, JSON), comment keep-alives, one flush per frame, a refused event
 * name, and nothing written once the client has gone.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "memreq.h"

static struct memreq m;

static void setup(void)
{
	memreq_begin(&m, "/api/x/events");
}

static void teardown(void)
{
	memreq_end(&m);
}

START_TEST(test_begin)
{
	ck_assert_int_eq(sh_sse_begin(&m.req), 200);
	ck_assert_str_eq(m.io.out,
		"Status: 200 OK\r\n"
		"Content-Type: text/event-stream\r\n"
		"X-Accel-Buffering: no\r\n"
		"Cache-Control: no-cache\r\n\r\n");
	ck_assert_int_eq(m.io.flushes, 1);
}
END_TEST

START_TEST(test_frames)
{
	sh_sse_begin(&m.req);
	ck_assert_int_eq(sh_sse_event(&m.req, "delta", "hello"), 0);
	ck_assert_int_eq(m.io.flushes, 2);
	ck_assert_int_eq(sh_sse_event(&m.req, NULL, "plain"), 0);
	ck_assert_int_eq(m.io.flushes, 3);
	ck_assert_int_eq(sh_sse_comment(&m.req, "keep-alive"), 0);
	ck_assert_int_eq(m.io.flushes, 4);
	ck_assert_str_eq(memreq_body(&m),
		"event: delta\ndata: hello\n\n"
		"data: plain\n\n"
		": keep-alive\n\n");
}
END_TEST

START_TEST(test_multiline)
{
	sh_sse_begin(&m.req);
	ck_assert_int_eq(sh_sse_event(&m.req, "m", "a\nb\r\nc\rd\n"), 0);
	ck_assert_str_eq(memreq_body(&m), "event: m\ndata: a\ndata: b\ndata: c\ndata: d\ndata: \n\n");
}
END_TEST

START_TEST(test_empty_data)
{
	sh_sse_begin(&m.req);
	ck_assert_int_eq(sh_sse_event(&m.req, "ping", NULL), 0);
	ck_assert_int_eq(sh_sse_event(&m.req, NULL, ""), 0);
	ck_assert_int_eq(sh_sse_comment(&m.req, "two\nlines"), 0);
	ck_assert_str_eq(memreq_body(&m),
		"event: ping\ndata: \n\n"
		"data: \n\n"
		": two\n: lines\n\n");
}
END_TEST

START_TEST(test_json)
{
	json_t *j = json_pack("{s:s,s:i}", "text", "line1\nline2", "n", 2);

	sh_sse_begin(&m.req);
	ck_assert_int_eq(sh_sse_json(&m.req, "message", j), 0);
	json_decref(j);
	/* The newline is escaped inside the JSON: one data line. */
	ck_assert_str_eq(memreq_body(&m),
		"event: message\ndata: {\"text\":\"line1\\nline2\",\"n\":2}\n\n");
}
END_TEST

START_TEST(test_bad_event_name)
{
	sh_sse_begin(&m.req);
	ck_assert_int_eq(sh_sse_event(&m.req, "a\nevent: b", "x"), SH_EINVAL);
	ck_assert_int_eq(sh_sse_event(&m.req, "a\rb", "x"), SH_EINVAL);
	ck_assert_str_eq(memreq_body(&m), "");
	ck_assert_int_eq(m.io.flushes, 1);
}
END_TEST

START_TEST(test_not_streaming)
{
	ck_assert_int_eq(sh_sse_event(&m.req, "e", "x"), SH_ESTATE);
	ck_assert_int_eq(sh_sse_comment(&m.req, "x"), SH_ESTATE);
	ck_assert_int_eq(sh_sse_json(&m.req, NULL, json_null()), SH_ESTATE);
	ck_assert_uint_eq(m.io.out_len, 0);
	/* After another reply, begin writes nothing. */
	ck_assert_int_eq(sh_reply_empty(&m.req, 204), 204);
	ck_assert_int_eq(sh_sse_begin(&m.req), 204);
	ck_assert_int_eq(sh_sse_event(&m.req, "e", "x"), SH_ESTATE);
}
END_TEST

/* A write fails mid-frame: the frame stops there and so does the stream. */
START_TEST(test_client_gone_on_write)
{
	sh_sse_begin(&m.req);
	ck_assert_int_eq(sh_sse_event(&m.req, "a", "1"), 0);
	m.io.write_limit = (long)m.io.out_len + 10;
	ck_assert_int_eq(sh_sse_event(&m.req, "b", "22\n33"), SH_EIO);
	ck_assert(sh_req_client_gone(&m.req));
	m.io.write_limit = -1;
	ck_assert_int_eq(sh_sse_event(&m.req, "c", "3"), SH_EIO);
	ck_assert_int_eq(sh_sse_comment(&m.req, "ka"), SH_EIO);
	ck_assert_str_eq(memreq_body(&m), "event: a\ndata: 1\n\nevent: b\n");
}
END_TEST

/* The flush that ends a frame fails: SH_EIO, and no later frame is written. */
START_TEST(test_client_gone_on_flush)
{
	sh_sse_begin(&m.req);
	m.io.write_limit = (long)m.io.out_len + 11;
	ck_assert_int_eq(sh_sse_event(&m.req, NULL, "abc"), SH_EIO);
	m.io.write_limit = -1;
	ck_assert_int_eq(sh_sse_comment(&m.req, "ka"), SH_EIO);
	ck_assert_str_eq(memreq_body(&m), "data: abc\n\n");
}
END_TEST

/* A hang-up seen by polling stops the writer before it writes. */
START_TEST(test_client_gone_hangup)
{
	sh_sse_begin(&m.req);
	m.hangup = 1;
	ck_assert(sh_req_client_gone(&m.req));
	ck_assert_int_eq(sh_sse_event(&m.req, "a", "1"), SH_EIO);
	ck_assert_str_eq(memreq_body(&m), "");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sse");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_begin);
	tcase_add_test(tc, test_frames);
	tcase_add_test(tc, test_multiline);
	tcase_add_test(tc, test_empty_data);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_bad_event_name);
	tcase_add_test(tc, test_not_streaming);
	tcase_add_test(tc, test_client_gone_on_write);
	tcase_add_test(tc, test_client_gone_on_flush);
	tcase_add_test(tc, test_client_gone_hangup);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
