"""Endpoints subsets in canonical form (upstream pkg/api/endpoints RepackSubsets / SortSubsets).

The endpoints strategy canonicalizes every write: subsets are expanded to (address, port)
pairs, addresses de-duplicated by IP and target UID (not-ready wins over ready), regrouped
so that each subset holds the ports a set of addresses shares, and sorted. Addresses sort
by IP bytes then UID; ports and subsets sort by the MD5 of their go-spew `%#v` text
(hashutil.DeepHashObject), which `_spew_*` reproduce for these internal types so the order
matches kube-apiserver's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cmp_to_key
from typing import Any

from kapiserver.apimachinery.types import Object

AddrKey = tuple[str, str]
_SENTINEL = ("", -1, "", None)


def _spew_optional(type_name: str, value: Any) -> str:
    return f"({type_name})<nil>" if value is None else f"({type_name}){value}"


def _spew_port(port: Object) -> str:
    return (f"{{Name:(string){port.get('name') or ''} Port:(int32){int(port.get('port') or 0)} "
            f"Protocol:(core.Protocol){port.get('protocol') or ''} "
            f"AppProtocol:{_spew_optional('*string', port.get('appProtocol'))}}}")


def _spew_ref(ref: Any) -> str:
    if not isinstance(ref, dict):
        return "(*core.ObjectReference)<nil>"
    parts = [f"{name}:({kind}){ref.get(key) or ''}" for name, kind, key in (
        ("Kind", "string", "kind"), ("Namespace", "string", "namespace"), ("Name", "string", "name"),
        ("UID", "types.UID", "uid"), ("APIVersion", "string", "apiVersion"),
        ("ResourceVersion", "string", "resourceVersion"), ("FieldPath", "string", "fieldPath"))]
    return "(*core.ObjectReference){" + " ".join(parts) + "}"


def _spew_address(address: Object) -> str:
    return (f"{{IP:(string){address.get('ip') or ''} Hostname:(string){address.get('hostname') or ''} "
            f"NodeName:{_spew_optional('*string', address.get('nodeName'))} "
            f"TargetRef:{_spew_ref(address.get('targetRef'))}}}")


def _spew_list(type_name: str, items: list[Object] | None, one: Callable[[Object], str]) -> str:
    if items is None:
        return f"([]{type_name})<nil>"
    return f"([]{type_name})[" + " ".join(one(item) for item in items) + "]"


def _port_hash(port: Object) -> bytes:
    return hashlib.md5(("(core.EndpointPort)" + _spew_port(port)).encode()).digest()


def _subset_hash(subset: Object) -> bytes:
    text = ("(core.EndpointSubset){"
            f"Addresses:{_spew_list('core.EndpointAddress', subset.get('addresses'), _spew_address)} "
            f"NotReadyAddresses:{_spew_list('core.EndpointAddress', subset.get('notReadyAddresses'), _spew_address)} "
            f"Ports:{_spew_list('core.EndpointPort', subset.get('ports'), _spew_port)}}}")
    return hashlib.md5(text.encode()).digest()


def _addr_key(address: Object) -> AddrKey:
    ref = address.get("targetRef")
    return (str(address.get("ip") or ""), str(ref.get("uid") or "") if isinstance(ref, dict) else "")


def _less_address(a: Object, b: Object) -> int:
    """LessEndpointAddress as a comparison: IP bytes, then a nil target before any, then UID."""
    ip_a, ip_b = str(a.get("ip") or "").encode(), str(b.get("ip") or "").encode()
    if ip_a != ip_b:
        return -1 if ip_a < ip_b else 1
    ref_a, ref_b = a.get("targetRef"), b.get("targetRef")
    if not isinstance(ref_b, dict):
        return 0 if not isinstance(ref_a, dict) else 1
    if not isinstance(ref_a, dict):
        return -1
    uid_a, uid_b = str(ref_a.get("uid") or ""), str(ref_b.get("uid") or "")
    return (uid_a > uid_b) - (uid_a < uid_b)


def _port_key(port: Object, position: tuple[int, int]) -> tuple[Any, ...]:
    """Go compares EndpointPort map keys field by field; appProtocol is a pointer, so only itself."""
    app = port.get("appProtocol")
    return (port.get("name") or "", int(port.get("port") or 0), port.get("protocol") or "",
            None if app is None else position)


def repack_subsets(subsets: list[Any]) -> list[Object]:
    addresses: dict[AddrKey, Object] = {}
    ports: dict[tuple[Any, ...], Object] = {}
    ready_by_port: dict[tuple[Any, ...], dict[AddrKey, bool]] = {}
    for s_index, subset in enumerate(s for s in subsets if isinstance(s, dict)):
        subset_ports = [p for p in subset.get("ports") or [] if isinstance(p, dict)]
        keyed = [(_port_key(p, (s_index, i)), p) for i, p in enumerate(subset_ports)] or [(_SENTINEL, {})]
        for key, port in keyed:
            ports.setdefault(key, port)
            for field_name, is_ready in (("addresses", True), ("notReadyAddresses", False)):
                for address in subset.get(field_name) or []:
                    if not isinstance(address, dict):
                        continue
                    akey = _addr_key(address)
                    addresses.setdefault(akey, address)
                    states = ready_by_port.setdefault(key, {})
                    if states.get(akey, True):
                        states[akey] = is_ready
    groups: dict[frozenset[tuple[AddrKey, bool]], list[Object]] = {}
    for key, states in ready_by_port.items():
        group = groups.setdefault(frozenset(states.items()), [])
        if key != _SENTINEL:
            group.append(ports[key])
    final: list[Object] = []
    for states_set, group_ports in groups.items():
        repacked: Object = {}
        ready = [addresses[k] for k, r in states_set if r]
        not_ready = [addresses[k] for k, r in states_set if not r]
        if ready:
            repacked["addresses"] = sorted(ready, key=cmp_to_key(_less_address))
        if not_ready:
            repacked["notReadyAddresses"] = sorted(not_ready, key=cmp_to_key(_less_address))
        if group_ports:
            repacked["ports"] = sorted(group_ports, key=_port_hash)
        final.append(repacked)
    return sorted(final, key=_subset_hash)
