"""limitranges (upstream pkg/registry/core/limitrange, SetDefaults_LimitRangeItem and
ValidateLimitRange).

Container items are defaulted: a missing default limit takes the max, a missing default
request takes the default limit, then the min. Validation checks resource names per item
type, one item per type, and that min <= defaultRequest <= default <= max.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import errors, field, meta, objectmeta, quantity, validation
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy

from .podspec import helpers
from .podspec.access import as_dict, as_str, dicts
from .podspec.validation_resources import validate_container_resource_name, validate_resource_name

STANDARD_LIMIT_TYPES = frozenset({"Pod", "Container", "PersistentVolumeClaim"})
_LIMITS = field.new_path("spec", "limits")


def set_defaults_limit_range(obj: Object) -> None:
    for item in dicts(as_dict(obj.get("spec")).get("limits")):
        if item.get("type") != "Container":
            continue
        defaults = item.get("default")
        if not isinstance(defaults, dict):
            defaults = item["default"] = {}
        requests = item.get("defaultRequest")
        if not isinstance(requests, dict):
            requests = item["defaultRequest"] = {}
        for key, value in as_dict(item.get("max")).items():
            defaults.setdefault(key, value)
        for key, value in defaults.items():
            requests.setdefault(key, value)
        for key, value in as_dict(item.get("min")).items():
            requests.setdefault(key, value)
    for item in dicts(as_dict(obj.get("spec")).get("limits")):
        for key in ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio"):
            if key in item:
                item[key] = helpers.normalize_resource_list(item[key])


def _validate_type_name(value: str, path: field.Path) -> field.ErrorList:
    errs = [field.invalid(path, value, msg) for msg in validation.is_qualified_name(value)]
    if errs:
        return errs
    if "/" not in value and value not in STANDARD_LIMIT_TYPES:
        return [field.invalid(path, value, "must be a standard limit type or fully qualified")]
    return []


def _validate_resource(kind: str, name: str, path: field.Path) -> field.ErrorList:
    if kind in ("Pod", "Container"):
        return validate_container_resource_name(name, path)
    return validate_resource_name(name, path)


def _q(value: Any) -> quantity.Quantity:
    try:
        return quantity.from_json(value)
    except quantity.QuantityError:
        return quantity.ZERO


def _shown(q: quantity.Quantity) -> str:
    """A Quantity bad value as field errors print it: its JSON, the quoted String() form."""
    return quantity.canonical(q)


def _go_float(value: float) -> str:
    """Go's %f."""
    return f"{value:f}"


def _item_errors(item: Object, path: field.Path) -> field.ErrorList:
    kind = as_str(item.get("type"))
    errs: field.ErrorList = []
    bags: dict[str, dict[str, quantity.Quantity]] = {}
    keys: set[str] = set()
    sections = ["max", "min"] + (["default", "defaultRequest"] if kind != "Pod" else []) + ["maxLimitRequestRatio"]
    for section in ("max", "min"):
        bags[section] = {}
        for name, value in sorted(as_dict(item.get(section)).items()):
            errs += _validate_resource(kind, name, path.child(section).key(name))
            keys.add(name)
            bags[section][name] = _q(value)
    if kind == "Pod":
        for section in ("default", "defaultRequest"):
            if as_dict(item.get(section)):
                errs.append(field.forbidden(path.child(section), "may not be specified when `type` is 'Pod'"))
    for section in sections[2:-1]:
        bags[section] = {}
        for name, value in sorted(as_dict(item.get(section)).items()):
            errs += _validate_resource(kind, name, path.child(section).key(name))
            keys.add(name)
            bags[section][name] = _q(value)
    if kind == "PersistentVolumeClaim" and "storage" not in as_dict(item.get("min")) and \
            "storage" not in as_dict(item.get("max")):
        errs.append(field.required(path.child("limits"), "either minimum or maximum storage value is required, but "
                                                         "neither was provided"))
    bags["maxLimitRequestRatio"] = {}
    for name, value in sorted(as_dict(item.get("maxLimitRequestRatio")).items()):
        errs += _validate_resource(kind, name, path.child("maxLimitRequestRatio").key(name))
        keys.add(name)
        bags["maxLimitRequestRatio"][name] = _q(value)
    for key in sorted(keys):
        errs += _consistency_errors(key, bags, path)
    return errs


def _consistency_errors(key: str, bags: dict[str, dict[str, quantity.Quantity]], path: field.Path) -> field.ErrorList:
    low, high = bags["min"].get(key), bags["max"].get(key)
    default, request = bags.get("default", {}).get(key), bags.get("defaultRequest", {}).get(key)
    ratio = bags["maxLimitRequestRatio"].get(key)
    errs: field.ErrorList = []

    def bigger(a: quantity.Quantity | None, b: quantity.Quantity | None) -> bool:
        return a is not None and b is not None and quantity.compare(a, b) > 0

    if bigger(low, high):
        assert low is not None and high is not None
        errs.append(field.invalid(path.child("min").key(key), _shown(low), f"min value {low} is greater than max value "
                                                                           f"{high}"))
    if bigger(low, request):
        assert low is not None and request is not None
        errs.append(field.invalid(path.child("defaultRequest").key(key), _shown(request),
                                  f"min value {low} is greater than default request value {request}"))
    if bigger(request, high):
        assert request is not None and high is not None
        errs.append(field.invalid(path.child("defaultRequest").key(key), _shown(request),
                                  f"default request value {request} is greater than max value {high}"))
    if bigger(request, default):
        assert request is not None and default is not None
        errs.append(field.invalid(path.child("defaultRequest").key(key), _shown(request),
                                  f"default request value {request} is greater than default limit value {default}"))
    if bigger(low, default):
        assert low is not None and default is not None
        errs.append(field.invalid(path.child("default").key(key), _shown(low),
                                  f"min value {low} is greater than default value {default}"))
    if bigger(default, high):
        assert default is not None and high is not None
        errs.append(field.invalid(path.child("default").key(key), _shown(high),
                                  f"default value {default} is greater than max value {high}"))
    if ratio is not None and quantity.compare(ratio, quantity.parse_quantity("1")) < 0:
        errs.append(field.invalid(path.child("maxLimitRequestRatio").key(key), _shown(ratio),
                                  f"ratio {ratio} is less than 1"))
    if ratio is not None and low is not None and high is not None:
        limit = _ratio_limit(low, high)
        if _ratio_value(ratio, low, high) > limit:
            errs.append(field.invalid(path.child("maxLimitRequestRatio").key(key), _shown(ratio),
                                      f"ratio {ratio} is greater than max/min = {_go_float(limit)}"))
    if not helpers.is_overcommit_allowed(key) and default is not None and request is not None and \
            quantity.compare(default, request) != 0:
        errs.append(field.invalid(path.child("defaultRequest").key(key), _shown(request),
                                  f"default value {default} must equal to defaultRequest value {request} in {key}"))
    return errs


_MAX_MILLI_VALUE = (2**63 - 1) // 1000


def _small(*values: quantity.Quantity) -> bool:
    return all(quantity.value(v) < _MAX_MILLI_VALUE for v in values)


def _ratio_value(ratio: quantity.Quantity, low: quantity.Quantity, high: quantity.Quantity) -> float:
    if _small(ratio, low, high):
        return quantity.milli_value(ratio) / 1000
    return float(quantity.value(ratio))


def _ratio_limit(low: quantity.Quantity, high: quantity.Quantity) -> float:
    """max/min as Go's float division (a zero min gives +Inf, never exceeded)."""
    small = _small(low, high)
    top = quantity.milli_value(high) if small else quantity.value(high)
    bottom = quantity.milli_value(low) if small else quantity.value(low)
    if bottom == 0:
        return float("inf") if top >= 0 else float("-inf")
    return top / bottom


def validate_limit_range(obj: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(meta.metadata(obj), True, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    seen: set[str] = set()
    for i, item in enumerate(dicts(as_dict(obj.get("spec")).get("limits"))):
        path = _LIMITS.index(i)
        kind = as_str(item.get("type"))
        errs += _validate_type_name(kind, path.child("type"))
        if kind in seen:
            errs.append(field.duplicate(path.child("type"), kind))
        seen.add(kind)
        errs += _item_errors(item, path)
    return errs


class LimitRangeStrategy(Strategy):
    def default(self, obj: Object) -> None:
        try:
            set_defaults_limit_range(obj)
        except quantity.QuantityError as exc:
            raise errors.bad_request(f'LimitRange in version "v1" cannot be handled as a LimitRange: {exc}') from None

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_limit_range(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = objectmeta.validate_object_meta_update(meta.metadata(obj), meta.metadata(old),
                                                      field.new_path("metadata"))
        return errs + validate_limit_range(obj)


LIMITRANGES = ResourceSpec(
    group="", version="v1", kind="LimitRange", plural="limitranges", singular="limitrange", namespaced=True,
    strategy=LimitRangeStrategy(), short_names=("limits",),
)
