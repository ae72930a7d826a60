"""Compiling one ValidatingAdmissionPolicy for evaluation (upstream validating/plugin.go compilePolicy,
cel/compile.go, cel/composition.go).

Each expression is parsed, type-checked in the admission environment (kapiserver.cel.admission
declares the variables), rewritten for the evaluator and compiled by it, once per policy
generation. Variables are compiled in order into a composited `variables` object; for every
expression we note which variables it names, so that evaluation computes only those, lazily,
as upstream's lazy map does. Failures are kept on the expression ("compilation error: ...")
and surface at evaluation, as upstream's do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kapiserver.apimachinery.types import Object
from kapiserver.cel import (
    admission,
    checker,
    emit,
    library_authz,  # noqa: F401  (registers the authorizer functions)
    parser,
)
from kapiserver.cel import types as t
from kapiserver.cel.runtime import engine

VARIABLES = "variables"


@dataclass(slots=True)
class Expression:
    """One compiled expression: its program, or why it has none."""

    source: str
    program: Any = None
    error: str = ""
    variables: frozenset[str] = frozenset()
    output: t.T | None = None


@dataclass(slots=True)
class CompiledPolicy:
    name: str
    generation: int
    policy: Object
    has_params: bool
    failure_policy: str
    variables: dict[str, Expression] = field(default_factory=dict)
    match_conditions: list[tuple[str, Expression]] = field(default_factory=list)
    validations: list[tuple[Object, Expression, Expression | None]] = field(default_factory=list)
    audit_annotations: list[tuple[str, Expression]] = field(default_factory=list)


def _variable_refs(node: parser.Node | None, out: set[str]) -> None:
    """Names of `variables.<name>` selections anywhere under node."""
    if node is None:
        return
    if node.kind == "select" and node.target is not None and node.target.kind == "ident" \
            and node.target.value == VARIABLES:
        out.add(str(node.value))
    _variable_refs(node.target, out)
    for arg in node.args:
        _variable_refs(arg, out)
    for key, value, _ in node.entries:
        _variable_refs(key, out)
        _variable_refs(value, out)


def compile_one(expression: str, return_types: tuple[t.T, ...], decls: admission.Declarations,
                variables: t.T | None = None) -> Expression:
    """Parse, check against the return types, rewrite and compile one expression."""
    out = Expression(source=expression)
    checked = admission.compile_expression(expression, return_types, decls, variables)
    if checked.error is not None:
        out.error = "compilation error: " + checked.error.detail
        return out
    declared = admission._declarations(decls)
    if variables is not None:
        declared[VARIABLES] = variables
    root = parser.parse(expression)
    result, _, _, _ = checker.check(root, declared)
    refs: set[str] = set()
    _variable_refs(root, refs)
    out.variables = frozenset(refs)
    out.output = result
    try:
        out.program = engine().compile(emit.emit(root))
    except ValueError as err:
        out.error = f"compilation error: program instantiation failed: {err}"
    return out


def compile_policy(policy: Object) -> CompiledPolicy:
    """The policy's expressions, compiled with the declarations upstream gives each kind."""
    spec = policy.get("spec") or {}
    metadata = policy.get("metadata") or {}
    has_params = bool(spec.get("paramKind"))
    compiled = CompiledPolicy(name=str(metadata.get("name", "")), generation=int(metadata.get("generation") or 0),
                              policy=policy, has_params=has_params,
                              failure_policy=str(spec.get("failurePolicy") or "Fail"))
    with_authz = admission.Declarations(has_params=has_params, has_authorizer=True)
    without_authz = admission.Declarations(has_params=has_params, has_authorizer=False)
    for condition in spec.get("matchConditions") or []:
        expr = compile_one(str(condition.get("expression", "")).strip(), admission.BOOL_RESULT, with_authz)
        compiled.match_conditions.append((str(condition.get("name", "")), expr))
    composited = admission.CompositedCompiler()
    for variable in spec.get("variables") or []:
        name = str(variable.get("name", ""))
        expr = compile_one(str(variable.get("expression", "")), admission.ANY_RESULT, with_authz,
                           composited.variables_type)
        composited.fields[name] = (admission._decl_type(expr.output), name)
        compiled.variables[name] = expr
    variables_type = composited.variables_type
    for validation in spec.get("validations") or []:
        expr = compile_one(str(validation.get("expression", "")), admission.BOOL_RESULT, with_authz, variables_type)
        message = None
        if validation.get("messageExpression"):
            message = compile_one(str(validation["messageExpression"]), admission.STRING_RESULT, without_authz,
                                  variables_type)
        compiled.validations.append((validation, expr, message))
    for annotation in spec.get("auditAnnotations") or []:
        expr = compile_one(str(annotation.get("valueExpression", "")).strip(), admission.STRING_OR_NULL_RESULT,
                           with_authz, variables_type)
        compiled.audit_annotations.append((str(annotation.get("key", "")), expr))
    return compiled

