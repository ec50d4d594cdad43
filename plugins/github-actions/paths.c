/*
 * Path parameters and query keys (paths.h).
 */
#include <string.h>
#include <strings.h>

#include <stagehand/alloc.h>
#include <stagehand/buf.h>
#include <stagehand/codec.h>

#include "paths.h"

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

bool gha_name_ok(const char *s)
{
	size_t n;

	if (!s || !*s || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (n = 0; s[n]; n++)
		if (n == GHA_NAME_MAX || !name_char(s[n]))
			return false;
	return true;
}

bool gha_id_ok(const char *s)
{
	size_t n;

	if (!s || !*s)
		return false;
	for (n = 0; s[n]; n++)
		if (n == 20 || s[n] < '0' || s[n] > '9')
			return false;
	return true;
}

bool gha_workflow_ok(const char *s)
{
	return gha_id_ok(s) || gha_name_ok(s);
}

int gha_query(struct sh_buf *b, gha_query_fn get, void *ctx, const char *const *keys)
{
	for (size_t i = 0; keys && keys[i]; i++) {
		const char *v = get(ctx, keys[i]);

		if (v && sh_buf_add_form(b, keys[i], v) != 0)
			return SH_ETOOBIG;
	}
	return 0;
}

char *gha_api_base(const char *url, const char *host)
{
	size_t len;

	if (!url || !*url) {
		if (!host || !*host || strcasecmp(host, "github.com") == 0)
			return sh_xstrdup("https://api.github.com");
		return sh_xasprintf("https://%s/api/v3", host);
	}
	len = strlen(url);
	while (len > 0 && url[len - 1] == '/')
		len--;
	return sh_xstrndup(url, len);
}
