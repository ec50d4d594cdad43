#!/usr/bin/env python3
"""Concurrent Perch chats for bench/perch/stream.sh (standard library only).

  chats.py URL --body REQ.json --expect ANSWER.ndjson [--chats 200]
           [--path P] [--token T] [--rid PREFIX] [--until FILE]
           [--ready FILE] [--standin URL] [--sample-pid PID] [--spread-ms S]

Opens --chats connections to URL (http or https; certificates are not
checked) from one thread (asyncio, so no thread of the client waits for
the GIL while a line is due), then:
- without --until (a burst): every connection sends one chat at the same
  moment and reads its answer (with --spread-ms S: connection i of N waits
  S*i/N ms first, so the chats are all open at once but their lines, 50 ms
  apart, do not all fall due at the same instant);
- with --until FILE: each connection sends chats back to back on its kept-
  alive connection until FILE exists, so --chats streams stay open.
--ready FILE is written once every connection has received a first line.

Each chat is `POST PATH` with the --body bytes, Accept: application/x-ndjson,
the bearer --token and `X-Request-Id: PREFIX-<conn>-<n>`; it counts as
complete when the answer is 200 and its body is the --expect bytes exactly.
The client notes the time each line arrives.  With --standin, the stand-in's
request record (`GET /__standin/requests`: each streamed answer's per-line
write_times, noted just before each write) is joined by X-Request-Id, and
every line's latency is its arrival minus that time: from the stand-in's
write to the client's read.  (Its sent_times, noted after the write, can lag
the client's read by tens of ms when 200 stand-in threads share the GIL.)  With --sample-pid, the Threads and VmRSS of that process are read
every 0.2 s from /proc (before the first chat: the idle figures).

Prints one JSON object: chats, complete, failed, failures by reason,
lines, latency_ms (n, min, p50, p99, max; unmatched: lines with no send time),
sampled (threads / rss_kib: idle, max), cpu_s (this client's), wall_s.
Exits 1 when a chat failed.
"""
import argparse
import asyncio
import json
import os
import ssl
import sys
import time
import urllib.parse
import urllib.request

CHAT_TIMEOUT = 30.0
MAX_HEAD = 64 * 1024


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list (None when empty)."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[int(rank) - 1]


class ChatError(Exception):
    """A chat that did not complete; the message is the failure's reason."""


class Conn:
    """One client connection (kept alive) and the chats sent on it."""

    def __init__(self, cfg, index):
        self.cfg, self.index, self.n = cfg, index, 0
        self.reader = self.writer = None

    async def open(self):
        u, ctx = self.cfg.url, self.cfg.tls
        self.reader, self.writer = await asyncio.open_connection(
            u.hostname, u.port or (443 if ctx else 80), ssl=ctx, limit=MAX_HEAD)

    def close(self):
        if self.writer:
            self.writer.close()
        self.reader = self.writer = None

    def request(self, rid):
        cfg = self.cfg
        head = ("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                "Accept: application/x-ndjson\r\nAuthorization: Bearer %s\r\n"
                "X-Request-Id: %s\r\nContent-Length: %d\r\n\r\n" % (
                    cfg.path, cfg.url.netloc, cfg.token, rid, len(cfg.body)))
        return head.encode() + cfg.body

    async def chat(self, on_line):
        """Sends one chat; returns (body, [arrival time of each line])."""
        if self.writer is None:
            await self.open()
        self.n += 1
        rid = "%s-%d-%d" % (self.cfg.rid, self.index, self.n)
        self.writer.write(self.request(rid))
        await self.writer.drain()
        status, headers = await self.read_head()
        body, times = await self.read_body(headers, on_line)
        if headers.get("connection", "").lower() == "close":
            self.close()
        if status != 200:
            raise ChatError("status %d" % status)
        return rid, body, times

    async def read_head(self):
        line = await self.reader.readline()
        if not line:
            raise ChatError("connection closed before the answer")
        parts = line.split(None, 2)
        if len(parts) < 2 or not parts[1].isdigit():
            raise ChatError("bad status line")
        headers = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                return int(parts[1]), headers
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()

    async def read_body(self, headers, on_line):
        """The answer's body; each line's arrival is noted as it completes."""
        body, times = bytearray(), []

        def got(data):
            now = time.time()
            body.extend(data)
            for _ in range(data.count(b"\n")):
                times.append(now)
                on_line()

        if "chunked" in headers.get("transfer-encoding", "").lower():
            while True:
                size = int((await self.reader.readline()).split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while (await self.reader.readline()) not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(body), times
                got((await self.reader.readexactly(size + 2))[:-2])
        n = headers.get("content-length")
        if n is not None:
            got(await self.reader.readexactly(int(n)))
        else:
            got(await self.reader.read())
            self.close()
        return bytes(body), times


class Run:
    """The chats of one run and what they measured."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.conns = [Conn(cfg, i) for i in range(cfg.chats)]
        self.arrivals = {}          # rid -> arrival time of each line
        self.failures = {}          # reason -> count
        self.complete = self.started = 0
        self.first_line = set()     # conns that have received a line
        self.samples = []           # (threads, rss_kib)

    def fail(self, reason):
        self.failures[reason] = self.failures.get(reason, 0) + 1

    def line_seen(self, conn):
        if conn.index not in self.first_line:
            self.first_line.add(conn.index)
            if len(self.first_line) == len(self.conns) and self.cfg.ready:
                with open(self.cfg.ready, "w") as f:
                    f.write("%f\n" % time.time())

    async def one_chat(self, conn):
        self.started += 1
        try:
            rid, body, times = await asyncio.wait_for(
                conn.chat(lambda: self.line_seen(conn)), CHAT_TIMEOUT)
        except ChatError as e:
            conn.close()
            return self.fail(str(e))
        except asyncio.TimeoutError:
            conn.close()
            return self.fail("no complete answer in %d s" % CHAT_TIMEOUT)
        except (OSError, asyncio.IncompleteReadError, ValueError) as e:
            conn.close()
            return self.fail(type(e).__name__)
        if body != self.cfg.expect:
            return self.fail("body differs from the fixture")
        self.complete += 1
        self.arrivals[rid] = times
        return True

    async def worker(self, conn, start):
        try:
            await conn.open()
        except OSError:
            pass    # the chat connects again, and counts a failure
        await start.wait()
        if self.cfg.spread_ms:
            await asyncio.sleep(self.cfg.spread_ms / 1000.0 * conn.index / len(self.conns))
        ok = await self.one_chat(conn)
        while self.cfg.until and not os.path.exists(self.cfg.until):
            if not ok:
                await asyncio.sleep(0.1)    # no busy loop against a stack that is gone
            ok = await self.one_chat(conn)
        conn.close()

    async def sampler(self, stop):
        while not stop.is_set():
            self.samples.append(proc_figures(self.cfg.sample_pid))
            try:
                await asyncio.wait_for(stop.wait(), 0.2)
            except asyncio.TimeoutError:
                pass

    async def main(self):
        start, stop = asyncio.Event(), asyncio.Event()
        sampling = None
        if self.cfg.sample_pid:
            self.samples.append(proc_figures(self.cfg.sample_pid))
            sampling = asyncio.ensure_future(self.sampler(stop))
        workers = [asyncio.ensure_future(self.worker(c, start)) for c in self.conns]
        await asyncio.sleep(0.5)    # the connections (TLS handshakes) first
        start.set()
        await asyncio.gather(*workers)
        stop.set()
        if sampling:
            await sampling


def proc_figures(pid):
    """(Threads, VmRSS in KiB) of a process, from /proc/PID/status."""
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("Threads", "VmRSS"):
                out[key] = int(value.split()[0])
    return out.get("Threads"), out.get("VmRSS")


def send_times(standin):
    """rid -> per-line send times, from the stand-in's request record."""
    with urllib.request.urlopen(standin.rstrip("/") + "/__standin/requests", timeout=60) as r:
        record = json.load(r)
    out = {}
    for entry in record:
        rid = entry.get("headers", {}).get("x-request-id")
        if rid and "stream" in entry:
            out[rid] = entry["stream"]["write_times"]
    return out


def latencies(arrivals, sends):
    """Per-line latency in ms, and how many lines had no send time."""
    got, unmatched = [], 0
    for rid, times in arrivals.items():
        sent = sends.get(rid, [])
        unmatched += max(0, len(times) - len(sent))
        got.extend((t - s) * 1000.0 for t, s in zip(times, sent))
    got.sort()
    return {"n": len(got), "unmatched": unmatched,
            "p50": percentile(got, 50), "p99": percentile(got, 99),
            "min": got[0] if got else None, "max": got[-1] if got else None}


def summary(run, wall):
    lines = sum(len(t) for t in run.arrivals.values())
    out = {"chats": run.started, "complete": run.complete,
           "failed": sum(run.failures.values()), "failures": run.failures,
           "lines": lines, "wall_s": round(wall, 3),
           "cpu_s": round(sum(os.times()[:2]), 3)}
    if run.cfg.standin:
        out["latency_ms"] = latencies(run.arrivals, send_times(run.cfg.standin))
    if run.samples:
        threads = [s[0] for s in run.samples if s[0] is not None]
        rss = [s[1] for s in run.samples if s[1] is not None]
        out["sampled"] = {"n": len(run.samples), "threads_idle": threads[0],
                          "threads_max": max(threads), "rss_kib_idle": rss[0],
                          "rss_kib_max": max(rss)}
    return out


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("url")
    ap.add_argument("--path", default="/api/perch/api/v1alpha1/portal-assistant/chat")
    ap.add_argument("--body", required=True, metavar="REQ.json")
    ap.add_argument("--expect", required=True, metavar="ANSWER.ndjson")
    ap.add_argument("--chats", type=int, default=200)
    ap.add_argument("--token", default="bench")
    ap.add_argument("--rid", default="pb")
    ap.add_argument("--until", metavar="FILE")
    ap.add_argument("--ready", metavar="FILE")
    ap.add_argument("--standin", metavar="URL")
    ap.add_argument("--sample-pid", type=int)
    ap.add_argument("--spread-ms", type=float, default=0)
    cfg = ap.parse_args(argv)
    cfg.url = urllib.parse.urlsplit(cfg.url)
    cfg.tls = None
    if cfg.url.scheme == "https":
        # One context for every connection: each new one reads the system's
        # CA store (some 30 ms of CPU), unchecked here anyway.
        cfg.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        cfg.tls.check_hostname = False
        cfg.tls.verify_mode = ssl.CERT_NONE
    with open(cfg.body, "rb") as f:
        cfg.body = f.read()
    with open(cfg.expect, "rb") as f:
        cfg.expect = f.read()
    return cfg


def main(argv):
    cfg = parse_args(argv)
    run = Run(cfg)
    t0 = time.monotonic()
    asyncio.run(run.main())
    out = summary(run, time.monotonic() - t0)
    print(json.dumps(out, sort_keys=True))
    return 1 if out["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
