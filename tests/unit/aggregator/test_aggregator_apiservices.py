"""apiservices: upstream's validation messages, defaults, strategies and printer columns."""

from __future__ import annotations

import base64
from typing import Any

from kapiserver.aggregator import apiservices, helpers
from kapiserver.apimachinery import field
from kapiserver.registry.rest import RequestContext

CTX = RequestContext()


def api_service(name: str = "v1alpha1.wardle.example.com", **spec: Any) -> dict[str, Any]:
    base = {"group": "wardle.example.com", "version": "v1alpha1", "groupPriorityMinimum": 2000,
            "versionPriority": 10}
    base.update(spec)
    return {"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "metadata": {"name": name},
            "spec": base}


def messages(errs: field.ErrorList) -> list[str]:
    return [str(e) for e in errs]


def test_valid_local_and_remote() -> None:
    assert apiservices.validate_api_service(api_service()) == []
    remote = api_service(service={"namespace": "wardle", "name": "api", "port": 443},
                         caBundle=base64.b64encode(b"pem").decode())
    assert apiservices.validate_api_service(remote) == []
    assert apiservices.validate_api_service(api_service("v1.", group="", version="v1")) == []


def test_name_must_be_version_dot_group() -> None:
    errs = apiservices.validate_api_service(api_service("wardle"))
    expected = ('metadata.name: Invalid value: "wardle": must be `spec.version+"."+spec.group`: '
                '"v1alpha1.wardle.example.com"')
    assert messages(errs) == [expected]
    errs = apiservices.validate_api_service(api_service("a/b"))
    assert messages(errs) == ["metadata.name: Invalid value: \"a/b\": may not contain '/'"]


def test_spec_rules() -> None:
    errs = apiservices.validate_api_service(api_service(
        "v2.", group="", version="v2", groupPriorityMinimum=0, versionPriority=1001))
    assert messages(errs) == [
        "spec.group: Required value: only v1 may have an empty group and it better be legacy kube",
        "spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000",
        "spec.versionPriority: Invalid value: 1001: must be positive and less than 1000",
    ]
    errs = apiservices.validate_api_service(api_service("1x.Bad_Group", group="Bad_Group", version="1x"))
    assert [e.field for e in errs] == ["spec.group", "spec.version"]


def test_local_may_not_have_tls_settings() -> None:
    errs = apiservices.validate_api_service(api_service(caBundle=base64.b64encode(b"12345").decode(),
                                                        insecureSkipTLSVerify=True))
    assert messages(errs) == [
        'spec.caBundle: Invalid value: "5 bytes": local APIServices may not have a caBundle',
        "spec.insecureSkipTLSVerify: Invalid value: true: local APIServices may not have insecureSkipTLSVerify",
    ]


def test_service_reference_rules() -> None:
    obj = api_service(service={"port": 70000}, insecureSkipTLSVerify=True, caBundle=base64.b64encode(b"x").decode())
    assert messages(apiservices.validate_api_service(obj)) == [
        "spec.service.namespace: Required value",
        "spec.service.name: Required value",
        "spec.service.port: Invalid value: 70000: port is not valid: must be between 1 and 65535, inclusive",
        "spec.insecureSkipTLSVerify: Invalid value: true: may not be true if caBundle is present",
    ]


def test_defaults_service_port() -> None:
    obj = api_service(service={"namespace": "n", "name": "s"})
    apiservices.APIServiceStrategy().default(obj)
    assert obj["spec"]["service"]["port"] == 443
    local = api_service()
    apiservices.APIServiceStrategy().default(local)
    assert "service" not in local["spec"]


def test_create_marks_local_available_and_drops_status() -> None:
    strategy = apiservices.APIServiceStrategy()
    local = api_service()
    local["status"] = {"conditions": [{"type": "Available", "status": "False"}]}
    strategy.prepare_for_create(CTX, local)
    (condition,) = local["status"]["conditions"]
    assert (condition["status"], condition["reason"], condition["message"]) == (
        "True", "Local", "Local APIServices are always available")
    remote = api_service(service={"namespace": "n", "name": "s", "port": 443})
    remote["status"] = {"conditions": [{"type": "Available", "status": "True"}]}
    strategy.prepare_for_create(CTX, remote)
    assert remote["status"] == {}


def test_status_strategy_keeps_spec_and_labels() -> None:
    old = api_service()
    old["metadata"].update(labels={"a": "b"}, resourceVersion="7")
    new = api_service(groupPriorityMinimum=5)
    new["metadata"].update(labels={"c": "d"}, resourceVersion="7")
    new["status"] = {"conditions": [{"type": "Available", "status": "Maybe"}]}
    strategy = apiservices.APIServiceStatusStrategy()
    strategy.prepare_for_update(CTX, new, old)
    assert new["spec"] == old["spec"] and new["metadata"]["labels"] == {"a": "b"}
    assert messages(strategy.validate_update(CTX, new, old)) == [
        'status.conditions[0].status: Unsupported value: "Maybe": supported values: "True", "False", "Unknown"']
    assert strategy.reset_fields() == [("spec",), ("metadata",)]
    assert apiservices.APIServiceStrategy().reset_fields() == [("status",)]


def test_printer_cells() -> None:
    obj = api_service()
    assert apiservices.service_cell(obj) == "Local" and apiservices.available_cell(obj) == "Unknown"
    helpers.set_condition(obj, {"type": "Available", "status": "False", "reason": "FailedDiscoveryCheck"})
    assert apiservices.available_cell(obj) == "False (FailedDiscoveryCheck)"
    helpers.set_condition(obj, {"type": "Available", "status": "True", "reason": "Passed"})
    assert apiservices.available_cell(obj) == "True"
    remote = api_service(service={"namespace": "wardle", "name": "api"})
    assert apiservices.service_cell(remote) == "wardle/api"
    columns = [c.name for c in apiservices.PRINTER.columns]
    assert columns == ["Name", "Service", "Available", "Age"]
    assert apiservices.APISERVICES.categories == ("api-extensions",)
