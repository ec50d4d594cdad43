"""Integration tests of the OAuth sign-in flows (spec platform-apis §1.1-1.5,
1.8, 1.9) against the stand-in IdP (tests/stubs/idp.py), through nginx, with
a browser-less client that follows redirects and carries cookies:
openchoreo-auth and oidc popup flows, the redirect flow, refresh (real and
OpenChoreo's pseudo refresh token), logout, the state / nonce / origin /
env checks, id_tokens with a bad signature, a wrong issuer or expired, and
the issued Backstage token accepted by the catalog.  A drop-in configures
both providers; the last test removes it."""

import atexit
import base64
import hashlib
import http.client
import json
import os
import re
import subprocess
import time
import urllib.parse

import itest
from itest import check, restart_main, test

HERE = os.path.dirname(os.path.abspath(__file__))
IDP_SCRIPT = os.path.join(os.path.dirname(HERE), "stubs", "idp.py")
BASE = "https://127.0.0.1:%d" % itest.HTTPS_PORT
ISSUER = BASE + "/api/auth"
DROPIN = "60-itest-auth-flows.ini"
IDP = {}


# ---------------------------------------------------------------- the IdP

def idp_url(path=""):
    return "http://127.0.0.1:%d%s" % (IDP["port"], path)


def idp_call(method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", IDP["port"], timeout=10)
    try:
        data = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=data,
                     headers={"Content-Type": "application/json"} if data else {})
        resp = conn.getresponse()
        out = resp.read()
        check(resp.status == 200, "idp %s %s: %d %r" % (method, path, resp.status, out))
        return json.loads(out)
    finally:
        conn.close()


def idp_config(**kw):
    return idp_call("POST", "/_config", kw)


def idp_status():
    return idp_call("GET", "/_status")


def stop_idp():
    proc = IDP.pop("proc", None)
    if proc:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()


def setup():
    """Starts the IdP and configures both providers (once)."""
    if IDP.get("ready"):
        idp_config(reset=True)
        return
    if "proc" not in IDP:
        proc = subprocess.Popen(["python3", "-B", IDP_SCRIPT, "--port", "0"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        IDP["proc"] = proc
        atexit.register(stop_idp)
        line = proc.stdout.readline().split()
        check(len(line) == 2 and line[0] == "ready", "idp did not start: %r" % line)
        IDP["port"] = int(line[1])
    meta = idp_url("/.well-known/openid-configuration")
    path = os.path.join(itest.CONF_D, DROPIN)
    with open(path, "w") as f:
        f.write("[auth]\n"
                "openchoreo_client_id = stagehand\n"
                "openchoreo_client_secret = stagehand-secret\n"
                "openchoreo_metadata_url = %s\n"
                "oidc_client_id = stagehand\n"
                "oidc_client_secret = stagehand-secret\n"
                "oidc_metadata_url = %s\n" % (meta, meta))
    restart_main()
    IDP["ready"] = True


# ---------------------------------------------------------------- a browser

class Browser:
    """Cookies (name -> (value, path)) for the stack; follows redirects
    between the stack and the IdP."""

    def __init__(self):
        self.jar = {}

    def cookie(self, name):
        return self.jar.get(name, (None,))[0]

    def cookie_header(self, path):
        pairs = ["%s=%s" % (k, v) for k, (v, p) in sorted(self.jar.items())
                 if path == p or path.startswith(p.rstrip("/") + "/")]
        return "; ".join(pairs)

    def store(self, resp):
        for k, v in resp.headers:
            if k.lower() != "set-cookie":
                continue
            first, *attrs = [a.strip() for a in v.split(";")]
            name, _, value = first.partition("=")
            attr = {a.partition("=")[0].lower(): a.partition("=")[2] for a in attrs}
            if attr.get("max-age") == "0":
                self.jar.pop(name, None)
            else:
                self.jar[name] = (value, attr.get("path", "/"))

    def go(self, url, method="GET", headers=None):
        u = urllib.parse.urlsplit(url)
        target = u.path + ("?" + u.query if u.query else "")
        h = dict(headers or {})
        if u.port == itest.HTTPS_PORT:
            c = self.cookie_header(u.path)
            if c:
                h["Cookie"] = c
            resp = itest.request(method, target, headers=h)
            self.store(resp)
            return resp
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        try:
            conn.request(method, target, headers=h)
            r = conn.getresponse()
            return itest.Response(r.status, r.getheaders(), r.read(), 0)
        finally:
            conn.close()

    def follow(self, url, stop=None):
        """GETs url and follows 302s (not to `stop` URLs); returns the
        list of responses."""
        out = []
        for _ in range(6):
            r = self.go(url)
            out.append(r)
            if r.status != 302:
                return out
            url = r.header("Location")
            if stop and url.startswith(stop):
                return out
        raise AssertionError("too many redirects: %r" % out)

    def xhr(self, method, path):
        return self.go(BASE + path, method, {"X-Requested-With": "XMLHttpRequest"})


def start_url(provider, **q):
    q.setdefault("env", "development")
    return "%s/%s/start?%s" % (ISSUER, provider, urllib.parse.urlencode(q))


def popup(resp):
    """The payload and target origin of the popup page, after checking its
    headers and CSP hash."""
    check(resp.status == 200, "popup: %r" % resp)
    check((resp.header("Content-Type") or "").startswith("text/html"),
          "content type %r" % resp.header("Content-Type"))
    check(resp.header("X-Frame-Options") == "sameorigin", "X-Frame-Options missing")
    html = resp.body.decode()
    m = re.fullmatch(r"<html><body><script>(.*)</script></body></html>", html, re.S)
    check(m, "popup page shape: %r" % html[:200])
    script = m.group(1)
    want = "script-src 'sha256-%s'" % base64.b64encode(
        hashlib.sha256(script.encode()).digest()).decode()
    check(resp.header("Content-Security-Policy") == want,
          "CSP %r, want %r" % (resp.header("Content-Security-Policy"), want))
    enc = re.findall(r"decodeURIComponent\('([^']*)'\)", script)
    check(len(enc) == 2, "script: %r" % script)
    check("postMessage(originInfo, '*')" in script and "window.close()" in script,
          "script lacks the protocol: %r" % script)
    return json.loads(urllib.parse.unquote(enc[0])), urllib.parse.unquote(enc[1])


def sign_in(b, provider, **q):
    q.setdefault("origin", BASE)
    q.setdefault("flow", "popup")
    return b.follow(start_url(provider, **q))


def jwt_claims(token):
    p = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))


def set_cookie_of(resp, name):
    for k, v in resp.headers:
        if k.lower() == "set-cookie" and v.startswith(name + "="):
            return v
    return None


def catalog_status(token):
    return itest.get("/api/catalog/entities?limit=1", token).status


# ---------------------------------------------------------------- tests

@test
def auth_flow_openchoreo_popup():
    setup()
    b = Browser()
    rs = sign_in(b, "openchoreo-auth")
    start = rs[0]
    check(start.status == 302 and start.body == b"", "start: %r" % start)
    loc = urllib.parse.urlsplit(start.header("Location"))
    q = dict(urllib.parse.parse_qsl(loc.query))
    check(loc.path == "/authorize" and q["response_type"] == "code" and
          q["client_id"] == "stagehand" and q["scope"] == "openid profile email" and
          q["redirect_uri"] == ISSUER + "/openchoreo-auth/handler/frame" and
          "code_challenge" not in q and "nonce" not in q, "authorize query %r" % q)
    st = dict(urllib.parse.parse_qsl(bytes.fromhex(q["state"]).decode()))
    nonce = set_cookie_of(start, "openchoreo-auth-nonce")
    check(nonce and "Path=/api/auth/openchoreo-auth/handler" in nonce and "Max-Age=600" in nonce
          and "HttpOnly" in nonce and "Secure" in nonce and "SameSite=Lax" in nonce,
          "nonce cookie %r" % nonce)
    check(list(st) == ["nonce", "env", "origin", "flow"] and st["env"] == "development" and
          st["origin"] == BASE and st["flow"] == "popup" and
          urllib.parse.quote(st["nonce"], safe="") == b.cookie("openchoreo-auth-nonce"),
          "state %r" % st)
    msg, origin = popup(rs[-1])
    check(origin == BASE, "target origin %r" % origin)
    check(msg.get("type") == "authorization_response" and "response" in msg, "msg %r" % msg)
    s = msg["response"]
    check(s["profile"] == {"email": "alice@example.com", "displayName": "Alice Example"},
          "profile %r" % s["profile"])
    ident = s["backstageIdentity"]["identity"]
    check(ident == {"type": "user", "userEntityRef": "user:default/alice@example.com",
                    "ownershipEntityRefs": ["user:default/alice@example.com",
                                            "group:default/platform-admins",
                                            "group:default/developers"]},
          "identity %r" % ident)
    at = s["providerInfo"]["accessToken"]
    check(jwt_claims(at)["email"] == "alice@example.com" and
          s["providerInfo"]["scope"] and s["providerInfo"]["expiresInSeconds"] > 0,
          "providerInfo %r" % s["providerInfo"])
    last = idp_status()["last_token_request"]
    check(last["auth"] == "client_secret_post" and last["form"].get("scope") ==
          "openid profile email" and last["form"]["redirect_uri"] ==
          ISSUER + "/openchoreo-auth/handler/frame", "token request %r" % last)
    refresh = set_cookie_of(rs[-1], "openchoreo-auth-refresh-token")
    check(refresh and "Path=/api/auth/openchoreo-auth;" in refresh and
          "Max-Age=86400000" in refresh, "refresh cookie %r" % refresh)
    token = s["backstageIdentity"]["token"]
    check(jwt_claims(token)["sub"] == "user:default/alice@example.com", "token sub")
    check(catalog_status(token) == 200, "catalog refused the issued token")
    check(catalog_status(token[:-4] + "AAAA") == 401, "catalog took a forged token")

    # refresh: X-Requested-With rule, then a real refresh_token grant
    r = b.go(BASE + "/api/auth/openchoreo-auth/refresh?optional&env=development")
    check(r.status == 401 and r.json()["error"]["message"] ==
          "Invalid X-Requested-With header", "refresh without XHR: %r" % r)
    grants = idp_status()["token_requests"].get("refresh_token", 0)
    r = b.xhr("GET", "/api/auth/openchoreo-auth/refresh?optional&env=development")
    check(r.status == 200, "refresh: %r" % r)
    s2 = r.json()
    check(s2["backstageIdentity"]["identity"]["userEntityRef"] ==
          "user:default/alice@example.com", "refresh identity %r" % s2)
    check(idp_status()["token_requests"].get("refresh_token", 0) == grants + 1,
          "no refresh_token grant")
    check(catalog_status(s2["backstageIdentity"]["token"]) == 200, "refreshed token refused")

    # logout has the same X-Requested-With rule and then clears the cookie;
    # refresh then fails
    r = b.go(BASE + "/api/auth/openchoreo-auth/logout?env=development", "POST")
    check(r.status == 401 and r.json()["error"]["message"] ==
          "Invalid X-Requested-With header" and
          not set_cookie_of(r, "openchoreo-auth-refresh-token"), "logout without XHR: %r" % r)
    r = b.xhr("POST", "/api/auth/openchoreo-auth/logout?env=development")
    check(r.status == 200, "logout: %r" % r)
    gone = set_cookie_of(r, "openchoreo-auth-refresh-token")
    check(gone and "Max-Age=0" in gone, "logout cookie %r" % gone)
    r = b.xhr("GET", "/api/auth/openchoreo-auth/refresh?optional&env=development")
    check(r.status == 401 and r.json()["error"]["name"] == "AuthenticationError",
          "refresh after logout: %r" % r)


@test
def auth_flow_many_groups_token_without_ent():
    """A user in hundreds of groups: with every ownership ref in it the token
    would not fit nginx's 8 KiB header buffer, so it goes without ent (as
    Backstage's default tokens do); the session and /v1/userinfo keep them."""
    setup()
    groups = ["team-%03d-with-a-longish-name" % i for i in range(300)]
    idp_config(users={"alice": dict(idp_alice(), groups=groups)})
    msg, _ = popup(sign_in(Browser(), "openchoreo-auth")[-1])
    s = msg.get("response")
    check(s, "sign-in failed: %r" % msg)
    own = s["backstageIdentity"]["identity"]["ownershipEntityRefs"]
    check(len(own) == 301 and own[-1] == "group:default/team-299-with-a-longish-name",
          "ownership %d refs" % len(own))
    token = s["backstageIdentity"]["token"]
    check(len(token) <= 7680 and "ent" not in jwt_claims(token),
          "token of %d bytes, ent %s" % (len(token), "ent" in jwt_claims(token)))
    check(catalog_status(token) == 200, "catalog refused the ent-less token")
    r = itest.get("/api/auth/v1/userinfo", token)
    check(r.status == 200 and len(r.json()["claims"]["ent"]) == 301, "userinfo %r" % r)
    # a few groups still travel in the token
    idp_config(users={"alice": idp_alice()})
    msg, _ = popup(sign_in(Browser(), "openchoreo-auth")[-1])
    claims = jwt_claims(msg["response"]["backstageIdentity"]["token"])
    check(len(claims.get("ent", [])) == 3, "ent of a small token %r" % claims.get("ent"))


@test
def auth_flow_openchoreo_pseudo_refresh():
    setup()
    idp_config(clients={"stagehand": {"secret": "stagehand-secret", "no_refresh": True}})
    b = Browser()
    msg, _ = popup(sign_in(b, "openchoreo-auth")[-1])
    at = msg["response"]["providerInfo"]["accessToken"]
    raw = urllib.parse.unquote(b.cookie("openchoreo-auth-refresh-token"))
    check(raw == "openchoreo-pseudo-refresh:" + at, "pseudo cookie %r" % raw[:60])
    r = b.xhr("GET", "/api/auth/openchoreo-auth/refresh?optional&env=development")
    check(r.status == 200, "pseudo refresh: %r" % r)
    info = r.json()["providerInfo"]
    check(info["accessToken"] == at and info["idToken"] == jwt_claims(at)["jti"] and
          0 < info["expiresInSeconds"] <= 300, "pseudo providerInfo %r" % info)
    check(idp_status()["token_requests"].get("refresh_token", 0) == 0,
          "pseudo refresh asked the IdP")
    # the stored access token is verified against the IdP's JWKS: a cookie
    # whose token was altered (claims or signature) is refused
    h, p, sig = at.split(".")
    claims = dict(jwt_claims(at), email="mallory@example.com")
    forged_p = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    for name, forged in (("claims altered", "%s.%s.%s" % (h, forged_p, sig)),
                         ("signature altered", "%s.%s.%s" % (h, p, sig[:-6] + (
                             "AAAAAA" if not sig.endswith("AAAAAA") else "BBBBBB"))),
                         ("not a JWT", "opaque-access-token")):
        b2 = Browser()
        b2.jar["openchoreo-auth-refresh-token"] = (
            urllib.parse.quote("openchoreo-pseudo-refresh:" + forged, safe=""),
            "/api/auth/openchoreo-auth")
        r = b2.xhr("GET", "/api/auth/openchoreo-auth/refresh?optional&env=development")
        check(r.status == 401 and r.json()["error"]["name"] == "AuthenticationError" and
              r.json()["error"]["message"].startswith("Refresh failed"),
              "pseudo refresh with %s: %r" % (name, r))
    # an access token with less than 60 s left is not refreshed
    idp_config(token_lifetime=30)
    b = Browser()
    popup(sign_in(b, "openchoreo-auth")[-1])
    r = b.xhr("GET", "/api/auth/openchoreo-auth/refresh?optional&env=development")
    check(r.status == 401 and "Refresh failed" in r.json()["error"]["message"],
          "short-lived pseudo refresh: %r" % r)


@test
def auth_flow_redirect():
    setup()
    b = Browser()
    target = BASE + "/catalog?x=1"
    rs = b.follow(start_url("openchoreo-auth", origin=BASE, flow="redirect",
                            redirectUrl=target), stop=target)
    last = rs[-1]
    check(last.status == 302 and last.header("Location") == target, "redirect end %r" % last)
    check(b.cookie("openchoreo-auth-refresh-token"), "no refresh cookie after redirect flow")
    r = b.xhr("GET", "/api/auth/openchoreo-auth/refresh?optional&env=development")
    check(r.status == 200 and r.json()["profile"]["email"] == "alice@example.com",
          "refresh after redirect flow: %r" % r)
    # a failure in the redirect flow comes back as ?error=
    b2 = Browser()
    rs = b2.follow(start_url("openchoreo-auth", origin=BASE, flow="redirect",
                             redirectUrl=target), stop=ISSUER)
    cb = rs[-1].header("Location")
    b2.jar.clear()
    r = b2.go(cb)
    check(r.status == 302 and r.header("Location").startswith(target + "&error=") and
          "missing%20cookie%20nonce" in r.header("Location"), "redirect error %r" % r)
    r = itest.get("/api/auth/openchoreo-auth/start?" + urllib.parse.urlencode(
        {"env": "development", "flow": "redirect", "redirectUrl": "https://evil.example.com/x"}))
    check(r.status == 403, "foreign redirectUrl: %r" % r)
    # the redirect flow without a redirectUrl ends in 400 at the callback
    b3 = Browser()
    rs = b3.follow(start_url("openchoreo-auth", origin=BASE, flow="redirect"))
    last = rs[-1]
    check(last.status == 400 and last.json()["error"] == {
        "name": "InputError", "message": "No redirectUrl provided in request query parameters"},
        "redirect flow without redirectUrl: %r" % last)


@test
def auth_flow_oidc_popup():
    setup()
    # the catalog user alice (spec.profile.email alice@example.com) must be there
    ok = itest.wait_for(lambda: itest.psql(
        "SELECT count(*) FROM catalog.user_by_email_v1('Alice@Example.com')").strip() == "1", 30)
    check(ok, "catalog user alice not found by email")
    idp_config(users={"alice": dict(idp_alice(), email_verified=True)})
    b = Browser()
    rs = sign_in(b, "oidc", scope="extra")
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(rs[0].header("Location")).query))
    check(q.get("code_challenge_method") == "S256" and len(q.get("code_challenge", "")) == 43
          and q.get("nonce") and "extra" in q["scope"].split() and
          q["scope"].startswith("openid profile email"), "oidc authorize %r" % q)
    msg, _ = popup(rs[-1])
    check("response" in msg, "oidc sign-in failed: %r" % msg)
    s = msg["response"]
    check(s["profile"]["email"] == "alice@example.com", "profile %r" % s["profile"])
    check(s["backstageIdentity"]["identity"]["userEntityRef"] == "user:default/alice" and
          "group:default/payments-team" in
          s["backstageIdentity"]["identity"]["ownershipEntityRefs"],
          "catalog identity %r" % s["backstageIdentity"])
    check(s["providerInfo"].get("idToken"), "no idToken")
    last = idp_status()["last_token_request"]
    check(last["auth"] == "client_secret_basic" and last["form"].get("code_verifier"),
          "oidc token request %r" % last)
    check(b.cookie("oidc-granted-scope"), "no granted-scope cookie")
    check(catalog_status(s["backstageIdentity"]["token"]) == 200, "oidc token refused")
    r = b.xhr("POST", "/api/auth/oidc/refresh?env=development")
    check(r.status == 200 and r.json()["backstageIdentity"]["identity"]["userEntityRef"] ==
          "user:default/alice", "oidc refresh %r" % r)
    # emailMatchingUserEntityProfileEmail retries without a +tag
    idp_config(users={"alice": dict(idp_alice(), email="Alice+work@example.com",
                                    email_verified=True)})
    msg, _ = popup(sign_in(Browser(), "oidc")[-1])
    check(msg.get("response", {}).get("backstageIdentity", {}).get("identity", {}).get(
        "userEntityRef") == "user:default/alice", "+tag email: %r" % msg)
    # a user the catalog does not know
    idp_config(users={"zed": {"sub": "z1", "email": "zed@nowhere.test",
                              "email_verified": True, "name": "Zed"}}, default_user="zed")
    msg, _ = popup(sign_in(Browser(), "oidc")[-1])
    check(msg.get("error", {}).get("name") == "NotFoundError", "unknown user: %r" % msg)


def idp_alice():
    return {"sub": "7e1c6a52-0a0b-4f5e-9d38-1b5d8d2a0001", "username": "alice",
            "preferred_username": "alice", "email": "alice@example.com",
            "given_name": "Alice", "family_name": "Example",
            "groups": ["Platform-Admins", "developers"]}


@test
def auth_flow_bad_id_tokens():
    setup()
    idp_config(users={"alice": dict(idp_alice(), email_verified=True)})
    for switch, why in (("bad_signature", "signature"), ("wrong_issuer", "iss"),
                        ("expired", "expired"), ("wrong_audience", "aud"),
                        ("wrong_nonce", "nonce")):
        idp_config(**{switch: True})
        msg, _ = popup(sign_in(Browser(), "oidc")[-1])
        idp_config(**{switch: False})
        err = msg.get("error", {})
        check(err.get("name") == "AuthenticationError" and
              "Invalid id_token" in err.get("message", ""),
              "%s id_token accepted or wrong error: %r" % (switch, msg))
        check(why in err["message"], "%s: reason %r" % (switch, err["message"]))
    msg, _ = popup(sign_in(Browser(), "oidc")[-1])
    check("response" in msg, "good id_token after the switches: %r" % msg)


@test
def auth_flow_state_nonce_origin():
    setup()
    p = "/api/auth/openchoreo-auth"
    r = itest.get(p + "/start?origin=" + urllib.parse.quote(BASE))
    check(r.status == 400 and "env" in r.json()["error"]["message"], "no env: %r" % r)
    r = itest.get(p + "/start?env=production")
    check(r.status == 404, "other env: %r" % r)
    r = itest.get(p + "/start?env=development&origin=https%3A%2F%2Fevil.example.com")
    check(r.status == 403 and r.json()["error"]["name"] == "NotAllowedError",
          "foreign origin: %r" % r)
    r = itest.get("/api/auth/nosuch/start?env=development")
    check(r.status == 404, "unknown provider: %r" % r)

    def callback(b):
        rs = b.follow(start_url("openchoreo-auth", origin=BASE, flow="popup"), stop=ISSUER)
        return rs[-1].header("Location")

    # no nonce cookie
    b = Browser()
    cb = callback(b)
    b.jar.clear()
    msg, _ = popup(b.go(cb))
    check(msg.get("error", {}).get("message") == "Auth response is missing cookie nonce",
          "missing nonce: %r" % msg)
    # a different nonce
    b = Browser()
    cb = callback(b)
    b.jar["openchoreo-auth-nonce"] = ("AAAA", "/api/auth/openchoreo-auth/handler")
    msg, _ = popup(b.go(cb))
    check(msg.get("error", {}).get("message") == "Invalid nonce", "wrong nonce: %r" % msg)
    # a state that is not hex, and one without a nonce
    b = Browser()
    msg, _ = popup(b.go(ISSUER + "/openchoreo-auth/handler/frame?code=x&state=zz"))
    check(msg.get("error", {}).get("name") == "NotAllowedError", "bad state: %r" % msg)
    bare = "env=development".encode().hex()
    msg, _ = popup(b.go(ISSUER + "/openchoreo-auth/handler/frame?code=x&state=" + bare))
    check(msg.get("error", {}).get("message") == "OAuth state is invalid, missing nonce",
          "state without nonce: %r" % msg)
    # a state whose origin is foreign, with a matching nonce cookie
    b = Browser()
    cb = callback(b)
    nonce = urllib.parse.unquote(b.cookie("openchoreo-auth-nonce"))
    evil = urllib.parse.urlencode({"nonce": nonce, "env": "development",
                                   "origin": "https://evil.example.com"}).encode().hex()
    code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(cb).query))["code"]
    msg, origin = popup(b.go(ISSUER + "/openchoreo-auth/handler/frame?code=%s&state=%s"
                             % (code, evil)))
    check(origin == BASE and msg.get("error", {}).get("name") == "NotAllowedError",
          "foreign origin in state: %r %r" % (origin, msg))
    # the IdP's error parameter
    b = Browser()
    cb = callback(b)
    st = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(cb).query))["state"]
    msg, _ = popup(b.go(ISSUER + "/openchoreo-auth/handler/frame?error=access_denied&state="
                        + st))
    check("access_denied" in msg.get("error", {}).get("message", ""), "idp error: %r" % msg)


@test
def auth_flow_zz_teardown():
    path = os.path.join(itest.CONF_D, DROPIN)
    if os.path.exists(path):
        os.unlink(path)
        restart_main()
    stop_idp()
    IDP.clear()
    r = itest.get("/api/auth/openchoreo-auth/start?env=development")
    check(r.status == 404, "provider still served without its config: %r" % r)
