"""One webhook of a Mutating/ValidatingWebhookConfiguration, with what is parsed once per
configuration version (upstream webhook.WebhookAccessor and its cached selectors/matcher).

Configurations are read as stored (validated and defaulted on write), sorted by name as
upstream's configuration managers sort them; the webhooks keep their order within each.
"""

from __future__ import annotations

from dataclasses import dataclass

from kapiserver.apimachinery import labels
from kapiserver.apimachinery.types import Object

from .matchconditions import Matcher


@dataclass(slots=True)
class WebhookAccessor:
    uid: str  # "<configuration>/<webhook>/<index>": unique, unlike webhook names
    configuration_name: str
    webhook: Object
    namespace_selector: labels.Selector | None  # None: the stored selector does not parse
    object_selector: labels.Selector | None
    matcher: Matcher

    @property
    def name(self) -> str:
        return str(self.webhook.get("name") or "")

    @property
    def fail_closed(self) -> bool:
        return (self.webhook.get("failurePolicy") or "Fail") == "Fail"

    @property
    def match_policy(self) -> str:
        return str(self.webhook.get("matchPolicy") or "Equivalent")

    @property
    def rules(self) -> list[Object]:
        return [r for r in self.webhook.get("rules") or [] if isinstance(r, dict)]

    @property
    def timeout_seconds(self) -> int:
        value = self.webhook.get("timeoutSeconds")
        return int(value) if isinstance(value, int) and value > 0 else 10

    @property
    def side_effects(self) -> str | None:
        value = self.webhook.get("sideEffects")
        return str(value) if value is not None else None

    @property
    def reinvoke_if_needed(self) -> bool:
        return self.webhook.get("reinvocationPolicy") == "IfNeeded"

    @property
    def client_config(self) -> Object:
        return self.webhook.get("clientConfig") or {}

    @property
    def review_versions(self) -> list[str]:
        return [str(v) for v in self.webhook.get("admissionReviewVersions") or []]


def _selector(value: object) -> labels.Selector | None:
    try:
        return labels.selector_from_label_selector(value if isinstance(value, dict) else {})
    except labels.SelectorError:
        return None


def accessors_for(configuration: Object) -> list[WebhookAccessor]:
    name = str((configuration.get("metadata") or {}).get("name") or "")
    out = []
    for index, webhook in enumerate(configuration.get("webhooks") or []):
        if not isinstance(webhook, dict):
            continue
        fail_closed = (webhook.get("failurePolicy") or "Fail") == "Fail"
        conditions = [c for c in webhook.get("matchConditions") or [] if isinstance(c, dict)]
        out.append(WebhookAccessor(f"{name}/{webhook.get('name', '')}/{index}", name, webhook,
                                   _selector(webhook.get("namespaceSelector")),
                                   _selector(webhook.get("objectSelector")), Matcher(conditions, fail_closed)))
    return out


class AccessorCache:
    """Accessors of the configurations seen last, rebuilt only for those whose
    resourceVersion changed (match conditions compile once per version)."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[str, list[WebhookAccessor]]] = {}

    def webhooks(self, configurations: list[Object]) -> list[WebhookAccessor]:
        fresh: dict[str, tuple[str, list[WebhookAccessor]]] = {}
        ordered = sorted(configurations, key=lambda c: str((c.get("metadata") or {}).get("name") or ""))
        out: list[WebhookAccessor] = []
        for configuration in ordered:
            metadata = configuration.get("metadata") or {}
            name, rv = str(metadata.get("name") or ""), str(metadata.get("resourceVersion") or "")
            known = self._seen.get(name)
            if known is None or known[0] != rv or not rv:
                known = (rv, accessors_for(configuration))
            fresh[name] = known
            out.extend(known[1])
        self._seen = fresh
        return out
