"""The catalog's provider interface end to end (sql/catalog/012_providers.sql,
docs/catalog.md "Providers"): mutations made with psql on the stack's
database are processed, stitched and served by GET /entities/by-name within
a second (the NOTIFYs wake the tasks: about 60 ms here, where the polls
alone take 1-1.5 s), delta updates and removals likewise, a file
location's entity of the same ref is neither taken over nor removed, and a
full mutation of nothing removes only the provider's own entities.  The
SQL's own semantics, row by row, are in tests/unit/check_catalog_provider.c."""

import json
import time

from itest import check, get, psql, test, wait_for

TOKEN = "test-user:jane"
PROVIDER = "ItestProvider"
KEY = "provider:" + PROVIDER


def entity(kind, name):
    r = get("/api/catalog/entities/by-name/%s/default/%s" % (kind, name), TOKEN)
    return r.json() if r.status == 200 else None


def component(name, lifecycle="production", description=None):
    # Key order is the provider's and is kept: metadata before kind.
    e = {"metadata": {"name": name}, "apiVersion": "backstage.io/v1alpha1",
         "kind": "Component",
         "spec": {"type": "service", "lifecycle": lifecycle, "owner": "group:default/team-a"}}
    if description:
        e["metadata"]["description"] = description
    return json.dumps(e)


def literal(texts):
    """A text[] literal of dollar-quoted texts (none of ours holds $e$)."""
    return "ARRAY[%s]::text[]" % ", ".join("$e$%s$e$" % t for t in texts)


def mutate(call):
    """Runs the call; its (added, updated, removed, unchanged, conflicts)."""
    out = psql("SELECT added, updated, removed, unchanged, conflicts FROM " + call)
    return tuple(int(v) for v in out.strip().split("|"))


def full(texts):
    return mutate("catalog.provider_full_v1('%s', '%s', %s)" % (PROVIDER, KEY, literal(texts)))


def delta(added, removed):
    return mutate("catalog.provider_delta_v1('%s', '%s', %s, %s)" % (
        PROVIDER, KEY, literal(added), literal(removed)))


def visible(kind, name, pred, timeout=10):
    """Seconds until by-name answers an entity for which pred holds, or None."""
    t0 = time.monotonic()
    if wait_for(lambda: pred(entity(kind, name)), timeout, interval=0.05) is None:
        return None
    return time.monotonic() - t0


@test
def catalog_provider_full_and_delta_visible():
    fixture = entity("component", "checkout-web")
    check(fixture is not None, "the fixture component checkout-web is not served")
    try:
        n = full([component("itest-prov-a"), component("itest-prov-b"),
                  component("checkout-web", description="taken over")])
        check(n == (2, 0, 0, 0, 1), "first full mutation counted %r" % (n,))
        took = visible("component", "itest-prov-a", lambda e: e is not None)
        check(took is not None, "itest-prov-a never became visible")
        check(took < 1, "itest-prov-a took %.2f s to become visible" % took)
        a = entity("component", "itest-prov-a")
        ann = a["metadata"].get("annotations", {})
        check("backstage.io/orphan" not in ann, "a provider's entity is flagged orphan: %r" % ann)
        check({"type": "ownedBy", "targetRef": "group:default/team-a"} in a["relations"],
              "relations of itest-prov-a: %r" % a["relations"])
        check(entity("component", "checkout-web") == fixture,
              "the file's checkout-web changed under a conflicting provider entity")

        n = delta([component("itest-prov-a", lifecycle="experimental")], [])
        check(n == (0, 1, 0, 0, 0), "delta update counted %r" % (n,))
        took = visible("component", "itest-prov-a",
                       lambda e: e and e["spec"]["lifecycle"] == "experimental")
        check(took is not None and took < 1, "the delta update took %r s" % took)

        n = delta([], ["Component:default/ITEST-PROV-B", "component:default/checkout-web"])
        check(n == (0, 0, 1, 0, 0), "delta removal counted %r" % (n,))
        check(wait_for(lambda: entity("component", "itest-prov-b") is None, 3, interval=0.05),
              "itest-prov-b still served after its removal")
        n = full([component("itest-prov-a", lifecycle="experimental")])
        check(n == (0, 0, 0, 1, 0), "unchanged full mutation counted %r" % (n,))
    finally:
        n = full([])
    check(n[2] >= 1 and n[4] == 0, "the cleanup counted %r" % (n,))
    check(wait_for(lambda: entity("component", "itest-prov-a") is None, 3, interval=0.05),
          "itest-prov-a survived a full []")
    check(entity("component", "checkout-web") == fixture,
          "the file's checkout-web changed after the provider's full []")
