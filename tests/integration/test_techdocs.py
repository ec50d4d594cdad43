"""Integration tests of the techdocs plugin (issue 17; spec platform-apis
§2) through nginx.  Each test turns the plugin on in pool main with a
drop-in and takes it off again.  The fixture catalog's checkout-service
(`backstage.io/techdocs-ref: dir:.`) resolves to tests/data/catalog/, which
holds the fixture's docs source (mkdocs.yml, docs/); the external builder
serves a copy of the fixture's published site
(tests/data/upstream/techdocs/published).  Asserted: every route's shape
and errors, content types, the lower-case 301, cookie-only access for
images, 401 without a credential, every traversal form -> 404 (and no
byte of the secret beside the site), the /sync frames of a fresh build, a
cached one, a failed one (the last good site kept), and concurrent /sync
of one entity building once."""

import json
import os
import shutil
import threading
import time

import itest
from itest import check, check_json, error_body, get, psql, request, test, wait_for

FIXTURES = os.path.join(itest.REPO, "tests", "data", "upstream", "techdocs")
PUBLISHED = os.path.join(FIXTURES, "published")
CATALOG_DIR = os.path.join(itest.REPO, "tests", "data", "catalog")
DROPIN = "60-itest-techdocs.ini"
TOKEN = "test-user:jane"
API = "/api/techdocs"
SITE = "default/component/checkout-service"
# The publisher's root must be what nginx's internal /_files/ location
# serves: the stack's files directory.
FILES = os.environ.get("SH_FILES") or os.path.join(itest.VAR, "files")
PUBLISH = os.path.join(FILES, "techdocs")
ROOT = os.path.join(itest.VAR, "itest-techdocs")
PROVIDER, LOCATION = "itest-techdocs", "provider:itest-techdocs"
TEXT = "text/plain; charset=utf-8"
REMINDER = "The docs building process is taking a little bit longer"


# ---------------------------------------------------------------- helpers

def ini(**keys):
    conf = {"builder": "local", "publish_dir": PUBLISH, "recheck": 3}
    conf.update(keys)
    return ("[pool.main]\nplugins = shtest auth catalog techdocs\n\n[features]\ntechdocs = true\n"
            "\n[techdocs]\n" + "".join("%s = %s\n" % kv for kv in conf.items()))


def fresh_root():
    for d in (ROOT, PUBLISH):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        os.chmod(d, 0o755)


def call(path, token=TOKEN, headers=None, timeout=20):
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    return request("GET", API + path, headers=h, timeout=timeout)


def fixture_bytes(rel):
    with open(os.path.join(PUBLISHED, SITE, rel), "rb") as f:
        return f.read()


def frames(r):
    """The event stream's frames as (event, data as JSON)."""
    check(r.status == 200, "sync: %r" % r)
    check(r.header("Content-Type", ) and r.header("Content-Type").startswith("text/event-stream"),
          "sync content type: %r" % r.headers)
    out = []
    for block in r.body.decode("utf-8").split("\n\n"):
        event, data = None, []
        for line in block.split("\n"):
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data.append(line[6:])
        if event:
            out.append((event, json.loads("\n".join(data))))
    return out


def sync(name="checkout-service", token=TOKEN):
    return frames(call("/sync/default/component/" + name, token=token, timeout=60))


def check_finish(fr, updated, logs):
    check(fr and fr[-1] == ("finish", {"updated": updated}), "last frame: %r" % fr[-3:])
    n = sum(1 for e, _ in fr if e == "log")
    check(n > 0 if logs else n == 0, "log frames: %r" % fr)
    check(all(e == "log" and isinstance(d, str) for e, d in fr[:-1]), "frames: %r" % fr)


def provide(entities):
    psql("SELECT * FROM catalog.provider_full_v1('%s', '%s', ARRAY[%s]::text[])"
         % (PROVIDER, LOCATION, ",".join("'%s'" % json.dumps(e) for e in entities)))


def component(name, source_dir):
    return {"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
            "metadata": {"name": name, "annotations": {
                "backstage.io/techdocs-ref": "dir:.",
                "backstage.io/managed-by-location": "file:%s/catalog-info.yaml" % source_dir}},
            "spec": {"type": "service", "lifecycle": "production", "owner": "payments-team"}}


def visible(name):
    out = psql("SELECT catalog.entity_by_ref_v1('component:default/%s') IS NOT NULL" % name)
    return out.strip() in ("t", "true")


def provided(*names_dirs):
    provide([component(n, d) for n, d in names_dirs])
    check(wait_for(lambda: all(visible(n) for n, _ in names_dirs), 30),
          "the provided entities never showed")


def write_source(d, pages=1, yml=None):
    os.makedirs(os.path.join(d, "docs"), exist_ok=True)
    with open(os.path.join(d, "mkdocs.yml"), "w") as f:
        f.write(yml if yml is not None else
                "site_name: Itest %s\nnav:\n  - Home: index.md\n" % os.path.basename(d))
    for i in range(pages):
        name = "index.md" if i == 0 else "page-%04d.md" % i
        with open(os.path.join(d, "docs", name), "w") as f:
            f.write("# Page %d\n\n%s\n\n| a | b |\n|---|---|\n| %d | x |\n"
                    % (i, "Some *text* with `code` and a [link](index.md). " * 40, i))


def guest_token():
    r = request("POST", "/api/auth/guest/refresh")
    check(r.status == 200, "guest refresh: %r" % r)
    return r.json()["backstageIdentity"]["token"]


def not_found(r, what):
    check(r.status == 404, "%s: want 404, got %r" % (what, r))
    check(b"itest-secret" not in r.body and b"root:" not in r.body, "%s leaked: %r" % (what, r))


# ---------------------------------------------------------------- external builder

def external_routes():
    meta = call("/metadata/techdocs/" + SITE)
    check(meta.status == 200, "metadata: %r" % meta)
    with open(os.path.join(PUBLISHED, SITE, "techdocs_metadata.json")) as f:
        check(meta.json() == json.load(f), "metadata differs: %r" % meta.body[:300])
    r = call("/metadata/techdocs/default/component/nope")
    check_json(r, error_body(404, "NotFoundError",
                             "Unable to get metadata for 'component:default/nope'"))
    r = call("/metadata/techdocs/default/component/checkout-web")
    check_json(r, error_body(404, "NotFoundError",
                             "Unable to get metadata for 'component:default/checkout-web'"))
    r = call("/metadata/entity/default/Component/checkout-service")
    check(r.status == 200, "entity: %r" % r)
    ent = r.json()
    check(ent["metadata"]["name"] == "checkout-service" and ent["kind"] == "Component",
          "entity: %r" % r.body[:300])
    loc = ent.get("locationMetadata", {})
    check(loc.get("type") == "dir" and
          os.path.realpath(loc.get("target", "")) == os.path.realpath(CATALOG_DIR),
          "locationMetadata: %r" % loc)
    check_json(call("/metadata/entity/default/component/nope"),
               error_body(404, "NotFoundError",
                          "Unable to get metadata for 'component:default/nope'"))
    check(call("/metadata/techdocs/" + SITE, token=None).status == 401, "metadata without token")
    # builder external: /sync answers "cached" at once; no entity: 404 JSON.
    check_finish(sync(), False, logs=False)
    r = call("/sync/default/component/nope")
    check_json(r, error_body(404, "NotFoundError", "Entity metadata UID missing"))


def static_files():
    types = {"index.html": TEXT, "runbooks/on-call/index.html": TEXT, "404.html": TEXT,
             "sitemap.xml": TEXT, "sitemap.xml.gz": "application/gzip",
             "images/checkout-flow.png": "image/png", "techdocs_metadata.json": "application/json",
             "search/search_index.json": "application/json",
             "assets/stylesheets/main.2d9f7617.min.css": "text/css",
             "assets/javascripts/bundle.467223ff.min.js": "application/javascript"}
    for rel, ctype in types.items():
        r = call("/static/docs/%s/%s" % (SITE, rel))
        check(r.status == 200, "%s: %r" % (rel, r))
        got = r.header("Content-Type") or ""
        check(got.split(";")[0] == ctype.split(";")[0] and (ctype != TEXT or got == TEXT),
              "%s: Content-Type %r, want %r" % (rel, got, ctype))
        check(r.body == fixture_bytes(rel), "%s: body differs" % rel)
        check(r.header("X-Accel-Redirect") is None, "internal header leaked: %r" % r.headers)
    # A service may read too; nobody without a credential.
    check(call("/static/docs/%s/index.html" % SITE, token="test-service:ci").status == 200,
          "service token")
    r = call("/static/docs/%s/images/checkout-flow.png" % SITE, token=None)
    check(r.status == 401, "no credential: %r" % r)
    not_found(call("/static/docs/%s/missing.html" % SITE), "missing file")
    not_found(call("/static/docs/default/component/nope/index.html"), "unknown entity")
    not_found(call("/static/docs/default/component/checkout-web/index.html"), "unpublished")
    # Upper case anywhere in the triplet: 301 to the lower-cased path.
    r = call("/static/docs/Default/Component/Checkout-Service/runbooks/on-call/index.html")
    check(r.status == 301 and r.header("Location") ==
          API + "/static/docs/%s/runbooks/on-call/index.html" % SITE, "301: %r %r"
          % (r, r.header("Location")))
    # The internal location is not reachable from outside.
    r = request("GET", "/_files/techdocs/%s/index.html" % SITE)
    check(r.status == 404, "/_files from outside: %r" % r)


def cookie_access():
    token = guest_token()
    r = call("/.backstage/auth/v1/cookie", token=token)
    check(r.status == 200, "cookie: %r" % r)
    cookie = [v for k, v in r.headers if k.lower() == "set-cookie"]
    check(len(cookie) == 1 and cookie[0].startswith("backstage-auth="), "Set-Cookie: %r" % cookie)
    jar = {"Cookie": cookie[0].split(";")[0]}
    r = call("/static/docs/%s/images/checkout-flow.png" % SITE, token=None, headers=jar)
    check(r.status == 200 and r.header("Content-Type") == "image/png" and
          r.body == fixture_bytes("images/checkout-flow.png"), "image with the cookie: %r" % r)
    r = call("/static/docs/%s/index.html" % SITE, token=None, headers=jar)
    check(r.status == 200 and r.body == fixture_bytes("index.html"), "page with cookie: %r" % r)
    # Only /static takes the cookie.
    r = call("/metadata/techdocs/" + SITE, token=None, headers=jar)
    check(r.status == 401, "metadata with only the cookie: %r" % r)
    r = request("DELETE", API + "/.backstage/auth/v1/cookie",
                headers={"Authorization": "Bearer " + token})
    check(r.status in (200, 204), "delete cookie: %r" % r)


def traversal():
    site = os.path.join(PUBLISH, SITE)
    with open(os.path.join(PUBLISH, "default", "component", "secret.txt"), "w") as f:
        f.write("itest-secret\n")
    with open(os.path.join(ROOT, "secret.txt"), "w") as f:
        f.write("itest-secret\n")
    os.symlink(os.path.join(ROOT, "secret.txt"), os.path.join(site, "leak.txt"))
    os.symlink("/etc", os.path.join(site, "etc"))
    os.symlink("../../../secret.txt", os.path.join(site, "rel-leak.txt"))
    base = "/static/docs/%s/" % SITE
    forms = ["../secret.txt", "../../../../etc/passwd", "./../secret.txt",
             "%2e%2e/secret.txt", "%2E%2E/%2e%2e/component/secret.txt", ".%2e/secret.txt",
             "..%2fsecret.txt", "..%2F..%2F..%2F..%2Fetc%2Fpasswd", "images/..%2f..%2fsecret.txt",
             "%252e%252e/secret.txt", "%252e%252e%252fsecret.txt", "images%2f%252e%252e%2f..%2fsecret.txt",
             "..\\secret.txt", "..%5csecret.txt", "images\\..\\..\\secret.txt", "..%255csecret.txt",
             "leak.txt", "rel-leak.txt", "etc/passwd", "etc/hostname"]
    for form in forms:
        not_found(call(base + form), form)
    # nginx answers the dot-segment forms itself, in the same shape.
    r = call(base + "../secret.txt")
    check_json(r, error_body(404, "NotFoundError", "File not found"))
    # The site itself still serves.
    check(call(base + "index.html").status == 200, "the site after traversal attempts")


def cache_follows_catalog():
    """/static's answers are cached, but an entity gone from the catalog is
    not served a moment longer (catalog_changed empties the cache)."""
    shutil.copytree(os.path.join(PUBLISHED, SITE),
                    os.path.join(PUBLISH, "default", "component", "itest-td-cached"))
    provided(("itest-td-cached", ROOT))
    page = "/static/docs/default/component/itest-td-cached/index.html"
    for _ in range(3):
        r = call(page)
        check(r.status == 200 and r.body == fixture_bytes("index.html"), "cached page: %r" % r)
    provide([])
    check(wait_for(lambda: not visible("itest-td-cached"), 30), "the entity never went")
    r = itest.wait_for(lambda: (lambda x: x if x.status == 404 else None)(call(page)), 10)
    check(r is not None, "a page of a removed entity is still served: %r" % call(page))


@test
def test_techdocs_external():
    """builder external: the fixture's published site, as CI left it."""
    fresh_root()
    shutil.copytree(os.path.join(PUBLISHED, "default"), os.path.join(PUBLISH, "default"))
    try:
        with itest.main_with(DROPIN, ini(builder="external")):
            external_routes()
            static_files()
            cookie_access()
            traversal()
            cache_follows_catalog()
    finally:
        provide([])


# ---------------------------------------------------------------- local builder

def local_build():
    check(call("/metadata/techdocs/" + SITE).status == 404, "metadata before any build")
    fr = sync()
    check_finish(fr, True, logs=True)
    meta = call("/metadata/techdocs/" + SITE)
    check(meta.status == 200, "metadata after the build: %r" % meta)
    m = meta.json()
    check(m.get("site_name") == "Checkout Service" and isinstance(m.get("build_timestamp"), int)
          and "index.html" in m.get("files", []), "metadata: %r" % m)
    for rel in ("index.html", "runbooks/on-call/index.html"):
        r = call("/static/docs/%s/%s" % (SITE, rel))
        check(r.status == 200 and r.header("Content-Type") == TEXT and b"md-content" in r.body,
              "%s: %r" % (rel, r))
    r = call("/static/docs/%s/images/checkout-flow.png" % SITE)
    check(r.status == 200 and r.body == fixture_bytes("images/checkout-flow.png"), "image: %r" % r)
    r = call("/static/docs/%s/search/search_index.json" % SITE)
    check(r.status == 200 and "docs" in r.json(), "search index: %r" % r)
    # Within the recheck window: cached, no build, no log.
    check_finish(sync(), False, logs=False)
    check(call("/metadata/techdocs/" + SITE).json()["build_timestamp"] == m["build_timestamp"],
          "a cached sync rebuilt")


def failed_build():
    src = os.path.join(ROOT, "src-broken")
    write_source(src)
    provided(("itest-td-broken", src))
    check_finish(sync("itest-td-broken"), True, logs=True)
    page = call("/static/docs/default/component/itest-td-broken/index.html")
    check(page.status == 200, "first build: %r" % page)
    before = call("/metadata/techdocs/default/component/itest-td-broken").json()
    with open(os.path.join(src, "mkdocs.yml"), "w") as f:
        f.write("site_name: [unclosed\nnav: {\n")
    time.sleep(3.2)     # past the recheck window
    fr = sync("itest-td-broken")
    check(fr and fr[-1][0] == "error" and isinstance(fr[-1][1], str) and fr[-1][1],
          "a failed build ends with error: %r" % fr)
    check(any("Failed to build" in d for e, d in fr if e == "log"), "reason logged: %r" % fr)
    # The last good site stays.
    again = call("/static/docs/default/component/itest-td-broken/index.html")
    check(again.status == 200 and again.body == page.body, "the last good site: %r" % again)
    after = call("/metadata/techdocs/default/component/itest-td-broken").json()
    check(after == before, "metadata changed by a failed build")
    # A failure is not remembered as checked: the next sync tries again.
    fr = sync("itest-td-broken")
    check(fr[-1][0] == "error", "second sync after a failure: %r" % fr)


def concurrent_sync(offset):
    src = os.path.join(ROOT, "src-many")
    write_source(src, pages=1500, yml="site_name: Many\n")
    provided(("itest-td-many", src))
    results, took = [None] * 3, [0.0] * 3

    def one(i):
        t0 = time.monotonic()
        results[i] = sync("itest-td-many")
        took[i] = time.monotonic() - t0
    threads = [threading.Thread(target=one, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    for fr in results:
        check(fr is not None, "a concurrent sync never ended")
        check_finish(fr, True, logs=True)
    log = itest.log_since(offset)
    n = log.count("techdocs: building component:default/itest-td-many")
    check(n == 1, "concurrent syncs built %d times" % n)
    # Every stream that waited 10 s or more got the reminder line.
    for fr, t in zip(results, took):
        reminded = any(e == "log" and d.startswith(REMINDER) for e, d in fr)
        check(reminded or t < 10, "no reminder in a %.1f s build: %r" % (t, fr[-5:]))
        check(not reminded or t >= 10, "a reminder before 10 s (%.1f s)" % t)


@test
def test_techdocs_local():
    """builder local: /sync builds the fixture source and publishes it."""
    fresh_root()
    try:
        with itest.main_with(DROPIN, ini()) as offset:
            local_build()
            failed_build()
            concurrent_sync(offset)
    finally:
        provide([])
