"""Converting custom resources between the versions of a CRD (upstream apiserver/conversion).

A Converter turns objects into another version of their kind: `await convert(objects,
desired_api_version)` answers new objects (it never mutates its arguments, which may be
shared with the watch cache) in the same order, or raises a StatusError. Strategy `None`
only rewrites apiVersion (upstream's nopConverter). The app hands the server one factory per
strategy (`Webhook` comes from webhook_conversion with the server's webhook client); a
strategy no factory serves fails like an unreachable webhook.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Protocol

from kapiserver.apimachinery import errors
from kapiserver.apimachinery.types import Object

from . import helpers


class Converter(Protocol):
    async def convert(self, objects: list[Object], desired_api_version: str) -> list[Object]: ...


ConverterFactory = Callable[[Object], Converter]


class NopConverter:
    """strategy None: the same fields under another apiVersion."""

    async def convert(self, objects: list[Object], desired_api_version: str) -> list[Object]:
        return [obj if obj.get("apiVersion") == desired_api_version else {**obj, "apiVersion": desired_api_version}
                for obj in objects]


class _Unavailable:
    """A strategy no factory serves: only objects already at the desired version pass."""

    def __init__(self, crd: Object):
        self._name = str((crd.get("metadata") or {}).get("name", ""))
        self._strategy = str((helpers.spec(crd).get("conversion") or {}).get("strategy", ""))

    async def convert(self, objects: list[Object], desired_api_version: str) -> list[Object]:
        if all(obj.get("apiVersion") == desired_api_version for obj in objects):
            return objects
        raise errors.internal_error(f"conversion strategy {self._strategy} of {self._name} is not available")


DEFAULT_FACTORIES: Mapping[str, ConverterFactory] = MappingProxyType({"None": lambda crd: NopConverter()})


def new_converter(crd: Object, factories: Mapping[str, ConverterFactory] = DEFAULT_FACTORIES) -> Converter:
    """The converter of a CRD, for its spec as it is now (rebuilt when the spec changes)."""
    strategy = str((helpers.spec(crd).get("conversion") or {}).get("strategy") or "None")
    factory = factories.get(strategy)
    return factory(crd) if factory is not None else _Unavailable(crd)
