"""Defaults and Go-struct shape of a CustomResourceDefinition (upstream
apiextensions/v1/defaults.go and the v1 types' JSON tags).

`set_defaults` runs on every decoded CRD body (create, update, the result of a patch).
`go_shape` writes the fields Go always encodes (non-omitempty) with their zero values,
as a CRD read back from kube-apiserver has them: `status.acceptedNames.plural/kind`,
`status.conditions: null`, `served`/`storage` on each version, and so on.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery.types import Object

NONE_CONVERTER = "None"
WEBHOOK_CONVERTER = "Webhook"
DEFAULT_SERVICE_PORT = 443


def set_defaults(crd: Object) -> None:
    """SetDefaults_CustomResourceDefinition (+ Spec, + ServiceReference). Mutates crd."""
    spec = crd.get("spec")
    if isinstance(spec, dict):
        _spec_defaults(spec)
    status = crd.get("status")
    stored = status.get("storedVersions") if isinstance(status, dict) else None
    if not stored and isinstance(spec, dict):
        storage = next((v.get("name") for v in spec.get("versions") or [] if isinstance(v, dict) and v.get("storage")),
                       None)
        if storage is not None:
            crd.setdefault("status", {})
            if not isinstance(crd["status"], dict):
                crd["status"] = {}
            crd["status"]["storedVersions"] = [storage]


def _spec_defaults(spec: dict[str, Any]) -> None:
    names = spec.get("names")
    if isinstance(names, dict):
        kind = names.get("kind")
        if not names.get("singular") and isinstance(kind, str):
            names["singular"] = kind.lower()
        if not names.get("listKind") and isinstance(kind, str) and kind:
            names["listKind"] = kind + "List"
    if spec.get("conversion") is None:
        spec["conversion"] = {"strategy": NONE_CONVERTER}
    conversion = spec.get("conversion")
    if isinstance(conversion, dict):
        webhook = conversion.get("webhook")
        config = webhook.get("clientConfig") if isinstance(webhook, dict) else None
        service = config.get("service") if isinstance(config, dict) else None
        if isinstance(service, dict) and service.get("port") is None:
            service["port"] = DEFAULT_SERVICE_PORT


def go_shape(crd: Object) -> None:
    """Fill what the v1 Go types always encode. Mutates crd."""
    spec = crd.setdefault("spec", {})
    if not isinstance(spec, dict):
        return
    spec.setdefault("group", "")
    spec.setdefault("scope", "")
    _names_shape(spec.setdefault("names", {}))
    if spec.get("versions") is None:
        spec["versions"] = None
    for version in spec.get("versions") or []:
        if isinstance(version, dict):
            version.setdefault("name", "")
            version.setdefault("served", False)
            version.setdefault("storage", False)
            for column in version.get("additionalPrinterColumns") or []:
                if isinstance(column, dict):
                    for key in ("name", "type", "jsonPath"):
                        column.setdefault(key, "")
            for selectable in version.get("selectableFields") or []:
                if isinstance(selectable, dict):
                    selectable.setdefault("jsonPath", "")
            scale = (version.get("subresources") or {}).get("scale")
            if isinstance(scale, dict):
                scale.setdefault("specReplicasPath", "")
                scale.setdefault("statusReplicasPath", "")
    conversion = spec.get("conversion")
    if isinstance(conversion, dict):
        conversion.setdefault("strategy", "")
        webhook = conversion.get("webhook")
        if isinstance(webhook, dict):
            webhook.setdefault("conversionReviewVersions", None)
            service = (webhook.get("clientConfig") or {}).get("service")
            if isinstance(service, dict):
                service.setdefault("namespace", "")
                service.setdefault("name", "")
    status = crd.setdefault("status", {})
    if isinstance(status, dict):
        status.setdefault("conditions", None)
        _names_shape(status.setdefault("acceptedNames", {}))
        status.setdefault("storedVersions", None)
        for cond in status.get("conditions") or []:
            if isinstance(cond, dict):
                cond.setdefault("type", "")
                cond.setdefault("status", "")


def _names_shape(names: Any) -> None:
    if isinstance(names, dict):
        names.setdefault("plural", "")
        names.setdefault("kind", "")
