"""Cells and columns the apps printers share (upstream printers.go helpers).

The server fills every column, wide ones (priority 1) included; kubectl shows those with
`-o wide` only.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import labels
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core.podspec.access import as_dict, as_str, dicts
from kapiserver.registry.table import Column

CONTAINERS_COLUMN = Column("Containers", "string", "", "Names of each container in the template.", 1)
IMAGES_COLUMN = Column("Images", "string", "", "Images referenced by each container in the template.", 1)
READY_DESCRIPTION = "Number of the pod with ready state"


def layout_container_cells(obj: Object) -> tuple[str, str]:
    """upstream layoutContainerCells: the template's container names and images, comma-joined."""
    containers = dicts(as_dict(as_dict(as_dict(obj.get("spec")).get("template")).get("spec")).get("containers"))
    return (",".join(as_str(c.get("name")) for c in containers), ",".join(as_str(c.get("image")) for c in containers))


def format_label_selector(selector: Any) -> str:
    """upstream metav1.FormatLabelSelector: `<none>` when it selects by nothing, `<error>` when bad."""
    try:
        text = str(labels.selector_from_label_selector(selector if isinstance(selector, dict) else None))
    except labels.SelectorError:
        return "<error>"
    return text or "<none>"


def spec_int(obj: Object, name: str) -> int:
    value = as_dict(obj.get("spec")).get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def status_int(obj: Object, name: str) -> int:
    value = as_dict(obj.get("status")).get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
