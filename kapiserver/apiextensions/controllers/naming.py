"""The NamesAccepted condition (upstream controller/status/naming_controller.go).

A CRD's requested names are accepted one by one unless another CRD of the same group
already accepted them: plural, singular and short names share one namespace (resources),
kind and listKind another (kinds). A name the CRD itself already accepted stays its own.
When names are accepted the Established condition becomes "Installing" until the
establishing controller sets it; a change in a group re-examines the other CRDs of it.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import meta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext

from .. import helpers, internal
from .informer import CRDInformer
from .status import update_status
from .workqueue import WorkQueue

# CustomResourceDefinitionNames in the order Go encodes them; plural and kind are never omitted.
_NAME_FIELDS = ("plural", "singular", "shortNames", "kind", "listKind", "categories")


def _used_names(crds: list[Object], group: str) -> tuple[set[str], set[str]]:
    resources: set[str] = set()
    kinds: set[str] = set()
    for crd in crds:
        if helpers.group(crd) != group:
            continue
        accepted = helpers.accepted_names(crd)
        resources.update((str(accepted.get("plural") or ""), str(accepted.get("singular") or "")))
        resources.update(accepted.get("shortNames") or [])
        kinds.update((str(accepted.get("kind") or ""), str(accepted.get("listKind") or "")))
    return resources, kinds


def _conflict(requested: str, accepted: str, used: set[str]) -> str | None:
    """upstream equalToAcceptedOrFresh."""
    if requested == accepted or requested not in used:
        return None
    return f'"{requested}" is already in use'


def calculate(crd: Object, crds: list[Object]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(accepted names, NamesAccepted condition, Established condition) for crd."""
    resources, kinds = _used_names(crds, helpers.group(crd))
    requested, accepted = helpers.names(crd), helpers.accepted_names(crd)
    new_names = dict(accepted)
    state, reason, message = "Unknown", "", ""

    def check(key: str, used: set[str], why: str) -> None:
        nonlocal state, reason, message
        problem = _conflict(str(requested.get(key) or ""), str(accepted.get(key) or ""), used)
        if problem is None:
            new_names[key] = requested.get(key, "")
        else:
            state, reason, message = "False", why, problem

    check("plural", resources, "PluralConflict")
    check("singular", resources, "SingularConflict")
    if internal.semantic(requested.get("shortNames")) != internal.semantic(accepted.get("shortNames")):
        existing = set(accepted.get("shortNames") or [])
        problems = [p for p in (_conflict(s, "", resources) for s in requested.get("shortNames") or []
                                if s not in existing) if p is not None]
        if problems:
            state, reason = "False", "ShortNamesConflict"
            message = problems[0] if len(problems) == 1 else "[" + ", ".join(problems) + "]"
        else:
            new_names["shortNames"] = requested.get("shortNames")
    check("kind", kinds, "KindConflict")
    check("listKind", kinds, "ListKindConflict")
    new_names["categories"] = requested.get("categories")
    new_names = {key: new_names.get(key) or "" for key in _NAME_FIELDS
                 if key in ("plural", "kind") or new_names.get(key) not in (None, "", [])}
    if state == "Unknown":
        state, reason, message = "True", "NoConflicts", "no conflicts found"
    names_accepted = helpers.condition(helpers.NAMES_ACCEPTED, state, reason, message)
    established = helpers.find_condition(crd, helpers.ESTABLISHED) or helpers.condition(
        helpers.ESTABLISHED, "False", "NotAccepted", "not all names are accepted")
    if established.get("status") != "True" and state == "True":
        established = helpers.condition(helpers.ESTABLISHED, "False", "Installing",
                                        "the initial names have been accepted")
    return new_names, names_accepted, established


class NamingController:
    def __init__(self, informer: CRDInformer, status_rest: Any, ctx: RequestContext):
        self._informer = informer
        self._status = status_rest
        self._ctx = ctx
        self.queue = WorkQueue("naming", self.sync)
        informer.handlers.append(self)

    def on_add(self, crd: Object) -> None:
        self.queue.add(meta.name(crd))

    def on_update(self, old: Object, new: Object) -> None:
        self.queue.add(meta.name(new))

    def on_delete(self, crd: Object) -> None:
        self.queue.add(meta.name(crd))

    def _requeue_group(self, name: str) -> None:
        group = name.split(".", 1)[1] if "." in name else ""
        for crd in self._informer.list():
            if meta.name(crd) != name and helpers.group(crd) == group:
                self.queue.add(meta.name(crd))

    async def sync(self, name: str) -> None:
        crd = self._informer.get(name)
        if crd is None:
            self._requeue_group(name)
            return
        if internal.semantic(helpers.names(crd)) == internal.semantic(helpers.accepted_names(crd)):
            return
        accepted, naming, established = calculate(crd, self._informer.list())
        if internal.semantic(accepted) == internal.semantic(helpers.accepted_names(crd)) and \
                helpers.conditions_equivalent(naming, helpers.find_condition(crd, helpers.NAMES_ACCEPTED)):
            return
        updated = meta.deep_copy(crd)
        updated.setdefault("status", {})["acceptedNames"] = accepted
        helpers.set_condition(updated, naming)
        helpers.set_condition(updated, established)
        out = await update_status(self._status, self._ctx, updated)
        if out is None:
            return
        self._informer.mutation(out)
        self._requeue_group(name)
