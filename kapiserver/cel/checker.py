"""Type-checking a parsed expression against its declared variables.

cel-go checks every expression when the object holding it (a CRD, a ValidatingAdmissionPolicy,
a webhook configuration) is written: a field the variable's type does not declare is
`undefined field 'x'`, a call no overload accepts is `found no matching overload for ...`,
a name nobody declared is `undeclared reference to 'x' (in container '')`. The checker
does the same over parser.Node trees, annotating each node with its type.

emit.py then writes the checked tree out for the evaluator.
"""

from __future__ import annotations

import re

from . import signatures
from . import types as t
from .parser import Node
from .types import T

_TYPE_IDENTS = frozenset(("int", "uint", "double", "bool", "string", "bytes", "list", "map", "null_type", "type"))
_NUMERIC = frozenset(("int", "uint", "double"))


class CheckError(ValueError):
    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.message, self.offset = message, offset


class Checker:
    def __init__(self, variables: dict[str, T]):
        self.scopes: list[dict[str, T]] = [dict(variables)]
        self.errors: list[CheckError] = []
        self.regex_errors: list[str] = []
        self.uses: set[str] = set()

    def lookup(self, name: str) -> T | None:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def fail(self, node: Node, message: str) -> T:
        self.errors.append(CheckError(message, node.offset))
        return t.DYN

    def check(self, node: Node) -> T:
        result: T = getattr(self, f"_check_{node.kind}")(node)
        node.type = result
        return result

    def _check_lit(self, node: Node) -> T:
        return {"int": t.INT, "uint": t.UINT, "double": t.DOUBLE, "string": t.STRING, "bytes": t.BYTES,
                "bool": t.BOOL, "null": t.NULL}[node.lit_type]

    def _check_ident(self, node: Node) -> T:
        found = self.lookup(node.value)
        if found is not None:
            if len(self.scopes) == 1 or node.value in self.scopes[0]:
                self.uses.add(node.value)
            return found
        if node.value in _TYPE_IDENTS:
            return t.TYPE
        return self.fail(node, f"undeclared reference to '{node.value}' (in container '')")

    def _check_select(self, node: Node) -> T:
        assert node.target is not None
        if node.target.kind == "ident" and f"{node.target.value}.{node.value}" in TYPE_NAMES \
                and self.lookup(node.target.value) is None:
            node.kind, node.value = "lit", TYPE_NAMES[f"{node.target.value}.{node.value}"]
            node.lit_type = "string"
            return t.TYPE
        if node.target.kind == "ident" and not node.optional and not node.test_only \
                and f"{node.target.value}.{node.value}" in self.scopes[0]:
            # a declared qualified name (authorizer.requestResource) wins over field selection, as in cel-go
            node.kind, node.value, node.target = "ident", f"{node.target.value}.{node.value}", None
            return self._check_ident(node)
        target = self.check(node.target)
        optional = node.optional
        if target.kind == "opt" and optional:
            target = target.elem or t.DYN
        result = self._field_type(node, target)
        if node.test_only:
            return t.BOOL
        return t.opt_of(result) if optional else result

    def _field_type(self, node: Node, target: T) -> T:
        if target.kind == "dyn":
            return t.DYN
        if target.kind == "object":
            entry = (target.fields or {}).get(node.value)
            if entry is None:
                return self.fail(node, f"undefined field '{node.value}'")
            node.var = entry[1]  # the real property name, for emit
            return entry[0]
        if target.kind == "map":
            return target.elem or t.DYN
        return self.fail(node, f"type '{target}' does not support field selection")

    def _check_list(self, node: Node) -> T:
        elem: T | None = None
        for i, arg in enumerate(node.args):
            at = self.check(arg)
            if i in node.optional_items:
                if at.kind not in ("opt", "dyn"):
                    self.fail(arg, f"expected type 'optional_type({at})' but found '{at}'")
                at = at.elem or t.DYN if at.kind == "opt" else at
            if elem is not None and t.common_type(elem, at) is None and node.var != "format-args":
                self.fail(arg, f"expected type '{elem}' but found '{at}'")
            elem = at if elem is None else (t.common_type(elem, at) or t.DYN)
        return t.list_of(elem or t.DYN, len(node.args))

    def _check_map(self, node: Node) -> T:
        key: T | None = None
        value: T | None = None
        for k, v, optional in node.entries:
            kt, vt = self.check(k), self.check(v)
            if optional and vt.kind == "opt":
                vt = vt.elem or t.DYN
            if key is not None and t.common_type(key, kt) is None:
                self.fail(k, f"expected type '{key}' but found '{kt}'")
            if value is not None and t.common_type(value, vt) is None:
                self.fail(v, f"expected type '{value}' but found '{vt}'")
            key = kt if key is None else (t.common_type(key, kt) or t.DYN)
            value = vt if value is None else (t.common_type(value, vt) or t.DYN)
        return t.map_of(key or t.DYN, value or t.DYN, len(node.entries))

    def _check_macro(self, node: Node) -> T:
        name = node.value
        if name == "bind":
            init = self.check(node.args[0])
            self.scopes.append({node.var: init})
            result = self.check(node.args[1])
            self.scopes.pop()
            return result
        assert node.target is not None
        range_type = self.check(node.target)
        if name in ("optMap", "optFlatMap"):
            if range_type.kind not in ("opt", "dyn"):
                return self.fail(node, f"found no matching overload for '{name}' applied to '{range_type}'")
            self.scopes.append({node.var: range_type.elem or t.DYN})
            try:
                body = self.check(node.args[0])
            finally:
                self.scopes.pop()
            return t.opt_of(body) if name == "optMap" else body
        if range_type.kind == "list":
            var, var2 = (t.INT, range_type.elem or t.DYN) if node.var2 else (range_type.elem or t.DYN, t.DYN)
        elif range_type.kind == "map":
            var, var2 = range_type.key or t.DYN, range_type.elem or t.DYN
        elif range_type.kind == "dyn":
            var, var2 = t.DYN, t.DYN
        else:
            return self.fail(node, f"expression of type '{range_type}' cannot be range of a comprehension "
                                   "(must be list, map, or dynamic)")
        self.scopes.append({node.var: var, node.var2: var2} if node.var2 else {node.var: var})
        try:
            bodies = [self.check(arg) for arg in node.args]
        finally:
            self.scopes.pop()
        if name in ("all", "exists", "exists_one"):
            if bodies[0].kind not in ("bool", "dyn"):
                self.fail(node.args[0], f"found no matching overload for '_&&_' applied to '(bool, {bodies[0]})'")
            return t.BOOL
        if name in ("filter", "sortBy"):
            return t.list_of(var, range_type.max_elements)
        if name == "transformMap":
            return t.map_of(var, bodies[-1], range_type.max_elements)
        return t.list_of(bodies[-1], range_type.max_elements)

    def _check_call(self, node: Node) -> T:
        name = node.value
        target = node.target
        if target is not None and target.kind == "ident" and self.lookup(target.value) is None \
                and f"{target.value}.{name}" in _QUALIFIED:
            node.value = name = f"{target.value}.{name}"
            node.target = target = None
        if name == "format" and node.args and node.args[0].kind == "list":
            node.args[0].var = "format-args"  # string.format's argument list may mix types
        args = [self.check(a) for a in node.args]
        receiver = self.check(target) if target is not None else None
        if name in ("matches", "find", "findAll"):
            self._check_regex(node)
        if name.startswith("_") or name in ("@in", "!_", "-_"):
            return self._operator(node, name, args)
        overloads = signatures.FUNCTIONS.get(name)
        if overloads is None:
            return self.fail(node, f"undeclared reference to '{name}' (in container '')")
        for recv, params, result in overloads:
            if (recv is None) != (receiver is None) or len(params) != len(args):
                continue
            bindings: dict[str, T] = {}
            if recv is not None and receiver is not None and not _match(recv, receiver, bindings):
                continue
            if all(_match(p, a, bindings) for p, a in zip(params, args)):
                return _subst(result, bindings)
        shown = "(" + ", ".join(map(str, args)) + ")"
        if receiver is not None:
            shown = f"{receiver}.{shown}"
        return self.fail(node, f"found no matching overload for '{name}' applied to '{shown}'")

    def _check_regex(self, node: Node) -> None:
        pattern_node = node.args[0] if node.target is not None else (node.args[1] if len(node.args) > 1 else None)
        if pattern_node is None or pattern_node.kind != "lit" or not isinstance(pattern_node.value, str):
            return
        problem = regex_error(pattern_node.value)
        if problem is None:
            return
        if node.value == "matches":
            self.fail(pattern_node, "invalid matches argument")
        else:
            self.regex_errors.append(f"error parsing regexp: {problem}")

    def _operator(self, node: Node, name: str, args: list[T]) -> T:
        a = args[0]
        b = args[1] if len(args) > 1 else t.DYN
        kinds = (a.kind, b.kind)
        dyn = "dyn" in kinds
        if name in ("_&&_", "_||_", "!_"):
            if all(x.kind in ("bool", "dyn") for x in args):
                return t.BOOL
        elif name in ("_==_", "_!=_"):
            if dyn or t.common_type(a, b) is not None:
                return t.BOOL
        elif name in ("_<_", "_<=_", "_>_", "_>=_"):
            if dyn or a.kind == b.kind and a.kind in ("int", "uint", "double", "string", "bytes", "bool",
                                                      "timestamp", "duration") \
                    or (a.kind in _NUMERIC and b.kind in _NUMERIC):
                return t.BOOL
        elif name == "@in":
            if b.kind == "dyn" or (b.kind == "list" and t.common_type(a, b.elem or t.DYN)) \
                    or (b.kind == "map" and t.common_type(a, b.key or t.DYN)):
                return t.BOOL
        elif name == "_?_:_":
            if a.kind in ("bool", "dyn"):
                merged = t.common_type(args[1], args[2])
                if merged is not None:
                    return merged
        elif name == "_[_]":
            result = self._index(a, b)
            if result is not None:
                return t.opt_of(result) if node.optional else result
        elif name == "-_":
            if a.kind in ("int", "double", "duration", "dyn"):
                return a
        else:
            result = _arith(name, a, b)
            if result is not None:
                return result
        shown = ", ".join(map(str, args))
        op = {"@in": "@in"}.get(name, name)
        return self.fail(node, f"found no matching overload for '{op}' applied to '({shown})'")

    def _index(self, a: T, b: T) -> T | None:
        if a.kind == "opt":
            a = a.elem or t.DYN
        if a.kind == "dyn":
            return t.DYN
        if a.kind == "list" and b.kind in ("int", "uint", "dyn"):
            return a.elem or t.DYN
        if a.kind == "map" and (b.kind == "dyn" or t.common_type(a.key or t.DYN, b)):
            return a.elem or t.DYN
        if a.kind == "object" and b.kind in ("string", "dyn"):
            return t.DYN
        return None


TYPE_NAMES = {"net.IP": "net.IP", "net.CIDR": "net.CIDR", "kubernetes.URL": "kubernetes.URL",
              "kubernetes.Quantity": "kubernetes.Quantity", "kubernetes.Semver": "kubernetes.Semver"}


def regex_error(pattern: str) -> str | None:
    """Why RE2 (Go's regexp) would reject the pattern, or None."""
    try:
        re.compile(pattern)
    except re.error as err:
        return _go_regex_message(str(err), pattern)
    for construct in ("(?=", "(?!", "(?<=", "(?<!", "++", "*+", "?+", "}+"):
        if construct in pattern:
            return f"invalid or unsupported Perl syntax: `{construct}`"
    if re.search(r"\\[1-9]", pattern):
        return "invalid escape sequence"
    return None


def _go_regex_message(python: str, pattern: str) -> str:
    """Go's regexp/syntax wording for the errors Python's re reports differently."""
    if python.startswith("unbalanced parenthesis"):
        return f"unexpected ): `{pattern}`"
    if python.startswith("missing ), unterminated subpattern"):
        return f"missing closing ): `{pattern}`"
    if python.startswith("unterminated character set"):
        return f"missing closing ]: `{pattern[pattern.rfind('['):]}`"
    if python.startswith("nothing to repeat"):
        return f"missing argument to repetition operator: `{pattern[-1:]}`"
    if python.startswith("multiple repeat"):
        return "invalid nested repetition operator"
    return python


_QUALIFIED = frozenset({"optional.of", "optional.none", "optional.ofNonZeroValue", "strings.quote", "sets.contains",
                        "lists.range",
                        "sets.equivalent", "sets.intersects", "ip.isCanonical", "cel.bind"} |
                       {f"format.{n}" for n in ("named", "dns1123Label", "dns1123Subdomain", "dns1035Label",
                                                "qualifiedName", "dns1123LabelPrefix", "dns1123SubdomainPrefix",
                                                "dns1035LabelPrefix", "labelValue", "uri", "uuid", "byte", "date",
                                                "datetime")})


def _arith(name: str, a: T, b: T) -> T | None:
    if "dyn" in (a.kind, b.kind):
        return b if a.kind == "dyn" else a
    same = a.kind == b.kind
    if name == "_+_":
        if same and a.kind in ("int", "uint", "double", "string", "bytes", "duration"):
            return a
        if same and a.kind == "list":
            return t.list_of(t.common_type(a.elem or t.DYN, b.elem or t.DYN) or t.DYN)
        if {a.kind, b.kind} == {"timestamp", "duration"}:
            return t.TIMESTAMP
    elif name == "_-_":
        if same and a.kind in ("int", "uint", "double", "duration"):
            return a
        if a.kind == "timestamp":
            return t.DURATION if b.kind == "timestamp" else (t.TIMESTAMP if b.kind == "duration" else None)
    elif name in ("_*_", "_/_"):
        if same and a.kind in _NUMERIC:
            return a
    elif name == "_%_" and same and a.kind in ("int", "uint"):
        return a
    return None


def _match(param: T, arg: T, bindings: dict[str, T]) -> bool:
    if param.kind == "var":
        bound = bindings.get(param.name)
        if bound is None or bound.kind == "dyn":
            bindings[param.name] = arg
            return True
        return arg.kind == "dyn" or t.common_type(bound, arg) is not None
    if arg.kind == "dyn" or param.kind == "dyn":
        return True
    if param.kind != arg.kind:
        return False
    if param.kind in ("list", "opt"):
        return _match(param.elem or t.DYN, arg.elem or t.DYN, bindings)
    if param.kind == "map":
        return _match(param.key or t.DYN, arg.key or t.DYN, bindings) and \
            _match(param.elem or t.DYN, arg.elem or t.DYN, bindings)
    return True


def _subst(result: T, bindings: dict[str, T]) -> T:
    if result.kind == "var":
        return bindings.get(result.name, t.DYN)
    if result.kind in ("list", "opt"):
        return T(result.kind, elem=_subst(result.elem or t.DYN, bindings))
    if result.kind == "map":
        return t.map_of(_subst(result.key or t.DYN, bindings), _subst(result.elem or t.DYN, bindings))
    return result


def check(root: Node, variables: dict[str, T]) -> tuple[T, list[CheckError], set[str], list[str]]:
    """The rule's type, its errors, the variables it uses, and constant regexes RE2 would reject."""
    checker = Checker(variables)
    result = checker.check(root)
    return result, checker.errors, checker.uses, checker.regex_errors
