/*
 * The two per-instance settings that reach Jenkins besides the credentials:
 * allowed_base_url_override_regex (which jenkins.io/override-base-url
 * values may replace base_url) and extra_request_headers (sent on every
 * call).  Pure parsing and matching, unit-tested without a host; the
 * instance table that uses them is instances.c.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stagehand/alloc.h>
#include <stagehand/errors.h>
#include <stagehand/url.h>

#include "jenkins.h"

/* JavaScript syntax that POSIX ERE reads differently instead of refusing. */
static const char *js_only(const char *p)
{
	for (; *p; p++) {
		if (p[0] == '(' && p[1] == '?')
			return "(?...) groups are JavaScript, not POSIX ERE";
		if (p[0] != '\\' || !p[1])
			continue;
		if (strchr("dD", p[1]))
			return "\\d and \\D are JavaScript, not POSIX ERE: use [0-9]";
		p++;
	}
	return NULL;
}

int jk_regex_compile(regex_t *re, const char *pattern, char *why, size_t whylen)
{
	const char *js = js_only(pattern);
	int rc;

	if (!*pattern) {
		snprintf(why, whylen, "empty regex");
		return SH_EINVAL;
	}
	if (js) {
		snprintf(why, whylen, "%s", js);
		return SH_EINVAL;
	}
	if (strlen(pattern) > JK_MAX_REGEX) {
		snprintf(why, whylen, "longer than %d bytes", JK_MAX_REGEX);
		return SH_EINVAL;
	}
	rc = regcomp(re, pattern, REG_EXTENDED | REG_NOSUB);
	if (rc == 0)
		return 0;
	regerror(rc, re, why, whylen);
	return SH_EINVAL;
}

bool jk_regex_anchored(const char *pattern)
{
	size_t n = strlen(pattern);

	return n >= 2 && pattern[0] == '^' && pattern[n - 1] == '$' && pattern[n - 2] != '\\';
}

bool jk_override_allowed(const regex_t *re, const char *url)
{
	struct sh_url_http u;

	if (!re || !url || strlen(url) > JK_MAX_NAME || strpbrk(url, "?#"))
		return false;
	if (sh_url_http_parse(url, &u) != 0)
		return false;
	sh_url_http_clear(&u);
	return regexec(re, url, 0, NULL, 0) == 0;
}

/* RFC 9110 token characters (a header name). */
static bool token_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

/* Headers curl or the HTTP framing owns: never taken from configuration. */
static bool reserved(const char *name, size_t n)
{
	static const char *const names[] = { "host", "content-length", "transfer-encoding",
					     "connection", "expect", "upgrade", "te", NULL };

	for (size_t i = 0; names[i]; i++)
		if (strlen(names[i]) == n && strncasecmp(names[i], name, n) == 0)
			return true;
	return false;
}

/* One "Name: value" line (no line break in it) as "Name: value", trimmed. */
static char *header_line(const char *line, size_t len, char *why, size_t whylen)
{
	const char *colon, *v, *end = line + len;
	size_t n;

	while (len && (*line == ' ' || *line == '\t'))
		line++, len--;
	colon = memchr(line, ':', len);
	n = colon ? (size_t)(colon - line) : 0;
	for (size_t i = 0; i < n; i++)
		if (!token_char((unsigned char)line[i]))
			n = 0;
	if (!n) {
		snprintf(why, whylen, "expected \"Name: value\" with a header name of token characters");
		return NULL;
	}
	if (reserved(line, n)) {
		snprintf(why, whylen, "%.*s is not a header to configure", (int)n, line);
		return NULL;
	}
	for (v = colon + 1; v < end && (*v == ' ' || *v == '\t');)
		v++;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (v == end) {
		snprintf(why, whylen, "the value of %.*s is empty", (int)n, line);
		return NULL;
	}
	for (const char *p = v; p < end; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t') {
			snprintf(why, whylen, "the value of %.*s has a control character", (int)n, line);
			return NULL;
		}
	return sh_xasprintf("%.*s: %.*s", (int)n, line, (int)(end - v), v);
}

/* The lines of one value: blank lines skipped, "\r\n" taken as a break. */
static int header_value(const char *value, char **out, size_t *n, size_t max, char *why,
			size_t whylen)
{
	for (const char *p = value; *p;) {
		size_t len = strcspn(p, "\n");
		size_t use = len && p[len - 1] == '\r' ? len - 1 : len;

		if (strspn(p, " \t\r") < len) {
			if (*n == max) {
				snprintf(why, whylen, "more than %zu headers", max);
				return SH_ETOOBIG;
			}
			if (!(out[*n] = header_line(p, use, why, whylen)))
				return SH_EINVAL;
			(*n)++;
		}
		p += len + (p[len] == '\n');
	}
	return 0;
}

int jk_headers_parse(const char *const *values, size_t n_values, char **out, size_t max,
		     char *why, size_t whylen)
{
	size_t n = 0;
	int rc = 0;

	for (size_t i = 0; i < n_values && rc == 0; i++) {
		if (strlen(values[i]) > JK_MAX_HEADER) {
			snprintf(why, whylen, "a header longer than %d bytes", JK_MAX_HEADER);
			rc = SH_ETOOBIG;
		} else {
			rc = header_value(values[i], out, &n, max, why, whylen);
		}
	}
	if (rc == 0)
		return (int)n;
	jk_headers_free(out, n);
	return rc;
}

void jk_headers_free(char **headers, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(headers[i]);
		headers[i] = NULL;
	}
}
