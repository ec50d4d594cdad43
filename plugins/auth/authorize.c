/*
 * What the start route sends the browser to (spec platform-apis §1.1,
 * §1.8): the IdP's authorize URL with response_type, redirect_uri, scope,
 * state and client_id, for `oidc` the PKCE S256 challenge, the nonce and
 * the prompt, for `github` access_type=offline and prompt=consent; and the union of the scopes asked for.  Pure: no requests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <stagehand/alloc.h>
#include <stagehand/buf.h>
#include <stagehand/codec.h>
#include <stagehand/errors.h>

#include "oauth.h"

#define URL_MAX 16384
#define SCOPE_MAX 4096

/* Whether the space-separated list `have` holds the word s[0..len). */
static bool has_word(const char *have, const char *s, size_t len)
{
	while (*have) {
		size_t l = strcspn(have, " ");

		if (l == len && !memcmp(have, s, len))
			return true;
		have += l + (have[l] == ' ');
	}
	return false;
}

char *auth_scope_union(const char *const *lists, size_t n)
{
	struct sh_buf out;

	sh_buf_init(&out, SCOPE_MAX);
	for (size_t i = 0; i < n; i++) {
		for (const char *s = lists[i]; s && *s; ) {
			size_t len;

			s += strspn(s, " \t,");
			if (!(len = strcspn(s, " \t,")))
				break;
			if (!has_word(sh_buf_str(&out), s, len) &&
			    ((out.len && sh_buf_addc(&out, ' ') != 0) || sh_buf_add(&out, s, len) != 0))
				break;      /* over the cap: the scopes so far */
			s += len;
		}
	}
	return sh_buf_take(&out, NULL);
}

int auth_pkce_challenge(const char *verifier, char out[AUTH_PKCE_CHALLENGE_LEN])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;

	if (EVP_Digest(verifier, strlen(verifier), d, &dlen, EVP_sha256(), NULL) != 1 ||
	    SH_BASE64_ENCODED_SIZE(dlen) > AUTH_PKCE_CHALLENGE_LEN)
		return SH_EINVAL;
	sh_base64_encode(out, d, dlen, SH_B64_URL);
	return 0;
}

/* The query pairs; every one form-encoded. */
static int add_pairs(struct sh_buf *q, const struct auth_provider *p, const char *scope,
		     const char *state, const char *challenge, const char *nonce)
{
	int rc = sh_buf_add_form(q, "response_type", "code");

	rc = rc ? rc : sh_buf_add_form(q, "redirect_uri", p->callback_url);
	rc = rc ? rc : sh_buf_add_form(q, "scope", scope);
	rc = rc ? rc : sh_buf_add_form(q, "state", state);
	rc = rc ? rc : sh_buf_add_form(q, "client_id", p->client_id);
	if (p->kind == AUTH_KIND_GITHUB) {
		rc = rc ? rc : sh_buf_add_form(q, "access_type", "offline");
		rc = rc ? rc : sh_buf_add_form(q, "prompt", "consent");
	}
	if (!challenge)
		return rc;
	rc = rc ? rc : sh_buf_add_form(q, "code_challenge", challenge);
	rc = rc ? rc : sh_buf_add_form(q, "code_challenge_method", "S256");
	rc = rc ? rc : sh_buf_add_form(q, "nonce", nonce);
	if (p->prompt && strcmp(p->prompt, "auto"))
		rc = rc ? rc : sh_buf_add_form(q, "prompt", p->prompt);
	return rc;
}

char *auth_authorize_url(const struct auth_provider *p, const char *scope, const char *state,
			 const char *challenge, const char *nonce)
{
	struct sh_buf q;
	char *url = NULL;

	sh_buf_init(&q, URL_MAX);
	if (add_pairs(&q, p, scope, state, challenge, nonce) == 0)
		url = sh_xasprintf("%s%c%s", p->authorize_url,
				   strchr(p->authorize_url, '?') ? '&' : '?', sh_buf_str(&q));
	sh_buf_free(&q);
	return url;
}
