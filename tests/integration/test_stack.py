"""Integration tests that need more than one request or that change the
stack: streaming timing, X-Accel files, migrations, redirects, request ids,
configuration changes through conf.d drop-ins, a PostgreSQL restart and the
SIGTERM drain.  Each test leaves the stack as it found it; they run in the
order written, and the last one stops the stack."""

import os
import re
import signal
import threading
import time
import uuid

from itest import (check, check_json, check_stopped_clean, dev, dev_ok,
                   dropin, error_body, get, log_since, log_size, pid_gone, pool_pid, psql,
                   request, restart_main, stagehandd, test, try_get, wait_for, wait_status)
import itest

# Where this run's part of the (appended) pool log starts.
RUN_START = log_size()

# Written by ./run before the stack starts; nginx serves it from /_files/.
HELLO = "hello from the files location\n"


@test
def stream_chunks_arrive_apart():
    conn = itest.connection()
    try:
        conn.request("GET", "/api/shtest/stream")
        resp = conn.getresponse()
        check(resp.status == 200, "status %d" % resp.status)
        seen, data = {}, b""
        while True:
            chunk = resp.read1(1024)
            if not chunk:
                break
            data += chunk
            for tag in (b"chunk1", b"chunk2"):
                if tag in data and tag not in seen:
                    seen[tag] = time.monotonic()
    finally:
        conn.close()
    check(data == b"chunk1\nchunk2\n", "body %r" % data)
    gap = seen[b"chunk2"] - seen[b"chunk1"]
    check(gap >= 0.8, "chunk1 arrived only %.2f s before chunk2: nginx buffered" % gap)


@test
def accel_serves_internal_file():
    r = get("/api/shtest/accel")
    check(r.status == 200, "status %d: %r" % (r.status, r.body[:200]))
    check(r.body.decode() == HELLO, "body %r" % r.body)
    check((r.header("Content-Type") or "").startswith("text/plain"),
          "Content-Type %r" % r.header("Content-Type"))
    check(r.header("X-Accel-Redirect") is None, "X-Accel-Redirect leaked to the client")


@test
def migrations_ran_once_in_order():
    a, b = get("/api/shtest/count"), get("/api/shtest/count")
    check(a.status == 200 and b.status == 200, "status %d/%d: %r" % (a.status, b.status, a.body))
    check(b.json()["count"] == a.json()["count"] + 1, "counter %r then %r" % (a.json(), b.json()))
    check(a.json()["note"] == "migrated", "002 did not run: %r" % a.json())
    rows = [l for l in psql("SELECT * FROM stagehand.migrations").splitlines() if "shtest" in l]
    check(len(rows) == 3, "stagehand.migrations rows for shtest (001-003): %r" % rows)
    check(any("001" in l or "|1|" in l for l in rows) and any("002" in l or "|2|" in l for l in rows),
          "001 and 002 are not both recorded: %r" % rows)


@test
def http_redirects_to_https():
    r = request("GET", "/api/shtest/echo/x?q=1", scheme="http")
    check(r.status == 301, "status %d" % r.status)
    loc = r.header("Location") or ""
    check(re.fullmatch(r"https://(127\.0\.0\.1|localhost):%d/api/shtest/echo/x\?q=1" % itest.HTTPS_PORT,
                       loc), "Location %r" % loc)


@test
def request_id_reaches_the_log():
    rid = "itest-" + uuid.uuid4().hex
    r = get("/api/shtest/fail/500", headers={"X-Request-Id": rid})
    check(r.status == 500, "status %d" % r.status)
    check_json(r, error_body(500, "Error", "requested failure with status 500", url="/fail/500"))
    check(rid.encode() not in r.body, "the request id leaked into the body")
    found = wait_for(lambda: rid in log_since(0), 5)
    check(found, "the pool log does not mention request id %s" % rid)


@test
def concurrent_db_requests():
    results = []

    def worker():
        for _ in range(5):
            results.append(try_get("/api/shtest/db").status)
    threads = [threading.Thread(target=worker) for _ in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bad = [s for s in results if s != 200]
    check(not bad and len(results) == 160, "%d of %d failed: %r" % (len(bad), len(results), bad[:10]))


@test
def version_flag():
    rc, out, err = stagehandd("--version")
    check(rc == 0 and out.strip(), "--version: rc %d out %r err %r" % (rc, out, err))


@test
def check_config_redacts_secrets():
    with dropin("60-itest-secret.ini", "[database]\npassword = s3cret\n"):
        rc, out, err = stagehandd("--check-config")
    check(rc == 0, "--check-config rc %d: %s" % (rc, err))
    check("[database]" in out, "no [database] section in the output: %r" % out[:500])
    check("s3cret" not in out + err, "the password is printed")


@test
def bad_config_refused():
    with dropin("60-itest-bad.ini", "[database]\nport = nope\n"):
        rc, out, err = stagehandd("--check-config")
        check(rc == 1, "--check-config rc %d, want 1" % rc)
        check(re.search(r"60-itest-bad\.ini:2: port: not an integer", err),
              "stderr %r" % err)
        offset = log_size()
        rc, out = dev("pool", "restart", "main", timeout=60)
        up = try_get("/api/shtest/public").status
        logged = log_since(offset)
    dev_ok("pool", "restart", "main")
    wait_status("/api/shtest/public", 200)
    check(rc != 0 or up != 200, "the pool came up with a bad config")
    check("port: not an integer" in out + logged,
          "neither scripts/dev nor the pool log gives the reason: %r" % (out + logged)[-800:])


@test
def auth_off_makes_everyone_guest():
    guest = {"kind": "user", "subject": "user:development/guest"}
    try:
        with dropin("60-itest-noauth.ini", "[features]\nauth = false\n"):
            restart_main()
            for path, token in (("/api/shtest/user", None), ("/api/shtest/service", None),
                                ("/api/shtest/any", None), ("/api/shtest/user", "junk"),
                                ("/api/shtest/public", None)):
                r = get(path, token)
                check(r.status == 200, "%s (token %r): status %d %r" % (path, token, r.status, r.body))
                check_json(r, guest)
    finally:
        restart_main()
    r = get("/api/shtest/user")
    check(r.status == 401, "auth back on: /user without a token is %d" % r.status)


@test
def feature_flag_off_and_on():
    try:
        with dropin("60-itest-flag.ini", "[features]\nshtest = false\n"):
            restart_main("/healthcheck")
            r = get("/api/shtest/public")
            check(r.status == 404, "flag off: /api/shtest/public is %d" % r.status)
            check_json(r, error_body(404, "NotFoundError"))
    finally:
        restart_main()
    check(get("/api/shtest/public").status == 200, "flag back on: /api/shtest/public not 200")


@test
def plugin_init_failure_stops_startup():
    dev_ok("pool", "stop", "main")
    try:
        with dropin("60-itest-initfail.ini", "[shtest]\nfail_init = true\n"):
            rc, _, _ = stagehandd("--check-config")
            check(rc == 0, "--check-config refused a valid config: rc %d" % rc)
            rc, out, err = stagehandd("--pool", "main", timeout=30)
    finally:
        dev_ok("pool", "start", "main")
        wait_status("/api/shtest/public", 200)
    check(rc != 0, "stagehandd started although init failed (rc %d)" % rc)
    check("shtest: init refused by configuration" in err, "stderr %r" % err[-800:])


@test
def readiness_follows_postgresql():
    pid = pool_pid()
    dev_ok("pg", "stop")
    try:
        r = wait_status("/.backstage/health/v1/readiness", 503, timeout=15)
        check_json(r, {"message": "Database is unreachable", "status": "error"})
        r = get("/api/shtest/db")
        check(r.status == 503, "/db with the database down: %d" % r.status)
        check_json(r, error_body(503, "ServiceUnavailableError", url="/db"))
        r = get("/.backstage/health/v1/liveness")
        check(r.status == 200, "liveness with the database down: %d" % r.status)
        check_json(r, {"status": "ok"})
    finally:
        dev_ok("pg", "start")
    r = wait_status("/.backstage/health/v1/readiness", 200, timeout=30)
    check_json(r, {"status": "ok"})
    # Every pooled connection went stale with the old server; the pool must
    # reset them without a restart.  Ask for a clean run of successes.
    streak = [0]

    def twenty_in_a_row():
        streak[0] = streak[0] + 1 if try_get("/api/shtest/db").status == 200 else 0
        return streak[0] >= 20
    check(wait_for(twenty_in_a_row, 20, interval=0.02), "/db did not recover after pg start")
    check_json(get("/api/shtest/db"), {"db": 1})
    check(pool_pid() == pid and not pid_gone(pid), "the pool restarted (pid %d)" % pid)


@test
def sigterm_drains_in_flight_requests():
    pid, offset, slow = pool_pid(), log_size(), {}

    def slow_request():
        try:
            slow["resp"] = get("/api/shtest/slow?ms=2000", timeout=30)
        except Exception as e:
            slow["error"] = e
    t = threading.Thread(target=slow_request)
    t.start()
    time.sleep(0.3)
    t_kill = time.monotonic()
    os.kill(pid, signal.SIGTERM)
    time.sleep(0.2)
    during = try_get("/api/shtest/public").status
    t.join(30)
    gone = wait_for(lambda: pid_gone(pid), 15)
    elapsed = time.monotonic() - t_kill
    text = log_since(offset)
    try:
        check("resp" in slow, "the in-flight request failed: %r" % slow.get("error"))
        check(slow["resp"].status == 200, "in-flight request: %r" % slow["resp"])
        check_json(slow["resp"], {"slept": 2000})
        check(during in (502, 503), "a new request during the drain got %d" % during)
        check(gone, "the pool did not exit within 15 s of SIGTERM")
        check("shtest: fini" in text, "plugin fini did not run: %r" % text[-800:])
        check("still running after the shutdown timeout" not in text, "the drain timed out")
        check_stopped_clean(text)
        check(elapsed < 12, "the drain took %.1f s" % elapsed)
    finally:
        dev_ok("pool", "start", "main")
        wait_status("/api/shtest/public", 200)


@test
def stack_stops_clean():
    offset = log_size()
    get("/api/shtest/db")
    dev_ok("down")
    check_stopped_clean(log_since(offset))
    itest.check_no_sanitizer_reports(log_since(RUN_START))
    for name in ("main.pid", "nginx.pid"):
        path = os.path.join(itest.RUN, name)
        if os.path.exists(path):
            with open(path) as f:
                text = f.read().strip()
            check(not text or pid_gone(int(text)), "%s still running after down" % name)

