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

static struct memreq m;

static void setup(void)
{
	memreq_begin(&m, "/api/x/stream");
}

static void teardown(void)
{
	memreq_end(&m);
}

START_TEST(test_stream)
{
	ck_assert_int_eq(sh_reply_stream_begin(&m.req, 200, "text/event-stream"), 200);
	ck_assert_str_eq(m.io.out,
		"Status: 200 OK\r\n"
		"Content-Type: text/event-stream\r\n"
		"X-Accel-Buffering: no\r\n"
		"Cache-Control: no-cache\r\n\r\n");
	ck_assert_int_eq(m.io.flushes, 1);
	ck_assert_int_eq(sh_reply_write(&m.req, "data: 1\n\n", 9), 0);
	ck_assert_int_eq(sh_reply_flush(&m.req), 0);
	ck_assert_int_eq(sh_reply_write(&m.req, "data: 2\n\n", 9), 0);
	ck_assert_int_eq(sh_reply_write(&m.req, "", 0), 0);
	ck_assert_int_eq(sh_reply_flush(&m.req), 0);
	ck_assert_int_eq(m.io.flushes, 3);
	ck_assert_str_eq(memreq_body(&m), "data: 1\n\ndata: 2\n\n");
	ck_assert_int_eq(sh_req_status(&m.req), 200);
}
END_TEST

START_TEST(test_stream_client_gone)
{
	ck_assert_int_eq(sh_reply_stream_begin(&m.req, 200, NULL), 200);
	m.io.write_limit = (long)m.io.out_len + 4;
	ck_assert(!sh_req_client_gone(&m.req));
	ck_assert_int_eq(sh_reply_write(&m.req, "abc", 3), 0);
	ck_assert_int_eq(sh_reply_write(&m.req, "defg", 4), SH_EIO);
	ck_assert(sh_req_client_gone(&m.req));
	/* Once gone, nothing more is attempted. */
	m.io.write_limit = -1;
	ck_assert_int_eq(sh_reply_write(&m.req, "h", 1), SH_EIO);
	ck_assert_int_eq(sh_reply_flush(&m.req), SH_EIO);
	ck_assert_str_eq(memreq_body(&m), "abc");
}
END_TEST

START_TEST(test_stream_flush_fails)
{
	ck_assert_int_eq(sh_reply_stream_begin(&m.req, 200, "text/plain"), 200);
	m.io.write_limit = (long)m.io.out_len;
	ck_assert_int_eq(sh_reply_flush(&m.req), SH_EIO);
	ck_assert(sh_req_client_gone(&m.req));
	ck_assert_int_eq(sh_reply_write(&m.req, "x", 1), SH_EIO);
}
END_TEST

START_TEST(test_write_without_stream)
{
	ck_assert_int_eq(sh_reply_write(&m.req, "x", 1), SH_ESTATE);
	ck_assert_int_eq(sh_reply_flush(&m.req), SH_ESTATE);
	ck_assert_uint_eq(m.io.out_len, 0);
}
END_TEST

START_TEST(test_stream_after_reply)
{
	ck_assert_int_eq(sh_reply_empty(&m.req, 204), 204);
	ck_assert_int_eq(sh_reply_stream_begin(&m.req, 200, "text/plain"), 204);
	ck_assert_int_eq(sh_reply_write(&m.req, "x", 1), SH_ESTATE);
	ck_assert_str_eq(m.io.out, "Status: 204 No Content\r\n\r\n");
}
END_TEST

START_TEST(test_stream_bad_content_type)
{
	ck_assert_int_eq(sh_reply_stream_begin(&m.req, 200, "text/plain\r\nX-Evil: 1"), 500);
	ck_assert_ptr_null(strstr(m.io.out, "X-Evil"));
	ck_assert_int_eq(sh_reply_write(&m.req, "x", 1), SH_ESTATE);
}
END_TEST

/* nginx closed the FastCGI connection: seen by polling, before any write. */
START_TEST(test_client_gone_hangup)
{
	ck_assert_int_eq(sh_reply_stream_begin(&m.req, 200, "text/plain"), 200);
	ck_assert(!sh_req_client_gone(&m.req));
	ck_assert_int_eq(m.gone_polls, 1);
	m.hangup = 1;
	ck_assert(sh_req_client_gone(&m.req));
	ck_assert_int_eq(m.gone_polls, 2);
	/* Sticky: no more polling, and writes stop. */
	m.hangup = 0;
	ck_assert(sh_req_client_gone(&m.req));
	ck_assert_int_eq(m.gone_polls, 2);
	ck_assert_int_eq(sh_reply_write(&m.req, "x", 1), SH_EIO);
	ck_assert_int_eq(sh_reply_flush(&m.req), SH_EIO);
	ck_assert_str_eq(memreq_body(&m), "");
}
END_TEST

/* Before any reply too: a handler may check before it starts upstream work. */
START_TEST(test_client_gone_before_reply)
{
	m.hangup = 1;
	ck_assert(sh_req_client_gone(&m.req));
	ck_assert(!sh_req_client_gone(NULL));
}
END_TEST

/* An io that cannot tell (NULL gone): only write failures count. */
START_TEST(test_client_gone_unknown)
{
	m.req.io.gone = NULL;
	ck_assert(!sh_req_client_gone(&m.req));
	m.io.write_limit = 0;
	ck_assert_int_eq(sh_reply_stream_begin(&m.req, 200, NULL), 200);
	ck_assert(sh_req_client_gone(&m.req));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("reply_stream");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_stream);
	tcase_add_test(tc, test_stream_client_gone);
	tcase_add_test(tc, test_stream_flush_fails);
	tcase_add_test(tc, test_write_without_stream);
	tcase_add_test(tc, test_stream_after_reply);
	tcase_add_test(tc, test_stream_bad_content_type);
	tcase_add_test(tc, test_client_gone_hangup);
	tcase_add_test(tc, test_client_gone_before_reply);
	tcase_add_test(tc, test_client_gone_unknown);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
