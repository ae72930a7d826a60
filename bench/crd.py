"""Custom resource benchmark: create throughput with CEL validation rules against the same schema without.

Two CRDs share one structural schema; the second adds `x-kubernetes-validations` rules at the
root, on the spec, on a list and on its items (a transition rule among them). Rounds alternate
between the two kinds (in turn first) against one server, so both see the same machine. ConfigMap creates are
timed alongside as a built-in reference.

Run: `python bench/crd.py`. Figures are medians over ROUNDS rounds of this one run; compare only
figures from the same run.
"""

from __future__ import annotations

import asyncio
import copy
import json
import time
from typing import Any

import aiohttp
from common import Server, client, median, start_server

ROUNDS = 6
OBJECTS = 500
CONCURRENCY = 16
GROUP = "bench.example.com"

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "spec": {
            "type": "object",
            "required": ["replicas", "image"],
            "properties": {
                "replicas": {"type": "integer", "minimum": 0, "maximum": 100},
                "maxReplicas": {"type": "integer"},
                "image": {"type": "string", "maxLength": 200},
                "mode": {"type": "string", "enum": ["fast", "safe"]},
                "ports": {
                    "type": "array", "maxItems": 16, "x-kubernetes-list-type": "map",
                    "x-kubernetes-list-map-keys": ["name"],
                    "items": {"type": "object", "required": ["name", "port"], "properties": {
                        "name": {"type": "string", "maxLength": 15},
                        "port": {"type": "integer"}}},
                },
            },
        },
        "status": {"type": "object", "properties": {"ready": {"type": "integer"}}},
    },
}

RULES = {
    "spec": [
        {"rule": "self.replicas <= self.maxReplicas", "message": "replicas must not exceed maxReplicas"},
        {"rule": "self.image.startsWith('registry.example.com/')", "messageExpression":
            "'image ' + self.image + ' is not from the registry'"},
        {"rule": "self.mode == oldSelf.mode", "message": "mode is immutable"},
    ],
    "ports": [{"rule": "self.all(p, p.port > 1024)", "message": "ports must be unprivileged"}],
    "item": [{"rule": "self.name.matches('^[a-z]+$')", "reason": "FieldValueInvalid"}],
}


def with_rules(schema: dict[str, Any]) -> dict[str, Any]:
    ruled = copy.deepcopy(schema)
    spec = ruled["properties"]["spec"]
    spec["x-kubernetes-validations"] = RULES["spec"]
    spec["properties"]["ports"]["x-kubernetes-validations"] = RULES["ports"]
    spec["properties"]["ports"]["items"]["x-kubernetes-validations"] = RULES["item"]
    return ruled


def crd(plural: str, kind: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{GROUP}"},
        "spec": {"group": GROUP, "scope": "Namespaced",
                 "names": {"plural": plural, "singular": kind.lower(), "kind": kind, "listKind": kind + "List"},
                 "versions": [{"name": "v1", "served": True, "storage": True,
                               "schema": {"openAPIV3Schema": schema}, "subresources": {"status": {}}}]},
    }


KINDS = {"without rules": ("plains", "Plain", SCHEMA), "with CEL rules": ("ruleds", "Ruled", with_rules(SCHEMA))}


def custom_object(kind: str, name: str) -> dict[str, Any]:
    return {"apiVersion": f"{GROUP}/v1", "kind": kind, "metadata": {"name": name},
            "spec": {"replicas": 2, "maxReplicas": 5, "image": "registry.example.com/app:1.0", "mode": "safe",
                     "ports": [{"name": "http", "port": 8080}, {"name": "metrics", "port": 9090}]}}


async def setup(server: Server) -> None:
    async with client(server) as http:
        for plural, kind, schema in KINDS.values():
            async with http.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                                 json=crd(plural, kind, schema)) as response:
                assert response.status == 201, await response.text()
        for plural, _, _ in KINDS.values():
            while True:
                async with http.get(f"/apis/{GROUP}/v1/namespaces/default/{plural}") as response:
                    if response.status == 200:
                        break
                await asyncio.sleep(0.05)
        refused = custom_object("Ruled", "refused")
        refused["spec"]["replicas"] = 9
        async with http.post(f"/apis/{GROUP}/v1/namespaces/default/ruleds", json=refused) as response:
            assert response.status == 422 and "replicas must not exceed" in await response.text()  # the rules run


async def create_many(http: aiohttp.ClientSession, path: str, make: Any, count: int) -> float:
    """Creates per second of `count` objects at CONCURRENCY in flight."""
    queue = iter(range(count))

    async def worker() -> None:
        for i in queue:
            async with http.post(path, data=json.dumps(make(i)),
                                 headers={"Content-Type": "application/json"}) as response:
                assert response.status == 201, await response.text()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return count / (time.perf_counter() - started)


async def one_round(server: Server, r: int) -> dict[str, float]:
    rates = {}
    async with client(server) as http:
        labels = list(KINDS) if r % 2 == 0 else list(reversed(KINDS))  # neither kind always goes first
        for label in labels:
            plural, kind, _ = KINDS[label]
            rates[label] = await create_many(http, f"/apis/{GROUP}/v1/namespaces/default/{plural}",
                                             lambda i, kind=kind: custom_object(kind, f"r{r}-{i}"), OBJECTS)
        rates["ConfigMap (reference)"] = await create_many(
            http, "/api/v1/namespaces/default/configmaps",
            lambda i: {"metadata": {"name": f"r{r}-{i}"}, "data": {"k": "v"}}, OBJECTS)
    return rates


def main() -> None:
    server = start_server()
    try:
        asyncio.run(setup(server))
        rounds = [asyncio.run(one_round(server, r)) for r in range(ROUNDS)]
        medians = {key: median([r[key] for r in rounds]) for key in rounds[0]}
        print(f"creates/s, {OBJECTS} objects at concurrency {CONCURRENCY}, median of {ROUNDS} rounds")
        for key, value in medians.items():
            print(f"  {key:>22}: {value:7.1f}")
        print(f"  with rules / without: {medians['with CEL rules'] / medians['without rules']:.2f}x")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
