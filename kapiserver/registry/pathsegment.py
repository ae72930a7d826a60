"""Names must be usable as one URL path segment (upstream apimachinery/pkg/api/validation/path)."""

from __future__ import annotations


def is_valid_path_segment_prefix(name: str) -> list[str]:
    return [f"may not contain '{bad}'" for bad in ("/", "%") if bad in name]


def is_valid_path_segment_name(name: str) -> list[str]:
    if name in (".", ".."):
        return [f"may not be '{name}'"]
    return is_valid_path_segment_prefix(name)


def validate_path_segment_name(name: str, prefix: bool) -> list[str]:
    """The name validator the generic store applies to every kind."""
    return is_valid_path_segment_prefix(name) if prefix else is_valid_path_segment_name(name)
