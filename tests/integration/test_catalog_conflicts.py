"""Integration tests of catalog conflicts (spec section 9.7) on two
configured file locations beside the fixture catalog: an entity a second
file emits while the first still owns it stays the first's (and the pool
logs a warning naming both locations); once the first stops emitting it and
its orphan is deleted, the second takes it over.  An entity moved from one
file to another is taken over the same way, so, as in Backstage (the
refresh_state row is deleted with the orphan and inserted again), it gets a
new uid."""

import contextlib
import os

from itest import check, dropin, log_since, log_size, restart_main, test, wait_for
import itest
from test_catalog import api, wait_ingested

COMPONENT = """---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: %s
  description: %s
spec:
  type: service
  lifecycle: production
  owner: group:default/payments-team
"""


def write(path, *docs):
    with open(path, "w") as f:
        f.write("".join(COMPONENT % d for d in docs))


def by_name(name):
    r = api("/entities/by-name/component/default/" + name)
    return r.json() if r.status == 200 else None


def wait_entity(name, desc, timeout=30):
    """The entity once its description is desc (None: once it is gone)."""
    def ready():
        e = by_name(name)
        if desc is None:
            return e is None
        return e if e and e["metadata"].get("description") == desc else None
    got = wait_for(ready, timeout, 0.3)
    check(got, "component %s did not become %r within %d s (now %r)"
          % (name, desc, timeout, by_name(name)))
    return got


def managed_by(e):
    return e["metadata"]["annotations"]["backstage.io/managed-by-location"]


@contextlib.contextmanager
def two_files(tag):
    """Two config locations, files a.yaml and b.yaml of a fresh folder."""
    tmp = os.path.join(itest.VAR, "catalog-conflicts-" + tag)
    os.makedirs(tmp, exist_ok=True)
    a, b = os.path.join(tmp, "a.yaml"), os.path.join(tmp, "b.yaml")
    write(a, ("%s-a" % tag, "only in a"))
    write(b, ("%s-b" % tag, "only in b"))
    ini = "[catalog]\nlocation = file:%s\nlocation = file:%s\n" % (a, b)
    try:
        with dropin("60-itest-catalog-conflicts.ini", ini):
            restart_main()
            wait_entity("%s-a" % tag, "only in a")
            wait_entity("%s-b" % tag, "only in b")
            yield a, b
    finally:
        for p in (a, b):
            os.unlink(p)
        # Without the locations their entities are orphans, deleted.
        restart_main()
        wait_entity("%s-a" % tag, None)
        wait_ingested()


@test
def catalog_conflict_first_owner_keeps_entity():
    with two_files("cf") as (a, b):
        write(a, ("cf-a", "only in a"), ("cf-shared", "from a"))
        first = wait_entity("cf-shared", "from a")
        check(managed_by(first) == "file:" + a, "managed-by-location %r" % managed_by(first))
        # b claims it too: refused with a warning naming both locations.
        off = log_size()
        write(b, ("cf-b", "only in b"), ("cf-shared", "from b"))
        want = "conflicting entity component:default/cf-shared: owned by file:%s," \
               " ignored from file:%s" % (a, b)
        check(wait_for(lambda: want in log_since(off), 30, 0.3),
              "no conflict warning %r in the pool log: %r" % (want, log_since(off)[-1500:]))
        # b's processing is over (it logged), and the entity is still a's.
        e = by_name("cf-shared")
        check(e["metadata"]["description"] == "from a" and managed_by(e) == "file:" + a,
              "the newcomer took the entity over: %r" % e["metadata"])
        check(e["metadata"]["uid"] == first["metadata"]["uid"], "the uid changed")
        check(by_name("cf-b")["metadata"]["description"] == "only in b",
              "b's other entity is not there")
        # a lets go: its orphan is deleted, then b's version comes in.
        write(a, ("cf-a", "only in a"))
        e = wait_entity("cf-shared", "from b")
        check(managed_by(e) == "file:" + b, "managed-by-location %r" % managed_by(e))
        check("backstage.io/orphan" not in e["metadata"]["annotations"],
              "the taken over entity is flagged as an orphan: %r" % e["metadata"])
        check(e["metadata"]["uid"] != first["metadata"]["uid"],
              "b's entity kept the uid of a's orphan")
        # And it stays b's: a emitting it again is refused in turn.
        off = log_size()
        write(a, ("cf-a", "only in a"), ("cf-shared", "from a again"))
        want = "conflicting entity component:default/cf-shared: owned by file:%s," \
               " ignored from file:%s" % (b, a)
        check(wait_for(lambda: want in log_since(off), 30, 0.3),
              "no conflict warning %r in the pool log" % want)
        e = by_name("cf-shared")
        check(e["metadata"]["description"] == "from b", "a took the entity back: %r"
              % e["metadata"])


@test
def catalog_entity_moved_between_files_gets_new_uid():
    with two_files("mv") as (a, b):
        write(a, ("mv-a", "only in a"), ("mv-moving", "in a"))
        before = wait_entity("mv-moving", "in a")
        # The move: both files change at once.
        write(b, ("mv-b", "only in b"), ("mv-moving", "in b"))
        write(a, ("mv-a", "only in a"))
        after = wait_entity("mv-moving", "in b")
        check(managed_by(after) == "file:" + b, "managed-by-location %r" % managed_by(after))
        check(after["metadata"]["uid"] != before["metadata"]["uid"],
              "the moved entity kept its uid (Backstage deletes the orphan row and"
              " inserts a new one)")
        # One entity of that name, not an orphan.
        r = api("/entities?filter=metadata.name=mv-moving")
        check(r.status == 200 and len(r.json()) == 1, "entities named mv-moving: %r"
              % r.body[:500])
        check("backstage.io/orphan" not in after["metadata"]["annotations"],
              "the moved entity is flagged as an orphan")
