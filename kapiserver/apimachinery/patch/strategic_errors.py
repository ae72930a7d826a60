"""The errors of strategic merge patch (upstream pkg/util/mergepatch/errors.go).

Every error the engine raises is a `MergePatchError` whose text is upstream's. The
sentinel subclasses are the errors kube-apiserver's PATCH handler recognises by identity
and answers with a 400 or a 422 (see `patcher.py`); any other `MergePatchError` reaches
the client as a reason-less 500 carrying the text, exactly as upstream's does.
"""

from __future__ import annotations

from typing import Any

import yaml

from ..golang import sprint, sprint_s, type_name

MAP_TYPE = "map[string]interface {}"
SLICE_TYPE = "[]interface {}"


class MergePatchError(Exception):
    """An error of the strategic merge patch engine; `str()` is upstream's message."""

    message = ""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.message)


class BadJSONDoc(MergePatchError):
    message = "invalid JSON document"


class NoListOfLists(MergePatchError):
    message = "lists of lists are not supported"


class BadPatchFormatForPrimitiveList(MergePatchError):
    message = "invalid patch format of primitive list"


class BadPatchFormatForRetainKeys(MergePatchError):
    message = "invalid patch format of retainKeys"


class BadPatchFormatForSetElementOrderList(MergePatchError):
    message = "invalid patch format of setElementOrder list"


class PatchContentNotMatchRetainKeys(MergePatchError):
    message = "patch content doesn't match retainKeys list"


class UnsupportedStrategicMergePatchFormat(MergePatchError):
    message = "strategic merge patch format is not supported"


class PreconditionFailed(MergePatchError):
    """A precondition given to a patch-creating function rejected the patch."""

    def __init__(self, target: dict[str, Any]) -> None:
        super().__init__(f"precondition failed for: {sprint(target)}")


class Conflict(MergePatchError):
    """A three-way patch changes something the live object changed differently."""

    def __init__(self, patch: Any, current: Any) -> None:
        changes = "conflicts with changes made from original to current"
        super().__init__(f"patch:\n{to_yaml(patch)}\n{changes}:\n{to_yaml(current)}\n")


def no_merge_key(item: Any, merge_key: str) -> MergePatchError:
    return MergePatchError(f"map: {sprint(item)} does not contain declared merge key: {merge_key}")


def bad_arg_type(expected_type: str, actual: Any) -> MergePatchError:
    return MergePatchError(f"expected a {expected_type}, but received a {type_name(actual)}")


def bad_patch_type(directive: Any, item: dict[str, Any]) -> MergePatchError:
    return MergePatchError(f"unknown patch type: {sprint_s(directive)} in map: {sprint(item)}")


def to_yaml(value: Any) -> str:
    """mergepatch.ToYAMLOrError: block-style YAML with sorted keys."""
    return str(yaml.safe_dump(value, default_flow_style=False, sort_keys=True))
