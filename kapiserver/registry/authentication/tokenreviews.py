"""tokenreviews, authentication.k8s.io/v1 (upstream pkg/registry/authentication/tokenreview).

Create-only, never stored: the server's own token authenticators are asked whether the bearer
token in `spec.token` authenticates for `spec.audiences` (the API audiences when empty), and the
answer is the review with `status` filled in (authenticated, user, audiences, error).
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import errors
from kapiserver.apimachinery.types import Object
from kapiserver.authentication.interfaces import (
    AuthenticationError,
    Authenticator,
    AuthRequest,
    TokenAuthenticator,
)
from kapiserver.registry.rest import CreateOptions, RequestContext, ValidateObjectFunc
from kapiserver.registry.spec import ResourceSpec
from kapiserver.storage.interface import Storage

GROUP = "authentication.k8s.io"


class TokenReviewREST:
    def __init__(self, authenticator: Authenticator | None):
        self.authenticator = authenticator

    async def create(self, ctx: RequestContext, obj: Object, create_validation: ValidateObjectFunc | None,
                     options: CreateOptions) -> Object:
        if ctx.namespace:
            raise errors.bad_request(f"namespace is not allowed on this type: {ctx.namespace}")
        spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
        token = str((spec or {}).get("token") or "")
        if not token:
            raise errors.bad_request("token is required for TokenReview in authentication")
        if create_validation is not None:
            await create_validation(ctx, obj)
        if self.authenticator is None:
            return obj
        status: dict[str, Any] = {}
        audiences = [str(a) for a in (spec or {}).get("audiences") or []]
        user, accepted = None, ()
        try:
            if isinstance(self.authenticator, TokenAuthenticator):
                response = await self.authenticator.authenticate_token(token, audiences)
                if response is not None:
                    user, accepted = response.user, response.audiences
            else:
                user = await self.authenticator.authenticate(AuthRequest({"Authorization": f"Bearer {token}"}, None))
        except AuthenticationError as err:
            status["error"] = str(err)
        if user is not None:
            status["authenticated"] = True
        status["user"] = user.to_dict() if user is not None else {}
        if accepted:
            status["audiences"] = list(accepted)
        obj["status"] = status
        return obj


def tokenreviews_spec(authenticator: Authenticator | None) -> ResourceSpec:
    def rest(spec: ResourceSpec, storage: Storage) -> TokenReviewREST:
        return TokenReviewREST(authenticator)

    return ResourceSpec(group=GROUP, version="v1", kind="TokenReview", plural="tokenreviews", singular="tokenreview",
                        namespaced=False, rest_factory=rest, stored=False)
