"""Every kind of the apps area through kubectl v1.35 and the `kubernetes` Python client: Deployments,
ReplicaSets, StatefulSets, DaemonSets, ControllerRevisions (apps/v1), HorizontalPodAutoscalers
(autoscaling/v2, and v1) and PodDisruptionBudgets (policy/v1).

Each kind: a manifest as the Kubernetes docs write it, read back with the defaults v1.35 sets
(pkg/apis/<group>/v1/defaults.go, the strategies' PrepareForCreate), printed with upstream's
columns (pkg/printers/internalversion/printers.go), refused variants with upstream's field paths
and messages (pkg/apis/<group>/validation, values rendered as JSON since apimachinery 1.34), and
the subresources kubectl drives: scale, status, set image, rollout restart/pause/resume.

One module for the whole area (longer than our usual modules): one test per kind, each reading
top to bottom as a user's session, plus server-side apply against scale and `kubectl get all`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from harness import Server, parse_table
from kubernetes import client
from kubernetes.client.rest import ApiException

POD_SPEC_DEFAULTS = {"dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "schedulerName": "default-scheduler",
                     "securityContext": {}, "terminationGracePeriodSeconds": 30}
CONTAINER_DEFAULTS = {"imagePullPolicy": "IfNotPresent", "resources": {},
                      "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels: {app: nginx}
spec:
  replicas: 3
  selector:
    matchLabels: {app: nginx}
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
"""


def get_json(server: Server, ns: str, *what: str) -> Any:
    return json.loads(server.kubectl("-n", ns, "get", *what, "-o", "json").stdout)


def table(server: Server, ns: str, *args: str) -> tuple[list[str], list[dict[str, str]]]:
    return parse_table(server.kubectl("-n", ns, "get", *args).stdout)


def refused(server: Server, ns: str, *args: str, input: str | None = None) -> str:
    """stderr of a kubectl command the server must refuse."""
    result = server.kubectl("-n", ns, *args, input=input, check=False)
    assert result.returncode != 0, result.stdout
    return result.stderr


def names(server: Server, ns: str, resource: str) -> list[str]:
    return [item["metadata"]["name"] for item in get_json(server, ns, resource)["items"]]


# -- Deployment -------------------------------------------------------------------------------------


def test_deployment_defaults_and_columns(server: Server, ns: str) -> None:
    server.kubectl("-n", ns, "apply", "-f", "-", input=DEPLOYMENT)
    deployment = get_json(server, ns, "deployment", "nginx-deployment")
    spec = deployment["spec"]
    assert deployment["metadata"]["generation"] == 1 and deployment["status"] == {}
    assert (spec["replicas"], spec["revisionHistoryLimit"], spec["progressDeadlineSeconds"]) == (3, 10, 600)
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
    template = spec["template"]["spec"]
    assert {k: template[k] for k in POD_SPEC_DEFAULTS} == POD_SPEC_DEFAULTS
    assert template["containers"] == [{"name": "nginx", "image": "nginx:1.14.2", **CONTAINER_DEFAULTS,
                                       "ports": [{"containerPort": 80, "protocol": "TCP"}]}]
    assert "minReadySeconds" not in spec and "paused" not in spec

    header, rows = table(server, ns, "deployments")
    assert header == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert [rows[0][c] for c in header[:4]] == ["nginx-deployment", "0/3", "0", "0"]

    recreate = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api"}, "spec": {
        "strategy": {"type": "Recreate"},
        "selector": {"matchLabels": {"app": "api"}, "matchExpressions": [
            {"key": "tier", "operator": "In", "values": ["backend", "cache"]}]},
        "template": {"metadata": {"labels": {"app": "api", "tier": "backend"}}, "spec": {"containers": [
            {"name": "api", "image": "example.com/api",
             "resources": {"requests": {"cpu": 0.5, "memory": "1.5Gi"}, "limits": {"cpu": "1.0", "memory": "2G"}}},
            {"name": "proxy", "image": "envoyproxy/envoy:v1.30.1"}]}}}}
    server.kubectl("-n", ns, "create", "-f", "-", input=json.dumps(recreate))
    api = get_json(server, ns, "deployment", "api")
    assert api["spec"]["strategy"] == {"type": "Recreate"} and api["spec"]["replicas"] == 1
    assert [c["imagePullPolicy"] for c in api["spec"]["template"]["spec"]["containers"]] == ["Always", "IfNotPresent"]
    assert api["spec"]["template"]["spec"]["containers"][0]["resources"] == {
        "requests": {"cpu": "500m", "memory": "1536Mi"}, "limits": {"cpu": "1", "memory": "2G"}}
    header, rows = table(server, ns, "deployments", "-o", "wide")
    assert header == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]
    by_name = {r["NAME"]: r for r in rows}
    assert [by_name["api"][c] for c in ("READY", "CONTAINERS", "IMAGES", "SELECTOR")] == [
        "0/1", "api,proxy", "example.com/api,envoyproxy/envoy:v1.30.1", "app=api,tier in (backend,cache)"]
    assert [by_name["nginx-deployment"][c] for c in header[5:]] == ["nginx", "nginx:1.14.2", "app=nginx"]


def test_deployment_scale_set_image_rollout(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "apply", "-f", "-", input=DEPLOYMENT)
    assert k("-n", ns, "scale", "deployment", "nginx-deployment", "--replicas=5").stdout == (
        "deployment.apps/nginx-deployment scaled\n")
    scale = json.loads(k("get", "--raw", f"/apis/apps/v1/namespaces/{ns}/deployments/nginx-deployment/scale").stdout)
    assert (scale["apiVersion"], scale["kind"], scale["spec"], scale["status"]) == (
        "autoscaling/v1", "Scale", {"replicas": 5}, {"replicas": 0, "selector": "app=nginx"})
    deployment = get_json(server, ns, "deployment", "nginx-deployment")
    assert (deployment["spec"]["replicas"], deployment["metadata"]["generation"]) == (5, 2)

    assert k("-n", ns, "set", "image", "deployment/nginx-deployment", "nginx=nginx:1.16.1").stdout == (
        "deployment.apps/nginx-deployment image updated\n")
    assert k("-n", ns, "rollout", "restart", "deployment/nginx-deployment").stdout == (
        "deployment.apps/nginx-deployment restarted\n")
    deployment = get_json(server, ns, "deployment", "nginx-deployment")
    template = deployment["spec"]["template"]
    assert template["spec"]["containers"][0]["image"] == "nginx:1.16.1"
    assert list(template["metadata"]["annotations"]) == ["kubectl.kubernetes.io/restartedAt"]
    assert RFC3339.match(template["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"])
    assert deployment["metadata"]["generation"] == 4

    assert k("-n", ns, "rollout", "pause", "deployment/nginx-deployment").stdout == (
        "deployment.apps/nginx-deployment paused\n")
    assert get_json(server, ns, "deployment", "nginx-deployment")["spec"]["paused"] is True
    k("-n", ns, "rollout", "resume", "deployment/nginx-deployment")
    k("-n", ns, "annotate", "deployment", "nginx-deployment", "team=web")  # annotations are copied to replicasets
    assert get_json(server, ns, "deployment", "nginx-deployment")["metadata"]["generation"] == 7

    # The deployment controller's report, through deployments/status, is what `rollout status` reads.
    status = {"status": {"observedGeneration": 7, "replicas": 5, "updatedReplicas": 5, "readyReplicas": 4,
                         "availableReplicas": 4, "unavailableReplicas": 1}}
    k("-n", ns, "patch", "deployment", "nginx-deployment", "--subresource=status", "--type=merge",
      "-p", json.dumps(status))
    _, rows = table(server, ns, "deployment", "nginx-deployment")
    assert [rows[0][c] for c in ("READY", "UP-TO-DATE", "AVAILABLE")] == ["4/5", "5", "4"]
    status["status"].update(readyReplicas=5, availableReplicas=5, unavailableReplicas=0)
    k("-n", ns, "patch", "deployment", "nginx-deployment", "--subresource=status", "--type=merge",
      "-p", json.dumps(status))
    assert k("-n", ns, "rollout", "status", "deployment/nginx-deployment", "--timeout=5s").stdout == (
        'deployment "nginx-deployment" successfully rolled out\n')
    deployment = get_json(server, ns, "deployment", "nginx-deployment")
    assert deployment["metadata"]["generation"] == 7 and deployment["spec"]["replicas"] == 5


def test_deployment_refused_variants(server: Server, ns: str) -> None:
    no_selector = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
"""
    assert refused(server, ns, "apply", "-f", "-", input=no_selector) == (
        'The Deployment "web" is invalid: \n'
        "* spec.selector: Required value\n"
        '* spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`\n')
    mismatch = no_selector.replace("spec:\n  template", "spec:\n  selector: {matchLabels: {app: api}}\n  template")
    assert refused(server, ns, "apply", "-f", "-", input=mismatch) == (
        'The Deployment "web" is invalid: spec.template.metadata.labels: Invalid value: {"app":"web"}: '
        "`selector` does not match template `labels`\n")
    zero = mismatch.replace("app: api}}", "app: web}}\n  strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 0}}")
    assert refused(server, ns, "apply", "-f", "-", input=zero) == (
        'The Deployment "web" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: '
        "may not be 0 when `maxSurge` is 0\n")
    recreate = zero.replace("strategy: {", "strategy: {type: Recreate, ").replace("maxSurge: 0, maxUnavailable: 0",
                                                                                   "maxSurge: 1")
    assert refused(server, ns, "apply", "-f", "-", input=recreate) == (
        "The Deployment \"web\" is invalid: spec.strategy.rollingUpdate: Forbidden: may not be specified when "
        "strategy `type` is 'Recreate'\n")
    over = zero.replace("maxSurge: 0, maxUnavailable: 0", 'maxUnavailable: "110%"')
    assert refused(server, ns, "apply", "-f", "-", input=over) == (
        'The Deployment "web" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "110%": '
        "must not be greater than 100%\n")
    assert names(server, ns, "deployments") == []

    # The selector is immutable in apps/v1: a new label on selector and template is refused.
    server.kubectl("-n", ns, "apply", "-f", "-", input=DEPLOYMENT)
    relabelled = DEPLOYMENT.replace("{app: nginx}\n  template", "{app: nginx, version: v2}\n  template").replace(
        "labels: {app: nginx}\n    spec", "labels: {app: nginx, version: v2}\n    spec")
    assert refused(server, ns, "apply", "-f", "-", input=relabelled) == (
        'The Deployment "nginx-deployment" is invalid: spec.selector: Invalid value: '
        '{"matchLabels":{"app":"nginx","version":"v2"}}: field is immutable\n')
    assert refused(server, ns, "patch", "deployment", "nginx-deployment", "--subresource=scale", "--type=merge",
                   "-p", '{"spec":{"replicas":-1}}') == (
        'The Scale "nginx-deployment" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal '
        "to 0\n")
    assert refused(server, ns, "patch", "deployment", "nginx-deployment", "--subresource=status", "--type=merge",
                   "-p", '{"status":{"replicas":2,"readyReplicas":1,"availableReplicas":2}}') == (
        'The Deployment "nginx-deployment" is invalid: status.availableReplicas: Invalid value: 2: cannot be greater '
        "than readyReplicas\n")
    deployment = get_json(server, ns, "deployment", "nginx-deployment")
    assert deployment["spec"]["selector"] == {"matchLabels": {"app": "nginx"}} and deployment["spec"]["replicas"] == 3
    assert deployment["status"] == {} and deployment["metadata"]["generation"] == 1

    # A name that is a DNS subdomain but not a DNS label is accepted, with upstream's warning.
    dotted = server.kubectl("-n", ns, "create", "deployment", "web.v1", "--image=nginx")
    assert dotted.stderr == (
        "Warning: metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; "
        "a DNS label is recommended: [must not contain dots]\n")


def test_deployment_server_side_apply_and_scale(server: Server, ns: str) -> None:
    """helm v4 and GitOps tools apply server-side; `kubectl scale` (or an HPA) then owns spec.replicas
    through the scale subresource, and the next apply that sets replicas conflicts with it."""
    k = server.kubectl
    assert k("-n", ns, "apply", "--server-side", "-f", "-", input=DEPLOYMENT).stdout == (
        "deployment.apps/nginx-deployment serverside-applied\n")
    k("-n", ns, "scale", "deployment", "nginx-deployment", "--replicas=5")
    managers = {(m["manager"], m["operation"], m.get("subresource", "")): m["fieldsV1"] for m in get_json(
        server, ns, "deployment", "nginx-deployment", "--show-managed-fields")["metadata"]["managedFields"]}
    assert managers[("kubectl", "Update", "scale")] == {"f:spec": {"f:replicas": {}}}
    assert "f:replicas" not in managers[("kubectl", "Apply", "")]["f:spec"]
    conflict = refused(server, ns, "apply", "--server-side", "-f", "-", input=DEPLOYMENT)
    assert conflict.splitlines()[0] == ('error: Apply failed with 1 conflict: conflict with "kubectl" with subresource '
                                        '"scale" using apps/v1: .spec.replicas')
    k("-n", ns, "apply", "--server-side", "--force-conflicts", "-f", "-", input=DEPLOYMENT)
    deployment = get_json(server, ns, "deployment", "nginx-deployment", "--show-managed-fields")
    assert deployment["spec"]["replicas"] == 3 and deployment["metadata"]["generation"] == 3
    assert [(m["manager"], m["operation"]) for m in deployment["metadata"]["managedFields"]] == [("kubectl", "Apply")]


def test_deployment_python_client(server: Server, ns: str) -> None:
    apps = client.AppsV1Api(server.api)
    body = client.V1Deployment(
        metadata=client.V1ObjectMeta(name="hello", labels={"app": "hello"}),
        spec=client.V1DeploymentSpec(
            selector=client.V1LabelSelector(match_labels={"app": "hello"}),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels={"app": "hello"}),
                spec=client.V1PodSpec(containers=[client.V1Container(name="hello", image="busybox:1.36",
                                                                     command=["sleep", "3600"])]))))
    created = apps.create_namespaced_deployment(ns, body)
    assert created.spec.replicas == 1 and created.spec.strategy.rolling_update.max_surge == "25%"
    assert created.spec.template.spec.containers[0].image_pull_policy == "IfNotPresent"
    scale = apps.patch_namespaced_deployment_scale("hello", ns, {"spec": {"replicas": 2}})
    assert (scale.spec.replicas, scale.status.selector) == (2, "app=hello")
    assert apps.read_namespaced_deployment_scale("hello", ns).spec.replicas == 2
    patched = apps.patch_namespaced_deployment("hello", ns, {"spec": {"template": {"spec": {"containers": [
        {"name": "hello", "image": "busybox:1.37"}]}}}})
    assert patched.spec.template.spec.containers[0].image == "busybox:1.37"
    assert patched.spec.template.spec.containers[0].command == ["sleep", "3600"]  # strategic merge by name
    assert patched.metadata.generation == 3
    status = apps.patch_namespaced_deployment_status("hello", ns, {"status": {
        "observedGeneration": 3, "replicas": 2, "conditions": [
            {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
             "message": "Deployment has minimum availability.", "lastUpdateTime": "2025-01-01T00:00:00Z",
             "lastTransitionTime": "2025-01-01T00:00:00Z"}]}})
    assert status.status.conditions[0].reason == "MinimumReplicasAvailable" and status.spec.replicas == 2
    listed = apps.list_namespaced_deployment(ns, label_selector="app=hello")
    assert [d.metadata.name for d in listed.items] == ["hello"] and listed.items[0].status.replicas == 2
    current = apps.read_namespaced_deployment("hello", ns)
    current.spec.selector = client.V1LabelSelector(match_labels={"app": "other"})
    try:
        apps.replace_namespaced_deployment("hello", ns, current)
    except ApiException as exc:
        assert exc.status == 422
        assert [c["field"] for c in json.loads(exc.body)["details"]["causes"]] == [
            "spec.template.metadata.labels", "spec.selector"]
    else:
        raise AssertionError("a new selector was accepted")


# -- ReplicaSet -------------------------------------------------------------------------------------

REPLICASET = """
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: frontend
  labels: {app: guestbook, tier: frontend}
spec:
  replicas: 3
  selector:
    matchLabels: {tier: frontend}
  template:
    metadata:
      labels: {tier: frontend}
    spec:
      containers:
      - name: php-redis
        image: us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5
"""


def test_replicaset(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "apply", "-f", "-", input=REPLICASET)
    rs = get_json(server, ns, "rs", "frontend")
    assert rs["status"] == {"replicas": 0} and rs["metadata"]["generation"] == 1
    assert rs["spec"]["replicas"] == 3 and "minReadySeconds" not in rs["spec"]
    assert {k_: rs["spec"]["template"]["spec"][k_] for k_ in POD_SPEC_DEFAULTS} == POD_SPEC_DEFAULTS
    header, rows = table(server, ns, "replicasets")
    assert header == ["NAME", "DESIRED", "CURRENT", "READY", "AGE"]
    assert [rows[0][c] for c in header[:4]] == ["frontend", "3", "0", "0"]
    header, rows = table(server, ns, "replicasets", "-o", "wide")
    assert header == ["NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]
    assert [rows[0][c] for c in header[5:]] == [
        "php-redis", "us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5", "tier=frontend"]

    assert k("-n", ns, "scale", "rs", "frontend", "--replicas=1").stdout == "replicaset.apps/frontend scaled\n"
    k("-n", ns, "patch", "rs", "frontend", "--subresource=status", "--type=merge",
      "-p", '{"status":{"replicas":1,"fullyLabeledReplicas":1,"readyReplicas":1,"availableReplicas":1,'
            '"observedGeneration":2}}')
    _, rows = table(server, ns, "rs", "frontend")
    assert [rows[0][c] for c in ("DESIRED", "CURRENT", "READY")] == ["1", "1", "1"]

    assert refused(server, ns, "patch", "rs", "frontend", "--subresource=status", "--type=merge",
                   "-p", '{"status":{"readyReplicas":3}}') == (
        'The ReplicaSet "frontend" is invalid: status.readyReplicas: Invalid value: 3: cannot be greater than '
        "status.replicas\n")
    assert refused(server, ns, "patch", "rs", "frontend", "--type=merge",
                   "-p", '{"spec":{"selector":{"matchLabels":{"tier":"web"}},'
                         '"template":{"metadata":{"labels":{"tier":"web"}}}}}') == (
        'The ReplicaSet "frontend" is invalid: spec.selector: Invalid value: {"matchLabels":{"tier":"web"}}: '
        "field is immutable\n")
    on_failure = REPLICASET.replace("name: frontend\n", "name: batch\n").replace(
        "    spec:\n      containers", "    spec:\n      restartPolicy: OnFailure\n      containers")
    assert refused(server, ns, "apply", "-f", "-", input=on_failure) == (
        'The ReplicaSet "batch" is invalid: spec.template.spec.restartPolicy: Unsupported value: "OnFailure": '
        'supported values: "Always"\n')
    empty = REPLICASET.replace("name: frontend\n", "name: empty\n").replace("matchLabels: {tier: frontend}",
                                                                          "matchLabels: {}")
    assert refused(server, ns, "apply", "-f", "-", input=empty) == (
        'The ReplicaSet "empty" is invalid: spec.selector: Invalid value: {}: empty selector is invalid for '
        "deployment\n")
    assert names(server, ns, "rs") == ["frontend"]

    apps = client.AppsV1Api(server.api)
    assert apps.read_namespaced_replica_set_scale("frontend", ns).spec.replicas == 1
    scale = apps.replace_namespaced_replica_set_scale("frontend", ns, {
        "apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "frontend", "namespace": ns},
        "spec": {"replicas": 4}})
    assert (scale.spec.replicas, scale.status.replicas, scale.status.selector) == (4, 1, "tier=frontend")
    patched = apps.patch_namespaced_replica_set("frontend", ns, {"metadata": {"labels": {"release": "canary"}}})
    assert patched.metadata.generation == 3 and patched.spec.replicas == 4  # labels are not spec
    assert [rs.metadata.name for rs in apps.list_namespaced_replica_set(ns, label_selector="release").items] == [
        "frontend"]


# -- StatefulSet ------------------------------------------------------------------------------------

STATEFULSET = """
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: nginx}
  serviceName: nginx
  replicas: 3
  minReadySeconds: 10
  template:
    metadata:
      labels: {app: nginx}
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - {containerPort: 80, name: web}
        volumeMounts:
        - {name: www, mountPath: /usr/share/nginx/html}
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ReadWriteOnce]
      storageClassName: my-storage-class
      resources:
        requests:
          storage: 1Gi
"""


def test_statefulset(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "apply", "-f", "-", input=STATEFULSET)
    sts = get_json(server, ns, "statefulset", "web")
    spec = sts["spec"]
    assert sts["status"] == {"replicas": 0, "availableReplicas": 0} and sts["metadata"]["generation"] == 1
    assert (spec["podManagementPolicy"], spec["revisionHistoryLimit"], spec["replicas"]) == ("OrderedReady", 10, 3)
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0, "maxUnavailable": 1}}
    assert spec["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    assert spec["volumeClaimTemplates"] == [{
        "apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "www"},
        "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "my-storage-class",
                 "resources": {"requests": {"storage": "1Gi"}}, "volumeMode": "Filesystem"},
        "status": {"phase": "Pending"}}]
    assert spec["template"]["spec"]["terminationGracePeriodSeconds"] == 10
    header, rows = table(server, ns, "statefulsets")
    assert header == ["NAME", "READY", "AGE"] and [rows[0]["NAME"], rows[0]["READY"]] == ["web", "0/3"]
    header, rows = table(server, ns, "sts", "-o", "wide")
    assert header == ["NAME", "READY", "AGE", "CONTAINERS", "IMAGES"]
    assert [rows[0][c] for c in ("CONTAINERS", "IMAGES")] == ["nginx", "registry.k8s.io/nginx-slim:0.24"]

    assert k("-n", ns, "scale", "sts", "web", "--replicas=5").stdout == "statefulset.apps/web scaled\n"
    scale = json.loads(k("get", "--raw", f"/apis/apps/v1/namespaces/{ns}/statefulsets/web/scale").stdout)
    assert scale["spec"] == {"replicas": 5} and scale["status"] == {"replicas": 0, "selector": "app=nginx"}
    k("-n", ns, "patch", "sts", "web", "--subresource=status", "--type=merge", "-p",
      '{"status":{"observedGeneration":2,"replicas":5,"readyReplicas":2,"currentReplicas":5,"updatedReplicas":5,'
      '"availableReplicas":2}}')
    _, rows = table(server, ns, "sts", "web")
    assert rows[0]["READY"] == "2/5"
    assert k("-n", ns, "set", "image", "sts/web", "nginx=registry.k8s.io/nginx-slim:0.27").stdout == (
        "statefulset.apps/web image updated\n")
    k("-n", ns, "rollout", "restart", "sts/web")
    sts = get_json(server, ns, "statefulset", "web")
    assert sts["metadata"]["generation"] == 4 and sts["status"]["readyReplicas"] == 2
    assert "kubectl.kubernetes.io/restartedAt" in sts["spec"]["template"]["metadata"]["annotations"]

    forbidden = ("spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', "
                 "'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and "
                 "'minReadySeconds' are forbidden")
    bigger = STATEFULSET.replace("storage: 1Gi", "storage: 2Gi")
    assert refused(server, ns, "apply", "-f", "-", input=bigger) == (
        f'The StatefulSet "web" is invalid: {forbidden}\n')
    assert refused(server, ns, "patch", "sts", "web", "--type=merge", "-p",
                   '{"spec":{"serviceName":"nginx-headless","podManagementPolicy":"Sequential"}}') == (
        'The StatefulSet "web" is invalid: \n'
        "* spec.podManagementPolicy: Invalid value: \"Sequential\": must be 'OrderedReady' or 'Parallel'\n"
        f"* {forbidden}\n")
    # OnDelete with partition: the defaulted rollingUpdate stays and is refused with the internal struct's JSON.
    assert refused(server, ns, "patch", "sts", "web", "--type=merge", "-p",
                   '{"spec":{"updateStrategy":{"type":"OnDelete"}}}') == (
        'The StatefulSet "web" is invalid: spec.updateStrategy.rollingUpdate: Invalid value: '
        "{\"Partition\":0,\"MaxUnavailable\":1}: only allowed for updateStrategy 'RollingUpdate'\n")
    dotted = STATEFULSET.replace("name: web\n", "name: web.v1\n", 1)
    assert refused(server, ns, "apply", "-f", "-", input=dotted) == (
        'The StatefulSet "web.v1" is invalid: metadata.name: Invalid value: "web.v1": must not contain dots\n')
    assert names(server, ns, "sts") == ["web"]

    apps = client.AppsV1Api(server.api)
    read = apps.read_namespaced_stateful_set("web", ns)
    assert read.spec.volume_claim_templates[0].spec.volume_mode == "Filesystem"
    assert read.spec.update_strategy.rolling_update.max_unavailable == 1
    scale = apps.patch_namespaced_stateful_set_scale("web", ns, {"spec": {"replicas": 2}})
    assert (scale.spec.replicas, scale.status.replicas) == (2, 5)
    patched = apps.patch_namespaced_stateful_set("web", ns, {"spec": {"updateStrategy": {
        "rollingUpdate": {"partition": 1}}}})
    assert patched.spec.update_strategy.rolling_update.partition == 1 and patched.spec.replicas == 2
    assert [s.metadata.name for s in apps.list_namespaced_stateful_set(ns).items] == ["web"]


# -- DaemonSet --------------------------------------------------------------------------------------

DAEMONSET = """
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd-elasticsearch
  labels: {k8s-app: fluentd-logging}
spec:
  selector:
    matchLabels: {name: fluentd-elasticsearch}
  template:
    metadata:
      labels: {name: fluentd-elasticsearch}
    spec:
      nodeSelector: {kubernetes.io/os: linux}
      tolerations:
      - {key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}
      containers:
      - name: fluentd-elasticsearch
        image: quay.io/fluentd_elasticsearch/fluentd:v5.0.1
        resources:
          limits: {memory: 200Mi}
          requests: {cpu: 100m, memory: 200Mi}
        volumeMounts:
        - {name: varlog, mountPath: /var/log}
      terminationGracePeriodSeconds: 30
      volumes:
      - name: varlog
        hostPath: {path: /var/log}
"""
TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"


def test_daemonset(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "apply", "-f", "-", input=DAEMONSET)
    ds = get_json(server, ns, "daemonset", "fluentd-elasticsearch")
    spec = ds["spec"]
    assert ds["metadata"]["annotations"][TEMPLATE_GENERATION] == "1" and ds["metadata"]["generation"] == 1
    assert ds["status"] == {"currentNumberScheduled": 0, "numberMisscheduled": 0, "desiredNumberScheduled": 0,
                            "numberReady": 0}
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}
    assert spec["revisionHistoryLimit"] == 10
    assert spec["template"]["spec"]["volumes"] == [{"name": "varlog", "hostPath": {"path": "/var/log", "type": ""}}]
    header, rows = table(server, ns, "daemonsets")
    assert header == ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE", "SELECTOR", "AGE"]
    out = server.kubectl("-n", ns, "get", "ds", "-o", "wide").stdout.splitlines()
    assert out[0].split() == ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE", "SELECTOR",
                              "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]
    cells = out[1].split()
    assert cells[:7] == ["fluentd-elasticsearch", "0", "0", "0", "0", "0", "kubernetes.io/os=linux"]
    assert cells[8:] == ["fluentd-elasticsearch", "quay.io/fluentd_elasticsearch/fluentd:v5.0.1",
                         "name=fluentd-elasticsearch"]

    k("-n", ns, "patch", "ds", "fluentd-elasticsearch", "--subresource=status", "--type=merge", "-p",
      '{"status":{"desiredNumberScheduled":3,"currentNumberScheduled":3,"numberReady":2,"updatedNumberScheduled":3,'
      '"numberAvailable":2,"numberUnavailable":1,"observedGeneration":1}}')
    _, rows = table(server, ns, "ds")
    assert [rows[0][c] for c in ("DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE")] == ["3", "3", "2", "3", "2"]
    assert get_json(server, ns, "ds", "fluentd-elasticsearch")["metadata"]["annotations"][TEMPLATE_GENERATION] == "1"
    assert k("-n", ns, "set", "image", "ds/fluentd-elasticsearch",
             "fluentd-elasticsearch=quay.io/fluentd_elasticsearch/fluentd:v5.0.2").stdout == (
        "daemonset.apps/fluentd-elasticsearch image updated\n")
    assert k("-n", ns, "rollout", "restart", "ds/fluentd-elasticsearch").stdout == (
        "daemonset.apps/fluentd-elasticsearch restarted\n")
    k("-n", ns, "patch", "ds", "fluentd-elasticsearch", "--type=merge", "-p", '{"spec":{"minReadySeconds":5}}')
    ds = get_json(server, ns, "ds", "fluentd-elasticsearch")
    # Template changes move the template generation; other spec changes only the generation.
    assert (ds["metadata"]["annotations"][TEMPLATE_GENERATION], ds["metadata"]["generation"]) == ("3", 4)
    assert ds["status"]["numberReady"] == 2
    # A client cannot move the template generation itself.
    k("-n", ns, "annotate", "--overwrite", "ds", "fluentd-elasticsearch", f"{TEMPLATE_GENERATION}=9")
    assert get_json(server, ns, "ds", "fluentd-elasticsearch")["metadata"]["annotations"][TEMPLATE_GENERATION] == "3"

    no_scale = refused(server, ns, "scale", "ds", "fluentd-elasticsearch", "--replicas=2")
    assert no_scale == "Error from server (NotFound): the server could not find the requested resource\n"
    surge = DAEMONSET.replace("name: fluentd-elasticsearch\n  labels", "name: surge\n  labels").replace(
        "spec:\n  selector", "spec:\n  updateStrategy: {rollingUpdate: {maxSurge: 1}}\n  selector")
    assert refused(server, ns, "apply", "-f", "-", input=surge) == (
        'The DaemonSet "surge" is invalid: spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be '
        "set when maxUnavailable is non-zero\n")
    unknown = surge.replace("{rollingUpdate: {maxSurge: 1}}", "{type: Rolling}")
    assert refused(server, ns, "apply", "-f", "-", input=unknown) == (
        'The DaemonSet "surge" is invalid: spec.updateStrategy: Unsupported value: {"Type":"Rolling",'
        '"RollingUpdate":null}: supported values: "RollingUpdate", "OnDelete"\n')
    assert refused(server, ns, "patch", "ds", "fluentd-elasticsearch", "--type=merge", "-p",
                   '{"spec":{"selector":{"matchLabels":{"name":"fluentd"}}}}') == (
        'The DaemonSet "fluentd-elasticsearch" is invalid: \n'
        '* spec.template.metadata.labels: Invalid value: {"name":"fluentd-elasticsearch"}: `selector` does not match '
        "template `labels`\n"
        '* spec.selector: Invalid value: {"matchLabels":{"name":"fluentd"}}: field is immutable\n')
    assert names(server, ns, "ds") == ["fluentd-elasticsearch"]

    apps = client.AppsV1Api(server.api)
    body = client.V1DaemonSet(
        metadata=client.V1ObjectMeta(name="node-exporter"),
        spec=client.V1DaemonSetSpec(
            selector=client.V1LabelSelector(match_labels={"app": "node-exporter"}),
            update_strategy=client.V1DaemonSetUpdateStrategy(type="OnDelete"),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels={"app": "node-exporter"}),
                spec=client.V1PodSpec(host_network=True, host_pid=True, containers=[client.V1Container(
                    name="node-exporter", image="quay.io/prometheus/node-exporter:v1.8.2",
                    ports=[client.V1ContainerPort(container_port=9100, name="metrics")])]))))
    created = apps.create_namespaced_daemon_set(ns, body)
    assert created.spec.update_strategy.type == "OnDelete" and created.spec.update_strategy.rolling_update is None
    assert created.metadata.annotations == {TEMPLATE_GENERATION: "1"}
    assert created.spec.template.spec.containers[0].ports[0].host_port is None  # only pods get it from hostNetwork
    assert created.spec.template.spec.dns_policy == "ClusterFirst"
    patched = apps.patch_namespaced_daemon_set("node-exporter", ns, {"spec": {"template": {"metadata": {
        "annotations": {"prometheus.io/scrape": "true"}}}}})
    assert patched.metadata.annotations[TEMPLATE_GENERATION] == "2" and patched.metadata.generation == 2
    status = apps.read_namespaced_daemon_set_status("node-exporter", ns)
    assert status.status.desired_number_scheduled == 0 and status.status.number_ready == 0
    assert sorted(d.metadata.name for d in apps.list_namespaced_daemon_set(ns).items) == [
        "fluentd-elasticsearch", "node-exporter"]


# -- ControllerRevision -----------------------------------------------------------------------------


def test_controllerrevision(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "apply", "-f", "-", input=STATEFULSET)
    uid = get_json(server, ns, "sts", "web")["metadata"]["uid"]
    revision = f"""
apiVersion: apps/v1
kind: ControllerRevision
metadata:
  name: web-7b9d5f6c8
  labels: {{app: nginx, controller.kubernetes.io/hash: 7b9d5f6c8}}
  ownerReferences:
  - {{apiVersion: apps/v1, kind: StatefulSet, name: web, uid: {uid}, controller: true, blockOwnerDeletion: true}}
revision: 1
data:
  spec:
    template:
      $patch: replace
      metadata: {{labels: {{app: nginx}}}}
      spec:
        containers: [{{name: nginx, image: registry.k8s.io/nginx-slim:0.24}}]
"""
    k("-n", ns, "apply", "-f", "-", input=revision)
    stored = get_json(server, ns, "controllerrevision", "web-7b9d5f6c8")
    assert stored["revision"] == 1 and "generation" not in stored["metadata"] and "spec" not in stored
    assert stored["data"] == {"spec": {"template": {"$patch": "replace", "metadata": {"labels": {"app": "nginx"}},
                                                    "spec": {"containers": [{"name": "nginx",
                                                                             "image": "registry.k8s.io/nginx-slim:0.24"}]}}}}
    loose = {"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": {"name": "loose"}, "revision": 7,
             "data": {"anything": ["goes", 1]}}
    k("-n", ns, "create", "-f", "-", input=json.dumps(loose))
    for args in (("controllerrevisions",), ("controllerrevisions", "-o", "wide")):
        header, rows = table(server, ns, *args)
        assert header == ["NAME", "CONTROLLER", "REVISION", "AGE"]
        assert [[r[c] for c in header[:3]] for r in rows] == [["loose", "<none>", "7"],
                                                              ["web-7b9d5f6c8", "statefulset.apps/web", "1"]]

    assert refused(server, ns, "create", "-f", "-", input=json.dumps(
        {**loose, "metadata": {"name": "nodata"}, "revision": -1, "data": None})) == (
        'The ControllerRevision "nodata" is invalid: \n'
        "* data: Required value: data is mandatory\n"
        "* revision: Invalid value: -1: must be greater than or equal to 0\n")
    assert refused(server, ns, "patch", "controllerrevision", "loose", "--type=merge",
                   "-p", '{"data":{"anything":"else"}}') == (
        'The ControllerRevision "loose" is invalid: data: Invalid value: {"anything":"else"}: field is immutable\n')
    k("-n", ns, "patch", "controllerrevision", "loose", "--type=merge", "-p", '{"revision":8}')  # revision may move
    assert names(server, ns, "controllerrevisions") == ["loose", "web-7b9d5f6c8"]

    apps = client.AppsV1Api(server.api)
    created = apps.create_namespaced_controller_revision(ns, client.V1ControllerRevision(
        metadata=client.V1ObjectMeta(name="fluentd-5f7c9d", labels={"controller-revision-hash": "5f7c9d"}),
        revision=2, data={"spec": {"template": {"spec": {"containers": [{"name": "f", "image": "fluentd"}]}}}}))
    assert created.revision == 2 and created.data["spec"]["template"]["spec"]["containers"][0]["image"] == "fluentd"
    read = apps.read_namespaced_controller_revision("loose", ns)
    assert read.revision == 8 and read.data == {"anything": ["goes", 1]}
    patched = apps.patch_namespaced_controller_revision("fluentd-5f7c9d", ns, {"metadata": {"labels": {"x": "y"}}})
    assert patched.metadata.labels == {"controller-revision-hash": "5f7c9d", "x": "y"}
    listed = apps.list_namespaced_controller_revision(ns, label_selector="controller-revision-hash")
    assert [r.metadata.name for r in listed.items] == ["fluentd-5f7c9d"]


# -- HorizontalPodAutoscaler ------------------------------------------------------------------------

HPA = """
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: php-apache
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: php-apache
  minReplicas: 1
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 50
  - type: Object
    object:
      metric:
        name: requests-per-second
      describedObject:
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        name: main-route
      target:
        type: Value
        value: 10k
  - type: Resource
    resource:
      name: memory
      target:
        type: AverageValue
        averageValue: 500Mi
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
"""


def test_horizontalpodautoscaler(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "apply", "-f", "-", input=HPA)
    hpa = get_json(server, ns, "hpa", "php-apache")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["status"] == {"currentMetrics": None, "desiredReplicas": 0}
    assert hpa["spec"]["behavior"] == {
        "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
            {"type": "Pods", "value": 4, "periodSeconds": 15}, {"type": "Percent", "value": 100, "periodSeconds": 15}]},
        "scaleDown": {"stabilizationWindowSeconds": 300, "selectPolicy": "Max", "policies": [
            {"type": "Percent", "value": 100, "periodSeconds": 15}]}}
    header, rows = table(server, ns, "hpa")
    assert header == ["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"]
    assert [rows[0][c] for c in header[:6]] == [
        "php-apache", "Deployment/php-apache", "cpu: <unknown>/50%, <unknown>/10k + 1 more...", "1", "10", "0"]
    assert table(server, ns, "hpa", "-o", "wide")[0] == header

    status = {"status": {"currentReplicas": 3, "desiredReplicas": 4, "currentMetrics": [
        {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 73, "averageValue": "146m"}}},
        {"type": "Object", "object": {"metric": {"name": "requests-per-second"}, "describedObject": {
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "name": "main-route"},
            "current": {"value": "12500"}}}]}}
    k("-n", ns, "patch", "hpa", "php-apache", "--subresource=status", "--type=merge", "-p", json.dumps(status))
    _, rows = table(server, ns, "hpa")
    assert (rows[0]["TARGETS"], rows[0]["REPLICAS"]) == ("cpu: 73%/50%, 12500/10k + 1 more...", "3")

    bounds = HPA.replace("name: php-apache\nspec", "name: bounds\nspec").replace("minReplicas: 1", "minReplicas: 0")
    bounds = bounds.replace("maxReplicas: 10", "maxReplicas: 0")
    assert refused(server, ns, "apply", "-f", "-", input=bounds) == (
        'The HorizontalPodAutoscaler "bounds" is invalid: \n'
        "* spec.minReplicas: Invalid value: 0: must be greater than or equal to 1\n"
        "* spec.maxReplicas: Invalid value: 0: must be greater than 0\n")
    assert refused(server, ns, "patch", "hpa", "php-apache", "--type=merge",
                   "-p", '{"spec":{"minReplicas":5,"maxReplicas":3}}') == (
        'The HorizontalPodAutoscaler "php-apache" is invalid: spec.maxReplicas: Invalid value: 3: must be greater '
        "than or equal to `minReplicas`\n")
    no_group = HPA.replace("name: php-apache\nspec", "name: nogroup\nspec").replace(
        "apiVersion: apps/v1\n    kind: Deployment", "apiVersion: v1\n    kind: Deployment")
    assert refused(server, ns, "apply", "-f", "-", input=no_group) == (
        'The HorizontalPodAutoscaler "nogroup" is invalid: spec.scaleTargetRef.apiVersion: Invalid value: "v1": '
        "apiVersion must specify API group\n")
    assert names(server, ns, "hpa") == ["php-apache"]

    # `kubectl autoscale` writes autoscaling/v2; an autoscaling/v1 object reads back as v2 metrics.
    k("-n", ns, "create", "deployment", "web", "--image=nginx")
    assert k("-n", ns, "autoscale", "deployment", "web", "--min=2", "--max=5", "--cpu=80%").stdout == (
        "horizontalpodautoscaler.autoscaling/web autoscaled\n")
    web = get_json(server, ns, "hpa", "web")["spec"]
    assert web["metrics"] == [{"type": "Resource", "resource": {"name": "cpu", "target": {
        "type": "Utilization", "averageUtilization": 80}}}] and (web["minReplicas"], web["maxReplicas"]) == (2, 5)
    v1 = client.AutoscalingV1Api(server.api).create_namespaced_horizontal_pod_autoscaler(ns, {
        "apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "legacy"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web"},
                 "maxReplicas": 4, "targetCPUUtilizationPercentage": 70}})
    assert (v1.spec.min_replicas, v1.spec.target_cpu_utilization_percentage) == (1, 70)
    assert (v1.status.current_replicas, v1.status.desired_replicas) == (0, 0)
    v2 = client.AutoscalingV2Api(server.api)
    legacy = v2.read_namespaced_horizontal_pod_autoscaler("legacy", ns)
    assert legacy.spec.metrics[0].resource.target.average_utilization == 70 and legacy.spec.behavior is None
    patched = v2.patch_namespaced_horizontal_pod_autoscaler("legacy", ns, {"spec": {"maxReplicas": 8}})
    assert patched.spec.max_replicas == 8 and patched.spec.min_replicas == 1
    assert sorted(h.metadata.name for h in v2.list_namespaced_horizontal_pod_autoscaler(ns).items) == [
        "legacy", "php-apache", "web"]
    _, rows = table(server, ns, "hpa", "legacy")
    assert [rows[0][c] for c in ("REFERENCE", "TARGETS", "MINPODS", "MAXPODS")] == [
        "StatefulSet/web", "cpu: <unknown>/70%", "1", "8"]


# -- PodDisruptionBudget ----------------------------------------------------------------------------

PDB = """
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: zk-pdb
spec:
  minAvailable: 2
  selector:
    matchLabels:
      app: zookeeper
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web-pdb
spec:
  maxUnavailable: 25%
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      app: web
"""


def test_poddisruptionbudget(server: Server, ns: str) -> None:
    k = server.kubectl
    k("-n", ns, "apply", "-f", "-", input=PDB)
    zk = get_json(server, ns, "pdb", "zk-pdb")
    assert zk["spec"] == {"minAvailable": 2, "selector": {"matchLabels": {"app": "zookeeper"}}}
    assert zk["status"] == {"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0}
    assert zk["metadata"]["generation"] == 1
    for args in (("pdb",), ("pdb", "-o", "wide")):
        out = server.kubectl("-n", ns, "get", *args).stdout.splitlines()
        assert out[0].split() == ["NAME", "MIN", "AVAILABLE", "MAX", "UNAVAILABLE", "ALLOWED", "DISRUPTIONS", "AGE"]
        assert [line.split()[:4] for line in out[1:]] == [["web-pdb", "N/A", "25%", "0"], ["zk-pdb", "2", "N/A", "0"]]

    k("-n", ns, "patch", "pdb", "zk-pdb", "--subresource=status", "--type=merge", "-p",
      '{"status":{"observedGeneration":1,"disruptionsAllowed":1,"currentHealthy":3,"desiredHealthy":2,'
      '"expectedPods":3}}')
    assert server.kubectl("-n", ns, "get", "pdb", "zk-pdb").stdout.splitlines()[1].split()[:4] == [
        "zk-pdb", "2", "N/A", "1"]
    k("-n", ns, "patch", "pdb", "zk-pdb", "--type=merge", "-p", '{"spec":{"minAvailable":"50%"}}')
    zk = get_json(server, ns, "pdb", "zk-pdb")
    assert zk["metadata"]["generation"] == 2 and zk["status"]["disruptionsAllowed"] == 1

    both = PDB.split("---")[0].replace("name: zk-pdb", "name: both").replace(
        "minAvailable: 2", "minAvailable: 2\n  maxUnavailable: 1")
    assert refused(server, ns, "apply", "-f", "-", input=both) == (
        'The PodDisruptionBudget "both" is invalid: spec: Invalid value: {"MinAvailable":2,"Selector":{"matchLabels":'
        '{"app":"zookeeper"}},"MaxUnavailable":1,"UnhealthyPodEvictionPolicy":null}: minAvailable and maxUnavailable '
        "cannot be both set\n")
    over = PDB.split("---")[1].replace("name: web-pdb", "name: over").replace("25%", "150%")
    assert refused(server, ns, "apply", "-f", "-", input=over) == (
        'The PodDisruptionBudget "over" is invalid: spec.maxUnavailable: Invalid value: "150%": must not be greater '
        "than 100%\n")
    policy = over.replace("150%", "1").replace("AlwaysAllow", "Never")
    assert refused(server, ns, "apply", "-f", "-", input=policy) == (
        'The PodDisruptionBudget "over" is invalid: spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": '
        'supported values: "AlwaysAllow", "IfHealthyBudget"\n')
    assert refused(server, ns, "patch", "pdb", "zk-pdb", "--subresource=status", "--type=merge",
                   "-p", '{"status":{"disruptionsAllowed":-1}}') == (
        'The PodDisruptionBudget "zk-pdb" is invalid: status.disruptionsAllowed: Invalid value: -1: must be greater '
        "than or equal to 0\n")
    assert names(server, ns, "pdb") == ["web-pdb", "zk-pdb"]

    policy_api = client.PolicyV1Api(server.api)
    created = policy_api.create_namespaced_pod_disruption_budget(ns, client.V1PodDisruptionBudget(
        metadata=client.V1ObjectMeta(name="db"),
        spec=client.V1PodDisruptionBudgetSpec(max_unavailable=1, selector=client.V1LabelSelector(
            match_expressions=[client.V1LabelSelectorRequirement(key="app", operator="In", values=["db"])]))))
    assert created.spec.max_unavailable == 1 and created.spec.min_available is None
    assert created.status.disruptions_allowed == 0 and created.spec.unhealthy_pod_eviction_policy is None
    patched = policy_api.patch_namespaced_pod_disruption_budget("db", ns, {"spec": {"maxUnavailable": "10%"}})
    assert patched.spec.max_unavailable == "10%" and patched.metadata.generation == 2
    status = policy_api.read_namespaced_pod_disruption_budget_status("zk-pdb", ns)
    assert status.status.current_healthy == 3 and status.spec.min_available == "50%"
    assert [p.metadata.name for p in policy_api.list_namespaced_pod_disruption_budget(ns).items] == [
        "db", "web-pdb", "zk-pdb"]


# -- kubectl get all --------------------------------------------------------------------------------


def test_get_all_shows_the_workloads(server: Server, ns: str) -> None:
    """The `all` category holds deployments, replicasets, statefulsets, daemonsets and HPAs, not
    controllerrevisions or poddisruptionbudgets; kubectl prints one table per kind, in discovery order."""
    k = server.kubectl
    manifests = (DEPLOYMENT, REPLICASET, STATEFULSET, DAEMONSET, HPA, PDB)
    k("-n", ns, "apply", "-f", "-", input="---".join(manifests))
    k("-n", ns, "create", "-f", "-", input=json.dumps({"apiVersion": "apps/v1", "kind": "ControllerRevision",
                                                      "metadata": {"name": "rev"}, "revision": 1, "data": {}}))
    assert k("-n", ns, "get", "all", "-o", "name").stdout.splitlines() == [
        "daemonset.apps/fluentd-elasticsearch", "deployment.apps/nginx-deployment", "replicaset.apps/frontend",
        "statefulset.apps/web", "horizontalpodautoscaler.autoscaling/php-apache"]
    blocks = [block.splitlines() for block in k("-n", ns, "get", "all").stdout.strip().split("\n\n")]
    heads = [(block[0].split(), block[1].split()[0]) for block in blocks]
    assert heads == [
        (["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE", "SELECTOR", "AGE"],
         "daemonset.apps/fluentd-elasticsearch"),
        (["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], "deployment.apps/nginx-deployment"),
        (["NAME", "DESIRED", "CURRENT", "READY", "AGE"], "replicaset.apps/frontend"),
        (["NAME", "READY", "AGE"], "statefulset.apps/web"),
        (["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"],
         "horizontalpodautoscaler.autoscaling/php-apache")]
    wide = k("-n", ns, "get", "all", "-o", "wide").stdout.strip().split("\n\n")
    assert wide[1].splitlines()[0].split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS",
                                               "IMAGES", "SELECTOR"]
    assert wide[1].splitlines()[1].split()[1:4] + wide[1].splitlines()[1].split()[5:] == [
        "0/3", "0", "0", "nginx", "nginx:1.14.2", "app=nginx"]
    assert k("-n", ns, "get", "all", "-l", "app=nginx", "-o", "name").stdout == (
        "deployment.apps/nginx-deployment\n")
