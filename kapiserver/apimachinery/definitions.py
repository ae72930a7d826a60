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

_QUANTITY_DESCRIPTION = (
    "Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling in "
    "JSON and YAML, in addition to String() and AsInt64() accessors.\n\nThe serialization format is:\n\n``` "
    "<quantity>        ::= <signedNumber><suffix>\n\n\t(Note that <suffix> may be empty, from the \"\" case in "
    "<decimalSI>.)\n\n<digit>           ::= 0 | 1 | ... | 9 <digits>          ::= <digit> | <digit><digits> "
    "<number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits> <sign>            ::= \"+\" | "
    "\"-\" <signedNumber>    ::= <number> | <sign><number> <suffix>          ::= <binarySI> | <decimalExponent> | "
    "<decimalSI> <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei\n\n\t(International System of units; See: "
    "http://physics.nist.gov/cuu/Units/binary.html)\n\n<decimalSI>       ::= m | \"\" | k | M | G | T | P | "
    "E\n\n\t(Note that 1024 = 1Ki but 1000 = 1k; I didn't choose the capitalization.)\n\n<decimalExponent> ::= "
    "\"e\" <signedNumber> | \"E\" <signedNumber> ```\n\nNo matter which of the three exponent forms is used, no "
    "quantity may represent a number greater than 2^63-1 in magnitude, nor may it have more than 3 decimal places. "
    "Numbers larger or more precise will be capped or rounded up. (E.g.: 0.1m will rounded up to 1m.) This may be "
    "extended in the future if we require larger or smaller quantities.\n\nWhen a Quantity is parsed from a "
    "string, it will remember the type of suffix it had, and will use the same type again when it is serialized."
    "\n\nBefore serializing, Quantity will be put in \"canonical form\". This means that Exponent/suffix will be "
    "adjusted up or down (with a corresponding increase or decrease in Mantissa) such that:\n\n- No precision is "
    "lost - No fractional digits will be emitted - The exponent (or suffix) is as large as possible.\n\nThe sign "
    "will be omitted unless the number is negative.\n\nExamples:\n\n- 1.5 will be serialized as \"1500m\" - 1.5Gi "
    "will be serialized as \"1536Mi\"\n\nNote that the quantity will NEVER be internally represented by a "
    "floating point number. That is the whole point of this exercise.\n\nNon-canonical values will still parse "
    "as long as they are well formed, but will be re-emitted in their canonical form. (So always use canonical "
    "form, or don't diff.)\n\nThis format is intended to make it difficult to use these numbers without writing "
    "some sort of special handling code in the hopes that that will cause implementors to also use a fixed point "
    "implementation.")

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
        "description": _QUANTITY_DESCRIPTION,
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
