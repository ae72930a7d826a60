"""The first benchmark: create, get, list and watch delivery on the embedded SQLite store.

Run: `make bench` (or `python bench/core.py`). Prints medians of several rounds; compare
figures only within one run on the same machine.
"""

from __future__ import annotations

import asyncio
import json
import time

from common import client, median, start_server

OBJECTS = 500
CONCURRENCY = 16
ROUNDS = 3


def configmap(name: str) -> dict[str, object]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": {"bench": "yes"}},
            "data": {"key": "x" * 200}}


async def _bounded(tasks: list, limit: int) -> None:  # type: ignore[type-arg]
    semaphore = asyncio.Semaphore(limit)

    async def run_one(factory):  # type: ignore[no-untyped-def]
        async with semaphore:
            await factory()

    await asyncio.gather(*(run_one(t) for t in tasks))


async def round_trip(server, round_no: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    results: dict[str, float] = {}
    async with client(server, CONCURRENCY) as http:
        ns = f"bench-{round_no}"
        await (await http.post("/api/v1/namespaces", json={"metadata": {"name": ns}})).release()
        base = f"/api/v1/namespaces/{ns}/configmaps"

        def creator(i: int):  # type: ignore[no-untyped-def]
            async def go() -> None:
                response = await http.post(base, json=configmap(f"cm-{i}"))
                assert response.status == 201, await response.text()
                await response.release()
            return go

        started = time.perf_counter()
        await _bounded([creator(i) for i in range(OBJECTS)], CONCURRENCY)
        results["create/s"] = OBJECTS / (time.perf_counter() - started)

        def getter(i: int):  # type: ignore[no-untyped-def]
            async def go() -> None:
                response = await http.get(f"{base}/cm-{i}")
                assert response.status == 200
                await response.read()
            return go

        started = time.perf_counter()
        await _bounded([getter(i) for i in range(OBJECTS)], CONCURRENCY)
        results["get/s"] = OBJECTS / (time.perf_counter() - started)

        timings = []
        for _ in range(10):
            started = time.perf_counter()
            response = await http.get(base)
            body = await response.read()
            timings.append(time.perf_counter() - started)
            assert len(json.loads(body)["items"]) == OBJECTS
        results[f"list {OBJECTS} ms"] = median(timings) * 1000

        results["watch latency ms"] = await watch_latency(http, base) * 1000
    return results


async def watch_latency(http, base: str) -> float:  # type: ignore[no-untyped-def]
    """Time from a write's acknowledgement to its event arriving on an open watch."""
    latencies = []
    response = await http.get(base, params={"watch": "1", "resourceVersion": "0", "timeoutSeconds": "60"})
    stream = response.content
    rv_now = None
    async def next_event() -> dict:  # type: ignore[type-arg]
        line = await stream.readline()
        return json.loads(line)
    # drain the initial ADDED events
    listed = await http.get(base)
    count = len(json.loads(await listed.read())["items"])
    for _ in range(count):
        await next_event()
    for i in range(50):
        started = time.perf_counter()
        created = await http.post(base, json=configmap(f"w-{i}"))
        assert created.status == 201
        await created.release()
        event = await next_event()
        latencies.append(time.perf_counter() - started)
        rv_now = event["object"]["metadata"]["resourceVersion"]
    response.close()
    assert rv_now
    return median(latencies)


def readiness(runs: int = 5) -> None:
    """Time to ready on a new data directory and on restart, and idle memory: medians of `runs`."""
    start_server().stop()  # warm the bytecode cache, as an installed package has it
    fresh, restarted, rss = [], [], []
    for _ in range(runs):
        server = start_server()
        fresh.append(server.ready_seconds)
        server.stop()
        server = start_server(data_dir=server.data_dir)
        restarted.append(server.ready_seconds)
        time.sleep(1)
        rss.append(server.rss_kib() / 1024)
        server.stop()
    print(f"time to ready: new data dir median {median(fresh) * 1000:.0f} ms, restart median "
          f"{median(restarted) * 1000:.0f} ms; idle RSS median {median(rss):.1f} MiB")


def main() -> None:
    readiness()
    server = start_server()
    try:
        rounds = [asyncio.run(round_trip(server, r)) for r in range(ROUNDS)]
        for key in rounds[0]:
            print(f"{key:>22}: median {median([r[key] for r in rounds]):.1f}")
        print(f"RSS after {ROUNDS * (OBJECTS + 50)} configmaps: {server.rss_kib() / 1024:.1f} MiB")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
