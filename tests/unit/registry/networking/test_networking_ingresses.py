"""networking.k8s.io/v1 Ingress and IngressClass (upstream ValidateIngress*, ValidateIngressClass*, printers)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kapiserver.registry.networking import ingress_validation as iv
from kapiserver.registry.networking import ingressclasses, ingresses
from kapiserver.registry.rest import RequestContext

CTX = RequestContext(namespace="default", api_group="networking.k8s.io", api_version="v1")
BACKEND = {"service": {"name": "web", "port": {"number": 80}}}


def ingress(spec: dict[str, Any], **meta: Any) -> dict[str, Any]:
    return {"metadata": {"name": "i", "namespace": "default", "resourceVersion": "1", **meta}, "spec": spec}


def rule(path: dict[str, Any], host: str = "example.com") -> dict[str, Any]:
    return {"host": host, "http": {"paths": [path]}}


@pytest.mark.parametrize("spec,expected", [
    ({"defaultBackend": BACKEND}, []),
    ({}, ["spec: Invalid value: null: either `defaultBackend` or `rules` must be specified"]),
    ({"rules": []}, ["spec: Invalid value: []: either `defaultBackend` or `rules` must be specified"]),
    ({"rules": [rule({"path": "/", "pathType": "Prefix", "backend": BACKEND}, host="1.2.3.4")]},
     ['spec.rules[0].host: Invalid value: "1.2.3.4": must be a DNS name, not an IP address']),
    ({"rules": [rule({"path": "/", "backend": BACKEND})]},
     ["spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"]),
    ({"rules": [rule({"path": "/a/../b", "pathType": "Exact", "backend": BACKEND})]},
     ["spec.rules[0].http.paths[0].path: Invalid value: \"/a/../b\": must not contain '/../'"]),
    ({"rules": [rule({"path": "/", "pathType": "Regex", "backend": BACKEND})]},
     [('spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", '
      '"ImplementationSpecific", "Prefix"')]),
    ({"rules": [rule({"path": "x", "pathType": "ImplementationSpecific", "backend": BACKEND})]},
     ['spec.rules[0].http.paths[0].path: Invalid value: "x": must be an absolute path']),
    ({"rules": [{"host": "example.com", "http": {"paths": []}}]}, ["spec.rules[0].http.paths: Required value"]),
    ({"defaultBackend": {"service": {"name": "web", "port": {"name": "http", "number": 80}}}},
     ['spec.defaultBackend: Invalid value: "": cannot set both port name & port number']),
    ({"defaultBackend": {"service": {"name": "web", "port": {}}}},
     ["spec.defaultBackend: Required value: port name or number is required"]),
    ({"defaultBackend": {"service": {"name": "1web", "port": {"number": 80}}}},
     [('spec.defaultBackend.service.name: Invalid value: "1web": a DNS-1035 label must consist of lower case '
      "alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character "
      "(e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")]),
    ({"defaultBackend": {}}, ['spec.defaultBackend: Invalid value: "": resource or service backend is required']),
    ({"defaultBackend": {"resource": {"kind": "", "name": "a/b"}}},
     ["spec.defaultBackend.resource.kind: Required value",
      "spec.defaultBackend.resource.name: Invalid value: \"a/b\": may not contain '/'"]),
    ({"defaultBackend": BACKEND, "tls": [{"hosts": ["*.example.com", "Bad"], "secretName": "Bad"}]},
     [('spec.tls[0].hosts[1]: Invalid value: "Bad": a lowercase RFC 1123 subdomain must consist of lower case '
      "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
      "'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
      ('spec.tls[0].secretName: Invalid value: "Bad": a lowercase RFC 1123 subdomain must consist of lower case '
      "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
      "'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")]),
])
def test_ingress_validation(spec: dict[str, Any], expected: list[str]) -> None:
    assert [str(e) for e in iv.validate_ingress_create(ingress(spec))] == expected


def test_class_annotation_must_match_class_name_and_warns() -> None:
    obj = ingress({"defaultBackend": BACKEND, "ingressClassName": "a"},
                  annotations={"kubernetes.io/ingress.class": "b"})
    assert [str(e) for e in iv.validate_ingress_create(obj)] == [
        ('annotations.kubernetes.io/ingress.class: Invalid value: "b": must match `ingressClassName` when both are '
        'specified')]
    assert ingresses.IngressStrategy().warnings_on_create(CTX, obj) == [
        "annotation \"kubernetes.io/ingress.class\" is deprecated, please use 'spec.ingressClassName' instead"]


def test_update_tolerates_stored_invalid_secret_names() -> None:
    old = ingress({"defaultBackend": BACKEND, "tls": [{"secretName": "Bad"}]})
    new = copy.deepcopy(old)
    assert iv.validate_ingress_update(new, old) == []
    assert iv.validate_ingress_create(new)


def test_strategy_status_and_generation() -> None:
    strategy = ingresses.IngressStrategy()
    obj = ingress({"defaultBackend": BACKEND})
    obj["status"] = {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}
    strategy.prepare_for_create(CTX, obj)
    assert obj["status"] == {"loadBalancer": {}} and obj["metadata"]["generation"] == 1
    new = copy.deepcopy(obj)
    new["spec"]["ingressClassName"] = "x"
    new["status"] = {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}
    strategy.prepare_for_update(CTX, new, obj)
    assert new["status"] == {"loadBalancer": {}} and new["metadata"]["generation"] == 2
    status_update = copy.deepcopy(obj)
    status_update["spec"] = {}
    status_update["status"] = {"loadBalancer": {"ingress": [{"hostname": "10.0.0.1"}]}}
    status_strategy = ingresses.IngressStatusStrategy()
    status_strategy.prepare_for_update(CTX, status_update, obj)
    assert status_update["spec"] == obj["spec"]
    assert [str(e) for e in status_strategy.validate_update(CTX, status_update, obj)] == [
        'status.loadBalancer.ingress[0].hostname: Invalid value: "10.0.0.1": must be a DNS name, not an IP address']


def test_ingress_printer() -> None:
    rules = [{"host": "a"}, {}, {"host": "b"}, {"host": "c"}, {"host": "d"}]
    obj = ingress({"rules": rules, "tls": [{}]})
    obj["status"] = {"loadBalancer": {"ingress": [{"ip": "10.0.0.2"}, {"hostname": "lb.example.com"}]}}
    assert ingresses.INGRESSES.printer.row(obj)[:5] == ["i", "<none>", "a,b,c + 2 more...",
                                                        "10.0.0.2,lb.example.com", "80, 443"]
    assert ingresses.load_balancer_status(obj["status"]["loadBalancer"], False) == "10.0.0.2,lb.e..."
    assert ingresses.INGRESSES.printer.row(ingress({"ingressClassName": "nginx"}))[1:5] == ["nginx", "*", "", "80"]
    assert [c.name for c in ingresses.INGRESSES.printer.columns] == ["Name", "Class", "Hosts", "Address", "Ports",
                                                                     "Age"]


def ingress_class(spec: dict[str, Any]) -> dict[str, Any]:
    return {"metadata": {"name": "c", "resourceVersion": "1"}, "spec": spec}


@pytest.mark.parametrize("spec,expected", [
    ({"controller": "example.com/ingress"}, []),
    ({}, ["spec.controller: Required value"]),
    ({"controller": "nginx"}, [('spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as '
                               '"acme.io/foo")')]),
    ({"controller": "example.com/" + "a" * 250}, ["spec.controller: Too long: may not be more than 250 bytes"]),
    ({"controller": "example.com/x", "parameters": {"kind": "K", "name": "n", "scope": "Namespace"}},
     ["spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'"]),
    ({"controller": "example.com/x", "parameters": {"kind": "K", "name": "n", "scope": "Cluster", "namespace": "a"}},
     ["spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'"]),
    ({"controller": "example.com/x", "parameters": {"kind": "K", "name": "n", "scope": "Global"}},
     ['spec.parameters.scope: Unsupported value: "Global": supported values: "Cluster", "Namespace"']),
])
def test_ingress_class_validation(spec: dict[str, Any], expected: list[str]) -> None:
    assert [str(e) for e in ingressclasses.validate_ingress_class(ingress_class(spec))] == expected


def test_ingress_class_defaults_immutable_controller_and_printer() -> None:
    obj = ingress_class({"controller": "example.com/x", "parameters": {"apiGroup": "g.io", "kind": "K", "name": "n"}})
    ingressclasses.IngressClassStrategy().default(obj)
    assert obj["spec"]["parameters"]["scope"] == "Cluster"
    new = copy.deepcopy(obj)
    new["spec"]["controller"] = "example.com/y"
    assert [str(e) for e in ingressclasses.validate_ingress_class_update(new, obj)] == [
        'spec.controller: Invalid value: "example.com/y": field is immutable']
    assert ingressclasses.INGRESSCLASSES.printer.row(obj)[:3] == ["c", "example.com/x", "K.g.io/n"]
    assert ingressclasses.INGRESSCLASSES.printer.row(ingress_class({}))[2] == "<none>"
