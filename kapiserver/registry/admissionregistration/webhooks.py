"""validatingwebhookconfigurations and mutatingwebhookconfigurations, admissionregistration.k8s.io/v1
(upstream pkg/registry/admissionregistration/{validating,mutating}webhookconfiguration,
ValidateValidatingWebhookConfiguration*, ValidateMutatingWebhookConfiguration*, v1 defaults).

Each webhook defaults to failurePolicy Fail, matchPolicy Equivalent, empty namespace and
object selectors and a 10s timeout (mutating ones also reinvocationPolicy Never); rules
default to scope "*" and service references to port 443. sideEffects and
admissionReviewVersions have no default. An update tolerates what the stored configuration
already had (side effects, unrecognized review versions, duplicate names, invalid selector
values); the generation moves with the webhooks. Match condition expressions are compiled
(without `params`), unless an update leaves every webhook's conditions as they were.
"""

from __future__ import annotations

from dataclasses import dataclass

from kapiserver.apimachinery import field, objectmeta, validation
from kapiserver.apimachinery.types import Object
from kapiserver.registry.core.podspec.access import as_dict, as_list, as_str, dicts, strings
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.strategy import Strategy, bump_generation_on_change, start_generation
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from . import rules

ACCEPTED_REVIEW_VERSIONS = ("v1", "v1beta1")
SIDE_EFFECTS = ("None", "NoneOnDryRun", "Some", "Unknown")
NO_SIDE_EFFECTS = ("None", "NoneOnDryRun")
MIN_TIMEOUT, MAX_TIMEOUT = 1, 30
_WEBHOOKS = field.new_path("webhooks")


def default_webhooks(obj: Object, mutating: bool) -> None:
    for hook in as_list(obj.get("webhooks")):
        if not isinstance(hook, dict):
            continue
        for key, value in (("failurePolicy", "Fail"), ("matchPolicy", "Equivalent"), ("timeoutSeconds", 10)):
            if hook.get(key) is None:
                hook[key] = value
        for key in ("namespaceSelector", "objectSelector"):
            if hook.get(key) is None:
                hook[key] = {}
        if mutating and hook.get("reinvocationPolicy") is None:
            hook["reinvocationPolicy"] = "Never"
        for rule in as_list(hook.get("rules")):
            if isinstance(rule, dict) and rule.get("scope") is None:
                rule["scope"] = "*"
        service = as_dict(hook.get("clientConfig")).get("service")
        if isinstance(service, dict) and service.get("port") is None:
            service["port"] = 443


@dataclass(frozen=True, slots=True)
class Options:
    ignore_match_conditions: bool = False
    require_no_side_effects: bool = True
    require_recognized_review_version: bool = True
    require_unique_names: bool = True
    allow_invalid_label_value_in_selector: bool = False


def _validate_review_versions(versions: list[str], require_recognized: bool, path: field.Path) -> field.ErrorList:
    if not versions:
        return [field.required(path, "must specify one of " + ", ".join(ACCEPTED_REVIEW_VERSIONS))]
    errs: field.ErrorList = []
    seen: set[str] = set()
    for i, version in enumerate(versions):
        if version in seen:
            errs.append(field.invalid(path.index(i), version, "duplicate version"))
            continue
        seen.add(version)
        errs += [field.invalid(path.index(i), version, msg) for msg in validation.is_dns1035_label(version)]
    if require_recognized and not seen.intersection(ACCEPTED_REVIEW_VERSIONS):
        errs.append(field.invalid(path, list(versions),
                                  "must include at least one of " + ", ".join(ACCEPTED_REVIEW_VERSIONS)))
    return errs


def _validate_client_config(config: Object, path: field.Path) -> field.ErrorList:
    url, service = config.get("url"), config.get("service")
    if (url is None) == (service is None):
        return [field.required(path, "exactly one of url or service is required")]
    if url is not None:
        return rules.validate_webhook_url(path.child("url"), as_str(url))
    return rules.validate_webhook_service(path.child("service"), as_dict(service))


def validate_webhook(hook: Object, mutating: bool, opts: Options, path: field.Path) -> field.ErrorList:
    errs = validation.is_fully_qualified_name(path.child("name"), as_str(hook.get("name")))
    for i, rule in enumerate(dicts(hook.get("rules"))):
        errs += rules.validate_rule_with_operations(rule, path.child("rules").index(i))
    for key, allowed in (("failurePolicy", rules.FAILURE_POLICIES), ("matchPolicy", rules.MATCH_POLICIES)):
        value = hook.get(key)
        if value is not None and value not in allowed:
            errs.append(field.not_supported(path.child(key), value, allowed))
    allowed_side_effects = NO_SIDE_EFFECTS if opts.require_no_side_effects else SIDE_EFFECTS
    side_effects = hook.get("sideEffects")
    if side_effects is None:
        errs.append(field.required(path.child("sideEffects"), "must specify one of " + ", ".join(allowed_side_effects)))
    elif side_effects not in allowed_side_effects:
        errs.append(field.not_supported(path.child("sideEffects"), side_effects, allowed_side_effects))
    timeout = hook.get("timeoutSeconds")
    if isinstance(timeout, int) and not MIN_TIMEOUT <= timeout <= MAX_TIMEOUT:
        errs.append(field.invalid(path.child("timeoutSeconds"), timeout, "the timeout value must be between 1 and 30 seconds"))
    for key in ("namespaceSelector", "objectSelector"):
        if hook.get(key) is not None:
            errs += rules.validate_label_selector(hook[key], path.child(key), opts.allow_invalid_label_value_in_selector)
    reinvocation = hook.get("reinvocationPolicy")
    if mutating and reinvocation is not None and reinvocation not in rules.REINVOCATION_POLICIES:
        errs.append(field.not_supported(path.child("reinvocationPolicy"), reinvocation, rules.REINVOCATION_POLICIES))
    errs += _validate_client_config(as_dict(hook.get("clientConfig")), path.child("clientConfig"))
    if not opts.ignore_match_conditions:
        errs += rules.validate_match_conditions(dicts(hook.get("matchConditions")), path.child("matchConditions"),
                                                compile_with_params=False)
    return errs


def validate_configuration(obj: Object, mutating: bool, opts: Options = Options()) -> field.ErrorList:
    errs = objectmeta.validate_object_meta(obj.get("metadata", {}), False, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))
    names: set[str] = set()
    for i, hook in enumerate(dicts(obj.get("webhooks"))):
        path = _WEBHOOKS.index(i)
        errs += validate_webhook(hook, mutating, opts, path)
        errs += _validate_review_versions(strings(hook.get("admissionReviewVersions")),
                                          opts.require_recognized_review_version, path.child("admissionReviewVersions"))
        name = as_str(hook.get("name"))
        if opts.require_unique_names and name:
            if name in names:
                errs.append(field.duplicate(path.child("name"), name))
            names.add(name)
    return errs


def _update_options(obj: Object, old: Object) -> Options:
    hooks, old_hooks = dicts(obj.get("webhooks")), dicts(old.get("webhooks"))
    same_conditions = len(hooks) == len(old_hooks) and all(
        h.get("matchConditions") == o.get("matchConditions") for h, o in zip(hooks, old_hooks))
    names = [as_str(h.get("name")) for h in old_hooks]
    recognized = all(not strings(h.get("admissionReviewVersions"))
                     or set(strings(h.get("admissionReviewVersions"))) & set(ACCEPTED_REVIEW_VERSIONS)
                     for h in old_hooks)
    invalid_selectors = any(rules.validate_label_selector(h[key], field.ROOT)
                            for h in old_hooks for key in ("namespaceSelector", "objectSelector")
                            if h.get(key) is not None)
    return Options(
        ignore_match_conditions=same_conditions,
        require_no_side_effects=all(h.get("sideEffects") in NO_SIDE_EFFECTS for h in old_hooks),
        require_recognized_review_version=recognized,
        require_unique_names=len(set(names)) == len(names),
        allow_invalid_label_value_in_selector=invalid_selectors,
    )


def validate_configuration_update(obj: Object, old: Object, mutating: bool) -> field.ErrorList:
    return validate_configuration(obj, mutating, _update_options(obj, old))


class WebhookConfigurationStrategy(Strategy):
    def __init__(self, mutating: bool):
        self.mutating = mutating

    def default(self, obj: Object) -> None:
        default_webhooks(obj, self.mutating)

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        start_generation(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        bump_generation_on_change(obj, old, "webhooks")

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_configuration(obj, self.mutating)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                      field.new_path("metadata"))
        return errs + validate_configuration_update(obj, old, self.mutating)


WEBHOOKS_DESCRIPTION = "Webhooks indicates the number of webhooks registered in this configuration"
WEBHOOK_PRINTER = Printer(
    (NAME_COLUMN, Column("Webhooks", "integer", "", WEBHOOKS_DESCRIPTION), AGE_COLUMN),
    lambda obj: [name_of(obj), len(dicts(obj.get("webhooks"))), age(obj)],
)

VALIDATINGWEBHOOKCONFIGURATIONS = ResourceSpec(
    group="admissionregistration.k8s.io", version="v1", kind="ValidatingWebhookConfiguration",
    plural="validatingwebhookconfigurations", singular="validatingwebhookconfiguration", namespaced=False,
    strategy=WebhookConfigurationStrategy(mutating=False), categories=("api-extensions",), printer=WEBHOOK_PRINTER,
)
MUTATINGWEBHOOKCONFIGURATIONS = ResourceSpec(
    group="admissionregistration.k8s.io", version="v1", kind="MutatingWebhookConfiguration",
    plural="mutatingwebhookconfigurations", singular="mutatingwebhookconfiguration", namespaced=False,
    strategy=WebhookConfigurationStrategy(mutating=True), categories=("api-extensions",), printer=WEBHOOK_PRINTER,
)
