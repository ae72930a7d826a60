"""The MutatingAdmissionWebhook and ValidatingAdmissionWebhook plugins (upstream
generic.Webhook, mutating and validating dispatchers).

Configurations are listed per request through the watch cache (cheap: no configuration, no
work beyond two empty range scans); their webhooks run in configuration-name order. Which
webhook is called follows ShouldCallHook: namespaceSelector, objectSelector, rules, then
matchConditions. Mutating webhooks run one after another, each seeing the previous one's
patch, and those with reinvocationPolicy IfNeeded run once more when a later webhook changed
the object; validating webhooks run concurrently and the first refusal wins.

matchPolicy Equivalent matches only the request's own group/version/resource: kapiserver has
no equivalent-resource mapper yet (upstream would also try the other versions of the same
resource and send the object converted to the version the rule names).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

import orjson

from kapiserver.apimachinery import errors
from kapiserver.apimachinery.patch import jsonpatch
from kapiserver.apimachinery.schema import GroupVersionKind, GroupVersionResource
from kapiserver.apimachinery.types import Object

from ...interfaces import Attributes, Operation
from . import matching, review
from .accessors import AccessorCache, WebhookAccessor
from .matchconditions import MatchConditionError

ConfigurationLister = Callable[[], Awaitable[list[Object]]]
MUTATING_FAILED_OPEN = "failed-open.mutating.webhook.admission.k8s.io/"
VALIDATING_FAILED_OPEN = "failed-open.validating.webhook.admission.k8s.io/"
MUTATION_ANNOTATION = "mutation.webhook.admission.k8s.io/"


class CallFailed(Exception):
    """The webhook gave no usable answer; str() is client-go's text (Post "...": ...)."""


class WebhookCaller(Protocol):
    async def call_webhook(self, client_config: Object, body: Object, timeout: float) -> Object:
        """POST the review to the webhook; its decoded answer, or CallFailed."""


class CallingWebhookError(Exception):
    """upstream ErrCallingWebhook: failurePolicy decides whether it refuses the request."""

    def __init__(self, webhook_name: str, reason: str):
        super().__init__(f'failed calling webhook "{webhook_name}": {reason}')


@dataclass(frozen=True, slots=True)
class Invocation:
    hook: WebhookAccessor
    resource: GroupVersionResource
    subresource: str
    kind: GroupVersionKind


class _Webhook:
    mutating = False

    def __init__(self, list_configurations: ConfigurationLister, get_namespace: matching.NamespaceGetter,
                 caller: WebhookCaller | None):
        self._list = list_configurations
        self._get_namespace = get_namespace
        self._caller = caller
        self._cache = AccessorCache()

    def handles(self, operation: Operation) -> bool:
        return True

    async def _hooks(self, attrs: Attributes) -> list[WebhookAccessor]:
        if matching.is_exempt(attrs.resource):
            return []
        configurations = await self._list()
        if not configurations:
            return []
        return self._cache.webhooks(configurations)

    async def should_call(self, hook: WebhookAccessor, attrs: Attributes) -> Invocation | None:
        """ShouldCallHook: None when the webhook does not apply; raises StatusError when it
        applies but cannot be decided."""
        problem: errors.StatusError | None = None
        if hook.namespace_selector is None or hook.object_selector is None:
            problem = errors.internal_error("the webhook's label selector does not parse")
        else:
            try:
                if not await matching.namespace_matches(hook.namespace_selector, attrs, self._get_namespace):
                    return None
            except errors.StatusError as err:
                problem = err
            if problem is None and not matching.object_matches(hook.object_selector, attrs):
                return None
        if not any(matching.rule_matches(rule, attrs) for rule in hook.rules):
            return None
        if problem is not None:
            raise problem
        invocation = Invocation(hook, attrs.resource, attrs.subresource, attrs.kind)
        if hook.matcher:
            request = review.admission_request("", attrs, invocation.kind, invocation.resource, invocation.subresource)
            try:
                if not hook.matcher.match(attrs.obj, attrs.old_obj, request).matches:
                    return None
            except MatchConditionError as err:
                raise errors.forbidden(attrs.resource.group_resource, attrs.name, str(err)) from None
        return invocation

    async def call(self, invocation: Invocation, attrs: Attributes) -> review.Response:
        """callHook up to the verified response: dry-run refusal, review, POST, checks."""
        hook = invocation.hook
        if attrs.dry_run and hook.side_effects not in ("None", "NoneOnDryRun"):
            raise review.dry_run_unsupported(hook.name)
        try:
            version = review.review_version(hook.review_versions)
        except ValueError as err:
            raise CallingWebhookError(hook.name, f"could not create admission objects: {err}") from None
        uid = str(uuid.uuid4())
        request = review.admission_request(uid, attrs, invocation.kind, invocation.resource, invocation.subresource)
        if self._caller is None:
            raise CallingWebhookError(hook.name, "failed to call webhook: no webhook client")
        try:
            answer = await self._caller.call_webhook(hook.client_config, review.admission_review(version, request),
                                                     float(hook.timeout_seconds))
        except CallFailed as err:
            raise CallingWebhookError(hook.name, f"failed to call webhook: {err}") from None
        try:
            response = review.verify_response(uid, self.mutating, version, answer)
        except review.InvalidResponse as err:
            raise CallingWebhookError(hook.name, f"received invalid webhook response: {err}") from None
        for key, value in response.audit_annotations.items():
            attrs.annotations.setdefault(f"{hook.name}/{key}", value)
        for warning in response.warnings:
            attrs.warn(warning)
        if not response.allowed:
            raise review.to_status_error(hook.name, response.result)
        return response


class ValidatingAdmissionWebhook(_Webhook):
    async def validate(self, attrs: Attributes) -> None:
        hooks = await self._hooks(attrs)
        if not hooks:
            return
        relevant = []
        for hook in hooks:
            invocation = await self.should_call(hook, attrs)
            if invocation is not None:
                relevant.append(invocation)
        if not relevant:
            return
        outcomes = await asyncio.gather(*(self.call(inv, attrs) for inv in relevant), return_exceptions=True)
        refusals: list[BaseException] = []
        for index, (invocation, outcome) in enumerate(zip(relevant, outcomes, strict=True)):
            if not isinstance(outcome, BaseException):
                continue
            if isinstance(outcome, CallingWebhookError):
                if not invocation.hook.fail_closed:
                    attrs.annotations[f"{VALIDATING_FAILED_OPEN}round_0_index_{index}"] = invocation.hook.name
                    continue
                refusals.append(errors.internal_error(outcome))
            else:
                refusals.append(outcome)
        if refusals:
            raise refusals[0]


class MutatingAdmissionWebhook(_Webhook):
    mutating = True

    async def admit(self, attrs: Attributes) -> None:
        hooks = await self._hooks(attrs)
        if not hooks:
            return
        invoked: list[str] = []  # IfNeeded webhooks called so far
        reinvoke: set[str] = set()
        for round_ in (0, 1):
            for index, hook in enumerate(hooks):
                if round_ == 1 and hook.uid not in reinvoke:
                    continue
                invocation = await self.should_call(hook, attrs)
                if invocation is None:
                    continue
                if await self._mutate(invocation, attrs, round_, index) and round_ == 0:
                    reinvoke.update(invoked)
                if hook.reinvoke_if_needed:
                    invoked.append(hook.uid)
            if not reinvoke:
                return

    async def _mutate(self, invocation: Invocation, attrs: Attributes, round_: int, index: int) -> bool:
        """Call one webhook and apply its patch; whether the object changed."""
        hook = invocation.hook
        try:
            response = await self.call(invocation, attrs)
            changed = self._apply(hook, response, attrs)
        except CallingWebhookError as err:
            if hook.fail_closed:
                raise errors.internal_error(err) from None
            attrs.annotations[f"{MUTATING_FAILED_OPEN}round_{round_}_index_{index}"] = hook.name
            return False
        attrs.annotations[f"{MUTATION_ANNOTATION}round_{round_}_index_{index}"] = orjson.dumps(
            {"configuration": hook.configuration_name, "webhook": hook.name, "mutated": changed}).decode()
        return changed

    @staticmethod
    def _apply(hook: WebhookAccessor, response: review.Response, attrs: Attributes) -> bool:
        if not response.patch:
            return False
        try:
            operations = jsonpatch.decode_patch(response.patch)
        except ValueError as err:
            raise CallingWebhookError(hook.name, f"received undecodable patch in webhook response: {err}") from None
        if not operations:
            return False
        if attrs.obj is None:
            raise errors.internal_error(f'admission webhook "{hook.name}" attempted to modify the object, which is '
                                        "not supported for this operation")
        if response.patch_type != "JSONPatch":
            raise CallingWebhookError(hook.name, f'unsupported patch type "{response.patch_type}"')
        try:
            patched = jsonpatch.apply(attrs.obj, operations)
        except (jsonpatch.JSONPatchError, ValueError) as err:
            raise errors.internal_error(err) from None
        if not isinstance(patched, dict):
            raise errors.internal_error("the patched object is not a JSON object")
        changed = patched != attrs.obj
        # In place: the handler goes on with the object it handed to admission.
        attrs.obj.clear()
        attrs.obj.update(patched)
        if attrs.defaulter is not None:
            attrs.defaulter(attrs.obj)
        return changed
