"""What the pod strategy changes on create and update besides defaults (upstream
podStrategy.PrepareForCreate helpers and pkg/api/pod DropDisabledPodFields).

- fields of features that are off in v1.35 are dropped unless the old object uses them;
- a pod created with scheduling gates gets a PodScheduled=False/SchedulingGated condition;
- matchLabelKeys/mismatchLabelKeys are merged into affinity and topology-spread selectors;
- deprecated AppArmor annotations are copied into the fields (with a warning).
"""

from __future__ import annotations

from kapiserver.apimachinery import field, timefmt
from kapiserver.apimachinery.types import Object

from .podspec import features, helpers
from .podspec.access import as_dict, as_str, dicts, strings
from .podspec.validation_security import validate_app_armor_profile_field

APPARMOR_PREFIX = "container.apparmor.security.beta.kubernetes.io/"


def _uses(spec: Object | None, predicate: object) -> bool:
    return spec is not None and bool(predicate(spec))  # type: ignore[operator]


def _env_sources(spec: Object) -> list[Object]:
    sources = []
    for container, _ in helpers.visit_containers(spec):
        for env in dicts(container.get("env")):
            if isinstance(env.get("valueFrom"), dict):
                sources.append(env["valueFrom"])
    return sources


def _projections(spec: Object) -> list[Object]:
    out = []
    for volume in dicts(spec.get("volumes")):
        out += dicts(as_dict(volume.get("projected")).get("sources"))
    return out


def drop_disabled_pod_fields(spec: Object, old_spec: Object | None) -> None:
    """upstream dropDisabledFields for the v1.35 gates that are off by default."""
    if not features.enabled("EnvFiles") and not _uses(old_spec, lambda s: any(
            "fileKeyRef" in src for src in _env_sources(s))):
        for source in _env_sources(spec):
            source.pop("fileKeyRef", None)
    if not features.enabled("HostnameOverride") and not _uses(old_spec, lambda s: s.get("hostnameOverride")):
        spec.pop("hostnameOverride", None)
    if not features.enabled("ContainerRestartRules") and not _uses(old_spec, lambda s: any(
            c.get("restartPolicyRules") for c, _ in helpers.visit_containers(s))):
        for container, _ in helpers.visit_containers(spec):
            container.pop("restartPolicyRules", None)
    for key, gate in (("podCertificate", "PodCertificateRequest"),
                      ("clusterTrustBundle", "ClusterTrustBundleProjection")):
        if features.enabled(gate) or _uses(old_spec, lambda s, k=key: any(k in p for p in _projections(s))):
            continue
        for volume in dicts(spec.get("volumes")):
            projected = volume.get("projected")
            if isinstance(projected, dict) and isinstance(projected.get("sources"), list):
                projected["sources"] = [p for p in projected["sources"] if not (isinstance(p, dict) and key in p)]
    if not _uses(old_spec, lambda s: s.get("workloadRef")):
        spec.pop("workloadRef", None)


def apply_scheduling_gated_condition(pod: Object) -> None:
    spec, status = as_dict(pod.get("spec")), pod.setdefault("status", {})
    if not dicts(spec.get("schedulingGates")) or helpers.pod_condition(status, "PodScheduled") is not None:
        return
    helpers.update_pod_condition(status, {"type": "PodScheduled", "status": "False", "reason": "SchedulingGated",
                                          "message": "Scheduling is blocked due to non-empty scheduling gates"},
                                 timefmt.now_rfc3339())


def _apply_label_keys(selector: Object, keys: list[str], operator: str, labels: Object) -> None:
    for key in keys:
        if key in labels:
            selector.setdefault("matchExpressions", []).append(
                {"key": key, "operator": operator, "values": [labels[key]]})


def mutate_pod_affinity(pod: Object) -> None:
    if not features.enabled("MatchLabelKeysInPodAffinity"):
        return
    labels = as_dict(as_dict(pod.get("metadata")).get("labels"))
    affinity = as_dict(as_dict(pod.get("spec")).get("affinity"))
    for kind in ("podAffinity", "podAntiAffinity"):
        section = as_dict(affinity.get(kind))
        terms = [as_dict(w.get("podAffinityTerm"))
                 for w in dicts(section.get("preferredDuringSchedulingIgnoredDuringExecution"))]
        terms += dicts(section.get("requiredDuringSchedulingIgnoredDuringExecution"))
        for term in terms:
            selector = term.get("labelSelector")
            if not isinstance(selector, dict):
                continue
            _apply_label_keys(selector, strings(term.get("matchLabelKeys")), "In", labels)
            _apply_label_keys(selector, strings(term.get("mismatchLabelKeys")), "NotIn", labels)


def mutate_topology_spread_constraints(pod: Object) -> None:
    if not (features.enabled("MatchLabelKeysInPodTopologySpread")
            and features.enabled("MatchLabelKeysInPodTopologySpreadSelectorMerge")):
        return
    labels = as_dict(as_dict(pod.get("metadata")).get("labels"))
    for constraint in dicts(as_dict(pod.get("spec")).get("topologySpreadConstraints")):
        selector = constraint.get("labelSelector")
        if isinstance(selector, dict):
            _apply_label_keys(selector, strings(constraint.get("matchLabelKeys")), "In", labels)


def _app_armor_field(annotation: str) -> Object | None:
    if annotation == "runtime/default":
        return {"type": "RuntimeDefault"}
    if annotation == "unconfined":
        return {"type": "Unconfined"}
    if annotation.startswith("localhost/"):
        return {"type": "Localhost", "localhostProfile": annotation[len("localhost/"):]}
    return None


def apply_app_armor_version_skew(pod: Object) -> list[str]:
    """Copy deprecated AppArmor annotations into the fields; returns the warnings to send."""
    spec = as_dict(pod.get("spec"))
    if as_dict(spec.get("os")).get("name") == "windows":
        return []
    warnings = []
    annotations = as_dict(as_dict(pod.get("metadata")).get("annotations"))
    pod_profile = as_dict(spec.get("securityContext")).get("appArmorProfile")
    for container, _ in helpers.visit_containers(spec):
        key = APPARMOR_PREFIX + as_str(container.get("name"))
        if key not in annotations or as_dict(container.get("securityContext")).get("appArmorProfile") is not None:
            continue
        profile = _app_armor_field(as_str(annotations[key]))
        if profile is not None and validate_app_armor_profile_field(profile, field.ROOT):
            profile = None
        warn = profile is None
        if profile is not None and profile != pod_profile:
            if not isinstance(container.get("securityContext"), dict):
                container["securityContext"] = {}
            container["securityContext"]["appArmorProfile"] = profile
            warn = True
        if warn:
            path = field.new_path("metadata", "annotations").key(key)
            warnings.append(f'{path}: deprecated since v1.30; use the "appArmorProfile" field instead')
    return warnings
