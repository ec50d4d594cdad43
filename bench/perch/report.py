#!/usr/bin/env python3
"""Prints the Perch stream benchmark's figures from the files stream.sh
left in DIR, each next to its baseline taken in the same run and the ratio.

  report.py DIR

DIR holds the chats.py summaries direct.json (the chats straight to the
stand-in: the floor of the latency measurement), burst.json (200 chats at
once through nginx and pool stream; scale-1/50/100.json the same with
fewer), direct-spread.json and spread.json (the direct and burst chats with
their starts spread over 50 ms), bypass.json and held.json (200 streams
kept open back to back while wrk ran: straight to the stand-in, and through
the proxy); wrk's output for each of before (no streams), bypass, held and
after (no streams again) in wrk-NAME.txt, and cpu-NAME.txt (lines "NAME
SECONDS": the CPU each process used while that wrk ran).  Standard library
only.
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


def chats_rows(label, run, floor, floor_name):
    lat, base = run.get("latency_ms", {}), floor.get("latency_ms", {})
    print("%-34s %10s %10s" % (label + ": chats complete", "%d/%d" % (run["complete"], run["chats"]),
                               "failed %d" % run["failed"]),
          json.dumps(run["failures"]) if run["failures"] else "")
    for p in ("p50", "p99", "max"):
        row("%s: added latency %s ms" % (label, p), lat.get(p), base.get(p), "base: " + floor_name)
    print("%-34s %10s %10s  min %s ms" % (
        label + ": lines timed", lat.get("n"), "unmatched %s" % lat.get("unmatched"),
        fmt(lat.get("min"))))
    s = run.get("sampled")
    if s:
        row(label + ": pool stream threads max", s["threads_max"], s["threads_idle"], "base: idle")
        row(label + ": pool stream RSS max KiB", s["rss_kib_max"], s["rss_kib_idle"], "base: idle")


def wrk_rows(d):
    runs = dict((k, wrk(d, "wrk-%s.txt" % k)) for k in ("before", "bypass", "held", "after"))
    without = {}
    for k in ("rps", "p50", "p99"):
        both = [runs[x][k] for x in ("before", "after") if runs[x][k] is not None]
        without[k] = sum(both) / len(both) if len(both) == 2 else None
    for k, unit in (("rps", "req/s"), ("p50", "ms"), ("p99", "ms")):
        note = "base: mean of without (before %s, after %s)" % (
            fmt(runs["before"][k]), fmt(runs["after"][k]))
        row("by-name %s %s, proxied streams" % (k, unit), runs["held"][k], without[k], note)
        row("by-name %s %s, bypass streams" % (k, unit), runs["bypass"][k], without[k], note)
        row("by-name %s %s, proxied/bypass" % (k, unit), runs["held"][k], runs["bypass"][k],
            "base: bypass (same bench load, no proxy)")
    for name, x in runs.items():
        if x["errors"]:
            print("wrk %s: %s" % (name, x["errors"]))
    return runs["held"]["rps"] / without["rps"] if runs["held"]["rps"] and without["rps"] else None


def cpu_rows(d):
    runs = dict((k, cpu(d, "cpu-%s.txt" % k)) for k in ("before", "bypass", "held"))
    for k in runs["held"]:
        row("cpu s in wrk's window: " + k, runs["held"][k], runs["bypass"].get(k),
            "base: bypass; without streams %s" % fmt(runs["before"].get(k)))


def main(d):
    direct, burst = load(d, "direct.json"), load(d, "burst.json")
    bypass, held = load(d, "bypass.json"), load(d, "held.json")
    print("%-34s %10s %10s %7s  %s" % ("figure", "value", "baseline", "ratio", ""))
    chats_rows("direct", direct, direct, "itself")
    chats_rows("burst", burst, direct, "direct (no proxy)")
    spread, direct_spread = load(d, "spread.json"), load(d, "direct-spread.json")
    chats_rows("direct-spread", direct_spread, direct_spread, "itself")
    chats_rows("spread", spread, direct_spread, "direct-spread (no proxy)")
    chats_rows("bypass", bypass, direct, "direct (a burst, no wrk)")
    chats_rows("held", held, bypass, "bypass (same load, no proxy)")
    for c in (1, 50, 100):
        if os.path.exists(os.path.join(d, "scale-%d.json" % c)):
            run = load(d, "scale-%d.json" % c)
            lat = run.get("latency_ms", {})
            print("%-34s %10s %10s  complete %d/%d" % (
                "proxied, %d at once: p50 / p99 ms" % c, fmt(lat.get("p50")),
                fmt(lat.get("p99")), run["complete"], run["chats"]))
    ratio = wrk_rows(d)
    cpu_rows(d)
    for name, run in (("burst", burst), ("spread", spread)):
        p99 = run.get("latency_ms", {}).get("p99")
        print("target added latency p99 < 5 ms (%s): %s" % (name, "-" if p99 is None else
              "%.2f ms, %s" % (p99, "met" if p99 < 5 else "NOT met")))
    print("target by-name req/s with 200 proxied streams >= 0.90 of without: %s" % (
        "-" if ratio is None else "%.2f, %s" % (ratio, "met" if ratio >= 0.9 else "NOT met")))


if __name__ == "__main__":
    main(sys.argv[1])
