"""Validation of the parts of a CRD spec (upstream apiextensions/validation/validation.go):
names, printer columns, subresources, selectable fields, the conversion webhook, the
deprecation warning and the rules for the root of a schema.

Messages and paths are upstream's, over the internal shape of internal.py.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from cryptography import x509

from kapiserver.apimachinery import field, validation
from kapiserver.registry.admissionregistration import rules as webhook_rules

from . import gostruct

PRINTER_COLUMN_TYPES = ("boolean", "date", "integer", "number", "string")
COLUMN_FORMATS = ("byte", "date", "date-time", "double", "float", "int32", "int64", "password")
ACCEPTED_CONVERSION_REVIEW_VERSIONS = ("v1", "v1beta1")
MAX_SELECTABLE_FIELDS = 8

# JSONSchemaProps fields (Go names, in declaration order) with the JSON key each reads, and
# whether the Go field is a plain value (zero when falsy) rather than a pointer, slice or map.
_ROOT_FIELDS = (
    ("ID", "id", True), ("Schema", "$schema", True), ("Ref", "$ref", False), ("Description", "description", True),
    ("Type", "type", True), ("Nullable", "nullable", True), ("Format", "format", True), ("Title", "title", True),
    ("Default", "default", False), ("Maximum", "maximum", False), ("ExclusiveMaximum", "exclusiveMaximum", True),
    ("Minimum", "minimum", False), ("ExclusiveMinimum", "exclusiveMinimum", True), ("MaxLength", "maxLength", False),
    ("MinLength", "minLength", False), ("Pattern", "pattern", True), ("MaxItems", "maxItems", False),
    ("MinItems", "minItems", False), ("UniqueItems", "uniqueItems", True), ("MultipleOf", "multipleOf", False),
    ("Enum", "enum", False), ("MaxProperties", "maxProperties", False), ("MinProperties", "minProperties", False),
    ("Required", "required", False), ("Items", "items", False), ("AllOf", "allOf", False), ("OneOf", "oneOf", False),
    ("AnyOf", "anyOf", False), ("Not", "not", False), ("Properties", "properties", False),
    ("AdditionalProperties", "additionalProperties", False), ("PatternProperties", "patternProperties", False),
    ("Dependencies", "dependencies", False), ("AdditionalItems", "additionalItems", False),
    ("Definitions", "definitions", False), ("ExternalDocs", "externalDocs", False), ("Example", "example", False),
    ("XPreserveUnknownFields", "x-kubernetes-preserve-unknown-fields", False),
    ("XEmbeddedResource", "x-kubernetes-embedded-resource", True),
    ("XIntOrString", "x-kubernetes-int-or-string", True), ("XListMapKeys", "x-kubernetes-list-map-keys", False),
    ("XListType", "x-kubernetes-list-type", False), ("XMapType", "x-kubernetes-map-type", False),
    ("XValidations", "x-kubernetes-validations", False),
)
ALLOWED_AT_ROOT = ("Description", "Type", "Format", "Title", "Maximum", "ExclusiveMaximum", "Minimum",
                   "ExclusiveMinimum", "MaxLength", "MinLength", "Pattern", "MaxItems", "MinItems", "UniqueItems",
                   "MultipleOf", "Required", "Items", "Properties", "ExternalDocs", "Example", "XPreserveUnknownFields",
                   "XValidations")


def validate_enum_strings(path: field.Path, value: Any, accepted: tuple[str, ...], required: bool) -> field.ErrorList:
    if not value:
        return [field.required(path, "")] if required else []
    return [] if value in accepted else [field.not_supported(path, value, list(accepted))]


def _dns1035(path: field.Path, value: str) -> field.ErrorList:
    problems = validation.is_dns1035_label(value)
    return [field.invalid(path, value, ",".join(problems))] if problems else []


def validate_names(names: Any, path: field.Path) -> field.ErrorList:
    """ValidateCustomResourceDefinitionNames (spec.names and status.acceptedNames)."""
    names = names if isinstance(names, dict) else {}
    errs: field.ErrorList = []
    for key in ("plural", "singular"):
        value = names.get(key) or ""
        if value:
            errs += _dns1035(path.child(key), value)
    for key in ("kind", "listKind"):
        value = names.get(key) or ""
        problems = validation.is_dns1035_label(value.lower()) if value else []
        if problems:
            errs.append(field.invalid(path.child(key), value,
                                      "may have mixed case, but should otherwise match: " + ",".join(problems)))
    for i, short in enumerate(names.get("shortNames") or []):
        errs += _dns1035(path.child("shortNames").index(i), short)
    if names.get("kind") and names.get("kind") == names.get("listKind"):
        errs.append(field.invalid(path.child("listKind"), names["listKind"], "kind and listKind may not be the same"))
    for i, category in enumerate(names.get("categories") or []):
        errs += _dns1035(path.child("categories").index(i), category)
    return errs


def validate_simple_json_path(text: str, path: field.Path) -> field.ErrorList:
    if not text:
        return [field.invalid(path, text, "must not be empty")]
    if text[0] != ".":
        return [field.invalid(path, text, "must be a simple json path starting with .")]
    return []


def validate_column(column: Any, path: field.Path) -> field.ErrorList:
    """ValidateCustomResourceColumnDefinition."""
    column = column if isinstance(column, dict) else {}
    errs: field.ErrorList = []
    if not column.get("name"):
        errs.append(field.required(path.child("name"), ""))
    kinds = "must be one of " + ",".join(PRINTER_COLUMN_TYPES)
    if not column.get("type"):
        errs.append(field.required(path.child("type"), kinds))
    elif column["type"] not in PRINTER_COLUMN_TYPES:
        errs.append(field.invalid(path.child("type"), column["type"], kinds))
    if column.get("format") and column["format"] not in COLUMN_FORMATS:
        errs.append(field.invalid(path.child("format"), column["format"], "must be one of " + ",".join(COLUMN_FORMATS)))
    json_path = column.get("jsonPath") or ""
    if not json_path:
        errs.append(field.required(path.child("JSONPath"), ""))
    else:
        errs += validate_simple_json_path(json_path, path.child("JSONPath"))
    return errs


def validate_subresources(subresources: Any, path: field.Path) -> field.ErrorList:
    """ValidateCustomResourceDefinitionSubresources: the scale paths."""
    scale = subresources.get("scale") if isinstance(subresources, dict) else None
    if not isinstance(scale, dict):
        return []
    errs: field.ErrorList = []
    for key, prefix, where in (("specReplicasPath", ".spec.", ".spec"), ("statusReplicasPath", ".status.", ".status")):
        value = scale.get(key) or ""
        child = path.child(f"scale.{key}")
        if not value:
            errs.append(field.required(child, ""))
            continue
        problems = validate_simple_json_path(value, child)
        if problems:
            errs += problems
        elif not value.startswith(prefix):
            errs.append(field.invalid(child, value, f"should be a json path under {where}"))
    selector = scale.get("labelSelectorPath")
    if selector:
        child = path.child("scale.labelSelectorPath")
        problems = validate_simple_json_path(selector, child)
        if problems:
            errs += problems
        elif not selector.startswith((".spec.", ".status.")):
            errs.append(field.invalid(child, selector, "should be a json path under either .spec or .status"))
    return errs


def validate_deprecation_warning(version: dict[str, Any], path: field.Path) -> field.ErrorList:
    warning = version.get("deprecationWarning")
    problems: list[str] = []
    if not version.get("deprecated") and warning is not None:
        problems.append("can only be set for deprecated versions")
    elif isinstance(warning, str):
        if len(warning.encode()) > 256:
            problems.append("must be <= 256 characters long")
        if not warning:
            problems.append("must not be an empty string")
        for i, char in enumerate(warning):
            index = len(warning[:i].encode())
            if not char.isprintable():
                problems.append(f"must only contain printable UTF-8 characters; non-printable character found at "
                                f"index {index}")
                break
    return [field.invalid(path.child("deprecationWarning"), warning, p) for p in problems]


def schema_root_errors(schema: dict[str, Any], status_enabled: bool, path: field.Path) -> field.ErrorList:
    """The rule of validateCustomResourceDefinitionValidation about the root of a schema
    with the status subresource: only some fields may be set there (Go field order)."""
    errs: field.ErrorList = []
    if status_enabled:
        for go_name, key, plain in _ROOT_FIELDS:
            value = schema.get(key)
            if (not value) if plain else value is None:
                continue
            if go_name == "Type":
                if value != "object":
                    errs.append(field.invalid(path.child("openAPIV3Schema.type"), value,
                                              'only "object" is allowed as the type at the root of the schema if '
                                              "the status subresource is enabled"))
                    break
                continue
            if go_name not in ALLOWED_AT_ROOT:
                errs.append(field.invalid(path.child("openAPIV3Schema"), gostruct.schema(schema),
                                          f"only [{' '.join(ALLOWED_AT_ROOT)}] fields are allowed at the root of the "
                                          "schema if the status subresource is enabled"))
                break
    return errs


# -- selectable fields ------------------------------------------------------------------------


def _tokens(json_path: str) -> list[str]:
    """The scanner of upstream cel.ValidFieldPath: '.', '[', ']' and single-quoted strings."""
    out, current, i = [], "", 0
    while i < len(json_path):
        char = json_path[i]
        if char in ".[]":
            if current:
                out.append(current)
                current = ""
            out.append(char)
        elif char == "'" and not current:
            end = i + 1
            while end < len(json_path) and not (json_path[end] == "'" and json_path[end - 1] != "\\"):
                end += 1
            out.append(json_path[i:end + 1])
            i = end
        else:
            current += char
        i += 1
    if current:
        out.append(current)
    return out


def resolve_field_path(json_path: str, schema: Any) -> tuple[list[tuple[str, bool]], Any]:
    """cel.ValidFieldPath without array notation: ([(name, is_property)], schema found).
    Raises ValueError with upstream's reason."""
    tokens = _tokens(json_path)
    steps: list[tuple[str, bool]] = []
    current: Any = schema
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token == "[":
            raise ValueError("array notation is not allowed")
        if token != ".":
            raise ValueError(f"expected [ or . but got: {token}")
        if i + 1 >= len(tokens):
            raise ValueError("unexpected end of JSON path")
        name = tokens[i + 1]
        node = current if isinstance(current, dict) else {}
        if node.get("properties") is not None:
            if name not in node["properties"]:
                raise ValueError("does not refer to a valid field")
            current = node["properties"][name]
            steps.append((name, True))
        elif node.get("additionalProperties") is not None:
            additional = node["additionalProperties"]
            current = additional if isinstance(additional, dict) else None
            steps.append((name, False))
        else:
            raise ValueError("does not refer to a valid field")
        i += 2
    return steps, current


def _path_string(steps: list[tuple[str, bool]]) -> str:
    out = ""
    for name, named in steps:
        out += ("." if out else "") + name if named else f"[{name}]"
    return out


def validate_selectable_fields(selectable: list[Any], schema: Any, path: field.Path,
                               allow_too_many: bool) -> field.ErrorList:
    """ValidateCustomResourceSelectableFields."""
    errs: field.ErrorList = []
    seen: set[str] = set()
    for i, item in enumerate(selectable):
        child = path.index(i).child("jsonPath")
        json_path = (item or {}).get("jsonPath") if isinstance(item, dict) else ""
        if not json_path:
            errs.append(field.required(child, ""))
            continue
        try:
            steps, found = resolve_field_path(json_path, schema)
        except ValueError as exc:
            errs.append(field.invalid(child, json_path, f"is an invalid path: {exc}"))
            continue
        if steps and steps[0][0] == "metadata":
            errs.append(field.invalid(child, json_path, "must not point to fields in metadata"))
        if not isinstance(found, dict) or found.get("type") not in ("string", "boolean", "integer"):
            errs.append(field.invalid(child, json_path, "must point to a field of type string, boolean or integer. "
                                                        "Enum string fields and strings with formats are allowed."))
        key = _path_string(steps)
        if key in seen:
            errs.append(field.duplicate(child, json_path))
        seen.add(key)
    if len(seen) > MAX_SELECTABLE_FIELDS and not allow_too_many:
        errs.append(field.too_many(path, len(seen), MAX_SELECTABLE_FIELDS))
    return errs


# -- conversion ------------------------------------------------------------------------------


_PEM_BLOCK = re.compile(rb"-----BEGIN ([^-\r\n]*)-----\r?\n(.*?)-----END \1-----", re.DOTALL)


def ca_bundle_problem(bundle: Any) -> str | None:
    """Why client-go's transport would refuse this caBundle (base64 of PEM) as root CAs, or None."""
    try:
        raw = base64.b64decode(bundle or "", validate=True)
    except (binascii.Error, ValueError, TypeError):
        raw = str(bundle).encode()
    if not raw:
        return None
    blocks = list(_PEM_BLOCK.finditer(raw))
    if not blocks:
        return "unable to load root certificates: unable to parse bytes as PEM block"
    for block in blocks:
        if block.group(1) != b"CERTIFICATE" or b":" in block.group(2).split(b"\n", 1)[0]:
            continue
        try:
            x509.load_der_x509_certificate(base64.b64decode(b"".join(block.group(2).split())))
            return None
        except ValueError as exc:
            return f"unable to load root certificates: failed to parse certificate: x509: {exc}"
    return "unable to load root certificates: no valid certificate authority data seen"


def ca_bundle_errors(bundle: Any, path: field.Path) -> field.ErrorList:
    """upstream webhook.ValidateCABundle."""
    problem = ca_bundle_problem(bundle)
    return [field.invalid(path, bundle, problem)] if problem else []


def _review_versions(versions: Any, require_recognized: bool, path: field.Path) -> field.ErrorList:
    if not versions:
        return [field.required(path, "")]
    errs: field.ErrorList = []
    seen: set[str] = set()
    for i, version in enumerate(versions):
        if version in seen:
            errs.append(field.invalid(path.index(i), version, "duplicate version"))
            continue
        seen.add(version)
        errs += [field.invalid(path.index(i), version, p) for p in validation.is_dns1035_label(version)]
    if require_recognized and not seen.intersection(ACCEPTED_CONVERSION_REVIEW_VERSIONS):
        errs.append(field.invalid(path, versions, "must include at least one of "
                                  + ", ".join(ACCEPTED_CONVERSION_REVIEW_VERSIONS)))
    return errs


def validate_conversion(conversion: Any, require_recognized: bool, allow_invalid_ca_bundle: bool,
                        path: field.Path) -> field.ErrorList:
    """validateCustomResourceConversion over the internal conversion."""
    if not isinstance(conversion, dict):
        return []
    strategy = conversion.get("strategy") or ""
    errs = validate_enum_strings(path.child("strategy"), strategy, ("None", "Webhook"), True)
    config = conversion.get("webhookClientConfig")
    if strategy == "Webhook":
        if not isinstance(config, dict):
            errs.append(field.required(path.child("webhookClientConfig"), "required when strategy is set to Webhook"))
        else:
            errs += _client_config(config, allow_invalid_ca_bundle, path.child("webhookClientConfig"))
        errs += _review_versions(conversion.get("conversionReviewVersions"), require_recognized,
                                 path.child("conversionReviewVersions"))
        return errs
    if config is not None:
        errs.append(field.forbidden(path.child("webhookClientConfig"), "should not be set when strategy is not set to "
                                                                       "Webhook"))
    if conversion.get("conversionReviewVersions"):
        errs.append(field.forbidden(path.child("conversionReviewVersions"), "should not be set when strategy is not "
                                                                            "set to Webhook"))
    return errs


def _client_config(config: dict[str, Any], allow_invalid_ca_bundle: bool, path: field.Path) -> field.ErrorList:
    url, service = config.get("url"), config.get("service")
    errs: field.ErrorList = []
    if (url is None) == (service is None):
        errs.append(field.required(path, "exactly one of url or service is required"))
    elif url is not None:
        errs += webhook_rules.validate_webhook_url(path.child("url"), str(url))
    else:
        errs += webhook_rules.validate_webhook_service(path.child("service"), service or {})
    if config.get("caBundle") and not allow_invalid_ca_bundle:
        errs += ca_bundle_errors(config["caBundle"], path.child("caBundle"))
    return errs
