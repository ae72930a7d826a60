"""podtemplates (upstream pkg/registry/core/podtemplate, ValidatePodTemplate).

A PodTemplate only holds a template: its pod spec gets the pod template defaults, it is
validated as a template, and any change to it moves the generation.
"""

from __future__ import annotations

from kapiserver.apimachinery import errors, field, labels, meta, objectmeta, quantity
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy, start_generation
from kapiserver.registry.table import NAME_COLUMN, Column, Printer, name_of

from .pods_mutations import drop_disabled_pod_fields
from .pods_warnings import warnings_for_pod_spec_and_meta
from .podspec import set_defaults_pod_spec, validate_pod_template_spec, validation_options
from .podspec.access import as_dict, semantic_equal
from .replicationcontrollers import layout_container_cells

_TEMPLATE = field.new_path("template")


def set_defaults_pod_template(obj: Object) -> None:
    template = obj.get("template")
    if not isinstance(template, dict):
        template = obj["template"] = {}
    spec = template.get("spec")
    if not isinstance(spec, dict):
        spec = template["spec"] = {}
    set_defaults_pod_spec(spec)


def _options(obj: Object, old: Object | None):  # type: ignore[no-untyped-def]
    template = as_dict(obj.get("template"))
    old_template = as_dict(old.get("template")) if old is not None else None
    return validation_options(as_dict(template.get("spec")),
                              as_dict(old_template.get("spec")) if old_template is not None else None,
                              as_dict(template.get("metadata")),
                              as_dict(old_template.get("metadata")) if old_template is not None else None)


def _warnings(obj: Object, old: Object | None) -> list[str]:
    template = as_dict(obj.get("template"))
    if old is not None and semantic_equal(template, old.get("template")):
        return []
    return warnings_for_pod_spec_and_meta(_TEMPLATE, as_dict(template.get("spec")), as_dict(template.get("metadata")))


class PodTemplateStrategy(Strategy):
    def default(self, obj: Object) -> None:
        try:
            set_defaults_pod_template(obj)
        except quantity.QuantityError as exc:
            raise errors.bad_request(f'PodTemplate in version "v1" cannot be handled as a PodTemplate: {exc}') from None

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        start_generation(obj)
        drop_disabled_pod_fields(obj.setdefault("template", {}).setdefault("spec", {}), None)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        drop_disabled_pod_fields(obj.setdefault("template", {}).setdefault("spec", {}),
                                 as_dict(as_dict(old.get("template")).get("spec")))
        if not semantic_equal(obj.get("template"), old.get("template")):
            meta.ensure_metadata(obj)["generation"] = int(meta.metadata(old).get("generation") or 0) + 1

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        errs = objectmeta.validate_object_meta(meta.metadata(obj), True, objectmeta.name_is_dns_subdomain,
                                               field.new_path("metadata"))
        return errs + validate_pod_template_spec(as_dict(obj.get("template")), _TEMPLATE, _options(obj, None))

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = objectmeta.validate_object_meta_update(meta.metadata(obj), meta.metadata(old),
                                                      field.new_path("metadata"))
        return errs + validate_pod_template_spec(as_dict(obj.get("template")), _TEMPLATE, _options(obj, old))

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        return _warnings(obj, None)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return _warnings(obj, old)


def _row(obj: Object) -> list[object]:
    template = as_dict(obj.get("template"))
    names, images = layout_container_cells(as_dict(template.get("spec")))
    template_labels = as_dict(template.get("metadata")).get("labels")
    return [name_of(obj), names, images, labels.format_labels(template_labels if isinstance(template_labels, dict)
                                                              else None)]


PODTEMPLATE_PRINTER = Printer((
    NAME_COLUMN,
    Column("Containers", "string", "", "Names of each container in the template."),
    Column("Images", "string", "", "Images referenced by each container in the template."),
    Column("Pod Labels", "string", "", "The labels for the pod template."),
), _row)

PODTEMPLATES = ResourceSpec(
    group="", version="v1", kind="PodTemplate", plural="podtemplates", singular="podtemplate", namespaced=True,
    strategy=PodTemplateStrategy(), printer=PODTEMPLATE_PRINTER,
)
