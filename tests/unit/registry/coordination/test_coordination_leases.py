"""coordination.k8s.io/v1 Leases (upstream ValidateLease*, lease strategy, printer)."""

from __future__ import annotations

from typing import Any

import pytest

from kapiserver.apimachinery import field
from kapiserver.registry import coordination
from kapiserver.registry.coordination import leases
from kapiserver.registry.rest import RequestContext

CTX = RequestContext(namespace="kube-node-lease", api_group="coordination.k8s.io", api_version="v1")


def lease(spec: dict[str, Any]) -> dict[str, Any]:
    return {"metadata": {"name": "n1", "namespace": "kube-node-lease"}, "spec": spec}


@pytest.mark.parametrize("spec,expected", [
    ({"holderIdentity": "n1", "leaseDurationSeconds": 40, "leaseTransitions": 0}, []),
    ({"leaseDurationSeconds": 0}, ["spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"]),
    ({"leaseTransitions": -1}, ["spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0"]),
    ({"strategy": "Newest"},
     ['spec.strategy.strategy: Unsupported value: "Newest": supported values: "OldestEmulationVersion"']),
    ({"strategy": "example.com/custom"}, []),
    ({"preferredHolder": "n2"}, ["spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined"]),
])
def test_validation(spec: dict[str, Any], expected: list[str]) -> None:
    assert [str(e) for e in leases.validate_lease(lease(spec))] == expected


def test_coordinated_election_fields_dropped_while_the_feature_is_off() -> None:
    strategy = leases.LeaseStrategy()
    obj = lease({"holderIdentity": "n1", "strategy": "OldestEmulationVersion", "preferredHolder": "n2"})
    strategy.prepare_for_create(CTX, obj)
    assert obj["spec"] == {"holderIdentity": "n1"}
    stored = lease({"strategy": "OldestEmulationVersion"})
    new = lease({"strategy": "OldestEmulationVersion", "preferredHolder": "n2"})
    strategy.prepare_for_update(CTX, new, stored)
    assert new["spec"] == {"strategy": "OldestEmulationVersion"}


def test_printer_and_discovery_facts() -> None:
    spec = leases.LEASES
    assert spec.printer.row(lease({"holderIdentity": "n1"}))[:2] == ["n1", "n1"]
    assert spec.printer.row(lease({}))[1] == ""
    assert [c.name for c in spec.printer.columns] == ["Name", "Holder", "Age"]
    assert spec.short_names == () and spec.namespaced and spec.strategy.allow_create_on_update
    provider = coordination.provider()
    assert provider.group == "coordination.k8s.io" and provider.version_order[0] == "v1"
    assert isinstance(leases.validate_lease(lease({})), list) and field.ROOT is not None


def test_spec_is_always_written() -> None:
    obj: dict[str, Any] = {"metadata": {"name": "n1"}}
    leases.LeaseStrategy().default(obj)
    assert obj["spec"] == {}
