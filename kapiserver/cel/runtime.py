"""The CEL evaluator (the `cel` package), loaded on first use.

Importing `cel` also imports its command-line interface and that one's dependencies (about
90 ms): a server whose webhooks, policies and custom resources use no CEL never pays it, and
one that does pays it once, when the first expression is compiled.
"""

from __future__ import annotations

import functools
import importlib
from types import ModuleType


@functools.cache
def engine() -> ModuleType:
    return importlib.import_module("cel")
