#!/usr/bin/env python3
"""A stand-in upstream for url: catalog locations: serves a directory over
plain HTTP on 127.0.0.1 with ETag / If-None-Match, and fails on request.
Built on standin.py, so it also records requests, takes run-time routes and
misbehaves through /__standin/ (tests/stubs/README.md).

    files.py --root DIR [--port N] [--port-file FILE] [standin options]

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
import os
import sys
import threading
import time

import standin

OVERRIDES = {}
LOCK = threading.Lock()


class Handler(standin.StandinHandler):
    root = "."

    def send_text(self, status, text):
        self.send_bytes(status, [("Content-Type", "text/plain; charset=utf-8")], text.encode())
        self.log(status)

    def log(self, status):
        inm = self.headers.get("If-None-Match", "-")
        sys.stderr.write("%s %s %d inm=%s\n" % (self.command, self.path, status, inm))
        sys.stderr.flush()

    def set_or_reset(self, rq):
        if rq.path == "/_reset":
            with LOCK:
                OVERRIDES.clear()
            return self.send_text(200, "reset\n")
        target = rq.query.get("path", "")
        if not target.startswith("/"):
            return self.send_text(400, "path=/... required\n")
        with LOCK:
            OVERRIDES[target] = {
                "status": int(rq.query["status"]) if "status" in rq.query else None,
                "delay": float(rq.query["delay"]) if "delay" in rq.query else 0.0,
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
            self.send_head(304, [("ETag", etag)])
            return self.log(304)
        self.send_bytes(200, [("Content-Type", "application/yaml"), ("ETag", etag)], body)
        self.log(200)

    def dynamic(self, rq):
        if rq.method not in ("GET", "HEAD"):
            return False
        parts = rq.path.split("/", 3)
        if rq.path in ("/_set", "/_reset"):
            self.set_or_reset(rq)
        elif len(parts) >= 3 and parts[1] == "_status" and parts[2].isdigit():
            self.send_text(int(parts[2]), "status %s\n" % parts[2])
        elif len(parts) >= 3 and parts[1] == "_slow":
            time.sleep(float(parts[2]))
            self.serve_file("/" + (parts[3] if len(parts) > 3 else ""))
        else:
            self.serve_file(rq.path)
        return True


def main():
    ap = standin.add_server_args(argparse.ArgumentParser(
        description="serve a directory for url: locations"))
    ap.add_argument("--root", required=True)
    args = ap.parse_args()
    Handler.root = os.path.realpath(args.root)
    standin.serve(args, Handler, on_ready=lambda srv: print(srv.server_address[1], flush=True))


if __name__ == "__main__":
    main()
