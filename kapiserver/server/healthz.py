"""/healthz, /livez and /readyz with ?verbose, ?exclude= and /<check> (upstream server/healthz)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from kapiserver.apimachinery.field import go_quote

CheckFunc = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class HealthCheck:
    """A named check; raising means unhealthy."""

    name: str
    check: CheckFunc


async def ping() -> None:
    """Always ok: the server answers (upstream PingHealthz; the log check is the same here)."""
    return


def _text(status: int, body: str) -> web.Response:
    return web.Response(status=status, text=body, headers={"Content-Type": "text/plain; charset=utf-8",
                                                           "X-Content-Type-Options": "nosniff"})


async def serve(kind: str, checks: list[HealthCheck], request: web.Request, subpath: str) -> web.Response:
    """Answer /<kind> or /<kind>/<check>, upstream's text format."""
    if subpath:
        for check in checks:
            if check.name == subpath:
                try:
                    await check.check()
                except Exception as exc:  # noqa: BLE001 - any failure is the check's answer
                    return _text(500, f"internal server error: {exc}\n")
                return _text(200, "ok")
        return _text(404, "404 page not found\n")
    excluded = set(request.query.getall("exclude", []))
    unknown = set(excluded)
    lines: list[str] = []
    failed = False
    for check in checks:
        if check.name in excluded:
            unknown.discard(check.name)
            lines.append(f"[+]{check.name} excluded: ok")
            continue
        try:
            await check.check()
            lines.append(f"[+]{check.name} ok")
        except Exception:  # noqa: BLE001 - any failure is the check's answer
            failed = True
            lines.append(f"[-]{check.name} failed: reason withheld")
    if unknown:
        names = ",".join(go_quote(name) for name in sorted(unknown))
        lines.append(f"warn: some health checks cannot be excluded: no matches for {names}")
    verbose = "verbose" in request.query
    if failed:
        return _text(500, "\n".join(lines) + f"\n{kind} check failed\n")
    if not verbose:
        return _text(200, "ok")
    return _text(200, "\n".join(lines) + f"\n{kind} check passed\n")
