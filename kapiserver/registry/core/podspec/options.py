"""PodValidationOptions (upstream pkg/apis/core/validation) and how they are chosen
(upstream pkg/api/pod GetValidationOptionsFromPodSpecAndMeta).

Most options relax a rule for an update whose old object already broke it, so stored
objects written by older servers stay updatable; the rest follow v1.35's feature gates.
"""

from __future__ import annotations

from dataclasses import dataclass

from kapiserver.apimachinery import field, metav1_validation
from kapiserver.apimachinery.types import Object

from . import features, helpers
from .access import as_dict, as_str, dicts


@dataclass(slots=True)
class PodValidationOptions:
    allow_invalid_pod_deletion_cost: bool = False
    allow_invalid_label_value_in_selector: bool = False
    allow_indivisible_huge_pages_values: bool = False
    allow_invalid_topology_spread_constraint_label_selector: bool = False
    allow_non_local_projected_token_path: bool = False
    allow_namespaced_sysctls_for_host_net_and_host_ipc: bool = False
    # The top-level object is a Pod, not a PodSpec inside a template.
    resource_is_pod: bool = False
    allow_relaxed_environment_variable_validation: bool = True
    allow_relaxed_dns_search_validation: bool = True
    allow_pod_lifecycle_sleep_action_zero_value: bool = True
    allow_only_recursive_selinux_change_policy: bool = False
    pod_level_resources_enabled: bool = True
    allow_sidecar_resize_policy: bool = True
    allow_invalid_label_value_in_required_node_affinity: bool = False


def deletion_cost_error(annotations: Object) -> str | None:
    """upstream GetDeletionCostFromPodAnnotations: why the annotation is not an int32."""
    value = annotations.get("controller.kubernetes.io/pod-deletion-cost")
    if value is None:
        return None
    text = as_str(value)
    if not text or not (text[0] == "-" or text == "0" or "1" <= text[0] <= "9"):
        return f"invalid value {text!r}"
    try:
        number = int(text, 10)
    except ValueError:
        return "invalid syntax"
    if not -(2**31) <= number < 2**31:
        return "value out of range"
    return None


def _selector_has_invalid_value(selector: object) -> bool:
    return metav1_validation.label_selector_has_invalid_label_value(selector if isinstance(selector, dict) else None)


def _affinity_terms(spec: Object) -> list[Object]:
    affinity = as_dict(spec.get("affinity"))
    terms: list[Object] = []
    for kind in ("podAffinity", "podAntiAffinity"):
        section = as_dict(affinity.get(kind))
        terms += dicts(section.get("requiredDuringSchedulingIgnoredDuringExecution"))
        terms += [as_dict(w.get("podAffinityTerm"))
                  for w in dicts(section.get("preferredDuringSchedulingIgnoredDuringExecution"))]
    return terms


def has_invalid_label_value_in_affinity_selector(spec: Object) -> bool:
    return any(_selector_has_invalid_value(term.get("labelSelector"))
               or _selector_has_invalid_value(term.get("namespaceSelector")) for term in _affinity_terms(spec))


def has_invalid_label_value_in_required_node_affinity(spec: Object) -> bool:
    from kapiserver.apimachinery import validation

    required = as_dict(as_dict(as_dict(spec.get("affinity")).get("nodeAffinity")).get(
        "requiredDuringSchedulingIgnoredDuringExecution"))
    for term in dicts(required.get("nodeSelectorTerms")):
        for requirement in dicts(term.get("matchExpressions")):
            if any(validation.is_valid_label_value(as_str(v)) for v in requirement.get("values") or []):
                return True
    return False


def _uses_indivisible_huge_pages(spec: Object) -> bool:
    lists = []
    for container, _ in helpers.visit_containers(spec):
        resources = as_dict(container.get("resources"))
        lists += [resources.get("limits"), resources.get("requests")]
    lists.append(spec.get("overhead"))
    for amounts in lists:
        for name, value in helpers.resource_list(amounts).items():
            if helpers.is_huge_page_resource_name(name) and not helpers.is_huge_page_value_divisible(name, value):
                return True
    return False


def _has_invalid_topology_selector(spec: Object) -> bool:
    opts = metav1_validation.LabelSelectorValidationOptions()
    for constraint in dicts(spec.get("topologySpreadConstraints")):
        selector = constraint.get("labelSelector")
        if isinstance(selector, dict) and metav1_validation.validate_label_selector(selector, opts, field.ROOT):
            return True
    return False


def _has_non_local_projected_token_path(spec: Object) -> bool:
    for volume in dicts(spec.get("volumes")):
        for source in dicts(as_dict(volume.get("projected")).get("sources")):
            token = source.get("serviceAccountToken")
            if isinstance(token, dict):
                path = as_str(token.get("path"))
                if path.startswith("/") or ".." in path.split("/"):
                    return True
    return False


def _has_namespaced_sysctls_for_host(spec: Object) -> bool:
    from .validation_security import sysctl_namespace

    for sysctl in dicts(as_dict(spec.get("securityContext")).get("sysctls")):
        namespace = sysctl_namespace(as_str(sysctl.get("name")))
        if (spec.get("hostNetwork") is True and namespace == "net") or (spec.get("hostIPC") is True
                                                                        and namespace == "ipc"):
            return True
    return False


def validation_options(spec: Object, old_spec: Object | None, meta: Object, old_meta: Object | None,
                       resource_is_pod: bool = False) -> PodValidationOptions:
    opts = PodValidationOptions(
        allow_invalid_pod_deletion_cost=not features.enabled("PodDeletionCost"),
        resource_is_pod=resource_is_pod,
        allow_relaxed_environment_variable_validation=features.enabled("RelaxedEnvironmentVariableValidation"),
        allow_relaxed_dns_search_validation=features.enabled("RelaxedDNSSearchValidation"),
        allow_pod_lifecycle_sleep_action_zero_value=features.enabled("PodLifecycleSleepActionAllowZero"),
        allow_only_recursive_selinux_change_policy=not features.enabled("SELinuxChangePolicy"),
        pod_level_resources_enabled=features.enabled("PodLevelResources"),
        allow_sidecar_resize_policy=features.enabled("InPlacePodVerticalScaling"),
    )
    if old_spec is not None:
        opts.allow_indivisible_huge_pages_values = _uses_indivisible_huge_pages(old_spec)
        opts.allow_invalid_label_value_in_selector = has_invalid_label_value_in_affinity_selector(old_spec)
        opts.allow_invalid_topology_spread_constraint_label_selector = _has_invalid_topology_selector(old_spec)
        opts.allow_non_local_projected_token_path = _has_non_local_projected_token_path(old_spec)
        opts.allow_namespaced_sysctls_for_host_net_and_host_ipc = _has_namespaced_sysctls_for_host(old_spec)
        opts.allow_invalid_label_value_in_required_node_affinity = \
            has_invalid_label_value_in_required_node_affinity(old_spec)
    if old_meta is not None and not opts.allow_invalid_pod_deletion_cost:
        opts.allow_invalid_pod_deletion_cost = deletion_cost_error(as_dict(old_meta.get("annotations"))) is not None
    return opts
