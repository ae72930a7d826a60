"""Keeping the APF bootstrap configuration in place (upstream pkg/registry/flowcontrol/ensurer and
rest.ensureAPFBootstrapConfiguration).

- missing bootstrap objects are created;
- mandatory ones always get their bootstrap spec back (the exempt level keeps its tunables);
- suggested ones are updated only while `apf.kubernetes.io/autoupdate-spec` says "true" (or,
  without a usable annotation, while generation is still 1: nobody edited them); the
  annotation is written to say what was decided;
- objects carrying autoupdate "true" that are no longer part of the bootstrap set are deleted.

The `Dangling` status condition of FlowSchemas is upstream's configuration consumer's job
(inside kube-apiserver); `sync_dangling_conditions` does that part until a full APF
controller takes it over.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from kapiserver.apimachinery import errors, field, meta, timefmt
from kapiserver.apimachinery.types import Object
from kapiserver.registry.loopback import Client

from . import bootstrap

SpecEqual = Callable[[Object, Object], bool]


def _parse_bool(value: str | None) -> bool | None:
    """Go's strconv.ParseBool."""
    if value in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if value in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    return None


def should_update_spec(current: Object) -> bool:
    parsed = _parse_bool((current.get("metadata", {}).get("annotations") or {}).get(bootstrap.AUTOUPDATE_ANNOTATION))
    if parsed is not None:
        return parsed
    return int(current.get("metadata", {}).get("generation") or 0) == 1


def should_update_annotation(current: Object, desired: bool) -> bool:
    value = (current.get("metadata", {}).get("annotations") or {}).get(bootstrap.AUTOUPDATE_ANNOTATION)
    return _parse_bool(value) != desired


def revise_if_needed(current: Object, wanted: Object, mandatory: bool, spec_equal: SpecEqual) -> Object | None:
    auto = mandatory or should_update_spec(current)
    update_annotation = should_update_annotation(current, auto)
    spec_changed = auto and not spec_equal(wanted, current)
    if not (update_annotation or spec_changed):
        return None
    revised = meta.deep_copy(current)
    if spec_changed:
        revised["spec"] = meta.deep_copy(wanted["spec"])
    if update_annotation:
        revised.setdefault("metadata", {}).setdefault("annotations", {})[bootstrap.AUTOUPDATE_ANNOTATION] = \
            "true" if auto else "false"
    return revised


async def ensure_configurations(client: Client, wanted: list[Object], mandatory: bool, spec_equal: SpecEqual) -> None:
    """Ensure each object; they are independent, so they are written together (a few commits)."""
    await asyncio.gather(*(_ensure_one(client, obj, mandatory, spec_equal) for obj in wanted))


async def _ensure_one(client: Client, obj: Object, mandatory: bool, spec_equal: SpecEqual) -> None:
    current = await client.get(meta.name(obj))
    if current is None:
        try:
            await client.create(obj)
        except errors.StatusError as err:
            if err.reason != "AlreadyExists":
                raise
        return
    revised = revise_if_needed(current, obj, mandatory, spec_equal)
    if revised is not None:
        await client.update(revised)


async def remove_dangling(client: Client, names: set[str]) -> None:
    for obj in await client.list():
        if meta.name(obj) in names:
            continue
        value = (obj.get("metadata", {}).get("annotations") or {}).get(bootstrap.AUTOUPDATE_ANNOTATION)
        if _parse_bool(value):
            try:
                await client.delete(meta.name(obj), uid=meta.uid(obj) or None)
            except errors.StatusError as err:
                if err.reason not in ("NotFound", "Conflict"):
                    raise


def _fs_spec_equal(wanted: Object, current: Object) -> bool:
    return bootstrap.semantic_equal(wanted["spec"], current.get("spec") or {})


def _pl_spec_equal(wanted: Object, current: Object) -> bool:
    return bootstrap.priority_level_spec_equalish(wanted["spec"], current.get("spec") or {}, meta.name(wanted))


async def ensure_bootstrap_configuration(flow_schemas: Client, priority_levels: Client) -> None:
    """Suggested first, then mandatory, then the clean-up, as upstream orders them."""
    await ensure_configurations(priority_levels, bootstrap.suggested_priority_level_list(), False, _pl_spec_equal)
    await ensure_configurations(flow_schemas, bootstrap.suggested_flow_schema_list(), False, _fs_spec_equal)
    await ensure_configurations(priority_levels, bootstrap.mandatory_priority_level_list(), True, _pl_spec_equal)
    await ensure_configurations(flow_schemas, bootstrap.mandatory_flow_schema_list(), True, _fs_spec_equal)
    fs_names = {meta.name(o) for o in bootstrap.suggested_flow_schema_list() + bootstrap.mandatory_flow_schema_list()}
    pl_names = {meta.name(o) for o in bootstrap.suggested_priority_level_list()
                + bootstrap.mandatory_priority_level_list()}
    await remove_dangling(flow_schemas, fs_names)
    await remove_dangling(priority_levels, pl_names)


def dangling_condition(fs: Object, levels: set[str]) -> Object:
    name = (fs.get("spec", {}).get("priorityLevelConfiguration") or {}).get("name") or ""
    quoted = field.go_quote(name)
    if name in levels:
        return {"type": "Dangling", "status": "False", "reason": "Found",
                "message": f"This FlowSchema references the PriorityLevelConfiguration object named {quoted} "
                           "and it exists"}
    return {"type": "Dangling", "status": "True", "reason": "NotFound",
            "message": f"This FlowSchema references the PriorityLevelConfiguration object named {quoted} but "
                       "there is no such object"}


def _same_condition(a: Object, b: Object) -> bool:
    return all(a.get(k) == b.get(k) for k in ("status", "reason", "message"))


async def sync_dangling_conditions(flow_schemas_status: Client, priority_levels: Client) -> None:
    levels = {meta.name(pl) for pl in await priority_levels.list()}
    for fs in await flow_schemas_status.list():
        wanted = dangling_condition(fs, levels)
        conditions = list((fs.get("status") or {}).get("conditions") or [])
        current = next((c for c in conditions if c.get("type") == "Dangling"), None)
        if current is not None and _same_condition(current, wanted):
            continue
        wanted = {"type": "Dangling", "status": wanted["status"], "lastTransitionTime": timefmt.now_rfc3339(),
                  "reason": wanted["reason"], "message": wanted["message"]}
        updated = meta.deep_copy(fs)
        updated["status"] = {**(fs.get("status") or {}),
                             "conditions": [c for c in conditions if c.get("type") != "Dangling"] + [wanted]}
        try:
            await flow_schemas_status.update(updated)
        except errors.StatusError as err:
            if err.reason not in ("Conflict", "NotFound"):
                raise
