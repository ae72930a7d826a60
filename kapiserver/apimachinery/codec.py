"""JSON and YAML for object dicts: orjson and PyYAML's C loader where available.

Decoding follows upstream's strictness where clients notice: bodies must be one JSON
object (or one YAML document), and numbers keep their integer-ness.
"""

from __future__ import annotations

from typing import Any

import orjson
import yaml

from .golang import go_quote

try:  # the C implementations are several times faster
    _YamlLoader: Any = yaml.CSafeLoader
    _YamlDumper: Any = yaml.CSafeDumper
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _YamlLoader = yaml.SafeLoader
    _YamlDumper = yaml.SafeDumper


class DecodeError(ValueError):
    """A body that is not the JSON or YAML it claims to be."""


def json_dumps(value: Any) -> bytes:
    return orjson.dumps(value)


def json_loads(data: bytes | str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise DecodeError(str(exc)) from exc


class _Loader(_YamlLoader):  # type: ignore[misc, valid-type]
    pass


# YAML 1.1 turns `2020-01-01` into a date; sigs.k8s.io/yaml converts YAML to JSON first,
# so timestamps stay strings.
_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in _YamlLoader.yaml_implicit_resolvers.items()
}


def yaml_loads(data: bytes | str) -> Any:
    try:
        return yaml.load(data, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise DecodeError(str(exc)) from exc


def yaml_duplicate_keys_error(data: bytes | str) -> str | None:
    """The error upstream's strict YAML-to-JSON conversion (goyaml.v2 UnmarshalStrict) gives
    a document that repeats a key in a map, or None. Its line is the repeated value's."""
    found: list[str] = []

    def construct_mapping(loader: Any, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)):
                continue
            if key in seen:
                shown = go_quote(key) if isinstance(key, str) else str(key).lower() if isinstance(key, bool) else key
                found.append(f"line {value_node.start_mark.line + 1}: key {shown} already set in map")
            seen.add(key)
        mapping: dict[Any, Any] = yaml.SafeLoader.construct_mapping(loader, node, deep)
        return mapping

    class _Checker(yaml.SafeLoader):  # type: ignore[misc]
        pass

    _Checker.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    try:
        yaml.load(data, Loader=_Checker)
    except yaml.YAMLError:
        return None
    if not found:
        return None
    return "error converting YAML to JSON: yaml: unmarshal errors:\n  " + "\n  ".join(found)


class _Dumper(_YamlDumper):  # type: ignore[misc, valid-type]
    pass


def _str_representer(dumper: Any, value: str) -> Any:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def yaml_dumps(value: Any) -> bytes:
    text = yaml.dump(value, Dumper=_Dumper, default_flow_style=False, sort_keys=False, allow_unicode=True)
    return text.encode()
