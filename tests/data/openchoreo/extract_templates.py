#!/usr/bin/env python3
"""Writes the template test data of spec openchoreo-provider.md §2.18.

    python3 tests/data/openchoreo/extract_templates.py [SHARED_DIR]

SHARED_DIR defaults to ../shared beside the clone.  Writes, under
tests/data/openchoreo/:

  expected/template.<name>.json  the Templates the generator must produce:
      the spec's three full examples as printed (service, resource-redis,
      project-standard), and the variants the spec describes only as a
      difference (web-application, worker, the cluster resource and project
      templates), built here from a full example by exactly the differences
      the spec's text lists (each one commented below);
  templates/<input>.json  the inputs no other script writes: the schema the
      spec gives the synthetic ResourceType, and that ResourceType and the
      synthetic ProjectType as their cluster kinds.

The other inputs are the fixture world (tests/data/upstream/openchoreo/)
and the synthetic inputs extract.py writes (input/).
Nothing is typed by hand: rerun it when the spec changes and commit the diff.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(REPO), "shared")
SPEC = os.path.join(SHARED, "spec", "openchoreo-provider.md")
FIXTURES = os.path.join(REPO, "tests", "data", "upstream", "openchoreo")
EXPECTED = os.path.join(HERE, "expected")
INPUTS = os.path.join(HERE, "templates")
CLUSTER_NS = "openchoreo-cluster"


def section(text, start, end):
    i = text.index(start)
    return text[i:text.index(end, i + len(start))]


def json_blocks(text):
    return [m.group(1) for m in re.finditer(r"```json\n(.*?)\n```", text, re.S)]


def inline_after(text, label):
    """The `{...}` printed in backticks right after label."""
    m = re.search(re.escape(label) + r"\s*`(\{.*?\})`", text, re.S)
    if not m:
        sys.exit("extract_templates: no inline JSON after %r" % label)
    return m.group(1)


def load(s):
    return json.loads(s)


def write(directory, name, text):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "w", encoding="utf-8") as f:
        f.write(text if text.endswith("\n") else text + "\n")


def dump(obj):
    return json.dumps(obj, indent=2, ensure_ascii=False)


def params_props(tmpl, section_no):
    return tmpl["spec"]["parameters"][section_no]["properties"]


def web_application(service, schema):
    """§2.18: "template-web-application (same files) differs only in" ..."""
    t = json.loads(json.dumps(service))
    # the name rule of §2.0 (template-{ct}) and the ctd-name annotation of
    # the table: the spec's list of differences takes these two as given
    t["metadata"]["name"] = "template-web-application"
    t["metadata"]["annotations"]["openchoreo.io/ctd-name"] = "web-application"
    t["metadata"]["title"] = "Web Application"
    t["metadata"]["description"] = "A web front end served over HTTP"
    t["spec"]["parameters"][2]["title"] = "Web Application Details"
    opts = params_props(t, 2)["workloadDetails"]["ui:options"]
    opts["ctdDisplayName"] = "Web Application"
    opts["ctdSchema"] = schema
    t["spec"]["steps"][0]["input"]["componentType"] = "web-application"
    return t


def worker(service, partial):
    """§2.18 "Cluster variant — from the synthetic ClusterComponentType"."""
    t = json.loads(json.dumps(service))
    t["metadata"] = partial["metadata"]
    meta = params_props(t, 0)["project_namespace"]
    meta["ui:options"] = partial["project_namespace.ui:options"]
    bad = params_props(t, 1)["buildAndDeploy"]["properties"]
    bad["workflow_name"]["ui:options"] = partial["workflow_name.ui:options"]
    bad["workflow_parameters"]["ui:options"] = partial["workflow_parameters.ui:options"]
    # "the ... namespaceName options = {ns} ("" for cluster templates)": the
    # partial example leaves git_source out, the rule covers it
    bad["git_source"]["ui:options"]["namespaceName"] = ""
    params_props(t, 2)["workloadDetails"]["ui:options"] = partial["workloadDetails.ui:options"]
    # "section 3 title "{title} Details"; step componentType = CT name"
    t["spec"]["parameters"][2]["title"] = partial["metadata"]["title"] + " Details"
    step = t["spec"]["steps"][0]["input"]
    step["componentType"] = partial["metadata"]["annotations"]["openchoreo.io/ctd-name"]
    step["component_type_kind"] = partial["steps[0].input.component_type_kind"]
    return t


def cluster_resource(redis):
    """§2.18 resource "Cluster variant: namespace openchoreo-cluster,
    rtd-kind/rtdKind/typeKind = ClusterResourceType, defaultNamespace = ""."""
    t = json.loads(json.dumps(redis))
    t["metadata"]["namespace"] = CLUSTER_NS
    t["metadata"]["annotations"]["openchoreo.io/rtd-kind"] = "ClusterResourceType"
    params_props(t, 0)["project_namespace"]["ui:options"]["defaultNamespace"] = ""
    params_props(t, 1)["parameters"]["ui:options"]["rtdKind"] = "ClusterResourceType"
    t["spec"]["steps"][0]["input"]["typeKind"] = "ClusterResourceType"
    return t


def cluster_project(standard):
    """§2.18 project "Cluster variant: namespace openchoreo-cluster,
    ptd-kind/ptdKind/typeKind = ClusterProjectType, and the namespace_name
    property has no default key"."""
    t = json.loads(json.dumps(standard))
    t["metadata"]["namespace"] = CLUSTER_NS
    t["metadata"]["annotations"]["openchoreo.io/ptd-kind"] = "ClusterProjectType"
    del params_props(t, 0)["namespace_name"]["default"]
    params_props(t, 1)["parameters"]["ui:options"]["ptdKind"] = "ClusterProjectType"
    t["spec"]["steps"][0]["input"]["typeKind"] = "ClusterProjectType"
    return t


def as_cluster(item, kind):
    """A namespaced synthetic input as its cluster-scoped kind (no namespace)."""
    c = json.loads(json.dumps(item))
    c["kind"] = kind
    c["metadata"].pop("namespace", None)
    return c


def main():
    with open(SPEC, encoding="utf-8") as f:
        spec = f.read()
    s218 = section(spec, "### 2.18 Generated scaffolder Templates", "\n## 3.")
    blocks = json_blocks(s218)
    if len(blocks) != 4:
        sys.exit("extract_templates: §2.18 has %d JSON blocks, expected 4" % len(blocks))
    service_text, partial_text, redis_text, standard_text = blocks

    with open(os.path.join(FIXTURES, "componenttype-schema.oracle.web-application.json")) as f:
        web_schema = json.load(f)

    s214 = section(spec, "### 2.14 ", "### 2.15 ")
    s215 = section(spec, "### 2.15 ", "### 2.16 ")
    redis_rt = inline_after(s214, "Synthetic input:")
    standard_pt = inline_after(s215, "Synthetic input:")
    write(INPUTS, "resourcetype-schema.redis.json", inline_after(s218, "+ schema"))
    write(INPUTS, "clusterresourcetype.redis.json",
          json.dumps(as_cluster(load(redis_rt), "ClusterResourceType"), separators=(",", ":")))
    write(INPUTS, "clusterprojecttype.standard.json",
          json.dumps(as_cluster(load(standard_pt), "ClusterProjectType"), separators=(",", ":")))

    write(EXPECTED, "template.service.json", service_text)
    write(EXPECTED, "template.resource-redis.json", redis_text)
    write(EXPECTED, "template.project-standard.json", standard_text)
    service = load(service_text)
    write(EXPECTED, "template.web-application.json", dump(web_application(service, web_schema)))
    write(EXPECTED, "template.worker.cluster.json", dump(worker(service, load(partial_text))))
    write(EXPECTED, "template.resource-redis.cluster.json",
          dump(cluster_resource(load(redis_text))))
    write(EXPECTED, "template.project-standard.cluster.json",
          dump(cluster_project(load(standard_text))))


if __name__ == "__main__":
    main()
