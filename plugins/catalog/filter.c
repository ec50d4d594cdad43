/*
 * Filter parsing and evaluation (spec §4.1, §4.2).  Both syntaxes become one
 * AST of ALL/ANY/NOT over leaf conditions on search-index keys; messages are
 * those of Backstage's parseEntityFilterParams and
 * applyPredicateEntityFilterToQuery.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stagehand/alloc.h>
#include <stagehand/errors.h>

#include "filter.h"
#include "util.h"

/* Deeper predicates are refused rather than recursed into. */
#define MAX_DEPTH 32

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		len = 2, cp = s[0] & 0x1Fu;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		len = 3, cp = s[0] & 0x0Fu;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		len = 4, cp = s[0] & 0x07u;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3Fu);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return len;
}

/*
 * Lower-cased copy with invalid UTF-8 replaced by U+FFFD: query strings are
 * raw bytes, and the AST must always serialise to JSON (cursor `query`).
 */
static char *lowered(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	char *p = sh_xmalloc(3 * n + 1);
	size_t i = 0, o = 0, len;

	while (i < n) {
		len = utf8_seq(u + i, n - i);
		if (len) {
			memcpy(p + o, s + i, len);
			o += len;
			i += len;
		} else {
			memcpy(p + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
		}
	}
	p[o] = '\0';
	catalog_search_lower(p);
	return p;
}

static struct catalog_filter *node_new(enum catalog_filter_op op, const char *key)
{
	struct catalog_filter *f = sh_xmalloc(sizeof(*f));

	memset(f, 0, sizeof(*f));
	f->op = op;
	if (key)
		f->key = lowered(key, strlen(key));
	return f;
}

static void add_value(struct catalog_filter *f, const char *v, size_t n)
{
	f->values = sh_xrealloc(f->values, (f->n_values + 1) * sizeof(*f->values));
	f->values[f->n_values++] = lowered(v, n);
}

static void add_kid(struct catalog_filter *f, struct catalog_filter *kid)
{
	f->kids = sh_xrealloc(f->kids, (f->n_kids + 1) * sizeof(*f->kids));
	f->kids[f->n_kids++] = kid;
}

void catalog_filter_free(struct catalog_filter *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->n_values; i++)
		free(f->values[i]);
	for (i = 0; i < f->n_kids; i++)
		catalog_filter_free(f->kids[i]);
	free(f->values);
	free(f->kids);
	free(f->key);
	free(f);
}

struct catalog_filter *catalog_filter_and(struct catalog_filter *a, struct catalog_filter *b)
{
	struct catalog_filter *f;

	if (!a || !b)
		return a ? a : b;
	f = node_new(CATALOG_FILTER_ALL, NULL);
	add_kid(f, a);
	add_kid(f, b);
	return f;
}

static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* Add "key" or "key=value" to the AND-set, merging with an equal raw key. */
static int add_statement(struct catalog_filter *set, char ***raw, const char *st, size_t n,
			 char **err)
{
	const char *eq = memchr(st, '=', n), *key = st, *val;
	size_t kn = eq ? (size_t)(eq - st) : n, vn, i;
	struct catalog_filter *leaf = NULL;

	trim(&key, &kn);
	if (!kn) {
		*err = sh_xasprintf("Invalid filter, '%.*s' is not a valid statement "
				 "(expected a string on the form a=b or a= or a)", (int)n, st);
		return SH_EINVAL;
	}
	for (i = 0; i < set->n_kids && !leaf; i++)
		if (strlen((*raw)[i]) == kn && !memcmp((*raw)[i], key, kn))
			leaf = set->kids[i];
	if (!leaf) {
		char *k = sh_xstrndup(key, kn);

		leaf = node_new(CATALOG_FILTER_EXISTS, k);
		free(k);
		*raw = sh_xrealloc(*raw, (set->n_kids + 1) * sizeof(**raw));
		(*raw)[set->n_kids] = sh_xstrndup(key, kn);
		add_kid(set, leaf);
	}
	if (eq) {
		val = eq + 1;
		vn = (size_t)(st + n - val);
		trim(&val, &vn);
		add_value(leaf, val, vn);
		leaf->op = CATALOG_FILTER_IN;
	}
	return 0;
}

/* One `filter` param: an AND-set, or NULL with *err unset when empty. */
static int parse_param(const char *s, struct catalog_filter **out, char **err)
{
	struct catalog_filter *set = node_new(CATALOG_FILTER_ALL, NULL);
	char **raw = NULL;
	size_t i;
	int rc = 0;

	while (!rc) {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		const char *st = s;

		trim(&st, &n);
		if (n)
			rc = add_statement(set, &raw, st, n, err);
		if (!comma)
			break;
		s = comma + 1;
	}
	for (i = 0; i < set->n_kids; i++)
		free(raw[i]);
	free(raw);
	if (rc || !set->n_kids) {
		catalog_filter_free(set);
		set = NULL;
	}
	*out = set;
	return rc;
}

int catalog_filter_parse_params(const char *const *params, size_t n, struct catalog_filter **out,
				char **err)
{
	struct catalog_filter *any = node_new(CATALOG_FILTER_ANY, NULL), *set;
	size_t i;
	int rc = 0;

	*err = NULL;
	*out = NULL;
	for (i = 0; i < n && !rc; i++) {
		rc = parse_param(params[i], &set, err);
		if (set)
			add_kid(any, set);
	}
	if (rc || !any->n_kids) {
		catalog_filter_free(any);
		return rc;
	}
	*out = any;
	return 0;
}

static int parse_pred(const json_t *p, int depth, struct catalog_filter **out, char **err);

static char *json_text(const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);

	return s ? s : sh_xasprintf("null");
}

static int is_primitive(const json_t *v)
{
	return json_is_string(v) || json_is_number(v) || json_is_boolean(v);
}

static void add_primitive(struct catalog_filter *f, const json_t *v)
{
	char *s = catalog_search_value_string(v);

	add_value(f, s, strlen(s));
	free(s);
}

static int bad_value(const char *key, const json_t *v, char **err)
{
	char *t = json_text(v);

	*err = sh_xasprintf("Invalid filter predicate value for field \"%s\": expected a primitive "
			 "value, $exists, $in, $hasPrefix, or $contains operator, but got %s", key, t);
	free(t);
	return SH_EINVAL;
}

/* targetRef of a relations $contains: a string or {"$in": [strings]}. */
static int relation_refs(struct catalog_filter *f, const json_t *v, char **err)
{
	const json_t *in = json_object_get(v, "$in"), *item;
	size_t i;
	char *t;

	if (json_is_string(v)) {
		add_value(f, json_string_value(v), json_string_length(v));
		return 0;
	}
	if (json_is_object(v) && json_object_size(v) == 1 && json_is_array(in)) {
		json_array_foreach(in, i, item)
			if (!json_is_string(item))
				break;
		if (i == json_array_size(in) && i == 0) {
			*err = sh_xasprintf("Empty \"$in\" array for $contains on \"relations\" is not allowed");
			return SH_EINVAL;
		}
		if (i == json_array_size(in)) {
			json_array_foreach(in, i, item)
				add_value(f, json_string_value(item), json_string_length(item));
			return 0;
		}
	}
	t = json_text(v);
	*err = sh_xasprintf("Unsupported value in $contains for \"relations\": expected a string or "
			 "{ \"$in\": [strings] }, but got %s", t);
	free(t);
	return SH_EINVAL;
}

static int contains_relation(const json_t *target, struct catalog_filter **out, char **err)
{
	const json_t *type = NULL, *refs = NULL, *v;
	const char *k;
	char *key;

	json_object_foreach((json_t *)target, k, v) {
		const json_t **slot = !strcasecmp(k, "type") ? &type
				    : !strcasecmp(k, "targetRef") ? &refs : NULL;

		if (!slot) {
			*err = sh_xasprintf("Unsupported key \"%s\" in $contains for \"relations\". "
					 "Only \"type\" and \"targetRef\" are supported", k);
			return SH_EINVAL;
		}
		if (*slot) {
			*err = sh_xasprintf("Duplicate key \"%s\" in $contains for \"relations\"", k);
			return SH_EINVAL;
		}
		if (slot == &type && !json_is_string(v))
			break;
		*slot = v;
	}
	if (!type || !json_string_length(type)) {
		*err = sh_xasprintf("The $contains operator for \"relations\" requires a \"type\" string "
				 "property");
		return SH_EINVAL;
	}
	key = sh_xasprintf("relations.%s", json_string_value(type));
	*out = node_new(refs ? CATALOG_FILTER_IN : CATALOG_FILTER_EXISTS, key);
	free(key);
	if (refs && relation_refs(*out, refs, err)) {
		catalog_filter_free(*out);
		*out = NULL;
		return SH_EINVAL;
	}
	return 0;
}

static int contains(const char *key, const json_t *target, struct catalog_filter **out, char **err)
{
	char *t;

	if (is_primitive(target)) {
		*out = node_new(CATALOG_FILTER_IN, key);
		add_primitive(*out, target);
		return 0;
	}
	if (json_is_object(target)) {
		if (!strcmp(key, "relations"))
			return contains_relation(target, out, err);
		*err = sh_xasprintf("Object form of $contains is not supported for field \"%s\"", key);
		return SH_EINVAL;
	}
	t = json_text(target);
	*err = sh_xasprintf("Unsupported $contains target for field \"%s\": %s", key, t);
	free(t);
	return SH_EINVAL;
}

static int in_values(const char *key, const json_t *v, const json_t *in,
		     struct catalog_filter **out, char **err)
{
	const json_t *item;
	size_t i;

	if (!json_is_array(in))
		return bad_value(key, v, err);
	json_array_foreach(in, i, item)
		if (!is_primitive(item))
			return bad_value(key, v, err);
	*out = node_new(CATALOG_FILTER_IN, key);
	json_array_foreach(in, i, item)
		add_primitive(*out, item);
	return 0;
}

/* The operator forms of a field value, in the order of the predicate
 * schema's union: the first whose operand has the right type wins and
 * other members are ignored (the schema's objects are not strict). */
static int value_operator(const char *key, const json_t *v, struct catalog_filter **out,
			  char **err)
{
	const json_t *op;

	if (json_is_boolean(op = json_object_get(v, "$exists"))) {
		*out = node_new(CATALOG_FILTER_EXISTS, key);
		if (json_is_false(op)) {
			struct catalog_filter *not = node_new(CATALOG_FILTER_NOT, NULL);

			add_kid(not, *out);
			*out = not;
		}
		return 0;
	}
	if (json_is_array(op = json_object_get(v, "$in"))) {
		const json_t *item;
		size_t i;

		json_array_foreach(op, i, item)
			if (!is_primitive(item))
				break;
		if (i == json_array_size(op))
			return in_values(key, v, op, out, err);
	}
	op = json_object_get(v, "$contains");
	if (is_primitive(op) || json_is_object(op))
		return contains(key, op, out, err);
	if (json_is_string(json_object_get(v, "$hasPrefix"))) {
		*out = node_new(CATALOG_FILTER_PREFIX, key);
		op = json_object_get(v, "$hasPrefix");
		add_value(*out, json_string_value(op), json_string_length(op));
		return 0;
	}
	if ((op = json_object_get(v, "$contains")))
		return contains(key, op, out, err);
	return bad_value(key, v, err);
}

/* One { key: value } condition; key already lower-cased. */
static int field_condition(const char *key, const json_t *v, struct catalog_filter **out,
			   char **err)
{
	*out = NULL;
	if (is_primitive(v)) {
		*out = node_new(CATALOG_FILTER_IN, key);
		add_primitive(*out, v);
		return 0;
	}
	if (!json_is_object(v))
		return bad_value(key, v, err);
	return value_operator(key, v, out, err);
}

static int parse_list(const char *op_name, const json_t *list, enum catalog_filter_op op, int depth,
		      struct catalog_filter **out, char **err)
{
	const json_t *item;
	struct catalog_filter *kid;
	size_t i;
	char *t;

	if (!json_is_array(list)) {
		t = json_text(list);
		*err = sh_xasprintf("Invalid filter predicate: %s must be an array, but got %s",
				 op_name, t);
		free(t);
		return SH_EINVAL;
	}
	*out = node_new(op, NULL);
	json_array_foreach(list, i, item) {
		if (parse_pred(item, depth + 1, &kid, err)) {
			catalog_filter_free(*out);
			*out = NULL;
			return SH_EINVAL;
		}
		add_kid(*out, kid);
	}
	return 0;
}

static int parse_fields(const json_t *p, struct catalog_filter **out, char **err)
{
	struct catalog_filter *kid;
	const json_t *v;
	const char *k;

	*out = node_new(CATALOG_FILTER_ALL, NULL);
	json_object_foreach((json_t *)p, k, v) {
		char *key = lowered(k, strlen(k));
		int rc;

		if (*key == '$') {
			*err = sh_xasprintf("Invalid filter predicate: unknown operator \"%s\"", k);
			rc = SH_EINVAL;
		} else {
			rc = field_condition(key, v, &kid, err);
		}
		free(key);
		if (rc) {
			catalog_filter_free(*out);
			*out = NULL;
			return rc;
		}
		add_kid(*out, kid);
	}
	return 0;
}

static int parse_pred(const json_t *p, int depth, struct catalog_filter **out, char **err)
{
	const json_t *v;
	char *t;

	*out = NULL;
	if (depth > MAX_DEPTH) {
		*err = sh_xasprintf("Invalid filter predicate: nested more than %d levels deep", MAX_DEPTH);
		return SH_EINVAL;
	}
	if (!json_is_object(p)) {
		t = json_text(p);
		*err = sh_xasprintf("Invalid filter predicate: top-level primitive values are not "
				 "supported. Wrap the value in a field expression, e.g. "
				 "{ \"kind\": %s }", t);
		free(t);
		return SH_EINVAL;
	}
	if ((json_object_get(p, "$not") || json_object_get(p, "$all") || json_object_get(p, "$any")) &&
	    json_object_size(p) != 1) {
		t = json_text(p);
		*err = sh_xasprintf("Invalid filter predicate: $all, $any and $not must be the only "
				   "key of their object, but got %s", t);
		free(t);
		return SH_EINVAL;
	}
	if ((v = json_object_get(p, "$not"))) {
		struct catalog_filter *kid;

		if (parse_pred(v, depth + 1, &kid, err))
			return SH_EINVAL;
		*out = node_new(CATALOG_FILTER_NOT, NULL);
		add_kid(*out, kid);
		return 0;
	}
	if ((v = json_object_get(p, "$all")))
		return parse_list("$all", v, CATALOG_FILTER_ALL, depth, out, err);
	if ((v = json_object_get(p, "$any")))
		return parse_list("$any", v, CATALOG_FILTER_ANY, depth, out, err);
	return parse_fields(p, out, err);
}

int catalog_filter_parse_predicate(const json_t *pred, struct catalog_filter **out, char **err)
{
	*err = NULL;
	return parse_pred(pred, 0, out, err);
}

static json_t *values_json(const struct catalog_filter *f)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < f->n_values; i++)
		json_array_append_new(arr, json_string(f->values[i]));
	return arr;
}

static json_t *leaf_json(const struct catalog_filter *f)
{
	json_t *cond;

	switch (f->op) {
	case CATALOG_FILTER_IN:
		cond = f->n_values == 1 ? json_string(f->values[0])
					: json_pack("{s:o}", "$in", values_json(f));
		break;
	case CATALOG_FILTER_EXISTS:
		cond = json_pack("{s:b}", "$exists", 1);
		break;
	default:
		cond = json_pack("{s:s}", "$hasPrefix", f->values[0]);
		break;
	}
	return json_pack("{s:o}", f->key, cond);
}

json_t *catalog_filter_to_json(const struct catalog_filter *f)
{
	json_t *arr, *j;
	size_t i;

	if (f->op == CATALOG_FILTER_NOT)
		j = json_pack("{s:o}", "$not", catalog_filter_to_json(f->kids[0]));
	else if (f->op != CATALOG_FILTER_ALL && f->op != CATALOG_FILTER_ANY)
		j = leaf_json(f);
	else {
		arr = json_array();
		for (i = 0; i < f->n_kids; i++)
			json_array_append_new(arr, catalog_filter_to_json(f->kids[i]));
		j = json_pack("{s:o}", f->op == CATALOG_FILTER_ALL ? "$all" : "$any", arr);
	}
	if (!j)
		abort();
	return j;
}

static int row_matches(const struct catalog_filter *f, const struct catalog_search_row *r)
{
	size_t i;

	if (strcmp(r->key, f->key))
		return 0;
	if (f->op == CATALOG_FILTER_EXISTS)
		return 1;
	if (!r->value)
		return 0;
	if (f->op == CATALOG_FILTER_PREFIX)
		return !strncmp(r->value, f->values[0], strlen(f->values[0]));
	for (i = 0; i < f->n_values; i++)
		if (!strcmp(r->value, f->values[i]))
			return 1;
	return 0;
}

int catalog_filter_match(const struct catalog_filter *f, const struct catalog_search *rows)
{
	size_t i;

	if (!f)
		return 1;
	switch (f->op) {
	case CATALOG_FILTER_ALL:
		for (i = 0; i < f->n_kids; i++)
			if (!catalog_filter_match(f->kids[i], rows))
				return 0;
		return 1;
	case CATALOG_FILTER_ANY:
		for (i = 0; i < f->n_kids; i++)
			if (catalog_filter_match(f->kids[i], rows))
				return 1;
		return 0;
	case CATALOG_FILTER_NOT:
		return !catalog_filter_match(f->kids[0], rows);
	default:
		for (i = 0; i < rows->n; i++)
			if (row_matches(f, &rows->rows[i]))
				return 1;
		return 0;
	}
}
