"""The strategy of a custom resource version (upstream registry/customresource strategy.go,
status_strategy.go and validator.go), driven by the version's compiled schema.

Defaulting, validation (OpenAPI, embedded metadata, list types, CEL) and pruning are the
schema engine's; this module decides when they run and adds what is not the schema's:
type meta, object meta, the status split, generation, the scale replicas checks and the
warnings about finalizer names.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import field, meta, objectmeta, validation
from kapiserver.apimachinery.schema import GroupVersionKind
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.strategy import Strategy, keep_old_status

_MAX_INT32 = 2**31 - 1
_STANDARD_FINALIZERS = frozenset({"orphan", "foregroundDeletion", "kubernetes"})
_FINALIZERS = field.new_path("metadata", "finalizers")


class CustomResourceStrategy(Strategy):
    allow_create_on_update = False
    allow_unconditional_update = False

    def __init__(self, kind: GroupVersionKind, namespaced: bool, schema: Any, status: bool,
                 scale: dict[str, Any] | None):
        """`schema` is the version's CompiledSchema (None without one); `status` whether the
        status subresource is on; `scale` the scale subresource (its replicas paths)."""
        self.kind = kind
        self.namespaced = namespaced
        self.schema = schema
        self.status = status
        self.scale = scale

    def default(self, obj: Object) -> None:
        if self.schema is not None:
            self.schema.default(obj)

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        if self.status:
            obj.pop("status", None)
        obj.setdefault("metadata", {})["generation"] = 1

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        if self.status:
            keep_old_status(obj, old)
        if _non_metadata(obj) != _non_metadata(old):
            obj.setdefault("metadata", {})["generation"] = meta.generation(old) + 1

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        errs = self._type_meta(obj)
        if errs:
            return errs
        errs = objectmeta.validate_object_meta(obj.get("metadata") or {}, self.namespaced,
                                               objectmeta.name_is_dns_subdomain, field.new_path("metadata"))
        if self.schema is not None:
            errs += self.schema.validate(obj)
        return errs + self._scale_spec(obj) + self._scale_status(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = self._type_meta(obj)
        if errs:
            return errs
        errs = objectmeta.validate_object_meta_update(obj.get("metadata") or {}, old.get("metadata") or {},
                                                      field.new_path("metadata"))
        if self.schema is not None:
            errs += self.schema.validate(obj, old)
        return errs + self._scale_spec(obj) + self._scale_status(obj)

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        return finalizer_warnings(obj, None)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return finalizer_warnings(obj, old)

    # -- helpers ---------------------------------------------------------------------------

    def _type_meta(self, obj: Object) -> field.ErrorList:
        errs: field.ErrorList = []
        if obj.get("kind") != self.kind.kind:
            errs.append(field.invalid(field.new_path("kind"), obj.get("kind", ""), f"must be {self.kind.kind}"))
        expected = f"{self.kind.group}/{self.kind.version}"
        if obj.get("apiVersion") != expected:
            errs.append(field.invalid(field.new_path("apiVersion"), obj.get("apiVersion", ""), f"must be {expected}"))
        return errs

    def _scale_spec(self, obj: Object) -> field.ErrorList:
        if self.scale is None:
            return []
        return _replicas_errors(obj, str(self.scale.get("specReplicasPath") or ""))

    def _scale_status(self, obj: Object) -> field.ErrorList:
        if self.scale is None:
            return []
        errs = _replicas_errors(obj, str(self.scale.get("statusReplicasPath") or ""))
        selector_path = self.scale.get("labelSelectorPath")
        if selector_path:
            value = _nested(obj, str(selector_path))
            if value is not None and not isinstance(value, str):
                errs.append(field.invalid(field.Path(str(selector_path)), "",
                                          f"{_accessor(str(selector_path))} accessor error: {_go_print(value)} is of "
                                          f"the type {_go_type(value)}, expected string"))
        return errs


class CustomResourceStatusStrategy(CustomResourceStrategy):
    """Only status changes; everything else is the stored object's (managedFields aside)."""

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        has_status = "status" in obj
        status = obj.get("status")
        managed = (obj.get("metadata") or {}).get("managedFields")
        replacement = meta.deep_copy(old)
        replacement.pop("status", None)
        metadata = replacement.setdefault("metadata", {})
        if managed is not None:
            metadata["managedFields"] = managed
        else:
            metadata.pop("managedFields", None)
        if has_status:
            replacement["status"] = status
        obj.clear()
        obj.update(replacement)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = self._type_meta(obj)
        if errs:
            return errs
        errs = objectmeta.validate_object_meta_update(obj.get("metadata") or {}, old.get("metadata") or {},
                                                      field.new_path("metadata"))
        if self.schema is not None:
            errs += self.schema.validate(obj, old)
        return errs + self._scale_status(obj)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return []


def _non_metadata(obj: Object) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k != "metadata"}


def _nested(obj: Object, json_path: str) -> Any:
    value: Any = obj
    for name in json_path.removeprefix(".").split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


def _accessor(json_path: str) -> str:
    return "." + json_path.removeprefix(".")


def _go_type(value: Any) -> str:
    return {str: "string", float: "float64", int: "int64", bool: "bool", list: "[]interface {}",
            dict: "map[string]interface {}"}.get(type(value), "interface {}")


def _go_print(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{_go_print(v)}" for k, v in sorted(value.items())) + "]"
    if isinstance(value, list):
        return "[" + " ".join(_go_print(v) for v in value) + "]"
    return str(value)


def _replicas_errors(obj: Object, json_path: str) -> field.ErrorList:
    """upstream ValidateScaleSpec / ValidateScaleStatus for one replicas path."""
    path = field.Path(json_path)
    value = _nested(obj, json_path)
    if value is None:
        return []
    if isinstance(value, bool) or not isinstance(value, int):
        return [field.invalid(path, 0, f"{_accessor(json_path)} accessor error: {_go_print(value)} is of the type "
                                       f"{_go_type(value)}, expected int64")]
    if value < 0:
        return [field.invalid(path, value, "should be a non-negative integer")]
    if value > _MAX_INT32:
        return [field.invalid(path, value, f"should be less than or equal to {_MAX_INT32}")]
    return []


def finalizer_warnings(obj: Object, old: Object | None) -> list[str]:
    """upstream generateWarningsFromObj: advice on newly added finalizer names."""
    added = set(meta.finalizers(obj)) - (set(meta.finalizers(old)) if old is not None else set())
    warnings: list[str] = []
    for name in sorted(added):
        quoted = field.go_quote(name)
        warnings += [f"{_FINALIZERS}: {quoted}: {msg}" for msg in validation.is_qualified_name(name)]
        if "/" not in name and name not in _STANDARD_FINALIZERS:
            if "." in name:
                warnings.append(f"{_FINALIZERS}: {quoted}: prefer a domain-qualified finalizer name including a path "
                                "(/) to avoid accidental conflicts with other finalizer writers")
            else:
                warnings.append(f"{_FINALIZERS}: {quoted}: prefer a domain-qualified finalizer name to avoid "
                                "accidental conflicts with other finalizer writers")
    return warnings
