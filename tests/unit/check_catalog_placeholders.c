/*
 * $text, $json and $yaml placeholders (spec §9.2) over an in-memory set of
 * files: targets relative to file: and url: bases, what is left alone,
 * Backstage's error messages, and the per-file read budget.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <stagehand/errors.h>

#include "../../plugins/catalog/placeholders.h"
#include "unit.h"

/* The files the fake reader serves: location ref -> contents (NULL: 404). */
static const char *const files[][2] = {
	{ "file:/srv/cat/readme.txt", "hello\nworld\n" },
	{ "file:/srv/cat/api.json", "{\"openapi\": \"3.0.0\", \"n\": [1, 2]}" },
	{ "file:/srv/cat/bad.json", "{\"openapi\": " },
	{ "file:/srv/cat/list.yaml", "- a\n- b: 1\n" },
	{ "file:/srv/cat/two.yaml", "a: 1\n---\nb: 2\n" },
	{ "file:/srv/cat/empty.yaml", "" },
	{ "file:/srv/cat/broken.yaml", "a: [1\n" },
	{ "file:/srv/cat/nested.json", "{\"$text\": \"./readme.txt\"}" },
	{ "file:/srv/other/x.txt", "other" },
	{ "file:/srv/cat/bin.txt", "a\xff" "b\xc3\xa9" },
	{ "url:http://h/cat/readme.txt", "from url" },
	{ "url:http://h/docs/spec.yaml", "openapi: 3.0.0\n" },
};

static int fake_read(void *ctx, const char *loc, char **buf, size_t *len, char **why)
{
	int *reads = ctx;

	(*reads)++;
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		if (strcmp(files[i][0], loc) == 0) {
			*len = strcmp(loc, "file:/srv/cat/bin.txt") == 0 ? 5 : strlen(files[i][1]);
			*buf = malloc(*len + 1);
			memcpy(*buf, files[i][1], *len + 1);
			return 0;
		}
	}
	*why = malloc(strlen(loc) + 64);
	snprintf(*why, strlen(loc) + 64, "NotFoundError: could not read %s", loc);
	return SH_ENOTFOUND;
}

static int reads;

static struct catalog_placeholders budget(void)
{
	struct catalog_placeholders ph = {
		.read = fake_read, .ctx = &reads, .bytes_left = CATALOG_PLACEHOLDER_MAX_BYTES,
		.reads_left = CATALOG_PLACEHOLDER_MAX_READS,
	};

	reads = 0;
	return ph;
}

/* Resolves `in` (JSON text) under base; compares with `want` (JSON text)
 * or, when err_want is set, with that error. */
static void expect(const char *base, const char *in, const char *want, const char *err_want)
{
	struct catalog_placeholders ph = budget();
	json_error_t jerr;
	json_t *e = json_loads(in, 0, &jerr), *w;
	char *err = NULL;
	int rc;

	ck_assert_msg(e != NULL, "bad test JSON %s", in);
	rc = catalog_placeholders_resolve(&ph, e, base, &err);
	if (err_want) {
		ck_assert_msg(rc == SH_EINVAL, "%s: no error", in);
		ck_assert_msg(strcmp(err, err_want) == 0, "%s: error\n  %s\nwant\n  %s", in, err,
			      err_want);
		free(err);
	} else {
		char *got = json_dumps(e, JSON_SORT_KEYS | JSON_COMPACT);

		ck_assert_msg(rc == 0, "%s: %s", in, err);
		w = json_loads(want, 0, &jerr);
		ck_assert_msg(w != NULL, "bad want JSON %s", want);
		ck_assert_msg(json_equal(e, w), "%s: got %s", in, got);
		free(got);
		json_decref(w);
	}
	json_decref(e);
}

START_TEST(test_resolve)
{
	const char *b = "file:/srv/cat/all.yaml";

	expect(b, "{\"spec\": {\"definition\": {\"$text\": \"./readme.txt\"}}}",
	       "{\"spec\": {\"definition\": \"hello\\nworld\\n\"}}", NULL);
	expect(b, "{\"spec\": {\"definition\": {\"$text\": \"readme.txt\"}}}",
	       "{\"spec\": {\"definition\": \"hello\\nworld\\n\"}}", NULL);
	expect(b, "{\"spec\": {\"d\": {\"$text\": \"../other/x.txt\"}}}",
	       "{\"spec\": {\"d\": \"other\"}}", NULL);
	expect(b, "{\"spec\": {\"d\": {\"$text\": \"/srv/other/x.txt\"}}}",
	       "{\"spec\": {\"d\": \"other\"}}", NULL);
	expect(b, "{\"spec\": {\"d\": {\"$json\": \"./api.json\"}}}",
	       "{\"spec\": {\"d\": {\"openapi\": \"3.0.0\", \"n\": [1, 2]}}}", NULL);
	expect(b, "{\"spec\": {\"d\": [1, {\"$yaml\": \"./list.yaml\"}]}}",
	       "{\"spec\": {\"d\": [1, [\"a\", {\"b\": 1}]]}}", NULL);
	/* what a placeholder brings in is not searched again */
	expect(b, "{\"spec\": {\"d\": {\"$json\": \"./nested.json\"}}}",
	       "{\"spec\": {\"d\": {\"$text\": \"./readme.txt\"}}}", NULL);
	/* invalid UTF-8 becomes U+FFFD */
	expect(b, "{\"d\": {\"$text\": \"./bin.txt\"}}", "{\"d\": \"a\\ufffdb\\u00e9\"}", NULL);
	/* url bases: RFC 3986, and absolute URLs from any base */
	expect("url:http://h/cat/all.yaml", "{\"d\": {\"$text\": \"./readme.txt\"}}",
	       "{\"d\": \"from url\"}", NULL);
	expect("url:http://h/cat/all.yaml", "{\"d\": {\"$yaml\": \"../docs/spec.yaml\"}}",
	       "{\"d\": {\"openapi\": \"3.0.0\"}}", NULL);
	expect(b, "{\"d\": {\"$text\": \"http://h/cat/readme.txt\"}}", "{\"d\": \"from url\"}",
	       NULL);
}
END_TEST

START_TEST(test_left_alone)
{
	const char *b = "file:/srv/cat/all.yaml";

	expect(b, "{\"s\": {\"$ref\": \"#/definitions/node\"}}",
	       "{\"s\": {\"$ref\": \"#/definitions/node\"}}", NULL);
	expect(b, "{\"s\": {\"$text\": \"./readme.txt\", \"other\": 1}}",
	       "{\"s\": {\"$text\": \"./readme.txt\", \"other\": 1}}", NULL);
	expect(b, "{\"s\": {\"$text\": 42}}", "{\"s\": {\"$text\": 42}}", NULL);
	/* an object with a $-key is not searched inside either */
	expect(b, "{\"s\": {\"$x\": {\"a\": {\"$text\": \"./readme.txt\"}}}}",
	       "{\"s\": {\"$x\": {\"a\": {\"$text\": \"./readme.txt\"}}}}", NULL);
	ck_assert_int_eq(reads, 0);
}
END_TEST

START_TEST(test_errors)
{
	const char *b = "file:/srv/cat/all.yaml";

	expect(b, "{\"d\": {\"$text\": \"./missing.txt\"}}", NULL,
	       "Placeholder $text could not read location ./missing.txt, NotFoundError: could "
	       "not read file:/srv/cat/missing.txt");
	expect(b, "{\"d\": {\"$json\": \"./bad.json\"}}", NULL,
	       "Placeholder $json failed to parse JSON data at ./bad.json, SyntaxError: "
	       "unexpected token near end of file at line 1, column 12");
	expect(b, "{\"d\": {\"$yaml\": \"./two.yaml\"}}", NULL,
	       "Placeholder $yaml expected to find exactly one document of data at ./two.yaml, "
	       "found 2");
	expect(b, "{\"d\": {\"$yaml\": \"./empty.yaml\"}}", NULL,
	       "Placeholder $yaml expected to find exactly one document of data at ./empty.yaml, "
	       "found 0");
	expect(b, "{\"d\": {\"$yaml\": \"./broken.yaml\"}}", NULL,
	       "Placeholder $yaml found an error in the data at ./broken.yaml, YAMLParseError: "
	       "did not find expected ',' or ']' at line 2, column 1");
	expect("url:http://h/cat/all.yaml", "{\"d\": {\"$text\": \"\"}}", "{\"d\": \"from url\"}",
	       "Placeholder $text could not read location , NotFoundError: could not read "
	       "url:http://h/cat/all.yaml");
	expect("file:/srv/cat/all.yaml", "{\"d\": {\"$text\": \"\"}}", NULL,
	       "Placeholder $text could not form a URL out of /srv/cat/all.yaml and , "
	       "TypeError: Invalid URL");
}
END_TEST

START_TEST(test_budget)
{
	struct catalog_placeholders ph = budget();
	json_t *e = json_object(), *arr = json_array();
	char *err = NULL;

	for (unsigned i = 0; i < CATALOG_PLACEHOLDER_MAX_READS + 1; i++)
		json_array_append_new(arr, json_pack("{s:s}", "$text", "./readme.txt"));
	json_object_set_new(e, "d", arr);
	ck_assert_int_eq(catalog_placeholders_resolve(&ph, e, "file:/srv/cat/a.yaml", &err),
			 SH_EINVAL);
	ck_assert_str_eq(err, "Placeholder $text could not read location ./readme.txt, Error: a "
			      "file may have at most 64 placeholders");
	ck_assert_int_eq(reads, CATALOG_PLACEHOLDER_MAX_READS);
	free(err);
	json_decref(e);

	ph = budget();
	ph.bytes_left = 8;
	e = json_pack("{s:{s:s}}", "d", "$text", "./readme.txt");
	ck_assert_int_eq(catalog_placeholders_resolve(&ph, e, "file:/srv/cat/a.yaml", &err),
			 SH_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "may read at most"));
	free(err);
	json_decref(e);
}
END_TEST

START_TEST(test_targets)
{
	static const char *const cases[][3] = {
		{ "file:/srv/cat/all.yaml", "./x.yaml", "file:/srv/cat/x.yaml" },
		{ "file:/srv/cat/all.yaml", "../../../x.yaml", "file:/x.yaml" },
		{ "file:/srv/cat/all.yaml", "/etc/x", "file:/etc/x" },
		{ "file:/srv/cat/all.yaml", "https://h/a/../b", "url:https://h/b" },
		{ "url:https://h/a/all.yaml", "./b/c.yaml", "url:https://h/a/b/c.yaml" },
		{ "url:https://h/a/all.yaml", "/x.yaml", "url:https://h/x.yaml" },
		{ "url:https://h/a/all.yaml", "file:///etc/passwd", "url:file:///etc/passwd" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *got = catalog_placeholder_target(cases[i][0], cases[i][1]);

		ck_assert_msg(got && strcmp(got, cases[i][2]) == 0, "%s against %s: %s", cases[i][1],
			      cases[i][0], got ? got : "NULL");
		free(got);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("catalog_placeholders");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_resolve);
	tcase_add_test(tc, test_left_alone);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_budget);
	tcase_add_test(tc, test_targets);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
