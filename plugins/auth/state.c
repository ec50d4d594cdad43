/*
 * The OAuth `state` parameter (spec platform-apis §1.3): the hex of the
 * UTF-8 form-urlencoded map nonce, env, origin, redirectUrl, flow, scope, as
 * Backstage's plugin-auth-node encodes it; and the URL helpers the flow
 * needs (encodeURIComponent, form values, origins).  Pure: no host calls.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <stagehand/errors.h>

#include "oauth.h"

static const char HEX[] = "0123456789ABCDEF";

/* Appends to a growing buffer; every caller checks the final pointer. */
struct buf {
	char *s;
	size_t len, cap;
	bool failed;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->s, cap);

		if (!p) {
			b->failed = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static char *buf_done(struct buf *b)
{
	if (b->failed || !b->s) {
		free(b->s);
		return b->failed ? NULL : strdup("");
	}
	return b->s;
}

static void buf_pct(struct buf *b, unsigned char c)
{
	char e[3] = { '%', HEX[c >> 4], HEX[c & 15] };

	buf_add(b, e, 3);
}

char *auth_uri_component(const char *s, bool quote)
{
	struct buf b = { 0 };

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || strchr("-_.!~*()", *p) || (*p == '\'' && !quote))
			buf_add(&b, (const char *)p, 1);
		else
			buf_pct(&b, *p);
	}
	return buf_done(&b);
}

char *auth_form_value(const char *s)
{
	struct buf b = { 0 };

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || strchr("*-._", *p))
			buf_add(&b, (const char *)p, 1);
		else if (*p == ' ')
			buf_add(&b, "+", 1);
		else
			buf_pct(&b, *p);
	}
	return buf_done(&b);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *auth_percent_decode(const char *s, size_t len, bool plus)
{
	char *out = malloc(len + 1);
	size_t n = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (c == '%') {
			int h, l;

			if (i + 2 >= len || (h = hexval(s[i + 1])) < 0 || (l = hexval(s[i + 2])) < 0)
				goto bad;
			c = h * 16 + l;
			i += 2;
		} else if (c == '+' && plus) {
			c = ' ';
		}
		if (c == 0)
			goto bad;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

char *auth_state_encode(const struct auth_state *st)
{
	const char *keys[] = { "nonce", "env", "origin", "redirectUrl", "flow", "scope" };
	const char *vals[] = { st->nonce, st->env, st->origin, st->redirect_url, st->flow,
			       st->scope };
	struct buf form = { 0 }, hex = { 0 };
	char *text;

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		char *v;

		if (!vals[i])
			continue;
		if (!(v = auth_form_value(vals[i]))) {
			form.failed = true;
			break;
		}
		if (form.len)
			buf_add(&form, "&", 1);
		buf_add(&form, keys[i], strlen(keys[i]));
		buf_add(&form, "=", 1);
		buf_add(&form, v, strlen(v));
		free(v);
	}
	if (!(text = buf_done(&form)))
		return NULL;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		char e[2] = { "0123456789abcdef"[*p >> 4], "0123456789abcdef"[*p & 15] };

		buf_add(&hex, e, 2);
	}
	free(text);
	return buf_done(&hex);
}

void auth_state_clear(struct auth_state *st)
{
	free(st->nonce);
	free(st->env);
	free(st->origin);
	free(st->redirect_url);
	free(st->flow);
	free(st->scope);
	memset(st, 0, sizeof *st);
}

static char **state_slot(struct auth_state *st, const char *key, size_t len)
{
	static const struct {
		const char *key;
		size_t off;
	} slots[] = {
		{ "nonce", offsetof(struct auth_state, nonce) },
		{ "env", offsetof(struct auth_state, env) },
		{ "origin", offsetof(struct auth_state, origin) },
		{ "redirectUrl", offsetof(struct auth_state, redirect_url) },
		{ "flow", offsetof(struct auth_state, flow) },
		{ "scope", offsetof(struct auth_state, scope) },
	};

	for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
		if (strlen(slots[i].key) == len && !memcmp(slots[i].key, key, len))
			return (char **)((char *)st + slots[i].off);
	return NULL;
}

#define STATE_MAX 8192   /* hex characters */

int auth_state_decode(const char *hex, struct auth_state *st, char *why, size_t whylen)
{
	size_t hlen = hex ? strlen(hex) : 0, n = hlen / 2;
	char *text;
	int rc = SH_EINVAL;

	memset(st, 0, sizeof *st);
	if (!hex || hlen % 2 || hlen > STATE_MAX) {
		snprintf(why, whylen, "OAuth state is invalid");
		return SH_EINVAL;
	}
	if (!(text = malloc(n + 1))) {
		snprintf(why, whylen, "out of memory");
		return SH_EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		int h = hexval(hex[2 * i]), l = hexval(hex[2 * i + 1]);

		if (h < 0 || l < 0 || (h == 0 && l == 0)) {
			snprintf(why, whylen, "OAuth state is invalid");
			goto out;
		}
		text[i] = (char)(h * 16 + l);
	}
	text[n] = '\0';
	for (char *p = text; *p;) {
		char *end = p + strcspn(p, "&"), *eq = memchr(p, '=', (size_t)(end - p));
		size_t klen = eq ? (size_t)(eq - p) : (size_t)(end - p);
		char **slot = state_slot(st, p, klen);

		if (slot && !*slot) {
			const char *v = eq ? eq + 1 : end;

			*slot = auth_percent_decode(v, (size_t)(end - v), true);
			if (!*slot) {
				snprintf(why, whylen, "OAuth state is invalid");
				goto out;
			}
		}
		p = *end ? end + 1 : end;
	}
	if (!st->env || !*st->env)
		snprintf(why, whylen, "OAuth state is invalid, missing env");
	else if (!st->nonce || !*st->nonce)
		snprintf(why, whylen, "OAuth state is invalid, missing nonce");
	else
		rc = 0;
out:
	free(text);
	return rc;
}

char *auth_url_origin(const char *url)
{
	const char *host, *end;
	size_t slen, hlen;
	bool https;
	char *out, *port;

	if (!url)
		return NULL;
	if (!strncasecmp(url, "https://", 8))
		https = true, slen = 5;
	else if (!strncasecmp(url, "http://", 7))
		https = false, slen = 4;
	else
		return NULL;
	host = url + slen + 3;
	end = host + strcspn(host, "/?#");
	hlen = (size_t)(end - host);
	if (hlen == 0 || memchr(host, '@', hlen) || memchr(host, ' ', hlen))
		return NULL;
	if (!(out = malloc(slen + 3 + hlen + 1)))
		return NULL;
	memcpy(out, https ? "https://" : "http://", slen + 3);
	for (size_t i = 0; i < hlen; i++)
		out[slen + 3 + i] = (char)tolower((unsigned char)host[i]);
	out[slen + 3 + hlen] = '\0';
	port = strrchr(out + slen + 3, ':');
	if (port && !strchr(port, ']') &&
	    ((https && !strcmp(port, ":443")) || (!https && !strcmp(port, ":80"))))
		*port = '\0';
	return out;
}

bool auth_origin_glob(const char *pat, const char *s)
{
	/* '*' matches any run of characters except '/' (minimatch, no globstar). */
	if (!*pat)
		return !*s;
	if (*pat == '*') {
		for (const char *t = s;; t++) {
			if (auth_origin_glob(pat + 1, t))
				return true;
			if (!*t || *t == '/')
				return false;
		}
	}
	return *s && tolower((unsigned char)*pat) == tolower((unsigned char)*s) &&
	       auth_origin_glob(pat + 1, s + 1);
}
