"""Warnings for pods (upstream podStrategy.WarningsOnCreate and pkg/api/pod GetWarningsForPod).

Warnings never refuse a request: they reach the client as `Warning:` headers, which
kubectl prints. Covered here: the pod name as a hostname, deprecated annotations and
node labels, removed volume plugins, duplicates (host aliases, pull secrets, env vars,
ports), fractional byte quantities, negative grace periods, null label selectors and
legacy IP formats.
"""

from __future__ import annotations

from kapiserver.apimachinery import field, quantity, validation, validation_ip
from kapiserver.apimachinery.types import Object

from .podspec import helpers
from .podspec.access import as_dict, as_int, as_str, dicts

_DEPRECATED_ANNOTATIONS = (
    ("scheduler.alpha.kubernetes.io/critical-pod", "",
     'non-functional in v1.16+; use the "priorityClassName" field instead'),
    ("seccomp.security.alpha.kubernetes.io/pod", "container.seccomp.security.alpha.kubernetes.io/",
     'non-functional in v1.27+; use the "seccompProfile" field instead'),
    ("security.alpha.kubernetes.io/sysctls", "", 'non-functional in v1.11+; use the "sysctls" field instead'),
    ("security.alpha.kubernetes.io/unsafe-sysctls", "", 'non-functional in v1.11+; use the "sysctls" field instead'),
)
DEPRECATED_NODE_LABELS = {
    "beta.kubernetes.io/arch": 'deprecated since v1.14; use "kubernetes.io/arch" instead',
    "beta.kubernetes.io/os": 'deprecated since v1.14; use "kubernetes.io/os" instead',
    "failure-domain.beta.kubernetes.io/region": 'deprecated since v1.17; use "topology.kubernetes.io/region" instead',
    "failure-domain.beta.kubernetes.io/zone": 'deprecated since v1.17; use "topology.kubernetes.io/zone" instead',
    "beta.kubernetes.io/instance-type": 'deprecated since v1.17; use "node.kubernetes.io/instance-type" instead',
}
_VOLUME_NOTICES = (
    ("photonPersistentDisk", "non-functional in v1.16+"), ("gitRepo", "deprecated in v1.11"),
    ("scaleIO", "non-functional in v1.22+"), ("flocker", "deprecated in v1.22, non-functional in v1.25+"),
    ("storageos", "deprecated in v1.22, non-functional in v1.25+"),
    ("quobyte", "deprecated in v1.22, non-functional in v1.25+"),
    ("glusterfs", "deprecated in v1.25, non-functional in v1.26+"),
    ("cephfs", "deprecated in v1.28, non-functional in v1.31+"), ("rbd", "deprecated in v1.28, non-functional in v1.31+"),
)


def warnings_on_create(pod: Object) -> list[str]:
    warnings = []
    name = as_str(as_dict(pod.get("metadata")).get("name"))
    problems = validation.is_dns1123_label(name)
    if problems:
        warnings.append("metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; "
                        f"a DNS label is recommended: [{' '.join(problems)}]")
    return warnings + warnings_for_pod_spec_and_meta(field.NIL, as_dict(pod.get("spec")), as_dict(pod.get("metadata")))


def _node_label_warnings(spec: Object, base: field.Path) -> list[str]:
    warnings = []
    for key in as_dict(spec.get("nodeSelector")):
        if key in DEPRECATED_NODE_LABELS:
            warnings.append(f"{base.child('spec', 'nodeSelector').key(key)}: {DEPRECATED_NODE_LABELS[key]}")
    node_affinity = as_dict(as_dict(spec.get("affinity")).get("nodeAffinity"))
    terms_path = base.child("spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution",
                            "nodeSelectorTerms")
    required = as_dict(node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution"))
    terms = [(term, terms_path.index(i)) for i, term in enumerate(dicts(required.get("nodeSelectorTerms")))]
    preferred_path = base.child("spec", "affinity", "nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution")
    terms += [(as_dict(t.get("preference")), preferred_path.index(i).child("preference"))
              for i, t in enumerate(dicts(node_affinity.get("preferredDuringSchedulingIgnoredDuringExecution")))]
    for term, path in terms:
        for j, expression in enumerate(dicts(term.get("matchExpressions"))):
            key = as_str(expression.get("key"))
            if key in DEPRECATED_NODE_LABELS:
                warnings.append(f"{path.child('matchExpressions').index(j).child('key')}: {key} is "
                                f"{DEPRECATED_NODE_LABELS[key]}")
    for i, constraint in enumerate(dicts(spec.get("topologySpreadConstraints"))):
        path = base.child("spec", "topologySpreadConstraints").index(i)
        key = as_str(constraint.get("topologyKey"))
        if key in DEPRECATED_NODE_LABELS:
            warnings.append(f"{path.child('topologyKey')}: {key} is {DEPRECATED_NODE_LABELS[key]}")
        if constraint.get("labelSelector") is None:
            warnings.append(f"{path.child('labelSelector')}: a null labelSelector results in matching no pod")
    return warnings


def _duplicate_warnings(spec: Object, base: field.Path) -> list[str]:
    warnings = []
    seen: set[str] = set()
    for i, alias in enumerate(dicts(spec.get("hostAliases"))):
        ip = as_str(alias.get("ip"))
        if ip in seen and len(dicts(spec.get("hostAliases"))) > 1:
            warnings.append(f"{base.child('spec', 'hostAliases').index(i).child('ip')}: duplicate ip {field.go_quote(ip)}")
        seen.add(ip)
    secrets = dicts(spec.get("imagePullSecrets"))
    seen = set()
    for i, secret in enumerate(secrets):
        name = as_str(secret.get("name"))
        if name in seen and len(secrets) > 1:
            warnings.append(f"{base.child('spec', 'imagePullSecrets').index(i).child('name')}: duplicate name "
                            f"{field.go_quote(name)}")
        seen.add(name)
    for i, secret in enumerate(secrets):
        if not as_str(secret.get("name")):
            warnings.append(f"{base.child('spec', 'imagePullSecrets').index(i).child('name')}: invalid empty name \"\"")
    return warnings


def _fractional_bytes(amounts: object, path: field.Path) -> list[str]:
    warnings = []
    parsed = helpers.resource_list(amounts)
    for name in ("memory", "ephemeral-storage"):
        if name in parsed and quantity.milli_value(parsed[name]) % 1000 != 0:
            warnings.append(f"{path.key(name)}: fractional byte value "
                            f"{field.go_quote(quantity.canonical(parsed[name]))} is invalid, must be an integer")
    return warnings


def _container_warnings(spec: Object, base: field.Path) -> list[str]:
    warnings = []
    for container, path in helpers.visit_containers(spec, base.child("spec")):
        resources = as_dict(container.get("resources"))
        warnings += _fractional_bytes(resources.get("limits"), path.child("resources", "limits"))
        warnings += _fractional_bytes(resources.get("requests"), path.child("resources", "requests"))
        names: set[str] = set()
        for i, env in enumerate(dicts(container.get("env"))):
            name, value = as_str(env.get("name")), as_str(env.get("value"))
            if name in names:
                ref = f"$({name})"
                if env.get("valueFrom") is not None or value == ref or ref not in value:
                    warnings.append(f"{path.child('env').index(i)}: hides previous definition of "
                                    f"{field.go_quote(name)}, which may be dropped when using apply")
            names.add(name)
    return warnings


def _port_text(port: Object) -> str:
    return (f"{{Name:{as_str(port.get('name'))} HostPort:{as_int(port.get('hostPort'))} "
            f"ContainerPort:{as_int(port.get('containerPort'))} Protocol:{as_str(port.get('protocol'))} "
            f"HostIP:{as_str(port.get('hostIP'))}}}")


def _port_warnings(spec: Object, base: field.Path) -> list[str]:
    warnings = []
    seen: dict[str, list[tuple[field.Path, Object]]] = {}
    for container, path in helpers.visit_containers(spec, base.child("spec")):
        for i, port in enumerate(dicts(container.get("ports"))):
            here = path.child("ports").index(i)
            host_ip, host_port = as_str(port.get("hostIP")), as_int(port.get("hostPort"))
            if host_ip and host_port == 0:
                warnings.append(f"{here}: hostIP set without hostPort: {_port_text(port)}")
            key = f"{as_str(port.get('protocol'))}/{as_int(port.get('containerPort'))}"
            for other_path, other in seen.get(key, []):
                other_ip, other_port = as_str(other.get("hostIP")), as_int(other.get("hostPort"))
                if host_ip == other_ip and host_port == other_port:
                    warnings.append(f"{here}: duplicate port definition with {other_path}")
                elif host_port == 0 or other_port == 0:
                    warnings.append(f"{here}: overlapping port definition with {other_path}")
                elif host_port == other_port and (not host_ip) != (not other_ip):
                    warnings.append(f"{here}: dangerously ambiguous port definition with {other_path}")
            seen.setdefault(key, []).append((here, port))
    return warnings


def warnings_for_pod_spec_and_meta(base: field.Path, spec: Object, meta: Object) -> list[str]:
    warnings = _node_label_warnings(spec, base)
    annotations = as_dict(meta.get("annotations"))
    for key, prefix, message in _DEPRECATED_ANNOTATIONS:
        if key in annotations:
            warnings.append(f"{base.child('metadata', 'annotations').key(key)}: {message}")
        if prefix:
            for name in annotations:
                if name.startswith(prefix):
                    warnings.append(f"{base.child('metadata', 'annotations').key(name)}: {message}")
                    break
    for i, volume in enumerate(dicts(spec.get("volumes"))):
        for source, notice in _VOLUME_NOTICES:
            if volume.get(source) is not None:
                warnings.append(f"{base.child('spec', 'volumes').index(i).child(source)}: {notice}")
    warnings += _duplicate_warnings(spec, base)
    warnings += _fractional_bytes(spec.get("overhead"), base.child("spec", "overhead"))
    warnings += _container_warnings(spec, base)
    warnings += _port_warnings(spec, base)
    grace = spec.get("terminationGracePeriodSeconds")
    if grace is not None and as_int(grace) < 0:
        warnings.append(f"{base.child('spec', 'terminationGracePeriodSeconds')}: must be >= 0; negative values are "
                        "invalid and will be treated as 1")
    for i, server in enumerate(as_dict(spec.get("dnsConfig")).get("nameservers") or []):
        warnings += validation_ip.get_warnings_for_ip(base.child("spec", "dnsConfig", "nameservers").index(i),
                                                      as_str(server))
    for i, alias in enumerate(dicts(spec.get("hostAliases"))):
        warnings += validation_ip.get_warnings_for_ip(base.child("spec", "hostAliases").index(i).child("ip"),
                                                      as_str(alias.get("ip")))
    return warnings
