"""Compiling the CEL expressions of admission policies and webhook match conditions on write
(upstream pkg/apis/admissionregistration/validation: validateCELCondition,
convertCELErrorToValidationError, validateMatchConditionsExpression, validateVariable,
validateValidationExpression, validateMessageExpression, validateAuditAnnotation).

Each expression is compiled in the admission environment (kapiserver.cel.admission) with
the optional variables upstream declares for it: validations, audit annotations and
variables see `params` when the policy has a paramKind, and the authorizer; a
messageExpression sees `params` the same way but not the authorizer; match conditions see
the authorizer, and `params` only in a policy with a paramKind (never in a webhook). A
policy with variables compiles them in order into `variables`, which its validations,
messageExpressions and audit annotations then see; its match conditions do not.
"""

from __future__ import annotations

from kapiserver.apimachinery import field
from kapiserver.cel import admission
from kapiserver.cel.admission import CompilationResult, Declarations


def to_field_error(path: field.Path, expression: str, result: CompilationResult) -> field.ErrorList:
    """convertCELErrorToValidationError: the compile failure, if any, at path."""
    err = result.error
    if err is None:
        return []
    if err.type == admission.REQUIRED:
        return [field.required(path, err.detail)]
    if err.type == admission.INVALID:
        return [field.invalid(path, expression, err.detail)]
    return [field.internal_error(path, err.detail)]


def validate_match_condition_expression(expression: str, allow_params: bool, path: field.Path) -> field.ErrorList:
    """A match condition (already trimmed) must compile to a bool; no `variables` here."""
    decls = Declarations(has_params=allow_params, has_authorizer=True)
    return to_field_error(path, expression, admission.compile_expression(expression, admission.BOOL_RESULT, decls))


class PolicyCompiler:
    """The compiler of one policy's expressions: composited (with `variables`) when the policy
    declares variables, stateless otherwise, as createCompiler chooses."""

    def __init__(self, has_params: bool, with_variables: bool):
        self.has_params = has_params
        self.composited = admission.CompositedCompiler() if with_variables else None

    def _compile(self, expression: str, return_types: tuple[admission.T, ...], decls: Declarations
                 ) -> CompilationResult:
        if self.composited is not None:
            return self.composited.compile(expression, return_types, decls)
        return admission.compile_expression(expression, return_types, decls)

    def variable(self, name: str, expression: str, path: field.Path) -> field.ErrorList:
        """Compile a variable and add it to `variables` for what follows (any result type)."""
        assert self.composited is not None, "a policy with variables has a composited compiler"
        decls = Declarations(has_params=self.has_params, has_authorizer=True)
        return to_field_error(path, expression, self.composited.compile_and_store_variable(name, expression, decls))

    def validation(self, expression: str, path: field.Path) -> field.ErrorList:
        decls = Declarations(has_params=self.has_params, has_authorizer=True)
        return to_field_error(path, expression, self._compile(expression, admission.BOOL_RESULT, decls))

    def message_expression(self, expression: str, path: field.Path) -> field.ErrorList:
        decls = Declarations(has_params=self.has_params, has_authorizer=False)
        return to_field_error(path, expression, self._compile(expression, admission.STRING_RESULT, decls))

    def audit_annotation(self, expression: str, shown: str, path: field.Path) -> field.ErrorList:
        """valueExpression is compiled trimmed but reported as written."""
        decls = Declarations(has_params=self.has_params, has_authorizer=True)
        return to_field_error(path, shown, self._compile(expression, admission.STRING_OR_NULL_RESULT, decls))
