"""Data-driven cases, in the spirit of curl's tests/data: each file under
cases/ holds one request and the reply it must get.  The format:

    <info>
    one line saying what the case proves
    </info>
    <request>
    METHOD /raw/path?query          (sent byte for byte, no normalising)
    Header: value                   (any number)
    </request>
    <body repeat="N">               (optional; the text, minus its final
    ...                              newline, repeated N times)
    </body>
    <expect>
    status: 200
    Header: value                   (exact)
    Header: ~regex                  (full match)
    !Header                         (must be absent)
    </expect>
    <json>                          (optional: the exact JSON body; the
    {...}                            strings "{{any}}" and "{{string}}"
    </json>                          match any value / any string)
    <raw>                           (optional: the exact body bytes, minus
    ...                              the final newline)
    </raw>

Lines starting with '#' outside sections are comments.
"""

import json
import os
import re

import itest

CASES = os.path.join(itest.HERE, "cases")
TAG = re.compile(r'^<(/?)([a-z]+)((?:\s+[a-z]+="[^"]*")*)\s*>$')
ATTR = re.compile(r'([a-z]+)="([^"]*)"')


def parse(path):
    sections, name, attrs, lines = {}, None, {}, []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f.read().split("\n"), 1):
            m = TAG.match(line)
            if name is None:
                if not line.strip() or line.startswith("#"):
                    continue
                if not m or m.group(1):
                    raise ValueError("%s:%d: expected an opening tag" % (path, n))
                name, attrs, lines = m.group(2), dict(ATTR.findall(m.group(3))), []
            elif m and m.group(1) == "/" and m.group(2) == name:
                sections[name] = (attrs, "\n".join(lines))
                name = None
            else:
                lines.append(line)
    if name is not None:
        raise ValueError("%s: <%s> is not closed" % (path, name))
    for required in ("request", "expect"):
        if required not in sections:
            raise ValueError("%s: no <%s> section" % (path, required))
    return sections


def headers_of(lines):
    out = []
    for line in lines:
        k, sep, v = line.partition(":")
        if not sep:
            raise ValueError("bad header line %r" % line)
        out.append((k.strip(), v.strip()))
    return out


def run_case(path):
    s = parse(path)
    req = s["request"][1].split("\n")
    method, target = req[0].split()[:2]
    body = None
    if "body" in s:
        attrs, text = s["body"]
        body = (text * int(attrs.get("repeat", "1"))).encode("utf-8")
    resp = itest.request(method, target, headers=headers_of(l for l in req[1:] if l), body=body)
    for line in s["expect"][1].split("\n"):
        if not line.strip():
            continue
        if line.startswith("!"):
            itest.check(resp.header(line[1:].strip()) is None,
                        "header %s should be absent, is %r" % (line[1:], resp.header(line[1:])))
            continue
        k, v = headers_of([line])[0]
        if k == "status":
            itest.check(resp.status == int(v), "status %d, want %s; body %r"
                        % (resp.status, v, resp.body[:300]))
            continue
        got = resp.header(k)
        ok = got is not None and (re.fullmatch(v[1:], got) if v.startswith("~") else got == v)
        itest.check(ok, "header %s is %r, want %r" % (k, got, v))
    if "json" in s:
        itest.check_json(resp, json.loads(s["json"][1]))
    if "raw" in s:
        want = s["raw"][1].encode("utf-8")
        itest.check(resp.body == want, "body %r, want %r" % (resp.body[:300], want))


def register():
    for name in sorted(os.listdir(CASES)):
        path = os.path.join(CASES, name)

        def fn(path=path):
            run_case(path)
        fn.__name__ = "case " + name
        itest.test(fn)
