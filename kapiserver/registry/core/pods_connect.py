"""The kubelet-backed pod subresources: log, exec, attach, portforward and proxy (upstream
pod/rest LogREST, ExecREST, AttachREST, PortForwardREST, ProxyREST and the *Location
helpers of pod/strategy.go).

kapiserver runs no kubelets, so none of these can stream. What they do is everything
upstream does before dialing a kubelet, answering at once with upstream's own errors:
bad options, an unknown pod or container, a pod without a node ("pod x does not have a
host assigned"; for logs upstream answers 204 with an empty body), then the Node lookup,
which fails because no Node exists. Nothing here ever waits.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from kapiserver.apimachinery import errors, field, meta
from kapiserver.apimachinery.schema import GroupKind, GroupResource
from kapiserver.apimachinery.types import Object

from ..rest import GetOptions, RequestContext
from .podspec import helpers
from .podspec.access import as_dict, as_str, dicts
from .proxy import PROXY_METHODS

if TYPE_CHECKING:
    from ..store import Store

NODES = GroupResource("", "nodes")
# HTTP methods each subresource answers (upstream ConnectMethods; discovery shows them as verbs).
_UPGRADEABLE = ("GET", "POST")
_PROXY = PROXY_METHODS


def _no_content() -> errors.StatusError:
    """upstream's answer for a log stream with no location: 204 and no body."""
    return errors.from_status({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                               "code": 204})


def _first(options: dict[str, list[str]], key: str) -> str | None:
    values = options.get(key)
    return values[0] if values else None


def _int_option(options: dict[str, list[str]], key: str) -> int | None:
    text = _first(options, key)
    if text is None or text == "":
        return None
    try:
        return int(text, 10)
    except ValueError:
        raise errors.bad_request(f"strconv.ParseInt: parsing {field.go_quote(text)}: invalid syntax") from None


def validate_pod_log_options(options: dict[str, list[str]]) -> field.ErrorList:
    """upstream ValidatePodLogOptions, stream selection off (PodLogsQuerySplitStreams)."""
    errs: field.ErrorList = []
    tail = _int_option(options, "tailLines")
    if tail is not None and tail < 0:
        errs.append(field.invalid(field.new_path("tailLines"), tail, "must be greater than or equal to 0"))
    limit = _int_option(options, "limitBytes")
    if limit is not None and limit < 1:
        errs.append(field.invalid(field.new_path("limitBytes"), limit, "must be greater than 0"))
    since = _int_option(options, "sinceSeconds")
    if since is not None and _first(options, "sinceTime"):
        errs.append(field.forbidden(field.ROOT, "at most one of `sinceTime` or `sinceSeconds` may be specified"))
    elif since is not None and since < 1:
        errs.append(field.invalid(field.new_path("sinceSeconds"), since, "must be greater than 0"))
    if _first(options, "stream") is not None:
        errs.append(field.forbidden(field.new_path("stream"), "may not be specified"))
    return errs


def validate_container(container: str, pod: Object) -> str:
    """upstream validateContainer: the named container, or the only one."""
    spec = as_dict(pod.get("spec"))
    name = meta.name(pod)
    if not container:
        containers = dicts(spec.get("containers"))
        if len(containers) == 1:
            return as_str(containers[0].get("name"))
        if not containers:
            raise errors.bad_request(f"a container name must be specified for pod {name}")
        names = " ".join(as_str(c.get("name")) for c, _ in helpers.visit_containers(spec))
        raise errors.bad_request(f"a container name must be specified for pod {name}, choose one of: [{names}]")
    if not any(as_str(c.get("name")) == container for c, _ in helpers.visit_containers(spec)):
        raise errors.bad_request(f"container {container} is not valid for pod {name}")
    return container


def split_scheme_name_port(id_: str) -> tuple[str, str, str] | None:
    """upstream utilnet.SplitSchemeNamePort: "name", "name:port" or "scheme:name:port"."""
    parts = id_.split(":")
    if len(parts) == 1:
        scheme, name, port = "", parts[0], ""
    elif len(parts) == 2:
        scheme, name, port = "", parts[0], parts[1]
    elif len(parts) == 3:
        scheme, name, port = parts
    else:
        return None
    if name and scheme in ("", "http", "https"):
        return scheme, name, port
    return None


class PodConnectREST:
    """One kubelet-backed subresource; `connect` raises the answer, or returns None for 204."""

    def __init__(self, store: Store, kind: str, methods: tuple[str, ...]):
        self._store = store
        self._kind = kind
        self.connect_methods = methods

    async def connect(self, ctx: RequestContext, name: str, options: dict[str, Any]) -> Object:
        if self._kind == "proxy":
            return await self._proxy(ctx, name)
        if self._kind == "log":
            errs = validate_pod_log_options(options)
            if errs:
                raise errors.invalid(GroupKind("", "PodLogOptions"), name, errs)
        pod = await self._store.get(ctx, name, GetOptions())
        if self._kind != "portforward":
            validate_container(_first(options, "container") or "", pod)
        node = as_str(as_dict(pod.get("spec")).get("nodeName"))
        if not node:
            if self._kind == "log":
                raise _no_content()
            raise errors.bad_request(f"pod {name} does not have a host assigned")
        raise errors.not_found(NODES, node)

    async def _proxy(self, ctx: RequestContext, id_: str) -> Object:
        parsed = split_scheme_name_port(id_)
        if parsed is None:
            raise errors.bad_request(f"invalid pod request {field.go_quote(id_)}")
        _, name, port = parsed
        pod = await self._store.get(ctx, name, GetOptions())
        pod_ips = dicts(as_dict(pod.get("status")).get("podIPs"))
        pod_ip = as_str(pod_ips[0].get("ip")) if pod_ips else ""
        try:
            address = ipaddress.ip_address(pod_ip)
        except ValueError:
            address = None
        if address is None or not address.is_global and not address.is_private or address.is_loopback \
                or address.is_link_local or address.is_multicast or address.is_unspecified:
            raise errors.bad_request("address not allowed")
        if not port:
            for container in dicts(as_dict(pod.get("spec")).get("containers")):
                ports = dicts(container.get("ports"))
                if ports:
                    port = str(ports[0].get("containerPort", ""))
                    break
        target = f"[{pod_ip}]" if ":" in pod_ip else pod_ip
        raise errors.service_unavailable(f"error trying to reach service: dial tcp {target}:{port or 80}: "
                                         "no pod network in this server")

    async def serve(self, request: Any, scope: Any, info: Any) -> Any:
        """Called by the endpoints installer for a connect request; always raises the answer."""
        ctx = scope.context(request, info)
        options = {key: list(request.query.getall(key)) for key in set(request.query)}
        await self.connect(ctx, info.name, options)
        raise _no_content()


def connect_subresources(store: Store) -> dict[str, PodConnectREST]:
    return {
        "attach": PodConnectREST(store, "attach", _UPGRADEABLE),
        "exec": PodConnectREST(store, "exec", _UPGRADEABLE),
        "log": PodConnectREST(store, "log", ("GET",)),
        "portforward": PodConnectREST(store, "portforward", _UPGRADEABLE),
        "proxy": PodConnectREST(store, "proxy", _PROXY),
    }
