"""Where types come from: the schema source the field manager reads objects through
(upstream managedfields TypeConverter and the version converter handed to the merge).

- `OpenAPITypeConverter`: kinds found by `x-kubernetes-group-version-kind` in a table of
  OpenAPI models. `builtin()` is the one for the built-in kinds (the bundled v1.35
  definitions, objects read through their Go struct views); a custom resource hands in
  its structural schema per version with `views=False` (unstructured, as upstream).
- `DeducedTypeConverter`: any object, every map granular and every list atomic (custom
  resources without a schema).

`object_to_typed(obj, structured=...)` reads an object: `structured=True` for objects the
server holds (upstream reads them from Go structs), False for applied configurations
(upstream reads them unstructured). Version conversion between served versions of a
kind is not modelled: an object converts to another version of the same kind unchanged
(right for custom resources without a conversion webhook); a version the converter
has no type for is a missing version, whose managers are dropped as upstream drops them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from .. import definitions
from . import gotyped
from .schema import DEDUCED, Atom, from_openapi
from .typed import TypedValue, validate

Object = dict[str, Any]


class NoCorrespondingType(ValueError):
    """upstream noCorrespondingTypeErr: a missing version for the merge."""


def gvk_string(api_version: str, kind: str) -> str:
    """schema.GroupVersionKind.String(): `apps/v1, Kind=Deployment`, `/v1, Kind=ConfigMap`."""
    group, _, version = api_version.rpartition("/") if "/" in api_version else ("", "", api_version)
    return f"{group}/{version}, Kind={kind}"


class TypeConverter(Protocol):
    def object_to_typed(
        self, obj: Object, structured: bool = False, allow_duplicates: bool = False, check: bool = True
    ) -> TypedValue:
        """obj with its type; NoCorrespondingType, or typed.ValidationError when check finds errors."""
        ...

    def has_type(self, api_version: str, kind: str) -> bool: ...

    def structured_view(self, obj: Object) -> Object:
        """obj as the server's typed object would encode it (obj itself when there is no Go type)."""
        ...


class OpenAPITypeConverter:
    def __init__(self, models: Mapping[str, Any], preserve_unknown_fields: bool = False, views: bool = False):
        self._atoms = from_openapi(models, preserve_unknown_fields)
        self._kinds: dict[tuple[str, str], Atom] = {}
        self._views = views
        for name, model in models.items():
            if not isinstance(model, dict):
                continue
            for gvk in model.get("x-kubernetes-group-version-kind") or ():
                if not isinstance(gvk, dict) or not gvk.get("kind") or name not in self._atoms:
                    continue
                group, version = gvk.get("group", ""), gvk.get("version", "")
                api_version = f"{group}/{version}" if group else version
                self._kinds[(api_version, gvk["kind"])] = self._atoms[name]

    def atom_for(self, api_version: str, kind: str) -> Atom | None:
        return self._kinds.get((api_version, kind))

    def has_type(self, api_version: str, kind: str) -> bool:
        return (api_version, kind) in self._kinds

    def structured_view(self, obj: Object) -> Object:
        if not self._views:
            return obj
        view = _view_for(str(obj.get("apiVersion") or ""), str(obj.get("kind") or ""))
        return gotyped.view(obj, view) if view is not None else obj

    def object_to_typed(
        self, obj: Object, structured: bool = False, allow_duplicates: bool = False, check: bool = True
    ) -> TypedValue:
        api_version, kind = str(obj.get("apiVersion") or ""), str(obj.get("kind") or "")
        atom = self._kinds.get((api_version, kind))
        if atom is None:
            raise NoCorrespondingType(f"no corresponding type for {gvk_string(api_version, kind)}")
        value = self.structured_view(obj) if structured else obj
        if check:
            validate(value, atom, allow_duplicates)
        return TypedValue(value, atom)


@functools.cache
def _view_for(api_version: str, kind: str) -> Any:
    group, _, version = api_version.rpartition("/") if "/" in api_version else ("", "", api_version)
    return gotyped.kind_view(group, version, kind)


class DeducedTypeConverter:
    """Every object typed by what it holds: maps granular, lists atomic."""

    def has_type(self, api_version: str, kind: str) -> bool:
        return True

    def structured_view(self, obj: Object) -> Object:
        return obj

    def object_to_typed(
        self, obj: Object, structured: bool = False, allow_duplicates: bool = False, check: bool = True
    ) -> TypedValue:
        if check:
            validate(obj, DEDUCED, allow_duplicates)
        return TypedValue(obj, DEDUCED)


@functools.cache
def builtin() -> OpenAPITypeConverter:
    """The converter for every built-in kind, read once per process."""
    return OpenAPITypeConverter(definitions.load(), views=True)


_OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


def _closure(name: str, table: dict[str, Object]) -> dict[str, Object]:
    """The definition and every definition it references, transitively."""
    out: dict[str, Object] = {}
    pending = [name]
    while pending:
        current = pending.pop()
        if current in out or current not in table:
            continue
        out[current] = table[current]
        pending.extend(_refs(table[current]))
    return out


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [str(node["$ref"]).rsplit("/", 1)[-1]] if isinstance(node.get("$ref"), str) else []
        return found + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def for_custom_resource(
    group: str, kind: str, schemas: Mapping[str, Object | None], preserve_unknown_fields: bool = False
) -> TypeConverter:
    """The type converter of a custom resource: its structural schema per served version,
    with apiVersion, kind and the standard ObjectMeta around it, as kube-apiserver builds
    the models of a CustomResourceDefinition. A version without a schema makes the whole
    kind deduced (upstream's DeducedTypeConverter)."""
    if any(schema is None for schema in schemas.values()):
        return DeducedTypeConverter()
    models: dict[str, Object] = dict(_closure(_OBJECT_META, definitions.load()))
    for version, schema in schemas.items():
        assert schema is not None
        model = dict(schema)
        properties = dict(model.get("properties") or {})
        properties.setdefault("apiVersion", {"type": "string"})
        properties.setdefault("kind", {"type": "string"})
        properties["metadata"] = {"$ref": "#/definitions/" + _OBJECT_META}
        model["properties"] = properties
        model.setdefault("type", "object")
        model["x-kubernetes-group-version-kind"] = [{"group": group, "version": version, "kind": kind}]
        models[f"{group}.{version}.{kind}"] = model
    return OpenAPITypeConverter(models, preserve_unknown_fields)


class VersionConverter:
    """merge.Converter over a TypeConverter: the same value under the target version's type."""

    def __init__(self, type_converter: TypeConverter):
        self._types = type_converter

    def convert(self, tv: TypedValue, version: str) -> TypedValue:
        obj = tv.value
        if not isinstance(obj, dict):
            return tv
        current = str(obj.get("apiVersion") or "")
        if not current or current == version or not version:
            return tv
        kind = str(obj.get("kind") or "")
        if not self._types.has_type(version, kind):
            raise NoCorrespondingType(f"no corresponding type for {gvk_string(version, kind)}")
        converted = dict(obj)
        converted["apiVersion"] = version
        return self._types.object_to_typed(converted, check=False)


Defaulter = Callable[[Object], None]
