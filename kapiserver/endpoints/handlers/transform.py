"""Answer transformations a client can ask for with Accept parameters (upstream transformResponseObject):
Table, PartialObjectMetadata and PartialObjectMetadataList."""

from __future__ import annotations

from kapiserver.apimachinery import errors
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext

from ..negotiation import Conversion
from ..scope import RequestScope


def _not_acceptable(message: str) -> errors.StatusError:
    err = errors.not_acceptable([])
    err.status["message"] = message
    return err


def include_object_param(value: str | None) -> str:
    return value if value in ("None", "Object", "Metadata") else "Metadata"


def transform(scope: RequestScope, ctx: RequestContext, obj: Object, conversion: Conversion | None,
              include_object: str = "Metadata") -> Object:
    if conversion is None:
        return obj
    is_list = "items" in obj and isinstance(obj.get("items"), list) and obj.get("kind", "").endswith("List")
    api_version = f"{conversion.group}/{conversion.version}"
    if conversion.kind == "Table":
        table = scope.rest.convert_to_table(ctx, obj, include_object) if hasattr(scope.rest, "convert_to_table") \
            else scope.extra["table"](ctx, obj, include_object)
        table["apiVersion"] = api_version
        return table
    if conversion.kind == "PartialObjectMetadata":
        if is_list:
            raise _not_acceptable("you requested PartialObjectMetadata, but the requested object is a list "
                                  f"(*{obj.get('kind', '')})")
        return {"kind": "PartialObjectMetadata", "apiVersion": api_version, "metadata": obj.get("metadata", {})}
    if not is_list:
        raise _not_acceptable("you requested PartialObjectMetadataList, but the requested object is not a list "
                              f"(*{obj.get('kind', '')})")
    items = [{"kind": "PartialObjectMetadata", "apiVersion": api_version, "metadata": item.get("metadata", {})}
             for item in obj["items"]]
    return {"kind": "PartialObjectMetadataList", "apiVersion": api_version, "metadata": obj.get("metadata", {}),
            "items": items}


def strip_item_type_meta(list_obj: Object) -> Object:
    """Items of built-in lists carry no apiVersion/kind on the wire (their list says it)."""
    items = list_obj.get("items")
    if not items:
        return list_obj if items is not None else {**list_obj, "items": []}
    stripped = [{k: v for k, v in item.items() if k != "apiVersion" and k != "kind"} for item in items]
    return {**list_obj, "items": stripped}
