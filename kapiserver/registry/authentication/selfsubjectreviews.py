"""selfsubjectreviews, authentication.k8s.io/v1 (upstream
pkg/registry/authentication/selfsubjectreview): who the caller is (`kubectl auth whoami`).

Create-only, never stored: the answer is a new object whose status carries the caller's
user info, stamped with the time of the request.
"""

from __future__ import annotations

from kapiserver.apimachinery import timefmt
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import CreateOptions, RequestContext, ValidateObjectFunc
from kapiserver.registry.spec import ResourceSpec
from kapiserver.storage.interface import Storage

GROUP = "authentication.k8s.io"


class SelfSubjectReviewREST:
    async def create(self, ctx: RequestContext, obj: Object, create_validation: ValidateObjectFunc | None,
                     options: CreateOptions) -> Object:
        if create_validation is not None:
            await create_validation(ctx, obj)
        return {"kind": "SelfSubjectReview", "apiVersion": f"{GROUP}/v1",
                "metadata": {"creationTimestamp": timefmt.now_rfc3339()},
                "status": {"userInfo": ctx.user.to_dict()}}


def _rest(spec: ResourceSpec, storage: Storage) -> SelfSubjectReviewREST:
    return SelfSubjectReviewREST()


SELFSUBJECTREVIEWS = ResourceSpec(
    group=GROUP, version="v1", kind="SelfSubjectReview", plural="selfsubjectreviews", singular="selfsubjectreview",
    namespaced=False, rest_factory=_rest, stored=False)
