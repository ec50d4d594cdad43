/*
 * Entity and location references (spec §7.3), parsed the way catalog-model's
 * parseEntityRef/parseLocationRef do, so error texts and defaulting match
 * Backstage exactly.  Case is kept on parse and dropped on format.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stagehand/alloc.h>
#include <stagehand/errors.h>

#include "ref.h"
#include "util.h"

/* JSON.stringify of the offending value, as Backstage quotes it. */
static char *json_text(const json_t *v)
{
	char *s = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER) : NULL;

	if (!s)
		return sh_xasprintf("%s", v ? "null" : "undefined");
	return s;
}

static int fail_missing(const json_t *ref, const char *what, char **err)
{
	char *t = json_text(ref);

	if (!strcmp(what, "kind"))
		*err = sh_xasprintf("Entity reference %s had missing or empty kind "
				 "(e.g. did not start with \"component:\" or similar)", t);
	else
		*err = sh_xasprintf("Entity reference %s had missing or empty %s", t, what);
	free(t);
	return SH_EINVAL;
}

/* parseRefString: kind only if ':' precedes the first '/'. */
static int split_ref(const char *ref, struct catalog_ref *out, char **err)
{
	const char *colon = strchr(ref, ':'), *slash = strchr(ref, '/');
	const char *name = ref;

	if (slash && colon && slash < colon)
		colon = NULL;
	if (colon)
		name = colon + 1;
	if (slash)
		name = slash + 1;
	if ((colon && colon == ref) || (slash && slash == (colon ? colon + 1 : ref)) || !*name) {
		*err = sh_xasprintf("Entity reference \"%s\" was not on the form "
				 "[<kind>:][<namespace>/]<name>", ref);
		return SH_EINVAL;
	}
	out->kind = colon ? sh_xstrndup(ref, (size_t)(colon - ref)) : NULL;
	if (slash) {
		const char *ns = colon ? colon + 1 : ref;

		out->namespace = sh_xstrndup(ns, (size_t)(slash - ns));
	}
	out->name = sh_xstrndup(name, strlen(name));
	return 0;
}

static int apply_defaults(const json_t *textual, const char *default_kind, const char *default_ns,
			  struct catalog_ref *out, char **err)
{
	if (!out->kind && default_kind && *default_kind)
		out->kind = sh_xstrndup(default_kind, strlen(default_kind));
	if (!out->namespace) {
		const char *ns = default_ns && *default_ns ? default_ns : "default";

		out->namespace = sh_xstrndup(ns, strlen(ns));
	}
	if (!out->kind || !*out->kind)
		return fail_missing(textual, "kind", err);
	if (!*out->namespace)
		return fail_missing(textual, "namespace", err);
	if (!out->name || !*out->name)
		return fail_missing(textual, "name", err);
	return 0;
}

int catalog_ref_parse(const char *ref, const char *default_kind, const char *default_ns,
		      struct catalog_ref *out, char **err)
{
	json_t *textual;
	int rc;

	memset(out, 0, sizeof(*out));
	*err = NULL;
	if (!ref || !*ref) {
		*err = sh_xasprintf("Entity reference must not be empty");
		return SH_EINVAL;
	}
	rc = split_ref(ref, out, err);
	if (rc == 0) {
		textual = json_string(ref);
		rc = apply_defaults(textual, default_kind, default_ns, out, err);
		json_decref(textual);
	}
	if (rc)
		catalog_ref_clear(out);
	return rc;
}

static char *member(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? sh_xstrndup(json_string_value(v), json_string_length(v)) : NULL;
}

int catalog_ref_parse_json(const json_t *ref, const char *default_kind, const char *default_ns,
			   struct catalog_ref *out, char **err)
{
	int rc;

	if (json_is_string(ref))
		return catalog_ref_parse(json_string_value(ref), default_kind, default_ns, out, err);
	memset(out, 0, sizeof(*out));
	*err = NULL;
	/* JavaScript falsiness: null, false, 0 are "empty" like "". */
	if (!ref || json_is_null(ref) || json_is_false(ref) ||
	    (json_is_number(ref) && json_number_value(ref) == 0)) {
		*err = sh_xasprintf("Entity reference must not be empty");
		return SH_EINVAL;
	}
	/* Compound form; a member that is not a string counts as absent. */
	if (json_is_object(ref)) {
		out->kind = member(ref, "kind");
		out->namespace = member(ref, "namespace");
		out->name = member(ref, "name");
	}
	rc = apply_defaults(ref, default_kind, default_ns, out, err);
	if (rc)
		catalog_ref_clear(out);
	return rc;
}

static void lower_into(char *dst, const char *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = (char)tolower((unsigned char)src[i]);
}

char *catalog_ref_format(const char *kind, const char *ns, const char *name)
{
	size_t lk = strlen(kind), ln = strlen(ns), lm = strlen(name);
	char *p = sh_xmalloc(lk + ln + lm + 3);

	lower_into(p, kind, lk);
	p[lk] = ':';
	lower_into(p + lk + 1, ns, ln);
	p[lk + 1 + ln] = '/';
	lower_into(p + lk + ln + 2, name, lm);
	p[lk + ln + lm + 2] = '\0';
	return p;
}

char *catalog_ref_of_entity(const json_t *entity)
{
	const json_t *meta = json_object_get(entity, "metadata");
	const char *kind = json_string_value(json_object_get(entity, "kind"));
	const char *name = json_string_value(json_object_get(meta, "name"));
	const char *ns = json_string_value(json_object_get(meta, "namespace"));

	if (!kind || !name)
		return NULL;
	return catalog_ref_format(kind, ns && *ns ? ns : "default", name);
}

void catalog_ref_clear(struct catalog_ref *ref)
{
	free(ref->kind);
	free(ref->namespace);
	free(ref->name);
	memset(ref, 0, sizeof(*ref));
}

static char *trimmed(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return sh_xstrndup(s, n);
}

int catalog_location_ref_parse(const char *ref, struct catalog_location_ref *out, char **err)
{
	const char *colon = ref ? strchr(ref, ':') : NULL;

	memset(out, 0, sizeof(*out));
	*err = NULL;
	if (colon) {
		out->type = trimmed(ref, (size_t)(colon - ref));
		out->target = trimmed(colon + 1, strlen(colon + 1));
	}
	if (!colon || !*out->type || !*out->target)
		*err = sh_xasprintf("Unable to parse location ref '%s', expected '<type>:<target>', "
				 "e.g. 'url:https://host/path'", ref ? ref : "undefined");
	else if (!strcmp(out->type, "http") || !strcmp(out->type, "https"))
		*err = sh_xasprintf("Invalid location ref '%s', please prefix it with 'url:', "
				 "e.g. 'url:%s'", ref, ref);
	else if (!strncasecmp(out->target, "javascript:", 11))
		*err = sh_xasprintf("Invalid location ref '%s', javascript: targets are not allowed", ref);
	if (*err) {
		catalog_location_ref_clear(out);
		return SH_EINVAL;
	}
	return 0;
}

void catalog_location_ref_clear(struct catalog_location_ref *ref)
{
	free(ref->type);
	free(ref->target);
	memset(ref, 0, sizeof(*ref));
}
