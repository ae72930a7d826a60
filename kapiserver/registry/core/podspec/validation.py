"""Validation of pods and pod specs (upstream pkg/apis/core/validation: ValidatePodCreate,
validatePodMetadataAndSpec, ValidatePodSpec, ValidatePodTemplateSpec).

Pods validate their metadata, their spec and the pod-only rules; workload kinds reuse
`validate_pod_template_spec` for the template they carry. Updates live in
`validation_update`. Every function is pure: nothing is mutated.
"""

from __future__ import annotations

from kapiserver.apimachinery import field, metav1_validation, objectmeta, validation
from kapiserver.apimachinery.types import Object

from .. import internal_json
from . import helpers
from .access import as_dict, as_int, as_str, dicts, opt_int
from .options import PodValidationOptions
from .validation_annotations import (
    validate_app_armor_annotations_and_fields,
    validate_pod_specific_annotations,
    validate_seccomp_annotations_and_fields,
)
from .validation_containers import (
    ContainerContext,
    validate_container_only_for_pod,
    validate_containers,
    validate_ephemeral_containers,
    validate_init_containers,
)
from .validation_resources import validate_overhead, validate_pod_resources
from .validation_scheduling import (
    validate_affinity,
    validate_dns_config,
    validate_host_aliases,
    validate_readiness_gates,
    validate_scheduling_gates,
    validate_tolerations,
    validate_topology_spread_constraints,
)
from .validation_security import (
    validate_host_users,
    validate_os,
    validate_pod_security_context,
    validate_windows_host_process_pod,
)
from .validation_volumes import validate_volumes

_MAX_INT32 = 2**31 - 1
_RESTART_POLICIES = ["Always", "OnFailure", "Never"]
_DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]


def _names(check: object, value: str, path: field.Path) -> field.ErrorList:
    return [field.invalid(path, value, msg) for msg in check(value, False)]  # type: ignore[operator]


def validate_pod_spec(spec: Object, pod_meta: Object | None, path: field.Path,
                      opts: PodValidationOptions) -> field.ErrorList:
    errs: field.ErrorList = []
    if spec.get("terminationGracePeriodSeconds") is None:
        errs.append(field.required(path.child("terminationGracePeriodSeconds"), ""))
    host_users = spec.get("hostUsers") is not False
    volumes, volume_errs = validate_volumes(spec.get("volumes"), pod_meta, path.child("volumes"), opts)
    errs += volume_errs
    claims = dicts(spec.get("resourceClaims"))
    claim_names = {as_str(c.get("name")) for c in claims if as_str(c.get("name"))}
    errs += _validate_resource_claims(claims, path.child("resourceClaims"))
    ctx = ContainerContext(volumes, claim_names, opt_int(spec.get("terminationGracePeriodSeconds")), opts,
                           as_str(spec.get("restartPolicy")), host_users)
    errs += validate_containers(spec.get("containers"), ctx, path.child("containers"))
    errs += validate_init_containers(spec.get("initContainers"), spec.get("containers"), ctx,
                                     path.child("initContainers"))
    errs += validate_ephemeral_containers(spec.get("ephemeralContainers"), spec.get("containers"),
                                          spec.get("initContainers"), ctx, path.child("ephemeralContainers"))
    if opts.pod_level_resources_enabled:
        errs += validate_pod_resources(spec, claim_names, path.child("resources"), opts)
    errs += _validate_host_network_deps(spec, path, opts)
    errs += _enum(as_str(spec.get("restartPolicy")), _RESTART_POLICIES, path.child("restartPolicy"))
    errs += _enum(as_str(spec.get("dnsPolicy")), _DNS_POLICIES, path.child("dnsPolicy"))
    errs += metav1_validation.validate_labels(as_dict(spec.get("nodeSelector")), path.child("nodeSelector"))
    errs += validate_pod_security_context(spec, path.child("securityContext"), opts)
    errs += _validate_image_pull_secrets(spec.get("imagePullSecrets"), path.child("imagePullSecrets"))
    errs += validate_affinity(spec.get("affinity"), opts, path.child("affinity"))
    errs += validate_dns_config(spec, path.child("dnsConfig"), opts)
    errs += validate_readiness_gates(spec.get("readinessGates"), path.child("readinessGates"))
    errs += validate_scheduling_gates(spec.get("schedulingGates"), path.child("schedulingGates"))
    errs += validate_topology_spread_constraints(spec.get("topologySpreadConstraints"),
                                                 path.child("topologySpreadConstraints"), opts)
    errs += validate_windows_host_process_pod(spec, path)
    errs += validate_host_users(spec, path)
    errs += _validate_names_and_numbers(spec, path)
    if spec.get("tolerations"):
        errs += validate_tolerations(spec.get("tolerations"), path.child("tolerations"))
    if spec.get("hostAliases"):
        errs += validate_host_aliases(spec.get("hostAliases"), path.child("hostAliases"))
    errs += _validate_scheduling_names(spec, path)
    if spec.get("overhead") is not None:
        errs += validate_overhead(spec.get("overhead"), path.child("overhead"), opts)
    return errs + validate_os(spec, path)


def _enum(value: str, allowed: list[str], path: field.Path) -> field.ErrorList:
    if value in allowed:
        return []
    if not value:
        return [field.required(path, "")]
    return [field.not_supported(path, value, allowed)]


def _validate_names_and_numbers(spec: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    if as_str(spec.get("serviceAccountName")):
        errs += _names(objectmeta.name_is_dns_subdomain, as_str(spec["serviceAccountName"]),
                       path.child("serviceAccountName"))
    if as_str(spec.get("nodeName")):
        errs += _names(objectmeta.name_is_dns_subdomain, as_str(spec["nodeName"]), path.child("nodeName"))
    deadline = opt_int(spec.get("activeDeadlineSeconds"))
    if deadline is not None and (deadline < 1 or deadline > _MAX_INT32):
        errs.append(field.invalid(path.child("activeDeadlineSeconds"), deadline,
                                  validation.inclusive_range_error(1, _MAX_INT32)))
    for key in ("hostname", "subdomain"):
        value = as_str(spec.get(key))
        if value:
            errs += [field.invalid(path.child(key), value, msg) for msg in validation.is_dns1123_label(value)]
    return errs


def _validate_scheduling_names(spec: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    if as_str(spec.get("priorityClassName")):
        errs += _names(objectmeta.name_is_dns_subdomain, as_str(spec["priorityClassName"]),
                       path.child("priorityClassName"))
    if spec.get("runtimeClassName") is not None:
        errs += _names(objectmeta.name_is_dns_subdomain, as_str(spec["runtimeClassName"]),
                       path.child("runtimeClassName"))
    if spec.get("preemptionPolicy") is not None:
        errs += _enum(as_str(spec["preemptionPolicy"]), ["PreemptLowerPriority", "Never"],
                      path.child("preemptionPolicy"))
    return errs


def _validate_resource_claims(claims: list[Object], path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    seen: set[str] = set()
    for i, claim in enumerate(claims):
        item = path.index(i)
        name = as_str(claim.get("name"))
        if not name:
            errs.append(field.required(item.child("name"), ""))
        elif name in seen:
            errs.append(field.duplicate(item.child("name"), name))
        else:
            errs += [field.invalid(item.child("name"), name, msg) for msg in validation.is_dns1123_label(name)]
            seen.add(name)
        claim_name, template_name = claim.get("resourceClaimName"), claim.get("resourceClaimTemplateName")
        shown = internal_json.marshal(claim, "core.v1.PodResourceClaim")
        if claim_name is not None and template_name is not None:
            errs.append(field.invalid(item, shown, "at most one of `resourceClaimName` or `resourceClaimTemplateName` "
                                                   "may be specified"))
        if claim_name is None and template_name is None:
            errs.append(field.invalid(item, shown, "must specify one of: `resourceClaimName`, "
                                                   "`resourceClaimTemplateName`"))
        for key, value in (("resourceClaimName", claim_name), ("resourceClaimTemplateName", template_name)):
            if value is not None:
                errs += _names(objectmeta.name_is_dns_subdomain, as_str(value), item.child(key))
    return errs


def _validate_host_network_deps(spec: Object, path: field.Path, opts: PodValidationOptions) -> field.ErrorList:
    if spec.get("hostNetwork") is not True:
        return []
    errs: field.ErrorList = []
    for i, container in enumerate(dicts(spec.get("containers"))):
        for j, port in enumerate(dicts(container.get("ports"))):
            host, container_port = as_int(port.get("hostPort")), as_int(port.get("containerPort"))
            if (opts.resource_is_pod or host != 0) and host != container_port:
                errs.append(field.invalid(path.child("containers").index(i).child("ports").index(j).child("hostPort"),
                                          host, "must match `containerPort` when `hostNetwork` is true"))
    return errs


def _validate_image_pull_secrets(secrets: object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    for i, secret in enumerate(dicts(secrets)):
        if any(key != "name" and value not in (None, "") for key, value in secret.items()):
            errs.append(field.invalid(path.index(i), internal_json.marshal(secret, "core.v1.LocalObjectReference"),
                                      "only name may be set"))
    return errs


# --- pods ------------------------------------------------------------------------------------


def validate_kube_finalizer_names(meta: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    for i, name in enumerate(meta.get("finalizers") or []):
        name = as_str(name)
        if "/" not in name and name not in helpers.STANDARD_FINALIZERS:
            errs.append(field.invalid(path.child("finalizers").index(i), name,
                                      "name is neither a standard finalizer name nor is it fully qualified"))
    return errs


def validate_pod_metadata_and_spec(pod: Object, opts: PodValidationOptions) -> field.ErrorList:
    meta_path = field.new_path("metadata")
    spec_path = field.new_path("spec")
    meta = as_dict(pod.get("metadata"))
    spec = as_dict(pod.get("spec"))
    errs = objectmeta.validate_object_meta(meta, True, objectmeta.name_is_dns_subdomain, meta_path)
    errs += validate_kube_finalizer_names(meta, meta_path)
    errs += validate_pod_specific_annotations(as_dict(meta.get("annotations")), spec, meta_path.child("annotations"),
                                              opts)
    errs += validate_pod_spec(spec, meta, spec_path, opts)
    if not as_str(spec.get("serviceAccountName")):
        for vi, volume in enumerate(dicts(spec.get("volumes"))):
            projected = volume.get("projected")
            if not isinstance(projected, dict):
                continue
            for si, source in enumerate(dicts(projected.get("sources"))):
                if source.get("serviceAccountToken") is not None:
                    errs.append(field.forbidden(spec_path.child("volumes").index(vi).child("projected").child(
                        "sources").index(si).child("serviceAccountToken"),
                        "must not be specified when serviceAccountName is not set"))
    for kind in ("containers", "initContainers"):
        for i, container in enumerate(dicts(spec.get(kind))):
            errs += validate_container_only_for_pod(container, spec_path.child(kind).index(i))
    return errs


def validate_pod_create(pod: Object, opts: PodValidationOptions) -> field.ErrorList:
    errs = validate_pod_metadata_and_spec(pod, opts)
    spec_path = field.new_path("spec")
    spec = as_dict(pod.get("spec"))
    if dicts(spec.get("ephemeralContainers")):
        errs.append(field.forbidden(spec_path.child("ephemeralContainers"), "cannot be set on create"))
    if as_str(spec.get("nodeName")) and dicts(spec.get("schedulingGates")):
        errs.append(field.forbidden(spec_path.child("nodeName"), "cannot be set until all schedulingGates have been "
                                                                 "cleared"))
    meta = as_dict(pod.get("metadata"))
    errs += validate_seccomp_annotations_and_fields(meta, spec, spec_path)
    return errs + validate_app_armor_annotations_and_fields(meta, spec, spec_path)


def validate_pod_template_spec(template: Object, path: field.Path, opts: PodValidationOptions) -> field.ErrorList:
    """A PodTemplateSpec inside a workload (Deployments, Jobs, ...)."""
    meta = as_dict(template.get("metadata"))
    spec = as_dict(template.get("spec"))
    errs = metav1_validation.validate_labels(as_dict(meta.get("labels")), path.child("labels"))
    errs += objectmeta.validate_annotations(as_dict(meta.get("annotations")), path.child("annotations"))
    errs += validate_pod_specific_annotations(as_dict(meta.get("annotations")), spec, path.child("annotations"), opts)
    errs += validate_pod_spec(spec, None, path.child("spec"), opts)
    errs += validate_seccomp_annotations_and_fields(meta, spec, path.child("spec"))
    errs += validate_app_armor_annotations_and_fields(meta, spec, path.child("spec"))
    if dicts(spec.get("ephemeralContainers")):
        errs.append(field.forbidden(path.child("spec", "ephemeralContainers"),
                                    "ephemeral containers not allowed in pod template"))
    return errs
