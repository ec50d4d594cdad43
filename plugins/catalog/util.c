/*
 * The catalog's aborting allocation and malloc'd formatting helpers (one
 * copy for the domain library and the plugin; the host's are not exported
 * to plugins).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "util.h"

void *catalog_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		abort();
	return p;
}

void *catalog_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		abort();
	return p;
}

char *catalog_xstrdup(const char *s)
{
	return catalog_xstrndup(s, strlen(s));
}

char *catalog_xstrndup(const char *s, size_t n)
{
	char *p = catalog_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *catalog_vfmt(const char *fmt, va_list ap)
{
	va_list ap2;
	char *s;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		abort();
	s = catalog_xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *catalog_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = catalog_vfmt(fmt, ap);
	va_end(ap);
	return s;
}

void catalog_text_reserve(struct catalog_text *t, size_t more)
{
	if (t->len + more <= t->cap)
		return;
	t->cap = (t->len + more) * 2;
	t->buf = catalog_xrealloc(t->buf, t->cap);
}

void catalog_text_add(struct catalog_text *t, const void *p, size_t n)
{
	catalog_text_reserve(t, n);
	if (n > 0)
		memcpy(t->buf + t->len, p, n);
	t->len += n;
}

void catalog_text_add_field(struct catalog_text *t, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	char len[24];

	catalog_text_add(t, len, (size_t)snprintf(len, sizeof(len), "%zu:", n));
	catalog_text_add(t, s, n);
}

int catalog_is_uuid(const char *s)
{
	for (int i = 0; i < 36; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !(isdigit((unsigned char)s[i]) || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return s[36] == '\0';
}

void catalog_sha1_hex(const void *buf, size_t len, char hex[41])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_Digest(buf, len, md, &n, EVP_sha1(), NULL) != 1)
		abort();
	for (unsigned int i = 0; i < n && i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[40] = '\0';
}
