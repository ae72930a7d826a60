"""Evaluating a compiled policy for one request and one param (upstream validating/validator.go,
cel/activation.go, cel/composition.go, webhook/matchconditions/matcher.go).

One activation per (request, binding, param): `object`, `oldObject`, `request`,
`namespaceObject`, `params`, `authorizer` and `variables`. Variables are computed only
when an expression names them, once per activation (upstream's lazy map), so an unused
variable that would fail never fails a request. Errors read as upstream's:
"expression '<e>' resulted in error: <cause>", and a failed variable as
`composited variable "<name>" fails to evaluate: <cause>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kapiserver.apimachinery.field import go_quote
from kapiserver.cel.library import FUNCTIONS
from kapiserver.cel.runtime import engine, evaluation_error

from .compiler import CompiledPolicy, Expression

MAX_MESSAGE_BYTES = 5 * 1024  # celconfig.MaxEvaluatedMessageExpressionSizeBytes
ADMIT, DENY = "Admit", "Deny"


@dataclass(slots=True)
class Decision:
    action: str
    message: str = ""
    reason: str = ""
    evaluation_error: bool = False


@dataclass(slots=True)
class Result:
    decisions: list[Decision] = field(default_factory=list)
    annotations: list[tuple[str, str]] = field(default_factory=list)
    annotation_errors: list[str] = field(default_factory=list)


class _Failed:
    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message


class Activation:
    """The variables of one evaluation, with `variables` filled in on demand."""

    def __init__(self, compiled: CompiledPolicy, variables: dict[str, Any]):
        self._compiled = compiled
        self._ctx = engine().Context(functions=FUNCTIONS)
        for name, value in variables.items():
            self._ctx.add_variable(name, value)
        self._values: dict[str, Any] = {}

    def _variable(self, name: str, visiting: frozenset[str] = frozenset()) -> Any:
        if name in self._values:
            return self._values[name]
        expr = self._compiled.variables.get(name)
        if expr is None or name in visiting:
            value: Any = _Failed(f"composited variable {go_quote(name)} fails to evaluate: no such key: {name}")
        elif expr.error:
            detail = expr.error.removeprefix("compilation error: ")
            value = _Failed(f"composited variable {go_quote(name)} fails to compile: {detail}")
        else:
            value, err = self._run(expr, visiting | {name})
            if err is not None:
                value = _Failed(f"composited variable {go_quote(name)} fails to evaluate: {err}")
        self._values[name] = value
        return value

    def _run(self, expr: Expression, visiting: frozenset[str] = frozenset()) -> tuple[Any, str | None]:
        """The raw result, or the evaluator's error text."""
        if expr.variables:
            known = {}
            for name in expr.variables:
                value = self._variable(name, visiting)
                if isinstance(value, _Failed):
                    return None, value.message
                known[name] = value
            self._ctx.add_variable("variables", known)
        try:
            return expr.program.execute(self._ctx), None
        except Exception as err:  # noqa: BLE001 - the evaluator raises any builtin exception type
            return None, evaluation_error(err)

    def evaluate(self, expr: Expression) -> tuple[Any, str | None]:
        """The result, or upstream's error for the expression."""
        if expr.error:
            return None, expr.error
        value, err = self._run(expr)
        if err is not None:
            return None, f"expression '{expr.source}' resulted in error: {err}"
        return value, None


def _aggregate(messages: list[str]) -> str:
    unique = list(dict.fromkeys(messages))
    return unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"


def match_conditions(compiled: CompiledPolicy, activation: Activation) -> tuple[bool, str | None]:
    """upstream matcher.Match: any false condition excludes; else errors decide by failurePolicy
    (the error when Fail, no match when Ignore)."""
    failures: list[str] = []
    for _, expr in compiled.match_conditions:
        value, err = activation.evaluate(expr)
        if err is not None:
            failures.append(err)
        elif value is False:
            return False, None
    if failures:
        if compiled.failure_policy == "Ignore":
            return False, None
        return False, _aggregate(failures)
    return True, None


def _on_error(compiled: CompiledPolicy, message: str) -> Decision:
    action = ADMIT if compiled.failure_policy == "Ignore" else DENY
    return Decision(action, message, "", True)


def validate(compiled: CompiledPolicy, activation: Activation) -> Result:
    """upstream validator.Validate: match conditions, then each validation's decision, then the
    audit annotations."""
    if compiled.match_conditions:
        matched, err = match_conditions(compiled, activation)
        if err is not None:
            return Result([_on_error(compiled, err)])
        if not matched:
            return Result()
    result = Result()
    for validation, expr, message_expr in compiled.validations:
        value, err = activation.evaluate(expr)
        if err is not None:
            result.decisions.append(_on_error(compiled, err))
        elif value is not True:
            result.decisions.append(Decision(DENY, _message(validation, message_expr, activation),
                                             str(validation.get("reason") or "Invalid")))
        else:
            result.decisions.append(Decision(ADMIT))
    for key, expr in compiled.audit_annotations:
        value, err = activation.evaluate(expr)
        if err is None and value is not None and not isinstance(value, str):
            err = (f"valueExpression '{expr.source}' resulted in unsupported return type: {_type_name(value)}. "
                   "Return type must be either string or null.")
        if err is not None:
            if compiled.failure_policy != "Ignore":
                result.annotation_errors.append(err)
            continue
        if isinstance(value, str) and value.strip():
            result.annotations.append((key, value.strip()))
    return result


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "double"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "map"
    return type(value).__name__


def _message(validation: dict[str, Any], message_expr: Expression | None, activation: Activation) -> str:
    """messageExpression's result when it is a usable string, else message, else the expression."""
    message = ""
    if message_expr is not None:
        value, err = activation.evaluate(message_expr)
        if err is None and isinstance(value, str):
            message = value.strip()
            if len(message.encode()) > MAX_MESSAGE_BYTES or "\n" in message:
                message = ""
    if not message:
        message = str(validation.get("message") or "").strip()
    if not message:
        message = f"failed expression: {str(validation.get('expression') or '').strip()}"
    return message
