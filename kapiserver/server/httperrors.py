"""Go's texts for a failed outgoing HTTP call, from aiohttp's exceptions.

Upstream's messages about a webhook or an extension API server that cannot be reached quote
Go's net/http and crypto/tls errors ("dial tcp 10.0.0.7:443: connect: connection refused",
"tls: failed to verify certificate: x509: certificate signed by unknown authority"). Clients
and people match on those words, so the webhook client and the aggregator's proxy and
availability checks describe aiohttp's failures the way Go would have.
"""

from __future__ import annotations

import asyncio
import re
import ssl

import aiohttp

# OpenSSL verify codes (X509_V_ERR_*) -> the x509 error Go reports for the same problem.
_UNKNOWN_AUTHORITY = "x509: certificate signed by unknown authority"
_VERIFY_TEXTS = {
    2: _UNKNOWN_AUTHORITY,  # unable to get issuer certificate
    18: _UNKNOWN_AUTHORITY,  # self-signed certificate
    19: _UNKNOWN_AUTHORITY,  # self-signed certificate in chain
    20: _UNKNOWN_AUTHORITY,  # unable to get local issuer certificate
    21: _UNKNOWN_AUTHORITY,  # unable to verify the first certificate
    9: "x509: certificate has expired or is not yet valid",  # not yet valid
    10: "x509: certificate has expired or is not yet valid",  # expired
}
_HOSTNAME_MISMATCH = 62
_CLIENT_TIMEOUT = "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"


def join_host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _certificate_text(error: BaseException, server_name: str) -> str:
    code = getattr(error, "verify_code", None)
    if code == _HOSTNAME_MISMATCH:
        return f"tls: failed to verify certificate: x509: certificate is not valid for {server_name}"
    text = _VERIFY_TEXTS.get(code) if isinstance(code, int) else None
    if text is None:
        text = str(getattr(error, "verify_message", "") or error)
    return f"tls: failed to verify certificate: {text}"


def _tls_alert_text(error: ssl.SSLError) -> str:
    """An alert the peer sent ("TLSV13_ALERT_CERTIFICATE_REQUIRED") as Go's "remote error: tls: ..."."""
    reason = str(error.reason or "")
    _, alert, name = reason.partition("_ALERT_")
    if not alert:
        return f"tls: {reason.replace('_', ' ').lower()}" if reason else str(error)
    words = {"UNKNOWN_CA": "unknown certificate authority"}.get(name, name.replace("_", " ").lower())
    return f"remote error: tls: {words}"


_CONNECT_FAILED = re.compile(r"Connect call failed \('([^']+)', (\d+)")


def _dialled(error: OSError | None, address: str) -> str:
    """The address actually dialled (Go names the resolved IP, not the host name)."""
    match = _CONNECT_FAILED.search(str(error)) if error is not None else None
    return join_host_port(match.group(1), int(match.group(2))) if match else address


def _os_text(error: OSError | None, address: str) -> str:
    address = _dialled(error, address)
    if isinstance(error, ConnectionRefusedError):
        return f"dial tcp {address}: connect: connection refused"
    if isinstance(error, (ConnectionResetError, BrokenPipeError)):
        return f"read tcp {address}: read: connection reset by peer"
    if isinstance(error, TimeoutError):
        return f"dial tcp {address}: i/o timeout"
    if error is not None and error.errno == 113:
        return f"dial tcp {address}: connect: no route to host"
    if error is not None and error.errno == 101:
        return f"dial tcp {address}: connect: network is unreachable"
    return f"dial tcp {address}: {error.strerror if error is not None and error.strerror else error}"


def describe(exc: BaseException, host: str, port: int, server_name: str = "") -> str:
    """The Go error text for a failure calling host:port (the dialled address), whose TLS
    server name is `server_name` (the host by default)."""
    address = join_host_port(host, port)
    server_name = server_name or host
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return _certificate_text(exc.certificate_error, server_name)
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return f"dial tcp: lookup {host}: no such host"
    if isinstance(exc, aiohttp.ClientConnectorError):
        if isinstance(exc.os_error, ssl.SSLError):
            return describe(exc.os_error, host, port, server_name)
        return _os_text(exc.os_error, address)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return _certificate_text(exc, server_name)
    if isinstance(exc, ssl.SSLError):
        return _tls_alert_text(exc)
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError, aiohttp.ServerTimeoutError)):
        return _CLIENT_TIMEOUT
    if isinstance(exc, (aiohttp.ServerDisconnectedError, asyncio.IncompleteReadError)):
        return "EOF"
    if isinstance(exc, ConnectionRefusedError):
        return f"dial tcp {address}: connect: connection refused"
    if isinstance(exc, OSError):
        return _os_text(exc, address)
    return str(exc) or type(exc).__name__


def go_duration(seconds: float) -> str:
    """time.Duration.String() for the whole-ish durations webhooks use: 30s, 1m30s, 500ms, 1.5s."""
    if seconds < 1:
        milliseconds = seconds * 1000
        return f"{milliseconds:g}ms" if milliseconds else "0s"
    minutes, rest = divmod(seconds, 60)
    hours, minutes = divmod(int(minutes), 60)
    text = f"{rest:g}s" if rest else "0s"
    if hours:
        return f"{hours}h{minutes}m{text}"
    if minutes:
        return f"{minutes}m{text}"
    return text
