"""The HTTPS client kube-apiserver uses to call webhooks (upstream apiserver util/webhook
ClientManager + client-go's REST client, as conversion and admission webhooks use them).

A webhook is named by a URL or by a Service reference ({namespace, name, path, port}) and
trusts its `caBundle` (the system roots when empty). For a Service the request goes to
`https://<name>.<namespace>.svc:<port><path>`: that is the URL errors quote, the Host
header and the TLS server name the certificate must match, while the connection itself goes
to the address the app's service resolver returns for the Service. Like client-go, the call
carries its timeout as a `?timeout=30s` query parameter, asks for JSON, and reports failures
in Go's words:

    WebhookError              base class; str() is the text upstream embeds in its messages
      CallError               the call did not complete: Post "https://...": dial tcp ...
      ResponseError           the webhook answered a non-2xx status (upstream's StatusError)
      DecodeError             a 2xx answer that is not a JSON object

`conversion_failure` words a failure as the CRD conversion path reports it. This module knows
nothing of CRDs, admission or the aggregator: callers build the request body and read the
response; the service resolver is handed in by the app layer.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import orjson

from kapiserver.apimachinery import gojson, golang
from kapiserver.apimachinery.types import Object

from . import httperrors

DEFAULT_TIMEOUT = 30.0  # upstream webhook setGlobalDefaults
USER_AGENT = "kube-apiserver-admission"
_MAX_UNSTRUCTURED_BYTES = 2048  # client-go maxUnstructuredResponseTextBytes
_CACHE_SIZE = 200  # upstream defaultCacheSize

# (namespace, name, port) -> (host, port) to dial; raises with upstream's text when it cannot.
ServiceResolver = Callable[[str, str, int], tuple[str, int]]


@dataclass(frozen=True, slots=True)
class ServiceReference:
    namespace: str
    name: str
    path: str = ""
    port: int = 443


@dataclass(frozen=True, slots=True)
class ClientConfig:
    """upstream webhook.ClientConfig: where a webhook is and which CAs it is trusted by."""

    url: str = ""
    service: ServiceReference | None = None
    ca_bundle: bytes = b""
    # The webhook's name, for callers' messages (admission: `failed calling webhook "<name>"`).
    name: str = ""


class WebhookError(Exception):
    """A webhook call failed; str(err) is the text upstream puts after "failed: "."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CallError(WebhookError):
    """No answer: configuration, resolution, connection, TLS or timeout."""


class ResponseError(WebhookError):
    """A non-2xx answer: `status` is the metav1.Status client-go makes of it."""

    def __init__(self, status: Object):
        super().__init__(str(status.get("message") or ""))
        self.status = status
        self.code = int(status.get("code") or 0)


class DecodeError(WebhookError):
    """A 2xx answer that could not be decoded."""


def gvk_string(api_version: str, kind: str) -> str:
    """schema.GroupVersionKind.String(): "stable.example.com/v1, Kind=CronTab", "/v1, Kind=Pod"."""
    group, _, version = api_version.rpartition("/")
    return f"{group}/{version}, Kind={kind}"


def conversion_failure(api_version: str, kind: str, err: BaseException) -> str:
    """The CRD webhook converter's message: conversion webhook for <gvk> failed: <err>."""
    return f"conversion webhook for {gvk_string(api_version, kind)} failed: {err}"


@dataclass(frozen=True, slots=True)
class _Target:
    url: str  # as upstream shows it
    dial_url: str  # where the request is sent
    server_name: str
    host_header: str


def _join_path(path: str) -> str:
    """path.Join("/", p): one leading slash, no trailing or doubled slashes."""
    parts = [p for p in path.split("/") if p and p != "."]
    return "/" + "/".join(parts)


class WebhookClient:
    """Posts JSON to webhooks; one aiohttp session per CA bundle, cached as upstream caches clients."""

    def __init__(self, resolver: ServiceResolver | None = None, user_agent: str = USER_AGENT):
        self._resolver = resolver
        self._user_agent = user_agent
        self._sessions: OrderedDict[bytes, aiohttp.ClientSession] = OrderedDict()

    async def close(self) -> None:
        sessions, self._sessions = list(self._sessions.values()), OrderedDict()
        for session in sessions:
            await session.close()

    def _session(self, ca_bundle: bytes) -> aiohttp.ClientSession:
        session = self._sessions.get(ca_bundle)
        if session is not None and not session.closed:
            self._sessions.move_to_end(ca_bundle)
            return session
        context = ssl.create_default_context()
        if ca_bundle:
            context.load_verify_locations(cadata=ca_bundle.decode(errors="replace"))
        context.set_alpn_protocols(["http/1.1"])
        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=context), auto_decompress=True)
        self._sessions[ca_bundle] = session
        while len(self._sessions) > _CACHE_SIZE:
            _, old = self._sessions.popitem(last=False)
            asyncio.get_running_loop().create_task(old.close())
        return session

    def _target(self, config: ClientConfig, timeout: float) -> _Target:
        query = f"?timeout={httperrors.go_duration(timeout)}" if timeout else ""
        if config.service is not None:
            svc = config.service
            port = svc.port or 443
            server_name = f"{svc.name}.{svc.namespace}.svc"
            url = f"https://{server_name}:{port}{_join_path(svc.path)}{query}"
            if self._resolver is None:
                raise CallError(f'Post "{url}": no service resolver')
            try:
                host, dial_port = self._resolver(svc.namespace, svc.name, port)
            except Exception as exc:
                raise CallError(f'Post "{url}": {exc}') from exc
            dial = f"https://{httperrors.join_host_port(host, dial_port)}{_join_path(svc.path)}{query}"
            return _Target(url, dial, server_name, f"{server_name}:{port}")
        if not config.url:
            raise CallError("webhook configuration must have either service or URL")
        parts = urlsplit(config.url)
        if not parts.hostname:
            raise CallError(f"Unparsable URL: parse {golang.go_quote(config.url)}: missing host")
        url = f"{parts.scheme}://{parts.netloc}{_join_path(parts.path)}{query}"
        return _Target(url, url, parts.hostname, parts.netloc)

    async def post_json(self, config: ClientConfig, body: Object, timeout: float = DEFAULT_TIMEOUT) -> Object:
        """POST `body` as JSON; the decoded JSON object of a 2xx answer, or a WebhookError."""
        target = self._target(config, timeout)
        session = self._session(config.ca_bundle)
        headers = {"Content-Type": "application/json", "Accept": "application/json, */*",
                   "User-Agent": self._user_agent, "Host": target.host_header}
        dial = urlsplit(target.dial_url)
        try:
            async with asyncio.timeout(timeout or None):
                async with session.post(target.dial_url, data=orjson.dumps(body), headers=headers,
                                        server_hostname=target.server_name) as response:
                    data = await response.read()
                    code, content_type = response.status, response.headers.get("Content-Type", "")
        except (aiohttp.ClientError, OSError, ssl.SSLError, TimeoutError) as exc:
            reason = httperrors.describe(exc, dial.hostname or "", dial.port or 443, target.server_name)
            raise CallError(f'Post "{target.url}": {reason}') from exc
        if code < 200 or code > 206:
            raise ResponseError(response_status(code, data, content_type))
        return decode_object(data)


def decode_object(data: bytes) -> Object:
    """A JSON object, or DecodeError with the words of upstream's decoder."""
    problem = gojson.syntax_error(data)
    if problem is not None:
        raise DecodeError(f"couldn't get version/kind; json parse error: {problem}")
    value = orjson.loads(data)
    if not isinstance(value, dict):
        raise DecodeError("couldn't get version/kind; json parse error: json: cannot unmarshal "
                          f"{gojson.kind(value)} into Go value of type struct {{ APIVersion string "
                          '"json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }')
    return value


_GENERIC_MESSAGES = {
    409: ("Conflict", "the server reported a conflict"),
    404: ("NotFound", "the server could not find the requested resource"),
    400: ("BadRequest", "the server rejected our request for an unknown reason"),
    401: ("Unauthorized", "the server has asked for the client to provide credentials"),
    405: ("MethodNotAllowed", "the server does not allow this method on the requested resource"),
    422: ("Invalid", "the server rejected our request due to an error in our request"),
    503: ("ServiceUnavailable", "the server is currently unable to handle the request"),
    504: ("Timeout", ("the server was unable to return a response in the time allotted, but may still be "
                      "processing the request")),
    429: ("TooManyRequests", "the server has received too many requests and has asked us to try again later"),
}


def response_status(code: int, body: bytes, content_type: str) -> Object:
    """The Status client-go makes of a non-2xx answer: the body's own Status when it is one,
    else upstream's NewGenericServerResponse for a POST (AlreadyExists for a 409)."""
    with contextlib.suppress(ValueError):
        decoded: Any = orjson.loads(body)
        if isinstance(decoded, dict) and decoded.get("kind") == "Status" and decoded.get("status"):
            return decoded
    text = body[:_MAX_UNSTRUCTURED_BYTES]
    media = content_type.split(";")[0].strip().lower()
    server_message = text.decode(errors="replace").strip() if media.startswith("text/") else "unknown"
    reason, message = _GENERIC_MESSAGES.get(code, ("", ""))
    if code == 409:
        reason = "AlreadyExists"
    elif code == 403:
        reason, message = "Forbidden", server_message
    elif code == 406:
        reason = "NotAcceptable"
        message = server_message if server_message not in ("", "unknown") else \
            "the server was unable to respond with a content type that the client supports"
    elif code == 415:
        reason, message = "UnsupportedMediaType", server_message
    elif not reason:
        reason = "InternalError" if code >= 500 else "Unknown"
        message = (f"an error on the server ({golang.go_quote(server_message)}) has prevented the request from "
                   "succeeding") if code >= 500 else \
            f"the server responded with the status code {code} but did not return more information"
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
            "reason": reason, "details": {"causes": [{"reason": "UnexpectedServerResponse",
                                                      "message": server_message}]},
            "code": code}
