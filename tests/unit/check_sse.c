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

START_TEST(test_begin)
{
	ck_assert_int_eq(sh_sse_begin(&fx.req), 200);
	ck_assert_str_eq(fx.io.out,
		"Status: 200 OK\r\n"
		"Content-Type: text/event-stream\r\n"
		"X-Accel-Buffering: no\r\n"
		"Cache-Control: no-cache\r\n\r\n");
	ck_assert_int_eq(fx.io.flushes, 1);
}
END_TEST

START_TEST(test_frames)
{
	sh_sse_begin(&fx.req);
	ck_assert_int_eq(sh_sse_event(&fx.req, "delta", "hello"), 0);
	ck_assert_int_eq(fx.io.flushes, 2);
	ck_assert_int_eq(sh_sse_event(&fx.req, NULL, "plain"), 0);
	ck_assert_int_eq(fx.io.flushes, 3);
	ck_assert_int_eq(sh_sse_comment(&fx.req, "keep-alive"), 0);
	ck_assert_int_eq(fx.io.flushes, 4);
	ck_assert_str_eq(memreq_body(&fx),
		"event: delta\ndata: hello\n\n"
		"data: plain\n\n"
		": keep-alive\n\n");
}
END_TEST

START_TEST(test_multiline)
{
	sh_sse_begin(&fx.req);
	ck_assert_int_eq(sh_sse_event(&fx.req, "m", "a\nb\r\nc\rd\n"), 0);
	ck_assert_str_eq(memreq_body(&fx),
		"event: m\ndata: a\ndata: b\ndata: c\ndata: d\ndata: \n\n");
}
END_TEST

START_TEST(test_empty_data)
{
	sh_sse_begin(&fx.req);
	ck_assert_int_eq(sh_sse_event(&fx.req, "ping", NULL), 0);
	ck_assert_int_eq(sh_sse_event(&fx.req, NULL, ""), 0);
	ck_assert_int_eq(sh_sse_comment(&fx.req, "two\nlines"), 0);
	ck_assert_str_eq(memreq_body(&fx),
		"event: ping\ndata: \n\n"
		"data: \n\n"
		": two\n: lines\n\n");
}
END_TEST

START_TEST(test_json)
{
	json_t *j = json_pack("{s:s,s:i}", "text", "line1\nline2", "n", 2);

	sh_sse_begin(&fx.req);
	ck_assert_int_eq(sh_sse_json(&fx.req, "message", j), 0);
	json_decref(j);
	/* The newline is escaped inside the JSON: one data line. */
	ck_assert_str_eq(memreq_body(&fx),
		"event: message\ndata: {\"text\":\"line1\\nline2\",\"n\":2}\n\n");
}
END_TEST

START_TEST(test_bad_event_name)
{
	sh_sse_begin(&fx.req);
	ck_assert_int_eq(sh_sse_event(&fx.req, "a\nevent: b", "x"), SH_EINVAL);
	ck_assert_int_eq(sh_sse_event(&fx.req, "a\rb", "x"), SH_EINVAL);
	ck_assert_str_eq(memreq_body(&fx), "");
	ck_assert_int_eq(fx.io.flushes, 1);
}
END_TEST

START_TEST(test_not_streaming)
{
	ck_assert_int_eq(sh_sse_event(&fx.req, "e", "x"), SH_ESTATE);
	ck_assert_int_eq(sh_sse_comment(&fx.req, "x"), SH_ESTATE);
	ck_assert_int_eq(sh_sse_json(&fx.req, NULL, json_null()), SH_ESTATE);
	ck_assert_uint_eq(fx.io.out_len, 0);
	/* After another reply, begin writes nothing. */
	ck_assert_int_eq(sh_reply_empty(&fx.req, 204), 204);
	ck_assert_int_eq(sh_sse_begin(&fx.req), 204);
	ck_assert_int_eq(sh_sse_event(&fx.req, "e", "x"), SH_ESTATE);
}
END_TEST

/* A write fails mid-frame: the frame stops there and so does the stream. */
START_TEST(test_client_gone_on_write)
{
	sh_sse_begin(&fx.req);
	ck_assert_int_eq(sh_sse_event(&fx.req, "a", "1"), 0);
	fx.io.write_limit = (long)fx.io.out_len + 10;
	ck_assert_int_eq(sh_sse_event(&fx.req, "b", "22\n33"), SH_EIO);
	ck_assert(sh_req_client_gone(&fx.req));
	fx.io.write_limit = -1;
	ck_assert_int_eq(sh_sse_event(&fx.req, "c", "3"), SH_EIO);
	ck_assert_int_eq(sh_sse_comment(&fx.req, "ka"), SH_EIO);
	ck_assert_str_eq(memreq_body(&fx), "event: a\ndata: 1\n\nevent: b\n");
}
END_TEST

/* The flush that ends a frame fails: SH_EIO, and no later frame is written. */
START_TEST(test_client_gone_on_flush)
{
	sh_sse_begin(&fx.req);
	fx.io.write_limit = (long)fx.io.out_len + 11;
	ck_assert_int_eq(sh_sse_event(&fx.req, NULL, "abc"), SH_EIO);
	fx.io.write_limit = -1;
	ck_assert_int_eq(sh_sse_comment(&fx.req, "ka"), SH_EIO);
	ck_assert_str_eq(memreq_body(&fx), "data: abc\n\n");
}
END_TEST

/* A hang-up seen by polling stops the writer before it writes. */
START_TEST(test_client_gone_hangup)
{
	sh_sse_begin(&fx.req);
	fx.hangup = 1;
	ck_assert(sh_req_client_gone(&fx.req));
	ck_assert_int_eq(sh_sse_event(&fx.req, "a", "1"), SH_EIO);
	ck_assert_str_eq(memreq_body(&fx), "");
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_begin,
		test_frames,
		test_multiline,
		test_empty_data,
		test_json,
		test_bad_event_name,
		test_not_streaming,
		test_client_gone_on_write,
		test_client_gone_on_flush,
		test_client_gone_hangup,
	};

	return memreq_main("sse", "/api/x/events", tests, sizeof(tests) / sizeof(*tests));
}
