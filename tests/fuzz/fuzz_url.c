/* fuzz-sources: fcgi/url.c fcgi/urlallow.c fcgi/alloc.c */
/*
 * libFuzzer target of <stagehand/url.h> and <stagehand/urlallow.h>: the
 * input's first line is a base URL and an allow-list rule, the rest a
 * reference and a URL to check.  Resolution, the strict http(s) split and
 * the allow-list's parse and match must never crash, overrun or leak; a
 * split that succeeds gives a lower-case host and a path that starts with
 * '/' and has no empty segment (what the allow-list's prefixes rely on).
 * Run with tests/fuzz/run.sh url.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/url.h>
#include <stagehand/urlallow.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_split(const char *url)
{
	struct sh_url_http u;

	if (sh_url_http_parse(url, &u) == 0) {
		for (const char *h = u.host; *h; h++)
			if (isupper((unsigned char)*h))
				abort();
		if (u.path[0] != '/' || strstr(u.path, "//") != NULL || u.port == 0 ||
		    u.port > 65535)
			abort();
	}
	sh_url_http_clear(&u);
}

static void check_allow(const char *rule, const char *url)
{
	struct sh_url_allow *a;
	char *err;

	if (sh_url_allow_parse(&rule, 1, &a, &err) != 0) {
		if (a != NULL || err == NULL)
			abort();
		free(err);
		return;
	}
	(void)sh_url_allow_match(a, url);
	sh_url_allow_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *nl, *rest;
	char *r;

	memcpy(s, data, size);
	s[size] = '\0';
	nl = strchr(s, '\n');
	rest = nl ? nl + 1 : s + size;
	if (nl)
		*nl = '\0';
	r = sh_url_resolve(s, rest);
	if (r != NULL)
		check_split(r);
	free(r);
	check_split(s);
	check_split(rest);
	check_allow(s, rest);
	free(s);
	return 0;
}
