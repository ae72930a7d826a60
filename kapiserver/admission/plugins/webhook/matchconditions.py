"""Webhook matchConditions (upstream webhook/matchconditions.matcher).

Each condition is a CEL expression over `object`, `oldObject` and `request` (the
AdmissionRequest the webhook would receive); `namespaceObject` is null for webhooks.
Conditions were type-checked when the configuration was written (cel/admission.py); here they
are compiled for evaluation once per configuration version. A condition that is false skips
the webhook; evaluation errors follow the webhook's failurePolicy: Ignore skips it, Fail
refuses the request. `authorizer` is not offered yet (expressions using it fail to evaluate).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kapiserver.apimachinery.types import Object
from kapiserver.cel import emit, library, parser
from kapiserver.cel.runtime import engine, evaluation_error


class MatchConditionError(Exception):
    """Why the conditions could not be decided (failurePolicy Fail)."""


@dataclass(slots=True)
class _Condition:
    name: str
    program: Any = None
    error: str = ""


@dataclass(slots=True)
class MatchResult:
    matches: bool
    failed_condition: str = ""


def _compile(condition: Object) -> _Condition:
    name = str(condition.get("name") or "")
    try:
        source = emit.emit(parser.parse(str(condition.get("expression") or "")))
        return _Condition(name, engine().compile(source))
    except (parser.ParseError, ValueError) as err:
        return _Condition(name, error=f"compilation failed: {err}")


class Matcher:
    """The compiled conditions of one webhook."""

    def __init__(self, conditions: list[Object], fail_closed: bool):
        self._conditions = [_compile(c) for c in conditions]
        self._fail_closed = fail_closed

    def __bool__(self) -> bool:
        return bool(self._conditions)

    def match(self, obj: Object | None, old: Object | None, request: Object) -> MatchResult:
        """All conditions true: match; any false: no match (naming it); otherwise the errors
        decide by failurePolicy. Raises MatchConditionError when failing closed."""
        ctx = engine().Context(functions=library.FUNCTIONS)
        ctx.add_variable("object", obj)
        ctx.add_variable("oldObject", old)
        ctx.add_variable("request", request)
        ctx.add_variable("namespaceObject", None)
        problems: list[str] = []
        for condition in self._conditions:
            if condition.program is None:
                problems.append(condition.error)
                continue
            try:
                value = condition.program.execute(ctx)
            except Exception as err:  # noqa: BLE001 - any evaluation failure counts as an error
                problems.append(evaluation_error(err))
                continue
            if value is False:
                return MatchResult(False, condition.name)
            if value is not True:
                problems.append(f"matchCondition {condition.name!r} did not evaluate to a bool")
        if problems:
            if self._fail_closed:
                raise MatchConditionError(problems[0] if len(problems) == 1 else "[" + ", ".join(problems) + "]")
            return MatchResult(False)
        return MatchResult(True)
