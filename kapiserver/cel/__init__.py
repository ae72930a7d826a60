"""The generic CEL environment Kubernetes gives its expressions (upstream k8s.io/apiserver pkg/cel).

CRD validation rules, ValidatingAdmissionPolicy expressions and webhook match conditions
share one language: cel-spec's grammar (parser.py), cel-go's type checker with Kubernetes'
v1.35 library signatures (checker.py, signatures.py, types.py), the static cost model
(cost.py), and the rewrite of a checked expression for the evaluator, the Rust `cel`
package (emit.py), with the library functions the evaluator lacks (library*.py).

Who declares the variables decides what an expression sees: apiextensions types `self`
from a structural schema (apiextensions/schema/cel), admission declares `object`,
`request`, `params` and the rest. This package knows neither; it depends only on
apimachinery, so registry, admission and apiextensions may all use it.
"""
