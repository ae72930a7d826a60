"""A CEL parser producing a small AST (the grammar of cel-spec, as cel-go parses it).

The evaluator (the `cel` package, Rust) parses expressions itself, but it neither type-checks
nor estimates cost, and it lacks some syntax Kubernetes rules use (`a.?b`, `a[?i]`,
`cel.bind`). So expressions are parsed here once, when they are compiled: the checker types
the AST against the declared variables, the cost estimator walks it, and `unparse` writes it back out for the
evaluator with those constructs rewritten to functions it understands.

Positions are kept as 0-based character offsets; errors render them as cel-go does
(`ERROR: <input>:1:6: message` followed by the source line and a caret).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


class ParseError(ValueError):
    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(slots=True, eq=False)
class Node:
    """One AST node. kind: lit, ident, select, call, index, list, map, macro."""

    kind: str
    offset: int
    value: Any = None
    """lit: the Python value; ident/select: the name; call/macro: the function name."""
    lit_type: str = ""
    args: list[Node] = field(default_factory=list)
    target: Node | None = None
    optional: bool = False
    test_only: bool = False
    var: str = ""
    var2: str = ""
    """The second variable of a two-variable comprehension (all(k, v, ...), transformMap, ...)."""
    entries: list[tuple[Node, Node, bool]] = field(default_factory=list)
    optional_items: tuple[int, ...] = ()
    """list: the indices of `?elem` entries."""
    type: Any = None
    """Filled in by the checker."""
    id: int = 0


_TOKEN = re.compile(r"""
    (?P<ws>[\s]+|//[^\n]*)
  | (?P<num>0[xX][0-9a-fA-F]+[uU]?|(?:[0-9]+\.[0-9]+(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+)|[0-9]+[uU]?)
  | (?P<str>[rR]?[bB]?[rR]?(?:\"\"\"(?:.|\n)*?\"\"\"|'''(?:.|\n)*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'))
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\.\?|\[\?|==|!=|<=|>=|&&|\|\||[-+*/%!<>?:.,()\[\]{}])
""", re.VERBOSE)

_RESERVED = frozenset(["as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while"])
_MACROS = {("has", False): 1, ("all", True): 2, ("exists", True): 2, ("exists_one", True): 2, ("map", True): (2, 3),
           ("filter", True): 2, ("bind", True): 3, ("optMap", True): 2, ("optFlatMap", True): 2,
           ("sortBy", True): 2}
_TWO_VAR = {"all": (3,), "exists": (3,), "exists_one": (3,), "existsOne": (3,), "transformList": (3, 4),
            "transformMap": (3, 4)}
_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", "'": "'",
            '"': '"', "`": "`", "?": "?"}


def _unescape(body: str, raw: bool, is_bytes: bool, offset: int) -> Any:
    if raw:
        return body.encode() if is_bytes else body
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1] if i + 1 < len(body) else ""
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif nxt in "xX":
            out.append(chr(int(body[i + 2:i + 4], 16)))
            i += 4
        elif nxt == "u":
            out.append(chr(int(body[i + 2:i + 6], 16)))
            i += 6
        elif nxt == "U":
            out.append(chr(int(body[i + 2:i + 10], 16)))
            i += 10
        elif nxt.isdigit():
            out.append(chr(int(body[i + 1:i + 4], 8)))
            i += 4
        else:
            raise ParseError("Syntax error: token recognition error at: '\\" + nxt + "'", offset)
    text = "".join(out)
    if is_bytes:
        return text.encode("latin-1", errors="surrogateescape") if all(ord(c) < 256 for c in text) else text.encode()
    return text


def tokenize(src: str) -> list[tuple[str, Any, int]]:
    tokens: list[tuple[str, Any, int]] = []
    pos = 0
    while pos < len(src):
        m = _TOKEN.match(src, pos)
        if m is None:
            raise ParseError(f"Syntax error: token recognition error at: '{src[pos]}'", pos)
        kind = m.lastgroup or ""
        text = m.group()
        if kind != "ws":
            tokens.append((kind, text, pos))
        pos = m.end()
    tokens.append(("eof", "", len(src)))
    return tokens


class Parser:
    def __init__(self, src: str):
        self.src = src
        self.tokens = tokenize(src)
        self.i = 0
        self.next_id = 1

    # -- token helpers ------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> tuple[str, Any, int]:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def accept(self, text: str) -> bool:
        kind, value, _ = self.peek()
        if kind in ("op", "ident") and value == text:
            self.i += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if not self.accept(text):
            kind, value, off = self.peek()
            found = "<EOF>" if kind == "eof" else value
            raise ParseError(f"Syntax error: mismatched input '{found}' expecting '{text}'", off)

    def node(self, kind: str, offset: int, **kw: Any) -> Node:
        n = Node(kind, offset, **kw)
        n.id = self.next_id
        self.next_id += 1
        return n

    # -- grammar ------------------------------------------------------------------------

    def parse(self) -> Node:
        expr = self.expr()
        kind, value, off = self.peek()
        if kind != "eof":
            raise ParseError(f"Syntax error: extraneous input '{value}' expecting <EOF>", off)
        return expr

    def expr(self) -> Node:
        cond = self.binary(0)
        _, _, off = self.peek()
        if self.accept("?"):
            then = self.binary(0)
            self.expect(":")
            other = self.expr()
            return self.node("call", off, value="_?_:_", args=[cond, then, other])
        return cond

    _LEVELS = (("||",), ("&&",), ("<", "<=", ">", ">=", "==", "!=", "in"), ("+", "-"), ("*", "/", "%"))

    def binary(self, level: int) -> Node:
        if level == len(self._LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while True:
            kind, value, off = self.peek()
            if kind in ("op", "ident") and value in self._LEVELS[level]:
                self.i += 1
                right = self.binary(level + 1)
                name = "@in" if value == "in" else f"_{value}_"
                left = self.node("call", off, value=name, args=[left, right])
                if level == 2:
                    # relations do not chain in CEL's grammar without parentheses beyond left assoc
                    continue
            else:
                return left

    def unary(self) -> Node:
        kind, value, off = self.peek()
        if kind == "op" and value in ("!", "-"):
            self.i += 1
            nxt_kind, nxt_value, _ = self.peek()
            if value == "-" and nxt_kind == "num" and not self._is_member_continuation(1):
                self.i += 1
                return self.member(self.number("-" + nxt_value, off))
            operand = self.unary()
            return self.node("call", off, value="!_" if value == "!" else "-_", args=[operand])
        return self.member(self.primary())

    def _is_member_continuation(self, ahead: int) -> bool:
        kind, value, _ = self.peek(ahead)
        return kind == "op" and value in (".", "[", ".?", "[?")

    def member(self, operand: Node) -> Node:
        while True:
            kind, value, off = self.peek()
            if kind != "op":
                return operand
            if value in (".", ".?"):
                self.i += 1
                ikind, name, ioff = self.peek()
                if ikind != "ident":
                    raise ParseError(f"Syntax error: no viable alternative at input '.{name}'", ioff)
                calls = value == "." and self.peek(1)[:2] == ("op", "(")  # e.g. authorizer's .namespace('x')
                if name in ("true", "false", "null") or (name in _RESERVED and not calls):
                    raise ParseError(f"Syntax error: mismatched input '{name}' expecting IDENTIFIER", ioff)
                self.i += 1
                if value == "." and self.accept("("):
                    args = self.expr_list(")")
                    operand = self.call(name, args, operand, ioff)
                else:
                    operand = self.node("select", ioff - 1, value=name, target=operand, optional=value == ".?")
            elif value in ("[", "[?"):
                self.i += 1
                index = self.expr()
                self.expect("]")
                operand = self.node("call", off, value="_[_]", args=[operand, index], optional=value == "[?")
            else:
                return operand

    def call(self, name: str, args: list[Node], target: Node | None, off: int) -> Node:
        if target is not None and len(args) in _TWO_VAR.get(name, ()):
            if args[0].kind != "ident" or args[1].kind != "ident":
                raise ParseError("argument is not an identifier", args[0].offset)
            return self.node("macro", off, value="exists_one" if name == "existsOne" else name, target=target,
                             var=args[0].value, var2=args[1].value, args=args[2:])
        arity = _MACROS.get((name, target is not None))
        if arity is not None and (len(args) == arity or (isinstance(arity, tuple) and len(args) in arity)):
            if name == "has":
                arg = args[0]
                if arg.kind != "select" or arg.optional:
                    raise ParseError("invalid argument to has() macro", arg.offset)
                arg.test_only = True
                return arg
            if name == "bind" and (target is None or target.kind != "ident" or target.value != "cel"):
                return self.node("call", off, value=name, args=args, target=target)
            if args[0].kind != "ident":
                raise ParseError("argument is not an identifier", args[0].offset)
            return self.node("macro", off, value=name, target=target, var=args[0].value, args=args[1:])
        return self.node("call", off, value=name, args=args, target=target)

    def expr_list(self, close: str) -> list[Node]:
        items: list[Node] = []
        if self.accept(close):
            return items
        while True:
            items.append(self.expr())
            if self.accept(close):
                return items
            self.expect(",")
            if self.accept(close):
                return items

    def primary(self) -> Node:
        kind, value, off = self.peek()
        self.i += 1
        if kind == "num":
            return self.number(value, off)
        if kind == "str":
            return self.string(value, off)
        if kind == "ident":
            if value in ("true", "false"):
                return self.node("lit", off, value=value == "true", lit_type="bool")
            if value == "null":
                return self.node("lit", off, value=None, lit_type="null")
            if value in _RESERVED:
                raise ParseError(f"reserved identifier: {value}", off)
            if self.accept("("):
                return self.call(value, self.expr_list(")"), None, off)
            return self.node("ident", off, value=value)
        if kind == "op" and value == ".":
            return self.primary()
        if kind == "op" and value == "(":
            inner = self.expr()
            self.expect(")")
            return inner
        if kind == "op" and value == "[":
            return self.list_literal(off)
        if kind == "op" and value == "{":
            return self.map_literal(off)
        found = "<EOF>" if kind == "eof" else value
        raise ParseError(f"Syntax error: mismatched input '{found}' expecting {{'[', '{{', '(', '.', '-', '!', "
                         "'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}", off)

    def list_literal(self, off: int) -> Node:
        items: list[Node] = []
        optional: list[int] = []
        if not self.accept("]"):
            while True:
                if self.accept("?"):
                    optional.append(len(items))
                items.append(self.expr())
                if self.accept("]"):
                    break
                self.expect(",")
                if self.accept("]"):
                    break
        return self.node("list", off, args=items, optional_items=tuple(optional))

    def map_literal(self, off: int) -> Node:
        entries: list[tuple[Node, Node, bool]] = []
        if not self.accept("}"):
            while True:
                optional = self.accept("?")
                key = self.expr()
                self.expect(":")
                entries.append((key, self.expr(), optional))
                if self.accept("}"):
                    break
                self.expect(",")
                if self.accept("}"):
                    break
        return self.node("map", off, entries=entries)

    def number(self, text: str, off: int) -> Node:
        neg = text.startswith("-")
        body = text[1:] if neg else text
        if body[-1] in "uU":
            return self.node("lit", off, value=int(body[:-1], 0), lit_type="uint")
        if body.lower().startswith("0x"):
            value = int(body, 16)
        elif any(c in body for c in ".eE"):
            return self.node("lit", off, value=-float(body) if neg else float(body), lit_type="double")
        else:
            value = int(body)
        value = -value if neg else value
        if not -(2**63) <= value < 2**63:
            raise ParseError("invalid int literal", off)
        return self.node("lit", off, value=value, lit_type="int")

    def string(self, text: str, off: int) -> Node:
        prefix = ""
        while text[0] not in "'\"":
            prefix += text[0].lower()
            text = text[1:]
        quote = text[:3] if text[:3] in ('"""', "'''") else text[0]
        body = text[len(quote):-len(quote)]
        is_bytes = "b" in prefix
        value = _unescape(body, "r" in prefix, is_bytes, off)
        return self.node("lit", off, value=value, lit_type="bytes" if is_bytes else "string")


def parse(src: str) -> Node:
    return Parser(src).parse()


def format_error(src: str, offset: int, message: str) -> str:
    """An issue as cel-go prints it: location, message, the source line and a caret under the column."""
    line_no = src.count("\n", 0, offset) + 1
    line_start = src.rfind("\n", 0, offset) + 1
    col = offset - line_start
    line_end = src.find("\n", offset)
    line = src[line_start: line_end if line_end >= 0 else len(src)]
    return f"ERROR: <input>:{line_no}:{col + 1}: {message}\n | {line}\n | {'.' * col}^"
