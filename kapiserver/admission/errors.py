"""The errors admission plugins refuse with (upstream admission.NewForbidden)."""

from __future__ import annotations

from kapiserver.apimachinery import errors
from kapiserver.apimachinery.schema import GroupResource

from .interfaces import Attributes


def new_forbidden(attrs: Attributes, reason: str) -> errors.StatusError:
    """403 naming the resource and the object: its name, else its generateName, else "Unknown"
    (names are generated after admission)."""
    name = attrs.name
    if not name:
        metadata = (attrs.obj or {}).get("metadata") or {}
        name = str(metadata.get("name") or metadata.get("generateName") or "Unknown")
    return errors.forbidden(GroupResource(attrs.resource.group, attrs.resource.resource), name, reason)
