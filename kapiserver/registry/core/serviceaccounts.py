"""serviceaccounts (upstream pkg/registry/core/serviceaccount, ValidateServiceAccount*).

The `serviceaccounts/token` subresource (TokenRequest, serviceaccounts_token.py) is served
when the control plane has a token issuer: `serviceaccounts_spec()` adds it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from kapiserver.apimachinery import field, objectmeta
from kapiserver.apimachinery.schema import GroupVersionKind
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext
from kapiserver.registry.spec import ResourceSpec, Subresource
from kapiserver.registry.strategy import Strategy
from kapiserver.registry.table import AGE_COLUMN, NAME_COLUMN, Column, Printer, age, name_of

from .serviceaccounts_token import ObjectGetter, TokenIssuer, TokenREST

ENFORCE_MOUNTABLE_SECRETS = "kubernetes.io/enforce-mountable-secrets"
ENFORCE_MOUNTABLE_SECRETS_WARNING = (f"metadata.annotations[{ENFORCE_MOUNTABLE_SECRETS}]: deprecated in v1.32+; "
                                     "prefer separate namespaces to isolate access to mounted secrets")


def validate_service_account(obj: Object) -> field.ErrorList:
    return objectmeta.validate_object_meta(obj.get("metadata", {}), True, objectmeta.name_is_dns_subdomain,
                                           field.new_path("metadata"))


def clean_secret_references(obj: Object) -> None:
    """Secret references keep only their name (cleanSecretReferences)."""
    secrets = obj.get("secrets")
    if isinstance(secrets, list):
        obj["secrets"] = [_name_only(ref) for ref in secrets]


def _name_only(ref: object) -> Object:
    name = ref.get("name") if isinstance(ref, dict) else None
    return {"name": name} if name else {}


def _annotations(obj: Object) -> dict[str, str]:
    return obj.get("metadata", {}).get("annotations") or {}


def enforce_mountable_secrets_warnings(obj: Object, old: Object | None) -> list[str]:
    """Warn when the deprecated annotation is newly set (not when an update keeps it)."""
    if old is not None and ENFORCE_MOUNTABLE_SECRETS in _annotations(old):
        return []
    return [ENFORCE_MOUNTABLE_SECRETS_WARNING] if ENFORCE_MOUNTABLE_SECRETS in _annotations(obj) else []


class ServiceAccountStrategy(Strategy):
    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        clean_secret_references(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        clean_secret_references(obj)

    def validate(self, ctx: RequestContext, obj: Object) -> field.ErrorList:
        return validate_service_account(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> field.ErrorList:
        errs = objectmeta.validate_object_meta_update(obj.get("metadata", {}), old.get("metadata", {}),
                                                      field.new_path("metadata"))
        return errs + validate_service_account(obj)

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        return enforce_mountable_secrets_warnings(obj, None)

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return enforce_mountable_secrets_warnings(obj, old)


SECRETS_DESCRIPTION = (
    'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed '
    'to use. Pods are only limited to this list if this service account has a "kubernetes.io/enforce-mountable-'
    'secrets" annotation set to "true". The "kubernetes.io/enforce-mountable-secrets" annotation is deprecated since '
    'v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should not be used to find '
    'auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly '
    'using the TokenRequest API, or service account token secrets can be manually created. More info: '
    'https://kubernetes.io/docs/concepts/configuration/secret')


def _row(obj: Object) -> list[object]:
    return [name_of(obj), len(obj.get("secrets") or []), age(obj)]


SERVICEACCOUNTS = ResourceSpec(
    group="", version="v1", kind="ServiceAccount", plural="serviceaccounts", singular="serviceaccount",
    namespaced=True, strategy=ServiceAccountStrategy(), short_names=("sa",), return_deleted_object=True,
    printer=Printer((NAME_COLUMN, Column("Secrets", "string", "", SECRETS_DESCRIPTION), AGE_COLUMN), _row),
)


def serviceaccounts_spec(issuer: TokenIssuer | None = None, audiences: Sequence[str] = (),
                         getters: dict[str, ObjectGetter] | None = None) -> ResourceSpec:
    """The serviceaccounts spec, with serviceaccounts/token when there is an issuer (upstream
    installs the subresource only then). `audiences` default to the issuer (--api-audiences)."""
    if issuer is None:
        return SERVICEACCOUNTS
    chosen = list(audiences) or [issuer.issuer]
    token = Subresource("token", lambda store: TokenREST(store, issuer, chosen, dict(getters or {})),
                        GroupVersionKind("authentication.k8s.io", "v1", "TokenRequest"))
    return dataclasses.replace(SERVICEACCOUNTS, subresources=(token,))
