"""Integration tests of the catalog plugin through nginx, on the fixture
catalog that ./run configures (tests/data/catalog: all.yaml and org.yaml,
processing_interval = 1): exact JSON of by-name, by-uid, the 404 bodies,
GET /entities with the filters of spec section 4.1, fields and pagination
with Link; a broken YAML file keeping its entities and showing the error;
a second stagehandd on the same database leaving one consistent catalog;
orphans deleted once their file stops naming them; the stitcher waiting for
the uncommitted write that queued an entity."""

import hashlib
import os

from itest import (ANY, check, check_json, dev_ok, dropin, error_body, get, psql,
                   restart_main, test, wait_for)
import itest

TOKEN = "test-user:jane"
BASE = "/api/catalog"
DATA = os.path.join(itest.REPO, "tests", "data", "catalog")
# 25 entities in the files plus the two generated config Locations.
FIXTURE_COUNT = 27


def api(path, **kw):
    return get(BASE + path, TOKEN, **kw)


def entities(query=""):
    r = api("/entities" + query)
    check(r.status == 200, "GET /entities%s: %d %r" % (query, r.status, r.body[:300]))
    return r.json()


def count_ok():
    r = itest.try_get(BASE + "/entities?fields=kind", headers={
        "Authorization": "Bearer " + TOKEN})
    return r.status == 200 and len(r.json()) == FIXTURE_COUNT and r


def wait_ingested(timeout=60):
    check(wait_for(count_ok, timeout, 0.3),
          "the fixture catalog did not show %d entities within %d s" % (FIXTURE_COUNT, timeout))


CHECKOUT_SERVICE = {
    "apiVersion": "backstage.io/v1alpha1",
    "kind": "Component",
    "metadata": {
        "name": "checkout-service", "namespace": "default", "uid": ANY, "etag": ANY,
        "title": "Checkout Service",
        "description": "Cart, order and checkout backend",
        "tags": ["java", "spring"],
        "labels": {"tier": "backend"},
        "annotations": {
            "github.com/project-slug": "oracle-org/checkout-service",
            "jenkins.io/job-full-name": "oracle/checkout-service",
            "backstage.io/techdocs-ref": "dir:.",
            "pagerduty.com/service-id": "PCHK01",
            "backstage.io/managed-by-origin-location": "file:%s/all.yaml" % DATA,
            "backstage.io/managed-by-location": "file:%s/components.yaml" % DATA,
        },
        "links": [{"url": "https://grafana.example.com/d/checkout-service",
                   "title": "Grafana", "icon": "dashboard"}],
    },
    "spec": {
        "type": "service", "lifecycle": "production", "owner": "group:default/payments-team",
        "system": "checkout", "providesApis": ["checkout-api"],
        "consumesApis": ["payment-gateway-api"],
        "dependsOn": ["component:money-lib", "resource:checkout-db"],
    },
    "relations": [
        {"type": "consumesApi", "targetRef": "api:default/payment-gateway-api"},
        {"type": "dependencyOf", "targetRef": "component:default/checkout-web"},
        {"type": "dependsOn", "targetRef": "component:default/money-lib"},
        {"type": "dependsOn", "targetRef": "resource:default/checkout-db"},
        {"type": "ownedBy", "targetRef": "group:default/payments-team"},
        {"type": "partOf", "targetRef": "system:default/checkout"},
        {"type": "providesApi", "targetRef": "api:default/checkout-api"},
    ],
}


@test
def catalog_fixtures_ingested():
    wait_ingested()
    kinds = sorted(e["kind"] for e in entities("?fields=kind"))
    check(kinds == ["API"] * 3 + ["Component"] * 8 + ["Domain"] + ["Group"] * 3 +
          ["Location"] * 3 + ["Resource"] * 2 + ["System"] * 2 + ["User"] * 5,
          "kinds %r" % kinds)


@test
def catalog_by_name_exact():
    r = api("/entities/by-name/component/default/checkout-service")
    check(r.status == 200, "status %d" % r.status)
    check_json(r, CHECKOUT_SERVICE)
    # Case-insensitive lookup, same entity.
    r2 = api("/entities/by-name/Component/DEFAULT/Checkout-Service")
    check(r2.status == 200 and r2.body == r.body, "case-insensitive by-name: %r" % r2.body[:200])


@test
def catalog_by_uid_exact():
    body = api("/entities/by-name/component/default/checkout-service").json()
    uid = body["metadata"]["uid"]
    r = api("/entities/by-uid/" + uid)
    check(r.status == 200, "status %d" % r.status)
    check_json(r, CHECKOUT_SERVICE)
    check(r.json() == body, "by-uid and by-name differ")
    check(len(body["metadata"]["etag"]) == 40, "etag %r" % body["metadata"]["etag"])


@test
def catalog_not_found_bodies():
    r = api("/entities/by-name/component/default/nope")
    check(r.status == 404, "status %d" % r.status)
    check_json(r, error_body(404, "NotFoundError",
                             "No entity named 'nope' found, with kind 'component' in namespace "
                             "'default'", url="/entities/by-name/component/default/nope"))
    uid = "00000000-0000-4000-8000-000000000000"
    r = api("/entities/by-uid/" + uid)
    check(r.status == 404, "status %d" % r.status)
    check_json(r, error_body(404, "NotFoundError", "No entity with uid " + uid,
                             url="/entities/by-uid/" + uid))


@test
def catalog_entities_filters():
    """The examples of spec section 4.1 on the fixture catalog."""
    def names(query):
        return sorted(e["metadata"]["name"] for e in entities(query))

    check(names("?filter=kind=component,spec.type=service&fields=metadata.name") ==
          ["checkout-service", "fraud-detector", "invoice-service", "payment-gateway"],
          "kind=component,spec.type=service")
    check(names("?filter=metadata.tags.java&fields=metadata.name") ==
          ["checkout-service", "money-lib"], "metadata.tags.java")
    check(names("?filter=metadata.tags=java&fields=metadata.name") ==
          ["checkout-service", "money-lib"], "metadata.tags=java")
    check(names("?filter=kind=user,relations.memberof=group:default/payments-team") ==
          ["alice", "bob"], "users of payments-team")
    # Repeated params OR, the client's percent-encoding.
    check(names("?filter=kind%3Dapi&filter=kind%3Dsystem&fields=metadata.name") ==
          ["billing", "checkout", "checkout-api", "invoice-api", "payment-gateway-api"],
          "kind=api OR kind=system")
    check(names("?filter=kind=User,kind=Group&fields=metadata.name") ==
          ["alice", "bob", "carol", "dave", "engineering", "erin", "payments-team",
           "platform-team"], "same key ORed")
    check(entities("?filter=metadata.annotations.backstage.io/orphan=true") == [],
          "orphans in a fresh catalog")


@test
def catalog_entities_fields_and_pages():
    query = "?filter=kind=component&fields=metadata.name,spec.type&limit=3"
    pages, path = [], "/entities" + query
    while path and len(pages) < 10:
        r = api(path)
        check(r.status == 200, "status %d for %s" % (r.status, path))
        pages.append(r.json())
        link = r.header("Link")
        path = None
        if link:
            check(link.startswith("</entities?") and link.endswith('>; rel="next"'),
                  "Link %r" % link)
            path = link[1:link.index(">")]
            check("offset=" not in path and "after=" in path, "next link %r" % path)
    check([len(p) for p in pages] == [3, 3, 2], "page sizes %r" % [len(p) for p in pages])
    check(pages[0] == [
        {"metadata": {"name": "billing-portal"}, "spec": {"type": "website"}},
        {"metadata": {"name": "checkout-service"}, "spec": {"type": "service"}},
        {"metadata": {"name": "checkout-web"}, "spec": {"type": "website"}},
    ], "first page %r" % pages[0])
    # Ordered by entity ref: fraud-detector is in namespace risk.
    names = [e["metadata"]["name"] for p in pages for e in p]
    check(names == ["billing-portal", "checkout-service", "checkout-web", "invoice-service",
                    "money-lib", "payment-gateway", "ui-kit", "fraud-detector"],
          "pages %r" % names)


@test
def catalog_entities_link_serialisation():
    """The next-page Link re-serialises the query as Backstage's
    URLSearchParams does: '*' stays, '~' is escaped, ' ' is '+'."""
    r = api("/entities?filter=kind=component&filter=metadata.name=x~y*%20z&limit=1"
            "&fields=metadata.name")
    check(r.status == 200 and len(r.json()) == 1, "status %d %r" % (r.status, r.body[:200]))
    link = r.header("Link") or ""
    check(link.startswith("</entities?filter=kind%3Dcomponent"
                          "&filter=metadata.name%3Dx%7Ey*+z&limit=1&fields=metadata.name"
                          "&after=") and link.endswith('>; rel="next"'), "Link %r" % link)


TITLES = ["Billing", "Billing Portal", "Checkout", "Checkout API", "Checkout database",
          "Checkout Service", "Checkout Web", "Engineering", "Fraud Detector", "Invoice events",
          "Invoice Service", "Money Library", "Payment Gateway", "Payment Gateway API",
          "Payments", "Payments Team", "Platform Team", "UI Kit"]


@test
def catalog_entities_order():
    """GET /entities?order= (spec 3.1): unpaged it goes through the by-query
    engine (first order field only, entities without it left out); paged it
    orders by the lower-cased value with the entities missing it last."""
    titled = [{"metadata": {"title": t}} for t in TITLES]
    check(entities("?order=asc:metadata.title&order=desc:kind&fields=metadata.title")
          == titled, "unpaged asc")
    check(entities("?order=desc:metadata.title&fields=metadata.title") == titled[::-1],
          "unpaged desc")
    r = api("/entities?order=asc:metadata.title&limit=20&fields=metadata.title")
    check(r.status == 200 and r.json() == titled + [{}, {}], "paged asc %r" % r.body[:600])
    link = r.header("Link")
    check(link and "order=asc%3Ametadata.title" in link and "after=" in link, "Link %r" % link)
    rest = entities(link[1:link.index(">")][len("/entities"):])
    check(rest == [{}] * (FIXTURE_COUNT - 20), "paged asc, page 2 %r" % rest)
    check(entities("?order=desc:metadata.title&limit=3&fields=metadata.title") ==
          titled[::-1][:3], "paged desc")
    page = entities("?order=desc:metadata.title&offset=17&limit=2&fields=metadata.title,kind")
    check(len(page) == 2 and page[0] == {"kind": "System", "metadata": {"title": "Billing"}}
          and "title" not in page[1].get("metadata", {}), "paged desc, the tail %r" % page)


TEMP_OK = """apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: temp-widget
spec:
  type: service
  lifecycle: experimental
  owner: payments-team
"""


def temp_location_entity(path):
    """The generated Location of file:path, as by-name sees it."""
    name = "generated-" + hashlib.sha1(("file:" + path).encode()).hexdigest()
    return "/entities/by-name/location/default/" + name


@test
def catalog_broken_yaml_keeps_entities():
    tmp = os.path.join(itest.VAR, "catalog-temp")
    os.makedirs(tmp, exist_ok=True)
    path = os.path.join(tmp, "temp.yaml")
    with open(path, "w") as f:
        f.write(TEMP_OK)
    ini = "[catalog]\nlocation = file:%s\n" % path
    try:
        with dropin("60-itest-catalog-temp.ini", ini):
            restart_main()
            got = wait_for(lambda: api("/entities/by-name/component/default/temp-widget")
                           .status == 200, 30)
            check(got, "temp-widget was not ingested")
            before = api("/entities/by-name/component/default/temp-widget").json()
            with open(path, "w") as f:
                f.write(TEMP_OK.replace("spec:", "spec: [unclosed"))

            def errored():
                r = api(temp_location_entity(path))
                return r.status == 200 and r.json().get("status") and r
            r = wait_for(errored, 30)
            check(r, "the broken file's error did not show in its Location's status")
            items = r.json()["status"]["items"]
            check(len(items) == 1 and items[0]["type"] == "backstage.io/catalog-processing"
                  and items[0]["level"] == "error" and "YAML" in items[0]["message"],
                  "status.items %r" % items)
            after = api("/entities/by-name/component/default/temp-widget").json()
            check(after == before, "the broken file changed its entity: %r" % after)
    finally:
        os.unlink(path)
    # Without the location its entities are orphans, deleted (orphan_strategy
    # default) on the next round.
    restart_main()
    check(wait_for(lambda: api("/entities/by-name/component/default/temp-widget")
                   .status == 404, 30), "temp-widget was not deleted as an orphan")
    wait_ingested()


def catalog_consistent():
    rows = psql("SELECT (SELECT count(*) FROM catalog.final_entities),"
                " (SELECT count(DISTINCT entity_id) FROM catalog.final_entities),"
                " (SELECT count(*) FROM catalog.refresh_state WHERE processed_entity IS NOT NULL),"
                " (SELECT count(*) FROM catalog.final_entities f JOIN catalog.refresh_state r"
                "  USING (entity_id) WHERE f.entity_ref = r.entity_ref),"
                " (SELECT count(*) FROM catalog.stitch_queue)").strip()
    return rows


@test
def catalog_two_processes_one_catalog():
    sock = os.path.join(itest.RUN, "main2.sock")
    ini = ("[pool.main2]\nsocket = %s\nthreads = 1\nplugins = catalog\n" % sock)
    uids_before = sorted(e["metadata"]["uid"] for e in entities("?fields=metadata.uid"))
    with dropin("60-itest-catalog-main2.ini", ini):
        dev_ok("pool", "start", "main2")
        try:
            # Everything due at once, twice, while both processes poll.
            for _ in range(2):
                psql("UPDATE catalog.refresh_state SET next_update_at = now(), result_hash = NULL")
                psql("INSERT INTO catalog.stitch_queue (entity_ref)"
                     " SELECT entity_ref FROM catalog.refresh_state ON CONFLICT DO NOTHING")
                settled = wait_for(lambda: catalog_consistent().endswith("|0") and
                                   psql("SELECT count(*) FROM catalog.refresh_state"
                                        " WHERE result_hash IS NULL").strip() == "0", 30)
                check(settled, "processing did not settle: %s" % catalog_consistent())
        finally:
            dev_ok("pool", "stop", "main2")
    n = str(FIXTURE_COUNT)
    check(catalog_consistent() == "|".join([n, n, n, n, "0"]),
          "final entities / distinct uids / processed rows / matching refs / queue: %s"
          % catalog_consistent())
    uids = sorted(e["metadata"]["uid"] for e in entities("?fields=metadata.uid"))
    check(uids == uids_before, "uids changed or duplicated: %d before, %d after"
          % (len(uids_before), len(uids)))
    check_json(api("/entities/by-name/component/default/checkout-service"), CHECKOUT_SERVICE)


# The stitch-queue tests below change checkout-service's processed entity
# directly (what processing would store), queue it in a chosen way, watch
# the stitchers, then let processing put the source back.
CHECKOUT_REF = "component:default/checkout-service"


def set_description_sql(text):
    """The statement that stores checkout-service's processed entity with
    metadata.description = text (to run with queue statements of its own,
    in one transaction)."""
    return ("UPDATE catalog.refresh_state SET processed_entity = jsonb_set("
            "processed_entity::jsonb, '{metadata,description}', '\"%s\"')::text"
            " WHERE entity_ref = '%s';" % (text, CHECKOUT_REF))


def checkout_description():
    return api("/entities/by-name/component/default/checkout-service"
               ).json()["metadata"].get("description")


def restore_checkout():
    """The source comes back with the next processing round."""
    psql("UPDATE catalog.refresh_state SET result_hash = NULL, next_update_at = now()"
         " WHERE entity_ref = '%s'" % CHECKOUT_REF)
    check(wait_for(lambda: checkout_description() ==
                   CHECKOUT_SERVICE["metadata"]["description"], 15),
          "checkout-service did not come back from its source")


@test
def catalog_stitch_waits_for_the_write_that_queued_it():
    """A write that queues an entity already waiting in the stitch queue
    locks that waiting row until it commits (006_queue_once.sql): the
    stitcher passes it by meanwhile and stitches after the commit, from a
    snapshot that holds the write.  Claiming the row at once would stitch
    the old entity and leave no queue row for the new one."""
    wait_ingested()
    ref = CHECKOUT_REF
    # A claim in force keeps the stitchers off the ref while its waiting
    # row is put in place.
    psql("INSERT INTO catalog.stitch_queue (entity_ref, claimed_until)"
         " VALUES ('%s', now() + interval '1 hour')" % ref)
    psql("INSERT INTO catalog.stitch_queue (entity_ref) VALUES ('%s')"
         " ON CONFLICT DO NOTHING" % ref)
    # What processing does (db_processing.c): the new result and the
    # queueing in one transaction, here held open for 3 s.
    writer = itest.subprocess.Popen(
        ["psql", "-X", "-At", "-h", itest.env("SH_PG_SOCK"), "-p", itest.env("SH_PG_PORT"),
         "-U", "stagehand", "-d", "stagehand", "-v", "ON_ERROR_STOP=1", "-c",
         "BEGIN; " + set_description_sql("held write") +
         " INSERT INTO catalog.stitch_queue (entity_ref) VALUES ('%s')"
         " ON CONFLICT (entity_ref) WHERE claimed_until IS NULL"
         " DO UPDATE SET queued_at = now();"
         " SELECT pg_sleep(3); COMMIT;" % ref],
        stdout=itest.subprocess.PIPE, stderr=itest.subprocess.PIPE)
    try:
        check(wait_for(lambda: psql("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a"
                                    " USING (pid) WHERE a.query LIKE '%%held write%%'"
                                    " AND l.relation = 'catalog.stitch_queue'::regclass"
                                    ).strip() != "0", 5), "the writer did not start")
        psql("DELETE FROM catalog.stitch_queue WHERE entity_ref = '%s'"
             " AND claimed_until IS NOT NULL" % ref)
        # Stitchers poll every 250 ms; the waiting row stays unclaimed.
        itest.time.sleep(1.2)
        waiting = psql("SELECT count(*) FROM catalog.stitch_queue WHERE entity_ref = '%s'"
                       " AND claimed_until IS NULL" % ref).strip()
        check(waiting == "1", "the stitcher claimed a row whose writer has not committed")
    finally:
        out, err = writer.communicate(timeout=30)
    check(writer.returncode == 0, "writer failed: %s" % err.decode("utf-8", "replace"))
    check(wait_for(lambda: checkout_description() == "held write", 10),
          "the committed write was never stitched")
    restore_checkout()


@test
def catalog_stitch_claim_that_ran_out_is_taken_again():
    """A stitcher that dies leaves its claim in the queue.  Once the claim
    has run out, a later claim gives it back as a waiting row and a living
    stitcher stitches the entity (stitch.c); until then the claim keeps the
    ref off the other stitchers."""
    wait_ingested()
    ref = CHECKOUT_REF
    # A new processed entity whose only queue row is a claim that ran out
    # a second ago, as a stitcher that died after claiming leaves it.
    psql("BEGIN; " + set_description_sql("claim ran out") +
         " INSERT INTO catalog.stitch_queue (entity_ref, claimed_until)"
         " VALUES ('%s', now() - interval '1 second'); COMMIT" % ref)
    check(wait_for(lambda: checkout_description() == "claim ran out", 10),
          "the entity of a claim that ran out was never stitched")
    check(wait_for(lambda: psql("SELECT count(*) FROM catalog.stitch_queue"
                                " WHERE entity_ref = '%s'" % ref).strip() == "0", 10),
          "the claim that ran out stayed in the queue")
    # A claim still in force is left alone, and keeps its ref unstitched.
    psql("BEGIN; " + set_description_sql("claim in force") +
         " INSERT INTO catalog.stitch_queue (entity_ref, claimed_until)"
         " VALUES ('%s', now() + interval '1 hour');"
         " INSERT INTO catalog.stitch_queue (entity_ref) VALUES ('%s'); COMMIT"
         % (ref, ref))
    itest.time.sleep(1.2)
    check(checkout_description() == "claim ran out",
          "a ref was stitched while another stitcher's claim on it stood")
    check(psql("SELECT count(*) FROM catalog.stitch_queue WHERE entity_ref = '%s'"
               " AND claimed_until IS NULL" % ref).strip() == "1",
          "the waiting row of a claimed ref was taken")
    psql("DELETE FROM catalog.stitch_queue WHERE entity_ref = '%s'"
         " AND claimed_until IS NOT NULL" % ref)
    check(wait_for(lambda: checkout_description() == "claim in force", 10),
          "the waiting row was not stitched once the claim was gone")
    restore_checkout()


@test
def catalog_stitch_order_defers_never_delays():
    """Waiting rows are claimed in queued_at order, and a touched row goes
    back in that order (CATALOG_QUEUE_PUSH): a row queued an hour ahead
    still waits behind nothing when the queue holds nothing else, so an
    idle stitcher takes it at once."""
    wait_ingested()
    psql("BEGIN; " + set_description_sql("queued ahead") +
         " INSERT INTO catalog.stitch_queue (entity_ref, queued_at)"
         " VALUES ('%s', now() + interval '1 hour'); COMMIT" % CHECKOUT_REF)
    check(wait_for(lambda: checkout_description() == "queued ahead", 5),
          "a row queued ahead waited for its queued_at on an idle queue")
    restore_checkout()
