#!/usr/bin/env python3
"""A stand-in upstream for url: catalog locations: serves a directory over
plain HTTP on 127.0.0.1 with ETag / If-None-Match, and fails on request.

    files.py --root DIR [--port N] [--port-file FILE]

--port 0 (the default) picks a free port; it is printed on stdout (one
line) and written to --port-file.  Every request is logged on stderr as
"<method> <path> <status> inm=<If-None-Match or ->".

Failures by path, for one request:
    /_status/<code>[/<path>]   answers <code> (404, 500, ...) with a text body
    /_slow/<secs>/<path>       sleeps <secs> (fractions allowed), then serves <path>
and for a served path until reset (so one URL can fail after it has worked):
    GET /_set?path=/all.yaml&status=500    that path answers 500
    GET /_set?path=/all.yaml&delay=3       that path answers after 3 s
    GET /_reset                            forget every /_set
"""
import argparse
import hashlib
import http.server
import os
import sys
import threading
import time
import urllib.parse

OVERRIDES = {}
LOCK = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    root = "."
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send_text(self, status, text, headers=()):
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.log(status)

    def log(self, status):
        inm = self.headers.get("If-None-Match", "-")
        sys.stderr.write("%s %s %d inm=%s\n" % (self.command, self.path, status, inm))
        sys.stderr.flush()

    def control(self, path, query):
        if path == "/_reset":
            with LOCK:
                OVERRIDES.clear()
            return self.send_text(200, "reset\n")
        q = urllib.parse.parse_qs(query)
        target = q.get("path", [""])[0]
        if not target.startswith("/"):
            return self.send_text(400, "path=/... required\n")
        with LOCK:
            OVERRIDES[target] = {
                "status": int(q["status"][0]) if "status" in q else None,
                "delay": float(q["delay"][0]) if "delay" in q else 0.0,
            }
        return self.send_text(200, "set %s\n" % target)

    def serve_file(self, path):
        with LOCK:
            o = OVERRIDES.get(path)
        if o and o["delay"]:
            time.sleep(o["delay"])
        if o and o["status"]:
            return self.send_text(o["status"], "forced %d\n" % o["status"])
        full = os.path.realpath(os.path.join(self.root, path.lstrip("/")))
        if not full.startswith(self.root + os.sep) or not os.path.isfile(full):
            return self.send_text(404, "not found\n")
        with open(full, "rb") as f:
            body = f.read()
        etag = '"%s"' % hashlib.sha1(body).hexdigest()
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return self.log(304)
        self.send_response(200)
        self.send_header("Content-Type", "application/yaml")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.log(200)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(url.path)
        parts = path.split("/", 3)
        if path in ("/_set", "/_reset"):
            return self.control(path, url.query)
        if len(parts) >= 3 and parts[1] == "_status" and parts[2].isdigit():
            return self.send_text(int(parts[2]), "status %s\n" % parts[2])
        if len(parts) >= 3 and parts[1] == "_slow":
            time.sleep(float(parts[2]))
            return self.serve_file("/" + (parts[3] if len(parts) > 3 else ""))
        return self.serve_file(path)

    do_HEAD = do_GET


def main():
    ap = argparse.ArgumentParser(description="serve a directory for url: locations")
    ap.add_argument("--root", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    args = ap.parse_args()
    Handler.root = os.path.realpath(args.root)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.daemon_threads = True
    port = srv.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.replace(args.port_file + ".tmp", args.port_file)
    print(port, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
