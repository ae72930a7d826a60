"""CEL validation rules of CRD schemas (upstream apiextensions-apiserver pkg/apiserver/schema/cel).

Only what depends on structural schemas lives here: the CEL types of schema values
(model.py), the compilation of x-kubernetes-validations (compilation.py) and the validator
that runs them on custom resources (validator.py). The language itself, shared with
admission, is kapiserver.cel.
"""
