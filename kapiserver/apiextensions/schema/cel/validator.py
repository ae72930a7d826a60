"""Running x-kubernetes-validations on custom resources (apiextensions schema/cel validation.go).

The validator tree mirrors the schema but only where rules live, so objects are walked no
deeper than needed. At each node with rules, `self` is the value there (converted to CEL's
types where the schema says number, bytes, duration or timestamp) and `oldSelf` the
correlated old value on update: the same property, the same map key, the list-map item
with the same keys. Transition rules (using oldSelf) are skipped without an old value,
unless they set optionalOldSelf. Failures are reported as upstream does: the rule's
message, messageExpression or "failed rule: <rule>", at the node's path (or fieldPath),
with the reason's error type, values of objects and arrays omitted.

Ratcheting: a failing rule that does not use oldSelf is forgiven when the value it judged
is unchanged since the old object. Cost: each object has upstream's budget of 10^7 and
each rule a limit of 10^6 (cost.py says how cost is charged).
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from typing import Any

from kapiserver.apimachinery import field
from kapiserver.cel import cost, library
from kapiserver.cel.runtime import engine, evaluation_error

from ..equality import deep_equal
from ..structural import Structural
from . import compilation

PER_CALL_LIMIT = 1_000_000
RUNTIME_BUDGET = 10_000_000
_OUT_OF_BUDGET = "validation failed due to running out of cost budget, no further validation rules will be run"
_CONTEXT_FUNCTIONS = library.FUNCTIONS
_MISSING: Any = object()
_FUNCTION_NAME = re.compile(r"\bk8s_\w+")


class _Node:
    __slots__ = (
        "additional",
        "convert",
        "functions",
        "init_error",
        "items",
        "map_keys",
        "properties",
        "rules",
        "schema",
    )

    def __init__(self, s: Structural, is_root: bool):
        self.schema = s
        self.rules, self.init_error = compilation.compile_rules(s, is_root)
        used = {name for r in self.rules for src in (r.source, r.message_source) for name in _FUNCTION_NAME.findall(src)}
        self.functions = {name: _CONTEXT_FUNCTIONS[name] for name in used if name in _CONTEXT_FUNCTIONS}
        self.properties: dict[str, _Node] = {}
        for name, prop in s.properties.items():
            child = _build(prop, False)
            if child is not None:
                self.properties[name] = child
        self.additional = _build(s.additional, False)
        self.items = _build(s.items, False)
        self.convert = _needs_conversion(s)
        self.map_keys = s.list_map_keys if s.list_type == "map" else None

    def validate(self, path: field.Path, obj: Any, old: Any, parent_unchanged: Any, budget: list[int]) -> field.ErrorList:
        if obj is None:
            return []
        errs: field.ErrorList = []
        if self.rules or self.init_error:
            errs += self._rules(path, obj, old, parent_unchanged, budget)
            if budget[0] < 0:
                return errs
        unchanged = _Unchanged(obj, old, parent_unchanged)
        if isinstance(obj, dict):
            old_map = old if isinstance(old, dict) else {}
            if self.additional is not None:
                for key, value in obj.items():
                    if key not in self.schema.properties:
                        errs += self.additional.validate(path.key(key), value, old_map.get(key), unchanged, budget)
                        if budget[0] < 0:
                            return errs
            for key, child in self.properties.items():
                if key in obj:
                    errs += child.validate(path.child(key), obj[key], old_map.get(key), unchanged, budget)
                    if budget[0] < 0:
                        return errs
        elif isinstance(obj, list) and self.items is not None:
            old_items = _correlate(old, self.map_keys)
            for i, item in enumerate(obj):
                old_item = old_items.get(_key(item, self.map_keys)) if old_items and isinstance(item, dict) else None
                errs += self.items.validate(path.index(i), item, old_item, unchanged, budget)
                if budget[0] < 0:
                    return errs
        return errs

    def _rules(self, path: field.Path, obj: Any, old: Any, parent_unchanged: Any, budget: list[int]) -> field.ErrorList:
        s = self.schema
        if self.init_error:
            return [field.invalid(path, s.type, f"rule compiler initialization error: {self.init_error}")]
        if budget[0] <= 0:
            budget[0] = -1
            return [field.invalid(path, s.type, _OUT_OF_BUDGET)]
        errs: field.ErrorList = []
        self_value = to_cel(obj, s) if self.convert else obj
        old_value = None if old is None else (to_cel(old, s) if self.convert else old)
        unchanged = _Unchanged(obj, old, parent_unchanged)
        contexts: dict[bool, Any] = {}
        for compiled in self.rules:
            rule = compiled.rule
            if compiled.error is not None:
                errs.append(field.invalid(path, s.type, f"rule compile error: {compiled.error[1]}"))
                continue
            if compiled.program is None:
                continue
            optional_old = bool(rule.get("optionalOldSelf"))
            if compiled.uses_old_self and old is None and not optional_old:
                continue
            charge = cost.runtime_cost(compiled.plan, obj)
            if charge > PER_CALL_LIMIT:
                errs.append(field.invalid(path, s.type, "'operation cancelled: actual cost limit exceeded': no further "
                                          f"validation rules will be run due to call cost exceeds limit for rule: "
                                          f"{_rule_error_string(rule)}"))
                budget[0] = -1
                return errs
            if charge > budget[0]:
                errs.append(field.invalid(path, s.type, _OUT_OF_BUDGET))
                budget[0] = -1
                return errs
            budget[0] -= charge
            context = contexts.get(optional_old)
            if context is None:
                context = contexts[optional_old] = _context(self.functions, self_value, old_value, optional_old)
            try:
                result = compiled.program.execute(context)
            except Exception as err:  # noqa: BLE001 - the evaluator raises any builtin exception type
                text = evaluation_error(err)
                if text.startswith("no such overload"):
                    errs.append(field.invalid(path, s.type, f"'{text}': call arguments did not match a supported "
                                              f"operator, function or macro signature for rule: {_rule_error_string(rule)}"))
                else:
                    errs.append(field.invalid(path, s.type, f"{text} evaluating rule: {_rule_error_string(rule)}"))
                continue
            if result is True:
                continue
            failure = self._failure(path, obj, compiled, context, budget)
            if failure is None:
                return errs
            if compiled.uses_old_self or not unchanged.get():
                errs.append(failure)
        return errs

    def _failure(self, path: field.Path, obj: Any, compiled: compilation.CompiledRule, context: Any,
                 budget: list[int]) -> field.FieldError | None:
        rule = compiled.rule
        fld = path.child(compiled.normalized_field_path) if compiled.normalized_field_path else path
        detail = ""
        if compiled.message_program is not None:
            charge = cost.runtime_cost(compiled.message_plan, obj)
            if charge > budget[0]:
                budget[0] = -1
                return field.invalid(fld, self.schema.type, "messageExpression evaluation failed due to running out "
                                     "of cost budget, no further validation rules will be run")
            budget[0] -= charge
            try:
                message = compiled.message_program.execute(context)
            except Exception:  # noqa: BLE001 - upstream logs and falls back to the message
                message = None
            if isinstance(message, str) and message.strip() and "\n" not in message.strip() \
                    and len(message.strip()) <= 5 * 1024:
                detail = message.strip()
        if not detail:
            detail = (rule.get("message") or "").strip() or f"failed rule: {_rule_error_string(rule)}"
        value = field.OMIT if self.schema.type in ("object", "array") else obj
        reason = rule.get("reason")
        if reason == "FieldValueForbidden":
            return field.forbidden(fld, detail)
        if reason == "FieldValueRequired":
            return field.required(fld, detail)
        if reason == "FieldValueDuplicate":
            return field.duplicate(fld, value)
        return field.invalid(fld, value, detail)


class _Unchanged:
    """Whether the value is deep-equal to its correlated old value, computed only when asked."""

    __slots__ = ("obj", "old", "parent", "value")

    def __init__(self, obj: Any, old: Any, parent: Any):
        self.obj, self.old, self.parent = obj, old, parent
        self.value: bool | None = None

    def get(self) -> bool:
        if self.value is None:
            if self.old is not None:
                self.value = deep_equal(self.obj, self.old)
            else:
                self.value = bool(self.parent.get()) if self.parent is not None else False
        return bool(self.value)


def _context(functions: dict[str, Any], self_value: Any, old_value: Any, optional_old: bool) -> Any:
    """The activation: built once per node and shared by its rules (converting values is the cost)."""
    ctx = engine().Context(functions=functions)
    ctx.add_variable("self", self_value)
    if optional_old:
        ctx.add_variable("oldSelf", engine().OptionalValue.none() if old_value is None else engine().OptionalValue.of(old_value))
    elif old_value is not None:
        ctx.add_variable("oldSelf", old_value)
    return ctx


def _rule_error_string(rule: dict[str, Any]) -> str:
    return (rule.get("message") or "").strip() or (rule.get("rule") or "").strip()


def _correlate(old: Any, keys: list[str] | None) -> dict[Any, Any] | None:
    if keys is None or not isinstance(old, list):
        return None
    return {_key(item, keys): item for item in old if isinstance(item, dict)}


def _key(item: Any, keys: list[str] | None) -> Any:
    return tuple(repr(item.get(k)) for k in keys or ())


def _needs_conversion(s: Structural | None) -> bool:
    if s is None:
        return False
    if s.type == "number" or (s.type == "string" and s.format in ("byte", "duration", "date", "date-time")):
        return True
    return (_needs_conversion(s.items) or _needs_conversion(s.additional)
            or any(_needs_conversion(p) for p in s.properties.values()))


def to_cel(value: Any, s: Structural | None) -> Any:
    """The value as CEL sees it under schema s (UnstructuredToVal): numbers are doubles, and
    byte/duration/date/date-time strings are bytes/durations/timestamps."""
    if s is None or value is None:
        return value
    if isinstance(value, dict):
        return {k: to_cel(v, s.properties.get(k) or s.additional) for k, v in value.items()}
    if isinstance(value, list):
        return [to_cel(v, s.items) for v in value]
    if s.type == "number" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if s.type == "string" and isinstance(value, str):
        try:
            if s.format == "byte":
                return base64.b64decode(value)
            if s.format == "date-time":
                return dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
            if s.format == "date":
                return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
            if s.format == "duration":
                return engine().evaluate(f"duration({_go_quote(value)})")
        except (ValueError, TypeError):
            return value
    return value


def _go_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _has_rules(s: Structural | None) -> bool:
    if s is None:
        return False
    return bool(s.validations) or _has_rules(s.items) or _has_rules(s.additional) or \
        any(_has_rules(p) for p in s.properties.values())


def _build(s: Structural | None, is_root: bool) -> _Node | None:
    return _Node(s, is_root) if s is not None and _has_rules(s) else None


class Validator:
    """The CEL validator of one CRD version (upstream cel.Validator), built once."""

    def __init__(self, root: _Node):
        self.root = root

    def validate(self, obj: Any, old: Any = None, path: field.Path = field.NIL,
                 budget: int = RUNTIME_BUDGET) -> field.ErrorList:
        remaining = [budget]
        return self.root.validate(path, obj, old, None, remaining)


def new_validator(s: Structural | None) -> Validator | None:
    """None when the schema has no rules at all (then nothing is walked)."""
    node = _build(s, True)
    return Validator(node) if node is not None else None
