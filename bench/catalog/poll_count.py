#!/usr/bin/env python3
"""Waits until the catalog API counts at least WANT entities.

  poll_count.py PORT WANT

Opens one HTTPS connection to nginx (kept alive, reopened when the pool
is not up yet), then reads a line from stdin: the caller's start signal.
From then on it asks by-query's totalItems every 0.1 s and exits 0 once
the count is reached (1 after 300 s).  One process and one TLS session
for the whole wait: a curl per poll cost the 2-core box about a second
of CPU during a 6-second ingestion, taken from the code being measured.
"""
import http.client
import json
import ssl
import sys
import time

PATH = "/api/catalog/entities/by-query?limit=0"


def main():
    port, want = int(sys.argv[1]), int(sys.argv[2])
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
    if not sys.stdin.readline():
        return 1  # the caller went away before starting the clock
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            conn.request("GET", PATH)
            resp = conn.getresponse()
            body = resp.read()
            if resp.status == 200 and json.loads(body)["totalItems"] >= want:
                return 0
        except (OSError, http.client.HTTPException, ValueError, KeyError):
            conn.close()
        time.sleep(0.1)
    print("poll_count: the count was not reached in 300 s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
