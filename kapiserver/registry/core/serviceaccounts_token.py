"""serviceaccounts/token: TokenRequest (upstream pkg/registry/core/serviceaccount/storage/token.go,
pkg/serviceaccount/claims.go, ValidateTokenRequest, SetDefaults_TokenRequestSpec).

A POST of an authentication.k8s.io/v1 TokenRequest to a ServiceAccount answers a signed
token for it (`kubectl create token`): audiences default to the API audiences (the issuer),
expirationSeconds to 3600 and must lie between 10 minutes and 2^32 seconds. A token may be
bound to a Pod (of that service account; its node is named too), a Secret or a Node; a
bound object's uid, when given, must match. The token's claims are upstream's: iss, sub,
aud, iat, nbf, exp, jti and the `kubernetes.io` claim naming the namespace, the service
account and what it is bound to.
"""

from __future__ import annotations

import datetime
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from kapiserver.apimachinery import errors, field, golang, meta, timefmt
from kapiserver.apimachinery.schema import GroupKind, GroupResource
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import CreateOptions, GetOptions, RequestContext, ValidateObjectFunc

TOKEN_REQUEST_KIND = GroupKind("authentication.k8s.io", "TokenRequest")
DEFAULT_EXPIRATION_SECONDS = 3600
MIN_EXPIRATION_SECONDS = 10 * 60
MAX_EXPIRATION_SECONDS = 1 << 32
WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS = 60 * 60 + 7
EXPIRATION_EXTENSION_SECONDS = 24 * 365 * 60 * 60
ISSUED_CREDENTIAL_ID_ANNOTATION = "authentication.kubernetes.io/issued-credential-id"

# Looks an object up by (namespace, name); None when it does not exist.
ObjectGetter = Callable[[str, str], Awaitable[Object | None]]


class TokenIssuer(Protocol):
    """Signs claims (the iss claim is the issuer's own)."""

    issuer: str

    def generate_token(self, claims: dict[str, Any]) -> str: ...


def validate_token_request(request: Object) -> field.ErrorList:
    seconds = (request.get("spec") or {}).get("expirationSeconds") or 0
    path = field.new_path("spec", "expirationSeconds")
    errs: field.ErrorList = []
    if seconds < MIN_EXPIRATION_SECONDS:
        errs.append(field.invalid(path, seconds, "may not specify a duration less than 10 minutes"))
    if seconds > MAX_EXPIRATION_SECONDS:
        errs.append(field.invalid(path, seconds, "may not specify a duration larger than 2^32 seconds"))
    return errs


def _ref(obj: Object) -> Object:
    return {"name": meta.name(obj), "uid": meta.uid(obj)}


def claims(sa: Object, pod: Object | None, secret: Object | None, node: Object | None, expiration: int,
           warn_after: int, audiences: list[str], now: float) -> dict[str, Any]:
    """upstream serviceaccount.Claims: the registered claims plus the `kubernetes.io` one."""
    issued = int(now)
    kube: dict[str, Any] = {"namespace": meta.namespace(sa), "serviceaccount": _ref(sa)}
    if pod is not None:
        kube["pod"] = _ref(pod)
    if secret is not None:
        kube["secret"] = _ref(secret)
    if node is not None:
        kube["node"] = {k: v for k, v in _ref(node).items() if v}
    if warn_after:
        kube["warnafter"] = issued + warn_after
    return {"sub": f"system:serviceaccount:{meta.namespace(sa)}:{meta.name(sa)}", "aud": list(audiences),
            "iat": issued, "nbf": issued, "exp": issued + expiration, "jti": str(uuid.uuid4()), "kubernetes.io": kube}


class TokenREST:
    """create on serviceaccounts/token; `getters` reads pods, secrets and nodes ("" namespace)."""

    def __init__(self, service_accounts: Any, issuer: TokenIssuer, audiences: list[str],
                 getters: dict[str, ObjectGetter], extend_expiration: bool = True):
        self._service_accounts = service_accounts
        self.issuer = issuer
        self.audiences = audiences
        self._get = getters
        self.extend_expiration = extend_expiration

    def _check_meta(self, ctx: RequestContext, request: Object) -> None:
        metadata = request.get("metadata") or {}
        if metadata.get("name") and metadata["name"] != ctx.name:
            raise errors.invalid(TOKEN_REQUEST_KIND, ctx.name, [field.invalid(
                field.new_path("metadata", "name"), metadata["name"], "must match the service account name if specified")])
        if metadata.get("namespace") and metadata["namespace"] != ctx.namespace:
            raise errors.invalid(TOKEN_REQUEST_KIND, ctx.name, [field.invalid(
                field.new_path("metadata", "namespace"), metadata["namespace"],
                "must match the service account namespace if specified")])

    async def _bound(self, ctx: RequestContext, ref: Object) -> tuple[Object | None, Object | None, Object | None]:
        """(pod, secret, node) named by spec.boundObjectRef."""
        api_version, kind, name = str(ref.get("apiVersion") or ""), str(ref.get("kind") or ""), str(ref.get("name") or "")
        group = api_version.rpartition("/")[0] if "/" in api_version else ""
        pod = secret = node = None
        if group == "" and kind == "Pod":
            pod = await self._need("pods", ctx.namespace, name)
            if (pod.get("spec") or {}).get("serviceAccountName") != ctx.name:
                raise errors.bad_request(f"cannot bind token for serviceaccount {golang.go_quote(ctx.name)} to pod "
                                         "running with different serviceaccount name.")
            node_name = str((pod.get("spec") or {}).get("nodeName") or "")
            if node_name:
                node = await self._get["nodes"]("", node_name) or {"metadata": {"name": node_name}}
            bound = pod
        elif group == "" and kind == "Node":
            node = bound = await self._need("nodes", "", name)
        elif group == "" and kind == "Secret":
            secret = bound = await self._need("secrets", ctx.namespace, name)
        else:
            version = api_version.rpartition("/")[2]
            raise errors.bad_request(f"cannot bind token to object of type {group}/{version}, Kind={kind}")
        if ref.get("uid") and ref["uid"] != meta.uid(bound):
            raise errors.conflict(GroupResource(group, kind), name, f"the UID in the bound object reference "
                                  f"({ref['uid']}) does not match the UID in record. The object might have been "
                                  "deleted and then recreated")
        return pod, secret, node

    async def _need(self, resource: str, namespace: str, name: str) -> Object:
        found = await self._get[resource](namespace, name)
        if found is None:
            raise errors.not_found(GroupResource("", resource), name)
        return found

    async def create(self, ctx: RequestContext, obj: Object, create_validation: ValidateObjectFunc | None,
                     options: CreateOptions) -> Object:
        if not ctx.namespace:
            raise errors.bad_request("namespace is required")
        self._check_meta(ctx, obj)
        sa = await self._service_accounts.get(ctx, ctx.name, GetOptions())
        spec = obj.setdefault("spec", {})
        if spec.get("expirationSeconds") is None:
            spec["expirationSeconds"] = DEFAULT_EXPIRATION_SECONDS
        if not spec.get("audiences"):
            spec["audiences"] = list(self.audiences)
        metadata = meta.ensure_metadata(obj)
        metadata["name"] = metadata.get("name") or meta.name(sa)
        metadata["namespace"] = metadata.get("namespace") or meta.namespace(sa)
        now = time.time()
        metadata["creationTimestamp"] = timefmt.now_rfc3339()
        obj.pop("status", None)
        errs = validate_token_request(obj)
        if errs:
            raise errors.invalid(TOKEN_REQUEST_KIND, "", errs)
        if create_validation is not None:
            await create_validation(ctx, meta.deep_copy(obj))
        pod = secret = node = None
        if spec.get("boundObjectRef") is not None:
            pod, secret, node = await self._bound(ctx, spec["boundObjectRef"])
        expiration, warn_after = int(spec["expirationSeconds"]), 0
        if self.extend_expiration and pod is not None and expiration == WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS \
                and all(a in self.audiences for a in spec["audiences"]):
            warn_after, expiration = expiration, EXPIRATION_EXTENSION_SECONDS
        token_claims = claims(sa, pod, secret, node, expiration, warn_after, spec["audiences"], now)
        token = self.issuer.generate_token(token_claims)
        ctx.audit_annotations[ISSUED_CREDENTIAL_ID_ANNOTATION] = f"JTI={token_claims['jti']}"
        expires = timefmt.format_time(datetime.datetime.fromtimestamp(now + int(spec["expirationSeconds"]),
                                                                      datetime.UTC))
        obj["status"] = {"token": token, "expirationTimestamp": expires}
        return obj
