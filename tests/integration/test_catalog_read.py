"""Integration tests of the catalog's read API through nginx, on the fixture
catalog (tests/data/catalog): exact JSON of GET and POST /entities/by-query
(filters, orderField with entities lacking the field left out, full-text,
totalItems, limit=0, cursors forward and back, the cursor's Backstage
format), POST /entities/by-refs (alignment, nulls, fields, filter, body
errors), GET /entity-facets, and url: locations read from the stub
tests/stubs/files.py (ETag reuse, a host reading_allow refuses, a 404)."""

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request

from itest import (check, check_json, error_body, get, request, restart_main, test,
                   wait_for)
import itest
from test_catalog import FIXTURE_COUNT, wait_ingested

TOKEN = "test-user:jane"
BASE = "/api/catalog"
COMPONENTS = ["billing-portal", "checkout-service", "checkout-web", "fraud-detector",
              "invoice-service", "money-lib", "payment-gateway", "ui-kit"]


def api(path):
    return get(BASE + path, TOKEN)


def post(path, body, ctype="application/json"):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return request("POST", BASE + path, headers={"Authorization": "Bearer " + TOKEN,
                                                 "Content-Type": ctype}, body=data)


def ok(r, what):
    check(r.status == 200, "%s: %d %r" % (what, r.status, r.body[:400]))
    return r.json()


def by_query(query):
    return ok(api("/entities/by-query" + query), "GET /entities/by-query" + query)


def names(page):
    return [e["metadata"]["name"] for e in page["items"]]


def q(s):
    return urllib.parse.quote(s, safe="")


def decode(cursor):
    """The cursor as the client peeks at it: atob + JSON.parse, key order kept."""
    return json.loads(base64.b64decode(cursor, validate=True).decode("utf-8"))


def uid_of(kind, ns, name):
    return ok(api("/entities/by-name/%s/%s/%s" % (kind, ns, name)), "by-name")["metadata"]["uid"]


@test
def catalog_read_by_query_filters():
    wait_ingested()
    page = by_query("?filter=kind=component,spec.type=service&fields=metadata.name")
    check(sorted(names(page)) == ["checkout-service", "fraud-detector", "invoice-service",
                                  "payment-gateway"], "services %r" % names(page))
    check(page["totalItems"] == 4 and page["pageInfo"] == {}, "page %r" % page)
    # Ordered; the key is matched lower-cased; entities without a title
    # (users, locations, payments-queue) are left out, also from the count.
    r = api("/entities/by-query?orderField=Metadata.Title,desc&fields=metadata.title")
    check_json(r, {"items": [{"metadata": {"title": t}} for t in [
        "UI Kit", "Platform Team", "Payments Team", "Payments", "Payment Gateway API",
        "Payment Gateway", "Money Library", "Invoice Service", "Invoice events",
        "Fraud Detector", "Engineering", "Checkout Web", "Checkout Service",
        "Checkout database", "Checkout API", "Checkout", "Billing Portal", "Billing"]],
        "totalItems": 18, "pageInfo": {}})
    page = by_query("?filter=kind=component&orderField=metadata.name,asc&fields=metadata.name")
    check(names(page) == COMPONENTS and page["totalItems"] == 8, "asc %r" % page)
    page = by_query("?filter=kind=component&orderField=metadata.name,desc&fields=metadata.name")
    check(names(page) == COMPONENTS[::-1], "desc %r" % names(page))
    # Full text: trimmed, lower-cased, substring of the named fields.
    check_json(api("/entities/by-query?fullTextFilterTerm=%20CHECKOUT%20"
                   "&fullTextFilterFields=metadata.name&orderField=metadata.name,asc"
                   "&fields=metadata.name,kind"),
               {"items": [{"kind": "System", "metadata": {"name": "checkout"}},
                          {"kind": "API", "metadata": {"name": "checkout-api"}},
                          {"kind": "Resource", "metadata": {"name": "checkout-db"}},
                          {"kind": "Component", "metadata": {"name": "checkout-service"}},
                          {"kind": "Component", "metadata": {"name": "checkout-web"}}],
                "totalItems": 5, "pageInfo": {}})
    # Default field: the order field.
    page = by_query("?orderField=metadata.name,asc&fullTextFilterTerm=pay&fields=metadata.name")
    check(names(page) == ["payment-gateway", "payment-gateway-api", "payments", "payments-queue",
                          "payments-team"], "default full-text field %r" % names(page))
    # Several fields, one of them in another case.
    page = by_query("?fullTextFilterTerm=spring&fullTextFilterFields=Metadata.Tags,kind"
                    "&fields=metadata.name")
    check(names(page) == ["checkout-service"], "tags full-text %r" % names(page))
    # No field, no order: metadata.uid only.
    uid = uid_of("component", "default", "money-lib")
    page = by_query("?fullTextFilterTerm=%s&fields=metadata.name" % uid[:13].upper())
    check(names(page) == ["money-lib"], "uid full-text %r" % page)
    check(by_query("?fullTextFilterTerm=money&fields=metadata.name")["items"] == [],
          "money matched outside metadata.uid")
    # totalItems=exclude, limit=0, an offset past the end.
    check_json(api("/entities/by-query?filter=kind=user&totalItems=exclude&fields=kind"),
               {"items": [{"kind": "User"}] * 5, "totalItems": 0, "pageInfo": {}})
    check_json(api("/entities/by-query?filter=kind=user&limit=0"),
               {"items": [], "totalItems": 5, "pageInfo": {}})
    check_json(api("/entities/by-query?limit=0"),
               {"items": [], "totalItems": FIXTURE_COUNT, "pageInfo": {}})
    check_json(api("/entities/by-query?filter=kind=component&offset=100&limit=5"),
               {"items": [], "totalItems": 8, "pageInfo": {}})
    # 400s.
    r = api("/entities/by-query?orderField=metadata.name,up")
    check(r.status == 400, "bad order: %d" % r.status)
    check_json(r, error_body(400, "InputError", "Invalid order field order, must be asc or desc"))
    r = api("/entities/by-query?totalItems=all")
    check(r.status == 400, "totalItems=all: %d" % r.status)
    check_json(r, error_body(400, "InputError", "request/query/totalItems must be equal to one "
                             "of the allowed values: include, exclude"))
    r = api("/entities/by-query?limit=-1")
    check(r.status == 400, "limit=-1: %d" % r.status)
    r = api("/entities/by-query?cursor=%21%21%21")
    check(r.status == 400 and r.json()["error"]["message"].startswith("Malformed cursor: "),
          "bad cursor: %r" % r)


@test
def catalog_read_by_query_cursors():
    query = "?filter=kind=component&orderField=metadata.name,asc&limit=3&fields=metadata.name"
    p1 = by_query(query)
    check(names(p1) == COMPONENTS[:3] and p1["totalItems"] == 8, "page 1 %r" % p1)
    check(list(p1["pageInfo"]) == ["nextCursor"], "page 1 pageInfo %r" % p1["pageInfo"])
    c1 = p1["pageInfo"]["nextCursor"]
    # Backstage's cursor: the keys (in its order) and values; `query` makes
    # the client continue with POST.
    uids = {n: uid_of("component", "default", n) for n in COMPONENTS[:3]}
    cur = decode(c1)
    check(list(cur) == ["orderFields", "isPrevious", "query", "fullTextFilter",
                        "orderFieldValues", "firstSortFieldValues", "totalItems"],
          "cursor keys %r" % list(cur))
    check(cur == {"orderFields": [{"field": "metadata.name", "order": "asc"}],
                  "isPrevious": False,
                  "query": {"$any": [{"$all": [{"kind": "component"}]}]},
                  "fullTextFilter": {"term": ""},
                  "orderFieldValues": ["checkout-web", uids["checkout-web"]],
                  "firstSortFieldValues": ["billing-portal", uids["billing-portal"]],
                  "totalItems": 8}, "cursor %r" % cur)
    check(c1 == base64.b64encode(json.dumps(cur, separators=(",", ":")).encode()).decode(),
          "cursor is not standard padded base64 of compact JSON: %r" % c1)
    # Forward; a cursor request ignores filter, orderField, fullText, totalItems.
    p2 = by_query("?cursor=%s&limit=3&fields=metadata.name&filter=kind=api&totalItems=exclude"
                  "&orderField=metadata.name,desc&fullTextFilterTerm=zzz" % q(c1))
    check(names(p2) == COMPONENTS[3:6] and p2["totalItems"] == 8, "page 2 %r" % p2)
    check(sorted(p2["pageInfo"]) == ["nextCursor", "prevCursor"], "page 2 %r" % p2["pageInfo"])
    p3 = by_query("?cursor=%s&limit=3&fields=metadata.name" % q(p2["pageInfo"]["nextCursor"]))
    check(names(p3) == COMPONENTS[6:] and list(p3["pageInfo"]) == ["prevCursor"],
          "page 3 %r" % p3)
    prev = decode(p3["pageInfo"]["prevCursor"])
    check(prev["isPrevious"] is True and prev["orderFieldValues"][0] == "payment-gateway"
          and prev["firstSortFieldValues"] == cur["firstSortFieldValues"],
          "prevCursor %r" % prev)
    # Back: page 2 again, then page 1 (no prevCursor: it is the first page).
    b2 = by_query("?cursor=%s&limit=3&fields=metadata.name" % q(p3["pageInfo"]["prevCursor"]))
    check(names(b2) == COMPONENTS[3:6] and sorted(b2["pageInfo"]) == ["nextCursor", "prevCursor"],
          "back to page 2 %r" % b2)
    b1 = by_query("?cursor=%s&limit=3&fields=metadata.name" % q(b2["pageInfo"]["prevCursor"]))
    check(names(b1) == COMPONENTS[:3] and list(b1["pageInfo"]) == ["nextCursor"],
          "back to page 1 %r" % b1)
    # The client's continuation: POST with {cursor, limit, fields}.
    r = post("/entities/by-query", {"cursor": c1, "limit": 3, "fields": ["metadata.name"]})
    check(ok(r, "POST cursor") == p2, "POST continuation %r" % r.body[:300])
    # Unordered: by uid, every user once over the pages.
    seen, path = [], "/entities/by-query?filter=kind=user&limit=2&fields=metadata.uid"
    for _ in range(5):
        page = by_query(path[len("/entities/by-query"):])
        check(page["totalItems"] == 5, "unordered total %r" % page)
        seen += [e["metadata"]["uid"] for e in page["items"]]
        nxt = page["pageInfo"].get("nextCursor")
        if not nxt:
            break
        check(list(decode(nxt)["orderFieldValues"]) == [seen[-1]], "unordered cursor")
        path = "/entities/by-query?limit=2&fields=metadata.uid&cursor=" + q(nxt)
    check(len(seen) == 5 and seen == sorted(seen), "unordered walk %r" % seen)


@test
def catalog_read_post_by_query():
    r = post("/entities/by-query", {"query": {"kind": "API"}, "limit": 2,
                                    "orderBy": [{"field": "metadata.name", "order": "desc"}],
                                    "fields": ["metadata.name"]})
    p1 = ok(r, "POST by-query")
    check(names(p1) == ["payment-gateway-api", "invoice-api"] and p1["totalItems"] == 3,
          "POST page 1 %r" % p1)
    cur = decode(p1["pageInfo"]["nextCursor"])
    check(cur["query"] == {"kind": "API"} and "fullTextFilter" not in cur, "POST cursor %r" % cur)
    p2 = ok(post("/entities/by-query", {"cursor": p1["pageInfo"]["nextCursor"],
                                        "fields": ["metadata.name"]}), "POST page 2")
    check(names(p2) == ["checkout-api"] and list(p2["pageInfo"]) == ["prevCursor"],
          "POST page 2 %r" % p2)
    p = ok(post("/entities/by-query", {
        "query": {"$all": [{"kind": "component"}, {"$not": {"spec.type": "service"}}]},
        "orderBy": [{"field": "metadata.name", "order": "asc"}],
        "fullTextFilter": {"term": "-"}, "fields": ["metadata.name"]}), "POST $not")
    check(names(p) == ["billing-portal", "checkout-web", "money-lib", "ui-kit"],
          "POST $not %r" % names(p))
    p = ok(post("/entities/by-query", {"query": {"metadata.tags": {"$in": ["go", "Python"]}},
                                       "totalItems": "exclude", "fields": ["metadata.name"]}),
           "POST $in")
    check(sorted(names(p)) == ["fraud-detector", "invoice-service", "payment-gateway"]
          and p["totalItems"] == 0, "POST $in %r" % p)
    r = post("/entities/by-query", {"cursor": ""})
    check(r.status == 400, "empty cursor: %d" % r.status)
    check_json(r, error_body(400, "InputError", "Cursor cannot be empty", method="POST",
                             url="/entities/by-query"))
    r = post("/entities/by-query", {"query": "kind=api"})
    check(r.status == 400, "string query: %d" % r.status)
    check_json(r, error_body(400, "InputError", "Query must be an object", method="POST",
                             url="/entities/by-query"))
    # A uid that is not one: a 400, never a database error.
    bad = base64.b64encode(json.dumps({"orderFields": [], "isPrevious": False,
                                       "orderFieldValues": ["x'; --"]}).encode()).decode()
    r = post("/entities/by-query", {"cursor": bad})
    check(r.status == 400, "bad uid in cursor: %d" % r.status)
    check_json(r, error_body(400, "InputError", "Malformed cursor: orderFieldValues must end "
                             "with an entity uid", method="POST", url="/entities/by-query"))
    r = post("/entities/by-query", {"cursor": "bm90IGpzb24="})
    check(r.status == 400 and r.json()["error"]["message"].startswith("Malformed cursor: "),
          "POST bad cursor %r" % r)


REFS_ERROR = ("Malformed request body (did you remember to specify an application/json content "
              "type?), [\n  {\n    \"code\": \"invalid_type\",\n    \"expected\": \"array\",\n"
              "    \"received\": \"%s\",\n    \"path\": [\n      \"entityRefs\"\n    ],\n"
              "    \"message\": \"%s\"\n  }\n]")


@test
def catalog_read_by_refs():
    refs = ["component:default/checkout-web", "component:default/nope", "api:default/checkout-api",
            "Component:default/checkout-web", "component:default/checkout-web",
            "component:risk/fraud-detector"]
    r = post("/entities/by-refs", {"entityRefs": refs, "fields": ["kind", "metadata.name"]})
    web = {"kind": "Component", "metadata": {"name": "checkout-web"}}
    check_json(r, {"items": [web, None, {"kind": "API", "metadata": {"name": "checkout-api"}},
                             None, web,
                             {"kind": "Component", "metadata": {"name": "fraud-detector"}}]})
    # Query-string filter ANDed with the body's predicate; misses stay null.
    r = post("/entities/by-refs?filter=kind=component",
             {"entityRefs": refs, "fields": ["metadata.name"],
              "query": {"spec.type": "website"}})
    check_json(r, {"items": [{"metadata": {"name": "checkout-web"}}, None, None, None,
                             {"metadata": {"name": "checkout-web"}}, None]})
    r = post("/entities/by-refs?filter=kind=api", {"entityRefs": refs[:3]})
    full = ok(api("/entities/by-name/api/default/checkout-api"), "by-name")
    check(ok(r, "by-refs") == {"items": [None, None, full]}, "unprojected %r" % r.body[:300])
    check_json(post("/entities/by-refs", {"entityRefs": []}), {"items": []})
    odd = ['component:default/a"b', "c\\d,{e}", "component:default/checkout-web\",\"x"]
    check_json(post("/entities/by-refs", {"entityRefs": odd + refs[:1], "fields": ["kind"]}),
               {"items": [None, None, None, {"kind": "Component"}]})
    r = post("/entities/by-refs", {"entityRefs": "component:default/checkout-web"})
    check(r.status == 400, "string entityRefs: %d" % r.status)
    check_json(r, error_body(400, "InputError", REFS_ERROR % (
        "string", "Expected array, received string"), method="POST", url="/entities/by-refs"))
    # Not application/json: the body is not read, as by Express.
    r = post("/entities/by-refs", {"entityRefs": refs}, ctype="text/plain")
    check(r.status == 400, "text/plain: %d" % r.status)
    check_json(r, error_body(400, "InputError", REFS_ERROR % ("undefined", "Required"),
                             method="POST", url="/entities/by-refs"))
    r = post("/entities/by-refs", {"entityRefs": refs, "query": ["kind"]})
    check(r.status == 400, "array query: %d" % r.status)
    r = post("/entities/by-refs?fields=kind", {"entityRefs": refs})
    check(r.status == 400, "fields in the query string: %d" % r.status)


@test
def catalog_read_facets():
    def facet(query, key):
        return ok(api("/entity-facets" + query), "facets" + query)["facets"][key]

    check_json(api("/entity-facets?facet=kind"), {"facets": {"kind": [
        {"value": "API", "count": 3}, {"value": "Component", "count": 8},
        {"value": "Domain", "count": 1}, {"value": "Group", "count": 3},
        {"value": "Location", "count": 3}, {"value": "Resource", "count": 2},
        {"value": "System", "count": 2}, {"value": "User", "count": 5}]}})
    check(facet("?facet=spec.type&filter=kind=component", "spec.type") ==
          [{"value": "library", "count": 2}, {"value": "service", "count": 4},
           {"value": "website", "count": 2}], "spec.type")
    tags = {t["value"]: t["count"] for t in
            facet("?facet=metadata.tags&filter=kind=component", "metadata.tags")}
    check(tags == {"customer-facing": 2, "go": 1, "java": 2, "library": 2, "ml": 1, "pci": 1,
                   "python": 2, "react": 3, "spring": 1, "typescript": 2}, "tags %r" % tags)
    # The key echoes the request; relation targets are refs.
    check_json(api("/entity-facets?facet=relations.ownedBy&filter=kind=component"),
               {"facets": {"relations.ownedBy": [
                   {"value": "group:default/payments-team", "count": 6},
                   {"value": "group:default/platform-team", "count": 1},
                   {"value": "user:default/carol", "count": 1}]}})
    # Original case, several facets at once, an unknown one.
    check_json(api("/entity-facets?facet=spec.profile.displayName&facet=nope&filter=kind=group"),
               {"facets": {"spec.profile.displayName": [
                   {"value": "Engineering", "count": 1}, {"value": "Payments Team", "count": 1},
                   {"value": "Platform Team", "count": 1}], "nope": []}})
    r = api("/entity-facets")
    check(r.status == 400, "no facet: %d" % r.status)
    check_json(r, error_body(400, "InputError", "Missing facet parameter"))


# ------------------------------------------------------------ url: locations

URL_COMPONENT = """apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: url-root
spec:
  targets: [./url-widget.yaml]
"""

URL_WIDGET = """apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: url-widget
  annotations:
    backstage.io/view-url: https://example.com/own-view
spec:
  type: service
  lifecycle: experimental
  owner: payments-team
"""

NOT_ALLOWED = ("Unable to read url, NotAllowedError: Reading from '%s' is not allowed. You may "
               "need to configure an integration for the target host, or add it to the "
               "configured list of allowed hosts at 'backend.reading.allow'")


def location_path(target):
    name = "generated-" + hashlib.sha1(("url:" + target).encode()).hexdigest()
    return "/entities/by-name/location/default/" + name


def status_messages(path):
    r = api(path)
    if r.status != 200:
        return None
    return [(i["error"]["name"], i["message"]) for i in r.json().get("status", {}).get("items", [])]


class Stub:
    """tests/stubs/files.py over a directory, its request log in a file."""

    def __init__(self, root):
        self.log = os.path.join(root, "..", "files-stub.log")
        port_file = os.path.join(root, "..", "files-stub.port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        self.err = open(self.log, "w")
        self.proc = subprocess.Popen([sys.executable, "-B",
                                      os.path.join(itest.REPO, "tests", "stubs", "files.py"),
                                      "--root", root, "--port", "0", "--port-file", port_file],
                                     stdout=subprocess.DEVNULL, stderr=self.err)
        got = wait_for(lambda: os.path.exists(port_file) and open(port_file).read().strip(), 10,
                       0.05)
        check(got, "the files stub did not start")
        self.port = int(got)

    def requests(self, path):
        """[(status, if-none-match)] of the GETs of path so far."""
        out = []
        with open(self.log) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 4 and parts[0] == "GET" and parts[1] == path:
                    out.append((int(parts[2]), parts[3][len("inm="):]))
        return out

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.err.close()


def url_get(url):
    """A plain GET of the stub's control paths."""
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status


@test
def catalog_read_url_locations():
    """A configured url: Location read from the stub: its entities, ETag
    reuse, a 404 and then a host reading_allow no longer names, shown in the
    status.items of the Location that reads the file (a Location that never
    processed is not visible at all, spec section 7.5)."""
    root = os.path.join(itest.VAR, "catalog-url", "root")
    shutil.rmtree(os.path.dirname(root), ignore_errors=True)
    os.makedirs(root)
    with open(os.path.join(root, "url-root.yaml"), "w") as f:
        f.write(URL_COMPONENT)
    with open(os.path.join(root, "url-widget.yaml"), "w") as f:
        f.write(URL_WIDGET)
    stub = Stub(root)
    base = "http://127.0.0.1:%d" % stub.port
    ini = "[catalog]\nlocation = url:%s/url-root.yaml\n" % base
    allow = "reading_allow = 127.0.0.1:%d /url-\n" % stub.port
    try:
        with itest.dropin("60-itest-catalog-url.ini", ini + allow):
            restart_main()
            widget = wait_for(lambda: (lambda r: r.status == 200 and r)(
                api("/entities/by-name/component/default/url-widget")), 30)
            check(widget, "url-widget was not read from %s" % base)
            ann = widget.json()["metadata"]["annotations"]
            # Its own view-url wins; without an SCM integration for the host
            # there is no edit-url and no source-location (spec section 9.1).
            check(ann == {
                "backstage.io/view-url": "https://example.com/own-view",
                "backstage.io/managed-by-location": "url:%s/url-widget.yaml" % base,
                "backstage.io/managed-by-origin-location": "url:%s/url-root.yaml" % base,
            }, "annotations %r" % ann)
            # The next rounds send the ETag and get 304s; the body was read once.
            reused = wait_for(lambda: any(s == 304 for s, _ in stub.requests("/url-widget.yaml")),
                              20)
            reqs = stub.requests("/url-widget.yaml")
            check(reused, "no 304 for url-widget.yaml: %r" % reqs)
            check([s for s, _ in reqs].count(200) == 1 and reqs[0][1] == "-" and
                  all(inm != "-" for s, inm in reqs if s == 304), "requests %r" % reqs)
            check(ok(api("/entities/by-name/component/default/url-widget"), "widget") ==
                  widget.json(), "the entity changed on a 304")
            # The file goes 404: url-root's status says so, the widget stays.
            url_get(base + "/_set?path=/url-widget.yaml&status=404")
            root_path = "/entities/by-name/location/default/url-root"
            msgs = wait_for(lambda: status_messages(root_path), 20)
            check(msgs == [("NotFoundError", "NotFoundError: Unable to read url, NotFoundError: "
                            "could not read %s/url-widget.yaml, 404 Not Found" % base)],
                  "404: %r" % msgs)
            check(stub.requests("/url-widget.yaml")[-1][0] == 404, "no 404 served")
            check(ok(api("/entities/by-name/component/default/url-widget"), "widget") ==
                  widget.json(), "the entity changed on a 404")
            url_get(base + "/_reset")
        # The host is no longer allowed: the configured Location fails.
        with itest.dropin("60-itest-catalog-url.ini", ini):
            n_before = len(stub.requests("/url-root.yaml"))
            restart_main()
            target = "%s/url-root.yaml" % base
            msgs = wait_for(lambda: status_messages(location_path(target)), 20)
            # Backstage's UrlReaderProcessor wraps what is not a NotFoundError
            # in a plain Error (processingResult.generalError).
            check(msgs == [("Error", "Error: " + NOT_ALLOWED % target)],
                  "not allowed: %r" % msgs)
            check(len(stub.requests("/url-root.yaml")) == n_before, "a refused URL was read")
    finally:
        stub.stop()
    restart_main()
    check(wait_for(lambda: api("/entities/by-name/component/default/url-widget").status == 404,
                   30), "url-widget was not deleted as an orphan")
    wait_ingested()
