/*
 * plugins/jenkins/config.c: allowed_base_url_override_regex (POSIX ERE,
 * RegExp.test's unanchored match, JavaScript-only syntax refused, the URL
 * checked before the regex), extra_request_headers (token names, no
 * control characters, several lines per value, the cap, reserved names,
 * reasons that never quote a value), and sh_conf_sections, which lists
 * the [jenkins.<name>] sections the instances come from.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/conf.h>
#include <stagehand/errors.h>

#include "../../plugins/jenkins/jenkins.h"
#include "host.h"
#include "unit.h"

static regex_t compiled(const char *pattern)
{
	regex_t re;
	char why[256];

	ck_assert_msg(jk_regex_compile(&re, pattern, why, sizeof why) == 0, "%s: %s", pattern, why);
	return re;
}

START_TEST(test_regex_matches_like_regexp_test)
{
	regex_t re = compiled("https://.*\\.example\\.com");

	/* unanchored, as new RegExp(x).test(url) */
	ck_assert(jk_override_allowed(&re, "https://jenkins-b.example.com"));
	ck_assert(jk_override_allowed(&re, "https://jenkins-b.example.com/ci"));
	ck_assert(jk_override_allowed(&re, "http://x.org/https://a.example.com"));
	ck_assert(!jk_override_allowed(&re, "https://example.com"));
	ck_assert(!jk_override_allowed(&re, "http://jenkins.example.com"));
	regfree(&re);
	re = compiled("^https://jenkins-[a-z]+\\.example\\.com(:[0-9]+)?$");
	ck_assert(jk_override_allowed(&re, "https://jenkins-b.example.com"));
	ck_assert(jk_override_allowed(&re, "https://jenkins-b.example.com:8443"));
	ck_assert(!jk_override_allowed(&re, "https://jenkins-b.example.com.evil.org"));
	ck_assert(!jk_override_allowed(&re, "https://jenkins-b.example.com/x"));
	regfree(&re);
}
END_TEST

START_TEST(test_override_url_checked_first)
{
	regex_t re = compiled("example");

	ck_assert(!jk_override_allowed(NULL, "https://a.example.com"));
	ck_assert(!jk_override_allowed(&re, NULL));
	ck_assert(!jk_override_allowed(&re, "ftp://a.example.com"));
	ck_assert(!jk_override_allowed(&re, "https://user:pw@a.example.com"));
	ck_assert(!jk_override_allowed(&re, "https://a.example.com/?x=1"));
	ck_assert(!jk_override_allowed(&re, "https://a.example.com/#top"));
	ck_assert(!jk_override_allowed(&re, "https://a.example.com/x y"));
	ck_assert(!jk_override_allowed(&re, "https://a.example.com/%2e%2e/"));
	ck_assert(!jk_override_allowed(&re, "example"));
	ck_assert(jk_override_allowed(&re, "https://a.example.com/"));
	regfree(&re);
}
END_TEST

START_TEST(test_regex_errors)
{
	regex_t re;
	char why[256];

	ck_assert_int_eq(jk_regex_compile(&re, "https://(a", why, sizeof why), SH_EINVAL);
	ck_assert_msg(strstr(why, "(") || strstr(why, "paren"), "%s", why);
	ck_assert_int_eq(jk_regex_compile(&re, "", why, sizeof why), SH_EINVAL);
	ck_assert_str_eq(why, "empty regex");
	ck_assert_int_eq(jk_regex_compile(&re, "^https://ci\\d+\\.example\\.com$", why, sizeof why),
			 SH_EINVAL);
	ck_assert_str_eq(why, "\\d and \\D are JavaScript, not POSIX ERE: use [0-9]");
	ck_assert_int_eq(jk_regex_compile(&re, "^https://(?:a|b)$", why, sizeof why), SH_EINVAL);
	ck_assert_str_eq(why, "(?...) groups are JavaScript, not POSIX ERE");
	/* an escaped backslash before d is a literal backslash and a d */
	re = compiled("a\\\\d");
	regfree(&re);
}
END_TEST

START_TEST(test_regex_anchored)
{
	ck_assert(jk_regex_anchored("^https://a\\.example\\.com$"));
	ck_assert(!jk_regex_anchored("https://a\\.example\\.com$"));
	ck_assert(!jk_regex_anchored("^https://a\\.example\\.com"));
	ck_assert(!jk_regex_anchored("^https://a\\$"));
	ck_assert(!jk_regex_anchored("^"));
}
END_TEST

START_TEST(test_headers_parse)
{
	const char *values[] = { "X-Team: payments", "  X-Proxy-Token:abc  \n\nX-Two:\t a b \r\n",
				 "X-Last:z" };
	char *out[8] = { 0 }, why[256];

	ck_assert_int_eq(jk_headers_parse(values, 3, out, 8, why, sizeof why), 4);
	ck_assert_str_eq(out[0], "X-Team: payments");
	ck_assert_str_eq(out[1], "X-Proxy-Token: abc");
	ck_assert_str_eq(out[2], "X-Two: a b");
	ck_assert_str_eq(out[3], "X-Last: z");
	jk_headers_free(out, 4);
	ck_assert_ptr_null(out[0]);
	ck_assert_int_eq(jk_headers_parse(values, 0, out, 8, why, sizeof why), 0);
}
END_TEST

/* Parsing `value` fails with `want`, which never shows the secret. */
static void refused(const char *value, int rc, const char *want)
{
	const char *values[] = { "X-Ok: 1", value };
	char *out[4] = { 0 }, why[256] = "";

	ck_assert_int_eq(jk_headers_parse(values, 2, out, 4, why, sizeof why), rc);
	ck_assert_str_eq(why, want);
	ck_assert(!strstr(why, "s3cret"));
	ck_assert_ptr_null(out[0]);
}

START_TEST(test_headers_refused)
{
	refused("X Bad: s3cret", SH_EINVAL,
		"expected \"Name: value\" with a header name of token characters");
	refused("no colon s3cret", SH_EINVAL,
		"expected \"Name: value\" with a header name of token characters");
	refused(": s3cret", SH_EINVAL,
		"expected \"Name: value\" with a header name of token characters");
	refused("X-Token: s3cret\rX-Evil: 1", SH_EINVAL,
		"the value of X-Token has a control character");
	refused("X-Token: s3cret\001", SH_EINVAL, "the value of X-Token has a control character");
	refused("X-Empty:  ", SH_EINVAL, "the value of X-Empty is empty");
	refused("Host: s3cret.example", SH_EINVAL, "Host is not a header to configure");
	refused("content-length: 0", SH_EINVAL, "content-length is not a header to configure");
	refused("A: 1\nB: 2\nC: 3\nD: s3cret", SH_ETOOBIG, "more than 4 headers");
}
END_TEST

START_TEST(test_header_too_long)
{
	char *big = malloc(JK_MAX_HEADER + 16), *out[2], why[256];
	const char *values[] = { big };

	memcpy(big, "X-Big: ", 7);
	memset(big + 7, 'a', JK_MAX_HEADER);
	big[JK_MAX_HEADER + 7] = '\0';
	ck_assert_int_eq(jk_headers_parse(values, 1, out, 2, why, sizeof why), SH_ETOOBIG);
	free(big);
}
END_TEST

START_TEST(test_conf_sections)
{
	static const char text[] = "[jenkins]\nbase_url = http://a\n[jenkinsx]\n[jenkins.prod]\n"
				   "[other.prod]\n[jenkins.staging]\n";
	char err[256];
	struct sh_conf *c = host_conf_parse(text, strlen(text), "t.ini", err, sizeof err);
	const char *names[4];

	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(sh_conf_sections(c, "jenkins.", names, 4), 2);
	ck_assert_str_eq(names[0], "jenkins.prod");
	ck_assert_str_eq(names[1], "jenkins.staging");
	ck_assert_uint_eq(sh_conf_sections(c, "jenkins.", names, 1), 2);
	ck_assert_uint_eq(sh_conf_sections(c, "nothing.", names, 4), 0);
	host_conf_free(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("jenkins_config");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_regex_matches_like_regexp_test);
	tcase_add_test(tc, test_override_url_checked_first);
	tcase_add_test(tc, test_regex_errors);
	tcase_add_test(tc, test_regex_anchored);
	tcase_add_test(tc, test_headers_parse);
	tcase_add_test(tc, test_headers_refused);
	tcase_add_test(tc, test_header_too_long);
	tcase_add_test(tc, test_conf_sections);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
