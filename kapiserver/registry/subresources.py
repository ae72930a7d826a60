"""Generic subresources: `status` (get, update and patch of the same object under another strategy)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kapiserver.apimachinery.types import Object

from .rest import (
    GetOptions,
    RequestContext,
    UpdatedObjectInfo,
    UpdateOptions,
    ValidateObjectFunc,
    ValidateObjectUpdateFunc,
)
from .spec import Subresource
from .strategy import Strategy

if TYPE_CHECKING:
    from .store import Store


class StatusREST:
    """upstream's StatusREST: only get and update, with a strategy that keeps everything but status."""

    def __init__(self, store: Store):
        self._store = store
        self.strategy = store.strategy

    def convert_to_table(self, ctx: RequestContext, obj: Object, include_object: str) -> Object:
        return self._store.convert_to_table(ctx, obj, include_object)

    async def get(self, ctx: RequestContext, name: str, options: GetOptions) -> Object:
        return await self._store.get(ctx, name, options)

    async def update(self, ctx: RequestContext, name: str, obj_info: UpdatedObjectInfo,
                     create_validation: ValidateObjectFunc | None, update_validation: ValidateObjectUpdateFunc | None,
                     force_allow_create: bool, options: UpdateOptions) -> tuple[Object, bool]:
        # Subresources never create the object (upstream passes forceAllowCreate=false).
        return await self._store.update(ctx, name, obj_info, create_validation, update_validation, False, options)


def status(strategy: Strategy) -> Subresource:
    return Subresource("status", lambda store: StatusREST(store.with_strategy(strategy)))
