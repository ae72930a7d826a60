"""apps/v1 replicasets and controllerrevisions, the apps provider, and a statefulset stored
through its store (claim templates keep their type meta)."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest

from kapiserver.apimachinery import errors, field
from kapiserver.registry.apps import provider
from kapiserver.registry.apps.controllerrevisions import CONTROLLERREVISIONS, controller_name
from kapiserver.registry.apps.replicasets import REPLICASETS, ReplicaSetStatusStrategy
from kapiserver.registry.apps.statefulsets import STATEFULSETS
from kapiserver.registry.predicate import build_predicate
from kapiserver.registry.rest import CreateOptions, RequestContext
from kapiserver.storage.logstructured import LogStructuredStore
from kapiserver.storage.memory import MemoryLog

CTX = RequestContext(namespace="default", api_group="apps", api_version="v1")


def messages(errs: field.ErrorList) -> list[str]:
    return [str(e) for e in errs]


def replica_set(**spec: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {"metadata": {"name": "rs", "namespace": "default", "resourceVersion": "1"},
                           "spec": {"selector": {"matchLabels": {"app": "a"}},
                                    "template": {"metadata": {"labels": {"app": "a"}},
                                                 "spec": {"containers": [{"name": "c", "image": "i"}]}}}}
    obj["spec"].update(spec)
    REPLICASETS.strategy.default(obj)
    return obj


def test_replica_set_defaults_and_validation() -> None:
    obj = replica_set()
    assert obj["spec"]["replicas"] == 1
    assert REPLICASETS.strategy.validate(CTX, obj) == []
    assert messages(REPLICASETS.strategy.validate(CTX, replica_set(selector={}, minReadySeconds=-1))) == [
        "spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0",
        "spec.selector: Invalid value: {}: empty selector is invalid for deployment"]


def test_replica_set_update_and_generation() -> None:
    old = replica_set()
    REPLICASETS.strategy.prepare_for_create(CTX, old)
    obj = copy.deepcopy(old)
    obj["spec"]["replicas"] = 4
    REPLICASETS.strategy.prepare_for_update(CTX, obj, old)
    assert obj["metadata"]["generation"] == 2
    obj["spec"]["selector"] = {"matchLabels": {"app": "a", "b": "c"}}
    obj["spec"]["template"]["metadata"]["labels"]["b"] = "c"
    assert messages(REPLICASETS.strategy.validate_update(CTX, obj, old)) == [
        'spec.selector: Invalid value: {"matchLabels":{"app":"a","b":"c"}}: field is immutable']


def test_replica_set_status() -> None:
    old = replica_set()
    obj = copy.deepcopy(old)
    obj["status"] = {"replicas": 1, "fullyLabeledReplicas": 2, "terminatingReplicas": -1}
    assert messages(ReplicaSetStatusStrategy().validate_update(CTX, obj, old)) == [
        "status.terminatingReplicas: Invalid value: -1: must be greater than or equal to 0",
        "status.fullyLabeledReplicas: Invalid value: 2: cannot be greater than status.replicas"]


def test_replica_set_printer_and_field_selectors() -> None:
    obj = replica_set(replicas=2)
    obj["status"] = {"replicas": 2, "readyReplicas": 1}
    assert REPLICASETS.printer.row(obj) == ["rs", 2, 2, 1, "<unknown>", "c", "i", "app=a"]
    with pytest.raises(errors.StatusError) as refused:
        build_predicate(REPLICASETS, "", "status.replicas=0")
    assert refused.value.message == ('"status.replicas" is not a known field selector: only "metadata.name", '
                                     '"metadata.namespace"')


def test_controller_revisions() -> None:
    strategy = CONTROLLERREVISIONS.strategy
    revision = {"metadata": {"name": "web-5d8f", "namespace": "default", "resourceVersion": "1"}, "data": {"spec": {}}, "revision": 2}
    assert strategy.validate(CTX, revision) == []
    assert messages(strategy.validate(CTX, {"metadata": {"name": "r", "namespace": "default"}, "revision": -1})) == [
        "data: Required value: data is mandatory", "revision: Invalid value: -1: must be greater than or equal to 0"]
    changed = copy.deepcopy(revision)
    changed["data"] = {"spec": {"x": 1}}
    assert messages(strategy.validate_update(CTX, changed, revision)) == [
        'data: Invalid value: {"spec":{"x":1}}: field is immutable']


@pytest.mark.parametrize("refs,expected", [
    ([], "<none>"),
    ([{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "controller": True}], "statefulset.apps/web"),
    ([{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "x"},
      {"apiVersion": "v1", "kind": "Pod", "name": "p", "controller": True}], "pod/p"),
])
def test_controller_revision_controller_cell(refs: list[dict[str, Any]], expected: str) -> None:
    assert controller_name({"metadata": {"ownerReferences": refs}}) == expected
    row = CONTROLLERREVISIONS.printer.row({"metadata": {"name": "r", "ownerReferences": refs}, "revision": 3})
    assert row == ["r", expected, 3, "<unknown>"]


def test_provider_lists_upstream_discovery() -> None:
    apps = provider()
    assert apps.group == "apps" and apps.version_order == ("v1",)
    assert {spec.plural: spec.storage_version_hash for spec in apps.specs} == {
        "deployments": "8aSe+NMegvE=", "statefulsets": "H+vl74LkKdo=", "daemonsets": "dd7pWHUlMKQ=",
        "replicasets": "P1RzHs8/mWQ=", "controllerrevisions": "85nkx63pcBU="}
    assert CONTROLLERREVISIONS.categories == () and CONTROLLERREVISIONS.short_names == ()


def test_stored_statefulset_keeps_claim_type_meta() -> None:
    async def main() -> dict[str, Any]:
        storage = LogStructuredStore(MemoryLog())
        await storage.start()
        try:
            store = STATEFULSETS.rest_factory(STATEFULSETS, storage)  # type: ignore[misc]
            obj = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db", "namespace": "default"},
                   "spec": {"selector": {"matchLabels": {"app": "db"}},
                            "template": {"metadata": {"labels": {"app": "db"}},
                                         "spec": {"containers": [{"name": "c", "image": "i"}]}},
                            "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {}}]}}
            STATEFULSETS.strategy.default(obj)
            created: dict[str, Any] = await store.create(CTX, obj, None, CreateOptions())
            assert type(store.with_strategy(STATEFULSETS.strategy)) is type(store)
            return created
        finally:
            await storage.close()

    created = asyncio.run(main())
    claim = created["spec"]["volumeClaimTemplates"][0]
    assert list(claim)[:2] == ["apiVersion", "kind"]
    assert claim["status"] == {"phase": "Pending"} and claim["spec"]["volumeMode"] == "Filesystem"
    assert created["status"] == {"replicas": 0, "availableReplicas": 0}
