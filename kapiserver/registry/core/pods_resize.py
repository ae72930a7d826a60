"""pods/resize: in-place changes of container cpu and memory (upstream podResizeStrategy and
ValidatePodResize as of v1.34/v1.35).

The stored pod is kept as it is except for containers[*].resources and resizePolicy (regular
containers and sidecars), taken from the request by position. Containers may not be added,
removed, renamed or reordered; a resize may not change the QoS class, remove requests or
limits, or touch resources other than cpu and memory. Memory limits may be lowered (allowed
since v1.34: the kubelet refuses to actuate a limit below current usage). Pod-level
resources cannot be resized while InPlacePodLevelResourcesVerticalScaling is off (v1.35
default).
"""

from __future__ import annotations

import copy

from kapiserver.apimachinery import field, meta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext

from . import pods_mutations
from .podspec import compute_pod_qos, get_pod_qos, helpers
from .podspec.access import as_dict, dicts, semantic_equal
from .podspec.options import PodValidationOptions
from .podspec.validation import validate_pod_metadata_and_spec
from .podspec.validation_update import validate_object_meta_update

_CONTAINER_KINDS = ("containers", "initContainers")
_RESIZABLE_KEYS = ("resources", "resizePolicy")


def _merge_resizable(new_items: list[Object], old_items: list[Object]) -> list[Object]:
    """The stored containers with the request's resources, resize policies and (so that
    validation can refuse a rename or reorder) names, matched by position."""
    merged = []
    for new_item, old_item in zip(new_items, old_items):
        item = copy.deepcopy(old_item)
        if "name" in new_item:
            item["name"] = new_item["name"]
        else:
            item.pop("name", None)
        for key in _RESIZABLE_KEYS:
            if key in new_item:
                item[key] = copy.deepcopy(new_item[key])
            else:
                item.pop(key, None)
        merged.append(item)
    return merged


def drop_non_resize_updates(new: Object, old: Object) -> None:
    """upstream dropNonResizeUpdates: everything but container resources comes from the
    stored pod (its metadata too, except name, namespace, resourceVersion and uid)."""
    new_spec, old_spec = as_dict(new.get("spec")), as_dict(old.get("spec"))
    spec = copy.deepcopy(old_spec)
    for kind in _CONTAINER_KINDS:
        new_items, old_items = dicts(new_spec.get(kind)), dicts(old_spec.get(kind))
        if len(new_items) != len(old_items):
            # validation refuses this; keep the request's list so that it can say so
            items = copy.deepcopy(new_items)
        else:
            items = _merge_resizable(new_items, old_items)
        if items or kind in old_spec:
            spec[kind] = items
    new_meta = meta.metadata(new)
    metadata = copy.deepcopy(meta.metadata(old))
    for key in ("name", "namespace", "resourceVersion", "uid"):
        if key in new_meta:
            metadata[key] = new_meta[key]
        else:
            metadata.pop(key, None)
    new.clear()
    new.update(copy.deepcopy({k: v for k, v in old.items() if k not in ("metadata", "spec")}))
    new["metadata"] = metadata
    new["spec"] = spec


def _resources_removed(new_list: object, old_list: object) -> bool:
    new_names, old_names = as_dict(new_list), as_dict(old_list)
    return len(old_names) > len(new_names) or any(name not in new_names for name in old_names)


def validate_container_resize(new: Object, old: Object, path: field.Path) -> field.ErrorList:
    """upstream validateContainerResize: requests and limits may change but not go away."""
    errs: field.ErrorList = []
    if _resources_removed(new.get("requests"), old.get("requests")):
        errs.append(field.forbidden(path.child("requests"), "resource requests cannot be removed"))
    if _resources_removed(new.get("limits"), old.get("limits")):
        errs.append(field.forbidden(path.child("limits"), "resource limits cannot be removed"))
    return errs


def _validate_ordering(new_spec: Object, old_spec: Object) -> field.ErrorList:
    errs: field.ErrorList = []
    for kind in _CONTAINER_KINDS:
        new_items, old_items = dicts(new_spec.get(kind)), dicts(old_spec.get(kind))
        path = field.new_path("spec", kind)
        if len(new_items) != len(old_items):
            errs.append(field.forbidden(path, f"{kind} may not be added or removed on resize"))
            continue
        for i, (new_item, old_item) in enumerate(zip(new_items, old_items)):
            if new_item.get("name") != old_item.get("name"):
                errs.append(field.forbidden(path.index(i).child("name"),
                                            f"{kind} may not be renamed or reordered on resize"))
    return errs


def _drop_cpu_memory_updates(resources: object, old_resources: object) -> Object | None:
    """upstream dropCPUMemoryUpdates: the list with cpu and memory as they were stored."""
    if old_resources is None:
        return None
    merged = {k: v for k, v in as_dict(resources).items() if k not in ("cpu", "memory")}
    merged.update({k: v for k, v in as_dict(old_resources).items() if k in ("cpu", "memory")})
    return merged


def _without_cpu_memory_updates(container: Object, old_container: Object) -> Object:
    """upstream dropCPUMemoryResourcesFromContainer (claims are dropped as upstream does)."""
    resources, old_resources = as_dict(container.get("resources")), as_dict(old_container.get("resources"))
    out = {**container, "resources": {}}
    for key in ("limits", "requests"):
        merged = _drop_cpu_memory_updates(resources.get(key), old_resources.get(key))
        if merged is not None:
            out["resources"][key] = merged
    return out


def _pod_level_resources_set(spec: Object) -> bool:
    resources = as_dict(spec.get("resources"))
    return bool(as_dict(resources.get("requests")) or as_dict(resources.get("limits")))


def _resize_supported(pod: Object) -> bool:
    """upstream isPodResizeRequestSupported: the first running container reports resources."""
    for status in dicts(as_dict(pod.get("status")).get("containerStatuses")):
        if isinstance(as_dict(status.get("state")).get("running"), dict):
            return status.get("resources") is not None
    return True


def validate_pod_resize(new: Object, old: Object, opts: PodValidationOptions) -> field.ErrorList:
    """upstream ValidatePodResize."""
    errs = validate_object_meta_update(new, old) + validate_pod_metadata_and_spec(new, opts)
    new_spec, old_spec = as_dict(new.get("spec")), as_dict(old.get("spec"))
    if _pod_level_resources_set(old_spec) or _pod_level_resources_set(new_spec):
        return [field.forbidden(field.ROOT, "pods with pod-level resources cannot be resized")]
    if "kubernetes.io/config.mirror" in as_dict(as_dict(old.get("metadata")).get("annotations")):
        return [field.forbidden(field.ROOT, "static pods cannot be resized")]
    if as_dict(old_spec.get("os")).get("name") == "windows":
        return [field.forbidden(field.ROOT, "windows pods cannot be resized")]
    spec_path = field.new_path("spec")
    if get_pod_qos(old) != compute_pod_qos(new):
        errs.append(field.invalid(spec_path, as_dict(new.get("status")).get("qosClass", ""),
                                  "Pod QOS Class may not change as a result of resizing"))
    if not _resize_supported(old):
        errs.append(field.forbidden(spec_path, "Pod running on node without support for resize"))
    ordering = _validate_ordering(new_spec, old_spec)
    if ordering:
        return errs + ordering
    new_init, old_init = dicts(new_spec.get("initContainers")), dicts(old_spec.get("initContainers"))
    for i, old_item in enumerate(old_init):
        if helpers.is_restartable_init_container(old_item):
            errs += validate_container_resize(as_dict(new_init[i].get("resources")),
                                              as_dict(old_item.get("resources")),
                                              spec_path.child("initContainers").index(i).child("resources"))
    new_items, old_items = dicts(new_spec.get("containers")), dicts(old_spec.get("containers"))
    for i, old_item in enumerate(old_items):
        errs += validate_container_resize(as_dict(new_items[i].get("resources")), as_dict(old_item.get("resources")),
                                          spec_path.child("containers").index(i).child("resources"))
    masked_spec = copy.deepcopy(new_spec)
    masked_items = []
    for new_item, old_item in zip(new_items, old_items):
        masked = _without_cpu_memory_updates(new_item, old_item)
        if not semantic_equal(masked, old_item):
            errs.append(field.forbidden(spec_path, "only cpu and memory resources are mutable"))
        masked_items.append(masked)
    if "containers" in masked_spec:
        masked_spec["containers"] = masked_items
    masked_init = []
    for new_item, old_item in zip(new_init, old_init):
        if helpers.is_restartable_init_container(new_item):
            masked = _without_cpu_memory_updates(new_item, old_item)
            if not semantic_equal(masked, old_item):
                errs.append(field.forbidden(spec_path,
                                            "only cpu and memory resources for sidecar containers are mutable"))
            masked_init.append(masked)
        else:
            if not semantic_equal(new_item, old_item):
                errs.append(field.forbidden(spec_path, "resources for non-sidecar init containers are immutable"))
            masked_init.append(new_item)
    if "initContainers" in masked_spec:
        masked_spec["initContainers"] = masked_init
    if errs:
        return errs
    if not semantic_equal(masked_spec, old_spec):
        return [field.forbidden(spec_path, "only cpu and memory resources are mutable")]
    return []


def prepare_resize(ctx: RequestContext, obj: Object, old: Object) -> None:
    """upstream podResizeStrategy.PrepareForUpdate."""
    drop_non_resize_updates(obj, old)
    pods_mutations.drop_disabled_pod_fields(obj.setdefault("spec", {}), as_dict(old.get("spec")))
    if not semantic_equal(obj.get("spec"), old.get("spec")):
        metadata = meta.ensure_metadata(obj)
        metadata["generation"] = int(metadata.get("generation") or 0) + 1
