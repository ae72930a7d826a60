"""ValidatePodCreate / ValidatePodSpec: invalid pods and the exact upstream message and field path.

Each case starts from a valid pod, changes one thing, defaults it as a request body is
defaulted, and expects exactly the listed errors (rendered as upstream's field.Error).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from kapiserver.apimachinery import field
from kapiserver.registry.core.podspec import (
    set_defaults_pod,
    validate_pod_create,
    validate_pod_template_spec,
    validation_options,
)

DNS_LABEL = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
             "and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
             "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
DNS_SUBDOMAIN = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                 "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                 "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
PORT_RANGE = "must be between 1 and 65535, inclusive"


def base() -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}}


def errors_of(change: Callable[[dict[str, Any]], None]) -> list[str]:
    obj = base()
    change(obj)
    set_defaults_pod(obj)
    opts = validation_options(obj["spec"], None, obj["metadata"], None, resource_is_pod=True)
    return [str(e) for e in validate_pod_create(obj, opts)]


def spec(**fields: Any) -> Callable[[dict[str, Any]], None]:
    return lambda obj: obj["spec"].update(copy.deepcopy(fields))


def ctr(**fields: Any) -> Callable[[dict[str, Any]], None]:
    return lambda obj: obj["spec"]["containers"][0].update(copy.deepcopy(fields))


def test_valid_pod_has_no_errors() -> None:
    assert errors_of(lambda obj: None) == []


CASES: list[tuple[str, Callable[[dict[str, Any]], None], list[str]]] = [
    ("no containers", spec(containers=[]), ["spec.containers: Required value"]),
    ("container name missing", ctr(name=""), ["spec.containers[0].name: Required value"]),
    ("container name not a DNS label", ctr(name="Web_1"),
     [f'spec.containers[0].name: Invalid value: "Web_1": {DNS_LABEL}']),
    ("image missing", ctr(image=""), ["spec.containers[0].image: Required value"]),
    ("image with spaces", ctr(image=" nginx"),
     ['spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace']),
    ("duplicate container names", spec(containers=[{"name": "a", "image": "x"}, {"name": "a", "image": "y"}]),
     ['spec.containers[1].name: Duplicate value: "a"']),
    ("init name clashes with container", spec(initContainers=[{"name": "c", "image": "x"}]),
     ['spec.initContainers[0].name: Duplicate value: "c"']),
    ("port out of range", ctr(ports=[{"containerPort": 70000}]),
     [f"spec.containers[0].ports[0].containerPort: Invalid value: 70000: {PORT_RANGE}"]),
    ("port missing", ctr(ports=[{"name": "http"}]), ["spec.containers[0].ports[0].containerPort: Required value"]),
    ("host port out of range", ctr(ports=[{"containerPort": 80, "hostPort": -1}]),
     [f"spec.containers[0].ports[0].hostPort: Invalid value: -1: {PORT_RANGE}"]),
    ("duplicate port names", ctr(ports=[{"name": "web", "containerPort": 80}, {"name": "web", "containerPort": 81}]),
     ['spec.containers[0].ports[1].name: Duplicate value: "web"']),
    ("bad port name", ctr(ports=[{"name": "Web", "containerPort": 80}]),
     [('spec.containers[0].ports[0].name: Invalid value: "Web": must contain only alpha-numeric characters '
      '(a-z, 0-9), and hyphens (-)')]),
    ("bad protocol", ctr(ports=[{"containerPort": 80, "protocol": "HTTP"}]),
     ['spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"']),
    ("host port conflict", spec(containers=[
        {"name": "a", "image": "x", "ports": [{"containerPort": 80, "hostPort": 8080}]},
        {"name": "b", "image": "x", "ports": [{"containerPort": 81, "hostPort": 8080}]}]),
     ['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"']),
    ("env name missing", ctr(env=[{"value": "x"}]), ["spec.containers[0].env[0].name: Required value"]),
    ("env name with =", ctr(env=[{"name": "A=B"}]),
     [('spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only '
      "of printable ASCII characters other than '='")]),
    ("env valueFrom empty", ctr(env=[{"name": "A", "valueFrom": {}}]),
     [('spec.containers[0].env[0].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, '
      "`configMapKeyRef` or `secretKeyRef`")]),
    ("env value and valueFrom", ctr(env=[{"name": "A", "value": "x",
                                          "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]),
     ['spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty']),
    ("env bad field path", ctr(env=[{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "spec.restartPolicy"}}}]),
     [('spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.restartPolicy": supported '
      'values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", '
      '"status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"')]),
    ("env unknown field label", ctr(env=[{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "metadata.foo"}}}]),
     [('spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Invalid value: "metadata.foo": error converting '
      "fieldPath: field label not supported: metadata.foo")]),
    ("env configMapKeyRef without key", ctr(env=[{"name": "A", "valueFrom": {"configMapKeyRef": {"name": "m"}}}]),
     ["spec.containers[0].env[0].valueFrom.configMapKeyRef.key: Required value"]),
    ("env resourceFieldRef bad divisor", ctr(env=[{"name": "A", "valueFrom": {"resourceFieldRef": {
        "resource": "limits.cpu", "divisor": "2"}}}]),
     [('spec.containers[0].env[0].valueFrom.resourceFieldRef.divisor: Invalid value: "limits.cpu": only divisor\'s '
      "values 1m and 1 are supported with the cpu resource")]),
    ("envFrom without source", ctr(envFrom=[{"prefix": "P_"}]),
     ['spec.containers[0].envFrom: Invalid value: "": must specify one of: `configMapRef` or `secretRef`']),
    ("mount of unknown volume", ctr(volumeMounts=[{"name": "v", "mountPath": "/v"}]),
     ['spec.containers[0].volumeMounts[0].name: Not found: "v"']),
    ("mount path missing", lambda obj: (obj["spec"].update(volumes=[{"name": "v"}]),
                                        obj["spec"]["containers"][0].update(volumeMounts=[{"name": "v"}])),
     ["spec.containers[0].volumeMounts[0].mountPath: Required value"]),
    ("duplicate mount path", lambda obj: (obj["spec"].update(volumes=[{"name": "v"}, {"name": "w"}]),
                                          obj["spec"]["containers"][0].update(volumeMounts=[
                                              {"name": "v", "mountPath": "/a"}, {"name": "w", "mountPath": "/a"}])),
     ['spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/a": must be unique']),
    ("subPath with ..", lambda obj: (obj["spec"].update(volumes=[{"name": "v"}]),
                                     obj["spec"]["containers"][0].update(volumeMounts=[
                                         {"name": "v", "mountPath": "/a", "subPath": "../x"}])),
     ['spec.containers[0].volumeMounts.subPath: Invalid value: "../x": must not contain \'..\'']),
    ("requests above limits", ctr(resources={"limits": {"cpu": "1"}, "requests": {"cpu": "2"}}),
     ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1']),
    ("negative quantity", ctr(resources={"requests": {"memory": "-1"}}),
     ['spec.containers[0].resources.requests[memory]: Invalid value: "-1": must be greater than or equal to 0']),
    ("unknown resource name (requests defaulted from limits)", ctr(resources={"limits": {"gpu": "1"}}),
     [f'spec.containers[0].resources.{kind}[gpu]: Invalid value: "gpu": {message}'
      for kind in ("limits", "requests")
      for message in ("must be a standard resource type or fully qualified",
                      "must be a standard resource for containers")]),
    ("extended resource not whole", ctr(resources={"limits": {"example.com/gpu": "1500m"},
                                                   "requests": {"example.com/gpu": "1500m"}}),
     [('spec.containers[0].resources.limits[example.com/gpu]: Invalid value: "1500m": must be an integer'),
      ('spec.containers[0].resources.requests[example.com/gpu]: Invalid value: "1500m": must be an integer')]),
    ("hugepages without cpu or memory", ctr(resources={"limits": {"hugepages-2Mi": "2Mi"}}),
     ["spec.containers[0].resources: Forbidden: HugePages require cpu or memory"]),
    ("probe without handler", ctr(livenessProbe={"initialDelaySeconds": 1}),
     ["spec.containers[0].livenessProbe: Required value: must specify a handler type"]),
    ("probe with two handlers", ctr(readinessProbe={"exec": {"command": ["true"]}, "tcpSocket": {"port": 80}}),
     ["spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"]),
    ("exec probe without command", ctr(livenessProbe={"exec": {}}),
     ["spec.containers[0].livenessProbe.exec.command: Required value"]),
    ("liveness success threshold", ctr(livenessProbe={"tcpSocket": {"port": 80}, "successThreshold": 2}),
     ["spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"]),
    ("negative probe period", ctr(startupProbe={"tcpSocket": {"port": 80}, "periodSeconds": -1}),
     ["spec.containers[0].startupProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0"]),
    ("http probe bad scheme", ctr(livenessProbe={"httpGet": {"port": 80, "scheme": "FTP"}}),
     [('spec.containers[0].livenessProbe.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", '
      '"HTTPS"')]),
    ("named probe port invalid", ctr(livenessProbe={"tcpSocket": {"port": "80"}}),
     [('spec.containers[0].livenessProbe.tcpSocket.port: Invalid value: "80": must contain at least one letter '
      "(a-z)")]),
    ("sleep longer than grace", ctr(lifecycle={"preStop": {"sleep": {"seconds": 60}}}),
     [("spec.containers[0].lifecycle.preStop.sleep: Invalid value: 60: must be non-negative and less than "
      "terminationGracePeriodSeconds (30)")]),
    ("pull policy", ctr(imagePullPolicy="Sometimes"),
     [('spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", '
      '"IfNotPresent", "Never"')]),
    ("termination message policy", ctr(terminationMessagePolicy="Log"),
     [('spec.containers[0].terminationMessagePolicy: Unsupported value: "Log": supported values: "File", '
      '"FallbackToLogsOnError"')]),
    ("init container probe", spec(initContainers=[{"name": "i", "image": "x", "readinessProbe": {
        "tcpSocket": {"port": 1}}}]),
     [("spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without "
      "restartPolicy=Always")]),
    ("init restart policy", spec(initContainers=[{"name": "i", "image": "x", "restartPolicy": "Never"}]),
     ['spec.initContainers[0].restartPolicy: Unsupported value: "Never": supported values: "Always"']),
    ("ephemeral containers on create", spec(ephemeralContainers=[{"name": "e", "image": "x"}]),
     ["spec.ephemeralContainers: Forbidden: cannot be set on create"]),
    ("restart policy", spec(restartPolicy="Sometimes"),
     ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']),
    ("dns policy", spec(dnsPolicy="Cluster"),
     [('spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", "ClusterFirst", '
      '"Default", "None"')]),
    ("dns none without config", spec(dnsPolicy="None"),
     ["spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"]),
    ("node selector value", spec(nodeSelector={"disk": "ssd!"}),
     [('spec.nodeSelector: Invalid value: "ssd!": a valid label must be an empty string or consist of alphanumeric '
      "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
      "'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")]),
    ("volume name duplicate", spec(volumes=[{"name": "v"}, {"name": "v"}]),
     ['spec.volumes[1].name: Duplicate value: "v"']),
    ("volume name missing", spec(volumes=[{"emptyDir": {}}]), ["spec.volumes[0].name: Required value"]),
    ("volume with two sources", spec(volumes=[{"name": "v", "emptyDir": {}, "configMap": {"name": "m"}}]),
     ["spec.volumes[0].configMap: Forbidden: may not specify more than 1 volume type"]),
    ("secret volume without name", spec(volumes=[{"name": "v", "secret": {}}]),
     ["spec.volumes[0].secret.secretName: Required value"]),
    ("configMap bad mode", spec(volumes=[{"name": "v", "configMap": {"name": "m", "defaultMode": 1000}}]),
     [("spec.volumes[0].configMap.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), "
      "both inclusive")]),
    ("hostPath bad type", spec(volumes=[{"name": "v", "hostPath": {"path": "/x", "type": "Dir"}}]),
     [('spec.volumes[0].hostPath.type: Unsupported value: "Dir": supported values: "", "BlockDevice", "CharDevice", '
      '"Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"')]),
    ("pvc without claim", spec(volumes=[{"name": "v", "persistentVolumeClaim": {}}]),
     ["spec.volumes[0].persistentVolumeClaim.claimName: Required value"]),
    ("toleration operator", spec(tolerations=[{"key": "k", "operator": "In"}]),
     ['spec.tolerations[0].operator: Unsupported value: "In": supported values: "Equal", "Exists"']),
    ("toleration seconds without NoExecute", spec(tolerations=[{"key": "k", "operator": "Exists",
                                                                 "effect": "NoSchedule", "tolerationSeconds": 5}]),
     [('spec.tolerations[0].effect: Invalid value: "NoSchedule": effect must be \'NoExecute\' when '
      "`tolerationSeconds` is set")]),
    ("toleration empty key", spec(tolerations=[{"operator": "Equal", "value": "v"}]),
     [('spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which '
      'means "match all values and all keys"')]),
    ("hostname", spec(hostname="My.Host"), [f'spec.hostname: Invalid value: "My.Host": {DNS_LABEL}']),
    ("subdomain", spec(subdomain="a_b"), [f'spec.subdomain: Invalid value: "a_b": {DNS_LABEL}']),
    ("active deadline", spec(activeDeadlineSeconds=0),
     ["spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"]),
    ("node name", spec(nodeName="Node_1"), [f'spec.nodeName: Invalid value: "Node_1": {DNS_SUBDOMAIN}']),
    ("service account name", spec(serviceAccountName="SA"),
     [f'spec.serviceAccountName: Invalid value: "SA": {DNS_SUBDOMAIN}']),
    ("priority class name", spec(priorityClassName="High"),
     [f'spec.priorityClassName: Invalid value: "High": {DNS_SUBDOMAIN}']),
    ("preemption policy", spec(preemptionPolicy="Sometimes"),
     ['spec.preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"']),
    ("negative run as user", spec(securityContext={"runAsUser": -1}),
     ["spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive"]),
    ("privileged container", ctr(securityContext={"privileged": True}),
     ["spec.containers[0].securityContext.privileged: Forbidden: disallowed by cluster policy"]),
    ("seccomp without type", spec(securityContext={"seccompProfile": {}}),
     ["spec.securityContext.seccompProfile.type: Required value: type is required when seccompProfile is set"]),
    ("share pid with host pid", spec(hostPID=True, shareProcessNamespace=True),
     [("spec.securityContext.shareProcessNamespace: Invalid value: true: ShareProcessNamespace and HostPID cannot "
      "both be enabled")]),
    ("hostNetwork with a different host port", spec(hostNetwork=True, containers=[
        {"name": "c", "image": "x", "ports": [{"containerPort": 80, "hostPort": 81}]}]),
     [("spec.containers[0].ports[0].hostPort: Invalid value: 81: must match `containerPort` when `hostNetwork` is "
      "true")]),
    ("sysctl with host network", spec(hostNetwork=True, securityContext={"sysctls": [
        {"name": "net.core.somaxconn", "value": "1"}]}),
     [('spec.securityContext.sysctls[0].name: Invalid value: "net.core.somaxconn": may not be specified when '
      "'hostNetwork' is true")]),
    ("os name", spec(os={"name": "plan9"}),
     ['spec.os: Unsupported value: "plan9": supported values: "linux", "windows"']),
    ("node affinity without terms", spec(affinity={"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": []}}}),
     [("spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: "
      "must have at least one node selector term")]),
    ("node selector operator", spec(affinity={"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [{"key": "k", "operator": "Equals", "values": ["v"]}]}]}}}),
     [('spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]'
      '.matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator')]),
    ("pod affinity without topology key", spec(affinity={"podAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {"matchLabels": {"a": "b"}}}]}}),
     [("spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can "
      "not be empty"),
      ('spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: "": '
      "name part must be non-empty"),
      ('spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: "": '
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
      "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
      "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")]),
    ("topology spread max skew", spec(topologySpreadConstraints=[{"maxSkew": 0, "topologyKey": "zone",
                                                                  "whenUnsatisfiable": "DoNotSchedule",
                                                                  "labelSelector": {}}]),
     ["spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero"]),
    ("scheduling gates with node name", spec(nodeName="n1", schedulingGates=[{"name": "g"}]),
     ["spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared"]),
    ("image pull secret with extra field", spec(imagePullSecrets=[{"name": "s", "extra": 1}]),
     ['spec.imagePullSecrets[0]: Invalid value: {"Name":"s"}: only name may be set']),
    ("token projection without service account", spec(volumes=[{"name": "t", "projected": {"sources": [
        {"serviceAccountToken": {"path": "token"}}]}}]),
     [("spec.volumes[0].projected.sources[0].serviceAccountToken: Forbidden: must not be specified when "
      "serviceAccountName is not set")]),
    ("pod name", lambda obj: obj["metadata"].update(name="Pod"),
     [f'metadata.name: Invalid value: "Pod": {DNS_SUBDOMAIN}']),
    ("finalizer not qualified", lambda obj: obj["metadata"].update(finalizers=["custom"]),
     [('metadata.finalizers[0]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully '
      "qualified")]),
    ("deletion cost", lambda obj: obj["metadata"].update(annotations={
        "controller.kubernetes.io/pod-deletion-cost": "+1"}),
     [('metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "+1": must be a 32bit '
      "integer")]),
    ("seccomp annotation", lambda obj: obj["metadata"].update(annotations={
        "seccomp.security.alpha.kubernetes.io/pod": "default"}),
     [('metadata.annotations.seccomp.security.alpha.kubernetes.io/pod: Invalid value: "default": must be a valid '
      "seccomp profile")]),
    ("apparmor annotation for unknown container", lambda obj: obj["metadata"].update(annotations={
        "container.apparmor.security.beta.kubernetes.io/x": "runtime/default"}),
     [('metadata.annotations[container.apparmor.security.beta.kubernetes.io/x]: Invalid value: "x": container not '
      "found")]),
]


@pytest.mark.parametrize(("change", "expected"), [(c, e) for _, c, e in CASES], ids=[n for n, _, _ in CASES])
def test_invalid_pods(change: Callable[[dict[str, Any]], None], expected: list[str]) -> None:
    assert errors_of(change) == expected


def test_error_types_reach_status_causes() -> None:
    obj = base()
    obj["spec"]["containers"][0]["image"] = ""
    set_defaults_pod(obj)
    (err,) = validate_pod_create(obj, validation_options(obj["spec"], None, obj["metadata"], None, True))
    assert (err.type, err.field, err.body()) == ("FieldValueRequired", "spec.containers[0].image", "Required value")


def test_template_spec_rules() -> None:
    template = {"metadata": {"labels": {"app": "x"}}, "spec": {"containers": [{"name": "c", "image": "x"}],
                                                               "ephemeralContainers": [{"name": "e", "image": "x"}]}}
    from kapiserver.registry.core.podspec import set_defaults_pod_spec

    set_defaults_pod_spec(template["spec"])
    opts = validation_options(template["spec"], None, template["metadata"], None)
    errs = [str(e) for e in validate_pod_template_spec(template, field.new_path("spec", "template"), opts)]
    assert errs == [("spec.template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod "
                    "template")]


def test_template_host_port_zero_is_allowed_with_host_network() -> None:
    template = {"spec": {"hostNetwork": True, "containers": [{"name": "c", "image": "x",
                                                              "ports": [{"containerPort": 80}]}]}}
    from kapiserver.registry.core.podspec import set_defaults_pod_spec

    set_defaults_pod_spec(template["spec"])
    opts = validation_options(template["spec"], None, {}, None)
    assert validate_pod_template_spec(template, field.new_path("template"), opts) == []
