"""The schema that drives merging and field ownership (structured-merge-diff schema), and its
construction from OpenAPI models (kube-openapi schemaconv.ToSchemaFromOpenAPI).

An `Atom` says what a value may be: a scalar, a list, a map, or (untyped) any of them.
Maps carry their struct fields and the type of any other key (`element`; None means no
other key is allowed), lists their element type, whether they are `atomic` (replaced
whole, owned as one field) or `associative` (items owned one by one, by key fields or,
for sets of scalars, by value), and maps whether they are `atomic` or granular.

`from_openapi(models)` converts a table of OpenAPI schemas by name, `#/definitions/<name>`
references included, the way kube-apiserver converts its built-in definitions and a
custom resource's structural schema:

- `x-kubernetes-list-type` (`atomic`, `set`, `map` with `x-kubernetes-list-map-keys`)
  decides a list; without it, `x-kubernetes-patch-strategy: merge` makes the list
  associative, keyed by `x-kubernetes-patch-merge-key` or a set of scalars; anything else
  is atomic;
- `x-kubernetes-map-type` (`atomic`, `granular`) decides a map, also when set beside a
  reference to a named type (the field then sees a copy with that relationship);
- objects without properties, or under `x-kubernetes-preserve-unknown-fields`, accept any
  key with a deduced type; Quantity is an untyped scalar and RawExtension atomic.

Named types are compiled once, all of them, placeholder first, so recursive types
(JSONSchemaProps) tie back to themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ATOMIC = "atomic"
ASSOCIATIVE = "associative"
SEPARABLE = "separable"

NUMERIC, STRING, BOOLEAN, UNTYPED = "numeric", "string", "boolean", "untyped"

_QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
_RAW_EXTENSION = "io.k8s.apimachinery.pkg.runtime.RawExtension"

# Defaults of associative-list key fields. kube-apiserver reads them from its OpenAPI v3
# definitions (`+default=` markers); the v2 definitions bundled here do not carry defaults.
KEY_DEFAULTS: dict[tuple[str, str], Any] = {
    ("io.k8s.api.core.v1.ContainerPort", "protocol"): "TCP",
    ("io.k8s.api.core.v1.ServicePort", "protocol"): "TCP",
    ("io.k8s.api.core.v1.LocalObjectReference", "name"): "",
}


class SchemaError(ValueError):
    """An OpenAPI model that cannot be converted."""


class ListType:
    __slots__ = ("element", "keys", "relationship")

    def __init__(self, element: Atom, relationship: str = ATOMIC, keys: tuple[str, ...] = ()):
        self.element = element
        self.relationship = relationship
        self.keys = keys


class MapType:
    __slots__ = ("defaults", "element", "fields", "relationship")

    def __init__(
        self,
        fields: dict[str, Atom] | None = None,
        element: Atom | None = None,
        relationship: str = "",
        defaults: dict[str, Any] | None = None,
    ):
        self.fields: dict[str, Atom] = fields if fields is not None else {}
        self.element = element
        """The type of keys that are not struct fields; None: such keys are not allowed."""
        self.relationship = relationship
        self.defaults: dict[str, Any] = defaults if defaults is not None else {}

    def field_type(self, key: str) -> Atom | None:
        found = self.fields.get(key)
        return found if found is not None else self.element


class Atom:
    """One type: any of scalar / list / map may be set (all three for untyped values)."""

    __slots__ = ("list", "map", "name", "scalar")

    def __init__(
        self,
        scalar: str | None = None,
        list_: ListType | None = None,
        map_: MapType | None = None,
        name: str = "",
    ):
        self.scalar = scalar
        self.list = list_
        self.map = map_
        self.name = name

    def __repr__(self) -> str:
        return f"Atom({self.name or 'inlined'})"


def _untyped() -> tuple[Atom, Atom]:
    atomic = Atom(UNTYPED, name="__untyped_atomic_")
    atomic.list = ListType(atomic, ATOMIC)
    atomic.map = MapType(element=atomic, relationship=ATOMIC)
    deduced = Atom(UNTYPED, name="__untyped_deduced_")
    deduced.list = ListType(atomic, ATOMIC)
    deduced.map = MapType(element=deduced, relationship=SEPARABLE)
    return atomic, deduced


UNTYPED_ATOMIC, DEDUCED = _untyped()
EMPTY = Atom(name="")
"""What an empty type reference resolves to: no scalar, list or map (an invalid atom)."""


def with_relationship(atom: Atom, relationship: str) -> Atom:
    """upstream Schema.Resolve with an element-relationship override: a copy of the map (or,
    failing that, the list) with another relationship; scalars cannot be overridden."""
    if atom.map is not None:
        m = atom.map
        return Atom(atom.scalar, atom.list, MapType(m.fields, m.element, relationship, m.defaults), atom.name)
    if atom.list is not None:
        lt = atom.list
        return Atom(atom.scalar, ListType(lt.element, relationship, lt.keys), None, atom.name)
    raise SchemaError(f"schema error: no type found matching: {atom.name}")


class _Converter:
    def __init__(self, models: Mapping[str, Any], preserve_unknown_fields: bool):
        self.models = models
        self.preserve = preserve_unknown_fields
        self.named: dict[str, Atom] = {}
        self.pending_overrides: list[tuple[Atom, str, str]] = []
        self.errors: list[str] = []

    def convert_all(self) -> dict[str, Atom]:
        for name, model in self.models.items():
            if isinstance(model, dict) and not model.get("$ref"):
                self.named[name] = Atom(name=name)
        for name, atom in self.named.items():
            model = self.models[name]
            if name == _QUANTITY:
                atom.scalar = UNTYPED
            elif name == _RAW_EXTENSION:
                atom.scalar, atom.list, atom.map = (
                    UNTYPED_ATOMIC.scalar,
                    UNTYPED_ATOMIC.list,
                    UNTYPED_ATOMIC.map,
                )
            else:
                parsed = self.parse(model, self.preserve or _preserves(model), name)
                atom.scalar, atom.list, atom.map = parsed.scalar, parsed.list, parsed.map
        for placeholder, target, relationship in self.pending_overrides:
            try:
                copy = with_relationship(self.named[target], relationship)
            except SchemaError as exc:
                self.errors.append(str(exc))
                continue
            placeholder.scalar, placeholder.list, placeholder.map = copy.scalar, copy.list, copy.map
        if self.errors:
            raise SchemaError("\n".join(self.errors))
        return self.named

    def parse(self, schema: Mapping[str, Any], preserve: bool, owner: str) -> Atom:
        kind = schema.get("type") or ""
        if isinstance(kind, list):
            kind = kind[0] if kind else ""
        if kind == "":
            return Atom(
                UNTYPED, self.parse_list(schema, preserve, owner), self.parse_object(schema, preserve, owner)
            )
        if kind == "object":
            return Atom(map_=self.parse_object(schema, preserve, owner))
        if kind == "array":
            return Atom(list_=self.parse_list(schema, preserve, owner))
        if kind in ("integer", "number"):
            return Atom(NUMERIC)
        if kind == "boolean":
            return Atom(BOOLEAN)
        if kind == "string":
            return Atom(STRING if schema.get("format", "") in ("", "byte") else UNTYPED)
        self.errors.append(f"{owner}: unrecognized type: '{kind}'")
        return Atom(UNTYPED)

    def reference(self, schema: Mapping[str, Any], preserve: bool, owner: str) -> Atom:
        """upstream makeOpenAPIRef: a named type (maybe with a map-type override) or an inlined one."""
        ref = schema.get("$ref")
        if not ref and isinstance(schema.get("allOf"), list) and len(schema["allOf"]) == 1:
            ref = schema["allOf"][0].get("$ref") if isinstance(schema["allOf"][0], dict) else None
        if isinstance(ref, str) and ref.rsplit("/", 1)[-1]:
            name = ref.rsplit("/", 1)[-1]
            relationship = self.map_relationship(schema, owner)
            if name not in self.named:
                self.errors.append(f"{owner}: no type found matching: {name}")
                return Atom(UNTYPED)
            if relationship:
                placeholder = Atom(name=name)
                self.pending_overrides.append((placeholder, name, relationship))
                return placeholder
            return self.named[name]
        return self.parse(schema, preserve or _preserves(schema), f"inlined in {owner}")

    def parse_object(self, schema: Mapping[str, Any], preserve: bool, owner: str) -> MapType:
        properties = schema.get("properties") or {}
        fields: dict[str, Atom] = {}
        defaults: dict[str, Any] = {}
        for name, member in properties.items():
            fields[name] = self.reference(member, preserve, owner)
            if "default" in member:
                defaults[name] = member["default"]
            elif (owner, name) in KEY_DEFAULTS:
                defaults[name] = KEY_DEFAULTS[(owner, name)]
        extra = schema.get("additionalProperties")
        element: Atom | None
        if extra is None:
            element = DEDUCED if preserve or not properties else None
        elif isinstance(extra, dict):
            element = self.reference(extra, preserve, owner)
        else:
            element = DEDUCED if extra else None
        return MapType(fields, element, self.map_relationship(schema, owner), defaults)

    def parse_list(self, schema: Mapping[str, Any], preserve: bool, owner: str) -> ListType:
        relationship, keys = self.list_relationship(schema, owner)
        items = schema.get("items")
        if isinstance(items, dict):
            element = self.reference(items, preserve, owner)
        elif items is not None:
            self.errors.append(f"{owner}: structural schema arrays must have exactly one member subtype")
            element = DEDUCED
        else:
            if schema.get("type"):
                self.errors.append(f"{owner}: `items` must be specified on arrays")
            element = UNTYPED_ATOMIC
        return ListType(element, relationship, keys)

    def list_relationship(self, schema: Mapping[str, Any], owner: str) -> tuple[str, tuple[str, ...]]:
        list_type = schema.get("x-kubernetes-list-type")
        if list_type is not None:
            if list_type == "atomic":
                return ATOMIC, ()
            if list_type == "set":
                return ASSOCIATIVE, ()
            if list_type == "map":
                keys = schema.get("x-kubernetes-list-map-keys")
                if keys is None:
                    self.errors.append(f"{owner}: missing map keys")
                    return ASSOCIATIVE, ()
                return ASSOCIATIVE, tuple(k for k in keys if isinstance(k, str))
            self.errors.append(f"{owner}: unknown list type {list_type}")
            return ATOMIC, ()
        strategy = schema.get("x-kubernetes-patch-strategy")
        if strategy is None:
            return ATOMIC, ()
        if strategy in ("merge", "merge,retainKeys"):
            key = schema.get("x-kubernetes-patch-merge-key")
            return ASSOCIATIVE, ((key,) if isinstance(key, str) else ())
        if strategy != "retainKeys":
            self.errors.append(f"{owner}: unknown patch strategy {strategy}")
        return ATOMIC, ()

    def map_relationship(self, schema: Mapping[str, Any], owner: str) -> str:
        map_type = schema.get("x-kubernetes-map-type")
        if map_type is None:
            return ""
        if map_type == "atomic":
            return ATOMIC
        if map_type == "granular":
            return SEPARABLE
        self.errors.append(f"{owner}: unknown map type {map_type}")
        return ""


def _preserves(schema: Mapping[str, Any]) -> bool:
    return schema.get("x-kubernetes-preserve-unknown-fields") is True


def from_openapi(
    models: Mapping[str, Any], preserve_unknown_fields: bool = False, strict: bool = False
) -> dict[str, Atom]:
    """Every named model as an Atom. With strict, conversion problems raise SchemaError
    (upstream refuses the whole spec); otherwise they are lenient, as the types stay usable."""
    converter = _Converter(models, preserve_unknown_fields)
    try:
        return converter.convert_all()
    except SchemaError:
        if strict:
            raise
        converter.errors.clear()
        return converter.named


def from_smd_yaml(text: str) -> dict[str, Atom]:
    """Types written in structured-merge-diff's own YAML schema format (`types: - name: ...`),
    the form its test cases and hand-written schemas use."""
    import yaml

    doc = yaml.safe_load(text) or {}
    named: dict[str, Atom] = {d["name"]: Atom(name=d["name"]) for d in doc.get("types") or ()}
    named[UNTYPED_ATOMIC.name] = UNTYPED_ATOMIC
    named[DEDUCED.name] = DEDUCED
    overrides: list[tuple[Atom, Atom, str]] = []

    def ref(spec: Any) -> Atom | None:
        if not spec:
            return None
        if "namedType" in spec:
            target = named.get(spec["namedType"]) or Atom(name=spec["namedType"])
            relationship = spec.get("elementRelationship")
            if not relationship:
                return target
            placeholder = Atom(name=target.name)
            overrides.append((placeholder, target, relationship))
            return placeholder
        return atom(spec)

    def atom(spec: dict[str, Any], into: Atom | None = None) -> Atom:
        out = into if into is not None else Atom()
        out.scalar = spec.get("scalar")
        if "list" in spec:
            lt = spec["list"] or {}
            out.list = ListType(
                ref(lt.get("elementType")) or EMPTY,
                lt.get("elementRelationship") or ATOMIC,
                tuple(lt.get("keys") or ()),
            )
        if "map" in spec:
            mt = spec["map"] or {}
            fields = {f["name"]: ref(f.get("type")) or EMPTY for f in mt.get("fields") or ()}
            defaults = {f["name"]: f["default"] for f in mt.get("fields") or () if "default" in f}
            out.map = MapType(
                fields, ref(mt.get("elementType")), mt.get("elementRelationship") or "", defaults
            )
        return out

    for definition in doc.get("types") or ():
        if definition["name"] in (UNTYPED_ATOMIC.name, DEDUCED.name):
            continue
        atom(definition, named[definition["name"]])
    for placeholder, target, relationship in overrides:
        copy = with_relationship(target, relationship)
        placeholder.scalar, placeholder.list, placeholder.map = copy.scalar, copy.list, copy.map
    return named
