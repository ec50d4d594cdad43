/*
 * The configured Jenkins instances, loaded once in init: [jenkins] is
 * "default" (when it has a base_url), each [jenkins.<name>] with a
 * base_url is <name>.  Their override regexes are compiled and their
 * extra headers parsed here, so a bad one stops start-up naming its
 * section and key, and a request only looks an instance up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/stagehand.h>

#include "jenkins.h"

#define REGEX_KEY "allowed_base_url_override_regex"
#define HEADERS_KEY "extra_request_headers"

struct jk_loaded {
	struct jk_instance inst;
	char *name;
	char *base_url;
	regex_t re;
	bool has_re;
	char *headers[JK_MAX_HEADERS + 1];
};

static int load_regex(struct jk_loaded *l, const struct sh_conf *conf, const char *sec,
		      char *err, size_t errlen)
{
	const char *pattern = sh_conf_str(conf, sec, REGEX_KEY);
	char why[256];

	if (!pattern)
		return 0;
	if (jk_regex_compile(&l->re, pattern, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "[%s] %s: invalid regex: %s", sec, REGEX_KEY, why);
		return SH_EINVAL;
	}
	l->has_re = true;
	l->inst.override_re = &l->re;
	if (!jk_regex_anchored(pattern))
		sh_log(SH_LOG_WARN, "jenkins: [%s] %s is not anchored (^...$): any URL that "
		       "contains a match may replace base_url", sec, REGEX_KEY);
	return 0;
}

static int load_headers(struct jk_loaded *l, const struct sh_conf *conf, const char *sec,
			char *err, size_t errlen)
{
	const char *const *values;
	size_t n = sh_conf_multi(conf, sec, HEADERS_KEY, &values);
	char why[256];
	int rc = jk_headers_parse(values, n, l->headers, JK_MAX_HEADERS, why, sizeof(why));

	if (rc < 0) {
		snprintf(err, errlen, "[%s] %s: %s", sec, HEADERS_KEY, why);
		return SH_EINVAL;
	}
	l->inst.headers = (const char *const *)l->headers;
	l->inst.n_headers = (size_t)rc;
	return 0;
}

/* One instance from section `sec`; 1 when it has no base_url (not an
 * instance, though its regex and headers are checked all the same). */
static int load_one(struct jk_loaded *l, const struct sh_conf *conf, const char *sec,
		    const char *name, char *err, size_t errlen)
{
	const char *url = sh_conf_str(conf, sec, "base_url");
	size_t n;
	int rc;

	if ((rc = load_regex(l, conf, sec, err, errlen)) < 0 ||
	    (rc = load_headers(l, conf, sec, err, errlen)) < 0)
		return rc;
	if (!url || !*url)
		return 1;
	for (n = strlen(url); n > 0 && url[n - 1] == '/';)
		n--;
	l->name = sh_xstrdup(name);
	l->base_url = sh_xstrndup(url, n);
	l->inst.name = l->name;
	l->inst.base_url = l->base_url;
	l->inst.username = sh_conf_str(conf, sec, "username");
	l->inst.api_key = sh_conf_str(conf, sec, "api_key");
	l->inst.project_count_limit = sh_conf_int(conf, sec, "project_count_limit", 50);
	return 0;
}

static void free_one(struct jk_loaded *l)
{
	if (l->has_re)
		regfree(&l->re);
	jk_headers_free(l->headers, l->inst.n_headers);
	free(l->name);
	free(l->base_url);
	memset(l, 0, sizeof(*l));
}

int jk_instances_load(struct jenkins *jk, const struct sh_conf *conf, char *err, size_t errlen)
{
	const char *secs[JK_MAX_INSTANCES];
	size_t n = sh_conf_sections(conf, "jenkins.", secs + 1, JK_MAX_INSTANCES - 1) + 1;
	int rc = 0;

	if (n > JK_MAX_INSTANCES) {
		snprintf(err, errlen, "more than %d [jenkins.<name>] sections", JK_MAX_INSTANCES - 1);
		return SH_EINVAL;
	}
	secs[0] = "jenkins";
	for (size_t i = 1; i < n; i++)
		if (strcmp(secs[i], "jenkins.default") == 0) {
			snprintf(err, errlen, "[jenkins.default]: the instance default is [jenkins]");
			return SH_EINVAL;
		}
	jk->instances = sh_xcalloc(n, sizeof(*jk->instances));
	for (size_t i = 0; i < n && rc >= 0; i++) {
		struct jk_loaded *l = &jk->instances[jk->n_instances];

		rc = load_one(l, conf, secs[i], i ? secs[i] + strlen("jenkins.") : "default", err,
			      errlen);
		if (rc == 0)
			jk->n_instances++;
		else
			free_one(l);
	}
	if (rc < 0)
		jk_instances_free(jk);
	return rc < 0 ? rc : 0;
}

void jk_instances_free(struct jenkins *jk)
{
	for (size_t i = 0; i < jk->n_instances; i++)
		free_one(&jk->instances[i]);
	free(jk->instances);
	jk->instances = NULL;
	jk->n_instances = 0;
}

const struct jk_instance *jk_instance_find(const struct jenkins *jk, const char *name)
{
	for (size_t i = 0; i < jk->n_instances; i++)
		if (strcmp(jk->instances[i].inst.name, name) == 0)
			return &jk->instances[i].inst;
	return NULL;
}
