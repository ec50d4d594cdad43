/*
 * Reading application/x-www-form-urlencoded text: the decoded state
 * parameter and an IdP's form_post callback body.  (Writing forms is
 * codec.h's sh_buf_add_form.)  Pure: no requests.
 */
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/codec.h>

#include "oauth.h"

bool auth_form_next(const char **cursor, const char **key, size_t *klen, const char **val,
		    size_t *vlen)
{
	const char *s = *cursor, *end, *eq;

	while (*s == '&')
		s++;
	if (!*s)
		return false;
	end = s + strcspn(s, "&");
	eq = memchr(s, '=', (size_t)(end - s));
	*key = s;
	*klen = (size_t)((eq ? eq : end) - s);
	*val = eq ? eq + 1 : end;
	*vlen = (size_t)(end - *val);
	*cursor = end;
	return true;
}

char *auth_form_get(const char *form, size_t len, const char *key)
{
	char *text = sh_xstrndup(form, len), *out = NULL;
	const char *cur = text, *k, *v;
	size_t klen, vlen;

	while (auth_form_next(&cur, &k, &klen, &v, &vlen)) {
		/* a bare "key" without '=' carries no value: absent */
		if (klen != strlen(key) || memcmp(k, key, klen) || v == k + klen)
			continue;
		out = sh_xmalloc(vlen + 1);
		if (sh_pct_decode(out, v, vlen, true) < 0) {
			free(out);
			out = NULL;
		}
		break;
	}
	free(text);
	return out;
}
