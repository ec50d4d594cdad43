/*
 * plugins/perch/envelope.c: the forwarder's 502/504 envelopes byte for byte
 * (spec platform-apis §5.3), the agent's error shape as in the fixtures,
 * the token messages, and the lines that close a cut stream.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/perch/envelope.h"
#include "unit.h"

static void expect_json(json_t *v, const char *want)
{
	char *got = json_dumps(v, JSON_COMPACT);

	ck_assert_str_eq(got, want);
	free(got);
	json_decref(v);
}

START_TEST(test_gateway)
{
	expect_json(perch_bad_gateway("abc"),
		    "{\"error\":\"BAD_GATEWAY\",\"message\":\"Failed to reach portal-assistant\","
		    "\"request_id\":\"abc\"}");
	expect_json(perch_gateway_timeout(600000, "r1"),
		    "{\"error\":\"GATEWAY_TIMEOUT\",\"message\":\"Upstream did not respond within "
		    "600000 ms\",\"request_id\":\"r1\"}");
}
END_TEST

START_TEST(test_agent_shape)
{
	/* As error.401.missing-token.json. */
	expect_json(perch_agent_error("MISSING_TOKEN", "Authorization header required"),
		    "{\"detail\":{\"error\":\"MISSING_TOKEN\",\"message\":"
		    "\"Authorization header required\"}}");
}
END_TEST

START_TEST(test_token_message)
{
	char m[64];

	ck_assert_str_eq(perch_token_message("token expired", m, sizeof m), "Token has expired");
	ck_assert_str_eq(perch_token_message("wrong issuer", m, sizeof m), "Invalid token issuer");
	ck_assert_str_eq(perch_token_message("wrong audience", m, sizeof m),
			 "Invalid token audience");
	ck_assert_str_eq(perch_token_message("unknown kid", m, sizeof m),
			 "Invalid token: unknown kid");
	ck_assert_str_eq(perch_token_message("", m, sizeof m), "Invalid token: rejected");
	ck_assert_str_eq(perch_token_message(NULL, m, sizeof m), "Invalid token: rejected");
	/* Capped at the buffer. */
	ck_assert_str_eq(perch_token_message("a long reason", m, 10), "Invalid t");
}
END_TEST

START_TEST(test_stream_end)
{
	char *s = perch_stream_end("The assistant stopped responding", "abc", 0);

	ck_assert_str_eq(s, "{\"type\":\"error\",\"message\":\"The assistant stopped responding "
			    "(request_id: abc).\"}\n{\"type\":\"done\",\"message\":\"\"}\n");
	free(s);
	/* After a line cut short, a newline first so each event stays a line. */
	s = perch_stream_end("x", "q\"", 1);
	ck_assert_str_eq(s, "\n{\"type\":\"error\",\"message\":\"x (request_id: q\\\").\"}\n"
			    "{\"type\":\"done\",\"message\":\"\"}\n");
	free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("perch_envelope");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_gateway);
	tcase_add_test(tc, test_agent_shape);
	tcase_add_test(tc, test_token_message);
	tcase_add_test(tc, test_stream_end);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
