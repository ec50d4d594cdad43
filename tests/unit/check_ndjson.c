/*
 * NDJSON pass-through (ndjson.c): lines cut anywhere by the upstream come
 * out whole, one write-and-flush per line; a partial line waits, within its
 * cap; the end writes a last unterminated line; the chunk callback form;
 * nothing more once the client has gone.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "memreq.h"

START_TEST(test_begin)
{
	ck_assert_ptr_nonnull(sh_ndjson_begin(&fx.req, 200, 0));
	ck_assert_str_eq(fx.io.out,
		"Status: 200 OK\r\n"
		"Content-Type: application/x-ndjson\r\n"
		"X-Accel-Buffering: no\r\n"
		"Cache-Control: no-cache\r\n\r\n");
	ck_assert_int_eq(fx.io.flushes, 1);
}
END_TEST

START_TEST(test_lines_cut_anywhere)
{
	struct sh_ndjson *nd = sh_ndjson_begin(&fx.req, 200, 0);

	ck_assert_int_eq(sh_ndjson_feed(nd, "{\"a\":", 5), 0);
	ck_assert_str_eq(memreq_body(&fx), "");
	ck_assert_int_eq(fx.io.flushes, 1);
	ck_assert_int_eq(sh_ndjson_feed(nd, "1}\n{\"b\":2}\n{\"c\"", 15), 0);
	ck_assert_str_eq(memreq_body(&fx), "{\"a\":1}\n{\"b\":2}\n");
	ck_assert_int_eq(fx.io.flushes, 3);
	ck_assert_int_eq(sh_ndjson_feed(nd, ":3}", 3), 0);
	ck_assert_int_eq(sh_ndjson_feed(nd, "\n", 1), 0);
	ck_assert_int_eq(fx.io.flushes, 4);
	ck_assert_int_eq(sh_ndjson_feed(nd, "", 0), 0);
	ck_assert_int_eq(sh_ndjson_end(nd), 0);
	ck_assert_int_eq(fx.io.flushes, 4);
	ck_assert_str_eq(memreq_body(&fx), "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n");
}
END_TEST

/* Byte by byte: still one flush per line. */
START_TEST(test_byte_by_byte)
{
	static const char in[] = "{\"x\":1}\n\n{\"y\":[1,2]}\n";
	struct sh_ndjson *nd = sh_ndjson_begin(&fx.req, 200, 0);

	for (size_t i = 0; i < sizeof(in) - 1; i++)
		ck_assert_int_eq(sh_ndjson_chunk(in + i, 1, nd), 0);
	ck_assert_str_eq(memreq_body(&fx), in);
	ck_assert_int_eq(fx.io.flushes, 1 + 3);
}
END_TEST

START_TEST(test_end_writes_last_line)
{
	struct sh_ndjson *nd = sh_ndjson_begin(&fx.req, 200, 0);

	ck_assert_int_eq(sh_ndjson_feed(nd, "{\"a\":1}\n{\"b\"", 12), 0);
	ck_assert_int_eq(sh_ndjson_feed(nd, ":2}", 3), 0);
	ck_assert_int_eq(sh_ndjson_end(nd), 0);
	ck_assert_str_eq(memreq_body(&fx), "{\"a\":1}\n{\"b\":2}\n");
	ck_assert_int_eq(fx.io.flushes, 3);
	ck_assert_int_eq(sh_ndjson_feed(nd, "x\n", 2), SH_ESTATE);
	ck_assert_int_eq(sh_ndjson_end(nd), SH_ESTATE);
}
END_TEST

/* A line may be max_line bytes; one more is refused, whole or in parts. */
START_TEST(test_line_cap)
{
	struct sh_ndjson *nd = sh_ndjson_begin(&fx.req, 200, 8);

	ck_assert_int_eq(sh_ndjson_feed(nd, "12345678\n", 9), 0);
	ck_assert_int_eq(sh_ndjson_feed(nd, "1234", 4), 0);
	ck_assert_int_eq(sh_ndjson_feed(nd, "5678", 4), 0);
	ck_assert_int_eq(sh_ndjson_feed(nd, "9", 1), SH_ETOOBIG);
	ck_assert_int_eq(sh_ndjson_feed(nd, "9\n", 2), SH_ETOOBIG);
	ck_assert_str_eq(memreq_body(&fx), "12345678\n");
}
END_TEST

START_TEST(test_line_cap_complete_line)
{
	struct sh_ndjson *nd = sh_ndjson_begin(&fx.req, 200, 4);

	ck_assert_int_eq(sh_ndjson_feed(nd, "ab\n123456\n", 10), SH_ETOOBIG);
	ck_assert_str_eq(memreq_body(&fx), "ab\n");
}
END_TEST

START_TEST(test_after_reply)
{
	ck_assert_int_eq(sh_reply_empty(&fx.req, 204), 204);
	ck_assert_ptr_null(sh_ndjson_begin(&fx.req, 200, 0));
	ck_assert_str_eq(fx.io.out, "Status: 204 No Content\r\n\r\n");
}
END_TEST

/* The flush after a line fails: that feed says SH_EIO, later ones too,
 * without writing; so an upstream transfer fed by sh_ndjson_chunk stops. */
START_TEST(test_client_gone)
{
	struct sh_ndjson *nd = sh_ndjson_begin(&fx.req, 200, 0);

	ck_assert_int_eq(sh_ndjson_feed(nd, "{}\n", 3), 0);
	fx.io.write_limit = (long)fx.io.out_len + 3;
	ck_assert_int_eq(sh_ndjson_chunk("[1]\n[2]\n", 8, nd), SH_EIO);
	fx.io.write_limit = -1;
	ck_assert_int_eq(sh_ndjson_feed(nd, "[3]\n", 4), SH_EIO);
	ck_assert_int_eq(sh_ndjson_end(nd), SH_EIO);
	ck_assert_str_eq(memreq_body(&fx), "{}\n");
}
END_TEST

START_TEST(test_client_gone_hangup)
{
	struct sh_ndjson *nd = sh_ndjson_begin(&fx.req, 200, 0);

	fx.hangup = 1;
	ck_assert_int_eq(sh_ndjson_feed(nd, "[1]\n", 4), SH_EIO);
	ck_assert_str_eq(memreq_body(&fx), "");
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		test_begin,
		test_lines_cut_anywhere,
		test_byte_by_byte,
		test_end_writes_last_line,
		test_line_cap,
		test_line_cap_complete_line,
		test_after_reply,
		test_client_gone,
		test_client_gone_hangup,
	};

	return memreq_main("ndjson", "/api/x/logs", tests, sizeof(tests) / sizeof(*tests));
}
