/*
 * The catalog rules of spec §9.3 in ini form: each rule allows kinds (or
 * kind + spec.type pairs) for the locations its matchers take, and an
 * entity passes when one rule taking its origin location allows it, the way
 * Backstage's DefaultCatalogRulesEnforcer decides.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stagehand/alloc.h>
#include <stagehand/errors.h>

#include "rules.h"
#include "util.h"

struct rule_allow {
	char *kind;
	char *spec_type;        /* NULL: any type */
};

struct rule_location {
	char *type;
	char *exact;            /* exactly one of exact and pattern is set */
	char *pattern;
};

struct rule {
	struct rule_allow *allow;
	size_t n_allow;
	struct rule_location *locs;   /* NULL: every location */
	size_t n_locs;
};

struct catalog_rules {
	struct rule *v;
	size_t n;
};

struct catalog_rules *catalog_rules_new(void)
{
	struct catalog_rules *r = sh_xmalloc(sizeof(*r));

	memset(r, 0, sizeof(*r));
	return r;
}

static void rule_clear(struct rule *ru)
{
	for (size_t i = 0; i < ru->n_allow; i++) {
		free(ru->allow[i].kind);
		free(ru->allow[i].spec_type);
	}
	for (size_t i = 0; i < ru->n_locs; i++) {
		free(ru->locs[i].type);
		free(ru->locs[i].exact);
		free(ru->locs[i].pattern);
	}
	free(ru->allow);
	free(ru->locs);
	memset(ru, 0, sizeof(*ru));
}

void catalog_rules_free(struct catalog_rules *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++)
		rule_clear(&r->v[i]);
	free(r->v);
	free(r);
}

/* Takes ru (zeroed afterwards). */
static void push_rule(struct catalog_rules *r, struct rule *ru)
{
	r->v = sh_xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	r->v[r->n++] = *ru;
	memset(ru, 0, sizeof(*ru));
}

static void add_allow(struct rule *ru, const char *kind, size_t klen, const char *type,
		      size_t tlen)
{
	ru->allow = sh_xrealloc(ru->allow, (ru->n_allow + 1) * sizeof(*ru->allow));
	ru->allow[ru->n_allow].kind = sh_xstrndup(kind, klen);
	ru->allow[ru->n_allow].spec_type = type ? sh_xstrndup(type, tlen) : NULL;
	ru->n_allow++;
}

void catalog_rules_add_kinds(struct catalog_rules *r, const char *const *kinds, size_t n)
{
	struct rule ru = { 0 };

	if (n == 0)
		return;
	for (size_t i = 0; i < n; i++)
		add_allow(&ru, kinds[i], strlen(kinds[i]), NULL, 0);
	push_rule(r, &ru);
}

/* "Kind,Kind:type,..." (n bytes at s) into ru's allow list. */
static int parse_allow(struct rule *ru, const char *s, size_t n)
{
	while (n > 0) {
		size_t item = 0, k;

		while (item < n && s[item] != ',')
			item++;
		for (k = 0; k < item && s[k] != ':'; k++)
			;
		if (k == 0 || k + 1 == item)
			return SH_EINVAL;
		add_allow(ru, s, k, k < item ? s + k + 1 : NULL, k < item ? item - k - 1 : 0);
		if (item == n)
			return 0;
		if (item + 1 == n)
			return SH_EINVAL;        /* trailing comma */
		s += item + 1;
		n -= item + 1;
	}
	return SH_EINVAL;
}

/* "<type>:<target>" (n bytes at s) as an exact or pattern matcher. */
static int parse_location(struct rule *ru, const char *s, size_t n, int pattern)
{
	const char *colon = memchr(s, ':', n);
	struct rule_location *l;

	if (colon == NULL || colon == s || colon + 1 == s + n)
		return SH_EINVAL;
	ru->locs = sh_xrealloc(ru->locs, (ru->n_locs + 1) * sizeof(*ru->locs));
	l = &ru->locs[ru->n_locs++];
	memset(l, 0, sizeof(*l));
	l->type = sh_xstrndup(s, (size_t)(colon - s));
	*(pattern ? &l->pattern : &l->exact) = sh_xstrndup(colon + 1,
								 (size_t)(s + n - colon - 1));
	return 0;
}

/* One word of a rule; `locations` says whether exact=/pattern= may occur. */
static int parse_word(struct rule *ru, const char *w, size_t n, int locations)
{
	if (n > 6 && strncmp(w, "allow=", 6) == 0)
		return parse_allow(ru, w + 6, n - 6);
	if (locations && n > 6 && strncmp(w, "exact=", 6) == 0)
		return parse_location(ru, w + 6, n - 6, 0);
	if (locations && n > 8 && strncmp(w, "pattern=", 8) == 0)
		return parse_location(ru, w + 8, n - 8, 1);
	return SH_EINVAL;
}

/* The blank-separated words of v into ru; on error *err names the word. */
static int parse_words(struct rule *ru, const char *v, int locations, char **err)
{
	const char *blank = " \t";
	size_t n;

	for (v += strspn(v, blank); *v; v += n, v += strspn(v, blank)) {
		n = strcspn(v, blank);
		if (parse_word(ru, v, n, locations) != 0) {
			*err = sh_xasprintf("\"%.*s\": expected allow=<kind>[:<spec.type>][,...]%s",
					   (int)n, v, locations ? ", exact=<type>:<target> or "
					   "pattern=<type>:<glob>" : "");
			return SH_EINVAL;
		}
	}
	if (ru->n_allow == 0) {
		*err = sh_xstrdup("allow=<kind>[,...] is required");
		return SH_EINVAL;
	}
	return 0;
}

int catalog_rules_add_rule(struct catalog_rules *r, const char *value, char **err)
{
	struct rule ru = { 0 };

	*err = NULL;
	if (parse_words(&ru, value, 1, err) != 0) {
		rule_clear(&ru);
		return SH_EINVAL;
	}
	push_rule(r, &ru);
	return 0;
}

int catalog_rules_add_location(struct catalog_rules *r, const char *type, const char *target,
			       const char *words, char **err)
{
	struct rule ru = { 0 };

	*err = NULL;
	if (words[strspn(words, " \t")] == '\0')
		return 0;
	if (parse_words(&ru, words, 0, err) != 0) {
		rule_clear(&ru);
		return SH_EINVAL;
	}
	ru.locs = sh_xmalloc(sizeof(*ru.locs));
	ru.locs[0].type = sh_xstrdup(type);
	ru.locs[0].exact = sh_xstrdup(target);
	ru.locs[0].pattern = NULL;
	ru.n_locs = 1;
	push_rule(r, &ru);
	return 0;
}

/* The bracket expression at p (just past '[') against c: 1 or 0, with *end
 * just past its ']'; -1 when unclosed (then '[' is a literal). */
static int class_match(const char *p, int c, const char **end)
{
	int negate = *p == '!' || *p == '^', hit = 0;

	if (negate)
		p++;
	for (int first = 1; *p && (first || *p != ']'); first = 0) {
		int lo = tolower((unsigned char)(*p == '\\' && p[1] ? *++p : *p)), hi = lo;

		p++;
		if (p[0] == '-' && p[1] && p[1] != ']') {
			hi = tolower((unsigned char)(p[1] == '\\' && p[2] ? p[2] : p[1]));
			p += p[1] == '\\' && p[2] ? 3 : 2;
		}
		if (c >= lo && c <= hi)
			hit = 1;
	}
	if (*p != ']')
		return -1;
	*end = p + 1;
	return hit != negate && c != '/';
}

static int glob_at(const char *start, const char *p, const char *s)
{
	for (;;) {
		const char *end;
		int m;

		if (p[0] == '*' && p[1] == '*' && (p == start || p[-1] == '/') &&
		    (p[2] == '\0' || p[2] == '/')) {
			if (p[2] == '\0')
				return 1;
			/* zero segments, or skip whole segments */
			for (;;) {
				if (glob_at(start, p + 3, s))
					return 1;
				s = strchr(s, '/');
				if (s == NULL)
					return 0;
				s++;
			}
		}
		switch (*p) {
		case '\0':
			return *s == '\0';
		case '*':
			while (*p == '*')
				p++;
			for (;; s++) {
				if (glob_at(start, p, s))
					return 1;
				if (*s == '\0' || *s == '/')
					return 0;
			}
		case '?':
			if (*s == '\0' || *s == '/')
				return 0;
			p++;
			s++;
			continue;
		case '[':
			m = *s ? class_match(p + 1, tolower((unsigned char)*s), &end) : 0;
			if (m == 0)
				return 0;
			if (m == 1) {
				p = end;
				s++;
				continue;
			}
			break;          /* unclosed: a literal '[' */
		case '\\':
			if (p[1])
				p++;
			break;
		default:
			break;
		}
		if (tolower((unsigned char)*p) != tolower((unsigned char)*s))
			return 0;
		p++;
		s++;
	}
}

int catalog_rules_glob(const char *pattern, const char *s)
{
	return glob_at(pattern, pattern, s);
}

static int location_match(const struct rule *ru, const char *type, const char *target)
{
	if (ru->locs == NULL)
		return 1;
	for (size_t i = 0; i < ru->n_locs; i++) {
		const struct rule_location *l = &ru->locs[i];

		if (type == NULL || target == NULL || strcmp(l->type, type) != 0)
			continue;
		if (l->exact ? strcmp(l->exact, target) == 0 : catalog_rules_glob(l->pattern, target))
			return 1;
	}
	return 0;
}

static int entity_match(const struct rule *ru, const char *kind, const char *spec_type)
{
	for (size_t i = 0; i < ru->n_allow; i++) {
		const struct rule_allow *a = &ru->allow[i];

		if (strcasecmp(a->kind, kind) != 0)
			continue;
		if (a->spec_type && (spec_type == NULL || strcmp(a->spec_type, spec_type) != 0))
			continue;
		return 1;
	}
	return 0;
}

int catalog_rules_allowed(const struct catalog_rules *r, const json_t *entity, const char *type,
			  const char *target)
{
	const char *kind = json_string_value(json_object_get(entity, "kind"));
	const char *spec_type = json_string_value(json_object_get(
		json_object_get(entity, "spec"), "type"));

	if (r == NULL || kind == NULL)
		return 0;
	for (size_t i = 0; i < r->n; i++)
		if (location_match(&r->v[i], type, target) && entity_match(&r->v[i], kind, spec_type))
			return 1;
	return 0;
}
