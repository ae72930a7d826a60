"""The OpenAPI schema validator a custom resource goes through (kube-openapi validate.SchemaValidator
with apiextensions' ratcheting, as kube-apiserver reports its results).

Each schema dict is compiled once into a tree of `_Validator`s. Validation of a value runs,
in upstream's order: type, allOf/anyOf/oneOf/not, string (lengths, pattern), format,
number (multipleOf, minimum, maximum), array (items, minItems, maxItems, uniqueItems),
enum, object (min/maxProperties, additionalProperties false, properties, required).
Errors become field errors as apiextensions' kubeOpenAPIResultToFieldErrors makes them: the
field is kube-openapi's dotted path, the detail its message ("spec.replicas in body should be
less than or equal to 10"), and the anyOf/oneOf/allOf/not summaries carry no field (Go's nil
path prints "<nil>").

Ratcheting (CRDValidationRatcheting, GA): on update, a value that is deep-equal to its
correlated old value (same property, same additionalProperties key, same list-map key) keeps
no errors, so objects stored under an older, looser schema stay updatable.
"""

from __future__ import annotations

import math
import re
from typing import Any

from kapiserver.apimachinery import field, strfmt

from .equality import deep_equal
from .gofmt import go_float, go_number

_MISSING: Any = object()
_IN = "body"


def _fld(name: str) -> str:
    """kube-openapi's error name as apiextensions turns it into a field path."""
    if not name or name == ".":
        return "<nil>"
    return name.removeprefix(".")


def _sch_type(value: Any) -> tuple[str, str]:
    """The JSON schema type and Go format of a decoded value (schemaInfoForType)."""
    if isinstance(value, bool):
        return "boolean", ""
    if isinstance(value, str):
        return "string", ""
    if isinstance(value, int):
        return "integer", "int64"
    if isinstance(value, float):
        return "number", "float64"
    if isinstance(value, list):
        return "array", ""
    return "object", ""


def _type_error(name: str, type_name: str, value: str) -> field.FieldError:
    msg = f"{name} in {_IN} must be of type {type_name}: {field.go_quote(value)}"
    return field.FieldError("FieldValueTypeInvalid", _fld(name), value, msg)


def _invalid(name: str, value: Any, msg: str) -> field.FieldError:
    return field.FieldError("FieldValueInvalid", _fld(name), "" if value is None else value, msg)


def _is_json_integer(f: float) -> bool:
    """swag.IsFloat64AJSONInteger: integral, or within a relative 1e-9 of an integer."""
    if math.isnan(f) or math.isinf(f):
        return False
    if f == math.trunc(f):
        return True
    g = float(round(f))
    diff = abs(f - g)
    if f == 0 or g == 0:
        return False
    return diff / min(abs(f) + abs(g), 1.7976931348623157e308) < 1e-9


class _Validator:
    """One compiled schema node (the parts of spec.Schema that validate values)."""

    __slots__ = (
        "additional",
        "additional_schema",
        "all_of",
        "any_of",
        "applies_type",
        "enum",
        "exclusive_max",
        "exclusive_min",
        "format",
        "format_check",
        "items",
        "list_map_keys",
        "max_items",
        "max_length",
        "max_props",
        "maximum",
        "min_items",
        "min_length",
        "min_props",
        "minimum",
        "multiple_of",
        "not_",
        "nullable",
        "one_of",
        "pattern",
        "pattern_error",
        "properties",
        "required",
        "types",
        "unique",
    )

    def __init__(self, s: dict[str, Any]):
        types: list[str] = [s["type"]] if s.get("type") else []
        if s.get("x-kubernetes-int-or-string"):
            types = ["integer", "string"]
        self.types = types
        self.nullable = bool(s.get("nullable"))
        fmt = s.get("format") or ""
        self.format_check = strfmt.check(fmt) if fmt else None
        self.format = fmt if self.format_check is not None else ""
        self.applies_type = bool(self.types) or bool(self.format)
        self.enum = s.get("enum")
        self.max_length, self.min_length = s.get("maxLength"), s.get("minLength")
        self.pattern, self.pattern_error = None, ""
        if s.get("pattern"):
            try:
                self.pattern = re.compile(s["pattern"])
            except re.error as err:
                self.pattern_error = f"{s['pattern']}, but pattern is invalid: {err}"
        self.minimum, self.maximum = s.get("minimum"), s.get("maximum")
        self.exclusive_min, self.exclusive_max = bool(s.get("exclusiveMinimum")), bool(s.get("exclusiveMaximum"))
        self.multiple_of = s.get("multipleOf")
        self.min_items, self.max_items, self.unique = s.get("minItems"), s.get("maxItems"), bool(s.get("uniqueItems"))
        self.items = _Validator(s["items"]) if isinstance(s.get("items"), dict) else None
        self.min_props, self.max_props = s.get("minProperties"), s.get("maxProperties")
        self.properties = {k: _Validator(v) for k, v in (s.get("properties") or {}).items()}
        additional = s.get("additionalProperties")
        self.additional = additional
        self.additional_schema = _Validator(additional) if isinstance(additional, dict) else None
        self.required = list(s.get("required") or ())
        self.all_of = [_Validator(x) for x in s.get("allOf") or ()]
        self.any_of = [_Validator(x) for x in s.get("anyOf") or ()]
        self.one_of = [_Validator(x) for x in s.get("oneOf") or ()]
        self.not_ = _Validator(s["not"]) if isinstance(s.get("not"), dict) else None
        self.list_map_keys = (list(s.get("x-kubernetes-list-map-keys") or ())
                              if s.get("x-kubernetes-list-type") == "map" else None)

    # -- the whole node ---------------------------------------------------------------------

    def validate(self, data: Any, name: str, old: Any = _MISSING) -> tuple[list[field.FieldError], int]:
        """Errors for `data` at kube-openapi path `name`, and the match count anyOf/oneOf rank by."""
        errs: list[field.FieldError] = []
        count = 1
        if data is None:
            if self.types and "null" not in self.types and not self.nullable:
                errs.append(_type_error(name, ",".join(self.types), "null"))
            count += 1
            if self.enum:
                self._check_enum(data, name, errs)
            return errs, count + 1
        if self.applies_type:
            count += 1
            err = self._check_type(data, name)
            if err is not None:
                errs.append(err)
        if self.all_of or self.any_of or self.one_of or self.not_ is not None:
            count += self._check_props(data, name, errs)
        if isinstance(data, str):
            self._check_string(data, name, errs)
            count += 2 if self.format_check is not None else 1
        elif isinstance(data, (int, float)) and not isinstance(data, bool):
            self._check_number(data, name, errs)
            count += 1
        elif isinstance(data, list):
            count += self._check_array(data, name, errs, old) + 1
        if self.enum:
            self._check_enum(data, name, errs)
        count += 1
        if isinstance(data, dict):
            count += self._check_object(data, name, errs, old) + 1
        if errs and old is not _MISSING and deep_equal(data, old):
            return [], count
        return errs, count

    def _check_type(self, data: Any, name: str) -> field.FieldError | None:
        sch, go_format = _sch_type(data)
        types = self.types
        is_float_int = sch == "number" and float(data).is_integer() and "integer" in types
        is_int_float = sch == "integer" and "number" in types
        is_text = isinstance(data, (str, list))
        if not is_text and self.format and not (sch in types or go_format == self.format
                                                 or is_float_int or is_int_float):
            return _type_error(name, self.format, go_format)
        if "number" not in types and "integer" not in types and self.format and is_text:
            return None
        if not (sch in types or is_float_int or is_int_float):
            return _type_error(name, ",".join(types), sch)
        return None

    # -- allOf / anyOf / oneOf / not --------------------------------------------------------

    def _check_props(self, data: Any, name: str, errs: list[field.FieldError]) -> int:
        count = 1
        quoted = field.go_quote(name)
        if self.any_of:
            best: tuple[list[field.FieldError], int] | None = None
            first_ok: tuple[list[field.FieldError], int] | None = None
            for sub in self.any_of:
                result = sub.validate(data, name)
                if not result[0]:
                    best, first_ok = None, result
                    break
                if best is None or result[1] > best[1]:
                    best = result
            if first_ok is None:
                errs.append(field.FieldError("FieldValueInvalid", "<nil>", "",
                                             f"{quoted} must validate at least one schema (anyOf)"))
            chosen = best if best is not None else first_ok
            if chosen is not None:
                errs.extend(chosen[0])
                count += chosen[1]
        if self.one_of:
            validated, best, first_ok = 0, None, None
            for sub in self.one_of:
                result = sub.validate(data, name)
                if not result[0]:
                    validated += 1
                    best = None
                    first_ok = first_ok or result
                    continue
                if validated == 0 and (best is None or result[1] > best[1]):
                    best = result
            if validated != 1:
                extra = "Found none valid" if validated == 0 else f"Found {validated} valid alternatives"
                errs.append(field.FieldError("FieldValueInvalid", "<nil>", "",
                                             f"{quoted} must validate one and only one schema (oneOf). {extra}"))
                if best is not None:
                    errs.extend(best[0])
                    count += best[1]
            elif first_ok is not None:
                count += first_ok[1]
        if self.all_of:
            validated = 0
            for sub in self.all_of:
                sub_errs, sub_count = sub.validate(data, name)
                validated += not sub_errs
                errs.extend(sub_errs)
                count += sub_count
            if validated != len(self.all_of):
                extra = ". None validated" if validated == 0 else ""
                errs.append(field.FieldError("FieldValueInvalid", "<nil>", "",
                                             f"{quoted} must validate all the schemas (allOf){extra}"))
        if self.not_ is not None and not self.not_.validate(data, name)[0]:
            errs.append(field.FieldError("FieldValueInvalid", "<nil>", "", f"{quoted} must not validate the schema (not)"))
        return count

    # -- scalars ----------------------------------------------------------------------------

    def _check_string(self, data: str, name: str, errs: list[field.FieldError]) -> None:
        if self.max_length is not None and len(data) > self.max_length:
            errs.append(field.too_long(field.Path(_fld(name)), int(self.max_length)))
        elif self.min_length is not None and len(data) < self.min_length:
            errs.append(_invalid(name, data, f"{name} in {_IN} should be at least {int(self.min_length)} chars long"))
        elif self.pattern_error:
            errs.append(_invalid(name, data, f"{name} in {_IN} should match '{self.pattern_error}'"))
        elif self.pattern is not None and self.pattern.search(data) is None:
            errs.append(_invalid(name, data, f"{name} in {_IN} should match '{self.pattern.pattern}'"))
        if self.format_check is not None and not self.format_check(data):
            errs.append(_type_error(name, self.format, data))

    def _check_number(self, data: float, name: str, errs: list[field.FieldError]) -> None:
        is_int = isinstance(data, int)
        if self.multiple_of is not None:
            factor = self.multiple_of
            if is_int:
                ifactor = int(factor)
                if ifactor <= 0:
                    errs.append(_invalid(name, ifactor, f"factor MultipleOf declared for {name} must be positive: {ifactor}"))
                elif data % ifactor:
                    errs.append(_invalid(name, data, f"{name} in {_IN} should be a multiple of {ifactor}"))
            elif factor <= 0:
                errs.append(_invalid(name, float(factor), f"factor MultipleOf declared for {name} must be positive: "
                                                          f"{go_float(float(factor))}"))
            else:
                mult = (1 / factor * data) if factor < 1 else data / factor
                if not _is_json_integer(mult):
                    errs.append(_invalid(name, data, f"{name} in {_IN} should be a multiple of {go_float(float(factor))}"))
        if self.minimum is not None:
            bound: int | float = int(self.minimum) if is_int else float(self.minimum)
            if (data <= bound) if self.exclusive_min else (data < bound):
                word = "greater than" if self.exclusive_min else "greater than or equal to"
                errs.append(_invalid(name, data, f"{name} in {_IN} should be {word} {go_number(bound)}"))
        if self.maximum is not None:
            bound = int(self.maximum) if is_int else float(self.maximum)
            if (data >= bound) if self.exclusive_max else (data > bound):
                word = "less than" if self.exclusive_max else "less than or equal to"
                errs.append(_invalid(name, data, f"{name} in {_IN} should be {word} {go_number(bound)}"))

    def _check_enum(self, data: Any, name: str, errs: list[field.FieldError]) -> None:
        for allowed in self.enum or ():
            if _enum_equal(data, allowed):
                return
        values = [v if isinstance(v, str) else _json(v) for v in self.enum or ()]
        errs.append(field.not_supported(field.Path(_fld(name)), data, values))

    # -- arrays and objects -----------------------------------------------------------------

    def _check_array(self, data: list[Any], name: str, errs: list[field.FieldError], old: Any) -> int:
        count = 0
        if self.items is not None:
            old_by_key = _list_map_index(old, self.list_map_keys) if old is not _MISSING else None
            for i, item in enumerate(data):
                old_item = _MISSING
                if old_by_key is not None and isinstance(item, dict):
                    old_item = old_by_key.get(_map_key(item, self.list_map_keys or ()), _MISSING)
                sub_errs, sub_count = self.items.validate(item, f"{name}[{i}]", old_item)
                errs.extend(sub_errs)
                count += sub_count
        size = len(data)
        if self.min_items is not None and size < self.min_items:
            errs.append(_invalid(name, size, f"{name} in {_IN} should have at least {int(self.min_items)} items"))
        if self.max_items is not None and size > self.max_items:
            errs.append(field.too_many(field.Path(_fld(name)), size, int(self.max_items)))
        if self.unique and any(deep_equal(data[i], data[j]) for i in range(size) for j in range(i + 1, size)):
            errs.append(_invalid(name, None, f"{name} in {_IN} shouldn't contain duplicates"))
        return count

    def _check_object(self, data: dict[str, Any], name: str, errs: list[field.FieldError], old: Any) -> int:
        count = 0
        size = len(data)
        if self.min_props is not None and size < self.min_props:
            errs.append(_invalid(name, size, f"{name} in {_IN} should have at least {int(self.min_props)} properties"))
        if self.max_props is not None and size > self.max_props:
            errs.append(field.too_many(field.Path(_fld(name)), size, int(self.max_props)))
        old_map = old if isinstance(old, dict) else None
        props = self.properties
        if self.additional is False:
            for key in data:
                if key not in props:
                    errs.append(_invalid(f"{name}", key, f"{name}.{key} in {_IN} is a forbidden property"))
        elif self.additional_schema is not None:
            for key, value in data.items():
                if key not in props:
                    old_value = old_map.get(key, _MISSING) if old_map is not None else _MISSING
                    sub_errs, sub_count = self.additional_schema.validate(value, f"{name}.{key}", old_value)
                    errs.extend(sub_errs)
                    count += sub_count
        for key, sub in props.items():
            if key in data:
                old_value = _MISSING
                if old_map is not None and not (name == "" and key in ("kind", "apiVersion")):
                    old_value = old_map.get(key, _MISSING)
                sub_errs, sub_count = sub.validate(data[key], f"{name}.{key}" if name else key, old_value)
                errs.extend(sub_errs)
                count += sub_count
        for key in self.required:
            if key not in data:
                errs.append(field.FieldError("FieldValueRequired", _fld(f"{name}.{key}"), "", ""))
        return count


def _json(value: Any) -> str:
    import orjson

    return orjson.dumps(value).decode()


def _enum_equal(data: Any, allowed: Any) -> bool:
    """basicCommonValidator: the value converted to the enum value's Go type, then DeepEqual."""
    if isinstance(allowed, bool) or isinstance(data, bool):
        return isinstance(allowed, bool) and isinstance(data, bool) and allowed == data
    if isinstance(allowed, (int, float)):
        if not isinstance(data, (int, float)):
            return False
        converted = float(data) if isinstance(allowed, float) else int(data)
        return converted == allowed
    return deep_equal(data, allowed)


def _map_key(item: dict[str, Any], keys: list[str] | tuple[str, ...]) -> tuple[Any, ...]:
    return tuple((type(item.get(k)).__name__, repr(item.get(k))) for k in keys)


def _list_map_index(old: Any, keys: list[str] | None) -> dict[tuple[Any, ...], Any] | None:
    """Old list-map items by key: the only list items ratcheting correlates."""
    if keys is None or not isinstance(old, list):
        return None
    return {_map_key(item, keys): item for item in old if isinstance(item, dict)}


def compile_validator(schema: dict[str, Any]) -> _Validator:
    """Compile a CRD version's openAPIV3Schema (with formats upstream does not support ignored)."""
    return _Validator(schema)


def validate(validator: _Validator, obj: Any, old: Any = _MISSING) -> field.ErrorList:
    """All schema errors for obj; with `old` (an update), unchanged values are ratcheted."""
    return validator.validate(obj, "", old)[0]


MISSING = _MISSING
