"""The AdmissionReview a webhook receives and the checks of its answer (upstream
webhook/request/admissionreview.go and webhook/errors)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field

from kapiserver.apimachinery import errors
from kapiserver.apimachinery.schema import GroupVersionKind, GroupVersionResource
from kapiserver.apimachinery.types import Object

from ...interfaces import Attributes, Operation

ADMISSION_GROUP = "admission.k8s.io"
_OPTIONS_KINDS = {Operation.CREATE: "CreateOptions", Operation.UPDATE: "UpdateOptions",
                  Operation.DELETE: "DeleteOptions"}


class InvalidResponse(ValueError):
    """The answer is not an acceptable AdmissionReview; str() is upstream's reason."""


@dataclass(slots=True)
class Response:
    allowed: bool
    result: Object | None = None
    patch: bytes = b""
    patch_type: str = ""
    warnings: list[str] = field(default_factory=list)
    audit_annotations: dict[str, str] = field(default_factory=dict)


def review_version(versions: list[str]) -> str:
    """The first admissionReviewVersions entry kapiserver speaks."""
    for version in versions:
        if version in ("v1", "v1beta1"):
            return version
    raise ValueError("webhook does not accept known AdmissionReview versions (v1, v1beta1)")


def _gvk(gvk: GroupVersionKind) -> Object:
    return {"group": gvk.group, "version": gvk.version, "kind": gvk.kind}


def _gvr(gvr: GroupVersionResource) -> Object:
    return {"group": gvr.group, "version": gvr.version, "resource": gvr.resource}


def operation_options(attrs: Attributes) -> Object | None:
    """The request's options as the meta.k8s.io/v1 object (what the handler passed, else the
    empty options of the operation, dryRun kept)."""
    if attrs.options is not None:
        return attrs.options
    kind = _OPTIONS_KINDS.get(attrs.operation)
    if kind is None:
        return None
    out: Object = {"kind": kind, "apiVersion": "meta.k8s.io/v1"}
    if attrs.dry_run:
        out["dryRun"] = ["All"]
    return out


def admission_request(uid: str, attrs: Attributes, kind: GroupVersionKind, resource: GroupVersionResource,
                      subresource: str) -> Object:
    """The AdmissionRequest: what the webhook matched (kind/resource) and what was asked."""
    return {
        "uid": uid, "kind": _gvk(kind), "resource": _gvr(resource), "subResource": subresource,
        "requestKind": _gvk(attrs.kind), "requestResource": _gvr(attrs.resource),
        "requestSubResource": attrs.subresource, "name": attrs.name, "namespace": attrs.namespace,
        "operation": attrs.operation.value, "userInfo": attrs.user.to_dict(), "object": attrs.obj,
        "oldObject": attrs.old_obj, "dryRun": attrs.dry_run, "options": operation_options(attrs),
    }


def admission_review(version: str, request: Object) -> Object:
    """The review to send: empty strings left out (omitempty); object, oldObject and options
    are RawExtensions, written as null when absent."""
    body = {k: v for k, v in request.items() if v != ""}
    return {"kind": "AdmissionReview", "apiVersion": f"{ADMISSION_GROUP}/{version}", "request": body}


def verify_response(uid: str, mutating: bool, version: str, review: Object) -> Response:
    """VerifyAdmissionResponse."""
    response = review.get("response")
    if not isinstance(response, dict):
        raise InvalidResponse("webhook response was absent")
    got_patch = response.get("patch")
    patch_type = response.get("patchType")
    if version == "v1":
        if response.get("uid", "") != uid:
            raise InvalidResponse(f'expected response.uid="{uid}", got "{response.get("uid", "")}"')
        api_version = str(review.get("apiVersion") or "")
        group, _, ver = api_version.rpartition("/")
        if (group, ver, review.get("kind")) != (ADMISSION_GROUP, "v1", "AdmissionReview"):
            raise InvalidResponse("expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got "
                                  f"{group}/{ver}, Kind={review.get('kind') or ''}")
    patch = b""
    if got_patch:
        try:
            patch = base64.b64decode(str(got_patch), validate=True)
        except (binascii.Error, ValueError) as err:
            raise InvalidResponse(f"illegal base64 data in response.patch: {err}") from None
    if version == "v1":
        if mutating:
            if patch and patch_type is None:
                raise InvalidResponse("webhook returned response.patch but not response.patchType")
            if not patch and patch_type is not None:
                raise InvalidResponse("webhook returned response.patchType but not response.patch")
            if patch_type is not None and not patch_type:
                raise InvalidResponse(f'webhook returned invalid response.patchType of "{patch_type}"')
        else:
            if patch:
                raise InvalidResponse("validating webhook may not return response.patch")
            if patch_type is not None:
                raise InvalidResponse("validating webhook may not return response.patchType")
    elif patch:
        patch_type = "JSONPatch"
    if not mutating:
        patch, patch_type = b"", None
    result = response.get("status")
    return Response(bool(response.get("allowed")), result if isinstance(result, dict) else None, patch,
                    str(patch_type or ""), [str(w) for w in response.get("warnings") or []],
                    {str(k): str(v) for k, v in (response.get("auditAnnotations") or {}).items()})


def to_status_error(webhook_name: str, result: Object | None) -> errors.StatusError:
    """ToStatusErr: the webhook's status with code at least 400 and upstream's message."""
    status: Object = dict(result or {})
    denied_by = f'admission webhook "{webhook_name}" denied the request'
    code = status.get("code")
    if not isinstance(code, int) or code < 400:
        status["code"] = 400
    if status.get("status") in (None, "", "Success"):
        status["status"] = "Failure"
    if status.get("message"):
        status["message"] = f"{denied_by}: {status['message']}"
    elif status.get("reason"):
        status["message"] = f"{denied_by}: {status['reason']}"
    else:
        status["message"] = f"{denied_by} without explanation"
    status["kind"], status["apiVersion"] = "Status", "v1"
    status.setdefault("metadata", {})
    return errors.from_status(status)


def dry_run_unsupported(webhook_name: str) -> errors.StatusError:
    return errors.bad_request(f'admission webhook "{webhook_name}" does not support dry run')
