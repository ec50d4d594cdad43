/*
 * The catalog's small shared helpers of util.h: the uid check and the
 * SHA-1 hashes.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <stagehand/alloc.h>
#include <stagehand/codec.h>

#include "util.h"

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

void catalog_hash_start(struct catalog_hash *h)
{
	h->md = EVP_MD_CTX_new();
	if (h->md == NULL || EVP_DigestInit_ex(h->md, EVP_sha1(), NULL) != 1)
		abort();
}

void catalog_hash_field(struct catalog_hash *h, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	char len[24];

	if (EVP_DigestUpdate(h->md, len, (size_t)snprintf(len, sizeof(len), "%zu:", n)) != 1 ||
	    EVP_DigestUpdate(h->md, s ? s : "", n) != 1)
		abort();
}

void catalog_hash_end(struct catalog_hash *h, char hex[41])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(h->md, md, &n) != 1)
		abort();
	EVP_MD_CTX_free(h->md);
	h->md = NULL;
	sh_hex_encode(hex, md, 20); /* n is SHA-1's 20 */
}
