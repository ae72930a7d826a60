"""Decoding a patch body the way Go's encoding/json does, including its error texts.

kube-apiserver answers a malformed patch body with the error Go's decoder produced, as a
400 whose message clients show verbatim: `invalid character 'i' looking for beginning of
value`, `unexpected end of JSON input`, `json: cannot unmarshal array into Go value of
type map[string]interface {}`. orjson decodes every well-formed body (the fast path); only
when it refuses one does the scanner below, a transcription of encoding/json's state
machine, name the first offending byte as Go would. A few bodies Go accepts and orjson
does not (invalid UTF-8, lone surrogate escapes) are decoded leniently, as Go does, with
U+FFFD in place of the bad sequence.

Left out: nesting deeper than Python's recursion allows (Go accepts 10,000 levels) is
reported as Go's "exceeded max depth" error rather than decoded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from .golang import quote

_SPACE = b" \t\r\n"
_HEX = b"0123456789abcdefABCDEF"
_MAX_DEPTH = 10000
_SURROGATE = re.compile("[\ud800-\udfff]")

# Parse states (what the byte at hand may be).
_OBJECT_KEY, _OBJECT_VALUE, _ARRAY_VALUE = range(3)


class GoJSONError(ValueError):
    """A decoding error whose text is the one Go's encoding/json gives."""


def kind(value: Any) -> str:
    """The JSON kind Go names in an UnmarshalTypeError (`object`, `array`, `number`, ...)."""
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    if value is None:
        return "null"
    return "number"


def type_error(value: Any, go_type: str) -> GoJSONError:
    """`json: cannot unmarshal <kind> into Go value of type <go_type>`."""
    return GoJSONError(f"json: cannot unmarshal {kind(value)} into Go value of type {go_type}")


def loads(data: bytes) -> Any:
    """Decode `data` as Go's json.Unmarshal into `interface{}` would, or raise its error."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        pass
    message = syntax_error(data)
    if message is not None:
        raise GoJSONError(message)
    return _lenient_loads(data)


def _lenient_loads(data: bytes) -> Any:
    def parse_float(text: str) -> float:
        number = float(text)
        if number in (float("inf"), float("-inf")):
            raise GoJSONError(f"json: cannot unmarshal number {text} into Go value of type float64")
        return number

    try:
        value = json.loads(data.decode("utf-8", errors="replace"), parse_float=parse_float)
    except RecursionError:
        raise GoJSONError("invalid character '[' exceeded max depth") from None
    return _replace_surrogates(value)


def _replace_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_replace_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_replace_surrogates(k): _replace_surrogates(v) for k, v in value.items()}
    return value


def syntax_error(data: bytes) -> str | None:
    """The SyntaxError text Go's checkValid reports for `data`, or None when it is valid JSON."""
    scanner = _Scanner()
    for byte in data:
        scanner.step(byte)
        if scanner.error is not None and scanner.failed:
            return scanner.error
    return scanner.eof()


def _quote_char(byte: int) -> str:
    if byte == ord("'"):
        return "'\\''"
    if byte == ord('"'):
        return "'\"'"
    return "'" + quote(chr(byte))[1:-1] + "'"


class _Scanner:
    """encoding/json's scanner: one method per state, `step` is the current state."""

    def __init__(self) -> None:
        self.step: Callable[[int], None] = self._begin_value
        self.stack: list[int] = []
        self.end_top = False
        self.error: str | None = None
        self.failed = False

    def fail(self, byte: int, context: str) -> None:
        self.step = self._stop
        self.failed = True
        self.error = f"invalid character {_quote_char(byte)} {context}"

    def eof(self) -> str | None:
        if self.error is not None:
            return self.error
        if self.end_top:
            return None
        self.step(ord(" "))
        if self.end_top:
            return None
        return self.error or "unexpected end of JSON input"

    def _stop(self, byte: int) -> None:
        self.failed = True

    def _push(self, byte: int, state: int) -> None:
        self.stack.append(state)
        if len(self.stack) > _MAX_DEPTH:
            self.fail(byte, "exceeded max depth")

    def _pop(self) -> None:
        self.stack.pop()
        if not self.stack:
            self.step = self._end_top
            self.end_top = True
        else:
            self.step = self._end_value

    def _begin_value_or_empty(self, byte: int) -> None:
        if byte in _SPACE:
            return
        if byte == ord("]"):
            self._end_value(byte)
            return
        self._begin_value(byte)

    def _begin_value(self, byte: int) -> None:
        if byte in _SPACE:
            return
        char = chr(byte)
        if char == "{":
            self.step = self._begin_string_or_empty
            self._push(byte, _OBJECT_KEY)
        elif char == "[":
            self.step = self._begin_value_or_empty
            self._push(byte, _ARRAY_VALUE)
        elif char == '"':
            self.step = self._in_string
        elif char == "-":
            self.step = self._neg
        elif char == "0":
            self.step = self._zero
        elif char in "123456789":
            self.step = self._digits
        elif char in "tfn":
            self.step = self._literal({"t": "true", "f": "false", "n": "null"}[char], 1)
        else:
            self.fail(byte, "looking for beginning of value")

    def _begin_string_or_empty(self, byte: int) -> None:
        if byte in _SPACE:
            return
        if byte == ord("}"):
            self.stack[-1] = _OBJECT_VALUE
            self._end_value(byte)
            return
        self._begin_string(byte)

    def _begin_string(self, byte: int) -> None:
        if byte in _SPACE:
            return
        if byte == ord('"'):
            self.step = self._in_string
            return
        self.fail(byte, "looking for beginning of object key string")

    def _end_value(self, byte: int) -> None:
        if not self.stack:
            self.step = self._end_top
            self.end_top = True
            self._end_top(byte)
            return
        if byte in _SPACE:
            self.step = self._end_value
            return
        state, char = self.stack[-1], chr(byte)
        if state == _OBJECT_KEY:
            if char == ":":
                self.stack[-1] = _OBJECT_VALUE
                self.step = self._begin_value
                return
            self.fail(byte, "after object key")
        elif state == _OBJECT_VALUE:
            if char == ",":
                self.stack[-1] = _OBJECT_KEY
                self.step = self._begin_string
                return
            if char == "}":
                self._pop()
                return
            self.fail(byte, "after object key:value pair")
        else:
            if char == ",":
                self.step = self._begin_value
                return
            if char == "]":
                self._pop()
                return
            self.fail(byte, "after array element")

    def _end_top(self, byte: int) -> None:
        if byte not in _SPACE:
            # Go records the error but reports it on the next byte or at EOF.
            self.fail(byte, "after top-level value")
            self.failed = False

    def _in_string(self, byte: int) -> None:
        if byte == ord('"'):
            self.step = self._end_value
        elif byte == ord("\\"):
            self.step = self._in_string_escape
        elif byte < 0x20:
            self.fail(byte, "in string literal")

    def _in_string_escape(self, byte: int) -> None:
        if chr(byte) in 'bfnrt\\/"':
            self.step = self._in_string
        elif byte == ord("u"):
            self.step = self._hex_escape(4)
        else:
            self.fail(byte, "in string escape code")

    def _hex_escape(self, remaining: int) -> Callable[[int], None]:
        def state(byte: int) -> None:
            if byte not in _HEX:
                self.fail(byte, "in \\u hexadecimal character escape")
            elif remaining == 1:
                self.step = self._in_string
            else:
                self.step = self._hex_escape(remaining - 1)

        return state

    def _neg(self, byte: int) -> None:
        if byte == ord("0"):
            self.step = self._zero
        elif ord("1") <= byte <= ord("9"):
            self.step = self._digits
        else:
            self.fail(byte, "in numeric literal")

    def _digits(self, byte: int) -> None:
        if ord("0") <= byte <= ord("9"):
            return
        self._zero(byte)

    def _zero(self, byte: int) -> None:
        if byte == ord("."):
            self.step = self._dot
        elif byte in b"eE":
            self.step = self._exponent
        else:
            self._end_value(byte)

    def _dot(self, byte: int) -> None:
        if ord("0") <= byte <= ord("9"):
            self.step = self._fraction
        else:
            self.fail(byte, "after decimal point in numeric literal")

    def _fraction(self, byte: int) -> None:
        if ord("0") <= byte <= ord("9"):
            return
        if byte in b"eE":
            self.step = self._exponent
        else:
            self._end_value(byte)

    def _exponent(self, byte: int) -> None:
        if byte in b"+-":
            self.step = self._exponent_sign
            return
        self._exponent_sign(byte)

    def _exponent_sign(self, byte: int) -> None:
        if ord("0") <= byte <= ord("9"):
            self.step = self._exponent_digits
        else:
            self.fail(byte, "in exponent of numeric literal")

    def _exponent_digits(self, byte: int) -> None:
        if ord("0") <= byte <= ord("9"):
            return
        self._end_value(byte)

    def _literal(self, word: str, index: int) -> Callable[[int], None]:
        def state(byte: int) -> None:
            expected = word[index]
            if byte != ord(expected):
                self.fail(byte, f"in literal {word} (expecting {_quote_char(ord(expected))})")
            elif index + 1 == len(word):
                self.step = self._end_value
            else:
                self.step = self._literal(word, index + 1)

        return state


@dataclass
class Duplicates:
    """The keys a JSON document repeats, and where each path first appears in it.

    Upstream's strict decoder reports unknown and duplicate fields in the order it meets
    them, so both kinds are placed by their position in the document: an unknown field
    where it first appears, a duplicate where it is first repeated."""

    paths: list[str]
    first_seen: dict[str, int]
    repeated_at: dict[str, int]

    def in_document_order(self, unknown: list[str]) -> list[tuple[str, str]]:
        """("duplicate" | "unknown", path) for these unknown paths and every duplicate."""
        end = len(self.first_seen)
        placed = [(self.repeated_at[path], "duplicate", path) for path in self.paths]
        placed += [(self.first_seen.get(path, end), "unknown", path) for path in unknown]
        return [(kind, path) for _, kind, path in sorted(placed, key=lambda entry: entry[0])]


def loads_noting_duplicates(data: bytes, merge_repeated: bool = False) -> tuple[Any, Duplicates | None]:
    """Decode like loads(), and describe the keys the document repeats (None if none).

    A repeated key's last value wins, as when Go decodes into a map; with merge_repeated,
    a repeated object is merged into the earlier one (arrays element by element), as Go
    decodes into the struct field the first occurrence already filled."""
    repeated = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal repeated
        out = dict(items)
        if len(out) == len(items):
            return out
        repeated = True
        if not merge_repeated:
            return out
        out = {}
        for key, value in items:
            out[key] = _go_merge(out[key], value) if key in out else value
        return out

    try:
        value = json.loads(data, object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return loads(data), None
    if not repeated:
        return value, None
    report = Duplicates([], {}, {})
    _walk_in_document_order(json.loads(data, object_pairs_hook=_RawObject), "", report)
    return value, report


def _go_merge(earlier: Any, later: Any) -> Any:
    if isinstance(earlier, dict) and isinstance(later, dict):
        merged = dict(earlier)
        for key, value in later.items():
            merged[key] = _go_merge(merged[key], value) if key in merged else value
        return merged
    if isinstance(earlier, list) and isinstance(later, list):
        return [_go_merge(earlier[i], item) if i < len(earlier) else item for i, item in enumerate(later)]
    return later


class _RawObject(list):  # type: ignore[type-arg]
    """An object's (key, value) pairs as written, repeats included."""


def _walk_in_document_order(value: Any, path: str, report: Duplicates) -> None:
    if isinstance(value, _RawObject):
        seen: set[str] = set()
        for key, item in value:
            child = f"{path}.{key}" if path else key
            if key in seen:
                if child not in report.repeated_at:
                    report.paths.append(child)
                    report.repeated_at[child] = len(report.first_seen) + len(report.repeated_at)
            else:
                seen.add(key)
                report.first_seen.setdefault(child, len(report.first_seen) + len(report.repeated_at))
            _walk_in_document_order(item, child, report)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk_in_document_order(item, f"{path}[{i}]", report)
