/*
 * YAML to JSON (<stagehand/yaml.h>, the catalog's spec §9.2).  libyaml's
 * event API drives a small stack builder so that we control what
 * Backstage's `yaml` package controls: core-schema scalar typing, unique
 * keys, merge keys left literal, and caps on size, documents, expanded
 * nodes and depth (alias bombs).
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include <stagehand/alloc.h>
#include <stagehand/errors.h>
#include <stagehand/yaml.h>

/* What a scalar resolved to; keys need the kind to print like JavaScript. */
enum scalar_kind { SC_NULL, SC_BOOL, SC_INT, SC_FLOAT, SC_STR };

struct scalar {
	enum scalar_kind kind;
	int b;
	json_int_t i;
	double d;
};

struct frame {
	json_t *node;           /* object or array being filled */
	char *anchor;           /* malloc'd anchor name, or NULL */
	size_t start_nodes;     /* builder node count before this collection */
	int height;             /* collection nesting inside, this one included */
	char *key;              /* pending mapping key (malloc'd), or NULL */
	size_t keylen;
};

struct anchor {
	json_t *node;
	size_t nodes;
	int height;
};

struct builder {
	const char *loc;
	struct sh_yaml_result *res;
	size_t cap_docs, seen_docs;
	struct frame stack[SH_YAML_MAX_DEPTH];
	int top;                /* open collections */
	json_t *root;
	size_t nodes;
	int skipping;           /* a document error was recorded: skip to its end */
	struct anchor *anchors;
	size_t nanchors, cap_anchors;
	json_t *anchor_index;   /* name -> index into anchors */
	int any_root;           /* sh_yaml_parse_values: every document a result */
};

static void push_doc(struct builder *b, json_t *entity, char *error)
{
	struct sh_yaml_result *r = b->res;

	if (r->ndocs == b->cap_docs) {
		b->cap_docs = b->cap_docs ? 2 * b->cap_docs : 8;
		r->docs = sh_xrealloc(r->docs, b->cap_docs * sizeof(*r->docs));
	}
	r->docs[r->ndocs].entity = entity;
	r->docs[r->ndocs].error = error;
	r->ndocs++;
	if (error != NULL)
		r->nerrors++;
}

/* Record "YAML error at <loc>, YAMLParseError: <problem> at line L, column C". */
__attribute__((format(printf, 3, 4)))
static int doc_error(struct builder *b, yaml_mark_t mark, const char *fmt, ...)
{
	va_list ap;
	char *problem, *msg;
	size_t n;

	va_start(ap, fmt);
	problem = sh_xvasprintf(fmt, ap);
	va_end(ap);
	n = strlen(b->loc) + strlen(problem) + 96;
	msg = sh_xrealloc(NULL, n);
	snprintf(msg, n, "YAML error at %s, YAMLParseError: %s at line %zu, column %zu",
		 b->loc, problem, mark.line + 1, mark.column + 1);
	free(problem);
	push_doc(b, NULL, msg);
	b->skipping = 1;
	return SH_EINVAL;
}

static void reset_doc(struct builder *b)
{
	size_t i;

	while (b->top > 0) {
		struct frame *f = &b->stack[--b->top];

		json_decref(f->node);
		free(f->anchor);
		free(f->key);
	}
	json_decref(b->root);
	b->root = NULL;
	for (i = 0; i < b->nanchors; i++)
		json_decref(b->anchors[i].node);
	b->nanchors = 0;
	json_object_clear(b->anchor_index);
	b->nodes = 0;
	b->skipping = 0;
}

/* ---- scalar resolution: the yaml package's YAML 1.2 core schema ---- */

static int eq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

static int is_null_text(const char *s, size_t n)
{
	return n == 0 || eq(s, n, "~") || eq(s, n, "null") || eq(s, n, "Null") ||
	       eq(s, n, "NULL");
}

static int bool_text(const char *s, size_t n, int *v)
{
	if (eq(s, n, "true") || eq(s, n, "True") || eq(s, n, "TRUE"))
		return *v = 1, 1;
	if (eq(s, n, "false") || eq(s, n, "False") || eq(s, n, "FALSE"))
		return *v = 0, 1;
	return 0;
}

static size_t digits(const char *s, size_t n, size_t i)
{
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

/* 0o17 and 0x1F (no sign, as in the yaml package); big values become floats. */
static int radix_int(const char *s, size_t n, struct scalar *out)
{
	int base = n > 2 && s[0] == '0' ? (s[1] == 'o' ? 8 : s[1] == 'x' ? 16 : 0) : 0;
	double d = 0;
	size_t i;

	if (base == 0)
		return 0;
	for (i = 2; i < n; i++) {
		int c = s[i], v;

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else
			return 0;
		if (v >= base)
			return 0;
		d = d * base + v;
	}
	out->kind = SC_FLOAT;
	out->d = d;
	return 1;
}

/* [-+]?digits, or the float forms: [-+]?(.d+|d+(.d*)?)([eE][-+]?d+)?. */
static int decimal_number(const char *s, size_t n, struct scalar *out)
{
	size_t i = (n > 0 && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
	size_t int_end = digits(s, n, i), frac_end = int_end;
	int has_dot = 0, has_exp = 0;
	char buf[512];

	if (int_end < n && s[int_end] == '.') {
		has_dot = 1;
		frac_end = digits(s, n, int_end + 1);
		if (int_end == i && frac_end == int_end + 1)
			return 0;       /* "." or "-." */
	} else if (int_end == i) {
		return 0;
	}
	if (frac_end < n && (s[frac_end] == 'e' || s[frac_end] == 'E')) {
		size_t e = frac_end + 1;

		if (e < n && (s[e] == '-' || s[e] == '+'))
			e++;
		if (digits(s, n, e) == e)
			return 0;
		frac_end = digits(s, n, e);
		has_exp = 1;
	}
	if (frac_end != n || n >= sizeof(buf))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	out->kind = SC_FLOAT;
	out->d = strtod(buf, NULL);
	if (!has_dot && !has_exp) {
		char *end;
		long long v = strtoll(buf, &end, 10);

		if (fabs(out->d) < 9.2e18) {
			out->kind = SC_INT;
			out->i = (json_int_t)v;
		}
	}
	return 1;
}

static int special_float(const char *s, size_t n, struct scalar *out)
{
	const char *body = s;
	size_t len = n;
	double sign = 1;

	if (n > 0 && (s[0] == '-' || s[0] == '+')) {
		sign = s[0] == '-' ? -1 : 1;
		body++;
		len--;
	}
	if (eq(body, len, ".inf") || eq(body, len, ".Inf") || eq(body, len, ".INF")) {
		out->kind = SC_FLOAT;
		out->d = sign * HUGE_VAL;
		return 1;
	}
	if (body == s && (eq(s, n, ".nan") || eq(s, n, ".NaN") || eq(s, n, ".NAN"))) {
		out->kind = SC_FLOAT;
		out->d = NAN;
		return 1;
	}
	return 0;
}

static int tag_is(const yaml_char_t *tag, const char *suffix)
{
	return tag != NULL && strncmp((const char *)tag, YAML_DEFAULT_SCALAR_TAG, 18) == 0 &&
	       strcmp((const char *)tag + 18, suffix) == 0;
}

/* Core-schema resolution for untagged plain scalars; an explicit !!null,
 * !!bool, !!int or !!float tag tries only that type; anything else is a string. */
static void resolve(const char *s, size_t n, const yaml_char_t *tag, int plain,
		    struct scalar *out)
{
	int any = tag == NULL && plain;

	out->kind = SC_STR;
	if ((any || tag_is(tag, "null")) && is_null_text(s, n))
		out->kind = SC_NULL;
	else if ((any || tag_is(tag, "bool")) && bool_text(s, n, &out->b))
		out->kind = SC_BOOL;
	else if ((any || tag_is(tag, "int")) && (radix_int(s, n, out) ||
		 (digits(s, n, n > 0 && (*s == '-' || *s == '+')) == n &&
		  decimal_number(s, n, out))))
		;
	else if ((any || tag_is(tag, "float")) &&
		 (special_float(s, n, out) || decimal_number(s, n, out)))
		;
	else
		out->kind = SC_STR;
	/* Numbers reach Backstage as JavaScript doubles: integral ones print as ints. */
	if (out->kind == SC_FLOAT && isfinite(out->d) && out->d == floor(out->d) &&
	    fabs(out->d) <= 9007199254740992.0) {
		out->kind = SC_INT;
		out->i = (json_int_t)out->d;
	}
}

static json_t *scalar_json(const struct scalar *sc, const char *s, size_t n)
{
	switch (sc->kind) {
	case SC_NULL:
		return json_null();
	case SC_BOOL:
		return json_boolean(sc->b);
	case SC_INT:
		return json_integer(sc->i);
	case SC_FLOAT:
		/* JSON.stringify turns Infinity and NaN into null. */
		return isfinite(sc->d) ? json_real(sc->d) : json_null();
	case SC_STR:
		break;
	}
	return json_stringn(s, n);
}

/* A mapping key as JavaScript's String() would print the resolved value. */
static char *scalar_key(const struct scalar *sc, const char *s, size_t n, size_t *len)
{
	char buf[64];

	switch (sc->kind) {
	case SC_NULL:
		buf[0] = '\0';
		break;
	case SC_BOOL:
		snprintf(buf, sizeof(buf), "%s", sc->b ? "true" : "false");
		break;
	case SC_INT:
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, sc->i);
		break;
	case SC_FLOAT:
		if (isnan(sc->d))
			snprintf(buf, sizeof(buf), "NaN");
		else if (isinf(sc->d))
			snprintf(buf, sizeof(buf), "%sInfinity", sc->d < 0 ? "-" : "");
		else
			snprintf(buf, sizeof(buf), "%.17g", sc->d);
		break;
	case SC_STR: {
		/* All n bytes: a NUL inside ("a\0b") is refused by set_key, which
		 * must see the whole key (sh_xstrndup would stop at the NUL). */
		char *key = sh_xmalloc(n + 1);

		if (n > 0)
			memcpy(key, s, n);
		key[n] = '\0';
		*len = n;
		return key;
	}
	}
	*len = strlen(buf);
	return sh_xstrndup(buf, *len);
}

/* The key text of an anchored scalar value used as a key through an alias. */
static char *json_key_text(const json_t *v, size_t *len)
{
	struct scalar sc = { .kind = SC_STR };

	if (json_is_null(v))
		sc.kind = SC_NULL;
	else if (json_is_boolean(v))
		sc = (struct scalar){ .kind = SC_BOOL, .b = json_is_true(v) };
	else if (json_is_integer(v))
		sc = (struct scalar){ .kind = SC_INT, .i = json_integer_value(v) };
	else if (json_is_real(v))
		sc = (struct scalar){ .kind = SC_FLOAT, .d = json_real_value(v) };
	else
		return scalar_key(&sc, json_string_value(v), json_string_length(v), len);
	return scalar_key(&sc, NULL, 0, len);
}

/* ---- the builder ---- */

static int add_node(struct builder *b, size_t count, yaml_mark_t mark, int alias)
{
	if (count > SH_YAML_MAX_NODES - b->nodes)
		return alias ? doc_error(b, mark, "Excessive alias count indicates a resource exhaustion attack")
			     : doc_error(b, mark, "Document has more than %d nodes",
					 SH_YAML_MAX_NODES);
	b->nodes += count;
	return 0;
}

static void remember_anchor(struct builder *b, const char *name, json_t *node,
			    size_t nodes, int height)
{
	if (name == NULL)
		return;
	if (b->nanchors == b->cap_anchors) {
		b->cap_anchors = b->cap_anchors ? 2 * b->cap_anchors : 16;
		b->anchors = sh_xrealloc(b->anchors, b->cap_anchors * sizeof(*b->anchors));
	}
	b->anchors[b->nanchors] = (struct anchor){ json_incref(node), nodes, height };
	json_object_set_new(b->anchor_index, name, json_integer((json_int_t)b->nanchors));
	b->nanchors++;
}

/* Place a finished value (stolen) into its parent, or make it the root. */
static int place(struct builder *b, json_t *v, int height, yaml_mark_t mark)
{
	struct frame *f;
	int rc = 0;

	if (b->top == 0) {
		b->root = v;
		return 0;
	}
	f = &b->stack[b->top - 1];
	if (height + 1 > f->height)
		f->height = height + 1;
	if (json_is_array(f->node)) {
		if (json_array_append_new(f->node, v) != 0)
			abort();
		return 0;
	}
	if (json_object_setn_new(f->node, f->key, f->keylen, v) != 0)
		rc = doc_error(b, mark, "Invalid map key");
	free(f->key);
	f->key = NULL;
	return rc;
}

static int expecting_key(const struct builder *b)
{
	return b->top > 0 && json_is_object(b->stack[b->top - 1].node) &&
	       b->stack[b->top - 1].key == NULL;
}

static int set_key(struct builder *b, char *key, size_t len, yaml_mark_t mark)
{
	struct frame *f = &b->stack[b->top - 1];

	if (memchr(key, '\0', len) != NULL) {
		free(key);
		return doc_error(b, mark, "Map keys must not contain NUL characters");
	}
	if (json_object_getn(f->node, key, len) != NULL) {
		free(key);
		return doc_error(b, mark, "Map keys must be unique");
	}
	f->key = key;
	f->keylen = len;
	return 0;
}

static int on_scalar(struct builder *b, const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	struct scalar sc;
	json_t *v;

	if (add_node(b, 1, ev->start_mark, 0) < 0)
		return SH_EINVAL;
	resolve(s, n, ev->data.scalar.tag,
		ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE, &sc);
	if (expecting_key(b)) {
		size_t len;
		char *key = scalar_key(&sc, s, n, &len);
		json_t *kv = json_stringn(key, len);

		if (kv == NULL) {
			free(key);
			return doc_error(b, ev->start_mark, "Invalid UTF-8 in map key");
		}
		remember_anchor(b, (const char *)ev->data.scalar.anchor, kv, 1, 0);
		json_decref(kv);
		return set_key(b, key, len, ev->start_mark);
	}
	v = scalar_json(&sc, s, n);
	if (v == NULL)
		return doc_error(b, ev->start_mark, "Invalid UTF-8 in scalar");
	remember_anchor(b, (const char *)ev->data.scalar.anchor, v, 1, 0);
	return place(b, v, 0, ev->start_mark);
}

static int on_alias(struct builder *b, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	json_t *idx = json_object_get(b->anchor_index, name);
	struct anchor *a;

	if (idx == NULL)
		return doc_error(b, ev->start_mark, "Aliased anchor not found: %s", name);
	a = &b->anchors[json_integer_value(idx)];
	if (add_node(b, a->nodes, ev->start_mark, 1) < 0)
		return SH_EINVAL;
	if (b->top + a->height > SH_YAML_MAX_DEPTH)
		return doc_error(b, ev->start_mark, "Document nesting is deeper than %d levels",
				 SH_YAML_MAX_DEPTH);
	if (expecting_key(b)) {
		size_t len;
		char *key;

		if (json_is_object(a->node) || json_is_array(a->node))
			return doc_error(b, ev->start_mark, "Complex map keys are not supported");
		key = json_key_text(a->node, &len);
		return set_key(b, key, len, ev->start_mark);
	}
	/* A copy, so that later edits of one occurrence cannot change the other. */
	return place(b, json_deep_copy(a->node), a->height, ev->start_mark);
}

static int on_start(struct builder *b, const yaml_event_t *ev, int mapping)
{
	const yaml_char_t *anchor = mapping ? ev->data.mapping_start.anchor
					    : ev->data.sequence_start.anchor;
	struct frame *f;

	if (expecting_key(b))
		return doc_error(b, ev->start_mark, "Complex map keys are not supported");
	if (b->top == SH_YAML_MAX_DEPTH)
		return doc_error(b, ev->start_mark, "Document nesting is deeper than %d levels",
				 SH_YAML_MAX_DEPTH);
	if (add_node(b, 1, ev->start_mark, 0) < 0)
		return SH_EINVAL;
	f = &b->stack[b->top++];
	f->node = mapping ? json_object() : json_array();
	if (f->node == NULL)
		abort();
	f->anchor = anchor ? sh_xstrndup((const char *)anchor, strlen((const char *)anchor)) : NULL;
	f->start_nodes = b->nodes - 1;
	f->height = 1;
	f->key = NULL;
	f->keylen = 0;
	return 0;
}

static int on_end(struct builder *b, const yaml_event_t *ev)
{
	struct frame f = b->stack[--b->top];

	remember_anchor(b, f.anchor, f.node, b->nodes - f.start_nodes, f.height);
	free(f.anchor);
	free(f.key);
	return place(b, f.node, f.height, ev->start_mark);
}

static const char *js_typeof(const json_t *v)
{
	if (json_is_string(v))
		return "string";
	if (json_is_number(v))
		return "number";
	if (json_is_boolean(v))
		return "boolean";
	return "object";        /* arrays: Backstage prints `typeof json` */
}

static void on_doc_end(struct builder *b)
{
	json_t *root = b->root;
	char *msg;
	size_t n;

	b->root = NULL;
	if (b->any_root) {
		push_doc(b, root ? root : json_null(), NULL);
	} else if (root == NULL || json_is_null(root)) {
		json_decref(root);
	} else if (json_is_object(root)) {
		push_doc(b, root, NULL);
	} else {
		n = sizeof("Expected object at root, got boolean");
		msg = sh_xrealloc(NULL, n);
		snprintf(msg, n, "Expected object at root, got %s", js_typeof(root));
		json_decref(root);
		push_doc(b, NULL, msg);
	}
}

/* Returns 1 at the end of the stream, 0 to go on, negative to stop. */
static int on_event(struct builder *b, const yaml_event_t *ev)
{
	if (ev->type == YAML_STREAM_END_EVENT)
		return 1;
	if (ev->type == YAML_DOCUMENT_START_EVENT) {
		reset_doc(b);
		if (++b->seen_docs > SH_YAML_MAX_DOCS) {
			doc_error(b, ev->start_mark, "More than %d documents", SH_YAML_MAX_DOCS);
			return SH_ETOOBIG;
		}
		return 0;
	}
	if (ev->type == YAML_DOCUMENT_END_EVENT) {
		if (!b->skipping)
			on_doc_end(b);
		reset_doc(b);
		return 0;
	}
	if (b->skipping)
		return 0;
	/* Document errors set `skipping` and are results, not reasons to stop. */
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		on_scalar(b, ev);
		break;
	case YAML_ALIAS_EVENT:
		on_alias(b, ev);
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		on_start(b, ev, ev->type == YAML_MAPPING_START_EVENT);
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		on_end(b, ev);
		break;
	default:
		break;
	}
	return 0;
}

static void syntax_error(struct builder *b, const yaml_parser_t *p)
{
	yaml_mark_t mark = p->problem_mark;

	if (p->error == YAML_READER_ERROR) {
		/* Reader errors carry a byte offset only. */
		mark.line = 0;
		mark.column = p->problem_offset;
	}
	reset_doc(b);
	doc_error(b, mark, "%s", p->problem ? p->problem : "unknown error");
}

static int parse(const char *buf, size_t len, const char *loc, struct sh_yaml_result *out,
		 int any_root)
{
	struct builder b = { .loc = loc, .res = out, .any_root = any_root };
	yaml_parser_t parser;
	yaml_event_t ev;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	b.anchor_index = json_object();
	if (b.anchor_index == NULL || !yaml_parser_initialize(&parser))
		abort();
	if (len > SH_YAML_MAX_INPUT) {
		yaml_mark_t zero = { 0, 0, 0 };

		doc_error(&b, zero, "Input of %zu bytes is over the limit of %u bytes",
			  len, SH_YAML_MAX_INPUT);
		goto out;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (rc == 0) {
		if (!yaml_parser_parse(&parser, &ev)) {
			syntax_error(&b, &parser);
			break;
		}
		rc = on_event(&b, &ev);
		yaml_event_delete(&ev);
	}
out:
	reset_doc(&b);
	free(b.anchors);
	json_decref(b.anchor_index);
	yaml_parser_delete(&parser);
	return out->nerrors ? SH_EINVAL : 0;
}

int sh_yaml_parse(const char *buf, size_t len, const char *loc, struct sh_yaml_result *out)
{
	return parse(buf, len, loc, out, 0);
}

int sh_yaml_parse_values(const char *buf, size_t len, const char *loc,
			 struct sh_yaml_result *out)
{
	return parse(buf, len, loc, out, 1);
}

void sh_yaml_result_free(struct sh_yaml_result *res)
{
	size_t i;

	for (i = 0; i < res->ndocs; i++) {
		json_decref(res->docs[i].entity);
		free(res->docs[i].error);
	}
	free(res->docs);
	memset(res, 0, sizeof(*res));
}
