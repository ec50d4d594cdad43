/*
 * The configured identity provider ([identity], OpenChoreo's IdP): its
 * endpoints (configured, or discovered from metadata_url), the verification
 * of the service tokens it signs (identity_jwks.c) and the client-credentials
 * tokens the host fetches from it (svctoken.c).  Host-internal.
 */
#ifndef STAGEHAND_IDP_H
#define STAGEHAND_IDP_H

#include <stdbool.h>
#include <stddef.h>

#include "jws.h"

struct sh_conf;
struct sh_req;
struct sh_identity;

/* The IdP's endpoints; each NULL when neither configured nor discovered.
 * The strings live as long as the process. */
struct host_idp_endpoints {
	const char *jwks_url;
	const char *issuer;
	const char *token_url;
};

/* Fills *ep from [identity], fetching the discovery document of metadata_url
 * for what is missing (once; a failed fetch is retried at most every 10 s).
 * Returns 0, or SH_EUNAVAIL when discovery is configured but unreachable
 * (what is configured is still filled in). */
int host_idp_endpoints(const struct sh_conf *c, struct host_idp_endpoints *ep);

/* Whether [identity] names an IdP whose tokens the host accepts. */
bool host_idp_enabled(const struct sh_conf *c);

/*
 * Checks a parsed IdP token at unix time `now`: the signature with `key`
 * pinned to `alg`, `iss` equal to issuer (when not NULL), `aud` (string or
 * array) containing one of audiences (when n_aud > 0), `exp` later than now
 * - skew, `nbf` and `iat` not later than now + skew, `sub` a non-empty
 * printable string.  0 or SH_EINVAL with a reason in why.
 */
int host_idp_token_check(const struct sh_jws *j, EVP_PKEY *key, enum sh_jws_alg alg,
			 const char *issuer, const char *const *audiences, size_t n_aud,
			 long long now, long skew, char *why, size_t whylen);

/*
 * Verifies a parsed token that is not a Backstage token against the IdP's
 * JWKS.  Returns 1 when no IdP is configured, 0 with *out a service
 * principal (subject = sub, strings from req's arena), or SH_EINVAL with a
 * reason in why.
 */
int host_identity_idp(struct sh_req *req, const struct sh_jws *j, struct sh_identity *out,
		      char *why, size_t whylen);

/* Drops cached keys, discovery and service tokens (tests; process exit). */
void host_idp_reset(void);
void host_svctoken_reset(void);

#endif
