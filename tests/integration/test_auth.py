"""Integration tests of the auth plugin and the host's Backstage-token
verification: JWKS and discovery, the guest provider's session and token,
the token accepted by another plugin's user route, every forged or altered
token refused with 401, keys of an earlier process still verifying after a
restart, and the guest refused while auth is on without the dangerous key.
./run loads `auth` in pool main with [auth] dangerously_allow_guest = true."""

import base64
import hashlib
import hmac
import json
import os
import subprocess

from itest import (check, check_json, dropin, error_body, get, psql, request, restart_main,
                   test, wait_for)
import itest

GUEST = "user:development/guest"
ISSUER = "https://127.0.0.1:%d/api/auth" % itest.HTTPS_PORT
# DER prefix of a P-256 SubjectPublicKeyInfo; the uncompressed point follows.
P256_SPKI = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200")


def b64e(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64d(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def part(obj):
    return b64e(json.dumps(obj, separators=(",", ":")).encode())


def parts(token):
    h, p, s = token.split(".")
    return json.loads(b64d(h)), json.loads(b64d(p)), s


def guest_session():
    r = request("POST", "/api/auth/guest/refresh")
    check(r.status == 200, "guest refresh: %r" % r)
    return r.json()


def guest_token():
    return guest_session()["backstageIdentity"]["token"]


def jwks():
    r = get("/api/auth/.well-known/jwks.json")
    check(r.status == 200, "jwks: %r" % r)
    return r.json()["keys"]


def user_status(token):
    return get("/api/shtest/user", token).status


@test
def auth_jwks_and_discovery():
    keys = jwks()
    check(keys, "no published keys")
    for k in keys:
        check(k.get("kty") == "EC" and k.get("crv") == "P-256" and k.get("alg") == "ES256",
              "key %r" % k)
        check("d" not in k, "a private key was published: %r" % k)
    r = get("/api/auth/.well-known/openid-configuration")
    check(r.status == 200, "discovery: %r" % r)
    doc = r.json()
    check(doc["issuer"] == ISSUER, "issuer %r" % doc["issuer"])
    check(doc["jwks_uri"] == ISSUER + "/.well-known/jwks.json", "jwks_uri %r" % doc["jwks_uri"])


@test
def auth_guest_token_accepted():
    s = guest_session()
    want = {"profile": {},
            "backstageIdentity": {"token": itest.STRING, "expiresInSeconds": 3600,
                                  "identity": {"type": "user", "userEntityRef": GUEST,
                                               "ownershipEntityRefs": [GUEST]}}}
    diff = itest.json_diff(want, s)
    check(not diff, "session differs: %s" % diff)
    token = s["backstageIdentity"]["token"]
    header, claims, sig = parts(token)
    check(header["typ"] == "vnd.backstage.user" and header["alg"] == "ES256",
          "header %r" % header)
    check(header["kid"] in [k["kid"] for k in jwks()], "kid %r not in the JWKS" % header["kid"])
    check(len(b64d(sig)) == 64, "signature is not raw r||s")
    check(claims["iss"] == ISSUER and claims["sub"] == GUEST and claims["aud"] == "backstage",
          "claims %r" % claims)
    check(claims["exp"] - claims["iat"] == 3600 and claims.get("uip"), "claims %r" % claims)
    r = get("/api/shtest/user", token)
    check(r.status == 200, "user route with the guest token: %r" % r)
    check_json(r, {"kind": "user", "subject": GUEST})
    r = get("/api/auth/v1/userinfo", token)
    check(r.status == 200, "userinfo: %r" % r)
    check_json(r, {"claims": {"sub": GUEST, "ent": [GUEST]}})
    r = request("GET", "/api/auth/guest/refresh")
    check(r.status == 200, "GET refresh: %r" % r)


def forged_tokens(token):
    """(name, token) pairs that must all be refused."""
    header, claims, sig = parts(token)
    h, p = token.split(".")[:2]
    jwk = [k for k in jwks() if k["kid"] == header["kid"]][0]
    der = base64.b64encode(P256_SPKI + b"\x04" + b64d(jwk["x"]) + b64d(jwk["y"])).decode()
    pem = "-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n" % "\n".join(
        der[i:i + 64] for i in range(0, len(der), 64))
    admin = dict(claims, sub="user:default/admin")
    hs_head = part(dict(header, alg="HS256"))
    out = [
        ("payload changed", "%s.%s.%s" % (h, part(admin), sig)),
        ("signature changed", "%s.%s.%s" % (h, p, b64e(bytes(64)))),
        ("signature truncated", "%s.%s.%s" % (h, p, sig[:-4])),
        ("kid unknown", "%s.%s.%s" % (part(dict(header, kid="no-such-kid")), p, sig)),
        ("alg none", "%s.%s." % (part(dict(header, alg="none")), part(admin))),
        ("alg none signed", "%s.%s.%s" % (part(dict(header, alg="none")), p, sig)),
        ("limited token, forged", "%s.%s.%s" % (
            part({"typ": "vnd.backstage.limited-user", "alg": "ES256", "kid": header["kid"]}),
            part({"sub": "user:default/admin", "iat": claims["iat"], "exp": claims["exp"]}),
            claims["uip"])),
        ("too many dots", token + ".x"),
        ("not base64url", "%s.%s.%s" % (h, p, sig + "!")),
        ("header not json", "%s.%s.%s" % (b64e(b"not json"), p, sig)),
    ]
    for secret in (pem, pem.rstrip("\n")):
        mac = hmac.new(secret.encode(), ("%s.%s" % (hs_head, part(admin))).encode(),
                       hashlib.sha256).digest()
        out.append(("HS256 keyed with the public key PEM",
                    "%s.%s.%s" % (hs_head, part(admin), b64e(mac))))
    return out


def limited_token(token):
    """The limited user token a Backstage token carries (header, payload, uip)."""
    header, claims, _ = parts(token)
    return "%s.%s.%s" % (
        part({"typ": "vnd.backstage.limited-user", "alg": "ES256", "kid": header["kid"]}),
        part({"sub": claims["sub"], "iat": claims["iat"], "exp": claims["exp"]}), claims["uip"])


@test
def auth_forged_tokens_refused():
    token = guest_token()
    check(user_status(token) == 200, "the genuine token is refused")
    for name, bad in forged_tokens(token):
        r = get("/api/shtest/user", bad)
        check(r.status == 401, "%s: status %d %r" % (name, r.status, r.body[:200]))
        check_json(r, error_body(401, "AuthenticationError", "Invalid token",
                                 url="/user"))
    # A genuine limited token where limited access is not allowed: Backstage's
    # own message (spec §1.7).
    for path in ("/api/shtest/user", "/api/shtest/any"):
        r = get(path, limited_token(token))
        check(r.status == 401, "limited token on %s: %r" % (path, r))
        check_json(r, error_body(401, "AuthenticationError", "Illegal limited user token",
                                 url=path[len("/api/shtest"):]))


@test
def auth_userinfo_takes_limited_tokens_not_services():
    token = guest_token()
    want = {"claims": {"sub": GUEST, "ent": [GUEST]}}
    limited = limited_token(token)
    r = get("/api/auth/v1/userinfo", limited)
    check(r.status == 200, "userinfo with the limited token: %r" % r)
    check_json(r, want)
    r = request("GET", "/api/auth/v1/userinfo", headers={"Cookie": "backstage-auth=" + limited})
    check(r.status == 200, "userinfo with the backstage-auth cookie: %r" % r)
    check_json(r, want)
    r = get("/api/auth/v1/userinfo", "test-service:robot")
    check(r.status == 403, "userinfo for a service: %r" % r)
    check_json(r, error_body(403, "NotAllowedError",
                             "This endpoint does not allow 'service' credentials",
                             url="/v1/userinfo"))


@test
def auth_guest_provider_routes():
    r = request("GET", "/api/auth/guest/start")
    check(r.status == 501, "guest start: %r" % r)
    check_json(r, error_body(501, "NotImplementedError", url="/guest/start"))
    r = request("POST", "/api/auth/guest/logout")
    check(r.status == 200 and r.body == b"", "guest logout: %r" % r)
    r = request("GET", "/api/auth/nope/refresh")
    check(r.status == 404, "unknown provider: %r" % r)
    check_json(r, error_body(404, "NotFoundError", "Unknown auth provider 'nope'",
                             url="/nope/refresh"))
    r = get("/api/auth/v1/userinfo")
    check(r.status == 401, "userinfo without a token: %r" % r)


@test
def auth_keys_of_an_earlier_process_still_verify():
    old = guest_token()
    old_kid = parts(old)[0]["kid"]
    restart_main()
    kids = [k["kid"] for k in jwks()]
    check(old_kid in kids and len(kids) >= 2, "JWKS after a restart: %r" % kids)
    new = guest_token()
    check(parts(new)[0]["kid"] != old_kid, "the new process signs with the old key")
    for t in (old, new):
        r = get("/api/shtest/user", t)
        check(r.status == 200, "token of kid %s: %r" % (parts(t)[0]["kid"], r))


def key_rows(where):
    return int(psql("SELECT count(*) FROM auth.signing_keys WHERE " + where).strip())


@test
def auth_keys_rotate_and_expired_ones_are_pruned():
    """Spec §1.6: a key is replaced once it is old (here [auth] key_lifetime
    = 2 s instead of token_ttl), tokens of the replaced key still verify,
    every row expires 3 x token_ttl after it was made, and rows past that
    leave the JWKS at once and the table at the next keys task or start-up."""
    try:
        with dropin("60-itest-keys.ini", "[auth]\nkey_lifetime = 2\n"):
            restart_main()
            first = guest_token()
            kid1 = parts(first)[0]["kid"]
            second = wait_for(lambda: (lambda t: t if parts(t)[0]["kid"] != kid1 else None)(
                guest_token()), 10, interval=0.5)
            check(second, "the signing key was not rotated after its lifetime")
            kid2 = parts(second)[0]["kid"]
            for t in (first, second):
                check(user_status(t) == 200, "token of kid %s refused" % parts(t)[0]["kid"])
            kids = [k["kid"] for k in jwks()]
            check(kid1 in kids and kid2 in kids, "JWKS after rotation: %r" % kids)
            check(psql("SELECT expires_at - created_at FROM auth.signing_keys WHERE kid = '%s'"
                       % kid2).strip() == "03:00:00", "key row does not expire after 3 x ttl")
            psql("INSERT INTO auth.signing_keys (kid, key, expires_at) VALUES "
                 "('itest-prune', '%s', now() + interval '1 second')"
                 % json.dumps(dict(jwks()[0], kid="itest-prune")))
            check(wait_for(lambda: "itest-prune" not in [k["kid"] for k in jwks()], 5),
                  "an expired key is still published")
            check(wait_for(lambda: key_rows("kid = 'itest-prune'") == 0, 6),
                  "the keys task did not prune an expired row")
    finally:
        psql("INSERT INTO auth.signing_keys (kid, key, created_at, expires_at) VALUES "
             "('itest-prune-start', '%s', now() - interval '4 hours', now() - interval '1 hour')"
             % json.dumps(dict(jwks()[0], kid="itest-prune-start")))
        restart_main()
    check(key_rows("kid = 'itest-prune-start'") == 0, "start-up did not prune an expired row")
    check(key_rows("expires_at <= now()") == 0, "expired rows left after start-up")


def effective_config(env):
    """stagehandd --check-config under extra environment: {section: {key: value}}."""
    p = subprocess.run([itest.STAGEHANDD, "--config", itest.CONF, "--check-config"],
                       env=dict(os.environ, **env), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    out = p.stdout.decode()
    check(p.returncode == 0, "--check-config: %s" % p.stderr.decode()[-500:])
    for secret in (v for k, v in env.items() if k.endswith("SECRET")):
        check(secret not in out + p.stderr.decode(), "a client secret is printed")
    conf, section = {}, None
    for line in out.splitlines():
        if line.startswith("[") and line.endswith("]"):
            section = conf.setdefault(line[1:-1], {})
        elif section is not None and " = " in line and not line.startswith(";"):
            k, _, v = line.partition(" = ")
            section[k] = v
    return conf


@test
def auth_env_overrides_sign_in_and_service_clients():
    """OpenChoreo's Helm environment (spec §6.3) configures the openchoreo-auth
    provider ([auth]) and the service-token client ([identity]); without
    OPENCHOREO_SERVICE_CLIENT_* the sign-in client is what sh_service_token
    uses (test_identity covers that fallback against the IdP)."""
    signin = {
        "OPENCHOREO_AUTH_CLIENT_ID": "env-signin",
        "OPENCHOREO_AUTH_CLIENT_SECRET": "env-signin-s3cret",
        "OPENCHOREO_AUTH_METADATA_URL": "https://idp.example/.well-known/openid-configuration",
        "OPENCHOREO_AUTH_AUTHORIZATION_URL": "https://idp.example/authorize",
        "OPENCHOREO_AUTH_TOKEN_URL": "https://idp.example/token",
        "OPENCHOREO_AUTH_OIDC_SCOPE": "openid email groups",
        "OPENCHOREO_AUTH_SCOPE": "openchoreo-api",
    }
    c = effective_config(signin)
    check(c["auth"].get("openchoreo_client_id") == "env-signin" and
          c["auth"].get("openchoreo_client_secret") == "<redacted>" and
          c["auth"].get("openchoreo_metadata_url") == signin["OPENCHOREO_AUTH_METADATA_URL"] and
          c["auth"].get("openchoreo_authorization_url") == "https://idp.example/authorize" and
          c["auth"].get("openchoreo_token_url") == "https://idp.example/token" and
          c["auth"].get("openchoreo_scope") == "openid email groups", "[auth] %r" % c["auth"])
    check(c["identity"].get("client_id") == "env-signin" and
          c["identity"].get("client_secret") == "<redacted>" and
          "service_client_id" not in c["identity"] and
          c["identity"].get("token_url") == "https://idp.example/token" and
          c["identity"].get("metadata_url") == signin["OPENCHOREO_AUTH_METADATA_URL"] and
          c["identity"].get("scope") == "openchoreo-api", "[identity] %r" % c["identity"])
    c = effective_config(dict(signin, OPENCHOREO_SERVICE_CLIENT_ID="env-service",
                              OPENCHOREO_SERVICE_CLIENT_SECRET="env-service-s3cret"))
    check(c["identity"].get("service_client_id") == "env-service" and
          c["identity"].get("service_client_secret") == "<redacted>" and
          c["identity"].get("client_id") == "env-signin", "[identity] %r" % c["identity"])


@test
def auth_guest_only_when_auth_off_or_dangerously_allowed():
    try:
        with dropin("60-itest-noguest.ini", "[auth]\ndangerously_allow_guest = false\n"):
            restart_main()
            r = request("POST", "/api/auth/guest/refresh")
            check(r.status == 403, "guest refresh with auth on: %r" % r)
            check_json(r, error_body(403, "NotAllowedError", method="POST",
                                     url="/guest/refresh"))
        with dropin("60-itest-noguest.ini", "[auth]\ndangerously_allow_guest = false\n"
                    "[features]\nauth = false\n"):
            restart_main()
            r = request("POST", "/api/auth/guest/refresh")
            check(r.status == 200, "guest refresh with auth off: %r" % r)
    finally:
        restart_main()
    check(request("POST", "/api/auth/guest/refresh").status == 200, "guest not back")
