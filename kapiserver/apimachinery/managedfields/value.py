"""JSON values as structured-merge-diff sees them (sigs.k8s.io/structured-merge-diff value).

Values are the plain decoded JSON of our objects. Two things need more than that:

- list keys and set members become parts of field paths, so they must be hashable and
  ordered exactly as `value.Compare` orders them: numbers (ints and floats compared
  numerically), then strings, booleans, lists, maps, and null last. `freeze` turns a value
  into a tagged tuple whose Python ordering is that order; a bool never equals a number,
  as in Go.
- messages and serialized field sets print values the Go way: `ToString` for paths
  (`[name="x"]`), encoding/json for the `k:`/`v:` keys of FieldsV1, and `%v`/`%#v` for
  validation errors.

`MISSING` is a Go nil `value.Value` (the field is absent); `None` is a JSON null.
"""

from __future__ import annotations

import decimal
import math
from typing import Any

from .. import golang

Frozen = tuple[Any, ...]


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()
"""An absent value (Go's nil value.Value), as opposed to a JSON null (None)."""

_NUMBER, _STRING, _BOOL, _LIST, _MAP, _NULL = range(6)


def freeze(value: Any) -> Frozen:
    """A hashable form of a JSON value ordered as `value.Compare` orders values."""
    if value is None:
        return (_NULL,)
    if value is True or value is False:
        return (_BOOL, value)
    if isinstance(value, (int, float)):
        return (_NUMBER, value)
    if isinstance(value, str):
        return (_STRING, value)
    if isinstance(value, list):
        return (_LIST, tuple(freeze(v) for v in value))
    if isinstance(value, dict):
        return (_MAP, tuple(sorted((k, freeze(v)) for k, v in value.items())))
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def thaw(frozen: Frozen) -> Any:
    tag = frozen[0]
    if tag == _NULL:
        return None
    if tag == _LIST:
        return [thaw(v) for v in frozen[1]]
    if tag == _MAP:
        return {k: thaw(v) for k, v in frozen[1]}
    return frozen[1]


def equals(left: Any, right: Any) -> bool:
    """`value.Equals`: deep equality where 1 == 1.0 but true != 1."""
    if isinstance(left, dict):
        if not isinstance(right, dict) or len(left) != len(right):
            return False
        for key, item in left.items():
            other = right.get(key, MISSING)
            if other is MISSING or not equals(item, other):
                return False
        return True
    if isinstance(left, list):
        if not isinstance(right, list) or len(left) != len(right):
            return False
        return all(equals(a, b) for a, b in zip(left, right))
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if isinstance(left, (int, float)):
        return isinstance(right, (int, float)) and left == right
    return type(left) is type(right) and left == right


def is_scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float))  # bool is an int


def to_string(value: Any) -> str:
    """`value.ToString`, the form values take inside printed paths."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return golang.format_float(value)
    if isinstance(value, str):
        return golang.quote(value)
    if isinstance(value, list):
        return "[" + ",".join(to_string(v) for v in value) + "]"
    if isinstance(value, dict):
        return "".join(f"{k}={to_string(v)}" for k, v in value.items())
    return "{{undefined}}"


# --- encoding/json, as json-iterator's standard-library mode writes it -------------------------

_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_PLAIN = frozenset(chr(c) for c in range(0x20, 0x7F)) - set(_ESCAPES)


def json_string(text: str) -> str:
    """A JSON string literal with Go's HTML-safe escaping."""
    if all(ch in _PLAIN for ch in text):
        return '"' + text + '"'
    out = ['"']
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch < " ":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def json_float(number: float) -> str:
    """encoding/json's float64 form: shortest digits, exponent only outside [1e-6, 1e21)."""
    if math.isinf(number) or math.isnan(number):
        raise ValueError(f"unsupported value: {number}")
    magnitude = abs(number)
    if number == 0:
        return "-0" if math.copysign(1.0, number) < 0 else "0"
    if 1e-6 <= magnitude < 1e21:
        text = format(decimal.Decimal(repr(number)), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    mantissa, _, exponent = repr(number).partition("e")
    mantissa = mantissa.removesuffix(".0")
    digits = int(exponent.lstrip("+-"))
    if exponent.startswith("-"):
        return f"{mantissa}e-{digits}"  # Go cleans e-07 up to e-7, but keeps e+21
    return f"{mantissa}e+{digits:02d}"


def to_json(value: Any) -> str:
    """Compact JSON with map keys sorted, as Go marshals an unstructured value."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return json_float(value)
    if isinstance(value, str):
        return json_string(value)
    if isinstance(value, list):
        return "[" + ",".join(to_json(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(json_string(k) + ":" + to_json(value[k]) for k in sorted(value)) + "}"
    raise TypeError(f"not a JSON value: {type(value).__name__}")


# --- fmt verbs over value.Value, for validation messages ----------------------------------------


def go_type(value: Any) -> str:
    """`%T` of an unstructured value."""
    if value is None:
        return "<nil>"
    return golang.type_name(value)


def sharp_v(value: Any) -> str:
    """`%#v` of an unstructured value.Value (a pointer to a struct wrapping the interface)."""
    return f"&value.valueUnstructured{{Value:{_go_sharp(value)}}}"


def plain_v(value: Any) -> str:
    """`%v` of an unstructured value.Value: `&{...}`."""
    return "&{" + golang.sprint(value) + "}"


def _go_sharp(value: Any) -> str:
    if value is None:
        return "interface {}(nil)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return golang.format_float(value)
    if isinstance(value, str):
        return golang.quote(value)
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(_go_sharp(v) for v in value) + "}"
    if isinstance(value, dict):
        items = ", ".join(f"{golang.quote(k)}:{_go_sharp(value[k])}" for k in sorted(value))
        return "map[string]interface {}{" + items + "}"
    return repr(value)
