"""ingressclasses, networking.k8s.io/v1 (upstream pkg/registry/networking/ingressclass,
ValidateIngressClass*, SetDefaults_IngressClass).

The controller is immutable; parameters default to cluster scope. The
`ingressclass.kubernetes.io/is-default-class` annotation is only read by admission.
"""

from __future__ import annotations

from kapiserver.apimachinery import field, objectmeta, validation
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core.podspec.access import as_dict, as_str
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy, bump_generation_on_change, immutable, start_generation
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from .ingress_validation import validate_typed_reference

MAX_LEN_CONTROLLER = 250
SCOPES = ("Cluster", "Namespace")  # sorted, as sets.List prints them
_SPEC = field.new_path("spec")


def default_ingress_class(obj: Object) -> None:
    parameters = as_dict(obj.get("spec")).get("parameters")
    if isinstance(parameters, dict) and parameters.get("scope") is None:
        parameters["scope"] = "Cluster"


def _validate_parameters(params: Object, path: field.Path) -> field.ErrorList:
    errs = validate_typed_reference(params, path)
    if params.get("scope") is None:
        return errs + [field.required(path.child("scope"), "")]
    scope = as_str(params["scope"])
    if scope not in SCOPES:
        return errs + [field.not_supported(path.child("scope"), scope, SCOPES)]
    namespace = params.get("namespace")
    if scope == "Namespace":
        if namespace is None:
            errs.append(field.required(path.child("namespace"), "`parameters.scope` is set to 'Namespace'"))
        else:
            errs += [field.invalid(path.child("namespace"), namespace, msg)
                     for msg in objectmeta.name_is_dns_label(as_str(namespace), False)]
    elif namespace is not None:
        errs.append(field.forbidden(path.child("namespace"), "`parameters.scope` is set to 'Cluster'"))
    return errs


def validate_ingress_class_spec(spec: Object) -> field.ErrorList:
    errs: field.ErrorList = []
    controller = as_str(spec.get("controller"))
    path = _SPEC.child("controller")
    if not controller:
        errs.append(field.required(path, ""))
    else:
        if len(controller.encode()) > MAX_LEN_CONTROLLER:
            errs.append(field.too_long(path, MAX_LEN_CONTROLLER))
        errs += validation.is_domain_prefixed_path(path, controller)
    if spec.get("parameters") is not None:
        errs += _validate_parameters(as_dict(spec["parameters"]), _SPEC.child("parameters"))
    return errs


def validate_ingress_class(obj: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(obj.get("metadata", {}), False, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    return errs + validate_ingress_class_spec(as_dict(obj.get("spec")))


def validate_ingress_class_update(obj: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                  field.new_path("metadata"))
    errs += immutable(_SPEC.child("controller"), as_str(as_dict(obj.get("spec")).get("controller")),
                      as_str(as_dict(old.get("spec")).get("controller")))
    return errs + validate_ingress_class(obj)


class IngressClassStrategy(Strategy):
    def default(self, obj: Object) -> None:
        default_ingress_class(obj)

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        start_generation(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        bump_generation_on_change(obj, old, "spec")

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_ingress_class(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        return validate_ingress_class_update(obj, old)


def format_parameters(spec: Object) -> str:
    params = spec.get("parameters")
    if not isinstance(params, dict):
        return "<none>"
    text = as_str(params.get("kind"))
    if params.get("apiGroup") is not None:
        text += "." + as_str(params["apiGroup"])
    return text + "/" + as_str(params.get("name"))


def _row(obj: Object) -> list[object]:
    spec = as_dict(obj.get("spec"))
    return [name_of(obj), as_str(spec.get("controller")), format_parameters(spec), age(obj)]


INGRESSCLASSES = ResourceSpec(
    group="networking.k8s.io", version="v1", kind="IngressClass", plural="ingressclasses", singular="ingressclass",
    namespaced=False, strategy=IngressClassStrategy(),
    printer=Printer((
        NAME_COLUMN,
        Column("Controller", "string", "", "Controller that is responsible for handling this class"),
        Column("Parameters", "string", "", "A reference to a resource with additional parameters"),
        AGE_COLUMN,
    ), _row),
)
