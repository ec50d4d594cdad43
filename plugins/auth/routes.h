/*
 * Every handler the route table in plugin.c names, by the file that holds
 * it.  Each is an sh_handler_fn whose state is the plugin's struct auth.
 */
#ifndef AUTH_ROUTES_H
#define AUTH_ROUTES_H

struct sh_req;

/* routes_keys.c: JWKS, OpenID discovery, userinfo */
int auth_route_jwks(struct sh_req *req, void *state);
int auth_route_openid(struct sh_req *req, void *state);
int auth_route_userinfo(struct sh_req *req, void *state);

/* routes_guest.c: the guest provider */
int auth_route_guest_refresh(struct sh_req *req, void *state);
int auth_route_guest_unsupported(struct sh_req *req, void *state);
int auth_route_guest_logout(struct sh_req *req, void *state);

/* routes_oauth_start.c, routes_oauth_frame.c, routes_refresh.c,
 * routes_logout.c: the OAuth providers, /:provider/... */
int auth_route_start(struct sh_req *req, void *state);
int auth_route_frame(struct sh_req *req, void *state);
int auth_route_refresh(struct sh_req *req, void *state);
int auth_route_logout(struct sh_req *req, void *state);

#endif
