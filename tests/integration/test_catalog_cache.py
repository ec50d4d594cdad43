"""The catalog's read cache (<stagehand/cache.h>, [catalog] read_cache_mb)
through nginx: replies are served from the cache until PostgreSQL announces
a change on catalog_changed, the cache is bypassed and emptied when its
listening connection is lost and used again once it is back, a write
through the API is read back at once, and read_cache_mb = 0 turns it off.

The tests change one stored entity with psql.  A change made while the
notify trigger is disabled is invisible to the cache: a reply that does not
show it came from the cache; one that does was read from the database."""

import json

from itest import check, dropin, get, log_since, log_size, psql, restart_main, test, wait_for
import test_catalog

TOKEN = test_catalog.TOKEN
REF = "component:default/checkout-service"
PATH = "/api/catalog/entities/by-name/component/default/checkout-service"
LIST = "/api/catalog/entities?filter=kind=component&limit=50"
TRIGGER = "final_entities_changed"


def description(path=PATH):
    r = get(path, TOKEN)
    check(r.status == 200, "%s: %d %r" % (path, r.status, r.body[:200]))
    body = r.json()
    if isinstance(body, list):
        body = [e for e in body if e["metadata"]["name"] == "checkout-service"][0]
    return body["metadata"].get("description")


def set_description(text, notify):
    """Stores a description straight into catalog.final_entities, with the
    notify trigger on or off for that one statement."""
    lit = json.dumps(text).replace("'", "''")
    sql = ("UPDATE catalog.final_entities SET final_entity = jsonb_set(final_entity::jsonb,"
           " '{metadata,description}', '%s')::text WHERE entity_ref = '%s'" % (lit, REF))
    if notify:
        psql(sql)
    else:
        psql("BEGIN; ALTER TABLE catalog.final_entities DISABLE TRIGGER %s; %s;"
             " ALTER TABLE catalog.final_entities ENABLE TRIGGER %s; COMMIT"
             % (TRIGGER, sql, TRIGGER))


def original():
    return psql("SELECT final_entity FROM catalog.final_entities WHERE entity_ref = '%s'"
                % REF).strip()


def restore(text):
    psql("UPDATE catalog.final_entities SET final_entity = '%s' WHERE entity_ref = '%s'"
         % (text.replace("'", "''"), REF))


def catalog_writes():
    """What any write to catalog.final_entities changes (and notifies)."""
    return psql("SELECT count(*), max(last_updated_at) FROM catalog.final_entities").strip()


def cached_through_silent_change(text, paths=(PATH,)):
    """Reads paths (filling the cache), changes the entity with the trigger
    off, reads them again: True when the second reads still show the old
    description.  The refresh loop may write to the catalog meanwhile,
    which rightly empties the cache; then it tries again (False after ten
    tries that never held still)."""
    for attempt in range(10):
        before = catalog_writes()
        seen = [description(p) for p in paths]
        if [description(p) for p in paths] != seen:
            continue
        set_description("%s (%d)" % (text, attempt), notify=False)
        again = [description(p) for p in paths]
        if catalog_writes() == before:
            return again == seen
    return False


def listening():
    return psql("SELECT count(*) FROM pg_stat_activity"
                " WHERE application_name = 'stagehand-main-listen'").strip() == "1"


@test
def catalog_cache_serves_until_a_change_is_notified():
    test_catalog.wait_ingested()
    check(wait_for(listening, 10), "pool main has no listening connection")
    saved = original()
    try:
        check(cached_through_silent_change("silent change", (PATH, LIST)),
              "by-name or the list page was not served from the cache")
        set_description("announced change", notify=True)
        check(wait_for(lambda: description() == "announced change", 5),
              "by-name still stale after a notified change: %r" % description())
        check(description(LIST) == "announced change",
              "the list page still stale after a notified change")
    finally:
        restore(saved)
    check(wait_for(lambda: description() != "announced change", 5), "restore not seen")


@test
def catalog_cache_bypassed_while_its_listener_is_down():
    check(wait_for(listening, 10), "pool main has no listening connection")
    saved = original()
    at = log_size()
    try:
        check(cached_through_silent_change("silent change"),
              "by-name was not served from the cache")
        set_description("changed while the listener died", notify=False)
        killed = psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                      " WHERE application_name = 'stagehand-main-listen'").strip()
        check(killed == "1", "terminated %s listeners" % killed)
        check(wait_for(lambda: description() == "changed while the listener died", 5),
              "a lost listener left the cache serving stale replies")
        check("listening connection was lost" in log_since(at), "the loss was not logged")
        # It comes back, and the cache with it.
        check(wait_for(listening, 15), "the listener did not reconnect")
        check(wait_for(lambda: description() == "changed while the listener died", 5),
              "reads after the reconnect disagree")
        check(cached_through_silent_change("silent after the reconnect"),
              "the cache is not used again after the reconnect")
    finally:
        restore(saved)
    check(wait_for(lambda: not (description() or "").startswith("silent after"), 5),
          "restore not seen")


@test
def catalog_cache_off_with_read_cache_mb_zero():
    saved = original()
    with dropin("70-itest-cache-off.ini", "[catalog]\nread_cache_mb = 0\n"):
        restart_main()
        try:
            test_catalog.wait_ingested()
            # Pool main keeps its listener for shtest's heartbeat cache, so
            # a catalog cache would now be live: only its absence lets an
            # unannounced change show at once.
            check(wait_for(listening, 10), "pool main has no listening connection")
            first = description()
            set_description("seen at once", notify=False)
            check(description() == "seen at once", "a reply came from a cache that is off")
            check(description() != first, "no change seen")
        finally:
            restore(saved)
    restart_main()
    test_catalog.wait_ingested()
