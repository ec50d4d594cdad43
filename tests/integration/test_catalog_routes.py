"""Integration tests of the catalog's remaining routes through nginx, on the
fixture catalog: DELETE /entities/by-uid (the entity comes back while its
location still emits it), the ancestry walk, POST /entity-facets, the
predicate form on every POST that takes `query`, /validate-entity with its
{errors} body, and /analyze-location."""

import hashlib
import json
import os

from itest import ANY, check, check_json, error_body, psql, request, test, wait_for
import itest
from test_catalog import BASE, TOKEN, api, entities, wait_ingested

DATA = os.path.join(itest.REPO, "tests", "data", "catalog")
ALL_LOCATION = "location:default/generated-" + hashlib.sha1(
    ("file:%s/all.yaml" % DATA).encode()).hexdigest()


def call(method, path, body=None, ctype="application/json", raw=None):
    headers = {"Authorization": "Bearer " + TOKEN}
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    if ctype:
        headers["Content-Type"] = ctype
    return request(method, BASE + path, headers=headers, body=data)


def post(path, body=None, **kw):
    return call("POST", path, body, **kw)


def check_400(r, message, url, name="InputError"):
    check(r.status == 400, "status %d %r" % (r.status, r.body[:300]))
    check_json(r, error_body(400, name, message, method="POST", url=url))


@test
def catalog_routes_ancestry():
    wait_ingested()
    r = api("/entities/by-name/Component/default/Checkout-Service/ancestry")
    check(r.status == 200, "status %d %r" % (r.status, r.body[:300]))
    body = r.json()
    check(body["rootEntityRef"] == "component:default/checkout-service",
          "rootEntityRef %r" % body["rootEntityRef"])
    got = [(i["entity"]["kind"], i["entity"]["metadata"]["name"], i["parentEntityRefs"])
           for i in body["items"]]
    check(got == [("Component", "checkout-service", ["location:default/oracle-fixtures"]),
                  ("Location", "oracle-fixtures", [ALL_LOCATION]),
                  ("Location", ALL_LOCATION.split("/")[1], [])], "ancestry %r" % got)
    # Items are the stored final entities.
    check(body["items"][0]["entity"] ==
          api("/entities/by-name/component/default/checkout-service").json(), "root entity")
    r = api("/entities/by-name/component/default/nope/ancestry")
    check(r.status == 404, "status %d" % r.status)
    check_json(r, error_body(404, "NotFoundError", "No such entity component:default/nope",
                             url="/entities/by-name/component/default/nope/ancestry"))


def ui_kit():
    r = api("/entities/by-name/component/default/ui-kit")
    return r.json() if r.status == 200 else None


def carol_owns_ui_kit():
    carol = api("/entities/by-name/user/default/carol").json()
    return {"type": "ownerOf", "targetRef": "component:default/ui-kit"} in carol["relations"]


@test
def catalog_routes_delete_by_uid():
    wait_ingested()
    before = ui_kit()
    check(before and carol_owns_ui_kit(), "fixture: ui-kit owned by carol")
    uid = before["metadata"]["uid"]
    for gone in ("00000000-0000-4000-8000-000000000000", "not-a-uid"):
        r = call("DELETE", "/entities/by-uid/" + gone, ctype=None)
        check(r.status == 204 and r.body == b"", "DELETE unknown %s: %r" % (gone, r))
    r = call("DELETE", "/entities/by-uid/" + uid, ctype=None)
    check(r.status == 204 and r.body == b"", "DELETE: %r" % r)
    r = api("/entities/by-uid/" + uid)
    check(r.status == 404, "by-uid after DELETE: %d" % r.status)
    check(psql("SELECT count(*) FROM catalog.relations WHERE originating_entity_id = '%s'"
               % uid).strip() == "0", "relations it originated are gone")
    # all.yaml's Location still emits it: back on its parent's next run,
    # with a new uid, and carol's relations re-stitched around it.
    back = wait_for(lambda: (e := ui_kit()) and e["metadata"]["uid"] != uid and e, 20)
    check(back, "ui-kit did not come back")
    for k in ("metadata", "spec", "relations"):
        if k == "metadata":
            want = dict(before["metadata"], uid=ANY, etag=ANY)
            check(not itest.json_diff(want, back["metadata"]), "metadata %r" % back["metadata"])
        else:
            check(back[k] == before[k], "%s differs: %r" % (k, back[k]))
    check(wait_for(carol_owns_ui_kit, 10), "carol's ownerOf ui-kit not restored")
    check(wait_for(lambda: psql("SELECT count(*) FROM catalog.stitch_queue").strip() == "0", 10),
          "stitch queue not drained")
    wait_ingested()


@test
def catalog_routes_facets_post():
    wait_ingested()
    get = api("/entity-facets?facet=kind&facet=spec.type&filter=kind=component").json()
    r = post("/entity-facets", {"facets": ["kind", "spec.type"], "query": {"kind": "component"}})
    check(r.status == 200, "status %d %r" % (r.status, r.body[:300]))
    check(r.json() == get, "POST %r != GET %r" % (r.json(), get))
    check(get["facets"]["kind"] == [{"value": "Component", "count": 8}], "kind %r" % get)
    r = post("/entity-facets", {"facets": ["Kind", ""]})
    check(r.status == 200 and list(r.json()["facets"]) == ["Kind"], "%r" % r)
    r = post("/entity-facets", {"facets": ["metadata.tags"],
                                "query": {"$all": [{"kind": "component"},
                                                   {"spec.type": {"$in": ["library"]}}]}})
    check(r.json() == {"facets": {"metadata.tags": [
        {"value": "java", "count": 1}, {"value": "library", "count": 2},
        {"value": "react", "count": 1}, {"value": "typescript", "count": 1}]}}, "%r" % r.json())
    url = "/entity-facets"
    check_400(post(url, {}), "request/body must have required property 'facets'", url)
    check_400(post(url, {"facets": "kind"}), "request/body/facets must be array", url)
    check_400(post(url, {"facets": ["kind", 3]}), "request/body/facets/1 must be string", url)
    check_400(post(url, {"facets": []}), "Missing or empty facets parameter", url)
    check_400(post(url, {"facets": [""]}), "Missing or empty facets parameter", url)
    check_400(post(url, {"facets": ["kind"], "query": "kind"}),
              "request/body/query must be object", url)
    check_400(post(url, {"facets": ["kind"], "query": {"kind": None}}),
              "Invalid filter predicate value for field \"kind\": expected a primitive value, "
              "$exists, $in, $hasPrefix, or $contains operator, but got null", url)
    check_400(post(url, {"facets": ["kind"], "query": {"$foo": 1}}),
              "Invalid filter predicate: unknown operator \"$foo\"", url)


def refs_names(query):
    refs = ["component:default/checkout-service", "api:default/checkout-api",
            "user:default/carol", "component:default/ui-kit"]
    r = post("/entities/by-refs", {"entityRefs": refs, "fields": ["metadata.name"],
                                   "query": query})
    check(r.status == 200, "by-refs %r: %d %r" % (query, r.status, r.body[:300]))
    return [i and i["metadata"]["name"] for i in r.json()["items"]]


def query_names(query):
    r = post("/entities/by-query", {"query": query, "fields": ["metadata.name"],
                                    "orderBy": [{"field": "metadata.name", "order": "asc"}]})
    check(r.status == 200, "by-query %r: %d %r" % (query, r.status, r.body[:300]))
    return [i["metadata"]["name"] for i in r.json()["items"]]


@test
def catalog_routes_predicates():
    """Spec section 4.2 on by-refs and by-query."""
    wait_ingested()
    check(refs_names({}) == ["checkout-service", "checkout-api", "carol", "ui-kit"], "{}")
    check(refs_names({"$all": []}) == ["checkout-service", "checkout-api", "carol", "ui-kit"],
          "$all: []")
    check(refs_names({"$any": []}) == [None] * 4, "$any: []")
    check(refs_names({"$not": {"kind": "API"}}) == ["checkout-service", None, "carol", "ui-kit"],
          "$not")
    check(refs_names({"kind": "component", "spec.lifecycle": "deprecated"}) ==
          [None, None, None, "ui-kit"], "two keys AND")
    check(refs_names({"$any": [{"kind": "user"}, {"metadata.name": {"$hasPrefix": "CHECKOUT-A"}}]})
          == [None, "checkout-api", "carol", None], "$any/$hasPrefix")
    check(refs_names({"spec.owner": {"$exists": False}}) == [None, None, "carol", None],
          "$exists false")
    check(refs_names({"metadata.tags": {"$contains": "React"}}) == [None, None, None, "ui-kit"],
          "$contains")
    check(query_names({"relations": {"$contains": {"type": "ownedBy",
                                                   "targetRef": "user:default/carol"}}})
          == ["ui-kit"], "relations $contains")
    check(query_names({"relations": {"$contains": {"type": "memberOf", "targetRef": {
        "$in": ["group:default/payments-team"]}}}}) == ["alice", "bob"], "relations $in")
    check(query_names({"kind": {"$in": ["Domain", "SYSTEM"]}}) ==
          ["billing", "checkout", "payments"], "kind $in")
    url = "/entities/by-refs"
    body = {"entityRefs": ["user:default/carol"]}
    check_400(post(url, dict(body, query={"$all": [], "kind": "x"})),
              "Invalid filter predicate: $all, $any and $not must be the only key of their "
              "object, but got {\"$all\":[],\"kind\":\"x\"}", url)
    check_400(post(url, dict(body, query={"$any": ["component"]})),
              "Invalid filter predicate: top-level primitive values are not supported. Wrap the "
              "value in a field expression, e.g. { \"kind\": \"component\" }", url)
    check_400(post(url, dict(body, query={"kind": ["a"]})),
              "Invalid filter predicate value for field \"kind\": expected a primitive value, "
              "$exists, $in, $hasPrefix, or $contains operator, but got [\"a\"]", url)
    check_400(post("/entities/by-query", {"query": "kind"}), "Query must be an object",
              "/entities/by-query")


COMPONENT = {
    "apiVersion": "backstage.io/v1alpha1", "kind": "Component",
    "metadata": {"name": "new-thing"},
    "spec": {"type": "service", "lifecycle": "experimental", "owner": "team-a"},
}
LOCATION = "url:https://github.com/o/r/blob/main/catalog-info.yaml"


def check_errors(r, errors):
    check(r.status == 400, "status %d %r" % (r.status, r.body[:300]))
    check_json(r, {"errors": errors})


@test
def catalog_routes_validate_entity():
    url = "/validate-entity"
    r = post(url, {"entity": COMPONENT, "location": LOCATION})
    check(r.status == 200 and r.body == b"", "valid entity: %r" % r)
    bad = dict(COMPONENT, spec={"lifecycle": "experimental", "owner": "team-a"})
    r = post(url, {"entity": bad, "location": LOCATION})
    check_errors(r, [{"name": "InputError", "message": ANY}])
    msg = r.json()["errors"][0]["message"]
    check("component:default/new-thing" in msg and "type" in msg, "message %r" % msg)
    # Its own location annotations win over the pre-set ones.
    own = json.loads(json.dumps(COMPONENT))
    own["metadata"]["annotations"] = {"backstage.io/managed-by-location": "url:https://x/y"}
    check(post(url, {"entity": own, "location": LOCATION}).status == 200, "own annotations")
    check_errors(post(url, {"entity": COMPONENT, "location": "file:/tmp/x.yaml"}), [{
        "name": "TypeError", "message": "Invalid location ref file:/tmp/x.yaml, only "
        "'url:<target>' is supported, e.g. url:https://host/path"}])
    check_errors(post(url, {"entity": COMPONENT, "location": "nocolon"}), [{
        "name": "TypeError", "message": "Unable to parse location ref 'nocolon', expected "
        "'<type>:<target>', e.g. 'url:https://host/path'"}])
    check_errors(post(url, {"entity": {"apiVersion": "a", "metadata": {"name": "x"}},
                            "location": LOCATION}), [{
        "name": "TypeError",
        "message": "<root> must have required property 'kind' - missingProperty: kind"}])
    check_errors(post(url, {"entity": COMPONENT}), [{
        "name": "InputError", "message": "Malformed request: [\n  {\n    \"code\": "
        "\"invalid_type\",\n    \"expected\": \"string\",\n    \"received\": \"undefined\",\n"
        "    \"path\": [\n      \"location\"\n    ],\n    \"message\": \"Required\"\n  }\n]"}])
    check_errors(post(url, {"entity": COMPONENT, "location": LOCATION}, ctype=None),
                 [{"name": "InputError", "message": "Content-Type missing"}])
    check_errors(post(url, {"entity": COMPONENT, "location": LOCATION}, ctype="text/plain"),
                 [{"name": "InputError", "message": "Illegal Content-Type"}])
    check_errors(post(url, {}), [{"name": "InputError", "message": "Empty request body"}])
    check_errors(post(url, [1]), [{"name": "InputError",
                                   "message": "Expected body to be a JSON object"}])
    # Not JSON at all: the body parser's error, in the standard envelope.
    r = post(url, raw="{nope")
    check(r.status == 400, "bad JSON: %r" % r)
    check_json(r, error_body(400, "InputError", ANY, method="POST", url=url))


@test
def catalog_routes_analyze_location():
    url = "/analyze-location"

    def generated(name, annotations=None):
        meta = {"name": name}
        if annotations:
            meta["annotations"] = annotations
        return {"existingEntityFiles": [], "generateEntities": [{"entity": {
            "apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": meta,
            "spec": {"type": "other", "lifecycle": "unknown"}}, "fields": []}]}

    r = post(url, {"location": {"type": "url", "target": "https://github.com/org/repo"}})
    check(r.status == 200, "status %d %r" % (r.status, r.body[:300]))
    check_json(r, generated("repo", {"github.com/project-slug": "org/repo"}))
    r = post(url, {"location": {"type": "url", "target":
                                "https://github.com/org/my-repo/blob/main/catalog-info.yaml"},
                   "catalogFileName": "catalog-info.yaml"})
    check_json(r, generated("my-repo", {"github.com/project-slug": "org/my-repo"}))
    r = post(url, {"location": {"type": "url", "target": "https://gitlab.com/g/sub/proj.git"},
                   "catalogFilename": "x.yaml"})
    check_json(r, generated("proj", {"gitlab.com/project-slug": "g/sub/proj"}))
    r = post(url, {"location": {"type": "url", "target": "https://git.example.com/a/b"}})
    check_json(r, generated("b"))
    check_400(post(url, {"location": {"type": "url", "target": "not a url"}}),
              "The given location.target is not a URL", url)
    check_400(post(url, {"catalogFileName": "x"}),
              "request/body must have required property 'location'", url)
    check_400(post(url, {"location": {"type": "url"}}),
              "request/body/location must have required property 'target'", url)
    check_400(post(url, {"location": {"type": "url", "target": "https://github.com/o/r",
                                      "x": 1}}),
              "request/body/location must NOT have additional properties", url)
    check_400(post(url, {"location": {"type": "url", "target": 5}}),
              "request/body/location/target must be string", url)
