"""events, events.k8s.io/v1 (upstream pkg/registry/events, pkg/apis/events/v1 conversion).

The same objects as core/v1 Events, in one storage (core/v1 is the storage version): every
object is converted on the way in and out. The two shapes differ only in names:
regarding <-> involvedObject, note <-> message, reportingController <-> reportingComponent
(core/v1's wire name), deprecatedSource/FirstTimestamp/LastTimestamp/Count <-> source,
firstTimestamp, lastTimestamp, count. The core strategy runs on the converted object, so the
strict events.k8s.io rules apply (chosen by the request's group version) and error paths
name the internal fields, as upstream's do. Tables print with the core Event columns.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from kapiserver.apimachinery import protobuf
from kapiserver.apimachinery.schema import GroupKind
from kapiserver.apimachinery.types import Object
from kapiserver.registry.conversion import ConvertingStorage, ConvertingStrategy, chain, set_api_version
from kapiserver.registry.core.events import EVENT_PRINTER
from kapiserver.registry.spec import ResourceSpec
from kapiserver.registry.store import Store
from kapiserver.registry.table import Printer
from kapiserver.storage.interface import Storage

GROUP = "events.k8s.io"
# events.k8s.io/v1 name -> core/v1 name
_RENAMES = (("regarding", "involvedObject"), ("note", "message"), ("reportingController", "reportingComponent"),
            ("deprecatedSource", "source"), ("deprecatedFirstTimestamp", "firstTimestamp"),
            ("deprecatedLastTimestamp", "lastTimestamp"), ("deprecatedCount", "count"))


def _rename(obj: Object, pairs: tuple[tuple[str, str], ...]) -> Object:
    names = dict(pairs)
    return {names.get(key, key): value for key, value in obj.items()}


def _go_shape(obj: Object) -> Object:
    """As Go encodes the struct: empty optional fields dropped, structs and times always written."""
    try:
        return protobuf.decode_object(protobuf.encode_object(obj))
    except (protobuf.ProtobufError, TypeError, ValueError):  # a malformed body is left for validation
        return obj


def to_core(obj: Object) -> Object:
    """An events.k8s.io/v1 Event as core/v1 (Convert_v1_Event_To_core_Event, then to core/v1)."""
    return _go_shape(set_api_version("v1")(_rename(obj, _RENAMES)))


def from_core(obj: Object) -> Object:
    """A core/v1 Event as events.k8s.io/v1."""
    return _go_shape(set_api_version(f"{GROUP}/v1")(_rename(obj, tuple((b, a) for a, b in _RENAMES))))


def _row(event: Object) -> list[object]:
    return EVENT_PRINTER.row(to_core(event))


def events_v1_spec(core_events: ResourceSpec) -> ResourceSpec:
    """events.k8s.io/v1 Events over core_events' storage (its key root, TTL and field selectors:
    selectors run on the stored core/v1 form)."""
    to_storage, from_storage = chain(to_core), chain(from_core)

    def rest(spec: ResourceSpec, storage: Storage) -> Any:
        store = Store(spec, ConvertingStorage(storage, to_storage, from_storage))
        store.gk = GroupKind("", "Event")  # errors name the internal kind, as upstream's
        return store

    return dataclasses.replace(
        core_events, group=GROUP, version="v1", storage_group="", storage_version="v1",
        strategy=ConvertingStrategy(core_events.strategy, to_storage, from_storage),
        printer=Printer(EVENT_PRINTER.columns, _row), rest_factory=rest, categories=())
