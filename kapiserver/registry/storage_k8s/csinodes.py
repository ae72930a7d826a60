"""csinodes, storage.k8s.io/v1 (upstream pkg/registry/storage/csinode, ValidateCSINode*).

The kubelet writes one CSINode per node (named after it). A registered driver's entry
cannot change, except its allocatable count (MutableCSINodeAllocatableCount, beta and on in
v1.35). Node IDs may be up to 256 characters. A changed entry is reported as the JSON of
the internal struct, as v1.35's field errors render a struct.
"""

from __future__ import annotations

from kapiserver.apimachinery import field, objectmeta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core import validation_common as common
from kapiserver.registry.core.podspec.access import as_dict, as_str, dicts, strings
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from .validation_common import validate_csi_driver_name

CSI_NODE_ID_MAX_LENGTH = 256  # csiNodeIDLongerMaxLength: AllowLongNodeID is always on
MUTABLE_ALLOCATABLE_COUNT = True
_DRIVERS = field.new_path("spec", "drivers")


def _validate_driver(driver: Object, seen: set[str], path: field.Path) -> field.ErrorList:
    name = as_str(driver.get("name"))
    errs = validate_csi_driver_name(name, path.child("name"))
    node_id = as_str(driver.get("nodeID"))
    if not node_id:
        errs.append(field.required(path.child("nodeID"), ""))
    if len(node_id) > CSI_NODE_ID_MAX_LENGTH:
        errs.append(field.invalid(path.child("nodeID"), node_id, f"must be {CSI_NODE_ID_MAX_LENGTH} characters or less"))
    count = as_dict(driver.get("allocatable")).get("count")
    if isinstance(count, int):
        errs += objectmeta.validate_nonnegative_field(count, path.child("allocatable", "count"))
    if name in seen:
        errs.append(field.duplicate(path.child("name"), name))
    seen.add(name)
    keys: set[str] = set()
    for key in strings(driver.get("topologyKeys")):
        if not key:
            errs.append(field.required(path, ""))
        if key in keys:
            errs.append(field.duplicate(path, key))
        keys.add(key)
        errs += common.validate_qualified_name(key, path)
    return errs


def validate_csi_node(obj: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(obj.get("metadata", {}), False, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    seen: set[str] = set()
    for i, driver in enumerate(dicts(as_dict(obj.get("spec")).get("drivers"))):
        errs += _validate_driver(driver, seen, _DRIVERS.index(i))
    return errs


def _comparable(driver: Object) -> Object:
    if MUTABLE_ALLOCATABLE_COUNT:
        return {k: v for k, v in driver.items() if k != "allocatable"}
    return driver


def json_driver(driver: Object) -> Object:
    """The internal CSINodeDriver copy ValidateImmutableField reports, as json.Marshal writes it
    (Go field names in declaration order; Allocatable is cleared first while
    MutableCSINodeAllocatableCount is on)."""
    keys = driver.get("topologyKeys")
    allocatable = None
    if not MUTABLE_ALLOCATABLE_COUNT and isinstance(driver.get("allocatable"), dict):
        allocatable = {"Count": driver["allocatable"].get("count")}
    struct = {"Name": as_str(driver.get("name")), "NodeID": as_str(driver.get("nodeID")),
              "TopologyKeys": list(strings(keys)) if keys is not None else None, "Allocatable": allocatable}
    return struct


def validate_csi_node_update(obj: Object, old: Object) -> field.ErrorList:
    errs = validate_csi_node(obj)
    new_drivers = dicts(as_dict(obj.get("spec")).get("drivers"))
    for old_driver in dicts(as_dict(old.get("spec")).get("drivers")):
        for driver in new_drivers:
            if driver.get("name") == old_driver.get("name") and _comparable(driver) != _comparable(old_driver):
                errs.append(field.invalid(_DRIVERS, json_driver(driver), "field is immutable"))
    return errs


class CSINodeStrategy(Strategy):
    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        obj.pop("status", None)

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_csi_node(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                      field.new_path("metadata"))
        return errs + validate_csi_node_update(obj, old)


def _row(obj: Object) -> list[object]:
    return [name_of(obj), len(dicts(as_dict(obj.get("spec")).get("drivers"))), age(obj)]


CSINODES = ResourceSpec(
    group="storage.k8s.io", version="v1", kind="CSINode", plural="csinodes", singular="csinode", namespaced=False,
    strategy=CSINodeStrategy(), return_deleted_object=True,
    printer=Printer((
        NAME_COLUMN,
        Column("Drivers", "integer", "", "Drivers indicates the number of CSI drivers registered on the node"),
        AGE_COLUMN,
    ), _row),
)
