"""Conversion strategy Webhook (upstream apiserver/conversion/webhook_converter.go).

Objects not already at the desired version go to the CRD's webhook in one ConversionReview;
the answer is checked as upstream checks it (uid, count, apiVersion, kind, identity) and the
converted objects keep the originals' metadata except labels and annotations. Failures are
500 InternalErrors carrying upstream's message, which is what clients of kube-apiserver see.
"""

from __future__ import annotations

import base64
import uuid
from typing import Any, Protocol

from kapiserver.apimachinery import errors, meta, metav1_validation, objectmeta
from kapiserver.apimachinery import field as fieldpath
from kapiserver.apimachinery.types import Object
from kapiserver.server.webhook_client import ClientConfig, ServiceReference, WebhookError, gvk_string

from . import helpers

REVIEW_GROUP = "apiextensions.k8s.io"
_SUPPORTED_REVIEWS = ("v1", "v1beta1")
_TIMEOUT = 30.0


class WebhookCaller(Protocol):
    async def post_json(self, config: ClientConfig, body: Object, timeout: float = ...) -> Object: ...


class _Failure(Exception):
    pass


def client_config(crd: Object) -> ClientConfig:
    webhook = (helpers.spec(crd).get("conversion") or {}).get("webhook") or {}
    config = webhook.get("clientConfig") or {}
    ca = base64.b64decode(config["caBundle"]) if config.get("caBundle") else b""
    service = config.get("service")
    if service:
        reference = ServiceReference(str(service.get("namespace", "")), str(service.get("name", "")),
                                     str(service.get("path") or ""), int(service.get("port") or 443))
        return ClientConfig(service=reference, ca_bundle=ca, name=meta.name(crd))
    return ClientConfig(url=str(config.get("url") or ""), ca_bundle=ca, name=meta.name(crd))


def _review_version(crd: Object) -> str | None:
    webhook = (helpers.spec(crd).get("conversion") or {}).get("webhook") or {}
    for version in webhook.get("conversionReviewVersions") or []:
        if version in _SUPPORTED_REVIEWS:
            return str(version)
    return None


class WebhookConverter:
    def __init__(self, crd: Object, caller: WebhookCaller):
        self._config = client_config(crd)
        self._review_version = _review_version(crd)
        self._caller = caller

    async def convert(self, objects: list[Object], desired_api_version: str) -> list[Object]:
        pending = [obj for obj in objects if obj.get("apiVersion") != desired_api_version]
        if not pending:
            return objects
        gvk = gvk_string(str(pending[0].get("apiVersion", "")), str(pending[0].get("kind", "")))
        try:
            converted = await self._call(pending, desired_api_version, gvk)
        except _Failure as exc:
            raise errors.internal_error(str(exc)) from None
        it = iter(converted)
        return [obj if obj.get("apiVersion") == desired_api_version else next(it) for obj in objects]

    async def _call(self, pending: list[Object], desired: str, gvk: str) -> list[Object]:
        if self._review_version is None:
            raise _Failure("no supported conversion review versions")
        uid = str(uuid.uuid4())
        review = {"kind": "ConversionReview", "apiVersion": f"{REVIEW_GROUP}/{self._review_version}",
                  "request": {"uid": uid, "desiredAPIVersion": desired, "objects": pending},
                  "response": {"uid": "", "convertedObjects": None, "result": {"metadata": {}}}}
        try:
            answer = await self._caller.post_json(self._config, review, _TIMEOUT)
            converted = self._converted_objects(answer, uid)
        except (WebhookError, _Failure) as exc:
            raise _Failure(f"conversion webhook for {gvk} failed: {exc}") from exc
        if len(converted) != len(pending):
            raise _Failure(f"conversion webhook for {gvk} returned {len(converted)} objects, expected {len(pending)}")
        return [self._checked(original, obj, index, desired, gvk, len(pending) > 1)
                for index, (original, obj) in enumerate(zip(pending, converted))]

    def _converted_objects(self, answer: Object, uid: str) -> list[Any]:
        if self._review_version == "v1":
            got = f"{answer.get('apiVersion', '')}, Kind={answer.get('kind', '')}".lstrip("/")
            if answer.get("apiVersion") != f"{REVIEW_GROUP}/v1" or answer.get("kind") != "ConversionReview":
                raise _Failure(f"expected webhook response of {REVIEW_GROUP}/v1, Kind=ConversionReview, got {got}")
        response = answer.get("response")
        if not isinstance(response, dict):
            raise _Failure("no response provided")
        if self._review_version == "v1" and response.get("uid") != uid:
            raise _Failure(f'expected response.uid="{uid}", got "{response.get("uid", "")}"')
        result = response.get("result") or {}
        if result.get("status") != "Success":
            if result.get("message"):
                raise _Failure(str(result["message"]))
            raise _Failure(f"response.result.status was '{result.get('status', '')}', not 'Success'")
        return list(response.get("convertedObjects") or [])

    @staticmethod
    def _checked(original: Object, converted: Any, index: int, desired: str, gvk: str, listed: bool) -> Object:
        """Upstream checks the converted object and puts the original metadata back."""
        what = f"invalid converted object at index {index}" if listed else "invalid object at index 0"
        if not isinstance(converted, dict):
            raise _Failure(f"conversion webhook for {gvk} returned {what}: Object 'Kind' is missing in '{converted}'")
        if converted.get("apiVersion") != desired:
            raise _Failure(f"conversion webhook for {gvk} returned {what}: invalid groupVersion (expected {desired}, "
                           f"received {converted.get('apiVersion', '')})")
        if converted.get("kind") != original.get("kind"):
            raise _Failure(f"conversion webhook for {gvk} returned {what}: invalid kind (expected "
                           f"{original.get('kind', '')}, received {converted.get('kind', '')})")
        identity = "invalid converted object at index " + str(index) if listed else "invalid object"
        for label, key in (("name", "name"), ("namespace", "namespace"), ("UID", "uid")):
            before, after = meta.metadata(original).get(key, ""), meta.metadata(converted).get(key, "")
            if before != after:
                raise _Failure(f"conversion webhook for {gvk} returned {identity}: must have the same {label}: "
                               f"{before} != {after}")
        try:
            return _restore_metadata(original, converted)
        except _Failure as exc:
            where = f"invalid metadata in object at index {index}" if listed else "invalid metadata"
            raise _Failure(f"conversion webhook for {gvk} returned {where}: {exc}") from None


def _restore_metadata(original: Object, converted: Object) -> Object:
    """Only labels and annotations may change, and must stay valid (upstream restoreObjectMeta)."""
    response_meta = converted.get("metadata")
    if "metadata" not in converted:
        raise _Failure("missing metadata in converted object")
    if not isinstance(response_meta, dict):
        raise _Failure(f"invalid metadata of type {type(response_meta).__name__} in converted object")
    restored = dict(meta.deep_copy(original.get("metadata") or {}))
    for key in ("labels", "annotations"):
        value = response_meta.get(key)
        if value is None:
            restored.pop(key, None)
            continue
        if not isinstance(value, dict):
            raise _Failure(f"invalid metadata.{key} of type {type(value).__name__} in converted object")
        for name, item in value.items():
            if not isinstance(item, str):
                raise _Failure(f"metadata.{key}[{name}] must be a string, but is {type(item).__name__} in "
                               "converted object")
        if value != (restored.get(key) or {}):
            if key == "labels":
                errs = metav1_validation.validate_labels(value, fieldpath.new_path("metadata", "labels"))
            else:
                errs = objectmeta.validate_annotations(value, fieldpath.new_path("metadata", "annotation"))
            if errs:
                raise _Failure(fieldpath.aggregate_message(errs))
        restored[key] = value
    return {**converted, "metadata": restored}
