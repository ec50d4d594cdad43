"""The web portal through nginx (issue 15 item 1; docs/ui.md): pool main
renders the fixture build's index.html (tests/data/ui, copied by `run`
into $SH_UI_DIST with its bundle gzipped beside it) with the runtime config
at start-up; nginx serves it for / and every path that is no file of the
build, the hashed assets immutable and precompressed, Backstage's security
headers on the portal's responses and not on the API's.

Isolation: the one test that changes the config does it in the drop-in
60-itest-ui.ini (pool main restarted with it, then without it)."""

import gzip
import json
import os
import re

import itest
from itest import check, get, main_with, stagehandd, test

FIXTURE = os.path.join(itest.REPO, "tests", "data", "ui")
DIST = os.environ.get("SH_UI_DIST", "")
BUNDLE = "/static/main.8b2e4d10.js"
BASE = "https://127.0.0.1:%d" % itest.HTTPS_PORT
CSP = ("default-src 'self'; base-uri 'self'; font-src 'self' https: data:; "
       "frame-ancestors 'self'; img-src 'self' data:; object-src 'none'; "
       "script-src 'self' 'unsafe-eval'; script-src-attr 'none'; "
       "style-src 'self' https: 'unsafe-inline'; upgrade-insecure-requests; "
       "connect-src 'self' http: https:")
PORTAL_HEADERS = {
    "content-security-policy": CSP,
    "x-frame-options": "SAMEORIGIN",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-dns-prefetch-control": "off",
    "x-download-options": "noopen",
    "x-permitted-cross-domain-policies": "none",
    "x-xss-protection": "0",
    "strict-transport-security": "max-age=31536000",
}
# What helmet would send and Backstage turns off.
NEVER = ("cross-origin-embedder-policy", "cross-origin-opener-policy",
         "cross-origin-resource-policy", "origin-agent-cluster")
SCRIPT = re.compile(r'<script type="backstage.io/config">(.*?)</script>', re.S | re.I)


def effective_config():
    """The stack's effective ini as --check-config prints it: {section: {key: value}}."""
    rc, out, err = stagehandd("--check-config", "--pool", "main")
    check(rc == 0, "--check-config: %s" % err)
    conf, section = {}, None
    for line in out.splitlines():
        m = re.match(r"^\[(.+)\]$", line.strip())
        if m:
            section = conf.setdefault(m.group(1), {})
        elif section is not None and "=" in line and not line.lstrip().startswith(";"):
            key, value = line.split("=", 1)
            section[key.strip()] = value.strip().strip('"')
    return conf


def flag(conf, name):
    return conf.get("features", {}).get(name, "false") in ("true", "yes", "on", "1")


def providers_of(conf):
    """stagehand.signIn.providers as the auth plugin makes them from `conf`."""
    auth = conf.get("auth", {})
    out = []
    if not flag(conf, "auth") or auth.get("dangerously_allow_guest") in ("true", "yes", "on", "1"):
        out.append("guest")
    if flag(conf, "auth") and auth.get("openchoreo_client_id"):
        out.append("openchoreo-auth")
    for key, name in (("oidc_client_id", "oidc"), ("github_client_id", "github")):
        if auth.get(key):
            out.append(name)
    return out


def page(path="/", **kw):
    r = get(path, **kw)
    check(r.status == 200, "%s: %r" % (path, r))
    check((r.header("Content-Type") or "").startswith("text/html"),
          "%s: Content-Type %r" % (path, r.header("Content-Type")))
    return r


def config_of(resp):
    """The one config script's data; the build's own script must be gone."""
    text = resp.body.decode("utf-8")
    scripts = SCRIPT.findall(text)
    check(len(scripts) == 1, "want one config script, got %d: %s" % (len(scripts), text[:600]))
    check("from the build" not in text, "the build's config script is still there")
    head = text.index("</head>")
    check(text.index(scripts[0]) < head, "the config script is not in <head>")
    check("<" not in scripts[0], "an unescaped '<' in the config script")
    doc = json.loads(scripts[0])
    check(isinstance(doc, list) and len(doc) == 1 and doc[0].get("context") == "stagehand",
          "config script: %r" % doc)
    return doc[0]["data"]


def check_headers(resp, where):
    for name, want in PORTAL_HEADERS.items():
        check(resp.header(name) == want, "%s: %s is %r, want %r" % (where, name,
                                                                   resp.header(name), want))
    for name in NEVER:
        check(resp.header(name) is None, "%s: %s is set" % (where, name))
    check(resp.header("Server") == "nginx", "%s: Server %r" % (where, resp.header("Server")))


@test
def ui_index_has_the_runtime_config():
    conf = effective_config()
    r = page("/")
    check(r.header("Cache-Control") == "no-cache", "/: Cache-Control %r"
          % r.header("Cache-Control"))
    check('<div id="root"></div>' in r.body.decode(), "the build's body is not there")
    data = config_of(r)
    check(data["app"] == {"baseUrl": BASE, "title": "Stagehand"}, "app: %r" % data["app"])
    check(data["backend"] == {"baseUrl": BASE}, "backend: %r" % data["backend"])
    check(data["enableExperimentalRedirectFlow"] == flag(conf, "auth_redirect_flow"),
          "enableExperimentalRedirectFlow: %r" % data["enableExperimentalRedirectFlow"])
    features = data["openchoreo"]["features"]
    for name, key in (("auth", "auth"), ("authz", "authz"), ("workflows", "workflows"),
                      ("observability", "observability"), ("assistant", "assistant"),
                      ("secret_management", "secretManagement")):
        check(features[key] == {"enabled": flag(conf, name)},
              "openchoreo.features.%s: %r" % (key, features.get(key)))
    want = providers_of(conf)
    check("guest" in want, "the itest stack lets the guest in: %r" % conf.get("auth"))
    check(data["stagehand"]["signIn"]["providers"] == want,
          "providers %r, want %r" % (data["stagehand"]["signIn"]["providers"], want))
    check(data["auth"] == {"environment": conf.get("auth", {}).get("environment",
                                                                   "development")},
          "auth: %r" % data["auth"])
    check("integrations" not in data, "integrations.github without the plugin")


@test
def ui_spa_paths_get_the_rendered_index():
    root = page("/")
    for path in ("/index.html", "/catalog/default/component/x", "/docs/a/b?x=1",
                 "/settings/"):
        r = page(path)
        check(r.body == root.body, "%s: not the rendered index" % path)
        check(r.header("Cache-Control") == "no-cache", "%s: Cache-Control %r"
              % (path, r.header("Cache-Control")))
    # a file of the build is itself, and not marked immutable
    r = get("/manifest.json")
    with open(os.path.join(FIXTURE, "manifest.json"), "rb") as f:
        check(r.status == 200 and r.body == f.read(), "/manifest.json: %r" % r)
    check(r.header("Cache-Control") is None, "/manifest.json: Cache-Control %r"
          % r.header("Cache-Control"))


@test
def ui_static_assets_are_immutable_and_precompressed():
    with open(os.path.join(FIXTURE, BUNDLE.lstrip("/")), "rb") as f:
        plain = f.read()
    check(DIST != "", "SH_UI_DIST is not set (tests/integration/run sets it)")
    with open(os.path.join(DIST, BUNDLE.lstrip("/") + ".gz"), "rb") as f:
        packed = f.read()
    r = get(BUNDLE)
    check(r.status == 200 and r.body == plain, "%s: %r" % (BUNDLE, r))
    check(r.header("Cache-Control") == "public, max-age=31536000, immutable",
          "Cache-Control %r" % r.header("Cache-Control"))
    check("javascript" in (r.header("Content-Type") or ""), "Content-Type %r"
          % r.header("Content-Type"))
    check(r.header("Content-Encoding") is None, "encoded without Accept-Encoding")
    r = get(BUNDLE, headers={"Accept-Encoding": "gzip"})
    check(r.status == 200 and r.header("Content-Encoding") == "gzip",
          "gzip: %r %r" % (r, r.header("Content-Encoding")))
    # the .gz beside the file, byte for byte (the bundle is under gzip_min_length)
    check(r.body == packed and gzip.decompress(r.body) == plain, "not the precompressed file")
    check(r.header("Cache-Control") == "public, max-age=31536000, immutable",
          "gzip: Cache-Control %r" % r.header("Cache-Control"))
    check_headers(r, BUNDLE)
    r = get("/static/main.00000000.js")
    check(r.status == 404 and b"backstage.io/config" not in r.body,
          "a missing asset: %r" % r)
    check(r.header("Cache-Control") is None, "a 404 marked cacheable")


@test
def ui_security_headers_on_the_portal_only():
    # by the path nginx routes (normalised): this is the portal's page
    for path in ("/", "/catalog/x", "/index.html", "/api/../catalog/x"):
        check_headers(page(path), path)
    r = get("/api/nope")
    check(r.status == 404, "/api/nope: %r" % r)
    check((r.header("Content-Type") or "").startswith("application/json"),
          "/api/nope: Content-Type %r" % r.header("Content-Type"))
    check(r.json()["error"]["name"] == "NotFoundError", "/api/nope: %r" % r)
    for path in ("/api/nope", "/api/shtest/public", "/healthcheck",
                 "/.backstage/health/v1/liveness"):
        r = get(path)
        check(r.status in (200, 404) and b"backstage.io/config" not in r.body,
              "%s: %r" % (path, r))
        for name in PORTAL_HEADERS:
            if name not in ("x-content-type-options", "strict-transport-security"):
                check(r.header(name) is None, "%s: %s is set on the API" % (path, name))
        check(r.header("Cache-Control") != "no-cache", "%s: Cache-Control no-cache" % path)
        check(r.header("Server") == "nginx", "%s: Server %r" % (path, r.header("Server")))


@test
def ui_config_follows_the_ini_and_plugins():
    """Providers, environment, title, flags and integrations.github after a
    restart with a drop-in; back as they were after one without it."""
    so = os.path.join(itest.PREFIX, "lib", "stagehand", "plugins", "github-actions.so")
    check(os.path.exists(so), "the github-actions plugin is not installed (%s)" % so)
    before = config_of(page("/"))
    ini = ("[pool.main]\nplugins = shtest auth catalog github-actions\n\n"
           "[features]\ngithub_actions = true\nassistant = true\nworkflows = false\n"
           "auth_redirect_flow = false\n\n"
           "[github-actions]\nhost = ghe.example.com\n"
           "api_base_url = https://ghe.example.com/api/v3\n\n"
           "[auth]\nenvironment = production\nopenchoreo_client_id = portal\n"
           "openchoreo_token_url = https://idp.example.com/token\n"
           "github_client_id = gh-client\n\n"
           "[ui]\ntitle = Itest </script> Portal\n")
    with main_with("60-itest-ui.ini", ini):
        r = page("/catalog/x")
        data = config_of(r)
        check(data["app"]["title"] == "Itest </script> Portal", "title %r" % data["app"])
        check(data["stagehand"]["signIn"]["providers"] == ["guest", "openchoreo-auth", "github"],
              "providers %r" % data["stagehand"]["signIn"]["providers"])
        check(data["auth"] == {"environment": "production"}, "auth %r" % data["auth"])
        check(data["enableExperimentalRedirectFlow"] is False, "redirect flow still on")
        features = data["openchoreo"]["features"]
        check(features["assistant"] == {"enabled": True} and
              features["workflows"] == {"enabled": False}, "features %r" % features)
        check(data["integrations"] == {"github": [{
            "host": "ghe.example.com", "apiBaseUrl": BASE + "/api/github-actions"}]},
            "integrations %r" % data.get("integrations"))
    after = config_of(page("/"))
    check(after == before, "not back after the drop-in went: %r" % after)
