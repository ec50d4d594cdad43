#!/usr/bin/env python3
"""Self-tests of tests/stubs/standin.py (unittest, standard library only).

Every entry of the four upstream fixture sets is replayed against a running
stand-in and its status, headers and body bytes compared with the files;
then the selection rules, the request record, each misbehaviour mode and
NDJSON pacing.  The fixtures are looked up in $STANDIN_FIXTURES, else in
../shared/fixtures/upstream beside the repository; the replay tests skip
when neither exists.  Run: python3 -B tests/stubs/test_standin.py [-v]
"""
import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from standin import StandIn  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.environ.get("STANDIN_FIXTURES") or os.path.join(
    os.path.dirname(REPO), "shared", "fixtures", "upstream")
SERVICES = ("github", "jenkins", "openchoreo", "perch")

# Hosts named by each fixture set: URLs on them in answer headers point at
# the stand-in itself.
ORIGINS = {
    "github": ["https://api.github.com", "https://productionresultssa7.blob.core.windows.net",
               "https://pipelinesghubeus21.actions.githubusercontent.com"],
    "jenkins": ["https://jenkins.example.com"],
}
# The caller's Authorization where the service wants one and the entry
# does not name it (OpenChoreo and Perch answer 401 without).
DEFAULT_HEADERS = {"openchoreo": {"authorization": "Bearer test-token"},
                   "perch": {"authorization": "Bearer test-token"}}
# Entries whose request nothing tells apart from another's: picked by id.
BY_ID = {"perch": {"chat-recovery", "error-403", "error-503"}}
# Concrete paths for the entries with a wildcard path.
WILDCARD_PATHS = {"*": "/api/v1/namespaces/default/projects",
                  "/api/v1/*": "/api/v1/namespaces/oracle/projects/checkout"}
OAUTH_QUERY = {"client_id": "abc", "redirect_uri": "https://portal.test/api/auth/github/handler/frame",
               "state": "s t/8"}


def load_index(service):
    with open(os.path.join(FIXTURES, service, "index.json")) as f:
        return json.load(f)["fixtures"]


def fixture_bytes(service, name):
    with open(os.path.join(FIXTURES, service, name), "rb") as f:
        return f.read()


def fill(text, sample="sample"):
    """A concrete value for a selector: <placeholders> naming a bad value
    stay literal, other placeholders and "*" become sample text."""
    if text == "*":
        return sample
    text = re.sub(r"\[[^\]]*\]", "", text)

    def one(m):
        return m.group(0) if re.search(r"expired|bad|revoked|stale", m.group(0)) else sample
    return re.sub(r"<[^<>]*>", one, text)


def quote(text):
    import urllib.parse
    return urllib.parse.quote(text, safe="")


def request_of(service, entry):
    """(method, target, headers, body) replaying an index.json entry."""
    path = WILDCARD_PATHS.get(entry["path"], entry["path"])
    if entry.get("query_raw") is not None:
        query = entry["query_raw"]
    else:
        pairs = []
        for k, v in (entry.get("query") or {}).items():
            v = OAUTH_QUERY[k] if entry["id"] == "oauth-authorize" and k in OAUTH_QUERY else fill(v)
            pairs.append("%s=%s" % (quote(k), quote(v)))
        query = "&".join(pairs)
    headers = dict(DEFAULT_HEADERS.get(service, {}))
    for k, v in (entry.get("request_headers") or {}).items():
        headers.pop(k, None)
        if v != "<absent>":
            headers[k] = fill(v)
    body = None
    if entry.get("request_body_file"):
        body = fixture_bytes(service, entry["request_body_file"])
    elif entry.get("request_body"):
        body = fill(entry["request_body"]).encode()
    if entry["id"] in BY_ID.get(service, ()):
        headers["x-standin-fixture"] = entry["id"]
    return entry["method"], path + ("?" + query if query else ""), headers, body


def fetch(s, method, target, headers=None, body=None, timeout=10):
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=timeout)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp, resp.read()
    finally:
        conn.close()


def expected_header(service, entry, value, s):
    for origin in ORIGINS.get(service, ()):
        value = value.replace(origin, s.url)
    if entry["id"] == "oauth-authorize" and value.startswith("<redirect_uri>"):
        value = OAUTH_QUERY["redirect_uri"] + "?code=a1b2c3d4e5f6a7b8c9d0&state=s%20t%2F8"
    return value


@unittest.skipUnless(os.path.isdir(FIXTURES), "no fixtures at %s" % FIXTURES)
class Replay(unittest.TestCase):
    """Every entry of every index.json, answered as written."""

    def replay(self, service):
        with StandIn(fixtures=[os.path.join(FIXTURES, service)], ndjson_pause_ms=1) as s:
            entries = load_index(service)
            for entry in entries:
                with self.subTest(service=service, id=entry["id"]):
                    self.check_entry(s, service, entry)
            self.assertEqual(len(s.requests()), len(entries))

    def check_entry(self, s, service, entry):
        resp, body = fetch(s, *request_of(service, entry))
        self.assertEqual(resp.status, entry["status"])
        for name, value in (entry.get("headers") or {}).items():
            got = resp.msg.get_all(name) or []
            self.assertEqual(got, [expected_header(service, entry, value, s)], name)
        for name in ("server", "date"):
            self.assertLessEqual(len(resp.msg.get_all(name) or []), 1, name)
        if entry.get("body"):
            want = fixture_bytes(service, entry["body"])
        else:
            want = (entry.get("response_body") or "").encode()
        self.assertEqual(body, want)
        if (entry.get("body") or "").endswith(".ndjson"):
            self.assertEqual(resp.getheader("transfer-encoding"), "chunked")
        elif resp.status not in (204, 304):
            self.assertEqual(resp.getheader("content-length"), str(len(want)))

    def test_github(self):
        self.replay("github")

    def test_jenkins(self):
        self.replay("jenkins")

    def test_openchoreo(self):
        self.replay("openchoreo")

    def test_perch(self):
        self.replay("perch")

    def test_github_redirect_is_served_here(self):
        """The log redirect points at the stand-in, which serves the blob."""
        with StandIn(fixtures=[os.path.join(FIXTURES, "github")]) as s:
            resp, _ = fetch(s, "GET", "/repos/oracle-org/checkout-service/actions/jobs/"
                            "58412340002/logs")
            self.assertEqual(resp.status, 302)
            loc = resp.getheader("location")
            self.assertTrue(loc.startswith(s.url + "/actions-results/"), loc)
            resp, body = fetch(s, "GET", loc[len(s.url):])
            self.assertEqual(resp.status, 200)
            self.assertEqual(body, fixture_bytes("github", "job-logs.checkout-service."
                                                 "58412340002.txt"))

    def test_all_four_in_one_server(self):
        dirs = [os.path.join(FIXTURES, x) for x in SERVICES]
        with StandIn(fixtures=dirs) as s:
            resp, body = fetch(s, "GET", "/crumbIssuer/api/json")
            self.assertEqual(body, fixture_bytes("jenkins", "crumbIssuer.json"))
            resp, body = fetch(s, "GET", "/health")
            self.assertEqual(body, fixture_bytes("perch", "health.json"))
            resp, body = fetch(s, "GET", "/repos/oracle-org/checkout-service")
            self.assertEqual(body, fixture_bytes("github", "repo.checkout-service.json"))
            resp, body = fetch(s, "GET", "/x", {"x-standin-fixture": "perch/error-403"})
            self.assertEqual((resp.status, body), (403, fixture_bytes("perch",
                                                                     "error.403.forbidden.json")))


@unittest.skipUnless(os.path.isdir(FIXTURES), "no fixtures at %s" % FIXTURES)
class Selection(unittest.TestCase):
    """Which entry answers: query keys, headers, bodies, Accept, specificity."""

    @classmethod
    def setUpClass(cls):
        cls.s = StandIn(fixtures=[os.path.join(FIXTURES, x) for x in SERVICES]).start()

    @classmethod
    def tearDownClass(cls):
        cls.s.stop()

    def setUp(self):
        self.s.reset()

    def body_of(self, target, headers=None, method="GET", body=None):
        resp, data = fetch(self.s, method, target, headers, body)
        return resp.status, data

    def test_query_listed_keys_decide_and_others_are_ignored(self):
        runs = "/repos/oracle-org/checkout-service/actions/runs"
        page1 = fixture_bytes("github", "runs.checkout-service.page1.json")
        self.assertEqual(self.body_of(runs + "?per_page=6&page=1&x=y"), (200, page1))
        self.assertEqual(self.body_of(runs + "?page=1&per_page=6&branch=main")[1],
                         fixture_bytes("github", "runs.checkout-service.branch-main.json"))
        self.assertEqual(self.body_of(runs + "?per_page=6&page=2")[1],
                         fixture_bytes("github", "runs.checkout-service.page2.json"))
        # no entry for per_page=7 on this path: the openchoreo catch-all is GET *
        self.assertNotEqual(self.body_of(runs + "?per_page=7&page=1")[1], page1)

    def test_query_decoded_and_query_raw(self):
        tree = ("jobs[actions[*],lastBuild[number,url,fullDisplayName,displayName,building,"
                "result,timestamp,duration,actions[*[*[*[*]]]]],jobs{0,1},url,name,fullName,"
                "displayName,fullDisplayName,inQueue]{0,50}")
        got = self.body_of("/job/oracle/job/checkout-service/api/json?tree=" + quote(tree))
        self.assertEqual(got, (200, fixture_bytes("jenkins", "projects.oracle-checkout-service.json")))

    def test_headers_select_and_absent(self):
        ns = "/api/v1/namespaces?limit=100"
        self.assertEqual(self.body_of(ns)[0], 401)
        self.assertEqual(self.body_of(ns, {"Authorization": "Bearer abc"}),
                         (200, fixture_bytes("openchoreo", "namespaces.json")))
        got = self.body_of("/api/v1/namespaces/oracle/components/checkout-service",
                           {"Authorization": "Bearer abc", "X-Fixture-Scenario": "forbidden"})
        self.assertEqual(got, (403, fixture_bytes("openchoreo", "error.403.forbidden.json")))

    def test_bad_placeholders_match_only_literally(self):
        chat = "/api/v1alpha1/portal-assistant/chat"
        status, _ = self.body_of(chat, {"Authorization": "Bearer <expired JWT>"}, "POST", b"{}")
        self.assertEqual(status, 401)
        status, _ = self.body_of(chat, {"Authorization": "Bearer real"}, "POST", b"{}")
        self.assertEqual(status, 200)

    def test_body_selects(self):
        chat = "/api/v1alpha1/portal-assistant/chat"
        req = json.loads(fixture_bytes("perch", "chat.request.follow-up.json"))
        got = self.body_of(chat, {"Authorization": "Bearer a"}, "POST",
                           json.dumps(req, indent=2).encode())
        self.assertEqual(got, (200, fixture_bytes("perch", "chat.error.ndjson")))

    def test_form_body_and_accept(self):
        url = "/login/oauth/access_token"
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        body = b"client_secret=s&code=a1b2c3d4e5f6a7b8c9d0&grant_type=authorization_code" \
               b"&redirect_uri=https%3A%2F%2Fx&client_id=i"
        self.assertEqual(self.body_of(url, form, "POST", body)[1],
                         fixture_bytes("github", "oauth.access_token.form.txt"))
        both = dict(form, Accept="application/json")
        self.assertEqual(self.body_of(url, both, "POST", body)[1],
                         fixture_bytes("github", "oauth.access_token.json"))

    def test_conditional_request(self):
        etag = '"51884f9316a2cb148724c4b5226572ba2c916c1ab013d870dd8502d7eeb3b590"'
        self.s.add_route({"path": "/etag", "headers": {"etag": '"v1"'}, "body_text": "x"})
        resp, body = fetch(self.s, "GET", "/etag", {"If-None-Match": '"v1"'})
        self.assertEqual((resp.status, body, resp.getheader("etag")), (304, b"", '"v1"'))
        resp, body = fetch(self.s, "GET", "/etag", {"If-None-Match": '"v0"'})
        self.assertEqual((resp.status, body), (200, b"x"))
        resp, body = fetch(self.s, "GET", "/user", {"If-None-Match": etag})
        self.assertEqual((resp.status, body), (304, b""))

    def test_run_time_routes_win_and_go(self):
        self.assertEqual(self.body_of("/health")[1], fixture_bytes("perch", "health.json"))
        r = self.s.add_route({"method": "GET", "path": "/health", "status": 500,
                              "headers": {"content-type": "text/plain"}, "body_text": "down"})
        self.assertEqual(r, {"added": "/health"})
        self.assertEqual(self.body_of("/health"), (500, b"down"))
        self.s.add_route({"path": "/health", "query": {"v": "2"}, "body_b64": "AAEC"})
        self.assertEqual(self.body_of("/health?v=2"), (200, b"\x00\x01\x02"))
        self.assertEqual(self.body_of("/health?v=3"), (500, b"down"))
        self.s.add_route({"path": "/health", "headers_match": {"x-who": "me"},
                          "fixture": "perch/error-503"})
        self.assertEqual(self.body_of("/health", {"X-Who": "me"})[0], 503)
        self.s.add_route({"path": "/file", "body": "health.json", "status": 201})
        self.assertEqual(self.body_of("/file"), (201, fixture_bytes("perch", "health.json")))
        self.s.clear_routes()
        self.assertEqual(self.body_of("/health")[1], fixture_bytes("perch", "health.json"))

    def test_bad_route_is_400(self):
        for bad in ({"status": 200}, {"path": "/x", "fixture": "nope"}, {"path": "/x",
                                                                           "body": "nope"}):
            resp, body = fetch(self.s, "POST", "/__standin/routes", {}, json.dumps(bad).encode())
            self.assertEqual(resp.status, 400, bad)

    def test_fixture_list(self):
        resp, body = fetch(self.s, "GET", "/__standin/fixtures")
        ids = {(f["service"], f["id"]) for f in json.loads(body)}
        self.assertIn(("jenkins", "crumb"), ids)
        self.assertEqual(len(ids), sum(len(load_index(x)) for x in SERVICES))


class Recording(unittest.TestCase):
    def test_requests_are_recorded_in_order(self):
        with StandIn() as s:
            resp, body = fetch(s, "POST", "/a%20b/c?x=1&y=%2F", {"X-One": "1"}, b"hello")
            self.assertEqual(resp.status, 404)
            self.assertEqual(json.loads(body), {"error": "standin: no fixture for POST /a b/c"})
            conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
            conn.putrequest("PUT", "/bin")
            conn.putheader("X-Rep", "a")
            conn.putheader("X-Rep", "b")
            conn.putheader("Content-Length", "3")
            conn.endheaders(b"\xff\x00\xfe")
            conn.getresponse().read()
            conn.close()
            got = s.requests()
            self.assertEqual(len(got), 2)
            self.assertEqual((got[0]["method"], got[0]["path"], got[0]["query"], got[0]["body"]),
                             ("POST", "/a%20b/c", "x=1&y=%2F", "hello"))
            self.assertEqual(got[0]["headers"]["x-one"], "1")
            self.assertEqual(got[1]["headers"]["x-rep"], "a, b")
            self.assertEqual(got[1]["body_b64"], "/wD+")
            self.assertNotIn("body", got[1])
            s.clear_requests()
            self.assertEqual(s.requests(), [])

    def test_chunked_request_body(self):
        with StandIn() as s:
            conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
            conn.request("POST", "/up", body=iter([b"ab", b"cd"]),
                         headers={"Transfer-Encoding": "chunked"}, encode_chunked=True)
            conn.getresponse().read()
            conn.close()
            self.assertEqual(s.requests()[0]["body"], "abcd")

    def test_connection_numbers(self):
        with StandIn() as s:
            one = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
            two = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
            for conn, path in ((one, "/a"), (one, "/b"), (two, "/c"), (one, "/d")):
                conn.request("GET", path)
                conn.getresponse().read()
            one.close()
            two.close()
            got = {r["path"]: r["connection"] for r in s.requests()}
            self.assertEqual(got["/a"], got["/b"])
            self.assertEqual(got["/a"], got["/d"])
            self.assertNotEqual(got["/a"], got["/c"])
            self.assertGreater(got["/c"], got["/a"])


class Misbehaviour(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = StandIn().start()

    @classmethod
    def tearDownClass(cls):
        cls.s.stop()

    def setUp(self):
        self.s.reset()
        self.s.add_route({"path": "/ok", "headers": {"content-type": "application/json"},
                          "body_text": json.dumps({"n": list(range(300))})})

    def test_stall(self):
        self.s.misbehave({"mode": "stall", "seconds": 2, "path": "/ok"})
        t0 = time.time()
        with self.assertRaises(socket.timeout):
            fetch(self.s, "GET", "/ok", timeout=0.5)
        self.assertLess(time.time() - t0, 1.5)
        self.assertEqual(len(self.s.requests()), 1)

    def test_stall_then_close(self):
        self.s.misbehave({"mode": "stall", "seconds": 0.3})
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            fetch(self.s, "GET", "/ok", timeout=5)

    def test_reset(self):
        self.s.misbehave({"mode": "reset", "times": 1})
        with self.assertRaises(ConnectionResetError):
            fetch(self.s, "GET", "/ok")
        self.assertEqual(fetch(self.s, "GET", "/ok")[0].status, 200)

    def test_malformed(self):
        self.s.misbehave({"mode": "malformed"})
        resp, body = fetch(self.s, "GET", "/ok")
        self.assertEqual((resp.status, resp.getheader("content-type")), (200, "application/json"))
        with self.assertRaises(ValueError):
            json.loads(body)

    def test_status_times_and_path(self):
        self.s.misbehave({"mode": "status", "status": 503, "path": "/ok", "times": 2})
        self.assertEqual(fetch(self.s, "GET", "/other")[0].status, 404)
        for _ in range(2):
            resp, body = fetch(self.s, "GET", "/ok")
            self.assertEqual(resp.status, 503)
            self.assertIn("error", json.loads(body))
        self.assertEqual(fetch(self.s, "GET", "/ok")[0].status, 200)

    def test_slow(self):
        self.s.misbehave({"mode": "slow", "bytes_per_second": 1000})
        t0 = time.time()
        resp, body = fetch(self.s, "GET", "/ok")
        took = time.time() - t0
        self.assertEqual(json.loads(body)["n"][299], 299)
        self.assertGreater(took, len(body) / 1000.0 * 0.8)

    def test_delay_and_clear(self):
        self.s.misbehave({"mode": "delay", "seconds": 0.4})
        t0 = time.time()
        self.assertEqual(fetch(self.s, "GET", "/ok")[0].status, 200)
        self.assertGreater(time.time() - t0, 0.35)
        self.s.clear_misbehave()
        t0 = time.time()
        fetch(self.s, "GET", "/ok")
        self.assertLess(time.time() - t0, 0.3)

    def test_bad_rule_is_400(self):
        for bad in ({"mode": "explode"}, {"mode": "reset", "times": 0}, [1]):
            resp, _ = fetch(self.s, "POST", "/__standin/misbehave", {}, json.dumps(bad).encode())
            self.assertEqual(resp.status, 400, bad)


def read_chunks(sock):
    """[(arrival time, chunk bytes)] of a chunked answer on a raw socket."""
    f = sock.makefile("rb")
    while f.readline() not in (b"\r\n", b""):
        pass
    out = []
    while True:
        size = int(f.readline().strip(), 16)
        data = f.read(size)
        f.readline()
        if size == 0:
            return out
        out.append((time.time(), data))


class Ndjson(unittest.TestCase):
    def test_lines_arrive_separately_and_paced(self):
        lines = [json.dumps({"i": i}).encode() + b"\n" for i in range(4)]
        with StandIn(ndjson_pause_ms=200) as s:
            s.add_route({"method": "POST", "path": "/chat", "body_text": b"".join(lines).decode(),
                         "headers": {"content-type": "application/x-ndjson"}})
            sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
            sock.sendall(b"POST /chat HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
            chunks = read_chunks(sock)
            sock.close()
            self.assertEqual([c for _, c in chunks], lines)
            gaps = [b[0] - a[0] for a, b in zip(chunks, chunks[1:])]
            self.assertTrue(all(g > 0.15 for g in gaps), gaps)
            s.add_route({"path": "/fast", "body_text": "a\nb\n", "ndjson_pause_ms": 0,
                         "headers": {"content-type": "application/x-ndjson"}})
            t0 = time.time()
            self.assertEqual(fetch(s, "GET", "/fast")[1], b"a\nb\n")
            self.assertLess(time.time() - t0, 0.15)


    def test_stream_record(self):
        """The record says when each line went out and how the stream
        ended: complete, or the client gone (seen during a pause)."""
        lines = "".join(json.dumps({"i": i}) + "\n" for i in range(5))
        with StandIn(ndjson_pause_ms=300) as s:
            s.add_route({"path": "/chat", "body_text": lines,
                         "headers": {"content-type": "application/x-ndjson"}})
            self.assertEqual(fetch(s, "GET", "/chat")[1], lines.encode())
            st = s.requests()[0]["stream"]
            self.assertEqual((st["lines_sent"], st["end"]), (5, "complete"))
            gaps = [b - a for a, b in zip(st["sent_times"], st["sent_times"][1:])]
            self.assertTrue(all(g > 0.25 for g in gaps), gaps)
            self.assertGreaterEqual(st["end_time"], st["sent_times"][-1])
            self.assertEqual(len(st["write_times"]), 5)
            self.assertTrue(all(w <= t for w, t in zip(st["write_times"], st["sent_times"])))
            s.clear_requests()
            sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
            sock.sendall(b"GET /chat HTTP/1.1\r\nHost: x\r\n\r\n")
            f = sock.makefile("rb")
            while f.readline() not in (b"\r\n", b""):
                pass
            f.readline()
            self.assertEqual(f.readline(), b'{"i": 0}\n')
            f.close()
            sock.close()
            closed = time.time()
            time.sleep(0.6)
            st = s.requests()[0]["stream"]
            self.assertEqual((st["lines_sent"], st["end"]), (1, "client gone"))
            self.assertLess(st["end_time"] - closed, 0.2)


    def test_burst_of_streams(self):
        """200 streams opened at the same moment are all answered at once:
        the listen backlog takes the burst (socketserver's default of 5
        left some waiting for SYN retries, seconds to a minute).  Each
        line's write_times entry precedes its arrival (its sent_times entry
        may not: the thread can wait for the GIL before noting it)."""
        with StandIn(ndjson_pause_ms=100) as s:
            s.add_route({"path": "/chat", "body_text": "a\nb\n",
                         "headers": {"content-type": "application/x-ndjson"}})
            n, barrier, got = 200, threading.Barrier(200), {}

            def chat(i):
                barrier.wait()
                try:
                    sock = socket.create_connection(("127.0.0.1", s.port), timeout=5)
                    sock.sendall(b"GET /chat HTTP/1.1\r\nHost: x\r\nX-Id: %d\r\n\r\n" % i)
                    got[str(i)] = read_chunks(sock)
                    sock.close()
                except OSError as e:
                    got[str(i)] = repr(e)

            t0 = time.time()
            threads = [threading.Thread(target=chat, args=(i,)) for i in range(n)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(10)
            self.assertEqual(sorted((k, b"".join(c for _, c in v)) for k, v in got.items()),
                             sorted((str(i), b"a\nb\n") for i in range(n)))
            self.assertLess(time.time() - t0, 3)
            for rq in s.requests():
                arrived = [t for t, _ in got[rq["headers"]["x-id"]]]
                began = rq["stream"]["write_times"]
                self.assertTrue(all(b <= a for b, a in zip(began, arrived)), (began, arrived))


class Process(unittest.TestCase):
    def test_port_file_stderr_and_sigterm(self):
        tmp = tempfile.mkdtemp()
        try:
            log = os.path.join(tmp, "err")
            s = StandIn(log=log).start()
            with open(log) as f:
                self.assertEqual(f.read(), "standin: listening on %d\n" % s.port)
            t0 = time.time()
            s.proc.terminate()
            s.proc.wait(5)
            self.assertLess(time.time() - t0, 1)
            s.stop()
        finally:
            shutil.rmtree(tmp)

    @unittest.skipUnless(shutil.which("openssl"), "no openssl")
    def test_tls(self):
        tmp = tempfile.mkdtemp()
        try:
            cert, key = os.path.join(tmp, "c.pem"), os.path.join(tmp, "k.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                            "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1"],
                           check=True, capture_output=True)
            with StandIn(tls_cert=cert, tls_key=key) as s:
                self.assertTrue(s.url.startswith("https://"))
                s.add_route({"path": "/t", "body_text": "secure"})
                ctx = ssl.create_default_context(cafile=cert)
                ctx.check_hostname = False
                conn = http.client.HTTPSConnection("127.0.0.1", s.port, context=ctx, timeout=10)
                conn.request("GET", "/t")
                self.assertEqual(conn.getresponse().read(), b"secure")
                conn.close()
                self.assertEqual(s.requests()[0]["path"], "/t")
        finally:
            shutil.rmtree(tmp)


class Subclasses(unittest.TestCase):
    """files.py and idp.py answer with their own code on standin's machinery."""

    def test_files(self):
        tmp = tempfile.mkdtemp()
        try:
            with open(os.path.join(tmp, "a.yaml"), "w") as f:
                f.write("kind: x\n")
            with StandIn(script="files.py", args=["--root", tmp]) as s:
                resp, body = fetch(s, "GET", "/a.yaml")
                self.assertEqual((resp.status, body), (200, b"kind: x\n"))
                etag = resp.getheader("etag")
                self.assertEqual(fetch(s, "GET", "/a.yaml", {"If-None-Match": etag})[0].status,
                                 304)
                self.assertEqual(fetch(s, "GET", "/_set?path=/a.yaml&status=500")[0].status, 200)
                self.assertEqual(fetch(s, "GET", "/a.yaml")[0].status, 500)
                fetch(s, "GET", "/_reset")
                s.misbehave({"mode": "reset", "path": "/a.yaml", "times": 1})
                with self.assertRaises(ConnectionResetError):
                    fetch(s, "GET", "/a.yaml")
                s.add_route({"path": "/a.yaml", "status": 410, "body_text": "gone"})
                self.assertEqual(fetch(s, "GET", "/a.yaml")[1], b"gone")
                self.assertEqual([r["path"] for r in s.requests()],
                                 ["/a.yaml"] * 2 + ["/_set", "/a.yaml", "/_reset"] + ["/a.yaml"] * 2)
        finally:
            shutil.rmtree(tmp)

    @unittest.skipUnless(shutil.which("openssl"), "no openssl")
    def test_idp(self):
        with StandIn(script="idp.py") as s:
            resp, body = fetch(s, "GET", "/.well-known/openid-configuration")
            self.assertEqual(json.loads(body)["token_endpoint"], s.url + "/token")
            form = b"grant_type=client_credentials&client_id=stagehand-service" \
                   b"&client_secret=service-secret"
            resp, body = fetch(s, "POST", "/token", {}, form)
            self.assertEqual(json.loads(body)["token_type"], "Bearer")
            s.misbehave({"mode": "stall", "seconds": 2, "path": "/token"})
            with self.assertRaises(socket.timeout):
                fetch(s, "POST", "/token", {}, form, timeout=0.5)
            self.assertEqual([r["body"] for r in s.requests()[1:]], [form.decode()] * 2)


if __name__ == "__main__":
    unittest.main()
