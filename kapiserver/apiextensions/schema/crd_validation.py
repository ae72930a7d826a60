"""The checks a CRD version's openAPIV3Schema must pass when the CRD is written
(apiextensions pkg/apis/apiextensions/validation: validateCustomResourceDefinitionValidation
and ValidateCustomResourceDefinitionOpenAPISchema).

In upstream's order: the status-subresource root rules, structural-ness (or, failing to
read the schema at all, that error last), defaults (valid, pruned, not in metadata), the
per-node rules (unsupported keywords, list and map types, x-kubernetes-validations entries),
and, for a structural schema, every CEL rule compiled with its cost checked against the
per-expression limit and, summed over the schema, the per-CRD limit.
"""

from __future__ import annotations

import copy
from typing import Any

from kapiserver.apimachinery import field

from . import openapi, pruning
from .cel import compilation
from .structural import Structural, StructuralError, new_structural
from .structural_validation import validate_structural

_ALLOWED_AT_ROOT_WITH_STATUS = ("description", "type", "format", "title", "maximum", "exclusiveMaximum", "minimum",
                                "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
                                "uniqueItems", "multipleOf", "required", "items", "properties", "externalDocs",
                                "example", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-validations")
_ALLOWED_ROOT_NAMES = ("Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength "
                       "MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties "
                       "ExternalDocs Example XPreserveUnknownFields XValidations")
_TYPES = ["array", "boolean", "integer", "number", "object", "string"]
_REASONS = ["FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"]
_META_FIELDS = ("metadata", "kind", "apiVersion")


class _Walk:
    """State of the walk: options, and the running CEL cost total."""

    def __init__(self, opts: dict[str, Any], with_cel: bool):
        self.opts = opts
        self.with_cel = with_cel
        self.total = 0
        self.most_expensive: list[tuple[int, str, field.Path]] = []

    def observe(self, path: field.Path, cost: int) -> None:
        self.total = min(self.total + cost, 2**64 - 1)
        if cost >= compilation.ESTIMATED_CRD_COST_LIMIT // 100:
            self.most_expensive.append((cost, str(path), path))
            self.most_expensive.sort(key=lambda e: -e[0])
            del self.most_expensive[4:]


def cost_error_message(cost_name: str, cost: int, limit: int) -> str:
    factor = cost / limit
    if factor > 100.0:
        text = "more than 100x"
    elif factor < 1.5:
        text = f"{factor:f}x"
    else:
        text = f"{factor:.1f}x"
    return (f"{cost_name} exceeds budget by factor of {text} (try simplifying the rule, or adding maxItems, "
            "maxProperties, and maxLength where arrays, maps, and strings are declared)")


def structural_errors(schema: dict[str, Any], path: field.Path, *, status_enabled: bool = False,
                      allow_defaults: bool = True, require_structural: bool = True,
                      require_pruned_defaults: bool = True, require_atomic_set_type: bool = True,
                      require_map_list_keys_map_set_validation: bool = True,
                      require_valid_property_type: bool = True,
                      suppress_per_expression_cost: bool = False) -> field.ErrorList:
    """Errors of one version's schema; `path` names its openAPIV3Schema field."""
    errs: field.ErrorList = []
    if status_enabled:
        for key, value in schema.items():
            if value in (None, False, "", [], {}, 0) and key != "type":
                continue
            if key == "type":
                if value != "object":
                    errs.append(field.invalid(path.child("type"), value, 'only "object" is allowed as the type at the '
                                              "root of the schema if the status subresource is enabled"))
                    break
                continue
            if key not in _ALLOWED_AT_ROOT_WITH_STATUS:
                errs.append(field.invalid(path, schema, f"only [{_ALLOWED_ROOT_NAMES}] fields are allowed at the root "
                                          "of the schema if the status subresource is enabled"))
                break
    if schema.get("nullable"):
        errs.append(field.forbidden(path.child("nullable"), "nullable cannot be true at the root"))
    init_errs: field.ErrorList = []
    with_cel = False
    structural: Structural | None = None
    if require_structural:
        try:
            structural = new_structural(schema)
        except StructuralError as err:
            init_errs.append(field.invalid(path, "", str(err)))
        if structural is not None:
            structural_errs = validate_structural(path, schema)
            if structural_errs:
                errs += structural_errs
            else:
                default_errs = validate_defaults(path, structural, require_pruned_defaults)
                errs += default_errs
                with_cel = not default_errs
    opts = {"allow_defaults": allow_defaults, "reason": "", "inside_meta": False, "forbid_old_self": None,
            "atomic_set": require_atomic_set_type, "map_list_keys": require_map_list_keys_map_set_validation,
            "valid_type": require_valid_property_type, "suppress_cost": suppress_per_expression_cost}
    walk = _Walk(opts, with_cel)
    from .crd_schema_walk import walk_schema

    schema_errs, cel_errs = walk_schema(walk, schema, path, opts, True, structural if with_cel else None, 1)
    errs += schema_errs + cel_errs
    if not errs and init_errs:
        errs += init_errs
    if with_cel and walk.total > compilation.ESTIMATED_CRD_COST_LIMIT:
        for _, _, expensive in walk.most_expensive:
            errs.append(field.forbidden(expensive, "contributed to estimated rule cost total exceeding cost limit for "
                                                   "entire OpenAPIv3 schema"))
        errs.append(field.forbidden(path, cost_error_message(
            "x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema", walk.total,
            compilation.ESTIMATED_CRD_COST_LIMIT)))
    return errs


def validate_defaults(path: field.Path, s: Structural, require_pruned: bool) -> field.ErrorList:
    """Every default must be valid against its schema and, if required, free of unknown fields."""
    return _defaults(path, s, s, False, require_pruned)


def _defaults(path: field.Path, s: Structural, root: Structural, inside_meta: bool, require_pruned: bool
              ) -> field.ErrorList:
    errs: field.ErrorList = []
    if s.embedded:
        inside_meta, root = False, s
    if s.has_default and not inside_meta:
        if require_pruned:
            pruned = copy.deepcopy(s.default)
            pruning.prune(pruned, s, s.embedded, track=False)
            if pruned != s.default:
                errs.append(field.invalid(path.child("default"), s.default, "must not have unknown fields"))
        for err in openapi.validate(openapi.compile_validator(s.raw), s.default):
            name = "" if err.field == "<nil>" else err.field
            err.field = str(path.child("default")) + (f".{name}" if name else "")
            errs.append(err)
    if s.items is not None:
        errs += _defaults(path.child("items"), s.items, root, inside_meta, require_pruned)
    for name, prop in s.properties.items():
        sub_meta = inside_meta or (s.embedded and name in _META_FIELDS)
        errs += _defaults(path.child("properties").key(name), prop, root, sub_meta, require_pruned)
    return errs
