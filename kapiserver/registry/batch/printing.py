"""Cells and column descriptions the batch printers share (upstream printers.go
layoutContainerCells, printBoolPtr, metav1.FormatLabelSelector)."""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import labels
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core.podspec.access import as_str, dicts
from kapiserver.registry.table import Column

JOB_SUCCEEDED_DOC = ("The number of pods which reached phase Succeeded. The value increases monotonically for a given "
                     "spec. However, it may decrease in reaction to scale down of elastic indexed jobs.")
JOB_SELECTOR_DOC = ("A label query over pods that should match the pod count. Normally, the system sets this field "
                    "for you. More info: "
                    "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors")
CONTAINERS_COLUMN = Column("Containers", "string", "", "Names of each container in the template.", 1)
IMAGES_COLUMN = Column("Images", "string", "", "Images referenced by each container in the template.", 1)


def layout_container_cells(pod_spec: Object) -> tuple[str, str]:
    """The containers' names and images, comma-separated, for the wide columns."""
    containers = dicts(pod_spec.get("containers"))
    return (",".join(as_str(c.get("name")) for c in containers), ",".join(as_str(c.get("image")) for c in containers))


def format_label_selector(selector: Any) -> str:
    """metav1.FormatLabelSelector: `<none>` for an empty or nil selector, `<error>` for a bad one."""
    try:
        text = str(labels.selector_from_label_selector(selector if isinstance(selector, dict) else None))
    except labels.SelectorError:
        return "<error>"
    return text or "<none>"


def bool_ptr(value: Any) -> str:
    """upstream printBoolPtr."""
    if value is None:
        return "<unset>"
    return "True" if value is True else "False"
