"""Integration tests of catalog ingestion through nginx: $text/$json/$yaml
placeholders relative to file: and url: locations (a failing one keeps the
file's entities and shows on its Location), the catalog rules (allow, rule
with spec.type and location matchers, per-location allow=) including the
NotAllowedError of a disallowed kind, 304 reuse of url: reads and placeholder
reads from tests/stubs/files.py, orphan_strategy keep vs delete, parent edges going with the processing rows
at either end, and a bad rule stopping start-up."""

import hashlib
import os
import shutil

from itest import (check, dev_ok, dropin, get, restart_main, stagehandd, test, wait_for,
                   wait_status)
import itest
from test_catalog import DATA, wait_ingested
from test_catalog_read import Stub

TOKEN = "test-user:jane"
BASE = "/api/catalog"


def api(path):
    return get(BASE + path, TOKEN)


def entity(kind, name):
    r = api("/entities/by-name/%s/default/%s" % (kind, name))
    return r.json() if r.status == 200 else None


def location_entity(loc):
    name = "generated-" + hashlib.sha1(loc.encode()).hexdigest()
    return entity("location", name)


def status_items(loc):
    e = location_entity(loc)
    return None if e is None else e.get("status", {}).get("items", [])


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


PH_ALL = """apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: ph-api
  labels:
    $json: ./labels.json
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition:
    $text: ./specs/openapi.yaml
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ph-comp
  links:
    $yaml: ../shared/links.yaml
spec:
  type: service
  schema:
    $ref: "#/not/a/placeholder"
  lifecycle: production
  owner: team-a
"""

REMOTE = """apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: remote-comp
  description:
    $text: ./docs/desc.txt
spec:
  type: service
  lifecycle: production
  owner: team-a
"""


def component(name, extra=""):
    return ("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: %s\n"
            "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n%s"
            % (name, extra))


def resource(name, rtype):
    return ("apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: %s\n"
            "spec:\n  type: %s\n  owner: team-a\n" % (name, rtype))


USER = ("apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: %s\n"
        "spec:\n  memberOf: []\n")
GROUP = ("apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: %s\n"
         "spec:\n  type: team\n  children: []\n")


def ingest_files(tmp):
    write(os.path.join(tmp, "ph", "all.yaml"), PH_ALL)
    write(os.path.join(tmp, "ph", "labels.json"), '{"tier": "backend", "n": "1"}')
    write(os.path.join(tmp, "ph", "specs", "openapi.yaml"), "openapi: 3.0.0\ninfo: v1\n")
    write(os.path.join(tmp, "shared", "links.yaml"),
          "- url: https://wiki.example.com/ph\n  title: Wiki\n")
    write(os.path.join(tmp, "www", "remote.yaml"), REMOTE)
    write(os.path.join(tmp, "www", "docs", "desc.txt"), "Served over HTTP")
    write(os.path.join(tmp, "rules", "org.yaml"),
          USER % "rule-user" + "---\n" + GROUP % "rule-group")
    write(os.path.join(tmp, "rules", "mixed.yaml"), component("mixed-ok"))
    write(os.path.join(tmp, "rules", "types.yaml"), resource("rule-db", "database"))


@test
def catalog_ingest_placeholders_rules_304():
    tmp = os.path.join(itest.VAR, "catalog-ingest")
    shutil.rmtree(tmp, ignore_errors=True)
    ingest_files(tmp)
    stub = Stub(os.path.join(tmp, "www"))
    base = "http://127.0.0.1:%d" % stub.port
    ph = "file:" + os.path.join(tmp, "ph", "all.yaml")
    rules = os.path.join(tmp, "rules")
    ini = "\n".join([
        "[catalog]",
        "location = %s" % ph,
        "location = url:%s/remote.yaml" % base,
        "location = file:%s/org.yaml allow=User,Group" % rules,
        "location = file:%s/mixed.yaml" % rules,
        "location = file:%s/types.yaml" % rules,
        # The fixture catalog keeps its kinds through a pattern rule.
        "allow = Component API Location",
        "rule = allow=System,Domain,Resource,Group,User pattern=file:%s/*.yaml" % DATA,
        "rule = allow=Resource:database exact=file:%s/types.yaml" % rules,
        "reading_allow = 127.0.0.1:%d" % stub.port,
        ""])
    try:
        with dropin("60-itest-catalog-ingest.ini", ini):
            restart_main()
            check_placeholders(tmp, ph, stub)
            check_rules(rules)
            check_304(stub)
    finally:
        stub.stop()
        restart_main()
    check(wait_for(lambda: entity("api", "ph-api") is None and
                   entity("user", "rule-user") is None, 30),
          "the ingest test's entities were not deleted as orphans")
    wait_ingested()


def check_placeholders(tmp, ph, stub):
    api_e = wait_for(lambda: entity("api", "ph-api"), 30)
    check(api_e, "ph-api was not ingested")
    check(api_e["spec"]["definition"] == "openapi: 3.0.0\ninfo: v1\n",
          "$text: %r" % api_e["spec"]["definition"])
    check(api_e["metadata"]["labels"] == {"tier": "backend", "n": "1"},
          "$json: %r" % api_e["metadata"]["labels"])
    comp = wait_for(lambda: entity("component", "ph-comp"), 10)
    check(comp and comp["metadata"]["links"] == [{"url": "https://wiki.example.com/ph",
                                                   "title": "Wiki"}],
          "$yaml: %r" % (comp and comp["metadata"]["links"]))
    check(comp["spec"]["schema"] == {"$ref": "#/not/a/placeholder"},
          "a $ref object was touched: %r" % comp["spec"])
    remote = wait_for(lambda: entity("component", "remote-comp"), 30)
    check(remote and remote["metadata"]["description"] == "Served over HTTP",
          "$text under a url: location: %r" % remote)
    check(status_items(ph) == [], "errors on the placeholder file: %r" % status_items(ph))
    # A changed placeholder file is read again on the next round.
    write(os.path.join(tmp, "ph", "specs", "openapi.yaml"), "openapi: 3.0.0\ninfo: v2\n")
    check(wait_for(lambda: (entity("api", "ph-api") or {}).get("spec", {}).get("definition") ==
                   "openapi: 3.0.0\ninfo: v2\n", 20), "the changed $text file was not re-read")
    before = (entity("api", "ph-api"), entity("component", "ph-comp"))
    # A placeholder that cannot be read fails the file: its entities keep
    # their state and the Location shows the error.
    os.unlink(os.path.join(tmp, "ph", "labels.json"))
    items = wait_for(lambda: status_items(ph), 20)
    labels = os.path.join(tmp, "ph", "labels.json")
    want = ("Processor PlaceholderProcessor threw an error while preprocessing; caused by "
            "Error: Placeholder $json could not read location ./labels.json, NotFoundError: "
            "file %s does not exist" % labels)
    check(items and len(items) == 1 and items[0]["error"] == {"name": "InputError",
                                                              "message": want}
          and items[0]["message"] == "InputError: " + want, "status.items %r" % items)
    write(os.path.join(tmp, "ph", "specs", "openapi.yaml"), "openapi: 3.0.0\ninfo: v3\n")
    write(os.path.join(tmp, "ph", "labels.json"), "{not json")
    items = wait_for(lambda: (lambda i: i if i and "parse JSON" in i[0]["message"] else None)(
        status_items(ph)), 20)
    check(items and items[0]["error"]["message"].startswith(
        "Processor PlaceholderProcessor threw an error while preprocessing; caused by Error: "
        "Placeholder $json failed to parse JSON data at ./labels.json, SyntaxError: "),
          "status.items %r" % items)
    check((entity("api", "ph-api"), entity("component", "ph-comp")) == before,
          "a failing placeholder changed the file's entities")
    write(os.path.join(tmp, "ph", "labels.json"), '{"tier": "frontend"}')
    check(wait_for(lambda: status_items(ph) == [], 20), "the error did not clear")
    got = wait_for(lambda: (lambda e: e if e and e["metadata"]["labels"] == {"tier": "frontend"}
                            else None)(entity("api", "ph-api")), 20)
    check(got and got["spec"]["definition"] == "openapi: 3.0.0\ninfo: v3\n",
          "fixed placeholders not applied: %r" % got)


def not_allowed(ref, loc):
    return [{"name": "NotAllowedError",
             "message": "Entity %s at %s, originated at %s, is not of an allowed kind for "
                        "that location" % (ref, loc, loc)}]


def check_rules(rules):
    check(wait_for(lambda: entity("user", "rule-user") and entity("group", "rule-group"), 20),
          "the per-location allow=User,Group did not let org.yaml in")
    check(wait_for(lambda: entity("resource", "rule-db"), 20),
          "allow=Resource:database did not let types.yaml in")
    check(wait_for(lambda: entity("component", "mixed-ok"), 20), "mixed-ok was not ingested")
    # A kind, then a spec.type, that no rule allows for the file's origin.
    write(os.path.join(rules, "mixed.yaml"), component("mixed-ok", "  system: changed\n") +
          "---\n" + USER % "mixed-user")
    write(os.path.join(rules, "types.yaml"), resource("rule-db", "database") + "---\n" +
          resource("rule-bucket", "s3-bucket"))
    for name, ref in (("mixed.yaml", "user:default/mixed-user"),
                      ("types.yaml", "resource:default/rule-bucket")):
        loc = "file:%s/%s" % (rules, name)
        items = wait_for(lambda: status_items(loc), 20)
        got = [i["error"] for i in items or []]
        check(got == not_allowed(ref, loc), "%s: %r" % (name, got))
    # One disallowed entity fails its whole file: the others keep their state.
    check("system" not in entity("component", "mixed-ok")["spec"],
          "mixed-ok was updated from a failing file")
    check(entity("user", "mixed-user") is None, "mixed-user was ingested")
    check(entity("resource", "rule-bucket") is None, "rule-bucket was ingested")
    # The fixture's Groups, Users, Systems pass the pattern rule.
    for f in ("all.yaml", "org.yaml"):
        items = status_items("file:%s/%s" % (DATA, f))
        check(items == [], "fixture %s: %r" % (f, items))
    nested = entity("location", "oracle-fixtures")
    check(nested and "status" not in nested, "fixture oracle-fixtures: %r" % nested)


def check_304(stub):
    def reused(path):
        reqs = stub.requests(path)
        return len([s for s, _ in reqs if s == 304]) >= 2 and reqs
    for path in ("/remote.yaml", "/docs/desc.txt"):
        reqs = wait_for(lambda: reused(path), 20)
        check(reqs, "no 304s for %s: %r" % (path, stub.requests(path)))
        check([s for s, _ in reqs].count(200) == 1 and reqs[0] == (200, "-") and
              all(inm.startswith('"') for s, inm in reqs[1:]), "%s: %r" % (path, reqs))
    check(entity("component", "remote-comp")["metadata"]["description"] == "Served over HTTP",
          "remote-comp changed on 304s")


@test
def catalog_ingest_orphan_keep_then_delete():
    tmp = os.path.join(itest.VAR, "catalog-orphans")
    shutil.rmtree(tmp, ignore_errors=True)
    path = os.path.join(tmp, "o.yaml")
    write(path, component("orphan-stays") + "---\n" + component("orphan-goes"))
    ini = "[catalog]\nlocation = file:%s\norphan_strategy = %s\n"
    try:
        keep_then_delete(path, ini)
    finally:
        restart_main()
    check(wait_for(lambda: entity("component", "orphan-stays") is None, 30),
          "orphan-stays was not deleted once its location was gone")
    wait_ingested()


def keep_then_delete(path, ini):
    with dropin("60-itest-catalog-orphans.ini", ini % (path, "keep")):
        restart_main()
        first = wait_for(lambda: entity("component", "orphan-goes"), 30)
        check(first, "orphan-goes was not ingested")
        check("backstage.io/orphan" not in first["metadata"]["annotations"],
              "orphan flag on a fresh entity")
        write(path, component("orphan-stays"))
        kept = wait_for(lambda: (lambda e: e if e and e["metadata"]["annotations"].get(
            "backstage.io/orphan") == "true" else None)(entity("component", "orphan-goes")), 20)
        check(kept, "orphan-goes was not kept flagged: %r" % entity("component", "orphan-goes"))
        r = api("/entities?filter=kind=component,metadata.annotations.backstage.io/orphan=true"
                "&fields=metadata.name")
        check(r.status == 200 and r.json() == [{"metadata": {"name": "orphan-goes"}}],
              "orphan filter: %r" % r)
        check("backstage.io/orphan" not in entity("component", "orphan-stays")["metadata"][
            "annotations"], "orphan-stays flagged")
    with dropin("60-itest-catalog-orphans.ini", ini % (path, "delete")):
        restart_main()
        check(wait_for(lambda: entity("component", "orphan-goes") is None, 20),
              "orphan_strategy = delete did not delete the kept orphan")
        check(entity("component", "orphan-stays"), "orphan-stays was deleted")


EDGES = """
BEGIN;
INSERT INTO catalog.refresh_state (entity_ref, unprocessed_entity, unprocessed_hash)
  VALUES ('component:itest/edge-a', '{}', 'x'), ('component:itest/edge-b', '{}', 'x'),
         ('component:itest/edge-c', '{}', 'x');
INSERT INTO catalog.refresh_state_references (source_key, source_entity_ref, target_entity_ref)
  VALUES ('itest-edges', NULL, 'component:itest/edge-a'),
         (NULL, 'component:itest/edge-a', 'component:itest/edge-b'),
         (NULL, 'component:itest/edge-b', 'component:itest/edge-c'),
         (NULL, 'component:itest/edge-c', 'component:itest/edge-a');
DELETE FROM catalog.refresh_state WHERE entity_ref = 'component:itest/edge-b';
SELECT coalesce(source_key, source_entity_ref) || ' > ' || target_entity_ref
  FROM catalog.refresh_state_references
  WHERE source_key = 'itest-edges' OR source_entity_ref LIKE 'component:itest/edge-%'
  ORDER BY 1;
TRUNCATE catalog.refresh_state CASCADE;
SELECT 'left after TRUNCATE: ' || count(*) FROM catalog.refresh_state_references;
ROLLBACK;
"""


@test
def catalog_edges_go_with_their_entities():
    # No foreign keys on the edges (011_edges_without_fk.sql): deleting a
    # processing row removes the edges from it and to it, in the same
    # statement; TRUNCATE removes them all.  One transaction, rolled back.
    out = itest.psql_script(EDGES).splitlines()
    check(out == ["component:itest/edge-c > component:itest/edge-a",
                  "itest-edges > component:itest/edge-a",
                  "left after TRUNCATE: 0"], "edges: %r" % out)


def refused_at_startup(name, ini, what, message):
    """Runs pool main's stagehandd with a drop-in; it must exit naming the key."""
    dev_ok("pool", "stop", "main")
    try:
        with dropin(name, ini):
            rc, out, err = stagehandd("--pool", "main", timeout=30)
    finally:
        dev_ok("pool", "start", "main")
        wait_status("/api/shtest/public", 200)
    check(rc != 0, "stagehandd started with %s (rc %d)" % (what, rc))
    check(message in err, "stderr %r" % err[-800:])


@test
def catalog_ingest_bad_rule_stops_startup():
    refused_at_startup("60-itest-catalog-badrule.ini",
                       "[catalog]\nrule = allow=Component locations=file:/x\n", "a bad rule",
                       '[catalog] rule "allow=Component locations=file:/x": "locations=file:/x"')


@test
def catalog_too_small_database_pool_stops_startup():
    refused_at_startup("60-itest-catalog-pool.ini", "[database]\npool_size = 2\n",
                       "pool_size = 2",
                       "[database] pool_size: the catalog needs at least 3 connections")
