/*
 * Redirect hops, followed by hand rather than by curl so that each target
 * is checked before anything is sent to it: http or https only, never from
 * https down to http, and only to the first URL's host or an allowed one.
 * Credentials stay with the first URL's origin.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_int.h"

bool host_http_is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 ||
	       status == 308;
}

/* A part of an absolute URL (malloc'd, lower-cased scheme and host), or NULL. */
static char *url_part(const char *url, CURLUPart part)
{
	CURLU *u = curl_url();
	char *s = NULL, *copy = NULL;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, part, &s, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		copy = sh_xstrdup(s);
		for (char *p = copy; part != CURLUPART_PORT && *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	}
	curl_free(s);
	curl_url_cleanup(u);
	return copy;
}

/* location resolved against base, malloc'd, or NULL. */
static char *resolve(const char *base, const char *location)
{
	CURLU *u = curl_url();
	char *s = NULL, *copy = NULL;

	if (u && curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_URL, location, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK)
		copy = sh_xstrdup(s);
	curl_free(s);
	curl_url_cleanup(u);
	return copy;
}

static bool same_part(const char *a, const char *b, CURLUPart part)
{
	char *x = url_part(a, part), *y = url_part(b, part);
	bool same = x && y && strcmp(x, y) == 0;

	free(x);
	free(y);
	return same;
}

bool host_http_same_origin(const char *a, const char *b)
{
	return same_part(a, b, CURLUPART_SCHEME) && same_part(a, b, CURLUPART_HOST) &&
	       same_part(a, b, CURLUPART_PORT);
}

static bool host_allowed(const char *host, const char *first_host, const char *const *allowed)
{
	if (first_host && strcmp(host, first_host) == 0)
		return true;
	for (size_t i = 0; allowed && allowed[i]; i++)
		if (strcasecmp(host, allowed[i]) == 0)
			return true;
	return false;
}

/* Why the hop from `from` to `to` is refused, or NULL. */
static const char *refusal(const struct http_call *c, const char *to, const char *first_url,
			   const char **host_out)
{
	char *scheme = url_part(to, CURLUPART_SCHEME), *from = url_part(c->url, CURLUPART_SCHEME);
	char *host = url_part(to, CURLUPART_HOST), *first = url_part(first_url, CURLUPART_HOST);
	const char *why = NULL;

	if (!scheme || !host || (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0))
		why = "a scheme other than http or https";
	else if (from && strcmp(from, "https") == 0 && strcmp(scheme, "http") == 0)
		why = "plain http from https";
	else if (!host_allowed(host, first, c->rq->redirect_hosts))
		why = "a host outside the allow-list";
	*host_out = why && host ? sh_xstrdup(host) : NULL;
	free(scheme);
	free(from);
	free(host);
	free(first);
	return why;
}

/* 303, and 301/302 after a POST, become a GET without a body (as browsers do). */
static void next_method(struct http_call *c, long status)
{
	bool post = c->send_body && (!c->method || strcmp(c->method, "POST") == 0);

	if (status == 303 || ((status == 301 || status == 302) && post)) {
		if (!c->method || strcmp(c->method, "HEAD") != 0)
			c->method = "GET";
		c->send_body = false;
	}
}

int host_http_next_hop(struct http_call *c, const char *first_url)
{
	struct sh_http_response *out = c->out;
	char *next = out->location ? resolve(c->url, out->location) : NULL;
	const char *why, *host = NULL;

	if (!next) {
		snprintf(out->error, sizeof(out->error), "redirect %ld without a usable Location",
			 out->status);
		return SH_EINVAL;
	}
	if ((why = refusal(c, next, first_url, &host)) != NULL) {
		snprintf(out->error, sizeof(out->error), "redirect refused: %s%s%s", why,
			 host ? ": " : "", host ? host : "");
		free((char *)host);
		free(next);
		return SH_EDENIED;
	}
	next_method(c, out->status);
	c->same_origin = host_http_same_origin(first_url, next);
	free(c->url);
	c->url = next;
	return 0;
}
