"""Integration tests of the `github` sign-in provider (spec platform-apis
§1.1-1.5, 1.9) against the stand-in serving GitHub's recorded OAuth and
GET /user answers (tests/data/upstream/github-oauth), through nginx, with
test_auth_flows' browser-less client: the popup and redirect flows, the
requests GitHub receives, the session the frontend's ScmAuth reads
(providerInfo.accessToken and scope, no expiry), the refresh cookie that
holds the non-expiring token and a refresh that re-validates it (and
refuses a scope never granted), logout, GitHub's 200-with-error token
answers, and the sign-in resolvers.  The stand-in plays a GitHub
Enterprise Server (enterpriseInstanceUrl), so the paths are GHES's."""

import os
import sys
import urllib.parse

import itest
from itest import check, dropin, restart_main, test
from test_auth_flows import BASE, ISSUER, Browser, catalog_status, jwt_claims, popup, \
    set_cookie_of, start_url

sys.path.insert(0, os.path.join(itest.REPO, "tests", "stubs"))
from standin import StandIn  # noqa: E402

FIXTURES = os.path.join(itest.REPO, "tests", "data", "upstream", "github-oauth")
DROPIN = "61-itest-auth-github.ini"
TOKEN = "gho_fixture-placeholder-not-a-token"
CODE = "a1b2c3d4e5f6a7b8c9d0"
P = "/api/auth/github"


def github_ini(url, **extra):
    lines = ["[auth]", "github_client_id = gh-client", "github_client_secret = gh-secret",
             "github_enterprise_instance_url = %s" % url]
    lines += ["%s = %s" % kv for kv in sorted(extra.items())]
    return "\n".join(lines) + "\n"


def sign_in(b, **q):
    q.setdefault("origin", BASE)
    q.setdefault("flow", "popup")
    return b.follow(start_url("github", **q))


def session_of(resp):
    msg, origin = popup(resp)
    check(origin == BASE and "response" in msg, "sign-in failed: %r" % msg)
    return msg["response"]


def upstream(s, path):
    return [r for r in s.requests() if r["path"] == path]


def popup_flow(s):
    b = Browser()
    rs = sign_in(b, scope="repo")
    start = rs[0]
    check(start.status == 302 and start.body == b"", "start: %r" % start)
    loc = urllib.parse.urlsplit(start.header("Location"))
    q = urllib.parse.parse_qsl(loc.query)
    check([k for k, _ in q] == ["response_type", "redirect_uri", "scope", "state", "client_id",
                                "access_type", "prompt"], "authorize keys %r" % q)
    q = dict(q)
    check(loc.path == "/login/oauth/authorize" and q["response_type"] == "code" and
          q["client_id"] == "gh-client" and q["scope"] == "read:user repo" and
          q["redirect_uri"] == ISSUER + "/github/handler/frame" and
          q["access_type"] == "offline" and q["prompt"] == "consent", "authorize %r" % q)
    st = dict(urllib.parse.parse_qsl(bytes.fromhex(q["state"]).decode()))
    check(st["scope"] == "read:user repo" and st["env"] == "development", "state %r" % st)
    nonce = set_cookie_of(start, "github-nonce")
    check(nonce and "Path=/api/auth/github/handler" in nonce, "nonce cookie %r" % nonce)

    sess = session_of(rs[-1])
    check(sess == {"profile": {"email": "dave@example.com",
                               "picture": "https://avatars.githubusercontent.com/u/5012344?v=4",
                               "displayName": "Dave Diaz"},
                   "providerInfo": {"accessToken": TOKEN, "scope": "read:user repo"}},
          "session %r" % sess)
    refresh = set_cookie_of(rs[-1], "github-refresh-token")
    check(refresh and "Path=/api/auth/github;" in refresh and "HttpOnly" in refresh,
          "refresh cookie %r" % refresh)
    check(urllib.parse.unquote(b.cookie("github-refresh-token")) == "access-token-v2." + TOKEN,
          "refresh cookie value %r" % b.cookie("github-refresh-token"))
    check(urllib.parse.unquote(b.cookie("github-granted-scope")) == "read:user repo",
          "granted scope %r" % b.cookie("github-granted-scope"))

    tok = upstream(s, "/login/oauth/access_token")
    check(len(tok) == 1 and tok[0]["method"] == "POST", "token requests %r" % tok)
    form = dict(urllib.parse.parse_qsl(tok[0]["body"]))
    check(form == {"grant_type": "authorization_code", "code": CODE,
                   "redirect_uri": ISSUER + "/github/handler/frame",
                   "client_id": "gh-client", "client_secret": "gh-secret"},
          "token form %r" % form)
    check(tok[0]["headers"].get("accept") == "application/json" and
          tok[0]["headers"]["content-type"] == "application/x-www-form-urlencoded",
          "token headers %r" % tok[0]["headers"])
    users = upstream(s, "/api/v3/user")
    check(len(users) == 1 and users[0]["headers"]["authorization"] == "Bearer " + TOKEN and
          users[0]["headers"].get("user-agent"), "profile requests %r" % users)
    return b


def refresh_and_logout(s, b):
    s.clear_requests()
    r = b.go(BASE + P + "/refresh?optional&env=development")
    check(r.status == 401 and r.json()["error"]["message"] == "Invalid X-Requested-With header",
          "refresh without XHR: %r" % r)
    r = b.xhr("GET", P + "/refresh?optional&scope=repo&env=development")
    check(r.status == 200 and r.json() == {
        "profile": {"email": "dave@example.com",
                    "picture": "https://avatars.githubusercontent.com/u/5012344?v=4",
                    "displayName": "Dave Diaz"},
        "providerInfo": {"accessToken": TOKEN, "scope": "read:user repo"}}, "refresh %r" % r)
    check(not set_cookie_of(r, "github-refresh-token"), "refresh rewrote the cookie")
    check(len(upstream(s, "/api/v3/user")) == 1 and not upstream(s, "/login/oauth/access_token"),
          "refresh: %r" % s.requests())
    # a scope never granted is not given by a refresh: the frontend signs in again
    r = b.xhr("GET", P + "/refresh?optional&scope=repo%20workflow&env=development")
    check(r.status == 401 and r.json()["error"]["name"] == "AuthenticationError" and
          r.json()["error"]["message"].startswith("Refresh failed") and
          "scope" in r.json()["error"]["message"], "refresh beyond the grant: %r" % r)
    r = b.xhr("POST", P + "/logout?env=development")
    check(r.status == 200 and r.body == b"", "logout %r" % r)
    for name in ("github-refresh-token", "github-granted-scope"):
        gone = set_cookie_of(r, name)
        check(gone and "Max-Age=0" in gone, "logout %s: %r" % (name, gone))
    r = b.xhr("GET", P + "/refresh?optional&env=development")
    check(r.status == 401 and "Missing session cookie" in r.json()["error"]["message"],
          "refresh after logout: %r" % r)


def revoked_token():
    """GitHub no longer takes the stored token: the refresh fails."""
    b = Browser()
    b.jar["github-refresh-token"] = (urllib.parse.quote("access-token-v2.gho_revoked", safe=""),
                                     P)
    r = b.xhr("GET", P + "/refresh?optional&env=development")
    check(r.status == 401 and r.json()["error"]["message"] ==
          "Refresh failed; caused by Error: Invalid access token", "revoked token: %r" % r)


def redirect_flow():
    b = Browser()
    target = BASE + "/catalog/default/component/checkout-service/github-actions"
    rs = b.follow(start_url("github", origin=BASE, flow="redirect", redirectUrl=target,
                            scope="repo"), stop=target)
    check(rs[-1].status == 302 and rs[-1].header("Location") == target, "redirect %r" % rs[-1])
    r = b.xhr("GET", P + "/refresh?optional&scope=repo&env=development")
    check(r.status == 200 and r.json()["providerInfo"]["accessToken"] == TOKEN,
          "refresh after the redirect flow: %r" % r)


def bad_code(s):
    """GitHub answers a stale code with 200 and an error member."""
    s.add_route({"method": "POST", "path": "/login/oauth/access_token",
                 "fixture": "oauth-token-bad-code"})
    try:
        msg, _ = popup(sign_in(Browser(), scope="repo")[-1])
    finally:
        s.clear_routes()
    err = msg.get("error", {})
    check(err.get("name") == "AuthenticationError" and
          "Failed to obtain access token" in err.get("message", "") and
          "bad_verification_code" in err["message"], "bad code: %r" % msg)
    b = Browser()
    rs = b.follow(start_url("github", origin=BASE, flow="redirect", redirectUrl=BASE + "/x",
                            scope="repo"), stop=ISSUER)
    s.add_route({"method": "POST", "path": "/login/oauth/access_token",
                 "fixture": "oauth-token-bad-code"})
    try:
        r = b.go(rs[-1].header("Location"))
    finally:
        s.clear_routes()
    check(r.status == 302 and r.header("Location").startswith(BASE + "/x?error=") and
          "bad_verification_code" in r.header("Location"), "redirect flow error %r" % r)


@test
def auth_github_popup_refresh_logout():
    s = StandIn(fixtures=[FIXTURES], log=os.path.join(itest.LOG, "stub-github-oauth.log"))
    s.start()
    try:
        with dropin(DROPIN, github_ini(s.url)):
            restart_main()
            r = itest.get(P + "/start?env=production")
            check(r.status == 404, "other env: %r" % r)
            b = popup_flow(s)
            refresh_and_logout(s, b)
            revoked_token()
            redirect_flow()
            bad_code(s)
    finally:
        s.stop()
        restart_main()
    r = itest.get(P + "/start?env=development")
    check(r.status == 404, "github served without its config: %r" % r)


def identity_of(s, resolver, **extra):
    with dropin(DROPIN, github_ini(s.url, github_resolver=resolver, **extra)):
        restart_main()
        msg, _ = popup(sign_in(Browser(), scope="repo")[-1])
    return msg


@test
def auth_github_resolvers():
    ok = itest.wait_for(lambda: itest.psql(
        "SELECT count(*) FROM catalog.user_by_email_v1('dave@example.com')").strip() == "1", 30)
    check(ok, "catalog user dave not found by email")
    s = StandIn(fixtures=[FIXTURES], log=os.path.join(itest.LOG, "stub-github-oauth.log"))
    s.start()
    try:
        msg = identity_of(s, "emailMatchingUserEntityProfileEmail")
        ident = msg.get("response", {}).get("backstageIdentity", {})
        check(ident.get("identity", {}).get("userEntityRef") == "user:default/dave" and
              "group:default/platform-team" in ident["identity"]["ownershipEntityRefs"],
              "email resolver: %r" % msg)
        check(jwt_claims(ident["token"])["sub"] == "user:default/dave", "token sub")
        check(catalog_status(ident["token"]) == 200, "catalog refused the github sign-in token")
        check(msg["response"]["providerInfo"]["accessToken"] == TOKEN, "providerInfo %r" % msg)
        # the GitHub login dave-d names no User
        msg = identity_of(s, "usernameMatchingUserEntityName")
        check(msg.get("error", {}).get("name") == "NotFoundError", "username resolver %r" % msg)
        msg = identity_of(s, "usernameMatchingUserEntityName",
                          github_allow_without_catalog_user="true")
        check(msg.get("response", {}).get("backstageIdentity", {}).get("identity", {}).get(
            "userEntityRef") == "user:default/dave-d", "fallback identity %r" % msg)
        msg = identity_of(s, "userIdMatchingUserEntityAnnotation")
        check(msg.get("error", {}).get("name") == "NotFoundError", "user-id resolver %r" % msg)
    finally:
        s.stop()
        restart_main()
