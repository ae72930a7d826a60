"""Writing a checked rule out as source for the evaluator (the Rust `cel` package).

The evaluator is told only what it understands: escaped property names become index
expressions on the real key, `a.?b`, `a[?i]`, optional literal entries and every
Kubernetes library function become calls to functions library.py registers (prefixed
`k8s_`), `cel.bind` becomes a one-element map, two-variable comprehensions iterate
[key, value] pairs, and size() of strings counts code points as CEL requires.
"""

from __future__ import annotations

import json

from . import signatures
from .parser import Node

_OPAQUE_TYPE_NAMES = {"IP": "net.IP", "CIDR": "net.CIDR", "URL": "kubernetes.URL", "Quantity": "kubernetes.Quantity",
                      "Semver": "kubernetes.Semver", "Format": "kubernetes.NamedFormat"}

_INFIX = {"_==_": "==", "_!=_": "!=", "_<_": "<", "_<=_": "<=", "_>_": ">", "_>=_": ">=", "_+_": "+", "_-_": "-",
          "_*_": "*", "_/_": "/", "_%_": "%", "_&&_": "&&", "_||_": "||", "@in": "in"}


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def emit(node: Node) -> str:
    kind = node.kind
    if kind == "lit":
        return _emit_lit(node)
    if kind == "ident":
        return str(node.value)
    if kind == "select":
        assert node.target is not None
        target = emit(node.target)
        real = node.var or node.value
        if node.optional:
            return f"k8s_opt_select({target}, {_quote(real)})"
        if node.test_only:
            return f"({_quote(real)} in {target})" if real != node.value else f"has({target}.{real})"
        if real != node.value:
            return f"{target}[{_quote(real)}]"
        return f"{target}.{real}"
    if kind == "list":
        items = "[" + ", ".join(emit(a) for a in node.args) + "]"
        if not node.optional_items:
            return items
        flags = "[" + ", ".join("true" if i in node.optional_items else "false" for i in range(len(node.args))) + "]"
        return f"k8s_opt_list({items}, {flags})"
    if kind == "map":
        if any(optional for _, _, optional in node.entries):
            entries = ", ".join(f"[{emit(k)}, {emit(v)}, {'true' if o else 'false'}]" for k, v, o in node.entries)
            return f"k8s_opt_map([{entries}])"
        return "{" + ", ".join(f"{emit(k)}: {emit(v)}" for k, v, _ in node.entries) + "}"
    if kind == "macro":
        if node.value == "bind":
            return f"[{emit(node.args[0])}].map({node.var}, {emit(node.args[1])})[0]"
        if node.value in ("optMap", "optFlatMap"):
            assert node.target is not None
            opt = emit(node.target)
            mapped = f"[{opt}.value()].map({node.var}, {emit(node.args[0])})[0]"
            if node.value == "optMap":
                mapped = f"optional.of({mapped})"
            return f"({opt}.hasValue() ? {mapped} : optional.none())"
        assert node.target is not None
        if node.var2:
            return _emit_two_var(node)
        if node.value == "sortBy":
            target = emit(node.target)
            return f"k8s_sort_by({target}, {target}.map({node.var}, {emit(node.args[0])}))"
        return f"{emit(node.target)}.{node.value}({node.var}, " + ", ".join(emit(a) for a in node.args) + ")"
    return _emit_call(node)


def _emit_two_var(node: Node) -> str:
    """Two-variable comprehensions over the evaluator's one-variable macros: iterate [key, value]
    pairs and bind each variable through a one-element list."""
    assert node.target is not None
    pairs = f"k8s_entries({emit(node.target)})"
    k, v = node.var, node.var2

    def bound(expr: Node, how: str = "all") -> str:
        if how == "map":
            return f"[k8s_p[0]].map({k}, [k8s_p[1]].map({v}, {emit(expr)})[0])[0]"
        return f"[k8s_p[0]].all({k}, [k8s_p[1]].all({v}, {emit(expr)}))"

    name = node.value
    if name in ("all", "exists", "exists_one"):
        return f"{pairs}.{name}(k8s_p, {bound(node.args[0])})"
    source = pairs if len(node.args) == 1 else f"{pairs}.filter(k8s_p, {bound(node.args[0])})"
    if name == "transformList":
        return f"{source}.map(k8s_p, {bound(node.args[-1], 'map')})"
    return f"k8s_to_map({source}.map(k8s_p, [k8s_p[0], {bound(node.args[-1], 'map')}]))"


def _emit_lit(node: Node) -> str:
    value, lt = node.value, node.lit_type
    if lt == "string":
        return _quote(value)
    if lt == "bytes":
        return 'b"' + "".join(f"\\x{b:02x}" for b in value) + '"'
    if lt == "bool":
        return "true" if value else "false"
    if lt == "null":
        return "null"
    if lt == "uint":
        return f"{value}u"
    if lt == "double":
        text = repr(value)
        return text if any(c in text for c in ".en") else text + ".0"
    return str(value)


def _emit_call(node: Node) -> str:
    name = node.value
    args = [emit(a) for a in node.args]
    if name in _INFIX:
        return f"({args[0]} {_INFIX[name]} {args[1]})"
    if name == "!_":
        return f"!{args[0]}"
    if name == "-_":
        return f"-{args[0]}"
    if name == "_?_:_":
        return f"({args[0]} ? {args[1]} : {args[2]})"
    if name == "_[_]":
        if node.optional or node.args[0].type is not None and node.args[0].type.kind == "opt":
            return f"k8s_opt_index({args[0]}, {args[1]})"
        return f"{args[0]}[{args[1]}]"
    target = emit(node.target) if node.target is not None else None
    if name == "size":
        subject = node.target if node.target is not None else node.args[0]
        if subject.type is not None and subject.type.kind in ("string", "dyn"):
            return f"k8s_size({target if target is not None else args[0]})"
    if name == "type" and node.args and node.args[0].type is not None \
            and node.args[0].type.kind in _OPAQUE_TYPE_NAMES:
        return _quote(_OPAQUE_TYPE_NAMES[node.args[0].type.kind])
    if name == "string" and node.args and node.args[0].type is not None \
            and node.args[0].type.kind in ("IP", "CIDR", "dyn"):
        return f"k8s_string({args[0]})"
    if name in signatures.BUILTIN:
        if target is not None:
            return f"{target}.{name}(" + ", ".join(args) + ")"
        return f"{name}(" + ", ".join(args) + ")"
    flat = "k8s_" + name.replace(".", "_")
    all_args = ([target] if target is not None else []) + args
    return f"{flat}(" + ", ".join(all_args) + ")"


