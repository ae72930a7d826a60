"""initIPFamilyFields: policies and families for single- and dual-stack clusters, create and update."""

from __future__ import annotations

from typing import Any

import pytest

from kapiserver.apimachinery import errors
from kapiserver.registry.core.services_families import (
    family_of,
    init_ip_family_fields,
    is_matching_prefer_dual_stack,
)

V4 = ("IPv4",)
DUAL = ("IPv4", "IPv6")
DUAL6 = ("IPv6", "IPv4")


def svc(**spec: Any) -> dict[str, Any]:
    spec.setdefault("type", "ClusterIP")
    return {"metadata": {"name": "web", "namespace": "ns"}, "spec": spec}


def settled(obj: dict[str, Any], cluster: tuple[str, ...], old: dict[str, Any] | None = None) -> tuple[Any, Any]:
    init_ip_family_fields(obj, old, cluster)
    return obj["spec"].get("ipFamilyPolicy"), obj["spec"].get("ipFamilies")


def refused(obj: dict[str, Any], cluster: tuple[str, ...], old: dict[str, Any] | None = None) -> str:
    with pytest.raises(errors.StatusError) as caught:
        init_ip_family_fields(obj, old, cluster)
    assert caught.value.status["code"] == 422
    return str(caught.value.status["message"])


def test_family_of() -> None:
    assert (family_of("10.0.0.1"), family_of("fd00::1"), family_of("::ffff:1.2.3.4"), family_of("x")) == (
        "IPv4", "IPv6", "IPv4", "unknown")


@pytest.mark.parametrize(("spec", "cluster", "expected"), [
    ({}, V4, ("SingleStack", ["IPv4"])),
    ({}, DUAL6, ("SingleStack", ["IPv6"])),
    ({"ipFamilyPolicy": "PreferDualStack"}, V4, ("PreferDualStack", ["IPv4"])),
    ({"ipFamilyPolicy": "PreferDualStack"}, DUAL, ("PreferDualStack", ["IPv4", "IPv6"])),
    ({"ipFamilyPolicy": "RequireDualStack"}, DUAL6, ("RequireDualStack", ["IPv6", "IPv4"])),
    ({"ipFamilyPolicy": "PreferDualStack", "ipFamilies": ["IPv6"]}, DUAL, ("PreferDualStack", ["IPv6", "IPv4"])),
    ({"clusterIP": "fd00::5", "clusterIPs": ["fd00::5"]}, DUAL, ("SingleStack", ["IPv6"])),
    ({"clusterIP": "None", "clusterIPs": ["None"], "selector": {"a": "b"}}, V4, ("SingleStack", ["IPv4"])),
    ({"clusterIP": "None", "clusterIPs": ["None"]}, V4, ("RequireDualStack", ["IPv4", "IPv6"])),
    ({"clusterIP": "None", "clusterIPs": ["None"], "ipFamilyPolicy": "SingleStack"}, V4, ("SingleStack", ["IPv4"])),
])
def test_create_defaults(spec: dict[str, Any], cluster: tuple[str, ...], expected: tuple[Any, Any]) -> None:
    assert settled(svc(**spec), cluster) == expected


def test_external_name_is_left_alone() -> None:
    obj = svc(type="ExternalName", externalName="x.example")
    assert settled(obj, DUAL) == (None, None)


def test_refusals_on_a_single_stack_cluster() -> None:
    assert refused(svc(ipFamilyPolicy="RequireDualStack"), V4) == (
        'Service "web" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not '
        'configured for dual-stack services')
    assert refused(svc(clusterIP="fd00::1", clusterIPs=["fd00::1"]), V4) == (
        'Service "web" is invalid: spec.clusterIPs[0]: Invalid value: ["fd00::1"]: IPv6 is not configured on '
        'this cluster')
    assert refused(svc(ipFamilies=["IPv6"]), V4) == (
        'Service "web" is invalid: spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster')


def test_single_stack_cannot_carry_two_families() -> None:
    message = refused(svc(ipFamilyPolicy="SingleStack", ipFamilies=["IPv4", "IPv6"]), DUAL)
    assert message == ('Service "web" is invalid: spec.ipFamilyPolicy: Invalid value: "SingleStack": must be '
                       "'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified")


def test_update_adopts_the_old_policy_and_downgrades_only_when_single_stack() -> None:
    old = svc(ipFamilyPolicy="RequireDualStack", ipFamilies=["IPv4", "IPv6"], clusterIP="10.0.0.5",
              clusterIPs=["10.0.0.5", "fd00::5"])
    same = svc(ipFamilies=["IPv4", "IPv6"], clusterIP="10.0.0.5", clusterIPs=["10.0.0.5", "fd00::5"])
    assert settled(same, DUAL, old) == ("RequireDualStack", ["IPv4", "IPv6"])
    down = svc(ipFamilyPolicy="SingleStack", ipFamilies=["IPv4", "IPv6"], clusterIP="10.0.0.5",
               clusterIPs=["10.0.0.5", "fd00::5"])
    assert settled(down, DUAL, old) == ("SingleStack", ["IPv4"]) and down["spec"]["clusterIPs"] == ["10.0.0.5"]
    reduced = svc(ipFamilyPolicy="RequireDualStack", ipFamilies=["IPv4"], clusterIP="10.0.0.5",
                  clusterIPs=["10.0.0.5"])
    assert refused(reduced, DUAL, old) == (
        'Service "web" is invalid: [spec.ipFamilyPolicy: Invalid value: "RequireDualStack": must be \'SingleStack\' '
        'to release the secondary cluster IP, spec.ipFamilyPolicy: Invalid value: "RequireDualStack": must be '
        '\'SingleStack\' to release the secondary IP family]')


def test_prefer_dual_stack_unchanged_is_not_upgraded() -> None:
    old = svc(ipFamilyPolicy="PreferDualStack", ipFamilies=["IPv4"], clusterIP="10.0.0.5", clusterIPs=["10.0.0.5"])
    new = svc(ipFamilyPolicy="PreferDualStack", ipFamilies=["IPv4"], clusterIP="10.0.0.5", clusterIPs=["10.0.0.5"])
    assert is_matching_prefer_dual_stack(new["spec"], old["spec"])
    assert settled(new, DUAL, old) == ("PreferDualStack", ["IPv4"])
    asked = svc(ipFamilyPolicy="RequireDualStack", ipFamilies=["IPv4"], clusterIP="10.0.0.5", clusterIPs=["10.0.0.5"])
    assert settled(asked, DUAL, old) == ("RequireDualStack", ["IPv4", "IPv6"])
