"""Run and shut down (upstream preparedGenericAPIServer.Run and its shutdown stages).

Serving starts, then the post-start hooks run (readiness waits for them). On SIGTERM or
SIGINT: stop accepting, end watches, let in-flight requests finish, run the pre-shutdown
hooks, then close what the server owns (storage last, so every acknowledged write is on disk).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from . import serving
from .genericapiserver import GenericAPIServer, Hook
from .handler_chain import build_filters, build_handler_chain
from .healthz import HealthCheck
from .routes import install_root_routes

log = logging.getLogger(__name__)

Closer = Callable[[], Awaitable[None]]


@dataclass(slots=True)
class PreparedAPIServer:
    server: GenericAPIServer
    closers: list[Closer] = field(default_factory=list)
    hooks_done: set[str] = field(default_factory=set)
    serving: serving.Serving | None = None
    shutting_down: bool = False

    async def start(self) -> int:
        """Listen, then run the post-start hooks; returns the bound port."""
        port = await self.listen()
        await self.run_post_start_hooks()
        return port

    async def listen(self) -> int:
        """Start serving (readiness waits for the hooks); returns the bound port."""
        config = self.server.config
        handler = build_handler_chain(build_filters(config), self.server.handle)
        self.serving = await serving.start(handler, config.bind_address, config.secure_port, config.ssl_context,
                                           config.max_request_body_bytes, config.shutdown_timeout)
        port = self.serving.port
        config.secure_port = port  # resolved now (--secure-port 0); post-start hooks may need it
        log.info("Serving securely on %s:%d", config.bind_address, port)
        return port

    async def run_post_start_hooks(self) -> None:
        """In registration order: a server's later hooks may rely on its earlier ones (upstream runs
        them in goroutines that synchronize through informers, which these hooks do not have)."""
        for hook in _all_hooks(self.server, "post_start_hooks"):
            await self._run_hook(hook)

    async def _run_hook(self, hook: Hook) -> None:
        try:
            await hook.run()
        except Exception:
            log.exception("post-start hook %s failed", hook.name)
            raise
        self.hooks_done.add(hook.name)

    async def stop(self) -> None:
        self.shutting_down = True
        if self.serving is not None:
            await serving.stop(self.serving)
            self.serving = None
        for hook in _all_hooks(self.server, "pre_shutdown_hooks"):
            try:
                await hook.run()
            except Exception:
                log.exception("pre-shutdown hook %s failed", hook.name)
        for close in reversed(self.closers):
            await close()

    async def run(self, stop: asyncio.Event | None = None, on_ready: Callable[[int], None] | None = None) -> None:
        """Serve until `stop` is set or a SIGTERM/SIGINT arrives."""
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):
                pass
        try:
            port = await self.listen()
            if on_ready is not None:
                on_ready(port)
            await self.run_post_start_hooks()
            await stop.wait()
            log.info("Shutting down")
            if self.server.config.shutdown_delay:
                await asyncio.sleep(self.server.config.shutdown_delay)
        finally:
            await self.stop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                try:
                    loop.remove_signal_handler(sig)
                except (NotImplementedError, RuntimeError):
                    pass


def _all_hooks(head: GenericAPIServer, attribute: str) -> list[Hook]:
    hooks: list[Hook] = []
    for server in reversed(head.chain()):
        hooks.extend(getattr(server, attribute))
    return hooks


def prepare_run(head: GenericAPIServer, closers: list[Closer] | None = None) -> PreparedAPIServer:
    """Install the root documents and health checks on the head of the chain (upstream PrepareRun)."""
    prepared = PreparedAPIServer(head, list(closers or []))
    for hook in _all_hooks(head, "post_start_hooks"):
        head.health_checks.append(HealthCheck(f"poststarthook/{hook.name}", _hook_done(prepared, hook.name)))

    async def not_shutting_down() -> None:
        if prepared.shutting_down:
            raise RuntimeError("process is shutting down")

    head.readiness_checks.append(HealthCheck("shutdown", not_shutting_down))
    install_root_routes(head)
    return prepared


def _hook_done(prepared: PreparedAPIServer, name: str) -> Callable[[], Awaitable[None]]:
    async def check() -> None:
        if name not in prepared.hooks_done:
            raise RuntimeError("not finished")

    return check
