"""The CEL environment of admission expressions (k8s.io/apiserver pkg/admission/plugin/cel
compile.go and composition.go).

ValidatingAdmissionPolicy validations, messageExpressions, audit annotations, variables and
match conditions, and webhook match conditions, see `object` and `oldObject` (dyn),
`request` (the AdmissionRequest), `namespaceObject` (the Namespace), and, when declared,
`params` (dyn), `authorizer` and `authorizer.requestResource`. A policy with variables
also sees `variables`: an object whose fields are added one by one as each variable
compiles, typed by its result, so a variable may use only those before it.

Compiling here means parsing and type-checking, then checking the result type against
what the caller accepts; failures carry upstream's error type and detail, for the
validation of the object that holds the expression to report. Nothing here evaluates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import checker, parser
from . import types as t
from .types import T

INVALID, REQUIRED, INTERNAL = "Invalid", "Required", "Internal"
VARIABLES_TYPE_NAME = "kubernetes.variables"


def _object(name: str, fields: dict[str, T]) -> T:
    return T("object", fields={k: (v, k) for k, v in fields.items()}, name=name)


def build_request_type() -> T:
    """kubernetes.AdmissionRequest, as BuildRequestType declares it."""
    gvk = _object("kubernetes.GroupVersionKind", {"group": t.STRING, "version": t.STRING, "kind": t.STRING})
    gvr = _object("kubernetes.GroupVersionResource", {"group": t.STRING, "version": t.STRING, "resource": t.STRING})
    user = _object("kubernetes.UserInfo", {
        "username": t.STRING, "uid": t.STRING, "groups": t.list_of(t.STRING),
        "extra": t.map_of(t.STRING, t.list_of(t.STRING))})
    return _object("kubernetes.AdmissionRequest", {
        "kind": gvk, "resource": gvr, "subResource": t.STRING, "requestKind": gvk, "requestResource": gvr,
        "requestSubResource": t.STRING, "name": t.STRING, "namespace": t.STRING, "operation": t.STRING,
        "userInfo": user, "dryRun": t.BOOL, "options": t.DYN})


def build_namespace_type() -> T:
    """kubernetes.Namespace, as BuildNamespaceType declares it (some metadata fields left out)."""
    strings = t.list_of(t.STRING)
    condition = _object("kubernetes.NamespaceCondition", {
        "status": t.STRING, "type": t.STRING, "lastTransitionTime": t.TIMESTAMP, "message": t.STRING,
        "reason": t.STRING})
    metadata = _object("kubernetes.NamespaceMetadata", {
        "name": t.STRING, "generateName": t.STRING, "namespace": t.STRING,
        "labels": t.map_of(t.STRING, t.STRING), "annotations": t.map_of(t.STRING, t.STRING), "UID": t.STRING,
        "creationTimestamp": t.TIMESTAMP, "deletionGracePeriodSeconds": t.INT, "deletionTimestamp": t.TIMESTAMP,
        "generation": t.INT, "resourceVersion": t.STRING, "finalizers": strings})
    return _object("kubernetes.Namespace", {
        "metadata": metadata,
        "spec": _object("kubernetes.NamespaceSpec", {"finalizers": strings}),
        "status": _object("kubernetes.NamespaceStatus", {"conditions": t.list_of(condition), "phase": t.STRING})})


REQUEST_TYPE = build_request_type()
NAMESPACE_TYPE = build_namespace_type()
ANY = T("any")
"""Accepts an expression of every type (cel.AnyType as a return type)."""
BOOL_RESULT: tuple[T, ...] = (t.BOOL,)
STRING_RESULT: tuple[T, ...] = (t.STRING,)
STRING_OR_NULL_RESULT: tuple[T, ...] = (t.STRING, t.NULL)
ANY_RESULT: tuple[T, ...] = (ANY, t.DYN)


@dataclass(frozen=True, slots=True)
class Declarations:
    """OptionalVariableDeclarations: which optional variables an expression sees."""

    has_params: bool = False
    has_authorizer: bool = False


@dataclass(slots=True)
class CompileError:
    """apiservercel.Error: type is Invalid, Required or Internal."""

    type: str
    detail: str


@dataclass(slots=True)
class CompilationResult:
    output_type: T | None = None
    error: CompileError | None = None


def _declarations(decls: Declarations) -> dict[str, T]:
    out = {"object": t.DYN, "oldObject": t.DYN, "namespaceObject": NAMESPACE_TYPE, "request": REQUEST_TYPE}
    if decls.has_params:
        out["params"] = t.DYN
    if decls.has_authorizer:
        out["authorizer"] = T("Authorizer")
        out["authorizer.requestResource"] = T("ResourceCheck")
    return out


def _is_exact(a: T, b: T) -> bool:
    if a.kind != b.kind:
        return False
    if a.kind in ("list", "opt"):
        return _is_exact(a.elem or t.DYN, b.elem or t.DYN)
    if a.kind == "map":
        return _is_exact(a.key or t.DYN, b.key or t.DYN) and _is_exact(a.elem or t.DYN, b.elem or t.DYN)
    if a.kind == "object":
        return a.name == b.name
    return True


def compile_expression(expression: str, return_types: tuple[T, ...], decls: Declarations,
                       variables: T | None = None) -> CompilationResult:
    """CompileCELExpression: the expression's type, or why it does not compile. `variables`, when
    given, is the type of the `variables` object (a composited compiler's)."""
    declared = _declarations(decls)
    if variables is not None:
        declared["variables"] = variables
    try:
        root = parser.parse(expression)
    except parser.ParseError as err:
        return CompilationResult(error=CompileError(
            INVALID, "compilation failed: " + parser.format_error(expression, err.offset, err.message)))
    result, errors, _, _ = checker.check(root, declared)
    if errors:
        detail = "\n".join(parser.format_error(expression, e.offset, e.message) for e in errors)
        return CompilationResult(error=CompileError(INVALID, "compilation failed: " + detail))
    if not any(_is_exact(result, want) or want.kind == "any" for want in return_types):
        if len(return_types) == 1:
            reason = f"must evaluate to {return_types[0]} but got {result}"
        else:
            reason = f"must evaluate to one of [{' '.join(map(str, return_types))}] but got {result}"
        return CompilationResult(error=CompileError(INVALID, reason))
    return CompilationResult(output_type=result)


def _decl_type(celtype: T | None) -> T:
    """convertCelTypeToDeclType: what a variable's type becomes as a field of `variables`."""
    if celtype is None:
        return t.DYN
    if celtype.kind in ("bool", "bytes", "double", "duration", "int", "null", "string", "timestamp", "uint", "any"):
        return T(celtype.kind, min_size=celtype.min_size)
    if celtype.kind == "list":
        return t.list_of(_decl_type(celtype.elem))
    if celtype.kind == "map":
        return t.map_of(_decl_type(celtype.key), _decl_type(celtype.elem))
    return t.DYN


@dataclass(slots=True)
class CompositedCompiler:
    """A compiler whose `variables` grows with each variable compiled (CompositedCompiler);
    stateful, so one per policy."""

    fields: dict[str, tuple[T, str]] = field(default_factory=dict)

    @property
    def variables_type(self) -> T:
        return T("object", fields=self.fields, name=VARIABLES_TYPE_NAME)

    def compile_and_store_variable(self, name: str, expression: str, decls: Declarations) -> CompilationResult:
        result = self.compile(expression, ANY_RESULT, decls)
        self.fields[name] = (_decl_type(result.output_type), name)
        return result

    def compile(self, expression: str, return_types: tuple[T, ...], decls: Declarations) -> CompilationResult:
        return compile_expression(expression, return_types, decls, self.variables_type)
