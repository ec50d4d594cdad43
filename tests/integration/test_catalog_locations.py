"""Integration tests of the catalog's location API through nginx: POST
/locations (dry run, conflicts, errors), GET/PUT/DELETE /locations/:id,
/locations/by-query, /locations/by-entity, POST /refresh, readonly mode, a
CatalogClient-shaped sequence, and two stagehandd processes registering,
refreshing and deleting at once against one database.

url: locations are served by tests/stubs/files.py from a directory under
SH_VAR; a drop-in allows reading from it.  The first test sets that up,
the last one removes every registered location and the drop-ins."""

import base64
import hashlib
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time

from itest import (STRING, check, check_json, dev_ok, error_body, psql, request,
                   restart_main, test, wait_for)
import itest

TOKEN = "test-user:jane"
BASE = "/api/catalog"
ROOT = os.path.join(itest.VAR, "catalog-reg")
DROPIN = os.path.join(itest.CONF_D, "60-itest-catalog-locations.ini")
READONLY = "61-itest-catalog-readonly.ini"
STATE = {}


def component(name, description="a registered component"):
    return ("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: %s\n"
            "  description: %s\nspec:\n  type: service\n  lifecycle: production\n"
            "  owner: reg-team\n" % (name, description))


def location(name, *targets):
    return ("apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: %s\n"
            "spec:\n  targets: [%s]\n" % (name, ", ".join(targets)))


FILES = {
    "team.yaml": component("reg-alpha") + "---\n" + location("reg-nested", "./nested.yaml"),
    "nested.yaml": component("reg-beta"),
    "other.yaml": component("reg-gamma"),
    "team2.yaml": location("reg-nested2", "./nested.yaml"),
    "ph.yaml": component("reg-ph", "{$text: ./q1.yaml}"),
    "ph-deny.yaml": component("reg-ph-deny", "{$text: 'http://127.0.0.1:1/x.txt'}"),
    "dup.yaml": component("reg-dup") + "---\n" + component("reg-dup"),
    "bad.yaml": component("reg-bad").replace("  owner: reg-team\n", ""),
    "q1.yaml": component("reg-q1"),
    "q2.yaml": component("reg-q2"),
    "q3.yaml": component("reg-q3"),
}


def write(name, text):
    with open(os.path.join(ROOT, name), "w") as f:
        f.write(text)


def url(name):
    return "http://127.0.0.1:%d/%s" % (STATE["port"], name)


def location_ref(target, type_="url"):
    return "location:default/generated-" + hashlib.sha1(
        ("%s:%s" % (type_, target)).encode()).hexdigest()


def call(method, path, body=None, raw=None, ctype="application/json"):
    headers = {"Authorization": "Bearer " + TOKEN}
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
    if data is not None:
        headers["Content-Type"] = ctype
    return request(method, BASE + path, headers=headers, body=data)


def check_error(r, status, name, message, method, path):
    check(r.status == status, "%s %s: status %d, want %d: %r" % (method, path, r.status,
                                                                  status, r.body[:400]))
    check_json(r, error_body(status, name, message, method=method, url=path))


def setup():
    """The stub file server and the reading_allow drop-in, once."""
    if STATE.get("proc") and STATE["proc"].poll() is None:
        return
    os.makedirs(ROOT, exist_ok=True)
    for name, text in FILES.items():
        write(name, text)
    port_file = os.path.join(ROOT, ".port")
    if os.path.exists(port_file):
        os.unlink(port_file)
    stub = os.path.join(itest.REPO, "tests", "stubs", "files.py")
    STATE["proc"] = subprocess.Popen([sys.executable, "-B", stub, "--root", ROOT,
                                      "--port-file", port_file],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    check(wait_for(lambda: os.path.exists(port_file), 10), "files.py did not start")
    with open(port_file) as f:
        STATE["port"] = int(f.read().strip())
    with open(DROPIN, "w") as f:
        f.write("[catalog]\nreading_allow = 127.0.0.1:%d\n" % STATE["port"])
    restart_main()


def locations():
    r = call("GET", "/locations")
    check(r.status == 200, "GET /locations: %r" % r)
    return [item["data"] for item in r.json()]


def entity(ref):
    kind, rest = ref.split(":", 1)
    ns, name = rest.split("/", 1)
    return call("GET", "/entities/by-name/%s/%s/%s" % (kind, ns, name))


def wait_entities(refs, present=True, timeout=20):
    want = 200 if present else 404
    ok = wait_for(lambda: all(entity(r).status == want for r in refs), timeout, 0.2)
    check(ok, "entities %r did not become %s within %d s: %r" % (
        refs, "present" if present else "absent", timeout,
        [(r, entity(r).status) for r in refs]))


def remove_all():
    for loc in locations():
        r = call("DELETE", "/locations/" + loc["id"])
        check(r.status in (204, 404), "DELETE %s: %r" % (loc["id"], r))


# ---------------------------------------------------------------- tests

@test
def catalog_locations_dry_run():
    setup()
    target = url("team.yaml")
    r = call("POST", "/locations?dryRun=true", {"type": "url", "target": target})
    check(r.status == 201, "dry run: %r" % r)
    body = r.json()
    check(body["exists"] is False, "exists %r" % body["exists"])
    check(body["location"] == {"type": "url", "target": target, "id": "url:" + target,
                               "entityRef": location_ref(target)}, "location %r" % body["location"])
    refs = ["%s:%s/%s" % (e["kind"].lower(), e["metadata"]["namespace"], e["metadata"]["name"])
            for e in body["entities"]]
    # Backstage's stack order: the Location, then depth first from the last read.
    check(refs == [location_ref(target), "location:default/reg-nested",
                   "component:default/reg-beta", "component:default/reg-alpha"], "refs %r" % refs)
    root = body["entities"][0]
    check(root["spec"] == {"type": "url", "target": target}, "root spec %r" % root["spec"])
    beta = body["entities"][2]
    ann = beta["metadata"]["annotations"]
    check(ann["backstage.io/managed-by-location"] == "url:" + url("nested.yaml") and
          ann["backstage.io/managed-by-origin-location"] == "url:" + target,
          "beta annotations %r" % ann)
    check(all("uid" not in e["metadata"] and "relations" not in e for e in body["entities"]),
          "dry-run entities must not be stitched")
    # Nothing stored.
    check(locations() == [], "a dry run registered a location")
    check(entity(location_ref(target)).status == 404, "a dry run stored the Location")
    # Errors of the chain.
    r = call("POST", "/locations?dryRun=true", {"type": "url", "target": url("dup.yaml")})
    check_error(r, 400, "InputError", "Duplicate nested entity: component:default/reg-dup",
                "POST", "/locations?dryRun=true")
    r = call("POST", "/locations?dryRun=yes", {"type": "url", "target": url("bad.yaml")})
    check(r.status == 400 and r.json()["error"]["message"].startswith("InputError: ") and
          "owner" in r.json()["error"]["message"], "bad entity: %r" % r)
    r = call("POST", "/locations?dryRun=true", {"type": "url", "target": url("missing.yaml")})
    check(r.status == 400 and r.json()["error"]["name"] == "InputError", "missing file: %r" % r)
    # Placeholders read relative to the file, under the same reading rules.
    r = call("POST", "/locations?dryRun=true", {"type": "url", "target": url("ph.yaml")})
    check(r.status == 201 and r.json()["entities"][1]["metadata"]["description"] ==
          FILES["q1.yaml"], "relative $text: %r" % r.body[:600])
    r = call("POST", "/locations?dryRun=true", {"type": "url", "target": url("ph-deny.yaml")})
    check(r.status == 400 and "Placeholder $text could not read location "
          "http://127.0.0.1:1/x.txt, NotAllowedError: Reading from 'http://127.0.0.1:1/x.txt'"
          " is not allowed" in r.json()["error"]["message"], "denied $text: %r" % r.body[:600])
    r = call("POST", "/locations?dryRun=true",
             {"type": "url", "target": "http://127.0.0.1:1/nope.yaml"})
    check(r.status == 400 and "Reading from 'http://127.0.0.1:1/nope.yaml' is not allowed"
          in r.json()["error"]["message"], "not allowed host: %r" % r)


@test
def catalog_locations_post_errors():
    setup()
    path = "/locations"
    r = call("POST", path, {"type": "file", "target": "/etc/passwd"})
    check_error(r, 400, "InputError", 'Registered locations must be of an allowed type ["url"]',
                "POST", path)
    r = call("POST", path, {"type": "url", "target": url("team.yaml"), "extra": 1})
    check(r.status == 400 and r.json()["error"]["message"].startswith(
        "Malformed request: ") and "extra" in r.json()["error"]["message"], "extra key: %r" % r)
    r = call("POST", path, {"type": "url"})
    check(r.status == 400 and "target" in r.json()["error"]["message"], "no target: %r" % r)
    r = call("POST", path, {"type": "url", "target": 5})
    check(r.status == 400 and "Malformed request" in r.body.decode(), "number target: %r" % r)
    r = call("POST", path, {"type": "url", "target": url("x"), "presence": "maybe"})
    check(r.status == 400, "bad presence: %r" % r)
    r = call("POST", path, [1, 2])
    check_error(r, 400, "InputError", "Expected body to be a JSON object", "POST", path)
    r = call("POST", path, {})
    check_error(r, 400, "InputError", "Empty request body", "POST", path)
    r = call("POST", path, raw=b"{not json")
    check(r.status == 400 and r.json()["error"]["name"] == "InputError", "bad JSON: %r" % r)
    r = call("POST", path, raw=b'{"type":"url","target":"x"}', ctype="text/plain")
    check(r.status == 400, "text/plain body: %r" % r)
    r = call("POST", "/locations?onConflict=bogus", {"type": "url", "target": url("x")})
    check(r.status == 400, "bad onConflict: %r" % r)
    r = call("POST", "/locations?bogus=1", {"type": "url", "target": url("x")})
    check(r.status == 400, "unknown query parameter: %r" % r)
    check(locations() == [], "an error registered a location")


@test
def catalog_locations_client_sequence():
    """What @backstage/catalog-client does, step by step."""
    setup()
    target = url("team.yaml")
    spec = {"type": "url", "target": target}
    kids = ["component:default/reg-alpha", "location:default/reg-nested",
            "component:default/reg-beta"]
    # addLocation({dryRun: true}) then addLocation().
    r = call("POST", "/locations?dryRun=true", spec)
    check(r.status == 201 and len(r.json()["entities"]) == 4, "dry run: %r" % r)
    r = call("POST", "/locations", spec)
    check(r.status == 201, "register: %r" % r)
    loc = r.json()["location"]
    check_json(r, {"location": {"id": STRING, "type": "url", "target": target,
                                "entityRef": location_ref(target)}, "entities": []})
    check(len(loc["id"]) == 36, "id %r" % loc["id"])
    # A second registration conflicts; onConflict=refresh returns the same row.
    r = call("POST", "/locations", spec)
    check_error(r, 409, "ConflictError", "Location url:%s already exists" % target,
                "POST", "/locations")
    r = call("POST", "/locations?onConflict=refresh", spec)
    check(r.status == 201 and r.json()["location"] == loc, "onConflict=refresh: %r" % r)
    # A dry run now says it exists.
    r = call("POST", "/locations?dryRun=true", spec)
    check(r.status == 201 and r.json()["exists"] is True, "dry run exists: %r" % r)
    # Ingestion is asynchronous: wait for the Location and what it reads.
    wait_entities([loc["entityRef"]] + kids)
    alpha = entity("component:default/reg-alpha").json()
    check(alpha["metadata"]["annotations"]["backstage.io/managed-by-origin-location"] ==
          "url:" + target, "alpha annotations %r" % alpha["metadata"]["annotations"])
    # getLocations / getLocationByRef / getLocationById / getLocationByEntity.
    check(locations() == [loc], "GET /locations %r" % locations())
    r = call("GET", "/locations/" + loc["id"])
    check(r.status == 200 and r.json() == loc, "by id: %r" % r)
    for ref in ["component/default/reg-alpha", "component/default/reg-beta",
                "location/default/reg-nested"]:
        r = call("GET", "/locations/by-entity/" + ref)
        check(r.status == 200 and r.json() == loc, "by-entity %s: %r" % (ref, r))
    # queryLocations and queryEntities find them.
    r = call("POST", "/locations/by-query", {"query": {"target": target}})
    check(r.status == 200 and r.json() == {"items": [loc], "totalItems": 1, "pageInfo": {}},
          "locations by-query: %r" % r)
    r = call("POST", "/entities/by-query", {
        "query": {"metadata.annotations.backstage.io/managed-by-origin-location":
                  "url:" + target}, "fields": ["metadata.name"]})
    check(r.status == 200 and sorted(e["metadata"]["name"] for e in r.json()["items"]) ==
          sorted([loc["entityRef"].split("/")[1], "reg-alpha", "reg-beta", "reg-nested"]),
          "entities by-query: %r" % r)
    # refreshEntity: with every row pushed far out, only /refresh brings the change.
    psql("UPDATE catalog.refresh_state SET next_update_at = now() + interval '1 hour'"
         " WHERE location_key LIKE 'url:http://127.0.0.1:%'")
    write("team.yaml", FILES["team.yaml"].replace("a registered component", "refreshed"))
    try:
        r = call("POST", "/refresh", {"entityRef": "Component:Default/Reg-Alpha"})
        check(r.status == 200 and r.body == b"", "refresh: %r" % r)
        ok = wait_for(lambda: entity("component:default/reg-alpha").json()["metadata"]
                      ["description"] == "refreshed", 10)
        check(ok, "the refresh did not reprocess reg-alpha's location")
    finally:
        write("team.yaml", FILES["team.yaml"])
    # removeLocationById: the location, its Location entity and every descendant go at once.
    r = call("DELETE", "/locations/" + loc["id"])
    check(r.status == 204 and r.body == b"", "delete: %r" % r)
    for ref in [loc["entityRef"]] + kids:
        check(entity(ref).status == 404, "%s survived its location's removal" % ref)
    check(locations() == [], "the location is still listed")
    r = call("GET", "/locations/" + loc["id"])
    check_error(r, 404, "NotFoundError", "Found no location with ID " + loc["id"], "GET",
                "/locations/" + loc["id"])
    r = call("DELETE", "/locations/" + loc["id"])
    check_error(r, 404, "NotFoundError", "Found no location with ID " + loc["id"], "DELETE",
                "/locations/" + loc["id"])
    # Nothing comes back with later processing rounds.
    time.sleep(2.5)
    check(psql("SELECT count(*) FROM catalog.refresh_state WHERE entity_ref LIKE '%reg-%'"
               " OR entity_ref = '" + loc["entityRef"] + "'").strip() == "0",
          "descendants of the removed location came back")


@test
def catalog_locations_refresh_errors():
    setup()
    r = call("POST", "/refresh", {"entityRef": "component:default/nope"})
    check_error(r, 404, "NotFoundError", "Entity component:default/nope not found", "POST",
                "/refresh")
    # Only lower-cased, not defaulted.
    r = call("POST", "/refresh", {"entityRef": "checkout-service"})
    check_error(r, 404, "NotFoundError", "Entity checkout-service not found", "POST",
                "/refresh")
    r = call("POST", "/refresh", {"entityRef": "component:default/checkout-service",
                                  "authorizationToken": "x"})
    check(r.status == 200 and r.body == b"", "refresh with a token: %r" % r)
    r = call("POST", "/refresh", {"entityRef": "component:default/checkout-service", "x": 1})
    check(r.status == 400, "extra key: %r" % r)
    r = call("POST", "/refresh", {})
    check(r.status == 400, "no entityRef: %r" % r)
    r = call("POST", "/refresh", {"entityRef": 5})
    check(r.status == 400, "number entityRef: %r" % r)


@test
def catalog_locations_by_entity_errors():
    setup()
    path = "/locations/by-entity/component/default/nope"
    check_error(call("GET", path), 404, "NotFoundError",
                "found no entity for ref component:default/nope", "GET", path)
    # Config locations are not registered locations.
    path = "/locations/by-entity/component/default/checkout-service"
    r = call("GET", path)
    check(r.status == 404 and r.json()["error"]["message"].startswith(
        "Found no location with type file and target "), "config entity: %r" % r)
    path = "/locations/00000000-0000-4000-8000-000000000000"
    check_error(call("GET", path), 404, "NotFoundError",
                "Found no location with ID 00000000-0000-4000-8000-000000000000", "GET", path)
    check_error(call("GET", "/locations/not-a-uuid"), 404, "NotFoundError",
                "Found no location with ID not-a-uuid", "GET", "/locations/not-a-uuid")


@test
def catalog_locations_update():
    setup()
    a = call("POST", "/locations", {"type": "url", "target": url("other.yaml")}).json()["location"]
    b = call("POST", "/locations", {"type": "url", "target": url("q1.yaml")}).json()["location"]
    try:
        wait_entities(["component:default/reg-gamma", "component:default/reg-q1"])
        path = "/locations/" + a["id"]
        r = call("PUT", path, {"type": "url", "target": url("q1.yaml")})
        check_error(r, 409, "ConflictError", "Location url:%s already exists" % url("q1.yaml"),
                    "PUT", path)
        missing = "/locations/00000000-0000-4000-8000-000000000000"
        r = call("PUT", missing, {"type": "url", "target": url("q2.yaml")})
        check_error(r, 404, "NotFoundError",
                    "Found no location with ID 00000000-0000-4000-8000-000000000000", "PUT",
                    missing)
        r = call("PUT", path, {"type": "url", "target": url("q2.yaml")})
        check(r.status == 200, "PUT: %r" % r)
        check(r.json() == {"id": a["id"], "type": "url", "target": url("q2.yaml"),
                           "entityRef": a["entityRef"]}, "PUT reply %r" % r.json())
        check(call("GET", path).json()["target"] == url("q2.yaml"), "GET after PUT")
        # The same Location entity now reads the new target; the old file's entity goes.
        wait_entities(["component:default/reg-q2"])
        wait_entities(["component:default/reg-gamma"], present=False)
        loc = entity(a["entityRef"]).json()
        check(loc["spec"]["target"] == url("q2.yaml"), "Location spec %r" % loc["spec"])
    finally:
        remove_all()
    wait_entities(["component:default/reg-q1", "component:default/reg-q2"], present=False)


@test
def catalog_locations_delete_keeps_shared_child():
    """Eager pruning stops at a descendant another location still emits;
    that entity keeps its uid (its file, the location key, is the same)."""
    setup()
    one = call("POST", "/locations", {"type": "url", "target": url("team.yaml")}).json()
    two = call("POST", "/locations", {"type": "url", "target": url("team2.yaml")}).json()
    try:
        beta = "component:default/reg-beta"
        wait_entities([beta, "component:default/reg-alpha", "location:default/reg-nested",
                       "location:default/reg-nested2"])
        check(wait_for(lambda: psql("SELECT count(*) FROM catalog.refresh_state_references"
                                    " WHERE target_entity_ref = '%s'" % beta).strip() == "2",
                       10), "reg-beta has not got both parents")
        uid = entity(beta).json()["metadata"]["uid"]
        r = call("DELETE", "/locations/" + one["location"]["id"])
        check(r.status == 204, "delete: %r" % r)
        for ref in [one["location"]["entityRef"], "component:default/reg-alpha",
                    "location:default/reg-nested"]:
            check(entity(ref).status == 404, "%s survived its location's removal" % ref)
        r = entity(beta)
        check(r.status == 200, "reg-beta went with one of its two parents: %r" % r)
        check(r.json()["metadata"]["uid"] == uid, "reg-beta's uid changed")
        r = call("GET", "/entities/by-name/component/default/reg-beta/ancestry")
        check(r.status == 200 and [i["parentEntityRefs"] for i in r.json()["items"]][:2] ==
              [["location:default/reg-nested2"], [two["location"]["entityRef"]]],
              "ancestry after the prune: %r" % r.body[:600])
        # Later rounds do not bring the pruned entities back, nor lose reg-beta.
        time.sleep(2.5)
        check(entity("component:default/reg-alpha").status == 404, "reg-alpha came back")
        r = entity(beta)
        check(r.status == 200 and r.json()["metadata"]["uid"] == uid and
              "backstage.io/orphan" not in r.json()["metadata"]["annotations"],
              "reg-beta after more rounds: %r" % r.body[:400])
    finally:
        remove_all()
    wait_entities(["component:default/reg-beta"], present=False)


@test
def catalog_locations_by_query():
    setup()
    made = []
    try:
        for name in ("q1.yaml", "q2.yaml", "q3.yaml"):
            r = call("POST", "/locations", {"type": "url", "target": url(name)})
            check(r.status == 201, "register %s: %r" % (name, r))
            made.append(r.json()["location"])
        made.sort(key=lambda loc: loc["id"])
        r = call("POST", "/locations/by-query", {})
        check(r.status == 200 and r.json() == {"items": made, "totalItems": 3, "pageInfo": {}},
              "all: %r" % r)
        # Pages of two, ordered by id, the cursor carrying the query.
        query = {"type": "URL", "target": {"$hasPrefix": url("q")}}
        r = call("POST", "/locations/by-query", {"limit": 2, "query": query})
        body = r.json()
        check(r.status == 200 and body["items"] == made[:2] and body["totalItems"] == 3,
              "page 1: %r" % r)
        cursor = body["pageInfo"]["nextCursor"]
        decoded = json.loads(base64.b64decode(cursor))
        check(decoded == {"limit": 2, "afterId": made[1]["id"], "query": query},
              "cursor %r" % decoded)
        r = call("POST", "/locations/by-query", {"cursor": cursor})
        check(r.json() == {"items": made[2:], "totalItems": 3, "pageInfo": {}}, "page 2: %r" % r)
        r = call("POST", "/locations/by-query", {"query": {"$not": {"target": url("q2.yaml")}}})
        check(r.json()["items"] == [m for m in made if m["target"] != url("q2.yaml")],
              "$not: %r" % r)
        r = call("POST", "/locations/by-query", {"query": {"entityRef": {
            "$in": [made[0]["entityRef"], "location:default/nope"]}}})
        check(r.json()["items"] == made[:1], "$in entityRef: %r" % r)
        # Locations have no array fields: $contains matches nothing, even
        # where equality would match, and so its negation matches all.
        r = call("POST", "/locations/by-query", {"query": {"type": {"$contains": "url"}}})
        check(r.status == 200 and r.json() == {"items": [], "totalItems": 0, "pageInfo": {}},
              "$contains: %r" % r)
        r = call("POST", "/locations/by-query", {"query": {"$any": [
            {"type": "url", "target": {"$contains": url("q1.yaml")}},
            {"target": url("q3.yaml")}]}})
        check(r.json()["items"] == [m for m in made if m["target"] == url("q3.yaml")],
              "$contains in an $any: %r" % r)
        r = call("POST", "/locations/by-query", {"query": {"$not": {"id": {"$contains": "x"}}}})
        check(r.json()["items"] == made, "$not $contains: %r" % r)
        r = call("POST", "/locations/by-query", {"query": {"type": {"$contains": {"a": 1}}}})
        check(r.status == 400, "$contains with an object: %r" % r)
        r = call("POST", "/locations/by-query", {"limit": 0})
        check(r.status == 400, "limit 0: %r" % r)
        r = call("POST", "/locations/by-query", {"cursor": ""})
        check(r.status == 400, "empty cursor: %r" % r)
        r = call("POST", "/locations/by-query", {"cursor": "!!!"})
        check(r.status == 400, "bad cursor: %r" % r)
        r = call("POST", "/locations/by-query", {"query": 5})
        check(r.status == 400, "query not an object: %r" % r)
    finally:
        remove_all()


@test
def catalog_locations_readonly():
    setup()
    loc = call("POST", "/locations", {"type": "url", "target": url("q3.yaml")}).json()["location"]
    with itest.dropin(READONLY, "[catalog]\nreadonly = true\n"):
        restart_main()
        msg = "This operation not allowed in readonly mode"
        r = call("POST", "/locations", {"type": "url", "target": url("q2.yaml")})
        check_error(r, 403, "NotAllowedError", msg, "POST", "/locations")
        r = call("PUT", "/locations/" + loc["id"], {"type": "url", "target": url("q2.yaml")})
        check_error(r, 403, "NotAllowedError", msg, "PUT", "/locations/" + loc["id"])
        r = call("DELETE", "/locations/" + loc["id"])
        check_error(r, 403, "NotAllowedError", msg, "DELETE", "/locations/" + loc["id"])
        # A dry run only reads.
        r = call("POST", "/locations?dryRun=true", {"type": "url", "target": url("q2.yaml")})
        check(r.status == 201, "dry run in readonly mode: %r" % r)
        check(locations() == [loc], "readonly changed the locations")
    restart_main()
    remove_all()


# ---------------------------------------------------------------- two processes

def fcgi_request(sock_path, method, path, body=None):
    """One FastCGI request to a pool's socket, as nginx sends it; returns
    (status, body bytes)."""
    data = json.dumps(body).encode() if body is not None else b""
    params = {"REQUEST_METHOD": method, "REQUEST_URI": BASE + path, "SCRIPT_NAME": BASE + path,
              "QUERY_STRING": path.partition("?")[2], "SERVER_PROTOCOL": "HTTP/1.1",
              "HTTP_AUTHORIZATION": "Bearer " + TOKEN, "CONTENT_LENGTH": str(len(data))}
    if body is not None:
        params["CONTENT_TYPE"] = "application/json"

    def record(kind, content):
        return struct.pack(">BBHHBB", 1, kind, 1, len(content), 0, 0) + content

    def length(n):
        return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)

    pairs = b"".join(length(len(k)) + length(len(v.encode())) + k.encode() + v.encode()
                     for k, v in params.items())
    out = record(1, struct.pack(">HB5x", 1, 0)) + record(4, pairs) + record(4, b"")
    if data:
        out += record(5, data)
    out += record(5, b"")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    try:
        s.connect(sock_path)
        s.sendall(out)
        buf, stdout = b"", b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
        while len(buf) >= 8:
            _, kind, _, n, pad, _ = struct.unpack(">BBHHBB", buf[:8])
            if kind == 6:
                stdout += buf[8:8 + n]
            buf = buf[8 + n + pad:]
            if kind == 3:
                break
    finally:
        s.close()
    head, _, payload = stdout.partition(b"\r\n\r\n")
    status = 200
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"status:"):
            status = int(line.split()[1])
    return status, payload


def via_nginx(method, path, body=None):
    r = call(method, path, body)
    return r.status, r.body


@test
def catalog_locations_two_processes():
    setup()
    sock = os.path.join(itest.RUN, "main3.sock")
    ini = "[pool.main3]\nsocket = %s\nthreads = 2\nplugins = shtest catalog\n" % sock
    n = 8
    for i in range(n):
        write("conc-%d.yaml" % i, component("conc-%d-a" % i) + "---\n" +
              component("conc-%d-b" % i))
    write("conc-shared.yaml", component("conc-shared"))
    senders = [via_nginx, lambda m, p, b=None: fcgi_request(sock, m, p, b)]
    results, errors = {}, []
    barrier = threading.Barrier(2)

    def worker(k):
        send = senders[k]
        try:
            # Both register the shared location at once: one 201, one 409.
            st, body = send("POST", "/locations", {"type": "url", "target": url("conc-shared.yaml")})
            results[("shared", k)] = st
            for i in range(k, n, 2):
                st, body = send("POST", "/locations", {"type": "url",
                                                       "target": url("conc-%d.yaml" % i)})
                check(st == 201, "register conc-%d: %d %r" % (i, st, body[:200]))
                results[i] = json.loads(body)["location"]
            # Registration, refresh and removal overlap between the two, but a
            # location is only removed once both have refreshed theirs.
            barrier.wait(30)
            for i in range(k, n, 2):
                st, body = send("POST", "/refresh", {"entityRef": results[i]["entityRef"]})
                check(st == 200, "refresh conc-%d: %d %r" % (i, st, body[:200]))
            barrier.wait(30)
            # Each removes half of the other's: i % 4 in (0, 1).
            for i in range(n):
                if i % 4 in (0, 1) and i % 2 != k:
                    st, body = send("DELETE", "/locations/" + results[i]["id"])
                    check(st == 204, "delete conc-%d: %d %r" % (i, st, body[:200]))
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append("sender %d: %s" % (k, e))
            barrier.abort()

    with itest.dropin("62-itest-catalog-main3.ini", ini):
        dev_ok("pool", "start", "main3")
        try:
            threads = [threading.Thread(target=worker, args=(k,)) for k in (0, 1)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            check(not errors, "; ".join(errors))
            check(sorted([results[("shared", 0)], results[("shared", 1)]]) == [201, 409],
                  "shared registration: %r" % [results[("shared", 0)], results[("shared", 1)]])
            kept = [i for i in range(n) if i % 4 not in (0, 1)]
            gone = [i for i in range(n) if i % 4 in (0, 1)]
            want = (["component:default/conc-%d-%s" % (i, s) for i in kept for s in "ab"] +
                    ["component:default/conc-shared"])
            wait_entities(want, timeout=30)
            # Let both processes run a few more rounds before judging.
            time.sleep(2.5)
        finally:
            dev_ok("pool", "stop", "main3")
    dups = psql("SELECT type, target FROM catalog.locations GROUP BY 1, 2 HAVING count(*) > 1")
    check(dups.strip() == "", "duplicate locations: %r" % dups)
    listed = sorted(loc["target"] for loc in locations())
    check(listed == sorted([url("conc-%d.yaml" % i) for i in kept] + [url("conc-shared.yaml")]),
          "locations after the race: %r" % listed)
    left = psql("SELECT entity_ref FROM catalog.refresh_state WHERE " + " OR ".join(
        "entity_ref LIKE 'component:default/conc-%d-%%'" % i for i in gone) +
        " OR entity_ref IN (%s)" % ",".join("'%s'" % results[i]["entityRef"] for i in gone))
    check(left.strip() == "", "descendants of deleted locations left: %r" % left)
    stray = psql("SELECT source_key FROM catalog.refresh_state_references"
                 " WHERE source_key LIKE 'location:%' AND substr(source_key, 10) NOT IN"
                 " (SELECT id::text FROM catalog.locations)")
    check(stray.strip() == "", "edges of deleted locations: %r" % stray)
    for ref in want:
        check(entity(ref).status == 200, "%s missing" % ref)
    remove_all()
    wait_entities(want, present=False, timeout=5)


@test
def catalog_locations_teardown():
    """Every registered location removed, drop-ins gone, the fixture
    catalog exactly as before."""
    if os.path.exists(DROPIN):
        remove_all()
        os.unlink(DROPIN)
        restart_main()
    proc = STATE.pop("proc", None)
    if proc:
        proc.terminate()
        proc.wait(10)
    import test_catalog
    test_catalog.wait_ingested()
    check(locations() == [], "registered locations left")
