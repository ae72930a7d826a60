"""The built documents, cached until what the server serves changes.

Building is pure CPU over frozen values, so it runs in a worker thread behind one lock
(concurrent first requests wait for a single build) and the event loop keeps serving.
The registry's `generation` says when groups came or went; the web services are then
listed again, and a v3 document is rebuilt only if its own web service changed, so the
hash of an untouched group version stays the same, as clients caching by hash expect.
Each document keeps its encoded forms: JSON with its ETag (the upper-case hex SHA-512 of
the JSON, as upstream computes it), and, made on first use, gzip and protobuf.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson

from kapiserver import KUBERNETES_VERSION
from kapiserver.endpoints.discovery import DiscoveryRegistry

from . import aggregate, proto, services, v2, v3
from .aggregate import Extensions
from .model import WebService


def info() -> dict[str, str]:
    """upstream completeOpenAPI: the emulation version's String(), major.minor ("1.35")."""
    major, minor = KUBERNETES_VERSION.lstrip("v").split(".")[:2]
    return {"title": "Kubernetes", "version": f"{major}.{minor}"}


@dataclass(slots=True)
class Document:
    json: bytes
    etag: str
    modified: float = field(default_factory=time.time)
    # (protobuf, gzipped) -> bytes, made on first use; the protobuf form shares the JSON's ETag.
    _bodies: dict[tuple[bool, bool], bytes] = field(default_factory=dict)

    @classmethod
    def of(cls, body: dict[str, object]) -> Document:
        data = orjson.dumps(body)
        return cls(data, hashlib.sha512(data).hexdigest().upper())

    def body(self, protobuf: bool = False, gzipped: bool = False) -> bytes:
        key = (protobuf, gzipped)
        data = self._bodies.get(key)
        if data is None:
            if gzipped:
                data = gzip.compress(self.body(protobuf), compresslevel=6, mtime=0)
            elif protobuf:
                data = proto.encode_document(orjson.loads(self.json))
            else:
                data = self.json
            self._bodies[key] = data
        return data


class Documents:
    """/openapi/v2 and /openapi/v3 documents of the whole chain."""

    def __init__(self, registry: DiscoveryRegistry, serves: Callable[[str], bool],
                 extensions: Extensions | None = None):
        self.registry = registry
        self.serves = serves
        # Documents of extension API servers to merge in (the aggregator's), when there is one.
        self.extensions = extensions
        self._lock = asyncio.Lock()
        self._generation = -1
        self._services: dict[str, WebService] = {}
        self._v2: tuple[tuple[object, ...], Document] | None = None
        self._v3: dict[str, tuple[WebService, Document]] = {}
        self._index: tuple[tuple[int, int], Document] | None = None

    def _extensions_generation(self) -> int:
        return self.extensions.generation if self.extensions is not None else 0

    def services(self) -> dict[str, WebService]:
        """The current web services by v3 key (listed again only after a registry change)."""
        if self._generation != self.registry.generation:
            listed = services.web_services(self.registry.installed_versions(), self.serves)
            self._services = {service.key: service for service in listed}
            self._generation = self.registry.generation
        return self._services

    async def v2(self) -> Document:
        services_now = tuple(self.services().values())
        current = (*services_now, self._extensions_generation())
        async with self._lock:
            if self._v2 is None or self._v2[0] != current:
                remote = self.extensions.v2_specs() if self.extensions is not None else []

                def build() -> Document:
                    spec = v2.build(list(services_now), info())
                    for other in remote:
                        spec = aggregate.merge_specs(spec, other)
                    return _gzipped(Document.of(spec))

                self._v2 = (current, await asyncio.to_thread(build))
            return self._v2[1]

    async def prepare(self, doc: Document, protobuf: bool) -> None:
        """Make the protobuf form (and its gzip) in the worker thread, not on the event loop."""
        if (protobuf, False) not in doc._bodies:
            async with self._lock:
                await asyncio.to_thread(lambda: (doc.body(protobuf), doc.body(protobuf, gzipped=True)))

    async def v3(self, key: str) -> Document | None:
        service = self.services().get(key)
        if service is None:
            return None
        async with self._lock:
            return await self._v3_locked(key, service)

    async def _v3_locked(self, key: str, service: WebService) -> Document:
        cached = self._v3.get(key)
        if cached is None or cached[0] != service:
            doc = await asyncio.to_thread(lambda: Document.of(v3.build(service, info())))
            self._v3[key] = cached = (service, doc)
        return cached[1]

    async def v3_index(self) -> Document:
        """{"paths": {key: {"serverRelativeURL": "/openapi/v3/<key>?hash=<etag>"}}} (handler3 discovery)."""
        current = self.services()
        stamp = (self._generation, self._extensions_generation())
        async with self._lock:
            if self._index is not None and self._index[0] == stamp:
                return self._index[1]
            for key in [k for k in self._v3 if k not in current]:
                del self._v3[key]
            paths = {}
            for key in sorted(current):
                doc = await self._v3_locked(key, current[key])
                paths[key] = {"serverRelativeURL": server_relative_url(key, doc.etag)}
            if self.extensions is not None:
                # what the local servers document wins over an extension server's entry of the same key
                for key, entry in self.extensions.v3_paths().items():
                    paths.setdefault(key, entry)
            index = Document.of({"paths": dict(sorted(paths.items()))})
            self._index = (stamp, index)
            return index


def _gzipped(doc: Document) -> Document:
    doc.body(gzipped=True)
    return doc


def server_relative_url(key: str, etag: str) -> str:
    return f"/openapi/v3/{key}?hash={etag}"
