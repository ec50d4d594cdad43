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

#ifdef __cplusplus
}
#endif
#endif
