"""Integration tests of the host's identity checks beyond the guest token:
a catalog route without and with a token; Backstage user tokens made here
with a key of our own (published in auth.signing_keys) that are expired,
not yet valid, for another audience, unknown kid, alg none, HS256 keyed
with the public PEM, malformed or badly signed, all 401; IdP service tokens
(tests/stubs/idp.py) accepted as service principals and refused for the
same reasons, with a key rotation picked up on an unknown kid; the host's
client_credentials token cached and fetched once for concurrent callers;
and the backstage-auth cookie (GET/DELETE .backstage/auth/v1/cookie,
user-cookie routes).  Keys and signatures come from the openssl CLI."""

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from itest import (check, check_json, dropin, error_body, get, psql, request, restart_main,
                   test, wait_for)
import itest

ISSUER = "https://127.0.0.1:%d/api/auth" % itest.HTTPS_PORT
STUBS = os.path.join(itest.REPO, "tests", "stubs")
TMP = tempfile.mkdtemp(prefix="itest-identity-")
P256_SPKI = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200")


def b64e(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64d(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def part(obj):
    return b64e(json.dumps(obj, separators=(",", ":")).encode())


def openssl(*args, data=None):
    p = subprocess.run(["openssl"] + list(args), input=data, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30)
    check(p.returncode == 0, "openssl %s: %s" % (args[0], p.stderr.decode()[-300:]))
    return p.stdout


def der_to_raw(der):
    """An ECDSA DER signature as JOSE r||s."""
    check(der[0] == 0x30, "not a DER sequence")
    i = 2 if der[1] < 0x80 else 3
    out = b""
    for _ in range(2):
        check(der[i] == 0x02, "not a DER integer")
        n = der[i + 1]
        out += der[i + 2:i + 2 + n].lstrip(b"\x00").rjust(32, b"\x00")
        i += 2 + n
    return out


class EcKey:
    def __init__(self, kid):
        self.kid = kid
        self.path = os.path.join(TMP, kid + ".pem")
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", self.path)
        spki = openssl("ec", "-in", self.path, "-pubout", "-outform", "DER")
        point = spki[len(P256_SPKI):]
        self.pem = openssl("ec", "-in", self.path, "-pubout").decode()
        self.jwk = {"kty": "EC", "crv": "P-256", "x": b64e(point[1:33]), "y": b64e(point[33:]),
                    "kid": kid, "alg": "ES256", "use": "sig"}

    def sign(self, header, claims):
        signing = "%s.%s" % (part(header), part(claims))
        der = openssl("dgst", "-sha256", "-sign", self.path, data=signing.encode())
        return signing + "." + b64e(der_to_raw(der))


class RsaKey:
    def __init__(self, kid):
        self.kid = kid
        self.path = os.path.join(TMP, kid + ".pem")
        openssl("genrsa", "-out", self.path, "2048")
        self.pem = openssl("rsa", "-in", self.path, "-pubout").decode()
        mod = openssl("rsa", "-in", self.path, "-noout", "-modulus").decode()
        n = bytes.fromhex(mod.strip().split("=", 1)[1])
        self.jwk = {"kty": "RSA", "n": b64e(n), "e": "AQAB", "kid": kid, "alg": "RS256",
                    "use": "sig"}

    def sign(self, header, claims):
        signing = "%s.%s" % (part(header), part(claims))
        return signing + "." + b64e(openssl("dgst", "-sha256", "-sign", self.path,
                                            data=signing.encode()))


def hs256(header, claims, secret):
    signing = "%s.%s" % (part(header), part(claims))
    return signing + "." + b64e(hmac.new(secret.encode(), signing.encode(),
                                         hashlib.sha256).digest())


def refused(key, header, claims):
    """(name, token) pairs of one good token's variants that must all fail."""
    now = int(time.time())
    good = key.sign(header, claims)
    h, p, s = good.split(".")
    other = RsaKey("other-rsa") if isinstance(key, RsaKey) else EcKey("other-ec")
    return [
        ("expired", key.sign(header, dict(claims, iat=now - 7200, exp=now - 3600))),
        ("not yet valid", key.sign(header, dict(claims, nbf=now + 3600, iat=now + 3600,
                                                exp=now + 7200))),
        ("wrong audience", key.sign(header, dict(claims, aud="somebody-else"))),
        ("unknown kid", other.sign(dict(header, kid="no-such-kid"), claims)),
        ("signed by another key", other.sign(header, claims)),
        ("alg none", "%s.%s." % (part(dict(header, alg="none")), p)),
        ("alg none signed", "%s.%s.%s" % (part(dict(header, alg="none")), p, s)),
        ("HS256 keyed with the public PEM", hs256(dict(header, alg="HS256"), claims, key.pem)),
        ("HS256 keyed with the PEM, no newline",
         hs256(dict(header, alg="HS256"), claims, key.pem.rstrip("\n"))),
        ("bad signature", "%s.%s.%s" % (h, p, s[:10] + ("A" if s[10] != "A" else "B") + s[11:])),
        ("payload swapped", "%s.%s.%s" % (h, part(dict(claims, sub=claims["sub"] + "x")), s)),
        ("malformed: two parts", "%s.%s" % (h, p)),
        ("malformed: not base64url", "%s.%s.%s!" % (h, p, s)),
        ("malformed: header not JSON", "%s.%s.%s" % (b64e(b"{nope"), p, s)),
    ]


def check_refused(path, cases):
    for name, token in cases:
        r = get(path, token)
        check(r.status == 401, "%s: status %d %r" % (name, r.status, r.body[:200]))
        check_json(r, error_body(401, "AuthenticationError", "Invalid token",
                                 url=path.split("/api/shtest", 1)[-1] or "/"))


def guest_token():
    r = request("POST", "/api/auth/guest/refresh")
    check(r.status == 200, "guest refresh: %r" % r)
    return r.json()["backstageIdentity"]["token"]


@test
def identity_catalog_needs_a_token():
    r = get("/api/catalog/entities?limit=1")
    check(r.status == 401, "catalog without a token: %r" % r)
    check_json(r, error_body(401, "AuthenticationError", "Missing credentials",
                             url="/entities?limit=1"))
    r = get("/api/catalog/entities?limit=1", guest_token())
    check(r.status == 200, "catalog with the guest token: %r" % r)


@test
def identity_user_tokens_refused():
    key = EcKey("itest-identity-ec")
    psql("INSERT INTO auth.signing_keys (kid, key, expires_at) VALUES ('%s', '%s', "
         "now() + interval '1 hour') ON CONFLICT (kid) DO UPDATE SET key = EXCLUDED.key"
         % (key.kid, json.dumps(key.jwk)))
    try:
        now = int(time.time())
        header = {"typ": "vnd.backstage.user", "alg": "ES256", "kid": key.kid}
        claims = {"iss": ISSUER, "sub": "user:default/mallory", "aud": "backstage",
                  "iat": now - 5, "exp": now + 600}
        # The control: a token made here the way the auth plugin makes them.
        r = wait_for(lambda: (lambda x: x if x.status == 200 else None)(
            get("/api/shtest/user", key.sign(header, claims))), 5)
        check(r is not None, "a well-made token with a published key is refused")
        check_json(r, {"kind": "user", "subject": "user:default/mallory"})
        check_refused("/api/shtest/user", refused(key, header, claims) + [
            ("wrong issuer", key.sign(header, dict(claims, iss=ISSUER + "/x"))),
            ("not a user ref", key.sign(header, dict(claims, sub="group:default/admins"))),
        ])
    finally:
        psql("DELETE FROM auth.signing_keys WHERE kid = '%s'" % key.kid)


# ---------------------------------------------------------------- IdP

class Stub:
    """A stub server from tests/stubs, on a free port."""

    def __init__(self, script, *args):
        self.log = open(os.path.join(itest.LOG, "stub-%s.log" % script.split(".")[0]), "ab")
        self.proc = subprocess.Popen([sys.executable, os.path.join(STUBS, script), "--port", "0"]
                                     + list(args), stdout=subprocess.PIPE, stderr=self.log)
        line = self.proc.stdout.readline().decode().split()
        check(line, "%s did not start" % script)
        self.port = int(line[-1])
        self.url = "http://127.0.0.1:%d" % self.port

    def call(self, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        rq = urllib.request.Request(self.url + path, data=data, method="POST" if data else "GET",
                                    headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(rq, timeout=10) as resp:
            return json.loads(resp.read())

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()


def idp_token(idp, client, secret):
    form = "grant_type=client_credentials&client_id=%s&client_secret=%s" % (client, secret)
    rq = urllib.request.Request(idp.url + "/token", data=form.encode(), method="POST")
    with urllib.request.urlopen(rq, timeout=10) as resp:
        return json.loads(resp.read())["access_token"]


def write_jwks(path, keys):
    with open(path + ".tmp", "w") as f:
        json.dump({"keys": keys}, f)
    os.replace(path + ".tmp", path)


def cc_count(idp):
    return idp.call("/_status")["token_requests"].get("client_credentials", 0)


def svctoken():
    r = get("/api/shtest/svctoken")
    check(r.status == 200, "svctoken: %r" % r)
    return r.json()["token"]


@test
def identity_idp_service_tokens():
    idp = Stub("idp.py")
    jwks_dir = os.path.join(TMP, "jwks")
    os.makedirs(jwks_dir, exist_ok=True)
    idp_jwk = idp.call("/jwks")["keys"][0]
    write_jwks(os.path.join(jwks_dir, "jwks.json"), [idp_jwk])
    files = Stub("files.py", "--root", jwks_dir)
    ini = ("[identity]\nmetadata_url = %s/.well-known/openid-configuration\n"
           "jwks_url = %s/jwks.json\naudience = openchoreo-api\njwks_min_refresh = 1\n"
           "service_client_id = stagehand-service\nservice_client_secret = service-secret\n"
           "client_id = stagehand\nclient_secret = stagehand-secret\n" % (idp.url, files.url))
    try:
        with dropin("60-itest-identity.ini", ini):
            restart_main()
            idp_service_tokens_accepted(idp)
            idp_service_tokens_refused(idp)
            idp_key_rotation(idp, idp_jwk, jwks_dir, files)
            svctoken_cached_and_coalesced(idp)
        with dropin("60-itest-identity.ini", "[identity]\ntoken_url = %s/token\n"
                    "client_id = stagehand\nclient_secret = stagehand-secret\n" % idp.url):
            restart_main()
            idp.call("/_config", {"reset": True})
            svctoken()
            last = idp.call("/_status")["last_token_request"]
            check(last["form"].get("client_id") == "stagehand" and
                  last["form"].get("grant_type") == "client_credentials" and
                  last["auth"] == "client_secret_post",
                  "the sign-in client is not the fallback: %r" % last)
        # The auth plugin's own openchoreo-auth client is the plugin's: the
        # host reads no plugin's section, so service tokens do not use it.
        with dropin("60-itest-identity.ini", "[identity]\ntoken_url = %s/token\n\n[auth]\n"
                    "openchoreo_client_id = stagehand\nopenchoreo_client_secret = stagehand-secret\n"
                    "openchoreo_token_url = %s/token\n"
                    "openchoreo_authorization_url = %s/authorize\n" % (idp.url, idp.url, idp.url)):
            restart_main()
            idp.call("/_config", {"reset": True})
            r = get("/api/shtest/svctoken")
            check(r.status == 404, "a service token from the auth plugin's client: %r" % r)
    finally:
        files.stop()
        idp.stop()
        restart_main()


def idp_service_tokens_accepted(idp):
    token = idp_token(idp, "stagehand-service", "service-secret")
    r = get("/api/shtest/service", token)
    check(r.status == 200, "service route with an IdP token: %r" % r)
    check_json(r, {"kind": "service", "subject": "stagehand-service"})
    r = get("/api/shtest/any", token)
    check(r.status == 200, "any route with an IdP token: %r" % r)
    r = get("/api/shtest/user", token)
    check(r.status == 403, "user route with a service token: %r" % r)
    check_json(r, error_body(403, "NotAllowedError",
                             "This endpoint does not allow 'service' credentials", url="/user"))
    r = get("/api/catalog/entities?limit=1", token)
    check(r.status == 200, "catalog with a service token: %r" % r)


def idp_service_tokens_refused(idp):
    cases = [("wrong audience (another client)", idp_token(idp, "stagehand", "stagehand-secret"))]
    for switch, name in (("expired", "expired at the IdP"), ("wrong_issuer", "wrong issuer"),
                         ("bad_signature", "signed by a key not in the JWKS")):
        idp.call("/_config", {switch: True})
        cases.append((name, idp_token(idp, "stagehand-service", "service-secret")))
        idp.call("/_config", {switch: False})
    check_refused("/api/shtest/service", cases)


def idp_key_rotation(idp, idp_jwk, jwks_dir, files):
    """A key published after the JWKS was cached is fetched on its unknown
    kid; tokens it signs wrongly are refused like the IdP's."""
    key = RsaKey("itest-rotated")
    now = int(time.time())
    header = {"alg": "RS256", "typ": "at+jwt", "kid": key.kid}
    claims = {"iss": idp.url, "sub": "rotated-client", "aud": ["x", "openchoreo-api"], "iat": now, "nbf": now,
        "exp": now + 300}
    good = key.sign(header, claims)
    r = get("/api/shtest/service", good)
    check(r.status == 401, "a key not yet published is accepted: %r" % r)
    write_jwks(os.path.join(jwks_dir, "jwks.json"), [idp_jwk, key.jwk])
    r = wait_for(lambda: (lambda x: x if x.status == 200 else None)(
        get("/api/shtest/service", good)), 5, interval=0.5)
    check(r is not None, "the rotated key was not fetched on its unknown kid")
    check_json(r, {"kind": "service", "subject": "rotated-client"})
    check_refused("/api/shtest/service", refused(key, header, claims))
    # A burst of made-up kids costs at most one fetch per jwks_min_refresh (1 s).
    before = jwks_fetches(files)
    t0 = time.monotonic()
    for i in range(20):
        r = get("/api/shtest/service", key.sign(dict(header, kid="made-up-%d" % i), claims))
        check(r.status == 401, "made-up kid accepted: %r" % r)
    fetched = jwks_fetches(files) - before
    check(fetched <= int(time.monotonic() - t0) + 1,
          "%d JWKS fetches for 20 unknown kids in %.1f s" % (fetched, time.monotonic() - t0))


def jwks_fetches(files):
    files.log.flush()
    with open(files.log.name, "rb") as f:
        return f.read().count(b"GET /jwks.json 200")


def svctoken_cached_and_coalesced(idp):
    idp.call("/_config", {"reset": True, "token_lifetime": 63})
    t1 = svctoken()
    t2 = svctoken()
    check(t1 == t2 and cc_count(idp) == 1, "not cached: %d token requests" % cc_count(idp))
    r = get("/api/shtest/service", t1)
    check(r.status == 200, "the host's own service token is refused: %r" % r)
    last = idp.call("/_status")["last_token_request"]
    check(last["form"].get("client_id") == "stagehand-service" and
          last["auth"] == "client_secret_post", "token request %r" % last)
    # 63 s tokens are replaced 60 s early: after 3 s the next caller fetches,
    # and a crowd arriving together makes one request between them.
    time.sleep(3.2)
    out = []
    threads = [threading.Thread(target=lambda: out.append(get("/api/shtest/svctoken").status))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(out == [200] * 8, "concurrent callers: %r" % out)
    check(cc_count(idp) == 2, "%d token requests for 8 concurrent callers after expiry"
          % (cc_count(idp) - 1))


# ---------------------------------------------------------------- cookie

def set_cookie(r):
    values = [v for k, v in r.headers if k.lower() == "set-cookie"]
    return values


@test
def identity_backstage_auth_cookie():
    token = guest_token()
    path = "/api/shtest/.backstage/auth/v1/cookie"
    r = get(path)
    check(r.status == 401, "cookie without a token: %r" % r)
    r = get(path, token)
    check(r.status == 200, "cookie: %r" % r)
    claims = json.loads(b64d(token.split(".")[1]))
    want_exp = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(claims["exp"]))
    check_json(r, {"expiresAt": want_exp})
    cookies = set_cookie(r)
    check(len(cookies) == 1, "Set-Cookie %r" % cookies)
    limited = "%s.%s.%s" % (
        part({"typ": "vnd.backstage.limited-user", "alg": "ES256",
              "kid": json.loads(b64d(token.split(".")[0]))["kid"]}),
        part({"sub": claims["sub"], "iat": claims["iat"], "exp": claims["exp"]}), claims["uip"])
    want = ("backstage-auth=%s; Domain=127.0.0.1; Path=/; Expires=%s; HttpOnly; Secure; "
            "Priority=High; SameSite=None"
            % (limited, time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(claims["exp"]))))
    check(cookies[0] == want, "Set-Cookie\n  %r, want\n  %r" % (cookies[0], want))
    jar = {"Cookie": "other=1; backstage-auth=" + limited}
    # user-cookie routes take the cookie (or the limited token as bearer);
    # other routes do not.
    r = request("GET", "/api/shtest/cookie", headers=jar)
    check(r.status == 200, "user-cookie route with the cookie: %r" % r)
    check_json(r, {"kind": "user", "subject": claims["sub"]})
    check(get("/api/shtest/cookie", limited).status == 200, "limited token as bearer")
    r = request("GET", "/api/shtest/any", headers=jar)
    check(r.status == 401, "any route with only the cookie: %r" % r)
    check_json(r, error_body(401, "AuthenticationError", "Missing credentials", url="/any"))
    r = get("/api/shtest/user", limited)
    check(r.status == 401, "user route with a limited token: %r" % r)
    check_json(r, error_body(401, "AuthenticationError", "Illegal limited user token",
                             url="/user"))
    r = request("GET", "/api/shtest/cookie")
    check(r.status == 401, "user-cookie route with nothing: %r" % r)
    forged = limited[:-6] + ("AAAAAA" if not limited.endswith("AAAAAA") else "BBBBBB")
    r = request("GET", "/api/shtest/cookie", headers={"Cookie": "backstage-auth=" + forged})
    check(r.status == 401, "forged cookie: %r" % r)
    # A cookie far from expiry is kept: no new Set-Cookie, same expiresAt.
    r = request("GET", path, headers=dict(jar, Authorization="Bearer " + token))
    check(r.status == 200 and not set_cookie(r), "cookie re-issued: %r %r" % (r, set_cookie(r)))
    check_json(r, {"expiresAt": want_exp})
    # The cookie alone renews itself (user-cookie, as in Backstage): far from
    # expiry it is kept; as a bearer the limited token is its own limited form.
    r = request("GET", path, headers=jar)
    check(r.status == 200 and not set_cookie(r), "GET with only the cookie: %r" % r)
    check_json(r, {"expiresAt": want_exp})
    r = get(path, limited)
    check(r.status == 200 and set_cookie(r) == [want],
          "GET with the limited token as bearer: %r %r" % (r, set_cookie(r)))
    check_json(r, {"expiresAt": want_exp})
    r = request("GET", path, headers={"Cookie": "backstage-auth=" + forged})
    check(r.status == 401, "GET with a forged cookie: %r" % r)
    # Services get no cookie; DELETE clears it for anyone with credentials.
    r = get(path, "test-service:robot")
    check(r.status == 403, "cookie for a service: %r" % r)
    r = request("DELETE", path)
    check(r.status == 401, "DELETE without credentials: %r" % r)
    r = request("DELETE", path, headers={"Authorization": "Bearer " + token})
    check(r.status == 204 and r.body == b"", "DELETE: %r" % r)
    cleared = ["backstage-auth=; Domain=127.0.0.1; Path=/; "
               "Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; "
               "Priority=High; SameSite=None"]
    check(set_cookie(r) == cleared, "clearing %r" % set_cookie(r))
    r = request("DELETE", path, headers=jar)
    check(r.status == 204 and set_cookie(r) == cleared,
          "DELETE with only the cookie: %r %r" % (r, set_cookie(r)))
    r = get("/api/auth/.backstage/auth/v1/cookie", token)
    check(r.status == 200 and set_cookie(r), "the auth plugin's cookie route: %r" % r)
