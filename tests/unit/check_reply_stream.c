/*
 * Streamed replies (reply_stream.c): the head and its flush, chunks and
 * flushes in order, a client that goes away on a write or a flush (then
 * nothing more is attempted), and sh_req_client_gone seeing a FastCGI
 * hang-up before any write fails.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "memreq.h"

START_TEST(test_stream)
{
	ck_assert_int_eq(sh_reply_stream_begin(&fx.req, 200, "text/event-stream"), 200);
	ck_assert_str_eq(fx.io.out,
		"Status: 200 OK\r\n"
		"Content-Type: text/event-stream\r\n"
		"X-Accel-Buffering: no\r\n"
		"Cache-Control: no-cache\r\n\r\n");
	ck_assert_int_eq(fx.io.flushes, 1);
	ck_assert_int_eq(sh_reply_write(&fx.req, "data: 1\n\n", 9), 0);
	ck_assert_int_eq(sh_reply_flush(&fx.req), 0);
	ck_assert_int_eq(sh_reply_write(&fx.req, "data: 2\n\n", 9), 0);
	ck_assert_int_eq(sh_reply_write(&fx.req, "", 0), 0);
	ck_assert_int_eq(sh_reply_flush(&fx.req), 0);
	ck_assert_int_eq(fx.io.flushes, 3);
	ck_assert_str_eq(memreq_body(&fx), "data: 1\n\ndata: 2\n\n");
	ck_assert_int_eq(sh_req_status(&fx.req), 200);
}
END_TEST

/* A header the handler set replaces the stream's own of that name (any
 * case); the others stay, and nothing is sent twice. */
START_TEST(test_stream_own_header_replaced)
{
	ck_assert_int_eq(sh_reply_header(&fx.req, "cache-control", "no-cache, no-transform"), 0);
	ck_assert_int_eq(sh_reply_header(&fx.req, "Content-Encoding", "identity"), 0);
	ck_assert_int_eq(sh_reply_stream_begin(&fx.req, 200, "application/x-ndjson"), 200);
	ck_assert_str_eq(fx.io.out,
		"Status: 200 OK\r\n"
		"Content-Type: application/x-ndjson\r\n"
		"X-Accel-Buffering: no\r\n"
		"cache-control: no-cache, no-transform\r\n"
		"Content-Encoding: identity\r\n\r\n");
}
END_TEST

START_TEST(test_stream_client_gone)
{
	ck_assert_int_eq(sh_reply_stream_begin(&fx.req, 200, NULL), 200);
	fx.io.write_limit = (long)fx.io.out_len + 4;
	ck_assert(!sh_req_client_gone(&fx.req));
	ck_assert_int_eq(sh_reply_write(&fx.req, "abc", 3), 0);
	ck_assert_int_eq(sh_reply_write(&fx.req, "defg", 4), SH_EIO);
	ck_assert(sh_req_client_gone(&fx.req));
	/* Once gone, nothing more is attempted. */
	fx.io.write_limit = -1;
	ck_assert_int_eq(sh_reply_write(&fx.req, "h", 1), SH_EIO);
	ck_assert_int_eq(sh_reply_flush(&fx.req), SH_EIO);
	ck_assert_str_eq(memreq_body(&fx), "abc");
}
END_TEST

START_TEST(test_stream_flush_fails)
{
	ck_assert_int_eq(sh_reply_stream_begin(&fx.req, 200, "text/plain"), 200);
	fx.io.write_limit = (long)fx.io.out_len;
	ck_assert_int_eq(sh_reply_flush(&fx.req), SH_EIO);
	ck_assert(sh_req_client_gone(&fx.req));
	ck_assert_int_eq(sh_reply_write(&fx.req, "x", 1), SH_EIO);
}
END_TEST

START_TEST(test_write_without_stream)
{
	ck_assert_int_eq(sh_reply_write(&fx.req, "x", 1), SH_ESTATE);
	ck_assert_int_eq(sh_reply_flush(&fx.req), SH_ESTATE);
	ck_assert_uint_eq(fx.io.out_len, 0);
}
END_TEST

START_TEST(test_stream_after_reply)
{
	ck_assert_int_eq(sh_reply_empty(&fx.req, 204), 204);
	ck_assert_int_eq(sh_reply_stream_begin(&fx.req, 200, "text/plain"), 204);
	ck_assert_int_eq(sh_reply_write(&fx.req, "x", 1), SH_ESTATE);
	ck_assert_str_eq(fx.io.out, "Status: 204 No Content\r\n\r\n");
}
END_TEST

START_TEST(test_stream_bad_content_type)
{
	ck_assert_int_eq(sh_reply_stream_begin(&fx.req, 200, "text/plain\r\nX-Evil: 1"), 500);
	ck_assert_ptr_null(strstr(fx.io.out, "X-Evil"));
	ck_assert_int_eq(sh_reply_write(&fx.req, "x", 1), SH_ESTATE);
}
END_TEST

/* nginx closed the FastCGI connection: seen by polling, before any write. */
START_TEST(test_client_gone_hangup)
{
	ck_assert_int_eq(sh_reply_stream_begin(&fx.req, 200, "text/plain"), 200);
	ck_assert(!sh_req_client_gone(&fx.req));
	ck_assert_int_eq(fx.gone_polls, 1);
	fx.hangup = 1;
	ck_assert(sh_req_client_gone(&fx.req));
	ck_assert_int_eq(fx.gone_polls, 2);
	/* Sticky: no more polling, and writes stop. */
	fx.hangup = 0;
	ck_assert(sh_req_client_gone(&fx.req));
	ck_assert_int_eq(fx.gone_polls, 2);
	ck_assert_int_eq(sh_reply_write(&fx.req, "x", 1), SH_EIO);
	ck_assert_int_eq(sh_reply_flush(&fx.req), SH_EIO);
	ck_assert_str_eq(memreq_body(&fx), "");
}
END_TEST

/* Before any reply too: a handler may check before it starts upstream work. */
START_TEST(test_client_gone_before_reply)
{
	fx.hangup = 1;
	ck_assert(sh_req_client_gone(&fx.req));
	ck_assert(!sh_req_client_gone(NULL));
}
END_TEST

/* An io that cannot tell (NULL gone): only write failures count. */
START_TEST(test_client_gone_unknown)
{
	fx.req.io.gone = NULL;
	ck_assert(!sh_req_client_gone(&fx.req));
	fx.io.write_limit = 0;
	ck_assert_int_eq(sh_reply_stream_begin(&fx.req, 200, NULL), 200);
	ck_assert(sh_req_client_gone(&fx.req));
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_stream,
		test_stream_own_header_replaced,
		test_stream_client_gone,
		test_stream_flush_fails,
		test_write_without_stream,
		test_stream_after_reply,
		test_stream_bad_content_type,
		test_client_gone_hangup,
		test_client_gone_before_reply,
		test_client_gone_unknown,
	};

	return memreq_main("reply_stream", "/api/x/stream", tests, sizeof(tests) / sizeof(*tests));
}
