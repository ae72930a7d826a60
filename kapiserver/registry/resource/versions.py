"""The older served versions of resource.k8s.io (upstream pkg/apis/resource/v1beta1 and
v1beta2 conversions).

v1 owns the storage. v1beta2 has v1's shape. v1beta1 predates two reshapes: a device
request carries the fields v1 nests under `exactly` directly on the request, and a slice's
device keeps its description under `basic`. The conversions copy only what they change,
so stored objects are never touched.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery.types import Object
from kapiserver.registry import conversion
from kapiserver.registry.spec import ResourceSpec, Subresource
from kapiserver.registry.strategy import Strategy
from kapiserver.registry.subresources import StatusREST

EXACT_FIELDS = ("deviceClassName", "selectors", "allocationMode", "count", "adminAccess", "tolerations", "capacity")


def _request_to_v1(request: Any) -> Any:
    if not isinstance(request, dict):
        return request
    if request.get("firstAvailable"):
        return {k: v for k, v in request.items() if k not in EXACT_FIELDS}
    exactly = {k: request[k] for k in EXACT_FIELDS if k in request}
    out = {k: v for k, v in request.items() if k not in EXACT_FIELDS}
    out["exactly"] = exactly
    return out


def _request_from_v1(request: Any) -> Any:
    if not isinstance(request, dict):
        return request
    out = {k: v for k, v in request.items() if k != "exactly"}
    exactly = request.get("exactly")
    if isinstance(exactly, dict):
        out.update(exactly)
    return out


def _map_requests(devices: Any, convert: Any) -> Any:
    if not isinstance(devices, dict) or not isinstance(devices.get("requests"), list):
        return devices
    return {**devices, "requests": [convert(r) for r in devices["requests"]]}


def _claim_spec(spec: Any, convert: Any) -> Any:
    if not isinstance(spec, dict) or "devices" not in spec:
        return spec
    return {**spec, "devices": _map_requests(spec["devices"], convert)}


def claim_to_v1(obj: Object) -> Object:
    return {**obj, "spec": _claim_spec(obj.get("spec"), _request_to_v1)} if "spec" in obj else obj


def claim_from_v1(obj: Object) -> Object:
    return {**obj, "spec": _claim_spec(obj.get("spec"), _request_from_v1)} if "spec" in obj else obj


def _template(obj: Object, convert: Any) -> Object:
    spec = obj.get("spec")
    if not isinstance(spec, dict) or "spec" not in spec:
        return obj
    return {**obj, "spec": {**spec, "spec": _claim_spec(spec["spec"], convert)}}


def template_to_v1(obj: Object) -> Object:
    return _template(obj, _request_to_v1)


def template_from_v1(obj: Object) -> Object:
    return _template(obj, _request_from_v1)


def _devices(obj: Object, convert: Any) -> Object:
    spec = obj.get("spec")
    if not isinstance(spec, dict) or not isinstance(spec.get("devices"), list):
        return obj
    return {**obj, "spec": {**spec, "devices": [convert(d) if isinstance(d, dict) else d for d in spec["devices"]]}}


def slice_to_v1(obj: Object) -> Object:
    def flatten(device: Object) -> Object:
        out = {k: v for k, v in device.items() if k != "basic"}
        if isinstance(device.get("basic"), dict):
            out.update(device["basic"])
        return out

    return _devices(obj, flatten)


def slice_from_v1(obj: Object) -> Object:
    def nest(device: Object) -> Object:
        return {"name": device.get("name", ""), "basic": {k: v for k, v in device.items() if k != "name"}}

    return _devices(obj, nest)


def served_as(stored: ResourceSpec, version: str, to_v1: conversion.Convert | None = None,
              from_v1: conversion.Convert | None = None, status: Strategy | None = None) -> ResourceSpec:
    """`stored` served at `version`. Reshaping versions run v1's strategies (and v1's `status`
    strategy, when the resource has the subresource) on converted copies."""
    if to_v1 is None or from_v1 is None:
        return conversion.alternate_version(stored, version)
    strategy = conversion.ConvertingStrategy(stored.strategy, to_v1, from_v1)
    subs: tuple[Subresource, ...] = ()
    if status is not None:
        converted = conversion.ConvertingStrategy(status, to_v1, from_v1)
        subs = (Subresource("status", lambda store: StatusREST(store.with_strategy(converted))),)
    return conversion.alternate_version(stored, version, to_v1, from_v1, strategy=strategy, subresources=subs)
