"""Integration test of the openchoreo plugin's hand-written Templates (spec
openchoreo-provider.md §2.18, last paragraph; §1.2): a ComponentType with
scaffolder.openchoreo.dev/backstage-template-url gets the Template read
from that URL instead of a generated one (and no /schema call), only when
[openchoreo] template_url_allow lets the sync read it; without the rule
nothing is read and the type has no Template, the rest of the world is
synced as always."""

import json
import time

from itest import check, test, wait_for
import ocworld as oc
from ocworld import by_name, fixture_json, ini, list_body, plugin_on, route_json, standin, \
    wait_sync

CT_LIST = "/api/v1/namespaces/oracle/componenttypes"
SCHEMA = CT_LIST + "/service/schema"
YAML_PATH = "/templates/service.yaml"
URL_KEY = "scaffolder.openchoreo.dev/backstage-template-url"
TEMPLATE = "template:oracle/template-service"
GENERATED = "template:oracle/template-web-application"
YAML = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: authored-service
  title: Service, the team's way
  annotations:
    team: platform
spec:
  owner: group:default/platform
  type: service
  steps: []
"""


def serve_world(s):
    """The recorded ComponentTypes, `service` pointing at the stand-in's YAML."""
    items = fixture_json("componenttypes.oracle.json")["items"]
    items[0]["metadata"]["annotations"][URL_KEY] = s.url + YAML_PATH
    route_json(s, CT_LIST, list_body(items), query={"limit": "100"})
    s.add_route({"method": "GET", "path": YAML_PATH, "status": 200, "body_text": YAML,
                 "headers": {"content-type": "text/yaml"}})


def calls_to(s, path):
    return [r for r in s.requests() if r["path"] == path]


def remote_template_read(s):
    host = s.url.split("://", 1)[1]
    t0 = time.time()
    with plugin_on(ini(s.url, template_url_allow=host)):
        wait_sync(t0, ok=True)
        # the catalog processes what the provider wrote in the background
        r = wait_for(lambda: (lambda r: r if r.status == 200 else None)(by_name(TEMPLATE)), 10,
                     0.2) or by_name(TEMPLATE)
        check(r.status == 200, "GET %s: %d %r" % (TEMPLATE, r.status, r.body[:300]))
        md = r.json()["metadata"]
        ann = md.get("annotations", {})
        url = s.url + YAML_PATH
        check(md.get("title") == "Service, the team's way", "title %r" % md.get("title"))
        want = {"team": "platform", "openchoreo.io/ctd-name": "service",
                "openchoreo.io/ctd-generated": "false", URL_KEY: url,
                "backstage.io/managed-by-location": "url:" + url,
                "backstage.io/managed-by-origin-location": "url:" + url,
                "openchoreo.io/workload-type": "deployment"}
        check(all(ann.get(k) == v for k, v in want.items()),
              "annotations %s" % json.dumps(ann, indent=1))
        check(by_name(GENERATED).status == 200, "the generated template of web-application")
        check(calls_to(s, YAML_PATH), "the template URL was never read")
        check(not calls_to(s, SCHEMA), "the schema of a type with a remote template was read")
        # A read that fails later is a failed call: the run is abandoned
        # and the Template read before stays (upstream drops it).
        s.add_route({"method": "GET", "path": YAML_PATH, "status": 500,
                     "body_text": "boom", "headers": {"content-type": "text/plain"}})
        t1 = time.time()
        last = wait_sync(t1, ok=False)
        check("remote template of componenttype oracle/service" in (last.get("error") or ""),
              "the failed run's error: %r" % last.get("error"))
        check(by_name(TEMPLATE).status == 200, "the Template went with a failed read")


def remote_template_not_allowed(s):
    t0 = time.time()
    with plugin_on(ini(s.url)):
        wait_sync(t0, ok=True)
        check(wait_for(lambda: by_name("componenttype:oracle/service").status == 200, 10, 0.2),
              "componenttype service")
        check(by_name(TEMPLATE).status == 404, "a Template for service without the rule")
        check(by_name(GENERATED).status == 200, "the generated template of web-application")
        check(not calls_to(s, YAML_PATH), "the template URL was read without a rule")


@test
def openchoreo_remote_template():
    oc.need_plugin()
    s = standin()
    try:
        serve_world(s)
        remote_template_read(s)
        s.reset()
        serve_world(s)
        remote_template_not_allowed(s)
    finally:
        s.stop()
