#!/usr/bin/env python3
"""Writes a synthetic catalog of N entities (default 10 000) for the
ingestion benchmark: groups, users, domains, systems, components, APIs and
resources with owners, systems, memberships and API relations, spread over
a handful of YAML files tied together by a root Location file (all.yaml).

usage: gen.py [N] [--out DIR]    (DIR default: ./catalog-N)
Configure it as  [catalog] location = file:DIR/all.yaml  with
allow = Component API System Domain Resource Group User Location.
"""

import os
import sys

# Share of each kind in the catalog (the rest are components).
SHARES = [("Group", 0.02), ("User", 0.20), ("Domain", 0.005), ("System", 0.03),
          ("API", 0.15), ("Resource", 0.10)]
FILES = {"Group": "org.yaml", "User": "org.yaml", "Domain": "systems.yaml",
         "System": "systems.yaml", "API": "apis.yaml", "Resource": "resources.yaml",
         "Component": "components.yaml"}
LIFECYCLES = ["production", "experimental", "deprecated"]
CTYPES = ["service", "website", "library"]


def counts(n):
    # The root Location is one entity of the N.
    left = n - 1
    out = {}
    for kind, share in SHARES:
        out[kind] = max(1, int(n * share))
        left -= out[kind]
    out["Component"] = max(1, left)
    return out


def doc(kind, name, spec, extra=""):
    lines = ["---", "apiVersion: backstage.io/v1alpha1", "kind: %s" % kind,
             "metadata:", "  name: %s" % name,
             "  description: synthetic %s %s" % (kind.lower(), name)]
    if extra:
        lines.append(extra)
    lines.append("spec:")
    for k, v in spec:
        if isinstance(v, list) and not v:
            lines.append("  %s: []" % k)
        elif isinstance(v, list):
            lines.append("  %s:" % k)
            lines.extend("    - %s" % x for x in v)
        else:
            lines.append("  %s: %s" % (k, v))
    return "\n".join(lines) + "\n"


def entities(c):
    g, u, d, s, a, r, k = (c["Group"], c["User"], c["Domain"], c["System"], c["API"],
                           c["Resource"], c["Component"])
    for i in range(g):
        spec = [("type", "team"), ("children", [])]
        if i:
            spec.insert(1, ("parent", "group-%d" % ((i - 1) // 4)))
        yield "Group", doc("Group", "group-%d" % i, spec)
    for i in range(u):
        yield "User", doc("User", "user-%d" % i, [("memberOf", ["group-%d" % (i % g)])])
    for i in range(d):
        yield "Domain", doc("Domain", "domain-%d" % i, [("owner", "group-%d" % (i % g))])
    for i in range(s):
        yield "System", doc("System", "system-%d" % i,
                            [("owner", "group-%d" % (i % g)), ("domain", "domain-%d" % (i % d))])
    for i in range(a):
        yield "API", doc("API", "api-%d" % i,
                         [("type", "openapi"), ("lifecycle", LIFECYCLES[i % 3]),
                          ("owner", "group-%d" % (i % g)), ("system", "system-%d" % (i % s)),
                          ("definition", "'openapi: 3.0.0'")])
    for i in range(r):
        yield "Resource", doc("Resource", "resource-%d" % i,
                              [("type", "database"), ("owner", "group-%d" % (i % g)),
                               ("system", "system-%d" % (i % s))])
    for i in range(k):
        spec = [("type", CTYPES[i % 3]), ("lifecycle", LIFECYCLES[i % 3]),
                ("owner", "group-%d" % (i % g)), ("system", "system-%d" % (i % s)),
                ("providesApis", ["api-%d" % (i % a)]),
                ("consumesApis", ["api-%d" % ((i * 7 + 1) % a)]),
                ("dependsOn", ["resource:resource-%d" % (i % r)])]
        yield "Component", doc("Component", "component-%d" % i, spec,
                               "  tags:\n    - synthetic\n    - t%d" % (i % 10))


def main(argv):
    args = [x for x in argv[1:]]
    out = None
    if "--out" in args:
        i = args.index("--out")
        out = args[i + 1]
        del args[i:i + 2]
    n = int(args[0]) if args else 10000
    if n < 8:
        sys.exit("gen.py: N must be at least 8")
    out = os.path.abspath(out or "catalog-%d" % n)
    os.makedirs(out, exist_ok=True)
    files = {}
    for kind, text in entities(counts(n)):
        files.setdefault(FILES[kind], []).append(text)
    for name, docs in files.items():
        with open(os.path.join(out, name), "w") as f:
            f.write("".join(docs))
    with open(os.path.join(out, "all.yaml"), "w") as f:
        f.write(doc("Location", "synthetic-root",
                    [("targets", ["./%s" % x for x in sorted(files)])]))
    print(os.path.join(out, "all.yaml"))


if __name__ == "__main__":
    main(sys.argv)
