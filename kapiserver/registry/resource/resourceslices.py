"""resourceslices, resource.k8s.io/v1 (upstream pkg/registry/resource/resourceslice,
ValidateResourceSlice*).

A DRA driver publishes its devices in slices of a pool. Exactly one of nodeName,
nodeSelector, allNodes and perDeviceNodeSelection says where the devices are; the driver,
the pool name and the node name never change. spec.nodeName and spec.driver are
selectable fields (kubelets and drivers list their own slices). The generation moves with
the spec. Device taints belong to DRADeviceTaints, off in v1.35: they are dropped unless the
stored slice has some (upstream dropDisabledDRADeviceTaintsFields).
"""

from __future__ import annotations

from kapiserver.apimachinery import field, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core.podspec.access import as_dict, as_str, dicts
from kapiserver.registry.core.podspec.validation_scheduling import validate_node_selector
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy, bump_generation_on_change, immutable, start_generation
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from . import gates
from . import validation_common as vc

MAX_DEVICES = 128
MAX_ATTRIBUTES_AND_CAPACITIES = 32
NODE_FIELDS = "exactly one of `nodeName`, `nodeSelector`, `allNodes`, `perDeviceNodeSelection` is required"
_SPEC = field.new_path("spec")


def _validate_pool(pool: Object, path: field.Path) -> field.ErrorList:
    errs = vc.validate_pool_name(as_str(pool.get("name")), path.child("name"))
    count = pool.get("resourceSliceCount") or 0
    if not isinstance(count, int) or count <= 0:
        errs.append(field.invalid(path.child("resourceSliceCount"), count, "must be greater than zero"))
    generation = pool.get("generation") or 0
    if isinstance(generation, int) and generation < 0:
        errs.append(field.invalid(path.child("generation"), generation, "must be greater than or equal to zero"))
    return errs


def _validate_device(device: Object, path: field.Path) -> field.ErrorList:
    errs = vc.name_errors(as_str(device.get("name")), path.child("name"),
                          lambda n: objectmeta.name_is_dns_label(n, False))
    attributes, capacity = as_dict(device.get("attributes")), as_dict(device.get("capacity"))
    for key, value in attributes.items():
        errs += vc.validate_qualified_name(key, path.child("attributes").key(key))
        errs += vc.validate_attribute(as_dict(value), path.child("attributes").key(key))
    for key in capacity:
        errs += vc.validate_qualified_name(key, path.child("capacity").key(key))
    if len(attributes) + len(capacity) > MAX_ATTRIBUTES_AND_CAPACITIES:
        errs.append(field.invalid(path, field.OMIT, f"the total number of attributes and capacities must not exceed "
                                                    f"{MAX_ATTRIBUTES_AND_CAPACITIES}"))
    errs += vc.validate_slice(dicts(device.get("taints")), vc.DEVICE_TAINTS_MAX_LENGTH, vc.validate_taint,
                              path.child("taints"))
    if isinstance(device.get("nodeSelector"), dict):
        errs += validate_node_selector(device["nodeSelector"], False, path.child("nodeSelector"))
    return errs


def _node_selection(spec: Object) -> tuple[list[str], field.ErrorList]:
    chosen: list[str] = []
    errs: field.ErrorList = []
    node_name = spec.get("nodeName")
    if node_name is not None:
        if node_name:
            chosen.append("`nodeName`")
            errs += vc.name_errors(as_str(node_name), _SPEC.child("nodeName"),
                                   lambda n: objectmeta.name_is_dns_subdomain(n, False))
        else:
            errs.append(field.invalid(_SPEC.child("nodeName"), node_name,
                                      "must be either unset or set to a non-empty string"))
    selector = spec.get("nodeSelector")
    if isinstance(selector, dict):
        chosen.append("`nodeSelector`")
        errs += validate_node_selector(selector, False, _SPEC.child("nodeSelector"))
        if len(dicts(selector.get("nodeSelectorTerms"))) != 1:
            errs.append(field.invalid(_SPEC.child("nodeSelector", "nodeSelectorTerms"), field.OMIT,
                                      "must have exactly one node selector term"))
    for key in ("allNodes", "perDeviceNodeSelection"):
        if spec.get(key) is not None:
            if spec[key] is True:
                chosen.append(f"`{key}`")
            else:
                errs.append(field.invalid(_SPEC.child(key), spec[key], "must be either unset or set to true"))
    return chosen, errs


def validate_resource_slice_spec(spec: Object, old_spec: Object | None) -> field.ErrorList:
    errs = vc.validate_driver_name(as_str(spec.get("driver")), _SPEC.child("driver"))
    errs += _validate_pool(as_dict(spec.get("pool")), _SPEC.child("pool"))
    if old_spec is not None:
        errs += immutable(_SPEC.child("pool", "name"), as_dict(spec.get("pool")).get("name"),
                          as_dict(old_spec.get("pool")).get("name"))
        errs += immutable(_SPEC.child("driver"), spec.get("driver"), old_spec.get("driver"))
        errs += immutable(_SPEC.child("nodeName"), spec.get("nodeName"), old_spec.get("nodeName"))
    chosen, node_errs = _node_selection(spec)
    errs += node_errs
    if not chosen:
        errs.append(field.required(_SPEC, NODE_FIELDS))
    elif len(chosen) > 1:
        errs.append(field.invalid(_SPEC, "{" + ", ".join(chosen) + "}", NODE_FIELDS + ", but multiple fields are set"))
    if spec.get("sharedCounters") is not None and spec.get("devices") is not None:
        errs.append(field.invalid(_SPEC, "", "only one of `sharedCounters` or `devices` is allowed"))
    return errs + vc.validate_set(dicts(spec.get("devices")), MAX_DEVICES, _validate_device,
                                  lambda d: as_str(d.get("name")), _SPEC.child("devices"))


def validate_resource_slice(obj: Object) -> field.ErrorList:
    return vc.validate_object_meta(obj, False) + validate_resource_slice_spec(as_dict(obj.get("spec")), None)


def validate_resource_slice_update(obj: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                  field.new_path("metadata"))
    return errs + validate_resource_slice_spec(as_dict(obj.get("spec")), as_dict(old.get("spec")))


def drop_disabled_fields(obj: Object, old: Object | None) -> None:
    """upstream resourceslice dropDisabledFields for the gates v1.35 ships off."""
    if gates.DRA_DEVICE_TAINTS:
        return
    if old is not None and any(d.get("taints") for d in dicts(as_dict(old.get("spec")).get("devices"))):
        return
    for device in dicts(as_dict(obj.get("spec")).get("devices")):
        device.pop("taints", None)


class ResourceSliceStrategy(Strategy):
    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        start_generation(obj)
        drop_disabled_fields(obj, None)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        bump_generation_on_change(obj, old, "spec")
        drop_disabled_fields(obj, old)

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_resource_slice(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_resource_slice_update(obj, old)


NODE_DESCRIPTION = (
    'NodeName identifies the node which provides the resources in this pool. A field selector can be used'
    ' to list only ResourceSlice objects belonging to a certain node.\n\nThis field can be used to limit '
    'access from nodes to ResourceSlices with the same node name. It also indicates to autoscalers that '
    'adding new nodes of the same type as some old node might also make new resources available.\n\nExactly'
    ' one of NodeName, NodeSelector, AllNodes, and PerDeviceNodeSelection must be set. This field is '
    'immutable.'
)
DRIVER_DESCRIPTION = (
    'Driver identifies the DRA driver providing the capacity information. A field selector can be used to'
    ' list only ResourceSlice objects with a certain driver name.\n\nMust be a DNS subdomain and should end'
    ' with a DNS domain owned by the vendor of the driver. It should use only lower case characters. This'
    ' field is immutable.'
)
POOL_DESCRIPTION = (
    'Name is used to identify the pool. For node-local devices, this is often the node name, but this is '
    'not required.\n\nIt must not be longer than 253 characters and must consist of one or more DNS sub-'
    'domains separated by slashes. This field is immutable.'
)


def _row(obj: Object) -> list[object]:
    spec = as_dict(obj.get("spec"))
    return [name_of(obj), as_str(spec.get("nodeName")), as_str(spec.get("driver")),
            as_str(as_dict(spec.get("pool")).get("name")), age(obj)]


def selectable_fields(obj: Object) -> dict[str, str]:
    spec = as_dict(obj.get("spec"))
    return {"spec.nodeName": as_str(spec.get("nodeName")), "spec.driver": as_str(spec.get("driver"))}


RESOURCESLICES = ResourceSpec(
    group="resource.k8s.io", version="v1", kind="ResourceSlice", plural="resourceslices", singular="resourceslice",
    namespaced=False, strategy=ResourceSliceStrategy(), fields=selectable_fields, return_deleted_object=True,
    printer=Printer((
        NAME_COLUMN,
        Column("Node", "string", "", NODE_DESCRIPTION),
        Column("Driver", "string", "", DRIVER_DESCRIPTION),
        Column("Pool", "string", "", POOL_DESCRIPTION),
        AGE_COLUMN,
    ), _row),
)
