"""/metrics: the server's registry in Prometheus text format (upstream routes.DefaultMetrics).

Beside the request metrics the endpoints record, it carries what a scrape of kube-apiserver
shows about the process and the store: kubernetes_build_info, the process_* figures of the
Go client's process collector, and the number of stored objects per resource
(apiserver_storage_objects, apiserver_resource_objects). Upstream polls those counts every
--etcd-count-metric-poll-period; here a scrape recounts when the last count is older than
that, so an idle server does no work for them.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from aiohttp import web

from kapiserver.endpoints.installer import InstalledGroupVersion
from kapiserver.metrics import Counter, Gauge, Registry, Stability
from kapiserver.metrics.registry import LabelValues
from kapiserver.registry.store import Store

from .genericapiserver import GenericAPIServer

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def install(server: GenericAPIServer, build: dict[str, str], poll_period: float = 60.0) -> None:
    """Serve /metrics; build is the /version document."""
    registry = server.config.metrics.registry
    _register_build_info(registry, build)
    _register_process(registry)
    counts = ObjectCounts(registry, lambda: [gv for s in server.chain() for gv in s.installed_group_versions()])

    async def serve(request: web.Request) -> web.StreamResponse:
        if poll_period > 0:
            await counts.refresh(poll_period)
        return web.Response(body=registry.exposition().encode(), headers={"Content-Type": CONTENT_TYPE})

    server.handle_path("/metrics", serve)


def _register_build_info(registry: Registry, info: dict[str, str]) -> None:
    labels = ("major", "minor", "git_version", "git_commit", "git_tree_state", "build_date", "go_version", "compiler",
              "platform")
    gauge = Gauge("kubernetes_build_info", "A metric with a constant '1' value labeled by major, minor, git version, "
                  "git commit, git tree state, build date, Go version, and compiler from which Kubernetes was built, "
                  "and platform on which it is running.", labels, Stability.ALPHA)
    gauge.set((info["major"], info["minor"], info["gitVersion"], info["gitCommit"], info["gitTreeState"],
               info["buildDate"], info["goVersion"], info["compiler"], info["platform"]), 1)
    registry.register(gauge)


class ObjectCounts:
    """Stored objects per resource, counted through each resource's storage."""

    def __init__(self, registry: Registry, installed: Callable[[], Iterable[InstalledGroupVersion]]):
        self._installed = installed
        self._counted_at = float("-inf")
        self.storage_objects = Gauge(
            "apiserver_storage_objects", "[DEPRECATED, consider using apiserver_resource_objects instead] Number of "
            "stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.",
            ("resource",), Stability.STABLE, deprecated_version="1.34.0")
        self.resource_objects = Gauge(
            "apiserver_resource_objects", "Number of stored objects at the time of last check split by kind. In case of "
            "a fetching error, the value will be -1.", ("group", "resource"), Stability.ALPHA)
        registry.register(self.storage_objects)
        registry.register(self.resource_objects)

    async def refresh(self, max_age: float) -> None:
        if time.monotonic() - self._counted_at < max_age:
            return
        self._counted_at = time.monotonic()
        for store in _stores(self._installed()):
            try:
                count = await store.storage.count(store.key_root(""))
            except Exception:  # noqa: BLE001 - upstream reports any failure as -1
                count = -1
            group, resource_name = store.gr.group, store.gr.resource
            self.storage_objects.set((f"{resource_name}.{group}" if group else resource_name,), count)
            self.resource_objects.set((group, resource_name), count)


def _stores(installed: Iterable[InstalledGroupVersion]) -> list[Store]:
    """One Store per group resource (several versions share one)."""
    found: dict[tuple[str, str], Store] = {}
    for group_version in installed:
        for path, entry in group_version.resources.items():
            rest = entry.entry.rest
            if "/" not in path and isinstance(rest, Store):
                found.setdefault((rest.gr.group, rest.gr.resource), rest)
    return list(found.values())


def _register_process(registry: Registry) -> None:
    """The Go client's process collector, figures read from /proc where the platform has it."""
    started = _process_start_time()

    def one(value: float) -> Iterable[tuple[LabelValues, float]]:
        return [((), value)]

    def cpu_seconds() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    gauges = (
        ("process_max_fds", "Maximum number of open file descriptors.",
         lambda: one(resource.getrlimit(resource.RLIMIT_NOFILE)[0])),
        ("process_open_fds", "Number of open file descriptors.", lambda: one(_open_fds())),
        ("process_resident_memory_bytes", "Resident memory size in bytes.", lambda: one(_statm()[1] * _PAGE_SIZE)),
        ("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", lambda: one(started)),
        ("process_virtual_memory_bytes", "Virtual memory size in bytes.", lambda: one(_statm()[0] * _PAGE_SIZE)),
        ("process_virtual_memory_max_bytes", "Maximum amount of virtual memory available in bytes.",
         lambda: one(_address_space_limit())),
    )
    cpu = _CollectedCounter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                            cpu_seconds)
    registry.register(cpu)
    for name, help_text, collect in gauges:
        registry.register(Gauge(name, help_text, (), None, collect=collect))


class _CollectedCounter(Counter):
    """A counter read at scrape time."""

    def __init__(self, name: str, help_text: str, read: Callable[[], float]):
        super().__init__(name, help_text, (), None)
        self._read = read

    def lines(self) -> list[str]:
        self.values[()] = float(self._read())
        return super().lines()


def _statm() -> tuple[int, int]:
    try:
        size, rss = Path("/proc/self/statm").read_text().split()[:2]
        return int(size), int(rss)
    except OSError:
        rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return 0, rss_kib * 1024 // _PAGE_SIZE


def _open_fds() -> int:
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return 0


def _address_space_limit() -> float:
    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    return float(limit) if limit != resource.RLIM_INFINITY else 1.8446744073709552e19


def _process_start_time() -> float:
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        boot = next(float(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                    if line.startswith("btime "))
        return boot + int(fields[19]) / _TICKS
    except (OSError, StopIteration, IndexError, ValueError):
        return time.time()
