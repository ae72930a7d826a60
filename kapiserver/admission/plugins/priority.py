"""Priority (upstream plugin/pkg/admission/priority).

A new Pod gets spec.priority (and spec.preemptionPolicy) from its priorityClassName, or from
the global default class (the lowest-valued one if several claim it), or 0 and
PreemptLowerPriority when there is none; the class name is filled in from the default. A
Pod may not ask for a priority (or policy) other than its class gives, and an unknown class
is refused. An update keeps what creation set. PriorityClasses are validated: only one may be
the global default.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from kapiserver.apimachinery.types import Object

from ..errors import new_forbidden
from ..interfaces import Attributes, Operation

PLUGIN_NAME = "Priority"
DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS = 0
DEFAULT_PREEMPTION_POLICY = "PreemptLowerPriority"

# Looks a PriorityClass up by name (None when missing); lists them all.
PriorityClassGetter = Callable[[str], Awaitable[Object | None]]
PriorityClassLister = Callable[[], Awaitable[list[Object]]]


def _spec(obj: Object | None) -> dict[str, Any]:
    spec = (obj or {}).get("spec")
    if not isinstance(spec, dict):
        spec = {}
        if obj is not None:
            obj["spec"] = spec
    return spec


def default_priority_class(classes: list[Object]) -> Object | None:
    """The global default; the lowest value wins when a race left several."""
    defaults = [pc for pc in classes if pc.get("globalDefault")]
    return min(defaults, key=lambda pc: int(pc.get("value") or 0)) if defaults else None


class Priority:
    def __init__(self, get_class: PriorityClassGetter, list_classes: PriorityClassLister):
        self._get = get_class
        self._list = list_classes

    def handles(self, operation: Operation) -> bool:
        return operation in (Operation.CREATE, Operation.UPDATE, Operation.DELETE)

    def _is(self, attrs: Attributes, group: str, resource: str) -> bool:
        return not attrs.subresource and (attrs.resource.group, attrs.resource.resource) == (group, resource)

    async def admit(self, attrs: Attributes) -> None:
        if self._is(attrs, "", "pods") and attrs.operation in (Operation.CREATE, Operation.UPDATE):
            await self.admit_pod(attrs)

    async def validate(self, attrs: Attributes) -> None:
        if self._is(attrs, "scheduling.k8s.io", "priorityclasses") and \
                attrs.operation in (Operation.CREATE, Operation.UPDATE):
            await self.validate_priority_class(attrs)

    async def _establish(self, attrs: Attributes, class_name: str) -> tuple[str, int, str | None]:
        if not class_name:
            default = default_priority_class(await self._list())
            if default is None:
                return "", DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS, DEFAULT_PREEMPTION_POLICY
            return str((default.get("metadata") or {}).get("name") or ""), int(default.get("value") or 0), \
                default.get("preemptionPolicy")
        found = await self._get(class_name)
        if found is None:
            raise new_forbidden(attrs, f"no PriorityClass with name {class_name} was found")
        return class_name, int(found.get("value") or 0), found.get("preemptionPolicy")

    async def admit_pod(self, attrs: Attributes) -> None:
        spec = _spec(attrs.obj)
        if attrs.operation == Operation.UPDATE:
            old = _spec(attrs.old_obj) if attrs.old_obj is not None else {}
            for key in ("priority", "preemptionPolicy"):
                if spec.get(key) is None and old.get(key) is not None:
                    spec[key] = old[key]
            return
        name, priority, policy = await self._establish(attrs, str(spec.get("priorityClassName") or ""))
        if name:
            spec["priorityClassName"] = name
        if spec.get("priority") is not None and spec["priority"] != priority:
            raise new_forbidden(attrs, f"the integer value of priority ({spec['priority']}) must not be provided in "
                                       f"pod spec; priority admission controller computed {priority} from the given "
                                       "PriorityClass name")
        spec["priority"] = priority
        if policy is not None:
            if spec.get("preemptionPolicy") is not None and spec["preemptionPolicy"] != policy:
                raise new_forbidden(attrs, f"the string value of PreemptionPolicy ({spec['preemptionPolicy']}) must "
                                           f"not be provided in pod spec; priority admission controller computed "
                                           f"{policy} from the given PriorityClass name")
            spec["preemptionPolicy"] = policy

    async def validate_priority_class(self, attrs: Attributes) -> None:
        pc = attrs.obj or {}
        if not pc.get("globalDefault"):
            return
        default = default_priority_class(await self._list())
        if default is None:
            return
        default_name = str((default.get("metadata") or {}).get("name") or "")
        own_name = str((pc.get("metadata") or {}).get("name") or "")
        if attrs.operation == Operation.CREATE or default_name != own_name:
            raise new_forbidden(attrs, f"PriorityClass {default_name} is already marked as default. Only one default "
                                       "can exist")

