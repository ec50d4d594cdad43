#!/usr/bin/env python3
"""Prints the Perch stream benchmark's figures from the files stream.sh
left in DIR, each next to its baseline taken in the same run and the ratio.

  report.py DIR

DIR holds the chats.py summaries direct.json (the chats straight to the
stand-in: the floor of the latency measurement), burst.json (200 chats at
once through nginx and pool stream) and held.json (200 streams kept open
back to back during wrk); wrk's output without streams before
(wrk-before.txt), during the held streams (wrk-during.txt) and without them
after (wrk-after.txt); cpu-without.txt and cpu-during.txt (lines "NAME
SECONDS": the CPU each process used while wrk ran).  Standard library only.
"""
import json
import os
import re
import sys

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def load(d, name):
    with open(os.path.join(d, name)) as f:
        return json.load(f)


def wrk(d, name):
    """req/s, p50 and p99 (ms) and the error lines of one wrk run."""
    with open(os.path.join(d, name)) as f:
        text = f.read()
    out = {"errors": " ".join(re.findall(r"(?m)^\s*(Non-2xx.*|Socket errors.*)$", text))}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    out["rps"] = float(m.group(1)) if m else None
    for p in ("50", "99"):
        m = re.search(r"(?m)^\s+%s\.000%%\s+([\d.]+)(us|ms|s)\s*$" % p, text) or \
            re.search(r"(?m)^\s+%s%%\s+([\d.]+)(us|ms|s)\s*$" % p, text)
        out["p" + p] = float(m.group(1)) * UNITS[m.group(2)] if m else None
    return out


def cpu(d, name):
    with open(os.path.join(d, name)) as f:
        return dict((k, float(v)) for k, v in (line.split() for line in f if line.strip()))


def fmt(v, unit=""):
    if v is None:
        return "-"
    if isinstance(v, float):
        v = "%.3g" % v if abs(v) < 100 else "%.0f" % v
    return "%s%s" % (v, unit)


def row(name, value, base, note=""):
    ratio = value / base if value is not None and base else None
    print("%-34s %10s %10s %7s  %s" % (name, fmt(value), fmt(base),
                                       "-" if ratio is None else "%.2f" % ratio, note))


def chats_rows(label, run, direct):
    lat, floor = run.get("latency_ms", {}), direct.get("latency_ms", {})
    print("%-34s %10s %10s" % (label + ": chats complete", "%d/%d" % (run["complete"], run["chats"]),
                               "failed %d" % run["failed"]),
          json.dumps(run["failures"]) if run["failures"] else "")
    for p in ("p50", "p99", "max"):
        row("%s: added latency %s ms" % (label, p), lat.get(p), floor.get(p),
            "base: direct to the stand-in")
    print("%-34s %10s %10s" % (label + ": lines timed", lat.get("n"),
                               "unmatched %s" % lat.get("unmatched")))
    s = run.get("sampled")
    if s:
        row(label + ": pool stream threads max", s["threads_max"], s["threads_idle"], "base: idle")
        row(label + ": pool stream RSS max KiB", s["rss_kib_max"], s["rss_kib_idle"], "base: idle")


def main(d):
    direct, burst, held = load(d, "direct.json"), load(d, "burst.json"), load(d, "held.json")
    print("%-34s %10s %10s %7s  %s" % ("figure", "value", "baseline", "ratio", ""))
    print("%-34s %10s %10s" % ("direct: chats complete", "%d/%d" % (direct["complete"], direct["chats"]),
                               "failed %d" % direct["failed"]))
    chats_rows("burst", burst, direct)
    chats_rows("held", held, direct)
    before, during, after = wrk(d, "wrk-before.txt"), wrk(d, "wrk-during.txt"), wrk(d, "wrk-after.txt")
    for k, unit in (("rps", "req/s"), ("p50", "ms"), ("p99", "ms")):
        both = [x[k] for x in (before, after) if x[k] is not None]
        base = sum(both) / len(both) if both else None
        row("by-name %s %s during streams" % (k, unit), during[k], base,
            "base: mean of without (before %s, after %s)" % (fmt(before[k]), fmt(after[k])))
    for x, name in ((before, "before"), (during, "during"), (after, "after")):
        if x["errors"]:
            print("wrk %s: %s" % (name, x["errors"]))
    without, with_ = cpu(d, "cpu-without.txt"), cpu(d, "cpu-during.txt")
    for k in with_:
        row("cpu s while wrk ran: " + k, with_[k], without.get(k), "base: wrk without streams")
    p99 = burst.get("latency_ms", {}).get("p99")
    ratio = during["rps"] / ((before["rps"] + after["rps"]) / 2) if during["rps"] and \
        before["rps"] and after["rps"] else None
    print("target added latency p99 < 5 ms (burst): %s" % (
        "-" if p99 is None else "%.2f ms, %s" % (p99, "met" if p99 < 5 else "NOT met")))
    print("target by-name req/s during >= 0.90 of without: %s" % (
        "-" if ratio is None else "%.2f, %s" % (ratio, "met" if ratio >= 0.9 else "NOT met")))


if __name__ == "__main__":
    main(sys.argv[1])
