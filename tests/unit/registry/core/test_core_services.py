"""Services: SetDefaults_Service, ValidateService variants, prepare helpers, families, printing."""

from __future__ import annotations

from typing import Any

import pytest

from kapiserver.apimachinery import errors, field
from kapiserver.registry.core import services, services_families, services_prepare, services_validation
from kapiserver.registry.rest import RequestContext

CTX = RequestContext(namespace="ns", api_version="v1")


def messages(errs: field.ErrorList) -> list[str]:
    return [str(e) for e in errs]


def svc(spec: dict[str, Any], name: str = "web", **extra: Any) -> dict[str, Any]:
    obj = {"metadata": {"name": name, "namespace": "ns", "resourceVersion": "1"}, "spec": spec}
    obj.update(extra)
    return obj


def defaulted(spec: dict[str, Any]) -> dict[str, Any]:
    """Defaults and IP families as a create settles them; what the families step refuses is
    left for the validation under test to report."""
    obj = svc(spec)
    services.default_service(obj)
    services_prepare.normalize_cluster_ips(obj, None)
    try:
        services_families.init_ip_family_fields(obj, None, ("IPv4",))
    except errors.StatusError:
        pass
    return obj


def test_defaults_for_cluster_ip() -> None:
    obj = svc({"ports": [{"port": 80}, {"port": 443, "targetPort": "https", "protocol": "UDP"}]})
    services.default_service(obj)
    assert obj["spec"] == {"ports": [{"port": 80, "protocol": "TCP", "targetPort": 80},
                                     {"port": 443, "targetPort": "https", "protocol": "UDP"}],
                           "sessionAffinity": "None", "type": "ClusterIP", "internalTrafficPolicy": "Cluster"}


def test_defaults_for_load_balancer_and_client_ip() -> None:
    obj = svc({"type": "LoadBalancer", "sessionAffinity": "ClientIP", "ports": [{"port": 80, "targetPort": 0}]},
              status={"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}, {"hostname": "lb"}]}})
    services.default_service(obj)
    spec = obj["spec"]
    assert spec["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}
    assert spec["externalTrafficPolicy"] == "Cluster" and spec["allocateLoadBalancerNodePorts"] is True
    assert spec["ports"][0]["targetPort"] == 80
    assert obj["status"]["loadBalancer"]["ingress"] == [{"ip": "1.2.3.4", "ipMode": "VIP"}, {"hostname": "lb"}]


def test_none_affinity_drops_config_and_external_name_gets_no_traffic_policy() -> None:
    obj = svc({"type": "ExternalName", "externalName": "db.example.com", "sessionAffinityConfig": {}})
    services.default_service(obj)
    assert "sessionAffinityConfig" not in obj["spec"] and "internalTrafficPolicy" not in obj["spec"]


def test_families_settled_without_addresses() -> None:
    obj = defaulted({"ports": [{"port": 80}]})
    assert obj["spec"]["ipFamilies"] == ["IPv4"] and obj["spec"]["ipFamilyPolicy"] == "SingleStack"
    assert "clusterIP" not in obj["spec"]
    headless = defaulted({"clusterIP": "None", "clusterIPs": ["None"], "selector": {"app": "x"}})
    assert headless["spec"]["ipFamilies"] == ["IPv4"] and headless["spec"]["ipFamilyPolicy"] == "SingleStack"
    assert services_validation.validate_service(headless) == []
    selectorless = defaulted({"clusterIP": "None", "clusterIPs": ["None"]})  # dual by default, any cluster
    assert selectorless["spec"]["ipFamilies"] == ["IPv4", "IPv6"]
    assert selectorless["spec"]["ipFamilyPolicy"] == "RequireDualStack"


def test_dual_stack_refused_on_single_stack_cluster() -> None:
    obj = svc({"ipFamilyPolicy": "RequireDualStack", "ipFamilies": ["IPv4", "IPv6"], "ports": [{"port": 80}]})
    with pytest.raises(errors.StatusError) as caught:
        services_families.init_ip_family_fields(obj, None, ("IPv4",))
    assert caught.value.status["message"] == (
        'Service "web" is invalid: [spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not '
        'configured for dual-stack services, spec.ipFamilies[1]: Invalid value: "IPv6": not configured on this '
        'cluster]')


def test_valid_service_passes() -> None:
    obj = defaulted({"ports": [{"port": 80, "targetPort": 8080, "name": "http"}], "selector": {"app": "web"}})
    assert services_validation.validate_service(obj) == []


@pytest.mark.parametrize("spec,expected", [
    ({}, ["spec.ports: Required value"]),
    ({"ports": [{"port": 0}]},
     ["spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
      "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive"]),
    ({"ports": [{"port": 80}, {"port": 81}]},
     ["spec.ports[0].name: Required value", "spec.ports[1].name: Required value"]),
    ({"ports": [{"port": 80, "protocol": "HTTP"}]},
     ['spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"']),
    ({"ports": [{"port": 80, "targetPort": "Web_Port"}]},
     [('spec.ports[0].targetPort: Invalid value: "Web_Port": must contain only alpha-numeric characters (a-z, 0-9), '
      "and hyphens (-)")]),
    ({"type": "Foo", "ports": [{"port": 80}]},
     [('spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", '
      '"NodePort"')]),
    ({"ports": [{"port": 80, "nodePort": 30000}]},
     ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]),
    ({"ports": [{"port": 80}], "selector": {"a b": "c"}},
     [('spec.selector: Invalid value: "a b": name part must consist of alphanumeric characters, \'-\', \'_\' or '
      "'.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
      "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")]),
    ({"ports": [{"port": 80}], "externalIPs": ["0.0.0.0"]},
     ['spec.externalIPs[0]: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)']),
    ({"ports": [{"port": 80}], "externalTrafficPolicy": "Local"},
     ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services']),
    ({"ports": [{"port": 80}], "loadBalancerSourceRanges": ["10.0.0.0/8"]},
     ["spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'"]),
    ({"ports": [{"port": 80}], "trafficDistribution": "Anywhere"},
     [('spec.trafficDistribution: Unsupported value: "Anywhere": supported values: "PreferClose", '
      '"PreferSameZone", "PreferSameNode"')]),
])
def test_validation_variants(spec: dict[str, Any], expected: list[str]) -> None:
    assert messages(services_validation.validate_service(defaulted(spec))) == expected


def test_duplicate_port_prints_the_go_struct_as_json() -> None:
    obj = defaulted({"ports": [{"port": 80, "name": "a"}, {"port": 80, "name": "b"}]})
    assert messages(services_validation.validate_service(obj)) == [
        ('spec.ports[1]: Duplicate value: {"Name":"","Protocol":"TCP","AppProtocol":null,"Port":80,"TargetPort":0,'
         '"NodePort":0}')]


def test_headless_rules_by_type() -> None:
    obj = svc({"type": "NodePort", "clusterIP": "None", "ports": [{"port": 80}]})
    services.default_service(obj)
    services_prepare.normalize_cluster_ips(obj, None)
    services_families.init_ip_family_fields(obj, None, ("IPv4",))
    assert messages(services_validation.validate_service(obj)) == [
        'spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for NodePort services']


def test_cluster_ips_must_follow_cluster_ip() -> None:
    obj = defaulted({"ports": [{"port": 80}], "clusterIP": "10.0.0.1", "clusterIPs": ["10.0.0.2"]})
    assert messages(services_validation.validate_service(obj)) == [
        'spec.clusterIPs: Invalid value: ["10.0.0.2"]: first value must match `clusterIP`']


def test_external_name_rules() -> None:
    obj = svc({"type": "ExternalName", "externalName": "", "ipFamilies": ["IPv4"]})
    services.default_service(obj)
    assert messages(services_validation.validate_service(obj)) == [
        "spec.ipFamilies: Forbidden: may not be set for ExternalName services",
        "spec.externalName: Required value"]
    good = svc({"type": "ExternalName", "externalName": "db.example.com."})
    services.default_service(good)
    assert services_validation.validate_service(good) == []


def test_load_balancer_requires_node_port_allocation_flag() -> None:
    obj = defaulted({"type": "LoadBalancer", "ports": [{"port": 80}]})
    del obj["spec"]["allocateLoadBalancerNodePorts"]
    assert messages(services_validation.validate_service(obj)) == ["allocateLoadBalancerNodePorts: Required value"]


def test_update_cannot_change_cluster_ip() -> None:
    old = defaulted({"ports": [{"port": 80}], "clusterIP": "10.0.0.1"})
    services_prepare.normalize_cluster_ips(old, None)
    new = defaulted({"ports": [{"port": 80}], "clusterIP": "10.0.0.2", "clusterIPs": ["10.0.0.1"]})
    services_prepare.normalize_cluster_ips(new, old)  # a patch changed only the singular field
    assert new["spec"]["clusterIPs"] == ["10.0.0.2"]
    assert messages(services_validation.validate_service_update(new, old))[0] == (
        'spec.clusterIPs[0]: Invalid value: ["10.0.0.2"]: may not change once set')


def test_resubmitted_manifest_keeps_allocated_values() -> None:
    old = svc({"type": "NodePort", "clusterIP": "10.0.0.1", "clusterIPs": ["10.0.0.1"],
               "ports": [{"name": "a", "port": 80, "nodePort": 30001}]})
    new = svc({"type": "NodePort", "ports": [{"name": "a", "port": 80}]})
    services_prepare.patch_allocated_values(new, old)
    assert new["spec"]["clusterIP"] == "10.0.0.1" and new["spec"]["ports"][0]["nodePort"] == 30001


def test_type_change_wipes_dependent_fields() -> None:
    old = svc({"type": "NodePort", "clusterIP": "10.0.0.1", "clusterIPs": ["10.0.0.1"], "ipFamilies": ["IPv4"],
               "ipFamilyPolicy": "SingleStack", "externalTrafficPolicy": "Cluster",
               "ports": [{"port": 80, "nodePort": 30001}]})
    new = svc({"type": "ExternalName", "externalName": "x.example", "clusterIP": "10.0.0.1",
               "clusterIPs": ["10.0.0.1"], "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
               "externalTrafficPolicy": "Cluster", "ports": [{"port": 80, "nodePort": 30001}]},
              status={"loadBalancer": {"ingress": [{"ip": "1.1.1.1"}]}})
    services_prepare.drop_type_dependent_fields(new, old)
    assert new["spec"] == {"type": "ExternalName", "externalName": "x.example", "ports": [{"port": 80}]}
    assert new["status"] == {"loadBalancer": {}}


def test_status_update_rules() -> None:
    old = defaulted({"ports": [{"port": 80}]})
    new = defaulted({"ports": [{"port": 80}]})
    new["status"] = {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}
    assert messages(services_validation.validate_service_status_update(new, old)) == [
        "status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'"]
    new["spec"]["type"] = "LoadBalancer"
    assert messages(services_validation.validate_service_status_update(new, old)) == [
        "status.loadBalancer.ingress[0].ipMode: Required value: must be specified when `ip` is set"]


def test_warnings() -> None:
    obj = defaulted({"ports": [{"port": 80}], "externalName": "x", "trafficDistribution": "PreferClose",
                     "externalIPs": ["010.0.0.1"]})
    assert services.warnings_for_service(obj) == [
        ('spec.externalIPs[0]: non-standard IP address "010.0.0.1" will be considered invalid in a future '
        'Kubernetes release: use "10.0.0.1"'),
        'spec.externalName is ignored when spec.type is not "ExternalName"',
        'spec.trafficDistribution: "PreferClose" is deprecated; use "PreferSameZone"']


@pytest.mark.parametrize("spec,status,cells", [
    ({"type": "ClusterIP", "clusterIPs": ["10.0.0.1"], "ports": [{"port": 80, "protocol": "TCP"}],
      "selector": {"b": "2", "a": "1"}}, {}, ["10.0.0.1", "<none>", "80/TCP", "a=1,b=2"]),
    ({"type": "NodePort", "ports": [{"port": 80, "protocol": "TCP"}, {"port": 443, "protocol": "TCP",
                                                                       "nodePort": 30000}]},
     {}, ["<none>", "<none>", "80/TCP,443:30000/TCP", "<none>"]),
    ({"type": "LoadBalancer"}, {}, ["<none>", "<pending>", "<none>", "<none>"]),
    ({"type": "LoadBalancer", "externalIPs": ["5.5.5.5"]},
     {"loadBalancer": {"ingress": [{"hostname": "b.example"}, {"ip": "1.1.1.1"}, {"ip": "1.1.1.1"}]}},
     ["<none>", "1.1.1.1,b.example,5.5.5.5", "<none>", "<none>"]),
    ({"type": "ExternalName", "externalName": "db.example"}, {}, ["<none>", "db.example", "<none>", "<none>"]),
])
def test_printer_cells(spec: dict[str, Any], status: dict[str, Any], cells: list[str]) -> None:
    row = services.SERVICES.printer.row(svc(spec, status=status))
    assert row[0] == "web" and row[1] == spec["type"]
    assert [row[2], row[3], row[4], row[6]] == cells


def test_spec_discovery_facts() -> None:
    spec = services.services_spec()
    assert spec.short_names == ("svc",) and spec.categories == ("all",) and spec.return_deleted_object
    assert spec.key_root == "/registry/services/specs"
    assert sorted(sub.name for sub in spec.subresources) == ["proxy", "status"]
    assert spec.field_set({}) == {"metadata.name": "", "metadata.namespace": "", "spec.clusterIP": "",
                                  "spec.type": ""}
    assert [c.priority for c in spec.printer.columns] == [0, 0, 0, 0, 0, 0, 1]


def test_strategy_create_and_update_flow() -> None:
    strategy = services.ServiceStrategy()
    obj = svc({"ports": [{"port": 80}], "clusterIP": "None"}, status={"loadBalancer": {"ingress": [{"ip": "1.1.1.1"}]}})
    strategy.default(obj)
    services_prepare.normalize_cluster_ips(obj, None)  # the REST's begin_create, before the strategy
    services_families.init_ip_family_fields(obj, None, ("IPv4",))
    strategy.prepare_for_create(CTX, obj)
    assert obj["spec"]["clusterIPs"] == ["None"] and obj["status"] == {"loadBalancer": {}}
    assert strategy.validate(CTX, obj) == []
    new = svc({"ports": [{"port": 80}]})
    strategy.default(new)
    services_prepare.patch_allocated_values(new, obj)
    services_prepare.normalize_cluster_ips(new, obj)
    services_families.init_ip_family_fields(new, obj, ("IPv4",))
    strategy.prepare_for_update(CTX, new, obj)
    assert new["spec"]["clusterIP"] == "None" and new["spec"]["clusterIPs"] == ["None"]
    assert strategy.validate_update(CTX, new, obj) == []


def test_removed_load_balancer_class_prints_null() -> None:
    old = defaulted({"type": "LoadBalancer", "ports": [{"port": 80}], "loadBalancerClass": "example.com/lb"})
    new = defaulted({"type": "LoadBalancer", "ports": [{"port": 80}]})
    assert "spec.loadBalancerClass: Invalid value: null: may not change once set" in messages(
        services_validation.validate_service_update(new, old))
