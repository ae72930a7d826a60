"""What several verbs share: reading and decoding bodies, query options, admission callables."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from kapiserver.admission.interfaces import Operation
from kapiserver.apimachinery import codec, errors, field, gojson, protobuf, structural
from kapiserver.apimachinery.schema import GroupKind
from kapiserver.apimachinery.types import Object
from kapiserver.registry.rest import RequestContext, ValidateObjectFunc, ValidateObjectUpdateFunc

from .. import negotiation
from ..scope import RequestScope

_TRUE = frozenset({"1", "t", "T", "true", "TRUE", "True"})
_FALSE = frozenset({"0", "f", "F", "false", "FALSE", "False"})
META_GROUP = "meta.k8s.io"
# RequestScope.extra key of a schema-driven pruner (see check_fields).
PRUNE_KEY = "prune"


async def read_body(request: web.Request, limit: int) -> bytes:
    if request.content_length is not None and request.content_length > limit:
        raise errors.request_entity_too_large(f"limit is {limit}")
    body = bytearray()
    async for chunk in request.content.iter_chunked(65536):
        body += chunk
        if len(body) > limit:
            raise errors.request_entity_too_large(f"limit is {limit}")
    return bytes(body)


def summarize(data: bytes, max_length: int = 30) -> str:
    """upstream summarizeData, for decode error messages."""
    if not data:
        return "<empty>"
    if data[:1] == b"{":
        text = data[:max_length].decode(errors="replace")
        return text + " ..." if len(data) > max_length else text
    hexed = data[:max_length].hex()
    return hexed + " ..." if len(data) > max_length else hexed


def decode_object(scope: RequestScope, content_type: str, body: bytes, ctx: RequestContext,
                  field_validation: str = "") -> Object:
    """Decode a body into the endpoint's kind; 400 for anything that is not one."""
    media = negotiation.input_media_type(content_type, scope.input_types)
    expected = scope.kind
    duplicates: gojson.Duplicates | None = None
    yaml_problem: str | None = None
    try:
        if media == negotiation.PROTOBUF:
            obj = protobuf.decode_object(body)
        elif media == negotiation.YAML:
            obj = codec.yaml_loads(body)
            if field_validation != "Ignore":
                yaml_problem = codec.yaml_duplicate_keys_error(body)
        else:
            obj, duplicates = gojson.loads_noting_duplicates(body, merge_repeated=scope.definition is not None)
    except (ValueError, codec.DecodeError) as exc:
        raise errors.bad_request(f"the object provided is unrecognized (must be of type {expected.kind}): "
                                 f"couldn't get version/kind; json parse error: {exc} ({summarize(body)})") from exc
    if not isinstance(obj, dict):
        raise errors.bad_request(f"the object provided is unrecognized (must be of type {expected.kind}): "
                                 f"couldn't get version/kind; json parse error: json: cannot unmarshal "
                                 f"{_json_type(obj)} into Go value of type struct {{ APIVersion string "
                                 f"\"json:\\\"apiVersion,omitempty\\\"\"; Kind string "
                                 f"\"json:\\\"kind,omitempty\\\"\" }} ({summarize(body)})")
    check_type_meta(scope, obj)
    check_fields(scope, obj, ctx, field_validation, duplicates, yaml_problem)
    return obj


def check_fields(scope: RequestScope, obj: Object, ctx: RequestContext, field_validation: str,
                 duplicates: gojson.Duplicates | None = None, yaml_problem: str | None = None) -> None:
    """Read obj as its built-in type: wrong JSON types are a 400; undeclared fields are
    dropped, and reported with duplicated ones as fieldValidation asks (default Warn), as
    upstream's strict decoder does: a YAML body's repeated keys first, then JSON's unknown
    and duplicate fields in the order they appear. Kinds without a built-in definition
    (custom resources) may put a pruning function under `scope.extra[PRUNE_KEY]`: obj -> the
    paths it dropped."""
    kind = scope.kind
    if scope.definition is None:
        prune = scope.extra.get(PRUNE_KEY)
        if prune is None:
            return
        unknown = prune(obj)
    else:
        try:
            unknown = structural.decode_typed(obj, scope.definition)
            shaped = protobuf.go_shaped(obj)
        except (structural.TypeMismatch, protobuf.ProtobufError) as exc:
            raise errors.bad_request(f"{kind.kind} in version {field.go_quote(kind.version)} cannot be handled as a "
                                     f"{kind.kind}: {exc}") from exc
        if shaped is not obj:  # strategies then see what upstream's would: the decoded struct
            obj.clear()
            obj.update(shaped)
    if not (unknown or duplicates or yaml_problem) or field_validation == "Ignore":
        return
    ordered = duplicates.in_document_order(unknown) if duplicates else [("unknown", path) for path in unknown]
    problems = [yaml_problem] if yaml_problem else []
    problems += [f"{kind} field {field.go_quote(path)}" for kind, path in ordered]
    if field_validation == "Strict":
        raise errors.bad_request(f"{kind.kind} in version {field.go_quote(kind.version)} cannot be handled as a "
                                 f"{kind.kind}: strict decoding error: " + ", ".join(problems))
    for problem in problems:
        ctx.add_warning(problem)


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "null"


def check_type_meta(scope: RequestScope, obj: Object) -> None:
    """Fill apiVersion/kind when absent; refuse a body of another group version or kind."""
    expected = scope.kind
    api_version = obj.get("apiVersion")
    kind = obj.get("kind")
    if api_version is not None and not isinstance(api_version, str) or kind is not None and not isinstance(kind, str):
        raise errors.bad_request(f"the object provided is unrecognized (must be of type {expected.kind}): "
                                 "couldn't get version/kind; json parse error: json: cannot unmarshal "
                                 "into Go struct field .apiVersion of type string")
    if api_version and api_version != expected.api_version and api_version not in scope.accepts:
        raise errors.bad_request(f"the API version in the data ({api_version}) does not match the expected API "
                                 f"version ({expected.api_version})")
    if kind and kind != expected.kind:
        version = api_version.rpartition("/")[2] if api_version else expected.version
        raise errors.bad_request(f"{kind} in version {field.go_quote(version)} cannot be handled as a "
                                 f"{expected.kind}: no kind {field.go_quote(kind)} is registered for version "
                                 f"{field.go_quote(expected.api_version)}")
    if not api_version:
        obj["apiVersion"] = expected.api_version
    obj["kind"] = expected.kind


def parse_bool(values: dict[str, str], name: str) -> bool | None:
    value = values.get(name)
    if value is None:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise errors.bad_request(f'strconv.ParseBool: parsing {field.go_quote(value)}: invalid syntax')


def parse_int(values: dict[str, str], name: str) -> int | None:
    value = values.get(name)
    if value is None or value == "":
        return None
    try:
        return int(value, 10)
    except ValueError:
        raise errors.bad_request(f'strconv.ParseInt: parsing {field.go_quote(value)}: invalid syntax') from None


def invalid_options(kind: str, errs: field.ErrorList) -> errors.StatusError:
    return errors.invalid(GroupKind(META_GROUP, kind), "", errs)


def validate_dry_run(values: list[str]) -> field.ErrorList:
    """upstream ValidateDryRun: only "All" is known."""
    if any(v != "All" for v in values):
        return [field.not_supported(field.new_path("dryRun"), values, ["All"])]
    return []


def validate_field_manager(manager: str) -> field.ErrorList:
    path = field.new_path("fieldManager")
    if len(manager) > 128:
        return [field.too_long(path, 128)]
    if any(not ch.isprintable() for ch in manager):
        return [field.invalid(path, manager, "must only contain printable characters")]
    return []


# Upstream lists a sorted string set that includes "" (unset), and prints it as it is.
_FIELD_VALIDATION_VALUES = ["", "Ignore", "Strict", "Warn"]


def validate_field_validation(directive: str) -> field.ErrorList:
    if directive not in _FIELD_VALIDATION_VALUES:
        return [field.not_supported(field.new_path("fieldValidation"), directive, _FIELD_VALIDATION_VALUES)]
    return []


def create_validation(scope: RequestScope, name: str, dry_run: bool) -> ValidateObjectFunc | None:
    """The validating admission phase for a create, as the store's callable."""
    chain = scope.admission
    if not chain.handles(Operation.CREATE):
        return None

    async def validate(ctx: RequestContext, obj: Object) -> None:
        await chain.validate(scope.attributes(ctx, Operation.CREATE, obj, None, name or _name(obj), dry_run))

    return validate


def update_validation(scope: RequestScope, name: str, dry_run: bool) -> ValidateObjectUpdateFunc | None:
    chain = scope.admission
    if not chain.handles(Operation.UPDATE):
        return None

    async def validate(ctx: RequestContext, obj: Object, old: Object) -> None:
        await chain.validate(scope.attributes(ctx, Operation.UPDATE, obj, old, name, dry_run))

    return validate


def _name(obj: Object) -> str:
    return str(obj.get("metadata", {}).get("name", ""))


def query_values(request: web.Request) -> dict[str, str]:
    """The first value of each query parameter (upstream reads parameters that way)."""
    return {key: request.query.getone(key) for key in request.query}


def query_list(request: web.Request, name: str) -> list[str]:
    return list(request.query.getall(name, []))

