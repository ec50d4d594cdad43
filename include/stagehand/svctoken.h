/*
 * Service tokens towards OpenChoreo: an OAuth2 client_credentials access
 * token from the identity provider's token endpoint, for background jobs
 * and plugin-to-OpenChoreo calls that act as the portal rather than a user.
 * The host fetches it once, shares it between threads until 60 s before it
 * expires, and makes one request for any number of concurrent callers.
 */
#ifndef STAGEHAND_SVCTOKEN_H
#define STAGEHAND_SVCTOKEN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sh_host;

/*
 * Puts a current access token (for "Authorization: Bearer <token>") in
 * *token, malloc'd: the caller frees it.  Callable from request handlers
 * and tasks, from any thread; it may block for one token request (bounded
 * by [http] timeout_ms).  The client is [identity] service_client_id and
 * service_client_secret (env OPENCHOREO_SERVICE_CLIENT_ID/_SECRET), else the
 * sign-in client [identity] client_id and client_secret
 * (OPENCHOREO_AUTH_CLIENT_ID/_SECRET); the endpoint is [identity] token_url
 * or the discovered token_endpoint.  Returns 0; SH_ENOTFOUND when no client
 * or endpoint is configured (call OpenChoreo without a token, as Backstage
 * does, and log it); SH_EUNAVAIL when the IdP is unreachable or refuses.
 * Never logs the token or the secret.
 */
int sh_service_token(const struct sh_host *host, char **token);

/*
 * A plugin's own service client, for a plugin section that names its own
 * (e.g. [openchoreo] token_url, client_id, client_secret, scope).  Strings
 * borrowed; they must outlive every call that uses the client.
 */
struct sh_service_client {
	const char *token_url;      /* the IdP's token endpoint (http/https) */
	const char *client_id;
	const char *client_secret;
	const char *scope;          /* space-separated scopes, or NULL: no scope parameter */
};

/*
 * sh_service_token for `client` instead of [identity]'s: the same request
 * (client_credentials; scope=<the scopes joined by one space> unless it has
 * none), form-encoded as URLSearchParams, the same sharing between
 * threads and one request for concurrent callers, cached per (token_url,
 * client_id, scope) until 60 s before it expires (the JWT's exp, else
 * expires_in).  client NULL: sh_service_token.  Returns 0, SH_EINVAL (a
 * field missing), SH_EUNAVAIL.  Never logs the token or the secret.
 */
int sh_service_token_for(const struct sh_host *host, const struct sh_service_client *client,
			 char **token);

#ifdef __cplusplus
}
#endif
#endif
