"""Content negotiation (upstream endpoints/handlers/negotiation).

Output: the first clause of Accept (by q, then order) this endpoint can serve, honouring
the `as`/`g`/`v` conversion parameters (Table, PartialObjectMetadata, discovery lists)
and `stream=watch`. Input: the Content-Type of a body, or 415.
"""

from __future__ import annotations

from dataclasses import dataclass

from kapiserver.apimachinery import errors

JSON = "application/json"
YAML = "application/yaml"
PROTOBUF = "application/vnd.kubernetes.protobuf"
JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"
APPLY_PATCH_YAML = "application/apply-patch+yaml"

PATCH_TYPES = (JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH_YAML)


@dataclass(frozen=True, slots=True)
class Conversion:
    """An `as=<kind>;g=<group>;v=<version>` request to transform the answer."""

    kind: str
    group: str
    version: str


@dataclass(frozen=True, slots=True)
class MediaChoice:
    media_type: str
    conversion: Conversion | None = None
    stream: bool = False
    pretty: bool = False


@dataclass(frozen=True, slots=True)
class _Clause:
    type: str
    subtype: str
    params: dict[str, str]
    q: float


def _parse_accept(header: str) -> list[_Clause]:
    clauses: list[_Clause] = []
    for raw in header.split(","):
        pieces = [p.strip() for p in raw.split(";")]
        if not pieces[0]:
            continue
        full = pieces[0].lower()
        kind, _, subtype = full.partition("/")
        params: dict[str, str] = {}
        q = 1.0
        for piece in pieces[1:]:
            key, _, value = piece.partition("=")
            key = key.strip().lower()
            value = value.strip().strip('"')
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
            elif key:
                params[key] = value
        if q > 0:
            clauses.append(_Clause(kind, subtype or "*", params, q))
    clauses.sort(key=lambda c: -c.q)
    return clauses


def _matches(clause: _Clause, media_type: str) -> bool:
    kind, _, subtype = media_type.partition("/")
    if clause.type == "*":
        return True
    return clause.type == kind and clause.subtype in ("*", subtype)


def negotiate_output(
    accept: str,
    serializers: tuple[str, ...],
    conversions: frozenset[tuple[str, str, str]] = frozenset(),
    stream: bool = False,
) -> MediaChoice:
    """Pick the answer's media type; raises 406 NotAcceptable when nothing fits.

    `conversions` lists the (kind, group, version) transformations this endpoint offers;
    Table has no protobuf form (upstream marks it +protobuf=false).
    """
    if not accept.strip():
        return MediaChoice(serializers[0], stream=stream)
    for clause in _parse_accept(accept):
        for media_type in serializers:
            if not _matches(clause, media_type):
                continue
            params = clause.params
            if "stream" in params and (not stream or params["stream"] != "watch"):
                continue
            conversion = None
            if "as" in params or "g" in params or "v" in params:
                wanted = (params.get("as", ""), params.get("g", ""), params.get("v", ""))
                if wanted not in conversions or (wanted[0] == "Table" and media_type == PROTOBUF):
                    continue
                conversion = Conversion(*wanted)
            return MediaChoice(media_type, conversion, stream, params.get("pretty") == "1")
    raise errors.not_acceptable(list(serializers))


def input_media_type(content_type: str, accepted: tuple[str, ...]) -> str:
    """The body's media type among those accepted; raises 415 UnsupportedMediaType."""
    media = content_type.split(";", 1)[0].strip().lower()
    if not media and JSON in accepted:
        return JSON
    if media in accepted:
        return media
    raise errors.unsupported_media_type(content_type, list(accepted))
