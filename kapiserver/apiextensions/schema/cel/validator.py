"""Placeholder until the CEL validator lands."""
from typing import Any


def new_validator(s: Any) -> None:
    return None
