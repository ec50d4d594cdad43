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

#ifdef __cplusplus
}
#endif
#endif
