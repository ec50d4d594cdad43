/*
 * The auth plugin's state (configuration, this process's signing key, the
 * configured OAuth providers) and the entry points of its key, token and SQL
 * files.  plugin.c owns the one instance; handlers get it as their state.
 */
#ifndef AUTH_AUTH_H
#define AUTH_AUTH_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>

#include <stagehand/stagehand.h>

#include "oauth.h"

#define AUTH_KID_LEN 37   /* a UUID and its NUL */
/* Bytes of an identity token: "Authorization: Bearer <token>" must fit
 * nginx's default 8 KiB header buffer (large_client_header_buffers). */
#define AUTH_TOKEN_MAX 7680
#define AUTH_MAX_PROVIDERS 3

struct auth {
	struct sh_host *host;
	char *issuer;              /* [server] base_url + "/api/auth" */
	long ttl;                  /* token lifetime, seconds */
	long key_lifetime;         /* seconds a key signs before it is replaced (<= ttl) */
	bool guest;                /* the guest provider may sign people in */
	pthread_mutex_t lock;      /* guards key, kid, key_born */
	EVP_PKEY *key;             /* newest key of this process */
	char kid[AUTH_KID_LEN];
	time_t key_born;
	/* The configured OAuth providers (providers.c), looked up by name. */
	struct auth_provider providers[AUTH_MAX_PROVIDERS];
	size_t n_providers;
};

/* ------------------------------------------------------------ ui.c */

/* Adds auth.environment and stagehand.signIn.providers (guest when it may
 * sign in, then each configured OAuth provider) to the portal's runtime
 * config; during init, after the providers are set up. */
int auth_ui_contribute(struct auth *a, const struct sh_conf *conf);

/* ------------------------------------------------------------ keys.c */

/* Creates and publishes the first key (init). */
int auth_keys_init(struct auth *a, char *err, size_t errlen);
/* The periodic task: rotates a key older than key_lifetime, prunes expired rows. */
void auth_keys_task(struct sh_host *host, void *state);
/* The current key (a new reference: EVP_PKEY_free it), its kid and birth. */
EVP_PKEY *auth_keys_current(struct auth *a, char kid[AUTH_KID_LEN], time_t *born);
void auth_keys_fini(struct auth *a);

/* ------------------------------------------------------------ tokens.c */

/* Signs a Backstage user token for `sub` owning `ent` (borrowed); returns
 * the malloc'd token and its iat/exp, or NULL (logged). */
char *auth_issue_token(struct auth *a, const char *sub, json_t *ent, long long *iat,
		       long long *exp);

/* ------------------------------------------------------------ db_keys.c */

/* Publishes a public JWK (text) under kid, expiring after `secs`.  0 or SH_EDB. */
int auth_db_key_publish(PGconn *conn, const char *kid, const char *jwk, long secs);
/* Deletes the public keys no token can still need (expires_at passed). */
void auth_db_keys_prune(PGconn *conn);
/* Every published, unexpired public JWK: a new array, or NULL (SH_EDB). */
json_t *auth_db_public_keys(struct sh_req *req);

/* ------------------------------------------------------------ db_users.c */

/* Records the claims /v1/userinfo answers for `sub`; 0 or SH_EDB. */
int auth_db_user_info_store(struct sh_req *req, const char *sub, json_t *ent);
/* The stored claims of `sub` (*info a new reference): 0, SH_ENOTFOUND or SH_EDB. */
int auth_db_user_info_get(struct sh_req *req, const char *sub, json_t **info);
/* The catalog's User entities with this profile email: the row count (*ref
 * and *entity from the first row, valid until the request ends), or SH_EDB. */
int auth_db_users_by_email(struct sh_req *req, const char *email, const char **ref,
			   const char **entity);
/* The catalog's User entities whose annotation key is value: the row count
 * (*ref and *entity from the first row, as above), or SH_EDB. */
int auth_db_users_by_annotation(struct sh_req *req, const char *key, const char *value,
				const char **ref, const char **entity);
/* The stitched catalog entity `ref` (text): 0, SH_ENOTFOUND or SH_EDB. */
int auth_db_entity_by_ref(struct sh_req *req, const char *ref, const char **entity);

#endif
