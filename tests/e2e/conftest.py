"""Fixtures for the e2e suite: a real kapiserver per xdist worker, a fresh one per durability test,
and one namespace per test so tests never see each other's objects.

A failing test gets the server's log lines written during that test attached to its report.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import pytest
from harness import Server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The shared server of this xdist worker (tests must not restart or kill it)."""
    srv = Server(tmp_path_factory.mktemp("server"))
    try:
        srv.start()
        yield srv
    finally:
        srv.close()


@pytest.fixture
def fresh_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of this test's own, free to restart() and kill()."""
    srv = Server(tmp_path_factory.mktemp("fresh"))
    try:
        srv.start()
        yield srv
    finally:
        srv.close()


def _namespace_name(test_name: str) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", test_name.lower().removeprefix("test_")).strip("-")[:40].strip("-")
    return f"e2e-{stem}-{secrets.token_hex(3)}"


@pytest.fixture
def ns(server: Server, request: pytest.FixtureRequest) -> str:
    """A new namespace on the shared server, named after the test."""
    name = _namespace_name(request.node.name)
    answer = server.request(
        "POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
    )
    assert answer.status == 201, answer.body
    return name


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    funcargs = getattr(item, "funcargs", {})
    item.stash[_LOG_START] = {id(v): (v, v.log_size()) for v in funcargs.values() if isinstance(v, Server)}
    yield


_LOG_START = pytest.StashKey[dict[int, tuple[Server, int]]]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    for srv, start in item.stash.get(_LOG_START, {}).values():
        report.sections.append((f"kapiserver log ({srv.base.name})", srv.log_tail(start) or "(empty)"))
