"""The outermost filter: every StatusError becomes its Status response, anything else a 500
(upstream WithPanicRecovery plus the error responder), and one log line per request."""

from __future__ import annotations

import asyncio
import logging
import time

from aiohttp import web

from kapiserver.apimachinery import errors
from kapiserver.endpoints.responses import write_status

from . import Handler

log = logging.getLogger("kapiserver.httplog")


async def with_panic_recovery(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    status = 0
    try:
        response = await handler(request)
        status = response.status
        return response
    except errors.StatusError as err:
        status = err.code
        return write_status(err, request.headers.get("Accept", ""))
    except (asyncio.CancelledError, web.HTTPException):
        raise
    except (ConnectionResetError, ConnectionError):
        raise
    except Exception as exc:
        log.exception("internal error serving %s %s", request.method, request.path_qs)
        status = 500
        return write_status(errors.internal_error(exc), request.headers.get("Accept", ""))
    finally:
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s %s %d %.1fms", request.method, request.path_qs, status,
                      (time.perf_counter() - started) * 1000)
