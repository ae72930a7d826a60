"""Calling admission webhooks: reviews, response checks, refusals, patches, failure policy."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import pytest

from kapiserver.admission.interfaces import Attributes, Operation
from kapiserver.admission.plugins.webhook import review
from kapiserver.admission.plugins.webhook.dispatch import (
    CallFailed,
    MutatingAdmissionWebhook,
    ValidatingAdmissionWebhook,
)
from kapiserver.apimachinery import errors
from kapiserver.apimachinery.schema import GroupVersionKind, GroupVersionResource
from kapiserver.apimachinery.user import UserInfo


def _attrs(obj: dict | None = None, dry_run: bool = False) -> Attributes:
    obj = obj if obj is not None else {"metadata": {"name": "c", "namespace": "ns"}}
    return Attributes(Operation.CREATE, GroupVersionKind("", "v1", "ConfigMap"),
                      GroupVersionResource("", "v1", "configmaps"), "", "ns", "c", obj, None,
                      UserInfo("alice", groups=("system:authenticated",)), dry_run)


def _hook(name: str, **extra: Any) -> dict:
    return {"name": name, "clientConfig": {"url": "https://h/x"}, "sideEffects": "None",
            "admissionReviewVersions": ["v1"],
            "rules": [{"operations": ["*"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["configmaps"]}],
            **extra}


class Caller:
    def __init__(self, answer: Any):
        self.answer = answer
        self.bodies: list[dict] = []

    async def call_webhook(self, config: dict, body: dict, timeout: float) -> dict:
        self.bodies.append(body)
        answer = self.answer(body) if callable(self.answer) else self.answer
        if isinstance(answer, Exception):
            raise answer
        return answer


def _reply(body: dict, **response: Any) -> dict:
    return {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "response": {"uid": body["request"]["uid"], **response}}


def _plugin(cls: type, caller: Caller, *hooks: dict, config: str = "c1") -> Any:
    async def listing() -> list[dict]:
        return [{"metadata": {"name": config, "resourceVersion": "1"}, "webhooks": list(hooks)}] if hooks else []

    async def no_namespace(name: str) -> None:
        return None

    return cls(listing, no_namespace, caller)


def test_no_configuration_calls_nothing() -> None:
    caller = Caller(None)
    asyncio.run(_plugin(ValidatingAdmissionWebhook, caller).validate(_attrs()))
    assert caller.bodies == []


def test_denial_carries_upstream_message_and_code() -> None:
    caller = Caller(lambda b: _reply(b, allowed=False, status={"message": "nope", "code": 403, "reason": "X"}))
    with pytest.raises(errors.StatusError) as caught:
        asyncio.run(_plugin(ValidatingAdmissionWebhook, caller, _hook("v.example.com")).validate(_attrs()))
    assert caught.value.code == 403
    assert caught.value.message == 'admission webhook "v.example.com" denied the request: nope'
    request = caller.bodies[0]["request"]
    assert request["userInfo"] == {"username": "alice", "groups": ["system:authenticated"]}
    assert request["oldObject"] is None and request["dryRun"] is False
    assert request["options"] == {"kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1"}
    assert review.to_status_error("w", None).message == 'admission webhook "w" denied the request without explanation'
    assert review.to_status_error("w", {"reason": "R"}).code == 400


def test_call_failure_follows_failure_policy() -> None:
    caller = Caller(CallFailed('Post "https://h/x?timeout=10s": dial tcp 1.2.3.4:443: connect: connection refused'))
    attrs = _attrs()
    asyncio.run(_plugin(ValidatingAdmissionWebhook, caller, _hook("i.example.com", failurePolicy="Ignore"))
                .validate(attrs))
    assert attrs.annotations == {"failed-open.validating.webhook.admission.k8s.io/round_0_index_0": "i.example.com"}
    with pytest.raises(errors.StatusError) as caught:
        asyncio.run(_plugin(ValidatingAdmissionWebhook, caller, _hook("f.example.com")).validate(_attrs()))
    assert caught.value.code == 500
    assert caught.value.message == ('Internal error occurred: failed calling webhook "f.example.com": failed to call '
                                    'webhook: Post "https://h/x?timeout=10s": dial tcp 1.2.3.4:443: connect: '
                                    "connection refused")


def test_invalid_responses() -> None:
    cases = [
        ({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}, "webhook response was absent"),
        (lambda b: _reply(b, allowed=True) | {"response": {"uid": "other", "allowed": True}},
         'expected response.uid="'),
        (lambda b: _reply(b, allowed=True, patchType="JSONPatch"), "validating webhook may not return response."),
    ]
    for answer, text in cases:
        with pytest.raises(errors.StatusError) as caught:
            asyncio.run(_plugin(ValidatingAdmissionWebhook, Caller(answer), _hook("x.example.com")).validate(_attrs()))
        assert "received invalid webhook response: " + text in caught.value.message


def test_dry_run_refused_for_side_effects() -> None:
    with pytest.raises(errors.StatusError) as caught:
        asyncio.run(_plugin(ValidatingAdmissionWebhook, Caller(None), _hook("s.example.com", sideEffects="Some"))
                    .validate(_attrs(dry_run=True)))
    assert caught.value.code == 400
    assert caught.value.message == 'admission webhook "s.example.com" does not support dry run'


def _patch(ops: list) -> str:
    return base64.b64encode(json.dumps(ops).encode()).decode()


def test_mutation_applies_json_patch_and_warns() -> None:
    caller = Caller(lambda b: _reply(b, allowed=True, patchType="JSONPatch", warnings=["careful"],
                                     patch=_patch([{"op": "add", "path": "/metadata/labels", "value": {"a": "b"}}])))
    obj = {"metadata": {"name": "c"}}
    attrs = _attrs(obj)
    seen: list[str] = []
    attrs.add_warning = seen.append
    asyncio.run(_plugin(MutatingAdmissionWebhook, caller, _hook("m.example.com")).admit(attrs))
    assert obj == {"metadata": {"name": "c", "labels": {"a": "b"}}}
    assert seen == ["careful"]


def test_reinvocation_if_needed() -> None:
    calls: list[str] = []

    def answer(body: dict) -> dict:
        labels = body["request"]["object"]["metadata"].get("labels") or {}
        name = "first" if "first" not in calls or len(calls) > 1 else "second"
        calls.append(name)
        if name == "second" and "late" not in labels:
            return _reply(body, allowed=True, patchType="JSONPatch",
                          patch=_patch([{"op": "add", "path": "/metadata/labels", "value": {"late": "1"}}]))
        return _reply(body, allowed=True)

    caller = Caller(answer)
    plugin = _plugin(MutatingAdmissionWebhook, caller, _hook("a", reinvocationPolicy="IfNeeded"), _hook("b"))
    asyncio.run(plugin.admit(_attrs({"metadata": {"name": "c"}})))
    assert len(caller.bodies) == 3
    assert caller.bodies[2]["request"]["object"]["metadata"]["labels"] == {"late": "1"}


def test_v1beta1_review_when_only_version() -> None:
    caller = Caller(lambda b: {"apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview",
                               "response": {"uid": b["request"]["uid"], "allowed": True}})
    asyncio.run(_plugin(ValidatingAdmissionWebhook, caller, _hook("b", admissionReviewVersions=["v1beta1"]))
                .validate(_attrs()))
    assert caller.bodies[0]["apiVersion"] == "admission.k8s.io/v1beta1"
