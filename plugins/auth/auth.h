/*
 * The auth plugin's shared state: configuration, this process's signing key
 * (rotated by a task, public half published in auth.signing_keys) and the
 * entry points of its modules.
 */
#ifndef AUTH_AUTH_H
#define AUTH_AUTH_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>

#include <stagehand/stagehand.h>

#define AUTH_KID_LEN 37   /* a UUID and its NUL */
/* Bytes of an identity token: "Authorization: Bearer <token>" must fit
 * nginx's default 8 KiB header buffer (large_client_header_buffers). */
#define AUTH_TOKEN_MAX 7680

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
};

/* keys.c: creates and publishes the first key (init). */
int auth_keys_init(struct auth *a, char *err, size_t errlen);
/* keys.c: the periodic task: rotates a key older than key_lifetime, prunes
 * expired rows. */
void auth_keys_task(struct sh_host *host, void *state);
/* keys.c: signs a token for `sub` owning `ent` (borrowed); returns the
 * malloc'd token and its iat/exp, or NULL. */
char *auth_issue_token(struct auth *a, const char *sub, json_t *ent, long long *iat,
		       long long *exp);
void auth_keys_fini(struct auth *a);

/* guest.c: the guest provider's routes. */
int auth_guest_routes(struct sh_host *host, struct auth *a);
/* guest.c: records the claims /v1/userinfo answers for `sub`; 0 or SH_EDB. */
int auth_store_user_info(struct sh_req *req, const char *sub, json_t *ent);

#endif
