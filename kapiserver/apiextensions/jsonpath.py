"""client-go's JSONPath (k8s.io/client-go/util/jsonpath), as printer columns and selectable
fields evaluate it over JSON objects.

The dialect is kubectl's: a template of text and `{...}` actions; inside an action `.a.b`,
`..name` (recursive descent), `[0]`, `[-1]`, `[1:3:1]`, `[*]`, `['key']`, unions `[a,b]`,
filters `[?(@.type=="Ready")]` (==, !=, <, >, <=, >= and existence) and `.*`. Missing keys
yield no result (AllowMissingKeys). `find_results` answers a list of result lists, one per
action or text node; `print_result` formats one value as PrintResults does (maps and lists
as compact JSON, other values as Go's fmt.Print, JSON null as "<no value>").
"""

from __future__ import annotations

import decimal
import math
import re
from dataclasses import dataclass, field
from typing import Any

import orjson


class JSONPathError(ValueError):
    pass


_MISSING = object()


# -- nodes --------------------------------------------------------------------------------------


@dataclass
class Node:
    kind: str
    value: Any = None
    nodes: list[Any] = field(default_factory=list)


_SLICE = re.compile(r"^(-?\d*)(:-?\d*)?(:-?\d*)?$")
_DICT_KEY = re.compile(r"^'([^']*)'$")
_FILTER = re.compile(r"^([^!<>=]+)([!<>=]+)(.+?)$", re.DOTALL)
_TERMINATORS = set(" \t\r\n.,[]$@{}")


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def parse(self) -> list[Node]:
        """The root list: text nodes and action lists."""
        root: list[Node] = []
        start = 0
        while self.pos < len(self.text):
            if self.text.startswith("{", self.pos):
                if self.pos > start:
                    root.append(Node("text", self.text[start:self.pos]))
                self.pos += 1
                action = Node("list")
                self._inside(action)
                root.append(action)
                start = self.pos
                continue
            self.pos += 1
        if self.pos > start:
            root.append(Node("text", self.text[start:self.pos]))
        return root

    def _inside(self, cur: Node) -> None:
        while True:
            rest = self.text[self.pos:]
            if rest.startswith("}"):
                self.pos += 1
                return
            if rest.startswith("[?("):
                self._filter(cur)
                continue
            if rest.startswith(".."):
                if cur.nodes and cur.nodes[-1].kind == "recursive":
                    raise JSONPathError("invalid multiple recursive descent")
                self.pos += 2
                cur.nodes.append(Node("recursive"))
                if self.pos < len(self.text) and (self.text[self.pos].isalnum() or self.text[self.pos] == "_"):
                    self._field(cur)
                continue
            if not rest or rest[0] in "\r\n":
                raise JSONPathError("unclosed action")
            char = rest[0]
            if char in " @$":
                self.pos += 1
            elif char == "[":
                self._array(cur)
            elif char in "\"'":
                self._quote(cur, char)
            elif char == ".":
                self.pos += 1
                self._field(cur)
            elif char in "+-" or char.isdigit():
                self._number(cur)
            elif char.isalnum() or char == "_":
                self._identifier(cur)
            else:
                raise JSONPathError(f"unrecognized character in action: {char!r}")

    def _field(self, cur: Node) -> None:
        start = self.pos
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\":
                self.pos += 2
                continue
            if char in _TERMINATORS:
                break
            self.pos += 1
        value = self.text[start:self.pos]
        cur.nodes.append(Node("wildcard") if value == "*" else Node("field", value.replace("\\", "")))

    def _identifier(self, cur: Node) -> None:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in _TERMINATORS:
            self.pos += 1
        value = self.text[start:self.pos]
        if value in ("true", "false"):
            cur.nodes.append(Node("const", value == "true"))
        else:
            raise JSONPathError(f"unrecognized identifier {value}")

    def _number(self, cur: Node) -> None:
        start = self.pos
        if self.text[self.pos] in "+-":
            self.pos += 1
        while self.pos < len(self.text) and (self.text[self.pos].isdigit() or self.text[self.pos] == "."):
            self.pos += 1
        value = self.text[start:self.pos]
        try:
            cur.nodes.append(Node("const", int(value)))
        except ValueError:
            try:
                cur.nodes.append(Node("const", float(value)))
            except ValueError:
                raise JSONPathError(f"cannot parse number {value}") from None

    def _quote(self, cur: Node, quote: str) -> None:
        start = self.pos
        self.pos += 1
        while True:
            if self.pos >= len(self.text) or self.text[self.pos] == "\n":
                raise JSONPathError("unterminated quoted string")
            if self.text[self.pos] == quote and self.text[self.pos - 1] != "\\":
                break
            self.pos += 1
        self.pos += 1
        raw = self.text[start + 1:self.pos - 1]
        cur.nodes.append(Node("text", raw.encode().decode("unicode_escape") if "\\" in raw else raw))

    def _array(self, cur: Node) -> None:
        end = self.text.find("]", self.pos)
        newline = self.text.find("\n", self.pos)
        if end < 0 or 0 <= newline < end:
            raise JSONPathError("unterminated array")
        inner = self.text[self.pos + 1:end]
        self.pos = end + 1
        if inner == "*":
            inner = ":"
        parts = inner.split(",")
        if len(parts) > 1:
            cur.nodes.append(Node("union", nodes=[_action(f"[{p.strip(' ')}]") for p in parts]))
            return
        key = _DICT_KEY.match(inner)
        if key is not None:
            cur.nodes.extend(_action("." + key.group(1)).nodes)
            return
        match = _SLICE.match(inner)
        if match is None:
            raise JSONPathError(f"invalid array index {inner}")
        cur.nodes.append(Node("array", _slice_params(match.groups())))

    def _filter(self, cur: Node) -> None:
        self.pos += 3
        start = self.pos
        begin = end = False
        pair = ""
        while True:
            if self.pos >= len(self.text) or self.text[self.pos] == "\n":
                raise JSONPathError("unterminated filter")
            char = self.text[self.pos]
            self.pos += 1
            if char in "\"'":
                if not begin:
                    begin, pair = True, char
                    continue
                if self.text[self.pos - 2] != "\\" and char == pair:
                    end = True
            elif char == ")" and begin == end:
                break
        if self.pos >= len(self.text) or self.text[self.pos] != "]":
            raise JSONPathError("unclosed array expect ]")
        self.pos += 1
        text = self.text[start:self.pos - 2]
        match = _FILTER.match(text)
        if match is None:
            cur.nodes.append(Node("filter", ("exists", _action(text), None)))
        else:
            cur.nodes.append(Node("filter", (match.group(2), _action(match.group(1)), _action(match.group(3)))))


def _slice_params(groups: tuple[str | None, ...]) -> list[tuple[bool, int, bool]]:
    """[(known, value, derived)] * 3, as upstream's ParamsEntry."""
    params: list[tuple[bool, int, bool]] = []
    for i, raw in enumerate(groups):
        text = raw or ""
        if text:
            if i > 0:
                text = text[1:]
            if i > 0 and not text:
                params.append((False, 0, False))
            else:
                params.append((True, int(text), False))
        elif i == 1:
            params.append((True, params[0][1] + 1, True))
        else:
            params.append((False, 0, False))
    return params


def _action(text: str) -> Node:
    nodes = _Parser("{" + text + "}").parse()
    return nodes[0]


def parse(template: str) -> list[Node]:
    return _Parser(template).parse()


# -- evaluation ---------------------------------------------------------------------------------


def find_results(nodes: list[Node], data: Any) -> list[list[Any]]:
    """One result list per root node (text or action); raises JSONPathError like FindResults."""
    out = []
    for node in nodes:
        if node.kind == "text":
            out.append([node.value])
        else:
            out.append(_walk_list([data], node))
    return out


def _walk_list(values: list[Any], node: Node) -> list[Any]:
    for child in node.nodes:
        values = _walk(values, child)
    return values


def _walk(values: list[Any], node: Node) -> list[Any]:
    kind = node.kind
    if kind == "field":
        return [v[node.value] for v in values if isinstance(v, dict) and node.value in v]
    if kind == "text" or kind == "const":
        return [node.value for _ in values] if kind == "const" else [node.value]
    if kind == "list":
        return _walk_list(values, node)
    if kind == "array":
        return _array(values, node.value)
    if kind == "wildcard":
        return [item for v in values for item in _children(v)]
    if kind == "recursive":
        return _recursive(values)
    if kind == "union":
        return [item for child in node.nodes for item in _walk_list(values, child)]
    if kind == "filter":
        return _filter(values, node.value)
    raise JSONPathError(f"unexpected Node {kind}")


def _children(value: Any) -> list[Any]:
    """What `*` and `..` step into; a Go string's elements are its bytes."""
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return list(value)
    if isinstance(value, str):
        return list(value.encode())
    return []


def _recursive(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if value is None:
            continue
        children = _children(value)
        if children:
            out.append(value)
            out.extend(_recursive(children))
    return out


def _array(values: list[Any], params: list[tuple[bool, int, bool]]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if value is None:
            continue
        if not isinstance(value, list):
            raise JSONPathError(f"{_go_type(value)} is not array or slice")
        length = len(value)
        start = params[0][1] if params[0][0] else 0
        if start < 0:
            start += length
        stop = params[1][1] if params[1][0] else length
        if stop < 0 or (stop == 0 and params[1][2]):
            stop += length
        if stop == start:
            return out
        if start >= length or start < 0:
            raise JSONPathError(f"array index out of bounds: index {start}, length {length}")
        if stop > length or stop < 0:
            raise JSONPathError(f"array index out of bounds: index {stop - 1}, length {length}")
        if start > stop:
            raise JSONPathError(f"starting index {start} is greater than ending index {stop}")
        step = 1
        if params[2][0]:
            if params[2][1] <= 0:
                raise JSONPathError("step must be > 0")
            step = params[2][1]
        out.extend(value[start:stop:step])
    return out


def _filter(values: list[Any], spec: tuple[str, Node, Node | None]) -> list[Any]:
    operator, left_node, right_node = spec
    out: list[Any] = []
    for value in values:
        if not isinstance(value, list):
            raise JSONPathError(f"{value} is not array or slice and cannot be filtered")
        for item in value:
            if operator == "exists":
                try:
                    if _walk_list([item], left_node):
                        out.append(item)
                except JSONPathError:
                    pass
                continue
            lefts = _walk_list([item], left_node)
            if len(lefts) > 1:
                raise JSONPathError("can only compare one element at a time")
            if not lefts:
                continue
            assert right_node is not None
            rights = _walk_list([item], right_node)
            if len(rights) > 1:
                raise JSONPathError("can only compare one element at a time")
            if not rights:
                continue
            if _compare(operator, lefts[0], rights[0]):
                out.append(item)
    return out


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    return "other"


def _compare(operator: str, left: Any, right: Any) -> bool:
    """Go template's eq/ne/lt/le/gt/ge: numbers with numbers, strings with strings."""
    lk, rk = _kind(left), _kind(right)
    numeric = lk in ("int", "float") and rk in ("int", "float")
    if operator in ("==", "!="):
        if not numeric and lk != rk:
            raise JSONPathError("incompatible types for comparison")
        if lk == "other":
            raise JSONPathError("invalid type for comparison")
        equal = left == right
        return equal if operator == "==" else not equal
    if not numeric and not (lk == rk == "string"):
        raise JSONPathError("invalid type for comparison")
    return {"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}.get(operator, False)


# -- printing -----------------------------------------------------------------------------------


def _go_type(value: Any) -> str:
    return {str: "string", float: "float64", int: "int64", bool: "bool", list: "[]interface {}",
            dict: "map[string]interface {}"}.get(type(value), "interface {}")


def go_float(value: float) -> str:
    """fmt.Print of a float64: %g with the shortest digits, in exponent form when the decimal
    exponent is below -4 or at least 6 (strconv 'g', -1)."""
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    if value == 0:
        return "0"
    sign, digits, exponent = decimal.Decimal(repr(value)).as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    exp = len(digits) + int(exponent) - 1
    prefix = "-" if sign else ""
    if exp < -4 or exp >= 6:
        head = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{prefix}{head}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if exp < 0:
        return f"{prefix}0.{'0' * (-exp - 1)}{text}"
    whole, frac = text[:exp + 1].ljust(exp + 1, "0"), text[exp + 1:]
    return f"{prefix}{whole}.{frac}" if frac else f"{prefix}{whole}"


def go_json(value: Any) -> str:
    """encoding/json.Marshal: sorted keys, HTML-escaped, whole floats without a fraction."""
    text = orjson.dumps(_go_json_value(value), option=orjson.OPT_SORT_KEYS).decode()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _go_json_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _go_json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_go_json_value(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    return value


def print_result(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return go_json(value)
    if value is None:
        return "<no value>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float(value)
    return str(value)


def first_value(nodes: list[Node], data: Any) -> Any:
    """results[0][0] of FindResults, or _MISSING when there is none or evaluation fails."""
    try:
        results = find_results(nodes, data)
    except JSONPathError:
        return _MISSING
    if not results or not results[0]:
        return _MISSING
    return results[0][0]


MISSING = _MISSING
