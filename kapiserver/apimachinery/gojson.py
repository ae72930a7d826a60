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


class _Duplicated(dict):  # type: ignore[type-arg]
    """An object in which a key appeared more than once (the last value won, as in Go)."""

    duplicates: list[str]


def loads_noting_duplicates(data: bytes) -> tuple[Any, list[str]]:
    """Decode like loads(), also returning the paths of duplicated keys ("metadata.name"),
    which strict decoding (fieldValidation Strict/Warn) reports."""
    seen_duplicates = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal seen_duplicates
        out = dict(items)
        if len(out) == len(items):
            return out
        seen_duplicates = True
        marked = _Duplicated(out)
        counted: set[str] = set()
        marked.duplicates = []
        for key, _ in items:
            if key in counted:
                marked.duplicates.append(key)
            counted.add(key)
        return marked

    try:
        value = json.loads(data, object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return loads(data), []
    if not seen_duplicates:
        return value, []
    found: list[str] = []
    return _unmark(value, "", found), found


def _unmark(value: Any, path: str, found: list[str]) -> Any:
    if isinstance(value, dict):
        if isinstance(value, _Duplicated):
            found.extend(f"{path}.{key}" if path else key for key in dict.fromkeys(value.duplicates))
        return {k: _unmark(v, f"{path}.{k}" if path else k, found) for k, v in value.items()}
    if isinstance(value, list):
        return [_unmark(item, f"{path}[{i}]", found) for i, item in enumerate(value)]
    return value
