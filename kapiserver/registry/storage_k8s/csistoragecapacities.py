"""csistoragecapacities, storage.k8s.io/v1 (upstream pkg/registry/storage/csistoragecapacity,
ValidateCSIStorageCapacity*).

Namespaced; nodeTopology and storageClassName are the inputs of the driver's GetCapacity
call and never change (a moved nodeTopology is reported as its JSON). Quantities are stored
in canonical form, as Go re-encodes them.
Upstream's store keeps rest.NewDefaultTableConvertor (the printers' StorageClassName and
Capacity columns are never used by it), so tables show Name and Created At.
"""

from __future__ import annotations

from kapiserver.apimachinery import field, metav1_validation, objectmeta, quantity
from kapiserver.apimachinery.types import Object
from kapiserver.registry.apps import validation_common as apps_common
from kapiserver.registry.core.podspec.access import as_str, semantic_equal
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy

IMMUTABLE = "field is immutable"
_QUANTITIES = ("capacity", "maximumVolumeSize")


def canonicalize_quantities(obj: Object) -> None:
    for key in _QUANTITIES:
        if obj.get(key) is not None:
            try:
                obj[key] = quantity.canonical(quantity.from_json(obj[key]))
            except quantity.QuantityError:
                pass  # the typed decoder has refused it already


def _selector_opts(allow_invalid: bool) -> metav1_validation.LabelSelectorValidationOptions:
    return metav1_validation.LabelSelectorValidationOptions(allow_invalid_label_value_in_selector=allow_invalid)


def validate_csi_storage_capacity(obj: Object, allow_invalid_labels: bool = False) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(obj.get("metadata", {}), True, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    topology = obj.get("nodeTopology")
    errs += metav1_validation.validate_label_selector(topology if isinstance(topology, dict) else None,
                                                      _selector_opts(allow_invalid_labels),
                                                      field.new_path("nodeTopology"))
    class_name = as_str(obj.get("storageClassName"))
    errs += [field.invalid(field.new_path("storageClassName"), class_name, msg)
             for msg in objectmeta.name_is_dns_subdomain(class_name, False)]
    if obj.get("capacity") is not None:
        try:
            value = quantity.from_json(obj["capacity"])
        except quantity.QuantityError:
            return errs
        if value.sign() < 0:
            errs.append(field.invalid(field.new_path("capacity"), quantity.canonical(value),
                                      "must be greater than or equal to 0"))
    return errs


def _json_selector(selector: object) -> object:
    """A *metav1.LabelSelector as json.Marshal writes it: matchLabels (keys sorted), then
    matchExpressions; null when unset."""
    return apps_common.json_selector(selector)


def validate_csi_storage_capacity_update(obj: Object, old: Object) -> field.ErrorList:
    topology = old.get("nodeTopology")
    allow_invalid = bool(metav1_validation.validate_label_selector(
        topology if isinstance(topology, dict) else None, _selector_opts(False), field.ROOT))
    errs = validate_csi_storage_capacity(obj, allow_invalid)
    errs += objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                   field.new_path("metadata"))
    if not semantic_equal(obj.get("nodeTopology"), old.get("nodeTopology")):
        errs.append(field.invalid(field.new_path("nodeTopology"), _json_selector(obj.get("nodeTopology")), IMMUTABLE))
    if as_str(obj.get("storageClassName")) != as_str(old.get("storageClassName")):
        errs.append(field.invalid(field.new_path("storageClassName"), as_str(obj.get("storageClassName")), IMMUTABLE))
    return errs


class CSIStorageCapacityStrategy(Strategy):
    def default(self, obj: Object) -> None:
        canonicalize_quantities(obj)

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_csi_storage_capacity(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_csi_storage_capacity_update(obj, old)


CSISTORAGECAPACITIES = ResourceSpec(
    group="storage.k8s.io", version="v1", kind="CSIStorageCapacity", plural="csistoragecapacities",
    singular="csistoragecapacity", namespaced=True, strategy=CSIStorageCapacityStrategy(),
)
