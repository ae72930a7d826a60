"""Compiling the x-kubernetes-validations of one schema node (apiextensions schema/cel compilation.go).

Each rule is parsed, type-checked with `self` (and `oldSelf`, optional when the rule sets
optionalOldSelf) typed by the schema, required to be a bool, cost-estimated, rewritten for
the evaluator and compiled by it, once. messageExpression goes through the same steps and
must be a string; fieldPath is normalized against the schema. Failures are kept on the
result with upstream's wording, for the CRD's validation to report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kapiserver.cel import checker, cost, emit, parser
from kapiserver.cel import types as t
from kapiserver.cel.runtime import engine

from ..structural import Structural
from . import model

ESTIMATED_COST_LIMIT = 10_000_000  # StaticEstimatedCostLimit, per expression
ESTIMATED_CRD_COST_LIMIT = 100_000_000  # StaticEstimatedCRDCostLimit, for the whole schema


@dataclass(slots=True)
class CompiledRule:
    rule: dict[str, Any]
    program: Any = None
    error: tuple[str, str] | None = None
    """(ErrorTypeInvalid | ErrorTypeRequired | ErrorTypeInternal, detail)"""
    uses_old_self: bool = False
    max_cost: int = 0
    max_cardinality: int = 0
    message_program: Any = None
    message_error: str = ""
    message_max_cost: int = 0
    normalized_field_path: str = ""
    plan: cost.Plan = (0, [])
    message_plan: cost.Plan = (0, [])
    source: str = field(default="")
    message_source: str = ""


def _parse_and_check(src: str, variables: dict[str, t.T]
                     ) -> tuple[parser.Node | None, t.T | None, set[str], str, list[str]]:
    try:
        root = parser.parse(src)
    except parser.ParseError as err:
        return None, None, set(), parser.format_error(src, err.offset, err.message), []
    result, errors, uses, regex_errors = checker.check(root, variables)
    if errors:
        return None, None, uses, "\n".join(parser.format_error(src, e.offset, e.message) for e in errors), []
    return root, result, uses, "", regex_errors


def compile_rules(s: Structural, is_root: bool) -> tuple[list[CompiledRule], str]:
    """The compiled rules of s, and an initialization error ("" when none)."""
    if not s.validations:
        return [], ""
    self_type = model.schema_type(s, is_root)
    if self_type is None:
        return [], "failed to convert to declType for CEL validation rules"
    max_cardinality = (t.MAX_REQUEST_SIZE_BYTES) // (self_type.min_size + 1)
    return [_compile_rule(s, rule, self_type, max_cardinality) for rule in s.validations], ""


def _compile_rule(s: Structural, rule: dict[str, Any], self_type: t.T, max_cardinality: int) -> CompiledRule:
    out = CompiledRule(rule=rule)
    src = rule.get("rule") or ""
    if not src.strip():
        return out
    old_type = t.opt_of(self_type) if rule.get("optionalOldSelf") else self_type
    variables = {"self": self_type, "oldSelf": old_type}
    root, result, uses, error, regex_errors = _parse_and_check(src, variables)
    if root is None or result is None:
        out.error = ("Invalid", "compilation failed: " + error)
        return out
    if result.kind != "bool":
        out.error = ("Invalid", "cel expression must evaluate to a bool")
        return out
    out.uses_old_self = "oldSelf" in uses
    if regex_errors:
        out.error = ("Invalid", f"program instantiation failed: {regex_errors[0]}")
        return out
    out.source = emit.emit(root)
    try:
        out.program = engine().compile(out.source)
    except ValueError as err:
        out.error = ("Invalid", f"program instantiation failed: {err}")
        return out
    out.max_cost = cost.estimate(root)[1]
    out.max_cardinality = max_cardinality
    out.plan = cost.runtime_plan(root)
    message_src = rule.get("messageExpression") or ""
    if message_src:
        mroot, mresult, _, merror, _ = _parse_and_check(message_src, variables)
        if mroot is None or mresult is None:
            out.message_error = "messageExpression compilation failed: " + merror
        elif mresult.kind != "string":
            out.message_error = "messageExpression must evaluate to a string"
        else:
            out.message_source = emit.emit(mroot)
            out.message_program = engine().compile(out.message_source)
            out.message_max_cost = cost.estimate(mroot)[1]
            out.message_plan = cost.runtime_plan(mroot)
    if rule.get("fieldPath"):
        try:
            out.normalized_field_path = valid_field_path(rule["fieldPath"], s)
        except ValueError:
            pass
    return out


_FIELD_TOKEN = re.compile(r"'(?:[^'\\]|\\.)*'|[.\[\]]|[^.\[\]']+")


def valid_field_path(json_path: str, s: Structural) -> str:
    """The normalized field path a rule's fieldPath names (ValidFieldPath); ValueError if invalid."""
    tokens = _FIELD_TOKEN.findall(json_path)
    out = ""
    node: Structural | None = s
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok == "[":
            if i + 2 >= len(tokens) + 0 and i + 1 >= len(tokens):
                raise ValueError("unexpected end of JSON path")
            name_tok = tokens[i + 1] if i + 1 < len(tokens) else ""
            if len(name_tok) < 2 or name_tok[0] != "'" or name_tok[-1] != "'":
                raise ValueError(f"expected single quoted string but got {name_tok}")
            name = re.sub(r"\\(.)", r"\1", name_tok[1:-1])
            if i + 2 >= len(tokens) or tokens[i + 2] != "]":
                raise ValueError("expected ] but got " + (tokens[i + 2] if i + 2 < len(tokens) else ""))
            i += 3
            bracket = True
        elif tok == ".":
            if i + 1 >= len(tokens):
                raise ValueError("unexpected end of JSON path")
            name = tokens[i + 1]
            i += 2
            bracket = False
        else:
            raise ValueError(f"expected [ or . but got: {tok}")
        assert node is not None
        if node.properties:
            if name not in node.properties:
                raise ValueError("does not refer to a valid field")
            node = node.properties[name]
            out = f"{out}.{name}" if out else name
        elif node.additional_allowed:
            node = node.additional
            out = f"{out}[{name}]"
        else:
            raise ValueError("does not refer to a valid field")
        del bracket
    return out
