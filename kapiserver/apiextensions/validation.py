"""Validation of a CustomResourceDefinition (upstream apiextensions/validation/validation.go).

Runs over the internal shape (internal.py) so error paths are upstream's. The OpenAPI
schema itself (structural rules, defaults, CEL rules and their cost) is checked by the
schema engine's `structural_errors`; this module checks everything around it. Only CRDs
written through apiextensions.k8s.io/v1 exist here, so the options upstream relaxes for
CRDs stored by older versions (non-structural schemas, preserveUnknownFields) keep their
v1 values, except those derived from the old object on update.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from kapiserver.apimachinery import field, objectmeta, validation
from kapiserver.apimachinery.types import Object

from . import gostruct, helpers, internal
from . import schema as schema_engine
from . import validation_parts as parts

_SPEC = field.new_path("spec")
_STATUS = field.new_path("status")
_METADATA = field.new_path("metadata")


@dataclass(slots=True)
class Options:
    """upstream validationOptions, the parts that are not the schema engine's."""

    require_recognized_conversion_review_version: bool = True
    require_immutable_names: bool = False
    allow_invalid_ca_bundle: bool = True
    # version name ("" for the top level) -> more than 8 selectable fields were already stored
    allow_too_many_selectable_fields: dict[str, bool] = dataclass_field(default_factory=dict)
    # versions whose schema an update leaves as it was (upstream versionsWithUnchangedSchemas)
    unchanged_schemas: frozenset[str] = frozenset()


def validate_crd(crd: Object) -> field.ErrorList:
    """ValidateCustomResourceDefinition."""
    spec = helpers.spec(crd)
    required = f"{helpers.names(crd).get('plural') or ''}.{spec.get('group') or ''}"

    def name_fn(name: str, prefix: bool) -> list[str]:
        problems = objectmeta.name_is_dns_subdomain(name, prefix)
        if name != required:
            problems.append('must be spec.names.plural+"."+spec.group')
        return problems

    errs = objectmeta.validate_object_meta(crd.get("metadata") or {}, False, name_fn, _METADATA)
    errs += validate_spec(internal.internal_spec(spec), Options(), _SPEC)
    errs += _status_and_approval(crd, None)
    return errs


def validate_crd_update(crd: Object, old: Object) -> field.ErrorList:
    """ValidateCustomResourceDefinitionUpdate."""
    old_conversion = internal.internal_spec(helpers.spec(old)).get("conversion")
    old_review = (old_conversion or {}).get("conversionReviewVersions") or []
    opts = Options(
        require_recognized_conversion_review_version=not old_review or bool(
            set(old_review) & set(parts.ACCEPTED_CONVERSION_REVIEW_VERSIONS)),
        require_immutable_names=helpers.is_condition_true(old, helpers.ESTABLISHED),
        allow_invalid_ca_bundle=_allow_invalid_ca_bundle(old),
        allow_too_many_selectable_fields=_too_many_selectable_allowed(crd, old),
        unchanged_schemas=frozenset(str(v.get("name")) for v in helpers.versions(crd) if helpers.find_version(
            old, str(v.get("name"))) is not None and internal.semantic(helpers.schema_for_version(crd, str(
                v.get("name")))) == internal.semantic(helpers.schema_for_version(old, str(v.get("name"))))),
    )
    errs = objectmeta.validate_object_meta_update(crd.get("metadata") or {}, old.get("metadata") or {}, _METADATA)
    spec, old_spec = helpers.spec(crd), helpers.spec(old)
    errs += validate_spec(internal.internal_spec(spec), opts, _SPEC)
    if opts.require_immutable_names:
        errs += objectmeta.validate_immutable_field(spec.get("scope"), old_spec.get("scope"), _SPEC.child("scope"))
        errs += objectmeta.validate_immutable_field(helpers.names(crd).get("kind"), helpers.names(old).get("kind"),
                                                    _SPEC.child("names", "kind"))
    errs += objectmeta.validate_immutable_field(spec.get("group"), old_spec.get("group"), _SPEC.child("group"))
    errs += objectmeta.validate_immutable_field(helpers.names(crd).get("plural"), helpers.names(old).get("plural"),
                                                _SPEC.child("names", "plural"))
    errs += _status_and_approval(crd, old)
    return errs


def validate_status_update(crd: Object, old: Object) -> field.ErrorList:
    """ValidateUpdateCustomResourceDefinitionStatus."""
    errs = objectmeta.validate_object_meta_update(crd.get("metadata") or {}, old.get("metadata") or {}, _METADATA)
    return errs + parts.validate_names(helpers.accepted_names(crd), _STATUS.child("acceptedNames"))


def _status_and_approval(crd: Object, old: Object | None) -> field.ErrorList:
    errs = parts.validate_names(helpers.accepted_names(crd), _STATUS.child("acceptedNames"))
    errs += validate_stored_versions(helpers.status(crd).get("storedVersions"), helpers.versions(crd),
                                     _STATUS.child("storedVersions"))
    errs += validate_api_approval(crd, old)
    if not (old is not None and helpers.spec(old).get("preserveUnknownFields")) \
            and helpers.spec(crd).get("preserveUnknownFields"):
        errs.append(field.invalid(_SPEC.child("preserveUnknownFields"), True, "cannot set to true, set "
                                  "x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead"))
    return errs


def validate_stored_versions(stored: list[str] | None, versions: list[dict[str, Any]],
                             path: field.Path) -> field.ErrorList:
    if not stored:
        return [field.invalid(path, stored, "must have at least one stored version")]
    errs: field.ErrorList = []
    remaining = {name: i for i, name in enumerate(stored)}
    for version in versions:
        name = version.get("name")
        if version.get("storage") and name not in remaining:
            errs.append(field.invalid(path, stored, f"must have the storage version {name}"))
        remaining.pop(name, None)  # type: ignore[arg-type]
    for name, i in sorted(remaining.items(), key=lambda item: item[1]):
        errs.append(field.invalid(path.index(i), name, f"missing from spec.versions; {name} was previously a storage "
                                  f"version, and must remain in spec.versions until a storage migration ensures no "
                                  f"data remains persisted in {name} and removes {name} from status.storedVersions"))
    return errs


def validate_api_approval(crd: Object, old: Object | None) -> field.ErrorList:
    if not helpers.is_protected_community_group(helpers.group(crd)):
        return []
    state, reason = helpers.api_approval_state((crd.get("metadata") or {}).get("annotations"))
    if old is not None and helpers.api_approval_state((old.get("metadata") or {}).get("annotations"))[0] == state:
        return []
    path = _METADATA.child("annotations").key(helpers.API_APPROVED_ANNOTATION)
    value = ((crd.get("metadata") or {}).get("annotations") or {}).get(helpers.API_APPROVED_ANNOTATION, "")
    if state == helpers.APPROVAL_MISSING:
        return [field.required(path, reason)]
    if state in (helpers.APPROVED, helpers.APPROVAL_BYPASSED):
        return []
    return [field.invalid(path, value, reason)]


def _allow_invalid_ca_bundle(old: Object) -> bool:
    if not helpers.is_condition_true(old, helpers.ESTABLISHED):
        return True
    config = (internal.internal_spec(helpers.spec(old)).get("conversion") or {}).get("webhookClientConfig") or {}
    bundle = config.get("caBundle")
    return bool(bundle) and bool(parts.ca_bundle_errors(bundle, field.new_path("caBundle")))


def _too_many_selectable_allowed(crd: Object, old: Object) -> dict[str, bool]:
    new_spec, old_spec = internal.internal_spec(helpers.spec(crd)), internal.internal_spec(helpers.spec(old))
    allowed: dict[str, bool] = {}
    old_top = old_spec.get("selectableFields") or []
    if len(old_top) > parts.MAX_SELECTABLE_FIELDS and internal.semantic(new_spec.get("selectableFields")) == \
            internal.semantic(old_top):
        allowed[""] = True
    old_versions = {v.get("name"): v for v in old_spec.get("versions") or []}
    for version in new_spec.get("versions") or []:
        previous = old_versions.get(version.get("name"))
        fields = (previous or {}).get("selectableFields") or []
        if len(fields) > parts.MAX_SELECTABLE_FIELDS and internal.semantic(version.get("selectableFields")) == \
                internal.semantic(fields):
            allowed[str(version.get("name"))] = True
    return allowed


# -- spec ------------------------------------------------------------------------------------


def validate_spec(spec: dict[str, Any], opts: Options, path: field.Path) -> field.ErrorList:
    """validateCustomResourceDefinitionSpec over the internal spec."""
    errs = _validate_group(spec.get("group") or "", path.child("group"))
    errs += parts.validate_enum_strings(path.child("scope"), spec.get("scope") or "", ("Cluster", "Namespaced"), True)
    versions: list[dict[str, Any]] = spec.get("versions") or []
    top_schema = (spec.get("validation") or {}).get("openAPIV3Schema")
    if top_schema is None:
        for i, version in enumerate(versions):
            if (version.get("schema") or {}).get("openAPIV3Schema") is None:
                errs.append(field.required(path.child("versions").index(i).child("schema", "openAPIV3Schema"), ""))
    errs += _validate_versions(spec, versions, opts, path)
    errs += _validate_names_required(spec.get("names") or {}, path.child("names"))
    errs += parts.validate_names(spec.get("names"), path.child("names"))
    errs += validate_validation(spec.get("validation"), internal.has_any_status_enabled(spec), path.child("validation"),
                                spec.get("version") in opts.unchanged_schemas)
    errs += parts.validate_subresources(spec.get("subresources"), path.child("subresources"))
    for i, column in enumerate(spec.get("additionalPrinterColumns") or []):
        errs += parts.validate_column(column, path.child("additionalPrinterColumns").index(i))
    if spec.get("selectableFields"):
        if spec.get("validation") is None:
            errs.append(field.invalid(path.child("selectableFields"), "",
                                      "may only be set when validations.schema is included"))
        else:
            errs += parts.validate_selectable_fields(spec["selectableFields"], top_schema,
                                                     path.child("selectableFields"),
                                                     opts.allow_too_many_selectable_fields.get("", False))
    conversion = spec.get("conversion")
    if isinstance(conversion, dict) and conversion.get("strategy") != "None" and spec.get("preserveUnknownFields"):
        errs.append(field.invalid(path.child("conversion").child("strategy"), conversion.get("strategy"),
                                  "must be None if spec.preserveUnknownFields is true"))
    errs += parts.validate_conversion(conversion, opts.require_recognized_conversion_review_version,
                                      opts.allow_invalid_ca_bundle, path.child("conversion"))
    return errs


def _validate_group(group: str, path: field.Path) -> field.ErrorList:
    if not group:
        return [field.required(path, "")]
    problems = validation.is_dns1123_subdomain(group)
    if problems:
        return [field.invalid(path, group, ",".join(problems))]
    if len(group.split(".")) < 2:
        return [field.invalid(path, group, "should be a domain with at least one dot")]
    return []


def _validate_names_required(names: dict[str, Any], path: field.Path) -> field.ErrorList:
    return [field.required(path.child(key), "") for key in ("plural", "singular", "kind", "listKind")
            if not names.get(key)]


def _validate_versions(spec: dict[str, Any], versions: list[dict[str, Any]], opts: Options,
                       path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    storage_count = 0
    seen: set[str] = set()
    unique = True
    for i, version in enumerate(versions):
        child = path.child("versions").index(i)
        name = version.get("name") or ""
        storage_count += 1 if version.get("storage") else 0
        if name in seen:
            unique = False
        seen.add(name)
        problems = validation.is_dns1035_label(name)
        if problems:
            errs.append(field.invalid(child.child("name"), name, ",".join(problems)))
        status_enabled = internal.has_status_enabled(internal.subresources_for_version(spec, name))
        errs += _validate_version(version, status_enabled, opts, child)
    if spec.get("validation") is not None and internal.has_per_version(versions, "schema"):
        errs.append(field.forbidden(path.child("validation"),
                                    "top-level and per-version schemas are mutually exclusive"))
    if spec.get("subresources") is not None and internal.has_per_version(versions, "subresources"):
        errs.append(field.forbidden(path.child("subresources"),
                                    "top-level and per-version subresources are mutually exclusive"))
    if spec.get("additionalPrinterColumns") and internal.has_per_version(versions, "additionalPrinterColumns"):
        errs.append(field.forbidden(path.child("additionalPrinterColumns"),
                                    "top-level and per-version additionalPrinterColumns are mutually exclusive"))
    if not unique:
        errs.append(field.invalid(path.child("versions"), gostruct.versions(versions),
                                  "must contain unique version names"))
    if storage_count != 1:
        errs.append(field.invalid(path.child("versions"), gostruct.versions(versions),
                                  "must have exactly one version marked as storage version"))
    first = spec.get("version") or ""
    if first:
        problems = validation.is_dns1035_label(first)
        if problems:
            errs.append(field.invalid(path.child("version"), first, ",".join(problems)))
    return errs


def _validate_version(version: dict[str, Any], status_enabled: bool, opts: Options,
                      path: field.Path) -> field.ErrorList:
    """validateCustomResourceDefinitionVersion."""
    errs = parts.validate_deprecation_warning(version, path)
    errs += validate_validation(version.get("schema"), status_enabled, path.child("schema"),
                                version.get("name") in opts.unchanged_schemas)
    errs += parts.validate_subresources(version.get("subresources"), path.child("subresources"))
    for i, column in enumerate(version.get("additionalPrinterColumns") or []):
        errs += parts.validate_column(column, path.child("additionalPrinterColumns").index(i))
    selectable = version.get("selectableFields") or []
    if selectable:
        schema = (version.get("schema") or {}).get("openAPIV3Schema")
        if schema is None:
            errs.append(field.invalid(path.child("selectableFields"), "",
                                      "may only be set when `version.schema.openAPIV3Schema` is not included"))
        else:
            allowed = opts.allow_too_many_selectable_fields.get(str(version.get("name")), False)
            errs += parts.validate_selectable_fields(selectable, schema, path.child("selectableFields"), allowed)
    return errs


def validate_validation(holder: Any, status_enabled: bool, path: field.Path,
                        unchanged: bool = False) -> field.ErrorList:
    """validateCustomResourceDefinitionValidation: the status root rule here, the rest of the
    schema by the engine (CEL cost limits per expression are waived for an unchanged schema)."""
    schema = holder.get("openAPIV3Schema") if isinstance(holder, dict) else None
    if not isinstance(schema, dict):
        return []
    errs = parts.schema_root_errors(schema, status_enabled, path)
    errs += schema_engine.structural_errors(schema, path.child("openAPIV3Schema"),
                                            suppress_per_expression_cost=unchanged)
    return errs


# -- warnings --------------------------------------------------------------------------------

_SUPPORTED_FORMATS = frozenset({
    "bsonobjectid", "uri", "email", "hostname", "ipv4", "ipv6", "cidr", "mac", "uuid", "uuid3", "uuid4", "uuid5",
    "isbn", "isbn10", "isbn13", "creditcard", "ssn", "hexcolor", "rgbcolor", "byte", "password", "date", "duration",
    "datetime", "k8sshortname", "k8slongname",
})


def unrecognized_formats(crd: Object) -> list[str]:
    """Formats of string schemas that the v1.34 compatibility version does not know."""
    found: list[str] = []

    def visit(node: dict[str, Any]) -> bool:
        fmt = node.get("format")
        if fmt and node.get("type") == "string" and str(fmt).replace("-", "") not in _SUPPORTED_FORMATS:
            found.append(str(fmt))
        return False

    for schema in internal.schemas(internal.internal_spec(helpers.spec(crd))):
        internal.schema_has(schema, visit)
    return found
