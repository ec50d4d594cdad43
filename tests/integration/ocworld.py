"""Shared by test_openchoreo.py and test_openchoreo_events.py: the
OpenChoreo stand-in (tests/stubs/standin.py serving openchoreo-world then
the recorded world of tests/data/upstream/openchoreo), the drop-in that
turns the plugin on in pool main against it, the status route, and the
catalog as the provider left it.

Isolation: the suite runs every test against one stack, and the catalog
tests count and list its entities.  The plugin is on only inside
`plugin_on` (drop-in 60-itest-openchoreo.ini plus a restart of pool main);
on the way out the drop-in goes, main restarts without the plugin, the
provider's set is emptied through the catalog's own provider interface
(catalog.provider_full_v1 with no entities) and the event queue is
cleared, so every other test sees the catalog it always saw.  The
openchoreo tests run after the catalog tests (main.py's order) and check
that restoration themselves (test_openchoreo.openchoreo_off_restores)."""

import contextlib
import datetime
import json
import os
import sys
import time

import itest
from itest import check, get, restart_main, wait_for

sys.path.insert(0, os.path.join(itest.REPO, "tests", "stubs"))
from standin import StandIn  # noqa: E402

UPSTREAM = os.path.join(itest.REPO, "tests", "data", "upstream")
RECORDED = os.path.join(UPSTREAM, "openchoreo")
WORLD = os.path.join(UPSTREAM, "openchoreo-world")
EXPECTED = os.path.join(itest.REPO, "tests", "data", "openchoreo", "expected")
DROPIN = "60-itest-openchoreo.ini"
PROVIDER = "OpenChoreoEntityProvider"
LOCATION_KEY = "provider:" + PROVIDER
TOKEN = "test-user:jane"
STATUS = "/api/openchoreo/v1/status"
EVENTS = "/api/events/http/openchoreo"
CLIENT_ID = "itest-openchoreo"
CLIENT_SECRET = "itest-openchoreo-secret"
EVENTS_SECRET = "itest-events-secret"
SECRET_HEADER = "X-Stagehand-Events-Secret"
SO = os.path.join(itest.PREFIX, "lib", "stagehand", "plugins", "openchoreo.so")

# Spec §1.2: the full sync of the recorded world emits these 21 entities.
WORLD_REFS = frozenset(
    ["domain:default/default", "domain:default/oracle", "dataplane:oracle/default",
     "system:oracle/billing", "system:oracle/checkout", "api:oracle/checkout-checkout-service-http",
     "deploymentpipeline:oracle/default", "template:oracle/template-service",
     "template:oracle/template-web-application", "componenttype:oracle/service",
     "componenttype:oracle/web-application", "traittype:oracle/horizontal-pod-autoscaler",
     "workflow:oracle/dockerfile-builder"]
    + ["environment:oracle/" + e for e in ("development", "staging", "production")]
    + ["component:oracle/" + c for c in ("billing-portal", "invoice-service", "payment-gateway",
                                          "checkout-service", "checkout-web")])
WORLD_KINDS = {"Domain": 2, "Environment": 3, "Dataplane": 1, "System": 2, "Component": 5,
               "API": 1, "DeploymentPipeline": 1, "Template": 2, "ComponentType": 2,
               "TraitType": 1, "Workflow": 1}


def need_plugin():
    check(os.path.exists(SO), "the openchoreo plugin is not installed (%s)" % SO)


def fixture(name):
    with open(os.path.join(RECORDED, name), "rb") as f:
        return f.read()


def fixture_json(name):
    return json.loads(fixture(name))


# ---------------------------------------------------------------- the stand-in

def standin():
    return StandIn(fixtures=[WORLD, RECORDED],
                   log=os.path.join(itest.LOG, "stub-standin-openchoreo.log")).start()


def api_requests(s, since=0.0):
    """The stand-in's record of OpenChoreo API calls (not the token
    endpoint) after time `since`, as "GET /path?query" with their headers."""
    out = []
    for r in s.requests():
        if r["path"].startswith("/api/v1") and r["time"] >= since:
            line = "%s %s%s" % (r["method"], r["path"], "?" + r["query"] if r["query"] else "")
            out.append((line, r["headers"], r["time"]))
    return out


def token_requests(s, since=0.0):
    return [r for r in s.requests() if r["path"] == "/oauth2/token" and r["time"] >= since]


def list_body(items, cursor=None):
    """A list answer in the server's wire form (compact, trailing newline)."""
    page = {"nextCursor": cursor} if cursor else {}
    return json.dumps({"items": items, "pagination": page}, separators=(",", ":")) + "\n"


def route_json(s, path, text, query=None, status=200):
    spec = {"method": "GET", "path": path, "status": status, "body_text": text,
            "headers": {"content-type": "application/json"}}
    if query:
        spec["query"] = query
    s.add_route(spec)


# ---------------------------------------------------------------- the plugin on

def secret_file(name, value):
    path = os.path.join(itest.VAR, "itest-" + name)
    with open(path, "w") as f:
        f.write(value + "\n")
    os.chmod(path, 0o600)
    return path


def ini(url, api_suffix="/api/v1", features=None, **keys):
    """The drop-in: the plugin in pool main, its flag on, [openchoreo] at
    the stand-in with the test's keys (small periods, a small page cap)."""
    conf = {"base_url": url + api_suffix, "token_url": url + "/oauth2/token",
            "client_id": CLIENT_ID,
            "client_secret_file": secret_file("openchoreo-client-secret", CLIENT_SECRET),
            "sync_frequency": 1, "sync_timeout": 3, "max_pages": 5}
    conf.update(keys)
    feats = {"openchoreo": "true"}
    feats.update(features or {})
    return ("[pool.main]\nplugins = shtest auth catalog openchoreo\n\n[features]\n"
            + "".join("%s = %s\n" % kv for kv in feats.items())
            + "\n[openchoreo]\n"
            + "".join("%s = %s\n" % (k, v) for k, v in conf.items() if v is not None))


def clear_provider():
    """Empties this provider's set through the catalog's interface and the
    plugin's event queue, so no later test (or run) sees either."""
    itest.psql_script(
        "SELECT * FROM catalog.provider_full_v1('%s', '%s', '{}'::text[]);\n"
        "DO $$ BEGIN IF to_regclass('openchoreo.event_queue') IS NOT NULL THEN\n"
        "  DELETE FROM openchoreo.event_queue;\n"
        "  UPDATE openchoreo.event_counts SET pending = 0;\n"
        "END IF; END $$;\n" % (PROVIDER, LOCATION_KEY))


@contextlib.contextmanager
def plugin_on(text):
    """Pool main with the plugin as `text` configures it, for the block;
    afterwards without it and with the provider's entities gone."""
    need_plugin()
    try:
        with itest.main_with(DROPIN, text) as offset:
            yield offset
    finally:
        clear_provider()


# ---------------------------------------------------------------- status

def status(token=TOKEN):
    r = get(STATUS, token)
    check(r.status == 200, "GET %s: %d %r" % (STATUS, r.status, r.body[:300]))
    return r.json()


def started(last):
    """A sync's start time (epoch seconds) from the status route's lastSync."""
    v = last.get("startedAt", last.get("start")) if last else None
    if not isinstance(v, str):
        return None
    return datetime.datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()


def succeeded(last):
    return last.get("outcome") in ("succeeded", "ok", "success")


def wait_sync(after, timeout=15, ok=None):
    """Waits for a sync that started after epoch `after` to finish (ok True:
    succeed, False: fail, None: either); returns its lastSync."""
    def done():
        last = status().get("lastSync") or {}
        t = started(last)
        if t is None or t < after or last.get("outcome") in (None, "running"):
            return None
        return last
    last = wait_for(done, timeout, 0.2)
    check(last is not None, "no sync started after %.3f finished within %d s; status %r"
          % (after, timeout, status()))
    if ok is not None:
        check(succeeded(last) == ok, "want a %s sync, got %r"
              % ("successful" if ok else "failed", last))
    return last


# ---------------------------------------------------------------- the catalog

def catalog(path):
    return get("/api/catalog" + path, TOKEN)


def by_name(ref):
    kind, rest = ref.split(":", 1)
    ns, name = rest.split("/", 1)
    return catalog("/entities/by-name/%s/%s/%s" % (kind, ns, name))


def ref_of(e):
    md = e.get("metadata", {})
    return "%s:%s/%s" % (e["kind"].lower(), md.get("namespace", "default"), md["name"])


def all_entities():
    r = catalog("/entities")
    check(r.status == 200, "GET /entities: %d %r" % (r.status, r.body[:300]))
    return r.json()


def provider_entities():
    """ref -> entity for every entity this provider made."""
    out = {}
    for e in all_entities():
        ann = e.get("metadata", {}).get("annotations", {})
        if ann.get("backstage.io/managed-by-location") == LOCATION_KEY or \
                ann.get("backstage.io/managed-by-origin-location") == LOCATION_KEY:
            out[ref_of(e)] = e
    return out


def other_entities():
    """ref -> etag of every entity no provider made (files, config)."""
    own = provider_entities()
    return {ref_of(e): e["metadata"].get("etag") for e in all_entities() if ref_of(e) not in own}


def snapshot():
    """ref -> etag of the provider's entities: equal snapshots, no change."""
    return {ref: e["metadata"].get("etag") for ref, e in provider_entities().items()}


def wait_refs(want, timeout=10):
    got = wait_for(lambda: (lambda s: s if set(s) == set(want) else None)(snapshot()),
                   timeout, 0.2)
    check(got is not None, "the provider's entities are not %s within %d s: got %s"
          % (sorted(want), timeout, sorted(snapshot())))
    return got


@contextlib.contextmanager
def synced(make_ini):
    """A stand-in, the plugin on as make_ini(its url) configures it, and
    the first sync done with the recorded world in the catalog: yields
    (stand-in, offset of the pool log)."""
    s = standin()
    try:
        t0 = time.time()
        with plugin_on(make_ini(s.url)) as offset:
            wait_sync(t0, ok=True)
            wait_refs(WORLD_REFS)
            yield s, offset
    finally:
        s.stop()


def stripped(e):
    """The entity as the provider wrote it: without what the catalog adds."""
    e = json.loads(json.dumps(e))
    for k in ("uid", "etag"):
        e["metadata"].pop(k, None)
    e.pop("relations", None)
    e.pop("status", None)
    return e


def expected_texts():
    """ref -> text of every spec example (tests/data/openchoreo/expected)
    that is part of the recorded world (the others are synthetic inputs)."""
    out = {}
    if not os.path.isdir(EXPECTED):
        return out
    for name in sorted(os.listdir(EXPECTED)):
        if name.endswith(".json"):
            with open(os.path.join(EXPECTED, name)) as f:
                text = f.read()
            ref = ref_of(json.loads(text))
            if ref in WORLD_REFS:
                out[ref] = text
    return out


def expected_entities():
    return {ref: json.loads(text) for ref, text in expected_texts().items()}


def entity_diff(want, got):
    """json_diff of the provider's entity and the catalog's; the catalog
    fills in metadata.namespace "default" when the entity has none."""
    got = stripped(got)
    if "namespace" not in want["metadata"] and got["metadata"].get("namespace") == "default":
        del got["metadata"]["namespace"]
    return itest.json_diff(want, got)


def relations(e):
    return {(r["type"], r["targetRef"]) for r in e.get("relations", [])}


# ---------------------------------------------------------------- events

def post_event(body, secret=EVENTS_SECRET, ctype="application/json", timeout=20):
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    headers = {"Content-Type": ctype} if ctype else {}
    if secret:
        headers[SECRET_HEADER] = secret
    return itest.request("POST", EVENTS, headers=headers, body=body, timeout=timeout)


def event(kind, name, action, namespace="oracle"):
    return {"kind": kind, "name": name, "namespace": namespace, "action": action}


def wait_visible(ref, pred, since, limit, what):
    """Polls by-name until pred(response) holds; fails unless it held within
    `limit` seconds of `since` (a monotonic time)."""
    r = wait_for(lambda: (lambda x: x if pred(x) else None)(by_name(ref)), limit + 5, 0.02)
    took = time.monotonic() - since
    check(r is not None, "%s: %s not as wanted within %.0f s (last %r)"
          % (what, ref, limit + 5, by_name(ref)))
    check(took <= limit, "%s: %s took %.2f s to show (limit %.1f s)" % (what, ref, took, limit))
    return took
