"""Integration tests of perch, the assistant's streaming proxy in pool
`stream` (issue 18; spec platform-apis 5.3), through nginx so that its
unbuffered locations are proven too.  The agent is the stand-in
(tests/stubs/standin.py) serving the recorded conversations of
tests/data/upstream/perch with pauses between lines; its request record
shows what perch sent, when each line left and whether the client went
away.  The web UI's browser stage (an answer appearing in pieces) waits for
the UI (issue 15)."""

import json
import os
import re
import sys
import threading
import time
import urllib.request

import itest
from itest import check, dev_ok, dropin, request, test, try_get, wait_for

sys.path.insert(0, os.path.join(itest.REPO, "tests", "stubs"))
from standin import StandIn  # noqa: E402

FIXTURES = os.path.join(itest.REPO, "tests", "data", "upstream", "perch")
DROPIN = "60-itest-perch.ini"
MOUNTS = ("/api/perch", "/api/openchoreo-portal-assistant-backend")
CHAT = "/api/v1alpha1/portal-assistant/chat"
WARMUP = "/api/v1alpha1/portal-assistant/warmup"
BEARER = {"Authorization": "Bearer itest-idp-token"}
# Small limits so that silence and stalls end quickly (seconds).
LIMITS = {"chat_timeout": 3, "warmup_timeout": 1, "idle_timeout": 1, "max_streams": 2}


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


def stream_log():
    return itest.log_path("stream")


# ---------------------------------------------------------------- stack

def stream_pool_up():
    """The stream pool answers (not nginx's 503 for a missing socket)."""
    r = wait_for(lambda: (lambda x: x if x.status not in (0, 502, 503) else None)(
        try_get(MOUNTS[0] + CHAT)), 30)
    check(r is not None, "pool stream does not answer: %r" % try_get(MOUNTS[0] + CHAT))


def restart_stream():
    dev_ok("pool", "restart", "stream")
    stream_pool_up()


def perch_ini(url, verify=False, **extra):
    keys = dict(LIMITS, **extra)
    return ("[perch]\nupstream_url = %s\nverify_token = %s\n" % (url, "true" if verify else "false")
            + "".join("%s = %s\n" % kv for kv in keys.items()))


# ---------------------------------------------------------------- client

class Streamed:
    """A chat read line by line as it arrives: status, headers, and
    [(arrival time, line bytes)]."""

    def __init__(self, path, body, headers=None, stop_after=None, timeout=20):
        self.conn = itest.connection(timeout=timeout)
        hdrs = {"Content-Type": "application/json", "Accept": "application/x-ndjson"}
        hdrs.update(headers if headers is not None else BEARER)
        self.t0 = time.time()
        self.conn.request("POST", path, body=body, headers=hdrs)
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.headers = self.resp.getheaders()
        self.lines = []
        self.closed_at = None
        while stop_after is None or len(self.lines) < stop_after:
            line = self.resp.readline()
            if not line:
                break
            self.lines.append((time.time(), line))
        if stop_after is not None:
            self.closed_at = time.time()
        self.conn.close()

    def header(self, name):
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    @property
    def body(self):
        return b"".join(line for _, line in self.lines)


def post(path, body, headers=None, timeout=20):
    hdrs = {"Content-Type": "application/json"}
    hdrs.update(headers if headers is not None else BEARER)
    return request("POST", path, headers=hdrs, body=body, timeout=timeout)


def check_streamed(got, want, record, what):
    """Byte for byte, each line its own piece: every line reached the client
    before the stand-in sent the next one, so none was held back."""
    check(got.status == 200, "%s: status %d %r" % (what, got.status, got.body[:300]))
    check(got.body == want, "%s: body differs:\n%r\nwant\n%r" % (what, got.body, want))
    check((got.header("Content-Type") or "").startswith("application/x-ndjson"),
          "%s: Content-Type %r" % (what, got.header("Content-Type")))
    check(got.header("Cache-Control") == "no-cache, no-transform",
          "%s: Cache-Control %r" % (what, got.header("Cache-Control")))
    check(got.header("Content-Encoding") in (None, "identity"),
          "%s: Content-Encoding %r" % (what, got.header("Content-Encoding")))
    sent = record["stream"]["sent_times"]
    check(len(sent) == len(got.lines), "%s: %d lines sent, %d arrived"
          % (what, len(sent), len(got.lines)))
    for i, (arrived, _) in enumerate(got.lines[:-1]):
        check(arrived < sent[i + 1], "%s: line %d arrived %.3f s after line %d left the agent"
              % (what, i, arrived - sent[i + 1], i + 1))
    check(len(sent) < 2 or got.lines[0][0] < sent[-1],
          "%s: the first event arrived after the last was sent" % what)


def one_record(s, what):
    seen = s.requests()
    check(len(seen) == 1, "%s: the stand-in saw %d requests: %r" % (what, len(seen), seen))
    return seen[0]


# ---------------------------------------------------------------- the dev stack

@test
def perch_dev_stack_streams_from_the_stand_in_agent():
    """`scripts/dev up` runs pool stream with perch against its stand-in
    agent (scripts/lib/agent.sh, 300 ms between lines): a chat through
    nginx arrives in pieces, byte for byte; no token is the agent's 401."""
    stream_pool_up()
    body = fixture("chat.request.build-failure.json")
    got = Streamed(MOUNTS[1] + CHAT, body)
    check(got.status == 200, "chat: %d %r" % (got.status, got.body[:300]))
    check(got.body == fixture("chat.build-failure.ndjson"), "chat body: %r" % got.body)
    gaps = [b[0] - a[0] for a, b in zip(got.lines, got.lines[1:])]
    check(len(got.lines) == 6 and all(g > 0.15 for g in gaps),
          "the lines did not arrive apart: %r" % gaps)
    r = post(MOUNTS[0] + CHAT, body, headers={})
    check(r.status == 401 and r.body == fixture("error.401.missing-token.json"),
          "without a token: %r" % r)


# ---------------------------------------------------------------- with a stand-in per test

CHAT_FIXTURES = ("chat-build-failure", "chat-open-question", "chat-error", "chat-empty-answer",
                 "chat-recovery")
ERROR_FIXTURES = ("error-401-missing-token", "error-401-invalid-token", "error-403", "error-503",
                  "error-422")


def index():
    with open(os.path.join(FIXTURES, "index.json")) as f:
        return {e["id"]: e for e in json.load(f)["fixtures"]}


def streams_byte_for_byte(s):
    """Each chat fixture through each mount, paced at 200 ms a line; the
    build-failure one selected by the body perch re-sent (JSON-equal)."""
    entries = index()
    for mount in MOUNTS:
        for fid in CHAT_FIXTURES:
            s.reset()
            if fid != "chat-build-failure":
                s.add_route({"method": "POST", "path": CHAT, "fixture": "perch/" + fid})
            got = Streamed(mount + CHAT, fixture("chat.request.build-failure.json"))
            record = one_record(s, fid)
            check_streamed(got, fixture(entries[fid]["body"]), record, "%s %s" % (mount, fid))


def errors_pass_through(s):
    entries = index()
    for mount in MOUNTS:
        for fid in ERROR_FIXTURES:
            s.reset()
            e = entries[fid]
            headers = {} if fid == "error-401-missing-token" else BEARER
            if fid == "error-401-invalid-token":
                headers = {"Authorization": "Bearer <expired JWT>"}
            body = fixture(e.get("request_body_file") or "chat.request.open-question.json")
            # 401 without a token and 422 are chosen by what perch sent.
            if fid in ("error-401-invalid-token", "error-403", "error-503"):
                s.add_route({"method": "POST", "path": CHAT, "fixture": "perch/" + fid})
            r = post(mount + CHAT, body, headers=headers)
            check((r.status, r.body) == (e["status"], fixture(e["body"])),
                  "%s %s: %r, want %d %r" % (mount, fid, r, e["status"], fixture(e["body"])))
            check((r.header("Content-Type") or "").startswith("application/json"),
                  "%s %s: Content-Type %r" % (mount, fid, r.header("Content-Type")))
            one_record(s, fid)
        s.reset()
        r = post(mount + WARMUP, b"")
        check((r.status, r.body) == (202, fixture("warmup.accepted.json")), "warmup: %r" % r)
        check(json.loads(one_record(s, "warmup")["body"] or "null") == {},
              "warmup must send {} upstream")


def header_allow_list(s):
    s.reset()
    sent = {"Authorization": "Bearer itest-idp-token", "Accept": "application/x-ndjson",
            "Accept-Language": "en-GB", "User-Agent": "itest-perch/1",
            "Content-Type": "application/json; charset=utf-8",
            "Cookie": "backstage-auth=secret; other=1", "X-Forwarded-For": "203.0.113.9",
            "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http",
            "Referer": "https://portal.example/x", "Sec-Fetch-Mode": "cors", "Via": "1.1 proxy",
            "Origin": "https://portal.example", "X-Openchoreo-Direct": "true",
            "X-Request-Id": "itest-perch-42"}
    body = b'{ "messages" : [ {"role":"user", "content":"Why?"} ] }'
    got = Streamed(MOUNTS[0] + CHAT, body, headers=sent)
    check(got.status == 200, "allow-list chat: %d" % got.status)
    rec = one_record(s, "allow-list")
    h = rec["headers"]
    want = {"authorization": "Bearer itest-idp-token", "accept": "application/x-ndjson",
            "accept-language": "en-GB", "user-agent": "itest-perch/1",
            "content-type": "application/json", "x-request-id": "itest-perch-42"}
    for k, v in want.items():
        check(h.get(k) == v, "upstream %s: %r, want %r (all: %r)" % (k, h.get(k), v, h))
    leaked = [k for k in h if k in ("cookie", "referer", "via", "origin", "x-openchoreo-direct")
              or k.startswith("x-forwarded-") or k.startswith("sec-")]
    check(not leaked, "headers that must not reach the agent: %r" % {k: h[k] for k in leaked})
    check(h.get("host") == "127.0.0.1:%d" % s.port, "upstream Host %r" % h.get("host"))
    check(json.loads(rec["body"]) == json.loads(body), "body re-sent: %r" % rec["body"])
    s.reset()
    Streamed(MOUNTS[1] + CHAT, body)
    rid = one_record(s, "generated id")["headers"].get("x-request-id") or ""
    check(re.fullmatch(r"[A-Za-z0-9._:-]{8,64}", rid), "no request id upstream: %r" % rid)


def disconnect_cancels(s):
    """The client leaves after the first line: the agent sees its
    connection close within a second, long before the stream's end."""
    s.reset()
    lines = "".join('{"type":"message_chunk","content":"%d "}\n' % i for i in range(20))
    s.add_route({"method": "POST", "path": CHAT, "body_text": lines, "ndjson_pause_ms": 250,
                 "headers": {"content-type": "application/x-ndjson"}})
    got = Streamed(MOUNTS[0] + CHAT, fixture("chat.request.open-question.json"), stop_after=1)
    check(got.status == 200 and len(got.lines) == 1, "first line: %d %r" % (got.status, got.body))
    rec = wait_for(lambda: (lambda q: q if q and (q[0].get("stream") or {}).get("end") else None)(
        s.requests()), 5, interval=0.05)
    check(rec is not None, "the agent never saw the stream end: %r" % s.requests())
    st = rec[0]["stream"]
    check(st["end"] == "client gone", "the upstream stream was not cancelled: %r" % st)
    check(st["end_time"] - got.closed_at < 1.0, "cancelled %.2f s after the client left"
          % (st["end_time"] - got.closed_at))
    check(st["lines_sent"] < 10, "%d of 20 lines were sent" % st["lines_sent"])


def silence_and_failures(s):
    mount = MOUNTS[1]
    body = fixture("chat.request.open-question.json")
    rid = {"X-Request-Id": "itest-perch-gw"}
    # Silent mid-stream past idle_timeout: an error line, then done.
    s.reset()
    s.add_route({"method": "POST", "path": CHAT, "ndjson_pause_ms": 4000,
                 "headers": {"content-type": "application/x-ndjson"},
                 "body_text": '{"type":"message_chunk","content":"a"}\n'
                              '{"type":"done","message":"a"}\n'})
    got = Streamed(mount + CHAT, body)
    events = [json.loads(line) for _, line in got.lines]
    check(got.status == 200 and [e["type"] for e in events] == ["message_chunk", "error", "done"]
          and events[2].get("message") == "", "idle stream ended with %r" % got.body)
    check(got.lines[-1][0] - got.t0 < LIMITS["idle_timeout"] + 2,
          "the idle stream took %.1f s" % (got.lines[-1][0] - got.t0))
    # Silent from the start: 504 once the first limit is up and named: a
    # chat's idle_timeout (silence before the head counts; it is shorter
    # than chat_timeout here), a warmup's warmup_timeout.
    check(LIMITS["idle_timeout"] < LIMITS["chat_timeout"], "the limits no longer tell idle apart")
    for path, limit in ((CHAT, "idle_timeout"), (WARMUP, "warmup_timeout")):
        s.reset()
        s.misbehave({"mode": "stall", "seconds": 8, "times": 1})
        r = post(mount + path, body, headers=dict(BEARER, **rid))
        check(r.status == 504, "stalled %s: %r" % (path, r))
        check(r.json() == {"error": "GATEWAY_TIMEOUT", "request_id": "itest-perch-gw",
                           "message": "Upstream did not respond within %d ms"
                           % (LIMITS[limit] * 1000)}, "504 body of %s: %r" % (path, r.body))
        check(LIMITS[limit] - 0.2 < r.elapsed < LIMITS[limit] + 1.5,
              "stalled %s: 504 after %.1f s, limit %d s" % (path, r.elapsed, LIMITS[limit]))
    # A reset connection, then the agent gone (stopped): 502.
    s.reset()
    s.misbehave({"mode": "reset", "times": 1})
    bad_gateway = {"error": "BAD_GATEWAY", "request_id": "itest-perch-gw",
                   "message": "Failed to reach portal-assistant"}
    r = post(mount + CHAT, body, headers=dict(BEARER, **rid))
    check(r.status == 502 and r.json() == bad_gateway, "agent resets: %r" % r)
    s.stop()
    for path in (CHAT, WARMUP):
        r = post(mount + path, body, headers=dict(BEARER, **rid))
        check(r.status == 502 and r.json() == bad_gateway, "agent down, %s: %r" % (path, r))


def oversized_body(s):
    s.reset()
    s.add_route({"method": "POST", "path": "*", "status": 200,
                 "headers": {"content-type": "application/x-ndjson"},
                 "body_text": '{"type":"done","message":""}\n'})
    big = json.dumps({"messages": [{"role": "user", "content": "x" * 140000}]}).encode()
    r = post(MOUNTS[0] + CHAT, big)
    check(r.status == 413, "a %d-byte body: %r" % (len(big), r))
    check(s.requests() == [], "an oversized body went upstream: %r" % s.requests()[:1])
    fits = json.dumps({"messages": [{"role": "user", "content": "x" * 120000}]}).encode()
    got = Streamed(MOUNTS[0] + CHAT, fits)
    check(got.status == 200, "a %d-byte body: %d %r" % (len(fits), got.status, got.body[:200]))
    check(json.loads(one_record(s, "fits")["body"]) == json.loads(fits), "the body changed")
    s.reset()
    r = post(MOUNTS[0] + CHAT, b'{"messages": [')
    check(400 <= r.status < 500, "a body that is not JSON: %r" % r)
    check(s.requests() == [], "a broken body went upstream: %r" % s.requests()[:1])


def stream_cap(s):
    """max_streams = 2: a third chat while two stream is 503 with
    Retry-After, without an upstream call."""
    s.reset()
    s.add_route({"method": "POST", "path": CHAT, "ndjson_pause_ms": 600,
                 "headers": {"content-type": "application/x-ndjson"},
                 "body_text": '{"type":"message_chunk","content":"a"}\n' * 3})
    body = fixture("chat.request.open-question.json")
    out = []
    threads = [threading.Thread(target=lambda: out.append(Streamed(MOUNTS[0] + CHAT, body)))
               for _ in range(2)]
    for t in threads:
        t.start()
    check(wait_for(lambda: len(s.requests()) == 2, 5), "two chats did not start")
    r = post(MOUNTS[0] + CHAT, body)
    for t in threads:
        t.join()
    check(r.status == 503 and r.header("Retry-After"), "the third chat: %r %r" % (r, r.headers))
    check(len(s.requests()) == 2, "the refused chat went upstream")
    check([g.status for g in out] == [200, 200], "the two chats: %r" % [g.status for g in out])


@test
def perch_proxy_against_the_stand_in():
    """The fixtures stream byte for byte at both mounts, each line flushed
    as it comes; errors pass through; only allowed headers go upstream;
    a client leaving cancels the upstream call; silence, stalls and a
    missing agent are the spec's error line, 504 and 502; a body over
    128 kB is 413, a chat over max_streams is 503."""
    s = StandIn(fixtures=[FIXTURES], ndjson_pause_ms=200,
                log=os.path.join(itest.LOG, "stub-standin-perch.log")).start()
    offset = os.path.getsize(stream_log()) if os.path.exists(stream_log()) else 0
    try:
        with dropin(DROPIN, perch_ini(s.url)):
            restart_stream()
            streams_byte_for_byte(s)
            errors_pass_through(s)
            header_allow_list(s)
            disconnect_cancels(s)
            oversized_body(s)
            stream_cap(s)
            silence_and_failures(s)  # stops the stand-in: last
    finally:
        s.stop()
        restart_stream()
    itest.check_no_sanitizer_reports(itest.log_since(offset, "stream"))


# ---------------------------------------------------------------- the token check

def idp_token(idp, client="stagehand-service", secret="service-secret"):
    form = "grant_type=client_credentials&client_id=%s&client_secret=%s" % (client, secret)
    rq = urllib.request.Request(idp.url + "/token", data=form.encode(), method="POST")
    with urllib.request.urlopen(rq, timeout=10) as resp:
        return json.loads(resp.read())["access_token"]


def idp_config(idp, conf):
    rq = urllib.request.Request(idp.url + "/_config", data=json.dumps(conf).encode(),
                                method="POST", headers={"Content-Type": "application/json"})
    urllib.request.urlopen(rq, timeout=10).read()


def refused(s, token, code, what):
    s.reset()
    headers = {"Authorization": "Bearer " + token} if token is not None else {}
    r = post(MOUNTS[1] + CHAT, fixture("chat.request.open-question.json"), headers=headers)
    check(r.status == 401, "%s: %r" % (what, r))
    detail = r.json().get("detail")
    check(isinstance(detail, dict) and detail.get("error") == code
          and isinstance(detail.get("message"), str) and set(detail) == {"error", "message"},
          "%s: not the agent's shape: %r" % (what, r.body))
    check(s.requests() == [], "%s went upstream" % what)


def token_checks(s, idp):
    token = idp_token(idp)
    s.reset()
    got = Streamed(MOUNTS[0] + CHAT, fixture("chat.request.build-failure.json"),
                   headers={"Authorization": "Bearer " + token})
    check(got.status == 200 and got.body == fixture("chat.build-failure.ndjson"),
          "a good IdP token: %d %r" % (got.status, got.body[:300]))
    check(one_record(s, "good token")["headers"].get("authorization") == "Bearer " + token,
          "the token was not forwarded as is")
    refused(s, None, "MISSING_TOKEN", "no token")
    refused(s, "not.a.jwt", "INVALID_TOKEN", "malformed")
    refused(s, idp_token(idp, "stagehand", "stagehand-secret"), "INVALID_TOKEN",
            "wrong audience")
    for switch in ("expired", "bad_signature", "wrong_issuer"):
        idp_config(idp, {"reset": True, switch: True})
        refused(s, idp_token(idp), "INVALID_TOKEN", switch)
    idp_config(idp, {"reset": True})


@test
def perch_verifies_the_idp_token():
    """verify_token = true: missing, expired, badly signed, wrong-audience
    and malformed tokens are 401 in the agent's shape before any upstream
    call; the IdP's own token passes, forwarded as is."""
    idp = StandIn(script="idp.py", log=os.path.join(itest.LOG, "stub-idp-perch.log")).start()
    s = StandIn(fixtures=[FIXTURES], ndjson_pause_ms=0,
                log=os.path.join(itest.LOG, "stub-standin-perch.log")).start()
    ini = perch_ini(s.url, verify=True) + (
        "\n[identity]\nmetadata_url = %s/.well-known/openid-configuration\n"
        "audience = openchoreo-api\n" % idp.url)
    try:
        with dropin(DROPIN, ini):
            restart_stream()
            token_checks(s, idp)
    finally:
        s.stop()
        idp.stop()
        restart_stream()
