"""ServiceAccounts: secret references, the mountable-secrets warning, printing."""

from __future__ import annotations

from kapiserver.registry.core import serviceaccounts as sa
from kapiserver.registry.rest import RequestContext

CTX = RequestContext(namespace="ns", api_version="v1")


def test_secret_references_keep_only_names() -> None:
    obj = {"metadata": {"name": "robot"}, "secrets": [{"name": "a", "namespace": "x", "uid": "1"}, {"kind": "S"}]}
    sa.ServiceAccountStrategy().prepare_for_create(CTX, obj)
    assert obj["secrets"] == [{"name": "a"}, {}]


def test_enforce_mountable_secrets_warning_only_when_newly_set() -> None:
    annotated = {"metadata": {"name": "robot", "annotations": {sa.ENFORCE_MOUNTABLE_SECRETS: "true"}}}
    strategy = sa.ServiceAccountStrategy()
    assert strategy.warnings_on_create(CTX, annotated) == [
        ("metadata.annotations[kubernetes.io/enforce-mountable-secrets]: deprecated in v1.32+; "
        "prefer separate namespaces to isolate access to mounted secrets")]
    assert strategy.warnings_on_update(CTX, annotated, annotated) == []
    assert strategy.warnings_on_update(CTX, annotated, {"metadata": {"name": "robot"}}) != []


def test_validation_and_printer() -> None:
    errs = sa.validate_service_account({"metadata": {"name": "Robot", "namespace": "ns"}})
    assert [e.field for e in errs] == ["metadata.name"]
    spec = sa.SERVICEACCOUNTS
    assert spec.short_names == ("sa",) and spec.return_deleted_object
    assert [(c.name, c.type) for c in spec.printer.columns] == [("Name", "string"), ("Secrets", "string"),
                                                                 ("Age", "string")]
    assert spec.printer.row({"metadata": {"name": "r"}, "secrets": [{"name": "a"}]})[:2] == ["r", 1]
