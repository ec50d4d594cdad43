"""Integration tests of the github-actions plugin (issue 16 items 3 and 4;
spec platform-apis §4) through nginx in pool main, against the stand-in
(tests/stubs/standin.py) serving GitHub's recorded answers of
tests/data/upstream/github.  Each check asserts our answer (GitHub's exact
bytes, status and headers, or the plugin's own GitHub-shaped error) and
what the stand-in received (the token, the query, If-None-Match).

Isolation: the plugin is on only inside the drop-in 60-itest-github-actions
(pool main restarted with it, then without it); the repository allow-list
reads the fixture catalog every test sees (tests/data/catalog: checkout-
service names oracle-org/checkout-service), which it never changes."""

import json
import os
import sys
import time
import urllib.parse

import itest
from itest import check, dropin, request, test

sys.path.insert(0, os.path.join(itest.REPO, "tests", "stubs"))
from standin import StandIn  # noqa: E402

FIXTURES = os.path.join(itest.REPO, "tests", "data", "upstream", "github")
DROPIN = "60-itest-github-actions.ini"
MOUNT = "/api/github-actions"
REPO = "/repos/oracle-org/checkout-service"
RUNS = REPO + "/actions/runs"
# Small limits so that failures end quickly; the biggest fixture is 77 kB.
TIMEOUT = 2
MAX_BODY = 200000
MAX_LOG = 100000
SO = os.path.join(itest.PREFIX, "lib", "stagehand", "plugins", "github-actions.so")
RATE_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-used",
                "x-ratelimit-reset", "x-ratelimit-resource")


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


def entry(fid):
    with open(os.path.join(FIXTURES, "index.json")) as f:
        return next(e for e in json.load(f)["fixtures"] if e["id"] == fid)


def ini(url):
    return ("[pool.main]\nplugins = shtest auth catalog github-actions\n\n"
            "[features]\ngithub_actions = true\n\n"
            "[github-actions]\napi_base_url = %s\ntimeout = %d\nmax_body = %d\nmax_log = %d\n"
            % (url, TIMEOUT, MAX_BODY, MAX_LOG))


_tokens = iter(range(1, 1000000))


def new_token():
    """A token no earlier request used: the ETag cache is per token."""
    return "gho_itest%d_%d" % (os.getpid(), next(_tokens))


def gh(path, token=None, method="GET", headers=None, body=None):
    h = dict(headers or {})
    if token is not False:
        h["Authorization"] = "Bearer " + (token or new_token())
    return request(method, MOUNT + path, headers=h, body=body)


def upstream(s):
    """The stand-in's record: ["GET /path?query", ...] and the records."""
    recs = s.requests()
    return ["%s %s%s" % (r["method"], r["path"], "?" + r["query"] if r["query"] else "")
            for r in recs], recs


def check_github_answer(r, fid, what):
    """Our answer is GitHub's: status, exact body, content type, rate limit."""
    e = entry(fid)
    check(r.status == e["status"], "%s: status %d, want %d: %r" % (what, r.status, e["status"], r))
    check(r.body == fixture(e["body"]), "%s: body differs from %s: %r" % (what, e["body"], r))
    check(r.header("Content-Type") == e["headers"]["content-type"],
          "%s: content type %r" % (what, r.header("Content-Type")))
    for h in RATE_HEADERS + ("etag", "x-github-request-id"):
        if h in e["headers"]:
            check(r.header(h) == e["headers"][h], "%s: %s %r, want %r"
                  % (what, h, r.header(h), e["headers"][h]))
    check(r.header("Set-Cookie") is None, "%s: a cookie came back" % what)


def need_plugin():
    check(os.path.exists(SO), "the github-actions plugin is not installed (%s)" % SO)


# ---------------------------------------------------------------- the routes

ROUTES = [
    # (our path with query, what GitHub got, fixture)
    (RUNS + "?per_page=6&page=1", RUNS + "?per_page=6&page=1", "runs-page1"),
    (RUNS + "?per_page=6&page=0", RUNS + "?per_page=6&page=0", "runs-page1-page0"),
    (RUNS + "?per_page=6&page=2", RUNS + "?per_page=6&page=2", "runs-page2"),
    (RUNS + "?per_page=6&page=1&branch=main", RUNS + "?branch=main&per_page=6&page=1",
     "runs-branch-main"),
    ("/repos/oracle-org/checkout-web/actions/runs?per_page=6&page=1",
     "/repos/oracle-org/checkout-web/actions/runs?per_page=6&page=1", "runs-checkout-web"),
    (RUNS + "/20512340107", RUNS + "/20512340107", "run-20512340107"),
    (RUNS + "/20512340106", RUNS + "/20512340106", "run-20512340106"),
    (RUNS + "/20512340106/jobs?per_page=100&page=0", RUNS + "/20512340106/jobs?per_page=100&page=0",
     "jobs-20512340106"),
    (REPO + "/actions/workflows/61234567", REPO + "/actions/workflows/61234567", "workflow-ci"),
    (REPO, REPO, "repo"),
    (REPO + "/branches?per_page=100&page=1", REPO + "/branches?per_page=100&page=1",
     "branches-page1"),
    (REPO + "/branches?per_page=100&page=2", REPO + "/branches?per_page=100&page=2",
     "branches-page2"),
]


def every_route(s):
    for path, sent, fid in ROUTES:
        s.reset()
        token = new_token()
        r = gh(path, token, headers={"Accept": "application/vnd.github.v3+json",
                                     "Cookie": "backstage-auth=x"})
        check_github_answer(r, fid, path)
        lines, recs = upstream(s)
        check(lines == ["GET " + sent], "%s: upstream got %r" % (path, lines))
        hdrs = recs[0]["headers"]
        check(hdrs.get("authorization") == "Bearer " + token, "%s: token not forwarded: %r"
              % (path, hdrs.get("authorization")))
        check(hdrs.get("accept") == "application/vnd.github.v3+json", "%s: accept %r"
              % (path, hdrs.get("accept")))
        check("cookie" not in hdrs and "if-none-match" not in hdrs,
              "%s: first call sent %r" % (path, hdrs))
    # Unknown query keys are dropped (GitHub ignores them too).
    s.reset()
    r = gh(RUNS + "?per_page=6&page=1&evil=1")
    check(r.status == 200 and upstream(s)[0] == ["GET " + RUNS + "?per_page=6&page=1"],
          "unknown key: %r %r" % (r, upstream(s)[0]))


def rerun(s):
    s.reset()
    token = new_token()
    r = gh(RUNS + "/20512340106/rerun", token, method="POST", body=b"")
    check(r.status == 201 and r.body == b"{}", "rerun: %r" % r)
    check(r.header("x-ratelimit-remaining") == "4977", "rerun: %r" % r.headers)
    lines, recs = upstream(s)
    check(lines == ["POST " + RUNS + "/20512340106/rerun"], "rerun upstream: %r" % lines)
    check(recs[0]["headers"].get("authorization") == "Bearer " + token, "rerun: no token")
    # A POST is never conditional, and a second one goes again.
    s.reset()
    r = gh(RUNS + "/20512340106/rerun", token, method="POST", body=b"")
    check(r.status == 201 and len(upstream(s)[0]) == 1, "second rerun: %r" % r)
    check("if-none-match" not in upstream(s)[1][0]["headers"], "rerun sent If-None-Match")


def conditional(s):
    """The second identical call asks GitHub with If-None-Match; GitHub's
    304 (not counted by GitHub) becomes the cached 200; another token asks
    unconditionally; the browser's own If-None-Match gets our 304."""
    etag = entry("runs-page1")["headers"]["etag"]
    path = RUNS + "?per_page=6&page=1"
    token = new_token()
    s.reset()
    first = gh(path, token)
    second = gh(path, token)
    check_github_answer(first, "runs-page1", "first")
    check_github_answer(second, "runs-page1", "from the cache")
    recs = upstream(s)[1]
    check(len(recs) == 2, "two calls upstream: %r" % upstream(s)[0])
    check("if-none-match" not in recs[0]["headers"], "first call was conditional")
    check(recs[1]["headers"].get("if-none-match") == etag,
          "second call: If-None-Match %r, want %r" % (recs[1]["headers"].get("if-none-match"), etag))
    check(second.header("x-ratelimit-remaining") == "4986", "304's rate limit headers")
    # Another user's token never gets this one's cached answer.
    s.reset()
    gh(path, new_token())
    check("if-none-match" not in upstream(s)[1][0]["headers"], "another token was conditional")
    # The browser's own conditional request: 304, no body, the ETag.
    r = gh(path, token, headers={"If-None-Match": etag})
    check(r.status == 304 and r.body == b"" and r.header("etag") == etag,
          "browser's If-None-Match: %r %r" % (r, r.headers))
    r = gh(path, token, headers={"If-None-Match": '"other"'})
    check(r.status == 200 and r.body == fixture("runs.checkout-service.page1.json"),
          "other If-None-Match: %r" % r)


def logs(s):
    """302 followed to the log storage (the stand-in, as the API's own host)
    without the token, the file streamed as it is; a redirect anywhere else
    is refused."""
    for path, fid, body in (
            (REPO + "/actions/jobs/58412340002/logs", "job-logs-blob",
             "job-logs.checkout-service.58412340002.txt"),
            (RUNS + "/20512340107/logs", "run-logs-zip", "run-logs.checkout-service.20512340107.zip")):
        s.reset()
        token = new_token()
        r = gh(path, token)
        check(r.status == 200 and r.body == fixture(body), "%s: %r" % (path, r))
        check(r.header("Content-Type") == entry(fid)["headers"]["content-type"],
              "%s: content type %r" % (path, r.header("Content-Type")))
        lines, recs = upstream(s)
        check(len(lines) == 2 and lines[0] == "GET " + path and
              lines[1].startswith("GET " + entry(fid)["path"]), "%s: upstream %r" % (path, lines))
        check(recs[0]["headers"].get("authorization") == "Bearer " + token, "no token to GitHub")
        check("authorization" not in recs[1]["headers"], "the token went to the log storage")
    for where in ("https://evil.example.com/logs.txt", "http://x.blob.core.windows.net/a",
                  "https://blob.core.windows.net.evil.example.com/a"):
        s.reset()
        s.add_route({"method": "GET", "path": RUNS + "/1/logs", "status": 302,
                     "headers": {"location": where}})
        r = gh(RUNS + "/1/logs")
        check(r.status == 502 and r.json()["message"] ==
              "GitHub's log redirect points at a host not allowed", "redirect to %s: %r" % (where, r))
        check(len(upstream(s)[0]) == 1, "redirect to %s followed" % where)
    streamed(s)
    cut_short(s)
    # GitHub's own answer when there is no log (404): passed on.
    s.reset()
    s.add_route({"method": "GET", "path": RUNS + "/2/logs", "fixture": "github/error-404"})
    r = gh(RUNS + "/2/logs")
    check(r.status == 404 and r.body == fixture("error.404.not-found.json"), "no log: %r" % r)


def streamed(s):
    """The log storage sends the 2 kB job log at 512 bytes/s: its first
    bytes reach the client through nginx long before the last ones."""
    path = MOUNT + REPO + "/actions/jobs/58412340002/logs"
    s.reset()
    s.misbehave({"mode": "slow", "bytes_per_second": 512, "path": "/actions-results/"})
    conn = itest.connection(timeout=20)
    try:
        t0 = time.monotonic()
        conn.request("GET", path, headers={"Authorization": "Bearer " + new_token()})
        resp = conn.getresponse()
        first = resp.read(64)
        t_first = time.monotonic() - t0
        rest = resp.read()
        t_end = time.monotonic() - t0
    finally:
        conn.close()
    check(resp.status == 200 and first + rest == fixture("job-logs.checkout-service.58412340002.txt"),
          "slow log: %d %r" % (resp.status, (first + rest)[:200]))
    check(t_first < 1.5 and t_end > 3, "not streamed: first bytes after %.1f s, end after %.1f s"
          % (t_first, t_end))
    s.reset()


def cut_short(s):
    """A log over max_log whose size the storage announces: 502 before a
    byte of it is sent.  (One that turns out larger while it streams ends
    with the ##[error] line of gha_log_cut_note, unit-tested: the stand-in
    sends only NDJSON without a length.)"""
    s.reset()
    s.add_route({"method": "GET", "path": RUNS + "/3/logs", "status": 302,
                 "headers": {"location": s.url + "/big-log.txt?sig=x"}})
    s.add_route({"method": "GET", "path": "/big-log.txt", "status": 200,
                 "headers": {"content-type": "text/plain"}, "body_text": "x" * (3 * MAX_LOG)})
    github_error(gh(RUNS + "/3/logs"), 502, "The log is larger than allowed (max_log)")
    check(len(upstream(s)[0]) == 2, "big log: %r" % upstream(s)[0])


# ---------------------------------------------------------------- refusals and failures

def github_error(r, status, message):
    check(r.status == status, "want %d: %r" % (status, r))
    check(r.json() == {"message": message, "documentation_url": "https://docs.github.com/rest"},
          "want GitHub's shape with %r: %r" % (message, r.body))


def refusals(s):
    """No token: 401 before any upstream call; a repository no entity
    names, a malformed name or id, a hostile path: 404 (or the host's 400
    for dot segments), never an upstream call."""
    s.reset()
    github_error(gh(RUNS, token=False), 401, "Requires authentication")
    github_error(gh(RUNS, token=False, headers={"Authorization": "Basic dTpw"}), 401,
                 "Requires authentication")
    for path in ("/repos/oracle-org/secret-repo/actions/runs", "/repos/other-org/checkout-service",
                 "/repos/oracle-org/checkout-service%2F..%2F..%2Fscript/actions/runs",
                 "/repos/oracle-org/checkout-service/actions/runs/abc",
                 "/repos/oracle-org/checkout-service/actions/jobs/1x/logs",
                 "/repos/oracle-org/checkout-service/actions/workflows/..%2F..%2Fscript"):
        github_error(gh(path), 404, "Not Found")
    r = gh("/repos/oracle-org/checkout-service/../../../etc/passwd")
    check(r.status in (400, 404), "dot segments: %r" % r)
    # Repository names are case-insensitive at GitHub, so is the allow-list.
    r = gh("/repos/Oracle-Org/Checkout-Service/actions/runs/20512340107")
    check(r.status == 404 and len(upstream(s)[0]) == 1, "case: %r" % r)
    lines = upstream(s)[0]
    check(lines == ["GET /repos/Oracle-Org/Checkout-Service/actions/runs/20512340107"],
          "refused requests went upstream: %r" % lines)
    # In the catalog, but the token cannot see it: GitHub's 404 as it is.
    s.reset()
    r = gh("/repos/oracle-org/fraud-detector/actions/runs?per_page=6&page=1")
    check_github_answer(r, "error-404", "fraud-detector")


def upstream_refusals(s):
    s.reset()
    r = gh(RUNS + "?per_page=6&page=1", "gho_fixture-placeholder-revoked")
    check(r.status == 401, "revoked token: %r" % r)
    body = r.json()
    check(body["message"] == "GitHub rejected the token (Bad credentials): sign in to GitHub again"
          and body["documentation_url"] == "https://docs.github.com/rest", "401 body %r" % body)
    check(r.header("x-ratelimit-limit") == "60", "401 headers: %r" % r.headers)
    s.add_route({"method": "GET", "path": RUNS, "fixture": "github/error-403-rate-limited"})
    r = gh(RUNS + "?per_page=6&page=1")
    check(r.status == 403 and r.header("x-ratelimit-remaining") == "0"
          and r.header("x-ratelimit-reset") == "1767099600", "rate limited: %r %r" % (r, r.headers))
    msg = r.json()["message"]
    check(msg.startswith("GitHub API rate limit exceeded for this token; it resets at "
                         "2025-12-30T13:00:00Z (API rate limit exceeded for user ID 5012344."),
          "rate limit message: %r" % msg)


def failures(s):
    """Timeout 504, reset and malformed JSON and an answer over the cap 502,
    all in GitHub's shape, none hanging."""
    cases = [({"mode": "stall", "seconds": TIMEOUT + 3}, 504, "GitHub did not answer in time"),
             ({"mode": "reset"}, 502, "Could not reach GitHub"),
             ({"mode": "malformed"}, 502, "GitHub's answer was not valid JSON")]
    for rule, status, message in cases:
        s.reset()
        s.misbehave(dict(rule, times=1))
        t0 = time.monotonic()
        github_error(gh(RUNS + "?per_page=6&page=1"), status, message)
        check(time.monotonic() - t0 < TIMEOUT + 2, "%s took %.1f s" % (rule["mode"],
                                                                       time.monotonic() - t0))
    s.reset()
    s.add_route({"method": "GET", "path": RUNS, "status": 200,
                 "headers": {"content-type": "application/json; charset=utf-8"},
                 "body_text": json.dumps({"total_count": 1, "workflow_runs": ["x" * MAX_BODY]})})
    github_error(gh(RUNS + "?per_page=6&page=1"), 502, "GitHub's answer was larger than allowed")
    s.stop()
    github_error(gh(RUNS + "?per_page=6&page=1"), 502, "Could not reach GitHub")


@test
def github_actions_against_the_stand_in():
    """Every route of spec §4's table is GitHub's answer byte for byte with
    its headers, with the caller's token forwarded; conditional calls and
    the 304 path; logs followed only to allowed hosts and streamed;
    refusals before any upstream call (no token, not in the catalog,
    hostile names); GitHub's 401/403/404 passed on; timeout, reset,
    malformed JSON and over-the-cap answers as 504/502."""
    need_plugin()
    s = StandIn(fixtures=[FIXTURES],
                log=os.path.join(itest.LOG, "stub-standin-github.log")).start()
    offset = itest.log_size()
    try:
        with dropin(DROPIN, ini(s.url)):
            itest.restart_main()
            every_route(s)
            rerun(s)
            conditional(s)
            logs(s)
            refusals(s)
            upstream_refusals(s)
            failures(s)  # stops the stand-in: last
    finally:
        s.stop()
        itest.restart_main()
    itest.check_no_sanitizer_reports(itest.log_since(offset))
    r = gh(RUNS)
    check(r.status == 404, "plugin off, the route still answers: %r" % r)
