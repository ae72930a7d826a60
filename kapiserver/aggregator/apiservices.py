"""apiservices, apiregistration.k8s.io/v1 (upstream kube-aggregator registry/apiservice,
apis/apiregistration/validation and v1/defaults.go).

Validation runs on the object as decoded and defaulted (spec.service.port 443). The name
must be "<version>.<group>"; a local APIService (no spec.service) may carry neither a
caBundle nor insecureSkipTLSVerify. Local APIServices are Available from creation on.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from kapiserver.apimachinery import field, golang, objectmeta, validation
from kapiserver.apimachinery.types import Object
from kapiserver.registry.pathsegment import is_valid_path_segment_name
from kapiserver.registry.provider import StorageProvider
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy, keep_old_spec, keep_old_status
from kapiserver.registry.subresources import status
from kapiserver.registry.table import AGE_COLUMN, NAME_DESCRIPTION, Column, Printer, age, name_of

from . import helpers

CONDITION_STATUSES = ("True", "False", "Unknown")
_SPEC = field.new_path("spec")


def set_defaults(obj: Object) -> None:
    """upstream SetDefaults_ServiceReference: a service reference without a port uses 443."""
    ref = helpers.service_ref(obj)
    if ref is not None and ref.get("port") is None:
        ref["port"] = 443


def _ca_bundle_length(value: Any) -> int:
    if not isinstance(value, str) or not value:
        return 0
    try:
        return len(base64.b64decode(value, validate=True))
    except (binascii.Error, ValueError):
        return len(value)


def _name_validator(required_name: str) -> objectmeta.ValidateNameFunc:
    def validate(name: str, prefix: bool) -> list[str]:
        problems = is_valid_path_segment_name(name)
        if problems:
            return problems
        if name != required_name:
            return [f"must be `spec.version+\".\"+spec.group`: {golang.go_quote(required_name)}"]
        return []

    return validate


def validate_api_service(obj: Object) -> field.ErrorList:
    """upstream ValidateAPIService."""
    spec = helpers.spec(obj)
    group, version = str(spec.get("group") or ""), str(spec.get("version") or "")
    errs = objectmeta.validate_object_meta(obj.get("metadata") or {}, False, _name_validator(f"{version}.{group}"),
                                           field.new_path("metadata"))
    if not group and version != "v1":
        errs.append(field.required(_SPEC.child("group"), "only v1 may have an empty group and it better be legacy kube"))
    if group:
        errs += [field.invalid(_SPEC.child("group"), group, msg) for msg in validation.is_dns1123_subdomain(group)]
    errs += [field.invalid(_SPEC.child("version"), version, msg) for msg in validation.is_dns1035_label(version)]
    group_priority = int(spec.get("groupPriorityMinimum") or 0)
    if group_priority <= 0 or group_priority > 20000:
        errs.append(field.invalid(_SPEC.child("groupPriorityMinimum"), group_priority,
                                  "must be positive and less than 20000"))
    version_priority = int(spec.get("versionPriority") or 0)
    if version_priority <= 0 or version_priority > 1000:
        errs.append(field.invalid(_SPEC.child("versionPriority"), version_priority,
                                  "must be positive and less than 1000"))
    return errs + _validate_service(spec)


def _validate_service(spec: dict[str, Any]) -> field.ErrorList:
    errs: field.ErrorList = []
    ref = spec.get("service")
    ca_length = _ca_bundle_length(spec.get("caBundle"))
    insecure = bool(spec.get("insecureSkipTLSVerify"))
    if not isinstance(ref, dict):
        if ca_length:
            errs.append(field.invalid(_SPEC.child("caBundle"), f"{ca_length} bytes",
                                      "local APIServices may not have a caBundle"))
        if insecure:
            errs.append(field.invalid(_SPEC.child("insecureSkipTLSVerify"), insecure,
                                      "local APIServices may not have insecureSkipTLSVerify"))
        return errs
    service = _SPEC.child("service")
    if not ref.get("namespace"):
        errs.append(field.required(service.child("namespace"), ""))
    if not ref.get("name"):
        errs.append(field.required(service.child("name"), ""))
    port = int(ref.get("port") or 0)
    problems = validation.is_valid_port_num(port)
    if problems:
        errs.append(field.invalid(service.child("port"), port, "port is not valid: " + ", ".join(problems)))
    if insecure and ca_length:
        errs.append(field.invalid(_SPEC.child("insecureSkipTLSVerify"), insecure, "may not be true if caBundle is present"))
    return errs


def validate_api_service_status(obj: Object) -> field.ErrorList:
    """upstream ValidateAPIServiceStatus: condition statuses are True, False or Unknown."""
    path = field.new_path("status", "conditions")
    errs: field.ErrorList = []
    for index, condition in enumerate(helpers.conditions(obj)):
        value = condition.get("status") or ""
        if value not in CONDITION_STATUSES:
            errs.append(field.not_supported(path.index(index).child("status"), value, CONDITION_STATUSES))
    return errs


class APIServiceStrategy(Strategy):
    allow_unconditional_update = False

    def default(self, obj: Object) -> None:
        set_defaults(obj)

    def reset_fields(self) -> list[tuple[str, ...]]:
        return [("status",)]

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        obj["status"] = {}
        if helpers.is_local(obj):
            # local APIServices are available from the start
            helpers.set_condition(obj, helpers.local_available_condition())

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_status(obj, old)

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_api_service(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = objectmeta.validate_object_meta_update(obj.get("metadata") or {}, old.get("metadata") or {},
                                                      field.new_path("metadata"))
        return errs + validate_api_service(obj)


class APIServiceStatusStrategy(APIServiceStrategy):
    """Only status changes; spec and the metadata a client owns are carried over."""

    def reset_fields(self) -> list[tuple[str, ...]]:
        return [("spec",), ("metadata",)]

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_spec(obj, old)
        new_meta, old_meta = obj.setdefault("metadata", {}), old.get("metadata") or {}
        for key in ("labels", "annotations", "finalizers", "ownerReferences"):
            if key in old_meta:
                new_meta[key] = old_meta[key]
            else:
                new_meta.pop(key, None)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = objectmeta.validate_object_meta_update(obj.get("metadata") or {}, old.get("metadata") or {},
                                                      field.new_path("metadata"))
        return errs + validate_api_service_status(obj)


def available_cell(obj: Object) -> str:
    """The AVAILABLE column: "True", "False (reason)", or "Unknown" without a condition."""
    condition = helpers.get_condition(obj, helpers.AVAILABLE)
    if condition is None:
        return "Unknown"
    value = str(condition.get("status") or "")
    if value == "True" or not condition.get("reason"):
        return value
    return f"{value} ({condition['reason']})"


def service_cell(obj: Object) -> str:
    ref = helpers.service_ref(obj)
    if ref is None:
        return "Local"
    return f"{ref.get('namespace') or ''}/{ref.get('name') or ''}"


PRINTER = Printer(
    (Column("Name", "string", "name", NAME_DESCRIPTION),
     Column("Service", "string", "", "The reference to the service that hosts this API endpoint."),
     Column("Available", "string", "", "Whether this service is available."),
     AGE_COLUMN),
    lambda obj: [name_of(obj), service_cell(obj), available_cell(obj), age(obj)],
)

APISERVICES = ResourceSpec(
    group=helpers.GROUP, version="v1", kind="APIService", plural="apiservices", singular="apiservice",
    namespaced=False, strategy=APIServiceStrategy(), categories=("api-extensions",), printer=PRINTER,
    subresources=(status(APIServiceStatusStrategy()),),
)


def provider() -> StorageProvider:
    """The aggregator's own group (upstream apiservicerest.NewRESTStorage): v1 only, as v1beta1 was
    removed from serving in 1.22."""
    return StorageProvider(helpers.GROUP, (APISERVICES,))
