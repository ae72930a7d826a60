"""json.Marshal of internal types, as v1.35's field errors print composite bad values."""

from __future__ import annotations

from kapiserver.apimachinery import field
from kapiserver.registry.core import internal_json


def shown(value: object, message: str) -> str:
    return field.render_value(internal_json.marshal(value, message))


def test_untagged_struct_writes_every_field_under_its_go_name() -> None:
    assert shown({"type": "RuntimeDefault", "localhostProfile": "p"}, "core.v1.SeccompProfile") == (
        '{"Type":"RuntimeDefault","LocalhostProfile":"p"}')
    assert shown({"type": "Unconfined"}, "core.v1.SeccompProfile") == '{"Type":"Unconfined","LocalhostProfile":null}'
    assert shown(None, "core.v1.SeccompProfile") == "null"


def test_go_names_that_the_json_name_does_not_spell() -> None:
    text = shown({"targetPortal": "t", "iqn": "q", "chapAuthDiscovery": True}, "core.v1.ISCSIVolumeSource")
    assert text.startswith('{"TargetPortal":"t","IQN":"q","Lun":0,"ISCSIInterface":"","FSType":"","ReadOnly":false,'
                           '"Portals":null,"DiscoveryCHAPAuth":true,"SessionCHAPAuth":false,')


def test_embedded_structs_are_flattened_and_special_types_written_as_json() -> None:
    probe = {"httpGet": {"port": "http", "path": "/"}, "periodSeconds": 10}
    assert shown(probe, "core.v1.Probe") == (
        '{"Exec":null,"HTTPGet":{"Path":"/","Port":"http","Host":"","Scheme":"","HTTPHeaders":null},'
        '"TCPSocket":null,"GRPC":null,"InitialDelaySeconds":0,"TimeoutSeconds":0,"PeriodSeconds":10,'
        '"SuccessThreshold":0,"FailureThreshold":0,"TerminationGracePeriodSeconds":null}')
    resources = {"limits": {"memory": "1Gi", "cpu": "1.5"}}
    assert shown(resources, "core.v1.ResourceRequirements") == (
        '{"Limits":{"cpu":"1500m","memory":"1Gi"},"Requests":null,"Claims":null}')


def test_pod_template_inlines_tagged_object_meta_and_moves_host_fields() -> None:
    template = {"metadata": {"labels": {"b": "2", "a": "1"}, "creationTimestamp": None},
                "spec": {"hostNetwork": True, "serviceAccount": "legacy", "securityContext": {"runAsUser": 1},
                         "containers": [{"name": "c", "image": "i"}]}}
    text = shown(template, "core.v1.PodTemplateSpec")
    assert text.startswith('{"labels":{"a":"1","b":"2"},"Spec":{"Volumes":null,"InitContainers":null,'
                           '"Containers":[{"Name":"c","Image":"i","Command":null,')
    assert '"ServiceAccountName":"legacy","AutomountServiceAccountToken":null,"NodeName":"",' in text
    assert ('"SecurityContext":{"HostNetwork":true,"HostPID":false,"HostIPC":false,"ShareProcessNamespace":null,'
            '"HostUsers":null,"SELinuxOptions":null,"WindowsOptions":null,"RunAsUser":1,') in text
    assert '"HostNetwork":true' not in text.split('"SecurityContext"')[0]
    assert '"Subdomain":"","SetHostnameAsFQDN":null,"Affinity":null,' in text


def test_internal_field_order_differs_from_v1_where_upstream_declares_it_so() -> None:
    context = internal_json.marshal({"fsGroupChangePolicy": "Always", "sysctls": []}, "core.v1.PodSecurityContext")
    keys = list(context)
    assert keys.index("FSGroupChangePolicy") < keys.index("Sysctls")
    volume = internal_json.marshal({"name": "v", "quobyte": {"registry": "r", "volume": "q"}}, "core.v1.Volume")
    names = list(volume)
    assert names[:2] == ["Name", "HostPath"] and names.index("Quobyte") == names.index("RBD") + 1
    token = internal_json.marshal({"path": "t"}, "core.v1.ServiceAccountTokenProjection")
    assert token == {"Audience": "", "ExpirationSeconds": 0, "Path": "t"}


def test_tagged_metav1_types_keep_json_names_and_omitempty() -> None:
    selector = {"matchExpressions": [{"key": "k", "operator": "Exists"}], "matchLabels": {}}
    assert shown(selector, "apis.meta.v1.LabelSelector") == '{"matchExpressions":[{"key":"k","operator":"Exists"}]}'


def test_list_of_structs_and_html_escapes() -> None:
    assert field.render_value(internal_json.marshal_list([{"ip": "<a>"}], "core.v1.PodIP")) == (
        '[{"IP":"\\u003ca\\u003e"}]')
    assert internal_json.marshal_list(None, "core.v1.PodIP") is None
