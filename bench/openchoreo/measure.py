#!/usr/bin/env python3
"""The client side of bench/openchoreo/sync.sh, one kept-alive HTTPS
connection per role (a curl per poll would take the 2-core box's CPU from
the code being measured).

  measure.py count PORT WANT
      reads "go TOKEN" from stdin (the caller's start signal), then asks
      by-query's totalItems every 0.1 s; prints the epoch at which it
      reached WANT (exit 1 after 600 s)
  measure.py sync PORT TOKEN AFTER
      waits for a full sync that started after epoch AFTER to finish;
      prints its lastSync as JSON
  measure.py events PORT TOKEN WORLD_DIR N WORKERS
      N events, WORKERS at a time on distinct components: change the
      component's display name in the world (its file under WORLD_DIR,
      rewritten atomically),
      post the forwarder's event through nginx, poll by-name every 5 ms
      until the new title shows; prints the latencies' summary as JSON
  measure.py floor PORT TOKEN
      by-name of one entity 200 times in a row: the poll's own latency
  measure.py replay WORLD_URL ACCESS_LOG
      the /api/v1 GETs the world's nginx logged (every line of ACCESS_LOG
      is "<request uri> <status>"), again, one after the other on one
      connection (curl -K): what serving the sync costs the world alone
"""
import datetime
import http.client
import json
import os
import ssl
import subprocess
import sys
import tempfile
import threading
import time

# The world's shape (sync.sh exports it): events pick components in it.
NS, PROJECTS, COMPONENTS = (int(os.environ.get(k, d)) for k, d in (
    ("BENCH_NS", 50), ("BENCH_PROJECTS", 20), ("BENCH_COMPONENTS", 10)))
CTX = ssl.create_default_context()
CTX.check_hostname = False
CTX.verify_mode = ssl.CERT_NONE


class Client:
    def __init__(self, port, token=None, scheme="https", host="127.0.0.1"):
        self.port, self.token, self.scheme, self.host = port, token, scheme, host
        self.conn = None

    def call(self, method, path, body=None, headers=None):
        hdrs = dict(headers or {})
        if self.token:
            hdrs["Authorization"] = "Bearer " + self.token
        for _ in range(3):
            if self.conn is None:
                self.conn = (http.client.HTTPSConnection(self.host, self.port, context=CTX, timeout=30)
                             if self.scheme == "https"
                             else http.client.HTTPConnection(self.host, self.port, timeout=30))
            try:
                self.conn.request(method, path, body=body, headers=hdrs)
                resp = self.conn.getresponse()
                return resp.status, resp.read()
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                time.sleep(0.1)
        return 0, b""


def retitle(world_dir, ns, comp, title):
    """The component's display name changed upstream: its file rewritten
    in the world's encoding (world.py's wire), atomically."""
    path = os.path.join(world_dir, "api/v1/namespaces/%s/components/%s@.json" % (ns, comp))
    with open(path) as f:
        obj = json.load(f)
    obj["metadata"]["annotations"]["openchoreo.dev/display-name"] = title
    with open(path + ".tmp", "w") as f:
        f.write(json.dumps(obj, separators=(",", ":"), sort_keys=True) + "\n")
    os.replace(path + ".tmp", path)


def count(port, want):
    c = Client(int(port))
    c.conn = http.client.HTTPSConnection("127.0.0.1", int(port), context=CTX, timeout=30)
    line = sys.stdin.readline().split()
    if not line:
        return 1
    c.token = line[1] if len(line) > 1 else None
    t0 = time.monotonic()
    while time.monotonic() - t0 < 600:
        st, body = c.call("GET", "/api/catalog/entities/by-query?limit=0")
        if st == 200 and json.loads(body)["totalItems"] >= int(want):
            print("%.3f" % time.time(), flush=True)
            return 0
        time.sleep(0.1)
    print("measure: the count was not reached in 600 s", file=sys.stderr)
    return 1


def started(last):
    v = (last or {}).get("startedAt")
    return datetime.datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp() if v else 0


def sync(port, token, after):
    c = Client(int(port), token)
    t0 = time.monotonic()
    while time.monotonic() - t0 < 900:
        st, body = c.call("GET", "/api/openchoreo/v1/status")
        if st == 200:
            last = json.loads(body).get("lastSync")
            if started(last) >= float(after) and last.get("outcome") in ("succeeded", "failed"):
                print(json.dumps(last))
                return 0 if last["outcome"] == "succeeded" else 1
        time.sleep(0.2)
    print("measure: no sync finished in 900 s", file=sys.stderr)
    return 1


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def one_event(api, poll, world_dir, ns, comp, title):
    retitle(world_dir, ns, comp, title)
    body = json.dumps({"kind": "Component", "name": comp, "namespace": ns, "action": "updated"})
    t0 = time.monotonic()
    st, _ = api.call("POST", "/api/events/http/openchoreo", body,
                     {"Content-Type": "application/json"})
    if st != 202:
        raise RuntimeError("event answered %d" % st)
    path = "/api/catalog/entities/by-name/component/%s/%s" % (ns, comp)
    while time.monotonic() - t0 < 30:
        st, got = poll.call("GET", path)
        if st == 200 and json.loads(got)["metadata"].get("title") == title:
            return time.monotonic() - t0
        time.sleep(0.005)
    raise RuntimeError("%s/%s did not show %r within 30 s" % (ns, comp, title))


def events(port, token, world_dir, n, workers):
    n, workers = int(n), int(workers)
    lat, errors, lock = [], [], threading.Lock()

    def worker(w):
        api, poll = Client(int(port)), Client(int(port), token)
        for i in range(w, n, workers):
            ns = "ns-%02d" % (i % NS)
            comp = "proj-%02d-comp-%02d" % ((i // NS) % PROJECTS, w % COMPONENTS)
            try:
                took = one_event(api, poll, world_dir, ns, comp, "bench event %d" % i)
            except RuntimeError as e:
                with lock:
                    errors.append(str(e))
                continue
            with lock:
                lat.append(took)
    t0 = time.monotonic()
    ts = [threading.Thread(target=worker, args=(w,)) for w in range(workers)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    out = {"events": n, "workers": workers, "seen": len(lat), "errors": errors[:5],
           "wall_s": round(time.monotonic() - t0, 1)}
    if lat:
        out.update({"p50_ms": round(pct(lat, 50) * 1000), "p90_ms": round(pct(lat, 90) * 1000),
                    "p99_ms": round(pct(lat, 99) * 1000), "max_ms": round(max(lat) * 1000)})
    print(json.dumps(out))
    return 0 if not errors else 1


def floor(port, token):
    c = Client(int(port), token)
    path = "/api/catalog/entities/by-name/component/ns-00/proj-00-comp-00"
    lat = []
    for _ in range(200):
        t0 = time.monotonic()
        c.call("GET", path)
        lat.append(time.monotonic() - t0)
    print(json.dumps({"p50_ms": round(pct(lat, 50) * 1000, 1), "p99_ms": round(pct(lat, 99) * 1000, 1)}))
    return 0


def replay(world_url, access_log):
    """With curl -K: one process and one kept-alive connection for all of
    them, the plugin's client library."""
    with open(access_log) as f:
        calls = [ln.split()[0] for ln in f if ln.startswith("/api/v1")]
    with tempfile.NamedTemporaryFile("w", suffix=".curl") as cfg:
        cfg.write('header = "Authorization: Bearer replay"\n')
        for uri in calls:
            cfg.write('url = "%s%s"\noutput = "/dev/null"\n' % (world_url, uri))
        cfg.flush()
        t0 = time.monotonic()
        subprocess.run(["curl", "-s", "-K", cfg.name], check=True)
        took = time.monotonic() - t0
    print(json.dumps({"requests": len(calls), "seconds": round(took, 2)}))
    return 0


def main(argv):
    cmds = {"count": count, "sync": sync, "events": events, "floor": floor, "replay": replay}
    if len(argv) < 2 or argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        return 2
    return cmds[argv[1]](*argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
