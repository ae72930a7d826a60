"""Accessors over object dicts (upstream meta.Accessor), so callers never poke at raw keys.

Getters treat a missing key as the zero value, as Go's decoded structs do. Setters mutate
the dict they are given: call them only on a private copy (see STYLE.md, "Ownership").
(No `from __future__ import annotations` here: it would shadow the `annotations` accessor.)
"""

from typing import Any, cast

from .types import Object


def metadata(obj: Object) -> dict[str, Any]:
    value = obj.get("metadata")
    return value if isinstance(value, dict) else {}


def ensure_metadata(obj: Object) -> dict[str, Any]:
    value = obj.get("metadata")
    if not isinstance(value, dict):
        value = {}
        obj["metadata"] = value
    return value


def name(obj: Object) -> str:
    return cast(str, metadata(obj).get("name") or "")


def namespace(obj: Object) -> str:
    return cast(str, metadata(obj).get("namespace") or "")


def uid(obj: Object) -> str:
    return cast(str, metadata(obj).get("uid") or "")


def resource_version(obj: Object) -> str:
    return cast(str, metadata(obj).get("resourceVersion") or "")


def generation(obj: Object) -> int:
    return int(metadata(obj).get("generation") or 0)


def labels(obj: Object) -> dict[str, str]:
    value = metadata(obj).get("labels")
    return value if isinstance(value, dict) else {}


def annotations(obj: Object) -> dict[str, str]:
    value = metadata(obj).get("annotations")
    return value if isinstance(value, dict) else {}


def finalizers(obj: Object) -> list[str]:
    value = metadata(obj).get("finalizers")
    return value if isinstance(value, list) else []


def owner_references(obj: Object) -> list[Object]:
    value = metadata(obj).get("ownerReferences")
    return value if isinstance(value, list) else []


def deletion_timestamp(obj: Object) -> str | None:
    return cast(str | None, metadata(obj).get("deletionTimestamp"))


def creation_timestamp(obj: Object) -> str | None:
    return cast(str | None, metadata(obj).get("creationTimestamp"))


def set_resource_version(obj: Object, rv: str) -> None:
    ensure_metadata(obj)["resourceVersion"] = rv


def api_version(obj: Object) -> str:
    return cast(str, obj.get("apiVersion") or "")


def kind(obj: Object) -> str:
    return cast(str, obj.get("kind") or "")


def deep_copy(obj: Any) -> Any:
    """A private copy of a JSON-shaped value; faster than copy.deepcopy for dict/list trees."""
    if isinstance(obj, dict):
        return {k: deep_copy(v) if isinstance(v, (dict, list)) else v for k, v in obj.items()}
    if isinstance(obj, list):
        return [deep_copy(v) if isinstance(v, (dict, list)) else v for v in obj]
    return obj
