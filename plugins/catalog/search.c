/*
 * Search-index flattening (spec §4.3): leaves only, arrays walked with the
 * same path plus "path.<string>"="true", special subtrees skipped and
 * re-added explicitly, lower-cased with the original kept, 200-char caps,
 * duplicate rows dropped and case-colliding keys rejected.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stagehand/alloc.h>
#include <stagehand/buf.h>
#include <stagehand/errors.h>

#include "search.h"
#include "util.h"

#define MAX_KEY_LENGTH 200
#define MAX_VALUE_LENGTH 200

static const char *const special_keys[] = {
	"attachments", "relations", "status", "metadata.name",
	"metadata.namespace", "metadata.uid", "metadata.etag",
};

/* Raw (un-lowered) pair before mapping to rows. */
struct kv {
	char *key;
	char *value; /* String(value); NULL for null */
};

struct kvs {
	struct kv *v;
	size_t n, cap;
};

static void *xgrow(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 32;
	return sh_xrealloc(p, *cap * size);
}

void catalog_search_lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

size_t catalog_search_js_length(const char *s)
{
	size_t n = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c & 0xC0) != 0x80)
			n++;
		if (c >= 0xF0) /* outside the BMP: a surrogate pair */
			n++;
	}
	return n;
}

/* Number.prototype.toString: shortest round-trip digits, JS exponent rules. */
static char *js_double(double d)
{
	char buf[40], digits[20], out[64];
	int p, e, k = 0, n;
	size_t i;
	char *s;

	if (d == 0)
		return sh_xstrdup("0");
	for (p = 1; p <= 17; p++) {
		snprintf(buf, sizeof(buf), "%.*e", p - 1, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	for (s = buf + (d < 0); *s && *s != 'e'; s++)
		if (isdigit((unsigned char)*s))
			digits[k++] = *s;
	while (k > 1 && digits[k - 1] == '0')
		k--;
	digits[k] = '\0';
	e = (int)strtol(s + 1, NULL, 10);
	n = e + 1;
	i = d < 0 ? snprintf(out, sizeof(out), "-") : 0;
	if (k <= n && n <= 21)
		snprintf(out + i, sizeof(out) - i, "%s%.*s", digits, n - k, "000000000000000000000");
	else if (0 < n && n <= 21)
		snprintf(out + i, sizeof(out) - i, "%.*s.%s", n, digits, digits + n);
	else if (-6 < n && n <= 0)
		snprintf(out + i, sizeof(out) - i, "0.%.*s%s", -n, "000000", digits);
	else
		snprintf(out + i, sizeof(out) - i, "%c%s%se%c%d", digits[0], k > 1 ? "." : "",
			 digits + 1, n - 1 >= 0 ? '+' : '-', abs(n - 1));
	return sh_xstrdup(out);
}

char *catalog_search_value_string(const json_t *v)
{
	char buf[32];

	if (!v)
		return NULL;
	switch (json_typeof(v)) {
	case JSON_STRING:
		return sh_xstrdup(json_string_value(v));
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return sh_xstrdup(buf);
	case JSON_REAL:
		return js_double(json_real_value(v));
	case JSON_TRUE:
		return sh_xstrdup("true");
	case JSON_FALSE:
		return sh_xstrdup("false");
	default:
		return NULL;
	}
}

static void kv_push(struct kvs *kvs, const char *key, char *value_taken)
{
	kvs->v = xgrow(kvs->v, &kvs->cap, kvs->n, sizeof(*kvs->v));
	kvs->v[kvs->n].key = sh_xstrdup(key);
	kvs->v[kvs->n].value = value_taken;
	kvs->n++;
}

static int is_special(const char *path)
{
	size_t i;

	for (i = 0; i < sizeof(special_keys) / sizeof(special_keys[0]); i++)
		if (!strcmp(path, special_keys[i]))
			return 1;
	return 0;
}

static char *join(const char *path, const char *key)
{
	size_t lp = strlen(path), lk = strlen(key);
	char *p = sh_xmalloc(lp + lk + 2);

	if (!lp) {
		memcpy(p, key, lk + 1);
		return p;
	}
	memcpy(p, path, lp);
	p[lp] = '.';
	memcpy(p + lp + 1, key, lk + 1);
	return p;
}

/* "path.<item>"="true" unless a key equal to it ignoring case is out already. */
static void push_item_key(struct kvs *kvs, const char *path, const char *item)
{
	char *key = join(path, item);
	size_t i;

	for (i = 0; i < kvs->n; i++)
		if (!strcasecmp(kvs->v[i].key, key))
			break;
	if (i == kvs->n)
		kv_push(kvs, key, sh_xstrdup("true"));
	free(key);
}

static void visit(struct kvs *kvs, const char *path, const json_t *cur)
{
	const char *key;
	const json_t *item;
	size_t i;

	if (is_special(path))
		return;
	if (json_is_array(cur)) {
		json_array_foreach(cur, i, item) {
			visit(kvs, path, item);
			if (json_is_string(item))
				push_item_key(kvs, path, json_string_value(item));
		}
	} else if (json_is_object(cur)) {
		json_object_foreach((json_t *)cur, key, item) {
			char *sub = join(path, key);

			visit(kvs, sub, item);
			free(sub);
		}
	} else {
		kv_push(kvs, path, catalog_search_value_string(cur));
	}
}

static void push_explicit(struct kvs *kvs, const json_t *entity)
{
	const json_t *meta = json_object_get(entity, "metadata"), *rel;
	const json_t *ns = json_object_get(meta, "namespace");
	size_t i;

	kv_push(kvs, "metadata.name", catalog_search_value_string(json_object_get(meta, "name")));
	kv_push(kvs, "metadata.namespace", catalog_search_value_string(ns));
	kv_push(kvs, "metadata.uid", catalog_search_value_string(json_object_get(meta, "uid")));
	/* JavaScript falsiness of metadata.namespace */
	if (!ns || json_is_null(ns) || json_is_false(ns) ||
	    (json_is_string(ns) && !json_string_length(ns)) ||
	    (json_is_number(ns) && json_number_value(ns) == 0))
		kv_push(kvs, "metadata.namespace", sh_xstrdup("default"));
	json_array_foreach(json_object_get(entity, "relations"), i, rel) {
		char *type = catalog_search_value_string(json_object_get(rel, "type"));
		char *key = join("relations", type ? type : "undefined");

		kv_push(kvs, key, catalog_search_value_string(json_object_get(rel, "targetRef")));
		free(key);
		free(type);
	}
}

static void kvs_free(struct kvs *kvs)
{
	size_t i;

	for (i = 0; i < kvs->n; i++) {
		free(kvs->v[i].key);
		free(kvs->v[i].value);
	}
	free(kvs->v);
}

/* The collision message lists every key that fits in this many bytes. */
#define COLLISIONS_MAX (64 * 1024)
#define COLLISIONS_HEAD "Entity has duplicate keys that vary only in casing, '"

/* Appends one lower-cased key; false (and b unchanged) when it does not fit. */
static bool collision_add(struct sh_buf *b, const char *key)
{
	if (sh_buf_printf(b, "%s%s", b->len ? "', '" : COLLISIONS_HEAD, key) != 0)
		return false;
	catalog_search_lower(b->data + b->len - strlen(key));
	return true;
}

/* Keys that differ only in case, listed the way Backstage lists them. */
static char *case_collisions(const struct kvs *kvs)
{
	struct sh_buf msg;
	const char *end = "'";
	char *out;
	size_t i, j;

	sh_buf_init(&msg, COLLISIONS_MAX);
	for (i = 0; i < kvs->n; i++) {
		int dup = 0, clash = 0;

		for (j = 0; j < i && !dup; j++) {
			dup = !strcmp(kvs->v[j].key, kvs->v[i].key);
			clash |= !strcasecmp(kvs->v[j].key, kvs->v[i].key);
		}
		if (dup || !clash)
			continue;
		if (!collision_add(&msg, kvs->v[i].key)) {
			end = msg.len ? "', ..." : COLLISIONS_HEAD "...";
			break;
		}
	}
	if (msg.len == 0 && end[0] == '\'')
		return NULL;
	out = sh_xasprintf("%s%s", sh_buf_str(&msg), end);
	sh_buf_free(&msg);
	return out;
}

static int same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static void row_push(struct catalog_search *out, char *key, char *value, char *orig)
{
	size_t i;

	for (i = 0; i < out->n; i++) {
		struct catalog_search_row *r = &out->rows[i];

		if (!strcmp(r->key, key) && same(r->value, value) && same(r->original_value, orig)) {
			free(key);
			free(value);
			free(orig);
			return;
		}
	}
	out->rows = xgrow(out->rows, &out->cap, out->n, sizeof(*out->rows));
	out->rows[out->n].key = key;
	out->rows[out->n].value = value;
	out->rows[out->n].original_value = orig;
	out->n++;
}

static void map_rows(const struct kvs *kvs, struct catalog_search *out)
{
	size_t i;

	for (i = 0; i < kvs->n; i++) {
		char *key = sh_xstrdup(kvs->v[i].key), *value = NULL, *orig = NULL;

		catalog_search_lower(key);
		if (catalog_search_js_length(key) > MAX_KEY_LENGTH) {
			free(key);
			continue;
		}
		if (kvs->v[i].value) {
			value = sh_xstrdup(kvs->v[i].value);
			catalog_search_lower(value);
			if (catalog_search_js_length(value) <= MAX_VALUE_LENGTH) {
				orig = sh_xstrdup(kvs->v[i].value);
			} else {
				free(value);
				value = NULL;
			}
		}
		row_push(out, key, value, orig);
	}
}

int catalog_search_build(const json_t *entity, struct catalog_search *out, char **err)
{
	struct kvs kvs = { 0 };
	int rc = 0;

	memset(out, 0, sizeof(*out));
	*err = NULL;
	visit(&kvs, "", entity);
	push_explicit(&kvs, entity);
	*err = case_collisions(&kvs);
	if (*err)
		rc = SH_EINVAL;
	else
		map_rows(&kvs, out);
	kvs_free(&kvs);
	return rc;
}

void catalog_search_free(struct catalog_search *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->rows[i].key);
		free(s->rows[i].value);
		free(s->rows[i].original_value);
	}
	free(s->rows);
	memset(s, 0, sizeof(*s));
}
