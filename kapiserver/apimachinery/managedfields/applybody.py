"""Reading the body of an apply request (application/apply-patch+yaml) as upstream's apply
patcher does: YAML (JSON is YAML) into a map, and, for fieldValidation Strict or Warn, a
second strict reading that reports duplicate keys.

Clients send JSON far more often than YAML (kubectl, helm, client-go all do): a JSON body
is read by the JSON parser, which also notices duplicate keys on the way, and the slow
YAML reading that words the duplicate-key error runs only when there is one.

    400 "error decoding YAML: ..."          the body is not YAML, or not a map
    400 "error strict decoding YAML: ..."   a duplicate key, with fieldValidation=Strict
"""

from __future__ import annotations

import json
from typing import Any

from .. import codec, errors

_MAP_TYPE = "map[string]interface {}"


def decode(body: bytes) -> tuple[dict[str, Any], bool]:
    """The applied configuration, and whether the body may repeat a key (then ask
    codec.yaml_duplicate_keys_error). An empty body is an empty map (upstream yaml.Unmarshal)."""
    text = body.lstrip()
    if text[:1] == b"{":
        duplicates = False

        def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
            nonlocal duplicates
            out = dict(pairs)
            if len(out) != len(pairs):
                duplicates = True
            return out

        try:
            obj = json.loads(text, object_pairs_hook=hook)
        except (ValueError, RecursionError):
            pass
        else:
            if isinstance(obj, dict):
                return obj, duplicates
    return _decode_yaml(body), True


def _decode_yaml(body: bytes) -> dict[str, Any]:
    try:
        obj = codec.yaml_loads(body) if body.strip() else {}
    except codec.DecodeError as exc:
        raise errors.bad_request(
            f"error decoding YAML: error converting YAML to JSON: yaml: {_first_line(exc)}"
        ) from None
    if obj is None:
        return {}
    if not isinstance(obj, dict):
        kind = (
            "array"
            if isinstance(obj, list)
            else "string"
            if isinstance(obj, str)
            else "bool"
            if isinstance(obj, bool)
            else "number"
        )
        raise errors.bad_request(
            "error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot "
            f"unmarshal {kind} into Go value of type {_MAP_TYPE}"
        )
    return obj


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else "invalid YAML"
