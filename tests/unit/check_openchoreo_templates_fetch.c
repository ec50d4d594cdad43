/*
 * plugins/openchoreo/templates_fetch.c: reading a hand-written Template
 * from the stand-in, behind the allow-list: the Template made from what
 * was read, no read without a matching rule, and each failed read.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/urlallow.h>

#include "../../plugins/openchoreo/templates.h"
#include "standin.h"

static const struct oc_ctx ctx = { "oracle", "group:default/openchoreo-users" };

static const char yaml[] = "apiVersion: scaffolder.backstage.io/v1beta3\n"
			   "kind: Template\n"
			   "metadata:\n  name: authored\n  title: Authored\n"
			   "spec:\n  type: service\n";

/* The stand-in's host and port as the one rule of a new allow-list. */
static struct sh_url_allow *allow_standin(void)
{
	const char *rule = standin_base() + strlen("http://");
	struct sh_url_allow *a;
	char *err = NULL;

	ck_assert_msg(sh_url_allow_parse(&rule, 1, &a, &err) == 0, "%s", err);
	return a;
}

static void serve(const char *path, int status, const char *text)
{
	standin_route(json_pack("{s:s,s:s,s:i,s:{s:s},s:s}", "method", "GET", "path", path,
				"status", status, "headers", "content-type", "text/yaml",
				"body_text", text));
}

/* A ComponentType whose template URL is the stand-in's path. */
static json_t *ct_at(const char *path)
{
	return json_pack("{s:{s:s,s:{s:s}},s:{s:s}}", "metadata", "name", "service",
			 "annotations", OC_TEMPLATE_URL, standin_url(path), "spec",
			 "workloadType", "deployment");
}

static int fetch(const struct sh_url_allow *a, const json_t *ct, json_t **out, char *err)
{
	return oc_template_fetch(a, 1000, OC_COMPONENTTYPE, &ctx, ct, out, err, 256);
}

START_TEST(test_fetched)
{
	struct sh_url_allow *a = allow_standin();
	json_t *ct = ct_at("/t/template.yaml"), *t = NULL;
	char err[256] = "", url[512];
	json_t *ann;

	serve("/t/template.yaml", 200, yaml);
	ck_assert_msg(fetch(a, ct, &t, err) == 0, "%s", err);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(t, "metadata"), "name")),
			 "template-service");
	ann = json_object_get(json_object_get(t, "metadata"), "annotations");
	snprintf(url, sizeof url, "url:%s", standin_url("/t/template.yaml"));
	ck_assert_str_eq(json_string_value(json_object_get(ann, "backstage.io/managed-by-location")),
			 url);
	ck_assert_str_eq(json_string_value(json_object_get(ann, "openchoreo.io/ctd-generated")),
			 "false");
	ck_assert_int_eq(standin_count("/t/template.yaml"), 1);
	/* no credentials go to the template's host */
	ck_assert_ptr_null(standin_sent("/t/template.yaml", 0, "authorization"));
	json_decref(t);
	json_decref(ct);
	sh_url_allow_free(a);
}
END_TEST

START_TEST(test_not_allowed)
{
	const char *other = "git.example.com";
	struct sh_url_allow *a;
	json_t *ct = ct_at("/t/template.yaml"), *t = NULL;
	char err[256] = "", *msg = NULL;

	serve("/t/template.yaml", 200, yaml);
	ck_assert_int_eq(fetch(NULL, ct, &t, err), SH_EDENIED);
	ck_assert_ptr_nonnull(strstr(err, "not allowed by [openchoreo] template_url_allow"));
	ck_assert_int_eq(sh_url_allow_parse(&other, 1, &a, &msg), 0);
	ck_assert_int_eq(fetch(a, ct, &t, err), SH_EDENIED);
	ck_assert_ptr_null(t);
	/* nothing was read */
	ck_assert_int_eq(standin_count("/t/template.yaml"), 0);
	sh_url_allow_free(a);
	json_decref(ct);
}
END_TEST

START_TEST(test_failed_reads)
{
	struct sh_url_allow *a = allow_standin();
	json_t *ct = ct_at("/t/template.yaml"), *t = NULL;
	json_t *none = json_pack("{s:{s:s}}", "metadata", "name", "service");
	char err[256] = "";

	serve("/t/template.yaml", 404, "nope");
	ck_assert_int_eq(fetch(a, ct, &t, err), SH_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(err, ": 404"));
	standin_reset();
	serve("/t/template.yaml", 500, "");
	ck_assert_int_eq(fetch(a, ct, &t, err), SH_EUNAVAIL);
	standin_reset();
	serve("/t/template.yaml", 200, "kind: Location\nmetadata: {}\n");
	ck_assert_int_eq(fetch(a, ct, &t, err), SH_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "no Template"));
	standin_reset();
	standin_misbehave(json_pack("{s:s,s:i}", "mode", "stall", "seconds", 3));
	ck_assert_int_eq(fetch(a, ct, &t, err), SH_ETIMEDOUT);
	ck_assert_int_eq(fetch(a, none, &t, err), SH_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "no " OC_TEMPLATE_URL));
	ck_assert_ptr_null(t);
	json_decref(none);
	json_decref(ct);
	sh_url_allow_free(a);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = { test_fetched, test_not_allowed, test_failed_reads };

	return standin_main("openchoreo_templates_fetch", tests, sizeof tests / sizeof *tests);
}
