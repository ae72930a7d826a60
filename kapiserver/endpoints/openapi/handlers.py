"""HTTP for /openapi/v2, /openapi/v3 and /openapi/v3/<key> (kube-openapi handler and handler3).

Negotiation is upstream's: the Accept clauses by preference, each tried against the
served forms in order, so `*/*` (or no Accept) means JSON; nothing acceptable is a bare
406. /openapi/v2 also speaks the gnostic protobuf form kubectl asks for first
(`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`; client-go has no JSON
fallback) and gzips for clients that accept it, as upstream's gziphandler does.
A v3 document requested with `?hash=` that is not its current hash is answered with a
301 to the current URL; with the current hash it may be cached for a year.
Every answer carries an ETag and Last-Modified, and If-None-Match / If-Modified-Since
get a 304 (http.ServeContent).

Not served: the protobuf form of the v3 documents (clients read their JSON); a client
that accepts only that form gets the 406 upstream gives for unknown forms.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from email.utils import formatdate, parsedate_to_datetime

from aiohttp import web

from .documents import Document, Documents, server_relative_url

PathHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]

JSON = "application/json"
V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
_V2_FORMS = (
    ("json", JSON),
    ("com.github.proto-openapi.spec.v2@v1.0+protobuf", V2_PROTOBUF),
    ("com.github.proto-openapi.spec.v2.v1.0+protobuf", V2_PROTOBUF),
)
_V3_FORMS = (("json", JSON),)
_GZIP_MIN_SIZE = 1400  # gziphandler.DefaultMinSize
_YEAR = 365 * 24 * 3600


def _clauses(accept: str) -> list[tuple[str, str]]:
    """(type, subtype) of each Accept clause, most preferred first (goautoneg.ParseAccept)."""
    parsed = []
    for index, raw in enumerate((accept or "*/*").split(",")):
        pieces = [p.strip() for p in raw.split(";")]
        kind, _, subtype = pieces[0].lower().partition("/")
        if not kind:
            continue
        q = 1.0
        for piece in pieces[1:]:
            key, _, value = piece.partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        specificity = 0 if kind == "*" else 1 if subtype in ("*", "") else 2
        parsed.append((-q, -specificity, index, kind, subtype or "*"))
    parsed.sort()
    return [(kind, subtype) for q, _, _, kind, subtype in parsed if q < 0]


def negotiate(accept: str, forms: tuple[tuple[str, str], ...]) -> str | None:
    """The content type to answer with, or None for 406."""
    for kind, subtype in _clauses(accept):
        for form, content_type in forms:
            if kind in ("application", "*") and subtype in (form, "*"):
                return content_type
    return None


def _not_modified(request: web.Request, doc: Document) -> bool:
    quoted = f'"{doc.etag}"'
    match = request.headers.get("If-None-Match")
    if match is not None:
        tags = [t.strip().removeprefix("W/") for t in match.split(",")]
        return "*" in tags or quoted in tags
    since = request.headers.get("If-Modified-Since")
    if since:
        try:
            return int(doc.modified) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


def _serve(
    request: web.Request, doc: Document, content_type: str, headers: dict[str, str], compress: bool = False
) -> web.Response:
    """http.ServeContent: the validators, a 304 when they match, else the body (gzipped if asked)."""
    headers = {**headers, "ETag": f'"{doc.etag}"', "Last-Modified": formatdate(doc.modified, usegmt=True)}
    if _not_modified(request, doc):
        return web.Response(status=304, headers=headers)
    headers["Content-Type"] = content_type
    protobuf = content_type == V2_PROTOBUF
    data = doc.body(protobuf)
    if compress and _accepts_gzip(request) and len(data) >= _GZIP_MIN_SIZE:
        headers["Content-Encoding"] = "gzip"
        headers["Vary"] = headers.get("Vary", "Accept") + ", Accept-Encoding"
        data = doc.body(protobuf, gzipped=True)
    return web.Response(status=200, body=data, headers=headers)


def _accepts_gzip(request: web.Request) -> bool:
    return any(
        part.split(";")[0].strip().lower() == "gzip"
        for part in request.headers.get("Accept-Encoding", "").split(",")
    )


def v2_handler(documents: Documents) -> PathHandler:
    async def handle(request: web.Request) -> web.StreamResponse:
        content_type = negotiate(request.headers.get("Accept", ""), _V2_FORMS)
        if content_type is None:
            return web.Response(status=406, headers={"Vary": "Accept"})
        doc = await documents.v2()
        if content_type == V2_PROTOBUF:
            await documents.prepare(doc, protobuf=True)
        return _serve(request, doc, content_type, {"Vary": "Accept"}, compress=True)

    return handle


def v3_index_handler(documents: Documents) -> PathHandler:
    async def handle(request: web.Request) -> web.StreamResponse:
        return _serve(request, await documents.v3_index(), JSON, {})

    return handle


def v3_document_handler(documents: Documents) -> PathHandler:
    async def handle(request: web.Request) -> web.StreamResponse:
        key = request.path[len("/openapi/v3/") :]
        content_type = negotiate(request.headers.get("Accept", ""), _V3_FORMS)
        if content_type is None:
            return web.Response(status=406, headers={"Vary": "Accept"})
        doc = await documents.v3(key)
        if doc is None:
            return web.Response(status=404)
        headers = {"Vary": "Accept"}
        wanted = request.query.get("hash")
        if wanted:
            if wanted != doc.etag:
                location = server_relative_url(key, doc.etag)
                return web.Response(
                    status=301, headers={"Location": location, "ETag": f'"{doc.etag}"', **headers}
                )
            headers["Cache-Control"] = "public, immutable"
            headers["Expires"] = formatdate(time.time() + _YEAR, usegmt=True)
        return _serve(request, doc, content_type, headers)

    return handle
