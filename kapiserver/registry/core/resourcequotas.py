"""resourcequotas (upstream pkg/registry/core/resourcequota and ValidateResourceQuota*).

Create clears status and updates keep it (the quota controller writes
resourcequotas/status); scopes may not change after creation. The printer lists, per
hard resource, used/hard in the REQUEST column, or in LIMIT for `limits.*` resources.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import errors, field, meta, objectmeta, quantity
from kapiserver.apimachinery.types import Object
from kapiserver.registry import subresources
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy, drop_status_on_create, keep_old_spec, keep_old_status
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from .podspec import helpers
from .podspec.access import as_dict, as_str, dicts, strings
from .podspec.validation_resources import validate_resource_name, validate_resource_quantity_value

INVALID_QUOTA_RESOURCE = "must be a standard resource for quota"
STANDARD_QUOTA_RESOURCES = frozenset({
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.storage",
    "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods",
    "resourcequotas", "services", "replicationcontrollers", "secrets", "persistentvolumeclaims", "configmaps",
    "services.nodeports", "services.loadbalancers",
})
STANDARD_SCOPES = frozenset({"Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass",
                             "CrossNamespacePodAffinity", "VolumeAttributesClass"})
_POD_OBJECT_COUNT = frozenset({"pods"})
_POD_COMPUTE = frozenset({"cpu", "memory", "limits.cpu", "limits.memory", "requests.cpu", "requests.memory"})
_PVC_RESOURCES = frozenset({"persistentvolumeclaims", "requests.storage"})
_EXISTS_ONLY = ("BestEffort", "NotBestEffort", "Terminating", "NotTerminating", "CrossNamespacePodAffinity")
_CONFLICTS = (("BestEffort", "NotBestEffort"), ("Terminating", "NotTerminating"))


def is_standard_quota_resource_name(name: str) -> bool:
    return name in STANDARD_QUOTA_RESOURCES or helpers.is_quota_huge_page_resource_name(name)


def scope_valid_for_resource(scope: str, resource: str) -> bool:
    """upstream IsResourceQuotaScopeValidForResource."""
    if scope in ("Terminating", "NotTerminating", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity"):
        return resource in _POD_OBJECT_COUNT or resource in _POD_COMPUTE
    if scope == "BestEffort":
        return resource in _POD_OBJECT_COUNT
    if scope == "VolumeAttributesClass":
        return resource in _PVC_RESOURCES
    return True


def validate_quota_resource_name(name: str, path: field.Path) -> field.ErrorList:
    errs = validate_resource_name(name, path)
    if "/" not in name and not is_standard_quota_resource_name(name):
        errs.append(field.invalid(path, name, INVALID_QUOTA_RESOURCE))
    return errs


def _quantity_errors(bag: Any, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    for name, value in sorted(as_dict(bag).items()):
        errs += validate_quota_resource_name(name, path.key(name))
        try:
            parsed = quantity.from_json(value)
        except quantity.QuantityError:
            continue
        errs += validate_resource_quantity_value(name, parsed, path.key(name))
    return errs


def _scopes_repr(scopes: list[str]) -> list[str] | None:
    """spec.scopes as field errors print it: its JSON (null when nil)."""
    return scopes or None


def _scope_selector_repr(selector: Object) -> Object:
    """The internal ScopeSelector as field errors print it: JSON of a Go struct without json tags, so
    with Go's field names (and null for a nil slice)."""
    return {"MatchExpressions": [
        {"ScopeName": as_str(r.get("scopeName")), "Operator": as_str(r.get("operator")),
         "Values": strings(r.get("values")) if isinstance(r.get("values"), list) else None}
        for r in dicts(selector.get("matchExpressions"))] if isinstance(selector.get("matchExpressions"), list)
        else None}


def _validate_scopes(spec: Object, path: field.Path) -> field.ErrorList:
    scopes = strings(spec.get("scopes"))
    if not scopes:
        return []
    errs: field.ErrorList = []
    shown = _scopes_repr(scopes)
    hard = sorted(as_dict(spec.get("hard")))
    for scope in scopes:
        if scope not in STANDARD_SCOPES:
            errs.append(field.invalid(path.child("scopes"), shown, "unsupported scope"))
        for name in hard:
            if is_standard_quota_resource_name(name) and not scope_valid_for_resource(scope, name):
                errs.append(field.invalid(path.child("scopes"), shown, "unsupported scope applied to resource"))
    for pair in _CONFLICTS:
        if set(pair) <= set(scopes):
            errs.append(field.invalid(path.child("scopes"), shown, "conflicting scopes"))
    return errs


def _validate_scope_selector(spec: Object, path: field.Path) -> field.ErrorList:
    selector = spec.get("scopeSelector")
    if not isinstance(selector, dict):
        return []
    path = path.child("scopeSelector", "matchExpressions")
    hard = sorted(as_dict(spec.get("hard")))
    errs: field.ErrorList = []
    seen: set[str] = set()
    for requirement in dicts(selector.get("matchExpressions")):
        scope, operator = as_str(requirement.get("scopeName")), as_str(requirement.get("operator"))
        if scope not in STANDARD_SCOPES:
            errs.append(field.invalid(path.child("scopeName"), scope, "unsupported scope"))
        for name in hard:
            if is_standard_quota_resource_name(name) and not scope_valid_for_resource(scope, name):
                errs.append(field.invalid(path, _scope_selector_repr(selector),
                                          "unsupported scope applied to resource"))
        if scope in _EXISTS_ONLY and operator != "Exists":
            errs.append(field.invalid(path.child("operator"), operator, "must be 'Exist' when scope is any of "
                                      "ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, "
                                      "ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or "
                                      "ResourceQuotaScopeCrossNamespacePodAffinity"))
        values = strings(requirement.get("values"))
        if operator in ("In", "NotIn"):
            if not values:
                errs.append(field.required(path.child("values"), "must be at least one value when `operator` is "
                                                                 "'In' or 'NotIn' for scope selector"))
        elif operator in ("Exists", "DoesNotExist"):
            if values:
                errs.append(field.invalid(path.child("values"), values,
                                          "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope "
                                          "selector"))
        else:
            errs.append(field.invalid(path.child("operator"), operator, "not a valid selector operator"))
        seen.add(scope)
    for pair in _CONFLICTS:
        if set(pair) <= seen:
            errs.append(field.invalid(path, _scopes_repr(strings(spec.get("scopes"))), "conflicting scopes"))
    return errs


def validate_resource_quota_spec(spec: Object, path: field.Path) -> field.ErrorList:
    errs = _quantity_errors(spec.get("hard"), path.child("hard"))
    return errs + _validate_scopes(spec, path) + _validate_scope_selector(spec, path)


def validate_resource_quota_status(status: Object, path: field.Path) -> field.ErrorList:
    return _quantity_errors(status.get("hard"), path.child("hard")) + _quantity_errors(status.get("used"),
                                                                                       path.child("used"))


def validate_resource_quota(obj: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(meta.metadata(obj), True, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    errs += validate_resource_quota_spec(as_dict(obj.get("spec")), field.new_path("spec"))
    return errs + validate_resource_quota_status(as_dict(obj.get("status")), field.new_path("status"))


def _normalize(obj: Object) -> None:
    """SetDefaults_ResourceList over spec.hard, status.hard and status.used."""
    for section, key in (("spec", "hard"), ("status", "hard"), ("status", "used")):
        bag = as_dict(obj.get(section))
        if key in bag:
            bag[key] = helpers.normalize_resource_list(bag[key])


class ResourceQuotaStrategy(Strategy):
    def default(self, obj: Object) -> None:
        try:
            _normalize(obj)
        except quantity.QuantityError as exc:
            raise errors.bad_request(f'ResourceQuota in version "v1" cannot be handled as a ResourceQuota: {exc}') \
                from None

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        drop_status_on_create(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_status(obj, old)

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_resource_quota(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = objectmeta.validate_object_meta_update(meta.metadata(obj), meta.metadata(old),
                                                      field.new_path("metadata"))
        spec = as_dict(obj.get("spec"))
        errs += validate_resource_quota_spec(spec, field.new_path("spec"))
        new_scopes, old_scopes = set(strings(spec.get("scopes"))), set(strings(as_dict(old.get("spec")).get("scopes")))
        if new_scopes != old_scopes:
            errs.append(field.invalid(field.new_path("spec", "scopes"), _scopes_repr(strings(spec.get("scopes"))),
                                      objectmeta.FIELD_IMMUTABLE_ERROR_MSG))
        return errs


class ResourceQuotaStatusStrategy(ResourceQuotaStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old_spec(obj, old)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = objectmeta.validate_object_meta_update(meta.metadata(obj), meta.metadata(old),
                                                      field.new_path("metadata"))
        if not meta.resource_version(obj):
            errs.append(field.required(field.new_path("resourceVersion"), ""))
        return errs + validate_resource_quota_status(as_dict(obj.get("status")), field.new_path("status"))


def _q(value: Any) -> str:
    if value is None:
        return "0"
    try:
        return quantity.canonical(quantity.from_json(value))
    except quantity.QuantityError:
        return as_str(value)


def _row(obj: Object) -> list[object]:
    status = as_dict(obj.get("status"))
    hard, used = as_dict(status.get("hard")), as_dict(status.get("used"))
    requests: list[str] = []
    limits: list[str] = []
    for name in sorted(hard):
        pieces = name.split(".")
        target = limits if len(pieces) > 1 and pieces[0] == "limits" else requests
        target.append(f"{name}: {_q(used.get(name))}/{_q(hard[name])}")
    return [name_of(obj), ", ".join(requests), ", ".join(limits), age(obj)]


QUOTA_PRINTER = Printer((
    NAME_COLUMN,
    Column("Request", "string", "", "Request represents a minimum amount of cpu/memory that a container may consume."),
    Column("Limit", "string", "", "Limits control the maximum amount of cpu/memory that a container may use "
                                  "independent of contention on the node."),
    AGE_COLUMN,
), _row)

RESOURCEQUOTAS = ResourceSpec(
    group="", version="v1", kind="ResourceQuota", plural="resourcequotas", singular="resourcequota",
    namespaced=True, strategy=ResourceQuotaStrategy(), short_names=("quota",), printer=QUOTA_PRINTER,
    subresources=(subresources.status(ResourceQuotaStatusStrategy()),),
)
