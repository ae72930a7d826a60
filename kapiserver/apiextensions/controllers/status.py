"""Writing a CRD's status as the controllers do (upstream crdClient.UpdateStatus).

A controller works on a copy of the CRD it last saw; the write is conditional on that
object's uid and resourceVersion. NotFound and Conflict mean the CRD moved on: the
controllers drop the write and let the next event bring the key back, as upstream's do.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import errors, meta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext, UpdateOptions


class _Replace:
    def __init__(self, obj: Object):
        self._obj = obj

    def preconditions(self) -> tuple[str | None, str | None]:
        return meta.uid(self._obj) or None, None

    async def updated_object(self, ctx: RequestContext, old: Object | None) -> Object:
        return meta.deep_copy(self._obj)


async def update_status(status_rest: Any, ctx: RequestContext, crd: Object) -> Object | None:
    """The stored CRD after the write, or None when it was gone or had changed."""
    try:
        out, _ = await status_rest.update(ctx, meta.name(crd), _Replace(crd), None, None, False, UpdateOptions())
    except errors.StatusError as err:
        if err.reason in ("NotFound", "Conflict"):
            return None
        raise
    return out  # type: ignore[no-any-return]
