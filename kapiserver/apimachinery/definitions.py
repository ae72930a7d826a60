"""The OpenAPI definitions of every built-in type of Kubernetes v1.35.

They come from the `kubernetes-validate` package, which ships them converted to JSON
Schema; `load()` turns them back into the Swagger 2.0 form kube-apiserver publishes
(single types, `#/definitions/` references, int-or-string and quantity as strings), with
their `x-kubernetes-*` extensions (group-version-kind, patch strategies, list types).
Discovery-free facts (field shapes, patch merge keys) are read from here; nothing is
written back, so the cache is a read-only constant shared by every server in the process.
"""

from __future__ import annotations

import functools
import importlib.util
import pathlib
from typing import Any

import orjson

from .types import Object

KUBERNETES_SCHEMA_VERSION = "v1.35.0"
_REF_PREFIX = "#/$defs/"

# The converter that produced the package's files inlined these two as `oneOf`; kube-apiserver
# publishes them as strings with a format.
_STRING_FORMS = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {
        "description": "IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML "
        "marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for "
        "example, a JSON field that can accept a name or number.",
        "format": "int-or-string",
        "type": "string",
    },
    "io.k8s.apimachinery.pkg.api.resource.Quantity": {
        "description": "Quantity is a fixed-point representation of a number. It provides convenient "
        "marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors.",
        "type": "string",
    },
}


def _schema_file() -> pathlib.Path:
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the kubernetes-validate package is not installed")
    base = pathlib.Path(next(iter(spec.submodule_search_locations)))
    return base / "kubernetes-json-schema" / f"{KUBERNETES_SCHEMA_VERSION}-local" / "_definitions.json"


def _convert(node: Any, in_properties: bool = False) -> Any:
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    if in_properties:
        return {name: _convert(prop) for name, prop in node.items()}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "type" and isinstance(value, list):
            kinds = [t for t in value if t != "null"]
            out[key] = kinds[0] if len(kinds) == 1 else kinds
        elif key == "$ref" and isinstance(value, str) and value.startswith(_REF_PREFIX):
            out[key] = "#/definitions/" + value[len(_REF_PREFIX):]
        elif key == "properties":
            out[key] = _convert(value, in_properties=True)
        else:
            out[key] = _convert(value)
    return out


def _strip_injected_enums(definition: Object) -> None:
    """The converter pins apiVersion and kind with an enum; upstream's documents do not."""
    for name in ("apiVersion", "kind"):
        prop = definition.get("properties", {}).get(name)
        if isinstance(prop, dict):
            prop.pop("enum", None)


@functools.cache
def load() -> dict[str, Object]:
    """All definitions by their OpenAPI name (`io.k8s.api.core.v1.Pod`), Swagger 2.0 form."""
    raw = orjson.loads(_schema_file().read_bytes())["$defs"]
    definitions: dict[str, Object] = {}
    for name, schema in raw.items():
        if name in _STRING_FORMS:
            definitions[name] = dict(_STRING_FORMS[name])
            continue
        converted = _convert(schema)
        _strip_injected_enums(converted)
        definitions[name] = converted
    return definitions


@functools.cache
def names_by_gvk() -> dict[tuple[str, str, str], str]:
    """(group, version, kind) -> definition name, from `x-kubernetes-group-version-kind`."""
    index: dict[tuple[str, str, str], str] = {}
    for name, schema in load().items():
        for gvk in schema.get("x-kubernetes-group-version-kind", ()):
            index[(gvk["group"], gvk["version"], gvk["kind"])] = name
    return index


def name_for(group: str, version: str, kind: str) -> str | None:
    return names_by_gvk().get((group, version, kind))


def resolve(schema: Object) -> Object:
    """Follow a `$ref` (one level) to its definition; other schemas come back unchanged."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/definitions/"):
        return load()[ref[len("#/definitions/"):]]
    return schema
