"""The Established condition (upstream controller/establish/establishing_controller.go).

Once a CRD's names are accepted it is established, unless its conversion webhook's
caBundle cannot be read as root certificates. Upstream delays this by five seconds when
several API servers share the cluster; kapiserver establishes at once.
"""

from __future__ import annotations

from typing import Any

from kapiserver.apimachinery import meta
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext

from .. import helpers, validation_parts
from .informer import CRDInformer
from .status import update_status
from .workqueue import WorkQueue


def _needs_establishing(crd: Object) -> bool:
    return helpers.is_condition_true(crd, helpers.NAMES_ACCEPTED) and \
        not helpers.is_condition_true(crd, helpers.ESTABLISHED)


class EstablishingController:
    def __init__(self, informer: CRDInformer, status_rest: Any, ctx: RequestContext):
        self._informer = informer
        self._status = status_rest
        self._ctx = ctx
        self.queue = WorkQueue("establishing", self.sync)
        informer.handlers.append(self)

    def on_add(self, crd: Object) -> None:
        if _needs_establishing(crd):
            self.queue.add(meta.name(crd))

    def on_update(self, old: Object, new: Object) -> None:
        self.on_add(new)

    def on_delete(self, crd: Object) -> None:
        pass

    async def sync(self, name: str) -> None:
        crd = self._informer.get(name)
        if crd is None or not _needs_establishing(crd):
            return
        updated = meta.deep_copy(crd)
        webhook = (helpers.spec(crd).get("conversion") or {}).get("webhook") or {}
        config = webhook.get("clientConfig")
        if isinstance(config, dict) and validation_parts.ca_bundle_problem(config.get("caBundle")):
            helpers.set_condition(updated, helpers.condition(helpers.ESTABLISHED, "False", "InvalidCABundle",
                                                             "The conversion webhook CABundle is invalid"))
        else:
            helpers.set_condition(updated, helpers.condition(helpers.ESTABLISHED, "True", "InitialNamesAccepted",
                                                             "the initial names have been accepted"))
        out = await update_status(self._status, self._ctx, updated)
        if out is not None:
            self._informer.mutation(out)
