"""The internal form of a CRD spec, as upstream validates it (apiextensions/v1 conversion.go).

Upstream converts a v1 CRD to its internal version before validating it, and that
conversion moves per-version fields that are the same in every version to the top level:
`versions[*].schema` -> `validation`, `subresources`, `additionalPrinterColumns`,
`selectableFields`, and sets `version` to the first version's name. Error paths follow
that shape (a single-version CRD reports `spec.validation.openAPIV3Schema...`), so
validation runs over `internal_spec(spec)`: a dict with the v1 keys plus the hoisted ones.
The webhook settings move too: `conversion.webhookClientConfig` and
`conversion.conversionReviewVersions`.
"""

from __future__ import annotations

from typing import Any

# per-version field -> the top-level field it is hoisted to
_HOISTED = (("subresources", "subresources"), ("schema", "validation"),
            ("additionalPrinterColumns", "additionalPrinterColumns"), ("selectableFields", "selectableFields"))


# Fields Go holds behind a pointer: present-but-zero differs from absent.
_POINTER_FIELDS = frozenset({
    "default", "example", "enum", "maximum", "minimum", "maxLength", "minLength", "maxItems", "minItems",
    "multipleOf", "maxProperties", "minProperties", "x-kubernetes-preserve-unknown-fields",
    "x-kubernetes-list-type", "x-kubernetes-map-type", "$ref", "labelSelectorPath", "deprecationWarning",
    "optionalOldSelf", "reason",
})
# Pointers to structs: present (even empty) differs from absent.
_STRUCT_POINTERS = frozenset({
    "status", "scale", "schema", "openAPIV3Schema", "items", "not", "additionalProperties", "additionalItems",
    "externalDocs", "subresources",
})
# Go maps: every entry counts, whatever its value.
_MAPS = frozenset({"properties", "patternProperties", "definitions", "dependencies"})


def semantic(value: Any) -> Any:
    """A value for apiequality.Semantic.DeepEqual comparisons of Go structs: nil and empty
    lists and maps are equal, and a field holding its zero value equals an absent one."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in _POINTER_FIELDS:
                if item is not None:
                    out[key] = item
            elif key in _STRUCT_POINTERS and isinstance(item, dict):
                out[key] = semantic(item) or {}
            elif key in _MAPS and isinstance(item, dict):
                if item:
                    out[key] = {k: semantic(v) or {} for k, v in item.items()}
            else:
                item = semantic(item)
                if item not in (None, "", False, 0):
                    out[key] = item
        return out or None
    if isinstance(value, list):
        return [semantic(v) for v in value] or None
    return value


def internal_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """A shallow internal view of a v1 spec; the caller's dicts are not mutated."""
    out = dict(spec)
    versions = [dict(v) if isinstance(v, dict) else {} for v in spec.get("versions") or []]
    out["versions"] = versions
    conversion = spec.get("conversion")
    if isinstance(conversion, dict):
        webhook = conversion.get("webhook") if isinstance(conversion.get("webhook"), dict) else None
        converted: dict[str, Any] = {"strategy": conversion.get("strategy", "")}
        if webhook is not None:
            converted["conversionReviewVersions"] = webhook.get("conversionReviewVersions")
            if webhook.get("clientConfig") is not None:
                converted["webhookClientConfig"] = webhook.get("clientConfig")
        out["conversion"] = converted
    if not versions:
        return out
    out["version"] = versions[0].get("name", "")
    for per_version, top in _HOISTED:
        first = semantic(versions[0].get(per_version))
        if all(semantic(v.get(per_version)) == first for v in versions):
            out[top] = versions[0].get(per_version)
            for version in versions:
                version.pop(per_version, None)
    return out


def has_per_version(versions: list[dict[str, Any]], key: str) -> bool:
    if key == "additionalPrinterColumns":
        return any(v.get(key) for v in versions)
    return any(v.get(key) is not None for v in versions)


def subresources_for_version(spec: dict[str, Any], version: str) -> Any:
    """upstream getSubresourcesForVersion over the internal spec."""
    versions = spec.get("versions") or []
    if not has_per_version(versions, "subresources"):
        return spec.get("subresources")
    return next((v.get("subresources") for v in versions if v.get("name") == version), None)


def has_status_enabled(subresources: Any) -> bool:
    return isinstance(subresources, dict) and subresources.get("status") is not None


def has_any_status_enabled(spec: dict[str, Any]) -> bool:
    return has_status_enabled(spec.get("subresources")) or any(
        has_status_enabled(v.get("subresources")) for v in spec.get("versions") or [])


def schemas(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every openAPIV3Schema of the internal spec (top-level first)."""
    found = []
    for holder in [spec.get("validation")] + [v.get("schema") for v in spec.get("versions") or []]:
        if isinstance(holder, dict) and isinstance(holder.get("openAPIV3Schema"), dict):
            found.append(holder["openAPIV3Schema"])
    return found


def schema_has(schema: Any, predicate: Any) -> bool:
    """upstream SchemaHas: whether any node of the schema satisfies predicate."""
    if not isinstance(schema, dict):
        return False
    if predicate(schema):
        return True
    for key in ("items", "not", "additionalProperties", "additionalItems"):
        value = schema.get(key)
        if isinstance(value, list):
            if any(schema_has(v, predicate) for v in value):
                return True
        elif schema_has(value, predicate):
            return True
    for key in ("allOf", "oneOf", "anyOf"):
        if any(schema_has(v, predicate) for v in schema.get(key) or []):
            return True
    for key in ("properties", "patternProperties", "definitions", "dependencies"):
        value = schema.get(key)
        if isinstance(value, dict) and any(schema_has(v, predicate) for v in value.values()):
            return True
    return False
