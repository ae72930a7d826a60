"""Server-side apply and metadata.managedFields (structured-merge-diff v6 and
k8s.io/apimachinery/pkg/util/managedfields, as kube-apiserver v1.35 uses them).

Modules, bottom up:

- value.py        JSON values as path parts: order, equality, Go's printing and JSON
- fieldpath.py    path elements, paths, and Set (a trie of paths) with its algebra
- fieldsv1.py     Set <-> the FieldsV1 JSON of managedFields entries
- schema.py       the merge schema (Atom) and its construction from OpenAPI models
- typed.py        validation and field sets of values read through a schema
- compare.py      which fields differ between two values
- merge.py        merging an applied configuration; removing items
- reconcile.py    old field sets brought in line with a changed schema
- gotyped.py      a built-in object as its Go struct encodes it
- typeconverter.py  schema sources: built-in definitions, custom resources, deduced
- updater.py      ownership for updates, merge + prune + conflicts for applies
- managed.py      metadata.managedFields entries <-> ownership
- conflict.py     the 409 of a conflicting apply
- managers.py, lastapplied.py  the layers of the default field manager
- fieldmanager.py FieldManager, its construction, and the helpers the handlers call
"""

from __future__ import annotations

from . import typeconverter
from .conflict import new_conflict_error
from .fieldmanager import (
    FieldManager,
    check_after_admission,
    ignore_managed_fields_timestamps,
    internal_error,
    managed_fields_of,
    new_default_field_manager,
    reset_field_sets,
)
from .fieldpath import Set, make_path, path_string
from .fieldsv1 import fields_to_set, set_to_fields
from .managed import validate_managed_fields
from .typeconverter import (
    DeducedTypeConverter,
    OpenAPITypeConverter,
    TypeConverter,
    builtin,
    for_custom_resource,
)

__all__ = [
    "DeducedTypeConverter",
    "FieldManager",
    "OpenAPITypeConverter",
    "Set",
    "TypeConverter",
    "builtin",
    "check_after_admission",
    "fields_to_set",
    "for_custom_resource",
    "ignore_managed_fields_timestamps",
    "internal_error",
    "make_path",
    "managed_fields_of",
    "new_conflict_error",
    "new_default_field_manager",
    "path_string",
    "reset_field_sets",
    "set_to_fields",
    "typeconverter",
    "validate_managed_fields",
]
