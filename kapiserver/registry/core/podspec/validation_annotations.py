"""Annotations with meaning for pods (upstream ValidatePodSpecificAnnotations,
ValidatePodSpecificAnnotationUpdates, the seccomp and AppArmor annotation checks, and
the create-time rule that annotations and fields of those profiles agree).
"""

from __future__ import annotations

import orjson

from kapiserver.apimachinery import field
from kapiserver.apimachinery.types import Object

from . import helpers
from .access import as_dict, as_str, dicts
from .options import PodValidationOptions, deletion_cost_error
from .paths import validate_local_descending_path

MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"
TOLERATIONS_ANNOTATION = "scheduler.alpha.kubernetes.io/tolerations"
DELETION_COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost"
SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER_PREFIX = "container.seccomp.security.alpha.kubernetes.io/"
APPARMOR_CONTAINER_PREFIX = "container.apparmor.security.beta.kubernetes.io/"


def validate_seccomp_profile(profile: str, path: field.Path) -> field.ErrorList:
    if profile in ("runtime/default", "docker/default", "unconfined"):
        return []
    if profile.startswith("localhost/"):
        return validate_local_descending_path(profile[len("localhost/"):], path)
    return [field.invalid(path, profile, "must be a valid seccomp profile")]


def _app_armor_format_error(profile: str) -> str | None:
    if profile in ("", "runtime/default", "unconfined") or profile.startswith("localhost/"):
        return None
    return f"invalid AppArmor profile name: {field.go_quote(profile)}"


def _container_names(spec: Object) -> set[str]:
    return {as_str(c.get("name")) for c, _ in helpers.visit_containers(spec)}


def validate_pod_specific_annotations(annotations: Object, spec: Object, path: field.Path,
                                      opts: PodValidationOptions) -> field.ErrorList:
    errs: field.ErrorList = []
    if MIRROR_POD_ANNOTATION in annotations and not as_str(spec.get("nodeName")):
        errs.append(field.invalid(path.key(MIRROR_POD_ANNOTATION), annotations[MIRROR_POD_ANNOTATION],
                                  "must set spec.nodeName if mirror pod annotation is set"))
    if annotations.get(TOLERATIONS_ANNOTATION):
        errs += _validate_tolerations_annotation(annotations, path)
    if not opts.allow_invalid_pod_deletion_cost and deletion_cost_error(annotations) is not None:
        errs.append(field.invalid(path.key(DELETION_COST_ANNOTATION), annotations[DELETION_COST_ANNOTATION],
                                  "must be a 32bit integer"))
    if SECCOMP_POD_ANNOTATION in annotations:
        errs += validate_seccomp_profile(as_str(annotations[SECCOMP_POD_ANNOTATION]),
                                         path.child(SECCOMP_POD_ANNOTATION))
    for key, value in annotations.items():
        if key.startswith(SECCOMP_CONTAINER_PREFIX):
            errs += validate_seccomp_profile(as_str(value), path.child(key))
    names = _container_names(spec)
    for key, value in annotations.items():
        if not key.startswith(APPARMOR_CONTAINER_PREFIX):
            continue
        container = key[len(APPARMOR_CONTAINER_PREFIX):]
        if container not in names:
            errs.append(field.invalid(path.key(key), container, "container not found"))
        problem = _app_armor_format_error(as_str(value))
        if problem:
            errs.append(field.invalid(path.key(key), value, problem))
    return errs


def _validate_tolerations_annotation(annotations: Object, path: field.Path) -> field.ErrorList:
    from .validation_scheduling import validate_tolerations

    try:
        tolerations = orjson.loads(as_str(annotations[TOLERATIONS_ANNOTATION]))
    except orjson.JSONDecodeError as exc:
        return [field.invalid(path, TOLERATIONS_ANNOTATION, str(exc))]
    if not isinstance(tolerations, list):
        return [field.invalid(path, TOLERATIONS_ANNOTATION,
                              "json: cannot unmarshal value into Go value of type []core.Toleration")]
    if tolerations:
        return validate_tolerations(tolerations, path.child(TOLERATIONS_ANNOTATION))
    return []


def validate_pod_specific_annotation_updates(new: Object, old: Object, path: field.Path,
                                             opts: PodValidationOptions) -> field.ErrorList:
    errs: field.ErrorList = []
    new_annotations = as_dict(as_dict(new.get("metadata")).get("annotations"))
    old_annotations = as_dict(as_dict(old.get("metadata")).get("annotations"))
    for key, old_value in old_annotations.items():
        if key in new_annotations and new_annotations[key] == old_value:
            continue
        if key.startswith(APPARMOR_CONTAINER_PREFIX):
            errs.append(field.forbidden(path.key(key), "may not remove or update AppArmor annotations"))
        if key == MIRROR_POD_ANNOTATION:
            errs.append(field.forbidden(path.key(key), "may not remove or update mirror pod annotation"))
    for key in new_annotations:
        if key in old_annotations:
            continue
        if key.startswith(APPARMOR_CONTAINER_PREFIX):
            errs.append(field.forbidden(path.key(key), "may not add AppArmor annotations"))
        if key == MIRROR_POD_ANNOTATION:
            errs.append(field.forbidden(path.key(key), "may not add mirror pod annotation"))
    spec = as_dict(new.get("spec"))
    return errs + validate_pod_specific_annotations(new_annotations, spec, path, opts)


# --- annotations and fields must agree (create) ----------------------------------------------


def _seccomp_mismatch(annotation: str, profile: Object, path: field.Path) -> field.FieldError | None:
    kind = as_str(profile.get("type"))
    if kind == "Unconfined" and annotation != "unconfined":
        return field.forbidden(path.child("type"), "seccomp type in annotation and field must match")
    if kind == "RuntimeDefault" and annotation not in ("runtime/default", "docker/default"):
        return field.forbidden(path.child("type"), "seccomp type in annotation and field must match")
    if kind == "Localhost":
        if not annotation.startswith("localhost/"):
            return field.forbidden(path.child("type"), "seccomp type in annotation and field must match")
        local = profile.get("localhostProfile")
        if local is None or annotation[len("localhost/"):] != as_str(local):
            return field.forbidden(path.child("localhostProfile"), "seccomp profile in annotation and field must match")
    return None


def validate_seccomp_annotations_and_fields(meta: Object, spec: Object, spec_path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    annotations = as_dict(meta.get("annotations"))
    pod_profile = as_dict(spec.get("securityContext")).get("seccompProfile")
    if isinstance(pod_profile, dict) and SECCOMP_POD_ANNOTATION in annotations:
        err = _seccomp_mismatch(as_str(annotations[SECCOMP_POD_ANNOTATION]), pod_profile,
                                spec_path.child("securityContext").child("seccompProfile"))
        if err is not None:
            errs.append(err)
    for container, cpath in helpers.visit_containers(spec, spec_path):
        profile = as_dict(container.get("securityContext")).get("seccompProfile")
        key = SECCOMP_CONTAINER_PREFIX + as_str(container.get("name"))
        if isinstance(profile, dict) and key in annotations:
            err = _seccomp_mismatch(as_str(annotations[key]), profile,
                                    cpath.child("securityContext").child("seccompProfile"))
            if err is not None:
                errs.append(err)
    return errs


def validate_app_armor_annotations_and_fields(meta: Object, spec: Object, spec_path: field.Path) -> field.ErrorList:
    if as_dict(spec.get("os")).get("name") == "windows":
        return []
    errs: field.ErrorList = []
    annotations = as_dict(meta.get("annotations"))
    pod_profile = as_dict(spec.get("securityContext")).get("appArmorProfile")
    for container, cpath in helpers.visit_containers(spec, spec_path):
        profile = as_dict(container.get("securityContext")).get("appArmorProfile") or pod_profile
        key = APPARMOR_CONTAINER_PREFIX + as_str(container.get("name"))
        if not isinstance(profile, dict) or key not in annotations:
            continue
        annotation = as_str(annotations[key])
        path = cpath.child("securityContext").child("appArmorProfile")
        kind = as_str(profile.get("type"))
        if kind == "Unconfined" and annotation != "unconfined" or \
                kind == "RuntimeDefault" and annotation != "runtime/default":
            errs.append(field.forbidden(path.child("type"), "apparmor type in annotation and field must match"))
        elif kind == "Localhost":
            if not annotation.startswith("localhost/"):
                errs.append(field.forbidden(path.child("type"), "apparmor type in annotation and field must match"))
            elif profile.get("localhostProfile") is None or \
                    annotation[len("localhost/"):] != as_str(profile.get("localhostProfile")):
                errs.append(field.forbidden(path.child("localhostProfile"),
                                            "apparmor profile in annotation and field must match"))
    return errs


def tolerations_of(spec: Object) -> list[Object]:
    return dicts(spec.get("tolerations"))
