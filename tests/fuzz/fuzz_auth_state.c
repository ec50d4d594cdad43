/* fuzz-sources: plugins/auth/state.c plugins/auth/cookies.c plugins/auth/form.c plugins/auth/origins.c fcgi/alloc.c fcgi/buf.c fcgi/codec.c */
/* fuzz-libs: jansson */
/*
 * libFuzzer target for the OAuth state and cookie encodings of the auth
 * plugin: the input is decoded as a state (hex), as a cookie value and as
 * a URL origin; a state that decodes re-encodes and decodes to the same
 * members, and a cookie value built from the input joins back to it.
 *
 * clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude \
 *   tests/fuzz/fuzz_auth_state.c plugins/auth/state.c plugins/auth/cookies.c \
 *   plugins/auth/form.c plugins/auth/origins.c fcgi/alloc.c fcgi/buf.c fcgi/codec.c \
 *   $(pkg-config --cflags --libs jansson) -o /tmp/fuzz_auth_state
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/auth/oauth.h"

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), why[128], *hex, *o;
	struct auth_state st, back;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (auth_state_decode(s, &st, why, sizeof why) == 0) {
		if (!(hex = auth_state_encode(&st)))
			abort();
		if (auth_state_decode(hex, &back, why, sizeof why) != 0 ||
		    !same(st.nonce, back.nonce) || !same(st.env, back.env) ||
		    !same(st.origin, back.origin) || !same(st.redirect_url, back.redirect_url) ||
		    !same(st.flow, back.flow) || !same(st.scope, back.scope))
			abort();
		auth_state_clear(&back);
		free(hex);
	}
	auth_state_clear(&st);
	free(auth_cookie_join(s, NULL, 0));
	o = auth_url_origin(s);
	free(o);
	if (strlen(s) == size && size > 0) {
		struct auth_cookie_attrs a = { .path = "/", .max_age = 1, .same_site = "Lax" };
		char *out[AUTH_COOKIE_MAX_CHUNKS];
		int n = auth_cookie_build("c", s, &a, 0, out, AUTH_COOKIE_MAX_CHUNKS);

		for (int i = 0; i < n; i++)
			free(out[i]);
	}
	free(s);
	return 0;
}
