"""core/v1 persistentvolumes and persistentvolumeclaims (defaults, validation, printers),
componentstatuses and the legacy bindings resource."""

from __future__ import annotations

import asyncio
import copy
import socket
from typing import Any

from kapiserver.registry.core import componentstatuses, persistentvolumeclaims, persistentvolumes
from kapiserver.registry.core.bindings import BINDINGS
from kapiserver.registry.core.pods import PODS
from kapiserver.registry.rest import CreateOptions, GetOptions, ListOptions, RequestContext
from kapiserver.storage.logstructured import LogStructuredStore
from kapiserver.storage.memory import MemoryLog

CTX = RequestContext(namespace="default", api_version="v1")
CLUSTER = RequestContext(api_version="v1")


def messages(errs: list[Any]) -> list[str]:
    return [str(e) for e in errs]


def pv(**spec: Any) -> dict[str, Any]:
    obj = {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv1"},
           "spec": {"capacity": {"storage": "5Gi"}, "accessModes": ["ReadWriteOnce"], "hostPath": {"path": "/data"},
                    **spec}}
    persistentvolumes.PERSISTENTVOLUMES.strategy.default(obj)
    return obj


def test_pv_defaults_validation_and_printer() -> None:
    obj = pv()
    assert obj["spec"]["persistentVolumeReclaimPolicy"] == "Retain" and obj["spec"]["volumeMode"] == "Filesystem"
    assert obj["spec"]["hostPath"]["type"] == "" and obj["status"]["phase"] == "Pending"
    strategy = persistentvolumes.PERSISTENTVOLUMES.strategy
    assert strategy.validate(CLUSTER, obj) == []
    bad = pv(capacity={"storage": "1Gi", "cpu": "1"}, accessModes=["ReadWriteOncePod", "ReadWriteOnce"],
             nfs={"server": "x", "path": "/p"}, persistentVolumeReclaimPolicy="Keep")
    errs = messages(strategy.validate(CLUSTER, bad))
    assert errs[0] == "spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes"
    assert errs[1] == 'spec.capacity: Unsupported value: {"cpu":"1","storage":"1Gi"}: supported values: "storage"'
    assert errs[2:] == [
        ('spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", '
        '"Retain"'),
        "spec.nfs: Forbidden: may not specify more than 1 volume type",
    ]
    local = pv(hostPath=None, local={"path": "/mnt/disk"})
    assert messages(strategy.validate(CLUSTER, local)) == [
        "spec.nodeAffinity: Required value: Local volume requires node affinity"]
    obj["spec"]["claimRef"] = {"namespace": "default", "name": "claim"}
    obj["metadata"]["creationTimestamp"] = "2024-01-01T00:00:00Z"
    row = persistentvolumes.PV_PRINTER.row(obj)
    assert row[:9] == ["pv1", "5Gi", "RWO", "Retain", "Pending", "default/claim", "", "<unset>", ""]
    assert row[10] == "Filesystem"
    assert persistentvolumes.access_modes_string(["ReadWriteMany", "ReadWriteOnce", "ReadWriteOnce"]) == "RWO,RWX"


def test_pv_status_phase_transition_time() -> None:
    old = pv()
    old["status"] = {"phase": "Pending", "lastPhaseTransitionTime": "2024-01-01T00:00:00Z"}
    new = copy.deepcopy(old)
    new["status"] = {"phase": "Available"}
    persistentvolumes.PersistentVolumeStatusStrategy().prepare_for_update(CLUSTER, new, old)
    assert new["status"]["lastPhaseTransitionTime"] != "2024-01-01T00:00:00Z"
    same = copy.deepcopy(old)
    same["status"] = {"phase": "Pending"}
    persistentvolumes.PersistentVolumeStatusStrategy().prepare_for_update(CLUSTER, same, old)
    assert same["status"]["lastPhaseTransitionTime"] == "2024-01-01T00:00:00Z"


def pvc(**spec: Any) -> dict[str, Any]:
    obj = {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
           "metadata": {"name": "claim", "namespace": "default", "resourceVersion": "3"},
           "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}, **spec}}
    persistentvolumeclaims.PERSISTENTVOLUMECLAIMS.strategy.default(obj)
    return obj


def test_pvc_validation_and_update_rules() -> None:
    strategy = persistentvolumeclaims.PERSISTENTVOLUMECLAIMS.strategy
    obj = pvc()
    assert obj["spec"]["volumeMode"] == "Filesystem" and obj["status"]["phase"] == "Pending"
    assert strategy.validate(CTX, obj) == []
    bad = pvc(accessModes=[], resources={}, dataSource={"kind": "Snapshot", "name": "s"})
    assert messages(strategy.validate(CTX, bad)) == [
        "spec.accessModes: Required value: at least 1 access mode is required",
        "spec.resources[storage]: Required value",
        ("spec.dataSource: Invalid value: \"Snapshot\": must be 'PersistentVolumeClaim' when referencing the default "
        "apiGroup"),
    ]
    bound = copy.deepcopy(obj)
    bound["spec"]["volumeName"] = "pv1"
    assert strategy.validate_update(CTX, bound, obj) == []
    changed = copy.deepcopy(obj)
    changed["spec"]["accessModes"] = ["ReadWriteMany"]
    errs = messages(strategy.validate_update(CTX, changed, obj))
    assert errs[0].startswith("spec: Forbidden: spec is immutable after creation except resources.requests and "
                              "volumeAttributesClassName for bound claims\n  core.PersistentVolumeClaimSpec{")
    grown = copy.deepcopy(obj)
    grown["status"]["phase"] = "Bound"
    grown["spec"]["resources"]["requests"]["storage"] = "2Gi"
    assert strategy.validate_update(CTX, grown, obj) == []
    obj["metadata"]["creationTimestamp"] = "2024-01-01T00:00:00Z"
    assert persistentvolumeclaims.PVC_PRINTER.row(obj)[:7] == ["claim", "Pending", "", "", "", "", "<unset>"]
    bound["status"] = {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "5Gi"}}
    bound["metadata"]["annotations"] = {persistentvolumes.BETA_STORAGE_CLASS_ANNOTATION: "slow"}
    assert persistentvolumeclaims.PVC_PRINTER.row(bound)[:6] == ["claim", "Bound", "pv1", "5Gi", "RWO", "slow"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_component_status_probe_and_rows() -> None:
    port = _free_port()
    healthy, message = asyncio.run(componentstatuses.probe(componentstatuses.HttpServer("127.0.0.1", port)))
    assert not healthy
    assert message == (f'Get "https://127.0.0.1:{port}/healthz": dial tcp 127.0.0.1:{port}: connect: connection '
                       "refused")
    row = componentstatuses.CS_PRINTER.row(componentstatuses.component_status("scheduler", False, message))
    assert row == ["scheduler", "Unhealthy", message, ""]
    assert componentstatuses.CS_PRINTER.row(componentstatuses.component_status("etcd-0", True, "ok")) == [
        "etcd-0", "Healthy", "ok", ""]


def test_etcd_component_and_bindings_over_memory() -> None:
    async def main() -> None:
        storage = LogStructuredStore(MemoryLog())
        await storage.start()
        try:
            rest = componentstatuses.ComponentStatusREST(componentstatuses.COMPONENTSTATUSES, storage)
            ctx = RequestContext(api_version="v1")
            etcd = await rest.get(ctx, "etcd-0", GetOptions())
            assert etcd["conditions"] == [{"type": "Healthy", "status": "True", "message": "ok"}]
            assert ctx.warnings == [componentstatuses.DEPRECATION_WARNING]
            listed = await rest.list(ctx, ListOptions(field_selector="metadata.name=etcd-0"))
            assert [item["metadata"]["name"] for item in listed["items"]] == ["etcd-0"]
            pods = PODS.rest_factory(PODS, storage)  # type: ignore[misc]
            pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"},
                   "spec": {"containers": [{"name": "c", "image": "i"}]}}
            PODS.strategy.default(pod)
            await pods.create(CTX, pod, None, CreateOptions())
            bindings = BINDINGS.rest_factory(BINDINGS, storage)  # type: ignore[misc]
            answer = await bindings.create(CTX, {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "p"},
                                                 "target": {"kind": "Node", "name": "n1"}}, None, CreateOptions())
            assert answer["status"] == "Success"
            assert (await pods.get(CTX, "p", GetOptions()))["spec"]["nodeName"] == "n1"
        finally:
            await storage.close()

    asyncio.run(main())
