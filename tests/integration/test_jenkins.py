"""Integration tests of the jenkins plugin (issue 16 items 1 and 4; spec
platform-apis §3) through nginx, against the stand-in Jenkins
(tests/stubs/standin.py serving tests/data/upstream/jenkins).  Each test
turns the plugin on in pool main with a drop-in and takes it off again, so
other tests see the stack they always saw.  Asserted: our exact JSON (key
order too) for every route, the requests the stand-in received (Basic
auth, referer, the tree parameters, no crumb on rebuild), every upstream
failure, named instances, a hostile job name, that the API key never
reaches the log, the override base URL and the extra headers reaching
the stand-in (and a refused override not), and the rebuild's
jenkins.execute permission."""

import base64
import contextlib
import json
import os
import sys
import urllib.parse

import itest
from itest import check, dev_ok, dropin, psql, request, stagehandd, test, wait_for, wait_status

sys.path.insert(0, os.path.join(itest.REPO, "tests", "stubs"))
from standin import StandIn  # noqa: E402

FIXTURES = os.path.join(itest.REPO, "tests", "data", "upstream", "jenkins")
DROPIN = "60-itest-jenkins.ini"
TOKEN = "test-user:jane"
SERVICE = "test-service:ci"
USER, KEY = "backstage", "itest-jenkins-key-Zq7w"
BASIC = "Basic " + base64.b64encode(("%s:%s" % (USER, KEY)).encode()).decode()
API = "/api/jenkins/v1/entity/default/component/"
JOB = ("actions[*],lastBuild[number,url,fullDisplayName,displayName,building,result,timestamp,"
       "duration,actions[*[*[*[*]]]]],jobs{0,1},url,name,fullName,displayName,fullDisplayName,"
       "inQueue")
BUILDS = "name,description,url,fullName,displayName,fullDisplayName,inQueue,builds[*]"
PROVIDER, LOCATION = "itest-jenkins", "provider:itest-jenkins"


# ---------------------------------------------------------------- helpers

def fixture(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as f:
        return f.read()


def fixture_json(name):
    return json.loads(fixture(name))


def ordered(value):
    """Compact text that keeps key order, for exact comparisons."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True)


def check_exact(r, want):
    check(r.status == 200, "%d %r" % (r.status, r.body[:300]))
    got = ordered(json.loads(r.body))
    check(got == ordered(want), "answer differs:\n got %s\nwant %s" % (got[:2000], ordered(want)[:2000]))


def key_file():
    """The API key in a file ([jenkins] api_key_file, as the dev stack's
    generated section has: api_key beside it would be a conflict)."""
    path = os.path.join(itest.VAR, "itest-jenkins-api-key")
    with open(path, "w") as f:
        f.write(KEY + "\n")
    return path


def ini(url, features="", extra="", **keys):
    """The drop-in: pool main with the plugin, [features] lines, [jenkins]
    with `keys` and the raw `extra` lines (repeated keys)."""
    conf = {"base_url": url, "username": USER, "api_key_file": key_file(), "timeout_ms": 1500}
    conf.update(keys)
    return ("[pool.main]\nplugins = shtest auth catalog jenkins\n\n[features]\njenkins = true\n"
            + features + "\n[jenkins]\n"
            + "".join("%s = %s\n" % kv for kv in conf.items() if kv[1] is not None) + extra)


@contextlib.contextmanager
def jenkins_on(text):
    """Pool main with the plugin as `text` configures it; afterwards without."""
    offset = itest.log_size()
    try:
        with itest.main_with(DROPIN, text):
            yield offset
    finally:
        check(KEY not in itest.log_since(offset), "the API key reached the log")


def call(path, method="GET", token=TOKEN):
    headers = {"Authorization": "Bearer " + token} if token else {}
    return request(method, API + path, headers=headers)


def seen(s):
    """(method, path, decoded query) of every request the stand-in got; then
    resets the stand-in (requests, run-time routes, misbehaviour)."""
    out = [(q["method"], urllib.parse.unquote(q["path"]),
            dict(urllib.parse.parse_qsl(q["query"] or ""))) for q in s.requests()]
    s.reset()
    return out


def build_add(build, source, tests=None, status=None):
    build["status"] = status or build["result"]
    build["source"] = source
    if tests:
        build["tests"] = tests


def project_add(project, status):
    project["status"] = status


# ---------------------------------------------------------------- expectations

GH = "https://github.com/oracle-org/checkout-service"
JK = "https://jenkins.example.com/job/oracle/job/checkout-service/job/"


def checkout_projects():
    jobs = fixture_json("projects.oracle-checkout-service.json")["jobs"]
    by = {j["name"]: j for j in jobs}
    build_add(by["PR-42"]["lastBuild"],
              {"branchName": "PR-42", "commit": {"hash": "7c41d2e0"}, "url": GH + "/pull/42",
               "displayName": "Speed up cart totals", "author": "Alice Anders"},
              {"total": 318, "passed": 312, "skipped": 2, "failed": 4,
               "testUrl": JK + "PR-42/3/testReport/"})
    project_add(by["PR-42"], "FAILURE")
    build_add(by["feature%2Ffaster-cart"]["lastBuild"],
              {"branchName": "feature/faster-cart", "commit": {"hash": "9a8b7c6d"},
               "url": GH + "/tree/feature/faster-cart", "displayName": None}, status="running")
    project_add(by["feature%2Ffaster-cart"], "running")
    build_add(by["main"]["lastBuild"],
              {"branchName": "main", "commit": {"hash": "e3b1c4d9"}, "url": GH + "/tree/main",
               "displayName": None},
              {"total": 318, "passed": 316, "skipped": 2, "failed": 0,
               "testUrl": JK + "main/42/testReport/"})
    project_add(by["main"], "SUCCESS")
    return {"projects": jobs}


def check_sent(s, want):
    got = seen(s)
    check(got == want, "the stand-in saw\n %r\nwant\n %r" % (got, want))


# ---------------------------------------------------------------- tests

def projects_routes(s):
    check_exact(call("checkout-service/projects"), checkout_projects())
    reqs = s.requests()
    check(len(reqs) == 1 and reqs[0]["headers"].get("authorization") == BASIC,
          "Basic auth: %r" % [q["headers"].get("authorization") for q in reqs])
    check(reqs[0]["headers"].get("referer") == s.url + "/", "referer: %r" % reqs[0]["headers"])
    check_sent(s, [("GET", "/job/oracle/job/checkout-service/api/json",
                    {"tree": "jobs[%s]{0,50}" % JOB})])

    inv = fixture_json("projects.oracle-invoice-service.json")
    build_add(inv["lastBuild"], {"branchName": "refs/remotes/origin/main",
                                 "commit": {"hash": "41c0ffee"}},
              {"total": 212, "passed": 209, "skipped": 0, "failed": 3,
               "testUrl": "https://jenkins.example.com/job/oracle/job/invoice-service/118/testReport/"})
    project_add(inv, "UNSTABLE")
    check_exact(call("invoice-service/projects"), {"projects": [inv]})
    path = "/job/oracle/job/invoice-service/api/json"
    check_sent(s, [("GET", path, {"tree": "jobs[%s]{0,50}" % JOB}),
                   ("GET", path, {"tree": JOB + "{0,50}"})])

    lib = fixture_json("projects.oracle-libs-money-lib.json")["jobs"]
    for p in lib:
        p["lastBuild"] = None
        project_add(p, "queued")
    check_exact(call("money-lib/projects"), {"projects": lib})
    check_sent(s, [("GET", "/job/oracle/job/libs/job/money-lib/api/json",
                    {"tree": "jobs[%s]{0,50}" % JOB})])


def branch_filter(s):
    main = fixture_json("project.oracle-checkout-service-main.json")
    build_add(main["lastBuild"],
              {"branchName": "main", "commit": {"hash": "e3b1c4d9"}, "url": GH + "/tree/main",
               "displayName": None},
              {"total": 318, "passed": 316, "skipped": 2, "failed": 0,
               "testUrl": JK + "main/42/testReport/"})
    project_add(main, "SUCCESS")
    check_exact(call("checkout-service/projects?branch=nope,main"), {"projects": [main]})
    base = "/job/oracle/job/checkout-service/job/"
    check_sent(s, [("GET", base + "nope/api/json", {"tree": JOB}),
                   ("GET", base + "main/api/json", {"tree": JOB})])
    r = call("checkout-service/projects?branch=nope")
    check(r.status == 404, "no such branch: %r" % r)
    r = call("checkout-service/projects?branch=a&branch=b")
    check(r.status == 400 and b"branch queryString" in r.body, "two branch keys: %r" % r)
    s.reset()


def job_routes(s):
    name = "oracle%2Fcheckout-service%2Fmain"
    check_exact(call("checkout-service/job/" + name),
                {"build": fixture_json("job-builds.oracle-checkout-service-main.json")})
    base = "/job/oracle/job/checkout-service/job/main"
    check_sent(s, [("GET", base + "/api/json", {"tree": BUILDS})])

    build = fixture_json("build.oracle-checkout-service-PR-42-3.json")
    build_add(build, {"branchName": "PR-42", "commit": {"hash": "7c41d2e0"},
                      "url": GH + "/pull/42", "displayName": "Speed up cart totals",
                      "author": "Alice Anders"},
              {"total": 318, "passed": 312, "skipped": 2, "failed": 4,
               "testUrl": JK + "PR-42/3/testReport/"})
    check_exact(call("checkout-service/job/oracle%2Fcheckout-service%2FPR-42/3"), {"build": build})
    pr = "/job/oracle/job/checkout-service/job/PR-42"
    check_sent(s, [("GET", pr + "/api/json", {"depth": "1"}), ("GET", pr + "/3/api/json", {})])

    check_exact(call("checkout-service/job/%s/42/consoleText" % name),
                {"consoleText": fixture("consoleText.oracle-checkout-service-main-42.txt")})
    check_sent(s, [("GET", base + "/42/consoleText", {})])

    r = call("checkout-service/job/%s/42" % name, method="POST", token=SERVICE)
    check(r.status == 200 and json.loads(r.body) == {}, "rebuild: %r" % r)
    reqs = s.requests()
    check([(q["method"], q["path"]) for q in reqs] == [("POST", base + "/42/replay/rebuild")],
          "rebuild sent %r" % [(q["method"], q["path"]) for q in reqs])
    hdrs = reqs[0]["headers"]
    check(hdrs.get("authorization") == BASIC and "jenkins-crumb" not in hdrs,
          "rebuild headers: %r" % sorted(hdrs))
    s.reset()


def refusals(s):
    """What never reaches Jenkins, and what Jenkins' 404 becomes."""
    r = request("GET", "/api/jenkins/v1/entity/risk/component/fraud-detector/projects",
                headers={"Authorization": "Bearer " + TOKEN})
    check(r.status == 404 and json.loads(r.body)["error"]["message"]
          == "Jenkins has nothing at job/oracle/job/risk/job/fraud-detector/api/json",
          "Jenkins' 404: %r" % r)
    check_sent(s, [("GET", "/job/oracle/job/risk/job/fraud-detector/api/json",
                    {"tree": "jobs[%s]{0,50}" % JOB})])
    for path, status in [("fraud-detector/projects", 404),    # not in namespace default
                         ("nobody/projects", 404),            # no such entity
                         ("checkout-service/job/..%2F..%2Fscript", 404),
                         ("checkout-service/job/oracle%2Fcheckout-service%2F..%2F..%2Fscript/1",
                          400),
                         ("checkout-service/job/oracle%2Fcheckout-service%2Fmain/1x", 400)]:
        r = call(path)
        check(r.status == status, "%s: %r" % (path, r))
        check(json.loads(r.body)["error"]["name"] in ("NotFoundError", "InputError"),
              "%s: %r" % (path, r.body))
    check_sent(s, [])
    r = call("checkout-service/projects", token=None)
    check(r.status == 401, "no credentials: %r" % r)


@test
def test_jenkins_routes():
    with StandIn(fixtures=[FIXTURES], log=os.path.join(itest.LOG, "stub-jenkins.log")) as s:
        with jenkins_on(ini(s.url)):
            s.reset()
            projects_routes(s)
            branch_filter(s)
            job_routes(s)
            refusals(s)


def failure(s, rule, status, text, route=None):
    s.reset()
    if route:
        s.add_route(route)
    else:
        s.misbehave(rule)
    r = call("checkout-service/projects")
    body = json.loads(r.body) if r.body.startswith(b"{") else {}
    msg = body.get("error", {}).get("message", "")
    check(r.status == status and text in msg, "%r: %d %r" % (rule or route, r.status, r.body[:300]))
    s.reset()


@test
def test_jenkins_upstream_failures():
    with StandIn(fixtures=[FIXTURES], log=os.path.join(itest.LOG, "stub-jenkins.log")) as s:
        with jenkins_on(ini(s.url, max_body=4096)):
            failure(s, None, 502, "Invalid password/token for user: backstage",
                    route={"path": "*", "status": 401, "fixture": "jenkins/error-401"})
            failure(s, {"mode": "status", "status": 403}, 502, "refused the credentials (403")
            failure(s, {"mode": "status", "status": 500}, 502, "answered 500")
            failure(s, {"mode": "stall", "seconds": 5}, 504, "did not answer in time")
            failure(s, {"mode": "reset"}, 502, "Could not reach")
            failure(s, {"mode": "malformed"}, 502, "malformed JSON")
            failure(s, None, 502, "more than the cap",
                    route={"path": "*", "status": 200,
                           "headers": {"content-type": "application/json"},
                           "body_text": '{"jobs":[],"pad":"%s"}' % ("x" * 8192)})
            failure(s, None, 502, "malformed JSON",
                    route={"path": "*", "status": 200,
                           "headers": {"content-type": "application/json"},
                           "body_text": '["an array"]'})


def provide(entities):
    psql("SELECT * FROM catalog.provider_full_v1('%s', '%s', ARRAY[%s]::text[])"
         % (PROVIDER, LOCATION, ",".join("'%s'" % json.dumps(e) for e in entities)))


def component(name, annotations, owner="payments-team"):
    return {"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
            "metadata": {"name": name, "annotations": annotations},
            "spec": {"type": "service", "lifecycle": "production", "owner": owner}}


def provided(entities):
    """The provider's entities, once the catalog serves them all."""
    provide(entities)
    names = [e["metadata"]["name"] for e in entities]
    check(wait_for(lambda: all(visible(n) for n in names), 30), "the provided entities never showed")


def visible(name):
    out = psql("SELECT catalog.entity_by_ref_v1('component:default/%s') IS NOT NULL" % name)
    return out.strip() in ("t", "true")


@test
def test_jenkins_named_instances():
    """[jenkins.prod] is what "prod:<job>" picks; the default instance
    points nowhere, so only the named one can answer."""
    ann = "jenkins.io/job-full-name"
    provide([component("itest-jk-prod", {ann: "prod:oracle/checkout-service"}),
             component("itest-jk-mixed", {ann: "prod:oracle/a, oracle/b"}),
             component("itest-jk-unknown", {ann: "staging:oracle/checkout-service"}),
             component("itest-jk-legacy", {"jenkins.io/github-folder": "prod:oracle/libs/money-lib",
                                           ann: "prod:oracle/checkout-service"})])
    try:
        check(wait_for(lambda: all(visible(n) for n in ("itest-jk-prod", "itest-jk-mixed",
                                                         "itest-jk-unknown", "itest-jk-legacy")),
                       30), "the provided entities never showed")
        with StandIn(fixtures=[FIXTURES], log=os.path.join(itest.LOG, "stub-jenkins.log")) as s:
            text = ini("http://127.0.0.1:9", username=None) + \
                "\n[jenkins.prod]\nbase_url = %s/\nusername = %s\napi_key_file = %s\n" \
                "project_count_limit = 7\n" % (s.url, USER, key_file())
            with jenkins_on(text):
                s.reset()
                s.add_route({"method": "GET", "path": "/job/oracle/job/checkout-service/api/json",
                             "query": {"tree": "jobs[%s]{0,7}" % JOB},
                             "fixture": "jenkins/projects-checkout-service"})
                r = call("itest-jk-prod/projects")
                check(r.status == 200 and len(r.json()["projects"]) == 3, "prod: %r" % r)
                reqs = s.requests()
                check(reqs[0]["headers"].get("authorization") == BASIC, "prod's Basic auth")
                check_sent(s, [("GET", "/job/oracle/job/checkout-service/api/json",
                                {"tree": "jobs[%s]{0,7}" % JOB})])
                s.add_route({"method": "GET", "path": "/job/oracle/job/libs/job/money-lib/api/json",
                             "query": {"tree": "jobs[%s]{0,7}" % JOB},
                             "fixture": "jenkins/projects-money-lib"})
                r = call("itest-jk-legacy/projects")
                check(r.status == 200 and r.json()["projects"][0]["status"] == "queued",
                      "the legacy annotation wins: %r" % r)
                for name, text in [("itest-jk-mixed", "same Jenkins instance"),
                                   ("itest-jk-unknown", "with name staging")]:
                    r = call(name + "/projects")
                    check(r.status == 500 and text in r.json()["error"]["message"],
                          "%s: %r" % (name, r))
    finally:
        provide([])


@test
def test_jenkins_env_and_secret():
    """JENKINS_* override [jenkins]; --check-config never shows the key."""
    env = {"JENKINS_BASE_URL": "https://jenkins.env.example", "JENKINS_USERNAME": "env-user",
           "JENKINS_API_KEY": KEY}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        with itest.dropin(DROPIN, ini("http://127.0.0.1:9", username="file-user")):
            rc, out, err = itest.stagehandd("--check-config")
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    check(rc == 0, "check-config: %d %s" % (rc, err))
    check("https://jenkins.env.example" in out and "env-user" in out, "env ignored:\n%s" % out)
    check(KEY not in out and KEY not in err, "the key shows in --check-config")


@test
def test_jenkins_named_sections_checked():
    """[jenkins.<name>] is validated with the plugin's keys: a typo there
    stops start-up naming the section, as in [jenkins]."""
    text = ini("http://127.0.0.1:9") + "\n[jenkins.prod]\nbase_url = http://127.0.0.1:9\n"
    with itest.dropin(DROPIN, text):
        rc, out, err = itest.stagehandd("--check-config")
    check(rc == 0 and "[jenkins.prod]" in out, "a good named section: %d %s" % (rc, err))
    for bad, why in [("bogus = 1", "unknown key in [jenkins.prod]"),
                     ("base_url = ftp://x", "base_url"),
                     ("project_count_limit = 0", "project_count_limit")]:
        with itest.dropin(DROPIN, text + bad + "\n"):
            rc, out, err = itest.stagehandd("--check-config")
        check(rc != 0 and why in err, "%s: %d %s" % (bad, rc, err))


ANN, OVERRIDE = "jenkins.io/job-full-name", "jenkins.io/override-base-url"
SECRET = "itest-proxy-s3cret-Hv2"
MAIN = "oracle%2Fcheckout-service%2Fmain"


def stand_in():
    return StandIn(fixtures=[FIXTURES], log=os.path.join(itest.LOG, "stub-jenkins.log"))


def extra_headers_checked(q, url):
    h = q["headers"]
    check(h.get("x-team") == "payments" and h.get("x-proxy-token") == SECRET,
          "extra headers: %r" % sorted(h.items()))
    check(h.get("authorization") == BASIC and h.get("referer") == url + "/",
          "auth and referer: %r" % sorted(h))


@test
def test_jenkins_override_and_headers():
    """jenkins.io/override-base-url replaces base_url only when the
    instance's regex accepts it (else base_url, as upstream); every call,
    the rebuild too, carries extra_request_headers (a configured
    Authorization or Referer replaces ours), which neither the log nor
    --check-config shows."""
    with stand_in() as base, stand_in() as other:
        regex = "^%s/?$" % other.url.replace(".", "\\.")
        provided([component("itest-jk-override", {ANN: "oracle/checkout-service",
                                                  OVERRIDE: other.url + "/"}),
                  component("itest-jk-override-bad", {ANN: "oracle/checkout-service",
                                                      OVERRIDE: other.url + "/evil"}),
                  component("itest-jk-proxy", {ANN: "proxy:oracle/checkout-service"})])
        extra = ("allowed_base_url_override_regex = %s\nextra_request_headers = X-Team: payments\n"
                 "extra_request_headers = X-Proxy-Token: %s\n" % (regex, SECRET))
        # a configured Authorization and Referer replace ours (upstream's spread)
        extra += ("\n[jenkins.proxy]\nbase_url = %s\nusername = %s\napi_key_file = %s\n"
                  "extra_request_headers = Authorization: Bearer %s\n"
                  "extra_request_headers = Referer: https://portal.example/\n"
                  % (other.url, USER, key_file(), SECRET))
        try:
            with jenkins_on(ini(base.url, extra=extra)) as offset:
                base.reset(), other.reset()
                r = call("itest-jk-override/projects")
                check(r.status == 200 and len(r.json()["projects"]) == 3, "override: %r" % r)
                check(base.requests() == [], "base_url was asked: %r" % base.requests())
                extra_headers_checked(other.requests()[0], other.url)
                check_sent(other, [("GET", "/job/oracle/job/checkout-service/api/json",
                                    {"tree": "jobs[%s]{0,50}" % JOB})])
                r = call("itest-jk-override/job/%s/42" % MAIN, method="POST", token=SERVICE)
                check(r.status == 200, "rebuild through the override: %r" % r)
                extra_headers_checked(other.requests()[0], other.url)
                check_sent(other, [("POST", "/job/oracle/job/checkout-service/job/main/42/"
                                    "replay/rebuild", {})])
                r = call("itest-jk-override-bad/projects")
                check(r.status == 200, "refused override: %r" % r)
                check(other.requests() == [], "a refused override was asked")
                extra_headers_checked(base.requests()[0], base.url)
                base.reset()
                r = call("itest-jk-proxy/projects")
                h = other.requests()[0]["headers"] if r.status == 200 else {}
                check(h.get("authorization") == "Bearer " + SECRET
                      and h.get("referer") == "https://portal.example/" and "x-team" not in h,
                      "configured Authorization and Referer: %r %r" % (r, sorted(h)))
                other.reset()
                check(SECRET not in itest.log_since(offset), "an extra header reached the log")
            with dropin(DROPIN, ini(base.url, extra=extra)):
                rc, out, err = stagehandd("--check-config")
            check(rc == 0 and "extra_request_headers = <redacted>" in out and SECRET not in out,
                  "check-config: %d %s %s" % (rc, out[-600:], err[-300:]))
        finally:
            provide([])


@test
def test_jenkins_rebuild_permission():
    """jenkins.execute: with [features] auth and authz on, a user who owns
    the entity or a service may rebuild, another user gets 403
    NotAllowedError and Jenkins hears nothing; authz off lets any caller
    (and extra_request_headers_file gives its headers one a line)."""
    provided([component("itest-jk-owned", {ANN: "oracle/checkout-service"},
                        owner="user:default/jane")])
    rebuild = "/job/oracle/job/checkout-service/job/main/42/replay/rebuild"
    try:
        with stand_in() as s:
            with jenkins_on(ini(s.url)):
                s.reset()
                for token in (TOKEN, "test-user:bob"):
                    r = call("checkout-service/job/%s/42" % MAIN, method="POST", token=token)
                    body = r.json() if r.body.startswith(b"{") else {}
                    check(r.status == 403 and body.get("error", {}).get("name") == "NotAllowedError"
                          and "jenkins.execute" in body["error"]["message"]
                          and body.get("response") == {"statusCode": 403},
                          "%s, not an owner: %r" % (token, r))
                check_sent(s, [])
                r = call("itest-jk-owned/job/%s/42" % MAIN, method="POST")
                check(r.status == 200 and r.json() == {}, "the owner: %r" % r)
                check_sent(s, [("POST", rebuild, {})])
                r = call("checkout-service/job/%s/42" % MAIN, method="POST", token=SERVICE)
                check(r.status == 200, "a service: %r" % r)
                check_sent(s, [("POST", rebuild, {})])
                r = call("checkout-service/job/%s/42" % MAIN, method="POST", token=None)
                check(r.status == 401, "no credentials: %r" % r)
                r = call("checkout-service/job/%s" % MAIN)
                check(r.status == 200, "reading stays open to any user: %r" % r)
                s.reset()
            headers = os.path.join(itest.VAR, "itest-jenkins-headers")
            with open(headers, "w") as f:
                f.write("X-Team: payments\r\n\nX-Proxy-Token: %s\n" % SECRET)
            with jenkins_on(ini(s.url, features="authz = false\n",
                                extra="extra_request_headers_file = %s\n" % headers)):
                s.reset()
                r = call("checkout-service/job/%s/42" % MAIN, method="POST")
                check(r.status == 200, "authz off: %r" % r)
                extra_headers_checked(s.requests()[0], s.url)  # from the _file, one a line
                check_sent(s, [("POST", rebuild, {})])
    finally:
        provide([])


@test
def test_jenkins_bad_regex_or_header_stops_startup():
    """A regex ERE cannot compile (or JavaScript-only syntax), or a bad
    header, in [jenkins] or [jenkins.<name>] stops start-up naming it."""
    named = "\n[jenkins.prod]\nbase_url = http://127.0.0.1:9\n"
    cases = [("allowed_base_url_override_regex = ^https://(a$\n",
              "[jenkins] allowed_base_url_override_regex: invalid regex"),
             (named + "allowed_base_url_override_regex = ^https://ci\\d+$\n",
              "[jenkins.prod] allowed_base_url_override_regex: invalid regex: \\d and \\D"),
             ("extra_request_headers = X Bad: %s\n" % SECRET,
              "[jenkins] extra_request_headers: expected \"Name: value\""),
             (named + "extra_request_headers = Host: %s\n" % SECRET,
              "[jenkins.prod] extra_request_headers: Host is not a header to configure")]
    dev_ok("pool", "stop", "main")
    try:
        for extra, why in cases:
            with dropin(DROPIN, ini("http://127.0.0.1:9", extra=extra)):
                rc, out, err = stagehandd("--pool", "main", timeout=30)
            check(rc != 0 and why in err, "%r: rc %d, stderr %r" % (extra, rc, err[-600:]))
            check(SECRET not in err + out, "a header value in the error: %r" % err[-600:])
    finally:
        dev_ok("pool", "start", "main")
        wait_status("/api/shtest/public", 200)
