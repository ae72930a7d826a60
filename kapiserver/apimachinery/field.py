"""Field paths and field-level validation errors (upstream apimachinery/pkg/util/validation/field).

Messages are built exactly as upstream builds them, because clients and people match on
them: `metadata.name: Invalid value: "Foo": a lowercase RFC 1123 subdomain ...`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

from .golang import format_float, go_quote

# ErrorType -> the words upstream's ErrorType.String() prints.
_TYPE_WORDS = {
    "FieldValueNotFound": "Not found",
    "FieldValueRequired": "Required value",
    "FieldValueDuplicate": "Duplicate value",
    "FieldValueInvalid": "Invalid value",
    "FieldValueNotSupported": "Unsupported value",
    "FieldValueForbidden": "Forbidden",
    "FieldValueTooLong": "Too long",
    "FieldValueTooMany": "Too many",
    "InternalError": "Internal error",
    "FieldValueTypeInvalid": "Invalid value",
}
_NO_VALUE_TYPES = {"FieldValueRequired", "FieldValueForbidden", "FieldValueTooLong", "InternalError"}


class _Omit:
    """Marks a bad value that must not be printed (upstream's omitValue)."""

    def __repr__(self) -> str:
        return "<omitted>"


OMIT = _Omit()


class Path:
    """An immutable path to a field: `spec.containers[0].ports[1].containerPort`, `metadata.labels[app]`."""

    __slots__ = ("_index", "_name", "_parent")

    def __init__(self, name: str = "", *more: str, parent: Path | None = None, index: str | None = None):
        self._parent = parent
        self._name = name
        self._index = index
        if more:
            raise TypeError("use new_path() for several names")

    def child(self, name: str, *more: str) -> Path:
        path = Path(name, parent=self)
        for extra in more:
            path = Path(extra, parent=path)
        return path

    def index(self, i: int) -> Path:
        return Path(parent=self, index=str(i))

    def key(self, k: str) -> Path:
        return Path(parent=self, index=k)

    def __str__(self) -> str:
        parts: list[Path] = []
        node: Path | None = self
        while node is not None:
            parts.append(node)
            node = node._parent
        out: list[str] = []
        for node in reversed(parts):
            if node._name:
                if node._parent is not None:
                    out.append(".")
                out.append(node._name)
            else:  # a subscript, or an unnamed root, which upstream prints as "[]"
                out.append(f"[{node._index or ''}]")
        return "".join(out)

    def __repr__(self) -> str:
        return f"Path({str(self)!r})"


def new_path(name: str, *more: str) -> Path:
    path = Path(name)
    return path.child(*more) if more else path


ROOT = Path("")  # upstream field.NewPath(""): prints "[]"


class NilPath(Path):
    """Go's nil *Path: prints "<nil>", and its children start a fresh path ("spec", not "[].spec")."""

    def child(self, name: str, *more: str) -> Path:
        return new_path(name, *more)

    def index(self, i: int) -> Path:
        return Path(index=str(i))

    def key(self, k: str) -> Path:
        return Path(index=k)

    def __str__(self) -> str:
        return "<nil>"


NIL = NilPath()


# encoding/json's HTML-safe escapes, which json.Marshal applies inside strings.
_GO_JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                                  "\u2029": "\\u2029"})
_NEEDS_ESCAPE = re.compile("[<>&\u2028\u2029]")


def sorted_map(value: dict[str, Any]) -> dict[str, Any]:
    """A Go map as json.Marshal orders it: keys sorted."""
    return dict(sorted(value.items()))


def render_value(value: Any) -> str:
    """How upstream prints a bad value: simple types plainly (%v), strings quoted, the rest as
    json.Marshal writes it, HTML characters escaped. Dicts are written in their own order: a
    Go struct's is its declaration order, a Go map's is sorted (see sorted_map)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_float(value)
    if isinstance(value, str):
        return go_quote(value)
    try:
        text = orjson.dumps(value).decode()
    except TypeError:
        return repr(value)
    return text.translate(_GO_JSON_ESCAPES) if _NEEDS_ESCAPE.search(text) else text


@dataclass(slots=True)
class FieldError:
    """One field-level validation error (upstream field.Error)."""

    type: str
    field: str
    bad_value: Any
    detail: str

    def body(self) -> str:
        """The message without the field name (upstream ErrorBody)."""
        words = _TYPE_WORDS.get(self.type, "Internal error")
        if self.type in _NO_VALUE_TYPES or self.bad_value is OMIT:
            text = words
        else:
            text = f"{words}: {render_value(self.bad_value)}"
        if self.detail:
            text += f": {self.detail}"
        return text

    def __str__(self) -> str:
        return f"{self.field}: {self.body()}"


ErrorList = list[FieldError]


def required(path: Path, detail: str = "") -> FieldError:
    return FieldError("FieldValueRequired", str(path), "", detail)


def invalid(path: Path, value: Any, detail: str) -> FieldError:
    return FieldError("FieldValueInvalid", str(path), value, detail)


def type_invalid(path: Path, value: Any, detail: str) -> FieldError:
    return FieldError("FieldValueTypeInvalid", str(path), value, detail)


def not_found(path: Path, value: Any) -> FieldError:
    return FieldError("FieldValueNotFound", str(path), value, "")


def duplicate(path: Path, value: Any) -> FieldError:
    return FieldError("FieldValueDuplicate", str(path), value, "")


def not_supported(path: Path, value: Any, valid_values: list[str] | tuple[str, ...]) -> FieldError:
    detail = ""
    if valid_values:
        detail = "supported values: " + ", ".join(go_quote(v) for v in valid_values)
    return FieldError("FieldValueNotSupported", str(path), value, detail)


def forbidden(path: Path, detail: str) -> FieldError:
    return FieldError("FieldValueForbidden", str(path), "", detail)


def too_long(path: Path, max_length: int) -> FieldError:
    if max_length >= 0:
        detail = f"may not be more than {max_length} {'byte' if max_length == 1 else 'bytes'}"
    else:
        detail = "value is too long"
    return FieldError("FieldValueTooLong", str(path), "<value omitted>", detail)


def too_many(path: Path, actual: int, maximum: int) -> FieldError:
    if maximum >= 0:
        detail = f"must have at most {maximum} {'item' if maximum == 1 else 'items'}"
    else:
        detail = "has too many items"
    return FieldError("FieldValueTooMany", str(path), actual if actual >= 0 else OMIT, detail)


def internal_error(path: Path, message: str) -> FieldError:
    return FieldError("InternalError", str(path), None, message)


def aggregate_message(errs: ErrorList) -> str:
    """ErrorList.ToAggregate().Error(): deduplicated, bracketed when more than one."""
    seen: list[str] = []
    for err in errs:
        text = str(err)
        if text not in seen:
            seen.append(text)
    if not seen:
        return ""
    if len(seen) == 1:
        return seen[0]
    return "[" + ", ".join(seen) + "]"
