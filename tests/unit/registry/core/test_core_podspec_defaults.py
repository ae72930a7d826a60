"""Pod and PodSpec defaults (upstream pkg/apis/core/v1/defaults.go and the generated defaulters)."""

from __future__ import annotations

import copy
import json
import pathlib
from typing import Any

import pytest

from kapiserver.apimachinery import quantity
from kapiserver.registry.core.podspec import set_defaults_pod, set_defaults_pod_spec
from kapiserver.registry.core.podspec.imageref import default_pull_policy

TESTDATA = pathlib.Path(__file__).resolve().parents[5] / "shared" / "upstream" / "testdata-v1.35"


def pod(spec: dict[str, Any], **meta: Any) -> dict[str, Any]:
    obj = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "d", **meta}, "spec": spec}
    set_defaults_pod(obj)
    return obj


def container(**fields: Any) -> dict[str, Any]:
    return {"name": "c", "image": "nginx", **fields}


def test_pod_spec_defaults() -> None:
    spec = pod({"containers": [container()]})["spec"]
    assert spec == {
        "containers": [{"name": "c", "image": "nginx", "imagePullPolicy": "Always",
                        "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
                        "resources": {}}],
        "enableServiceLinks": True, "dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "securityContext": {},
        "terminationGracePeriodSeconds": 30, "schedulerName": "default-scheduler",
    }


def test_explicit_values_are_kept() -> None:
    spec = pod({"containers": [container(imagePullPolicy="Never")], "dnsPolicy": "Default", "restartPolicy": "Never",
                "enableServiceLinks": False, "terminationGracePeriodSeconds": 0, "schedulerName": "mine",
                "securityContext": {"runAsUser": 1}})["spec"]
    assert (spec["dnsPolicy"], spec["restartPolicy"], spec["enableServiceLinks"]) == ("Default", "Never", False)
    assert (spec["terminationGracePeriodSeconds"], spec["schedulerName"]) == (0, "mine")
    assert spec["securityContext"] == {"runAsUser": 1}
    assert spec["containers"][0]["imagePullPolicy"] == "Never"


@pytest.mark.parametrize(("image", "policy"), [
    ("nginx", "Always"), ("nginx:latest", "Always"), ("nginx:1.27", "IfNotPresent"),
    ("localhost:5000/nginx", "Always"), ("registry.k8s.io/pause:3.10", "IfNotPresent"),
    ("nginx@sha256:" + "a" * 64, "IfNotPresent"), ("nginx:latest@sha256:" + "a" * 64, "Always"),
    ("Nginx", "IfNotPresent"), ("", "IfNotPresent"),
])
def test_image_pull_policy(image: str, policy: str) -> None:
    assert default_pull_policy(image) == policy


def test_ports_env_probes_and_lifecycle() -> None:
    c = pod({"containers": [container(
        ports=[{"containerPort": 80}, {"containerPort": 53, "protocol": "UDP"}],
        env=[{"name": "N", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
             {"name": "R", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}}],
        livenessProbe={"httpGet": {"port": 80}},
        readinessProbe={"grpc": {"port": 9000}, "periodSeconds": 5},
        lifecycle={"preStop": {"httpGet": {"port": 8080, "path": "/stop"}}},
    )]})["spec"]["containers"][0]
    assert [p["protocol"] for p in c["ports"]] == ["TCP", "UDP"]
    assert c["env"][0]["valueFrom"]["fieldRef"] == {"fieldPath": "metadata.name", "apiVersion": "v1"}
    assert c["env"][1]["valueFrom"]["resourceFieldRef"]["divisor"] == "0"
    assert c["livenessProbe"] == {"httpGet": {"port": 80, "path": "/", "scheme": "HTTP"}, "timeoutSeconds": 1,
                                  "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}
    assert c["readinessProbe"]["grpc"] == {"port": 9000, "service": ""}
    assert c["readinessProbe"]["periodSeconds"] == 5
    assert c["lifecycle"]["preStop"]["httpGet"] == {"port": 8080, "path": "/stop", "scheme": "HTTP"}


def test_volume_defaults() -> None:
    volumes = pod({"containers": [container()], "volumes": [
        {"name": "a"},
        {"name": "b", "secret": {"secretName": "s"}},
        {"name": "c", "configMap": {"name": "m", "defaultMode": 256}},
        {"name": "d", "hostPath": {"path": "/x"}},
        {"name": "e", "downwardAPI": {"items": [{"path": "n", "fieldRef": {"fieldPath": "metadata.name"}}]}},
        {"name": "f", "projected": {"sources": [{"serviceAccountToken": {"path": "t"}}]}},
        {"name": "g", "emptyDir": {"sizeLimit": "1.5Gi"}},
        {"name": "h", "rbd": {"monitors": ["m"], "image": "i"}},
        {"name": "i", "azureDisk": {"diskName": "d", "diskURI": "https://x"}},
        {"name": "j", "iscsi": {"targetPortal": "t", "iqn": "iqn.2001-04.com.example:s", "lun": 0}},
        {"name": "k", "scaleIO": {"gateway": "g", "system": "s", "volumeName": "v"}},
        {"name": "l", "ephemeral": {"volumeClaimTemplate": {"spec": {"accessModes": ["ReadWriteOnce"],
                                                                       "resources": {"requests": {"storage": "1Gi"}}}}}},
        {"name": "m", "image": {"reference": "repo/img:v1"}},
    ]})["spec"]["volumes"]
    by_name = {v["name"]: v for v in volumes}
    assert by_name["a"] == {"name": "a", "emptyDir": {}}
    assert by_name["b"]["secret"]["defaultMode"] == 420
    assert by_name["c"]["configMap"]["defaultMode"] == 256
    assert by_name["d"]["hostPath"] == {"path": "/x", "type": ""}
    assert by_name["e"]["downwardAPI"] == {"items": [{"path": "n", "fieldRef": {"fieldPath": "metadata.name",
                                                                                 "apiVersion": "v1"}}],
                                           "defaultMode": 420}
    assert by_name["f"]["projected"] == {"sources": [{"serviceAccountToken": {"path": "t", "expirationSeconds": 3600}}],
                                         "defaultMode": 420}
    assert by_name["g"]["emptyDir"] == {"sizeLimit": "1536Mi"}
    assert by_name["h"]["rbd"] == {"monitors": ["m"], "image": "i", "pool": "rbd", "user": "admin",
                                   "keyring": "/etc/ceph/keyring"}
    assert by_name["i"]["azureDisk"] == {"diskName": "d", "diskURI": "https://x", "cachingMode": "ReadWrite",
                                         "fsType": "ext4", "readOnly": False, "kind": "Shared"}
    assert by_name["j"]["iscsi"]["iscsiInterface"] == "default"
    assert (by_name["k"]["scaleIO"]["storageMode"], by_name["k"]["scaleIO"]["fsType"]) == ("ThinProvisioned", "xfs")
    assert by_name["l"]["ephemeral"]["volumeClaimTemplate"]["spec"]["volumeMode"] == "Filesystem"
    assert by_name["m"]["image"] == {"reference": "repo/img:v1", "pullPolicy": "IfNotPresent"}


def test_requests_default_to_limits_and_round_to_milli() -> None:
    c = pod({"containers": [container(resources={"limits": {"memory": "1024Mi", "cpu": "0.0001"},
                                                 "requests": {"cpu": "0.00001"}})]})["spec"]["containers"][0]
    assert c["resources"] == {"limits": {"cpu": "1m", "memory": "1Gi"}, "requests": {"cpu": "1m", "memory": "1Gi"}}


def test_requests_from_limits_only_for_pods_not_templates() -> None:
    spec = {"containers": [container(resources={"limits": {"cpu": "1"}})]}
    set_defaults_pod_spec(spec)
    assert spec["containers"][0]["resources"] == {"limits": {"cpu": "1"}}
    assert "enableServiceLinks" not in spec


def test_host_network_copies_container_ports() -> None:
    spec = pod({"hostNetwork": True, "containers": [container(ports=[{"containerPort": 80}])],
                "initContainers": [container(name="i", ports=[{"containerPort": 81, "hostPort": 9}])]})["spec"]
    assert spec["containers"][0]["ports"][0]["hostPort"] == 80
    assert spec["initContainers"][0]["ports"][0]["hostPort"] == 9


def test_pod_level_resources_requests_from_limits() -> None:
    spec = pod({"resources": {"limits": {"cpu": "2", "memory": "1Gi"}},
                "containers": [container(resources={"requests": {"cpu": "500m"}})]})["spec"]
    assert spec["resources"] == {"limits": {"cpu": "2", "memory": "1Gi"}, "requests": {"cpu": "500m", "memory": "1Gi"}}


def test_service_account_alias_and_conversion_quirks() -> None:
    obj = pod({"containers": [container()], "serviceAccount": "old"},
              annotations={"pod.beta.kubernetes.io/init-containers": "[]", "keep": "x"})
    assert (obj["spec"]["serviceAccountName"], obj["spec"]["serviceAccount"]) == ("old", "old")
    assert obj["metadata"]["annotations"] == {"keep": "x"}
    both = pod({"containers": [container()], "serviceAccount": "old", "serviceAccountName": "new"})
    assert (both["spec"]["serviceAccountName"], both["spec"]["serviceAccount"]) == ("new", "new")


def test_status_ips_are_synced() -> None:
    obj = pod({"containers": [container()]})
    obj["status"] = {"podIP": "10.0.0.1", "hostIPs": [{"ip": "192.168.0.1"}]}
    set_defaults_pod(obj)
    assert obj["status"]["podIPs"] == [{"ip": "10.0.0.1"}]
    assert obj["status"]["hostIP"] == "192.168.0.1"


def test_bad_quantity_raises() -> None:
    with pytest.raises(quantity.QuantityError):
        pod({"containers": [container(resources={"limits": {"cpu": "1x"}})]})


def _paths(value: Any, prefix: str = "") -> set[str]:
    if isinstance(value, dict):
        out = set()
        for key, item in value.items():
            out.add(f"{prefix}.{key}")
            out |= _paths(item, f"{prefix}.{key}")
        return out
    if isinstance(value, list):
        return set().union(*(_paths(item, prefix + "[]") for item in value)) if value else set()
    return set()


def test_every_defaulted_field_exists_in_the_upstream_fixture() -> None:
    """Shape check: each key the defaults write is a real v1 field name, where upstream has it."""
    path = TESTDATA / "core.v1.Pod.json"
    if not path.exists():
        pytest.skip("no upstream fixture")
    fixture = json.loads(path.read_text())
    probe = {"httpGet": {"port": 1}, "grpc": {"port": 2}}
    obj = pod({"containers": [container(ports=[{"containerPort": 1}], livenessProbe=copy.deepcopy(probe),
                                        env=[{"name": "a", "valueFrom": {"fieldRef": {"fieldPath": "x"},
                                                                         "resourceFieldRef": {"resource": "y"}}}])],
               "volumes": [{"name": n, **src} for n, src in [
                   ("a", {"secret": {}}), ("b", {"configMap": {}}), ("c", {"hostPath": {}}),
                   ("d", {"rbd": {}}), ("e", {"azureDisk": {}}), ("f", {"iscsi": {}}), ("g", {"scaleIO": {}}),
                   ("h", {"projected": {"sources": [{"serviceAccountToken": {}}]}}), ("i", {"downwardAPI": {}}),
                   ("j", {"ephemeral": {"volumeClaimTemplate": {"spec": {}}}})]]})
    assert _paths(obj) - _paths(fixture) == set()
