/*
 * Cursors: base64 padding and decode lengths, the offset `after` cursor with
 * Backstage's messages, and the by-query cursor round trip and validation
 * ("Malformed cursor: <reason>").
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/errors.h>

#include "../../plugins/catalog/cursor.h"
#include "unit.h"

START_TEST(test_base64)
{
	static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const enc[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
					   "Zm9vYmFy" };
	static const struct {
		const char *in, *out;
	} lenient[] = {
		{ "Zm9vYg", "foob" }, { "Zm9vYmE==", "fooba" }, { "-_8", "\xfb\xff" },
		{ "+/+/", "\xfb\xff\xbf" }, { "QR", "A" }, { "QUJ=", "AB" },
	};
	unsigned char *d;
	size_t i, n;
	char *e;

	for (i = 0; i < 7; i++) {
		e = catalog_cursor_base64_encode((const unsigned char *)plain[i], strlen(plain[i]));
		ck_assert_str_eq(e, enc[i]);
		free(e);
		d = catalog_cursor_base64_decode(enc[i], &n);
		ck_assert_uint_eq(n, strlen(plain[i]));
		ck_assert(!memcmp(d, plain[i], n));
		free(d);
	}
	/* What Node's Buffer.from(s, 'base64') reads: no padding, too much of
	 * it, URL-safe letters, and unused low bits of a last partial group */
	for (i = 0; i < sizeof(lenient) / sizeof(*lenient); i++) {
		d = catalog_cursor_base64_decode(lenient[i].in, &n);
		ck_assert_ptr_nonnull(d);
		ck_assert_uint_eq(n, strlen(lenient[i].out));
		ck_assert(!memcmp(d, lenient[i].out, n));
		free(d);
	}
	ck_assert_ptr_null(catalog_cursor_base64_decode("Zm9vY", &n));
	ck_assert_ptr_null(catalog_cursor_base64_decode("Zm=9v", &n));
	ck_assert_ptr_null(catalog_cursor_base64_decode("Zm9v!", &n));
}
END_TEST

static void offset_err(const char *s, const char *want)
{
	struct catalog_offset_cursor c;
	char *err;

	ck_assert_int_eq(catalog_cursor_offset_decode(s, &c, &err), SH_EINVAL);
	ck_assert_str_eq(err, want);
	free(err);
}

START_TEST(test_offset)
{
	struct catalog_offset_cursor c;
	char *s = catalog_cursor_offset_encode(20, 40), *err;

	/* {"limit":20,"offset":40} */
	ck_assert_str_eq(s, "eyJsaW1pdCI6MjAsIm9mZnNldCI6NDB9");
	ck_assert_int_eq(catalog_cursor_offset_decode(s, &c, &err), 0);
	ck_assert(c.has_limit && c.limit == 20 && c.has_offset && c.offset == 40);
	free(s);
	/* {"offset":5.0} */
	ck_assert_int_eq(catalog_cursor_offset_decode("eyJvZmZzZXQiOjUuMH0=", &c, &err), 0);
	ck_assert(!c.has_limit && c.has_offset && c.offset == 5);
	offset_err("", "Invalid after, must not be empty");
	offset_err("!!!", "Malformed after cursor, could not be parsed");
	offset_err("bm90IGpzb24=", "Malformed after cursor, could not be parsed");
	/* {"limit":"1"} and {"offset":1.5} */
	offset_err("eyJsaW1pdCI6IjEifQ==", "Malformed after cursor, limit was not an number");
	offset_err("eyJvZmZzZXQiOjEuNX0=", "Malformed after cursor, offset was not a number");
}
END_TEST

static char *b64(const char *json)
{
	return catalog_cursor_base64_encode((const unsigned char *)json, strlen(json));
}

static void query_err(const char *json, const char *want)
{
	struct catalog_query_cursor c;
	char *s = b64(json), *err;

	ck_assert_int_eq(catalog_cursor_query_decode(s, &c, &err), SH_EINVAL);
	ck_assert_str_eq(err, want);
	catalog_cursor_query_clear(&c);
	free(err);
	free(s);
}

START_TEST(test_query_round_trip)
{
	struct catalog_query_cursor c = { 0 }, d;
	struct catalog_cursor_order order = { "metadata.name", 1 };
	char *s, *err;
	json_t *j;
	unsigned char *raw;
	size_t n;

	c.order = &order;
	c.n_order = 1;
	c.order_values = json_pack("[s,s]", "pet", "0a1b2c3d-0000-4000-8000-00000000abcd");
	c.query = json_pack("{s:[{s:s}]}", "$all", "kind", "component");
	c.has_total_items = 1;
	c.total_items = 42;
	s = catalog_cursor_query_encode(&c);
	raw = catalog_cursor_base64_decode(s, &n);
	/* Backstage's key order: orderFields, isPrevious, query, fullTextFilter,
	 * orderFieldValues, firstSortFieldValues, totalItems. */
	ck_assert_str_eq((char *)raw, "{\"orderFields\":[{\"field\":\"metadata.name\",\"order\":\"desc\"}],"
				      "\"isPrevious\":false,\"query\":{\"$all\":[{\"kind\":\"component\"}]},"
				      "\"orderFieldValues\":[\"pet\",\"0a1b2c3d-0000-4000-8000-00000000abcd\"],"
				      "\"totalItems\":42}");
	free(raw);
	ck_assert_int_eq(strlen(s) % 4, 0);
	ck_assert_int_eq(catalog_cursor_query_decode(s, &d, &err), 0);
	ck_assert_uint_eq(d.n_order, 1);
	ck_assert_str_eq(d.order[0].field, "metadata.name");
	ck_assert(d.order[0].desc);
	ck_assert(json_equal(d.order_values, c.order_values));
	ck_assert(json_equal(d.query, c.query));
	ck_assert(d.has_total_items && d.total_items == 42);
	ck_assert(!d.is_previous && !d.full_text && !d.first_values);
	catalog_cursor_query_clear(&d);
	free(s);
	json_decref(c.order_values);
	json_decref(c.query);
	/* unordered, with the optional parts */
	j = json_pack("{s:[],s:[s],s:b,s:{s:s,s:[s]},s:[s,n]}", "orderFields", "orderFieldValues",
		      "0a1b2c3d-0000-4000-8000-00000000abcd", "isPrevious", 1, "fullTextFilter", "term", "x", "fields", "a",
		      "firstSortFieldValues", "v");
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	raw = (unsigned char *)b64(s);
	free(s);
	ck_assert_int_eq(catalog_cursor_query_decode((char *)raw, &d, &err), 0);
	ck_assert(d.is_previous && d.n_order == 0 && d.full_text && d.first_values);
	catalog_cursor_query_clear(&d);
	free(raw);
}
END_TEST

START_TEST(test_query_errors)
{
	struct catalog_query_cursor c;
	char *err;

	ck_assert_int_eq(catalog_cursor_query_decode("%%%", &c, &err), SH_EINVAL);
	ck_assert_str_eq(err, "Malformed cursor: could not be parsed");
	free(err);
	query_err("[1]", "Malformed cursor: could not be parsed");
	query_err("{}", "Malformed cursor: orderFields must be an array");
	query_err("{\"orderFields\":[{\"field\":\"a\",\"order\":\"up\"}]}",
		  "Malformed cursor: orderFields items must be {field, order: asc|desc}");
	query_err("{\"orderFields\":[],\"orderFieldValues\":[1]}",
		  "Malformed cursor: orderFieldValues must be an array of strings");
	query_err("{\"orderFields\":[],\"orderFieldValues\":[\"a\",\"x; DROP\"]}",
		  "Malformed cursor: orderFieldValues must end with an entity uid");
	query_err("{\"orderFields\":[],\"orderFieldValues\":[\"0a1b2c3d-0000-4000-8000-00000000abcd0\"]}",
		  "Malformed cursor: orderFieldValues must end with an entity uid");
	query_err("{\"orderFields\":[],\"orderFieldValues\":[],\"isPrevious\":0}",
		  "Malformed cursor: isPrevious must be a boolean");
	query_err("{\"orderFields\":[],\"orderFieldValues\":[],\"isPrevious\":true,\"query\":\"x\"}",
		  "Malformed cursor: query must be an object");
	query_err("{\"orderFields\":[],\"orderFieldValues\":[],\"isPrevious\":true,"
		  "\"fullTextFilter\":{\"term\":1}}",
		  "Malformed cursor: fullTextFilter must be an object with a string term");
	query_err("{\"orderFields\":[],\"orderFieldValues\":[],\"isPrevious\":true,"
		  "\"totalItems\":-1}", "Malformed cursor: totalItems must be a non-negative integer");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("catalog_cursor");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_base64);
	tcase_add_test(tc, test_offset);
	tcase_add_test(tc, test_query_round_trip);
	tcase_add_test(tc, test_query_errors);
	suite_add_tcase(s, tc);
	return sh_unit_run(s);
}
