"""The params of a policy binding (upstream generic.CollectParams).

The plugin does not know where a kind is stored: the composition root hands it a resolver
from a paramKind (apiVersion, kind) to a ParamStore, which reads the watch cache.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from kapiserver.apimachinery import labels
from kapiserver.apimachinery.types import Object

DENY_MESSAGE = "no params found for policy binding with `Deny` parameterNotFoundAction"


@dataclass(frozen=True, slots=True)
class ParamStore:
    namespaced: bool
    get: Callable[[str, str], Awaitable[Object | None]]
    """(namespace, name) -> the object, or None."""
    list: Callable[[str], Awaitable[list[Object]]]
    """(namespace or "" for all) -> the objects."""


ParamResolver = Callable[[str, str], Awaitable[ParamStore | None]]


class ConfigurationError(Exception):
    """A binding or policy that cannot be applied; reported through the failurePolicy."""


def gvk_string(api_version: str, kind: str) -> str:
    """schema.GroupVersionKind's %v: "group/version, Kind=kind"."""
    group, _, version = api_version.rpartition("/")
    return f"{group}/{version}, Kind={kind}"


async def collect_params(param_kind: Object | None, store: ParamStore | None, param_ref: Object | None,
                         namespace: str) -> list[Object | None]:
    """The params to evaluate with: [None] without paramKind or paramRef; raises ConfigurationError."""
    if not param_kind or param_ref is None:
        return [None]
    if store is None:
        gvk = gvk_string(str(param_kind.get("apiVersion", "")), str(param_kind.get("kind", "")))
        raise ConfigurationError(f"paramKind kind `{gvk}` not known")
    params_namespace = ""
    if store.namespaced:
        params_namespace = str(param_ref.get("namespace") or "") or namespace
        if not params_namespace:
            raise ConfigurationError("cannot use namespaced paramRef in policy binding that matches cluster-scoped "
                                     "resources")
    elif param_ref.get("namespace"):
        raise ConfigurationError("paramRef.namespace must not be provided for a cluster-scoped `paramKind`")
    params: list[Object | None]
    if param_ref.get("name"):
        if param_ref.get("selector") is not None:
            raise ConfigurationError("paramRef.name and paramRef.selector are mutually exclusive")
        found = await store.get(params_namespace, str(param_ref["name"]))
        params = [found] if found is not None else []
    elif param_ref.get("selector") is not None:
        try:
            selector = labels.selector_from_label_selector(param_ref["selector"])
        except labels.SelectorError as err:
            raise ConfigurationError(str(err)) from err
        params = [obj for obj in await store.list(params_namespace)
                  if selector.matches((obj.get("metadata") or {}).get("labels") or {})]
    else:
        raise ConfigurationError("one of name or selector must be provided")
    if not params and param_ref.get("parameterNotFoundAction") == "Deny":
        raise ConfigurationError(DENY_MESSAGE)
    return params
