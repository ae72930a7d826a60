"""Field selectors: parse, match, transform (upstream apimachinery/pkg/fields).

The grammar is small: terms separated by commas, each `field=value`, `field==value` or
`field!=value`. Values escape `\\`, `,` and `=` with a backslash; fields are taken verbatim
(whitespace included). Terms are sorted as strings when parsed, so `str(parse(s))` is
canonical, and a missing field matches as the empty string.

Errors are `SelectorError` (a ValueError) carrying upstream's text. kube-apiserver answers
both kinds of failure with a 400 BadRequest whose message is the error text:

* the `fieldSelector` query parameter does not parse (`invalid selector: 'x'; can't
  understand 'x'`, `invalid field selector: invalid escape sequence: \\a`, ...);
* a field the resource does not support: the list/watch/deletecollection handlers run
  `Selector.transform()` with the kind's field-label conversion function
  (runtime.Scheme.ConvertFieldLabel) and wrap its error with NewBadRequest. Built-in kinds
  with selectable fields register a function that answers `field label not supported: <field>`
  (`field_label_conversion_func`); CRDs answer the same words; kinds without one get
  `default_meta_v1_field_selector_conversion`, whose error is
  `"<field>" is not a known field selector: only "metadata.name", "metadata.namespace"`.

A GET-like watch or list of one object turns its name into `metadata.name=<name>`;
`with_name()` reproduces that step and its 400 text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from . import field

EQUALS = "="
NOT_EQUALS = "!="

TransformFunc = Callable[[str, str], tuple[str, str]]
"""(field, value) -> (new field, new value); raises ValueError for an unsupported field.
Returning ("", "") drops the term."""


class SelectorError(ValueError):
    """A field selector that does not parse, or a field the resource does not support."""


class InvalidEscapeSequence(SelectorError):
    def __init__(self, sequence: str):
        super().__init__(f"invalid field selector: invalid escape sequence: {sequence}")
        self.sequence = sequence


class UnescapedRune(SelectorError):
    def __init__(self, char: str):
        # Upstream formats the rune with %v, which prints its code point as a number.
        super().__init__(f"invalid field selector: unescaped character in value: {ord(char)}")
        self.char = char


def escape_value(value: str) -> str:
    """Escape `\\`, `,` and `=` so that the value survives a round trip through parse()."""
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")


def unescape_value(value: str) -> str:
    """The inverse of escape_value; raises InvalidEscapeSequence or UnescapedRune."""
    if not any(ch in value for ch in "\\,="):
        return value
    out = []
    in_slash = False
    for ch in value:
        if in_slash:
            if ch not in "\\,=":
                raise InvalidEscapeSequence("\\" + ch)
            out.append(ch)
            in_slash = False
        elif ch == "\\":
            in_slash = True
        elif ch in ",=":
            raise UnescapedRune(ch)
        else:
            out.append(ch)
    if in_slash:
        raise InvalidEscapeSequence("\\")
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Requirement:
    """One term (upstream fields.Requirement): `field=value` or `field!=value`."""

    field: str
    operator: str
    value: str

    def matches(self, fields: Mapping[str, str]) -> bool:
        have = fields.get(self.field, "")
        return have == self.value if self.operator == EQUALS else have != self.value

    def __str__(self) -> str:
        return f"{self.field}{self.operator}{escape_value(self.value)}"


@dataclass(frozen=True, slots=True)
class Selector:
    """A field selector: requirements ANDed, in the order parsed (upstream's andTerm).

    `Selector()` is Everything(); `NOTHING` matches no object and is not empty().
    """

    requirements: tuple[Requirement, ...] = ()
    nothing: bool = False

    def matches(self, fields: Mapping[str, str]) -> bool:
        return not self.nothing and all(r.matches(fields) for r in self.requirements)

    def empty(self) -> bool:
        return not self.nothing and not self.requirements

    def requires_exact_match(self, field_name: str) -> str | None:
        """The value an `=` term pins `field_name` to (the first one), else None."""
        for r in self.requirements:
            if r.operator == EQUALS and r.field == field_name:
                return r.value
        return None

    def transform(self, fn: TransformFunc) -> Selector:
        """Rewrite every term with `fn` (dropping those it maps to ("", "")); errors propagate."""
        if self.nothing:
            return self
        out = []
        for r in self.requirements:
            new_field, new_value = fn(r.field, r.value)
            if new_field or new_value:
                out.append(Requirement(new_field, r.operator, new_value))
        return Selector(tuple(out))

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.requirements)


EVERYTHING = Selector()
NOTHING = Selector(nothing=True)


def one_term_equal_selector(field_name: str, value: str) -> Selector:
    return Selector((Requirement(field_name, EQUALS, value),))


def one_term_not_equal_selector(field_name: str, value: str) -> Selector:
    return Selector((Requirement(field_name, NOT_EQUALS, value),))


def and_selectors(*selectors: Selector) -> Selector:
    if any(s.nothing for s in selectors):
        return NOTHING
    return Selector(tuple(r for s in selectors for r in s.requirements))


def selector_from_set(fields: Mapping[str, str] | None) -> Selector:
    """`f1=v1,f2=v2` from a map (upstream SelectorFromSet; sorted here, random order upstream)."""
    return Selector(tuple(Requirement(k, EQUALS, v) for k, v in sorted((fields or {}).items())))


def _split_terms(text: str) -> list[str]:
    """Split on commas that are not escaped."""
    if not text:
        return []
    terms = []
    start = 0
    in_slash = False
    for i, ch in enumerate(text):
        if in_slash:
            in_slash = False
        elif ch == "\\":
            in_slash = True
        elif ch == ",":
            terms.append(text[start:i])
            start = i + 1
    terms.append(text[start:])
    return terms


def _split_term(term: str) -> tuple[str, str, str] | None:
    """(field, operator, raw value) at the first operator, trying `!=`, `==`, `=` at each position."""
    for i in range(len(term)):
        for op in ("!=", "==", "="):
            if term.startswith(op, i):
                return term[:i], op, term[i + len(op):]
    return None


def _identity(field_name: str, value: str) -> tuple[str, str]:
    return field_name, value


def parse_and_transform(text: str, fn: TransformFunc) -> Selector:
    """Parse a selector and run every term through `fn` (upstream ParseAndTransformSelector)."""
    reqs = []
    for part in sorted(_split_terms(text)):
        if not part:
            continue
        split = _split_term(part)
        if split is None:
            raise SelectorError(f"invalid selector: '{text}'; can't understand '{part}'")
        lhs, op, rhs = split
        reqs.append(Requirement(lhs, NOT_EQUALS if op == "!=" else EQUALS, unescape_value(rhs)))
    return Selector(tuple(reqs)).transform(fn)


def parse(text: str) -> Selector:
    """Parse a field selector (upstream fields.ParseSelector); raises SelectorError."""
    return parse_and_transform(text, _identity)


def field_label_not_supported(label: str) -> str:
    """The words built-in kinds and CRDs answer for a field they cannot select on."""
    return f"field label not supported: {label}"


def default_meta_v1_field_selector_conversion(label: str, value: str) -> tuple[str, str]:
    """What kinds without their own conversion function accept: metadata.name and .namespace."""
    if label in ("metadata.name", "metadata.namespace"):
        return label, value
    raise SelectorError(f"{field.go_quote(label)} is not a known field selector: only "
                        f'"metadata.name", "metadata.namespace"')


def field_label_conversion_func(supported: Iterable[str],
                                renames: Mapping[str, str] | None = None) -> TransformFunc:
    """A kind's field-label conversion: `supported` fields pass, `renames` map legacy names.

    Pods, for example, accept "spec.host" as an old spelling of "spec.nodeName".
    """
    allowed = frozenset(supported)
    aliases = dict(renames or {})

    def convert(label: str, value: str) -> tuple[str, str]:
        if label in allowed:
            return label, value
        if label in aliases:
            return aliases[label], value
        raise SelectorError(field_label_not_supported(label))

    return convert


def with_name(selector: Selector | None, name: str) -> Selector:
    """The selector of a request naming one object, as the watch/list handlers build it.

    An absent or empty selector becomes `metadata.name=<name>`; any other must already pin
    metadata.name to that name, or the request is a 400 with this error's text.
    """
    if selector is None or selector.empty():
        return one_term_equal_selector("metadata.name", name)
    if selector.requires_exact_match("metadata.name") != name:
        raise SelectorError("fieldSelector metadata.name doesn't match requested name")
    return selector
