/*
 * Identity: who is calling.  The host verifies the bearer token once, before
 * dispatch, and enforces the route's sh_auth level; handlers read the result
 * with sh_req_identity().  The verifier is pluggable so the auth plugin can
 * supply real token checks; with [features] auth = false every caller is the
 * guest user.
 */
#ifndef STAGEHAND_IDENTITY_H
#define STAGEHAND_IDENTITY_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sh_host;
struct sh_req;

enum sh_principal {
	SH_PRINCIPAL_NONE = 0,   /* anonymous */
	SH_PRINCIPAL_USER,       /* a Backstage user */
	SH_PRINCIPAL_SERVICE     /* a machine caller */
};

struct sh_identity {
	enum sh_principal kind;
	const char *subject;              /* "user:default/jane" or a service subject */
	const char *const *ownership;     /* ownership entity refs (users) */
	size_t n_ownership;
	const char *token;                /* the raw bearer token; never log it */
};

/* The guest user every caller is when [features] auth = false. */
#define SH_GUEST_USER "user:development/guest"

/*
 * A token verifier.  Fills *out (strings allocated from req's arena) and
 * returns 0, or returns SH_EINVAL for a token it rejects, with a short reason
 * in `why` (no token material in it).
 */
typedef int (*sh_verifier_fn)(struct sh_req *req, const char *token,
			      struct sh_identity *out, char *why, size_t whylen,
			      void *state);

/* Installs the token verifier.  Only during init; one per process.  Until a
 * verifier is installed, every bearer token is rejected with 401. */
int sh_identity_set_verifier(struct sh_host *host, sh_verifier_fn fn, void *state);

/*
 * Verifies an access token of the configured identity provider ([identity]:
 * jwks_url or metadata_url, issuer, audience, clock_skew) the way the host
 * verifies the IdP's service tokens: the signature with the algorithm the
 * JWKS key pins (ES256 or RS256; the header's alg must match), iss, aud,
 * exp, nbf, iat and a printable sub.  For a plugin whose route is
 * SH_AUTH_NONE because the caller's token is meant for another service
 * (perch forwards the IdP token to the agent and checks it first).
 * Returns 0 with *out filled (kind SH_PRINCIPAL_SERVICE, subject = sub,
 * strings from req's arena, token = token), 1 when no IdP is configured
 * (nothing was checked: the caller decides), or SH_EINVAL with a short
 * reason in why, without token material: "token expired", "wrong issuer",
 * "wrong audience", "unknown kid", a signature or format reason.
 */
int sh_identity_verify_idp(struct sh_req *req, const char *token, struct sh_identity *out,
			   char *why, size_t whylen);

#ifdef __cplusplus
}
#endif
#endif
