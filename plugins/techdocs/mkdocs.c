/*
 * mkdocs.yml as the builder reads it: the few keys techdocs' allow-list
 * keeps that change the site (site_name, site_description, docs_dir,
 * repo_url, edit_uri, nav), read through the host's YAML reader with its
 * caps.  Every other key (theme, plugins, markdown_extensions, ...) is
 * ignored, as techdocs drops it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/errors.h>
#include <stagehand/yaml.h>

#include "builder.h"

struct nav_walk {
	size_t entries;
	char *err;
	size_t errlen;
};

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return SH_EINVAL;
}

void td_nav_free(struct td_nav *nav)
{
	for (size_t i = 0; i < nav->nkids; i++)
		td_nav_free(&nav->kids[i]);
	free(nav->kids);
	free(nav->title);
	free(nav->page);
	free(nav->link);
	memset(nav, 0, sizeof(*nav));
	nav->page_idx = -1;
}

void td_config_free(struct td_config *cfg)
{
	free(cfg->site_name);
	free(cfg->site_description);
	free(cfg->docs_dir);
	free(cfg->repo_url);
	free(cfg->edit_uri);
	td_nav_free(&cfg->nav);
	memset(cfg, 0, sizeof(*cfg));
	cfg->nav.page_idx = -1;
}

void td_mkdocs_default(struct td_config *cfg, const char *default_site_name)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->nav.page_idx = -1;
	cfg->site_name = sh_xstrdup(default_site_name ? default_site_name : "Documentation");
	cfg->docs_dir = sh_xstrdup("docs");
}

static bool is_link(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0 ||
	       strncmp(s, "mailto:", 7) == 0 || s[0] == '/' || s[0] == '#';
}

static int nav_list(const json_t *list, struct td_nav *into, int depth, struct nav_walk *w);

/* One entry: "page.md", {"Title": "page.md" | "https://..." | [entries]}. */
static int nav_entry(const json_t *v, struct td_nav *e, int depth, struct nav_walk *w)
{
	const char *key;
	json_t *val;

	e->page_idx = -1;
	if (++w->entries > TD_NAV_MAX_ENTRIES)
		return fail(w->err, w->errlen, "nav has more than %d entries", TD_NAV_MAX_ENTRIES);
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		*(is_link(s) ? &e->link : &e->page) = sh_xstrdup(s);
		return 0;
	}
	if (!json_is_object(v) || json_object_size(v) != 1)
		return fail(w->err, w->errlen, "nav entries must be a page or a 'Title: value' pair");
	json_object_foreach((json_t *)v, key, val) {
		e->title = sh_xstrdup(key);
		if (json_is_array(val))
			return nav_list(val, e, depth + 1, w);
		if (!json_is_string(val))
			return fail(w->err, w->errlen, "nav entry '%s' is not a page, link or section", key);
		const char *s = json_string_value(val);
		*(is_link(s) ? &e->link : &e->page) = sh_xstrdup(s);
	}
	return 0;
}

static int nav_list(const json_t *list, struct td_nav *into, int depth, struct nav_walk *w)
{
	size_t n = json_array_size(list);

	if (depth > TD_NAV_MAX_DEPTH)
		return fail(w->err, w->errlen, "nav is nested deeper than %d levels", TD_NAV_MAX_DEPTH);
	into->kids = sh_xcalloc(n ? n : 1, sizeof(*into->kids));
	for (size_t i = 0; i < n; i++) {
		into->nkids = i + 1;
		int rc = nav_entry(json_array_get(list, i), &into->kids[i], depth, w);
		if (rc != 0)
			return rc;
	}
	into->nkids = n;
	return 0;
}

/* An optional string key; a present non-string value is an error. */
static int str_key(const json_t *root, const char *key, char **out, char *err, size_t errlen)
{
	json_t *v = json_object_get(root, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) && !json_is_number(v))
		return fail(err, errlen, "mkdocs.yml: %s must be a string", key);
	free(*out);
	*out = json_is_string(v) ? sh_xstrdup(json_string_value(v))
				 : sh_xasprintf("%g", json_number_value(v));
	return 0;
}

/* docs_dir stays inside the source: relative, no ".." segment. */
static int check_docs_dir(const char *d, char *err, size_t errlen)
{
	const char *p = d;

	if (!*d || d[0] == '/' || strchr(d, '\\'))
		return fail(err, errlen, "mkdocs.yml: docs_dir must be a relative path inside the source");
	while (p) {
		if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || !p[2]))
			return fail(err, errlen, "mkdocs.yml: docs_dir must not leave the source");
		p = strchr(p, '/');
		p = p ? p + 1 : NULL;
	}
	return 0;
}

/* mkdocs' default edit_uri for the hosts it knows. */
static void default_edit_uri(struct td_config *cfg)
{
	if (cfg->edit_uri || !cfg->repo_url)
		return;
	if (strstr(cfg->repo_url, "github.com") || strstr(cfg->repo_url, "gitlab.com"))
		cfg->edit_uri = sh_xstrdup("edit/master/docs/");
	else if (strstr(cfg->repo_url, "bitbucket.org"))
		cfg->edit_uri = sh_xstrdup("src/default/docs/");
}

static int read_keys(const json_t *root, struct td_config *cfg, char *err, size_t errlen)
{
	static const char *const keys[] = {"site_name", "site_description", "docs_dir",
					   "repo_url", "edit_uri"};
	char **outs[] = {&cfg->site_name, &cfg->site_description, &cfg->docs_dir,
			 &cfg->repo_url, &cfg->edit_uri};
	json_t *nav = json_object_get(root, "nav");

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (str_key(root, keys[i], outs[i], err, errlen) != 0)
			return SH_EINVAL;
	if (check_docs_dir(cfg->docs_dir, err, errlen) != 0)
		return SH_EINVAL;
	default_edit_uri(cfg);
	if (!nav || json_is_null(nav))
		return 0;
	if (!json_is_array(nav))
		return fail(err, errlen, "mkdocs.yml: nav must be a list");
	cfg->has_nav = true;
	struct nav_walk w = {0, err, errlen};
	int rc = nav_list(nav, &cfg->nav, 1, &w);
	if (rc != 0 && strncmp(err, "mkdocs.yml", 10) != 0) {
		char why[200];
		snprintf(why, sizeof(why), "%s", err);
		fail(err, errlen, "mkdocs.yml: %s", why);
	}
	return rc;
}

int td_mkdocs_parse(const char *buf, size_t len, const char *default_site_name,
		    struct td_config *cfg, char *err, size_t errlen)
{
	struct sh_yaml_result res;
	int rc;

	td_mkdocs_default(cfg, default_site_name);
	if (sh_yaml_parse_values(buf, len, "file:mkdocs.yml", &res) != 0) {
		const char *why = "unreadable";
		for (size_t i = 0; i < res.ndocs; i++)
			if (res.docs[i].error)
				why = res.docs[i].error;
		rc = fail(err, errlen, "mkdocs.yml is not valid YAML: %s", why);
	} else if (res.ndocs == 0 || json_is_null(res.docs[0].entity)) {
		rc = 0;
	} else if (!json_is_object(res.docs[0].entity)) {
		rc = fail(err, errlen, "mkdocs.yml must be a mapping of keys");
	} else {
		rc = read_keys(res.docs[0].entity, cfg, err, errlen);
	}
	sh_yaml_result_free(&res);
	return rc;
}
