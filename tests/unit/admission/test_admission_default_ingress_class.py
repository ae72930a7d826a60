"""DefaultIngressClass: which new Ingresses get a class, and which class when several claim the default."""

from __future__ import annotations

import asyncio
from typing import Any

from kapiserver.admission.interfaces import Attributes, Operation
from kapiserver.admission.plugins.default_ingress_class import DefaultIngressClass, default_ingress_class
from kapiserver.apimachinery.schema import GroupVersionKind, GroupVersionResource
from kapiserver.apimachinery.user import UserInfo

DEFAULT = {"ingressclass.kubernetes.io/is-default-class": "true"}


def ingress_class(name: str, created: str, annotations: dict[str, str] | None = None) -> dict[str, Any]:
    return {"metadata": {"name": name, "creationTimestamp": created, "annotations": annotations or {}},
            "spec": {"controller": "example.com/ingress"}}


def ingress(spec: dict[str, Any] | None = None, annotations: dict[str, str] | None = None) -> dict[str, Any]:
    obj: dict[str, Any] = {"metadata": {"name": "web", "namespace": "ns"}}
    if annotations is not None:
        obj["metadata"]["annotations"] = annotations
    if spec is not None:
        obj["spec"] = spec
    return obj


def admit(classes: list[dict[str, Any]], obj: dict[str, Any], operation: Operation = Operation.CREATE,
          resource: str = "ingresses", subresource: str = "") -> dict[str, Any]:
    async def list_all() -> list[dict[str, Any]]:
        return classes

    plugin = DefaultIngressClass(list_all)
    attrs = Attributes(operation, GroupVersionKind("networking.k8s.io", "v1", "Ingress"),
                       GroupVersionResource("networking.k8s.io", "v1", resource), subresource, "ns", "web", obj,
                       None, UserInfo("admin"))
    if plugin.handles(operation):
        asyncio.run(plugin.admit(attrs))
    return obj


BACKEND = {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}


def test_the_default_class_is_filled_in() -> None:
    classes = [ingress_class("plain", "2024-01-01T00:00:00Z"), ingress_class("nginx", "2024-01-01T00:00:00Z", DEFAULT)]
    assert admit(classes, ingress(dict(BACKEND)))["spec"]["ingressClassName"] == "nginx"


def test_no_default_no_class() -> None:
    classes = [ingress_class("nginx", "2024-01-01T00:00:00Z", {"ingressclass.kubernetes.io/is-default-class": "True"})]
    assert "ingressClassName" not in admit(classes, ingress(dict(BACKEND)))["spec"]


def test_a_named_class_or_the_legacy_annotation_is_kept() -> None:
    classes = [ingress_class("nginx", "2024-01-01T00:00:00Z", DEFAULT)]
    assert admit(classes, ingress({**BACKEND, "ingressClassName": "traefik"}))["spec"]["ingressClassName"] == "traefik"
    legacy = admit(classes, ingress(dict(BACKEND), {"kubernetes.io/ingress.class": "traefik"}))
    assert "ingressClassName" not in legacy["spec"]


def test_only_creation_of_ingresses_is_defaulted() -> None:
    classes = [ingress_class("nginx", "2024-01-01T00:00:00Z", DEFAULT)]
    assert "ingressClassName" not in admit(classes, ingress(dict(BACKEND)), Operation.UPDATE)["spec"]
    assert "ingressClassName" not in admit(classes, ingress(dict(BACKEND)), subresource="status")["spec"]
    assert "ingressClassName" not in admit(classes, ingress(dict(BACKEND)), resource="ingressclasses")["spec"]


def test_a_missing_spec_is_created() -> None:
    classes = [ingress_class("nginx", "2024-01-01T00:00:00Z", DEFAULT)]
    assert admit(classes, ingress())["spec"] == {"ingressClassName": "nginx"}


def test_several_defaults_newest_then_lowest_name() -> None:
    older = ingress_class("a-old", "2024-01-01T00:00:00Z", DEFAULT)
    newer = ingress_class("z-new", "2024-06-01T00:00:00Z", DEFAULT)
    same_second = ingress_class("m-same", "2024-06-01T00:00:00Z", DEFAULT)
    assert default_ingress_class([older, newer])["metadata"]["name"] == "z-new"
    assert default_ingress_class([newer, same_second, older])["metadata"]["name"] == "m-same"
    assert default_ingress_class([ingress_class("x", "2024-01-01T00:00:00Z")]) is None
