"""File path checks shared by volumes, mounts and seccomp profiles (upstream
validateLocalDescendingPath, validatePathNoBacksteps, ValidateLocalNonReservedPath).

Upstream splits with filepath.ToSlash on the API server's OS; kapiserver runs on POSIX, so
"/" is the only separator, as on a Linux kube-apiserver.
"""

from __future__ import annotations

from kapiserver.apimachinery import field


def validate_path_no_backsteps(target: str, path: field.Path) -> field.ErrorList:
    if ".." in target.split("/"):
        return [field.invalid(path, target, "must not contain '..'")]
    return []


def validate_local_descending_path(target: str, path: field.Path) -> field.ErrorList:
    errs: field.ErrorList = []
    if target.startswith("/"):
        errs.append(field.invalid(path, target, "must be a relative path"))
    return errs + validate_path_no_backsteps(target, path)


def validate_local_non_reserved_path(target: str, path: field.Path) -> field.ErrorList:
    errs = validate_local_descending_path(target, path)
    if target.startswith("..") and not target.startswith("../"):
        errs.append(field.invalid(path, target, "must not start with '..'"))
    return errs
