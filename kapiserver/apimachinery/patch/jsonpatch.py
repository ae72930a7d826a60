"""JSON Patch, RFC 6902, as github.com/evanphx/json-patch v4 applies it for kube-apiserver.

kube-apiserver pins the v4 library, and clients rely on where it departs from the RFC
(upstream's handler tests pin several of these):

- `replace` of a missing object member adds it; `copy` from a missing member copies null;
  `test` of a missing member succeeds when the value is null or absent;
- array indices may be negative (counted from the end), `+1` and `01` parse as 1, and
  `-` appends for `add` (and only for `add`);
- a path is split at `/` and its first segment ignored, so `a/b` means `/b`; a path with
  no `/` at all is missing;
- `add` without a `value` adds null; an unknown or missing `op` fails with
  `Unexpected kind: <op>`; a null operation is an unknown one;
- `copy` counts the JSON size of what it copies and fails past a limit
  (kube-apiserver's default: 3 MiB, `--max-request-bytes`).

Errors carry the library's texts (`testing value /a failed: test failed`, `add operation
does not apply: doc is missing path: "/a/b": missing value`, ...). kube-apiserver does not
show them to clients (`patcher.py` maps every failure to one 422), but they are what the
library's users (`kubectl patch --local`) print.

Left out: upstream compares the scalars of a `test` by their JSON text, the document's as
kube-apiserver encoded it and the operation's as sent; here scalars compare by JSON type
and value (numbers by value, so `1` equals `1.0`, and strings escaped differently match).
"""

from __future__ import annotations

from typing import Any

import orjson

from .. import gojson
from ..golang import NIL_DEREFERENCE, GoPanic, format_float, quote

__all__ = ["JSONPatchError", "apply", "decode_patch"]

_MISSING = "missing value"
_INVALID_INDEX = "invalid index referenced"
_ABSENT = object()  # an operation member that is not there, unlike one that is null


class JSONPatchError(ValueError):
    """An operation that does not apply; `str()` is the library's message."""


def decode_patch(data: bytes) -> list[Any] | None:
    """DecodePatch: the operations of a patch body, or GoJSONError with Go's decoding error."""
    value = gojson.loads(data)
    if value is None:
        return None
    if not isinstance(value, list):
        raise gojson.type_error(value, "jsonpatch.Patch")
    for operation in value:
        if operation is not None and not isinstance(operation, dict):
            raise gojson.type_error(operation, "jsonpatch.Operation")
    return value


def apply(document: Any, operations: list[Any] | None, accumulated_copy_size_limit: int = 0) -> Any:
    """Apply `operations` in order to a copy of `document`; all of them or none.

    `accumulated_copy_size_limit` bounds the bytes `copy` operations may add (0: no bound).
    """
    applier = _Applier(_copy(document), accumulated_copy_size_limit)
    for operation in operations or ():
        applier.apply(operation if isinstance(operation, dict) else {})
    return applier.doc


class _Applier:
    def __init__(self, doc: Any, copy_limit: int) -> None:
        self.doc = doc
        self.copy_limit = copy_limit
        self.copied = 0

    def apply(self, operation: dict[str, Any]) -> None:
        kind = operation.get("op")
        kind = kind if isinstance(kind, str) else "unknown"
        handler = {
            "add": self.add,
            "remove": self.remove,
            "replace": self.replace,
            "move": self.move,
            "test": self.test,
            "copy": self.copy,
        }.get(kind)
        if handler is None:
            raise JSONPatchError(f"Unexpected kind: {kind}")
        handler(operation)

    def add(self, operation: dict[str, Any]) -> None:
        path = _member(operation, "path", "add operation failed to decode path: missing value")
        container, key = _find_object(self.doc, path)
        if container is None:
            raise JSONPatchError(f'add operation does not apply: doc is missing path: "{path}": {_MISSING}')
        try:
            _add(container, key, _copy(_value(operation)))
        except JSONPatchError as err:
            raise JSONPatchError(f"error in add for path: '{path}': {err}") from None

    def remove(self, operation: dict[str, Any]) -> None:
        path = _member(operation, "path", "remove operation failed to decode path: missing value")
        container, key = _find_object(self.doc, path)
        if container is None:
            raise JSONPatchError(
                f'remove operation does not apply: doc is missing path: "{path}": {_MISSING}'
            )
        try:
            _remove(container, key)
        except JSONPatchError as err:
            raise JSONPatchError(f"error in remove for path: '{path}': {err}") from None

    def replace(self, operation: dict[str, Any]) -> None:
        path = _member(operation, "path", "replace operation failed to decode path: {}")
        value = _value(operation)
        if path == "":
            if "value" not in operation:
                raise GoPanic(NIL_DEREFERENCE)
            if not isinstance(value, (dict, list)):
                raise JSONPatchError("replace operation value must be object or array: %!w(<nil>)")
            self.doc = _copy(value)
            return
        container, key = _find_object(self.doc, path)
        if container is None:
            raise JSONPatchError(f"replace operation does not apply: doc is missing path: {path}: {_MISSING}")
        try:
            _get(container, key)
        except JSONPatchError:
            raise JSONPatchError(
                f"replace operation does not apply: doc is missing key: {path}: {_MISSING}"
            ) from None
        _set(container, key, _copy(value))

    def move(self, operation: dict[str, Any]) -> None:
        source = _member(operation, "from", "move operation failed to decode from: {}")
        container, key = _find_object(self.doc, source)
        if container is None:
            raise JSONPatchError(
                f"move operation does not apply: doc is missing from path: {source}: {_MISSING}"
            )
        try:
            value = _get(container, key)
            _remove(container, key)
        except JSONPatchError as err:
            raise JSONPatchError(f"error in move for path: '{key}': {err}") from None
        path = _member(operation, "path", "move operation failed to decode path: {}")
        container, key = _find_object(self.doc, path)
        if container is None:
            raise JSONPatchError(
                f"move operation does not apply: doc is missing destination path: {path}: {_MISSING}"
            )
        try:
            _add(container, key, value)
        except JSONPatchError as err:
            raise JSONPatchError(f"error in move for path: '{path}': {err}") from None

    def test(self, operation: dict[str, Any]) -> None:
        path = _member(operation, "path", "test operation failed to decode path: {}")
        expected = operation.get("value", _ABSENT)
        if path == "":
            if expected is _ABSENT:
                raise GoPanic(NIL_DEREFERENCE)
            if not _equal(self.doc, expected):
                raise JSONPatchError(f"testing value {path} failed: test failed")
            return
        container, key = _find_object(self.doc, path)
        if container is None:
            raise JSONPatchError(f"test operation does not apply: is missing path: {path}: {_MISSING}")
        try:
            actual = _get(container, key)
        except JSONPatchError as err:
            raise JSONPatchError(f"error in test for path: '{path}': {err}") from None
        if actual is None:
            passed = expected is _ABSENT or expected is None
        else:
            passed = expected is not _ABSENT and _equal(actual, expected)
        if not passed:
            raise JSONPatchError(f"testing value {path} failed: test failed")

    def copy(self, operation: dict[str, Any]) -> None:
        source = _member(operation, "from", "copy operation failed to decode from: {}")
        container, key = _find_object(self.doc, source)
        if container is None:
            raise JSONPatchError(
                f"copy operation does not apply: doc is missing from path: {source}: {_MISSING}"
            )
        try:
            value = _get(container, key)
        except JSONPatchError as err:
            raise JSONPatchError(f"error in copy for from: '{source}': {err}") from None
        path = _member(operation, "path", "copy operation failed to decode path: missing value")
        container, key = _find_object(self.doc, path)
        if container is None:
            raise JSONPatchError(
                f"copy operation does not apply: doc is missing destination path: {path}: {_MISSING}"
            )
        if value is not None:
            self.copied += _marshaled_size(value)
        if 0 < self.copy_limit < self.copied:
            raise JSONPatchError(
                f"Unable to complete the copy, the accumulated size increase of copy is "
                f"{self.copied}, exceeding the limit {self.copy_limit}"
            )
        try:
            _add(container, key, _copy(value))
        except JSONPatchError as err:
            raise JSONPatchError(f"error while adding value during copy: {err}") from None


def _member(operation: dict[str, Any], name: str, failure: str) -> str:
    """The `path` or `from` of an operation; `failure` formats the cause where upstream shows it."""
    value = operation.get(name)
    if isinstance(value, str):
        return value
    if value is None:
        cause = "operation missing path field" if name == "path" else "operation, missing from field"
        cause = f"{cause}: {_MISSING}"
    else:
        cause = str(gojson.type_error(value, "string"))
    raise JSONPatchError(failure.format(cause))


def _value(operation: dict[str, Any]) -> Any:
    return operation.get("value")


def _decode_key(token: str) -> str:
    """RFC 6901 unescaping in one left-to-right pass (`~01` is `~1`, not `/`)."""
    out: list[str] = []
    i = 0
    while i < len(token):
        if token.startswith("~1", i):
            out.append("/")
            i += 2
        elif token.startswith("~0", i):
            out.append("~")
            i += 2
        else:
            out.append(token[i])
            i += 1
    return "".join(out)


def _find_object(doc: Any, path: str) -> tuple[Any, str]:
    """The container holding the last token of `path`, and that token; (None, "") when missing."""
    tokens = path.split("/")
    if len(tokens) < 2:
        return None, ""
    node = doc
    for token in tokens[1:-1]:
        try:
            node = _get(node, _decode_key(token))
        except JSONPatchError:
            return None, ""
        if not isinstance(node, (dict, list)):
            return None, ""
    return node, _decode_key(tokens[-1])


def _atoi(text: str) -> int:
    digits = text[1:] if text[:1] in ("+", "-") else text
    if not digits or not digits.isascii() or not digits.isdigit():
        raise JSONPatchError(f"strconv.Atoi: parsing {quote(text)}: invalid syntax")
    number = int(text)
    if not -(2**63) <= number < 2**63:
        raise JSONPatchError(f"strconv.Atoi: parsing {quote(text)}: value out of range")
    return number


def _invalid_index(index: int) -> JSONPatchError:
    return JSONPatchError(f"Unable to access invalid index: {index}: {_INVALID_INDEX}")


def _get(container: Any, key: str) -> Any:
    if isinstance(container, dict):
        return container.get(key)
    index = _atoi(key)
    if index < 0:
        if index < -len(container):
            raise _invalid_index(index)
        index += len(container)
    if index >= len(container):
        raise _invalid_index(index)
    return container[index]


def _set(container: Any, key: str, value: Any) -> None:
    if isinstance(container, dict):
        container[key] = value
        return
    index = _atoi(key)
    if index < 0:
        index += len(container)
    container[index] = value


def _add(container: Any, key: str, value: Any) -> None:
    if isinstance(container, dict):
        container[key] = value
        return
    if key == "-":
        container.append(value)
        return
    try:
        index = _atoi(key)
    except JSONPatchError as err:
        raise JSONPatchError(f"value was not a proper array index: '{key}': {err}") from None
    size = len(container) + 1
    if index >= size or index < -size:
        raise _invalid_index(index)
    if index < 0:
        index += size
    container.insert(index, value)


def _remove(container: Any, key: str) -> None:
    if isinstance(container, dict):
        if key not in container:
            raise JSONPatchError(f"Unable to remove nonexistent key: {key}: {_MISSING}")
        del container[key]
        return
    index = _atoi(key)
    if index >= len(container) or index < -len(container):
        raise _invalid_index(index)
    if index < 0:
        index += len(container)
    del container[index]


def _equal(actual: Any, expected: Any) -> bool:
    """The library's lazyNode.equal: objects and arrays member-wise, scalars by JSON text."""
    if isinstance(actual, dict):
        if not isinstance(expected, dict) or len(actual) != len(expected):
            return False
        for key, value in actual.items():
            if key not in expected or (value is None) != (expected[key] is None):
                return False
            if value is not None and not _equal(value, expected[key]):
                return False
        return True
    if isinstance(actual, list):
        if not isinstance(expected, list) or len(actual) != len(expected):
            return False
        for item, other in zip(actual, expected):
            if item is None or other is None:
                raise GoPanic(NIL_DEREFERENCE)
            if not _equal(item, other):
                return False
        return True
    return _scalar_text(actual) == _scalar_text(expected)


def _scalar_text(value: Any) -> tuple[str, Any]:
    if isinstance(value, (dict, list)):
        return ("composite", id(value))
    if value is None or isinstance(value, (bool, str)):
        return (type(value).__name__, value)
    if isinstance(value, int):
        return ("number", str(value))
    return ("number", format_float(value) if value != int(value) or abs(value) >= 1e21 else str(int(value)))


def _marshaled_size(value: Any) -> int:
    """Length of Go's json.Marshal of `value`, which escapes <, > and & (and U+2028/9) as \\u00XX."""
    text = orjson.dumps(value)
    extra = 5 * (text.count(b"<") + text.count(b">") + text.count(b"&"))
    extra += 3 * (text.count("\u2028".encode()) + text.count("\u2029".encode()))
    return len(text) + extra


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
