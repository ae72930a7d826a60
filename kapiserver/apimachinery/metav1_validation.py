"""Validation of the metav1 types (upstream apimachinery/pkg/apis/meta/v1/validation).

Labels, label selectors, managed fields, conditions and the options of the write verbs
(create/update/patch/delete), over the plain dicts decoded from JSON: a missing key is
Go's zero value, and a key holding null is a nil pointer. `objectmeta` builds on these for
ObjectMeta; it is a separate module only to keep both small.

Field paths and messages are upstream's, so `errors.invalid(...)` renders the same text.
Go iterates maps in random order; dicts are validated in their own order here.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import field, timefmt, validation
from .types import Object

FIELD_MANAGER_MAX_LENGTH = 128
MAX_SUBRESOURCE_NAME_LENGTH = 256
UNINITIALIZED_STATUS_UPDATE_ERROR_MSG = "must not update status when the object is uninitialized"

APPLY_PATCH_TYPES = ("application/apply-patch+yaml", "application/apply-patch+cbor")
"""The patch content types of server-side apply (types.ApplyYAMLPatchType, ApplyCBORPatchType)."""


@dataclass(frozen=True, slots=True)
class LabelSelectorValidationOptions:
    allow_invalid_label_value_in_selector: bool = False
    """Tolerate invalid values in matchExpressions (kept for objects stored before the check)."""
    allow_unknown_operator_in_requirement: bool = False
    """Tolerate operators this version does not know (for forward compatibility of updates)."""


@dataclass(frozen=True, slots=True)
class FieldSelectorValidationOptions:
    allow_unknown_operator_in_requirement: bool = False


def validate_label_name(label_name: str, path: field.Path) -> field.ErrorList:
    return [field.invalid(path, label_name, msg) for msg in validation.is_qualified_name(label_name)]


def validate_labels(labels: Mapping[str, str] | None, path: field.Path) -> field.ErrorList:
    """Every key a qualified name, every value a label value; errors are at `path` itself."""
    errs: field.ErrorList = []
    for key, value in (labels or {}).items():
        errs += validate_label_name(key, path)
        errs += [field.invalid(path, value, msg) for msg in validation.is_valid_label_value(value)]
    return errs


def label_selector_has_invalid_label_value(selector: Object | None) -> bool:
    """Whether an existing selector would fail the value check (used to relax it on update)."""
    if selector is None:
        return False
    return any(validation.is_valid_label_value(value)
               for expr in selector.get("matchExpressions") or [] for value in expr.get("values") or [])


def validate_label_selector(selector: Object | None, opts: LabelSelectorValidationOptions,
                            path: field.Path) -> field.ErrorList:
    """A metav1.LabelSelector; None (a nil selector) is valid."""
    if selector is None:
        return []
    errs = validate_labels(selector.get("matchLabels"), path.child("matchLabels"))
    for i, expr in enumerate(selector.get("matchExpressions") or []):
        errs += validate_label_selector_requirement(expr, opts, path.child("matchExpressions").index(i))
    return errs


def validate_label_selector_requirement(requirement: Object, opts: LabelSelectorValidationOptions,
                                        path: field.Path) -> field.ErrorList:
    values: list[str] = requirement.get("values") or []
    errs = _operator_errors(requirement, opts.allow_unknown_operator_in_requirement, path)
    errs += validate_label_name(requirement.get("key") or "", path.child("key"))
    if not opts.allow_invalid_label_value_in_selector:
        for i, value in enumerate(values):
            errs += [field.invalid(path.child("values").index(i), value, msg)
                     for msg in validation.is_valid_label_value(value)]
    return errs


def validate_field_selector_requirement(requirement: Object, opts: FieldSelectorValidationOptions,
                                        path: field.Path) -> field.ErrorList:
    """A metav1.FieldSelectorRequirement (as used by authorization's field selectors)."""
    errs: field.ErrorList = []
    if not requirement.get("key"):
        errs.append(field.required(path.child("key"), "must be specified"))
    return errs + _operator_errors(requirement, opts.allow_unknown_operator_in_requirement, path)


def _operator_errors(requirement: Object, allow_unknown: bool, path: field.Path) -> field.ErrorList:
    """The operator/values rules label and field selector requirements share."""
    operator = requirement.get("operator") or ""
    values = requirement.get("values") or []
    if operator in ("In", "NotIn"):
        if not values:
            detail = "must be specified when `operator` is 'In' or 'NotIn'"
            return [field.required(path.child("values"), detail)]
    elif operator in ("Exists", "DoesNotExist"):
        if values:
            detail = "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
            return [field.forbidden(path.child("values"), detail)]
    elif not allow_unknown:
        return [field.invalid(path.child("operator"), operator, "not a valid selector operator")]
    return []


# --- options of the write verbs -------------------------------------------------------------

_PROPAGATION_POLICIES = ("Foreground", "Background", "Orphan")
_FIELD_VALIDATION_VALUES = ("", "Ignore", "Strict", "Warn")  # sorted, as upstream lists them


def validate_delete_options(options: Object) -> field.ErrorList:
    errs: field.ErrorList = []
    policy = options.get("propagationPolicy")
    if options.get("orphanDependents") is not None and policy is not None:
        errs.append(field.invalid(field.new_path("propagationPolicy"), policy,
                                  "orphanDependents and deletionPropagation cannot be both set"))
    if policy is not None and policy not in _PROPAGATION_POLICIES:
        supported = [*_PROPAGATION_POLICIES, "nil"]
        errs.append(field.not_supported(field.new_path("propagationPolicy"), policy, supported))
    errs += validate_dry_run(field.new_path("dryRun"), options.get("dryRun"))
    path = field.new_path("ignoreStoreReadErrorWithClusterBreakingPotential")
    errs += validate_ignore_store_read_error(path, options)
    return errs


def validate_create_options(options: Object) -> field.ErrorList:
    return _validate_write_options(options)


def validate_update_options(options: Object) -> field.ErrorList:
    return _validate_write_options(options)


def _validate_write_options(options: Object) -> field.ErrorList:
    errs = validate_field_manager(options.get("fieldManager") or "", field.new_path("fieldManager"))
    errs += validate_dry_run(field.new_path("dryRun"), options.get("dryRun"))
    errs += validate_field_validation(field.new_path("fieldValidation"), options.get("fieldValidation") or "")
    return errs


def validate_patch_options(options: Object, patch_type: str) -> field.ErrorList:
    """Apply patches need a field manager; only apply patches may force."""
    errs: field.ErrorList = []
    if patch_type in APPLY_PATCH_TYPES:
        if not options.get("fieldManager"):
            errs.append(field.required(field.new_path("fieldManager"), "is required for apply patch"))
    elif options.get("force") is not None:
        errs.append(field.forbidden(field.new_path("force"), "may not be specified for non-apply patch"))
    return errs + _validate_write_options(options)


def validate_field_manager(field_manager: str, path: field.Path) -> field.ErrorList:
    """At most 128 bytes, printable characters only (positions are byte offsets, as in Go)."""
    errs: field.ErrorList = []
    if validation.byte_len(field_manager) > FIELD_MANAGER_MAX_LENGTH:
        errs.append(field.too_long(path, FIELD_MANAGER_MAX_LENGTH))
    offset = 0
    for ch in field_manager:
        if not ch.isprintable():
            detail = f"invalid character U+{ord(ch):04X} (at position {offset})"  # Go's %#U
            errs.append(field.invalid(path, field_manager, detail))
        offset += validation.byte_len(ch)
    return errs


def validate_dry_run(path: field.Path, dry_run: Sequence[str] | None) -> field.ErrorList:
    """Every entry must be "All"."""
    if any(value != "All" for value in dry_run or ()):
        return [field.not_supported(path, list(dry_run or ()), ["All"])]
    return []


def validate_field_validation(path: field.Path, field_validation: str) -> field.ErrorList:
    if field_validation not in _FIELD_VALIDATION_VALUES:
        return [field.not_supported(path, field_validation, _FIELD_VALIDATION_VALUES)]
    return []


def validate_table_options(options: Object) -> field.ErrorList:
    include = options.get("includeObject") or ""
    if include not in ("Metadata", "None", "Object", ""):
        detail = "must be 'Metadata', 'Object', 'None', or empty"
        return [field.invalid(field.new_path("includeObject"), include, detail)]
    return []


def validate_ignore_store_read_error(path: field.Path, options: Object) -> field.ErrorList:
    """The unsafe delete of a corrupt object may not be combined with anything else."""
    if not options.get("ignoreStoreReadErrorWithClusterBreakingPotential"):
        return []
    conflicts = []
    if options.get("dryRun"):
        conflicts.append("dryRun")
    pointers = ("propagationPolicy", "orphanDependents", "gracePeriodSeconds", "preconditions")
    conflicts += [name for name in pointers if options.get(name) is not None]
    return [field.invalid(path, True, f"cannot be set together with .{name}") for name in conflicts]


# --- managed fields and conditions ----------------------------------------------------------


def validate_managed_fields(entries: Sequence[Object] | None, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    for i, entry in enumerate(entries or ()):
        entry_path = path.index(i)
        operation = entry.get("operation") or ""
        if operation not in ("Apply", "Update"):
            detail = "must be `Apply` or `Update`"
            errs.append(field.invalid(entry_path.child("operation"), operation, detail))
        fields_type = entry.get("fieldsType") or ""
        if fields_type and fields_type != "FieldsV1":
            errs.append(field.invalid(entry_path.child("fieldsType"), fields_type, "must be `FieldsV1`"))
        errs += validate_field_manager(entry.get("manager") or "", entry_path.child("manager"))
        if validation.byte_len(entry.get("subresource") or "") > MAX_SUBRESOURCE_NAME_LENGTH:
            errs.append(field.too_long(entry_path.child("subresource"), MAX_SUBRESOURCE_NAME_LENGTH))
    return errs


_CONDITION_STATUSES = ("False", "True", "Unknown")  # sorted, as upstream lists them
_MAX_REASON_LEN = 1024
_MAX_MESSAGE_LEN = 32 * 1024
_CONDITION_REASON_FMT = "[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?"
_CONDITION_REASON_RE = re.compile(_CONDITION_REASON_FMT)
_CONDITION_REASON_ERR = ("a condition reason must start with alphabetic character, optionally followed by a "
                         "string of alphanumeric characters or '_,:', and must end with an alphanumeric "
                         "character or '_'")


def is_zero_time(value: object) -> bool:
    """metav1.Time.IsZero() for a decoded timestamp: absent, null, "" or year 1 00:00:00 UTC."""
    if not value:
        return True
    try:
        return timefmt.parse_time(str(value)) == _dt.datetime(1, 1, 1, tzinfo=_dt.UTC)
    except (ValueError, OverflowError):
        return False


def validate_conditions(conditions: Sequence[Object] | None, path: field.Path) -> field.ErrorList:
    """A list of metav1.Condition: unique types, each condition valid."""
    errs: field.ErrorList = []
    seen: set[str] = set()
    for i, condition in enumerate(conditions or ()):
        condition_type = condition.get("type") or ""
        if condition_type in seen:
            errs.append(field.duplicate(path.index(i).child("type"), condition_type))
        seen.add(condition_type)
        errs += validate_condition(condition, path.index(i))
    return errs


def validate_condition(condition: Object, path: field.Path) -> field.ErrorList:
    errs = validate_label_name(condition.get("type") or "", path.child("type"))
    status = condition.get("status") or ""
    if status not in _CONDITION_STATUSES:
        errs.append(field.not_supported(path.child("status"), status, _CONDITION_STATUSES))
    generation = condition.get("observedGeneration") or 0
    if generation < 0:
        detail = "must be greater than or equal to zero"
        errs.append(field.invalid(path.child("observedGeneration"), generation, detail))
    if is_zero_time(condition.get("lastTransitionTime")):
        errs.append(field.required(path.child("lastTransitionTime"), ""))
    reason = condition.get("reason") or ""
    if not reason:
        errs.append(field.required(path.child("reason"), ""))
    else:
        if not _CONDITION_REASON_RE.fullmatch(reason):
            examples = ("my_name", "MY_NAME", "MyName", "ReasonA,ReasonB", "ReasonA:ReasonB")
            detail = validation.regex_error(_CONDITION_REASON_ERR, _CONDITION_REASON_FMT, *examples)
            errs.append(field.invalid(path.child("reason"), reason, detail))
        if validation.byte_len(reason) > _MAX_REASON_LEN:
            errs.append(field.too_long(path.child("reason"), _MAX_REASON_LEN))
    if validation.byte_len(condition.get("message") or "") > _MAX_MESSAGE_LEN:
        errs.append(field.too_long(path.child("message"), _MAX_MESSAGE_LEN))
    return errs
