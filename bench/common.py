"""Shared helpers for benchmarks: start a real server, talk to it with a client certificate."""

from __future__ import annotations

import asyncio
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import yaml

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    data_dir: Path
    url: str
    ssl_context: ssl.SSLContext
    ready_seconds: float

    def rss_kib(self) -> int:
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _context(kubeconfig: Path, directory: Path) -> tuple[str, ssl.SSLContext]:
    import base64

    config = yaml.safe_load(kubeconfig.read_text())
    cluster = config["clusters"][0]["cluster"]
    user = config["users"][0]["user"]
    files = {}
    for name, data in (("ca", cluster["certificate-authority-data"]), ("cert", user["client-certificate-data"]),
                       ("key", user["client-key-data"])):
        path = directory / f"bench-{name}.pem"
        path.write_bytes(base64.b64decode(data))
        files[name] = path
    context = ssl.create_default_context(cafile=str(files["ca"]))
    context.load_cert_chain(str(files["cert"]), str(files["key"]))
    return cluster["server"], context


def start_server(*extra: str, data_dir: Path | None = None) -> Server:
    """Start kapiserver (on a new data directory unless one is given) and wait for /readyz.

    Bytecode caching stays on, as for an installed package, whatever this shell says."""
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="kapiserver-bench-"))
    (data_dir / "admin.kubeconfig").unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(REPO)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "kapiserver", "--secure-port", "0", "--data-dir",
                                str(data_dir), *extra], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    kubeconfig = data_dir / "admin.kubeconfig"
    while not kubeconfig.exists():
        if process.poll() is not None:
            raise RuntimeError("server exited")
        time.sleep(0.005)
    url, context = _context(kubeconfig, data_dir)
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context))
    while True:
        try:
            with opener.open(url + "/readyz", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.005)
    return Server(process, data_dir, url, context, time.perf_counter() - started)


def client(server: Server, limit: int = 100) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(ssl=server.ssl_context, limit=limit)
    return aiohttp.ClientSession(server.url, connector=connector)


def median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else 0.0


async def timed(coro: Any) -> float:
    started = time.perf_counter()
    await coro
    return time.perf_counter() - started


def run(coro: Any) -> Any:
    return asyncio.run(coro)
