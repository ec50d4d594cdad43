/*
 * Cursor encode/decode (spec §5.1, §5.2) over the host's base64
 * (<stagehand/codec.h>); decoding accepts what Node's Buffer.from(s,
 * 'base64') accepts in practice (padding optional, URL-safe letters) and
 * the JSON is validated field by field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/codec.h>
#include <stagehand/errors.h>

#include "cursor.h"
#include "util.h"

char *catalog_cursor_base64_encode(const unsigned char *d, size_t n)
{
	char *out = sh_xmalloc(SH_BASE64_ENCODED_SIZE(n));

	sh_base64_encode(out, d, n, SH_B64_STD);
	return out;
}

/*
 * What Node's Buffer.from(s, 'base64') reads, in the one spelling the
 * strict decoder takes: either alphabet as the URL one, padding dropped,
 * and the unused low bits of a last partial group cleared (Node ignores
 * them).  Returns the length, or -1 when no decoder could read s.
 */
static ssize_t normalise(const char *s, char *out)
{
	static const char url[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t len = strlen(s);
	const char *at;

	if (len && s[len - 1] == '=')
		len--;
	if (len && s[len - 1] == '=')
		len--;
	if (len % 4 == 1)
		return -1;
	for (size_t i = 0; i < len; i++)
		out[i] = s[i] == '+' ? '-' : s[i] == '/' ? '_' : s[i];
	if (len % 4 > 1 && out[len - 1] != '\0' && (at = strchr(url, out[len - 1])) != NULL)
		out[len - 1] = url[(at - url) & (len % 4 == 2 ? 0x30 : 0x3c)];
	return (ssize_t)len;
}

unsigned char *catalog_cursor_base64_decode(const char *s, size_t *n)
{
	char *norm = sh_xmalloc(strlen(s) + 1);
	ssize_t len = normalise(s, norm), got = -1;
	unsigned char *out = NULL;

	if (len >= 0) {
		out = sh_xmalloc(SH_BASE64_DECODED_MAX((size_t)len) + 1);
		got = sh_base64_decode(out, norm, (size_t)len, SH_B64_URL);
	}
	free(norm);
	if (got < 0) {
		free(out);
		return NULL;
	}
	out[got] = '\0';
	*n = (size_t)got;
	return out;
}

/* base64(JSON) -> object; NULL when either layer is malformed. */
static json_t *decode_json(const char *s)
{
	size_t n;
	unsigned char *raw = catalog_cursor_base64_decode(s, &n);
	json_t *j;

	if (!raw)
		return NULL;
	j = json_loadb((const char *)raw, n, JSON_DECODE_ANY, NULL);
	free(raw);
	if (j && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

static char *encode_json(const json_t *j)
{
	char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER), *out;

	if (!text)
		abort();
	out = catalog_cursor_base64_encode((const unsigned char *)text, strlen(text));
	free(text);
	return out;
}

char *catalog_cursor_offset_encode(long long limit, long long offset)
{
	json_t *j = json_pack("{s:I,s:I}", "limit", (json_int_t)limit, "offset", (json_int_t)offset);
	char *out;

	if (!j)
		abort();
	out = encode_json(j);
	json_decref(j);
	return out;
}

/* Number.isInteger on a JSON value. */
static int js_integer(const json_t *v, long long *out)
{
	double d;

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 1;
	}
	if (!json_is_real(v))
		return 0;
	d = json_real_value(v);
	if (d != (double)(long long)d || d < -9.2e18 || d > 9.2e18)
		return 0;
	*out = (long long)d;
	return 1;
}

int catalog_cursor_offset_decode(const char *s, struct catalog_offset_cursor *out, char **err)
{
	const json_t *v;
	json_t *j;
	const char *msg = NULL;

	memset(out, 0, sizeof(*out));
	*err = NULL;
	if (!*s)
		msg = "Invalid after, must not be empty";
	else if (!(j = decode_json(s)))
		msg = "Malformed after cursor, could not be parsed";
	else {
		if ((v = json_object_get(j, "limit")) && !(out->has_limit = js_integer(v, &out->limit)))
			msg = "Malformed after cursor, limit was not an number";
		else if ((v = json_object_get(j, "offset")) &&
			 !(out->has_offset = js_integer(v, &out->offset)))
			msg = "Malformed after cursor, offset was not a number";
		json_decref(j);
	}
	if (msg) {
		*err = sh_xstrdup(msg);
		return SH_EINVAL;
	}
	return 0;
}

char *catalog_cursor_query_encode(const struct catalog_query_cursor *c)
{
	json_t *j = json_object(), *order = json_array();
	char *out;
	size_t i;

	if (!j || !order)
		abort();
	for (i = 0; i < c->n_order; i++)
		json_array_append_new(order, json_pack("{s:s,s:s}", "field", c->order[i].field,
						       "order", c->order[i].desc ? "desc" : "asc"));
	/* Key order of Backstage's cursors: its defaults, then the request's
	 * parts, then the position of the page. */
	json_object_set_new(j, "orderFields", order);
	json_object_set_new(j, "isPrevious", json_boolean(c->is_previous));
	if (c->query)
		json_object_set(j, "query", c->query);
	if (c->full_text)
		json_object_set(j, "fullTextFilter", c->full_text);
	json_object_set_new(j, "orderFieldValues",
			    c->order_values ? json_incref(c->order_values) : json_array());
	if (c->first_values)
		json_object_set(j, "firstSortFieldValues", c->first_values);
	if (c->has_total_items)
		json_object_set_new(j, "totalItems", json_integer(c->total_items));
	out = encode_json(j);
	json_decref(j);
	return out;
}

/* An array whose items are strings or null. */
static int string_array(const json_t *v)
{
	const json_t *item;
	size_t i;

	if (!json_is_array(v))
		return 0;
	json_array_foreach(v, i, item)
		if (!json_is_string(item) && !json_is_null(item))
			return 0;
	return 1;
}

static const char *take_order(const json_t *v, struct catalog_query_cursor *out)
{
	const json_t *item;
	size_t i;

	if (!json_is_array(v))
		return "orderFields must be an array";
	out->order = sh_xmalloc(json_array_size(v) * sizeof(*out->order));
	json_array_foreach(v, i, item) {
		const char *field = json_string_value(json_object_get(item, "field"));
		const char *order = json_string_value(json_object_get(item, "order"));

		if (!field || !order || (strcmp(order, "asc") && strcmp(order, "desc")))
			return "orderFields items must be {field, order: asc|desc}";
		out->order[i].field = sh_xstrdup(field);
		out->order[i].desc = !strcmp(order, "desc");
		out->n_order = i + 1;
	}
	return NULL;
}

static const char *take_full_text(const json_t *v, struct catalog_query_cursor *out)
{
	const json_t *fields = json_object_get(v, "fields"), *item;
	size_t i;

	if (!json_is_object(v) || !json_is_string(json_object_get(v, "term")))
		return "fullTextFilter must be an object with a string term";
	if (fields && !json_is_array(fields))
		return "fullTextFilter.fields must be an array of strings";
	json_array_foreach(fields, i, item)
		if (!json_is_string(item))
			return "fullTextFilter.fields must be an array of strings";
	out->full_text = json_incref((json_t *)v);
	return NULL;
}

static const char *take_optional(const json_t *j, struct catalog_query_cursor *out)
{
	const json_t *v;
	const char *why;

	if ((v = json_object_get(j, "query"))) {
		if (!json_is_object(v))
			return "query must be an object";
		out->query = json_incref((json_t *)v);
	}
	if ((v = json_object_get(j, "fullTextFilter")) && (why = take_full_text(v, out)))
		return why;
	if ((v = json_object_get(j, "firstSortFieldValues"))) {
		if (!string_array(v))
			return "firstSortFieldValues must be an array of strings";
		out->first_values = json_incref((json_t *)v);
	}
	if ((v = json_object_get(j, "totalItems"))) {
		if (!js_integer(v, &out->total_items) || out->total_items < 0)
			return "totalItems must be a non-negative integer";
		out->has_total_items = 1;
	}
	return NULL;
}

static const char *take_cursor(const json_t *j, struct catalog_query_cursor *out)
{
	const json_t *v, *last;
	const char *why;

	if ((why = take_order(json_object_get(j, "orderFields"), out)))
		return why;
	v = json_object_get(j, "orderFieldValues");
	if (!string_array(v))
		return "orderFieldValues must be an array of strings";
	/* its last value is the row's uid (compared as a uuid), or null */
	last = json_array_get(v, json_array_size(v) - 1);
	if (json_is_string(last) && !catalog_is_uuid(json_string_value(last)))
		return "orderFieldValues must end with an entity uid";
	out->order_values = json_incref((json_t *)v);
	v = json_object_get(j, "isPrevious");
	if (!json_is_boolean(v))
		return "isPrevious must be a boolean";
	out->is_previous = json_is_true(v);
	return take_optional(j, out);
}

int catalog_cursor_query_decode(const char *s, struct catalog_query_cursor *out, char **err)
{
	json_t *j = decode_json(s);
	const char *why = "could not be parsed";
	size_t n;

	memset(out, 0, sizeof(*out));
	*err = NULL;
	if (j)
		why = take_cursor(j, out);
	json_decref(j);
	if (!why)
		return 0;
	n = strlen(why) + sizeof("Malformed cursor: ");
	*err = sh_xmalloc(n);
	snprintf(*err, n, "Malformed cursor: %s", why);
	return SH_EINVAL;
}

void catalog_cursor_query_clear(struct catalog_query_cursor *c)
{
	size_t i;

	for (i = 0; i < c->n_order; i++)
		free(c->order[i].field);
	free(c->order);
	json_decref(c->order_values);
	json_decref(c->query);
	json_decref(c->full_text);
	json_decref(c->first_values);
	memset(c, 0, sizeof(*c));
}
