"""The core/v1 kinds beside Pods through kubectl v1.35 and the `kubernetes` Python client: PodTemplates,
ReplicationControllers (and their scale), LimitRanges (and what the LimitRanger admission does to the
Pods and claims created after them), ResourceQuotas (and their status), PersistentVolumes,
PersistentVolumeClaims, Endpoints, Nodes (cordon, taint, label), Bindings (pods/binding and the legacy
bindings resource), ComponentStatuses, the typed Secrets and immutable ConfigMaps.

Each kind: a manifest as the Kubernetes docs write it, read back with the defaults v1.35 sets
(pkg/apis/core/v1/defaults.go, the strategies' PrepareForCreate, default admission plugins), printed with
upstream's columns (pkg/printers/internalversion/printers.go), refused variants with the field paths and
messages of pkg/apis/core/validation (bad values rendered as JSON, as apimachinery's field.Error does), and
the subresources kubectl drives.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
from harness import Server, get_json, parse_table, refused
from kubernetes import client
from kubernetes.client.rest import ApiException

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
AGE = re.compile(r"^\d+s$|^\d+m\d*s?$")
POD_SPEC_DEFAULTS = {"dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "schedulerName": "default-scheduler",
                     "securityContext": {}, "terminationGracePeriodSeconds": 30}
CONTAINER_DEFAULTS = {"resources": {}, "terminationMessagePath": "/dev/termination-log",
                      "terminationMessagePolicy": "File"}


def names(server: Server, *args: str) -> list[str]:
    return [item["metadata"]["name"] for item in get_json(server, *args)["items"]]


def without_last_applied(meta: dict[str, Any]) -> dict[str, Any]:
    annotations = {k: v for k, v in meta.get("annotations", {}).items()
                   if k != "kubectl.kubernetes.io/last-applied-configuration"}
    return {**{k: v for k, v in meta.items() if k != "annotations"}, **({"annotations": annotations}
                                                                       if annotations else {})}


# -- PodTemplate ----------------------------------------------------------------------------------------

PODTEMPLATE = """
apiVersion: v1
kind: PodTemplate
metadata:
  name: nginx-template
  labels: {app: nginx}
template:
  metadata:
    labels: {app: nginx, tier: web}
  spec:
    containers:
    - name: nginx
      image: nginx:1.27
      ports: [{containerPort: 80}]
    - name: log-shipper
      image: fluent/fluent-bit
"""


def test_podtemplate(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "apply", "-f", "-", input=PODTEMPLATE)
    template = get_json(server, "-n", ns, "podtemplate", "nginx-template")
    assert template["metadata"]["generation"] == 1 and template["metadata"]["labels"] == {"app": "nginx"}
    assert template["template"]["metadata"] == {"labels": {"app": "nginx", "tier": "web"}}
    spec = template["template"]["spec"]
    assert {k: spec[k] for k in POD_SPEC_DEFAULTS} == POD_SPEC_DEFAULTS
    assert spec["containers"] == [
        {"name": "nginx", "image": "nginx:1.27", "imagePullPolicy": "IfNotPresent", **CONTAINER_DEFAULTS,
         "ports": [{"containerPort": 80, "protocol": "TCP"}]},
        {"name": "log-shipper", "image": "fluent/fluent-bit", "imagePullPolicy": "Always", **CONTAINER_DEFAULTS}]

    for wide in ((), ("-o", "wide")):  # no priority-1 columns: wide is the same table
        header, rows = parse_table(server.kubectl("-n", ns, "get", "podtemplates", *wide).stdout, spaced_headers=True)
        assert header == ["NAME", "CONTAINERS", "IMAGES", "POD LABELS"]
        assert rows == [{"NAME": "nginx-template", "CONTAINERS": "nginx,log-shipper",
                         "IMAGES": "nginx:1.27,fluent/fluent-bit", "POD LABELS": "app=nginx,tier=web"}]

    # A change to the template moves the generation; a label on the object does not.
    server.kubectl("-n", ns, "label", "podtemplate", "nginx-template", "team=web")
    assert get_json(server, "-n", ns, "podtemplate", "nginx-template")["metadata"]["generation"] == 1
    server.kubectl("-n", ns, "patch", "podtemplate", "nginx-template", "--type=json", "-p",
                   '[{"op":"replace","path":"/template/spec/containers/0/image","value":"nginx:1.28"}]')
    assert get_json(server, "-n", ns, "podtemplate", "nginx-template")["metadata"]["generation"] == 2

    bad = PODTEMPLATE.replace("nginx-template", "bad").replace("name: nginx\n", "name: Nginx\n").replace(
        "      image: fluent/fluent-bit\n", "").replace("  spec:\n", "  spec:\n    restartPolicy: Sometimes\n")
    assert refused(server, "-n", ns, "apply", "-f", "-", input=bad) == (
        'The PodTemplate "bad" is invalid: \n'
        '* template.spec.containers[0].name: Invalid value: "Nginx": a lowercase RFC 1123 label must consist of '
        "lower case alphanumeric characters or '-', and must start and end with an alphanumeric character "
        "(e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')\n"
        "* template.spec.containers[1].image: Required value\n"
        '* template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", '
        '"Never"\n')
    empty = "apiVersion: v1\nkind: PodTemplate\nmetadata: {name: empty}\ntemplate: {spec: {containers: []}}\n"
    assert refused(server, "-n", ns, "apply", "-f", "-", input=empty) == (
        'The PodTemplate "empty" is invalid: template.spec.containers: Required value\n')
    assert names(server, "-n", ns, "podtemplates") == ["nginx-template"]

    core = client.CoreV1Api(server.api)
    created = core.create_namespaced_pod_template(ns, {
        "metadata": {"name": "batch", "labels": {"app": "batch"}},
        "template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "job", "image": "busybox:1.36"}]}}})
    assert created.template.spec.containers[0].image_pull_policy == "IfNotPresent"
    assert created.template.spec.restart_policy == "Never" and created.metadata.generation == 1
    patched = core.patch_namespaced_pod_template("batch", ns, {"template": {"metadata": {"labels": {"v": "2"}}}})
    assert patched.metadata.generation == 2 and patched.template.metadata.labels == {"v": "2"}
    listed = core.list_namespaced_pod_template(ns, label_selector="app=batch")
    assert [t.metadata.name for t in listed.items] == ["batch"]
    assert core.read_namespaced_pod_template("batch", ns).template.spec.containers[0].name == "job"


# -- ReplicationController ------------------------------------------------------------------------------

REPLICATIONCONTROLLER = """
apiVersion: v1
kind: ReplicationController
metadata:
  name: nginx
spec:
  replicas: 3
  selector:
    app: nginx
  template:
    metadata:
      name: nginx
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx
        ports:
        - containerPort: 80
"""


def test_replicationcontroller_defaults_columns_and_scale(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "apply", "-f", "-", input=REPLICATIONCONTROLLER)
    rc = get_json(server, "-n", ns, "rc", "nginx")
    assert rc["metadata"]["labels"] == {"app": "nginx"} and rc["metadata"]["generation"] == 1
    assert (rc["spec"]["replicas"], rc["spec"]["selector"], rc["status"]) == (3, {"app": "nginx"}, {"replicas": 0})
    assert rc["spec"]["template"]["metadata"] == {"name": "nginx", "labels": {"app": "nginx"}}
    assert rc["spec"]["template"]["spec"]["containers"] == [
        {"name": "nginx", "image": "nginx", "imagePullPolicy": "Always", **CONTAINER_DEFAULTS,
         "ports": [{"containerPort": 80, "protocol": "TCP"}]}]
    # Without a selector, labels or replicas: all three come from the template (SetDefaults_ReplicationController).
    bare = {"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "redis"}, "spec": {
        "template": {"metadata": {"labels": {"app": "redis", "role": "cache"}},
                     "spec": {"containers": [{"name": "redis", "image": "redis:7"}]}}}}
    server.kubectl("-n", ns, "create", "-f", "-", input=json.dumps(bare))
    redis = get_json(server, "-n", ns, "rc", "redis")
    assert (redis["spec"]["replicas"], redis["spec"]["selector"], redis["metadata"]["labels"]) == (
        1, {"app": "redis", "role": "cache"}, {"app": "redis", "role": "cache"})

    header, rows = parse_table(server.kubectl("-n", ns, "get", "rc").stdout, spaced_headers=True)
    assert header == ["NAME", "DESIRED", "CURRENT", "READY", "AGE"]
    assert [[r[c] for c in header[:4]] for r in rows] == [["nginx", "3", "0", "0"], ["redis", "1", "0", "0"]]
    assert all(AGE.match(r["AGE"]) for r in rows)
    header, rows = parse_table(server.kubectl("-n", ns, "get", "rc", "-o", "wide").stdout, spaced_headers=True)
    assert header == ["NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]
    assert [[r[c] for c in header[5:]] for r in rows] == [["nginx", "nginx", "app=nginx"],
                                                          ["redis", "redis:7", "app=redis,role=cache"]]

    assert server.kubectl("-n", ns, "scale", "rc", "nginx", "--replicas=5").stdout == (
        "replicationcontroller/nginx scaled\n")
    rc = get_json(server, "-n", ns, "rc", "nginx")
    assert (rc["spec"]["replicas"], rc["metadata"]["generation"]) == (5, 2)
    scale = json.loads(server.kubectl("get", "--raw", f"/api/v1/namespaces/{ns}/replicationcontrollers/nginx/scale")
                       .stdout)
    assert scale == {"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": {
        "name": "nginx", "namespace": ns, "uid": rc["metadata"]["uid"],
        "resourceVersion": rc["metadata"]["resourceVersion"],
        "creationTimestamp": rc["metadata"]["creationTimestamp"]},
        "spec": {"replicas": 5}, "status": {"replicas": 0, "selector": "app=nginx"}}
    assert refused(server, "-n", ns, "patch", "rc", "nginx", "--subresource=scale", "--type=merge", "-p",
                   '{"spec":{"replicas":-1}}') == (
        'The Scale "nginx" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n')

    # The replication manager's view of the world, written to status; spec and status never cross.
    server.kubectl("-n", ns, "patch", "rc", "nginx", "--subresource=status", "--type=merge", "-p", json.dumps(
        {"spec": {"replicas": 9}, "status": {"replicas": 5, "fullyLabeledReplicas": 5, "readyReplicas": 4,
                                             "availableReplicas": 4, "observedGeneration": 2}}))
    _, rows = parse_table(server.kubectl("-n", ns, "get", "rc", "nginx").stdout, spaced_headers=True)
    assert [rows[0][c] for c in ("DESIRED", "CURRENT", "READY")] == ["5", "5", "4"]
    server.kubectl("-n", ns, "patch", "rc", "nginx", "--type=merge", "-p", '{"status":{"replicas":0}}')
    assert get_json(server, "-n", ns, "rc", "nginx")["status"]["replicas"] == 5
    assert refused(server, "-n", ns, "patch", "rc", "nginx", "--subresource=status", "--type=merge", "-p",
                   '{"status":{"readyReplicas":6}}') == (
        'The ReplicationController "nginx" is invalid: status.readyReplicas: Invalid value: 6: cannot be greater '
        "than status.replicas\n")


def test_replicationcontroller_refused_variants(server: Server, ns: str) -> None:
    mismatch = REPLICATIONCONTROLLER.replace("  selector:\n    app: nginx", "  selector:\n    app: web")
    assert refused(server, "-n", ns, "apply", "-f", "-", input=mismatch) == (
        'The ReplicationController "nginx" is invalid: spec.template.metadata.labels: Invalid value: '
        '{"app":"nginx"}: `selector` does not match template `labels`\n')
    on_failure = REPLICATIONCONTROLLER.replace("    spec:\n      containers", "    spec:\n      restartPolicy: "
                                               "OnFailure\n      activeDeadlineSeconds: 60\n      containers")
    assert refused(server, "-n", ns, "apply", "-f", "-", input=on_failure.replace("replicas: 3", "replicas: -1")) == (
        'The ReplicationController "nginx" is invalid: \n'
        "* spec.replicas: Invalid value: -1: must be greater than or equal to 0\n"
        '* spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"\n'
        "* spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicationController is "
        "not Supported\n")
    no_template = "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: x}\nspec: {selector: {app: x}}\n"
    assert refused(server, "-n", ns, "apply", "-f", "-", input=no_template) == (
        'The ReplicationController "x" is invalid: spec.template: Required value\n')
    assert names(server, "-n", ns, "rc") == []

    server.kubectl("-n", ns, "apply", "-f", "-", input=REPLICATIONCONTROLLER)
    assert refused(server, "-n", ns, "patch", "rc", "nginx", "-p", '{"spec":{"selector":{"app":"web"}}}') == (
        'The ReplicationController "nginx" is invalid: spec.template.metadata.labels: Invalid value: '
        '{"app":"nginx"}: `selector` does not match template `labels`\n')


def test_replicationcontroller_python_client(server: Server, ns: str) -> None:
    core = client.CoreV1Api(server.api)
    created = core.create_namespaced_replication_controller(ns, {
        "metadata": {"name": "web"},
        "spec": {"replicas": 2, "template": {"metadata": {"labels": {"app": "web"}},
                                             "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}})
    assert created.spec.selector == {"app": "web"} and created.status.replicas == 0
    scale = core.read_namespaced_replication_controller_scale("web", ns)
    assert (scale.spec.replicas, scale.status.selector) == (2, "app=web")
    scaled = core.patch_namespaced_replication_controller_scale("web", ns, {"spec": {"replicas": 1}})
    assert scaled.spec.replicas == 1
    assert core.read_namespaced_replication_controller("web", ns).spec.replicas == 1
    status = core.patch_namespaced_replication_controller_status("web", ns, {"status": {"observedGeneration": 2}})
    assert status.status.observed_generation == 2
    listed = core.list_namespaced_replication_controller(ns, label_selector="app=web")
    assert [rc.metadata.name for rc in listed.items] == ["web"]
    with pytest.raises(ApiException) as refusal:
        core.create_namespaced_replication_controller(ns, {"metadata": {"name": "x"}, "spec": {
            "selector": {"app": "x"}, "template": {"metadata": {"labels": {"app": "y"}},
                                                   "spec": {"containers": [{"name": "c", "image": "i"}]}}}})
    assert refusal.value.status == 422
    assert json.loads(refusal.value.body)["details"]["causes"] == [{
        "reason": "FieldValueInvalid", "field": "spec.template.metadata.labels",
        "message": 'Invalid value: {"app":"y"}: `selector` does not match template `labels`'}]


# -- LimitRange -----------------------------------------------------------------------------------------

LIMITRANGE = """
apiVersion: v1
kind: LimitRange
metadata:
  name: cpu-mem-limit-range
spec:
  limits:
  - type: Container
    max: {cpu: "2", memory: 1Gi}
    min: {cpu: 100m}
    default: {memory: 512Mi}
    defaultRequest: {cpu: 250m}
  - type: Pod
    max: {cpu: "4"}
  - type: PersistentVolumeClaim
    min: {storage: 1Gi}
    max: {storage: 10Gi}
"""


def test_limitrange_defaults_and_the_pods_created_after_it(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "apply", "-f", "-", input=LIMITRANGE)
    limit_range = get_json(server, "-n", ns, "limits", "cpu-mem-limit-range")
    # Container limits: a missing default comes from max, a missing defaultRequest from default (then min).
    assert limit_range["spec"]["limits"] == [
        {"type": "Container", "max": {"cpu": "2", "memory": "1Gi"}, "min": {"cpu": "100m"},
         "default": {"cpu": "2", "memory": "512Mi"}, "defaultRequest": {"cpu": "250m", "memory": "512Mi"}},
        {"type": "Pod", "max": {"cpu": "4"}},
        {"type": "PersistentVolumeClaim", "min": {"storage": "1Gi"}, "max": {"storage": "10Gi"}}]
    assert "generation" not in limit_range["metadata"]
    for wide in ((), ("-o", "wide")):  # no printer upstream: the default table
        header, rows = parse_table(server.kubectl("-n", ns, "get", "limitranges", *wide).stdout, spaced_headers=True)
        assert header == ["NAME", "CREATED AT"]
        assert rows == [{"NAME": "cpu-mem-limit-range", "CREATED AT": limit_range["metadata"]["creationTimestamp"]}]

    # LimitRanger fills what a new pod's containers leave out, and says so in an annotation.
    server.kubectl("-n", ns, "run", "web", "--image=nginx")
    pod = get_json(server, "-n", ns, "pod", "web")
    assert pod["spec"]["containers"][0]["resources"] == {"limits": {"cpu": "2", "memory": "512Mi"},
                                                         "requests": {"cpu": "250m", "memory": "512Mi"}}
    assert pod["metadata"]["annotations"] == {"kubernetes.io/limit-ranger": (
        "LimitRanger plugin set: cpu, memory request for container web; cpu, memory limit for container web")}
    overrides = '{"spec":{"containers":[{"name":"%s","image":"nginx","resources":%s}]}}'
    server.kubectl("-n", ns, "run", "sized", "--image=nginx", "--overrides",
                   overrides % ("sized", '{"requests":{"cpu":"500m"},"limits":{"memory":"256Mi"}}'))
    pod = get_json(server, "-n", ns, "pod", "sized")
    # (The pod defaults already copied the memory limit to the request, so only the cpu limit is LimitRanger's.)
    assert pod["spec"]["containers"][0]["resources"] == {"limits": {"cpu": "2", "memory": "256Mi"},
                                                         "requests": {"cpu": "500m", "memory": "256Mi"}}
    assert pod["metadata"]["annotations"]["kubernetes.io/limit-ranger"] == (
        "LimitRanger plugin set: cpu limit for container sized")

    assert refused(server, "-n", ns, "run", "big", "--image=nginx", "--overrides",
                   overrides % ("big", '{"limits":{"cpu":"3"}}')) == (
        'Error from server (Forbidden): pods "big" is forbidden: maximum cpu usage per Container is 2, but limit '
        "is 3\n")
    assert refused(server, "-n", ns, "run", "tiny", "--image=nginx", "--overrides",
                   overrides % ("tiny", '{"requests":{"cpu":"50m"}}')) == (
        'Error from server (Forbidden): pods "tiny" is forbidden: minimum cpu usage per Container is 100m, but '
        "request is 50m\n")
    claim = ("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: %s}\nspec:\n  accessModes: "
             "[ReadWriteOnce]\n  resources: {requests: {storage: %s}}\n")
    assert refused(server, "-n", ns, "apply", "-f", "-", input=claim % ("huge", "20Gi")) == (
        'Error from server (Forbidden): error when creating "STDIN": persistentvolumeclaims "huge" is forbidden: '
        "maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi\n")
    server.kubectl("-n", ns, "apply", "-f", "-", input=claim % ("fits", "5Gi"))
    assert sorted(names(server, "-n", ns, "pods")) == ["sized", "web"]
    assert names(server, "-n", ns, "pvc") == ["fits"]


def test_limitrange_refused_variants_and_python_client(server: Server, ns: str) -> None:
    inverted = "apiVersion: v1\nkind: LimitRange\nmetadata: {name: bad}\nspec:\n  limits:\n  - type: Pod\n" \
               "    min: {cpu: \"2\"}\n    max: {cpu: \"1\"}\n"
    assert refused(server, "-n", ns, "apply", "-f", "-", input=inverted) == (
        'The LimitRange "bad" is invalid: spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater '
        "than max value 1\n")
    unknown = inverted.replace("type: Pod", "type: Namespace").replace('"2"', '"0"')
    assert refused(server, "-n", ns, "apply", "-f", "-", input=unknown) == (
        'The LimitRange "bad" is invalid: spec.limits[0].type: Invalid value: "Namespace": must be a standard '
        "limit type or fully qualified\n")
    no_storage = "apiVersion: v1\nkind: LimitRange\nmetadata: {name: bad}\nspec:\n  limits:\n" \
                 "  - type: PersistentVolumeClaim\n    max: {cpu: \"1\"}\n"
    assert refused(server, "-n", ns, "apply", "-f", "-", input=no_storage) == (
        'The LimitRange "bad" is invalid: spec.limits[0].limits: Required value: either minimum or maximum storage '
        "value is required, but neither was provided\n")
    assert names(server, "-n", ns, "limits") == []

    core = client.CoreV1Api(server.api)
    created = core.create_namespaced_limit_range(ns, {"metadata": {"name": "mem"}, "spec": {"limits": [
        {"type": "Container", "max": {"memory": "1Gi"}, "min": {"memory": "64Mi"}}]}})
    assert created.spec.limits[0].default == {"memory": "1Gi"}
    assert created.spec.limits[0].default_request == {"memory": "1Gi"}
    patched = core.patch_namespaced_limit_range("mem", ns, {"spec": {"limits": [
        {"type": "Container", "max": {"memory": "2Gi"}, "default": {"memory": "256Mi"}}]}})
    assert (patched.spec.limits[0].default, patched.spec.limits[0].default_request) == (
        {"memory": "256Mi"}, {"memory": "256Mi"})
    assert [lr.metadata.name for lr in core.list_namespaced_limit_range(ns).items] == ["mem"]


# -- ResourceQuota --------------------------------------------------------------------------------------

RESOURCEQUOTA = """
apiVersion: v1
kind: ResourceQuota
metadata:
  name: compute-resources
spec:
  hard:
    requests.cpu: "1"
    requests.memory: 1Gi
    limits.cpu: "2"
    limits.memory: 2Gi
    requests.nvidia.com/gpu: 4
"""


def test_resourcequota_spec_status_and_columns(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "apply", "-f", "-", input=RESOURCEQUOTA)
    quota = get_json(server, "-n", ns, "quota", "compute-resources")
    assert quota["spec"] == {"hard": {"limits.cpu": "2", "limits.memory": "2Gi", "requests.cpu": "1",
                                      "requests.memory": "1Gi", "requests.nvidia.com/gpu": "4"}}
    # kube-apiserver alone computes no usage: the quota controller (kube-controller-manager) writes status.
    assert quota["status"] == {} and "generation" not in quota["metadata"]
    header, rows = parse_table(server.kubectl("-n", ns, "get", "quota").stdout, spaced_headers=True)
    assert header == ["NAME", "REQUEST", "LIMIT", "AGE"]
    assert [rows[0][c] for c in header[:3]] == ["compute-resources", "", ""]

    status = {"hard": {"limits.cpu": "2", "limits.memory": "2Gi", "requests.cpu": "1", "requests.memory": "1Gi",
                       "requests.nvidia.com/gpu": "4"},
              "used": {"limits.cpu": "500m", "limits.memory": "0", "requests.cpu": "250m",
                       "requests.memory": "512Mi"}}
    assert server.kubectl("-n", ns, "patch", "quota", "compute-resources", "--subresource=status", "--type=merge",
                          "-p", json.dumps({"spec": {"hard": {"pods": "1"}}, "status": status})).stdout == (
        "resourcequota/compute-resources patched\n")
    quota = get_json(server, "-n", ns, "quota", "compute-resources")
    assert quota["status"] == status and "pods" not in quota["spec"]["hard"]
    for wide in ((), ("-o", "wide")):
        header, rows = parse_table(server.kubectl("-n", ns, "get", "resourcequotas", *wide).stdout, spaced_headers=True)
        assert header == ["NAME", "REQUEST", "LIMIT", "AGE"]
        assert [rows[0][c] for c in header[:3]] == [
            "compute-resources", "requests.cpu: 250m/1, requests.memory: 512Mi/1Gi, requests.nvidia.com/gpu: 0/4",
            "limits.cpu: 500m/2, limits.memory: 0/2Gi"]
    # An update of the object keeps the status the controller wrote.
    server.kubectl("-n", ns, "apply", "-f", "-", input=RESOURCEQUOTA.replace('requests.cpu: "1"', 'requests.cpu: "2"'))
    quota = get_json(server, "-n", ns, "quota", "compute-resources")
    assert quota["spec"]["hard"]["requests.cpu"] == "2" and quota["status"] == status

    assert server.kubectl("-n", ns, "create", "quota", "object-counts",
                          "--hard=count/deployments.apps=2,services=4,pods=10").stdout == (
        "resourcequota/object-counts created\n")
    assert get_json(server, "-n", ns, "quota", "object-counts")["spec"]["hard"] == {
        "count/deployments.apps": "2", "pods": "10", "services": "4"}


def test_resourcequota_refused_variants_and_python_client(server: Server, ns: str) -> None:
    quota = "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: bad}\nspec:\n  hard: {%s}\n"
    assert refused(server, "-n", ns, "apply", "-f", "-", input=quota % 'requests.cpu: "-1"') == (
        'The ResourceQuota "bad" is invalid: spec.hard[requests.cpu]: Invalid value: "-1": must be greater than or '
        "equal to 0\n")
    assert refused(server, "-n", ns, "apply", "-f", "-", input=quota % 'pods: "1.5"') == (
        'The ResourceQuota "bad" is invalid: spec.hard[pods]: Invalid value: "1500m": must be an integer\n')
    assert refused(server, "-n", ns, "apply", "-f", "-", input=quota % 'cpus: "4"') == (
        'The ResourceQuota "bad" is invalid: \n'
        '* spec.hard[cpus]: Invalid value: "cpus": must be a standard resource type or fully qualified\n'
        '* spec.hard[cpus]: Invalid value: "cpus": must be a standard resource for quota\n')
    scoped = quota % 'requests.cpu: "1"' + "  scopes: [BestEffort]\n"
    assert refused(server, "-n", ns, "apply", "-f", "-", input=scoped) == (
        'The ResourceQuota "bad" is invalid: spec.scopes: Invalid value: ["BestEffort"]: unsupported scope applied '
        "to resource\n")
    assert names(server, "-n", ns, "quota") == []

    core = client.CoreV1Api(server.api)
    created = core.create_namespaced_resource_quota(ns, {"metadata": {"name": "pods"}, "spec": {
        "hard": {"pods": "4"}, "scopes": ["NotTerminating"]}})
    assert created.spec.hard == {"pods": "4"} and created.spec.scopes == ["NotTerminating"]
    assert created.status.hard is None and created.status.used is None
    updated = core.patch_namespaced_resource_quota_status("pods", ns, {"status": {"hard": {"pods": "4"},
                                                                                   "used": {"pods": "1"}}})
    assert (updated.status.hard, updated.status.used) == ({"pods": "4"}, {"pods": "1"})
    assert core.read_namespaced_resource_quota_status("pods", ns).status.used == {"pods": "1"}
    assert [q.metadata.name for q in core.list_namespaced_resource_quota(ns).items] == ["pods"]


def test_resourcequota_admission_enforces_a_filled_status(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "create", "quota", "pods", "--hard=pods=1")
    server.kubectl("-n", ns, "patch", "quota", "pods", "--subresource=status", "--type=merge", "-p",
                   '{"status":{"hard":{"pods":"1"},"used":{"pods":"1"}}}')
    assert refused(server, "-n", ns, "run", "one-too-many", "--image=nginx") == (
        'Error from server (Forbidden): pods "one-too-many" is forbidden: exceeded quota: pods, requested: pods=1, '
        "used: pods=1, limited: pods=1\n")


# -- PersistentVolume -----------------------------------------------------------------------------------

PERSISTENTVOLUME = """
apiVersion: v1
kind: PersistentVolume
metadata:
  name: task-pv-volume-{ns}
  labels:
    type: local
spec:
  storageClassName: manual
  capacity:
    storage: 10Gi
  accessModes:
    - ReadWriteOnce
  hostPath:
    path: "/mnt/data"
"""


def test_persistentvolume(server: Server, ns: str) -> None:
    name = f"task-pv-volume-{ns}"
    server.kubectl("apply", "-f", "-", input=PERSISTENTVOLUME.format(ns=ns))
    pv = get_json(server, "pv", name)
    assert pv["metadata"]["finalizers"] == ["kubernetes.io/pv-protection"]
    assert pv["spec"] == {"storageClassName": "manual", "capacity": {"storage": "10Gi"},
                          "accessModes": ["ReadWriteOnce"], "hostPath": {"path": "/mnt/data", "type": ""},
                          "persistentVolumeReclaimPolicy": "Retain", "volumeMode": "Filesystem"}
    assert pv["status"]["phase"] == "Pending" and set(pv["status"]) == {"phase", "lastPhaseTransitionTime"}
    assert RFC3339.match(pv["status"]["lastPhaseTransitionTime"])

    header, rows = parse_table(server.kubectl("get", "pv", name).stdout, spaced_headers=True)
    assert header == ["NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS", "CLAIM", "STORAGECLASS",
                      "VOLUMEATTRIBUTESCLASS", "REASON", "AGE"]
    assert [rows[0][c] for c in header[:9]] == [name, "10Gi", "RWO", "Retain", "Pending", "", "manual", "<unset>", ""]
    # The binder's part: a claimRef on the spec, the phase on status (a status write moves the transition time).
    server.kubectl("patch", "pv", name, "-p", json.dumps({"spec": {"claimRef": {"namespace": ns, "name": "claim"}}}))
    server.kubectl("patch", "pv", name, "--subresource=status", "--type=merge", "-p",
                   '{"status":{"phase":"Bound"}}')
    header, rows = parse_table(server.kubectl("get", "pv", name, "-o", "wide").stdout, spaced_headers=True)
    assert header[-1] == "VOLUMEMODE" and len(header) == 11
    assert [rows[0][c] for c in ("STATUS", "CLAIM", "VOLUMEMODE")] == ["Bound", f"{ns}/claim", "Filesystem"]

    assert refused(server, "patch", "pv", name, "-p", '{"spec":{"hostPath":{"path":"/mnt/other"}}}').startswith(
        f'The PersistentVolume "{name}" is invalid: spec.persistentvolumesource: Forbidden: '
        "spec.persistentvolumesource is immutable after creation\n")
    assert refused(server, "patch", "pv", name, "-p", '{"spec":{"volumeMode":"Block"}}') == (
        f'The PersistentVolume "{name}" is invalid: volumeMode: Invalid value: "Block": field is immutable\n')

    # Deleting waits for the pv-protection finalizer (the PV protection controller's job): Terminating meanwhile.
    server.kubectl("delete", "pv", name, "--wait=false")
    _, rows = parse_table(server.kubectl("get", "pv", name).stdout, spaced_headers=True)
    assert rows[0]["STATUS"] == "Terminating"
    server.kubectl("patch", "pv", name, "--type=json", "-p", '[{"op":"remove","path":"/metadata/finalizers"}]')
    assert server.kubectl("get", "pv", name, check=False).stderr == (
        f'Error from server (NotFound): persistentvolumes "{name}" not found\n')


def test_persistentvolume_refused_variants_and_python_client(server: Server, ns: str) -> None:
    bad = PERSISTENTVOLUME.format(ns=ns).replace("task-pv-volume", "bad").replace(
        "    - ReadWriteOnce", "    - ReadWriteSometimes") + "  persistentVolumeReclaimPolicy: Keep\n"
    assert refused(server, "apply", "-f", "-", input=bad) == (
        f'The PersistentVolume "bad-{ns}" is invalid: \n'
        '* spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", '
        '"ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"\n'
        '* spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", '
        '"Retain"\n')
    two_resources = PERSISTENTVOLUME.format(ns=ns).replace("task-pv-volume", "bad").replace(
        "storage: 10Gi", "storage: 10Gi\n    cpu: 1")
    assert refused(server, "apply", "-f", "-", input=two_resources) == (
        f'The PersistentVolume "bad-{ns}" is invalid: spec.capacity: Unsupported value: {{"cpu":"1","storage":'
        '"10Gi"}: supported values: "storage"\n')
    no_source = f"apiVersion: v1\nkind: PersistentVolume\nmetadata: {{name: bad-{ns}}}\nspec: {{}}\n"
    assert refused(server, "apply", "-f", "-", input=no_source) == (
        f'The PersistentVolume "bad-{ns}" is invalid: \n'
        "* spec.accessModes: Required value\n"
        "* spec.capacity: Required value\n"
        '* spec.capacity: Unsupported value: null: supported values: "storage"\n'
        "* spec: Required value: must specify a volume type\n")
    assert server.kubectl("get", "pv", f"bad-{ns}", check=False).returncode == 1

    core = client.CoreV1Api(server.api)
    name = f"nfs-{ns}"
    created = core.create_persistent_volume({"metadata": {"name": name}, "spec": {
        "capacity": {"storage": "100Gi"}, "accessModes": ["ReadWriteMany"], "mountOptions": ["nfsvers=4.1"],
        "nfs": {"server": "nfs.example.com", "path": "/exports"}, "persistentVolumeReclaimPolicy": "Recycle"}})
    assert created.metadata.finalizers == ["kubernetes.io/pv-protection"]
    assert (created.spec.volume_mode, created.status.phase) == ("Filesystem", "Pending")
    available = core.patch_persistent_volume_status(name, {"status": {"phase": "Available"}})
    assert available.status.phase == "Available"
    assert created.status.last_phase_transition_time <= available.status.last_phase_transition_time
    labelled = core.patch_persistent_volume(name, {"metadata": {"labels": {"tier": "nfs"}, "finalizers": None}})
    assert labelled.metadata.labels == {"tier": "nfs"} and labelled.metadata.finalizers is None
    assert [pv.metadata.name for pv in core.list_persistent_volume(label_selector="tier=nfs").items] == [name]
    # Gone at once (no finalizer left): the answer is a Status, not the PersistentVolume the model expects.
    answer = core.delete_persistent_volume(name, _preload_content=False)
    assert (answer.status, json.loads(answer.data)["status"]) == (200, "Success")


# -- PersistentVolumeClaim ------------------------------------------------------------------------------

PERSISTENTVOLUMECLAIM = """
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: task-pv-claim
spec:
  storageClassName: manual
  accessModes:
    - ReadWriteOnce
  resources:
    requests:
      storage: 3Gi
"""


def test_persistentvolumeclaim_defaults_and_columns(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "apply", "-f", "-", input=PERSISTENTVOLUMECLAIM)
    claim = get_json(server, "-n", ns, "pvc", "task-pv-claim")
    assert claim["metadata"]["finalizers"] == ["kubernetes.io/pvc-protection"]
    assert claim["spec"] == {"storageClassName": "manual", "accessModes": ["ReadWriteOnce"],
                             "resources": {"requests": {"storage": "3Gi"}}, "volumeMode": "Filesystem"}
    assert claim["status"] == {"phase": "Pending"}
    header, rows = parse_table(server.kubectl("-n", ns, "get", "pvc").stdout, spaced_headers=True)
    assert header == ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS",
                      "VOLUMEATTRIBUTESCLASS", "AGE"]
    assert [rows[0][c] for c in header[:7]] == ["task-pv-claim", "Pending", "", "", "", "manual", "<unset>"]

    # The binder sets volumeName once, then status; capacity and access modes print only once bound to a volume.
    server.kubectl("-n", ns, "patch", "pvc", "task-pv-claim", "-p", '{"spec":{"volumeName":"pv-0001"}}')
    server.kubectl("-n", ns, "patch", "pvc", "task-pv-claim", "--subresource=status", "--type=merge", "-p",
                   '{"status":{"phase":"Bound","accessModes":["ReadWriteOnce","ReadOnlyMany"],'
                   '"capacity":{"storage":"5Gi"}}}')
    header, rows = parse_table(server.kubectl("-n", ns, "get", "pvc", "-o", "wide").stdout, spaced_headers=True)
    assert header[-1] == "VOLUMEMODE"
    assert [rows[0][c] for c in header[1:7] + ["VOLUMEMODE"]] == [
        "Bound", "pv-0001", "5Gi", "RWO,ROX", "manual", "<unset>", "Filesystem"]
    assert refused(server, "-n", ns, "patch", "pvc", "task-pv-claim", "-p",
                   '{"spec":{"volumeName":"pv-0002"}}').startswith(
        'The PersistentVolumeClaim "task-pv-claim" is invalid: spec: Forbidden: spec is immutable after creation '
        "except resources.requests and volumeAttributesClassName for bound claims\n")

    server.kubectl("-n", ns, "delete", "pvc", "task-pv-claim", "--wait=false")
    _, rows = parse_table(server.kubectl("-n", ns, "get", "pvc").stdout, spaced_headers=True)
    assert rows[0]["STATUS"] == "Terminating"
    server.kubectl("-n", ns, "patch", "pvc", "task-pv-claim", "--type=merge", "-p", '{"metadata":{"finalizers":null}}')
    assert server.kubectl("-n", ns, "get", "pvc", check=False).stderr == f"No resources found in {ns} namespace.\n"


def test_persistentvolumeclaim_immutable_spec_and_resize(server: Server, ns: str) -> None:
    storage_class = f"expandable-{ns}"
    server.kubectl("-n", ns, "apply", "-f", "-", input=PERSISTENTVOLUMECLAIM.replace("manual", storage_class))
    immutable = ('The PersistentVolumeClaim "task-pv-claim" is invalid: spec: Forbidden: spec is immutable after '
                 "creation except resources.requests and volumeAttributesClassName for bound claims\n")
    for patch in ('{"spec":{"accessModes":["ReadWriteMany"]}}', '{"spec":{"storageClassName":"fast"}}',
                  '{"spec":{"resources":{"requests":{"storage":"5Gi"}}}}'):  # a pending claim keeps its size
        stderr = refused(server, "-n", ns, "patch", "pvc", "task-pv-claim", "-p", patch)
        assert stderr.startswith(immutable + "  core.PersistentVolumeClaimSpec{\n"), stderr

    server.kubectl("-n", ns, "patch", "pvc", "task-pv-claim", "--subresource=status", "--type=merge", "-p",
                   '{"status":{"phase":"Bound","capacity":{"storage":"3Gi"}}}')
    # A bound claim may grow only when its StorageClass allows expansion (PersistentVolumeClaimResize).
    grow = '{"spec":{"resources":{"requests":{"storage":"5Gi"}}}}'
    assert refused(server, "-n", ns, "patch", "pvc", "task-pv-claim", "-p", grow) == (
        'Error from server (Forbidden): persistentvolumeclaims "task-pv-claim" is forbidden: only dynamically '
        "provisioned pvc can be resized and the storageclass that provisions the pvc must support resize\n")
    server.kubectl("apply", "-f", "-", input=f"""apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {{name: {storage_class}}}
provisioner: kubernetes.io/no-provisioner
allowVolumeExpansion: false
""")
    try:
        assert "must support resize" in refused(server, "-n", ns, "patch", "pvc", "task-pv-claim", "-p", grow)
        server.kubectl("patch", "storageclass", storage_class, "-p", '{"allowVolumeExpansion":true}')
        assert server.kubectl("-n", ns, "patch", "pvc", "task-pv-claim", "-p", grow).stdout == (
            "persistentvolumeclaim/task-pv-claim patched\n")
    finally:
        server.kubectl("delete", "storageclass", storage_class)
    assert get_json(server, "-n", ns, "pvc", "task-pv-claim")["spec"]["resources"] == {"requests": {"storage": "5Gi"}}
    # Shrinking back is allowed down to what status.capacity holds (recovery from a failed expansion), no lower.
    assert refused(server, "-n", ns, "patch", "pvc", "task-pv-claim", "-p",
                   '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}') == (
        'The PersistentVolumeClaim "task-pv-claim" is invalid: spec.resources.requests.storage: Forbidden: field '
        "can not be less than status.capacity\n")
    server.kubectl("-n", ns, "patch", "pvc", "task-pv-claim", "-p",
                   '{"spec":{"resources":{"requests":{"storage":"4Gi"}}}}')


def test_persistentvolumeclaim_refused_variants_and_python_client(server: Server, ns: str) -> None:
    bad = PERSISTENTVOLUMECLAIM.replace("task-pv-claim", "bad").replace("ReadWriteOnce", "ReadWriteSometimes")
    assert refused(server, "-n", ns, "apply", "-f", "-", input=bad + "  volumeMode: Raw\n") == (
        'The PersistentVolumeClaim "bad" is invalid: \n'
        '* spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", '
        '"ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"\n'
        '* spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"\n')
    negative = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: bad}\nspec:\n" \
               "  resources: {requests: {storage: -1Gi}}\n"
    assert refused(server, "-n", ns, "apply", "-f", "-", input=negative) == (
        'The PersistentVolumeClaim "bad" is invalid: \n'
        "* spec.accessModes: Required value: at least 1 access mode is required\n"
        '* spec.resources[storage]: Invalid value: "-1Gi": must be greater than zero\n')
    assert names(server, "-n", ns, "pvc") == []

    core = client.CoreV1Api(server.api)
    created = core.create_namespaced_persistent_volume_claim(ns, {"metadata": {"name": "data"}, "spec": {
        "accessModes": ["ReadWriteOncePod"], "volumeMode": "Block", "resources": {"requests": {"storage": "1Gi"}}}})
    assert created.metadata.finalizers == ["kubernetes.io/pvc-protection"]
    assert (created.spec.volume_mode, created.spec.storage_class_name, created.status.phase) == (
        "Block", None, "Pending")
    bound = core.patch_namespaced_persistent_volume_claim_status("data", ns, {"status": {
        "phase": "Bound", "capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOncePod"]}})
    assert (bound.status.phase, bound.status.capacity) == ("Bound", {"storage": "1Gi"})
    labelled = core.patch_namespaced_persistent_volume_claim("data", ns, {"metadata": {"labels": {"app": "db"}}})
    assert labelled.metadata.labels == {"app": "db"}
    assert [c.metadata.name for c in core.list_namespaced_persistent_volume_claim(ns, label_selector="app=db")
            .items] == ["data"]


# -- Endpoints ------------------------------------------------------------------------------------------

ENDPOINTS = """
apiVersion: v1
kind: Endpoints
metadata:
  name: my-service
subsets:
  - addresses:
      - ip: 192.0.2.43
        nodeName: node-1
      - ip: 192.0.2.42
    notReadyAddresses:
      - ip: 192.0.2.44
    ports:
      - name: http
        port: 9376
      - name: metrics
        port: 9377
"""


def test_endpoints(server: Server, ns: str) -> None:
    applied = server.kubectl("-n", ns, "apply", "-f", "-", input=ENDPOINTS)
    assert applied.stderr == "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n"
    endpoints = get_json(server, "-n", ns, "endpoints", "my-service")
    # Canonical form (RepackSubsets): addresses sorted by IP, ports by their hash, protocol defaulted to TCP.
    assert endpoints["subsets"] == [{
        "addresses": [{"ip": "192.0.2.42"}, {"ip": "192.0.2.43", "nodeName": "node-1"}],
        "notReadyAddresses": [{"ip": "192.0.2.44"}],
        "ports": [{"name": "metrics", "port": 9377, "protocol": "TCP"},
                  {"name": "http", "port": 9376, "protocol": "TCP"}]}]
    for wide in ((), ("-o", "wide")):
        header, rows = parse_table(server.kubectl("-n", ns, "get", "ep", *wide).stdout, spaced_headers=True)
        assert header == ["NAME", "ENDPOINTS", "AGE"]
        assert rows[0]["ENDPOINTS"] == "192.0.2.42:9377,192.0.2.43:9377,192.0.2.42:9376 + 1 more..."

    bad = ENDPOINTS.replace("my-service", "bad").replace("192.0.2.42", "127.0.0.1").replace(
        "port: 9377", "port: 0\n        protocol: HTTP")
    assert refused(server, "-n", ns, "apply", "-f", "-", input=bad).endswith(
        'The Endpoints "bad" is invalid: \n'
        '* subsets[0].addresses[1].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, '
        "::1/128)\n"
        "* subsets[0].ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive\n"
        '* subsets[0].ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"\n')
    assert names(server, "-n", ns, "endpoints") == ["my-service"]

    core = client.CoreV1Api(server.api)
    created = core.create_namespaced_endpoints(ns, {"metadata": {"name": "db", "labels": {"app": "db"}}, "subsets": [
        {"addresses": [{"ip": "10.0.0.2", "targetRef": {"kind": "Pod", "name": "db-0", "namespace": ns}}],
         "ports": [{"port": 5432, "appProtocol": "postgresql"}]}]})
    assert created.subsets[0].ports[0].protocol == "TCP"
    assert created.subsets[0].addresses[0].target_ref.name == "db-0"
    patched = core.patch_namespaced_endpoints("db", ns, {"subsets": [{"addresses": [{"ip": "10.0.0.3"}],
                                                                      "ports": [{"port": 5432}]}]})
    assert [a.ip for a in patched.subsets[0].addresses] == ["10.0.0.3"]
    assert [e.metadata.name for e in core.list_namespaced_endpoints(ns, label_selector="app=db").items] == ["db"]


# -- Node -----------------------------------------------------------------------------------------------

NODE = """
apiVersion: v1
kind: Node
metadata:
  name: worker-{ns}
  labels:
    kubernetes.io/hostname: worker-{ns}
    kubernetes.io/os: linux
    node-role.kubernetes.io/worker: ""
spec:
  podCIDR: 10.244.1.0/24
  podCIDRs: [10.244.1.0/24]
  providerID: kind://docker/kind/worker
"""


def test_node_manifest_columns_cordon_taint_label(server: Server, ns: str) -> None:
    name = f"worker-{ns}"
    server.kubectl("apply", "-f", "-", input=NODE.format(ns=ns))
    try:
        node = get_json(server, "node", name)
        assert node["spec"] == {"podCIDR": "10.244.1.0/24", "podCIDRs": ["10.244.1.0/24"],
                                "providerID": "kind://docker/kind/worker"}
        # Go's NodeStatus always carries its two structs, whatever the kubelet has not reported yet.
        assert node["status"] == {"daemonEndpoints": {"kubeletEndpoint": {"Port": 0}}, "nodeInfo": {
            "machineID": "", "systemUUID": "", "bootID": "", "kernelVersion": "", "osImage": "",
            "containerRuntimeVersion": "", "kubeletVersion": "", "kubeProxyVersion": "", "operatingSystem": "",
            "architecture": ""}}
        header, rows = parse_table(server.kubectl("get", "nodes", name).stdout, spaced_headers=True)
        assert header == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
        assert [rows[0][c] for c in ("NAME", "STATUS", "ROLES", "VERSION")] == [name, "Unknown", "worker", ""]

        # The kubelet reports in through nodes/status.
        server.kubectl("patch", "node", name, "--subresource=status", "--type=merge", "-p", json.dumps({"status": {
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                            "message": "kubelet is posting ready status", "lastHeartbeatTime": "2026-01-01T00:00:00Z",
                            "lastTransitionTime": "2026-01-01T00:00:00Z"}],
            "addresses": [{"type": "InternalIP", "address": "172.18.0.3"}, {"type": "Hostname", "address": name}],
            "nodeInfo": {"kubeletVersion": "v1.35.0", "osImage": "Debian GNU/Linux 12 (bookworm)",
                         "kernelVersion": "6.8.0-1", "containerRuntimeVersion": "containerd://2.0.2",
                         "operatingSystem": "linux", "architecture": "amd64"},
            "capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"}}}))
        status = get_json(server, "node", name)["status"]
        assert status["allocatable"] == status["capacity"] == {"cpu": "4", "memory": "8Gi", "pods": "110"}
        header, rows = parse_table(server.kubectl("get", "nodes", name, "-o", "wide").stdout, spaced_headers=True)
        assert header == ["NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE",
                          "KERNEL-VERSION", "CONTAINER-RUNTIME"]
        assert [rows[0][c] for c in header if c != "AGE"] == [
            name, "Ready", "worker", "v1.35.0", "172.18.0.3", "<none>", "Debian GNU/Linux 12 (bookworm)",
            "6.8.0-1", "containerd://2.0.2"]

        assert server.kubectl("cordon", name).stdout == f"node/{name} cordoned\n"
        _, rows = parse_table(server.kubectl("get", "nodes", name).stdout, spaced_headers=True)
        assert rows[0]["STATUS"] == "Ready,SchedulingDisabled"
        assert get_json(server, "node", name)["spec"]["unschedulable"] is True
        assert server.kubectl("uncordon", name).stdout == f"node/{name} uncordoned\n"
        assert "unschedulable" not in get_json(server, "node", name)["spec"]

        assert server.kubectl("taint", "node", name, "dedicated=gpu:NoSchedule").stdout == f"node/{name} tainted\n"
        assert server.kubectl("taint", "node", name, "maintenance:NoExecute").stdout == f"node/{name} tainted\n"
        taints = {t["key"]: t for t in get_json(server, "node", name)["spec"]["taints"]}
        assert taints["dedicated"] == {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}
        assert taints["maintenance"]["effect"] == "NoExecute"
        assert refused(server, "taint", "node", name, "dedicated=cpu:NoSchedule") == (
            f"error: node {name} already has dedicated taint(s) with same effect(s) and --overwrite is false\n")
        assert server.kubectl("taint", "node", name, "dedicated:NoSchedule-").stdout == f"node/{name} untainted\n"
        assert [t["key"] for t in get_json(server, "node", name)["spec"]["taints"]] == ["maintenance"]

        assert server.kubectl("label", "node", name, "disktype=ssd").stdout == f"node/{name} labeled\n"
        assert server.kubectl("get", "nodes", "-l", "disktype=ssd", "-o", "name").stdout == f"node/{name}\n"
        assert server.kubectl("label", "node", name, "node-role.kubernetes.io/worker-").stdout == (
            f"node/{name} unlabeled\n")
        _, rows = parse_table(server.kubectl("get", "nodes", name).stdout, spaced_headers=True)
        assert rows[0]["ROLES"] == "<none>"
    finally:
        server.kubectl("delete", "node", name)


def test_node_refused_variants_and_python_client(server: Server, ns: str) -> None:
    bad = NODE.format(ns=ns).replace("worker-", "bad-").replace("10.244.1.0/24]", "10.244.1.0/33]").replace(
        "podCIDR: 10.244.1.0/24", "podCIDR: 10.244.1.0/33") + (
        "  taints:\n  - {key: dedicated, value: gpu, effect: Sometimes}\n  - {key: dedicated, effect: NoExecute}\n"
        "  - {key: dedicated, effect: NoExecute}\n")
    # Taints are validated under metadata.taints: upstream's ValidateNode builds the path from "metadata".
    assert refused(server, "apply", "-f", "-", input=bad) == (
        f'The Node "bad-{ns}" is invalid: \n'
        '* metadata.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", '
        '"PreferNoSchedule", "NoExecute"\n'
        '* metadata.taints[2]: Duplicate value: {"Key":"dedicated","Value":"","Effect":"NoExecute",'
        '"TimeAdded":null}: taints must be unique by key and effect pair\n'
        '* spec.podCIDRs[0]: Invalid value: "10.244.1.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or '
        "2001:db8::/64)\n")
    assert server.kubectl("get", "node", f"bad-{ns}", check=False).returncode == 1

    core = client.CoreV1Api(server.api)
    name = f"py-{ns}"
    created = core.create_node({"metadata": {"name": name, "labels": {"e2e-core": ns}}})
    try:
        assert created.status.daemon_endpoints.kubelet_endpoint.port == 0
        assert created.status.node_info.kubelet_version == "" and created.spec.pod_cidr is None
        patched = core.patch_node(name, {"spec": {"podCIDR": "10.244.7.0/24", "unschedulable": True}})
        assert (patched.spec.pod_cidr, patched.spec.pod_cidrs, patched.spec.unschedulable) == (
            "10.244.7.0/24", ["10.244.7.0/24"], True)
        with pytest.raises(ApiException) as refusal:  # a list body is a JSON patch
            core.patch_node(name, [{"op": "replace", "path": "/spec/podCIDR", "value": "10.244.8.0/24"},
                                   {"op": "replace", "path": "/spec/podCIDRs", "value": ["10.244.8.0/24"]}])
        assert json.loads(refusal.value.body)["message"] == (
            f'Node "{name}" is invalid: spec.podCIDRs: Forbidden: node updates may not change podCIDR except from '
            '"" to valid')
        status = core.patch_node_status(name, {"status": {"capacity": {"cpu": "2"}, "allocatable": {"cpu": "2"}}})
        assert status.status.capacity == {"cpu": "2"}
        assert [n.metadata.name for n in core.list_node(label_selector=f"e2e-core={ns}").items] == [name]
    finally:
        core.delete_node(name)


# -- Binding --------------------------------------------------------------------------------------------


def test_binding_through_pods_binding_and_the_legacy_resource(server: Server, ns: str) -> None:
    for pod in ("a", "b", "c"):
        server.kubectl("-n", ns, "run", pod, "--image=nginx")
    core = client.CoreV1Api(server.api)
    # The client's generated model expects a Binding back; the server answers a Status (as upstream does).
    answer = core.create_namespaced_pod_binding("a", ns, {"metadata": {"name": "a"},
                                                          "target": {"kind": "Node", "name": "node-1"}},
                                                _preload_content=False)
    assert (answer.status, json.loads(answer.data)) == (201, {"kind": "Status", "apiVersion": "v1", "metadata": {},
                                                              "status": "Success"})
    binding = "apiVersion: v1\nkind: Binding\nmetadata: {name: b}\ntarget: {apiVersion: v1, kind: Node, name: node-2}\n"
    assert server.kubectl("-n", ns, "create", "-f", "-", input=binding).stdout == "status/<unknown> created\n"
    pod = get_json(server, "-n", ns, "pod", "b")
    assert pod["spec"]["nodeName"] == "node-2"
    [scheduled] = [c for c in pod["status"]["conditions"] if c["type"] == "PodScheduled"]
    assert scheduled["status"] == "True" and scheduled["lastProbeTime"] is None
    _, rows = parse_table(server.kubectl("-n", ns, "get", "pods", "-o", "wide").stdout, spaced_headers=True)
    assert {r["NAME"]: r["NODE"] for r in rows} == {"a": "node-1", "b": "node-2", "c": "<none>"}

    assert refused(server, "-n", ns, "create", "-f", "-", input=binding.replace("node-2", "node-3")) == (
        'Error from server (Conflict): error when creating "STDIN": Operation cannot be fulfilled on pods/binding '
        '"b": pod b is already assigned to node "node-2"\n')
    raw = '{"apiVersion":"v1","kind":"Binding","metadata":{"name":"%s"},"target":{"kind":"%s","name":"node-1"}}'
    path = f"/api/v1/namespaces/{ns}/pods/c/binding"
    assert refused(server, "create", "--raw", path, "-f", "-", input=raw % ("other", "Node")) == (
        "Error from server (BadRequest): name in URL does not match name in Binding object\n")
    assert refused(server, "create", "--raw", path, "-f", "-", input=raw % ("c", "Pod")) == (
        'Error from server: target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"\n')
    assert refused(server, "create", "--raw", f"/api/v1/namespaces/{ns}/bindings", "-f", "-",
                   input=raw % ("nope", "Node")) == 'Error from server (NotFound): pods "nope" not found\n'
    assert get_json(server, "-n", ns, "pod", "c")["spec"].get("nodeName") is None


# -- ComponentStatus ------------------------------------------------------------------------------------


def test_componentstatus_without_scheduler_or_controller_manager(server: Server) -> None:
    """Upstream probes the scheduler and controller manager on their default secure ports on 127.0.0.1 and each
    storage backend; with none of them running beside the server, kubectl shows exactly this."""
    result = server.kubectl("get", "componentstatuses")
    assert result.stderr == "Warning: v1 ComponentStatus is deprecated in v1.19+\n"
    header, rows = parse_table(result.stdout, spaced_headers=True)
    assert header == ["NAME", "STATUS", "MESSAGE", "ERROR"]
    assert sorted(rows, key=lambda r: r["NAME"]) == [
        {"NAME": "controller-manager", "STATUS": "Unhealthy", "ERROR": "",
         "MESSAGE": 'Get "https://127.0.0.1:10257/healthz": dial tcp 127.0.0.1:10257: connect: connection refused'},
        {"NAME": "etcd-0", "STATUS": "Healthy", "MESSAGE": "ok", "ERROR": ""},
        {"NAME": "scheduler", "STATUS": "Unhealthy", "ERROR": "",
         "MESSAGE": 'Get "https://127.0.0.1:10259/healthz": dial tcp 127.0.0.1:10259: connect: connection refused'}]
    etcd = get_json(server, "cs", "etcd-0")
    assert etcd == {"kind": "ComponentStatus", "apiVersion": "v1", "metadata": {"name": "etcd-0"},
                    "conditions": [{"type": "Healthy", "status": "True", "message": "ok"}]}
    missing = server.request("GET", "/api/v1/componentstatuses/nope")
    assert (missing.status, missing.json()) == (500, {"kind": "Status", "apiVersion": "v1", "metadata": {},
                                                      "status": "Failure", "message": "Component not found: nope",
                                                      "code": 500})
    assert refused(server, "get", "cs", "nope").endswith("Error from server: Component not found: nope\n")

    statuses = client.CoreV1Api(server.api).list_component_status()
    by_name = {s.metadata.name: s.conditions[0] for s in statuses.items}
    assert set(by_name) == {"controller-manager", "etcd-0", "scheduler"}
    assert (by_name["etcd-0"].status, by_name["scheduler"].status) == ("True", "False")
    assert client.CoreV1Api(server.api).read_component_status("etcd-0").conditions[0].message == "ok"


# -- Secret types ---------------------------------------------------------------------------------------


def test_secret_types(server: Server, ns: str, tmp_path: Any) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def pem_pair(cn: str) -> tuple[bytes, bytes]:
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
        import datetime
        now = datetime.datetime.now(datetime.UTC)
        cert = x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(
            key.public_key()).serial_number(1).not_valid_before(now).not_valid_after(
            now + datetime.timedelta(days=1)).sign(key, hashes.SHA256())
        return (cert.public_bytes(serialization.Encoding.PEM),
                key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))

    cert, key = pem_pair("example.com")
    (tmp_path / "tls.crt").write_bytes(cert)
    (tmp_path / "tls.key").write_bytes(key)
    server.kubectl("-n", ns, "create", "secret", "tls", "web-tls", f"--cert={tmp_path / 'tls.crt'}",
                   f"--key={tmp_path / 'tls.key'}")
    assert get_json(server, "-n", ns, "secret", "web-tls")["type"] == "kubernetes.io/tls"
    missing_key = ("apiVersion: v1\nkind: Secret\nmetadata: {name: bad}\ntype: kubernetes.io/tls\n"
                   f"data: {{tls.crt: {base64.b64encode(cert).decode()}}}\n")
    assert refused(server, "-n", ns, "apply", "-f", "-", input=missing_key) == (
        'The Secret "bad" is invalid: data[tls.key]: Required value\n')
    _, other_key = pem_pair("other")
    mismatched = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "mismatched"},
                  "type": "kubernetes.io/tls", "data": {"tls.crt": base64.b64encode(cert).decode(),
                                                        "tls.key": base64.b64encode(other_key).decode()}}
    created = server.kubectl("-n", ns, "create", "-f", "-", input=json.dumps(mismatched))
    assert created.stderr == "Warning: tls: private key does not match public key\n"

    docker = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "regcred"},
              "type": "kubernetes.io/dockerconfigjson", "stringData": {".dockerconfigjson": "{not json"}}
    assert refused(server, "-n", ns, "create", "-f", "-", input=json.dumps(docker)) == (
        'The Secret "regcred" is invalid: data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": '
        "invalid character 'n' looking for beginning of object key string\n")
    docker["stringData"] = {".dockerconfigjson": '{"auths":{"registry.example.com":{"auth":"dTpw"}}}'}
    server.kubectl("-n", ns, "create", "-f", "-", input=json.dumps(docker))
    assert "stringData" not in get_json(server, "-n", ns, "secret", "regcred")
    legacy = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "legacy"}, "type": "kubernetes.io/dockercfg",
              "data": {}}
    assert refused(server, "-n", ns, "create", "-f", "-", input=json.dumps(legacy)) == (
        'The Secret "legacy" is invalid: data[.dockercfg]: Required value\n')
    basic = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "basic"}, "type": "kubernetes.io/basic-auth",
             "stringData": {"token": "x"}}
    assert refused(server, "-n", ns, "create", "-f", "-", input=json.dumps(basic)) == (
        'The Secret "basic" is invalid: \n* data[username]: Required value\n* data[password]: Required value\n')

    # A service-account token Secret names its account; kube-apiserver alone leaves it empty (the token
    # controller of kube-controller-manager fills token, ca.crt and namespace).
    token = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "builder-token"},
             "type": "kubernetes.io/service-account-token"}
    assert refused(server, "-n", ns, "create", "-f", "-", input=json.dumps(token)) == (
        'The Secret "builder-token" is invalid: metadata.annotations[kubernetes.io/service-account.name]: Required '
        "value\n")
    server.kubectl("-n", ns, "create", "sa", "builder")
    token["metadata"]["annotations"] = {"kubernetes.io/service-account.name": "builder"}
    server.kubectl("-n", ns, "create", "-f", "-", input=json.dumps(token))
    stored = get_json(server, "-n", ns, "secret", "builder-token")
    assert "data" not in stored and stored["metadata"]["annotations"] == {
        "kubernetes.io/service-account.name": "builder"}
    header, rows = parse_table(server.kubectl("-n", ns, "get", "secrets").stdout, spaced_headers=True)
    assert header == ["NAME", "TYPE", "DATA", "AGE"]
    assert {r["NAME"]: (r["TYPE"], r["DATA"]) for r in rows} == {
        "builder-token": ("kubernetes.io/service-account-token", "0"), "mismatched": ("kubernetes.io/tls", "2"),
        "regcred": ("kubernetes.io/dockerconfigjson", "1"), "web-tls": ("kubernetes.io/tls", "2")}
    assert refused(server, "-n", ns, "patch", "secret", "web-tls", "-p", '{"type":"Opaque"}') == (
        'The Secret "web-tls" is invalid: type: Invalid value: "Opaque": field is immutable\n')

    core = client.CoreV1Api(server.api)
    created = core.create_namespaced_secret(ns, {"metadata": {"name": "ssh"}, "type": "kubernetes.io/ssh-auth",
                                                 "data": {"ssh-privatekey": base64.b64encode(b"key").decode()},
                                                 "immutable": True})
    assert (created.type, created.immutable) == ("kubernetes.io/ssh-auth", True)
    with pytest.raises(ApiException) as refusal:
        core.patch_namespaced_secret("ssh", ns, {"data": {"ssh-privatekey": base64.b64encode(b"new").decode()}})
    assert json.loads(refusal.value.body)["message"] == (
        'Secret "ssh" is invalid: data: Forbidden: field is immutable when `immutable` is set')
    assert core.read_namespaced_secret("ssh", ns).data == {"ssh-privatekey": base64.b64encode(b"key").decode()}
    assert len(core.list_namespaced_secret(ns, field_selector="type=kubernetes.io/ssh-auth").items) == 1


# -- ConfigMap immutable --------------------------------------------------------------------------------

CONFIGMAP = """
apiVersion: v1
kind: ConfigMap
metadata:
  name: game-config
data:
  player_initial_lives: "3"
  game.properties: |
    enemy.types=aliens,monsters
binaryData:
  logo.bin: AAEC
immutable: true
"""


def test_configmap_immutable(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "apply", "-f", "-", input=CONFIGMAP)
    config = get_json(server, "-n", ns, "cm", "game-config")
    assert (config["immutable"], config["binaryData"]) == (True, {"logo.bin": "AAEC"})
    _, rows = parse_table(server.kubectl("-n", ns, "get", "cm", "game-config").stdout, spaced_headers=True)
    assert rows[0]["DATA"] == "3"  # data and binaryData keys together

    message = 'The ConfigMap "game-config" is invalid: %s: Forbidden: field is immutable when `immutable` is set\n'
    assert refused(server, "-n", ns, "apply", "-f", "-", input=CONFIGMAP.replace('"3"', '"5"')) == message % "data"
    assert refused(server, "-n", ns, "patch", "cm", "game-config", "-p", '{"binaryData":{"logo.bin":"AAED"}}') == (
        message % "binaryData")
    assert refused(server, "-n", ns, "patch", "cm", "game-config", "-p", '{"immutable":false}') == (
        message % "immutable")
    assert refused(server, "-n", ns, "patch", "cm", "game-config", "--type=json", "-p",
                   '[{"op":"remove","path":"/immutable"}]') == message % "immutable"
    # Metadata stays writable, and the object can be deleted and created anew.
    assert server.kubectl("-n", ns, "label", "cm", "game-config", "version=1").stdout == (
        "configmap/game-config labeled\n")
    server.kubectl("-n", ns, "delete", "cm", "game-config")
    server.kubectl("-n", ns, "apply", "-f", "-", input=CONFIGMAP.replace('"3"', '"5"'))

    core = client.CoreV1Api(server.api)
    created = core.create_namespaced_config_map(ns, {"metadata": {"name": "frozen"}, "data": {"k": "v"},
                                                     "immutable": True})
    assert created.immutable is True
    with pytest.raises(ApiException) as refusal:
        core.patch_namespaced_config_map("frozen", ns, {"data": {"k": "w"}})
    assert refusal.value.status == 422
    assert json.loads(refusal.value.body)["details"]["causes"] == [
        {"reason": "FieldValueForbidden", "message": "Forbidden: field is immutable when `immutable` is set",
         "field": "data"}]
    relabelled = core.patch_namespaced_config_map("frozen", ns, {"metadata": {"labels": {"a": "b"}}})
    assert relabelled.metadata.labels == {"a": "b"} and relabelled.data == {"k": "v"}
    assert [c.metadata.name for c in core.list_namespaced_config_map(ns, label_selector="a=b").items] == ["frozen"]
