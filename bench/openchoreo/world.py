#!/usr/bin/env python3
"""A large OpenChoreo world for bench/openchoreo/sync.sh, served by the
stand-in: tests/stubs/standin.py's handler (request record, run-time
routes, misbehaviour and the fixtures of --fixtures dirs: the token
endpoint, the 401 without a token, the empty catch-all) with the world's
own answers in dynamic(), looked up by path in a dict, since the fixture
scan of thousands of entries per request would be the bench's bottleneck.

The world is made from the recorded fixtures' items (renamed, same shape):
NS namespaces, each with 3 environments, a DataPlane, a
DeploymentPipeline, the ComponentType `service` (its schema call),
PROJECTS projects of COMPONENTS components each; every component has one
workload with an HTTP endpoint, and every API_EVERY-th endpoint carries an
OpenAPI schema (an API entity).  Lists page as the server does (limit 1..100,
default 20, opaque cursor, last page "pagination":{}).

    world.py --namespaces 50 --projects 20 --components 10 [--api-every 10]
             --fixtures DIR ... --port 0 --port-file FILE

`POST /_world/title` with {"namespace","component","title"} changes a
component's display name upstream (the event latency run); it is recorded
like any request.  `--print-counts` prints the entities a full sync makes,
by Backstage kind, as JSON, and exits."""

import argparse
import copy
import json
import os
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RECORDED = os.path.join(REPO, "tests", "data", "upstream", "openchoreo")
sys.path.insert(0, os.path.join(REPO, "tests", "stubs"))
import standin  # noqa: E402


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


class Handler(standin.StandinHandler):
    world = None

    def setup(self):
        """No Nagle: an answer is two writes (head, body), and on a kept-alive
        connection the body would wait for the client's delayed ACK (40 ms)."""
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def dynamic(self, rq):
        if rq.method == "POST" and rq.path == "/_world/title":
            want = json.loads(rq.body)
            comp = self.world.single["/api/v1/namespaces/%s/components/%s" % (
                want["namespace"], want["component"])]
            comp["metadata"]["annotations"]["openchoreo.dev/display-name"] = want["title"]
            self.send_bytes(204, [], b"")
            return True
        # No token: the recorded 401 MISSING_TOKEN (a fixture) answers.
        if rq.method != "GET" or "authorization" not in rq.headers:
            return False
        got = self.world.answer(rq.path, rq.query)
        if got is None:
            return False
        self.send_bytes(got[0], [("content-type", "application/json")], got[1])
        return True


def main():
    ap = standin.add_server_args(argparse.ArgumentParser(description=__doc__.split("\n")[0]))
    ap.add_argument("--namespaces", type=int, default=50)
    ap.add_argument("--projects", type=int, default=20)
    ap.add_argument("--components", type=int, default=10)
    ap.add_argument("--api-every", type=int, default=10)
    ap.add_argument("--print-counts", action="store_true")
    args = ap.parse_args()
    Handler.world = World(args.namespaces, args.projects, args.components, args.api_every)
    if args.print_counts:
        print(json.dumps(Handler.world.counts()))
        return
    standin.serve(args, Handler)


if __name__ == "__main__":
    main()
