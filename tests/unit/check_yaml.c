/*
 * yaml.c, the YAML reader (<stagehand/yaml.h>), on catalog-info.yaml:
 * multi-document files and empty documents, non-mapping roots, any root
 * (sh_yaml_parse_values), syntax error locations, core-schema scalars,
 * duplicate keys, merge keys left literal, aliases (copies, bombs), the
 * depth, size and document caps, and the fixture files (tests/data/catalog).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/errors.h>
#include <stagehand/yaml.h>
#include "testdata.h"
#include "unit.h"

#define LOC "file:/srv/catalog-info.yaml"

static struct sh_yaml_result res;

static int parse(const char *text)
{
	return sh_yaml_parse(text, strlen(text), LOC, &res);
}

static void teardown(void)
{
	sh_yaml_result_free(&res);
}

/* Document i as compact sorted JSON (static buffer for assertions). */
static const char *doc(size_t i)
{
	static char out[4096];
	char *s;

	ck_assert_uint_lt(i, res.ndocs);
	ck_assert_msg(res.docs[i].entity != NULL, "doc %zu: %s", i, res.docs[i].error);
	s = json_dumps(res.docs[i].entity, JSON_COMPACT | JSON_SORT_KEYS);
	snprintf(out, sizeof(out), "%s", s);
	free(s);
	return out;
}

static const char *err(size_t i)
{
	ck_assert_uint_lt(i, res.ndocs);
	ck_assert_ptr_null(res.docs[i].entity);
	return res.docs[i].error;
}

START_TEST(test_multi_document)
{
	ck_assert_int_eq(parse("---\n---\na: 1\n---\n\n---\n# only a comment\n---\nb: x\n...\n"
			       "---\n~\n--- null\n"), 0);
	ck_assert_uint_eq(res.ndocs, 2);
	ck_assert_uint_eq(res.nerrors, 0);
	ck_assert_str_eq(doc(0), "{\"a\":1}");
	ck_assert_str_eq(doc(1), "{\"b\":\"x\"}");
}
END_TEST

START_TEST(test_empty_input)
{
	ck_assert_int_eq(parse(""), 0);
	ck_assert_uint_eq(res.ndocs, 0);
	sh_yaml_result_free(&res);
	ck_assert_int_eq(parse("# nothing here\n\n"), 0);
	ck_assert_uint_eq(res.ndocs, 0);
}
END_TEST

START_TEST(test_non_mapping_root)
{
	ck_assert_int_ne(parse("a: 1\n---\nhello\n---\n- a\n---\n5\n---\n1.5\n---\ntrue\n---\n"
			       "b: 2\n"), 0);
	ck_assert_uint_eq(res.ndocs, 7);
	ck_assert_uint_eq(res.nerrors, 5);
	ck_assert_str_eq(doc(0), "{\"a\":1}");
	ck_assert_str_eq(err(1), "Expected object at root, got string");
	/* Backstage prints `typeof json`, which is "object" for an array. */
	ck_assert_str_eq(err(2), "Expected object at root, got object");
	ck_assert_str_eq(err(3), "Expected object at root, got number");
	ck_assert_str_eq(err(4), "Expected object at root, got number");
	ck_assert_str_eq(err(5), "Expected object at root, got boolean");
	ck_assert_str_eq(doc(6), "{\"b\":2}");
}
END_TEST

/* sh_yaml_parse_values: any root is a value, an empty document null. */
START_TEST(test_values_any_root)
{
	const char *text = "a: 1\n---\nhello\n---\n- x\n- 2\n---\n5\n---\n---\ntrue\n";
	char *s;

	ck_assert_int_eq(sh_yaml_parse_values(text, strlen(text), LOC, &res), 0);
	ck_assert_uint_eq(res.ndocs, 6);
	ck_assert_uint_eq(res.nerrors, 0);
	ck_assert_str_eq(doc(0), "{\"a\":1}");
	ck_assert_str_eq(json_string_value(res.docs[1].entity), "hello");
	s = json_dumps(res.docs[2].entity, JSON_COMPACT);
	ck_assert_str_eq(s, "[\"x\",2]");
	free(s);
	ck_assert_int_eq(json_integer_value(res.docs[3].entity), 5);
	ck_assert(json_is_null(res.docs[4].entity));
	ck_assert(json_is_true(res.docs[5].entity));
	sh_yaml_result_free(&res);
	/* Errors are the same as sh_yaml_parse's. */
	text = "a: 1\na: 2\n";
	ck_assert_int_eq(sh_yaml_parse_values(text, strlen(text), LOC, &res), SH_EINVAL);
	ck_assert_uint_eq(res.ndocs, 1);
	ck_assert_ptr_nonnull(strstr(err(0), "Map keys must be unique"));
}
END_TEST

START_TEST(test_syntax_error_location)
{
	ck_assert_int_eq(parse("x: 1\n---\nmetadata:\n  name: a: b\n"), SH_EINVAL);
	ck_assert_uint_eq(res.ndocs, 2);
	ck_assert_str_eq(doc(0), "{\"x\":1}");
	ck_assert_str_eq(err(1), "YAML error at " LOC ", YAMLParseError: mapping values are "
			 "not allowed in this context at line 4, column 10");
	sh_yaml_result_free(&res);
	ck_assert_int_ne(parse("a: [1, 2\nb: 3\n"), 0);
	ck_assert_uint_eq(res.ndocs, 1);
	ck_assert_ptr_nonnull(strstr(err(0), "YAML error at " LOC ", YAMLParseError: "));
	ck_assert_ptr_nonnull(strstr(err(0), " at line "));
}
END_TEST

START_TEST(test_invalid_utf8)
{
	ck_assert_int_ne(parse("a: \xff\xfe\n"), 0);
	ck_assert_uint_eq(res.nerrors, 1);
	ck_assert_ptr_nonnull(strstr(err(0), "YAML error at " LOC ", YAMLParseError: "));
	sh_yaml_result_free(&res);
	ck_assert_int_ne(sh_yaml_parse("a: b\0c", 6, LOC, &res), 0);
}
END_TEST

/* A NUL escaped into a map key ("\0") is refused, the whole key read
 * (the ASan stage catches a key cut short at its NUL). */
START_TEST(test_nul_in_key)
{
	ck_assert_int_ne(parse("\"a\\0bc\": 1\n"), 0);
	ck_assert_uint_eq(res.nerrors, 1);
	ck_assert_ptr_nonnull(strstr(err(0), "Map keys must not contain NUL characters"));
}
END_TEST

START_TEST(test_core_schema_scalars)
{
	ck_assert_int_eq(parse("n1: null\nn2: Null\nn3: NULL\nn4: ~\nn5:\nb1: true\nb2: True\n"
			       "b3: FALSE\ns1: yes\ns2: no\ns3: on\ns4: off\ns5: nULL\ns6: tRUE\n"
			       "i1: 42\ni2: -7\ni3: +5\ni4: 012\ni5: 0o17\ni6: 0x1F\n"
			       "f1: 1.5\nf2: 1.0\nf3: 1e3\nf4: .5\nf5: -2.5e-1\nf6: 5.\n"
			       "x1: .inf\nx2: -.Inf\nx3: .NaN\nx4: 1e400\n"
			       "s7: 0b101\ns8: 1_000\ns9: 0x\ns10: 1.2.3\ns11: +.nan\ns12: 0o8\n"), 0);
	ck_assert_str_eq(doc(0), "{\"b1\":true,\"b2\":true,\"b3\":false,\"f1\":1.5,\"f2\":1,"
			 "\"f3\":1000,\"f4\":0.5,\"f5\":-0.25,\"f6\":5,\"i1\":42,\"i2\":-7,"
			 "\"i3\":5,\"i4\":12,\"i5\":15,\"i6\":31,\"n1\":null,\"n2\":null,"
			 "\"n3\":null,\"n4\":null,\"n5\":null,\"s1\":\"yes\",\"s10\":\"1.2.3\","
			 "\"s11\":\"+.nan\",\"s12\":\"0o8\",\"s2\":\"no\",\"s3\":\"on\","
			 "\"s4\":\"off\",\"s5\":\"nULL\",\"s6\":\"tRUE\",\"s7\":\"0b101\","
			 "\"s8\":\"1_000\",\"s9\":\"0x\",\"x1\":null,\"x2\":null,\"x3\":null,"
			 "\"x4\":null}");
}
END_TEST

START_TEST(test_quoted_and_tagged)
{
	ck_assert_int_eq(parse("q1: \"12\"\nq2: 'true'\nq3: \"\"\nq4: 'null'\n"
			       "l: |\n  12\nf: >-\n  a\n  b\nt1: !!str 5\nt2: !!int \"7\"\n"
			       "t3: !custom 9\nt4: ! 10\nt5: !!bool yes\nt6: !!float 3\n"), 0);
	ck_assert_str_eq(doc(0), "{\"f\":\"a b\",\"l\":\"12\\n\",\"q1\":\"12\",\"q2\":\"true\","
			 "\"q3\":\"\",\"q4\":\"null\",\"t1\":\"5\",\"t2\":7,\"t3\":\"9\","
			 "\"t4\":\"10\",\"t5\":\"yes\",\"t6\":3}");
}
END_TEST

START_TEST(test_keys)
{
	ck_assert_int_eq(parse("1: a\n1.5: b\ntrue: c\n~: d\n\"2\": e\n0x10: f\n"), 0);
	ck_assert_str_eq(doc(0), "{\"\":\"d\",\"1\":\"a\",\"1.5\":\"b\",\"16\":\"f\","
			 "\"2\":\"e\",\"true\":\"c\"}");
	sh_yaml_result_free(&res);
	ck_assert_int_ne(parse("? [a, b]\n: 1\n"), 0);
	ck_assert_str_eq(err(0), "YAML error at " LOC ", YAMLParseError: Complex map keys are "
			 "not supported at line 1, column 3");
}
END_TEST

START_TEST(test_duplicate_keys)
{
	ck_assert_int_ne(parse("metadata:\n  name: a\n  name: b\n---\nok: 1\n"), 0);
	ck_assert_uint_eq(res.ndocs, 2);
	ck_assert_str_eq(err(0), "YAML error at " LOC ", YAMLParseError: Map keys must be "
			 "unique at line 3, column 3");
	ck_assert_str_eq(doc(1), "{\"ok\":1}");
	sh_yaml_result_free(&res);
	/* Keys compare by their JSON text: 1 and 0x1 are the same key. */
	ck_assert_int_ne(parse("1: a\n0x1: b\n"), 0);
	ck_assert_uint_eq(res.nerrors, 1);
}
END_TEST

START_TEST(test_merge_key_literal)
{
	ck_assert_int_eq(parse("base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n"), 0);
	ck_assert_str_eq(doc(0), "{\"base\":{\"x\":1},\"d\":{\"<<\":{\"x\":1},\"y\":2}}");
}
END_TEST

START_TEST(test_aliases_are_copies)
{
	json_t *a, *b;

	ck_assert_int_eq(parse("a: &m {name: x}\nb: *m\nc: &s hello\nd: *s\n*s : k\n"), 0);
	ck_assert_str_eq(doc(0), "{\"a\":{\"name\":\"x\"},\"b\":{\"name\":\"x\"},"
			 "\"c\":\"hello\",\"d\":\"hello\",\"hello\":\"k\"}");
	a = json_object_get(res.docs[0].entity, "a");
	b = json_object_get(res.docs[0].entity, "b");
	ck_assert_ptr_ne(a, b);
	json_object_set_new(a, "namespace", json_string("default"));
	ck_assert_ptr_null(json_object_get(b, "namespace"));
	sh_yaml_result_free(&res);
	ck_assert_int_ne(parse("a: *nope\n"), 0);
	ck_assert_str_eq(err(0), "YAML error at " LOC ", YAMLParseError: Aliased anchor not "
			 "found: nope at line 1, column 4");
	sh_yaml_result_free(&res);
	/* Anchors do not cross documents. */
	ck_assert_int_ne(parse("a: &x 1\n---\nb: *x\n"), 0);
	ck_assert_uint_eq(res.ndocs, 2);
	ck_assert_uint_eq(res.nerrors, 1);
}
END_TEST

START_TEST(test_alias_bomb)
{
	ck_assert_int_ne(parse("a: &a [x, x, x, x, x, x, x, x, x, x]\n"
			       "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
			       "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
			       "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
			       "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
			       "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
			       "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
			       "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"), 0);
	ck_assert_uint_eq(res.ndocs, 1);
	ck_assert_ptr_nonnull(strstr(err(0), "YAMLParseError: Excessive alias count indicates "
				     "a resource exhaustion attack at line 5"));
}
END_TEST

static char *nested(int depth)
{
	char *s = malloc((size_t)depth * 2 + 16);
	int i, n = 0;

	n += snprintf(s, 8, "a: ");
	for (i = 0; i < depth - 1; i++)
		s[n++] = '[';
	s[n++] = '1';
	for (i = 0; i < depth - 1; i++)
		s[n++] = ']';
	s[n] = '\0';
	return s;
}

START_TEST(test_depth_cap)
{
	char *ok = nested(SH_YAML_MAX_DEPTH), *deep = nested(SH_YAML_MAX_DEPTH + 1);

	ck_assert_int_eq(parse(ok), 0);
	sh_yaml_result_free(&res);
	ck_assert_int_ne(parse(deep), 0);
	ck_assert_str_eq(err(0), "YAML error at " LOC ", YAMLParseError: Document nesting is "
			 "deeper than 64 levels at line 1, column 67");
	sh_yaml_result_free(&res);
	/* An alias that would go over the cap through its own nesting. */
	ck_assert_int_ne(parse("a: &x [[[[1]]]]\nb: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
			       "[[[[[[[[[[[[[[[[[*x]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
			       "]]]]]]]]]]]]]]]]]\n"), 0);
	ck_assert_ptr_nonnull(strstr(err(0), "Document nesting is deeper than 64 levels"));
	free(ok);
	free(deep);
}
END_TEST

START_TEST(test_size_cap)
{
	size_t n = SH_YAML_MAX_INPUT + 1;
	char *big = malloc(n);

	memset(big, ' ', n);
	ck_assert_int_ne(sh_yaml_parse(big, n, LOC, &res), 0);
	ck_assert_uint_eq(res.ndocs, 1);
	ck_assert_str_eq(err(0), "YAML error at " LOC ", YAMLParseError: Input of 4194305 bytes "
			 "is over the limit of 4194304 bytes at line 1, column 1");
	free(big);
}
END_TEST

START_TEST(test_document_cap)
{
	size_t n = (SH_YAML_MAX_DOCS + 1) * 6, i;
	char *s = malloc(n + 1);

	for (i = 0; i < SH_YAML_MAX_DOCS + 1; i++)
		memcpy(s + i * 6, "--- 1\n", 6);
	s[n] = '\0';
	ck_assert_int_ne(parse(s), 0);
	ck_assert_uint_eq(res.nerrors, SH_YAML_MAX_DOCS + 1);
	ck_assert_str_eq(err(SH_YAML_MAX_DOCS), "YAML error at " LOC ", YAMLParseError: "
			 "More than 10000 documents at line 10001, column 1");
	free(s);
}
END_TEST

static const struct { const char *file; size_t docs; const char *first; } fixtures[] = {
	{ "all.yaml", 1, "oracle-fixtures" },
	{ "apis.yaml", 3, "checkout-api" },
	{ "components.yaml", 8, "checkout-web" },
	{ "org.yaml", 8, "engineering" },
	{ "system.yaml", 5, "payments" },
	{ "registered/catalog-info.yaml", 1, "status-page" },
};

START_TEST(test_fixtures)
{
	size_t len;
	char *buf = testdata_read(fixtures[_i].file, &len);
	json_t *md;

	ck_assert_int_eq(sh_yaml_parse(buf, len, LOC, &res), 0);
	ck_assert_uint_eq(res.ndocs, fixtures[_i].docs);
	md = json_object_get(res.docs[0].entity, "metadata");
	ck_assert_str_eq(json_string_value(json_object_get(md, "name")), fixtures[_i].first);
	free(buf);
}
END_TEST

START_TEST(test_fixture_block_scalar)
{
	size_t len;
	char *buf = testdata_read("apis.yaml", &len);
	const char *def;

	ck_assert_int_eq(sh_yaml_parse(buf, len, LOC, &res), 0);
	def = json_string_value(json_object_get(json_object_get(res.docs[1].entity, "spec"),
						"definition"));
	ck_assert_ptr_nonnull(def);
	ck_assert_int_eq(strncmp(def, "syntax = \"proto3\";\npackage payments.v1;\n", 40), 0);
	free(buf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("yaml");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_multi_document);
	tcase_add_test(tc, test_empty_input);
	tcase_add_test(tc, test_non_mapping_root);
	tcase_add_test(tc, test_values_any_root);
	tcase_add_test(tc, test_syntax_error_location);
	tcase_add_test(tc, test_invalid_utf8);
	tcase_add_test(tc, test_nul_in_key);
	tcase_add_test(tc, test_core_schema_scalars);
	tcase_add_test(tc, test_quoted_and_tagged);
	tcase_add_test(tc, test_keys);
	tcase_add_test(tc, test_duplicate_keys);
	tcase_add_test(tc, test_merge_key_literal);
	tcase_add_test(tc, test_aliases_are_copies);
	tcase_add_test(tc, test_alias_bomb);
	tcase_add_test(tc, test_depth_cap);
	tcase_add_test(tc, test_size_cap);
	tcase_add_test(tc, test_document_cap);
	tcase_add_loop_test(tc, test_fixtures, 0, (int)(sizeof(fixtures) / sizeof(fixtures[0])));
	tcase_add_test(tc, test_fixture_block_scalar);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
