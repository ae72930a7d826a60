"""Ingress validation (upstream pkg/apis/networking/validation ValidateIngress*).

Updates tolerate what the stored ingress already had: TLS secret names that are not
valid Secret names, and invalid rules under wildcard hosts. Backend Service names must be
DNS-1035 labels unless the stored ingress already used a DNS-1123 one
(RelaxedServiceNameValidation is alpha and off in v1.35).
"""

from __future__ import annotations

from dataclasses import dataclass

from kapiserver.apimachinery import field, objectmeta, validation, validation_ip
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core import validation_common as common
from kapiserver.registry.core.podspec.access import as_dict, as_str, dicts, strings
from kapiserver.registry.pathsegment import is_valid_path_segment_name

RELAXED_SERVICE_NAME_VALIDATION = False  # feature gate, alpha in v1.35
ANNOTATION_INGRESS_CLASS = "kubernetes.io/ingress.class"
SUPPORTED_PATH_TYPES = ("Exact", "ImplementationSpecific", "Prefix")  # sorted, as sets.List prints them
INVALID_PATH_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
INVALID_PATH_SUFFIXES = ("/..", "/.")
_SPEC = field.new_path("spec")


@dataclass(frozen=True, slots=True)
class IngressValidationOptions:
    allow_invalid_secret_name: bool = False
    allow_invalid_wildcard_host_rule: bool = False
    allow_relaxed_service_name_validation: bool = False


def _host_errors(host: str, path: field.Path) -> tuple[field.ErrorList, bool]:
    """A rule's or TLS entry's host; the bool says whether it is a wildcard host."""
    if "*" in host:
        return [field.invalid(path, host, msg) for msg in validation.is_wildcard_dns1123_subdomain(host)], True
    return [field.invalid(path, host, msg) for msg in validation.is_dns1123_subdomain(host)], False


def _validate_tls(spec: Object, opts: IngressValidationOptions) -> field.ErrorList:
    errs: field.ErrorList = []
    for i, tls in enumerate(dicts(spec.get("tls"))):
        path = _SPEC.child("tls").index(i)
        for j, host in enumerate(strings(tls.get("hosts"))):
            errs += _host_errors(host, path.child("hosts").index(j))[0]
        if not opts.allow_invalid_secret_name:
            secret = as_str(tls.get("secretName"))
            errs += [field.invalid(path.child("secretName"), secret, msg) for msg in _tls_secret_name_errors(secret)]
    return errs


def _tls_secret_name_errors(name: str) -> list[str]:
    return objectmeta.name_is_dns_subdomain(name, False) if name else []


def validate_typed_reference(ref: Object, path: field.Path) -> field.ErrorList:
    """The apiGroup/kind/name of a TypedLocalObjectReference (and of IngressClass parameters)."""
    errs: field.ErrorList = []
    if ref.get("apiGroup") is not None:
        group = as_str(ref["apiGroup"])
        errs += [field.invalid(path.child("apiGroup"), group, msg) for msg in validation.is_dns1123_subdomain(group)]
    for key in ("kind", "name"):
        value = as_str(ref.get(key))
        if not value:
            errs.append(field.required(path.child(key), ""))
        else:
            errs += [field.invalid(path.child(key), value, msg) for msg in is_valid_path_segment_name(value)]
    return errs


def _service_name_errors(name: str, relaxed: bool) -> list[str]:
    if relaxed:
        return objectmeta.name_is_dns_label(name, False)
    return objectmeta.name_is_dns1035_label(name, False)


def validate_ingress_backend(backend: Object, path: field.Path, opts: IngressValidationOptions) -> field.ErrorList:
    resource, service = backend.get("resource"), backend.get("service")
    if resource is not None and service is not None:
        return [field.invalid(path, "", "cannot set both resource and service backends")]
    if resource is not None:
        return validate_typed_reference(as_dict(resource), path.child("resource"))
    if service is None:
        return [field.invalid(path, "", "resource or service backend is required")]
    service = as_dict(service)
    errs: field.ErrorList = []
    name = as_str(service.get("name"))
    if not name:
        errs.append(field.required(path.child("service", "name"), ""))
    else:
        errs += [field.invalid(path.child("service", "name"), name, msg)
                 for msg in _service_name_errors(name, opts.allow_relaxed_service_name_validation)]
    port = as_dict(service.get("port"))
    port_name, number = as_str(port.get("name")), common.int_value(port.get("number"))
    if port_name and number:
        errs.append(field.invalid(path, "", "cannot set both port name & port number"))
    elif port_name:
        errs += [field.invalid(path.child("service", "port", "name"), port_name, msg)
                 for msg in validation.is_valid_port_name(port_name)]
    elif number:
        errs += [field.invalid(path.child("service", "port", "number"), number, msg)
                 for msg in validation.is_valid_port_num(number)]
    else:
        errs.append(field.required(path, "port name or number is required"))
    return errs


def _validate_http_path(http_path: Object, path: field.Path, opts: IngressValidationOptions) -> field.ErrorList:
    path_type = http_path.get("pathType")
    if path_type is None:
        return [field.required(path.child("pathType"), "pathType must be specified")]
    errs: field.ErrorList = []
    value = as_str(http_path.get("path"))
    if path_type in ("Exact", "Prefix"):
        if not value.startswith("/"):
            errs.append(field.invalid(path.child("path"), value, "must be an absolute path"))
        for sequence in INVALID_PATH_SEQUENCES if value else ():
            if sequence in value:
                errs.append(field.invalid(path.child("path"), value, f"must not contain '{sequence}'"))
        for suffix in INVALID_PATH_SUFFIXES if value else ():
            if value.endswith(suffix):
                errs.append(field.invalid(path.child("path"), value, f"cannot end with '{suffix}'"))
    elif path_type == "ImplementationSpecific":
        if value and not value.startswith("/"):
            errs.append(field.invalid(path.child("path"), value, "must be an absolute path"))
    else:
        errs.append(field.not_supported(path.child("pathType"), path_type, SUPPORTED_PATH_TYPES))
    return errs + validate_ingress_backend(as_dict(http_path.get("backend")), path.child("backend"), opts)


def _validate_rule_value(rule: Object, path: field.Path, opts: IngressValidationOptions) -> field.ErrorList:
    http = rule.get("http")
    if http is None:
        return []
    paths = dicts(as_dict(http).get("paths"))
    http_path = path.child("http")
    errs: field.ErrorList = [] if paths else [field.required(http_path.child("paths"), "")]
    for i, item in enumerate(paths):
        errs += _validate_http_path(item, http_path.child("paths").index(i), opts)
    return errs


def _validate_rules(rules: list[Object], opts: IngressValidationOptions) -> field.ErrorList:
    errs: field.ErrorList = []
    for i, rule in enumerate(rules):
        path = _SPEC.child("rules").index(i)
        host = as_str(rule.get("host"))
        wildcard = False
        if host:
            if common.parse_ip_sloppy(host) is not None:
                errs.append(field.invalid(path.child("host"), host, "must be a DNS name, not an IP address"))
            host_errs, wildcard = _host_errors(host, path.child("host"))
            errs += host_errs
        if not wildcard or not opts.allow_invalid_wildcard_host_rule:
            errs += _validate_rule_value(rule, path, opts)
    return errs


def validate_ingress_spec(spec: Object, opts: IngressValidationOptions) -> field.ErrorList:
    errs: field.ErrorList = []
    rules = dicts(spec.get("rules"))
    if not rules and spec.get("defaultBackend") is None:
        # json.Marshal of the rules slice: null when absent, [] when empty.
        errs.append(field.invalid(_SPEC, None if spec.get("rules") is None else [],
                                  "either `defaultBackend` or `rules` must be specified"))
    if spec.get("defaultBackend") is not None:
        errs += validate_ingress_backend(as_dict(spec["defaultBackend"]), _SPEC.child("defaultBackend"), opts)
    if rules:
        errs += _validate_rules(rules, opts)
    errs += _validate_tls(spec, opts)
    if spec.get("ingressClassName") is not None:
        class_name = as_str(spec["ingressClassName"])
        errs += [field.invalid(_SPEC.child("ingressClassName"), class_name, msg)
                 for msg in objectmeta.name_is_dns_subdomain(class_name, False)]
    return errs


def _validate_ingress(obj: Object, opts: IngressValidationOptions) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(obj.get("metadata", {}), True, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    return errs + validate_ingress_spec(as_dict(obj.get("spec")), opts)


def validate_ingress_create(obj: Object) -> field.ErrorList:
    opts = IngressValidationOptions(allow_relaxed_service_name_validation=_allow_relaxed_service_names(None))
    errs = _validate_ingress(obj, opts)
    annotations = obj.get("metadata", {}).get("annotations") or {}
    class_name = as_dict(obj.get("spec")).get("ingressClassName")
    if ANNOTATION_INGRESS_CLASS in annotations and class_name is not None \
            and annotations[ANNOTATION_INGRESS_CLASS] != class_name:
        errs.append(field.invalid(field.new_path("annotations").child(ANNOTATION_INGRESS_CLASS),
                                  annotations[ANNOTATION_INGRESS_CLASS],
                                  "must match `ingressClassName` when both are specified"))
    return errs


def validate_ingress_update(obj: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                  field.new_path("metadata"))
    opts = IngressValidationOptions(_allow_invalid_secret_name(old), _allow_invalid_wildcard_host_rule(old),
                                    _allow_relaxed_service_names(old))
    return errs + _validate_ingress(obj, opts)


def validate_ingress_status_update(obj: Object, old: Object) -> field.ErrorList:
    errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                  field.new_path("metadata"))
    old_ips = [as_str(i.get("ip")) for i in _lb_ingress(old) if i.get("ip")]
    path = field.new_path("status", "loadBalancer", "ingress")
    for i, item in enumerate(_lb_ingress(obj)):
        ip, hostname = as_str(item.get("ip")), as_str(item.get("hostname"))
        if ip:
            errs += validation_ip.is_valid_ip_for_legacy_field(path.index(i).child("ip"), ip,
                                                                       common.STRICT_IP_CIDR_VALIDATION, old_ips)
        if hostname:
            errs += [field.invalid(path.index(i).child("hostname"), hostname, msg)
                     for msg in validation.is_dns1123_subdomain(hostname)]
            if common.parse_ip_sloppy(hostname) is not None:
                errs.append(field.invalid(path.index(i).child("hostname"), hostname,
                                          "must be a DNS name, not an IP address"))
    return errs


def _lb_ingress(obj: Object) -> list[Object]:
    return dicts(as_dict(as_dict(obj.get("status")).get("loadBalancer")).get("ingress"))


def _allow_invalid_secret_name(old: Object) -> bool:
    return any(_tls_secret_name_errors(as_str(tls.get("secretName")))
               for tls in dicts(as_dict(old.get("spec")).get("tls")))


def _allow_invalid_wildcard_host_rule(old: Object) -> bool:
    for rule in dicts(as_dict(old.get("spec")).get("rules")):
        if "*" in as_str(rule.get("host")) and _validate_rule_value(rule, field.ROOT, IngressValidationOptions()):
            return True
    return False


def _relaxed_only(name: str) -> bool:
    """A name that is a DNS-1123 label but not a DNS-1035 one (it starts with a digit)."""
    return not objectmeta.name_is_dns_label(name, False) and bool(objectmeta.name_is_dns1035_label(name, False))


def _allow_relaxed_service_names(old: Object | None) -> bool:
    if RELAXED_SERVICE_NAME_VALIDATION:
        return True
    if old is None:
        return False
    spec = as_dict(old.get("spec"))
    default_service = as_dict(spec.get("defaultBackend")).get("service")
    if isinstance(default_service, dict) and _relaxed_only(as_str(default_service.get("name"))):
        return True
    for rule in dicts(spec.get("rules")):
        for item in dicts(as_dict(rule.get("http")).get("paths")):
            service = as_dict(item.get("backend")).get("service")
            if isinstance(service, dict) and _relaxed_only(as_str(service.get("name"))):
                return True
    return False
