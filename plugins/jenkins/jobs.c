/*
 * Job names, the jenkins.io/job-full-name annotation and Jenkins URLs
 * (spec platform-apis §3.1, §3.2): pure functions, see jenkins.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/buf.h>
#include <stagehand/codec.h>
#include <stagehand/errors.h>

#include "jenkins.h"

static bool good_instance(const char *s, size_t n)
{
	if (n == 0 || n >= sizeof(((struct jk_target *)0)->instance))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

/* One trimmed item: its instance (or "default") and job name. */
static int add_item(struct jk_target *t, const char *s, size_t n, char *why, size_t whylen)
{
	const char *colon = memchr(s, ':', n);
	char inst[sizeof(t->instance)] = "default";

	if (colon) {
		if (!good_instance(s, (size_t)(colon - s)))
			return snprintf(why, whylen, "bad Jenkins instance name"), SH_EINVAL;
		snprintf(inst, sizeof(inst), "%.*s", (int)(colon - s), s);
		n -= (size_t)(colon + 1 - s);
		s = colon + 1;
	}
	if (n == 0 || n >= JK_MAX_NAME)
		return snprintf(why, whylen, "empty or overlong job name"), SH_EINVAL;
	if (t->n_jobs == JK_MAX_JOBS)
		return snprintf(why, whylen, "more than %d jobs", JK_MAX_JOBS), SH_EINVAL;
	if (t->n_jobs && strcmp(t->instance, inst) != 0)
		return snprintf(why, whylen, "all jobs must use the same Jenkins instance"),
		       SH_EINVAL;
	memcpy(t->instance, inst, sizeof(inst));
	t->jobs[t->n_jobs++] = sh_xstrndup(s, n);
	return 0;
}

int jk_target_parse(const char *value, struct jk_target *t, char *why, size_t whylen)
{
	const char *p = value;
	int rc;

	memset(t, 0, sizeof(*t));
	while (p && *p) {
		const char *end = strchr(p, ','), *e;

		e = end ? end : p + strlen(p);
		while (p < e && isspace((unsigned char)*p))
			p++;
		for (; e > p && isspace((unsigned char)e[-1]); e--)
			;
		if (e > p && (rc = add_item(t, p, (size_t)(e - p), why, whylen)) < 0)
			return rc;
		p = end ? end + 1 : NULL;
	}
	if (t->n_jobs == 0)
		return snprintf(why, whylen, "no job named"), SH_EINVAL;
	return 0;
}

void jk_target_free(struct jk_target *t)
{
	for (size_t i = 0; i < t->n_jobs; i++)
		free(t->jobs[i]);
	t->n_jobs = 0;
}

int jk_job_path(struct sh_buf *b, const char *name)
{
	const char *p = name;

	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return SH_EINVAL;
		if (sh_buf_addstr(b, p == name ? "job/" : "/job/") < 0 ||
		    sh_buf_add_pct(b, p, n) < 0)
			return SH_ETOOBIG;
		if (!slash)
			return 0;
		p = slash + 1;
	}
}

bool jk_target_covers(const struct jk_target *t, const char *name)
{
	for (size_t i = 0; i < t->n_jobs; i++) {
		size_t n = strlen(t->jobs[i]);

		if (strncmp(name, t->jobs[i], n) == 0 && (name[n] == '\0' || name[n] == '/'))
			return true;
	}
	return false;
}

int jk_query_value(struct sh_buf *b, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *s = (const unsigned char *)value; *s; s++) {
		int rc;

		if (isalnum(*s) || strchr("*-._", *s))
			rc = sh_buf_addc(b, (char)*s);
		else if (*s == ' ')
			rc = sh_buf_addc(b, '+');
		else
			rc = sh_buf_printf(b, "%%%c%c", hex[*s >> 4], hex[*s & 15]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

bool jk_build_number(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n > 0 && n <= 10 && s[n] == '\0';
}

void jk_html_reason(const char *html, char *out, size_t len)
{
	const char *t = html ? strstr(html, "<title>") : NULL, *end;
	size_t o = 0;

	out[0] = '\0';
	if (!t || !(end = strstr(t += 7, "</title>")))
		return;
	if (strncmp(t, "Error ", 6) == 0 && isdigit((unsigned char)t[6]))
		for (t += 6; t < end && (isdigit((unsigned char)*t) || *t == ' ');)
			t++;
	for (; t < end && o + 1 < len; t++)
		if (*t >= 0x20 && *t < 0x7f)
			out[o++] = *t;
	out[o] = '\0';
}
