/*
 * The catalog's small shared helpers of util.h: the uid check, hash input
 * text and its SHA-1.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <stagehand/alloc.h>
#include <stagehand/codec.h>

#include "util.h"

void catalog_text_reserve(struct catalog_text *t, size_t more)
{
	if (t->len + more <= t->cap)
		return;
	t->cap = (t->len + more) * 2;
	t->buf = sh_xrealloc(t->buf, t->cap);
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
	sh_hex_encode(hex, md, 20); /* n is SHA-1's 20 */
}
