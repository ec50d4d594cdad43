"""Integration tests of the worked example in docs/plugins.md: the shtest
plugin's upstream call through the host's HTTP client, tested against the
stand-in server (tests/stubs/standin.py), and its heartbeat task writing
through the pool into its own schema, read back by a cached route."""

import json
import os
import sys
import time

import itest
from itest import check, get, psql, restart_main, test, wait_for

sys.path.insert(0, os.path.join(itest.REPO, "tests", "stubs"))
from standin import StandIn  # noqa: E402

DROPIN = "60-itest-shtest-upstream.ini"


def configure(url):
    """A drop-in pointing [shtest] at url, with a fast heartbeat; restarts main."""
    with open(os.path.join(itest.CONF_D, DROPIN), "w") as f:
        f.write("[shtest]\nupstream_url = %s\nupstream_timeout_ms = 1000\n"
                "heartbeat_ms = 200\n" % url)
    restart_main()


def unconfigure():
    path = os.path.join(itest.CONF_D, DROPIN)
    if os.path.exists(path):
        os.unlink(path)
    restart_main()


def relayed():
    """The answer to GET /api/shtest/upstream, timed."""
    t0 = time.monotonic()
    r = get("/api/shtest/upstream")
    return r, time.monotonic() - t0


def upstream_answers_are_relayed(s):
    s.add_route({"method": "GET", "path": "/status", "status": 200,
                 "headers": {"content-type": "application/json"},
                 "body_text": '{"healthy":true}'})
    r, _ = relayed()
    check(r.status == 200 and r.json() == {"healthy": True}, "relayed 200: %r" % r)
    check((r.header("content-type") or "").startswith("application/json"),
          "content type not relayed: %r" % r.headers)
    seen = s.requests()
    check([(q["method"], q["path"]) for q in seen] == [("GET", "/status")],
          "the stand-in saw %r" % seen)
    s.add_route({"path": "/status", "status": 418, "headers": {"content-type": "text/plain"},
                 "body_text": "short and stout"})
    r, _ = relayed()
    check((r.status, r.body) == (418, b"short and stout"), "relayed 418: %r" % r)


def upstream_etag_is_reused(s):
    """The second call is conditional; the stand-in's 304 is relayed as the
    stored 200."""
    s.add_route({"path": "/status", "headers": {"content-type": "application/json",
                                                "etag": '"v1"'}, "body_text": '{"v":1}'})
    first, _ = relayed()
    second, _ = relayed()
    check(first.status == second.status == 200 and first.body == second.body == b'{"v":1}',
          "etag answers %r then %r" % (first, second))
    inm = [q["headers"].get("if-none-match") for q in s.requests()]
    check(inm == [None, '"v1"'], "If-None-Match sent: %r" % inm)


def upstream_failures_are_gateway_errors(s):
    s.misbehave({"mode": "status", "status": 503, "times": 1})
    r, _ = relayed()
    check(r.status == 503 and "error" in r.json(), "an upstream 503 is relayed: %r" % r)
    s.misbehave({"mode": "stall", "seconds": 5, "times": 1})
    r, took = relayed()
    check(r.status == 504, "a stalled upstream is a 504: %r" % r)
    check(took < 4, "the 1000 ms timeout took %.1f s" % took)
    check(r.json()["error"]["name"] == "Error", "504 body: %r" % r)
    s.misbehave({"mode": "reset", "times": 1})
    r, _ = relayed()
    check(r.status == 502, "a reset is a 502: %r" % r)
    check(b"standin" not in r.body and b"curl" not in r.body.lower(),
          "upstream text leaked into the body: %r" % r)
    r, _ = relayed()
    check(r.status == 200, "back to normal once the rules are used up: %r" % r)


@test
def shtest_upstream_through_the_standin():
    """GET /api/shtest/upstream relays what the stand-in answers, reuses a
    body by its ETag; the stand-in's stalls, resets and 5xx become 504, 502
    and the relayed status."""
    r = get("/api/shtest/upstream")
    check(r.status == 404, "without upstream_url: %r" % r)
    with StandIn(log=os.path.join(itest.LOG, "stub-standin.log")) as s:
        try:
            s.add_route({"path": "/status", "body_text": "{}"})
            configure(s.url + "/status")
            s.reset()
            upstream_answers_are_relayed(s)
            s.reset()
            upstream_etag_is_reused(s)
            s.reset()
            s.add_route({"path": "/status", "body_text": "{}"})
            upstream_failures_are_gateway_errors(s)
        finally:
            unconfigure()


def beats(pool="main"):
    r = get("/api/shtest/heartbeat?pool=" + pool)
    return r.json()["beats"] if r.status == 200 else None


@test
def shtest_heartbeat_task():
    """The heartbeat task writes through the pool into shtest.heartbeat;
    the cached GET /heartbeat follows it (the trigger's NOTIFY empties the
    cache), and accepts no query key but pool."""
    r = get("/api/shtest/heartbeat?nope=1")
    check(r.status == 400, "unknown query key: %r" % r)
    configure("http://127.0.0.1:9/unused")
    try:
        first = wait_for(beats, 10)
        check(first, "no heartbeat from pool main: %r" % get("/api/shtest/heartbeat"))
        later = wait_for(lambda: (beats() or 0) > first + 2 and beats(), 10)
        check(later, "the beats did not go on (first %r, now %r)" % (first, beats()))
        row = psql("SELECT beats FROM shtest.heartbeat WHERE pool = 'main'")
        check(int(row) >= later, "table %r behind the route's %d" % (row, later))
        r = get("/api/shtest/heartbeat?pool=none")
        check(r.status == 404, "an unknown pool: %r" % r)
        check(json.loads(r.body)["error"]["name"] == "NotFoundError", "404 body: %r" % r)
    finally:
        unconfigure()
