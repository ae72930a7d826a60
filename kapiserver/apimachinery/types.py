"""Objects are plain dicts; these are typed views over the parts the machinery touches.

A Kubernetes object is the dict orjson decodes from its JSON form, the same "unstructured"
shape custom resources need anyway, so built-in and custom kinds share one code path.
The TypedDicts below document the keys the server reads; they are never instantiated.
"""

from __future__ import annotations

from typing import Any, TypeAlias, TypedDict

Object: TypeAlias = dict[str, Any]


class OwnerReference(TypedDict, total=False):
    apiVersion: str
    kind: str
    name: str
    uid: str
    controller: bool
    blockOwnerDeletion: bool


class ObjectMeta(TypedDict, total=False):
    name: str
    generateName: str
    namespace: str
    uid: str
    resourceVersion: str
    generation: int
    creationTimestamp: str
    deletionTimestamp: str
    deletionGracePeriodSeconds: int
    labels: dict[str, str]
    annotations: dict[str, str]
    ownerReferences: list[OwnerReference]
    finalizers: list[str]
    managedFields: list[Object]


class TypedObject(TypedDict, total=False):
    apiVersion: str
    kind: str
    metadata: ObjectMeta
