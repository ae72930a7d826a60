"""The schema engine for CustomResourceDefinitions (upstream apiextensions-apiserver pkg/apiserver/schema,
pkg/apiserver/validation and pkg/apiserver/schema/cel; the CEL language itself is kapiserver.cel).

Two entry points:
- `compile_schema(openapi_v3_schema)` -> CompiledSchema with validate(obj, old), prune(obj) and
  default(obj), for every write and read of a custom resource; CEL rules are compiled here, once.
- `structural_errors(schema, path, ...)` -> the checks a CRD version's schema must pass when the
  CRD is created or updated (structural rules, defaults, list/map types, CEL compilation and cost).
"""

from typing import Any

from .compiled import CompiledSchema, compile_schema

__all__ = ["CompiledSchema", "compile_schema", "structural_errors"]


def __getattr__(name: str) -> Any:  # structural_errors pulls in the CEL compiler; load it on first use
    if name == "structural_errors":
        from .crd_validation import structural_errors

        return structural_errors
    raise AttributeError(name)
