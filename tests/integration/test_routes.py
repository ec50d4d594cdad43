"""stagehandd --routes: the effective route table of a pool, read from the
descriptors without init and without the database, and the loader's checks
of flags and mounts as --check-config reports them."""

import os
import re
import subprocess

import itest
from itest import check, dropin, stagehandd, test

LINE = re.compile(r"^(\S+) +(\S+) +(\S+) +(\S+)(?: (cached))?(?: query=(\S+))?$")


def routes(*args):
    rc, out, err = stagehandd("--routes", *args)
    check(rc == 0, "--routes rc %d: %s" % (rc, err))
    rows = []
    for line in out.splitlines():
        if line.startswith("# "):
            continue
        m = LINE.match(line)
        check(m is not None, "not a route line: %r" % line)
        rows.append(m.groups())
    return rows


@test
def routes_print_the_pool_table():
    rows = routes()
    keys = [(r[1], r[0]) for r in rows]
    check(keys == sorted(keys), "not sorted by path then method: %r" % keys)
    by = {(r[0], r[1]): r for r in rows}
    want = {
        ("GET", "/healthcheck"): ("none", "host", None, None),
        ("GET", "/.backstage/health/v1/readiness"): ("none", "host", None, None),
        ("GET", "/api/shtest/strict/*rest"): ("none", "shtest", None, "q,x"),
        ("GET", "/api/shtest-alias/public"): ("none", "shtest", None, None),
        ("GET", "/api/shtest/user"): ("user", "shtest", None, None),
        ("GET", "/api/shtest/service"): ("service", "shtest", None, None),
        ("GET", "/api/shtest/any"): ("any", "shtest", None, None),
        ("GET", "/api/shtest/cookie"): ("user-cookie", "shtest", None, None),
        ("PUT", "/api/shtest/items/:id"): ("none", "shtest", None, None),
        ("GET", "/api/shtest/.backstage/auth/v1/cookie"): ("user-cookie", "host", None, None),
        ("DELETE", "/api/catalog/.backstage/auth/v1/cookie"): ("user-cookie", "host", None, None),
    }
    for key, (auth, owner, cached, query) in want.items():
        check(key in by, "%s %s not listed" % key)
        # the cookie routes under each plugin's path are the host's handlers
        check(by[key][2:] == (auth, owner, cached, query), "%s %s: %r" % (key + (by[key],)))
    check(("GET", "/api/shtest/echo/*rest") in by and by[("GET", "/api/shtest/echo/*rest")][5] is None,
          "a route without a query list shows no query=")


@test
def routes_follow_the_flags():
    with dropin("60-itest-routes.ini", "[features]\nshtest = false\n"):
        rows = routes("--pool", "main")
    paths = [r[1] for r in rows]
    check(not any(p.startswith("/api/shtest") for p in paths), "shtest listed with its flag off")
    check("/healthcheck" in paths, "the host's routes are always listed")


@test
def routes_need_no_database():
    # a database nobody listens on: --routes neither connects nor waits
    with dropin("60-itest-nodb.ini", "[database]\nhost = 127.0.0.1\nport = 1\nconnect_wait = 30\n"):
        rc, out, err = stagehandd("--routes", timeout=10)
    check(rc == 0 and "/healthcheck" in out, "--routes rc %d: %s" % (rc, err))
    rc, out, err = stagehandd("--routes", "--pool", "nosuch")
    check(rc == 1 and "[pool.nosuch]: no such pool" in err, "unknown pool: rc %d %r" % (rc, err))
    rc, out, err = stagehandd("--routes", "--check-config")
    check(rc == 2, "--routes with --check-config: rc %d" % rc)


@test
def features_keys_come_from_descriptors():
    # a plugin's flag set while it is in no pool of this process: still valid
    with dropin("60-itest-flags.ini", "[pool.other]\nsocket = %s\n[features]\nshtest = true\n"
                % os.path.join(itest.RUN, "other.sock")):
        rc, out, err = stagehandd("--check-config", "--pool", "other")
    check(rc == 0, "a flag of an installed plugin in no pool refused: %s" % err)
    with dropin("60-itest-flags.ini", "[features]\n\nshtset = true\n"):
        rc, out, err = stagehandd("--check-config")
    check(rc == 1 and re.search(r"60-itest-flags\.ini:3: shtset: unknown key in \[features\]", err),
          "a misspelt flag: rc %d %r" % (rc, err))
    # --check-config checks every key of a listed plugin whose flag is off
    with dropin("60-itest-flags.ini", "[features]\nshtest = false\n[shtest]\ncolour = red\n"):
        rc, out, err = stagehandd("--check-config")
    check(rc == 1 and re.search(r"60-itest-flags\.ini:4: colour: unknown key in \[shtest\]", err),
          "a bad key of a plugin whose flag is off: rc %d %r" % (rc, err))
