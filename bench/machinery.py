"""API machinery benchmark: write verbs on one object, watch fan-out, lists with and without the cache.

(a) server-side apply of a ConfigMap (one key changes each time) against JSON merge patch,
    strategic merge patch and PUT of the same object, at concurrency 1 and 16 (and, as a
    control, merge patches at concurrency 16 spread over 16 objects);
(b) watch delivery with 100 concurrent watchers of one resource: time from a write's
    acknowledgement until all 100 have its event (median and p99);
(c) a list of 1000 objects from a server with the watch cache and one with --watch-cache=false,
    side by side.

Run: `python bench/machinery.py`. Every figure is a median over ROUNDS rounds measured in this
one run against real servers on this machine; compare only figures from the same run (the
client shares the machine's cores with the server).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from common import Server, client, median, start_server

ROUNDS = 3
WRITES = 300
CONCURRENCY = (1, 16)
WATCHERS = 100
WATCH_WRITES = 100
LIST_OBJECTS = 1000
LIST_REPEATS = 15

JSON = "application/json"
MERGE = "application/merge-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"
APPLY = "application/apply-patch+yaml"


def configmap(name: str, value: str, namespace: str = "") -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": {"key": value, "pad": "x" * 200}}


async def ensure_namespace(http: aiohttp.ClientSession, name: str) -> None:
    async with http.post("/api/v1/namespaces", json={"metadata": {"name": name}}) as response:
        assert response.status in (201, 409), await response.text()


async def bounded(count: int, limit: int, one: Callable[[int], Awaitable[None]]) -> float:
    """Run one(i) for i < count with at most `limit` in flight; returns operations per second."""
    semaphore = asyncio.Semaphore(limit)

    async def run(i: int) -> None:
        async with semaphore:
            await one(i)

    started = time.perf_counter()
    await asyncio.gather(*(run(i) for i in range(count)))
    return count / (time.perf_counter() - started)


# -- (a) writes to one object ----------------------------------------------------------------------


def writer(http: aiohttp.ClientSession, path: str, verb: str) -> Callable[[int], Awaitable[None]]:
    """A request that changes the one key to a new value, by `verb`."""

    async def one(i: int) -> None:
        value = f"v{i}-{time.perf_counter_ns()}"
        if verb == "apply":
            body = json.dumps(configmap("target", value))
            # force: the other verbs (manager "Python", from aiohttp's User-Agent) take the key back each time.
            request = http.patch(f"{path}?fieldManager=bench&force=true", data=body, headers={"Content-Type": APPLY})
        elif verb == "merge":
            request = http.patch(path, data=json.dumps({"data": {"key": value}}), headers={"Content-Type": MERGE})
        elif verb == "strategic":
            request = http.patch(path, data=json.dumps({"data": {"key": value}}), headers={"Content-Type": STRATEGIC})
        else:  # PUT without resourceVersion: an unconditional update, so concurrent writers never conflict
            request = http.put(path, data=json.dumps(configmap("target", value)), headers={"Content-Type": JSON})
        async with request as response:
            assert response.status == 200, await response.text()
            await response.read()

    return one


async def write_rates(server: Server, round_no: int) -> dict[str, float]:
    results: dict[str, float] = {}
    async with client(server, max(CONCURRENCY)) as http:
        ns = f"bench-writes-{round_no}"
        await ensure_namespace(http, ns)
        path = f"/api/v1/namespaces/{ns}/configmaps/target"
        async with http.post(f"/api/v1/namespaces/{ns}/configmaps", json=configmap("target", "0")) as response:
            assert response.status == 201, await response.text()
        for concurrency in CONCURRENCY:
            for verb in ("apply", "merge", "strategic", "put"):
                rate = await bounded(WRITES, concurrency, writer(http, path, verb))
                results[f"{verb} c={concurrency} /s"] = rate
        # Control: the same merge patches spread over 16 objects, so writers rarely race.
        for i in range(16):
            async with http.post(f"/api/v1/namespaces/{ns}/configmaps", json=configmap(f"spread-{i}", "0")) as response:
                assert response.status == 201, await response.text()
        spread = [writer(http, f"/api/v1/namespaces/{ns}/configmaps/spread-{i}", "merge") for i in range(16)]
        rate = await bounded(WRITES, max(CONCURRENCY), lambda i: spread[i % 16](i))
        results[f"merge c={max(CONCURRENCY)} over 16 objects /s"] = rate
    return results


# -- (b) watch fan-out -----------------------------------------------------------------------------


async def watch_fanout(server: Server, round_no: int) -> dict[str, float]:
    """Latency from a create's acknowledgement until every watcher has read its event."""
    ns = f"bench-watch-{round_no}"
    base = f"/api/v1/namespaces/{ns}/configmaps"
    received: list[dict[bytes, float]] = [{} for _ in range(WATCHERS)]
    async with client(server, WATCHERS + 4) as http:
        await ensure_namespace(http, ns)
        async with http.get(base) as listed:
            start = json.loads(await listed.read())["metadata"]["resourceVersion"]
        ready = 0
        all_ready = asyncio.Event()

        async def watcher(index: int) -> None:
            nonlocal ready
            params = {"watch": "1", "resourceVersion": start, "timeoutSeconds": "600"}
            async with http.get(base, params=params) as response:
                assert response.status == 200
                ready += 1
                if ready == WATCHERS:
                    all_ready.set()
                seen = received[index]
                async for line in response.content:
                    # Find the name without decoding the whole event: 100 watchers share the client's core.
                    at = line.find(b'"name":"w-')
                    if at >= 0:
                        seen[line[at + 8 : line.index(b'"', at + 8)]] = time.perf_counter()

        tasks = [asyncio.create_task(watcher(i)) for i in range(WATCHERS)]
        await asyncio.wait_for(all_ready.wait(), 60)
        await asyncio.sleep(0.5)  # every watch registered on the server
        latencies = []
        for i in range(WATCH_WRITES):
            name = f"w-{i}".encode()
            async with http.post(base, json=configmap(name.decode(), str(i))) as response:
                assert response.status == 201
                await response.read()
            acknowledged = time.perf_counter()
            deadline = acknowledged + 30
            while any(name not in seen for seen in received):
                assert time.perf_counter() < deadline, "watchers did not receive the event"
                await asyncio.sleep(0.0005)
            latencies.append(max(seen[name] for seen in received) - acknowledged)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    latencies.sort()
    return {
        "watch x100 median ms": median(latencies) * 1000,
        "watch x100 p99 ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


# -- (c) lists with and without the watch cache ------------------------------------------------------


async def fill(server: Server, ns: str) -> None:
    async with client(server, 16) as http:
        await ensure_namespace(http, ns)

        async def create(i: int) -> None:
            async with http.post(f"/api/v1/namespaces/{ns}/configmaps", json=configmap(f"cm-{i:04d}", str(i))) as r:
                assert r.status == 201, await r.text()

        await bounded(LIST_OBJECTS, 16, create)


async def list_times(server: Server, ns: str) -> dict[str, float]:
    results: dict[str, float] = {}
    async with client(server, 4) as http:
        for label, params in (("consistent", {}), ("rv=0", {"resourceVersion": "0"})):
            timings = []
            for _ in range(LIST_REPEATS):
                started = time.perf_counter()
                async with http.get(f"/api/v1/namespaces/{ns}/configmaps", params=params) as response:
                    body = await response.read()
                timings.append(time.perf_counter() - started)
                assert len(json.loads(body)["items"]) == LIST_OBJECTS
            results[f"list {LIST_OBJECTS} {label} ms"] = median(timings) * 1000
    return results


# -- report ----------------------------------------------------------------------------------------


def report(title: str, rounds: list[dict[str, float]]) -> dict[str, float]:
    medians = {key: median([r[key] for r in rounds]) for key in rounds[0]}
    print(title)
    for key, value in medians.items():
        print(f"  {key:>28}: {value:9.1f}")
    return medians


def main() -> None:
    cached = start_server()
    uncached = start_server("--watch-cache=false")
    try:
        writes = report("(a) writes to one ConfigMap, requests/s", [asyncio.run(write_rates(cached, r)) for r in range(ROUNDS)])
        for concurrency in CONCURRENCY:
            apply_rate = writes[f"apply c={concurrency} /s"]
            ratios = ", ".join(
                f"{verb} {writes[f'{verb} c={concurrency} /s'] / apply_rate:.2f}x" for verb in ("merge", "strategic", "put")
            )
            print(f"  c={concurrency}, relative to apply: {ratios}")
        report(f"(b) watch delivery to {WATCHERS} watchers", [asyncio.run(watch_fanout(cached, r)) for r in range(ROUNDS)])
        asyncio.run(fill(cached, "bench-list"))
        asyncio.run(fill(uncached, "bench-list"))
        with_cache = report("(c) list with the watch cache", [asyncio.run(list_times(cached, "bench-list")) for _ in range(ROUNDS)])
        without = report("    list with --watch-cache=false", [asyncio.run(list_times(uncached, "bench-list")) for _ in range(ROUNDS)])
        for key in with_cache:
            print(f"  {key}: without cache / with cache = {without[key] / with_cache[key]:.2f}x")
    finally:
        cached.stop()
        uncached.stop()


if __name__ == "__main__":
    main()
