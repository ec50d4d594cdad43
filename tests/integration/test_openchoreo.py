"""Integration tests of the openchoreo plugin's full sync (issue 14 items 2,
4, 5; spec openchoreo-provider.md §1-§3) against the OpenChoreo stand-in
(ocworld.py: the recorded world, namespaces default and oracle): the spec's
example entities and relations exactly, the spec's request sequence with
the service token, an entity removed upstream deleted while the file-made
one of the same name survives, every failure of a run (timeout, 5xx, 401
MISSING_TOKEN / INVALID_TOKEN, 403, malformed JSON, page cap) leaving the
catalog as it was, paging with the limit=1 and limit=2 fixtures, auth off
sending no Authorization, and the status route.  The plugin is on only
inside each test (ocworld.plugin_on), which leaves the catalog as the
other tests know it."""

import json
import os
import re
import time

import itest
from itest import check, get, test
import ocworld as oc
from ocworld import (WORLD_KINDS, WORLD_REFS, api_requests, by_name, fixture_json, ini,
                     list_body, plugin_on, provider_entities, route_json, snapshot, standin,
                     status, token_requests, wait_refs, wait_sync)

# Spec §1.2: the 44 requests of one run over the recorded world, in order
# (the two schema calls of step 8b are concurrent: either order).
SPEC_REQUESTS = """
/api/v1/namespaces?limit=100
/api/v1/namespaces/default/environments?limit=100
/api/v1/namespaces/oracle/environments?limit=100
/api/v1/namespaces/default/observabilityalertsnotificationchannels?limit=100
/api/v1/namespaces/oracle/observabilityalertsnotificationchannels?limit=100
/api/v1/namespaces/default/dataplanes?limit=100
/api/v1/namespaces/oracle/dataplanes?limit=100
/api/v1/namespaces/default/workflowplanes
/api/v1/namespaces/oracle/workflowplanes
/api/v1/namespaces/default/observabilityplanes
/api/v1/namespaces/oracle/observabilityplanes
/api/v1/namespaces/default/projects?limit=100
/api/v1/namespaces/default/deploymentpipelines
/api/v1/namespaces/oracle/projects?limit=100
/api/v1/namespaces/oracle/deploymentpipelines
/api/v1/namespaces/oracle/components?project=billing&limit=100
/api/v1/namespaces/oracle/workloads?component=billing-portal
/api/v1/namespaces/oracle/workloads?component=invoice-service
/api/v1/namespaces/oracle/workloads?component=payment-gateway
/api/v1/namespaces/oracle/components?project=checkout&limit=100
/api/v1/namespaces/oracle/workloads?component=checkout-service
/api/v1/namespaces/oracle/workloads?component=checkout-web
/api/v1/namespaces/default/componenttypes?limit=100
/api/v1/namespaces/oracle/componenttypes?limit=100
/api/v1/namespaces/oracle/componenttypes/service/schema
/api/v1/namespaces/oracle/componenttypes/web-application/schema
/api/v1/namespaces/default/traits?limit=100
/api/v1/namespaces/oracle/traits?limit=100
/api/v1/namespaces/default/resourcetypes?limit=100
/api/v1/namespaces/oracle/resourcetypes?limit=100
/api/v1/namespaces/default/projecttypes?limit=100
/api/v1/namespaces/oracle/projecttypes?limit=100
/api/v1/namespaces/default/resources?limit=100
/api/v1/namespaces/oracle/resources?limit=100
/api/v1/namespaces/default/workflows?limit=100
/api/v1/namespaces/oracle/workflows?limit=100
/api/v1/clustercomponenttypes?limit=100
/api/v1/clusterresourcetypes?limit=100
/api/v1/clusterprojecttypes?limit=100
/api/v1/clustertraits?limit=100
/api/v1/clusterworkflows?limit=100
/api/v1/clusterdataplanes?limit=100
/api/v1/clusterobservabilityplanes?limit=100
/api/v1/clusterworkflowplanes?limit=100
""".split()
SCHEMA_CALLS = slice(24, 26)

# Spec §3.3: the custom processors' relations in the recorded world
# (source, type, target, inverse); targets that do not exist are dangling.
E = ["environment:oracle/" + e for e in ("development", "staging", "production")]
RELATIONS = (
    [(e, "partOf", "domain:default/oracle", "hasPart") for e in E]
    + [(e, "hostedOn", "dataplane:oracle/default", "hosts") for e in E]
    + [("dataplane:oracle/default", "partOf", "domain:default/oracle", "hasPart"),
       ("dataplane:oracle/default", "observedBy", "observabilityplane:oracle/default", "observes")]
    + [("system:oracle/" + s, "usesPipeline", "deploymentpipeline:oracle/default", "pipelineUsedBy")
       for s in ("billing", "checkout")]
    + [("system:oracle/" + s, "instanceOf", "clusterprojecttype:openchoreo-cluster/default",
        "hasInstance") for s in ("billing", "checkout")]
    + [("component:oracle/" + c, "instanceOf", "componenttype:oracle/web-application", "hasInstance")
       for c in ("billing-portal", "checkout-web")]
    + [("component:oracle/" + c, "instanceOf", "componenttype:oracle/service", "hasInstance")
       for c in ("invoice-service", "payment-gateway", "checkout-service")]
    + [("deploymentpipeline:oracle/default", "partOf", "domain:default/oracle", "hasPart")]
    + [("deploymentpipeline:oracle/default", "deploysTo", e, "deployedBy") for e in E]
    + [("componenttype:oracle/" + t, rel, target, inv) for t in ("service", "web-application")
       for rel, target, inv in (("partOf", "domain:default/oracle", "hasPart"),
                                ("usesWorkflow", "workflow:oracle/dockerfile-builder",
                                 "workflowUsedBy"))]
    + [("traittype:oracle/horizontal-pod-autoscaler", "partOf", "domain:default/oracle", "hasPart"),
       ("workflow:oracle/dockerfile-builder", "partOf", "domain:default/oracle", "hasPart"),
       ("workflow:oracle/dockerfile-builder", "buildsOn",
        "clusterworkflowplane:openchoreo-cluster/default", "builds")])

BILLING = ("/api/v1/namespaces/oracle/components", {"project": "billing"})
GONE = "component:oracle/billing-portal"
FILE_TWIN = "component:default/billing-portal"


def billing_without_portal(s):
    """The world changed upstream: billing-portal is gone from its project."""
    items = [c for c in fixture_json("components.oracle.billing.json")["items"]
             if c["metadata"]["name"] != "billing-portal"]
    route_json(s, BILLING[0], list_body(items), BILLING[1])


def first_run(requests):
    """The requests of the first whole run in the record."""
    lines = [line for line, _, _ in requests]
    start = lines.index("GET " + SPEC_REQUESTS[0])
    return requests[start:start + len(SPEC_REQUESTS)]


def check_world(ents):
    check(set(ents) == WORLD_REFS, "the provider's entities: missing %s, unexpected %s"
          % (sorted(WORLD_REFS - set(ents)), sorted(set(ents) - WORLD_REFS)))
    kinds = {}
    for e in ents.values():
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    check(kinds == WORLD_KINDS, "kinds %r, want %r" % (kinds, WORLD_KINDS))


def check_examples(ents):
    want = oc.expected_entities()
    check(len(want) >= 10, "only %d spec examples of the recorded world in %s"
          % (len(want), oc.EXPECTED))
    for ref, e in want.items():
        diff = oc.entity_diff(e, ents[ref])
        check(not diff, "%s differs from the spec's example: %s" % (ref, "; ".join(diff)))


def ordered(text):
    """JSON with every object as its list of (key, value) pairs: equal
    only when the key order is too."""
    return json.loads(text, object_pairs_hook=list)


def check_key_order():
    """The catalog keeps the provider's entity as sent (spec §1.6, the
    provider interface): byte for byte the spec's example up to white
    space, key order included, under the provider's location key."""
    for ref, want in oc.expected_texts().items():
        row = itest.psql("SELECT location_key || ' ' || unprocessed_entity FROM "
                         "catalog.refresh_state WHERE entity_ref = '%s'" % ref).strip()
        key, _, text = row.partition(" ")
        check(key == oc.LOCATION_KEY, "%s: location key %r" % (ref, key))
        check(ordered(text) == ordered(want), "%s as stored differs from the spec's example "
              "(key order included):\n%s\nwant\n%s" % (ref, text, json.dumps(json.loads(want))))


def check_relations(ents):
    for src, rel, dst, inv in RELATIONS:
        check((rel, dst) in oc.relations(ents[src]), "%s has no %s %s: %r"
              % (src, rel, dst, sorted(oc.relations(ents[src]))))
        if dst in ents:
            check((inv, src) in oc.relations(ents[dst]), "%s has no %s %s: %r"
                  % (dst, inv, src, sorted(oc.relations(ents[dst]))))


def check_requests(s, token):
    run = first_run(api_requests(s))
    lines = [line for line, _, _ in run]
    want = ["GET " + p for p in SPEC_REQUESTS]
    lines[SCHEMA_CALLS] = sorted(lines[SCHEMA_CALLS])
    check(lines == want, "the run's requests differ from spec §1.2:\n%s"
          % "\n".join("%s %s" % ("  " if a == b else "!=", a) for a, b in zip(lines, want)))
    for line, headers, _ in run:
        check(headers.get("authorization") == "Bearer " + token,
              "%s: Authorization %r" % (line, headers.get("authorization")))


def check_token(s):
    """One client_credentials request, cached over the runs (exp in 2100)."""
    toks = token_requests(s)
    check(len(toks) == 1, "%d token requests over several runs: %r" % (len(toks), toks))
    form = dict(p.split("=", 1) for p in toks[0]["body"].split("&"))
    check(form.get("grant_type") == "client_credentials" and form.get("client_id") == oc.CLIENT_ID
          and form.get("client_secret") == oc.CLIENT_SECRET, "token request form %r" % form)
    return fixture_json("../openchoreo-world/idp.token.current.json")["access_token"]


def check_one_line_per_run(s, offset):
    """Issue 14 item 4: one log line per run (a run may be under way)."""
    runs = sum(1 for line, _, _ in api_requests(s) if line == "GET " + SPEC_REQUESTS[0])
    lines = [m for m in itest.log_since(offset).splitlines() if "openchoreo: full sync" in m]
    check(runs - 1 <= len(lines) <= runs, "%d runs, %d log lines: %r" % (runs, len(lines), lines))


def check_memo(offset):
    """The runs after the first, the world unchanged: every step answered
    from the plugin's memo (its calls asked again, nothing parsed), with
    the same set (check_world ran after them)."""
    lines = [m for m in itest.log_since(offset).splitlines() if "openchoreo: full sync took" in m]
    later = [re.search(r"(\d+) of (\d+) steps unchanged upstream", m) for m in lines[1:]]
    check(later and all(m and m.group(1) == m.group(2) != "0" for m in later),
          "the runs after the first were not answered from the memo: %r" % lines)


@test
def openchoreo_full_sync():
    """The recorded world's 21 entities exactly as the spec's examples, with
    §3.3's relations; the run's 44 requests in the spec's order, each with
    the service token fetched once; the file catalog untouched; the status
    route (token required) with the counts by kind."""
    s = standin()
    try:
        before = oc.other_entities()
        t0 = time.time()
        # One workload request at a time: upstream's exact order (§1.2).
        with plugin_on(ini(s.url, workload_fetches=1)) as offset:
            wait_sync(t0, ok=True)
            wait_sync(time.time(), ok=True)
            check_one_line_per_run(s, offset)
            check_memo(offset)
            ents = provider_entities()
            check_world(ents)
            check_examples(ents)
            check_key_order()
            check_relations(ents)
            check_requests(s, check_token(s))
            check(oc.other_entities() == before, "the file catalog changed under the sync")
            st = status()
            last = st["lastSync"]
            check(last.get("counts") == WORLD_KINDS, "status counts %r" % last.get("counts"))
            check(isinstance(st.get("events"), dict) and all(
                isinstance(st["events"].get(k), int) for k in ("received", "applied", "pending")),
                "status events %r" % st.get("events"))
            r = get(oc.STATUS)
            check(r.status == 401, "status without a token: %r" % r)
    finally:
        s.stop()


def failure_cases(s):
    """(what, set it up, words one of which the status error names)."""
    ns = "/api/v1/namespaces"
    o = ns + "/oracle"
    loop = list_body([], cursor="again")
    return [
        ("timeout", lambda: s.misbehave({"mode": "stall", "seconds": 8,
                                         "path": "/api/v1/clusterworkflowplanes"}),
         ("clusterworkflowplanes",), ("timeout", "timed out", "time")),
        ("5xx", lambda: s.misbehave({"mode": "status", "status": 503, "path": o + "/environments"}),
         ("environments",), ("503",)),
        ("401 MISSING_TOKEN", lambda: s.add_route(
            {"path": o + "/workflows", "fixture": "error-401-missing-token"}),
         ("workflows",), ("401",)),
        ("401 INVALID_TOKEN", lambda: s.add_route(
            {"path": ns, "fixture": "error-401-invalid-token"}),
         ("namespaces",), ("401",)),
        ("403", lambda: s.add_route({"path": o + "/componenttypes", "fixture": "error-403"}),
         ("componenttypes",), ("403",)),
        ("malformed JSON", lambda: s.misbehave({"mode": "malformed",
                                                "path": o + "/deploymentpipelines"}),
         ("deploymentpipelines",), ("json", "parse", "malformed")),
        ("page cap", lambda: route_json(s, o + "/workflowplanes", loop),
         ("workflowplanes",), ("page", "cap")),
    ]


def check_failure(s, what, setup, calls, reasons, good):
    """The failure first, a run that saw it, then the change upstream: any
    run that sees the change also meets the failure."""
    setup()
    wait_sync(time.time(), timeout=20)
    billing_without_portal(s)
    s.clear_requests()
    last = wait_sync(time.time(), timeout=20, ok=False)
    err = (last.get("error") or "").lower()
    check(any(c in err for c in calls) and any(r in err for r in reasons),
          "%s: the status error %r does not name the call %s and the reason %s"
          % (what, last.get("error"), calls, reasons))
    check(snapshot() == good, "%s: the catalog changed: %s" % (what, sorted(
        set(snapshot().items()) ^ set(good.items()))))
    if what == "page cap":
        check_page_cap(s)
    s.reset()


def check_page_cap(s):
    """The unpaged list that came back paged is followed with cursor= and
    bounded by max_pages (5), not re-requested forever (spec §6 item 4)."""
    seen = [line for line, _, _ in api_requests(s) if "/oracle/workflowplanes" in line]
    # The memo asks a remembered step's calls again before the walk
    # (docs/openchoreo.md, "Unchanged answers"): the first page once more.
    if len(seen) > 1 and seen[0] == seen[1]:
        seen = seen[1:]
    check(seen and seen[0].endswith("/workflowplanes"), "first workflowplanes call %r" % seen[:1])
    run = seen[:1] + [line for line in seen[1:6] if "cursor=" in line]
    check(all(line.endswith("/workflowplanes?cursor=again") for line in run[1:]),
          "follow-up calls %r" % seen[:7])
    check(len(run) <= 5 and (len(seen) == len(run) or seen[len(run)].endswith("/workflowplanes")),
          "the page cap (5) let more calls through: %r" % seen[:8])


@test
def openchoreo_failures_change_nothing():
    """A change upstream (billing-portal gone) plus one failed call —
    timeout, 503, 401 MISSING_TOKEN and INVALID_TOKEN, 403, malformed JSON,
    a page cap hit (an unpaged list answering a nextCursor forever) —
    abandons the run: the catalog keeps the last good set and the status
    route names the call and the reason, as does the log.  Without the
    failure the same change is applied: billing-portal is deleted while the
    file catalog's component:default/billing-portal survives."""
    with oc.synced(ini) as (s, offset):
        good = snapshot()
        for what, setup, calls, reasons in failure_cases(s):
            check_failure(s, what, setup, calls, reasons, good)
        log = itest.log_since(offset)
        check("clusterworkflowplanes" in log and "deploymentpipelines" in log,
              "the failed runs are not named in the log")
        billing_without_portal(s)
        wait_sync(time.time(), ok=True)
        wait_refs(WORLD_REFS - {GONE})
        check(by_name(GONE).status == 404, "%s still there" % GONE)
        check(by_name(FILE_TWIN).status == 200, "the file-made %s is gone" % FILE_TWIN)
        s.reset()
        wait_sync(time.time(), ok=True)
        wait_refs(WORLD_REFS)


@test
def openchoreo_paging_limit1():
    """page_limit = 1: the namespaces come in two pages (the limit1
    fixtures, the second asked with the first's nextCursor); every other
    paged list has no limit=1 answer but the empty catch-all, so the run's
    set is the two Domains and the unpaged DeploymentPipeline, and the
    rest of the world is deleted, the file catalog untouched."""
    s = standin()
    try:
        before = oc.other_entities()
        t0 = time.time()
        with plugin_on(ini(s.url, page_limit=1)):
            wait_sync(t0, ok=True)
            lines = [line for line, _, _ in api_requests(s)]
            page2 = fixture_json("namespaces.limit1.page1.json")["pagination"]["nextCursor"]
            want = ["GET /api/v1/namespaces?limit=1", "GET /api/v1/namespaces?limit=1&cursor=" + page2]
            check(lines[:2] == want, "first calls %r, want %r" % (lines[:2], want))
            wait_refs({"domain:default/default", "domain:default/oracle",
                       "deploymentpipeline:oracle/default"})
            check(oc.other_entities() == before, "the file catalog changed")
    finally:
        s.stop()


@test
def openchoreo_paging_limit2():
    """page_limit = 2: billing's components come in two pages (the limit2
    fixtures, with the filtered list's own cursor); the lists the world
    records only at limit=100 are answered at limit=2 by run-time routes
    with the same bodies, so the Systems, Components and API all arrive."""
    s = standin()
    try:
        for path, body in (("/api/v1/namespaces", "namespaces.json"),
                           ("/api/v1/namespaces/oracle/projects", "projects.oracle.json")):
            s.add_route({"method": "GET", "path": path, "query": {"limit": "2"}, "body": body,
                         "headers": {"content-type": "application/json"}})
        s.add_route({"method": "GET", "path": BILLING[0], "query": {"project": "checkout", "limit": "2"},
                     "body": "components.oracle.checkout.json",
                     "headers": {"content-type": "application/json"}})
        t0 = time.time()
        with plugin_on(ini(s.url, page_limit=2)):
            wait_sync(t0, ok=True)
            cursor = fixture_json("components.oracle.billing.limit2.page1.json")["pagination"][
                "nextCursor"]
            lines = [line for line, _, _ in api_requests(s) if "components?project=billing" in line]
            want = ["GET /api/v1/namespaces/oracle/components?project=billing&limit=2",
                    "GET /api/v1/namespaces/oracle/components?project=billing&limit=2&cursor="
                    + cursor]
            check(lines[:2] == want, "billing pages %r, want %r" % (lines[:2], want))
            wait_refs({r for r in WORLD_REFS if r.split(":")[0] in (
                "domain", "system", "component", "api", "deploymentpipeline")})
    finally:
        s.stop()


@test
def openchoreo_auth_off_sends_no_token():
    """[features] auth = false: no token request and no Authorization on
    any call; the recorded API answers 401 MISSING_TOKEN, so the run fails
    (the failures test shows a failed run keeps the set).  base_url without
    its /api/v1 works the same."""
    s = standin()
    try:
        t0 = time.time()
        with plugin_on(ini(s.url, api_suffix="", features={"auth": "false"})):
            last = wait_sync(t0, ok=False)
            check("401" in (last.get("error") or ""), "error %r" % last.get("error"))
            calls = api_requests(s)
            check(calls and calls[0][0] == "GET /api/v1/namespaces?limit=100",
                  "first call %r" % calls[:1])
            check(all("authorization" not in h for _, h, _ in calls),
                  "Authorization sent with auth off: %r" % [
                      (line, h.get("authorization")) for line, h, _ in calls][:3])
            check(not token_requests(s), "a token was fetched with auth off")
            check(not provider_entities(), "entities synced with auth off")
    finally:
        s.stop()

