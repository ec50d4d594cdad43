/*
 * plugins/jenkins/jobs.c: the job-full-name annotation (instances, lists,
 * errors), Jenkins job paths (segments encoded, dot segments refused),
 * which names an entity covers, URLSearchParams' encoding of tree values,
 * build numbers and the reason of a Jenkins error page.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/buf.h>
#include <stagehand/errors.h>

#include "../../plugins/jenkins/jenkins.h"
#include "unit.h"

START_TEST(test_target_default)
{
	struct jk_target t;
	char why[128];

	ck_assert_int_eq(jk_target_parse(" oracle/checkout-service , oracle/libs/money-lib ", &t,
					 why, sizeof why), 0);
	ck_assert_str_eq(t.instance, "default");
	ck_assert_uint_eq(t.n_jobs, 2);
	ck_assert_str_eq(t.jobs[0], "oracle/checkout-service");
	ck_assert_str_eq(t.jobs[1], "oracle/libs/money-lib");
	jk_target_free(&t);
}
END_TEST

START_TEST(test_target_named)
{
	struct jk_target t;
	char why[128];

	ck_assert_int_eq(jk_target_parse("prod:a/b,prod:c", &t, why, sizeof why), 0);
	ck_assert_str_eq(t.instance, "prod");
	ck_assert_uint_eq(t.n_jobs, 2);
	ck_assert_str_eq(t.jobs[1], "c");
	jk_target_free(&t);
}
END_TEST

START_TEST(test_target_errors)
{
	struct jk_target t;
	char why[128];

	ck_assert_int_eq(jk_target_parse("prod:a,b", &t, why, sizeof why), SH_EINVAL);
	ck_assert_str_eq(why, "all jobs must use the same Jenkins instance");
	jk_target_free(&t);
	ck_assert_int_eq(jk_target_parse(" , ", &t, why, sizeof why), SH_EINVAL);
	ck_assert_str_eq(why, "no job named");
	jk_target_free(&t);
	ck_assert_int_eq(jk_target_parse("bad/inst:a", &t, why, sizeof why), SH_EINVAL);
	ck_assert_str_eq(why, "bad Jenkins instance name");
	jk_target_free(&t);
	ck_assert_int_eq(jk_target_parse("prod:", &t, why, sizeof why), SH_EINVAL);
	jk_target_free(&t);
}
END_TEST

static const char *path(struct sh_buf *b, const char *name, int *rc)
{
	sh_buf_reset(b);
	*rc = jk_job_path(b, name);
	return sh_buf_str(b);
}

START_TEST(test_job_path)
{
	struct sh_buf b;
	int rc;

	sh_buf_init(&b, 4096);
	ck_assert_str_eq(path(&b, "oracle/checkout-service/main", &rc),
			 "job/oracle/job/checkout-service/job/main");
	ck_assert_int_eq(rc, 0);
	/* A branch job named "feature%2Ffaster-cart" is one segment, encoded. */
	ck_assert_str_eq(path(&b, "oracle/checkout-service/feature%2Ffaster-cart", &rc),
			 "job/oracle/job/checkout-service/job/feature%252Ffaster-cart");
	ck_assert_str_eq(path(&b, "a b?c#d", &rc), "job/a%20b%3Fc%23d");
	path(&b, "../../script", &rc);
	ck_assert_int_eq(rc, SH_EINVAL);
	path(&b, "oracle/./x", &rc);
	ck_assert_int_eq(rc, SH_EINVAL);
	path(&b, "oracle//x", &rc);
	ck_assert_int_eq(rc, SH_EINVAL);
	path(&b, "oracle/", &rc);
	ck_assert_int_eq(rc, SH_EINVAL);
	ck_assert_str_eq(path(&b, "a/...", &rc), "job/a/job/...");
	ck_assert_int_eq(rc, 0);
	sh_buf_free(&b);
}
END_TEST

START_TEST(test_covers)
{
	struct jk_target t;
	char why[128];

	ck_assert_int_eq(jk_target_parse("oracle/checkout-service", &t, why, sizeof why), 0);
	ck_assert(jk_target_covers(&t, "oracle/checkout-service"));
	ck_assert(jk_target_covers(&t, "oracle/checkout-service/main"));
	ck_assert(!jk_target_covers(&t, "oracle/checkout-service-2"));
	ck_assert(!jk_target_covers(&t, "oracle"));
	ck_assert(!jk_target_covers(&t, "../../script"));
	jk_target_free(&t);
}
END_TEST

START_TEST(test_query_value)
{
	struct sh_buf b;

	sh_buf_init(&b, 4096);
	ck_assert_int_eq(jk_query_value(&b, "jobs[actions[*],x{0,1}] a"), 0);
	ck_assert_str_eq(sh_buf_str(&b), "jobs%5Bactions%5B*%5D%2Cx%7B0%2C1%7D%5D+a");
	sh_buf_free(&b);
}
END_TEST

START_TEST(test_build_number)
{
	ck_assert(jk_build_number("42"));
	ck_assert(jk_build_number("0"));
	ck_assert(!jk_build_number(""));
	ck_assert(!jk_build_number("4a"));
	ck_assert(!jk_build_number("-1"));
	ck_assert(!jk_build_number("12345678901"));
}
END_TEST

START_TEST(test_html_reason)
{
	char out[64];

	jk_html_reason("<html><head><title>Error 401 Invalid password/token for user: backstage"
		       "</title></head>", out, sizeof out);
	ck_assert_str_eq(out, "Invalid password/token for user: backstage");
	jk_html_reason("<title>Forbidden\n</title>", out, sizeof out);
	ck_assert_str_eq(out, "Forbidden");
	jk_html_reason("no title", out, sizeof out);
	ck_assert_str_eq(out, "");
	jk_html_reason(NULL, out, sizeof out);
	ck_assert_str_eq(out, "");
	jk_html_reason("<title>0123456789012345678901234567890123456789012345678901234567890123456789"
		       "</title>", out, 8);
	ck_assert_str_eq(out, "0123456");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("jenkins_jobs");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_target_default);
	tcase_add_test(tc, test_target_named);
	tcase_add_test(tc, test_target_errors);
	tcase_add_test(tc, test_job_path);
	tcase_add_test(tc, test_covers);
	tcase_add_test(tc, test_query_value);
	tcase_add_test(tc, test_build_number);
	tcase_add_test(tc, test_html_reason);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
