#!/usr/bin/env python3
"""standin: one stand-in server for every upstream the plugins call.

    standin.py --fixtures DIR [--fixtures DIR ...] [--bind 127.0.0.1]
               [--port 0] [--port-file FILE] [--tls-cert CERT --tls-key KEY]
               [--ndjson-pause-ms 50]

It serves the answers of each DIR/index.json (the format of
shared/fixtures/upstream/<service>/index.json), answers added at run time,
records every request and misbehaves on demand.  The contract, the matching
rules and the control API are in tests/stubs/README.md.  Python 3 standard
library only.  Tests use it through the StandIn class at the end of this
file; files.py and idp.py subclass its handler (StandinHandler.dynamic).
"""
import argparse
import base64
import http.server
import json
import os
import re
import select
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

CONTROL = "/__standin/"
FIXTURE_HEADER = "x-standin-fixture"
# A <placeholder> whose text names a bad value (an expired or revoked token, a
# stale code) cannot be told apart by a stand-in: it matches only literally.
BAD_PLACEHOLDER = re.compile(r"expired|bad|wrong|revoked|invalid|stale|forged", re.I)
PLACEHOLDER = re.compile(r"<[^<>]*>")
OWN_HEADERS = {"content-length", "transfer-encoding", "connection"}
ABSENT = "<absent>"


# ---------------------------------------------------------------- matching

def value_regex(text):
    """The regex a selector value compiles to: "*" is any value, a <...>
    part any non-empty text (unless it names a bad value), the rest literal."""
    if text == "*":
        return re.compile(r".*", re.S)
    out, pos = [], 0
    for m in PLACEHOLDER.finditer(text):
        out.append(re.escape(text[pos:m.start()]))
        bad = BAD_PLACEHOLDER.search(m.group(0))
        out.append(re.escape(m.group(0)) if bad else r".+")
        pos = m.end()
    out.append(re.escape(text[pos:]))
    return re.compile("".join(out), re.S)


def looks_like_form(text):
    return re.match(r"^[\w.\-\[\]]+=", text) is not None and "{" not in text[:1]


def form_selector(text):
    """{key: regex} of a form body selector; [&k=v] groups are optional."""
    text = re.sub(r"\[[^\]]*\]", "", text)
    out = {}
    for part in text.split("&"):
        if part:
            key, _, value = part.partition("=")
            out[key] = value_regex(value)
    return out


def body_selector(entry, find_file):
    """None, or a function(request body bytes) -> bool."""
    if entry.get("request_body_file"):
        want = find_file(entry["request_body_file"])
        return exact_body(want)
    text = entry.get("request_body")
    if text is None:
        return None
    if looks_like_form(text):
        fields = form_selector(text)
        return lambda body: form_matches(fields, body)
    rx = value_regex(text)
    return lambda body: rx.fullmatch(body.decode("utf-8", "replace")) is not None


def exact_body(want):
    try:
        want_json = json.loads(want)
    except ValueError:
        return lambda body: body == want

    def same(body):
        try:
            return json.loads(body) == want_json
        except ValueError:
            return False
    return same


def form_matches(fields, body):
    try:
        got = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
    except UnicodeDecodeError:
        return False
    return all(k in got and rx.fullmatch(got[k]) for k, rx in fields.items())


def accept_ok(accept, ctype):
    """Does an answer of content type ctype suit the request's Accept?"""
    if not accept or not ctype:
        return True
    want = [a.split(";")[0].strip().lower() for a in accept.split(",")]
    ctype = ctype.split(";")[0].strip().lower()
    return ("*/*" in want or ctype in want
            or ctype.split("/")[0] + "/*" in want)


class Route:
    """One answer (an index.json entry or a run-time route) and what selects it."""

    def __init__(self, entry, order, find_file, service=""):
        self.id = entry.get("id", "")
        self.service = service
        self.order = order
        self.method = (entry.get("method") or "*").upper()
        self.path = entry.get("path") or "*"
        self.query = self.query_selector(entry)
        self.headers = {k.lower(): (None if v == ABSENT else value_regex(v))
                        for k, v in (entry.get("request_headers") or {}).items()}
        self.body_match = body_selector(entry, find_file)
        self.status = int(entry.get("status", 200))
        self.out_headers = [(k, str(v)) for k, v in (entry.get("headers") or {}).items()]
        self.body = self.answer_body(entry, find_file)
        self.ndjson = (entry.get("body") or "").endswith(".ndjson") or \
            "application/x-ndjson" in self.header("content-type")
        self.pause_ms = entry.get("ndjson_pause_ms")

    @staticmethod
    def query_selector(entry):
        if entry.get("query_raw") is not None:
            pairs = urllib.parse.parse_qsl(entry["query_raw"], keep_blank_values=True)
        else:
            pairs = (entry.get("query") or {}).items()
        return {k: value_regex(str(v)) for k, v in pairs}

    @staticmethod
    def answer_body(entry, find_file):
        if entry.get("body_b64") is not None:
            return base64.b64decode(entry["body_b64"])
        if entry.get("body_text") is not None:
            return entry["body_text"].encode()
        if entry.get("response_body") is not None:
            return entry["response_body"].encode()
        if entry.get("body"):
            return find_file(entry["body"])
        return b""

    def copy_answer(self, src):
        self.status, self.out_headers, self.body = src.status, src.out_headers, src.body
        self.ndjson = src.ndjson
        if self.pause_ms is None:
            self.pause_ms = src.pause_ms

    def header(self, name):
        return next((v for k, v in self.out_headers if k.lower() == name), "")

    def path_score(self, path):
        """None when the path does not match; 1 exact, 0 wildcard."""
        if self.path == path:
            return 1
        if self.path.endswith("*") and path.startswith(self.path[:-1]):
            return 0
        return None

    def score(self, rq):
        """None, or a tuple: the larger, the more specific the match."""
        if self.method not in ("*", rq.method) and not (
                rq.method == "HEAD" and self.method == "GET"):
            return None
        exact = self.path_score(rq.path)
        if exact is None:
            return None
        for name, rx in self.headers.items():
            got = rq.headers.get(name)
            if (rx is None) != (got is None) or (rx is not None and not rx.fullmatch(got)):
                return None
        for key, rx in self.query.items():
            if key not in rq.query or not rx.fullmatch(rq.query[key]):
                return None
        if self.body_match is not None and not self.body_match(rq.body):
            return None
        return (len(self.headers), accept_ok(rq.headers.get("accept"), self.header("content-type")),
                self.body_match is not None, len(self.query), exact, -self.order)


def best(routes, rq):
    scored = [(r.score(rq), r) for r in routes]
    scored = [(s, r) for s, r in scored if s is not None]
    return max(scored, key=lambda sr: sr[0])[1] if scored else None


# ---------------------------------------------------------------- state

class Request:
    """What the handler read: method, raw and decoded path, query, headers, body."""

    def __init__(self, method, target, headers, body):
        url = urllib.parse.urlsplit(target)
        self.method = method
        self.raw_path = url.path
        self.path = urllib.parse.unquote(url.path)
        self.raw_query = url.query
        self.query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        self.headers = {}
        for name, value in headers.items():
            name = name.lower()
            self.headers[name] = (self.headers[name] + ", " + value
                                  if name in self.headers else value)
        self.body = body

    def record(self):
        out = {"method": self.method, "path": self.raw_path, "query": self.raw_query,
               "headers": self.headers, "time": time.time()}
        try:
            out["body"] = self.body.decode("utf-8")
        except UnicodeDecodeError:
            out["body_b64"] = base64.b64encode(self.body).decode()
        return out


class State:
    """Fixtures, run-time routes, misbehaviour rules and the request record."""

    def __init__(self, dirs=(), ndjson_pause_ms=50):
        self.lock = threading.Lock()
        self.dirs = [os.path.realpath(d) for d in dirs]
        self.pause_ms = ndjson_pause_ms
        self.fixtures, self.origins = [], set()
        self.routes, self.rules, self.requests = [], [], []
        for d in self.dirs:
            self.load(d)

    def find_file(self, name, dirs=None):
        """A body file's bytes, looked up in dirs (default: every --fixtures dir)."""
        for d in dirs or self.dirs:
            full = os.path.realpath(os.path.join(d, name))
            if full.startswith(d + os.sep) and os.path.isfile(full):
                with open(full, "rb") as f:
                    return f.read()
        raise ValueError("no body file %r in %s" % (name, self.dirs))

    def load(self, d):
        with open(os.path.join(d, "index.json")) as f:
            index = json.load(f)
        service = index.get("service", os.path.basename(d))
        self.add_origin(index.get("base_url"))
        own = lambda name: self.find_file(name, [d])  # noqa: E731
        for entry in index.get("fixtures", []):
            self.fixtures.append(Route(entry, len(self.fixtures), own, service))
            self.add_origin(entry.get("host"))

    def add_origin(self, url):
        """Remembers a host the fixtures name, so answers that point there
        (location, link) can point at the stand-in instead."""
        if not url or " " in url:
            return
        if "://" not in url:
            self.origins.update(["https://" + url, "http://" + url])
        else:
            self.origins.add(url.rstrip("/"))

    def by_id(self, ref):
        service, _, fid = ref.rpartition("/")
        for r in self.fixtures:
            if r.id == fid and service in ("", r.service):
                return r
        return None

    def add_route(self, spec):
        """A run-time answer; "fixture": "[service/]id" borrows a fixture's."""
        if not isinstance(spec, dict) or not isinstance(spec.get("path"), str):
            raise ValueError("a route is an object with a path")
        if "headers_match" in spec:
            spec = dict(spec, request_headers=spec["headers_match"])
        route = Route(spec, -1 - len(self.routes), self.find_file, "run-time")
        if spec.get("fixture"):
            src = self.by_id(spec["fixture"])
            if src is None:
                raise ValueError("no fixture %r" % spec["fixture"])
            route.copy_answer(src)
        with self.lock:
            self.routes.append(route)
        return route

    def answer_for(self, rq, runtime_only=False):
        """The route that answers rq: the run-time routes first, then (unless
        runtime_only) the fixtures; X-Standin-Fixture picks one by id."""
        pick = rq.headers.get(FIXTURE_HEADER)
        if pick:
            return self.by_id(pick)
        with self.lock:
            routes = list(self.routes)
        return best(routes, rq) or (None if runtime_only else best(self.fixtures, rq))

    def misbehaviour(self, path):
        """The first rule that applies to path, counting it down."""
        with self.lock:
            for rule in self.rules:
                if path.startswith(rule.get("path") or "/"):
                    if rule.get("times") is not None:
                        rule["times"] -= 1
                        if rule["times"] <= 0:
                            self.rules.remove(rule)
                    return rule
        return None

    def record(self, rq, connection=None):
        """Appends rq to the record; returns its entry (streams add to it).
        connection: the number of the connection it came on."""
        entry = rq.record()
        if connection is not None:
            entry["connection"] = connection
        with self.lock:
            self.requests.append(entry)
        return entry

    def stream_note(self, entry, sent=None, end=None, began=None):
        """Adds to a streamed answer's "stream" record: one line sent at
        time sent (its write begun at time began), or how the stream ended
        ("complete", "client gone")."""
        with self.lock:
            st = entry.setdefault("stream", {"lines_sent": 0, "sent_times": [],
                                             "write_times": [], "end": None})
            if sent is not None:
                st["lines_sent"] += 1
                st["sent_times"].append(sent)
                st["write_times"].append(began)
            if end is not None and st["end"] is None:
                st["end"], st["end_time"] = end, time.time()


MODES = ("stall", "reset", "malformed", "status", "slow", "delay")


def check_rule(rule):
    if not isinstance(rule, dict) or rule.get("mode") not in MODES:
        raise ValueError("mode must be one of %s" % ", ".join(MODES))
    if rule.get("times") is not None and int(rule["times"]) < 1:
        raise ValueError("times must be at least 1")
    return dict(rule, times=None if rule.get("times") is None else int(rule["times"]))


# ---------------------------------------------------------------- handler

class StandinHandler(http.server.BaseHTTPRequestHandler):
    """Reads a request, records it, misbehaves or answers it.  Subclasses
    may override dynamic() to answer some requests with code of their own."""

    protocol_version = "HTTP/1.1"
    server_version = "standin"
    rate = None         # bytes per second while a "slow" rule applies
    rq = None
    entry = None        # rq's entry in the request record

    def log_message(self, fmt, *args):
        pass

    def setup(self):
        super().setup()
        self.connection_number = self.server.next_connection()
        if isinstance(self.connection, ssl.SSLSocket):
            self.connection.settimeout(30)
            self.connection.do_handshake()
            self.connection.settimeout(None)

    @property
    def state(self):
        return self.server.state

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (ConnectionError, ssl.SSLError, socket.timeout):
            self.close_connection = True

    def __getattr__(self, name):
        if name.startswith("do_"):
            return self.dispatch
        raise AttributeError(name)

    def read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self.read_chunked()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def read_chunked(self):
        out = bytearray()
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return bytes(out)
            out += self.rfile.read(size)
            self.rfile.readline()

    def dispatch(self):
        self.rq = Request(self.command, self.path, self.headers, self.read_body())
        if self.rq.path.startswith(CONTROL):
            return self.control_api()
        self.entry = self.state.record(self.rq, self.connection_number)
        rule = self.state.misbehaviour(self.rq.path)
        self.rate = None
        if rule and self.misbehave(rule):
            return
        route = self.state.answer_for(self.rq, runtime_only=True)
        if route is None and self.dynamic(self.rq):
            return
        route = route or self.state.answer_for(self.rq)
        if route is None:
            return self.send_json(404, {"error": "standin: no fixture for %s %s" % (
                self.rq.method, self.rq.path)})
        self.answer(route)

    def dynamic(self, rq):
        """Hook for subclasses (files.py, idp.py): answer rq and return True,
        or return False to let the fixtures answer.  It runs after the
        record, the misbehaviour and the run-time routes."""
        return False

    # ------------------------------------------------------------ answers

    def send_head(self, status, headers, length=None, chunked=False):
        self.send_response_only(status)
        for name, value in headers:
            if name.lower() not in OWN_HEADERS:
                self.send_header(name, value)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif length is not None and status not in (204, 304) and status >= 200:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def send_bytes(self, status, headers, body):
        self.send_head(status, headers, len(body))
        if self.command != "HEAD" and status not in (204, 304):
            self.emit(body)

    def send_json(self, status, obj, headers=()):
        body = json.dumps(obj).encode() if obj is not None else b""
        ctype = [("Content-Type", "application/json")] if obj is not None else []
        self.send_bytes(status, ctype + list(headers), body)

    def emit(self, data):
        """Writes data, trickled when a "slow" rule set self.rate."""
        if not self.rate:
            self.wfile.write(data)
            self.wfile.flush()
            return
        step = max(1, int(self.rate / 10))
        for i in range(0, len(data), step):
            self.wfile.write(data[i:i + step])
            self.wfile.flush()
            time.sleep(len(data[i:i + step]) / float(self.rate))

    def answer(self, route):
        headers = [(k, self.rewrite(v)) for k, v in route.out_headers]
        etag = route.header("etag")
        inm = self.rq.headers.get("if-none-match", "")
        if etag and route.status == 200 and etag in [t.strip() for t in inm.split(",")]:
            keep = [(k, v) for k, v in headers if k.lower() != "content-type"]
            return self.send_head(304, keep)
        if route.ndjson and self.command != "HEAD":
            return self.stream_ndjson(route, headers)
        self.send_bytes(route.status, headers, route.body)

    def stream_ndjson(self, route, headers):
        pause = route.pause_ms if route.pause_ms is not None else self.state.pause_ms
        self.send_head(route.status, headers, chunked=True)
        lines = route.body.splitlines(keepends=True)
        try:
            for i, line in enumerate(lines):
                if i and self.client_gone(pause / 1000.0):
                    return self.state.stream_note(self.entry, end="client gone")
                began = time.time()
                self.emit(b"%x\r\n%s\r\n" % (len(line), line))
                self.state.stream_note(self.entry, sent=time.time(), began=began)
            self.emit(b"0\r\n\r\n")
        except (ConnectionError, ssl.SSLError, socket.timeout):
            self.state.stream_note(self.entry, end="client gone")
            raise
        self.state.stream_note(self.entry, end="complete")

    def client_gone(self, seconds):
        """Pauses for seconds, and says True as soon as the client has
        closed its end (a plain socket turns readable with nothing to read;
        a TLS one is not watched and just waits)."""
        sock = self.connection
        if isinstance(sock, ssl.SSLSocket):
            time.sleep(seconds)
            return False
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([sock], [], [], max(0.0, end - time.monotonic()))
            if not ready:
                continue
            try:
                if not sock.recv(1, socket.MSG_PEEK):
                    return True
            except OSError:
                return True
            time.sleep(max(0.0, end - time.monotonic()))
        return False

    def rewrite(self, value):
        """Points URLs at the fixtures' hosts to this server, and fills
        <key> / <key as sent> from the request's query."""
        host = self.rq.headers.get("host") or "%s:%d" % self.server.server_address[:2]
        own = ("https://" if self.server.tls else "http://") + host
        for origin in self.server.state.origins:
            value = value.replace(origin, own)

        def fill(m):
            name = m.group(1)
            if name.endswith(" as sent"):
                key = name[:-len(" as sent")]
                raw = dict(p.split("=", 1) if "=" in p else (p, "")
                           for p in self.rq.raw_query.split("&"))
                return raw.get(urllib.parse.quote(key), m.group(0))
            return self.rq.query.get(name, m.group(0))
        return re.sub(r"<([^<>:/]+)>", fill, value)

    # ------------------------------------------------------------ misbehaviour

    def misbehave(self, rule):
        """Acts on a rule; True when the request needs nothing more."""
        mode = rule["mode"]
        if mode == "slow":
            self.rate = max(1, int(rule.get("bytes_per_second", 100)))
            return False
        if mode == "delay":
            time.sleep(float(rule.get("seconds", 1)))
            return False
        if mode == "stall":
            time.sleep(float(rule.get("seconds", 30)))
            self.close_connection = True
            return True
        if mode == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return True
        if mode == "malformed":
            self.send_bytes(200, [("Content-Type", "application/json")],
                            b'{"standin": "malformed", "items": [1, 2,')
            return True
        status = int(rule.get("status", 503))
        self.send_json(status, {"error": "standin: misbehaving with %d" % status})
        return True

    # ------------------------------------------------------------ control API

    def control_api(self):
        what = self.rq.path[len(CONTROL):].strip("/")
        verb = self.rq.method
        try:
            return self.control_dispatch(what, verb)
        except (ValueError, KeyError, TypeError) as e:
            return self.send_json(400, {"error": "standin: %s" % e})

    def control_dispatch(self, what, verb):
        st = self.state
        if (what, verb) == ("requests", "GET"):
            with st.lock:
                return self.send_json(200, list(st.requests))
        if (what, verb) == ("routes", "POST"):
            route = st.add_route(json.loads(self.rq.body or b"null"))
            return self.send_json(201, {"added": route.path})
        if (what, verb) == ("misbehave", "POST"):
            rule = check_rule(json.loads(self.rq.body or b"null"))
            with st.lock:
                st.rules.append(rule)
            return self.send_json(201, rule)
        if (what, verb) == ("fixtures", "GET"):
            return self.send_json(200, [{"service": r.service, "id": r.id, "method": r.method,
                                         "path": r.path} for r in st.fixtures])
        lists = {"requests": st.requests, "routes": st.routes, "misbehave": st.rules}
        if verb == "DELETE" and what in lists:
            with st.lock:
                del lists[what][:]
            return self.send_json(204, None)
        if (what, verb) == ("reset", "POST"):
            with st.lock:
                for items in lists.values():
                    del items[:]
            return self.send_json(204, None)
        return self.send_json(404, {"error": "standin: no control %s %s" % (verb, what)})


# ---------------------------------------------------------------- server

class StandinServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog of 5 drops the connects of a burst
    # (a proxy opening 200 streams at once): they wait for SYN retries.
    request_queue_size = 256

    def __init__(self, addr, handler, state, tls=None):
        self.state = state
        self.tls = tls
        self.connections = 0
        self.connections_lock = threading.Lock()
        super().__init__(addr, handler)

    def next_connection(self):
        """A number for a new connection: 1, 2, ... in accept order."""
        with self.connections_lock:
            self.connections += 1
            return self.connections

    def get_request(self):
        sock, addr = self.socket.accept()
        if self.tls:
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr


def add_server_args(ap):
    """The options every stand-in shares (standin.py, files.py, idp.py)."""
    ap.add_argument("--fixtures", action="append", default=[], metavar="DIR")
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--ndjson-pause-ms", type=int, default=50)
    return ap


def write_port_file(path, port):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, path)


def serve(args, handler=StandinHandler, on_ready=None):
    """Listens, announces the port, then serves until SIGTERM."""
    tls = None
    if args.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls_cert, args.tls_key or args.tls_cert)
    state = State(args.fixtures, args.ndjson_pause_ms)
    srv = StandinServer((args.bind, args.port), handler, state, tls)
    port = srv.server_address[1]
    if on_ready:
        on_ready(srv)
    if args.port_file:
        write_port_file(args.port_file, port)
    sys.stderr.write("standin: listening on %d\n" % port)
    sys.stderr.flush()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


def main():
    ap = add_server_args(argparse.ArgumentParser(description=__doc__.split("\n")[0]))
    serve(ap.parse_args())


# ---------------------------------------------------------------- for tests

class StandIn:
    """A stand-in in a subprocess on a free port, for tests:

        with StandIn(fixtures=[dir]) as s:
            s.url, s.requests(), s.add_route({...}), s.misbehave({...}), s.reset()

    script names another stand-in in tests/stubs (files.py, idp.py); args
    are passed on; stderr goes to the file named by log (default: nowhere).
    """

    def __init__(self, fixtures=(), ndjson_pause_ms=None, tls_cert=None, tls_key=None,
                 script="standin.py", args=(), log=None):
        self.cmd = [sys.executable, "-B", os.path.join(os.path.dirname(os.path.abspath(
            __file__)), script), "--port", "0"]
        for d in fixtures:
            self.cmd += ["--fixtures", d]
        if ndjson_pause_ms is not None:
            self.cmd += ["--ndjson-pause-ms", str(ndjson_pause_ms)]
        if tls_cert:
            self.cmd += ["--tls-cert", tls_cert, "--tls-key", tls_key or tls_cert]
        self.cmd += list(args)
        self.scheme = "https" if tls_cert else "http"
        self.log, self.proc, self.port, self.url = log, None, None, None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def start(self, timeout=20):
        self.tmp = tempfile.mkdtemp(prefix="standin-")
        port_file = os.path.join(self.tmp, "port")
        err = open(self.log, "ab") if self.log else subprocess.DEVNULL
        self.proc = subprocess.Popen(self.cmd + ["--port-file", port_file],
                                     stdout=subprocess.DEVNULL, stderr=err)
        if self.log:
            err.close()
        deadline = time.time() + timeout
        while not os.path.exists(port_file):
            if self.proc.poll() is not None or time.time() > deadline:
                self.stop()
                raise RuntimeError("standin did not start: %s" % " ".join(self.cmd))
            time.sleep(0.02)
        with open(port_file) as f:
            self.port = int(f.read())
        self.url = "%s://127.0.0.1:%d" % (self.scheme, self.port)
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "tmp", None):
            for name in os.listdir(self.tmp):
                os.unlink(os.path.join(self.tmp, name))
            os.rmdir(self.tmp)
            self.tmp = None

    def call(self, method, what, body=None):
        """A control API call; returns the decoded JSON answer (or None)."""
        data = json.dumps(body).encode() if body is not None else None
        rq = urllib.request.Request(self.url + CONTROL + what, data=data, method=method,
                                    headers={"Content-Type": "application/json"})
        ctx = ssl._create_unverified_context() if self.scheme == "https" else None
        with urllib.request.urlopen(rq, timeout=10, context=ctx) as resp:
            out = resp.read()
        return json.loads(out) if out else None

    def requests(self):
        return self.call("GET", "requests")

    def clear_requests(self):
        self.call("DELETE", "requests")

    def add_route(self, route):
        return self.call("POST", "routes", route)

    def clear_routes(self):
        self.call("DELETE", "routes")

    def misbehave(self, rule):
        return self.call("POST", "misbehave", rule)

    def clear_misbehave(self):
        self.call("DELETE", "misbehave")

    def reset(self):
        """Forgets the requests, the run-time routes and the misbehaviour."""
        self.call("POST", "reset")


if __name__ == "__main__":
    main()
