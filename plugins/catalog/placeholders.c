/*
 * $text, $json and $yaml placeholders (spec §9.2): the entity is walked the
 * way Backstage's PlaceholderProcessor walks it, each placeholder read
 * through the caller's reader (so the reading rules of §9.4 hold) within a
 * per-file budget, and the messages are Backstage's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/errors.h>
#include <stagehand/url.h>
#include <stagehand/yaml.h>

#include "placeholders.h"
#include "util.h"

char *catalog_path_resolve(const char *base, const char *rel)
{
	size_t blen = strlen(base), cap = blen + strlen(rel) + 3, n = 0;
	char *in = sh_xmalloc(cap), *out = sh_xmalloc(cap), *seg, *save = NULL;
	const char *slash = strrchr(base, '/');

	if (rel[0] == '/' || slash == NULL)
		snprintf(in, cap, "%s", rel);
	else
		snprintf(in, cap, "%.*s/%s", (int)(slash - base), base, rel);
	for (seg = strtok_r(in, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			while (n > 0 && out[--n] != '/')
				;
			continue;
		}
		n += (size_t)snprintf(out + n, cap - n, "/%s", seg);
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	free(in);
	return out;
}

char *catalog_placeholder_target(const char *base_loc, const char *value)
{
	char *url = sh_url_resolve(value, value), *path, *loc;

	if (url == NULL && strncmp(base_loc, "url:", 4) == 0)
		url = sh_url_resolve(base_loc + 4, value);
	if (url != NULL) {
		loc = sh_xasprintf("url:%s", url);
		free(url);
		return loc;
	}
	if (strncmp(base_loc, "file:", 5) != 0 || value[0] == '\0')
		return NULL;
	path = catalog_path_resolve(base_loc + 5, value);
	loc = sh_xasprintf("file:%s", path);
	free(path);
	return loc;
}

/* Node's buffer.toString('utf-8'): each byte of an invalid sequence becomes
 * U+FFFD; NUL too, which PostgreSQL's jsonb would refuse. */
static json_t *text_value(const char *s, size_t n)
{
	static const char repl[] = "\xef\xbf\xbd";
	char *out = sh_xmalloc(3 * n + 1);
	size_t o = 0;
	json_t *v;

	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 :
			     c >= 0xf0 && c <= 0xf4 ? 4 : 0;
		unsigned long cp = len == 1 ? c : len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 7;
		size_t k;

		for (k = 1; len > 1 && k < len && i + k < n && ((unsigned char)s[i + k] & 0xc0) == 0x80;
		     k++)
			cp = cp << 6 | ((unsigned char)s[i + k] & 0x3f);
		if (c == 0 || len == 0 || k < len || (len == 3 && cp < 0x800) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff)) {
			memcpy(out + o, repl, 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(out + o, s + i, len);
		o += len;
		i += len;
	}
	v = json_stringn(out, o);
	free(out);
	if (v == NULL)
		abort();
	return v;
}

static size_t depth_of(const json_t *v)
{
	size_t d = 0, i;
	const char *k;
	json_t *x;

	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, x) {
			size_t c = depth_of(x);

			d = c > d ? c : d;
		}
		return d + 1;
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			size_t c = depth_of(x);

			d = c > d ? c : d;
		}
		return d + 1;
	}
	return 0;
}

static int parse_json(const char *key, const char *value, const char *buf, size_t len,
		      json_t **out, char **err)
{
	json_error_t jerr;

	*out = json_loadb(buf, len, JSON_DECODE_ANY, &jerr);
	if (*out == NULL) {
		*err = sh_xasprintf("Placeholder $%s failed to parse JSON data at %s, SyntaxError: %s "
				   "at line %d, column %d", key, value, jerr.text, jerr.line,
				   jerr.column);
		return SH_EINVAL;
	}
	return 0;
}

static int parse_yaml(const char *key, const char *value, const char *loc, const char *buf,
		      size_t len, json_t **out, char **err)
{
	struct sh_yaml_result res;
	size_t skip = strlen("YAML error at ") + strlen(loc) + 2;

	sh_yaml_parse_values(buf, len, loc, &res);
	*out = NULL;
	if (res.ndocs != 1) {
		*err = sh_xasprintf("Placeholder $%s expected to find exactly one document of data "
				   "at %s, found %zu", key, value, res.ndocs);
	} else if (res.docs[0].error) {
		const char *e = res.docs[0].error;

		*err = sh_xasprintf("Placeholder $%s found an error in the data at %s, %s", key, value,
				   strlen(e) > skip ? e + skip : e);
	} else {
		*out = json_incref(res.docs[0].entity);
	}
	sh_yaml_result_free(&res);
	return *out ? 0 : SH_EINVAL;
}

/* Reads the placeholder `key`: `value` relative to base_loc into *out. */
static int resolve_one(struct catalog_placeholders *ph, const char *key, const char *value,
		       const char *base_loc, json_t **out, char **err)
{
	char *loc = catalog_placeholder_target(base_loc, value), *buf = NULL, *why = NULL;
	size_t len = 0;
	int rc = SH_EINVAL;

	*out = NULL;
	if (loc == NULL) {
		const char *colon = strchr(base_loc, ':');

		*err = sh_xasprintf("Placeholder $%s could not form a URL out of %s and %s, "
				   "TypeError: Invalid URL", key, colon ? colon + 1 : base_loc, value);
		return SH_EINVAL;
	}
	if (ph->reads_left == 0)
		why = sh_xasprintf("Error: a file may have at most %u placeholders",
				  CATALOG_PLACEHOLDER_MAX_READS);
	else if (ph->reads_left--, ph->read(ph->ctx, loc, &buf, &len, &why) == 0 &&
		 len > ph->bytes_left)
		why = sh_xasprintf("Error: the placeholders of a file may read at most %u bytes",
				  CATALOG_PLACEHOLDER_MAX_BYTES);
	if (why) {
		*err = sh_xasprintf("Placeholder $%s could not read location %s, %s", key, value, why);
	} else {
		ph->bytes_left -= len;
		if (strcmp(key, "text") == 0) {
			*out = text_value(buf, len);
			rc = 0;
		} else if (strcmp(key, "json") == 0) {
			rc = parse_json(key, value, buf, len, out, err);
		} else {
			rc = parse_yaml(key, value, loc, buf, len, out, err);
		}
		if (rc == 0 && depth_of(*out) > SH_YAML_MAX_DEPTH) {
			*err = sh_xasprintf("Placeholder $%s failed to parse %s data at %s, Error: nested "
					   "deeper than %d levels", key, key[0] == 'j' ? "JSON" : "YAML",
					   value, SH_YAML_MAX_DEPTH);
			json_decref(*out);
			*out = NULL;
			rc = SH_EINVAL;
		}
	}
	free(why);
	free(buf);
	free(loc);
	return rc;
}

/* A placeholder object: its one key names a resolver and its value is a
 * string.  Returns the resolver name (without '$') or NULL. */
static const char *placeholder_key(json_t *obj)
{
	const char *k;
	json_t *v;
	void *it = json_object_iter(obj);

	if (it == NULL || json_object_iter_next(obj, it) != NULL)
		return NULL;
	k = json_object_iter_key(it);
	v = json_object_iter_value(it);
	if (!json_is_string(v) || (strcmp(k, "$text") != 0 && strcmp(k, "$json") != 0 &&
				   strcmp(k, "$yaml") != 0))
		return NULL;
	return k + 1;
}

static int has_dollar_key(json_t *obj)
{
	const char *k;
	json_t *v;

	json_object_foreach(obj, k, v)
		if (k[0] == '$')
			return 1;
	return 0;
}

/* Walks node; a placeholder found in it is replaced in its parent (the
 * caller), through *repl. */
static int walk(struct catalog_placeholders *ph, json_t *node, const char *base_loc,
		json_t **repl, char **err)
{
	json_t *v, *r;
	const char *k;
	size_t i;

	*repl = NULL;
	if (json_is_array(node)) {
		json_array_foreach(node, i, v) {
			if (walk(ph, v, base_loc, &r, err) != 0)
				return SH_EINVAL;
			if (r)
				json_array_set_new(node, i, r);
		}
	} else if (json_is_object(node) && !has_dollar_key(node)) {
		json_object_foreach(node, k, v) {
			if (walk(ph, v, base_loc, &r, err) != 0)
				return SH_EINVAL;
			if (r)
				json_object_set_new(node, k, r);
		}
	} else if (json_is_object(node) && (k = placeholder_key(node)) != NULL) {
		v = json_object_iter_value(json_object_iter(node));
		return resolve_one(ph, k, json_string_value(v), base_loc, repl, err);
	}
	return 0;
}

int catalog_placeholders_resolve(struct catalog_placeholders *ph, json_t *entity,
				 const char *base_loc, char **err)
{
	json_t *repl = NULL;
	int rc;

	*err = NULL;
	rc = walk(ph, entity, base_loc, &repl, err);
	json_decref(repl);
	return rc;
}
