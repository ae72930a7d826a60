"""The tokenizer of label selectors (upstream labels.Lexer), kept apart from the parser in `labels`.

It mirrors upstream's byte-wise lexer: whitespace separates tokens, the special characters
`=!(),><` form the longest token they can (`!=` rather than `!`), anything else is an
identifier unless it spells `in` or `notin`. Like upstream, a NUL character ends the input.
"""

from __future__ import annotations

import enum


class Tok(enum.Enum):
    ERROR = enum.auto()
    END = enum.auto()
    CLOSED_PAR = enum.auto()
    COMMA = enum.auto()
    DOES_NOT_EXIST = enum.auto()
    DOUBLE_EQUALS = enum.auto()
    EQUALS = enum.auto()
    GREATER_THAN = enum.auto()
    IDENTIFIER = enum.auto()
    IN = enum.auto()
    LESS_THAN = enum.auto()
    NOT_EQUALS = enum.auto()
    NOT_IN = enum.auto()
    OPEN_PAR = enum.auto()


Item = tuple[Tok, str]
"""A token and its literal text."""

_STRING_TO_TOKEN = {")": Tok.CLOSED_PAR, ",": Tok.COMMA, "!": Tok.DOES_NOT_EXIST, "==": Tok.DOUBLE_EQUALS,
                    "=": Tok.EQUALS, ">": Tok.GREATER_THAN, "in": Tok.IN, "<": Tok.LESS_THAN,
                    "!=": Tok.NOT_EQUALS, "notin": Tok.NOT_IN, "(": Tok.OPEN_PAR}
_WHITESPACE = frozenset(" \t\r\n")
_SPECIAL = frozenset("=!(),><")
_EOF = "\0"


class _Lexer:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def read(self) -> str:
        if self.pos < len(self.text):
            self.pos += 1
            return self.text[self.pos - 1]
        return _EOF

    def lex(self) -> Item:
        ch = self.read()
        while ch in _WHITESPACE:
            ch = self.read()
        if ch == _EOF:
            return Tok.END, ""
        self.pos -= 1
        return self._special() if ch in _SPECIAL else self._identifier()

    def _identifier(self) -> Item:
        chars = []
        while (ch := self.read()) != _EOF:
            if ch in _SPECIAL or ch in _WHITESPACE:
                self.pos -= 1
                break
            chars.append(ch)
        text = "".join(chars)
        return _STRING_TO_TOKEN.get(text, Tok.IDENTIFIER), text

    def _special(self) -> Item:
        buffer = ""
        last: Item | None = None
        while (ch := self.read()) != _EOF:
            if ch not in _SPECIAL:
                self.pos -= 1
                break
            buffer += ch
            token = _STRING_TO_TOKEN.get(buffer)
            if token is not None:
                last = (token, buffer)
            elif last is not None:
                self.pos -= 1
                break
        return last if last is not None else (Tok.ERROR, f"error expected: keyword found '{buffer}'")


def scan(text: str) -> list[Item]:
    """All tokens of `text`, the last one always END."""
    lexer = _Lexer(text)
    items = [lexer.lex()]
    while items[-1][0] is not Tok.END:
        items.append(lexer.lex())
    return items
