/*
 * The OAuth `state` parameter (spec platform-apis §1.3): the hex of the
 * UTF-8 form-urlencoded map nonce, env, origin, redirectUrl, flow, scope, as
 * Backstage's plugin-auth-node encodes it.  Pure: codecs only, no requests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stagehand/alloc.h>
#include <stagehand/buf.h>
#include <stagehand/codec.h>
#include <stagehand/errors.h>

#include "oauth.h"

#define STATE_MAX 8192   /* hex characters */
#define INVALID "OAuth state is invalid"

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

#define N_SLOTS (sizeof slots / sizeof slots[0])

static char **slot_at(struct auth_state *st, size_t i)
{
	return (char **)((char *)st + slots[i].off);
}

char *auth_state_encode(const struct auth_state *st)
{
	struct sh_buf form;
	char *hex = NULL;

	sh_buf_init(&form, STATE_MAX / 2);
	for (size_t i = 0; i < N_SLOTS; i++) {
		const char *v = *slot_at((struct auth_state *)st, i);

		if (v && sh_buf_add_form(&form, slots[i].key, v) != 0)
			goto out;
	}
	hex = sh_xmalloc(2 * form.len + 1);
	sh_hex_encode(hex, sh_buf_str(&form), form.len);
out:
	sh_buf_free(&form);
	return hex;
}

void auth_state_clear(struct auth_state *st)
{
	for (size_t i = 0; i < N_SLOTS; i++)
		free(*slot_at(st, i));
	memset(st, 0, sizeof *st);
}

bool auth_state_is_redirect(const struct auth_state *st)
{
	return st && st->flow && !strcmp(st->flow, "redirect");
}

/* The member a key names, or NULL for a key Backstage does not set. */
static char **state_slot(struct auth_state *st, const char *key, size_t len)
{
	for (size_t i = 0; i < N_SLOTS; i++)
		if (strlen(slots[i].key) == len && !memcmp(slots[i].key, key, len))
			return slot_at(st, i);
	return NULL;
}

/* Fills st from the decoded form text; the first value of a key wins. */
static int parse_pairs(const char *text, struct auth_state *st)
{
	const char *cur = text, *key, *val;
	size_t klen, vlen;

	while (auth_form_next(&cur, &key, &klen, &val, &vlen)) {
		char **slot = state_slot(st, key, klen);

		if (!slot || *slot)
			continue;
		*slot = sh_xmalloc(vlen + 1);
		if (sh_pct_decode(*slot, val, vlen, true) < 0)
			return SH_EINVAL;
	}
	return 0;
}

int auth_state_decode(const char *hex, struct auth_state *st, char *why, size_t whylen)
{
	size_t hlen = hex ? strlen(hex) : 0;
	char *text = NULL;
	int rc = SH_EINVAL;

	memset(st, 0, sizeof *st);
	snprintf(why, whylen, INVALID);
	if (!hex || hlen % 2 || hlen > STATE_MAX)
		return SH_EINVAL;
	text = sh_xmalloc(hlen / 2 + 1);
	if (sh_hex_decode(text, hex, hlen) < 0 || memchr(text, '\0', hlen / 2))
		goto out;
	text[hlen / 2] = '\0';
	if (parse_pairs(text, st) != 0)
		goto out;
	if (!st->env || !*st->env)
		snprintf(why, whylen, INVALID ", missing env");
	else if (!st->nonce || !*st->nonce)
		snprintf(why, whylen, INVALID ", missing nonce");
	else
		rc = 0;
out:
	free(text);
	return rc;
}
