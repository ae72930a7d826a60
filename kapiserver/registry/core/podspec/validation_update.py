"""Updates of pods (upstream ValidatePodUpdate, ValidatePodStatusUpdate and
ValidatePodEphemeralContainersUpdate).

A pod's spec is immutable but for container images, activeDeadlineSeconds (only
shortened), added tolerations, removed scheduling gates and, while gated, added node
selectors and node affinity. Anything else fails with upstream's message listing the
mutable fields, followed by a go-cmp style diff of the spec (`godiff`).
"""

from __future__ import annotations

import copy

from kapiserver.apimachinery import field, objectmeta, validation, validation_ip
from kapiserver.apimachinery.types import Object

from .. import internal_json
from .access import as_dict, as_int, as_str, dicts, opt_int, semantic_equal
from .godiff import cmp_diff
from .options import PodValidationOptions
from .validation import validate_kube_finalizer_names, validate_pod_metadata_and_spec
from .validation_annotations import validate_pod_specific_annotation_updates
from .validation_scheduling import validate_tolerations

UPDATABLE_POD_SPEC_FIELDS = (
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
)
_MAX_INT32 = 2**31 - 1


def validate_object_meta_update(new: Object, old: Object) -> field.ErrorList:
    """core ValidateObjectMetaUpdate: the generic rules plus kube finalizer names."""
    path = field.new_path("metadata")
    new_meta, old_meta = as_dict(new.get("metadata")), as_dict(old.get("metadata"))
    return objectmeta.validate_object_meta_update(new_meta, old_meta, path) + validate_kube_finalizer_names(
        new_meta, path)


def _container_updates(new: object, old: object, path: field.Path) -> tuple[field.ErrorList, bool]:
    new_items, old_items = dicts(new), dicts(old)
    if len(new_items) != len(old_items):
        return [field.forbidden(path, "pod updates may not add or remove containers")], True
    errs: field.ErrorList = []
    for i, container in enumerate(new_items):
        image = as_str(container.get("image"))
        if not image:
            errs.append(field.required(path.index(i).child("image"), ""))
        if image.strip(" \t\n\r\v\f\x85\xa0") != image:
            errs.append(field.invalid(path.index(i).child("image"), image,
                                      "must not have leading or trailing whitespace"))
    return errs, False


def _only_added_tolerations(new: object, old: object, path: field.Path) -> field.ErrorList:
    new_items = dicts(new)
    for existing in dicts(old):
        base = {k: v for k, v in existing.items() if k != "tolerationSeconds" and v not in (None, "")}
        if not any(base == {k: v for k, v in item.items() if k != "tolerationSeconds" and v not in (None, "")}
                   for item in new_items):
            return [field.forbidden(path, "existing toleration can not be modified except its tolerationSeconds")]
    return validate_tolerations(new_items, path)


def _only_deleted_scheduling_gates(new: object, old: object, path: field.Path) -> field.ErrorList:
    old_names = {as_str(g.get("name")) for g in dicts(old)}
    added: dict[str, int] = {}
    for i, gate in enumerate(dicts(new)):
        added[as_str(gate.get("name"))] = i
    return [field.forbidden(path.index(i).child("name"),
                            f"only deletion is allowed, but found new scheduling gate '{name}'")
            for name, i in added.items() if name not in old_names]


def _active_deadline(new_spec: Object, old_spec: Object, path: field.Path) -> tuple[field.ErrorList, bool]:
    new_value = opt_int(new_spec.get("activeDeadlineSeconds"))
    old_value = opt_int(old_spec.get("activeDeadlineSeconds"))
    if new_value is not None:
        if new_value < 0 or new_value > _MAX_INT32:
            return [field.invalid(path, new_value, validation.inclusive_range_error(0, _MAX_INT32))], True
        if old_value is not None and old_value < new_value:
            return [field.invalid(path, new_value, "must be less than or equal to previous value")], True
    elif old_value is not None:
        return [field.invalid(path, None, "must not update from a positive integer to nil value")], False
    return [], False


def validate_pod_update(new: Object, old: Object, opts: PodValidationOptions) -> field.ErrorList:
    errs = validate_object_meta_update(new, old)
    errs += validate_pod_metadata_and_spec(new, opts)
    errs += validate_pod_specific_annotation_updates(new, old, field.new_path("metadata", "annotations"), opts)
    spec_path = field.new_path("spec")
    new_spec, old_spec = as_dict(new.get("spec")), as_dict(old.get("spec"))
    for kind in ("containers", "initContainers"):
        found, stop = _container_updates(new_spec.get(kind), old_spec.get(kind), spec_path.child(kind))
        errs += found
        if stop:
            return errs
    found, stop = _active_deadline(new_spec, old_spec, spec_path.child("activeDeadlineSeconds"))
    errs += found
    if stop:
        return errs
    errs += _only_added_tolerations(new_spec.get("tolerations"), old_spec.get("tolerations"),
                                    spec_path.child("tolerations"))
    errs += _only_deleted_scheduling_gates(new_spec.get("schedulingGates"), old_spec.get("schedulingGates"),
                                           spec_path.child("schedulingGates"))
    if semantic_equal(new_spec, old_spec):
        return errs
    munged = _munge(new_spec, old_spec)
    if dicts(old_spec.get("schedulingGates")):
        errs += _gated_mutations(munged, old_spec, spec_path)
    if not semantic_equal(munged, old_spec):
        diff = cmp_diff(old_spec, munged)
        errs.append(field.forbidden(spec_path, "pod updates may not change fields other than "
                                    + ",".join(UPDATABLE_POD_SPEC_FIELDS) + "\n" + diff))
    return errs


def _munge(new_spec: Object, old_spec: Object) -> Object:
    """The new spec with every field an update may change set back to the old value."""
    munged = copy.deepcopy(new_spec)
    for kind in ("containers", "initContainers"):
        old_items = dicts(old_spec.get(kind))
        for i, container in enumerate(dicts(munged.get(kind))):
            if i < len(old_items):
                if "image" in old_items[i]:
                    container["image"] = old_items[i]["image"]
                else:
                    container.pop("image", None)
    for key in ("activeDeadlineSeconds", "schedulingGates", "tolerations"):
        if key in old_spec:
            munged[key] = copy.deepcopy(old_spec[key])
        else:
            munged.pop(key, None)
    old_grace = opt_int(old_spec.get("terminationGracePeriodSeconds"))
    if old_grace is not None and old_grace < 0 and opt_int(munged.get("terminationGracePeriodSeconds")) == 1:
        munged["terminationGracePeriodSeconds"] = old_grace
    return munged


def _gated_mutations(munged: Object, old_spec: Object, spec_path: field.Path) -> field.ErrorList:
    """While scheduling gates remain, node selectors and required node affinity may grow."""
    errs: field.ErrorList = []
    new_selector, old_selector = as_dict(munged.get("nodeSelector")), as_dict(old_spec.get("nodeSelector"))
    if new_selector != old_selector:
        if any(new_selector.get(k) != v for k, v in old_selector.items()):
            shown = field.sorted_map(munged["nodeSelector"]) if isinstance(munged.get("nodeSelector"), dict) else None
            errs.append(field.invalid(spec_path.child("nodeSelector"), shown,
                                      "only additions to spec.nodeSelector are allowed (no mutations or deletions)"))
        _restore(munged, old_spec, "nodeSelector")
    old_affinity = as_dict(old_spec.get("affinity")).get("nodeAffinity")
    new_affinity = as_dict(munged.get("affinity")).get("nodeAffinity")
    if old_affinity != new_affinity:
        errs += _node_affinity_mutation(new_affinity, old_affinity,
                                        spec_path.child("affinity").child("nodeAffinity"))
        if isinstance(munged.get("affinity"), dict):
            affinity = munged["affinity"]
            if old_affinity is None:
                affinity.pop("nodeAffinity", None)
                if not affinity and "affinity" not in old_spec:
                    munged.pop("affinity")
            else:
                affinity["nodeAffinity"] = copy.deepcopy(old_affinity)
        elif old_affinity is not None:
            munged["affinity"] = {"nodeAffinity": copy.deepcopy(old_affinity)}
    return errs


def _restore(munged: Object, old: Object, key: str) -> None:
    if key in old:
        munged[key] = copy.deepcopy(old[key])
    else:
        munged.pop(key, None)


def _node_affinity_mutation(new: object, old: object, path: field.Path) -> field.ErrorList:
    old_required = as_dict(as_dict(old).get("requiredDuringSchedulingIgnoredDuringExecution"))
    if not old_required:
        return []
    old_terms = dicts(old_required.get("nodeSelectorTerms"))
    new_terms = dicts(as_dict(as_dict(new).get("requiredDuringSchedulingIgnoredDuringExecution")).get(
        "nodeSelectorTerms"))
    terms_path = path.child("requiredDuringSchedulingIgnoredDuringExecution").child("nodeSelectorTerms")
    if old_terms and len(old_terms) != len(new_terms):
        return [field.invalid(terms_path, new_terms, "no additions/deletions to non-empty NodeSelectorTerms list are "
                                                     "allowed")]
    errs: field.ErrorList = []
    for i, old_term in enumerate(old_terms):
        if not _only_additions(new_terms[i], old_term):
            errs.append(field.invalid(terms_path.index(i), new_terms[i],
                                      "only additions are allowed (no mutations or deletions)"))
    return errs


def _only_additions(new: Object, old: Object) -> bool:
    old_exprs, old_fields = dicts(old.get("matchExpressions")), dicts(old.get("matchFields"))
    new_exprs, new_fields = dicts(new.get("matchExpressions")), dicts(new.get("matchFields"))
    if not old_exprs and not old_fields and (new_exprs or new_fields):
        return False
    return new_exprs[:len(old_exprs)] == old_exprs and new_fields[:len(old_fields)] == old_fields


# --- status ----------------------------------------------------------------------------------


def _ip_list_errors(status: Object, key: str) -> field.ErrorList:
    path = field.new_path("status", key)
    entries = dicts(status.get(key))
    message = "core.v1.PodIP" if key == "podIPs" else "core.v1.HostIP"
    errs: field.ErrorList = []
    for i, entry in enumerate(entries):
        errs += validation_ip.is_valid_ip(path.index(i), as_str(entry.get("ip")))
    if len(entries) > 1:
        families = [":" in as_str(e.get("ip")) for e in entries]
        if len(entries) > 2 or families[0] == families[1]:
            errs.append(field.invalid(path, internal_json.marshal_list(entries, message),
                                      "may specify no more than one IP for each IP family"))
        seen: set[str] = set()
        for i, entry in enumerate(entries):
            if as_str(entry.get("ip")) in seen:
                errs.append(field.duplicate(path.index(i), internal_json.marshal(entry, message)))
            seen.add(as_str(entry.get("ip")))
    return errs


def _state_transitions(new: object, old: object, path: field.Path, restart_policy: str,
                       restartable: set[str]) -> field.ErrorList:
    if restart_policy == "Always":
        return []
    errs: field.ErrorList = []
    for i, old_status in enumerate(dicts(old)):
        terminated = as_dict(old_status.get("state")).get("terminated")
        if not isinstance(terminated, dict):
            continue
        if as_int(terminated.get("exitCode")) != 0 and restart_policy == "OnFailure":
            continue
        if as_str(old_status.get("name")) in restartable:
            continue
        for new_status in dicts(new):
            if new_status.get("name") == old_status.get("name") and \
                    not isinstance(as_dict(new_status.get("state")).get("terminated"), dict):
                errs.append(field.forbidden(path.index(i).child("state"),
                                            "may not be transitioned to non-terminated state"))
    return errs


def validate_pod_status_update(new: Object, old: Object, opts: PodValidationOptions) -> field.ErrorList:
    meta_path = field.new_path("metadata")
    errs = validate_object_meta_update(new, old)
    errs += validate_pod_specific_annotation_updates(new, old, meta_path.child("annotations"), opts)
    status, old_status = as_dict(new.get("status")), as_dict(old.get("status"))
    system = ("PodScheduled", "Ready", "Initialized")
    for i, condition in enumerate(dicts(status.get("conditions"))):
        kind = as_str(condition.get("type"))
        if kind not in system:
            errs += [field.invalid(meta_path.child("conditions").index(i).child("Type"), kind, msg)
                     for msg in validation.is_qualified_name(kind)]
    status_path = field.new_path("status")
    new_spec, old_spec = as_dict(new.get("spec")), as_dict(old.get("spec"))
    if new_spec.get("nodeName") != old_spec.get("nodeName"):
        errs.append(field.forbidden(status_path.child("nodeName"), "may not be changed directly"))
    nominated = as_str(status.get("nominatedNodeName"))
    if nominated and nominated != as_str(old_status.get("nominatedNodeName")):
        errs += [field.invalid(status_path.child("nominatedNodeName"), nominated, msg)
                 for msg in objectmeta.name_is_dns_subdomain(nominated, False)]
    if status.get("qosClass", "") != old_status.get("qosClass", ""):
        errs.append(field.invalid(status_path.child("qosClass"), as_str(status.get("qosClass")), "field is immutable"))
    restart = as_str(old_spec.get("restartPolicy"))
    sidecars = {as_str(c.get("name")) for c in dicts(old_spec.get("initContainers"))
                if c.get("restartPolicy") == "Always"}
    errs += _state_transitions(status.get("containerStatuses"), old_status.get("containerStatuses"),
                               status_path.child("containerStatuses"), restart, set())
    errs += _state_transitions(status.get("initContainerStatuses"), old_status.get("initContainerStatuses"),
                               status_path.child("initContainerStatuses"), restart, sidecars)
    errs += _state_transitions(status.get("ephemeralContainerStatuses"), old_status.get("ephemeralContainerStatuses"),
                               status_path.child("ephemeralContainerStatuses"), "Never", set())
    errs += _ip_list_errors(status, "podIPs")
    host_ips = dicts(status.get("hostIPs"))
    if host_ips and as_str(status.get("hostIP")) != as_str(host_ips[0].get("ip")):
        errs.append(field.invalid(status_path.child("hostIPs").index(0).child("ip"), as_str(host_ips[0].get("ip")),
                                  "must be equal to `hostIP`"))
    return errs + _ip_list_errors(status, "hostIPs")


def validate_pod_ephemeral_containers_update(new: Object, old: Object, opts: PodValidationOptions) -> field.ErrorList:
    errs = validate_object_meta_update(new, old)
    errs += validate_pod_metadata_and_spec(new, opts)
    errs += validate_pod_specific_annotation_updates(new, old, field.new_path("metadata", "annotations"), opts)
    if "kubernetes.io/config.mirror" in as_dict(as_dict(old.get("metadata")).get("annotations")):
        return [field.forbidden(field.ROOT, "static pods do not support ephemeral containers")]
    path = field.new_path("spec").child("ephemeralContainers")
    current = {as_str(c.get("name")): c for c in dicts(as_dict(new.get("spec")).get("ephemeralContainers"))}
    for previous in dicts(as_dict(old.get("spec")).get("ephemeralContainers")):
        name = as_str(previous.get("name"))
        if name not in current:
            errs.append(field.forbidden(path, f"existing ephemeral containers {field.go_quote(name)} may not be "
                                              "removed\n"))
        elif not semantic_equal(current[name], previous):
            diff = cmp_diff(previous, current[name], "core.v1.EphemeralContainer")
            errs.append(field.forbidden(path, f"existing ephemeral containers {field.go_quote(name)} may not be "
                                              f"changed\n{diff}"))
    return errs
