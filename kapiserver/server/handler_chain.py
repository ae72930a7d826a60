"""The filters every request passes through, outermost first (upstream DefaultBuildHandlerChain).

A feature that is off is left out of the list; no filter checks a flag per request.
"""

from __future__ import annotations

from collections.abc import Sequence

from .config import Config
from .filters import Filter, Handler
from .filters.authentication import with_authentication
from .filters.authorization import impersonation_authorizer, with_authorization
from .filters.impersonation import with_impersonation
from .filters.panic import with_panic_recovery
from .filters.request_info import with_request_info
from .filters.timeout import with_timeout


def build_filters(config: Config) -> list[Filter]:
    filters: list[Filter] = [with_panic_recovery, with_request_info]
    if config.authenticator is not None:
        filters.append(with_authentication(config.authenticator))
        # impersonate is asked of the authorizer; with none (AlwaysAllow) everyone may impersonate
        filters.append(with_impersonation(
            impersonation_authorizer(config.authorizer) if config.authorizer is not None else None))
    if config.authorizer is not None:
        filters.append(with_authorization(config.authorizer))
    filters.append(with_timeout(config.request_timeout))
    return filters


def build_handler_chain(filters: Sequence[Filter], inner: Handler) -> Handler:
    handler = inner
    for filter_ in reversed(filters):
        handler = _bind(filter_, handler)
    return handler


def _bind(filter_: Filter, next_handler: Handler) -> Handler:
    async def handle(request):  # type: ignore[no-untyped-def]
        return await filter_(request, next_handler)

    return handle
