"""ObjectMeta validation shared by every kind (upstream apimachinery/pkg/api/validation).

Input is the `metadata` dict as decoded from JSON: a missing key is Go's zero value, a key
holding null a nil pointer. Output is a field.ErrorList with upstream's paths and messages,
in upstream's order; strategies append their own checks and hand the list to
`errors.invalid()`.

Values in messages are rendered as upstream renders the decoded Go value: owner references
in the field order of the Go struct, timestamps as metav1.Time marshals them (UTC, seconds,
`null` when unset).

Name rules are functions `(name, prefix) -> list[str]` (upstream ValidateNameFunc):
`prefix=True` means the value is a generateName, which may end in a dash because random
characters will follow.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping, Sequence

from . import field, metav1_validation, timefmt, validation
from .schema import GroupVersion, GroupVersionKind
from .types import Object

FIELD_IMMUTABLE_ERROR_MSG = "field is immutable"
IS_NEGATIVE_ERROR_MSG = "must be greater than or equal to 0"
TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * (1 << 10)
BANNED_OWNERS = frozenset({GroupVersionKind("", "v1", "Event")})
FINALIZER_ORPHAN_DEPENDENTS = "orphan"
FINALIZER_DELETE_DEPENDENTS = "foregroundDeletion"

ValidateNameFunc = Callable[[str, bool], list[str]]
ValidateNameFuncWithErrors = Callable[[field.Path, str], field.ErrorList]


def _mask_trailing_dash(name: str) -> str:
    """Replace a generateName's trailing dash so that the name rules accept it.

    Upstream drops the last two bytes and appends "a" ("b-" -> "a"); done on bytes here too,
    so lengths come out the same for non-ASCII input.
    """
    if len(name) > 1 and name.endswith("-"):
        raw = name.encode("utf-8", "surrogateescape")
        return (raw[:-2] + b"a").decode("utf-8", "surrogateescape")
    return name


def name_is_dns_subdomain(name: str, prefix: bool) -> list[str]:
    return validation.is_dns1123_subdomain(_mask_trailing_dash(name) if prefix else name)


def name_is_dns_label(name: str, prefix: bool) -> list[str]:
    return validation.is_dns1123_label(_mask_trailing_dash(name) if prefix else name)


def name_is_dns1035_label(name: str, prefix: bool) -> list[str]:
    return validation.is_dns1035_label(_mask_trailing_dash(name) if prefix else name)


validate_namespace_name = name_is_dns_label
validate_service_account_name = name_is_dns_subdomain


def validate_nonnegative_field(value: int, path: field.Path) -> field.ErrorList:
    return [field.invalid(path, value, IS_NEGATIVE_ERROR_MSG)] if value < 0 else []


def _go_to_lower(text: str) -> str:
    """strings.ToLower: per-character simple case mapping (Go maps 'İ' to 'i', Python to 'i̇')."""
    return "".join("i" if ch == "\u0130" else ch.lower() for ch in text)


def validate_annotations_size(annotations: Mapping[str, str] | None) -> str | None:
    """The error text if keys and values together exceed 256 KiB, else None."""
    total = sum(validation.byte_len(k) + validation.byte_len(v) for k, v in (annotations or {}).items())
    if total > TOTAL_ANNOTATION_SIZE_LIMIT_B:
        return f"annotations size {total} is larger than limit {TOTAL_ANNOTATION_SIZE_LIMIT_B}"
    return None


def validate_annotations(annotations: Mapping[str, str] | None, path: field.Path) -> field.ErrorList:
    """Keys are qualified names (checked lower-cased), and the total size is limited."""
    errs: field.ErrorList = []
    for key in annotations or {}:
        errs += [field.invalid(path, key, msg) for msg in validation.is_qualified_name(_go_to_lower(key))]
    if validate_annotations_size(annotations) is not None:
        errs.append(field.too_long(path, TOTAL_ANNOTATION_SIZE_LIMIT_B))
    return errs


def _owner_reference_value(ref: Object) -> Object:
    """The reference as Go re-encodes the decoded struct: its fields, in struct order."""
    value: Object = {k: ref.get(k) or "" for k in ("apiVersion", "kind", "name", "uid")}
    for key in ("controller", "blockOwnerDeletion"):
        if ref.get(key) is not None:
            value[key] = ref[key]
    return value


def _gvk_from_api_version_and_kind(api_version: str, kind: str) -> GroupVersionKind:
    try:
        gv = GroupVersion.parse(api_version)
    except ValueError:
        return GroupVersionKind("", "", kind)
    return GroupVersionKind(gv.group, gv.version, kind)


def _validate_owner_reference(ref: Object, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    api_version, kind = ref.get("apiVersion") or "", ref.get("kind") or ""
    gvk = _gvk_from_api_version_and_kind(api_version, kind)
    if not gvk.version:
        errs.append(field.invalid(path.child("apiVersion"), api_version, "version must not be empty"))
    if not gvk.kind:
        errs.append(field.invalid(path.child("kind"), kind, "must not be empty"))
    for key in ("name", "uid"):
        if not ref.get(key):
            errs.append(field.invalid(path.child(key), ref.get(key) or "", "must not be empty"))
    if gvk in BANNED_OWNERS:
        detail = f"{gvk.group}/{gvk.version}, Kind={gvk.kind} is disallowed from being an owner"
        errs.append(field.invalid(path, _owner_reference_value(ref), detail))
    return errs


def validate_owner_references(refs: Sequence[Object] | None, path: field.Path) -> field.ErrorList:
    """Each reference complete and allowed (errors at `path`, unindexed, as upstream); one controller."""
    errs: field.ErrorList = []
    first_controller = ""
    for ref in refs or ():
        errs += _validate_owner_reference(ref, path)
        if ref.get("controller") is True:
            controller = f"{ref.get('kind') or ''}/{ref.get('name') or ''}"
            if first_controller:
                detail = ("Only one reference can have Controller set to true. Found \"true\" in references "
                          f"for {first_controller} and {controller}")
                errs.append(field.invalid(path, [_owner_reference_value(r) for r in refs or ()], detail))
            else:
                first_controller = controller
    return errs


def validate_finalizer_name(name: str, path: field.Path) -> field.ErrorList:
    return [field.invalid(path, name, msg) for msg in validation.is_qualified_name(name)]


def validate_finalizers(finalizers: Sequence[str] | None, path: field.Path) -> field.ErrorList:
    """Qualified names (errors at `path`, unindexed, as upstream); not both orphan and foreground."""
    errs: field.ErrorList = []
    for finalizer in finalizers or ():
        errs += validate_finalizer_name(finalizer, path)
    present = set(finalizers or ())
    if FINALIZER_ORPHAN_DEPENDENTS in present and FINALIZER_DELETE_DEPENDENTS in present:
        both = f"{FINALIZER_ORPHAN_DEPENDENTS} and {FINALIZER_DELETE_DEPENDENTS}"
        detail = f"finalizer {both} cannot be both set"
        errs.append(field.invalid(path, list(finalizers or ()), detail))
    return errs


def validate_no_new_finalizers(new: Sequence[str] | None, old: Sequence[str] | None,
                               path: field.Path) -> field.ErrorList:
    """An object being deleted may lose finalizers but not gain any."""
    extra = sorted(set(new or ()) - set(old or ()))
    if not extra:
        return []
    listed = "[]string{" + ", ".join(field.go_quote(f) for f in extra) + "}"  # Go's %#v
    return [field.forbidden(path, f"no new finalizers can be added if the object is being deleted, "
                                  f"found new finalizers {listed}")]


def validate_immutable_field(new: object, old: object, path: field.Path) -> field.ErrorList:
    return [field.invalid(path, new, FIELD_IMMUTABLE_ERROR_MSG)] if new != old else []


# --- ObjectMeta -----------------------------------------------------------------------------


def validate_object_meta(meta: Object, requires_namespace: bool, name_fn: ValidateNameFunc,
                         path: field.Path) -> field.ErrorList:
    """ObjectMeta on create: name (or generateName), namespace by scope, and the common rules."""
    errs: field.ErrorList = []
    generate_name = meta.get("generateName") or ""
    if generate_name:
        errs += [field.invalid(path.child("generateName"), generate_name, msg)
                 for msg in name_fn(generate_name, True)]
    name = meta.get("name") or ""
    if not name:
        errs.append(field.required(path.child("name"), "name or generateName is required"))
    else:
        errs += [field.invalid(path.child("name"), name, msg) for msg in name_fn(name, False)]
    return errs + _validate_common(meta, requires_namespace, path)


def validate_object_meta_with_opts(meta: Object, is_namespaced: bool, name_fn: ValidateNameFuncWithErrors,
                                   path: field.Path) -> field.ErrorList:
    """As validate_object_meta, for name rules that build their own errors.

    generateName is not checked here: by the time this runs the name must have been generated.
    """
    errs: field.ErrorList = []
    generate_name = meta.get("generateName") or ""
    name = meta.get("name") or ""
    if generate_name and not name:
        message = f"generateName was specified ({field.go_quote(generate_name)}), but no name was generated"
        errs.append(field.internal_error(path.child("name"), message))
    if not name:
        errs.append(field.required(path.child("name"), "name or generateName is required"))
    else:
        errs += name_fn(path.child("name"), name)
    return errs + _validate_common(meta, is_namespaced, path)


def _validate_common(meta: Object, is_namespaced: bool, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    namespace = meta.get("namespace") or ""
    if is_namespaced:
        if not namespace:
            errs.append(field.required(path.child("namespace"), ""))
        else:
            errs += [field.invalid(path.child("namespace"), namespace, msg)
                     for msg in validate_namespace_name(namespace, False)]
    elif namespace:
        errs.append(field.forbidden(path.child("namespace"), "not allowed on this type"))
    errs += validate_nonnegative_field(meta.get("generation") or 0, path.child("generation"))
    return errs + _validate_maps_and_lists(meta, path, with_finalizers=True)


def _validate_maps_and_lists(meta: Object, path: field.Path, with_finalizers: bool) -> field.ErrorList:
    errs = metav1_validation.validate_labels(meta.get("labels"), path.child("labels"))
    errs += validate_annotations(meta.get("annotations"), path.child("annotations"))
    errs += validate_owner_references(meta.get("ownerReferences"), path.child("ownerReferences"))
    if with_finalizers:
        errs += validate_finalizers(meta.get("finalizers"), path.child("finalizers"))
    errs += metav1_validation.validate_managed_fields(meta.get("managedFields"), path.child("managedFields"))
    return errs


def _time(value: object) -> tuple[_dt.datetime | str | None, str | None]:
    """(what to compare, what to print) for a metav1.Time field; unset and zero print as null."""
    if metav1_validation.is_zero_time(value):
        return None, None
    try:
        parsed = timefmt.parse_time(str(value))
    except ValueError:
        return str(value), str(value)
    return parsed, timefmt.format_time(parsed)


def _validate_immutable_time(new: object, old: object, path: field.Path) -> field.ErrorList:
    new_cmp, new_shown = _time(new)
    return [field.invalid(path, new_shown, FIELD_IMMUTABLE_ERROR_MSG)] if new_cmp != _time(old)[0] else []


def validate_object_meta_update(new_meta: Object, old_meta: Object, path: field.Path) -> field.ErrorList:
    """ObjectMeta on update: identity and deletion fields frozen, generation monotonic."""
    errs: field.ErrorList = []
    if old_meta.get("deletionTimestamp") is not None:
        errs += validate_no_new_finalizers(new_meta.get("finalizers"), old_meta.get("finalizers"),
                                           path.child("finalizers"))
    if not new_meta.get("resourceVersion"):
        errs.append(field.invalid(path.child("resourceVersion"), "", "must be specified for an update"))
    new_generation = new_meta.get("generation") or 0
    if new_generation < (old_meta.get("generation") or 0):
        errs.append(field.invalid(path.child("generation"), new_generation, "must not be decremented"))
    for key in ("name", "namespace", "uid"):
        errs += validate_immutable_field(new_meta.get(key) or "", old_meta.get(key) or "", path.child(key))
    for key in ("creationTimestamp", "deletionTimestamp"):
        errs += _validate_immutable_time(new_meta.get(key), old_meta.get(key), path.child(key))
    errs += validate_immutable_field(new_meta.get("deletionGracePeriodSeconds"),
                                     old_meta.get("deletionGracePeriodSeconds"),
                                     path.child("deletionGracePeriodSeconds"))
    return errs + _validate_maps_and_lists(new_meta, path, with_finalizers=False)
