"""Label selectors: parse, match, print (upstream apimachinery/pkg/labels).

The grammar is upstream's: requirements separated by commas, each one of `key`, `!key`,
`key=value`, `key==value`, `key!=value`, `key in (a,b)`, `key notin (a,b)`, `key>1`, `key<1`;
whitespace between tokens is ignored. A parsed selector keeps its requirements sorted by key,
which makes `str(selector)` canonical.

Errors are `SelectorError` (a ValueError) whose text is upstream's error text, word for
word. The list, watch and deletecollection handlers of kube-apiserver decode the
`labelSelector` query parameter with this parser and answer a failure with
`errors.NewBadRequest(err.Error())`: a 400 whose message is exactly `str(exc)`, e.g.

    unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt
    unable to parse requirement: <nil>: Invalid value: "a/b/c": a valid label key must ...
    found ',', expected: !, identifier, or 'end of string'

(`<nil>` is upstream's: the parser runs without a field path, and Go prints a nil path so.)
Endpoint code should therefore do `errors.bad_request(str(exc))`.

A nil metav1.LabelSelector matches nothing, an empty one matches everything:
`selector_from_label_selector(None)` is `NOTHING`, `selector_from_label_selector({})` is
`EVERYTHING`, and the two are told apart by `Selector.nothing`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import field, labels_lexer, validation
from .labels_lexer import Item, Tok
from .types import Object

# Operators (upstream selection.Operator values).
DOES_NOT_EXIST = "!"
EQUALS = "="
DOUBLE_EQUALS = "=="
IN = "in"
NOT_EQUALS = "!="
NOT_IN = "notin"
EXISTS = "exists"
GREATER_THAN = "gt"
LESS_THAN = "lt"

BINARY_OPERATORS = (IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, GREATER_THAN, LESS_THAN)
UNARY_OPERATORS = (EXISTS, DOES_NOT_EXIST)
VALID_REQUIREMENT_OPERATORS = BINARY_OPERATORS + UNARY_OPERATORS


class SelectorError(ValueError):
    """A selector that does not parse or validate; `errs` holds the field errors, if any."""

    def __init__(self, message: str, errs: field.ErrorList | None = None):
        super().__init__(message)
        self.errs: field.ErrorList = list(errs or [])


_INT64_RE = re.compile("[+-]?[0-9]+")


def _parse_int64(text: str) -> int | None:
    """strconv.ParseInt(text, 10, 64): an optional sign and decimal digits, in range."""
    if not _INT64_RE.fullmatch(text):
        return None
    value = int(text)
    return value if -(2**63) <= value < 2**63 else None


@dataclass(frozen=True, slots=True)
class Requirement:
    """One term of a selector (upstream labels.Requirement); build it with new_requirement()."""

    key: str
    operator: str
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        op = self.operator
        if op in (IN, EQUALS, DOUBLE_EQUALS):
            return self.key in labels and labels[self.key] in self.values
        if op in (NOT_IN, NOT_EQUALS):
            return self.key not in labels or labels[self.key] not in self.values
        if op == EXISTS:
            return self.key in labels
        if op == DOES_NOT_EXIST:
            return self.key not in labels
        if op in (GREATER_THAN, LESS_THAN):
            if self.key not in labels or len(self.values) != 1:
                return False
            have, want = _parse_int64(labels[self.key]), _parse_int64(self.values[0])
            if have is None or want is None:
                return False
            return have > want if op == GREATER_THAN else have < want
        return False

    def __str__(self) -> str:
        op = self.operator
        text = ("!" if op == DOES_NOT_EXIST else "") + self.key
        if op in (EXISTS, DOES_NOT_EXIST):
            return text
        text += _OPERATOR_SPELLING.get(op, "")
        values = self.values[0] if len(self.values) == 1 else ",".join(sorted(self.values))
        return text + (f"({values})" if op in (IN, NOT_IN) else values)


_OPERATOR_SPELLING = {EQUALS: "=", DOUBLE_EQUALS: "==", NOT_EQUALS: "!=", IN: " in ", NOT_IN: " notin ",
                      GREATER_THAN: ">", LESS_THAN: "<"}


def _child(path: field.Path | None, name: str) -> field.Path:
    return field.new_path(name) if path is None else path.child(name)


def _validate_label_key(key: str, path: field.Path | None) -> field.FieldError | None:
    msgs = validation.is_qualified_name(key)
    if not msgs:
        return None
    return field.FieldError("FieldValueInvalid", "<nil>" if path is None else str(path), key, "; ".join(msgs))


def _validate_label_value(key: str, value: str, path: field.Path) -> field.FieldError | None:
    msgs = validation.is_valid_label_value(value)
    return field.invalid(path.key(key), value, "; ".join(msgs)) if msgs else None


def _count_problem(operator: str, count: int) -> str:
    """What is wrong with the number of values for this operator, or ""."""
    if operator in (IN, NOT_IN) and count == 0:
        return "for 'in', 'notin' operators, values set can't be empty"
    if operator in (EQUALS, DOUBLE_EQUALS, NOT_EQUALS) and count != 1:
        return "exact-match compatibility requires one single value"
    if operator in (EXISTS, DOES_NOT_EXIST) and count != 0:
        return "values set must be empty for exists and does not exist"
    if operator in (GREATER_THAN, LESS_THAN) and count != 1:
        return "for 'Gt', 'Lt' operators, exactly one value is required"
    return ""


def new_requirement(key: str, operator: str, values: Sequence[str] | None,
                    path: field.Path | None = None) -> Requirement:
    """Validate and build one requirement; raises SelectorError with every problem found.

    `values=None` stands for Go's nil slice, which error messages print as `null`
    (an empty list prints as `[]`).
    """
    errs: field.ErrorList = []
    vals = list(values or ())
    bad = None if values is None else vals
    key_err = _validate_label_key(key, _child(path, "key"))
    if key_err:
        errs.append(key_err)
    value_path = _child(path, "values")
    detail = _count_problem(operator, len(vals))
    if detail:
        errs.append(field.invalid(value_path, bad, detail))
    if operator in (GREATER_THAN, LESS_THAN):
        for i, value in enumerate(vals):
            if _parse_int64(value) is None:
                detail = "for 'Gt', 'Lt' operators, the value must be an integer"
                errs.append(field.invalid(value_path.index(i), value, detail))
    elif operator not in VALID_REQUIREMENT_OPERATORS:
        errs.append(field.not_supported(_child(path, "operator"), operator, VALID_REQUIREMENT_OPERATORS))
    for i, value in enumerate(vals):
        value_err = _validate_label_value(key, value, value_path.index(i))
        if value_err:
            errs.append(value_err)
    if errs:
        raise SelectorError(field.aggregate_message(errs), errs)
    return Requirement(key, operator, tuple(vals))


@dataclass(frozen=True, slots=True)
class Selector:
    """A label selector (upstream labels.Selector): requirements ANDed, kept sorted by key.

    `Selector()` is upstream's Everything(); `NOTHING` (nothing=True) is Nothing(), the
    meaning of a nil metav1.LabelSelector.
    """

    requirements: tuple[Requirement, ...] = ()
    nothing: bool = False
    """Matches no object at all; prints as "" like the empty selector, but is not empty()."""

    def matches(self, labels: Mapping[str, str]) -> bool:
        return not self.nothing and all(r.matches(labels) for r in self.requirements)

    def empty(self) -> bool:
        """True when the selector matches everything (NOTHING is not empty)."""
        return not self.nothing and not self.requirements

    def add(self, *requirements: Requirement) -> Selector:
        """A new selector with these requirements too, re-sorted by key (stable)."""
        if self.nothing:
            return self
        merged = sorted(self.requirements + requirements, key=lambda r: r.key)
        return Selector(tuple(merged))

    def requires_exact_match(self, label: str) -> str | None:
        """The value `label` must have (from `=`, `==` or a one-value `in`), else None.

        Only the first requirement on `label` counts, as upstream.
        """
        for r in self.requirements:
            if r.key == label:
                if r.operator in (EQUALS, DOUBLE_EQUALS, IN) and len(r.values) == 1:
                    return r.values[0]
                return None
        return None

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.requirements)


EVERYTHING = Selector()
NOTHING = Selector(nothing=True)


def matches_nothing(selector: Selector) -> bool:
    return selector.nothing


def selector_from_set(labels: Mapping[str, str] | None) -> Selector:
    """`k1=v1,k2=v2` from a map, without validating it (upstream SelectorFromSet)."""
    reqs = (Requirement(k, EQUALS, (v,)) for k, v in (labels or {}).items())
    return Selector(tuple(sorted(reqs, key=lambda r: r.key)))


def validated_selector_from_set(labels: Mapping[str, str] | None) -> Selector:
    """As selector_from_set, but every key and value is validated (raises SelectorError)."""
    return EVERYTHING.add(*(new_requirement(k, EQUALS, [v]) for k, v in (labels or {}).items()))


_LABEL_SELECTOR_OPERATORS = {"In": IN, "NotIn": NOT_IN, "Exists": EXISTS, "DoesNotExist": DOES_NOT_EXIST}


def selector_from_label_selector(label_selector: Object | None) -> Selector:
    """A metav1.LabelSelector dict as a Selector (upstream metav1.LabelSelectorAsSelector).

    None (a nil selector) matches nothing; a selector with neither matchLabels nor
    matchExpressions matches everything. Raises SelectorError on an invalid term.
    """
    if label_selector is None:
        return NOTHING
    match_labels: Mapping[str, str] = label_selector.get("matchLabels") or {}
    expressions: Sequence[Object] = label_selector.get("matchExpressions") or []
    if not match_labels and not expressions:
        return EVERYTHING
    reqs = [new_requirement(k, EQUALS, [v]) for k, v in match_labels.items()]
    for expr in expressions:
        operator = str(expr.get("operator") or "")
        op = _LABEL_SELECTOR_OPERATORS.get(operator)
        if op is None:
            raise SelectorError(f"{field.go_quote(operator)} is not a valid label selector operator")
        values = list(expr.get("values") or [])
        # Go copies the values with append(nil, ...), so no values at all is a nil slice.
        reqs.append(new_requirement(str(expr.get("key") or ""), op, values or None))
    return EVERYTHING.add(*reqs)


def format_labels(labels: Mapping[str, str] | None) -> str:
    """`a=b,c=d` sorted, or `<none>` (upstream labels.FormatLabels, used by printers)."""
    return ",".join(sorted(f"{k}={v}" for k, v in (labels or {}).items())) or "<none>"


# --- parsing --------------------------------------------------------------------------------


_TOKEN_TO_OPERATOR = {Tok.IN: IN, Tok.EQUALS: EQUALS, Tok.DOUBLE_EQUALS: DOUBLE_EQUALS,
                      Tok.GREATER_THAN: GREATER_THAN, Tok.LESS_THAN: LESS_THAN, Tok.NOT_IN: NOT_IN,
                      Tok.NOT_EQUALS: NOT_EQUALS}


class _Parser:
    """Recursive descent over the scanned tokens; `in`/`notin` are identifiers where values go."""

    def __init__(self, text: str, path: field.Path | None):
        self.items = labels_lexer.scan(text)
        self.pos = 0
        self.path = path

    def lookahead(self, values: bool = True) -> Item:
        tok, lit = self.items[min(self.pos, len(self.items) - 1)]
        if values and tok in (Tok.IN, Tok.NOT_IN):
            tok = Tok.IDENTIFIER
        return tok, lit

    def consume(self, values: bool = True) -> Item:
        item = self.lookahead(values)
        self.pos += 1
        return item

    def parse(self) -> list[Requirement]:
        reqs: list[Requirement] = []
        while True:
            tok, lit = self.lookahead()
            if tok is Tok.END:
                return reqs
            if tok not in (Tok.IDENTIFIER, Tok.DOES_NOT_EXIST):
                raise SelectorError(f"found '{lit}', expected: !, identifier, or 'end of string'")
            try:
                reqs.append(self.parse_requirement())
            except SelectorError as exc:
                raise SelectorError(f"unable to parse requirement: {exc}", exc.errs) from None
            tok, lit = self.consume()
            if tok is Tok.END:
                return reqs
            if tok is not Tok.COMMA:
                raise SelectorError(f"found '{lit}', expected: ',' or 'end of string'")
            tok, lit = self.lookahead()
            if tok not in (Tok.IDENTIFIER, Tok.DOES_NOT_EXIST):
                raise SelectorError(f"found '{lit}', expected: identifier after ','")

    def parse_requirement(self) -> Requirement:
        key, operator = self.parse_key_and_infer_operator()
        if operator in (EXISTS, DOES_NOT_EXIST):
            return new_requirement(key, operator, [], self.path)
        operator = self.parse_operator()
        values = self.parse_values() if operator in (IN, NOT_IN) else self.parse_exact_value()
        return new_requirement(key, operator, sorted(values), self.path)

    def parse_key_and_infer_operator(self) -> tuple[str, str]:
        operator = ""
        tok, lit = self.consume()
        if tok is Tok.DOES_NOT_EXIST:
            operator = DOES_NOT_EXIST
            tok, lit = self.consume()
        if tok is not Tok.IDENTIFIER:
            raise SelectorError(f"found '{lit}', expected: identifier")
        err = _validate_label_key(lit, self.path)
        if err:
            raise SelectorError(str(err), [err])
        if self.lookahead()[0] in (Tok.END, Tok.COMMA) and operator != DOES_NOT_EXIST:
            operator = EXISTS
        return lit, operator

    def parse_operator(self) -> str:
        tok, lit = self.consume(values=False)
        if tok not in _TOKEN_TO_OPERATOR:
            raise SelectorError(f"found '{lit}', expected: {', '.join(BINARY_OPERATORS)}")
        return _TOKEN_TO_OPERATOR[tok]

    def parse_values(self) -> set[str]:
        tok, lit = self.consume()
        if tok is not Tok.OPEN_PAR:
            raise SelectorError(f"found '{lit}' expected: '('")
        tok, lit = self.lookahead()
        if tok in (Tok.IDENTIFIER, Tok.COMMA):
            values = self.parse_identifiers_list()
            if self.consume()[0] is not Tok.CLOSED_PAR:
                raise SelectorError(f"found '{lit}', expected: ')'")
            return values
        if tok is Tok.CLOSED_PAR:  # "()" is the one empty value
            self.consume()
            return {""}
        raise SelectorError(f"found '{lit}', expected: ',', ')' or identifier")

    def parse_identifiers_list(self) -> set[str]:
        values: set[str] = set()
        while True:
            tok, lit = self.consume()
            if tok is Tok.IDENTIFIER:
                values.add(lit)
                tok, lit = self.lookahead()
                if tok is Tok.CLOSED_PAR:
                    return values
                if tok is not Tok.COMMA:
                    raise SelectorError(f"found '{lit}', expected: ',' or ')'")
            elif tok is Tok.COMMA:
                # Empty places between commas, after "(" or before ")" are the empty value.
                if not values:
                    values.add("")
                following = self.lookahead()[0]
                if following is Tok.CLOSED_PAR:
                    values.add("")
                    return values
                if following is Tok.COMMA:
                    values.add("")
            else:
                raise SelectorError(f"found '{lit}', expected: ',', or identifier")

    def parse_exact_value(self) -> set[str]:
        if self.lookahead()[0] in (Tok.END, Tok.COMMA):
            return {""}
        tok, lit = self.consume()
        if tok is not Tok.IDENTIFIER:
            raise SelectorError(f"found '{lit}', expected: identifier")
        return {lit}


def parse_to_requirements(text: str, path: field.Path | None = None) -> list[Requirement]:
    """The requirements of a selector string, sorted by key (raises SelectorError)."""
    return sorted(_Parser(text, path).parse(), key=lambda r: r.key)


def parse(text: str, path: field.Path | None = None) -> Selector:
    """Parse a selector string (upstream labels.Parse); raises SelectorError with upstream's text."""
    return Selector(tuple(parse_to_requirements(text, path)))
