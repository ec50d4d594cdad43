#!/usr/bin/env python3
"""A stand-in OpenID Connect identity provider (think Thunder / Keycloak) for
the integration tests: authorization code with PKCE, refresh_token and
client_credentials grants, RS256 tokens, a JWKS, and switches to misbehave.

    idp.py --port N [--issuer URL] [--port-file FILE]

Plain HTTP on 127.0.0.1; --port 0 picks a free port.  Prints "ready <port>"
on stdout once it listens.  Built on standin.py: it records requests, takes
run-time routes (which win over the routes below) and misbehaves through
/__standin/ (tests/stubs/README.md), e.g. a stalled /token.  The RSA key is made with `openssl genrsa` at
start; tokens are signed here (PKCS#1 v1.5 with pow()).

Routes:
    GET  /.well-known/openid-configuration
    GET  /authorize   ?response_type=code&client_id&redirect_uri&state&nonce
                      &code_challenge&code_challenge_method=S256&scope
                      [&login_hint=<user id or email>]  -> 302 redirect_uri?code&state
    POST /token       form; client_secret_basic or client_secret_post
    GET  /jwks
    GET  /userinfo    Authorization: Bearer <access token issued here>
    GET  /logout      end_session_endpoint (302 to post_logout_redirect_uri, else 200)
Control:
    POST /_config     JSON, merged: {"clients": {id: {"secret", "redirect_uris"
                      (list, absent = any), "no_refresh", "audience"}},
                      "users": {id: {claims}}, "default_user", "token_lifetime",
                      "bad_signature", "wrong_issuer", "expired", "rotate_refresh",
                      "wrong_audience" (id_token aud), "wrong_nonce" (id_token nonce)}
                      ({"reset": true} first restores the defaults)
    GET  /_status     {"token_requests": {grant_type: n}, "authorize": n,
                      "userinfo": n, "last_token_request": {form, auth}}
Every request is logged on stderr as "<method> <path> <status>".
"""
import argparse
import base64
import copy
import hashlib
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import standin

DEFAULTS = {
    "clients": {
        "stagehand": {"secret": "stagehand-secret"},
        "stagehand-service": {"secret": "service-secret", "audience": "openchoreo-api"},
    },
    "users": {
        "alice": {
            "sub": "7e1c6a52-0a0b-4f5e-9d38-1b5d8d2a0001",
            "username": "alice",
            "preferred_username": "alice",
            "email": "alice@example.com",
            "given_name": "Alice",
            "family_name": "Example",
            "groups": ["Platform-Admins", "developers"],
        },
    },
    "default_user": "alice",
    "token_lifetime": 300,
    "bad_signature": False,
    "wrong_issuer": False,
    "expired": False,
    "rotate_refresh": False,
    "wrong_audience": False,
    "wrong_nonce": False,
}

LOCK = threading.Lock()
CONF = copy.deepcopy(DEFAULTS)
CODES = {}          # code -> grant
REFRESH = {}        # refresh token -> {client_id, user, scope}
ACCESS = {}         # access token -> user id (for /userinfo)
STATUS = {"token_requests": {}, "authorize": 0, "userinfo": 0, "last_token_request": None}
DIGEST_INFO_SHA256 = bytes.fromhex("3031300d060960864801650304020105000420")


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def int_bytes(n):
    return n.to_bytes((n.bit_length() + 7) // 8, "big")


class RsaKey:
    """An RSA key made by openssl; n, e, d parsed from `openssl rsa -text`."""

    def __init__(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "key.pem")
            subprocess.run(["openssl", "genrsa", "-out", path, "2048"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            text = subprocess.run(["openssl", "rsa", "-in", path, "-noout", "-text"],
                                  check=True, capture_output=True, text=True).stdout
        fields, name = {}, None
        for line in text.splitlines():
            if line.startswith("publicExponent:"):
                fields["e"] = int(line.split()[1])
                name = None
            elif not line.startswith(" ") and line.endswith(":"):
                name = line[:-1]
                fields[name] = ""
            elif name and line.startswith(" "):
                fields[name] += line.strip().replace(":", "")
            else:
                name = None
        self.n = int(fields["modulus"], 16)
        self.e = fields["e"]
        self.d = int(fields["privateExponent"], 16)
        self.kid = b64u(hashlib.sha256(int_bytes(self.n)).digest()[:12])

    def sign(self, data):
        k = (self.n.bit_length() + 7) // 8
        t = DIGEST_INFO_SHA256 + hashlib.sha256(data).digest()
        em = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
        return pow(int.from_bytes(em, "big"), self.d, self.n).to_bytes(k, "big")

    def jwk(self):
        return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
                "n": b64u(int_bytes(self.n)), "e": b64u(int_bytes(self.e))}


KEY = None
BAD_KEY = None      # signs when bad_signature is on (same kid, not in the JWKS)
ISSUER = None


def jwt(claims, typ="JWT"):
    header = {"alg": "RS256", "typ": typ, "kid": KEY.kid}
    signing = (b64u(json.dumps(header, separators=(",", ":")).encode()) + "." +
               b64u(json.dumps(claims, separators=(",", ":")).encode()))
    key = BAD_KEY if CONF["bad_signature"] else KEY
    return signing + "." + b64u(key.sign(signing.encode()))


def times():
    now = int(time.time())
    life = int(CONF["token_lifetime"])
    if CONF["expired"]:
        return now - 2 * life - 120, now - life - 120
    return now, now + life


def issuer():
    return ISSUER + "/wrong" if CONF["wrong_issuer"] else ISSUER


def user_claims(uid):
    u = CONF["users"][uid]
    c = dict(u)
    if "name" not in c and ("given_name" in c or "family_name" in c):
        c["name"] = ("%s %s" % (c.get("given_name", ""), c.get("family_name", ""))).strip()
    return c


def issue(client_id, uid, scope, nonce=None, grant="authorization_code"):
    """Returns the token response for a user (uid) or a service (uid None)."""
    client = CONF["clients"][client_id]
    iat, exp = times()
    base = {"iss": issuer(), "iat": iat, "nbf": iat, "exp": exp, "jti": secrets.token_hex(8),
            "client_id": client_id, "grant_type": grant}
    if uid is None:
        at = dict(base, sub=client_id, aud=client.get("audience", client_id),
                  scope=scope or "", userType="service")
        token = jwt(at, "at+jwt")
        return {"access_token": token, "token_type": "Bearer",
                "expires_in": exp - iat, "scope": scope or ""}
    claims = user_claims(uid)
    at = dict(base, aud=client.get("audience", client_id), scope=scope or "openid", **claims)
    access = jwt(at, "at+jwt")
    idt = dict(claims, iss=issuer(), aud="another-client" if CONF["wrong_audience"] else client_id,
               iat=iat, exp=exp, auth_time=iat)
    if nonce:
        idt["nonce"] = nonce + "x" if CONF["wrong_nonce"] else nonce
    out = {"access_token": access, "token_type": "Bearer", "expires_in": exp - iat,
           "scope": scope or "openid"}
    if "openid" in (scope or "openid").split():
        out["id_token"] = jwt(idt)
    ACCESS[access] = uid
    if not client.get("no_refresh"):
        rt = secrets.token_urlsafe(24)
        REFRESH[rt] = {"client_id": client_id, "user": uid, "scope": scope, "nonce": None}
        out["refresh_token"] = rt
    return out


class Handler(standin.StandinHandler):
    def send(self, status, body=b"", ctype="application/json", headers=()):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        head = [("Content-Type", ctype)] if body or status != 302 else []
        self.send_bytes(status, head + [("Cache-Control", "no-store")] + list(headers), body)
        sys.stderr.write("%s %s %d\n" % (self.command, self.path.split("?")[0], status))
        sys.stderr.flush()

    def oauth_error(self, status, error, desc):
        self.send(status, {"error": error, "error_description": desc})

    def dynamic(self, rq):
        """The IdP's own routes; False (standin's answer) for any other."""
        with LOCK:
            if rq.method == "GET":
                return self.get(rq.path, rq.query) is not False
            if rq.method == "POST" and rq.path in ("/token", "/_config"):
                (self.token if rq.path == "/token" else self.config)(rq.body)
                return True
        return False

    def get(self, path, q):
        if path == "/.well-known/openid-configuration":
            return self.discovery()
        if path == "/authorize":
            return self.authorize(q)
        if path == "/jwks":
            return self.send(200, {"keys": [KEY.jwk()]})
        if path == "/userinfo":
            return self.userinfo()
        if path == "/logout":
            target = q.get("post_logout_redirect_uri")
            if target:
                return self.send(302, headers=[("Location", target)])
            return self.send(200, "signed out\n", "text/plain")
        if path == "/_status":
            return self.send(200, STATUS)
        return False

    def discovery(self):
        base = ISSUER
        self.send(200, {
            "issuer": issuer(),
            "authorization_endpoint": base + "/authorize",
            "token_endpoint": base + "/token",
            "jwks_uri": base + "/jwks",
            "userinfo_endpoint": base + "/userinfo",
            "end_session_endpoint": base + "/logout",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            "subject_types_supported": ["public"],
            "code_challenge_methods_supported": ["S256"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "profile", "email", "groups"],
        })

    def authorize(self, q):
        STATUS["authorize"] += 1
        client = CONF["clients"].get(q.get("client_id", ""))
        if client is None:
            return self.send(400, "unknown client_id\n", "text/plain")
        redirect = q.get("redirect_uri", "")
        allowed = client.get("redirect_uris")
        if not redirect.startswith(("http://", "https://")) or (
                allowed is not None and redirect not in allowed):
            return self.send(400, "bad redirect_uri\n", "text/plain")
        sep = "&" if "?" in redirect else "?"
        if q.get("response_type") != "code":
            return self.send(302, headers=[("Location", redirect + sep + urllib.parse.urlencode(
                {"error": "unsupported_response_type", "state": q.get("state", "")}))])
        hint = q.get("login_hint") or CONF["default_user"]
        uid = hint if hint in CONF["users"] else next(
            (k for k, v in CONF["users"].items() if v.get("email") == hint), None)
        if uid is None:
            return self.send(302, headers=[("Location", redirect + sep + urllib.parse.urlencode(
                {"error": "access_denied", "state": q.get("state", "")}))])
        method = q.get("code_challenge_method")
        if q.get("code_challenge") and method not in ("S256", None):
            return self.send(400, "unsupported code_challenge_method\n", "text/plain")
        code = secrets.token_urlsafe(18)
        CODES[code] = {"client_id": q["client_id"], "redirect_uri": redirect, "user": uid,
                       "challenge": q.get("code_challenge"), "nonce": q.get("nonce"),
                       "scope": q.get("scope", "openid"), "used": False}
        params = {"code": code}
        if "state" in q:
            params["state"] = q["state"]
        self.send(302, headers=[("Location", redirect + sep + urllib.parse.urlencode(params))])

    def client_auth(self, form):
        auth = self.headers.get("Authorization", "")
        if auth.lower().startswith("basic "):
            try:
                cid, _, secret = base64.b64decode(auth[6:].strip()).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                return None, "basic"
            cid, secret = urllib.parse.unquote_plus(cid), urllib.parse.unquote_plus(secret)
            method = "client_secret_basic"
        else:
            cid, secret = form.get("client_id", ""), form.get("client_secret")
            method = "client_secret_post" if secret is not None else "none"
        client = CONF["clients"].get(cid)
        if client is None:
            return None, method
        if client.get("secret") is not None and client["secret"] != secret:
            return None, method
        return cid, method

    def token(self, raw):
        form = dict(urllib.parse.parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        grant = form.get("grant_type", "")
        counts = STATUS["token_requests"]
        counts[grant] = counts.get(grant, 0) + 1
        cid, method = self.client_auth(form)
        STATUS["last_token_request"] = {"form": {k: v for k, v in form.items()
                                                 if k != "client_secret"}, "auth": method}
        if cid is None:
            return self.oauth_error(401, "invalid_client", "client authentication failed")
        if grant == "authorization_code":
            g = CODES.get(form.get("code", ""))
            if g is None or g["used"] or g["client_id"] != cid:
                return self.oauth_error(400, "invalid_grant", "unknown or used code")
            g["used"] = True
            if form.get("redirect_uri") != g["redirect_uri"]:
                return self.oauth_error(400, "invalid_grant", "redirect_uri mismatch")
            if g["challenge"]:
                verifier = form.get("code_verifier", "")
                if b64u(hashlib.sha256(verifier.encode()).digest()) != g["challenge"]:
                    return self.oauth_error(400, "invalid_grant", "PKCE verification failed")
            return self.send(200, issue(cid, g["user"], g["scope"], g["nonce"]))
        if grant == "refresh_token":
            r = REFRESH.get(form.get("refresh_token", ""))
            if r is None or r["client_id"] != cid or r["user"] not in CONF["users"]:
                return self.oauth_error(400, "invalid_grant", "unknown refresh token")
            out = issue(cid, r["user"], form.get("scope") or r["scope"], None, grant)
            if CONF["rotate_refresh"]:
                del REFRESH[form["refresh_token"]]
            elif "refresh_token" in out:
                del REFRESH[out["refresh_token"]]
                del out["refresh_token"]
            return self.send(200, out)
        if grant == "client_credentials":
            return self.send(200, issue(cid, None, form.get("scope"), None, grant))
        self.oauth_error(400, "unsupported_grant_type", "grant_type %r" % grant)

    def userinfo(self):
        STATUS["userinfo"] += 1
        auth = self.headers.get("Authorization", "")
        uid = ACCESS.get(auth[7:].strip()) if auth.lower().startswith("bearer ") else None
        if uid is None or uid not in CONF["users"]:
            return self.send(401, {"error": "invalid_token"})
        self.send(200, user_claims(uid))

    def config(self, raw):
        try:
            req = json.loads(raw or b"{}")
            if not isinstance(req, dict):
                raise ValueError("not an object")
        except ValueError as e:
            return self.send(400, {"error": str(e)})
        global CONF
        if req.pop("reset", False):
            CONF = copy.deepcopy(DEFAULTS)
            CODES.clear()
            REFRESH.clear()
            ACCESS.clear()
            STATUS.update({"token_requests": {}, "authorize": 0, "userinfo": 0,
                           "last_token_request": None})
        for key, value in req.items():
            if key in ("clients", "users"):
                CONF[key].update(value)
            elif key in CONF:
                CONF[key] = value
            else:
                return self.send(400, {"error": "unknown key %s" % key})
        self.send(200, {k: v for k, v in CONF.items() if k != "clients"})


def ready(srv):
    global ISSUER
    port = srv.server_address[1]
    ISSUER = (ISSUER or "http://127.0.0.1:%d" % port).rstrip("/")
    print("ready %d" % port, flush=True)


def main():
    global KEY, BAD_KEY, ISSUER
    ap = standin.add_server_args(argparse.ArgumentParser(
        description="a stand-in OIDC identity provider"))
    ap.add_argument("--issuer")
    args = ap.parse_args()
    KEY, BAD_KEY = RsaKey(), RsaKey()
    BAD_KEY.kid = KEY.kid
    ISSUER = args.issuer
    standin.serve(args, Handler, on_ready=ready)


if __name__ == "__main__":
    main()
