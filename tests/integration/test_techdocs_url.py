"""TechDocs url: sources end to end (issue 17; spec platform-apis §2.3): the
techdocs plugin in pool main, /sync of entities whose techdocs-ref names a
GitHub repository tree, fetched by plugins/techdocs/prepare_url.c through
the host's HTTP client from the stand-in (tests/stubs/standin.py) serving
tests/data/upstream/github-tree (GitHub's documented shapes, not
recordings: its README), then built and published.  Checks what GitHub was
asked (commit SHA, recursive tree, one raw blob per file, never a symlink;
the token), what was published (metadata with the commit SHA as etag,
pages served through nginx), a URL naming the repository alone (its
default branch), the dir: form against a url: source
location, an unchanged commit answering "not updated" after asking GitHub
for the commit alone, and the refusals:
a hostile tree entry (nothing written outside), an unknown ref, a host
not in url_allow (GitHub never asked).

Isolation: the plugin and its [techdocs] keys are on only inside the drop-in
60-itest-techdocs-url.ini; the entities come from a provider of this test
(catalog.provider_full_v1) and go with it; their published sites are
removed from the publish directory afterwards."""

import json
import os
import re
import shutil
import sys

import itest
from itest import check, get, main_with, psql, test, wait_for

sys.path.insert(0, os.path.join(itest.REPO, "tests", "stubs"))
from standin import StandIn  # noqa: E402

FIXTURES = os.path.join(itest.REPO, "tests", "data", "upstream", "github-tree")
SO = os.path.join(itest.PREFIX, "lib", "stagehand", "plugins", "techdocs.so")
DROPIN = "60-itest-techdocs-url.ini"
TOKEN = "test-user:jane"
GH_TOKEN = "ghp_itest_techdocs"
PROVIDER = "ItestTechdocsUrl"
KEY = "provider:" + PROVIDER
REPO = "/repos/oracle-org/checkout-service"
COMMIT = "e3b1c4d9a7f2086c5b1e9d3a4f60c2b78d9e1a05"
TREE_URL = "https://github.com/oracle-org/checkout-service/tree/main"
ESCAPE = "/tmp/techdocs-escape.md"

ENTITIES = {
    "td-url-docs": {"backstage.io/techdocs-ref": "url:" + TREE_URL},
    "td-url-repo": {"backstage.io/techdocs-ref": "url:https://github.com/oracle-org/checkout-service"},
    "td-url-dir": {"backstage.io/techdocs-ref": "dir:.",
                   "backstage.io/source-location": "url:" + TREE_URL + "/"},
    "td-url-hostile": {"backstage.io/techdocs-ref":
                       "url:https://github.com/oracle-org/hostile-docs/tree/main"},
    "td-url-noref": {"backstage.io/techdocs-ref":
                     "url:https://github.com/oracle-org/checkout-service/tree/nope"},
    "td-url-denied": {"backstage.io/techdocs-ref": "url:https://gitlab.example.com/o/r/tree/main"},
}


def ini(standin_url):
    return ("[pool.main]\nplugins = shtest auth catalog techdocs\n\n"
            "[features]\ntechdocs = true\n\n"
            "[techdocs]\nbuilder = local\nrecheck = 0\nurl_allow = github.com\n"
            "github_api_base_url = %s\ngithub_token = %s\n" % (standin_url, GH_TOKEN))


def provide(names):
    texts = []
    for name in names:
        texts.append(json.dumps({
            "apiVersion": "backstage.io/v1alpha1", "kind": "Component",
            "metadata": {"name": name, "annotations": ENTITIES[name]},
            "spec": {"type": "service", "lifecycle": "production", "owner": "group:default/team-a"}}))
    arr = "ARRAY[%s]::text[]" % ", ".join("$e$%s$e$" % t for t in texts)
    psql("SELECT added FROM catalog.provider_full_v1('%s', '%s', %s)" % (PROVIDER, KEY, arr))


def sync(name):
    """The /sync stream's frames: [(event, data)]."""
    r = get("/api/techdocs/sync/default/component/" + name, TOKEN, timeout=60)
    check(r.status == 200, "sync %s: %r" % (name, r))
    frames = []
    for block in r.body.decode().split("\n\n"):
        ev = re.search(r"^event: (.*)$", block, re.M)
        data = re.search(r"^data: (.*)$", block, re.M)
        if ev and data:
            frames.append((ev.group(1), json.loads(data.group(1))))
    check(frames and frames[-1][0] in ("finish", "error"), "sync %s ended without finish or error: %r"
          % (name, frames))
    return frames


def finished(name, updated):
    frames = sync(name)
    check(frames[-1] == ("finish", {"updated": updated}), "sync %s: %r, want finish updated=%s"
          % (name, frames[-1], updated))
    return frames


def failed(name, pattern):
    frames = sync(name)
    check(frames[-1][0] == "error" and re.search(pattern, frames[-1][1]),
          "sync %s: %r, want an error matching %r" % (name, frames[-1], pattern))


def asked(s):
    """["GET /path?query", ...] the stand-in received, and the records."""
    recs = [r for r in s.requests() if not r["path"].startswith("/__standin")]
    return ["%s %s%s" % (r["method"], r["path"], "?" + r["query"] if r["query"] else "")
            for r in recs], recs


def publish_dir():
    rc, out, err = itest.stagehandd("--check-config")
    m = re.search(r"^\[techdocs\][^\[]*?^publish_dir\s*=\s*(\S+)", out, re.M | re.S)
    return m.group(1) if m else "/var/lib/stagehand/files/techdocs"


def check_fetch(s):
    """What GitHub was asked for td-url-docs: commit, tree, one blob per file."""
    with open(os.path.join(FIXTURES, "tree.checkout-service.json")) as f:
        tree = json.load(f)["tree"]
    blobs = sorted("GET %s/git/blobs/%s" % (REPO, e["sha"]) for e in tree
                   if e["type"] == "blob" and e["mode"] != "120000")
    lines, recs = asked(s)
    check(lines[:2] == ["GET %s/commits/main" % REPO,
                        "GET %s/git/trees/%s?recursive=1" % (REPO, COMMIT)],
          "first asked %r" % lines[:2])
    check(sorted(lines[2:]) == blobs, "blobs asked %r, want %r" % (lines[2:], blobs))
    for r in recs:
        check(r["headers"].get("authorization") == "Bearer " + GH_TOKEN,
              "%s without the token: %r" % (r["path"], r["headers"].get("authorization")))
    check(recs[0]["headers"].get("accept") == "application/vnd.github.sha", "commit accept")
    check(all(r["headers"].get("accept") == "application/vnd.github.raw+json" for r in recs[2:]),
          "blob accept")


def check_published(name, root):
    r = get("/api/techdocs/metadata/techdocs/default/component/" + name, TOKEN)
    check(r.status == 200, "metadata of %s: %r" % (name, r))
    m = r.json()
    check(m.get("site_name") == "Checkout Service" and m.get("etag") == COMMIT,
          "metadata of %s: %r" % (name, m))
    for f in ("index.html", "runbooks/on-call/index.html", "images/checkout-flow.png"):
        check(f in m["files"], "%s not in the files of %s: %r" % (f, name, m["files"]))
        check(os.path.isfile(os.path.join(root, "default", "component", name, f)),
              "%s of %s not on disk" % (f, name))
    r = get("/api/techdocs/static/docs/default/component/%s/images/checkout-flow.png" % name, TOKEN)
    with open(os.path.join(FIXTURES, "repo", "docs", "images", "checkout-flow.png"), "rb") as f:
        check(r.status == 200 and r.body == f.read(), "image of %s through nginx: %r" % (name, r))


def sync_sources(s, root):
    s.reset()
    finished("td-url-docs", True)
    check_fetch(s)
    check_published("td-url-docs", root)
    s.reset()
    finished("td-url-docs", False)          # same commit: not modified, nothing fetched
    lines, _ = asked(s)
    check(lines == ["GET %s/commits/main" % REPO], "re-sync asked %r" % lines)

    s.reset()
    finished("td-url-repo", True)           # the repository alone: its default branch
    lines, _ = asked(s)
    check(lines[:2] == ["GET " + REPO, "GET %s/commits/main" % REPO], "repo URL asked %r" % lines[:2])
    check_published("td-url-repo", root)

    r = get("/api/techdocs/metadata/entity/default/component/td-url-dir", TOKEN)
    check(r.status == 200 and r.json().get("locationMetadata") ==
          {"type": "url", "target": TREE_URL + "/"}, "dir: against url: source: %r" % r)
    finished("td-url-dir", True)
    check_published("td-url-dir", root)


def sync_refusals(s, root):
    s.reset()
    failed("td-url-hostile", r"refused tree entry 'docs/\.\./\.\./")
    check(not os.path.exists(ESCAPE), "the hostile tree wrote %s" % ESCAPE)
    check(not os.path.exists(os.path.join(root, "default", "component", "td-url-hostile")),
          "a hostile tree was published")
    lines, _ = asked(s)
    check(not any("/git/blobs/" in l for l in lines), "blobs fetched for a hostile tree: %r" % lines)
    failed("td-url-noref", r"not found at oracle-org/checkout-service")
    s.reset()
    failed("td-url-denied", r"gitlab\.example\.com")
    check(asked(s)[0] == [], "GitHub asked for a host not allowed: %r" % asked(s)[0])


@test
def techdocs_url_sources():
    check(os.path.exists(SO), "the techdocs plugin is not installed (%s)" % SO)
    s = StandIn(fixtures=[FIXTURES], log=os.path.join(itest.LOG, "stub-standin-github-tree.log")).start()
    root = None
    try:
        provide(sorted(ENTITIES))
        check(wait_for(lambda: get("/api/catalog/entities/by-name/component/default/td-url-denied",
                                   TOKEN).status == 200, 10) is not None, "entities not visible")
        with main_with(DROPIN, ini(s.url)):
            root = publish_dir()
            sync_sources(s, root)
            sync_refusals(s, root)
    finally:
        s.stop()
        psql("SELECT added FROM catalog.provider_full_v1('%s', '%s', ARRAY[]::text[])"
             % (PROVIDER, KEY))
        for name in ENTITIES:
            if root:
                shutil.rmtree(os.path.join(root, "default", "component", name), ignore_errors=True)
