"""The CEL evaluator (the `cel` package), loaded on first use.

Importing `cel` also imports its command-line interface and that one's dependencies (about
90 ms): a server whose webhooks, policies and custom resources use no CEL never pays it, and
one that does pays it once, when the first expression is compiled.
"""

from __future__ import annotations

import functools
import importlib
import re
from types import ModuleType


@functools.cache
def engine() -> ModuleType:
    return importlib.import_module("cel")


_PY_FAILURE = re.compile(r"Python function call failed: \w+: (.*?)\. Check function arguments", re.DOTALL)


def evaluation_error(err: Exception) -> str:
    """cel-go's wording for an error the evaluator raised (a missing key, a division by zero, an
    overflow, no matching overload, or the message of a library function that refused)."""
    text = str(err)
    if isinstance(err, KeyError):
        return f"no such key: {err.args[0] if err.args else text}"
    if isinstance(err, ZeroDivisionError):
        return "division by zero"
    if isinstance(err, OverflowError):
        return "integer overflow"
    if isinstance(err, TypeError) and ("No such overload" in text or "Unsupported operation" in text):
        return "no such overload"
    found = _PY_FAILURE.search(text)
    return found.group(1) if found is not None else text
