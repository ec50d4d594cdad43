#!/usr/bin/env python3
"""A large OpenChoreo world for bench/openchoreo/sync.sh, written as static
files that a private nginx serves (one file per request, named after path
and query: see write_world), so that the upstream answers at the speed of
the hardware and the bench measures Stagehand, not its stand-in.  (Until
2026-12-07 22:50 the Python stand-in served it; it alone took 5-9.5 s of
the sync's 11,709 requests, more than the re-sync's target.)

The world is made from the recorded fixtures' items (renamed, same shape):
NS namespaces, each with 3 environments, a DataPlane, a
DeploymentPipeline, the ComponentType `service` (its schema call),
PROJECTS projects of COMPONENTS components each; every component has one
workload with an HTTP endpoint, and every API_EVERY-th endpoint carries an
OpenAPI schema (an API entity).  Lists page as the server does (limit 1..100,
default 20, cursor = offset, last page "pagination":{}).  Lists the world
does not populate are nginx's empty-list fallback.

    world.py --namespaces 50 --projects 20 --components 10 [--api-every 10]
             [--limit 100] --write DIR

`--print-counts` prints the entities a full sync makes, by Backstage kind,
as JSON, and exits.  The event run changes a component's title by
rewriting its file (measure.py)."""

import argparse
import copy
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RECORDED = os.path.join(REPO, "tests", "data", "upstream", "openchoreo")


def first(name):
    with open(os.path.join(RECORDED, name)) as f:
        return json.load(f)["items"][0]


def wire(obj):
    """The Go server's encoding: compact, sorted keys, trailing newline."""
    return (json.dumps(obj, separators=(",", ":"), sort_keys=True) + "\n").encode()


def named(item, ns, name, uid):
    out = copy.deepcopy(item)
    md = out["metadata"]
    md["name"], md["uid"] = name, "%08x-0000-5000-8000-%012x" % (uid >> 48, uid & 0xffffffffffff)
    if "namespace" in md:
        md["namespace"] = ns
    for label in ("openchoreo.dev/name", "kubernetes.io/metadata.name"):
        if label in md.get("labels", {}):
            md["labels"][label] = name
    return out


class World:
    """Every list (path -> items) and single resource (path -> object)."""

    def __init__(self, namespaces, projects, components, api_every):
        self.lists, self.single, self.uid, self.ncomp = {}, {}, 0, 0
        self.shape = (namespaces, projects, components, api_every)
        t = {n: first(f) for n, f in (
            ("ns", "namespaces.json"), ("env", "environments.oracle.json"),
            ("dp", "dataplanes.oracle.json"), ("pipe", "deploymentpipelines.oracle.json"),
            ("ct", "componenttypes.oracle.json"), ("proj", "projects.oracle.json"),
            ("comp", "components.oracle.checkout.json"),
            ("wl", "workloads.oracle.checkout-service.json"))}
        with open(os.path.join(RECORDED, "componenttype-schema.oracle.service.json"), "rb") as f:
            self.schema = f.read()
        self.t = t
        nss = ["ns-%02d" % i for i in range(namespaces)]
        self.lists["/api/v1/namespaces"] = [self.make("ns", None, n) for n in nss]
        for ns in nss:
            self.namespace(ns)

    def make(self, kind, ns, name):
        self.uid += 1
        return named(self.t[kind], ns, name, self.uid)

    def namespace(self, ns):
        base = "/api/v1/namespaces/" + ns
        self.single[base] = next(i for i in self.lists["/api/v1/namespaces"]
                                 if i["metadata"]["name"] == ns)
        self.lists[base + "/environments"] = [
            self.make("env", ns, e) for e in ("development", "staging", "production")]
        self.lists[base + "/dataplanes"] = [self.make("dp", ns, "default")]
        self.lists[base + "/deploymentpipelines"] = [self.make("pipe", ns, "default")]
        self.lists[base + "/componenttypes"] = [self.make("ct", ns, "service")]
        self.single[base + "/componenttypes/service/schema"] = self.schema
        nproj = self.shape[1]
        projs = [self.make("proj", ns, "proj-%02d" % p) for p in range(nproj)]
        self.lists[base + "/projects"] = projs
        for p in projs:
            self.single[base + "/projects/" + p["metadata"]["name"]] = p
            self.project(ns, p["metadata"]["name"])

    def project(self, ns, proj):
        base = "/api/v1/namespaces/" + ns
        comps = []
        for c in range(self.shape[2]):
            name = "%s-comp-%02d" % (proj, c)
            comp = self.make("comp", ns, name)
            comp["metadata"]["labels"]["openchoreo.dev/project"] = proj
            comp["metadata"]["annotations"]["openchoreo.dev/display-name"] = name
            comp["spec"]["owner"]["projectName"] = proj
            comp["spec"]["workflow"]["parameters"]["repository"]["url"] = \
                "https://github.com/bench-org/" + name
            comps.append(comp)
            self.single[base + "/components/" + name] = comp
            self.ncomp += 1
            self.lists["%s/workloads?component=%s" % (base, name)] = [
                self.workload(ns, proj, name, self.ncomp % self.shape[3] == 0)]
        self.lists["%s/components?project=%s" % (base, proj)] = comps

    def workload(self, ns, proj, comp, api):
        wl = self.make("wl", ns, comp + "-workload")
        wl["metadata"]["labels"] = {"openchoreo.dev/component": comp,
                                    "openchoreo.dev/project": proj}
        wl["spec"]["owner"] = {"componentName": comp, "projectName": proj}
        wl["spec"]["dependencies"] = {"endpoints": []}
        if not api:
            del wl["spec"]["endpoints"]["http"]["schema"]
        return wl

    def counts(self):
        n, p, c, _ = self.shape
        apis = sum(1 for k, v in self.lists.items() if "/workloads?" in k
                   and "schema" in v[0]["spec"]["endpoints"]["http"])
        return {"Domain": n, "Environment": 3 * n, "Dataplane": n, "DeploymentPipeline": n,
                "System": n * p, "Component": n * p * c, "API": apis, "ComponentType": n,
                "Template": n}

    def answer(self, path, query):
        """(status, body bytes) for a GET, or None when the world has no
        such resource (the fixtures answer then)."""
        key = path
        for k in ("project", "component"):
            if k in query:
                key = "%s?%s=%s" % (path, k, query[k])
                break
        if key in self.lists:
            return 200, self.page(self.lists[key], query)
        got = self.single.get(path)
        if got is None:
            return None
        return 200, got if isinstance(got, bytes) else wire(got)

    @staticmethod
    def page(items, query):
        try:
            limit = min(max(int(query.get("limit", "20")), 1), 100)
            start = int(query.get("cursor", "0") or 0)
        except ValueError:
            return wire({"code": "BAD_REQUEST", "error": "bad limit or cursor"})
        nxt = start + limit
        pag = {"nextCursor": str(nxt)} if nxt < len(items) else {}
        return wire({"items": items[start:nxt], "pagination": pag})


def write_world(world, out, limit):
    """Every answer as a file under OUT, named after path and query as
    nginx's try_files "$uri@$args.json" looks it up: each list paged both
    as the plugin asks (`[extra&]limit=LIMIT[&cursor=N]`) and without a
    limit (the server's default 20, `[extra][&cursor=N]`), each single
    resource at `<path>@.json`.  Returns the number of files."""
    n = 0
    for key, items in world.lists.items():
        path, _, extra = key.partition("?")
        for lim, shown in ((limit, True), (20, False)):
            for start in range(0, max(len(items), 1), lim):
                args = [a for a in (extra, "limit=%d" % lim if shown else "",
                                    "cursor=%d" % start if start else "") if a]
                body = World.page(items, {"limit": str(lim), "cursor": str(start)})
                n += put(out, "%s@%s.json" % (path, "&".join(args)), body)
    for path, got in world.single.items():
        n += put(out, path + "@.json", got if isinstance(got, bytes) else wire(got))
    return n


def put(out, name, body):
    """Write one answer atomically (a reader sees the old or the new file)."""
    dest = os.path.join(out, name.lstrip("/"))
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest + ".tmp", "wb") as f:
        f.write(body)
    os.replace(dest + ".tmp", dest)
    return 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--namespaces", type=int, default=50)
    ap.add_argument("--projects", type=int, default=20)
    ap.add_argument("--components", type=int, default=10)
    ap.add_argument("--api-every", type=int, default=10)
    ap.add_argument("--limit", type=int, default=100, help="the plugin's page_limit")
    ap.add_argument("--print-counts", action="store_true")
    ap.add_argument("--write", metavar="DIR")
    args = ap.parse_args()
    world = World(args.namespaces, args.projects, args.components, args.api_every)
    if args.print_counts:
        print(json.dumps(world.counts()))
    if args.write:
        print(write_world(world, args.write, args.limit), "files in", args.write, file=sys.stderr)


if __name__ == "__main__":
    main()
