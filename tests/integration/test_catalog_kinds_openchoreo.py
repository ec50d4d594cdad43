"""Integration test of the catalog's OpenChoreo kinds behind [features]
openchoreo (docs/catalog.md "OpenChoreo kinds"; openchoreo-provider.md §3),
through POST /api/catalog/validate-entity, which runs the same processing
as the refresh task: off (the stack's default), a custom kind is an unknown
kind; on, it validates, and a notification channel failing §2.10's checks
gets the processor's error.  The relations themselves are checked through a
full sync in test_openchoreo.py and entity by entity in the unit suite
check_catalog_kinds_openchoreo."""

import json
import os

import itest
from itest import check, check_json, test
from ocworld import ini, plugin_on, standin
from test_catalog_routes import LOCATION, post

ENTITIES = os.path.join(itest.REPO, "tests", "data", "openchoreo", "entities")


def entity(name):
    with open(os.path.join(ENTITIES, name)) as f:
        return json.load(f)


def check_invalid(ent, message):
    r = post("/validate-entity", {"entity": ent, "location": LOCATION})
    check(r.status == 400, "status %d %r" % (r.status, r.body[:300]))
    check_json(r, {"errors": [{"name": "InputError", "message": message}]})


def check_valid(ent):
    r = post("/validate-entity", {"entity": ent, "location": LOCATION})
    check(r.status == 200, "%s: %d %r" % (ent["kind"], r.status, r.body[:300]))


@test
def catalog_openchoreo_kinds_gate():
    env = entity("environment.oracle.production.json")
    channel = entity("observabilityalertsnotificationchannel.oracle.oncall-webhook.json")
    no_env = json.loads(json.dumps(channel))
    del no_env["spec"]["environment"]
    check_invalid(env, "No processor recognized the entity environment:oracle/production as "
                  "valid, possibly caused by a foreign kind or apiVersion")
    # The built-in kinds carry OpenChoreo's fields either way.
    check_valid(entity("system.oracle.checkout.json"))
    s = standin()
    try:
        with plugin_on(ini(s.url)):
            for name in ("environment.oracle.production.json", "dataplane.oracle.default.json",
                         "clusterworkflow.openchoreo-cluster.docker-build.json",
                         "template.oracle.template-service.json"):
                check_valid(entity(name))
            check_valid(channel)
            check_invalid(no_env, "Processor ObservabilityAlertsNotificationChannelEntity"
                          "Processor threw an error while postprocessing; caused by Error: "
                          "ObservabilityAlertsNotificationChannel entity must have "
                          "spec.environment")
    finally:
        s.stop()
    check_invalid(env, "No processor recognized the entity environment:oracle/production as "
                  "valid, possibly caused by a foreign kind or apiVersion")
