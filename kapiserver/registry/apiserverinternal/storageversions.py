"""storageversions, internal.apiserver.k8s.io/v1alpha1 (upstream pkg/registry/apiserverinternal/storageversion,
pkg/apis/apiserverinternal/validation).

Each object, named `<group>.<resource>`, records which encoding version every API server
writes. Written by the servers themselves (status subresource); the spec is empty.
Condition errors are reported under `status[i]`, as upstream reports them.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import field, objectmeta, validation
from kapiserver.apimachinery.types import Object
from kapiserver.registry import subresources
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy

_STATUS = field.new_path("status")


def validate_storage_version_name(name: str, prefix: bool) -> list[str]:
    idx = name.rfind(".")
    if idx < 0:
        return ["name must be in the form of <group>.<resource>"]
    return (["the group segment " + msg for msg in validation.is_dns1123_subdomain(name[:idx])]
            + ["the resource segment " + msg for msg in validation.is_dns1035_label(name[idx + 1:])])


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _server_storage_version(ssv: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    server_id = ssv.get("apiServerID") or ""
    errs += [field.invalid(path.child("apiServerID"), server_id, msg)
             for msg in objectmeta.name_is_dns_subdomain(server_id, False)]
    encoding = ssv.get("encodingVersion") or ""
    problems = validation.is_dns1035_label(encoding)
    if problems:
        errs.append(field.invalid(path.child("encodingVersion"), encoding, ",".join(problems)))
    decodable = _l(ssv.get("decodableVersions"))
    for i, version in enumerate(decodable):
        problems = validation.is_dns1035_label(version)
        if problems:
            errs.append(field.invalid(path.child("decodableVersions").index(i), version, ",".join(problems)))
    if encoding not in decodable:
        errs.append(field.invalid(path.child("decodableVersions"), decodable,
                                  f"decodableVersions must include encodingVersion {encoding}"))
    for i, version in enumerate(_l(ssv.get("servedVersions"))):
        problems = validation.is_dns1035_label(version)
        if problems:
            errs.append(field.invalid(path.child("servedVersions").index(i), version, ",".join(problems)))
        if version not in decodable:
            errs.append(field.invalid(path.child("servedVersions").index(i), version,
                                      f"individual served version : {version} must be included in decodableVersions "
                                      f": [{' '.join(decodable)}]"))
    return errs


def _common_version(status: Object) -> field.FieldError | None:
    encodings = [s.get("encodingVersion") or "" for s in _l(status.get("storageVersions"))]
    actual = encodings[0] if encodings and all(e == encodings[0] for e in encodings) else None
    declared = status.get("commonEncodingVersion")
    path = _STATUS.child("commonEncodingVersion")
    if actual is None and declared is not None:
        return field.invalid(path, declared, "should be nil if servers do not agree on the same encoding version, "
                                             "or if there is no server reporting the supported versions yet")
    if actual is not None and declared is None:
        return field.invalid(path, None, f"the common encoding version is {actual}")
    if actual is not None and declared != actual:
        return field.invalid(path, declared, f"the actual common encoding version is {actual}")
    return None


def _conditions(conditions: list[Any]) -> field.ErrorList:
    errs: field.ErrorList = []
    seen: dict[str, int] = {}
    for i, condition in enumerate(conditions):
        kind, status = condition.get("type") or "", condition.get("status") or ""
        if kind in seen:
            errs.append(field.invalid(_STATUS.index(i).child("type"), kind,
                                      f"the type of the condition is not unique, it also appears in "
                                      f"conditions[{seen[kind]}]"))
        seen[kind] = i
        errs += [field.invalid(_STATUS.index(i).child("type"), kind, msg) for msg in validation.is_qualified_name(kind)]
        errs += [field.invalid(_STATUS.index(i).child("status"), status, msg)
                 for msg in validation.is_qualified_name(status)]
        if not condition.get("reason"):
            errs.append(field.required(_STATUS.index(i).child("reason"), "reason cannot be empty"))
        if not condition.get("message"):
            errs.append(field.required(_STATUS.index(i).child("message"), "message cannot be empty"))
    return errs


def validate_storage_version_status(status: Object) -> field.ErrorList:
    errs: field.ErrorList = []
    seen: set[str] = set()
    for i, ssv in enumerate(_l(status.get("storageVersions"))):
        server_id = ssv.get("apiServerID") or ""
        if server_id in seen:
            errs.append(field.duplicate(_STATUS.child("storageVersions").index(i).child("apiServerID"), server_id))
        seen.add(server_id)
        errs += _server_storage_version(ssv, _STATUS.child("storageVersions").index(i))
    common = _common_version(status)
    if common is not None:
        errs.append(common)
    return errs + _conditions(_l(status.get("conditions")))


def validate_storage_version(sv: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(sv.get("metadata", {}), False, validate_storage_version_name,
                                           field.new_path("metadata"))
    return errs + validate_storage_version_status(sv.get("status") or {})


class StorageVersionStrategy(Strategy):
    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        obj["status"] = {}
        obj.setdefault("spec", {})

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj["status"] = old.get("status", {})

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_storage_version(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_storage_version(obj)


class StorageVersionStatusStrategy(StorageVersionStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        obj["spec"] = old.get("spec", {})

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_storage_version(obj)


STORAGEVERSIONS = ResourceSpec(
    group="internal.apiserver.k8s.io", version="v1alpha1", kind="StorageVersion", plural="storageversions",
    singular="storageversion", namespaced=False, strategy=StorageVersionStrategy(),
    subresources=(subresources.status(StorageVersionStatusStrategy()),),
)
