"""A real kapiserver process, and the ways users talk to it (kubectl, helm, the Python client, raw HTTPS).

Nothing here imitates the server: every helper drives the process started from
`python -m kapiserver` exactly as a user on the same machine would. The server picks its own
port (`--secure-port 0`) and writes it into `<data-dir>/admin.kubeconfig`; that file and the
client certificate in it are the only things the harness reads from the server's side.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import queue
import re
import signal
import ssl
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

import yaml
from tools import REPO, tool

START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
CLIENT_TIMEOUT = 60.0


@dataclass
class Response:
    """One raw HTTP answer: status, headers (lower-cased names) and the body bytes."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Stream:
    """A long-running client process (e.g. `kubectl get -w`) whose output lines we read with deadlines."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True, start_new_session=True
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.stderr = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next_line(self, timeout: float = 20.0) -> str:
        """The next output line; fails the test if none comes in time or the process ended."""
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no output line within {timeout}s from {self.proc.args}") from None
        if line is None:
            raise AssertionError(f"{self.proc.args} ended (rc={self.proc.poll()}): {self._err()}")
        return line

    def _err(self) -> str:
        if self.proc.poll() is not None and self.proc.stderr is not None and not self.stderr:
            self.stderr = self.proc.stderr.read()
        return self.stderr

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class Server:
    """One kapiserver process on its own data dir; restartable on the same data."""

    base: Path
    extra_args: tuple[str, ...] = ()
    proc: subprocess.Popen[bytes] | None = None
    url: str = ""
    _ssl: ssl.SSLContext | None = None
    _api: Any = None
    _log_handle: Any = field(default=None, repr=False)

    @property
    def data_dir(self) -> Path:
        return self.base / "data"

    @property
    def kubeconfig(self) -> Path:
        return self.data_dir / "admin.kubeconfig"

    @property
    def log_path(self) -> Path:
        return self.base / "server.log"

    @property
    def home(self) -> Path:
        """HOME for client processes: keeps kubectl's discovery cache and helm's state per server."""
        return self.base / "home"

    # -- lifecycle -------------------------------------------------------------------------------------

    def start(self) -> Server:
        self.home.mkdir(parents=True, exist_ok=True)
        self.kubeconfig.unlink(missing_ok=True)  # a restart rewrites it with the new port
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
        argv = [
            sys.executable,
            "-m",
            "kapiserver",
            "--secure-port",
            "0",
            "--bind-address",
            "127.0.0.1",
            "--data-dir",
            str(self.data_dir),
            *self.extra_args,
        ]
        self._log_handle = open(self.log_path, "ab")  # noqa: SIM115 - lives as long as the process
        self._log_handle.write(f"\n=== start: {' '.join(argv)}\n".encode())
        self._log_handle.flush()
        self.proc = subprocess.Popen(
            argv, stdout=self._log_handle, stderr=subprocess.STDOUT, env=env, cwd=REPO, start_new_session=True
        )
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kapiserver exited with {self.proc.returncode}:\n{self.log_tail()}")
            if self.kubeconfig.exists():
                self._load_kubeconfig()
                try:
                    ready = self.request("GET", "/readyz")
                    if ready.status == 200 and ready.body == b"ok":
                        return
                except OSError:
                    pass
            time.sleep(0.05)
        raise RuntimeError(f"kapiserver not ready within {START_TIMEOUT}s:\n{self.log_tail()}")

    def _load_kubeconfig(self) -> None:
        config = yaml.safe_load(self.kubeconfig.read_text())
        cluster = config["clusters"][0]["cluster"]
        user = config["users"][0]["user"]
        pki = self.base / "client"
        pki.mkdir(exist_ok=True)
        for name, data in (
            ("ca.crt", cluster["certificate-authority-data"]),
            ("admin.crt", user["client-certificate-data"]),
            ("admin.key", user["client-key-data"]),
        ):
            (pki / name).write_bytes(base64.b64decode(data))
        context = ssl.create_default_context(cafile=str(pki / "ca.crt"))
        context.load_cert_chain(str(pki / "admin.crt"), str(pki / "admin.key"))
        self._ssl = context
        self.url = cluster["server"]
        self._close_api()

    def stop(self) -> int:
        """SIGTERM and wait; returns the exit code (0 is a clean shutdown)."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"kapiserver did not exit within {STOP_TIMEOUT}s of SIGTERM") from None
        finally:
            self._after_exit()
        return code

    def kill(self) -> None:
        """SIGKILL: no shutdown at all, as a crash or an OOM kill."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait()
        self._after_exit()

    def restart(self) -> int:
        """Graceful stop (returns its exit code), then start on the same data dir."""
        code = self.stop()
        self.start()
        return code

    def _after_exit(self) -> None:
        self._close_api()
        if self._log_handle is not None:
            self._log_handle.close()
            self._log_handle = None

    def close(self) -> None:
        """Teardown: always leaves no process behind."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._after_exit()

    def log_tail(self, start: int = 0, limit: int = 20000) -> str:
        try:
            with open(self.log_path, "rb") as handle:
                handle.seek(start)
                data = handle.read()
        except FileNotFoundError:
            return ""
        text = data.decode(errors="replace")
        return text if len(text) <= limit else "...\n" + text[-limit:]

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except FileNotFoundError:
            return 0

    # -- clients ---------------------------------------------------------------------------------------

    def client_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KUBE", "HELM_"))}
        env.update(KUBECONFIG=str(self.kubeconfig), HOME=str(self.home), NO_COLOR="1", KUBECTL_KUBERC="false")
        return env

    def kubectl(
        self, *args: str, input: str | None = None, check: bool = True, timeout: float = CLIENT_TIMEOUT
    ) -> subprocess.CompletedProcess[str]:
        """Run kubectl v1.35 against this server; check=True fails the test on a non-zero exit."""
        return self._run(tool("kubectl"), args, input, check, timeout)

    def helm(
        self, *args: str, input: str | None = None, check: bool = True, timeout: float = CLIENT_TIMEOUT
    ) -> subprocess.CompletedProcess[str]:
        """Run helm v4 against this server."""
        return self._run(tool("helm"), args, input, check, timeout)

    def _run(
        self, binary: str, args: tuple[str, ...], input: str | None, check: bool, timeout: float
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [binary, *args],
            check=False,
            input=input,
            capture_output=True,
            text=True,
            env=self.client_env(),
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"{Path(binary).name} {' '.join(args)} exited {result.returncode}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result

    def kubectl_stream(self, *args: str) -> Stream:
        """Start a long-running kubectl (e.g. `get -w`); use as a context manager."""
        return Stream([tool("kubectl"), *args], self.client_env())

    @property
    def api(self) -> Any:
        """A `kubernetes` ApiClient configured from admin.kubeconfig (rebuilt after a restart)."""
        if self._api is None:
            from kubernetes import config

            self._api = config.new_client_from_config(config_file=str(self.kubeconfig))
        return self._api

    def _close_api(self) -> None:
        if self._api is not None:
            self._api.close()
            self._api = None

    def request(
        self,
        method: str,
        path: str,
        body: bytes | str | dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        cert: bool = True,
        timeout: float = CLIENT_TIMEOUT,
    ) -> Response:
        """One raw HTTPS request, with the admin client certificate unless cert=False.

        A dict body is sent as JSON with Content-Type application/json unless headers say otherwise.
        """
        assert self._ssl is not None, "server not started"
        headers = dict(headers or {})
        if isinstance(body, dict):
            body = json.dumps(body)
            headers.setdefault("Content-Type", "application/json")
        if isinstance(body, str):
            body = body.encode()
        context = self._ssl
        if not cert:
            context = ssl.create_default_context(cafile=str(self.base / "client" / "ca.crt"))
        parts = urlsplit(self.url)
        conn = http.client.HTTPSConnection(
            parts.hostname or "127.0.0.1", parts.port, context=context, timeout=timeout
        )
        try:
            conn.request(method, path, body=body, headers=headers)
            answer = conn.getresponse()
            data = answer.read()
            return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, data)
        finally:
            conn.close()

    def served_resources(self, group_version: str = "v1") -> set[str]:
        """Plural names served in a group version, read from discovery."""
        path = "/api/v1" if group_version == "v1" else f"/apis/{group_version}"
        answer = self.request("GET", path)
        if answer.status != 200:
            return set()
        return {r["name"] for r in answer.json().get("resources", [])}


def parse_table(text: str, spaced_headers: bool = False) -> tuple[list[str], list[dict[str, str]]]:
    """Split kubectl's column output into (header names, rows keyed by header).

    Cells are read at the header's column offsets, so empty cells (e.g. no SHORTNAMES) stay empty.
    With `spaced_headers`, a header name may hold single spaces ("NOMINATED NODE"): names are
    then separated by two or more.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return [], []
    header = lines[0]
    names = re.split(r" {2,}", header.strip()) if spaced_headers else header.split()
    starts = []
    position = 0
    for name in names:
        position = header.index(name, position)
        starts.append(position)
        position += len(name)
    rows = []
    for line in lines[1:]:
        cells = {}
        for i, name in enumerate(names):
            end = starts[i + 1] if i + 1 < len(names) else None
            cells[name] = line[starts[i] : end].strip()
        rows.append(cells)
    return names, rows


def get_json(server: Server, *args: str) -> Any:
    """`kubectl get ... -o json`, decoded."""
    return json.loads(server.kubectl("get", *args, "-o", "json").stdout)


def refused(server: Server, *args: str, input: str | None = None) -> str:
    """The stderr of a kubectl command the server must refuse (kubectl exits 1)."""
    result = server.kubectl(*args, input=input, check=False)
    assert result.returncode == 1, result
    return result.stderr
