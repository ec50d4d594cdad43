/*
 * The URL allow-list (<stagehand/urlallow.h>): rules such as the catalog's
 * reading_allow (spec §9.4), matched against a URL's host, port and
 * normalised path the way Backstage's FetchUrlReader predicates do.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stagehand/alloc.h>
#include <stagehand/errors.h>
#include <stagehand/url.h>
#include <stagehand/urlallow.h>

struct allow_rule {
	char *host;             /* lower-case; for a wildcard the suffix ".example.com" */
	int wildcard;
	unsigned port_lo, port_hi;  /* both 0: default port only */
	char **paths;           /* prefixes, or NULL for any path */
	size_t n_paths;
};

struct sh_url_allow {
	struct allow_rule *rules;
	size_t n;
};

void sh_url_allow_free(struct sh_url_allow *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->n; i++) {
		free(a->rules[i].host);
		for (size_t j = 0; j < a->rules[i].n_paths; j++)
			free(a->rules[i].paths[j]);
		free(a->rules[i].paths);
	}
	free(a->rules);
	free(a);
}

/* "8080" or "8000-8080", each 1-65535, first <= last. */
static int parse_ports(const char *s, size_t n, struct allow_rule *r)
{
	unsigned long v[2] = { 0, 0 };
	int k = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '-' && k == 0 && i > 0) {
			k = 1;
			continue;
		}
		if (!isdigit((unsigned char)s[i]) || (v[k] = v[k] * 10 + (unsigned)(s[i] - '0')) > 65535)
			return SH_EINVAL;
	}
	if (k == 0)
		v[1] = v[0];
	if (n == 0 || v[0] == 0 || v[1] < v[0])
		return SH_EINVAL;
	r->port_lo = (unsigned)v[0];
	r->port_hi = (unsigned)v[1];
	return 0;
}

/* The first word of a rule: [*.]host[:ports]. */
static int parse_host(const char *s, size_t n, struct allow_rule *r)
{
	const char *c = memchr(s, s[0] == '[' ? ']' : ':', n);
	size_t hn = c == NULL ? n : (size_t)(c - s) + (s[0] == '[');

	if (hn < n && (s[hn] != ':' || parse_ports(s + hn + 1, n - hn - 1, r) != 0))
		return SH_EINVAL;
	if (hn > 2 && s[0] == '*' && s[1] == '.') {
		r->wildcard = 1;
		s++;
		hn--;
	}
	if (!sh_url_host_ok(s, hn) || (r->wildcard && memchr(s + 1, '.', hn - 1) == s + 1))
		return SH_EINVAL;
	r->host = sh_xstrndup(s, hn);
	for (char *h = r->host; *h; h++)
		*h = (char)tolower((unsigned char)*h);
	return 0;
}

static int parse_rule(const char *v, struct allow_rule *r)
{
	const char *blank = " \t";
	size_t n;

	v += strspn(v, blank);
	n = strcspn(v, blank);
	if (n == 0 || parse_host(v, n, r) != 0)
		return SH_EINVAL;
	for (v += n, v += strspn(v, blank); *v; v += n, v += strspn(v, blank)) {
		n = strcspn(v, blank);
		if (v[0] != '/')
			return SH_EINVAL;
		r->paths = sh_xrealloc(r->paths, (r->n_paths + 1) * sizeof(*r->paths));
		r->paths[r->n_paths++] = sh_xstrndup(v, n);
	}
	return 0;
}

int sh_url_allow_parse(const char *const *values, size_t n, struct sh_url_allow **out,
		       char **err)
{
	struct sh_url_allow *a = sh_xmalloc(sizeof(*a));

	*out = NULL;
	*err = NULL;
	a->rules = sh_xmalloc((n ? n : 1) * sizeof(*a->rules));
	memset(a->rules, 0, (n ? n : 1) * sizeof(*a->rules));
	for (a->n = 0; a->n < n; a->n++) {
		if (parse_rule(values[a->n], &a->rules[a->n]) != 0) {
			*err = sh_xasprintf("invalid reading_allow rule \"%s\": expected "
					   "<host>[:<port>[-<port>]] [/<path-prefix>...]",
					   values[a->n]);
			a->n++;
			sh_url_allow_free(a);
			return SH_EINVAL;
		}
	}
	*out = a;
	return 0;
}

static int rule_match(const struct allow_rule *r, const struct sh_url_http *u)
{
	size_t hl = strlen(u->host), rl = strlen(r->host);

	if (r->wildcard ? hl <= rl || strcmp(u->host + hl - rl, r->host) != 0
			: strcmp(u->host, r->host) != 0)
		return 0;
	if (r->port_lo ? u->port < r->port_lo || u->port > r->port_hi : !u->default_port)
		return 0;
	if (r->paths == NULL)
		return 1;
	for (size_t i = 0; i < r->n_paths; i++)
		if (strncmp(u->path, r->paths[i], strlen(r->paths[i])) == 0)
			return 1;
	return 0;
}

int sh_url_allow_match(const struct sh_url_allow *a, const char *url)
{
	struct sh_url_http u;
	int ok = 0;

	if (a == NULL || sh_url_http_parse(url, &u) != 0)
		return 0;
	for (size_t i = 0; i < a->n && !ok; i++)
		ok = rule_match(&a->rules[i], &u);
	sh_url_http_clear(&u);
	return ok;
}

char *sh_url_allow_denied_message(const char *url)
{
	return sh_xasprintf("Reading from '%s' is not allowed. You may need to configure an "
			   "integration for the target host, or add it to the configured list of "
			   "allowed hosts at 'backend.reading.allow'", url);
}
